"""``404.html``: a page that finds what was lost.

Read the Docs (and most static hosts) serve ``404.html`` for any missing
address, at any depth, so the page cannot use relative links: as
sphinx-notfound-page does, its links and assets are made absolute from the
path the site is served under (``kb_notfound_prefix``, else the path of
``html_baseurl``, else ``/``). Its body (``kb/notfound.html``) holds a search
box; kb-search.js fills it with the words of the missing address and lists
the pages holding them.

The page is one of kb's generated pages (group ``pages`` of
:class:`kb.sphinx.outputs.Outputs`); a project's own ``404`` document wins.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urljoin, urlsplit

from sphinx.util import logging

from kb.core.claims import Refused
from kb.sphinx.config import kb_config
from kb.sphinx.domain import domain_of, writes_website
from kb.sphinx.i18n import _
from kb.sphinx.outputs import digest_of
from kb.sphinx.render import templates_of
from kb.sphinx.searchlanguage import search_enabled

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders.html import StandaloneHTMLBuilder

logger = logging.getLogger(__name__)

PAGENAME = "404"
_GROUP = "pages"
#: The context key marking the page, holding the prefix its links start with.
_PREFIX_KEY = "kb_notfound_prefix"
_URL_ATTRIBUTE = re.compile(r'(\b(?:href|src|action)=")([^"]*)(")')


def site_prefix(app: Sphinx) -> str:
    """The absolute path the site is served under, ending with ``/``."""
    prefix = kb_config(app).notfound_prefix or urlsplit(app.config.html_baseurl or "").path or "/"
    if not prefix.startswith("/"):
        prefix = "/" + prefix
    return prefix if prefix.endswith("/") else prefix + "/"


def absolute(prefix: str, uri: str) -> str:
    """``uri`` (relative to the site's root) from the host's root; other addresses as they are."""
    if not uri or uri.startswith(("/", "#")) or urlsplit(uri).scheme:
        return uri
    return urljoin(prefix, uri)


def _absolute_attributes(prefix: str, markup: str) -> str:
    """Every relative href/src/action of a piece of HTML Sphinx made, made absolute."""

    def replace(match: re.Match[str]) -> str:
        value = html.unescape(match.group(2))
        return match.group(1) + html.escape(absolute(prefix, value)) + match.group(3)

    return _URL_ATTRIBUTE.sub(replace, markup)


def collect_notfound(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    builder = app.builder
    if not kb_config(app).notfound_page or not writes_website(builder) or not search_enabled(app):
        return
    if PAGENAME in app.env.found_docs:
        return  # the project's own 404 page
    outputs = domain_of(app.env).outputs(builder.outdir)
    relative = outputs.relative(cast("StandaloneHTMLBuilder", builder).get_output_path(PAGENAME))
    prefix = site_prefix(app)
    body = templates_of(app).render(
        "kb/notfound.html",
        prefix=prefix,
        search_url=absolute(prefix, builder.get_target_uri("search")),
        home_url=absolute(prefix, builder.get_target_uri(app.config.root_doc)),
    )
    domain = domain_of(app.env)
    # What shapes the page around its body (theme, templates, settings: the generated
    # pages' stamp) and its body: the same as last time, the page on disk is current.
    digest = digest_of(f"{outputs.stamps.get(_GROUP, '')}|{body}")
    same = not domain.lists_changed and outputs.unchanged(relative, digest)
    try:
        outputs.note(relative, digest, _GROUP)
    except Refused as refusal:
        logger.warning(
            "404 page not written: %s", refusal, type="kb", subtype="output", location="conf.py"
        )
        return
    if same:
        return
    context = {
        "title": html.escape(_("Page not found")),
        "body": body,
        "kb_generated": True,
        "display_toc": False,
        "toc": "",
        _PREFIX_KEY: prefix,
        # Search engines keep no copy of it.
        "metatags": '<meta name="robots" content="noindex">',
    }
    yield PAGENAME, context, "page.html"


def absolute_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Every link and asset of the 404 page from the host's root: it works at any depth."""
    prefix = context.get(_PREFIX_KEY)
    if pagename != PAGENAME or not prefix:
        return
    relative_path: Callable[..., str] = context["pathto"]

    def pathto(otheruri: str, resource: bool = False, *args: Any) -> str:
        return absolute(prefix, relative_path(otheruri, resource, *args))

    def made_absolute(make: Callable[..., str]) -> Callable[..., str]:
        return lambda *args, **kwargs: _absolute_attributes(prefix, make(*args, **kwargs))

    context["pathto"] = pathto
    context["content_root"] = prefix
    # Links other handlers put into the head (feeds, OpenSearch) before this one ran.
    context["metatags"] = _absolute_attributes(prefix, context.get("metatags", ""))
    for name in ("css_tag", "js_tag", "toctree"):
        if callable(context.get(name)):
            context[name] = made_absolute(context[name])


def setup(app: Sphinx) -> None:
    app.connect("html-collect-pages", collect_notfound)
    # Last: after every other handler has put its links into the context.
    app.connect("html-page-context", absolute_page, priority=950)
