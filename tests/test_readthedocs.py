"""The project builds on Read the Docs as it is."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kbtesting import REPO


def test_readthedocs_yaml_matches_the_published_schema():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.readthedocs",
            str(REPO / ".readthedocs.yaml"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_readthedocs_config_installs_with_pip_and_fails_on_warning():
    import yaml

    config = yaml.safe_load((REPO / ".readthedocs.yaml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    assert config["sphinx"]["configuration"] == "docs/conf.py"
    assert config["sphinx"]["fail_on_warning"] is True
    assert {"method": "pip", "path": "."} in config["python"]["install"]


@pytest.mark.slow
@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_the_command_read_the_docs_runs_builds_with_W(tmp_path, builder):
    env = dict(os.environ, READTHEDOCS_CANONICAL_URL="https://kb.readthedocs.io/ja/latest/")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-T",
            "-W",
            "--keep-going",
            "-b",
            builder,
            "-d",
            str(tmp_path / "doctrees"),
            "-D",
            "language=ja",
            str(REPO / "docs"),
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    feed = (tmp_path / "out" / "feeds" / "atom.xml").read_text(encoding="utf-8")
    assert "https://kb.readthedocs.io/ja/latest/" in feed
    assert not (REPO / "docs" / "_tags").exists()
