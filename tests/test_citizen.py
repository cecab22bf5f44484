"""kb in a project that is not only kb's: it adds its own and changes nothing else.

A project without articles builds ``-W`` clean and gets nothing of kb's on its
pages; a project without a base URL gets one warning only when it has articles
that need one; no page links a file that was not written.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from kbtesting import REPO, article, build, write_project

PLAIN_CONF = """
extensions = ["myst_parser", "kb"]
project = "Plain"
language = "ja"
html_theme = "alabaster"
exclude_patterns = ["_build"]
"""

PLAIN_FILES = {
    "index.md": "# ホーム\n\n本文。\n\n```{toctree}\nguide\nreference\n```\n",
    "guide.md": "# 案内\n\nMyST のページ。\n",
    "reference.rst": "参照\n====\n\nreStructuredText のページ。\n",
}


def _project(tmp_path: Path, files: dict[str, str], conf: str) -> Path:
    src = write_project(tmp_path, files, index=None)
    (src / "conf.py").write_text(conf, encoding="utf-8")
    return src


def _local_links(page: Path, outdir: Path) -> list[tuple[str, Path]]:
    """(href, file it names) of each local link and resource of a page."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    found = []
    for element in soup.select("[href], [src]"):
        value = element.get("href") or element.get("src")
        parts = urlsplit(value)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        found.append((value, (page.parent / unquote(parts.path)).resolve()))
    return found


def test_a_project_without_articles_gets_nothing_of_kbs(tmp_path):
    result = build(_project(tmp_path, PLAIN_FILES, PLAIN_CONF))
    assert result.warnings.strip() == ""
    out = result.outdir
    for name in ("tags", "categories", "authors", "archive", "feeds", "kb-search", "_kb"):
        assert not (out / name).exists(), name
    for name in ("robots.txt", "sitemap.xml", "glossary"):
        assert not (out / name).exists(), name
    for page in ("index.html", "guide.html", "reference.html"):
        html = (out / page).read_text(encoding="utf-8")
        assert "kb.css" not in html and "kb.js" not in html and "kb-search" not in html, page
        assert "sphinx-design" not in html and "design-tabs" not in html, page
        assert "og:site_name" not in html and "application/atom+xml" not in html, page
    # Sphinx's own search is left in charge: its index holds the words of the pages.
    assert "reference" in (out / "searchindex.js").read_text(encoding="utf-8")


def test_base_url_is_asked_for_only_when_articles_need_it(tmp_path):
    without = build(_project(tmp_path / "a", PLAIN_FILES, PLAIN_CONF))
    assert "base_url" not in without.warnings
    files = {**PLAIN_FILES, "articles/2025/11/a.md": article(tags=["AI"])}
    with_articles = build(_project(tmp_path / "b", files, PLAIN_CONF))
    assert with_articles.warnings.count("[kb.base_url]") == 1
    out = with_articles.outdir
    assert not (out / "feeds").exists() and not (out / "sitemap.xml").exists()
    tag_page = (out / "tags" / "ai.html").read_text(encoding="utf-8")
    assert "atom" not in tag_page.lower()


def test_no_feed_without_a_dated_article(tmp_path):
    conf = PLAIN_CONF + 'html_baseurl = "https://example.org/"\n'
    files = {**PLAIN_FILES, "guide.md": "# 案内\n\n```{tags} AI\n```\n"}
    result = build(_project(tmp_path, files, conf))
    assert result.warnings.strip() == ""
    out = result.outdir
    assert (out / "tags" / "ai.html").is_file()  # a page filed under a tag is listed
    assert not (out / "feeds").exists()  # but nothing is dated: no feed from 1970
    assert "application/atom+xml" not in (out / "tags" / "ai.html").read_text(encoding="utf-8")


def test_kbs_own_docs_link_only_to_files_that_were_written(tmp_path):
    """kb's docs without html_baseurl (a local ``make html``): no feed is written,
    and no page links one, nor any other file that is not there."""
    result = build(REPO / "docs", builddir=tmp_path / "_build")
    assert "WARNING" not in result.warnings.replace("[kb.base_url]", "")
    out = result.outdir
    assert not (out / "feeds").exists()
    missing = []
    for page in sorted(out.rglob("*.html")):
        for href, target in _local_links(page, out):
            if not target.exists():
                missing.append(f"{page.relative_to(out)} -> {href}")
    assert missing == []


def test_kbs_assets_are_on_kbs_pages_only_with_their_checksum(tmp_path):
    files = {
        **PLAIN_FILES,
        "articles/2025/11/a.md": article(tags=["AI"]),
        "latest.md": "---\norphan: true\n---\n# 最新\n\n```{kb-latest}\n```\n",
    }
    conf = PLAIN_CONF.replace('"kb"]', '"kb"]\nhtml_baseurl = "https://example.org/"')
    src = _project(tmp_path, files, conf)
    first = build(src)
    assert first.warnings.strip() == ""
    out = first.outdir

    def assets(page: str) -> list[str]:
        html = (out / page).read_text(encoding="utf-8")
        return sorted(re.findall(r'(?:href|src)="[./]*_static/(kb[^"]*)"', html))

    for page in ("articles/2025/11/a.html", "latest.html", "tags/ai.html"):
        found = assets(page)
        assert [name.split("?")[0] for name in found if "search" not in name] == [
            "kb-glossary.css",
            "kb-graph.css",
            "kb.css",
            "kb.js",
        ], page
        assert all(re.search(r"\?v=[0-9a-f]{8}$", name) for name in found), found
    assert [name for name in assets("guide.html") if "search" not in name] == []
    clean = {page: assets(page) for page in ("articles/2025/11/a.html", "tags/ai.html")}
    (src / "articles/2025/11/a.md").write_text(
        article("本文を直した。", tags=["AI"]), encoding="utf-8"
    )
    build(src)
    assert {page: assets(page) for page in clean} == clean
