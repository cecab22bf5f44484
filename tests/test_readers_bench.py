"""The readers' benchmark stands on its facets written without a build: at a small N,
the facet files ``benchmarks/readers_corpus.py`` makes from the generated articles hold
exactly the values and pages of a real build's; and the sections' cost is measured."""

from __future__ import annotations

import dataclasses

import pytest

from benchmarks import generate, readers_build
from benchmarks.readers_corpus import compare, corpus_facets
from benchmarks.search_bench import kb_docnames
from kbtesting import Build, build

N = 12


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    out = tmp_path_factory.mktemp("readers")
    sources = generate.generate(out, N)
    return build(sources["kb"])


def test_facets_written_without_a_build_are_the_builds(site: Build) -> None:
    report = compare(corpus_facets(N), site.outdir, kb_docnames(site.outdir))
    assert set(report) == {"category", "tag", "author", "entry", "month"}
    # The check can fail: every facet has values in so small a corpus.
    assert all(row["values"] > 0 for row in report.values()), report
    for facet, row in report.items():
        assert row["only_generated"] == row["only_built"] == row["pages_differ"] == 0, facet


def test_a_wrong_facet_shows_in_the_comparison(site: Build) -> None:
    pages = corpus_facets(N)
    first = sorted(pages)[0]
    pages[first] = dataclasses.replace(pages[first], tag=("存在しないタグ",))
    report = compare(pages, site.outdir, kb_docnames(site.outdir))
    assert report["tag"]["only_generated"] == 1


def test_sections_cost_walks_every_article(site: Build) -> None:
    found = readers_build.sections_cost(site.outdir.parent / "doctrees", passes=1)
    assert found["articles"] == N
    assert found["sections"] > N  # a few headings an article
    assert found["with_cpu"] >= 0 and found["without_cpu"] >= 0
