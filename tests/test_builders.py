"""Every builder Read the Docs and users run: the knowledge base in each format.

html and dirhtml are covered everywhere else; here: singlehtml (one page, every
link inside it), epub (well-formed XHTML, a reading order with the articles),
latex (a book with the articles by month and the glossary), text and linkcheck
(no warning). Each build runs with warnings collected, as ``-W`` would count them.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from kbtesting import Build, built

OLDER = "古い記事の見出し"
NEWER = "新しい記事の見出し"
MIDDLE = "真ん中の記事"

# The project is tests/roots/test-builders (three articles, three glossary entries, a
# guide), built afresh by each test with the builder its marker names.
pytestmark = pytest.mark.sphinx(testroot="builders", freshenv=True)


def _kb_warnings(warnings: str) -> str:
    return warnings.strip()


# --- singlehtml --------------------------------------------------------------------------


@pytest.mark.sphinx("singlehtml")
def test_singlehtml_holds_every_article_and_every_link_lands_inside(app: SphinxTestApp) -> None:
    result = built(app)
    assert result.warnings.strip() == ""
    page = BeautifulSoup((result.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    ids = {element["id"] for element in page.select("[id]")}
    for title in (OLDER, MIDDLE, NEWER, "Nvidia", "GPU"):
        assert any(h.get_text().startswith(title) for h in page.select("h1, h2, h3, h4")), title
    body = page.select_one("[role=main]") or page.body
    # kb's links: glossary mentions, its lists and bylines (Sphinx 9's own
    # cross-document {ref} in singlehtml reads "#document-x#label", not kb's to fix).
    kb_links = body.select("a.kb-entry-link[href], .no-search a[href]")
    assert len(kb_links) > 10
    for link in kb_links:
        href = link["href"]
        if href.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = href.partition("#")
        if path:
            assert (result.outdir / unquote(path)).is_file(), href
        if anchor:
            assert unquote(anchor) in ids, href
    # The latest list links the articles inside the page; tags are names only.
    latest = [a["href"] for a in body.select(".kb-item-title a")][:3]
    assert latest == [
        "#document-articles/2025/11/newer",
        "#document-articles/2025/11/middle",
        "#document-articles/2025/09/older",
    ]
    assert body.select(".kb-badges .kb-tag") and not body.select(".kb-badges a")
    # No search index and no website files: a single page has no server side.
    for name in ("kb-search", "feeds", "sitemap.xml", "robots.txt", "_kb"):
        assert not (result.outdir / name).exists(), name


# --- epub ---------------------------------------------------------------------------------


@pytest.mark.sphinx("epub")
def test_epub_is_well_formed_xhtml_with_the_articles_in_date_order(app: SphinxTestApp) -> None:
    result = built(app)
    assert result.warnings.strip() == ""
    epub = next(result.outdir.glob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        names = archive.namelist()
        pages = [name for name in names if name.endswith(".xhtml")]
        assert pages
        for name in pages:
            ElementTree.fromstring(archive.read(name))  # raises on malformed XHTML
        opf = ElementTree.fromstring(archive.read("content.opf"))
    ns = {"opf": "http://www.idpf.org/2007/opf"}
    hrefs = {item.get("id"): unquote(item.get("href")) for item in opf.iterfind(".//opf:item", ns)}
    spine = [
        (hrefs[ref.get("idref")], ref.get("linear", "yes"))
        for ref in opf.iterfind(".//opf:itemref", ns)
    ]
    linear = [href for href, flag in spine if flag != "no"]
    articles = [href for href in linear if href.startswith("articles/")]
    assert articles == [
        "articles/2025/11/newer.xhtml",
        "articles/2025/11/middle.xhtml",
        "articles/2025/09/older.xhtml",
    ]
    assert linear[:2] == ["index.xhtml", "guide.xhtml"]
    for overview in ("archive/index.xhtml", "categories/index.xhtml", "tags/index.xhtml"):
        assert overview in linear, overview
    assert linear.index("articles/2025/09/older.xhtml") < linear.index("tags/index.xhtml")
    for name in ("robots.txt", "sitemap.xml", "feeds/atom.xml"):
        assert name not in names, name
    assert not any(name.startswith(("kb-search/", "_kb/")) for name in names)


@pytest.mark.sphinx("epub")
def test_epub_rebuild_is_the_same_book(
    app: SphinxTestApp, make_app: Callable[..., SphinxTestApp], app_params: Any
) -> None:
    first = built(app)
    args, kwargs = app_params
    second = built(make_app(*args, **{**kwargs, "freshenv": False}))
    assert second.warnings.strip() == ""
    epub = next(first.outdir.glob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        assert "robots.txt" not in archive.namelist()
        spine = archive.read("content.opf").decode()
    assert spine.count('linear="no"') < spine.count("<itemref")
    assert "articles/2025/09/older.xhtml" in spine


# --- latex ----------------------------------------------------------------------------------


def _tex(result: Build) -> str:
    return next(result.outdir.glob("*.tex")).read_text(encoding="utf-8")


@pytest.mark.sphinx("latex")
def test_latex_book_has_the_articles_by_month_and_the_glossary(app: SphinxTestApp) -> None:
    result = built(app)
    assert result.warnings.strip() == ""
    tex = _tex(result)
    chapters = re.findall(r"\\chapter\{([^}]*)\}", tex)
    assert chapters == [
        "最新の記事",
        "カテゴリ",
        "タグ",
        "2025年11月の記事",
        "2025年9月の記事",
        "パートナー一覧",
        "技術一覧",
    ]
    sections = re.findall(r"\\section\{([^}]*)\}", tex)
    assert sections[sections.index(NEWER) : sections.index(OLDER) + 1] == [NEWER, MIDDLE, OLDER]
    assert {"Nvidia", "TSMC", "GPU"} <= set(sections)
    # No chapter is empty: each has text before the next heading.
    for title, body in re.findall(
        r"\\chapter\{([^}]*)\}(.*?)(?=\\chapter\{|\\end\{document\})", tex, re.S
    ):
        assert re.sub(r"\\label\{[^}]*\}|\\sphinxstepscope|\s", "", body), title
    # The latest list links the articles inside the book; the byline is text.
    latest = tex.split(r"\chapter{最新の記事}")[1].split(r"\chapter{")[0]
    assert latest.index(NEWER) < latest.index(MIDDLE) < latest.index(OLDER)
    assert r"\hyperref[\detokenize{articles/2025/11/newer::doc}]" in latest
    assert "2025年9月1日 · 編集部 · 約1分" in tex
    # Glossary links inside the articles resolve to the entries in the book.
    assert r"\detokenize{glossary/partners/nvidia:kb-entry-nvidia}" in tex
    nvidia = tex.split(r"\section{Nvidia}")[1].split(r"\section{")[0]
    assert "この項目が登場する記事 (2件)" in nvidia
    assert nvidia.index(MIDDLE) < nvidia.index(OLDER)


# --- text and linkcheck --------------------------------------------------------------------


@pytest.mark.sphinx("text")
def test_text_builder_shows_the_lists_as_text(app: SphinxTestApp) -> None:
    result = built(app)
    assert result.warnings.strip() == ""
    index = (result.outdir / "index.txt").read_text(encoding="utf-8")
    assert index.index(NEWER) < index.index(MIDDLE) < index.index(OLDER)
    older = (result.outdir / "articles/2025/09/older.txt").read_text(encoding="utf-8")
    assert "2025年9月1日 · 編集部 · 約1分" in older
    assert "タグ：AI" in older


@pytest.mark.sphinx("linkcheck")
def test_linkcheck_reports_nothing_of_kbs(app: SphinxTestApp) -> None:
    result = built(app)
    assert result.warnings.strip() == ""
    output = (result.outdir / "output.txt").read_text(encoding="utf-8")
    assert output.strip() == ""
