"""What a post asks of its Jekyll site: the file behind a URL or a name, the feed (no Sphinx).

Answered as Jekyll and its server did, and only with regular files inside the
site (:mod:`kb.jekyll.safefiles`):

- the file a site-relative URL (``/images/a.png``) names, after ``baseurl``;
- the URL Jekyll gave a page (``{% link about.md %}``);
- the value of ``site.data.<name>`` (``_data/<name>.yml``, JSON, CSV, TSV);
- the text of ``_includes/<name>``;
- where the site's feed was, for the feeds kb writes in its place.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from kb.core.values import scalar_text
from kb.jekyll.permalinks import JekyllSite
from kb.jekyll.safefiles import Refused, check_file, read_bounded, within
from kb.jekyll.siteconfig import config_data, setting_list, site_urls, site_value

#: Feed files a site may write itself (a Liquid template at the root).
_FEED_FILES = ("feed.xml", "atom.xml", "rss.xml", "index.xml", "feed/index.xml")
_FEED_LINK = re.compile(
    r"<link\b[^>]*\btype\s*=\s*[\"']application/(?:rss|atom)\+xml[\"'][^>]*>", re.IGNORECASE
)
_HREF = re.compile(r"\bhref\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)
_LIQUID_OUTPUT = re.compile(r"\{\{-?\s*([\w.]+)\s*-?\}\}")
_DATA_SUFFIXES = (".yml", ".yaml", ".json", ".csv", ".tsv")


def site_file(root: Path, site: JekyllSite, url: str) -> Path | None:
    """The file of the site a site-relative ``url`` (``/images/a.png``) names, if any.

    Only regular files inside the site are answered; the ``baseurl`` prefix
    and percent escapes are taken off first, as the server did.
    """
    path = unquote(urlsplit(url).path)
    if not path.startswith("/"):
        return None
    parts = PurePosixPath(path).parts[1:]
    baseurl = [part for part in site.baseurl.split("/") if part]
    if baseurl and list(parts[: len(baseurl)]) == baseurl:
        parts = parts[len(baseurl) :]
    if not parts or any(part in ("..", ".") for part in parts):
        return None
    candidate = root.joinpath(*parts)
    if check_file(candidate, root) is not None:
        return None
    if not within(candidate.resolve(), root.resolve()):
        return None
    return candidate


def data_file(root: Path, site: JekyllSite, name: str) -> Any:
    """The value of ``site.data.<name>``: ``_data/<name>.yml`` (or JSON, CSV); ``None`` when absent.

    Read safely (plain YAML types only) and bounded like every file of the site.
    """
    if not re.fullmatch(r"[\w-]+", name):
        return None
    folder = root / (scalar_text(config_data(site).get("data_dir")) or "_data")
    for suffix in _DATA_SUFFIXES:
        path = folder / f"{name}{suffix}"
        if not path.is_file() or check_file(path, root) is not None:
            continue
        try:
            text = read_bounded(path).decode("utf-8-sig")
        except (OSError, Refused, UnicodeDecodeError):
            return None
        if suffix in (".csv", ".tsv"):
            rows = list(
                csv.DictReader(io.StringIO(text), delimiter="\t" if suffix == ".tsv" else ",")
            )
            return [dict(row) for row in rows]
        try:
            return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except (yaml.YAMLError, RecursionError, ValueError):
            return None
    return None


def page_url(root: Path, site: JekyllSite, relative: str) -> str | None:
    """The URL Jekyll gave the page at ``relative`` (not a post), ``None`` when it is not in the site.

    A page's own ``permalink:`` wins; else its folder and name, with
    Markdown turned into ``.html`` (``/about/`` under the ``pretty`` style).
    """
    parts = PurePosixPath(relative.lstrip("/")).parts
    if not parts or any(part in ("..", ".") for part in parts):
        return None
    path = root.joinpath(*parts)
    if check_file(path, root) is not None:
        return None
    try:
        head = read_bounded(path, 64 * 1024 + 1).decode("utf-8", "replace")
    except (OSError, Refused):
        head = ""
    if head.startswith("---"):
        match = re.search(r"(?m)^permalink:\s*[\"']?([^\"'\s#]+)", head.split("\n---", 1)[0])
        if match:
            return "/" + match.group(1).lstrip("/")
    stem = PurePosixPath(*parts)
    ext = stem.suffix.lower().lstrip(".")
    folder = "/".join(parts[:-1])
    base = stem.stem
    if ext not in site.markdown_ext and ext not in ("html", "htm"):
        return "/" + "/".join(parts)
    prefix = f"/{folder}/" if folder else "/"
    if base == "index":
        return prefix
    if "pretty" in site.permalink or site.permalink.endswith("/"):
        return f"{prefix}{base}/"
    return f"{prefix}{base}.html"


def include_file(root: Path, site: JekyllSite, name: str) -> str | None:
    """The text of ``_includes/<name>`` (inside the site, bounded); ``None`` when absent."""
    parts = PurePosixPath(name).parts
    if not parts or any(part in ("..", ".") for part in parts) or name.startswith("/"):
        return None
    folder = root / (scalar_text(config_data(site).get("includes_dir")) or "_includes")
    path = folder.joinpath(*parts)
    if not path.is_file() or check_file(path, root) is not None:
        return None
    try:
        return read_bounded(path).decode("utf-8-sig")
    except (OSError, Refused, UnicodeDecodeError):
        return None


# --- the feed -----------------------------------------------------------------------


def _resolve_liquid(text: str, site: JekyllSite) -> str | None:
    """``text`` with ``{{ site.x }}`` and ``{{ BASE_PATH }}`` filled in; ``None`` when unknown."""
    unknown = False

    def fill(match: re.Match[str]) -> str:
        nonlocal unknown
        name = match.group(1)
        if name == "BASE_PATH":
            return scalar_text(site_value(site, "JB.BASE_PATH")) or ""
        if name.startswith("site."):
            value = scalar_text(site_value(site, name[5:]))
            if value is not None:
                return value
        unknown = True
        return ""

    filled = _LIQUID_OUTPUT.sub(fill, text)
    return None if unknown or "{" in filled else filled


def _local_path(href: str, site: JekyllSite) -> str | None:
    """The site path (``rss.xml``) an ``href`` of the site points at; ``None`` when elsewhere."""
    href = href.strip()
    for url in site_urls(site):
        if href.startswith(url + "/"):
            href = href[len(url) :]
            break
    if urlsplit(href).scheme or href.startswith("//"):
        return None
    path = unquote(urlsplit(href).path)
    baseurl = site.baseurl.strip("/")
    path = path.lstrip("/")
    if baseurl and path.startswith(baseurl + "/"):
        path = path[len(baseurl) + 1 :]
    return path or None


def feed_hint(root: Path, site: JekyllSite) -> str | None:
    """Where the site's feed was, relative to the site root; ``None`` when it had none.

    In order: jekyll-feed's ``feed: path:``; the feed the site's layouts and
    includes announce (``<link rel="alternate" type="application/atom+xml">``);
    a feed file the site writes itself (``atom.xml``, ``rss.xml`` …);
    jekyll-feed's default ``feed.xml`` when the plugin is listed.
    """
    feed = config_data(site).get("feed")
    if isinstance(feed, Mapping) and scalar_text(feed.get("path")):
        return str(feed["path"]).strip().lstrip("/")
    for folder in ("_layouts", "_includes"):
        base = root / folder
        if not base.is_dir() or not within(base.resolve(), root.resolve()):
            continue
        for path in sorted(base.rglob("*")):
            if check_file(path, root) is not None:
                continue
            try:
                text = read_bounded(path).decode("utf-8", "replace")
            except (OSError, Refused):
                continue
            for tag in _FEED_LINK.findall(text):
                href = _HREF.search(tag)
                filled = _resolve_liquid(href.group(1), site) if href else None
                local = _local_path(filled, site) if filled else None
                if local:
                    return local
    for name in _FEED_FILES:
        if (root / name).is_file():
            return name
    data = config_data(site)
    plugins = [*setting_list(data.get("plugins")), *setting_list(data.get("gems"))]
    if "jekyll-feed" in plugins:
        return "feed.xml"
    return None
