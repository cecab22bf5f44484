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
import textwrap
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from kbtesting import Build, article, build, plain, write_project


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
