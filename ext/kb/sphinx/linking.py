"""Glossary names in an article's doctree: linked to their entries and counted.

Pure doctree work (docutils and Sphinx's node classes, no build state): the
reading phase calls :func:`link_mentions` with the table of names fixed for
the build and records the counts in the domain.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from docutils import nodes
from sphinx import addnodes

from kb.core.glossarytable import GlossaryTable, MentionLinker
from kb.sphinx.nodes import kb_dynamic

# Neither linked nor counted: code, literals, links, raw markup, metadata.
_SKIP: tuple[type[nodes.Node], ...] = (
    nodes.FixedTextElement,  # literal blocks, doctest, math blocks, addresses
    nodes.literal,
    nodes.math,
    nodes.raw,
    nodes.reference,
    nodes.target,
    addnodes.pending_xref,
    nodes.comment,
    nodes.docinfo,
    nodes.field_name,
    nodes.system_message,
    nodes.problematic,
    nodes.substitution_definition,
    nodes.label,
    nodes.footnote_reference,
    nodes.citation_reference,
    nodes.image,
    addnodes.index,
    addnodes.desc_signature,
    kb_dynamic,
)
# Counted as mentions but never linked: titles and headings.
_NO_LINK: tuple[type[nodes.Node], ...] = (nodes.title, nodes.subtitle, nodes.rubric)


@dataclass
class _Visit:
    linker: MentionLinker
    table: GlossaryTable
    kinds: dict[str, str]
    events: list[tuple[Any, ...]] = field(default_factory=list)


def _collect(node: nodes.Node, visit: _Visit, linkable: bool, section: int) -> None:
    if isinstance(node, nodes.Text):
        visit.events.append(("text", node, linkable, section))
        return
    if isinstance(node, addnodes.pending_xref) and node.get("refdomain") == "kb":
        kind = visit.kinds.get(node.get("reftype", ""))
        if kind is not None:
            docname = visit.table.find(node.get("reftarget", ""), kind)
            if docname:
                visit.events.append(("xref", docname, section))
        return
    if isinstance(node, _SKIP):
        return
    if not isinstance(node, nodes.Element):
        return
    if isinstance(node, _NO_LINK):
        linkable = False
    if isinstance(node, nodes.section):
        section = id(node)
    for child in list(node.children):
        _collect(child, visit, linkable, section)


def mention_xref(
    text: str, target: str, docname: str, parent: nodes.Element
) -> addnodes.pending_xref:
    xref = addnodes.pending_xref(
        "",
        refdomain="kb",
        reftype="mention",
        reftarget=target,
        refexplicit=True,
        refwarn=False,
        refdoc=docname,
    )
    xref.source, xref.line = parent.source, parent.line
    xref += nodes.inline(text, text, classes=["kb-mention"])
    return xref


def link_mentions(
    root: nodes.Element,
    table: GlossaryTable,
    mode: str,
    docname: str = "",
    kinds: dict[str, str] | None = None,
) -> Counter[str]:
    """Wrap mentions under ``root`` in mention xrefs; every mention is counted.

    ``mode`` says which mentions are linked: the first per document (``first``),
    the first per section (``section``), ``all`` or ``none``. An explicit
    ``{partner}``/``{tech}`` reference counts as the entry's first link.
    ``kinds`` maps role reftypes to entry kinds.
    """
    if kinds is None:
        kinds = {}
    visit = _Visit(table.linker, table, kinds)
    _collect(root, visit, True, 0)
    counts: Counter[str] = Counter()
    linked: set[tuple[str, int]] = set()

    def scope(entry: str, section: int) -> tuple[str, int]:
        return (entry, section if mode == "section" else 0)

    for event in visit.events:
        if event[0] == "xref":
            _, entry, section = event
            counts[entry] += 1
            linked.add(scope(entry, section))
            continue
        _, text_node, linkable, section = event
        text = str(text_node)
        pieces: list[nodes.Node] = []
        position = 0
        parent = text_node.parent
        for mention in visit.linker.find(text):
            counts[mention.docname] += 1
            key = scope(mention.docname, section)
            if not linkable or mode == "none" or (mode != "all" and key in linked):
                continue
            linked.add(key)
            if mention.start > position:
                pieces.append(nodes.Text(text[position : mention.start]))
            pieces.append(
                mention_xref(text[mention.start : mention.end], mention.target, docname, parent)
            )
            position = mention.end
        if pieces:
            if position < len(text):
                pieces.append(nodes.Text(text[position:]))
            # By identity: Text nodes are strings, and list.index would find
            # the first equal sibling instead of this one.
            index = next(i for i, child in enumerate(parent.children) if child is text_node)
            parent[index : index + 1] = pieces
    return counts


