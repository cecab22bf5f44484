"""Where generated pages live and what links to them resolve to (no Sphinx here).

A link to a generated page is written as a target such as ``tag:AI``,
``index:tag``, ``month:2025-11`` or a ``{ref}`` label such as ``kb-tag-ai``;
these functions turn it into the page name, which the builder then turns
into a URL relative to the page being written.
"""

from __future__ import annotations

from collections.abc import Iterable

from kb.settings import KbConfig
from kb.taxonomy import KIND_TITLES, KINDS, SECTIONS, Taxonomy, Term, base_path, month_pagename

#: Prefix of a linker target that is a file kb writes (a feed), not a page.
FILE_TARGET = "@file:"


def is_article(docname: str, config: KbConfig) -> bool:
    return docname.startswith(config.articles_dir.strip("/") + "/")


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


def overview_title(kind: str) -> str:
    return "アーカイブ" if kind == "archive" else f"{KIND_TITLES[kind]}一覧"


def glossary_overview_pagename(config: KbConfig, kind: str) -> str:
    folder = config.glossary_kinds[kind].get("folder", kind)
    return f"{config.glossary_dir.strip('/')}/{folder}/index"


def month_title(year: int, month: int) -> str:
    return f"{year}年{month}月"


def feed_path(config: KbConfig, term: Term | None = None) -> str:
    """Output path of the site feed, or of a tag's or category's feed."""
    if term is None:
        return f"{config.feeds_path}/atom.xml"
    return f"{config.feeds_path}/{SECTIONS[term.kind]}/{term.slug}.xml"


def file_target(path: str) -> str:
    """A linker target for a file in the output folder."""
    return FILE_TARGET + path


def page_target(config: KbConfig, taxonomy: Taxonomy, target: str) -> tuple[str, str] | None:
    """``tag:AI`` -> (page name, title); None when the page does not exist."""
    kind, _, name = target.partition(":")
    if kind in KIND_TITLES:
        term = taxonomy.term(kind, name)
        return (term.pagename, term.name) if term else None
    if kind == "index" and (name in KIND_TITLES or name == "archive"):
        return overview_pagename(config, name), overview_title(name)
    if kind == "month":
        year, _, month = name.partition("-")
        if year.isdigit() and month.isdigit() and (int(year), int(month)) in taxonomy.months:
            return (
                month_pagename(config.archive_path, int(year), int(month)),
                month_title(int(year), int(month)),
            )
        return None
    if kind == "page" and name in taxonomy.pages:
        return name, name
    return None


def label_target(
    config: KbConfig, taxonomy: Taxonomy, generated_glossary_kinds: Iterable[str], label: str
) -> tuple[str, str] | None:
    """Resolve ``{ref}`` labels such as ``kb-tag-ai``, ``kb-tags`` or
    ``kb-archive-2025-11`` to generated pages."""
    if not label.startswith("kb-"):
        return None
    for kind in KINDS:
        prefix = f"kb-{kind}-"
        if label.startswith(prefix):
            slug = label[len(prefix) :]
            for term in taxonomy.terms.get(kind, {}).values():
                if term.slug == slug:
                    return term.pagename, f"{KIND_TITLES[kind]}: {term.name}"
            return None
        if label == f"kb-{SECTIONS[kind]}":
            return overview_pagename(config, kind), overview_title(kind)
    if label == "kb-archive":
        return overview_pagename(config, "archive"), overview_title("archive")
    if label.startswith("kb-archive-"):
        year, _, month = label[len("kb-archive-") :].partition("-")
        if year.isdigit() and month.isdigit() and (int(year), int(month)) in taxonomy.months:
            return (
                month_pagename(config.archive_path, int(year), int(month)),
                f"{month_title(int(year), int(month))}の記事",
            )
        return None
    for kind in generated_glossary_kinds:
        spec = config.glossary_kinds[kind]
        if label == f"kb-{spec.get('folder', kind)}":
            return glossary_overview_pagename(config, kind), f"{spec.get('title', kind)}一覧"
    return None


def sections(config: KbConfig) -> list[tuple[str, str]]:
    """The sidebar's sections: generated overviews and the glossary kinds."""
    items = [(overview_pagename(config, "archive"), overview_title("archive"))]
    items += [(overview_pagename(config, kind), KIND_TITLES[kind]) for kind in ("category", "tag", "author")]
    for kind, spec in config.glossary_kinds.items():
        items.append((glossary_overview_pagename(config, kind), spec.get("title", kind)))
    return items
