"""``kb new``: a new article with its front matter, in the project's articles folder."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from kb.cli.compose import NewArticle, article_path, create_article, front_matter
from kb.cli.terminal import UsageError, display, project_settings
from kb.core.projectconf import find_project_conf


def add_parser(commands: argparse._SubParsersAction) -> None:
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


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    title = " ".join(args.title.split())
    if not title:
        raise UsageError("the title is empty")
    if args.series_order is not None and (args.series_order < 1 or not args.series.strip()):
        raise UsageError("--series-order needs --series and a number from 1")
    if args.into is not None:
        if args.into.exists() and not args.into.is_dir():
            raise UsageError(f"--into {args.into}: not a folder")
        settings = project_settings(find_project_conf(args.into, docs_folders=False), err).settings
        articles = args.into
    else:
        conf = find_project_conf(Path.cwd())
        if conf is None:
            raise UsageError(
                f"no kb project found: neither {Path.cwd()} nor any folder above it has "
                "conf.py or docs/conf.py; pass --into DIR to say where the articles go"
            )
        settings = project_settings(conf, err).settings
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
            f"kb new: error: {display(path)} exists; nothing written "
            "(edit it, or give another --slug)",
            file=err,
        )
        return 1
    except OSError as error:
        print(f"kb new: error: cannot write {display(path)}: {error.strerror or error}", file=err)
        return 1
    print(display(path), file=out)
    return 0
