"""Front matter as MyST sees it: the keys MyST must never act on (no Sphinx here).

MyST reads every page's front matter itself, before kb's reader runs, so the
keys that would turn an article into a template or write its ``<head>`` are
commented out of the text MyST gets (:func:`disarm_front_matter`); ``kb
check`` runs the same guard to report them before a build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from kb.core.frontmatter import RawFrontMatter, read_yaml_mapping


@dataclass(frozen=True)
class SetAside:
    """A front matter key hidden from MyST: ``line`` is 1-based in the source file."""

    line: int
    message: str


#: Front matter keys MyST merges into its configuration for one file. Under
#: ``myst:`` an article could switch ``substitution`` back on for itself and
#: have its text rendered by an unsandboxed Jinja: ``{{ 7*7 }}`` would be 49.
_SWITCH_KEYS = ("myst", "substitutions")
#: Front matter keys MyST turns into the page's ``<head>``: ``html_meta``
#: added a ``<meta http-equiv="refresh">`` to another site, or an ``og:image``
#: before kb's. kb writes an article's head tags itself.
HEAD_KEYS = ("html_meta",)
_MERGE_TAG = "tag:yaml.org,2002:merge"
#: What a front matter needs to hold before it is worth a second look: a
#: switch or head key, an explicit tag, an escape (``"m\x79st"``), a merge key,
#: or a run of digits long enough to be a number Python will not convert
#: (4,300 digits; sexagesimal ones count colons).
_SUSPECT = re.compile(r"myst|substitutions|html_meta|!|\\|<<|[\w:]{4000,}")


def _merged_keys(node: yaml.Node, seen: set[int]) -> set[str]:
    """The keys a merge key's value brings in (mappings, lists of them, nested merges)."""
    if id(node) in seen:
        return set()
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        return set().union(*(_merged_keys(item, seen) for item in node.value))
    if not isinstance(node, yaml.MappingNode):
        return set()
    keys: set[str] = set()
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE_TAG:
            keys |= _merged_keys(value_node, seen)
        elif isinstance(key_node, yaml.ScalarNode):
            keys.add(str(key_node.value))
    return keys


def _mapping_as_myst_reads_it(block: str) -> yaml.MappingNode | None:
    """The front matter's top mapping, read as MyST reads it; None when MyST cannot."""
    loader_class: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        loader = loader_class(block)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except Exception:  # MyST cannot read it either: it warns and merges nothing
        return None
    return root if isinstance(root, yaml.MappingNode) else None


def _why_set_aside(key_node: yaml.ScalarNode, value_node: yaml.Node, set_aside: tuple[str, ...]) -> str:
    """Why MyST must not see this key ("" when it may)."""
    key = str(key_node.value)
    if key_node.tag == _MERGE_TAG:
        brought = sorted(_merged_keys(value_node, set()) & set(set_aside))
        return f"the merge key brings in {', '.join(map(repr, brought))}" if brought else ""
    if key in _SWITCH_KEYS:
        return "per-file MyST settings could make the article text a template"
    if key in set_aside:
        return "it would write the page's <head>, where kb writes an article's tags"
    return ""


def disarm_front_matter(source: str, head_keys: bool = False) -> tuple[str, list[SetAside]]:
    """``source`` with the front matter keys MyST must not see commented out.

    MyST reads the front matter of every page itself, before kb's reader
    runs its checks, and two kinds of keys are dangerous there: ``myst:`` and
    ``substitutions:``, which could make the page a template, and values kb
    cannot read (a hexadecimal number of 5,000 digits), on which MyST stops
    the whole build. With ``head_keys`` (kb's articles and entries), the keys
    MyST writes into the page's head (:data:`HEAD_KEYS`) go too. A merge key
    (``<<``) that brings one of them in goes with it. The block is found as
    MyST finds it (from a first line starting with ``---`` to the next line
    starting with ``---`` or ``...``); each line of a removed key becomes a
    YAML comment, so line numbers do not move. kb reads its own copy of the
    front matter before calling this; the text returned is for MyST only.
    """
    lines = source.splitlines(keepends=True)
    if not lines or not lines[0].startswith("---"):
        return source, []
    end = next((i for i in range(1, len(lines)) if lines[i].startswith(("---", "..."))), len(lines))
    block = "".join(line.rstrip() + "\n" for line in lines[1:end])
    if not _SUSPECT.search(block):
        return source, []  # the common case: no second parse of every page
    root = _mapping_as_myst_reads_it(block)
    if root is None:
        return source, []
    unreadable = {
        problem.key
        for problem in read_yaml_mapping(block, 2, RawFrontMatter(), what="front matter").problems
        if problem.key is not None
    }
    doomed: set[int] = set()
    notes: list[SetAside] = []
    set_aside = _SWITCH_KEYS + HEAD_KEYS if head_keys else _SWITCH_KEYS
    block_lines = block.count("\n")
    for position, (key_node, value_node) in enumerate(root.value):
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key = str(key_node.value)
        why = _why_set_aside(key_node, value_node, set_aside)
        if not why and key not in unreadable:
            continue
        # An entry runs to the next key: its value may be an alias whose
        # marks lie at the anchor, elsewhere in the block.
        first = key_node.start_mark.line
        following = root.value[position + 1][0].start_mark.line if position + 1 < len(root.value) else block_lines
        last = max(first, following - 1)
        if root.flow_style:
            first, last = 0, block_lines - 1
        doomed.update(range(first + 1, last + 2))  # +1: the opening fence line
        if why:
            notes.append(SetAside(first + 2, f"front matter key {key!r} is ignored: {why}"))
    for index in sorted(doomed):
        if index < end:
            ending = lines[index][len(lines[index].rstrip("\r\n")) :]
            lines[index] = "#" + ending
    return "".join(lines), notes
