"""The machine-readable phase: ``llms.txt``, each article as Markdown, OpenSearch.

At ``build-finished`` (after the feeds, before :mod:`kb.sphinx.sharing`'s files), for a
website with articles, through the build's :class:`kb.sphinx.outputs.Outputs` (written
only when changed, removed when no longer made):

* ``llms.txt`` at the root (``kb_llms_txt``), as https://llmstxt.org/ proposes:
  the site's name and ``kb_site_description``, then one section per category
  (most articles first) linking every listed article with its excerpt, one
  for articles without a category, and one per glossary kind with each
  entry's summary;
* beside each listed article's page, its Markdown (``x.html.md``, the
  proposal's name), which ``llms.txt`` links: one file per article rather
  than one ``llms-full.txt``, which at 2,000 articles would be a single file
  of the whole site's text that a reader has to fetch whole. Drafts and
  undated articles get neither. It is the article's one copy of its source:
  Sphinx's own (``_sources/…md.txt``, ``html_copy_source``) is not made for
  such an article (``html-page-context``: 10.9 KiB an article, some 210 MiB at
  20,000), and the theme's "show source" link (``pathto('_sources/' +
  sourcename, 1)`` in every theme) leads to the Markdown instead;
* ``opensearch.xml`` (``kb_opensearch``), whose template opens kb's results
  page (``search.html?q={searchTerms}``), linked from every page with
  ``<link rel="search">``. It needs absolute URLs: without ``html_baseurl`` it
  is left out, silently (:mod:`kb.sphinx.sharing` already says what the base URL is
  for). Sphinx's own ``html_use_opensearch`` is another file
  (``_static/opensearch.xml``), which Furo does not link.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast
from urllib.parse import quote
from xml.etree import ElementTree

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from kb.core.claims import LLMS_TXT_OWNER, MARKDOWN_OWNER, OPENSEARCH_OWNER
from kb.core.frontmatter import split_front_matter
from kb.core.llms import ArticleFacts, Link, article_markdown, llms_txt
from kb.core.names import name_key
from kb.core.records import Article
from kb.core.targets import glossary_title
from kb.core.values import clip_excerpt, shown
from kb.sphinx.affected import current_scope
from kb.sphinx.config import kb_config, site_name
from kb.sphinx.domain import KbDomain, domain_of, writes_website
from kb.sphinx.i18n import _, wording_of
from kb.sphinx.outputs import Outputs, Refused, digest_of
from kb.sphinx.render import templates_of

logger = logging.getLogger(__name__)

MACHINE = "machine"
LLMS_TXT = "llms.txt"
OPENSEARCH = "opensearch.xml"
#: The OpenSearch 1.1 namespace (https://github.com/dewitt/opensearch).
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
#: OpenSearch's limit on ``ShortName``.
SHORT_NAME_LENGTH = 16
_URL_SAFE = "/#%:@!$&'()*+,;=-._~"


def _base(app: Sphinx) -> str:
    base = app.config.html_baseurl or ""
    return base if not base or base.endswith("/") else base + "/"


def _url(app: Sphinx, relative: str) -> str:
    """The URL of ``relative`` (from the site root): absolute with ``html_baseurl``,
    else relative to the root, where ``llms.txt`` is."""
    return _base(app) + quote(relative, safe=_URL_SAFE)


def writes_opensearch(app: Sphinx) -> bool:
    return bool(
        kb_config(app).opensearch
        and _base(app)
        and writes_website(app.builder)
        and domain_of(app.env).has_articles()
    )


def _refused(setting: str, refusal: Refused, location: Any = None) -> None:
    logger.warning(
        "%s = True: not written at %s: %s",
        setting,
        shown(refusal.relative),
        refusal.reason,
        type="kb",
        subtype="output",
        location=location,
    )


# --- each article as Markdown -----------------------------------------------------------


def _listed(domain: KbDomain) -> list[Article]:
    return [article for article in domain.listed_articles() if article.is_article]


def has_markdown_copy(app: Sphinx, article: Article | None) -> bool:
    """Whether this build writes ``article``'s Markdown beside its page (as :func:`_listed`)."""
    return bool(
        article is not None
        and article.listed
        and article.is_article
        and kb_config(app).llms_txt
        and writes_website(app.builder)
    )


def markdown_path(outputs: Outputs, builder: StandaloneHTMLBuilder, docname: str) -> str:
    """``articles/2025/11/x.html.md``: the page's own path with ``.md`` added."""
    return outputs.relative(builder.get_output_path(docname)) + ".md"


def _facts(app: Sphinx, domain: KbDomain, article: Article) -> ArticleFacts:
    series = domain.series_of(article.docname)
    return ArticleFacts(
        title=article.title,
        url=_url(app, app.builder.get_target_uri(article.docname)),
        date=article.date,
        updated=article.updated,
        authors=domain.display_names(article, "author"),
        categories=domain.display_names(article, "category"),
        tags=domain.display_names(article, "tag"),
        excerpt=clip_excerpt(article.excerpt),
        series=series.name if series is not None else "",
        series_part=series.number(article.docname) if series is not None else 0,
    )


def write_markdown(
    app: Sphinx, outputs: Outputs, stamp: str, redo: set[str] | None = None
) -> dict[str, str]:
    """Each listed article's Markdown beside its page; docname -> its path.

    ``redo``: the articles whose Markdown may have changed (None: any); the
    others keep the file the last build wrote, unless it is gone.
    """
    builder = cast("StandaloneHTMLBuilder", app.builder)
    domain = domain_of(app.env)
    written: dict[str, str] = {}
    for article in _listed(domain):
        relative = markdown_path(outputs, builder, article.docname)
        if redo is not None and article.docname not in redo and _kept(outputs, relative):
            written[article.docname] = relative
            continue
        facts = _facts(app, domain, article)
        # When Sphinx last read the source stands for its text: a rebuild reads again
        # only the articles whose source or facts changed, not all of them.
        digest = digest_of(repr((stamp, facts, app.env.all_docs.get(article.docname))))
        try:
            if outputs.unchanged(relative, digest):
                outputs.note(relative, digest, MACHINE)
            else:
                try:
                    source = Path(app.env.doc2path(article.docname)).read_text(
                        encoding=app.config.source_encoding, errors="replace"
                    )
                except (OSError, LookupError):
                    continue  # reading the document reported it
                text = article_markdown(facts, split_front_matter(source)[1])
                outputs.write(relative, text, MACHINE, digest, owner=MARKDOWN_OWNER)
        except Refused as refusal:
            _refused("kb_llms_txt", refusal, article.docname)
            continue
        written[article.docname] = relative
    return written


# --- llms.txt ------------------------------------------------------------------------------


def llms_sections(
    app: Sphinx, domain: KbDomain, markdown: dict[str, str]
) -> list[tuple[str, list[Link]]]:
    """Categories (most articles first), articles without one, then the glossary."""

    def link(article: Article) -> Link:
        target = markdown.get(article.docname)
        url = (
            _url(app, target) if target else _url(app, app.builder.get_target_uri(article.docname))
        )
        return Link(article.title, url, clip_excerpt(article.excerpt))

    sections: list[tuple[str, list[Link]]] = []
    for term in domain.taxonomy.sorted_terms("category", "count"):
        articles = [a for a in term.articles if a.is_article]
        sections.append((term.name, [link(article) for article in articles]))
    loose = [a for a in _listed(domain) if not a.categories]
    sections.append((_("Other articles"), [link(article) for article in loose]))
    config = kb_config(app)
    words = wording_of(app)
    for kind, spec in config.glossary_kinds.items():
        entries = sorted(
            (e for e in domain.entries.values() if e.kind == kind), key=lambda e: name_key(e.name)
        )
        links = [
            Link(entry.name, _url(app, app.builder.get_target_uri(entry.docname)), entry.summary)
            for entry in entries
        ]
        sections.append((glossary_title(words, kind, spec), links))
    return sections


def _kept(outputs: Outputs, relative: str) -> bool:
    """Keep a file of this group the last build wrote, when it is still there."""
    known = outputs.previous.get(relative)
    if known is None or known[0] != MACHINE or not outputs.unchanged(relative, known[1]):
        return False
    outputs.note(relative, known[1], MACHINE)
    return True


def _to_redo(domain: KbDomain, same_stamp: bool) -> set[str] | None:
    """The articles whose Markdown may differ from the last build's (None: any): with
    the same settings and an edit whose scope is known, those read again (their
    text) and those whose record changed (their facts); no other article's
    names, series or address moved."""
    if not same_stamp:
        return None
    if not domain.lists_changed:
        return set(domain.read_docs)
    scope = current_scope(domain)
    return None if scope is None else domain.read_docs | scope.changed


def write_llms(app: Sphinx, outputs: Outputs, stamp: str, same_stamp: bool = False) -> None:
    domain = domain_of(app.env)
    redo = _to_redo(domain, same_stamp)
    markdown = write_markdown(app, outputs, stamp, redo)
    if redo is not None and not domain.lists_changed and _kept(outputs, LLMS_TXT):
        return  # the same articles, titles, excerpts and categories as last time
    text = llms_txt(
        site_name(app), kb_config(app).site_description, llms_sections(app, domain, markdown)
    )
    try:
        outputs.write(LLMS_TXT, text, MACHINE, owner=LLMS_TXT_OWNER)
    except Refused as refusal:
        _refused("kb_llms_txt", refusal)


# --- OpenSearch --------------------------------------------------------------------------------


def opensearch_description(app: Sphinx) -> bytes:
    """An OpenSearch 1.1 description whose template opens the site's search page."""
    name = site_name(app)
    description = kb_config(app).site_description or name
    root = ElementTree.Element("OpenSearchDescription", xmlns=OPENSEARCH_NS)
    ElementTree.SubElement(root, "ShortName").text = name[:SHORT_NAME_LENGTH]
    ElementTree.SubElement(root, "Description").text = description[:1024]
    ElementTree.SubElement(root, "InputEncoding").text = "UTF-8"
    ElementTree.SubElement(root, "Language").text = app.config.language or "ja"
    results = _url(app, app.builder.get_target_uri("search"))
    ElementTree.SubElement(
        root, "Url", type="text/html", method="get", template=results + "?q={searchTerms}"
    )
    ElementTree.SubElement(
        root,
        "Url",
        type="application/opensearchdescription+xml",
        rel="self",
        template=_url(app, OPENSEARCH),
    )
    ElementTree.indent(root)
    body = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()


def write_opensearch(app: Sphinx, outputs: Outputs) -> None:
    try:
        outputs.write(
            OPENSEARCH,
            opensearch_description(app),
            MACHINE,
            owner=OPENSEARCH_OWNER,
        )
    except Refused as refusal:
        _refused("kb_opensearch", refusal)


def add_search_link(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``<link rel="search">`` to the OpenSearch description, on every page."""
    if not writes_opensearch(app):
        return
    href = relative_uri(app.builder.get_target_uri(pagename), OPENSEARCH)
    link = templates_of(app).render("kb/search-link.html", title=site_name(app), href=href)
    context["metatags"] = context.get("metatags", "") + "\n" + link


def link_source_to_markdown(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """An article with a Markdown copy gets no copy in ``_sources``; its source link leads
    to the Markdown.

    The theme still sees the page's ``sourcename`` (every theme shows its link only then)
    and asks ``pathto`` for ``_sources/`` + it, which now answers with the Markdown's
    address. Sphinx copies the source after writing the page when its builder's
    ``copysource`` is on: it is set for each page here, just before that page is
    written (``handle_page`` writes one page at a time in each process).
    """
    builder = app.builder
    if not isinstance(builder, StandaloneHTMLBuilder):
        return
    sourcename = str(context.get("sourcename") or "")
    article = domain_of(app.env).articles.get(pagename)
    own_copy = bool(sourcename) and has_markdown_copy(app, article)
    builder.copysource = type(builder).copysource and not own_copy
    if not own_copy:
        return
    page = builder.get_target_uri(pagename)
    # Beside the page's file, whose folder is the page's address's (x.html, x/index.html).
    markdown = builder.get_output_path(pagename).name + ".md"
    source_link = "_sources/" + sourcename
    pathto = context["pathto"]

    def pathto_markdown(otheruri: str, resource: bool = False, baseuri: str = page) -> str:
        if resource and otheruri == source_link and baseuri == page:
            return markdown
        return pathto(otheruri, resource, baseuri)

    context["pathto"] = pathto_markdown


# --- end of build ------------------------------------------------------------------------------


def finish(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not writes_website(app.builder):
        return
    domain = domain_of(app.env)
    if not domain.has_articles():
        return  # a project without articles has nothing for these readers
    config = kb_config(app)
    outputs = domain.outputs(app.builder.outdir)
    stamp = "|".join(
        str(value)
        for value in (
            _base(app),
            site_name(app),
            config.site_description,
            app.config.language,
            app.builder.name,
            config.llms_txt,
            writes_opensearch(app),
            wording_of(app).language,
        )
    )
    same_stamp = outputs.stamp(MACHINE, stamp)
    if not domain.records_changed and same_stamp and outputs.keep_group(MACHINE):
        return  # nothing read or removed: every file on disk is current
    if config.llms_txt:
        write_llms(app, outputs, stamp, same_stamp)
    if writes_opensearch(app):
        write_opensearch(app, outputs)


def setup(app: Sphinx) -> None:
    app.connect("html-page-context", add_search_link)
    app.connect("html-page-context", link_source_to_markdown)
    # After the feeds (500), before kb.sphinx.sharing's files (700): kb.sphinx.outputs.PRIORITY.
    app.connect("build-finished", finish, priority=600)
