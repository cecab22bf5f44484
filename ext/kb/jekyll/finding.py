"""The posts ``kb import`` is given: files, folders of posts, and Jekyll site folders.

A folder is walked for post files; a Jekyll site folder is read as Jekyll
reads it (its collections, ``defaults:`` and permalinks), and each of its
posts gets the :class:`~kb.jekyll.frontfixes.PostContext` its site gives it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from kb.core.frontmatter import split_front_matter
from kb.core.yamltext import key_block
from kb.jekyll.conversion import normalise_text
from kb.jekyll.frontfixes import PostContext
from kb.jekyll.importsite import ImportSite
from kb.jekyll.jekyllsite import SiteDocument, is_site_root, site_documents
from kb.jekyll.permalinks import (
    JekyllSite,
    OldUrlRule,
    collection_pattern,
    is_jekyll_post_name,
    read_site,
)
from kb.jekyll.report import Diagnostic, ImportReport, Severity
from kb.jekyll.safefiles import Refused, check_file, read_bounded, within
from kb.jekyll.siteconfig import default_sets, front_matter_defaults

#: File name endings searched for when a folder is given.
POST_SUFFIXES = (".md", ".markdown", ".txt", ".html")


def find_articles_folder(start: Path) -> Path | None:
    """``docs/articles`` of the first folder from ``start`` upwards that has ``docs/conf.py``."""
    for folder in (start, *start.parents):
        if (folder / "docs" / "conf.py").is_file():
            return folder / "docs" / "articles"
    return None


def find_posts(
    path: Path, skip: Path | None = None, report: ImportReport | None = None
) -> Iterator[Path]:
    """Post files under the folder ``path``, in a stable order.

    Hidden files and folders (``.git``) are passed over, and so is ``skip``:
    the articles folder itself, whose files are imports already. Links that
    lead outside ``path`` and special files (FIFOs, devices) are passed over
    too, with a message in ``report``.
    """
    skip_resolved = skip.resolve() if skip is not None else None
    root = path.resolve()
    for folder, folder_names, file_names in os.walk(path):
        kept = []
        for name in sorted(folder_names):
            child = Path(folder, name)
            if name.startswith(".") or child.resolve() == skip_resolved:
                continue
            if child.is_symlink() and not within(child.resolve(), root):
                if report is not None:
                    report.diagnostics.append(
                        Diagnostic(
                            child, None, f"is a link to {child.resolve()}, outside {path}; not read"
                        )
                    )
                continue
            kept.append(name)
        folder_names[:] = kept
        for name in sorted(file_names):
            if name.startswith(".") or not name.lower().endswith(POST_SUFFIXES):
                continue
            candidate = Path(folder, name)
            reason = check_file(candidate, path)
            if reason is not None:
                if report is not None:
                    report.diagnostics.append(Diagnostic(candidate, None, reason))
                continue
            yield candidate


def _has_date(path: Path) -> bool:
    """True when the document at ``path`` has a date: in its name or its front matter."""
    if is_jekyll_post_name(path.name):
        return True
    try:
        head = read_bounded(path).decode("utf-8-sig", "replace")
    except (OSError, Refused):
        return False
    yaml_text, _, _ = split_front_matter(normalise_text(head))
    return yaml_text is not None and key_block(yaml_text, "date") is not None


@dataclass
class FoundPosts:
    """The posts to import, in order, and what is known of each."""

    posts: list[Path] = field(default_factory=list)
    #: Source -> what its site says about it (sites only).
    contexts: dict[Path, PostContext] = field(default_factory=dict)
    #: Source -> the folder it was found in, which links may not leave.
    roots: dict[Path, Path] = field(default_factory=dict)
    #: Source -> the site it belongs to (site folders only).
    site_of: dict[Path, ImportSite] = field(default_factory=dict)


def collect_posts(
    paths: Iterable[Path], into: Path, permalink: str | None, report: ImportReport
) -> FoundPosts:
    """The posts at ``paths``, each once; what is wrong with a path goes to ``report``."""
    found = FoundPosts()
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir() and is_site_root(path):
            posts = _site_posts(path, into, permalink, report, found)
        elif path.is_dir():
            posts = list(find_posts(path, skip=into, report=report))
            for post in posts:
                found.roots[post] = path
            if not posts:
                report.diagnostics.append(
                    Diagnostic(
                        path,
                        None,
                        f"no posts found (looked for {', '.join(POST_SUFFIXES)} files)",
                    )
                )
        elif path.exists() or path.is_symlink():
            posts = [path]
        else:
            report.diagnostics.append(
                Diagnostic(path, None, "no such file or folder", Severity.ERROR)
            )
            continue
        for post in posts:
            resolved = post.resolve()
            if resolved not in seen:
                seen.add(resolved)
                found.posts.append(post)
    return found


def _site_posts(
    root: Path, into: Path, permalink: str | None, report: ImportReport, found: FoundPosts
) -> list[Path]:
    """The posts of the Jekyll site at ``root``, their contexts noted in ``found``."""
    site = read_site(root)
    report.sites[root] = site
    for line, message in site.problems:
        report.diagnostics.append(Diagnostic(root / "_config.yml", line, message))
    files = site_documents(root, site, skip=into)
    _, invalid = default_sets(site)
    if invalid:
        report.diagnostics.append(
            Diagnostic(
                root / "_config.yml",
                None,
                f"{invalid} of the defaults: sets have no 'values:' mapping (or a 'scope:' "
                "that is no mapping); Jekyll passes over them, and so does kb import",
            )
        )
    known = ImportSite(root, site, files)
    for path, message in files.skipped:
        report.diagnostics.append(Diagnostic(path, None, message))
    posts: list[Path] = []
    for document in files.documents:
        rule = _document_rule(document, site, permalink, report)
        if rule is None:
            continue
        defaults = front_matter_defaults(root, site, document.relative, document.collection)
        found.contexts[document.path] = PostContext(rule, from_site=True, defaults=defaults)
        found.roots[document.path] = root
        found.site_of[document.path] = known
        posts.append(document.path)
    return posts


def _document_rule(
    document: SiteDocument, site: JekyllSite, permalink: str | None, report: ImportReport
) -> OldUrlRule | None:
    """How the old URL of a post of the site is made; ``None`` (noted) for a page without a date."""
    if document.collection == "posts":
        return OldUrlRule.for_site(site, document.path_categories, permalink)
    if _has_date(document.path):
        folder = f"_{document.collection}/"
        within_collection = document.relative.split(folder, 1)[-1]
        return replace(
            OldUrlRule.for_site(site),
            pattern=document.permalink or collection_pattern(site.permalink),
            collection=document.collection,
            document_path="/" + within_collection.rsplit(".", 1)[0],
        )
    report.diagnostics.append(
        Diagnostic(
            document.path,
            None,
            f"a page of the collection {document.collection!r} without a date, "
            "not a post; not imported",
        )
    )
    return None
