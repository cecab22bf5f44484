"""Whole-or-absent file writes whose temporary names fit any file name limit.

A file is written under a temporary name in its own folder and moved into
place in one step, so a reader (a web server, an interrupted build) sees the
old file or the new one, never half of one. The temporary name is short and
of fixed length, never the target's name with something added: a target
whose name is already at the file system's limit (255 bytes on Linux) must
still be writable. Hand-written rather than the ``atomicwrites`` package,
which is archived and builds its temporary name from the target's.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

#: How often a fresh random name is tried when one is taken (by another build).
_ATTEMPTS = 32


def temporary_name() -> str:
    """A hidden name of 26 bytes for a file about to replace another."""
    return f".kb-{os.getpid() % 10**8:08d}-{secrets.token_hex(4)}.tmp"


def write_atomically(path: Path, data: bytes, *, replace: bool = True) -> None:
    """Write ``data`` to ``path`` (whose folder exists), replacing it in one step.

    The file gets the permissions a new file gets (``0o666`` less the umask).
    Without ``replace`` an existing file is never touched: the whole file is
    linked into place, which fails with :class:`FileExistsError` when a file
    is there, even one that appeared a moment ago. Raises :class:`OSError`
    when the folder cannot hold the file; nothing is left behind then.
    """
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
        if replace:
            os.replace(temporary, path)
            return
        link_new(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    temporary.unlink(missing_ok=True)


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
