"""Reading a Jekyll site's files safely: inside the site, regular files, bounded in size.

A site folder comes from anywhere: a link may lead outside it, a FIFO or a
device may stand where a post should be, a file may be huge. What the importer
reads is checked first (:func:`check_file`, without opening it: opening a FIFO
blocks for ever) and read with a bound (:func:`read_bounded`). Pure file
system, no Sphinx.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

#: Largest post or asset read, in bytes. Long-form articles are well under a
#: megabyte; a link to ``/dev/zero`` or a huge file must not fill the memory.
MAX_FILE_BYTES = 8 * 1024 * 1024


class Refused(Exception):
    """A file the importer will not read; the message says why."""


def within(path: Path, root: Path) -> bool:
    """True when ``path`` (resolved) lies inside the folder ``root`` (resolved)."""
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def check_file(path: Path, root: Path | None) -> str | None:
    """Why the file at ``path`` must not be read, or ``None`` when it may be.

    A link leading outside ``root`` (the site) and anything but a regular file
    are refused without opening them: opening a FIFO blocks for ever.
    """
    try:
        resolved = path.resolve()
        info = os.stat(path)
    except (OSError, RuntimeError) as error:
        return f"cannot be read: {getattr(error, 'strerror', None) or error}"
    if root is not None and not within(resolved, root.resolve()):
        return f"is a link to {resolved}, outside the site; not read (Jekyll does not follow it either)"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (a FIFO, device or socket); not read"
    if info.st_size > MAX_FILE_BYTES:
        return f"is {info.st_size:,} bytes, more than the {MAX_FILE_BYTES:,} kb reads; not read"
    return None


def read_bounded(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file ``path``, refusing more than ``limit``.

    Opened without blocking and checked again on the open file, so a file
    swapped for a FIFO or a device after :func:`check_file` is still refused.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    descriptor = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise Refused("is not a regular file (a FIFO, device or socket); not read")
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(descriptor, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise Refused(f"is larger than the {limit:,} bytes kb reads; not read")
        return b"".join(chunks)
    finally:
        os.close(descriptor)
