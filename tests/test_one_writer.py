"""One writer: kb changes files only through ``kb/core/atomicfile.py``, and every
file it makes in the output folder goes through ``Outputs`` and its manifest.

Two checks that fail when a module of ``ext/kb`` writes on its own:

* statically, every call in ``ext/kb`` that writes, moves or deletes a file
  (``open`` for writing, ``Path.write_text``, ``os.replace``, ``shutil`` …)
  is in ``kb/core/atomicfile.py``;
* at run time, a real build runs under an audit hook (``sys.addaudithook``,
  in a subprocess): every file change whose nearest caller outside the
  standard library is kb must be made by ``atomicfile``, and every file kb
  changed in the output folder is in ``.kb-outputs.json`` when the build ends
  (or is a page Sphinx writes, recorded there too).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from kbtesting import REPO, article, write_project

KB = REPO / "ext" / "kb"
ATOMICFILE = KB / "core" / "atomicfile.py"

#: Calls that change a file, by the last part of their name.
_METHODS = {
    "write_text", "write_bytes", "touch", "unlink", "rmdir", "rename", "symlink_to",
    "hardlink_to", "link_to",
}
_OS = {
    "replace", "rename", "renames", "remove", "unlink", "link", "symlink", "truncate",
    "rmdir", "removedirs", "chmod", "mkfifo", "write",
}
_KEEPS_FILES = {"which", "get_terminal_size", "disk_usage"}
_WRITE_FLAGS = {"O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND"}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_name(node.value)}.{node.attr}"
    return "?"


def _writing_mode(call: ast.Call, position: int) -> bool:
    mode: ast.expr | None = call.args[position] if len(call.args) > position else None
    for keyword in call.keywords:
        if keyword.arg == "mode":
            mode = keyword.value
    if mode is None:
        return False
    if isinstance(mode, ast.Constant) and isinstance(mode.value, str):
        return any(letter in mode.value for letter in "wax+")
    return True  # a mode computed at run time may write


def _changes_a_file(call: ast.Call) -> bool:
    name = _name(call.func)
    last = name.rsplit(".", 1)[-1]
    method = isinstance(call.func, ast.Attribute)
    if name.startswith("os.") and last == "open":
        return bool({n.attr for n in ast.walk(call) if isinstance(n, ast.Attribute)} & _WRITE_FLAGS)
    return (
        (name.startswith("os.") and last in _OS)
        or (name.startswith(("shutil.", "tempfile.")) and last not in _KEEPS_FILES)
        or (name == "open" and _writing_mode(call, 1))
        or (method and last == "open" and _writing_mode(call, 0))
        or (method and last in _METHODS)
        # Path.replace takes one argument, str.replace two.
        or (method and last == "replace" and len(call.args) == 1 and not call.keywords)
    )


def direct_writes(source: str) -> list[tuple[int, str]]:
    """The lines of ``source`` that write, move or delete a file, and the call."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module in {"shutil", "tempfile"}:
            found.append((node.lineno, f"from {node.module} import"))
        if not isinstance(node, ast.Call):
            continue
        if _changes_a_file(node):
            found.append((node.lineno, _name(node.func)))
    return found


def test_the_scan_catches_each_way_of_writing_a_file() -> None:
    bypasses = [
        'Path("x").write_text("y")',
        'path.write_bytes(b"")',
        'open(path, "w")',
        'open(path, mode="ab")',
        'path.open("x", encoding="utf-8")',
        "os.replace(a, b)",
        "temporary.replace(target)",
        "os.open(path, os.O_WRONLY | os.O_CREAT)",
        "shutil.copyfile(a, b)",
        "tempfile.NamedTemporaryFile(dir=folder)",
        "path.unlink(missing_ok=True)",
        "os.remove(path)",
    ]
    for line in bypasses:
        assert direct_writes(line), line
    reads = [
        'open(path, encoding="utf-8")',
        'path.open("rb")',
        "text.replace('a', 'b')",
        "os.open(path, os.O_RDONLY)",
        "path.read_text()",
        "shutil.which('node')",
        "folder.mkdir(parents=True)",
    ]
    for line in reads:
        assert not direct_writes(line), line


def test_only_atomicfile_writes_moves_or_deletes_files() -> None:
    offenders = [
        f"{path.relative_to(KB)}:{line}: {call}"
        for path in sorted(KB.rglob("*.py"))
        if path != ATOMICFILE
        for line, call in direct_writes(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# --- a real build, watched -----------------------------------------------------------

_WATCH = """
import json, os, sys, sysconfig

KB = os.path.realpath(sys.argv[1])
ATOMICFILE = os.path.join(KB, "core", "atomicfile.py")
LIBRARY = tuple(
    os.path.realpath(sysconfig.get_paths()[key]) + os.sep for key in ("stdlib", "platstdlib")
)
CHANGES = {"os.rename": 1, "os.remove": 0, "os.link": 1, "os.symlink": 1, "os.truncate": 0,
           "os.rmdir": 0, "shutil.copyfile": 1, "shutil.rmtree": 0, "shutil.move": 1}
WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
seen = []

def watch(event, args):
    if event == "open":
        path, mode, flags = args
        if not isinstance(path, (str, bytes, os.PathLike)):
            return
        writes = any(c in mode for c in "wax+") if mode else bool(flags & WRITE)
        if not writes:
            return
    elif event in CHANGES:
        path = args[CHANGES[event]]
    else:
        return
    frame = sys._getframe(1)
    files = []
    while frame is not None:
        files.append(os.path.realpath(frame.f_code.co_filename))
        frame = frame.f_back
    caller = next((f for f in files if not f.startswith(LIBRARY)), "")
    in_kb = [f for f in files if f.startswith(KB + os.sep)]
    seen.append({
        "event": event,
        "path": os.path.realpath(os.fsdecode(path)),
        "caller": caller,
        "kb": bool(in_kb),
        "atomicfile": ATOMICFILE in files,
    })

sys.addaudithook(watch)
from sphinx.cmd.build import build_main
status = build_main(["-q", "-b", "html", "-d", sys.argv[3] + "-doctrees", sys.argv[2], sys.argv[3]])
with open(sys.argv[4], "w", encoding="utf-8") as handle:
    json.dump({"status": status, "seen": seen}, handle)
"""


def _watched_build(src: Path, out: Path, record: Path) -> list[dict[str, object]]:
    script = src.parent / "watch.py"
    script.write_text(_WATCH, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(KB), str(src), str(out), str(record)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(record.read_text(encoding="utf-8"))
    assert data["status"] == 0
    return data["seen"]


def _project(tmp_path: Path) -> Path:
    files = {
        "articles/2025/11/first.md": article(
            "GB200 の話。{partner}`NVIDIA` と {tech}`NVLink` が出てくる。",
            title="最初の記事",
            tags=["GPU", "HBM"],
            categories=["分析"],
            redirect_from=["/old/first/"],
        ),
        "articles/2025/12/second.md": article(
            "二本目の本文。",
            title="二本目",
            date="2025-12-01 09:00:00 +0900",
            tags=["GPU"],
        ),
    }
    conf = 'kb_feed_alias = "feed.xml"\n'
    return write_project(tmp_path, files, conf=conf, with_glossary=True)


def test_every_file_kb_changes_goes_through_atomicfile_and_the_manifest(tmp_path: Path) -> None:
    src = _project(tmp_path)
    out = tmp_path / "out"
    seen = _watched_build(src, out, tmp_path / "first.json")
    # An edit, so that the search index is updated rather than written whole.
    second = src / "articles/2025/12/second.md"
    second.write_text(second.read_text(encoding="utf-8") + "\n追記した段落。\n", encoding="utf-8")
    seen += _watched_build(src, out, tmp_path / "second.json")

    bypassing = sorted(
        {f"{change['event']} {change['path']} from {change['caller']}" for change in seen
         if str(change["caller"]).startswith(str(KB.resolve()) + os.sep)
         and change["caller"] != str(ATOMICFILE.resolve())}
    )
    assert bypassing == []

    manifest = json.loads((out / ".kb-outputs.json").read_text(encoding="utf-8"))
    recorded = set(manifest["files"]) | set(manifest["sphinx_pages"]) | {".kb-outputs.json"}
    real_out = out.resolve()
    made_by_kb = {
        Path(str(change["path"])).relative_to(real_out).as_posix()
        for change in seen
        if change["kb"] and Path(str(change["path"])).is_relative_to(real_out)
    }
    on_disk = {path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file()}
    unrecorded = sorted((made_by_kb & on_disk) - recorded)
    assert unrecorded == []
    # The search index is among them, in its own group.
    search_files = {path for path, (group, _) in manifest["files"].items() if group == "search"}
    assert "kb-search/index.js" in search_files
    assert {p for p in on_disk if p.startswith("kb-search/")} == search_files


def test_no_op_rebuild_keeps_the_search_index_in_the_manifest(tmp_path: Path) -> None:
    src = _project(tmp_path)
    out = tmp_path / "out"
    _watched_build(src, out, tmp_path / "first.json")
    before = (out / ".kb-outputs.json").read_text(encoding="utf-8")
    seen = _watched_build(src, out, tmp_path / "second.json")
    assert (out / ".kb-outputs.json").read_text(encoding="utf-8") == before
    changed = sorted(
        str(change["path"]) for change in seen
        if Path(str(change["path"])).is_relative_to(out.resolve())
    )
    assert not [path for path in changed if "/kb-search/" in path]
    assert (out / "kb-search/index.js").is_file()


def test_an_index_an_older_kb_left_unrecorded_is_taken_over(tmp_path: Path) -> None:
    """Files of kb-search/ that no manifest lists (an older kb wrote them) are kb's to replace."""
    src = _project(tmp_path)
    out = tmp_path / "out"
    _watched_build(src, out, tmp_path / "first.json")
    manifest = out / ".kb-outputs.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["files"] = {p: v for p, v in data["files"].items() if not p.startswith("kb-search/")}
    manifest.write_text(json.dumps(data), encoding="utf-8")
    stray = out / "kb-search" / "d" / "999.js"
    stray.write_text("KbSearch.page(999, {});\n", encoding="utf-8")
    (src / "articles/2025/10/third.md").parent.mkdir(parents=True)
    (src / "articles/2025/10/third.md").write_text(
        article("三本目。", title="三本目", date="2025-10-01 09:00:00 +0900"), encoding="utf-8"
    )
    _watched_build(src, out, tmp_path / "second.json")
    files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    assert "kb-search/index.js" in files
    assert not stray.exists()
