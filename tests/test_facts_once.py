"""Each fact is derived in one place: settings through ``KbConfig``, one role -> kind
map, one folding function per rule (checked on the code of ``ext/kb``)."""

from __future__ import annotations

import ast
import inspect
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from kb.core.settings import KbConfig, role_kinds
from kb.sphinx.placeholders import LATEST_CARDS, LATEST_LIST, PLACEHOLDERS
from kbtesting import REPO

KB = REPO / "ext" / "kb"


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(KB.rglob("*.py"))]


def _places(found: Callable[[ast.AST], bool], allowed: Path) -> list[str]:
    """``module:line`` of every node ``found`` in ext/kb outside the ``allowed`` module."""
    return [
        f"{path.relative_to(KB)}:{getattr(node, 'lineno', 0)}"
        for path, tree in _modules()
        if path != allowed
        for node in ast.walk(tree)
        if found(node)
    ]


def _reads_setting(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr.startswith("kb_")
        and isinstance(node.ctx, ast.Load)
    )


def test_every_setting_is_read_through_kb_config() -> None:
    """``app.config.kb_x`` gives the raw value; ``kb_config(app).x`` the checked, typed one."""
    assert _places(_reads_setting, KB / "sphinx" / "config.py") == []


def test_kb_search_is_a_typed_setting() -> None:
    assert KbConfig().search is True


def _reads_role(node: ast.AST) -> bool:
    """``spec.get("role", ...)`` or ``spec["role"]``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        first = node.args[0] if node.args else None
        return node.func.attr == "get" and isinstance(first, ast.Constant) and first.value == "role"
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value == "role"
    return False


def test_roles_are_mapped_to_kinds_in_one_place() -> None:
    """Only kb.core.settings reads an entry kind's ``role``."""
    assert _places(_reads_role, KB / "core" / "settings.py") == []


def test_a_kind_name_means_that_kind_even_when_another_kind_uses_it_as_role() -> None:
    """A reference made by a role carries its kind's name (``reftype``): that name
    must lead back to the kind, whatever roles the kinds chose."""
    kinds = {"alpha": {"role": "beta"}, "beta": {"role": "alpha"}}
    assert role_kinds(kinds) == {"alpha": "alpha", "beta": "beta"}
    assert KbConfig(glossary_kinds=kinds).entry_roles == {"beta": "alpha", "alpha": "beta"}


def test_no_two_folding_functions_share_a_name() -> None:
    names = Counter(
        node.name
        for _, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and "fold" in node.name
    )
    assert [name for name, count in names.items() if count > 1] == []


def test_each_placeholder_context_is_made_from_its_inputs_alone() -> None:
    """The context gets what ``inputs`` returned, never the domain: what a page shows
    cannot depend on anything the comparison between builds does not see."""
    for name, view in {**PLACEHOLDERS, "latest": LATEST_CARDS, "latest-list": LATEST_LIST}.items():
        parameters = list(inspect.signature(view.context).parameters)
        assert parameters == ["values", "config", "words"], name
        assert "domain" not in view.context.__code__.co_names, name
