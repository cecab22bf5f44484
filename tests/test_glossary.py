"""The glossary: entry pages, roles, terms, auto-linked mentions, backlinks, overviews.

Most tests read one real build of a project with the repository's glossary and
a handful of articles (module-scoped); the parallel, plain and incremental
builds each get their own project.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from docutils import nodes
from hypothesis import given, settings
from hypothesis import strategies as st
from sphinx import addnodes

from kb.core.glossarytable import Declared, GlossaryTable, fold_chars
from kb.sphinx.linking import link_mentions
from kbtesting import REPO, Build, article, build, leftmost_longest, seed_text, write_project

SEED = "articles/2025/11/seed"


def glossary_sources() -> dict[str, dict[str, Any]]:
    """docname -> front matter of every entry in the repository's glossary."""
    entries = {}
    for path in sorted((REPO / "docs" / "glossary").glob("*/*.md")):
        if path.stem == "index":
            continue
        text = path.read_text(encoding="utf-8")
        entries[f"glossary/{path.parent.name}/{path.stem}"] = yaml.safe_load(text.split("---")[1])
    return entries


BOUNDARY = article(
    """
    H1000は架空の型番で、H100とは別物。AMDXという名前はAMDとは無関係。
    metadataの話とMetaの話。
    """,
    title="境界",
    date="2025-11-01",
)
VARIANTS = article(
    "Ｎｖｉｄｉａの決算と、ｈ１００の出荷と、nvidiaの株価。", title="幅", date="2025-11-02"
)
LONGEST = article(
    "Amazon EC2 UltraServersとAWSの話。NVIDIA H100の話。", title="最長", date="2025-11-03"
)
EXCLUDED = article(
    """
    序文です。

    ## 見出しのNvidiaとAMD

    `Nvidia` と `AMD` のコード。

    ```python
    Nvidia = "AMD"
    ```

    [Nvidiaのサイト](https://www.nvidia.com/) と [AMD](https://www.amd.com/)。

    ```{raw} html
    <p class="raw">Nvidia</p>
    ```

    最後にNvidiaとAMD、もう一度Nvidia。
    """,
    title="除外",
    date="2025-11-04",
)
ROLES = article(
    """
    {partner}`ｎｖｉｄｉａ` と {tech}`h100` と {kb:partner}`エヌビディア` と {kb:tech}`GPU`。

    {partner}`存在しない会社` は未知。

    {term}`Nvidia` と {term}`エヌビディア` と {term}`NVIDIA`。

    そのあとのNvidiaはリンクされない。DupAliasは重複項目。
    """,
    title="ロール",
    date="2025-11-05",
)
OPTOUT = article(
    "Nvidiaを扱うがリンクしない記事。", title="リンクなし", date="2025-11-06", kb_autolink=False
)
NONAME = "---\nsummary: 名前のない項目\n---\n\n本文。\n"
DUP = (
    '---\nname: "Dup *Tech*"\naliases: ["NVIDIA", "DupAlias"]\n'
    'summary: "重複の検査"\nrelated: ["Nvidia"]\n---\n\n本文。\n'
)

FILES = {
    f"{SEED}.md": seed_text(),
    "articles/2025/11/boundary.md": BOUNDARY,
    "articles/2025/11/variants.md": VARIANTS,
    "articles/2025/11/longest.md": LONGEST,
    "articles/2025/11/excluded.md": EXCLUDED,
    "articles/2025/11/roles.md": ROLES,
    "articles/2025/11/optout.md": OPTOUT,
    "glossary/partners/zz-noname.md": NONAME,
    "glossary/technologies/zz-dup.md": DUP,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    src = write_project(tmp_path_factory.mktemp("site"), FILES, with_glossary=True)
    return build(src, parallel=1)


#: Appended to conf.py of the parallel build: each process that reads a document
#: notes it in a file named after its process id.
READER_PROBE = """
import os as _os


def setup(app):
    def note_reader(app, docname, source):
        with open(_os.path.join({folder!r}, str(_os.getpid())), "a", encoding="utf-8") as f:
            f.write(docname + "\\n")

    app.connect("source-read", note_reader)
"""


@pytest.fixture(scope="module")
def site_parallel(tmp_path_factory: pytest.TempPathFactory) -> Build:
    src = write_project(tmp_path_factory.mktemp("parallel"), FILES, with_glossary=True)
    readers = src.parent / "readers"
    readers.mkdir()
    conf = src / "conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8") + READER_PROBE.format(folder=str(readers)),
        encoding="utf-8",
    )
    return build(src, parallel=2)


def main(soup: BeautifulSoup) -> Any:
    return soup.select_one("article[role=main]")


def body(soup: BeautifulSoup) -> Any:
    """The article's own content: no footer with related articles or neighbours."""
    content = main(soup)
    for generated in content.select(".kb-related, .kb-neighbours"):
        generated.decompose()
    return content


def entry_links(soup: BeautifulSoup) -> dict[str, list[str]]:
    """Entry docname -> texts of the links to it in the article body."""
    found: dict[str, list[str]] = {}
    for link in body(soup).select("a.kb-entry-link"):
        target = link["href"].split("#")[0].rsplit("glossary/", 1)[-1].removesuffix(".html")
        found.setdefault(f"glossary/{target}", []).append(link.get_text())
    return found


# --- auto-linked mentions ---------------------------------------------------------


def _named_entries(text: str, entries: dict[str, dict[str, Any]]) -> set[str]:
    """Independent oracle: entries with a stand-alone mention not inside a longer one."""
    text = unicodedata.normalize("NFKC", text).casefold()
    spans: list[tuple[int, int, str]] = []
    for docname, data in entries.items():
        for name in [data["name"], *data.get("aliases", [])]:
            needle = re.escape(unicodedata.normalize("NFKC", name).casefold())
            before = r"(?<![a-z0-9])" if re.match(r"[a-z0-9]", name.casefold()) else ""
            after = r"(?![a-z0-9])" if re.search(r"[a-z0-9]$", name.casefold()) else ""
            pattern = before + needle + after
            spans += [(m.start(), m.end(), docname) for m in re.finditer(pattern, text)]
    return {
        docname
        for start, end, docname in spans
        if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in spans)
    }


def test_seed_article_links_every_partner_and_technology_it_names(site: Build) -> None:
    text = seed_text().split("---", 2)[2].replace("**", "")
    expected = _named_entries(text, glossary_sources())
    links = entry_links(site.html(SEED))
    assert set(links) == expected
    assert any(d.startswith("glossary/partners/") for d in expected)
    assert any(d.startswith("glossary/technologies/") for d in expected)
    # First mention only (the default): one link per entry.
    assert all(len(texts) == 1 for texts in links.values()), links


def test_entry_page_lists_mentioning_articles_with_counts(site: Build) -> None:
    page = main(site.html("glossary/partners/nvidia"))
    backlinks = page.select_one(".kb-backlinks")
    titles = [a.get_text() for a in backlinks.select(".kb-item-title a")]
    dates = [dt.datetime.fromisoformat(t["datetime"]) for t in backlinks.select("time")]
    assert dates == sorted(dates, reverse=True) and len(dates) == len(titles)
    # Newest first; the opted-out article counts although it links nothing, and
    # "NVIDIA H100" is a mention of H100, not of Nvidia.
    assert titles == [site.domain.articles[SEED].title, "リンクなし", "ロール", "除外", "幅"]
    assert backlinks.select_one(".kb-count").get_text() == f"{len(titles)}件の記事"
    together = {
        li.a.get_text(): li.select_one(".kb-num").get_text()
        for li in page.select(".kb-together li")
    }
    # H100 appears with Nvidia in the seed, the variants and the roles article.
    assert together["H100"] == "(3件)"
    assert "Nvidia" not in together


def test_latin_names_match_only_on_latin_boundaries(site: Build) -> None:
    links = entry_links(site.html("articles/2025/11/boundary"))
    assert links == {
        "glossary/technologies/h100": ["H100"],
        "glossary/partners/amd": ["AMD"],
        "glossary/partners/meta": ["Meta"],
    }
    text = body(site.html("articles/2025/11/boundary")).get_text()
    assert "H1000は架空" in text and "AMDXという" in text and "metadataの話" in text


def test_case_and_width_variants_link(site: Build) -> None:
    links = entry_links(site.html("articles/2025/11/variants"))
    assert links == {
        "glossary/partners/nvidia": ["Ｎｖｉｄｉａ"],
        "glossary/technologies/h100": ["ｈ１００"],
    }


def test_longest_match_wins(site: Build) -> None:
    links = entry_links(site.html("articles/2025/11/longest"))
    assert links == {
        "glossary/technologies/amazon-ec2-ultraservers": ["Amazon EC2 UltraServers"],
        "glossary/partners/aws": ["AWS"],
        "glossary/technologies/h100": ["NVIDIA H100"],
    }


def test_no_links_in_headings_code_literals_links_or_raw(site: Build) -> None:
    page = body(site.html("articles/2025/11/excluded"))
    for element in page.select("h1, h2, code, pre, .raw"):
        assert element.select(".kb-mention") == [], element
    external = page.select("a.reference.external")
    assert [a.get_text() for a in external] == ["Nvidiaのサイト", "AMD"]
    assert all(a.select(".kb-mention") == [] for a in external)
    # The first mention in running text is the one linked, once per entry.
    assert entry_links(site.html("articles/2025/11/excluded")) == {
        "glossary/partners/nvidia": ["Nvidia"],
        "glossary/partners/amd": ["AMD"],
    }
    last = page.find(string=re.compile("もう一度")).parent
    assert last.get_text() == "最後にNvidiaとAMD、もう一度Nvidia。"


def test_article_that_opts_out_has_no_links(site: Build) -> None:
    assert entry_links(site.html("articles/2025/11/optout")) == {}
    assert "Nvidiaを扱う" in body(site.html("articles/2025/11/optout")).get_text()


def test_mention_links_show_the_summary_on_hover(site: Build) -> None:
    link = body(site.html(SEED)).select_one('a.kb-entry-link[href*="nvidia"]')
    assert link["title"] == glossary_sources()["glossary/partners/nvidia"]["summary"]
    assert link.select_one(".kb-mention").get_text() == "Nvidia"


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Build:
    files = {path: FILES[path] for path in (f"{SEED}.md", "articles/2025/11/excluded.md")}
    return build(write_project(tmp_path_factory.mktemp("plain"), files, with_glossary=False))


@pytest.mark.parametrize("pagename", [SEED, "articles/2025/11/excluded"])
def test_linking_keeps_the_rendered_text_identical(
    site: Build, plain: Build, pagename: str
) -> None:
    linked, unlinked = body(site.html(pagename)), body(plain.html(pagename))
    assert linked.select(".kb-mention") and not unlinked.select(".kb-mention")
    assert linked.get_text() == unlinked.get_text()


# --- roles, terms, index, anchors -----------------------------------------------


def test_roles_resolve_names_and_aliases_ignoring_case_and_width(site: Build) -> None:
    page = body(site.html("articles/2025/11/roles"))
    roles = {
        a.get_text(): a["href"] for a in page.select("a.kb-entry-link") if a.select_one(".xref")
    }
    assert roles == {
        "ｎｖｉｄｉａ": "../../../glossary/partners/nvidia.html#kb-entry-nvidia",
        "h100": "../../../glossary/technologies/h100.html#kb-entry-h100",
        "エヌビディア": "../../../glossary/partners/nvidia.html#kb-entry-nvidia",
        "GPU": "../../../glossary/technologies/gpu.html#kb-entry-gpu",
    }
    # The explicit link counts as Nvidia's first: the later plain mention stays text.
    assert "そのあとのNvidiaはリンクされない" in page.get_text()
    assert [mention.get_text() for mention in page.select(".kb-mention")] == ["DupAlias"]


def test_unknown_role_name_warns_with_location_and_stays_text(site: Build) -> None:
    assert re.search(
        r"roles\.md:\d+: WARNING: unknown glossary name '存在しない会社'", site.warnings
    )
    page = body(site.html("articles/2025/11/roles"))
    unknown = page.find(string="存在しない会社")
    assert unknown is not None and unknown.find_parent("a") is None


def test_term_role_links_to_the_entry_anchor(site: Build) -> None:
    page = body(site.html("articles/2025/11/roles"))
    terms = {
        a.get_text(): a["href"] for a in page.select("a .std-term") for a in [a.find_parent("a")]
    }
    target = "../../../glossary/partners/nvidia.html#kb-entry-nvidia"
    assert terms == {"Nvidia": target, "エヌビディア": target, "NVIDIA": target}
    assert "term not in glossary" not in site.warnings


def test_entry_anchors_are_stable_and_indexed(site: Build) -> None:
    nvidia = main(site.html("glossary/partners/nvidia"))
    assert nvidia.select_one("section")["id"] == "kb-entry-nvidia"
    assert main(site.html("glossary/technologies/data-center")).select_one("section")["id"] == (
        "kb-entry-データセンター"
    )
    html = site.page_path("glossary/partners/nvidia").read_text(encoding="utf-8")
    assert not re.search(r'id="term-\d+"', html)
    index = site.html("genindex")
    entries = {(a.get_text(), a["href"]) for a in main(index).select("a")}
    assert ("Nvidia", "glossary/partners/nvidia.html#kb-entry-nvidia") in entries
    assert ("エヌビディア", "glossary/partners/nvidia.html#kb-entry-nvidia") in entries
    center = "glossary/technologies/data-center.html#kb-entry-データセンター"
    assert ("データセンター", center) in entries


# --- entry pages and warnings ---------------------------------------------------


def test_entry_page_shows_name_summary_aliases_website_related(site: Build) -> None:
    page = main(site.html("glossary/partners/nvidia"))
    source = glossary_sources()["glossary/partners/nvidia"]
    assert page.h1.get_text().rstrip("¶") == "Nvidia"
    assert page.select_one(".kb-entry-summary").get_text() == source["summary"]
    assert page.select_one(".kb-entry-aliases").get_text() == "別名：NVIDIA、エヌビディア"
    assert page.select_one(".kb-entry-website a")["href"] == "https://www.nvidia.com/"
    related = [a.get_text() for a in page.select(".kb-entry-related a.kb-entry-link")]
    assert related == source["related"]
    assert "1993年にジェンスン・フアン" in page.get_text()


def test_entry_title_is_plain_text(site: Build) -> None:
    page = main(site.html("glossary/technologies/zz-dup"))
    assert page.h1.get_text().rstrip("¶") == "Dup *Tech*"
    assert page.h1.find("em") is None


def test_entry_without_name_and_duplicate_alias_warn_with_file_and_line(site: Build) -> None:
    assert re.search(
        r"zz-noname\.md:1: WARNING: glossary entry has no name.*\[kb\.glossary\]", site.warnings
    )
    assert re.search(
        r"zz-dup\.md:3: WARNING: glossary alias 'NVIDIA' is already used by "
        r"glossary/partners/nvidia \(Nvidia\).*\[kb\.glossary\]",
        site.warnings,
    )
    # The entry sorted first keeps the alias; the other alias still works.
    assert entry_links(site.html("articles/2025/11/roles"))["glossary/technologies/zz-dup"] == [
        "DupAlias"
    ]
    assert (
        main(site.html("glossary/technologies/zz-dup")).select_one(".kb-entry-aliases").get_text()
        == "別名：DupAlias"
    )
    assert site.exists("glossary/partners/zz-noname")


def test_entry_pages_are_not_toctree_orphans_warnings(site: Build) -> None:
    entries = [d for d in site.app.env.found_docs if d.startswith("glossary/") and "/" in d[9:]]
    assert len(entries) > 30
    assert all(site.app.env.metadata[d].get("orphan") for d in entries)
    assert not re.search(
        r"glossary/(partners|technologies)/.*included in any toctree", site.warnings
    )
    assert "Traceback" not in site.warnings


def test_entry_pages_carry_aliases_as_text(site: Build) -> None:
    """Aliases are shown as plain text (the search index gets them as entry fields)."""
    page = main(site.html("glossary/partners/tsmc"))
    shown = page.select_one(".kb-entry-aliases").get_text()
    aliases = glossary_sources()["glossary/partners/tsmc"]["aliases"]
    assert shown == "別名：" + "、".join(aliases)


# --- overview pages ---------------------------------------------------------------


def test_overview_pages_list_entries_with_summary_and_count(site: Build) -> None:
    sources = glossary_sources()
    for folder in ("partners", "technologies"):
        page = main(site.html(f"glossary/{folder}/index"))
        assert page.select_one(f"#kb-{folder}") is not None
        rows = {tr.a.get_text(): tr for tr in page.select("table.kb-glossary-table tbody tr")}
        expected = {d["name"] for name, d in sources.items() if name.split("/")[1] == folder}
        assert expected <= set(rows)
    table = main(site.html("glossary/partners/index")).select_one("table.kb-glossary-table")
    nvidia = table.find("a", string="Nvidia").find_parent("tr")
    count = len(main(site.html("glossary/partners/nvidia")).select(".kb-backlinks .kb-item"))
    assert nvidia.select_one(".kb-num").get_text() == str(count)
    assert (
        nvidia.select_one(".kb-entry-summary").get_text()
        == sources["glossary/partners/nvidia"]["summary"]
    )
    index = main(site.html("glossary/index"))
    assert {a["href"] for a in index.select("a.kb-page-link")} >= {
        "partners/index.html",
        "technologies/index.html",
    }


# --- builds -----------------------------------------------------------------------


def test_parallel_build_equals_serial_build(site: Build, site_parallel: Build) -> None:
    pagenames = [
        name for name in site.app.env.found_docs if name.startswith(("articles/", "glossary/"))
    ]
    assert len(pagenames) > 30
    # Reading really ran in parallel: worker processes, not this one, read the
    # documents, each exactly once, and more than one worker took part.
    readers = {
        int(path.name): path.read_text(encoding="utf-8").split()
        for path in (site_parallel.srcdir.parent / "readers").iterdir()
    }
    assert os.getpid() not in readers
    assert len(readers) >= 2, readers.keys()
    read = [docname for docnames in readers.values() for docname in docnames]
    assert sorted(read) == sorted(site_parallel.app.env.found_docs)
    for pagename in sorted(pagenames):
        assert str(main(site.html(pagename))) == str(main(site_parallel.html(pagename))), pagename
    for folder in ("partners", "technologies"):
        overview = f"glossary/{folder}/index"
        assert str(main(site.html(overview))) == str(main(site_parallel.html(overview)))
    assert site.domain.mentions == site_parallel.domain.mentions


def _touch(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    # A later mtime than the last build even on coarse file systems.
    stamp = path.stat().st_mtime + 5
    os.utime(path, (stamp, stamp))


def _status(result: Build) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", result.status)


def _read_docs(result: Build) -> set[str]:
    return set(re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", _status(result)))


def test_incremental_builds_follow_mentions_and_names(tmp_path: Path) -> None:
    src = write_project(
        tmp_path,
        {
            "articles/2025/11/a.md": article("AMDの新製品。", title="記事A", date="2025-11-01"),
            "articles/2025/11/b.md": article(
                "台湾セミコンの工場。", title="記事B", date="2025-11-02"
            ),
        },
        with_glossary=True,
    )
    build(src)
    changed = article("TSMCの新工場。", title="記事A", date="2025-11-01")
    _touch(src / "articles/2025/11/a.md", changed)
    second = build(src)
    assert _read_docs(second) == {"articles/2025/11/a"}
    tsmc = [a.get_text() for a in second.html("glossary/partners/tsmc").select(".kb-backlinks a")]
    amd = [a.get_text() for a in second.html("glossary/partners/amd").select(".kb-backlinks a")]
    assert "記事A" in tsmc and "記事A" not in amd

    # A new alias changes what articles link: every article is re-read with it.
    tsmc_file = src / "glossary/partners/tsmc.md"
    _touch(
        tsmc_file,
        tsmc_file.read_text(encoding="utf-8").replace('aliases: ["', 'aliases: ["台湾セミコン", "'),
    )
    third = build(src)
    assert {"articles/2025/11/a", "articles/2025/11/b"} <= _read_docs(third)
    assert entry_links(third.html("articles/2025/11/b")) == {
        "glossary/partners/tsmc": ["台湾セミコン"]
    }
    titles = [a.get_text() for a in third.html("glossary/partners/tsmc").select(".kb-item-title a")]
    assert titles == ["記事B", "記事A"]


# --- the linker on its own --------------------------------------------------------


def _table(*entries: tuple[str, tuple[str, ...]]) -> GlossaryTable:
    return GlossaryTable(
        Declared(f"glossary/x/{i:02d}", "partner", name, aliases, "")
        for i, (name, aliases) in enumerate(entries)
    )


TABLE = _table(
    ("AMD", ()),
    ("H100", ("NVIDIA H100",)),
    ("Nvidia", ("NVIDIA", "エヌビディア")),
    ("Meta", ()),
    ("AWS", ()),
    ("Amazon EC2 UltraServers", ("EC2 UltraServers",)),
    ("データセンター", ("データセンタ",)),
    ("生成AI", ()),
)
ALPHABET = [
    "AMD",
    "H100",
    "0",
    "X",
    "x",
    "Nvidia",
    "ＮＶＩＤＩＡ",
    "NVIDIA H100",
    "Meta",
    "data",
    "EC2 UltraServers",
    "Amazon ",
    " ",
    "データセンタ",
    "ー",
    "生成AI",
    "の",
    "。",
    "\n",
]
texts = st.lists(st.sampled_from(ALPHABET), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_linker_is_leftmost_longest_on_latin_boundaries(text: str) -> None:
    linker = TABLE.linker
    found = [(m.start, m.end, m.docname) for m in linker.find(text)]
    assert found == leftmost_longest(linker, text)
    assert len(fold_chars(text)) == len(text)


def _paragraph(parts: list[tuple[str, str]]) -> nodes.paragraph:
    paragraph = nodes.paragraph()
    for kind, text in parts:
        if kind == "code":
            paragraph += nodes.literal(text, text)
        elif kind == "strong":
            paragraph += nodes.strong(text, text)
        else:
            paragraph += nodes.Text(text)
    return paragraph


parts = st.lists(st.tuples(st.sampled_from(["text", "code", "strong"]), texts), max_size=6)


@settings(max_examples=200, deadline=None)
@given(parts, st.sampled_from(["first", "section", "all", "none"]))
def test_linking_keeps_text_and_never_nests_or_enters_code(
    parts: list[tuple[str, str]], mode: str
) -> None:
    section = nodes.section()
    section += nodes.title("Nvidia", "Nvidia")
    section += _paragraph(parts)
    before = section.astext()
    counts = link_mentions(section, TABLE, mode)
    assert section.astext() == before
    xrefs = list(section.findall(addnodes.pending_xref))
    for xref in xrefs:
        assert not any(
            isinstance(a, (addnodes.pending_xref, nodes.literal, nodes.title))
            for a in _ancestors(xref)
        )
        assert fold_chars(xref.astext()) in TABLE.linker.words
    linked = [xref["reftarget"] for xref in xrefs]
    if mode == "none":
        assert linked == []
    elif mode != "all":
        assert len(linked) == len({TABLE.find(t) for t in linked})
    # Every mention outside code is counted, linked or not, the title's included.
    assert sum(counts.values()) == 1 + _mentions_in(parts)


def _mentions_in(parts: list[tuple[str, str]]) -> int:
    return sum(len(TABLE.linker.find(text)) for kind, text in parts if kind != "code")


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    found = []
    while node.parent is not None:
        node = node.parent
        found.append(node)
    return found


def test_link_modes_first_section_all() -> None:
    def document() -> nodes.Element:
        root = nodes.document("", nodes.section())  # type: ignore[arg-type]
        for _ in range(2):
            section = nodes.section()
            section += nodes.paragraph("", "", nodes.Text("NvidiaとAMD、またNvidia。"))
            root += section
        return root

    def linked(mode: str) -> list[str]:
        root = document()
        counts = link_mentions(root, TABLE, mode)
        assert counts == {TABLE.find("Nvidia"): 4, TABLE.find("AMD"): 2}
        return [xref.astext() for xref in root.findall(addnodes.pending_xref)]

    assert linked("first") == ["Nvidia", "AMD"]
    assert linked("section") == ["Nvidia", "AMD", "Nvidia", "AMD"]
    assert linked("all") == ["Nvidia", "AMD", "Nvidia"] * 2
    assert linked("none") == []


def test_duplicate_names_go_to_the_entry_sorted_first() -> None:
    table = _table(("Alpha", ("Shared",)), ("Beta", ("shared", "Only")))
    assert table.find("SHARED") == "glossary/x/00"
    assert table.owned["glossary/x/01"] == ("Beta", "Only")
    assert [c.text for c in table.conflicts["glossary/x/01"]] == ["shared"]
    assert [m.docname for m in table.linker.find("Sharedと Only")] == [
        "glossary/x/00",
        "glossary/x/01",
    ]


def test_repository_glossary_has_no_conflicts() -> None:
    declared = [
        Declared(docname, "k", data["name"], tuple(data.get("aliases", [])), "")
        for docname, data in glossary_sources().items()
    ]
    assert GlossaryTable(declared).conflicts == {}
