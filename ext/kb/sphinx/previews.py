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
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder

from kb.core.records import Article, Entry
from kb.core.targets import glossary_title
from kb.core.values import clip_excerpt
from kb.core.wording import Wording
from kb.sphinx.config import kb_config
from kb.sphinx.domain import KbDomain, domain_of, writes_website
from kb.sphinx.render import linker_for, templates_of
from kb.sphinx.views import mention_counts

JS_FILE = "kb-preview.js"
CSS_FILE = "kb-preview.css"
#: Characters of an article's excerpt on its card (lists show up to 300).
EXCERPT_CHARS = 120
#: The page address of each entry and article, for the builder of this build.
_TARGETS = "kb_preview_targets"


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
    cards = [card(target, domain, templates.words, counts) for target in targets]
    # In <head>: inert, and no part of the page's text (its search record, its reading).
    context["metatags"] = context.get("metatags", "") + "\n" + templates.render(
        "kb/previews.html",
        cards=cards,
        url=linker_for(builder, pagename),
        zone=kb_config(app).zone,
    )
    html_builder: StandaloneHTMLBuilder = builder  # type: ignore[assignment]
    html_builder.add_css_file(CSS_FILE)
    html_builder.add_js_file(JS_FILE, defer="defer")


def setup(app: Sphinx) -> None:
    # After kb's own page context (450), with the body as the page shows it.
    app.connect("html-page-context", add_previews, priority=460)
