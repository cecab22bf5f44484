"""Where generated pages live and what links to them resolve to (no Sphinx here).

A link to a generated page is written as a target such as ``tag:AI``,
``index:tag``, ``month:2025-11`` or a ``{ref}`` label such as ``kb-tag-ai``;
these functions turn it into the page name, which the builder then turns
into a URL relative to the page being written. The titles of generated pages
are written here too, once, in the words of the build's language
(:class:`kb.core.wording.Wording`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from kb.core.frontmatter import RawFrontMatter
from kb.core.records import Article
from kb.core.settings import KbConfig
from kb.core.taxonomy import KINDS, SECTIONS, Taxonomy, Term, base_path, month_pagename
from kb.core.wording import Wording

#: Prefix of a linker target that is a file kb writes (a feed), not a page.
FILE_TARGET = "@file:"


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


def overview_title(words: Wording, kind: str) -> str:
    """Title of the overview of tags, categories or authors, or of the archive."""
    if kind == "tag":
        return words.gettext("All tags")
    if kind == "category":
        return words.gettext("All categories")
    if kind == "author":
        return words.gettext("All authors")
    return words.gettext("Archive")


def term_title(words: Wording, term: Term, number: int = 1) -> str:
    """Title of a tag, category or author page (``number``: its page of a long list)."""
    if term.kind == "tag":
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


@dataclass(frozen=True)
class TagTitles:
    """The titles a sphinx-tags project set (``tags_overview_title``,
    ``tags_page_title``, ``tags_page_header``, ``tags_index_head``); "" keeps kb's."""

    overview: str = ""
    page: str = ""
    page_header: str = ""
    index_head: str = ""


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


def label_target(
    config: KbConfig,
    taxonomy: Taxonomy,
    generated_glossary_kinds: Iterable[str],
    label: str,
    words: Wording,
) -> tuple[str, str] | None:
    """Resolve ``{ref}`` labels such as ``kb-tag-ai``, ``kb-tags``,
    ``kb-archive-2025-11`` or ``kb-series-<slug>`` to generated pages."""
    if not label.startswith("kb-"):
        return None
    for kind in KINDS:
        prefix = f"kb-{kind}-"
        if label.startswith(prefix):
            slug = label[len(prefix) :]
            for term in taxonomy.terms.get(kind, {}).values():
                if term.slug == slug:
                    return term.pagename, term_title(words, term)
            return None
        if label == f"kb-{SECTIONS[kind]}" and taxonomy.terms.get(kind):
            return overview_pagename(config, kind), overview_title(words, kind)
    if label == "kb-archive" and taxonomy.months:
        return overview_pagename(config, "archive"), overview_title(words, "archive")
    if label.startswith("kb-archive-"):
        year, _, month = label[len("kb-archive-") :].partition("-")
        if year.isdigit() and month.isdigit() and (int(year), int(month)) in taxonomy.months:
            return (
                month_pagename(config.archive_path, int(year), int(month)),
                month_title(words, int(year), int(month)),
            )
        return None
    if label.startswith("kb-series-"):
        slug = label[len("kb-series-") :]
        for series in taxonomy.series.series.values():
            if series.slug == slug:
                return series.pagename, series.name
    for kind in generated_glossary_kinds:
        spec = config.glossary_kinds[kind]
        if label == f"kb-{spec.get('folder', kind)}":
            return (
                glossary_overview_pagename(config, kind),
                glossary_overview_title(words, kind, spec),
            )
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
