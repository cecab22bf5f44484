"""Redirect pages: an article's old addresses (``redirect_from``) and, for a site that
moved from sphinx-tags, its old tag pages, each a small page leading to the new one.

``redirect_from`` is read when its document is read (``source-read``); the
pages are written at ``build-finished`` through the build's
:class:`kb.sphinx.outputs.Outputs`, last of kb's files (a redirect is the one
output a user names freely, so it never displaces anything).
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import quote

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from kb.core.claims import refusal_message
from kb.core.frontmatter import read_front_matter
from kb.core.redirects import read_redirects, redirect_files
from kb.core.targets import overview_pagename
from kb.sphinx.config import URL_SAFE, absolute_url, base_url, kb_config
from kb.sphinx.directives import generated_page_table, sphinx_tags_overview, sphinx_tags_page
from kb.sphinx.domain import domain_of, writes_website
from kb.sphinx.outputs import Outputs, Owner, Refused
from kb.sphinx.render import templates_of

logger = logging.getLogger(__name__)

REDIRECTS = "redirects"


def _warn(message: str, *args: Any, subtype: str, location: Any = None) -> None:
    logger.warning(message, *args, type="kb", subtype=subtype, location=location)


def collect_redirects(app: Sphinx, docname: str, source: list[str]) -> None:
    """Read ``redirect_from`` once, when its document is read, with the key's line.

    Read here rather than from ``env.metadata``, where MyST has turned every
    value into text (a mapping into JSON, a number into digits), so that a
    value that is not a path is told apart and reported, and so that warnings
    at the end of every build need not read the file again.
    """
    text = source[0]
    if "redirect_from" not in text:
        return  # most documents: no second parse
    raw = read_front_matter(text.lstrip("\ufeff"))
    if "redirect_from" not in raw.data:
        return
    line = raw.lines.get("redirect_from")
    urls, problems = read_redirects(raw.data["redirect_from"])
    for problem in problems:
        _warn("%s", problem, subtype="redirect", location=(docname, line))
    if urls:
        domain_of(app.env).redirects[docname] = (tuple(urls), line)


def _refused(what: str, url: str, refusal: Refused, location: Any) -> None:
    _warn("%s", refusal_message(what, url, refusal), subtype="redirect", location=location)


def write_redirects(app: Sphinx, outputs: Outputs) -> None:
    env = app.env
    domain = domain_of(env)
    builder = app.builder
    templates = templates_of(app)
    language = app.config.language or "ja"
    for docname, (urls, line) in sorted(domain.redirects.items()):
        article = domain.articles.get(docname)
        if docname not in env.found_docs or (article is not None and article.draft):
            continue
        owner = Owner(REDIRECTS, f"{docname} redirects from it too")
        location = (docname, line)
        target_uri = builder.get_target_uri(docname)
        title = article.title if article is not None else env.titles[docname].astext()
        for url in urls:
            for relative in redirect_files(url):
                try:
                    outputs.claim(relative, owner)
                except Refused as refusal:
                    _refused("redirect_from", url, refusal, location)
                    continue
                target = quote(relative_uri(relative, target_uri), safe=URL_SAFE)
                html = templates.render(
                    "kb/redirect.html",
                    title=title,
                    target=target,
                    canonical=absolute_url(app, target_uri) if base_url(app) else target,
                    language=language,
                )
                try:
                    outputs.write(relative, html + "\n", REDIRECTS, owner=owner)
                except Refused as refusal:
                    _refused("redirect_from", url, refusal, location)


def write_sphinx_tags_redirects(app: Sphinx, outputs: Outputs) -> None:
    """A site that moved from sphinx-tags keeps its tag URLs: each old tag page
    (``_tags/<name>.html``) and the old overview (``_tags/tagsindex.html``)
    lead to kb's page."""
    if not kb_config(app).sphinx_tags_redirects:
        return
    domain = domain_of(app.env)
    taxonomy = domain.taxonomy
    builder = cast("StandaloneHTMLBuilder", app.builder)  # writes_website checked it
    moves: dict[str, tuple[str, str]] = {}
    table = generated_page_table(app)
    overview = overview_pagename(kb_config(app), "tag")
    if overview in table:
        moves[sphinx_tags_overview(app.config)] = (overview, table[overview].title)
    spellings = sorted(
        {
            *(tag for tags in domain.data["directive_tags"].values() for tag in tags),
            *(tag for article in domain.listed_articles() for tag in article.tags),
        }
    )
    for spelling in spellings:
        term = taxonomy.term("tag", spelling)
        if term is not None:
            moves.setdefault(sphinx_tags_page(app.config, spelling), (term.pagename, term.name))
    owner = Owner(REDIRECTS, "an old sphinx-tags page redirects from it")
    for old, (pagename, title) in sorted(moves.items()):
        relative = outputs.relative(builder.get_output_path(old))
        target_uri = builder.get_target_uri(pagename)
        target = quote(relative_uri(relative, target_uri), safe=URL_SAFE)
        html = templates_of(app).render(
            "kb/redirect.html",
            title=title,
            target=target,
            canonical=absolute_url(app, target_uri) if base_url(app) else target,
            language=app.config.language or "ja",
        )
        try:
            outputs.write(relative, html + "\n", REDIRECTS, owner=owner)
        except Refused as refusal:
            _refused("tags_output_dir", old, refusal, None)


def finish(app: Sphinx, exception: Exception | None) -> None:
    """Write the redirect pages, after every other output of kb has claimed its paths."""
    if exception is not None or not writes_website(app.builder):
        return
    outputs = domain_of(app.env).outputs(app.builder.outdir)
    write_redirects(app, outputs)
    write_sphinx_tags_redirects(app, outputs)


def setup(app: Sphinx) -> None:
    # Before reading.py's handler turns keys MyST must not see into comments.
    app.connect("source-read", collect_redirects, priority=400)
    # After kb.sphinx.sharing's files (700), before the manifest is saved (900).
    app.connect("build-finished", finish, priority=750)
