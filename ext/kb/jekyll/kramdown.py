"""kramdown, the Markdown of Jekyll, turned into the MyST Markdown kb reads (pure, no Sphinx).

Most of kramdown is CommonMark, but a few of its forms show as text, or
vanish, under MyST:

- ``#見出し`` without a space is a heading in kramdown; a space is added;
- block attribute lists: ``{: #id}`` (and a heading's ``{#id}``) become MyST
  targets ``(id)=`` before their block, so links to ``#id`` still land;
  ``* TOC`` followed by ``{:toc}`` becomes a ``{contents}`` directive; other
  attributes (classes, sizes) have no place in kb's theme and are dropped with
  a note; ``{::comment}`` becomes an HTML comment, ``{::options}`` is dropped
  with a note, ``{::nomarkdown}`` unwrapped;
- a prose line starting with ``%`` is a comment in MyST and would disappear:
  the ``%`` is escaped;
- ``:emoji:`` shortcodes (jemoji, GitHub's names) become the emoji.

Code (fenced or indented) and inline code are left exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import emoji

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^\s*(?:[*+-]|\d+[.)])\s")
_INDENTED = re.compile(r"^(?: {4}|\t)")
_HEADING_NO_SPACE = re.compile(r"^(#{1,6})(?=[^#\s])")
_HEADING_ID = re.compile(r"^(#{1,6}\s.*?)\s*\{:?\s*#([\w:.-]+)\s*\}\s*$")
_BLOCK_IAL = re.compile(r"^\s*\{:\s*([^}]*)\}\s*$")
_INLINE_IAL = re.compile(r"(?<=[)*_`>\]])\{:\s*([^}]*)\}")
_EXTENSION = re.compile(r"^\s*\{::(\w+)([^}]*?)(/)?\}\s*$")
_EXTENSION_END = re.compile(r"^\s*\{:/(\w*)\}\s*$")
_EMOJI = re.compile(r"(?<![\w:]):([a-z0-9_+-]+):(?![\w:])")
_INLINE_CODE = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")
_ID = re.compile(r"#([\w:.-]+)")


@dataclass(frozen=True)
class Note:
    """Something converted away or dropped: ``line`` is 1-based in the post."""

    line: int
    message: str


@dataclass(frozen=True)
class Chunk:
    """A run of lines that is either code or prose; ``line`` is its first file line."""

    text: str
    code: bool
    line: int


def chunks(text: str, first_line: int = 1) -> list[Chunk]:
    """``text`` cut into code and prose runs, as a Markdown reader sees them.

    Code is a fenced block (to its closing fence, or the end) or an indented
    block after a blank line outside a list.
    """
    lines = text.split("\n")
    found: list[Chunk] = []
    current: list[str] = []
    current_code = False
    start = first_line
    fence: str | None = None
    in_list = False
    previous_blank = True

    def switch(code: bool, number: int) -> None:
        nonlocal current, current_code, start
        if current and current_code != code:
            found.append(Chunk("\n".join(current), current_code, start))
            current = []
        if not current:
            current_code, start = code, number

    for index, line in enumerate(lines):
        number = first_line + index
        if fence is not None:
            switch(True, number)
            current.append(line)
            stripped = line.strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                fence = None
            continue
        opening = _FENCE.match(line)
        if opening:
            fence = opening.group(1)
            switch(True, number)
            current.append(line)
            continue
        blank = not line.strip()
        if _LIST_ITEM.match(line):
            in_list = True
        elif not blank and not _INDENTED.match(line) and previous_blank:
            in_list = False
        code = (
            bool(_INDENTED.match(line))
            and not blank
            and not in_list
            and (previous_blank or (current_code and bool(current)))
        )
        if blank and current_code and current:
            # A blank line inside an indented block belongs to it if code follows.
            following = next((later for later in lines[index + 1 :] if later.strip()), "")
            code = bool(_INDENTED.match(following))
        switch(code, number)
        current.append(line)
        previous_blank = blank
    if current or not found:
        found.append(Chunk("\n".join(current), current_code, start))
    return found


def join(parts: list[Chunk]) -> str:
    return "\n".join(part.text for part in parts)


def inline_code_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each inline code span of ``text``."""
    if "`" not in text:
        return []
    return [match.span() for match in _INLINE_CODE.finditer(text)]


def outside_inline_code(text: str, convert: Callable[[str], str]) -> str:
    """``convert`` applied to ``text`` except inside inline code spans."""
    if "`" not in text:
        return convert(text)
    out: list[str] = []
    position = 0
    for match in _INLINE_CODE.finditer(text):
        out.append(convert(text[position : match.start()]))
        out.append(match.group(0))
        position = match.end()
    out.append(convert(text[position:]))
    return "".join(out)


def _emojize(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        converted = emoji.emojize(match.group(0), language="alias")
        return converted if converted != match.group(0) else match.group(0)

    return _EMOJI.sub(replace, text)


def _attributes(found: str) -> tuple[list[str], str]:
    """The ids of an attribute list, and what else it held (for a note)."""
    ids = _ID.findall(found)
    rest = _ID.sub("", found).strip()
    return ids, rest


def _convert_prose(text: str, first_line: int, notes: list[Note]) -> str:
    prose = _Prose(notes)
    for index, line in enumerate(text.split("\n")):
        prose.add(line, first_line + index)
    return "\n".join(prose.out)


class _Prose:
    """Lines of kramdown prose converted one by one, with the state that spans lines."""

    def __init__(self, notes: list[Note]) -> None:
        self.notes = notes
        self.out: list[str] = []
        self.block_start = 0  # index in ``out`` where the current block began
        self.comment = False  # inside ``{::comment}`` … ``{:/comment}``

    def add(self, line: str, number: int) -> None:
        """``line`` (file line ``number``) converted onto :attr:`out`."""
        if self.comment:
            if _EXTENSION_END.match(line):
                self.out.append("-->")
                self.comment = False
            else:
                self.out.append(line.replace("--", "- -"))
            return
        extension = _EXTENSION.match(line)
        if extension:
            self.extension(extension, number)
        elif _EXTENSION_END.match(line):
            self.out.append("")
        elif block := _BLOCK_IAL.match(line):
            self.block_attributes(block.group(1), number)
        elif not line.strip():
            self.out.append(line)
            self.block_start = len(self.out)
        else:
            self.text(line, number)

    def extension(self, extension: re.Match[str], number: int) -> None:
        """``{::name}``: a comment opened, ``nomarkdown`` unwrapped, anything else dropped."""
        name = extension.group(1)
        if name == "comment" and not extension.group(3):
            self.out.append("<!--")
            self.comment = True
            return
        if name != "nomarkdown" or extension.group(3):
            self.notes.append(Note(number, f"kramdown {{::{name}}} has no meaning in MyST; dropped"))
        self.out.append("")

    def block_attributes(self, attributes: str, number: int) -> None:
        """``{: …}`` on its own line: ``{:toc}`` a contents directive, an id a target."""
        ids, rest = _attributes(attributes)
        if rest == "toc" and self.out and _LIST_ITEM.match(self.out[-1]):
            self.out[-1] = "```{contents}\n```"
            return
        if ids:
            self.out.insert(self.block_start, f"({ids[0]})=")
        if rest and rest not in (".no_toc",):
            self.notes.append(
                Note(number, f"kramdown attributes {{: {rest}}} have no place in kb's pages; dropped")
            )
        self.out.append("")

    def text(self, line: str, number: int) -> None:
        """A line of text: its heading and its id, a leading ``%``, inline attributes, emoji."""
        line = _HEADING_NO_SPACE.sub(r"\1 ", line)
        heading_id = _HEADING_ID.match(line)
        if heading_id:
            self.out.append(f"({heading_id.group(2)})=")
            line = heading_id.group(1)
        if line.startswith("%"):
            line = "\\" + line
        if line.lstrip().startswith("#") and len(self.out) > self.block_start:
            self.block_start = len(self.out)
        if "{:" in line:
            for found in _INLINE_IAL.finditer(line):
                self.notes.append(
                    Note(number, f"kramdown attributes {{: {found.group(1).strip()}}} dropped")
                )
            line = _INLINE_IAL.sub("", line)
        self.out.append(outside_inline_code(line, _emojize) if ":" in line else line)


def convert_kramdown(text: str, first_line: int = 1) -> tuple[str, list[Note]]:
    """``text`` (kramdown) as MyST, and a note for each thing dropped."""
    notes: list[Note] = []
    converted = [
        chunk
        if chunk.code
        else Chunk(_convert_prose(chunk.text, chunk.line, notes), False, chunk.line)
        for chunk in chunks(text, first_line)
    ]
    return join(converted), notes


_ATX = re.compile(r"^( {0,3})(#{1,6})(?=\s|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")


def demote_headings(text: str) -> str:
    """``text`` with every heading one level down when it has a level-1 heading.

    Jekyll shows ``title:`` as the page title and a ``#`` heading of the body
    under it; in kb the body's first ``#`` heading would become the page title
    instead. A level-6 heading stays at 6.
    """
    parts = chunks(text)
    has_top = False
    for part in parts:
        if part.code:
            continue
        lines = part.text.split("\n")
        for index, line in enumerate(lines):
            atx = _ATX.match(line)
            if (atx and len(atx.group(2)) == 1) or (
                index
                and lines[index - 1].strip()
                and line.strip().startswith("=")
                and _SETEXT.match(line)
            ):
                has_top = True
    if not has_top:
        return text
    converted: list[Chunk] = []
    for part in parts:
        if part.code:
            converted.append(part)
            continue
        lines = part.text.split("\n")
        out: list[str] = []
        for index, line in enumerate(lines):
            atx = _ATX.match(line)
            setext = _SETEXT.match(line) if index and lines[index - 1].strip() and out else None
            if atx:
                level = min(6, len(atx.group(2)) + 1)
                out.append(atx.group(1) + "#" * level + line[atx.end() :])
            elif setext and not _LIST_ITEM.match(lines[index - 1]):
                heading = out.pop()
                level = 2 if setext.group(1).startswith("=") else 3
                out.append("#" * level + " " + heading.strip())
            else:
                out.append(line)
        converted.append(Chunk("\n".join(out), False, part.line))
    return join(converted)


# --- heading ids, as Jekyll's kramdown gave them ---------------------------------------

_TARGET = re.compile(r"^\(([^()\s]+)\)=\s*$")
_GFM_NON_WORD = re.compile(r"[^\w\- \t]")
_ATX_TEXT = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")


def _gfm_id(text: str) -> str:
    # kramdown-parser-gfm's generate_gfm_header_id (Jekyll's default input).
    return _GFM_NON_WORD.sub("", text.lower()).replace(" ", "-").replace("\t", "-")


def _kramdown_id(text: str) -> str:
    # kramdown's basic_generate_id (input: kramdown): ASCII letters, digits, dashes.
    found = re.sub(r"^[^a-zA-Z]+", "", text)
    found = re.sub(r"[^a-zA-Z0-9 -]", "", found).replace(" ", "-").lower()
    return found or "section"


def heading_ids(text: str, gfm: bool = True) -> list[tuple[int, str]]:
    """(line index, id) of each heading of ``text`` (MyST) that kramdown gave an automatic id.

    A heading under a MyST target ``(id)=`` had an explicit ``{#id}`` in
    Jekyll, which kramdown does not count; repeats get ``-1``, ``-2`` … as
    kramdown numbers them.
    """
    found: list[tuple[int, str]] = []
    used: dict[str, int] = {}
    index = 0
    for part in chunks(text):
        lines = part.text.split("\n")
        if not part.code:
            for number, line in enumerate(lines):
                heading: str | None = None
                atx = _ATX.match(line)
                if atx:
                    heading = (_ATX_TEXT.match(line) or atx).group(1) or ""
                elif (
                    number
                    and lines[number - 1].strip()
                    and _SETEXT.match(line)
                    and not _LIST_ITEM.match(lines[number - 1])
                    and not _TARGET.match(lines[number - 1])
                ):
                    heading = lines[number - 1].strip()
                    number -= 1
                if heading is None:
                    continue
                if number and _TARGET.match(lines[number - 1]):
                    continue  # an explicit id
                base = _gfm_id(heading) if gfm else _kramdown_id(heading)
                if gfm:
                    used[base] = used.get(base, 0) + 1
                    made = base if used[base] == 1 else f"{base}-{used[base] - 1}"
                elif base in used:
                    used[base] += 1
                    made = f"{base}-{used[base]}"
                else:
                    used[base] = 0
                    made = base
                found.append((index + number, made))
        index += len(lines)
    return found


def explicit_ids(text: str) -> set[str]:
    """The MyST targets ``(id)=`` of ``text`` outside code."""
    return {
        match.group(1)
        for part in chunks(text)
        if not part.code
        for match in map(_TARGET.match, part.text.split("\n"))
        if match
    }


def add_targets(text: str, labels: dict[str, str], gfm: bool = True) -> str:
    """``text`` with a MyST target ``(label)=`` before each heading whose automatic id is a key."""
    wanted = {line: labels[made] for line, made in heading_ids(text, gfm) if made in labels}
    if not wanted:
        return text
    lines = text.split("\n")
    return "\n".join(
        f"({wanted[number]})=\n{line}" if number in wanted else line
        for number, line in enumerate(lines)
    )
