"""The relationship map and the articles-per-month chart: layout data and rendered SVG.

Pictures are rendered from the real templates with kb's template environment
and its Japanese catalog, outside any Sphinx build; the numbers in their tables are checked against counts computed
here from the records, independently of kb.pictures.graph.
"""

from __future__ import annotations

import gettext
import itertools
import random
import re
from collections import Counter

import jinja2
import pytest
from bs4 import BeautifulSoup

from kb.core.wording import CATALOG, LOCALE_DIR, Wording
from kb.pictures import graph, timeline
from kb.pictures.graph import ArticleMentions, GraphEntry, MentionIndex
from kb.sphinx.render import Templates
from kbtesting import REPO

TEMPLATES = REPO / "ext" / "kb" / "templates"
KIND_TITLES = {"partner": "パートナー", "technology": "技術"}
SHAPES = {"partner": "circle", "technology": "square"}
NAMES = [
    "Nvidia",
    "エヌビディア",
    "H200",
    "Rubin",
    "CoreWeave",
    "データセンター",
    "Amazon EC2 UltraServers",
    "TSMC",
    "Broadcom",
    "生成AI",
    "Gemini",
    "液体冷却",
]


JAPANESE = Wording.of(gettext.translation(CATALOG, LOCALE_DIR, ["ja"]), "ja")


def environment() -> jinja2.Environment:
    return Templates((str(TEMPLATES),), JAPANESE).environment


def url(target: str) -> str:
    return f"../{target}.html"


def render_map(picture: graph.GraphPicture, caption: str = "関係マップ") -> str:
    return (
        environment()
        .get_template("kb/relationship-map.html")
        .render(
            picture=picture,
            url=url,
            caption=caption,
            kind_titles=KIND_TITLES,
            shapes=SHAPES,
            id="kb-map",
        )
    )


def render_timeline(picture: timeline.TimelinePicture, targets: dict[str, str]) -> str:
    return (
        environment()
        .get_template("kb/timeline.html")
        .render(picture=picture, url=url, month_targets=targets, caption="記事数の推移", id="kb-tl")
    )


def corpus(
    entries: int, articles: int, seed: int = 7
) -> tuple[list[GraphEntry], list[ArticleMentions]]:
    """Generated entries with Zipf-like popularity, as a real glossary has."""
    rng = random.Random(seed)
    made = []
    for number in range(entries):
        kind = "technology" if number % 3 == 0 else "partner"
        name = NAMES[number % len(NAMES)] + (f" {number}" if number >= len(NAMES) else "")
        made.append(GraphEntry(f"glossary/{kind}/e{number:03d}", kind, name))
    weights = [1 / (rank + 1) ** 0.9 for rank in range(entries)]
    written = []
    for number in range(articles):
        chosen = rng.choices(made, weights, k=rng.randint(1, 8))
        month = f"20{rng.randint(23, 25)}-{rng.randint(1, 12):02d}"
        written.append(
            ArticleMentions(f"articles/a{number}", month, frozenset(e.docname for e in chosen))
        )
    return made, written


def relationship_map(
    entries: list[GraphEntry], articles: list[ArticleMentions]
) -> graph.GraphPicture | None:
    """The whole map, straight from plain data, as a build draws it."""
    inputs = graph.MentionGraph(entries, MentionIndex(articles)).map_inputs()
    return graph.draw(inputs) if inputs is not None else None


def neighbourhood(
    entries: list[GraphEntry], articles: list[ArticleMentions], center: str
) -> graph.GraphPicture | None:
    """``center``'s neighbourhood, straight from plain data, as a build draws it."""
    inputs = graph.MentionGraph(entries, MentionIndex(articles)).neighbourhood_inputs(center)
    return graph.draw(inputs) if inputs is not None else None


def svg_of(html: str) -> str:
    start = html.index('<svg class="kb-graph-svg"')
    return html[start : html.index("</svg>", start) + len("</svg>")]


def overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# --- data ------------------------------------------------------------------------


def test_weights_are_articles_mentioning_both() -> None:
    entries, articles = corpus(20, 60)
    index = MentionIndex(articles)
    for a, b in itertools.combinations(sorted(e.docname for e in entries), 2):
        expected = sum(1 for article in articles if {a, b} <= article.entries)
        assert index.weights.get((a, b), 0) == expected
        assert index.weight(b, a) == expected
    for entry in entries:
        assert index.counts[entry.docname] == sum(
            1 for article in articles if entry.docname in article.entries
        )


def test_each_entry_keeps_its_strongest_links_within_the_limits() -> None:
    entries, articles = corpus(120, 900)
    index = MentionIndex(articles)
    inputs = graph.MentionGraph(entries, index).map_inputs()
    assert inputs is not None
    assert len(inputs.edges) <= graph.MAX_EDGES
    assert inputs.all_edges == len(index.weights)
    drawn = {(a, b) for a, b, _ in inputs.edges}
    for a, b, w in inputs.edges:
        assert index.weights[(a, b)] == w
    # Every entry's strongest link is drawn (unless the global limit cut it).
    if len(inputs.edges) < graph.MAX_EDGES:
        for docname, others in index.adjacent.items():
            best = max(others.values())
            assert any(tuple(sorted((docname, o))) in drawn for o, w in others.items() if w == best)


def test_unmentioned_entries_are_left_off_and_counted() -> None:
    entries = [
        GraphEntry("g/a", "partner", "A社"),
        GraphEntry("g/b", "partner", "B社"),
        GraphEntry("g/c", "technology", "C技術"),
    ]
    articles = [ArticleMentions("x", "2025-01", frozenset({"g/a", "g/b"}))]
    picture = relationship_map(entries, articles)
    assert picture is not None
    assert [n.docname for n in picture.nodes] == ["g/a", "g/b"]
    assert picture.hidden_entries == 1
    assert relationship_map(entries, []) is None


def test_the_map_is_deterministic_whatever_the_order_of_its_input() -> None:
    entries, articles = corpus(60, 300)
    first = render_map(relationship_map(entries, articles))
    shuffled_entries, shuffled_articles = entries[:], articles[:]
    random.Random(1).shuffle(shuffled_entries)
    random.Random(2).shuffle(shuffled_articles)
    second = render_map(relationship_map(shuffled_entries, shuffled_articles))
    assert first == second
    # Coordinates are rounded to a tenth of a pixel.
    assert not re.search(r"\d\.\d\d", svg_of(first))


def test_neighbourhood_is_the_entry_and_its_strongest_neighbours() -> None:
    entries, articles = corpus(40, 200)
    index = MentionIndex(articles)
    center = entries[0].docname
    picture = neighbourhood(entries, articles, center)
    assert picture is not None and picture.center == center
    shown = {n.docname for n in picture.nodes}
    assert center in shown and len(shown) == graph.NEIGHBOURS + 1
    weights = sorted(index.adjacent[center].values(), reverse=True)
    drawn = sorted((index.weight(center, d) for d in shown - {center}), reverse=True)
    assert drawn == weights[: graph.NEIGHBOURS]
    # Every link among the shown entries is drawn, with its weight in the table.
    expected = {
        (a, b): index.weight(a, b)
        for a, b in itertools.combinations(sorted(shown), 2)
        if index.weight(a, b)
    }
    assert picture.drawn_edges == len(expected)
    center_row = picture.rows[0]
    assert center_row.docname == center
    assert {n.docname: n.weight for n in center_row.neighbours} == {
        d: index.weight(center, d) for d in shown - {center}
    }
    lonely = [*entries, GraphEntry("g/lonely", "partner", "Lonely")]
    assert neighbourhood(lonely, articles, "g/lonely") is None


@pytest.mark.parametrize("size", [30, 300])
def test_labels_never_overlap_labels_or_nodes(size: int) -> None:
    entries, articles = corpus(size, size * 7)
    picture = relationship_map(entries, articles)
    assert picture is not None
    assert all(node.label is not None for node in picture.nodes)
    boxes = [node.label.box for node in picture.nodes if node.label]
    for a, b in itertools.combinations(boxes, 2):
        assert not overlaps(a, b)
    for node in picture.nodes:
        circle = (node.x - node.r, node.y - node.r, node.x + node.r, node.y + node.r)
        assert all(not overlaps(circle, box) for box in boxes)
        assert node.x - node.r >= 0 and node.x + node.r <= picture.width
    for box in boxes:
        assert box[0] >= 0 and box[2] <= picture.width and box[1] >= 0 and box[3] <= picture.height


# --- rendered --------------------------------------------------------------------


def test_map_links_every_node_and_its_table_has_the_records_numbers() -> None:
    entries, articles = corpus(30, 80)
    picture = relationship_map(entries, articles)
    html = render_map(picture)
    soup = BeautifulSoup(html, "html.parser")
    by_name = {e.name: e.docname for e in entries}
    counts = Counter(d for a in articles for d in a.entries)

    nodes = soup.select("svg.kb-graph-svg a.kb-graph-node")
    assert {a["href"] for a in nodes} == {url(d) for d in counts}
    for link in nodes:
        label = link.select_one("text.kb-graph-label")
        docname = by_name[label.get_text()]
        assert link["href"] == url(docname)
        assert link["tabindex"] == "-1"
        kind = "technology" if "/technology/" in docname else "partner"
        assert f"kb-graph-kind-{kind}" in link["class"]
        assert link.select_one("circle" if kind == "partner" else "rect") is not None

    rows = soup.select("table.kb-graph-table tbody tr")
    assert len(rows) == len(counts)
    index = MentionIndex(articles)
    for row in rows:
        link = row.select_one("th a")
        docname = by_name[link.get_text()]
        assert link["href"] == url(docname)
        cells = row.select("td")
        assert int(cells[1].get_text()) == counts[docname]
        for part in filter(None, cells[2].get_text().split("、")):
            name, weight = part.rsplit(" ", 1)
            assert index.weight(docname, by_name[name]) == int(weight)
    # Screen readers get the caption and the table; the SVG, whose links would be
    # interactive content inside an image, is hidden from them.
    svg = soup.select_one("svg.kb-graph-svg")
    assert svg["aria-hidden"] == "true" and not svg.has_attr("role")
    assert "数は図の後の表にあります" in soup.select_one("figure > p.kb-sr-only").get_text()


def test_pictures_reference_nothing_outside_and_escape_names() -> None:
    entries = [
        GraphEntry("g/x", "partner", '<script>alert("x")</script>'),
        GraphEntry("g/y", "technology", "A&B"),
    ]
    articles = [ArticleMentions("a", "2025-03", frozenset({"g/x", "g/y"}))]
    html = render_map(relationship_map(entries, articles))
    html += render_map(neighbourhood(entries, articles, "g/x"))
    html += render_timeline(
        timeline.draw_timeline(timeline.month_counts(["2025-03"]), JAPANESE), {"2025-03": "archive/2025/03"}
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "A&amp;B" in html
    # The SVG namespace (needed for the picture to show in an EPUB's XHTML) names
    # the vocabulary; it is never fetched.
    html = html.replace(' xmlns="http://www.w3.org/2000/svg"', "")
    assert not re.search(r"(?:https?:)?//|xlink:href|<script|<foreignObject|url\(", html)
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith("../") and h.endswith(".html") for h in hrefs)


def test_a_300_entry_map_stays_small() -> None:
    entries, articles = corpus(300, 2000)
    html = render_map(relationship_map(entries, articles))
    assert len(svg_of(html).encode("utf-8")) < 150_000
    assert len(html.encode("utf-8")) < 200_000


# --- timeline ------------------------------------------------------------------


def test_month_counts_are_continuous_and_zero_filled() -> None:
    counts = timeline.month_counts(["2024-11", "2025-02", "2025-02", "bad", "2025-13"])
    assert [(m.key, m.count) for m in counts] == [
        ("2024-09", 0),
        ("2024-10", 0),
        ("2024-11", 1),
        ("2024-12", 0),
        ("2025-01", 0),
        ("2025-02", 2),
    ]
    assert timeline.draw_timeline(counts, JAPANESE).labels["2025-02"] == "2025年2月"
    assert timeline.month_counts([]) == ()
    assert timeline.draw_timeline((), JAPANESE) is None


def test_timeline_bars_and_table_match_the_articles() -> None:
    _, articles = corpus(10, 150)
    months = [a.month for a in articles]
    expected = Counter(months)
    picture = timeline.draw_timeline(timeline.month_counts(months), JAPANESE)
    targets = {key: f"archive/{key.replace('-', '/')}" for key in expected}
    soup = BeautifulSoup(render_timeline(picture, targets), "html.parser")
    bars = soup.select("svg a.kb-graph-bar-link")
    assert {a["href"] for a in bars} == {url(t) for t in targets.values()}
    for bar in soup.select("path.kb-graph-bar"):
        label, count = bar.title.get_text().split(": ")
        year, month = re.match(r"(\d+)年(\d+)月", label).groups()
        assert expected[f"{year}-{int(month):02d}"] == int(count.rstrip("件"))
    rows = soup.select("table.kb-graph-table tbody tr")
    assert len(rows) == len(expected)
    for row in rows:
        link = row.select_one("th a")
        key = link["href"].removeprefix("../archive/").removesuffix(".html").replace("/", "-")
        assert int(row.td.get_text()) == expected[key]
    # Tallest bar is the busiest month.
    heights = {b.month.key: b.height for b in picture.bars}
    assert max(heights, key=lambda k: (heights[k], expected[k])) in {
        k for k, v in expected.items() if v == max(expected.values())
    }


def test_months_without_an_archive_page_are_not_linked() -> None:
    picture = timeline.draw_timeline(timeline.month_counts(["2025-01", "2025-03"]), JAPANESE)
    soup = BeautifulSoup(render_timeline(picture, {"2025-03": "archive/2025/03"}), "html.parser")
    assert [a["href"] for a in soup.select("svg a")] == [url("archive/2025/03")]
    assert [r.th.get_text() for r in soup.select("tbody tr")] == ["2025年1月", "2025年3月"]
    assert soup.select("tbody tr")[0].th.a is None


def test_timeline_keeps_the_latest_ten_years() -> None:
    months = [f"{year}-06" for year in range(2000, 2026)]
    picture = timeline.draw_timeline(timeline.month_counts(months), JAPANESE)
    assert len(picture.bars) == timeline.MAX_MONTHS
    assert picture.months[0].key == "2016-06"
    assert picture.hidden_months == 16
    assert picture.total == 10
