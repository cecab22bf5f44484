"""Index pages rendered at write time from the domain's records.

Chosen over generated source files (as sphinx-tags writes) after measuring
both: pages from ``html-collect-pages`` put nothing in the source tree, so
sphinx-autobuild has nothing to react to and ``git status`` stays clean, and
a page is only written when its content changed (a manifest of content
hashes in the output folder), so an incremental build rewrites exactly the
pages concerned and removes the pages of tags that no longer exist.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import sphinx
from docutils import nodes
from sphinx.util import logging

from kb import render
from kb.config import kb_config
from kb.domain import renders_extra_pages
from kb.settings import KbConfig
from kb.taxonomy import (
    KIND_TITLES,
    SECTIONS,
    Taxonomy,
    Term,
    base_path,
    month_pagename,
    page_count,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.environment import BuildEnvironment

    from kb.domain import KbDomain

logger = logging.getLogger(__name__)

MANIFEST = ".kb-pages.json"


@dataclass
class Page:
    pagename: str
    title: str
    #: Builds the body for a given linker (target page name -> URL).
    body: Any
    labels: list[str] = field(default_factory=list)
    description: str = ""
    #: Everything the body is made from, as plain values; when given, the page
    #: is only rendered if these changed (rendering every list to compare it
    #: was most of an incremental build's cost).
    inputs: Any = None


def domain_of(env: BuildEnvironment) -> KbDomain:
    return env.get_domain("kb")  # type: ignore[return-value]


def overview_pagename(config: KbConfig, kind: str) -> str:
    if kind == "archive":
        return f"{config.archive_path}/index"
    return f"{base_path(config, kind)}/index"


def resolve_page_target(env: BuildEnvironment, target: str) -> tuple[str, str] | None:
    """``tag:AI`` -> (page name, title); None when the page does not exist."""
    config = kb_config(env)
    taxonomy = domain_of(env).taxonomy
    kind, _, name = target.partition(":")
    if kind in KIND_TITLES:
        term = taxonomy.term(kind, name)
        return (term.pagename, term.name) if term else None
    if kind == "index" and (name in KIND_TITLES or name == "archive"):
        return overview_pagename(config, name), overview_title(name)
    if kind == "month":
        year, _, month = name.partition("-")
        if year.isdigit() and month.isdigit() and (int(year), int(month)) in taxonomy.months:
            return month_pagename(
                config.archive_path, int(year), int(month)
            ), f"{year}年{int(month)}月"
        return None
    if kind == "page" and name in taxonomy.pages:
        return name, name
    return None


def overview_title(kind: str) -> str:
    return "アーカイブ" if kind == "archive" else f"{KIND_TITLES[kind]}一覧"


def label_target(env: BuildEnvironment, label: str) -> tuple[str, str] | None:
    """Resolve ``{ref}`` labels such as ``kb-tag-ai`` or ``kb-tags`` to generated pages."""
    if not label.startswith("kb-"):
        return None
    taxonomy = domain_of(env).taxonomy
    for kind in ("tag", "category", "author"):
        prefix = f"kb-{kind}-"
        if label.startswith(prefix):
            slug = label[len(prefix) :]
            for term in taxonomy.terms.get(kind, {}).values():
                if term.slug == slug:
                    return term.pagename, f"{KIND_TITLES[kind]}: {term.name}"
            return None
    for page in all_pages(env):
        if label in page.labels:
            return page.pagename, page.title
    return None


def all_pages(env: BuildEnvironment) -> list[Page]:
    config = kb_config(env)
    domain = domain_of(env)
    taxonomy = domain.taxonomy
    zone = config.zone
    pages: list[Page] = []
    for kind in ("tag", "category", "author"):
        terms = taxonomy.sorted_terms(kind)
        pages.append(_overview(config, kind, terms))
        for term in terms:
            total = page_count(len(term.articles), config.page_size)
            for number in range(1, total + 1):
                pages.append(_term_page(config, taxonomy, term, number, total, zone))
    pages.append(_archive_overview(config, taxonomy))
    for (year, month), articles in sorted(taxonomy.months.items(), reverse=True):
        pagename = month_pagename(config.archive_path, year, month)
        title = f"{year}年{month}月の記事"

        def body(to: render.Linker, articles: list = articles) -> str:
            return f'<p class="kb-count">{len(articles)}件の記事</p>' + render.article_list(
                articles, taxonomy, to, zone
            )

        pages.append(
            Page(
                pagename,
                title,
                body,
                [f"kb-archive-{year:04d}-{month:02d}"],
                inputs=(taxonomy.badges_of(articles), tuple(articles)),
            )
        )
    from kb.glossary import glossary_pages

    pages.extend(glossary_pages(env))
    return pages


def _overview(config: KbConfig, kind: str, terms: list[Term]) -> Page:
    title = overview_title(kind)

    def body(to: render.Linker) -> str:
        cloud = render.tag_cloud(terms, to) if kind == "tag" else ""
        return f'<p class="kb-count">{len(terms)}件</p>{cloud}' + render.term_table(
            terms, to, KIND_TITLES[kind]
        )

    inputs = tuple((t.key, t.name, t.slug, len(t.articles)) for t in terms)
    return Page(
        overview_pagename(config, kind), title, body, [f"kb-{SECTIONS[kind]}"], inputs=inputs
    )


def _term_page(
    config: KbConfig, taxonomy: Taxonomy, term: Term, number: int, total: int, zone: Any
) -> Page:
    start = (number - 1) * config.page_size
    chunk = term.articles[start : start + config.page_size]
    prefix = KIND_TITLES[term.kind]
    title = f"{prefix}: {term.name}" + (f"（{number}ページ目）" if number > 1 else "")

    def body(to: render.Linker) -> str:
        description = (
            f'<p class="kb-description">{render.e(term.description)}</p>'
            if term.description
            else ""
        )
        feed = ""
        if term.kind in ("tag", "category"):
            feed = (
                f' · <a class="kb-feed" href="{render.e(to(feed_target(config, term)))}">Atom</a>'
            )
        return (
            f'{description}<p class="kb-count">{len(term.articles)}件の記事{feed}</p>'
            + render.article_list(chunk, taxonomy, to, zone, skip=term)
            + render.pagination(number, total, lambda n: to(term.page(n)))
        )

    labels = [f"kb-{term.kind}-{term.slug}"] if number == 1 else []
    inputs = (
        taxonomy.badges_of(chunk),
        term.description,
        number,
        total,
        len(term.articles),
        tuple(chunk),
    )
    return Page(term.page(number), title, body, labels, term.description, inputs)


def feed_target(config: KbConfig, term: Term) -> str:
    """Feeds are files, not pages; this marks them for the linker."""
    return f"@feed:{config.feeds_path}/{SECTIONS[term.kind]}/{term.slug}.xml"


def _archive_overview(config: KbConfig, taxonomy: Taxonomy) -> Page:
    def body(to: render.Linker) -> str:
        years: dict[int, list[tuple[int, int]]] = {}
        for year, month in sorted(taxonomy.months, reverse=True):
            years.setdefault(year, []).append((month, len(taxonomy.months[(year, month)])))
        parts = []
        for year, months in years.items():
            items = "".join(
                f"<li>{render.link(to(month_pagename(config.archive_path, year, m)), f'{year}年{m}月')}"
                f' <span class="kb-num">({count})</span></li>'
                for m, count in months
            )
            total = sum(count for _, count in months)
            parts.append(
                f'<h2>{year}年 <span class="kb-num">({total})</span></h2><ul class="kb-months">{items}</ul>'
            )
        return "".join(parts) or '<p class="kb-empty">記事はまだありません。</p>'

    counts = tuple(sorted((key, len(items)) for key, items in taxonomy.months.items()))
    return Page(
        overview_pagename(config, "archive"), "アーカイブ", body, ["kb-archive"], inputs=counts
    )


# --- writing -------------------------------------------------------------


def linker_for(builder: Builder, pagename: str) -> render.Linker:
    """URLs relative to ``pagename``, from the builder; a list repeats the same
    tag badges many times, so each target is resolved once per page."""
    cache: dict[str, str] = {}

    def to(target: str) -> str:
        url = cache.get(target)
        if url is None:
            if target.startswith("@feed:"):
                path = target[len("@feed:") :]
                depth = builder.get_target_uri(pagename).count("/")
                url = "../" * depth + path
            else:
                url = builder.get_relative_uri(pagename, target)
            cache[target] = url
        return url

    return to


def _html(builder: Builder) -> StandaloneHTMLBuilder:
    """The builder as what :func:`renders_extra_pages` checked it to be."""
    return cast("StandaloneHTMLBuilder", builder)


def _manifest_path(builder: Builder) -> str:
    return os.path.join(builder.outdir, MANIFEST)


def _read_manifest(builder: Builder) -> dict[str, str]:
    try:
        with open(_manifest_path(builder), encoding="utf-8") as handle:
            data = json.load(handle)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _stamp(builder: Builder) -> str:
    """What besides the body shapes a page: versions and the build configuration."""
    from kb import __version__

    build_info = getattr(builder, "build_info", None)
    config_hash = getattr(build_info, "config_hash", "") if build_info else ""
    templates = getattr(builder, "templates", None)
    newest = templates.newest_template_mtime() if templates is not None else 0
    return f"{sphinx.__version__}|{__version__}|{config_hash}|{builder.name}|{newest}"


def collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    builder = app.builder
    if not renders_extra_pages(builder):
        return
    from kb.dynamic import records_changed

    previous = _read_manifest(builder)
    stamp = _stamp(builder)
    current: dict[str, str] = {"": stamp}
    if (
        not records_changed(app.env)
        and previous.get("") == stamp
        and all(_html(builder).get_output_path(name).is_file() for name in previous if name)
    ):
        # Nothing was read or removed and nothing that shapes a page changed:
        # every generated page on disk is current.
        app.env.temp_data["kb_pages"] = (previous, previous)
        return
    for page in all_pages(app.env):
        body = None
        if page.inputs is not None:
            material = f"{stamp}|{page.title}|{page.inputs!r}"
        else:
            body = page.body(linker_for(builder, page.pagename))
            material = f"{stamp}|{page.title}|{body}"
        digest = hashlib.sha256(material.encode()).hexdigest()[:20]
        current[page.pagename] = digest
        if (
            previous.get(page.pagename) == digest
            and _html(builder).get_output_path(page.pagename).is_file()
        ):
            continue
        if body is None:
            body = page.body(linker_for(builder, page.pagename))
        anchors = "".join(f'<span id="{render.e(label)}"></span>' for label in page.labels)
        context = {
            # Templates take the title as HTML (Sphinx renders document titles
            # to HTML), stripping tags for <title>: plain text must be escaped
            # or a name like "<b>" loses characters there.
            "title": render.e(page.title),
            "body": f'<section class="kb-generated">{anchors}<h1>{render.e(page.title)}</h1>{body}</section>',
            "kb_generated": True,
            "display_toc": False,
            "toc": "",
        }
        if page.description:
            context["metatags"] = (
                f'<meta name="description" content="{render.e(page.description)}">'
            )
        yield page.pagename, context, "page.html"
    app.env.temp_data["kb_pages"] = (previous, current)


def finish_pages(app: Sphinx, exception: Exception | None) -> None:
    """Remove pages of terms that no longer exist, then record what was written."""
    if exception is not None or not renders_extra_pages(app.builder):
        return
    state = app.env.temp_data.pop("kb_pages", None)
    if state is None:
        return
    previous, current = state
    builder = app.builder
    for pagename in set(previous) - set(current) - {""}:
        path = _html(builder).get_output_path(pagename)
        if path.is_file():
            path.unlink()
    if current != previous:
        _write_atomically(
            _manifest_path(builder),
            json.dumps(current, ensure_ascii=False, indent=0, sort_keys=True),
        )


def _write_atomically(path: str, text: str) -> None:
    temporary = f"{path}.tmp{os.getpid()}"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)


def on_missing_reference(
    app: Sphinx, env: BuildEnvironment, node: Any, contnode: nodes.Element
) -> nodes.reference | None:
    """``{ref}`kb-tag-ai``` and friends point at generated pages."""
    if node.get("refdomain") != "std" or node.get("reftype") != "ref":
        return None
    found = label_target(env, node["reftarget"])
    if found is None:
        return None
    if not renders_extra_pages(app.builder):
        return contnode
    pagename, title = found
    uri = app.builder.get_relative_uri(node["refdoc"], pagename)
    reference = nodes.reference("", "", internal=True, refuri=uri, classes=["kb-page-link"])
    if node.get("refexplicit"):
        reference += contnode
    else:
        reference += nodes.inline(title, title, classes=contnode.get("classes", []))
    return reference


def sections(env: BuildEnvironment) -> list[tuple[str, str]]:
    """The sidebar's sections: generated overviews and the glossary kinds."""
    config = kb_config(env)
    items = [(overview_pagename(config, "archive"), "アーカイブ")]
    items += [
        (overview_pagename(config, kind), KIND_TITLES[kind])
        for kind in ("category", "tag", "author")
    ]
    for spec in config.glossary_kinds.values():
        items.append((f"{config.glossary_dir}/{spec.get('folder')}/index", spec.get("title", "")))
    return items


def on_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    from kb.dynamic import relations

    context["kb_sections"] = sections(app.env)
    neighbours: list[tuple[str, str]] = []
    if pagename in domain_of(app.env).articles:
        links = relations(app.env)
        newer, older = links.newer.get(pagename), links.older.get(pagename)
        if newer:
            neighbours.append((newer.docname, f"次: {newer.title}"))
        if older:
            neighbours.append((older.docname, f"前: {older.title}"))
    context["kb_neighbours"] = neighbours


def on_env_updated(app: Sphinx, env: BuildEnvironment) -> None:
    """Report slug collisions and taxonomy-file problems once the records are complete."""
    taxonomy = domain_of(env).taxonomy
    for collision in taxonomy.collisions:
        pairs = ", ".join(
            f"{name!r} → {slug!r}"
            for name, slug in zip(collision.names, collision.slugs, strict=True)
        )
        logger.warning(
            "%s names %s share one slug; each gets its own page: %s",
            KIND_TITLES[collision.kind],
            " / ".join(repr(name) for name in collision.names),
            pairs,
            type="kb",
            subtype="slug_collision",
            location=collision.docname,
        )
    overrides = taxonomy.overrides
    for message, line in overrides.problems:
        logger.warning(
            "%s",
            message,
            type="kb",
            subtype="taxonomy",
            location=f"{overrides.path}:{line}" if line else overrides.path,
        )
