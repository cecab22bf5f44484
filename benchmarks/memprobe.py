"""Memory of a build, phase by phase: RSS probes and tracemalloc holders.

``python -m benchmarks.memprobe --n 1000 --jobs 1 --flavour kb`` generates the
corpus (once, under ``benchmarks/work/mem/``), runs the Read the Docs command on
it (``-j`` replaced by ``--jobs``) with this module added as one more Sphinx
extension, and prints one line per phase and process: resident memory now and
its peak so far (``VmRSS``, ``VmHWM``), and with ``--trace`` the Python heap
tracemalloc sees and the allocation sites that grew most since the previous
phase, each named by the innermost frame of kb (or of Sphinx, docutils, MyST
when kb is not on the stack).

Phases: ``inited`` (builder-inited), ``read`` (env-updated, reading done),
``written-500``, ``written-1000``... (every 500 pages written, counted at
``html-page-context`` in the process that writes them), ``resolved-500``...
(every 500 pages resolved, ``doctree-resolved``: in the main process under ``-j``), ``collect-start`` and
``collect-end`` (around kb's generated pages at ``html-collect-pages``;
``collect-built`` after every handler was called, before any page is written),
``finished-start`` and ``finished-end`` (around ``build-finished``).

The lines go to ``$KB_MEMPROBE_OUT`` as JSON, one a line; the runner prints them.
tracemalloc slows a build about threefold and adds its own memory to RSS: compare
RSS between untraced runs, and heap figures between traced ones.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import time
import tracemalloc
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "work" / "mem"
#: Pages between two ``written-*`` probes.
EVERY = 500
#: Allocation sites reported per phase.
TOP = 25
#: Frames kept per allocation: enough to reach kb from inside docutils or Jinja.
FRAMES = 16
_OWN = ("/kb/", "/sphinx/", "/docutils/", "/myst_parser/", "/jinja2/", "/markdown_it/")


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _site(traceback: tracemalloc.Traceback) -> str:
    """The innermost frame of kb, else of Sphinx and its libraries, else the innermost."""
    frames = list(reversed(traceback))  # most recent first (tracemalloc keeps the oldest first)
    for wanted in ("/kb/", *_OWN[1:]):
        for frame in frames:
            if wanted in frame.filename and "memprobe" not in frame.filename:
                name = frame.filename.split("site-packages/")[-1].split("/ext/")[-1]
                return f"{name}:{frame.lineno}"
    frame = frames[0]
    return f"{frame.filename.rsplit('/', 2)[-1]}:{frame.lineno}"


def deep_size(root: Any, seen: set[int]) -> int:
    """Bytes of ``root`` and of every object it reaches that ``seen`` does not hold yet
    (classes, modules and functions are not followed: they are the program's)."""
    total = 0
    stack = [root]
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, _SHARED):
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        stack.extend(gc.get_referents(item))
    return total


_SHARED = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType)


def holders(app: Any) -> dict[str, float]:
    """MiB held by each part of the environment kb adds to or reads, in a fixed order:
    the first holder to reach an object counts it."""
    env = app.env
    seen: set[int] = {id(app), id(env), id(app.builder), id(app.config)}
    parts: list[tuple[str, Any]] = []
    domain = env.domains.get("kb") if hasattr(env.domains, "get") else None
    if domain is not None:
        parts += [(f"kb.data[{key}]", value) for key, value in domain.data.items()]
        parts += [(f"kb.scratch[{key}]", value) for key, value in domain.scratch.items()]
        parts += [
            (f"kb.{key}", value)
            for key, value in vars(domain).items()
            if key not in ("data", "scratch", "env")
        ]
    parts += [
        (f"env.{key}", value)
        for key, value in vars(env).items()
        if key not in ("app", "_app", "config", "_config", "domains", "_registry", "events")
    ]
    parts += [(f"builder.{key}", value) for key, value in vars(app.builder).items() if key not in ("app", "env", "config", "events")]
    # Under -j, the resolved doctrees of the chunks waiting for a worker.
    parts += [
        (f"ParallelTasks({len(tasks._args)} chunks)", tasks._args)
        for tasks in gc.get_objects()
        if type(tasks).__name__ == "ParallelTasks"
    ]
    sizes = {name: deep_size(value, seen) for name, value in parts}
    return {
        name: round(size / 2**20, 2)
        for name, size in sorted(sizes.items(), key=lambda kv: -kv[1])
        if size >= 2**18
    }


def _by_site(snapshot: tracemalloc.Snapshot) -> dict[str, int]:
    sizes: dict[str, int] = {}
    # One statistic per distinct traceback: far fewer than the traces.
    for stat in snapshot.statistics("traceback"):
        key = _site(stat.traceback)
        sizes[key] = sizes.get(key, 0) + stat.size
    return sizes


class Probe:
    """One process's probes; a forked worker starts its own list (its pid differs)."""

    def __init__(self, out: str) -> None:
        self.out = out
        self.pages = 0
        self.resolved = 0
        self.previous: dict[str, int] = {}
        self.pid = self.main = os.getpid()
        self.start = time.perf_counter()

    def __call__(self, phase: str, app: Any = None) -> None:
        if os.getpid() != self.pid:  # a forked worker: its own baseline
            self.pid, self.previous = os.getpid(), {}
        row: dict[str, Any] = {
            "phase": phase,
            "pid": self.pid,
            "s": round(time.perf_counter() - self.start, 1),
            "rss_mib": round(_status_kib("VmRSS") / 1024, 1),
            "hwm_mib": round(_status_kib("VmHWM") / 1024, 1),
        }
        if tracemalloc.is_tracing():
            current, peak = tracemalloc.get_traced_memory()
            row["heap_mib"] = round(current / 2**20, 1)
            row["heap_peak_mib"] = round(peak / 2**20, 1)
            sizes = _by_site(tracemalloc.take_snapshot())
            growth = {key: size - self.previous.get(key, 0) for key, size in sizes.items()}
            row["grew"] = [
                [key, round(size / 2**20, 2), round(sizes[key] / 2**20, 2)]
                for key, size in sorted(growth.items(), key=lambda kv: -kv[1])[:TOP]
            ]
            row["held"] = [
                [key, round(size / 2**20, 2)]
                for key, size in sorted(sizes.items(), key=lambda kv: -kv[1])[:TOP]
            ]
            self.previous = sizes
        if app is not None and os.environ.get("KB_MEMPROBE_SIZES"):
            row["sizes"] = holders(app)
        with open(self.out, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def setup(app: Any) -> dict[str, Any]:
    """Sphinx extension: probes at each phase (see the module's docstring)."""
    out = os.environ.get("KB_MEMPROBE_OUT")
    if not out:
        return {"parallel_read_safe": True, "parallel_write_safe": True}
    trace = os.environ.get("KB_MEMPROBE_TRACE", "")
    if trace == "all" and not tracemalloc.is_tracing():
        tracemalloc.start(FRAMES)
    probe = Probe(out)

    def read(app: Any, _env: Any) -> None:
        probe("read", app)
        if trace == "write" and not tracemalloc.is_tracing():
            # From here on only: tracing the reading is slow (docutils allocates a lot).
            tracemalloc.start(FRAMES)
            probe.previous = {}

    def page(app: Any, pagename: str, *_args: Any) -> None:
        if os.getpid() != probe.main and tracemalloc.is_tracing():
            tracemalloc.stop()  # a -j worker: the main process is the one watched
        if pagename == "genindex":  # the first page of the builder's finish()
            probe("genindex", app)
        probe.pages += 1
        if probe.pages % EVERY == 0:
            probe(f"written-{probe.pages}", app)

    def resolved(app: Any, *_args: Any) -> None:
        # In the main process under -j: it resolves every page the workers write.
        probe.resolved += 1
        if probe.resolved % EVERY == 0:
            probe(f"resolved-{probe.resolved}", app)

    def collect_start(app: Any) -> list[Any]:
        probe("collect-start", app)
        return []

    def collect_built(app: Any) -> Iterator[Any]:
        # Iterated after every handler was called: what they built eagerly is held.
        probe("collect-built", app)
        yield from ()

    def collect_end(app: Any) -> Iterator[Any]:
        # Iterated last: every generated page is written.
        probe("collect-end", app)
        yield from ()

    app.connect("builder-inited", lambda app: probe("inited", app), priority=900)
    app.connect("env-updated", read, priority=900)
    app.connect("html-page-context", page, priority=900)
    app.connect("doctree-resolved", resolved, priority=900)
    app.connect("html-collect-pages", collect_start, priority=1)
    app.connect("html-collect-pages", collect_built, priority=2)
    app.connect("html-collect-pages", collect_end, priority=900)
    app.connect("build-finished", lambda app, _exc: probe("finished-start", app), priority=1)
    app.connect("build-finished", lambda app, _exc: probe("finished-end", app), priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# --- runner -------------------------------------------------------------------------------


def corpus(n: int) -> dict[str, Path]:
    from benchmarks.generate import generate

    root = WORK / f"corpus-{n}"
    if not (root / "kb" / "conf.py").is_file() or not (root / "plain" / "conf.py").is_file():
        generate(root, n)
    return {flavour: root / flavour for flavour in ("kb", "plain")}


def run(
    n: int, flavour: str, jobs: str, trace: str | None, sizes: bool, out: Path, build: Path,
    kb: Path | None = None,
) -> list[dict[str, Any]]:
    from benchmarks.large import command_for

    src = corpus(n)[flavour]
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    command = command_for(src, build)
    command[command.index("-j") + 1] = jobs
    extensions = ["myst_parser", "sphinx_design", *(["kb"] if flavour == "kb" else [])]
    command += ["-D", "extensions=" + ",".join([*extensions, "benchmarks.memprobe"])]
    out.unlink(missing_ok=True)
    # ``--kb`` (another checkout's ext/) comes first on the path: its kb is measured.
    path = [str(kb)] if kb else []
    env = dict(os.environ, KB_MEMPROBE_OUT=str(out), PYTHONPATH=os.pathsep.join([*path, str(REPO)]))
    # The same sets and dicts in the same order, run after run: RSS comparable.
    env["PYTHONHASHSEED"] = "0"
    if trace:
        env["KB_MEMPROBE_TRACE"] = trace
    if sizes:
        env["KB_MEMPROBE_SIZES"] = "1"
    started = time.perf_counter()
    with (build / "stderr.log").open("wb") as err:
        _, status, usage = os.wait4(
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, cwd=src, env=env).pid, 0
        )
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit((build / "stderr.log").read_text(encoding="utf-8")[-3000:])
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    rows.append(
        {
            "phase": "exit",
            "pid": 0,
            "s": round(time.perf_counter() - started, 1),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
            "maxrss_mib": round(usage.ru_maxrss / 1024, 1),
        }
    )
    return rows


def report(rows: list[dict[str, Any]], sites: int) -> str:
    lines = []
    for row in rows:
        if row["phase"] == "exit":
            lines.append(f"exit: {row['s']} s wall, {row['cpu_s']} s CPU, max RSS {row['maxrss_mib']} MiB")
            continue
        heap = f" heap {row['heap_mib']} (peak {row['heap_peak_mib']})" if "heap_mib" in row else ""
        lines.append(
            f"{row['pid']:>7} {row['phase']:<15} {row['s']:>7}s rss {row['rss_mib']:>7} "
            f"hwm {row['hwm_mib']:>7}{heap}"
        )
        for key, size in list(row.get("sizes", {}).items())[:sites]:
            lines.append(f"{'':>10}{size:>9.2f} MiB {key}")
        for key, grew, held in row.get("grew", [])[:sites]:
            lines.append(f"{'':>10}{grew:>+9.2f} MiB (holds {held:>7.2f}) {key}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--flavour", choices=("kb", "plain"), default="kb")
    parser.add_argument("--jobs", default="1")
    parser.add_argument(
        "--trace",
        choices=("all", "write"),
        help="tracemalloc from the start (slow) or from the end of reading, main process only",
    )
    parser.add_argument("--sizes", action="store_true", help="deep sizes of the env's parts")
    parser.add_argument("--sites", type=int, default=12, help="sites shown per phase")
    parser.add_argument("--tag", default="", help="name of this run's files")
    parser.add_argument("--kb", type=Path, help="measure the kb of another checkout's ext/")
    args = parser.parse_args(argv)
    name = f"{args.flavour}-{args.n}-j{args.jobs}{'-trace-' + args.trace if args.trace else ''}"
    name += f"{'-sizes' if args.sizes else ''}{args.tag}"
    rows = run(
        args.n, args.flavour, args.jobs, args.trace, args.sizes, WORK / f"{name}.jsonl", WORK / "build" / name,
        args.kb,
    )
    (WORK / f"{name}.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    print(report(rows, args.sites))
    return 0


if __name__ == "__main__":
    sys.exit(main())
