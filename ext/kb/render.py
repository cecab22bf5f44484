"""HTML fragments for generated lists: article lists, cards, tag clouds, pagination.

One renderer serves both the generated index pages and the placeholders in
ordinary pages, so a list looks the same wherever it appears. Every value
from front matter goes through :func:`html.escape`; every link comes from
the builder.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from kb.dates import format_japanese_date

if TYPE_CHECKING:
    import datetime as dt

    from kb.records import Article
    from kb.taxonomy import Taxonomy, Term

#: Turns a target page name into a URL relative to the page being written.
Linker = Callable[[str], str]

e = html.escape


def link(url: str, text: str, classes: str = "") -> str:
    cls = f' class="{classes}"' if classes else ""
    return f'<a{cls} href="{e(url)}">{e(text)}</a>'


#: sphinx-design badge classes of each kind, for the byline and every list.
BADGE_CLASSES = {
    "category": ("sd-badge", "sd-bg-primary", "sd-bg-text-primary", "kb-category"),
    "tag": ("sd-badge", "sd-outline-secondary", "sd-text-secondary", "kb-tag"),
}


def badge(url: str | None, text: str, kind: str) -> str:
    inner = f'<span class="{" ".join(BADGE_CLASSES[kind])}">{e(text)}</span>'
    if url is None:
        return inner
    return f'<a class="reference internal" href="{e(url)}">{inner}</a>'


#: Badges shown per article in lists; the article page itself shows them all.
#: Every tag page lists its articles, so without a cap an article with n tags
#: costs n² badges over its n tag pages.
LIST_BADGES = 20


def term_badges(article: Article, taxonomy: Taxonomy, to: Linker, skip: Term | None = None) -> str:
    parts: list[str] = []
    hidden = 0
    skipped = False
    for kind, names in (("category", article.categories), ("tag", article.tags)):
        for name in names:
            if len(parts) >= LIST_BADGES:
                hidden += 1
                continue
            term = taxonomy.term(kind, name)
            if term is None or term is skip:
                skipped = skipped or term is not None
                continue
            parts.append(badge(to(term.pagename), term.name, kind))
    # The page's own term is not shown; when it is among the hidden names it
    # is not counted either (looking it up there would undo the cap).
    if hidden and skip is not None and skip.kind in ("category", "tag") and not skipped:
        hidden -= 1
    if hidden:
        parts.append(f'<span class="kb-more-badges">他{hidden}件</span>')
    return " ".join(parts)


def article_item(
    article: Article, taxonomy: Taxonomy, to: Linker, zone: dt.tzinfo, skip: Term | None = None
) -> str:
    badges = term_badges(article, taxonomy, to, skip)
    excerpt = f'<p class="kb-item-excerpt">{e(article.excerpt)}</p>' if article.excerpt else ""
    tags = f'<p class="kb-item-tags">{badges}</p>' if badges else ""
    return (
        '<li class="kb-item">'
        f'<p class="kb-item-meta">{_date(article, zone)}'
        f'<span class="kb-reading-time">約{article.reading_time}分</span></p>'
        f'<p class="kb-item-title">{link(to(article.docname), article.title)}</p>'
        f"{excerpt}{tags}</li>"
    )


def _date(article: Article, zone: dt.tzinfo) -> str:
    if article.date is None:
        return ""
    text = format_japanese_date(article.date, zone)
    return f'<time datetime="{e(article.date.isoformat())}">{e(text)}</time> · '


def article_list(
    articles: Iterable[Article],
    taxonomy: Taxonomy,
    to: Linker,
    zone: dt.tzinfo,
    skip: Term | None = None,
) -> str:
    items = "".join(article_item(a, taxonomy, to, zone, skip) for a in articles)
    return (
        f'<ul class="kb-list">{items}</ul>'
        if items
        else '<p class="kb-empty">記事はまだありません。</p>'
    )


def compact_list(articles: list[Article], to: Linker, zone: dt.tzinfo) -> str:
    """One line per article, grouped by year: for the long tail of a list."""
    if not articles:
        return ""
    parts: list[str] = ['<div class="kb-compact">']
    year = None
    for article in articles:
        current = article.date.astimezone(zone).year if article.date else None
        if current != year:
            if year is not None or len(parts) > 1:
                parts.append("</ul>")
            label = f"{current}年" if current else "日付なし"
            parts.append(f'<h3 class="kb-year">{label}</h3><ul class="kb-compact-list">')
            year = current
        parts.append(f"<li>{_date(article, zone)}{link(to(article.docname), article.title)}</li>")
    parts.append("</ul></div>")
    return "".join(parts)


def article_cards(articles: Iterable[Article], to: Linker, zone: dt.tzinfo) -> str:
    """sphinx-design cards, written as the markup its ``grid``/``grid-item-card`` emit."""
    cards = []
    for article in articles:
        excerpt = f'<p class="sd-card-text">{e(article.excerpt)}</p>' if article.excerpt else ""
        cards.append(
            '<div class="sd-col sd-d-flex-row docutils">'
            '<div class="sd-card sd-sphinx-override sd-w-100 sd-shadow-sm sd-card-hover docutils kb-card">'
            '<div class="sd-card-body docutils">'
            f'<div class="sd-card-title sd-font-weight-bold docutils">{e(article.title)}</div>'
            f"{excerpt}</div>"
            f'<div class="sd-card-footer docutils"><p class="sd-card-text">'
            f"{_date(article, zone)}約{article.reading_time}分</p></div>"
            f'<a class="sd-stretched-link reference internal" href="{e(to(article.docname))}">'
            f'<span class="kb-sr-only">{e(article.title)}</span></a>'
            "</div></div>"
        )
    return grid(cards)


def grid(cells: list[str]) -> str:
    if not cells:
        return '<p class="kb-empty">記事はまだありません。</p>'
    return (
        '<div class="sd-container-fluid sd-sphinx-override sd-mb-4 docutils">'
        '<div class="sd-row sd-row-cols-1 sd-row-cols-xs-1 sd-row-cols-sm-2 sd-row-cols-md-3 '
        'sd-row-cols-lg-3 sd-g-3 sd-g-xs-3 sd-g-sm-3 sd-g-md-3 sd-g-lg-3 docutils">'
        + "".join(cells)
        + "</div></div>"
    )


def term_cards(terms: Iterable[Term], to: Linker) -> str:
    cells = []
    for term in terms:
        description = (
            f'<p class="sd-card-text">{e(term.description)}</p>' if term.description else ""
        )
        cells.append(
            '<div class="sd-col sd-d-flex-row docutils">'
            '<div class="sd-card sd-sphinx-override sd-w-100 sd-shadow-sm sd-card-hover docutils kb-term-card">'
            '<div class="sd-card-body docutils">'
            f'<div class="sd-card-title sd-font-weight-bold docutils">{e(term.name)}</div>'
            f'{description}<p class="sd-card-text kb-count">{len(term.articles)}件の記事</p></div>'
            f'<a class="sd-stretched-link reference internal" href="{e(to(term.pagename))}">'
            f'<span class="kb-sr-only">{e(term.name)}</span></a>'
            "</div></div>"
        )
    return grid(cells)


def tag_cloud(terms: list[Term], to: Linker) -> str:
    """Tags weighted by article count: font size from 80% to 200% on a log scale."""
    import math

    if not terms:
        return '<p class="kb-empty">タグはまだありません。</p>'
    counts = [len(t.articles) for t in terms]
    low, high = math.log(min(counts)), math.log(max(counts))
    spread = (high - low) or 1.0
    words = []
    for term in sorted(terms, key=lambda t: t.key):
        weight = (math.log(len(term.articles)) - low) / spread
        size = round(80 + 120 * weight)
        words.append(
            f'<a class="kb-cloud-tag" href="{e(to(term.pagename))}" style="font-size: {size}%" '
            f'title="{len(term.articles)}件">{e(term.name)}</a>'
        )
    return '<p class="kb-tag-cloud">' + " ".join(words) + "</p>"


def term_table(terms: list[Term], to: Linker, label: str) -> str:
    """Every term with its count; the table sorts by name or count (kb.js)."""
    rows = "".join(
        f'<tr><td data-sort="{e(term.key)}">{link(to(term.pagename), term.name)}</td>'
        f'<td class="kb-num" data-sort="{len(term.articles):08d}">{len(term.articles)}</td></tr>'
        for term in terms
    )
    return (
        '<table class="kb-terms docutils align-default" data-kb-sortable="true">'
        f'<thead><tr><th><button type="button" data-kb-sort="0">{e(label)}</button></th>'
        '<th><button type="button" data-kb-sort="1">記事数</button></th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def pagination(current: int, total: int, page_url: Callable[[int], str]) -> str:
    if total <= 1:
        return ""
    links = []
    if current > 1:
        links.append(link(page_url(current - 1), "← 新しい記事", "kb-prev"))
    for number in range(1, total + 1):
        if number == current:
            links.append(f'<span class="kb-current" aria-current="page">{number}</span>')
        else:
            links.append(link(page_url(number), str(number)))
    if current < total:
        links.append(link(page_url(current + 1), "古い記事 →", "kb-next"))
    return '<nav class="kb-pagination" aria-label="ページ">' + " ".join(links) + "</nav>"
