"""Time from the pointer reaching a link to its preview card showing, in headless Chromium.

    python -m benchmarks.preview_timing _build/html/articles/2025/11/x.html [--runs 5]

Opens the built page from file:// (as a reader may), moves the pointer onto each link
that has a preview card in turn (from an empty corner, so each is a fresh hover), and
records, with the page's own clock, when the pointer entered the link and when the card
became visible. Prints one JSON object: the median and the slowest of these times in
ms (the card waits HOVER_DELAY, 50 ms, for the pointer to rest, so a pointer passing
over a link shows nothing), the number of hovers, and the bytes the previews add to
the page (its <template>s) and their script and style sheet.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from pathlib import Path

from benchmarks.search_timing import chromium

# Installed before the page's scripts: when the pointer entered a link, when a card showed.
PROBE = """
window.__entered = [];
window.__shown = [];
document.addEventListener("pointerover", (event) => {
  if (event.target.closest && event.target.closest("a[href]")) window.__entered.push(performance.now());
}, true);
new MutationObserver(() => {
  const card = document.getElementById("kb-preview");
  if (card && !card.hidden && window.__shown.length < window.__entered.length) {
    window.__shown.push(performance.now());
  }
}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ["hidden"]});
"""

#: The links of the page's text that have a card (not those inside the card itself).
PREVIEWED = """() => {
  const keys = new Set([...document.querySelectorAll("template[data-kb-preview]")]
    .map((t) => new URL(t.dataset.kbPreview, document.baseURI).href.split("#")[0]));
  return [...document.querySelectorAll("article a[href], div.body a[href]")]
    .filter((a) => !a.closest("#kb-preview") && keys.has(a.href.split("#")[0]));
}"""


def preview_bytes(page: Path) -> dict[str, int]:
    html = page.read_text(encoding="utf-8")
    cards = re.findall(r'<template class="kb-preview-card".*?</template>', html, re.S)
    static = page.parent
    while not (static / "_static").is_dir() and static != static.parent:
        static = static.parent
    return {
        "page_bytes": len(html.encode()),
        "cards_bytes": sum(len(card.encode()) for card in cards),
        "script_bytes": (static / "_static" / "kb-preview.js").stat().st_size,
        "style_bytes": (static / "_static" / "kb-preview.css").stat().st_size,
    }


def measure(page_path: Path, runs: int) -> dict[str, object]:
    times: list[float] = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.add_init_script(PROBE)
        page.goto(page_path.resolve().as_uri())
        page.wait_for_load_state("load")
        links = page.evaluate(f"() => ({PREVIEWED})().length")
        for _ in range(runs):
            for number in range(links):
                page.mouse.move(1, 899)
                page.wait_for_timeout(400)  # the previous card has gone
                box = page.evaluate(
                    f"""(n) => {{ const a = ({PREVIEWED})()[n];
                       a.scrollIntoView({{block: 'center'}});
                       const r = a.getClientRects()[0]; return [r.x + r.width / 2, r.y + r.height / 2]; }}""",
                    number,
                )
                before = page.evaluate("() => window.__shown.length")
                page.mouse.move(box[0], box[1])
                page.wait_for_function(f"() => window.__shown.length > {before}", timeout=5000)
                entered, shown = page.evaluate(
                    "() => [window.__entered.at(-1), window.__shown.at(-1)]"
                )
                times.append(shown - entered)
    return {
        "hovers": len(times),
        "median_ms": round(statistics.median(times), 1) if times else None,
        "max_ms": round(max(times), 1) if times else None,
        **preview_bytes(page_path),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path, help="a built article page")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.page, args.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
