"""What each generated page and fragment shows: template contexts built from the domain.

Two kinds of output come from here:

* :func:`generated_pages` — the tag, category, author, month and glossary
  overview pages, each a :class:`Page` naming its template and the plain
  ``inputs`` it is made from (compared between builds before anything is
  rendered);
* :data:`PLACEHOLDERS` — the content of ``kb_dynamic`` nodes inside ordinary
  pages (byline, related articles, entry box, backlinks, lists, cards, tag
  cloud, an entry's pictures), each with its template, an ``inputs`` function
  and a ``context`` function.

Pictures (:mod:`kb.pictures.graph`, :mod:`kb.pictures.timeline`) are drawn only when a page is
rendered: their inputs are plain values compared like any other, and drawing
(a layout, label placement) happens in ``lazy`` context values or placeholder
contexts, never while deciding what to rewrite.

Nothing here writes a file or builds a URL: templates get ``url(target)``
from the writing phase, which asks the builder.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kb.core.names import name_key
from kb.core.records import Article
from kb.core.settings import KbConfig
from kb.core.targets import (
    TagTitles,
    feed_path,
    file_target,
    glossary_overview_pagename,
    glossary_overview_title,
    glossary_title,
    has_feed,
    kind_title,
    month_title,
    overview_pagename,
    overview_title,
    term_title,
)
from kb.core.taxonomy import (
    SECTIONS,
    Taxonomy,
    Term,
    month_pagename,
    page_count,
    term_links,
)
from kb.core.values import clip_excerpt
from kb.core.wording import Wording
from kb.pictures import graph, timeline
from kb.sphinx.domain import KbDomain
from kb.sphinx.render import Linker, Templates

#: Badges shown per article in lists; the article page itself shows them all.
#: Every tag page lists its articles, so without a cap an article with n tags
#: costs n² badges over its n tag pages.
LIST_BADGES = 20
#: How many co-mentioned entries an entry page shows.
TOGETHER_LIMIT = 10
#: Articles a {kb-latest} shows when it gives no count.
LATEST_COUNT = 6
#: Shape of each entry kind on the relationship map (circle when missing).
SHAPES = {"partner": "circle", "technology": "square"}


# --- list items ------------------------------------------------------------------


def _badges(
    article: Article, taxonomy: Taxonomy, skip: Term | None
) -> tuple[list[tuple[str, str, str]], int]:
    badges: list[tuple[str, str, str]] = []
    hidden = 0
    skipped = False
    for kind in ("category", "tag"):
        for name in article.names(kind):
            if len(badges) >= LIST_BADGES:
                hidden += 1
                continue
            term = taxonomy.term(kind, name)
            if term is None or term is skip:
                skipped = skipped or term is not None
                continue
            badges.append((kind, term.name, term.pagename))
    # The page's own term is not shown; when it is among the hidden names it
    # is not counted either (looking it up there would undo the cap).
    if hidden and skip is not None and skip.kind in ("category", "tag") and not skipped:
        hidden -= 1
    return badges, hidden


def items(
    articles: Iterable[Article],
    taxonomy: Taxonomy,
    zone: dt.tzinfo,
    words: Wording,
    skip: Term | None = None,
) -> list[dict[str, Any]]:
    """The context of kb/article-item.html for each article."""
    found = []
    for article in articles:
        badges, more = _badges(article, taxonomy, skip)
        found.append(
            {
                "article": article,
                "day": _day(article.date, zone, words),
                "iso": article.date.isoformat() if article.date else "",
                "excerpt": clip_excerpt(article.excerpt),
                "badges": badges,
                "more": more,
            }
        )
    return found


@functools.lru_cache(maxsize=4096)
def _day(moment: dt.datetime | None, zone: dt.tzinfo, words: Wording) -> str:
    """2025年11月7日, computed once per date: lists show the same articles many times."""
    return words.day(moment, zone) if moment is not None else ""


def by_year(articles: Sequence[Article], config: KbConfig) -> list[tuple[int | None, list[Article]]]:
    """Articles grouped by year (in the site's zone), keeping their order."""
    zone = config.zone
    years: list[tuple[int | None, list[Article]]] = []
    for article in articles:
        year = article.date.astimezone(zone).year if article.date else None
        if not years or years[-1][0] != year:
            years.append((year, []))
        years[-1][1].append(article)
    return years


def cloud_words(terms: list[Term]) -> list[tuple[Term, int]]:
    """Tags by name, each sized from 80% to 200% on a log scale of its article count."""
    if not terms:
        return []
    counts = [len(t.articles) for t in terms]
    low, high = math.log(min(counts)), math.log(max(counts))
    spread = (high - low) or 1.0
    return [
        (term, round(80 + 120 * (math.log(len(term.articles)) - low) / spread))
        for term in sorted(terms, key=lambda t: t.key)
    ]


# --- generated pages -----------------------------------------------------------------


@dataclass
class Page:
    """One page kb generates: where it goes, its template and what it is made from."""

    pagename: str
    title: str
    template: str
    context: dict[str, Any]
    labels: list[str] = field(default_factory=list)
    description: str = ""
    #: Everything the page is made from, as plain values: the page is only
    #: rendered when these changed (rendering every list to compare it was most
    #: of an incremental build's cost).
    inputs: Any = None
    #: Context values computed only when the page is rendered (pictures):
    #: name -> function of no arguments.
    lazy: dict[str, Callable[[], Any]] = field(default_factory=dict)

    def render(self, templates: Templates, url: Linker, config: KbConfig) -> str:
        return templates.render(
            self.template,
            title=self.title,
            labels=self.labels,
            url=url,
            zone=config.zone,
            **self.context,
            **{name: make() for name, make in self.lazy.items()},
        )


def generated_pages(
    domain: KbDomain,
    config: KbConfig,
    found_docs: Iterable[str],
    words: Wording,
    with_feeds: bool = True,
    tag_titles: TagTitles | None = None,
) -> list[Page]:
    """Every page kb generates, from the domain's records, titled in ``words``;
    ``with_feeds`` when the build writes Atom feeds (a website with
    ``html_baseurl``), which tag and category pages then link."""
    taxonomy = domain.taxonomy
    # Month of each listed article, for the timelines of tag and category pages.
    months = domain.mention_graph.index.article_months if config.graphs else {}
    pages: list[Page] = []
    for kind in ("tag", "category", "author"):
        terms = taxonomy.sorted_terms(kind)
        if terms:  # no empty overview
            pages.append(_overview(config, kind, terms, words))
        for term in terms:
            total = page_count(len(term.articles), config.page_size)
            for number in range(1, total + 1):
                pages.append(
                    _term_page(config, taxonomy, term, number, total, months, words, with_feeds)
                )
    if taxonomy.months:
        pages.append(_archive(config, taxonomy, words))
    for (year, month), articles in sorted(taxonomy.months.items(), reverse=True):
        listed = items(articles, taxonomy, config.zone, words)
        pages.append(
            Page(
                month_pagename(config.archive_path, year, month),
                month_title(words, year, month),
                "kb/month.html",
                {"year": year, "month": month, "items": listed},
                [f"kb-archive-{year:04d}-{month:02d}"],
                inputs=(taxonomy.badges_of(articles), tuple(articles)),
            )
        )
    pages.extend(series_pages(taxonomy, config, words))
    pages.extend(glossary_pages(domain, config, set(found_docs), words))
    if tag_titles is not None:
        _use_tag_titles(pages, tag_titles, words)
    return pages


def _use_tag_titles(pages: list[Page], titles: TagTitles, words: Wording) -> None:
    """A sphinx-tags project keeps its words: the overview's title and list heading,
    each tag page's title prefix and list heading."""
    for page in pages:
        if page.context.get("kind") == "tag" and page.template == "kb/overview.html":
            page.title = titles.overview or page.title
            page.context["list_header"] = titles.index_head
        term = page.context.get("term")
        if isinstance(term, Term) and term.kind == "tag":
            if titles.page:
                title = f"{titles.page}: {term.name}"
                number = page.context["page_number"]
                if number > 1:
                    title = words.gettext("%(title)s (page %(number)d)") % {
                        "title": title,
                        "number": number,
                    }
                page.title = title
            page.context["list_header"] = titles.page_header


def series_pages(taxonomy: Taxonomy, config: KbConfig, words: Wording) -> list[Page]:
    """One page per series, titled with its name: the parts in order."""
    pages = []
    for series in sorted(taxonomy.series.series.values(), key=lambda s: s.key):
        parts = tuple(series.parts)
        pages.append(
            Page(
                series.pagename,
                series.name,
                "kb/series.html",
                {"series": series},
                [f"kb-series-{series.slug}"],
                inputs=(series.name, parts, taxonomy.badges_of(parts)),
                lazy={"items": functools.partial(items, parts, taxonomy, config.zone, words)},
            )
        )
    return pages


def _overview(config: KbConfig, kind: str, terms: list[Term], words: Wording) -> Page:
    context = {
        "kind": kind,
        "kind_title": kind_title(words, kind),
        "terms": terms,
        "words": cloud_words(terms) if kind == "tag" else [],
        "list_header": "",
    }
    return Page(
        overview_pagename(config, kind),
        overview_title(words, kind),
        "kb/overview.html",
        context,
        [f"kb-{SECTIONS[kind]}"],
        inputs=tuple((t.key, t.name, t.slug, len(t.articles)) for t in terms),
    )


def _term_page(
    config: KbConfig,
    taxonomy: Taxonomy,
    term: Term,
    number: int,
    total: int,
    months: Mapping[str, str],
    words: Wording,
    with_feeds: bool = True,
) -> Page:
    start = (number - 1) * config.page_size
    chunk = term.articles[start : start + config.page_size]
    title = term_title(words, term, number)
    linked = with_feeds and term.kind in ("tag", "category") and has_feed(term.articles)
    feed = file_target(feed_path(config, term)) if linked else None
    context = {
        "term": term,
        "kind_title": kind_title(words, term.kind),
        "page_number": number,
        "current": number,
        "pages": [(n, term.page(n)) for n in range(1, total + 1)],
        "list_header": "",
        "feed": feed,
    }
    inputs: tuple[Any, ...] = (
        taxonomy.badges_of(chunk),
        term.name,
        term.description,
        number,
        total,
        len(term.articles),
        tuple(chunk),
        feed,
    )
    labels = [f"kb-{term.kind}-{term.slug}"] if number == 1 else []
    # The list is made only when the page is rendered: most builds compare
    # the inputs above and render nothing.
    lazy: dict[str, Callable[[], Any]] = {
        "timeline": lambda: None,
        "items": functools.partial(items, chunk, taxonomy, config.zone, words, term),
    }
    if config.graphs and number == 1 and term.kind in ("tag", "category"):
        counts = timeline.month_counts(months.get(a.docname, "") for a in term.articles)
        inputs += (counts,)
        if term.kind == "tag":
            caption = words.gettext("Articles per month tagged “%(name)s”")
        else:
            caption = words.gettext("Articles per month in the category “%(name)s”")
        lazy["timeline"] = functools.partial(
            timeline_view, counts, config, caption % {"name": term.name}, words
        )
    return Page(
        term.page(number),
        title,
        "kb/term.html",
        context,
        labels,
        term.description,
        inputs,
        lazy,
    )


def _archive(config: KbConfig, taxonomy: Taxonomy, words: Wording) -> Page:
    years: dict[int, list[tuple[int, int, str]]] = {}
    for year, month in sorted(taxonomy.months, reverse=True):
        count = len(taxonomy.months[(year, month)])
        years.setdefault(year, []).append(
            (month, count, month_pagename(config.archive_path, year, month))
        )
    context = {
        "years": [(year, sum(c for _, c, _ in months), months) for year, months in years.items()]
    }
    counts = tuple(sorted((key, len(found)) for key, found in taxonomy.months.items()))
    return Page(
        overview_pagename(config, "archive"),
        overview_title(words, "archive"),
        "kb/archive.html",
        context,
        ["kb-archive"],
        inputs=counts,
    )


def mention_counts(domain: KbDomain) -> Counter[str]:
    """Entry docname -> number of listed articles that mention it."""
    return Counter(domain.mention_graph.index.counts)


# --- pictures -----------------------------------------------------------------------------


def timeline_view(
    counts: tuple[timeline.MonthCount, ...],
    config: KbConfig,
    caption: str,
    words: Wording,
    element_id: str = "kb-timeline",
) -> dict[str, Any] | None:
    """Context of kb/timeline.html for ``counts``; None when there is nothing to show."""
    picture = timeline.draw_timeline(counts, words)
    if picture is None:
        return None
    # Every month with a listed article has its archive page.
    targets = {m.key: month_pagename(config.archive_path, m.year, m.month) for m in picture.months}
    return {"picture": picture, "month_targets": targets, "caption": caption, "id": element_id}


@functools.lru_cache(maxsize=4)
def drawn(inputs: graph.PictureInputs) -> graph.GraphPicture:
    """The picture of ``inputs``: one map shown on several overviews is laid out once."""
    return graph.draw(inputs)


def graph_view(
    inputs: graph.PictureInputs | None,
    config: KbConfig,
    caption: str,
    element_id: str,
    words: Wording,
) -> dict[str, Any] | None:
    """Context of kb/relationship-map.html for ``inputs``; None when there is nothing."""
    if inputs is None:
        return None
    return {
        "picture": drawn(inputs) if not inputs.center else graph.draw(inputs),
        "caption": caption,
        "kind_titles": {
            kind: glossary_title(words, kind, spec) for kind, spec in config.glossary_kinds.items()
        },
        "shapes": SHAPES,
        "id": element_id,
    }


def generated_glossary_kinds(
    domain: KbDomain, config: KbConfig, found_docs: set[str]
) -> list[str]:
    """Glossary kinds whose overview kb generates: those with entries (no empty
    overview), and no hand-written overview (which wins)."""
    with_entries = {entry.kind for entry in domain.entries.values()}
    return [
        kind
        for kind in config.glossary_kinds
        if kind in with_entries and glossary_overview_pagename(config, kind) not in found_docs
    ]


def map_caption(words: Wording) -> str:
    return words.gettext(
        "Relationship map: partners and technologies mentioned in the same articles"
    )


def glossary_pages(
    domain: KbDomain, config: KbConfig, found_docs: set[str], words: Wording
) -> list[Page]:
    """One overview per entry kind: every entry with its summary and article count."""
    counts = mention_counts(domain)
    pages: list[Page] = []
    for kind in generated_glossary_kinds(domain, config, found_docs):
        spec = config.glossary_kinds[kind]
        entries = sorted(
            (e for e in domain.entries.values() if e.kind == kind), key=lambda e: name_key(e.name)
        )
        label = glossary_title(words, kind, spec)
        rows = [(entry, name_key(entry.name), counts[entry.docname]) for entry in entries]
        pictured = domain.mention_graph.map_inputs() if config.graphs and rows else None
        pages.append(
            Page(
                glossary_overview_pagename(config, kind),
                glossary_overview_title(words, kind, spec),
                "kb/glossary-overview.html",
                {"kind": kind, "kind_title": label, "rows": rows},
                [f"kb-{spec.get('folder', kind)}"],
                inputs=(tuple((e, c) for e, _, c in rows), pictured),
                lazy={
                    "graph": functools.partial(
                        graph_view, pictured, config, map_caption(words), "kb-map", words
                    )
                },
            )
        )
    return pages


# --- placeholders in ordinary pages ------------------------------------------------------

Inputs = Callable[[KbDomain, KbConfig, str, dict[str, Any]], Any]
#: A placeholder's template context, its text in the build's words.
Context = Callable[[KbDomain, KbConfig, str, dict[str, Any], Wording], dict[str, Any] | None]


@dataclass(frozen=True)
class Placeholder:
    """Generated content inside a page: rendered when the page is written."""

    #: Templates rendered one after the other with the same context.
    templates: tuple[str, ...]
    #: The template context; None when there is nothing to show.
    context: Context
    #: The plain values the content is made from; compared to decide which
    #: pages to rewrite. Defaults to the context itself.
    inputs: Inputs | None = None

    def render(
        self,
        domain: KbDomain,
        config: KbConfig,
        docname: str,
        options: dict[str, Any],
        templates: Templates,
        url: Linker,
    ) -> str:
        context = self.context(domain, config, docname, options, templates.words)
        if context is None:
            return ""
        return "".join(
            templates.render(name, url=url, zone=config.zone, **context)
            for name in self.templates
        )

    def fingerprint(
        self,
        domain: KbDomain,
        config: KbConfig,
        docname: str,
        options: dict[str, Any],
        words: Wording,
    ) -> str:
        if self.inputs is not None:
            return repr(self.inputs(domain, config, docname, options))
        return repr(self.context(domain, config, docname, options, words))


def _byline(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any], words: Wording
) -> dict[str, Any] | None:
    article = domain.articles.get(docname)
    if article is None:
        return None
    return {
        "article": article,
        "authors": term_links(domain.taxonomy, article, "author"),
        "categories": term_links(domain.taxonomy, article, "category"),
        "tags": term_links(domain.taxonomy, article, "tag"),
    }


def _footer(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any], words: Wording
) -> dict[str, Any] | None:
    if docname not in domain.articles:
        return None
    links = domain.relations
    related = links.related.get(docname, [])
    return {
        "items": items(related, domain.taxonomy, config.zone, words),
        "older": links.older.get(docname),
        "newer": links.newer.get(docname),
    }


def _footer_inputs(domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any]) -> Any:
    links = domain.relations
    newer, older = links.newer.get(docname), links.older.get(docname)
    related = tuple(links.related.get(docname, ()))
    return (
        docname in domain.articles,
        domain.taxonomy.badges_of(related),
        related,
        (newer.docname, newer.title) if newer else None,
        (older.docname, older.title) if older else None,
    )


def _entry_box(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any], words: Wording
) -> dict[str, Any] | None:
    entry = domain.entries.get(docname)
    if entry is None:
        return None
    related = []
    for name in entry.related:
        other = domain.find_entry(name)
        related.append((name, other if other is not None and other.docname != docname else None))
    return {"entry": entry, "related": related}


def mentioning_articles(domain: KbDomain, docname: str) -> list[Article]:
    """Listed articles mentioning the entry ``docname``, newest first."""
    return [a for a in domain.listed_articles() if docname in domain.mentions.get(a.docname, {})]


def _together(domain: KbDomain, docname: str, articles: list[Article]) -> Counter[str]:
    together: Counter[str] = Counter()
    for article in articles:
        for other in domain.mentions[article.docname]:
            if other != docname and other in domain.entries:
                together[other] += 1
    return together


def _backlinks(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any], words: Wording
) -> dict[str, Any] | None:
    entry = domain.entries.get(docname)
    if entry is None:
        return None
    articles = mentioning_articles(domain, docname)
    together = _together(domain, docname, articles)
    # The newest articles in full; older ones as one line each, so an entry
    # named in a thousand articles still gives a page a reader can use.
    newest, older = articles[: config.page_size], articles[config.page_size :]
    best = sorted(together.items(), key=lambda item: (-item[1], name_key(domain.entries[item[0]].name)))
    return {
        "entry": entry,
        "count": len(articles),
        "items": items(newest, domain.taxonomy, config.zone, words),
        "years": by_year(older, config),
        "together": [(domain.entries[other], count) for other, count in best[:TOGETHER_LIMIT]],
    }


def _backlink_inputs(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any]
) -> Any:
    if docname not in domain.entries:
        return None
    articles = mentioning_articles(domain, docname)
    together = sorted(_together(domain, docname, articles).items())
    names = tuple(
        (other, domain.entries[other].name, domain.entries[other].summary) for other, _ in together
    )
    in_full = articles[: config.page_size]
    return (domain.taxonomy.badges_of(in_full), tuple(articles), tuple(together), names)


def _entry_picture_inputs(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any]
) -> Any:
    if not config.graphs or docname not in domain.entries:
        return None
    mentions = domain.mention_graph
    return (
        mentions.neighbourhood_inputs(docname),
        timeline.month_counts(mentions.months(docname)),
    )


def _entry_pictures(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any], words: Wording
) -> dict[str, Any] | None:
    inputs = _entry_picture_inputs(domain, config, docname, options)
    if inputs is None:
        return None
    around, counts = inputs
    name = domain.entries[docname].name
    around_caption = words.gettext("Entries often mentioned with %(name)s") % {"name": name}
    timeline_caption = words.gettext("Articles per month that mention %(name)s") % {"name": name}
    context = {
        "neighbourhood": graph_view(around, config, around_caption, "kb-neighbourhood", words),
        "timeline": timeline_view(counts, config, timeline_caption, words),
    }
    return context if context["neighbourhood"] or context["timeline"] else None


def _relationship_map_inputs(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any]
) -> Any:
    return domain.mention_graph.map_inputs() if config.graphs else None


def _relationship_map(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any], words: Wording
) -> dict[str, Any] | None:
    """The whole map, as the overviews show it, on any page (the glossary's front page)."""
    inputs = _relationship_map_inputs(domain, config, docname, options)
    return graph_view(inputs, config, map_caption(words), "kb-map", words)


def _filtered(domain: KbDomain, options: dict[str, Any]) -> list[Article]:
    articles = domain.listed_articles()
    for kind in ("tag", "category", "author"):
        name = options.get(kind)
        if name:
            term = domain.taxonomy.term(kind, name)
            members = {a.docname for a in term.articles} if term else set()
            articles = [a for a in articles if a.docname in members]
    limit = options.get("limit") or options.get("count")
    return articles[: int(limit)] if limit else articles


def _latest(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any], words: Wording
) -> dict[str, Any] | None:
    return {
        "items": items(_latest_articles(domain, options), domain.taxonomy, config.zone, words)
    }


def _list(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any], words: Wording
) -> dict[str, Any] | None:
    return {"items": items(_filtered(domain, options), domain.taxonomy, config.zone, words)}


def _category_cards(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any], words: Wording
) -> dict[str, Any] | None:
    return {"terms": domain.taxonomy.sorted_terms("category", "count")}


def _tag_cloud(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any], words: Wording
) -> dict[str, Any] | None:
    terms = domain.taxonomy.sorted_terms("tag", "count")
    limit = options.get("limit")
    return {"words": cloud_words(terms[: int(limit)] if limit else terms)}


def _terms_inputs(kind: str) -> Inputs:
    def inputs(domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any]) -> Any:
        return tuple(
            (t.key, t.name, t.slug, t.description, len(t.articles))
            for t in domain.taxonomy.sorted_terms(kind, "count")
        ), options.get("limit")

    return inputs


def _latest_articles(domain: KbDomain, options: dict[str, Any]) -> list[Article]:
    return _filtered(domain, {**options, "limit": options.get("count", LATEST_COUNT)})


def _latest_inputs(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any]
) -> Any:
    chosen = _latest_articles(domain, options)
    return domain.taxonomy.badges_of(chosen), tuple(chosen)


def _list_inputs(domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any]) -> Any:
    chosen = _filtered(domain, options)
    return domain.taxonomy.badges_of(chosen), tuple(chosen)


def _series_place(domain: KbDomain, docname: str) -> dict[str, Any] | None:
    """A part's series, its number and total, and the parts before and after it."""
    series = domain.series_of(docname)
    if series is None:
        return None  # not a part, or not listed (a draft, an undated article)
    number = series.number(docname)
    return {
        "series": series,
        "number": number,
        "total": len(series.parts),
        "previous": series.parts[number - 2] if number > 1 else None,
        "next": series.parts[number] if number < len(series.parts) else None,
    }


def _series_nav(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any], words: Wording
) -> dict[str, Any] | None:
    return _series_place(domain, docname)


def _series_nav_inputs(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any]
) -> Any:
    place = _series_place(domain, docname)
    if place is None:
        return None
    around = (place["previous"], place["next"])
    return (
        place["series"].name,
        place["series"].pagename,
        place["number"],
        place["total"],
        *((part.docname, part.title) if part else None for part in around),
    )


#: kind of a ``kb_dynamic`` node -> how it is rendered; a table, not a registry
#: filled as a side effect of importing some module.
PLACEHOLDERS: dict[str, Placeholder] = {
    "byline": Placeholder(("kb/byline.html",), _byline),
    "article-footer": Placeholder(("kb/related.html",), _footer, _footer_inputs),
    "entry-box": Placeholder(("kb/entry-box.html",), _entry_box),
    "entry-backlinks": Placeholder(
        ("kb/backlinks.html", "kb/co-mentions.html"), _backlinks, _backlink_inputs
    ),
    "entry-pictures": Placeholder(
        ("kb/entry-pictures.html",), _entry_pictures, _entry_picture_inputs
    ),
    "list": Placeholder(("kb/article-list.html",), _list, _list_inputs),
    "category-cards": Placeholder(
        ("kb/term-cards.html",), _category_cards, _terms_inputs("category")
    ),
    "tag-cloud": Placeholder(("kb/tag-cloud.html",), _tag_cloud, _terms_inputs("tag")),
    "series-nav": Placeholder(("kb/series-nav.html",), _series_nav, _series_nav_inputs),
    "relationship-map": Placeholder(
        ("kb/relationship-map.html",), _relationship_map, _relationship_map_inputs
    ),
}
#: {kb-latest} shows cards, or a list with ``:style: list``.
LATEST_CARDS = Placeholder(("kb/cards.html",), _latest, _latest_inputs)
LATEST_LIST = Placeholder(("kb/article-list.html",), _latest, _latest_inputs)


def placeholder(kind: str, options: dict[str, Any]) -> Placeholder | None:
    if kind == "latest":
        return LATEST_LIST if options.get("style") == "list" else LATEST_CARDS
    return PLACEHOLDERS.get(kind)


# --- <head> -------------------------------------------------------------------------


def article_head(domain: KbDomain, docname: str, page_url: str) -> dict[str, Any] | None:
    """Context of kb/head-meta.html for an article page."""
    article = domain.articles.get(docname)
    if article is None or not article.is_article:
        return None
    return {
        "article": article,
        "description": clip_excerpt(article.excerpt),
        "tags": domain.display_names(article, "tag"),
        "page_url": page_url,
    }

