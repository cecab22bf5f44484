"""``kb glossary suggest``: names articles use that have no glossary entry (no Sphinx here).

A name is worth an entry when an article sets it in bold (``**CoreWeave**``),
when it recurs in Latin letters (H200 three times), or when an explicit
``{partner}``/``{tech}`` role names it and the build cannot resolve it. Bold
sentences and bold lines used as headings are not names and are skipped, as
are names that already belong to an entry.

Occurrences are counted with the glossary's own linker
(:class:`kb.core.glossarytable.MentionLinker`): leftmost-longest, Latin names on
word boundaries, case and width folded, so a count here is the count the
build would link once the entry exists, and known names win over candidates
exactly as they would in the build.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kb.core.atomicfile import write_atomically
from kb.core.entrymeta import alias_refusal, entry_meta
from kb.core.frontmatter import read_front_matter
from kb.core.glossarytable import Declared, GlossaryTable, MentionLinker, fold_chars
from kb.core.names import name_key, slugify
from kb.core.settings import KbConfig

#: Times a Latin-letter name must occur, over all articles, to be suggested
#: without being set in bold or named by a role.
MIN_RECURRENCE = 2
#: Longest bold text still taken for a name, in characters.
MAX_NAME_LENGTH = 40

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
# Inline code (group 1 set), or a {role}`name`, which is prose and kept.
_CODE_OR_ROLE = re.compile(r"\{[A-Za-z][\w:-]*\}`[^`]+`|(`+)(?!`).*?(?<!`)\1(?!`)")
_URL = re.compile(r"https?://[^\s)>\]]+")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_COMMENT = re.compile(r"<!--.*?-->")
_BOLD = re.compile(r"\*\*(?=\S)([^*\n]+?)(?<=\S)\*\*|__(?=\S)([^_\n]+?)(?<=\S)__")
_ROLE = re.compile(r"\{([A-Za-z][\w:-]*)\}`([^`]+)`")
_ROLE_TARGET = re.compile(r"<([^<>]+)>\s*$")
# Latin tokens after width folding: letters and digits, joined inside by . + & - '
_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.+&'\-]*[A-Za-z0-9+])?")
_UNIT = re.compile(r"^\d[\d.,]*[A-Za-z]{1,4}$")
_PARENTHESES = re.compile(r"^(.+?)\s*[(（]\s*(.+?)\s*[)）]$")
_QUOTES = "「」『』“”\"'【】"
# Sentence punctuation: bold text holding any of these is a phrase, not a name.
_SENTENCE = set("。、，,！？!?：:；;…「」『』")


@dataclass(frozen=True)
class ArticleText:
    """One article file: the path to show, and its text."""

    path: str
    text: str


@dataclass(frozen=True)
class UnresolvedRole:
    """An explicit entry role whose name no entry owns: the build warns about it."""

    path: str
    line: int
    role: str
    name: str


@dataclass
class Suggestion:
    """A name without an entry, with where it occurs."""

    name: str
    #: The name key (:func:`kb.core.names.name_key`): one suggestion per key.
    key: str
    count: int = 0
    #: path -> first line of an occurrence there, in path order.
    articles: dict[str, int] = field(default_factory=dict)
    #: Why it is suggested: "bold", "latin", "role".
    sources: set[str] = field(default_factory=set)
    #: Other spellings found, and long forms given in parentheses.
    aliases: list[str] = field(default_factory=list)
    #: Entry kind a role asked for, when a role named it.
    kind: str = ""


_WIDTH = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}


def _narrow(text: str) -> str:
    """Full-width ASCII to ASCII, one character for one (positions are kept)."""
    return text.translate(_WIDTH)


def _blank(text: str, start: int, end: int) -> str:
    """``text`` with ``[start, end)`` replaced by a separator no name crosses."""
    return text[:start] + "\x00" * (end - start) + text[end:]


def _prose_lines(text: str) -> Iterable[tuple[int, str]]:
    """(file line, text) of the body's prose: code, comments, URLs and link targets blanked."""
    raw = read_front_matter(text)
    fence = ""
    for offset, line in enumerate(raw.body.splitlines()):
        number = raw.body_line + offset
        match = _FENCE.match(line)
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = ""
            continue
        if match:
            fence = match.group(1)
            continue
        for pattern in (_COMMENT, _CODE_OR_ROLE, _URL, _LINK_TARGET):
            for found in reversed(list(pattern.finditer(line))):
                if pattern is not _CODE_OR_ROLE or found.group(1):
                    line = _blank(line, found.start(), found.end())
        yield number, line


def _hiragana(char: str) -> bool:
    return "\u3041" <= char <= "\u309f"


def _name_parts(bold: str) -> tuple[str, str] | None:
    """(name, long form or "") of a bold text that is a name; None for a phrase."""
    text = " ".join(bold.split()).strip(_QUOTES).strip()
    if not text or len(text) > MAX_NAME_LENGTH:
        return None
    long_form = ""
    match = _PARENTHESES.match(text)
    if match:
        text, long_form = match.group(1).strip(_QUOTES), match.group(2).strip(_QUOTES)
    if any(char in _SENTENCE for char in text + long_form):
        return None
    # Names are katakana, kanji and Latin; a run of hiragana is a sentence.
    if sum(map(_hiragana, text)) * 3 > len(text) or len(text.split()) > 6:
        return None
    narrow = unicodedata.normalize("NFKC", text)
    if narrow[0].isdigit() and not any(c.isascii() and c.isalpha() for c in narrow):
        return None  # 1.4兆ドル: an amount
    return text, long_form


def _is_heading_line(line: str, start: int, end: int) -> bool:
    """A bold text that is the whole line is used as a heading, not as a name."""
    return not line[:start].strip(" \t>-*+#") and not line[end:].strip(" \t。.:：")


def _latin_names(line: str) -> Iterable[str]:
    """Latin names in ``line`` (width-folded): tokens with a capital or a digit, runs joined."""
    narrow = _narrow(line)
    run: list[str] = []
    run_end = -1
    for match in _TOKEN.finditer(narrow):
        token = match.group(0)
        usable = (
            len(token) > 1
            and any(c.isalpha() for c in token)
            and token != token.lower()
            and not _UNIT.match(token)
        )
        if not usable:
            if run:
                yield " ".join(run)
            run = []
            continue
        # Capitalised words separated by one space make one name (Jensen Huang).
        if (
            run
            and narrow[run_end : match.start()] == " "
            and (token[0].isupper() or token[0].isdigit())
        ):
            run.append(token)
        else:
            if run:
                yield " ".join(run)
            run = [token]
        run_end = match.end()
    if run:
        yield " ".join(run)


def _role_name(content: str) -> str:
    target = _ROLE_TARGET.search(content)
    return " ".join((target.group(1) if target else content).split())


def unresolved_roles(
    articles: Iterable[ArticleText], table: GlossaryTable, roles: Mapping[str, str]
) -> list[UnresolvedRole]:
    """Every ``{role}`name``` of an entry kind whose name no entry owns, in file order."""
    found: list[UnresolvedRole] = []
    for article in articles:
        for number, line in _prose_lines(article.text):
            for match in _ROLE.finditer(line):
                role = match.group(1)
                if role not in roles:
                    continue
                name = _role_name(match.group(2))
                if name and table.find(name, roles[role]) is None:
                    found.append(UnresolvedRole(article.path, number, role, name))
    return found


class _Candidates:
    """Names proposed for the glossary, by name key; names the glossary has are not."""

    def __init__(self, table: GlossaryTable) -> None:
        self.table = table
        self.found: dict[str, Suggestion] = {}

    def propose(self, name: str, source: str, kind: str = "", long_form: str = "") -> None:
        name = " ".join(name.split())
        table = self.table
        if not name or table.find(name) is not None or table.linker.find(name):
            return
        key = name_key(name)
        suggestion = self.found.setdefault(key, Suggestion(name, key))
        suggestion.sources.add(source)
        suggestion.kind = suggestion.kind or kind
        if long_form and table.find(long_form) is None and long_form not in suggestion.aliases:
            suggestion.aliases.append(long_form)


def suggest(
    articles: Iterable[ArticleText],
    table: GlossaryTable,
    roles: Mapping[str, str],
    min_recurrence: int = MIN_RECURRENCE,
) -> list[Suggestion]:
    """Names without an entry, longest first (then most frequent, then by key)."""
    articles = sorted(articles, key=lambda a: a.path)
    candidates = _Candidates(table)
    for role in unresolved_roles(articles, table, roles):
        candidates.propose(role.name, "role", roles[role.role])
    prose = [(article, _scan(article, candidates)) for article in articles]
    spellings = _count(candidates.found, table.linker, prose)
    return _chosen(candidates.found, spellings, min_recurrence)


def _scan(article: ArticleText, candidates: _Candidates) -> list[tuple[int, str]]:
    """Propose the article's bold and Latin names; its prose lines with roles' markup blanked."""
    known = candidates.table.linker
    lines = []
    for number, line in _prose_lines(article.text):
        for match in reversed(list(_ROLE.finditer(line))):
            # A role's own name is a mention like any other; its markup is not.
            content = match.group(2)
            if _ROLE_TARGET.search(content) or _role_name(content) != content:
                line = _blank(line, match.start(), match.end())
            else:
                line = _blank(line, match.end() - 1, match.end())
                line = _blank(line, match.start(), match.start(2))
        lines.append((number, line))
        masked = line
        for match in _BOLD.finditer(line):
            if _is_heading_line(line, match.start(), match.end()):
                continue
            parts = _name_parts(match.group(1) or match.group(2))
            if parts is not None:
                candidates.propose(parts[0], "bold", long_form=parts[1])
                # Found as bold: not counted again as a Latin token.
                masked = _blank(masked, match.start(), match.end())
        for mention in known.find(masked):
            masked = _blank(masked, mention.start, mention.end)
        for name in _latin_names(masked):
            candidates.propose(name, "latin")
    return lines


def _count(
    candidates: dict[str, Suggestion],
    known: MentionLinker,
    prose: list[tuple[ArticleText, list[tuple[int, str]]]],
) -> dict[str, Counter[str]]:
    """Count each candidate's mentions and spellings with the build's own linker over
    known names and candidates together: a candidate inside a known name is not
    counted there."""
    spellings: dict[str, Counter[str]] = {}
    words = dict(known.words)
    for key, suggestion in sorted(candidates.items()):
        for text in (suggestion.name, *suggestion.aliases):
            words.setdefault(fold_chars(text), ("?" + key, text))
    linker = MentionLinker(words)
    for article, lines in prose:
        for number, line in lines:
            for mention in linker.find(line):
                if not mention.docname.startswith("?"):
                    continue
                suggestion = candidates[mention.docname[1:]]
                suggestion.count += 1
                suggestion.articles.setdefault(article.path, number)
                if name_key(mention.target) == suggestion.key:  # not a long form
                    spellings.setdefault(suggestion.key, Counter())[
                        _narrow(line[mention.start : mention.end])
                    ] += 1
    return spellings


def _chosen(
    candidates: dict[str, Suggestion], spellings: dict[str, Counter[str]], min_recurrence: int
) -> list[Suggestion]:
    """The candidates worth an entry, named by their most used spelling."""
    result = []
    for key, suggestion in candidates.items():
        if suggestion.count == 0 and "role" not in suggestion.sources:
            continue
        if suggestion.sources == {"latin"} and suggestion.count < min_recurrence:
            continue
        seen = spellings.get(key, Counter())
        if seen:
            suggestion.name = min(seen, key=lambda s: (-seen[s], s))
        others = sorted(s for s in seen if s != suggestion.name)
        aliases = [a for a in [*others, *suggestion.aliases] if a != suggestion.name]
        suggestion.aliases = [
            a for i, a in enumerate(aliases) if a not in aliases[:i] and alias_refusal(a) is None
        ]
        result.append(suggestion)
    return sorted(result, key=lambda s: (-len(s.name), -s.count, s.key))


def draft_text(suggestion: Suggestion) -> str:
    """A glossary entry file for ``suggestion``: name, an empty summary, the aliases found."""

    def quoted(text: str) -> str:
        # JSON strings are YAML strings, with every special character escaped.
        return json.dumps(text, ensure_ascii=False)

    lines = ["---", f"name: {quoted(suggestion.name)}", 'summary: ""']
    if suggestion.aliases:
        lines.append(f"aliases: [{', '.join(quoted(a) for a in suggestion.aliases)}]")
    lines.append("---")
    return "\n".join(lines) + "\n"


def draft_path(folder: Path, suggestion: Suggestion) -> Path:
    return folder / f"{slugify(suggestion.name)}.md"


def write_draft(folder: Path, suggestion: Suggestion) -> tuple[Path, bool]:
    """Write the draft unless a file of that name exists: (path, written)."""
    path = draft_path(folder, suggestion)
    try:
        # Fails when the file exists, even if it appears in the meantime.
        write_atomically(path, draft_text(suggestion).encode("utf-8"), replace=False)
    except FileExistsError:
        return path, False
    return path, True


# --- reading a project ------------------------------------------------------------


def _read(path: Path) -> str:
    # As the build reads it: stray bytes become U+FFFD and the rest still counts.
    return path.read_text(encoding="utf-8", errors="replace")


def article_files(paths: Iterable[Path]) -> list[Path]:
    """The ``.md`` files named or found under ``paths``, sorted, each once."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(p for p in path.rglob("*.md") if p.is_file())
        elif path.is_file():
            found.add(path)
    return sorted(found)


def read_glossary(folder: Path, kinds: Mapping[str, Mapping[str, str]]) -> GlossaryTable:
    """The name table the build would make from the entry files under ``folder``."""
    declared = []
    for kind, spec in kinds.items():
        sub = folder / spec.get("folder", kind)
        for path in sorted(sub.glob("*.md")) if sub.is_dir() else []:
            meta = entry_meta(read_front_matter(_read(path)))
            if meta.name:
                docname = path.relative_to(folder.parent).with_suffix("").as_posix()
                declared.append(Declared(docname, kind, meta.name, meta.aliases, meta.summary))
    return GlossaryTable(declared)


def read_articles(paths: Iterable[Path], shown: Callable[[Path], str]) -> list[ArticleText]:
    return [ArticleText(shown(path), _read(path)) for path in article_files(paths)]


def default_kinds() -> dict[str, dict[str, str]]:
    """Entry kinds as a project without ``kb_glossary_kinds`` in its conf.py has them."""
    return KbConfig().glossary_kinds
