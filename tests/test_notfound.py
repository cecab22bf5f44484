"""404.html: served for any missing address at any depth, it finds what was lost.

A small server stands in for Read the Docs: the site under /ja/latest/, and
404.html (with status 404) for every missing path. The expected pages are
those whose built text holds a word of the address, found here without kb.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import sys
import threading
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kbtesting import REPO, Build, article, build, write_project

sys.path.append(str(REPO / "benchmarks"))
from search_timing import CHROMIUM, CHROMIUM_ARGS

PREFIX = "/ja/latest/"
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


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build(write_project(tmp_path_factory.mktemp("notfound"), FILES, conf=CONF))


def test_404_is_written_in_japanese_with_every_address_absolute(site: Build) -> None:
    page = site.html("404")
    assert page.html["lang"] == "ja"
    assert page.title.get_text().startswith("ページが見つかりません")
    assert page.select_one("#kb-notfound h1").get_text() == "ページが見つかりません"
    assert page.html["data-content_root"] == PREFIX
    addresses = [
        element.get(attribute)
        for element in page.find_all(True)
        for attribute in ("href", "src", "action")
        if element.get(attribute)
    ]
    assert len(addresses) > 10
    for address in addresses:
        assert address.startswith((PREFIX, "https://", "http://", "#")), address
    form = page.select_one("#kb-notfound form")
    assert form["action"] == PREFIX + "search.html"
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


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        if not path.startswith(PREFIX):
            return str(Path(self.directory) / "__missing__")
        return super().translate_path("/" + path[len(PREFIX) :])

    def send_head(self) -> Any:
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            target = target / "index.html"
        if target.is_file():
            return super().send_head()
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


@contextlib.contextmanager
def host(root: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Handler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


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
    site: Build, missing: str
) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    texts = page_texts(site)
    words = [w for w in re.split(r"[/\-_.]+", missing) if w and w != "html"]
    expected = {doc for doc, text in texts.items() if any(fold(w) in text for w in words)}
    with host(site.outdir) as origin, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        response = page.goto(origin + PREFIX + quote(missing))
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
        found = {unquote(urlsplit(href).path).removeprefix(PREFIX) for href in hrefs}
        assert found == expected
        for href in hrefs:
            assert page.request.get(href).status == 200
        if "液体冷却-and-変圧器" in missing:
            # Neither page holds both words: one word each, both found.
            assert len(found) == 2
        browser.close()
        assert not errors, errors
