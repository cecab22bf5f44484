"""The chunked search index: what a page contributes, and the files a query loads.

No Sphinx here: the extension (``kb.searching``) hands in one :class:`PageRecord`
per page and this module writes the index under ``kb-search/`` in the output
folder; ``benchmarks/search_scale.py`` uses it to index 20,000 generated pages
without a Sphinx build.

Layout (every file is a script calling ``KbSearch.*``, so ``file://`` works):

``kb-search/index.js``
    the manifest: number of pages and of buckets. A query loads it and then
    only the buckets that hold its keys.
``kb-search/t/<b>.js``
    postings: key -> page ids, and the ids of pages holding the key in their
    title, in their names (tags, categories, authors, glossary names and
    aliases) and in their excerpt; the key's bucket is a hash of the key, so a
    page's change touches only the buckets of keys it gained or lost.
``kb-search/x/<b>.js``
    positions: key -> for each page, where the key starts in the page's
    folded text. A query of several tokens proves its phrase with them, so
    the count it shows is exact without reading any page.
``kb-search/d/<id>.js``
    one page: its name, address, title, date and its text compressed
    (deflate, base64), read for the results on screen only: their snippets.

Keys of the postings:

* the index tokens of :func:`kb.search.tokenizer.tokens` (bigrams, one-character
  runs, Latin words);
* ``!`` and a Japanese character: pages holding that character anywhere (a
  query's one-character edge, ``ジ`` of ``エージェント``);
* ``#`` and one to three characters of a Latin word: pages holding a word that
  contains them, and those words (``b20`` finds ``gb200``).

Page ids follow the date (oldest first, pages without a date before every
article), so ties rank newest first with no date table in the browser; a new
article is the next id, and only a change of that order renumbers the pages
and rewrites the whole index.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import tempfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kb.search.index import ALPHABET, decode, encode
from kb.search.tokenizer import _TOKEN, fold

#: Bumped whenever the files' shape changes; kb-search.js checks it.
FORMAT = 1
FOLDER = "kb-search"
#: Bytes of postings (and of positions) per bucket the bucket count aims at:
#: a query of eight tokens then loads about 8 × 8 KB.
POSTINGS_BUCKET_BYTES = 8_000
POSITIONS_BUCKET_BYTES = 16_000
#: Fields of a posting after the page list: title, names, excerpt.
FIELDS = 3
UNIGRAM = "!"
GRAM = "#"
GRAM_MAX = 3
_ENTRY_SEPARATOR = ","
# Gaps under 32 768 are three characters at most; a table makes packing the
# positions of 2,000 pages a join, not a loop of shifts.
_GAP_TABLE: list[str] = []
for _gap in range(1 << 15):
    _chars = []
    _value = _gap
    while True:
        _chunk, _value = _value & 31, _value >> 5
        _chars.append(ALPHABET[_chunk | (32 if _value else 0)])
        if not _value:
            break
    _GAP_TABLE.append("".join(_chars))
del _gap, _chars, _value, _chunk


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

    def text(self) -> str:
        """The text a query is matched against, in four lines: title, names, excerpt, body.

        A control character between names, so no phrase runs from one name into the next.
        """
        return "\n".join(
            [
                _one_line(self.title),
                "\x1f".join(_one_line(name) for name in self.names),
                _one_line(self.excerpt),
                self.body,
            ]
        )

    def digest(self) -> str:
        data = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)
        return hashlib.sha1(data.encode("utf-8")).hexdigest()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageRecord:
        return cls(**{**data, "names": tuple(data.get("names", ()))})


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- what one page contributes -----------------------------------------------


@dataclass
class PageKeys:
    """The keys of one page: token positions, and which keys each field holds."""

    #: token -> its start offsets in the folded text (tokens with positions).
    positions: dict[str, list[int]] = field(default_factory=dict)
    #: every postings key of the page (tokens, ``!`` characters, ``#`` grams).
    keys: set[str] = field(default_factory=set)
    #: keys of the title, of the names and of the excerpt.
    fields: tuple[set[str], set[str], set[str]] = field(
        default_factory=lambda: (set(), set(), set())
    )
    #: Latin words, for the ``#`` gram lists.
    words: set[str] = field(default_factory=set)

    def membership(self, key: str) -> tuple[bool, bool, bool, bool]:
        return (
            key in self.keys,
            key in self.fields[0],
            key in self.fields[1],
            key in self.fields[2],
        )


def grams(word: str) -> set[str]:
    """Substrings of one to :data:`GRAM_MAX` characters of a Latin word."""
    found: set[str] = set()
    for size in range(1, GRAM_MAX + 1):
        for start in range(len(word) - size + 1):
            found.add(word[start : start + size])
    return found


def _scan(folded: str, start: int, end: int) -> Iterator[tuple[str, int, bool]]:
    """(token, offset, is_latin) of ``folded[start:end]``, plus ``!`` characters (offset -1)."""
    for match in _TOKEN.finditer(folded, start, end):
        run = match.group("cjk")
        at = match.start()
        if run is None:
            yield match.group("word"), at, True
            continue
        if len(run) == 1:
            yield run, at, False
        else:
            for i in range(len(run) - 1):
                yield run[i : i + 2], at + i, False
        for char in set(run):
            yield UNIGRAM + char, -1, False


def page_keys(record: PageRecord) -> PageKeys:
    folded = fold(record.text())
    out = PageKeys()
    # The folded text keeps the four lines (NFKC never makes or removes "\n").
    bounds: list[int] = []
    cursor = 0
    for _ in range(3):
        cursor = folded.index("\n", cursor) + 1
        bounds.append(cursor)
    limits = [(0, bounds[0]), (bounds[0], bounds[1]), (bounds[1], bounds[2])]
    positions = out.positions
    for token, at, latin in _scan(folded, 0, len(folded)):
        if at < 0:
            out.keys.add(token)
            continue
        known = positions.get(token)
        if known is None:
            positions[token] = [at]
        else:
            known.append(at)
        if latin:
            out.words.add(token)
    out.keys.update(positions)
    for word in out.words:
        out.keys.update(GRAM + gram for gram in grams(word))
    for field_keys, (start, end) in zip(out.fields, limits, strict=True):
        for token, _, latin in _scan(folded, start, end):
            field_keys.add(token)
            if latin:
                field_keys.update(GRAM + gram for gram in grams(token))
    return out


def pack_positions(positions: list[int]) -> str:
    """Increasing offsets as gaps (the first from -1), five bits a character."""
    out: list[str] = []
    previous = -1
    table = _GAP_TABLE
    for at in positions:
        gap = at - previous - 1
        previous = at
        if gap < 32768:
            out.append(table[gap])
        else:
            chars = []
            while True:
                chunk, gap = gap & 31, gap >> 5
                chars.append(ALPHABET[chunk | (32 if gap else 0)])
                if not gap:
                    break
            out.append("".join(chars))
    return "".join(out)


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
        "z": base64.b64encode(packed).decode("ascii"),
    }
    return _script("page", page_id, data)


def _script(kind: str, number: int, data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # "<" escaped: no value can close the script or read as markup.
    return f"KbSearch.{kind}({number},{text.replace('<', chr(92) + 'u003c')});\n"


def _unscript(text: str) -> Any:
    start = text.index(",", text.index("(")) + 1
    return json.loads(text[start : text.rindex(")")])


def _buckets_for(total_bytes: int, target: int) -> int:
    count = 16
    while count * target < total_bytes:
        count *= 2
    return count


# --- postings values ------------------------------------------------------------


def _posting_value(sets: list[set[int]], words: Iterable[str] | None) -> Any:
    packed: list[Any] = [encode(pages) for pages in sets]
    if words is not None:
        return [*packed, sorted(words)]
    while len(packed) > 1 and packed[-1] == "":
        packed.pop()
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


class Writer:
    """Writes files under the output folder only when their content changed."""

    def __init__(self, outdir: Path) -> None:
        self.root = outdir / FOLDER
        self.written = 0

    def path(self, kind: str, number: int | None = None) -> Path:
        if number is None:
            return self.root / f"{kind}.js"
        return self.root / kind / f"{number}.js"

    def read(self, path: Path) -> str | None:
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            return None

    def write(self, path: Path, text: str) -> None:
        if self.read(path) == text:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        self.written += 1

    def remove_beyond(self, kind: str, count: int) -> None:
        """Delete ``kind/<n>.js`` for n >= count (after the buckets or pages shrank)."""
        folder = self.root / kind
        if not folder.is_dir():
            return
        for path in folder.glob("*.js"):
            if path.stem.isdigit() and int(path.stem) >= count:
                path.unlink()


def manifest_text(state: IndexState) -> str:
    data = {
        "format": FORMAT,
        "pages": len(state.order),
        "t": state.postings_buckets,
        "x": state.positions_buckets,
    }
    return _script("manifest", FORMAT, data)


def write_full(
    outdir: Path,
    order: list[str],
    load: Callable[[str], PageRecord],
    work: Path,
) -> IndexState:
    """Index every page of ``order`` from scratch.

    Keys go to per-bucket spill files first, one page at a time, so memory
    stays flat whatever the number of pages: the positions of 2,000 pages
    held at once would be several hundred megabytes of Python objects.
    """
    writer = Writer(outdir)
    state = IndexState(order=list(order))
    work.mkdir(parents=True, exist_ok=True)
    spill = Path(tempfile.mkdtemp(prefix="kb-search-", dir=work))
    try:
        # Bucket counts come from the size of the index, which is known only
        # once every page is read: spill into many files, then regroup.
        raw_t = 1024
        raw_x = 1024
        t_files = [open(spill / f"t{i}", "w", encoding="utf-8") for i in range(raw_t)]  # noqa: SIM115
        x_files = [open(spill / f"x{i}", "w", encoding="utf-8") for i in range(raw_x)]  # noqa: SIM115
        t_bytes = x_bytes = 0
        try:
            for page_id, docname in enumerate(order):
                record = load(docname)
                state.digests[docname] = record.digest()
                writer.write(writer.path("d", page_id), page_file_text(page_id, record))
                keys = page_keys(record)
                title, names, excerpt = keys.fields
                for key in keys.keys:
                    flags = (
                        ("t" if key in title else "")
                        + ("n" if key in names else "")
                        + ("e" if key in excerpt else "")
                    )
                    t_bytes += 2
                    t_files[bucket_of(key, raw_t)].write(f"{key}\t{page_id}\t{flags}\n")
                for gram_word in keys.words:
                    for gram in grams(gram_word):
                        t_files[bucket_of(GRAM + gram, raw_t)].write(
                            f"{GRAM}{gram}\t-1\t{gram_word}\n"
                        )
                for token, offsets in keys.positions.items():
                    packed = pack_positions(offsets)
                    x_bytes += len(packed) + 3
                    x_files[bucket_of(token, raw_x)].write(f"{token}\t{page_id}\t{packed}\n")
        finally:
            for handle in [*t_files, *x_files]:
                handle.close()
        state.postings_buckets = min(_buckets_for(t_bytes, POSTINGS_BUCKET_BYTES), raw_t)
        state.positions_buckets = min(_buckets_for(x_bytes, POSITIONS_BUCKET_BYTES), raw_x)
        _regroup_postings(writer, spill, raw_t, state.postings_buckets)
        _regroup_positions(writer, spill, raw_x, state.positions_buckets)
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    writer.remove_beyond("t", state.postings_buckets)
    writer.remove_beyond("x", state.positions_buckets)
    writer.remove_beyond("d", len(order))
    writer.write(writer.path("index"), manifest_text(state))
    return state


def _regroup_postings(writer: Writer, spill: Path, raw: int, count: int) -> None:
    # raw is a multiple of count (both powers of two), and bucket_of masks
    # low bits: raw bucket r belongs to final bucket r % count.
    for bucket in range(count):
        entries: dict[str, list[set[int]]] = {}
        words: dict[str, set[str]] = defaultdict(set)
        for part in range(bucket, raw, count):
            with open(spill / f"t{part}", encoding="utf-8") as handle:
                for line in handle:
                    key, page, flags = line.rstrip("\n").split("\t")
                    if page == "-1":
                        words[key].add(flags)
                        continue
                    sets = entries.get(key)
                    if sets is None:
                        sets = entries[key] = [set(), set(), set(), set()]
                    page_id = int(page)
                    sets[0].add(page_id)
                    if flags:
                        if "t" in flags:
                            sets[1].add(page_id)
                        if "n" in flags:
                            sets[2].add(page_id)
                        if "e" in flags:
                            sets[3].add(page_id)
        data = {
            key: _posting_value(sets, words.get(key) if key.startswith(GRAM) else None)
            for key, sets in entries.items()
        }
        writer.write(writer.path("t", bucket), _script("chunk", bucket, data))


def _regroup_positions(writer: Writer, spill: Path, raw: int, count: int) -> None:
    for bucket in range(count):
        entries: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for part in range(bucket, raw, count):
            with open(spill / f"x{part}", encoding="utf-8") as handle:
                for line in handle:
                    key, page, packed = line.rstrip("\n").split("\t")
                    entries[key].append((int(page), packed))
        data = {}
        for key, items in entries.items():
            items.sort()
            pages = [page for page, _ in items]
            data[key] = [encode(pages), _ENTRY_SEPARATOR.join(packed for _, packed in items)]
        writer.write(writer.path("x", bucket), _script("positions", bucket, data))


# --- updating the index for a few pages ---------------------------------------------


def update(
    outdir: Path,
    state: IndexState,
    changes: dict[str, tuple[PageRecord | None, PageRecord]],
) -> int:
    """Apply ``docname -> (old record or None, new record)`` to the files on disk.

    Ids are unchanged (the caller rewrites everything when the order changes).
    Only buckets of keys whose pages or positions changed are read and
    rewritten; returns the number of files written.
    """
    writer = Writer(outdir)
    ids = {docname: number for number, docname in enumerate(state.order)}
    t_changes: dict[str, list[tuple[int, tuple[bool, bool, bool, bool]]]] = defaultdict(list)
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
        sets: list[set[int]] = [set(), set(), set(), set()]
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
