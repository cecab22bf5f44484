"""kb's search beside stock Sphinx and Pagefind: time, bytes, recall and false hits.

    python -m benchmarks.search_bench                 # N=2,000 (full builds) and N=20,000
    python -m benchmarks.search_bench --large 0       # N=2,000 only
    python -m benchmarks.search_bench --runs 1        # one cold run per query

N=2,000: the corpus of ``benchmarks/generate.py``, built with Sphinx twice
(plain Sphinx with its own Japanese search, and kb), reusing the builds of
``benchmarks/run.py`` under ``benchmarks/work/n2000/build`` when they exist;
Pagefind (``pagefind-bin-extended`` from PyPI, installed on demand) indexes
the plain build's HTML. N=20,000: the same generator's articles, without a
Sphinx build: kb's index is written by :mod:`kb.search.store` from the
articles' text and served with the N=2,000 build's search page; Pagefind
indexes one plain HTML page per article. Stock Sphinx is not measured at
20,000 (its index would need a Sphinx build of 20,000 pages).

Each query is opened in a fresh browser context (cold cache) in headless
Chromium against a static server on 127.0.0.1. Measured in the page
(Resource Timing and a MutationObserver, so the browser's own clock):

* first result: the first item in the results list;
* first page: the first 20 items (or all, when fewer) listed with a snippet;
* bytes before the first result and for the first page: everything the
  search loads that an ordinary page of the site (``index.html``) does not,
  headers included; the search page's own HTML is not counted.

Recall and false hits come from the generator's text: an article is expected
when its title, front matter and body (markup removed), folded, contain every
part of the query; only article pages count. Results go to
``benchmarks/results/search.json`` and ``search.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import html
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlparse

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from benchmarks.generate import (
    DEFAULT_SEED,
    generate,
    glossary_names,
    make_article,
    tag_pool,
)
from benchmarks.readers_corpus import corpus_facets, write_facets
from benchmarks.search_timing import CHROMIUM, CHROMIUM_ARGS, code_stamp, serve
from kb.search.files import FOLDER, FORMAT, order_pages
from kb.search.pagekeys import PageRecord
from kb.search.store import write_full
from kb.search.tokenizer import query_parts

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

#: (query, kind): common and rare words, compounds, particles, Latin names, absent words.
QUERIES = [
    ("投資", "common word"),
    ("データセンター", "common compound"),
    ("ボトルネック", "katakana word"),
    ("計算資源", "compound"),
    ("先端パッケージング", "compound"),
    ("データセンターの電力", "particles"),
    ("NvidiaのGPU", "Latin + particle"),
    ("GPU", "Latin name"),
    ("Anthropic", "Latin name"),
    ("エヌビディア", "alias"),
    ("865億ドル", "rare number"),
    ("ナトリウムイオン電池", "absent word"),
    ("電力供給", "absent phrase"),
]
PAGE = 20
TIMEOUT_MS = 120_000

PROBE = """
try { performance.setResourceTimingBufferSize(100000); } catch (e) {}
window.__probe = { first: null, page: null, ended: null, done: null, facets: null, groups: null };
const __listed = () => {
  const data = document.body ? document.body.dataset : {};
  if (window.__engine === "kb") return data.kbFirstPage === "shown";
  if (window.__engine === "pagefind") return data.done === "1";
  const summary = document.querySelector("#search-results p.search-summary");
  return !!(summary && summary.textContent);
};
const __check = () => {
  const items = document.querySelectorAll("#search-results ul.search > li");
  const now = performance.now();
  if (items.length && window.__probe.first === null) window.__probe.first = now;
  const listed = __listed();
  if (window.__probe.page === null) {
    let withContext = 0;
    for (const item of Array.from(items).slice(0, __PAGE__)) if (item.querySelector("p.context")) withContext++;
    if (withContext >= __PAGE__) window.__probe.page = now;
    else if (listed && withContext === Math.min(items.length, __PAGE__)) window.__probe.page = now;
  }
  if (listed && window.__probe.ended === null) window.__probe.ended = now;
  // The count shown too (kb proves phrases for it after the first page).
  const data = document.body ? document.body.dataset : {};
  const done = window.__engine === "kb" ? data.kbSearch === "done" : listed;
  if (done && window.__probe.done === null) window.__probe.done = now;
  // kb: the filters' counts shown (their panel open).
  if (data.kbFacets === "shown" && window.__probe.facets === null) window.__probe.facets = now;
  // kb: every group of filters open and counted (those counted on demand opened).
  const groups = document.querySelectorAll("details.kb-facet");
  if (groups.length && window.__probe.groups === null && [...groups].every((g) => g.open && g.dataset.filled === "1"))
    window.__probe.groups = now;
};
new MutationObserver(__check).observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
""".replace("__PAGE__", str(PAGE))

PAGEFIND_PAGE = """<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>Pagefind</title></head>
<body><div id="search-results"><p class="search-summary"></p><ul class="search"></ul></div>
<script type="module">
const query = new URLSearchParams(location.search).get("q") || "";
const pagefind = await import("./pagefind/pagefind.js");
window.__pagefind = pagefind;
const search = await pagefind.search(query);
const list = document.querySelector("ul.search");
const datas = search.results.slice(0, 20).map((result) => result.data());
for (const pending of datas) {
  const data = await pending;
  const item = document.createElement("li");
  const link = item.appendChild(document.createElement("a"));
  link.href = data.url;
  link.textContent = data.meta.title;
  const context = item.appendChild(document.createElement("p"));
  context.className = "context";
  context.innerHTML = data.excerpt;
  list.appendChild(item);
}
document.querySelector("p.search-summary").textContent = `${search.results.length} results`;
window.__pagefindCount = search.results.length;
document.body.dataset.done = "1";
</script></body></html>
"""


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).lower())


# --- the corpus as the generator wrote it ------------------------------------------


_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def article_record(path: str, text: str) -> PageRecord:
    """A generated article as kb's search sees it, read straight from its Markdown."""
    match = _FRONT.match(text)
    assert match is not None
    front: dict[str, Any] = {}
    for line in match.group(1).splitlines():
        key, _, value = line.partition(":")
        value = value.strip()
        if value.startswith(("[", '"')):
            front[key] = json.loads(value)
        else:
            front[key] = value
    body = text[match.end() :]
    body = re.sub(r"\*\*", "", body)
    body = re.sub(r"^(#+|-) ", "", body, flags=re.M)
    lines = [line for line in body.splitlines() if line.strip()]
    date = dt.datetime.strptime(front["date"], "%Y-%m-%d %H:%M:%S +0000")
    docname = path.removesuffix(".md")
    return PageRecord(
        docname=docname,
        url=docname + ".html",
        title=front["title"],
        date=date.strftime("%Y-%m-%dT%H:%M:%S"),
        names=(*front.get("tags", []), *front.get("categories", []), front.get("author", "")),
        excerpt=front.get("excerpt", ""),
        body="\n".join(lines),
    )


def generated_records(n: int, seed: int, cache: Path | None = None) -> dict[str, PageRecord]:
    if cache is not None and cache.is_file():
        return {
            name: PageRecord.from_json(data)
            for name, data in json.loads(cache.read_text(encoding="utf-8")).items()
        }
    entries, tags = glossary_names(), tag_pool()
    records = {}
    for number in range(n):
        article = make_article(seed, number, entries, tags)
        record = article_record(article.path, article.text)
        records[record.docname] = record
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        data = {name: dataclasses.asdict(record) for name, record in records.items()}
        cache.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return records


def expected(records: dict[str, PageRecord], query: str, *, front_matter: bool = True) -> set[str]:
    """Articles containing every part of the query.

    Plain Sphinx shows no tags, categories, authors or excerpt on a page, so
    its search and Pagefind (which indexes its HTML) are held to the title
    and the body only (``front_matter=False``).
    """
    parts = [part.text for part in query_parts(query)]
    if not parts:
        return set()
    found = set()
    for name, record in records.items():
        text = record.text() if front_matter else record.title + "\n" + record.body
        folded = fold(text)
        if all(part in folded for part in parts):
            found.add(name)
    return found


# --- sites ------------------------------------------------------------------------------------


def sphinx_build(src: Path, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", "2"]
    command += ["-d", str(out.parent / "doctrees"), str(src), str(out)]
    with (out.parent / "build.log").open("w", encoding="utf-8") as log:
        subprocess.run(command, check=True, cwd=src, stdout=log, stderr=subprocess.STDOUT)


def ensure_pagefind() -> list[str]:
    if importlib.util.find_spec("pagefind_bin_extended") is None:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "pagefind-bin-extended"],
            check=True,
        )
    return [sys.executable, "-m", "pagefind_bin_extended"]


def pagefind_index(site: Path) -> None:
    shutil.rmtree(site / "pagefind", ignore_errors=True)
    subprocess.run(
        [*ensure_pagefind(), "--site", str(site), "--output-subdir", "pagefind", "--silent"],
        check=True,
    )
    (site / "pagefind-search.html").write_text(PAGEFIND_PAGE, encoding="utf-8")


def sites_2000(work: Path, n: int, seed: int) -> dict[str, Path]:
    corpus = work / f"n{n}"
    sources = {flavour: corpus / flavour for flavour in ("plain", "kb")}
    if not all((src / "conf.py").is_file() for src in sources.values()):
        generate(corpus, n, seed)
    sites = {}
    for flavour, src in sources.items():
        html_dir = corpus / "build" / flavour / "html"
        # A kb site built by other code would measure that code's search.
        stamp = corpus / "build" / flavour / "stamp.txt"
        wanted = code_stamp() if flavour == "kb" else "plain"
        built = (
            (html_dir / "search.html").is_file() and stamp.is_file() and stamp.read_text() == wanted
        )
        if not built:
            print(f"building {flavour} (N={n})", flush=True)
            shutil.rmtree(corpus / "build" / flavour, ignore_errors=True)
            sphinx_build(src, html_dir)
            stamp.write_text(wanted)
        sites[flavour] = html_dir
    if not (sites["plain"] / "pagefind" / "pagefind.js").is_file():
        print("pagefind on the plain build", flush=True)
        pagefind_index(sites["plain"])
    (sites["plain"] / "pagefind-search.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
    return sites


def _page_html(record: PageRecord) -> str:
    paragraphs = "".join(f"<p>{html.escape(line)}</p>\n" for line in record.body.splitlines())
    meta = "".join(f"<li>{html.escape(name)}</li>" for name in record.names)
    return (
        f'<!doctype html>\n<html lang="ja"><head><meta charset="utf-8">'
        f"<title>{html.escape(record.title)}</title></head><body><main>"
        f"<h1>{html.escape(record.title)}</h1><ul>{meta}</ul>"
        f"<p>{html.escape(record.excerpt)}</p>\n{paragraphs}</main></body></html>\n"
    )


def kb_site_large(
    work: Path, n: int, seed: int, kb_2000: Path | None, records: dict[str, PageRecord]
) -> Path:
    """kb's index and facets of N generated articles, written without a Sphinx build, with
    the search page, scripts and an ordinary page of the N=2,000 build."""
    kb_site = work / f"search-n{n}" / "kb"
    manifest = kb_site / FOLDER / "index.js"
    current = manifest.is_file() and f'"format":{FORMAT},' in manifest.read_text(encoding="utf-8")
    if not current or not (kb_site / FOLDER / "f" / "0.js").is_file():
        print(f"kb index and facets for N={n} (no Sphinx build)", flush=True)
        shutil.rmtree(kb_site, ignore_errors=True)
        kb_site.mkdir(parents=True)
        started = time.perf_counter()
        order = order_pages({name: record.date for name, record in records.items()})
        write_full(kb_site, order, records.__getitem__)
        write_facets(kb_site, order, corpus_facets(n, seed))
        print(f"  written in {time.perf_counter() - started:.0f} s", flush=True)
    if kb_2000 is not None:
        for name in ("search.html", "index.html", "searchindex.js"):
            shutil.copy2(kb_2000 / name, kb_site / name)
        shutil.rmtree(kb_site / "_static", ignore_errors=True)
        shutil.copytree(kb_2000 / "_static", kb_site / "_static")
    return kb_site


def sites_large(
    work: Path, n: int, seed: int, kb_2000: Path | None, records: dict[str, PageRecord]
) -> dict[str, Path]:
    kb_site = kb_site_large(work, n, seed, kb_2000, records)
    pf_site = work / f"search-n{n}" / "pagefind"
    if not (pf_site / "pagefind" / "pagefind.js").is_file():
        print(f"pagefind for N={n} (one plain page per article)", flush=True)
        shutil.rmtree(pf_site, ignore_errors=True)
        for name, record in records.items():
            target = pf_site / (name + ".html")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_page_html(record), encoding="utf-8")
        (pf_site / "index.html").write_text(
            '<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>top</title>'
            "</head><body><main><h1>top</h1></main></body></html>\n",
            encoding="utf-8",
        )
        pagefind_index(pf_site)
    (pf_site / "pagefind-search.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
    return {"kb": kb_site, "pagefind": pf_site}


# --- measuring in Chromium ---------------------------------------------------------------


def _path(url: str) -> str:
    return unquote(urlparse(url).path)


def baseline(browser: Any, base: str) -> set[str]:
    """Paths an ordinary page of the site loads (not counted as search bytes)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "index.html", wait_until="load")
    page.wait_for_timeout(300)
    paths = set(page.evaluate("performance.getEntriesByType('resource').map(e => e.name)"))
    context.close()
    return {_path(url) for url in paths}


def search_url(engine: str, base: str, query: str, extra: str = "") -> str:
    """The results page of a query; ``extra``: more of the address (``&tag=AI#kb-filters``)."""
    page = "pagefind-search.html" if engine == "pagefind" else "search.html"
    return f"{base}{page}?q={quote(query)}{extra}"


def time_query(
    browser: Any,
    engine: str,
    base: str,
    query: str,
    ordinary: set[str],
    extra: str = "",
    open_groups: bool = False,
) -> dict[str, Any]:
    """Time and bytes of one query in a fresh context; ``open_groups`` (kb, with the
    filters' panel open): then every group of filters is opened, and counted."""
    context = browser.new_context()
    # Requests seen by the browser context: Pagefind fetches from a worker,
    # which the page's Resource Timing does not see.
    finished: list[Any] = []
    context.on("requestfinished", lambda request: finished.append(request))
    page = context.new_page()
    page.add_init_script(f"window.__engine = {json.dumps(engine)};\n" + PROBE)
    page.goto(search_url(engine, base, query, extra), wait_until="commit")
    try:
        page.wait_for_function(
            "() => window.__probe && window.__probe.done !== null",
            timeout=TIMEOUT_MS,
            polling=20,
        )
    except PlaywrightTimeout:
        print(f"  {engine}: {query} did not finish in {TIMEOUT_MS} ms", flush=True)
    if open_groups:
        page.eval_on_selector_all(
            "details.kb-facet:not([open]) > summary", "all => all.forEach((s) => s.click())"
        )
        page.wait_for_function("() => window.__probe.groups !== null", timeout=TIMEOUT_MS)
    page.wait_for_timeout(50)
    probe = page.evaluate("window.__probe")
    origin = page.evaluate("performance.timeOrigin")
    entries = []
    for request in list(finished):
        path = _path(request.url)
        if path in ordinary or request.resource_type == "document":
            continue
        timing = request.timing
        sizes = request.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        entries.append((size, timing["startTime"] + timing["responseEnd"] - origin))
    context.close()
    first, full, done, facets = probe["first"], probe["page"], probe["done"], probe["facets"]
    groups = probe["groups"] if open_groups else None
    if full is None:
        full = probe["ended"]

    def loaded(until: float | None) -> int | None:
        if until is None:
            return None
        return sum(size for size, end in entries if end <= until + 1)

    return {
        "first_ms": round(first, 1) if first is not None else None,
        "page_ms": round(full, 1) if full is not None else None,
        "bytes_first": loaded(first if first is not None else full),
        "bytes_page": loaded(full),
        "done_ms": round(done, 1) if done is not None else None,
        "bytes_done": loaded(done),
        "facets_ms": round(facets, 1) if facets is not None else None,
        "bytes_facets": loaded(facets),
        "bytes_groups": loaded(groups),
    }


def answers(browser: Any, engine: str, base: str, query: str) -> list[str] | None:
    """Every page the engine answers with (paths relative to the site root)."""
    context = browser.new_context()
    page = context.new_page()
    if engine == "kb":
        page.goto(base + "index.html")
        page.wait_for_function("() => !!(window.KbSearch && window.KbSearch.session)")
        ids = page.evaluate("q => KbSearch.session(q).then(s => s.ids())", query)
        context.close()
        return [f"#{doc}" for doc in ids]
    if engine == "stock":
        page.goto(base + "search.html")
        page.wait_for_function("() => typeof Search !== 'undefined' && Search._index !== null")
        names = page.evaluate(
            "q => { const a = Search._parseQuery(q);"
            " return Search._performSearch(...a).map(r => r[0]); }",
            query,
        )
        context.close()
        return list(dict.fromkeys(names))
    page.goto(search_url(engine, base, query))
    page.wait_for_function("document.body.dataset.done === '1'", timeout=TIMEOUT_MS)
    urls = page.evaluate(
        "async q => { const s = await window.__pagefind.search(q); const out = [];"
        " for (let i = 0; i < s.results.length; i += 200) {"
        "  const batch = await Promise.all(s.results.slice(i, i + 200).map(r => r.data()));"
        "  out.push(...batch.map(d => d.url)); } return out; }",
        query,
    )
    context.close()
    return [unquote(urlparse(url).path).lstrip("/").removesuffix(".html") for url in urls]


def kb_docnames(site: Path) -> dict[int, str]:
    names = {}
    for path in (site / "kb-search" / "d").glob("*.js"):
        raw = path.read_text(encoding="utf-8")
        names[int(path.stem)] = json.loads(raw[raw.index(",") + 1 : raw.rindex(")")])["n"]
    return names


def measure(
    sites: dict[str, Path],
    records: dict[str, PageRecord],
    runs: int,
    *,
    recall_for: set[str],
) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for engine, site in sites.items():
                names = kb_docnames(site) if engine == "kb" else {}
                with serve(site) as base:
                    ordinary = baseline(browser, base)
                    rows = []
                    for query, kind in QUERIES:
                        # Stock Sphinx fetches every result page: one run is enough to see it.
                        count = 1 if engine == "stock" else runs
                        timings = [
                            time_query(browser, engine, base, query, ordinary) for _ in range(count)
                        ]
                        row: dict[str, Any] = {"query": query, "kind": kind}
                        for key in (
                            "first_ms",
                            "page_ms",
                            "bytes_first",
                            "bytes_page",
                            "done_ms",
                            "bytes_done",
                        ):
                            values = [t[key] for t in timings if t[key] is not None]
                            row[key] = statistics.median(values) if values else None
                        want = expected(records, query, front_matter=engine == "kb")
                        row["expected"] = len(want)
                        if engine in recall_for:
                            found = answers(browser, engine, base, query) or []
                            if engine == "kb":
                                found = [names[int(item[1:])] for item in found]
                            articles = {name for name in found if name.startswith("articles/")}
                            row["found"] = len(articles)
                            row["recall"] = (
                                round(len(articles & want) / len(want), 4) if want else None
                            )
                            row["false_hits"] = len(articles - want)
                        rows.append(row)
                        print(
                            f"  {engine:8} {query:12} {json.dumps(row, ensure_ascii=False)}",
                            flush=True,
                        )
                    out[engine] = rows
        finally:
            browser.close()
    return out


# --- report --------------------------------------------------------------------------------------


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def median(key: str) -> float | None:
        values = [row[key] for row in rows if row.get(key) is not None]
        return round(statistics.median(values), 1) if values else None

    result: dict[str, Any] = {
        key: median(key)
        for key in ("first_ms", "page_ms", "bytes_first", "bytes_page", "done_ms", "bytes_done")
    }
    with_recall = [row for row in rows if row.get("recall") is not None]
    if with_recall:
        found = sum(round(row["recall"] * row["expected"]) for row in with_recall)
        result["recall"] = round(found / sum(row["expected"] for row in with_recall), 4)
        result["false_hits"] = sum(row.get("false_hits", 0) for row in rows)
        absent = [row for row in rows if row["expected"] == 0]
        result["absent_answers"] = sum(row.get("found", 0) for row in absent)
    result["max_bytes_page"] = max((row["bytes_page"] or 0) for row in rows)
    return result


def _kb(value: float | None) -> str:
    return "–" if value is None else f"{value / 1000:,.0f} KB"


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} ms"


def markdown(results: dict[str, Any]) -> str:
    lines = [
        "# Search: kb, stock Sphinx and Pagefind",
        "",
        f"Generated by `benchmarks/search_bench.py` on {results['date']}; "
        f"{results['runs']} cold run(s) per query (stock Sphinx: one), medians over "
        f"{len(QUERIES)} queries; load average {results['load']}.",
        "Bytes: what the search loads beyond an ordinary page of the site, headers included. "
        "Recall and false hits: article pages, against the generator's text.",
        "",
        "| N | engine | first result | first page (20) | bytes before first result "
        "| bytes for first page | largest first page | count shown | bytes to count "
        "| recall | false hits | answers to absent queries |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, engines in results["sizes"].items():
        for engine, data in engines.items():
            s = data["summary"]
            recall = "–" if s.get("recall") is None else f"{s['recall']:.1%}"
            lines.append(
                f"| {int(size):,} | {engine} | {_ms(s['first_ms'])} | {_ms(s['page_ms'])} | "
                f"{_kb(s['bytes_first'])} | {_kb(s['bytes_page'])} | {_kb(s['max_bytes_page'])} | "
                f"{_ms(s.get('done_ms'))} | {_kb(s.get('bytes_done'))} | {recall} | {s.get('false_hits', '–')} | {s.get('absent_answers', '–')} |"
            )
    lines += ["", "## Per query", ""]
    for size, engines in results["sizes"].items():
        for engine, data in engines.items():
            lines += [
                f"### N = {int(size):,}, {engine}",
                "",
                "| query | kind | first result | first page | bytes first | bytes page "
                "| count shown | bytes to count | expected | found | false hits |",
                "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            ]
            for row in data["rows"]:
                lines.append(
                    f"| {row['query']} | {row['kind']} | {_ms(row['first_ms'])} | {_ms(row['page_ms'])} | "
                    f"{_kb(row['bytes_first'])} | {_kb(row['bytes_page'])} | "
                    f"{_ms(row.get('done_ms'))} | {_kb(row.get('bytes_done'))} | {row['expected']} | "
                    f"{row.get('found', '–')} | {row.get('false_hits', '–')} |"
                )
            lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="articles, built with Sphinx")
    parser.add_argument(
        "--large", type=int, default=20000, help="articles, no Sphinx build (0: skip)"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument("--engines", default="kb,stock,pagefind", help="engines to measure")
    parser.add_argument(
        "--merge", action="store_true", help="keep the other engines' rows of search.json"
    )
    args = parser.parse_args(argv)
    engines = set(args.engines.split(","))
    if not Path(CHROMIUM).exists():
        parser.error(f"{CHROMIUM} is missing: apt-get install chromium")
    results: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "runs": args.runs,
        "load": round(os.getloadavg()[0], 2),
        "queries": QUERIES,
        "sizes": {},
    }
    sites = sites_2000(args.work, args.n, args.seed)
    records = generated_records(args.n, args.seed, args.work / f"records-{args.n}.json")
    chosen = {"kb": sites["kb"], "stock": sites["plain"], "pagefind": sites["plain"]}
    measured = measure(
        {engine: site for engine, site in chosen.items() if engine in engines},
        records,
        args.runs,
        recall_for={"kb", "stock", "pagefind"},
    )
    results["sizes"][str(args.n)] = {
        engine: {"summary": summary(rows), "rows": rows} for engine, rows in measured.items()
    }
    if args.large:
        large_records = generated_records(
            args.large, args.seed, args.work / f"records-{args.large}.json"
        )
        large_sites = sites_large(args.work, args.large, args.seed, sites["kb"], large_records)
        measured = measure(
            {engine: site for engine, site in large_sites.items() if engine in engines},
            large_records,
            args.runs,
            recall_for={"kb"},
        )
        results["sizes"][str(args.large)] = {
            engine: {"summary": summary(rows), "rows": rows} for engine, rows in measured.items()
        }
    results["load_after"] = round(os.getloadavg()[0], 2)
    args.results.mkdir(parents=True, exist_ok=True)
    previous = args.results / "search.json"
    if args.merge and previous.is_file():
        old = json.loads(previous.read_text(encoding="utf-8"))
        for size, measured_engines in old["sizes"].items():
            for engine, data in measured_engines.items():
                results["sizes"].setdefault(size, {}).setdefault(engine, data)
    (args.results / "search.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (args.results / "search.md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
