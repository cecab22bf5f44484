"""The ``kb_*`` settings of a project's ``conf.py``, read without running it (no Sphinx).

The command line needs a few settings (``kb_timezone`` decides an imported
article's ``YYYY/MM`` folder; ``kb_glossary_kinds`` where entries live) and
must start fast, so it reads the literal assignments of ``conf.py`` with
:mod:`ast` instead of executing it. A ``kb_*`` value that is not a literal
(computed from other values) is reported, and the default is used.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from kb.core.settings import KbConfig, defaults, problems


@dataclass
class ProjectSettings:
    settings: KbConfig
    #: (line, message) of each value that could not be read or was invalid.
    notes: list[tuple[int, str]] = field(default_factory=list)
    #: The Sphinx settings of :data:`SPHINX_DEFAULTS` as conf.py sets them literally.
    sphinx: dict[str, Any] = field(default_factory=lambda: dict(SPHINX_DEFAULTS))


#: Sphinx settings that decide which files a build reads and which warnings it
#: shows, with Sphinx's defaults (``.md`` added by myst-parser).
SPHINX_DEFAULTS: dict[str, Any] = {
    "exclude_patterns": [],
    "source_suffix": [".rst", ".md"],
    "source_encoding": "utf-8-sig",
    "suppress_warnings": [],
}


def literal_settings(source: str) -> tuple[dict[str, Any], list[tuple[int, str]]]:
    """Top-level ``kb_* = <literal>`` assignments of a ``conf.py`` text."""
    return literal_values(source, {f"kb_{item.name}" for item in fields(KbConfig)})


def literal_values(
    source: str, names: set[str]
) -> tuple[dict[str, Any], list[tuple[int, str]]]:
    """Top-level ``name = <literal>`` assignments of ``names`` in a ``conf.py`` text."""
    found: dict[str, Any] = {}
    notes: list[tuple[int, str]] = []
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        return found, [(error.lineno or 1, f"conf.py is not valid Python: {error.msg}")]
    for statement in tree.body:
        if not isinstance(statement, (ast.Assign, ast.AnnAssign)) or statement.value is None:
            continue
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        for target in targets:
            if isinstance(target, ast.Name) and target.id in names:
                try:
                    found[target.id] = ast.literal_eval(statement.value)
                except ValueError:
                    notes.append(
                        (statement.lineno, f"{target.id} is not a plain value; using the default")
                    )
    return found, notes


def read_project_settings(conf: Path) -> ProjectSettings:
    """The kb settings of the project whose configuration is ``conf``; defaults when absent."""
    try:
        source = conf.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ProjectSettings(KbConfig())
    values, notes = literal_settings(source)
    merged = {**defaults(), **values}
    for name, reason, default in problems(lambda key: merged[key]):
        notes.append((0, f"{name} = {merged[name]!r} {reason}; using {default!r}"))
        merged[name] = default
    # Values Sphinx itself reads: a value it would refuse is its to report.
    sphinx, _ = literal_values(source, set(SPHINX_DEFAULTS))
    return ProjectSettings(
        KbConfig.from_values(lambda key: merged[key]), notes, {**SPHINX_DEFAULTS, **sphinx}
    )


def find_project_conf(start: Path, *, docs_folders: bool = True) -> Path | None:
    """The ``conf.py`` of the project around ``start``: in ``start`` or a folder above
    it, or (with ``docs_folders``) in the ``docs`` folder of one (a repository's root).

    Without ``docs_folders`` only a project that holds ``start`` counts: where
    articles are written, a sibling ``docs/`` is another project."""
    for folder in (start, *start.resolve().parents):
        candidates = [folder / "conf.py"]
        if docs_folders:
            candidates.append(folder / "docs" / "conf.py")
        for candidate in candidates:
            if candidate.is_file():
                return candidate
    return None
