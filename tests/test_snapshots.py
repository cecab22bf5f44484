"""Snapshots of one page of each kind kb generates: the main element, normalised.

A change to a template or a view shows here as a diff to review; after a
change that is meant, regenerate with ``pytest tests/test_snapshots.py
--force-regen`` and commit the files under ``tests/test_snapshots/``.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from kbtesting import Build, article, build, write_project

FILES = {
    "articles/2025/01/first.md": article(
        "**Nvidia**と**TSMC**の関係を見る。GPUの供給は続く。",
        title="最初の記事",
        date="2025-01-10 09:00:00 +0900",
        tags=["AI", "半導体"],
        categories=["分析"],
        author="編集部",
        excerpt="最初の記事の要約。",
        reading_time=3,
    ),
    "articles/2025/02/second.md": article(
        "Nvidiaの決算。GPUの需要。",
        title="二番目の記事",
        date="2025-02-03 12:00:00 +0900",
        updated="2025-02-05",
        tags=["AI"],
        categories=["ニュース"],
        author=["編集部", "山田"],
        excerpt="二番目の要約。",
        reading_time=5,
    ),
    "glossary/partners/nvidia.md": (
        "---\nname: Nvidia\naliases: [NVIDIA]\nsummary: GPUの会社。\n"
        "website: https://www.nvidia.com/\nrelated: [GPU]\n---\n"
    ),
    "glossary/partners/tsmc.md": "---\nname: TSMC\nsummary: 半導体の受託製造。\n---\n",
    "glossary/technologies/gpu.md": "---\nname: GPU\nsummary: 画像処理装置。\n---\n",
}

INDEX = """# ホーム

```{kb-latest}
:count: 2
```

```{kb-category-cards}
```

```{kb-tag-cloud}
```
"""

PAGES = {
    "article": "articles/2025/01/first",
    "article-updated": "articles/2025/02/second",
    "home": "index",
    "tag": "tags/ai",
    "category": "categories/分析",
    "author": "authors/編集部",
    "month": "archive/2025/01",
    "archive": "archive/index",
    "tags-overview": "tags/index",
    "categories-overview": "categories/index",
    "authors-overview": "authors/index",
    "entry": "glossary/partners/nvidia",
    "glossary-overview": "glossary/partners/index",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build(write_project(tmp_path_factory.mktemp("snapshots"), FILES, index=INDEX))


def normalised_main(site: Build, pagename: str) -> str:
    soup = BeautifulSoup(site.page_path(pagename).read_text(encoding="utf-8"), "html.parser")
    main = soup.select_one("article[role=main]")
    assert main is not None, pagename
    return main.prettify()


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_page_matches_its_snapshot(site: Build, kind: str, file_regression) -> None:  # type: ignore[no-untyped-def]
    assert "WARNING" not in site.warnings, site.warnings
    file_regression.check(
        normalised_main(site, PAGES[kind]), basename=kind, extension=".html", encoding="utf-8"
    )
