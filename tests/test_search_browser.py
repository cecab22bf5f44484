"""The search in a real Chromium: every page containing the query is found, and no other.

The corpus is the seed article, Japanese articles (tests/search_corpus; one
of them a draft) and the glossary. Each query is typed into the theme's search
box; the pages expected are computed here, independently of the search code,
as the pages whose NFKC-folded text (the page's main content, generated lists
aside, and its front matter) contains the query, or every content part of a
phrase with particles. The results page lists 20 at a time; the tests page
through it with its button.

``python tests/test_search_browser.py --compare`` builds the corpus a second
time with Sphinx's own Japanese search and prints the recall of both.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

# --compare runs outside pytest: it takes the benchmark's browser and plain file server
# (as Read the Docs or `python -m http.server` serves a site), which the fixtures wrap.
from benchmarks.search_timing import chromium, serve
from kbtesting import Build, Server, build, checked_page
from search_corpus.corpus import write_corpus

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEARCH_TIMEOUT_MS = 20_000


@dataclass(frozen=True)
class Query:
    text: str
    kind: str
    #: For phrases with particles: the parts a page must all contain.
    parts: tuple[str, ...] = ()
    #: Pages one of which must rank first (title or tag hits).
    top: tuple[str, ...] = ()

    def required(self) -> tuple[str, ...]:
        return self.parts or (self.text,)


SEED = "articles/2025/11/openai-investment"
A = "articles/2025/"
QUERIES = [
    # single words
    Query("投資", "word"),
    Query("電力", "word"),
    Query("半導体", "word"),
    Query("冷却", "word", top=(A + "a01-datacenter-power",)),
    Query("推論", "word"),
    Query("株価", "word"),
    Query("規制", "word"),
    # compounds typed without spaces
    Query("データセンター容量", "compound"),
    Query("汎用人工知能", "compound"),
    Query("計算資源", "compound"),
    Query("液体冷却", "compound"),
    Query("輸出規制", "compound", top=(A + "a03-tsmc-2nm",)),
    Query("大規模言語モデル", "compound"),
    Query("設備投資", "compound", top=(A + "a05-cloud-partnerships",)),
    # katakana words
    Query("エージェント", "katakana", top=(A + "a04-agents",)),
    Query("ハイパースケーラー", "katakana", top=(A + "a05-cloud-partnerships",)),
    Query("サプライチェーン", "katakana"),
    Query("ファウンドリ", "katakana", top=(A + "a03-tsmc-2nm",)),
    Query("スターゲート", "katakana"),
    # Latin with digits
    Query("GB200", "latin-digits"),
    Query("H100", "latin-digits"),
    Query("GB300", "latin-digits"),
    Query("MI450", "latin-digits"),
    Query("HBM4", "latin-digits"),
    Query("45TOPS", "latin-digits"),
    Query("2nm", "latin-digits", top=(A + "a03-tsmc-2nm",)),
    # full and half width
    Query("ＧＰＵ", "width"),
    Query("ｴｰｼﾞｪﾝﾄ", "width", top=(A + "a04-agents",)),
    Query("Ｈ１００", "width"),
    Query("ﾃﾞｰﾀｾﾝﾀｰ", "width"),
    Query("HBM3E", "width"),
    # mixed phrases
    Query("AWSとの提携", "mixed", parts=("AWS", "提携"), top=(A + "a05-cloud-partnerships",)),
    Query("AIチップ", "mixed"),
    Query("NvidiaのGPU", "mixed", parts=("Nvidia", "GPU")),
    Query("生成AI", "mixed"),
    # phrases with particles
    Query(
        "データセンターの電力",
        "particles",
        parts=("データセンター", "電力"),
        top=(A + "a01-datacenter-power",),
    ),
    Query("半導体の輸出規制", "particles", parts=("半導体", "輸出規制"), top=(A + "a03-tsmc-2nm",)),
    Query("電力と冷却", "particles", parts=("電力", "冷却"), top=(A + "a01-datacenter-power",)),
    Query("OpenAIへの投資", "particles", parts=("OpenAI", "投資")),
    # numbers with units
    Query("1.4兆ドル", "number", top=(SEED,)),
    Query("380億ドル", "number"),
    Query("30ギガワット", "number"),
    Query("5000億ドル", "number"),
    # front matter: tags, categories, authors, excerpts, glossary names and aliases
    Query(
        "エヌビディア", "front-matter", top=(A + "a06-nvidia-earnings", "glossary/partners/nvidia")
    ),
    Query("半導体政策", "front-matter", top=(A + "a07-japan-investment",)),
    Query("ソブリンAI", "front-matter"),
    Query("山田太郎", "front-matter"),
    Query("インフラ分析", "front-matter"),
    Query("アンソロピック", "front-matter"),
    # words that appear nowhere
    Query("量子コンピュータ", "absent"),
    # 協力, 力会 and 会社 are all in one page (協力体制, 電力会社), the phrase in none
    Query("協力会社", "absent"),
    # only in a draft, which is built but never indexed
    Query("ナトリウム", "absent"),
    Query("ブロックチェーン", "absent"),
    Query("核融合発電", "absent"),
    Query("ＸＹＺ９９９", "absent"),
    Query("暗号資産の規制", "absent", parts=("暗号資産", "規制")),
]


def fold(text: str) -> str:
    """NFKC and lower case, written here again so the oracle does not trust the code it checks."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).lower())


def indexed_docnames(site: Build) -> list[str]:
    """The pages the search can answer with, in the order of their ids (``kb-search/d/<id>.js``)."""
    names = []
    for path in sorted((site.outdir / "kb-search" / "d").glob("*.js"), key=lambda p: int(p.stem)):
        raw = path.read_text(encoding="utf-8")
        names.append(json.loads(raw[raw.index(",") + 1 : raw.rindex(")")])["n"])
    return names


def page_texts(site: Build) -> dict[str, str]:
    """docname -> folded text of every page in the search index, as a reader sees it."""
    docnames = indexed_docnames(site)
    texts: dict[str, str] = {}
    for docname in docnames:
        soup = BeautifulSoup(site.page_path(docname).read_text(encoding="utf-8"), "html.parser")
        for element in soup.select(".headerlink, script, style, .no-search"):
            element.decompose()
        main = soup.select_one('[role="main"]')
        fields: list[str] = []
        article = site.domain.articles.get(docname)
        if article is not None:
            fields += [
                article.title,
                *article.tags,
                *article.categories,
                *article.authors,
                article.excerpt,
            ]
        entry = site.domain.entries.get(docname)
        if entry is not None:
            fields += [entry.name, *entry.aliases, entry.summary]
        texts[docname] = fold("\n".join([main.get_text("") if main else "", *fields]))
    return texts


def expected_pages(texts: dict[str, str], query: Query) -> set[str]:
    needles = [fold(part) for part in query.required()]
    return {docname for docname, text in texts.items() if all(n in text for n in needles)}


# --- the site, a server and a browser -----------------------------------


@dataclass
class Answer:
    pages: list[str]
    summary: str
    snippets: list[str]


def docname_of(href: str, dirhtml: bool) -> str:
    # A result's address may carry the terms to highlight (?kb-terms=) and a section (#…).
    path = unquote(href.split("#")[0].split("?")[0]).lstrip("./")
    while path.startswith("../"):
        path = path[3:]
    if dirhtml:
        path = path.rstrip("/")
        return f"{path}/index" if path else "index"
    return path.removesuffix(".html")


def ask(
    page: Any,
    base: str,
    text: str,
    *,
    box: str,
    start: str,
    stock: bool = False,
    dirhtml: bool = False,
) -> Answer:
    """Type ``text`` into the search box of ``start`` and read the results page."""
    page.goto(base + start)
    page.fill(box, text)
    page.press(box, "Enter")
    if stock:
        # Sphinx's own code sets the heading when it has listed every result.
        page.wait_for_function(
            "() => { const h = document.querySelector('#search-results h2');"
            " return h && !h.querySelector('span') && h.textContent.trim() !== '検索中'; }",
            timeout=SEARCH_TIMEOUT_MS,
        )
        page.wait_for_timeout(300)
    else:
        page.wait_for_selector("body[data-kb-search=done]", timeout=SEARCH_TIMEOUT_MS)
        # 20 results a page: ask for the next until there are no more.
        while page.locator("button.kb-search-more").is_visible():
            page.click("button.kb-search-more")
            page.wait_for_selector("body[data-kb-search=done]", timeout=SEARCH_TIMEOUT_MS)
    items = page.eval_on_selector_all(
        "#search-results ul.search > li",
        "items => items.map(li => [li.querySelector('a').getAttribute('href'),"
        " (li.querySelector('p.context') || {textContent: ''}).textContent])",
    )
    return Answer(
        pages=[docname_of(href, dirhtml) for href, _ in items],
        summary=page.inner_text("#search-results p.search-summary"),
        snippets=[snippet for _, snippet in items],
    )


# --- tests ------------------------------------------------------------------


@pytest.fixture(scope="module")
def furo_site(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Build:
    # Asks for the browser first: without one, nothing is built for nothing.
    return build(write_corpus(tmp_path_factory.mktemp("search")))


@pytest.fixture(scope="module")
def browser_page(
    furo_site: Build, browser: Any, http_server: Server
) -> Iterator[tuple[Any, str]]:
    with checked_page(browser) as page:
        yield page, http_server.url(furo_site.outdir)


def test_queries_find_every_page_that_contains_them(
    furo_site: Build, browser_page: tuple[Any, str]
) -> None:
    page, base = browser_page
    texts = page_texts(furo_site)
    assert len(QUERIES) >= 40
    assert len(texts) >= 30
    failures: list[str] = []
    for query in QUERIES:
        expected = expected_pages(texts, query)
        answer = ask(page, base, query.text, box="input.sidebar-search", start="index.html")
        found = set(answer.pages)
        if query.kind == "absent":
            assert not expected, f"{query.text} is in the corpus: {sorted(expected)}"
            if found or "見つかりませんでした" not in answer.summary:
                failures.append(f"{query.text}: absent, yet {sorted(found)} / {answer.summary}")
            continue
        assert expected, f"no page contains {query.text}: the query tests nothing"
        if expected - found:
            failures.append(f"{query.text} ({query.kind}): missed {sorted(expected - found)}")
        if found - expected:
            extra = sorted(found - expected)
            failures.append(f"{query.text} ({query.kind}): pages without it {extra}")
        if answer.summary != f"検索が完了し、{len(answer.pages)} ページ見つかりました。":
            failures.append(f"{query.text}: summary {answer.summary!r}")
        if query.top and answer.pages and answer.pages[0] not in query.top:
            failures.append(f"{query.text}: ranked {answer.pages[:3]} first, not {query.top}")
    assert not failures, "\n".join(failures)


def test_results_show_a_snippet_around_the_match(browser_page: tuple[Any, str]) -> None:
    page, base = browser_page
    answer = ask(page, base, "液体冷却", box="input.sidebar-search", start="index.html")
    assert answer.pages == ["articles/2025/a01-datacenter-power"]
    # The page writes **液体**冷却: two text nodes, one phrase.
    assert "液体冷却" in answer.snippets[0]
    assert page.inner_text("#search-results ul.search li span.highlighted") == "液体冷却"
    answer = ask(page, base, "ｴｰｼﾞｪﾝﾄ", box="input.sidebar-search", start="index.html")
    assert any("エージェント" in fold(snippet) for snippet in answer.snippets)


def test_basic_theme_and_dirhtml(tmp_path: Path, browser: Any, http_server: Server) -> None:
    """The search page of Sphinx's basic theme, with pretty URLs, works the same."""
    src = write_corpus(tmp_path, conf='html_theme = "basic"\nhtml_sidebars = {}\n')
    site = build(src, builder="dirhtml")
    base = http_server.url(site.outdir)
    page = browser.new_page()
    for text, expected in [
        ("ＧＰＵ", "articles/2025/a06-nvidia-earnings/index"),
        ("データセンターの電力", "articles/2025/a01-datacenter-power/index"),
        ("エヌビディア", "glossary/partners/nvidia/index"),
    ]:
        answer = ask(page, base, text, box="form input[name=q]", start="search/", dirhtml=True)
        assert expected in answer.pages, (text, answer.pages)
        assert answer.summary.startswith("検索が完了し")
    # The links lead to the pages.
    link = page.locator("#search-results ul.search li a").first
    title = link.inner_text()
    with page.expect_navigation():
        link.click()
    # (with the query's terms to highlight: ?kb-terms=)
    assert page.url.startswith(base) and page.url.split("?")[0].endswith("/")
    assert page.locator("h1").first.inner_text().startswith(title)


def open_box(page: Any, query: str) -> Any:
    """Type ``query`` into the search box as a reader does, and wait for the list under it."""
    box = page.locator("input.sidebar-search")
    box.fill("")
    box.press_sequentially(query, delay=30)
    dropdown = page.locator(".kb-search-dropdown")
    page.wait_for_selector(
        ".kb-search-dropdown[data-state=done]:not([hidden])", timeout=SEARCH_TIMEOUT_MS
    )
    return dropdown


def test_typing_in_the_search_box_lists_results_under_it(browser_page: tuple[Any, str]) -> None:
    page, base = browser_page
    page.goto(base + "index.html")
    page.keyboard.press("/")  # "/" goes to the search box
    assert page.evaluate("document.activeElement.classList.contains('sidebar-search')")
    dropdown = open_box(page, "液体冷却")
    options = dropdown.locator(".kb-search-option")
    assert options.count() == 1
    href = options.first.get_attribute("href").split("?")[0]
    assert href.endswith("articles/2025/a01-datacenter-power.html")
    assert dropdown.locator(".highlighted").first.inner_text() == "液体冷却"
    page.wait_for_function(
        "() => document.querySelector('.kb-search-all').textContent.includes('1 ページ')"
    )
    # Arrows move through the options, Escape closes the list, Enter opens the one chosen.
    box = page.locator("input.sidebar-search")
    box.press("ArrowDown")
    assert options.first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    box.press("Escape")
    assert dropdown.is_hidden()
    dropdown = open_box(page, "投資")
    assert dropdown.locator(".kb-search-option").count() == 6  # the top six
    first = dropdown.locator(".kb-search-option").first.get_attribute("href")
    box.press("ArrowDown")
    with page.expect_navigation():
        box.press("Enter")
    assert page.url == base + first.removeprefix("./")
    # A phrase no page contains: nothing listed, and a way to the full results page.
    page.goto(base + "index.html")
    dropdown = open_box(page, "協力会社")
    assert dropdown.locator(".kb-search-option").count() == 0
    assert dropdown.locator(".kb-search-empty").is_visible()
    with page.expect_navigation():
        dropdown.locator(".kb-search-all").click()
    assert "search.html?q=" in page.url
    page.wait_for_selector("body[data-kb-search=done]", timeout=SEARCH_TIMEOUT_MS)
    assert "見つかりませんでした" in page.inner_text("#search-results p.search-summary")


def test_search_box_in_dark_mode_and_at_phone_width(
    furo_site: Build, browser: Any, http_server: Server
) -> None:
    base = http_server.url(furo_site.outdir)
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(base + "index.html")
    # Furo keeps the search box in its navigation drawer on a phone.
    page.evaluate("document.getElementById('__navigation').checked = true")
    page.evaluate("document.body.dataset.theme = 'dark'")
    dropdown = open_box(page, "GPU")
    box = dropdown.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    colours = page.evaluate(
        "() => { const s = getComputedStyle(document.querySelector('.kb-search-dropdown'));"
        " const t = getComputedStyle(document.querySelector('.kb-search-title'));"
        " return [s.backgroundColor, t.color]; }"
    )
    page.evaluate("document.body.dataset.theme = 'light'")
    light = page.evaluate(
        "getComputedStyle(document.querySelector('.kb-search-dropdown')).backgroundColor"
    )
    context.close()
    assert colours[0] != light  # the list follows the theme's colours
    assert light == "rgb(255, 255, 255)"
    assert colours[0] != colours[1]


@pytest.fixture(scope="module")
def large_site(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Build:
    from search_corpus.corpus import write_scaled_corpus

    return build(write_scaled_corpus(tmp_path_factory.mktemp("paging"), 45))


def test_results_come_twenty_at_a_time_with_an_exact_count(
    large_site: Build, browser: Any, http_server: Server
) -> None:
    texts = page_texts(large_site)
    query = Query("データセンター", "word")
    expected = expected_pages(texts, query)
    assert len(expected) > 40
    base = http_server.url(large_site.outdir)
    page = browser.new_page()
    page.goto(base + "search.html?q=" + query.text)
    page.wait_for_selector("body[data-kb-search=done]", timeout=SEARCH_TIMEOUT_MS)
    items = "#search-results ul.search > li"
    assert page.locator(items).count() == 20
    summary = page.inner_text("#search-results p.search-summary")
    assert summary == f"検索が完了し、{len(expected)} ページ見つかりました。"
    assert page.locator(items + " p.context span.highlighted").count() >= 20
    page.click("button.kb-search-more")
    page.wait_for_selector("body[data-kb-search=done]", timeout=SEARCH_TIMEOUT_MS)
    assert page.locator(items).count() == 40
    page.click("button.kb-search-more")
    page.wait_for_selector("body[data-kb-search=done]", timeout=SEARCH_TIMEOUT_MS)
    hrefs = page.eval_on_selector_all(items + " > a", "a => a.map(x => x.getAttribute('href'))")
    assert page.locator("button.kb-search-more").is_hidden()
    assert len(hrefs) == len(set(hrefs)) == len(expected)
    assert {docname_of(href, False) for href in hrefs} == expected


def test_search_works_from_files_opened_on_disk(furo_site: Build, browser: Any) -> None:
    """file://: the index is loaded as scripts, so a site opened from disk searches too."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((furo_site.outdir / "search.html").as_uri() + "?q=ＧＰＵ")
    page.wait_for_selector("body[data-kb-search=done]", timeout=SEARCH_TIMEOUT_MS)
    assert page.locator("#search-results ul.search > li").count() > 0
    assert page.inner_text("#search-results p.search-summary").startswith("検索が完了し")
    page.goto((furo_site.outdir / "index.html").as_uri())
    dropdown = open_box(page, "ハイパースケーラー")
    href = dropdown.locator(".kb-search-option").first.get_attribute("href")
    assert href.split("?")[0].endswith("articles/2025/a05-cloud-partnerships.html")
    assert not errors, errors


# --- comparison with Sphinx's own search ----------------------------------


def recall(site: Build, texts: dict[str, str], *, stock: bool) -> dict[str, Any]:
    """Share of the expected pages found, over every query but the absent ones."""
    found_total = expected_total = 0
    absent_with_results = 0
    with serve(site.outdir) as base, chromium() as browser:
        page = browser.new_page()
        for query in QUERIES:
            expected = expected_pages(texts, query)
            answer = ask(
                page, base, query.text, box="input.sidebar-search", start="index.html", stock=stock
            )
            if query.kind == "absent":
                absent_with_results += bool(answer.pages)
                continue
            expected_total += len(expected)
            found_total += len(expected & set(answer.pages))
    return {
        "recall": round(found_total / expected_total, 3),
        "found": found_total,
        "expected": expected_total,
        "absent_queries_with_results": absent_with_results,
        "searchindex_bytes": (site.outdir / "searchindex.js").stat().st_size,
    }


def main() -> None:
    import tempfile

    if "--compare" not in sys.argv:
        raise SystemExit("usage: python tests/test_search_browser.py --compare")
    with tempfile.TemporaryDirectory() as tmp:
        kb = build(write_corpus(Path(tmp) / "kb"))
        stock = build(write_corpus(Path(tmp) / "stock", conf="kb_search = False\n"))
        # One oracle for both: the pages' own text, generated lists of other pages aside.
        texts = page_texts(kb)
        print(
            json.dumps(
                {
                    "kb": recall(kb, texts, stock=False),
                    "sphinx": recall(stock, texts, stock=True),
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
