"""Parallel reading sends back only what each reader read (kb.sphinx.parallelread).

Under -j, Sphinx forks a reader for each chunk of documents and merges the
environment each reader pickles back. A reader forked after earlier chunks were
merged used to carry them all back again; kb's readers now forget them first.
The site comes out as a one-process build makes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kb.sphinx import searchindex
from kbtesting import article, build, write_project

#: Enough articles for Sphinx to cut them into more chunks than it has readers
#: (60 documents, 2 processes: chunks of 17), so some readers fork after a merge.
ARTICLES = 60

#: A test extension in the project: records, in the main process, what each reader
#: sent back. Written into the project, so the forked readers load it too.
WATCH = '''
def note_merge(app, env, docnames, other):
    app.kb_test_merges.append({
        "chunk": sorted(docnames),
        "merged_before": sorted(set(env.all_docs) - set(docnames)),
        "tocs": sorted(other.tocs),
        "titles": sorted(other.titles),
        "metadata": sorted(other.metadata),
        "kb_articles": sorted(other.domaindata["kb"]["articles"]),
    })


def setup(app):
    app.kb_test_merges = []
    app.connect("env-merge-info", note_merge)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
'''

CONF = """
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
extensions.append("mergewatch")
"""


INDEX = """# テストKB

```{toctree}
:hidden:
glossary/index
```

```{kb-latest}
:count: 3
```
"""


def _project(root: Path) -> Path:
    pages = {
        f"articles/a{number:02d}.md": article(
            f"## 見出し{number}\n\n本文{number}。**Nvidia** と **H100** の話。\n\n[次へ](a{(number + 1) % ARTICLES:02d}.md)",
            title=f"記事{number}",
            date=f"2025-{number % 12 + 1:02d}-{number % 27 + 1:02d} 09:00:00 +0900",
            tags=[f"タグ{number % 5}", "AI"],
            categories=[f"分類{number % 3}"],
        )
        for number in range(ARTICLES)
    }
    src = write_project(root, pages, conf=CONF, index=INDEX, with_glossary=True)
    (src / "mergewatch.py").write_text(WATCH, encoding="utf-8")
    return src


def _pages(outdir: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(outdir)): path.read_bytes()
        for path in sorted(outdir.rglob("*"))
        # kb's manifest of its outputs (a dotfile) names the build's own folders.
        if path.is_file()
        and not path.name.startswith(".")
        and path.suffix in {".html", ".js", ".xml", ".json", ".md", ".txt"}
    }


def test_each_reader_sends_back_its_own_documents_only(tmp_path: Path) -> None:
    result = build(_project(tmp_path), parallel=2)
    assert result.warnings.strip() == ""
    merges = result.app.kb_test_merges
    late = [merge for merge in merges if merge["merged_before"]]
    # Sphinx forked some readers after others' documents were merged: those are
    # the readers that carried the merged documents back before.
    assert len(merges) >= 3 and late
    for merge in merges:
        chunk = set(merge["chunk"])
        for table in ("tocs", "titles", "metadata", "kb_articles"):
            assert set(merge[table]) <= chunk, (table, sorted(set(merge[table]) - chunk)[:5])
        assert {name for name in chunk if name.startswith("articles/")} <= set(merge["kb_articles"])
    # The main process holds every document.
    env = result.app.env
    articles = {f"articles/a{number:02d}" for number in range(ARTICLES)}
    assert articles <= set(env.tocs) and articles <= set(env.metadata)
    assert articles <= set(env.get_domain("kb").articles)


def test_a_parallel_build_writes_the_site_a_serial_build_writes(tmp_path: Path) -> None:
    serial = build(_project(tmp_path / "serial"), parallel=0)
    parallel = build(_project(tmp_path / "parallel"), parallel=2)
    assert serial.warnings.strip() == "" and parallel.warnings.strip() == ""
    one, two = _pages(serial.outdir), _pages(parallel.outdir)
    assert sorted(one) == sorted(two)
    differing = [name for name in one if one[name] != two[name]]
    assert differing == []
    assert all(parallel.exists(f"articles/a{number:02d}") for number in range(ARTICLES))
    assert parallel.html("articles/a07").select_one("h1").get_text().startswith("記事7")


def test_the_pages_writers_cut_the_search_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under -j the workers that write the pages make their search keys; the main
    process, which resolves every page one after the other, cuts almost none."""
    cut_here: list[str] = []
    original = searchindex.page_keys

    def counting(record: Any) -> Any:
        cut_here.append(record.docname)
        return original(record)

    monkeypatch.setattr(searchindex, "page_keys", counting)
    result = build(_project(tmp_path), parallel=2)
    assert result.warnings.strip() == ""
    # Sphinx writes the first page in the main process, to warm its caches up.
    assert len(cut_here) <= 1
    fresh = Path(result.app.doctreedir) / "kb-search" / "fresh-html"
    assert fresh.is_dir() and list(fresh.iterdir()) == []
    # Every article is in the index (its keys equal a serial build's: the test above).
    index_texts = "".join(
        path.read_text(encoding="utf-8") for path in (result.outdir / "kb-search").rglob("d/*.js")
    )
    for number in range(ARTICLES):
        assert f'"n":"articles/a{number:02d}"' in index_texts


def test_the_main_process_takes_the_keys_over_when_the_writers_fall_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past a backlog of pages resolved but not yet written, the main process makes the
    search keys itself (it keeps pace rather than piling doctrees up); the index is the
    one a serial build writes."""
    cut_here: list[str] = []
    original = searchindex.page_keys

    def counting(record: Any) -> Any:
        cut_here.append(record.docname)
        return original(record)

    serial = build(_project(tmp_path / "serial"), parallel=0)
    monkeypatch.setattr(searchindex, "page_keys", counting)
    monkeypatch.setattr(searchindex._Backlog, "BACKLOG_PAGES", 3)
    parallel = build(_project(tmp_path / "parallel"), parallel=2)
    assert parallel.warnings.strip() == ""
    # Sphinx resolves a chunk of 17 pages before it hands it to a worker: from the
    # fourth page of each chunk on, the main process is "behind".
    assert len(set(cut_here)) > 20
    one, two = _pages(serial.outdir / "kb-search"), _pages(parallel.outdir / "kb-search")
    assert one and one == two
