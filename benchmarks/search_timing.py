"""Time from opening search.html?q=... to the first result, in headless Chromium.

    python -m benchmarks.search_timing _build/html [--query データセンター容量] [--runs 5]

Serves the built HTML folder on 127.0.0.1 (a random port, stopped at the
end), opens the search page with the query in its URL, and records when the
first result appears in the list (a MutationObserver in the page, so the
browser's own clock is used). Prints one JSON object: ``ms`` is the median
over the runs (``null`` when the query finds nothing); the size of
``searchindex.js`` comes with it (kb's is a stub: its index is chunked under
``kb-search/``, see ``search_bench.py`` for the bytes a query loads). Works for
kb's search and for Sphinx's own.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import http.server
import io
import json
import statistics
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from playwright.sync_api import Browser, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Installed before any page script runs: notes when the first result is listed, or
# when the summary line says the search ended (a query that finds nothing).
FIRST_RESULT_PROBE = """
window.__firstResult = null;
window.__searchEnded = null;
new MutationObserver((changes, observer) => {
  if (document.querySelector("#search-results ul.search li")) {
    window.__firstResult = performance.now();
    observer.disconnect();
  } else if (document.querySelector("#search-results p.search-summary")?.textContent) {
    window.__searchEnded = performance.now();
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true, characterData: true });
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _HostHandler(_QuietHandler):
    """A missing path answered as Read the Docs answers it: with status 404 and the site's
    ``404.html`` (the nearest one in the folders above the path), at any depth."""

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        page = None if path.exists() else _nearest_not_found(path, Path(self.directory))
        if page is None:
            return super().send_head()
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def code_stamp() -> str:
    """What a benchmark's kb build depends on: kb's code (a build of other code is redone)."""
    repo = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted((repo / "ext" / "kb").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(repo).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def _nearest_not_found(path: Path, root: Path) -> Path | None:
    root = root.resolve()
    for folder in path.parents:
        if not folder.resolve().is_relative_to(root):
            return None
        if (folder / "404.html").is_file():
            return folder / "404.html"
    return None


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that leaves a page drops the requests still in flight; that is no error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(root: Path, *, not_found_pages: bool = False) -> Iterator[str]:
    """A static server of ``root`` on 127.0.0.1; with ``not_found_pages``, a missing path
    gets the ``404.html`` of the site it lies in, as a host such as Read the Docs serves it."""
    handler_class = _HostHandler if not_found_pages else _QuietHandler
    handler = functools.partial(handler_class, directory=str(root))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium with the flags every measurement and test uses."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def measure(html_dir: Path, query: str, runs: int, timeout_ms: int = 30_000) -> dict[str, Any]:
    timings: list[float] = []
    empty = 0
    with serve(html_dir) as base, chromium() as browser:
        for _ in range(runs):
            # A fresh context per run: no cached index, as on a first visit.
            context = browser.new_context()
            page = context.new_page()
            page.add_init_script(FIRST_RESULT_PROBE)
            page.goto(f"{base}search.html?q={quote(query)}", wait_until="commit")
            page.wait_for_function(
                "window.__firstResult !== null || window.__searchEnded !== null",
                timeout=timeout_ms,
            )
            first = page.evaluate("window.__firstResult")
            if first is None:
                empty += 1
            else:
                timings.append(float(first))
            context.close()
    chunks = html_dir / "kb-search"
    return {
        # None when the query found nothing: there is no first result to time.
        "ms": round(statistics.median(timings), 1) if timings else None,
        "runs_without_results": empty,
        "runs_ms": [round(t, 1) for t in timings],
        "query": query,
        "searchindex_bytes": (html_dir / "searchindex.js").stat().st_size,
        "kb_search_files": sum(1 for _ in chunks.rglob("*.js")) if chunks.is_dir() else 0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("html_dir", type=Path, help="a built HTML folder (with search.html)")
    parser.add_argument("--query", default="データセンター容量")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if not (args.html_dir / "search.html").is_file():
        parser.error(f"{args.html_dir} has no search.html: build it with the html builder")
    print(json.dumps(measure(args.html_dir, args.query, args.runs), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
