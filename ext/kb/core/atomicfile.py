"""The one place kb changes files: whole-or-absent writes, and removals.

Every file kb writes (into the output folder through
:class:`kb.sphinx.outputs.Outputs`, into Sphinx's cache, an imported
article, ``kb new``'s and ``kb suggest``'s drafts) is written here, and every
file kb deletes is deleted here; ``tests/test_one_writer.py`` fails when a
module of ``ext/kb`` writes, moves or deletes a file any other way.

A file is written under a temporary name in its own folder and moved into
place in one step, so a reader (a web server, an interrupted build) sees the
old file or the new one, never half of one. The temporary name is short and
of fixed length, never the target's name with something added: a target
whose name is already at the file system's limit (255 bytes on Linux) must
still be writable. Hand-written rather than the ``atomicwrites`` package,
which is archived and builds its temporary name from the target's.
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path

#: How often a fresh random name is tried when one is taken (by another build).
_ATTEMPTS = 32


def temporary_name() -> str:
    """A hidden name of 26 bytes for a file about to replace another."""
    return f".kb-{os.getpid() % 10**8:08d}-{secrets.token_hex(4)}.tmp"


def write_atomically(
    path: Path, data: bytes, *, replace: bool = True, durable: bool = False
) -> None:
    """Write ``data`` to ``path``, replacing it in one step; missing folders are made.

    A new file gets the permissions a new file gets (``0o666`` less the
    umask); a replaced one keeps its own. Without ``replace`` an existing
    file is never touched: the whole file is linked into place, which fails
    with :class:`FileExistsError` when a file is there, even one that
    appeared a moment ago. ``durable`` waits until the data is on the disk
    before the file takes its name (an article a user will not write again).
    Raises :class:`NotADirectoryError` when a file stands where a folder of
    the path should be, :class:`OSError` when the folder cannot hold the
    file; nothing is left behind then.
    """
    _make_folder(path.parent)
    mode = _mode_kept(path) if replace else None
    for _ in range(_ATTEMPTS):
        temporary = path.parent / temporary_name()
        try:
            descriptor = os.open(
                temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666
            )
        except FileExistsError:
            continue
        break
    else:
        raise FileExistsError(f"no free temporary name in {path.parent}")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        if replace:
            os.replace(temporary, path)
            return
        link_new(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    temporary.unlink(missing_ok=True)


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        # A file where a folder should be: FileExistsError from here must not
        # read as "the target exists" to a caller writing without replace.
        raise NotADirectoryError(
            errno.ENOTDIR, "something that is not a folder is in the way", str(folder)
        ) from None


def _mode_kept(path: Path) -> int | None:
    """The permissions of the file ``path`` replaces; None when there is none."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return None


def link_new(temporary: Path, path: Path) -> None:
    """Give the written ``temporary`` the name ``path`` too, which must not exist
    (:class:`FileExistsError` otherwise); the caller removes ``temporary``."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:
        # A file system without hard links: check, then move (a narrow race).
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(temporary, path)


def remove_file(path: Path) -> bool:
    """Delete the file ``path`` if it is there; True when it was.

    Raises :class:`OSError` when it is there and cannot be deleted.
    """
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
