"""Hostile input to what the build reads: files outside the project, drafts, the page head.

Each group builds small projects for real and looks at every file the build
wrote. A case fails when a byte of a file outside the source folder reaches
the site, a draft's title reaches a page or file other than its own, front
matter writes the page's ``<head>``, the build hangs on a special file, or a
refusal is not reported with its file and line.
"""

from __future__ import annotations

import http.server
import io
import os
import subprocess
import sys
import textwrap
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from kbtesting import REPO, Build, article, build, front_matter, plain, write_project


def warning_lines(built: Build) -> list[str]:
    return plain(built.warnings).splitlines()


def warned_at(built: Build, path: Path, line: int | None, subtype: str) -> list[str]:
    """Warnings of ``[kb.<subtype>]`` located at ``path`` (and ``line`` when given)."""
    where = f"{path}:{line}: " if line is not None else f"{path}: "
    return [
        text
        for text in warning_lines(built)
        if text.startswith(where) and text.endswith(f"[kb.{subtype}]")
    ]


def output_bytes(outdir: Path) -> Iterator[tuple[Path, bytes]]:
    """Every file the build wrote, objects.inv decompressed."""
    for path in sorted(outdir.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.name == "objects.inv":
            data = zlib.decompress(data.split(b"\n", 4)[4])
        yield path, data


def files_holding(outdir: Path, marker: str) -> list[str]:
    needle = marker.encode()
    return [str(path.relative_to(outdir)) for path, data in output_bytes(outdir) if needle in data]


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line of ``text`` holding ``needle``."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in the text")


# --- 1. nothing outside the project is read ------------------------------------------------


def png(width: int, marker: str) -> bytes:
    """A PNG ``width`` pixels wide with ``marker`` after its end (copied files keep it)."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, 3), "white").save(buffer, "PNG")
    return buffer.getvalue() + marker.encode()


#: Relative path from an article in articles/2025/01/ to the folder beside src/.
UP = "../../../../outside"
#: Sphinx reads a path starting with "/" from the source folder; ".." leaves it.
ROOTED = "/../outside"
SECRET_WIDTH = 777


@dataclass(frozen=True)
class Reach:
    """An article body reaching for ``marker``'s file; ``{abs}`` is the outside folder."""

    body: str
    marker: str
    #: Text on the line the warning must name.
    needle: str


def _reach(body: str, marker: str, needle: str | None = None) -> Reach:
    body = textwrap.dedent(body).strip()
    return Reach(body, marker, needle or body.splitlines()[0])


REACHES = {
    "include-relative": _reach(f"```{{include}} {UP}/inc.md\n```", "KBSECRET-inc"),
    "include-literal": _reach(f"```{{include}} {UP}/inc.md\n:literal:\n```", "KBSECRET-inc"),
    "include-rooted": _reach(f"```{{include}} {ROOTED}/inc.md\n```", "KBSECRET-inc"),
    "include-symlink": _reach("```{include} ../../../snippets/link-inc.txt\n```", "KBSECRET-inc"),
    "include-linked-folder": _reach("```{include} /shared/inc.md\n```", "KBSECRET-inc"),
    "include-standard-dotdot": _reach(
        "```{include} <" + "../" * 20 + "{abs}/inc.md>\n```", "KBSECRET-inc"
    ),
    "eval-rst-include": _reach(
        f"```{{eval-rst}}\n.. include:: {UP}/inc.md\n```", "KBSECRET-inc", ".. include::"
    ),
    "literalinclude-relative": _reach(f"```{{literalinclude}} {UP}/lit.txt\n```", "KBSECRET-lit"),
    "literalinclude-rooted": _reach(f"```{{literalinclude}} {ROOTED}/lit.txt\n```", "KBSECRET-lit"),
    "literalinclude-diff": _reach(
        f"```{{literalinclude}} ../../../snippets/in.txt\n:diff: {UP}/lit.txt\n```",
        "KBSECRET-lit",
    ),
    "csv-absolute": _reach("```{csv-table}\n:file: {abs}/table.csv\n```", "KBSECRET-csv"),
    "csv-relative": _reach(f"```{{csv-table}}\n:file: {UP}/table.csv\n```", "KBSECRET-csv"),
    "csv-file-url": _reach("```{csv-table}\n:url: file://{abs}/table.csv\n```", "KBSECRET-csv"),
    "csv-http-url": _reach("```{csv-table}\n:url: {http}/table.csv\n```", "KBSECRET-csv"),
    "raw-absolute": _reach("```{raw} html\n:file: {abs}/page.html\n```", "KBSECRET-raw"),
    "raw-relative": _reach(f"```{{raw}} html\n:file: {UP}/page.html\n```", "KBSECRET-raw"),
    "raw-file-url": _reach("```{raw} html\n:url: file://{abs}/page.html\n```", "KBSECRET-raw"),
    "raw-http-url": _reach("```{raw} html\n:url: {http}/page.html\n```", "KBSECRET-raw"),
    "eval-rst-raw": _reach(
        "```{eval-rst}\n.. raw:: html\n   :file: {abs}/page.html\n```", "KBSECRET-raw", ".. raw::"
    ),
    "markdown-image": _reach(f"前 ![秘密]({UP}/pic.png) 後", "KBSECRET-pic"),
    "markdown-image-rooted": _reach(f"![秘密]({ROOTED}/pic.png)", "KBSECRET-pic"),
    "markdown-image-linked": _reach("![秘密](../../../snippets/link-pic.png)", "KBSECRET-pic"),
    "image-directive": _reach(f"```{{image}} {UP}/pic.png\n```", "KBSECRET-pic"),
    "image-glob": _reach(f"```{{image}} {UP}/pic.*\n```", "KBSECRET-pic"),
    "figure-directive": _reach(
        f"```{{figure}} {UP}/pic.png\n:figwidth: image\n\n説明\n```", "KBSECRET-pic"
    ),
    "figure-width-absolute": _reach(
        "```{figure} {abs}/pic.png\n:figwidth: image\n\n説明\n```", f"{SECRET_WIDTH}px"
    ),
    "download-role": _reach(f"これ {{download}}`秘密 <{UP}/file.txt>` です。", "KBSECRET-file"),
    "download-rooted": _reach(f"{{download}}`{ROOTED}/file.txt`", "KBSECRET-file"),
    "markdown-file-link": _reach(f"[秘密]({UP}/file.txt)", "KBSECRET-file"),
}
#: What stays allowed: the same directives reading files inside the project.
INSIDE_BODY = """
```{include} ../../../snippets/in.md
```

```{literalinclude} ../../../snippets/in.txt
```

```{literalinclude} /snippets/in.txt
:diff: ../../../snippets/in-old.txt
```

```{csv-table}
:file: ../../../snippets/in.csv
```

```{raw} html
:file: {src}/snippets/in.html
```

```{include} ../../../snippets/link-in.md
```

![内部](../../../snippets/in.png)

{download}`内部ファイル <../../../snippets/in-download.txt>`
"""
INSIDE_MARKERS = ("KBINSIDE-md", "KBINSIDE-txt", "KBINSIDE-old", "KBINSIDE-csv", "KBINSIDE-html")


class _Counter(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []  # noqa: RUF012

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        body = b"KBSECRET-csv,KBSECRET-raw\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def http_url() -> Iterator[str]:
    """A server on this machine that answers with secret text and counts every request."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@dataclass
class ReachSite:
    built: Build
    src: Path
    outside: Path
    texts: dict[str, str]
    http: str

    def fill(self, text: str) -> str:
        return text.replace("{abs}", str(self.outside)).replace("{http}", self.http)


def _write_outside(outside: Path) -> None:
    outside.mkdir()
    (outside / "inc.md").write_text("KBSECRET-inc の本文\n", encoding="utf-8")
    (outside / "lit.txt").write_text("KBSECRET-lit\n", encoding="utf-8")
    (outside / "table.csv").write_text("KBSECRET-csv,x\n", encoding="utf-8")
    (outside / "page.html").write_text("<p>KBSECRET-raw</p>\n", encoding="utf-8")
    (outside / "file.txt").write_text("KBSECRET-file\n", encoding="utf-8")
    (outside / "pic.png").write_bytes(png(SECRET_WIDTH, "KBSECRET-pic"))


def _write_snippets(snippets: Path, outside: Path) -> None:
    snippets.mkdir(parents=True, exist_ok=True)
    (snippets / "in.md").write_text("KBINSIDE-md の本文\n", encoding="utf-8")
    (snippets / "in.txt").write_text("KBINSIDE-txt\n", encoding="utf-8")
    (snippets / "in-old.txt").write_text("KBINSIDE-old\n", encoding="utf-8")
    (snippets / "in.csv").write_text("KBINSIDE-csv,y\n", encoding="utf-8")
    (snippets / "in.html").write_text("<p>KBINSIDE-html</p>\n", encoding="utf-8")
    (snippets / "in.png").write_bytes(png(5, "KBINSIDE-png"))
    (snippets / "in-download.txt").write_text("KBINSIDE-download\n", encoding="utf-8")
    (snippets / "link-in.md").symlink_to("in.md")
    (snippets / "link-inc.txt").symlink_to(outside / "inc.md")
    (snippets / "link-pic.png").symlink_to(outside / "pic.png")
    (snippets / "zero.txt").symlink_to("/dev/zero")


@pytest.fixture(scope="module")
def reach_site(tmp_path_factory: pytest.TempPathFactory, http_url: str) -> ReachSite:
    root = tmp_path_factory.mktemp("reach")
    outside = root / "outside"
    _write_outside(outside)
    texts = {
        f"articles/2025/01/{case}.md": article(
            reach.body.replace("{abs}", str(outside)).replace("{http}", http_url),
            title=f"記事-{case}",
            date="2025-01-05",
        )
        for case, reach in REACHES.items()
    }
    inside = INSIDE_BODY.replace("{src}", str(root / "src"))
    texts["articles/2025/01/inside.md"] = article(inside, title="内部", date="2025-01-06")
    # reStructuredText pages read files through the same directives.
    texts["pages/rst-page.rst"] = (
        "rst のページ\n============\n\n"
        ".. include:: ../../outside/inc.md\n\n"
        ".. literalinclude:: ../../outside/lit.txt\n\n"
        ".. include:: ../snippets/in.md\n\n"
        # docutils' own definitions stay readable.
        ".. include:: <isonum.txt>\n\n"
        "Copyright |copy| KBINSIDE-isonum\n"
    )
    src = write_project(
        root,
        texts,
        conf="kb_feed_full_text = True\nkb_cards = False\nsuppress_warnings = ['toc.not_included']\n",
    )
    _write_snippets(src / "snippets", outside)
    (src / "shared").symlink_to(outside, target_is_directory=True)
    return ReachSite(build(src), src, outside, texts, http_url)


@pytest.mark.parametrize("case", list(REACHES))
def test_no_byte_of_an_outside_file_reaches_the_site(reach_site: ReachSite, case: str) -> None:
    reach = REACHES[case]
    path = f"articles/2025/01/{case}.md"
    built = reach_site.built
    assert built.exists(path.removesuffix(".md")), "the article itself is built"
    page = built.page_path(path.removesuffix(".md")).read_text(encoding="utf-8")
    assert reach.marker not in page
    if not reach.marker.startswith("KBSECRET"):
        return
    assert files_holding(built.outdir, reach.marker) == []


@pytest.mark.parametrize("case", list(REACHES))
def test_each_refusal_names_the_file_and_line(reach_site: ReachSite, case: str) -> None:
    path = f"articles/2025/01/{case}.md"
    text = reach_site.texts[path]
    line = line_of(text, reach_site.fill(REACHES[case].needle))
    found = warned_at(reach_site.built, reach_site.src / path, line, "include")
    assert found, [w for w in warning_lines(reach_site.built) if case in w]


def test_no_url_is_fetched_from_the_build_machine(reach_site: ReachSite) -> None:
    assert _Counter.requests == []


def test_a_builder_without_remote_images_downloads_none(tmp_path: Path, http_url: str) -> None:
    text = f"# 表紙\n\n![遠くの画像]({http_url}/remote.png)\n"
    src = write_project(tmp_path, {"index.md": text})
    built = build(src, builder="latex")
    assert not [path for path in _Counter.requests if "remote" in path]
    assert warned_at(built, src / "index.md", 3, "include")


def test_rst_pages_are_held_to_the_same_rule(reach_site: ReachSite) -> None:
    built = reach_site.built
    page = built.page_path("pages/rst-page").read_text(encoding="utf-8")
    assert "KBSECRET" not in page
    assert "KBINSIDE-md" in page
    assert "Copyright \u00a9 KBINSIDE-isonum" in page
    rst = reach_site.src / "pages/rst-page.rst"
    assert warned_at(built, rst, 4, "include") and warned_at(built, rst, 6, "include")
    assert not [w for w in warning_lines(built) if w.startswith(f"{rst}:10:")]


def test_files_inside_the_project_are_still_read(reach_site: ReachSite) -> None:
    built = reach_site.built
    page = built.page_path("articles/2025/01/inside").read_text(encoding="utf-8")
    for marker in INSIDE_MARKERS:
        assert marker in page, marker
    assert page.count("KBINSIDE-md") == 2  # once directly, once through a link inside
    assert files_holding(built.outdir / "_images", "KBINSIDE-png")
    assert files_holding(built.outdir / "_downloads", "KBINSIDE-download")
    inside = reach_site.src / "articles/2025/01/inside.md"
    assert not [w for w in warning_lines(built) if w.startswith(str(inside))]


def test_the_feed_carries_no_outside_text(reach_site: ReachSite) -> None:
    feed = (reach_site.built.outdir / "feeds" / "atom.xml").read_text(encoding="utf-8")
    assert "KBINSIDE-md" in feed  # full text is on
    assert "KBSECRET" not in feed


# --- 8. special files and links are never opened ----------------------------------------


def _socket_file(path: Path) -> None:
    import socket

    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
    finally:
        server.close()


def _limit_memory() -> None:
    import resource

    # /dev/zero read whole would take the machine's memory; 3 GB ends it instead.
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))


SPECIAL_BODY = """
```{include} ../../../snippets/pipe.md
```

```{literalinclude} ../../../snippets/pipe.txt
```

```{literalinclude} ../../../snippets/zero.txt
:lines: 1
```

```{csv-table}
:file: ../../../snippets/pipe.csv
```

```{raw} html
:file: ../../../snippets/pipe.html
```

```{figure} {src}/snippets/pipe.png
:figwidth: image

説明
```

![パイプ](../../../snippets/pipe.png)

{download}`パイプ <../../../snippets/pipe.txt>`
"""


@dataclass
class SpecialSite:
    src: Path
    outdir: Path
    returncode: int
    warnings: list[str]


@pytest.fixture(scope="module")
def special_site(tmp_path_factory: pytest.TempPathFactory) -> SpecialSite:
    """Pipes, a socket, /dev/zero and folder links where documents and included files go.

    Built in a child process with a time limit and a memory limit: before the
    fix, any one of them hung the build or ate the memory.
    """
    root = tmp_path_factory.mktemp("special")
    outside = root / "outside"
    outside.mkdir()
    (outside / "leak.md").write_text(
        front_matter(title="KBSECRET-linked-doc", date="2025-01-01") + "\nKBSECRET-linked-body\n",
        encoding="utf-8",
    )
    (outside / "also.md").write_text("# KBSECRET-folder\n", encoding="utf-8")
    src = write_project(
        root,
        {
            "articles/2025/01/good.md": article("良い記事。", title="良い記事"),
            "articles/2025/01/special.md": article(
                SPECIAL_BODY.replace("{src}", str(root / "src")), title="特殊ファイル"
            ),
        },
        conf="kb_cards = False\n",
    )
    articles = src / "articles" / "2025" / "01"
    os.mkfifo(articles / "pipe.md")
    os.mkfifo(articles / "*.md")
    _socket_file(articles / "socket.md")
    (articles / "zero.md").symlink_to("/dev/zero")
    (articles / "linked.md").symlink_to(outside / "leak.md")
    (src / "articles" / "2025" / "loop").symlink_to("..", target_is_directory=True)
    (src / "articles" / "2025" / "loop-too").symlink_to("..", target_is_directory=True)
    (src / "articles" / "outside").symlink_to(outside, target_is_directory=True)
    snippets = src / "snippets"
    snippets.mkdir()
    for name in ("pipe.md", "pipe.txt", "pipe.csv", "pipe.html", "pipe.png"):
        os.mkfifo(snippets / name)
    (snippets / "zero.txt").symlink_to("/dev/zero")
    outdir = root / "_build" / "html"
    try:
        done = subprocess.run(
            [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(src), str(outdir)],
            capture_output=True,
            text=True,
            # The kb of this checkout, as the tests in this process import it.
            env={
                **os.environ,
                "PYTHONPATH": f"{REPO / 'ext'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
            },
            timeout=300,
            preexec_fn=_limit_memory,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the build did not finish in 300 s")
    return SpecialSite(src, outdir, done.returncode, plain(done.stderr).splitlines())


def test_special_files_never_stop_the_build(special_site: SpecialSite) -> None:
    assert special_site.returncode == 0, special_site.warnings[-20:]
    assert (special_site.outdir / "articles/2025/01/good.html").is_file()
    assert (special_site.outdir / "articles/2025/01/special.html").is_file()
    assert not [line for line in special_site.warnings if "Traceback" in line]


@pytest.mark.parametrize("name", ["pipe.md", "*.md", "socket.md", "zero.md", "linked.md"])
def test_a_special_or_outside_document_is_skipped_by_name(
    special_site: SpecialSite, name: str
) -> None:
    path = special_site.src / "articles/2025/01" / name
    found = [w for w in special_site.warnings if w.startswith(f"{path}: ") and "[kb.source]" in w]
    assert found, special_site.warnings
    assert not (special_site.outdir / "articles/2025/01" / (name[:-3] + ".html")).exists()


@pytest.mark.parametrize("name", ["loop", "loop-too", "../outside"])
def test_a_folder_link_is_not_followed(special_site: SpecialSite, name: str) -> None:
    path = os.path.normpath(special_site.src / "articles/2025" / name)
    assert [w for w in special_site.warnings if w.startswith(path) and "[kb.source]" in w]


def test_no_outside_document_reaches_the_site(special_site: SpecialSite) -> None:
    assert files_holding(special_site.outdir, "KBSECRET") == []


@pytest.mark.parametrize(
    ("needle", "what"),
    [
        ("{include} ../../../snippets/pipe.md", "a named pipe"),
        ("{literalinclude} ../../../snippets/pipe.txt", "a named pipe"),
        ("{literalinclude} ../../../snippets/zero.txt", "outside the source folder"),
        ("{csv-table}", "a named pipe"),
        ("{raw} html", "a named pipe"),
        ("{figure}", "a named pipe"),
        ("![パイプ]", "a named pipe"),
        ("{download}", "a named pipe"),
    ],
)
def test_a_special_file_named_by_text_is_refused_at_its_line(
    special_site: SpecialSite, needle: str, what: str
) -> None:
    path = special_site.src / "articles/2025/01/special.md"
    line = line_of(path.read_text(encoding="utf-8"), needle)
    found = [
        w
        for w in special_site.warnings
        if w.startswith(f"{path}:{line}: ") and what in w and w.endswith("[kb.include]")
    ]
    assert found, [w for w in special_site.warnings if str(path) in w]


# --- 2. one decision about drafts ---------------------------------------------------------

LS, NEL = "\u2028", "\u0085"
LONG = "x" * 17000


def _fm(*lines: str, close: str = "---") -> str:
    return "---\n" + "".join(f"{line}\n" for line in lines) + f"{close}\n\n本文です。\n"


#: Drafts written as valid YAML in every way the quick check did not recognise.
DRAFT_VARIANTS = {
    "double-quoted-key": _fm(
        'title: "DRAFT-double-quoted-key"', "date: 2025-02-01", '"draft": true'
    ),
    "single-quoted-key": _fm("title: DRAFT-single-quoted-key", "date: 2025-02-01", "'draft': yes"),
    "indented-keys": _fm("  title: DRAFT-indented-keys", "  date: 2025-02-01", "  draft: true"),
    "line-separator": _fm(f'title: "DRAFT-line-separator"{LS}draft: true', "date: 2025-02-01"),
    "next-line": _fm(f'title: "DRAFT-next-line"{NEL}draft: true', "date: 2025-02-01"),
    "closed-by-dots": _fm(
        "title: DRAFT-closed-by-dots", "date: 2025-02-01", "draft: true", close="..."
    ),
    "merge-key": _fm("title: DRAFT-merge-key", "date: 2025-02-01", "<<: {draft: true}"),
    "merge-alias": _fm(
        "defaults: &defaults {draft: true}",
        "title: DRAFT-merge-alias",
        "date: 2025-02-01",
        "<<: *defaults",
    ),
    "merge-list": _fm("title: DRAFT-merge-list", "date: 2025-02-01", "<<: [{draft: true}]"),
    "flow-mapping": _fm("{title: DRAFT-flow-mapping, date: 2025-02-01, draft: true}"),
    "escaped-key": _fm("title: DRAFT-escaped-key", "date: 2025-02-01", '"dr\\x61ft": true'),
    "explicit-key": _fm("title: DRAFT-explicit-key", "date: 2025-02-01", "? draft", ": true"),
    "tagged-key": _fm("title: DRAFT-tagged-key", "date: 2025-02-01", "!!str draft: true"),
    "published-quoted": _fm("title: DRAFT-published-quoted", "date: 2025-02-01", '"published": no'),
    "published-indented": _fm(
        "  title: DRAFT-published-indented", "  date: 2025-02-01", "  published: false"
    ),
    "after-16-kb": _fm(
        "title: DRAFT-after-16-kb", "date: 2025-02-01", f"excerpt: {LONG}", "draft: true"
    ),
    "crlf-bom": "\ufeff"
    + _fm("title: DRAFT-crlf-bom", "date: 2025-02-01", "draft: on").replace("\n", "\r\n"),
}
#: Published neighbours: each would be matched by a draft's name read as a pattern.
GLOB_DRAFTS = {
    "a[1].md": "a1.md",
    "*.md": "plain.md",
    "?.md": "b.md",
    "[!x].md": "c.md",
    "[]].md": "].md",
    "d[*].md": "d*.md",
}


def _draft_files() -> dict[str, str]:
    files = {f"articles/2025/02/{case}.md": text for case, text in DRAFT_VARIANTS.items()}
    for index, (draft, published) in enumerate(GLOB_DRAFTS.items()):
        files[f"articles/glob{index}/{draft}"] = article(
            "本文。", title=f"DRAFT-glob-{index}", date="2025-02-02", draft=True
        )
        files[f"articles/glob{index}/{published}"] = article(
            "本文。", title=f"公開-glob-{index}", date="2025-02-03", tags=["公開"]
        )
    files["articles/2025/02/published.md"] = article(
        "本文。", title="公開記事", date="2025-02-04", tags=["公開"]
    )
    return files


@pytest.fixture(scope="module")
def draft_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("drafts")
    src = write_project(root, {})
    for path, text in _draft_files().items():
        target = src / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))  # as written: no newline translation
    return build(src)


@pytest.mark.parametrize("case", list(DRAFT_VARIANTS))
def test_a_draft_in_any_yaml_spelling_is_not_built(draft_site: Build, case: str) -> None:
    assert not draft_site.exists(f"articles/2025/02/{case}")
    assert files_holding(draft_site.outdir, f"DRAFT-{case}") == []
    assert f"articles/2025/02/{case}" not in draft_site.app.env.found_docs


def test_the_record_reader_agrees_the_variants_are_drafts() -> None:
    """The check reads as the article's record does: the same reader decides both."""
    import datetime as dt

    from kb.core.articlemeta import article_meta
    from kb.core.frontmatter import read_front_matter

    for case, text in DRAFT_VARIANTS.items():
        meta = article_meta(read_front_matter(text.replace("\r\n", "\n")), dt.timezone.utc)
        assert meta.draft, case
        assert meta.title == f"DRAFT-{case}", case


@pytest.mark.parametrize("index", range(len(GLOB_DRAFTS)))
def test_a_draft_named_like_a_pattern_excludes_itself_only(draft_site: Build, index: int) -> None:
    draft, published = list(GLOB_DRAFTS.items())[index]
    folder = f"articles/glob{index}"
    assert draft_site.exists(f"{folder}/{published.removesuffix('.md')}")
    assert not (draft_site.outdir / folder / (draft.removesuffix(".md") + ".html")).exists()
    assert files_holding(draft_site.outdir, f"DRAFT-glob-{index}") == []
    assert f"公開-glob-{index}" in "".join(
        text.get_text() for text in draft_site.html("tags/公開").select("article")
    )


def test_drafts_leave_no_warning_and_every_published_article_is_listed(draft_site: Build) -> None:
    assert not [w for w in warning_lines(draft_site) if "DRAFT-" in w]
    listed = draft_site.domain.taxonomy.term("tag", "公開")
    assert len(listed.articles) == len(GLOB_DRAFTS) + 1


# --- 2. preview builds keep a draft to its own page ------------------------------------------

PREVIEW_DRAFT = article(
    """
    (drlabel-kbmark)=
    ## DRSECTION-KBMARK

    ```{index} DRINDEX-KBMARK
    ```

    Nvidia の DRBODY-KBMARK。
    """,
    title="DRTITLE-KBMARK",
    date="2025-03-02",
    tags=["共有タグ"],
    categories=["共有分類"],
    draft=True,
)


@pytest.fixture(scope="module", params=[True, False], ids=["kb-search", "sphinx-search"])
def preview_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("preview")
    src = write_project(
        root,
        {
            "articles/2025/03/draft.md": PREVIEW_DRAFT,
            "articles/2025/03/public.md": article(
                "公開の本文。",
                title="公開記事",
                date="2025-03-01",
                tags=["共有タグ"],
                categories=["共有分類"],
            ),
        },
        conf=f"kb_search = {request.param}\nkb_cards = False\n",
        with_glossary=True,
    )
    return build(src, confoverrides={"kb_drafts": "build"})


def test_a_preview_builds_the_draft_page(preview_site: Build) -> None:
    page = preview_site.html("articles/2025/03/draft")
    assert "DRTITLE-KBMARK" in page.find("h1").get_text()
    assert "DRBODY-KBMARK" in page.get_text()


@pytest.mark.parametrize(
    "marker",
    [
        "DRTITLE-KBMARK",
        "DRSECTION-KBMARK",
        "drlabel-kbmark",
        "DRINDEX-KBMARK",
        "DRBODY-KBMARK",
        "articles/2025/03/draft",
    ],
)
def test_a_preview_keeps_the_draft_out_of_every_shared_file(
    preview_site: Build, marker: str
) -> None:
    own_page = preview_site.page_path("articles/2025/03/draft")
    holding = [
        name
        for name in files_holding(preview_site.outdir, marker)
        if preview_site.outdir / name != own_page
    ]
    assert holding == []


def test_a_preview_links_no_other_page_to_the_draft(preview_site: Build) -> None:
    for path in preview_site.outdir.rglob("*.html"):
        if path == preview_site.page_path("articles/2025/03/draft"):
            continue
        assert 'draft.html"' not in path.read_text(encoding="utf-8"), path


def test_an_article_that_becomes_a_draft_leaves_the_site(tmp_path: Path) -> None:
    text = article("本文。", title="KBMARK-later-draft", date="2025-04-01", tags=["共有"])
    src = write_project(
        tmp_path,
        {
            "articles/2025/04/later.md": text,
            "articles/2025/04/stays.md": article(
                "本文。", title="残る", date="2025-04-02", tags=["共有"]
            ),
        },
    )
    first = build(src)
    assert first.exists("articles/2025/04/later")
    assert files_holding(first.outdir, "KBMARK-later-draft")
    (src / "articles/2025/04/later.md").write_text(
        text.replace("tags:", "draft: true\ntags:"), encoding="utf-8"
    )
    second = build(src)
    assert not second.exists("articles/2025/04/later")
    assert not (second.outdir / "_sources/articles/2025/04/later.md.txt").exists()
    assert files_holding(second.outdir, "KBMARK-later-draft") == []
    assert "articles/2025/04/later" not in second.app.env.all_docs


# --- 5. front matter cannot write the page's head -------------------------------------------

REFRESH = '{"http-equiv=refresh": "0; url=https://evil.example/"}'
OG_IMAGE = '{"property=og:image": "https://evil.example/card.png"}'
HEAD_VARIANTS = {
    "refresh": ("html_meta: " + REFRESH,),
    "og-image": ("html_meta: " + OG_IMAGE,),
    "quoted-key": ('"html_meta": ' + REFRESH,),
    "escaped-key": ('"html\\x5fmeta": ' + REFRESH,),
    "merge-key": ("<<: {html_meta: " + REFRESH + "}",),
    "merge-alias": ("head: &head {html_meta: " + REFRESH + "}", "<<: *head"),
    "under-myst": ("myst: {html_meta: " + REFRESH + "}",),
    "under-escaped-myst": ('"m\\x79st": {html_meta: ' + REFRESH + "}",),
    "myst-alias": ("settings: &settings {html_meta: " + REFRESH + "}", "myst: *settings"),
    "block-style": ("html_meta:", '  "http-equiv=refresh": "0; url=https://evil.example/"'),
}


def _head_article(case: str, lines: tuple[str, ...]) -> str:
    return _fm(f"title: 頭-{case}", "date: 2025-05-01", *lines)


@pytest.fixture(scope="module")
def head_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("head")
    files = {
        f"articles/2025/05/{case}.md": _head_article(case, lines)
        for case, lines in HEAD_VARIANTS.items()
    }
    files["glossary/partners/zz-head.md"] = _fm("name: 頭の項目", "html_meta: " + REFRESH)
    files["pages/plain.md"] = _fm(
        'html_meta: {"description lang=en": "A page of the site"}', close="---"
    ).replace("本文です。", "# 普通のページ\n\n本文。")
    return build(
        write_project(
            root, files, conf="suppress_warnings = ['toc.not_included']\n", with_glossary=True
        )
    )


@pytest.mark.parametrize("case", list(HEAD_VARIANTS))
def test_front_matter_writes_no_head_markup(head_site: Build, case: str) -> None:
    page = head_site.html(f"articles/2025/05/{case}")
    assert "evil.example" not in str(page)
    assert page.find("meta", attrs={"http-equiv": True}) is None
    images = [meta["content"] for meta in page.find_all("meta", property="og:image")]
    assert images == [f"https://kb.example.org/_kb/cards/articles/2025/05/{case}.png"]


@pytest.mark.parametrize("case", list(HEAD_VARIANTS))
def test_a_head_key_set_aside_is_reported_at_its_line(head_site: Build, case: str) -> None:
    path = head_site.srcdir / f"articles/2025/05/{case}.md"
    text = path.read_text(encoding="utf-8")
    keys = ("html_meta:", '"html_meta":', '"html\\x5fmeta":', "<<:", "myst:", '"m\\x79st":')
    line = next(n for n, written in enumerate(text.splitlines(), 1) if written.startswith(keys))
    found = [
        w
        for w in warned_at(head_site, path, line, "front_matter")
        if "is ignored" in w and ("'html_meta'" in w or "'myst'" in w)
    ]
    assert found, [w for w in warning_lines(head_site) if case in w]


def test_a_glossary_entry_writes_no_head_markup(head_site: Build) -> None:
    page = head_site.html("glossary/partners/zz-head")
    assert "evil.example" not in str(page)


def test_a_page_that_is_not_an_article_keeps_its_html_meta(head_site: Build) -> None:
    page = head_site.html("pages/plain")
    assert page.find("meta", attrs={"name": "description", "lang": "en"}) is not None
