"""The pinned font of the social cards: which file, which face, and which characters
it can draw (read from the font's own cmap table; no Sphinx here).
"""

from __future__ import annotations

import functools
import os
import struct
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kb.core.settings import CARD_FONT

#: The font file kb relies on, from the fonts-noto-cjk package.
FONT_FILE = CARD_FONT
#: The face in that collection: Japanese glyph shapes (index 0 is JP).
FONT_FACE = "Noto Sans CJK JP"
#: The Debian and Ubuntu package that installs :data:`FONT_FILE`.
FONT_PACKAGE = "fonts-noto-cjk"


class FontMissingError(FileNotFoundError):
    """The pinned CJK font is not installed."""


@dataclass(frozen=True)
class FontSpec:
    """A font file and the face in it."""

    path: str = FONT_FILE
    face: str = FONT_FACE

    def identity(self) -> str:
        """What changes when the font does: its path, face, size and modification time."""
        try:
            status = os.stat(self.path)
        except OSError:
            return f"{self.path}|{self.face}|missing"
        return f"{self.path}|{self.face}|{status.st_size}|{status.st_mtime_ns}"




@functools.lru_cache(maxsize=8)
def face_index(path: str, face: str) -> int:
    # Pillow is imported where a font is opened: a rebuild that draws no card
    # never loads it (15 ms and 5 MB).
    from PIL import ImageFont

    for index in range(64):
        try:
            font = ImageFont.truetype(path, 12, index=index)
        except OSError:
            break
        if font.getname()[0] == face:
            return index
    raise FontMissingError(f"{path} has no face named {face!r}")


def check_font(font: FontSpec) -> None:
    """Raise :class:`FontMissingError` unless ``font`` can be loaded."""
    if not os.path.isfile(font.path):
        raise FontMissingError(
            f"the card font {font.path} is not installed "
            f"(apt-get install {FONT_PACKAGE}, or set kb_card_font)"
        )
    face_index(font.path, font.face)


def _sfnt_offset(data: bytes, face_index: int) -> int:
    if data[:4] == b"ttcf":
        (count,) = struct.unpack_from(">I", data, 8)
        if face_index >= count:
            raise ValueError(f"the collection has {count} faces, not {face_index + 1}")
        (offset,) = struct.unpack_from(">I", data, 12 + 4 * face_index)
        return int(offset)
    return 0


@functools.lru_cache(maxsize=4)
def _code_points(path: str, face_index: int) -> frozenset[int]:
    """Every code point the face maps to a glyph, read from its ``cmap`` table."""
    data = Path(path).read_bytes()
    base = _sfnt_offset(data, face_index)
    (tables,) = struct.unpack_from(">H", data, base + 4)
    cmap = None
    for record in range(tables):
        tag, _, offset, _ = struct.unpack_from(">4sIII", data, base + 12 + 16 * record)
        if tag == b"cmap":
            cmap = offset
    if cmap is None:
        raise ValueError(f"{path} has no cmap table")
    (subtables,) = struct.unpack_from(">H", data, cmap + 2)
    found: set[int] = set()
    for index in range(subtables):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * index)
        if (platform, encoding) not in ((3, 1), (3, 10), (0, 3), (0, 4)):
            continue
        start = cmap + offset
        (kind,) = struct.unpack_from(">H", data, start)
        if kind == 12:
            (groups,) = struct.unpack_from(">I", data, start + 12)
            for group in range(groups):
                first, last, _ = struct.unpack_from(">III", data, start + 16 + 12 * group)
                found.update(range(first, last + 1))
        elif kind == 4:
            found.update(_format4(data, start))
    return frozenset(found)


def _format4(data: bytes, start: int) -> Iterable[int]:
    (double_segments,) = struct.unpack_from(">H", data, start + 6)
    count = double_segments // 2
    ends = struct.unpack_from(f">{count}H", data, start + 14)
    starts = struct.unpack_from(f">{count}H", data, start + 16 + double_segments)
    deltas = struct.unpack_from(f">{count}h", data, start + 16 + 2 * double_segments)
    range_offsets_at = start + 16 + 3 * double_segments
    range_offsets = struct.unpack_from(f">{count}H", data, range_offsets_at)
    for segment in range(count):
        for code in range(starts[segment], ends[segment] + 1):
            if code == 0xFFFF:
                continue
            if range_offsets[segment] == 0:
                glyph = (code + deltas[segment]) & 0xFFFF
            else:
                at = (
                    range_offsets_at
                    + 2 * segment
                    + range_offsets[segment]
                    + 2 * (code - starts[segment])
                )
                (glyph,) = struct.unpack_from(">H", data, at)
                if glyph:
                    glyph = (glyph + deltas[segment]) & 0xFFFF
            if glyph:
                yield code


def missing_glyphs(text: str, font: FontSpec | None = None) -> list[str]:
    """The characters of ``text`` the font has no glyph for (spaces and controls aside)."""
    font = font or FontSpec()
    covered = _code_points(font.path, face_index(font.path, font.face))
    missing: list[str] = []
    for char in text:
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
            continue
        if ord(char) not in covered and char not in missing:
            missing.append(char)
    return missing
