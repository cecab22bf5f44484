"""Preview cards in the built pages: one per glossary entry and article a page's text links to.

Real builds of a small knowledge base with the seed glossary: the cards an article
carries (kb/previews.html, inert <template>s in its <head> keyed by the link's address) hold the
entry's name, kind, summary, aliases, number of articles and link, or the linked
article's title, date, categories and excerpt; nothing for the page itself or for
links elsewhere; the script and style only on pages with cards; ``kb_previews =
False`` leaves all of it out; dirhtml's addresses match too; English builds say it
in English; the script holds no interface text of its own.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from kbtesting import REPO, article, build, write_project

CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]+")

FILES = {
    "index.md": (
        "# ホーム\n\n[記事へ](articles/2025/11/first.md)\n\n"
        "```{toctree}\n:hidden:\nglossary/index\n```\n"
    ),
    "articles/2025/11/first.md": article(
        "NVIDIAとOpenAIの提携。{tech}`HBM`も重要。\n\n"
        "[次の記事](second.md)と[外のサイト](https://example.org/)と[ホーム](../../../index.md)。",
        title="提携の記事",
        categories=["半導体"],
        excerpt="提携の要約。",
    ),
    "articles/2025/11/second.md": article(
        "NVIDIAの話。",
        title="二つ目の記事",
        date="2025-11-08 02:00:00 +0000",
        categories=["半導体", "クラウド"],
        excerpt="二つ目の要約。" + "長い文。" * 60,
    ),
}


def cards(soup: BeautifulSoup, page_url: str) -> dict[str, BeautifulSoup]:
    """The page's cards by the address (without fragment) each previews: in its <head>,
    so no part of its text."""
    assert soup.select("body template") == []
    found = {}
    for template in soup.select("head template[data-kb-preview]"):
        card = BeautifulSoup(template.decode_contents(), "html.parser")
        # The card's address is its "open" link's, written once.
        assert template.attrs == {"data-kb-preview": ""}, template.attrs
        address = urljoin(page_url, card.select_one(".kb-preview-open a")["href"])
        found[address.partition("#")[0]] = card
    return found


def texts(card: BeautifulSoup) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for element in card.select("[class^=kb-preview-]"):
        found.setdefault(element["class"][0], []).append(element.get_text())
    return found


def test_an_article_carries_a_card_for_each_entry_and_article_it_links(tmp_path: Path) -> None:
    result = build(write_project(tmp_path, FILES, index=None, with_glossary=True))
    assert "WARNING" not in result.warnings, result.warnings
    page = "http://site/articles/2025/11/first.html"
    found = cards(result.html("articles/2025/11/first"), page)
    assert sorted(found) == [
        "http://site/articles/2025/11/second.html",
        "http://site/glossary/partners/nvidia.html",
        "http://site/glossary/partners/openai.html",
        "http://site/glossary/technologies/hbm.html",
    ]
    nvidia = found["http://site/glossary/partners/nvidia.html"]
    assert texts(nvidia) == {
        "kb-preview-kind": ["パートナー"],
        "kb-preview-title": ["Nvidia"],
        "kb-preview-summary": [
            "米国の半導体企業。AI計算で広く使われるGPUとその開発基盤CUDAを手がける。"
        ],
        # Both articles mention it.
        "kb-preview-line": ["別名：NVIDIA、エヌビディア", "2件の記事に登場"],
        "kb-preview-open": ["項目を開く"],
    }
    assert nvidia.select_one(".kb-preview-open a")["href"] == (
        "../../../glossary/partners/nvidia.html#kb-entry-nvidia"
    )
    assert texts(found["http://site/glossary/technologies/hbm.html"])["kb-preview-kind"] == ["技術"]
    second = found["http://site/articles/2025/11/second.html"]
    card = texts(second)
    assert card["kb-preview-kind"] == ["半導体、クラウド"]
    assert card["kb-preview-title"] == ["二つ目の記事"]
    assert card["kb-preview-line"] == ["2025年11月8日"]
    assert second.select_one("time")["datetime"] == "2025-11-08T02:00:00+00:00"
    (excerpt,) = card["kb-preview-summary"]
    assert excerpt.startswith("二つ目の要約。長い文。") and excerpt.endswith("…")
    assert len(excerpt) == 120
    assert second.select_one(".kb-preview-open a")["href"] == "second.html"


def test_assets_only_where_cards_are_and_the_setting_turns_them_off(tmp_path: Path) -> None:
    src = write_project(tmp_path, FILES, index=None, with_glossary=True)
    result = build(src)
    article_page = result.page_path("articles/2025/11/first").read_text(encoding="utf-8")
    assert re.search(r'src="[./]*_static/kb-preview\.js\?v=\w+"', article_page)
    assert re.search(r'href="[./]*_static/kb-preview\.css\?v=\w+"', article_page)
    # The home page links an article: its card; a tag page (generated) has none.
    assert list(cards(result.html("index"), "http://site/index.html")) == [
        "http://site/articles/2025/11/first.html"
    ]
    tag_page = result.page_path("categories/半導体").read_text(encoding="utf-8")
    assert "kb-preview" not in tag_page
    off = build(src, confoverrides={"kb_previews": False}, fresh=True)
    assert "WARNING" not in off.warnings, off.warnings
    for pagename in ("articles/2025/11/first", "index"):
        html = off.page_path(pagename).read_text(encoding="utf-8")
        assert "kb-preview" not in html, pagename


def test_dirhtml_addresses_and_english_words(tmp_path: Path) -> None:
    src = write_project(tmp_path, FILES, index=None, with_glossary=True)
    result = build(src, "dirhtml", confoverrides={"language": "en"})
    found = cards(result.html("articles/2025/11/first"), "http://site/articles/2025/11/first/")
    assert "http://site/articles/2025/11/second/" in found
    nvidia = texts(found["http://site/glossary/partners/nvidia/"])
    assert nvidia["kb-preview-kind"] == ["Partner"]
    assert nvidia["kb-preview-line"][-1] == "Mentioned in 2 articles"
    assert nvidia["kb-preview-open"] == ["Open the entry"]


def test_the_script_holds_no_interface_text() -> None:
    script = (REPO / "ext" / "kb" / "static" / "kb-preview.js").read_text(encoding="utf-8")
    code = [line for line in script.splitlines() if not line.strip().startswith("//")]
    assert CJK.findall("\n".join(code)) == []
    # Its only strings are names of classes, attributes, events and keys.
    strings = re.findall(r'"([^"]*)"', "\n".join(code))
    words = [text for text in strings if text != "use strict"]
    assert words and all(re.fullmatch(r"[\w\-\[\]#.=:()]*", text) for text in words), words


def test_cards_follow_edits_of_the_documents_they_show(tmp_path: Path) -> None:
    """A card shows other documents' facts: the page is written again when they change,
    and only then."""
    src = write_project(tmp_path, FILES, index=None, with_glossary=True)
    first = build(src)
    page = first.page_path("articles/2025/11/first")
    url = "http://site/articles/2025/11/first.html"
    nvidia = "http://site/glossary/partners/nvidia.html"
    written = page.stat().st_mtime_ns
    # A build with nothing changed leaves the page as it is.
    build(src)
    assert page.stat().st_mtime_ns == written
    # A linked article's excerpt alone: the home page shows no list, only its card.
    (src / "articles/2025/11/first.md").write_text(
        FILES["articles/2025/11/first.md"].replace("提携の要約。", "新しい要約。"), encoding="utf-8"
    )
    home = cards(build(src).html("index"), "http://site/index.html")
    assert texts(home[url])["kb-preview-summary"] == ["新しい要約。"]
    # The entry's summary (every page is written again when the glossary changes).
    entry = src / "glossary" / "partners" / "nvidia.md"
    entry.write_text(
        entry.read_text(encoding="utf-8").replace(
            "米国の半導体企業。AI計算で広く使われるGPUとその開発基盤CUDAを手がける。",
            "書き換えた要約。",
        ),
        encoding="utf-8",
    )
    edited = build(src)
    found = cards(edited.html("articles/2025/11/first"), url)
    assert texts(found[nvidia])["kb-preview-summary"] == ["書き換えた要約。"]
    # The number of articles mentioning it, a linked article's title.
    (src / "articles/2025/11/third.md").write_text(
        article("NVIDIAの三つ目。", title="三つ目", date="2025-11-09 02:00:00 +0000"),
        encoding="utf-8",
    )
    second = src / "articles/2025/11/second.md"
    second.write_text(
        second.read_text(encoding="utf-8").replace("二つ目の記事", "改題した記事"),
        encoding="utf-8",
    )
    again = build(src)
    found = cards(again.html("articles/2025/11/first"), url)
    assert texts(found[nvidia])["kb-preview-summary"] == ["書き換えた要約。"]
    assert texts(found[nvidia])["kb-preview-line"][-1] == "3件の記事に登場"
    assert texts(found["http://site/articles/2025/11/second.html"])["kb-preview-title"] == [
        "改題した記事"
    ]
