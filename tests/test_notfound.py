"""404.html: served for any missing address at any depth, it finds what was lost.

The tests' server (conftest's ``http_server``) stands in for Read the Docs: the
site lives under a sub-path, ``/<folder>/_build/html/`` as ``/ja/latest/`` on
Read the Docs, and every missing path under it gets the site's 404.html with
status 404. kb takes the 404 page's prefix from ``html_baseurl``'s path, set to
that sub-path. The expected pages are those whose built text holds a word of
the address, found here without kb.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from kbtesting import Build, Server, article, build, checked_page, write_project

CONF = 'html_baseurl = "https://kb.example.org/ja/latest/"\n'
FILES = {
    "articles/2025/grid.md": article(
        "## 送電網\n\n変圧器の受注残が積み上がっています。", title="送電網と変圧器", tags=["電力"]
    ),
    "articles/2025/cooling.md": article("液体冷却の導入が進んでいます。", title="液体冷却の現在"),
    "articles/2025/other.md": article("関係のない話です。", title="別の話"),
}


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).lower())


@dataclass(frozen=True)
class Hosted:
    site: Build
    #: The site's address on the tests' server, and its path (the 404 page's prefix).
    url: str
    prefix: str


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory, http_server: Server) -> Hosted:
    root = tmp_path_factory.mktemp("notfound")
    url = http_server.url(root / "_build" / "html")
    prefix = urlsplit(url).path
    conf = f'html_baseurl = "https://kb.example.org{prefix}"\n'
    return Hosted(build(write_project(root, FILES, conf=conf)), url, prefix)


def test_404_is_written_in_japanese_with_every_address_absolute(hosted: Hosted) -> None:
    page = hosted.site.html("404")
    prefix = hosted.prefix
    assert page.html["lang"] == "ja"
    assert page.title.get_text().startswith("ページが見つかりません")
    assert page.select_one("#kb-notfound h1").get_text() == "ページが見つかりません"
    assert page.html["data-content_root"] == prefix
    addresses = [
        element.get(attribute)
        for element in page.find_all(True)
        for attribute in ("href", "src", "action")
        if element.get(attribute)
    ]
    assert len(addresses) > 10
    for address in addresses:
        assert address.startswith((prefix, "https://", "http://", "#")), address
    form = page.select_one("#kb-notfound form")
    assert form["action"] == prefix + "search.html"
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"


def test_the_projects_own_404_wins_and_the_page_can_be_turned_off(tmp_path: Path) -> None:
    own = build(
        write_project(tmp_path / "own", {**FILES, "404.md": "# 自前の404\n\nどうぞ。\n"}, conf=CONF)
    )
    assert own.html("404").select_one("h1").get_text().startswith("自前の404")
    off = build(write_project(tmp_path / "off", FILES, conf=CONF + "kb_notfound_page = False\n"))
    assert not off.exists("404")
    prefixed = build(
        write_project(tmp_path / "prefix", FILES, conf=CONF + 'kb_notfound_prefix = "/kb/"\n')
    )
    assert prefixed.html("404").html["data-content_root"] == "/kb/"


# --- in Chromium, served as Read the Docs serves it ---------------------------------------


def page_texts(site: Build) -> dict[str, str]:
    texts = {}
    for path in (site.outdir / "articles").rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        # Navigation (the neighbouring articles) is not the page's text.
        for element in soup.select("nav, .headerlink, script, style"):
            element.decompose()
        body = soup.select_one('[role="main"]')
        texts[path.relative_to(site.outdir).as_posix()] = fold(body.get_text("") if body else "")
    return texts


@pytest.mark.browser
@pytest.mark.parametrize(
    "missing",
    [
        "articles/2024/old/変圧器/",
        "deep/er/still/液体冷却-and-変圧器.html",
        "qqq.html",
    ],
)
def test_a_missing_address_at_any_depth_shows_the_pages_holding_its_words(
    hosted: Hosted, browser: Any, missing: str
) -> None:
    texts = page_texts(hosted.site)
    words = [w for w in re.split(r"[/\-_.]+", missing) if w and w != "html"]
    expected = {doc for doc, text in texts.items() if any(fold(w) in text for w in words)}
    with checked_page(browser) as page:
        response = page.goto(hosted.url + quote(missing))
        assert response.status == 404
        page.wait_for_selector("body[data-kb-search=done]", timeout=20_000)
        # The theme's and kb's style sheets loaded from the site's root, whatever the depth.
        sheets = page.evaluate(
            "Array.from(document.styleSheets).map(s => s.href && s.cssRules.length && s.href)"
        )
        assert any(sheet and "kb-search.css" in sheet for sheet in sheets), sheets
        assert page.input_value("#kb-notfound input[name=q]") == " ".join(
            dict.fromkeys(w for w in words)
        )
        hrefs = page.eval_on_selector_all(
            ".kb-notfound-results > li > a", "links => links.map(a => a.href)"
        )
        found = {unquote(urlsplit(href).path).removeprefix(hosted.prefix) for href in hrefs}
        assert found == expected
        for href in hrefs:
            assert page.request.get(href).status == 200
        if "液体冷却-and-変圧器" in missing:
            # Neither page holds both words: one word each, both found.
            assert len(found) == 2
