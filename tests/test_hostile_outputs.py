"""Hostile input against what the build writes: one owner per output path, legal names
always written, control characters and wrong shapes refused, work linear in bad input.

Each case builds a real project (clean, then again incrementally where the order of
builds could matter) and reads the files a reader gets and the warnings the editor gets.
A case fails when a kb output replaces another output or a page, when a legal name stops
the build, when a control character reaches a file name, or when a refusal is reported
without its file and line.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import unicodedata
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from kb.pictures import cardfont, cards
from kbtesting import Build, article, build, env_with_tests_on_path, plain, write_project

needs_font = pytest.mark.skipif(
    not os.path.isfile(cardfont.FONT_FILE) and os.environ.get("CI") != "true",
    reason=f"the pinned card font {cardfont.FONT_FILE} is not installed",
)

REFRESH = 'http-equiv="refresh"'
#: The front matter line of ``redirect_from`` in an article written by :func:`moved`.
REDIRECT_LINE = 4


def moved(*urls: str, title: str = "移った記事", date: str = "2025-11-01", **fields: object) -> str:
    """An article whose third key (file line 4) is ``redirect_from``."""
    return article(title=title, date=date, redirect_from=list(urls), **fields)


def kb_warnings(result: Build, subtype: str | None = None) -> list[str]:
    lines = plain(result.warnings).splitlines()
    marker = f"[kb.{subtype}]" if subtype else "[kb."
    return [line for line in lines if marker in line]


def warned_at(result: Build, path: str, line: int, *words: str, subtype: str = "redirect") -> list[str]:
    """The kb warnings located at ``path:line`` of the source folder that hold every word."""
    prefix = f"{result.srcdir / path}:{line}: "
    return [
        warning
        for warning in kb_warnings(result, subtype)
        if warning.startswith(prefix) and all(word in warning for word in words)
    ]


def is_redirect_page(path: Path) -> bool:
    return path.is_file() and REFRESH in path.read_text(encoding="utf-8", errors="replace")


def file_names(outdir: Path) -> list[str]:
    return [path.relative_to(outdir).as_posix() for path in outdir.rglob("*")]


# --- 4. one owner per output path ----------------------------------------------------

#: Each output of the site a redirect may try to take, and what the file really is.
TAKEN: dict[str, str] = {
    "robots.txt": "User-agent: *",
    "sitemap.xml": "<urlset",
    "feed.xml": "<feed",  # kb_feed_alias
    "feeds/atom.xml": "<feed",
    "feeds/tags/ai.xml": "<feed",
    "_kb/cards/articles/2025/11/m.png": "PNG",
    "tags/index.html": "タグ",
    "index.html": "ホーム",
    "articles/2025/11/m.html": "本文M",
    "genindex.html": "<html",
    "search.html": "<html",
    "objects.inv": "Sphinx inventory",
    "searchindex.js": "Search.setIndex",
    "_static/kb.css": "",
    "kb-search/index.js": "KbSearch",
    ".kb-outputs.json": '"files"',
    "extra.txt": "extra file of the project",
}
OWNED_CONF = 'kb_feed_alias = "feed.xml"\nhtml_extra_path = ["extra"]\n'


def _owned_files(holder: str, with_redirects: bool = True) -> dict[str, str]:
    urls = [f"/{path}" for path in TAKEN] if with_redirects else []
    return {
        f"articles/2025/11/{holder}.md": moved(*urls, title="転送元の記事"),
        "articles/2025/11/m.md": article("本文M", title="記事M", date="2025-11-02", tags=["AI"]),
        "index.md": "# ホーム\n",
        "extra/extra.txt": "extra file of the project\n",
    }


def _snapshot(result: Build) -> dict[str, bytes]:
    return {path: (result.outdir / path).read_bytes() for path in TAKEN}


@pytest.fixture(scope="module", params=["a", "z"])
def owned(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The redirects in an article that sorts before ("a") or after ("z") the article
    whose card and page they aim at; built clean, again, and added to a built site."""
    holder = request.param
    clean_root = tmp_path_factory.mktemp(f"owned-{holder}")
    src = write_project(clean_root, _owned_files(holder), conf=OWNED_CONF)
    clean = build(src)
    again = build(src)
    late_root = tmp_path_factory.mktemp(f"owned-late-{holder}")
    late_src = write_project(late_root, _owned_files(holder, with_redirects=False), conf=OWNED_CONF)
    build(late_src)
    write_project(late_root, _owned_files(holder), conf=OWNED_CONF)
    late = build(late_src)
    return holder, clean, again, late


@needs_font
@pytest.mark.parametrize("target", sorted(TAKEN))
def test_a_redirect_never_takes_another_outputs_path(owned, target: str) -> None:
    holder, clean, again, late = owned
    for result in (clean, again, late):
        path = result.outdir / target
        assert path.is_file(), target
        assert not is_redirect_page(path), target
        assert TAKEN[target].encode() in path.read_bytes(), target
        # The URL exactly ("/index.html" is not "/tags/index.html"), quoted or not.
        exact = re.compile(rf"redirect_from '?/{re.escape(target)}'?: not written")
        found = [
            line
            for line in warned_at(result, f"articles/2025/11/{holder}.md", REDIRECT_LINE)
            if exact.search(line)
        ]
        assert len(found) == 1, (target, kb_warnings(result))
    assert _snapshot(clean)[target] == _snapshot(again)[target]
    if target not in (".kb-outputs.json", "searchindex.js", "objects.inv"):
        # Files that do not name the build folder are the same however they were reached.
        assert _snapshot(clean)[target] == _snapshot(late)[target]


@needs_font
def test_the_redirects_that_do_not_collide_are_still_written(owned) -> None:
    _, clean, again, late = owned
    for result in (clean, again, late):
        # "/tags/index.html" and friends were refused, but the article's page is fine.
        assert (result.outdir / "articles/2025/11/m.html").is_file()
        assert not any(is_redirect_page(result.outdir / path) for path in TAKEN)


def _alias_site(tmp_path: Path, alias: str) -> Build:
    files = {
        # Tagged, so that tags/index.html is a page kb writes.
        "articles/2025/11/a.md": article(title="記事A", date="2025-11-01", tags=["AI"]),
        "articles/2025/11/b.md": article(title="記事B", date="2025-11-02"),
    }
    conf = f"kb_feed_alias = {alias!r}\nkb_cards = True\n"
    return build(write_project(tmp_path, files, conf=conf))


@needs_font
@pytest.mark.parametrize(
    ("alias", "kept"),
    [
        ("index.html", b"<html"),
        ("/index.html", b"<html"),
        ("articles/2025/11/a.html", b"<html"),
        ("sitemap.xml", b"<urlset"),
        ("robots.txt", b"User-agent"),
        ("feeds/atom.xml", b"<feed"),
        ("tags/index.html", b"<html"),
        ("_static/kb.css", b""),
        ("genindex.html", b"<html"),
    ],
)
def test_the_feed_alias_never_replaces_a_page_or_another_output(
    tmp_path: Path, alias: str, kept: bytes
) -> None:
    first = _alias_site(tmp_path, alias)
    again = build(first.srcdir)
    relative = alias.lstrip("/")
    for result in (first, again):
        data = (result.outdir / relative).read_bytes()
        assert kept in data
        if relative != "feeds/atom.xml":
            assert b"<feed" not in data, relative
        found = [w for w in kb_warnings(result, "output") if "kb_feed_alias" in w]
        assert len(found) == 1 and repr(alias) in found[0] and "not written" in found[0], found


@needs_font
def test_the_feed_alias_keeps_a_path_a_card_wanted(tmp_path: Path) -> None:
    """The alias outranks a card: the card is refused with the article's file and line."""
    result = _alias_site(tmp_path, "_kb/cards/articles/2025/11/a.png")
    assert b"<feed" in (result.outdir / "_kb/cards/articles/2025/11/a.png").read_bytes()
    assert (result.outdir / "_kb/cards/articles/2025/11/b.png").read_bytes().startswith(b"\x89PNG")
    found = warned_at(result, "articles/2025/11/a.md", 2, "social card", subtype="output")
    assert len(found) == 1, kb_warnings(result)
    again = build(result.srcdir)
    assert b"<feed" in (again.outdir / "_kb/cards/articles/2025/11/a.png").read_bytes()
    assert len(warned_at(again, "articles/2025/11/a.md", 2, "social card", subtype="output")) == 1


def _crawler_files(result: Build, sitemap: bool) -> tuple[bytes, bytes]:
    robots, site_map = result.outdir / "robots.txt", result.outdir / "sitemap.xml"
    if sitemap:
        assert robots.read_text(encoding="utf-8").startswith("User-agent: *")
        assert site_map.read_text(encoding="utf-8").count("<urlset") == 1
        for url in ("'/robots.txt'", "'/sitemap.xml'"):
            assert len(warned_at(result, "articles/2025/11/a.md", 4, url, "kb_sitemap")) == 1
    else:
        assert is_redirect_page(robots) and is_redirect_page(site_map)
        assert not kb_warnings(result, "redirect")
    return robots.read_bytes(), site_map.read_bytes()


@pytest.mark.parametrize("sitemap_first", [True, False])
def test_robots_txt_is_the_same_whichever_build_came_first(
    tmp_path: Path, sitemap_first: bool
) -> None:
    """A redirect from /robots.txt while kb_sitemap was off, then on (or the reverse):
    each build gives what a clean build with the same settings gives."""
    files = {"articles/2025/11/a.md": moved("/robots.txt", "/sitemap.xml")}
    conf = "kb_cards = False\n"
    clean = {
        sitemap: _crawler_files(
            build(
                write_project(tmp_path / f"clean-{sitemap}", files, conf=conf),
                confoverrides={"kb_sitemap": sitemap},
            ),
            sitemap,
        )
        for sitemap in (True, False)
    }
    src = write_project(tmp_path / "inc", files, conf=conf)
    order = [True, False, True] if sitemap_first else [False, True, False]
    for sitemap in order:
        result = build(src, confoverrides={"kb_sitemap": sitemap})
        assert _crawler_files(result, sitemap) == clean[sitemap]


def test_two_articles_redirecting_from_one_path_first_by_name_keeps_it(tmp_path: Path) -> None:
    files = {
        "articles/2025/11/b.md": moved("/old/x.html", title="記事B"),
        "articles/2025/11/a.md": moved("/old/x.html", title="記事A"),
    }
    src = write_project(tmp_path, files, conf="kb_cards = False\n")
    for result in (build(src), build(src)):
        assert "記事A" in (result.outdir / "old/x.html").read_text(encoding="utf-8")
        assert len(warned_at(result, "articles/2025/11/b.md", 4, "articles/2025/11/a redirects")) == 1
        assert not warned_at(result, "articles/2025/11/a.md", 4)


def test_a_new_page_where_a_redirect_was_is_kept_not_deleted(tmp_path: Path) -> None:
    files = {"articles/2025/11/a.md": moved("/articles/2025/11/new.html")}
    src = write_project(tmp_path, files, conf="kb_cards = False\n")
    first = build(src)
    assert is_redirect_page(first.outdir / "articles/2025/11/new.html")
    write_project(tmp_path, {"articles/2025/11/new.md": article("新しい本文", title="新記事")})
    second = build(src)
    page = second.outdir / "articles/2025/11/new.html"
    assert page.is_file() and "新しい本文" in page.read_text(encoding="utf-8")
    assert len(warned_at(second, "articles/2025/11/a.md", 4, "a page of this site")) == 1


def test_an_extra_file_added_where_a_redirect_was_is_the_projects(tmp_path: Path) -> None:
    files = {"articles/2025/11/a.md": moved("/extra.html")}
    conf = 'kb_cards = False\nhtml_extra_path = ["extra"]\n'
    src = write_project(tmp_path, files, conf=conf)
    assert is_redirect_page(build(src).outdir / "extra.html")
    write_project(tmp_path, {"extra/extra.html": "<p>the project's own</p>\n"}, conf=conf)
    for result in (build(src), build(src)):
        assert (result.outdir / "extra.html").read_text(encoding="utf-8") == (
            "<p>the project's own</p>\n"
        )
        assert len(warned_at(result, "articles/2025/11/a.md", 4, "html_extra_path")) == 1


def test_an_article_moved_leaves_its_redirect_where_its_page_was(tmp_path: Path) -> None:
    """Renaming an article and listing its old URL: the redirect replaces the old page
    on an incremental build as on a clean one."""
    src = write_project(tmp_path, {"articles/2025/11/old.md": article(title="旧")}, conf="kb_cards = False\n")
    build(src)
    (src / "articles/2025/11/old.md").unlink()
    write_project(tmp_path, {"articles/2025/11/new.md": moved("/articles/2025/11/old.html")})
    result = build(src)
    assert is_redirect_page(result.outdir / "articles/2025/11/old.html")
    assert not kb_warnings(result, "redirect")


# --- 3. legal names never fail the build --------------------------------------------------

#: A file name of 248 bytes (245 for the name, 3 for ".md"): the longest whose
#: doctree (".doctree") and source copy (".md.txt") Sphinx itself can still write.
LONG_NAME = "あ" * 81 + "xx"


@needs_font
@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_a_248_byte_article_name_builds_with_its_card_and_full_text_feed(
    tmp_path: Path, builder: str
) -> None:
    assert len(f"{LONG_NAME}.md".encode()) == 248
    files = {f"articles/2025/11/{LONG_NAME}.md": article("長い名前の本文", title="長い名前")}
    src = write_project(tmp_path, files, conf="kb_cards = True\nkb_feed_full_text = True\n")
    for result in (build(src, builder=builder), build(src, builder=builder)):
        card = result.outdir / f"_kb/cards/articles/2025/11/{LONG_NAME}.png"
        assert card.read_bytes().startswith(b"\x89PNG")
        assert "長い名前の本文" in (result.outdir / "feeds/atom.xml").read_text(encoding="utf-8")
        assert result.exists(f"articles/2025/11/{LONG_NAME}")
        assert not [n for n in file_names(result.outdir) if ".kb-" in n and n.endswith(".tmp")]


@pytest.mark.parametrize(
    ("url", "written"),
    [
        ("/old/" + "a" * 250 + ".html", "old/" + "a" * 250 + ".html"),
        ("/" + "あ" * 83 + "x.html", "あ" * 83 + "x.html"),
        ("/" + "%E3%81%82" * 83 + "x.html", "あ" * 83 + "x.html"),
        ("/" + "b" * 255 + "/", "b" * 255 + "/index.html"),
    ],
)
def test_a_255_byte_redirect_name_is_written(tmp_path: Path, url: str, written: str) -> None:
    assert max(len(part.encode()) for part in written.split("/")) == 255
    files = {"articles/2025/11/a.md": moved(url)}
    src = write_project(tmp_path, files, conf="kb_cards = False\n")
    for result in (build(src), build(src)):
        assert is_redirect_page(result.outdir / written)
        assert not kb_warnings(result, "redirect")


def test_a_name_too_long_for_the_file_system_is_a_warning(tmp_path: Path) -> None:
    # An extensionless URL gives "<name>.html" (257 bytes, too long) and
    # "<name>/index.html" (fine); the second is written, the first reported.
    name = "c" * 252
    files = {
        "articles/2025/11/a.md": moved("/" + name, "/" + "d" * 300 + ".html"),
        "articles/2025/11/b.md": article(title="記事B"),
    }
    src = write_project(tmp_path, files, conf="kb_cards = False\n")
    result = build(src)
    assert is_redirect_page(result.outdir / name / "index.html")
    found = warned_at(result, "articles/2025/11/a.md", 4, "cannot be written", "too long")
    assert len(found) == 2, kb_warnings(result)
    assert any(f"'/{name[:20]}" in line for line in found)
    assert any("'/ddddd" in line for line in found)
    assert result.exists("articles/2025/11/b")


@pytest.mark.parametrize("same_article", [True, False])
@pytest.mark.parametrize(
    ("first", "second", "kept"),
    [
        ("/old.html", "/old.html/x.html", "old.html"),
        ("/old.html/x.html", "/old.html", "old.html/x.html"),
        ("/p/q.html", "/p/q.html/r/", "p/q.html"),
    ],
)
def test_a_redirect_under_another_redirects_file_is_a_warning(
    tmp_path: Path, same_article: bool, first: str, second: str, kept: str
) -> None:
    if same_article:
        files = {"articles/2025/11/a.md": moved(first, second)}
        loser = "articles/2025/11/a.md"
    else:
        files = {
            "articles/2025/11/a.md": moved(first, title="記事A"),
            "articles/2025/11/b.md": moved(second, title="記事B"),
        }
        loser = "articles/2025/11/b.md"
    src = write_project(tmp_path, files, conf="kb_cards = False\n")
    for result in (build(src), build(src)):
        assert is_redirect_page(result.outdir / kept)
        found = warned_at(result, loser, 4, repr(second), "not written")
        assert len(found) == 1, kb_warnings(result)


def test_a_redirect_under_a_file_of_the_project_is_a_warning(tmp_path: Path) -> None:
    files = {
        "articles/2025/11/a.md": moved("/notes.txt/x.html", "/index.html/y/", "/_static/z.html"),
        "extra/notes.txt": "notes\n",
    }
    src = write_project(tmp_path, files, conf='kb_cards = False\nhtml_extra_path = ["extra"]\n')
    result = build(src)
    assert (result.outdir / "notes.txt").read_text(encoding="utf-8") == "notes\n"
    assert (result.outdir / "index.html").is_file()
    assert not (result.outdir / "_static/z.html").exists()
    for url in ("/notes.txt/x.html", "/index.html/y/", "/_static/z.html"):
        assert len(warned_at(result, "articles/2025/11/a.md", 4, repr(url))) == 1


# --- 10. control characters and wrong shapes ------------------------------------------------

CONTROLS = {
    "newline": ("%0A", "\n"),
    "carriage return": ("%0D", "\r"),
    "escape": ("%1B", "\x1b"),
    "tab": ("%09", "\t"),
    "delete": ("%7F", "\x7f"),
    "bell": ("%07", "\x07"),
    "nul": ("%00", "\x00"),
    "next line (C1)": ("%C2%85", "\x85"),
    "CSI (C1)": ("%C2%9B", "\x9b"),
    "line separator": ("%E2%80%A8", "\u2028"),
}


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_control_characters_never_reach_a_file_name(tmp_path: Path, name: str) -> None:
    encoded, char = CONTROLS[name]
    files = {
        "articles/2025/11/a.md": moved(
            f"/x{encoded}y.html", f"/dir{encoded}/z.html", f"/q{encoded}", "/fine.html"
        )
    }
    src = write_project(tmp_path, files, conf="kb_cards = False\n")
    for result in (build(src), build(src)):
        names = file_names(result.outdir)
        assert not [n for n in names if char in n or any(unicodedata.category(c) == "Cc" for c in n)]
        assert is_redirect_page(result.outdir / "fine.html")
        code = f"U+{ord(char):04X}"
        found = warned_at(result, "articles/2025/11/a.md", 4, "control character", code)
        assert len(found) == 4, kb_warnings(result)  # /q… gives two files
        # The message shows the character escaped, never raw.
        assert not any(char in line for line in kb_warnings(result))


SHAPES = {
    "mapping": "redirect_from:\n  /x.html: y\n",
    "flow mapping": "redirect_from: {a: /x.html}\n",
    "number": "redirect_from: 5\n",
    "float": "redirect_from: 1.5\n",
    "boolean": "redirect_from: true\n",
    "nested list": "redirect_from:\n  - [/x.html]\n  - /ok.html\n",
    "mapping in a list": "redirect_from:\n  - /ok.html\n  - {to: /x.html}\n",
    "number in a list": "redirect_from: [/ok.html, 404]\n",
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_redirect_from_of_the_wrong_shape_is_a_warning(tmp_path: Path, shape: str) -> None:
    text = f"---\ntitle: 記事\ndate: 2025-11-01\n{SHAPES[shape]}---\n\n本文。\n"
    src = write_project(tmp_path, {"articles/2025/11/a.md": text}, conf="kb_cards = False\n")
    result = build(src)
    found = warned_at(result, "articles/2025/11/a.md", 4, "not a path")
    assert len(found) == 1, kb_warnings(result)
    before = {"x.html", "5.html", "5", "1.5", "true.html", "404"}
    names = set(file_names(result.outdir))
    assert not names & before
    # 404.html is kb's page for missing addresses, never a redirect a number asked for.
    assert not is_redirect_page(result.outdir / "404.html")
    assert not [n for n in names if "{" in n or "[" in n]
    if "/ok.html" in SHAPES[shape]:
        assert is_redirect_page(result.outdir / "ok.html")
    assert result.exists("articles/2025/11/a")


# --- 9. linear in the size of bad input ------------------------------------------------------

REFUSED_REDIRECTS = 20_000
BIG_REDIRECT_BUILD = """
from pathlib import Path
from kbtesting import article, build, plain, write_project
urls = [f"../out{{i}}.html" for i in range({count})]
src = write_project(Path({root!r}), {{
    "articles/2025/11/a.md": article(title="A", date="2025-11-01", redirect_from=urls),
    "articles/2025/11/b.md": article("隣の本文", title="B", date="2025-11-02"),
}}, conf="kb_cards = False\\n")
result = build(src)
print(plain(result.warnings).count("a.md:4: WARNING: redirect_from"))
print(result.exists("articles/2025/11/b"))
"""


@pytest.mark.slow
def test_thousands_of_refused_redirects_cost_linear_time(tmp_path: Path) -> None:
    """Each refused entry used to read and parse the whole front matter again: 3,000
    took 74 s here and 20,000 would take about an hour. Bounded by a timeout, not timed."""
    script = BIG_REDIRECT_BUILD.format(count=REFUSED_REDIRECTS, root=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
        env=env_with_tests_on_path(),
    )
    count, built = done.stdout.split()
    assert int(count) == REFUSED_REDIRECTS
    assert built == "True"


#: Titles that made line fitting quadratic, or ran off the card's edge.
HOSTILE_TITLES = {
    "combining marks": "a" + "\u0301" * 5000 + " のタイトル",
    "one long Latin word": "W" * 300,
    "a long URL": "https://example.com/" + "path/" * 60,
    "full-width word": "Ｗ" * 300,
    "opening brackets": "「" * 500,
    "prolonged sound marks": "ー" * 500,
    "full stops": "。" * 500,
    "words longer than a line": " ".join(["supercalifragilisticexpialidocious" * 3] * 4),
    "zero-width spaces": "\u200b" * 3000 + "見出し" + "\u200d" * 3000,
    "combining marks on every letter": "".join(c + "\u0308" * 40 for c in "Zalgo タイトル " * 20),
    "brackets around words": "「" * 3 + "AI" + "」" * 3 + "の" * 100,
}


def _ink_box(title: str) -> tuple[int, int, int, int] | None:
    """Where the title's pixels are: the card minus the same card without a title."""
    with_title = Image.open(BytesIO(cards.render(cards.Card(title, "サイト", "2025年11月7日"))))
    bare = Image.open(BytesIO(cards.render(cards.Card("", "サイト", "2025年11月7日"))))
    return ImageChops.difference(with_title.convert("RGB"), bare.convert("RGB")).getbbox()


@needs_font
@pytest.mark.parametrize("name", sorted(HOSTILE_TITLES))
def test_every_title_fits_the_card(name: str) -> None:
    box = _ink_box(HOSTILE_TITLES[name])
    assert box is not None
    left, top, right, bottom = box
    # Inside the card's margins (half the margin of slack for a hanging 。 or an
    # overhanging glyph) and above the rule over the footer.
    margin = 80  # the card's side margin
    assert left >= margin // 2 and right <= cards.WIDTH - margin // 2, box
    assert top >= 12 and bottom <= cards.HEIGHT - 110, box


@needs_font
def test_a_word_longer_than_a_line_is_broken_onto_more_lines() -> None:
    box = _ink_box("W" * 300)
    assert box is not None
    assert box[3] - box[1] > 2 * 46, box  # several lines, not one running off the edge


def _measured(title: str, max_width: float = 1040.0) -> int:
    """How many characters wrap() asks the width of, with advances of 0 for marks and
    40 for the rest (additive, as glyph advances are)."""
    measured = 0

    def width(text: str) -> float:
        nonlocal measured
        measured += len(text)
        return sum(0.0 if unicodedata.combining(c) else 40.0 for c in text)

    cards.wrap(title, width, max_width)
    return measured


@pytest.mark.parametrize(
    "make",
    [
        lambda n: "a" + "\u0301" * n,
        lambda n: "W" * n,
        lambda n: "「" * n,
        lambda n: "ー" * n,
        lambda n: "あ" * n,
        lambda n: ("word " * n)[:n],
    ],
    ids=["marks", "long word", "brackets", "prolonged", "kana", "words"],
)
def test_line_fitting_measures_each_character_a_bounded_number_of_times(make) -> None:
    for n in (2_000, 8_000):
        assert _measured(make(n)) <= 3 * n, n


@needs_font
def test_cards_with_huge_hostile_titles_are_drawn_in_bounded_time() -> None:
    """200,000 characters each: minutes to hours before (quadratic), a blink now."""
    script = textwrap.dedent(
        """
        from kb.pictures import cards
        for title in ("a" + "\\u0301" * 200000, "W" * 200000, "「" * 200000,
                      "ー" * 200000, "\\u200b" * 200000, ("x" * 99 + " ") * 2000):
            data = cards.render(cards.Card(title, "サイト" * 10000, "2025年11月7日"))
            assert data.startswith(b"\\x89PNG")
        print("drawn")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "drawn"
