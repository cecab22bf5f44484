"""The built glossary overview in a real Chromium: map labels never overlap, in light and dark mode.

Two sites are built for real with kb and Furo: the seed glossary (30 entries)
and the same grown to 300 entries, each with articles mentioning its entries.
Their partner overview is served on 127.0.0.1 and screenshot in headless
Chromium with Furo's theme set to light, dark and auto (with a dark system
preference). The bounding boxes the browser gives the label elements, in the
browser's own fonts, must not overlap; dark mode must change the colours; the
picture needs no JavaScript and nothing from outside the site.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

import pytest

from kbtesting import REPO, Server, article, build, write_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]
OVERVIEW = "glossary/partners/index.html"


def seed_entries() -> list[tuple[str, str]]:
    """(role, name) of every entry of the seed glossary."""
    found = []
    for path in sorted((REPO / "docs" / "glossary").glob("*/*.md")):
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            if line.startswith("name:"):
                role = "partner" if path.parent.name == "partners" else "tech"
                found.append((role, line.partition(":")[2].strip().strip("\"'")))
                break
    return found


SYLLABLES = ["ka", "lo", "ri", "ven", "tor", "mi", "sa", "quen", "dra", "lux", "no", "zen"]


def site_files(size: int) -> dict[str, str]:
    """Entries grown to ``size`` and articles mentioning them, most mentions on a few."""
    rng = random.Random(size)
    entries = seed_entries()
    files: dict[str, str] = {}
    taken = {name.casefold() for _, name in entries}
    while len(entries) < size:
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        name = f"{stem} {rng.choice(['Labs', 'Systems', 'AI', 'Cloud', 'エナジー', '技研'])}"
        if name.casefold() in taken:
            continue
        taken.add(name.casefold())
        role, folder = ("partner", "partners") if len(entries) % 3 else ("tech", "technologies")
        slug = f"made-{len(entries):03d}"
        files[f"glossary/{folder}/{slug}.md"] = (
            f'---\nname: "{name}"\nsummary: "架空"\n---\n\n本文。\n'
        )
        entries.append((role, name))
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(entries))]
    unmentioned = list(entries)
    for number in range(max(40, size // 2)):
        chosen = {*rng.choices(entries, weights, k=6)}
        # Every entry is mentioned at least once, so every one is on the map.
        chosen.update(unmentioned[:3])
        del unmentioned[:3]
        body = "。".join(f"{{{role}}}`{name}`" for role, name in sorted(chosen))
        month = 1 + number % 12
        files[f"articles/a{number:03d}.md"] = article(
            body + "。", title=f"記事{number}", date=f"2025-{month:02d}-10 03:00:00 +0000"
        )
    return files


@pytest.fixture(scope="module")
def sites(
    tmp_path_factory: pytest.TempPathFactory, browser: Any, http_server: Server
) -> dict[int, str]:
    root = tmp_path_factory.mktemp("graph-sites")
    built = {}
    for size in (30, 300):
        src = write_project(root / f"site{size}", site_files(size), with_glossary=True)
        result = build(src)
        assert "kb-graph" not in result.warnings
        built[size] = result.outdir
    return {size: http_server.url(outdir) for size, outdir in built.items()}


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
    sites: dict[int, str], browser: Any, size: int, tmp_path: Path
) -> None:
    seen = {}
    for theme, scheme in (("light", "light"), ("dark", "light"), ("auto", "dark")):
        context = browser.new_context(viewport={"width": 1200, "height": 900}, color_scheme=scheme)
        try:
            tab = context.new_page()
            # Furo reads the reader's choice from localStorage before drawing the page.
            tab.add_init_script(f"localStorage.setItem('theme', '{theme}')")
            tab.goto(f"{sites[size]}{OVERVIEW}")
            assert tab.evaluate("document.body.dataset.theme") == theme
            count = check_labels(tab)
            decoration = "getComputedStyle(document.querySelector('#kb-map a')).textDecorationLine"
            assert tab.evaluate(f"() => {decoration}") == "none"
            assert count == len(tab.query_selector_all("#kb-map a.kb-graph-node"))
            assert count >= size * 0.9
            shot = tmp_path / f"overview-{size}-{theme}.png"
            tab.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            seen[theme] = colours(tab)
        finally:
            context.close()
    # Dark mode (set, or automatic with a dark system) changes text and node colours.
    assert seen["dark"] != seen["light"]
    assert seen["auto"] == seen["dark"]


def test_the_map_needs_no_javascript_and_fetches_nothing_outside(
    sites: dict[int, str], browser: Any
) -> None:
    context = browser.new_context(java_script_enabled=False)
    requested: list[str] = []
    try:
        tab = context.new_page()
        tab.on("request", lambda request: requested.append(request.url))
        tab.goto(f"{sites[30]}{OVERVIEW}")
        assert tab.locator("#kb-map svg.kb-graph-svg").bounding_box()["width"] > 300
        assert tab.locator("#kb-map text.kb-graph-label").count() >= 27
    finally:
        context.close()
    assert requested and all(url.startswith(sites[30]) for url in requested)
