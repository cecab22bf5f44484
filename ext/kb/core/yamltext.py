"""Editing one key of a YAML front matter as text, leaving every other byte as written.

``kb import`` copies a post's front matter verbatim (comments, quoting, key
order) and changes only the keys it must: a date Jekyll read differently, a
missing title, the categories Jekyll took from folders. A key's block runs
from its line to the next line that starts in the first column (another key,
or a comment there); the values are written as JSON strings, which YAML reads
as double-quoted scalars.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

_TOP_LEVEL = re.compile(r"^[^\s#]")
_KEY_LINE = re.compile(r"^(['\"]?)([^'\":#\s][^'\":]*?)\1\s*:(?:\s|$)")


def quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar."""
    return json.dumps(text, ensure_ascii=False)


def flow_list(items: Sequence[str]) -> str:
    """``items`` as a YAML flow sequence of double-quoted scalars."""
    return "[" + ", ".join(quoted(item) for item in items) + "]"


def _ended(yaml_text: str) -> str:
    return yaml_text if not yaml_text or yaml_text.endswith("\n") else yaml_text + "\n"


def key_block(yaml_text: str, key: str) -> tuple[int, int] | None:
    """(first line index, line index after the block) of the top-level ``key``; the last one wins."""
    lines = yaml_text.splitlines(keepends=True)
    found: tuple[int, int] | None = None
    index = 0
    while index < len(lines):
        match = _KEY_LINE.match(lines[index])
        if match and match.group(2).strip() == key:
            end = index + 1
            while end < len(lines) and not _TOP_LEVEL.match(lines[end]):
                end += 1
            # Blank lines and comments at the end belong to what follows.
            while end > index + 1 and (
                not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")
            ):
                end -= 1
            found = (index, end)
            index = end
            continue
        index += 1
    return found


def set_key(yaml_text: str, key: str, value: str, comment: str = "") -> str:
    """``yaml_text`` with ``key: value`` in place of the key's block, or added at the end.

    ``value`` is YAML text already (``"…"`` or ``[…]``); ``comment`` is put after it.
    """
    line = f"{key}: {value}" + (f"  # {comment}" if comment else "") + "\n"
    block = key_block(yaml_text, key)
    if block is None:
        return _ended(yaml_text) + line
    lines = yaml_text.splitlines(keepends=True)
    start, end = block
    return "".join(lines[:start]) + line + "".join(lines[end:])


def comment_out(yaml_text: str, key: str, why: str) -> str:
    """``yaml_text`` with the block of ``key`` turned into YAML comments, ``why`` above it."""
    block = key_block(yaml_text, key)
    if block is None:
        return yaml_text
    lines = yaml_text.splitlines(keepends=True)
    start, end = block
    kept = [f"# {line}" if line.strip() else line for line in lines[start:end]]
    if kept and not kept[-1].endswith("\n"):
        kept[-1] += "\n"
    return "".join(lines[:start]) + f"# {why}:\n" + "".join(kept) + "".join(lines[end:])
