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
* In the same handler, the pickle is made to write each thing once
  (:func:`share_repeats`, about 1.4 KiB of a 24 KiB doctree, some 28 MiB at
  20,000 articles; nothing is lost, the doctree reads back equal). Pickle
  writes a string again for every string object it meets, and refers back to
  one it has written only when it is the same object: attribute names and
  values made by different code (``refdomain``, ``reftype``, ``mention``, a
  term's name on each of its mentions) are equal but distinct strings, so
  each is made the one interned copy. A text node carries the document it is
  in (``_document``), and most carry their paragraph's source and line, which
  docutils also finds through the parent: they are left to the parent. A
  ``source`` or ``line`` of None is the class's own default, and is dropped
  from the node.
"""

from __future__ import annotations

import sys

from docutils import nodes
from sphinx.application import Sphinx

#: Instance attributes that are the class's own default (``Node.source``, ``Node.line``)
#: when None.
_NONE_DEFAULTS = ("source", "line")


def drop_raw_sources(doctree: nodes.Node) -> None:
    """Empty ``rawsource`` on every element but the fixed-text ones, in place."""
    for node in doctree.findall(nodes.Element):
        if node.rawsource and not isinstance(node, nodes.FixedTextElement):
            node.rawsource = ""


def share_repeats(doctree: nodes.document) -> None:
    """Make the pickle write each repeated value once, in place (see the module)."""
    for node in doctree.findall():
        own = vars(node)
        for name in _NONE_DEFAULTS:
            if name in own and own[name] is None:
                del own[name]
        if isinstance(node, nodes.Text) and node.parent is not None:
            _leave_to_parent(node, own, node.parent)
        elif isinstance(node, nodes.Element):
            _intern_attributes(node.attributes)


def _leave_to_parent(text: nodes.Text, own: dict[str, object], parent: nodes.Element) -> None:
    """Drop what a text node holds that docutils finds through its parent anyway."""
    # Node.document falls back on the parent's; Text.copy() keeps no document.
    if own.get("_document") is parent.document:
        own.pop("_document", None)
    # Where a text is (docutils.utils.get_source_line, behind every warning's
    # location) is its own source and line, or its parent's when it has neither.
    if own.get("source") == parent.source and own.get("line") == parent.line:
        own.pop("source", None)
        own.pop("line", None)


def _intern_attributes(attributes: dict[str, object]) -> None:
    """Interned names and string values, in place (the dict and its lists stay the
    objects others may hold) and in the same order."""
    items = list(attributes.items())
    attributes.clear()
    for name, value in items:
        if type(value) is str:
            value = sys.intern(value)
        elif type(value) is list:
            value[:] = [sys.intern(item) if type(item) is str else item for item in value]
        attributes[sys.intern(name)] = value


def slim_doctree(app: Sphinx, doctree: nodes.document) -> None:
    share_repeats(doctree)
    if app.env.versioning_condition:
        return  # gettext or versioning reads rawsource when it writes
    drop_raw_sources(doctree)


def setup(app: Sphinx) -> None:
    # After every other doctree-read handler (Sphinx's collectors run at 500):
    # none of kb's reads rawsource, and a handler of another extension still sees it.
    app.connect("doctree-read", slim_doctree, priority=990)
