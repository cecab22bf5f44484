"""Profile one kb build of a generated corpus with pyinstrument, to find kb's hot spots.

    python -m benchmarks.profile --n 100

Writes ``benchmarks/results/profile.txt``: for a full build and then a no-op
rebuild, the time spent under kb's own functions (inclusive and self), the
functions with the most self time overall, and pyinstrument's call tree. The
build runs in this process (one process, no ``-j``) so that the profiler sees it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.generate import DEFAULT_SEED, EXT, generate

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

KB_SOURCE = str(EXT / "kb")


def _frames(frame: Any, ancestors: frozenset[str] = frozenset()) -> Iterator[tuple[Any, bool]]:
    """Every frame with whether it is the outermost call of its function on its path.

    Only outermost calls count towards inclusive time, so recursion and a
    function reached twice on one stack are not counted twice.
    """
    key = _key(frame)
    yield frame, key not in ancestors
    inner = ancestors | {key}
    for child in frame.children:
        yield from _frames(child, inner)


def _key(frame: Any) -> str:
    path = frame.file_path or ""
    short = path.rsplit("/ext/", 1)[-1] if "/ext/kb/" in path else frame.file_path_short or path
    return f"{frame.function}  {short}:{frame.line_no or 0}"


def kb_summary(root: Any, total: float, limit: int = 25) -> str:
    inclusive: dict[str, float] = {}
    own: dict[str, float] = {}
    for frame, outermost in _frames(root):
        if not (frame.file_path or "").startswith(KB_SOURCE):
            continue
        key = _key(frame)
        if outermost:
            inclusive[key] = inclusive.get(key, 0.0) + frame.time
        own[key] = own.get(key, 0.0) + frame.total_self_time
    # Time under kb's outermost frames on every stack: kb's share of the build.
    kb_total = 0.0
    for frame, _ in _frames(root):
        if (frame.file_path or "").startswith(KB_SOURCE) and not _has_kb_ancestor(frame):
            kb_total += frame.time
    lines = [
        f"time under kb code: {kb_total:.2f} s of {total:.2f} s ({100 * kb_total / total:.1f}%)",
        "",
        f"kb functions by inclusive time (top {limit}):",
    ]
    for key, seconds in sorted(inclusive.items(), key=lambda item: -item[1])[:limit]:
        lines.append(f"  {seconds:8.3f} s  {100 * seconds / total:5.1f}%  {key}")
    lines += ["", f"kb functions by self time (top {limit}):"]
    for key, seconds in sorted(own.items(), key=lambda item: -item[1])[:limit]:
        if seconds > 0:
            lines.append(f"  {seconds:8.3f} s  {100 * seconds / total:5.1f}%  {key}")
    return "\n".join(lines)


def _has_kb_ancestor(frame: Any) -> bool:
    parent = frame.parent
    while parent is not None:
        if (parent.file_path or "").startswith(KB_SOURCE):
            return True
        parent = parent.parent
    return False


def profile_build(src: Path, build: Path, title: str) -> tuple[str, float]:
    from pyinstrument import Profiler
    from sphinx.cmd.build import build_main

    args = ["-b", "html", "-q", "-d", str(build / "doctrees"), str(src), str(build / "html")]
    profiler = Profiler(interval=0.001)
    build.mkdir(parents=True, exist_ok=True)
    # Warnings still go through Sphinx's logging (their cost is part of the
    # build) but into a file rather than over the report on the terminal.
    log_path = build / "warnings.log"
    with log_path.open("w", encoding="utf-8") as log, contextlib.redirect_stderr(log):
        start = time.perf_counter()
        profiler.start()
        status = build_main(args)
        profiler.stop()
        wall = time.perf_counter() - start
    warnings = sum(
        1 for line in log_path.read_text(encoding="utf-8").splitlines() if "WARNING" in line
    )
    if status != 0:
        raise SystemExit(f"sphinx-build failed with status {status}")
    session = profiler.last_session
    assert session is not None
    root = session.root_frame()
    total = root.time if root is not None else wall
    parts = [
        "=" * 100,
        f"{title}: {wall:.2f} s wall, {total:.2f} s sampled, {warnings} warnings",
        "=" * 100,
        "",
        kb_summary(root, total) if root is not None else "(no samples)",
        "",
        "functions by self time, all code (top 40):",
        "\n".join(profiler.output_text(flat=True, unicode=True, color=False).splitlines()[:48]),
        "",
        "call tree (frames under 1% hidden, library frames grouped):",
        profiler.output_text(unicode=True, color=False),
    ]
    return "\n".join(parts), wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Profile a kb build with pyinstrument.")
    parser.add_argument("--n", type=int, default=100, help="number of articles")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--work", type=Path, default=HERE / "work" / "profile")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "profile.txt")
    parser.add_argument("--no-noop", action="store_true", help="skip the no-op rebuild")
    args = parser.parse_args(argv)

    src = generate(args.work / "corpus", args.n, args.seed)["kb"]
    build = args.work / "build"
    shutil.rmtree(build, ignore_errors=True)
    sections = [f"kb build profile: N={args.n} articles, seed {args.seed}, one process"]
    text, wall = profile_build(src, build, "full build")
    sections.append(text)
    print(f"full build: {wall:.2f} s")
    if not args.no_noop:
        text, wall = profile_build(src, build, "no-op rebuild")
        sections.append(text)
        print(f"no-op rebuild: {wall:.2f} s")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    # Paths relative to the repository: the file is committed, and a clone
    # lives elsewhere.
    report = "\n\n".join(sections).replace(f"{REPO}{os.sep}", "")
    args.output.write_text(report + "\n", encoding="utf-8")
    print(f"written: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
