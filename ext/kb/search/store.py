"""The chunked search index: what a page contributes, and the files a query loads.

No Sphinx here: the extension (``kb.sphinx.searching``) hands in one :class:`PageRecord`
per page and this module writes the index under ``kb-search/`` in the output
folder, through the build's one writer (:class:`IndexFiles`);
``benchmarks/search_scale.py`` uses it to index 20,000 generated pages
without a Sphinx build.

Layout (every file is a script calling ``KbSearch.*``, so ``file://`` works):

``kb-search/index.js``
    the manifest: number of pages and of buckets. A query loads it and then
    only the buckets that hold its keys.
``kb-search/t/<b>.js``
    postings: key -> page ids, and the ids of pages holding the key in their
    title, in their names (tags, categories, authors, glossary names and
    aliases), in their excerpt, and of pages holding it in code only (code
    ranks below prose); the key's bucket is a hash of the key, so a
    page's change touches only the buckets of keys it gained or lost.
``kb-search/x/<b>.js``
    positions: key -> for each page, where the key starts in the page's
    folded text. A query of several tokens proves its phrase with them, so
    the count it shows is exact without reading any page.
``kb-search/d/<id>.js``
    one page: its name, address, title, date and its text compressed
    (deflate, base64), read for the results on screen only: their snippets.

Keys of the postings:

* the words and pairs of :func:`kb.search.tokenizer.scan` (``gb200``,
  ``セン``, ``e_``, ``=>``, ``0月``), which also have positions;
* ``Ω`` (U+2126, the ohm sign) and a character that is not a letter or
  digit: pages holding it anywhere (a query of one character: ``ジ``, ``@``);
* ``Å`` (U+212B, the angstrom sign) and one to three characters of a Latin
  word: pages holding a word that contains them, and those words (``b20``
  finds ``gb200``).

Folding turns both prefixes into other characters (Ω, Å), so no word or pair
of a text can take their place.

Page ids follow the date (oldest first, pages without a date before every
article), so ties rank newest first with no date table in the browser; a new
article is the next id, and only a change of that order renumbers the pages
and rewrites the whole index.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kb.search.files import (
    ENTRY_SEPARATOR,
    POSITIONS_BUCKET_BYTES,
    POSTINGS_BUCKET_BYTES,
    IndexFiles,
    IndexState,
    Writer,
    bucket_of,
    buckets_for,
    json_length,
    manifest_text,
    pack_positions,
    page_file_text,
    posting_sets,
    posting_value,
    script,
    unscript,
)
from kb.search.index import GAP_TABLE, TABLE_SIZE, decode, encode, encode_sorted, pack_gaps
from kb.search.pagekeys import (
    FIELDS,
    GRAM,
    POSITIONS_LAYOUT,
    PageKeys,
    PageRecord,
    gram_keys,
    grams,
    page_keys,
)


class _FullIndex:
    """Postings and positions of every page, gathered in id order.

    Page lists grow as arrays (pages come in id order, so they stay sorted
    and distinct) and positions as packed strings joined every few hundred
    pages: a Python object per posting would take several hundred megabytes
    at 2,000 pages. A token with positions is looked up once per page: its
    page list and its packed positions share one entry.
    """

    def __init__(self) -> None:
        # token -> (pages, packed positions per page, joined every 256 pages)
        self.placed: dict[str, tuple[array[int], list[str]]] = {}
        self.unplaced: dict[str, array[int]] = {}
        self.in_fields: tuple[dict[str, list[int]], ...] = ({}, {}, {}, {})
        self.words: dict[str, set[str]] = defaultdict(set)

    def add(self, page_id: int, keys: PageKeys) -> None:
        gaps, placed, unplaced = GAP_TABLE, self.placed, self.unplaced
        for token, offsets in keys.positions.items():
            # Most tokens occur once or twice in a page: one or two table lookups.
            count = len(offsets)
            if count == 1 and offsets[0] < TABLE_SIZE:
                piece = gaps[offsets[0]]
            elif count == 2 and offsets[1] < TABLE_SIZE:
                piece = gaps[offsets[0]] + gaps[offsets[1] - offsets[0] - 1]
            else:
                piece = pack_gaps(offsets)
            entry = placed.get(token)
            if entry is None:
                placed[token] = (array("I", (page_id,)), [piece])
            else:
                entry[0].append(page_id)
                entry[1].append(piece)
        for key in keys.unplaced:
            held = unplaced.get(key)
            if held is None:
                unplaced[key] = array("I", (page_id,))
            else:
                held.append(page_id)
        for found, field_keys in zip(self.in_fields, (*keys.fields, keys.code_only), strict=True):
            for key in field_keys:
                found.setdefault(key, []).append(page_id)
        for word in keys.words:
            for key in gram_keys(word):
                self.words[key].add(word)
        if page_id % 256 == 255:
            self.join_positions()

    def join_positions(self) -> None:
        for _, pieces in self.placed.values():
            if len(pieces) > 1:
                pieces[:] = [ENTRY_SEPARATOR.join(pieces)]

    def values(self) -> tuple[dict[str, Any], dict[str, list[Any]], int, int]:
        """Postings and positions by key, with their sizes in bytes; empties the gathered data."""
        self.join_positions()
        empty: list[int] = []
        values: dict[str, Any] = {}
        # The pages of a token's positions are its pages in the postings, in order.
        x_values: dict[str, list[Any]] = {}
        t_bytes = x_bytes = 0
        for key, (held, (text,)) in self.placed.items():
            pages = encode_sorted(held)
            x_values[key] = [pages, text]
            x_bytes += len(text) + 1
            fields = [encode(found.get(key, empty)) for found in self.in_fields]
            while fields and fields[-1] == "":
                fields.pop()
            value = values[key] = [pages, *fields] if fields else pages
            t_bytes += len(key) * 3 + json_length(value) + 4
        self.placed.clear()
        for key, held in self.unplaced.items():
            sets = [held, *(found.get(key, empty) for found in self.in_fields)]
            words = self.words.get(key) if key.startswith(GRAM) else None
            value = values[key] = posting_value(sets, words)
            t_bytes += len(key) * 3 + json_length(value) + 4
        self.unplaced.clear()
        return values, x_values, t_bytes, x_bytes


def write_full(
    target: Path | IndexFiles,
    order: list[str],
    load: Callable[[str], PageRecord],
    keys_of: Callable[[PageRecord], PageKeys] = page_keys,
) -> IndexState:
    """Index every page of ``order`` from scratch; ``keys_of`` may hand back keys made
    elsewhere (by the processes that wrote the pages)."""
    writer = Writer(target)
    state = IndexState(order=list(order), layout=POSITIONS_LAYOUT)
    index = _FullIndex()
    for page_id, docname in enumerate(order):
        record = load(docname)
        state.digests[docname] = record.digest()
        writer.write(writer.path("d", page_id), page_file_text(page_id, record))
        index.add(page_id, keys_of(record))
    values, x_values, t_bytes, x_bytes = index.values()
    # Bucket counts from the packed sizes: a dense page list is a short bitmap.
    state.postings_buckets = buckets_for(t_bytes, POSTINGS_BUCKET_BYTES)
    state.positions_buckets = buckets_for(x_bytes, POSITIONS_BUCKET_BYTES)
    _write_buckets(writer, "t", "chunk", values, state.postings_buckets)
    del values
    _write_buckets(writer, "x", "positions", x_values, state.positions_buckets)
    writer.remove_beyond("t", state.postings_buckets)
    writer.remove_beyond("x", state.positions_buckets)
    writer.remove_beyond("d", len(order))
    writer.write(writer.path("index"), manifest_text(state))
    return state


def _write_buckets(
    writer: Writer, folder: str, kind: str, values: dict[str, Any], count: int
) -> None:
    buckets: list[dict[str, Any]] = [{} for _ in range(count)]
    for key, value in values.items():
        buckets[bucket_of(key, count)][key] = value
    for number, data in enumerate(buckets):
        writer.write(writer.path(folder, number), script(kind, number, data))


# --- updating the index for a few pages ---------------------------------------------


class _Changes:
    """What the changed pages change in the postings, the positions and the site's words."""

    def __init__(self) -> None:
        self.postings: dict[str, list[tuple[int, tuple[bool, ...]]]] = defaultdict(list)
        self.positions: dict[str, list[tuple[int, list[int] | None]]] = defaultdict(list)
        self.words: set[str] = set()

    def add(self, page_id: int, before: PageKeys, after: PageKeys) -> None:
        for key in before.keys | after.keys:
            was, now = before.membership(key), after.membership(key)
            if was != now:
                self.postings[key].append((page_id, now))
        for token in before.positions.keys() | after.positions.keys():
            was_at, now_at = before.positions.get(token), after.positions.get(token)
            if was_at != now_at:
                self.positions[token].append((page_id, now_at))
        self.words |= before.words ^ after.words


class _Buckets:
    """The buckets of one kind (``t`` or ``x``) read as they are needed, written once."""

    def __init__(self, writer: Writer, folder: str, kind: str, count: int) -> None:
        self.writer, self.folder, self.kind, self.count = writer, folder, kind, count
        self.loaded: dict[int, dict[str, Any]] = {}

    def of(self, key: str) -> dict[str, Any]:
        number = bucket_of(key, self.count)
        if number not in self.loaded:
            text = self.writer.read(self.writer.path(self.folder, number))
            self.loaded[number] = unscript(text) if text else {}
        return self.loaded[number]

    def write(self) -> None:
        for number, data in self.loaded.items():
            self.writer.write(self.writer.path(self.folder, number), script(self.kind, number, data))


def update(
    target: Path | IndexFiles,
    state: IndexState,
    changes: dict[str, tuple[PageRecord | None, PageRecord]],
) -> int:
    """Apply ``docname -> (old record or None, new record)`` to the files on disk.

    Ids are unchanged (the caller rewrites everything when the order changes).
    Only buckets of keys whose pages or positions changed are read and
    rewritten; returns the number of files written.
    """
    writer = Writer(target)
    ids = {docname: number for number, docname in enumerate(state.order)}
    found = _Changes()
    for docname, (old, new) in changes.items():
        page_id = ids[docname]
        writer.write(writer.path("d", page_id), page_file_text(page_id, new))
        state.digests[docname] = new.digest()
        found.add(page_id, page_keys(old) if old is not None else PageKeys(), page_keys(new))
    postings = _Buckets(writer, "t", "chunk", state.postings_buckets)
    _update_postings(postings, found)
    postings.write()
    positions = _Buckets(writer, "x", "positions", state.positions_buckets)
    _update_positions(positions, found)
    positions.write()
    writer.write(writer.path("index"), manifest_text(state))
    return writer.written


def _update_postings(buckets: _Buckets, found: _Changes) -> None:
    created: set[str] = set()
    emptied: set[str] = set()
    for key, edits in found.postings.items():
        data = buckets.of(key)
        value = data.get(key)
        sets: list[set[int]] = [set() for _ in range(1 + FIELDS)]
        words: set[str] | None = None
        if value is not None:
            sets, words = posting_sets(value)
        for page_id, flags in edits:
            for held, members in zip(flags, sets, strict=True):
                if held:
                    members.add(page_id)
                else:
                    members.discard(page_id)
        if not sets[0]:
            data.pop(key, None)
            if value is not None and key in found.words:
                emptied.add(key)
            continue
        if value is None and key in found.words:
            created.add(key)
        if key.startswith(GRAM):
            words = words or set()
        data[key] = posting_value(sets, words)
    _update_gram_words(buckets, created, emptied)


def _update_gram_words(buckets: _Buckets, created: set[str], emptied: set[str]) -> None:
    """A word new to the site, or gone from it, joins or leaves its grams' lists."""
    for word in created | emptied:
        for gram in grams(word):
            data = buckets.of(GRAM + gram)
            value = data.get(GRAM + gram)
            if value is None:
                continue
            sets, words = posting_sets(value)
            words = words or set()
            if word in created:
                words.add(word)
            else:
                words.discard(word)
            data[GRAM + gram] = posting_value(sets, words)


def _update_positions(buckets: _Buckets, found: _Changes) -> None:
    for token, moves in found.positions.items():
        data = buckets.of(token)
        value = data.get(token)
        entries: dict[int, str] = {}
        if value is not None:
            held_pages = decode(value[0])
            entries = dict(zip(held_pages, value[1].split(ENTRY_SEPARATOR), strict=True))
        for page_id, offsets in moves:
            if offsets is None:
                entries.pop(page_id, None)
            else:
                entries[page_id] = pack_positions(offsets)
        if not entries:
            data.pop(token, None)
            continue
        ordered = sorted(entries)
        data[token] = [encode(ordered), ENTRY_SEPARATOR.join(entries[page] for page in ordered)]
