"""``{% assign %}`` of a value only a web service knew: kept out of the page, the post imported."""

from __future__ import annotations

from pathlib import Path

from kb.core.dates import zone_named
from kb.jekyll.importer import import_posts
from kb.jekyll.liquid import convert_liquid
from kb.jekyll.liquidscope import LiquidContext
from kb.jekyll.report import Outcome

ASSIGN = "{% assign authors = 'B000000000' | amazon_authors %}"


def test_an_assign_of_what_amazons_api_said_is_kept_in_a_comment() -> None:
    converted, notes = convert_liquid(f"{ASSIGN}\n本文です。\n", 6, LiquidContext())
    assert converted == f"<!-- {ASSIGN} -->\n本文です。\n"
    assert [note.line for note in notes] == [6]
    assert "Amazon's Product API" in notes[0].message
    assert "kept in an HTML comment" in notes[0].message


def test_a_post_with_such_an_assign_is_imported(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: 日記\n", encoding="utf-8")
    post = site / "_posts" / "2025-01-01-books.md"
    post.write_text(
        f"---\ntitle: 本\ndate: 2025-01-01\n---\n\n{ASSIGN}\n本文です。\n", encoding="utf-8"
    )
    report = import_posts([site], tmp_path / "articles", zone_named("Asia/Tokyo"))
    [result] = report.results
    assert result.outcome is Outcome.IMPORTED, [str(d) for d in result.diagnostics]
    assert result.target is not None
    article = result.target.read_text(encoding="utf-8")
    assert f"<!-- {ASSIGN} -->" in article
    assert [d.line for d in result.diagnostics if "Amazon" in d.message] == [6]
