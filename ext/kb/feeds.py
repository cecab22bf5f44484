"""Atom feeds for the site and for every tag and category, made with feedgen.

Written after the HTML, only when their content changed, so a no-op build
leaves them alone; feeds of tags that disappeared are removed.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING

from feedgen.feed import FeedGenerator
from sphinx.util import logging

from kb.config import kb_config
from kb.domain import renders_extra_pages
from kb.pages import KIND_LABELS, domain_of

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from kb.records import Article

logger = logging.getLogger(__name__)
MANIFEST = ".kb-feeds.txt"


def _absolute(base: str, uri: str) -> str:
    return base.rstrip("/") + "/" + uri.lstrip("/")


def _feed(app: Sphinx, title: str, feed_uri: str, page_uri: str, articles: list[Article]) -> bytes:
    base = app.config.html_baseurl
    config = kb_config(app)
    generator = FeedGenerator()
    generator.id(_absolute(base, feed_uri))
    generator.title(title)
    generator.link(href=_absolute(base, page_uri), rel="alternate")
    generator.link(href=_absolute(base, feed_uri), rel="self")
    generator.language(app.config.language or "ja")
    newest = [a for a in articles if a.date is not None][: config.feed_length]
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    updated = max(((a.updated or a.date or epoch) for a in newest), default=epoch)
    generator.updated(updated)
    # feedgen prepends entries; add oldest first so the feed reads newest first.
    for article in reversed(newest):
        entry = generator.add_entry()
        url = _absolute(base, app.builder.get_target_uri(article.docname))
        entry.id(url)
        entry.title(article.title)
        entry.link(href=url)
        entry.published(article.date)
        entry.updated(article.updated or article.date or epoch)
        if article.excerpt:
            entry.summary(article.excerpt)
        for author in article.authors:
            entry.author(name=author)
        for tag in article.tags:
            entry.category(term=tag)
    return generator.atom_str(pretty=True)


def write_feeds(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not renders_extra_pages(app.builder):
        return
    if not app.config.html_baseurl:
        logger.warning(
            "html_baseurl is not set: Atom feeds need absolute links and were not written",
            type="kb",
            subtype="feed",
            once=True,
        )
        return
    from kb.dynamic import records_changed

    config = kb_config(app)
    outdir = str(app.builder.outdir)
    manifest = os.path.join(outdir, MANIFEST)
    stamp = f"# {app.config.html_baseurl}|{config.feed_length}|{config.feed_title}|{app.config.project}"
    if not records_changed(app.env):
        try:
            with open(manifest, encoding="utf-8") as handle:
                if handle.readline().rstrip("\n") == stamp:
                    return  # nothing read or removed: every feed on disk is current
        except OSError:
            pass
    domain = domain_of(app.env)
    taxonomy = domain.taxonomy
    site = config.feed_title or app.config.html_title or app.config.project
    wanted: dict[str, bytes] = {}
    site_uri = f"{config.feeds_path}/atom.xml"
    wanted[site_uri] = _feed(app, site, site_uri, app.builder.get_target_uri(app.config.root_doc), domain.listed_articles())
    for kind in ("tag", "category"):
        for term in taxonomy.sorted_terms(kind):
            uri = f"{config.feeds_path}/{KIND_LABELS[kind]}/{term.slug}.xml"
            wanted[uri] = _feed(app, f"{site}: {term.name}", uri, app.builder.get_target_uri(term.pagename), term.articles)
    try:
        with open(manifest, encoding="utf-8") as handle:
            previous = {line for line in handle.read().splitlines() if line and not line.startswith("#")}
    except OSError:
        previous = set()
    for uri in previous - set(wanted):
        path = os.path.join(outdir, uri)
        if os.path.isfile(path) and os.path.realpath(path).startswith(os.path.realpath(outdir) + os.sep):
            os.unlink(path)
    for uri, content in wanted.items():
        path = os.path.join(outdir, uri)
        try:
            with open(path, "rb") as handle:
                if handle.read() == content:
                    continue
        except OSError:
            pass
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = f"{path}.tmp{os.getpid()}"
        with open(temporary, "wb") as handle:
            handle.write(content)
        os.replace(temporary, path)
    text = stamp + "\n" + "\n".join(sorted(wanted)) + "\n"
    try:
        with open(manifest, encoding="utf-8") as handle:
            unchanged = handle.read() == text
    except OSError:
        unchanged = False
    if not unchanged:
        temporary = f"{manifest}.tmp{os.getpid()}"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, manifest)
