"""Japanese full-text search: the Sphinx side.

Sphinx's own search for ``language = "ja"`` cuts words with TinySegmenter on
the index side but not on the query side, so a compound typed without spaces
finds nothing; its index is one file that every query downloads whole and
that every incremental build loads and rewrites. kb writes its own index
instead (:mod:`kb.search.store`: chunks a query loads by its tokens, token
positions that prove phrases, one compressed text per page for snippets) and
keeps Sphinx's search page, whose ``Search.query`` it replaces:

* the writer of each page (``html-page-context``; under ``-j`` a worker) turns
  it into a :class:`~kb.search.pagekeys.PageRecord` (its text with generated
  lists left out, and its front matter: tags, categories, authors, excerpt,
  glossary names and aliases) and its keys, handed over beside the doctrees;
* ``build-finished`` compares each record with the one indexed last time
  (kept beside the doctrees, one small file a page) and updates only the
  chunks whose keys changed; a build that read nothing touches no file;
* Sphinx's ``IndexBuilder`` is left with nothing to do: the search language
  splits no words and ``searchindex.js`` is a stub, so no build reloads or
  rewrites a whole index;
* ``kb/static/kb-search.js`` (on every page) answers queries on the search
  page and under the theme's search box as one types.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.search import js_index

from kb.core.wording import language_tag, plural_samples
from kb.search.files import FOLDER
from kb.sphinx import i18n
from kb.sphinx.config import kb_config
from kb.sphinx.domain import domain_of
from kb.sphinx.searchindex import (
    keep_keys,
    note_page,
    refresh_records,
    watch_backlog,
    write_index,
)
from kb.sphinx.searchlanguage import choose_language, search_enabled
from kb.sphinx.searchstub import StubIndexFormat

if TYPE_CHECKING:
    from sphinx.application import Sphinx

JS_FILE = "kb-search.js"
#: kb-search.js's texts in the build's language, one script every page loads before it
#: (``window.kbSearchTexts``): inline JSON in each page cost 1.4 KB a page.
TEXTS_FILE = "kb-search-texts.js"
CSS_FILE = "kb-search.css"


def on_builder_inited(app: Sphinx) -> None:
    """A stub ``searchindex.js``, and the search script and style on every page."""
    if not search_enabled(app):
        return
    # Serializing builders (pickle, json) keep their own formats.
    if app.builder.indexer_format is js_index:  # type: ignore[attr-defined]
        app.builder.indexer_format = StubIndexFormat(app.config.root_doc)  # type: ignore[attr-defined]
    # Deferred scripts run in the order of the page: the texts first.
    app.add_js_file(TEXTS_FILE, defer="defer")
    app.add_js_file(JS_FILE, defer="defer")
    app.add_css_file(CSS_FILE)


def texts_script(app: Sphinx) -> str:
    texts = search_texts(app.config.language or "en", kb_config(app).timezone)
    return f"window.kbSearchTexts = {json.dumps(texts, ensure_ascii=False, sort_keys=True)};\n"


def write_texts(app: Sphinx, builder: Builder) -> None:
    """The texts' script, into ``_static`` before any page is written (as kb's other
    scripts: Sphinx links it with its checksum when it is there)."""
    if not search_enabled(app) or not (
        isinstance(builder, StandaloneHTMLBuilder) and builder.format == "html"
    ):
        return
    outputs = domain_of(app.env).outputs(builder.outdir)
    outputs.write(f"_static/{TEXTS_FILE}", texts_script(app), "static")


def search_texts(language: str, timezone: str = "UTC") -> dict[str, Any]:
    """What kb-search.js shows, from the kb catalog of the build's language.

    A text with a number is given once per CLDR plural category of the
    language (``{"one": …, "other": …}``); the script picks one with
    ``Intl.PluralRules`` and puts the number in for ``%(num)d``.
    """
    samples = plural_samples(language)
    return {
        "language": language_tag(language),
        # Dates and months as kb_timezone has them (an IANA name or an offset such as +09:00).
        "timeZone": timezone,
        "found": {
            category: i18n.ngettext(
                "Search finished, found %(num)d page matching the search query.",
                "Search finished, found %(num)d pages matching the search query.",
                number,
            )
            for category, number in samples
        },
        "none": i18n._(
            "No page matches. Try a shorter word, or another spelling (katakana, Latin letters)."
        ),
        "counting": i18n._("Counting…"),
        "results": i18n._("Search Results"),
        "more": i18n._("More results"),
        "all": i18n._("See all results"),
        "allCount": {
            category: i18n.ngettext("See the %(num)d result", "See all %(num)d results", number)
            for category, number in samples
        },
        "empty": i18n._("No results"),
        "listed": {
            category: i18n.ngettext(
                "%(num)d article matches the filters.",
                "%(num)d articles match the filters.",
                number,
            )
            for category, number in samples
        },
        "filters": i18n._("Filter and sort"),
        "narrow": i18n._("Filter these results"),
        "facets": {
            "category": i18n._("Category"),
            "tag": i18n._("Tag"),
            "author": i18n._("Author"),
            "year": i18n._("Year"),
            "month": i18n._("Month"),
            "entry": i18n._("Glossary entry"),
        },
        "sort": i18n._("Order"),
        "relevance": i18n._("Relevance"),
        "newest": i18n._("Newest first"),
        "clearFilters": i18n._("Clear filters"),
        "clearHighlight": i18n._("Clear highlighting"),
        "notfoundFound": i18n._("Pages holding the words of this address:"),
        "notfoundNone": i18n._("No page holds the words of this address; try the search box."),
        "failed": i18n._("The search index could not be loaded."),
    }

def preload_manifest(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The search page asks for the index's manifest while it parses, not after its scripts ran."""
    if pagename != "search" or not search_enabled(app):
        return
    href = context["pathto"](f"{FOLDER}/index.js", resource=True)
    context["metatags"] = (
        context.get("metatags", "") + f'\n<link rel="preload" href="{href}" as="script">'
    )


def setup(app: Sphinx) -> None:
    # After Sphinx has made source_suffix a mapping (800).
    app.connect("config-inited", choose_language, priority=850)
    app.connect("builder-inited", on_builder_inited)
    app.connect("env-get-outdated", refresh_records)
    # After kb's own doctree-resolved handlers have rendered generated lists (400).
    app.connect("doctree-resolved", note_page, priority=800)
    app.connect("html-page-context", keep_keys)
    app.connect("write-started", watch_backlog)
    app.connect("build-finished", write_index)
    app.connect("html-page-context", preload_manifest)
    app.connect("write-started", write_texts)
