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

import base64
import hashlib
import json
import re
import zlib
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from dataclasses import fields as dataclass_fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from kb.core.atomicfile import remove_file, write_atomically
from kb.search.index import GAP_TABLE, TABLE_SIZE, decode, encode, encode_sorted, pack_gaps
from kb.search.tokenizer import compact, fold_width_and_case, scan

#: Bumped whenever the files' shape changes; kb-search.js checks it.
#: 2: pairs of every character class, compact text, code spans in page files.
#: 3: pages holding a key in code only, for the rank.
#: 4: sections in page files; the facets (``f/<facet>.js``).
FORMAT = 4
FOLDER = "kb-search"
#: Bytes of postings (and of positions) per bucket the bucket count aims at:
#: a query of eight tokens then loads about 8 × 8 KB.
POSTINGS_BUCKET_BYTES = 8_000
POSITIONS_BUCKET_BYTES = 16_000
#: Page lists of a posting after its pages: the pages holding the key in the
#: title, in the names, in the excerpt, and those holding it in code only.
FIELDS = 4
UNIGRAM = "\u2126"
GRAM = "\u212b"
GRAM_MAX = 3
_ENTRY_SEPARATOR = ","


@dataclass(frozen=True)
class PageRecord:
    """What a reader can find on one page, as the search sees it."""

    docname: str
    #: Address of the page relative to the site root (``articles/a.html``, ``articles/a/``).
    url: str
    title: str
    #: ISO date (``2025-11-07``) or "" for pages without one; orders ids.
    date: str = ""
    #: Tags, categories, authors; glossary name and aliases. Rank like the title.
    names: tuple[str, ...] = ()
    #: Excerpt of an article, summary of a glossary entry.
    excerpt: str = ""
    #: The page's own text, one block a line; generated lists left out.
    body: str = ""
    #: Where the body holds code (literal blocks, inline code): start and end
    #: offsets in characters, in order, for snippets that show code as code.
    code: tuple[tuple[int, int], ...] = ()
    #: The page's sections: where each starts in the body (characters), its
    #: anchor and its heading; a result links to the section of its match.
    sections: tuple[tuple[int, str, str], ...] = ()

    def text(self) -> str:
        """The text a query is matched against, in four lines: title, names, excerpt, body.

        A control character between names, so no phrase runs from one name into the next.
        """
        return "\n".join(self.fields())

    def fields(self) -> list[str]:
        return [
            _one_line(self.title),
            "\x1f".join(_one_line(name) for name in self.names),
            _one_line(self.excerpt),
            self.body,
        ]

    def prose_text(self) -> str:
        """:meth:`text` with each code span replaced by a line break: the text outside code."""
        if not self.code:
            return self.text()
        shift = sum(len(field) + 1 for field in self.fields()[:3])
        pieces, at = [], 0
        for start, end in self.code:
            pieces.append(self.body[at:start])
            at = end
        pieces.append(self.body[at:])
        return self.text()[:shift] + "\n".join(pieces)

    def code_spans(self) -> list[int]:
        """The code spans as offsets in :meth:`text`, flattened: start, end, start, end…"""
        shift = sum(len(field) + 1 for field in self.fields()[:3])
        return [shift + at for span in self.code for at in span]

    def section_starts(self) -> list[list[Any]]:
        """The sections as offsets in :meth:`text`, each with its anchor and heading."""
        shift = sum(len(field) + 1 for field in self.fields()[:3])
        return [[shift + start, anchor, heading] for start, anchor, heading in self.sections]

    def digest(self) -> str:
        # The fields in order, without asdict's deep copy (a body is thousands of characters).
        data = json.dumps([getattr(self, name) for name in _RECORD_FIELDS], ensure_ascii=False)
        return hashlib.sha1(data.encode("utf-8")).hexdigest()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageRecord:
        return cls(
            **{
                **data,
                "names": tuple(data.get("names", ())),
                "code": tuple((start, end) for start, end in data.get("code", ())),
                "sections": tuple(
                    (start, anchor, heading) for start, anchor, heading in data.get("sections", ())
                ),
            }
        )


_RECORD_FIELDS = tuple(item.name for item in dataclass_fields(PageRecord))


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- what one page contributes -----------------------------------------------


@dataclass
class PageKeys:
    """The keys of one page: token positions, and which keys each field holds."""

    #: token -> its start offsets in the folded text (tokens with positions).
    positions: dict[str, list[int]] = field(default_factory=dict)
    #: the postings keys without positions (Ω characters, Å grams).
    unplaced: set[str] = field(default_factory=set)
    #: keys of the title, of the names and of the excerpt.
    fields: tuple[set[str], set[str], set[str]] = field(
        default_factory=lambda: (set(), set(), set())
    )
    #: keys the page holds in code only (literal blocks, inline code).
    code_only: set[str] = field(default_factory=set)
    #: Latin words, for the Å gram lists.
    words: set[str] = field(default_factory=set)

    @property
    def keys(self) -> set[str]:
        """Every postings key of the page."""
        return self.unplaced.union(self.positions)

    def membership(self, key: str) -> tuple[bool, ...]:
        held = key in self.positions or key in self.unplaced
        return (held, *(key in keys for keys in self.fields), key in self.code_only)


def grams(word: str) -> set[str]:
    """Substrings of one to :data:`GRAM_MAX` characters of a Latin word."""
    found: set[str] = set()
    for size in range(1, GRAM_MAX + 1):
        for start in range(len(word) - size + 1):
            found.add(word[start : start + size])
    return found


@lru_cache(maxsize=1 << 16)
def gram_keys(word: str) -> frozenset[str]:
    """The gram keys of a word, made once: the same words come back page after page."""
    return frozenset(GRAM + gram for gram in grams(word))


def _field_keys(text: str) -> set[str]:
    """Every postings key of a short compact text (a title, the names, an excerpt)."""
    positions, words, others = scan(text)
    found = set(positions)
    found.update(UNIGRAM + char for char in others)
    for word in words:
        found.update(gram_keys(word))
    return found


def page_keys(record: PageRecord) -> PageKeys:
    text = compact(fold_width_and_case(record.text()))
    out = PageKeys()
    out.positions, out.words, others = scan(text)
    unplaced = out.unplaced
    unplaced.update(UNIGRAM + char for char in others)
    for word in out.words:
        unplaced.update(gram_keys(word))
    # The compact text keeps the four lines (NFKC never makes or removes "\n").
    title, names, excerpt, _ = text.split("\n", 3)
    out.fields = (_field_keys(title), _field_keys(names), _field_keys(excerpt))
    if record.code:
        # Code ranks below prose: keys the page holds outside code are not code only.
        out.code_only = out.keys - _field_keys(compact(fold_width_and_case(record.prose_text())))
    return out


def pack_positions(positions: list[int]) -> str:
    """Increasing offsets as gaps (the first from -1), five bits a character."""
    return pack_gaps(positions)


def bucket_of(key: str, count: int) -> int:
    """FNV-1a over the key's code points; kb-search.js computes the same."""
    value = 2166136261
    for char in key:
        value = ((value ^ ord(char)) * 16777619) & 0xFFFFFFFF
    return value & (count - 1)


def page_file_text(page_id: int, record: PageRecord) -> str:
    """``d/<id>.js``: what the results list shows of one page, its text compressed."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = compressor.compress(record.text().encode("utf-8")) + compressor.flush()
    data = {
        "n": record.docname,
        "u": record.url,
        "t": record.title,
        "d": record.date,
        "c": record.code_spans(),
        "s": record.section_starts(),
        "z": base64.b64encode(packed).decode("ascii"),
    }
    return _script("page", page_id, data)


def _script(kind: str, number: int, data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # "<" escaped: no value can close the script or read as markup.
    return f"KbSearch.{kind}({number},{text.replace('<', chr(92) + 'u003c')});\n"


def index_script(kind: str, number: int, data: Any) -> str:
    """A file of the index: a script handing ``data`` to ``KbSearch.<kind>``."""
    return _script(kind, number, data)


def _unscript(text: str) -> Any:
    start = text.index(",", text.index("(")) + 1
    return json.loads(text[start : text.rindex(")")])


def _buckets_for(total_bytes: int, target: int) -> int:
    count = 16
    while count * target < total_bytes:
        count *= 2
    return count


# --- postings values ------------------------------------------------------------


def _posting_value(sets: Sequence[Iterable[int]], words: Iterable[str] | None) -> Any:
    packed: list[Any] = [encode(pages) for pages in sets]
    while len(packed) > 1 and packed[-1] == "":
        packed.pop()
    if words is not None:
        # The words come last: readers take the lists before them, empty ones left off.
        return [*packed, sorted(words)]
    return packed[0] if len(packed) == 1 else packed


def _posting_sets(value: Any) -> tuple[list[set[int]], set[str] | None]:
    items = value if isinstance(value, list) else [value]
    words: set[str] | None = None
    if items and isinstance(items[-1], list):
        words = set(items[-1])
        items = items[:-1]
    sets = [set(decode(item)) if item != "" else set() for item in items]
    while len(sets) < 1 + FIELDS:
        sets.append(set())
    return sets, words


# --- writing the whole index ------------------------------------------------------


@dataclass
class IndexState:
    """What the next build needs to update the index instead of rewriting it."""

    format: int = FORMAT
    postings_buckets: int = 0
    positions_buckets: int = 0
    #: docname of each page id.
    order: list[str] = field(default_factory=list)
    #: docname -> digest of the record indexed for it.
    digests: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> IndexState:
        data = json.loads(text)
        return cls(**data)


def order_pages(dates: dict[str, str]) -> list[str]:
    """Page ids: pages without a date first, then articles oldest first."""
    return sorted(dates, key=lambda docname: (dates[docname], docname))


class IndexFiles(Protocol):
    """Where the index's files are kept, by their path under :data:`FOLDER` (``t/3.js``).

    A build hands in the output folder's one writer (:class:`kb.sphinx.outputs.Outputs`,
    which deletes at the end of the build what it did not write); benchmarks
    and tests without Sphinx hand in a folder (:class:`FolderFiles`).
    """

    def read(self, relative: str) -> str | None:
        """The text of the file, None when there is none."""

    def write(self, relative: str, text: str) -> bool:
        """Make the file hold ``text``; True when it held something else."""

    def remove_beyond(self, kind: str, count: int) -> None:
        """No file ``kind/<n>.js`` with n >= count remains (after the buckets or pages shrank)."""


class FolderFiles:
    """The index's files in ``outdir/kb-search`` with nothing else keeping track of them."""

    def __init__(self, outdir: Path) -> None:
        self.root = outdir / FOLDER

    def read(self, relative: str) -> str | None:
        try:
            return (self.root / relative).read_text(encoding="utf-8")
        except OSError:
            return None

    def write(self, relative: str, text: str) -> bool:
        if self.read(relative) == text:
            return False
        write_atomically(self.root / relative, text.encode("utf-8"))
        return True

    def remove_beyond(self, kind: str, count: int) -> None:
        folder = self.root / kind
        if not folder.is_dir():
            return
        for path in folder.glob("*.js"):
            if path.stem.isdigit() and int(path.stem) >= count:
                remove_file(path)


class Writer:
    """Writes the index's files, counting those whose content changed."""

    def __init__(self, target: Path | IndexFiles) -> None:
        self.files = FolderFiles(target) if isinstance(target, Path) else target
        self.written = 0

    def path(self, kind: str, number: int | None = None) -> str:
        if number is None:
            return f"{kind}.js"
        return f"{kind}/{number}.js"

    def read(self, relative: str) -> str | None:
        return self.files.read(relative)

    def write(self, relative: str, text: str) -> None:
        if self.files.write(relative, text):
            self.written += 1

    def remove_beyond(self, kind: str, count: int) -> None:
        self.files.remove_beyond(kind, count)


def manifest_text(state: IndexState) -> str:
    data = {
        "format": FORMAT,
        "pages": len(state.order),
        "t": state.postings_buckets,
        "x": state.positions_buckets,
    }
    return _script("manifest", FORMAT, data)


def _json_length(value: Any) -> int:
    """``len(json.dumps(value))`` of a postings value, without writing it."""
    if isinstance(value, int):
        return len(str(value))
    if isinstance(value, str):
        return len(value) + 2  # page lists are ASCII: nothing is escaped
    if value and isinstance(value[-1], list):
        *lists, words = value
        return len(json.dumps(words)) + sum(map(_json_length, lists)) + 2 * len(lists) + 2
    return sum(map(_json_length, value)) + 2 * len(value)


def write_full(
    target: Path | IndexFiles,
    order: list[str],
    load: Callable[[str], PageRecord],
) -> IndexState:
    """Index every page of ``order`` from scratch.

    Page lists grow as arrays (pages come in id order, so they stay sorted
    and distinct) and positions as packed strings joined every few hundred
    pages: a Python object per posting would take several hundred megabytes
    at 2,000 pages. A token with positions is looked up once per page: its
    page list and its packed positions share one entry.
    """
    writer = Writer(target)
    state = IndexState(order=list(order))
    # token -> (pages, packed positions per page, joined every 256 pages)
    placed: dict[str, tuple[array[int], list[str]]] = {}
    unplaced: dict[str, array[int]] = {}
    in_fields: tuple[dict[str, list[int]], ...] = ({}, {}, {}, {})
    words: dict[str, set[str]] = defaultdict(set)
    gaps = GAP_TABLE

    def flush() -> None:
        for _, pieces in placed.values():
            if len(pieces) > 1:
                pieces[:] = [_ENTRY_SEPARATOR.join(pieces)]

    for page_id, docname in enumerate(order):
        record = load(docname)
        state.digests[docname] = record.digest()
        writer.write(writer.path("d", page_id), page_file_text(page_id, record))
        keys = page_keys(record)
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
        for found, field_keys in zip(in_fields, (*keys.fields, keys.code_only), strict=True):
            for key in field_keys:
                found.setdefault(key, []).append(page_id)
        for word in keys.words:
            for key in gram_keys(word):
                words[key].add(word)
        if page_id % 256 == 255:
            flush()
    flush()
    empty: list[int] = []
    values: dict[str, Any] = {}
    # The pages of a token's positions are its pages in the postings, in order.
    x_values: dict[str, list[Any]] = {}
    t_bytes = x_bytes = 0
    for key, (held, (text,)) in placed.items():
        pages = encode_sorted(held)
        x_values[key] = [pages, text]
        x_bytes += len(text) + 1
        fields = [encode(found.get(key, empty)) for found in in_fields]
        while fields and fields[-1] == "":
            fields.pop()
        value = values[key] = [pages, *fields] if fields else pages
        t_bytes += len(key) * 3 + _json_length(value) + 4
    placed.clear()
    for key, held in unplaced.items():
        sets = [held, *(found.get(key, empty) for found in in_fields)]
        value = values[key] = _posting_value(sets, words.get(key) if key.startswith(GRAM) else None)
        t_bytes += len(key) * 3 + _json_length(value) + 4
    unplaced.clear()
    # Bucket counts from the packed sizes: a dense page list is a short bitmap.
    state.postings_buckets = _buckets_for(t_bytes, POSTINGS_BUCKET_BYTES)
    state.positions_buckets = _buckets_for(x_bytes, POSITIONS_BUCKET_BYTES)
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
        writer.write(writer.path(folder, number), _script(kind, number, data))


# --- updating the index for a few pages ---------------------------------------------


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
    t_changes: dict[str, list[tuple[int, tuple[bool, ...]]]] = defaultdict(list)
    x_changes: dict[str, list[tuple[int, list[int] | None]]] = defaultdict(list)
    word_changes: set[str] = set()
    for docname, (old, new) in changes.items():
        page_id = ids[docname]
        writer.write(writer.path("d", page_id), page_file_text(page_id, new))
        state.digests[docname] = new.digest()
        before = page_keys(old) if old is not None else PageKeys()
        after = page_keys(new)
        for key in before.keys | after.keys:
            was, now = before.membership(key), after.membership(key)
            if was != now:
                t_changes[key].append((page_id, now))
        for token in before.positions.keys() | after.positions.keys():
            was_at, now_at = before.positions.get(token), after.positions.get(token)
            if was_at != now_at:
                x_changes[token].append((page_id, now_at))
        word_changes |= before.words ^ after.words
    count_t, count_x = state.postings_buckets, state.positions_buckets
    loaded: dict[int, dict[str, Any]] = {}

    def bucket_data(key: str) -> dict[str, Any]:
        number = bucket_of(key, count_t)
        if number not in loaded:
            text = writer.read(writer.path("t", number))
            loaded[number] = _unscript(text) if text else {}
        return loaded[number]

    created: set[str] = set()
    emptied: set[str] = set()
    for key, edits in t_changes.items():
        data = bucket_data(key)
        value = data.get(key)
        sets: list[set[int]] = [set() for _ in range(1 + FIELDS)]
        words: set[str] | None = None
        if value is not None:
            sets, words = _posting_sets(value)
        for page_id, flags in edits:
            for held, members in zip(flags, sets, strict=True):
                if held:
                    members.add(page_id)
                else:
                    members.discard(page_id)
        if not sets[0]:
            data.pop(key, None)
            if value is not None and key in word_changes:
                emptied.add(key)
            continue
        if value is None and key in word_changes:
            created.add(key)
        if key.startswith(GRAM):
            words = words or set()
        data[key] = _posting_value(sets, words)
    # A word new to the site, or gone from it, joins or leaves its grams' lists.
    for word in created | emptied:
        for gram in grams(word):
            data = bucket_data(GRAM + gram)
            value = data.get(GRAM + gram)
            if value is None:
                continue
            sets, words = _posting_sets(value)
            words = words or set()
            if word in created:
                words.add(word)
            else:
                words.discard(word)
            data[GRAM + gram] = _posting_value(sets, words)
    for number, data in loaded.items():
        writer.write(writer.path("t", number), _script("chunk", number, data))

    x_loaded: dict[int, dict[str, Any]] = {}
    for token, moves in x_changes.items():
        number = bucket_of(token, count_x)
        if number not in x_loaded:
            text = writer.read(writer.path("x", number))
            x_loaded[number] = _unscript(text) if text else {}
        data = x_loaded[number]
        value = data.get(token)
        entries: dict[int, str] = {}
        if value is not None:
            held_pages = decode(value[0])
            entries = dict(zip(held_pages, value[1].split(_ENTRY_SEPARATOR), strict=True))
        for page_id, offsets in moves:
            if offsets is None:
                entries.pop(page_id, None)
            else:
                entries[page_id] = pack_positions(offsets)
        if not entries:
            data.pop(token, None)
            continue
        ordered = sorted(entries)
        data[token] = [encode(ordered), _ENTRY_SEPARATOR.join(entries[page] for page in ordered)]
    for number, data in x_loaded.items():
        writer.write(writer.path("x", number), _script("positions", number, data))
    writer.write(writer.path("index"), manifest_text(state))
    return writer.written
