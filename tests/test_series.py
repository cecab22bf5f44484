"""Series: ``series:`` and ``series_order:`` tie articles together, in their order."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from kb import cli
from kbtesting import Build, article, build, built, write_project

SERIES = "データセンター電力の行方"


def _part(title: str, date: str, order: int, **fields: object) -> str:
    return article(title=title, date=date, series=SERIES, series_order=order, **fields)


# The project is tests/roots/test-series: three parts written out of date order (part 1
# is the newest, part 3 the oldest, each in its own month folder) and one other article.
# Tests that add or edit files build a copy of it (the marker's ``srcdir``).
pytestmark = pytest.mark.sphinx("html", testroot="series")
ORDER = ["articles/2025/11/zenpen", "articles/2025/10/chuhen", "articles/2025/09/kouhen"]
TITLES = ["前編：電力需要", "中編：送電網", "後編：原子力"]


@pytest.fixture
def site(app: SphinxTestApp) -> Build:
    # The root itself: built by the first test, found up to date by the next ones.
    return built(app)


def _series_page(result: Build) -> BeautifulSoup:
    pages = sorted((result.outdir / "series").glob("*.html"))
    assert len(pages) == 1, pages
    return BeautifulSoup(pages[0].read_text(encoding="utf-8"), "html.parser")


def _href_target(result: Build, page: str, href: str) -> str:
    """The page name a relative link on ``page`` leads to."""
    here = result.page_path(page).parent
    target = (here / unquote(href.split("#")[0])).resolve().relative_to(result.outdir.resolve())
    return target.with_suffix("").as_posix()


def test_the_series_page_lists_the_parts_in_series_order_with_dates_and_excerpts(
    site: Build,
) -> None:
    assert "WARNING" not in site.warnings, site.warnings
    page = _series_page(site)
    assert page.select_one("h1").get_text() == SERIES
    assert page.title.get_text().startswith(SERIES)
    assert page.select_one(".kb-count").get_text() == "全3回"
    items = page.select(".kb-series-parts > li")
    assert [item.select_one(".kb-item-title").get_text() for item in items] == TITLES
    assert [item.select_one(".kb-series-number").get_text() for item in items] == [
        "第1回",
        "第2回",
        "第3回",
    ]
    assert [item.select_one("time").get_text() for item in items] == [
        "2025年11月20日",
        "2025年10月5日",
        "2025年9月1日",
    ]
    assert [item.select_one(".kb-item-excerpt").get_text() for item in items] == [
        "前編の要約。",
        "中編の要約。",
        "後編の要約。",
    ]
    series_name = str(_series_page_name(site))
    links = [item.select_one(".kb-item-title a")["href"] for item in items]
    assert [_href_target(site, series_name, str(href)) for href in links] == ORDER


def _series_page_name(site: Build) -> str:
    (page,) = (site.outdir / "series").glob("*.html")
    return page.relative_to(site.outdir).with_suffix("").as_posix()


def test_each_part_shows_its_place_and_links_to_the_parts_around_it(site: Build) -> None:
    series_page = _series_page_name(site)
    for number, docname in enumerate(ORDER, start=1):
        page = site.html(docname)
        navs = page.select("nav.kb-series-nav")
        # Under the byline, and again at the end of the article.
        assert len(navs) == 2
        assert navs[0].find_previous(class_="kb-article-meta") is not None
        for nav in navs:
            assert nav.select_one(".kb-series-position").get_text() == f"第{number}回／全3回"
            link = nav.select_one("a.kb-series-link")
            assert link.get_text() == SERIES
            assert _href_target(site, docname, str(link["href"])) == series_page
            previous = nav.select_one("a.kb-series-previous")
            following = nav.select_one("a.kb-series-next")
            if number == 1:
                assert previous is None
            else:
                assert _href_target(site, docname, str(previous["href"])) == ORDER[number - 2]
                assert previous.get_text() == f"← 前回：{TITLES[number - 2]}"
            if number == 3:
                assert following is None
            else:
                assert _href_target(site, docname, str(following["href"])) == ORDER[number]
                assert following.get_text() == f"次回：{TITLES[number]} →"
    assert site.html("articles/2025/11/other").select("nav.kb-series-nav") == []


def test_parts_say_they_belong_to_the_series_in_json_ld(site: Build) -> None:
    for number, docname in enumerate(ORDER, start=1):
        (script,) = site.html(docname).select('script[type="application/ld+json"]')
        data = json.loads(script.string)
        assert data["isPartOf"] == {
            "@type": "CreativeWorkSeries",
            "name": SERIES,
            "url": "https://kb.example.org/" + quote(_series_page_name(site)) + ".html",
        }
        assert data["position"] == number
    (script,) = site.html("articles/2025/11/other").select('script[type="application/ld+json"]')
    assert "isPartOf" not in json.loads(script.string)


def test_the_series_is_a_category_of_each_part_in_the_feeds(site: Build) -> None:
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.parse(site.outdir / "feeds" / "atom.xml").getroot()
    categories = {
        entry.findtext(f"{atom}title"): [c.get("term") for c in entry.findall(f"{atom}category")]
        for entry in feed.findall(f"{atom}entry")
    }
    assert categories["前編：電力需要"] == ["電力", SERIES]
    assert categories["後編：原子力"] == [SERIES]
    assert categories["別の記事"] == []


@pytest.mark.sphinx(srcdir="series-ref")
def test_the_series_page_is_in_the_sitemap_and_reachable_by_ref(app: SphinxTestApp) -> None:
    (app.srcdir / "index.md").write_text(
        "# Home\n\n{ref}`kb-series-データセンター電力の行方`\n", encoding="utf-8"
    )
    result = built(app)
    assert "WARNING" not in result.warnings, result.warnings
    link = result.html("index").select_one("a.kb-page-link")
    assert link.get_text() == SERIES
    assert _href_target(result, "index", str(link["href"])) == _series_page_name(result)
    sitemap = (result.outdir / "sitemap.xml").read_text(encoding="utf-8")
    assert "/series/" in sitemap


def test_without_series_order_parts_go_by_date_and_spellings_are_one_series(
    tmp_path: Path,
) -> None:
    files = {
        "articles/2025/11/b.md": article(title="二", date="2025-11-02", series="ＡＩ投資"),
        "articles/2025/12/c.md": article(title="三", date="2025-12-01", series="AI投資"),
        "articles/2025/10/a.md": article(title="一", date="2025-10-01", series="ai投資"),
    }
    result = build(write_project(tmp_path, files))
    assert "WARNING" not in result.warnings, result.warnings
    page = _series_page(result)
    titles = [a.get_text() for a in page.select(".kb-series-parts .kb-item-title a")]
    assert titles == ["一", "二", "三"]
    position = result.html("articles/2025/11/b").select_one(".kb-series-position")
    assert position.get_text() == "第2回／全3回"


def _warnings(result: Build) -> list[str]:
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.warnings)
    return sorted(
        line.replace(str(result.srcdir) + "/", "")
        for line in plain.splitlines()
        if "[kb.series]" in line
    )


def test_a_gap_or_a_repeated_order_is_a_warning_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "articles/2025/09/one.md": article(
            title="一", date="2025-09-01", series="S", series_order=1
        ),
        "articles/2025/10/three.md": article(
            title="三", date="2025-10-01", series="S", series_order=3
        ),
        "articles/2025/11/again.md": article(
            title="三の二", date="2025-11-01", series="S", series_order=3
        ),
        "articles/2025/12/loose.md": article(title="番外", date="2025-12-01", series="S"),
    }
    src = write_project(tmp_path, files)
    result = build(src)
    expected = [
        "articles/2025/10/three.md:5: WARNING: series 'S': no part has series_order 2 "
        "(the parts have 1, 3); the parts are numbered 1 to 4 in this order [kb.series]",
        "articles/2025/11/again.md:5: WARNING: series 'S': series_order 3 is also that of "
        "articles/2025/10/three; this part is placed after it, as part 3 [kb.series]",
        "articles/2025/12/loose.md:4: WARNING: series 'S': this part has no series_order "
        "while others have one; it is placed after them by its date, as part 4 [kb.series]",
    ]
    assert _warnings(result) == sorted(expected)
    # Numbered 1 to 4 all the same, in that order.
    titles = [
        a.get_text() for a in _series_page(result).select(".kb-series-parts .kb-item-title a")
    ]
    assert titles == ["一", "三", "三の二", "番外"]
    # kb check says the same, without building.
    monkeypatch.chdir(src)
    assert cli.main(["check"]) == 1
    assert sorted(line for line in capsys.readouterr().out.splitlines()) == sorted(expected)


@pytest.mark.sphinx(srcdir="series-reorder")
def test_a_changed_order_rewrites_every_part_on_an_incremental_build(
    app: SphinxTestApp, make_app: Callable[..., SphinxTestApp], app_params: Any
) -> None:
    built(app)
    src = app.srcdir
    # Part 3 becomes part 1: the others move down without being edited.
    path = src / "articles/2025/09/kouhen.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("series_order: 3", "series_order: 1"),
        encoding="utf-8",
    )
    first = src / "articles/2025/11/zenpen.md"
    first.write_text(
        first.read_text(encoding="utf-8").replace("series_order: 1", "series_order: 3"),
        encoding="utf-8",
    )
    args, kwargs = app_params
    result = built(make_app(*args, **kwargs))
    positions = {
        docname: result.html(docname).select_one(".kb-series-position").get_text()
        for docname in ORDER
    }
    assert positions == {
        "articles/2025/09/kouhen": "第1回／全3回",
        "articles/2025/10/chuhen": "第2回／全3回",
        "articles/2025/11/zenpen": "第3回／全3回",
    }
    middle = result.html("articles/2025/10/chuhen").select_one("a.kb-series-previous")
    assert middle.get_text() == "← 前回：後編：原子力"


@pytest.mark.sphinx(srcdir="series-drafts", confoverrides={"kb_drafts": "build"})
def test_drafts_are_no_part_of_a_series(app: SphinxTestApp) -> None:
    draft = app.srcdir / "articles/2025/12/draft.md"
    draft.parent.mkdir()
    draft.write_text(
        article(title="下書き", date="2025-12-01", series=SERIES, series_order=4, draft=True),
        encoding="utf-8",
    )
    result = built(app)
    assert _series_page(result).select_one(".kb-count").get_text() == "全3回"
    assert result.html("articles/2025/12/draft").select("nav.kb-series-nav") == []
    assert result.html("articles/2025/09/kouhen").select("a.kb-series-next") == []


@pytest.mark.sphinx(srcdir="series-en", confoverrides={"language": "en"})
def test_an_english_build_says_part_2_of_3(app: SphinxTestApp) -> None:
    result = built(app)
    position = result.html("articles/2025/10/chuhen").select_one(".kb-series-position")
    assert position.get_text() == "Part 2 of 3"
    assert _series_page(result).select_one(".kb-count").get_text() == "3 parts"


@pytest.mark.sphinx(srcdir="series-parallel", parallel=2)
def test_parallel_build_gives_the_same_series(app: SphinxTestApp) -> None:
    result = built(app)
    titles = [
        a.get_text() for a in _series_page(result).select(".kb-series-parts .kb-item-title a")
    ]
    assert titles == TITLES
