"""The one way kb writes into the output folder, and the one manifest of what it wrote.

Every file kb generates (index pages written by Sphinx on kb's behalf, feeds,
static files, search chunks, redirect pages, cards…) is recorded in
``.kb-outputs.json`` with a digest of what it was made from and the group that
made it. A file is only written when its content changed, by an atomic
replace, and never outside the output folder. When a build no longer makes a
file that the manifest says kb made, it is deleted; nothing else ever is.

Usage, from any build phase (the instance lives on the domain for one build)::

    outputs = domain_of(env).outputs(builder.outdir)
    outputs.write("feeds/atom.xml", data, group="feeds")
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

MANIFEST = ".kb-outputs.json"
#: Manifests of earlier kb versions, replaced by this one.
_LEGACY = (".kb-pages.json", ".kb-feeds.txt")


class OutsideOutput(ValueError):
    """A generated path that would leave the output folder."""


def digest_of(material: str | bytes) -> str:
    data = material.encode("utf-8") if isinstance(material, str) else material
    return hashlib.sha256(data).hexdigest()[:20]


class Outputs:
    """The files kb makes in one build, compared with the ones the last build made."""

    def __init__(self, outdir: str | os.PathLike[str]) -> None:
        self.outdir = Path(outdir)
        self._real = os.path.realpath(self.outdir)
        self.previous: dict[str, tuple[str, str]] = {}
        self.stamps: dict[str, str] = {}
        self.previous_stamps: dict[str, str] = {}
        self.current: dict[str, tuple[str, str]] = {}
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

    def stamp(self, group: str, stamp: str) -> bool:
        """Record what shapes every file of ``group``; True when it is as last time."""
        self.stamps[group] = stamp
        return self.previous_stamps.get(group) == stamp

    def previous_files(self, group: str) -> dict[str, str]:
        return {path: digest for path, (owner, digest) in self.previous.items() if owner == group}

    def keep_group(self, group: str) -> bool:
        """Keep every file ``group`` made last time, as it is; False when one is missing."""
        files = self.previous_files(group)
        if not all((self.outdir / path).is_file() for path in files):
            return False
        for path, digest in files.items():
            self.current[path] = (group, digest)
        return True

    # --- files -----------------------------------------------------------------

    def path_of(self, relative: str) -> Path:
        """The absolute path of ``relative``; raises :class:`OutsideOutput` when it leaves
        the output folder (through ``..``, an absolute path or a link)."""
        target = os.path.realpath(os.path.join(self._real, relative))
        if os.path.commonpath([target, self._real]) != self._real or target == self._real:
            raise OutsideOutput(relative)
        return self.outdir / relative

    def relative(self, path: str | os.PathLike[str]) -> str:
        return Path(os.path.relpath(path, self.outdir)).as_posix()

    def unchanged(self, relative: str, digest: str) -> bool:
        """True when ``relative`` was made from the same material last time and is on disk."""
        known = self.previous.get(relative)
        return known is not None and known[1] == digest and (self.outdir / relative).is_file()

    def note(self, relative: str, digest: str, group: str) -> None:
        """Record a file written by someone else on kb's behalf (Sphinx writes pages).

        Only a lexical check: the path comes from the builder, and resolving links
        for each of thousands of pages was a visible share of a rebuild; deleting
        (:meth:`finish`) still resolves every path it touches.
        """
        normal = os.path.normpath(relative)
        if os.path.isabs(normal) or normal == ".." or normal.startswith(".." + os.sep):
            raise OutsideOutput(relative)
        self.current[relative] = (group, digest)

    def write(
        self, relative: str, content: str | bytes, group: str, digest: str | None = None
    ) -> bool:
        """Write ``content`` to ``relative`` unless it is already there; True when written.

        ``digest`` is what the content was made from when the caller knows it
        cheaper than the content; otherwise the content's own hash.
        """
        data = content.encode("utf-8") if isinstance(content, str) else content
        digest = digest or digest_of(data)
        path = self.path_of(relative)
        self.current[relative] = (group, digest)
        try:
            if path.read_bytes() == data:
                return False
        except OSError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.kb-tmp{os.getpid()}")
        try:
            temporary.write_bytes(data)
            os.replace(temporary, path)
        finally:
            if temporary.exists():
                temporary.unlink()
        return True

    # --- end of build -----------------------------------------------------------

    def finish(self) -> list[str]:
        """Delete kb's files that this build no longer made; save the manifest.

        Returns the deleted paths.
        """
        removed: list[str] = []
        for relative in sorted(set(self.previous) - set(self.current)):
            try:
                path = self.path_of(relative)
            except OutsideOutput:
                continue  # a manifest edited by hand never makes kb delete outside
            if path.is_file() and not path.is_symlink():
                path.unlink()
                removed.append(relative)
        for legacy in _LEGACY:
            (self.outdir / legacy).unlink(missing_ok=True)
        files = {path: list(value) for path, value in sorted(self.current.items())}
        if files != {p: list(v) for p, v in sorted(self.previous.items())} or (
            self.stamps != self.previous_stamps
        ):
            payload = json.dumps(
                {"stamps": dict(sorted(self.stamps.items())), "files": files},
                ensure_ascii=False,
                indent=0,
            )
            self.outdir.mkdir(parents=True, exist_ok=True)
            manifest = self.outdir / MANIFEST
            temporary = manifest.with_name(f".{MANIFEST}.kb-tmp{os.getpid()}")
            temporary.write_text(payload, encoding="utf-8")
            os.replace(temporary, manifest)
        return removed
