"""A rebuild writes what its edit changed and nothing else (issue 23).

Real builds of a small site, compared file by file (modification times) before
and after: a no-op rebuild writes none of kb's files, a body edit that leaves
the article's record alone writes no other page, and a tag added to one
article rewrites only the search files that hold its names, while search and
facets answer for the new tag.
"""

from __future__ import annotations

import json
from pathlib import Path

from kb.search.facets import FACETS
from kb.search.files import FOLDER, IndexState, bucket_of
from kb.search.pagekeys import PageRecord, page_keys
from kb.sphinx.searchindex import _Cache
from kbtesting import Build, article, build, write_project
from test_search_index import run_engine

OLD = "articles/2024/01/old.md"
NEW = "articles/2025/11/new.md"
OTHER = "articles/2025/10/other.md"


def _stamps(folder: Path) -> dict[str, int]:
    return {
        path.relative_to(folder).as_posix(): path.stat().st_mtime_ns
        for path in folder.rglob("*")
        if path.is_file()
    }


def _changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {path for path, stamp in after.items() if before.get(path) != stamp}


def _kb_files(site: Build) -> set[str]:
    manifest = json.loads((site.outdir / ".kb-outputs.json").read_text(encoding="utf-8"))
    return set(manifest["files"])


def _pages(site: Build) -> dict[str, str]:
    """Output path of each document's page -> its document."""
    return {
        site.page_path(doc).relative_to(site.outdir).as_posix(): doc
        for doc in site.app.env.found_docs
    }


def _project(tmp_path: Path) -> Path:
    # NVIDIA in all three bodies: its entry lists the newest article in full and
    # the two others in one line each (kb_page_size = 1).
    return write_project(
        tmp_path,
        {
            OLD: article(
                title="古い記事", date="2024-01-10", tags=["半導体"], body="NVIDIAの古い話。"
            ),
            OTHER: article(
                title="別の記事", date="2025-10-01", tags=["半導体", "AI"], body="NVIDIAの別の話。"
            ),
            NEW: article(
                title="新しい記事", date="2025-11-01", tags=["AI"], body="NVIDIAの新しい話。"
            ),
        },
        conf="kb_page_size = 1\n",
        with_glossary=True,
    )


def test_a_noop_rebuild_writes_none_of_kbs_files_and_no_page(tmp_path: Path) -> None:
    src = _project(tmp_path)
    first = build(src)
    before = _stamps(first.outdir)
    second = build(src)
    changed = _changed(before, _stamps(second.outdir))
    assert not changed & _kb_files(second)
    assert not changed & set(_pages(second))
    assert "0 added, 0 changed, 0 removed" in second.status


def _rebuilt(tmp_path: Path, path: str, **fields: object) -> tuple[Build, Build, set[str]]:
    """The site built, ``path`` written again with ``fields``, built again; the files
    the second build wrote."""
    src = _project(tmp_path)
    first = build(src)
    before = _stamps(first.outdir)
    (src / path).write_text(article(**fields), encoding="utf-8")
    second = build(src)
    return first, second, _changed(before, _stamps(second.outdir))


def test_a_body_edit_that_keeps_the_record_writes_only_its_own_page(tmp_path: Path) -> None:
    # A sentence more: same title, names, mentions and reading time.
    _, second, changed = _rebuilt(
        tmp_path,
        OTHER,
        title="別の記事",
        date="2025-10-01",
        tags=["半導体", "AI"],
        body="NVIDIAの別の話。追記です。",
    )
    assert not second.domain.lists_changed
    assert {doc for path, doc in _pages(second).items() if path in changed} == {
        "articles/2025/10/other"
    }
    kb_changed = changed & _kb_files(second)
    # Its Markdown copy and the search files of its new words; no list, feed or card.
    assert all(
        path.startswith(f"{FOLDER}/") or path.endswith(".md") for path in kb_changed
    ), kb_changed
    assert "追記です" in second.html("articles/2025/10/other").get_text()


def test_a_tag_added_rewrites_the_search_files_of_its_names_only(
    tmp_path: Path, node: str
) -> None:
    first, second, changed = _rebuilt(
        tmp_path,
        OLD,
        title="古い記事",
        date="2024-01-10",
        tags=["半導体", "量子計算"],
        body="NVIDIAの古い話。",
    )
    state_path = Path(first.app.doctreedir) / "kb-search" / "state-html.json"
    # Read after the edit: an update keeps the ids and the bucket counts.
    state = IndexState.from_json(state_path.read_text(encoding="utf-8"))
    page_id = state.order.index("articles/2024/01/old")
    search = {path[len(FOLDER) + 1 :] for path in changed if path.startswith(f"{FOLDER}/")}
    assert f"d/{page_id}.js" in search
    assert f"f/{FACETS.index('tag')}.js" in search
    # Chunks: only those of keys of the new name (its postings, and the positions
    # of the names, which come after the body and the other fields).
    new_keys = page_keys(_record(second, "articles/2024/01/old"))
    name_keys = new_keys.fields[1]
    allowed = {f"t/{bucket_of(key, state.postings_buckets)}.js" for key in name_keys} | {
        f"x/{bucket_of(key, state.positions_buckets)}.js" for key in name_keys
    }
    chunks = {path for path in search if path.startswith(("t/", "x/"))}
    assert chunks and chunks <= allowed
    assert len(chunks) < (state.postings_buckets + state.positions_buckets) // 4
    # No entry page lists the article in full: none was written again.
    assert not {
        doc for path, doc in _pages(second).items() if path in changed and "glossary" in doc
    }
    # The search finds the new tag, on that article only, and the facet counts it.
    (answer,) = run_engine(node, second.outdir / FOLDER, ["量子計算"])
    assert answer["exact"] == [page_id]
    facet = (second.outdir / FOLDER / "f" / f"{FACETS.index('tag')}.js").read_text(
        encoding="utf-8"
    )
    assert "量子計算" in facet
    assert "量子計算" in second.html("tags/index").get_text()


def _record(site: Build, docname: str) -> PageRecord:
    """The search record kb kept for ``docname`` beside the doctrees."""
    record = _Cache(site.app).load(docname)
    assert record is not None, f"no search record kept for {docname}"
    return record
