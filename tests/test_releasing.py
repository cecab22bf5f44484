"""Memory given back while pages are written (kb.sphinx.releasing).

Under -j the main process reads each page's pickled doctree to resolve it; Sphinx
would keep those bytes until the build ends. kb drops them once the page is
resolved; the pages come out the same.
"""

from __future__ import annotations

from pathlib import Path

from kbtesting import article, build, write_project


def test_a_parallel_build_keeps_no_pickled_doctree_of_a_written_page(tmp_path: Path) -> None:
    pages = {f"articles/a{number:02d}.md": article(f"本文{number}。", title=f"記事{number}") for number in range(12)}
    result = build(write_project(tmp_path, pages), parallel=2)
    assert result.warnings.strip() == ""
    cache = result.app.env._pickled_doctree_cache
    written = [f"articles/a{number:02d}" for number in range(12)]
    assert all(result.exists(docname) for docname in written)
    assert not set(written) & set(cache)
    # A page asked for again is read from its file.
    assert result.app.env.get_doctree("articles/a03").astext().count("本文3。") == 1
