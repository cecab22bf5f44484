"""The knowledge base as one document, and kb's content for builders that write no HTML.

Articles and glossary entries are orphans (no toctree lists them: a toctree of
every article would put all of them on every page), so a builder that
assembles the project from its toctrees (``latex`` for PDF, ``singlehtml``)
would leave them out and every link to them dead. :class:`BookTransform` adds
them to the assembled document before references are resolved: one chapter
per month of articles (newest first, as the archive), then one per glossary
kind, each article or entry inlined as its own file (``start_of_file``), the
way Sphinx inlines a toctree.

Builders that write no HTML (latex, text, man, texinfo) cannot show kb's
templates; :func:`placeholder_nodes` gives the same content as document
nodes: the byline as text, lists of articles as bullet lists linked to the
articles, an entry's summary and the articles that mention it. Tag, category
and author pages are not written there, so their names are plain text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.errors import NoUri
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import make_refnode

from kb.core.names import name_key
from kb.core.records import Article
from kb.core.settings import KbConfig
from kb.core.targets import glossary_overview_pagename, page_table
from kb.core.taxonomy import month_pagename
from kb.core.wording import Wording
from kb.sphinx.config import kb_config
from kb.sphinx.domain import BOOK_BUILDERS, KbDomain, domain_of
from kb.sphinx.i18n import _, ngettext, pgettext, wording, wording_of
from kb.sphinx.placeholders import placeholder

#: Marks a document the book chapters were added to (a tree is assembled once).
_DONE = "kb_book"
#: The builder of this build, in the domain's scratch (a post-transform gets only
#: the environment).
_BUILDER = "book_builder"


def book_chapters(
    domain: KbDomain, config: KbConfig, words: Wording
) -> list[tuple[str, str, list[str]]]:
    """(id, title, documents) of each chapter kb adds: months, then glossary kinds.

    A chapter's id is the ``{ref}`` label of the page it stands for, so
    ``{ref}`kb-partners``` and ``{ref}`kb-archive-2025-11``` lead to it."""
    entries_of = {
        kind: sorted(
            (e for e in domain.entries.values() if e.kind == kind), key=lambda e: name_key(e.name)
        )
        for kind in config.glossary_kinds
    }
    kinds = [kind for kind, entries in entries_of.items() if entries]
    # Titles and labels as the website's pages have them (no sphinx-tags titles:
    # a book has no tag pages).
    table = page_table(config, domain.taxonomy, kinds, words)
    chapters: list[tuple[str, str, list[str]]] = []
    for (year, month), articles in sorted(domain.taxonomy.months.items(), reverse=True):
        docnames = [a.docname for a in articles if a.is_article]
        if docnames:
            page = table[month_pagename(config.archive_path, year, month)]
            chapters.append((page.labels[0], page.title, docnames))
    for kind in kinds:
        page = table[glossary_overview_pagename(config, kind)]
        chapters.append((page.labels[0], page.title, [e.docname for e in entries_of[kind]]))
    return chapters


def book_chapter_of(domain: KbDomain, config: KbConfig, words: Wording, label: str) -> str | None:
    """The id of the chapter a ``{ref}`` label leads to in a book, if there is one."""
    if not label.startswith("kb-"):
        return None
    chapters = book_chapters(domain, config, words)
    return label if any(label == found for found, _title, _docs in chapters) else None


def _inlined(document: nodes.document) -> set[str]:
    return {node["docname"] for node in document.findall(addnodes.start_of_file)}


def _chapter(env: Any, identifier: str, title: str, docnames: Iterable[str]) -> nodes.section:
    section = nodes.section(ids=[identifier], names=[nodes.fully_normalize_name(title)])
    section += nodes.title(title, title)
    for docname in docnames:
        inlined = addnodes.start_of_file(docname=docname)
        inlined += list(env.get_doctree(docname).children)
        for inner in inlined.findall(nodes.section):
            inner.setdefault("docname", docname)
        section += inlined
    return section


class BookTransform(SphinxPostTransform):
    """Add the articles and glossary entries to the document a book builder assembled."""

    # Before ReferencesResolver (10): links into the added chapters, and from
    # them, resolve in the same pass as the rest of the book.
    default_priority = 5
    builders = BOOK_BUILDERS

    def run(self, **kwargs: Any) -> None:
        document = self.document
        root = self.config.root_doc
        # Only the tree assembled from the root document (the builder names it);
        # a page resolved on its own, or a second LaTeX document, is left as is.
        if document.get("docname") != root or document.get(_DONE):
            return
        document[_DONE] = True
        domain = domain_of(self.env)
        present = _inlined(document) | {root}
        chapters = []
        words = wording(self.config.language)
        for identifier, title, docnames in book_chapters(domain, kb_config(self.env), words):
            missing = [d for d in docnames if d not in present]
            if missing:
                chapters.append(_chapter(self.env, identifier, title, missing))
                present.update(missing)
        if not chapters:
            return
        # LaTeX resolves a link only to a document it knows is in the book.
        known = getattr(domain.scratch.get(_BUILDER), "docnames", None)
        if isinstance(known, set):
            known.update(present)
        # Inside the root's own top section: chapters beside its own headings,
        # and before any LaTeX appendix (appended as a document of its own).
        top = next((c for c in document.children if isinstance(c, nodes.section)), document)
        top.extend(chapters)


# --- kb's content as document nodes ------------------------------------------------------


def _link(builder: Builder, fromdocname: str, docname: str, text: str) -> nodes.Node:
    """A link to a document of the book, or its text when the builder cannot link it."""
    try:
        return make_refnode(builder, fromdocname, docname, "", nodes.inline(text, text))
    except NoUri:
        return nodes.inline(text, text)


def _labelled(label: str, text: str) -> str:
    return label + pgettext("after a label", ": ") + text


def _byline(context: dict[str, Any], config: KbConfig, words: Wording) -> list[nodes.Node]:
    article: Article = context["article"]
    parts = [words.day(article.date, config.zone)] if article.date else []
    parts += [name for name, _target in context["authors"]]
    parts.append(_("%(minutes)s min read") % {"minutes": article.reading_time})
    if article.updated:
        parts.append(_("Updated %(date)s") % {"date": words.day(article.updated, config.zone)})
    found: list[nodes.Node] = [nodes.paragraph("", " · ".join(parts), classes=["kb-byline"])]
    lines = [
        _labelled(label, pgettext("between names", ", ").join(name for name, _target in names))
        for label, names in ((_("Categories"), context["categories"]), (_("Tags"), context["tags"]))
        if names
    ]
    if lines:
        found.append(nodes.paragraph("", "　".join(lines), classes=["kb-badges"]))
    return found


def _article_list(
    articles: Iterable[Article], builder: Builder, docname: str, config: KbConfig, words: Wording
) -> nodes.bullet_list:
    listing = nodes.bullet_list(classes=["kb-list"])
    for article in articles:
        paragraph = nodes.paragraph()
        paragraph += _link(builder, docname, article.docname, article.title)
        if article.date:
            paragraph += nodes.Text(f" ({words.day(article.date, config.zone)})")
        listing += nodes.list_item("", paragraph)
    return listing


def _entry_box(context: dict[str, Any], builder: Builder, docname: str) -> list[nodes.Node]:
    entry = context["entry"]
    found: list[nodes.Node] = []
    if entry.summary:
        found.append(nodes.paragraph("", entry.summary))
    if entry.aliases:
        found.append(
            nodes.paragraph(
                "",
                _labelled(_("Also known as"), pgettext("between names", ", ").join(entry.aliases)),
            )
        )
    if entry.website:
        paragraph = nodes.paragraph("", _("Website") + pgettext("after a label", ": "))
        paragraph += nodes.reference(entry.website, entry.website, refuri=entry.website)
        found.append(paragraph)
    if context["related"]:
        paragraph = nodes.paragraph("", _("Related") + pgettext("after a label", ": "))
        for position, (name, other) in enumerate(context["related"]):
            if position:
                paragraph += nodes.Text(pgettext("between names", ", "))
            paragraph += _link(builder, docname, other.docname, name) if other else nodes.Text(name)
        found.append(paragraph)
    return found


def _backlinks(
    context: dict[str, Any], builder: Builder, docname: str, config: KbConfig, words: Wording
) -> list[nodes.Node]:
    articles = [item["article"] for item in context["items"]]
    articles += [article for _year, older in context["years"] for article in older]
    if not articles:
        return []
    title = f"{_('Articles that mention this entry')} ({words.count(context['count'])})"
    return [nodes.rubric(title, title), _article_list(articles, builder, docname, config, words)]


def _counted(names: Iterable[tuple[str, int]]) -> str:
    return pgettext("between names", ", ").join(
        ngettext("%(name)s (%(num)d article)", "%(name)s (%(num)d articles)", count)
        % {"name": name, "num": count}
        for name, count in names
    )


def placeholder_nodes(
    app: Sphinx, kind: str, options: dict[str, Any], docname: str
) -> list[nodes.Node]:
    """The content of a ``kb_dynamic`` placeholder as document nodes (no HTML)."""
    view = placeholder(kind, options)
    if view is None or kind in ("article-footer", "entry-pictures", "relationship-map"):
        # Neighbours and pictures are the website's navigation, not the text.
        return []
    domain = domain_of(app.env)
    config = kb_config(app)
    words = wording_of(app)
    context = view.context_of(domain, config, docname, options, words)
    if context is None:
        return []
    builder = app.builder
    if kind == "byline":
        return _byline(context, config, words)
    if kind in ("latest", "list"):
        articles = [item["article"] for item in context["items"]]
        return [_article_list(articles, builder, docname, config, words)] if articles else []
    if kind == "entry-box":
        return _entry_box(context, builder, docname)
    if kind == "entry-backlinks":
        return _backlinks(context, builder, docname, config, words)
    if kind == "category-cards":
        terms = [(term.name, term.count) for term in context["terms"]]
    elif kind == "tag-cloud":
        terms = [(term.name, term.count) for term, _size in context["words"]]
    else:
        return []
    return [nodes.paragraph("", _counted(terms), classes=[f"kb-{kind}"])] if terms else []


def note_builder(app: Sphinx) -> None:
    domain_of(app.env).scratch[_BUILDER] = app.builder


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", note_builder)
    app.add_post_transform(BookTransform)
