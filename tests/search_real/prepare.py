"""Write the real-text search corpus (articles/*.md) from Debian's Japanese manuals.

    apt-get install debian-reference-ja maint-guide-ja
    python tests/search_real/prepare.py          # rewrites tests/search_real/articles/

Sources (GPL-2+, see README.md here): the Debian Reference and the Debian New
Maintainers' Guide in Japanese, as the Debian packages install them (HTML).
Each section of a chapter becomes one article (Jekyll-style front matter,
MyST Markdown), trimmed to whole blocks under ``LIMIT`` characters; prose
keeps its line breaks as written (Japanese words wrapped in the middle are
part of what the search must handle), code stays code, tables stay tables.

Japanese prose with Ruby code, as a Ruby blog has it: Ruby's README in
Japanese (package ruby3.1) in two halves, and irb's Japanese help, each
followed by Ruby code of irb as libruby3.1 installs it (its Japanese error
messages, a window of context.rb, a window of completion.rb): ``attr_accessor``,
``IRB::Inspector``, ``=>`` and ``->`` in real code beside real Japanese prose.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

HERE = Path(__file__).resolve().parent
SOURCES = [
    ("/usr/share/doc/debian-reference-ja/docs", "ch{:02d}.ja.html", range(1, 13), "Osamu Aoki"),
    ("/usr/share/doc/maint-guide-ja/html", "{}.ja.html", ("start", "first", "modify", "dreq", "dother", "build", "checkit", "upload", "update", "advanced"), "Josip Rodin"),
]  # fmt: skip
#: Characters of Markdown an article may hold at most (whole blocks).
LIMIT = 9_000
#: Sections taken from each chapter at most.
SECTIONS = 3
# What would start a list, a heading, a quote, a fence or a table at the start of a line.
_LINE_START = re.compile(r"^(?=(?:[-+*]|#{1,6})(?:\s|$)|[>|]|~~~|```|=+\s*$|-+\s*$)", re.M)
_NUMBERED = re.compile(r"^(\d+)([.)])(?=\s|$)", re.M)
_SPECIAL = re.compile(r"([\\`*_\[\]<>{}|~#&$])")


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def inline(node: Tag | NavigableString) -> str:
    if isinstance(node, NavigableString):
        return escape(str(node))
    if node.name == "code" or "literal" in (node.get("class") or []):
        code = node.get_text().replace("\n", " ")
        fence = "`" * (max((len(run) for run in re.findall("`+", code)), default=0) + 1)
        pad = " " if code.startswith("`") or code.endswith("`") else ""
        return f"{fence}{pad}{code}{pad}{fence}" if code.strip() else ""
    inner = "".join(inline(child) for child in node.children)
    if node.name in ("strong", "b") and inner.strip():
        return f"**{inner}**"
    if node.name in ("em", "i") and inner.strip():
        return f"*{inner}*"
    return inner


def paragraph(node: Tag) -> str:
    text = "\n".join(line.strip() for line in inline(node).strip().split("\n"))
    return _NUMBERED.sub(r"\1\\\2", _LINE_START.sub("\\\\", text))


def fenced(code: str) -> str:
    fence = "`" * max(3, max((len(run) + 1 for run in re.findall("`{3,}", code)), default=3))
    return f"{fence}text\n{code.rstrip()}\n{fence}"


def cell(node: Tag) -> str:
    return paragraph(node).replace("\n", " ").replace("\\|", "|").replace("|", "\\|") or " "


def table(node: Tag) -> str | None:
    rows = node.select("tr")
    if not rows:
        return None
    head = [cell(c) for c in rows[0].find_all(["th", "td"])]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows[1:]:
        cells = [cell(c) for c in row.find_all(["th", "td"])]
        cells += [" "] * (len(head) - len(cells))
        lines.append("| " + " | ".join(cells[: len(head)]) + " |")
    caption = node.select_one("p.title, .title")
    title = escape(caption.get_text(" ", strip=True)) if caption is not None else ""
    return (f"**{title}**\n\n" if title else "") + "\n".join(lines)


def blocks(node: Tag) -> list[str]:
    """Markdown blocks of a section's content, its subsections' headings included."""
    out: list[str] = []
    for child in node.children:
        if not isinstance(child, Tag):
            continue
        classes = child.get("class") or []
        if child.name in ("h2", "h3", "h4", "h5") or "titlepage" in classes:
            title = child.get_text(" ", strip=True) if child.name != "div" else ""
            heading = child.select_one("h2, h3, h4, h5") if not title else None
            if heading is not None:
                title = heading.get_text(" ", strip=True)
            if title:
                out.append("## " + escape(re.sub(r"^[\d.]+\s*", "", title)))
        elif child.name == "p":
            text = paragraph(child)
            if text:
                out.append(text)
        elif child.name == "pre":
            out.append(fenced(child.get_text()))
        elif "table" in classes or "informaltable" in classes or child.name == "table":
            made = table(child)
            if made:
                out.append(made)
        elif "itemizedlist" in classes or "orderedlist" in classes or child.name in ("ul", "ol"):
            marker = "1." if "orderedlist" in classes or child.name == "ol" else "-"
            for item in child.select("li"):
                text = " ".join(paragraph(p) for p in item.find_all("p", recursive=False))
                text = text or paragraph(item)
                if text:
                    out.append(marker + " " + text.replace("\n", "\n  "))
        elif classes and classes[0] in ("note", "tip", "caution", "warning", "important"):
            inner = [paragraph(p) for p in child.find_all("p")]
            inner += [fenced(pre.get_text()) for pre in child.find_all("pre")]
            label = child.select_one("th, h3, .title")
            head = f"**{escape(label.get_text(strip=True))}**\n\n" if label else ""
            text = head + "\n\n".join(block for block in inner if block)
            out.append("\n".join("> " + line if line else ">" for line in text.split("\n")))
        elif child.name == "div" or child.name == "dl":
            out.extend(blocks(child))
    return out


def articles() -> dict[str, str]:
    files: dict[str, str] = {}
    day = dt.date(2023, 2, 4)
    for folder, pattern, names, author in SOURCES:
        for name in names:
            path = Path(folder) / pattern.format(name)
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            chapter = soup.select_one("div.chapter") or soup.body
            sections = chapter.find_all("div", class_="section", recursive=False)[:SECTIONS]
            for number, section in enumerate(sections):
                heading = section.select_one("h2")
                title = (
                    re.sub(r"^[\d.]+\s*", "", heading.get_text(" ", strip=True))
                    if heading
                    else path.stem
                )
                body: list[str] = []
                size = 0
                for block in blocks(section)[1:]:
                    if size + len(block) > LIMIT:
                        break
                    body.append(block)
                    size += len(block) + 2
                if size < 500:
                    continue
                day += dt.timedelta(days=3)
                slug = f"{Path(folder).parent.name}-{path.stem.split('.')[0]}-{number}"
                front = {
                    "title": title,
                    "date": f"{day.isoformat()} 09:00:00 +0900",
                    "categories": ["Debian"],
                    "tags": [Path(folder).parent.name],
                    "author": author,
                }
                lines = [
                    "---",
                    *(
                        f"{key}: {json.dumps(value, ensure_ascii=False)}"
                        for key, value in front.items()
                    ),
                    "---",
                    "",
                ]
                files[f"{slug}.md"] = "\n".join(lines) + "\n\n".join(body) + "\n"
    return files


RUBY_README = Path("/usr/share/doc/ruby3.1/README.ja.md.gz")
IRB = Path("/usr/lib/ruby/3.1.0/irb")
#: (slug, README half or irb's help, Ruby file of irb, its first line taken)
RUBY_ARTICLES = [
    ("ruby-readme-ja-0", "head", "lc/ja/error.rb", 1),
    ("ruby-readme-ja-1", "tail", "context.rb", 150),
    ("ruby-irb-help-ja", "help", "completion.rb", 330),
]
_RELATIVE_LINK = re.compile(r"\[([^\]]+)\]\((?![a-z]+:)[^)]*\)")


def _readme_halves() -> dict[str, tuple[str, str]]:
    """Ruby's Japanese README cut before its build instructions: (title, Markdown) each."""
    text = gzip.decompress(RUBY_README.read_bytes()).decode("utf-8")
    lines = [line for line in text.split("\n") if not line.startswith("[![")]
    text = _RELATIVE_LINK.sub(r"\1", "\n".join(lines)).strip()
    head, tail = text.split("\n## コンパイル・インストール\n", 1)
    return {
        "head": (head.split("\n", 1)[0].lstrip("# "), head.split("\n", 1)[1].strip()),
        "tail": ("コンパイル・インストール", tail.strip()),
    }


def _window(path: Path, first_line: int) -> str:
    """Whole lines of a file from ``first_line`` (1-based), under ``LIMIT`` characters."""
    kept: list[str] = []
    size = 0
    for line in path.read_text(encoding="utf-8").split("\n")[first_line - 1 :]:
        if size + len(line) + 1 > LIMIT:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept).rstrip()


def ruby_articles() -> dict[str, str]:
    halves = _readme_halves()
    help_text = (IRB / "lc" / "ja" / "help-message").read_text(encoding="utf-8")
    files: dict[str, str] = {}
    day = dt.date(2024, 6, 1)
    for slug, prose, ruby_file, first_line in RUBY_ARTICLES:
        if prose == "help":
            title, body = "irb/lc/ja/help-message", fenced(help_text)
        else:
            title, body = halves[prose]
        code = _window(IRB / ruby_file, first_line)
        ruby = "```ruby\n" + code + "\n```"
        day += dt.timedelta(days=5)
        front = {
            "title": title,
            "date": f"{day.isoformat()} 09:00:00 +0900",
            "categories": ["Ruby"],
            "tags": ["ruby3.1", "irb"],
            "author": "Ruby",
        }
        lines = ["---", *(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items())]
        files[f"{slug}.md"] = (
            "\n".join([*lines, "---", ""]) + f"{body}\n\n## irb/{ruby_file}\n\n{ruby}\n"
        )
    return files


def main() -> int:
    target = HERE / "articles"
    target.mkdir(exist_ok=True)
    for old in target.glob("*.md"):
        old.unlink()
    total = 0
    for name, text in {**articles(), **ruby_articles()}.items():
        (target / name).write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
    print(f"{len(list(target.glob('*.md')))} articles, {total:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
