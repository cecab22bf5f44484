"""Committed benchmark results name files as a cloner has them, never by one machine's folders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kbtesting import REPO

RESULTS = sorted((REPO / "benchmarks" / "results").glob("*.*"))
# An installed package's folder, a virtual environment, or a checkout's absolute path
# (folders named, not written as paths: this file itself names no machine's folder).
PACKAGE_FOLDERS = ("site-packages", "dist-packages")
TOP_FOLDERS = (".venv", "work", "tmp", "home", "root")
MACHINE_PATH = re.compile(
    "|".join([*(re.escape(name + "/") for name in PACKAGE_FOLDERS), *(re.escape(f"/{name}/") for name in TOP_FOLDERS)])
)


@pytest.mark.parametrize("result", RESULTS, ids=lambda path: path.name)
def test_a_result_names_no_path_of_the_machine_that_made_it(result: Path) -> None:
    lines = result.read_text(encoding="utf-8").splitlines()
    found = [f"{number}: {line.strip()}" for number, line in enumerate(lines, 1) if MACHINE_PATH.search(line)]
    assert found == []


def test_the_check_sees_a_machine_path() -> None:
    checkout = "/".join(["", "work", "wt-scale", ".venv", "lib", "python3.11", "site-packages"])
    assert MACHINE_PATH.search(f"{checkout}/sphinx/application.py")
    assert not MACHINE_PATH.search("sphinx/application.py:434(build)")
