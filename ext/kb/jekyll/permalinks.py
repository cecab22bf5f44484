"""A Jekyll site's settings and the URL Jekyll gave each post (no Sphinx here).

``kb import`` records each post's old URL as ``redirect_from:`` so the build
can leave a redirect page where the Jekyll site had the post. The URL has to
be the one Jekyll really produced, so this module follows Jekyll 4's code
rather than its documentation where the two differ:

- the post's own ``permalink:`` wins, with its placeholders expanded;
- else ``collections.posts.permalink``, else the site's ``permalink:`` (a
  built-in style or a pattern), default ``date``;
- ``:title`` is the ``slug:`` of the front matter, else the file name without
  its date and extension, slugified in Jekyll's "pretty" mode keeping case;
  ``:slug`` the same in the default mode;
- ``:categories`` are the folders above ``_posts`` and the ``categories`` and
  ``category`` values, lower-cased, without repeats, joined with ``/``;
- dates are read in the site's ``timezone:`` (UTC when it has none, as
  GitHub Pages builds);
- the result is sanitised as Jekyll's ``URL#sanitize_url`` does; ``baseurl``
  is never part of it (it is where the site was mounted, not the post's path).

URLs are kept unescaped (``/2025/11/07/日本語.html``): that is the file name
Jekyll wrote (``URL.unescape_path``), so it is also where a redirect page goes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import yaml

from kb.core.dates import parse_date, zone_named
from kb.core.redirects import normalise_redirects
from kb.core.values import scalar_text

#: Jekyll's built-in permalink styles (``Utils#style_to_permalink``).
STYLES: dict[str, str] = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}

#: Jekyll's default ``permalink`` setting.
DEFAULT_STYLE = "date"

#: Jekyll's default ``markdown_ext``: these posts become ``.html``.
DEFAULT_MARKDOWN_EXT = ("markdown", "mkdown", "mkdn", "mkd", "md")

# Jekyll's DATE_FILENAME_MATCHER: a post's name is its date, a dash, its slug
# and an extension.
_DATE_FILE_NAME = re.compile(r"^(\d{2,4}-\d{1,2}-\d{1,2})-([^/]*)(\.[^./]+)$")
_DATELESS_FILE_NAME = re.compile(r"^([^/]*)(\.[^./]+)$")
_PLACEHOLDER = re.compile(r":([a-z_]+)")
_SAFE_AS_IS = re.compile(r"^[a-zA-Z0-9./-]+$")

# Jekyll formats months and weekdays with Ruby's strftime, always in English;
# Python's %b and %a follow the locale.
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# Characters Jekyll's "pretty" slug mode keeps besides letters, marks and digits.
_PRETTY_KEPT = frozenset("._~!$&'()+,;=@")


class PermalinkError(ValueError):
    """A pattern Jekyll itself would refuse (an unknown placeholder)."""


# --- slugs ------------------------------------------------------------------------


def _is_word(char: str) -> bool:
    # Ruby's \p{M}\p{L}\p{Nd}: marks, letters and decimal digits of any script.
    category = unicodedata.category(char)
    return category[0] in "LM" or category == "Nd"


def jekyll_slugify(text: str, *, pretty: bool = False, cased: bool = False) -> str:
    """``Utils.slugify(text, mode: "pretty" if pretty else "default", cased:)``."""
    out: list[str] = []
    in_run = False
    for char in text:
        if _is_word(char) or (pretty and char in _PRETTY_KEPT):
            out.append(char)
            in_run = False
        elif not in_run:
            out.append("-")
            in_run = True
    slug = "".join(out)
    # Ruby's gsub(/^-|-$/, "") takes one dash off each end; runs are one dash already.
    slug = slug.removeprefix("-").removesuffix("-")
    return slug if cased else slug.lower()


# --- the site -------------------------------------------------------------------


@dataclass
class JekyllSite:
    """What kb needs from a Jekyll ``_config.yml``."""

    #: The pattern for posts (a style already turned into its pattern).
    permalink: str = STYLES[DEFAULT_STYLE]
    #: IANA zone of ``timezone:``; ``None`` when the site names none.
    timezone: str | None = None
    baseurl: str = ""
    url: str = ""
    title: str = ""
    #: Where jekyll-feed wrote the site feed, relative to the site root.
    feed_path: str = "feed.xml"
    markdown_ext: tuple[str, ...] = DEFAULT_MARKDOWN_EXT
    #: Problems with the settings: (1-based line or None, message).
    problems: list[tuple[int | None, str]] = field(default_factory=list)
    #: Every setting as read, for ``{{ site.* }}`` and the site's layout.
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def zone(self) -> dt.tzinfo:
        return zone_named(self.timezone) if self.timezone else dt.timezone.utc


def collection_pattern(site_pattern: str) -> str:
    """A collection's default pattern under the site's style (``Utils.add_permalink_suffix``)."""
    base = "/:collection/:path"
    if site_pattern.endswith(":output_ext"):
        return base + ":output_ext"
    if site_pattern.endswith("/"):
        return base + "/"
    return base


def pattern_for(style: str) -> str:
    """The pattern of a built-in style name, or ``style`` itself when it is a pattern."""
    return STYLES.get(style.strip().lstrip(":"), style)


def read_site_config(text: str) -> JekyllSite:
    """The settings kb uses from the text of a ``_config.yml``; problems are collected."""
    site = JekyllSite()
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        site.problems.append((line, f"not valid YAML: {getattr(error, 'problem', error)}"))
        return site
    if data is None:
        return site
    if not isinstance(data, Mapping):
        site.problems.append((1, "_config.yml must be a mapping of settings"))
        return site

    site.data = dict(data)

    def text_of(key: str) -> str:
        value = scalar_text(data.get(key))
        return value.strip() if value else ""

    style = text_of("permalink") or DEFAULT_STYLE
    site.permalink = pattern_for(style)
    collections = data.get("collections")
    posts = collections.get("posts") if isinstance(collections, Mapping) else None
    if isinstance(posts, Mapping) and scalar_text(posts.get("permalink")):
        site.permalink = pattern_for(str(posts["permalink"]))
    zone = text_of("timezone")
    if zone:
        try:
            zone_named(zone)
            site.timezone = zone
        except (ValueError, LookupError, OSError):
            site.problems.append((None, f"timezone: {zone!r} is not a known zone; using UTC"))
    site.baseurl = text_of("baseurl").rstrip("/")
    site.url = text_of("url").rstrip("/")
    site.title = text_of("title")
    feed = data.get("feed")
    if isinstance(feed, Mapping) and scalar_text(feed.get("path")):
        site.feed_path = str(feed["path"]).strip().lstrip("/")
    markdown_ext = text_of("markdown_ext")
    if markdown_ext:
        site.markdown_ext = tuple(
            part.strip().lower().lstrip(".") for part in markdown_ext.split(",") if part.strip()
        )
    return site


# --- one post ---------------------------------------------------------------------


@dataclass(frozen=True)
class PostName:
    """A post's file name split the way Jekyll's ``populate_title`` does."""

    #: ``YYYY-MM-DD`` from the name, or ``None`` for a dateless name.
    date: str | None
    slug: str
    ext: str


def split_post_name(file_name: str) -> PostName:
    """The date, slug and extension Jekyll reads from a post's file name."""
    name = PurePosixPath(file_name).name
    match = _DATE_FILE_NAME.match(name)
    if match:
        date, slug, ext = match.groups()
    else:
        dateless = _DATELESS_FILE_NAME.match(name)
        date = None
        slug, ext = dateless.groups() if dateless else (name, "")
    # "slugs shouldn't end with a period"
    return PostName(date, slug.rstrip("."), ext)


def is_jekyll_post_name(file_name: str) -> bool:
    """True for ``YYYY-MM-DD-title.ext``, the only names Jekyll publishes from ``_posts``."""
    return split_post_name(file_name).date is not None


def output_ext(ext: str, markdown_ext: Sequence[str] = DEFAULT_MARKDOWN_EXT) -> str:
    """The extension Jekyll gives the output of a file with extension ``ext``."""
    bare = ext.lower().lstrip(".")
    if bare in markdown_ext:
        return ".html"
    # Jekyll's Identity converter keeps the extension (.html stays .html).
    return ext


def _listed(value: Any, *, split: bool) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split() if split else [value]
    if isinstance(value, (list, tuple)):
        # Only scalars: str() of a nested list built from YAML aliases grows
        # exponentially with the nesting, and no category is a list.
        return [text for text in map(scalar_text, value) if text]
    text = scalar_text(value)
    return [text] if text else []


def post_categories(data: Mapping[str, Any], path_categories: Sequence[str] = ()) -> list[str]:
    """Categories as Jekyll merges them: folders, then ``categories``, then ``category``."""
    merged: list[str] = []
    for name in (
        *path_categories,
        *_listed(data.get("categories"), split=True),
        # pluralized_array_from_hash: a singular `category` is taken whole.
        *(
            _listed(data.get("category"), split=False)
            if data.get("category") is not None
            else _listed(data.get("categories"), split=True)
        ),
    ):
        if name not in merged:
            merged.append(name)
    return merged


def post_date(
    data: Mapping[str, Any], file_name: str, zone: dt.tzinfo, date: dt.datetime | None = None
) -> dt.datetime | None:
    """The post's date in the site's zone: ``date`` when given, else ``date:``, else the file name's."""
    if date is not None:
        return date.astimezone(zone)
    value = data.get("date")
    if value is not None:
        try:
            return parse_date(value, zone).astimezone(zone)
        except ValueError:
            pass
    name = split_post_name(file_name)
    if name.date is None:
        return None
    year, month, day = (int(part) for part in name.date.split("-"))
    try:
        return dt.datetime(year, month, day, tzinfo=zone)
    except ValueError:
        return None


def placeholders(
    data: Mapping[str, Any],
    file_name: str,
    date: dt.datetime,
    *,
    path_categories: Sequence[str] = (),
    markdown_ext: Sequence[str] = DEFAULT_MARKDOWN_EXT,
    collection: str = "posts",
    document_path: str | None = None,
) -> dict[str, str]:
    """Every value Jekyll's ``UrlDrop`` offers a post's (or a collection document's) pattern.

    ``document_path`` is a collection document's path in its collection
    folder without the extension (``/tools/checklist``).
    """
    name = split_post_name(file_name)
    front_slug = scalar_text(data.get("slug"))
    slug_source = front_slug if front_slug else name.slug
    stem = PurePosixPath(file_name).name
    stem = stem[: len(stem) - len(name.ext)] if name.ext else stem
    categories: list[str] = []
    for category in post_categories(data, path_categories):
        lowered = category.lower()
        if lowered not in categories:
            categories.append(lowered)
    iso_year, iso_week, iso_day = date.isocalendar()
    return {
        "year": f"{date.year:04d}",
        "month": f"{date.month:02d}",
        "day": f"{date.day:02d}",
        "hour": f"{date.hour:02d}",
        "minute": f"{date.minute:02d}",
        "second": f"{date.second:02d}",
        "i_day": str(date.day),
        "i_month": str(date.month),
        "short_month": _MONTHS[date.month - 1][:3].upper(),
        "long_month": _MONTHS[date.month - 1],
        "short_year": f"{date.year % 100:02d}",
        "w_year": f"{iso_year:04d}",
        "week": f"{iso_week:02d}",
        "w_day": str(iso_day),
        "short_day": _WEEKDAYS[date.weekday()][:3].upper(),
        "long_day": _WEEKDAYS[date.weekday()],
        "y_day": f"{date.timetuple().tm_yday:03d}",
        "title": jekyll_slugify(slug_source, pretty=True, cased=True),
        "slug": jekyll_slugify(slug_source),
        "name": jekyll_slugify(stem),
        "categories": "/".join(categories),
        "slugified_categories": "/".join(jekyll_slugify(c) for c in categories),
        "collection": collection,
        "path": document_path if document_path is not None else "/" + stem,
        "output_ext": output_ext(name.ext, markdown_ext),
    }


def expand(pattern: str, values: Mapping[str, str]) -> str:
    """``pattern`` with its placeholders replaced and sanitised, as ``URL#to_s`` does."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        # ":month_:day" means :month then "_": Jekyll tries the name without a
        # trailing underscore too.
        pool = [name, name.rstrip("_")] if name.endswith("_") else [name]
        winner = next((key for key in pool if key in values), None)
        if winner is None:
            raise PermalinkError(
                f"the permalink pattern {pattern!r} has the unknown placeholder :{pool[-1]}"
            )
        return values[winner] + match.group(0)[1 + len(winner) :]

    return sanitize_url(_PLACEHOLDER.sub(replace, pattern))


def sanitize_url(url: str) -> str:
    """Jekyll's ``sanitize_url``: one leading slash, no ``..``, no ``./``, no ``//``."""
    result = f"/{url}".replace("..", "/").replace("./", "")
    return re.sub(r"/{2,}", "/", result)


def post_url(
    data: Mapping[str, Any],
    file_name: str,
    pattern: str,
    zone: dt.tzinfo,
    *,
    path_categories: Sequence[str] = (),
    markdown_ext: Sequence[str] = DEFAULT_MARKDOWN_EXT,
    date: dt.datetime | None = None,
    collection: str = "posts",
    document_path: str | None = None,
) -> str | None:
    """The URL (unescaped, from the site root) Jekyll gave this post; ``None`` without a date.

    ``data`` is the post's front matter, ``file_name`` its name (a path is
    fine; only the last part counts), ``pattern`` the site's pattern or style.
    Raises :class:`PermalinkError` for a pattern with an unknown placeholder.
    """
    date = post_date(data, file_name, zone, date)
    if date is None:
        return None
    values = placeholders(
        data,
        file_name,
        date,
        path_categories=path_categories,
        markdown_ext=markdown_ext,
        collection=collection,
        document_path=document_path,
    )
    own = scalar_text(data.get("permalink"))
    return expand(own.strip() if own and own.strip() else pattern_for(pattern), values)


# --- URLs and files ------------------------------------------------------------------


def escaped(url: str) -> str:
    """``url`` percent-encoded for an ``href`` (what Jekyll's ``escape_path`` yields)."""
    if not url or _SAFE_AS_IS.match(url):
        return url
    return quote(url, safe="/:@!$&'()*+,;=-._~")


# --- what kb import needs -------------------------------------------------------------


@dataclass(frozen=True)
class OldUrlRule:
    """How the Jekyll site a post comes from made its URL."""

    #: A style name or a pattern; the post's own ``permalink:`` still wins.
    pattern: str = DEFAULT_STYLE
    #: The site's ``timezone:``; UTC (as GitHub Pages builds) for loose files.
    zone: dt.tzinfo = dt.timezone.utc
    #: Folders between the site root and ``_posts``: Jekyll's path categories.
    path_categories: tuple[str, ...] = ()
    markdown_ext: tuple[str, ...] = DEFAULT_MARKDOWN_EXT
    #: ``posts``, or the collection a document of ``output: true`` belongs to.
    collection: str = "posts"
    #: A collection document's ``:path`` (``/tools/checklist``).
    document_path: str | None = None

    @classmethod
    def for_site(
        cls, site: JekyllSite, path_categories: Sequence[str] = (), pattern: str | None = None
    ) -> OldUrlRule:
        return cls(pattern or site.permalink, site.zone, tuple(path_categories), site.markdown_ext)


def old_url(
    data: Mapping[str, Any], file_name: str, rule: OldUrlRule, date: dt.datetime | None = None
) -> str | None:
    """The URL the post had, or ``None`` when Jekyll would not have published it.

    Jekyll only publishes ``YYYY-MM-DD-title.ext`` files from ``_posts``; any
    other name has a URL only through its own ``permalink:``, and a post with
    ``published: false`` has none. Raises
    :class:`PermalinkError` for a pattern Jekyll would refuse.
    """
    own = scalar_text(data.get("permalink"))
    if (
        rule.collection == "posts"
        and not is_jekyll_post_name(file_name)
        and not (own and own.strip())
    ):
        return None
    if str(data.get("published", True)).strip().lower() == "false":
        return None
    return post_url(
        data,
        file_name,
        rule.pattern,
        rule.zone,
        path_categories=rule.path_categories,
        markdown_ext=rule.markdown_ext,
        date=date,
        collection=rule.collection,
        document_path=rule.document_path,
    )


def _yaml_string(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar, escapes included.
    return json.dumps(text, ensure_ascii=False)


def add_redirect(
    yaml_text: str, data: Mapping[str, Any], lines: Mapping[str, int], url: str
) -> str:
    """``yaml_text`` (a front matter block) with ``url`` listed under ``redirect_from``.

    The rest of the text is kept byte for byte, comments and quoting included.
    When the key exists and already lists ``url`` (as ``/x`` or ``x``), nothing
    changes, so importing twice gives the same article; when it lists other
    paths, its block is rewritten as one list holding them and ``url``.
    ``lines`` are the file lines of the keys; the block starts on file line 2.
    """
    if "redirect_from" not in data:
        block = yaml_text if not yaml_text or yaml_text.endswith("\n") else yaml_text + "\n"
        return f"{block}redirect_from:\n  - {_yaml_string(url)}\n"
    existing = data.get("redirect_from")
    values = existing if isinstance(existing, list) else [existing]
    urls = normalise_redirects(values)
    if url in urls:
        return yaml_text
    urls.append(url)
    text_lines = yaml_text.splitlines(keepends=True)
    start = lines["redirect_from"] - 2
    later = sorted(line - 2 for line in lines.values() if line - 2 > start)
    end = later[0] if later else len(text_lines)
    block = "redirect_from:\n" + "".join(f"  - {_yaml_string(item)}\n" for item in urls)
    return "".join(text_lines[:start]) + block + "".join(text_lines[end:])


def read_site(root: Path) -> JekyllSite:
    """The settings of the Jekyll site at ``root`` (problems collected, never raised)."""
    try:
        text = (root / "_config.yml").read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        site = JekyllSite()
        site.problems.append((None, f"cannot read _config.yml: {error}"))
        return site
    return read_site_config(text)
