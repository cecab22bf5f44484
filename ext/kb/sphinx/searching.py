"""Japanese full-text search: the Sphinx side.

Sphinx's own search for ``language = "ja"`` cuts words with TinySegmenter on
the index side but not on the query side, so a compound typed without spaces
finds nothing; its index is one file that every query downloads whole and
that every incremental build loads and rewrites. kb writes its own index
instead (:mod:`kb.search.store`: chunks a query loads by its tokens, token
positions that prove phrases, one compressed text per page for snippets) and
keeps Sphinx's search page, whose ``Search.query`` it replaces:

* ``doctree-resolved`` turns each page written into a
  :class:`~kb.search.store.PageRecord` (its text with generated lists left
  out, and its front matter: tags, categories, authors, excerpt, glossary
  names and aliases);
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

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from docutils import nodes
from sphinx.locale import admonitionlabels
from sphinx.search import SearchLanguage
from sphinx.util import logging

from kb.core.atomicfile import write_atomically
from kb.core.claims import Refused
from kb.core.frontmatter import read_front_matter
from kb.core.targets import has_article_front_matter
from kb.core.wording import language_tag, plural_samples
from kb.search.facets import PageFacets, facet_files
from kb.search.htmltext import Piece, html_inline_text, html_pieces
from kb.search.store import (
    FOLDER,
    FORMAT,
    IndexState,
    PageRecord,
    order_pages,
    update,
    write_full,
)
from kb.sphinx import i18n
from kb.sphinx.config import kb_config
from kb.sphinx.domain import domain_of, writes_website
from kb.sphinx.outputs import GroupFolder
from kb.sphinx.searchstub import StubIndexFormat

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

_STOCK_JAPANESE = "sphinx.search.ja.SearchJapanese"
#: The output group of the index's files (:data:`kb.core.claims.PRIORITY`).
SEARCH_GROUP = "search"
#: Front matter sits at the top: the first characters of a file tell an article.
_HEAD_CHARS = 16384
_PENDING = "kb_search_pages"
JS_FILE = "kb-search.js"
#: The element holding kb-search.js's texts (JSON) in every page.
TEXTS_ID = "kb-search-texts"
CSS_FILE = "kb-search.css"

# language_data.js runs right after searchtools.js on the search page; from
# there Search.query hands every query to kb-search.js (loaded deferred on
# every page, so it may arrive a moment later).
_SEARCH_PAGE_GLUE = """
var splitQuery = (query) => query.split(/\\s+/).filter((word) => word);
Search.query = (query) => {
  const run = () => window.KbSearch.searchPage(query);
  if (window.KbSearch && window.KbSearch.searchPage) run();
  else document.addEventListener("DOMContentLoaded", run);
};
"""


class KbSearchJapanese(SearchLanguage):
    """Splits nothing: kb indexes pages itself, so Sphinx's indexer only keeps titles."""

    lang = "ja"
    language_name = "Japanese"
    js_splitter_code = _SEARCH_PAGE_GLUE

    def split(self, input: str) -> list[str]:
        return []

    def word_filter(self, word: str) -> bool:
        return False

    def stem(self, word: str) -> str:
        return word


# --- what a page holds --------------------------------------------------------------


class _Body:
    """The blocks of text a reader sees on a page, generated lists aside, and its code.

    Every text node counts, as in Sphinx's own index: paragraphs and headings,
    literal blocks and inline code (marked as code for the snippets), the
    text of raw HTML, and the labels the HTML writer puts on admonitions.
    """

    def __init__(self) -> None:
        self.blocks: list[Piece] = []
        #: (index of the section's first block, its anchor, its heading), in order.
        self.sections: list[tuple[int, str, str]] = []

    def walk(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.section):
            title = node.next_node(nodes.title)
            anchors = node.get("ids", ())
            # The page's own title section is the page: a match there links to its top.
            if anchors and not isinstance(node.parent, nodes.document):
                heading = title.astext() if title is not None else ""
                self.sections.append((len(self.blocks), anchors[0], heading))
        if isinstance(node, nodes.Text):
            self._block(node.astext(), code=False)
        elif not isinstance(node, nodes.Element) or _skipped(node):
            return
        elif isinstance(node, nodes.raw):
            if "html" in node.get("format", "").split():
                self.blocks.extend(html_pieces(node.astext()))
        elif isinstance(node, (nodes.literal_block, nodes.doctest_block)):
            self._block(node.astext(), code=True)
        elif isinstance(node, nodes.TextElement) and not isinstance(node, nodes.Inline):
            # Inline markup stays inside its paragraph: **計算**資源 is one phrase.
            piece = Piece()
            _inline(node, piece, code=False)
            self.blocks.append(piece)
        else:
            label = _admonition_label(node)
            if label:
                self._block(label, code=False)
            for child in node.children:
                self.walk(child)

    def _block(self, text: str, code: bool) -> None:
        piece = Piece()
        piece.add(text, code)
        self.blocks.append(piece)

    def text(self) -> BodyText:
        """The blocks one a line (line breaks inside a block become spaces), the code
        spans, and where each section starts in that text."""
        lines: list[str] = []
        spans: list[tuple[int, int]] = []
        starts: list[int] = []
        at = 0
        for piece in self.blocks:
            starts.append(at)
            if not piece.text.strip():
                continue
            line = piece.text.replace("\r", " ").replace("\n", " ")
            spans.extend((at + start, at + end) for start, end in piece.code)
            lines.append(line)
            at += len(line) + 1
        starts.append(at)
        sections = tuple(
            (starts[block], anchor, " ".join(heading.split()))
            for block, anchor, heading in self.sections
        )
        return BodyText("\n".join(lines), tuple(spans), sections)


def _skipped(node: nodes.Element) -> bool:
    if isinstance(node, (nodes.comment, nodes.system_message)):
        return True
    return "no-search" in node.get("classes", ())


def _inline(node: nodes.Element, piece: Piece, code: bool) -> None:
    for child in node.children:
        if isinstance(child, nodes.Text):
            piece.add(child.astext(), code)
        elif not isinstance(child, nodes.Element) or _skipped(child):
            continue
        elif isinstance(child, nodes.raw):
            if "html" in child.get("format", "").split():
                piece.add(html_inline_text(child.astext()), code)
        else:
            _inline(child, piece, code or isinstance(child, nodes.literal))


def _admonition_label(node: nodes.Element) -> str:
    """注釈, 警告…: the title Sphinx's HTML writer gives a note or a warning."""
    if not isinstance(node, nodes.Admonition) or isinstance(node, nodes.admonition):
        return ""
    return str(admonitionlabels.get(node.tagname, ""))


class BodyText(NamedTuple):
    text: str
    #: Where the text holds code: (start, end) offsets.
    code: tuple[tuple[int, int], ...]
    #: Where each section starts in the text: (offset, anchor, heading).
    sections: tuple[tuple[int, str, str], ...]


def body_text(doctree: nodes.Node) -> BodyText:
    """The page's text, one block a line, where it holds code, and its sections."""
    body = _Body()
    body.walk(doctree)
    return body.text()


def _domain(app: Sphinx) -> Any:
    return app.env.get_domain("kb")


def _utc(date: dt.datetime | None) -> str:
    if date is None:
        return ""
    if date.tzinfo is None:
        date = date.replace(tzinfo=dt.timezone.utc)
    return date.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def _names(domain: Any, article: Any) -> tuple[str, ...]:
    """Tags, categories and authors as written and as displayed (a taxonomy may rename)."""
    names = [*article.tags, *article.categories, *article.authors]
    display = getattr(domain, "display_names", None)
    if display is not None:
        for kind in ("tag", "category", "author"):
            try:
                names.extend(display(article, kind))
            except (KeyError, ValueError, TypeError):
                continue
    return tuple(dict.fromkeys(name for name in names if name))


def searchable(app: Sphinx, docname: str) -> bool:
    """Pages in the index: every document but drafts and pages marked ``no-search``."""
    metadata = app.env.metadata.get(docname, {})
    if "no-search" in metadata or "nosearch" in metadata:
        return False
    article = _domain(app).articles.get(docname)
    return not (article is not None and article.draft)


def date_key(app: Sphinx, docname: str) -> str:
    article = _domain(app).articles.get(docname)
    return _utc(article.date) if article is not None else ""


def page_record(app: Sphinx, docname: str, doctree: nodes.document) -> PageRecord:
    domain = _domain(app)
    article = domain.articles.get(docname)
    entry = domain.entries.get(docname)
    title_node = app.env.titles.get(docname)
    title = title_node.astext() if title_node is not None else docname
    names: tuple[str, ...] = ()
    excerpt = ""
    if article is not None:
        title = article.title or title
        names = _names(domain, article)
        excerpt = article.excerpt
    elif entry is not None:
        names = tuple(dict.fromkeys([entry.name, *entry.aliases]))
        excerpt = entry.summary
    body, code, sections = body_text(doctree)
    return PageRecord(
        docname=docname,
        url=app.builder.get_target_uri(docname),
        title=title,
        date=date_key(app, docname),
        names=names,
        excerpt=excerpt,
        body=body,
        code=code,
        sections=sections,
    )


# --- the Sphinx events -------------------------------------------------------------------


def search_enabled(app: Sphinx) -> bool:
    """True when this build writes kb's search index (and kb-search.js is on every page)."""
    return _enabled(app)


def _enabled(app: Sphinx) -> bool:
    """True when this build writes a search index with kb's Japanese search."""
    if not writes_website(app.builder) or not app.builder.search:  # type: ignore[attr-defined]
        return False
    return _kb_language(app)


def _kb_language(app: Sphinx) -> bool:
    """True when the search language of this project is kb's Japanese."""
    from sphinx.search import languages

    if not kb_config(app).search:
        return False
    config = app.config
    lang = config.html_search_language or config.language or ""
    found = languages.get(lang) or languages.get(lang.partition("_")[0])
    return found is KbSearchJapanese


def on_builder_inited(app: Sphinx) -> None:
    """A stub ``searchindex.js``, and the search script and style on every page."""
    if not _enabled(app):
        return
    # Serializing builders (pickle, json) keep their own formats.
    from sphinx.search import js_index

    if app.builder.indexer_format is js_index:  # type: ignore[attr-defined]
        app.builder.indexer_format = StubIndexFormat(app.config.root_doc)  # type: ignore[attr-defined]
    app.add_js_file(JS_FILE, defer="defer")
    texts = json.dumps(
        search_texts(app.config.language or "en", kb_config(app).timezone), ensure_ascii=False
    )
    # In a <script> element: "</" would end it.
    app.add_js_file(None, body=texts.replace("<", "\\u003c"), type="application/json", id=TEXTS_ID)
    app.add_css_file(CSS_FILE)


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


def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Note the page's record; the index is updated once, at the end of the build."""
    if not _enabled(app) or not searchable(app, docname):
        return
    pending = domain_of(app.env).scratch.setdefault(_PENDING, {})
    assert isinstance(pending, dict)
    pending[docname] = page_record(app, docname, doctree)


class _Cache:
    """Records indexed by the last build, beside the doctrees (never in the output)."""

    def __init__(self, app: Sphinx) -> None:
        name = app.builder.name
        self.root = Path(app.doctreedir) / "kb-search"
        self.pages = self.root / f"pages-{name}"
        self.state_path = self.root / f"state-{name}.json"

    def _page_path(self, docname: str) -> Path:
        return self.pages / (hashlib.sha1(docname.encode("utf-8")).hexdigest()[:20] + ".json")

    def load(self, docname: str) -> PageRecord | None:
        try:
            text = self._page_path(docname).read_text(encoding="utf-8")
        except OSError:
            return None
        return PageRecord.from_json(json.loads(text))

    def save(self, record: PageRecord) -> None:
        from dataclasses import asdict

        path = self._page_path(record.docname)
        write_atomically(path, json.dumps(asdict(record), ensure_ascii=False).encode("utf-8"))

    def state(self) -> IndexState | None:
        try:
            return IndexState.from_json(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError):
            return None

    def save_state(self, state: IndexState) -> None:
        write_atomically(self.state_path, state.to_json().encode("utf-8"))


def refresh_records(
    app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Every page read again when the index kept records in an older format.

    A record is made when its page is written; a new format (another way of
    reading code, raw HTML or spaces) must reach the pages no edit touched.
    """
    if not _enabled(app):
        return []
    state = _Cache(app).state()
    if state is None or state.format == FORMAT:
        return []
    return sorted(set(env.found_docs) - added - changed)


def write_index(app: Sphinx, exception: Exception | None) -> None:
    """Bring ``kb-search/`` up to date with the pages this build wrote or removed.

    Every file goes through the build's :class:`~kb.sphinx.outputs.Outputs`
    (group ``search``): files of the last index that this build does not
    write again or keep are deleted with the rest of kb's stale files.
    """
    pending: dict[str, PageRecord] = domain_of(app.env).scratch.pop(_PENDING, None) or {}
    if exception is not None or not _enabled(app):
        return
    cache = _Cache(app)
    outputs = domain_of(app.env).outputs(app.outdir)
    outputs.adopt(FOLDER, SEARCH_GROUP)
    files = GroupFolder(outputs, FOLDER, SEARCH_GROUP)
    docs = [doc for doc in sorted(app.env.found_docs) if searchable(app, doc)]
    order = order_pages({doc: date_key(app, doc) for doc in docs})
    state = cache.state()
    try:
        if (
            state is not None
            and state.format == FORMAT
            and state.order == order
            and state.postings_buckets
            and (Path(app.outdir) / FOLDER / "index.js").is_file()
            and outputs.keep_group(SEARCH_GROUP)
        ):
            _update_index(cache, files, state, pending)
        else:
            # Ids follow the date: a page added before others, removed, or
            # redated renumbers the pages, and every chunk is written again.
            _write_whole_index(app, cache, files, order, pending)
        for relative, text in facet_files(order, page_facets(app, order)).items():
            files.write(relative, text)
    except Refused as refusal:
        logger.warning(
            "search index not written: %s", refusal, type="kb", subtype="search"
        )


def _local_month(date: dt.datetime | None, zone: dt.tzinfo) -> str:
    if date is None:
        return ""
    if date.tzinfo is None:
        date = date.replace(tzinfo=dt.timezone.utc)
    return date.astimezone(zone).strftime("%Y-%m")


def page_facets(app: Sphinx, docnames: list[str]) -> dict[str, PageFacets]:
    """The facets of each article: its categories, tags and authors as displayed, the
    names of the glossary entries it mentions, and its month in ``kb_timezone``."""
    domain = _domain(app)
    zone = kb_config(app).zone
    found = {}
    for docname in docnames:
        article = domain.articles.get(docname)
        if article is None:
            continue
        mentioned = (domain.entries.get(entry) for entry in domain.mentions.get(docname, ()))
        found[docname] = PageFacets(
            category=domain.display_names(article, "category"),
            tag=domain.display_names(article, "tag"),
            author=domain.display_names(article, "author"),
            entry=tuple(sorted(entry.name for entry in mentioned if entry is not None)),
            month=_local_month(article.date, zone),
        )
    return found


def _write_whole_index(
    app: Sphinx, cache: _Cache, files: GroupFolder, order: list[str], pending: dict[str, PageRecord]
) -> None:
    def load(docname: str) -> PageRecord:
        record = pending.get(docname) or cache.load(docname)
        if record is None:
            logger.warning(
                "search: no text kept for %s; it is indexed by its name only "
                "(a clean build indexes it fully)",
                docname,
                type="kb",
                subtype="search",
                location=docname,
            )
            record = PageRecord(docname, app.builder.get_target_uri(docname), docname)
        return record

    for record in pending.values():
        cache.save(record)
    cache.save_state(write_full(files, order, load))


def _update_index(
    cache: _Cache, files: GroupFolder, state: IndexState, pending: dict[str, PageRecord]
) -> None:
    changes: dict[str, tuple[PageRecord | None, PageRecord]] = {}
    for docname, record in pending.items():
        if state.digests.get(docname) != record.digest():
            changes[docname] = (cache.load(docname), record)
    if not changes:
        return  # pages were written again, but what they hold for the search did not change
    update(files, state, changes)
    for _, record in changes.values():
        cache.save(record)
    cache.save_state(state)


def preload_manifest(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The search page asks for the index's manifest while it parses, not after its scripts ran."""
    if pagename != "search" or not _enabled(app):
        return
    href = context["pathto"](f"{FOLDER}/index.js", resource=True)
    context["metatags"] = (
        context.get("metatags", "") + f'\n<link rel="preload" href="{href}" as="script">'
    )


def has_article_sources(app: Sphinx, config: Config) -> bool:
    """Whether the articles folder holds an article (a source file with article front
    matter), looked at before any document is read: the first one found decides."""
    folder = Path(app.srcdir) / kb_config(app).articles_dir
    suffixes = tuple(config.source_suffix) or (".rst",)
    if not folder.is_dir():
        return False
    for path in sorted(folder.rglob("*")):
        if not path.name.endswith(suffixes) or not path.is_file():
            continue
        try:
            with path.open(encoding="utf-8", errors="replace") as handle:
                head = handle.read(_HEAD_CHARS)
        except OSError:
            continue
        if has_article_front_matter(read_front_matter(head.lstrip("\ufeff"))):
            return True
    return False


def _choose_language(app: Sphinx, config: Config) -> None:
    """Use kb's Japanese search, or give Sphinx's back when ``kb_search = False``
    or the project has no articles (kb then leaves its search alone).

    Sphinx keeps search languages in one process-wide table, so a build with
    kb search switched off must put the stock entry back itself.
    """
    from sphinx.search import languages

    if kb_config(app).search and has_article_sources(app, config):
        app.add_search_language(KbSearchJapanese)
    elif languages.get("ja") is KbSearchJapanese:
        languages["ja"] = _STOCK_JAPANESE


def setup(app: Sphinx) -> None:
    # After Sphinx has made source_suffix a mapping (800).
    app.connect("config-inited", _choose_language, priority=850)
    app.connect("builder-inited", on_builder_inited)
    app.connect("env-get-outdated", refresh_records)
    # After kb's own doctree-resolved handlers have rendered generated lists (400).
    app.connect("doctree-resolved", on_doctree_resolved, priority=800)
    app.connect("build-finished", write_index)
    app.connect("html-page-context", preload_manifest)
