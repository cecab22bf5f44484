"""Docutils nodes of the extension."""

from __future__ import annotations

from docutils import nodes


class kb_dynamic(nodes.General, nodes.Element):
    """Placeholder for content computed from every document (lists, backlinks,
    related articles), filled in when the page is written so that it is never
    stale; ``kind`` says what, the other attributes are its options."""


def visit_skip(translator: nodes.NodeVisitor, node: nodes.Node) -> None:
    raise nodes.SkipNode
