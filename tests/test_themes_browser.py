"""kb in the themes people use: Furo, sphinx_rtd_theme, pydata-sphinx-theme,
sphinx-book-theme and Alabaster.

Each theme builds the same small site without a warning; kb's style sheets and
scripts carry their content hash, the same on a clean and an incremental build;
and in a real Chromium "/" goes to the theme's own search box, typing lists
results under it, and the list is seen whole (no sidebar or dialog clips it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kbtesting import Server, article, write_project

# Every test waits on a site built for long (a module fixture).
pytestmark = pytest.mark.slow

THEMES = ["furo", "sphinx_rtd_theme", "pydata_sphinx_theme", "sphinx_book_theme", "alabaster"]
TITLE = "液体冷却の記事"
TIMEOUT_MS = 20_000

FILES = {
    "index.md": "# ホーム\n\n```{kb-latest}\n:count: 3\n```\n\n```{toctree}\nguide\n```\n",
    "guide.md": "# 案内\n\n普通のページ。\n",
    "articles/2025/11/cooling.md": article(
        "データセンターの液体冷却について。", title=TITLE, tags=["AI"], excerpt="要約。"
    ),
    "articles/2025/10/power.md": article(
        "電力の話。", title="電力の記事", date="2025-10-01", tags=["AI"]
    ),
}


def conf(theme: str) -> str:
    return (
        'extensions = ["myst_parser", "kb"]\nproject = "テーマ"\nlanguage = "ja"\n'
        f'html_theme = "{theme}"\nhtml_baseurl = "https://example.org/"\n'
        'exclude_patterns = ["_build"]\n'
    )


def _site(root: Path, theme: str) -> Path:
    src = write_project(root, FILES, index=None)
    (src / "conf.py").write_text(conf(theme), encoding="utf-8")
    return src


@dataclass
class Site:
    srcdir: Path
    outdir: Path
    warnings: str


def sphinx_build(src: Path) -> Site:
    """A build in its own process, as ``make html`` runs it: themes register
    templates process-wide, and one theme's would leak into the next build."""
    out = src.parent / "_build" / "html"
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-d"]
    done = subprocess.run(
        [*command, str(out.parent / "doctrees"), str(src), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return Site(src, out, done.stderr)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Site]:
    return {theme: sphinx_build(_site(tmp_path_factory.mktemp(theme), theme)) for theme in THEMES}


def kb_assets(page: Path) -> list[str]:
    html = page.read_text(encoding="utf-8")
    return sorted(re.findall(r'(?:href|src)="[./]*(_static/kb[^"]*)"', html))


@pytest.mark.parametrize("theme", THEMES)
def test_each_theme_builds_without_a_warning(sites: dict[str, Site], theme: str) -> None:
    site = sites[theme]
    assert site.warnings.strip() == ""
    assert (site.outdir / "tags" / "ai.html").is_file()


@pytest.mark.parametrize("theme", THEMES)
def test_assets_carry_their_hash_the_same_on_clean_and_incremental_builds(
    sites: dict[str, Site], theme: str, tmp_path: Path
) -> None:
    site = sites[theme]
    pages = ["articles/2025/11/cooling.html", "tags/ai.html", "index.html"]
    clean = {page: kb_assets(site.outdir / page) for page in pages}
    for found in clean.values():
        assert found and all(re.search(r"\?v=[0-9a-f]{8}$", asset) for asset in found), found
    # The same project built again after an edit: an incremental build.
    copy = tmp_path / "again"
    shutil.copytree(site.srcdir.parent, copy, dirs_exist_ok=True)
    (copy / "src" / "guide.md").write_text("# 案内\n\n書き直したページ。\n", encoding="utf-8")
    again = sphinx_build(copy / "src")
    assert again.warnings.strip() == ""
    assert {page: kb_assets(again.outdir / page) for page in pages} == clean


#: Where the first result sits, and whether the list is what the reader sees at
#: both its edges (nothing clips or covers it).
SEEN = """() => {
  const list = document.querySelector(".kb-search-dropdown:not([hidden])");
  const option = list && list.querySelector(".kb-search-option");
  if (!option) return null;
  const box = option.getBoundingClientRect();
  const y = box.top + box.height / 2;
  const edges = [box.left + 4, box.right - 4].map((x) => document.elementFromPoint(x, y));
  return {
    seen: edges.every((hit) => hit !== null && list.contains(hit)),
    inViewport: box.left >= 0 && box.right <= innerWidth && box.bottom <= innerHeight,
    href: option.getAttribute("href"),
  };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("theme", THEMES)
def test_search_box_of_each_theme_lists_results_as_one_types(
    sites: dict[str, Site], browser: Any, http_server: Server, theme: str
) -> None:
    base = http_server.url(sites[theme].outdir)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(base + "guide.html")
        page.wait_for_load_state("load")
        page.keyboard.press("/")  # "/" goes to the theme's own search box
        focused = page.evaluate(
            "() => { const a = document.activeElement;"
            " return a && a.name === 'q' && a.offsetParent !== null; }"
        )
        assert focused, theme
        page.keyboard.type("液体冷却")  # results as one types: no Enter
        page.wait_for_selector(
            ".kb-search-dropdown[data-state=done]:not([hidden])", timeout=TIMEOUT_MS
        )
        seen = page.evaluate(SEEN)
        assert seen is not None, theme
        assert seen["seen"] and seen["inViewport"], (theme, seen)
        # (with the query's terms to highlight: ?kb-terms=)
        assert seen["href"].split("?")[0].endswith("articles/2025/11/cooling.html"), seen
    finally:
        page.close()


#: Where each theme keeps its dark mode: Furo on <body>, pydata-sphinx-theme and
#: the book theme (built on it) on <html>.
DARK_MODE = {
    "furo": "document.body.dataset.theme = 'dark'",
    "pydata_sphinx_theme": "document.documentElement.dataset.theme = 'dark'",
    "sphinx_book_theme": "document.documentElement.dataset.theme = 'dark'",
}

#: The WCAG contrast ratio of each kb text against the background it is drawn on
#: (the nearest ancestor with an opaque background, the canvas white otherwise).
CONTRASTS = """(selectors) => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length === 3 || (colour.length === 4 && colour[3] === 1)) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = [];
  for (const selector of selectors) {
    for (const el of document.querySelectorAll(selector)) {
      const [a, b] = [luminance(rgb(getComputedStyle(el).color)), luminance(background(el))];
      out.push({selector, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)});
    }
  }
  return out;
}"""

KB_TEXTS = {
    "tags/ai.html": [".kb-item-meta", ".kb-item-title a", ".kb-item-excerpt"],
    "articles/2025/11/cooling.html": [".kb-article-meta"],
}


@pytest.mark.browser
@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("theme", sorted(DARK_MODE))
def test_kb_text_is_legible_in_each_themes_light_and_dark_modes(
    sites: dict[str, Site], browser: Any, http_server: Server, theme: str, mode: str
) -> None:
    base = http_server.url(sites[theme].outdir)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        for path, selectors in KB_TEXTS.items():
            page.goto(base + path)
            page.wait_for_load_state("load")
            if mode == "dark":
                page.evaluate(f"() => {{ {DARK_MODE[theme]}; }}")
            found = page.evaluate(CONTRASTS, selectors)
            assert {item["selector"] for item in found} == set(selectors), (theme, path)
            # WCAG AA for normal text.
            low = [item for item in found if item["ratio"] < 4.5]
            assert not low, (theme, mode, path, low)
    finally:
        page.close()
