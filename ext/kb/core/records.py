"""The plain data the domain keeps per document; small, picklable, comparable."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One article (or a page tagged with sphinx-tags' directive) as lists, feeds and
    cards need it. Names are as written in the front matter, one per folded name;
    their display names come from the taxonomy."""

    docname: str
    title: str
    #: None when the front matter has no readable date (the article is built but
    #: left out of every date-ordered list and feed) and for tagged pages.
    date: dt.datetime | None
    updated: dt.datetime | None = None
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    excerpt: str = ""
    reading_time: int = 1
    draft: bool = False
    #: False for a page that is not an article but carries sphinx-tags' ``{tags}``.
    is_article: bool = True
    #: Front-matter keys kb does not read, kept as (key, value as text).
    extra: tuple[tuple[str, str], ...] = ()
    #: The series the article is a part of ("" when none) and its ``series_order``.
    series: str = ""
    series_order: int | None = None

    @property
    def listed(self) -> bool:
        """Whether the article belongs in lists and feeds: no drafts, no undated articles."""
        return not self.draft and (self.date is not None or not self.is_article)

    @property
    def sort_key(self) -> tuple[float, str]:
        """Newest first when sorted ascending."""
        if self.date is None:
            return (float("inf"), self.docname)
        return (-self.date.timestamp(), self.docname)

    def names(self, kind: str) -> tuple[str, ...]:
        """The tags, categories or authors of the article."""
        return {"tag": self.tags, "category": self.categories, "author": self.authors}[kind]


@dataclass(frozen=True)
class Entry:
    """One glossary entry (a partner or a technology)."""

    docname: str
    kind: str
    name: str
    #: Stable HTML id of the entry's definition, derived from its name.
    anchor: str
    aliases: tuple[str, ...] = ()
    summary: str = ""
    website: str = ""
    related: tuple[str, ...] = field(default_factory=tuple)


# Japanese prose is read at roughly 400–600 characters a minute; only letters
# and digits count, so markup and punctuation do not inflate the estimate.
_COUNTED = re.compile(r"[\w]", re.UNICODE)


def reading_minutes(text: str, chars_per_minute: int) -> int:
    """Minutes to read ``text`` at ``chars_per_minute``, at least 1."""
    count = len(_COUNTED.findall(text))
    return max(1, round(count / max(1, chars_per_minute)))
