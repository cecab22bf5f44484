"""What the tests share: Sphinx's own test fixtures, Chromium, node, a local web server.

- Sphinx's ``app``/``make_app`` fixtures and ``@pytest.mark.sphinx("html", testroot="x")``
  build the small fixed projects under ``tests/roots/test-x/``; ``kbtesting`` writes and builds
  the projects a test makes up as it goes (see its docstring).
- ``browser``: one headless Chromium per test module, launched with the flags of
  ``benchmarks/search_timing.py`` (the benchmark's browser).
- ``node``: the node that runs kb-search.js in the JavaScript checks.
- ``http_server``: a server on 127.0.0.1 of the temporary folder where tests build, stopped
  when the module ends; as Read the Docs does, it answers a missing path with status 404
  and the ``404.html`` of the site the path lies in (the nearest one above it).

A missing Chromium or node skips its tests with the reason, except under CI (``CI=true``),
where .ci/run installs both and a missing one fails.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from benchmarks.search_timing import CHROMIUM, chromium, serve
from kbtesting import Server, missing

pytest_plugins = ["sphinx.testing.fixtures"]

ROOTS = Path(__file__).resolve().parent / "roots"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where Sphinx's ``testroot=`` names are found: tests/roots/test-<name>/."""
    return ROOTS


# The browser and the server live for a module, not the whole session: a process an
# extension forks during a later build and keeps (sphinx-sitemap starts a
# multiprocessing Manager) would hold Playwright's pipe to its driver open, and the
# session's end would wait for the driver forever.


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).is_file():
        missing(f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` runs the browser tests")
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        missing("node is not installed (`apt-get install -y nodejs`): kb-search.js cannot run")
    return found


@pytest.fixture(scope="module")
def http_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.getbasetemp().resolve()
    with serve(root, not_found_pages=True) as base:
        yield Server(root, base)
