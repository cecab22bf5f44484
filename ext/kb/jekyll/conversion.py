"""One Jekyll post turned into a MyST article under ``YYYY/MM/<slug>.md``.

Pure: post text in, article text, relative path and diagnostics out; the
file system work around it is :mod:`kb.jekyll.importer`'s. Two steps, so that
a site's posts can all be placed before any is converted (a post's links name
other posts' articles): :func:`prepare_post` settles the front matter, the old
URL and the path; :func:`finish_post` converts the body (Liquid, links,
kramdown, then the ``---END---`` parts joined). :func:`convert_post` does both.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kb.core.articlemeta import KNOWN_KEYS, QUIET_KEYS, ArticleMeta, article_meta
from kb.core.frontmatter import Problem, RawFrontMatter, read_front_matter, split_front_matter
from kb.core.names import slugify
from kb.core.yamltext import flow_list, set_key
from kb.jekyll.frontfixes import (
    LOOSE_FILES,
    FrontMatterEdit,
    PostContext,
    fix_front_matter,
    with_defaults,
)
from kb.jekyll.kramdown import Note, convert_kramdown, demote_headings
from kb.jekyll.liquid import LiquidNote, convert_liquid
from kb.jekyll.liquidscope import LiquidContext
from kb.jekyll.parts import (
    LEADING_BLANK_LINES,
    Part,
    Seam,
    article_ends_mid_sentence,
    content_line_numbers,
    join_parts_noting_seams,
    quote_ending,
    split_parts,
)
from kb.jekyll.permalinks import (
    OldUrlRule,
    PermalinkError,
    add_redirect,
    is_jekyll_post_name,
    old_url,
)
from kb.jekyll.report import Diagnostic, Severity
from kb.jekyll.sitelinks import Resolver, rewrite_links

#: Longest slug made from a title; long Japanese titles make unwieldy URLs.
TITLE_SLUG_LENGTH = 60

#: Seams (and Liquid tags) reported one by one per post; a post cut into
#: thousands of parts would otherwise bury every other message.
MAX_SEAM_WARNINGS = 20

_JEKYLL_FILE_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$")


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


@dataclass
class _Settled:
    """The article's front matter, read back after the importer's changes."""

    yaml_text: str
    fixed: RawFrontMatter
    meta: ArticleMeta
    #: Keys kb does not read, in the post's order.
    extra_keys: list[str]
    #: The post's date as Jekyll showed it, when it was read as Jekyll read it.
    jekyll_moment: dt.datetime | None


def prepare_post(
    text: str, source: Path, zone: dt.tzinfo, context: PostContext
) -> PreparedPost | Conversion:
    """The post's article front matter, old URL and path; a failed :class:`Conversion` when none.

    The user's front matter is copied verbatim, never re-serialised, so
    comments, quoting and key order survive; only keys Jekyll read
    differently from kb are rewritten (see :func:`kb.jekyll.frontfixes.fix_front_matter`).
    The URL the post had is added as ``redirect_from``.
    """
    diagnostics: list[Diagnostic] = []
    read = _read_post(normalise_text(text), source, diagnostics)
    if read is None:
        return Conversion(None, None, None, diagnostics)
    text, raw, yaml_text, body = read
    settled = _settle(raw, yaml_text, source, zone, context, diagnostics)
    meta = settled.meta
    if any(d.severity is Severity.ERROR for d in diagnostics):
        return Conversion(None, None, meta, diagnostics)
    assert meta.date is not None  # a missing date is fatal in _settle
    yaml_text, url = settled.yaml_text, None
    if context.rule is not None:
        yaml_text, url = _with_old_url(
            yaml_text, settled.fixed, source, context.rule, diagnostics, settled.jekyll_moment
        )
    if settled.extra_keys:
        # Kept, and declared, so that the build does not warn about them again.
        yaml_text = set_key(
            yaml_text,
            "kb_extra_keys",
            flow_list(settled.extra_keys),
            "kept from Jekyll; kb does not read them",
        )
    relative_path, shifted = _place(settled, source, zone, context)
    unknown = [(key, raw.lines.get(key)) for key in settled.extra_keys]
    return PreparedPost(
        source,
        text,
        body,
        raw.body_line,
        yaml_text,
        meta,
        settled.fixed.data,
        relative_path,
        url,
        diagnostics,
        unknown,
        shifted,
    )


def _read_post(
    text: str, source: Path, diagnostics: list[Diagnostic]
) -> tuple[str, RawFrontMatter, str, str] | None:
    """The post's text, front matter, front matter text and body; ``None`` with errors noted."""
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
        message = (
            "no front matter: a post must start with a '---' line, then 'title:' and "
            "'date:', then another '---' line"
        )
        diagnostics.append(Diagnostic(source, 1, message, Severity.ERROR))
        return None
    structural = [problem for problem in raw.problems if problem.key is None]
    for problem in structural:
        diagnostics.append(Diagnostic(source, problem.line or 1, problem.message, Severity.ERROR))
    if yaml_text is None or structural:
        return None
    return text, raw, yaml_text, body


def _settle(
    raw: RawFrontMatter,
    yaml_text: str,
    source: Path,
    zone: dt.tzinfo,
    context: PostContext,
    diagnostics: list[Diagnostic],
) -> _Settled:
    """The front matter with the site's defaults and Jekyll's readings, and its problems noted."""
    data = raw.data
    if context.defaults:
        yaml_text, data = with_defaults(yaml_text, raw.data, context.defaults)
    front = FrontMatterEdit(yaml_text, data, raw.lines, source, diagnostics)
    jekyll_moment = fix_front_matter(front, zone, context)
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
    return _Settled(yaml_text, fixed, meta, extra_keys, jekyll_moment)


def _place(
    settled: _Settled, source: Path, zone: dt.tzinfo, context: PostContext
) -> tuple[str, tuple[str, str] | None]:
    """The article's ``YYYY/MM/<slug>.md``, and the two days when Jekyll's and kb's differ."""
    meta = settled.meta
    assert meta.date is not None
    jekyll_moment = settled.jekyll_moment
    shown_in = context.rule.zone if context.from_site and context.rule is not None else zone
    local = (jekyll_moment or meta.date).astimezone(shown_in)
    slug = post_slug(meta, source.name)
    relative_path = f"{local.year:04d}/{local.month:02d}/{slug}.md"
    shifted: tuple[str, str] | None = None
    if context.from_site and jekyll_moment is not None:
        shown_by_kb = meta.date.astimezone(zone).date().isoformat()
        if shown_by_kb != local.date().isoformat():
            shifted = (local.date().isoformat(), shown_by_kb)
    return relative_path, shifted


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


def _original_line(problem: Problem, lines: dict[str, int]) -> int | None:
    """The line of ``problem``'s key in the post (the fixed copy's lines may have moved)."""
    if problem.key is not None and problem.key in lines:
        return lines[problem.key]
    return problem.line


def _with_old_url(
    yaml_text: str,
    fixed: RawFrontMatter,
    source: Path,
    rule: OldUrlRule,
    diagnostics: list[Diagnostic],
    date: dt.datetime | None = None,
) -> tuple[str, str | None]:
    data, lines = fixed.data, fixed.lines
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
    joined = LEADING_BLANK_LINES.sub("", joined).rstrip()
    _note_seams(post, parts, broken_seams)
    if not joined:
        diagnostics.append(
            Diagnostic(source, post.body_line, "the post has no text after its front matter")
        )
    elif article_ends_mid_sentence(joined):
        content_lines = content_line_numbers(post.text)
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


def _note_seams(post: PreparedPost, parts: Sequence[Part], broken_seams: Sequence[Seam]) -> None:
    """A warning on the ``---END---`` line of each seam where text was probably lost."""
    source, diagnostics = post.source, post.diagnostics
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
