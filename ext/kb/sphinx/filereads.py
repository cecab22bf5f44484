"""Files that document text may read: those inside the source folder, and no URL.

Sphinx and docutils open files for ``{include}``, ``{literalinclude}`` (and
its ``:diff:``), ``{csv-table}`` and ``{raw}`` with ``:file:``, images
(Markdown ``![]()``, ``{image}``, ``{figure}`` and its ``:figwidth: image``)
and ``{download}`` (and Markdown links to files), and fetch ``:url:`` from
the build machine; what they read goes into the page, the copied files and,
with ``kb_feed_full_text``, the feeds. Each is checked here before anything
is opened: a path that resolves (links followed) outside the source folder,
or to something other than a regular file (a named pipe blocks the build for
ever, ``/dev/zero`` never ends), is refused with a ``kb.include`` warning
naming the file and line, and so is every ``:url:``. Paths inside the source
folder work as before.

The rule holds for every document of the project, not only articles: the
check costs one ``stat`` per file read, and a page that needs a file from
elsewhere in the repository can have it copied into the source folder.
"""

from __future__ import annotations

import os
import stat
from glob import glob
from pathlib import Path
from typing import Any
from urllib.request import url2pathname

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.parsers.rst.directives.misc import Include as DocutilsInclude
from docutils.parsers.rst.directives.misc import Raw, adapt_path
from docutils.utils import SystemMessagePropagation
from myst_parser.mocking import MockIncludeDirective, MockState
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.directives.code import LiteralInclude
from sphinx.directives.other import Include as SphinxInclude
from sphinx.directives.patches import CSVTable, Figure
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.i18n import get_image_filename_for_language, search_image_for_language

logger = logging.getLogger(__name__)

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def refusal(path: Path | str, root: Path) -> str | None:
    """Why the build must not open ``path``, or None when it may.

    ``root`` is the resolved folder the path must stay in; links are followed
    first, and a relative ``path`` is taken from the working directory, as
    ``open`` would. A path that does not exist is left to whoever opens it
    to report.
    """
    try:
        resolved = Path(path).resolve()
    except (OSError, RuntimeError, ValueError):
        return "its links cannot be followed"
    if not resolved.is_relative_to(root):
        return "it is outside the source folder"
    try:
        mode = os.stat(resolved).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return f"it is {kind}, not a regular file"


def source_root(env: Any) -> Path:
    return Path(env.srcdir).resolve()


def warn_refused(what: str, target: str, why: str, location: Any) -> None:
    logger.warning(
        "%s %r is not read: %s", what, target, why, type="kb", subtype="include", location=location
    )


def warn_url(what: str, url: str, location: Any) -> None:
    logger.warning(
        "%s %r is not fetched: the build never reads a URL; copy the file into the "
        "source folder and name it by its path",
        what,
        url,
        type="kb",
        subtype="include",
        location=location,
    )


# --- directives that read files ----------------------------------------------------------


#: Options MyST adds to an ``include`` in Markdown.
_MYST_INCLUDE_OPTIONS = {
    "relative-images": directives.flag,
    "relative-docs": directives.path,
    "heading-offset": directives.nonnegative_int,
}


class ConfinedInclude(SphinxDirective):
    """``include``, once its file is known to be inside the source folder.

    Not a subclass of docutils' ``Include``: MyST runs any such subclass
    through its own reader, which opens the file without asking the class;
    this one checks first, then hands over to MyST's reader in Markdown and
    to Sphinx's ``include`` in reStructuredText.
    """

    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {**SphinxInclude.option_spec, **_MYST_INCLUDE_OPTIONS}  # noqa: RUF012

    def run(self) -> list[nodes.Node]:
        argument = self.arguments[0]
        joined = "".join(part.strip() for part in argument.splitlines())
        if joined.startswith("<") and joined.endswith(">"):
            # docutils' own files (isonum.txt…), which must stay in their folder.
            standard = Path(DocutilsInclude.standard_include_path)
            why = refusal(standard / joined[1:-1], standard.resolve())
        else:
            why = refusal(self.env.relfn2path(argument)[1], source_root(self.env))
        if why:
            warn_refused(self.name, argument, why, self.get_location())
            return []
        if isinstance(self.state, MockState):
            return MockIncludeDirective(
                self.state._renderer,
                name=self.name,
                klass=SphinxInclude,
                arguments=self.arguments,
                options=self.options,
                body=list(self.content),
                lineno=self.lineno,
            ).run()
        return SphinxInclude(
            self.name,
            self.arguments,
            self.options,
            self.content,
            self.lineno,
            self.content_offset,
            self.block_text,
            self.state,
            self.state_machine,
        ).run()  # type: ignore[return-value]


class ConfinedLiteralInclude(LiteralInclude):
    """``literalinclude`` of a file inside the source folder, compared with another there."""

    def run(self) -> list[nodes.Node]:
        root = source_root(self.env)
        for what, value in ((self.name, self.arguments[0]), (":diff:", self.options.get("diff"))):
            if value is None:
                continue
            why = refusal(self.env.relfn2path(value)[1], root)
            if why:
                warn_refused(what, value, why, self.get_location())
                return []
        return super().run()


def _docutils_path(directive: Any, value: str) -> str:
    """The path docutils opens for a ``:file:`` option (from the including file)."""
    document = directive.state.document
    source = document.current_source or document.get("source", "")
    return adapt_path(value, source, getattr(document.settings, "root_prefix", ""))


class ConfinedRaw(Raw, SphinxDirective):
    """``raw`` from its content or a file inside the source folder; never from a URL."""

    def run(self) -> list[nodes.Node]:
        if "url" in self.options:
            warn_url(f"{self.name} :url:", self.options["url"], self.get_location())
            return []
        if "file" in self.options:
            value = self.options["file"]
            why = refusal(_docutils_path(self, value), source_root(self.env))
            if why:
                warn_refused(f"{self.name} :file:", value, why, self.get_location())
                return []
        return super().run()


class ConfinedCSVTable(CSVTable, SphinxDirective):
    """``csv-table`` from its content or a file inside the source folder; never from a URL."""

    def get_csv_data(self) -> Any:
        # Sphinx has already turned a ":file: /x" into a path from the source folder.
        if "url" in self.options:
            warn_url(f"{self.name} :url:", self.options["url"], self.get_location())
            raise SystemMessagePropagation(nodes.comment())
        if "file" in self.options:
            value = self.options["file"]
            why = refusal(_docutils_path(self, value), source_root(self.env))
            if why:
                warn_refused(f"{self.name} :file:", value, why, self.get_location())
                raise SystemMessagePropagation(nodes.comment())
        return super().get_csv_data()


class ConfinedFigure(Figure, SphinxDirective):
    """``figure`` whose ``:figwidth: image`` measures only an image inside the source folder.

    docutils opens the image itself to measure it, from the working
    directory rather than the source folder; the image shown is checked
    with every other image, by :class:`ConfinedFiles`.
    """

    def run(self) -> list[nodes.Node]:
        if self.options.get("figwidth") == "image":
            measured = url2pathname(directives.uri(self.arguments[0]))
            why = refusal(measured, source_root(self.env))
            if why:
                warn_refused(f"{self.name} :figwidth: image", measured, why, self.get_location())
                del self.options["figwidth"]
        return super().run()


# --- images and downloads ------------------------------------------------------------------


def _is_url(uri: str) -> bool:
    return uri.startswith("data:") or "://" in uri


class ConfinedFiles(SphinxTransform):
    """Images and downloads whose files lie outside the source folder are dropped.

    Sphinx copies them into ``_images`` and ``_downloads`` when the page is
    written; the paths are worked out here as Sphinx's collectors will
    (``/`` from the source folder, ``figure_language_filename``, ``pic.*``).
    A dropped image leaves its alt text, a dropped download its link text.
    """

    # Last before doctree-read (880), where the collectors note the files.
    default_priority = 870

    def apply(self, **kwargs: Any) -> None:
        root = source_root(self.env)
        for image in list(self.document.findall(nodes.image)):
            uri = image.get("uri", "")
            if _is_url(uri):
                continue
            why = next(filter(None, (refusal(path, root) for path in self._image_paths(uri))), None)
            if why:
                warn_refused("image", uri, why, image)
                _drop_image(image)
        for download in list(self.document.findall(addnodes.download_reference)):
            target = download.get("reftarget", "")
            if "://" in target:
                continue
            why = refusal(self.env.relfn2path(target, self.env.docname)[1], root)
            if why:
                warn_refused("download", target, why, download)
                download.replace_self(nodes.inline("", "", *download.children))

    def _image_paths(self, uri: str) -> list[str]:
        docname = self.env.docname
        if uri.endswith(os.extsep + "*"):
            translated = get_image_filename_for_language(uri, self.env)
            return [
                *glob(self.env.relfn2path(translated, docname)[1]),
                *glob(self.env.relfn2path(uri, docname)[1]),
            ]
        return [self.env.relfn2path(search_image_for_language(uri, self.env), docname)[1]]


class NoImageDownloads(SphinxPostTransform):
    """An image at an ``http(s)`` address stays the reader's to fetch, never the build's.

    HTML pages link to it; a builder that cannot (LaTeX, EPUB) would have
    Sphinx download it from the build machine, so there it is dropped.
    """

    # Before Sphinx's ImageDownloader (100).
    default_priority = 90

    def run(self, **kwargs: Any) -> None:
        # As SphinxPostTransform.is_supported asks it.
        if self.env._builder_cls.supported_remote_images:
            return
        for image in list(self.document.findall(nodes.image)):
            uri = image.get("uri", "")
            if "://" in uri:
                warn_url("image", uri, image)
                _drop_image(image)


def _drop_image(image: nodes.image) -> None:
    alt = image.get("alt", "")
    if isinstance(image.parent, nodes.TextElement):
        image.replace_self(nodes.inline(alt, alt))
    else:
        image.parent.remove(image)


def setup(app: Sphinx) -> None:
    app.add_directive("include", ConfinedInclude, override=True)
    app.add_directive("literalinclude", ConfinedLiteralInclude, override=True)
    app.add_directive("raw", ConfinedRaw, override=True)
    app.add_directive("csv-table", ConfinedCSVTable, override=True)
    app.add_directive("figure", ConfinedFigure, override=True)
    app.add_transform(ConfinedFiles)
    app.add_post_transform(NoImageDownloads)
