"""Social cards: a 1200×630 PNG with an article's title, the site name and the date.

No Sphinx here. The title is Japanese, so the font is pinned rather than
found: Pillow's default font has no kana or kanji and fontconfig's choice
differs from machine to machine, which would show missing-glyph boxes on one
and change every card's bytes on another. kb relies on the Noto Sans CJK JP
Bold face of Debian's and Ubuntu's ``fonts-noto-cjk`` package, installed by
``.ci/run`` and by ``.readthedocs.yaml``; ``kb_card_font`` names another file.

The same inputs give the same bytes (no timestamps or text chunks in the PNG),
and :func:`card_key` changes exactly when what a card shows changes, so a build
can skip every card whose key it has seen.
"""

from __future__ import annotations

import functools
import hashlib
import struct
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kb.pictures.cardfont import FontSpec, check_font, face_index

if TYPE_CHECKING:
    from PIL import Image

# Pillow is imported by the functions that draw: a rebuild that draws no card
# (most draw none) never loads it.

WIDTH, HEIGHT = 1200, 630
#: Raised whenever the drawing changes, so every card is redrawn once.
LAYOUT_VERSION = "3"

_MARGIN = 80
_TITLE_SIZES = (68, 60, 52, 46)
_TITLE_LINES = 4
_FOOTER_SIZE = 30
_BACKGROUND = (15, 23, 42)
_ACCENT = (56, 189, 248)
_TEXT = (248, 250, 252)

# Japanese line-breaking rules (kinsoku): these never start a line...
_NO_LINE_START = frozenset(
    "、。，．,.・：；:;？！?!ー—‐～〜…‥」』）)］]｝}〕〉》】〙〗’”ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ々ゝゞヽヾ"
)
# ...and these never end one.
_NO_LINE_END = frozenset("「『（(［[｛{〔〈《【〘〖‘“")


@dataclass(frozen=True)
class Card:
    """What a card shows; two equal cards are the same PNG."""

    title: str
    site: str
    date: str


def card_key(card: Card, font: FontSpec) -> str:
    """A digest that changes exactly when the card's pixels would."""
    parts = (LAYOUT_VERSION, font.identity(), card.title, card.site, card.date)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


# --- layout ----------------------------------------------------------------------------


#: Characters of a title laid out at most: four lines of the narrowest glyphs
#: hold far fewer, so drawing a card stays bounded whatever the title.
MAX_TITLE_CHARS = 2000
#: Marks drawn onto one character at most: more only pile up in one spot.
_MAX_MARKS = 8


def _drawable(title: str) -> str:
    """``title`` as the card draws it: without invisible format characters (zero-width
    spaces, joiners, direction marks, which basic layout draws as nothing) and with at
    most :data:`_MAX_MARKS` marks on one character, so what is left is what shows."""
    kept: list[str] = []
    marks = 0
    for char in title:
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        if category in ("Mn", "Me"):
            marks += 1
            if marks > _MAX_MARKS:
                continue
        else:
            marks = 0
        kept.append(char)
    return "".join(kept)
#: Characters that may not end a line carried over to the next one, at most.
_CARRY = 3


def _attaches(char: str) -> bool:
    """True for a character drawn onto the one before it (combining marks, joiners,
    variation selectors): a line never breaks before it."""
    return unicodedata.combining(char) > 0 or unicodedata.category(char) in ("Mn", "Me", "Cf")


def _units(text: str) -> list[str]:
    """``text`` cut where a line may break: between Japanese characters, never inside a
    Latin word, never between a character and the marks drawn onto it."""
    units: list[str] = []
    word: list[str] = []
    marks: list[str] = []  # marks on the last unit, joined once it is complete
    for char in text:
        if _attaches(char) and (word or (units and not units[-1].isspace())):
            (word if word else marks).append(char)
            continue
        if marks:
            units[-1] += "".join(marks)
            marks = []
        if char.isascii() and not char.isspace():
            word.append(char)
            continue
        if word:
            units.append("".join(word))
            word = []
        units.append(char)
    if marks:
        units[-1] += "".join(marks)
    if word:
        units.append("".join(word))
    return units


def _pieces(
    unit: str, width: float, width_of: Callable[[str], float], max_width: float
) -> list[tuple[str, float]]:
    """``unit`` (of width ``width``) cut into pieces no wider than ``max_width``, between
    characters and never before a mark: a word longer than a line is broken, not lost
    off the card's edge. Each character is measured once."""
    if width <= max_width or len(unit) == 1:
        return [(unit, width)]
    clusters: list[tuple[list[str], list[float]]] = []  # a character and its marks
    for char in unit:
        if not clusters or not _attaches(char):
            clusters.append(([], []))
        clusters[-1][0].append(char)
        clusters[-1][1].append(width_of(char))
    pieces: list[tuple[str, float]] = []
    piece: list[str] = []
    used = 0.0
    for chars, advances in clusters:
        wide = sum(advances)
        if piece and used + wide > max_width:
            pieces.append(("".join(piece), used))
            piece, used = [], 0.0
        piece.extend(chars)
        used += wide
    pieces.append(("".join(piece), used))
    return pieces


def wrap(
    text: str,
    width_of: Callable[[str], float],
    max_width: float,
    max_lines: int | None = None,
) -> list[str]:
    """Lines of ``text`` no wider than ``max_width`` by ``width_of``, following kinsoku rules.

    ``width_of`` must add up (the width of a text is the sum of its parts', as
    with glyph advances): each character is measured once or twice, so the
    work is linear in the text. One character that may not start a line hangs
    past the end of the line rather than start the next one; up to
    :data:`_CARRY` characters that may not end a line move to the next. A word
    wider than a line is broken between characters. With ``max_lines``,
    wrapping stops once there are more lines than that.
    """
    lines: list[str] = []
    line: list[tuple[str, float]] = []
    used = 0.0
    hung = False
    for unit in _units(" ".join(text.split())):
        if not line and unit == " ":
            continue
        for piece, width in _pieces(unit, width_of(unit), width_of, max_width):
            if used + width <= max_width or not line:
                line.append((piece, width))
                used += width
                continue
            if piece in _NO_LINE_START and not hung:
                line.append((piece, width))  # hangs past the end of the line
                used += width
                hung = True
                continue
            carried: list[tuple[str, float]] = []
            carried_width = 0.0
            while (
                len(line) > 1
                and len(carried) < _CARRY
                and line[-1][0] in _NO_LINE_END
                and carried_width + line[-1][1] + width <= max_width
            ):
                carried_width += line[-1][1]
                carried.insert(0, line.pop())
            lines.append("".join(part for part, _ in line).rstrip())
            if max_lines is not None and len(lines) > max_lines:
                return lines
            line = [*carried, (piece, width)] if piece != " " or carried else []
            used = carried_width + width if line else 0.0
            hung = False
    rest = "".join(part for part, _ in line)
    if rest.strip():
        lines.append(rest.rstrip())
    return lines


class _Glyphs:
    """Rendered glyphs of one face and size, kept for the whole build.

    Drawing a line with FreeType rasterises every glyph again; titles share
    most of their kana and kanji, so caching each glyph's coverage and
    pasting it makes drawing a card's text cheap after the first few hundred.
    Glyphs are placed by their advance widths without kerning, as Pillow's
    basic layout does.
    """

    def __init__(self, path: str, face: str, size: int) -> None:
        from PIL import ImageFont

        self.font = ImageFont.truetype(
            path, size, index=face_index(path, face), layout_engine=ImageFont.Layout.BASIC
        )
        self.size = size
        self._advance: dict[str, float] = {}
        self._mask: dict[str, tuple[Image.Image, int, int] | None] = {}

    def advance(self, char: str) -> float:
        width = self._advance.get(char)
        if width is None:
            width = self._advance[char] = self.font.getlength(char)
        return width

    def width(self, text: str) -> float:
        return sum(self.advance(char) for char in text)

    def mask(self, char: str) -> tuple[Image.Image, int, int] | None:
        if char not in self._mask:
            left, top, right, bottom = (int(edge) for edge in self.font.getbbox(char))
            if right <= left or bottom <= top:
                self._mask[char] = None
            else:
                from PIL import Image, ImageDraw

                glyph = Image.new("L", (right - left, bottom - top), 0)
                ImageDraw.Draw(glyph).text((-left, -top), char, font=self.font, fill=255)
                self._mask[char] = (glyph, left, top)
        return self._mask[char]

    def draw(self, image: Image.Image, x: float, y: int, text: str, level: int) -> None:
        """Draw ``text`` with its top (the ascender line) at ``y``, starting at ``x``."""
        for char in text:
            placed = self.mask(char)
            if placed is not None:
                glyph, left, top = placed
                image.paste(level, (round(x) + left, y + top), glyph)
            x += self.advance(char)


@functools.lru_cache(maxsize=16)
def _glyphs(path: str, face: str, size: int) -> _Glyphs:
    return _Glyphs(path, face, size)


def _fitted_title(title: str, font: FontSpec) -> tuple[list[str], _Glyphs]:
    width = WIDTH - 2 * _MARGIN
    title = _drawable(title)
    cut = len(title) > MAX_TITLE_CHARS
    title = title[:MAX_TITLE_CHARS]
    lines: list[str] = []
    glyphs = _glyphs(font.path, font.face, _TITLE_SIZES[0])
    for size in _TITLE_SIZES:
        glyphs = _glyphs(font.path, font.face, size)
        lines = wrap(title, glyphs.width, width, max_lines=_TITLE_LINES)
        if len(lines) <= _TITLE_LINES and not cut:
            return lines, glyphs
    kept = lines[:_TITLE_LINES]
    kept[-1] = _clipped(kept[-1], glyphs, width, always=True)
    return kept, glyphs


def _clipped(text: str, glyphs: _Glyphs, room: float, always: bool = False) -> str:
    """``text`` cut to fit ``room`` with "…" at its end (``always``: even when it fits)."""
    total = glyphs.width(text)
    if total <= room and not always:
        return text
    # Characters leave from the end until the rest and "…" fit, each measured once.
    budget = room - glyphs.advance("…")
    end = len(text)
    while end and total > budget:
        end -= 1
        total -= glyphs.advance(text[end])
    text = text[:end].rstrip()
    return text + "…" if text else ""


def render(card: Card, font: FontSpec | None = None) -> bytes:
    """The PNG bytes of ``card``. Raises :class:`FontMissingError` without the font."""
    font = font or FontSpec()
    check_font(font)
    # Drawn as 8-bit coverage and saved as a 16-colour palette PNG: a card is
    # mostly the edges of glyphs, and 15 steps of antialiasing (which the eye
    # does not tell from 255 at this size) take 30% fewer bytes than 255.
    image = _background().copy()
    lines, title = _fitted_title(" ".join(card.title.split()), font)
    line_height = round(title.size * 1.4)
    for number, line in enumerate(lines):
        title.draw(image, _MARGIN, _MARGIN + 10 + number * line_height, line, _LEVEL_TEXT)
    footer = _glyphs(font.path, font.face, _FOOTER_SIZE)
    footer_top = _RULE + 26
    date = _clipped(" ".join(card.date.split()), footer, (WIDTH - 2 * _MARGIN) / 2)
    date_width = footer.width(date)
    footer.draw(image, WIDTH - _MARGIN - date_width, footer_top, date, _LEVEL_MUTED)
    site = _clipped(" ".join(card.site.split()), footer, WIDTH - 2 * _MARGIN - date_width - 40)
    footer.draw(image, _MARGIN, footer_top, site, _LEVEL_SITE)
    return _png(_scanlines(image))


_RULE = HEIGHT - 110
#: Rows per band of the compressed image: a band without text is the same on every card.
_BAND = 16


def _deflate(raw: bytes) -> bytes:
    """Raw deflate blocks of ``raw``, ending on a byte boundary, independent of what
    comes before or after them (so bands can be joined in any order)."""
    # zlib's run-length strategy: a card is long runs of one colour, and this
    # compresses it twice as fast as the default for 8% more bytes.
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15, 9, zlib.Z_RLE)
    return compressor.compress(raw) + compressor.flush(zlib.Z_FULL_FLUSH)


def _scanlines(image: Image.Image) -> bytes:
    """The PNG scanlines of ``image``: each row led by its filter type, 0 (none), then
    its pixels as palette indices, two to a byte."""
    from PIL import Image

    # Pillow's "P;4" packer puts two pixels in a byte, high nibble first, as PNG does.
    indices = Image.frombytes("P", image.size, image.tobytes().translate(_TO_INDEX))
    packed = indices.tobytes("raw", "P;4")
    row = WIDTH // 2
    return b"".join(
        b"\x00" + packed[y * row : (y + 1) * row] for y in range(HEIGHT)
    )


_LINE = WIDTH // 2 + 1


@functools.lru_cache(maxsize=1024)
def _plain_bands(first: int, last: int) -> bytes:
    """Bands ``first`` to ``last`` of the bare background, compressed once per build."""
    return _deflate(_background_scanlines()[first * _BAND * _LINE : last * _BAND * _LINE])


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(scanlines: bytes) -> bytes:
    """The palette PNG of a card's levels; only the bands that differ from the bare
    background are compressed here (most of a card is background, and compressing
    it was most of a card's cost). Same pixels, same bytes."""
    background = _background_scanlines()
    size = _BAND * _LINE
    bands = -(-HEIGHT // _BAND)
    plain = [
        scanlines[band * size : (band + 1) * size] == background[band * size : (band + 1) * size]
        for band in range(bands)
    ]
    parts: list[bytes] = []
    start = 0
    while start < bands:
        end = start
        while end < bands and plain[end] == plain[start]:
            end += 1
        if plain[start]:
            parts.append(_plain_bands(start, end))
        else:
            parts.append(_deflate(scanlines[start * size : end * size]))
        start = end
    parts.append(zlib.compressobj(6, zlib.DEFLATED, -15).flush())  # the final, empty block
    stream = b"\x78\x9c" + b"".join(parts) + struct.pack(">I", zlib.adler32(scanlines))
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 4, 3, 0, 0, 0)  # 4-bit palette
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"PLTE", bytes(_PALETTE)),
            _chunk(b"IDAT", stream),
            _chunk(b"IEND", b""),
        )
    )


@functools.lru_cache(maxsize=1)
def _background() -> Image.Image:
    from PIL import Image, ImageDraw

    image = Image.new("L", (WIDTH, HEIGHT), 0)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 12), fill=_LEVEL_ACCENT)
    draw.line((_MARGIN, _RULE, WIDTH - _MARGIN, _RULE), fill=_LEVEL_RULE, width=2)
    return image


@functools.lru_cache(maxsize=1)
def _background_scanlines() -> bytes:
    return _scanlines(_background())


# The coverage image holds levels, not colours: level 0 is the background and
# 254 the text colour, with a straight blend between them, so antialiased
# edges and dimmer text (a lower level) come out right by themselves. Text
# never reaches 255, which is free for the flat accent bar.
_LEVEL_TEXT = 254
_LEVEL_SITE = 220
_LEVEL_MUTED = 150
_LEVEL_RULE = 60
_LEVEL_ACCENT = 255


#: Steps of the blend from background (index 0) to text (index 14); index 15 is the accent.
_STEPS = 15


def _palette() -> list[int]:
    palette: list[int] = []
    for step in range(_STEPS):
        palette.extend(
            round(back + (front - back) * step / (_STEPS - 1))
            for back, front in zip(_BACKGROUND, _TEXT, strict=True)
        )
    palette.extend(_ACCENT)
    return palette


#: Coverage level (0-254) to its nearest palette step; 255 (the accent) to the accent.
_TO_INDEX = bytes(
    [round(level * (_STEPS - 1) / _LEVEL_TEXT) for level in range(_LEVEL_TEXT + 1)] + [_STEPS]
)


_PALETTE = _palette()
