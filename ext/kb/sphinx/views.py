"""What each generated page and fragment shows: template contexts built from the domain.

Two kinds of output come from here:

* :func:`generated_pages` — the tag, category, author, month and glossary
  overview pages, each a :class:`Page` naming its template and the plain
  ``inputs`` it is made from (compared between builds before anything is
  rendered);
* the parts they share with the content of ``kb_dynamic`` nodes inside
  ordinary pages (:mod:`kb.sphinx.placeholders`): article lists, the tag
  cloud, pictures.

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
from typing import Any, NamedTuple

from kb.core.names import name_key
from kb.core.records import Article
from kb.core.settings import KbConfig
from kb.core.targets import (
    PageTable,
    TagTitles,
    feed_path,
    file_target,
    glossary_overview_pagename,
    glossary_title,
    has_feed,
    kind_title,
    overview_pagename,
)
from kb.core.taxonomy import (
    Taxonomy,
    Term,
    month_pagename,
    page_count,
)
from kb.core.values import clip_excerpt
from kb.core.wording import Wording
from kb.pictures import timeline
from kb.sphinx.domain import KbDomain
from kb.sphinx.pictureviews import graph_view, map_caption, timeline_view
from kb.sphinx.render import Linker, Templates

#: Badges shown per article in lists; the article page itself shows them all.
#: Every tag page lists its articles, so without a cap an article with n tags
#: costs n² badges over its n tag pages.
LIST_BADGES = 20


# --- list items ------------------------------------------------------------------


#: What a list shows of one article: the article, its badges (kind, name, page
#: name) and how many more badges it has.
Listed = tuple[Article, tuple[tuple[str, str, str], ...], int]


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


def listed(
    articles: Iterable[Article], taxonomy: Taxonomy, skip: Term | None = None
) -> tuple[Listed, ...]:
    """What a list of ``articles`` shows of each (``skip``: the page's own term)."""
    found = []
    for article in articles:
        badges, more = _badges(article, taxonomy, skip)
        found.append((article, tuple(badges), more))
    return tuple(found)


def items(shown: Iterable[Listed], zone: dt.tzinfo, words: Wording) -> list[dict[str, Any]]:
    """The context of kb/article-item.html for each article of a list."""
    found = []
    for article, badges, more in shown:
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


def _items_of(
    articles: Iterable[Article],
    taxonomy: Taxonomy,
    zone: dt.tzinfo,
    words: Wording,
    skip: Term | None = None,
) -> list[dict[str, Any]]:
    return items(listed(articles, taxonomy, skip), zone, words)


@functools.lru_cache(maxsize=4096)
def _day(moment: dt.datetime | None, zone: dt.tzinfo, words: Wording) -> str:
    """2025年11月7日, computed once per date: lists show the same articles many times."""
    return words.day(moment, zone) if moment is not None else ""


class Brief(NamedTuple):
    """What a one-line list (kb/compact-list.html) shows of an article: compared
    between builds, so a tag added to an old article rewrites no page that
    lists it in one line."""

    docname: str
    title: str
    date: dt.datetime | None

    @classmethod
    def of(cls, article: Article) -> Brief:
        return cls(article.docname, article.title, article.date)


def by_year(articles: Sequence[Brief], config: KbConfig) -> list[tuple[int | None, list[Brief]]]:
    """Articles grouped by year (in the site's zone), keeping their order."""
    zone = config.zone
    years: list[tuple[int | None, list[Brief]]] = []
    for article in articles:
        year = article.date.astimezone(zone).year if article.date else None
        if not years or years[-1][0] != year:
            years.append((year, []))
        years[-1][1].append(article)
    return years


@dataclass(frozen=True)
class TermShown:
    """What a card or the tag cloud shows of a term."""

    key: str
    name: str
    pagename: str
    description: str
    count: int

    @classmethod
    def of(cls, term: Term) -> TermShown:
        return cls(term.key, term.name, term.pagename, term.description, len(term.articles))


def cloud_words(terms: list[TermShown]) -> list[tuple[TermShown, int]]:
    """Tags by name, each sized from 80% to 200% on a log scale of its article count."""
    if not terms:
        return []
    counts = [t.count for t in terms]
    low, high = math.log(min(counts)), math.log(max(counts))
    spread = (high - low) or 1.0
    return [
        (term, round(80 + 120 * (math.log(term.count) - low) / spread))
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
    #: What the page is about, ``(kind, term key)`` or ``("month", "2025-11")``, when it
    #: lists the articles of one term or month only (None for overviews and the rest).
    subject: tuple[str, str] | None = None
    #: The inputs, made only when asked (:meth:`made_of`): an edit's scope skips most.
    making: Callable[[], Any] | None = None

    def made_of(self) -> Any:
        """What the page is made from (see ``inputs``)."""
        return self.making() if self.making is not None else self.inputs

    @classmethod
    def listed_in(
        cls, table: PageTable, pagename: str, template: str, context: dict[str, Any], **more: Any
    ) -> Page:
        """The page ``pagename`` with the title and labels the build's table gives it."""
        named = table[pagename]
        return cls(pagename, named.title, template, context, list(named.labels), **more)

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
    table: PageTable,
    words: Wording,
    with_feeds: bool = True,
    tag_titles: TagTitles | None = None,
) -> list[Page]:
    """Every page of ``table`` with what it shows, from the domain's records, in
    ``words``; ``with_feeds`` when the build writes Atom feeds (a website with
    ``html_baseurl``), which tag and category pages then link; ``tag_titles``
    gives a sphinx-tags project's list headings."""
    taxonomy = domain.taxonomy

    def months() -> Mapping[str, str]:
        """Month of each listed article, for the timelines of tag and category pages."""
        return domain.mention_graph.index.article_months if config.graphs else {}

    pages: list[Page] = []
    for kind in ("tag", "category", "author"):
        terms = taxonomy.sorted_terms(kind)
        if terms:  # no empty overview
            pages.append(_overview(config, table, kind, terms, words))
        for term in terms:
            total = page_count(len(term.articles), config.page_size)
            for number in range(1, total + 1):
                pages.append(
                    _term_page(config, table, taxonomy, term, number, total, months, words, with_feeds)
                )
    if taxonomy.months:
        pages.append(_archive(config, table, taxonomy))
    for (year, month), articles in sorted(taxonomy.months.items(), reverse=True):
        pages.append(
            Page.listed_in(
                table,
                month_pagename(config.archive_path, year, month),
                "kb/month.html",
                {"year": year, "month": month},
                lazy={"items": functools.partial(_items_of, articles, taxonomy, config.zone, words)},
                subject=("month", f"{year:04d}-{month:02d}"),
                making=functools.partial(_listed_inputs, taxonomy, articles),
            )
        )
    pages.extend(series_pages(taxonomy, config, table, words))
    pages.extend(glossary_pages(domain, config, table, words))
    if tag_titles is not None:
        _use_tag_headings(pages, tag_titles)
    return pages


def _listed_inputs(taxonomy: Taxonomy, articles: Sequence[Article]) -> tuple[Any, ...]:
    return (taxonomy.badges_of(articles), tuple(articles))


def _use_tag_headings(pages: list[Page], titles: TagTitles) -> None:
    """A sphinx-tags project keeps its list headings (its titles are in the table)."""
    for page in pages:
        if page.context.get("kind") == "tag" and page.template == "kb/overview.html":
            page.context["list_header"] = titles.index_head
        term = page.context.get("term")
        if isinstance(term, Term) and term.kind == "tag":
            page.context["list_header"] = titles.page_header


def series_pages(
    taxonomy: Taxonomy, config: KbConfig, table: PageTable, words: Wording
) -> list[Page]:
    """One page per series, titled with its name: the parts in order."""
    pages = []
    for series in sorted(taxonomy.series.series.values(), key=lambda s: s.key):
        parts = tuple(series.parts)
        pages.append(
            Page.listed_in(
                table,
                series.pagename,
                "kb/series.html",
                {"series": series},
                inputs=(series.name, parts, taxonomy.badges_of(parts)),
                lazy={"items": functools.partial(_items_of, parts, taxonomy, config.zone, words)},
            )
        )
    return pages


def _overview(
    config: KbConfig, table: PageTable, kind: str, terms: list[Term], words: Wording
) -> Page:
    context = {
        "kind": kind,
        "kind_title": kind_title(words, kind),
        "terms": terms,
        "words": cloud_words([TermShown.of(t) for t in terms]) if kind == "tag" else [],
        "list_header": "",
    }
    return Page.listed_in(
        table,
        overview_pagename(config, kind),
        "kb/overview.html",
        context,
        inputs=tuple((t.key, t.name, t.slug, len(t.articles)) for t in terms),
    )


def _term_page(
    config: KbConfig,
    table: PageTable,
    taxonomy: Taxonomy,
    term: Term,
    number: int,
    total: int,
    months: Callable[[], Mapping[str, str]],
    words: Wording,
    with_feeds: bool = True,
) -> Page:
    start = (number - 1) * config.page_size
    chunk = term.articles[start : start + config.page_size]
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
    pictured = config.graphs and number == 1 and term.kind in ("tag", "category")

    @functools.cache
    def counts() -> Any:
        return timeline.month_counts(months().get(a.docname, "") for a in term.articles)

    def made_of() -> tuple[Any, ...]:
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
        return (*inputs, counts()) if pictured else inputs

    # The list is made only when the page is rendered: most builds compare
    # the inputs above and render nothing.
    lazy: dict[str, Callable[[], Any]] = {
        "timeline": lambda: None,
        "items": functools.partial(_items_of, chunk, taxonomy, config.zone, words, term),
    }
    if pictured:
        if term.kind == "tag":
            caption = words.gettext("Articles per month tagged “%(name)s”")
        else:
            caption = words.gettext("Articles per month in the category “%(name)s”")
        lazy["timeline"] = lambda: timeline_view(
            counts(), config, caption % {"name": term.name}, words
        )
    return Page.listed_in(
        table,
        term.page(number),
        "kb/term.html",
        context,
        description=term.description,
        lazy=lazy,
        subject=(term.kind, term.key),
        making=made_of,
    )


def _archive(config: KbConfig, table: PageTable, taxonomy: Taxonomy) -> Page:
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
    return Page.listed_in(
        table, overview_pagename(config, "archive"), "kb/archive.html", context, inputs=counts
    )


def mention_counts(domain: KbDomain) -> Counter[str]:
    """Entry docname -> number of listed articles that mention it."""
    return Counter(domain.mention_graph.index.counts)


def glossary_pages(
    domain: KbDomain, config: KbConfig, table: PageTable, words: Wording
) -> list[Page]:
    """One overview per entry kind: every entry with its summary and article count."""
    counts = mention_counts(domain)
    pages: list[Page] = []
    for kind in config.glossary_kinds:
        pagename = glossary_overview_pagename(config, kind)
        if pagename not in table:
            continue
        spec = config.glossary_kinds[kind]
        entries = sorted(
            (e for e in domain.entries.values() if e.kind == kind), key=lambda e: name_key(e.name)
        )
        label = glossary_title(words, kind, spec)
        rows = [(entry, name_key(entry.name), counts[entry.docname]) for entry in entries]
        pictured = domain.mention_graph.map_inputs() if config.graphs and rows else None
        pages.append(
            Page.listed_in(
                table,
                pagename,
                "kb/glossary-overview.html",
                {"kind": kind, "kind_title": label, "rows": rows},
                inputs=(tuple((e, c) for e, _, c in rows), pictured),
                lazy={
                    "graph": functools.partial(
                        graph_view, pictured, config, map_caption(words), "kb-map", words
                    )
                },
            )
        )
    return pages


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

