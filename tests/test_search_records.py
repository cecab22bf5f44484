"""The records kb keeps beside the doctrees for the next build's search index update.

Each page's record holds its whole text, so it is kept deflated; a doctrees folder
of the layout before (``pages-html/*.json``, plain) is indexed from scratch and its
files are removed, never read as if they were current.
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from pathlib import Path

from kbtesting import Build, article, build, write_project

OLD_WORD = "旧語彙ムラサキ"
NEW_WORD = "新語彙ミドリ"


def _project(tmp_path: Path) -> Path:
    return write_project(
        tmp_path,
        {
            "articles/first.md": article(f"{OLD_WORD}の話。", title="一つ目"),
            "articles/second.md": article("二つ目の本文。", title="二つ目", date="2025-11-08"),
        },
    )


def _records(doctrees: Path) -> dict[str, dict[str, object]]:
    found = {}
    for path in (doctrees / "kb-search" / "records-html").glob("*.json.z"):
        record = json.loads(zlib.decompress(path.read_bytes()).decode("utf-8"))
        found[record["docname"]] = record
    return found


def _page_text(result: Build, docname: str) -> str:
    """The text the index's page file holds for ``docname`` (what snippets are cut from)."""
    for path in (result.outdir / "kb-search" / "d").glob("*.js"):
        script = path.read_text(encoding="utf-8")
        data = json.loads(re.search(r"^KbSearch\.page\(\d+,(.*)\);$", script.strip()).group(1))
        if data["n"] == docname:
            return zlib.decompress(base64.b64decode(data["z"]), -15).decode("utf-8")
    raise AssertionError(f"no page file for {docname}")


def test_records_are_kept_deflated_with_the_page_text(tmp_path: Path) -> None:
    src = _project(tmp_path)
    result = build(src)
    assert result.warnings.strip() == ""
    doctrees = Path(result.app.doctreedir)
    records = _records(doctrees)
    assert set(records) >= {"articles/first", "articles/second", "index"}
    assert OLD_WORD in str(records["articles/first"]["body"])
    assert not (doctrees / "kb-search" / "pages-html").exists()


def test_a_doctrees_folder_of_the_old_layout_is_indexed_anew(tmp_path: Path) -> None:
    src = _project(tmp_path)
    first = build(src)
    doctrees = Path(first.app.doctreedir)
    # Turn the records into the layout before ENV_VERSION 6: plain JSON in pages-html.
    old = doctrees / "kb-search" / "pages-html"
    old.mkdir()
    for path in (doctrees / "kb-search" / "records-html").glob("*.json.z"):
        name = path.name.removesuffix(".z")
        (old / name).write_bytes(zlib.decompress(path.read_bytes()))
        path.unlink()
    (doctrees / "kb-search" / "records-html").rmdir()
    page = src / "articles" / "first.md"
    page.write_text(page.read_text(encoding="utf-8").replace(OLD_WORD, NEW_WORD), "utf-8")
    # A new ENV_VERSION makes Sphinx read every page again, as a fresh environment does.
    second = build(src, fresh=True)
    assert second.warnings.strip() == ""
    assert not list(old.glob("*.json"))
    records = _records(doctrees)
    assert NEW_WORD in str(records["articles/first"]["body"])
    assert set(records) >= {"articles/first", "articles/second"}
    text = _page_text(second, "articles/first")
    assert NEW_WORD in text and OLD_WORD not in text
