"""The files imported posts use (images, PDFs), copied under the articles folder.

Each file of the site is copied once, to ``<into>/_files/<its path>`` with
only characters a Markdown link keeps as they are; a different file already
there is never replaced.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from kb.jekyll.report import Diagnostic
from kb.jekyll.safefiles import Refused, read_bounded
from kb.jekyll.writing import write_atomically

#: Where the files the posts use are copied, in the articles folder.
ASSETS_FOLDER = "_files"


def asset_name(relative: Path) -> Path:
    """``relative`` with only characters a Markdown link keeps as they are.

    MyST percent-encodes spaces and non-ASCII letters in a link, and Sphinx
    then looks for a file of the encoded name; a short hash keeps two names
    that differ only there apart.
    """
    parts = []
    for part in relative.parts:
        safe = re.sub(r"[^A-Za-z0-9._-]+", "-", part).strip("-") or "file"
        if safe != part:
            stem, dot, suffix = safe.rpartition(".")
            digest = hashlib.sha1(part.encode("utf-8")).hexdigest()[:8]
            safe = f"{stem}-{digest}.{suffix}" if dot and stem else f"{safe}-{digest}"
        parts.append(safe)
    return Path(*parts)


@dataclass
class Assets:
    """The files copied in one run; problems go to ``diagnostics``."""

    into: Path
    dry_run: bool
    diagnostics: list[Diagnostic]
    #: Files the posts use, copied in this run: where -> from.
    copied: dict[Path, Path] = field(default_factory=dict)

    def copy(self, root: Path, file: Path, post: Path, line: int) -> Path | None:
        """``file`` of the site at ``root`` copied under the articles folder (once); where it now is."""
        relative = file.relative_to(root)
        destination = self.into / ASSETS_FOLDER / asset_name(relative)
        if destination in self.copied:
            return destination
        problem: str | None = None
        try:
            data = read_bounded(file)
            if destination.exists() and destination.read_bytes() != data:
                problem = f"{destination} exists with other content; {relative} was not copied"
            elif not destination.exists() and not self.dry_run:
                # A copy of a file the site keeps: whole or absent is enough,
                # the source is still there after a power cut.
                write_atomically(destination, data, replace=False, durable=False)
        except (OSError, Refused) as error:
            problem = f"cannot copy {relative}: {getattr(error, 'strerror', None) or error}"
        if problem is not None:
            self.diagnostics.append(Diagnostic(post, line, problem))
            return None
        self.copied[destination] = file
        return destination
