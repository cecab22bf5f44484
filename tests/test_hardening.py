"""Hardening, round two: nothing in an article runs, and no value stops the site.

One project holds an article of each hostile kind (template syntax, dates at
the edges of the calendar, numbers Python will not convert, nesting deeper
than the parser goes, control and invisible characters, flooding aliases,
names that try to leave the output folder) beside good ones. It is built for
real, as ``make html`` and as ``make strict`` build it, and every file Sphinx
and kb wrote is read. ``kb import`` gets the same treatment with a folder of
hostile posts. The YAML reader is then driven with random scalars of every
type under every key.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sphinx.cmd.build import build_main

from kb.cli import main as kb_main
from kb.core.articlemeta import KNOWN_KEYS, article_meta
from kb.core.dates import parse_date, zone_named
from kb.core.entrymeta import entry_meta
from kb.core.frontmatter import read_front_matter
from kb.core.mystguard import disarm_front_matter
from kb.core.names import name_key, slugify
from kb.core.taxonomyfile import load_overrides
from kb.core.values import EXCERPT_LENGTH, clip_excerpt, name_text, scalar_text
from kb.jekyll.liquid import convert_liquid
from kb.jekyll.parts import join_parts, join_parts_noting_seams
from kbtesting import article, write_project

TOKYO = zone_named("Asia/Tokyo")
ATOM = "{http://www.w3.org/2005/Atom}"
HUGE = "9" * 5000
HUGE_HEX = "0x" + "f" * 5000
DEEP = "[" * 5000 + "]" * 5000
DEEPISH = "[" * 600 + "]" * 600


def fm(*lines: str, body: str = "本文です。") -> str:
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n"


#: One article (or file) of each hostile kind: path -> (text, what its warning says).
HOSTILE: dict[str, tuple[str, str]] = {
    "articles/2025/01/template.md": (
        fm(
            'title: "テンプレート"',
            "date: 2025-01-05",
            body="計算 {{ 7*7 }} と {% include footer.html %} と {{ config.items() }}。",
        ),
        "",
    ),
    "articles/2025/01/date-high.md": (
        fm('title: "遠い未来"', "date: 9999-12-31 23:00 +0000"),
        "date: .*edge of the calendar",
    ),
    "articles/2025/01/date-low.md": (
        fm('title: "遠い過去"', "date: 0001-01-01 00:00 +1400"),
        "date: .*edge of the calendar",
    ),
    "articles/2025/01/updated-high.md": (
        fm('title: "更新が未来"', "date: 2025-01-03", "updated: 9999-12-31 23:00 +0000"),
        "updated: .*edge of the calendar",
    ),
    "articles/2025/01/bigint.md": (
        fm('title: "大きな数"', "date: 2025-01-04", f"reading_time: {HUGE}"),
        "reading_time: cannot read value: a number of 5,000 digits",
    ),
    "articles/2025/01/bigtag.md": (
        fm('title: "大きなタグ"', "date: 2025-01-04", f"tags: [{HUGE}, 良い]"),
        "tags: cannot read value: a number of 5,000 digits",
    ),
    "articles/2025/01/deep.md": (
        fm('title: "深い"', "date: 2025-01-04", f"extra: {DEEP}"),
        "nesting depth",
    ),
    "articles/2025/01/deepish.md": (
        fm('title: "やや深い"', "date: 2025-01-04", f"extra: {DEEPISH}"),
        "extra: nested too deeply to read",
    ),
    "articles/2025/01/tagged.md": (
        fm('title: "型付き"', "date: !!timestamp 2025-13-45", 'blob: !!binary "@@@"'),
        "date: cannot read",
    ),
    "articles/2025/01/controls.md": (
        fm(
            'title: "制御\\0文字\\e[31m赤"',
            "date: 2025-01-06",
            'tags: ["A\\u200bI", "\\u202eAI", "ＡＩ", "良い"]',
            'author: "著者\\a"',
        ),
        "",
    ),
    "articles/2025/01/traversal.md": (
        fm(
            'title: "外へ"',
            "date: 2025-01-07",
            'slug: "../../../../pwned"',
            'tags: ["../../../pwned-tag"]',
        ),
        "",
    ),
    "glossary/technologies/zz-flood.md": (
        fm('name: "Flood\\u200dCo"', "aliases: [A, の, から, ｱ, FloodWorks]", body="洪水。"),
        "alias 'A' is one character",
    ),
    "_data/taxonomy.yaml": (
        f"tags:\n  AI: {{description: {HUGE}}}\n  良い: {{description: 良い記事}}\n"
        f"  deep: {DEEPISH}\n",
        "tags.AI: cannot read value",
    ),
}
GOOD = {
    "articles/2025/01/good.md": article(
        "良い記事の本文。AIの話。", title="良い記事", tags=["良い", "AI"], date="2025-01-02"
    ),
    # Holds の and A, and names no glossary entry: no entry may list it.
    "articles/2025/01/plain.md": article(
        "これはの記事です。Aの話からです。", title="普通の記事", date="2025-01-01"
    ),
    "articles/2025/01/mentions.md": article(
        "FloodCoとFloodWorksの話。", title="言及", date="2025-01-01"
    ),
    "articles/2025/01/lmt.md": fm('title: "明治以前"', "date: 1800-01-01", 'updated: "1850-06-01"'),
}
#: Warnings that name an article carry its line (front matter problems always do).
LOCATED = re.compile(r"^(?P<path>[^\s:]+\.(?:md|yaml)):(?P<line>\d+): (?:WARNING|ERROR): ")


def _tree(root: Path) -> set[str]:
    return {
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _, names in os.walk(root)
        for name in names
    }


def _output_files(outdir: Path) -> list[Path]:
    return [p for p in outdir.rglob("*") if p.is_file() and p.suffix in (".html", ".xml", ".js", ".json", ".txt")]


class Site:
    def __init__(self, root: Path) -> None:
        self.root = root
        files = {path: text for path, (text, _) in HOSTILE.items()}
        self.src = write_project(root, {**files, **GOOD}, with_glossary=True)
        self.before = _tree(root)
        self.out = root / "_build" / "html"
        self.warning_file = root / "warnings.txt"
        self.status = build_main(
            ["-q", "-b", "html", "--keep-going", "-w", str(self.warning_file), str(self.src), str(self.out)]
        )
        self.warnings = self.warning_file.read_text(encoding="utf-8")
        strict_warnings = root / "strict.txt"
        self.strict_status = build_main(
            ["-q", "-E", "-W", "--keep-going", "-b", "html", "-w", str(strict_warnings),
             str(self.src), str(root / "_build" / "strict")]
        )

    def html(self, docname: str) -> BeautifulSoup:
        return BeautifulSoup((self.out / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return Site(tmp_path_factory.mktemp("hardening"))


def test_make_html_exits_0_and_make_strict_fails(site: Site) -> None:
    assert site.status == 0, site.warnings[-2000:]
    assert site.strict_status != 0
    assert "Traceback" not in site.warnings
    assert "Exception occurred" not in site.warnings


@pytest.mark.parametrize("path", [p for p, (_, w) in HOSTILE.items() if w])
def test_each_hostile_file_gets_a_warning_with_its_file_and_line(site: Site, path: str) -> None:
    expected = HOSTILE[path][1]
    mine = [line for line in site.warnings.splitlines() if path in line]
    hits = [line for line in mine if re.search(expected, line)]
    assert hits, (expected, mine)
    for line in hits:
        located = LOCATED.match(os.path.relpath(line.split(": ", 1)[0], site.src) + ": " + line.split(": ", 1)[1])
        assert located and int(located.group("line")) >= 1, line


@pytest.mark.parametrize("docname", [p.removesuffix(".md") for p in {**HOSTILE, **GOOD} if p.endswith(".md")])
def test_every_article_and_entry_is_built(site: Site, docname: str) -> None:
    page = site.html(docname)
    assert page.find("h1") is not None


def test_template_syntax_shows_as_written(site: Site) -> None:
    text = site.html("articles/2025/01/template").select_one("article").get_text()
    assert "{{ 7*7 }}" in text
    assert "{% include footer.html %}" in text
    assert "{{ config.items() }}" in text
    assert "49" not in text
    assert "dict_items" not in text


def test_docs_conf_turns_no_template_extension_on() -> None:
    namespace: dict[str, Any] = {"__file__": str(Path(__file__).parent.parent / "docs" / "conf.py")}
    exec((Path(__file__).parent.parent / "docs" / "conf.py").read_text(encoding="utf-8"), namespace)
    assert "substitution" not in namespace.get("myst_enable_extensions", [])


def test_front_matter_myst_reads_can_neither_switch_templates_on_nor_crash(tmp_path: Path) -> None:
    files = {
        "articles/2025/01/switch.md": fm(
            'title: "切替"',
            "date: 2025-01-05",
            "myst:",
            "  enable_extensions: [substitution]",
            body="計算 {{ 7*7 }}。",
        ),
        "articles/2025/01/subs.md": fm(
            'title: "置換"',
            "date: 2025-01-05",
            "myst: {enable_extensions: [substitution], substitutions: {x: '{{ 6*7 }}'}}",
            body="値 {{ x }}。",
        ),
        # A hexadecimal number PyYAML converts but Python will not print:
        # MyST's own front matter handling stops the build on it.
        "articles/2025/01/bighex.md": fm(f"title: {HUGE_HEX}", "date: 2025-01-04"),
    }
    src = write_project(tmp_path, files)
    out = tmp_path / "_build"
    assert build_main(["-q", "-b", "html", str(src), str(out)]) == 0
    assert (out / "articles/2025/01/bighex.html").is_file()
    for name, literal in (("switch", "{{ 7*7 }}"), ("subs", "{{ x }}")):
        page = BeautifulSoup((out / f"articles/2025/01/{name}.html").read_text("utf-8"), "html.parser")
        text = page.select_one("article").get_text()
        assert literal in text and "49" not in text and "42" not in text


def test_no_file_appears_that_an_article_asked_for(site: Site) -> None:
    created = {
        path for path in _tree(site.root) - site.before
        if not path.startswith("_build" + os.sep) and path not in ("warnings.txt", "strict.txt")
    }
    assert created == set()
    names = [p.name for p in site.out.rglob("*")]
    assert not [n for n in names if "pwned" in n and not n.startswith(("pwned", "x-"))]
    for path in site.out.rglob("*"):
        assert path.resolve().is_relative_to(site.out.resolve())
    assert not list(site.root.parent.glob("pwned*"))


def test_no_control_or_invisible_character_reaches_an_output_file(site: Site) -> None:
    for path in _output_files(site.out):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert "\x00" not in text, path
        assert "\x1b" not in text, path
        assert "\x07" not in text, path
        assert "\u202e" not in text, path
    for path in site.out.rglob("*"):
        assert not re.search("[\u200b-\u200d\u202a-\u202e\ufeff\x00-\x1f]", path.name), path
    page = site.html("articles/2025/01/controls")
    assert page.find("h1").get_text().rstrip("¶") == "制御文字[31m赤"


def test_invisible_characters_do_not_make_a_second_tag(site: Site) -> None:
    tags = site.out / "tags"
    ai_pages = [p.name for p in tags.glob("*.html") if name_key(p.stem) in ("ai", "ａｉ")]
    assert ai_pages == ["ai.html"]
    badges = [b.get_text() for b in site.html("articles/2025/01/controls").select(".kb-badges .sd-badge")]
    assert sum(1 for b in badges if name_key(b) == "ai") == 1, badges


def test_dates_in_feeds_are_valid_and_whole_minute(site: Site) -> None:
    feeds = list(site.out.rglob("*.xml"))
    assert feeds
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
    seen_lmt = False
    for feed in feeds:
        root = ET.parse(feed).getroot()
        for element in root.iter():
            if element.tag in (f"{ATOM}updated", f"{ATOM}published"):
                assert element.text and stamp.match(element.text), (feed, element.text)
                seen_lmt |= element.text.startswith(("1799-12-31", "1850-06-01"))
    assert seen_lmt
    for path in _output_files(site.out):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"T\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d:\d\d", text), path


def test_flooding_aliases_link_nothing(site: Site) -> None:
    warnings = [line for line in site.warnings.splitlines() if "zz-flood.md" in line]
    for alias in ("'A'", "'の'", "'から'", "'ｱ'"):
        assert any(f"alias {alias}" in line for line in warnings), (alias, warnings)
    plain = site.html("articles/2025/01/plain").select_one("article")
    assert not plain.select('a[href*="zz-flood"]')
    mentions = site.html("articles/2025/01/mentions").select_one("article")
    assert mentions.select('a[href*="zz-flood"]')
    entry = site.html("glossary/technologies/zz-flood").select_one("article").get_text()
    assert "言及" in entry and "普通の記事" not in entry
    assert site.html("glossary/technologies/zz-flood").find("h1").get_text().rstrip("¶") == "FloodCo"


def test_taxonomy_file_problems_name_the_file_and_line(site: Site) -> None:
    lines = [line for line in site.warnings.splitlines() if "taxonomy.yaml" in line]
    assert any(re.search(r"taxonomy\.yaml:2: .*tags\.AI: cannot read value", line) for line in lines), lines
    assert any(re.search(r"taxonomy\.yaml:4: .*tags\.deep", line) for line in lines), lines
    good = site.out / "tags" / f"{slugify('良い')}.html"
    assert "良い記事" in good.read_text(encoding="utf-8")


# --- kb import ---------------------------------------------------------------------------


def _post(*lines: str, body: str = "本文です。") -> str:
    return fm(*lines, body=body)


POSTS = {
    "2025-01-10-good.md": (_post('title: "良い"', "date: 2025-01-10 10:00 +0900"), None),
    "2025-01-11-liquid.md": (
        _post(
            'title: "リキッド"',
            "date: 2025-01-11 10:00 +0900",
            body=(
                "[前の記事]({{ site.baseurl }}/2025/01/10/good.html)を参照。\n\n"
                "{% highlight python %}\nprint('{{ x }}')\n{% endhighlight %}\n\n"
                "{% raw %}{{ 7*7 }}{% endraw %} と {% include footer.html %} です。"
            ),
        ),
        None,
    ),
    "2025-01-12-bigint.md": (
        _post('title: "大きな数"', "date: 2025-01-12", f"reading_time: {HUGE}"),
        None,
    ),
    "edge-high.md": (_post('title: "未来"', "date: 9999-12-31 23:00 +0000"), r":3: error: date: "),
    "edge-low.md": (_post('title: "過去"', "date: 0001-01-01 00:00 +1400"), r":3: error: date: "),
    "deep.md": (_post('title: "深い"', "date: 2025-01-04", f"x: {DEEP}"), r":\d: error: .*nesting"),
    "not-utf8.txt": ("", r":2: error: not UTF-8"),
    "boom.md": (_post('title: "爆発"', "date: 2025-01-13"), r": error: could not be imported: "),
    "blocked.md": (_post('title: "塞がれた月"', "date: 2024-06-01"), r": error: cannot create the folder"),
}


@pytest.fixture
def hostile_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str, Path]:
    posts = tmp_path / "posts"
    posts.mkdir()
    for name, (text, _) in POSTS.items():
        (posts / name).write_text(text, encoding="utf-8")
    (posts / "not-utf8.txt").write_bytes(
        b'---\ntitle: "\x82\xa0"\ndate: 2025-01-01\n---\n\nbody\n'
    )
    into = tmp_path / "articles"
    (into / "2024").mkdir(parents=True)
    (into / "2024" / "06").write_text("a file where a month folder goes", encoding="utf-8")

    import kb.jekyll.importer

    real = kb.jekyll.importer.prepare_post

    def exploding(text: str, source: Path, *args: Any, **kwargs: Any) -> Any:
        if source.name == "boom.md":
            raise RuntimeError("simulated failure inside one post")
        return real(text, source, *args, **kwargs)

    monkeypatch.setattr(kb.jekyll.importer, "prepare_post", exploding)
    status = kb_main(["import", str(posts), "--into", str(into)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err, into


def test_import_takes_the_good_posts_and_names_each_bad_one(
    hostile_import: tuple[int, str, str, Path],
) -> None:
    status, out, err, into = hostile_import
    assert status == 1
    assert "Traceback" not in out + err
    for name, (_, error) in POSTS.items():
        if error is None:
            assert re.search(rf"imported: .*{re.escape(name)} -> ", out), (name, out)
        else:
            assert re.search(re.escape(name) + error, err), (name, err)
            assert "failed: " in out and name in out
    assert sorted(p.name for p in into.rglob("*.md")) == ["bigint.md", "good.md", "liquid.md"]
    assert (into / "2024" / "06").is_file()  # never "skipped (exists)", never replaced


def test_import_converts_liquid_and_reports_what_it_keeps(
    hostile_import: tuple[int, str, str, Path],
) -> None:
    _, _, err, into = hostile_import
    text = (into / "2025" / "01" / "liquid.md").read_text(encoding="utf-8")
    assert "[前の記事](/2025/01/10/good.html)" in text
    assert "```python\nprint('{{ x }}')\n```" in text
    assert "{{ 7*7 }} と <!-- {% include footer.html %} -->" in text
    assert "{% raw %}" not in text and "{% highlight" not in text
    # Line 12 of the post holds the include; line 9 the {{ x }} in the code.
    assert re.search(r"2025-01-11-liquid\.md:12: warning: Liquid \{% include footer\.html %\}", err)
    assert re.search(r"2025-01-11-liquid\.md:9: warning: Liquid \{\{ x \}\}", err)


@pytest.mark.slow
def test_1200_posts_with_one_slug_all_get_a_name(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    for number in range(1200):
        (posts / f"{number:04d}.md").write_text(
            _post(f'title: "同じ{number}"', "date: 2025-02-01", "slug: same"), encoding="utf-8"
        )
    into = tmp_path / "articles"
    assert kb_main(["import", str(posts), "--into", str(into)]) == 0
    names = {p.name for p in (into / "2025" / "02").iterdir()}
    assert names == {"same.md", *(f"same-{n}.md" for n in range(2, 1201))}
    # Importing again finds every post in its own place: nothing changes.
    assert kb_main(["import", str(posts), "--into", str(into)]) == 0
    assert len(list((into / "2025" / "02").iterdir())) == 1200


@pytest.mark.parametrize("count", [1000, 8000])
def test_thousands_of_parts_join_into_the_same_text(count: int) -> None:
    parts = [
        (f"断片{n - 1}" if n else "") + "文です。" * 20 + f"\n\n段落です。断片{n}" for n in range(count)
    ]
    joined, seams = join_parts_noting_seams(parts)
    assert seams == []
    assert joined.count("断片") == count
    assert joined.endswith(f"段落です。断片{count - 1}")
    broken = ["文です。途中"] * count
    joined, seams = join_parts_noting_seams(broken)
    assert [seam.index for seam in seams] == list(range(1, count))
    assert joined == "\n\n".join(broken)
    assert join_parts(["あ。", "い"]) == "あ。\n\nい"


# --- the YAML reader never raises --------------------------------------------------------

EDGE_DATES = [
    "9999-12-31 23:00 +0000",
    "9999-12-31 23:59:59 -2359",
    "0001-01-01 00:00 +1400",
    "0001-01-01",
    "9999-12-31",
    "1800-01-01",
    "2025-01-01T00:00:00+09:18:59",
    "2025-01-01 00:00 +2500",
    "2025-02-30",
    "!!timestamp 2025-13-45",
    "!!timestamp 9999-12-31 23:00:00 -14:00",
]
yaml_scalars = st.one_of(
    st.sampled_from(EDGE_DATES),
    st.integers(min_value=4200, max_value=6000).map(lambda n: "9" * n),
    st.integers(min_value=1000, max_value=6000).map(lambda n: "0x" + "f" * n),
    st.integers(min_value=1, max_value=5000).map(lambda n: "1" + ":59" * n),
    st.integers(min_value=1, max_value=1200).map(lambda n: "[" * n + "]" * n),
    st.integers(min_value=1, max_value=1200).map(lambda n: "{a: " * n + "1" + "}" * n),
    st.integers().map(str),
    st.floats().map(repr),
    st.sampled_from(["~", "null", "true", "No", "on", ".nan", "-.inf", "1e400", "0o777"]),
    st.sampled_from(['!!binary "@@@"', "!!int x", "!!float y", "!!set {a, b}", "!!omap [a, b]"]),
    st.sampled_from(["!!python/object:os.system ls", "*undefined", "&a [*a]", '"\\0\\e\\u202e"']),
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=20).map(
        lambda t: '"' + t.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
    ),
)
ALL_KEYS = sorted(KNOWN_KEYS | {"name", "aliases", "summary", "website", "related", "x"})


def _check_date(moment: dt.datetime | None) -> None:
    if moment is None:
        return
    offset = moment.utcoffset()
    assert offset is not None and offset % dt.timedelta(minutes=1) == dt.timedelta(0)
    moment.astimezone(dt.timezone.utc)
    moment.astimezone(TOKYO)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(ALL_KEYS), yaml_scalars, max_size=6))
@example({"date": "9999-12-31 23:00 +0000", "updated": "0001-01-01 00:00 +1400"})
@example({"reading_time": HUGE, "tags": HUGE_HEX})
@example({"title": DEEP, "x": DEEPISH})
def test_any_scalar_under_any_key_never_raises(values: dict[str, str]) -> None:
    text = "---\n" + "\n".join(f"{key}: {value}" for key, value in values.items()) + "\n---\n\n本文。\n"
    raw = read_front_matter(text)
    meta = article_meta(raw, TOKYO)
    _check_date(meta.date)
    _check_date(meta.updated)
    for problem in meta.problems:
        assert problem.line is not None and 1 <= problem.line <= len(values) + 2
        assert len(problem.message) < 1000
    entry = entry_meta(raw)
    assert all(alias and name_text(alias) == alias for alias in entry.aliases)
    for name in (*meta.tags, *meta.categories, *meta.authors, meta.title, entry.name):
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\ufeff]", name)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.text(min_size=1, max_size=8).filter(str.isalnum), yaml_scalars), max_size=4))
def test_any_taxonomy_file_never_raises(tmp_path_factory: pytest.TempPathFactory, items: list[tuple[str, str]]) -> None:
    path = tmp_path_factory.mktemp("taxonomy") / "taxonomy.yaml"
    text = "tags:\n" + "".join(f"  {name}: {{description: {value}}}\n" for name, value in items)
    text += "".join(f"  {name}x: {value}\n" for name, value in items)
    path.write_text(text, encoding="utf-8")
    overrides = load_overrides(str(path))
    for message, line in overrides.problems:
        assert line is None or 1 <= line <= text.count("\n") + 1
        assert len(message) < 1000


# --- names, values, dates ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "same_as"),
    [("A\u200dI", "AI"), ("\ufeffＡＩ", "ai"), ("A\u200bI\u200c", "AI"), ("\u202eデータ\u202c", "データ"),
     ("Ｎ\u2060vidia", "nvidia")],
)
def test_invisible_characters_are_not_part_of_a_name(written: str, same_as: str) -> None:
    assert name_key(written) == name_key(same_as)
    assert slugify(written) == slugify(same_as)


@pytest.mark.parametrize(
    ("value", "text"),
    [("a\x00b", "ab"), ("赤\x1b[31m", "赤[31m"), ("行\n次\t", "行 次"), ("\x07鐘\x7f", "鐘"),
     ("\u202e逆", "逆")],
)
def test_control_characters_never_survive_reading(value: str, text: str) -> None:
    assert scalar_text(value) == text


@pytest.mark.parametrize(
    "alias", ["A", "z", "の", "ア", "ｱ", "から", "まで", "との", "-", "1"]
)
def test_flooding_aliases_are_refused(alias: str) -> None:
    meta = entry_meta(read_front_matter(fm("name: 本物", f'aliases: ["{alias}", 本物社]')))
    assert meta.aliases == ("本物社",)
    assert [p.line for p in meta.problems if p.key == "aliases"] == [3]


@pytest.mark.parametrize("alias", ["米", "AI", "C++", "ＡＷＳ", "エヌ"])
def test_short_but_meaningful_aliases_are_kept(alias: str) -> None:
    meta = entry_meta(read_front_matter(fm("name: 本物", f'aliases: ["{alias}"]')))
    assert meta.aliases == (alias,)


@pytest.mark.parametrize(
    ("written", "iso"),
    [("1800-01-01", "1799-12-31T14:41:01+00:00"),
     ("2025-01-01T09:00:00+09:18:59", "2024-12-31T23:41:01+00:00"),
     ("2025-11-07 02:11:09 +0000", "2025-11-07T02:11:09+00:00"),
     ("2025-11-07", "2025-11-07T00:00:00+09:00")],
)
def test_dates_are_whole_minute_offsets(written: str, iso: str) -> None:
    assert parse_date(written, TOKYO).isoformat() == iso


@pytest.mark.parametrize(
    "written", ["9999-12-31 23:00 +0000", "0001-01-01 00:00 +1400", "0001-01-01", "2025-01-01 00:00 +2500"]
)
def test_dates_off_the_calendar_are_refused(written: str) -> None:
    with pytest.raises(ValueError):
        parse_date(written, TOKYO)


@pytest.mark.parametrize(
    ("text", "clipped"),
    [("短い。", "短い。"), ("あ" * 300, "あ" * 300), ("あ" * 301, "あ" * 299 + "…"),
     ("word " * 100, ("word " * 59).rstrip() + "…")],
)
def test_clip_excerpt(text: str, clipped: str) -> None:
    assert clip_excerpt(text) == clipped
    assert len(clip_excerpt(text * 1000)) <= EXCERPT_LENGTH
    assert len(clip_excerpt("あ" * 600_000)) == EXCERPT_LENGTH


@pytest.mark.parametrize(
    ("source", "literal"),
    [("{{ page.title }}", "<!-- {{ page.title }} -->"),
     ("{% include a.html %}", "<!-- {% include a.html %} -->"),
     ("{%- if x -%}", "<!-- {%- if x -%} -->"), ("{% endhighlight %}", "<!-- {% endhighlight %} -->")],
)
def test_unknown_liquid_is_kept_and_reported(source: str, literal: str) -> None:
    converted, notes = convert_liquid(f"前\n{source}\n後", 10)
    assert converted == f"前\n{literal}\n後"
    assert [note.line for note in notes] == [11]


@pytest.mark.parametrize(
    "front",
    [["myst:", "  enable_extensions: [substitution]"], ["myst: {enable_extensions: [substitution]}"],
     ["substitutions:", "  x: '{{ 7*7 }}'"]],
)
def test_disarm_front_matter_keeps_lines_and_other_keys(front: list[str]) -> None:
    source = fm('title: "t"', *front, "date: 2025-01-01")
    disarmed, notes = disarm_front_matter(source)
    assert disarmed.count("\n") == source.count("\n")
    assert "substitution" not in disarmed
    assert notes and notes[0].line == 3
    meta = article_meta(read_front_matter(disarmed), TOKYO)
    assert meta.title == "t" and meta.date is not None
