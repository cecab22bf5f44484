"""Outputs for programs: llms.txt and each article as Markdown, JSON Feed, OpenSearch."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from xml.etree import ElementTree

import pytest
import yaml

from kb import cli
from kbtesting import Build, article, build, write_project

BASE = "https://kb.example.org/"
DESCRIPTION = "AI・半導体・クラウドの長文分析。"

ARTICLES = {
    "articles/2025/11/invest.md": article(
        title="OpenAIの1.4兆ドル投資 [速報] *注目*",
        date="2025-11-07 02:11:09 +0000",
        categories=["投資分析"],
        tags=["AI", "OpenAI"],
        author="ALLFORCES編集部",
        excerpt="OpenAI、AIインフラ投資1.4兆ドルについて分析します。",
        body="## 背景\n\n本文の**太字**と[リンク](https://example.com)。",
    ),
    "articles/2025/10/chips.md": article(
        title="半導体の供給網",
        date="2025-10-01",
        categories=["投資分析", "半導体"],
        tags=["TSMC"],
        excerpt="供給網の要約。",
        series="半導体の行方",
        series_order=1,
    ),
    "articles/2025/09/loose.md": article(title="カテゴリのない記事", date="2025-09-01"),
    "articles/2025/12/draft.md": article(
        title="下書きの記事", date="2025-12-01", categories=["投資分析"], draft=True
    ),
}
LISTED = ["articles/2025/11/invest", "articles/2025/10/chips", "articles/2025/09/loose"]
CONF = f'kb_site_description = "{DESCRIPTION}"\n'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    # Drafts built for preview: they must still appear in none of these outputs.
    src = write_project(tmp_path_factory.mktemp("machine"), ARTICLES, CONF, with_glossary=True)
    return build(src, confoverrides={"kb_drafts": "build"})


def _generated_pages(site: Build) -> list[str]:
    """One page of each kind a reader can land on: home, article, tag, glossary entry."""
    tag_page = next((site.outdir / "tags").glob("*.html")).relative_to(site.outdir)
    return [
        "index",
        "articles/2025/11/invest",
        "articles/2025/12/draft",
        tag_page.with_suffix("").as_posix(),
        "glossary/partners/nvidia",
        "search",
    ]


def _resolved(site: Build, page: str, href: str) -> Path:
    return (site.page_path(page).parent / unquote(href)).resolve()


# --- llms.txt -------------------------------------------------------------------------------

_LINK = re.compile(r"^- \[(?P<title>(?:[^\]\\]|\\.)+)\]\((?P<url>[^\s()]+)\)(?:: (?P<note>.+))?$")


def _llms_structure(text: str) -> tuple[str, str, list[tuple[str, list[dict[str, str]]]]]:
    """Read llms.txt as the proposal defines it; fails on anything else."""
    lines = text.splitlines()
    assert lines[0].startswith("# ") and lines[1] == ""
    name = lines[0][2:]
    assert lines[2].startswith("> ") and lines[3] == ""
    summary = lines[2][2:]
    sections: list[tuple[str, list[dict[str, str]]]] = []
    for line in lines[4:]:
        if not line:
            continue
        if line.startswith("## "):
            sections.append((line[3:], []))
            continue
        assert not line.startswith("#"), line  # one H1 only, then H2 sections
        match = _LINK.match(line)
        assert match, line
        assert sections, line
        sections[-1][1].append(match.groupdict())
    return name, summary, sections


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def test_llms_txt_lists_every_article_by_category_with_its_excerpt(site: Build) -> None:
    name, summary, sections = _llms_structure((site.outdir / "llms.txt").read_text("utf-8"))
    assert name == "テストKB"
    assert summary == DESCRIPTION
    headings = [heading for heading, _ in sections]
    # Categories, the most articles first; then articles without one; then the glossary.
    assert headings == ["投資分析", "半導体", "その他の記事", "パートナー", "技術"]
    by_heading = dict(sections)
    titles = {h: [_unescape(link["title"]) for link in links] for h, links in by_heading.items()}
    assert titles["投資分析"] == ["OpenAIの1.4兆ドル投資 [速報] *注目*", "半導体の供給網"]
    assert titles["半導体"] == ["半導体の供給網"]
    assert titles["その他の記事"] == ["カテゴリのない記事"]
    notes = [link["note"] for link in by_heading["投資分析"]]
    assert notes == ["OpenAI、AIインフラ投資1.4兆ドルについて分析します。", "供給網の要約。"]
    assert "Nvidia" in titles["パートナー"]
    listed_urls = {
        link["url"] for h in ("投資分析", "半導体", "その他の記事") for link in by_heading[h]
    }
    assert listed_urls == {f"{BASE}{docname}.html.md" for docname in LISTED}
    text = (site.outdir / "llms.txt").read_text("utf-8")
    assert "下書き" not in text


def test_each_listed_article_has_its_markdown_beside_its_page(site: Build) -> None:
    for docname in LISTED:
        assert (site.outdir / f"{docname}.html.md").is_file()
    assert not (site.outdir / "articles/2025/12/draft.html.md").exists()
    text = (site.outdir / "articles/2025/11/invest.html.md").read_text("utf-8")
    head, body = text.removeprefix("---\n").split("\n---\n", 1)
    facts = yaml.safe_load(head)
    assert facts["title"] == "OpenAIの1.4兆ドル投資 [速報] *注目*"
    assert facts["url"] == f"{BASE}articles/2025/11/invest.html"
    assert facts["date"] == dt.datetime(2025, 11, 7, 2, 11, 9, tzinfo=dt.timezone.utc)
    assert facts["categories"] == ["投資分析"]
    assert facts["tags"] == ["AI", "OpenAI"]
    assert facts["authors"] == ["ALLFORCES編集部"]
    assert body.lstrip("\n").splitlines()[0] == r"# OpenAIの1.4兆ドル投資 \[速報\] \*注目\*"
    assert "## 背景\n\n本文の**太字**と[リンク](https://example.com)。" in body
    series = yaml.safe_load(
        (site.outdir / "articles/2025/10/chips.html.md").read_text("utf-8").split("---\n")[1]
    )
    assert (series["series"], series["series_part"]) == ("半導体の行方", 1)


def test_kb_llms_txt_off_writes_neither(tmp_path: Path) -> None:
    src = write_project(tmp_path, ARTICLES, CONF + "kb_llms_txt = False\n")
    result = build(src)
    assert not (result.outdir / "llms.txt").exists()
    assert list(result.outdir.rglob("*.md")) == []


def test_a_draft_loses_its_markdown_and_its_line_on_the_next_build(tmp_path: Path) -> None:
    src = write_project(tmp_path, ARTICLES, CONF)
    result = build(src)
    assert (result.outdir / "articles/2025/09/loose.html.md").is_file()
    llms = result.outdir / "llms.txt"
    before = llms.stat().st_mtime_ns
    # A build that reads nothing rewrites nothing.
    build(src)
    assert llms.stat().st_mtime_ns == before
    path = src / "articles/2025/09/loose.md"
    path.write_text(path.read_text("utf-8").replace("---\n\n", "draft: true\n---\n\n", 1), "utf-8")
    result = build(src)
    assert not (result.outdir / "articles/2025/09/loose.html.md").exists()
    assert "カテゴリのない記事" not in llms.read_text("utf-8")


# --- JSON Feed ---------------------------------------------------------------------------------

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")


def _check_json_feed(feed: dict[str, object]) -> None:
    """The requirements of JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    for key in ("home_page_url", "feed_url"):
        assert urlsplit(str(feed[key])).scheme == "https"
    items = feed["items"]
    assert isinstance(items, list)
    for item in items:
        assert isinstance(item["id"], str) and item["id"]
        assert "content_html" in item or "content_text" in item
        for key in ("content_html", "content_text", "summary", "title", "url"):
            assert key not in item or isinstance(item[key], str)
        for key in ("date_published", "date_modified"):
            assert key not in item or _RFC3339.match(item[key]), item.get(key)
        assert all(isinstance(tag, str) for tag in item.get("tags", []))
        assert all(isinstance(a, dict) and a.get("name") for a in item.get("authors", []))
    allowed = {"version", "title", "home_page_url", "feed_url", "description", "language",
               "items", "authors", "icon", "favicon", "user_comment", "next_url", "expired",
               "hubs"}  # fmt: skip
    assert set(feed) <= allowed


def test_the_site_json_feed_has_the_atom_feeds_entries(site: Build) -> None:
    feed = json.loads((site.outdir / "feeds" / "feed.json").read_text("utf-8"))
    _check_json_feed(feed)
    assert feed["feed_url"] == f"{BASE}feeds/feed.json"
    assert feed["description"] == DESCRIPTION
    atom = ElementTree.parse(site.outdir / "feeds" / "atom.xml").getroot()
    ns = "{http://www.w3.org/2005/Atom}"
    atom_ids = [entry.findtext(f"{ns}id") for entry in atom.findall(f"{ns}entry")]
    assert [item["id"] for item in feed["items"]] == atom_ids
    assert [item["url"] for item in feed["items"]] == [
        f"{BASE}{docname}.html" for docname in LISTED
    ]
    first = feed["items"][0]
    assert first["title"] == "OpenAIの1.4兆ドル投資 [速報] *注目*"
    assert first["summary"] == first["content_text"]
    assert first["date_published"] == "2025-11-07T02:11:09+00:00"
    assert first["tags"] == ["投資分析", "AI", "OpenAI"]
    assert first["authors"] == [{"name": "ALLFORCES編集部"}]
    assert feed["items"][1]["tags"] == ["投資分析", "半導体", "TSMC", "半導体の行方"]


def test_every_page_links_the_json_feed_and_tag_pages_their_own(site: Build) -> None:
    for page in _generated_pages(site):
        links = site.html(page).select('link[rel="alternate"][type="application/feed+json"]')
        targets = [_resolved(site, page, str(link["href"])) for link in links]
        assert (site.outdir / "feeds" / "feed.json").resolve() in targets, page
        assert all(target.is_file() for target in targets)
    tag_page = _generated_pages(site)[3]
    links = site.html(tag_page).select('link[type="application/feed+json"]')
    assert len(links) == 2
    own = json.loads(_resolved(site, tag_page, str(links[1]["href"])).read_text("utf-8"))
    _check_json_feed(own)
    assert own["items"]


def test_full_text_json_feed_items_carry_the_body_as_html(tmp_path: Path) -> None:
    src = write_project(tmp_path, ARTICLES, CONF + "kb_feed_full_text = True\n")
    result = build(src)
    feed = json.loads((result.outdir / "feeds" / "feed.json").read_text("utf-8"))
    _check_json_feed(feed)
    body = feed["items"][0]["content_html"]
    assert "<strong>太字</strong>" in body
    assert 'href="https://example.com"' in body


def test_kb_json_feed_off_writes_and_links_none(tmp_path: Path) -> None:
    result = build(write_project(tmp_path, ARTICLES, CONF + "kb_json_feed = False\n"))
    assert list((result.outdir / "feeds").rglob("*.json")) == []
    assert result.html("index").select('link[type="application/feed+json"]') == []
    assert (result.outdir / "feeds" / "atom.xml").is_file()


# --- OpenSearch ----------------------------------------------------------------------------------

OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
#: Sphinx's themes have a plain ``<link rel="search">`` to the search page too.
SEARCH_LINK = 'link[rel="search"][type="application/opensearchdescription+xml"]'


def test_the_opensearch_description_opens_kbs_results_page(site: Build) -> None:
    root = ElementTree.parse(site.outdir / "opensearch.xml").getroot()
    assert root.tag == f"{OPENSEARCH}OpenSearchDescription"
    short_name = root.findtext(f"{OPENSEARCH}ShortName")
    assert short_name == "テストKB" and len(short_name) <= 16
    assert root.findtext(f"{OPENSEARCH}Description") == DESCRIPTION
    assert root.findtext(f"{OPENSEARCH}InputEncoding") == "UTF-8"
    urls = {url.get("type"): url for url in root.findall(f"{OPENSEARCH}Url")}
    html = urls["text/html"]
    assert html.get("method") == "get"
    template = str(html.get("template"))
    assert "{searchTerms}" in template
    # What a browser does with it: fill in the words and open the address.
    opened = urlsplit(template.replace("{searchTerms}", quote("データセンター 電力")))
    assert opened.query == "q=" + quote("データセンター 電力")
    assert f"{opened.scheme}://{opened.netloc}/" == BASE
    page = site.outdir / opened.path.lstrip("/")
    assert page == site.page_path("search")
    assert "kb-search" in page.read_text("utf-8")
    assert urls["application/opensearchdescription+xml"].get("template") == f"{BASE}opensearch.xml"


def test_every_page_links_the_opensearch_description(site: Build) -> None:
    for page in _generated_pages(site):
        (link,) = site.html(page).select(SEARCH_LINK)
        assert link["type"] == "application/opensearchdescription+xml"
        assert link["title"] == "テストKB"
        assert (
            _resolved(site, page, str(link["href"])) == (site.outdir / "opensearch.xml").resolve()
        )


def test_without_a_base_url_there_is_no_opensearch_and_no_word_about_it(tmp_path: Path) -> None:
    src = write_project(tmp_path, ARTICLES, CONF + 'html_baseurl = ""\n')
    with_it = build(src)
    assert not (with_it.outdir / "opensearch.xml").exists()
    assert with_it.html("index").select(SEARCH_LINK) == []
    assert "opensearch" not in with_it.warnings.lower()
    # llms.txt still links every article, relative to the root it sits in.
    _, _, sections = _llms_structure((with_it.outdir / "llms.txt").read_text("utf-8"))
    urls = {link["url"] for _, links in sections[:3] for link in links}
    assert urls == {quote(f"{docname}.html.md") for docname in LISTED}


def test_kb_opensearch_off_writes_and_links_none(tmp_path: Path) -> None:
    result = build(write_project(tmp_path, ARTICLES, CONF + "kb_opensearch = False\n"))
    assert not (result.outdir / "opensearch.xml").exists()
    assert result.html("index").select(SEARCH_LINK) == []
    assert (result.outdir / "llms.txt").is_file()


def test_a_redirect_cannot_take_llms_txt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        **ARTICLES,
        "articles/2025/08/old.md": article(title="旧", redirect_from=["/llms.txt"]),
    }
    src = write_project(tmp_path, files, CONF)
    result = build(src)
    expected = (
        "articles/2025/08/old.md:3: WARNING: redirect_from '/llms.txt': not written at "
        "'llms.txt': llms.txt is there (kb_llms_txt) [kb.redirect]"
    )
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.warnings).replace(str(src) + "/", "")
    assert expected in plain.splitlines()
    assert (result.outdir / "llms.txt").read_text("utf-8").startswith("# テストKB")
    monkeypatch.chdir(src)
    assert cli.main(["check"]) == 1
    assert expected in capsys.readouterr().out.splitlines()
