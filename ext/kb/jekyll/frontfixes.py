"""A post's front matter made to say what Jekyll showed.

The user's front matter is copied verbatim, never re-serialised, so comments,
quoting and key order survive; only keys Jekyll read differently from kb are
rewritten, each with a comment saying why: the site's ``defaults:``, a title
from the file name, a date in the site's zone, the folders above ``_posts``
as categories. Keys that would write the page head are set aside.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.core.dates import file_name_date, jekyll_date, parse_date
from kb.core.values import scalar_text
from kb.core.yamltext import comment_out, flow_list, key_block, quoted, set_key
from kb.jekyll.permalinks import (
    OldUrlRule,
    is_jekyll_post_name,
    post_categories,
    split_post_name,
)
from kb.jekyll.report import Diagnostic

#: Loose files: Jekyll's default ``date`` style, dates read in UTC.
LOOSE_FILES = OldUrlRule()

#: Front matter keys MyST or Sphinx turn into page head markup or settings:
#: never copied into an article as they are (issue: a post could add a
#: ``<meta http-equiv="refresh">`` to every reader's page).
HEAD_KEYS = ("html_meta", "myst", "substitutions")


@dataclass(frozen=True)
class PostContext:
    """What a post's site tells about it (``None`` fields: a loose file)."""

    #: How the old URL is computed; ``None``: no old URL is recorded.
    rule: OldUrlRule | None = LOOSE_FILES
    #: True for a post of a Jekyll site folder: its date is read as Jekyll read
    #: it, in the site's zone, and that date decides the ``YYYY/MM`` folder.
    from_site: bool = False
    #: What ``_config.yml``'s ``defaults:`` give the post (under its own front matter).
    defaults: Mapping[str, Any] = field(default_factory=dict)


def with_defaults(
    yaml_text: str, data: dict[str, object], defaults: Mapping[str, Any]
) -> tuple[str, dict[str, object]]:
    """The front matter with the site's defaults for the keys the post does not set.

    Written into the article, so that it says what Jekyll used (a default
    ``permalink`` made the old URL, default ``categories`` showed on the
    page); ``categories`` of both are merged as Jekyll merges them, the
    defaults' first.
    """
    merged = dict(data)
    for key, value in defaults.items():
        own = data.get("categories")
        if key == "categories" and own is not None and value is not None:
            # merge_categories!: a text is split on spaces, then the lists are joined.
            listed = value.split() if isinstance(value, str) else value
            own_list = own.split() if isinstance(own, str) else own
            if isinstance(listed, list) and isinstance(own_list, list):
                unique = list(dict.fromkeys(str(name) for name in [*listed, *own_list]))
                merged["categories"] = unique
                yaml_text = set_key(
                    yaml_text,
                    "categories",
                    flow_list(unique),
                    "with _config.yml defaults first, as Jekyll merged them",
                )
            continue
        if key in data:
            continue
        merged[key] = value
        yaml_text = set_key(
            yaml_text,
            key,
            json.dumps(value, ensure_ascii=False, default=str),
            "from _config.yml defaults, as Jekyll applied it",
        )
    return yaml_text, merged


def titleized_slug(file_name: str) -> str:
    """Jekyll's title for a post without ``title:``: ``titleize_slug`` of the file name's slug."""
    slug = split_post_name(file_name).slug
    return " ".join(word[:1].upper() + word[1:].lower() for word in slug.split("-"))


def _date_is_quoted(yaml_text: str) -> bool:
    block = key_block(yaml_text, "date")
    if block is None:
        return False
    line = yaml_text.splitlines()[block[0]]
    return line.split(":", 1)[1].lstrip().startswith(("'", '"'))


def _written(moment: dt.datetime) -> str:
    """A date as kb writes it: ``2013-11-22 05:00:00 +0900``."""
    return moment.strftime("%Y-%m-%d %H:%M:%S %z")


@dataclass
class FrontMatterEdit:
    """The post's front matter as read, its text, and what importing changed in it."""

    yaml_text: str
    #: The values the post's front matter had (with the site's defaults).
    data: dict[str, object]
    #: The line of each key in the post.
    lines: dict[str, int]
    source: Path
    diagnostics: list[Diagnostic]

    def note(self, line: int | None, message: str) -> None:
        self.diagnostics.append(Diagnostic(self.source, line, message))


def _jekyll_date(front: FrontMatterEdit, zone: dt.tzinfo) -> dt.datetime | None:
    """The post's date as Jekyll showed it (in the site's ``zone``), with a warning when guessed."""
    raw_data = front.data
    name = split_post_name(front.source.name)
    from_name: dt.datetime | None = None
    if name.date is not None:
        try:
            from_name = file_name_date(name.date, zone)
        except ValueError:
            from_name = None
    if raw_data.get("date") is not None:
        try:
            return jekyll_date(raw_data["date"], zone, quoted=_date_is_quoted(front.yaml_text))
        except ValueError as error:
            if from_name is None:
                return None
            front.note(
                front.lines.get("date"),
                f"date: {error}; Jekyll refuses it, the file name's date "
                f"{from_name.date().isoformat()} is used",
            )
    return from_name


def fix_front_matter(
    front: FrontMatterEdit, zone: dt.tzinfo, context: PostContext
) -> dt.datetime | None:
    """Make the front matter say what Jekyll showed; the post's date as Jekyll had it.

    Only keys that need it change: a date kb would read as another moment
    (naive, or in a form only Ruby reads) is written with its offset; a
    missing title becomes Jekyll's title from the file name; the folders above
    ``_posts`` join the categories; head-markup keys are commented out.
    """
    raw_data = front.data
    _set_aside_head_keys(front)
    jekyll = is_jekyll_post_name(front.source.name)
    if "title" not in raw_data and jekyll:
        title = titleized_slug(front.source.name)
        front.yaml_text = set_key(
            front.yaml_text, "title", quoted(title), "from the file name, as Jekyll did"
        )
        front.note(None, f"no title: Jekyll's title from the file name is used ({title!r})")
    date: dt.datetime | None = None
    if context.from_site or ("date" not in raw_data and jekyll):
        date = _fix_date(front, zone, context)
    if context.rule is not None and context.rule.path_categories:
        _merge_path_categories(front, context.rule.path_categories)
    return date


def _set_aside_head_keys(front: FrontMatterEdit) -> None:
    """:data:`HEAD_KEYS` commented out, each with a warning."""
    for key in HEAD_KEYS:
        if key in front.data or key_block(front.yaml_text, key) is not None:
            front.yaml_text = comment_out(
                front.yaml_text, key, f"{key} set aside by kb import (it would write the page head)"
            )
            front.note(
                front.lines.get(key),
                f"front matter key {key!r} is not copied: it would change the page's head "
                "or settings; kept as a comment",
            )


def _fix_date(front: FrontMatterEdit, zone: dt.tzinfo, context: PostContext) -> dt.datetime | None:
    """The date Jekyll showed, written into the front matter when kb would read another."""
    raw_data = front.data
    site_zone = context.rule.zone if context.rule is not None else dt.timezone.utc
    date = _jekyll_date(front, site_zone)
    if date is not None:
        try:
            # What the build will read: naive dates in kb_timezone (``zone``).
            written = (
                parse_date(raw_data["date"], zone) if raw_data.get("date") is not None else None
            )
        except ValueError:
            written = None
        if written != date:
            was = " ".join((scalar_text(raw_data.get("date")) or "").split())[:60]
            why = f"Jekyll read {was!r} as this" if was else "from the file name, as Jekyll did"
            front.yaml_text = set_key(front.yaml_text, "date", _written(date), why)
    return date


def _merge_path_categories(front: FrontMatterEdit, folders: tuple[str, ...]) -> None:
    """The folders above ``_posts`` put first in the categories, as Jekyll did."""
    raw_data = front.data
    merged = post_categories(raw_data, folders)
    existing = post_categories(raw_data)
    if merged != existing:
        front.yaml_text = set_key(
            front.yaml_text,
            "categories",
            flow_list(merged),
            "folders above _posts first, as in Jekyll",
        )
        if "category" in raw_data:
            front.yaml_text = comment_out(front.yaml_text, "category", "merged into categories")
