"""The feeds phase: Atom feeds for the site and for every tag and category (feedgen).

Written after the HTML through the build's :class:`kb.outputs.Outputs`: a feed
is regenerated only when what it is made from changed, so a no-op build
leaves every feed alone, and feeds of tags that disappeared are removed.
Entries show each tag and category by its merged display name; undated and
draft articles are never listed.
"""

from __future__ import annotations

import datetime as dt
import re

from feedgen.feed import FeedGenerator
from sphinx.application import Sphinx
from sphinx.util import logging

from kb.config import kb_config
from kb.domain import KbDomain, domain_of, renders_extra_pages
from kb.outputs import digest_of
from kb.records import Article
from kb.targets import feed_path
from kb.values import clip_excerpt

logger = logging.getLogger(__name__)
FEEDS = "feeds"

# Characters XML 1.0 cannot hold at all, not even escaped; lxml refuses the
# whole feed over one of them (a YAML "\x07" in a tag is enough).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _absolute(base: str, uri: str) -> str:
    return base.rstrip("/") + "/" + uri.lstrip("/")


def _entry_values(domain: KbDomain, article: Article) -> tuple[object, ...]:
    """Everything a feed entry shows of an article."""
    return (
        article.docname,
        article.title,
        article.date,
        article.updated,
        clip_excerpt(article.excerpt),
        domain.display_names(article, "author"),
        domain.display_names(article, "category"),
        domain.display_names(article, "tag"),
    )


def _feed(
    app: Sphinx, domain: KbDomain, title: str, feed_uri: str, page_uri: str, articles: list[Article]
) -> bytes:
    base = app.config.html_baseurl
    generator = FeedGenerator()
    generator.id(_absolute(base, feed_uri))
    generator.title(_xml(title))
    generator.link(href=_absolute(base, page_uri), rel="alternate")
    generator.link(href=_absolute(base, feed_uri), rel="self")
    generator.language(app.config.language or "ja")
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    updated = max(((a.updated or a.date or epoch) for a in articles), default=epoch)
    generator.updated(updated)
    # feedgen prepends entries; add oldest first so the feed reads newest first.
    for article in reversed(articles):
        entry = generator.add_entry()
        url = _absolute(base, app.builder.get_target_uri(article.docname))
        entry.id(url)
        entry.title(_xml(article.title))
        entry.link(href=url)
        entry.published(article.date)
        entry.updated(article.updated or article.date or epoch)
        excerpt = clip_excerpt(article.excerpt)
        if excerpt:
            entry.summary(_xml(excerpt))
        # One call per list: feedgen re-derives its whole RSS list on every
        # call, so one call per name is quadratic (minutes for 10,000 tags).
        authors = domain.display_names(article, "author")
        if authors:
            entry.author([{"name": _xml(author)} for author in authors])
        terms = [*domain.display_names(article, "category"), *domain.display_names(article, "tag")]
        if terms:
            entry.category([{"term": _xml(term)} for term in terms])
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
    domain = domain_of(app.env)
    outputs = domain.outputs(app.builder.outdir)
    config = kb_config(app)
    site = config.feed_title or app.config.html_title or app.config.project
    stamp = (
        f"{app.config.html_baseurl}|{config.feed_length}|{site}|{app.config.language}|"
        f"{app.builder.name}"
    )
    same_stamp = outputs.stamp(FEEDS, stamp)
    if not domain.records_changed and same_stamp and outputs.keep_group(FEEDS):
        return  # nothing read or removed: every feed on disk is current
    # path -> (title, page, articles): a feed is only regenerated when these
    # changed, which keeps a one-article rebuild from rewriting every feed.
    plans: dict[str, tuple[str, str, list[Article]]] = {
        feed_path(config): (
            site,
            app.builder.get_target_uri(app.config.root_doc),
            domain.listed_articles(),
        )
    }
    taxonomy = domain.taxonomy
    for kind in ("tag", "category"):
        for term in taxonomy.sorted_terms(kind):
            plans[feed_path(config, term)] = (
                f"{site}: {term.name}",
                app.builder.get_target_uri(term.pagename),
                term.articles,
            )
    for path, (title, page_uri, articles) in plans.items():
        dated = [a for a in articles if a.date is not None][: config.feed_length]
        digest = digest_of(
            repr((stamp, title, page_uri, [_entry_values(domain, a) for a in dated]))
        )
        if outputs.unchanged(path, digest):
            outputs.note(path, digest, FEEDS)
            continue
        outputs.write(path, _feed(app, domain, title, path, page_uri, dated), FEEDS, digest)


def setup(app: Sphinx) -> None:
    app.connect("build-finished", write_feeds)
