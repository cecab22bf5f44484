"""A rebuild after one edit does the work of that edit, not work that grows with the site."""

from __future__ import annotations

import os
from pathlib import Path

from kbtesting import article, build, write_project

EDITED = "articles/2025/11/edited.md"
UNTOUCHED = "articles/2025/10/untouched.md"


def test_a_tag_added_to_one_article_rereads_no_other_article_for_its_markdown(tmp_path: Path):
    src = write_project(
        tmp_path,
        {
            EDITED: article(
                title="編集する記事", date="2025-11-01", tags=["AI"], body="最初の本文。"
            ),
            UNTOUCHED: article(
                title="触らない記事", date="2025-10-01", tags=["AI"], body="元の本文。"
            ),
        },
    )
    first = build(src)
    untouched_md = first.page_path("articles/2025/10/untouched").with_suffix(".html.md")
    assert "元の本文。" in untouched_md.read_text(encoding="utf-8")

    # The untouched article's file changes behind Sphinx's back (same time stamp):
    # Sphinx does not read it again, so neither may kb: its Markdown must keep
    # matching its page, which Sphinx does not rewrite.
    source = src / UNTOUCHED
    stamp = source.stat()
    source.write_text(
        article(title="触らない記事", date="2025-10-01", tags=["AI"], body="こっそり変えた本文。"),
        encoding="utf-8",
    )
    os.utime(source, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    (src / EDITED).write_text(
        article(
            title="編集する記事", date="2025-11-01", tags=["AI", "半導体"], body="最初の本文。"
        ),
        encoding="utf-8",
    )

    second = build(src)
    edited_md = second.page_path("articles/2025/11/edited").with_suffix(".html.md")
    assert "半導体" in edited_md.read_text(encoding="utf-8")
    page = second.html("articles/2025/10/untouched").get_text()
    assert "元の本文。" in page and "こっそり" not in page
    markdown = untouched_md.read_text(encoding="utf-8")
    assert "元の本文。" in markdown and "こっそり" not in markdown


def test_a_rebuild_looks_for_drafts_only_in_the_articles_sphinx_reads_again(tmp_path: Path):
    src = write_project(
        tmp_path,
        {
            EDITED: article(title="編集する記事", date="2025-11-01", body="最初の本文。"),
            UNTOUCHED: article(title="触らない記事", date="2025-10-01", body="元の本文。"),
        },
    )
    build(src)
    # Marked a draft behind Sphinx's back (same time stamp): Sphinx keeps its page,
    # so kb must not open the file to find the mark and drop the article.
    source = src / UNTOUCHED
    stamp = source.stat()
    source.write_text(
        article(title="触らない記事", date="2025-10-01", draft=True, body="元の本文。"),
        encoding="utf-8",
    )
    os.utime(source, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    (src / EDITED).write_text(
        article(title="編集する記事", date="2025-11-01", body="書き直した本文。"), encoding="utf-8"
    )
    second = build(src)
    assert "書き直した本文。" in second.html("articles/2025/11/edited").get_text()
    assert second.exists("articles/2025/10/untouched")
    assert "articles/2025/10/untouched" in second.app.env.all_docs

    # Once the file is seen to change, the mark counts.
    source.touch()
    third = build(src)
    assert not third.exists("articles/2025/10/untouched")
