"""Tag, category, author and date indexes; feeds; incremental and parallel builds."""

from __future__ import annotations

import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kbtesting import article, build, plain, text_of, write_project

ATOM = "{http://www.w3.org/2005/Atom}"
SPHINX_GLOBALS = {"search.html", "genindex.html", "searchindex.js", "objects.inv", ".buildinfo"}


def test_seed_is_on_its_tag_and_category_pages(tmp_path):
    from kbtesting import REPO

    seed = next((REPO / "docs" / "articles" / "2025" / "11").glob("*.md")).read_text(
        encoding="utf-8"
    )
    result = build(write_project(tmp_path, {"articles/2025/11/seed.md": seed}))
    for tag in ["AI", "最新ニュース", "技術動向", "OpenAI", "投資", "チップ", "エージェント"]:
        term = result.domain.taxonomy.term("tag", tag)
        page = result.html(term.pagename)
        assert "OpenAIの1.4兆ドル投資" in page.select_one(".kb-list").get_text(), tag
    page = result.html("categories/投資分析")
    item = page.select_one(".kb-item")
    assert "2025年11月7日" in item.get_text() and "約8分" in item.get_text()
    assert "詳細に分析します" in item.select_one(".kb-item-excerpt").get_text()
    # the article's other tags are shown, linked
    assert "エージェント" in text_of(item, ".kb-item-tags a")[0] or any(
        "エージェント" in t for t in text_of(item, ".kb-item-tags a")
    )
    overview = result.html("tags/index")
    rows = {
        r.select("td")[0].get_text(): r.select("td")[1].get_text()
        for r in overview.select("table.kb-terms tbody tr")
    }
    assert rows["AI"] == "1" and len(rows) == 7
    assert result.exists("authors/allforces編集部") and result.exists("archive/2025/11")


def test_spellings_merge_and_most_used_spelling_wins(tmp_path):
    files = {
        "articles/2025/01/a.md": article(title="A", tags=["AI"]),
        "articles/2025/01/b.md": article(title="B", tags=["ai"]),
        "articles/2025/01/c.md": article(title="C", tags=["ＡＩ"]),
        "articles/2025/01/d.md": article(title="D", tags=["AI", "データ"]),
        "articles/2025/01/e.md": article(title="E", tags=["テータ"]),
    }
    result = build(write_project(tmp_path, files))
    page = result.html("tags/ai")
    assert page.find("h1").get_text().startswith("タグ: AI")
    assert len(page.select(".kb-item")) == 4
    # dakuten are kept: データ and テータ are two tags on two pages
    assert result.exists("tags/データ") and result.exists("tags/テータ")
    assert len(result.html("tags/データ").select(".kb-item")) == 1


def test_collisions_get_distinct_pages_and_a_warning(tmp_path):
    files = {
        "articles/2025/01/a.md": article(title="A", tags=["C", "a.b"]),
        "articles/2025/01/b.md": article(title="B", tags=["C++", "a b"]),
        "articles/2025/01/c.md": article(title="C", tags=["C#", "Python"]),
        "articles/2025/01/d.md": article(title="D", tags=["python"]),
    }
    result = build(write_project(tmp_path, files))
    pages = {t.name: t.pagename for t in result.domain.taxonomy.sorted_terms("tag")}
    assert len(set(pages.values())) == len(pages) == 6
    assert (
        pages["C"] == "tags/c"
        and pages["C++"] == "tags/c-plus-plus"
        and pages["C#"] == "tags/c-sharp"
    )
    assert "[kb.slug_collision]" in result.warnings and "a-b" in result.warnings
    assert len(result.html(pages["Python"]).select(".kb-item")) == 2


def test_traversal_stays_inside_the_output_folder(tmp_path):
    files = {
        "articles/2025/01/a.md": article(
            title="A", tags=["../../etc/passwd", "/abs", "..", "🎉"], author="../../x"
        )
    }
    result = build(write_project(tmp_path, files))
    outdir = result.outdir.resolve()
    for path in tmp_path.rglob("*.html"):
        assert str(path.resolve()).startswith(str(outdir)) or "src" in path.parts
    names = [t.pagename for t in result.domain.taxonomy.sorted_terms("tag")]
    for name in names:
        assert result.page_path(name).resolve().is_relative_to(outdir)
        assert ".." not in name.split("/")
    assert not (tmp_path / "etc").exists()


def test_taxonomy_file_sets_slug_name_and_description(tmp_path):
    files = {
        "articles/2025/01/a.md": article(title="A", tags=["機械学習"], categories=["市場"]),
        "_data/taxonomy.yaml": "tags:\n  機械学習:\n    slug: ml\n    name: 機械学習 (ML)\n    description: 学習の話。\n",
    }
    result = build(write_project(tmp_path, files))
    page = result.html("tags/ml")
    assert "機械学習 (ML)" in page.find("h1").get_text()
    assert "学習の話。" in page.select_one(".kb-description").get_text()


def test_feeds_parse_as_atom_newest_first_with_escaped_titles(tmp_path):
    files = {
        "articles/2025/01/a.md": article(
            title="古い <b>記事</b> & more", date="2025-01-01", tags=["AI"]
        ),
        "articles/2025/02/b.md": article(title="新しい記事", date="2025-02-01", tags=["AI"]),
        "articles/2025/03/c.md": article(
            title="下書き", date="2025-03-01", tags=["AI"], draft=True
        ),
    }
    result = build(write_project(tmp_path, files))
    for feed in ["feeds/atom.xml", "feeds/tags/ai.xml"]:
        root = ET.parse(result.outdir / feed).getroot()
        assert root.tag == f"{ATOM}feed"
        titles = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
        assert titles == ["新しい記事", "古い <b>記事</b> & more"]
        links = [e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")]
        assert all(link.startswith("https://kb.example.org/articles/") for link in links)
    raw = (result.outdir / "feeds/atom.xml").read_text(encoding="utf-8")
    assert "&lt;b&gt;" in raw and "<b>" not in raw


def test_directives_on_the_home_page(tmp_path):
    index = """# ホーム

```{kb-latest}
:count: 2
```

```{kb-category-cards}
```

```{kb-tag-cloud}
```

```{kb-list}
:tag: ai
```
"""
    files = {
        "index.md": index,
        "articles/2025/01/a.md": article(
            title="一", date="2025-01-01", tags=["AI"], categories=["分析"]
        ),
        "articles/2025/02/b.md": article(
            title="二", date="2025-02-01", tags=["チップ"], categories=["分析"]
        ),
        "articles/2025/03/c.md": article(
            title="三", date="2025-03-01", tags=["ＡＩ"], categories=["速報"]
        ),
    }
    result = build(write_project(tmp_path, files))
    page = result.html("index")
    cards = page.select(".kb-card .sd-card-title")
    assert [c.get_text() for c in cards] == ["三", "二"]
    term_cards = {
        c.select_one(".sd-card-title").get_text(): c.select_one(".kb-count").get_text()
        for c in page.select(".kb-term-card")
    }
    assert term_cards == {"分析": "2件の記事", "速報": "1件の記事"}
    cloud = page.select(".kb-tag-cloud a")
    sizes = {a.get_text(): a["style"] for a in cloud}
    assert sizes["AI"] != sizes["チップ"]
    listed = text_of(page, ".kb-list .kb-item-title")
    assert listed == ["三", "一"]


@pytest.mark.slow
def test_pagination_of_a_large_tag(tmp_path):
    files = {
        f"articles/2024/01/a{i:03d}.md": article(
            title=f"記事{i:03d}", date=f"2024-01-01T00:{i // 60:02d}:{i % 60:02d}", tags=["大"]
        )
        for i in range(120)
    }
    result = build(
        write_project(tmp_path, files, index=None),
        confoverrides={"kb_page_size": 50, "root_doc": "articles/2024/01/a000"},
    )
    first = result.html("tags/大")
    assert len(first.select(".kb-item")) == 50
    assert first.select_one(".kb-item-title").get_text() == "記事119"
    assert (
        result.exists("tags/大/2") and result.exists("tags/大/3") and not result.exists("tags/大/4")
    )
    assert len(result.html("tags/大/3").select(".kb-item")) == 20
    assert first.select_one(".kb-pagination")


def test_incremental_tag_change_rewrites_exactly_the_pages_concerned(tmp_path):
    files = {
        "articles/2025/01/a.md": article(title="A", tags=["残る", "消える"]),
        "articles/2025/01/b.md": article(title="B", tags=["残る", "別"]),
        "articles/2025/01/c.md": article(title="C", tags=["無関係"]),
    }
    src = write_project(tmp_path, files)
    first = build(src)
    stamps = {
        p: first.page_path(p).stat().st_mtime_ns
        for p in ["tags/別", "tags/残る", "tags/消える", "articles/2025/01/c"]
    }
    assert first.exists("tags/消える")
    os.utime(first.page_path("tags/別"), ns=(1, 1))  # make rewrites visible
    stamps["tags/別"] = 1
    (src / "articles/2025/01/a.md").write_text(
        article(title="A", tags=["残る", "新しい"]), encoding="utf-8"
    )
    second = build(src)
    assert re.search(r"(?m) 0 added, 1 changed, 0 removed$", plain(second.status))
    assert not second.exists("tags/消える")  # no stale page
    assert second.exists("tags/新しい")
    assert second.page_path("tags/別").stat().st_mtime_ns == 1  # untouched
    assert "A" in second.html("tags/新しい").get_text()
    overview = second.html("tags/index").get_text()
    assert "消える" not in overview and "新しい" in overview
    # c shares nothing with a: its related and neighbour content did not change
    assert second.page_path("articles/2025/01/c").stat().st_mtime_ns == stamps["articles/2025/01/c"]


def test_noop_rebuild_writes_nothing(tmp_path):
    src = write_project(tmp_path, {"articles/2025/01/a.md": article(tags=["AI"])})
    first = build(src)

    def ours() -> dict[Path, int]:
        # Sphinx itself rewrites its search page, general index and inventory on
        # every run; every page and feed kb writes must stay untouched.
        return {
            p: p.stat().st_mtime_ns
            for p in first.outdir.rglob("*")
            if p.is_file() and p.name not in SPHINX_GLOBALS and "_static" not in p.parts
        }

    before = ours()
    sources = {p: p.stat().st_mtime_ns for p in src.rglob("*") if p.is_file()}
    build(src)
    assert before == ours()
    assert sources == {p: p.stat().st_mtime_ns for p in src.rglob("*") if p.is_file()}


def _html_files(outdir: Path) -> dict[str, str]:
    return {
        str(p.relative_to(outdir)): p.read_text(encoding="utf-8")
        for p in outdir.rglob("*.html")
        if "_static" not in p.parts
    }


def test_parallel_build_equals_serial(tmp_path):
    files = {
        f"articles/2025/{1 + i % 3:02d}/a{i}.md": article(
            title=f"記事{i}",
            date=f"2025-{1 + i % 3:02d}-{1 + i:02d}",
            tags=[f"t{i % 4}", "共通"],
            categories=[f"c{i % 2}"],
            author=f"著者{i % 3}",
        )
        for i in range(12)
    }
    serial = build(write_project(tmp_path / "one", files), parallel=1)
    parallel = build(write_project(tmp_path / "two", files), parallel=2)
    one, two = _html_files(serial.outdir), _html_files(parallel.outdir)
    assert one.keys() == two.keys()
    different = [name for name in one if one[name] != two[name]]
    assert different == []


def test_build_leaves_git_status_clean(tmp_path):
    src = write_project(tmp_path, {"articles/2025/01/a.md": article(tags=["AI"])})
    (tmp_path / ".gitignore").write_text("_build/\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "x"],
        cwd=tmp_path,
        check=True,
    )
    build(src)
    build(src)
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert status.stdout == ""


def test_ref_to_generated_pages(tmp_path):
    files = {
        "articles/2025/01/a.md": article(tags=["AI"]),
        "about.md": "# About\n\n{ref}`kb-tag-ai` と {ref}`一覧 <kb-tags>` と {ref}`kb-archive-2025-01`\n",
        "index.md": "# Home\n\n```{toctree}\nabout\n```\n",
    }
    files["articles/2025/01/a.md"] = article(tags=["AI"], date="2025-01-05")
    result = build(write_project(tmp_path, files))
    links = result.html("about").select("article a.reference")
    hrefs = {a.get_text(): a["href"] for a in links}
    assert hrefs["タグ: AI"] == "tags/ai.html"
    assert hrefs["一覧"] == "tags/index.html"
    assert hrefs["2025年1月の記事"] == "archive/2025/01.html"
    assert "undefined label" not in result.warnings


def test_sphinx_tags_directive_keeps_working(tmp_path):
    conf = "extensions.append('sphinx_tags')\ntags_create_tags = True\ntags_create_badges = True\n"
    files = {
        "index.md": "# Home\n\n```{toctree}\npage\n```\n",
        "page.md": "# 普通のページ\n\n```{tags} Python, 設計\n```\n\n本文。\n",
        "articles/2025/01/a.md": article(title="記事", tags=["python"]) + "\n```{tags} 追加\n```\n",
    }
    src = write_project(tmp_path, files, conf=conf)
    result = build(src)
    assert not (src / "_tags").exists()  # nothing written into the source tree
    python = result.html("tags/python")
    assert {"普通のページ", "記事"} <= set(text_of(python, ".kb-item-title"))
    assert "記事" in text_of(result.html("tags/追加"), ".kb-item-title")
    badges = result.html("page").select("p.tags a .sd-badge")
    assert [b.get_text() for b in badges] == ["Python", "設計"]


def test_related_articles_follow_tag_changes_on_incremental_builds(tmp_path):
    files = {
        "articles/2025/01/a.md": article(title="A", date="2025-01-03", tags=["共有"]),
        "articles/2025/01/b.md": article(title="B", date="2025-01-02", tags=["共有"]),
        "articles/2025/01/c.md": article(title="C", date="2025-01-01", tags=["別"]),
    }
    src = write_project(tmp_path, files)
    first = build(src)
    assert text_of(first.html("articles/2025/01/a"), ".kb-related .kb-item-title") == ["B"]
    (src / "articles/2025/01/c.md").write_text(
        article(title="C", date="2025-01-01", tags=["共有"]), encoding="utf-8"
    )
    second = build(src)
    assert text_of(second.html("articles/2025/01/a"), ".kb-related .kb-item-title") == ["B", "C"]
    (src / "articles/2025/01/c.md").write_text(
        article(title="C", date="2025-01-01", tags=["共有"], body="本文だけ変えた。"),
        encoding="utf-8",
    )
    third = build(src)
    assert text_of(third.html("articles/2025/01/a"), ".kb-related .kb-item-title") == ["B", "C"]
