"""Japanese full-text search that finds every page containing the words typed.

Sphinx's own search for ``language = "ja"`` cuts words with TinySegmenter on
the index side but not on the query side, so a compound typed without spaces
finds nothing; it drops digits (GB200), glues punctuation to words and does
not fold widths (ＧＰＵ, ｴｰｼﾞｪﾝﾄ). This package replaces the splitter and the
query code while keeping Sphinx's index file, search page and incremental
index updates:

* :class:`KbSearchJapanese` indexes NFKC-folded character bigrams of Japanese
  runs and whole Latin/digit tokens (:mod:`kb.search.tokenizer`);
* ``doctree-resolved`` adds the front matter (tags, categories, authors,
  excerpt, glossary names and aliases) and the bigrams that inline markup cuts
  apart (``**計算**資源``) to what Sphinx indexes for the page;
* ``kb-searchfields.js`` carries the folded front-matter fields per page, so
  the query code can rank title and tag hits first;
* ``kb/static/kb-search.js`` (inlined into ``language_data.js``) replaces
  ``Search.query``: AND of the query's tokens, particles split off
  (データセンターの電力 → データセンター, 電力), pages read back to prove
  phrases, a snippet around the hit and a Japanese summary line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.search import SearchLanguage
from sphinx.transforms.post_transforms import SphinxPostTransform

from kb.search.tokenizer import fold, tokens

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

# kb/static: the folder the package already ships (pyproject's package-data).
STATIC = Path(__file__).parent / "static"
#: Written next to searchindex.js; loaded by kb-search.js on the search page.
FIELDS_FILENAME = "kb-searchfields.js"
_STOCK_JAPANESE = "sphinx.search.ja.SearchJapanese"


class KbSearchJapanese(SearchLanguage):
    """Bigram search for Japanese; the JavaScript half ships as the splitter code."""

    lang = "ja"
    language_name = "Japanese"
    js_splitter_code = (STATIC / "kb-search.js").read_text(encoding="utf-8") + (
        # Sphinx's own query path, should anything still call it, gets the same tokens.
        "\nvar splitQuery = (query) => KbSearchTokenizer.tokens(query);\n"
    )

    def split(self, input: str) -> list[str]:
        return tokens(input)

    def word_filter(self, word: str) -> bool:
        # Sphinx drops digits and one-character words; GB200's 200, 2024 and
        # the lone 年 in 2024年9月 are what people search for.
        return bool(word)

    def stem(self, word: str) -> str:
        return word


class kb_search_text(nodes.Element):
    """Text the search index reads but no page shows."""


def _skip(translator: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def _indexed_blocks(node: nodes.Node) -> list[nodes.TextElement]:
    """Paragraph-like nodes Sphinx indexes, skipping what its word collector skips."""
    if isinstance(node, (nodes.comment, nodes.raw)):
        return []
    if isinstance(node, nodes.Element) and "no-search" in node["classes"]:
        return []
    if isinstance(node, nodes.TextElement) and not isinstance(node, nodes.Inline):
        return [node]
    found: list[nodes.TextElement] = []
    for child in node.children:
        found.extend(_indexed_blocks(child))
    return found


def joined_tokens(doctree: nodes.Node) -> set[str]:
    """Tokens of whole paragraphs that Sphinx, reading one text node at a time, misses.

    ``**計算**資源`` is three text nodes to Sphinx's word collector, so the
    bigram 算資 and the phrase 計算資源 would be lost; ``**GB**200`` would lose
    ``gb200``.
    """
    extra: set[str] = set()
    for block in _indexed_blocks(doctree):
        texts = list(block.findall(nodes.Text))
        if len(texts) < 2:
            continue
        pieces: set[str] = set()
        for text in texts:
            pieces.update(tokens(text.astext()))
        extra.update(set(tokens(block.astext())) - pieces)
    return extra


def front_matter_fields(app: Sphinx, docname: str) -> tuple[list[str], list[str]]:
    """(names that rank like a title, longer text) from the kb domain's records."""
    domain: Any = app.env.get_domain("kb")
    article = domain.articles.get(docname)
    if article is not None:
        keys = [*article.tags, *article.categories, *article.authors]
        return keys, [article.excerpt] if article.excerpt else []
    entry = domain.entries.get(docname)
    if entry is not None:
        return [entry.name, *entry.aliases], [entry.summary] if entry.summary else []
    return [], []


def _enabled(app: Sphinx) -> bool:
    """True when this build writes a search index with kb's Japanese search."""
    from sphinx.builders.html import StandaloneHTMLBuilder

    if not isinstance(app.builder, StandaloneHTMLBuilder) or not app.builder.search:
        return False
    return _kb_language(app.config)


def _kb_language(config: Config) -> bool:
    """True when the search language of this project is kb's Japanese."""
    from sphinx.search import languages

    if not config.kb_search:
        return False
    lang = config.html_search_language or config.language or ""
    found = languages.get(lang) or languages.get(lang.partition("_")[0])
    return found is KbSearchJapanese


def _use_compact_index(app: Sphinx) -> None:
    """Write searchindex.js in the packed format kb-search.js reads."""
    from sphinx.search import js_index

    from kb.search.index import KbIndexFormat

    # Serializing builders (pickle, json) keep their own formats.
    if _enabled(app) and app.builder.indexer_format is js_index:  # type: ignore[attr-defined]
        app.builder.indexer_format = KbIndexFormat()  # type: ignore[attr-defined]


_AUTHORED_RAW = "kb_search_authored_raw"


class NoteAuthoredRaw(SphinxPostTransform):
    """Remember the page's own raw HTML before kb's generated lists are rendered as raw HTML.

    Lists of other articles (related articles, backlinks, latest articles) hold
    their titles, tags and excerpts; indexed, every search for a tag would list
    every page that links to one tagged article.
    """

    # FillDynamic renders the lists at priority 5.
    default_priority = 4
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        if _kb_language(self.config):
            self.document[_AUTHORED_RAW] = {id(node) for node in self.document.findall(nodes.raw)}


def exclude_generated_lists(doctree: nodes.document, authored: set[int]) -> None:
    """Mark generated lists ``no-search``: Sphinx skips them, and docutils wraps them in
    ``<div class="no-search">`` so the search page skips them when it reads a page."""
    for node in doctree.findall(nodes.raw):
        if id(node) not in authored and "html" in node.get("format", "").split():
            node["classes"].append("no-search")


def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Give Sphinx's indexer the front matter and the bigrams markup cut apart."""
    authored = doctree.attributes.pop(_AUTHORED_RAW, None)
    if not _enabled(app):
        return
    if authored is not None:
        exclude_generated_lists(doctree, authored)
    keys, longer = front_matter_fields(app, docname)
    words = [*keys, *longer, " ".join(sorted(joined_tokens(doctree)))]
    text = "\n".join(word for word in words if word)
    if text:
        doctree += kb_search_text("", nodes.Text(text))


def write_fields(app: Sphinx, exception: Exception | None) -> None:
    """``kb-searchfields.js``: folded front-matter fields of every searchable page."""
    if exception is not None or not _enabled(app):
        return
    from kb.dynamic import records_changed

    target = Path(app.outdir) / FIELDS_FILENAME
    if not records_changed(app.env) and target.is_file():
        return  # nothing read or removed: the fields on disk are current
    docs: dict[str, list[str]] = {}
    for docname in sorted(app.env.found_docs):
        metadata = app.env.metadata.get(docname, {})
        if "no-search" in metadata or "nosearch" in metadata:
            continue
        keys, longer = front_matter_fields(app, docname)
        if keys or longer:
            # A control character between fields, so no query matches across two of them.
            docs[docname] = [fold("\x1f".join(keys)), fold("\x1f".join(longer))]
    payload = json.dumps({"docs": docs}, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    content = f"KbSearch.setFields({payload.replace('<', chr(92) + 'u003c')})"
    # A build that changed nothing writes nothing (deploys and file watchers rely on it).
    if target.is_file() and target.read_text(encoding="utf-8") == content:
        return
    tmp = target.with_suffix(".tmp")
    tmp.write_text(content, encoding="utf-8")
    os.replace(tmp, target)


def preload_fields(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Fetch the fields file with the index on the search page, not after it.

    kb-search.js only asks for it once the search code runs, about 200 ms after
    the index request; ranking waits for it, so that wait was the largest part
    of the time to first results.
    """
    if pagename != "search" or not _enabled(app):
        return
    href = context["pathto"](FIELDS_FILENAME, resource=True)
    preload = f'<link rel="preload" href="{href}" as="script">'
    context["metatags"] = context.get("metatags", "") + "\n" + preload


def _choose_language(app: Sphinx, config: Config) -> None:
    """Use kb's Japanese search, or give Sphinx's back when ``kb_search = False``.

    Sphinx keeps search languages in one process-wide table, so a build with
    kb search switched off must put the stock entry back itself.
    """
    from sphinx.search import languages

    if config.kb_search:
        app.add_search_language(KbSearchJapanese)
    elif languages.get("ja") is KbSearchJapanese:
        languages["ja"] = _STOCK_JAPANESE


def setup(app: Sphinx) -> None:
    app.add_config_value("kb_search", True, "html", types=frozenset({bool}))
    app.add_node(
        kb_search_text,
        html=(_skip, None),
        latex=(_skip, None),
        text=(_skip, None),
        man=(_skip, None),
        texinfo=(_skip, None),
    )
    app.connect("config-inited", _choose_language)
    app.connect("builder-inited", _use_compact_index)
    app.add_post_transform(NoteAuthoredRaw)
    app.connect("doctree-resolved", on_doctree_resolved)
    app.connect("build-finished", write_fields)
    app.connect("html-page-context", preload_fields)
