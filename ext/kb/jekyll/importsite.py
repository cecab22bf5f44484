"""A Jekyll site being imported: what its posts' Liquid and links may ask of it.

A post's ``{% post_url %}``, ``{% link %}``, ``site.data`` and includes are
answered from the site; its links and images (:mod:`kb.jekyll.sitelinks`)
are pointed at the articles the linked posts became, at the files copied
next to them (:mod:`kb.jekyll.assets`), or at the old site for pages that
were not imported. A link to a heading of another post gets a MyST target
before that heading.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from kb.jekyll.assets import Assets
from kb.jekyll.conversion import PreparedPost
from kb.jekyll.jekyllsite import SiteFiles
from kb.jekyll.kramdown import add_targets, convert_kramdown, explicit_ids, heading_ids
from kb.jekyll.liquid import convert_liquid
from kb.jekyll.liquidscope import LiquidContext
from kb.jekyll.permalinks import JekyllSite
from kb.jekyll.report import Diagnostic
from kb.jekyll.siteconfig import site_urls
from kb.jekyll.sitelinks import Resolved, Resolver
from kb.jekyll.sitelookups import data_file, include_file, page_url, site_file

#: Files that were pages of the site, never copied as files.
_PAGE_SUFFIXES = frozenset({".md", ".markdown", ".html", ".htm", ".txt", ".rst", ".xml", ".ipynb"})
#: URL schemes MyST links to as they are (``myst_url_schemes``'s default).
_MYST_SCHEMES = frozenset({"http", "https", "mailto", "ftp"})
#: Schemes that run or embed something: never written into raw HTML.
_NEVER_RAW_SCHEMES = frozenset({"javascript", "vbscript", "data", "file", "blob"})


def _url_key(url: str) -> str:
    """One key for the forms a server answers alike: ``/a/b``, ``/a/b/``, ``/a/b.html``, ``/a/b/index.html``."""
    path = unquote(urlsplit(url).path)
    for ending in ("/index.html", ".html"):
        if path.endswith(ending):
            path = path[: -len(ending)]
    return path.rstrip("/") or "/"


def _relative(path: Path, folder: Path) -> str:
    return Path(os.path.relpath(path, folder)).as_posix()


class ImportSite:
    """A Jekyll site being imported: what its posts' Liquid and links may ask of it."""

    def __init__(self, root: Path, site: JekyllSite, files: SiteFiles) -> None:
        self.root = root
        self.site = site
        self.relative = {document.path: document.relative for document in files.documents}
        #: Old URL of each post, by its path from the site root.
        self.urls: dict[str, str] = {}
        #: Old URL of each post, by the name {% post_url %} uses (folders in _posts kept).
        self.post_names: dict[str, str] = {}
        #: The article each old URL now is.
        self.articles: dict[str, Path] = {}
        self._data: dict[str, Any] = {}
        self._by_key: dict[str, Path] | None = None
        #: The addresses the site was served at: links to them are site-relative.
        self.bases = site_urls(site)
        #: The post each article comes from, for the anchors links ask of it.
        self.prepared: dict[Path, PreparedPost] = {}
        #: Article -> (its explicit ids, its headings' automatic ids), as Jekyll made them.
        self._anchors: dict[Path, tuple[set[str], set[str]]] = {}
        #: Article -> {automatic heading id: the MyST target to add before that heading}.
        self.targets_wanted: dict[Path, dict[str, str]] = {}
        kramdown = site.data.get("kramdown") if isinstance(site.data, Mapping) else None
        given = kramdown.get("input") if isinstance(kramdown, Mapping) else None
        #: Jekyll's kramdown reads GFM unless the site says ``input: kramdown``.
        self.gfm = str(given or "GFM").lower() != "kramdown"

    def anchor(self, article: Path, fragment: str) -> str | None:
        """What ``#fragment`` of the post that became ``article`` is there, ``None`` if nothing.

        An id the post gave (``{: #id}``, ``{#id}``, ``csssig``) is a MyST
        target of the article already; a heading's automatic id gets a target
        before that heading, named after the article, since targets are
        project-wide.
        """
        if article not in self._anchors:
            prepared = self.prepared.get(article)
            if prepared is None:
                return None
            # The headings as converted, without the links (they do not change them).
            body, _ = convert_liquid(prepared.body, prepared.body_line, self.liquid(prepared))
            body, _ = convert_kramdown(body, prepared.body_line)
            self._anchors[article] = (
                explicit_ids(body),
                {made for _, made in heading_ids(body, self.gfm)},
            )
        explicit, automatic = self._anchors[article]
        if fragment in explicit:
            return fragment
        if fragment in automatic:
            label = f"{article.parent.parent.name}-{article.parent.name}-{article.stem}-{fragment}"
            self.targets_wanted.setdefault(article, {})[fragment] = label
            return label
        return None

    def with_targets(self, article: Path, text: str) -> str:
        """The article's text with the targets links to its headings asked for."""
        wanted = self.targets_wanted.get(article)
        return add_targets(text, wanted, self.gfm) if wanted else text

    def note_post(self, prepared: PreparedPost, url: str, target: Path) -> None:
        source = prepared.source
        relative = self.relative.get(source, source.name)
        self.urls[relative] = url
        self.articles[url] = target
        self.prepared[target] = prepared
        within_posts = relative.split("_posts/", 1)[-1]
        self.post_names[within_posts.rsplit(".", 1)[0]] = url
        self.post_names.setdefault(PurePosixPath(within_posts).stem, url)

    def post_url(self, name: str) -> str | None:
        name = name.strip().strip("/")
        return self.post_names.get(name) or self.post_names.get(name.rsplit(".", 1)[0])

    def link(self, path: str) -> str | None:
        path = path.strip().lstrip("/")
        return self.urls.get(path) or page_url(self.root, self.site, path)

    def data(self, name: str) -> Any:
        if name not in self._data:
            self._data[name] = data_file(self.root, self.site, name)
        return self._data[name]

    def liquid(self, post: PreparedPost) -> LiquidContext:
        return LiquidContext(
            self.site.data, post.data, self.data, self.post_url, self.link, self.include
        )

    def include(self, name: str) -> str | None:
        return include_file(self.root, self.site, name)

    def article_for(self, path: str) -> Path | None:
        if self._by_key is None:
            self._by_key = {_url_key(url): target for url, target in self.articles.items()}
        return self._by_key.get(_url_key(path))

    def links(self, post: PreparedPost, target: Path, assets: Assets) -> Resolver:
        """What each URL of ``post`` (whose article is ``target``) now is."""
        return _PostLinks(self, post, post.old_url or "/", target.parent, assets)


@dataclass
class _PostLinks:
    """The :data:`~kb.jekyll.sitelinks.Resolver` of one post of ``site``."""

    site: ImportSite
    post: PreparedPost
    #: The post's old URL, which relative URLs are read against.
    page: str
    #: The folder of the post's article, which new addresses are relative to.
    here: Path
    assets: Assets

    def __call__(self, url: str, image: bool, line: int) -> Resolved | None:
        url = url.strip()
        if not url or url.startswith("#"):
            return None
        scheme = urlsplit(url).scheme.lower()
        if scheme in _NEVER_RAW_SCHEMES or scheme in ("mailto", "tel"):
            return None  # left as the post wrote it, never made raw HTML
        url = self._site_relative(url)
        parts = urlsplit(url)
        if parts.scheme and parts.scheme.lower() not in _MYST_SCHEMES:
            # ruby-core:03694, rsync://…: as written, in raw HTML, since MyST
            # would read such a link as a reference to a missing document.
            return Resolved(url, raw=True)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        path = parts.path if parts.path.startswith("/") else urljoin(self.page, parts.path)
        article = self.site.article_for(path)
        if article is not None:
            return self._to_article(article, path, unquote(parts.fragment), line)
        return self._to_site(path, parts.fragment, image, line)

    def _site_relative(self, url: str) -> str:
        """``url`` without the address the site was served at, if it starts with one."""
        for base in self.site.bases:
            if url == base or url.startswith((base + "/", base + "#", base + "?")):
                return url[len(base) :] or "/"
        return url

    def _to_article(self, article: Path, path: str, fragment: str, line: int) -> Resolved:
        """A link to the post that became ``article``, to its anchor when it has one."""
        address = _relative(article, self.here)
        if not fragment:
            return Resolved(address)
        anchor = self.site.anchor(article, fragment)
        if anchor is not None:
            return Resolved(f"{address}#{anchor}")
        self.post.diagnostics.append(
            Diagnostic(
                self.post.source,
                line,
                f"link to {path}#{fragment}: the imported article has no such anchor "
                "(only its headings and the ids the post gave have one in kb); "
                "the link leads to the article",
            )
        )
        return Resolved(address)

    def _to_site(self, path: str, fragment: str, image: bool, line: int) -> Resolved | None:
        """A link to a file of the site (copied) or to a page that was not imported."""
        site = self.site
        found = site_file(site.root, site.site, path)
        if found is not None and found.suffix.lower() not in _PAGE_SUFFIXES:
            copied = self.assets.copy(site.root, found, self.post.source, line)
            if copied is not None:
                return Resolved(_relative(copied, self.here))
            return None
        what = "image" if image else "link"
        address = f"{site.bases[0]}{path}" if site.bases else path
        if fragment:
            address += f"#{fragment}"
        if found is None and image:
            self.post.diagnostics.append(
                Diagnostic(
                    self.post.source,
                    line,
                    f"image {path} is not a file of the site; kept as written",
                )
            )
            return None
        self.post.diagnostics.append(
            Diagnostic(
                self.post.source,
                line,
                f"{what} to {path}, a page of the Jekyll site that was not imported; "
                f"now {'to ' + address if site.bases else 'kept as a plain HTML link'}",
            )
        )
        return Resolved(address, raw=not site.bases)
