"""What a build keeps on disk: doctrees without the raw source text of their elements.

The pages stay the same: code blocks are still highlighted from their kept raw text.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docutils import nodes

from kbtesting import Build, article, build, write_project

BODY = """\
## 背景

長い段落の本文。**Nvidia** の [H100](https://example.com/h100) について分析します。

```python
print("こんにちは")  # コメント
```

- 箇条書きの項目
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    src = write_project(
        tmp_path_factory.mktemp("bytes"),
        {"articles/2025/11/x.md": article(title="容量の記事", tags=["AI"], body=BODY)},
    )
    return build(src)


def _doctree(site: Build, docname: str) -> nodes.document:
    path = Path(site.app.doctreedir) / f"{docname}.doctree"
    with path.open("rb") as handle:
        return pickle.load(handle)


def test_doctree_keeps_no_raw_text_but_literal_blocks(site: Build) -> None:
    doctree = _doctree(site, "articles/2025/11/x")
    paragraphs = list(doctree.findall(nodes.paragraph))
    assert any("長い段落の本文" in p.astext() for p in paragraphs)
    assert all(p.rawsource == "" for p in paragraphs)
    assert all(t.rawsource == "" for t in doctree.findall(nodes.title))
    (code,) = doctree.findall(nodes.literal_block)
    assert code.rawsource.strip() == 'print("こんにちは")  # コメント'


def test_page_still_highlights_code_and_shows_text(site: Build) -> None:
    soup = site.html("articles/2025/11/x")
    assert soup.select_one("div.highlight-python pre span.nb") is not None  # print, highlighted
    assert "長い段落の本文" in soup.select_one("article").get_text()


# --- one copy of each source ---------------------------------------------------------------

PAGES = {
    "articles/2025/11/x.md": article(title="容量の記事", tags=["AI"], body=BODY),
    "articles/2025/11/draft.md": article(title="下書き", draft=True),
    "about.md": "# 概要\n\nこのサイトについて。\n",
}
INDEX = "# ホーム\n\n```{toctree}\nabout\n```\n"


def _source_link(soup: BeautifulSoup) -> str:
    (link,) = soup.select(".view-this-page a")  # Furo's "View this page"
    return str(link["href"])


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_article_source_is_its_markdown_copy(tmp_path: Path, builder: str) -> None:
    src = write_project(tmp_path, PAGES, index=INDEX)
    result = build(src, builder=builder)
    page = result.page_path("articles/2025/11/x")
    markdown = page.with_name(page.name + ".md")
    assert "長い段落の本文" in markdown.read_text(encoding="utf-8")
    # No second copy in _sources; the page's source link leads to the Markdown beside it.
    assert not (result.outdir / "_sources" / "articles").exists()
    assert _source_link(result.html("articles/2025/11/x")) == markdown.name
    # A page without kb's copy keeps Sphinx's, and its link.
    about = result.outdir / "_sources" / "about.md.txt"
    assert about.read_text(encoding="utf-8").startswith("# 概要")
    assert _source_link(result.html("about")).endswith("_sources/about.md.txt")


def test_sphinx_copies_articles_without_llms_txt(tmp_path: Path) -> None:
    src = write_project(tmp_path, PAGES, index=INDEX, conf="kb_llms_txt = False\n")
    result = build(src)
    copy = result.outdir / "_sources" / "articles" / "2025" / "11" / "x.md.txt"
    assert "長い段落の本文" in copy.read_text(encoding="utf-8")
    assert _source_link(result.html("articles/2025/11/x")).endswith(
        "_sources/articles/2025/11/x.md.txt"
    )
    assert not (result.outdir / "articles" / "2025" / "11" / "x.html.md").exists()


def test_json_ld_is_compact_utf8(tmp_path: Path) -> None:
    title = "容量の記事 <b>&'"
    src = write_project(tmp_path, {"articles/2025/11/x.md": article(title=title, body=BODY)})
    (script,) = build(src).html("articles/2025/11/x").select('script[type="application/ld+json"]')
    text = script.get_text()
    assert json.loads(text)["headline"] == title
    assert "容量の記事 \\u003cb\\u003e\\u0026\\u0027" in text  # UTF-8; nothing closes the element
    assert "\\u5bb9" not in text and ", " not in text
