"""Sharing: social cards, and (in builds) meta tags, JSON-LD, sitemap, robots.txt and feeds."""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from kb.pictures import cardfont
from kb.pictures.cardfont import FontSpec, missing_glyphs
from kb.pictures.cards import Card, card_key, render, wrap

REPO = Path(__file__).resolve().parent.parent
TITLE = "OpenAIの1.4兆ドル投資、その真意は？AIの未来をどう変えるの？「データセンター」の電力"

needs_font = pytest.mark.skipif(
    not os.path.isfile(cardfont.FONT_FILE) and os.environ.get("CI") != "true",
    reason=f"the pinned card font {cardfont.FONT_FILE} is not installed "
    f"(apt-get install {cardfont.FONT_PACKAGE})",
)


@needs_font
def test_card_is_1200_by_630_png_with_every_glyph_of_the_title() -> None:
    data = render(Card(TITLE, "ALLFORCES 分析ノート", "2025年11月7日"))
    image = Image.open(BytesIO(data))
    assert (image.format, image.size) == ("PNG", (1200, 630))
    # The pinned face really is the Japanese one, and it covers the title,
    # the site name and the date: no character would be a missing-glyph box.
    assert missing_glyphs(TITLE + "ALLFORCES 分析ノート" + "2025年11月7日") == []
    assert missing_glyphs("𠀋😀") == ["😀"]
    # Something was drawn where the title goes (not a blank card).
    assert image.convert("L").crop((80, 90, 1120, 200)).getextrema()[1] > 200


@needs_font
def test_card_bytes_are_deterministic_and_key_follows_content() -> None:
    card = Card(TITLE, "サイト", "2025年11月7日")
    assert render(card) == render(card)
    font = FontSpec()
    assert card_key(card, font) == card_key(Card(TITLE, "サイト", "2025年11月7日"), font)
    assert card_key(card, font) != card_key(Card(TITLE, "サイト", "2025年11月8日"), font)
    assert card_key(card, font) != card_key(Card(TITLE + "！", "サイト", "2025年11月7日"), font)
    assert card_key(card, font) != card_key(card, FontSpec(path="/nonexistent.ttc"))


@needs_font
def test_card_png_is_well_formed_and_holds_the_drawn_pixels() -> None:
    import struct
    import zlib

    data = render(Card(TITLE, "ALLFORCES 分析ノート", "2025年11月7日"))
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack_from(">I", data, at)
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack_from(">I", data, at + 8 + length)
        assert crc == zlib.crc32(kind + body), kind
        chunks.append((kind, body))
        at += 12 + length
    assert [kind for kind, _ in chunks] == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]
    # A 16-colour palette, four bits a pixel.
    width, height, depth, colour_type = struct.unpack_from(">IIBB", chunks[0][1])
    assert (width, height, depth, colour_type) == (1200, 630, 4, 3)
    assert len(chunks[1][1]) == 16 * 3
    # zlib checks the stream's own checksum; every row is filter 0 and holds the
    # pixels, two to a byte, the left one in the high nibble.
    scanlines = zlib.decompress(chunks[2][1])
    image = Image.open(BytesIO(data))
    assert image.mode == "P" and len(scanlines) == 630 * 601
    rows = [scanlines[row * 601 : (row + 1) * 601] for row in range(630)]
    assert all(row[0] == 0 for row in rows)
    pixels = bytes(nibble for row in rows for byte in row[1:] for nibble in (byte >> 4, byte & 15))
    assert pixels == image.tobytes()
    # Text, background and the accent bar are all there.
    assert {0, 14, 15} <= set(pixels)


@needs_font
def test_long_title_is_cut_with_an_ellipsis() -> None:
    data = render(Card("長い題名" * 80, "サイト", "2025年11月7日"))
    assert Image.open(BytesIO(data)).size == (1200, 630)


def test_missing_font_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(cardfont.FontMissingError, match="fonts-noto-cjk"):
        render(Card("題", "サイト", "日付"), FontSpec(path=str(tmp_path / "none.ttc")))


def test_wrap_follows_kinsoku_and_keeps_latin_words() -> None:
    def width(text: str) -> float:
        return float(len(text))

    assert wrap("あいうえお。かきくけこ", width, 5) == ["あいうえお。", "かきくけこ"]
    assert wrap("あいう「えお", width, 4) == ["あいう", "「えお"]
    assert wrap("データ OpenAI です", width, 6) == ["データ", "OpenAI", "です"]


def test_setup_installs_the_pinned_font() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    readthedocs = (REPO / ".readthedocs.yaml").read_text(encoding="utf-8")
    assert cardfont.FONT_PACKAGE in ci
    assert cardfont.FONT_PACKAGE in readthedocs


# --- in a real build ---------------------------------------------------------------------

import json  # noqa: E402
import re  # noqa: E402
from xml.etree import ElementTree  # noqa: E402

from kb.core.dates import zone_named  # noqa: E402
from kb.jekyll.importer import import_posts  # noqa: E402
from kbtesting import article, build, write_project  # noqa: E402

SITE = REPO / "tests" / "fixtures" / "jekyll_site"
SHARING_CONF = 'kb_feed_alias = "feed.xml"\n'
SECRET = "ひみつのけいかく"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$")


def project(root: Path, conf: str = "", files: dict[str, str] | None = None, **kw: object) -> Path:
    src = write_project(root, files or {}, conf=SHARING_CONF + conf, **kw)  # type: ignore[arg-type]
    assert not import_posts([SITE], src / "articles", zone_named("Asia/Tokyo")).failed
    return src


def files_containing(outdir: Path, text: str) -> list[str]:
    needle = text.encode("utf-8")
    escaped = json.dumps(text).strip('"').encode("ascii")
    return sorted(
        path.relative_to(outdir).as_posix()
        for path in outdir.rglob("*")
        if path.is_file() and (needle in path.read_bytes() or escaped in path.read_bytes())
    )


def json_ld(soup: object) -> list[dict[str, object]]:
    return [
        json.loads(script.string) for script in soup.select('script[type="application/ld+json"]')
    ]  # type: ignore[attr-defined]


@needs_font
def test_article_carries_sharing_tags_and_its_card(tmp_path: Path) -> None:
    result = build(project(tmp_path))
    soup = result.html("articles/2025/11/openai-investment")

    def meta(name: str) -> list[str]:
        found = soup.select(f'meta[property="{name}"]') or soup.select(f'meta[name="{name}"]')
        return [str(tag["content"]) for tag in found]

    assert meta("og:site_name") == ["テストKB"]
    assert meta("twitter:card") == ["summary_large_image"]
    assert meta("og:image:width") == ["1200"] and meta("og:image:height") == ["630"]
    assert meta("article:published_time") == ["2025-11-07T02:11:09+00:00"]
    assert meta("article:modified_time") == ["2025-11-07T02:11:09+00:00"]
    assert meta("article:tag") == ["AI", "OpenAI", "投資"]
    (image,) = meta("og:image")
    prefix = "https://kb.example.org/"
    assert image.startswith(prefix)
    card = result.outdir / image[len(prefix) :]
    assert Image.open(card).size == (1200, 630)
    (posting,) = json_ld(soup)
    assert posting["@type"] == "BlogPosting"
    assert posting["headline"] == "OpenAIの1.4兆ドル投資、その真意は？"
    assert posting["keywords"] == ["AI", "OpenAI", "投資"]
    assert posting["author"] == [{"@type": "Person", "name": "ALLFORCES編集部"}]
    assert posting["publisher"] == {"@type": "Organization", "name": "テストKB"}
    assert posting["image"]["url"] == image  # type: ignore[index]
    assert posting["datePublished"] == "2025-11-07T02:11:09+00:00"
    feeds = [
        link["href"] for link in soup.select('link[rel="alternate"][type="application/atom+xml"]')
    ]
    assert feeds == ["../../../feeds/atom.xml"]
    # Every article page has the same tags and its own card.
    articles = [a for a in result.domain.articles.values() if a.is_article]
    assert len(articles) == 3
    for each in articles:
        page = result.html(each.docname)
        tags = {
            str(tag.get("property") or tag.get("name")): str(tag["content"])
            for tag in page.select("meta[content]")
        }
        for name in (
            "og:site_name",
            "og:title",
            "og:type",
            "og:url",
            "og:image",
            "og:image:width",
            "og:image:height",
            "twitter:card",
            "article:published_time",
            "article:modified_time",
            "article:tag",
        ):
            assert tags.get(name), (each.docname, name)
        assert tags["twitter:card"] == "summary_large_image"
        (data,) = json_ld(page)
        assert data["@type"] == "BlogPosting"
        for key in ("headline", "datePublished", "dateModified", "author", "keywords", "image"):
            assert data.get(key), (each.docname, key)
        assert data["publisher"] == {"@type": "Organization", "name": "テストKB"}
        from urllib.parse import unquote

        card = result.outdir / unquote(tags["og:image"][len(prefix) :])
        assert card.is_file() and Image.open(card).size == (1200, 630)
        assert tags["og:image:width"] == "1200" and tags["og:image:height"] == "630"


def test_tag_pages_link_their_feed_and_site_feed_alias(tmp_path: Path) -> None:
    result = build(project(tmp_path, "kb_cards = False\n"))
    soup = result.html("tags/ai")
    hrefs = [
        link["href"] for link in soup.select('link[rel="alternate"][type="application/atom+xml"]')
    ]
    assert hrefs[0] == "../feeds/atom.xml" and len(hrefs) == 2
    assert (result.outdir / unquote_path(hrefs[1], "tags")).is_file()
    alias = result.outdir / "feed.xml"
    assert alias.read_bytes() == (result.outdir / "feeds" / "atom.xml").read_bytes()


def unquote_path(href: str, folder: str) -> str:
    from urllib.parse import unquote

    return str(Path(folder, unquote(href)))


def test_glossary_entry_has_defined_term(tmp_path: Path) -> None:
    result = build(project(tmp_path, "kb_cards = False\n", with_glossary=True))
    entries = sorted((result.srcdir / "glossary").glob("*/*.md"))
    entry = next(p for p in entries if p.stem != "index")
    pagename = entry.relative_to(result.srcdir).with_suffix("").as_posix()
    (term,) = json_ld(result.html(pagename))
    assert term["@type"] == "DefinedTerm" and term["name"]


def sitemap_schema() -> object:
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(REPO / "tests" / "fixtures" / "sitemap.xsd")))


def assert_valid_sitemap(path: Path) -> None:
    from lxml import etree

    schema = sitemap_schema()
    document = etree.parse(str(path))
    assert schema.validate(document), schema.error_log  # type: ignore[attr-defined]


def test_sitemap_schema_refuses_what_it_should() -> None:
    from lxml import etree

    schema = sitemap_schema()
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    good = f"<urlset {ns}><url><loc>https://a.example/x.html</loc></url></urlset>"
    assert schema.validate(etree.fromstring(good))  # type: ignore[attr-defined]
    for bad in (
        f"<urlset {ns}><url><lastmod>2025-11-07</lastmod></url></urlset>",
        f"<urlset {ns}><url><loc>https://a.example/x</loc><lastmod>soon</lastmod></url></urlset>",
        "<urlset><url><loc>https://a.example/x.html</loc></url></urlset>",
    ):
        assert not schema.validate(etree.fromstring(bad))  # type: ignore[attr-defined]


def test_sitemap_and_robots(tmp_path: Path) -> None:
    result = build(project(tmp_path, "kb_cards = False\n"))
    assert_valid_sitemap(result.outdir / "sitemap.xml")
    tree = ElementTree.parse(result.outdir / "sitemap.xml")
    root = tree.getroot()
    assert root.tag == f"{SITEMAP_NS}urlset"
    locations: list[str] = []
    for url in root:
        assert url.tag == f"{SITEMAP_NS}url"
        children = [child.tag.removeprefix(SITEMAP_NS) for child in url]
        assert children[0] == "loc" and set(children) <= {
            "loc",
            "lastmod",
            "changefreq",
            "priority",
        }
        loc = url.findtext(f"{SITEMAP_NS}loc") or ""
        assert loc.startswith("https://kb.example.org/") and len(loc) <= 2048 and loc.isascii()
        lastmod = url.findtext(f"{SITEMAP_NS}lastmod")
        assert lastmod is None or W3C_DATETIME.match(lastmod)
        locations.append(loc)
    assert len(locations) == len(set(locations))
    assert "https://kb.example.org/articles/2025/11/openai-investment.html" in locations
    assert "https://kb.example.org/tags/ai.html" in locations
    assert not [loc for loc in locations if "unpublished" in loc]
    robots = (result.outdir / "robots.txt").read_text(encoding="utf-8")
    assert robots == "User-agent: *\nAllow: /\nSitemap: https://kb.example.org/sitemap.xml\n"


def test_without_base_url_nothing_absolute_is_made_up(tmp_path: Path) -> None:
    result = build(project(tmp_path), confoverrides={"html_baseurl": ""})
    # One warning in all, for feeds, sitemap, cards and og:image together.
    about = [w for w in result.warnings.splitlines() if "html_baseurl" in w]
    assert len(about) == 1 and "[kb.base_url]" in about[0], result.warnings
    assert "Atom feeds" in about[0] and "sitemap.xml" in about[0]
    assert not (result.outdir / "feeds").exists() and not (result.outdir / "feed.xml").exists()
    assert not (result.outdir / "sitemap.xml").exists()
    assert "Sitemap" not in (result.outdir / "robots.txt").read_text(encoding="utf-8")
    assert not (result.outdir / "_kb" / "cards").exists()
    assert files_containing(result.outdir, "kb.example.org") == []
    soup = result.html("articles/2025/11/openai-investment")
    assert not soup.select('meta[property="og:image"]')
    assert not soup.select('meta[property="og:url"]')
    # No link to a feed that was not written.
    assert not soup.select('link[type="application/atom+xml"]')
    # The relative links still work.
    assert (result.outdir / "tags" / "ai.html").is_file()
    redirect = (result.outdir / "2025/11/07/openai-investment.html").read_text(encoding="utf-8")
    assert 'href="../../../articles/2025/11/openai-investment.html"' in redirect


def test_draft_is_nowhere_by_default(tmp_path: Path) -> None:
    result = build(project(tmp_path, "kb_cards = False\n"))
    assert files_containing(result.outdir, SECRET) == []
    assert files_containing(result.outdir, "unpublished-plan") == []


def test_draft_only_on_its_own_page_when_built(tmp_path: Path) -> None:
    result = build(project(tmp_path, 'kb_cards = False\nkb_drafts = "build"\n'))
    own = "articles/2025/11/unpublished-plan"
    found = files_containing(result.outdir, SECRET)
    assert found == [f"{own}.html"]
    soup = result.html(own)
    assert soup.select('meta[name="robots"][content="noindex"]')


# --- drafts, with every output file read (the search index decoded) ------------------------

DRAFT_WORDS = ("zqxdraftword", "zqxdrafttitle", "draft-zq", "下書きだけの語句")


def output_texts(outdir: Path) -> dict[str, str]:
    """Every file of the output as text, each search page's compressed text inflated and
    JSON escapes undone, so a word is found wherever and however it was written."""
    import base64
    import zlib
    from urllib.parse import unquote

    texts: dict[str, str] = {}
    for path in sorted(outdir.rglob("*")):
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        parts = [text, unquote(text)]
        parts.append(
            re.sub(r"\\u([0-9a-fA-F]{4})", lambda match: chr(int(match.group(1), 16)), text)
        )
        for packed in re.findall(r'"z":"([A-Za-z0-9+/=]+)"', text):
            parts.append(zlib.decompress(base64.b64decode(packed), -15).decode("utf-8"))
        texts[path.relative_to(outdir).as_posix()] = "\n".join(parts).lower()
    return texts


def draft_project(root: Path, mode: str) -> Path:
    body = "本文に zqxdraftword と 下書きだけの語句。NVIDIA と AWS の話。"
    files = {
        "articles/2025/11/draft-zq.md": article(
            body,
            title="下書き zqxdrafttitle",
            date="2025-11-20",
            tags=["AI", "zqxdrafttag"],
            categories=["投資分析"],
            draft=True,
        ),
        "articles/2025/11/public.md": article(
            "公開の本文。NVIDIA と AWS の話。",
            title="公開記事",
            date="2025-11-19",
            tags=["AI"],
            categories=["投資分析"],
        ),
        "articles/2025/11/older.md": article(
            "古い本文。NVIDIA の話。", title="古い記事", date="2025-11-01", tags=["AI"]
        ),
    }
    conf = f'kb_cards = False\nkb_drafts = "{mode}"\n'
    return write_project(root, files, conf=SHARING_CONF + conf, with_glossary=True)


@pytest.mark.parametrize("mode", ["skip", "build"])
def test_draft_text_is_in_no_other_output_file(tmp_path: Path, mode: str) -> None:
    result = build(draft_project(tmp_path, mode))
    own = "articles/2025/11/draft-zq.html"
    texts = output_texts(result.outdir)
    # The scan reaches the search index (decoded) and the public article is in it.
    assert any(path.startswith("_static/kb-search") or "kb-search" in path for path in texts)
    assert any("公開の本文" in text for path, text in texts.items() if "kb-search" in path)
    for word in DRAFT_WORDS:
        found = sorted(path for path, text in texts.items() if word in text)
        assert found == ([own] if mode == "build" else []), (word, found)
    if mode == "build":
        soup = result.html("articles/2025/11/draft-zq")
        assert soup.select('meta[name="robots"][content="noindex"]')
        assert not (
            result.outdir / "_sources" / "articles" / "2025" / "11" / "draft-zq.md.txt"
        ).exists()
        # The public article's one copy of its source is its Markdown beside its page.
        assert (result.outdir / "articles" / "2025" / "11" / "public.html.md").exists()
        assert not result.html("articles/2025/11/public").select('meta[name="robots"]')
    assert_valid_sitemap(result.outdir / "sitemap.xml")


def test_make_serve_builds_drafts() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    serve = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    assert "-D kb_drafts=build" in serve
    # Its own folders: a preview never leaves drafts in the build that is published.
    assert "$(BUILD)/html" not in serve and "$(BUILD)/doctrees " not in serve


def test_bad_redirects_warn_with_file_and_line_and_never_overwrite(tmp_path: Path) -> None:
    files = {
        "articles/2025/11/a.md": article(
            title="記事A", date="2025-11-01", redirect_from=["/old/a.html", "../../escape.html"]
        ),
        "articles/2025/11/b.md": article(
            title="記事B", date="2025-11-02", redirect_from=["/old/a.html", "/index.html"]
        ),
    }
    src = write_project(tmp_path, files, conf=SHARING_CONF + "kb_cards = False\n")
    result = build(src)
    index = (result.outdir / "index.html").read_text(encoding="utf-8")
    assert "この記事は移動しました" not in index
    assert "記事A" in (result.outdir / "old" / "a.html").read_text(encoding="utf-8")
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.warnings)
    warnings = [line for line in plain.splitlines() if "[kb.redirect]" in line]
    assert len(warnings) == 3, warnings
    a = str(src / "articles" / "2025" / "11" / "a.md")
    b = str(src / "articles" / "2025" / "11" / "b.md")
    assert any(w.startswith(f"{a}:4:") and "escape.html" in w for w in warnings)
    assert any(w.startswith(f"{b}:4:") and "a page of this site" in w for w in warnings)
    assert any(w.startswith(f"{b}:4:") and "articles/2025/11/a redirects" in w for w in warnings)
    assert not (tmp_path / "escape.html").exists()


@needs_font
def test_noop_rebuild_rewrites_nothing(tmp_path: Path) -> None:
    src = project(tmp_path)
    first = build(src)
    stamps = {p: p.stat().st_mtime_ns for p in first.outdir.rglob("*") if p.is_file()}
    second = build(src)
    assert "social cards drawn" not in second.status
    after = {p: p.stat().st_mtime_ns for p in second.outdir.rglob("*") if p.is_file()}
    changed = sorted(str(p.relative_to(second.outdir)) for p in after if stamps.get(p) != after[p])
    # Sphinx itself rewrites its index pages, inventory and theme assets on every
    # run; every file kb writes must stay untouched.
    sphinx_own = {".buildinfo", "genindex.html", "search.html", "objects.inv", "searchindex.js"}
    ours = [
        p
        for p in changed
        if not p.startswith(".doctrees")
        and p not in sphinx_own
        and not (p.startswith("_static/") and not p.startswith("_static/kb"))
    ]
    assert ours == []
    cards_made = sorted((second.outdir / "_kb" / "cards").rglob("*.png"))
    assert len(cards_made) == 3
    manifest = json.loads((second.outdir / ".kb-outputs.json").read_text(encoding="utf-8"))
    assert sum(1 for path in manifest["files"] if path.startswith("_kb/cards/")) == 3
    # One title changed: exactly its card is drawn again, the others are kept.
    edited = src / "articles" / "2025" / "11" / "openai-investment.md"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("その真意は？", "その真意は何か"), encoding="utf-8")
    third = build(src)
    assert "1 social cards drawn" in third.status
    assert sorted((third.outdir / "_kb" / "cards").rglob("*.png")) == cards_made
    # The site name is on every card: all are drawn again.
    fourth = build(src, confoverrides={"kb_site_name": "別の名前"})
    assert "3 social cards drawn" in fourth.status


# --- full-text feeds ------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"
FULL_TEXT_FILES = {
    "articles/2025/11/a.md": article(
        """
        最初の段落。1 < 2 & 3 は正しい。[記事Bへ](b.md) と [外部](https://example.com/x)。

        ## 見出しの節

        節の本文。
        """,
        title="記事A",
        date="2025-11-01",
        tags=["AI"],
        excerpt="抜粋A",
    ),
    "articles/2025/11/b.md": article("本文B。", title="記事B", date="2025-11-02", tags=["AI"]),
}


def feed_contents(path: Path) -> dict[str, tuple[str, str]]:
    """Entry title -> (content type, content as HTML) of an Atom feed."""
    root = ElementTree.parse(path).getroot()
    found = {}
    for entry in root.iter(f"{ATOM}entry"):
        content = entry.find(f"{ATOM}content")
        title = entry.findtext(f"{ATOM}title") or ""
        if content is None:
            found[title] = ("", "")
        else:
            found[title] = (content.get("type", ""), content.text or "")
    return found


def full_text_project(root: Path, on: bool = True) -> Path:
    conf = f"kb_cards = False\nkb_feed_full_text = {on}\n"
    return write_project(root, dict(FULL_TEXT_FILES), conf=SHARING_CONF + conf)


def test_full_text_feed_carries_the_rendered_body_with_absolute_links(tmp_path: Path) -> None:
    src = full_text_project(tmp_path)
    result = build(src)
    raw = (result.outdir / "feeds" / "atom.xml").read_text(encoding="utf-8")
    # Escaped per Atom: the markup is text of a type="html" content element.
    assert '<content type="html">&lt;' in raw and "<p>" not in raw
    contents = feed_contents(result.outdir / "feeds" / "atom.xml")
    kind, html = contents["記事A"]
    assert kind == "html"
    assert "最初の段落" in html and "見出しの節" in html and "節の本文" in html
    assert "1 &lt; 2 &amp; 3" in html and "<script" not in html
    assert 'href="https://kb.example.org/articles/2025/11/b.html"' in html
    assert 'href="https://example.com/x"' in html
    hrefs = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs), hrefs
    assert "headerlink" not in html and "¶" not in html
    # Only the article's own text: no page chrome, no title (the entry has it), no byline,
    # related articles or neighbours.
    assert "sidebar" not in html and "<html" not in html and "<h1" not in html
    assert "関連記事" not in html and "2025年11月1日" not in html and "記事B →" not in html
    # Tag feeds carry it too; the excerpt stays as the summary.
    assert "本文B" in feed_contents(result.outdir / "feeds" / "tags" / "ai.xml")["記事B"][1]
    assert "<summary>抜粋A</summary>" in raw

    # An edit reaches the feed on the incremental build.
    (src / "articles/2025/11/b.md").write_text(
        article("本文Bを書き直した。", title="記事B", date="2025-11-02", tags=["AI"]),
        encoding="utf-8",
    )
    again = build(src)
    assert "書き直した" in feed_contents(again.outdir / "feeds" / "atom.xml")["記事B"][1]
    assert feed_contents(again.outdir / "feeds" / "atom.xml")["記事A"] == contents["記事A"]


def test_full_text_feed_is_the_same_with_parallel_workers(tmp_path: Path) -> None:
    src = full_text_project(tmp_path)
    serial = build(src, builddir=tmp_path / "serial")
    parallel = build(src, builddir=tmp_path / "parallel", parallel=3)
    # Pages really were written by worker processes (Sphinx writes the first
    # document itself, the others in forked chunks): their bodies reached the feed.
    assert parallel.app.builder.parallel_ok
    for feed in ("feeds/atom.xml", "feeds/tags/ai.xml"):
        one = (serial.outdir / feed).read_bytes()
        assert one == (parallel.outdir / feed).read_bytes()
    assert "最初の段落" in feed_contents(parallel.outdir / "feeds" / "atom.xml")["記事A"][1]


def test_full_text_is_off_by_default_and_can_be_turned_on_later(tmp_path: Path) -> None:
    src = full_text_project(tmp_path, on=False)
    first = build(src)
    assert feed_contents(first.outdir / "feeds" / "atom.xml")["記事A"] == ("", "")
    # Turned on without a change to any page: the bodies come from the build anyway.
    later = build(src, confoverrides={"kb_feed_full_text": True})
    kind, html = feed_contents(later.outdir / "feeds" / "atom.xml")["記事A"]
    assert kind == "html" and "最初の段落" in html
    assert 'href="https://kb.example.org/articles/2025/11/b.html"' in html
    assert later.warnings.strip() == "", later.warnings


def test_feed_body_links_are_absolute_from_the_page() -> None:
    from kb.sphinx.feeds import absolute_body

    body = (
        '<section><h1>題<a class="headerlink" href="#t">¶</a></h1>'
        '<div class="no-search"><p>2025年11月1日</p></div>'
        '<p><a href="../b/">B</a> <a href="#sec">節</a> <img src="../../../../_images/x.png">'
        ' <a href="https://example.com/">外</a> 1 &lt; 2</p></section>'
    )
    html = absolute_body(body, "https://kb.example.org/ja/latest/articles/2025/11/a/")
    assert 'href="https://kb.example.org/ja/latest/articles/2025/11/b/"' in html
    assert 'href="https://kb.example.org/ja/latest/articles/2025/11/a/#sec"' in html
    assert 'src="https://kb.example.org/ja/latest/_images/x.png"' in html
    assert 'href="https://example.com/"' in html and "1 &lt; 2" in html
    assert "<h1" not in html and "¶" not in html and "2025年11月1日" not in html
    assert absolute_body("  ", "https://kb.example.org/") == ""
