"""The tokenizer shared by the search index (Python) and the search page (JavaScript).

Hand-written because no segmenter fits: TinySegmenter, Janome and MeCab cut
compounds differently on the index side and the query side (データセンター容量
becomes two words in a page but one unknown word in a query), and a dictionary
cannot know new product names. Character bigrams need no dictionary: every
substring of a page's text has its bigrams among the page's bigrams, so a query
typed with or without spaces finds every page that contains it.

``kb/static/kb-search.js`` implements the same rules; the tests feed both
the same samples and require identical output.

Tokens of a folded text:

* a run of Japanese characters (kana, kanji, ー, 々) gives its bigrams, or the
  character itself when the run is one character long;
* a run of other letters and digits gives one token, a dot or comma between two
  digits included (``gb200``, ``h100``, ``1.4``, ``1,000``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

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
_CJK = f"[{CJK_RANGES}]"
# A letter or digit that is not Japanese; Python's [^\W_] is JavaScript's [\p{L}\p{N}].
_WORD = rf"(?:(?!{_CJK})[^\W_])"
_TOKEN = re.compile(rf"(?P<cjk>{_CJK}+)|(?P<word>{_WORD}+(?:(?<=[0-9])[.,](?=[0-9]){_WORD}+)*)")
_HIRAGANA = "\u3041-\u309f"
#: Particles a query is cut at when they join two content words (データセンターの電力).
PARTICLES = ("から", "まで", "との", "の", "と", "を", "に", "は", "が", "で", "や", "へ")
_PARTICLE_RUN = "(?:" + "|".join(PARTICLES) + ")+"
# A particle run counts only between two non-hiragana characters, so words
# written in kana (できる, ために) are never cut.
_PARTICLE_SPLIT = re.compile(rf"(?<=[^{_HIRAGANA}]){_PARTICLE_RUN}(?=[^{_HIRAGANA}]|$)")
_LEADING_PARTICLES = re.compile(rf"^{_PARTICLE_RUN}(?=[^{_HIRAGANA}])")


def fold(text: str) -> str:
    """NFKC, then lower case: ＧＰＵ, GPU and gpu, ｴｰｼﾞｪﾝﾄ and エージェント become one.

    ``str.lower`` rather than ``casefold``: JavaScript has ``toLowerCase`` only,
    and both sides must fold alike (ß stays ß on both).
    """
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).lower())


def _run_tokens(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def tokens(text: str) -> list[str]:
    """Index tokens of ``text`` (folded here), in order, repeats kept."""
    out: list[str] = []
    for match in _TOKEN.finditer(fold(text)):
        run = match.group("cjk")
        if run is not None:
            out.extend(_run_tokens(run))
        else:
            out.append(match.group("word"))
    return out


@dataclass(frozen=True)
class QueryToken:
    """One token a page must hold; ``partial`` when the page may hold it inside a longer one.

    The first and last token of a part can be cut out of a longer word on the
    page (``gb2`` of ``gb200``; ``ジ`` of ``エージェント``); tokens between
    them are whole tokens of the page.
    """

    text: str
    partial: bool = False
    cjk: bool = False


@dataclass(frozen=True)
class QueryPart:
    """A piece of the query a page must contain as it is (after folding)."""

    text: str
    tokens: tuple[QueryToken, ...]


def _segments(folded: str) -> list[str]:
    """Maximal runs of token characters: spaces and punctuation separate them."""
    segments: list[str] = []
    start = end = -1
    for match in _TOKEN.finditer(folded):
        if match.start() == end:
            end = match.end()
            continue
        if start >= 0:
            segments.append(folded[start:end])
        start, end = match.start(), match.end()
    if start >= 0:
        segments.append(folded[start:end])
    return segments


def split_particles(segment: str) -> list[str]:
    """``データセンターの電力`` → ``[データセンター, 電力]``; kana-only words stay whole."""
    segment = _LEADING_PARTICLES.sub("", segment)
    return [piece for piece in _PARTICLE_SPLIT.split(segment) if piece]


def _query_tokens(part: str) -> tuple[QueryToken, ...]:
    found: list[QueryToken] = []
    matches = list(_TOKEN.finditer(part))
    for index, match in enumerate(matches):
        edge = index in (0, len(matches) - 1)
        run = match.group("cjk")
        if run is None:
            found.append(QueryToken(match.group("word"), partial=edge))
        elif len(run) == 1:
            found.append(QueryToken(run, partial=edge, cjk=True))
        else:
            found.extend(QueryToken(bigram, cjk=True) for bigram in _run_tokens(run))
    return tuple(found)


def query_parts(query: str) -> list[QueryPart]:
    """The parts a page must all contain to match ``query``."""
    parts: list[QueryPart] = []
    seen: set[str] = set()
    for segment in _segments(fold(query)):
        for piece in split_particles(segment):
            if piece not in seen:
                seen.add(piece)
                parts.append(QueryPart(piece, _query_tokens(piece)))
    return parts
