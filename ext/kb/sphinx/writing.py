"""The writing phase: generated pages, placeholders filled, head tags, kb's files.

* ``env-get-updated`` compares, for each page with placeholders, the plain
  values its generated content is made from with those it was last written
  with, so exactly the pages whose lists changed are rewritten, without
  re-reading anything;
* ``doctree-resolved`` renders each ``kb_dynamic`` placeholder through its
  template (:mod:`kb.sphinx.views`); the HTML carries the ``no-search`` class, so the
  search index reads a page's own text, not the lists of other articles;
* ``html-collect-pages`` yields the tag, category, author, month and glossary
  overview pages whose inputs changed (the others stay as they are on disk);
* every file kb writes goes through the build's :class:`kb.sphinx.outputs.Outputs`,
  whose manifest is saved at ``build-finished`` (priority 900, after the
  other phases have written theirs).

Chosen over generated source files (as sphinx-tags writes): nothing goes into
the source tree, so sphinx-autobuild has nothing to react to and ``git
status`` stays clean; pages of tags that no longer exist are removed.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import sphinx
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.builders.epub3 import Epub3Builder as EpubBuilder
from sphinx.builders.gettext import MessageCatalogBuilder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment import BuildEnvironment
from sphinx.errors import NoUri
from sphinx.util import logging

from kb.core.targets import GeneratedPage, overview_pagename, sections
from kb.core.version import __version__
from kb.sphinx.affected import current_scope, pages_with_changed_content
from kb.sphinx.book import book_chapter_of, placeholder_nodes
from kb.sphinx.config import kb_config
from kb.sphinx.directives import generated_page_table, sphinx_tags_page, tag_titles
from kb.sphinx.domain import (
    OPENGRAPH,
    KbDomain,
    assembles_book,
    domain_of,
    renders_extra_pages,
    shows_kb,
    writes_website,
)
from kb.sphinx.i18n import _, wording_of
from kb.sphinx.nodes import kb_dynamic, kb_filled
from kb.sphinx.outputs import MANIFEST, digest_of
from kb.sphinx.placeholders import placeholder
from kb.sphinx.render import KB_TEMPLATES, Linker, Templates, linker_for, templates_of
from kb.sphinx.views import Page, article_head, generated_pages

logger = logging.getLogger(__name__)

PAGES = "pages"
STATIC = "static"
STATIC_FOLDER = Path(__file__).parent.parent / "static"
#: kb's own style sheets and scripts, added to the pages that show something of kb's.
CSS_FILES = ("kb.css", "kb-glossary.css", "kb-graph.css")
JS_FILES = ("kb.js",)
#: What sphinx-design (loaded by kb for its badges and cards) adds to every page.
DESIGN_FILES = ("sphinx-design.min.css", "design-tabs.js")


# --- placeholders -------------------------------------------------------------------


def node_options(node: kb_dynamic) -> dict[str, Any]:
    return {
        key: value
        for key, value in node.attributes.items()
        if key not in nodes.Element.basic_attributes and key != "kind"
    }


def document_of(node: nodes.Node, docname: str) -> str:
    """The document a node comes from: in a book (latex, singlehtml) every
    document sits in the root's tree, inside a ``start_of_file`` naming it."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, addnodes.start_of_file):
            return str(parent["docname"])
        parent = parent.parent
    return docname


def fill_placeholders(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Render every placeholder of the page being written."""
    found = list(doctree.findall(kb_dynamic))
    if not found:
        return
    if app.builder.format != "html":
        for node in found:
            options = node_options(node)
            content = placeholder_nodes(app, node["kind"], options, document_of(node, docname))
            if content:
                node.replace_self(content)
            else:
                node.parent.remove(node)
        return
    domain = domain_of(app.env)
    config = kb_config(app)
    templates = templates_of(app)
    url = linker_for(app.builder, docname, renders_extra_pages(app.builder))
    for node in found:
        options = node_options(node)
        view = placeholder(node["kind"], options)
        owner = document_of(node, docname)
        rendering = view.rendering(domain, config, owner, options, templates, url) if view else None
        if rendering is None:
            node.parent.remove(node)
            continue
        filled = kb_filled(classes=["no-search"])
        filled.rendering = rendering
        node.replace_self(filled)


# --- generated pages ---------------------------------------------------------------------


def _html(builder: Builder) -> StandaloneHTMLBuilder:
    """The builder as what :func:`renders_extra_pages` checked it to be."""
    return cast("StandaloneHTMLBuilder", builder)


def _stamp(app: Sphinx) -> str:
    """What besides a page's inputs shapes it: versions, configuration, templates,
    the sidebar's sections (see :func:`pages_with_other_sections`)."""
    builder = app.builder
    build_info = getattr(builder, "build_info", None)
    config_hash = getattr(build_info, "config_hash", "") if build_info else ""
    newest = templates_of(app).newest_mtime()
    shown = digest_of(str(domain_of(app.env).data.get("sidebar_sections", "")))
    return f"{sphinx.__version__}|{__version__}|{config_hash}|{builder.name}|{newest}|{shown}"


def collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    builder = app.builder
    if not renders_extra_pages(builder):
        return
    domain = domain_of(app.env)
    outputs = domain.outputs(builder.outdir)
    stamp = _stamp(app)
    same_stamp = outputs.stamp(PAGES, stamp)
    # The project's own documents, by the file each is written to: at a path kb
    # would write a page to, the project's page wins.
    documents = {
        outputs.relative(_html(builder).get_output_path(doc)): doc for doc in app.env.found_docs
    }
    if (
        not domain.lists_changed
        and same_stamp
        and documents.keys().isdisjoint(outputs.previous_files(PAGES))
        and outputs.keep_group(PAGES)
        and not isinstance(builder, EpubBuilder)
    ):
        # Nothing was read or removed and nothing that shapes a page changed:
        # every generated page on disk is current. (An EPUB is made again from
        # its files on every build, and its reading order with it.)
        return
    config = kb_config(app)
    templates = templates_of(app)
    # Feeds are written for a website with a base URL (kb.sphinx.feeds); no link to one otherwise.
    with_feeds = writes_website(builder) and bool(app.config.html_baseurl)
    pages = generated_pages(
        domain, config, generated_page_table(app), templates.words, with_feeds, tag_titles(app.config)
    )
    scope = current_scope(domain) if same_stamp else None
    if isinstance(builder, EpubBuilder):
        read_in_order(app, pages)
    for page in pages:
        relative = outputs.relative(_html(builder).get_output_path(page.pagename))
        document = documents.get(relative)
        if document is not None:
            logger.warning(
                "kb's page %s (%s) is not written at %s: the project's document %s is "
                "there, and it wins; to have both, give kb's pages another folder "
                "(kb_tags_path, kb_categories_path, kb_authors_path, kb_archive_path)",
                page.pagename,
                page.title,
                relative,
                document,
                type="kb",
                subtype="output",
                location=document,
            )
            continue
        kept = outputs.previous.get(relative)
        if (
            scope is not None
            and not scope.lists(page.subject)
            and kept
            and kept[0] == PAGES
            and outputs.unchanged(relative, kept[1])
        ):
            # A list this build's edits leave alone: as it was (its inputs are not made).
            outputs.note(relative, kept[1], PAGES)
            continue
        digest = digest_of(f"{stamp}|{page.title}|{page.made_of()!r}")
        if outputs.unchanged(relative, digest):
            outputs.note(relative, digest, PAGES)
            continue
        outputs.note(relative, digest, PAGES)
        yield page.pagename, page_context(page, templates, linker_for(builder, page.pagename), app), "page.html"


def read_in_order(app: Sphinx, pages: list[Page]) -> None:
    """An EPUB's reading order: after the project's own chapters, the articles
    newest first (as the archive lists them), then the overviews kb generates.

    Sphinx puts only the root's toctree in the spine and the rest aside
    (``linear="no"``); ``epub_post_files`` is its way to add chapters. Set for
    this build only, at the end of writing, after the environment was saved.
    """
    env = app.env
    builder = app.builder
    domain = domain_of(env)
    in_toctree = {app.config.root_doc}
    pending = [app.config.root_doc]
    while pending:
        for included in env.toctree_includes.get(pending.pop(), ()):
            if included not in in_toctree:
                in_toctree.add(included)
                pending.append(included)
    chapters = [
        (article.docname, article.title)
        for article in domain.listed_articles()
        if article.is_article and article.docname not in in_toctree
    ]
    overviews = {overview_pagename(kb_config(app), kind) for kind in ("tag", "category", "author", "archive")}
    chapters += [
        (page.pagename, page.title)
        for page in pages
        if page.pagename in overviews or page.template == "kb/glossary-overview.html"
    ]
    app.config.epub_post_files = [
        *app.config.epub_post_files,
        *((builder.get_target_uri(name), title) for name, title in chapters),
    ]
    # kb's record of what it wrote stays beside the book, not in it.
    app.config.epub_exclude_files = [*app.config.epub_exclude_files, MANIFEST]


def page_context(page: Page, templates: Templates, url: Linker, app: Sphinx) -> dict[str, Any]:
    config = kb_config(app)
    context: dict[str, Any] = {
        # Templates take the title as HTML (Sphinx renders document titles to
        # HTML), stripping tags for <title>: plain text must be escaped or a
        # name like "<b>" loses characters there.
        "title": html.escape(page.title),
        "body": page.render(templates, url, config),
        "kb_generated": True,
        "display_toc": False,
        "toc": "",
    }
    if page.description:
        context["metatags"] = templates.render("kb/page-meta.html", description=page.description)
    return context


# --- page context ------------------------------------------------------------------------


def existing_pages(app: Sphinx) -> Callable[[str], bool]:
    """Whether a page exists in this build: a document, or a page kb writes here."""
    documents = app.env.found_docs
    if not renders_extra_pages(app.builder):
        return documents.__contains__
    generated = generated_page_table(app)
    return lambda pagename: pagename in documents or pagename in generated


def pages_with_other_sections(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Every page, when the sidebar's sections differ from the last build's (the first
    author added makes the authors' overview, which every page's sidebar then links)."""
    domain = domain_of(env)
    if not domain.lists_changed:
        return []  # no record changed: no overview appeared or went
    shown = repr((app.builder.name, sections(kb_config(app), wording_of(app), existing_pages(app))))
    last = domain.data.get("sidebar_sections")
    domain.data["sidebar_sections"] = shown
    return sorted(env.found_docs) if last is not None and last != shown else []


def add_page_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """kb's style sheets and scripts on the pages that show something of kb's, and
    none on the others: a project's own pages stay as they were without kb.

    Added for the page being written only (Sphinx resets the list for each
    page). sphinx-design's files go too from a page without kb's content, unless
    the project loads sphinx-design itself.
    """
    builder = app.builder
    if not writes_html(builder):
        return
    if shows_kb(domain_of(app.env), pagename, context, doctree):
        html_builder = _html(builder)
        for name in CSS_FILES:
            html_builder.add_css_file(name)
        for name in JS_FILES:
            html_builder.add_js_file(name, defer="defer")
    elif "sphinx_design" not in app.config.extensions:
        for key in ("css_files", "script_files"):
            context[key] = [
                asset
                for asset in context.get(key, ())
                if str(getattr(asset, "filename", asset)).rsplit("/", 1)[-1] not in DESIGN_FILES
            ]


def on_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The sidebar's sections and neighbours; an article's description and head tags.

    The theme renders kb's sidebar with Sphinx's own ``_`` (the ``sphinx``
    catalog), so it gets kb's as ``kb_gettext``.
    """
    domain = domain_of(app.env)
    context["kb_gettext"] = _
    context["kb_sections"] = sections(
        kb_config(app), wording_of(app), existing_pages(app)
    )
    neighbours: list[tuple[str, str]] = []
    article = domain.articles.get(pagename)
    if article is not None and article.listed:
        links = domain.relations
        newer, older = links.newer.get(pagename), links.older.get(pagename)
        if newer:
            neighbours.append((newer.docname, _("Next: %(title)s") % {"title": newer.title}))
        if older:
            neighbours.append((older.docname, _("Previous: %(title)s") % {"title": older.title}))
    context["kb_neighbours"] = neighbours
    if not writes_website(app.builder):
        return  # sharing tags are for pages served on the web
    base = app.config.html_baseurl
    page_url = base.rstrip("/") + "/" + app.builder.get_target_uri(pagename) if base else ""
    head = article_head(domain, pagename, page_url)
    if head is not None:
        meta = templates_of(app).render(
            "kb/head-meta.html", **head, opengraph=OPENGRAPH in app.extensions
        )
        context["metatags"] = context.get("metatags", "") + "\n" + meta


def labelled_page(app: Sphinx, domain: KbDomain, label: str) -> GeneratedPage | None:
    """The generated page a ``{ref}`` label names: kb's labels (``kb-tag-ai``), and
    sphinx-tags' (``tagoverview`` is the tag overview, ``sphx_tag_<name>`` a tag's
    page) when no document of the project has them."""
    table = generated_page_table(app)
    if label == "tagoverview":
        return table.pages.get(overview_pagename(kb_config(app), "tag"))
    if label.startswith("sphx_tag_"):
        for term in domain.taxonomy.terms.get("tag", {}).values():
            if sphinx_tags_page(app.config, term.name).rpartition("/")[2] == label[9:]:
                return table.pages.get(term.pagename)
    return table.labelled(label)


def on_missing_reference(
    app: Sphinx, env: BuildEnvironment, node: Any, contnode: nodes.Element
) -> nodes.reference | None:
    """``{ref}`kb-tag-ai``` and friends point at generated pages."""
    if node.get("refdomain") != "std" or node.get("reftype") != "ref":
        return None
    config = kb_config(env)
    domain = domain_of(env)
    found = labelled_page(app, domain, node["reftarget"])
    if found is None:
        return None
    pagename, title = found.pagename, found.title
    text = contnode if node.get("refexplicit") else nodes.inline(title, title, classes=contnode.get("classes", []))
    builder = app.builder
    if renders_extra_pages(builder):
        uri = builder.get_relative_uri(node["refdoc"], pagename)
    elif assembles_book(builder) and (
        chapter := book_chapter_of(domain, config, wording_of(app), node["reftarget"])
    ):
        # The book has the month's articles and the glossary as chapters of its root.
        try:
            uri = builder.get_relative_uri(node["refdoc"], app.config.root_doc)
        except NoUri:
            return text
        uri = uri.partition("#")[0] + "#" + chapter
    else:
        return text  # no such page in this format: its name, unlinked
    reference = nodes.reference("", "", internal=True, refuri=uri, classes=["kb-page-link"])
    reference += text
    return reference


def settle_records(app: Sphinx, env: BuildEnvironment) -> None:
    """Once reading is over: did any record change? (see :meth:`KbDomain.settle`)."""
    domain_of(env).settle()


def report_taxonomy(app: Sphinx, env: BuildEnvironment) -> None:
    """Report slug collisions, series out of order and taxonomy-file problems once the
    records are complete."""
    domain: KbDomain = domain_of(env)
    if not domain.records_changed:
        return  # nothing read or removed: the build that made this taxonomy reported it
    taxonomy = domain.taxonomy
    for collision in taxonomy.collisions:
        logger.warning(
            "%s",
            collision.message,
            type="kb",
            subtype="slug_collision",
            location=collision.docname,
        )
    for problem in taxonomy.series.problems:
        line = domain.series_line(problem.docname, problem.key)
        logger.warning(
            "%s",
            problem.message,
            type="kb",
            subtype="series",
            location=(problem.docname, line) if line else problem.docname,
        )
    overrides = taxonomy.overrides
    for message, line in overrides.problems:
        logger.warning(
            "%s",
            message,
            type="kb",
            subtype="taxonomy",
            location=f"{overrides.path}:{line}" if line else overrides.path,
        )


# --- end of build -------------------------------------------------------------------------


def writes_html(builder: Builder) -> bool:
    """Builders whose pages carry kb's style sheets and scripts (singlehtml too)."""
    return isinstance(builder, StandaloneHTMLBuilder) and builder.format == "html"


def copy_static(app: Sphinx, builder: Builder) -> None:
    """Copy kb's CSS and JS into ``_static`` before any page is written, only when
    they differ: Sphinx adds each file's checksum (``?v=``) to its link when the
    file is there as the page is written, so a clean build and an incremental
    one link the same files the same way, and a browser never keeps a stale copy.

    Not through ``html_static_path``: a path appended there makes Sphinx see a
    changed configuration on every build and rewrite every page.
    """
    if not writes_html(builder):
        return
    outputs = domain_of(app.env).outputs(builder.outdir)
    for source in sorted(STATIC_FOLDER.iterdir()):
        if source.is_file():
            outputs.write(f"_static/{source.name}", source.read_bytes(), STATIC)


def finish_outputs(app: Sphinx, exception: Exception | None) -> None:
    """Remove kb's files this build no longer made, then record what it made."""
    if exception is not None or not writes_html(app.builder):
        return
    domain_of(app.env).finish_outputs()


def add_template_path(app: Sphinx, config: Any) -> None:
    """kb's sidebar template is found by the theme through ``templates_path``."""
    if KB_TEMPLATES not in config.templates_path:
        config.templates_path.append(KB_TEMPLATES)


def keep_templates_out_of_catalogs(app: Sphinx) -> None:
    """``gettext`` collects the messages of every template under ``templates_path`` into
    the project's ``sphinx.pot``. kb's texts are kb's own, translated by its catalogs,
    and Sphinx's collector fails on a ``_()`` given arguments, as kb's templates call it:
    the gettext builder, which renders no template, goes without them."""
    if isinstance(app.builder, MessageCatalogBuilder) and KB_TEMPLATES in app.config.templates_path:
        app.config.templates_path.remove(KB_TEMPLATES)


def setup(app: Sphinx) -> None:
    app.connect("config-inited", add_template_path)
    app.connect("builder-inited", keep_templates_out_of_catalogs)
    app.connect("env-get-updated", pages_with_changed_content)
    app.connect("env-get-updated", pages_with_other_sections)
    app.connect("env-updated", settle_records)
    app.connect("env-updated", report_taxonomy)
    app.connect("doctree-resolved", fill_placeholders, priority=400)
    app.connect("html-collect-pages", collect_pages)
    # Before sphinxext-opengraph (500), which writes a description only where none is.
    app.connect("html-page-context", on_page_context, priority=450)
    app.connect("missing-reference", on_missing_reference)
    app.connect("write-started", copy_static)
    app.connect("build-finished", finish_outputs, priority=900)
    # Before the sharing tags (600): a page's assets are decided before its head.
    app.connect("html-page-context", add_page_assets, priority=450)
