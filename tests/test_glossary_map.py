"""The glossary's front page shows the relationship map, partners and technologies together.

The seed glossary (its front page docs/glossary/index.md as the repository has it) is
built with articles that mention partners and technologies; the front page must show the
same map as the overviews, with a node for every mentioned entry of both kinds, each
linked to its entry; the overviews keep theirs. An edit that mentions another entry
redraws the front page's map on the next (incremental) build; ``kb_graphs = False``
leaves it out; builders without HTML (LaTeX) leave it out without a warning.
"""

from __future__ import annotations

from pathlib import Path

from kbtesting import article, build, write_project

FILES = {
    "index.md": "# ホーム\n\n```{toctree}\n:hidden:\nglossary/index\n```\n",
    "articles/2025/11/a.md": article("NVIDIAとOpenAIがHBMを使う。", title="記事A"),
    "articles/2025/11/b.md": article(
        "TSMCはNVIDIAのGPUを作る。", title="記事B", date="2025-11-08 02:00:00 +0000"
    ),
}

#: A front page of the project's own that asks for the map.
OWN_FRONT_PAGE = {"glossary/index.md": "# 用語\n\n```{kb-relationship-map}\n```\n"}


def map_nodes(soup: object, selector: str = "figure.kb-graph-map") -> dict[str, set[str]]:
    """kind -> the entry pages the map's nodes link to."""
    figure = soup.select_one(selector)  # type: ignore[attr-defined]
    assert figure is not None
    found: dict[str, set[str]] = {}
    for node in figure.select("svg a.kb-graph-node"):
        kind = next(c for c in node["class"] if c.startswith("kb-graph-kind-"))
        found.setdefault(kind.removeprefix("kb-graph-kind-"), set()).add(node["href"])
    return found


def test_front_page_shows_the_whole_map_as_the_overviews_do(tmp_path: Path) -> None:
    result = build(write_project(tmp_path, FILES, index=None, with_glossary=True))
    assert "WARNING" not in result.warnings, result.warnings
    front = result.html("glossary/index")
    nodes = map_nodes(front)
    assert nodes == {
        "partner": {"partners/nvidia.html", "partners/openai.html", "partners/tsmc.html"},
        "technology": {"technologies/hbm.html", "technologies/gpu.html"},
    }
    # The same picture as the partner overview's, links relative to each page.
    overview = result.html("glossary/partners/index")
    assert {kind: {h.rpartition("/")[2] for h in hrefs} for kind, hrefs in nodes.items()} == {
        kind: {h.rpartition("/")[2] for h in hrefs} for kind, hrefs in map_nodes(overview).items()
    }
    assert result.html("glossary/technologies/index").select_one("figure.kb-graph-map")
    # Its table names every entry with its kind, for those who do not see the picture.
    rows = front.select("figure.kb-graph-map table.kb-graph-table tbody th a")
    assert sorted(a.get_text() for a in rows) == ["GPU", "HBM", "Nvidia", "OpenAI", "TSMC"]
    assert front.select_one('link[href*="kb-graph.css"]') is not None


def test_an_edit_redraws_the_front_page_map(tmp_path: Path) -> None:
    src = write_project(tmp_path, FILES, index=None, with_glossary=True)
    build(src)
    (src / "articles/2025/11/c.md").write_text(
        article("Microsoftの話。", title="記事C", date="2025-11-09 02:00:00 +0000"),
        encoding="utf-8",
    )
    again = build(src)
    assert "partners/microsoft.html" in map_nodes(again.html("glossary/index"))["partner"]


def test_graphs_off_leaves_the_map_out(tmp_path: Path) -> None:
    files = {**FILES, **OWN_FRONT_PAGE}
    src = write_project(tmp_path, files, index=None, with_glossary=True, conf="kb_graphs = False\n")
    result = build(src)
    assert "WARNING" not in result.warnings, result.warnings
    assert result.html("glossary/index").select_one("figure.kb-graph-map") is None


def test_a_book_leaves_the_map_out(tmp_path: Path) -> None:
    files = {**FILES, **OWN_FRONT_PAGE}
    result = build(write_project(tmp_path, files, index=None, with_glossary=True), "latex")
    assert "WARNING" not in result.warnings, result.warnings
    tex = next(result.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert "kb-graph" not in tex and "NVIDIA" in tex
