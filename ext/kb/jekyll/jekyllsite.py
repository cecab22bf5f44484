"""A Jekyll site as Jekyll reads it: which files are its posts (no Sphinx here).

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

Its settings are :mod:`kb.jekyll.siteconfig`; what a post asks of it (the file
behind a URL, a data file, the feed) :mod:`kb.jekyll.sitelookups`.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from kb.core.values import scalar_text
from kb.jekyll.permalinks import JekyllSite, is_jekyll_post_name
from kb.jekyll.safefiles import check_file, within
from kb.jekyll.siteconfig import config_data, output_collections, setting_list

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


def _matches(relative: str, patterns: Sequence[str]) -> bool:
    """Jekyll's ``glob_include?``: a path equal to, under, or matching a pattern."""
    for pattern in patterns:
        bare = pattern.strip().strip("/")
        if not bare:
            continue
        if relative == bare or relative.startswith(bare + "/") or fnmatch.fnmatch(relative, bare):
            return True
    return False


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
        self.include = setting_list(data.get("include"))
        self.exclude = [*setting_list(data.get("exclude")), *_DEFAULT_EXCLUDES]
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


def is_site_root(path: Path) -> bool:
    """True for the root of a Jekyll site: a folder with a ``_config.yml``."""
    return (path / "_config.yml").is_file()
