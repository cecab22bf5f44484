"""Writers' tools: ``kb new`` starts an article, ``kb check`` checks a project without Sphinx."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from kb import cli
from kbtesting import REPO, article, build, write_project

# --- kb new -----------------------------------------------------------------------------


def _project(root: Path, conf: str = "") -> Path:
    """A repository holding a kb project in docs/, as `make html` expects."""
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "conf.py").write_text(
        'extensions = ["myst_parser", "kb"]\n' + textwrap.dedent(conf), encoding="utf-8"
    )
    return docs


def _kb(monkeypatch: pytest.MonkeyPatch, where: Path, *argv: str) -> int:
    """``kb ARGV...`` run in ``where``; its exit status."""
    monkeypatch.chdir(where)
    return cli.main(list(argv))


def _new(monkeypatch: pytest.MonkeyPatch, where: Path, *argv: str) -> int:
    return _kb(monkeypatch, where, "new", *argv)


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


# --- kb check ---------------------------------------------------------------------------

BROKEN_YAML = """---
title: "壊れた記事
date: 2025-11-07
---

本文。
"""

NO_TITLE = "---\ndate: 2025-11-07\n---\n\n本文。\n"
BAD_DATE = '---\ntitle: "日付"\ndate: 2025-02-30\n---\n\n本文。\n'


def _with_fine(**files: str) -> dict[str, str]:
    """An article with nothing wrong, and ``name=text`` as ``articles/2025/11/name.md``."""
    return {
        "articles/2025/11/fine.md": article(title="問題なし"),
        **{f"articles/2025/11/{name.replace('_', '-')}.md": text for name, text in files.items()},
    }


#: One file per kind of problem the build reports, each on a known line.
BROKEN_PROJECT = {
    "articles/2025/11/broken-yaml.md": BROKEN_YAML,
    "articles/2025/11/bad-date.md": BAD_DATE.replace("---\n\n", "tags: 5\n---\n\n"),
    "articles/2025/11/no-title.md": NO_TITLE.replace(
        "---\n\n", "layout: post\ncolour: red\n---\n\n"
    ),
    "articles/2025/11/moved.md": article(
        title="移転", redirect_from=["/old/moved.html", "/articles/2025/11/fine", "/../../x.html"]
    ),
    "articles/2025/11/also-moved.md": article(title="移転2", redirect_from=["/old/moved.html"]),
    "articles/2025/11/fine.md": article(title="問題なし", tags=["C"]),
    "articles/2025/11/c-sharp.md": article(title="シャープ", tags=["C#"]),
    "articles/2025/11/head.md": '---\ntitle: "頭"\ndate: 2025-11-07\nhtml_meta:\n  refresh: "0; url=https://evil.example"\n---\n\n本文。\n',
    "articles/2025/11/role.md": article(
        "本文で{partner}`存在しない会社`に触れる。", title="ロール"
    ),
    "glossary/partners/acme.md": '---\nname: "Acme"\naliases: ["AMD"]\nrelated: ["Nowhere Inc"]\nsummary: "架空の会社。"\n---\n\nAcme。\n',
    "glossary/partners/amd.md": '---\nname: "AMD"\nsummary: "半導体。"\n---\n\nAMD。\n',
    "_data/taxonomy.yaml": "tags:\n  C#: {slug: 'c'}\n  AI: {slug: '../ai'}\nseries: {}\n",
}


def _warnings(text: str, root: Path) -> set[str]:
    """The build's ``kb.*`` warnings, with paths relative to the project."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    prefix = str(root) + "/"
    return {
        line.replace(prefix, "")
        for line in plain.splitlines()
        if line.endswith("]") and "[kb." in line
    }


def _check(monkeypatch: pytest.MonkeyPatch, where: Path, *paths: str) -> int:
    return _kb(monkeypatch, where, "check", *paths)


def test_kb_check_says_what_the_build_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write_project(tmp_path, BROKEN_PROJECT)
    (src / "articles/2025/11/latin1.md").write_bytes(
        article(title="ラテン").encode("utf-8") + b"caf\xe9\n"
    )
    built = _warnings(build(src).warnings, src)
    assert _check(monkeypatch, src) == 1
    checked = set(capsys.readouterr().out.splitlines())
    # Every kind of problem is there, in both.
    for expected in (
        "articles/2025/11/broken-yaml.md:4: WARNING: front matter is not valid YAML: found unexpected end of stream (while scanning a quoted scalar on line 2) [kb.front_matter]",
        "articles/2025/11/bad-date.md:3: WARNING: date: cannot read '2025-02-30' as a date;",
        "articles/2025/11/bad-date.md:4: WARNING: tags: expected a list of names",
        "articles/2025/11/no-title.md:1: WARNING: title is required [kb.front_matter]",
        "articles/2025/11/no-title.md:4: WARNING: unknown key 'colour'",
        "articles/2025/11/latin1.md:7: WARNING: not UTF-8 text (byte 0xe9)",
        # The first article by name keeps a path two redirect from.
        "articles/2025/11/moved.md:3: WARNING: redirect_from '/old/moved.html': not written at 'old/moved.html': articles/2025/11/also-moved redirects from it too [kb.redirect]",
        "articles/2025/11/moved.md:3: WARNING: redirect_from '/articles/2025/11/fine': not written at 'articles/2025/11/fine.html': a page of this site is there [kb.redirect]",
        "articles/2025/11/moved.md:3: WARNING: redirect_from '/../../x.html': not written at '../../x.html': it would leave the output folder [kb.redirect]",
        "articles/2025/11/head.md:4: WARNING: front matter key 'html_meta' is ignored",
        "articles/2025/11/role.md:6: WARNING: unknown glossary name '存在しない会社'",
        "glossary/partners/acme.md:3: WARNING: glossary alias 'AMD' is already used by glossary/partners/amd (AMD) as its name",
        "glossary/partners/acme.md:4: WARNING: unknown glossary name 'Nowhere Inc'",
        "_data/taxonomy.yaml:3: WARNING: tags.AI: slug '../ai' is not safe",
        "_data/taxonomy.yaml:4: WARNING: unknown section 'series'",
        "articles/2025/11/c-sharp.md: WARNING: tag names 'C' / 'C#' share one slug",
    ):
        assert any(line.startswith(expected) for line in checked), expected
        assert any(line.startswith(expected) for line in built), expected
    assert checked == built


def test_kb_check_fails_with_file_and_line_on_broken_yaml_a_bad_date_and_no_title(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write_project(
        tmp_path,
        _with_fine(broken_yaml=BROKEN_YAML, bad_date=BAD_DATE, no_title=NO_TITLE),
    )
    assert _check(monkeypatch, src.parent, "src") == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "src/articles/2025/11/bad-date.md:3: WARNING: date: cannot read '2025-02-30' as a date; "
        "use 2025-11-07, 2025-11-07 02:11:09 +0000 or ISO 8601 [kb.front_matter]",
        "src/articles/2025/11/broken-yaml.md:1: WARNING: title is required [kb.front_matter]",
        "src/articles/2025/11/broken-yaml.md:1: WARNING: date is required (e.g. 2025-11-07) "
        "[kb.front_matter]",
        "src/articles/2025/11/broken-yaml.md:4: WARNING: front matter is not valid YAML: found "
        "unexpected end of stream (while scanning a quoted scalar on line 2) [kb.front_matter]",
        "src/articles/2025/11/no-title.md:1: WARNING: title is required [kb.front_matter]",
    ]
    assert captured.err == (
        "kb check: 4 articles and 0 glossary entries read; 5 problems in 3 files\n"
    )


def test_kb_check_of_named_files_reports_only_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write_project(
        tmp_path,
        _with_fine(
            broken_yaml=BROKEN_YAML,
            no_title=NO_TITLE,
            moved=article(title="移転", redirect_from=["/old.html"]),
            moved_too=article(title="移転2", redirect_from=["/old.html"]),
        ),
    )
    assert _check(monkeypatch, src, "articles/2025/11/fine.md") == 0
    assert capsys.readouterr().out == ""
    assert _check(monkeypatch, src, "articles/2025/11/no-title.md", "articles/2025/11/fine.md") == 1
    assert capsys.readouterr().out.splitlines() == [
        "articles/2025/11/no-title.md:1: WARNING: title is required [kb.front_matter]"
    ]
    # A problem between two files is the named file's when it is the one that loses.
    assert _check(monkeypatch, src, "articles/2025/11/moved.md") == 0
    assert _check(monkeypatch, src, "articles/2025/11/moved-too.md") == 1
    assert capsys.readouterr().out.splitlines() == [
        "articles/2025/11/moved-too.md:3: WARNING: redirect_from '/old.html': not written at "
        "'old.html': articles/2025/11/moved redirects from it too [kb.redirect]"
    ]


def test_kb_check_of_a_clean_project_passes_and_honours_suppress_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write_project(tmp_path, {"articles/2025/11/fine.md": article(title="問題なし")})
    assert _check(monkeypatch, src) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "kb check: 1 articles and 0 glossary entries read; no problems\n"
    (src / "articles/2025/11/no-title.md").write_text("---\ndate: 2025-11-07\n---\n", "utf-8")
    assert _check(monkeypatch, src) == 1
    capsys.readouterr()
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('suppress_warnings = ["kb.front_matter"]\n')
    assert _check(monkeypatch, src) == 0


def test_kb_check_runs_as_a_pre_commit_hook(tmp_path: Path) -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [hook for hook in hooks if hook["id"] == "kb-check"]
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert re.search(hook["files"], "docs/articles/2025/11/x.md")
    assert re.search(hook["files"], "docs/_data/taxonomy.yaml")
    assert not re.search(hook["files"], "ext/kb/cli.py")
    # pre-commit selects files with re.search, and runs the entry with them after it,
    # from the repository root.
    src = write_project(tmp_path, {"articles/2025/11/no-title.md": "---\ndate: 2025-11-07\n---\n"})
    command = [*hook["entry"].split(), "src/articles/2025/11/no-title.md"]
    kb = Path(sys.executable).parent / command[0]
    result = subprocess.run(
        [str(kb), *command[1:]], cwd=src.parent, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert result.stdout == (
        "src/articles/2025/11/no-title.md:1: WARNING: title is required [kb.front_matter]\n"
    )
