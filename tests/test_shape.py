"""kb's shape as users meet it: templates they override, one name per field, settings.

Real builds of small projects; assertions on the HTML and feeds readers get.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kb.cli import main
from kbtesting import Build, article, build, plain, write_project

ATOM = "{http://www.w3.org/2005/Atom}"

# --- templates a site overrides -------------------------------------------------------

TERM_OVERRIDE = """\
{% extends "kb/generated.html" %}
{% block content %}<p class="site-term" data-kind="{{ term.kind }}">{{ term.name }}: {{ term.articles|length }}</p>{% endblock %}
"""


@pytest.fixture(scope="module")
def overridden(tmp_path_factory: pytest.TempPathFactory) -> Build:
    files = {
        "articles/2025/01/a.md": article(
            title="A", tags=["AI", "<b>投資</b>"], categories=["分析"], author="編集部"
        ),
        "articles/2025/02/b.md": article(title="B", tags=["AI"], author="編集部"),
        "_templates/kb/term.html": TERM_OVERRIDE,
    }
    src = write_project(
        tmp_path_factory.mktemp("override"), files, conf='templates_path = ["_templates"]\n'
    )
    return build(src)


def test_overriding_term_template_changes_every_tag_category_and_author_page(
    overridden: Build,
) -> None:
    taxonomy = overridden.domain.taxonomy
    seen = []
    for kind in ("tag", "category", "author"):
        for term in taxonomy.sorted_terms(kind):
            page = overridden.html(term.pagename)
            paragraphs = page.select("p.site-term")
            assert len(paragraphs) == 1, term.pagename
            assert paragraphs[0]["data-kind"] == kind
            assert paragraphs[0].get_text() == f"{term.name}: {len(term.articles)}"
            # The site's template replaced kb's: no kb list on the page.
            assert page.select(".kb-list") == []
            seen.append(kind)
    assert sorted(set(seen)) == ["author", "category", "tag"]
    assert len(seen) == 4  # AI, <b>投資</b>, 分析, 編集部


def test_overridden_templates_still_escape(overridden: Build) -> None:
    term = overridden.domain.taxonomy.term("tag", "<b>投資</b>")
    raw = overridden.page_path(term.pagename).read_text(encoding="utf-8")
    assert "&lt;b&gt;投資&lt;/b&gt;: 1" in raw
    assert "<b>投資</b>" not in raw


def test_other_pages_keep_kb_templates(overridden: Build) -> None:
    page = overridden.html("archive/index")
    assert page.select(".kb-months li")
    assert overridden.html("tags/index").select(".kb-terms tbody tr")


# --- one display name per field ---------------------------------------------------------


@pytest.fixture(scope="module")
def spelled(tmp_path_factory: pytest.TempPathFactory) -> Build:
    files = {
        "articles/2025/01/a.md": article(
            title="揺れる表記", tags=["AI", "ai", "ＡＩ", "投資"], categories=["分析", "ぶんせき"]
        ),
        "articles/2025/01/b.md": article(title="別の記事", tags=["ai"], categories=["分析"]),
        "articles/2025/01/undated.md": (
            "---\ntitle: 日付のない記事\ntags: [AI]\ncolour: blue\n---\n\n本文。\n"
        ),
        "articles/2025/01/broken-date.md": (
            "---\ntitle: 読めない日付\ndate: 2025-13-45\ntags: [AI]\n---\n\n本文。\n"
        ),
    }
    return build(write_project(tmp_path_factory.mktemp("spelled"), files))


def test_one_badge_for_ai_ai_and_fullwidth_ai_in_the_byline(spelled: Build) -> None:
    page = spelled.html("articles/2025/01/a")
    badges = [b.get_text() for b in page.select(".kb-badges .kb-tag")]
    assert badges == ["AI", "投資"]
    categories = [b.get_text() for b in page.select(".kb-badges .kb-category")]
    assert categories == ["分析", "ぶんせき"]


def test_one_badge_in_list_items(spelled: Build) -> None:
    term = spelled.domain.taxonomy.term("category", "分析")
    page = spelled.html(term.pagename)
    for item in page.select(".kb-item"):
        tags = [b.get_text() for b in item.select(".kb-item-tags > :not([class])")]
        assert len(tags) == len(set(tags)), tags
    item = next(i for i in page.select(".kb-item") if "揺れる表記" in i.get_text())
    assert [b.get_text() for b in item.select(".kb-item-tags > :not([class])")] == ["AI", "投資"]


def test_one_category_term_in_feeds(spelled: Build) -> None:
    root = ET.parse(spelled.outdir / "feeds" / "atom.xml").getroot()
    entry = next(e for e in root.findall(f"{ATOM}entry") if "揺れる表記" in e.findtext(f"{ATOM}title"))
    terms = [c.get("term") for c in entry.findall(f"{ATOM}category")]
    assert terms == ["分析", "ぶんせき", "AI", "投資"]


def test_undated_articles_are_built_warned_about_and_listed_nowhere(spelled: Build) -> None:
    for name, line in (("undated", None), ("broken-date", 3)):
        page = spelled.html(f"articles/2025/01/{name}")
        assert page.select_one(".kb-byline") is not None
        assert page.select_one(".kb-date") is None
        where = rf"{name}\.md:{line}:" if line else rf"{name}\.md(:\d+)?:"
        assert re.search(where + r" WARNING: date", spelled.warnings), name
    titles = {"日付のない記事", "読めない日付"}
    for path in spelled.outdir.rglob("*"):
        if path.suffix not in (".html", ".xml") or path.parent.name.startswith("_"):
            continue
        text = path.read_text(encoding="utf-8")
        assert "1970" not in text, path
        if "articles" not in path.parts:
            for title in titles:
                assert title not in text, (path, title)


def test_unknown_article_keys_are_kept_and_reported(spelled: Build) -> None:
    assert re.search(
        r"undated\.md:4: WARNING: unknown key 'colour' in an article's front matter .*"
        r"kept, not shown \[kb\.front_matter\]",
        spelled.warnings,
    )
    record = spelled.domain.articles["articles/2025/01/undated"]
    assert record.extra == (("colour", "blue"),)


# --- settings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "value", "reason"),
    [
        ("kb_page_size", 0, "must be a whole number of at least 1"),
        ("kb_feed_length", -3, "must be a whole number of at least 1"),
        ("kb_autolink", "sometimes", "must be one of first, section, all, none"),
        ("kb_timezone", "Mars/Olympus", "is not a known IANA time zone"),
        ("kb_tags_path", "../outside", "must be a relative folder inside the project"),
    ],
)
def test_a_bad_setting_is_named_and_replaced_by_its_default(
    tmp_path: Path, setting: str, value: object, reason: str
) -> None:
    files = {"articles/2025/01/a.md": article(title="A", tags=["AI"])}
    src = write_project(tmp_path, files, conf=f"{setting} = {value!r}\n")
    result = build(src)
    assert re.search(
        rf"WARNING: {setting} = {re.escape(repr(value))} {re.escape(reason)}.*; using .* "
        r"\[kb\.config\]",
        result.warnings,
    ), result.warnings
    # The default is what the build used: the tag page has its article.
    page = result.html(result.domain.taxonomy.term("tag", "AI").pagename)
    assert len(page.select(".kb-item")) == 1


def test_a_feed_setting_re_reads_nothing(tmp_path: Path) -> None:
    files = {f"articles/2025/01/a{i}.md": article(title=f"記事{i}", tags=["AI"]) for i in range(8)}
    src = write_project(tmp_path, files)
    first = build(src)
    page = first.page_path("articles/2025/01/a0")
    before = page.stat().st_mtime_ns
    second = build(src, confoverrides={"kb_feed_title": "新しい題名", "kb_feed_length": 3})
    assert re.search(r"(?m) 0 added, 0 changed, 0 removed$", plain(second.status))
    assert page.stat().st_mtime_ns == before
    root = ET.parse(second.outdir / "feeds" / "atom.xml").getroot()
    assert root.findtext(f"{ATOM}title") == "新しい題名"
    assert len(root.findall(f"{ATOM}entry")) == 3


# --- the command line reads the project's settings ------------------------------------------

POST = "---\ntitle: 月末の記事\ndate: 2025-11-30 20:00:00 +0000\n---\n\n本文。\n"


@pytest.mark.parametrize(
    ("conf", "month"),
    [
        ('kb_timezone = "UTC"\n', "11"),
        ('kb_timezone = "Asia/Tokyo"\n', "12"),
        ("", "12"),  # the default zone
        ('kb_timezone = "America/Los_Angeles"\n', "11"),
    ],
)
def test_kb_import_files_articles_by_the_projects_zone(
    tmp_path: Path, conf: str, month: str, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs"
    (docs / "articles").mkdir(parents=True)
    (docs / "conf.py").write_text("project = 'x'\n" + conf, encoding="utf-8")
    post = tmp_path / "2025-11-30-end.md"
    post.write_text(POST, encoding="utf-8")
    assert main(["import", str(post), "--into", str(docs / "articles")]) == 0
    folders = sorted(p.parent.relative_to(docs / "articles").as_posix() for p in docs.rglob("*.md"))
    assert folders == [f"2025/{month}"]


def test_kb_import_reports_a_setting_it_cannot_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs"
    (docs / "articles").mkdir(parents=True)
    (docs / "conf.py").write_text("import os\nkb_timezone = os.environ['TZ']\n", encoding="utf-8")
    post = tmp_path / "2025-11-30-end.md"
    post.write_text(POST, encoding="utf-8")
    assert main(["import", str(post), "--into", str(docs / "articles")]) == 0
    assert "conf.py:2: kb_timezone is not a plain value; using the default" in capsys.readouterr().err
    assert [p.parent.name for p in docs.rglob("*.md")] == ["12"]


# --- related articles do not depend on the process ---------------------------------------------

RELATED_SCRIPT = """
import datetime as dt
from kb.core.records import Article
from kb.core.relations import Relations

tags = ["AI", "投資", "半導体", "クラウド", "電力", "HBM", "GPU", "政策"]
when = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
listed = [
    Article(
        docname=f"a{i:03d}",
        title=str(i),
        date=when - dt.timedelta(days=i),
        tags=tuple(tags[(i * k) % len(tags)] for k in (1, 3, 5)),
    )
    for i in range(300)
]
mentions = {a.docname: {f"e{(i * 7) % 13}": 1, f"e{(i * 11) % 17}": 2} for i, a in enumerate(listed)}
relations = Relations.build(listed, mentions, 5)
print({name: [a.docname for a in found] for name, found in sorted(relations.related.items())})
"""


def test_related_articles_are_the_same_whatever_the_hash_seed(tmp_path: Path) -> None:
    """Scores are sums of floats; summed in set order, ties broke differently per process."""
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        done = subprocess.run(
            [sys.executable, "-c", RELATED_SCRIPT],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
