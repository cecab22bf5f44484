"""test_builders.py's project: three articles, three glossary entries and a guide."""

extensions = ["myst_parser", "sphinx_design", "kb"]
project = "テストKB"
language = "ja"
html_theme = "furo"
html_baseurl = "https://kb.example.org/"
exclude_patterns = ["_build", "_data"]
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "kb/sidebar-nav.html",
        "sidebar/scroll-end.html",
    ]
}
# EPUB 3 wants a version and a copyright.
version = "1.0"
copyright = "2025, 編集部"
