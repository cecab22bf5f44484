"""The plain data the domain keeps per document; small, picklable, comparable."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One article as the index pages, feeds and cards need it."""

    docname: str
    title: str
    #: None for pages tagged with sphinx-tags' directive that are not articles.
    date: dt.datetime | None
    updated: dt.datetime | None = None
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    excerpt: str = ""
    reading_time: int = 1
    draft: bool = False

    @property
    def sort_key(self) -> tuple[float, str]:
        """Newest first when sorted ascending."""
        if self.date is None:
            return (float("inf"), self.docname)
        return (-self.date.timestamp(), self.docname)


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
