"""The author's edit loop: rebuilds of kb against plain Sphinx + MyST, one process.

    python -m benchmarks.editloop --sizes 500,2000 --rounds 3
    python -m benchmarks.editloop --sizes 500 --compare before=../main/ext --name editloop-x

``make bench``'s method (benchmarks/run.py: ``sphinx_build`` in a fresh process,
rusage from ``os.wait4``, rounds interleaving the flavours), narrowed to the
rebuilds: each flavour is built once in full, then every round rebuilds each
flavour in turn after nothing changed, after a sentence appended to one
article's body, and after a tag added to another article's front matter. The
edits accumulate over the rounds (a new sentence, a new tag each time) so that
every no-op rebuild really has nothing to do; the files are restored at the end.
Medians of wall and CPU time and the peak memory of each rebuild, kb / plain,
go to ``results/editloop.json`` and ``editloop.md``. ``--compare NAME=PATH``
rebuilds a copy of the kb project with another kb (the package in PATH, such
as the checkout before a change) in the same rounds: a change's before and
after under the same load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
from pathlib import Path
from typing import Any

from benchmarks.generate import DEFAULT_SEED, FLAVOURS, article_paths, generate
from benchmarks.run import BuildRun, byte_compile_kb, edit_body, rewrite_tags, sphinx_build

HERE = Path(__file__).resolve().parent

KINDS = ("noop", "body", "tag")
#: kb / plain, for the median of each figure.
TARGETS = {"noop": 1.05, "body": 1.2, "tag": 1.5, "peak": 1.2}


def add_tag(path: Path) -> str:
    """Add the most popular tag the article lacks to its front matter."""
    return rewrite_tags(path, lambda tags, new: [*tags, new])


def _figures(build: BuildRun) -> dict[str, float]:
    return {
        "wall_s": round(build.wall_s, 3),
        "cpu_s": round(build.cpu_s, 3),
        "peak_mib": round(build.maxrss_mib, 1),
        "reread": build.reread_count,
    }


def _ratios(medians: dict[str, Any], flavour: str) -> dict[str, Any]:
    """kb / plain for each rebuild and figure, and of the peak memory (all builds, and
    the rebuilds alone: the full build is the one that reads every article)."""
    plain, kb = medians["plain"], medians[flavour]
    ratios: dict[str, Any] = {
        kind: {key: round(kb[kind][key] / plain[kind][key], 3) for key in ("wall_s", "cpu_s", "peak_mib")}
        for kind in ("full", *KINDS)
    }
    for name, kinds in (("peak_ratio", ("full", *KINDS)), ("rebuild_peak_ratio", KINDS)):
        ratios[name] = round(
            max(kb[kind]["peak_mib"] for kind in kinds)
            / max(plain[kind]["peak_mib"] for kind in kinds),
            3,
        )
    return ratios


def measure(
    n: int, rounds: int, seed: int, work: Path, others: dict[str, Path] | None = None
) -> dict[str, Any]:
    """The rebuilds of plain Sphinx, kb and ``others`` (name -> a folder holding another
    ``kb``, such as the checkout before a change), interleaved round by round."""
    others = others or {}
    sources = generate(work / f"n{n}", n, seed)
    for name in others:
        # Each flavour edits its own copy: a no-op must find nothing changed.
        copy = work / f"n{n}" / name
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(sources["kb"], copy)
        sources[name] = copy
    flavours = [*FLAVOURS, *others]
    articles = {flavour: article_paths(sources[flavour]) for flavour in flavours}
    body_index, tag_index = n // 2, n // 3
    originals = {
        path: path.read_bytes()
        for flavour in flavours
        for path in (articles[flavour][body_index], articles[flavour][tag_index])
    }
    samples: dict[str, dict[str, list[dict[str, float]]]] = {
        flavour: {kind: [] for kind in ("full", *KINDS)} for flavour in flavours
    }
    try:
        for flavour in flavours:
            build = work / f"n{n}" / "build" / flavour
            shutil.rmtree(build, ignore_errors=True)
            full = sphinx_build(sources[flavour], build, kb_path=others.get(flavour))
            samples[flavour]["full"].append(_figures(full))
            print(f"N={n} {flavour:5} full: {_figures(full)}", flush=True)
        for number in range(rounds):
            for flavour in flavours:
                src, build = sources[flavour], work / f"n{n}" / "build" / flavour
                kb_path = others.get(flavour)
                noop = sphinx_build(src, build, quiet=False, kb_path=kb_path)
                edit_body(articles[flavour][body_index], number)
                body = sphinx_build(src, build, quiet=False, kb_path=kb_path)
                add_tag(articles[flavour][tag_index])
                tag = sphinx_build(src, build, quiet=False, kb_path=kb_path)
                for kind, run in zip(KINDS, (noop, body, tag), strict=True):
                    samples[flavour][kind].append(_figures(run))
                print(
                    f"N={n} round {number + 1}/{rounds} {flavour:5}: "
                    + " | ".join(
                        f"{kind} {run.wall_s:.2f}s cpu {run.cpu_s:.2f}s "
                        f"{run.maxrss_mib:.0f}MiB ({run.reread_count} read)"
                        for kind, run in zip(KINDS, (noop, body, tag), strict=True)
                    ),
                    flush=True,
                )
    finally:
        for path, data in originals.items():
            path.write_bytes(data)
    medians = {
        flavour: {
            kind: {
                key: statistics.median(sample[key] for sample in runs)
                for key in ("wall_s", "cpu_s", "peak_mib", "reread")
            }
            for kind, runs in kinds.items()
        }
        for flavour, kinds in samples.items()
    }
    ratios = _ratios(medians, "kb")
    return {
        "n": n,
        "rounds": rounds,
        "medians": medians,
        "ratio": {kind: ratios[kind] for kind in ("full", *KINDS)},
        "peak_ratio": ratios["peak_ratio"],
        "rebuild_peak_ratio": ratios["rebuild_peak_ratio"],
        "compared": {
            name: _ratios(medians, name) for name in others
        },
        "samples": samples,
    }


def markdown(results: dict[str, Any]) -> str:
    meta = results["meta"]
    lines = [
        "# The edit loop: rebuilds, kb / plain Sphinx + MyST (one process)",
        "",
        f"{meta['date']}, {meta['cpus']} CPUs, load average (1 min) {meta['load_before']} "
        f"before and {meta['load_after']} after. Medians of {meta['rounds']} interleaved rounds. "
        "With the load above the CPU count, wall times carry other processes' noise; "
        "CPU time (user + system of the build process) is the steadier figure.",
        "",
        "| N | rebuild | plain wall s | kb wall s | kb/plain wall | plain CPU s | kb CPU s "
        "| kb/plain CPU | target | kb re-read |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size in results["sizes"]:
        medians, ratio = size["medians"], size["ratio"]
        for kind in KINDS:
            plain, kb = medians["plain"][kind], medians["kb"][kind]
            lines.append(
                f"| {size['n']:,} | {kind} | {plain['wall_s']:.2f} | {kb['wall_s']:.2f} | "
                f"{ratio[kind]['wall_s']} | {plain['cpu_s']:.2f} | {kb['cpu_s']:.2f} | "
                f"{ratio[kind]['cpu_s']} | ≤ {TARGETS[kind]} | {kb['reread']:.0f} |"
            )
        lines.append(
            f"| {size['n']:,} | peak memory (largest of full and rebuilds) | | | "
            f"{size['peak_ratio']} | | | | ≤ {TARGETS['peak']} | |"
        )
        if "rebuild_peak_ratio" in size:
            lines.append(
                f"| {size['n']:,} | peak memory of the rebuilds alone | | | "
                f"{size['rebuild_peak_ratio']} | | | | | |"
            )
    compared = [size for size in results["sizes"] if size.get("compared")]
    if compared:
        lines += [
            "",
            "Other kb checkouts in the same rounds (kb/plain CPU; peak memory of all builds):",
            "",
            "| N | kb | noop | body | tag | peak | rebuild peak | full build CPU |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for size in compared:
            this = {
                **size["ratio"],
                "peak_ratio": size["peak_ratio"],
                "rebuild_peak_ratio": size["rebuild_peak_ratio"],
            }
            for name, ratio in {"kb (this checkout)": this, **size["compared"]}.items():
                cpu = " | ".join(str(ratio[kind]["cpu_s"]) for kind in KINDS)
                lines.append(
                    f"| {size['n']:,} | {name} | {cpu} | {ratio['peak_ratio']} | "
                    f"{ratio['rebuild_peak_ratio']} | {ratio['full']['cpu_s']} |"
                )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500,2000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--work", type=Path, default=HERE / "work" / "editloop")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="also rebuild with the kb package found in PATH (another checkout's ext), "
        "in the same rounds; repeatable",
    )
    parser.add_argument(
        "--name", default="editloop", help="results file name (default: editloop.md/json)"
    )
    args = parser.parse_args(argv)
    others = {}
    for spec in args.compare:
        name, _, path = spec.partition("=")
        if not name or not path or name in FLAVOURS or not (Path(path) / "kb").is_dir():
            parser.error(f"--compare {spec!r}: NAME=PATH, PATH holding a kb package")
        others[name] = Path(path)
    byte_compile_kb()
    for path in others.values():
        byte_compile_kb(path)
    load_before = round(os.getloadavg()[0], 2)
    sizes = [
        measure(int(n), args.rounds, args.seed, args.work, others)
        for n in args.sizes.split(",")
    ]
    results = {
        "meta": {
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "cpus": os.cpu_count(),
            "rounds": args.rounds,
            "load_before": load_before,
            "load_after": round(os.getloadavg()[0], 2),
        },
        "targets": TARGETS,
        "sizes": sizes,
    }
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / f"{args.name}.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    report = markdown(results)
    (args.results / f"{args.name}.md").write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
