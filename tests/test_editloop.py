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
