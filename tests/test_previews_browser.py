"""Previews in a real Chromium, opened from file://: by pointer, keyboard and touch, in dark mode.

A small knowledge base with the seed glossary is built with Furo and its article page
opened straight from the disk. Resting the pointer on a glossary link shows the entry's
card, and on a link to another article that article's; keyboard focus shows it too,
Tab goes on into the card and Escape closes it with focus kept on the link; on a phone
(touch, 360 px wide) a first tap previews without leaving the page and fits the screen,
and the card's link opens the entry. Nothing is requested beyond the page's own files,
opening a card moves nothing on the page (no layout shift), and in Furo's dark mode the
card is dark.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kbtesting import article, build, write_project

pytestmark = pytest.mark.browser
CARD = "#kb-preview:not([hidden])"
TIMEOUT_MS = 5_000

FILES = {
    "index.md": "# ホーム\n\n```{toctree}\n:hidden:\nglossary/index\n```\n",
    "articles/2025/11/first.md": article(
        "NVIDIAとOpenAIの提携について、長い前置きの文。" * 3
        + "\n\n## 製造\n\nTSMCの話。[次の記事](second.md)も読む。\n\n"
        + "終わりの段落。" * 20,
        title="提携の記事",
        categories=["半導体"],
    ),
    "articles/2025/11/second.md": article(
        "クラウドの話。",
        title="クラウドの記事",
        date="2025-11-08 02:00:00 +0000",
        categories=["クラウド"],
        excerpt="クラウドの要約。",
    ),
}


@pytest.fixture(scope="module")
def article_url(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> str:
    result = build(
        write_project(tmp_path_factory.mktemp("previews"), FILES, index=None, with_glossary=True)
    )
    assert "WARNING" not in result.warnings, result.warnings
    return result.page_path("articles/2025/11/first").as_uri()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def opener(url: str, **options: Any) -> Any:
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.requested = []
        page.on("request", lambda request: page.requested.append(request.url))
        # Every layout shift the page makes, from the start.
        page.add_init_script(
            "window.__shifts = 0; new PerformanceObserver((list) => { for (const e of"
            " list.getEntries()) window.__shifts += e.value; }).observe({type: 'layout-shift',"
            " buffered: true});"
        )
        page.goto(url)
        page.wait_for_load_state("load")
        return page

    yield opener
    for context in contexts:
        context.close()


def card_text(page: Any) -> str:
    return str(page.inner_text(CARD))


def layout(page: Any) -> list[list[float]]:
    """Where every block of the article's text is."""
    return list(
        page.evaluate(
            "() => [...document.querySelectorAll('article p, article h1, article h2')]"
            ".filter((e) => !e.closest('#kb-preview'))"
            ".map((e) => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })"
        )
    )


def test_pointer_rest_shows_the_card_and_moves_nothing(article_url: str, open_page: Any) -> None:
    page = open_page(article_url, viewport={"width": 1280, "height": 800})
    before = layout(page)
    shifts = page.evaluate("() => window.__shifts")
    page.hover('a.kb-entry-link:has-text("NVIDIA")')
    page.wait_for_selector(CARD, timeout=TIMEOUT_MS)
    text = card_text(page)
    for expected in (
        "パートナー",
        "Nvidia",
        "米国の半導体企業",
        "別名",
        "1件の記事に登場",
        "項目を開く",
    ):
        assert expected in text, text
    # The browser's own tooltip would cover the card.
    assert page.get_attribute('a.kb-entry-link:has-text("NVIDIA")', "title") is None
    assert layout(page) == before
    assert page.evaluate("() => window.__shifts") == shifts
    # Off the link (and not onto the card): the card goes.
    page.mouse.move(5, 795)
    page.wait_for_selector("#kb-preview", state="hidden", timeout=TIMEOUT_MS)
    # A link to another article shows that article.
    page.hover('a:has-text("次の記事")')
    page.wait_for_selector(CARD, timeout=TIMEOUT_MS)
    text = card_text(page)
    for expected in (
        "クラウド",
        "クラウドの記事",
        "2025年11月8日",
        "クラウドの要約。",
        "記事を開く",
    ):
        assert expected in text, text
    assert all(url.startswith("file://") for url in page.requested), page.requested


def test_keyboard_focus_shows_the_card_tab_enters_it_escape_keeps_focus(
    article_url: str, open_page: Any
) -> None:
    page = open_page(article_url, viewport={"width": 1280, "height": 800})
    link = 'a.kb-entry-link:has-text("OpenAI")'
    page.focus(link)
    page.wait_for_selector(CARD, timeout=TIMEOUT_MS)
    assert "OpenAI" in card_text(page)
    # Screen readers hear the card with the link, and know it is open.
    assert page.get_attribute(link, "aria-describedby") == "kb-preview"
    assert page.get_attribute(link, "aria-expanded") == "true"
    assert page.get_attribute("#kb-preview", "role") == "dialog"
    assert page.evaluate(
        "() => document.getElementById('kb-preview').getAttribute('aria-labelledby')"
        " === document.querySelector('#kb-preview .kb-preview-title').id"
    )
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('#kb-preview') !== null")
    assert page.evaluate("() => document.activeElement.textContent") == "項目を開く"
    page.keyboard.press("Escape")
    page.wait_for_selector("#kb-preview", state="hidden", timeout=TIMEOUT_MS)
    assert page.evaluate("() => document.activeElement.textContent") == "OpenAI"
    assert page.get_attribute(link, "aria-expanded") == "false"
    # Tab from the link now goes past the closed card to the next link.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('#kb-preview') === null")


def test_first_tap_previews_on_a_phone_and_the_card_opens_the_entry(
    article_url: str, open_page: Any
) -> None:
    page = open_page(
        article_url, viewport={"width": 360, "height": 640}, has_touch=True, is_mobile=True
    )
    before = layout(page)
    page.tap('a.kb-entry-link:has-text("NVIDIA")')
    page.wait_for_selector(CARD, timeout=TIMEOUT_MS)
    assert page.url == article_url  # the first tap did not leave the page
    box = page.evaluate(
        "() => { const r = document.getElementById('kb-preview').getBoundingClientRect();"
        " return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,"
        " width: innerWidth, height: innerHeight}; }"
    )
    assert box["left"] >= 0 and box["right"] <= box["width"], box
    assert box["top"] >= 0 and box["bottom"] <= box["height"], box
    assert layout(page) == before
    # A tap elsewhere closes it; a tap on the card's link opens the entry.
    page.tap("h1")
    page.wait_for_selector("#kb-preview", state="hidden", timeout=TIMEOUT_MS)
    page.tap('a.kb-entry-link:has-text("NVIDIA")')
    page.wait_for_selector(CARD, timeout=TIMEOUT_MS)
    with page.expect_navigation():
        page.tap("#kb-preview .kb-preview-open a")
    assert page.url.endswith("glossary/partners/nvidia.html#kb-entry-nvidia")
    assert all(url.startswith("file://") for url in page.requested), page.requested


def test_a_second_tap_opens_the_link(article_url: str, open_page: Any) -> None:
    page = open_page(
        article_url, viewport={"width": 360, "height": 640}, has_touch=True, is_mobile=True
    )
    page.tap('a.kb-entry-link:has-text("OpenAI")')
    page.wait_for_selector(CARD, timeout=TIMEOUT_MS)
    with page.expect_navigation():
        page.tap('a.kb-entry-link:has-text("OpenAI")')
    assert page.url.endswith("glossary/partners/openai.html#kb-entry-openai")


#: The card's background and text colours, and the page's background.
COLOURS = """() => {
  const card = getComputedStyle(document.getElementById("kb-preview"));
  return {card: card.backgroundColor, text: card.color,
          page: getComputedStyle(document.body).backgroundColor};
}"""


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_card_follows_the_themes_mode(article_url: str, open_page: Any, mode: str) -> None:
    page = open_page(article_url, viewport={"width": 1280, "height": 800}, color_scheme=mode)
    page.focus('a.kb-entry-link:has-text("NVIDIA")')
    page.wait_for_selector(CARD, timeout=TIMEOUT_MS)
    colours = page.evaluate(COLOURS)
    # Furo's own background in each mode, and text that is not the other mode's.
    assert colours["card"] == colours["page"], colours
    expected = {"light": "rgb(255, 255, 255)", "dark": "rgb(19, 20, 22)"}
    assert colours["card"] == expected[mode], colours
    # Furo's toggle (data-theme on <body>) wins over the system's preference.
    other = "light" if mode == "dark" else "dark"
    page.evaluate(f"() => {{ document.body.dataset.theme = '{other}'; }}")
    assert page.evaluate(COLOURS)["card"] == expected[other]
