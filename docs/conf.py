"""Sphinx configuration of the knowledge base."""

from __future__ import annotations

import os
import sys

# The extension lives in ../ext; installed with the project, but a plain
# checkout (sphinx-build without `pip install`) works too.
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "ext")))

from kb.core.version import __version__

project = "AI・半導体・クラウド 分析ナレッジベース"
# The EPUB (Read the Docs' formats: epub) needs a version and a copyright.
version = release = __version__
author = "ALLFORCES編集部"
copyright = "2025, ALLFORCES編集部"
language = "ja"

extensions = [
    "myst_parser",
    "sphinx_design",
    "kb",
]

source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "_data"]
root_doc = "index"

# No "substitution": it renders every page as an unsandboxed Jinja template,
# so `{{ 7*7 }}` in an article showed 49 and an expression could run Python
# on the build machine. Article text is only ever text.
myst_enable_extensions = ["colon_fence", "deflist", "attrs_inline"]
myst_heading_anchors = 3

html_theme = "furo"
html_title = "分析ナレッジベース"
# Read the Docs sets READTHEDOCS_CANONICAL_URL; kb uses it when this is empty.
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL", "")
if not html_baseurl:
    # A local preview has no public address: kb leaves out the feeds, sitemap and
    # social cards, which need absolute URLs, and says so once (kb.base_url); that
    # is expected here, so a strict local build does not count it.
    suppress_warnings = ["kb.base_url"]
html_static_path: list[str] = []
# Furo's own navigation renders the whole toctree into every page; kb's
# sidebar shows the sections and the page's neighbours instead.
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "kb/sidebar-nav.html",
        "sidebar/scroll-end.html",
    ]
}

kb_timezone = "Asia/Tokyo"
