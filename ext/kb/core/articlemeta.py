"""An article's front matter as typed, validated metadata (no Sphinx here).

Every key kb reads is checked here; a problem names its key's line, and the
rest of the article is still read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kb.core.dates import parse_date
from kb.core.frontmatter import Problem, RawFrontMatter, name_list
from kb.core.names import name_key
from kb.core.records import Article
from kb.core.values import name_text, scalar_text, shown

KNOWN_KEYS = frozenset(
    {
        "layout",
        "title",
        "date",
        "categories",
        "category",
        "tags",
        "tag",
        "author",
        "authors",
        "excerpt",
        "reading_time",
        "slug",
        "updated",
        "last_modified_at",
        "draft",
        "published",
        "kb_autolink",
        "autolink",
        "kb_extra_keys",
        "series",
        "series_order",
    }
)


#: The keys whose values kb reads (the table in reference/writing.md).
READ_KEYS = KNOWN_KEYS - {"layout", "last_modified_at", "autolink", "tag", "authors", "published"}
#: Keys Sphinx, MyST or Jekyll read themselves: kept without a warning.
QUIET_KEYS = frozenset(
    {
        "orphan",
        "nocomments",
        "nosearch",
        "tocdepth",
        "html_meta",
        "myst",
        "substitutions",
        "permalink",
        "redirect_from",
        "image",
        "description",
        "comments",
        "sitemap",
    }
)


@dataclass
class ArticleMeta:
    """An article's front matter as typed values; problems collected on the way."""

    title: str = ""
    date: dt.datetime | None = None
    updated: dt.datetime | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    excerpt: str = ""
    reading_time: int | None = None
    slug: str = ""
    draft: bool = False
    autolink: bool = True
    #: The series this article is a part of ("" when none), and its place in it
    #: (``None``: placed by its date).
    series: str = ""
    series_order: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def record(
        self, docname: str, title: str, reading_time: int, tags: Sequence[str] = ()
    ) -> Article:
        """The article's record: ``title`` and ``reading_time`` as the page gives them
        when the front matter does not, ``tags`` with those given elsewhere."""
        return Article(
            docname=docname,
            title=self.title or title,
            date=self.date,
            updated=self.updated,
            authors=tuple(self.authors),
            categories=tuple(self.categories),
            tags=(*self.tags, *(tag for tag in tags if tag not in self.tags)),
            excerpt=self.excerpt,
            reading_time=self.reading_time or reading_time,
            draft=self.draft,
            extra=tuple((key, scalar_text(value) or "") for key, value in self.extra.items()),
            series=self.series,
            series_order=self.series_order,
        )


#: Most tags, categories or authors one article may name. Each name is a page
#: and a feed that lists the article, so one article with 10,000 tags meant
#: 10,000 pages (minutes of build) for a list no reader can use.
MAX_NAMES = 100


def _capped(names: list[str], key: str, line: int | None, problems: list[Problem]) -> list[str]:
    if len(names) <= MAX_NAMES:
        return names
    problems.append(
        Problem(
            f"{key}: {len(names)} names, more than the {MAX_NAMES} an article may have; "
            f"only the first {MAX_NAMES} are used",
            line,
            key,
        )
    )
    return names[:MAX_NAMES]


def _boolean(
    value: Any, key: str, line: int | None, problems: list[Problem], default: bool
) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on", "1"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "no", "off", "0"):
        return False
    problems.append(Problem(f"{key}: expected true or false, got {shown(value)}", line, key))
    return default


_MINUTES = re.compile(r"^\s*(\d+)\s*(?:分|min|mins|minutes?)?\s*$", re.IGNORECASE)


def article_meta(raw: RawFrontMatter, zone: dt.tzinfo) -> ArticleMeta:
    """Validate ``raw`` as an article's front matter."""
    meta = ArticleMeta(lines=dict(raw.lines), problems=list(raw.problems))
    data, lines = raw.data, raw.lines
    _read_title(data, lines, meta, raw.start_line)
    _read_dates(data, lines, meta, raw.start_line, zone)
    _read_names(data, lines, meta)
    _read_texts(data, lines, meta)
    _read_switches(data, lines, meta)
    _read_series(data, lines, meta)
    _read_extra(data, lines, meta)
    meta.categories = unique_by_fold(meta.categories)
    meta.tags = unique_by_fold(meta.tags)
    meta.authors = unique_by_fold(meta.authors)
    return meta


def _read_title(
    data: dict[str, Any], lines: dict[str, int], meta: ArticleMeta, start_line: int | None
) -> None:
    """``title``, required: non-empty text."""
    problems = meta.problems
    title = scalar_text(data.get("title"))
    if "title" not in data:
        problems.append(Problem("title is required", start_line, "title"))
    elif isinstance(data["title"], (list, dict)):
        kind = "a list" if isinstance(data["title"], list) else "a mapping"
        problems.append(Problem(f"title: expected text, got {kind}", lines.get("title"), "title"))
    elif not title:
        problems.append(Problem("title must be non-empty text", lines.get("title"), "title"))
    meta.title = title or ""


def _read_dates(
    data: dict[str, Any], lines: dict[str, int], meta: ArticleMeta, start_line: int | None, zone: dt.tzinfo
) -> None:
    """``date``, required, and ``updated`` (or Jekyll's ``last_modified_at``)."""
    problems = meta.problems
    if "date" not in data:
        problems.append(Problem("date is required (e.g. 2025-11-07)", start_line, "date"))
    else:
        try:
            meta.date = parse_date(data["date"], zone)
        except ValueError as error:
            problems.append(Problem(f"date: {error}", lines.get("date"), "date"))

    for key in ("updated", "last_modified_at"):
        if key in data and data[key] is not None:
            try:
                meta.updated = parse_date(data[key], zone)
            except ValueError as error:
                problems.append(Problem(f"{key}: {error}", lines.get(key), key))


def _read_names(data: dict[str, Any], lines: dict[str, int], meta: ArticleMeta) -> None:
    """Categories, tags and authors: lists or (Jekyll) space-separated words, capped."""
    problems = meta.problems
    categories = name_list(
        data.get("categories"), "categories", lines.get("categories"), problems, split=True
    )
    for name in name_list(
        data.get("category"), "category", lines.get("category"), problems, split=False
    ):
        if name not in categories:
            categories.append(name)
    meta.categories = _capped(
        categories, "categories", lines.get("categories") or lines.get("category"), problems
    )

    tags = name_list(data.get("tags"), "tags", lines.get("tags"), problems, split=True)
    for name in name_list(data.get("tag"), "tag", lines.get("tag"), problems, split=False):
        if name not in tags:
            tags.append(name)
    meta.tags = _capped(tags, "tags", lines.get("tags") or lines.get("tag"), problems)

    author_key = "author" if "author" in data else "authors"
    meta.authors = _capped(
        name_list(data.get(author_key), author_key, lines.get(author_key), problems, split=False),
        author_key,
        lines.get(author_key),
        problems,
    )


def _read_texts(data: dict[str, Any], lines: dict[str, int], meta: ArticleMeta) -> None:
    """``excerpt``, ``reading_time`` (whole minutes) and ``slug``."""
    problems = meta.problems
    if "excerpt" in data and data["excerpt"] is not None:
        excerpt = scalar_text(data["excerpt"])
        if excerpt is None:
            problems.append(Problem("excerpt: expected text", lines.get("excerpt"), "excerpt"))
        else:
            meta.excerpt = " ".join(excerpt.split())

    if "reading_time" in data and data["reading_time"] is not None:
        value = data["reading_time"]
        match = _MINUTES.match(str(value)) if not isinstance(value, (bool, list, dict)) else None
        if match and int(match.group(1)) > 0:
            meta.reading_time = int(match.group(1))
        else:
            problems.append(
                Problem(
                    f"reading_time: expected a whole number of minutes, got {shown(value)}; "
                    "computed from the text instead",
                    lines.get("reading_time"),
                    "reading_time",
                )
            )

    if "slug" in data and data["slug"] is not None:
        slug = scalar_text(data["slug"])
        if not slug:
            problems.append(Problem("slug: expected text", lines.get("slug"), "slug"))
        else:
            meta.slug = slug


def _read_switches(data: dict[str, Any], lines: dict[str, int], meta: ArticleMeta) -> None:
    """``draft`` and ``published``, and whether names link (``kb_autolink``)."""
    problems = meta.problems
    if "draft" in data:
        meta.draft = _boolean(data["draft"], "draft", lines.get("draft"), problems, False)
    if "published" in data:
        meta.draft = meta.draft or not _boolean(
            data["published"], "published", lines.get("published"), problems, True
        )
    for key in ("kb_autolink", "autolink"):
        if key in data:
            meta.autolink = _boolean(data[key], key, lines.get(key), problems, True)


def _read_extra(data: dict[str, Any], lines: dict[str, int], meta: ArticleMeta) -> None:
    """Keys kb does not read: kept, and reported unless the article declares them."""
    problems = meta.problems
    meta.extra = {key: value for key, value in data.items() if key not in KNOWN_KEYS}
    # Keys an article declares as its own (kb import lists a Jekyll site's
    # keys here) are kept without a warning at every build.
    declared = set(
        name_list(
            data.get("kb_extra_keys"),
            "kb_extra_keys",
            lines.get("kb_extra_keys"),
            problems,
            split=True,
        )
    )
    for key in meta.extra:
        if key not in QUIET_KEYS and key not in declared:
            problems.append(
                Problem(
                    f"unknown key {key!r} in an article's front matter (kb reads "
                    f"{', '.join(sorted(READ_KEYS))}); kept, not shown",
                    lines.get(key),
                    key,
                )
            )


def _read_series(data: dict[str, Any], lines: dict[str, int], meta: ArticleMeta) -> None:
    """``series`` (a name) and ``series_order`` (a whole number from 1)."""
    problems = meta.problems
    if data.get("series") is not None:
        value = data["series"]
        name = None if isinstance(value, bool) else name_text(value)
        if name:
            meta.series = name
        else:
            problems.append(
                Problem(
                    f"series: expected the name of the series, got {shown(value)}; ignored",
                    lines.get("series"),
                    "series",
                )
            )
    if data.get("series_order") is None:
        return
    value = data["series_order"]
    line = lines.get("series_order")
    text = str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    if not meta.series:
        problems.append(
            Problem("series_order: given without series; ignored", line, "series_order")
        )
    elif text.isascii() and text.isdigit() and int(text) >= 1:
        meta.series_order = int(text)
    else:
        problems.append(
            Problem(
                f"series_order: expected a whole number from 1, got {shown(value)}; "
                "the part is placed by its date",
                line,
                "series_order",
            )
        )


def unique_by_fold(names: list[str]) -> list[str]:
    """The first spelling of each name: ``AI``, ``ai`` and ``ＡＩ`` are one tag."""
    seen: set[str] = set()
    unique: list[str] = []
    for name in names:
        key = name_key(name)
        if key and key not in seen:
            seen.add(key)
            unique.append(name)
    return unique
