"""What real Jekyll sites still lost on the way in: plugin Liquid, raw HTML images, defaults, anchors.

Each site here is written for the test on the pattern of a real public site
(a Japanese Jekyll-Bootstrap blog with its own plugins: Amazon Product API
filters, ``csssig``, ``lightbox``, MathJax tags; screenshots inside HTML
tables; a ``_config.yml`` whose ``defaults:`` set permalinks and categories;
links to another post's heading). URLs in ``defaults`` tests are the ones
Jekyll 4.3.1 computed for the same files (``jekyll build`` of the site, read
from ``_site``), written down here as the reference.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from kb.core.articlemeta import article_meta
from kb.core.dates import zone_named
from kb.core.frontmatter import read_front_matter
from kb.jekyll.importer import import_posts
from kb.jekyll.report import Outcome
from kbtesting import Build, build, write_project

TOKYO = zone_named("Asia/Tokyo")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def _site(root: Path, config: str, files: dict[str, str | bytes]) -> Path:
    site = root / "site"
    site.mkdir(parents=True)
    (site / "_config.yml").write_text(textwrap.dedent(config), encoding="utf-8")
    for path, content in files.items():
        target = site / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content).lstrip(), encoding="utf-8")
    return site


def _article_of(page: Path) -> BeautifulSoup:
    body = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("article")
    assert body is not None, page
    return body


def _visible_text(body: BeautifulSoup) -> str:
    for code in body.select("pre, code"):
        code.decompose()
    return body.get_text(" ")


# --- 1. plugin Liquid: converted where it has a reading, else out of the page --------

BLOG_CONFIG = """\
title: hp12c
permalink: /:categories/:year/:month/:day/:title
production_url: http://blog.example.jp
"""

PLUGIN_POST = """\
---
layout: post
title: 単語の出現頻度を調べる
tagline: Rubyで
category: ruby
---
{% include JB/setup %}

{% csssig h2 id='version01' class='version' %}
##バージョン01（最初の一歩）
{% endcsssig %}

最初のスクリプトです。{% m %}\\TeX{% em %}の式もあります。

{% lightbox 2013/10/tree.png, 木構造, tree noshadow %}

前回は[こちら]({{ BASE_URL }}/ruby/2013/04/01/words/)です。

{{ '4106101939' | amazon_medium_image }}
{{ '4106101939' | amazon_link }} by {{ '4106101939' | amazon_authors }}

{{ 4839941734 | amazon_large_image }}

{% for post in site.posts limit:3 %}
- [{{ post.title }}]({{ post.url }})
{% endfor %}

{% gumroad RjRO Gumroadで購入 %}

以上です。
"""

FIRST_POST = """\
---
title: 単語を数える
category: ruby
---
まずは数えます。
"""


@pytest.fixture(scope="module")
def plugin_blog(tmp_path_factory: pytest.TempPathFactory) -> tuple[Build, list[str]]:
    root = tmp_path_factory.mktemp("plugins")
    site = _site(
        root,
        BLOG_CONFIG,
        {
            "_posts/2013-04-01-words.md": FIRST_POST,
            "_posts/2013-04-15-words-2.md": PLUGIN_POST,
            "assets/images/2013/10/tree.png": PNG,
        },
    )
    src = write_project(root / "project", {})
    report = import_posts([site], src / "articles", TOKYO)
    assert all(result.outcome is Outcome.IMPORTED for result in report.results)
    messages = [f"{d.path.name}:{d.line}: {d.message}" for d in report.all_diagnostics()]
    return build(src), messages


def test_plugin_liquid_never_shows_on_the_page(plugin_blog: tuple[Build, list[str]]) -> None:
    built, _ = plugin_blog
    text = _visible_text(_article_of(built.page_path("articles/2013/04/words-2")))
    assert "{%" not in text and "{{" not in text, text
    assert "最初のスクリプトです。" in text and "以上です。" in text


def test_plugin_tags_with_a_plain_reading_become_markdown(
    plugin_blog: tuple[Build, list[str]],
) -> None:
    built, _ = plugin_blog
    page = built.page_path("articles/2013/04/words-2")
    body = _article_of(page)
    # csssig: the heading keeps its id, so links to #version01 still land.
    heading = body.select_one("#version01")
    assert heading is not None and "バージョン01（最初の一歩）" in heading.get_text()
    # lightbox: the image, copied from /assets/images/, with its alt text.
    [image] = [img for img in body.select("img") if img.get("alt") == "tree noshadow"]
    assert (page.parent / unquote(image["src"])).is_file()
    # {% m %}…{% em %}: inline math.
    assert body.select_one("span.math") is not None
    assert "\\TeX" in body.select_one("span.math").get_text()
    # Amazon: the product page of the ASIN, on the store of a Japanese site; an
    # unquoted ISBN keeps its ten digits.
    links = {a["href"] for a in body.select("a[href]")}
    assert "https://www.amazon.co.jp/dp/4106101939" in links
    assert "https://www.amazon.co.jp/dp/4839941734" in links
    assert "https://gum.co/RjRO" in links
    # {{ BASE_URL }} is defined nowhere: Jekyll printed nothing, the link is to the post.
    assert body.select_one("a[href='words.html']") is not None


def test_plugin_output_nobody_can_know_stays_in_the_source_and_is_reported(
    plugin_blog: tuple[Build, list[str]],
) -> None:
    built, messages = plugin_blog
    source = (built.srcdir / "articles" / "2013" / "04" / "words-2.md").read_text(encoding="utf-8")
    # Kept for an editor, out of the page: the authors, the cover of a linked
    # product (the link is on the next line), the loop with its body.
    assert "<!-- {{ '4106101939' | amazon_authors }} -->" in source
    assert "<!-- {{ '4106101939' | amazon_medium_image }} -->" in source
    assert re.search(r"<!-- \{% for post in site\.posts limit:3 %\}\n.*\{% endfor %\} -->", source, re.S)
    page = built.page_path("articles/2013/04/words-2").read_text(encoding="utf-8")
    assert "amazon_authors" in page  # in the HTML comment only
    for line, what in ((19, "amazon_medium_image"), (20, "amazon_authors"), (24, "{% for post")):
        assert any(m.startswith(f"2013-04-15-words-2.md:{line}: Liquid") and what in m
                   for m in messages), (line, messages)


# --- 2. raw <img> inside other HTML: copied, and shown by html and dirhtml -----------

TABLE_POST = """\
---
title: 画面の比較
---
二つの画面です。

<table>
  <tr>
    <td><img src="/assets/images/2012/before.png" alt="前"></td>
    <td><a href="{{ site.url }}/assets/images/2012/after%20big.png"><img src="{{ site.url }}/assets/images/2012/after%20big.png" alt="後"></a></td>
    <td><a href="/2012/12/20/other">前の記事</a></td>
  </tr>
</table>

<div class="figure"><img src="/assets/images/2012/before.png" alt="再掲"> と説明</div>
"""


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_raw_images_inside_html_reach_the_output_where_the_page_points(
    tmp_path: Path, builder: str
) -> None:
    site = _site(
        tmp_path,
        BLOG_CONFIG + "url: http://blog.example.jp\n",
        {
            "_posts/2012-12-24-screens.md": TABLE_POST,
            "_posts/2012-12-20-other.md": "---\ntitle: 前の記事\n---\n本文。\n",
            "assets/images/2012/before.png": PNG,
            "assets/images/2012/after big.png": PNG + b"after",
        },
    )
    src = write_project(tmp_path / "project", {})
    report = import_posts([site], src / "articles", TOKYO)
    assert not any("raw HTML <img>" in d.message for d in report.all_diagnostics())
    built = build(src, builder=builder)
    page = built.page_path("articles/2012/12/screens")
    body = _article_of(page)
    sources = {img["alt"]: img["src"] for img in body.select("img")}
    assert set(sources) == {"前", "後", "再掲"}
    for alt, address in sources.items():
        copy = (page.parent / unquote(address)).resolve()
        assert copy.is_file(), (alt, address)
        assert built.outdir.resolve() in copy.parents
    assert (page.parent / unquote(sources["後"])).read_bytes() == PNG + b"after"
    # The link around the large image leads to its copy too.
    [link] = body.select("a:has(img[alt='後'])")
    assert (page.parent / unquote(link["href"])).is_file()
    # A raw link to another post leads to its page as this builder wrote it.
    [other] = [a for a in body.select("a[href]") if a.get_text() == "前の記事"]
    other_page = built.page_path("articles/2012/12/other").resolve()
    expected = other_page.parent if builder == "dirhtml" else other_page  # dirhtml: other/
    assert (page.parent / other["href"]).resolve() == expected, other["href"]


# --- 3a. defaults: in _config.yml, applied as Jekyll applies them ----------------------

DEFAULTS_CONFIG = """\
title: 社内ニュース
permalink: /:categories/:year/:month/:day/:title.html
timezone: Asia/Tokyo
defaults:
  - scope:
      path: ""
    values:
      layout: default
      image: /images/site.png
  - scope:
      path: ""
      type: posts
    values:
      layout: post
      author: 編集部
  - scope:
      path: "_posts/news"
    values:
      permalink: /news/:year/:title/
      categories: [お知らせ]
  - scope:
      path: "_posts/2019-*"
    values:
      tags: [archive]
  - scope:
      path: "ja"
      type: posts
    values:
      categories: ja-extra
  - scope:
      path: "_posts/news/2020-01-02-own.md"
    values:
      published: false
  - values: not a mapping
"""

DEFAULTS_POSTS = {
    "_posts/news/2020-01-01-release.md": "---\ntitle: 新版を出しました\n---\n本文です。\n",
    "_posts/news/2020-01-02-own.md": "---\ntitle: 非公開\n---\n本文です。\n",
    "_posts/news/2020-01-03-other.md": "---\ntitle: 製品の話\ncategories: [製品]\n---\n本文です。\n",
    "_posts/news/2020-01-05-mine.md": "---\ntitle: 自分の住所\npermalink: /mine.html\n---\n本文です。\n",
    "_posts/2019-05-01-old.md": "---\ntitle: 昔の記事\n---\n本文です。\n",
    "ja/_posts/2020-02-01-nihongo.md": "---\ntitle: 日本語の記事\ncategory: 技術\n---\n本文です。\n",
}

#: What Jekyll 4.3.1 made of DEFAULTS_POSTS under DEFAULTS_CONFIG (site.posts after site.read).
DEFAULTS_REFERENCE = {
    "_posts/2019-05-01-old.md": ("/2019/05/01/old.html", [], ["archive"]),
    "_posts/news/2020-01-01-release.md": ("/news/2020/release/", ["お知らせ"], []),
    "_posts/news/2020-01-03-other.md": ("/news/2020/other/", ["お知らせ", "製品"], []),
    "_posts/news/2020-01-05-mine.md": ("/mine.html", ["お知らせ"], []),
    "ja/_posts/2020-02-01-nihongo.md": (
        "/ja/ja-extra/%E6%8A%80%E8%A1%93/2020/02/01/nihongo.html",
        ["ja", "ja-extra", "技術"],
        [],
    ),
}


def test_config_defaults_give_urls_categories_and_keys_as_jekyll_did(tmp_path: Path) -> None:
    site = _site(tmp_path, DEFAULTS_CONFIG, DEFAULTS_POSTS)
    report = import_posts([site], tmp_path / "articles", TOKYO)
    results = {r.source.relative_to(site).as_posix(): r for r in report.results}
    for path, (url, categories, tags) in DEFAULTS_REFERENCE.items():
        result = results[path]
        assert result.outcome is Outcome.IMPORTED, (path, result.diagnostics)
        raw = read_front_matter(result.target.read_text(encoding="utf-8"))
        meta = article_meta(raw, TOKYO)
        assert raw.data["redirect_from"] == [unquote(url)], path
        assert meta.categories == categories, path
        assert meta.tags == tags, path
        assert meta.authors == ["編集部"], path  # the posts-wide default
        assert raw.data["layout"] == "post", path  # a typed scope over an untyped one
    # published: false by default for one file: Jekyll never published it, no old URL.
    hidden = read_front_matter(results["_posts/news/2020-01-02-own.md"].target.read_text("utf-8"))
    assert hidden.data["published"] is False and "redirect_from" not in hidden.data
    [passed_over] = [d for d in report.diagnostics if "defaults: sets" in d.message]
    assert passed_over.path.name == "_config.yml" and passed_over.message.startswith("1 of")


# --- 3b. #fragments of links between posts: kept where the anchor exists -----------------

ADVISORY = """\
---
title: Multiple vulnerabilities in Ruby
---
Several vulnerabilities were found.

## Details

### Lack of taintness check in dl
{: #label-3}

Fixed in dl.

## Notes

First notes.

## 影響を受けるバージョン

All of them.

## Notes

Second notes.
"""

RELEASE = """\
---
title: Ruby 1.8.7-p72 released
---
This release fixes [the dl bug](/en/news/2008/08/08/multiple-vulnerabilities-in-ruby/#label-3),
see [the versions](/en/news/2008/08/08/multiple-vulnerabilities-in-ruby/#影響を受けるバージョン)
and [the second notes]({% post_url 2008-08-08-multiple-vulnerabilities-in-ruby %}#notes-1).
The [footnote](/en/news/2008/08/08/multiple-vulnerabilities-in-ruby/#fnref:1) is gone.
"""


def test_fragments_of_links_between_posts_land_on_the_same_place(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        "permalink: /en/news/:year/:month/:day/:title/\n",
        {
            "_posts/2008-08-08-multiple-vulnerabilities-in-ruby.md": ADVISORY,
            "_posts/2008-08-11-ruby-1-8-7-p72-released.md": RELEASE,
        },
    )
    src = write_project(tmp_path / "project", {})
    report = import_posts([site], src / "articles", TOKYO)
    [missing] = [d for d in report.all_diagnostics() if "no such anchor" in d.message]
    assert missing.path.name == "2008-08-11-ruby-1-8-7-p72-released.md" and missing.line == 7
    assert "#fnref:1" in missing.message
    built = build(src)
    assert "xref_missing" not in built.warnings and "duplicate label" not in built.warnings
    advisory = _article_of(built.page_path("articles/2008/08/multiple-vulnerabilities-in-ruby"))
    release = _article_of(built.page_path("articles/2008/08/ruby-1-8-7-p72-released"))
    landed = {}
    for link in release.select("a[href]"):
        page, _, fragment = link["href"].partition("#")
        if page == "multiple-vulnerabilities-in-ruby.html":
            landed[link.get_text(" ", strip=True)] = fragment
    assert landed["footnote"] == ""  # reported above; the link still leads to the article
    # Each fragment is an id of the advisory's page, at the place Jekyll's id was.
    places = {
        "the dl bug": "Lack of taintness check in dl",
        "the versions": "影響を受けるバージョン",
        "the second notes": "Second notes.",
    }
    for text, expected in places.items():
        fragment = unquote(landed[text])
        assert fragment, text
        element = advisory.find(id=fragment)
        assert element is not None, (text, fragment)
        section = element if element.name == "section" else element.find_parent("section")
        assert expected in section.get_text(" "), (text, section.get_text(" ")[:80])
