"""Writers' tools: ``kb new`` starts an article, ``kb check`` checks a project without Sphinx."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from kb import cli
from kbtesting import article, build, write_project

# --- kb new -----------------------------------------------------------------------------


def _project(root: Path, conf: str = "") -> Path:
    """A repository holding a kb project in docs/, as `make html` expects."""
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "conf.py").write_text(
        'extensions = ["myst_parser", "kb"]\n' + textwrap.dedent(conf), encoding="utf-8"
    )
    return docs


def _new(monkeypatch: pytest.MonkeyPatch, where: Path, *argv: str) -> int:
    monkeypatch.chdir(where)
    return cli.main(["new", *argv])


def test_kb_new_writes_a_complete_article_in_the_month_of_kb_timezone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = _project(tmp_path, 'kb_timezone = "Pacific/Kiritimati"\n')
    before = dt.datetime.now(ZoneInfo("Pacific/Kiritimati"))
    status = _new(
        monkeypatch,
        tmp_path,
        "OpenAIの1.4兆ドル投資、その真意は？",
        "--tags",
        "AI, OpenAI",
        "--tags",
        "投資",
        "--categories",
        "投資分析",
        "--author",
        "ALLFORCES編集部",
        "--series",
        "AI投資の行方",
        "--series-order",
        "2",
    )
    after = dt.datetime.now(ZoneInfo("Pacific/Kiritimati"))
    assert status == 0
    printed = capsys.readouterr().out.strip()
    path = tmp_path / printed
    assert path.is_file()
    # The month folder is the month in the project's zone (UTC+14 here), the
    # slug is kb import's slug of the title.
    months = {f"{moment.year:04d}/{moment.month:02d}" for moment in (before, after)}
    relative = path.relative_to(docs / "articles").as_posix()
    assert relative.rsplit("/", 1)[0] in months
    assert relative.endswith("/openaiの1-4兆ドル投資-その真意は.md")
    text = path.read_text(encoding="utf-8")
    head = yaml.safe_load(text.split("---\n")[1])
    assert head["title"] == "OpenAIの1.4兆ドル投資、その真意は？"
    assert head["tags"] == ["AI", "OpenAI", "投資"]
    assert head["categories"] == ["投資分析"]
    assert head["author"] == "ALLFORCES編集部"
    assert head["excerpt"] == ""
    assert head["series"] == "AI投資の行方"
    assert head["series_order"] == 2
    # Written as the README shows dates (Jekyll's form), with the zone's offset.
    written = dt.datetime.strptime(head["date"], "%Y-%m-%d %H:%M:%S %z")
    assert written.utcoffset() == dt.timedelta(hours=14)
    assert before.replace(microsecond=0) <= written <= after


def test_kb_new_articles_build_without_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write_project(tmp_path, {})
    assert (
        _new(monkeypatch, src, "前編：データセンターの電力", "--tags", "AI", "--slug", "power-1")
        == 0
    )
    path = Path(capsys.readouterr().out.strip())
    assert path.name == "power-1.md"
    result = build(src)
    assert "WARNING" not in result.warnings, result.warnings
    docname = (src / path).relative_to(src).with_suffix("").as_posix()
    assert (
        result.html(docname).select_one("h1").get_text().rstrip("¶#")
        == "前編：データセンターの電力"
    )


def test_kb_new_names_the_file_as_kb_import_names_the_same_post(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = _project(tmp_path)
    title = "NVIDIA「Blackwell」の全貌：C++とC#で読む 2026年の展望！"
    post = tmp_path / "post.md"
    post.write_text(article(title=title, date="2025-11-07 02:11:09 +0000"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["import", str(post), "--into", str(tmp_path / "imported")]) == 0
    (imported,) = (tmp_path / "imported").rglob("*.md")
    capsys.readouterr()
    assert _new(monkeypatch, docs, title) == 0
    created = Path(capsys.readouterr().out.strip())
    assert created.name == imported.name


def test_kb_new_never_overwrites_an_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(tmp_path)
    assert _new(monkeypatch, tmp_path, "同じ題", "--slug", "same") == 0
    path = tmp_path / capsys.readouterr().out.strip()
    path.write_text("書きかけの原稿\n", encoding="utf-8")
    assert _new(monkeypatch, tmp_path, "別の記事", "--slug", "same") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert re.search(r"docs/articles/\d{4}/\d{2}/same\.md exists; nothing written", captured.err)
    assert path.read_text(encoding="utf-8") == "書きかけの原稿\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["same.md"]


def test_kb_new_outside_a_project_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _new(monkeypatch, tmp_path, "題") == cli.USAGE_ERROR
    assert "no kb project found" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_kb_new_follows_kb_articles_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = _project(tmp_path, 'kb_articles_dir = "posts"\n')
    assert _new(monkeypatch, docs, "題", "--slug", "x") == 0
    path = docs / capsys.readouterr().out.strip()
    assert path.parent.parent.parent == docs / "posts"
