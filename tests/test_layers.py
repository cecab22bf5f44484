"""The layer contract in pyproject.toml holds, and it is a contract that can fail."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kbtesting import REPO

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root / "ext"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "ext", root / "ext", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_layers_hold() -> None:
    result = _lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # the store reaching up into rendering (as domain once reached into pages)
        ("sphinx/domain.py", "from kb.sphinx import views", "Layers of kb.sphinx"),
        # an upward import hidden inside a function still counts
        ("core/records.py", "def _late():\n    from kb.core import taxonomy\n", "Layers of kb.core"),
        # the data layer reaching up into the importer
        ("core/dates.py", "from kb.jekyll import permalinks", "Layers of kb"),
        # a module outside kb.sphinx importing Sphinx, docutils or Jinja
        ("core/names.py", "import sphinx.util", "Only kb.sphinx imports Sphinx"),
        ("jekyll/liquid.py", "import docutils.nodes", "Only kb.sphinx imports Sphinx"),
        ("pictures/cards.py", "import jinja2", "Only kb.sphinx imports Sphinx"),
        # what a page contributes knows nothing of how the files are written
        ("search/pagekeys.py", "from kb.search import files", "Layers of kb.search"),
        # pictures and search know nothing of each other
        ("search/index.py", "from kb.pictures import graph", "Pictures and search are independent"),
    ],
)
def test_an_upward_import_breaks_the_contract(
    tmp_path: Path, module: str, line: str, broken: str
) -> None:
    root = _copy(tmp_path)
    path = root / "ext" / "kb" / module
    path.write_text(path.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")
    result = _lint(root)
    assert result.returncode != 0
    assert f"{broken} BROKEN" in result.stdout.splitlines(), result.stdout
