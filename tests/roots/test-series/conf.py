"""test_series.py's project: a series of three parts written out of date order, and one
article outside it."""

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
