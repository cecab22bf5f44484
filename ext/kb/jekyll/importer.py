"""Turning Jekyll posts into MyST articles under ``<into>/YYYY/MM/<slug>.md``.

Pure Python on purpose: the ``kb import`` command must start fast, so nothing
here (or in what it imports) may pull in Sphinx.

The work is split in two layers. :func:`convert_post` is pure: post text in,
article text, relative path and diagnostics out. :func:`import_posts` does the
file system work around it: finding posts, choosing a free path, and writing
atomically without ever touching a source file or clobbering an article.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hashlib
import itertools
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar
from urllib.parse import unquote, urljoin, urlsplit

from kb.core import atomicfile
from kb.core.articlemeta import KNOWN_KEYS, QUIET_KEYS, ArticleMeta, article_meta
from kb.core.dates import file_name_date, jekyll_date, parse_date
from kb.core.frontmatter import Problem, read_front_matter, split_front_matter
from kb.core.names import slugify
from kb.core.redirects import normalise_redirects
from kb.core.values import scalar_text
from kb.core.yamltext import comment_out, flow_list, key_block, quoted, set_key
from kb.jekyll.jekyllsite import (
    Refused,
    SiteFiles,
    check_file,
    data_file,
    default_sets,
    front_matter_defaults,
    include_file,
    is_site_root,
    page_url,
    read_bounded,
    site_documents,
    site_file,
    site_urls,
    within,
)
from kb.jekyll.kramdown import (
    Note,
    add_targets,
    convert_kramdown,
    demote_headings,
    explicit_ids,
    heading_ids,
)
from kb.jekyll.liquid import LiquidContext, LiquidNote, convert_liquid
from kb.jekyll.permalinks import (
    JekyllSite,
    OldUrlRule,
    PermalinkError,
    add_redirect,
    collection_pattern,
    is_jekyll_post_name,
    old_url,
    post_categories,
    read_site,
    split_post_name,
)
from kb.jekyll.sitelinks import Resolved, Resolver, rewrite_links

#: File name endings searched for when a folder is given.
POST_SUFFIXES = (".md", ".markdown", ".txt", ".html")

#: Longest slug made from a title; long Japanese titles make unwieldy URLs.
TITLE_SLUG_LENGTH = 60

#: Seams (and Liquid tags) reported one by one per post; a post cut into
#: thousands of parts would otherwise bury every other message.
MAX_SEAM_WARNINGS = 20

_PART_MARKER = re.compile(r"^[ \t]*---END---[ \t]*$")
_JEKYLL_FILE_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$")
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t\u3000]*\n)+")

# Characters that end a sentence. The ASCII full stop is special-cased below
# because "3.14" and "example.com" hold one without ending anything.
_SENTENCE_ENDS = frozenset("。．｡！？!?")
# Closing brackets and quotes that belong to the sentence end before them,
# as in 「そうだ。」.
_CLOSERS = frozenset("」』）)】〕〉》］]｝}\"'”’")
# What a finished article may end with: a sentence end, a closer, an ellipsis
# or a wave dash. Symbols and emoji (category S*) are accepted separately.
_FINAL_CHARACTERS = _SENTENCE_ENDS | _CLOSERS | frozenset(".…‥〜～")
# Trailing inline markup that hides the real last character: **重要です。**
_TRAILING_MARKUP = "*_~"
# Lines that end a block which legitimately has no sentence punctuation.
# (Tables and HTML may also end a line with | or >.)
_BLOCK_START = re.compile(r"#{1,6}\s|```|~~~|:::|\||<|\[[^\]]+\]:\s")
_THEMATIC_BREAK = re.compile(r"(?:[-*_]\s*){3,}")


# --- joining parts -----------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One stretch of a post body between ``---END---`` markers."""

    text: str
    #: 1-based line of the body on which this part starts.
    line: int


def split_parts(body: str) -> list[Part]:
    """The parts of ``body`` between lines that are exactly ``---END---``.

    Parts holding nothing but whitespace (a trailing marker, two markers in a
    row) are left out, so a marker at the very end simply disappears.
    """
    parts: list[Part] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(body.split("\n"), start=1):
        if _PART_MARKER.match(line):
            parts.append(Part("\n".join(current), start))
            current, start = [], number + 1
        else:
            current.append(line)
    parts.append(Part("\n".join(current), start))
    return [part for part in parts if part.text.strip()]


def _is_sentence_end(text: str, index: int) -> bool:
    char = text[index]
    if char in _SENTENCE_ENDS:
        return True
    return char == "." and (index + 1 == len(text) or text[index + 1].isspace())


def _fragment_start(text: str, end: int) -> int | None:
    """Where the unfinished sentence ending at ``end`` starts in ``text``.

    Scans backwards, so the cost is the length of the fragment, not of the
    text: joining 8,000 parts must not rescan the whole post at each seam.
    ``None`` when ``text`` holds neither a sentence end nor a line break
    before ``end``: the fragment may go on in text before this one.
    """
    index = end - 1
    while index >= 0:
        if text[index] == "\n":
            return index + 1
        if _is_sentence_end(text, index):
            # Closing quotes after the sentence end belong to the sentence: 「そうだ。」
            index += 1
            while index < end and text[index] in _CLOSERS:
                index += 1
            return index
        index -= 1
    return None


def _content_end(text: str) -> int:
    """``len(text.rstrip())`` without copying ``text``."""
    end = len(text)
    while end and text[end - 1].isspace():
        end -= 1
    return end


def trailing_fragment(text: str) -> str:
    """The unfinished sentence ``text`` ends with; ``""`` when it ends a sentence.

    That is the text after the last sentence end (。！？!? or a full stop
    before a space) or line break, without surrounding whitespace.
    """
    end = _content_end(text)
    start = _fragment_start(text, end)
    return text[start or 0 : end].strip()


#: How far back a line's start is looked for. Headings, fences, tables and
#: link definitions announce themselves in their first characters; a line
#: longer than this is prose whatever it starts with.
_LINE_LOOKBACK = 4096


class _Joined:
    """The text joined so far, as pieces: each seam costs the size of its part.

    Concatenating a growing string at every seam, and rescanning it for the
    last sentence, made 1,000 parts take over a minute.
    """

    def __init__(self) -> None:
        self.pieces: list[str] = []

    def rstrip(self) -> None:
        while self.pieces:
            last = self.pieces[-1]
            end = _content_end(last)
            if end:
                if end < len(last):
                    self.pieces[-1] = last[:end]
                return
            self.pieces.pop()

    def drop_end(self, count: int) -> None:
        while count and self.pieces:
            last = self.pieces.pop()
            if len(last) > count:
                self.pieces.append(last[: len(last) - count])
                return
            count -= len(last)

    def fragment(self) -> str:
        """:func:`trailing_fragment` of the text, which :meth:`rstrip` has ended."""
        taken: list[str] = []
        for piece in reversed(self.pieces):
            start = _fragment_start(piece, len(piece))
            if start is not None:
                taken.append(piece[start:])
                break
            taken.append(piece)
        return "".join(reversed(taken)).strip()

    def last_line(self) -> tuple[str, bool]:
        """The last line (at most its last ``_LINE_LOOKBACK`` characters); True when whole."""
        taken: list[str] = []
        size = 0
        for piece in reversed(self.pieces):
            newline = piece.rfind("\n", max(0, len(piece) - (_LINE_LOOKBACK - size)))
            if newline >= 0:
                taken.append(piece[newline + 1 :])
                return "".join(reversed(taken)), True
            taken.append(piece[-(_LINE_LOOKBACK - size) :])
            size += len(taken[-1])
            if size >= _LINE_LOOKBACK:
                return "".join(reversed(taken)), False
        return "".join(reversed(taken)), True

    def ends_mid_sentence(self) -> bool:
        """:func:`ends_mid_sentence` of the text, which :meth:`rstrip` has ended."""
        line, whole = self.last_line()
        return _line_ends_mid_sentence(line.strip(), whole)

    def text(self) -> str:
        return "".join(self.pieces)


def join_parts(parts: Sequence[str]) -> str:
    """The parts as one text, each repeated sentence fragment kept once.

    A generator that stops mid-sentence starts its next part by repeating the
    unfinished fragment: ``…浸透していきます。パーソナライズされた医療`` followed
    by ``パーソナライズされた医療は、…`` becomes one sentence in one paragraph.
    """
    return join_parts_noting_seams(parts)[0]


@dataclass(frozen=True)
class Seam:
    """A part that starts uncleanly: the one before stops mid-sentence and is not repeated."""

    #: Index of the part after the seam.
    index: int
    #: The end of the text before the seam, for a message (see :func:`quote_ending`).
    ending: str


def join_parts_noting_seams(parts: Sequence[str]) -> tuple[str, list[Seam]]:
    """Like :func:`join_parts`, plus the seams where text was probably lost.

    A seam is listed when part ``i - 1`` stops mid-sentence and part ``i``
    does not repeat the fragment; the parts are then kept whole and joined
    with a paragraph break, so nothing is dropped on a guess. Linear in the
    size of the parts.
    """
    joined = _Joined()
    broken: list[Seam] = []
    for index, part in enumerate(parts):
        if index == 0:
            joined.pieces.append(part)
            continue
        joined.rstrip()
        tail = _LEADING_BLANK_LINES.sub("", part)
        fragment = joined.fragment() if joined.pieces else ""
        if fragment:
            tail_text = tail.lstrip()
            if tail_text.startswith(fragment):
                joined.drop_end(len(fragment))
                joined.pieces.append(tail_text)
                continue
        if not joined.pieces:
            joined.pieces.append(tail)
            continue
        if joined.ends_mid_sentence():
            line, _ = joined.last_line()
            broken.append(Seam(index, quote_ending(line)))
        joined.pieces.append("\n\n")
        joined.pieces.append(tail)
    return joined.text(), broken


def join_body(body: str) -> str:
    """``body`` with its ``---END---`` markers removed and its parts joined."""
    return join_parts([part.text for part in split_parts(body)])


def _last_prose_line(text: str) -> str | None:
    end = _content_end(text)
    if not end:
        return None
    return text[text.rfind("\n", 0, end) + 1 : end].strip()


def _line_ends_mid_sentence(line: str, whole: bool) -> bool:
    """Whether the stripped last ``line`` of a text stops mid-sentence.

    ``whole`` is False when only the end of a very long line is given: its
    start is then prose, not a heading or a fence.
    """
    if not line:
        return False
    if line.endswith(("|", ">")):
        return False
    if whole and (_BLOCK_START.match(line) or _THEMATIC_BREAK.fullmatch(line)):
        return False
    visible = line.rstrip(_TRAILING_MARKUP).rstrip() or line
    last_char = visible[-1]
    if last_char in _FINAL_CHARACTERS:
        return False
    return not unicodedata.category(last_char).startswith("S")


def ends_mid_sentence(text: str) -> bool:
    """True when ``text`` stops in the middle of a sentence, as a cut-off article does.

    Headings, code fences, tables and HTML end without punctuation by nature
    and are not counted as cut off.
    """
    last_line = _last_prose_line(text)
    return last_line is not None and _line_ends_mid_sentence(last_line, True)


_LIST_ITEM = re.compile(r"\s*(?:[-*+]|\d+[.)])\s")
_COMMAS = tuple("、，,")


def article_ends_mid_sentence(text: str) -> bool:
    """True when ``text`` ends where a sentence really breaks off, as a cut-off article does.

    Stricter than :func:`ends_mid_sentence`: Japanese prose often ends a
    line without 。 (「以上です」, a closing greeting, a list item, a link), so
    the last line only counts as cut off when it ends on a comma, or when a
    sentence ended earlier on the same line and the fragment after it was not
    finished (``…必要があります。OpenAIも、そのリスクを認識しているから``).
    """
    line = _last_prose_line(text)
    if line is None or not _line_ends_mid_sentence(line, True) or _LIST_ITEM.match(line):
        return False
    visible = line.rstrip(_TRAILING_MARKUP).rstrip()
    if visible.endswith(_COMMAS):
        return True
    return _fragment_start(visible, len(visible)) not in (None, 0)


def quote_ending(text: str, length: int = 20) -> str:
    """The last ``length`` characters of ``text`` for a message, marked when cut."""
    last_line = _last_prose_line(text) or ""
    return last_line if len(last_line) <= length else "…" + last_line[-length:]


# --- converting one post -------------------------------------------------------


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One thing to tell the user about a post, printed GCC-style."""

    path: Path
    line: int | None
    message: str
    severity: Severity = Severity.WARNING

    def __str__(self) -> str:
        location = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        return f"{location}: {self.severity.value}: {self.message}"


@dataclass
class Conversion:
    """A post turned into an article, or the reasons it could not be."""

    #: The article text; ``None`` when the post failed.
    article: str | None
    #: ``YYYY/MM/<slug>.md`` (POSIX), ``None`` when the post failed.
    relative_path: str | None
    meta: ArticleMeta | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: The URL the post had on its Jekyll site (recorded as ``redirect_from``).
    old_url: str | None = None

    @property
    def failed(self) -> bool:
        return self.article is None


def normalise_text(text: str) -> str:
    """``text`` without a byte order mark and with LF line ends only."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def title_slug(title: str, limit: int = TITLE_SLUG_LENGTH) -> str:
    """``slugify(title)`` cut to at most ``limit`` characters, at a ``-`` if one is near."""
    slug = slugify(title)
    if len(slug) <= limit:
        return slug
    if slug[limit] in "-_":
        return slug[:limit].rstrip("-_")
    separator = max(slug.rfind("-", 0, limit), slug.rfind("_", 0, limit))
    # Cutting at a separator far back would throw away most of the title.
    cut = separator if separator >= limit // 2 else limit
    return slug[:cut].rstrip("-_") or slug[:limit]


def post_slug(meta: ArticleMeta, file_name: str) -> str:
    """The slug of a post: its ``slug:``, else its Jekyll file name, else its title."""
    if meta.slug:
        return slugify(meta.slug)
    jekyll = _JEKYLL_FILE_NAME.match(Path(file_name).stem)
    if jekyll:
        return slugify(jekyll.group(4))
    return title_slug(meta.title)


def _is_fatal(problem: Problem, meta: ArticleMeta) -> bool:
    # Structural problems (broken YAML, no closing fence) carry no key; without
    # a title or a date the article could not be placed or listed.
    if problem.key is None:
        return True
    if problem.key == "title":
        return not meta.title
    if problem.key == "date":
        return meta.date is None
    return False


def _content_line_numbers(text: str) -> list[int]:
    """1-based lines of ``text`` that hold something other than blanks and markers."""
    return [
        number
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip() and not _PART_MARKER.match(line)
    ]


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


def _with_defaults(
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
class _FrontMatter:
    """The post's front matter text and what importing changed in it."""

    yaml_text: str
    source: Path
    diagnostics: list[Diagnostic]

    def note(self, line: int | None, message: str) -> None:
        self.diagnostics.append(Diagnostic(self.source, line, message))


def _jekyll_date(
    raw_data: dict[str, object], lines: dict[str, int], front: _FrontMatter, zone: dt.tzinfo
) -> dt.datetime | None:
    """The post's date as Jekyll showed it (in the site's ``zone``), with a warning when guessed."""
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
                lines.get("date"),
                f"date: {error}; Jekyll refuses it, the file name's date "
                f"{from_name.date().isoformat()} is used",
            )
    return from_name


def _fix_front_matter(
    raw_data: dict[str, object],
    lines: dict[str, int],
    front: _FrontMatter,
    zone: dt.tzinfo,
    context: PostContext,
) -> dt.datetime | None:
    """Make the front matter say what Jekyll showed; the post's date as Jekyll had it.

    Only keys that need it change: a date kb would read as another moment
    (naive, or in a form only Ruby reads) is written with its offset; a
    missing title becomes Jekyll's title from the file name; the folders above
    ``_posts`` join the categories; head-markup keys are commented out.
    """
    for key in HEAD_KEYS:
        if key in raw_data or key_block(front.yaml_text, key) is not None:
            front.yaml_text = comment_out(
                front.yaml_text, key, f"{key} set aside by kb import (it would write the page head)"
            )
            front.note(
                lines.get(key),
                f"front matter key {key!r} is not copied: it would change the page's head "
                "or settings; kept as a comment",
            )
    jekyll = is_jekyll_post_name(front.source.name)
    if "title" not in raw_data and jekyll:
        title = titleized_slug(front.source.name)
        front.yaml_text = set_key(
            front.yaml_text, "title", quoted(title), "from the file name, as Jekyll did"
        )
        front.note(None, f"no title: Jekyll's title from the file name is used ({title!r})")
    date: dt.datetime | None = None
    if context.from_site or ("date" not in raw_data and jekyll):
        site_zone = context.rule.zone if context.rule is not None else dt.timezone.utc
        date = _jekyll_date(raw_data, lines, front, site_zone)
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
    if context.rule is not None and context.rule.path_categories:
        merged = post_categories(raw_data, context.rule.path_categories)
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
    return date


@dataclass
class PreparedPost:
    """A post whose front matter, old URL and place are settled; the body is still as written."""

    source: Path
    #: The post's text (line ends normalised), for line numbers.
    text: str
    body: str
    #: File line on which the body starts.
    body_line: int
    #: The article's front matter text.
    yaml_text: str
    meta: ArticleMeta
    #: The article's front matter values (after the importer's changes).
    data: dict[str, object]
    relative_path: str
    old_url: str | None
    diagnostics: list[Diagnostic]
    #: Keys kb does not read, with their lines: reported once per key per import.
    unknown_keys: list[tuple[str, int | None]] = field(default_factory=list)
    #: (the day Jekyll showed, the day kb_timezone shows) when they differ.
    shifted: tuple[str, str] | None = None


def prepare_post(
    text: str, source: Path, zone: dt.tzinfo, context: PostContext
) -> PreparedPost | Conversion:
    """The post's article front matter, old URL and path; a failed :class:`Conversion` when none.

    The user's front matter is copied verbatim, never re-serialised, so
    comments, quoting and key order survive; only keys Jekyll read
    differently from kb are rewritten (see :func:`_fix_front_matter`). The URL
    the post had is added as ``redirect_from``.
    """
    text = normalise_text(text)
    diagnostics: list[Diagnostic] = []

    def fail(message: str, line: int | None) -> Conversion:
        diagnostics.append(Diagnostic(source, line, message, Severity.ERROR))
        return Conversion(None, None, None, diagnostics)

    raw = read_front_matter(text)
    yaml_text, body, _ = split_front_matter(text)
    if raw.start_line is None and not raw.problems and is_jekyll_post_name(source.name):
        # Jekyll publishes a dated file without front matter too, titled and
        # dated from its name.
        text = f"---\n---\n{text}"
        raw = read_front_matter(text)
        yaml_text, body, _ = split_front_matter(text)
        diagnostics.append(
            Diagnostic(
                source, 1, "no front matter: title and date taken from the file name, as Jekyll did"
            )
        )
    if raw.start_line is None and not raw.problems:
        return fail(
            "no front matter: a post must start with a '---' line, then 'title:' and "
            "'date:', then another '---' line",
            1,
        )
    structural = [problem for problem in raw.problems if problem.key is None]
    for problem in structural:
        diagnostics.append(Diagnostic(source, problem.line or 1, problem.message, Severity.ERROR))
    if yaml_text is None or structural:
        return Conversion(None, None, None, diagnostics)
    data = raw.data
    if context.defaults:
        yaml_text, data = _with_defaults(yaml_text, raw.data, context.defaults)
    front = _FrontMatter(yaml_text, source, diagnostics)
    jekyll_moment = _fix_front_matter(data, raw.lines, front, zone, context)
    yaml_text = front.yaml_text
    fixed = read_front_matter(f"---\n{yaml_text}---\n")
    meta = article_meta(fixed, zone)
    extra_keys = [key for key in fixed.data if key not in KNOWN_KEYS and key not in QUIET_KEYS]
    for problem in meta.problems:
        if problem.key is None or problem.key in extra_keys:
            continue  # unknown keys: one warning per key for the whole import
        fatal = _is_fatal(problem, meta)
        severity = Severity.ERROR if fatal else Severity.WARNING
        line = _original_line(problem, raw.lines)
        diagnostics.append(Diagnostic(source, line, problem.message, severity))
    if any(d.severity is Severity.ERROR for d in diagnostics):
        return Conversion(None, None, meta, diagnostics)
    assert meta.date is not None  # a missing date is fatal above
    url: str | None = None
    if context.rule is not None:
        yaml_text, url = _with_old_url(
            yaml_text, fixed.data, fixed.lines, source, context.rule, diagnostics, jekyll_moment
        )
    if extra_keys:
        # Kept, and declared, so that the build does not warn about them again.
        yaml_text = set_key(
            yaml_text,
            "kb_extra_keys",
            flow_list(extra_keys),
            "kept from Jekyll; kb does not read them",
        )
    shown_in = context.rule.zone if context.from_site and context.rule is not None else zone
    local = (jekyll_moment or meta.date).astimezone(shown_in)
    slug = post_slug(meta, source.name)
    relative_path = f"{local.year:04d}/{local.month:02d}/{slug}.md"
    unknown = [(key, raw.lines.get(key)) for key in extra_keys]
    shifted: tuple[str, str] | None = None
    if context.from_site and jekyll_moment is not None:
        shown_by_kb = meta.date.astimezone(zone).date().isoformat()
        if shown_by_kb != local.date().isoformat():
            shifted = (local.date().isoformat(), shown_by_kb)
    return PreparedPost(
        source,
        text,
        body,
        raw.body_line,
        yaml_text,
        meta,
        fixed.data,
        relative_path,
        url,
        diagnostics,
        unknown,
        shifted,
    )


def _noted(
    source: Path, notes: Sequence[LiquidNote | Note], what: str, diagnostics: list[Diagnostic]
) -> None:
    """The first notes one by one, the rest counted: thousands would bury every other message."""
    for note in notes[:MAX_SEAM_WARNINGS]:
        diagnostics.append(Diagnostic(source, note.line, note.message))
    if len(notes) > MAX_SEAM_WARNINGS:
        diagnostics.append(
            Diagnostic(
                source,
                notes[MAX_SEAM_WARNINGS].line,
                f"{len(notes) - MAX_SEAM_WARNINGS} more {what} from here on",
            )
        )


def finish_post(
    post: PreparedPost, liquid: LiquidContext | None = None, links: Resolver | None = None
) -> Conversion:
    """The article of ``post``: its body converted under its front matter.

    Liquid first (it makes URLs), then links and images (``links`` says what
    each URL now is), then kramdown, then the ``---END---`` parts joined.
    """
    source, diagnostics = post.source, post.diagnostics
    body, liquid_notes = convert_liquid(post.body, post.body_line, liquid)
    _noted(source, liquid_notes, "Liquid tags, kept as text,", diagnostics)
    if links is not None:
        body, link_notes = rewrite_links(body, links, post.body_line)
        _noted(source, link_notes, "notes on links", diagnostics)
    body, kramdown_notes = convert_kramdown(body, post.body_line)
    _noted(source, kramdown_notes, "kramdown notes", diagnostics)
    body = demote_headings(body)
    parts = split_parts(body)
    joined, broken_seams = join_parts_noting_seams([part.text for part in parts])
    joined = _LEADING_BLANK_LINES.sub("", joined).rstrip()
    for seam in broken_seams[:MAX_SEAM_WARNINGS]:
        marker_line = post.body_line + parts[seam.index].line - 2
        diagnostics.append(
            Diagnostic(
                source,
                marker_line,
                f'the part before this ---END--- stops mid-sentence ("{seam.ending}") '
                "and the next part does not repeat it; joined with a paragraph break, "
                "check for missing words",
            )
        )
    if len(broken_seams) > MAX_SEAM_WARNINGS:
        diagnostics.append(
            Diagnostic(
                source,
                post.body_line + parts[broken_seams[MAX_SEAM_WARNINGS].index].line - 2,
                f"{len(broken_seams) - MAX_SEAM_WARNINGS} more ---END--- lines from here on "
                "follow a part that stops mid-sentence; joined with paragraph breaks",
            )
        )
    if not joined:
        diagnostics.append(
            Diagnostic(source, post.body_line, "the post has no text after its front matter")
        )
    elif article_ends_mid_sentence(joined):
        content_lines = _content_line_numbers(post.text)
        diagnostics.append(
            Diagnostic(
                source,
                content_lines[-1] if content_lines else None,
                f'the article ends mid-sentence: "{quote_ending(joined)}"',
            )
        )
    yaml_text = post.yaml_text
    article = f"---\n{yaml_text}---\n\n{joined}\n" if joined else f"---\n{yaml_text}---\n"
    return Conversion(article, post.relative_path, post.meta, diagnostics, post.old_url)


def convert_post(
    text: str,
    source: Path,
    zone: dt.tzinfo,
    old_urls: OldUrlRule | None = LOOSE_FILES,
    context: PostContext | None = None,
) -> Conversion:
    """Turn the Jekyll post ``text`` read from ``source`` into a MyST article.

    ``source`` is only used to name the post in diagnostics and to read a slug,
    a date and the old URL from a Jekyll file name. The URL the post had under
    ``old_urls`` is added as ``redirect_from`` (``None``: no old URL is
    recorded). See :func:`prepare_post` and :func:`finish_post`.
    """
    prepared = prepare_post(text, source, zone, context or PostContext(old_urls))
    if isinstance(prepared, Conversion):
        return prepared
    return finish_post(prepared)


def _original_line(problem: Problem, lines: dict[str, int]) -> int | None:
    """The line of ``problem``'s key in the post (the fixed copy's lines may have moved)."""
    if problem.key is not None and problem.key in lines:
        return lines[problem.key]
    return problem.line


def _with_old_url(
    yaml_text: str,
    data: dict[str, object],
    lines: dict[str, int],
    source: Path,
    rule: OldUrlRule,
    diagnostics: list[Diagnostic],
    date: dt.datetime | None = None,
) -> tuple[str, str | None]:
    try:
        url = old_url(data, source.name, rule, date)
    except PermalinkError as error:
        line = lines.get("permalink") if "permalink" in data else None
        diagnostics.append(
            Diagnostic(source, line, f"{error}; no redirect_from added for the old URL")
        )
        return yaml_text, None
    if url is None:
        return yaml_text, None
    return add_redirect(yaml_text, data, lines, url), url


# --- finding posts -------------------------------------------------------------


def find_posts(
    path: Path, skip: Path | None = None, report: ImportReport | None = None
) -> Iterator[Path]:
    """Post files under the folder ``path``, in a stable order.

    Hidden files and folders (``.git``) are passed over, and so is ``skip``:
    the articles folder itself, whose files are imports already. Links that
    lead outside ``path`` and special files (FIFOs, devices) are passed over
    too, with a message in ``report``.
    """
    skip_resolved = skip.resolve() if skip is not None else None
    root = path.resolve()
    for folder, folder_names, file_names in os.walk(path):
        kept = []
        for name in sorted(folder_names):
            child = Path(folder, name)
            if name.startswith(".") or child.resolve() == skip_resolved:
                continue
            if child.is_symlink() and not within(child.resolve(), root):
                if report is not None:
                    report.diagnostics.append(
                        Diagnostic(
                            child, None, f"is a link to {child.resolve()}, outside {path}; not read"
                        )
                    )
                continue
            kept.append(name)
        folder_names[:] = kept
        for name in sorted(file_names):
            if name.startswith(".") or not name.lower().endswith(POST_SUFFIXES):
                continue
            candidate = Path(folder, name)
            reason = check_file(candidate, path)
            if reason is not None:
                if report is not None:
                    report.diagnostics.append(Diagnostic(candidate, None, reason))
                continue
            yield candidate


# --- writing -------------------------------------------------------------------


class Outcome(enum.Enum):
    IMPORTED = "imported"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass
class PostResult:
    """What happened to one post."""

    source: Path
    outcome: Outcome
    target: Path | None = None
    #: True when an existing, different article was replaced (``--force``).
    overwrote: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: The URLs the post had on its Jekyll site (its redirect pages go there).
    old_urls: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """Everything an import run did or, with ``dry_run``, would do."""

    dry_run: bool = False
    results: list[PostResult] = field(default_factory=list)
    #: Diagnostics about arguments rather than posts (an empty folder, a missing path).
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: The Jekyll sites imported, by root folder: their feed path matters to the build.
    sites: dict[Path, JekyllSite] = field(default_factory=dict)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for result in self.results if result.outcome is outcome)

    @property
    def failed(self) -> bool:
        return self.count(Outcome.FAILED) > 0 or any(
            diagnostic.severity is Severity.ERROR for diagnostic in self.diagnostics
        )

    def all_diagnostics(self) -> Iterator[Diagnostic]:
        yield from self.diagnostics
        for result in self.results:
            yield from result.diagnostics


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


def _read_text(path: Path, root: Path | None = None) -> str:
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


def _short(error: BaseException) -> str:
    """An exception's message on one short line."""
    text = " ".join(str(error).split())
    return text if len(text) <= 200 else text[:199] + "…"


def _is_other_article(
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


_T = TypeVar("_T")

#: Files that were pages of the site, never copied as files.
_PAGE_SUFFIXES = frozenset({".md", ".markdown", ".html", ".htm", ".txt", ".rst", ".xml", ".ipynb"})
#: URL schemes MyST links to as they are (``myst_url_schemes``'s default).
_MYST_SCHEMES = frozenset({"http", "https", "mailto", "ftp"})
#: Schemes that run or embed something: never written into raw HTML.
_NEVER_RAW_SCHEMES = frozenset({"javascript", "vbscript", "data", "file", "blob"})
#: Where the files the posts use are copied, in the articles folder.
ASSETS_FOLDER = "_files"


def _has_date(path: Path, root: Path) -> bool:
    """True when the document at ``path`` has a date: in its name or its front matter."""
    if is_jekyll_post_name(path.name):
        return True
    try:
        head = read_bounded(path).decode("utf-8-sig", "replace")
    except (OSError, Refused):
        return False
    yaml_text, _, _ = split_front_matter(normalise_text(head))
    return yaml_text is not None and key_block(yaml_text, "date") is not None


def _url_key(url: str) -> str:
    """One key for the forms a server answers alike: ``/a/b``, ``/a/b/``, ``/a/b.html``, ``/a/b/index.html``."""
    path = unquote(urlsplit(url).path)
    for ending in ("/index.html", ".html"):
        if path.endswith(ending):
            path = path[: -len(ending)]
    return path.rstrip("/") or "/"


def _asset_name(relative: Path) -> Path:
    """``relative`` with only characters a Markdown link keeps as they are.

    MyST percent-encodes spaces and non-ASCII letters in a link, and Sphinx
    then looks for a file of the encoded name; a short hash keeps two names
    that differ only there apart.
    """
    parts = []
    for part in relative.parts:
        safe = re.sub(r"[^A-Za-z0-9._-]+", "-", part).strip("-") or "file"
        if safe != part:
            stem, dot, suffix = safe.rpartition(".")
            digest = hashlib.sha1(part.encode("utf-8")).hexdigest()[:8]
            safe = f"{stem}-{digest}.{suffix}" if dot and stem else f"{safe}-{digest}"
        parts.append(safe)
    return Path(*parts)


def _relative(path: Path, folder: Path) -> str:
    return Path(os.path.relpath(path, folder)).as_posix()


class _Site:
    """A Jekyll site being imported: what its posts' Liquid and links may ask of it."""

    def __init__(self, root: Path, site: JekyllSite, files: SiteFiles) -> None:
        self.root = root
        self.site = site
        self.relative = {document.path: document.relative for document in files.documents}
        #: Old URL of each post, by its path from the site root.
        self.urls: dict[str, str] = {}
        #: Old URL of each post, by the name {% post_url %} uses (folders in _posts kept).
        self.post_names: dict[str, str] = {}
        #: The article each old URL now is.
        self.articles: dict[str, Path] = {}
        self._data: dict[str, Any] = {}
        self._by_key: dict[str, Path] | None = None
        #: The addresses the site was served at: links to them are site-relative.
        self.bases = site_urls(site)
        #: The post each article comes from, for the anchors links ask of it.
        self.prepared: dict[Path, PreparedPost] = {}
        #: Article -> (its explicit ids, its headings' automatic ids), as Jekyll made them.
        self._anchors: dict[Path, tuple[set[str], set[str]]] = {}
        #: Article -> {automatic heading id: the MyST target to add before that heading}.
        self.targets_wanted: dict[Path, dict[str, str]] = {}
        kramdown = site.data.get("kramdown") if isinstance(site.data, Mapping) else None
        given = kramdown.get("input") if isinstance(kramdown, Mapping) else None
        #: Jekyll's kramdown reads GFM unless the site says ``input: kramdown``.
        self.gfm = str(given or "GFM").lower() != "kramdown"

    def anchor(self, article: Path, fragment: str) -> str | None:
        """What ``#fragment`` of the post that became ``article`` is there, ``None`` if nothing.

        An id the post gave (``{: #id}``, ``{#id}``, ``csssig``) is a MyST
        target of the article already; a heading's automatic id gets a target
        before that heading, named after the article, since targets are
        project-wide.
        """
        if article not in self._anchors:
            prepared = self.prepared.get(article)
            if prepared is None:
                return None
            # The headings as converted, without the links (they do not change them).
            body, _ = convert_liquid(prepared.body, prepared.body_line, self.liquid(prepared))
            body, _ = convert_kramdown(body, prepared.body_line)
            self._anchors[article] = (
                explicit_ids(body),
                {made for _, made in heading_ids(body, self.gfm)},
            )
        explicit, automatic = self._anchors[article]
        if fragment in explicit:
            return fragment
        if fragment in automatic:
            label = f"{article.parent.parent.name}-{article.parent.name}-{article.stem}-{fragment}"
            self.targets_wanted.setdefault(article, {})[fragment] = label
            return label
        return None

    def with_targets(self, article: Path, text: str) -> str:
        """The article's text with the targets links to its headings asked for."""
        wanted = self.targets_wanted.get(article)
        return add_targets(text, wanted, self.gfm) if wanted else text

    def note_post(self, prepared: PreparedPost, url: str, target: Path) -> None:
        source = prepared.source
        relative = self.relative.get(source, source.name)
        self.urls[relative] = url
        self.articles[url] = target
        self.prepared[target] = prepared
        within_posts = relative.split("_posts/", 1)[-1]
        self.post_names[within_posts.rsplit(".", 1)[0]] = url
        self.post_names.setdefault(PurePosixPath(within_posts).stem, url)

    def post_url(self, name: str) -> str | None:
        name = name.strip().strip("/")
        return self.post_names.get(name) or self.post_names.get(name.rsplit(".", 1)[0])

    def link(self, path: str) -> str | None:
        path = path.strip().lstrip("/")
        return self.urls.get(path) or page_url(self.root, self.site, path)

    def data(self, name: str) -> Any:
        if name not in self._data:
            self._data[name] = data_file(self.root, self.site, name)
        return self._data[name]

    def liquid(self, post: PreparedPost) -> LiquidContext:
        return LiquidContext(
            self.site.data, post.data, self.data, self.post_url, self.link, self.include
        )

    def include(self, name: str) -> str | None:
        return include_file(self.root, self.site, name)

    def article_for(self, path: str) -> Path | None:
        if self._by_key is None:
            self._by_key = {_url_key(url): target for url, target in self.articles.items()}
        return self._by_key.get(_url_key(path))

    def links(self, post: PreparedPost, target: Path, importer: _Importer) -> Resolver:
        """What each URL of ``post`` (whose article is ``target``) now is."""
        page = post.old_url or "/"
        here = target.parent

        def resolve(url: str, image: bool, line: int) -> Resolved | None:
            url = url.strip()
            if not url or url.startswith("#"):
                return None
            scheme = urlsplit(url).scheme.lower()
            if scheme in _NEVER_RAW_SCHEMES or scheme in ("mailto", "tel"):
                return None  # left as the post wrote it, never made raw HTML
            for base in self.bases:
                if url == base or url.startswith((base + "/", base + "#", base + "?")):
                    url = url[len(base) :] or "/"
                    break
            parts = urlsplit(url)
            if parts.scheme and parts.scheme.lower() not in _MYST_SCHEMES:
                # ruby-core:03694, rsync://…: as written, in raw HTML, since MyST
                # would read such a link as a reference to a missing document.
                return Resolved(url, raw=True)
            if parts.scheme or parts.netloc:
                return None
            if not parts.path:
                return None
            path = parts.path if parts.path.startswith("/") else urljoin(page, parts.path)
            article = self.article_for(path)
            if article is not None:
                address = _relative(article, here)
                fragment = unquote(parts.fragment)
                if not fragment:
                    return Resolved(address)
                anchor = self.anchor(article, fragment)
                if anchor is not None:
                    return Resolved(f"{address}#{anchor}")
                post.diagnostics.append(
                    Diagnostic(
                        post.source,
                        line,
                        f"link to {path}#{fragment}: the imported article has no such anchor "
                        "(only its headings and the ids the post gave have one in kb); "
                        "the link leads to the article",
                    )
                )
                return Resolved(address)
            found = site_file(self.root, self.site, path)
            if found is not None and found.suffix.lower() not in _PAGE_SUFFIXES:
                copied = importer.copy_asset(self, found, post.source, line)
                if copied is not None:
                    return Resolved(_relative(copied, here))
                return None
            what = "image" if image else "link"
            address = f"{self.bases[0]}{path}" if self.bases else path
            if parts.fragment:
                address += f"#{parts.fragment}"
            if found is None and image:
                post.diagnostics.append(
                    Diagnostic(
                        post.source,
                        line,
                        f"image {path} is not a file of the site; kept as written",
                    )
                )
                return None
            post.diagnostics.append(
                Diagnostic(
                    post.source,
                    line,
                    f"{what} to {path}, a page of the Jekyll site that was not imported; "
                    f"now {'to ' + address if self.bases else 'kept as a plain HTML link'}",
                )
            )
            return Resolved(address, raw=not self.bases)

        return resolve


@dataclass
class _Converted:
    """A post's article, converted and not yet written."""

    result: PostResult
    target: Path
    article: str
    site: _Site | None


@dataclass
class _Importer:
    into: Path
    zone: dt.tzinfo
    force: bool
    dry_run: bool
    report: ImportReport
    #: The permalink pattern for loose files (and, when given, for sites too).
    permalink: str | None = None
    sources: set[Path] = field(default_factory=set)
    #: Target (resolved) -> the source that took it in this run.
    claimed: dict[Path, Path] = field(default_factory=dict)
    #: Source -> what its site says about it (sites only).
    contexts: dict[Path, PostContext] = field(default_factory=dict)
    #: Source -> the folder it was found in, which links may not leave.
    roots: dict[Path, Path] = field(default_factory=dict)
    #: Source -> the site it belongs to (site folders only).
    site_of: dict[Path, _Site] = field(default_factory=dict)
    #: Files the posts use, copied in this run: where -> from.
    copied: dict[Path, Path] = field(default_factory=dict)
    #: Posts whose day in kb_timezone is not the day Jekyll showed.
    shifted: list[tuple[Path, tuple[str, str]]] = field(default_factory=list)
    #: Front matter keys kb does not read -> the posts (and lines) holding them.
    unknown_keys: dict[str, list[tuple[Path, int | None]]] = field(default_factory=dict)
    #: Planned path -> (first number not known to be taken, what took the first).
    #: Posts sharing a slug start where the last one stopped: 1,200 posts with
    #: one slug read each existing article once instead of 720,000 times.
    taken: dict[Path, tuple[int, str]] = field(default_factory=dict)

    def run(self, paths: Iterable[Path]) -> None:
        posts = list(self._collect(paths))
        self.sources = {post.resolve() for post in posts}
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
                self._guarded(prepared.source, functools.partial(self._convert_one, prepared, target))
            )
        for done in converted:
            if isinstance(done, PostResult):
                self.report.results.append(done)
                continue
            self.report.results.append(
                self._guarded(done.result.source, functools.partial(self._write_one, done))
            )
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

    def _site_posts(self, root: Path) -> list[Path]:
        site = read_site(root)
        self.report.sites[root] = site
        for line, message in site.problems:
            self.report.diagnostics.append(Diagnostic(root / "_config.yml", line, message))
        files = site_documents(root, site, skip=self.into)
        _, invalid = default_sets(site)
        if invalid:
            self.report.diagnostics.append(
                Diagnostic(
                    root / "_config.yml",
                    None,
                    f"{invalid} of the defaults: sets have no 'values:' mapping (or a 'scope:' "
                    "that is no mapping); Jekyll passes over them, and so does kb import",
                )
            )
        known = _Site(root, site, files)
        for path, message in files.skipped:
            self.report.diagnostics.append(Diagnostic(path, None, message))
        found: list[Path] = []
        for document in files.documents:
            if document.collection == "posts":
                rule = OldUrlRule.for_site(site, document.path_categories, self.permalink)
            elif _has_date(document.path, root):
                folder = f"_{document.collection}/"
                within_collection = document.relative.split(folder, 1)[-1]
                rule = replace(
                    OldUrlRule.for_site(site),
                    pattern=document.permalink or collection_pattern(site.permalink),
                    collection=document.collection,
                    document_path="/" + within_collection.rsplit(".", 1)[0],
                )
            else:
                self.report.diagnostics.append(
                    Diagnostic(
                        document.path,
                        None,
                        f"a page of the collection {document.collection!r} without a date, "
                        "not a post; not imported",
                    )
                )
                continue
            defaults = front_matter_defaults(root, site, document.relative, document.collection)
            self.contexts[document.path] = PostContext(rule, from_site=True, defaults=defaults)
            self.roots[document.path] = root
            self.site_of[document.path] = known
            found.append(document.path)
        return found

    def _collect(self, paths: Iterable[Path]) -> Iterator[Path]:
        seen: set[Path] = set()
        for path in paths:
            if path.is_dir() and is_site_root(path):
                found = self._site_posts(path)
            elif path.is_dir():
                found = list(find_posts(path, skip=self.into, report=self.report))
                for post in found:
                    self.roots[post] = path
                if not found:
                    self.report.diagnostics.append(
                        Diagnostic(
                            path,
                            None,
                            f"no posts found (looked for {', '.join(POST_SUFFIXES)} files)",
                        )
                    )
            elif path.exists() or path.is_symlink():
                found = [path]
            else:
                self.report.diagnostics.append(
                    Diagnostic(path, None, "no such file or folder", Severity.ERROR)
                )
                continue
            for post in found:
                resolved = post.resolve()
                if resolved not in seen:
                    seen.add(resolved)
                    yield post

    def copy_asset(self, site: _Site, file: Path, post: Path, line: int) -> Path | None:
        """``file`` of ``site`` copied under the articles folder (once); where it now is."""
        relative = file.relative_to(site.root)
        destination = self.into / ASSETS_FOLDER / _asset_name(relative)
        if destination in self.copied:
            return destination
        problem: str | None = None
        try:
            data = read_bounded(file)
            if destination.exists() and destination.read_bytes() != data:
                problem = f"{destination} exists with other content; {relative} was not copied"
            elif not destination.exists() and not self.dry_run:
                # A copy of a file the site keeps: whole or absent is enough,
                # the source is still there after a power cut.
                write_atomically(destination, data, replace=False, durable=False)
        except (OSError, Refused) as error:
            problem = f"cannot copy {relative}: {getattr(error, 'strerror', None) or error}"
        if problem is not None:
            self.report.diagnostics.append(Diagnostic(post, line, problem))
            return None
        self.copied[destination] = file
        return destination

    def _plan_one(self, source: Path) -> PostResult | tuple[PreparedPost, Path]:
        try:
            text = _read_text(source, self.roots.get(source))
        except NotUtf8Error as error:
            problem = Diagnostic(source, error.line, str(error), Severity.ERROR)
            return PostResult(source, Outcome.FAILED, diagnostics=[problem])
        except Refused as error:
            problem = Diagnostic(source, None, str(error), Severity.ERROR)
            return PostResult(source, Outcome.FAILED, diagnostics=[problem])
        except OSError as error:
            problem = Diagnostic(source, None, f"cannot read: {error.strerror}", Severity.ERROR)
            return PostResult(source, Outcome.FAILED, diagnostics=[problem])
        context = self.contexts.get(source) or PostContext(
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
        if folders and self._taken_by_other(self.into / relative_path, prepared):
            # A post of another _posts folder (a translation, another section)
            # has the slug: the folders tell them apart, whatever the order.
            stem, _, suffix = relative_path.rpartition(".")
            relative_path = f"{stem}-{'-'.join(slugify(folder) for folder in folders)}.{suffix}"
        target = self._choose_target(source, relative_path, prepared.meta, prepared.old_url, result)
        if target is None:
            return result
        self.claimed[target.resolve()] = source
        site = self.site_of.get(source)
        if site is not None and prepared.old_url is not None:
            site.note_post(prepared, prepared.old_url, target)
        return prepared, target

    def _convert_one(self, prepared: PreparedPost, target: Path) -> _Converted:
        site = self.site_of.get(prepared.source)
        liquid = site.liquid(prepared) if site is not None else None
        links = site.links(prepared, target, self) if site is not None else None
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
        self._place(done.target, article, done.result)
        return done.result

    def _error(self, result: PostResult, message: str, line: int | None = None) -> None:
        result.outcome = Outcome.FAILED
        result.diagnostics.append(Diagnostic(result.source, line, message, Severity.ERROR))

    def _choose_target(
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
                self._error(
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

    def _taken_by_other(self, candidate: Path, prepared: PreparedPost) -> bool:
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
            existing_text = _read_text(candidate)
        except (OSError, ValueError):
            # Not provably another article: the usual rules apply, and a
            # file that cannot be read is reported when it is compared.
            return False
        return _is_other_article(existing_text, meta, self.zone, url)

    def _place(self, target: Path, article: str, result: PostResult) -> None:
        blocked = _blocked_folder(target.parent, self.into)
        if blocked is not None:
            self._error(result, blocked)
            return
        if target.exists() and not target.is_file():
            self._error(
                result, f"refusing to write {target}: something that is not a file is there"
            )
            return
        if target.exists():
            try:
                existing = target.read_bytes()
            except OSError as error:
                self._error(result, f"cannot read the existing {target}: {error.strerror}")
                return
            if existing == article.encode("utf-8"):
                result.outcome = Outcome.UNCHANGED
                return
            if not self.force:
                result.outcome = Outcome.SKIPPED
                return
            if target.resolve() in self.sources:
                self._error(
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
            self._error(result, f"cannot write {target}: {error.strerror or error}")


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
    _Importer(into, zone, force, dry_run, report, permalink).run(paths)
    return report


def find_articles_folder(start: Path) -> Path | None:
    """``docs/articles`` of the first folder from ``start`` upwards that has ``docs/conf.py``."""
    for folder in (start, *start.parents):
        if (folder / "docs" / "conf.py").is_file():
            return folder / "docs" / "articles"
    return None
