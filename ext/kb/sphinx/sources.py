"""Which source files the build reads at all, and what a draft may leave behind.

* ``config-inited``: a folder link in the source folder is not followed. Sphinx
  walks the source folder following links, so a link to ``/`` walked the
  whole machine and two links to a parent folder walked for ever; what a link
  inside the folder leads to is walked anyway where it really is. Each link
  becomes an exact ``exclude_patterns`` entry, with a ``kb.source`` warning.
* ``env-get-outdated``: of the documents Sphinx found, one that is not a
  regular file inside the source folder (a named pipe called ``x.md`` blocked
  the build for ever, a link to ``/etc/passwd`` published it) is dropped
  before anything opens it, with a ``kb.source`` warning naming it. Unless
  ``kb_drafts = "build"``, so is every draft article, silently: whether an
  article is a draft is decided by the one front matter reader every other
  field comes from (:func:`kb.core.articlemeta.article_meta`), and it is dropped by
  its exact document name, so no file name is ever read as a pattern. A page
  that was built before its article became a draft is removed from the
  output folder.
* A preview build (``kb_drafts = "build"``) builds drafts into their own pages
  only: their index entries stay out of ``genindex``, their title, labels and
  objects out of ``objects.inv``, and their title and words out of Sphinx's
  ``searchindex.js`` (``env-updated`` and ``build-finished``). kb's own lists,
  feeds, sitemap, cards and search leave drafts out by their record.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, cast

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.html import INVENTORY_FILENAME, StandaloneHTMLBuilder
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.project import EXCLUDE_PATHS
from sphinx.util import logging
from sphinx.util.inventory import InventoryFile
from sphinx.util.matching import compile_matchers

from kb.core.articlemeta import article_meta
from kb.core.atomicfile import remove_file
from kb.core.frontmatter import read_front_matter, split_front_matter
from kb.core.targets import is_article
from kb.sphinx.config import kb_config
from kb.sphinx.domain import domain_of
from kb.sphinx.filereads import refusal

logger = logging.getLogger(__name__)


# --- folder links -------------------------------------------------------------------------

_GLOB_SPECIAL = re.compile(r"([*?\[\]])")


def exact_pattern(path: str) -> str:
    """An ``exclude_patterns`` entry matching ``path`` and nothing else."""
    return _GLOB_SPECIAL.sub(r"[\1]", path)


def folder_links(srcdir: Path, skipped: Iterable[Path], patterns: Iterable[str]) -> list[str]:
    """Paths (from ``srcdir``, ``/``-separated) of the folder links Sphinx would walk into.

    Walked as Sphinx walks, minus links: folders matching ``patterns`` and the
    ``skipped`` folders (the output and doctree folders) are not entered.
    """
    matchers = compile_matchers([*patterns, *EXCLUDE_PATHS])
    skipped = {path.resolve() for path in skipped}
    found: list[str] = []
    pending = [srcdir]
    while pending:
        folder = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            try:
                if not entry.is_dir():
                    continue
            except OSError:
                continue
            # As Sphinx matches (and names) paths: in NFC.
            relative = unicodedata.normalize("NFC", Path(entry.path).relative_to(srcdir).as_posix())
            if any(match(relative) for match in matchers):
                continue
            if entry.is_symlink():
                found.append(relative)
            elif Path(entry.path).resolve() not in skipped:
                pending.append(Path(entry.path))
    return sorted(found)


def exclude_folder_links(app: Sphinx, config: Config) -> None:
    srcdir = Path(app.srcdir)
    links = folder_links(
        srcdir, (Path(app.outdir), Path(app.doctreedir)), config.exclude_patterns
    )
    for relative in links:
        logger.warning(
            "folder link %r is not followed: the build reads only the source folder's own "
            "folders (a link inside it would show its documents twice, one outside it or "
            "to a parent folder would read other files or never end)",
            relative,
            type="kb",
            subtype="source",
            location=_path_location(srcdir / relative),
        )
        config.exclude_patterns.append(exact_pattern(relative))


def _path_location(path: Path) -> nodes.Node:
    """A location that names a file which is not a document."""
    node = nodes.Element()
    node.source = str(path)
    return node


# --- documents ---------------------------------------------------------------------------

_HEAD_CHARS = 16384
#: Text a front matter must hold to say ``draft`` or ``published``: the key
#: itself, or an escape that spells it (``"dr\x61ft"``). Merge keys and
#: aliases only repeat what is written elsewhere in the same block.
_DRAFT_HINTS = ("draft", "published", "\\")


def _complete_lines(text: str) -> str:
    """``text`` without its last line when that line has no line break (it was cut)."""
    lines = text.splitlines(keepends=True)
    if lines and lines[-1].splitlines() == [lines[-1]]:
        lines.pop()
    return "".join(lines)


def is_draft(path: Path, encoding: str, zone: dt.tzinfo) -> bool:
    """Whether the article at ``path`` is a draft, decided as its record decides it.

    Front matter sits at the top, so the first 16 KB usually hold all of it,
    and only a block that may say ``draft`` or ``published`` is parsed:
    reading and parsing 2,000 whole articles on every build showed in the
    profile of a no-op build.
    """
    with path.open(encoding=encoding, errors="replace") as handle:
        head = handle.read(_HEAD_CHARS)
        whole = len(head) < _HEAD_CHARS
        if whole and not _may_say_draft(head):
            return False  # most articles: one read, no split, no parse
        text = head if whole else _complete_lines(head)
        yaml_text, _body, _line = split_front_matter(text)
        if yaml_text is None and not whole:
            text = head + handle.read()
            yaml_text, _body, _line = split_front_matter(text)
    if yaml_text is None or not _may_say_draft(yaml_text):
        return False
    return article_meta(read_front_matter(text), zone).draft


def _may_say_draft(text: str) -> bool:
    return any(hint in text for hint in _DRAFT_HINTS)


def _drop(env: BuildEnvironment, docname: str, added: set[str], changed: set[str], removed: set[str]) -> None:
    env.found_docs.discard(docname)
    added.discard(docname)
    changed.discard(docname)
    if docname in env.all_docs:
        removed.add(docname)


def _remove_built_page(app: Sphinx, docname: str) -> None:
    """Remove the page (and source copy) an earlier build wrote for ``docname``."""
    builder = app.builder
    if not isinstance(builder, StandaloneHTMLBuilder):
        return
    suffix = app.env.doc2path(docname).suffix
    source_copy = docname + suffix
    if suffix != app.config.html_sourcelink_suffix:
        source_copy += app.config.html_sourcelink_suffix
    for path in (Path(builder.get_outfilename(docname)), Path(builder.outdir, "_sources", source_copy)):
        try:
            remove_file(path)
        except OSError as error:
            logger.warning(
                "cannot remove %s, built before this article became a draft: %s",
                path,
                error,
                type="kb",
                subtype="source",
                location=docname,
            )


def drop_unreadable_and_drafts(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Leave out documents no one may open, and drafts unless previewing."""
    config = kb_config(app)
    root = Path(env.srcdir).resolve()
    skip_drafts = config.drafts != "build"
    encoding = app.config.source_encoding
    for docname in sorted(env.found_docs):
        path = env.doc2path(docname)
        try:
            plain_file = stat.S_ISREG(os.lstat(path).st_mode)
        except OSError:
            plain_file = False
        # A plain file found by Sphinx's walk is inside the source folder: the
        # walk follows no folder link (exclude_folder_links). Links are resolved.
        why = None if plain_file else refusal(path, root)
        if why:
            logger.warning(
                "not read: %s", why, type="kb", subtype="source", location=docname
            )
            _drop(env, docname, added, changed, removed)
            continue
        if not (skip_drafts and is_article(docname, config)):
            continue
        if docname not in added and docname not in changed:
            # Unchanged since Sphinx read it, and it was read: not a draft then, nor
            # now (being a draft is written in the file). Scanning every article on
            # every build grew the edit loop with the size of the site.
            continue
        try:
            draft = is_draft(path, encoding, config.zone)
        except (OSError, LookupError):
            continue  # reading the document reports it
        if draft:
            if docname in env.all_docs:
                _remove_built_page(app, docname)
            _drop(env, docname, added, changed, removed)
    return []


# --- preview builds ------------------------------------------------------------------------


def _draft_docnames(env: BuildEnvironment) -> set[str]:
    return {docname for docname, article in domain_of(env).articles.items() if article.draft}


def keep_drafts_to_themselves(app: Sphinx, env: BuildEnvironment) -> None:
    """A draft built for preview has no index entries and no words in Sphinx's search."""
    for docname in _draft_docnames(env):
        env.domains.index_domain.clear_doc(docname)
        env.metadata[docname]["nosearch"] = True


class _DomainWithout:
    """A domain's objects, less those of some documents (for ``objects.inv``)."""

    def __init__(self, domain: Any, hidden: set[str]) -> None:
        self.name = domain.name
        self._domain = domain
        self._hidden = hidden

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        for item in self._domain.get_objects():
            if item[3] not in self._hidden:
                yield item


class _EnvWithout:
    """What :meth:`InventoryFile.dump` reads of an environment, less some documents."""

    def __init__(self, env: BuildEnvironment, hidden: set[str]) -> None:
        self.config = env.config
        self._domains = [_DomainWithout(domain, hidden) for domain in env.domains.sorted()]

    @property
    def domains(self) -> _EnvWithout:
        return self

    def sorted(self) -> list[_DomainWithout]:
        return self._domains


def rewrite_shared_files(app: Sphinx, exception: Exception | None) -> None:
    """Write ``objects.inv`` and ``searchindex.js`` again without the drafts of a preview."""
    builder = app.builder
    if exception is not None or not isinstance(builder, StandaloneHTMLBuilder):
        return
    drafts = _draft_docnames(app.env)
    if not drafts:
        return
    inventory = Path(builder.outdir, INVENTORY_FILENAME)
    if inventory.exists():
        InventoryFile.dump(inventory, cast("BuildEnvironment", _EnvWithout(app.env, drafts)), builder)
    if builder.indexer is not None:
        builder.indexer.prune(set(app.env.all_docs) - drafts)
        builder.dump_search_index()


def setup(app: Sphinx) -> None:
    # After the kb settings are checked (config-inited, 400).
    app.connect("config-inited", exclude_folder_links, priority=600)
    # First, so that no later handler opens a file dropped here.
    app.connect("env-get-outdated", drop_unreadable_and_drafts, priority=100)
    app.connect("env-updated", keep_drafts_to_themselves)
    app.connect("build-finished", rewrite_shared_files, priority=800)
