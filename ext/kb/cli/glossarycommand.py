"""``kb glossary suggest``: names the articles use often that the glossary lacks."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from kb.cli import suggest
from kb.cli.terminal import USAGE_ERROR, UsageError, articles_folder, display
from kb.core.settings import role_kinds
from kb.jekyll.finding import find_articles_folder


def add_parser(commands: argparse._SubParsersAction) -> None:
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


def run(
    args: argparse.Namespace, parser: argparse.ArgumentParser, out: TextIO, err: TextIO
) -> int:
    if args.glossary_command != "suggest":
        parser.parse_args(["glossary", "--help"])
        return USAGE_ERROR
    if args.min_count < 1:
        raise UsageError("--min-count must be at least 1")
    paths = list(args.paths) or [articles_folder(None)]
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
    articles = suggest.read_articles(paths, display)
    roles = role_kinds(kinds)
    found = suggest.suggest(articles, table, roles, min_recurrence=args.min_count)
    _print_suggestions(found, suggest.unresolved_roles(articles, table, roles), out)
    if args.write is not None:
        for item in found:
            path, written = suggest.write_draft(args.write, item)
            state = "drafted" if written else "exists, not overwritten"
            print(f"{state}: {display(path)}", file=out)
    return 0


def _default_glossary_kinds() -> dict[str, dict[str, str]]:
    return suggest.default_kinds()
