"""The search on real text: Debian's Japanese manuals (prose, code, tables), the seed post, the glossary.

The truth is the built pages' text read with BeautifulSoup and the README's
rules (tests/search_oracle.py), never kb's search code. Every query of
tests/search_real/corpus.py, and 300 pieces cut from the pages' own text,
go through the engine of kb-search.js in node: every page holding the query
is found, no other, and the count is proven without reading a page. A sample
is typed into the search box in Chromium. ``make bench`` runs the whole set in
Chromium with bytes and times (benchmarks/search_real_bench.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser

from kbtesting import Build, Server, build
from search_oracle import holds
from search_real.corpus import BROWSER_SAMPLE, QUERIES, random_queries, texts, write_real_corpus
from test_search_browser import ask, indexed_docnames
from test_search_index import run_engine

# Every test waits on a site built for long (a module fixture).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build(write_real_corpus(tmp_path_factory.mktemp("real")))


@pytest.fixture(scope="module")
def real_texts(real_site: Build) -> dict[str, str]:
    return texts(real_site, indexed_docnames(real_site))


def test_the_corpus_is_real_japanese_text_with_code(
    real_site: Build, real_texts: dict[str, str]
) -> None:
    assert len(real_texts) >= 60
    assert sum(len(text) for text in real_texts.values()) > 150_000
    for kind, queries in QUERIES.items():
        for query in queries:
            found = sum(holds(text, query) for text in real_texts.values())
            assert (found == 0) == (kind == "absent"), (kind, query, found)


def test_every_query_finds_exactly_the_pages_holding_it(
    real_site: Build, real_texts: dict[str, str], node: str
) -> None:
    names = indexed_docnames(real_site)
    queries = [(kind, query) for kind, listed in QUERIES.items() for query in listed]
    queries += [("piece", query) for query in random_queries(real_texts, 300)]
    found = run_engine(node, real_site.outdir / "kb-search", [query for _, query in queries])
    failures = []
    by_text = []
    for (kind, query), answer in zip(queries, found, strict=True):
        expected = {name for name, text in real_texts.items() if holds(text, query)}
        got = {names[doc] for doc in answer["answer"]}
        if got != expected:
            failures.append(
                f"{kind} {query!r}: missed {sorted(expected - got)}, false {sorted(got - expected)}"
            )
        if answer["exact"] is None:
            by_text.append(query)
    assert not failures, "\n".join(failures)
    # Positions prove all but the phrases whose first or last word is a piece
    # that starts or ends words in too many chunks (``ation sys``); those are
    # checked against the candidates' text, as the search page does.
    assert len(by_text) <= len(queries) // 20, by_text
    assert not {query for kind, query in queries if kind != "piece"} & set(by_text), by_text


@pytest.mark.browser
def test_a_sample_typed_in_the_search_box(
    real_site: Build, real_texts: dict[str, str], browser: Browser, http_server: Server
) -> None:
    failures: list[str] = []
    base = http_server.url(real_site.outdir)
    page = browser.new_page()
    errors: list[Any] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    for query in BROWSER_SAMPLE:
        expected = {name for name, text in real_texts.items() if holds(text, query)}
        answer = ask(page, base, query, box="input.sidebar-search", start="index.html")
        if set(answer.pages) != expected:
            failures.append(f"{query}: {sorted(set(answer.pages) ^ expected)}")
        if not expected and "見つかりませんでした" not in answer.summary:
            failures.append(f"{query}: {answer.summary}")
    assert not errors, errors
    assert not failures, "\n".join(failures)
