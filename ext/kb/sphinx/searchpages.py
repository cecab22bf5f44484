"""What the search index holds of a page: its text, sections and code, its names and
dates (:class:`~kb.search.pagekeys.PageRecord`), and an article's facets."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, NamedTuple

from docutils import nodes
from sphinx.locale import admonitionlabels

from kb.search.facets import PageFacets
from kb.search.htmltext import Piece, html_inline_text, html_pieces
from kb.search.pagekeys import PageRecord
from kb.sphinx.config import kb_config
from kb.sphinx.domain import domain_of

if TYPE_CHECKING:
    from sphinx.application import Sphinx

# --- what a page holds --------------------------------------------------------------


class _Body:
    """The blocks of text a reader sees on a page, generated lists aside, and its code.

    Every text node counts, as in Sphinx's own index: paragraphs and headings,
    literal blocks and inline code (marked as code for the snippets), the
    text of raw HTML, and the labels the HTML writer puts on admonitions.
    """

    def __init__(self) -> None:
        self.blocks: list[Piece] = []
        #: (index of the section's first block, its anchor, its heading), in order.
        self.sections: list[tuple[int, str, str]] = []

    def walk(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.section):
            title = node.next_node(nodes.title)
            anchors = node.get("ids", ())
            # The page's own title section is the page: a match there links to its top.
            if anchors and not isinstance(node.parent, nodes.document):
                heading = title.astext() if title is not None else ""
                self.sections.append((len(self.blocks), anchors[0], heading))
        if isinstance(node, nodes.Text):
            self._block(node.astext(), code=False)
        elif not isinstance(node, nodes.Element) or _skipped(node):
            return
        elif isinstance(node, nodes.raw):
            if "html" in node.get("format", "").split():
                self.blocks.extend(html_pieces(node.astext()))
        elif isinstance(node, (nodes.literal_block, nodes.doctest_block)):
            self._block(node.astext(), code=True)
        elif isinstance(node, nodes.TextElement) and not isinstance(node, nodes.Inline):
            # Inline markup stays inside its paragraph: **計算**資源 is one phrase.
            piece = Piece()
            _inline(node, piece, code=False)
            self.blocks.append(piece)
        else:
            label = _admonition_label(node)
            if label:
                self._block(label, code=False)
            for child in node.children:
                self.walk(child)

    def _block(self, text: str, code: bool) -> None:
        piece = Piece()
        piece.add(text, code)
        self.blocks.append(piece)

    def text(self) -> BodyText:
        """The blocks one a line (line breaks inside a block become spaces), the code
        spans, and where each section starts in that text."""
        lines: list[str] = []
        spans: list[tuple[int, int]] = []
        starts: list[int] = []
        at = 0
        for piece in self.blocks:
            starts.append(at)
            if not piece.text.strip():
                continue
            line = piece.text.replace("\r", " ").replace("\n", " ")
            spans.extend((at + start, at + end) for start, end in piece.code)
            lines.append(line)
            at += len(line) + 1
        starts.append(at)
        sections = tuple(
            (starts[block], anchor, " ".join(heading.split()))
            for block, anchor, heading in self.sections
        )
        return BodyText("\n".join(lines), tuple(spans), sections)


def _skipped(node: nodes.Element) -> bool:
    if isinstance(node, (nodes.comment, nodes.system_message)):
        return True
    return "no-search" in node.get("classes", ())


def _inline(node: nodes.Element, piece: Piece, code: bool) -> None:
    for child in node.children:
        if isinstance(child, nodes.Text):
            piece.add(child.astext(), code)
        elif not isinstance(child, nodes.Element) or _skipped(child):
            continue
        elif isinstance(child, nodes.raw):
            if "html" in child.get("format", "").split():
                piece.add(html_inline_text(child.astext()), code)
        else:
            _inline(child, piece, code or isinstance(child, nodes.literal))


def _admonition_label(node: nodes.Element) -> str:
    """注釈, 警告…: the title Sphinx's HTML writer gives a note or a warning."""
    if not isinstance(node, nodes.Admonition) or isinstance(node, nodes.admonition):
        return ""
    return str(admonitionlabels.get(node.tagname, ""))


class BodyText(NamedTuple):
    text: str
    #: Where the text holds code: (start, end) offsets.
    code: tuple[tuple[int, int], ...]
    #: Where each section starts in the text: (offset, anchor, heading).
    sections: tuple[tuple[int, str, str], ...]


def body_text(doctree: nodes.Node) -> BodyText:
    """The page's text, one block a line, where it holds code, and its sections."""
    body = _Body()
    body.walk(doctree)
    return body.text()


def _utc(date: dt.datetime | None) -> str:
    if date is None:
        return ""
    if date.tzinfo is None:
        date = date.replace(tzinfo=dt.timezone.utc)
    return date.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def _names(domain: Any, article: Any) -> tuple[str, ...]:
    """Tags, categories and authors as written and as displayed (a taxonomy may rename)."""
    names = [*article.tags, *article.categories, *article.authors]
    display = getattr(domain, "display_names", None)
    if display is not None:
        for kind in ("tag", "category", "author"):
            try:
                names.extend(display(article, kind))
            except (KeyError, ValueError, TypeError):
                continue
    return tuple(dict.fromkeys(name for name in names if name))


def searchable(app: Sphinx, docname: str) -> bool:
    """Pages in the index: every document but drafts and pages marked ``no-search``."""
    metadata = app.env.metadata.get(docname, {})
    if "no-search" in metadata or "nosearch" in metadata:
        return False
    article = domain_of(app.env).articles.get(docname)
    return not (article is not None and article.draft)


def date_key(app: Sphinx, docname: str) -> str:
    article = domain_of(app.env).articles.get(docname)
    return _utc(article.date) if article is not None else ""


def page_record(app: Sphinx, docname: str, doctree: nodes.document) -> PageRecord:
    domain = domain_of(app.env)
    article = domain.articles.get(docname)
    entry = domain.entries.get(docname)
    title_node = app.env.titles.get(docname)
    title = title_node.astext() if title_node is not None else docname
    names: tuple[str, ...] = ()
    excerpt = ""
    if article is not None:
        title = article.title or title
        names = _names(domain, article)
        excerpt = article.excerpt
    elif entry is not None:
        names = tuple(dict.fromkeys([entry.name, *entry.aliases]))
        excerpt = entry.summary
    body, code, sections = body_text(doctree)
    return PageRecord(
        docname=docname,
        url=app.builder.get_target_uri(docname),
        title=title,
        date=date_key(app, docname),
        names=names,
        excerpt=excerpt,
        body=body,
        code=code,
        sections=sections,
    )


# --- the Sphinx events -------------------------------------------------------------------


def _local_month(date: dt.datetime | None, zone: dt.tzinfo) -> str:
    if date is None:
        return ""
    if date.tzinfo is None:
        date = date.replace(tzinfo=dt.timezone.utc)
    return date.astimezone(zone).strftime("%Y-%m")


def page_facets(app: Sphinx, docnames: list[str]) -> dict[str, PageFacets]:
    """The facets of each article: its categories, tags and authors as displayed, the
    names of the glossary entries it mentions, and its month in ``kb_timezone``."""
    domain = domain_of(app.env)
    zone = kb_config(app).zone
    found = {}
    for docname in docnames:
        article = domain.articles.get(docname)
        if article is None:
            continue
        mentioned = (domain.entries.get(entry) for entry in domain.mentions.get(docname, ()))
        found[docname] = PageFacets(
            category=domain.display_names(article, "category"),
            tag=domain.display_names(article, "tag"),
            author=domain.display_names(article, "author"),
            entry=tuple(sorted(entry.name for entry in mentioned if entry is not None)),
            month=_local_month(article.date, zone),
        )
    return found
