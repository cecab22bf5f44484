"""What ``kb import`` tells: diagnostics, GCC-style, and what happened to each post.

Shared by every stage of the import (converting, finding, writing) and read
by the ``kb import`` command, which prints it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kb.jekyll.permalinks import JekyllSite


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One thing to tell the user about a post, printed GCC-style."""

    path: Path
    line: int | None
    message: str
    severity: Severity = Severity.WARNING

    def __str__(self) -> str:
        location = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        return f"{location}: {self.severity.value}: {self.message}"


class Outcome(enum.Enum):
    IMPORTED = "imported"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass
class PostResult:
    """What happened to one post."""

    source: Path
    outcome: Outcome
    target: Path | None = None
    #: True when an existing, different article was replaced (``--force``).
    overwrote: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: The URLs the post had on its Jekyll site (its redirect pages go there).
    old_urls: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """Everything an import run did or, with ``dry_run``, would do."""

    dry_run: bool = False
    results: list[PostResult] = field(default_factory=list)
    #: Diagnostics about arguments rather than posts (an empty folder, a missing path).
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: The Jekyll sites imported, by root folder: their feed path matters to the build.
    sites: dict[Path, JekyllSite] = field(default_factory=dict)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for result in self.results if result.outcome is outcome)

    @property
    def failed(self) -> bool:
        return self.count(Outcome.FAILED) > 0 or any(
            diagnostic.severity is Severity.ERROR for diagnostic in self.diagnostics
        )

    def all_diagnostics(self) -> Iterator[Diagnostic]:
        yield from self.diagnostics
        for result in self.results:
            yield from result.diagnostics
