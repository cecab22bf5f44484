"""What every ``kb`` command shares: usage errors, output a terminal shows as
written, paths as the user reads them, a project's settings with their notes."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TextIO

from kb.core.projectconf import ProjectSettings, read_project_settings
from kb.core.settings import KbConfig
from kb.jekyll.finding import find_articles_folder

#: Exit status for a command line the user has to fix (as argparse uses).
USAGE_ERROR = 2


class UsageError(Exception):
    """A problem with the command line itself, not with a post."""


#: Characters a terminal acts on instead of showing (ESC, BEL, CR, bidi
#: overrides …); tab and line feed are layout and pass.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``)."""
    return _CONTROL.sub(
        lambda match: (
            f"\\x{ord(match.group()):02x}"
            if ord(match.group()) < 0x100
            else f"\\u{ord(match.group()):04x}"
        ),
        text,
    )


class Printable:
    """A text stream that escapes control characters: file names and post text
    are printed, and an ESC in them must not drive the user's terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(printable(text))

    def flush(self) -> None:
        self.stream.flush()


def display(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it, for short messages."""
    try:
        inside = path.resolve().is_relative_to(Path.cwd().resolve())
        return os.path.relpath(path) if inside else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


def project_settings(conf: Path | None, err: TextIO) -> ProjectSettings:
    if conf is None:
        return ProjectSettings(KbConfig())
    found = read_project_settings(conf)
    for line, note in found.notes:
        print(f"{display(conf)}:{line}: {note}" if line else f"{display(conf)}: {note}", file=err)
    return found


def articles_folder(into: Path | None) -> Path:
    if into is not None:
        if into.exists() and not into.is_dir():
            raise UsageError(f"--into {into}: not a folder")
        return into
    found = find_articles_folder(Path.cwd())
    if found is None:
        raise UsageError(
            f"no kb project found: neither {Path.cwd()} nor any folder above it has "
            "docs/conf.py; pass --into DIR to say where the articles go"
        )
    return found
