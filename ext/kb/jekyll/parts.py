"""Joining the parts of a post: the ``---END---`` markers and the seams between parts.

A generator writing a long post in parts marks each part's end with a
``---END---`` line; a part that stops mid-sentence is usually repeated at the
start of the next one. This module removes the markers, keeps each repeated
fragment once, names the seams where text was probably lost, and tells
whether a text ends mid-sentence. Pure: text in, text out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

#: A line that ends a part.
PART_MARKER = re.compile(r"^[ \t]*---END---[ \t]*$")
#: Blank lines (ideographic spaces included) at the start of a text.
LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t\u3000]*\n)+")

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
        if PART_MARKER.match(line):
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
        tail = LEADING_BLANK_LINES.sub("", part)
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


def content_line_numbers(text: str) -> list[int]:
    """1-based lines of ``text`` that hold something other than blanks and markers."""
    return [
        number
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip() and not PART_MARKER.match(line)
    ]
