"""A tag added to one article looks again at that article's search facets and social
card only, not at every article's.

tests/test_edit_scope.py holds that such a rebuild writes what a clean build
writes; this one holds that it stays incremental: within an edit's known scope
the facets of the other articles come from the last build (kept beside the
doctrees) and their cards are kept as they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kb.sphinx import searchindex, socialcards
from kbtesting import article, build, write_project

ARTICLES = [f"articles/2025/{9 + n % 3:02d}/a{n}.md" for n in range(6)]


def _text(n: int, tags: list[str]) -> str:
    return article(title=f"記事{n}", date=f"2025-{9 + n % 3:02d}-{n + 1:02d}", tags=tags, body="本文。")


def test_tag_added_looks_again_at_one_article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = write_project(tmp_path, {path: _text(n, ["AI"]) for n, path in enumerate(ARTICLES)})
    build(src)
    asked: dict[str, list[list[str]]] = {"facets": [], "cards": []}
    page_facets, cards_to_draw = searchindex.page_facets, socialcards._cards_to_draw

    def facets(app: Any, docnames: list[str]) -> Any:
        asked["facets"].append(list(docnames))
        return page_facets(app, docnames)

    def cards(app: Any, outputs: Any, font: Any, name: str, shown: list[Any]) -> Any:
        asked["cards"].append([docname for docname, _ in shown])
        return cards_to_draw(app, outputs, font, name, shown)

    monkeypatch.setattr(searchindex, "page_facets", facets)
    monkeypatch.setattr(socialcards, "_cards_to_draw", cards)
    (src / ARTICLES[2]).write_text(_text(2, ["AI", "量子計算"]), encoding="utf-8")
    rebuilt = build(src)

    edited = ARTICLES[2][:-3]
    assert asked["facets"] == [[edited]]
    assert asked["cards"] in ([], [[edited]])  # [] when the machine has no card font
    tags = (rebuilt.outdir / "kb-search" / "f" / "1.js").read_text(encoding="utf-8")
    assert "量子計算" in tags
