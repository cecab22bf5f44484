"""`make serve`: sphinx-autobuild on 127.0.0.1 builds once and does not loop."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kbtesting import REPO, article, write_project

AUTOBUILD = Path(sys.executable).with_name("sphinx-autobuild")


def _count_builds(log: Path) -> int:
    return len(re.findall(r"build succeeded", log.read_text(encoding="utf-8", errors="replace")))


@pytest.mark.slow
def test_autobuild_builds_once_and_rebuilds_only_on_edits(tmp_path):
    src = write_project(tmp_path, {"articles/2025/01/a.md": article(tags=["AI"])})
    log = tmp_path / "autobuild.log"
    with log.open("w", encoding="utf-8") as handle:
        server = subprocess.Popen(
            [str(AUTOBUILD), "--host", "127.0.0.1", "--port", "0", str(src), str(tmp_path / "out")],
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=dict(os.environ, PYTHONPATH=str(REPO / "ext")),
        )
    try:
        deadline = time.monotonic() + 120
        while (
            _count_builds(log) < 1
            and time.monotonic() < deadline
            and "exit code" not in log.read_text(encoding="utf-8")
        ):
            time.sleep(0.5)
        assert _count_builds(log) >= 1, log.read_text(encoding="utf-8")
        time.sleep(6)  # a build that touched the source tree would start another one here
        assert _count_builds(log) == 1, log.read_text(encoding="utf-8")
        (src / "articles/2025/01/a.md").write_text(article(tags=["AI", "新"]), encoding="utf-8")
        deadline = time.monotonic() + 120
        while _count_builds(log) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(6)
        assert _count_builds(log) == 2, log.read_text(encoding="utf-8")
        assert (tmp_path / "out" / "tags" / "新.html").is_file()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
