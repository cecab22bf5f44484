"""Links and images of an imported post pointed at what they now are (pure, no file system).

A Jekyll post links its own site with site-relative or absolute URLs
(``/2013/11/22/x.html``, ``https://example.jp/images/a.png``). After the move
those are the imported articles, the files copied next to them, or pages that
were not imported. This module finds every link and image of the prose
(Markdown inline links and images, reference definitions, autolinks, raw
``<a href>`` and ``<img src>``) and asks a resolver what each URL becomes;
code is never touched. A raw ``<img>`` alone on its line (maybe inside a
link) becomes a Markdown image; a raw image inside other HTML keeps its
``<img>``, pointed at the copied file, which the build copies too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from kb.jekyll.kramdown import Chunk, Note, chunks, inline_code_spans, join

#: What a URL becomes: the new URL (``None``: unchanged), and whether it is an
#: external link that must not be read as a document path.
Resolver = Callable[[str, bool, int], "Resolved | None"]


@dataclass(frozen=True)
class Resolved:
    url: str
    #: The link is to a page outside the project: written as raw HTML so that
    #: MyST does not take a site-relative path for a missing document.
    raw: bool = False


_INLINE = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*(?P<url><[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"
    r"(?P<title>\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)
_DEFINITION = re.compile(r"^(?P<lead> {0,3}\[[^\]]+\]:\s*)(?P<url><[^>]*>|\S+)(?P<rest>.*)$")
#: CommonMark autolinks carry a scheme: ``</td>`` is a closing tag, not a link.
_AUTOLINK = re.compile(r"<(?P<url>https?://[^\s<>]+)>")
_RAW_ATTRIBUTE = re.compile(
    r"(?P<lead><(?:a|img|source|video|audio|iframe)\b[^>]*?\s(?:href|src)\s*=\s*)(?P<q>[\"'])(?P<url>[^\"']*)(?P=q)",
    re.IGNORECASE,
)
_LONE_IMAGE = re.compile(
    r"^\s*(?:<(?P<box>p|div|center|figure)\b[^>]*>\s*)?"
    r"(?:<a\s[^>]*?href\s*=\s*[\"'](?P<href>[^\"']*)[\"'][^>]*>\s*)?"
    r"<img\s(?P<attrs>[^>]*?)/?>\s*(?(href)</a>)\s*(?(box)</(?P=box)>)\s*$",
    re.IGNORECASE,
)
_ATTRIBUTE = re.compile(r"(\w+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def _markdown_url(url: str) -> str:
    """``url`` as a Markdown link destination (in ``<>`` when it holds spaces)."""
    return f"<{url}>" if re.search(r"[\s()<>]", url) else url


def _lone_image(line: str, number: int, resolve: Resolver) -> str | None:
    """A line holding only ``<img>`` (in an ``<a>`` maybe) as a Markdown image, else ``None``."""
    match = _LONE_IMAGE.match(line)
    if not match:
        return None
    attributes = {
        key.lower(): html.unescape(first if first is not None else second)
        for key, first, second in _ATTRIBUTE.findall(match.group("attrs"))
    }
    source = attributes.get("src")
    if not source:
        return None
    resolved = resolve(source, True, number)
    if resolved is None or resolved.raw:
        return None
    alt = attributes.get("alt", "").replace("[", "(").replace("]", ")")
    image = f"![{alt}]({_markdown_url(resolved.url)})"
    href = match.group("href")
    if href:
        target = resolve(html.unescape(href), False, number)
        link = target.url if target is not None else html.unescape(href)
        if target is not None and target.raw:
            return None
        return f"[{image}]({_markdown_url(link)})"
    return image


_MAYBE_LINK = re.compile(r"\]\(|\]:|<(?:a|img|source|video|audio|iframe|https?:)", re.IGNORECASE)


def _rewrite_whole_line(line: str, number: int, resolve: Resolver) -> str | None:
    """A line that is one construct (a lone image, a link definition) rewritten; else ``None``."""
    lone = _lone_image(line, number, resolve)
    if lone is not None:
        return lone
    definition = _DEFINITION.match(line)
    if definition:
        url = definition.group("url")
        bare = url[1:-1] if url.startswith("<") else url
        resolved = resolve(bare, False, number)
        if resolved is not None and not resolved.raw:
            return (
                f"{definition.group('lead')}{_markdown_url(resolved.url)}{definition.group('rest')}"
            )
        return line
    return None


def _rewrite_run(text: str, first_line: int, resolve: Resolver, notes: list[Note]) -> str:
    """Links in ``text`` (lines of one paragraph or more; a link text may span lines)."""
    if not _MAYBE_LINK.search(text):
        return text
    base = 0  # where the piece being converted starts in ``text``

    def line_at(offset: int) -> int:
        return first_line + text.count("\n", 0, base + offset)

    def inline(match: re.Match[str]) -> str:
        url = match.group("url")
        bare = url[1:-1] if url.startswith("<") else url
        resolved = resolve(html.unescape(bare), bool(match.group("bang")), line_at(match.start()))
        if resolved is None:
            return match.group(0)
        if resolved.raw and not match.group("bang"):
            return f'<a href="{html.escape(resolved.url)}">{match.group("text")}</a>'
        return f"{match.group('bang')}[{match.group('text')}]({_markdown_url(resolved.url)}{match.group('title') or ''})"

    def autolink(match: re.Match[str]) -> str:
        resolved = resolve(match.group("url"), False, line_at(match.start()))
        if resolved is None:
            return match.group(0)
        if resolved.raw:
            return f'<a href="{html.escape(resolved.url)}">{html.escape(resolved.url)}</a>'
        return f"[{match.group('url')}]({_markdown_url(resolved.url)})"

    def raw(match: re.Match[str]) -> str:
        is_image = match.group(0).lower().startswith("<img")
        number = line_at(match.start())
        resolved = resolve(html.unescape(match.group("url")), is_image, number)
        if resolved is None:
            return match.group(0)
        # A copied file named by raw HTML: the build copies it too (kb.rawfiles).
        return (
            f"{match.group('lead')}{match.group('q')}{html.escape(resolved.url)}{match.group('q')}"
        )

    out: list[str] = []
    position = 0
    for start, end in [*inline_code_spans(text), (len(text), len(text))]:
        base = position
        piece = text[position:start]
        piece = _INLINE.sub(inline, piece)
        piece = _AUTOLINK.sub(autolink, piece)
        out.append(_RAW_ATTRIBUTE.sub(raw, piece))
        out.append(text[start:end])
        position = end
    return "".join(out)


def rewrite_links(text: str, resolve: Resolver, first_line: int = 1) -> tuple[str, list[Note]]:
    """``text`` with each link and image URL replaced by what ``resolve`` says it now is."""
    notes: list[Note] = []
    converted: list[Chunk] = []
    for chunk in chunks(text, first_line):
        if chunk.code:
            converted.append(chunk)
            continue
        out: list[str] = []
        run: list[str] = []
        run_line = chunk.line
        for index, line in enumerate(chunk.text.split("\n")):
            whole = (
                _rewrite_whole_line(line, chunk.line + index, resolve)
                if _MAYBE_LINK.search(line)
                else None
            )
            if whole is None:
                if not run:
                    run_line = chunk.line + index
                run.append(line)
                continue
            if run:
                out.append(_rewrite_run("\n".join(run), run_line, resolve, notes))
                run = []
            out.append(whole)
        if run:
            out.append(_rewrite_run("\n".join(run), run_line, resolve, notes))
        converted.append(Chunk("\n".join(out), False, chunk.line))
    return join(converted), notes
