"""A glossary entry's front matter as typed, validated values (no Sphinx here)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from kb.core.frontmatter import Problem, RawFrontMatter, name_list
from kb.core.names import name_key
from kb.core.values import name_text, scalar_text, shown

_ENTRY_KEYS = frozenset({"name", "aliases", "summary", "website", "related"})
# Keys MyST and Sphinx read from front matter themselves; not typos.
_SPHINX_KEYS = frozenset(
    {"orphan", "nocomments", "nosearch", "tocdepth", "html_meta", "myst", "substitutions", "layout"}
)

#: Particles and function words that appear in nearly every Japanese sentence.
#: As an alias, each would link (and list as a mention) every article.
PARTICLES = frozenset(
    {
        *("から", "まで", "より", "など", "との", "には", "では", "とは", "への", "での"),
        *("ので", "のに", "けど", "けれど", "だけ", "しか", "ほど", "くらい", "ぐらい"),
        *("ばかり", "こと", "もの", "ため", "です", "ます", "する", "した", "して", "ない"),
        *("ある", "いる", "これ", "それ", "あれ", "この", "その", "あの"),
    }
)


def _is_ideograph(char: str) -> bool:
    return unicodedata.name(char, "").startswith("CJK")


def alias_refusal(alias: str) -> str | None:
    """Why ``alias`` would link too much to be an alias, or ``None`` when it is fine.

    One kana (``の``), one Latin letter (``A``) or any other single character
    that is not a kanji, and a common particle (``から``), occur in nearly every
    article: the entry would link and list all of them.
    """
    key = name_key(alias)
    if len(key) == 1 and not _is_ideograph(key):
        return "one character that is not a kanji"
    if key in PARTICLES:
        return "a particle or word found in nearly every sentence"
    return None


@dataclass
class EntryMeta:
    """A glossary entry's front matter as typed values; problems collected on the way."""

    name: str = ""
    aliases: tuple[str, ...] = ()
    summary: str = ""
    website: str = ""
    related: tuple[str, ...] = ()
    lines: dict[str, int] = field(default_factory=dict)
    start_line: int = 1
    problems: list[Problem] = field(default_factory=list)

    def line(self, key: str) -> int:
        return self.lines.get(key) or self.start_line


def entry_meta(raw: RawFrontMatter) -> EntryMeta:
    """Validate ``raw`` as an entry's front matter; never raises."""
    meta = EntryMeta(
        lines=dict(raw.lines), start_line=raw.start_line or 1, problems=list(raw.problems)
    )
    data, problems = raw.data, meta.problems

    name = name_text(data.get("name"))
    if not name:
        problems.append(
            Problem(
                "glossary entry has no name: add 'name: ...' to its front matter; "
                "it cannot be linked until it has one",
                meta.line("name"),
                "name",
                "glossary",
            )
        )
    meta.name = " ".join((name or "").split())

    meta.aliases = _aliases(data, meta)
    _read_texts(data, meta)
    meta.related = tuple(
        name_list(data.get("related"), "related", meta.lines.get("related"), problems, split=False)
    )

    for key in data:
        if key not in _ENTRY_KEYS and key not in _SPHINX_KEYS:
            problems.append(
                Problem(
                    f"unknown key {key!r} in a glossary entry (expected name, aliases, summary, "
                    "website, related); ignored",
                    meta.line(key),
                    key,
                    "glossary",
                )
            )
    return meta


def _aliases(data: dict[str, Any], meta: EntryMeta) -> tuple[str, ...]:
    """The entry's other names, each once; one that would link nearly every article is refused."""
    problems = meta.problems
    aliases: list[str] = []
    for alias in name_list(
        data.get("aliases"), "aliases", meta.lines.get("aliases"), problems, split=False
    ):
        alias = " ".join(alias.split())
        reason = alias_refusal(alias)
        if reason is not None:
            problems.append(
                Problem(
                    f"alias {shown(alias)} is {reason}: it would link nearly every article; "
                    "ignored",
                    meta.line("aliases"),
                    "aliases",
                    "glossary",
                )
            )
            continue
        # A spelling that only differs in case (NVIDIA for Nvidia) links nothing
        # new but is still shown and searched, so only exact repeats are dropped.
        if alias != meta.name and alias not in aliases:
            aliases.append(alias)
    return tuple(aliases)


def _read_texts(data: dict[str, Any], meta: EntryMeta) -> None:
    """``summary`` (text) and ``website`` (an http(s) address only)."""
    problems = meta.problems
    if data.get("summary") is not None:
        summary = scalar_text(data["summary"])
        if summary is None:
            problems.append(
                Problem("summary: expected text", meta.line("summary"), "summary", "glossary")
            )
        else:
            meta.summary = " ".join(summary.split())

    if data.get("website") is not None:
        website = scalar_text(data["website"]) or ""
        # Only web addresses: a javascript: or file: URL must never become a link.
        if website.startswith(("https://", "http://")) and not any(c.isspace() for c in website):
            meta.website = website
        else:
            problems.append(
                Problem(
                    f"website: expected an http(s) address, got {shown(data['website'])}; not shown",
                    meta.line("website"),
                    "website",
                    "glossary",
                )
            )
