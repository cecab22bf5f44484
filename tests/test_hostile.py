"""Hostile input in real builds: markup in every field, unsafe names, broken files.

Each group builds one small project for real (html and dirhtml where the URL
layout matters) and reads every file Sphinx and kb wrote. A case fails when a
payload is live anywhere, a page lands outside the output folder, a bad file
stops the build or is reported without its file and line, or a good article
next to a bad one is not fully built.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from kb.cli import main as kb_main
from kb.core.names import MAX_SLUG_LENGTH
from kbtesting import Build, article, build, front_matter, has_summary, write_project

ATOM = "{http://www.w3.org/2005/Atom}"

# --- 1. escaping everywhere --------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(1)>'
#: What a payload looks like when it is live markup rather than text.
LIVE = ("<script>alert", "<img src=x", "<svg onload")
#: Files that hold the search index; the search engine (ext/kb/search) writes them.
def search_files(outdir: Path) -> list[Path]:
    """Every file of the search index: Sphinx's stub and kb's manifest and chunks."""
    return [outdir / "searchindex.js", *sorted((outdir / "kb-search").rglob("*.js"))]

ENTRY_NAME = f"{SCRIPT}Evil"
ENTRY = (
    "---\n"
    f'name: "{ENTRY_NAME}"\n'
    f'aliases: ["{IMG}", "EvilCo"]\n'
    f'summary: "\\"><svg onload=alert(1)> {SCRIPT}"\n'
    "---\n\n本文。\n"
)
XSS_FILES = {
    "articles/2025/01/xss.md": article(
        # Body text holds the entry's names as text (entities), never as markup.
        "EvilCo の話と &lt;script&gt;alert(1)&lt;/script&gt;Evil の話。",
        title=SCRIPT,
        author=IMG,
        tags=[SVG, f"t'>{SCRIPT}"],
        categories=[f"{SVG}分類"],
        excerpt=f"{SVG}{SCRIPT}",
        date="2025-01-10",
    ),
    # Shares a tag: its page lists the hostile article as related and as a neighbour.
    "articles/2025/01/neighbour.md": article(
        "隣の記事。", title="隣", tags=[SVG], author="普通", date="2025-01-11"
    ),
    "glossary/partners/evil.md": ENTRY,
    "_data/taxonomy.yaml": (
        "tags:\n"
        f"  't''>{SCRIPT}':\n"
        f"    description: '{IMG} の説明'\n"
        "categories:\n"
        f"  '{SVG}分類':\n"
        f"    name: '{SCRIPT}分類名'\n"
        f"    description: '{SVG}'\n"
    ),
}
XSS_INDEX = """# ホーム

```{kb-latest}
:count: 5
```

```{kb-category-cards}
```

```{kb-tag-cloud}
```

```{kb-list}
:tag: t'><script>alert(1)</script>
```
"""


@pytest.fixture(scope="module", params=["html", "dirhtml"])
def xss_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp(f"xss-{request.param}")
    src = write_project(root, {**XSS_FILES, "index.md": XSS_INDEX}, with_glossary=True)
    return build(src, builder=request.param)


def output_files(outdir: Path, suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(p for p in outdir.rglob("*") if p.is_file() and p.suffix in suffixes)


def test_escape_site_is_complete(xss_site: Build) -> None:
    """The scans below only mean something if every page carrying a payload exists."""
    taxonomy = xss_site.domain.taxonomy
    pages = [
        "articles/2025/01/xss",
        "articles/2025/01/neighbour",
        "index",
        "glossary/partners/evil",
        "glossary/partners/index",
        "tags/index",
    ]
    pages += [
        term.pagename
        for kind in ("tag", "category", "author")
        for term in taxonomy.sorted_terms(kind)
    ]
    for page in pages:
        assert xss_site.exists(page), page
    assert len(taxonomy.sorted_terms("tag")) == 2
    assert (xss_site.outdir / "feeds" / "atom.xml").is_file()
    assert "Traceback" not in xss_site.warnings


def test_no_live_payload_in_any_html_file(xss_site: Build) -> None:
    files = output_files(xss_site.outdir, (".html",))
    assert len(files) > 40
    for path in files:
        raw = path.read_text(encoding="utf-8")
        for payload in LIVE:
            assert payload not in raw, (path, payload)
        soup = BeautifulSoup(raw, "html.parser")
        for script in soup.find_all("script"):
            if script.get("type") == "application/ld+json":
                # Data, never run: the names are in it, with "<" escaped so the
                # script element cannot be closed early, and it parses as JSON.
                assert "<" not in script.get_text(), path
                json.loads(script.get_text())
                continue
            assert "alert" not in script.get_text(), path
        for element in soup.find_all(True):
            handlers = [name for name in element.attrs if name.lower().startswith("on")]
            assert not handlers, (path, element.name, handlers)
            assert element.name not in ("svg", "img") or element.get("src") != "x", path


def test_no_raw_markup_in_feeds_json_and_scripts(xss_site: Build) -> None:
    files = [
        p
        for p in output_files(xss_site.outdir, (".xml", ".js", ".json"))
        if p not in search_files(xss_site.outdir)
    ]
    assert any(p.suffix == ".xml" for p in files)
    for path in files:
        raw = path.read_text(encoding="utf-8")
        for payload in ("<script", "<img", "<svg"):
            assert payload not in raw, (path, payload)


def test_search_index_files_encode_markup(xss_site: Build) -> None:
    files = search_files(xss_site.outdir)
    assert len(files) > 3
    for path in files:
        raw = path.read_text(encoding="utf-8")
        for payload in ("<script", "<img", "<svg"):
            assert payload not in raw, (path, payload)


def test_payloads_show_as_the_text_that_was_written(xss_site: Build) -> None:
    """Escaped once, not dropped and not escaped twice: readers see what the author wrote."""
    page = xss_site.html("articles/2025/01/xss")
    assert page.find("h1").get_text().rstrip("¶") == SCRIPT
    assert page.find("title").get_text().startswith(SCRIPT)
    assert [a.get_text() for a in page.select(".kb-byline .kb-author")] == [IMG]
    badges = [b.get_text() for b in page.select(".kb-badges .sd-badge")]
    # The category shows the display name the taxonomy file gives it, as everywhere.
    assert badges == [f"{SCRIPT}分類名", SVG, f"t'>{SCRIPT}"]
    meta = {
        m.get("property") or m.get("name"): m["content"]
        for m in page.find_all("meta")
        if m.get("content")
    }
    assert meta["description"] == f"{SVG}{SCRIPT}"
    assert meta["og:title"] == SCRIPT
    mention = {a.get_text(): a.get("title") for a in page.select("a.kb-entry-link")}
    assert mention["EvilCo"] == f'"><svg onload=alert(1)> {SCRIPT}'


def test_generated_pages_show_names_as_text(xss_site: Build) -> None:
    taxonomy = xss_site.domain.taxonomy
    tag = taxonomy.term("tag", f"t'>{SCRIPT}")
    page = xss_site.html(tag.pagename)
    assert page.find("h1").get_text() == f"タグ: t'>{SCRIPT}"
    # Sphinx strips tags from <title>: a name must reach it escaped, or it loses text.
    assert page.find("title").get_text().startswith(f"タグ: t'>{SCRIPT}")
    assert page.select_one(".kb-description").get_text() == f"{IMG} の説明"
    assert page.find("meta", attrs={"name": "description"})["content"] == f"{IMG} の説明"
    assert page.select_one(".kb-item-title").get_text() == SCRIPT
    category = xss_site.html(taxonomy.term("category", f"{SVG}分類").pagename)
    assert category.find("h1").get_text() == f"カテゴリ: {SCRIPT}分類名"
    author = xss_site.html(taxonomy.term("author", IMG).pagename)
    assert author.find("h1").get_text() == f"著者: {IMG}"
    home = xss_site.html("index")
    assert SCRIPT in [c.get_text() for c in home.select(".kb-card .sd-card-title")]
    assert f"t'>{SCRIPT}" in [a.get_text() for a in home.select(".kb-tag-cloud a")]
    assert f"{SCRIPT}分類名" in [c.get_text() for c in home.select(".kb-term-card .sd-card-title")]
    neighbour = xss_site.html("articles/2025/01/neighbour")
    assert SCRIPT in neighbour.select_one(".kb-related").get_text()
    assert any(SCRIPT in a.get_text() for a in neighbour.select(".kb-neighbours a"))


def test_glossary_entry_with_markup_is_text(xss_site: Build) -> None:
    entry = xss_site.html("glossary/partners/evil")
    assert entry.find("h1").get_text().rstrip("¶") == ENTRY_NAME
    assert entry.select_one(".kb-entry-summary").get_text() == f'"><svg onload=alert(1)> {SCRIPT}'
    assert IMG in entry.select_one(".kb-entry-aliases").get_text()
    overview = xss_site.html("glossary/partners/index")
    names = {a.get_text(): a.get("title") for a in overview.select("a.kb-entry-link")}
    assert names[ENTRY_NAME] == f'"><svg onload=alert(1)> {SCRIPT}'
    # Both spellings in the article count as mentions of the entry.
    assert xss_site.domain.mentions["articles/2025/01/xss"] == {"glossary/partners/evil": 2}


def test_feeds_carry_the_text_escaped(xss_site: Build) -> None:
    feeds = output_files(xss_site.outdir / "feeds", (".xml",))
    assert len(feeds) == 4  # the site, two tags, one category
    root = ET.parse(xss_site.outdir / "feeds" / "atom.xml").getroot()
    entry = next(e for e in root.findall(f"{ATOM}entry") if "xss" in e.find(f"{ATOM}id").text)
    assert entry.find(f"{ATOM}title").text == SCRIPT
    assert entry.find(f"{ATOM}summary").text == f"{SVG}{SCRIPT}"
    assert entry.find(f"{ATOM}author/{ATOM}name").text == IMG
    # Categories, then tags, each by its display name (the taxonomy file renames the category).
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == [
        f"{SCRIPT}分類名",
        SVG,
        f"t'>{SCRIPT}",
    ]


# --- 2. safe slugs and paths -------------------------------------------------------

HOSTILE_NAMES = {
    "traversal": "../../etc/passwd",
    "absolute": "/abs",
    "dots": "..",
    "backslash": "..\\..\\windows",
    "cpp": "C++",
    "csharp": "C#",
    "c": "C",
    "question-marks": "？？？",
    "emoji-only": "🎉",
    # Invisible characters are not part of a name: this is the tag ゼロ幅.
    "zero-width-space": "ゼロ\u200b幅",
    "long": "長" * 500,
    "long-astral": "𠮷" * 500,
    "emoji-mixed": "AI🤖革命",
    "hebrew": "עברית",
    "arabic": "العربية",
    "bidi-override": "\u202etxt.exe",
    "windows-con": "CON",
    "windows-nul": "nul",
    "windows-com1": "COM¹",
    "windows-lpt9": "LPT9",
    "percent-encoded": "%2e%2e%2f",
    "windows-chars": 'a<b>:"|?*',
    "reserved-index": "index",
    "reserved-genindex": "genindex",
}
#: Windows refuses these as file names, whatever the extension.
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)
#: Bytes of a file name most file systems accept, less room for suffixes and temp names.
SLUG_BYTES = 200


def assert_safe_slug(slug: str) -> None:
    assert slug, "empty slug"
    assert len(slug) <= MAX_SLUG_LENGTH + 3, slug  # "-NN" after a collision
    assert len(slug.encode("utf-8")) <= SLUG_BYTES + 3, slug
    for char in slug:
        category = unicodedata.category(char)
        assert char in "-_" or category[0] in "LN" or category in ("Mn", "Mc"), (slug, char)
    assert slug.lower() not in WINDOWS_RESERVED, slug
    assert not slug.startswith(("-", "_")) and not slug.endswith(("-", "_")), slug


def _slug_files() -> dict[str, str]:
    files = {}
    for number, (case, name) in enumerate(HOSTILE_NAMES.items()):
        files[f"articles/2025/01/a{number:02d}.md"] = article(
            f"{case} の本文。", title=f"記事-{case}", tags=[name], categories=[name], author=name
        )
    # Control characters only exist in YAML as escapes.
    files["articles/2025/01/control.md"] = (
        '---\ntitle: "記事-control"\ndate: 2025-01-02\ntags: ["a\\tb\\x07c\\x00"]\n'
        'categories: ["a\\tb\\x07c\\x00"]\nauthor: "a\\tb\\x07c\\x00"\n---\n\n本文。\n'
    )
    return files


FEED_FOLDERS = {"tag": "tags", "category": "categories"}
SLUG_CASES = {**HOSTILE_NAMES, "control": "a\tb\x07c\x00"}


@pytest.fixture(scope="module", params=["html", "dirhtml"])
def slug_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp(f"slugs-{request.param}")
    return build(write_project(root, _slug_files()), builder=request.param)


@pytest.mark.parametrize("case", list(SLUG_CASES))
def test_each_hostile_name_gets_its_own_safe_page(slug_site: Build, case: str) -> None:
    name = SLUG_CASES[case]
    outdir = slug_site.outdir.resolve()
    taxonomy = slug_site.domain.taxonomy
    for kind in ("tag", "category", "author"):
        term = taxonomy.term(kind, name)
        assert term is not None, (kind, name)
        assert_safe_slug(term.slug)
        path = slug_site.page_path(term.pagename)
        assert path.resolve().is_relative_to(outdir), path
        assert path.is_file(), path
        titles = [a.get_text() for a in slug_site.html(term.pagename).select(".kb-item-title")]
        assert titles == [f"記事-{case}"], (kind, titles)
        others = [t for t in taxonomy.sorted_terms(kind) if t is not term]
        assert term.slug not in {t.slug for t in others}
        if kind != "author":
            feed = slug_site.outdir / "feeds" / FEED_FOLDERS[kind] / f"{term.slug}.xml"
            assert feed.is_file() and feed.resolve().is_relative_to(outdir), feed


def test_badges_of_hostile_names_lead_to_their_pages(slug_site: Build) -> None:
    taxonomy = slug_site.domain.taxonomy
    for number, (case, name) in enumerate(HOSTILE_NAMES.items()):
        pagename = f"articles/2025/01/a{number:02d}"
        page_path = slug_site.page_path(pagename)
        links = slug_site.html(pagename).select(".kb-badges a")
        assert len(links) == 2, case
        for link, kind in zip(links, ("category", "tag"), strict=True):
            href = link["href"]
            assert "://" not in href and not href.startswith("/"), href
            target = os.path.normpath(page_path.parent / _unquote(href))
            if target.endswith(os.sep) or os.path.isdir(target):
                target = os.path.join(target, "index.html")
            assert Path(target) == slug_site.page_path(taxonomy.term(kind, name).pagename), case


def _unquote(href: str) -> str:
    from urllib.parse import unquote

    return unquote(href.split("#")[0])


def test_nothing_is_written_outside_the_output_folder(slug_site: Build) -> None:
    outdir = slug_site.outdir.resolve()
    root = slug_site.srcdir.parent
    assert sorted(p.name for p in root.iterdir()) == ["_build", "src"]
    assert sorted(p.name for p in (root / "_build").iterdir()) == sorted(["doctrees", outdir.name])
    for path in outdir.rglob("*"):
        assert path.resolve().is_relative_to(outdir), path
    assert not any(p.name == "passwd" for p in root.rglob("*"))
    assert "Traceback" not in slug_site.warnings
    assert "File name too long" not in slug_site.warnings


# --- 3. broken input ----------------------------------------------------------------

GOOD_AUTHOR = "良い著者"


@dataclass(frozen=True)
class Broken:
    """A bad file, what its warning must say (regex after ``bad.md``), and its title if kept."""

    content: str | bytes
    warning: str | None
    title: str | None = None
    path: str = "bad.md"


def doc(*lines: str, body: str = "本文。") -> str:
    """A Markdown file: the front matter ``lines`` between fences, then ``body``."""
    return "---\n" + "".join(f"{line}\n" for line in lines) + f"---\n\n{body}\n"


DATE = "date: 2025-01-01"
SJIS_BODY = "本文".encode("shift_jis")
ALIAS_BOMB = [
    "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]",
    *(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)),
    "tags: *a8",
]
ENTRY_PATH = "../../glossary/partners/{}.md"

BROKEN = {
    "broken-yaml": Broken(
        doc('title: "壊れ', DATE), r":4: WARNING: front matter is not valid YAML: .*line 2"
    ),
    "unclosed": Broken(
        f"---\ntitle: t\n{DATE}\n\n本文。\n", r":1: WARNING: front matter has no closing '---' line"
    ),
    "not-a-mapping": Broken(doc("- a", "- b"), r":2: WARNING: front matter must be a mapping"),
    "tags-int": Broken(
        doc("title: 数のタグ", DATE, "tags: 5"),
        r":4: WARNING: tags: expected a list of names, got int 5",
        "数のタグ",
    ),
    "date-list": Broken(
        doc("title: 日付が列", "date: [1, 2]"),
        r":3: WARNING: date: expected a date .*got list",
        "日付が列",
    ),
    "title-list": Broken(doc("title: [a]", DATE), r":2: WARNING: title: expected text, got a list"),
    "author-mapping": Broken(
        doc("title: 著者が辞書", DATE, "author: {x: 1}"),
        r":4: WARNING: author: expected a list of names, got a mapping",
        "著者が辞書",
    ),
    "nested-tags": Broken(
        doc("title: 入れ子", DATE, "tags: [[a], {b: c}, ok]"),
        r":4: WARNING: tags: 2 items are not names \(\['a'\]",
        "入れ子",
    ),
    "key-not-text": Broken(
        doc("title: 鍵", DATE, "[1, 2]: x"), r":4: WARNING: front matter keys must be text", "鍵"
    ),
    "duplicate-key": Broken(
        doc("title: 一つ目", DATE, "title: 二つ目"),
        r":4: WARNING: key 'title' appears twice",
        "二つ目",
    ),
    "undefined-alias": Broken(
        doc("title: t", DATE, "x: *nowhere"),
        r":4: WARNING: front matter is not valid YAML: .*alias",
    ),
    "alias-bomb": Broken(
        doc("title: 展開爆弾", DATE, *ALIAS_BOMB),
        r":13: WARNING: tags: 10 items are not names",
        "展開爆弾",
    ),
    "python-tag": Broken(
        doc("title: 危険なタグ", DATE, "x: !!python/object/apply:os.system [x]"),
        r":4: WARNING: x: cannot read value",
        "危険なタグ",
    ),
    "bom": Broken(
        "\ufeff" + doc("title: BOM付き", DATE, "reading_time: many"),
        r":4: WARNING: reading_time:",
        "BOM付き",
    ),
    "crlf": Broken(
        doc("title: CRLF", DATE, "reading_time: many").replace("\n", "\r\n"),
        r":4: WARNING: reading_time:",
        "CRLF",
    ),
    "cr-only": Broken(
        doc("title: CRだけ", DATE, "reading_time: many").replace("\n", "\r"),
        r":4: WARNING: reading_time:",
        "CRだけ",
    ),
    # YAML breaks lines at U+2028 and U+0085 too; editors and warnings do not.
    "line-separator": Broken(
        doc('title: "行\u2028区切り"', 'x: "\u0085"', DATE, "tags: 5"),
        r":5: WARNING: tags: expected a list",
        "行\u2028区切り",
    ),
    "tab-indent": Broken(
        doc("title: t", DATE, "tags:", "\t- a"),
        r":5: WARNING: front matter is not valid YAML: .*tab",
    ),
    "not-utf8-body": Broken(
        doc("title: SJIS", DATE, body="@").encode().replace(b"@", SJIS_BODY),
        r":6: WARNING: .*not UTF-8",
        "SJIS",
    ),
    "not-utf8-front-matter": Broken(
        b"---\ntitle: " + SJIS_BODY + f"\n{DATE}\n---\n\nx\n".encode(), r":2: WARNING: .*not UTF-8"
    ),
    # No article front matter: a page of the project's own, which kb leaves alone.
    "empty": Broken("", None),
    "front-matter-only": Broken(f"---\ntitle: 前付けだけ\n{DATE}\n---\n", None, "前付けだけ"),
    "only-fences": Broken("---\n---\n", None),
    "glossary-no-name": Broken(
        doc("summary: 名前がない"),
        r":1: WARNING: glossary entry has no name",
        path=ENTRY_PATH.format("zz-noname"),
    ),
    "glossary-name-list": Broken(
        doc("name: [a, b]", "summary: 名前が列"),
        r":2: WARNING: glossary entry has no name",
        path=ENTRY_PATH.format("zz-namelist"),
    ),
    "glossary-broken-yaml": Broken(
        doc("name: 'x"),
        r":\d: WARNING: front matter is not valid YAML",
        path=ENTRY_PATH.format("zz-yaml"),
    ),
    "glossary-not-utf8": Broken(
        b"---\nname: SJIS\xff\n---\n\n" + SJIS_BODY + b"\n",
        r":2: WARNING: .*not UTF-8",
        path=ENTRY_PATH.format("zz-sjis"),
    ),
}
GLOSSARY_SHARED = {
    "glossary/technologies/zz-first.md": doc("name: 先の項目", "aliases: [Shared]"),
    "glossary/technologies/zz-second.md": doc("name: 後の項目", "aliases: [ＳＨＡＲＥＤ, Mine]"),
    "articles/shared/mentions.md": article(
        "SharedとMineの話。", title="共有", author=GOOD_AUTHOR, date="2025-01-03"
    ),
}


def _good(case: str) -> str:
    return article(
        f"{case}の隣の良い記事。",
        title=f"良い-{case}",
        author=GOOD_AUTHOR,
        tags=["良い"],
        date="2025-01-02",
    )


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("broken")
    files = {f"articles/{case}/good.md": _good(case) for case in BROKEN}
    files.update(GLOSSARY_SHARED)
    src = write_project(root, files, with_glossary=True)
    for case, spec in BROKEN.items():
        path = src / "articles" / case / spec.path
        path.parent.mkdir(parents=True, exist_ok=True)
        data = spec.content if isinstance(spec.content, bytes) else spec.content.encode("utf-8")
        path.write_bytes(data)
    return build(src)


def _docname(case: str) -> str:
    path = os.path.normpath(f"articles/{case}/{BROKEN[case].path}")
    return path.replace(os.sep, "/").removesuffix(".md")


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_file_is_reported_and_the_rest_is_built(broken_site: Build, case: str) -> None:
    spec = BROKEN[case]
    warnings = broken_site.warnings
    docname = _docname(case)
    mine = [line for line in warnings.splitlines() if f"{docname}.md" in line]
    if spec.warning is None:
        assert not [line for line in mine if "[kb." in line], mine
    else:
        expected = re.escape(f"{docname}.md") + spec.warning
        assert any(re.search(expected, line) for line in mine), mine
    for line in mine:
        assert len(line) < 1000, line[:200]  # readable, whatever the value holds
        # A file and, when a line is known, the line: never a bare message.
        assert re.search(re.escape(f"{docname}.md") + r"(:\d+)?: (WARNING|ERROR): ", line), line
    # The bad file is built too, and nothing it held spoils its neighbour.
    assert broken_site.exists(docname)
    if spec.title is not None:
        assert broken_site.html(docname).find("h1").get_text().rstrip("¶") == spec.title
    good = broken_site.html(f"articles/{case}/good")
    assert good.find("h1").get_text().rstrip("¶") == f"良い-{case}"
    byline = good.select_one(".kb-byline").get_text()
    assert "2025年1月2日" in byline and GOOD_AUTHOR in byline and "約1分" in byline
    assert [b.get_text() for b in good.select(".kb-badges .sd-badge")] == ["良い"]


def test_broken_input_never_shows_a_traceback(broken_site: Build) -> None:
    for text in (broken_site.warnings, broken_site.status):
        assert "Traceback" not in text and "Exception occurred" not in text
    listed = broken_site.domain.taxonomy.term("tag", "良い")
    assert len(listed.articles) == len(BROKEN)


def test_undecodable_bytes_are_replaced_not_lost(broken_site: Build) -> None:
    body = broken_site.html("articles/not-utf8-body/bad").select_one("article").get_text()
    assert "\ufffd" in body
    assert broken_site.exists("glossary/partners/zz-sjis")


def test_two_entries_claiming_one_alias(broken_site: Build) -> None:
    assert re.search(
        r"zz-second\.md:3: WARNING: glossary alias 'ＳＨＡＲＥＤ' is already used by "
        r"glossary/technologies/zz-first",
        broken_site.warnings,
    )
    links = {
        a.get_text(): a["href"]
        for a in broken_site.html("articles/shared/mentions").select("article a.kb-entry-link")
    }
    assert "zz-first" in links["Shared"] and "zz-second" in links["Mine"]


def test_a_5_mb_article_builds_with_a_sane_reading_time(tmp_path: Path) -> None:
    paragraph = "データセンターの電力需要は急増しており、GPUが市場を牽引している。" * 20 + "\n\n"
    body = paragraph * (5_000_000 // len(paragraph.encode("utf-8")) + 1)
    assert len(body.encode("utf-8")) >= 5_000_000
    letters = sum(1 for char in body if char.isalnum())
    files = {
        "articles/2025/01/huge.md": article(body, title="巨大な記事"),
        "articles/2025/01/good.md": article("良い本文。", title="良い", author=GOOD_AUTHOR),
    }
    result = build(write_project(tmp_path, files))
    minutes = int(
        re.search(
            r"約(\d+)分", result.html("articles/2025/01/huge").select_one(".kb-byline").get_text()
        ).group(1)
    )
    assert abs(minutes - letters / 600) <= 1, (minutes, letters)
    assert GOOD_AUTHOR in result.html("articles/2025/01/good").select_one(".kb-byline").get_text()
    assert "Traceback" not in result.warnings


def test_an_article_with_10000_tags_makes_at_most_100_tag_pages(tmp_path: Path) -> None:
    tags = [f"タグ{i}" for i in range(10_000)]
    files = {
        "articles/2025/01/many.md": article("たくさんのタグ。", title="多すぎるタグ", tags=tags),
        "articles/2025/01/good.md": article(
            "良い本文。", title="良い", author=GOOD_AUTHOR, tags=["タグ1", "タグ9999"]
        ),
    }
    result = build(write_project(tmp_path, files))
    # The first 100 tags of the long list, and the good article's タグ9999.
    tag_pages = [p for p in (result.outdir / "tags").glob("*.html") if p.name != "index.html"]
    assert len(tag_pages) == 101
    # Every name is a page and a feed: one article cannot make 10,000 of them.
    assert re.search(
        r"many\.md:3: WARNING: tags: 10000 names, more than the 100 an article "
        r"may have; only the first 100 are used \[kb\.front_matter\]",
        result.warnings,
    )
    page = result.html("articles/2025/01/many")
    assert [b.get_text() for b in page.select(".kb-badges .kb-tag")] == tags[:100]
    taxonomy = result.domain.taxonomy
    assert len(taxonomy.sorted_terms("tag")) == 101  # タグ9999 comes from the good article
    first = result.html(taxonomy.term("tag", "タグ1").pagename)
    assert [a.get_text() for a in first.select(".kb-item-title")] == ["良い", "多すぎるタグ"]
    assert GOOD_AUTHOR in result.html("articles/2025/01/good").select_one(".kb-byline").get_text()
    # Lists stay readable: an article's badges there are capped, the rest counted.
    item = next(i for i in first.select(".kb-item") if "多すぎるタグ" in i.get_text())
    assert len(item.select(".kb-item-tags > :not([class])")) == 20  # tags: no class
    assert item.select_one(".kb-more-badges").get_text() == "他79件"  # 100 - 20 shown - this page's


# --- 4. the importer never loses anything -------------------------------------------


def _fingerprint(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


HOSTILE_POSTS = {
    "traversal.md": front_matter(title="上へ", date="2025-11-01", slug="../../../etc/passwd")
    + "本文。\n",
    "windows.md": front_matter(title="CON", date="2025-11-02") + "本文。\n",
    "emoji.md": front_matter(title="🎉🎉", date="2025-11-03") + "本文。\n",
    "astral.md": front_matter(title="𠮷" * 300, date="2025-11-04") + "本文。\n",
    "script.md": front_matter(title=SCRIPT, date="2025-11-05") + "本文。\n",
    "bad-yaml.md": '---\ntitle: "x\ndate: 2025-11-06\n---\n本文。\n',
    "sjis.md": b"---\ntitle: t\ndate: 2025-11-07\n---\n" + "本文".encode("shift_jis"),
    "empty.md": "",
}


def _write_posts(folder: Path) -> None:
    folder.mkdir()
    for name, text in HOSTILE_POSTS.items():
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (folder / name).write_bytes(data)


def test_hostile_posts_land_inside_into_and_bad_ones_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    posts, into = tmp_path / "posts", tmp_path / "articles"
    _write_posts(posts)
    sources = _fingerprint(posts)
    code = kb_main(["import", str(posts), "--into", str(into)])
    out, err = capsys.readouterr()
    assert code == 1
    written = sorted(p for p in into.rglob("*") if p.is_file())
    assert len(written) == 5, written
    for path in written:
        assert path.resolve().is_relative_to(into.resolve())
        assert_safe_slug(path.stem)
        assert path.name.encode("utf-8").__len__() < 240
    for name in ("bad-yaml.md", "sjis.md", "empty.md"):
        assert re.search(re.escape(str(posts / name)) + r":\d+: error: ", err), name
    assert has_summary(out, "5 imported, 0 unchanged, 0 skipped, 3 failed")
    assert _fingerprint(posts) == sources
    assert not (tmp_path / "etc").exists()
    before = _fingerprint(into)
    assert kb_main(["import", str(posts), "--into", str(into)]) == 1
    assert has_summary(capsys.readouterr().out, "0 imported, 5 unchanged")
    assert _fingerprint(into) == before
