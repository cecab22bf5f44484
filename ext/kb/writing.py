"""The writing phase: generated pages, placeholders filled, head tags, kb's files.

* ``env-get-updated`` compares, for each page with placeholders, the plain
  values its generated content is made from with those it was last written
  with, so exactly the pages whose lists changed are rewritten, without
  re-reading anything;
* ``doctree-resolved`` renders each ``kb_dynamic`` placeholder through its
  template (:mod:`kb.views`); the HTML carries the ``no-search`` class, so the
  search index reads a page's own text, not the lists of other articles;
* ``html-collect-pages`` yields the tag, category, author, month and glossary
  overview pages whose inputs changed (the others stay as they are on disk);
* every file kb writes goes through the build's :class:`kb.outputs.Outputs`,
  whose manifest is saved at ``build-finished`` (priority 900, after the
  other phases have written theirs).

Chosen over generated source files (as sphinx-tags writes): nothing goes into
the source tree, so sphinx-autobuild has nothing to react to and ``git
status`` stays clean; pages of tags that no longer exist are removed.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import sphinx
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from kb.config import kb_config
from kb.domain import KbDomain, domain_of, renders_extra_pages
from kb.i18n import _, wording_of
from kb.nodes import kb_dynamic
from kb.outputs import digest_of
from kb.render import Linker, Templates, linker_for, templates_of
from kb.targets import label_target, sections
from kb.version import __version__
from kb.views import Page, article_head, generated_glossary_kinds, generated_pages, placeholder

logger = logging.getLogger(__name__)

PAGES = "pages"
STATIC = "static"
STATIC_FOLDER = Path(__file__).parent / "static"
#: kb's own style sheets and scripts, added to every page.
CSS_FILES = ("kb.css", "kb-glossary.css", "kb-graph.css")
JS_FILES = ("kb.js",)


# --- placeholders -------------------------------------------------------------------


def _options(spec: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in spec.items() if key != "kind"}


def node_options(node: kb_dynamic) -> dict[str, Any]:
    return {
        key: value
        for key, value in node.attributes.items()
        if key not in nodes.Element.basic_attributes and key != "kind"
    }


def pages_with_changed_content(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages whose generated content changed since they were last written."""
    domain = domain_of(env)
    if not domain.lists_changed:
        return []
    config = kb_config(env)
    words = wording_of(app)
    changed: list[str] = []
    for docname, record in domain.dynamic.items():
        parts = []
        for spec in record["specs"]:
            options = _options(spec)
            found = placeholder(spec["kind"], options)
            if found is not None:
                parts.append(found.fingerprint(domain, config, docname, options, words))
        digest = digest_of("|".join(parts))
        if record["hash"] != digest:
            record["hash"] = digest
            changed.append(docname)
    return changed


def fill_placeholders(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Render every placeholder of the page being written."""
    found = list(doctree.findall(kb_dynamic))
    if not found:
        return
    if app.builder.format != "html":
        for node in found:
            node.parent.remove(node)
        return
    domain = domain_of(app.env)
    config = kb_config(app)
    templates = templates_of(app)
    url = linker_for(app.builder, docname)
    for node in found:
        options = node_options(node)
        view = placeholder(node["kind"], options)
        html = view.render(domain, config, docname, options, templates, url) if view else ""
        if html:
            node.replace_self(nodes.raw("", html, format="html", classes=["no-search"]))
        else:
            node.parent.remove(node)


# --- generated pages ---------------------------------------------------------------------


def _html(builder: Builder) -> StandaloneHTMLBuilder:
    """The builder as what :func:`renders_extra_pages` checked it to be."""
    return cast("StandaloneHTMLBuilder", builder)


def _stamp(app: Sphinx) -> str:
    """What besides a page's inputs shapes it: versions, configuration, templates."""
    builder = app.builder
    build_info = getattr(builder, "build_info", None)
    config_hash = getattr(build_info, "config_hash", "") if build_info else ""
    newest = templates_of(app).newest_mtime()
    return f"{sphinx.__version__}|{__version__}|{config_hash}|{builder.name}|{newest}"


def collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    builder = app.builder
    if not renders_extra_pages(builder):
        return
    domain = domain_of(app.env)
    outputs = domain.outputs(builder.outdir)
    stamp = _stamp(app)
    same_stamp = outputs.stamp(PAGES, stamp)
    if not domain.lists_changed and same_stamp and outputs.keep_group(PAGES):
        # Nothing was read or removed and nothing that shapes a page changed:
        # every generated page on disk is current.
        return
    config = kb_config(app)
    templates = templates_of(app)
    for page in generated_pages(domain, config, app.env.found_docs, templates.words):
        relative = outputs.relative(_html(builder).get_output_path(page.pagename))
        digest = digest_of(f"{stamp}|{page.title}|{page.inputs!r}")
        if outputs.unchanged(relative, digest):
            outputs.note(relative, digest, PAGES)
            continue
        outputs.note(relative, digest, PAGES)
        yield page.pagename, page_context(page, templates, linker_for(builder, page.pagename), app), "page.html"


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


def on_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The sidebar's sections and neighbours; an article's description and head tags.

    The theme renders kb's sidebar with Sphinx's own ``_`` (the ``sphinx``
    catalog), so it gets kb's as ``kb_gettext``.
    """
    domain = domain_of(app.env)
    context["kb_gettext"] = _
    context["kb_sections"] = sections(kb_config(app), wording_of(app))
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
    base = app.config.html_baseurl
    page_url = base.rstrip("/") + "/" + app.builder.get_target_uri(pagename) if base else ""
    head = article_head(domain, pagename, page_url)
    if head is not None:
        meta = templates_of(app).render("kb/head-meta.html", **head)
        context["metatags"] = context.get("metatags", "") + "\n" + meta


def on_missing_reference(
    app: Sphinx, env: BuildEnvironment, node: Any, contnode: nodes.Element
) -> nodes.reference | None:
    """``{ref}`kb-tag-ai``` and friends point at generated pages."""
    if node.get("refdomain") != "std" or node.get("reftype") != "ref":
        return None
    config = kb_config(env)
    domain = domain_of(env)
    kinds = generated_glossary_kinds(config, env.found_docs)
    found = label_target(config, domain.taxonomy, kinds, node["reftarget"], wording_of(app))
    if found is None:
        return None
    if not renders_extra_pages(app.builder):
        return contnode
    pagename, title = found
    uri = app.builder.get_relative_uri(node["refdoc"], pagename)
    reference = nodes.reference("", "", internal=True, refuri=uri, classes=["kb-page-link"])
    if node.get("refexplicit"):
        reference += contnode
    else:
        reference += nodes.inline(title, title, classes=contnode.get("classes", []))
    return reference


def settle_records(app: Sphinx, env: BuildEnvironment) -> None:
    """Once reading is over: did any record change? (see :meth:`KbDomain.settle`)."""
    domain_of(env).settle()


def report_taxonomy(app: Sphinx, env: BuildEnvironment) -> None:
    """Report slug collisions and taxonomy-file problems once the records are complete."""
    domain: KbDomain = domain_of(env)
    taxonomy = domain.taxonomy
    for collision in taxonomy.collisions:
        pairs = ", ".join(
            f"{name!r} → {slug!r}"
            for name, slug in zip(collision.names, collision.slugs, strict=True)
        )
        logger.warning(
            "%s names %s share one slug; each gets its own page: %s",
            collision.kind,
            " / ".join(repr(name) for name in collision.names),
            pairs,
            type="kb",
            subtype="slug_collision",
            location=collision.docname,
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


def copy_static(app: Sphinx, exception: Exception | None) -> None:
    """Copy kb's CSS and JS into ``_static``, only when they differ.

    Not through ``html_static_path``: a path appended there makes Sphinx see a
    changed configuration on every build and rewrite every page.
    """
    if exception is not None or not renders_extra_pages(app.builder):
        return
    outputs = domain_of(app.env).outputs(app.builder.outdir)
    for source in sorted(STATIC_FOLDER.iterdir()):
        if source.is_file():
            outputs.write(f"_static/{source.name}", source.read_bytes(), STATIC)


def finish_outputs(app: Sphinx, exception: Exception | None) -> None:
    """Remove kb's files this build no longer made, then record what it made."""
    if exception is not None or not renders_extra_pages(app.builder):
        return
    domain_of(app.env).finish_outputs()


def add_template_path(app: Sphinx, config: Any) -> None:
    """kb's sidebar template is found by the theme through ``templates_path``."""
    folder = str(Path(__file__).parent / "templates")
    if folder not in config.templates_path:
        config.templates_path.append(folder)


def setup(app: Sphinx) -> None:
    app.connect("config-inited", add_template_path)
    app.connect("env-get-updated", pages_with_changed_content)
    app.connect("env-updated", settle_records)
    app.connect("env-updated", report_taxonomy)
    app.connect("doctree-resolved", fill_placeholders, priority=400)
    app.connect("html-collect-pages", collect_pages)
    app.connect("html-page-context", on_page_context)
    app.connect("missing-reference", on_missing_reference)
    app.connect("build-finished", copy_static)
    app.connect("build-finished", finish_outputs, priority=900)
    for name in CSS_FILES:
        app.add_css_file(name)
    for name in JS_FILES:
        app.add_js_file(name, defer="defer")
