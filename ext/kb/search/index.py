"""Page lists packed into short ASCII strings.

Bigrams make many postings, and JSON arrays of decimal numbers are several
times larger than needed. No library packs integer lists for both Python and
a browser without a build step, hence these few lines; ``kb-search.js`` holds
the same decoder.

A list is written as:

* a number, for one page (as Sphinx does);
* ``"~"`` and a bitmap, six pages per character, when most pages are in it;
* otherwise the gaps between page numbers, five bits per character with a
  continuation bit, so a gap under 32 costs one character.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_VALUE = {char: value for value, char in enumerate(ALPHABET)}
#: The set bits of each bitmap cell, so decoding never tests an empty bit:
#: the index is decoded on every build, and that loop was its largest cost.
_BITS = {char: tuple(bit for bit in range(6) if value >> bit & 1) for char, value in _VALUE.items()}
BITMAP = "~"


#: Gaps under 32,768 (up to three characters) come from a table, so packing a
#: list is one join of lookups.
TABLE_SIZE = 1 << 15


def gap_text(gap: int) -> str:
    """One gap: five bits a character, lowest first, a continuation bit on all but the last."""
    chars = []
    while True:
        chunk, gap = gap & 31, gap >> 5
        chars.append(ALPHABET[chunk | (32 if gap else 0)])
        if not gap:
            return "".join(chars)


def _gap_table() -> list[str]:
    """:func:`gap_text` of every gap under :data:`TABLE_SIZE`, made from the characters'
    combinations (calling it 32,768 times was 20 ms of every build's start)."""
    last = ALPHABET[:32]  # the last character: no continuation bit
    more = ALPHABET[32:]  # every other: the continuation bit set
    return [
        *last,
        *(low + high for high in last[1:] for low in more),
        *(low + middle + high for high in last[1:] for middle in more for low in more),
    ]


GAP_TABLE = _gap_table()
# Indexed by the step from one number to the next (the gap plus one), so a
# list packs with C loops: map(sub, numbers, [-1, *numbers]).
_STEP_TABLE = ["", *GAP_TABLE]


def pack_gaps(numbers: Sequence[int]) -> str:
    """Increasing numbers as gaps (the first from -1), five bits a character."""
    if numbers[-1] < TABLE_SIZE:
        return "".join(map(_STEP_TABLE.__getitem__, map(operator.sub, numbers, [-1, *numbers])))
    return "".join(
        _STEP_TABLE[step] if step <= TABLE_SIZE else gap_text(step - 1)
        for step in map(operator.sub, numbers, [-1, *numbers])
    )


def _bitmap(ids: Sequence[int]) -> str:
    cells = [0] * (ids[-1] // 6 + 1)
    for page in ids:
        cells[page // 6] |= 1 << (page % 6)
    return BITMAP + "".join(map(ALPHABET.__getitem__, cells))


def encode(pages: Iterable[int]) -> int | str:
    return encode_sorted(sorted(set(pages)))


def encode_sorted(ids: Sequence[int]) -> int | str:
    """:func:`encode` of page ids already increasing and distinct (an index's page lists)."""
    if len(ids) == 1:
        return ids[0]
    if not ids:
        return ""
    bitmap_length = ids[-1] // 6 + 2
    if len(ids) > bitmap_length:
        # Gaps take a character a page at least: the bitmap is shorter.
        return _bitmap(ids)
    delta = pack_gaps(ids)
    return _bitmap(ids) if bitmap_length < len(delta) else delta


def decode(value: int | str | list[int]) -> list[int]:
    if isinstance(value, int):
        return [value]
    if isinstance(value, list):
        return value
    if value.startswith(BITMAP):
        return [
            base + bit
            for base, char in zip(range(0, 6 * len(value), 6), value[1:], strict=False)
            for bit in _BITS[char]
        ]
    pages: list[int] = []
    previous, gap, shift = -1, 0, 0
    for char in value:
        bits = _VALUE[char]
        gap |= (bits & 31) << shift
        if bits & 32:
            shift += 5
            continue
        previous += gap + 1
        pages.append(previous)
        gap = shift = 0
    return pages
