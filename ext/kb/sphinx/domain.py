"""The ``kb`` domain: the one store of cross-document facts.

Per-document records live in ``self.data`` so they survive pickling, are
dropped by :meth:`clear_doc` and merged back from parallel readers by
:meth:`merge_domaindata`. Everything derived from them (the taxonomy, related
articles, the glossary look-up) is computed from plain records by the pure
modules below (:mod:`kb.core.taxonomy`, :mod:`kb.core.relations`, :mod:`kb.pictures.graph`, :mod:`kb.core.targets`)
and cached on the instance until a record changes; it is never stored twice.

Interface for the build phases:

* ``articles`` (docname -> :class:`kb.core.records.Article`), ``entries``
  (docname -> :class:`kb.core.records.Entry`), ``mentions`` (article -> entry -> count);
* ``listed_articles()`` (no drafts, no undated articles, newest first),
  ``taxonomy``, ``relations``, ``mention_graph`` (:class:`kb.pictures.graph.MentionGraph`:
  entries mentioned together, and when), ``display_names(article, kind)``;
* ``records_changed``: True when this build read or removed a document;
  ``lists_changed``: True when a record itself differs from the last build's;
* ``outputs(outdir)``: the :class:`kb.sphinx.outputs.Outputs` of this build, through
  which every generated file is written.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping, Set
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.domains import Domain, ObjType
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

from kb.core.glossarytable import GlossaryTable, unknown_name
from kb.core.names import name_key
from kb.core.records import Article, Entry
from kb.core.relations import Relations
from kb.core.series import Series
from kb.core.targets import page_target
from kb.core.taxonomy import Taxonomy, display_names
from kb.core.taxonomyfile import Overrides, load_overrides
from kb.pictures.graph import ArticleMentions, GraphEntry, MentionGraph, MentionIndex
from kb.sphinx.config import kb_config
from kb.sphinx.outputs import Outputs

if TYPE_CHECKING:
    from sphinx.addnodes import pending_xref
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: reftype of links to pages the extension renders itself (tag pages and so on).
PAGE_REFTYPE = "page"
#: reftype of links to a glossary entry found by the auto-linker.
MENTION_REFTYPE = "mention"
#: reftype of the links from an entry to its related entries, and of ``{kb:entry}``.
ENTRY_REFTYPE = "entry"

#: Per-document mappings, keyed by docname, that clear_doc and merge handle.
_PER_DOC = (
    "articles",
    "entries",
    "mentions",
    "dynamic",
    "directive_tags",
    "redirects",
    "series_lines",
    "previews",
)


#: A document's records as the last build left them: article, entry, mentions
#: (entry, count), sphinx-tags' tags.
Previous = tuple[Article | None, Entry | None, tuple[tuple[str, int], ...], tuple[str, ...]]


def renders_extra_pages(builder: Builder) -> bool:
    """True for builders that write the generated pages as files of their own
    (html, dirhtml, epub). singlehtml writes one page: kb's lists are inlined
    there and links to generated pages are left out."""
    return (
        isinstance(builder, StandaloneHTMLBuilder)
        and builder.format == "html"
        and not isinstance(builder, SingleFileHTMLBuilder)
    )


def writes_website(builder: Builder) -> bool:
    """True for builders whose output is served as a website (html, dirhtml):
    only those get feeds, ``sitemap.xml``, ``robots.txt``, social cards,
    redirect pages, sharing tags and kb's search. An e-book or a help file
    (``embedded``) is read away from any server."""
    return renders_extra_pages(builder) and not getattr(builder, "embedded", False)


#: Builders that assemble the whole project into one document; kb adds the
#: articles and glossary entries (which no toctree lists) to it.
BOOK_BUILDERS = ("latex", "singlehtml")


def assembles_book(builder: Builder) -> bool:
    return builder.name in BOOK_BUILDERS


class KbDomain(Domain):
    name = "kb"
    label = "Knowledge base"
    # 2: Article gained is_article and extra; dynamic specs gained byline and entry-box.
    # 3: entry pages gained the entry-pictures placeholder.
    # 4: redirect_from is read once, with its line, into "redirects".
    # 5: articles carry series and series_order; "series_lines" keeps their lines.
    # 6: "previews" keeps the entries and pages each document links to.
    # 7: each of those links is one string.
    data_version = 7
    object_types: ClassVar[dict[str, ObjType]] = {"entry": ObjType("entry", "entry")}
    initial_data: ClassVar[dict[str, Any]] = {
        # docname -> Article
        "articles": {},
        # docname -> Entry
        "entries": {},
        # article docname -> {entry docname: number of mentions}
        "mentions": {},
        # docname -> {"specs": [generated content shown in it], "hash": of its inputs}
        "dynamic": {},
        # docname -> tags given with sphinx-tags' {tags} directive
        "directive_tags": {},
        # docname -> (redirect_from URLs, line of the key in the file)
        "redirects": {},
        # docname of a series part -> {"series": line, "series_order": line}
        "series_lines": {},
        # docname -> {"links": entries and pages its text links to, "hash": of their cards}
        "previews": {},
        # fingerprint of the glossary names the auto-linker was built from
        "glossary_fingerprint": "",
        # key and result of the last related-articles computation
        "relations_cache": None,
    }

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        # Derived from self.data and dropped whenever a record changes; these
        # live on the instance, so they are never pickled or merged.
        self._taxonomy: Taxonomy | None = None
        self._entry_index: dict[str, dict[str, Entry]] | None = None
        self._relations: Relations | None = None
        self._listed: list[Article] | None = None
        self._mention_graph: MentionGraph | None = None
        self._outputs: Outputs | None = None
        #: The glossary names this build links against (set before reading).
        self.glossary_table: GlossaryTable | None = None
        #: True once this build has read or removed a document.
        self.records_changed = False
        #: True when a record differs from the last build's (see :meth:`settle`).
        self.lists_changed = True
        #: Documents read or removed since the last :meth:`settle`, and in this build.
        self._touched: set[str] = set()
        self.read_docs: set[str] = set()
        #: What each document cleared this build held before (see :data:`Previous`),
        #: and the documents whose record :meth:`settle` found changed.
        self.previous_records: dict[str, Previous] = {}
        self.changed_records: set[str] = set()
        #: True when the taxonomy file's names changed since the last build.
        self.overrides_changed = False
        #: The related articles as the last build left them (``relations_cache``),
        #: taken before this build's first change could work them out again.
        self.previous_relations: Any = None
        #: Working data a build phase collects while pages are written (never
        #: pickled). Not env.temp_data: Sphinx deep-copies that for every page
        #: it writes, which made collecting per-page data quadratic.
        self.scratch: dict[str, Any] = {}
        #: The process that merges what parallel readers read (see kb.sphinx.parallelread).
        self.merging_process: int | None = None

    # --- bookkeeping ----------------------------------------------------

    def _changed(self, *docnames: str) -> None:
        if not self.records_changed:
            self.previous_relations = self.data.get("relations_cache")
        self._taxonomy = None
        self._entry_index = None
        self._relations = None
        self._listed = None
        self._mention_graph = None
        self.records_changed = True
        self._touched.update(docnames)
        self.read_docs.update(docnames)

    def clear_doc(self, docname: str) -> None:
        if docname not in self.previous_records:
            self.previous_records[docname] = (
                self.articles.get(docname),
                self.entries.get(docname),
                tuple(self.mentions.get(docname, {}).items()),
                tuple(self.data["directive_tags"].get(docname, ())),
            )
        for key in _PER_DOC:
            self.data[key].pop(docname, None)
        self._changed(docname)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for key in _PER_DOC:
            mine, theirs = self.data[key], otherdata.get(key, {})
            for docname in docnames:
                if docname in theirs:
                    mine[docname] = theirs[docname]
        self._changed(*docnames)

    def forget_for_reader(self, others: Iterable[str]) -> None:
        """In a forked reading process: drop the records of ``others``, which the
        merge of this process's documents does not read, and what only the main
        process consults after reading (digests, the related-articles cache)."""
        for key in _PER_DOC:
            table = self.data[key]
            for docname in others:
                table.pop(docname, None)
        self.data["relations_cache"] = None
        self.data.pop("record_digests", None)

    def _record_digest(self, docname: str) -> str | None:
        """A digest of what lists and pages show of ``docname``; None when it has no record."""
        values = (
            self.articles.get(docname),
            self.entries.get(docname),
            sorted(self.mentions.get(docname, {}).items()),
            self.data["directive_tags"].get(docname),
        )
        if values == (None, None, [], None):
            return None
        # repr, not pickle: a record read again holds new string objects, which
        # pickle tells apart from the shared ones of the loaded environment.
        return hashlib.sha256(repr(values).encode("utf-8")).hexdigest()[:20]

    def settle(self) -> None:
        """Decide, once reading is over, whether anything lists and pages show changed.

        A body edit re-reads one article, but its record (title, date, names,
        reading time, mentions) usually stays the same; then no list, feed,
        card or generated page can differ, and the writing phase skips comparing
        them one by one. Compared: the records of the documents read or removed
        (each against its digest of the last build) and the taxonomy file's names.
        """
        self.changed_records = set()
        if not self.records_changed:
            self.lists_changed = False
            return
        digests: dict[str, str] = self.data.setdefault("record_digests", {})
        for docname in sorted(self._touched):
            digest = self._record_digest(docname)
            if digest is None:
                if digests.pop(docname, None) is not None:
                    self.changed_records.add(docname)
            elif digests.get(docname) != digest:
                digests[docname] = digest
                self.changed_records.add(docname)
        self._touched.clear()
        overrides = hashlib.sha256(repr(self.overrides().by_kind).encode("utf-8")).hexdigest()
        self.overrides_changed = overrides != self.data.get("overrides_digest")
        self.data["overrides_digest"] = overrides
        self.data.pop("records_digest", None)  # the one digest of every record kb kept before
        self.lists_changed = bool(self.changed_records) or self.overrides_changed

    def outputs(self, outdir: str | os.PathLike[str]) -> Outputs:
        """The files kb writes in this build (see :mod:`kb.sphinx.outputs`)."""
        if self._outputs is None or str(self._outputs.outdir) != str(outdir):
            self._outputs = Outputs(outdir)
        return self._outputs

    def finish_outputs(self) -> list[str]:
        """Save the manifest of this build's files; the paths deleted."""
        if self._outputs is None:
            return []
        outputs, self._outputs = self._outputs, None
        return outputs.finish()

    # --- records ----------------------------------------------------------

    @property
    def articles(self) -> dict[str, Article]:
        return self.data["articles"]

    @property
    def entries(self) -> dict[str, Entry]:
        return self.data["entries"]

    @property
    def mentions(self) -> dict[str, dict[str, int]]:
        return self.data["mentions"]

    @property
    def dynamic(self) -> dict[str, dict[str, Any]]:
        return self.data["dynamic"]

    @property
    def redirects(self) -> dict[str, tuple[tuple[str, ...], int | None]]:
        """docname -> the URLs its ``redirect_from`` lists, and the line of the key."""
        return self.data["redirects"]

    def add_article(self, article: Article) -> None:
        self.articles[article.docname] = article
        self._changed(article.docname)

    def note_series_lines(self, docname: str, lines: Mapping[str, int]) -> None:
        """The lines of a part's ``series`` and ``series_order``, where problems are reported."""
        self.data["series_lines"][docname] = dict(lines)

    def series_line(self, docname: str, key: str) -> int | None:
        return self.data["series_lines"].get(docname, {}).get(key)

    def series_of(self, docname: str) -> Series | None:
        """The series ``docname`` is a listed part of."""
        return self.taxonomy.series.of.get(docname)

    def add_entry(self, entry: Entry) -> None:
        self.entries[entry.docname] = entry
        self._changed(entry.docname)

    def note_mentions(self, docname: str, counts: dict[str, int]) -> None:
        if counts:
            self.mentions[docname] = dict(counts)
        else:
            self.mentions.pop(docname, None)
        self._changed(docname)

    def note_dynamic(self, docname: str, spec: dict[str, Any]) -> None:
        """Remember that ``docname`` shows generated content described by ``spec``."""
        record = self.dynamic.setdefault(docname, {"specs": [], "hash": ""})
        record["specs"].append(spec)

    def note_directive_tags(self, docname: str, tags: list[str]) -> None:
        existing = self.data["directive_tags"].setdefault(docname, [])
        existing.extend(tag for tag in tags if tag not in existing)
        self._changed(docname)

    def directive_tags(self, docname: str) -> list[str]:
        return list(self.data["directive_tags"].get(docname, ()))

    # --- derived data -----------------------------------------------------

    def has_articles(self) -> bool:
        """Whether the project has an article that lists show (no draft, dated)."""
        return any(a.is_article and a.listed for a in self.articles.values())

    def listed_articles(self) -> list[Article]:
        """Every article that appears in lists and feeds, newest first."""
        if self._listed is None:
            self._listed = sorted(
                (a for a in self.articles.values() if a.listed), key=lambda a: a.sort_key
            )
        return list(self._listed)

    def overrides(self) -> Overrides:
        """The taxonomy file's names, slugs and descriptions."""
        config = kb_config(self.env)
        return load_overrides(os.path.join(self.env.srcdir, config.taxonomy_file))

    @property
    def taxonomy(self) -> Taxonomy:
        if self._taxonomy is None:
            self._taxonomy = Taxonomy.build(
                kb_config(self.env),
                self.listed_articles(),
                self.data["directive_tags"],
                self.overrides(),
            )
        return self._taxonomy

    def _records_before(self) -> dict[str, tuple[Article, dict[str, int]]] | None:
        """The articles read again this build as the last build had them, with their
        mentions (None when one is new): what :meth:`Relations.build` updates from."""
        before = {}
        for docname, (article, _, mentions, _) in self.previous_records.items():
            if article is None:
                return None
            before[docname] = (article, dict(mentions))
        return before

    @property
    def relations(self) -> Relations:
        if self._relations is None:
            self._relations = Relations.build(
                self.listed_articles(),
                self.mentions,
                kb_config(self.env).related_count,
                self.data.get("relations_cache"),
                self._records_before(),
            )
            self.data["relations_cache"] = self._relations.cache
        return self._relations

    @property
    def mention_graph(self) -> MentionGraph:
        """Which entries the listed articles mention together, and in which months."""
        if self._mention_graph is None:
            zone = kb_config(self.env).zone
            mentioned = []
            for article in self.listed_articles():
                local = article.date.astimezone(zone) if article.date else None
                mentioned.append(
                    ArticleMentions(
                        article.docname,
                        f"{local.year:04d}-{local.month:02d}" if local else "",
                        frozenset(self.mentions.get(article.docname, ())),
                    )
                )
            entries = (GraphEntry(e.docname, e.kind, e.name) for e in self.entries.values())
            self._mention_graph = MentionGraph(entries, MentionIndex(mentioned))
        return self._mention_graph

    def display_names(self, article: Article, kind: str) -> tuple[str, ...]:
        """Merged display names of the article's tags, categories or authors."""
        return display_names(self.taxonomy, article, kind)

    # --- glossary look-up -----------------------------------------------

    def entry_index(self) -> dict[str, dict[str, Entry]]:
        """kind -> folded name or alias -> entry ("" holds every kind).

        As :class:`kb.core.glossarytable.GlossaryTable` decides: every entry's own
        name before any alias, then the entry that sorts first.
        """
        if self._entry_index is None:
            index: dict[str, dict[str, Entry]] = {"": {}}
            entries = sorted(self.entries.values(), key=lambda e: e.docname)
            claims = [
                *((entry.name, entry) for entry in entries),
                *((alias, entry) for entry in entries for alias in entry.aliases),
            ]
            for name, entry in claims:
                key = name_key(name)
                index[""].setdefault(key, entry)
                index.setdefault(entry.kind, {}).setdefault(key, entry)
            self._entry_index = index
        return self._entry_index

    def find_entry(self, name: str, kind: str = "") -> Entry | None:
        index = self.entry_index()
        key = name_key(name)
        return index.get(kind, {}).get(key) or index[""].get(key)


    # --- cross-references -------------------------------------------------

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> nodes.reference | None:
        if typ == PAGE_REFTYPE:
            found = page_target(kb_config(env), self.taxonomy, target)
            if found is None or not renders_extra_pages(builder):
                return contnode
            return make_refnode(builder, fromdocname, found, "", contnode)
        kind = "" if typ in (ENTRY_REFTYPE, MENTION_REFTYPE) else kb_config(env).role_kinds.get(typ, "")
        entry = self.find_entry(target, kind)
        if entry is None:
            logger.warning(
                "%s",
                unknown_name(target),
                type="kb",
                subtype="unknown_entry",
                location=node,
            )
            return contnode
        if entry.docname == fromdocname and typ == MENTION_REFTYPE:
            return contnode
        refnode = entry_refnode(
            builder, fromdocname, entry, contnode, entry.summary or entry.name
        )
        refnode["classes"].append("kb-entry-link")
        return refnode

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> list[tuple[str, nodes.reference]]:
        entry = self.find_entry(target)
        if entry is None:
            return []
        refnode = entry_refnode(builder, fromdocname, entry, contnode, entry.summary)
        return [("kb:entry", refnode)]

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        for entry in self.entries.values():
            yield (entry.name, entry.name, "entry", entry.docname, entry.anchor, 1)


#: Neighbours kb defers to when a project loads them: sphinxext-opengraph writes
#: the og: tags (kb hands it each article's values), sphinx-sitemap the sitemap.
OPENGRAPH = "sphinxext.opengraph"
SITEMAP = "sphinx_sitemap"

#: The sidebar template of kb's navigation.
SIDEBAR = "kb/sidebar-nav.html"


def shows_kb(domain: KbDomain, pagename: str, context: dict[str, Any], doctree: Any) -> bool:
    """Whether a page shows something of kb's: an article, an entry, a generated
    page or list, a page filed under a tag, kb's sidebar, a glossary link."""
    if (
        context.get("kb_generated")
        or pagename in domain.articles
        or pagename in domain.entries
        or pagename in domain.dynamic
        or SIDEBAR in (context.get("sidebars") or ())
    ):
        return True
    if doctree is None:
        return False
    return any(
        name.startswith("kb-")
        for node in doctree.findall(nodes.Element)
        for name in node.get("classes", ())
    )


def entry_refnode(
    builder: Builder, fromdocname: str, entry: Entry, contnode: nodes.Element, title: str
) -> nodes.reference:
    """A link to an entry's anchor. In one page (singlehtml) a document is itself
    an anchor (``#document-x``), and ``#document-x#anchor`` would lead nowhere:
    the entry's own anchor is the link."""
    refnode = make_refnode(builder, fromdocname, entry.docname, entry.anchor, contnode, title)
    uri = refnode.get("refuri", "")
    if uri.count("#") > 1:
        refnode["refuri"] = "#" + entry.anchor
    return refnode


def domain_of(env: BuildEnvironment) -> KbDomain:
    return env.get_domain("kb")  # type: ignore[return-value]
