"""The ``kb_*`` settings as one typed dataclass, with their defaults (no Sphinx here).

Each field says, in its metadata, what Sphinx must redo when the value changes
(``rebuild``): ``"env"`` re-reads every document, ``"html"`` rewrites every
page, ``""`` only changes files kb writes itself after the pages (feeds), which
kb compares on its own. ``check`` validates a value; a bad value is reported
with the setting's name and replaced by the default.
"""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from kb.core.dates import zone_named

AUTOLINK_MODES = ("first", "section", "all", "none")
#: The pinned CJK font (Debian's fonts-noto-cjk, installed by .ci/run and on Read the Docs).
CARD_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
DRAFT_MODES = ("skip", "build")


def _default_kinds() -> dict[str, dict[str, str]]:
    # No "title": these two kinds are named by the message catalog, in the
    # build's language (kb.core.targets.glossary_title); a project's own title wins.
    return {
        "partner": {"folder": "partners", "role": "partner"},
        "technology": {"folder": "technologies", "role": "tech"},
    }


def _at_least(minimum: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            return f"must be a whole number of at least {minimum}"
        return None

    return check


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}"

    return check


def _zone(value: Any) -> str | None:
    try:
        zone_named(str(value))
    except Exception:
        return "is not a known IANA time zone (such as Asia/Tokyo)"
    return None


def _relative_folder(value: Any) -> str | None:
    """Output and source folders must stay inside their tree."""
    if not isinstance(value, str) or not value.strip("/"):
        return "must be a non-empty relative folder"
    normal = posixpath.normpath(value.replace("\\", "/"))
    if value.startswith("/") or normal == ".." or normal.startswith("../") or ":" in value:
        return "must be a relative folder inside the project"
    return None


def _url_path(value: Any) -> str | None:
    if not isinstance(value, str) or (value and not value.startswith("/")):
        return "must be an absolute path on the site's host, such as /ja/latest/"
    return None


def _glossary_kinds(value: Any) -> str | None:
    if not isinstance(value, dict) or not value:
        return "must map each entry kind to {'folder', 'title', 'role'}"
    for kind, spec in value.items():
        if not isinstance(spec, dict) or not all(isinstance(v, str) for v in spec.values()):
            return f"entry kind {kind!r} must map to text values (folder, title, role)"
        problem = _relative_folder(spec.get("folder", kind))
        if problem:
            return f"folder of entry kind {kind!r} {problem}"
    return None


def setting(
    default: Any, rebuild: str, check: Callable[[Any], str | None] | None = None
) -> Any:
    if callable(default):
        return field(default_factory=default, metadata={"rebuild": rebuild, "check": check})
    return field(default=default, metadata={"rebuild": rebuild, "check": check})


@dataclass(frozen=True)
class KbConfig:
    """Every setting of the extension; ``conf.py`` sets them as ``kb_<name>``."""

    #: Folder (relative to the source folder) that holds the articles.
    articles_dir: str = setting("articles", "env", _relative_folder)
    #: Folder that holds the glossary; one sub-folder per entry kind.
    glossary_dir: str = setting("glossary", "env", _relative_folder)
    #: Entry kinds: name -> {"folder", "title", "role"}.
    glossary_kinds: dict[str, dict[str, str]] = setting(  # noqa: RUF009 (returns a field)
        _default_kinds, "env", _glossary_kinds
    )
    #: IANA zone in which dates are shown and naive dates are read.
    timezone: str = setting("Asia/Tokyo", "env", _zone)
    #: Reading speed used when an article gives no ``reading_time``.
    reading_chars_per_minute: int = setting(600, "env", _at_least(1))
    #: Which mentions of glossary names link to their entry: first, section, all, none.
    autolink: str = setting("first", "env", _one_of(AUTOLINK_MODES))
    #: Articles per index page before it is split into pages.
    page_size: int = setting(50, "html", _at_least(1))
    #: Entries in each Atom feed.
    feed_length: int = setting(30, "", _at_least(1))
    #: Related articles at the end of each article.
    related_count: int = setting(5, "html", _at_least(0))
    #: YAML file (relative to the source folder) with slugs, names and descriptions
    #: of tags and categories.
    taxonomy_file: str = setting("_data/taxonomy.yaml", "env", _relative_folder)
    #: Output folders of the generated index pages.
    tags_path: str = setting("tags", "html", _relative_folder)
    categories_path: str = setting("categories", "html", _relative_folder)
    authors_path: str = setting("authors", "html", _relative_folder)
    archive_path: str = setting("archive", "html", _relative_folder)
    feeds_path: str = setting("feeds", "html", _relative_folder)
    #: Output folder of the series pages.
    series_path: str = setting("series", "html", _relative_folder)
    #: Site title used in feeds; ``html_title`` or ``project`` when empty.
    feed_title: str = setting("", "")
    #: Feed entries carry the article's whole text instead of its excerpt.
    feed_full_text: bool = setting(False, "")
    #: Drafts: "skip" (not built at all) or "build" (built for previews, with noindex).
    drafts: str = setting("skip", "env", _one_of(DRAFT_MODES))
    #: A second path for the site feed, such as the Jekyll site's ``feed.xml``.
    feed_alias: str = setting("", "")
    #: Social cards (1200×630 PNG) for ``og:image``; needs ``html_baseurl``.
    cards: bool = setting(True, "html")
    #: The font the cards are drawn with (a CJK font; see README).
    card_font: str = setting(CARD_FONT, "html")
    #: ``sitemap.xml`` and ``robots.txt``; need ``html_baseurl``.
    sitemap: bool = setting(True, "")
    #: A JSON Feed beside each Atom feed, linked from every page.
    json_feed: bool = setting(True, "html")
    #: ``llms.txt`` at the root and a Markdown copy of each article beside its page.
    llms_txt: bool = setting(True, "")
    #: An OpenSearch description (``opensearch.xml``) linked from every page; needs
    #: ``html_baseurl``.
    opensearch: bool = setting(True, "html")
    #: What the site is about, in a sentence: llms.txt, the JSON Feed, OpenSearch.
    site_description: str = setting("", "")
    #: Site name in cards and ``og:site_name``; ``project`` when empty.
    site_name: str = setting("", "html")
    #: Redirect sphinx-tags' old tag pages (``tags_output_dir``/x.html, ``tagsindex``)
    #: to kb's; turned on for a project that had ``tags_create_tags = True``.
    sphinx_tags_redirects: bool = setting(False, "")
    #: kb's Japanese search (``kb-search/``) instead of Sphinx's, for a project with articles.
    search: bool = setting(True, "html")
    #: A ``404.html`` that searches for the words of the missing address (with kb's search).
    notfound_page: bool = setting(True, "html")
    #: The path the site is served under (``/ja/latest/``), for the 404 page's links
    #: and assets, which must work at any depth; the path of ``html_baseurl`` when empty.
    notfound_prefix: str = setting("", "html", _url_path)
    #: Pictures: the relationship map on the glossary overviews and each entry page,
    #: and the articles-per-month chart on entry, tag and category pages.
    graphs: bool = setting(True, "html")
    #: Previews in a page's text: a card with the glossary entry or the article a link
    #: leads to, on hover, keyboard focus or a first tap.
    previews: bool = setting(True, "html")

    @property
    def zone(self) -> dt.tzinfo:
        return zone_named(self.timezone)

    @functools.cached_property
    def entry_roles(self) -> dict[str, str]:
        """Role name -> entry kind: the roles a project writes (``{partner}``)."""
        return entry_roles(self.glossary_kinds)

    @functools.cached_property
    def role_kinds(self) -> dict[str, str]:
        """Role or kind name -> entry kind (see :func:`role_kinds`)."""
        return role_kinds(self.glossary_kinds)

    @classmethod
    def from_values(cls, value_of: Callable[[str], Any]) -> KbConfig:
        """The settings from a getter of ``kb_<name>`` values (a Sphinx Config, a conf.py)."""
        return cls(**{item.name: value_of(f"kb_{item.name}") for item in fields(cls)})


def entry_roles(kinds: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """Role name -> entry kind: each kind's ``role``, else its own name; of two
    kinds with one role, the first keeps it."""
    roles: dict[str, str] = {}
    for kind, spec in kinds.items():
        roles.setdefault(spec.get("role", kind), kind)
    return roles


def role_kinds(kinds: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """Role or kind name -> entry kind, as the build resolves them: a reference
    made by a role carries the kind's name, so that name always means its kind."""
    return {**entry_roles(kinds), **{kind: kind for kind in kinds}}


def defaults() -> dict[str, Any]:
    """``kb_<name>`` -> default value."""
    return {
        f"kb_{item.name}": item.default_factory()
        if callable(item.default_factory)
        else item.default
        for item in fields(KbConfig)
    }


def rebuild_of(name: str) -> str:
    """What Sphinx redoes when ``kb_<name>`` changes."""
    for item in fields(KbConfig):
        if item.name == name:
            return str(item.metadata["rebuild"])
    raise KeyError(name)


def problems(value_of: Callable[[str], Any]) -> list[tuple[str, str, Any]]:
    """(setting, reason, default) for every ``kb_*`` value that fails its check."""
    found: list[tuple[str, str, Any]] = []
    default = defaults()
    for item in fields(KbConfig):
        check = item.metadata.get("check")
        name = f"kb_{item.name}"
        reason = check(value_of(name)) if check else None
        if reason:
            found.append((name, reason, default[name]))
    return found
