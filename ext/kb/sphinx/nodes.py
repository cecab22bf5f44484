"""Docutils nodes of the extension."""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

#: ``env.temp_data`` key holding the front matter of the kb page being read (an
#: article or a glossary entry); absent while the project's own pages are read.
FRONT_MATTER_KEY = "kb_front_matter"


class kb_dynamic(nodes.General, nodes.Element):
    """Placeholder for content computed from every document (byline, lists,
    backlinks, related articles), filled in when the page is written so that it
    is never stale; ``kind`` says what, the other attributes are its options."""


def visit_skip(translator: nodes.NodeVisitor, node: nodes.Node) -> None:
    raise nodes.SkipNode


def register(app: Sphinx) -> None:
    """Builders that never see a filled placeholder skip it."""
    skip = (visit_skip, None)
    app.add_node(kb_dynamic, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
