"""Code ranks below prose (issue 24): a page whose only hit is in code comes after a page
holding the same query in prose, all else equal.

Two articles, neither holding the query in its title, names or excerpt: the
newer one holds each query in a code block or inline code only, the older one
in prose. Ties go newest first, so without the rule the page of code would
come first. Its prose holds parts of the identifiers (``accessor``, ``Array``,
``each``), so a part is in code only when one of its keys is.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from kb.search.files import FOLDER, order_pages
from kb.search.pagekeys import PageRecord
from kb.search.store import update, write_full
from kbtesting import Build, Server, article, build, write_project
from test_search_browser import SEARCH_TIMEOUT_MS, docname_of, indexed_docnames
from test_search_index import _files, build_index, run_engine

pytestmark = pytest.mark.browser

CODE = """\
Rubyでクラスを書くときの覚え書き。accessor という言葉と Array の each は後で説明する。

```ruby
class Foo::Bar
  attr_accessor :name
  def call = [1, 2].each { |x| p x }
end
h = { :a => 1 }
f = ->(x) { x * 2 }
Array#each
```

インラインでは `Foo::Bar` とも書く。
"""

PROSE = """\
Rubyのメタプログラミングについて。

属性は attr_accessor で作り、Foo::Bar のように名前空間を書く。
ハッシュは => で、ラムダは -> で書く。Array#each で要素を順に渡す。
"""

QUERIES = ["attr_accessor", "Foo::Bar", "=>", "->", "Array#each"]
NEWER_CODE = "articles/code"
OLDER_PROSE = "articles/prose"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    src = write_project(
        tmp_path_factory.mktemp("ranking"),
        {
            "articles/code.md": article(
                CODE, title="クラスの覚え書き", excerpt="覚え書き", date="2025-11-07 00:00:00 +0000"
            ),
            "articles/prose.md": article(
                PROSE, title="メタプログラミング", excerpt="概要", date="2024-01-01 00:00:00 +0000"
            ),
        },
    )
    return build(src)


def test_the_engine_ranks_a_page_of_code_below_a_page_of_prose(site: Build, node: str) -> None:
    names = indexed_docnames(site)
    found = run_engine(node, site.outdir / "kb-search", QUERIES)
    for query, answer in zip(QUERIES, found, strict=True):
        assert [names[doc] for doc in answer["exact"]] == [OLDER_PROSE, NEWER_CODE], query


def test_results_list_prose_before_code_in_chromium(
    site: Build, browser: Any, http_server: Server
) -> None:
    base = http_server.url(site.outdir)
    page = browser.new_page()
    errors: list[Any] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    for query in QUERIES:
        page.goto(base + "search.html?q=" + quote(query))
        page.wait_for_selector("body[data-kb-search=done]", timeout=SEARCH_TIMEOUT_MS)
        hrefs = page.eval_on_selector_all(
            "#search-results ul.search > li > a",
            "links => links.map(a => a.getAttribute('href'))",
        )
        assert [docname_of(href, dirhtml=False) for href in hrefs] == [
            OLDER_PROSE,
            NEWER_CODE,
        ], query
        # The page of code shows its hit as code.
        last = page.locator("#search-results ul.search > li").last
        mark = last.locator("p.context span.highlighted").first
        assert mark.evaluate("m => m.closest('code') !== null"), query
    assert not errors, errors


def test_ranking_needs_no_page_text(tmp_path: Path, node: str) -> None:
    """The rank comes from the index alone: the flag is in the postings, not read from pages."""
    body = "prose\nx => y"
    pages = {
        "a": PageRecord("a", "a.html", "A", date="2025-01-01", body=body, code=((6, 12),)),
        "b": PageRecord("b", "b.html", "B", date="2024-01-01", body="x => y"),
    }
    index, order = build_index(tmp_path, pages)
    (answer,) = run_engine(node, index, ["=>"])
    assert [order[doc] for doc in answer["ranked"]] == ["b", "a"]


def test_an_update_marks_code_as_a_full_build_does(tmp_path: Path, node: str) -> None:
    """A page whose hit moves from prose into code, and one whose code becomes prose."""
    body = "説明 attr_accessor と => の話\nattr_accessor :name, h = { :a => 1 }"
    code = ((len(body) - 36, len(body)),)
    pages = {
        "a": PageRecord("a", "a.html", "A", date="2025-01-01", body=body, code=code),
        "b": PageRecord("b", "b.html", "B", date="2024-01-01", body=body),
    }
    edited = {
        "a": replace(pages["a"], body="説明だけ\n" + body.split("\n")[1], code=((5, 41),)),
        "b": replace(pages["b"], code=code),
    }
    assert edited["a"].body[5:41] == "attr_accessor :name, h = { :a => 1 }"
    first = tmp_path / "incremental"
    order = order_pages({name: record.date for name, record in pages.items()})
    state = write_full(first, order, pages.__getitem__)
    update(first, state, {name: (pages[name], edited[name]) for name in pages})
    fresh = tmp_path / "fresh"
    write_full(fresh, order, edited.__getitem__)
    assert _files(first / FOLDER) == _files(fresh / FOLDER)
    (answer,) = run_engine(node, first / FOLDER, ["attr_accessor"])
    assert [order[doc] for doc in answer["ranked"]] == ["b", "a"]
