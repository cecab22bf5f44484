"""The ``kb_*`` settings, typed, with their defaults in one place."""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from sphinx.config import Config

from kb.frontmatter import zone_named

if TYPE_CHECKING:
    from sphinx.application import Sphinx

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
    def from_sphinx(cls, config: Config) -> KbConfig:
        values: dict[str, Any] = {
            item.name: getattr(config, f"kb_{item.name}") for item in fields(cls)
        }
        return cls(**values)


def register(app: Sphinx) -> None:
    """Declare every ``kb_*`` value with its type; changes re-read the whole project."""
    for item in fields(KbConfig):
        default = item.default_factory() if callable(item.default_factory) else item.default
        app.add_config_value(f"kb_{item.name}", default, "env", types=(type(default),))


#: Typed settings per Sphinx Config object: looked up for every link and list
#: item, so building the dataclass each time was a measurable share of a build.
#: Weak keys: an entry lives exactly as long as its Config.
_TYPED: weakref.WeakKeyDictionary[Config, KbConfig] = weakref.WeakKeyDictionary()


def kb_config(app_or_env: Any) -> KbConfig:
    """The typed settings of a Sphinx app or build environment."""
    config = app_or_env.config
    typed = _TYPED.get(config)
    if typed is None:
        typed = _TYPED[config] = KbConfig.from_sphinx(config)
    return typed


def forget_typed_config(app: Sphinx, config: Config) -> None:
    """config-inited may adjust values after a first look; start from them afresh."""
    _TYPED.pop(config, None)
