"""Directives and roles authors write: lists, cards, tag clouds, ``{tags}``, ``{partner}``.

At read time a directive only records *what* it shows (a ``kb_dynamic``
placeholder with its options, noted in the domain); the content is rendered
when the page is written, from every document's records, so it is never stale.

sphinx-tags compatibility: its ``{tags}`` directive and ``tags_*`` settings
keep working (comma-separated tags as argument or content, its display-name
clean-up, ``tags_intro_text``, ``tags_create_badges``, ``tags_badge_colors``),
so a sphinx-tags project switches to kb without editing a page. sphinx-tags
writes one source file per tag into the source tree on every build; kb merges
the directive's tags with the front matter's in the domain and renders tag
pages at write time, so ``tags_create_tags`` is turned off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fnmatch import fnmatch
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.domains.std import StandardDomain
from sphinx.roles import XRefRole
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

# A private helper of sphinx-tags: its clean-up of display names, so tags read
# exactly as under sphinx-tags; pyproject.toml pins sphinx-tags below 0.5 for it.
from sphinx_tags import _normalize_display_tag, _normalize_tag

from kb.core.records import Article
from kb.core.settings import KbConfig
from kb.core.targets import (
    PageTable,
    TagTitles,
    glossary_overview_pagename,
    is_article,
    overview_pagename,
    overview_title,
    page_table,
)
from kb.core.wording import Wording
from kb.sphinx.config import kb_config
from kb.sphinx.domain import PAGE_REFTYPE, KbDomain, domain_of
from kb.sphinx.i18n import wording_of
from kb.sphinx.nodes import kb_dynamic

logger = logging.getLogger(__name__)


class DynamicDirective(SphinxDirective):
    kind = ""
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "count": directives.positive_int,
        "limit": directives.positive_int,
        "tag": directives.unchanged,
        "category": directives.unchanged,
        "author": directives.unchanged,
        "style": lambda value: directives.choice(value, ("cards", "list")),
    }

    def run(self) -> list[nodes.Node]:
        node = kb_dynamic(kind=self.kind, **self.options)
        self.set_source_info(node)
        domain_of(self.env).note_dynamic(self.env.docname, {"kind": self.kind, **self.options})
        return [node]


class LatestDirective(DynamicDirective):
    """``{kb-latest}``: the newest articles as cards (``:style: list`` for a list)."""

    kind = "latest"


class ListDirective(DynamicDirective):
    """``{kb-list}``: articles filtered by ``:tag:``, ``:category:`` or ``:author:``."""

    kind = "list"


class CategoryCardsDirective(DynamicDirective):
    """``{kb-category-cards}``: every category as a card, most articles first."""

    kind = "category-cards"


class TagCloudDirective(DynamicDirective):
    """``{kb-tag-cloud}``: tags sized by their number of articles."""

    kind = "tag-cloud"


class RelationshipMapDirective(DynamicDirective):
    """``{kb-relationship-map}``: the whole relationship map of the glossary, partners and
    technologies together, as the overviews show it (for the glossary's front page)."""

    kind = "relationship-map"
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {}


def page_xref(target: str, text: str, classes: list[str]) -> addnodes.pending_xref:
    """A link to a generated page, resolved by the domain through the builder."""
    xref = addnodes.pending_xref(
        "",
        refdomain="kb",
        reftype=PAGE_REFTYPE,
        reftarget=target,
        refexplicit=True,
        refwarn=False,
    )
    xref += nodes.inline(text, text, classes=classes)
    return xref


class TagsDirective(SphinxDirective):
    """``{tags} AI, 投資`` — tags of the page, merged with its front matter tags."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True

    def run(self) -> list[nodes.Node]:
        raw = []
        if self.arguments:
            raw.extend(self.arguments[0].split(","))
        if self.content:
            raw.extend(",".join(self.content).split(","))
        tags = [tag for tag in (_normalize_display_tag(item) for item in raw) if tag]
        if not tags:
            logger.warning(
                "the tags directive names no tags",
                type="kb",
                subtype="tags",
                location=self.get_location(),
            )
            return []
        domain_of(self.env).note_directive_tags(self.env.docname, tags)
        config = self.config
        paragraph = nodes.paragraph(classes=["tags"])
        paragraph += nodes.inline(text=f"{config.tags_intro_text} ")
        for position, tag in enumerate(tags):
            if config.tags_create_badges:
                color = next(
                    (
                        c
                        for pattern, c in (config.tags_badge_colors or {}).items()
                        if fnmatch(tag, pattern)
                    ),
                    "primary",
                )
                classes = ["sd-badge", f"sd-bg-{color}", f"sd-bg-text-{color}", "kb-tag"]
            else:
                classes = ["kb-tag"]
            paragraph += page_xref(f"tag:{tag}", tag, classes)
            if position < len(tags) - 1:
                paragraph += nodes.Text(" " if config.tags_create_badges else ", ")
        return [paragraph]


def _disable_source_tree_pages(app: Sphinx, config: Config) -> None:
    if getattr(config, "tags_create_tags", False):
        logger.info(
            "kb: tags_create_tags is ignored; tag pages are built by kb and nothing is "
            "written into the source folder; the old pages under %s/ redirect to kb's",
            config.tags_output_dir,
        )
        config.tags_create_tags = False
        # The site's old tag URLs are kept as redirects (kb.sphinx.sharing).
        config.kb_sphinx_tags_redirects = True


#: sphinx-tags' own defaults: a title equal to one of them was not set by the project.
SPHINX_TAGS_DEFAULTS = {
    "tags_overview_title": "Tags overview",
    "tags_page_title": "My tags",
    "tags_page_header": "With this tag",
    "tags_index_head": "Tags",
}


def tag_titles(config: Config) -> TagTitles:
    """The titles a sphinx-tags project set itself ("" for those left at sphinx-tags'
    English defaults, which kb's own wording replaces in the build's language)."""

    def chosen(name: str) -> str:
        value = str(getattr(config, name, "") or "")
        return "" if value == SPHINX_TAGS_DEFAULTS[name] else value

    return TagTitles(
        overview=chosen("tags_overview_title"),
        page=chosen("tags_page_title"),
        page_header=chosen("tags_page_header"),
        index_head=chosen("tags_index_head"),
    )


def generated_glossary_kinds(
    domain: KbDomain, config: KbConfig, found_docs: set[str]
) -> list[str]:
    """Glossary kinds whose overview kb generates: those with entries (no empty
    overview), and no hand-written overview (which wins)."""
    with_entries = {entry.kind for entry in domain.entries.values()}
    return [
        kind
        for kind in config.glossary_kinds
        if kind in with_entries and glossary_overview_pagename(config, kind) not in found_docs
    ]


#: Where the build's table of generated pages is kept in the domain's scratch.
_PAGE_TABLE = "page_table"


def page_table_of(
    domain: KbDomain,
    config: KbConfig,
    words: Wording,
    found_docs: Iterable[str],
    tag_titles: TagTitles | None = None,
) -> PageTable:
    """The build's table of generated pages (:class:`kb.core.targets.PageTable`),
    made once for the domain's taxonomy and the build's words: the pages, links
    to them and the sidebar all read it."""
    key = (words, tag_titles)
    kept = domain.scratch.get(_PAGE_TABLE)
    if kept is not None and kept[0] is domain.taxonomy and kept[1] == key:
        return kept[2]
    kinds = generated_glossary_kinds(domain, config, set(found_docs))
    table = page_table(config, domain.taxonomy, kinds, words, tag_titles)
    domain.scratch[_PAGE_TABLE] = (domain.taxonomy, key, table)
    return table


def generated_page_table(app: Sphinx) -> PageTable:
    """This build's table of the pages kb generates, titled in its language and with
    a sphinx-tags project's own titles (made once per build, see
    :func:`page_table_of`)."""
    return page_table_of(
        domain_of(app.env), kb_config(app), wording_of(app), app.env.found_docs, tag_titles(app.config)
    )


def sphinx_tags_overview(config: Config) -> str:
    """The page name of sphinx-tags' overview (``_tags/tagsindex``)."""
    return f"{str(config.tags_output_dir).strip('/')}/tagsindex"


def sphinx_tags_page(config: Config, name: str) -> str:
    """The page name sphinx-tags gave a tag (``_tags/my-tag``)."""
    return f"{str(config.tags_output_dir).strip('/')}/{_normalize_tag(name, dashes=True)}"


def note_tagged_page(app: Sphinx, doctree: nodes.document) -> None:
    """A page that is not an article but carries ``{tags}`` is listed on its tag pages."""
    env = app.env
    docname = env.docname
    domain = domain_of(env)
    tags = domain.directive_tags(docname)
    if not tags or is_article(docname, kb_config(env)) or docname in domain.articles:
        return
    title = env.titles[docname].astext() if docname in env.titles else docname
    domain.add_article(
        Article(docname=docname, title=title, date=None, tags=tuple(tags), is_article=False)
    )


class EntryRole(XRefRole):
    """``{partner}``/``{tech}`` (and their ``kb:`` forms): a link to a glossary entry."""

    def __init__(self, kind: str) -> None:
        # Plain inline text: a company name is prose, not code.
        super().__init__(innernodeclass=nodes.inline)
        self.kind = kind

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        self.refdomain, self.reftype = "kb", self.kind
        self.classes = ["xref", "kb", f"kb-{self.kind}"]
        return self.create_xref_node()


def add_entry_roles(app: Sphinx, config: Config) -> None:
    """One role per glossary kind (``{partner}``, ``{tech}``), as configured."""
    for role, kind in kb_config(app).entry_roles.items():
        app.add_role_to_domain("kb", role, EntryRole(kind), override=True)
        app.add_role(role, EntryRole(kind), override=True)


def offer_sphinx_tags_overview(app: Sphinx) -> None:
    """A sphinx-tags site lists ``_tags/tagsindex`` in a toctree ("All tags"); that
    page is kb's tag overview now, which is no document. Sphinx lets a toctree
    name a page that is no document only for its own generated pages (genindex,
    search), through the standard domain's table of them: kb's overview is
    entered there for this build, so the entry stays in the navigation and
    leads to it. (A private table, like ``_note_term``: pinned below Sphinx 10.)"""
    config = app.config
    if not kb_config(app).sphinx_tags_redirects:
        return
    title = overview_title(wording_of(app), "tag", tag_titles(config))
    overview = overview_pagename(kb_config(app), "tag")
    StandardDomain._virtual_doc_names[sphinx_tags_overview(config)] = (overview, title)


def withdraw_sphinx_tags_overview(app: Sphinx, exception: Exception | None) -> None:
    StandardDomain._virtual_doc_names.pop(sphinx_tags_overview(app.config), None)


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", offer_sphinx_tags_overview)
    app.connect("build-finished", withdraw_sphinx_tags_overview)
    app.setup_extension("sphinx_tags")
    app.add_directive("tags", TagsDirective, override=True)
    app.add_directive("kb-latest", LatestDirective)
    app.add_directive("kb-list", ListDirective)
    app.add_directive("kb-category-cards", CategoryCardsDirective)
    app.add_directive("kb-tag-cloud", TagCloudDirective)
    app.add_directive("kb-relationship-map", RelationshipMapDirective)
    app.connect("config-inited", _disable_source_tree_pages, priority=100)
    app.connect("config-inited", add_entry_roles, priority=500)
    app.connect("doctree-read", note_tagged_page)
