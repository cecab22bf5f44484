"""The ``kb`` command line: ``kb import PATH...`` and room for more subcommands.

Nothing here imports Sphinx, so the command starts fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO, cast

from kb.cli import suggest
from kb.cli.check import check_project
from kb.cli.compose import NewArticle, article_path, create_article, front_matter
from kb.core.dates import zone_named
from kb.core.projectconf import ProjectSettings, find_project_conf, read_project_settings
from kb.core.redirects import is_safe_output_path, redirect_files
from kb.core.settings import KbConfig, role_kinds
from kb.jekyll.importer import ImportReport, Outcome, Severity, find_articles_folder, import_posts
from kb.jekyll.jekyllsite import feed_hint

#: Exit status for a command line the user has to fix (as argparse uses).
USAGE_ERROR = 2


class UsageError(Exception):
    """A problem with the command line itself, not with a post."""


#: Characters a terminal acts on instead of showing (ESC, BEL, CR, bidi
#: overrides …); tab and line feed are layout and pass.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``)."""
    return _CONTROL.sub(
        lambda match: (
            f"\\x{ord(match.group()):02x}"
            if ord(match.group()) < 0x100
            else f"\\u{ord(match.group()):04x}"
        ),
        text,
    )


class _Printable:
    """A text stream that escapes control characters: file names and post text
    are printed, and an ESC in them must not drive the user's terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(printable(text))

    def flush(self) -> None:
        self.stream.flush()


def _display(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it, for short messages."""
    try:
        inside = path.resolve().is_relative_to(Path.cwd().resolve())
        return os.path.relpath(path) if inside else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kb", description="Tools for the kb knowledge base of long-form articles."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    importer = commands.add_parser(
        "import",
        help="turn Jekyll posts into MyST articles",
        description=(
            "Turn Jekyll posts into MyST articles at INTO/YYYY/MM/<slug>.md. Folders are "
            "searched for *.md, *.markdown, *.txt and *.html; a Jekyll site folder (with "
            "_config.yml) is read as Jekyll reads it: every _posts folder, its settings, "
            "Liquid, links and images. Each post's old URL is recorded as redirect_from. "
            "Existing articles are never overwritten without --force; source files are "
            "never changed."
        ),
    )
    importer.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="post files or folders"
    )
    importer.add_argument(
        "--into",
        type=Path,
        metavar="DIR",
        help="articles folder (default: docs/articles of the project around the current folder)",
    )
    importer.add_argument(
        "--force", action="store_true", help="replace existing articles whose text differs"
    )
    importer.add_argument(
        "--dry-run", action="store_true", help="write nothing; print what would happen"
    )
    importer.add_argument(
        "--permalink",
        metavar="PATTERN",
        help=(
            "Jekyll permalink style (date, pretty, ordinal, weekdate, none) or pattern "
            "(/:year/:month/:day/:title:output_ext) that made the old URLs, recorded as "
            "redirect_from (default: a site folder's _config.yml, else date)"
        ),
    )
    importer.add_argument(
        "--timezone",
        metavar="ZONE",
        help=(
            "IANA time zone that decides a loose file's YYYY/MM folder and reads its naive "
            "dates (default: kb_timezone of the project's conf.py, else Asia/Tokyo); a post "
            "of a site folder goes in the month Jekyll showed in the site's timezone"
        ),
    )
    _add_glossary_parser(commands)
    _add_new_parser(commands)
    _add_check_parser(commands)
    return parser


def _articles_folder(into: Path | None) -> Path:
    if into is not None:
        if into.exists() and not into.is_dir():
            raise UsageError(f"--into {into}: not a folder")
        return into
    found = find_articles_folder(Path.cwd())
    if found is None:
        raise UsageError(
            f"no kb project found: neither {Path.cwd()} nor any folder above it has "
            "docs/conf.py; pass --into DIR to say where the articles go"
        )
    return found


def _print_report(report: ImportReport, out: TextIO, err: TextIO) -> None:
    would = "would be " if report.dry_run else ""
    for result in report.results:
        source = _display(result.source)
        target = _display(result.target) if result.target is not None else ""
        if result.outcome is Outcome.IMPORTED:
            verb = "overwritten" if result.overwrote else "imported"
            print(f"{would}{verb}: {source} -> {target}", file=out)
        elif result.outcome is Outcome.UNCHANGED:
            print(f"unchanged: {source} -> {target}", file=out)
        elif result.outcome is Outcome.SKIPPED:
            print(f"{would}skipped (exists, use --force): {source} -> {target}", file=out)
        else:
            print(f"failed: {source}", file=out)
    for diagnostic in report.all_diagnostics():
        print(diagnostic, file=err)
    labels = {
        Outcome.IMPORTED: "to import" if report.dry_run else "imported",
        Outcome.UNCHANGED: "unchanged",
        Outcome.SKIPPED: "to skip" if report.dry_run else "skipped",
        Outcome.FAILED: "failed",
    }
    counts = ", ".join(f"{report.count(outcome)} {label}" for outcome, label in labels.items())
    warnings = sum(1 for d in report.all_diagnostics() if d.severity is Severity.WARNING)
    prefix = "dry run, nothing written: " if report.dry_run else ""
    print(f"{prefix}{counts}, {warnings} warning{'' if warnings == 1 else 's'}", file=out)


def _project_timezone(into: Path, err: TextIO) -> str:
    """``kb_timezone`` of the project the articles go into, as its conf.py sets it."""
    return _project_settings(find_project_conf(into, docs_folders=False), err).settings.timezone


def _run_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    into = _articles_folder(args.into)
    timezone = args.timezone or _project_timezone(into, err)
    try:
        zone = zone_named(timezone)
    except (ValueError, LookupError, OSError):
        raise UsageError(
            f"--timezone {timezone}: unknown time zone; use an IANA name such as Asia/Tokyo"
        ) from None
    report = import_posts(
        args.paths, into, zone, force=args.force, dry_run=args.dry_run, permalink=args.permalink
    )
    _print_report(report, out, err)
    taken = _paths_taken(report)
    for root, site in report.sites.items():
        # The feed keeps its subscribers only if the build serves it at the old path.
        feed = feed_hint(root, site)
        if feed is None:
            print(f"{_display(root)}: the site had no feed kb could find", file=out)
            continue
        refusal = feed_alias_refusal(feed, taken)
        if refusal is None:
            print(
                f"{_display(root)}: the site feed was at /{feed}; "
                f'set kb_feed_alias = "{feed}" in conf.py to keep serving it there',
                file=out,
            )
        else:
            print(f"{_display(root)}: the site feed was at /{feed}; {refusal}", file=out)
    return 1 if report.failed else 0


#: What kb writes itself at the top of the output folder: never a feed alias.
_KB_FILES = frozenset(
    {"index.html", "genindex.html", "search.html", "searchindex.js", "objects.inv",
     "sitemap.xml", "robots.txt", ".buildinfo", "404.html", "py-modindex.html"}
)  # fmt: skip
#: Folders kb or Sphinx fill (with the default settings).
_KB_FOLDERS = ("_static/", "_images/", "_sources/", "_downloads/", "_kb/", "feeds/",
               "tags/", "categories/", "authors/", "archive/", "articles/", "glossary/")  # fmt: skip
_FEED_ENDINGS = (".xml", ".rss", ".atom")


def _paths_taken(report: ImportReport) -> set[str]:
    """Output files the imported articles' redirect pages will take."""
    taken: set[str] = set()
    for result in report.results:
        if result.target is None or result.outcome is Outcome.FAILED:
            continue
        for url in result.old_urls:
            taken.update(redirect_files(url))
    return taken


def feed_alias_refusal(path: str, taken: set[str]) -> str | None:
    """Why ``path`` cannot be proposed as ``kb_feed_alias``; ``None`` when it is safe and free."""
    if not is_safe_output_path(path) or any(unicodedata.category(c)[0] == "C" for c in path):
        return "that path cannot be a file of the site (kb_feed_alias not proposed)"
    if not path.lower().endswith(_FEED_ENDINGS):
        return "that path is not a feed file name kb can serve (kb_feed_alias not proposed)"
    if path in _KB_FILES or path.startswith(_KB_FOLDERS):
        return (
            "kb writes its own file there (kb_feed_alias not proposed); link the new feed instead"
        )
    if path in taken:
        return "an imported post's redirect page is there (kb_feed_alias not proposed)"
    return None


def _add_glossary_parser(commands: argparse._SubParsersAction) -> None:
    glossary = commands.add_parser(
        "glossary",
        help="help with the glossary of partners and technologies",
        description="Help with the glossary of partners and technologies.",
    )
    actions = glossary.add_subparsers(dest="glossary_command", metavar="ACTION")
    suggester = actions.add_parser(
        "suggest",
        help="list names articles use that have no glossary entry",
        description=(
            "List names that articles set in bold, that recur in Latin letters (H200, "
            "CoreWeave …) or that a {partner}/{tech} role names, and that no glossary entry "
            "owns: longest first, with how often and where they occur. Case and width are "
            "folded as the build's linker folds them."
        ),
    )
    suggester.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="articles or folders (default: docs/articles of the project around the current folder)",
    )
    suggester.add_argument(
        "--glossary",
        type=Path,
        metavar="DIR",
        help="glossary folder (default: the glossary folder beside the articles folder)",
    )
    suggester.add_argument(
        "--write",
        type=Path,
        metavar="DIR",
        help="draft an entry file per name in DIR (name, empty summary, aliases); "
        "existing files are never overwritten",
    )
    suggester.add_argument(
        "--min-count",
        type=int,
        default=suggest.MIN_RECURRENCE,
        metavar="N",
        help="times a name in Latin letters must occur to be listed when it is neither bold "
        f"nor named by a role (default: {suggest.MIN_RECURRENCE})",
    )


def _print_suggestions(
    found: list[suggest.Suggestion], unresolved: list[suggest.UnresolvedRole], out: TextIO
) -> None:
    for role in unresolved:
        print(
            f"{role.path}:{role.line}: {{{role.role}}}`{role.name}` has no entry; "
            f"an entry named {role.name!r} resolves it",
            file=out,
        )
    for item in found:
        mentions = f"{item.count} mention{'' if item.count == 1 else 's'}"
        articles = f"{len(item.articles)} article{'' if len(item.articles) == 1 else 's'}"
        why = ", ".join(sorted(item.sources))
        print(f"{item.name}\t{mentions} in {articles}\t[{why}]", file=out)
        if item.aliases:
            print(f"    aliases: {', '.join(item.aliases)}", file=out)
        for path, line in item.articles.items():
            print(f"    {path}:{line}", file=out)
    print(f"{len(found)} name{'' if len(found) == 1 else 's'} without a glossary entry", file=out)


def _run_glossary(
    args: argparse.Namespace, parser: argparse.ArgumentParser, out: TextIO, err: TextIO
) -> int:
    if args.glossary_command != "suggest":
        parser.parse_args(["glossary", "--help"])
        return USAGE_ERROR
    if args.min_count < 1:
        raise UsageError("--min-count must be at least 1")
    paths = list(args.paths) or [_articles_folder(None)]
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
    glossary = args.glossary
    if glossary is None:
        first = paths[0] if paths[0].is_dir() else paths[0].parent
        project = find_articles_folder(first.resolve())
        glossary = (project or first).parent / "glossary"
    if not glossary.is_dir():
        raise UsageError(f"glossary folder {glossary} not found; pass --glossary DIR")
    kinds = _default_glossary_kinds()
    table = suggest.read_glossary(glossary, kinds)
    articles = suggest.read_articles(paths, _display)
    roles = role_kinds(kinds)
    found = suggest.suggest(articles, table, roles, min_recurrence=args.min_count)
    _print_suggestions(found, suggest.unresolved_roles(articles, table, roles), out)
    if args.write is not None:
        for item in found:
            path, written = suggest.write_draft(args.write, item)
            state = "drafted" if written else "exists, not overwritten"
            print(f"{state}: {_display(path)}", file=out)
    return 0


def _default_glossary_kinds() -> dict[str, dict[str, str]]:
    return suggest.default_kinds()


def _add_new_parser(commands: argparse._SubParsersAction) -> None:
    new = commands.add_parser(
        "new",
        help="start an article with its whole front matter",
        description=(
            "Write ARTICLES/YYYY/MM/<slug>.md with its whole front matter: the title, the "
            "date now in kb_timezone, and the names given. The slug is made as kb import "
            "makes it (--slug, else the title). Prints the path; never overwrites a file."
        ),
    )
    new.add_argument("title", metavar="TITLE", help="the article's title")
    names = "; comma-separated, or give the option again"
    new.add_argument("--tags", action="append", default=[], metavar="NAMES", help="tags" + names)
    new.add_argument(
        "--categories", action="append", default=[], metavar="NAMES", help="categories" + names
    )
    new.add_argument(
        "--author", action="append", default=[], metavar="NAMES", help="authors" + names
    )
    new.add_argument("--slug", default="", help="the file name's slug (default: from the title)")
    new.add_argument("--series", default="", metavar="NAME", help="the series it is a part of")
    new.add_argument(
        "--series-order", type=int, metavar="N", help="its place in the series (default: by date)"
    )
    new.add_argument("--excerpt", default="", metavar="TEXT", help="the excerpt lists show")
    new.add_argument("--draft", action="store_true", help="mark it draft: true")
    new.add_argument(
        "--into",
        type=Path,
        metavar="DIR",
        help="articles folder (default: kb_articles_dir of the project around the current folder)",
    )


def _names(values: Sequence[str]) -> tuple[str, ...]:
    """Names from repeated, comma-separated options, each once, in order."""
    found: dict[str, None] = {}
    for value in values:
        for name in value.split(","):
            if name.strip():
                found.setdefault(" ".join(name.split()))
    return tuple(found)


def _project_settings(conf: Path | None, err: TextIO) -> ProjectSettings:
    if conf is None:
        return ProjectSettings(KbConfig())
    found = read_project_settings(conf)
    for line, note in found.notes:
        print(f"{_display(conf)}:{line}: {note}" if line else f"{_display(conf)}: {note}", file=err)
    return found


def _run_new(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    title = " ".join(args.title.split())
    if not title:
        raise UsageError("the title is empty")
    if args.series_order is not None and (args.series_order < 1 or not args.series.strip()):
        raise UsageError("--series-order needs --series and a number from 1")
    if args.into is not None:
        if args.into.exists() and not args.into.is_dir():
            raise UsageError(f"--into {args.into}: not a folder")
        settings = _project_settings(find_project_conf(args.into, docs_folders=False), err).settings
        articles = args.into
    else:
        conf = find_project_conf(Path.cwd())
        if conf is None:
            raise UsageError(
                f"no kb project found: neither {Path.cwd()} nor any folder above it has "
                "conf.py or docs/conf.py; pass --into DIR to say where the articles go"
            )
        settings = _project_settings(conf, err).settings
        articles = conf.parent / settings.articles_dir
    article = NewArticle(
        title=title,
        tags=_names(args.tags),
        categories=_names(args.categories),
        authors=_names(args.author),
        slug=args.slug.strip(),
        series=" ".join(args.series.split()),
        series_order=args.series_order,
        excerpt=" ".join(args.excerpt.split()),
        draft=args.draft,
    )
    now = dt.datetime.now(settings.zone).replace(microsecond=0)
    path = article_path(articles, article, now)
    try:
        create_article(path, front_matter(article, now))
    except FileExistsError:
        print(
            f"kb new: error: {_display(path)} exists; nothing written "
            "(edit it, or give another --slug)",
            file=err,
        )
        return 1
    except OSError as error:
        print(f"kb new: error: cannot write {_display(path)}: {error.strerror or error}", file=err)
        return 1
    print(_display(path), file=out)
    return 0


def _add_check_parser(commands: argparse._SubParsersAction) -> None:
    checker = commands.add_parser(
        "check",
        help="find what the build would warn about, without building",
        description=(
            "Check front matter, glossary entries, the taxonomy file, redirects and series "
            "as the build does, without running Sphinx, and print each problem as the build "
            "warns (file:line: WARNING: ... [kb.type]). Exit status 1 when there is any. "
            "With PATHs, only problems in those files (or under those folders) are printed."
        ),
    )
    checker.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders of the project (default: the whole project)",
    )


def _run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    paths: list[Path] = list(args.paths)
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
    start = paths[0] if paths else Path.cwd()
    conf = find_project_conf(start if start.is_dir() else start.parent)
    if conf is None:
        raise UsageError(
            f"no kb project found: neither {start} nor any folder above it has conf.py "
            "or docs/conf.py"
        )
    for path in paths:
        if not path.resolve().is_relative_to(conf.parent.resolve()):
            raise UsageError(f"{path}: not inside the project of {_display(conf)}")
    report = check_project(conf, read_project_settings(conf), paths or None)
    for finding in report.findings:
        print(finding.text(_display), file=out)
    files = len({finding.path for finding in report.findings})
    problems = len(report.findings)
    summary = f"{report.articles} articles and {report.entries} glossary entries read; " + (
        f"{problems} problem{'' if problems == 1 else 's'} in {files} "
        f"file{'' if files == 1 else 's'}"
        if problems
        else "no problems"
    )
    print(f"kb check: {summary}", file=err)
    return 1 if problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``kb`` command with ``argv`` (default: the process arguments); the exit status."""
    parser = _build_parser()
    out, err = cast(TextIO, _Printable(sys.stdout)), cast(TextIO, _Printable(sys.stderr))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:
        # argparse exits on --help (0) and on bad usage (2); callers want a status.
        code = exit_request.code
        return code if isinstance(code, int) else USAGE_ERROR
    if args.command is None:
        parser.print_help(sys.stderr)
        return USAGE_ERROR
    try:
        if args.command == "glossary":
            return _run_glossary(args, parser, out, err)
        if args.command == "new":
            return _run_new(args, out, err)
        if args.command == "check":
            return _run_check(args, out, err)
        return _run_import(args, out, err)
    except UsageError as error:
        print(f"kb {args.command}: error: {error}", file=err)
        return USAGE_ERROR
    except KeyboardInterrupt:
        # Articles are written atomically, so whatever was written is whole.
        print(f"kb {args.command}: interrupted; articles written so far are complete", file=err)
        return 130
    except Exception as error:
        # Posts are imported one by one and each failure is reported with its
        # file; what reaches here is outside any post, and still no traceback.
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"kb {args.command}: error: {type(error).__name__}: {message}", file=err)
        return 1
