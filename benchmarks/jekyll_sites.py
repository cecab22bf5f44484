"""Import a Jekyll site with ``kb import``, build it, and compare with what Jekyll made of it.

    PYTHONPATH=tests .venv/bin/python -m benchmarks.jekyll_sites SITE REFERENCE.json [--no-build]

``REFERENCE.json`` lists, for every post Jekyll publishes, its ``path`` (from
the site root), ``url``, ``date`` and ``categories`` as Jekyll computed them
(``{"posts": [...]}``, or ``{"sites": {name: {"posts": [...]}}}`` as in
``tests/fixtures/jekyll_sites/reference.json``, with ``--site NAME``). Prints
one row: posts, imported, URLs right, Liquid left on pages, links and images
rewritten, dead ``#/`` links, missing images, warnings by kind, import and
build time.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote

from bs4 import BeautifulSoup

from kb.core.dates import zone_named
from kb.core.frontmatter import read_front_matter
from kb.jekyll.importer import import_posts
from kb.jekyll.report import Outcome
from kbtesting import build, write_project

REPO = Path(__file__).resolve().parent.parent

_KIND = re.compile(r"'[^']*'|\"[^\"]*\"|/\S+|\d[\d,]*")


def _kind(message: str) -> str:
    """A message with its names and numbers taken out, to count warnings by kind."""
    return _KIND.sub("…", message)[:70]


def _pages(outdir: Path, shown: list[str]) -> dict[str, int]:
    """Counts over the built articles; ``shown`` gets where Liquid is left, with its text."""
    counts = collections.Counter()
    for page in (outdir / "articles").rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        body = soup.select_one("article") or soup
        for code in body.select("pre, code"):
            code.decompose()
        counts["pages"] += 1
        left = re.search(r".{0,30}(?:\{%|\{\{).{0,30}", body.get_text(" "))
        if left:
            counts["liquid"] += 1
            shown.append(f"{page.relative_to(outdir)}: {' '.join(left.group(0).split())}")
        counts["dead"] += sum(1 for a in body.select("a[href]") if a["href"].startswith("#/"))
        for image in body.select("img[src]"):
            source = image["src"]
            if "://" not in source and not source.startswith("data:"):
                counts["images"] += 1
                if not (page.parent / unquote(source)).exists():
                    counts["missing"] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("reference", type=Path)
    parser.add_argument("--site-name", dest="name")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--timezone", default="Asia/Tokyo")
    args = parser.parse_args()
    reference = json.loads(args.reference.read_text(encoding="utf-8"))
    if "sites" in reference:
        reference = reference["sites"][args.name or args.site.name]
    wanted = {post["path"]: post for post in reference["posts"]}
    root = Path(tempfile.mkdtemp(prefix="kb-jekyll-"))
    try:
        src = write_project(root, {})
        start = time.perf_counter()
        report = import_posts([args.site], src / "articles", zone_named(args.timezone))
        import_seconds = time.perf_counter() - start
        results = {r.source.relative_to(args.site).as_posix(): r for r in report.results}
        imported = urls = 0
        for path, post in wanted.items():
            result = results.get(path)
            if result is None or result.outcome is Outcome.FAILED or result.target is None:
                continue
            imported += 1
            data = read_front_matter(result.target.read_text(encoding="utf-8")).data
            redirects = data.get("redirect_from") or []
            urls += post["url"] in redirects or unquote(post["url"]) in redirects
        articles = [r.target for r in report.results if r.target is not None]
        text = "\n".join(path.read_text(encoding="utf-8") for path in articles)
        rewritten = len(re.findall(r"\]\((?:\.\./)*[\w./-]+\.md[)#]", text))
        copied = sum(1 for p in (src / "articles" / "_files").rglob("*") if p.is_file())
        kinds = collections.Counter(
            (d.severity.value, _kind(d.message)) for d in report.all_diagnostics()
        )
        print(
            f"{args.site.name}: posts {len(wanted)}, imported {imported}, URLs right {urls}, "
            f"links to articles {rewritten}, files copied {copied}, "
            f"import {import_seconds:.2f} s"
        )
        for (severity, kind), count in kinds.most_common(12):
            print(f"  {count:6d} {severity}: {kind}")
        if not args.no_build:
            start = time.perf_counter()
            built = build(src)
            build_seconds = time.perf_counter() - start
            left: list[str] = []
            pages = _pages(built.outdir, left)
            warnings = collections.Counter(
                _kind(line.split("WARNING: ", 1)[1])
                for line in built.warnings.splitlines()
                if "WARNING: " in line
            )
            print(
                f"  build {build_seconds:.1f} s: {pages['pages']} pages, Liquid on "
                f"{pages['liquid']}, dead #/ links {pages['dead']}, images {pages['images']} "
                f"({pages['missing']} missing), {sum(warnings.values())} build warnings"
            )
            for kind, count in warnings.most_common(6):
                print(f"  {count:6d} build: {kind}")
            for place in left[:8]:
                print(f"  Liquid left: {place}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
