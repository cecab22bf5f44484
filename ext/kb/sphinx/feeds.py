"""The feeds phase: Atom feeds for the site and for every tag and category (feedgen).

Written after the HTML through the build's :class:`kb.sphinx.outputs.Outputs`: a feed
is regenerated only when what it is made from changed, so a no-op build
leaves every feed alone, and feeds of tags that disappeared are removed.
Entries show each tag and category by its merged display name; undated and
draft articles are never listed.

With ``kb_feed_full_text`` an entry carries the article's whole rendered body
(``type="html"`` content, escaped as Atom requires, links made absolute from
``html_baseurl``, then sanitised with nh3: see :func:`_feed_cleaner`) instead of the
excerpt. The body is the one Sphinx rendered
for the page: ``html-page-context`` keeps it, per builder and document, in the
doctree folder (``kb-feed-bodies/``), which workers of ``-j`` can write and
which outlives incremental builds; a document that is re-read loses its copy
until its page is written again. An article with no copy (the option was just
turned on) is rendered once from its resolved doctree at the end of the build.

Without ``html_baseurl`` no feed is written; :mod:`kb.sphinx.sharing` gives the one
warning about every feature that needs it.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from kb.core.atomicfile import remove_file, write_atomically
from kb.core.records import Article
from kb.core.targets import feed_path, feed_title, has_feed, json_feed_path
from kb.core.values import clip_excerpt
from kb.sphinx.affected import current_scope
from kb.sphinx.config import kb_config
from kb.sphinx.domain import KbDomain, domain_of, writes_website
from kb.sphinx.i18n import wording_of
from kb.sphinx.outputs import Outputs, Refused, digest_of

if TYPE_CHECKING:
    import nh3

# lxml, nh3 and feedgen (with dateutil) are imported where feeds are made: a
# rebuild that writes no feed (most do not) never loads them, which was a
# twentieth of a no-op rebuild and 20 MB of memory.

logger = logging.getLogger(__name__)
FEEDS = "feeds"

# Characters XML 1.0 cannot hold at all, not even escaped; lxml refuses the
# whole feed over one of them (a YAML "\x07" in a tag is enough).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _absolute(base: str, uri: str) -> str:
    return base.rstrip("/") + "/" + uri.lstrip("/")


# --- full text ---------------------------------------------------------------------------

#: Folder in the doctree folder that keeps each article's rendered body.
BODIES = "kb-feed-bodies"


def _body_file(app: Sphinx, docname: str) -> Path:
    # Named by a digest: a document name at the file system's limit plus
    # ".html" would be a name too long to write.
    name = hashlib.sha256(docname.encode("utf-8")).hexdigest()[:32]
    return Path(app.doctreedir) / BODIES / app.builder.name / f"{name}.html"


def _store_body(path: Path, body: str) -> None:
    data = body.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    write_atomically(path, data)


def keep_body(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Keep the body Sphinx rendered for a listed article (runs in ``-j`` workers too)."""
    if doctree is None or not kb_config(app).feed_full_text:
        return
    if not writes_website(app.builder):
        return
    article = domain_of(app.env).articles.get(pagename)
    if article is None or not article.listed or not article.is_article:
        return
    _store_body(_body_file(app, pagename), str(context.get("body") or ""))


def forget_body(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """A document read again gets its body again when its page is written."""
    if writes_website(app.builder):
        remove_file(_body_file(app, docname))


def _render_body(app: Sphinx, docname: str) -> str:
    """The body of ``docname`` as :meth:`StandaloneHTMLBuilder.write_doc` renders it."""
    builder = app.builder
    assert isinstance(builder, StandaloneHTMLBuilder)  # writes_website checked it
    doctree = app.env.get_and_resolve_doctree(docname, builder, tags=builder.tags)
    doctree.settings = builder.docsettings
    uri = builder.get_target_uri(docname)
    builder.secnumbers = app.env.toc_secnumbers.get(docname, {})
    builder.fignumbers = app.env.toc_fignumbers.get(docname, {})
    builder.imgpath = relative_uri(uri, builder.imagedir)
    builder.dlpath = relative_uri(uri, "_downloads")
    builder.current_docname = docname
    visitor: Any = builder.create_translator(doctree, builder)
    doctree.walkabout(visitor)
    return "".join(visitor.fragment)


#: What a feed entry leaves out of the page body: the heading anchors (¶), and the
#: lists kb adds (byline, related articles, neighbours: the ``no-search`` class),
#: which are the site's, not the article's; as jekyll-feed's ``content``.
_NOT_CONTENT = (
    './/a[contains(concat(" ", @class, " "), " headerlink ")]'
    ' | .//*[contains(concat(" ", @class, " "), " no-search ")]'
)


#: What of an article's body reaches feed readers: its text structure (headings,
#: paragraphs, lists, links, images, tables, code, quotes, ruby) and nothing that
#: runs, loads, styles or submits. Raw HTML in an article (``<script>``, ``<iframe>``,
#: ``on*=`` handlers, ``javascript:``/``data:`` links, ``style=``, ``srcset``,
#: ``<base>``, ``<meta>``, forms, SVG) would otherwise go to every subscriber as is.
#: Feed readers do not load the site's CSS, so ``class`` and ``id`` go too.
_LINK_ATTRIBUTES = frozenset({"href", "src"})
_ABSOLUTE = re.compile(r"(?:https?://|mailto:)", re.IGNORECASE)


def _absolute_links_only(tag: str, attribute: str, value: str) -> str | None:
    """Every link left is absolute (made so above): a relative one is an address lxml
    could not resolve, such as ``jav%09ascript:``, which means nothing off the site."""
    if attribute in _LINK_ATTRIBUTES and not _ABSOLUTE.match(value):
        return None
    return value


@functools.cache
def _feed_cleaner() -> nh3.Cleaner:
    """What of an article's body reaches feed readers (see :data:`_LINK_ATTRIBUTES`)."""
    import nh3

    return nh3.Cleaner(
        tags={
            *("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span", "blockquote"),
            *("section", "article", "aside", "header", "footer", "details", "summary"),
            *("ul", "ol", "li", "dl", "dt", "dd", "a", "img", "figure", "figcaption"),
            *("table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"),
            *("pre", "code", "kbd", "samp", "var", "em", "strong", "b", "i", "u", "s", "del"),
            *("ins", "sub", "sup", "small", "mark", "abbr", "cite", "q", "dfn", "time"),
            *("ruby", "rt", "rp", "wbr", "bdi"),
        },
        # Gone with what they hold: their content is code, a resource or markup
        # the reader would show as stray text.
        clean_content_tags={
            *("script", "style", "template", "iframe", "object", "embed", "applet", "noscript"),
            *("noembed", "noframes", "textarea", "select", "title", "xmp", "svg", "math"),
        },
        attributes={
            "*": {"title", "lang"},
            "a": {"href", "hreflang"},
            "img": {"src", "alt", "width", "height"},
            "ol": {"start", "reversed", "type"},
            "li": {"value"},
            "th": {"colspan", "rowspan", "scope"},
            "td": {"colspan", "rowspan"},
            "col": {"span"},
            "colgroup": {"span"},
            "time": {"datetime"},
        },
        url_schemes={"http", "https", "mailto"},
        attribute_filter=_absolute_links_only,
        strip_comments=True,
    )


def absolute_body(body: str, page_url: str) -> str:
    """``body`` with every link and image made absolute from ``page_url``, for a feed
    reader that shows it away from the site; the title (the entry has it) and what
    :data:`_NOT_CONTENT` names are dropped; sanitised by :func:`_feed_cleaner`."""
    import lxml.html

    if not body.strip():
        return ""
    root = lxml.html.fragment_fromstring(body, create_parent="div")
    for element in root.xpath(_NOT_CONTENT):
        if element.getparent() is not None:
            element.drop_tree()
    title = root.find(".//h1")
    if title is not None:
        title.drop_tree()
    # lxml's make_links_absolute resolves against a <base href> in the body even
    # when told not to (rewrite_links does): raw HTML must not move every link.
    for base in list(root.iter("base")):
        base.drop_tree()
    root.make_links_absolute(page_url, resolve_base_href=False, handle_failures="ignore")
    # Sanitised last, so the markup a feed reader gets is the sanitiser's own output.
    return _xml(_feed_cleaner().clean(lxml.html.tostring(root, encoding="unicode")))


class Bodies:
    """The kept bodies of one build, made absolute, read once each."""

    def __init__(self, app: Sphinx) -> None:
        self.app = app
        self.base = app.config.html_baseurl
        self._found: dict[str, str] = {}

    def __call__(self, docname: str) -> str:
        found = self._found.get(docname)
        if found is None:
            path = _body_file(self.app, docname)
            try:
                body = path.read_text(encoding="utf-8")
            except OSError:
                body = _render_body(self.app, docname)
                _store_body(path, body)
            page_url = _absolute(self.base, self.app.builder.get_target_uri(docname))
            found = self._found[docname] = absolute_body(body, page_url)
        return found


# --- feeds ---------------------------------------------------------------------------------


def _entry_values(
    domain: KbDomain, article: Article, bodies: Bodies | None = None
) -> tuple[object, ...]:
    """Everything a feed entry shows of an article."""
    return (
        bodies(article.docname) if bodies is not None else "",
        article.docname,
        article.title,
        article.date,
        article.updated,
        clip_excerpt(article.excerpt),
        domain.display_names(article, "author"),
        feed_categories(domain, article),
    )


def feed_categories(domain: KbDomain, article: Article) -> list[str]:
    """An entry's categories: the article's categories, tags and series."""
    series = domain.series_of(article.docname)
    return [
        *domain.display_names(article, "category"),
        *domain.display_names(article, "tag"),
        *((series.name,) if series is not None else ()),
    ]


@dataclass(frozen=True)
class Feed:
    """One feed to write: its title, its own path, the page it is the feed of, and
    its entries (dated, newest first, at most ``kb_feed_length``)."""

    title: str
    path: str
    page_uri: str
    articles: list[Article]


def _feed(app: Sphinx, domain: KbDomain, feed: Feed, bodies: Bodies | None = None) -> bytes:
    """The Atom feed."""
    base = app.config.html_baseurl
    title, feed_uri, page_uri, articles = feed.title, feed.path, feed.page_uri, feed.articles
    from feedgen.feed import FeedGenerator

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
        body = bodies(article.docname) if bodies is not None else ""
        if body:
            # type="html": the markup travels as escaped text, as Atom asks.
            entry.content(body, type="html")
        # One call per list: feedgen re-derives its whole RSS list on every
        # call, so one call per name is quadratic (minutes for 10,000 tags).
        authors = domain.display_names(article, "author")
        if authors:
            entry.author([{"name": _xml(author)} for author in authors])
        terms = feed_categories(domain, article)
        if terms:
            entry.category([{"term": _xml(term)} for term in terms])
    return generator.atom_str(pretty=True)


#: The JSON Feed version kb writes (https://www.jsonfeed.org/version/1.1/).
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def _json_feed(app: Sphinx, domain: KbDomain, feed: Feed, bodies: Bodies | None = None) -> bytes:
    """A JSON Feed 1.1 with the Atom feed's entries: the excerpt as ``summary`` and
    text, the sanitised body as ``content_html`` when full text."""
    base = app.config.html_baseurl
    data: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": _absolute(base, feed.page_uri),
        "feed_url": _absolute(base, feed.path),
        "language": app.config.language or "ja",
    }
    description = kb_config(app).site_description
    if description:
        data["description"] = description
    items = []
    for article in feed.articles:
        url = _absolute(base, app.builder.get_target_uri(article.docname))
        excerpt = clip_excerpt(article.excerpt)
        item: dict[str, Any] = {"id": url, "url": url, "title": article.title}
        body = bodies(article.docname) if bodies is not None else ""
        if body:
            item["content_html"] = body
        else:
            # One of content_html and content_text is required; the excerpt is the text.
            item["content_text"] = excerpt or article.title
        if excerpt:
            item["summary"] = excerpt
        if article.date is not None:
            item["date_published"] = article.date.isoformat()
        if article.updated is not None:
            item["date_modified"] = article.updated.isoformat()
        authors = domain.display_names(article, "author")
        if authors:
            item["authors"] = [{"name": author} for author in authors]
        tags = feed_categories(domain, article)
        if tags:
            item["tags"] = tags
        items.append(item)
    data["items"] = items
    text = json.dumps(data, ensure_ascii=False, indent=1)
    # As Jinja's tojson: no raw markup in the file, whatever a title or body holds
    # (a JSON string means the same with these escaped).
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escape)
    return (text + "\n").encode("utf-8")


#: A feed's title, its page's address, its articles, its JSON Feed's path and what it
#: is the feed of (``(kind, term key)``; None for the site's).
FeedPlan = tuple[str, str, list[Article], str, "tuple[str, str] | None"]


def _feed_plans(app: Sphinx, site: str) -> dict[str, FeedPlan]:
    """Output path -> plan of the site feed and of each tag's and category's."""
    domain = domain_of(app.env)
    config = kb_config(app)
    # path -> (title, page, articles, its JSON Feed's path): a feed is only
    # regenerated when these changed, which keeps a one-article rebuild from
    # rewriting every feed.
    plans: dict[str, FeedPlan] = {
        feed_path(config): (
            site,
            app.builder.get_target_uri(app.config.root_doc),
            domain.listed_articles(),
            json_feed_path(config),
            None,
        )
    }
    taxonomy = domain.taxonomy
    for kind in ("tag", "category"):
        for term in taxonomy.sorted_terms(kind):
            plans[feed_path(config, term)] = (
                feed_title(wording_of(app), site, term),
                app.builder.get_target_uri(term.pagename),
                term.articles,
                json_feed_path(config, term),
                (term.kind, term.key),
            )
    return plans


def _keep(outputs: Outputs, feed: str, json_feed: str) -> bool:
    """Keep a feed (and its JSON Feed, when the last build wrote one) as it is on disk."""
    kept = {
        path: value[1]
        for path in (feed, json_feed)
        if (value := outputs.previous.get(path)) is not None and value[0] == FEEDS
    }
    if feed not in kept or not all(outputs.unchanged(path, digest) for path, digest in kept.items()):
        return False
    for path, digest in kept.items():
        outputs.note(path, digest, FEEDS)
    return True


def write_feeds(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not writes_website(app.builder):
        return
    if not app.config.html_baseurl:
        return  # kb.sphinx.sharing warns once about everything left out without it
    domain = domain_of(app.env)
    outputs = domain.outputs(app.builder.outdir)
    config = kb_config(app)
    site = config.feed_title or app.config.html_title or app.config.project
    stamp = (
        f"{app.config.html_baseurl}|{config.feed_length}|{site}|{app.config.language}|"
        f"{app.builder.name}|{config.feed_full_text}|{config.json_feed}|{config.site_description}"
    )
    same_stamp = outputs.stamp(FEEDS, stamp)
    # Full-text entries change with any body; excerpts only with the records.
    changed = domain.records_changed if config.feed_full_text else domain.lists_changed
    if (
        not changed
        and same_stamp
        and feed_path(config) in outputs.previous_files(FEEDS)
        and outputs.keep_group(FEEDS)
    ):
        return  # nothing read or removed: every feed on disk is current
    plans = _feed_plans(app, site)
    bodies = Bodies(app) if config.feed_full_text else None
    # Without full text, a feed lists records only: the edits' scope names those it may.
    scope = current_scope(domain) if same_stamp and not config.feed_full_text else None
    for path, (title, page_uri, articles, json_path, subject) in plans.items():
        if not has_feed(articles):
            continue
        if scope is not None and not scope.lists(subject) and _keep(outputs, path, json_path):
            continue
        dated = [a for a in articles if a.date is not None][: config.feed_length]
        digest = digest_of(
            repr((stamp, title, page_uri, [_entry_values(domain, a, bodies) for a in dated]))
        )
        formats = [(Feed(title, path, page_uri, dated), _feed)]
        if config.json_feed:
            formats.append((Feed(title, json_path, page_uri, dated), _json_feed))
        for feed, make in formats:
            try:
                if outputs.unchanged(feed.path, digest):
                    outputs.note(feed.path, digest, FEEDS)
                    continue
                outputs.write(feed.path, make(app, domain, feed, bodies), FEEDS, digest)
            except Refused as refusal:
                logger.warning(
                    "kb_feeds_path = %r: feed not written at %r: %s",
                    config.feeds_path,
                    refusal.relative,
                    refusal.reason,
                    type="kb",
                    subtype="output",
                )


def setup(app: Sphinx) -> None:
    # Late, so the body is the one the page is written with.
    app.connect("html-page-context", keep_body, priority=900)
    app.connect("env-purge-doc", forget_body)
    app.connect("build-finished", write_feeds)
