"""The pictures in a real build: the map on the glossary overviews, each entry's
neighbourhood and timeline, the timeline of tag and category pages.

Numbers in the pictures' tables are checked against counts computed here from
the articles the test writes (not from kb's records), links against the files
the build wrote, and the output against a second build, one with ``-j 2``.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from kbtesting import article, build, write_project

#: Entry docname -> (role, name) as the seed glossary has them.
ENTRIES = {
    "glossary/partners/nvidia": ("partner", "Nvidia"),
    "glossary/partners/tsmc": ("partner", "TSMC"),
    "glossary/partners/openai": ("partner", "OpenAI"),
    "glossary/partners/softbank": ("partner", "SoftBank"),
    "glossary/technologies/h100": ("tech", "H100"),
    "glossary/technologies/gpu": ("tech", "GPU"),
    "glossary/technologies/stargate": ("tech", "Stargate"),
}
NVIDIA = "glossary/partners/nvidia"
STARGATE = "glossary/technologies/stargate"

#: (slug, date, entries mentioned, tags, category). The 2025-02-28 20:00 UTC
#: article is in March in Tokyo, the site's zone.
ARTICLES = [
    ("a01", "2025-01-10 03:00:00 +0000", [NVIDIA, "glossary/partners/tsmc"], ["AI"], "半導体"),
    ("a02", "2025-01-20 03:00:00 +0000", [NVIDIA, "glossary/technologies/h100"], ["AI"], "半導体"),
    ("a03", "2025-02-05 03:00:00 +0000", [NVIDIA, "glossary/technologies/gpu"], [], "半導体"),
    (
        "a04",
        "2025-02-28 20:00:00 +0000",
        [NVIDIA, "glossary/partners/tsmc", "glossary/technologies/h100"],
        ["AI"],
        "市場",
    ),
    ("a05", "2025-04-02 03:00:00 +0000", ["glossary/partners/openai", STARGATE], ["AI"], "市場"),
    (
        "a06",
        "2025-04-15 03:00:00 +0000",
        ["glossary/partners/openai", "glossary/partners/softbank", STARGATE],
        [],
        "市場",
    ),
    ("a07", "2025-06-01 03:00:00 +0000", [NVIDIA, "glossary/partners/openai"], ["AI"], "市場"),
    ("a08", "2025-06-09 03:00:00 +0000", [], ["AI"], "半導体"),
]
#: A draft: never counted.
DRAFT = ("a09", "2025-06-10 03:00:00 +0000", [NVIDIA, STARGATE], ["AI"], "市場")

MONTHS = {
    "a01": "2025-01",
    "a02": "2025-01",
    "a03": "2025-02",
    "a04": "2025-03",
    "a05": "2025-04",
    "a06": "2025-04",
    "a07": "2025-06",
    "a08": "2025-06",
    "a09": "2025-06",
}


def files(articles: list[tuple[str, str, list[str], list[str], str]] = ARTICLES) -> dict[str, str]:
    made = {}
    for slug, date, mentioned, tags, category in [*articles, DRAFT]:
        body = "。".join(f"{{{ENTRIES[d][0]}}}`{ENTRIES[d][1]}`の動き" for d in mentioned) or "本文"
        fields = {
            "title": f"記事{slug}",
            "date": date,
            "tags": tags,
            "categories": [category],
            "author": "編集部",
        }
        if slug == DRAFT[0]:
            fields["draft"] = True
        made[f"articles/2025/{slug}.md"] = article(body + "。", **fields)
    return made


def counts() -> Counter[str]:
    return Counter(d for _, _, mentioned, _, _ in ARTICLES for d in mentioned)


def together(first: str, second: str) -> int:
    return sum(1 for _, _, m, _, _ in ARTICLES if first in m and second in m)


def months_of(select: object) -> Counter[str]:
    return Counter(MONTHS[slug] for slug, *rest in ARTICLES if select(slug, *rest))  # type: ignore[operator]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    src = write_project(tmp_path_factory.mktemp("pictures"), files(), with_glossary=True)
    return build(src)


def page_of(site, pagename: str) -> BeautifulSoup:
    return site.html(pagename)


def resolve(site, pagename: str, href: str) -> Path:
    """The file a relative link of ``pagename`` points at (itself for ``""`` or ``#…``)."""
    if href.split("#")[0] == "":
        return site.page_path(pagename)
    base = posixpath.dirname(site.page_path(pagename).relative_to(site.outdir).as_posix())
    target = posixpath.normpath(posixpath.join(base, unquote(href.split("#")[0])))
    return site.outdir / target


def docname_of(site, pagename: str, href: str) -> str:
    return resolve(site, pagename, href).relative_to(site.outdir).with_suffix("").as_posix()


def months_in_table(site, pagename: str, figure: BeautifulSoup) -> Counter[str]:
    found: Counter[str] = Counter()
    for row in figure.select("table.kb-graph-table tbody tr"):
        link = row.th.a
        assert link is not None, "every month with articles links to its archive page"
        assert resolve(site, pagename, link["href"]).is_file()
        year, month = re.fullmatch(r"(\d+)年(\d+)月", row.th.get_text()).groups()
        found[f"{year}-{int(month):02d}"] = int(row.td.get_text())
    return found


# --- the overview ----------------------------------------------------------------


@pytest.mark.parametrize("overview", ["glossary/partners/index", "glossary/technologies/index"])
def test_overview_map_links_every_mentioned_entry_with_the_records_numbers(site, overview) -> None:
    assert "kb-graph" not in site.warnings
    soup = page_of(site, overview)
    figure = soup.select_one("figure#kb-map")
    assert figure is not None
    expected = counts()
    nodes = figure.select("svg a.kb-graph-node")
    linked = {docname_of(site, overview, a["href"]) for a in nodes}
    assert linked == set(expected)
    for node in nodes:
        assert resolve(site, overview, node["href"]).is_file()
        kind = (
            "partner" if "/partners/" in docname_of(site, overview, node["href"]) else "technology"
        )
        assert f"kb-graph-kind-{kind}" in node["class"]
        assert node.select_one("circle" if kind == "partner" else "rect") is not None
    rows = figure.select("table.kb-graph-table tbody tr")
    assert len(rows) == len(expected)
    names = {name: docname for docname, (_, name) in ENTRIES.items()}
    for row in rows:
        docname = docname_of(site, overview, row.th.a["href"])
        cells = row.select("td")
        assert int(cells[1].get_text()) == expected[docname]
        for part in filter(None, cells[2].get_text().split("、")):
            name, weight = part.rsplit(" ", 1)
            assert together(docname, names[name]) == int(weight)
    # Unmentioned entries of the glossary are left off and counted.
    assert "記事に登場しない項目など" in figure.get_text()
    stylesheets = [link["href"] for link in soup.select('link[rel="stylesheet"]')]
    assert any("kb-graph.css" in href for href in stylesheets)
    assert (site.outdir / "_static" / "kb-graph.css").is_file()


# --- entry pages ---------------------------------------------------------------------


def test_entry_page_shows_its_neighbourhood_and_timeline(site) -> None:
    soup = page_of(site, NVIDIA)
    section = soup.select_one("section.kb-pictures")
    assert section is not None
    around = section.select_one("figure#kb-neighbourhood")
    center = around.select_one("a.kb-graph-center")
    assert docname_of(site, NVIDIA, center["href"]) == NVIDIA
    shown = {docname_of(site, NVIDIA, a["href"]) for a in around.select("svg a.kb-graph-node")}
    assert shown == {NVIDIA} | {d for d in ENTRIES if d != NVIDIA and together(NVIDIA, d)}
    first_row = around.select_one("table.kb-graph-table tbody tr")
    assert docname_of(site, NVIDIA, first_row.th.a["href"]) == NVIDIA
    names = {name: docname for docname, (_, name) in ENTRIES.items()}
    weights = {
        names[part.rsplit(" ", 1)[0]]: int(part.rsplit(" ", 1)[1])
        for part in first_row.select("td")[2].get_text().split("、")
    }
    assert weights == {d: together(NVIDIA, d) for d in shown - {NVIDIA}}

    chart = section.select_one("figure#kb-timeline")
    expected = months_of(lambda slug, date, mentioned, *_: NVIDIA in mentioned)
    assert months_in_table(site, NVIDIA, chart) == expected
    bars = chart.select("svg a.kb-graph-bar-link")
    assert len(bars) == len(expected)
    for bar in bars:
        assert resolve(site, NVIDIA, bar["href"]).is_file()


def test_an_entry_no_listed_article_mentions_has_no_pictures(site) -> None:
    soup = page_of(site, "glossary/partners/amd")
    assert soup.select_one("section.kb-pictures") is None
    assert soup.select_one("figure.kb-graph") is None


# --- tag and category pages --------------------------------------------------------------


@pytest.mark.parametrize(
    ("pagename", "select"),
    [
        ("tags/ai", lambda slug, date, mentioned, tags, category: "AI" in tags),
        ("categories/半導体", lambda slug, date, mentioned, tags, category: category == "半導体"),
    ],
)
def test_tag_and_category_pages_show_articles_per_month(site, pagename, select) -> None:
    soup = page_of(site, pagename)
    chart = soup.select_one("figure#kb-timeline")
    assert chart is not None
    assert months_in_table(site, pagename, chart) == months_of(select)


def test_author_pages_have_no_timeline(site) -> None:
    authors = sorted((site.outdir / "authors").glob("*.html"))
    assert authors
    for path in authors:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        assert soup.select_one("figure.kb-graph") is None


# --- the web -------------------------------------------------------------------------


def test_pictures_reference_nothing_outside_the_site(site) -> None:
    for pagename in ("glossary/partners/index", NVIDIA, "tags/ai"):
        for figure in page_of(site, pagename).select("figure.kb-graph"):
            # The SVG namespace (needed for the picture to show in an EPUB's XHTML)
            # names the vocabulary; it is never fetched.
            html = str(figure).replace(' xmlns="http://www.w3.org/2000/svg"', "")
            assert not re.search(r"(?:https?:)?//|xlink:href|<script|<foreignObject|url\(", html)
            for href in re.findall(r'href="([^"]*)"', html):
                assert resolve(site, pagename, href).is_file(), href


# --- determinism, parallel, incremental ------------------------------------------------


def html_files(outdir: Path) -> dict[str, bytes]:
    return {
        path.relative_to(outdir).as_posix(): path.read_bytes()
        for path in sorted(outdir.rglob("*.html"))
    }


@pytest.mark.slow
def test_two_builds_and_a_parallel_build_write_the_same_pages(site, tmp_path: Path) -> None:
    first = html_files(site.outdir)
    assert sum(b"kb-graph-svg" in page for page in first.values()) > 10
    again = build(write_project(tmp_path / "again", files(), with_glossary=True))
    parallel = build(write_project(tmp_path / "parallel", files(), with_glossary=True), parallel=2)
    for other in (again, parallel):
        pages = html_files(other.outdir)
        assert pages.keys() == first.keys()
        differing = [name for name in first if first[name] != pages[name]]
        assert differing == []


def test_an_edit_that_changes_no_mention_rewrites_no_picture(tmp_path: Path) -> None:
    src = write_project(tmp_path, files(), with_glossary=True)
    first = build(src)
    pictured = [
        "glossary/partners/index",
        "glossary/technologies/index",
        NVIDIA,
        STARGATE,
        "tags/ai",
    ]
    before = {name: first.page_path(name).stat().st_mtime_ns for name in pictured}
    path = src / "articles/2025/a03.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n追記の段落です。\n", encoding="utf-8")
    second = build(src)
    assert "a03" in second.status
    assert {name: second.page_path(name).stat().st_mtime_ns for name in pictured} == before

    # A new mention rewrites the pictures that show it.
    path.write_text(
        path.read_text(encoding="utf-8") + "\n{tech}`Stargate`も登場します。\n", encoding="utf-8"
    )
    third = build(src)
    soup = third.html(STARGATE)
    shown = {
        docname_of(third, STARGATE, a["href"])
        for a in soup.select("figure#kb-neighbourhood svg a.kb-graph-node")
    }
    assert NVIDIA in shown
    assert (
        third.page_path("glossary/partners/index").stat().st_mtime_ns
        != before["glossary/partners/index"]
    )


def test_pictures_can_be_turned_off(tmp_path: Path) -> None:
    src = write_project(tmp_path, files(), with_glossary=True)
    off = build(src, confoverrides={"kb_graphs": False})
    for pagename in ("glossary/partners/index", NVIDIA, "tags/ai"):
        assert off.html(pagename).select_one("figure.kb-graph") is None
