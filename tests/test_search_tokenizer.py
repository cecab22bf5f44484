"""The search tokenizer: its rules, the property the search relies on, and the JS twin."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from kb.search.index import decode, encode
from kb.search.tokenizer import compact, fold_width_and_case, query_parts, tokens
from kb.sphinx.searchstub import StubIndexFormat

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
    " 　.,・、。「」（）()-_/+%＆&#:@=>\n"
)
texts = st.text(alphabet=ALPHABET, max_size=40)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("データセンター容量", ["デー", "ータ", "タセ", "セン", "ンタ", "ター", "ー容", "容量"]),
        ("ＧＰＵ", ["gpu"]),
        ("ｴｰｼﾞｪﾝﾄ", ["エー", "ージ", "ジェ", "ェン", "ント"]),
        # Pairs join a word to the Japanese or the symbol beside it, with a
        # second letter of the word too.
        ("GB200とH100", ["00と", "0と", "gb200", "h100", "とh", "とh1"]),
        ("1.4兆ドル", [".4", "1", "1.", "4", "4兆", "ドル", "兆ド"]),
        ("1,000億ドル", [",0", ",00", "000", "00億", "0億", "1", "1,", "ドル", "億ド"]),
        ("2024年9月", ["2024", "24年", "4年", "9", "9月", "年9"]),
        ("計算資源。AWS", ["aws", "。a", "。aw", "源。", "算資", "計算", "資源"]),
        ("「AIチップ」", ["ai", "aiチ", "iチ", "「a", "「ai", "チッ", "ップ", "プ」"]),
        ("Python 3.11.", [".1", ".11", "1.", "11", "11.", "3", "3.", "python"]),
        ("define_method", ["_m", "_me", "define", "e_", "method", "ne_"]),
        ("x => y", ["=>", "x", "y"]),
        # A line wrapped inside a Japanese word, a space beside Japanese: not in the text.
        ("メソ ッド", ["ソッ", "ッド", "メソ"]),
        ("GPU の性能", ["gpu", "puの", "uの", "の性", "性能"]),
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
        # Symbols are part of the phrase; quotation marks around it are not.
        ("AWS (Amazon Web Services)", ["aws", "(amazon", "web", "services)"]),
        ("define_method", ["define_method"]),
        ("「メソッド」を使う", ["メソッド", "使う"]),
        ('"torch.compile"', ["torch.compile"]),
        ("=>", ["=>"]),
        ("。、", ["。、"]),
        ("  ", []),
    ],
)
def test_query_parts(query: str, parts: list[str]) -> None:
    assert [part.text for part in query_parts(query)] == parts


def test_edge_tokens_of_a_part_may_be_inside_longer_words() -> None:
    (part,) = query_parts("B20")
    assert [(t.text, t.before, t.after) for t in part.tokens] == [("b20", True, True)]
    (part,) = query_parts("2024年9月")
    assert [(t.text, t.kind, t.before, t.after) for t in part.tokens] == [
        ("2024", "word", True, False),
        ("4年", "pair", False, False),
        ("年9", "pair", False, False),
        ("9月", "pair", False, False),
        ("9", "word", False, False),
    ]


@given(texts)
def test_fold_is_idempotent(text: str) -> None:
    assert fold_width_and_case(fold_width_and_case(text)) == fold_width_and_case(text)


@given(texts, st.data())
@example("GB200を導入", None)
@example("a1.4兆", None)
@example("ｶﾞｰﾃﾞﾝ", None)
@settings(max_examples=400)
def test_every_text_containing_a_query_holds_its_tokens(
    text: str, data: st.DataObject | None
) -> None:
    """What makes the search find every page containing a query.

    For a page whose compact text contains the folded query, every part of the
    query is in the text, every pair and inner word of a part is one of the
    page's keys, and a part's first (last) word ends (begins) one of its words.
    """
    page = compact(fold_width_and_case(text))
    if data is None:
        start, end = 0, len(page)
    else:
        start = data.draw(st.integers(0, len(page)))
        end = data.draw(st.integers(start, len(page)))
    query = page[start:end]
    assume(fold_width_and_case(query) == query)
    page_tokens = set(tokens(page))
    for part in query_parts(query):
        assert part.text in page
        for token in part.tokens:
            if token.kind == "char":
                assert token.text in page
            elif token.before and token.after:
                assert any(token.text in held for held in page_tokens), (token, page_tokens)
            elif token.before:
                assert any(held.endswith(token.text) for held in page_tokens), (token, page_tokens)
            elif token.after:
                assert any(held.startswith(token.text) for held in page_tokens), (token, page_tokens)
            else:
                assert token.text in page_tokens, (token, page_tokens)


@given(st.lists(st.integers(0, 5000), max_size=300))
def test_postings_round_trip(pages: list[int]) -> None:
    assert decode(encode(pages)) == sorted(set(pages))


def test_stub_index_reads_back_as_an_empty_index_of_the_same_version() -> None:
    fmt = StubIndexFormat("index")
    frozen = {
        "envversion": {"sphinx": 66},
        "terms": {"デー": [0, 1]},
        "docnames": ["a", "index"],
        "filenames": ["a.md", "index.md"],
        "titles": ["A", "トップ"],
    }
    text = fmt.dumps(frozen)
    assert len(text) < 300
    loaded = fmt.loads(text)
    assert loaded["envversion"] == {"sphinx": 66}
    # One page kept: Sphinx cannot write an index of none on a build that writes nothing.
    assert loaded["docnames"] == ["index"] and loaded["titles"] == ["トップ"]
    assert loaded["terms"] == {}


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
    "define_method と each_with_index",
    "Array#map => [1, 2]",
    "torch.compile(model) -> CUDA_VISIBLE_DEVICES=0",
    "A/B テスト、3nm と 865億ドル",
    "メソ\nッド と メソ ッド",
    "「メソッド」",
    "foo::Bar @user +1 -1 a.b.c",
]


def _run_js(node: str, script: str, payload: object) -> object:
    result = subprocess.run(
        [node, "-e", script, str(JS)],
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
    fold: KbSearchTokenizer.foldWidthAndCase(text),
    compact: KbSearchTokenizer.compact(KbSearchTokenizer.foldWidthAndCase(text)),
    tokens: KbSearchTokenizer.tokens(text),
    parts: KbSearchTokenizer.queryParts(text).map((part) => ({
      text: part.text,
      tokens: part.tokens.map((t) => [t.text, t.offset, t.kind, t.before, t.after]),
    })),
  }));
  process.stdout.write(JSON.stringify(out));
});
"""


def _python_view(text: str) -> dict[str, object]:
    return {
        "fold": fold_width_and_case(text),
        "compact": compact(fold_width_and_case(text)),
        "tokens": tokens(text),
        "parts": [
            {
                "text": part.text,
                "tokens": [[t.text, t.offset, t.kind, t.before, t.after] for t in part.tokens],
            }
            for part in query_parts(text)
        ],
    }


def test_javascript_tokenizer_agrees_with_python(node: str) -> None:
    rng = random.Random(20251107)
    generated = [
        "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 30))) for _ in range(300)
    ]
    samples = SAMPLES + generated
    js = _run_js(node, JS_TOKENIZE, samples)
    assert isinstance(js, list)
    for text, js_view in zip(samples, js, strict=True):
        assert js_view == _python_view(text), text


# --- the index Sphinx writes with kb's search ------------------------------


def _chunks(outdir: Path) -> dict[str, Any]:
    """Every postings key of the site's index -> its value."""
    merged: dict[str, Any] = {}
    for path in (outdir / "kb-search" / "t").glob("*.js"):
        raw = path.read_text(encoding="utf-8")
        merged.update(json.loads(raw[raw.index(",") + 1 : raw.rindex(")")]))
    return merged


def _docnames(outdir: Path) -> list[str]:
    names = []
    for path in sorted((outdir / "kb-search" / "d").glob("*.js"), key=lambda p: int(p.stem)):
        raw = path.read_text(encoding="utf-8")
        names.append(json.loads(raw[raw.index(",") + 1 : raw.rindex(")")])["n"])
    return names


def _pages_with(outdir: Path, token: str) -> set[str]:
    value = _chunks(outdir).get(token)
    if value is None:
        return set()
    pages = value[0] if isinstance(value, list) else value
    names = _docnames(outdir)
    return {names[page] for page in decode(pages)}


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
            "articles/c.md": article("下書きの蓄電池。", title="三つ目", draft=True),
        },
    )
    first = build(src, parallel=2)
    out = first.outdir
    assert _pages_with(out, "算資") == {"articles/a"}  # joined across **計算**資源
    assert _pages_with(out, "gb200") == {"articles/a"}
    assert _pages_with(out, "政策") == {"articles/a"}  # a tag
    assert _pages_with(out, "ソブ") == {"articles/a"}  # the excerpt
    assert _pages_with(out, "容量") == {"articles/b"}
    assert _pages_with(out, "蓄電") == set()  # a draft is never indexed
    assert "articles/c" not in _docnames(out)
    # kb-latest on the home page lists both titles, but generated lists are not indexed.
    assert "index" not in _pages_with(out, "二つ")
    assert 'class="no-search"' in (out / "index.html").read_text(encoding="utf-8")
    # Sphinx's own index is a stub: no build loads or rewrites a whole index.
    assert (out / "searchindex.js").stat().st_size < 1000

    stamps = {path: path.stat().st_mtime_ns for path in (out / "kb-search").rglob("*.js")}
    again = build(src, parallel=2)
    assert "0 added, 0 changed, 0 removed" in again.status
    assert {p: p.stat().st_mtime_ns for p in (out / "kb-search").rglob("*.js")} == stamps

    (src / "articles" / "b.md").write_text(article("電力の話。", title="二つ目"), encoding="utf-8")
    second = build(src, parallel=2)
    assert "0 added, 1 changed, 0 removed" in second.status  # a was not read again
    assert _pages_with(out, "容量") == set()
    assert _pages_with(out, "電力") == {"articles/b"}
    # The unchanged article keeps its entries.
    assert _pages_with(out, "算資") == {"articles/a"}
    assert _pages_with(out, "gb200") == {"articles/a"}
    rewritten = {
        p for p in (out / "kb-search").rglob("*.js") if p.stat().st_mtime_ns != stamps.get(p)
    }
    # One page file rewritten, the edited one's; the manifest is as it was.
    assert [p.parent.name for p in rewritten].count("d") == 1
    assert out / "kb-search" / "index.js" not in rewritten

    # An article older than the others renumbers the pages; a removed one leaves the index.
    (src / "articles" / "d.md").write_text(
        article("蓄電池の古い話。", title="四つ目", date="2020-01-01"), encoding="utf-8"
    )
    (src / "articles" / "b.md").unlink()
    build(src, parallel=2)
    assert _docnames(out)[0] == "index"  # pages without a date first
    assert _pages_with(out, "蓄電") == {"articles/d"}
    assert _pages_with(out, "電力") == set()
    assert _pages_with(out, "算資") == {"articles/a"}
    assert "articles/b" not in _docnames(out)
    assert len(list((out / "kb-search" / "d").glob("*.js"))) == len(_docnames(out))


def test_kb_search_false_gives_sphinx_its_own_search_back(tmp_path: Path) -> None:
    from kbtesting import article, build, write_project

    src = write_project(
        tmp_path, {"articles/a.md": article("データセンター容量の話。")}, conf="kb_search = False\n"
    )
    site = build(src)
    text = (site.outdir / "searchindex.js").read_text(encoding="utf-8")
    assert "\\u" in text  # Sphinx's own writer escapes Japanese
    assert not (site.outdir / "kb-search").exists()
    assert "kb-search.js" not in (site.outdir / "index.html").read_text(encoding="utf-8")
    # And the next project in this process gets kb's search again.
    other = write_project(tmp_path / "again", {"articles/a.md": article("容量。")})
    assert (build(other).outdir / "kb-search" / "index.js").exists()
