"""Interface text in catalogs: an English site shows no Japanese chrome, a Japanese one
today's text, and every message kb uses is translated in both catalogs.

The English builds use articles written in ASCII only, so any CJK character in the
output is interface text; the repository's own docs/ (Japanese articles) is checked
against its sources instead: a Japanese run of text in a page that no source file
holds came from kb, Furo or Sphinx.
"""

from __future__ import annotations

import gettext
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from playwright.sync_api import Browser

from kb.pictures import cardfont, cards
from kbtesting import REPO, Build, article, build, write_project
from test_search_browser import SEARCH_TIMEOUT_MS

LOCALE = REPO / "ext" / "kb" / "locale"
LANGUAGES = ("ja", "en")
#: Kana, kanji, CJK punctuation and full-width forms: what Japanese text is made of.
CJK = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")

# --- the catalogs -------------------------------------------------------------------


def used_messages() -> dict[tuple[str, str | None], bool]:
    """(msgid, context) -> plural?, for every message kb's Python and templates use."""
    with (REPO / "babel.cfg").open(encoding="utf-8") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)
    keywords = {**DEFAULT_KEYWORDS, "kb_gettext": None}
    found: dict[tuple[str, str | None], bool] = {}
    for _, _, message, _, context in extract_from_dir(
        str(REPO / "ext" / "kb"), method_map, options_map, keywords
    ):
        plural = isinstance(message, tuple)
        found[(message[0] if plural else message, context)] = plural
    return found


def read_catalog(path: Path) -> object:
    with path.open("rb") as file:
        return read_po(file)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_kb_uses_is_translated_in_each_catalog(language: str) -> None:
    used = used_messages()
    assert len(used) > 60, "the extraction found too little: is babel.cfg right?"
    catalog = read_catalog(LOCALE / language / "LC_MESSAGES" / "kb.po")
    assert not catalog.fuzzy  # type: ignore[attr-defined]
    held = {}
    for message in catalog:  # type: ignore[attr-defined]
        if not message.id:
            continue
        plural = isinstance(message.id, tuple)
        key = (message.id[0] if plural else message.id, message.context)
        held[key] = plural
        assert not message.fuzzy, key
        forms = message.string if plural else (message.string,)
        assert len(forms) == catalog.num_plurals if plural else 1, key  # type: ignore[attr-defined]
        ids = message.id if plural else (message.id,)
        expected = {name for text in ids for name in PLACEHOLDER.findall(text)}
        for form in forms:
            assert form, f"untranslated in {language}: {key}"
            assert set(PLACEHOLDER.findall(form)) == expected, (key, form)
    assert held == used, (
        f"missing from {language}: {sorted(set(used) - set(held))}; "
        f"no longer used: {sorted(set(held) - set(used))} (run `make catalogs`)"
    )


def test_the_template_lists_every_message() -> None:
    template = read_catalog(LOCALE / "kb.pot")
    listed = {
        (m.id[0] if isinstance(m.id, tuple) else m.id, m.context)
        for m in template  # type: ignore[attr-defined]
        if m.id
    }
    assert listed == set(used_messages()), "run `make catalogs`"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_is_the_catalog(language: str) -> None:
    """The .mo Sphinx loads says what the .po says (`make catalogs` compiles it)."""
    folder = LOCALE / language / "LC_MESSAGES"
    with (folder / "kb.mo").open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    expected: dict[object, str] = {}
    for message in read_catalog(folder / "kb.po"):  # type: ignore[attr-defined]
        if not message.id:
            continue
        prefix = f"{message.context}\x04" if message.context else ""
        if isinstance(message.id, tuple):
            for index, form in enumerate(message.string):
                expected[(prefix + message.id[0], index)] = form
        else:
            expected[prefix + message.id] = message.string
    held = {key: value for key, value in compiled._catalog.items() if key != ""}  # type: ignore[attr-defined]
    assert held == expected


# --- a small site in both languages -------------------------------------------------------

FILES = {
    "articles/2025/01/first.md": article(
        "**Nvidia** and **TSMC** build chips. The GPU supply goes on.",
        title="First article",
        date="2025-01-10 09:00:00 +0900",
        tags=["AI", "Chips"],
        categories=["Analysis"],
        author="Editors",
        excerpt="The first summary.",
        reading_time=3,
        redirect_from=["/2025/01/10/first.html"],
    ),
    "articles/2025/02/second.md": article(
        "Nvidia results. GPU demand.",
        title="Second article",
        date="2025-02-03 12:00:00 +0900",
        updated="2025-02-05",
        tags=["AI"],
        categories=["News"],
        author=["Editors", "Yamada"],
        excerpt="The second summary.",
        reading_time=5,
    ),
    "articles/2024/12/third.md": article(
        "Nvidia and the GPU, a year earlier.",
        title="Third article",
        date="2024-12-20 12:00:00 +0900",
        tags=["AI"],
        categories=["News"],
        author="Editors",
        reading_time=4,
    ),
    "glossary/partners/nvidia.md": (
        "---\nname: Nvidia\naliases: [NVIDIA, Green team]\nsummary: A GPU company.\n"
        "website: https://www.nvidia.com/\nrelated: [GPU, TSMC]\n---\n"
    ),
    "glossary/partners/tsmc.md": "---\nname: TSMC\nsummary: A foundry.\n---\n",
    "glossary/technologies/gpu.md": "---\nname: GPU\nsummary: A graphics processor.\n---\n",
}

INDEX = """# Home

```{kb-latest}
:count: 2
```

```{kb-category-cards}
```

```{kb-tag-cloud}
```
"""

CONF = """
project = "Test KB"
html_title = "Test KB"
language = {language!r}
# kb's search (and its texts) on an English site too.
html_search_language = "ja"
kb_page_size = 1
"""


def site(tmp_path: Path, language: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Build, list]:
    """The site in ``language``, and the cards drawn for it."""
    drawn: list[cards.Card] = []
    render = cards.render

    def recording(card: cards.Card, *args: object, **kwargs: object) -> bytes:
        drawn.append(card)
        return render(card, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cards, "render", recording)
    src = write_project(tmp_path, FILES, conf=CONF.format(language=language), index=INDEX)
    return build(src), drawn


def texts(soup: BeautifulSoup, selector: str) -> list[str]:
    return [" ".join(e.get_text(" ", strip=True).split()) for e in soup.select(selector)]


def attribute(name: str) -> Callable[[BeautifulSoup, str], list[str]]:
    def read(soup: BeautifulSoup, selector: str) -> list[str]:
        return [str(e[name]) for e in soup.select(selector)]

    return read


# (page, selector, how to read it, Japanese as kb wrote it before its catalogs, English)
SHOWN = [
    ("articles/2025/01/first", ".kb-sidebar-caption", texts, ["ナビゲーション", "前後の記事"], ["Navigation", "Previous and next articles"]),
    ("articles/2025/01/first", ".kb-sidebar-nav li", texts, ["ホーム", "アーカイブ", "カテゴリ", "タグ", "著者", "パートナー", "技術", "次: Second article", "前: Third article"], ["Home", "Archive", "Categories", "Tags", "Authors", "Partners", "Technologies", "Next: Second article", "Previous: Third article"]),
    ("articles/2025/01/first", ".kb-byline", texts, ["2025年1月10日 · Editors · 約3分"], ["January 10, 2025 · Editors · 3 min read"]),
    ("articles/2025/02/second", ".kb-updated", texts, ["更新 2025年2月5日"], ["Updated February 5, 2025"]),
    ("articles/2025/01/first", ".kb-related h2", texts, ["関連記事"], ["Related articles"]),
    ("articles/2025/01/first", "nav.kb-neighbours", attribute("aria-label"), ["前後の記事"], ["Previous and next articles"]),
    ("index", ".sd-card-footer", texts, ["2025年2月3日 · 約5分", "2025年1月10日 · 約3分"], ["February 3, 2025 · 5 min read", "January 10, 2025 · 3 min read"]),
    ("index", ".kb-term-card .kb-count", texts, ["2件の記事", "1件の記事"], ["2 articles", "1 article"]),
    ("index", ".kb-cloud-tag", attribute("title"), ["3件", "1件"], ["3 articles", "1 article"]),
    ("tags/ai", "h1", texts, ["タグ: AI"], ["Tag: AI"]),
    ("tags/ai/2", "h1", texts, ["タグ: AI（2ページ目）"], ["Tag: AI (page 2)"]),
    ("tags/ai", ".kb-count", texts, ["3件の記事 · Atom"], ["3 articles · Atom"]),
    ("tags/ai", ".kb-item-meta", texts, ["2025年2月3日 · 約5分"], ["February 3, 2025 · 5 min read"]),
    ("tags/ai", ".kb-pagination", attribute("aria-label"), ["ページ"], ["Pages"]),
    ("tags/ai/2", ".kb-pagination a", texts, ["← 新しい記事", "1", "3", "古い記事 →"], ["← Newer articles", "1", "3", "Older articles →"]),
    ("tags/ai", ".kb-graph-timeline figcaption", texts, ["タグ「AI」の記事数の推移"], ["Articles per month tagged “AI”"]),
    ("tags/ai", ".kb-graph-timeline > p.kb-sr-only", texts, ["2024年12月から2025年2月までに3件、最も多い月は1件。数は図の後の表にあります。"], ["3 articles from December 2024 to February 2025, 1 article in the busiest month. The numbers are in the table after the chart."]),
    ("tags/ai", "path.kb-graph-bar title", texts, ["2024年12月: 1件", "2025年1月: 1件", "2025年2月: 1件"], ["December 2024: 1 article", "January 2025: 1 article", "February 2025: 1 article"]),
    ("tags/ai", ".kb-graph-timeline summary", texts, ["表で見る（3か月）"], ["Show as a table (3 months)"]),
    ("tags/ai", ".kb-graph-timeline caption", texts, ["タグ「AI」の記事数の推移: 月ごとの記事数"], ["Articles per month tagged “AI”: articles per month"]),
    ("tags/ai", ".kb-graph-timeline thead th", texts, ["月", "記事数"], ["Month", "Articles"]),
    ("tags/ai", ".kb-graph-timeline tbody th", texts, ["2024年12月", "2025年1月", "2025年2月"], ["December 2024", "January 2025", "February 2025"]),
    ("categories/news", "h1", texts, ["カテゴリ: News"], ["Category: News"]),
    ("authors/editors", "h1", texts, ["著者: Editors"], ["Author: Editors"]),
    ("tags/index", "h1", texts, ["タグ一覧"], ["All tags"]),
    ("tags/index", ".kb-count", texts, ["2件"], ["2 tags"]),
    ("tags/index", "table.kb-terms th", texts, ["タグ", "記事数"], ["Tags", "Articles"]),
    ("categories/index", ".kb-count", texts, ["2件"], ["2 categories"]),
    ("authors/index", ".kb-count", texts, ["2件"], ["2 authors"]),
    ("archive/index", "h1", texts, ["アーカイブ"], ["Archive"]),
    ("archive/index", "h2", texts, ["2025年 (2)", "2024年 (1)"], ["2025 (2)", "2024 (1)"]),
    ("archive/index", ".kb-months a", texts, ["2025年2月", "2025年1月", "2024年12月"], ["February 2025", "January 2025", "December 2024"]),
    ("archive/2025/01", "h1", texts, ["2025年1月の記事"], ["Articles from January 2025"]),
    ("archive/2025/01", ".kb-count", texts, ["1件の記事"], ["1 article"]),
    ("glossary/partners/nvidia", ".kb-entry-aliases", texts, ["別名 ：NVIDIA、Green team"], ["Also known as : NVIDIA, Green team"]),
    ("glossary/partners/nvidia", ".kb-entry-label", texts, ["別名", "ウェブサイト", "関連"], ["Also known as", "Website", "Related"]),
    ("glossary/partners/nvidia", ".kb-backlinks h2", texts, ["この項目が登場する記事"], ["Articles that mention this entry"]),
    ("glossary/partners/nvidia", ".kb-backlinks > .kb-count", texts, ["3件の記事"], ["3 articles"]),
    ("glossary/partners/nvidia", ".kb-year", texts, ["2025年", "2024年"], ["2025", "2024"]),
    ("glossary/partners/nvidia", ".kb-together h2", texts, ["よく一緒に登場する"], ["Often mentioned together"]),
    ("glossary/partners/nvidia", ".kb-together .kb-num", texts, ["(3件)", "(1件)"], ["(3 articles)", "(1 article)"]),
    ("glossary/partners/nvidia", ".kb-pictures h2", texts, ["つながりと推移"], ["Connections and articles over time"]),
    ("glossary/partners/nvidia", ".kb-graph-map figcaption", texts, ["Nvidiaとよく一緒に登場する項目"], ["Entries often mentioned with Nvidia"]),
    ("glossary/partners/nvidia", ".kb-graph-map > p.kb-sr-only", texts, ["3項目と3本のつながり。数は図の後の表にあります。"], ["3 entries and 3 connections. The numbers are in the table after the picture."]),
    ("glossary/partners/nvidia", ".kb-graph-map summary", texts, ["表で見る（3項目）"], ["Show as a table (3 entries)"]),
    ("glossary/partners/nvidia", ".kb-graph-map thead th", texts, ["項目", "種類", "記事数", "一緒に登場"], ["Entry", "Kind", "Articles", "Mentioned with"]),
    ("glossary/partners/nvidia", ".kb-graph-legend li", texts, ["パートナー", "技術", "線の太さ: 一緒に登場した記事の数"], ["Partners", "Technologies", "Line width: the number of articles that mention both"]),
    ("glossary/partners/nvidia", ".kb-graph-timeline figcaption", texts, ["Nvidiaが登場する記事数の推移"], ["Articles per month that mention Nvidia"]),
    ("glossary/partners/index", "h1", texts, ["パートナー一覧"], ["All Partners"]),
    ("glossary/partners/index", ".kb-generated > .kb-count", texts, ["2件"], ["2 entries"]),
    ("glossary/partners/index", "table.kb-glossary-table th", texts, ["パートナー", "記事数", "概要"], ["Partners", "Articles", "Summary"]),
    ("glossary/partners/index", ".kb-graph-map figcaption", texts, ["関係マップ: 同じ記事に登場するパートナーと技術"], ["Relationship map: partners and technologies mentioned in the same articles"]),
]


Site = tuple[str, Build, list]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Site]:
    """The site in a language, built once for the module."""
    made: dict[str, Site] = {}

    def site_in(language: str) -> Site:
        if language not in made:
            with pytest.MonkeyPatch.context() as monkeypatch:
                folder = tmp_path_factory.mktemp(f"site-{language}")
                made[language] = (language, *site(folder, language, monkeypatch))
        return made[language]

    return site_in


@pytest.fixture(params=LANGUAGES)
def built(request: pytest.FixtureRequest, sites: Callable[[str], Site]) -> Site:
    return sites(request.param)


def test_each_interface_text_is_written_in_the_language(built: Site) -> None:
    language, result, _ = built
    for pagename, selector, read, japanese, english in SHOWN:
        found = read(result.html(pagename), selector)
        assert found == (japanese if language == "ja" else english), (pagename, selector)


def test_feed_titles_and_the_redirect_page_are_in_the_language(
    built: Site,
) -> None:
    language, result, _ = built
    feed = (result.outdir / "feeds" / "tags" / "ai.xml").read_text(encoding="utf-8")
    assert "<title>Test KB: AI</title>" in feed
    moved = BeautifulSoup(
        (result.outdir / "2025" / "01" / "10" / "first.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    expected = "この記事は移動しました: First article" if language == "ja" else (
        "This article has moved: First article"
    )
    assert " ".join(moved.body.get_text(" ", strip=True).split()) == expected


@pytest.mark.skipif(
    not os.path.isfile(cardfont.FONT_FILE) and os.environ.get("CI") != "true",
    reason=f"the card font is not installed (apt-get install {cardfont.FONT_PACKAGE})",
)
def test_cards_carry_the_date_in_the_language(built: Site) -> None:
    language, _, drawn = built
    dates = sorted(card.date for card in drawn)
    if language == "ja":
        assert dates == ["2024年12月20日", "2025年1月10日", "2025年2月3日"]
    else:
        assert dates == ["December 20, 2024", "February 3, 2025", "January 10, 2025"]


# Files of the output that are not kb's or the theme's text: the search engine's
# tokenizer holds Japanese particles as data (checked by test_search_*).
NOT_TEXT = {"_static/kb-search.js"}


def test_an_english_site_shows_no_japanese_anywhere(sites: Callable[[str], Site]) -> None:
    _, result, _ = sites("en")
    checked = 0
    leaks = []
    for path in sorted(result.outdir.rglob("*")):
        relative = path.relative_to(result.outdir).as_posix()
        if not path.is_file() or path.suffix not in {".html", ".xml", ".js", ".txt", ".json"}:
            continue
        if relative in NOT_TEXT:
            continue
        checked += 1
        text = path.read_text(encoding="utf-8")
        leaks += [(relative, run) for run in CJK.findall(text)]
    assert checked > 40
    assert leaks == []


# --- the repository's own docs/, in English ----------------------------------------------------

#: Attributes that hold addresses, names for machines or sort keys, not text for a reader.
NOT_READ = {"href", "src", "id", "class", "rel", "type", "name", "property", "datetime", "for"}


def written_runs(outdir: Path) -> dict[str, set[str]]:
    """Japanese runs of text in every page: its text and the attributes a reader meets."""
    found: dict[str, set[str]] = {}
    for path in sorted(outdir.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        pieces = [str(text) for text in soup.find_all(string=True)]
        for element in soup.find_all(True):
            pieces += [
                str(value)
                for name, value in element.attrs.items()
                if name not in NOT_READ and not name.startswith("data-")
            ]
        runs = {run for piece in pieces for run in CJK.findall(piece)}
        if runs:
            found[path.relative_to(outdir).as_posix()] = runs
    return found


def interface_runs(outdir: Path) -> dict[str, set[str]]:
    """Japanese runs no source of docs/ holds: written by kb, the theme or Sphinx."""
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for path in sorted((REPO / "docs").rglob("*"))
        if path.suffix in {".md", ".yaml", ".py"}
    )
    leaks: dict[str, set[str]] = {}
    for page, runs in written_runs(outdir).items():
        missing = {run for run in runs if run not in sources}
        if missing:
            leaks[page] = missing
    return leaks


def docs_build(tmp_path: Path, language: str) -> Build:
    return build(
        REPO / "docs",
        builddir=tmp_path / f"docs-{language}",
        confoverrides={
            "language": language,
            "html_baseurl": "https://kb.example.org/",
            "kb_page_size": 2,
            "kb_cards": False,
        },
    )


@pytest.mark.slow
def test_docs_in_english_show_no_japanese_interface_text(tmp_path: Path) -> None:
    english = docs_build(tmp_path, "en")
    assert len(written_runs(english.outdir)) > 20, "docs/ should show its Japanese articles"
    assert interface_runs(english.outdir) == {}
    # The same look at the Japanese build finds kb's Japanese chrome: the check can fail.
    japanese = interface_runs(docs_build(tmp_path, "ja").outdir)
    seen = set().union(*japanese.values())
    for text in ("件の記事", "この項目が登場する記事", "ナビゲーション", "表で見る"):
        assert any(text in run for run in seen), text


# --- the search's texts ------------------------------------------------------------------------

# kb-search.js's texts as kb wrote them into the script before its catalogs (Japanese).
SEARCH_TEXTS = {
    "ja": {
        "language": "ja",
        "found": {"other": "検索が完了し、%(num)d ページ見つかりました。"},
        "none": "一致するページは見つかりませんでした。言葉を短くするか、別の表記（カタカナ・英字）でお試しください。",
        "counting": "件数を確認しています…",
        "results": "検索結果",
        "more": "さらに表示",
        "all": "すべての結果を見る",
        "allCount": {"other": "すべての結果を見る（%(num)d ページ）"},
        "empty": "見つかりませんでした",
        "failed": "検索索引を読み込めませんでした。",
        "timeZone": "Asia/Tokyo",
        "listed": {"other": "条件に合う記事は %(num)d 件です。"},
        "filters": "絞り込みと並べ替え",
        "narrow": "この結果を絞り込む",
        "facets": {
            "category": "カテゴリ",
            "tag": "タグ",
            "author": "著者",
            "year": "年",
            "month": "月",
            "entry": "用語集の項目",
        },
        "sort": "並び順",
        "relevance": "関連度順",
        "newest": "新しい順",
        "clearFilters": "絞り込みを解除",
        "clearHighlight": "ハイライトを消す",
        "notfoundFound": "このアドレスの言葉を含むページ：",
        "notfoundNone": "このアドレスの言葉を含むページはありません。検索ボックスで探してみてください。",
    },
    "en": {
        "language": "en",
        "found": {
            "one": "Search finished, found %(num)d page matching the search query.",
            "other": "Search finished, found %(num)d pages matching the search query.",
        },
        "none": "No page matches. Try a shorter word, or another spelling (katakana, Latin letters).",
        "counting": "Counting…",
        "results": "Search Results",
        "more": "More results",
        "all": "See all results",
        "allCount": {"one": "See the %(num)d result", "other": "See all %(num)d results"},
        "empty": "No results",
        "failed": "The search index could not be loaded.",
        "timeZone": "Asia/Tokyo",
        "listed": {
            "one": "%(num)d article matches the filters.",
            "other": "%(num)d articles match the filters.",
        },
        "filters": "Filter and sort",
        "narrow": "Filter these results",
        "facets": {
            "category": "Category",
            "tag": "Tag",
            "author": "Author",
            "year": "Year",
            "month": "Month",
            "entry": "Glossary entry",
        },
        "sort": "Order",
        "relevance": "Relevance",
        "newest": "Newest first",
        "clearFilters": "Clear filters",
        "clearHighlight": "Clear highlighting",
        "notfoundFound": "Pages holding the words of this address:",
        "notfoundNone": "No page holds the words of this address; try the search box.",
    },
}


def test_every_page_hands_the_search_its_texts_in_the_language(built: Site) -> None:
    language, result, _ = built
    script = (result.outdir / "_static" / "kb-search-texts.js").read_text(encoding="utf-8")
    prefix, suffix = "window.kbSearchTexts = ", ";\n"
    assert script.startswith(prefix) and script.endswith(suffix)
    assert json.loads(script[len(prefix) : -len(suffix)]) == SEARCH_TEXTS[language]
    for pagename in ("index", "search", "articles/2025/01/first", "tags/ai"):
        # One script every page loads, just before kb-search.js: no texts inline.
        scripts = [s.get("src", "") for s in result.html(pagename).select("script[src]")]
        names = [src.split("/")[-1].split("?")[0] for src in scripts]
        at = names.index("kb-search-texts.js")
        assert names[at + 1] == "kb-search.js", pagename
        assert not result.html(pagename).select("script#kb-search-texts"), pagename


def test_the_scripts_hold_no_japanese_text() -> None:
    """Only the tokenizer's particles (data it cuts queries at, never shown) are Japanese."""
    found = []
    for name in ("kb.js", "kb-search.js"):
        for number, line in enumerate(
            (REPO / "ext" / "kb" / "static" / name).read_text(encoding="utf-8").splitlines(), 1
        ):
            code = line.strip()
            if code.startswith(("//", "/*", "*")) or code.startswith("const PARTICLES = ["):
                continue
            code = re.split(r"\s//\s", code)[0]
            found += [(name, number, run) for run in CJK.findall(code)]
    assert found == []


@pytest.mark.slow
@pytest.mark.browser
def test_the_search_answers_in_the_language(
    sites: Callable[[str], Site], browser: Browser
) -> None:
    expected = {
        "ja": (
            r"検索が完了し、(\d+) ページ見つかりました。",
            "検索が完了し、1 ページ見つかりました。",
            ["2025年2月3日", "2025年1月10日", "2024年12月20日"],
        ),
        "en": (
            r"Search finished, found (\d+) pages matching the search query\.",
            "Search finished, found 1 page matching the search query.",
            ["February 3, 2025", "January 10, 2025", "December 20, 2024"],
        ),
    }
    for language, (many, one, days) in expected.items():
        _, result, _ = sites(language)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))

        def ask(query: str, page: object = page, result: Build = result) -> str:
            page.goto((result.outdir / "search.html").as_uri() + f"?q={query}")  # type: ignore[attr-defined]
            page.wait_for_selector("body[data-kb-search=done]", timeout=SEARCH_TIMEOUT_MS)  # type: ignore[attr-defined]
            return str(page.inner_text("#search-results p.search-summary"))  # type: ignore[attr-defined]

        summary = ask("Nvidia")
        count = re.fullmatch(many, summary)
        assert count, summary
        items = page.locator("#search-results ul.search > li")
        assert int(count.group(1)) == items.count() >= 4
        shown = page.locator(".kb-search-date").all_inner_texts()
        assert [day for day in shown if day in days] == days, shown
        assert ask("demand") == one
        assert ask("zzqqzz") == SEARCH_TEXTS[language]["none"]
        assert not errors, errors
