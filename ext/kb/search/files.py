"""The search index's files: their format, the scripts they are, the buckets keys
fall in, and where they are kept (:class:`IndexFiles`)."""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from kb.core.atomicfile import remove_file, write_atomically
from kb.search.index import decode, encode, pack_gaps
from kb.search.pagekeys import FIELDS, POSITIONS_LAYOUT, PageRecord

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
ENTRY_SEPARATOR = ","


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
    return script("page", page_id, data)


def script(kind: str, number: int, data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # "<" escaped: no value can close the script or read as markup.
    return f"KbSearch.{kind}({number},{text.replace('<', chr(92) + 'u003c')});\n"


def index_script(kind: str, number: int, data: Any) -> str:
    """A file of the index: a script handing ``data`` to ``KbSearch.<kind>``."""
    return script(kind, number, data)


def unscript(text: str) -> Any:
    start = text.index(",", text.index("(")) + 1
    return json.loads(text[start : text.rindex(")")])


def buckets_for(total_bytes: int, target: int) -> int:
    count = 16
    while count * target < total_bytes:
        count *= 2
    return count


# --- postings values ------------------------------------------------------------


def posting_value(sets: Sequence[Iterable[int]], words: Iterable[str] | None) -> Any:
    packed: list[Any] = [encode(pages) for pages in sets]
    while len(packed) > 1 and packed[-1] == "":
        packed.pop()
    if words is not None:
        # The words come last: readers take the lists before them, empty ones left off.
        return [*packed, sorted(words)]
    return packed[0] if len(packed) == 1 else packed


def posting_sets(value: Any) -> tuple[list[set[int]], set[str] | None]:
    items = value if isinstance(value, list) else [value]
    words: set[str] | None = None
    if items and isinstance(items[-1], list):
        words = set(items[-1])
        items = items[:-1]
    sets = [set(decode(item)) if item != "" else set() for item in items]
    while len(sets) < 1 + FIELDS:
        sets.append(set())
    return sets, words



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
    #: :data:`kb.search.pagekeys.POSITIONS_LAYOUT` of the files; 1 in states written before it.
    layout: int = 1

    @property
    def current(self) -> bool:
        """Whether the files on disk may be updated page by page by this kb."""
        return self.format == FORMAT and self.layout == POSITIONS_LAYOUT

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
    return script("manifest", FORMAT, data)


def json_length(value: Any) -> int:
    """``len(json.dumps(value))`` of a postings value, without writing it."""
    if isinstance(value, int):
        return len(str(value))
    if isinstance(value, str):
        return len(value) + 2  # page lists are ASCII: nothing is escaped
    if value and isinstance(value[-1], list):
        *lists, words = value
        return len(json.dumps(words)) + sum(map(json_length, lists)) + 2 * len(lists) + 2
    return sum(map(json_length, value)) + 2 * len(value)
