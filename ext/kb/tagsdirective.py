"""sphinx-tags compatibility: its ``{tags}`` directive and ``tags_*`` settings.

What we take from sphinx-tags: the directive's syntax (comma-separated tags as
argument or content), its display-name clean-up, and its settings
(``tags_intro_text``, ``tags_create_badges``, ``tags_badge_colors``, …), so a
sphinx-tags project switches to kb without editing a page. What we do
instead: sphinx-tags writes one source file per tag into the source tree on
every build (sphinx-autobuild loops, ``C`` and ``C++`` overwrite each other);
kb merges the directive's tags with the front matter's in the domain and
renders the tag pages at write time, so ``tags_create_tags`` is turned off.
"""

from __future__ import annotations

from fnmatch import fnmatch
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx_tags import _normalize_display_tag

from kb.article import is_article, page_xref
from kb.config import kb_config
from kb.records import Article

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

    from kb.domain import KbDomain

logger = logging.getLogger(__name__)


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
        domain: KbDomain = self.env.get_domain("kb")  # type: ignore[assignment]
        domain.note_directive_tags(self.env.docname, tags)
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
            "written into the source folder"
        )
        config.tags_create_tags = False


def note_tagged_page(app: Sphinx, doctree: nodes.document) -> None:
    """A page that is not an article but carries ``{tags}`` is listed on its tag pages."""
    env = app.env
    docname = env.docname
    domain: KbDomain = env.get_domain("kb")  # type: ignore[assignment]
    tags = domain.directive_tags(docname)
    if not tags or is_article(docname, kb_config(env)) or docname in domain.articles:
        return
    title = env.titles[docname].astext() if docname in env.titles else docname
    domain.add_article(Article(docname=docname, title=title, date=None, tags=tuple(tags)))


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinx_tags")
    app.add_directive("tags", TagsDirective, override=True)
    app.connect("config-inited", _disable_source_tree_pages, priority=100)
    app.connect("doctree-read", note_tagged_page)
    return {"parallel_read_safe": True}
