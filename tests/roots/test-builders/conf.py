"""test_builders.py's project: three articles, three glossary entries and a guide."""

from kbtesting import DEFAULT_CONF

# The settings every test project starts from (write_project writes the same text).
exec(DEFAULT_CONF)
# EPUB 3 wants a version and a copyright.
version = "1.0"
copyright = "2025, 編集部"
