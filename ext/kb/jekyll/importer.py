"""``kb import``: Jekyll posts turned into MyST articles under ``<into>/YYYY/MM/<slug>.md``.

Pure Python on purpose: the ``kb import`` command must start fast, so nothing
here (or in what it imports) may pull in Sphinx.

:func:`import_posts` runs the import in three passes over the posts found
(:mod:`kb.jekyll.finding`): each post's front matter, old URL and article
path first (:func:`kb.jekyll.conversion.prepare_post`, :mod:`kb.jekyll.writing`),
so that any post's links can name any other's article; then every body
(:func:`kb.jekyll.conversion.finish_post`, with the site's answers from
:mod:`kb.jekyll.importsite`); then the writing, atomically, without ever
touching a source file or clobbering an article. One failing post never stops
the others.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from kb.core.names import slugify
from kb.jekyll.assets import Assets
from kb.jekyll.conversion import Conversion, PreparedPost, finish_post, prepare_post
from kb.jekyll.finding import FoundPosts, collect_posts
from kb.jekyll.frontfixes import LOOSE_FILES, PostContext
from kb.jekyll.importsite import ImportSite
from kb.jekyll.permalinks import OldUrlRule
from kb.jekyll.report import Diagnostic, ImportReport, Outcome, PostResult, Severity
from kb.jekyll.safefiles import Refused
from kb.jekyll.writing import NotUtf8Error, Targets, read_text

_T = TypeVar("_T")


def _short(error: BaseException) -> str:
    """An exception's message on one short line."""
    text = " ".join(str(error).split())
    return text if len(text) <= 200 else text[:199] + "…"


@dataclass
class _Converted:
    """A post's article, converted and not yet written."""

    result: PostResult
    target: Path
    article: str
    site: ImportSite | None


@dataclass
class _Importer:
    report: ImportReport
    zone: dt.tzinfo
    #: The permalink pattern for loose files (and, when given, for sites too).
    permalink: str | None
    targets: Targets
    assets: Assets
    found: FoundPosts = field(default_factory=FoundPosts)
    #: Posts whose day in kb_timezone is not the day Jekyll showed.
    shifted: list[tuple[Path, tuple[str, str]]] = field(default_factory=list)
    #: Front matter keys kb does not read -> the posts (and lines) holding them.
    unknown_keys: dict[str, list[tuple[Path, int | None]]] = field(default_factory=dict)

    def run(self, paths: Iterable[Path]) -> None:
        self.found = collect_posts(paths, self.targets.into, self.permalink, self.report)
        posts = self.found.posts
        self.targets.sources = {post.resolve() for post in posts}
        # First every post's front matter, old URL and target, so that a
        # post's links and {% post_url %} can name any other post's article.
        planned: list[PostResult | tuple[PreparedPost, Path]] = []
        for post in posts:
            planned.append(self._guarded(post, functools.partial(self._plan_one, post)))
        # Then every article, before any is written: a link may ask for a
        # target before a heading of an article converted earlier.
        converted: list[PostResult | _Converted] = []
        for item in planned:
            if isinstance(item, PostResult):
                converted.append(item)
                continue
            prepared, target = item
            converted.append(
                self._guarded(
                    prepared.source, functools.partial(self._convert_one, prepared, target)
                )
            )
        for done in converted:
            if isinstance(done, PostResult):
                self.report.results.append(done)
                continue
            self.report.results.append(
                self._guarded(done.result.source, functools.partial(self._write_one, done))
            )
        self._note_whole_run()

    def _note_whole_run(self) -> None:
        """The messages said once for all posts: shifted days, keys kb does not read."""
        if self.shifted:
            source, (jekyll_day, kb_day) = self.shifted[0]
            self.report.diagnostics.append(
                Diagnostic(
                    source,
                    None,
                    f"{len(self.shifted):,} posts are dated another day in kb_timezone than "
                    f"Jekyll showed them in the site's timezone (this one: {jekyll_day} there, "
                    f"{kb_day} here); each stays in the month Jekyll showed, and pages show "
                    "the day in kb_timezone",
                )
            )
        for key, places in self.unknown_keys.items():
            source, line = places[0]
            count = f"{len(places):,} posts" if len(places) > 1 else "1 post"
            self.report.diagnostics.append(
                Diagnostic(
                    source,
                    line,
                    f"front matter key {key!r} ({count}) is not one kb reads; kept in each "
                    "article and listed under kb_extra_keys, so the build does not warn about it",
                )
            )

    def _guarded(self, post: Path, work: Callable[[], _T]) -> _T | PostResult:
        try:
            return work()
        except Exception as error:  # one post must never stop the others
            problem = Diagnostic(
                post,
                None,
                f"could not be imported: {type(error).__name__}: {_short(error)}; "
                "the other posts were imported (please report this post)",
                Severity.ERROR,
            )
            return PostResult(post, Outcome.FAILED, diagnostics=[problem])

    def _read(self, source: Path) -> str | PostResult:
        """The text of the post ``source``; a failed result when it cannot be read."""
        try:
            return read_text(source, self.found.roots.get(source))
        except NotUtf8Error as error:
            problem = Diagnostic(source, error.line, str(error), Severity.ERROR)
        except Refused as error:
            problem = Diagnostic(source, None, str(error), Severity.ERROR)
        except OSError as error:
            problem = Diagnostic(source, None, f"cannot read: {error.strerror}", Severity.ERROR)
        return PostResult(source, Outcome.FAILED, diagnostics=[problem])

    def _plan_one(self, source: Path) -> PostResult | tuple[PreparedPost, Path]:
        text = self._read(source)
        if isinstance(text, PostResult):
            return text
        context = self.found.contexts.get(source) or PostContext(
            OldUrlRule(self.permalink or LOOSE_FILES.pattern)
        )
        prepared = prepare_post(text, source, self.zone, context)
        if isinstance(prepared, Conversion):
            return PostResult(source, Outcome.FAILED, diagnostics=prepared.diagnostics)
        for key, line in prepared.unknown_keys:
            self.unknown_keys.setdefault(key, []).append((source, line))
        if prepared.shifted is not None:
            self.shifted.append((source, prepared.shifted))
        result = PostResult(source, Outcome.FAILED, diagnostics=prepared.diagnostics)
        relative_path = prepared.relative_path
        folders = context.rule.path_categories if context.rule is not None else ()
        targets = self.targets
        if folders and targets.taken_by_other(targets.into / relative_path, prepared):
            # A post of another _posts folder (a translation, another section)
            # has the slug: the folders tell them apart, whatever the order.
            stem, _, suffix = relative_path.rpartition(".")
            relative_path = f"{stem}-{'-'.join(slugify(folder) for folder in folders)}.{suffix}"
        target = targets.choose(source, relative_path, prepared.meta, prepared.old_url, result)
        if target is None:
            return result
        targets.claimed[target.resolve()] = source
        site = self.found.site_of.get(source)
        if site is not None and prepared.old_url is not None:
            site.note_post(prepared, prepared.old_url, target)
        return prepared, target

    def _convert_one(self, prepared: PreparedPost, target: Path) -> _Converted:
        site = self.found.site_of.get(prepared.source)
        liquid = site.liquid(prepared) if site is not None else None
        links = site.links(prepared, target, self.assets) if site is not None else None
        conversion = finish_post(prepared, liquid, links)
        result = PostResult(
            prepared.source,
            Outcome.FAILED,
            target,
            diagnostics=conversion.diagnostics,
            old_urls=[prepared.old_url] if prepared.old_url else [],
        )
        assert conversion.article is not None
        return _Converted(result, target, conversion.article, site)

    def _write_one(self, done: _Converted) -> PostResult:
        article = done.article
        if done.site is not None:
            article = done.site.with_targets(done.target, article)
        self.targets.place(done.target, article, done.result)
        return done.result


def import_posts(
    paths: Sequence[Path],
    into: Path,
    zone: dt.tzinfo,
    *,
    force: bool = False,
    dry_run: bool = False,
    permalink: str | None = None,
) -> ImportReport:
    """Import the posts at ``paths`` (files, folders or Jekyll site folders) into ``into``.

    Goes on past broken posts; every problem ends up in the report. With
    ``dry_run`` nothing is written, not even folders. ``permalink`` is the
    Jekyll pattern or style that made the old URLs: loose files default to
    ``date``, a site folder to its ``_config.yml``.
    """
    report = ImportReport(dry_run=dry_run)
    targets = Targets(into, zone, force, dry_run)
    assets = Assets(into, dry_run, report.diagnostics)
    _Importer(report, zone, permalink, targets, assets).run(paths)
    return report
