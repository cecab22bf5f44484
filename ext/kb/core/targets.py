"""Where generated pages live and what links to them resolve to (no Sphinx here).

A link to a generated page is written as a target such as ``tag:AI``,
``index:tag``, ``month:2025-11`` or a ``{ref}`` label such as ``kb-tag-ai``;
these functions turn it into the page name, which the builder then turns
into a URL relative to the page being written. The titles of generated pages
are written here too, once, in the words of the build's language
(:class:`kb.core.wording.Wording`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from kb.core.frontmatter import RawFrontMatter
from kb.core.records import Article
from kb.core.settings import KbConfig
from kb.core.taxonomy import KINDS, SECTIONS, Taxonomy, Term, base_path, month_pagename, page_count
from kb.core.wording import Wording

#: Prefix of a linker target that is a file kb writes (a feed), not a page.
FILE_TARGET = "@file:"

#: A run of percent-escaped bytes of non-ASCII characters (UTF-8 bytes are 0x80 and up).
_ESCAPED_NON_ASCII = re.compile(r"(?:%[89A-Fa-f][0-9A-Fa-f])+")


def readable_uri(uri: str) -> str:
    """``uri`` with its non-ASCII characters written as themselves, not escaped.

    Sphinx percent-encodes a page name in its URL: 9 bytes for a Japanese
    character that UTF-8 writes in 3 (a tag page's address, repeated on every
    list that shows the tag). An HTML page may carry a URL's characters as they
    are; browsers encode them again when they follow the link, so the request
    (http) or the file opened (file://) is the same. Escapes of ASCII bytes
    (``%20``, ``%23``, ``%25``, ...) stay: they are characters that mean
    something else unescaped. A run that is not valid UTF-8 stays escaped.
    """
    if "%" not in uri:
        return uri
    return _ESCAPED_NON_ASCII.sub(_decoded, uri)


def _decoded(match: re.Match[str]) -> str:
    """The characters of an escaped run, or the run as it is when it is not
    UTF-8 or holds a character a reader cannot see (spaces, line separators,
    format marks: escaped, they cannot be taken for something else)."""
    try:
        text = bytes.fromhex(match.group().replace("%", "")).decode("utf-8")
    except UnicodeDecodeError:
        return match.group()
    return text if text.isprintable() else match.group()


def is_article(docname: str, config: KbConfig) -> bool:
    return docname.startswith(config.articles_dir.strip("/") + "/")


#: Front-matter keys that make a page in the articles folder an article.
ARTICLE_KEYS = ("title", "date")


def has_article_front_matter(raw: RawFrontMatter) -> bool:
    """Whether a page in the articles folder is an article: its front matter has a
    title or a date, or is a block kb cannot read (a broken article is reported,
    not taken for an ordinary page). Any other page there is the project's own,
    and kb leaves it alone."""
    return bool(raw.problems) or any(key in raw.data for key in ARTICLE_KEYS)


def entry_kind(docname: str, config: KbConfig) -> str | None:
    """The glossary kind of ``docname`` when it is an entry page."""
    prefix = config.glossary_dir.strip("/") + "/"
    if not docname.startswith(prefix):
        return None
    parts = docname[len(prefix) :].split("/")
    if len(parts) != 2 or parts[1] == "index":
        return None
    for kind, spec in config.glossary_kinds.items():
        if spec.get("folder", kind) == parts[0]:
            return kind
    return None


@dataclass(frozen=True)
class TagTitles:
    """The titles a sphinx-tags project set (``tags_overview_title``,
    ``tags_page_title``, ``tags_page_header``, ``tags_index_head``); "" keeps kb's."""

    overview: str = ""
    page: str = ""
    page_header: str = ""
    index_head: str = ""


def overview_pagename(config: KbConfig, kind: str) -> str:
    """The overview of tags, categories, authors or the archive."""
    if kind == "archive":
        return f"{config.archive_path}/index"
    return f"{base_path(config, kind)}/index"


def kind_title(words: Wording, kind: str) -> str:
    """Tags, categories or authors, as a section and a column are headed."""
    if kind == "tag":
        return words.gettext("Tags")
    if kind == "category":
        return words.gettext("Categories")
    return words.gettext("Authors")


def overview_title(words: Wording, kind: str, tag_titles: TagTitles | None = None) -> str:
    """Title of the overview of tags, categories or authors, or of the archive; a
    sphinx-tags site's ``tags_overview_title`` names the tag overview."""
    if kind == "tag" and tag_titles is not None and tag_titles.overview:
        return tag_titles.overview
    if kind == "tag":
        return words.gettext("All tags")
    if kind == "category":
        return words.gettext("All categories")
    if kind == "author":
        return words.gettext("All authors")
    return words.gettext("Archive")


def term_title(
    words: Wording, term: Term, number: int = 1, tag_titles: TagTitles | None = None
) -> str:
    """Title of a tag, category or author page (``number``: its page of a long list);
    a sphinx-tags project's ``tags_page_title`` leads its tag pages' titles."""
    if term.kind == "tag" and tag_titles is not None and tag_titles.page:
        title = f"{tag_titles.page}: {term.name}"
    elif term.kind == "tag":
        title = words.gettext("Tag: %(name)s") % {"name": term.name}
    elif term.kind == "category":
        title = words.gettext("Category: %(name)s") % {"name": term.name}
    else:
        title = words.gettext("Author: %(name)s") % {"name": term.name}
    if number > 1:
        title = words.gettext("%(title)s (page %(number)d)") % {"title": title, "number": number}
    return title


def month_title(words: Wording, year: int, month: int) -> str:
    """Title of a month's page."""
    return words.gettext("Articles from %(month)s") % {"month": words.month(year, month)}


def glossary_title(words: Wording, kind: str, spec: Mapping[str, str]) -> str:
    """Name of a glossary kind: its ``title``, else kb's own for the kinds kb defines."""
    if spec.get("title"):
        return spec["title"]
    if kind == "partner":
        return words.gettext("Partners")
    if kind == "technology":
        return words.gettext("Technologies")
    return kind


def glossary_overview_title(words: Wording, kind: str, spec: Mapping[str, str]) -> str:
    return words.gettext("All %(kind)s") % {"kind": glossary_title(words, kind, spec)}


def feed_title(words: Wording, site: str, term: Term | None = None) -> str:
    """Title of the site feed, or of a tag's or category's feed."""
    if term is None:
        return site
    return words.gettext("%(site)s: %(name)s") % {"site": site, "name": term.name}


def glossary_overview_pagename(config: KbConfig, kind: str) -> str:
    folder = config.glossary_kinds[kind].get("folder", kind)
    return f"{config.glossary_dir.strip('/')}/{folder}/index"


def feed_path(config: KbConfig, term: Term | None = None) -> str:
    """Output path of the site feed, or of a tag's or category's feed."""
    if term is None:
        return f"{config.feeds_path}/atom.xml"
    return f"{config.feeds_path}/{SECTIONS[term.kind]}/{term.slug}.xml"


def json_feed_path(config: KbConfig, term: Term | None = None) -> str:
    """Output path of the JSON Feed beside the site's or a term's Atom feed."""
    if term is None:
        return f"{config.feeds_path}/feed.json"
    return f"{config.feeds_path}/{SECTIONS[term.kind]}/{term.slug}.json"


def has_feed(articles: Iterable[Article]) -> bool:
    """A feed is written for a list with at least one dated article: an empty one
    would say nothing and be dated 1970."""
    return any(article.date is not None for article in articles)


def file_target(path: str) -> str:
    """A linker target for a file in the output folder."""
    return FILE_TARGET + path


def page_target(config: KbConfig, taxonomy: Taxonomy, target: str) -> str | None:
    """``tag:AI`` -> its page name; None when the page does not exist."""
    kind, _, name = target.partition(":")
    if kind in KINDS:
        term = taxonomy.term(kind, name)
        return term.pagename if term else None
    if kind == "index" and (name in KINDS or name == "archive"):
        pagename = overview_pagename(config, name)
        return pagename if pagename in taxonomy.pages else None
    if kind == "month":
        year, _, month = name.partition("-")
        if year.isdigit() and month.isdigit() and (int(year), int(month)) in taxonomy.months:
            return month_pagename(config.archive_path, int(year), int(month))
        return None
    if kind == "page" and name in taxonomy.pages:
        return name
    return None


def sections(
    config: KbConfig, words: Wording, exists: Callable[[str], bool]
) -> list[tuple[str, str]]:
    """The sidebar's sections: generated overviews and the glossary kinds, those
    whose page ``exists`` (none for an empty list)."""
    items = [(overview_pagename(config, "archive"), overview_title(words, "archive"))]
    items += [
        (overview_pagename(config, kind), kind_title(words, kind))
        for kind in ("category", "tag", "author")
    ]
    for kind, spec in config.glossary_kinds.items():
        items.append((glossary_overview_pagename(config, kind), glossary_title(words, kind, spec)))
    return [(pagename, title) for pagename, title in items if exists(pagename)]


# --- the table of generated pages ---------------------------------------------------


@dataclass(frozen=True)
class GeneratedPage:
    """A page kb generates: its name, its title and the ``{ref}`` labels leading to it."""

    pagename: str
    title: str
    labels: tuple[str, ...] = ()


class PageTable:
    """Every page kb generates in a build, named, titled and labelled once: the pages
    themselves and ``{ref}`` links read their titles and labels here, the sidebar
    and the navigation which of them exist."""

    def __init__(self, pages: Iterable[GeneratedPage]) -> None:
        self.pages: dict[str, GeneratedPage] = {}
        self._labelled: dict[str, GeneratedPage] = {}
        for page in pages:
            self.pages.setdefault(page.pagename, page)
            for label in page.labels:
                self._labelled.setdefault(label, page)

    def __contains__(self, pagename: object) -> bool:
        return pagename in self.pages

    def __getitem__(self, pagename: str) -> GeneratedPage:
        return self.pages[pagename]

    def labelled(self, label: str) -> GeneratedPage | None:
        """The page a ``{ref}`` label such as ``kb-tag-ai`` or ``kb-archive-2025-11`` names."""
        return self._labelled.get(label)


def page_table(
    config: KbConfig,
    taxonomy: Taxonomy,
    glossary_kinds: Iterable[str],
    words: Wording,
    tag_titles: TagTitles | None = None,
) -> PageTable:
    """The pages kb generates from ``taxonomy`` and for the glossary ``glossary_kinds``
    (those without a hand-written overview), titled in ``words``."""
    titles = tag_titles or TagTitles()
    pages: list[GeneratedPage] = []
    for kind in ("tag", "category", "author"):
        terms = taxonomy.sorted_terms(kind)
        if terms:  # no empty overview
            title = overview_title(words, kind, titles)
            pages.append(
                GeneratedPage(overview_pagename(config, kind), title, (f"kb-{SECTIONS[kind]}",))
            )
        for term in terms:
            for number in range(1, page_count(len(term.articles), config.page_size) + 1):
                pages.append(
                    GeneratedPage(
                        term.page(number),
                        term_title(words, term, number, titles),
                        (f"kb-{term.kind}-{term.slug}",) if number == 1 else (),
                    )
                )
    if taxonomy.months:
        archive = overview_pagename(config, "archive")
        pages.append(GeneratedPage(archive, overview_title(words, "archive"), ("kb-archive",)))
    for year, month in sorted(taxonomy.months, reverse=True):
        pages.append(
            GeneratedPage(
                month_pagename(config.archive_path, year, month),
                month_title(words, year, month),
                (f"kb-archive-{year:04d}-{month:02d}",),
            )
        )
    for series in sorted(taxonomy.series.series.values(), key=lambda s: s.key):
        pages.append(GeneratedPage(series.pagename, series.name, (f"kb-series-{series.slug}",)))
    for kind in glossary_kinds:
        spec = config.glossary_kinds[kind]
        pages.append(
            GeneratedPage(
                glossary_overview_pagename(config, kind),
                glossary_overview_title(words, kind, spec),
                (f"kb-{spec.get('folder', kind)}",),
            )
        )
    return PageTable(pages)
