"""What the readers' features cost a full build: with them and without, interleaved.

Each build is the ``kb`` flavour of ``benchmarks.generate`` at N articles, from scratch
(``-E``) in one process, in a fresh interpreter, as ``benchmarks/search_build_time.py``
builds. Rounds alternate the two variants (on, off, on, off …), so load from other work
on the machine falls on both alike:

* ``on``: the site as it is built, every feature on;
* ``off``: without the readers' features of issue 21: ``kb_previews = False``,
  ``kb_notfound_page = False``, and, as neither has a setting, no facet files and no
  sections in the index's page files (both switched off in the build's process).

The ``on`` builds also time the features' own handlers (CPU seconds): the previews'
(reading links, choosing the pages whose cards changed, writing the cards into each
page), the 404 page's, and the facets' (values of every article, their files). The
sections are read while the page's text is (:mod:`kb.sphinx.searchpages`), which no
handler of their own separates: only on − off shows them.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from docutils import nodes

from kb.sphinx import searchpages

VARIANTS = ("on", "off")

# Run in a fresh interpreter: argv = source, output folder, variant. Prints one JSON line.
BUILD = r"""
import functools, json, resource, sys, time
import kb.sphinx.notfound as notfound
import kb.sphinx.previews as previews
import kb.sphinx.searchindex as searchindex
import kb.sphinx.searchpages as searchpages

source, out, variant = sys.argv[1:4]
spent = {}
waited = {}

def add(label, cpu, wall):
    spent[label] = spent.get(label, 0.0) + time.process_time() - cpu
    waited[label] = waited.get(label, 0.0) + time.perf_counter() - wall

def timed(module, name, label):
    original = getattr(module, name)
    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            add(label, cpu, wall)
    setattr(module, name, wrapper)

def timed_pages(module, name, label):
    # An html-collect-pages handler is a generator: its own time is spent in next().
    original = getattr(module, name)
    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        pages = original(*args, **kwargs)
        while True:
            cpu, wall = time.process_time(), time.perf_counter()
            try:
                page = next(pages)
            except StopIteration:
                add(label, cpu, wall)
                return
            add(label, cpu, wall)
            yield page
    setattr(module, name, wrapper)

overrides = []
if variant == "on":
    for name in ("note_links", "pages_with_changed_cards", "add_previews"):
        timed(previews, name, "previews")
    timed(notfound, "absolute_page", "404 page")
    timed_pages(notfound, "collect_notfound", "404 page")
    timed(searchindex, "facet_files", "facets")
    timed(searchindex, "page_facets", "facets")
else:
    searchindex.facet_files = lambda order, pages: {}
    searchindex.page_facets = lambda app, docnames: {}
    with_sections = searchpages.body_text
    searchpages.body_text = lambda doctree: with_sections(doctree)._replace(sections=())
    overrides = ["-D", "kb_previews=0", "-D", "kb_notfound_page=0"]

from sphinx.cmd.build import build_main

wall, cpu = time.perf_counter(), time.process_time()
status = build_main(["-b", "html", "-E", "-q", *overrides, source, out])
row = {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "status": status}
# Processes the build started (a pool, a manager) count too.
children = resource.getrusage(resource.RUSAGE_CHILDREN)
row["children_cpu"] = children.ru_utime + children.ru_stime
row["features_cpu"] = {label: round(value, 3) for label, value in sorted(spent.items())}
row["features_wall"] = {label: round(value, 3) for label, value in sorted(waited.items())}
print(json.dumps(row))
"""


def build_once(source: Path, out: Path, variant: str) -> dict[str, Any]:
    shutil.rmtree(out, ignore_errors=True)
    done = subprocess.run(
        [sys.executable, "-c", BUILD, str(source), str(out / "html"), variant],
        capture_output=True,
        text=True,
        check=True,
    )
    row: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if row["status"] != 0:
        raise SystemExit(f"the {variant} build failed:\n{done.stderr[-2000:]}")
    html = out / "html"
    row["facet_files"] = len(list((html / "kb-search" / "f").glob("*.js")))
    row["has_404"] = (html / "404.html").is_file()
    row["load"] = round(os.getloadavg()[0], 2)
    return {
        key: round(value, 2) if isinstance(value, float) else value for key, value in row.items()
    }


def rounds(source: Path, work: Path, count: int) -> dict[str, list[dict[str, Any]]]:
    """``count`` rounds of both variants; the last ``on`` build stays in ``work/on/html``."""
    runs: dict[str, list[dict[str, Any]]] = {variant: [] for variant in VARIANTS}
    for number in range(count):
        # Which variant goes first alternates too: on, off, off, on, on, off …
        order = VARIANTS if number % 2 == 0 else VARIANTS[::-1]
        if number == count - 1:
            order = ("off", "on")  # the last build is the site the browser figures use
        for variant in order:
            row = build_once(source, work / variant, variant)
            runs[variant].append(row)
            print(f"  build {number + 1} {variant}: {json.dumps(row)}", flush=True)
    return runs


def summary(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Means of each variant, on − off as a share of off, and the features' own time."""

    def mean(variant: str, key: str) -> float:
        return statistics.mean(row[key] for row in runs[variant])

    result: dict[str, Any] = {}
    for key in ("cpu", "wall"):
        on, off = mean("on", key), mean("off", key)
        result[key] = {
            "on": round(on, 2),
            "off": round(off, 2),
            "on_minus_off": round(on - off, 2),
            "share": round((on - off) / off, 4),
            # Paired by round: the spread of the difference, so noise shows beside it.
            "round_shares": [
                round((a[key] - b[key]) / b[key], 4)
                for a, b in zip(runs["on"], runs["off"], strict=True)
            ],
        }
        result[key]["median_round_share"] = statistics.median(result[key]["round_shares"])
    labels = sorted({label for row in runs["on"] for label in row["features_cpu"]})
    features = {
        label: round(statistics.mean(row["features_cpu"].get(label, 0.0) for row in runs["on"]), 3)
        for label in labels
    }
    result["features_cpu"] = features
    result["features_share"] = round(sum(features.values()) / mean("off", "cpu"), 4)
    result["features_wall"] = {
        label: round(
            statistics.mean(row.get("features_wall", {}).get(label, 0.0) for row in runs["on"]), 3
        )
        for label in labels
    }
    return result


def sections_cost(doctrees: Path, passes: int = 3) -> dict[str, Any]:
    """CPU seconds the sections add to reading the articles' text for the index.

    The sections are noted while :func:`kb.sphinx.searchpages.body_text` walks a page
    (no handler of their own), so the walk over every article's doctree of a build is
    timed in this process with and without them, a page at a time, alternating: in the
    walk without, no node is a section (``nodes.section`` stands for a class no node
    has). Mean of ``passes`` passes over every article.
    """

    class _NoNode(nodes.Element):
        pass

    trees = [
        pickle.loads(path.read_bytes())
        for path in sorted((doctrees / "articles").rglob("*.doctree"))
    ]
    spent = {"with": 0.0, "without": 0.0}
    sections = 0
    real = nodes.section
    for number in range(passes):
        for tree in trees:
            cpu = time.process_time()
            found = searchpages.body_text(tree)
            spent["with"] += time.process_time() - cpu
            sections += len(found.sections) if number == 0 else 0
            nodes.section = _NoNode
            try:
                cpu = time.process_time()
                searchpages.body_text(tree)
                spent["without"] += time.process_time() - cpu
            finally:
                nodes.section = real
    return {
        "articles": len(trees),
        "sections": sections,
        "with_cpu": round(spent["with"] / passes, 3),
        "without_cpu": round(spent["without"] / passes, 3),
        "sections_cpu": round((spent["with"] - spent["without"]) / passes, 3),
    }
