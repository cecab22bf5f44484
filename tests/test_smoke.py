from __future__ import annotations

from kbtesting import article, build, write_project


def test_article_page_has_title_byline_and_badges(tmp_path):
    src = write_project(
        tmp_path,
        {
            "articles/2025/11/a.md": article(
                tags=["AI", "投資"],
                categories=["投資分析"],
                author="編集部",
                excerpt="要約です。",
                reading_time=8,
            )
        },
    )
    result = build(src)
    page = result.html("articles/2025/11/a")
    assert page.find("h1").get_text().startswith("テスト記事")
    assert "2025年11月7日" in page.select_one(".kb-byline").get_text()
    assert "約8分" in page.select_one(".kb-byline").get_text()
    assert [b.get_text() for b in page.select(".kb-badges .sd-badge")] == ["投資分析", "AI", "投資"]
    assert page.find("meta", attrs={"name": "description"})["content"] == "要約です。"
    assert result.exists("tags/ai") and result.exists("categories/投資分析")
