"""A Jekyll site as Jekyll reads it: its posts, its files, its settings (no Sphinx here).

``kb import`` takes a whole site folder in. What counts as a post, and where
it lives, follows Jekyll 4's reader rather than a guess:

- every ``_posts`` folder in a folder Jekyll reads (``ja/news/_posts``), the
  folders above it being the post's categories; folders starting with ``_``
  or ``.`` and those listed under ``exclude:`` are not read;
- in a ``_posts`` folder, files named ``YYYY-MM-DD-title.ext``, in sub-folders too;
- collections with ``output: true`` whose documents carry dates;
- a link that leads outside the site, and anything that is not a regular file
  (a FIFO, a device), is passed over with a message, as Jekyll's safe mode does;
  what is read is bounded in size.

It also answers what the importer asks of the site while converting a post:
the value of a ``{{ site.* }}`` setting, the file behind a site-relative URL,
and where the site's feed was.
"""

from __future__ import annotations

import csv
import fnmatch
import io
import os
import re
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from kb.core.values import scalar_text
from kb.jekyll.permalinks import JekyllSite, is_jekyll_post_name

#: Largest post or asset read, in bytes. Long-form articles are well under a
#: megabyte; a link to ``/dev/zero`` or a huge file must not fill the memory.
MAX_FILE_BYTES = 8 * 1024 * 1024

#: Jekyll's default ``exclude`` (``Configuration::DEFAULTS``), always added.
_DEFAULT_EXCLUDES = (
    ".sass-cache",
    ".jekyll-cache",
    "gemfiles",
    "Gemfile",
    "Gemfile.lock",
    "node_modules",
    "vendor/bundle/",
    "vendor/cache/",
    "vendor/gems/",
    "vendor/ruby/",
)
#: Never posts, whatever the settings: the output and the draft folders.
_NEVER = frozenset({"_site", "_drafts", ".git"})

#: Feed files a site may write itself (a Liquid template at the root).
_FEED_FILES = ("feed.xml", "atom.xml", "rss.xml", "index.xml", "feed/index.xml")
_FEED_LINK = re.compile(
    r"<link\b[^>]*\btype\s*=\s*[\"']application/(?:rss|atom)\+xml[\"'][^>]*>", re.IGNORECASE
)
_HREF = re.compile(r"\bhref\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)
_LIQUID_OUTPUT = re.compile(r"\{\{-?\s*([\w.]+)\s*-?\}\}")


class Refused(Exception):
    """A file the importer will not read; the message says why."""


@dataclass(frozen=True)
class SiteDocument:
    """One post (or posts-like collection document) of a site."""

    path: Path
    #: POSIX path from the site root, as Jekyll's ``relative_path``.
    relative: str
    #: Folders between the site root and ``_posts``.
    path_categories: tuple[str, ...] = ()
    #: ``posts``, or the name of the collection it belongs to.
    collection: str = "posts"
    #: The collection's own permalink pattern (``None``: the posts' rules).
    permalink: str | None = None


@dataclass
class SiteFiles:
    """The documents of a site and what was passed over on the way."""

    documents: list[SiteDocument] = field(default_factory=list)
    #: (path, message) for links leaving the site, special files and the like.
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def config_data(site: JekyllSite) -> Mapping[str, Any]:
    """The settings of ``_config.yml`` as read (an empty mapping when unreadable)."""
    return site.data if isinstance(site.data, Mapping) else {}


def _patterns(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value if scalar_text(item)]
    return []


def _matches(relative: str, patterns: Sequence[str]) -> bool:
    """Jekyll's ``glob_include?``: a path equal to, under, or matching a pattern."""
    for pattern in patterns:
        bare = pattern.strip().strip("/")
        if not bare:
            continue
        if relative == bare or relative.startswith(bare + "/") or fnmatch.fnmatch(relative, bare):
            return True
    return False


def within(path: Path, root: Path) -> bool:
    """True when ``path`` (resolved) lies inside the folder ``root`` (resolved)."""
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def check_file(path: Path, root: Path | None) -> str | None:
    """Why the file at ``path`` must not be read, or ``None`` when it may be.

    A link leading outside ``root`` (the site) and anything but a regular file
    are refused without opening them: opening a FIFO blocks for ever.
    """
    try:
        resolved = path.resolve()
        info = os.stat(path)
    except (OSError, RuntimeError) as error:
        return f"cannot be read: {getattr(error, 'strerror', None) or error}"
    if root is not None and not within(resolved, root.resolve()):
        return f"is a link to {resolved}, outside the site; not read (Jekyll does not follow it either)"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (a FIFO, device or socket); not read"
    if info.st_size > MAX_FILE_BYTES:
        return f"is {info.st_size:,} bytes, more than the {MAX_FILE_BYTES:,} kb reads; not read"
    return None


def read_bounded(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file ``path``, refusing more than ``limit``.

    Opened without blocking and checked again on the open file, so a file
    swapped for a FIFO or a device after :func:`check_file` is still refused.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    descriptor = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise Refused("is not a regular file (a FIFO, device or socket); not read")
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(descriptor, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise Refused(f"is larger than the {limit:,} bytes kb reads; not read")
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as listing:
            return sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return []


class _Walker:
    def __init__(self, root: Path, site: JekyllSite, skip: Path | None) -> None:
        self.root = root
        self.real_root = root.resolve()
        data = config_data(site)
        self.include = _patterns(data.get("include"))
        self.exclude = [*_patterns(data.get("exclude")), *_DEFAULT_EXCLUDES]
        self.skip = skip.resolve() if skip is not None else None
        self.files = SiteFiles()
        self.seen: set[Path] = set()

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def excluded(self, relative: str) -> bool:
        return _matches(relative, self.exclude) and not _matches(relative, self.include)

    def hidden(self, name: str) -> bool:
        # EntryFilter#special? and #backup?: _x, .x, #x and x~ are not read.
        return name.startswith(("_", ".", "#")) or name.endswith("~")

    def folder_allowed(self, entry: os.DirEntry[str]) -> bool:
        path = Path(entry.path)
        if entry.name in _NEVER or (self.skip is not None and path.resolve() == self.skip):
            return False
        if entry.is_symlink():
            target = path.resolve()
            if not within(target, self.real_root):
                self.files.skipped.append(
                    (path, f"is a link to {target}, outside the site; not read")
                )
                return False
        return True

    def walk(self, folder: Path, categories: tuple[str, ...]) -> None:
        """Jekyll's ``read_directories``: ``_posts`` here, then the readable sub-folders."""
        entries = _entries(folder)
        for entry in entries:
            if entry.name == "_posts" and entry.is_dir() and self.folder_allowed(entry):
                self.documents(Path(entry.path), SiteDocument(folder, "", categories))
        for entry in entries:
            if not entry.is_dir() or self.hidden(entry.name):
                continue
            path = Path(entry.path)
            if self.excluded(self.relative(path)) or not self.folder_allowed(entry):
                continue
            self.walk(path, (*categories, entry.name))

    def documents(self, folder: Path, template: SiteDocument) -> None:
        """The files under ``folder`` (sub-folders too) that are documents like ``template``.

        Posts need a dated name; collection documents a Markdown or HTML one.
        """
        for entry in _entries(folder):
            path = Path(entry.path)
            if entry.name.startswith(".") or self.excluded(self.relative(path)):
                continue
            if entry.is_dir(follow_symlinks=False) or (entry.is_symlink() and path.is_dir()):
                if self.folder_allowed(entry):
                    self.documents(path, template)
                continue
            if template.collection == "posts":
                if not is_jekyll_post_name(entry.name):
                    continue
            elif not entry.name.lower().endswith((".md", ".markdown", ".html")):
                continue
            self.add(replace(template, path=path, relative=self.relative(path)))

    def add(self, document: SiteDocument) -> None:
        reason = check_file(document.path, self.root)
        if reason is not None:
            self.files.skipped.append((document.path, reason))
            return
        resolved = document.path.resolve()
        if resolved in self.seen:
            return
        self.seen.add(resolved)
        self.files.documents.append(document)


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


def site_documents(root: Path, site: JekyllSite, skip: Path | None = None) -> SiteFiles:
    """Every post of the site at ``root``, and the documents of its output collections.

    Collections are only taken when their documents are posts (the importer
    keeps those with a date); ``skip`` is the articles folder, never read.
    """
    walker = _Walker(root, site, skip)
    walker.walk(root, ())
    data = config_data(site)
    collections_dir = scalar_text(data.get("collections_dir")) or ""
    for name, permalink in output_collections(site).items():
        folder = root / collections_dir / f"_{name}"
        if folder.is_dir() and within(folder.resolve(), walker.real_root):
            walker.documents(folder, SiteDocument(folder, "", (), name, permalink))
    return walker.files


# --- settings ------------------------------------------------------------------------


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
    plugins = [*_patterns(data.get("plugins")), *_patterns(data.get("gems"))]
    if "jekyll-feed" in plugins:
        return "feed.xml"
    return None


# --- files the posts use -------------------------------------------------------------


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


def is_site_root(path: Path) -> bool:
    """True for the root of a Jekyll site: a folder with a ``_config.yml``."""
    return (path / "_config.yml").is_file()


# --- what a post's Liquid may ask of the site ---------------------------------------

_DATA_SUFFIXES = (".yml", ".yaml", ".json", ".csv", ".tsv")


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
