"""The text a reader sees in a piece of raw HTML, for the search.

Markdown pages (imported Jekyll posts above all) carry HTML blocks and inline
tags: ``<div class="note">…</div>``, ``<details>``, ``<span>``, ``<br>``. The
reader sees their text; Sphinx's own index keeps it too (with a regular
expression); kb reads it with the standard library's tolerant parser, so
comments, scripts and styles stay out and entities read as the characters
they stand for.
"""

from __future__ import annotations

from html.parser import HTMLParser

#: Elements that end a block of text (a phrase never runs across them).
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "dd", "details", "div",
        "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
        "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip
#: Elements whose text is code.
CODE_TAGS = frozenset({"code", "kbd", "pre", "samp", "tt"})
_HIDDEN_TAGS = frozenset({"script", "style", "template", "textarea"})


class Piece:
    """Text of one block, and where code starts and ends in it."""

    def __init__(self) -> None:
        self.text = ""
        self.code: list[tuple[int, int]] = []

    def add(self, text: str, code: bool) -> None:
        if not text:
            return
        start = len(self.text)
        self.text += text
        if code:
            if self.code and self.code[-1][1] == start:
                self.code[-1] = (self.code[-1][0], len(self.text))
            else:
                self.code.append((start, len(self.text)))


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[Piece] = [Piece()]
        self.hidden = 0
        self.code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden += 1
        elif tag in BLOCK_TAGS:
            self.pieces.append(Piece())
        elif tag == "br":
            self.pieces[-1].add(" ", False)
        if tag in CODE_TAGS:
            self.code += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in BLOCK_TAGS:
            self.pieces.append(Piece())
        if tag in CODE_TAGS:
            self.code = max(self.code - 1, 0)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.pieces[-1].add(" ", False)
        elif tag in BLOCK_TAGS:
            self.pieces.append(Piece())

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.pieces[-1].add(data, self.code > 0)


def _read(markup: str) -> list[Piece]:
    reader = _Reader()
    reader.feed(markup)
    reader.close()
    return reader.pieces


def html_pieces(markup: str) -> list[Piece]:
    """The blocks of text of ``markup``, in order; empty ones left out."""
    return [piece for piece in _read(markup) if piece.text.strip()]


def html_inline_text(markup: str) -> str:
    """The text of an inline fragment (``<span>``, ``&amp;``, ``<br>``); blocks join with a space."""
    return " ".join(piece.text for piece in _read(markup) if piece.text)
