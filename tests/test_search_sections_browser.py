"""Results that land on the section, and the query's terms highlighted there, in Chromium.

The site is opened from disk (file://). Section anchors and headings are read
from the built article pages, not from kb's index.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pytest

from kbtesting import Build, article, build, checked_page, write_project

pytestmark = pytest.mark.browser

TIMEOUT_MS = 20_000
FILLER = "\n\n".join(f"段落{number}では関係のない話を続けます。" * 6 for number in range(40))

# The word sits in the fourth section only, far down the page; once inside inline markup.
FOURTH = f"""
## 一 背景

{FILLER}

## 二 需要

需要の話です。

## 三 供給

供給の話です。

## 四 送電網

送電網では**変圧**器の受注残が積み上がっています。変圧器の納期は長くなりました。

## 五 結び

{FILLER}
"""

# The word in four sections: the results show three of them under the article.
MANY = """
冒頭の段落です。

## 第一節 背景

背景の説明です。

## 第二節 電力

液体冷却の話です。

## 第三節 市場

液体冷却の市場です。

## 第四節 展望

液体冷却の展望です。

## 第五節 余談

液体冷却の余談です。
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Build:
    # Built only where there is a browser to open it (the fixture skips otherwise).
    files = {
        "articles/2025/grid.md": article(
            FOURTH, title="送電網の記事", date="2025-03-01 10:00:00 +0900"
        ),
        "articles/2025/cooling.md": article(
            MANY, title="冷却の記事", date="2025-04-01 10:00:00 +0900"
        ),
    }
    return build(write_project(tmp_path_factory.mktemp("sections"), files))


@pytest.fixture(scope="module")
def page(site: Build, browser: Any) -> Iterator[Any]:
    with checked_page(browser, viewport={"width": 1000, "height": 700}) as tab:
        yield tab


def anchors(site: Build, docname: str) -> dict[str, str]:
    """Heading text -> the id of its section, as the article page has them."""
    found = {}
    for section in site.html(docname).select("section[id]"):
        heading = section.find(["h2", "h3"], recursive=False)
        if heading is not None:
            for link in heading.select(".headerlink"):
                link.decompose()
            found[heading.get_text("").strip()] = section["id"]
    return found


def search(page: Any, site: Build, query: str) -> None:
    page.goto((site.outdir / "search.html").as_uri() + "?q=" + quote(query))
    page.wait_for_selector("body[data-kb-search=done]", timeout=TIMEOUT_MS)


def fragment(href: str) -> str:
    return unquote(urlsplit(href).fragment)


def test_a_result_links_to_the_section_of_its_match(page: Any, site: Build) -> None:
    search(page, site, "変圧器")
    results = page.locator("#search-results ul.search > li")
    assert results.count() == 1
    link = results.first.locator("> a")
    assert fragment(link.get_attribute("href")) == anchors(site, "articles/2025/grid")["四 送電網"]
    assert results.first.locator(".kb-search-section").inner_text() == "四 送電網"
    assert results.first.locator(".kb-search-sections").count() == 0


def test_several_matching_sections_show_three_under_the_article(page: Any, site: Build) -> None:
    search(page, site, "液体冷却")
    result = page.locator("#search-results ul.search > li").first
    ids = anchors(site, "articles/2025/cooling")
    assert fragment(result.locator("> a").get_attribute("href")) == ids["第二節 電力"]
    links = result.locator(".kb-search-sections a")
    assert links.count() == 3
    shown = [links.nth(i).inner_text() for i in range(3)]
    assert shown == ["第二節 電力", "第三節 市場", "第四節 展望"]
    assert [fragment(links.nth(i).get_attribute("href")) for i in range(3)] == [
        ids[h] for h in shown
    ]
    # Each with the words of its own section.
    assert (
        "市場" in result.locator(".kb-search-sections li").nth(1).locator("p.context").inner_text()
    )


def test_opening_a_result_scrolls_to_the_section_and_highlights_the_terms(
    page: Any, site: Build
) -> None:
    search(page, site, "変圧器")
    page.click("#search-results ul.search > li > a")
    page.wait_for_selector("mark.kb-highlight", timeout=TIMEOUT_MS)
    assert page.url.startswith("file://")
    section_id = anchors(site, "articles/2025/grid")["四 送電網"]
    section = page.locator(f"section[id='{section_id}']")
    marks = section.locator("mark.kb-highlight")
    # "**変圧**器": one match over two elements, marked in two pieces; and the plain one.
    assert [marks.nth(i).inner_text() for i in range(marks.count())] == ["変圧", "器", "変圧器"]
    assert page.locator("mark.kb-highlight").count() == 3
    # The section at the top of the window (it has the page's last layout to wait for).
    section.evaluate(
        "s => new Promise((done, fail) => { const until = Date.now() + 5000; const check = () => {"
        " const top = s.getBoundingClientRect().top;"
        " if (top >= 0 && top < innerHeight / 2) done(); else if (Date.now() > until) fail(top);"
        " else requestAnimationFrame(check); }; check(); })"
    )
    text_before = section.inner_text()
    page.keyboard.press("Escape")
    assert page.locator("mark.kb-highlight").count() == 0
    assert page.locator(".kb-highlight-clear").count() == 0
    assert section.inner_text().replace("ハイライトを消す", "") == text_before.replace(
        "ハイライトを消す", ""
    )
    assert "kb-terms" not in page.url
    # The button clears them too.
    page.go_back()
    page.wait_for_selector("body[data-kb-search=done]", timeout=TIMEOUT_MS)
    page.click("#search-results ul.search > li > a")
    page.wait_for_selector("mark.kb-highlight", timeout=TIMEOUT_MS)
    page.click(".kb-highlight-clear")
    assert page.locator("mark.kb-highlight").count() == 0
