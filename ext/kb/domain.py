"""The ``kb`` domain: every cross-document fact the knowledge base needs.

Per-document records live in ``self.data`` so they survive pickling, are
dropped by :meth:`clear_doc` and merged back from parallel readers by
:meth:`merge_domaindata`. Everything derived from them (tag pages, related
articles, backlinks) is recomputed from these records, never stored twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Set
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.domains import Domain, ObjType
from sphinx.roles import XRefRole
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

from kb.names import fold
from kb.records import Article, Entry

if TYPE_CHECKING:
    from sphinx.addnodes import pending_xref
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

    from kb.taxonomy import Taxonomy

logger = logging.getLogger(__name__)

#: reftype of links to pages the extension renders itself (tag pages and so on).
PAGE_REFTYPE = "page"
#: reftype of links to a glossary entry found by the auto-linker.
MENTION_REFTYPE = "mention"

#: Per-document mappings, keyed by docname, that clear_doc and merge handle.
_PER_DOC = ("articles", "entries", "mentions", "dynamic", "directive_tags")


def renders_extra_pages(builder: Builder) -> bool:
    """True for builders that write the generated index pages (html, dirhtml, …)."""
    from sphinx.builders.html import StandaloneHTMLBuilder

    return isinstance(builder, StandaloneHTMLBuilder) and builder.format == "html"


class EntryRole(XRefRole):
    """``{partner}``/``{tech}`` (and their ``kb:`` forms): a link to a glossary entry."""

    def __init__(self, kind: str) -> None:
        # Plain inline text: a company name is prose, not code.
        super().__init__(innernodeclass=nodes.inline)
        self.kind = kind

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        self.refdomain, self.reftype = "kb", self.kind
        self.classes = ["xref", "kb", f"kb-{self.kind}"]
        return self.create_xref_node()


class KbDomain(Domain):
    name = "kb"
    label = "Knowledge base"
    data_version = 1
    object_types: ClassVar[dict[str, ObjType]] = {"entry": ObjType("entry", "entry")}
    initial_data: ClassVar[dict[str, Any]] = {
        # docname -> Article
        "articles": {},
        # docname -> Entry
        "entries": {},
        # article docname -> {entry docname: number of mentions}
        "mentions": {},
        # docname -> fingerprint of the generated content rendered into it
        "dynamic": {},
        # docname -> tags given with sphinx-tags' {tags} directive
        "directive_tags": {},
        # fingerprint of the glossary names the auto-linker was built from
        "glossary_fingerprint": "",
    }

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        self._taxonomy: Taxonomy | None = None
        self._entry_index: dict[str, dict[str, Entry]] | None = None
        self._relations: Any = None
        self._listed: list[Article] | None = None

    # --- bookkeeping ----------------------------------------------------

    def _changed(self) -> None:
        self._taxonomy = None
        self._entry_index = None
        self._relations = None
        self._listed = None

    def clear_doc(self, docname: str) -> None:
        for key in _PER_DOC:
            self.data[key].pop(docname, None)
        self._changed()

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for key in _PER_DOC:
            mine, theirs = self.data[key], otherdata.get(key, {})
            for docname in docnames:
                if docname in theirs:
                    mine[docname] = theirs[docname]
        self._changed()

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

    def add_article(self, article: Article) -> None:
        self.articles[article.docname] = article
        self._changed()

    def add_entry(self, entry: Entry) -> None:
        self.entries[entry.docname] = entry
        self._changed()

    def note_mentions(self, docname: str, counts: dict[str, int]) -> None:
        if counts:
            self.mentions[docname] = dict(counts)
        else:
            self.mentions.pop(docname, None)

    def note_directive_tags(self, docname: str, tags: list[str]) -> None:
        existing = self.data["directive_tags"].setdefault(docname, [])
        existing.extend(tag for tag in tags if tag not in existing)
        self._changed()

    def directive_tags(self, docname: str) -> list[str]:
        return list(self.data["directive_tags"].get(docname, ()))

    def listed_articles(self) -> list[Article]:
        """Every article that appears in lists and feeds (no drafts), newest first."""
        if self._listed is None:
            self._listed = sorted(
                (a for a in self.articles.values() if not a.draft), key=lambda a: a.sort_key
            )
        return list(self._listed)

    @property
    def taxonomy(self) -> Taxonomy:
        if self._taxonomy is None:
            from kb.taxonomy import Taxonomy

            self._taxonomy = Taxonomy.build(self.env, self)
        return self._taxonomy

    # --- glossary look-up -----------------------------------------------

    def entry_index(self) -> dict[str, dict[str, Entry]]:
        """kind -> folded name or alias -> entry ("" holds every kind)."""
        if self._entry_index is None:
            index: dict[str, dict[str, Entry]] = {"": {}}
            for entry in sorted(self.entries.values(), key=lambda e: e.docname):
                for name in (entry.name, *entry.aliases):
                    key = fold(name)
                    index[""].setdefault(key, entry)
                    index.setdefault(entry.kind, {}).setdefault(key, entry)
            self._entry_index = index
        return self._entry_index

    def find_entry(self, name: str, kind: str = "") -> Entry | None:
        index = self.entry_index()
        key = fold(name)
        return index.get(kind, {}).get(key) or index[""].get(key)

    def entry_by_docname(self, docname: str) -> Entry | None:
        return self.entries.get(docname)

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
            from kb.pages import resolve_page_target

            found = resolve_page_target(env, target)
            if found is None or not renders_extra_pages(builder):
                return contnode
            return make_refnode(builder, fromdocname, found[0], "", contnode)
        kind = "" if typ in ("entry", MENTION_REFTYPE) else self._kind_of_role(typ)
        entry = self.find_entry(target, kind)
        if entry is None:
            logger.warning(
                "unknown glossary name %r: no partner or technology entry has this name or alias",
                target,
                type="kb",
                subtype="unknown_entry",
                location=node,
            )
            return contnode
        if entry.docname == fromdocname and typ == MENTION_REFTYPE:
            return contnode
        refnode = make_refnode(
            builder, fromdocname, entry.docname, entry.anchor, contnode, entry.summary or entry.name
        )
        refnode["classes"].append("kb-entry-link")
        return refnode

    def _kind_of_role(self, role: str) -> str:
        from kb.config import kb_config

        for kind, spec in kb_config(self.env).glossary_kinds.items():
            if role in (kind, spec.get("role")):
                return kind
        return ""

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
        refnode = make_refnode(
            builder, fromdocname, entry.docname, entry.anchor, contnode, entry.summary
        )
        return [("kb:entry", refnode)]

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        for entry in self.entries.values():
            yield (entry.name, entry.name, "entry", entry.docname, entry.anchor, 1)

    def all_entries(self) -> Iterable[Entry]:
        return self.entries.values()
