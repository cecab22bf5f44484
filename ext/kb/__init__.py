"""kb: a Sphinx knowledge base for long-form Japanese analysis articles.

``extensions = ["kb"]`` in ``conf.py`` turns MyST articles with Jekyll front
matter into typed records, and builds tag, category, author and date
indexes, Atom feeds, and glossary cross-references from them.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


def _check_config(app: Sphinx, config: Config) -> None:
    from sphinx.util import logging

    from kb.settings import AUTOLINK_MODES

    logger = logging.getLogger(__name__)
    if config.kb_autolink not in AUTOLINK_MODES:
        logger.warning(
            "kb_autolink must be one of %s, not %r; using 'first'",
            ", ".join(AUTOLINK_MODES),
            config.kb_autolink,
            type="kb",
            subtype="config",
        )
        config.kb_autolink = "first"
    try:
        from kb.dates import zone_named

        zone_named(config.kb_timezone)
    except Exception:
        logger.warning(
            "kb_timezone %r is not a known time zone; using Asia/Tokyo",
            config.kb_timezone,
            type="kb",
            subtype="config",
        )
        config.kb_timezone = "Asia/Tokyo"
    if not config.html_baseurl and os.environ.get("READTHEDOCS_CANONICAL_URL"):
        config.html_baseurl = os.environ["READTHEDOCS_CANONICAL_URL"]


def setup(app: Sphinx) -> dict[str, Any]:
    from kb import article, config, dynamic, feeds, nodes, pages
    from kb.domain import EntryRole, KbDomain

    app.setup_extension("sphinx_design")
    from kb import tagsdirective

    tagsdirective.setup(app)
    config.register(app)
    app.connect("config-inited", _check_config, priority=400)
    app.connect("config-inited", config.forget_typed_config, priority=900)
    app.add_domain(KbDomain)
    app.add_node(
        nodes.kb_dynamic,
        html=(nodes.visit_skip, None),
        latex=(nodes.visit_skip, None),
        text=(nodes.visit_skip, None),
        man=(nodes.visit_skip, None),
        texinfo=(nodes.visit_skip, None),
    )

    def add_entry_roles(app: Sphinx, conf: Config) -> None:
        for kind, spec in conf.kb_glossary_kinds.items():
            role = spec.get("role", kind)
            app.add_role_to_domain("kb", role, EntryRole(kind), override=True)
            app.add_role(role, EntryRole(kind), override=True)

    app.connect("config-inited", add_entry_roles)

    app.connect("source-read", article.on_source_read)
    app.connect("env-before-read-docs", article.use_lenient_decoding)
    app.add_transform(article.ArticleTransform)
    from kb.cjk import CjkStrongTransform

    app.add_transform(CjkStrongTransform)
    app.connect("html-page-context", article.on_html_page_context)
    app.connect("builder-inited", article.install_heading_filter)

    app.add_directive("kb-latest", dynamic.LatestDirective)
    app.add_directive("kb-list", dynamic.ListDirective)
    app.add_directive("kb-category-cards", dynamic.CategoryCardsDirective)
    app.add_directive("kb-tag-cloud", dynamic.TagCloudDirective)
    app.add_post_transform(dynamic.FillDynamic)
    app.connect("env-get-updated", dynamic.on_env_get_updated)
    app.connect("env-get-outdated", dynamic.on_env_get_outdated)
    app.connect("env-before-read-docs", dynamic.on_env_before_read_docs)

    app.connect("html-collect-pages", pages.collect_pages)
    app.connect("html-page-context", pages.on_page_context)
    app.connect("missing-reference", pages.on_missing_reference)
    app.connect("env-updated", pages.on_env_updated)
    app.connect("build-finished", pages.finish_pages)
    app.connect("build-finished", feeds.write_feeds)

    from kb import glossary

    glossary.setup(app)

    app.connect("config-inited", _add_paths)
    from kb import searching

    searching.setup(app)
    app.connect("build-finished", _copy_static)
    app.add_css_file("kb.css")
    app.add_js_file("kb.js", defer="defer")

    return {
        "version": __version__,
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }


def _copy_static(app: Sphinx, exception: Exception | None) -> None:
    """Copy kb.css and kb.js into ``_static``, only when they differ.

    Not through ``html_static_path``: a path appended there makes Sphinx see a
    changed configuration on every build and rewrite every page.
    """
    from kb.domain import renders_extra_pages

    if exception is not None or not renders_extra_pages(app.builder):
        return
    source = os.path.join(os.path.dirname(__file__), "static")
    target = os.path.join(app.builder.outdir, "_static")
    os.makedirs(target, exist_ok=True)
    for name in sorted(os.listdir(source)):
        with open(os.path.join(source, name), "rb") as handle:
            content = handle.read()
        path = os.path.join(target, name)
        try:
            with open(path, "rb") as handle:
                if handle.read() == content:
                    continue
        except OSError:
            pass
        with open(path, "wb") as handle:
            handle.write(content)


def _add_paths(app: Sphinx, config: Config) -> None:
    """Ship the extension's CSS, JS and sidebar template with any project."""
    here = os.path.dirname(__file__)
    templates = os.path.join(here, "templates")
    if templates not in config.templates_path:
        config.templates_path.append(templates)
