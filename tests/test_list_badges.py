"""A list item's tag badges carry no class; its category badges are .kb-category.

A tag is the most frequent badge of the lists (tag pages, related articles): kb.css
draws an unclassed badge of an item's badge line as a tag, so a tag page does not
repeat ``class="kb-tag"`` on every one.
"""

from __future__ import annotations

from typing import Any

import pytest

from kbtesting import REPO, article, build, write_project

FILES = {
    "articles/2025/11/first.md": article(
        "本文です。", title="一つ目", categories=["半導体"], tags=["データセンター", "AI"]
    ),
    "articles/2025/11/second.md": article("本文です。", title="二つ目", tags=["AI"]),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    result = build(write_project(tmp_path_factory.mktemp("badges"), FILES))
    assert "WARNING" not in result.warnings, result.warnings
    return result


def test_tags_have_no_class_and_categories_theirs(site: Any) -> None:
    # The page of one tag; an item there shows its other tags.
    page = site.html(site.domain.taxonomy.term("tag", "データセンター").pagename)
    item = next(i for i in page.select(".kb-item") if "一つ目" in i.get_text())
    badges = item.select(".kb-item-tags > *")
    assert [(b.name, b.get("class"), b.get_text()) for b in badges] == [
        ("a", ["kb-category"], "半導体"),
        ("a", None, "AI"),
    ]
    assert "kb-tag" not in str(page.select_one(".kb-list"))


def test_kb_css_draws_an_unclassed_badge_as_a_tag() -> None:
    css = (REPO / "ext" / "kb" / "static" / "kb.css").read_text(encoding="utf-8")
    assert ".kb-item-tags > :not([class]) { border: 1px solid var(--sd-color-secondary)" in css
    assert ".kb-item-tags > .kb-tag" not in css
