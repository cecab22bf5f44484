"""Which search this build runs: kb's Japanese search, or Sphinx's own.

kb registers :class:`KbSearchJapanese` for ``ja`` only when the project has
articles and ``kb_search`` is on; its ``js_splitter_code`` is the glue that
hands the search page's queries to ``kb-search.js``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.search import SearchLanguage, languages

from kb.core.frontmatter import read_front_matter
from kb.core.targets import has_article_front_matter
from kb.sphinx.config import kb_config
from kb.sphinx.domain import writes_website

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

_STOCK_JAPANESE = "sphinx.search.ja.SearchJapanese"
#: Front matter sits at the top: the first characters of a file tell an article.
_HEAD_CHARS = 16384
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


def search_enabled(app: Sphinx) -> bool:
    """True when this build writes kb's search index (and kb-search.js is on every page)."""
    if not writes_website(app.builder) or not app.builder.search:  # type: ignore[attr-defined]
        return False
    return kb_language(app)


def kb_language(app: Sphinx) -> bool:
    """True when the search language of this project is kb's Japanese."""
    if not kb_config(app).search:
        return False
    config = app.config
    lang = config.html_search_language or config.language or ""
    found = languages.get(lang) or languages.get(lang.partition("_")[0])
    return found is KbSearchJapanese


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


def choose_language(app: Sphinx, config: Config) -> None:
    """Use kb's Japanese search, or give Sphinx's back when ``kb_search = False``
    or the project has no articles (kb then leaves its search alone).

    Sphinx keeps search languages in one process-wide table, so a build with
    kb search switched off must put the stock entry back itself.
    """
    if kb_config(app).search and has_article_sources(app, config):
        app.add_search_language(KbSearchJapanese)
    elif languages.get("ja") is KbSearchJapanese:
        languages["ja"] = _STOCK_JAPANESE
