"""The relationship map in a real Chromium: names never overlap, in light and dark mode.

A page is rendered from the real templates and CSS, at the seed's size and at
300 entries, served on 127.0.0.1 and screenshot in headless Chromium with
Furo's ``data-theme`` set to light, dark and auto (with a dark system
preference). The bounding boxes the browser gives the label elements, in the
browser's own fonts, must not overlap; dark mode must change the colours.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kb import graph, timeline
from kbtesting import REPO
from test_graph import corpus, render_map, render_timeline

sys.path.append(str(REPO / "benchmarks"))
from search_timing import CHROMIUM as CHROMIUM_PATH
from search_timing import CHROMIUM_ARGS, serve

CHROMIUM = Path(CHROMIUM_PATH)
pytestmark = pytest.mark.browser

# Furo's own custom properties for the two modes, as its stylesheet sets them
# on body[data-theme]; kb-graph.css takes the foreground and background from them.
FURO_MODES = """
body { --color-foreground-primary: black; --color-foreground-secondary: #5a5c63;
       --color-background-primary: white; background: var(--color-background-primary);
       color: var(--color-foreground-primary); font-family: sans-serif; }
body[data-theme="dark"] { --color-foreground-primary: #cfd0d0;
       --color-foreground-secondary: #9ca0a5; --color-background-primary: #131416; }
@media (prefers-color-scheme: dark) {
  body[data-theme="auto"] { --color-foreground-primary: #cfd0d0;
       --color-foreground-secondary: #9ca0a5; --color-background-primary: #131416; }
}
"""


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"no Chromium at {CHROMIUM}: install Debian's chromium to run the browser tests"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def page(size: int, theme: str) -> str:
    entries, articles = corpus(size, size * 7)
    picture = graph.relationship_map(entries, articles)
    around = graph.neighbourhood(entries, articles, entries[0].docname)
    months = timeline.draw_timeline(timeline.month_counts(a.month for a in articles))
    css = (REPO / "ext" / "kb" / "static" / "kb-graph.css").read_text(encoding="utf-8")
    parts = [
        render_map(picture),
        render_map(around, caption="周り").replace('id="kb-map', 'id="kb-around'),
        render_timeline(months, {m.key: f"archive/{m.key}" for m in months.months}),
    ]
    return (
        '<!doctype html><html lang="ja"><head><meta charset="utf-8">'
        f"<style>{FURO_MODES}{css}</style></head>"
        f'<body data-theme="{theme}">{"".join(parts)}</body></html>'
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    root = tmp_path_factory.mktemp("graph-pages")
    for size in (30, 300):
        for theme in ("light", "dark", "auto"):
            (root / f"map-{size}-{theme}.html").write_text(page(size, theme), encoding="utf-8")
    with serve(root) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


LABEL_BOXES = """() => Array.from(document.querySelectorAll('#kb-map .kb-graph-label'), e => {
  const r = e.getBoundingClientRect();
  return [e.textContent, r.left, r.top, r.right, r.bottom];
})"""


def check_labels(page_: Any) -> int:
    boxes = page_.evaluate(LABEL_BOXES)
    assert boxes
    for (name_a, *a), (name_b, *b) in itertools.combinations(boxes, 2):
        overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
        assert not overlap, f"labels {name_a!r} {a} and {name_b!r} {b} overlap"
    return len(boxes)


def colours(page_: Any) -> tuple[str, str]:
    return page_.evaluate(
        """() => [getComputedStyle(document.querySelector('#kb-map .kb-graph-label')).fill,
                 getComputedStyle(document.querySelector('#kb-map .kb-graph-shape')).fill]"""
    )


@pytest.mark.parametrize("size", [30, 300])
def test_labels_do_not_overlap_in_light_and_dark_mode(
    site: str, browser: Any, size: int, tmp_path: Path
) -> None:
    seen = {}
    for theme, scheme in (("light", "light"), ("dark", "light"), ("auto", "dark")):
        context = browser.new_context(viewport={"width": 1000, "height": 800}, color_scheme=scheme)
        try:
            tab = context.new_page()
            tab.goto(f"{site}map-{size}-{theme}.html")
            count = check_labels(tab)
            assert count == len(tab.query_selector_all("#kb-map a.kb-graph-node"))
            shot = tmp_path / f"map-{size}-{theme}.png"
            tab.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            seen[theme] = colours(tab)
        finally:
            context.close()
    # Dark mode (set, or automatic with a dark system) changes text and node colours.
    assert seen["dark"] != seen["light"]
    assert seen["auto"] == seen["dark"]


def test_pictures_need_no_javascript_and_fetch_nothing(site: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    requested: list[str] = []
    try:
        tab = context.new_page()
        tab.on("request", lambda request: requested.append(request.url))
        tab.goto(f"{site}map-30-light.html")
        assert tab.locator("#kb-map svg.kb-graph-svg").bounding_box()["width"] > 300
        assert tab.locator("#kb-tl rect.kb-graph-bar").count() > 0
    finally:
        context.close()
    assert requested == [f"{site}map-30-light.html"]
