"""A rebuild that compares only the pages an edit can reach writes what a clean build writes.

kb.sphinx.affected names the pages, lists, feeds and preview cards one build's
edits can change; every other page keeps what it was written with. After each
edit of a sequence (a tag added and one removed, a title, an excerpt, a body
sentence, a category and an author, a glossary name mentioned, a glossary entry
changed, a date moved, an article added and one removed, a draft hidden and shown
again, the taxonomy file), the incremental build's output is compared file by
file with a clean build of the same sources: any page the scope missed would
differ. The articles form a series and link to each other, so series navigation
and preview cards are among what is compared.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kbtesting import REPO, article, build, write_project

#: Files Sphinx or kb write differently on every build, whatever changed.
VOLATILE = {".buildinfo", ".kb-outputs.json", "searchindex.js", "objects.inv"}


def _articles() -> dict[str, dict[str, object]]:
    names = ["NVIDIA", "TSMC", "AWS", "OpenAI"]
    found: dict[str, dict[str, object]] = {}
    for number in range(9):
        found[_path(number)] = {
            "title": f"記事{number}の分析",
            "date": f"2025-{number % 3 + 9:02d}-{number + 1:02d}",
            "tags": [["AI", "半導体"], ["AI"], ["クラウド", "AI"]][number % 3],
            "categories": ["投資分析"] if number % 2 else ["技術解説"],
            "excerpt": f"要約{number}",
            "body": f"{names[number % 4]}と{names[(number + 1) % 4]}の話。" * 3,
        }
    # A series of three parts, and links whose preview cards show another article.
    for number in (1, 4, 7):
        found[_path(number)].update(series="半導体の連載", series_order=number)
    for number, target in ((8, 4), (2, 3), (5, 0)):
        fields = found[_path(number)]
        fields["body"] = f"{fields['body']}[前の記事](/{_path(target)})も参照。"
    return found


def _path(number: int) -> str:
    return f"articles/2025/{number % 3 + 9:02d}/a{number}.md"


def _write(src: Path, path: str, fields: dict[str, object]) -> None:
    if "text" in fields:  # the taxonomy file, a glossary entry
        (src / path).parent.mkdir(parents=True, exist_ok=True)
        (src / path).write_text(str(fields["text"]), encoding="utf-8")
        return
    values = dict(fields)
    body = str(values.pop("body"))
    target = src / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(article(body=body, **values), encoding="utf-8")


def _files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and path.relative_to(folder).as_posix() not in VOLATILE
        and not path.relative_to(folder).as_posix().startswith("_static/")
    }


Edit = Callable[[dict[str, dict[str, object]]], None]
TAXONOMY = "_data/taxonomy.yaml"
ENTRY = "glossary/partners/nvidia.md"


def _tag_added(articles: dict[str, dict[str, object]]) -> None:
    fields = articles["articles/2025/09/a0.md"]
    fields["tags"] = [*fields["tags"], "量子計算"]  # type: ignore[misc]


def _title_and_excerpt(articles: dict[str, dict[str, object]]) -> None:
    articles["articles/2025/10/a4.md"].update(title="改題した記事", excerpt="新しい要約")


def _excerpt(articles: dict[str, dict[str, object]]) -> None:
    articles["articles/2025/11/a8.md"]["excerpt"] = "書き直した要約"


def _body_only(articles: dict[str, dict[str, object]]) -> None:
    fields = articles["articles/2025/09/a3.md"]
    fields["body"] = f"{fields['body']}一文を加えた。"


def _category_and_author(articles: dict[str, dict[str, object]]) -> None:
    articles["articles/2025/09/a0.md"].update(categories=["市場動向"], author="山田")


def _mention_added(articles: dict[str, dict[str, object]]) -> None:
    fields = articles["articles/2025/11/a5.md"]
    fields["body"] = f"{fields['body']}Broadcomも加わった。"


def _entry_changed(articles: dict[str, dict[str, object]]) -> None:
    """NVIDIA's entry: another summary and alias (its page, cards, backlinks)."""
    text = (REPO / "docs" / ENTRY).read_text(encoding="utf-8")
    text = text.replace('aliases: ["NVIDIA"', 'aliases: ["NVDA", "NVIDIA"', 1)
    articles[ENTRY] = {"text": re.sub(r"(?m)^summary: .*$", 'summary: "要約を改めた。"', text)}


def _draft_on(articles: dict[str, dict[str, object]]) -> None:
    articles["articles/2025/10/a4.md"]["draft"] = True


def _draft_off(articles: dict[str, dict[str, object]]) -> None:
    articles["articles/2025/10/a4.md"]["draft"] = False


def _tag_removed(articles: dict[str, dict[str, object]]) -> None:
    articles["articles/2025/10/a7.md"]["tags"] = ["半導体"]


def _redated(articles: dict[str, dict[str, object]]) -> None:
    articles["articles/2025/09/a3.md"]["date"] = "2025-11-28"


def _added(articles: dict[str, dict[str, object]]) -> None:
    articles["articles/2025/11/new.md"] = {
        "title": "新しい記事",
        "date": "2025-11-30",
        "tags": ["AI", "新タグ"],
        "categories": ["投資分析"],
        "excerpt": "新しい要約",
        "body": "OpenAIとNVIDIAの新しい話。",
    }


def _removed(articles: dict[str, dict[str, object]]) -> None:
    del articles["articles/2025/09/a6.md"]


def _renamed(articles: dict[str, dict[str, object]]) -> None:
    """The taxonomy file shows AI under another name, as a tag is added elsewhere."""
    articles[TAXONOMY] = {"text": "tags:\n  AI:\n    name: 人工知能\n"}
    articles["articles/2025/11/a2.md"]["tags"] = ["クラウド", "AI", "半導体"]


EDITS: list[tuple[str, Edit]] = [
    ("tag added", _tag_added),
    ("title and excerpt", _title_and_excerpt),
    ("excerpt", _excerpt),
    ("body only", _body_only),
    ("category and author", _category_and_author),
    ("mention added", _mention_added),
    ("entry changed", _entry_changed),
    ("draft on", _draft_on),
    ("draft off", _draft_off),
    ("tag removed", _tag_removed),
    ("redated", _redated),
    ("added", _added),
    ("removed", _removed),
    ("renamed", _renamed),
]


@pytest.mark.slow
def test_each_edit_writes_what_a_clean_build_writes(tmp_path: Path) -> None:
    articles = _articles()
    articles[TAXONOMY] = {"text": "tags:\n  AI:\n    description: 人工知能全般。\n"}
    src = write_project(tmp_path / "site", {}, conf="kb_page_size = 2\n", with_glossary=True)
    for path, fields in articles.items():
        _write(src, path, fields)
    build(src)
    gone: set[str] = set()
    for number, (name, edit) in enumerate(EDITS):
        before = {path: dict(fields) for path, fields in articles.items()}
        edit(articles)
        for path in set(before) - set(articles):
            (src / path).unlink()
        for path, fields in articles.items():
            if before.get(path) != fields:
                _write(src, path, fields)
        incremental = build(src)
        clean_dir = tmp_path / f"clean-{number}"
        shutil.rmtree(clean_dir, ignore_errors=True)
        clean = build(src, builddir=clean_dir, fresh=True)
        ours, theirs = _files(incremental.outdir), _files(clean.outdir)
        # Sphinx leaves a removed document's page and source where they were.
        gone |= set(before) - set(articles)
        left = {
            leftover for path in gone for leftover in (path[:-3] + ".html", f"_sources/{path}.txt")
        }
        assert set(theirs) <= set(ours) <= set(theirs) | left, (name, set(ours) ^ set(theirs))
        differing = [path for path in theirs if ours[path] != theirs[path]]
        assert not differing, (name, differing)
