"""The glossary: entry pages, cross-reference targets, auto-linked mentions, overviews.

An entry is one MyST file under ``<glossary_dir>/<folder>/`` whose front matter
names a partner or a technology. The entry page gets its title, summary,
aliases, website and related entries from that front matter, is registered as
a glossary term and in the general index, and ends with the articles that
mention it (a ``kb_dynamic`` placeholder, so it follows incremental builds).

Articles link the names and aliases they mention. Which names exist is decided
once per build, before any document is read, from the entries' front matter:
every article of a build (serial, ``-j N`` or incremental) is linked against the
same table, and when the table changes every article and entry is re-read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from kb import render
from kb.article import (
    FRONT_MATTER_KEY,
    entry_kind,
    first_section,
    has_title,
    insert_title,
    is_article,
    report,
)
from kb.config import kb_config
from kb.dynamic import INPUTS, note_dynamic, renderer
from kb.entrymeta import entry_meta
from kb.frontmatter import RawFrontMatter, read_front_matter
from kb.glossarytable import Declared, GlossaryTable, MentionLinker
from kb.names import fold, slugify
from kb.nodes import kb_dynamic
from kb.pages import Page, domain_of
from kb.records import Entry
from kb.settings import AUTOLINK_MODES, KbConfig

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: reftype of the links from an entry page to its related entries.
RELATED_REFTYPE = "entry"
#: How many co-mentioned entries an entry page shows.
TOGETHER_LIMIT = 10

# --- the table of names ------------------------------------------------------


def read_declarations(env: BuildEnvironment) -> list[Declared]:
    """Parse every entry file's front matter (a few dozen small files)."""
    config = kb_config(env)
    declared: list[Declared] = []
    for docname in sorted(env.found_docs):
        kind = entry_kind(docname, config)
        if kind is None:
            continue
        try:
            # Replacing bad bytes as the page itself is read (kb.article), so an
            # entry with one stray byte keeps its names.
            with open(
                env.doc2path(docname), encoding=env.config.source_encoding, errors="replace"
            ) as handle:
                text = handle.read()
        except (OSError, LookupError):
            continue  # reading the document reports it
        meta = entry_meta(read_front_matter(text))
        if meta.name:
            declared.append(Declared(docname, kind, meta.name, meta.aliases, meta.summary))
    return declared


# Derived from the entry files and keyed by their fingerprint, so it is a cache
# rather than state: a forked reader inherits it, any other process rebuilds
# the same table from the same files.
_TABLES: dict[str, GlossaryTable] = {}
_TABLE_CACHE_SIZE = 4


def _remember(table: GlossaryTable) -> GlossaryTable:
    _TABLES.pop(table.fingerprint, None)
    _TABLES[table.fingerprint] = table
    while len(_TABLES) > _TABLE_CACHE_SIZE:
        del _TABLES[next(iter(_TABLES))]
    return table


def glossary_table(env: BuildEnvironment) -> GlossaryTable:
    """The table this build links against (fixed in ``env-before-read-docs``)."""
    fingerprint = domain_of(env).data.get("glossary_fingerprint", "")
    table = _TABLES.get(fingerprint)
    if table is None:
        table = _remember(GlossaryTable(read_declarations(env)))
    return table


def on_env_before_read_docs(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Fix the names of this build; re-read every article and entry when they changed."""
    table = _remember(GlossaryTable(read_declarations(env)))
    domain = domain_of(env)
    if domain.data.get("glossary_fingerprint") == table.fingerprint:
        return
    domain.data["glossary_fingerprint"] = table.fingerprint
    config = kb_config(env)
    queued = set(docnames)
    for docname in sorted(env.found_docs):
        if docname not in queued and (is_article(docname, config) or entry_kind(docname, config)):
            docnames.append(docname)
            queued.add(docname)


# --- linking a doctree ---------------------------------------------------------

# Neither linked nor counted: code, literals, links, raw markup, metadata.
_SKIP: tuple[type[nodes.Node], ...] = (
    nodes.FixedTextElement,  # literal blocks, doctest, math blocks, addresses
    nodes.literal,
    nodes.math,
    nodes.raw,
    nodes.reference,
    nodes.target,
    addnodes.pending_xref,
    nodes.comment,
    nodes.docinfo,
    nodes.field_name,
    nodes.system_message,
    nodes.problematic,
    nodes.substitution_definition,
    nodes.label,
    nodes.footnote_reference,
    nodes.citation_reference,
    nodes.image,
    addnodes.index,
    addnodes.desc_signature,
    kb_dynamic,
)
# Counted as mentions but never linked: titles and headings.
_NO_LINK: tuple[type[nodes.Node], ...] = (nodes.title, nodes.subtitle, nodes.rubric)
# Generated parts of an article page (title byline and badges).
_SKIP_CLASSES = frozenset({"kb-article-meta"})


@dataclass
class _Visit:
    linker: MentionLinker
    table: GlossaryTable
    kinds: dict[str, str]
    events: list[tuple[Any, ...]] = field(default_factory=list)


def _collect(node: nodes.Node, visit: _Visit, linkable: bool, section: int) -> None:
    if isinstance(node, nodes.Text):
        visit.events.append(("text", node, linkable, section))
        return
    if isinstance(node, addnodes.pending_xref) and node.get("refdomain") == "kb":
        kind = visit.kinds.get(node.get("reftype", ""))
        if kind is not None:
            docname = visit.table.find(node.get("reftarget", ""), kind)
            if docname:
                visit.events.append(("xref", docname, section))
        return
    if isinstance(node, _SKIP):
        return
    if not isinstance(node, nodes.Element):
        return
    if _SKIP_CLASSES.intersection(node.get("classes", ())):
        return
    if isinstance(node, _NO_LINK):
        linkable = False
    if isinstance(node, nodes.section):
        section = id(node)
    for child in list(node.children):
        _collect(child, visit, linkable, section)


def mention_xref(
    text: str, target: str, docname: str, parent: nodes.Element
) -> addnodes.pending_xref:
    xref = addnodes.pending_xref(
        "",
        refdomain="kb",
        reftype="mention",
        reftarget=target,
        refexplicit=True,
        refwarn=False,
        refdoc=docname,
    )
    xref.source, xref.line = parent.source, parent.line
    xref += nodes.inline(text, text, classes=["kb-mention"])
    return xref


def link_mentions(
    root: nodes.Element,
    table: GlossaryTable,
    mode: str,
    docname: str = "",
    kinds: dict[str, str] | None = None,
) -> Counter[str]:
    """Wrap mentions under ``root`` in mention xrefs; every mention is counted.

    ``mode`` says which mentions are linked: the first per document (``first``),
    the first per section (``section``), ``all`` or ``none``. An explicit
    ``{partner}``/``{tech}`` reference counts as the entry's first link.
    ``kinds`` maps role reftypes to entry kinds.
    """
    if kinds is None:
        kinds = {}
    visit = _Visit(table.linker, table, kinds)
    _collect(root, visit, True, 0)
    counts: Counter[str] = Counter()
    linked: set[tuple[str, int]] = set()

    def scope(entry: str, section: int) -> tuple[str, int]:
        return (entry, section if mode == "section" else 0)

    for event in visit.events:
        if event[0] == "xref":
            _, entry, section = event
            counts[entry] += 1
            linked.add(scope(entry, section))
            continue
        _, text_node, linkable, section = event
        text = str(text_node)
        pieces: list[nodes.Node] = []
        position = 0
        parent = text_node.parent
        for mention in visit.linker.find(text):
            counts[mention.docname] += 1
            key = scope(mention.docname, section)
            if not linkable or mode == "none" or (mode != "all" and key in linked):
                continue
            linked.add(key)
            if mention.start > position:
                pieces.append(nodes.Text(text[position : mention.start]))
            pieces.append(
                mention_xref(text[mention.start : mention.end], mention.target, docname, parent)
            )
            position = mention.end
        if pieces:
            if position < len(text):
                pieces.append(nodes.Text(text[position:]))
            # By identity: Text nodes are strings, and list.index would find
            # the first equal sibling instead of this one.
            index = next(i for i, child in enumerate(parent.children) if child is text_node)
            parent[index : index + 1] = pieces
    return counts


def role_kinds(config: KbConfig) -> dict[str, str]:
    """reftype of an entry role -> kind (the roles put the kind in reftype)."""
    kinds: dict[str, str] = {}
    for kind, spec in config.glossary_kinds.items():
        kinds[kind] = kind
        kinds.setdefault(spec.get("role", kind), kind)
    return kinds


class MentionTransform(SphinxTransform):
    """Link the glossary names an article mentions and record how often it does."""

    # After ArticleTransform (500, title and byline in place, kb_autolink known),
    # before doctree-read (880), where the domain data is collected.
    default_priority = 600

    def apply(self, **kwargs: Any) -> None:
        config = kb_config(self.env)
        docname = self.env.docname
        if not is_article(docname, config):
            return
        mode = config.autolink if config.autolink in AUTOLINK_MODES else "first"
        if self.env.temp_data.get("kb_autolink") is False:
            mode = "none"
        # Linking is presentation, mentions are facts: an article that opts out
        # of links still shows up on the entries it talks about.
        counts = link_mentions(
            self.document, glossary_table(self.env), mode, docname, role_kinds(config)
        )
        domain_of(self.env).note_mentions(docname, dict(counts))


# --- entry pages ---------------------------------------------------------------


def entry_anchor(name: str) -> str:
    """Stable HTML id of an entry, from its name (never a position like ``term-0``)."""
    return f"kb-entry-{slugify(name)}"


def _line(label: str, classes: str) -> nodes.paragraph:
    paragraph = nodes.paragraph(classes=["kb-entry-line", classes])
    paragraph += nodes.inline(label, label, classes=["kb-entry-label"])
    paragraph += nodes.Text("：")
    return paragraph


class EntryTransform(SphinxTransform):
    """Turn an entry's front matter into its record, title, facts and backlinks."""

    # With ArticleTransform, before SphinxDomains (850) and doctree-read (880),
    # so titles, terms and index entries are collected from the finished page.
    default_priority = 510

    def apply(self, **kwargs: Any) -> None:
        config = kb_config(self.env)
        docname = self.env.docname
        kind = entry_kind(docname, config)
        if kind is None:
            return
        raw: RawFrontMatter = self.env.temp_data.get(FRONT_MATTER_KEY) or RawFrontMatter()
        meta = entry_meta(raw)
        report(meta.problems, docname, "glossary")
        # The overview pages list entries; a toctree of them would be redundant.
        self.env.metadata[docname]["orphan"] = True
        table = glossary_table(self.env)
        names = {d.docname: d.name for d in table.declared}
        for conflict in table.conflicts.get(docname, []) if meta.name else []:
            logger.warning(
                "glossary %s %r is already used by %s (%s), which sorts first and keeps it",
                "name" if conflict.key == "name" else "alias",
                conflict.text,
                conflict.owner,
                names.get(conflict.owner, ""),
                type="kb",
                subtype="glossary",
                location=(docname, meta.line(conflict.key)),
            )
        anchor = entry_anchor(meta.name) if meta.name else "kb-entry"
        title = meta.name or docname.rsplit("/", 1)[-1]
        if has_title(self.document):
            section = first_section(self.document)
            assert section is not None
            section["ids"].insert(0, anchor)
        else:
            section = insert_title(self.document, title, [anchor])
        title_node = section.next_node(nodes.title)
        position = section.index(title_node) + 1 if title_node is not None else 0

        owned = table.owned.get(docname, ()) if meta.name else ()
        aliases = tuple(a for a in meta.aliases if a in owned)
        box = nodes.container(classes=["kb-entry-meta"])
        if meta.name:
            box += self._index_node(meta.name, aliases, anchor, meta.line("name"))
            self._note_terms(owned, anchor, meta.line("name"))
            domain_of(self.env).add_entry(
                Entry(
                    docname=docname,
                    kind=kind,
                    name=meta.name,
                    anchor=anchor,
                    aliases=aliases,
                    summary=meta.summary,
                    website=meta.website,
                    related=meta.related,
                )
            )
        if meta.summary:
            box += nodes.paragraph(meta.summary, meta.summary, classes=["kb-entry-summary"])
        if aliases:
            # Plain text on the page, so the search index finds the entry by alias.
            line = _line("別名", "kb-entry-aliases")
            line += nodes.Text("、".join(aliases))
            box += line
        if meta.website:
            line = _line("ウェブサイト", "kb-entry-website")
            line += nodes.reference(
                meta.website, meta.website, refuri=meta.website, classes=["kb-external"]
            )
            box += line
        if meta.related:
            box += self._related(meta.related, meta.line("related"))
        section.insert(position, box)
        backlinks = kb_dynamic(kind="entry-backlinks")
        section += backlinks
        note_dynamic(self.env, backlinks)

    def _index_node(
        self, name: str, aliases: Sequence[str], anchor: str, line: int
    ) -> addnodes.index:
        entries = [("single", name, anchor, "main", None)]
        entries += [("single", alias, anchor, "", None) for alias in aliases]
        node = addnodes.index(entries=entries, inline=False)
        node.source, node.line = str(self.env.doc2path(self.env.docname)), line
        return node

    def _note_terms(self, names: Sequence[str], anchor: str, line: int) -> None:
        """Register the names as ``{term}`` targets at the entry's own anchor."""
        std = self.env.domains.standard_domain
        location = (self.env.docname, line)
        for name in names:
            std._note_term(name, anchor, location=location)

    def _related(self, related: Sequence[str], line: int) -> nodes.paragraph:
        paragraph = _line("関連", "kb-entry-related")
        source = str(self.env.doc2path(self.env.docname))
        for index, name in enumerate(related):
            if index:
                paragraph += nodes.Text("、")
            xref = addnodes.pending_xref(
                "",
                refdomain="kb",
                reftype=RELATED_REFTYPE,
                reftarget=name,
                refexplicit=True,
                refwarn=True,
                refdoc=self.env.docname,
            )
            xref.source, xref.line = source, line
            xref += nodes.inline(name, name, classes=["kb-entry-related-name"])
            paragraph += xref
        return paragraph


# --- backlinks and overviews --------------------------------------------------


def mentioning_articles(env: BuildEnvironment, docname: str) -> list[Any]:
    """Listed articles mentioning the entry ``docname``, newest first."""
    domain = domain_of(env)
    return [a for a in domain.listed_articles() if docname in domain.mentions.get(a.docname, {})]


def _together(env: BuildEnvironment, docname: str, articles: list[Any]) -> Counter[str]:
    domain = domain_of(env)
    together: Counter[str] = Counter()
    for article in articles:
        for other in domain.mentions[article.docname]:
            if other != docname and other in domain.entries:
                together[other] += 1
    return together


def _backlink_inputs(env: BuildEnvironment, docname: str, options: dict[str, Any]) -> Any:
    domain = domain_of(env)
    if docname not in domain.entries:
        return None
    articles = mentioning_articles(env, docname)
    together = sorted(_together(env, docname, articles).items())
    names = tuple(
        (other, domain.entries[other].name, domain.entries[other].summary) for other, _ in together
    )
    in_full = articles[: kb_config(env).page_size]
    return (domain.taxonomy.badges_of(in_full), tuple(articles), tuple(together), names)


INPUTS["entry-backlinks"] = _backlink_inputs


@renderer("entry-backlinks")
def _entry_backlinks(
    env: BuildEnvironment, docname: str, options: dict[str, Any], to: render.Linker
) -> str:
    domain = domain_of(env)
    entry = domain.entries.get(docname)
    if entry is None:
        return ""
    articles = mentioning_articles(env, docname)
    together = _together(env, docname, articles)
    config = kb_config(env)
    zone = config.zone
    # The newest articles in full; older ones as one line each, so an entry
    # named in a thousand articles still gives a page a reader can use.
    newest, older = articles[: config.page_size], articles[config.page_size :]
    parts = [
        '<section class="kb-backlinks"><h2>この項目が登場する記事</h2>'
        f'<p class="kb-count">{len(articles)}件の記事</p>'
        + render.article_list(newest, domain.taxonomy, to, zone)
        + render.compact_list(older, to, zone)
        + "</section>"
    ]
    if together:
        best = sorted(
            together.items(), key=lambda item: (-item[1], fold(domain.entries[item[0]].name))
        )
        items = "".join(
            f"<li>{_entry_link(domain.entries[other], to)}"
            f' <span class="kb-num">({count}件)</span></li>'
            for other, count in best[:TOGETHER_LIMIT]
        )
        parts.append(
            '<section class="kb-together"><h2>よく一緒に登場する</h2>'
            f'<ul class="kb-together-list">{items}</ul></section>'
        )
    return "".join(parts)


def _entry_link(entry: Entry, to: render.Linker) -> str:
    title = f' title="{render.e(entry.summary)}"' if entry.summary else ""
    return (
        f'<a class="reference internal kb-entry-link"{title} '
        f'href="{render.e(to(entry.docname))}#{render.e(entry.anchor)}">{render.e(entry.name)}</a>'
    )


def overview_pagename(config: KbConfig, kind: str) -> str:
    folder = config.glossary_kinds[kind].get("folder", kind)
    return f"{config.glossary_dir.strip('/')}/{folder}/index"


def glossary_pages(env: BuildEnvironment) -> list[Page]:
    """One overview per entry kind: every entry with its summary and article count."""
    config = kb_config(env)
    domain = domain_of(env)
    counts: Counter[str] = Counter()
    for article in domain.listed_articles():
        counts.update(domain.mentions.get(article.docname, {}).keys())
    pages: list[Page] = []
    for kind, spec in config.glossary_kinds.items():
        pagename = overview_pagename(config, kind)
        if pagename in env.found_docs:
            continue  # a hand-written overview wins over the generated one
        entries = sorted(
            (e for e in domain.entries.values() if e.kind == kind), key=lambda e: fold(e.name)
        )
        label = spec.get("title", kind)

        def body(to: render.Linker, entries: list[Entry] = entries, label: str = label) -> str:
            if not entries:
                return '<p class="kb-empty">項目はまだありません。</p>'
            rows = "".join(
                f'<tr><td data-sort="{render.e(fold(e.name))}">{_entry_link(e, to)}</td>'
                f'<td class="kb-num" data-sort="{counts[e.docname]:08d}">{counts[e.docname]}</td>'
                f'<td class="kb-entry-summary">{render.e(e.summary)}</td></tr>'
                for e in entries
            )
            return (
                f'<p class="kb-count">{len(entries)}件</p>'
                '<table class="kb-terms kb-glossary-table docutils align-default" '
                'data-kb-sortable="true">'
                f'<thead><tr><th><button type="button" data-kb-sort="0">{render.e(label)}</button>'
                '</th><th><button type="button" data-kb-sort="1">記事数</button></th>'
                f"<th>概要</th></tr></thead><tbody>{rows}</tbody></table>"
            )

        folder = spec.get("folder", kind)
        pages.append(Page(pagename, f"{label}一覧", body, [f"kb-{folder}"]))
    return pages


# --- setup -------------------------------------------------------------------


def setup(app: Sphinx) -> None:
    app.connect("env-before-read-docs", on_env_before_read_docs)
    app.add_transform(EntryTransform)
    app.add_transform(MentionTransform)
    app.add_css_file("kb-glossary.css")
