"""Which pages' generated content an edit can have changed, from the records it changed.

``env-get-updated`` compares, page by page, the inputs of the generated content
with those the page was last written with (:func:`pages_with_changed_content`),
so exactly the pages whose lists changed are written again. Working
them out for every page makes a rebuild grow with the site; an edit to one
article's tags can only change the pages that show that article: its own
byline and footer, the footers listing it as related or as a neighbour, the
footers whose related articles moved, and the glossary entries it mentions.
An :class:`EditScope` names those, from what the domain noted while reading.

Edits that reach further are given no scope (every page is compared, as
before): an article added, removed, redated, hidden or shown (the order of
every list and the neighbours move), a glossary entry or a sphinx-tags page
changed, different mentions (the relationship pictures), a tag, category or
author shown under another name or at another address, a taxonomy file edit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from kb.core.names import name_key
from kb.core.records import Article
from kb.core.taxonomy import Taxonomy
from kb.sphinx.config import kb_config
from kb.sphinx.domain import KbDomain, Previous, domain_of
from kb.sphinx.outputs import digest_of
from kb.sphinx.placeholders import placeholder

#: Placeholders whose content depends on one article and what it links to;
#: the others (lists, cards, the tag cloud, series, the map) are few and are
#: always compared.
_SCOPED = frozenset({"byline", "article-footer", "entry-box", "entry-backlinks", "entry-pictures"})


@dataclass(frozen=True)
class EditScope:
    """The documents whose generated content may differ after this build's edits."""

    #: Documents whose record differs from the last build's.
    changed: frozenset[str]
    #: Articles whose footer may differ (related articles or neighbours changed).
    footers: frozenset[str]
    #: Glossary entries mentioned by a changed article, before or after its edit.
    entries: frozenset[str]
    #: Tags, categories and authors (kind, key) of the changed articles, before and
    #: after, and their months ("month", "2025-11"): the generated pages and feeds
    #: that list them (:attr:`kb.sphinx.views.Page.subject`).
    subjects: frozenset[tuple[str, str]]

    def may_change(self, docname: str, kind: str) -> bool:
        if kind not in _SCOPED:
            return True
        if kind == "byline":
            return docname in self.changed
        if kind == "article-footer":
            return docname in self.footers
        if kind in ("entry-backlinks", "entry-pictures"):
            return docname in self.entries
        return False  # entry-box: entries are unchanged within a scope

    def lists(self, subject: tuple[str, str] | None) -> bool:
        """Whether a generated page or feed about ``subject`` may list something changed."""
        return subject is None or subject in self.subjects


def _placed(article: Article | None) -> tuple[object, ...] | None:
    """Where an article stands in lists and its series: None when it is in none."""
    if article is None or not article.listed:
        return None
    return (article.sort_key, article.is_article, article.series, article.series_order)


def _reaches_far(domain: KbDomain, docname: str, before: Previous) -> bool:
    """Whether this document's edit changes more than the pages showing it."""
    old_article, old_entry, old_mentions, old_tags = before
    article = domain.articles.get(docname)
    if old_entry is not None or domain.entries.get(docname) is not None:
        return True
    if old_tags or domain.directive_tags(docname):
        return True
    if _placed(old_article) != _placed(article):
        return True
    return dict(old_mentions) != domain.mentions.get(docname, {})


def _term_rows(taxonomy: Taxonomy) -> dict[tuple[str, str], tuple[str, str]]:
    return {
        (kind, key): (term.name, term.pagename)
        for kind, terms in taxonomy.terms.items()
        for key, term in terms.items()
    }


def _terms_renamed(domain: KbDomain, within: bool) -> bool:
    """Whether a tag, category or author has another name or page than last time (a
    byline or a badge anywhere may show it); notes this build's terms for the next.

    ``within``: the edits moved no article, so the last build's terms can be made
    again from the records it had, when the terms differ at all: a tag new to
    the site renames nothing, while a slug taken from another term does.
    """
    taxonomy = domain.taxonomy
    rows = _term_rows(taxonomy)
    digest = hashlib.sha256(repr(sorted(rows.items())).encode("utf-8")).hexdigest()[:20]
    last = domain.data.get("terms_digest")
    domain.data["terms_digest"] = digest
    if digest == last:
        return False
    if last is None or not within:
        return True
    previous = domain.previous_records
    listed = [previous[a.docname][0] if a.docname in previous else a for a in domain.listed_articles()]
    before = Taxonomy.build(
        kb_config(domain.env),
        [article for article in listed if article is not None],
        domain.data["directive_tags"],
        domain.overrides(),
    )
    old_rows = _term_rows(before)
    return any(old_rows[key] != shown for key, shown in rows.items() if key in old_rows)


def edit_scope(domain: KbDomain) -> EditScope | None:
    """The pages this build's edits can reach; None when any page may have changed.

    Called once the records are settled (:meth:`KbDomain.settle`), before the
    related articles are worked out again: the last build's are compared with
    this build's.
    """
    changed = domain.changed_records
    previous = domain.previous_records
    cache = domain.previous_relations
    within = bool(changed) and all(
        doc in previous and not _reaches_far(domain, doc, previous[doc]) for doc in changed
    )
    if _terms_renamed(domain, within) or not within or cache is None:
        return None
    if domain.overrides_changed:
        return None  # names and slugs may differ anywhere
    old_related: dict[str, list[str]] = cache[1]
    relations = domain.relations
    footers = set(changed)
    for docname, related in relations.related.items():
        names = [article.docname for article in related]
        if names != old_related.get(docname) or not changed.isdisjoint(names):
            footers.add(docname)
    for docname in changed:
        # The order is unchanged: the articles beside a changed one show its title.
        for beside in (relations.older.get(docname), relations.newer.get(docname)):
            if beside is not None:
                footers.add(beside.docname)
    entries: set[str] = set()
    for docname in changed:
        entries.update(entry for entry, _ in previous[docname][2])
        entries.update(domain.mentions.get(docname, {}))
    return EditScope(
        frozenset(changed), frozenset(footers), frozenset(entries), _subjects(domain)
    )


def _subjects(domain: KbDomain) -> frozenset[tuple[str, str]]:
    zone = kb_config(domain.env).zone
    found: set[tuple[str, str]] = set()
    for docname in domain.changed_records:
        for article in (domain.previous_records[docname][0], domain.articles.get(docname)):
            if article is None:
                continue
            for kind in ("tag", "category", "author"):
                found.update((kind, name_key(name)) for name in article.names(kind))
            if article.date is not None:
                found.add(("month", article.date.astimezone(zone).strftime("%Y-%m")))
    return frozenset(found)


#: Where this build's scope is kept for the phases after env-get-updated.
_SCOPE = "edit_scope"


def build_scope(domain: KbDomain) -> EditScope | None:
    """This build's :class:`EditScope` (None: every page may have changed), worked
    out once, by the first ``env-get-updated`` handler that asks (kb's pages,
    the previews' cards), after :meth:`KbDomain.settle`."""
    if _SCOPE not in domain.scratch:
        domain.scratch[_SCOPE] = edit_scope(domain) if domain.lists_changed else None
        domain.previous_records.clear()
    return current_scope(domain)


def current_scope(domain: KbDomain) -> EditScope | None:
    """This build's :class:`EditScope`, as :func:`build_scope` found it (None: every
    page may have changed, or it was not worked out)."""
    scope = domain.scratch.get(_SCOPE)
    return scope if isinstance(scope, EditScope) else None


def _options(spec: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in spec.items() if key != "kind"}


def pages_with_changed_content(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages whose generated content changed since they were last written.

    Only the pages an edit can reach are compared; a page kb has not compared
    yet (no hash) always is.
    """
    domain = domain_of(env)
    scope = build_scope(domain)
    if not domain.lists_changed:
        return []
    config = kb_config(env)
    changed: list[str] = []
    for docname, record in domain.dynamic.items():
        if (
            scope is not None
            and record["hash"]
            and not any(scope.may_change(docname, spec["kind"]) for spec in record["specs"])
        ):
            continue
        parts = []
        for spec in record["specs"]:
            options = _options(spec)
            found = placeholder(spec["kind"], options)
            if found is not None:
                parts.append(found.fingerprint(domain, config, docname, options))
        digest = digest_of("|".join(parts))
        if record["hash"] != digest:
            record["hash"] = digest
            changed.append(docname)
    return changed
