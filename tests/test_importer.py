"""Tests for ``kb import``: joining parts, converting posts, and writing articles safely."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kb.cli import main
from kb.core import atomicfile
from kb.core.dates import zone_named
from kb.jekyll.conversion import Conversion, convert_post, title_slug
from kb.jekyll.parts import (
    ends_mid_sentence,
    join_body,
    join_parts,
    split_parts,
    trailing_fragment,
)
from kb.jekyll.report import Diagnostic, Severity
from kb.jekyll.writing import write_atomically
from kbtesting import has_summary

ROOT = Path(__file__).resolve().parent.parent
POSTS = Path(__file__).resolve().parent / "fixtures" / "posts"
SEED = POSTS / "seed" / "000_d78da07ebbf9373e.txt"
TOKYO = zone_named("Asia/Tokyo")
SEED_SLUG = "openaiの1-4兆ドル投資-その真意は-aiの未来をどう変えるの"


def convert(path: Path) -> Conversion:
    return convert_post(path.read_text(encoding="utf-8"), path, TOKYO)


def errors(conversion: Conversion) -> list[Diagnostic]:
    return [d for d in conversion.diagnostics if d.severity is Severity.ERROR]


def warnings(conversion: Conversion) -> list[Diagnostic]:
    return [d for d in conversion.diagnostics if d.severity is Severity.WARNING]


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative POSIX path -> text); hidden temp files included."""
    if not folder.exists():
        return {}
    return {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def fingerprint(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        path.relative_to(folder).as_posix(): (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            path.stat().st_mtime_ns,
        )
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# --- splitting and joining parts ---------------------------------------------


def test_split_parts_accepts_surrounding_whitespace_and_drops_a_trailing_marker() -> None:
    body = "一つ目。\n  ---END---\t\n二つ目。\n---END---\n\n"
    parts = split_parts(body)
    assert [part.text for part in parts] == ["一つ目。", "二つ目。"]
    assert [part.line for part in parts] == [1, 3]


def test_split_parts_leaves_lookalike_lines_alone() -> None:
    body = "本文 ---END--- の話。\n----END----\n"
    assert [part.text for part in split_parts(body)] == [body]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("AIは深く浸透していきます。パーソナライズされた医療\n\n", "パーソナライズされた医療"),
        ("完全な文です。", ""),
        ("彼は「そうだ。」", ""),
        ("本当に！？", ""),
        ("一行目。\n二行目の途中", "二行目の途中"),
        ("It costs 3.14 dollars and", "It costs 3.14 dollars and"),
        ("First sentence. Second one is cut", "Second one is cut"),
        ("", ""),
    ],
)
def test_trailing_fragment(text: str, fragment: str) -> None:
    assert trailing_fragment(text) == fragment


def test_join_keeps_a_repeated_fragment_once_in_one_paragraph() -> None:
    before = "AIは深く浸透していきます。パーソナライズされた医療\n\n"
    after = "\nパーソナライズされた医療は、あなたの遺伝子情報を使います。"
    assert join_parts([before, after]) == (
        "AIは深く浸透していきます。パーソナライズされた医療は、あなたの遺伝子情報を使います。"
    )


def test_join_without_repetition_adds_a_paragraph_break_and_drops_nothing() -> None:
    before = "この文は途中で切れて\n"
    after = "\n\n次の部分は別の話です。"
    assert join_parts([before, after]) == "この文は途中で切れて\n\n次の部分は別の話です。"


def test_join_after_a_finished_sentence_is_a_paragraph_break() -> None:
    assert (
        join_parts(["終わりです。", "終わりです。次です。"])
        == "終わりです。\n\n終わりです。次です。"
    )


def test_join_body_removes_every_marker() -> None:
    body = (
        (POSTS / "parts" / "repeated-fragment.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    )
    joined = join_body(body)
    assert "---END---" not in joined
    assert "そのためにはあらゆる選択肢を排除しない" in joined
    assert joined.count("計算資源の確保が最優先事項であり") == 1
    assert "AIは社会の基盤になりつつあります。" in joined
    assert joined.count("AIは社会の基盤になり") == 1


# Japanese-ish text: kana, kanji, Latin, digits, spaces, sentence ends, line breaks.
_PROSE = st.text(
    alphabet=st.sampled_from(
        list("あいうえおかきくけこアイウエオ日本語文章資源AIgpu0123 、。！？!?.「」\n")
    ),
    min_size=1,
    max_size=200,
)


@given(text=_PROSE, data=st.data())
def test_join_parts_restores_text_split_with_the_fragment_repeated(
    text: str, data: st.DataObject
) -> None:
    split_at = data.draw(st.integers(min_value=1, max_value=len(text)), label="split_at")
    before, after = text[:split_at], text[split_at:]
    # A generator stops mid-sentence, so the cut is not at whitespace and
    # leaves an unfinished fragment behind.
    assume(not before[-1].isspace())
    fragment = trailing_fragment(before)
    assume(fragment)
    assert join_parts([before + "\n\n", "\n" + fragment + after]) == text


@given(before=_PROSE, after=_PROSE)
def test_join_parts_without_repetition_keeps_every_character(before: str, after: str) -> None:
    assume(after.strip() and before.strip())
    fragment = trailing_fragment(before)
    assume(not fragment or not after.lstrip().startswith(fragment))
    joined = join_parts([before, after])
    assert "".join(joined.split()) == "".join((before + after).split())


@pytest.mark.parametrize(
    ("text", "cut_off"),
    [
        ("そのリスクを認識しているから", True),
        ("そのリスクを認識しています。", False),
        ("「そうだ」", False),
        ("**これが結論です。**", False),
        ("まだ続く**", True),
        ("See the [docs](https://example.com)", False),
        ("よろしくお願いします😊", False),
        ("それでは〜", False),
        ("## まとめ", False),
        ("```", False),
        ("| a | b |", False),
        ("本文。\n\n\n", False),
        ("", False),
    ],
)
def test_ends_mid_sentence(text: str, cut_off: bool) -> None:
    assert ends_mid_sentence(text) is cut_off


def test_title_slug_is_cut_at_a_separator_within_sixty_characters() -> None:
    title = "Understanding the trillion dollar bet on compute and what it means for everyone"
    slug = title_slug(title)
    assert len(slug) <= 60
    assert slug == "understanding-the-trillion-dollar-bet-on-compute-and-what-it"
    assert title_slug("短いタイトル") == "短いタイトル"
    assert len(title_slug("長" * 200)) == 60


# --- converting one post -------------------------------------------------------


def test_seed_post_joins_into_one_sentence_and_warns_about_its_cut_off_end() -> None:
    conversion = convert(SEED)
    assert not errors(conversion)
    assert conversion.relative_path == f"2025/11/{SEED_SLUG}.md"
    article = conversion.article
    assert article is not None
    assert "---END---" not in article
    expected = "AIは深く浸透していきます。パーソナライズされた医療は、あなたの遺伝子情報"
    assert expected in article
    assert article.count("パーソナライズされた医療") == 1
    # One paragraph: the joined sentence sits on a single line.
    line = next(line for line in article.split("\n") if expected in line)
    assert line.startswith("そして、私たちの日常生活にも、")
    assert article.endswith("そのリスクを認識しているから\n")
    [warning] = warnings(conversion)
    assert warning.line == 83
    assert "mid-sentence" in warning.message
    assert "認識しているから" in warning.message
    assert f"{SEED}:83: warning:" in str(warning)


def test_front_matter_is_copied_verbatim() -> None:
    source = SEED.read_text(encoding="utf-8")
    front_matter = source[: source.index("---", 3) + 3]
    article = convert(SEED).article
    assert article is not None
    assert article.startswith(front_matter + "\n\nOpenAIの1.4兆ドル投資、その真意は？")


def test_comments_and_quoting_in_front_matter_survive() -> None:
    text = (
        "---\n# 編集メモ: 後で見直す\ntitle: 'シングル'  # 題\ndate: 2025-11-07\n"
        "tags:\n  - AI\n  - 投資\n---\n本文です。\n"
    )
    article = convert_post(text, Path("memo.md"), TOKYO).article
    assert article == (
        "---\n# 編集メモ: 後で見直す\ntitle: 'シングル'  # 題\ndate: 2025-11-07\n"
        "tags:\n  - AI\n  - 投資\n---\n\n本文です。\n"
    )


def test_crlf_and_bom_are_normalised() -> None:
    text = "\ufeff---\r\ntitle: 改行\r\ndate: 2025-11-07\r\n---\r\n\r\n一行目。\r\n二行目。\r\n"
    article = convert_post(text, Path("crlf.md"), TOKYO).article
    assert article == "---\ntitle: 改行\ndate: 2025-11-07\n---\n\n一行目。\n二行目。\n"


@pytest.mark.parametrize(
    ("name", "line", "reason"),
    [
        ("missing-title.md", 1, "title is required"),
        ("bad-date.md", 3, "cannot read '来週のどこか' as a date"),
        ("broken-yaml.md", 5, "front matter is not valid YAML"),
        ("no-front-matter.md", 1, "no front matter"),
    ],
)
def test_broken_posts_fail_with_line_and_reason(name: str, line: int, reason: str) -> None:
    conversion = convert(POSTS / "broken" / name)
    assert conversion.failed
    [error] = errors(conversion)
    assert error.line == line
    assert reason in error.message
    assert str(error).startswith(f"{POSTS / 'broken' / name}:{line}: error: ")


def test_tags_as_a_space_separated_string_and_a_bad_reading_time() -> None:
    conversion = convert(POSTS / "tags-string.md")
    assert not conversion.failed
    assert conversion.meta is not None
    assert conversion.meta.tags == ["AI", "投資", "半導体"]
    [warning] = warnings(conversion)
    assert warning.line == 5
    assert "reading_time" in warning.message
    assert conversion.article is not None
    assert "tags: AI 投資 半導体\n" in conversion.article


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        # 20:00 UTC on 31 October is already 1 November in Tokyo.
        ("utc-before-midnight.md", "2025/11"),
        # 00:30 in Tokyo on 1 November is still 31 October in UTC.
        ("jst-just-after-midnight.md", "2025/11"),
        # No offset: read as Tokyo time.
        ("naive-before-midnight.md", "2025/10"),
        ("date-only.md", "2025/11"),
    ],
)
def test_year_and_month_come_from_the_date_in_tokyo(name: str, folder: str) -> None:
    relative_path = convert(POSTS / "dates" / name).relative_path
    assert relative_path is not None
    assert relative_path.rsplit("/", 1)[0] == folder


def test_another_timezone_moves_the_article_across_the_month() -> None:
    path = POSTS / "dates" / "utc-before-midnight.md"
    conversion = convert_post(path.read_text(encoding="utf-8"), path, zone_named("UTC"))
    assert conversion.relative_path == "2025/10/utcでは十月.md"


def test_slug_from_jekyll_file_name_and_from_slug_key() -> None:
    assert convert(POSTS / "jekyll" / "2025-11-07-my-post.md").relative_path == "2025/11/my-post.md"
    other = convert(POSTS / "jekyll" / "2025-11-08-other.markdown")
    assert other.relative_path == "2025/11/explicit-slug.md"


def test_seams_without_repetition_are_warned_about_at_the_marker_line() -> None:
    conversion = convert(POSTS / "parts" / "no-repeat.md")
    assert conversion.article is not None
    assert "前半はここで終わります。\n\n後半はここから始まります。" in conversion.article
    assert "そして、この文は途中で切れて\n\n次の部分は別の話から始まります。" in conversion.article
    [warning] = warnings(conversion)
    assert warning.line == 14
    assert "does not repeat" in warning.message


# --- importing files -------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main(["import", *(str(arg) for arg in args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_import_writes_the_article_and_a_second_run_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    into = tmp_path / "articles"
    code, out, err = run(capsys, SEED, "--into", into)
    assert code == 0
    target = into / "2025" / "11" / f"{SEED_SLUG}.md"
    assert target.read_text(encoding="utf-8") == convert(SEED).article
    assert has_summary(out, "1 imported, 0 unchanged, 0 skipped, 0 failed, 1 warning")
    assert f"{SEED}:83: warning: the article ends mid-sentence" in err
    before = fingerprint(into)

    code, out, _ = run(capsys, SEED, "--into", into)
    assert code == 0
    assert has_summary(out, "0 imported, 1 unchanged, 0 skipped, 0 failed")
    assert fingerprint(into) == before


def test_import_never_overwrites_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    into = tmp_path / "articles"
    target = into / "2025" / "11" / "my-post.md"
    target.parent.mkdir(parents=True)
    # The same article, edited by hand after an earlier import.
    edited = convert(POSTS / "jekyll" / "2025-11-07-my-post.md").article
    assert edited is not None
    edited = edited.replace("決めます。", "決めます。手で書き足した一文。")
    target.write_text(edited, encoding="utf-8")

    code, out, _ = run(capsys, POSTS / "jekyll" / "2025-11-07-my-post.md", "--into", into)
    assert code == 0
    assert "skipped (exists, use --force)" in out
    assert has_summary(out, "0 imported, 0 unchanged, 1 skipped")
    assert target.read_text(encoding="utf-8") == edited

    code, out, _ = run(
        capsys, POSTS / "jekyll" / "2025-11-07-my-post.md", "--into", into, "--force"
    )
    assert code == 0
    assert "overwritten:" in out
    assert (
        target.read_text(encoding="utf-8")
        == convert(POSTS / "jekyll" / "2025-11-07-my-post.md").article
    )
    assert sorted(path.name for path in target.parent.iterdir()) == ["my-post.md"]


def test_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    into = tmp_path / "articles"
    code, out, _ = run(capsys, POSTS / "dates", "--into", into, "--dry-run")
    assert code == 0
    assert not into.exists()
    assert "would be imported:" in out
    assert "dry run, nothing written: 4 to import" in out


def test_folder_with_good_and_broken_posts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    into = tmp_path / "articles"
    # An article the user already has where one of the good posts would go.
    existing = into / "2025" / "11" / "良い投稿その二.md"
    existing.parent.mkdir(parents=True)
    hand_written = "---\ntitle: 良い投稿その二\ndate: 2025-11-11\n---\n\n手書きの版。\n"
    existing.write_text(hand_written, "utf-8")
    sources_before = fingerprint(POSTS)

    code, out, err = run(capsys, POSTS / "mixed", "--into", into)

    assert code == 1
    assert tree(into) == {
        "2025/11/良い投稿その一.md": convert(POSTS / "mixed" / "good-one.md").article,
        "2025/11/良い投稿その二.md": hand_written,
    }
    assert f"{POSTS / 'mixed' / 'no-title.md'}:1: error: title is required" in err
    assert f"{POSTS / 'mixed' / 'bad-yaml.md'}:3: error: front matter is not valid YAML" in err
    assert "notes.json" not in out + err
    assert has_summary(out, "1 imported, 0 unchanged, 1 skipped, 2 failed")
    assert fingerprint(POSTS) == sources_before


def test_two_posts_with_the_same_path_in_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "a.md").write_text("---\ntitle: 同じ題\ndate: 2025-11-01\n---\n一つ目。\n", "utf-8")
    (posts / "b.md").write_text("---\ntitle: 同じ題\ndate: 2025-11-20\n---\n二つ目。\n", "utf-8")
    into = tmp_path / "articles"

    code, _, err = run(capsys, posts, "--into", into)
    assert code == 0
    assert "一つ目。" in (into / "2025/11/同じ題.md").read_text(encoding="utf-8")
    assert "二つ目。" in (into / "2025/11/同じ題-2.md").read_text(encoding="utf-8")
    assert f"{posts / 'b.md'}:2: warning:" in err
    assert "同じ題-2.md instead" in err

    code, out, _ = run(capsys, posts, "--into", into)
    assert code == 0
    assert has_summary(out, "0 imported, 2 unchanged")
    # Alone, the second post still finds its own article rather than the first one's.
    code, out, _ = run(capsys, posts / "b.md", "--into", into, "--force")
    assert has_summary(out, "0 imported, 1 unchanged")
    assert "一つ目。" in (into / "2025/11/同じ題.md").read_text(encoding="utf-8")


def test_the_same_file_given_twice_is_imported_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    into = tmp_path / "articles"
    code, out, _ = run(
        capsys, POSTS / "jekyll", POSTS / "jekyll" / "2025-11-07-my-post.md", "--into", into
    )
    assert code == 0
    assert "2 imported" in out
    assert not (into / "2025" / "11" / "my-post-2.md").exists()


def test_a_post_that_is_not_utf8_fails_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = tmp_path / "sjis.md"
    post.write_bytes(
        "---\ntitle: 題\ndate: 2025-11-07\n---\n".encode() + "本文".encode("shift_jis")
    )
    code, _, err = run(capsys, post, "--into", tmp_path / "articles")
    assert code == 1
    assert f"{post}:5: error: not UTF-8 text" in err


def test_a_missing_path_is_reported_and_the_rest_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, tmp_path / "nowhere", POSTS / "tags-string.md", "--into", tmp_path / "a"
    )
    assert code == 1
    assert f"{tmp_path / 'nowhere'}: error: no such file or folder" in err
    assert "1 imported" in out


def test_paths_that_escape_into_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    into = tmp_path / "articles"
    outside = tmp_path / "outside"
    outside.mkdir()
    into.mkdir()
    (into / "2025").symlink_to(outside, target_is_directory=True)
    code, _, err = run(capsys, POSTS / "tags-string.md", "--into", into)
    assert code == 1
    assert "outside" in err and "refusing to write" in err
    assert not any(outside.rglob("*"))


def test_an_interrupted_write_leaves_no_file_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "2025" / "11" / "article.md"

    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "link", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, "本文\n", replace=False)
    assert list(target.parent.iterdir()) == []

    target.write_text("元の本文\n", encoding="utf-8")
    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, "新しい本文\n", replace=True)
    assert tree(target.parent) == {"article.md": "元の本文\n"}


def test_default_into_is_found_from_the_project_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "conf.py").write_text("project = 'kb'\n")
    (tmp_path / "drafts").mkdir()
    monkeypatch.chdir(tmp_path / "drafts")
    code, _, _ = run(capsys, POSTS / "jekyll" / "2025-11-07-my-post.md")
    assert code == 0
    assert (tmp_path / "docs" / "articles" / "2025" / "11" / "my-post.md").is_file()


def test_without_a_project_or_into_the_import_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, POSTS / "tags-string.md")
    assert code == 2
    assert "--into" in err
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    "argv",
    [[], ["import"], ["import", "x.md", "--timezone", "Mars/Olympus"], ["import", "--bogus", "x"]],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err


def test_python_dash_m_kb_runs_without_importing_sphinx(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "ext")}
    posts = tmp_path / "posts"
    shutil.copytree(POSTS / "seed", posts)
    into = tmp_path / "articles"
    completed = subprocess.run(
        [sys.executable, "-m", "kb", "import", str(posts), "--into", str(into)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "1 imported" in completed.stdout
    assert "ends mid-sentence" in completed.stderr
    assert (into / "2025" / "11" / f"{SEED_SLUG}.md").is_file()

    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, kb.cli\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sphinx'))",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert probe.stdout.strip() == "[]"


# --- failures in the middle of a run ----------------------------------------------


def test_a_write_failing_midway_leaves_no_partial_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    posts, into = tmp_path / "posts", tmp_path / "articles"
    posts.mkdir()
    for day in (1, 2, 3):
        (posts / f"p{day}.md").write_text(
            f"---\ntitle: 投稿{day}\ndate: 2025-11-0{day}\n---\n" + "本文。" * 1000 + "\n",
            encoding="utf-8",
        )
    real_open = atomicfile.os.fdopen
    calls = {"count": 0}

    def failing(*args: Any, **kwargs: Any) -> Any:
        handle = real_open(*args, **kwargs)
        calls["count"] += 1
        if calls["count"] == 2:
            original = handle.write

            def half(data: bytes) -> int:
                original(data[: len(data) // 2])
                raise OSError(28, "No space left on device")

            handle.write = half
        return handle

    monkeypatch.setattr(atomicfile.os, "fdopen", failing)
    code = main(["import", str(posts), "--into", str(into)])
    _, err = capsys.readouterr()
    assert code == 1
    assert "No space left on device" in err and "p2.md" in err
    files = sorted(p.name for p in into.rglob("*") if p.is_file())
    assert files == ["投稿1.md", "投稿3.md"]  # no partial 投稿2.md, no stray temp file
    for name in files:
        assert (into / "2025" / "11" / name).read_text(encoding="utf-8").endswith("本文。\n")
    monkeypatch.undo()
    assert main(["import", str(posts), "--into", str(into)]) == 0
    assert has_summary(capsys.readouterr().out, "1 imported, 2 unchanged")


def test_an_interrupted_run_keeps_what_it_wrote_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    posts, into = tmp_path / "posts", tmp_path / "articles"
    posts.mkdir()
    for day in (1, 2, 3):
        (posts / f"p{day}.md").write_text(
            f"---\ntitle: 投稿{day}\ndate: 2025-11-0{day}\n---\n本文。\n", encoding="utf-8"
        )
    real_replace, real_link = os.replace, os.link
    calls = {"count": 0}

    def interrupt_second(source: Any, target: Any) -> None:
        calls["count"] += 1
        if calls["count"] == 2:
            raise KeyboardInterrupt
        real_link(source, target)

    monkeypatch.setattr(os, "link", interrupt_second)
    assert main(["import", str(posts), "--into", str(into)]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert sorted(p.name for p in into.rglob("*") if p.is_file()) == ["投稿1.md"]
    monkeypatch.setattr(os, "link", real_link)
    assert os.replace is real_replace
    assert main(["import", str(posts), "--into", str(into)]) == 0
    assert has_summary(capsys.readouterr().out, "2 imported, 1 unchanged")
