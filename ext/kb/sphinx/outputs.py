"""The one way kb writes into the output folder, and the one manifest of what it wrote.

Every file kb generates (index pages written by Sphinx on kb's behalf, feeds,
static files, the search index's chunks, redirect pages, cards…) is recorded in
``.kb-outputs.json`` with a digest of what it was made from and the group that
made it. A file is only written when its content changed, by
:func:`kb.core.atomicfile.write_atomically` (kb's one way of writing a file),
and never outside the output folder. When a build no longer makes a file that
the manifest says kb made, it is deleted; nothing else ever is.
``tests/test_one_writer.py`` watches a real build and fails on a file kb
writes into the output folder that the manifest does not list.

One owner per path: every file kb writes (or has Sphinx write) first claims
its path here, and a path already claimed, a path under a claimed file or
above one, a file Sphinx writes and a file on disk that kb did not write are
refused (:class:`Refused`, which the phase reports with the file and line or
the setting that asked for it). Claims come in the order of
:data:`PRIORITY`, so the same owner keeps a path whatever the order of the
articles and whether the build is clean or incremental.

Usage, from any build phase (the instance lives on the domain for one build)::

    outputs = domain_of(env).outputs(builder.outdir)
    outputs.write("feeds/atom.xml", data, group="feeds")
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from kb.core.atomicfile import remove_file, write_atomically
from kb.core.claims import SPHINX, Claims, Owner, Refused, folders_above

MANIFEST = ".kb-outputs.json"
#: Manifests of earlier kb versions, replaced by this one.
_LEGACY = (".kb-pages.json", ".kb-feeds.txt")

class OutsideOutput(ValueError):
    """A generated path that would leave the output folder."""


def digest_of(material: str | bytes) -> str:
    data = material.encode("utf-8") if isinstance(material, str) else material
    return hashlib.sha256(data).hexdigest()[:20]


class Outputs(Claims):
    """The files kb makes in one build, compared with the ones the last build made."""

    def __init__(self, outdir: str | os.PathLike[str]) -> None:
        self.outdir = Path(outdir)
        self._real = os.path.realpath(self.outdir)
        self._prefix = os.path.join(os.fspath(self.outdir), "")
        self.previous: dict[str, tuple[str, str]] = {}
        #: :meth:`previous_files` of each group asked for (dropped when adopt adds files).
        self._by_group: dict[str, dict[str, str]] = {}
        self.stamps: dict[str, str] = {}
        self.previous_stamps: dict[str, str] = {}
        self.current: dict[str, tuple[str, str]] = {}
        super().__init__()
        #: Pages Sphinx writes for documents, this build and the last: a file on
        #: disk that was a page last time and is none now is Sphinx's left-over,
        #: which a redirect (an article that moved) may replace.
        self.sphinx_pages: set[str] = set()
        self.previous_sphinx_pages: set[str] = set()
        self._load()

    # --- manifest ------------------------------------------------------------

    def _load(self) -> None:
        try:
            data = json.loads((self.outdir / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(data, dict):
            return
        files = data.get("files", {})
        stamps = data.get("stamps", {})
        if isinstance(files, dict):
            self.previous = {
                path: (str(value[0]), str(value[1]))
                for path, value in files.items()
                if isinstance(value, list) and len(value) == 2
            }
        if isinstance(stamps, dict):
            self.previous_stamps = {str(k): str(v) for k, v in stamps.items()}
        pages = data.get("sphinx_pages", [])
        if isinstance(pages, list):
            self.previous_sphinx_pages = {str(page) for page in pages}

    def adopt(self, folder: str, group: str) -> None:
        """Files in ``folder`` that an older kb wrote without recording them are ``group``'s.

        They count as made by the last build, so this one replaces or deletes
        them like any file of its own instead of refusing to touch them.
        """
        root = self.outdir / folder
        if self.previous_files(group) or not root.is_dir():
            return
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                self.previous.setdefault(self.relative(path), (group, ""))
        self._by_group.clear()

    def stamp(self, group: str, stamp: str) -> bool:
        """Record what shapes every file of ``group``; True when it is as last time."""
        self.stamps[group] = stamp
        return self.previous_stamps.get(group) == stamp

    def previous_files(self, group: str) -> dict[str, str]:
        """The files ``group`` made last time (path -> digest); not to be changed."""
        found = self._by_group.get(group)
        if found is None:
            found = self._by_group[group] = {
                path: digest for path, (owner, digest) in self.previous.items() if owner == group
            }
        return found

    def keep_group(self, group: str) -> bool:
        """Keep every file ``group`` made last time, as it is; False when one is missing
        or another owner now has its path (the group then makes its files again)."""
        files = self.previous_files(group)
        # os.path on text: a Path per file of thousands was a visible share of a no-op.
        if not all(os.path.isfile(self._prefix + path) for path in files):
            return False
        owner = Owner(group)
        if any(self._held(path, owner) is not None for path in files):
            return False
        for path, digest in files.items():
            self._register(path, owner)
            self.current[path] = (group, digest)
        return True

    # --- owners --------------------------------------------------------------------

    def reserve(self, paths: Iterable[str], holds: str = "", pages: bool = False) -> None:
        """Files Sphinx writes: no kb output may take them. ``pages`` marks them as the
        pages of documents (remembered, see :attr:`sphinx_pages`)."""
        paths = list(paths)
        super().reserve(paths, holds)
        if pages:
            self.sphinx_pages.update(paths)

    def claim(self, relative: str, owner: Owner) -> None:
        """Make ``owner`` the one writer of ``relative`` in this build.

        Raises :class:`Refused` when the path is not a plain path inside the
        output folder (control characters included), when another owner has
        it, or when a file or folder that kb did not make is there.
        """
        if not self.may_claim(relative, owner):
            return
        try:
            path = self.path_of(relative)
        except OutsideOutput:
            raise Refused(relative, "it would leave the output folder") from None
        try:
            self._check_disk(relative, path)
        except OSError as error:  # a name too long for the file system, say
            raise Refused(relative, f"it cannot be written ({error.strerror or error})") from None
        self._register(relative, owner)

    def _check_disk(self, relative: str, path: Path) -> None:
        for folder in folders_above(relative):
            above = self.outdir / folder
            if not above.is_file():
                continue
            if folder not in self.previous:
                raise Refused(relative, f"it lies under {folder}, a file kb did not write")
            # kb's own file of the last build that no output claims now: it would
            # be deleted at the end anyway, and a clean build never had it.
            remove_file(above)
        if path.is_dir():
            raise Refused(relative, "a folder is there")
        if (
            path.exists()
            and relative not in self.previous
            and relative not in self.previous_sphinx_pages
        ):
            foreign = Owner(SPHINX, "another file is there, which kb did not write")
            raise Refused(relative, foreign.holds, foreign)

    # --- files -----------------------------------------------------------------

    def path_of(self, relative: str) -> Path:
        """The absolute path of ``relative``; raises :class:`OutsideOutput` when it leaves
        the output folder (through ``..``, an absolute path or a link)."""
        target = os.path.realpath(os.path.join(self._real, relative))
        if os.path.commonpath([target, self._real]) != self._real or target == self._real:
            raise OutsideOutput(relative)
        return self.outdir / relative

    def relative(self, path: str | os.PathLike[str]) -> str:
        text = os.fspath(path)
        if text.startswith(self._prefix) and "/." not in text and os.sep + "." not in text:
            # A path the builder made under the output folder: cut as text
            # (relpath for each of thousands of pages was a visible share of a rebuild).
            return text[len(self._prefix) :].replace(os.sep, "/")
        return Path(os.path.relpath(path, self.outdir)).as_posix()

    def unchanged(self, relative: str, digest: str) -> bool:
        """True when ``relative`` was made from the same material last time and is on disk."""
        known = self.previous.get(relative)
        return known is not None and known[1] == digest and os.path.isfile(self._prefix + relative)

    def note(self, relative: str, digest: str, group: str) -> None:
        """Record a file written by someone else on kb's behalf (Sphinx writes pages).

        Only a lexical check: the path comes from the builder, and resolving links
        for each of thousands of pages was a visible share of a rebuild; deleting
        (:meth:`finish`) still resolves every path it touches.
        """
        normal = os.path.normpath(relative)
        if os.path.isabs(normal) or normal == ".." or normal.startswith(".." + os.sep):
            raise OutsideOutput(relative)
        owner = Owner(group)
        refused = self._held(relative, owner)
        if refused is not None:
            raise refused
        self._register(relative, owner)
        self.current[relative] = (group, digest)

    def write(
        self,
        relative: str,
        content: str | bytes,
        group: str,
        digest: str | None = None,
        owner: Owner | None = None,
    ) -> bool:
        """Write ``content`` to ``relative`` unless it is already there; True when written.

        ``digest`` is what the content was made from when the caller knows it
        cheaper than the content; otherwise the content's own hash. The path
        is claimed for ``owner`` (by default the group's) first. Raises
        :class:`Refused` when the path is someone else's or cannot be written
        (a name too long for the file system, a full disk); nothing is then
        left behind.
        """
        data = content.encode("utf-8") if isinstance(content, str) else content
        digest = digest or digest_of(data)
        self.claim(relative, owner or Owner(group))
        path = self.outdir / relative
        try:
            if path.read_bytes() == data:
                self.current[relative] = (group, digest)
                return False
        except OSError:
            pass
        try:
            write_atomically(path, data)
        except OSError as error:
            raise Refused(relative, f"it cannot be written ({error.strerror or error})") from None
        self.current[relative] = (group, digest)
        return True

    # --- end of build -----------------------------------------------------------

    def finish(self) -> list[str]:
        """Delete kb's files that this build no longer made; save the manifest.

        Returns the deleted paths.
        """
        removed: list[str] = []
        for relative in sorted(set(self.previous) - set(self.current)):
            if relative in self.claims:
                continue  # Sphinx writes it now (a new page where a redirect was)
            try:
                path = self.path_of(relative)
            except OutsideOutput:
                continue  # a manifest edited by hand never makes kb delete outside
            if path.is_file() and not path.is_symlink():
                remove_file(path)
                removed.append(relative)
        for legacy in _LEGACY:
            remove_file(self.outdir / legacy)
        if (
            self.current != self.previous
            or self.stamps != self.previous_stamps
            or self.sphinx_pages != self.previous_sphinx_pages
        ):
            payload = json.dumps(
                {
                    "stamps": dict(sorted(self.stamps.items())),
                    "files": {path: list(value) for path, value in sorted(self.current.items())},
                    "sphinx_pages": sorted(self.sphinx_pages),
                },
                ensure_ascii=False,
                indent=0,
            )
            write_atomically(self.outdir / MANIFEST, payload.encode("utf-8"))
        return removed


class GroupFolder:
    """One group's files in one folder of the output, by their path inside it.

    What :mod:`kb.search.store` writes through (``kb.search.files.IndexFiles``): every file
    is claimed, written and recorded by :class:`Outputs`.
    """

    def __init__(self, outputs: Outputs, folder: str, group: str) -> None:
        self.outputs = outputs
        self.folder = folder
        self.group = group

    def read(self, relative: str) -> str | None:
        try:
            return (self.outputs.outdir / self.folder / relative).read_text(encoding="utf-8")
        except OSError:
            return None

    def write(self, relative: str, text: str) -> bool:
        return self.outputs.write(f"{self.folder}/{relative}", text, self.group)

    def remove_beyond(self, kind: str, count: int) -> None:
        """Nothing to do: the files this build did not write are deleted at its end."""
