"""One table of generated pages: a page's title, the text of a ``{ref}`` link to it and
the title of a redirect to it are the same words, read from one place."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from kbtesting import article, build, write_project

SPHINX_TAGS_CONF = """
extensions.append("sphinx_tags")
language = "en"
tags_create_tags = True
tags_extension = ["md"]
tags_overview_title = "Every tag there is"
tags_page_title = "Topic"
kb_page_size = 1
"""

LABELS = ("kb-tags", "kb-tag-python", "kb-categories", "kb-archive", "kb-archive-2025-11",
          "kb-series-intro", "kb-authors", "kb-partners")


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_links_redirects_and_pages_agree_on_each_title(tmp_path: Path) -> None:
    files = {
        f"articles/2025/11/{name}.md": article(
            "Text about {partner}`NVIDIA`.",
            title=f"Part {name}",
            date=f"2025-11-0{day} 09:00:00 +0900",
            tags=["Python"],
            categories=["Notes"],
            author="Sato",
            series="Intro",
        )
        for day, name in ((1, "one"), (2, "two"))
    }
    links = " ".join(f"{{ref}}`{label}`" for label in LABELS)
    files["index.md"] = f"# Home\n\n{links}\n"
    src = write_project(tmp_path, files, conf=SPHINX_TAGS_CONF, with_glossary=True)
    result = build(src)
    out = result.outdir
    index = _soup(out / "index.html")
    shown = {a["href"]: a.get_text() for a in index.select("a.kb-page-link")}
    assert len(shown) == len(LABELS)
    for href, text in shown.items():
        page = _soup(out / href)
        assert page.h1 is not None, href
        assert page.h1.get_text().rstrip("#¶ ") == text, href
    # A tag's second page is titled as its first, with its number.
    second = _soup(out / "tags/python/2.html")
    assert second.h1.get_text().rstrip("#¶ ").startswith("Topic: Python")
    # The old sphinx-tags overview redirects under the overview's own title.
    redirect = _soup(out / "_tags/tagsindex.html")
    assert redirect.title.get_text() == "Every tag there is"
    assert shown["tags/index.html"] == "Every tag there is"
