"""Atom feeds for the site and for every tag and category, made with feedgen.

Written after the HTML, only when their content changed, so a no-op build
leaves them alone; feeds of tags that disappeared are removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from typing import TYPE_CHECKING

from feedgen.feed import FeedGenerator
from sphinx.util import logging

from kb.config import kb_config
from kb.domain import renders_extra_pages
from kb.pages import domain_of
from kb.taxonomy import SECTIONS

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from kb.records import Article

logger = logging.getLogger(__name__)
MANIFEST = ".kb-feeds.txt"


# Characters XML 1.0 cannot hold at all, not even escaped; lxml refuses the
# whole feed over one of them (a YAML "\x07" in a tag is enough).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _absolute(base: str, uri: str) -> str:
    return base.rstrip("/") + "/" + uri.lstrip("/")


def _feed(app: Sphinx, title: str, feed_uri: str, page_uri: str, articles: list[Article]) -> bytes:
    base = app.config.html_baseurl
    config = kb_config(app)
    generator = FeedGenerator()
    generator.id(_absolute(base, feed_uri))
    generator.title(_xml(title))
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
        entry.title(_xml(article.title))
        entry.link(href=url)
        entry.published(article.date)
        entry.updated(article.updated or article.date or epoch)
        if article.excerpt:
            entry.summary(_xml(article.excerpt))
        # One call per list: feedgen re-derives its whole RSS list on every
        # call, so one call per name is quadratic (minutes for 10,000 tags).
        if article.authors:
            entry.author([{"name": _xml(author)} for author in article.authors])
        if article.tags:
            entry.category([{"term": _xml(tag)} for tag in article.tags])
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
    stamp = (
        f"# {app.config.html_baseurl}|{config.feed_length}|{config.feed_title}|"
        f"{app.config.project}|{app.config.language}"
    )
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
    # uri -> (title, page, articles): a feed is only regenerated when these
    # changed, which keeps a one-article rebuild from rewriting every feed.
    plans: dict[str, tuple[str, str, list[Article]]] = {}
    site_uri = f"{config.feeds_path}/atom.xml"
    plans[site_uri] = (
        site,
        app.builder.get_target_uri(app.config.root_doc),
        domain.listed_articles(),
    )
    for kind in ("tag", "category"):
        for term in taxonomy.sorted_terms(kind):
            uri = f"{config.feeds_path}/{SECTIONS[kind]}/{term.slug}.xml"
            plans[uri] = (
                f"{site}: {term.name}",
                app.builder.get_target_uri(term.pagename),
                term.articles,
            )
    previous: dict[str, str] = {}
    try:
        with open(manifest, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        if lines and lines[0] == stamp:
            for line in lines[1:]:
                uri, _, digest = line.rpartition(" ")
                if uri:
                    previous[uri] = digest
    except OSError:
        pass
    real_outdir = os.path.realpath(outdir) + os.sep
    for uri in set(previous) - set(plans):
        path = os.path.join(outdir, uri)
        if os.path.isfile(path) and os.path.realpath(path).startswith(real_outdir):
            os.unlink(path)
    current: dict[str, str] = {}
    for uri, (title, page_uri, articles) in plans.items():
        dated = [a for a in articles if a.date is not None][: config.feed_length]
        digest = hashlib.sha256(repr((title, page_uri, dated)).encode()).hexdigest()[:20]
        current[uri] = digest
        path = os.path.join(outdir, uri)
        if previous.get(uri) == digest and os.path.isfile(path):
            continue
        content = _feed(app, title, uri, page_uri, articles)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = f"{path}.tmp{os.getpid()}"
        with open(temporary, "wb") as handle:
            handle.write(content)
        os.replace(temporary, path)
    text = stamp + "\n" + "".join(f"{uri} {digest}\n" for uri, digest in sorted(current.items()))
    if current != previous:
        temporary = f"{manifest}.tmp{os.getpid()}"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, manifest)
