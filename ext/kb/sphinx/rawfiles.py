"""Files an article's raw HTML uses (``<img src>``, ``<a href>`` to a file) reach the output.

Sphinx copies the files of Markdown images and ``{download}`` links, never
those that raw HTML names: a ``<table>`` of screenshots imported from Jekyll
would show broken images. At read time each relative address of an
article's raw HTML that names a file of the project is registered as Sphinx
registers its own (images in ``env.images``, other files in ``env.dlfiles``,
so clearing, merging after a parallel read and dependency tracking are
Sphinx's); when the page is written, the address becomes the copy's, relative
to the page as the builder places it (``html`` and ``dirhtml`` alike).
Links of the raw HTML to another page of the project (``<a href="other.md">``,
an imported post's link inside a table) get the builder's address too.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util.osutil import relative_uri

from kb.core.targets import is_article
from kb.sphinx.config import kb_config

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_ADDRESS = re.compile(
    r"(?P<lead><(?P<tag>img|a|source)\b[^>]*?\s(?P<attribute>src|href)\s*=\s*)"
    r"(?P<q>[\"'])(?P<url>[^\"']*)(?P=q)",
    re.IGNORECASE,
)
#: Attribute on a raw node: {address as written: (kind, path from the source folder,
#: or the docname of a page of the project)}.
FILES_KEY = "kb_files"
_PAGES = (".md", ".rst", ".html", ".htm", ".txt")


def _local(url: str) -> str | None:
    """The path part of a relative address, ``None`` for absolute and in-page ones."""
    if not url or url.startswith(("#", "/", "\\")) or re.match(r"[A-Za-z][\w+.-]*:", url):
        return None
    path = re.split(r"[?#]", url, maxsplit=1)[0]
    return path or None


class RawFilesTransform(SphinxTransform):
    """Register the files an article's raw HTML names, as Sphinx does for its images."""

    # Before doctree-read (880), where Sphinx's collectors run.
    default_priority = 700

    def apply(self, **kwargs: Any) -> None:
        docname = self.env.docname
        if not is_article(docname, kb_config(self.env)):
            return
        source_folder = posixpath.dirname(docname)
        srcdir = Path(self.env.srcdir).resolve()
        for raw in self.document.findall(nodes.raw):
            if "html" not in raw.get("format", "").split():
                continue
            found: dict[str, tuple[str, str]] = {}
            for match in _ADDRESS.finditer(raw.astext()):
                url = html.unescape(match.group("url"))
                path = _local(url)
                if path is None:
                    continue
                relative = posixpath.normpath(posixpath.join(source_folder, path))
                target = (srcdir / relative).resolve()
                if (
                    relative.startswith("../")
                    or not target.is_relative_to(srcdir)
                    or not target.is_file()
                ):
                    continue
                is_link = match.group("tag").lower() == "a"
                if is_link and target.suffix.lower() in _PAGES:
                    # A page of the project (an imported post's article): its
                    # address is the builder's, found when the page is written.
                    other = self.env.path2doc(str(target))
                    if other is not None:
                        fragment = url.partition("#")[2]
                        found[url] = ("document", f"{other}#{fragment}" if fragment else other)
                    continue
                if is_link:
                    self.env.dlfiles.add_file(docname, relative)
                    found[url] = ("download", relative)
                else:
                    self.env.images.add_file(docname, relative)
                    found[url] = ("image", relative)
                self.env.note_dependency(relative)
            if found:
                raw[FILES_KEY] = found


def _document_address(app: Sphinx, docname: str, target: str) -> str | None:
    """The address of ``target`` (``doc`` or ``doc#label``) from the page of ``docname``."""
    other, _, fragment = target.partition("#")
    if other not in app.env.all_docs:
        return None
    address = app.builder.get_relative_uri(docname, other)
    if fragment:
        # A MyST target's name: its anchor is the id docutils made of it.
        label = app.env.domains.standard_domain.labels.get(fragment)
        address += "#" + (label[1] if label and label[0] == other else fragment)
    return address


def _pointed(app: Sphinx, docname: str, text: str, found: dict[str, tuple[str, str]]) -> str:
    """``text`` with each address in ``found`` replaced by its copy's (or its page's)."""
    builder: Any = app.builder
    page = builder.get_target_uri(docname)

    def copy_of(match: re.Match[str]) -> str:
        written = found.get(html.unescape(match.group("url")))
        if written is None:
            return match.group(0)
        kind, relative = written
        document = _document_address(app, docname, relative) if kind == "document" else None
        if document is not None:
            address = document
        elif kind == "image" and relative in app.env.images:
            name = app.env.images[relative][1]
            builder.images[relative] = name  # copied with the page's own images
            address = posixpath.join(relative_uri(page, builder.imagedir), name)
        elif kind == "download" and Path(relative) in app.env.dlfiles:
            copy = app.env.dlfiles[Path(relative)][1]
            address = posixpath.join(relative_uri(page, "_downloads"), Path(copy).as_posix())
        else:
            return match.group(0)
        quote = match.group("q")
        return f"{match.group('lead')}{quote}{html.escape(address)}{quote}"

    return _ADDRESS.sub(copy_of, text)


def point_at_copies(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Each registered address of the page's raw HTML, pointed at the builder's copy."""
    if app.builder.format != "html" or not hasattr(app.builder, "imagedir"):
        return
    for raw in doctree.findall(nodes.raw):
        found: dict[str, tuple[str, str]] = raw.get(FILES_KEY) or {}
        if found:
            raw[:] = [nodes.Text(_pointed(app, docname, raw.astext(), found))]


def setup(app: Sphinx) -> None:
    app.add_transform(RawFilesTransform)
    app.connect("doctree-resolved", point_at_copies)
