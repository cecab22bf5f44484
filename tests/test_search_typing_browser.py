"""Results as one types, in Chromium: a keystroke starts its search at once (no wait for
the typing to pause), keystrokes that come while a search runs are folded into one
search of the last text, and text an input method has not committed yet is not searched.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kbtesting import Build, Server, article, build, checked_page, write_project

pytestmark = pytest.mark.browser

TIMEOUT_MS = 20_000
BOX = "form input[name=q]:visible"

# Sets the box's text and sends the input event a keystroke sends, then returns the
# state of the box's result list right after the event's handlers ran.
TYPE = """([texts, composing]) => {
  const box = [...document.querySelectorAll("form input[name=q]")].find((b) => b.offsetParent);
  for (const text of texts) {
    box.value = text;
    box.dispatchEvent(new InputEvent("input", { bubbles: true, isComposing: composing }));
  }
  return box.form.querySelector(".kb-search-dropdown").dataset.state || "";
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Build:
    # Built only where there is a browser to open it (the fixture skips otherwise).
    files = {
        "articles/2025/cooling.md": article("液体冷却の導入が進んでいます。", title="冷却の記事"),
        "articles/2025/liquid.md": article(
            "液体の話です。", title="液体の記事", date="2025-11-08 02:11:09 +0000"
        ),
    }
    return build(write_project(tmp_path_factory.mktemp("typing"), files))


@pytest.fixture
def page(site: Build, browser: Any, http_server: Server) -> Iterator[Any]:
    with checked_page(browser) as tab:
        tab.goto(http_server.url(site.outdir) + "index.html")
        tab.click(BOX)
        yield tab


def titles(page: Any) -> list[str]:
    page.wait_for_selector(".kb-search-dropdown[data-state=done]", timeout=TIMEOUT_MS)
    return list(page.eval_on_selector_all(".kb-search-option .kb-search-title", "t => t.map(e => e.textContent)"))


def test_a_keystroke_starts_its_search_at_once(page: Any) -> None:
    # Right after the input event, before any timer could fire.
    assert page.evaluate(TYPE, [["液体"], False]) == "running"
    assert sorted(titles(page)) == ["冷却の記事", "液体の記事"]


def test_keystrokes_during_a_search_become_one_search_of_the_last_text(page: Any) -> None:
    # Each list shown is counted: the texts typed while "液" was searched are not shown.
    page.evaluate(
        """() => { window.__shown = 0; new MutationObserver(() => window.__shown++).observe(
             document.querySelector("form .kb-search-dropdown"), { childList: true }); }"""
    )
    page.evaluate(TYPE, [["液", "液体", "液体冷", "液体冷却"], False])
    assert titles(page) == ["冷却の記事"]
    page.wait_for_timeout(300)
    assert page.evaluate("window.__shown") == 1
    href = page.get_attribute(".kb-search-all", "href")
    assert "q=%E6%B6%B2%E4%BD%93%E5%86%B7%E5%8D%B4" in href  # 液体冷却
    # The box holds the text the list is for.
    assert page.input_value(BOX) == "液体冷却"


def test_text_being_composed_is_searched_once_committed(page: Any) -> None:
    assert page.evaluate(TYPE, [["えきたい"], True]) == ""
    page.wait_for_timeout(300)  # nothing waits to start either
    assert page.eval_on_selector(".kb-search-dropdown", "list => list.dataset.state || ''") == ""
    state = page.evaluate(
        """() => {
          const box = [...document.querySelectorAll("form input[name=q]")].find((b) => b.offsetParent);
          box.value = "液体冷却";
          box.dispatchEvent(new CompositionEvent("compositionend", { bubbles: true, data: "液体冷却" }));
          return box.form.querySelector(".kb-search-dropdown").dataset.state || "";
        }"""
    )
    assert state == "running"
    assert titles(page) == ["冷却の記事"]
