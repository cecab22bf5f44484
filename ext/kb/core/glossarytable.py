"""Who owns which glossary name, and finding those names in text (no Sphinx here).

The table is built from what the entry files declare; the linker finds names
leftmost-longest, Latin names only on word boundaries, with case and width
folded one character for one so positions map back to the original text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick

from kb.core.frontmatter import Problem
from kb.core.names import is_latin, name_key


@dataclass(frozen=True)
class Declared:
    """What one entry file declares, as far as other pages depend on it."""

    docname: str
    kind: str
    name: str
    aliases: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class Conflict:
    """A name or alias an entry declares that another entry keeps."""

    text: str
    key: str  # "name" or "aliases": what the text is in the entry that loses it
    owner: str  # docname of the entry that keeps it
    owner_key: str  # "name" or "aliases": what the text is in the entry that keeps it


def unknown_name(name: str) -> str:
    """What the build says of a name no entry has (a ``related:`` name, a role's target)."""
    return (
        f"unknown glossary name {name!r}: no partner or technology entry has this name or "
        "alias; `kb glossary suggest` lists names that need an entry"
    )


#: Changes whenever the rule deciding who owns a name changes, so that a build
#: re-reads every article and entry under the new rule (the table's fingerprint).
OWNERSHIP_RULE = 2


class GlossaryTable:
    """Who owns which name: the one source for term targets, mentions and warnings.

    An entry's own name always wins over another entry's alias, whatever the
    order of the files; between two names, or between two aliases, the entry
    whose docname sorts first keeps it (compared with :func:`kb.core.names.name_key`).
    The domain's look-up (:meth:`KbDomain.entry_index`) follows the same rule.
    """

    def __init__(self, declared: Iterable[Declared]) -> None:
        self.declared = tuple(sorted(declared, key=lambda d: d.docname))
        payload = [[d.docname, d.kind, d.name, list(d.aliases), d.summary] for d in self.declared]
        self.fingerprint = hashlib.sha256(
            json.dumps([OWNERSHIP_RULE, payload], ensure_ascii=False).encode("utf-8")
        ).hexdigest()[:20]
        #: name key -> docname of the entry that owns it, over every kind.
        self.owners: dict[str, str] = {}
        #: kind -> name key -> docname, as domain.entry_index builds it.
        self.by_kind: dict[str, dict[str, str]] = {}
        #: docname -> the names and aliases it owns (declared spelling).
        self.owned: dict[str, tuple[str, ...]] = {}
        self.conflicts: dict[str, list[Conflict]] = {}
        owner_key: dict[str, str] = {}
        owned: dict[str, list[str]] = {entry.docname: [] for entry in self.declared}
        # Every name first, then every alias: a name is never taken by an alias.
        claims = [
            *(("name", declared, declared.name) for declared in self.declared),
            *(("aliases", d, alias) for d in self.declared for alias in d.aliases),
        ]
        for key, entry, text in claims:
            folded = name_key(text)
            owner = self.owners.setdefault(folded, entry.docname)
            owner_key.setdefault(folded, key)
            if owner == entry.docname:
                owned[entry.docname].append(text)
            elif key == "name" or folded != name_key(entry.name):
                # An alias spelling the entry's own name adds nothing to the
                # warning its name already got.
                self.conflicts.setdefault(entry.docname, []).append(
                    Conflict(text, key, owner, owner_key[folded])
                )
        self.owned = {docname: tuple(texts) for docname, texts in owned.items()}
        # The domain indexes the name even when another kind owns it, so an
        # explicit {partner}/{tech} role prefers its own kind; names first here too.
        for key in ("name", "aliases"):
            for entry in self.declared:
                kind_index = self.by_kind.setdefault(entry.kind, {})
                texts = (
                    [entry.name]
                    if key == "name"
                    else [a for a in self.owned[entry.docname] if a != entry.name]
                )
                for text in texts:
                    kind_index.setdefault(name_key(text), entry.docname)
        self._linker: MentionLinker | None = None

    def find(self, name: str, kind: str = "") -> str | None:
        """Docname :meth:`KbDomain.find_entry` resolves ``name`` to, read from front matter."""
        key = name_key(name)
        return self.by_kind.get(kind, {}).get(key) or self.owners.get(key)

    def conflict_problems(self, docname: str, line_of: Callable[[str], int]) -> list[Problem]:
        """A ``kb.glossary`` problem for each name or alias of ``docname`` another entry
        keeps, at the line ``line_of`` gives for its key."""
        names = {d.docname: d.name for d in self.declared}
        problems = []
        for conflict in self.conflicts.get(docname, []):
            as_name = conflict.owner_key == "name"
            why = (
                "an entry's own name always wins over an alias"
                if as_name and conflict.key != "name"
                else "that file sorts first"
            )
            problems.append(
                Problem(
                    f"glossary {'name' if conflict.key == 'name' else 'alias'} "
                    f"{conflict.text!r} is already used by {conflict.owner} "
                    f"({names.get(conflict.owner, '')}) as its {'name' if as_name else 'alias'}, "
                    f"which keeps it: {why}; ignored here",
                    line_of(conflict.key),
                    conflict.key,
                    "glossary",
                )
            )
        return problems

    def unknown_related(self, related: Sequence[str], line: int) -> list[Problem]:
        """A ``kb.unknown_entry`` problem for each ``related:`` name no entry has."""
        return [
            Problem(unknown_name(name), line, "related", "unknown_entry")
            for name in related
            if self.find(name) is None
        ]

    @property
    def linker(self) -> MentionLinker:
        if self._linker is None:
            words: dict[str, tuple[str, str]] = {}
            for entry in self.declared:
                owned = self.owned[entry.docname]
                # The target must resolve to this entry through find_entry: its
                # name when it owns that, else the alias it does own.
                for text in owned:
                    target = entry.name if entry.name in owned else text
                    words.setdefault(fold_chars(text), (entry.docname, target))
            self._linker = MentionLinker(words)
        return self._linker



class _CharFold(dict[int, str]):
    """str.translate table folding case and width of Latin letters and digits.

    Every character maps to exactly one character, so a position in the folded
    text is the same position in the original.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char.isspace():
            folded = " "
        else:
            folded = char
            if 0xFF01 <= code <= 0xFF5E:  # full-width ASCII
                folded = chr(code - 0xFEE0)
            if is_latin(folded):
                lower = folded.lower()
                if len(lower) == 1:
                    folded = lower
        self[code] = folded
        return folded


_FOLD = _CharFold()


def fold_chars(text: str) -> str:
    """``text`` with Latin letters and digits folded, one character for one."""
    return text.translate(_FOLD)


def is_word_char(char: str) -> bool:
    """Latin letters and digits: the characters a Latin name must not be glued to."""
    return char.isalnum() and is_latin(char)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    #: docname of the entry.
    docname: str
    #: A name or alias the entry owns; the xref target.
    target: str


class MentionLinker:
    """Finds glossary names in text: leftmost-longest, Latin names on word boundaries."""

    def __init__(self, words: dict[str, tuple[str, str]]) -> None:
        self.words = dict(words)
        self._automaton: Any = None
        if words:
            automaton = ahocorasick.Automaton()
            for key, (docname, target) in words.items():
                automaton.add_word(key, (len(key), docname, target))
            automaton.make_automaton()
            self._automaton = automaton

    def find(self, text: str) -> list[Mention]:
        if self._automaton is None or not text:
            return []
        folded = fold_chars(text)
        size = len(folded)
        # One pass of the automaton gives every match; keep the longest
        # acceptable one per start, then take them left to right.
        best: dict[int, tuple[int, str, str]] = {}
        for end, (length, docname, target) in self._automaton.iter(folded):
            start = end - length + 1
            if is_word_char(folded[start]) and start > 0 and is_word_char(folded[start - 1]):
                continue
            if is_word_char(folded[end]) and end + 1 < size and is_word_char(folded[end + 1]):
                continue
            current = best.get(start)
            if current is None or length > current[0]:
                best[start] = (length, docname, target)
        mentions: list[Mention] = []
        position = 0
        for start in sorted(best):
            if start < position:
                continue
            length, docname, target = best[start]
            mentions.append(Mention(start, start + length, docname, target))
            position = start + length
        return mentions


