"""Where the knowledge base is built and published: Read the Docs' command, the
GitHub Pages workflow, and the large-site benchmark that says how far each goes."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys

import yaml

from kbtesting import REPO

WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"


def _readthedocs_html_command() -> list[str]:
    config = yaml.safe_load((REPO / ".readthedocs.yaml").read_text(encoding="utf-8"))
    commands = config["build"]["jobs"]["build"]["html"]
    assert len(commands) == 1
    return shlex.split(commands[0])


def test_read_the_docs_builds_with_every_core_and_still_fails_on_warning():
    words = _readthedocs_html_command()
    assert words[:3] == ["python", "-m", "sphinx"]
    assert words[words.index("-j") + 1] == "auto"
    assert "-W" in words and "--keep-going" in words
    assert words[words.index("-b") + 1] == "html"
    assert words[words.index("-d") + 1] == "_build/doctrees"
    assert words[words.index("-D") + 1] == "language=ja"
    # Read the Docs publishes what lands in $READTHEDOCS_OUTPUT/html.
    assert words[-2:] == ["docs", "$READTHEDOCS_OUTPUT/html"]


def test_the_read_the_docs_command_builds_the_docs_cleanly_in_parallel(tmp_path):
    words = _readthedocs_html_command()
    paths = {
        "docs": str(REPO / "docs"),
        "_build/doctrees": str(tmp_path / "doctrees"),
        "$READTHEDOCS_OUTPUT/html": str(tmp_path / "html"),
    }
    command = [sys.executable, *(paths.get(word, word) for word in words[1:])]
    env = dict(os.environ, READTHEDOCS_CANONICAL_URL="https://kb.readthedocs.io/ja/latest/")
    result = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=REPO, timeout=1800
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    assert "WARNING" not in result.stderr
    feed = (tmp_path / "html" / "feeds" / "atom.xml").read_text(encoding="utf-8")
    assert "https://kb.readthedocs.io/ja/latest/" in feed
    assert (tmp_path / "html" / "sitemap.xml").is_file()


def test_the_pages_workflow_matches_the_published_schema():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(WORKFLOW),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _steps() -> list[dict]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return workflow["jobs"]["build"]["steps"]


def _index(steps: list[dict], predicate) -> int:
    return next(number for number, step in enumerate(steps) if predicate(step))


def test_the_pages_workflow_builds_incrementally_from_the_cached_doctrees():
    steps = _steps()
    checkout = _index(steps, lambda step: step.get("uses", "").startswith("actions/checkout@"))
    assert steps[checkout]["with"]["fetch-depth"] == 0
    mtimes = _index(steps, lambda step: "git-restore-mtime" in step.get("uses", ""))
    cache = _index(steps, lambda step: step.get("uses", "").startswith("actions/cache@"))
    cached = steps[cache]["with"]["path"].split()
    assert "_build/doctrees" in cached and "_build/html" in cached
    build = _index(steps, lambda step: "sphinx" in step.get("run", ""))
    # Files get their commit times back and the last build is restored before Sphinx runs.
    assert checkout < mtimes < build and cache < build
    words = shlex.split(steps[build]["run"])
    assert "-W" in words and words[words.index("-d") + 1] == "_build/doctrees"
    assert any(word.startswith("html_baseurl=https://") for word in words)
    assert words[-2:] == ["docs", "_build/html"]
    upload = _index(steps, lambda step: "upload-pages-artifact" in step.get("uses", ""))
    assert steps[upload]["with"]["path"] == "_build/html" and build < upload
    deploy = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["deploy"]
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_bench_large_measures_the_read_the_docs_command(tmp_path):
    bench = [sys.executable, "-m", "benchmarks.large"]
    folders = ["--work", str(tmp_path / "work"), "--results", str(tmp_path / "results")]
    sizes = ["--sizes", "3 6", "--plain", "6"]
    result = subprocess.run(
        bench + sizes + folders, capture_output=True, text=True, cwd=REPO, timeout=1800
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    results = json.loads((tmp_path / "results" / "large.json").read_text(encoding="utf-8"))
    assert "-j auto" in results["command"]
    kb = results["sizes"]["6"]["kb"]
    assert kb["cpu_s"] > 0 and kb["peak_tree_mib"] >= kb["peak_process_mib"] > 0
    assert kb["peak_tree_pss_mib"] > 0
    # The main process's own CPU is part of the build's: the rest is its workers'.
    assert 0 < kb["main_cpu_s"] <= kb["cpu_s"]
    assert kb["output_mib"] > 0 and kb["doctrees_mib"] > 0 and kb["warnings"] == 0
    assert set(results["sizes"]["6"]) == {"kb", "plain", "ratio"}
    assert set(results["sizes"]["3"]) == {"kb"}
    assert [row["n"] for row in results["growth"]] == [3, 6]
    assert "cpu_s_per_added_article" in results["growth"][1]
    breakdown = results["breakdown"]
    assert breakdown["n"] == 6 and "articles" in breakdown["output_by_folder"]
    assert any(part.startswith("domain ") for part in breakdown["pickle"])
    report = (tmp_path / "results" / "large.md").read_text(encoding="utf-8")
    assert "| 6 | kb/plain |" in report
