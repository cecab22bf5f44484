"""What one page contributes to the search index: its record (the text a reader can
find on it) and the keys that text yields (:class:`PageKeys`)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from functools import lru_cache
from typing import Any

from kb.search.tokenizer import compact, fold_width_and_case, scan

#: Where positions are counted from (see :func:`_placed_keys`), kept by the
#: build's state only: an index of another layout is written again as a whole,
#: never updated page by page. 1: the text, title first; 2: the body from 0,
#: then title, excerpt and names from the next multiple of POSITIONS_BLOCK.
POSITIONS_LAYOUT = 2
POSITIONS_BLOCK = 1 << 12

#: Page lists of a posting after its pages: the pages holding the key in the
#: title, in the names, in the excerpt, and those holding it in code only.
FIELDS = 4
UNIGRAM = "\u2126"
GRAM = "\u212b"
GRAM_MAX = 3


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

    def to_data(self) -> dict[str, Any]:
        """The keys as JSON values (sets as sorted lists), to hand from process to process."""
        return {
            "positions": self.positions,
            "unplaced": sorted(self.unplaced),
            "fields": [sorted(keys) for keys in self.fields],
            "code_only": sorted(self.code_only),
            "words": sorted(self.words),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> PageKeys:
        title, names, excerpt = (set(keys) for keys in data["fields"])
        return cls(
            positions=data["positions"],
            unplaced=set(data["unplaced"]),
            fields=(title, names, excerpt),
            code_only=set(data["code_only"]),
            words=set(data["words"]),
        )


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


def field_keys(text: str) -> set[str]:
    """Every postings key of a short compact text (a title, the names, an excerpt)."""
    positions, words, others = scan(text)
    found = set(positions)
    found.update(UNIGRAM + char for char in others)
    for word in words:
        found.update(gram_keys(word))
    return found


def _placed_keys(body: str, head: str) -> tuple[dict[str, list[int]], set[str], set[str]]:
    """:func:`scan` of the body, and of the other fields counted from the next
    :data:`POSITIONS_BLOCK` after it (:data:`POSITIONS_LAYOUT` 2).

    The browser only compares a page's positions with each other, and no key
    spans a line break, so these positions prove the same phrases as those of
    the page's text; but a tag added, a title or excerpt edited, or a sentence
    added to the body no longer moves every other word of the page, whose
    positions chunks would all be written again.
    """
    positions, words, others = scan(body)
    head_positions, head_words, head_others = scan(head)
    origin = (len(body) // POSITIONS_BLOCK + 1) * POSITIONS_BLOCK
    for token, offsets in head_positions.items():
        positions.setdefault(token, []).extend(origin + at for at in offsets)
    return positions, words | head_words, others | head_others


def page_keys(record: PageRecord) -> PageKeys:
    # The compact text keeps the four lines (NFKC never makes or removes "\n").
    text = compact(fold_width_and_case(record.text()))
    title, names, excerpt, body = text.split("\n", 3)
    out = PageKeys()
    out.positions, out.words, others = _placed_keys(body, "\n".join((title, excerpt, names)))
    unplaced = out.unplaced
    unplaced.update(UNIGRAM + char for char in others)
    for word in out.words:
        unplaced.update(gram_keys(word))
    out.fields = (field_keys(title), field_keys(names), field_keys(excerpt))
    if record.code:
        # Code ranks below prose: keys the page holds outside code are not code only.
        out.code_only = out.keys - field_keys(compact(fold_width_and_case(record.prose_text())))
    return out
