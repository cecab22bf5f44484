"""Content that depends on other documents: lists, cards, clouds, related articles.

At read time a page only records *what* it shows (a ``kb_dynamic`` node with
options); the content is rendered when the page is written, from the
domain's records. ``env-get-updated`` compares a hash of each page's content
with the one it was last written with, so exactly the pages whose lists
changed are rewritten, without re-reading anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from kb import render
from kb.config import kb_config
from kb.nodes import kb_dynamic
from kb.pages import domain_of, linker_for
from kb.relations import Relations

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

Renderer = Callable[["BuildEnvironment", str, dict[str, Any], render.Linker], str]

#: kind -> function rendering the HTML of a placeholder; a dispatch table
#: filled once at import, not state that changes during a build.
RENDERERS: dict[str, Renderer] = {}


#: kind -> function giving the plain values a placeholder is rendered from;
#: comparing these is cheaper than rendering, which matters on every rebuild.
INPUTS: dict[str, Callable[[BuildEnvironment, str, dict[str, Any]], Any]] = {}


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    def register(function: Renderer) -> Renderer:
        RENDERERS[kind] = function
        return function

    return register


def relations(env: BuildEnvironment) -> Relations:
    domain = domain_of(env)
    if domain._relations is None:
        domain._relations = Relations.build(domain, kb_config(env).related_count)
    return domain._relations


def options_of(node: kb_dynamic) -> dict[str, Any]:
    return {
        key: value
        for key, value in node.attributes.items()
        if key not in nodes.Element.basic_attributes and key != "kind"
    }


def render_node(env: BuildEnvironment, docname: str, node: kb_dynamic, to: render.Linker) -> str:
    function = RENDERERS.get(node["kind"])
    if function is None:
        return ""
    return function(env, docname, options_of(node), to)


def note_dynamic(env: BuildEnvironment, node: kb_dynamic) -> None:
    """Remember that ``env.docname`` shows generated content of this kind."""
    specs = domain_of(env).data["dynamic"].setdefault(env.docname, {"specs": [], "hash": ""})
    specs["specs"].append({"kind": node["kind"], **options_of(node)})


# --- renderers -----------------------------------------------------------


def _footer_inputs(env: BuildEnvironment, docname: str, options: dict[str, Any]) -> Any:
    links = relations(env)
    newer, older = links.newer.get(docname), links.older.get(docname)
    related = tuple(links.related.get(docname, ()))
    return (
        domain_of(env).taxonomy.badges_of(related),
        related,
        (newer.docname, newer.title) if newer else None,
        (older.docname, older.title) if older else None,
    )


INPUTS["article-footer"] = _footer_inputs


@renderer("article-footer")
def _article_footer(
    env: BuildEnvironment, docname: str, options: dict[str, Any], to: render.Linker
) -> str:
    domain = domain_of(env)
    if docname not in domain.articles:
        return ""
    links = relations(env)
    zone = kb_config(env).zone
    parts = []
    related = links.related.get(docname, [])
    if related:
        parts.append(
            '<section class="kb-related"><h2>関連記事</h2>'
            + render.article_list(related, domain.taxonomy, to, zone)
            + "</section>"
        )
    newer, older = links.newer.get(docname), links.older.get(docname)
    if newer or older:
        nav = ['<nav class="kb-neighbours" aria-label="前後の記事">']
        if older:
            nav.append(render.link(to(older.docname), f"← {older.title}", "kb-older"))
        if newer:
            nav.append(render.link(to(newer.docname), f"{newer.title} →", "kb-newer"))
        nav.append("</nav>")
        parts.append("".join(nav))
    return "".join(parts)


def _filtered(env: BuildEnvironment, options: dict[str, Any]) -> list[Any]:
    domain = domain_of(env)
    articles = domain.listed_articles()
    for kind in ("tag", "category", "author"):
        name = options.get(kind)
        if name:
            term = domain.taxonomy.term(kind, name)
            articles = [a for a in articles if term and a in term.articles]
    limit = options.get("limit") or options.get("count")
    return articles[: int(limit)] if limit else articles


@renderer("latest")
def _latest(env: BuildEnvironment, docname: str, options: dict[str, Any], to: render.Linker) -> str:
    articles = _filtered(env, {**options, "limit": options.get("count", 6)})
    zone = kb_config(env).zone
    if options.get("style") == "list":
        return render.article_list(articles, domain_of(env).taxonomy, to, zone)
    return render.article_cards(articles, to, zone)


@renderer("list")
def _list(env: BuildEnvironment, docname: str, options: dict[str, Any], to: render.Linker) -> str:
    return render.article_list(
        _filtered(env, options), domain_of(env).taxonomy, to, kb_config(env).zone
    )


@renderer("category-cards")
def _category_cards(
    env: BuildEnvironment, docname: str, options: dict[str, Any], to: render.Linker
) -> str:
    return render.term_cards(domain_of(env).taxonomy.sorted_terms("category", "count"), to)


@renderer("tag-cloud")
def _tag_cloud(
    env: BuildEnvironment, docname: str, options: dict[str, Any], to: render.Linker
) -> str:
    terms = domain_of(env).taxonomy.sorted_terms("tag", "count")
    limit = options.get("limit")
    return render.tag_cloud(terms[: int(limit)] if limit else terms, to)


# --- directives ----------------------------------------------------------


class DynamicDirective(SphinxDirective):
    kind = ""
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "count": directives.positive_int,
        "limit": directives.positive_int,
        "tag": directives.unchanged,
        "category": directives.unchanged,
        "author": directives.unchanged,
        "style": lambda value: directives.choice(value, ("cards", "list")),
    }

    def run(self) -> list[nodes.Node]:
        node = kb_dynamic(kind=self.kind, **self.options)
        self.set_source_info(node)
        note_dynamic(self.env, node)
        return [node]


class LatestDirective(DynamicDirective):
    """``{kb-latest}``: the newest articles as cards (``:style: list`` for a list)."""

    kind = "latest"


class ListDirective(DynamicDirective):
    """``{kb-list}``: articles filtered by ``:tag:``, ``:category:`` or ``:author:``."""

    kind = "list"


class CategoryCardsDirective(DynamicDirective):
    kind = "category-cards"


class TagCloudDirective(DynamicDirective):
    kind = "tag-cloud"


# --- build hooks -----------------------------------------------------------


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def canonical_linker(target: str) -> str:
    return f"@{target}"


def on_env_get_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    env._kb_changed = bool(added or changed or removed)  # type: ignore[attr-defined]
    return []


def on_env_before_read_docs(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    if docnames:
        env._kb_changed = True  # type: ignore[attr-defined]


def records_changed(env: BuildEnvironment) -> bool:
    """True when this build read or removed a document (so derived lists may differ)."""
    return getattr(env, "_kb_changed", True)


def on_env_get_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages whose generated content changed since they were last written."""
    if not records_changed(env):
        return []
    domain = domain_of(env)
    changed: list[str] = []
    for docname, record in domain.data["dynamic"].items():
        parts = []
        for spec in record["specs"]:
            kind = spec["kind"]
            options = {k: v for k, v in spec.items() if k != "kind"}
            if kind in INPUTS:
                parts.append(repr(INPUTS[kind](env, docname, options)))
            elif kind in RENDERERS:
                parts.append(RENDERERS[kind](env, docname, options, canonical_linker))
        digest = _digest("|".join(parts))
        if record["hash"] != digest:
            record["hash"] = digest
            changed.append(docname)
    return changed


class FillDynamic(SphinxPostTransform):
    """Render every placeholder of the page being written."""

    default_priority = 5  # before references are resolved

    def run(self, **kwargs: Any) -> None:
        builder = self.env._app.builder
        html_output = builder.format == "html"
        docname = self.env.docname
        for node in list(self.document.findall(kb_dynamic)):
            if not html_output:
                node.parent.remove(node)
                continue
            html = render_node(self.env, docname, node, linker_for(builder, docname))
            node.replace_self(nodes.raw("", html, format="html") if html else [])
