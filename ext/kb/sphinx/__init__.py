"""The Sphinx-facing layer: the only package that imports Sphinx, docutils, Jinja or MyST."""
