"""What a query should find, written from the README's rules and nothing of kb's search code.

The rules (reference/search.md, "Search in Japanese"):

* a page's text and the query are folded: NFKC, lower case, NFKC again;
* in the page, a space or line break touching a Japanese character (kana,
  kanji, 々 〆 〇, ー) is not part of the text; other spaces stay, and no
  phrase runs from one block (paragraph, heading, list item, cell, code
  block) or field (title, each name, excerpt) into the next;
* the query is cut at spaces; quotation marks around a piece are dropped;
  a run of particles standing between two characters that are not hiragana
  cuts a piece in two (データセンターの電力), particles at its start or end
  are dropped;
* a page matches when its text contains every piece, character for
  character, symbols included.

Japanese characters are told by their Unicode names here, not by the code
point ranges kb uses, so a disagreement between the two shows up in tests.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import cache

PARTICLES = ("から", "まで", "との", "の", "と", "を", "に", "は", "が", "で", "や", "へ")
QUOTES = '"“”「」『』'
# Block boundaries and the separator between names: never inside a phrase.
HARD = "\n\x1f"
_JAPANESE_NAMES = (
    "CJK UNIFIED IDEOGRAPH",
    "CJK COMPATIBILITY IDEOGRAPH",
    "HIRAGANA",
    "KATAKANA",
    "COMBINING KATAKANA-HIRAGANA",
    "IDEOGRAPHIC ITERATION MARK",
    "IDEOGRAPHIC CLOSING MARK",
    "IDEOGRAPHIC NUMBER ZERO",
)


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).lower())


@cache
def japanese(char: str) -> bool:
    name = unicodedata.name(char, "")
    if name in ("KATAKANA MIDDLE DOT", "KATAKANA-HIRAGANA DOUBLE HYPHEN"):
        return False  # punctuation
    return name.startswith(_JAPANESE_NAMES)


def hiragana(char: str) -> bool:
    return "\u3041" <= char <= "\u309f"


def soft_space(char: str) -> bool:
    # str.isspace also counts the information separators U+001C–U+001F.
    return char.isspace() and char not in HARD and not "\x1c" <= char <= "\x1e"


def page_text(blocks: Iterable[str]) -> str:
    """The folded text of a page given its blocks (and fields), spaces by Japanese dropped."""
    folded = "\n".join(fold(block).replace("\n", " ") for block in blocks)
    out: list[str] = []
    i = 0
    while i < len(folded):
        if not soft_space(folded[i]):
            out.append(folded[i])
            i += 1
            continue
        j = i
        while j < len(folded) and soft_space(folded[j]):
            j += 1
        touches = (i > 0 and japanese(folded[i - 1])) or (j < len(folded) and japanese(folded[j]))
        if not touches:
            out.append(folded[i:j])
        i = j
    return "".join(out)


def _particles_only(text: str) -> bool:
    """True when ``text`` is one or more particles end to end."""
    if not text:
        return False
    ends = {0}
    for at in range(len(text)):
        if at in ends:
            for particle in PARTICLES:
                if text.startswith(particle, at):
                    ends.add(at + len(particle))
    return len(text) in ends


def _cut_particles(piece: str) -> list[str]:
    out: list[str] = []
    current = ""
    i = 0
    while i < len(piece):
        if not hiragana(piece[i]):
            current += piece[i]
            i += 1
            continue
        j = i
        while j < len(piece) and hiragana(piece[j]):
            j += 1
        run = piece[i:j]
        if i == 0 and j < len(piece) and _particles_only(run):
            pass  # particles before the first word
        elif i > 0 and _particles_only(run):
            out.append(current)
            current = ""
        else:
            current += run
        i = j
    out.append(current)
    return [part for part in out if part]


def query_pieces(query: str) -> list[str]:
    pieces: list[str] = []
    for word in "".join(" " if soft_space(c) or c in HARD else c for c in fold(query)).split(" "):
        for piece in _cut_particles(word.strip(QUOTES)):
            piece = piece.strip(QUOTES)
            if piece and piece not in pieces:
                pieces.append(piece)
    return pieces


def holds(text: str, query: str) -> bool:
    """True when a page of (compact) ``text`` matches ``query``."""
    pieces = query_pieces(query)
    return bool(pieces) and all(piece in text for piece in pieces)


# --- a built page as a reader sees it ---------------------------------------

BLOCK_ELEMENTS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "dd", "details", "div",
        "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
        "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip


def html_blocks(html: str) -> list[str]:
    """The blocks of text of a built page's main content (BeautifulSoup), generated lists aside."""
    from bs4 import BeautifulSoup, NavigableString, Tag
    from bs4.element import Comment

    soup = BeautifulSoup(html, "html.parser")
    main = soup.select_one('[role="main"]') or soup.body
    if main is None:
        return []
    for element in main.select(".headerlink, script, style, .no-search"):
        element.decompose()
    blocks: list[str] = [""]

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                blocks[-1] += str(child)
            elif isinstance(child, Tag):
                if child.name == "br":
                    blocks[-1] += " "
                elif child.name in BLOCK_ELEMENTS:
                    blocks.append("")
                    walk(child)
                    blocks.append("")
                else:
                    walk(child)

    walk(main)
    return [block for block in blocks if block.strip()]
