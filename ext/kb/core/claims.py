"""Who writes which path of the output folder: one owner per path (no Sphinx here).

Every file kb writes claims its path first; a path already claimed, a path
under a claimed file or above one, and a path inside a folder someone else
fills are refused (:class:`Refused`, whose reason ends the sentence "not
written at PATH: …"). Claims come in the order of :data:`PRIORITY`, so the
same owner keeps a path whatever the order of the articles. The build's
:class:`kb.sphinx.outputs.Outputs` adds what is on disk to these rules; ``kb check``
uses them alone, to find colliding redirects without building.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kb.core.redirects import output_path_problem
from kb.core.values import shown

#: The owner of what Sphinx itself writes (pages, ``_static``, inventories…).
SPHINX = "sphinx"
#: Who keeps a path that two outputs want, first first: Sphinx and what it
#: writes on kb's behalf (and kb's search index, in a folder of its own), then feeds, llms.txt with the articles' Markdown and
#: the OpenSearch description, sitemap and robots.txt, the feed alias,
#: social cards, and last redirects (a redirect is the one output a user
#: names freely, so it never displaces anything).
PRIORITY = (
    (SPHINX, "pages", "static", "search"),
    ("feeds",),
    ("machine",),
    ("crawlers",),
    ("feed-alias",),
    ("cards",),
    ("redirects",),
)
_RANK = {group: rank for rank, groups in enumerate(PRIORITY) for group in groups}
#: How a message names what holds a path, by group.
_HOLDS = {
    SPHINX: "a page of this site is there",
    "pages": "a page of this site is there",
    "static": "one of kb's style sheets or scripts is there",
    "search": "a file of kb's search index is there",
    "feeds": "a feed is there",
    "machine": "kb's llms.txt, an article's Markdown copy or opensearch.xml is there",
    "crawlers": "kb's sitemap.xml or robots.txt is there (kb_sitemap)",
    "feed-alias": "the copy of the site feed is there (kb_feed_alias)",
    "cards": "a social card is there",
    "redirects": "another redirect is there",
}


@dataclass(frozen=True)
class Owner:
    """Who writes a path: a group of :data:`PRIORITY` and how a message names it."""

    group: str
    #: The end of a sentence "not written at PATH: ...", e.g. "a page of this site is there".
    holds: str = ""

    def __post_init__(self) -> None:
        if self.group not in _RANK:
            raise ValueError(f"unknown output group {self.group!r}")
        if not self.holds:
            object.__setattr__(self, "holds", _HOLDS[self.group])


#: kb's files for programs, each named with the setting that makes it.
LLMS_TXT_OWNER = Owner("machine", "llms.txt is there (kb_llms_txt)")
MARKDOWN_OWNER = Owner("machine", "an article's Markdown copy is there (kb_llms_txt)")
OPENSEARCH_OWNER = Owner("machine", "the OpenSearch description is there (kb_opensearch)")


class Refused(Exception):
    """A path kb does not write, and why (``reason`` ends "not written at PATH: ...")."""

    def __init__(self, relative: str, reason: str, holder: Owner | None = None) -> None:
        super().__init__(f"{relative}: {reason}")
        self.relative = relative
        self.reason = reason
        #: The owner that keeps the path (:data:`SPHINX` for a file kb did not
        #: write); ``None`` for a path that cannot be written at all.
        self.holder = holder


def folders_above(relative: str) -> list[str]:
    """The folders above ``relative``, outermost first: ``a/b/c`` gives ``a``, ``a/b``.

    Split as text: claims are checked for every page and card of a build, and
    a path object per check was a visible share of ``kb check``.
    """
    folders: list[str] = []
    end = relative.find("/")
    while end > 0:
        folders.append(relative[:end])
        end = relative.find("/", end + 1)
    return folders


def refusal_message(what: str, value: str, refusal: Refused) -> str:
    """``redirect_from '/x': not written at 'x.html': a page of this site is there``."""
    return f"{what} {shown(value)}: not written at {shown(refusal.relative)}: {refusal.reason}"


class Claims:
    """The owner of every path claimed so far, and the folders above them."""

    def __init__(self) -> None:
        #: Path -> who writes it this build, and the folders above those paths.
        self.claims: dict[str, Owner] = {}
        self._claimed_folders: dict[str, Owner] = {}
        #: Folders whose files are someone else's (``_static`` is Sphinx's).
        self._reserved_folders: dict[str, str] = {}

    def reserve(self, paths: Iterable[str], holds: str = "") -> None:
        """Files Sphinx writes: no kb output may take them."""
        owner = Owner(SPHINX, holds)
        for relative in paths:
            if relative not in self.claims:
                self._register(relative, owner)

    def reserve_folder(self, folder: str, holds: str) -> None:
        """A folder whose files are someone else's (``holds``: "it is inside Sphinx's …")."""
        self._reserved_folders.setdefault(folder.strip("/"), holds)

    def may_claim(self, relative: str, owner: Owner) -> bool:
        """Raise :class:`Refused` when ``owner`` may not have ``relative`` (not a plain
        path inside the output folder, control characters included, or another
        owner's); False when ``owner`` has it already."""
        problem = output_path_problem(relative)
        if problem:
            raise Refused(relative, problem)
        refused = self._held(relative, owner)
        if refused is not None:
            raise refused
        return relative not in self.claims

    def claim(self, relative: str, owner: Owner) -> None:
        """Make ``owner`` the one writer of ``relative``; :class:`Refused` when it may not be."""
        if self.may_claim(relative, owner):
            self._register(relative, owner)

    def _held(self, relative: str, owner: Owner) -> Refused | None:
        """Why ``owner`` may not have ``relative`` as far as claims go; None when it may."""
        held = self.claims.get(relative)
        if held is not None:
            if held == owner:
                return None
            if _RANK[owner.group] < _RANK[held.group]:
                # Claims are made in the order of PRIORITY; anything else is a bug
                # that would make the owner depend on the order of the build.
                raise RuntimeError(f"{owner.group} claims {relative} after {held.group}")
            return Refused(relative, held.holds, held)
        if _RANK[owner.group] > 0:
            for folder in (*folders_above(relative), relative):
                if folder in self._reserved_folders:
                    return Refused(relative, self._reserved_folders[folder])
        for folder in folders_above(relative):
            above = self.claims.get(folder)
            if above is not None:
                return Refused(relative, f"it lies under {folder}, where {above.holds}", above)
        below = self._claimed_folders.get(relative)
        if below is not None:
            return Refused(relative, f"it is a folder: inside it {below.holds}", below)
        return None

    def _register(self, relative: str, owner: Owner) -> None:
        self.claims[relative] = owner
        for folder in folders_above(relative):
            self._claimed_folders.setdefault(folder, owner)

