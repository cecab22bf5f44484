"""Previews where names are read: a card for each glossary entry and article a page links to.

When a page of a website build is written (``html-page-context``), the links of its
own text (glossary mentions, ``{partner}``/``{tech}`` roles, links to other articles)
are matched to the entries and articles they lead to, and ``kb/previews.html`` writes
one inert ``<template>`` per target into the page's ``<head>``: the entry's name, kind,
summary, aliases and number of articles, or the article's title, date, categories
and a short excerpt, each with its link. ``kb-preview.js`` shows the one a reader
points at, focuses or taps. Nothing is fetched, so previews work from ``file://``
as on a server, and a page carries only the cards of its own links.

Lists kb renders into a page (related articles, the byline) are HTML by then and
are not looked at: they already show what a card would. ``kb_previews = False``
writes no card and no script.

A card shows facts of other documents (an entry's summary, how many articles mention
it, an article's title), so a page is written again when they change, as pages with
generated lists are: its links are noted when it is read (``doctree-read``, in the
domain), and ``env-get-updated`` compares what their cards are made from with what
they were made from when the page was last written.
"""

from __future__ import annotations

import posixpath
import sys
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment import BuildEnvironment
from sphinx.util import docname_join

from kb.core.records import Article, Entry
from kb.core.targets import glossary_title
from kb.core.values import clip_excerpt
from kb.core.wording import Wording
from kb.sphinx.affected import build_scope
from kb.sphinx.config import kb_config
from kb.sphinx.domain import (
    ENTRY_REFTYPE,
    MENTION_REFTYPE,
    PAGE_REFTYPE,
    KbDomain,
    domain_of,
    writes_website,
)
from kb.sphinx.outputs import digest_of
from kb.sphinx.render import linker_for, templates_of
from kb.sphinx.views import mention_counts

JS_FILE = "kb-preview.js"
CSS_FILE = "kb-preview.css"
#: Characters of an article's excerpt on its card (lists show up to 300).
EXCERPT_CHARS = 120
#: The page address of each entry and article, for the builder of this build.
_TARGETS = "kb_preview_targets"
#: The cards' markup already rendered in this build (see _rendered_cards).
_RENDERED = "kb_preview_cards"


def _address(uri: str) -> str:
    return posixpath.normpath(uri) if uri else "."


def page_targets(domain: KbDomain, builder: Builder) -> dict[str, Entry | Article]:
    """Normalised page address -> the entry or article written there (made once a build)."""
    found = domain.scratch.get(_TARGETS)
    if found is None or found[0] is not builder:
        targets: dict[str, Entry | Article] = {}
        for article in domain.articles.values():
            if article.is_article:
                targets[_address(builder.get_target_uri(article.docname))] = article
        for entry in domain.entries.values():
            targets[_address(builder.get_target_uri(entry.docname))] = entry
        found = domain.scratch[_TARGETS] = (builder, targets)
    return found[1]


def linked_targets(
    doctree: nodes.document, page_uri: str, targets: Mapping[str, Entry | Article]
) -> list[Entry | Article]:
    """The entries and articles the page's own links lead to, in the order first linked."""
    base = posixpath.dirname(page_uri)
    own = _address(page_uri)
    found: dict[str, Entry | Article] = {}
    for reference in doctree.findall(nodes.reference):
        parts = urlsplit(reference.get("refuri", ""))
        if parts.scheme or parts.netloc or not parts.path:
            continue  # another site, or an anchor on this page
        address = _address(posixpath.join(base, parts.path))
        target = targets.get(address)
        if target is not None and address != own and address not in found:
            found[address] = target
    return list(found.values())


def _rendered_cards(domain: KbDomain, builder: Builder, templates: Any) -> dict[Any, str]:
    """(what a card shows, its address) -> its markup, for this builder and templates.

    Rendering the cards was most of what previews cost a build (about 1 ms a page at
    2,000 articles): a card is the same for every page that links its target from
    the same depth, so it is rendered once."""
    found = domain.scratch.get(_RENDERED)
    if found is None or found[0] is not builder or found[1] is not templates:
        found = domain.scratch[_RENDERED] = (builder, templates, {})
    cards: dict[Any, str] = found[2]
    return cards


def kind_label(words: Wording, kind: str, spec: Mapping[str, str]) -> str:
    """What one entry of ``kind`` is: a project's own title for the kind, else kb's word."""
    if not spec.get("title"):
        if kind == "partner":
            return words.pgettext("glossary kind", "Partner")
        if kind == "technology":
            return words.pgettext("glossary kind", "Technology")
    return glossary_title(words, kind, spec)


def card(
    target: Entry | Article, domain: KbDomain, words: Wording, counts: Mapping[str, int]
) -> dict[str, Any]:
    """The context of one card of kb/previews.html."""
    if isinstance(target, Entry):
        spec = kb_config(domain.env).glossary_kinds.get(target.kind, {})
        return {
            "entry": target,
            "kind_label": kind_label(words, target.kind, spec),
            "count": counts.get(target.docname, 0),
            "target": f"{target.docname}#{target.anchor}",
        }
    return {
        "article": target,
        "categories": domain.display_names(target, "category"),
        "excerpt": clip_excerpt(target.excerpt, EXCERPT_CHARS),
        "target": target.docname,
    }


def add_previews(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    builder = app.builder
    if doctree is None or not kb_config(app).previews or not writes_website(builder):
        return
    domain = domain_of(app.env)
    targets = linked_targets(
        doctree, builder.get_target_uri(pagename), page_targets(domain, builder)
    )
    if not targets:
        return
    templates = templates_of(app)
    counts = mention_counts(domain) if any(isinstance(t, Entry) for t in targets) else {}
    url = linker_for(builder, pagename)
    rendered = _rendered_cards(domain, builder, templates)
    pieces = []
    for target in targets:
        shown = card(target, domain, templates.words, counts)
        href = url(shown["target"])
        # Pages at one depth link a target by one address: its card is the same markup.
        key = (card_inputs(target, domain, counts), href)
        markup = rendered.get(key)
        if markup is None:
            markup = rendered[key] = templates.render(
                "kb/previews.html", cards=[{**shown, "href": href}], zone=kb_config(app).zone
            )
        pieces.append(markup)
    # In <head>: inert, and no part of the page's text (its search record, its reading).
    context["metatags"] = context.get("metatags", "") + "\n" + "".join(pieces)
    html_builder: StandaloneHTMLBuilder = builder  # type: ignore[assignment]
    html_builder.add_css_file(CSS_FILE)
    html_builder.add_js_file(JS_FILE, defer="defer")


# --- pages written again when their cards change ------------------------------------------

#: A link noted at read time, one string: "kb␟role␟name" for a glossary link,
#: "doc␟docname" for a link to a document (␟: U+001F; split at its first one or
#: two, so a name holding one stays whole). As tuples, the links were a dozen
#: objects per page for every build to unpickle and the garbage collector to
#: go over.
Link = str
_SEP = "\x1f"


def _link(*parts: str) -> Link:
    # Interned: the pages linking one entry share the string, pickled once.
    return sys.intern(_SEP.join(parts))


def note_links(app: Sphinx, doctree: nodes.document) -> None:
    """The glossary entries and documents a page's text links to, in the domain."""
    docname = app.env.docname
    links: dict[Link, None] = {}
    for xref in doctree.findall(addnodes.pending_xref):
        domain, reftype = xref.get("refdomain"), xref.get("reftype", "")
        target = str(xref.get("reftarget", ""))
        if domain == "kb" and reftype != PAGE_REFTYPE:
            links[_link("kb", reftype, target)] = None
        elif (domain, reftype) in (("doc", "myst"), ("std", "doc")):
            # MyST gives the document's full name; {doc} may give it relative.
            links[_link("doc", docname_join(docname, target.partition("#")[0]))] = None
    records = domain_of(app.env).data["previews"]
    if links:
        records[docname] = {"links": tuple(links), "hash": ""}
    else:
        records.pop(docname, None)


def linked_records(
    domain: KbDomain, links: tuple[Link, ...], kinds: Mapping[str, str]
) -> list[Entry | Article]:
    found: list[Entry | Article] = []
    for link in links:
        target: Entry | Article | None
        where, _, rest = link.partition(_SEP)
        if where == "kb":
            reftype, _, name = rest.partition(_SEP)
            kind = "" if reftype in (ENTRY_REFTYPE, MENTION_REFTYPE) else kinds.get(reftype, "")
            target = domain.find_entry(name, kind)
        else:
            target = domain.articles.get(rest)
            target = target if target is not None and target.is_article else None
        if target is not None:
            found.append(target)
    return found


def card_inputs(target: Entry | Article, domain: KbDomain, counts: Mapping[str, int]) -> Any:
    """What a target's card is made from (see :func:`card`)."""
    if isinstance(target, Entry):
        return (target, counts.get(target.docname, 0))
    return (
        target.docname,
        target.title,
        target.date,
        domain.display_names(target, "category"),
        clip_excerpt(target.excerpt, EXCERPT_CHARS),
    )


def pages_with_changed_cards(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages whose cards show something that changed since they were last written."""
    domain = domain_of(env)
    config = kb_config(env)
    scope = build_scope(domain)
    if not config.previews or not domain.lists_changed:
        return []
    # Within an edit's scope no entry, mention count or term name changed: only
    # the cards of the articles whose record changed can differ.
    reached = {_link("doc", docname) for docname in scope.changed} if scope is not None else None
    counts: Mapping[str, int] | None = None  # made only for a page compared
    changed = []
    for docname, record in domain.data["previews"].items():
        if reached is not None and record["hash"] and reached.isdisjoint(record["links"]):
            continue
        if counts is None:
            counts = mention_counts(domain)
        targets = linked_records(domain, record["links"], config.role_kinds)
        digest = digest_of(repr([card_inputs(t, domain, counts) for t in targets]))
        if record["hash"] != digest:
            record["hash"] = digest
            changed.append(docname)
    return changed


def setup(app: Sphinx) -> None:
    app.connect("doctree-read", note_links)
    app.connect("env-get-updated", pages_with_changed_cards)
    # After kb's own page context (450), with the body as the page shows it.
    app.connect("html-page-context", add_previews, priority=460)
