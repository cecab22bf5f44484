"""Whole Jekyll sites moved in by ``kb import``, checked against what Jekyll 4 made of them.

The sites under ``fixtures/jekyll_sites`` are written for these tests on the
pattern of real public sites (a Jekyll-Bootstrap Japanese diary whose posts
have no ``date:``, a multilingual news site with ``en/news/_posts`` and
``ja/news/_posts``, a diary whose dates are written every way Ruby reads them).
``reference.json`` holds, for every post Jekyll publishes, the URL, date,
categories and title Jekyll 4.3.1 itself computed (``Jekyll::Site#read`` in
safe mode): the reference is Jekyll's output, not kb's.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from kb.core.articlemeta import article_meta
from kb.core.dates import zone_named
from kb.core.frontmatter import read_front_matter
from kb.jekyll.importer import import_posts
from kb.jekyll.liquid import convert_liquid
from kb.jekyll.liquidscope import LiquidContext
from kb.jekyll.report import Outcome
from kbtesting import Build, build, write_project

SITES = Path(__file__).resolve().parent / "fixtures" / "jekyll_sites"
REFERENCE = json.loads((SITES / "reference.json").read_text(encoding="utf-8"))
TOKYO = zone_named("Asia/Tokyo")


def _imported(site: str, into: Path) -> dict[str, object]:
    report = import_posts([SITES / site], into, TOKYO)
    return {result.source.relative_to(SITES / site).as_posix(): result for result in report.results}


@pytest.mark.parametrize("site", sorted(REFERENCE["sites"]))
def test_every_post_jekyll_publishes_keeps_its_url_date_title_and_categories(
    tmp_path: Path, site: str
) -> None:
    results = _imported(site, tmp_path / "articles")
    posts = REFERENCE["sites"][site]["posts"]
    assert posts
    for post in posts:
        result = results[post["path"]]
        assert result.outcome is Outcome.IMPORTED, (post["path"], result.diagnostics)
        raw = read_front_matter(result.target.read_text(encoding="utf-8"))
        meta = article_meta(raw, TOKYO)
        assert post["url"] in raw.data["redirect_from"], post["path"]
        assert meta.title == post["title"]
        assert meta.categories == post["categories"], post["path"]
        jekyll_date = dt.datetime.fromisoformat(post["date"])
        assert meta.date == jekyll_date, post["path"]
        # The folder is the month Jekyll showed, not the month in kb_timezone.
        folder = result.target.parent.relative_to(tmp_path / "articles").as_posix()
        assert folder == f"{jekyll_date.year:04d}/{jekyll_date.month:02d}", post["path"]


def test_a_post_dated_late_in_its_own_zone_stays_in_its_month(tmp_path: Path) -> None:
    # 2013-11-30 23:30 in New York is 1 December in Tokyo (kb_timezone here).
    result = _imported("tokei", tmp_path / "articles")["_posts/2013-11-22-jikoku-14.md"]
    assert result.target.parent.name == "11"
    text = result.target.read_text(encoding="utf-8")
    assert "date: 2013-11-30 23:30:00 -0500" in text


def test_translations_sharing_title_and_date_are_distinct_articles_and_reimport_is_a_no_op(
    tmp_path: Path,
) -> None:
    into = tmp_path / "articles"
    first = _imported("newsroom", into)
    english, japanese = (
        first[f"{lang}/news/_posts/2022-11-22-advisory.md"] for lang in ("en", "ja")
    )
    assert english.outcome is japanese.outcome is Outcome.IMPORTED
    assert english.target.name == "advisory.md"
    # The folders above _posts tell the translation apart, whatever the order.
    assert japanese.target.name == "advisory-ja-news.md"
    assert "Please upgrade" in english.target.read_text(encoding="utf-8")
    assert "更新してください" in japanese.target.read_text(encoding="utf-8")
    again = _imported("newsroom", into)
    assert {result.outcome for result in again.values()} == {Outcome.UNCHANGED}
    assert again["ja/news/_posts/2022-11-22-advisory.md"].target == japanese.target


def test_folders_jekyll_does_not_read_hold_no_posts(tmp_path: Path) -> None:
    results = _imported("newsroom", tmp_path / "articles")
    # lib/ is excluded in _config.yml, _private/ starts with an underscore.
    assert not [path for path in results if path.startswith(("lib/", "_private/"))]


def _article(site: str, into: Path, path: str) -> str:
    result = _imported(site, into)[path]
    assert result.outcome is Outcome.IMPORTED, result.diagnostics
    return result.target.read_text(encoding="utf-8")


def test_liquid_with_a_meaning_at_import_time_is_converted(tmp_path: Path) -> None:
    keyboard = _article("nikki", tmp_path / "a", "_posts/blog/2012-07-20-keyboard.md")
    # {{ BASE_PATH }} and {% include JB/setup %} are gone, {% post_url %} is the URL.
    assert "{%" not in keyboard and "{{" not in keyboard
    assert "[こちら](" in keyboard and "hajimemashita" in keyboard
    release = _article("nikki", tmp_path / "b", "_posts/release/2013-01-10-v1.md")
    assert "作者は 余白 太郎 です。" in release  # {{ site.author.name }}
    settings = _article("nikki", tmp_path / "c", "_posts/blog/2012-08-05-settings.markdown")
    assert "[gist yohaku/5f3a2b1c](https://gist.github.com/yohaku/5f3a2b1c)" in settings
    assert "```perl\nmy %config = (indent => 4);" in settings
    news = _article(
        "newsroom", tmp_path / "d", "en/news/_posts/2022-12-25-tool-3-2-0-released.md"
    )
    # {% assign release = site.data.releases | where: "version", "3.2.0" | first %}
    assert "SHA256: daaa78e1360b2783f98deeceb677ad900f3a36c0ffa6e2b6b19090be77abc272" in news
    assert "<https://cache.example.org/pub/3.2/tool-3.2.0.tar.gz>" in news
    assert "{%" not in news and "{{" not in news
    japanese = _article(
        "newsroom", tmp_path / "e", "ja/news/_posts/2023-07-26-tool-3-2-1-released.md"
    )
    assert "タグは v3_2_1 です。" in japanese


def test_liquid_without_a_meaning_is_kept_and_reported_with_its_line(tmp_path: Path) -> None:
    posts = tmp_path / "site" / "_posts"
    posts.mkdir(parents=True)
    (tmp_path / "site" / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (posts / "2020-01-02-loop.md").write_text(
        "---\ntitle: ループ\n---\n\n前。\n{% for p in site.posts %}{{ p.title }}{% endfor %}\n"
        "{{ page.title }} と {{ release.sha256 }}。\n",
        encoding="utf-8",
    )
    report = import_posts([tmp_path / "site"], tmp_path / "articles", TOKYO)
    [result] = report.results
    text = result.target.read_text(encoding="utf-8")
    # Out of the page, in the source: the loop whole, the unknown value alone.
    assert "<!-- {% for p in site.posts %}{{ p.title }}{% endfor %} -->" in text
    assert "ループ と <!-- {{ release.sha256 }} -->。" in text  # page.* is the post's own value
    messages = [f"{d.line}: {d.message}" for d in result.diagnostics]
    assert any(m.startswith("6: Liquid {% for") for m in messages), messages
    assert any(m.startswith("7: Liquid {{ release.sha256 }}") for m in messages), messages


def _built(site: str, root: Path) -> tuple[Build, list[Path]]:
    src = write_project(root, {})
    import_posts([SITES / site], src / "articles", TOKYO)
    built = build(src)
    return built, sorted((built.outdir / "articles").rglob("*.html"))


def _article_of(page: Path) -> BeautifulSoup:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    body = soup.select_one("article")
    assert body is not None, page
    return body


@pytest.mark.parametrize("site", sorted(REFERENCE["sites"]))
def test_built_pages_show_no_liquid_no_dead_links_and_every_image(
    tmp_path: Path, site: str
) -> None:
    built, pages = _built(site, tmp_path)
    assert len(pages) >= len(REFERENCE["sites"][site]["posts"])
    for page in pages:
        body = _article_of(page)
        for code in body.select("pre, code"):
            code.decompose()
        text = body.get_text(" ")
        assert "{%" not in text and "{{" not in text, (page, text)
        for link in body.select("a[href]"):
            assert not link["href"].startswith("#/"), (page, link)
        for image in body.select("img[src]"):
            assert (page.parent / unquote(image["src"])).is_file(), (page, image["src"])
    # The keys kb does not read were reported once at import, not at every build.
    assert "unknown key" not in built.warnings


def test_links_to_the_sites_own_posts_land_on_the_imported_articles(tmp_path: Path) -> None:
    built, _ = _built("nikki", tmp_path)
    root_post = _article_of(built.page_path("articles/2013/04/root-post"))
    hrefs = {link.get_text(strip=True): link["href"] for link in root_post.select("a[href]")}
    # {{ site.url }}/blog/2012/07/14/hajimemashita and a raw <a><img></a> to a post.
    assert hrefs["最初の記事"] == "../../2012/07/hajimemashita.html"
    linked_image = root_post.select_one("a[href='../01/v1-1.html'] img")
    assert linked_image is not None and linked_image["alt"] == "図の縮小版"
    # A page of the old site that was not imported points at the old site.
    assert hrefs["存在しないページ"] == "https://yohaku.example.jp/about.html"
    keyboard = _article_of(built.page_path("articles/2012/07/keyboard"))
    # Markdown image under {{ BASE_PATH }}, raw <img> with a space in its name: both shown.
    assert {image["alt"] for image in keyboard.select("img")} == {"新しいキーボード", "設定画面"}
    assert keyboard.select_one("a[href='hajimemashita.html']") is not None  # {% post_url %}


def test_kramdown_shows_as_it_did_under_jekyll(tmp_path: Path) -> None:
    built, _ = _built("nikki", tmp_path)
    settings = _article_of(built.page_path("articles/2012/08/settings"))
    text = settings.get_text(" ")
    assert "{:" not in text
    # {: #houshin} on a heading is still the target of [方針](#houshin).
    assert settings.select_one("#houshin") is not None
    assert settings.select_one("a[href='#houshin']") is not None
    # A prose line starting with % is text, not a MyST comment.
    assert "% という記号で始まる行も本文です。" in text
    first = _article_of(built.page_path("articles/2012/07/hajimemashita"))
    # "#このブログについて" is a heading in kramdown, under the title: (title: is the
    # page title, not the body's first heading); :smile: and :+1: are emoji.
    assert first.select_one("h1").get_text(strip=True).rstrip("¶") == "ブログを始めました"
    assert "このブログについて" in [h.get_text(strip=True).rstrip("¶") for h in first.select("h2")]
    assert "😄 よろしくお願いします 👍" in first.get_text(" ")


def test_japanese_endings_without_a_full_stop_are_not_called_cut_off(tmp_path: Path) -> None:
    posts = tmp_path / "site" / "_posts"
    posts.mkdir(parents=True)
    (tmp_path / "site" / "_config.yml").write_text("title: t\n", encoding="utf-8")
    endings = {
        "list": "変更点です。\n\n- 修正：保存できない問題",
        "greeting": "今年もありがとうございました。\n\n皆様よいお年を",
        "closing": "以上です",
        "bracket": "詳しくは（前回の記事を参照）",
        "cut": "説明は以上です。ただし、このリスクを認識しているから",
        "comma": "理由は三つあり、",
    }
    for number, (name, body) in enumerate(endings.items(), start=1):
        (posts / f"2020-01-{number:02d}-{name}.md").write_text(
            f"---\ntitle: {name}\n---\n\n{body}\n", encoding="utf-8"
        )
    report = import_posts([tmp_path / "site"], tmp_path / "articles", TOKYO)
    cut_off = sorted(
        result.source.stem.split("-")[-1]
        for result in report.results
        if any("ends mid-sentence" in d.message for d in result.diagnostics)
    )
    assert cut_off == ["comma", "cut"]


def test_dated_documents_of_output_collections_are_imported_at_their_urls(
    tmp_path: Path,
) -> None:
    report = import_posts([SITES / "newsroom"], tmp_path / "articles", TOKYO)
    results = {r.source.relative_to(SITES / "newsroom").as_posix(): r for r in report.results}
    documents = REFERENCE["sites"]["newsroom"]["collection_documents"]
    assert len(documents) == 3
    for document in documents:
        result = results[document["path"]]
        assert result.outcome is Outcome.IMPORTED, result.diagnostics
        raw = read_front_matter(result.target.read_text(encoding="utf-8"))
        meta = article_meta(raw, TOKYO)
        assert raw.data["redirect_from"] == [document["url"]]
        assert meta.date == dt.datetime.fromisoformat(document["date"])
        assert meta.title == document["title"]
    # An undated page of a collection is not a post; a collection without output is not read.
    assert not [path for path in results if path.startswith(("_notes/about", "_staff/"))]
    assert any("_notes/about.md" in str(d.path) for d in report.diagnostics)


def test_plugin_tags_common_on_japanese_blogs_become_markdown() -> None:
    converted, notes = convert_liquid(
        "前。\n{% math %}\nd(n) = (a_1 + 1)(a_2 + 1)\n{% endmath %}\n"
        "{% hatebu http://example.jp/2011/06/22/trivia/ 知って得する記法 %}\n"
        "本文{% fn_ref 1 %}。\n{% footnotes %}\n   {% fn 注の本文 %}\n{% endfootnotes %}\n",
        context=LiquidContext(),
    )
    assert notes == []
    assert "```{math}\nd(n) = (a_1 + 1)(a_2 + 1)\n```" in converted
    assert "[知って得する記法](http://example.jp/2011/06/22/trivia/)" in converted
    assert "本文[^1]。" in converted and "[^1]: 注の本文" in converted


def test_unknown_keys_are_reported_once_per_key_and_kept(tmp_path: Path) -> None:
    report = import_posts([SITES / "newsroom"], tmp_path / "articles", TOKYO)
    messages = [d.message for d in report.all_diagnostics() if "not one kb reads" in d.message]
    assert sorted(message.split("'")[1] for message in messages) == ["lang", "translator"]
    assert "(6 posts)" in messages[0]
    assert not any("unknown key" in d.message for d in report.all_diagnostics())
    article = next(r.target for r in report.results if r.source.name.endswith("advisory.md"))
    text = article.read_text(encoding="utf-8")
    assert "\nlang: en\n" in text and 'kb_extra_keys: ["translator", "lang"]' in text


def test_posts_shown_on_another_day_in_kb_timezone_are_summed_up_once(tmp_path: Path) -> None:
    report = import_posts([SITES / "tokei"], tmp_path / "articles", TOKYO)
    [summary] = [d for d in report.diagnostics if "another day in kb_timezone" in d.message]
    assert summary.message.startswith("9 posts are dated another day")


def test_link_text_over_two_lines_and_odd_schemes(tmp_path: Path) -> None:
    posts = tmp_path / "site" / "_posts"
    posts.mkdir(parents=True)
    (tmp_path / "site" / "_config.yml").write_text("permalink: pretty\n", encoding="utf-8")
    (posts / "2013-11-22-advisory.md").write_text("---\ntitle: Advisory\n---\n\nFixed.\n")
    (posts / "2013-11-23-release.md").write_text(
        "---\ntitle: Release\n---\n\nSee [Heap Overflow in Floating Point Parsing\n"
        "  (CVE-2013-4164)](/2013/11/22/advisory/) and ([ruby-core:03694](ruby-core:03694)),\n"
        "not [this](vbscript:msgbox(1)).\n",
        encoding="utf-8",
    )
    src = write_project(tmp_path / "project", {})
    import_posts([tmp_path / "site"], src / "articles", TOKYO)
    text = (src / "articles" / "2013" / "11" / "release.md").read_text(encoding="utf-8")
    assert "(CVE-2013-4164)](advisory.md)" in text
    assert '<a href="ruby-core:03694">ruby-core:03694</a>' in text
    assert "[this](vbscript:msgbox(1))" in text  # never turned into raw HTML
    built = build(src)
    body = _article_of(built.page_path("articles/2013/11/release"))
    assert body.select_one("a[href='advisory.html']") is not None
    assert not body.select("a[href^='#/']")
    assert "ruby-core:03694" not in built.warnings
