"""The sharing phase: head tags, crawlers, social cards, feed alias.

Drafts are left out of the build by :mod:`kb.sphinx.sources`.

* ``html-page-context``: Open Graph and Twitter tags, JSON-LD (``BlogPosting``
  for articles, ``DefinedTerm`` for glossary entries) and the Atom
  ``alternate`` links, from ``kb/share-meta.html``; a draft built for preview
  gets no ``_sources`` copy, so its text is in its own page only;
* ``build-finished``: the social cards (:mod:`kb.sphinx.socialcards`),
  ``sitemap.xml`` and ``robots.txt``, and the site feed copied to
  ``kb_feed_alias``, all through the build's :class:`kb.sphinx.outputs.Outputs`
  (written only when changed, removed when no longer made); the redirect
  pages follow (:mod:`kb.sphinx.redirecting`).

Without ``html_baseurl`` the features that need absolute URLs (Atom feeds and
their alias and ``<link>`` tags, ``sitemap.xml``, social cards, ``og:image``,
``og:url``) are left out with one warning in all (``kb.config``, here; the feeds
phase leaves its files out silently); nothing invents a host name.

sphinx-sitemap was not used: it lists only the pages written in the current
build (an incremental build gives a partial sitemap), takes ``lastmod`` from
git rather than front matter, and rewrites the file on every build.
sphinxext-opengraph was not used: it has one ``og:type`` for all pages, takes
the description from the body text rather than the excerpt, and draws its
cards with matplotlib without a pinned CJK font; kb's ``head-meta.html``
already carries the tags it would add.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast
from xml.etree import ElementTree

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging
from sphinx.util.matching import Matcher
from sphinx.util.osutil import relative_uri

from kb.core.records import Article
from kb.core.settings import KbConfig
from kb.core.targets import (
    entry_kind,
    feed_path,
    feed_title,
    has_feed,
    json_feed_path,
)
from kb.core.taxonomy import Term
from kb.core.values import clip_excerpt, shown
from kb.pictures import cards
from kb.search.files import FOLDER as SEARCH_FOLDER
from kb.sphinx.config import absolute_url, base_url, kb_config, site_name
from kb.sphinx.domain import (
    OPENGRAPH,
    SITEMAP,
    KbDomain,
    domain_of,
    renders_extra_pages,
    shows_kb,
    writes_website,
)
from kb.sphinx.i18n import wording_of
from kb.sphinx.outputs import MANIFEST, Outputs, Owner, Refused, digest_of
from kb.sphinx.render import Templates, templates_of
from kb.sphinx.socialcards import card_path, write_cards

logger = logging.getLogger(__name__)

FEEDS = "feeds"
CRAWLERS = "crawlers"
FEED_ALIAS = "feed-alias"


def _templates(app: Sphinx) -> Templates:
    return templates_of(app)


def _warn(message: str, *args: Any, subtype: str, location: Any = None) -> None:
    logger.warning(message, *args, type="kb", subtype=subtype, location=location)


# --- head tags -----------------------------------------------------------------------------


def _iso(moment: dt.datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


def _feeds(
    app: Sphinx,
    pagename: str,
    domain: KbDomain,
    path_of: Callable[[KbConfig, Term | None], str] = feed_path,
) -> list[tuple[str, str]]:
    """(title, href) of the feeds a page links: the site's, and a tag's or category's
    own on its page; ``path_of`` gives the Atom or the JSON Feed's path."""
    if not base_url(app):
        return []  # no feed is written without html_baseurl
    config = kb_config(app)
    here = app.builder.get_target_uri(pagename)
    title = config.feed_title or site_name(app)
    found = []
    if has_feed(domain.listed_articles()):
        found.append((title, relative_uri(here, path_of(config, None))))
    for kind in ("tag", "category"):
        for term in domain.taxonomy.terms.get(kind, {}).values():
            if term.pagename == pagename and has_feed(term.articles):
                found.append(
                    (
                        feed_title(wording_of(app), title, term),
                        relative_uri(here, path_of(config, term)),
                    )
                )
    return found


def _article_json(
    app: Sphinx, domain: KbDomain, article: Article, url: str, card: str
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": article.title,
        "datePublished": _iso(article.date),
        "dateModified": _iso(article.updated or article.date),
        "author": [
            {"@type": "Person", "name": name} for name in domain.display_names(article, "author")
        ],
        "keywords": list(domain.display_names(article, "tag")),
        "articleSection": list(domain.display_names(article, "category")),
        "publisher": {"@type": "Organization", "name": site_name(app)},
        "inLanguage": app.config.language or "ja",
    }
    if article.excerpt:
        data["description"] = article.excerpt
    series = domain.series_of(article.docname)
    if series is not None:
        part_of: dict[str, Any] = {"@type": "CreativeWorkSeries", "name": series.name}
        if base_url(app):
            part_of["url"] = absolute_url(app, app.builder.get_target_uri(series.pagename))
        data["isPartOf"] = part_of
        data["position"] = series.number(article.docname)
    if url:
        data["url"] = url
        data["mainEntityOfPage"] = url
    if card:
        data["image"] = {
            "@type": "ImageObject",
            "url": card,
            "width": cards.WIDTH,
            "height": cards.HEIGHT,
        }
    return {key: value for key, value in data.items() if value not in ("", [])}


def hand_to_opengraph(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """With sphinxext-opengraph, an article's Open Graph values go to it as page
    fields (its way to override a page's tags), so each og: tag is written once:
    type ``article``, the excerpt as description, the social card as image.
    Runs before sphinxext-opengraph's handler (500)."""
    if OPENGRAPH not in app.extensions or not writes_website(app.builder):
        return
    article = domain_of(app.env).articles.get(pagename)
    if article is None or not article.is_article:
        return
    fields = dict(context.get("meta") or {})  # a copy: the page's metadata stays as read
    fields.setdefault("og:type", "article")
    excerpt = clip_excerpt(article.excerpt)
    if excerpt:
        fields.setdefault("og:description", excerpt)
    if base_url(app) and kb_config(app).cards and not article.draft:
        fields.setdefault("og:image", absolute_url(app, card_path(pagename)))
        fields.setdefault("og:image:alt", article.title)
    context["meta"] = fields


def say_who_does_what(app: Sphinx) -> None:
    """Once per build: which neighbour writes what kb would otherwise write."""
    if OPENGRAPH in app.extensions:
        logger.info(
            "kb: sphinxext-opengraph writes the og: tags; kb hands it each article's type, "
            "excerpt and social card (remove it from extensions for kb's own tags)"
        )
    if SITEMAP in app.extensions:
        logger.info(
            "kb: sphinx-sitemap writes %s; kb's robots.txt points at it "
            "(remove it from extensions for kb's sitemap with lastmod from front matter)",
            app.config.sitemap_filename,
        )


#: What could end a <script> element or start markup in it, as Jinja's tojson escapes it.
_SCRIPT_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"})


def script_json(data: dict[str, Any]) -> str:
    """``data`` as JSON for a ``<script>`` element: compact and in UTF-8 like the page
    (Jinja's tojson writes each Japanese character as a 6-byte ``\\uXXXX``, twice its
    UTF-8: the JSON-LD of an article took 1.3 KB, now about 0.7)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.translate(_SCRIPT_UNSAFE)


def on_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if not writes_website(app.builder):
        return
    domain = domain_of(app.env)
    if not domain.has_articles() and not shows_kb(domain, pagename, context, doctree):
        return  # a project without articles: its own pages get nothing of kb's
    base = base_url(app)
    draft = domain.articles.get(pagename)
    if draft is not None and draft.draft:
        # Sphinx copies the source to _sources/ for a page with a sourcename.
        context["sourcename"] = ""
    url = absolute_url(app, app.builder.get_target_uri(pagename)) if base else ""
    article = domain.articles.get(pagename)
    values: dict[str, Any] = {
        "site_name": site_name(app),
        "feeds": _feeds(app, pagename, domain),
        "json_feeds": _feeds(app, pagename, domain, json_feed_path)
        if kb_config(app).json_feed
        else [],
        "card": "",
        "card_alt": "",
        "card_width": cards.WIDTH,
        "card_height": cards.HEIGHT,
        "modified": "",
        "json_ld": None,
    }
    if article is not None and article.is_article:
        card = ""
        if base and kb_config(app).cards and not article.draft:
            card = absolute_url(app, card_path(pagename))
        values["card"] = card
        values["card_alt"] = article.title
        values["modified"] = _iso(article.updated or article.date)
        values["json_ld"] = _article_json(app, domain, article, url, card)
    else:
        entry = domain.entries.get(pagename)
        if entry is not None and entry_kind(pagename, kb_config(app)) is not None:
            term: dict[str, Any] = {
                "@context": "https://schema.org",
                "@type": "DefinedTerm",
                "name": entry.name,
                "termCode": entry.anchor,
            }
            if entry.aliases:
                term["alternateName"] = list(entry.aliases)
            if entry.summary:
                term["description"] = entry.summary
            if url:
                term["url"] = url
            values["json_ld"] = term
    if values["json_ld"] is not None:
        values["json_ld"] = script_json(values["json_ld"])
    meta = _templates(app).render(
        "kb/share-meta.html", **values, opengraph=OPENGRAPH in app.extensions
    )
    context["metatags"] = context.get("metatags", "") + "\n" + meta


# --- files at the end of the build -------------------------------------------------------------


def _extra_files(app: Sphinx) -> Iterator[str]:
    """The files Sphinx copies from ``html_extra_path`` (as ``copy_extra_files`` does)."""
    excluded = Matcher(app.config.exclude_patterns)
    for extra in app.config.html_extra_path:
        source = Path(app.confdir, extra)
        if source.is_file():
            yield source.name
            continue
        for folder, folder_names, file_names in os.walk(source, followlinks=True):
            relative = Path(folder).relative_to(source).as_posix()
            prefix = "" if relative == "." else relative + "/"
            folder_names[:] = [name for name in folder_names if not excluded(prefix + name)]
            yield from (prefix + name for name in file_names if not excluded(prefix + name))


def reserve_sphinx_outputs(app: Sphinx, exception: Exception | None) -> None:
    """Claim what Sphinx writes before any kb output claims its path.

    Pages of documents, the index, search and domain index pages, inventories,
    ``html_extra_path`` files and Sphinx's folders are Sphinx's: a redirect,
    card, sitemap or feed alias never replaces them, and kb never deletes them.
    """
    if exception is not None or not renders_extra_pages(app.builder):
        return
    builder = cast("StandaloneHTMLBuilder", app.builder)
    domain = domain_of(app.env)
    outputs = domain.outputs(builder.outdir)
    drafts = {doc for doc, article in domain.articles.items() if article.draft}
    for remembered in (False, True):
        # A draft built for preview keeps its path, but its name goes into
        # no shared file (the manifest remembers the pages of documents).
        docs = (doc for doc in app.env.found_docs if (doc not in drafts) is remembered)
        outputs.reserve(
            (outputs.relative(builder.get_output_path(doc)) for doc in docs), pages=remembered
        )
    pages = [*app.config.html_additional_pages, *(name for name, *_ in builder.domain_indices)]
    if builder.use_index:
        pages.append("genindex")
    if builder.search:
        pages.append("search")
    outputs.reserve(outputs.relative(builder.get_output_path(page)) for page in pages)
    for name in (builder.searchindex_filename, "objects.inv", ".buildinfo", MANIFEST):
        outputs.reserve([name], f"Sphinx's or kb's {name} is there")
    outputs.reserve(_extra_files(app), "a file of html_extra_path is there")
    for folder in ("_static", "_images", "_downloads", "_sources"):
        outputs.reserve_folder(folder, f"it is inside Sphinx's folder {folder}")
    outputs.reserve_folder(SEARCH_FOLDER, f"it is inside the search index folder {SEARCH_FOLDER}")
    doctrees = os.path.relpath(app.doctreedir, builder.outdir)
    if not doctrees.startswith(".."):
        outputs.reserve_folder(Path(doctrees).as_posix(), "it is inside Sphinx's doctrees")


SITEMAP_XML = "sitemap.xml"
#: A page of the sitemap and its date (None: no lastmod).
SitemapPage = tuple[str, "dt.datetime | None"]


def _sitemap_pages(app: Sphinx) -> list[SitemapPage]:
    domain = domain_of(app.env)
    found: list[SitemapPage] = []
    for pagename in sorted(set(app.env.found_docs) | set(domain.taxonomy.pages)):
        article = domain.articles.get(pagename)
        if article is not None and article.draft:
            continue
        found.append((pagename, article.updated or article.date if article is not None else None))
    return found


def _sitemap(app: Sphinx, pages: list[SitemapPage]) -> bytes:
    builder = app.builder
    namespace = "http://www.sitemaps.org/schemas/sitemap/0.9"
    root = ElementTree.Element("urlset", xmlns=namespace)
    for pagename, moment in pages:
        url = ElementTree.SubElement(root, "url")
        ElementTree.SubElement(url, "loc").text = absolute_url(app, builder.get_target_uri(pagename))
        if moment is not None:
            ElementTree.SubElement(url, "lastmod").text = moment.isoformat()
    ElementTree.indent(root)
    body = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()


def _setting_refused(setting: str, value: str, refusal: Refused) -> None:
    _warn(
        "%s = %s: not written at %s: %s",
        setting,
        shown(value),
        shown(refusal.relative),
        refusal.reason,
        subtype="output",
    )


def write_crawler_files(app: Sphinx, outputs: Outputs) -> None:
    if not kb_config(app).sitemap:
        return
    # The sitemap lists every page with its date: made again only when a record,
    # the set of documents or an address could have changed it.
    stamp = "|".join(
        (
            base_url(app),
            app.builder.name,
            str(SITEMAP in app.extensions and app.config.sitemap_filename),
            digest_of("\n".join(sorted(app.env.found_docs))),
        )
    )
    if (
        outputs.stamp(CRAWLERS, stamp)
        and not domain_of(app.env).lists_changed
        and outputs.previous_files(CRAWLERS)
        and outputs.keep_group(CRAWLERS)
    ):
        return
    lines = ["User-agent: *", "Allow: /"]
    if SITEMAP in app.extensions:
        # sphinx-sitemap writes the sitemap (at build-finished, as kb): kb leaves
        # its path alone and points crawlers at it.
        if base_url(app):
            lines.append(f"Sitemap: {absolute_url(app, app.config.sitemap_filename)}")
    elif base_url(app):
        try:
            # Made from its pages and dates, and the stamp (addresses): a tag added
            # to an article leaves them as they were, and the XML is not made again.
            pages = _sitemap_pages(app)
            made_of = digest_of(repr((stamp, pages)))
            if outputs.unchanged(SITEMAP_XML, made_of):
                outputs.note(SITEMAP_XML, made_of, CRAWLERS)
            else:
                outputs.write(SITEMAP_XML, _sitemap(app, pages), CRAWLERS, made_of)
            lines.append(f"Sitemap: {absolute_url(app, SITEMAP_XML)}")
        except Refused as refusal:
            _setting_refused("kb_sitemap", "True", refusal)
    try:
        outputs.write("robots.txt", "\n".join(lines) + "\n", CRAWLERS)
    except Refused as refusal:
        # A robots.txt of the project's own (html_extra_path) wins; one warning says
        # so (kb_sitemap = False keeps kb from making one).
        _setting_refused("kb_sitemap", "True", refusal)


def write_feed_alias(app: Sphinx, outputs: Outputs) -> None:
    setting = kb_config(app).feed_alias
    alias = setting.strip().lstrip("/")
    if not alias or not base_url(app):
        return  # without html_baseurl there is no feed to copy
    feed = feed_path(kb_config(app))
    if outputs.current.get(feed, ("",))[0] != FEEDS:
        return  # the feed itself was not written
    try:
        outputs.claim(alias, Owner(FEED_ALIAS))
        data = (outputs.outdir / feed).read_bytes()
        outputs.write(alias, data, FEED_ALIAS)
    except Refused as refusal:
        _setting_refused("kb_feed_alias", setting, refusal)
    except OSError:
        return


def finish(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not writes_website(app.builder):
        return
    domain = domain_of(app.env)
    # A project without articles has nothing for crawlers or feeds: kb adds no
    # robots.txt or sitemap.xml to it, and needs no base URL.
    articles = domain.has_articles()
    if articles and not base_url(app):
        _warn(
            "html_baseurl is not set: Atom feeds, sitemap.xml, social cards, og:image and "
            "og:url are left out (set it, or build on Read the Docs, which sets it)",
            subtype="base_url",
        )
    outputs = domain.outputs(app.builder.outdir)
    # In the order of kb.sphinx.outputs.PRIORITY: each claims its paths before the
    # next, so the same one keeps a path whatever the order of the articles.
    if articles:
        write_crawler_files(app, outputs)
    write_feed_alias(app, outputs)
    drawn, seconds = write_cards(app, outputs)
    if drawn:
        logger.info("kb: %d social cards drawn in %.2f s", drawn, seconds)


def setup(app: Sphinx) -> None:
    """Its settings (``kb_drafts``, ``kb_cards``…) are declared with the others in kb.core.settings."""
    app.connect("html-page-context", on_page_context, priority=600)
    app.connect("html-page-context", hand_to_opengraph, priority=450)
    app.connect("builder-inited", say_who_does_what)
    # After the feeds (500) so the alias copies this build's feed; before the
    # manifest is saved (900).
    app.connect("build-finished", finish, priority=700)
    # Before any kb output (static files and feeds at 500) claims a path.
    app.connect("build-finished", reserve_sphinx_outputs, priority=400)
