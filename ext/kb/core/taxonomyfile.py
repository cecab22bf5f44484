"""The taxonomy file (``_data/taxonomy.yaml``): slug, display name and description per name."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from kb.core.frontmatter import RawFrontMatter, read_yaml_mapping
from kb.core.names import is_safe_slug, name_key, slugify
from kb.core.values import clean_text, name_text, scalar_text, shown

#: Plural of each kind: the taxonomy file's section names.
SECTIONS = {"tag": "tags", "category": "categories", "author": "authors"}
_FIELDS = ("slug", "name", "description")


@dataclass
class Overrides:
    """What editors set in the taxonomy file: slug, name and description per name."""

    by_kind: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    problems: list[tuple[str, int | None]] = field(default_factory=list)
    path: str = ""


def load_overrides(path: str) -> Overrides:
    """Read the taxonomy file at ``path``; every problem is collected, never raised."""
    overrides = Overrides(path=path)
    if not os.path.isfile(path):
        return overrides
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        overrides.problems.append((f"cannot read: {error.strerror or error}", None))
        return overrides
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        overrides.problems.append(
            (f"not UTF-8 text (byte 0x{data[error.start]:02x}): read with \ufffd in its place", line)
        )
        text = data.decode("utf-8-sig", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw = read_yaml_mapping(text, 1, RawFrontMatter(), what="the taxonomy file", sections=True)
    for problem in raw.problems:
        overrides.problems.append((problem.message, problem.line))
    for kind, section in SECTIONS.items():
        if section not in raw.data:
            continue
        _read_section(raw, kind, section, overrides)
    known = set(SECTIONS.values())
    for key in raw.data:
        if key not in known:
            overrides.problems.append(
                (
                    f"unknown section {shown(key)} (expected tags:, categories:, authors:); "
                    "ignored",
                    raw.lines.get(key),
                )
            )
    return overrides


def _read_section(raw: RawFrontMatter, kind: str, section: str, overrides: Overrides) -> None:
    entries: Any = raw.data[section]
    section_line = raw.lines.get(section)
    if entries is None:
        return
    if not isinstance(entries, dict):
        overrides.problems.append((f"{section}: expected a mapping of names", section_line))
        return
    lines = raw.item_lines.get(section, {})
    folded: dict[str, dict[str, str]] = {}
    for name, spec in entries.items():
        line = lines.get(str(name), section_line)
        label = f"{section}.{name if len(name) <= 80 else shown(name)}"
        key_text = name_text(name)
        if not key_text:
            overrides.problems.append((f"{label}: expected a name; ignored", line))
            continue
        if isinstance(spec, str):
            spec = {"description": spec}
        if not isinstance(spec, dict):
            overrides.problems.append((f"{label}: expected slug/name/description", line))
            continue
        clean: dict[str, str] = {}
        for field_name, value in spec.items():
            if field_name not in _FIELDS or value is None:
                continue
            text = scalar_text(value)
            if text is None:
                overrides.problems.append(
                    (f"{label}.{field_name}: expected text, got {shown(value)}; ignored", line)
                )
                continue
            clean[field_name] = (name_text(text) or "") if field_name == "name" else clean_text(text)
        if "slug" in clean and not is_safe_slug(clean["slug"]):
            safe = slugify(clean["slug"])
            overrides.problems.append(
                (f"{label}: slug {shown(clean['slug'])} is not safe; using {safe!r}", line)
            )
            clean["slug"] = safe
        folded[name_key(key_text)] = clean
    overrides.by_kind[kind] = folded
