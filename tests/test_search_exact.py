"""Exact search across every character class: identifiers, symbols, code, numbers, wrapped lines.

The engine (kb-search.js, run in node over the files kb writes) must answer
exactly the pages the README's rules give, computed by tests/search_oracle.py
without kb's search code. The cases come from issue 24: identifiers whose
parts stand elsewhere on a page (``undefined method`` is no ``define_method``),
symbols alone (``=>``), code blocks, raw HTML, and a katakana word cut by a
line break in the Markdown source (the miss on メソッド).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from kb.search.pagekeys import PageRecord
from kb.search.tokenizer import compact
from kbtesting import Server
from search_oracle import fold, holds, html_blocks, page_text
from test_search_browser import SEARCH_TIMEOUT_MS, indexed_docnames
from test_search_index import build_index, run_engine

# Pages holding the identifiers, and pages holding only their parts.
PAGES = {
    "define": "Rubyのdefine_methodでメソッドを定義する。",
    "undefined": "NoMethodError: undefined method `foo' for nil:NilClass",
    "undefine": "Module#undefine_method と remove_method の違い",
    "each": "[1, 2].each_with_index { |x, i| p [x, i] }",
    "each-apart": "each_slice と with_index を組み合わせる。each with index",
    "map": "Array#map は新しい配列を返す。",
    "map-apart": "Array と map、それに Enumerable#map の話。",
    "torch": "model = torch.compile(model) で速くなる。",
    "torch-apart": "torch の compile 関数、torch compile",
    "cuda": "CUDA_VISIBLE_DEVICES=0 python train.py",
    "cuda-apart": "CUDA VISIBLE DEVICES と CUDA_DEVICE_ORDER",
    "ab": "A/Bテストを行う。",
    "ab-apart": "A / B と a b",
    "arrow": "h = { :a => 1 } と書く。",
    "scope": "Foo::Bar.new(x)->call",
    "chips": "H100とGB200、H1000は架空。",
    "nm": "TSMCの3nmプロセス",
    "nm-apart": "3 nm と 3-nm",
    "month": "2025年10月に発表",
    "month-spaced": "2025 年 10 月 に 発表",
    "money": "865億ドルの投資",
    "money-spaced": "1865 億ドル",
    # A Markdown line break inside the word: kb reads it as a space.
    "wrapped": "これらのメソ ッドを使って",
    "katakana-apart": "メソ。ッド",
}
QUERIES = {
    "define_method": {"define", "undefine"},
    "each_with_index": {"each"},
    "Array#map": {"map"},
    "method_missing": set(),
    "torch.compile": {"torch"},
    "torch.compile(model)": {"torch"},
    "CUDA_VISIBLE_DEVICES": {"cuda"},
    "CUDA_VISIBLE_DEVICES=0": {"cuda"},
    "A/B": {"ab"},
    "a/bテスト": {"ab"},
    "=>": {"arrow"},
    ":a": {"arrow"},
    "::": {"scope"},
    "->": {"scope"},
    "#": {"map", "map-apart", "undefine"},
    "H100": {"chips"},
    "GB200": {"chips"},
    "3nm": {"nm"},
    "10月": {"month", "month-spaced"},
    "865億ドル": {"money", "money-spaced"},
    "メソッド": {"define", "wrapped"},
    "「メソッド」": {"define", "wrapped"},
    "define_methodでメソッド": {"define"},
}


def records(texts: dict[str, str]) -> dict[str, PageRecord]:
    return {
        name: PageRecord(name, f"{name}.html", f"題{i}", body=text)
        for i, (name, text) in enumerate(texts.items())
    }


def oracle_pages(pages: dict[str, PageRecord], query: str) -> set[str]:
    return {
        name for name, record in pages.items() if holds(page_text(record.text().split("\n")), query)
    }


def answers(
    node: str, tmp_path: Path, pages: dict[str, PageRecord], queries: list[str]
) -> list[dict[str, Any]]:
    index, order = build_index(tmp_path, pages)
    found = run_engine(node, index, queries)
    for answer in found:
        for key in ("ranked", "exact"):
            if answer[key] is not None:
                answer[key] = {order[doc] for doc in answer[key]}
    return found


def test_identifiers_symbols_and_numbers_are_found_exactly(tmp_path: Path, node: str) -> None:
    pages = records(PAGES)
    queries = list(QUERIES)
    for query, answer in zip(queries, answers(node, tmp_path, pages, queries), strict=True):
        expected = QUERIES[query]
        # The rules and the hand-written answer agree, so neither is wrong alone.
        assert oracle_pages(pages, query) == expected, query
        assert answer["exact"] == expected, query
        assert expected <= answer["ranked"], query


def test_the_engine_agrees_with_the_rules_on_random_code_and_prose(
    tmp_path: Path, node: str
) -> None:
    """Random pages of identifiers, symbols, Japanese and spaces; queries cut from them."""
    pieces = [
        "define_method", "undefined", "method", "each", "with_index", "Array#map", "map",
        "torch.compile", "(", ")", "=>", "->", "::", ":", "=", "#", "_", ".", "/", "A/B",
        "H100", "GB200", "10月", "865億ドル", "3nm", "メソッド", "メソ", "ッド", "の", "を",
        "使って", "、", "。", "「", "」", " ", " ", " ", "\n", "ｴｰｼﾞｪﾝﾄ", "1.4兆ドル", "𠮷野家", "x",
    ]  # fmt: skip
    rng = random.Random(24)
    texts = {
        f"p{n:02d}": "".join(rng.choice(pieces) for _ in range(rng.randint(3, 30)))
        for n in range(60)
    }
    pages = records(texts)
    compacts = [compact(fold(record.text())) for record in pages.values()]
    queries = ["define_method", "=>", "メソッド", "a/b", "h100", "10月", "(x)", "::"]
    while len(queries) < 160:
        text = rng.choice(compacts)
        start = rng.randrange(len(text))
        queries.append(text[start : start + rng.randint(1, 12)])
    checked = 0
    for query, answer in zip(queries, answers(node, tmp_path, pages, queries), strict=True):
        expected = oracle_pages(pages, query)
        assert expected <= answer["ranked"], query
        # Positions prove every phrase: no page's text is needed to count.
        assert answer["exact"] == expected, query
        checked += bool(expected)
    assert checked > 100


# --- a real build: Markdown, raw HTML, code -------------------------------------

WRAPPED = """\
Rubyでは`define_method`で動的にメソッドを定義できる。ループを書かずに済むので、これらのメソ
ッドを使って、同じ形のメソッドをまとめて作る。

<div class="note">
<p>HTMLで書いた段落: ハッシュは <code>{ x =&gt; i }</code> と書く。</p>
</div>

```ruby
[1, 2].each_with_index { |x, i| h = { x => i } }
define_method(:name) { @name }
```

最後に、define_method はクラスの中で呼ぶ。
"""
DECOY = """\
NoMethodError: undefined method `each' for nil. With index 0, each item is mapped.
Array and map: `Enumerable#map`.
"""


@pytest.fixture(scope="module")
def code_site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from kbtesting import article, build, write_project

    src = write_project(
        tmp_path_factory.mktemp("exact"),
        {
            "articles/wrapped.md": article(WRAPPED, title="メタプログラミング"),
            "articles/decoy.md": article(
                DECOY, title="エラーの読み方", date="2024-01-01 00:00:00 +0000"
            ),
        },
    )
    return build(src)


def site_answers(node: str, site: Any, queries: list[str]) -> list[dict[str, Any]]:
    names = indexed_docnames(site)
    found = run_engine(node, site.outdir / "kb-search", queries)
    return [
        {key: {names[doc] for doc in answer[key]} for key in ("ranked", "exact")}
        for answer in found
    ]


def built_texts(site: Any) -> dict[str, str]:
    """docname -> the page's text as the rules read it, from the built HTML and the front matter."""
    texts = {}
    for docname in indexed_docnames(site):
        blocks = html_blocks(site.page_path(docname).read_text(encoding="utf-8"))
        article = site.domain.articles.get(docname)
        if article is not None:
            blocks += [
                article.title,
                *article.tags,
                *article.categories,
                *article.authors,
                article.excerpt,
            ]
        texts[docname] = page_text(blocks)
    return texts


def test_wrapped_line_raw_html_and_code_are_searched(code_site: Any, node: str) -> None:
    """The miss on メソッド: a line break inside the word in the Markdown source.

    MyST keeps the line break; kb read it as a space, so the page held メソ and
    ッド but never the pair ソッ, and a query for メソッド missed it. The text
    of an HTML block and the symbols of code were never indexed at all.
    """
    queries = [
        "メソッド",
        "これらのメソッドを使って",
        "=>",
        "{x=>i}",
        "each_with_index",
        "define_method(:name)",
        "define_method",
        "HTMLで書いた段落",
        "undefined",
        "Enumerable#map",
        "Array#map",
    ]
    texts = built_texts(code_site)
    for query, answer in zip(queries, site_answers(node, code_site, queries), strict=True):
        expected = {docname for docname, text in texts.items() if holds(text, query)}
        assert answer["exact"] == expected, query
    wrapped = "articles/wrapped"
    assert wrapped in {d for d, t in texts.items() if holds(t, "これらのメソッドを使って")}
    assert "articles/decoy" in {d for d, t in texts.items() if holds(t, "undefined")}
    # The decoy holds each, with, index, array and map, but none of the phrases.
    for query in ("each_with_index", "Array#map", "define_method"):
        assert "articles/decoy" not in {d for d, t in texts.items() if holds(t, query)}


# --- snippets in a browser -------------------------------------------------------


@pytest.mark.slow
def test_snippets_show_code_as_code_and_prefer_prose(
    code_site: Any, browser: Browser, http_server: Server
) -> None:
    base = http_server.url(code_site.outdir)
    page = browser.new_page()
    # define_method is first in inline code, then in a code block, then in prose.
    page.goto(base + "search.html?q=define_method")
    page.wait_for_selector("body[data-kb-search=done]", timeout=SEARCH_TIMEOUT_MS)
    item = page.locator("#search-results ul.search > li").first
    marks = item.locator("p.context span.highlighted")
    assert set(marks.all_inner_texts()) == {"define_method"}
    # Inline code is code: the snippet is placed at the hit in prose, the last sentence.
    in_prose = marks.evaluate_all("ms => ms.filter(m => m.closest('code') === null).length")
    assert in_prose == 1
    assert "最後に" in item.locator("p.context").inner_text()
    # A phrase only in a code block is shown in a code element.
    page.goto(base + "search.html?q=each_with_index")
    page.wait_for_selector("body[data-kb-search=done]", timeout=SEARCH_TIMEOUT_MS)
    mark = page.locator("#search-results p.context span.highlighted").first
    assert mark.inner_text() == "each_with_index"
    assert mark.evaluate("m => m.closest('code') !== null")
    page.goto(base + "search.html?q=" + "%3D%3E")  # =>
    page.wait_for_selector("body[data-kb-search=done]", timeout=SEARCH_TIMEOUT_MS)
    assert (
        page.inner_text("#search-results p.search-summary")
        == "検索が完了し、1 ページ見つかりました。"
    )


def test_an_index_of_an_older_format_reads_every_page_again(tmp_path: Path, node: str) -> None:
    """Records are made when pages are written: a new index format must reach pages no edit touched."""
    import json

    from kbtesting import article, build, write_project

    src = write_project(
        tmp_path,
        {
            "articles/a.md": article("これらのメソ\nッドを使って", title="一"),
            "articles/b.md": article("`a => b`", title="二", date="2024-01-01 00:00:00 +0000"),
        },
    )
    build(src)
    again = build(src)
    assert "0 added, 0 changed, 0 removed" in again.status
    state_path = src.parent / "_build" / "doctrees" / "kb-search" / "state-html.json"
    state = json.loads(state_path.read_text(encoding="utf-8"))
    state["format"] = 1
    state_path.write_text(json.dumps(state), encoding="utf-8")
    site = build(src)
    assert "0 added, 3 changed, 0 removed" in site.status  # index, a and b
    answers = site_answers(node, site, ["メソッド", "=>"])
    assert [answer["exact"] for answer in answers] == [{"articles/a"}, {"articles/b"}]
