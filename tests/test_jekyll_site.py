"""Moving a Jekyll site in: old URLs computed as Jekyll does, recorded by ``kb import``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from playwright.sync_api import Browser

from kb.cli import main
from kb.core.dates import zone_named
from kb.core.frontmatter import read_front_matter
from kb.core.redirects import is_safe_output_path, redirect_files
from kb.jekyll import permalinks
from kb.jekyll.conversion import convert_post
from kb.jekyll.importer import import_posts
from kb.jekyll.permalinks import (
    OldUrlRule,
    PermalinkError,
    add_redirect,
    jekyll_slugify,
    post_url,
    read_site_config,
)
from kbtesting import Server, build, has_summary, write_project

SITE = Path(__file__).resolve().parent / "fixtures" / "jekyll_site"
#: The site's feed path, as `kb import` prints it for conf.py.
SHARING_CONF = 'kb_feed_alias = "feed.xml"\n'
UTC = dt.timezone.utc
TOKYO = zone_named("Asia/Tokyo")

# The example of Jekyll's permalink documentation: a post in the category
# "jekyll" named 2009-04-29-slap-chop.md (a Wednesday, day 119, ISO week 18).
SLAP_CHOP = {"date": "2009-04-29 10:00:00 +0000", "categories": ["jekyll"]}


@pytest.mark.parametrize(
    ("pattern", "url"),
    [
        ("date", "/jekyll/2009/04/29/slap-chop.html"),
        ("pretty", "/jekyll/2009/04/29/slap-chop/"),
        ("ordinal", "/jekyll/2009/119/slap-chop.html"),
        ("weekdate", "/jekyll/2009/W18/WED/slap-chop.html"),
        ("none", "/jekyll/slap-chop.html"),
        ("/:year/:month/:day/:title:output_ext", "/2009/04/29/slap-chop.html"),
        ("/:categories/:title/", "/jekyll/slap-chop/"),
        ("/:year/:i_month/:i_day/:title", "/2009/4/29/slap-chop"),
        ("/:short_year/:month_:day/:slug.html", "/09/04_29/slap-chop.html"),
        ("/blog/:year/:long_month/:short_month/:long_day/:title/", None),
        (
            "/:y_day/:w_year-:week-:w_day/:hour:minute:second/:title",
            "/119/2009-18-3/100000/slap-chop",
        ),
    ],
)
def test_styles_and_placeholders_as_jekyll(pattern: str, url: str | None) -> None:
    got = post_url(SLAP_CHOP, "2009-04-29-slap-chop.md", pattern, UTC)
    if url is None:
        assert got == "/blog/2009/April/APR/Wednesday/slap-chop/"
    else:
        assert got == url


def test_title_keeps_case_and_pretty_characters_slug_does_not() -> None:
    data = {"date": "2025-11-07", "slug": "Hello World! (v2)"}
    assert post_url(data, "2025-11-07-x.md", "/:title/", UTC) == "/Hello-World!-(v2)/"
    assert post_url(data, "2025-11-07-x.md", "/:slug/", UTC) == "/hello-world-v2/"
    assert jekyll_slugify("The _config.yml file") == "the-config-yml-file"
    assert jekyll_slugify("The _config.yml file", pretty=True) == "the-_config.yml-file"
    assert jekyll_slugify("データ センター", pretty=True, cased=True) == "データ-センター"


def test_title_comes_from_the_file_name_in_japanese() -> None:
    data = {"date": "2025-11-09 18:00:00 +0900", "title": "題は使われない"}
    url = post_url(data, "2025-11-09-半導体の供給網.md", "date", TOKYO)
    assert url == "/2025/11/09/半導体の供給網.html"
    assert redirect_files(permalinks.escaped(url)) == ["2025/11/09/半導体の供給網.html"]


def test_categories_folders_first_lowercased_without_repeats() -> None:
    data = {"date": "2025-11-07", "categories": "AI Cloud", "category": "ai"}
    url = post_url(data, "2025-11-07-x.md", "/:categories/:title/", UTC, path_categories=["Blog"])
    assert url == "/blog/ai/cloud/x/"
    assert post_url({"date": "2025-11-07"}, "2025-11-07-x.md", "date", UTC) == "/2025/11/07/x.html"


def test_dates_are_read_in_the_site_zone() -> None:
    # 20:00 UTC is the next morning in Tokyo; Jekyll converts to the site's zone.
    data = {"date": "2025-11-07 20:00:00 +0000"}
    assert post_url(data, "2025-11-07-x.md", "date", UTC) == "/2025/11/07/x.html"
    assert post_url(data, "2025-11-07-x.md", "date", TOKYO) == "/2025/11/08/x.html"
    # Without a date key the file name's date counts.
    assert post_url({}, "2024-2-3-x.markdown", "date", TOKYO) == "/2024/02/03/x.html"


def test_own_permalink_wins_and_is_expanded() -> None:
    data = {"date": "2025-11-08", "permalink": "/analysis/:year/:title/"}
    assert post_url(data, "2025-11-08-capex.md", "date", UTC) == "/analysis/2025/capex/"


def test_output_ext_follows_the_converter() -> None:
    assert post_url({}, "2025-11-07-x.markdown", "date", UTC) == "/2025/11/07/x.html"
    assert post_url({}, "2025-11-07-x.html", "date", UTC) == "/2025/11/07/x.html"
    assert post_url({}, "2025-11-07-x.txt", "date", UTC) == "/2025/11/07/x.txt"


def test_url_is_sanitised_and_never_climbs() -> None:
    url = post_url({"date": "2025-11-07"}, "2025-11-07-x.md", "../../:title//a/./b", UTC)
    assert url is not None and ".." not in url and "//" not in url and url.startswith("/")


def test_unknown_placeholder_is_refused_like_jekyll() -> None:
    with pytest.raises(PermalinkError, match=":nonsense"):
        post_url({"date": "2025-11-07"}, "2025-11-07-x.md", "/:nonsense/:title", UTC)


def test_redirect_files_for_each_url_shape() -> None:
    assert redirect_files("/a/b/") == ["a/b/index.html"]
    assert redirect_files("/a/b.html") == ["a/b.html"]
    assert redirect_files("/a/b") == ["a/b.html", "a/b/index.html"]
    assert redirect_files("/%E6%97%A5.html") == ["日.html"]
    assert is_safe_output_path("a/b.html")
    for bad in ("../x.html", "a/../../x", "/etc/passwd", "a//b", ""):
        assert not is_safe_output_path(bad)


def test_site_config() -> None:
    site = read_site_config((SITE / "_config.yml").read_text(encoding="utf-8"))
    assert site.permalink == "/:year/:month/:day/:title:output_ext"
    assert (site.timezone, site.baseurl, site.feed_path) == ("Asia/Tokyo", "/blog", "feed.xml")
    assert site.title == "ALLFORCES 分析ノート"
    assert read_site_config("permalink: pretty\n").permalink == permalinks.STYLES["pretty"]
    assert read_site_config("").permalink == permalinks.STYLES["date"]
    both = read_site_config("permalink: date\ncollections:\n  posts:\n    permalink: /p/:title/\n")
    assert both.permalink == "/p/:title/"
    assert read_site_config("feed:\n  path: /atom.xml\n").feed_path == "atom.xml"
    broken = read_site_config("timezone: Mars/Olympus\n")
    assert broken.timezone is None and "Mars/Olympus" in broken.problems[0][1]
    line, message = read_site_config("title: [unclosed\n").problems[0]
    assert line is not None and message.startswith("not valid YAML")


def test_add_redirect_keeps_text_and_is_idempotent() -> None:
    text = "# メモ\ntitle: 'x'  # 題\ndate: 2025-11-07\n"
    raw = read_front_matter(f"---\n{text}---\n")
    added = add_redirect(text, raw.data, raw.lines, "/2025/11/07/x.html")
    assert added == text + 'redirect_from:\n  - "/2025/11/07/x.html"\n'
    again = read_front_matter(f"---\n{added}---\n")
    assert add_redirect(added, again.data, again.lines, "/2025/11/07/x.html") == added


def test_add_redirect_merges_with_hand_written_paths() -> None:
    text = "title: x\nredirect_from:\n  - old/one.html\n  - /old/two/\ndate: 2025-11-07\n"
    raw = read_front_matter(f"---\n{text}---\n")
    merged = add_redirect(text, raw.data, raw.lines, "/new.html")
    assert yaml.safe_load(merged)["redirect_from"] == ["/old/one.html", "/old/two/", "/new.html"]
    assert merged.startswith("title: x\n") and merged.endswith("date: 2025-11-07\n")
    single = "title: x\nredirect_from: /only.html\n"
    raw = read_front_matter(f"---\n{single}---\n")
    assert add_redirect(single, raw.data, raw.lines, "/only.html") == single


def test_loose_files_use_the_date_style_and_only_jekyll_names() -> None:
    text = "---\ntitle: x\ndate: 2025-11-07 02:11:09 +0000\ncategories: [投資]\n---\n本文。\n"
    named = convert_post(text, Path("2025-11-07-my-post.md"), TOKYO)
    assert named.article is not None
    assert 'redirect_from:\n  - "/投資/2025/11/07/my-post.html"\n' in named.article
    pretty = convert_post(text, Path("2025-11-07-my-post.md"), TOKYO, OldUrlRule("pretty"))
    assert pretty.article is not None and "/投資/2025/11/07/my-post/" in pretty.article
    # Jekyll publishes no other name from _posts: no URL to keep.
    loose = convert_post(text, Path("000_d78da07ebbf9373e.txt"), TOKYO)
    assert loose.article is not None and "redirect_from" not in loose.article
    assert "redirect_from" not in (convert_post(text, Path("a.md"), TOKYO, None).article or "")


def test_bad_pattern_is_a_warning_with_the_file() -> None:
    text = "---\ntitle: x\ndate: 2025-11-07\npermalink: /:bogus/\n---\n本文。\n"
    conversion = convert_post(text, Path("2025-11-07-x.md"), TOKYO)
    assert conversion.article is not None and "redirect_from" not in conversion.article
    assert [str(d) for d in conversion.diagnostics] == [
        "2025-11-07-x.md:4: warning: the permalink pattern '/:bogus/' has the unknown "
        "placeholder :bogus; no redirect_from added for the old URL"
    ]


def redirects_of(article: Path) -> list[str]:
    data = read_front_matter(article.read_text(encoding="utf-8")).data
    return list(data.get("redirect_from") or [])


def test_import_site_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    into = tmp_path / "articles"
    assert main(["import", str(SITE), "--into", str(into)]) == 0
    out = capsys.readouterr().out
    assert has_summary(out, "4 imported, 0 unchanged, 0 skipped, 0 failed, 0 warnings")
    assert 'kb_feed_alias = "feed.xml"' in out
    month = into / "2025" / "11"
    assert sorted(path.name for path in month.iterdir()) == [
        "custom-permalink.md",
        "openai-investment.md",
        "unpublished-plan.md",
        "半導体の供給網.md",
    ]
    assert redirects_of(month / "openai-investment.md") == ["/2025/11/07/openai-investment.html"]
    assert redirects_of(month / "custom-permalink.md") == ["/analysis/cloud-capex/"]
    assert redirects_of(month / "半導体の供給網.md") == ["/2025/11/09/半導体の供給網.html"]
    # published: false was never on the Jekyll site, so it had no URL.
    assert redirects_of(month / "unpublished-plan.md") == []
    before = {path: path.read_bytes() for path in into.rglob("*.md")}
    assert main(["import", str(SITE), "--into", str(into)]) == 0
    assert has_summary(capsys.readouterr().out, "0 imported, 4 unchanged")
    assert {path: path.read_bytes() for path in into.rglob("*.md")} == before


def test_permalink_option_overrides(tmp_path: Path) -> None:
    report = import_posts([SITE], tmp_path, TOKYO, dry_run=True, permalink="pretty")
    assert not report.failed and not list(tmp_path.iterdir())
    into = tmp_path / "a"
    import_posts([SITE / "_posts" / "2025-11-07-openai-investment.md"], into, TOKYO)
    article = into / "2025" / "11" / "openai-investment.md"
    # A loose file: the default date style, which puts the category first.
    assert redirects_of(article) == ["/投資分析/2025/11/07/openai-investment.html"]
    into = tmp_path / "b"
    assert (
        main(
            [
                "import",
                str(SITE / "_posts" / "2025-11-07-openai-investment.md"),
                "--into",
                str(into),
                "--permalink",
                "/:year/:month/:day/:title:output_ext",
            ]
        )
        == 0
    )
    assert redirects_of(into / "2025" / "11" / "openai-investment.md") == [
        "/2025/11/07/openai-investment.html"
    ]


# --- the old URLs in a browser ------------------------------------------------------------


#: Every URL the fixture site had, and the article each must end on.
OLD_URLS = {
    "2025/11/07/openai-investment.html": "openai-investment",
    "analysis/cloud-capex/": "custom-permalink",
    "2025/11/09/%E5%8D%8A%E5%B0%8E%E4%BD%93%E3%81%AE%E4%BE%9B%E7%B5%A6%E7%B6%B2.html": "半導体の供給網",
}


def imported_project(root: Path) -> Path:
    src = write_project(root, {}, conf=SHARING_CONF)
    report = import_posts([SITE], src / "articles", TOKYO)
    assert not report.failed
    return src


@pytest.mark.browser
@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_every_old_url_ends_on_its_article(
    tmp_path: Path, builder: str, browser: Browser, http_server: Server
) -> None:
    result = build(imported_project(tmp_path), builder=builder)
    assert "redirect" not in result.warnings
    base = http_server.url(result.outdir)
    page = browser.new_page()
    try:
        for old, slug in OLD_URLS.items():
            page.goto(base + old)
            page.wait_for_url("**/articles/2025/11/**", timeout=10_000)
            landed = unquote(page.url)
            assert f"/articles/2025/11/{slug}" in landed, (old, landed)
            assert page.locator("h1").first.inner_text().strip() != ""
    finally:
        page.close()
