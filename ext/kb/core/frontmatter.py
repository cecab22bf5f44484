"""Reading Jekyll-style front matter as typed, validated data.

The YAML is read here rather than taken from ``env.metadata`` because
myst-parser hands lists over as ASCII-escaped JSON strings and keeps no line
numbers; every problem reported here names the line of its key.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from typing import Any

import yaml

from kb.core.values import name_text, shown, too_long_int

FENCE = "---"


@dataclass(frozen=True)
class Problem:
    """Something wrong with one front matter value; ``line`` is 1-based in the file."""

    message: str
    line: int | None = None
    key: str | None = None
    subtype: str = "front_matter"


@dataclass
class RawFrontMatter:
    """The front matter block as YAML values, with the file line of every key."""

    data: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    #: 1-based line of the opening fence, or ``None`` when the file has none.
    start_line: int | None = None
    #: 1-based line where the body starts.
    body_line: int = 1
    body: str = ""
    problems: list[Problem] = field(default_factory=list)
    #: For keys whose value is a mapping: the file line of each of its keys.
    item_lines: dict[str, dict[str, int]] = field(default_factory=dict)


# libyaml's parser when PyYAML was built with it: composing front matter is
# the largest per-article cost of reading, and the C parser keeps line marks.
# libyaml also refuses nesting deeper than 1,000 levels with a plain error,
# where PyYAML's Python parser recurses until Python gives up.
_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TextLoader(_BaseLoader):
    """SafeLoader that leaves dates as text, so every date form goes through one parser."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _timestamp_as_text(loader: Any, node: yaml.ScalarNode) -> str:
    # An explicit !!timestamp goes through the one date parser as well; PyYAML's
    # own raises a bare ValueError for 2025-13-45.
    return str(loader.construct_scalar(node))


def _checked_int(loader: Any, node: yaml.ScalarNode) -> int:
    # Python refuses to convert decimal text of more than 4,300 digits, and a
    # hexadecimal or sexagesimal number it does convert could not be printed.
    digits = sum(char.isalnum() for char in str(node.value))
    if digits <= 4300:
        value = yaml.SafeLoader.construct_yaml_int(loader, node)
        if not too_long_int(value):
            return int(value)
    raise yaml.constructor.ConstructorError(
        None, None, f"a number of {digits:,} digits is longer than kb reads (4,300)", None
    )


_TextLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)
_TextLoader.add_constructor("tag:yaml.org,2002:int", _checked_int)


def undecodable(data: bytes, encoding: str) -> Problem | None:
    """A ``kb.encoding`` problem at the line of the first byte of ``data`` that is not
    ``encoding`` text, or ``None`` when all of it is (``LookupError``: no such encoding).
    The build reads such a file with U+FFFD in place of each bad byte."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError as error:
        label = "UTF-8" if codecs.lookup(encoding).name in ("utf-8", "utf-8-sig") else encoding
        return Problem(
            f"not {label} text (byte 0x{data[error.start]:02x}): read with \ufffd in place of "
            f"each bad byte; save the file as {label}",
            data.count(b"\n", 0, error.start) + 1,
            subtype="encoding",
        )
    return None


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split ``text`` into (YAML text or None, body, 1-based line of the YAML's first line)."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").rstrip() != FENCE:
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n").rstrip() in (FENCE, "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), 2
    return None, text, 1


def _file_line(yaml_text: str, mark: Any, first_line: int) -> int:
    """The file line of a YAML mark: YAML also breaks lines at U+0085 and U+2028."""
    return first_line + yaml_text.count("\n", 0, mark.index)


def read_front_matter(text: str) -> RawFrontMatter:
    """Parse the front matter of ``text``; problems are collected, never raised."""
    yaml_text, body, first_line = split_front_matter(text)
    raw = RawFrontMatter(body=body)
    if yaml_text is None:
        if text.lstrip("\ufeff").startswith(FENCE):
            raw.problems.append(Problem("front matter has no closing '---' line", 1))
        return raw
    raw.start_line = 1
    yaml_text = yaml_text.replace("\r\n", "\n").replace("\r", "\n")
    raw.body_line = first_line + yaml_text.count("\n") + 1
    read_yaml_mapping(yaml_text, first_line, raw, what="front matter")
    return raw


def read_yaml_mapping(
    yaml_text: str, first_line: int, raw: RawFrontMatter, *, what: str, sections: bool = False
) -> RawFrontMatter:
    """Read ``yaml_text`` (a mapping) into ``raw``: values, key lines and problems.

    The one YAML reader of kb: article and glossary front matter and the
    taxonomy file all come through here. Nothing it is given can make it
    raise: broken syntax, nesting deeper than the parser allows, numbers
    Python cannot convert and any other failure become problems with the file
    line, and a bad value costs only its own key. ``first_line`` is the file
    line of the YAML's first line; ``what`` names the text in messages. With
    ``sections``, a value that is a mapping is read item by item, so one bad
    item of a section costs that item only.
    """
    root = _root_mapping(yaml_text, first_line, raw, what)
    if root is None:
        return raw
    constructor = _TextLoader("")
    written: set[str] = set()
    for key_node, value_node, merged in _entries(constructor, root, yaml_text, first_line, raw):
        line = _file_line(yaml_text, key_node.start_mark, first_line)
        if not isinstance(key_node, yaml.ScalarNode):
            # str() of a list or mapping node would make up a key nobody wrote.
            raw.problems.append(Problem(f"{what} keys must be text; this key is ignored", line))
            continue
        key = str(key_node.value)
        if not merged:
            # A key written here overrides one a merge key (<<) brought in.
            if key in written:
                raw.problems.append(
                    Problem(f"key {shown(key)} appears twice; the later value is used", line, key)
                )
            written.add(key)
        if sections and isinstance(value_node, yaml.MappingNode):
            items, item_lines = _read_section(constructor, value_node, key, yaml_text, first_line, raw)
            raw.data[key], raw.lines[key], raw.item_lines[key] = items, line, item_lines
            continue
        read, value = _construct(constructor, value_node, key, line, raw)
        if read:
            raw.data[key] = value
            raw.lines[key] = line
    return raw


def _root_mapping(
    yaml_text: str, first_line: int, raw: RawFrontMatter, what: str
) -> yaml.MappingNode | None:
    """The YAML's top node when it is a mapping; None (with a problem when it is not
    empty) otherwise."""
    try:
        loader = _TextLoader(yaml_text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        raw.problems.append(_yaml_problem(error, yaml_text, first_line, what))
        return None
    except RecursionError:
        raw.problems.append(Problem(f"{what} is nested too deeply to read", first_line))
        return None
    except Exception as error:  # one file must never stop the build
        raw.problems.append(Problem(f"{what} cannot be read: {_reason(error)}", first_line))
        return None
    if root is not None and not isinstance(root, yaml.MappingNode):
        raw.problems.append(Problem(f"{what} must be a mapping of keys to values", first_line))
        return None
    return root


def _read_section(
    constructor: Any,
    section: yaml.MappingNode,
    key: str,
    yaml_text: str,
    first_line: int,
    raw: RawFrontMatter,
) -> tuple[dict[str, Any], dict[str, int]]:
    """The items of the section ``key`` and their lines: a bad item costs only itself."""
    items: dict[str, Any] = {}
    item_lines: dict[str, int] = {}
    for item_node, item_value, _merged in _entries(constructor, section, yaml_text, first_line, raw):
        item_line = _file_line(yaml_text, item_node.start_mark, first_line)
        if not isinstance(item_node, yaml.ScalarNode):
            raw.problems.append(
                Problem(f"{key}: names must be text; this one is ignored", item_line, key)
            )
            continue
        name = str(item_node.value)
        read, item = _construct(constructor, item_value, f"{key}.{name}", item_line, raw)
        if read:
            items[name] = item
            item_lines[name] = item_line
    return items, item_lines


_MERGE_TAG = "tag:yaml.org,2002:merge"


def _entries(
    constructor: Any, mapping: yaml.MappingNode, yaml_text: str, first_line: int, raw: RawFrontMatter
) -> list[tuple[yaml.Node, yaml.Node, bool]]:
    """The (key, value, merged) entries of ``mapping`` as YAML reads them.

    A merge key (``<<: *defaults``) brings in the keys of other mappings,
    which the keys written beside it override; every reader of the mapping
    (MyST's, the draft check's, this one) must see the same keys.
    """
    if not any(key.tag == _MERGE_TAG for key, _value in mapping.value):
        return [(key, value, False) for key, value in mapping.value]
    written = sum(1 for key, _value in mapping.value if key.tag != _MERGE_TAG)
    try:
        constructor.flatten_mapping(mapping)
    except (yaml.YAMLError, RecursionError) as error:
        mark = getattr(error, "problem_mark", None) or mapping.start_mark
        reason = getattr(error, "problem", None) or "nested too deeply to read"
        raw.problems.append(
            Problem(f"merge key (<<): {reason}; ignored", _file_line(yaml_text, mark, first_line))
        )
        mapping.value = [(key, value) for key, value in mapping.value if key.tag != _MERGE_TAG]
    merged = len(mapping.value) - written
    return [(key, value, index < merged) for index, (key, value) in enumerate(mapping.value)]


def _construct(
    constructor: Any, node: yaml.Node, key: str, line: int, raw: RawFrontMatter
) -> tuple[bool, Any]:
    """(True, the value of ``node``), or (False, None) with the failure in ``raw.problems``."""
    label = shown(key) if len(key) > 80 else key
    try:
        return True, constructor.construct_object(node, deep=True)
    except yaml.YAMLError as error:
        # The problem alone: str(error) quotes the snippet with lines
        # counted from the front matter, not from the file.
        reason = getattr(error, "problem", None) or str(error)
        raw.problems.append(Problem(f"{label}: cannot read value: {reason}", line, key))
    except RecursionError:
        raw.problems.append(Problem(f"{label}: nested too deeply to read", line, key))
    except Exception as error:  # one value must never stop the build
        raw.problems.append(Problem(f"{label}: cannot read value: {_reason(error)}", line, key))
    finally:
        # A failed value leaves half-built objects behind that the next
        # key's aliases would otherwise pick up.
        constructor.constructed_objects.clear()
        constructor.recursive_objects.clear()
    return False, None


def _reason(error: BaseException) -> str:
    """An exception as one short line for a message."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 200 else text[:199] + "…"


def _yaml_problem(error: yaml.YAMLError, yaml_text: str, first_line: int, what: str) -> Problem:
    """A YAML syntax error as a problem on the file line where the parser gave up."""
    mark = getattr(error, "problem_mark", None)
    line = _file_line(yaml_text, mark, first_line) if mark is not None else first_line
    reason = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    context_mark = getattr(error, "context_mark", None)
    # "found unexpected end of stream" at the closing fence says little; where
    # the unclosed quote or bracket started says what to fix.
    if context and context_mark is not None:
        context_line = _file_line(yaml_text, context_mark, first_line)
        if context_line != line:
            reason += f" ({context} on line {context_line})"
    if mark is not None:
        start = yaml_text.rfind("\n", 0, mark.index) + 1
        end = yaml_text.find("\n", mark.index)
        if "\t" in yaml_text[start : end if end >= 0 else None]:
            reason += "; YAML does not allow a tab there: use spaces"
    return Problem(f"{what} is not valid YAML: {reason}", line)


# --- lists of names ------------------------------------------------------


def name_list(
    value: Any, key: str, line: int | None, problems: list[Problem], *, split: bool
) -> list[str]:
    """A list of names from a YAML list or (Jekyll) a space-separated string."""
    if value is None:
        return []
    items: list[Any]
    if isinstance(value, str):
        items = value.split() if split else [value]
    elif isinstance(value, list):
        items = value
    elif isinstance(value, dict):
        problems.append(
            Problem(f"{key}: expected a list of names, got a mapping; ignored", line, key)
        )
        return []
    else:
        problems.append(
            Problem(
                f"{key}: expected a list of names, got {type(value).__name__} {shown(value)}",
                line,
                key,
            )
        )
        items = [value]
    names: list[str] = []
    seen: set[str] = set()
    rejected: list[Any] = []
    for item in items:
        text = name_text(item)
        if text is None:
            rejected.append(item)
            continue
        # A set beside the list: `in names` made 10,000 tags take seconds.
        if text and text not in seen:
            seen.add(text)
            names.append(text)
    if len(rejected) == 1:
        problems.append(Problem(f"{key}: {shown(rejected[0])} is not a name; ignored", line, key))
    elif rejected:
        # One warning per key, however many items: a list can hold thousands.
        problems.append(
            Problem(
                f"{key}: {len(rejected)} items are not names ({shown(rejected[0])}, …); ignored",
                line,
                key,
            )
        )
    return names
