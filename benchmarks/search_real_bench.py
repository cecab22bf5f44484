"""kb's search on real text: recall, false hits and bytes per query kind; build time.

    PYTHONPATH=tests python -m benchmarks.search_real_bench                  # the real corpus in Chromium, N=2,000 in node
    PYTHONPATH=tests python -m benchmarks.search_real_bench --before DIR     # also N=2,000 with the kb of another checkout
    PYTHONPATH=tests python -m benchmarks.search_real_bench --generated 0    # the real corpus only

The real corpus is tests/search_real (Debian's Japanese manuals, the seed
post, kb's glossary), built with Sphinx; the truth is the built pages' text
read by tests/search_oracle.py. Every query of tests/search_real/corpus.py,
and 300 pieces cut from the pages' text, is opened on the search page in a
fresh Chromium context: the pages answered (``KbSearch.session(q).ids()``)
against the truth, and the bytes loaded (as benchmarks/search_bench.py counts
them: beyond an ordinary page, headers included) until the first page of 20
is listed and until the exact count is shown.

N=2,000: the generated articles of benchmarks/generate.py indexed without
Sphinx (kb.search.store), the engine of kb-search.js run in node over the
files (tests/test_search_index.py's harness): bytes of index files a query
loads until its exact count, plus the 20 page files of its first results, and
the CPU time to write the index (``--repeat`` times, interleaved with the
other checkout's). With ``--before`` the same is measured with another
checkout's kb (its store and its kb-search.js), for a before/after comparison.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.generate import DEFAULT_SEED
from benchmarks.search_bench import QUERIES as GENERATED_QUERIES
from benchmarks.search_bench import answers, baseline, generated_records, kb_docnames, time_query
from benchmarks.search_timing import CHROMIUM, CHROMIUM_ARGS, serve

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

#: Queries of issue 24 asked of the generated corpus too.
EXACT_QUERIES = ["H100", "GB200", "10月", "865億ドル", "3nm", "A/B", "=>", "define_method"]


def build_real(work: Path) -> tuple[Any, float]:
    from kbtesting import build
    from search_real.corpus import write_real_corpus

    shutil.rmtree(work, ignore_errors=True)
    src = write_real_corpus(work)
    started = time.perf_counter()
    site = build(src)
    return site, time.perf_counter() - started


def measure_real(work: Path, runs: int, pieces: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from search_oracle import holds
    from search_real.corpus import QUERIES, random_queries, texts
    from test_search_browser import indexed_docnames

    site, seconds = build_real(work / "real")
    truth = texts(site, indexed_docnames(site))
    queries = [(kind, query) for kind, listed in QUERIES.items() for query in listed]
    queries += [("piece", query) for query in random_queries(truth, pieces)]
    names = kb_docnames(site.outdir)
    rows = []
    with sync_playwright() as playwright, serve(site.outdir) as base:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ordinary = baseline(browser, base)
        for kind, query in queries:
            timings = [time_query(browser, "kb", base, query, ordinary) for _ in range(runs)]
            found = {names[int(item[1:])] for item in answers(browser, "kb", base, query) or []}
            expected = {name for name, text in truth.items() if holds(text, query)}
            row = {"kind": kind, "query": query, "expected": len(expected)}
            row["found"] = len(found & expected)
            row["false_hits"] = len(found - expected)
            for key in ("bytes_page", "bytes_done", "page_ms", "done_ms"):
                values = [t[key] for t in timings if t[key] is not None]
                row[key] = statistics.median(values) if values else None
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
        browser.close()
    return {
        "pages": len(truth),
        "characters": sum(len(text) for text in truth.values()),
        "build_s": round(seconds, 1),
        "rows": rows,
    }


# --- N=2,000 without Sphinx, in node -------------------------------------------------------


def _write_index(checkout: Path, records: Path, out_dir: Path) -> float:
    """CPU seconds ``checkout``'s kb takes to write the index of the records (a fresh process)."""
    script = (
        "import json, time\n"
        "from kb.search.store import write_full\n"
        "try:\n"
        "    from kb.search.files import order_pages\n"
        "    from kb.search.pagekeys import PageRecord\n"
        "except ImportError:  # a kb from before kb.search.store was cut in three\n"
        "    from kb.search.store import PageRecord, order_pages\n"
        f"data = json.load(open({str(records)!r}, encoding='utf-8'))\n"
        "from dataclasses import fields\n"
        "known = {f.name for f in fields(PageRecord)}\n"
        "records = {name: PageRecord(**{k: tuple(x) if k == 'names' else x"
        " for k, x in v.items() if k in known}) for name, v in data.items()}\n"
        "order = order_pages({k: r.date for k, r in records.items()})\n"
        "t = time.process_time()\n"
        f"write_full(__import__('pathlib').Path({str(out_dir)!r}), order, records.__getitem__)\n"
        "print(time.process_time() - t)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        check=True,
        capture_output=True,
        text=True,
        # That checkout's kb, ahead of the one installed here.
        env={**os.environ, "PYTHONPATH": str(checkout / "ext")},
    )
    return float(result.stdout)


def write_times(
    checkouts: dict[str, Path], n: int, work: Path, repeat: int
) -> dict[str, list[float]]:
    """Index-writing CPU seconds of each checkout, ``repeat`` times, interleaved."""
    records = work / f"records-{n}.json"
    generated_records(n, DEFAULT_SEED, records)
    times: dict[str, list[float]] = {label: [] for label in checkouts}
    for _ in range(repeat):
        for label, checkout in checkouts.items():
            out_dir = Path(tempfile.mkdtemp(dir=work))
            times[label].append(round(_write_index(checkout, records, out_dir), 2))
            shutil.rmtree(out_dir)
    return times


def measure_generated(checkout: Path, n: int, work: Path) -> dict[str, Any]:
    """Write the index of ``n`` generated articles with ``checkout``'s kb; query it in node."""
    records_cache = work / f"records-{n}.json"
    generated_records(n, DEFAULT_SEED, records_cache)
    out_dir = Path(tempfile.mkdtemp(dir=work))
    seconds = _write_index(checkout, records_cache, out_dir)
    index = out_dir / "kb-search"
    size = sum(path.stat().st_size for path in index.rglob("*.js"))
    from test_search_index import run_engine

    queries = [query for query, _ in GENERATED_QUERIES] + EXACT_QUERIES
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is not installed (apt-get install -y nodejs): N=2,000 runs in node")
    found = run_engine(node, index, queries, checkout / "ext" / "kb" / "static" / "kb-search.js")
    rows = [
        {
            "query": query,
            "count": len(answer["answer"]),
            "bytes": answer["bytes"],
            "by_text": answer["exact"] is None,
        }
        for query, answer in zip(queries, found, strict=True)
    ]
    shutil.rmtree(out_dir)
    return {
        "write_s": round(seconds, 1),
        "index_bytes": size,
        "rows": rows,
        "median_bytes": statistics.median(row["bytes"] for row in rows[: len(GENERATED_QUERIES)]),
    }


# --- report ------------------------------------------------------------------------------------


def _spread(values: list[float]) -> str:
    """Mean ± standard deviation (each run) of a few timings."""
    if len(values) == 1:
        return f"{values[0]:.1f}"
    runs = ", ".join(f"{value:.1f}" for value in values)
    return f"{statistics.mean(values):.1f} ± {statistics.stdev(values):.1f} ({runs})"


def _kb(value: float | None) -> str:
    return "–" if value is None else f"{value / 1000:,.0f} KB"


def markdown(results: dict[str, Any]) -> str:
    lines = [
        "# Search on real text (issue 24)",
        "",
        f"Generated by `benchmarks/search_real_bench.py` on {results['date']}; load average "
        f"{results['load']}.",
        "",
    ]
    real = results.get("real")
    if real:
        lines += [
            f"Real corpus: {real['pages']} pages, {real['characters']:,} characters of text; "
            f"Sphinx build {real['build_s']} s. Bytes: beyond an ordinary page, headers included "
            "(median per kind).",
            "",
            "| kind | queries | pages expected | found | recall | false hits "
            "| bytes, first page | bytes to the count | largest to the count |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        kinds = dict.fromkeys(row["kind"] for row in real["rows"])
        for kind in kinds:
            rows = [row for row in real["rows"] if row["kind"] == kind]
            expected = sum(row["expected"] for row in rows)
            found = sum(row["found"] for row in rows)
            recall = f"{found / expected:.1%}" if expected else "–"
            page = [row["bytes_page"] for row in rows if row["bytes_page"] is not None]
            done = [row["bytes_done"] for row in rows if row["bytes_done"] is not None]
            lines.append(
                f"| {kind} | {len(rows)} | {expected} | {found} | {recall} | "
                f"{sum(row['false_hits'] for row in rows)} | "
                f"{_kb(statistics.median(page) if page else None)} | "
                f"{_kb(statistics.median(done) if done else None)} | {_kb(max(done, default=None))} |"
            )
        lines.append("")
    for label, data in results.get("generated", {}).items():
        lines += [
            f"## N = {results['n']:,} generated articles, index only ({label})",
            "",
            f"Index written in {_spread(data.get('write_cpu_s', [data['write_s']]))} s of CPU; "
            f"{data['index_bytes'] / 1e6:.1f} MB; median "
            f"bytes per query (the 13 queries of search_bench.py, to the exact count plus 20 page "
            f"files): {_kb(data['median_bytes'])}.",
            "",
            "| query | pages | bytes | proven by |",
            "|---|---:|---:|---|",
        ]
        for row in data["rows"]:
            proof = "text" if row["by_text"] else "index"
            lines.append(f"| {row['query']} | {row['count']} | {_kb(row['bytes'])} | {proof} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--pieces", type=int, default=300)
    parser.add_argument("--generated", type=int, default=2000, help="articles (0: skip)")
    parser.add_argument("--before", type=Path, help="another checkout of kb to compare")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="index writes per checkout, interleaved, for the CPU time",
    )
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "load": round(os.getloadavg()[0], 2),
        "n": args.generated,
    }
    if not args.skip_real:
        results["real"] = measure_real(args.work, args.runs, args.pieces)
    if args.generated:
        checkouts = {"this checkout": REPO}
        if args.before is not None:
            checkouts["before"] = args.before
        times = write_times(checkouts, args.generated, args.work, args.repeat)
        results["generated"] = {}
        for label, checkout in checkouts.items():
            data = measure_generated(checkout, args.generated, args.work)
            results["generated"][label] = {**data, "write_cpu_s": times[label]}
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "search-real.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (args.results / "search-real.md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
