"""The reading phase: front matter to records, titles, placeholders, glossary links.

For each article or glossary entry, ``source-read`` keeps its parsed front
matter; :class:`ArticleTransform` and :class:`EntryTransform` turn it into the
record the domain stores, give the page its title and put ``kb_dynamic``
placeholders where generated content goes (byline, entry box, related
articles, backlinks, an entry's pictures); :class:`MentionTransform` links the
glossary names an article mentions. Which names exist is fixed once per build, before any
document is read (``env-before-read-docs``), so every reader of a ``-j`` build
links against the same table. An edit of the taxonomy file reads every article
again (``env-get-outdated``).

Reading one document never stops the build: any exception raised while kb
reads it is a warning naming the file, and the page is built without kb's
additions.
"""

from __future__ import annotations

import logging as std_logging
import os
import re
import stat
from collections.abc import Callable, Sequence
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from kb.core.articlemeta import article_meta
from kb.core.entrymeta import entry_meta
from kb.core.frontmatter import Problem, RawFrontMatter, read_front_matter
from kb.core.glossarytable import Declared, GlossaryTable
from kb.core.mystguard import disarm_front_matter
from kb.core.names import slugify
from kb.core.records import Entry, reading_minutes
from kb.core.settings import AUTOLINK_MODES, KbConfig
from kb.core.targets import entry_kind, has_article_front_matter, is_article
from kb.sphinx import decoding, directives, filereads
from kb.sphinx.cjk import CjkStrongTransform
from kb.sphinx.config import kb_config
from kb.sphinx.domain import domain_of
from kb.sphinx.linking import link_mentions
from kb.sphinx.nodes import FRONT_MATTER_KEY, kb_dynamic

logger = logging.getLogger(__name__)

#: True while reading a page of the articles folder that is an article.
ARTICLE_KEY = "kb_article"
HAS_H1_KEY = "kb_has_h1"
AUTOLINK_KEY = "kb_autolink"


# --- front matter -----------------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_H1 = re.compile(r"^ {0,3}#(?:[ \t]|$)")


def has_level_one_heading(body: str) -> bool:
    """True when the Markdown body has an ATX ``#`` heading outside code fences.

    The doctree cannot tell: MyST puts a body that starts at ``##`` at the top
    level too, so the heading level is read from the lines themselves.
    """
    fence = ""
    for line in body.splitlines():
        match = _FENCE.match(line)
        if match:
            marker = match.group(1)
            if not fence:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = ""
            continue
        if not fence and _H1.match(line):
            return True
    return False


def on_source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    """Keep the parsed front matter of articles and entries for the transforms."""
    decoding.report_undecodable(app, docname, source[0])
    config = kb_config(app)
    article = entry = False
    if is_article(docname, config):
        raw = read_front_matter(source[0])
        article = has_article_front_matter(raw)
    elif entry_kind(docname, config) is not None:
        raw = read_front_matter(source[0])
        entry = True
    if not (article or entry):
        # A page that is not kb's (an ordinary page, even in the articles folder):
        # MyST reads its front matter as it would without kb (myst:,
        # substitutions:, html_meta included).
        return
    app.env.temp_data[ARTICLE_KEY] = article
    app.env.temp_data[HAS_H1_KEY] = has_level_one_heading(raw.body)
    raw.body = ""  # the doctree carries the body; no second copy in memory
    app.env.temp_data[FRONT_MATTER_KEY] = raw
    # MyST reads the front matter of every page itself once this returns: in an
    # article or entry it must see neither myst:/substitutions: (article text
    # could switch Jinja templating on for itself), nor a value it would stop
    # the build on, nor html_meta (a refresh to another site in <head>).
    source[0], notes = disarm_front_matter(source[0], head_keys=True)
    for note in notes:
        logger.warning(
            note.message, type="kb", subtype="front_matter", location=(docname, note.line)
        )


def report(problems: list[Problem], docname: str, what: str = "front_matter") -> None:
    for problem in problems:
        logger.warning(
            problem.message,
            type="kb",
            subtype=problem.subtype or what,
            location=(docname, problem.line) if problem.line else docname,
        )


def guarded(transform: Callable[[SphinxTransform], None]) -> Callable[[SphinxTransform], None]:
    """Turn any exception of a kb reading step into a warning naming the document."""

    def apply(self: SphinxTransform, **kwargs: Any) -> None:
        try:
            transform(self)
        except Exception as error:
            logger.warning(
                "kb could not read this document (%s: %s); it is built without kb's "
                "additions and left out of kb's lists",
                type(error).__name__,
                str(error)[:200],
                type="kb",
                subtype="read",
                location=self.env.docname,
            )
            domain_of(self.env).clear_doc(self.env.docname)

    apply.__doc__ = transform.__doc__
    return apply


# --- titles and placeholders ----------------------------------------------------------


def has_title(document: nodes.document) -> bool:
    return any(isinstance(child, nodes.section) for child in document.children)


def _leading_end(document: nodes.document) -> int:
    """Index of the first body element; docinfo, targets and comments stay in front."""
    for index, child in enumerate(document.children):
        if not isinstance(
            child,
            (
                nodes.docinfo,
                nodes.field_list,
                nodes.target,
                nodes.comment,
                nodes.substitution_definition,
                nodes.meta,
            ),
        ):
            return index
    return len(document.children)


def insert_title(document: nodes.document, title: str, ids: list[str]) -> nodes.section:
    """Wrap the body in a section titled ``title`` (plain text, never parsed as markup)."""
    start = _leading_end(document)
    section = nodes.section(ids=ids, names=[nodes.fully_normalize_name(title)])
    section += nodes.title(title, title)
    section.extend(document.children[start:])
    del document.children[start:]
    document += section
    document.note_implicit_target(section, section)
    return section


def first_section(document: nodes.document) -> nodes.section | None:
    for child in document.children:
        if isinstance(child, nodes.section):
            return child
    return None


def placeholder(env: BuildEnvironment, kind: str, **options: Any) -> kb_dynamic:
    """A ``kb_dynamic`` node the writing phase fills, noted in the domain."""
    node = kb_dynamic(kind=kind, **options)
    domain_of(env).note_dynamic(env.docname, {"kind": kind, **options})
    return node


def _after_title(section: nodes.section) -> int:
    title_node = section.next_node(nodes.title)
    return section.index(title_node) + 1 if title_node is not None else 0


# --- articles -----------------------------------------------------------------------


class ArticleTransform(SphinxTransform):
    """Turn an article's front matter into its record, page title and placeholders."""

    # Before SphinxDomains (850) and doctree-read (880), so the title collector
    # and the glossary linker see the finished page.
    default_priority = 500

    @guarded
    def apply(self, **kwargs: Any) -> None:
        config = kb_config(self.env)
        docname = self.env.docname
        if not is_article(docname, config) or not self.env.temp_data.get(ARTICLE_KEY):
            return  # an ordinary page in the articles folder is left as it is
        raw: RawFrontMatter = self.env.temp_data.get(FRONT_MATTER_KEY) or RawFrontMatter()
        meta = article_meta(raw, config.zone)
        report(meta.problems, docname)
        domain = domain_of(self.env)

        if self.env.temp_data.get(HAS_H1_KEY) and has_title(self.document):
            section = first_section(self.document)
        else:
            fallback = meta.title or docname.rsplit("/", 1)[-1]
            section = insert_title(self.document, fallback, ["article-title"])
        assert section is not None
        reading_time = meta.reading_time or reading_minutes(
            section.astext(), config.reading_chars_per_minute
        )
        section_title = section.next_node(nodes.title)
        # A missing or unreadable date stays None: the article is built and
        # warned about (above), and left out of date-ordered lists and feeds.
        article = meta.record(
            docname,
            section_title.astext() if section_title else docname,
            reading_time,
            domain.directive_tags(docname),
        )
        domain.add_article(article)
        self.env.temp_data[AUTOLINK_KEY] = meta.autolink

        position = _after_title(section)
        section.insert(position, placeholder(self.env, "byline"))
        if meta.series:
            # The part's place, with the previous and next parts: under the
            # byline and again at the end, where a reader goes on to the next.
            section.insert(position + 1, placeholder(self.env, "series-nav"))
            section += placeholder(self.env, "series-nav")
            keys = ("series", "series_order")
            lines: dict[str, int] = {key: meta.lines[key] for key in keys if key in meta.lines}
            domain.note_series_lines(docname, lines)
        section += placeholder(self.env, "article-footer")
        # Articles are reached through the index pages, not the toctree: a
        # toctree of every article would put all of them on every page.
        self.env.metadata[docname]["orphan"] = True


class MentionTransform(SphinxTransform):
    """Link the glossary names an article mentions and record how often it does."""

    # After ArticleTransform (500, title in place, kb_autolink known), before
    # doctree-read (880), where the domain data is collected.
    default_priority = 600

    @guarded
    def apply(self, **kwargs: Any) -> None:
        config = kb_config(self.env)
        docname = self.env.docname
        if not is_article(docname, config) or docname not in domain_of(self.env).articles:
            return
        mode = config.autolink if config.autolink in AUTOLINK_MODES else "first"
        if self.env.temp_data.get(AUTOLINK_KEY) is False:
            mode = "none"
        # Linking is presentation, mentions are facts: an article that opts out
        # of links still shows up on the entries it talks about.
        counts = link_mentions(
            self.document, glossary_table(self.env), mode, docname, config.role_kinds
        )
        domain_of(self.env).note_mentions(docname, dict(counts))


# --- glossary entries ------------------------------------------------------------------


def read_declarations(env: BuildEnvironment, config: KbConfig) -> list[Declared]:
    """Parse every entry file's front matter (a few dozen small files)."""
    declared: list[Declared] = []
    for docname in sorted(env.found_docs):
        kind = entry_kind(docname, config)
        if kind is None:
            continue
        try:
            # Replacing bad bytes as the page itself is read, so an entry with
            # one stray byte keeps its names.
            with open(
                env.doc2path(docname), encoding=env.config.source_encoding, errors="replace"
            ) as handle:
                text = handle.read()
            meta = entry_meta(read_front_matter(text))
        except Exception:
            continue  # reading the document itself reports it
        if meta.name:
            declared.append(Declared(docname, kind, meta.name, meta.aliases, meta.summary))
    return declared


def glossary_table(env: BuildEnvironment) -> GlossaryTable:
    """The table this build links against (fixed in ``env-before-read-docs``).

    A reader process of a ``-j`` build inherits it from the main process; one
    that does not (or a document read outside a build) reads the same files.
    """
    domain = domain_of(env)
    table = domain.glossary_table
    if table is None or table.fingerprint != domain.data.get("glossary_fingerprint"):
        table = GlossaryTable(read_declarations(env, kb_config(env)))
        domain.glossary_table = table
    return table


def fix_glossary_names(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Fix the names of this build; re-read every article and entry when they changed."""
    config = kb_config(env)
    table = GlossaryTable(read_declarations(env, config))
    domain = domain_of(env)
    domain.glossary_table = table
    if domain.data.get("glossary_fingerprint") == table.fingerprint:
        return
    domain.data["glossary_fingerprint"] = table.fingerprint
    queued = set(docnames)
    std = env.domains.standard_domain
    for docname in sorted(env.found_docs):
        is_entry = entry_kind(docname, config) is not None
        if docname not in queued and (is_entry or is_article(docname, config)):
            docnames.append(docname)
            queued.add(docname)
        if is_entry:
            # Every entry is read again; the {term} names it registered under the
            # old owners go now, or the first entry read would collide with a name
            # another entry held under the old rule and has not yet given up.
            std.clear_doc(docname)


def entry_anchor(name: str) -> str:
    """Stable HTML id of an entry, from its name (never a position like ``term-0``)."""
    return f"kb-entry-{slugify(name)}"


class EntryTransform(SphinxTransform):
    """Turn an entry's front matter into its record, title and placeholders."""

    # With ArticleTransform, before SphinxDomains (850) and doctree-read (880),
    # so titles, terms and index entries are collected from the finished page.
    default_priority = 510

    @guarded
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
        if meta.name:
            report(table.conflict_problems(docname, meta.line), docname)
            report(table.unknown_related(meta.related, meta.line("related")), docname)
        anchor = entry_anchor(meta.name) if meta.name else "kb-entry"
        if has_title(self.document):
            section = first_section(self.document)
            assert section is not None
            section["ids"].insert(0, anchor)
        else:
            section = insert_title(self.document, meta.name or docname.rsplit("/", 1)[-1], [anchor])
        position = _after_title(section)
        owned = table.owned.get(docname, ()) if meta.name else ()
        aliases = tuple(a for a in meta.aliases if a in owned)
        if meta.name:
            section.insert(position, self._index_node(meta.name, aliases, anchor, meta.line("name")))
            position += 1
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
            section.insert(position, placeholder(self.env, "entry-box"))
            # The entry's neighbourhood on the relationship map and its timeline.
            section += placeholder(self.env, "entry-pictures")
        section += placeholder(self.env, "entry-backlinks")

    def _index_node(
        self, name: str, aliases: Sequence[str], anchor: str, line: int
    ) -> addnodes.index:
        entries = [("single", name, anchor, "main", None)]
        entries += [("single", alias, anchor, "", None) for alias in aliases]
        node = addnodes.index(entries=entries, inline=False)
        node.source, node.line = str(self.env.doc2path(self.env.docname)), line
        return node

    def _note_terms(self, names: Sequence[str], anchor: str, line: int) -> None:
        """Register the names as ``{term}`` targets at the entry's own anchor.

        ``_note_term`` is private to Sphinx's standard domain, and the only way
        to make ``{term}`` resolve case-insensitively as Sphinx's own glossary
        does; pyproject.toml pins Sphinx below 10 for it.
        """
        std = self.env.domains.standard_domain
        location = (self.env.docname, line)
        for name in names:
            std._note_term(name, anchor, location=location)


# --- MyST's heading-level warning ---------------------------------------------------------


class _ArticleHeadingFilter(std_logging.Filter):
    """Drop MyST's "Document headings start at H2" for articles.

    An article's title comes from its front matter and becomes the page's H1,
    so body headings rightly start at H2 (as in every Jekyll post).
    """

    def __init__(self, config: KbConfig) -> None:
        super().__init__()
        self.config = config

    def filter(self, record: std_logging.LogRecord) -> bool:
        if getattr(record, "type", None) != "myst" or getattr(record, "subtype", None) != "header":
            return True
        if not str(record.msg).startswith("Document headings start at H"):
            return True
        location = getattr(record, "location", None)
        docname = location[0] if isinstance(location, tuple) and location else None
        return not (isinstance(docname, str) and is_article(docname, self.config))


def install_heading_filter(app: Sphinx) -> None:
    heading_filter = _ArticleHeadingFilter(kb_config(app))
    for handler in std_logging.getLogger("sphinx").handlers:
        if handler.level >= std_logging.WARNING or type(handler).__name__ == "WarningStreamHandler":
            # First, so that -W never counts what this filter drops.
            handler.filters.insert(0, heading_filter)


def _taxonomy_stamp(env: BuildEnvironment) -> list[int]:
    """Modification time and size of the taxonomy file; empty when there is none."""
    try:
        found = os.stat(os.path.join(env.srcdir, kb_config(env).taxonomy_file))
    except OSError:
        return []
    return [found.st_mtime_ns, found.st_size] if stat.S_ISREG(found.st_mode) else []


def reread_after_taxonomy_edit(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Every article, when the taxonomy file (display names and slugs) changed.

    One look at the file per build, where a dependency noted for each article had
    Sphinx look at it once per article on every build, and kept one path per
    article in the pickled environment: both grew the edit loop with the site.
    """
    domain = domain_of(env)
    stamp = _taxonomy_stamp(env)
    last = domain.data.get("taxonomy_stamp")
    domain.data["taxonomy_stamp"] = stamp
    if last is None or last == stamp:
        return []  # a new environment reads every article anyway
    return sorted(docname for docname in domain.articles if docname in env.all_docs)


def setup(app: Sphinx) -> None:
    decoding.setup(app)
    app.connect("env-get-outdated", reread_after_taxonomy_edit)
    app.connect("env-before-read-docs", fix_glossary_names)
    app.connect("source-read", on_source_read)
    app.connect("builder-inited", install_heading_filter)
    app.add_transform(CjkStrongTransform)
    app.add_transform(ArticleTransform)
    app.add_transform(EntryTransform)
    app.add_transform(MentionTransform)
    directives.setup(app)
    filereads.setup(app)

