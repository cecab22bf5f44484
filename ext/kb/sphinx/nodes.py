"""Docutils nodes of the extension."""

from __future__ import annotations

from collections.abc import Callable

from docutils import nodes
from sphinx.application import Sphinx

#: ``env.temp_data`` key holding the front matter of the kb page being read (an
#: article or a glossary entry); absent while the project's own pages are read.
FRONT_MATTER_KEY = "kb_front_matter"


class kb_dynamic(nodes.General, nodes.Element):
    """Placeholder for content computed from every document (byline, lists,
    backlinks, related articles), filled in when the page is written so that it
    is never stale; ``kind`` says what, the other attributes are its options."""


class kb_filled(nodes.General, nodes.Element):
    """A placeholder of an HTML page whose template context is made: the HTML writer
    renders its templates. Under ``-j`` the main process resolves every page, one after
    the other, while the workers write them; rendering here moves the templates, most
    of a placeholder's cost, to the workers. Made only by kb.sphinx.writing."""

    #: Renders the content (kb.sphinx.placeholders.Placeholder.rendering).
    rendering: Callable[[], str]


def visit_filled(translator: nodes.NodeVisitor, node: nodes.Node) -> None:
    """The content as the raw HTML node it used to be (a ``no-search`` block)."""
    assert isinstance(node, kb_filled)
    html = node.rendering()
    if html:
        raw = nodes.raw("", html, format="html", classes=["no-search"])
        raw.parent = node.parent
        translator.dispatch_visit(raw)
    raise nodes.SkipNode


def visit_skip(translator: nodes.NodeVisitor, node: nodes.Node) -> None:
    raise nodes.SkipNode


def register(app: Sphinx) -> None:
    """Builders that never see a filled placeholder skip it."""
    skip = (visit_skip, None)
    app.add_node(kb_dynamic, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
    app.add_node(
        kb_filled, html=(visit_filled, None), latex=skip, text=skip, man=skip, texinfo=skip
    )
