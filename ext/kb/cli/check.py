"""``kb check``: what the build would warn about, found without running Sphinx.

Every check here is the build's own, called the way the build calls it, so a
message reads exactly as the build's (``file:line: WARNING: … [kb.subtype]``):

* each document: bytes that are not text (:func:`kb.core.frontmatter.undecodable`),
  front matter keys MyST must not see (:func:`kb.core.mystguard.disarm_front_matter`),
  ``redirect_from`` values that are not paths (:func:`kb.core.redirects.read_redirects`);
* articles: their front matter (:func:`kb.core.articlemeta.article_meta`), and
  ``{partner}``/``{tech}`` roles naming no entry;
* glossary entries: their front matter (:func:`kb.core.entrymeta.entry_meta`), names
  another entry keeps and ``related:`` names no entry has
  (:class:`kb.core.glossarytable.GlossaryTable`);
* the taxonomy file (:func:`kb.core.taxonomyfile.load_overrides`) and names that share a
  slug (:class:`kb.core.taxonomy.Taxonomy`);
* series: a gap or a repeat in ``series_order`` (:mod:`kb.core.series`);
* redirects: each ``redirect_from`` path claimed, in the build's order, after the
  pages, feeds and files an HTML build with ``html_baseurl`` writes
  (:class:`kb.core.claims.Claims`), so a path taken by a page or another redirect, or
  one leaving the output folder, is reported as the build reports it;
* the ``kb_*`` settings of ``conf.py`` (read, never run: :mod:`kb.core.projectconf`).

Drafts are checked too (their front matter is what will be published), though
the build leaves them out until they are published. What only a build can see
(MyST syntax, cross-references, images) is left to the build.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.cli.suggest import ArticleText, unresolved_roles
from kb.core.articlemeta import article_meta
from kb.core.claims import (
    LLMS_TXT_OWNER,
    MARKDOWN_OWNER,
    OPENSEARCH_OWNER,
    Claims,
    Owner,
    Refused,
    refusal_message,
)
from kb.core.entrymeta import entry_meta
from kb.core.frontmatter import Problem, RawFrontMatter, read_front_matter, undecodable
from kb.core.glossarytable import Declared, GlossaryTable, unknown_name
from kb.core.mystguard import disarm_front_matter
from kb.core.projectconf import ProjectSettings
from kb.core.records import Article
from kb.core.redirects import read_redirects, redirect_files
from kb.core.settings import KbConfig
from kb.core.targets import (
    entry_kind,
    feed_path,
    glossary_overview_pagename,
    has_article_front_matter,
    is_article,
    json_feed_path,
)
from kb.core.taxonomy import Taxonomy, Term
from kb.core.taxonomyfile import load_overrides
from kb.search.files import FOLDER as SEARCH_FOLDER


@dataclass(frozen=True)
class Finding:
    """One warning the build would give: where, what, and its ``kb.*`` type."""

    path: Path
    line: int | None
    message: str
    subtype: str

    def text(self, shown: Callable[[Path], str]) -> str:
        """As Sphinx prints a warning: ``path:line: WARNING: message [kb.subtype]``."""
        where = f"{shown(self.path)}:{self.line}" if self.line else shown(self.path)
        return f"{where}: WARNING: {self.message} [kb.{self.subtype}]"


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    #: Files whose findings are reported (all, or those named).
    checked: int = 0
    articles: int = 0
    entries: int = 0


@dataclass
class _Document:
    docname: str
    path: Path
    text: str
    article: Article | None = None
    #: Lines of ``series`` and ``series_order``, where series problems are reported.
    series_lines: dict[str, int] = field(default_factory=dict)
    #: redirect_from URLs and the line of the key.
    redirects: tuple[tuple[str, ...], int | None] = ((), None)


# --- which files the build reads ------------------------------------------------------------

#: Sphinx's own exclusions (sphinx.project.EXCLUDE_PATHS).
_ALWAYS_EXCLUDED = ("**/_sources", ".#*", "**/.#*", "*.lproj/**")


def _pattern(glob: str) -> re.Pattern[str]:
    """A Sphinx ``exclude_patterns`` glob as a regular expression: ``*`` stays within a
    folder, ``**`` crosses folders (as :func:`sphinx.util.matching._translate_pattern`)."""
    out, index = [], 0
    while index < len(glob):
        char = glob[index]
        index += 1
        if char == "*" and glob[index : index + 1] == "*":
            index += 1
            out.append(".*")
        elif char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = glob.find("]", index + 1)
            if end < 0:
                out.append(re.escape(char))
                continue
            inside = glob[index:end].replace("\\", "\\\\")
            out.append("[^/" + inside[1:] + "]" if inside.startswith("!") else f"[{inside}]")
            index = end + 1
        else:
            out.append(re.escape(char))
    return re.compile("".join(out) + "$")


def _suffixes(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple, dict)):
        return tuple(str(item) for item in value)
    return (".rst", ".md")


def source_files(srcdir: Path, sphinx: dict[str, Any]) -> list[tuple[str, Path]]:
    """(docname, path) of every document the build reads, by docname."""
    patterns = [*(sphinx.get("exclude_patterns") or ()), *_ALWAYS_EXCLUDED]
    excluded = [_pattern(str(glob)) for glob in patterns]
    suffixes = _suffixes(sphinx.get("source_suffix"))
    found: list[tuple[str, Path]] = []
    for folder, folder_names, file_names in os.walk(srcdir):
        relative = Path(folder).relative_to(srcdir).as_posix()
        prefix = "" if relative == "." else relative + "/"
        folder_names[:] = sorted(
            name for name in folder_names if not any(p.match(prefix + name) for p in excluded)
        )
        for name in file_names:
            suffix = next((s for s in suffixes if name.endswith(s) and name != s), None)
            if suffix is None or any(p.match(prefix + name) for p in excluded):
                continue
            found.append((prefix + name[: -len(suffix)], Path(folder) / name))
    return sorted(found)


# --- the checks -------------------------------------------------------------------------------


class _Checker:
    def __init__(self, conf: Path, project: ProjectSettings) -> None:
        self.conf = conf
        self.srcdir = conf.parent
        self.config: KbConfig = project.settings
        self.sphinx = project.sphinx
        self.report = Report()
        self.documents: list[_Document] = []
        self.declared: list[Declared] = []
        self.entries: list[tuple[_Document, Any]] = []
        for line, note in project.notes:
            self.add(conf, line or None, note, "config")

    def add(self, path: Path, line: int | None, message: str, subtype: str) -> None:
        self.report.findings.append(Finding(path, line, message, subtype))

    def add_problems(self, path: Path, problems: Iterable[Problem], subtype: str) -> None:
        for problem in problems:
            self.add(path, problem.line, problem.message, problem.subtype or subtype)

    # --- one document at a time --------------------------------------------------------

    def read(self, docname: str, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError as error:
            self.add(path, None, f"cannot read: {error.strerror or error}", "read")
            return
        encoding = str(self.sphinx.get("source_encoding") or "utf-8-sig")
        try:
            problem = undecodable(data, encoding)
            text = data.decode(encoding, errors="replace")
        except LookupError:
            problem, text = None, data.decode("utf-8-sig", errors="replace")
        if problem is not None:
            self.add_problems(path, [problem], "encoding")
        document = _Document(docname, path, text)
        self.documents.append(document)
        kind = entry_kind(docname, self.config)
        in_articles = is_article(docname, self.config)
        raw = read_front_matter(text) if in_articles or kind or "redirect_from" in text else None
        # As the build: kb reads a page's front matter only when the page is kb's.
        article = in_articles and raw is not None and has_article_front_matter(raw)
        if article or kind is not None:
            _, notes = disarm_front_matter(text, head_keys=True)
            for note in notes:
                self.add(path, note.line, note.message, "front_matter")
        if raw is not None and "redirect_from" in raw.data:
            line = raw.lines.get("redirect_from")
            urls, problems = read_redirects(raw.data["redirect_from"])
            for message in problems:
                self.add(path, line, message, "redirect")
            document.redirects = (tuple(urls), line)
        if raw is not None and article:
            self._article(document, raw)
        elif raw is not None and kind is not None:
            self._entry(document, raw, kind)

    def _article(self, document: _Document, raw: RawFrontMatter) -> None:
        self.report.articles += 1
        meta = article_meta(raw, self.config.zone)
        self.add_problems(document.path, meta.problems, "front_matter")
        document.article = meta.record(document.docname, document.docname.rsplit("/", 1)[-1], 1)
        document.series_lines = {
            key: meta.lines[key] for key in ("series", "series_order") if key in meta.lines
        }

    def _entry(self, document: _Document, raw: RawFrontMatter, kind: str) -> None:
        self.report.entries += 1
        meta = entry_meta(raw)
        self.add_problems(document.path, meta.problems, "glossary")
        if meta.name:
            self.declared.append(
                Declared(document.docname, kind, meta.name, meta.aliases, meta.summary)
            )
            self.entries.append((document, meta))

    # --- across documents -----------------------------------------------------------------

    def published(self) -> list[_Document]:
        """Documents the build reads: drafts only in a preview (``kb_drafts = "build"``)."""
        return [
            doc
            for doc in self.documents
            if doc.article is None or not doc.article.draft or self.config.drafts == "build"
        ]

    def glossary(self) -> None:
        table = GlossaryTable(self.declared)
        for document, meta in self.entries:
            self.add_problems(
                document.path, table.conflict_problems(document.docname, meta.line), "glossary"
            )
            self.add_problems(
                document.path,
                table.unknown_related(meta.related, meta.line("related")),
                "unknown_entry",
            )
        roles = self.config.role_kinds
        # Only texts that use a role at all are scanned line by line.
        marks = tuple(f"{{{role}}}`" for role in roles)
        texts = (
            ArticleText(str(doc.path), doc.text)
            for doc in self.published()
            if doc.article is not None and any(mark in doc.text for mark in marks)
        )
        for role in unresolved_roles(texts, table, roles):
            self.add(Path(role.path), role.line, unknown_name(role.name), "unknown_entry")

    def taxonomy(self) -> Taxonomy:
        overrides = load_overrides(str(self.srcdir / self.config.taxonomy_file))
        for message, line in overrides.problems:
            self.add(Path(overrides.path), line, message, "taxonomy")
        listed = sorted(
            (doc.article for doc in self.published() if doc.article and doc.article.listed),
            key=lambda article: article.sort_key,
        )
        taxonomy = Taxonomy.build(self.config, listed, {}, overrides)
        documents = {doc.docname: doc for doc in self.documents}
        for collision in taxonomy.collisions:
            self.add(documents[collision.docname].path, None, collision.message, "slug_collision")
        for problem in taxonomy.series.problems:
            document = documents[problem.docname]
            line = document.series_lines.get(problem.key)
            self.add(document.path, line, problem.message, "series")
        return taxonomy

    def redirects(self, taxonomy: Taxonomy) -> None:
        """Claim every redirect after what an HTML build writes, in the build's order."""
        claims = Claims()
        published = self.published()
        claims.reserve(f"{doc.docname}.html" for doc in published)
        claims.reserve(
            ["genindex.html", "search.html", "searchindex.js", "objects.inv", ".buildinfo"]
        )
        for folder in ("_static", "_images", "_downloads", "_sources"):
            claims.reserve_folder(folder, f"it is inside Sphinx's folder {folder}")
        claims.reserve_folder(
            SEARCH_FOLDER, f"it is inside the search index folder {SEARCH_FOLDER}"
        )
        docnames = {doc.docname for doc in published}
        # Each glossary kind with entries has its overview (a hand-written one wins).
        pages = set(taxonomy.pages) | {
            glossary_overview_pagename(self.config, kind)
            for kind in {declared.kind for declared in self.declared}
        }
        _claim_all(claims, (f"{page}.html" for page in sorted(pages - docnames)), "pages")
        # Feeds, llms.txt, opensearch.xml, sitemap.xml and robots.txt are written
        # for a site with articles.
        articles = bool(taxonomy.months)
        terms: list[Term | None] = [None] if articles else []
        for kind in ("tag", "category"):
            terms += taxonomy.sorted_terms(kind)
        feeds = [feed_path(self.config, term) for term in terms]
        if self.config.json_feed:
            feeds += [json_feed_path(self.config, term) for term in terms]
        _claim_all(claims, feeds, "feeds")
        if self.config.llms_txt and articles:
            listed = (doc for doc in published if doc.article and doc.article.listed)
            _claim_all(claims, (f"{doc.docname}.html.md" for doc in listed), MARKDOWN_OWNER)
            _claim_all(claims, ["llms.txt"], LLMS_TXT_OWNER)
        if self.config.opensearch and articles:
            _claim_all(claims, ["opensearch.xml"], OPENSEARCH_OWNER)
        if self.config.sitemap and articles:
            _claim_all(claims, ["sitemap.xml", "robots.txt"], "crawlers")
        if self.config.feed_alias.strip().lstrip("/"):
            _claim_all(claims, [self.config.feed_alias.strip().lstrip("/")], "feed-alias")
        if self.config.cards:
            cards = (f"_kb/cards/{doc.docname}.png" for doc in published if doc.article)
            _claim_all(claims, cards, "cards")
        for document in sorted(published, key=lambda doc: doc.docname):
            urls, line = document.redirects
            owner = Owner("redirects", f"{document.docname} redirects from it too")
            for url in urls:
                for relative in redirect_files(url):
                    try:
                        claims.claim(relative, owner)
                    except Refused as refusal:
                        message = refusal_message("redirect_from", url, refusal)
                        self.add(document.path, line, message, "redirect")


def _claim_all(claims: Claims, paths: Iterable[str], owner: Owner | str) -> None:
    """Paths kb writes itself; one the build would refuse is its own warning, not a redirect's."""
    owner = owner if isinstance(owner, Owner) else Owner(owner)
    for path in paths:
        try:
            claims.claim(path, owner)
        except Refused:
            continue


def check_project(
    conf: Path, project: ProjectSettings, only: Sequence[Path] | None = None
) -> Report:
    """Every finding of the project whose configuration is ``conf``; with ``only``, the
    findings in those files (or in files under those folders), the others read as far
    as checks across documents need them."""
    checker = _Checker(conf, project)
    for docname, path in source_files(checker.srcdir, project.sphinx):
        checker.read(docname, path)
    checker.glossary()
    checker.redirects(checker.taxonomy())
    report = checker.report
    suppressed = [str(item) for item in project.sphinx.get("suppress_warnings") or ()]
    report.findings = sorted(
        (
            finding
            for finding in report.findings
            if "kb" not in suppressed and f"kb.{finding.subtype}" not in suppressed
        ),
        key=lambda finding: (str(finding.path), finding.line or 0),
    )
    if only is not None:
        named = [path.resolve() for path in only]
        report.findings = [f for f in report.findings if _within(f.path.resolve(), named)]
        every = [checker.conf, Path(checker.srcdir / checker.config.taxonomy_file)]
        every += [doc.path for doc in checker.documents]
        report.checked = sum(1 for path in every if _within(path.resolve(), named))
    else:
        report.checked = len(checker.documents) + 1
    return report


def _within(path: Path, named: Sequence[Path]) -> bool:
    return any(path == item or path.is_relative_to(item) for item in named)
