"""Build large generated knowledge bases with the command Read the Docs runs.

``make bench-large`` runs ``python -m benchmarks.large``. It is long: each size is
built twice (kb and plain Sphinx + MyST, interleaved), and at the largest size once
more under cProfile (one process). Sizes come from ``--sizes`` or the environment
variable ``BENCH_LARGE_N`` ("2000 5000 10000 20000" by default).

The command is the one ``.readthedocs.yaml`` gives Read the Docs
(``build.jobs.build.html``), with its paths pointed at the corpus and
``-D suppress_warnings=myst.header`` added: the generated articles start at ``##``
on purpose (see README.md), which would fail ``-W`` in both flavours alike.

Results go to ``benchmarks/results/large.json`` and ``large.md``: per size wall and
CPU time, peak memory (the largest single process, ``ru_maxrss``, and the largest
sum over the process tree, sampled), output and doctree bytes, kb / plain; the
growth per article from one size to the next (it must stay flat: linear cost);
and at the largest size where time, memory and bytes go.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pickle
import pstats
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from benchmarks.generate import DEFAULT_SEED, generate
from benchmarks.run import byte_compile_kb

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_SIZES = "2000 5000 10000 20000"
#: The generated corpus starts articles at ``##`` on purpose; everything else still fails -W.
CORPUS_DEFINES = ("suppress_warnings=myst.header",)


def readthedocs_command(config: Path = REPO / ".readthedocs.yaml") -> list[str]:
    """The html build command of ``.readthedocs.yaml``, split into arguments."""
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    commands = data["build"]["jobs"]["build"]["html"]
    if len(commands) != 1:
        raise SystemExit(f"{config}: expected one html build command, found {len(commands)}")
    return shlex.split(commands[0])


def command_for(src: Path, build: Path) -> list[str]:
    """The Read the Docs command with its paths pointed at ``src`` and ``build``."""
    paths = {
        "docs": str(src),
        "_build/doctrees": str(build / "doctrees"),
        "$READTHEDOCS_OUTPUT/html": str(build / "html"),
    }
    words = readthedocs_command()
    if words[:3] != ["python", "-m", "sphinx"]:
        raise SystemExit(f"not a Sphinx command: {shlex.join(words)}")
    missing = [path for path in paths if path not in words]
    if missing:
        raise SystemExit(f"the Read the Docs command lacks {missing}: {shlex.join(words)}")
    command = [sys.executable, *(paths.get(word, word) for word in words[1:])]
    for define in CORPUS_DEFINES:
        command += ["-D", define]
    return [*command, "-q"]


# --- one build -----------------------------------------------------------------------


def _pss_kib(pid: int) -> int:
    """Proportional set size: shared pages (a forked worker's) split among their users."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of one process so far (Linux /proc)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _tree_memory_kib(root: int) -> tuple[int, int]:
    """Resident memory of ``root`` and all its descendants (Linux /proc): the sum of
    their RSS (counts pages a fork shares once per process) and of their PSS (each
    page once: what a container's memory limit sees)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(entry), int(fields[1])
        children.setdefault(parent, []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
    total_rss = total_pss = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        total_rss += rss.get(pid, 0)
        total_pss += _pss_kib(pid)
        stack.extend(children.get(pid, ()))
    return total_rss, total_pss


@dataclass
class Build:
    wall_s: float
    cpu_s: float
    peak_process_mib: float
    peak_tree_mib: float
    peak_tree_pss_mib: float
    output_mib: float
    doctrees_mib: float
    load_before: float
    load_after: float
    warnings: int
    #: CPU time of the main process alone (the rest is its forked readers' and
    #: writers'): what Sphinx does serially bounds the wall time from below.
    main_cpu_s: float = 0.0


def tree_bytes(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def build_once(src: Path, build: Path) -> Build:
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    command = command_for(src, build)
    load_before = os.getloadavg()[0]
    peak = [0, 0]
    main_cpu = [0.0]
    with (build / "stderr.log").open("wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, cwd=src)
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.5):
                rss, pss = _tree_memory_kib(process.pid)
                peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
                main_cpu[0] = max(main_cpu[0], _cpu_seconds(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
    stderr = (build / "stderr.log").read_text(encoding="utf-8", errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"build failed: {shlex.join(command)}\n{stderr[-3000:]}")
    mib = 1024 * 1024
    return Build(
        wall_s=round(wall, 2),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 2),
        # ru_maxrss is in KiB on Linux: the largest single process (workers included).
        peak_process_mib=round(usage.ru_maxrss / 1024, 1),
        peak_tree_mib=round(max(peak[0], usage.ru_maxrss) / 1024, 1),
        peak_tree_pss_mib=round(peak[1] / 1024, 1),
        output_mib=round(tree_bytes(build / "html") / mib, 1),
        doctrees_mib=round(tree_bytes(build / "doctrees") / mib, 1),
        load_before=round(load_before, 2),
        load_after=round(os.getloadavg()[0], 2),
        warnings=sum(1 for line in stderr.splitlines() if "WARNING" in line),
        # Sampled every half second: the last half second of the build is missed.
        main_cpu_s=round(main_cpu[0], 1),
    )


# --- growth and breakdown --------------------------------------------------------------

PER_ARTICLE = {
    "wall_s": "wall ms",
    "cpu_s": "CPU ms",
    "peak_tree_mib": "memory KiB",
    "output_mib": "output KiB",
    "doctrees_mib": "doctrees KiB",
}
SCALE = {
    "wall_s": 1000,
    "cpu_s": 1000,
    "peak_tree_mib": 1024,
    "output_mib": 1024,
    "doctrees_mib": 1024,
}


def growth(kb: dict[int, Build]) -> list[dict[str, Any]]:
    """Per article, and per added article from the previous size: flat means linear."""
    rows: list[dict[str, Any]] = []
    previous: tuple[int, Build] | None = None
    for n, figures in sorted(kb.items()):
        row: dict[str, Any] = {"n": n}
        for key in PER_ARTICLE:
            value = getattr(figures, key)
            row[f"{key}_per_article"] = round(value * SCALE[key] / n, 2)
            if previous is not None:
                step = (value - getattr(previous[1], key)) / (n - previous[0])
                row[f"{key}_per_added_article"] = round(step * SCALE[key], 2)
        rows.append(row)
        previous = (n, figures)
    return rows


def bytes_by_folder(html: Path) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for item in html.rglob("*"):
        if item.is_file():
            parts = item.relative_to(html).parts
            key = parts[0] if len(parts) > 1 else "(top-level files)"
            sizes[key] = sizes.get(key, 0) + item.stat().st_size
    return dict(sorted(sizes.items(), key=lambda pair: -pair[1]))


def pickle_sizes(doctrees: Path) -> dict[str, int]:
    """Bytes of each part of the environment pickle: every domain's data, the big attributes."""
    with (doctrees / "environment.pickle").open("rb") as handle:
        env = pickle.load(handle)
    sizes = {
        f"domain {name}": len(pickle.dumps(data, pickle.HIGHEST_PROTOCOL))
        for name, data in env.domaindata.items()
    }
    for name, value in vars(env).items():
        # Docutils' settings hold the environment itself: their pickle is the whole file.
        if name in ("domaindata", "settings") or name.startswith("_"):
            continue
        try:
            sizes[name] = len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        except Exception:
            continue
    sizes["(whole file)"] = (doctrees / "environment.pickle").stat().st_size
    return dict(sorted(sizes.items(), key=lambda pair: -pair[1]))


def profile_build(src: Path, build: Path, top: int = 40) -> str:
    """cProfile of one full build in this process (one process: the profiler sees it all)."""
    from sphinx.cmd.build import build_main

    shutil.rmtree(build, ignore_errors=True)
    command = command_for(src, build)
    arguments = command[3:]
    # cProfile sees one process only.
    if "-j" in arguments:
        index = arguments.index("-j")
        del arguments[index : index + 2]
    profiler = cProfile.Profile()
    cwd = os.getcwd()
    os.chdir(src)
    try:
        profiler.enable()
        status = build_main(arguments)
        profiler.disable()
    finally:
        os.chdir(cwd)
    if status != 0:
        raise RuntimeError(f"profiled build failed ({status})")
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return _portable_paths(text.getvalue())


#: Where a profiled function's file lives on the machine that ran it: an installed
#: package's folder, the standard library's, or a checkout's ``ext/``. Left out, so the committed profile
#: names ``sphinx/application.py`` and ``kb/sphinx/reading.py`` for any reader.
_MACHINE_PREFIX = re.compile(r"/[^\s:()]*/(?:site-packages|dist-packages|ext|lib/python\d+\.\d+)/")


def _portable_paths(profile: str) -> str:
    """``profile`` with each file named from its package, not from this machine's folders."""
    return _MACHINE_PREFIX.sub("", profile)


# --- report ------------------------------------------------------------------------------


def markdown(results: dict[str, Any]) -> str:
    lines = [
        "# Large sites: the Read the Docs command on generated corpora",
        "",
        f"Command: `{results['command']}` (paths pointed at the corpus, "
        "`-D suppress_warnings=myst.header -q` added).",
        f"Machine: {results['meta']['cpus']} CPUs, Python {results['meta']['python']}; "
        f"{results['meta']['date']}. Load average (1 min) before/after each build is in the "
        "table: above the CPU count, other processes competed and wall times are inflated; "
        "CPU time is the steadier figure.",
        "",
        *(f"Note: {note}" for note in results.get("notes", [])),
        "",
        "| N | flavour | wall s | CPU s | CPU s of the main process | peak MiB (one process) "
        "| peak MiB (all processes, RSS) | peak MiB (all processes, PSS) | output MiB "
        "| doctrees MiB | load before/after |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n, sizes in results["sizes"].items():
        for flavour in ("kb", "plain"):
            b = sizes.get(flavour)
            if b is None:
                continue
            lines.append(
                f"| {int(n):,} | {flavour} | {b['wall_s']} | {b['cpu_s']} | "
                f"{b.get('main_cpu_s') or '–'} | {b['peak_process_mib']} | {b['peak_tree_mib']} | "
                f"{b.get('peak_tree_pss_mib', '–')} | {b['output_mib']} | "
                f"{b['doctrees_mib']} | {b['load_before']}/{b['load_after']} |"
            )
        if sizes.get("ratio"):
            ratio = sizes["ratio"]
            lines.append(
                f"| {int(n):,} | kb/plain | {ratio['wall_s']} | {ratio['cpu_s']} | | "
                f"{ratio['peak_process_mib']} | {ratio['peak_tree_mib']} | "
                f"{ratio.get('peak_tree_pss_mib', '–')} | {ratio['output_mib']} | "
                f"{ratio['doctrees_mib']} | |"
            )
    lines += ["", "## Growth (kb): per article, and per article added since the previous size", ""]
    header = ["N"] + [f"{label}/article" for label in PER_ARTICLE.values()]
    header += [f"{label}/added" for label in PER_ARTICLE.values()]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in results["growth"]:
        cells = [f"{row['n']:,}"]
        cells += [str(row[f"{key}_per_article"]) for key in PER_ARTICLE]
        cells += [str(row.get(f"{key}_per_added_article", "–")) for key in PER_ARTICLE]
        lines.append("| " + " | ".join(cells) + " |")
    breakdown = results.get("breakdown")
    if breakdown:
        lines += [
            "",
            f"## Where it goes at N = {breakdown['n']:,} (kb)",
            "",
            "Output by folder:",
            "",
        ]
        lines += ["| folder | MiB |", "|---|---|"]
        for folder, size in list(breakdown["output_by_folder"].items())[:15]:
            lines.append(f"| {folder} | {size / 2**20:.1f} |")
        lines += ["", "Environment pickle by part:", "", "| part | MiB |", "|---|---|"]
        for part, size in list(breakdown["pickle"].items())[:15]:
            if part != "settings":  # holds the environment: the whole file again
                lines.append(f"| {part} | {size / 2**20:.2f} |")
        if breakdown.get("profile"):
            lines += ["", "cProfile (one process), top functions:", "", "```"]
            lines += breakdown["profile"].splitlines()[:120]
            lines += ["```"]
    return "\n".join(lines) + "\n"


def _ratio(kb: Build, plain: Build) -> dict[str, float]:
    return {
        key: round(getattr(kb, key) / getattr(plain, key), 2) if getattr(plain, key) else 0.0
        for key in (
            "wall_s",
            "cpu_s",
            "peak_process_mib",
            "peak_tree_mib",
            "peak_tree_pss_mib",
            "output_mib",
            "doctrees_mib",
        )
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=os.environ.get("BENCH_LARGE_N", DEFAULT_SIZES))
    parser.add_argument(
        "--plain", default="all", help="sizes to build plain Sphinx at: all, none, or a list"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile a build at the largest size"
    )
    parser.add_argument(
        "--profile-only",
        type=int,
        metavar="N",
        help="only cProfile one build of N articles -> results/large-profile.txt",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--work", type=Path, default=HERE / "work" / "large")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    byte_compile_kb()  # Read the Docs pip-installs kb: its bytecode is there
    if args.profile_only:
        corpus = args.work / f"n{args.profile_only}"
        text = profile_build(
            generate(corpus, args.profile_only, args.seed)["kb"], corpus / "profile"
        )
        args.results.mkdir(parents=True, exist_ok=True)
        header = f"cProfile of one kb build of {args.profile_only:,} articles, one process\n\n"
        (args.results / "large-profile.txt").write_text(header + text, encoding="utf-8")
        print(header + text[:6000])
        return 0
    sizes = sorted(int(word) for word in args.sizes.replace(",", " ").split())
    plain_sizes = (
        set(sizes)
        if args.plain == "all"
        else set()
        if args.plain == "none"
        else {int(w) for w in args.plain.replace(",", " ").split()}
    )
    results: dict[str, Any] = {
        "command": readthedocs_command_text(),
        "meta": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        },
        "sizes": {},
    }
    kb_builds: dict[int, Build] = {}
    for n in sizes:
        corpus = args.work / f"n{n}"
        sources = generate(corpus, n, args.seed)
        figures: dict[str, Any] = {}
        flavours = ("plain", "kb") if n in plain_sizes else ("kb",)
        for flavour in flavours:
            print(f"N={n:,} {flavour}: building ...", flush=True)
            result = build_once(sources[flavour], corpus / "build" / flavour)
            print(f"  {asdict(result)}", flush=True)
            figures[flavour] = asdict(result)
            if flavour == "kb":
                kb_builds[n] = result
        if "plain" in figures:
            figures["ratio"] = _ratio(kb_builds[n], Build(**figures["plain"]))
            shutil.rmtree(corpus / "build" / "plain", ignore_errors=True)
        results["sizes"][str(n)] = figures
        results["growth"] = growth(kb_builds)
        # Where it goes, at the largest size so far; written after every size so that
        # a long run interrupted later still leaves its figures.
        results["breakdown"] = {
            "n": n,
            "output_by_folder": bytes_by_folder(corpus / "build" / "kb" / "html"),
            "pickle": pickle_sizes(corpus / "build" / "kb" / "doctrees"),
        }
        if args.profile and n == sizes[-1]:
            print(f"N={n:,}: profiling one build ...", flush=True)
            results["breakdown"]["profile"] = profile_build(
                corpus / "kb", corpus / "build" / "profile"
            )
            shutil.rmtree(corpus / "build" / "profile", ignore_errors=True)
        write(results, args.results)
        shutil.rmtree(corpus / "build" / "kb", ignore_errors=True)
    print(markdown(results))
    return 0


def readthedocs_command_text() -> str:
    return " ".join(readthedocs_command())


def write(results: dict[str, Any], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "large.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (folder / "large.md").write_text(markdown(results), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
