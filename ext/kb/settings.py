"""The ``kb_*`` settings as one typed dataclass, with their defaults (no Sphinx here).

Each field's ``rebuild`` metadata is what Sphinx must redo when the value
changes: ``"env"`` re-reads every document, ``"html"`` rewrites the pages,
``""`` only affects files kb writes itself after the pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from kb.dates import zone_named

AUTOLINK_MODES = ("first", "section", "all", "none")


def _default_kinds() -> dict[str, dict[str, str]]:
    return {
        "partner": {"folder": "partners", "title": "パートナー", "role": "partner"},
        "technology": {"folder": "technologies", "title": "技術", "role": "tech"},
    }


@dataclass
class KbConfig:
    """Every setting of the extension; ``conf.py`` sets them as ``kb_<name>``."""

    #: Folder (relative to the source folder) that holds the articles.
    articles_dir: str = "articles"
    #: Folder that holds the glossary; one sub-folder per entry kind.
    glossary_dir: str = "glossary"
    #: Entry kinds: name -> {"folder", "title", "role"}.
    glossary_kinds: dict[str, dict[str, str]] = field(default_factory=_default_kinds)
    #: IANA zone in which dates are shown and naive dates are read.
    timezone: str = "Asia/Tokyo"
    #: Reading speed used when an article gives no ``reading_time``.
    reading_chars_per_minute: int = 600
    #: Which mentions of glossary names link to their entry: first, section, all, none.
    autolink: str = "first"
    #: Articles per index page before it is split into pages.
    page_size: int = 50
    #: Entries in each Atom feed.
    feed_length: int = 30
    #: Related articles at the end of each article.
    related_count: int = 5
    #: YAML file (relative to the source folder) with slugs, names and descriptions
    #: of tags and categories.
    taxonomy_file: str = "_data/taxonomy.yaml"
    #: Output folders of the generated index pages.
    tags_path: str = "tags"
    categories_path: str = "categories"
    authors_path: str = "authors"
    archive_path: str = "archive"
    feeds_path: str = "feeds"
    #: Site title used in feeds; ``html_title`` or ``project`` when empty.
    feed_title: str = ""

    @property
    def zone(self) -> dt.tzinfo:
        return zone_named(self.timezone)

    @classmethod
    def from_values(cls, value_of: Callable[[str], Any]) -> KbConfig:
        """The settings from a getter of ``kb_<name>`` values (a Sphinx Config, a conf.py)."""
        return cls(**{item.name: value_of(f"kb_{item.name}") for item in fields(cls)})
