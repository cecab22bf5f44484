"""``kb new``: a new article with its whole front matter, where the build looks for it.

The article goes to ``<articles>/YYYY/MM/<slug>.md``: the month of now in
``kb_timezone``, the slug made as ``kb import`` makes it (the ``slug:`` given,
else the title's). Values are written as JSON strings, which YAML reads as
double-quoted scalars, so no title can break the front matter. An existing
file is never replaced, not even one that appears while the article is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kb.core.articlemeta import ArticleMeta
from kb.core.atomicfile import write_atomically
from kb.core.yamltext import flow_list, quoted
from kb.jekyll.conversion import post_slug


@dataclass(frozen=True)
class NewArticle:
    """What the editor gave on the command line."""

    title: str
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    slug: str = ""
    series: str = ""
    series_order: int | None = None
    excerpt: str = ""
    draft: bool = False

    @property
    def file_slug(self) -> str:
        """The file name's slug, by ``kb import``'s rule."""
        return post_slug(ArticleMeta(title=self.title, slug=self.slug), "")


def written_date(moment: dt.datetime) -> str:
    """``2025-11-07 10:00:00 +0900``: the form the README shows, with its offset."""
    return moment.strftime("%Y-%m-%d %H:%M:%S %z")


def front_matter(article: NewArticle, moment: dt.datetime) -> str:
    """The article's text: every key the README lists, then an empty body."""
    lines = [
        "---",
        f"title: {quoted(article.title)}",
        f"date: {written_date(moment)}",
        f"categories: {flow_list(article.categories)}",
        f"tags: {flow_list(article.tags)}",
    ]
    if len(article.authors) == 1:
        lines.append(f"author: {quoted(article.authors[0])}")
    else:
        lines.append(f"author: {flow_list(article.authors)}")
    lines.append(f"excerpt: {quoted(article.excerpt)}")
    if article.slug:
        lines.append(f"slug: {quoted(article.slug)}")
    if article.series:
        lines.append(f"series: {quoted(article.series)}")
        if article.series_order is not None:
            lines.append(f"series_order: {article.series_order}")
    if article.draft:
        lines.append("draft: true")
    lines += ["---", "", ""]
    return "\n".join(lines)


def article_path(articles: Path, article: NewArticle, moment: dt.datetime) -> Path:
    """``articles/YYYY/MM/<slug>.md`` for an article dated ``moment`` (already in the site's zone)."""
    return articles / f"{moment.year:04d}" / f"{moment.month:02d}" / f"{article.file_slug}.md"


def create_article(path: Path, text: str) -> None:
    """Write ``text`` at ``path`` whole, or raise :class:`FileExistsError` and touch nothing."""
    write_atomically(path, text.encode("utf-8"), replace=False)
