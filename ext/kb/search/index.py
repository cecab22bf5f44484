"""A smaller ``searchindex.js``: the same index, its postings packed into strings.

Bigrams make several times more postings than TinySegmenter's words, and
Sphinx writes each posting list as a JSON array of decimal numbers with every
Japanese key escaped (``"\\u30c7\\u30fc"``). This format writes keys as UTF-8
and each list of page numbers as a short ASCII string, so the file stays
about the size of stock Sphinx's (measured in the tests and the README).

Sphinx reads its previous index back on incremental builds through the same
object (``builder.indexer_format``), so :meth:`KbIndexFormat.loads` unpacks the
strings again and Sphinx sees the lists it wrote. No library packs integer
lists for both Python and a browser without a build step, hence these few
lines; ``kb-search.js`` holds the same decoder.

A list is written as:

* a number, for one page (as Sphinx does);
* ``"~"`` and a bitmap, six pages per character, when most pages are in it;
* otherwise the gaps between page numbers, five bits per character with a
  continuation bit, so a gap under 32 costs one character.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_VALUE = {char: value for value, char in enumerate(ALPHABET)}
#: The set bits of each bitmap cell, so decoding never tests an empty bit:
#: the index is decoded on every build, and that loop was its largest cost.
_BITS = {char: tuple(bit for bit in range(6) if value >> bit & 1) for char, value in _VALUE.items()}
BITMAP = "~"
#: The mappings of ``searchindex.js`` whose values are page-number lists.
POSTING_KEYS = ("terms", "titleterms")


def encode(pages: Iterable[int]) -> int | str:
    ids = sorted(set(pages))
    if len(ids) == 1:
        return ids[0]
    gaps: list[str] = []
    previous = -1
    for page in ids:
        gap = page - previous - 1
        previous = page
        while True:
            chunk, gap = gap & 31, gap >> 5
            gaps.append(ALPHABET[chunk | (32 if gap else 0)])
            if not gap:
                break
    delta = "".join(gaps)
    if not ids:
        return delta
    cells = [0] * (ids[-1] // 6 + 1)
    for page in ids:
        cells[page // 6] |= 1 << (page % 6)
    bitmap = BITMAP + "".join(ALPHABET[cell] for cell in cells)
    return bitmap if len(bitmap) < len(delta) else delta


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


class KbIndexFormat:
    """Drop-in for ``sphinx.search.js_index`` (the builder's ``indexer_format``)."""

    PREFIX = "Search.setIndex("
    SUFFIX = ")"

    def __init__(self) -> None:
        # page list -> its packed form, remembered from the index this build
        # loaded: most terms keep their pages between builds, and packing every
        # list again was most of a no-op rebuild's cost.
        self._packed: dict[tuple[int, ...], int | str] = {}

    def _pack(self, pages: int | str | list[int]) -> int | str:
        key = tuple(pages) if isinstance(pages, list) else None
        if key is not None:
            known = self._packed.get(key)
            if known is not None:
                return known
        packed = encode(decode(pages))
        if key is not None:
            self._packed[key] = packed
        return packed

    def dumps(self, data: dict[str, Any]) -> str:
        packed = dict(data)
        for key in POSTING_KEYS:
            packed[key] = {term: self._pack(pages) for term, pages in data.get(key, {}).items()}
        text = json.dumps(packed, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        # JSON allows "<" raw; escaped, no front matter value can ever read as
        # markup, wherever the script's text ends up.
        return self.PREFIX + text.replace("<", "\\u003c") + self.SUFFIX

    def loads(self, text: str) -> Any:
        if not text.startswith(self.PREFIX) or not text.endswith(self.SUFFIX):
            msg = "invalid data"
            raise ValueError(msg)
        data = json.loads(text[len(self.PREFIX) : -len(self.SUFFIX)])
        for key in POSTING_KEYS:
            if isinstance(data.get(key), dict):
                data[key] = {term: self._unpack(pages) for term, pages in data[key].items()}
        return data

    def _unpack(self, value: int | str | list[int]) -> int | list[int]:
        pages = decode(value)
        if not isinstance(value, list):
            self._packed[tuple(pages)] = value
        return pages[0] if len(pages) == 1 else pages

    def dump(self, data: Any, stream: Any) -> None:
        stream.write(self.dumps(data))

    def load(self, stream: Any) -> Any:
        return self.loads(stream.read())
