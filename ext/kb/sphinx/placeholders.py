"""What kb puts in place of each ``kb_dynamic`` node inside an ordinary page.

A :class:`Placeholder` (byline, related articles, entry box, backlinks, an
entry's pictures, lists, cards, tag cloud, series navigation) declares the
plain values its content is made from (``inputs``: compared between builds to
decide which pages to write again) and makes its template context from those
values alone (``context``). The context cannot read anything the comparison
does not see, so a page is never left stale by the two drifting apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple

from kb.core.names import name_key
from kb.core.records import Article
from kb.core.settings import KbConfig
from kb.core.taxonomy import term_links
from kb.core.wording import Wording
from kb.pictures import timeline
from kb.sphinx.domain import KbDomain
from kb.sphinx.pictureviews import graph_view, map_caption, timeline_view
from kb.sphinx.render import Linker, Templates
from kb.sphinx.views import Brief, Listed, TermShown, by_year, cloud_words, items, listed

#: How many co-mentioned entries an entry page shows.
TOGETHER_LIMIT = 10
#: Articles a {kb-latest} shows when it gives no count.
LATEST_COUNT = 6

#: The plain values a placeholder's content is made from; None when it shows nothing.
Inputs = Callable[[KbDomain, KbConfig, str, dict[str, Any]], Any]
#: A placeholder's template context, made from its inputs, in the build's words.
Context = Callable[[Any, KbConfig, Wording], "dict[str, Any] | None"]


def render_all(
    templates: Templates, names: tuple[str, ...], url: Linker, zone: Any, context: dict[str, Any]
) -> str:
    """The templates ``names`` rendered one after the other with the same context."""
    return "".join(templates.render(name, url=url, zone=zone, **context) for name in names)


@dataclass(frozen=True)
class Placeholder:
    """Generated content inside a page: rendered when the page is written."""

    #: Templates rendered one after the other with the same context.
    templates: tuple[str, ...]
    inputs: Inputs
    #: Called only with what ``inputs`` returned (never None).
    context: Context

    def context_of(
        self,
        domain: KbDomain,
        config: KbConfig,
        docname: str,
        options: dict[str, Any],
        words: Wording,
    ) -> dict[str, Any] | None:
        """The template context for ``docname``; None when there is nothing to show."""
        values = self.inputs(domain, config, docname, options)
        return None if values is None else self.context(values, config, words)

    def rendering(
        self,
        domain: KbDomain,
        config: KbConfig,
        docname: str,
        options: dict[str, Any],
        templates: Templates,
        url: Linker,
    ) -> Callable[[], str] | None:
        """The content as a call that renders it; None when there is nothing to show.

        The context is made here, where every record is at hand; the templates are
        rendered by whoever calls it: under ``-j``, the process that writes the page
        (see :class:`kb.sphinx.nodes.kb_filled`).
        """
        context = self.context_of(domain, config, docname, options, templates.words)
        if context is None:
            return None
        return partial(render_all, templates, self.templates, url, config.zone, context)

    def fingerprint(
        self, domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any]
    ) -> str:
        return repr(self.inputs(domain, config, docname, options))


class Neighbour(NamedTuple):
    """An article a page links to by its title."""

    docname: str
    title: str


class SeriesLink(NamedTuple):
    name: str
    pagename: str


def _neighbour(article: Article | None) -> Neighbour | None:
    return Neighbour(article.docname, article.title) if article is not None else None


# --- articles and glossary entries ------------------------------------------------------


def _byline_inputs(domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any]) -> Any:
    article = domain.articles.get(docname)
    if article is None:
        return None
    taxonomy = domain.taxonomy
    return article, *(tuple(term_links(taxonomy, article, kind)) for kind in ("author", "category", "tag"))


def _byline(values: Any, config: KbConfig, words: Wording) -> dict[str, Any]:
    article, authors, categories, tags = values
    return {
        "article": article,
        "authors": list(authors),
        "categories": list(categories),
        "tags": list(tags),
    }


def _footer_inputs(domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any]) -> Any:
    if docname not in domain.articles:
        return None
    links = domain.relations
    related = listed(links.related.get(docname, ()), domain.taxonomy)
    return related, _neighbour(links.older.get(docname)), _neighbour(links.newer.get(docname))


def _footer(values: Any, config: KbConfig, words: Wording) -> dict[str, Any]:
    related, older, newer = values
    return {"items": items(related, config.zone, words), "older": older, "newer": newer}


def _entry_box_inputs(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any]
) -> Any:
    entry = domain.entries.get(docname)
    if entry is None:
        return None
    related = []
    for name in entry.related:
        other = domain.find_entry(name)
        related.append((name, other if other is not None and other.docname != docname else None))
    return entry, tuple(related)


def _entry_box(values: Any, config: KbConfig, words: Wording) -> dict[str, Any]:
    entry, related = values
    return {"entry": entry, "related": list(related)}


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


def _backlink_inputs(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any]
) -> Any:
    entry = domain.entries.get(docname)
    if entry is None:
        return None
    articles = mentioning_articles(domain, docname)
    together = _together(domain, docname, articles)
    best = sorted(
        together.items(), key=lambda item: (-item[1], name_key(domain.entries[item[0]].name))
    )
    # The newest articles in full; older ones as one line each, so an entry
    # named in a thousand articles still gives a page a reader can use.
    newest, older = articles[: config.page_size], articles[config.page_size :]
    shown = tuple((domain.entries[other], count) for other, count in best[:TOGETHER_LIMIT])
    return entry, listed(newest, domain.taxonomy), tuple(map(Brief.of, older)), shown


def _backlinks(values: Any, config: KbConfig, words: Wording) -> dict[str, Any]:
    entry, newest, older, together = values
    return {
        "entry": entry,
        "count": len(newest) + len(older),
        "items": items(newest, config.zone, words),
        "years": by_year(older, config),
        "together": list(together),
    }


def _entry_picture_inputs(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any]
) -> Any:
    if not config.graphs or docname not in domain.entries:
        return None
    mentions = domain.mention_graph
    return (
        domain.entries[docname].name,
        mentions.neighbourhood_inputs(docname),
        timeline.month_counts(mentions.months(docname)),
    )


def _entry_pictures(values: Any, config: KbConfig, words: Wording) -> dict[str, Any] | None:
    name, around, counts = values
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


def _relationship_map(values: Any, config: KbConfig, words: Wording) -> dict[str, Any] | None:
    """The whole map, as the overviews show it, on any page (the glossary's front page)."""
    return graph_view(values, config, map_caption(words), "kb-map", words)


def _series_nav_inputs(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any]
) -> Any:
    """A part's series, its number and total, and the parts before and after it."""
    series = domain.series_of(docname)
    if series is None:
        return None  # not a part, or not listed (a draft, an undated article)
    number = series.number(docname)
    return (
        SeriesLink(series.name, series.pagename),
        number,
        len(series.parts),
        _neighbour(series.parts[number - 2] if number > 1 else None),
        _neighbour(series.parts[number] if number < len(series.parts) else None),
    )


def _series_nav(values: Any, config: KbConfig, words: Wording) -> dict[str, Any]:
    series, number, total, previous, following = values
    return {"series": series, "number": number, "total": total, "previous": previous, "next": following}


# --- lists, cards and the tag cloud ----------------------------------------------------


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


def _list_inputs(domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any]) -> Any:
    return listed(_filtered(domain, options), domain.taxonomy)


def _latest_inputs(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any]
) -> Any:
    chosen = _filtered(domain, {**options, "limit": options.get("count", LATEST_COUNT)})
    return listed(chosen, domain.taxonomy)


def _listing(values: tuple[Listed, ...], config: KbConfig, words: Wording) -> dict[str, Any]:
    return {"items": items(values, config.zone, words)}


def _shown_terms(domain: KbDomain, kind: str) -> tuple[TermShown, ...]:
    return tuple(TermShown.of(term) for term in domain.taxonomy.sorted_terms(kind, "count"))


def _category_cards_inputs(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any]
) -> Any:
    return _shown_terms(domain, "category")


def _category_cards(values: Any, config: KbConfig, words: Wording) -> dict[str, Any]:
    return {"terms": list(values)}


def _tag_cloud_inputs(
    domain: KbDomain, config: KbConfig, docname: str, options: dict[str, Any]
) -> Any:
    terms = _shown_terms(domain, "tag")
    limit = options.get("limit")
    return terms[: int(limit)] if limit else terms


def _tag_cloud(values: Any, config: KbConfig, words: Wording) -> dict[str, Any]:
    return {"words": cloud_words(list(values))}


#: kind of a ``kb_dynamic`` node -> how it is rendered; a table, not a registry
#: filled as a side effect of importing some module.
PLACEHOLDERS: dict[str, Placeholder] = {
    "byline": Placeholder(("kb/byline.html",), _byline_inputs, _byline),
    "article-footer": Placeholder(("kb/related.html",), _footer_inputs, _footer),
    "entry-box": Placeholder(("kb/entry-box.html",), _entry_box_inputs, _entry_box),
    "entry-backlinks": Placeholder(
        ("kb/backlinks.html", "kb/co-mentions.html"), _backlink_inputs, _backlinks
    ),
    "entry-pictures": Placeholder(
        ("kb/entry-pictures.html",), _entry_picture_inputs, _entry_pictures
    ),
    "list": Placeholder(("kb/article-list.html",), _list_inputs, _listing),
    "category-cards": Placeholder(
        ("kb/term-cards.html",), _category_cards_inputs, _category_cards
    ),
    "tag-cloud": Placeholder(("kb/tag-cloud.html",), _tag_cloud_inputs, _tag_cloud),
    "series-nav": Placeholder(("kb/series-nav.html",), _series_nav_inputs, _series_nav),
    "relationship-map": Placeholder(
        ("kb/relationship-map.html",), _relationship_map_inputs, _relationship_map
    ),
}
#: {kb-latest} shows cards, or a list with ``:style: list``.
LATEST_CARDS = Placeholder(("kb/cards.html",), _latest_inputs, _listing)
LATEST_LIST = Placeholder(("kb/article-list.html",), _latest_inputs, _listing)


def placeholder(kind: str, options: dict[str, Any]) -> Placeholder | None:
    if kind == "latest":
        return LATEST_LIST if options.get("style") == "list" else LATEST_CARDS
    return PLACEHOLDERS.get(kind)
