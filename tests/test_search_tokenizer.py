"""The search tokenizer: its rules, the property the search relies on, and the JS twin."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from kb.search.index import KbIndexFormat, decode, encode
from kb.search.tokenizer import fold, query_parts, tokens

JS = Path(__file__).resolve().parent.parent / "ext" / "kb" / "static" / "kb-search.js"

# Characters of real articles: kana (with small and voiced forms), kanji,
# Latin, digits, full- and half-width forms, separators and punctuation.
ALPHABET = (
    "あいうえおかがきぎくぐのとをにはがでやへからまでするっゃゅょ"
    "アイウエオカガキギクグシジタダテデトドナニンーッャュョェヴ"
    "ｱｲｳｴｵｶｷｸｹｺｰﾞﾟｯｬｭｮｪ"
    "日本半導体投資電力容量計算資源汎用人工知能兆億円年月々〆"
    "AaBbGgHhIiPpUuZz0123456789"
    "ＡＢＧＨＩＰＵ０１２３４５"
    " 　.,・、。「」（）()-_/+%＆&"
)
texts = st.text(alphabet=ALPHABET, max_size=40)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("データセンター容量", ["デー", "ータ", "タセ", "セン", "ンタ", "ター", "ー容", "容量"]),
        ("ＧＰＵ", ["gpu"]),
        ("ｴｰｼﾞｪﾝﾄ", ["エー", "ージ", "ジェ", "ェン", "ント"]),
        ("GB200とH100", ["gb200", "h100", "と"]),
        ("1.4兆ドル", ["1.4", "兆ド", "ドル"]),
        ("1,000億ドル", ["1,000", "億ド", "ドル"]),
        ("2024年9月", ["2024", "年", "9", "月"]),
        ("計算資源。AWS", ["計算", "算資", "資源", "aws"]),
        ("「AIチップ」", ["ai", "チッ", "ップ"]),
        ("Python 3.11.", ["python", "3.11"]),
        ("𠮷野家", ["𠮷野", "野家"]),
    ],
)
def test_tokens(text: str, expected: list[str]) -> None:
    assert sorted(tokens(text)) == sorted(expected)


@pytest.mark.parametrize(
    ("query", "parts"),
    [
        ("データセンターの電力", ["データセンター", "電力"]),
        ("AWSとの提携", ["aws", "提携"]),
        ("OpenAIへの投資", ["openai", "投資"]),
        ("半導体の輸出規制", ["半導体", "輸出規制"]),
        ("電力と冷却", ["電力", "冷却"]),
        ("投資の", ["投資"]),
        # Words written in kana are never cut at particles.
        ("できる", ["できる"]),
        ("AIがもたらす", ["aiがもたらす"]),
        ("1.4兆ドル", ["1.4兆ドル"]),
        ("ＡＷＳ　Ａｍａｚｏｎ", ["aws", "amazon"]),
        ("AWS (Amazon Web Services)", ["aws", "amazon", "web", "services"]),
        ("。、", []),
    ],
)
def test_query_parts(query: str, parts: list[str]) -> None:
    assert [part.text for part in query_parts(query)] == parts


def test_edge_tokens_of_a_part_may_be_inside_longer_words() -> None:
    (part,) = query_parts("B20")
    assert [(t.text, t.partial) for t in part.tokens] == [("b20", True)]
    (part,) = query_parts("2024年9月")
    assert [(t.text, t.partial) for t in part.tokens] == [
        ("2024", True),
        ("年", False),
        ("9", False),
        ("月", True),
    ]


@given(texts)
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(texts, st.data())
@example("GB200を導入", None)
@example("a1.4兆", None)
@example("ｶﾞｰﾃﾞﾝ", None)
@settings(max_examples=400)
def test_every_text_containing_a_query_holds_its_tokens(
    text: str, data: st.DataObject | None
) -> None:
    """What makes the search find every page containing a query.

    For a page whose folded text contains the folded query, every part of the
    query is in the text, every inner token of a part is one of the page's
    tokens, and a part's edge tokens lie inside one of the page's tokens.
    """
    page = fold(text)
    if data is None:
        start, end = 0, len(page)
    else:
        start = data.draw(st.integers(0, len(page)))
        end = data.draw(st.integers(start, len(page)))
    query = page[start:end]
    assume(fold(query) == query)
    page_tokens = set(tokens(page))
    for part in query_parts(query):
        assert part.text in page
        for token in part.tokens:
            if token.partial:
                assert any(token.text in held for held in page_tokens), (token, page_tokens)
            else:
                assert token.text in page_tokens, (token, page_tokens)


@given(st.lists(st.integers(0, 5000), max_size=300))
def test_postings_round_trip(pages: list[int]) -> None:
    assert decode(encode(pages)) == sorted(set(pages))


def test_packed_index_loads_back_as_sphinx_wrote_it() -> None:
    frozen = {
        "docnames": ["a", "b", "c"],
        "terms": {"デー": [0, 1, 2], "gb200": 1, "容量": [0, 2]},
        "titleterms": {"投資": [1, 2]},
        "envversion": {"sphinx": 66},
    }
    fmt = KbIndexFormat()
    text = fmt.dumps(frozen)
    assert "\\u" not in text  # keys are written as UTF-8, not escaped
    assert fmt.loads(text) == frozen


# --- the JavaScript twin ------------------------------------------------

SAMPLES = [
    "データセンター容量",
    "ＧＰＵ",
    "ｴｰｼﾞｪﾝﾄ",
    "GB200",
    "H100",
    "1.4兆ドル",
    "1,000億ドル",
    "AWSとの提携",
    "AIチップ",
    "データセンターの電力",
    "汎用人工知能（AGI）",
    "OpenAIへの投資",
    "2024年9月には",
    "できる",
    "投資の",
    "𠮷野家のGPU",
    "Ｈ１００とＢ２００",
    "Python 3.11.",
    "ﾃﾞｰﾀｾﾝﾀｰ",
    "「計算資源」、つまりGPU",
    "a1.4兆",
    "ⅫとⅣ",
    "Straße ΣΑΣ",
    "。、・",
    "AWS (Amazon Web Services)",
    "OpenAIの1.4兆ドル投資、その真意は？",
]


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the JavaScript tokenizer cannot be compared")
    return node


def _run_js(script: str, payload: object) -> object:
    result = subprocess.run(
        [_node(), "-e", script, str(JS)],
        input=json.dumps(payload, ensure_ascii=False),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)


JS_TOKENIZE = """
const { KbSearchTokenizer } = require(process.argv[1]);
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const out = JSON.parse(input).map((text) => ({
    fold: KbSearchTokenizer.fold(text),
    tokens: KbSearchTokenizer.tokens(text),
    parts: KbSearchTokenizer.queryParts(text).map((part) => ({
      text: part.text,
      tokens: part.tokens.map((t) => [t.text, t.partial]),
    })),
  }));
  process.stdout.write(JSON.stringify(out));
});
"""


def _python_view(text: str) -> dict[str, object]:
    return {
        "fold": fold(text),
        "tokens": tokens(text),
        "parts": [
            {"text": part.text, "tokens": [[t.text, t.partial] for t in part.tokens]}
            for part in query_parts(text)
        ],
    }


def test_javascript_tokenizer_agrees_with_python() -> None:
    rng = random.Random(20251107)
    generated = [
        "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 30))) for _ in range(300)
    ]
    samples = SAMPLES + generated
    js = _run_js(JS_TOKENIZE, samples)
    assert isinstance(js, list)
    for text, js_view in zip(samples, js, strict=True):
        assert js_view == _python_view(text), text


JS_SEARCH = """
const { KbSearchTokenizer, KbSearchEngine } = require(process.argv[1]);
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { index, fields, queries, packed } = JSON.parse(input);
  const fieldMap = new Map(Object.entries(fields).map(([doc, value]) => [Number(doc), value]));
  const out = {
    decoded: packed.map((value) => KbSearchEngine.decode(value)),
    results: queries.map((query) =>
      KbSearchEngine.search(index, fieldMap, KbSearchTokenizer.queryParts(query))
        .map((r) => [r.doc, r.proven]),
    ),
  };
  process.stdout.write(JSON.stringify(out));
});
"""


def test_javascript_engine_finds_every_page_containing_the_query() -> None:
    """The query code over an index built by the Python tokenizer misses no page.

    Pages are random sentences from the alphabet; queries are substrings of
    them (or of a field), particle phrases and absent words. Every page whose
    folded text contains all parts of a query must be a candidate, and a
    candidate marked proven must really contain them.
    """
    rng = random.Random(7)
    words = [
        "データセンター",
        "容量",
        "電力",
        "GB200",
        "H100",
        "ｴｰｼﾞｪﾝﾄ",
        "1.4兆ドル",
        "投資",
        "AWS",
        "提携",
        "チップ",
        "汎用人工知能",
        "半導体",
        "の",
        "と",
        "との",
        "を",
        "、",
        "。",
        "計算資源",
        "ＧＰＵ",
        "AI",
        "は",
        "が",
        "2024年",
        "9月",
    ]
    pages = ["".join(rng.choice(words) for _ in range(rng.randint(3, 25))) for _ in range(60)]
    titles = ["".join(rng.choice(words) for _ in range(3)) for _ in pages]
    field_texts = {doc: ["\x1f".join(rng.sample(words, 2)), ""] for doc in range(0, len(pages), 3)}
    terms: dict[str, set[int]] = {}
    titleterms: dict[str, set[int]] = {}
    for doc, page in enumerate(pages):
        for token in tokens(page):
            terms.setdefault(token, set()).add(doc)
        for token in tokens(titles[doc]):
            titleterms.setdefault(token, set()).add(doc)
    index = {
        "docnames": [f"p{doc}" for doc in range(len(pages))],
        "filenames": [f"p{doc}.md" for doc in range(len(pages))],
        "titles": titles,
        "terms": {token: encode(docs) for token, docs in terms.items()},
        "titleterms": {token: encode(docs) for token, docs in titleterms.items()},
    }
    fields = {str(doc): [fold(keys), fold(excerpt)] for doc, (keys, excerpt) in field_texts.items()}
    queries = [
        "データセンターの電力",
        "AWSとの提携",
        "エージェント",
        "gpu",
        "B20",
        "兆ド",
        "量子コンピュータ",
    ]
    for page in rng.sample(pages, 20):
        folded = fold(page)
        start = rng.randrange(len(folded))
        queries.append(folded[start : start + rng.randint(1, 8)])
    packed_lists = [sorted(rng.sample(range(400), rng.randint(1, 200))) for _ in range(30)]
    out = _run_js(
        JS_SEARCH,
        {
            "index": index,
            "fields": fields,
            "queries": queries,
            "packed": [encode(pages) for pages in packed_lists],
        },
    )
    assert isinstance(out, dict)
    assert out["decoded"] == packed_lists
    for query, results in zip(queries, out["results"], strict=True):
        parts = [part.text for part in query_parts(query)]
        found = {doc for doc, _ in results}
        for doc, page in enumerate(pages):
            haystack = "\n".join([fold(page), fold(titles[doc]), *fields.get(str(doc), [])])
            if parts and all(part in haystack for part in parts):
                assert doc in found, (query, page)
        for doc, proven in results:
            haystack = "\n".join([fold(pages[doc]), fold(titles[doc]), *fields.get(str(doc), [])])
            if proven:
                assert all(part in haystack for part in parts), (query, pages[doc])
    assert out["results"][queries.index("量子コンピュータ")] == []


# --- the index Sphinx writes with kb's search ------------------------------


def _index(outdir: Path) -> dict[str, Any]:
    text = (outdir / "searchindex.js").read_text(encoding="utf-8")
    return KbIndexFormat().loads(text)


def _pages_with(index: dict[str, Any], token: str) -> set[str]:
    pages: set[int] = set()
    for key in ("terms", "titleterms"):
        value = index[key].get(token)
        if value is not None:
            pages.update(decode(value))
    return {index["docnames"][page] for page in pages}


def test_index_holds_front_matter_and_joined_markup_and_survives_incremental_builds(
    tmp_path: Path,
) -> None:
    from kbtesting import article, build, write_project

    src = write_project(
        tmp_path,
        {
            "articles/a.md": article(
                "**計算**資源と**GB**200の話。",
                title="一つ目",
                tags=["半導体政策"],
                excerpt="ソブリンAIの要約。",
            ),
            "articles/b.md": article("データセンター容量の話。", title="二つ目"),
        },
    )
    first = build(src, parallel=2)
    index = _index(first.outdir)
    assert _pages_with(index, "算資") == {"articles/a"}  # joined across **計算**資源
    assert _pages_with(index, "gb200") == {"articles/a"}
    assert _pages_with(index, "政策") == {"articles/a"}  # a tag
    assert _pages_with(index, "ソブ") == {"articles/a"}  # the excerpt
    assert _pages_with(index, "容量") == {"articles/b"}
    # kb-latest on the home page lists both titles, but generated lists are not indexed.
    assert "index" not in _pages_with(index, "二つ")
    assert 'class="no-search"' in (first.outdir / "index.html").read_text(encoding="utf-8")
    fields = (first.outdir / "kb-searchfields.js").read_text(encoding="utf-8")
    assert "半導体政策" in fields and "ソブリンaiの要約。" in fields

    (src / "articles" / "b.md").write_text(article("電力の話。", title="二つ目"), encoding="utf-8")
    second = build(src, parallel=2)
    assert "0 added, 1 changed, 0 removed" in second.status  # a was not read again
    index = _index(second.outdir)
    assert _pages_with(index, "容量") == set()
    assert _pages_with(index, "電力") == {"articles/b"}
    # The unchanged article keeps its entries, read back from the packed file.
    assert _pages_with(index, "算資") == {"articles/a"}
    assert _pages_with(index, "gb200") == {"articles/a"}


def test_kb_search_false_gives_sphinx_its_own_search_back(tmp_path: Path) -> None:
    from kbtesting import article, build, write_project

    src = write_project(
        tmp_path, {"articles/a.md": article("データセンター容量の話。")}, conf="kb_search = False\n"
    )
    site = build(src)
    text = (site.outdir / "searchindex.js").read_text(encoding="utf-8")
    assert "\\u" in text  # Sphinx's own writer escapes Japanese
    assert not (site.outdir / "kb-searchfields.js").exists()
    assert "KbSearchTokenizer" not in (site.outdir / "_static" / "language_data.js").read_text(
        encoding="utf-8"
    )
    # And the next project in this process gets kb's search again.
    other = write_project(tmp_path / "again", {"articles/a.md": article("容量。")})
    assert (build(other).outdir / "kb-searchfields.js").exists()
