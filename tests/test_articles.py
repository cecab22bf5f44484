"""The article page: front matter to title, byline, badges and meta tags."""

from __future__ import annotations

import re

import pytest

from kbtesting import article, build, front_matter, write_project


def test_seed_article_as_committed(tmp_path):
    from kbtesting import REPO

    seed = next((REPO / "docs" / "articles" / "2025" / "11").glob("*.md"))
    src = write_project(tmp_path, {"articles/2025/11/seed.md": seed.read_text(encoding="utf-8")})
    result = build(src)
    page = result.html("articles/2025/11/seed")
    assert page.find("h1").get_text().startswith("OpenAIの1.4兆ドル投資、その真意は？")
    byline = page.select_one(".kb-byline").get_text()
    assert "2025年11月7日" in byline and "ALLFORCES編集部" in byline and "約8分" in byline
    badges = [b.get_text() for b in page.select(".kb-badges .sd-badge")]
    assert badges == [
        "投資分析",
        "AI",
        "最新ニュース",
        "技術動向",
        "OpenAI",
        "投資",
        "チップ",
        "エージェント",
    ]
    assert all(a["href"].endswith(".html") for a in page.select(".kb-badges a"))
    description = page.find("meta", attrs={"name": "description"})["content"]
    assert description == "OpenAI、AIインフラ投資1.4兆ドルについて詳細に分析します。"
    body = page.select_one("article").get_text()
    assert "---END---" not in body
    assert "浸透していきます。パーソナライズされた医療は、あなたの遺伝子情報" in body
    assert body.count("パーソナライズされた医療") == 1
    assert "kb" not in result.warnings, result.warnings


def test_title_is_text_never_markup(tmp_path):
    src = write_project(
        tmp_path,
        {
            "articles/2025/01/x.md": article(
                title="<script>alert(1)</script> *強調*",
                author="<img src=x onerror=alert(1)>",
                excerpt='"><script>alert(2)</script>',
            )
        },
    )
    result = build(src)
    raw = result.page_path("articles/2025/01/x").read_text(encoding="utf-8")
    assert "<script>alert" not in raw and "<img src=x" not in raw
    page = result.html("articles/2025/01/x")
    assert page.find("h1").get_text().startswith("<script>alert(1)</script> *強調*")
    assert page.find("title").get_text().startswith("<script>alert(1)</script>")


def test_dates_in_japanese_in_the_configured_zone(tmp_path):
    files = {
        "articles/2025/10/a.md": article(title="A", date="2025-10-31 20:00:00 +0000"),
        "articles/2025/10/b.md": article(title="B", date="2025-10-31"),
        "articles/2025/10/c.md": article(title="C", date="2025-10-31T23:30:00"),
    }
    result = build(write_project(tmp_path, files))
    assert "2025年11月1日" in result.html("articles/2025/10/a").select_one(".kb-date").get_text()
    assert "2025年10月31日" in result.html("articles/2025/10/b").select_one(".kb-date").get_text()
    # aware and naive dates sort together without error
    titles = [a.get_text() for a in result.html("archive/index").select("a")]
    assert any("2025年11月" in t for t in titles) and any("2025年10月" in t for t in titles)
    utc = build(write_project(tmp_path / "utc", files), confoverrides={"kb_timezone": "UTC"})
    assert "2025年10月31日" in utc.html("articles/2025/10/a").select_one(".kb-date").get_text()


def test_tags_as_string_and_singular_category(tmp_path):
    text = (
        front_matter(title="T", date="2025-01-02", tags="AI 投資 チップ", category="市場 分析")
        + "\n本文。\n"
    )
    result = build(write_project(tmp_path, {"articles/2025/01/t.md": text}))
    badges = [
        b.get_text() for b in result.html("articles/2025/01/t").select(".kb-badges .sd-badge")
    ]
    assert badges == ["市場 分析", "AI", "投資", "チップ"]


def test_reading_time_computed_when_absent(tmp_path):
    body = "あ" * 3000
    result = build(write_project(tmp_path, {"articles/2025/01/r.md": article(body=body)}))
    assert "約5分" in result.html("articles/2025/01/r").select_one(".kb-byline").get_text()


def test_broken_values_warn_with_file_and_line_and_still_build(tmp_path):
    text = (
        "---\n"
        'title: "壊れた値"\n'
        "date: [1, 2]\n"
        "tags: 5\n"
        "reading_time: many\n"
        "draft: maybe\n"
        "---\n\n本文は残ります。\n"
    )
    result = build(
        write_project(
            tmp_path,
            {"articles/2025/01/bad.md": text, "articles/2025/01/good.md": article(title="良い")},
        )
    )
    warnings = result.warnings
    assert re.search(r"bad\.md:3: WARNING: date: .*\[kb\.front_matter\]", warnings)
    assert re.search(r"bad\.md:4: WARNING: tags: .*\[kb\.front_matter\]", warnings)
    assert re.search(r"bad\.md:5: WARNING: reading_time: .*\[kb\.front_matter\]", warnings)
    assert re.search(r"bad\.md:6: WARNING: draft: .*\[kb\.front_matter\]", warnings)
    assert "Traceback" not in warnings
    assert "本文は残ります。" in result.html("articles/2025/01/bad").get_text()
    assert result.exists("articles/2025/01/good")


def test_missing_title_and_broken_yaml(tmp_path):
    files = {
        "articles/2025/01/notitle.md": "---\ndate: 2025-01-01\n---\n\n本文。\n",
        "articles/2025/01/yaml.md": '---\ntitle: "a\ndate: 2025-01-01\n  tags: [\n---\n\n本文。\n',
    }
    result = build(write_project(tmp_path, files))
    assert re.search(r"notitle\.md:1: WARNING: title is required", result.warnings)
    assert re.search(r"yaml\.md:\d+: WARNING: front matter is not valid YAML", result.warnings)
    assert result.exists("articles/2025/01/notitle") and result.exists("articles/2025/01/yaml")


def test_warnings_can_be_suppressed_by_type(tmp_path):
    text = "---\ntitle: x\ndate: nope\n---\n\n本文。\n"
    src = write_project(
        tmp_path, {"articles/2025/01/q.md": text}, conf='suppress_warnings = ["kb.front_matter"]\n'
    )
    assert "WARNING" not in build(src).warnings


@pytest.mark.parametrize("mode", ["skip", "build"])
def test_draft_is_listed_nowhere(tmp_path, mode):
    files = {
        "articles/2025/01/d.md": article(title="下書き", tags=["秘密"], draft=True),
        "articles/2025/01/p.md": article(title="公開", tags=["公開"]),
    }
    result = build(write_project(tmp_path, files), confoverrides={"kb_drafts": mode})
    # Built only for previews, and then marked noindex.
    assert result.exists("articles/2025/01/d") == (mode == "build")
    if mode == "build":
        robots = result.html("articles/2025/01/d").find("meta", attrs={"name": "robots"})
        assert robots["content"] == "noindex"
    assert not result.exists("tags/秘密")
    assert "下書き" not in result.html("index").get_text()
    assert "下書き" not in (result.outdir / "feeds" / "atom.xml").read_text(encoding="utf-8")


def test_dirhtml_builder(tmp_path):
    src = write_project(tmp_path, {"articles/2025/01/a.md": article(tags=["AI"])})
    result = build(src, builder="dirhtml")
    assert (result.outdir / "tags" / "ai" / "index.html").is_file()
    page = result.html("articles/2025/01/a")
    hrefs = [a["href"] for a in page.select(".kb-badges a")]
    assert hrefs == ["../../../../tags/ai/"]


def test_articles_are_not_in_every_pages_navigation(tmp_path):
    files = {f"articles/2025/01/a{i}.md": article(title=f"記事{i}", tags=["AI"]) for i in range(5)}
    result = build(write_project(tmp_path, files))
    page = result.html("articles/2025/01/a0")
    nav = page.select_one(".sidebar-drawer").get_text()
    assert "記事3" not in nav and "タグ" in nav
    assert "toc.not_included" not in result.warnings


def test_bold_next_to_japanese_punctuation_is_bold(tmp_path):
    body = "さらに**Oracle**や**AWS (Amazon Web Services)**といった提携、`**code**` はそのまま。"
    result = build(write_project(tmp_path, {"articles/2025/01/b.md": article(body=body)}))
    page = result.html("articles/2025/01/b")
    strong = [s.get_text() for s in page.select("article p strong")]
    assert "AWS (Amazon Web Services)" in strong and "Oracle" in strong
    assert "**" not in page.select_one("article").get_text().replace("**code**", "")
    assert page.select_one("article code").get_text() == "**code**"


def test_body_headings_from_h2_do_not_warn_in_articles(tmp_path):
    body = "導入。\n\n## 見出し\n\n本文。\n"
    files = {
        "articles/2025/01/h.md": article(body=body),
        "other.md": "## only h2\n\ntext\n",
        "index.md": "# Home\n\n```{toctree}\nother\n```\n",
    }
    result = build(write_project(tmp_path, files))
    assert "h.md" not in result.warnings
    assert "other.md" in result.warnings and "myst.header" in result.warnings
    page = result.html("articles/2025/01/h")
    assert page.select_one("article h2").get_text().startswith("見出し")


def test_drafts_are_found_however_their_front_matter_is_written(tmp_path):
    long_excerpt = "長い要約。" * 5000  # front matter far longer than a first read
    files = {
        "articles/2025/01/bom.md": "\ufeff" + article(title="BOMの下書き", draft=True),
        "articles/2025/01/long.md": (
            f"---\ntitle: 長い下書き\ndate: 2025-01-02\nexcerpt: {long_excerpt}\n"
            "published: false\n---\n\n本文。\n"
        ),
        "articles/2025/01/p.md": article(title="公開"),
    }
    result = build(write_project(tmp_path, files))
    assert not result.exists("articles/2025/01/bom")
    assert not result.exists("articles/2025/01/long")
    assert result.exists("articles/2025/01/p")
