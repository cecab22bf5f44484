"""Filters and sort on kb's results page, in a real Chromium, against the corpus.

The expected pages and counts are computed here from what a reader has: the
articles' front matter (read with PyYAML, dates put into Asia/Tokyo with
zoneinfo), the text of each built page, and the glossary entry pages' lists of
the articles that mention them. Nothing of kb is imported.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit
from zoneinfo import ZoneInfo

import pytest
import yaml
from bs4 import BeautifulSoup

from kbtesting import Build, Server, build, checked_page
from search_corpus.corpus import write_corpus

pytestmark = pytest.mark.browser

TIMEOUT_MS = 20_000
ZONE = ZoneInfo("Asia/Tokyo")
FACETS = ("category", "tag", "author", "year", "month", "entry")


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).lower())


@dataclass
class Page:
    docname: str
    text: str
    moment: dt.datetime | None = None
    values: dict[str, set[str]] = field(default_factory=lambda: {name: set() for name in FACETS})


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def corpus(site: Build) -> dict[str, Page]:
    """Every page of the site a reader can find, with the values of its facets."""
    pages: dict[str, Page] = {}
    for path in sorted(site.srcdir.rglob("*.md")):
        docname = path.relative_to(site.srcdir).with_suffix("").as_posix()
        html_path = site.outdir / f"{docname}.html"
        if not html_path.is_file():
            continue
        source = path.read_text(encoding="utf-8")
        front: dict[str, Any] = {}
        if source.startswith("---\n"):
            front = yaml.safe_load(source[4 : source.index("\n---", 4)]) or {}
        if front.get("draft") or front.get("published") is False:
            continue
        soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
        for element in soup.select("nav, .headerlink, script, style, .no-search"):
            element.decompose()
        main = soup.select_one('[role="main"]')
        fields = [
            str(front.get("title", "")),
            *_listed(front.get("tags")),
            *_listed(front.get("categories")),
            *_listed(front.get("author")),
            str(front.get("excerpt", "")),
            # A glossary entry's name, aliases and summary.
            str(front.get("name", "")),
            *_listed(front.get("aliases")),
            str(front.get("summary", "")),
        ]
        page = Page(docname, fold("\n".join([main.get_text("") if main else "", *fields])))
        if "date" in front and docname.startswith("articles/"):
            moment = front["date"]
            if isinstance(moment, str):
                moment = dt.datetime.strptime(moment, "%Y-%m-%d %H:%M:%S %z")
            page.moment = moment.astimezone(ZONE)
            page.values["category"] = set(_listed(front.get("categories")))
            page.values["tag"] = set(_listed(front.get("tags")))
            page.values["author"] = set(_listed(front.get("author")))
            page.values["year"] = {f"{page.moment.year:04d}"}
            page.values["month"] = {f"{page.moment.year:04d}-{page.moment.month:02d}"}
        pages[docname] = page
    # Glossary entries: each entry page lists the articles that mention it.
    for path in sorted((site.outdir / "glossary").rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        backlinks = soup.select_one("section.kb-backlinks")
        if backlinks is None:
            continue
        heading = soup.select_one('[role="main"] h1')
        for link in heading.select(".headerlink"):
            link.decompose()
        name = heading.get_text("").strip()
        for anchor in backlinks.select("a[href]"):
            target = (path.parent / unquote(anchor["href"].split("#")[0])).resolve()
            docname = target.relative_to(site.outdir.resolve()).with_suffix("").as_posix()
            if docname in pages:
                pages[docname].values["entry"].add(name)
    return pages


def matching(pages: dict[str, Page], query: str, chosen: dict[str, list[str]]) -> set[str]:
    """Pages holding every word of the query and passing every filter (values OR, filters AND)."""
    words = [fold(word) for word in query.split()]
    return {
        docname
        for docname, page in pages.items()
        if all(word in page.text for word in words)
        and all(page.values[name] & set(values) for name, values in chosen.items() if values)
    }


def expected_counts(
    pages: dict[str, Page], query: str, chosen: dict[str, list[str]]
) -> dict[str, dict[str, int]]:
    """For each facet, value -> results with that value under the query and the other filters."""
    counts: dict[str, dict[str, int]] = {}
    for name in FACETS:
        others = {key: values for key, values in chosen.items() if key != name}
        base = matching(pages, query, others)
        row: dict[str, int] = {}
        for docname in base:
            for value in pages[docname].values[name]:
                row[value] = row.get(value, 0) + 1
        for value in chosen.get(name, []):
            row.setdefault(value, 0)
        counts[name] = row
    return counts


# --- the browser ------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Build:
    # Built only where there is a browser to open it (the fixture skips otherwise).
    return build(write_corpus(tmp_path_factory.mktemp("filters")))


@pytest.fixture(scope="module")
def pages(site: Build) -> dict[str, Page]:
    found = corpus(site)
    # The oracle must see the corpus's facets, or every test would pass on nothing.
    assert sum(bool(page.values["entry"]) for page in found.values()) >= 5
    assert sum(bool(page.values["category"]) for page in found.values()) >= 8
    return found


@pytest.fixture(scope="module")
def browser_page(site: Build, browser: Any, http_server: Server) -> Iterator[tuple[Any, str]]:
    with checked_page(browser) as page:
        yield page, http_server.url(site.outdir)


def address(query: str, chosen: dict[str, list[str]], sort: str = "") -> str:
    params: list[tuple[str, str]] = [("q", query)] if query else []
    params += [(name, value) for name, values in chosen.items() for value in values]
    if sort:
        params.append(("sort", sort))
    return "search.html?" + urlencode(params, quote_via=quote)


def docname_of(href: str) -> str:
    return unquote(urlsplit(href).path).lstrip("./").removesuffix(".html")


def wait_done(page: Any) -> None:
    """The results listed and counted, and with the filters' panel open, its open groups."""
    page.wait_for_selector("body[data-kb-search=done]", timeout=TIMEOUT_MS)
    if page.eval_on_selector("#kb-filters", "panel => panel.open"):
        page.wait_for_selector("body[data-kb-facets=shown]", timeout=TIMEOUT_MS)


def open_every_group(page: Any) -> None:
    """Open the filters' panel and each of its groups (tags and entries open on demand)."""
    if not page.eval_on_selector("#kb-filters", "panel => panel.open"):
        page.click("#kb-filters > summary")
    page.wait_for_selector("body[data-kb-facets=shown]", timeout=TIMEOUT_MS)
    page.eval_on_selector_all("#kb-filters details.kb-facet:not([open]) > summary", "all => all.forEach((s) => s.click())")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#kb-filters details.kb-facet')]"
        ".every((group) => group.dataset.filled === '1')",
        timeout=TIMEOUT_MS,
    )


def listed(page: Any) -> list[str]:
    """Every result, paging with the results page's button."""
    while page.locator("button.kb-search-more").is_visible():
        page.click("button.kb-search-more")
        page.wait_for_selector("body[data-kb-search=done]", timeout=TIMEOUT_MS)
    hrefs = page.eval_on_selector_all(
        "#search-results ul.search > li > a", "links => links.map(a => a.getAttribute('href'))"
    )
    return [docname_of(href) for href in hrefs]


def shown_counts(page: Any) -> dict[str, dict[str, int]]:
    rows = page.eval_on_selector_all(
        "#kb-filters input[type=checkbox]",
        "boxes => boxes.map(b => [b.name, b.value,"
        " b.closest('label').querySelector('.kb-facet-count').textContent])",
    )
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for name, value, count in rows:
        counts[name][value] = int(count.strip("()"))
    return counts


def summary_number(page: Any) -> int:
    text = page.inner_text("#search-results p.search-summary")
    found = re.findall(r"\d+", text)
    return int(found[0]) if found else 0


CASES = [
    ("データセンター", {}),
    ("電力", {"category": ["インフラ分析"]}),
    ("投資", {"tag": ["半導体", "OpenAI"]}),
    ("AI", {"year": ["2025"], "month": ["2025-10", "2025-09"]}),
    ("GPU", {"entry": ["HBM"]}),
    ("半導体", {"author": ["ALLFORCES編集部"], "category": ["投資分析", "半導体"]}),
]


@pytest.mark.parametrize(("query", "chosen"), CASES)
def test_results_and_every_count_match_the_corpus(
    browser_page: tuple[Any, str],
    pages: dict[str, Page],
    query: str,
    chosen: dict[str, list[str]],
) -> None:
    page, base = browser_page
    page.goto(base + address(query, chosen))
    wait_done(page)
    expected = matching(pages, query, chosen)
    assert expected, "a case must find something"
    assert sorted(listed(page)) == sorted(expected)
    assert summary_number(page) == len(expected)
    assert page.eval_on_selector("#kb-filters", "panel => panel.open") == bool(chosen)
    open_every_group(page)
    want = expected_counts(pages, query, chosen)
    got = shown_counts(page)
    for name in FACETS:
        assert got[name] == want[name], name
    checked = page.eval_on_selector_all(
        "#kb-filters input:checked", "boxes => boxes.map(b => [b.name, b.value])"
    )
    assert sorted(map(tuple, checked)) == sorted(
        (name, value) for name, values in chosen.items() for value in values
    )


def test_filters_alone_list_every_matching_article_newest_first(
    browser_page: tuple[Any, str], pages: dict[str, Page]
) -> None:
    page, base = browser_page
    chosen = {"category": ["投資分析"], "year": ["2025"]}
    page.goto(base + address("", chosen))
    wait_done(page)
    expected = matching(pages, "", chosen)
    assert len(expected) >= 3
    newest_first = sorted(expected, key=lambda doc: pages[doc].moment, reverse=True)
    assert listed(page) == newest_first
    assert summary_number(page) == len(expected)
    assert "条件に合う記事" in page.inner_text("#search-results p.search-summary")
    open_every_group(page)
    got = shown_counts(page)
    for name, row in expected_counts(pages, "", chosen).items():
        assert got[name] == row, name


def test_filters_and_sort_live_in_the_address_and_back_restores_them(
    browser_page: tuple[Any, str], pages: dict[str, Page]
) -> None:
    page, base = browser_page
    page.goto(base + address("投資", {}) + "#kb-filters")
    wait_done(page)
    assert page.eval_on_selector("#kb-filters", "panel => panel.open")
    everything = matching(pages, "投資", {})
    page.check("#kb-filters input[name=category][value='投資分析']")
    wait_done(page)
    params = parse_qs(urlsplit(page.url).query)
    assert params == {"q": ["投資"], "category": ["投資分析"]}
    narrowed = matching(pages, "投資", {"category": ["投資分析"]})
    assert sorted(listed(page)) == sorted(narrowed) and len(narrowed) < len(everything)
    page.select_option("#kb-filters select[name=sort]", "date")
    wait_done(page)
    assert parse_qs(urlsplit(page.url).query)["sort"] == ["date"]
    assert listed(page) == sorted(narrowed, key=lambda doc: pages[doc].moment, reverse=True)
    # The shared address gives the same list in another tab.
    other = page.context.browser.new_page()
    other.goto(page.url)
    wait_done(other)
    assert listed(other) == sorted(narrowed, key=lambda doc: pages[doc].moment, reverse=True)
    other.close()
    page.go_back()
    wait_done(page)
    assert parse_qs(urlsplit(page.url).query) == {"q": ["投資"], "category": ["投資分析"]}
    assert page.eval_on_selector("#kb-filters select[name=sort]", "s => s.value") == ""
    page.go_back()
    wait_done(page)
    assert sorted(listed(page)) == sorted(everything)
    assert not page.eval_on_selector_all("#kb-filters input:checked", "boxes => boxes.length")


def test_the_search_box_keeps_to_plain_queries_and_links_to_the_filters(
    browser_page: tuple[Any, str],
) -> None:
    page, base = browser_page
    page.goto(base + "index.html")
    box = "input[name=q]:visible"
    page.fill(box, "冷却")
    page.wait_for_selector(".kb-search-dropdown[data-state=done]", timeout=TIMEOUT_MS)
    link = page.get_attribute(".kb-search-narrow", "href")
    target = urlsplit(link)
    assert target.path.endswith("search.html") and target.fragment == "kb-filters"
    assert parse_qs(target.query) == {"q": ["冷却"]}
    page.click(".kb-search-narrow")
    wait_done(page)
    assert page.eval_on_selector("#kb-filters", "panel => panel.open")


def test_the_filters_load_their_files_only_when_their_group_is_open(
    browser_page: tuple[Any, str], pages: dict[str, Page]
) -> None:
    """The facets' files: none while the panel is closed; the small ones when it opens;
    the tags' and the entries' (the largest) when their group opens."""
    page, base = browser_page
    loaded: list[str] = []

    def note(request: Any) -> None:
        if "/kb-search/f/" in request.url:
            loaded.append(request.url.rsplit("/f/", 1)[1])

    page.on("request", note)
    try:
        page.goto(base + address("投資", {}))
        wait_done(page)
        assert summary_number(page) == len(matching(pages, "投資", {}))
        assert loaded == []
        page.click("#kb-filters > summary")
        page.wait_for_selector("body[data-kb-facets=shown]", timeout=TIMEOUT_MS)
        # category, author and month (year is the union of months)
        assert sorted(loaded) == ["0.js", "2.js", "4.js"]
        closed = page.eval_on_selector_all(
            "#kb-filters details.kb-facet:not([open])", "groups => groups.map(g => g.dataset.facet)"
        )
        assert closed == ["tag", "entry"]
        page.click("#kb-filters details.kb-facet-tag > summary")
        page.wait_for_selector("#kb-filters details.kb-facet-tag[data-filled='1']")
        assert sorted(loaded) == ["0.js", "1.js", "2.js", "4.js"]
        want = expected_counts(pages, "投資", {})
        assert shown_counts(page)["tag"] == want["tag"]
        # A tag chosen: its group stays open, the entries' stays closed and unloaded.
        page.check("#kb-filters input[name=tag][value='半導体']")
        wait_done(page)
        assert page.eval_on_selector("#kb-filters details.kb-facet-tag", "group => group.open")
        assert not page.eval_on_selector("#kb-filters details.kb-facet-entry", "g => g.open")
        assert "3.js" not in loaded
    finally:
        page.remove_listener("request", note)
