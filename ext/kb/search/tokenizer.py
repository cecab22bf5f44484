"""The tokenizer shared by the search index (Python) and the search page (JavaScript).

Hand-written because no segmenter fits: TinySegmenter, Janome and MeCab cut
compounds differently on the index side and the query side (データセンター容量
becomes two words in a page but one unknown word in a query), and a dictionary
cannot know new product names or identifiers. The search is exact instead: a
page matches a part of the query when its text holds the part's characters in
that order, and the index keeps enough to prove it without reading the page.

``kb/static/kb-search.js`` implements the same rules; the tests feed both
the same samples and require identical output.

The text a query is matched against is the page's *compact* text: folded
(NFKC, lower case), with the spaces and line breaks next to a Japanese
character removed (Japanese puts no space between words: a line wrapped in
the source, or the space some writers leave between Japanese and Latin, is not
part of a phrase). Other spaces, and the separators between fields and blocks
(``\\n``, ``\\x1f``), end a phrase.

Index keys of a compact text:

* a *word*: a run of letters and digits that are not Japanese (``gb200``,
  ``define``, ``2024``), with where it starts;
* a *pair*: two neighbouring characters that are not both word characters:
  two Japanese characters (``セン``), a symbol and its neighbour (``e_``,
  ``_m``, ``=>``), a word's last or first letter and the Japanese character
  beside it (``0月``); with where it starts. Where a word meets such a
  character, the pair is kept with the word's next letter too (``en_``).

Any piece of text of two characters or more is covered by the words and pairs
inside it, so their positions prove a phrase exactly, joining characters
(``_ # . : / - + @``) included.
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

#: Characters written without spaces between words (kana, kanji and their marks).
#: Must match ``CJK`` in kb-search.js.
CJK_RANGES = (
    "\u3005-\u3007"  # 々 〆 〇
    "\u3041-\u309f"  # hiragana
    "\u30a1-\u30fa"  # katakana (・ U+30FB is punctuation)
    "\u30fc-\u30ff"  # ー ヽ ヾ ヿ
    "\u31f0-\u31ff"  # small katakana extension
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0003134f"  # CJK extensions B-G
)
#: Spaces left after NFKC (which turns the other spaces into U+0020); a line
#: break is a separator, not a space. Must match ``SPACE`` in kb-search.js.
SPACES = " \t\r\x0b\x0c\x85\u1680\u2028\u2029"
#: Between fields, blocks and names: no phrase runs across them.
SEPARATORS = "\n\x1f"
#: Quotation marks around a query piece are not part of it.
QUOTES = '"\u201c\u201d\u300c\u300d\u300e\u300f'

_CJK = f"[{CJK_RANGES}]"
# A letter or digit that is not Japanese; Python's [^\W_] is JavaScript's [\p{L}\p{N}].
_WORD = rf"(?:(?!{_CJK})[^\W_])"
# Anything else that is neither a space nor a separator: Japanese, symbols, marks.
_OTHER = rf"(?:{_CJK}|_|[^\w{SPACES}{SEPARATORS}])"
_BREAKS = frozenset(SPACES + SEPARATORS)
# Whether a pair is a key, decided once per distinct pair (a few thousand on a
# Japanese site); emptied when it grows beyond this many.
_PAIR_KEYS: dict[str, bool] = {}
_PAIR_KEYS_KEPT = 1 << 17
_SOFT = f"[{SPACES}]+"
_PIECES = re.compile(f"[^{SPACES}{SEPARATORS}]+")
_HIRAGANA = "\u3041-\u309f"
#: Particles a query is cut at when they join two content words (データセンターの電力).
PARTICLES = ("から", "まで", "との", "の", "と", "を", "に", "は", "が", "で", "や", "へ")
_PARTICLE_RUN = "(?:" + "|".join(PARTICLES) + ")+"
# A particle run counts only between two non-hiragana characters, so words
# written in kana (できる, ために) are never cut.
_PARTICLE_SPLIT = re.compile(rf"(?<=[^{_HIRAGANA}]){_PARTICLE_RUN}(?=[^{_HIRAGANA}]|$)")
_LEADING_PARTICLES = re.compile(rf"^{_PARTICLE_RUN}(?=[^{_HIRAGANA}])")


class _Patterns(NamedTuple):
    units: re.Pattern[str]
    word_char: re.Pattern[str]
    word_run: re.Pattern[str]
    other_char: re.Pattern[str]
    #: A pair is a key unless both are letters of a word or one is a space or separator.
    pair_key: re.Pattern[str]
    japanese_space: re.Pattern[str]


@functools.cache
def _patterns() -> _Patterns:
    """The patterns over Japanese and Unicode classes, compiled when text is first
    scanned: compiling them was 30 ms of every build's start, a rebuild that
    indexes no page included."""
    return _Patterns(
        units=re.compile(rf"(?P<w>{_WORD}+)|(?P<o>{_OTHER}+)"),
        word_char=re.compile(_WORD),
        word_run=re.compile(f"{_WORD}+"),
        other_char=re.compile(_OTHER),
        pair_key=re.compile(rf"(?!{_WORD}{_WORD})[^{SPACES}{SEPARATORS}]{{2}}"),
        japanese_space=re.compile(rf"(?<={_CJK}){_SOFT}|{_SOFT}(?={_CJK})"),
    )


def fold_width_and_case(text: str) -> str:
    """NFKC, then lower case: ＧＰＵ, GPU and gpu, ｴｰｼﾞｪﾝﾄ and エージェント become one.

    ``str.lower`` rather than ``casefold``: JavaScript has ``toLowerCase`` only,
    and both sides must fold alike (ß stays ß on both).
    """
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).lower())


def compact(folded: str) -> str:
    """Folded text without the spaces next to a Japanese character (メソ ッド → メソッド)."""
    return _patterns().japanese_space.sub("", folded)


def is_word_char(char: str) -> bool:
    return _patterns().word_char.fullmatch(char) is not None


def scan(text: str) -> tuple[dict[str, list[int]], set[str], set[str]]:
    """Words and pairs of a compact text with their start offsets, its words, its other characters.

    Where a word meets a symbol or a Japanese character, the pair is also kept
    with the word's second letter (``en_`` of ``en_us``, ``/sh`` of
    ``/bin/sh``), so a phrase starting or ending with a two-letter word is
    proven without listing every word that ends or starts with those letters.

    The search's hottest loop at build time: every neighbouring pair is noted
    in one pass made of C loops (``map``, ``enumerate``), and the pairs that
    are no key (two letters of a word, a space or separator) are dropped
    afterwards, once per distinct pair rather than once per character.
    """
    positions: defaultdict[str, list[int]] = defaultdict(list)
    for at, pair in enumerate(map(operator.add, text, text[1:])):
        positions[pair].append(at)
    known = _PAIR_KEYS
    patterns = _patterns()
    if len(known) > _PAIR_KEYS_KEPT:
        known.clear()
    for pair in list(positions):
        kept = known.get(pair)
        if kept is None:
            kept = known[pair] = patterns.pair_key.fullmatch(pair) is not None
        if not kept:
            del positions[pair]
    words: set[str] = set()
    last = len(text) - 1
    for match in patterns.word_run.finditer(text):
        word = match.group()
        at, end = match.span()
        words.add(word)
        positions[word].append(at)
        if len(word) > 1:
            if at and text[at - 1] not in _BREAKS:
                positions[text[at - 1 : at + 2]].append(at - 1)
            if end <= last and text[end] not in _BREAKS:
                positions[text[end - 2 : end + 1]].append(end - 2)
    others = {char for char in set(text) if patterns.other_char.fullmatch(char)}
    return positions, words, others


def tokens(text: str) -> list[str]:
    """Index keys with positions (words and pairs) of ``text``, folded and compacted here."""
    positions, _, _ = scan(compact(fold_width_and_case(text)))
    return sorted(positions, key=lambda token: (min(positions[token]), token))


@dataclass(frozen=True)
class QueryToken:
    """A key of a query part, where it starts in the part, and how it meets the page.

    ``kind`` is ``word``, ``pair`` or ``char`` (a part of one character that is
    not a letter or digit). A word at the start of a part may end a longer word
    of the page (``before``: ``define`` of ``undefine_method``), one at its end
    may begin one (``after``); a part that is one word may lie anywhere inside
    a word (``b20`` of ``gb200``).
    """

    text: str
    offset: int
    kind: str
    before: bool = False
    after: bool = False


@dataclass(frozen=True)
class QueryPart:
    """A piece of the query a page must contain as it is (after folding)."""

    text: str
    tokens: tuple[QueryToken, ...]


def split_particles(segment: str) -> list[str]:
    """``データセンターの電力`` → ``[データセンター, 電力]``; kana-only words stay whole."""
    segment = _LEADING_PARTICLES.sub("", segment)
    return [piece for piece in _PARTICLE_SPLIT.split(segment) if piece]


def query_tokens(part: str) -> tuple[QueryToken, ...]:
    found: list[QueryToken] = []
    if len(part) == 1 and not is_word_char(part):
        return (QueryToken(part, 0, "char"),)
    for match in _patterns().units.finditer(part):
        if match.lastgroup != "w":
            continue
        word, start, end = match.group(), match.start(), match.end()
        before, after = start == 0, end == len(part)
        found.append(QueryToken(word, start, "word", before=before, after=after))
        # A two-letter first or last word is proven with the character beside it.
        if len(word) == 2 and before and not after:
            found.append(QueryToken(part[: end + 1], 0, "pair"))
        elif len(word) == 2 and after and not before:
            found.append(QueryToken(part[start - 1 :], start - 1, "pair"))
    for i in range(len(part) - 1):
        pair = part[i : i + 2]
        if not (is_word_char(pair[0]) and is_word_char(pair[1])):
            found.append(QueryToken(pair, i, "pair"))
    return tuple(sorted(found, key=lambda token: (token.offset, token.kind)))


def query_parts(query: str) -> list[QueryPart]:
    """The parts a page must all contain to match ``query``.

    The query is cut at spaces, then at particles between two content words;
    quotation marks around a piece are dropped.
    """
    parts: list[QueryPart] = []
    seen: set[str] = set()
    for segment in _PIECES.findall(fold_width_and_case(query)):
        for piece in split_particles(segment.strip(QUOTES)):
            piece = piece.strip(QUOTES)
            if piece and piece not in seen:
                seen.add(piece)
                parts.append(QueryPart(piece, query_tokens(piece)))
    return parts
