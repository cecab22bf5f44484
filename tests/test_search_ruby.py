"""The issue's Ruby names on real text: Japanese prose with Ruby code (issue 24).

tests/search_real holds Ruby's README in Japanese and irb's Japanese help as
the ruby3.1 and libruby3.1 packages install them, each followed by Ruby code
of irb (its Japanese error messages, context.rb, completion.rb), beside
Debian's Japanese manuals. The truth is the built pages' text read by
tests/search_oracle.py; the engine is kb-search.js in node.

The issue's names that the pages hold (``attr_accessor``, ``=>``, ``->``) are
found on every page holding them and no other; those they do not hold
(``Array#each``, ``Foo::Bar``) find nothing although their parts stand on the
pages. Code ranks below prose on this text too: among the pages holding no
part of a query in their title, names or excerpt, those holding it in prose
come before those holding a part of it in code only.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from kbtesting import Build, build
from search_oracle import holds, html_blocks, page_text, query_pieces
from search_real.corpus import texts, write_real_corpus
from test_search_browser import indexed_docnames
from test_search_index import run_engine

RUBY_PAGES = {
    "articles/real/ruby-readme-ja-0",
    "articles/real/ruby-readme-ja-1",
    "articles/real/ruby-irb-help-ja",
}
#: The issue's Ruby names and more of irb's, with the Ruby pages expected to hold them.
HELD = {
    "attr_accessor": {"articles/real/ruby-readme-ja-1"},
    "=>": {"articles/real/ruby-readme-ja-1", "articles/real/ruby-irb-help-ja"},
    "->": {"articles/real/ruby-irb-help-ja"},
    "IRB::Inspector": {"articles/real/ruby-readme-ja-1"},
    "PerfectMatchedProc": {"articles/real/ruby-irb-help-ja"},
    "StandardError": {"articles/real/ruby-readme-ja-0"},
    "オブジェクト指向": {"articles/real/ruby-readme-ja-0"},
}
#: Names no page holds, and the pieces of them that pages do hold apart.
ABSENT = {
    "Array#each": ("Array", "each"),
    "Foo::Bar": ("Foo", "Bar"),
    "attr_accessors": ("attr_accessor", "s"),
}
#: Queries held in prose on some pages and in code only on others.
RANKED = ["->", "::", "sudo", "make", "configure"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Build, dict[str, str]]:
    """The real corpus built, and each page's text as the oracle reads it."""
    site = build(write_real_corpus(tmp_path_factory.mktemp("ruby")))
    return site, texts(site, indexed_docnames(site))


def _answers(node: str, site: Build, queries: list[str]) -> dict[str, list[str]]:
    names = indexed_docnames(site)
    found = run_engine(node, site.outdir / "kb-search", queries)
    return {
        query: [names[doc] for doc in answer["answer"]]
        for query, answer in zip(queries, found, strict=True)
    }


def test_ruby_names_are_found_on_every_page_holding_them_and_no_other(
    corpus: tuple[Build, dict[str, str]], node: str
) -> None:
    real_site, real_texts = corpus
    queries = [*HELD, *ABSENT]
    answers = _answers(node, real_site, queries)
    for query in queries:
        expected = {name for name, text in real_texts.items() if holds(text, query)}
        assert set(answers[query]) == expected, query
    for query, pages in HELD.items():
        assert {name for name in answers[query] if name in RUBY_PAGES} == pages, query
    for query, pieces in ABSENT.items():
        assert answers[query] == [], query
        # Its pieces stand on the pages: a search matching pieces would answer.
        assert all(any(holds(text, piece) for text in real_texts.values()) for piece in pieces)


def _prose_text(site: Build, docname: str) -> str:
    """The page's text without its code (code blocks and inline code end a block)."""
    soup = BeautifulSoup(site.page_path(docname).read_text(encoding="utf-8"), "html.parser")
    for code in soup.select("pre, code"):
        code.replace_with(soup.new_tag("p"))
    return page_text(html_blocks(str(soup)))


def _fields_text(site: Build, docname: str) -> str:
    article = site.domain.articles.get(docname)
    if article is None:
        return ""
    names = [article.title, *article.tags, *article.categories, *article.authors, article.excerpt]
    return page_text(names)


def test_pages_holding_a_query_in_prose_rank_before_those_holding_it_in_code_only(
    corpus: tuple[Build, dict[str, str]], node: str
) -> None:
    real_site, _ = corpus
    answers = _answers(node, real_site, RANKED)
    for query in RANKED:
        body_only = [
            name
            for name in answers[query]
            if not any(piece in _fields_text(real_site, name) for piece in query_pieces(query))
        ]
        prose = [name for name in body_only if holds(_prose_text(real_site, name), query)]
        code = [name for name in body_only if name not in prose]
        assert prose and code, (query, prose, code)
        assert body_only == prose + code, query
