"""The readers' features of issue 21, measured: the search's bytes with its filters open,
keystroke latency, previews, and what the features cost a build.

    python -m benchmarks.readers_bench                     # everything (make bench)
    python -m benchmarks.readers_bench --only bytes,keys   # the browser figures alone
    python -m benchmarks.readers_bench --rounds 3          # build rounds, interleaved

Sites. N=2,000: the ``kb`` flavour of ``benchmarks/generate.py`` built by Sphinx (the
last full build of the build rounds, or one build when they do not run, redone when
kb's code changed). N=20,000: the same generator's articles, kb's index and facet files
written without a Sphinx build (``search_bench.kb_site_large``, ``readers_corpus``) and
served with the N=2,000 build's pages and scripts. The facets written that way are
compared with the N=2,000 build's own; the comparison is in the results.

Bytes, in headless Chromium (a fresh context per run, a static server on 127.0.0.1, no
compression, headers included; what ``index.html`` loads is not counted), with
``search_bench.time_query``: for each query of ``search_bench.QUERIES`` and a few
filtered addresses, opened with the filters' panel open (``#kb-filters``), so every
facet count is computed and shown: bytes before the first result, for the first page
(20 results with snippets) and for the first page with the facet counts shown.

Keystroke latency: on ``index.html``, loaded, with the search box focused (a warm
page), each query is typed a character at a time (Latin letters as key presses, others
as an input method commits them); for each keystroke, the time from its input event to
the first frame after the box's results for that text are in the page
(requestAnimationFrame, then a task). Median and 95th percentile of every keystroke.

Previews: ``preview_timing`` on the N=2,000 article with the most cards.
Build cost: ``readers_build`` (N=2,000, on/off interleaved, one process each).

Results: ``benchmarks/results/readers.json`` and ``readers.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

from benchmarks import readers_build, search_bench
from benchmarks.generate import DEFAULT_SEED, generate
from benchmarks.preview_timing import measure as preview_measure
from benchmarks.readers_corpus import compare, corpus_facets
from benchmarks.search_timing import CHROMIUM, chromium, code_stamp, serve

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PARTS = ("build", "bytes", "keys", "previews")
TARGETS = {"bytes_first": 200_000, "bytes_facets": 500_000, "keys_median_ms": 100.0}

#: Addresses with filters chosen (query, what it shows, the rest of the address).
FILTERED = [
    ("データセンター", "query + category", "&category=" + quote("半導体")),
    ("GPU", "query + year + tag", "&year=2024&tag=AI"),
    ("", "filters alone", "&category=" + quote("市場動向") + "&year=2025"),
]
PANEL = "#kb-filters"
BYTES = ("bytes_first", "bytes_page", "bytes_facets", "bytes_groups")

KEYS_PROBE = """
window.__keys = [];
document.addEventListener("input", (event) => {
  const box = event.target;
  if (!box.matches || !box.matches("input[name=q]") || !box.value) return;
  window.__keys.push({ value: box.value, at: event.timeStamp, painted: null });
}, true);
// The box's list says data-state="done" once the results of a run are in the page.
new MutationObserver((changes) => {
  for (const change of changes) {
    const list = change.target;
    if (list.dataset.state !== "done") continue;
    const box = list.closest("form").querySelector("input[name=q]");
    const key = [...window.__keys].reverse().find((k) => k.painted === null && k.value === box.value);
    if (key) requestAnimationFrame(() => setTimeout(() => { key.painted = performance.now(); }, 0));
  }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"] });
"""


# --- sites ------------------------------------------------------------------------------


def corpus(work: Path, n: int, seed: int) -> Path:
    source = work / f"n{n}" / "kb"
    if not (source / "conf.py").is_file():
        generate(work / f"n{n}", n, seed)
    return source


def site_2000(work: Path, source: Path) -> Path:
    """The last ``on`` build of the rounds, or one build of this code."""
    out = work / "readers" / "on"
    stamp = out / "stamp.txt"
    if not (stamp.is_file() and stamp.read_text() == code_stamp()):
        print("building the N=2,000 site", flush=True)
        row = readers_build.build_once(source, out, "on")
        print(f"  {json.dumps(row)}", flush=True)
        stamp.write_text(code_stamp())
    return out / "html"


# --- in Chromium ---------------------------------------------------------------------


def bytes_rows(browser: Any, site: Path, runs: int) -> list[dict[str, Any]]:
    cases = [(query, kind, "") for query, kind in search_bench.QUERIES] + FILTERED
    rows = []
    with serve(site) as base:
        ordinary = search_bench.baseline(browser, base)
        for query, kind, extra in cases:
            timings = [
                search_bench.time_query(
                    browser, "kb", base, query, ordinary, extra + PANEL, open_groups=True
                )
                for _ in range(runs)
            ]
            row: dict[str, Any] = {"query": query, "kind": kind, "address": extra}
            for key in ("first_ms", "page_ms", "facets_ms", *BYTES):
                values = [t[key] for t in timings if t[key] is not None]
                row[key] = statistics.median(values) if values else None
            rows.append(row)
            print(f"  {json.dumps(row, ensure_ascii=False)}", flush=True)
    return rows


def keystrokes(browser: Any, site: Path, gap_ms: int = 250) -> list[dict[str, Any]]:
    """Every keystroke of every query, typed into the box of a warm page."""
    found = []
    with serve(site) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.add_init_script(KEYS_PROBE)
        page.goto(base + "index.html")
        page.wait_for_load_state("load")
        box = page.locator("form input[name=q]:visible").first
        box.click()  # focus: the index's manifest is fetched
        page.wait_for_timeout(500)
        for query, kind in search_bench.QUERIES:
            box.fill("")
            page.wait_for_timeout(gap_ms)
            for char in query:
                count = page.evaluate("window.__keys.length")
                if char.isascii():
                    page.keyboard.press(char)
                else:
                    page.keyboard.insert_text(char)
                page.wait_for_function(
                    "n => window.__keys.length > n && window.__keys[n].painted !== null",
                    arg=count,
                    timeout=30_000,
                )
                page.wait_for_timeout(gap_ms)
            keys = page.evaluate("window.__keys")
            for key in keys[len(found) :]:
                found.append({"query": query, "kind": kind, "text": key["value"],
                              "ms": round(key["painted"] - key["at"], 1)})  # fmt: skip
        context.close()
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def previews(site: Path, runs: int) -> dict[str, Any]:
    articles = sorted((site / "articles").rglob("*.html"))
    best = max(
        articles, key=lambda path: path.read_text(encoding="utf-8").count("data-kb-preview=")
    )
    result = preview_measure(best, runs)
    result["page"] = best.relative_to(site).as_posix()
    return result


# --- report ------------------------------------------------------------------------------


def bytes_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    plain = [row for row in rows if not row["address"]]
    out: dict[str, Any] = {}
    for key in (*BYTES, "first_ms", "page_ms", "facets_ms"):
        values = [row[key] for row in plain if row[key] is not None]
        out[key] = round(statistics.median(values)) if values else None
        out["max_" + key] = max(values) if values else None
    return out


# Bytes and times written as search.md writes them.
_kb, _ms = search_bench._kb, search_bench._ms


def _met(value: float | None, limit: float) -> str:
    return "n/a" if value is None else ("met" if value <= limit else "missed")


def markdown(results: dict[str, Any]) -> str:
    lines = [
        "# Readers' features: the search's bytes with filters, keystrokes, previews, build cost",
        "",
        f"Generated by `benchmarks/readers_bench.py`, last run on {results['date']} (load "
        f"average {results['load']} before, {results.get('load_after', '–')} after; parts not "
        f"run then keep their figures), on {os.cpu_count()} CPUs shared with other work: times "
        "are inflated by it, bytes are not.",
        "",
    ]
    for size, data in results.get("sizes", {}).items():
        lines += _size_lines(int(size), data)
    if "facets_check" in results:
        check = results["facets_check"]
        same = all(
            not (v["only_generated"] or v["only_built"] or v["pages_differ"])
            for v in check.values()
        )
        lines += [
            "The N=20,000 facet files are written from the generated articles (no Sphinx build); "
            "the same code at N=2,000 gives "
            + ("exactly the values and pages of the real build's files." if same else
               f"differences from the real build: `{json.dumps(check)}`."),
            "",
        ]  # fmt: skip
    if "previews" in results:
        p = results["previews"]
        lines += [
            "## Previews (N=2,000, from file://)",
            "",
            f"`{p['page']}` (the article with the most cards): {p['hovers']} hovers, card shown "
            f"{_ms(p['median_ms'])} after the pointer entered the link (median; slowest "
            f"{_ms(p['max_ms'])}; 50 ms of it the rest the card waits for); the cards add "
            f"{p['cards_bytes'] / 1000:.1f} KB to the page ({p['page_bytes'] / 1000:.0f} KB), "
            f"kb-preview.js {p['script_bytes'] / 1000:.1f} KB and kb-preview.css "
            f"{p['style_bytes'] / 1000:.1f} KB once for the site. Targets: ≤ 10 KB, ≤ 100 ms.",
            "",
        ]
    if "build" in results:
        lines += _build_lines(results["build"])
    return "\n".join(lines) + "\n"


def _size_lines(size: int, data: dict[str, Any]) -> list[str]:
    lines = [f"## N = {size:,}", ""]
    if "bytes" in data:
        s = data["bytes"]["summary"]
        lines += [
            f"Results pages opened with the filters' panel open (`{PANEL}`): the counts of "
            "its groups open at first (category, author, year, month, and any with a value "
            "chosen), then of every group (the tags' and glossary entries' opened); medians "
            f"over the {len(search_bench.QUERIES)} queries of `search_bench.QUERIES` "
            f"(largest in brackets), 2 cold runs each; load average {data['bytes'].get('load', '–')}:",
            "",
            "| | before the first result | first page (20, snippets) "
            "| first page and the panel's counts | every group opened |",
            "|---|---:|---:|---:|---:|",
            "| bytes | "
            + " | ".join(f"{_kb(s[key])} ({_kb(s['max_' + key])})" for key in BYTES)
            + " |",
            f"| time | {_ms(s['first_ms'])} | {_ms(s['page_ms'])} | {_ms(s['facets_ms'])} | |",
            f"| target | ≤ 200 KB: {_met(s['bytes_first'], TARGETS['bytes_first'])} | | "
            f"≤ 500 KB: {_met(s['bytes_facets'], TARGETS['bytes_facets'])} "
            f"| ≤ 500 KB: {_met(s['bytes_groups'], TARGETS['bytes_facets'])} |",
            "",
            "| query | kind | address | bytes first | bytes page | bytes with counts "
            "| every group | counts shown |",
            "|---|---|---|---:|---:|---:|---:|---:|",
        ]
        for row in data["bytes"]["rows"]:
            lines.append(
                f"| {row['query'] or '–'} | {row['kind']} | `{row['address'] or ''}` | "
                + " | ".join(_kb(row.get(key)) for key in BYTES)
                + f" | {_ms(row['facets_ms'])} |"
            )
        lines.append("")
    if "keys" in data:
        k = data["keys"]["summary"]
        lines += [
            f"Keystroke to results painted (warm page, {k['keystrokes']} keystrokes over the "
            f"queries; load average {data['keys'].get('load', '–')}): median {_ms(k['median_ms'])}, 95th percentile {_ms(k['p95_ms'])}, "
            f"slowest {_ms(k['max_ms'])}; target median ≤ 100 ms: "
            f"{_met(k['median_ms'], TARGETS['keys_median_ms'])}.",
            "",
        ]
    return lines


def _build_lines(build: dict[str, Any]) -> list[str]:
    s = build["summary"]
    rows = build["runs"]
    features = ", ".join(f"{label} {cpu:.2f} s" for label, cpu in s["features_cpu"].items())
    lines = [
        f"## Build cost (N = {build['n']:,}, {len(rows['on'])} interleaved rounds, one process, `-E`)",
        "",
        "`on`: every feature; `off`: no previews, no 404 page, no facet files, no sections in "
        "the index's pages.",
        "",
        "| mean of the rounds | on | off | on − off | share of off | per round (median) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for key, label in (("cpu", "CPU (s)"), ("wall", "wall (s)")):
        f = s[key]
        lines.append(
            f"| {label} | {f['on']:.1f} | {f['off']:.1f} | {f['on_minus_off']:+.1f} | "
            f"{f['share']:+.1%} | {', '.join(f'{v:+.1%}' for v in f['round_shares'])} "
            f"({f['median_round_share']:+.1%}) |"
        )
    spread = max(
        max(row["cpu"] for row in rows[variant]) / min(row["cpu"] for row in rows[variant]) - 1
        for variant in rows
    )
    sections = s.get("sections", {})
    own = sum(s["features_cpu"].values()) + sections.get("sections_cpu", 0.0)
    off_cpu = s["cpu"]["off"]
    lines += [
        "",
        "On this machine, shared with other work, builds of the same code differ by up to "
        f"{spread:.0%} in CPU time from one round to the next: on − off is within that noise. "
        "What holds is the features' own time, measured inside the builds:",
        "",
        f"- their handlers in the `on` builds: {features} of CPU;",
        f"- the sections, noted while the index reads each page's text: "
        f"{sections.get('sections_cpu', 0.0):.2f} s for {sections.get('sections', 0):,} sections "
        f"of {sections.get('articles', 0):,} articles (that walk takes "
        f"{sections.get('with_cpu', 0.0):.2f} s with them, {sections.get('without_cpu', 0.0):.2f} s "
        "without, timed alternately in one process);",
        f"- together {own:.2f} s, {own / off_cpu:.1%} of the `off` builds' mean CPU time. "
        f"Target: ≤ 3%: {_met(own / off_cpu, 0.03)}.",
        "",
        "| round | variant | CPU (s) | wall (s) | load |",
        "|---:|---|---:|---:|---:|",
    ]
    for number, (on, off) in enumerate(zip(rows["on"], rows["off"], strict=True), 1):
        for name, row in (("on", on), ("off", off)):
            lines.append(
                f"| {number} | {name} | {row['cpu']:.1f} | {row['wall']:.1f} | {row['load']} |"
            )
    return [*lines, ""]


# --- main ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="articles, built with Sphinx")
    parser.add_argument("--large", type=int, default=20000, help="articles, index only (0: skip)")
    parser.add_argument("--only", default=",".join(PARTS), help=f"parts: {','.join(PARTS)}")
    parser.add_argument("--rounds", type=int, default=3, help="build rounds (on and off)")
    parser.add_argument("--runs", type=int, default=2, help="cold runs per address")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    parts = set(args.only.split(","))
    if parts - {"build"} and not Path(CHROMIUM).exists():
        parser.error(f"{CHROMIUM} is missing: apt-get install chromium")
    results_path = args.results / "readers.json"
    # Parts not run keep their last figures.
    results: dict[str, Any] = (
        json.loads(results_path.read_text(encoding="utf-8")) if results_path.is_file() else {}
    )
    results.update(date=dt.date.today().isoformat(), load=round(os.getloadavg()[0], 2))
    source = corpus(args.work, args.n, args.seed)
    if "build" in parts:
        runs = readers_build.rounds(source, args.work / "readers", args.rounds)
        (args.work / "readers" / "on" / "stamp.txt").write_text(code_stamp())
        summary = readers_build.summary(runs)
        summary["sections"] = readers_build.sections_cost(
            args.work / "readers" / "on" / "html" / ".doctrees"
        )
        results["build"] = {"n": args.n, "runs": runs, "summary": summary}
    sites = {args.n: site_2000(args.work, source)}
    if args.large and parts & {"bytes", "keys"}:
        records = search_bench.generated_records(
            args.large, args.seed, args.work / f"records-{args.large}.json"
        )
        sites[args.large] = search_bench.kb_site_large(
            args.work, args.large, args.seed, sites[args.n], records
        )
        names = search_bench.kb_docnames(sites[args.n])
        results["facets_check"] = compare(corpus_facets(args.n, args.seed), sites[args.n], names)
    results.setdefault("sizes", {})
    with chromium() as browser:
        for size, site in sites.items():
            data = results["sizes"].setdefault(str(size), {})
            if "bytes" in parts:
                print(f"bytes, N={size}", flush=True)
                load = round(os.getloadavg()[0], 2)
                rows = bytes_rows(browser, site, args.runs)
                data["bytes"] = {"rows": rows, "summary": bytes_summary(rows), "load": load}
            if "keys" in parts:
                print(f"keystrokes, N={size}", flush=True)
                keys = keystrokes(browser, site)
                times = [key["ms"] for key in keys]
                data["keys"] = {"keystrokes": keys, "load": round(os.getloadavg()[0], 2), "summary": {
                    "keystrokes": len(times), "median_ms": round(statistics.median(times), 1),
                    "p95_ms": percentile(times, 0.95), "max_ms": max(times)}}  # fmt: skip
    if "previews" in parts:
        results["previews"] = previews(sites[args.n], runs=3)
    results["load_after"] = round(os.getloadavg()[0], 2)
    args.results.mkdir(parents=True, exist_ok=True)
    results_path.write_text(
        json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (args.results / "readers.md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
