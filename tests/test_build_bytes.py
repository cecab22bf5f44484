"""What a build keeps on disk: doctrees without the raw source text of their elements.

The pages stay the same: code blocks are still highlighted from their kept raw text.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from docutils import nodes

from kbtesting import Build, article, build, write_project

BODY = """\
## 背景

長い段落の本文。**Nvidia** の [H100](https://example.com/h100) について分析します。

```python
print("こんにちは")  # コメント
```

- 箇条書きの項目
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    src = write_project(
        tmp_path_factory.mktemp("bytes"),
        {"articles/2025/11/x.md": article(title="容量の記事", tags=["AI"], body=BODY)},
    )
    return build(src)


def _doctree(site: Build, docname: str) -> nodes.document:
    path = Path(site.app.doctreedir) / f"{docname}.doctree"
    with path.open("rb") as handle:
        return pickle.load(handle)


def test_doctree_keeps_no_raw_text_but_literal_blocks(site: Build) -> None:
    doctree = _doctree(site, "articles/2025/11/x")
    paragraphs = list(doctree.findall(nodes.paragraph))
    assert any("長い段落の本文" in p.astext() for p in paragraphs)
    assert all(p.rawsource == "" for p in paragraphs)
    assert all(t.rawsource == "" for t in doctree.findall(nodes.title))
    (code,) = doctree.findall(nodes.literal_block)
    assert code.rawsource.strip() == 'print("こんにちは")  # コメント'


def test_page_still_highlights_code_and_shows_text(site: Build) -> None:
    soup = site.html("articles/2025/11/x")
    assert soup.select_one("div.highlight-python pre span.nb") is not None  # print, highlighted
    assert "長い段落の本文" in soup.select_one("article").get_text()

