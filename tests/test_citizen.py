"""kb in a project that is not only kb's: it adds its own and changes nothing else.

A project without articles builds ``-W`` clean and gets nothing of kb's on its
pages; a project without a base URL gets one warning only when it has articles
that need one; no page links a file that was not written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
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
        # An absolute path (404.html's links, which work at any depth) is from the site's root.
        base = outdir if parts.path.startswith("/") else page.parent
        found.append((value, (base / unquote(parts.path).lstrip("/")).resolve()))
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


@pytest.mark.slow
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


# --- neighbours --------------------------------------------------------------------------

NEIGHBOUR_CONF = """
extensions = ["myst_parser", "kb", "sphinxext.opengraph", "sphinx_sitemap"]
project = "Neighbours"
language = "en"
html_theme = "alabaster"
html_baseurl = "https://example.org/"
exclude_patterns = ["_build"]
"""


def _head_tags(page: Path) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [
        meta.get("property") or meta.get("name")
        for meta in soup.head.select("meta[property], meta[name]")
    ]


def test_opengraph_and_sitemap_write_their_own_and_kb_hands_them_its_values(tmp_path):
    files = {
        **PLAIN_FILES,
        "articles/2025/11/a.md": article(title="An article", excerpt="The excerpt.", tags=["AI"]),
    }
    result = build(_project(tmp_path, files, NEIGHBOUR_CONF))
    assert result.warnings.strip() == ""
    out = result.outdir
    for page in ("articles/2025/11/a.html", "guide.html", "tags/ai.html"):
        tags = _head_tags(out / page)
        doubled = sorted({tag for tag in tags if tags.count(tag) > 1 and tag != "viewport"})
        assert doubled == [], (page, doubled)
    soup = BeautifulSoup(
        (out / "articles/2025/11/a.html").read_text(encoding="utf-8"), "html.parser"
    )

    def og(name: str) -> str:
        return soup.head.select_one(f'meta[property="{name}"]')["content"]

    assert og("og:type") == "article"
    assert og("og:description") == "The excerpt."
    assert og("og:image").endswith("_kb/cards/articles/2025/11/a.png")
    # sphinx-sitemap's sitemap lists kb's pages too; kb's robots.txt points at it.
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "tags/ai.html" in sitemap and "<lastmod>" not in sitemap
    assert "Sitemap: https://example.org/sitemap.xml" in (out / "robots.txt").read_text()
    assert "sphinxext-opengraph writes the og: tags" in result.status


def test_ablog_and_kb_side_by_side(tmp_path):
    conf = (
        NEIGHBOUR_CONF.replace('"kb",', '"ablog", "kb",')
        + 'blog_baseurl = "https://example.org/"\n'
    )
    files = {
        "index.md": "# Home\n\n```{toctree}\nposts/first\n```\n\n```{postlist}\n```\n",
        "posts/first.md": "---\nblogpost: true\ndate: Nov 1, 2025\ntags: news\n---\n# First post\n\nHello.\n",
        "articles/2025/11/a.md": article(title="An article", tags=["AI"]),
    }
    result = build(_project(tmp_path, files, conf))
    assert result.warnings.strip() == ""
    out = result.outdir
    assert (out / "blog" / "tag" / "news.html").is_file() and (out / "tags" / "ai.html").is_file()
    assert (out / "blog" / "atom.xml").is_file() and (out / "feeds" / "atom.xml").is_file()
    for page in ("posts/first.html", "articles/2025/11/a.html"):
        tags = _head_tags(out / page)
        assert sorted({t for t in tags if tags.count(t) > 1 and t != "viewport"}) == [], page


SPHINX_TAGS_CONF = """
extensions = ["myst_parser", "sphinx_tags", "kb"]
project = "Tagged"
language = "en"
html_theme = "alabaster"
exclude_patterns = ["_build"]
tags_create_tags = True
tags_extension = ["md"]
tags_overview_title = "Every tag there is"
tags_page_title = "Topic"
tags_page_header = "Pages with this tag"
tags_index_head = "The tags"
"""

SPHINX_TAGS_FILES = {
    "index.md": (
        "# Home\n\nSee {ref}`tagoverview` and {ref}`sphx_tag_web-dev`.\n\n"
        "```{toctree}\nfirst\nsecond\nAll tags <_tags/tagsindex>\n```\n"
    ),
    "first.md": "# First\n\n```{tags} Python, Web Dev\n```\n\nText.\n",
    "second.md": "# Second\n\n```{tags} python\n```\n\nText.\n",
}


def test_a_sphinx_tags_site_moves_over_with_its_urls_label_and_titles(tmp_path):
    src = _project(tmp_path, SPHINX_TAGS_FILES, SPHINX_TAGS_CONF)
    result = build(src)
    assert result.warnings.strip() == ""
    out = result.outdir
    assert not (src / "_tags").exists()  # nothing written into the source folder
    overview = BeautifulSoup((out / "tags/index.html").read_text(encoding="utf-8"), "html.parser")
    assert overview.title.get_text().startswith("Every tag there is")
    assert overview.select_one(".kb-list-header").get_text() == "The tags"
    python = BeautifulSoup((out / "tags/python.html").read_text(encoding="utf-8"), "html.parser")
    assert python.h1.get_text() == "Topic: Python"
    assert python.select_one(".kb-list-header").get_text() == "Pages with this tag"
    # Old URLs lead to kb's pages.
    for old, new in (
        ("_tags/tagsindex.html", "../tags/index.html"),
        ("_tags/python.html", "../tags/python.html"),
        ("_tags/web-dev.html", "../tags/web-dev.html"),
    ):
        page = BeautifulSoup((out / old).read_text(encoding="utf-8"), "html.parser")
        assert page.select_one('meta[http-equiv="refresh"]')["content"] == f"0; url={new}", old
    # The label and the toctree entry still work, in the navigation too.
    index = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = {a.get_text(): a["href"] for a in index.select("a[href]")}
    assert links["Every tag there is"] == "tags/index.html"
    assert links["Topic: Web Dev"] == "tags/web-dev.html"
    assert links["All tags"] == "tags/index.html"


# --- kb touches only what is kb's ------------------------------------------------------------

REAL_CONF = """
extensions = ["myst_parser", "sphinxext.opengraph", "sphinx_sitemap"{kb}]
project = "Real"
language = "ja"
html_theme = "alabaster"
html_baseurl = "https://docs.example.org/"
exclude_patterns = ["_build"]
myst_enable_extensions = ["substitution", "colon_fence"]
myst_substitutions = {{"product": "Widget"}}
"""

REAL_FILES = {
    "index.md": (
        "# ホーム\n\n{{ product }} の説明。**計算**資源の話。\n\n"
        "```{toctree}\nguide\nreference\ntags/index\narchive\narticles/notes\n```\n"
    ),
    "guide.md": (
        "---\nmyst:\n  substitutions:\n    version: '2.0'\n    owner: 山田\n"
        "  html_meta:\n    description: 案内のページ\n---\n"
        "# 案内\n\n版 {{ version }}、担当 {{ owner }}。\n"
    ),
    "reference.rst": "参照\n====\n\n.. |name| replace:: 名前\n\n|name| の一覧。\n",
    "tags/index.md": "# タグ\n\nこのプロジェクトのタグの説明。\n",
    "archive.md": "# 過去の版\n\n古い版の一覧。\n",
    "articles/notes.md": "# 記事についてのメモ\n\nこれは記事ではない普通のページ。\n",
}

#: What kb adds to a project without articles: its own and sphinx-design's style
#: sheets and scripts as files (no page links them), and its record of what it wrote.
KB_ADDITIONS = re.compile(
    r"^(_static/(kb[-.].*|sphinx-design\.min\.css|design-tabs\.js)|\.kb-outputs\.json)$"
)


def _tree(outdir: Path) -> dict[str, bytes]:
    tree = {
        path.relative_to(outdir).as_posix(): path.read_bytes()
        for path in sorted(outdir.rglob("*"))
        # Sphinx's record of the configuration differs with any extension added.
        if path.is_file() and path.name != ".buildinfo"
    }
    # The search index names the environment version of every extension loaded
    # (kb's among them); the rest of it must be the same.
    index = tree["searchindex.js"].decode()
    data = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    data.pop("envversion")
    tree["searchindex.js"] = json.dumps(data, sort_keys=True).encode()
    return tree


def test_a_real_project_builds_the_same_with_kb_except_for_kbs_additions(tmp_path):
    trees = {}
    for flavour, added in (("plain", ""), ("kb", ', "kb"')):
        src = _project(tmp_path / flavour, REAL_FILES, REAL_CONF.format(kb=added))
        result = build(src)
        assert result.warnings.strip() == "", flavour  # -W clean, both
        trees[flavour] = _tree(result.outdir)
    plain, with_kb = trees["plain"], trees["kb"]
    added = sorted(set(with_kb) - set(plain))
    assert all(KB_ADDITIONS.match(name) for name in added), added
    assert sorted(set(plain) - set(with_kb)) == []
    changed = sorted(name for name in plain if plain[name] != with_kb[name])
    assert changed == []
    guide = plain["guide.html"].decode()
    assert "版 2.0、担当 山田" in guide and 'content="案内のページ"' in guide  # MyST did its work


def test_kbs_page_never_replaces_the_projects_own(tmp_path):
    files = {**REAL_FILES, "articles/2025/11/a.md": article(tags=["AI"])}
    src = _project(tmp_path, files, REAL_CONF.format(kb=', "kb"'))
    result = build(src)
    warnings = [line for line in result.warnings.splitlines() if "[kb." in line]
    assert len(warnings) == 1, warnings
    assert "tags/index.md" in warnings[0] and "kb's page tags/index" in warnings[0]
    out = result.outdir
    assert "このプロジェクトのタグの説明" in (out / "tags/index.html").read_text(encoding="utf-8")
    assert (out / "tags/ai.html").is_file() and (out / "archive/index.html").is_file()
    # The ordinary page in the articles folder is not an article: no byline, no card.
    notes = (out / "articles/notes.html").read_text(encoding="utf-8")
    assert "kb-byline" not in notes and not (out / "_kb/cards/articles/notes.png").exists()
    # An incremental build keeps it so, and says nothing more.
    again = build(src)
    assert "[kb." not in again.warnings
    assert "このプロジェクトのタグの説明" in (out / "tags/index.html").read_text(encoding="utf-8")
