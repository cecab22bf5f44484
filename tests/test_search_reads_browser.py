"""What kb's search reads in Chromium: a phrase whose characters sit on many pages but
never together reads one batch of pages (20) and lets the positions decide the rest.

Sixty articles hold 電力, 協力供出 and 供給 (every pair of 電力供給) but not the phrase;
one holds it. Every page is a candidate for 電力供給; before, the results page read
the text of all of them one by one before it could say which held the phrase.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from kbtesting import Build, Server, article, build, checked_page, write_project

pytestmark = pytest.mark.browser

TIMEOUT_MS = 20_000
PAGE_SIZE = 20


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Build:
    # Built only where there is a browser to open it (the fixture skips otherwise).
    files = {
        f"articles/2025/a{number:02d}.md": article(
            "電力の話です。協力供出の話です。供給の話です。",
            title=f"記事{number}",
            date=f"2025-{number % 12 + 1:02d}-01 10:00:00 +0900",
        )
        for number in range(60)
    }
    files["articles/2025/held.md"] = article(
        "データセンターの電力供給が課題です。", title="電力の記事", date="2024-01-01 10:00:00 +0900"
    )
    return build(write_project(tmp_path_factory.mktemp("reads"), files))


def page_files_read(page: Any, url: str) -> tuple[int, str]:
    """The page files (kb-search/d/) the results page loaded, and its summary line."""
    read: list[str] = []
    page.on("request", lambda request: "/kb-search/d/" in request.url and read.append(request.url))
    page.goto(url)
    page.wait_for_selector("body[data-kb-search=done]", timeout=TIMEOUT_MS)
    return len(read), page.inner_text("#search-results p.search-summary")


def test_a_rare_phrase_reads_one_batch_of_pages(
    site: Build, browser: Any, http_server: Server
) -> None:
    with checked_page(browser) as page:
        read, summary = page_files_read(
            page, http_server.url(site.outdir) + "search.html?q=" + quote("電力供給")
        )
        results = page.eval_on_selector_all(
            "#search-results ul.search > li > a", "links => links.map(a => a.textContent)"
        )
        assert results == ["電力の記事"]
        assert "1 ページ" in summary
        # The candidates: every article; the text of one batch is read, then positions.
        assert read <= PAGE_SIZE + 1, read


def test_an_absent_phrase_reads_one_batch_of_pages(
    site: Build, browser: Any, http_server: Server
) -> None:
    """協力供給: every pair of it is on sixty pages, the phrase on none."""
    with checked_page(browser) as page:
        read, summary = page_files_read(
            page, http_server.url(site.outdir) + "search.html?q=" + quote("協力供給")
        )
        assert page.locator("#search-results ul.search > li").count() == 0
        assert "見つかりません" in summary
        assert read <= PAGE_SIZE, read
