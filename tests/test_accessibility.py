"""axe-core in a real Chromium: no WCAG 2.1 A or AA violation on any page kind kb makes.

One small knowledge base (articles with tags, categories, authors, a series, glossary
mentions and a link between articles; the seed glossary) is built for real with the
default theme (Alabaster) and with Furo, each in its own process as ``make html`` runs
it. Every kind of page kb makes is opened in headless Chromium in the light and the dark
colour scheme (Furo's dark mode is also switched on explicitly, as its toggle does), and
axe-core (``make axe`` installs the pinned npm package under tests/axe/) checks it with
the rules tagged wcag2a, wcag2aa, wcag21a and wcag21aa. The sites are served as Read the
Docs serves one (conftest's ``http_server``): under a sub-path, which each build is told
(``kb_notfound_prefix``), and a missing path answered with 404.html, opened deep down.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from kbtesting import REPO, Server, article, missing, write_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = REPO / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
THEMES = ["alabaster", "furo"]
MODES = ["light", "dark"]

FILES = {
    "index.md": (
        "# ホーム\n\n```{kb-latest}\n:count: 3\n```\n\n"
        "```{toctree}\n:hidden:\nglossary/index\n```\n"
    ),
    "articles/2025/11/first.md": article(
        "NVIDIAとOpenAIの提携について。HBMの供給も重要になる。\n\n"
        "## 製造\n\nTSMCの話。[次の記事](second.md)も読む。",
        title="提携の記事",
        tags=["AI", "半導体"],
        categories=["半導体"],
        authors=["山田"],
        series="連載",
        series_order=1,
        excerpt="提携の要約。",
    ),
    "articles/2025/11/second.md": article(
        "Microsoftとデータセンターの話。",
        title="クラウドの記事",
        date="2025-11-08 02:00:00 +0000",
        tags=["AI"],
        categories=["クラウド"],
        authors=["山田"],
        series="連載",
        series_order=2,
        excerpt="クラウドの要約。",
    ),
}

#: Page kind -> the page kb writes for it.
PAGES = {
    "home": "index.html",
    "article": "articles/2025/11/first.html",
    "tag": "tags/ai.html",
    "tag overview": "tags/index.html",
    "category": "categories/半導体.html",
    "author": "authors/山田.html",
    "month": "archive/2025/11.html",
    "archive": "archive/index.html",
    "glossary front page": "glossary/index.html",
    "glossary overview": "glossary/partners/index.html",
    "glossary entry": "glossary/partners/nvidia.html",
    "series": "series/連載.html",
    "search results": "search.html?q=NVIDIA",
    # Filters open with their counts, one chosen; and filters alone (every article, newest first).
    "search results with filters open": "search.html?q=NVIDIA&category=半導体#kb-filters",
    "filters alone": "search.html?category=半導体&year=2025",
    # A result opened: the query's terms highlighted, with the button that clears them.
    "highlighted terms": "articles/2025/11/first.html?kb-terms=NVIDIA",
    # The article with the preview card of its first glossary link open.
    "preview card open": "articles/2025/11/first.html",
    # A lost address, deep down: the server answers with 404.html, which searches its words.
    "404 page": "2024/old/提携/lost-page.html",
}

#: How each theme is put in its dark mode beyond the colour scheme (Furo's toggle).
DARK_MODE = {"furo": "document.body.dataset.theme = 'dark'"}
#: The theme's own chrome that kb leaves as the theme made it: Alabaster greys its
#: footer ("©2025, Powered by Sphinx", #888 on white, 3.5:1) on every page, kb's or not.
THEME_CHROME = {"alabaster": [".footer"], "furo": []}

RUN_AXE = """async ([tags, chrome]) => {
  const context = {include: [document], exclude: chrome.map((selector) => [selector])};
  const found = await axe.run(context, {runOnly: {type: "tag", values: tags}});
  return found.violations.map((rule) => ({
    rule: rule.id,
    nodes: rule.nodes.map((node) => node.target.join(" ") + ": " + node.failureSummary),
  }));
}"""


def sphinx_build(src: Path) -> Path:
    """Built in its own process: themes register templates process-wide."""
    out = src.parent / "_build" / "html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-q",
            "-b",
            "html",
            "-d",
            str(out.parent / "doctrees"),
            str(src),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "WARNING" not in done.stderr, done.stderr
    return out


@pytest.fixture(scope="module")
def sites(
    tmp_path_factory: pytest.TempPathFactory, browser: Any, http_server: Server
) -> dict[str, str]:
    if not AXE.exists():
        missing(f"no {AXE}: run `make axe` (npm installs axe-core into tests/axe/)")
    root = tmp_path_factory.mktemp("a11y")
    built = {}
    for theme in THEMES:
        # Alabaster has no sidebar templates of Furo's: its own sidebars.
        sidebars = "" if theme == "furo" else "html_sidebars = {}\n"
        # Served under a sub-path, as on Read the Docs: 404.html, answered for any missing
        # path at any depth, takes its links and assets from there.
        prefix = urlsplit(http_server.url(root / theme / "_build" / "html")).path
        conf = f'html_theme = "{theme}"\n{sidebars}kb_notfound_prefix = "{prefix}"\n'
        src = write_project(root / theme, FILES, conf=conf, with_glossary=True)
        built[theme] = sphinx_build(src)
    return {theme: http_server.url(out) for theme, out in built.items()}


def open_page(browser: Any, url: str, theme: str, mode: str) -> Any:
    context = browser.new_context(color_scheme=mode, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("load")
    if mode == "dark" and theme in DARK_MODE:
        page.evaluate(f"() => {{ {DARK_MODE[theme]}; }}")
    return page


def violations(page: Any, theme: str) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    return list(page.evaluate(RUN_AXE, [WCAG_TAGS, THEME_CHROME[theme]]))


def report(found: list[dict[str, Any]]) -> str:
    return json.dumps(found, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("kind", list(PAGES))
def test_no_wcag_violation_on_any_page_kind(
    sites: dict[str, str], browser: Any, theme: str, mode: str, kind: str
) -> None:
    page = open_page(browser, sites[theme] + PAGES[kind], theme, mode)
    try:
        if kind == "search results":
            page.wait_for_selector("#search-results ul.search li", timeout=20_000)
        if kind in ("search results with filters open", "filters alone"):
            page.wait_for_selector("body[data-kb-facets=shown]", timeout=20_000)
            page.wait_for_selector("#kb-filters[open] .kb-facet input", timeout=20_000)
            # Every group open, those counted on demand (tags, glossary entries) too.
            page.eval_on_selector_all("details.kb-facet:not([open]) > summary", "all => all.forEach((s) => s.click())")
            page.wait_for_function(
                "() => [...document.querySelectorAll('details.kb-facet')]"
                ".every((group) => group.dataset.filled === '1')",
                timeout=20_000,
            )
        if kind == "highlighted terms":
            page.wait_for_selector("mark.kb-highlight", timeout=20_000)
        if kind == "404 page":
            page.wait_for_selector("body[data-kb-search=done]", timeout=20_000)
            # Its style sheets came from the site's root, and it found the article.
            assert page.locator(".kb-notfound-results > li").count() >= 1
            assert page.evaluate(
                "[...document.styleSheets].some((s) => (s.href || '').includes('/_static/kb-search.css')"
                " && s.cssRules.length)"
            )
        if kind == "preview card open":
            page.focus("article a.kb-entry-link, div.body a.kb-entry-link")
            page.wait_for_selector("#kb-preview:not([hidden])", timeout=20_000)
        found = violations(page, theme)
        assert found == [], f"{kind} ({theme}, {mode}):\n{report(found)}"
    finally:
        page.context.close()


def test_the_check_finds_a_violation(sites: dict[str, str], browser: Any) -> None:
    """The same run reports a picture exposed as an image that holds links: the check can fail."""
    page = open_page(browser, sites["furo"] + PAGES["glossary overview"], "furo", "light")
    try:
        page.evaluate(
            "() => document.querySelector('svg.kb-graph-svg').setAttribute('role', 'img')"
        )
        page.evaluate(
            "() => document.querySelector('svg.kb-graph-svg').removeAttribute('aria-hidden')"
        )
        rules = {item["rule"] for item in violations(page, "furo")}
        assert "nested-interactive" in rules
    finally:
        page.context.close()
