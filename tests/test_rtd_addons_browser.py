"""kb's search keeps its keys with Read the Docs Addons' search enabled, in Chromium.

``tests/fixtures/readthedocs/addons-standin.js`` registers the listeners the
addons register (their hotkey on "/", their search window opened by the
``readthedocs-search-show`` event, sent also when the theme's box is
focused). With kb's search, "/" and the theme's box open kb's search and the
host's window never opens; without it (the control), the stand-in opens its
window, so the stand-in does what the addons do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kbtesting import REPO, Build, Server, article, build, checked_page, write_project

pytestmark = pytest.mark.browser

STANDIN = REPO / "tests" / "fixtures" / "readthedocs" / "addons-standin.js"
ARTICLE = "articles/2025/cooling.html"


def project(root: Path, conf: str = "") -> Build:
    files = {
        "articles/2025/cooling.md": article(
            "## 冷却\n\n液体冷却の導入が進んでいます。", title="冷却の記事", tags=["冷却"]
        ),
        "_static/addons-standin.js": STANDIN.read_text(encoding="utf-8"),
    }
    src = write_project(
        root,
        files,
        conf='html_theme = "sphinx_rtd_theme"\nhtml_sidebars = {}\n'
        'html_static_path = ["_static"]\nhtml_js_files = ["addons-standin.js"]\n' + conf,
    )
    return build(src)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Build:
    # Built only where there is a browser to open it (the fixture skips otherwise).
    return project(tmp_path_factory.mktemp("rtd"))


def standin(page: Any) -> dict[str, int]:
    return page.evaluate("({...window.readthedocsStandin})")


def open_article(page: Any, base: str) -> None:
    page.goto(base + ARTICLE)
    page.wait_for_function("window.readthedocsStandin && window.KbSearch")


def test_slash_opens_kbs_search_and_not_the_hosts_window(
    site: Build, browser: Any, http_server: Server
) -> None:
    with checked_page(browser) as page:
        open_article(page, http_server.url(site.outdir))
        page.click("h1")  # the document has the focus, not an input
        page.keyboard.press("/")
        assert page.evaluate("document.activeElement.name") == "q"
        assert page.locator("readthedocs-search").is_hidden()
        assert standin(page)["opened"] == 0
        # What is typed goes to kb's search, which answers under the box.
        page.keyboard.type("液体冷却")
        page.wait_for_selector(".kb-search-dropdown[data-state=done]", timeout=20_000)
        assert page.locator(".kb-search-option").count() == 1
        assert page.evaluate("document.activeElement.value") == "液体冷却"


def test_the_themes_box_and_the_show_event_open_kbs_search(
    site: Build, browser: Any, http_server: Server
) -> None:
    with checked_page(browser) as page:
        open_article(page, http_server.url(site.outdir))
        page.click("input[name=q]")
        assert standin(page)["focused"] >= 1  # the stand-in saw the focus and asked to open
        assert standin(page)["opened"] == 0
        assert page.locator("readthedocs-search").is_hidden()
        page.click("h1")
        # The flyout's box sends the event itself: kb's box takes it.
        page.evaluate("document.dispatchEvent(new CustomEvent('readthedocs-search-show'))")
        assert standin(page)["opened"] == 0
        assert page.evaluate("document.activeElement.name") == "q"
        assert page.locator("readthedocs-search").is_hidden()


def test_without_kbs_search_the_standin_opens_its_window(
    tmp_path: Path, browser: Any, http_server: Server
) -> None:
    """The control: the stand-in opens the host's window as the addons do."""
    control = project(tmp_path, "kb_search = False\n")
    with checked_page(browser) as page:
        page.goto(http_server.url(control.outdir) + ARTICLE)
        page.wait_for_function("window.readthedocsStandin")
        page.click("h1")
        page.keyboard.press("/")
        assert standin(page)["opened"] >= 1
        assert page.evaluate("document.querySelector('readthedocs-search').hidden") is False
