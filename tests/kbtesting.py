"""Helpers for tests: write a small Sphinx project, build it for real, read the HTML.

Two ways to build, both real Sphinx builds in this process:

- a fixed small project lives under ``tests/roots/test-<name>/`` and is built by
  Sphinx's own fixtures: ``@pytest.mark.sphinx("html", testroot="<name>")`` and the
  ``app`` fixture, read with ``built(app)``;
- a project a test makes up (a parameter, a hostile input, a generated or
  hypothesis-drawn set of articles, a second build after an edit) is written with
  ``write_project`` and built with ``build``, which is what most tests do.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import textwrap
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

REPO = Path(__file__).resolve().parent.parent

DEFAULT_CONF = """
extensions = ["myst_parser", "sphinx_design", "kb"]
project = "テストKB"
language = "ja"
html_theme = "furo"
html_baseurl = "https://kb.example.org/"
exclude_patterns = ["_build", "_data"]
html_sidebars = {"**": ["sidebar/brand.html", "sidebar/search.html", "sidebar/scroll-start.html",
                        "kb/sidebar-nav.html", "sidebar/scroll-end.html"]}
"""

DEFAULT_INDEX = """# テストKB

```{kb-latest}
:count: 3
```
"""


def front_matter(**fields: Any) -> str:
    """YAML front matter from keyword arguments (lists as flow sequences, text quoted)."""
    lines = ["---"]
    for key, value in fields.items():
        if isinstance(value, (list, tuple)):
            items = ", ".join(_quote(item) for item in value)
            lines.append(f"{key}: [{items}]")
        elif isinstance(value, bool):
            lines.append(f"{key}: {'true' if value else 'false'}")
        elif isinstance(value, int):
            lines.append(f"{key}: {value}")
        else:
            lines.append(f"{key}: {_quote(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def _quote(value: Any) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def article(body: str = "本文です。", **fields: Any) -> str:
    fields.setdefault("title", "テスト記事")
    fields.setdefault("date", "2025-11-07 02:11:09 +0000")
    return front_matter(**fields) + "\n" + textwrap.dedent(body).strip() + "\n"


def write_project(
    root: Path,
    files: dict[str, str],
    conf: str = "",
    index: str | None = DEFAULT_INDEX,
    with_glossary: bool = False,
) -> Path:
    """A Sphinx project in ``root/src``; ``files`` maps paths to their text."""
    src = root / "src"
    src.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(DEFAULT_CONF + textwrap.dedent(conf), encoding="utf-8")
    if index is not None and "index.md" not in files:
        (src / "index.md").write_text(index, encoding="utf-8")
    if with_glossary:
        shutil.copytree(REPO / "docs" / "glossary", src / "glossary", dirs_exist_ok=True)
    for path, text in files.items():
        target = src / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return src


@dataclass(frozen=True)
class Server:
    """The tests' web server (conftest's ``http_server``): it serves pytest's temporary
    folder, where every test writes and builds its sites."""

    root: Path
    base: str

    def url(self, folder: Path) -> str:
        """The address of ``folder`` (a built site inside the temporary folder), ending in /."""
        relative = folder.resolve().relative_to(self.root).as_posix()
        return self.base if relative == "." else f"{self.base}{quote(relative)}/"


@contextlib.contextmanager
def checked_page(browser: Any, **options: Any) -> Iterator[Any]:
    """A new page of conftest's ``browser`` (``options`` as ``new_page`` takes them) that
    must end without a script error: what its scripts throw is kept in ``page.errors``,
    and a block that ends normally fails when there is any. The page is closed."""
    page = browser.new_page(**options)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    try:
        yield page
    finally:
        page.close()
    assert not errors, errors


@dataclass
class Build:
    srcdir: Path
    outdir: Path
    warnings: str
    status: str
    app: SphinxTestApp

    def html(self, pagename: str) -> BeautifulSoup:
        return BeautifulSoup(self.page_path(pagename).read_text(encoding="utf-8"), "html.parser")

    def page_path(self, pagename: str) -> Path:
        return Path(self.app.builder.get_output_path(pagename))

    def exists(self, pagename: str) -> bool:
        return self.page_path(pagename).is_file()

    @property
    def domain(self) -> Any:
        return self.app.env.get_domain("kb")


def build(
    srcdir: Path,
    builder: str = "html",
    parallel: int = 0,
    builddir: Path | None = None,
    confoverrides: dict[str, Any] | None = None,
    fresh: bool = False,
) -> Build:
    """Build ``srcdir`` with Sphinx in this process; repeated calls are incremental."""
    builddir = builddir or srcdir.parent / "_build"
    status, warning = StringIO(), StringIO()
    app = SphinxTestApp(
        builder,
        srcdir=srcdir,
        builddir=builddir,
        status=status,
        warning=warning,
        parallel=parallel,
        confoverrides=confoverrides or {},
        freshenv=fresh,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return Build(srcdir, Path(app.outdir), warning.getvalue(), status.getvalue(), app)


def built(app: SphinxTestApp) -> Build:
    """Build the project of Sphinx's ``app`` fixture (a test root) and read it as ``build``
    does; Sphinx's global state is cleaned up at once, so a second app may follow."""
    try:
        app.build()
    finally:
        app.cleanup()
    return Build(
        Path(app.srcdir), Path(app.outdir), app.warning.getvalue(), app.status.getvalue(), app
    )


def missing(reason: str) -> NoReturn:
    """Skip a test that needs something this machine lacks; under CI (``CI=true``), where
    .ci/run installs everything the tests use, fail it."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: .ci/run installs it, so CI must run these tests)")
    pytest.skip(reason)


def env_with_tests_on_path() -> dict[str, str]:
    """The environment of a Python subprocess that imports these helpers: the tests'
    folder on its path, as pytest's ``pythonpath`` setting puts it on this one's."""
    paths = [str(REPO / "tests"), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in paths if path)}


def text_of(soup: BeautifulSoup, selector: str) -> list[str]:
    return [element.get_text(" ", strip=True) for element in soup.select(selector)]


def spec_fold(text: str) -> str:
    """The README's folding rule, written out here rather than imported from kb: full-width
    ASCII to ASCII, Latin letters lower-cased, white space as a space; one character for
    one, so positions in the folded text are positions in the original."""
    folded = []
    for char in text:
        if char.isspace():
            folded.append(" ")
            continue
        if 0xFF01 <= ord(char) <= 0xFF5E:
            char = chr(ord(char) - 0xFEE0)
        if _spec_latin(char) and len(char.lower()) == 1:
            char = char.lower()
        folded.append(char)
    return "".join(folded)


def _spec_latin(char: str) -> bool:
    return char.isascii() or unicodedata.name(char, "").startswith("LATIN")


def _spec_word_char(char: str) -> bool:
    """Latin letters and digits: a Latin name is never found glued to one."""
    return char.isalnum() and _spec_latin(char)


def leftmost_longest(linker: Any, text: str) -> list[tuple[int, int, str]]:
    """The specification of find(): try every span, leftmost first, longest first."""
    folded = spec_fold(text)
    is_word_char = _spec_word_char
    found, position = [], 0
    while position < len(text):
        for end in range(len(text), position, -1):
            span = folded[position:end]
            if span not in linker.words:
                continue
            if is_word_char(span[0]) and position > 0 and is_word_char(folded[position - 1]):
                continue
            if is_word_char(span[-1]) and end < len(text) and is_word_char(folded[end]):
                continue
            found.append((position, end, linker.words[span][0]))
            position = end
            break
        else:
            position += 1
    return found


def seed_text() -> str:
    """The seed article, as imported into the repository's docs."""
    imported = sorted((REPO / "docs" / "articles" / "2025" / "11").glob("*.md"))
    assert imported, "the seed article docs/articles/2025/11/*.md is missing"
    return imported[0].read_text(encoding="utf-8")


def has_summary(out: str, expected: str) -> bool:
    """True when the import summary line of ``out`` starts with ``expected`` exactly:
    anchored at the start of a line, so ``1 imported`` never matches ``11 imported``."""
    prefix = r"(?:dry run, nothing written: )?"
    return re.search(rf"(?m)^{prefix}{re.escape(expected)}(?:,|$)", out) is not None


def plain(text: str) -> str:
    """Sphinx's status output without its colour codes."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
