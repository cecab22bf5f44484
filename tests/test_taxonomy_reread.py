"""An edit of the taxonomy file reads every article again, with one look at the file per build.

The articles used to note the file as a Sphinx dependency each: Sphinx then
looked at it once per article on every build and pickled one path per article.
kb now compares the file's modification time and size once per build
(``env-get-outdated``); these tests hold what the dependency gave: an edit of
the file reads the articles again (and their pages show its names), a build
after no edit reads nothing.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from kbtesting import article, build, write_project

TAXONOMY = "_data/taxonomy.yaml"
ARTICLES = ("articles/2025/09/a.md", "articles/2025/10/b.md")


def _read_again(status: str) -> set[str]:
    """The documents a build's status says it read."""
    plain = re.sub(r"\x1b\[[\d;]*m", "", status)
    return set(re.findall(r"reading sources\.\.\. \[[ \d]+%\] (\S+)", plain))


def _site(tmp_path: Path) -> Path:
    files = {
        path: article(title=f"記事{n}", date=f"2025-{9 + n}-01", tags=["AI"], body="本文。")
        for n, path in enumerate(ARTICLES)
    }
    files[TAXONOMY] = "tags:\n  AI:\n    description: 人工知能全般。\n"
    return write_project(tmp_path, files)


def test_taxonomy_edit_reads_every_article_again(tmp_path: Path) -> None:
    src = _site(tmp_path)
    first = build(src)
    dependencies = {os.fspath(path) for paths in first.app.env.dependencies.values() for path in paths}
    assert not any(path.endswith("taxonomy.yaml") for path in dependencies)

    assert _read_again(build(src).status) == set()

    (src / TAXONOMY).write_text("tags:\n  AI:\n    name: 人工知能\n", encoding="utf-8")
    edited = build(src)
    assert _read_again(edited.status) == {path[:-3] for path in ARTICLES}
    meta = edited.html(ARTICLES[0][:-3]).select_one(".kb-article-meta")
    assert meta is not None and "人工知能" in meta.get_text()

    assert _read_again(build(src).status) == set()


def test_taxonomy_file_removed_reads_every_article_again(tmp_path: Path) -> None:
    src = _site(tmp_path)
    build(src)
    (src / TAXONOMY).unlink()
    assert _read_again(build(src).status) == {path[:-3] for path in ARTICLES}
    assert _read_again(build(src).status) == set()
