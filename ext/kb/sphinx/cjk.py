"""Bold next to Japanese punctuation, as authors meant it.

CommonMark only closes ``**`` when the run is "right-flanking": in
``**AWS (Amazon Web Services)**といった`` the closing run follows ``)`` and
precedes a letter, so markdown-it leaves both runs as literal asterisks. The
mdit-py-cjk-friendly plugin fixes this in the parser, but it pins
markdown-it-py 3 while myst-parser 5 needs 4, so the same rule is applied to
the parsed text instead: a ``**…**`` pair left inside one text node (never in
code or literals) becomes strong emphasis.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.transforms import SphinxTransform

from kb.sphinx.nodes import FRONT_MATTER_KEY

_PAIR = re.compile(r"\*\*(?=\S)([^*\n]+?)(?<=\S)\*\*")
_SKIP = (nodes.literal, nodes.literal_block, nodes.raw, nodes.comment, nodes.math, nodes.math_block)


class CjkStrongTransform(SphinxTransform):
    default_priority = 490  # before the article transform and the glossary linker

    def apply(self, **kwargs: Any) -> None:
        if not str(self.document.get("source", "")).endswith(".md"):
            return
        if self.env.temp_data.get(FRONT_MATTER_KEY) is None:
            return  # the project's own pages read as MyST reads them
        for text in list(self.document.findall(nodes.Text)):
            if "**" not in text or isinstance(text.parent, _SKIP):
                continue
            if any(isinstance(ancestor, _SKIP) for ancestor in _ancestors(text)):
                continue
            value = str(text)
            pieces: list[nodes.Node] = []
            position = 0
            for match in _PAIR.finditer(value):
                if match.start() > position:
                    pieces.append(nodes.Text(value[position : match.start()]))
                pieces.append(nodes.strong(match.group(1), match.group(1)))
                position = match.end()
            if not pieces:
                continue
            if position < len(value):
                pieces.append(nodes.Text(value[position:]))
            text.parent.replace(text, pieces)


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    found = []
    parent = node.parent
    while parent is not None:
        found.append(parent)
        parent = parent.parent
    return found
