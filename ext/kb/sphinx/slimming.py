"""What the build keeps that no reader and no later step needs.

* ``doctree-read`` (last, after every other handler): each element's
  ``rawsource``, the source text it was parsed from, is emptied before Sphinx
  pickles the doctree. A paragraph keeps its text twice otherwise (its Text
  nodes and its raw Markdown): about 10 KiB of a 38 KiB article doctree, some
  200 MiB at 20,000 articles. After reading, only three things look at it:
  the writers' literal blocks (highlighting compares it with the text), kept
  whole by leaving every ``FixedTextElement`` alone (literal, doctest and math
  blocks, raw HTML, comments); ``gettext``'s message extraction; and
  versioning (``gettext_uuid``). Those two run with a versioning condition,
  which then keeps every ``rawsource``; an environment read without one
  cannot be reused by them (Sphinx refuses it: "This environment is
  incompatible with the selected builder").
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx


def drop_raw_sources(doctree: nodes.Node) -> None:
    """Empty ``rawsource`` on every element but the fixed-text ones, in place."""
    for node in doctree.findall(nodes.Element):
        if node.rawsource and not isinstance(node, nodes.FixedTextElement):
            node.rawsource = ""


def slim_doctree(app: Sphinx, doctree: nodes.document) -> None:
    if app.env.versioning_condition:
        return  # gettext or versioning reads rawsource when it writes
    drop_raw_sources(doctree)


def setup(app: Sphinx) -> None:
    # After every other doctree-read handler (Sphinx's collectors run at 500):
    # none of kb's reads rawsource, and a handler of another extension still sees it.
    app.connect("doctree-read", slim_doctree, priority=990)
