"""A Jekyll site's settings: ``_config.yml`` as Jekyll 4 uses it (pure, no Sphinx).

The values the importer asks of the site's configuration: a dotted setting
(``site.JB.BASE_PATH``), the addresses the site was served at, the collections
Jekyll writes, and the front matter the ``defaults:`` sets give a document, as
Jekyll 4.3's ``FrontmatterDefaults`` merges them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kb.core.values import scalar_text
from kb.jekyll.permalinks import JekyllSite


def config_data(site: JekyllSite) -> Mapping[str, Any]:
    """The settings of ``_config.yml`` as read (an empty mapping when unreadable)."""
    return site.data if isinstance(site.data, Mapping) else {}


def setting_list(value: Any) -> list[str]:
    """A setting that is one name or a list of names (``exclude:``, ``plugins:``), as a list."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value if scalar_text(item)]
    return []


def output_collections(site: JekyllSite) -> dict[str, str | None]:
    """Collections other than posts that Jekyll writes: name -> permalink (or ``None``)."""
    collections = config_data(site).get("collections")
    found: dict[str, str | None] = {}
    if isinstance(collections, Mapping):
        for name, settings in collections.items():
            if name == "posts" or not isinstance(settings, Mapping):
                continue
            if settings.get("output") is True:
                permalink = scalar_text(settings.get("permalink"))
                found[str(name)] = permalink or None
    return found


def site_value(site: JekyllSite, dotted: str) -> Any:
    """The value of ``site.a.b`` in ``_config.yml`` (``dotted`` without ``site.``), or ``None``."""
    value: Any = config_data(site)
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def site_urls(site: JekyllSite) -> list[str]:
    """The addresses the site was served at (``url`` and the like), without a slash at the end."""
    data = config_data(site)
    urls: list[str] = []
    for key in ("url", "production_url", "github_com_url"):
        text = scalar_text(data.get(key))
        if text and urlsplit(text).netloc:
            urls.append(text.rstrip("/"))
    for url in list(urls):
        # http and https, with and without www: all were the same site.
        parts = urlsplit(url)
        for scheme in ("http", "https"):
            other = f"{scheme}://{parts.netloc}{parts.path}".rstrip("/")
            if other not in urls:
                urls.append(other)
        urls.append(f"//{parts.netloc}{parts.path}".rstrip("/"))
    return urls


# --- front matter defaults ----------------------------------------------------------


def _scope_path(value: Any) -> str:
    """A scope's ``path`` as Jekyll's ``sanitize_path`` leaves it."""
    path = value if isinstance(value, str) else ""
    return path.strip("/") if path.startswith("/") else path


def _applies(root: Path, scope: Mapping[str, Any], relative: str, kind: str, strip: str) -> bool:
    """Jekyll 4.3's ``applies?``: the scope's type, then its path (a prefix, or a glob)."""
    if "type" in scope and str(scope["type"]) != kind:
        return False
    wanted = scope.get("path")
    if not isinstance(wanted, str) or not wanted:
        return True
    document = _scope_path(relative)
    if "*" in wanted:
        for found in root.glob(wanted.lstrip("/")):
            matched = found.relative_to(root).as_posix()
            if document.startswith(matched.removeprefix(strip)):
                return True
        return False
    return document.startswith(wanted.removeprefix(strip))


def _precedes(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> bool:
    """Jekyll's ``has_precedence?``: a longer path wins, then a scope with a type."""
    if old is None:
        return True
    old_path, new_path = _scope_path(old.get("path")), _scope_path(new.get("path"))
    if len(new_path) != len(old_path):
        return len(new_path) >= len(old_path)
    return "type" in new or "type" not in old


def _deep_merged(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _deep_merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def default_sets(site: JekyllSite) -> tuple[list[Mapping[str, Any]], int]:
    """The ``defaults:`` sets of ``_config.yml`` Jekyll uses, and how many it passes over."""
    sets = config_data(site).get("defaults")
    if not isinstance(sets, list):
        return [], 0
    valid = [
        entry
        for entry in sets
        if isinstance(entry, Mapping)
        and isinstance(entry.get("values"), Mapping)
        and isinstance(entry.get("scope", {}), Mapping)
    ]
    return valid, len(sets) - len(valid)


#: Jekyll 2's singular type names, which Jekyll 4 still takes.
_OLD_TYPES = {"post": "posts", "page": "pages", "draft": "drafts"}


def front_matter_defaults(
    root: Path, site: JekyllSite, relative: str, kind: str = "posts"
) -> dict[str, Any]:
    """The front matter ``defaults:`` give the document at ``relative`` (of type ``kind``).

    As Jekyll 4.3's ``FrontmatterDefaults#all``: every set whose scope
    applies, merged in order, a set with a longer path (or a type, at equal
    length) over the others; the document's own front matter goes on top.
    """
    sets, _ = default_sets(site)
    if not sets:
        return {}
    collections_dir = scalar_text(config_data(site).get("collections_dir")) or ""
    strip = collections_dir.strip("/") + "/" if collections_dir.strip("/") else ""
    relative = relative.removeprefix(strip)
    found: dict[str, Any] = {}
    old: Mapping[str, Any] | None = None
    for entry in sets:
        scope = dict(entry.get("scope") or {})
        if "type" in scope:
            scope["type"] = _OLD_TYPES.get(str(scope["type"]), str(scope["type"]))
        if not _applies(root, scope, relative, kind, strip):
            continue
        if _precedes(old, scope):
            found = _deep_merged(found, entry["values"])
            old = scope
        else:
            found = _deep_merged(entry["values"], found)
    return found
