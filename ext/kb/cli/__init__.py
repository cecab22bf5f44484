"""The ``kb`` command line: ``kb import PATH...`` and room for more subcommands.

Nothing here imports Sphinx, so the command starts fast.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO, cast

from kb.cli import glossarycommand, newcommand
from kb.cli.check import check_project
from kb.cli.terminal import (
    USAGE_ERROR,
    Printable,
    UsageError,
    articles_folder,
    display,
    project_settings,
)
from kb.core.dates import zone_named
from kb.core.projectconf import find_project_conf, read_project_settings
from kb.core.redirects import is_safe_output_path, redirect_files
from kb.jekyll.importer import import_posts
from kb.jekyll.report import ImportReport, Outcome, Severity
from kb.jekyll.sitelookups import feed_hint


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
    glossarycommand.add_parser(commands)
    newcommand.add_parser(commands)
    _add_check_parser(commands)
    return parser


def _print_report(report: ImportReport, out: TextIO, err: TextIO) -> None:
    would = "would be " if report.dry_run else ""
    for result in report.results:
        source = display(result.source)
        target = display(result.target) if result.target is not None else ""
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
    return project_settings(find_project_conf(into, docs_folders=False), err).settings.timezone


def _run_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    into = articles_folder(args.into)
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
            print(f"{display(root)}: the site had no feed kb could find", file=out)
            continue
        refusal = feed_alias_refusal(feed, taken)
        if refusal is None:
            print(
                f"{display(root)}: the site feed was at /{feed}; "
                f'set kb_feed_alias = "{feed}" in conf.py to keep serving it there',
                file=out,
            )
        else:
            print(f"{display(root)}: the site feed was at /{feed}; {refusal}", file=out)
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
            raise UsageError(f"{path}: not inside the project of {display(conf)}")
    report = check_project(conf, read_project_settings(conf), paths or None)
    for finding in report.findings:
        print(finding.text(display), file=out)
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
    out, err = cast(TextIO, Printable(sys.stdout)), cast(TextIO, Printable(sys.stderr))
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
            return glossarycommand.run(args, parser, out, err)
        if args.command == "new":
            return newcommand.run(args, out, err)
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
