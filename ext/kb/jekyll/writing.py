"""Where each imported article goes, and writing it there without clobbering anything.

An article takes the first free path of ``YYYY/MM/<slug>.md``, ``-2``,
``-3``…: free means neither claimed by another post of this run nor holding
another post's article (:func:`is_other_article`). Writing is atomic, never
outside the articles folder, never over a post being imported, and over a
different article only with ``--force``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path

from kb.core import atomicfile
from kb.core.articlemeta import ArticleMeta, article_meta
from kb.core.frontmatter import read_front_matter
from kb.core.redirects import normalise_redirects
from kb.jekyll.conversion import PreparedPost, normalise_text
from kb.jekyll.report import Diagnostic, Outcome, PostResult, Severity
from kb.jekyll.safefiles import Refused, check_file, read_bounded, within


def write_atomically(
    target: Path, content: str | bytes, *, replace: bool, durable: bool = True
) -> None:
    """Write ``content`` (text as UTF-8) to ``target`` whole or not at all
    (:func:`kb.core.atomicfile.write_atomically`); without ``replace``,
    ``FileExistsError`` rather than clobber a file that appeared meanwhile."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    atomicfile.write_atomically(target, data, replace=replace, durable=durable)


class NotUtf8Error(ValueError):
    """A file that is not UTF-8 text; ``line`` is where the first bad byte is."""

    def __init__(self, byte: int, line: int) -> None:
        super().__init__(
            f"not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8 and import it again"
        )
        self.line = line


def read_text(path: Path, root: Path | None = None) -> str:
    """The text of ``path``; :class:`NotUtf8Error` when it is not UTF-8.

    Raises :class:`Refused` for what must not be read: anything but a regular
    file, a link leaving ``root``, a file larger than kb reads.
    """
    reason = check_file(path, root)
    if reason is not None:
        raise Refused(reason)
    data = read_bounded(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotUtf8Error(data[error.start], data.count(b"\n", 0, error.start) + 1) from None


def _blocked_folder(folder: Path, into: Path) -> str | None:
    """Why ``folder`` (inside ``into``) cannot be created or used, or ``None``.

    A file or a link to nothing where a month folder should be is an error,
    never an article that "exists".
    """
    for path in (folder, *folder.parents):
        if os.path.lexists(path) and not path.is_dir():
            what = "a link to nothing" if path.is_symlink() else "a file"
            return f"cannot create the folder {path}: {what} is in its place"
        if path == into or not within(path, into):
            break
    return None


def is_other_article(
    existing_text: str, meta: ArticleMeta, zone: dt.tzinfo, url: str | None = None
) -> bool:
    """True when ``existing_text`` is the article of another post than the one of ``meta``.

    A Jekyll post is known by its old URL, which no other post of its site
    had: when the new article records one (``redirect_from``), the existing
    article is the same post only if it records that URL too. Translations
    keeping their original's title and date are then different posts, and a
    post whose title changed is still itself. Without old URLs, title and
    date decide: a post whose title or date was edited since its last import
    lands next to the old article, which is lost by no one. An existing file
    without a readable title and date proves nothing, so the usual
    exists/``--force`` rules apply to it.
    """
    existing_raw = read_front_matter(normalise_text(existing_text))
    ours = _redirects([*_redirects(meta.extra.get("redirect_from")), url] if url else [])
    if ours:
        theirs = _redirects(existing_raw.data.get("redirect_from"))
        if theirs or existing_raw.data:
            return not ours & theirs
    existing = article_meta(existing_raw, zone)
    if not existing.title or existing.date is None:
        return False
    return existing.title != meta.title or existing.date != meta.date


def _redirects(value: object) -> set[str]:
    values = value if isinstance(value, (list, set)) else [value]
    return set(normalise_redirects(values))


def _fail(result: PostResult, message: str, line: int | None = None) -> None:
    result.outcome = Outcome.FAILED
    result.diagnostics.append(Diagnostic(result.source, line, message, Severity.ERROR))


@dataclass
class Targets:
    """The articles folder of one run: the paths taken, and the articles written there."""

    into: Path
    zone: dt.tzinfo
    force: bool
    dry_run: bool
    #: The posts of this run (resolved): never overwritten, even with ``--force``.
    sources: set[Path] = field(default_factory=set)
    #: Target (resolved) -> the source that took it in this run.
    claimed: dict[Path, Path] = field(default_factory=dict)
    #: Planned path -> (first number not known to be taken, what took the first).
    #: Posts sharing a slug start where the last one stopped: 1,200 posts with
    #: one slug read each existing article once instead of 720,000 times.
    taken: dict[Path, tuple[int, str]] = field(default_factory=dict)

    def choose(
        self,
        source: Path,
        relative_path: str,
        meta: ArticleMeta,
        url: str | None,
        result: PostResult,
    ) -> Path | None:
        """The first free path for this article: the planned one, else ``-2``, ``-3``…"""
        planned = self.into / relative_path
        stem, suffix = planned.stem, planned.suffix
        into_resolved = self.into.resolve()
        slug_line = meta.lines.get("slug") or meta.lines.get("title") or 1
        start, first_taken_by = self.taken.get(planned, (1, ""))
        # Without an upper bound: every number tried is an article already
        # there or claimed in this run, so the search ends.
        for number in itertools.count(start):
            candidate = planned if number == 1 else planned.with_name(f"{stem}-{number}{suffix}")
            resolved = candidate.resolve()
            if not within(resolved, into_resolved):
                _fail(
                    result,
                    f"refusing to write {candidate}: it resolves to {resolved}, "
                    f"outside {self.into}",
                    slug_line,
                )
                return None
            other_source = self.claimed.get(resolved)
            if other_source is not None:
                taken_by = f"{other_source}, imported in this run"
            elif self._holds_other_article(candidate, meta, url):
                taken_by = "another article already there"
            else:
                if number > 1:
                    result.diagnostics.append(
                        Diagnostic(
                            source,
                            slug_line,
                            f"{planned} is taken by {first_taken_by}; "
                            f"writing this post to {candidate.name} instead",
                        )
                    )
                return candidate
            if number == 1:
                first_taken_by = taken_by
            self.taken[planned] = (number + 1, first_taken_by)
        raise AssertionError("unreachable")  # pragma: no cover

    def taken_by_other(self, candidate: Path, prepared: PreparedPost) -> bool:
        """True when another post of this run, or another post's article, has ``candidate``."""
        claimed = self.claimed.get(candidate.resolve())
        if claimed is not None:
            return claimed != prepared.source
        return self._holds_other_article(candidate, prepared.meta, prepared.old_url)

    def _holds_other_article(
        self, candidate: Path, meta: ArticleMeta, url: str | None = None
    ) -> bool:
        if not candidate.is_file():
            return False
        try:
            existing_text = read_text(candidate)
        except (OSError, ValueError):
            # Not provably another article: the usual rules apply, and a
            # file that cannot be read is reported when it is compared.
            return False
        return is_other_article(existing_text, meta, self.zone, url)

    def place(self, target: Path, article: str, result: PostResult) -> None:
        """Write ``article`` to ``target`` unless it is there already; the outcome in ``result``."""
        blocked = _blocked_folder(target.parent, self.into)
        if blocked is not None:
            _fail(result, blocked)
            return
        if target.exists() and not target.is_file():
            _fail(result, f"refusing to write {target}: something that is not a file is there")
            return
        if target.exists():
            try:
                existing = target.read_bytes()
            except OSError as error:
                _fail(result, f"cannot read the existing {target}: {error.strerror}")
                return
            if existing == article.encode("utf-8"):
                result.outcome = Outcome.UNCHANGED
                return
            if not self.force:
                result.outcome = Outcome.SKIPPED
                return
            if target.resolve() in self.sources:
                _fail(
                    result, f"refusing to overwrite {target}: it is one of the posts being imported"
                )
                return
            result.overwrote = True
        result.outcome = Outcome.IMPORTED
        if self.dry_run:
            return
        try:
            write_atomically(target, article, replace=result.overwrote)
        except FileExistsError:
            result.outcome = Outcome.SKIPPED
            result.overwrote = False
        except OSError as error:
            _fail(result, f"cannot write {target}: {error.strerror or error}")
