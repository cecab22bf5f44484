"""Links to pages with Japanese names are written in UTF-8, and still open.

kb's templates link tag, category and author pages whose names are Japanese;
Sphinx percent-encodes them (9 bytes a character), kb writes the characters
(3 bytes). A browser follows such a link to the same file, opened from the disk
(file://) or from a web server (http). Escapes that stand for ASCII characters
(a space, ``%``, ``#``) and characters no one can see stay escaped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kb.core.targets import readable_uri
from kbtesting import article, build, checked_page, write_project

FILES = {
    "articles/2025/11/first.md": article(
        "本文です。", title="提携の記事", categories=["半導体"], tags=["データセンター", "AI"]
    ),
}


@pytest.mark.parametrize(
    ("uri", "readable"),
    [
        ("tags/%E5%BB%BA%E8%A8%AD.html", "tags/建設.html"),
        ("../tags/a%20b%E5%BB%BA.html#x%23y", "../tags/a%20b建.html#x%23y"),
        ("%25E5%BB%BA.html", "%25E5%BB%BA.html"),  # an escaped "%": the name is "%E5..."
        ("%E5%BB.html", "%E5%BB.html"),  # not UTF-8
        ("%E2%80%A8.html", "%E2%80%A8.html"),  # a line separator
        ("%E3%80%80.html", "%E3%80%80.html"),  # an ideographic space
        ("plain.html", "plain.html"),
    ],
)
def test_readable_uri(uri: str, readable: str) -> None:
    assert readable_uri(uri) == readable


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    result = build(write_project(tmp_path_factory.mktemp("hrefs"), FILES))
    assert "WARNING" not in result.warnings, result.warnings
    return result


def badge_hrefs(site: Any) -> dict[str, str]:
    page = site.html("articles/2025/11/first")
    return {a.get_text(strip=True): a["href"] for a in page.select("a.kb-tag, a.kb-category")}


def test_badges_link_japanese_pages_in_utf8(site: Any) -> None:
    hrefs = badge_hrefs(site)
    assert hrefs["データセンター"].endswith("tags/データセンター.html"), hrefs
    assert hrefs["半導体"].endswith("categories/半導体.html"), hrefs
    article_folder = site.page_path("articles/2025/11/first").parent
    for href in hrefs.values():
        assert "%" not in href, href
        assert (article_folder / href).is_file(), href


@pytest.mark.browser
@pytest.mark.parametrize("served", ["file", "http"])
def test_a_browser_follows_a_japanese_link(
    site: Any, browser: Any, http_server: Any, served: str
) -> None:
    page_path: Path = site.page_path("articles/2025/11/first")
    if served == "file":
        url = page_path.as_uri()
    else:
        url = http_server.url(site.outdir) + "articles/2025/11/first.html"
    with checked_page(browser) as page:
        page.goto(url)
        with page.expect_navigation():
            page.click("a.kb-tag:has-text('データセンター')")
        assert page.inner_text("h1").strip().endswith("データセンター"), page.url
        assert "/tags/%E3%83%87" in page.url  # the browser escaped it again
