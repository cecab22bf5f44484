"""``kb import`` against a hostile or careless site: it reads only what the site owns, and so much.

Each case that could hang or exhaust memory runs ``kb import`` in a child
process with a timeout and a memory limit, and reports the seconds and the
peak memory it took.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kb.cli import main as kb_main
from kbtesting import REPO, build, write_project

#: Far more than any of these imports needs; a YAML alias bomb expanded into
#: text, or /dev/zero read into memory, goes past it.
MEMORY_LIMIT = 1024 * 1024 * 1024
TIMEOUT = 60


def _site(root: Path, posts: dict[str, str], config: str = "title: t\n") -> Path:
    (root / "_posts").mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text(config, encoding="utf-8")
    for name, text in posts.items():
        (root / "_posts" / name).write_text(text, encoding="utf-8")
    return root


def _post(title: str = "題", body: str = "本文です。", **extra: str) -> str:
    lines = "".join(f"{key}: {value}\n" for key, value in extra.items())
    return f"---\ntitle: {title}\n{lines}---\n\n{body}\n"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _run_import(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """``kb import`` in a child process: (process, seconds, peak memory in MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    process = subprocess.run(
        [sys.executable, "-m", "kb", "import", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=_limit_memory,
        env={**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", str(REPO / "ext"))},
    )
    seconds = time.perf_counter() - start
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) // 1024
    print(f"kb import {' '.join(args)}: {seconds:.2f} s, peak {peak} MB (children so far)")
    return process, seconds, peak


def test_a_link_in_posts_leading_out_of_the_site_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "secret.md"
    secret.parent.mkdir()
    secret.write_text(_post("秘密", "外の秘密の本文。"), encoding="utf-8")
    site = _site(tmp_path / "site", {"2020-01-01-ok.md": _post("よい記事")})
    (site / "_posts" / "2020-01-02-leak.md").symlink_to(secret)
    (site / "_posts" / "more").symlink_to(secret.parent, target_is_directory=True)
    into = tmp_path / "articles"
    process, _, _ = _run_import(str(site), "--into", str(into), cwd=tmp_path)
    assert process.returncode == 0, process.stderr
    assert "2020-01-02-leak.md: warning: is a link to" in process.stderr
    assert "outside the site; not read" in process.stderr
    assert "_posts/more: warning: is a link to" in process.stderr
    texts = [path.read_text(encoding="utf-8") for path in into.rglob("*.md")]
    assert len(texts) == 1 and not any("外の秘密" in text for text in texts)


def test_a_fifo_and_a_link_to_dev_zero_are_passed_over_without_hanging(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", {"2020-01-01-ok.md": _post("よい記事")})
    os.mkfifo(site / "_posts" / "2020-01-02-fifo.md")
    (site / "_posts" / "2020-01-03-zero.md").symlink_to("/dev/zero")
    loose = tmp_path / "loose"
    loose.mkdir()
    os.mkfifo(loose / "pipe.md")
    into = tmp_path / "articles"
    process, _, peak = _run_import(str(site), str(loose), "--into", str(into), cwd=tmp_path)
    assert "2020-01-02-fifo.md: warning: is not a regular file" in process.stderr
    assert "2020-01-03-zero.md: warning: is a link to /dev/zero, outside the site" in process.stderr
    assert "pipe.md: warning: is not a regular file" in process.stderr
    assert [path.name for path in into.rglob("*.md")] == ["ok.md"]
    assert peak < MEMORY_LIMIT // (1024 * 1024)


def test_dev_zero_named_on_the_command_line_is_refused(tmp_path: Path) -> None:
    (tmp_path / "zero.md").symlink_to("/dev/zero")
    process, _, _ = _run_import(str(tmp_path / "zero.md"), "--into", str(tmp_path / "a"), cwd=tmp_path)
    assert process.returncode == 1
    assert "zero.md: error: is not a regular file" in process.stderr


def test_a_post_larger_than_kb_reads_is_refused(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", {"2020-01-01-ok.md": _post("よい記事")})
    huge = site / "_posts" / "2020-01-02-huge.md"
    with huge.open("wb") as handle:
        handle.write(b"---\ntitle: big\n---\n")
        handle.truncate(9 * 1024 * 1024)  # sparse: no disk used
    process, _, _ = _run_import(str(site), "--into", str(tmp_path / "a"), cwd=tmp_path)
    assert "2020-01-02-huge.md: warning: is 9,437,184 bytes, more than the" in process.stderr


BOMB = """\
---
title: 爆弾
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
categories: [*h, *h, *h, *h, *h, *h, *h, *h, *h]
---

本文です。
"""


def test_a_yaml_alias_bomb_in_categories_is_not_expanded(tmp_path: Path) -> None:
    # 9 levels of 9: 387,420,489 strings if expanded into text.
    site = _site(tmp_path / "site", {"2020-01-01-bomb.md": BOMB})
    into = tmp_path / "articles"
    process, seconds, peak = _run_import(str(site), "--into", str(into), cwd=tmp_path)
    assert process.returncode == 0, process.stderr[-2000:]
    [article] = list(into.rglob("*.md"))
    assert "本文です。" in article.read_text(encoding="utf-8")
    assert "categories: 9 items are not names" in process.stderr
    print(f"alias bomb of 9 levels: {seconds:.2f} s, peak {peak} MB")


def test_control_characters_in_names_and_text_are_escaped_when_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site(
        tmp_path / "site",
        {
            # YAML's own escapes: \e is ESC, \a is BEL.
            "2020-01-01-\x1b[2J\x07bell.md": _post('"題\\e]0;title\\a"'),
            "2020-01-02-ok.md": _post("よい", "**\x1b[31mRed\x1b[0m** と **Red** と **Red**。"),
        },
    )
    into = tmp_path / "docs" / "articles"
    status = kb_main(["import", str(site), "--into", str(into)])
    out, err = capsys.readouterr()
    assert status == 0
    for stream in (out, err):
        assert "\x1b" not in stream and "\x07" not in stream
    assert "\\x1b[2J\\x07bell.md" in out
    glossary = tmp_path / "docs" / "glossary"
    glossary.mkdir()
    kb_main(["glossary", "suggest", str(into), "--glossary", str(glossary), "--min-count", "1"])
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "\\x1b[31mRed" in out


def test_head_markup_keys_are_not_copied_into_the_article(tmp_path: Path) -> None:
    post = textwrap.dedent(
        """\
        ---
        title: 頭
        html_meta:
          "http-equiv=refresh": "0; url=https://evil.example/"
          "property=og:image": "https://evil.example/x.png"
        myst:
          html_meta:
            "http-equiv=refresh": "0; url=https://evil.example/"
        ---

        本文です。
        """
    )
    site = _site(tmp_path / "site", {"2020-01-01-head.md": post})
    src = write_project(tmp_path / "project", {})
    report_status = kb_main(["import", str(site), "--into", str(src / "articles")])
    assert report_status == 0
    [article] = list((src / "articles").rglob("*.md"))
    text = article.read_text(encoding="utf-8")
    assert "\nhtml_meta:" not in text and "\nmyst:" not in text
    assert "# html_meta:" in text  # kept, as a comment, not lost
    built = build(src)
    page = built.page_path("articles/2020/01/head").read_text(encoding="utf-8")
    assert "evil.example" not in page


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("index.html", "not a feed file name"),
        ("robots.txt", "not a feed file name"),
        ("sitemap.xml", "kb writes its own file there"),
        ("../../etc/feed.xml", "cannot be a file of the site"),
        ("feed\x1b.xml", "cannot be a file of the site"),
        ("2020/01/01/clash.xml", "an imported post's redirect page is there"),
    ],
)
def test_an_unsafe_or_taken_feed_path_is_not_proposed_as_feed_alias(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], path: str, why: str
) -> None:
    site = _site(
        tmp_path / "site",
        {"2020-01-01-clash.xml.md": _post("衝突", permalink="/2020/01/01/clash.xml")},
        config=f"title: t\nfeed:\n  path: {json.dumps(path)}\n",
    )
    kb_main(["import", str(site), "--into", str(tmp_path / "articles")])
    out, _ = capsys.readouterr()
    assert "kb_feed_alias =" not in out
    assert why in out


def test_the_feed_hint_is_the_feed_the_site_linked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site(tmp_path / "site", {"2020-01-01-a.md": _post()}, config="title: t\nurl: https://x.example\n")
    (site / "_layouts").mkdir()
    (site / "_layouts" / "default.html").write_text(
        '<link rel="alternate" type="application/rss+xml" href="{{ site.url }}/rss.xml">',
        encoding="utf-8",
    )
    kb_main(["import", str(site), "--into", str(tmp_path / "articles")])
    out, _ = capsys.readouterr()
    assert 'set kb_feed_alias = "rss.xml"' in out
