"""The search's facet files of a generated corpus, without a Sphinx build.

At N=20,000 a full build costs most of an hour of CPU; the search's bytes need only
its files. ``benchmarks/search_bench.py`` writes the index from the generated text;
this writes the facets' files (``kb-search/f/<n>.js``) the same way, from what the
build reads:

* categories, tags and authors: each article's front matter read by kb's own
  readers (:func:`kb.core.frontmatter.read_front_matter`, :func:`kb.core.articlemeta.article_meta`)
  and shown with the display names of the corpus's taxonomy
  (:class:`kb.core.taxonomy.Taxonomy`, with the corpus's ``_data/taxonomy.yaml``);
* month: the article's date in ``kb_timezone`` (Asia/Tokyo, the corpus's setting);
* glossary entries: the names kb's linker (:class:`kb.core.glossarytable.MentionLinker`)
  finds in the article's text, one text node at a time as the build walks it
  (title, headings, list items and paragraphs, split where bold starts or ends).

:func:`compare` checks the result against a real build's files (``readers_bench``
does at N=2,000, where it has one): the N=20,000 figures stand on that.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from benchmarks.generate import DEFAULT_SEED, glossary_names, make_article, tag_pool
from kb.cli.suggest import read_glossary
from kb.core.articlemeta import article_meta
from kb.core.frontmatter import read_front_matter
from kb.core.glossarytable import MentionLinker
from kb.core.records import Article
from kb.core.settings import KbConfig
from kb.core.taxonomy import Taxonomy, display_names
from kb.core.taxonomyfile import load_overrides
from kb.search.facets import FACETS, FOLDER, PageFacets, facet_files, facet_values
from kb.search.files import FolderFiles
from kb.search.index import decode

HERE = Path(__file__).resolve().parent
DOCS = HERE.parent / "docs"

# What the build reads as one text node: a line of the body without its block
# markup, cut where ** (bold) starts or ends.
_BLOCK_MARK = re.compile(r"^(?:#+ |- |\d+\. )")


def text_nodes(body: str) -> Iterable[str]:
    for line in body.splitlines():
        line = _BLOCK_MARK.sub("", line.strip())
        if line:
            yield from (piece for piece in line.split("**") if piece)


def mentioned(linker: MentionLinker, title: str, body: str) -> set[str]:
    """Docnames of the entries the article's text names."""
    found = {mention.docname for mention in linker.find(title)}
    for node in text_nodes(body):
        found.update(mention.docname for mention in linker.find(node))
    return found


def corpus_facets(
    n: int, seed: int = DEFAULT_SEED, glossary: Path = DOCS / "glossary"
) -> dict[str, PageFacets]:
    """Docname -> facets of each article of the ``kb`` flavour of ``benchmarks.generate``
    with N articles."""
    config = KbConfig()
    table = read_glossary(glossary, config.glossary_kinds)
    entry_names = {declared.docname: declared.name for declared in table.declared}
    linker = table.linker
    entries, tags = glossary_names(glossary), tag_pool()
    articles: list[Article] = []
    mentions: dict[str, set[str]] = {}
    for number in range(n):
        generated = make_article(seed, number, entries, tags)
        docname = generated.path.removesuffix(".md")
        raw = read_front_matter(generated.text)
        meta = article_meta(raw, config.zone)
        articles.append(meta.record(docname, meta.title, 1))
        mentions[docname] = mentioned(linker, meta.title, raw.body)
    listed = sorted((a for a in articles if a.listed), key=lambda a: a.sort_key)
    overrides = load_overrides(str(DOCS / config.taxonomy_file))
    taxonomy = Taxonomy.build(config, listed, {}, overrides)
    pages = {}
    for article in articles:
        assert article.date is not None
        local = article.date.astimezone(config.zone)
        pages[article.docname] = PageFacets(
            category=display_names(taxonomy, article, "category"),
            tag=display_names(taxonomy, article, "tag"),
            author=display_names(taxonomy, article, "author"),
            entry=tuple(sorted(entry_names[doc] for doc in mentions[article.docname])),
            month=local.strftime("%Y-%m"),
        )
    return pages


def _values(text: str) -> dict[str, object]:
    return json.loads(text[text.index(",") + 1 : text.rindex(")")])


def compare(
    pages: dict[str, PageFacets], site: Path, names: dict[int, str]
) -> dict[str, dict[str, int]]:
    """Each facet's values as generated against those of a built site (``names``: page
    id -> docname of its index): values found in one only, and values whose pages differ."""
    generated = facet_values(sorted(pages), pages)
    report = {}
    for number, facet in enumerate(FACETS):
        built = _values((site / "kb-search" / FOLDER / f"{number}.js").read_text(encoding="utf-8"))
        mine = {value: {sorted(pages)[i] for i in ids} for value, ids in generated[facet].items()}
        theirs: dict[str, set[str]] = {}
        for value, packed in built.items():
            if facet == "month":
                ids = [i for first, after in packed for i in range(first, after)]
            else:
                ids = decode(packed)
            theirs[value] = {names[i] for i in ids if names[i] in pages}
        report[facet] = {
            "values": len(theirs),
            "only_generated": len(mine.keys() - theirs.keys()),
            "only_built": len(theirs.keys() - mine.keys()),
            "pages_differ": sum(mine[v] != theirs[v] for v in mine.keys() & theirs.keys()),
        }
    return report


def write_facets(site: Path, order: list[str], pages: dict[str, PageFacets]) -> None:
    """The facets' files into ``site/kb-search/``, ids as in ``order`` (the index's)."""
    files = FolderFiles(site)
    for relative, text in facet_files(order, pages).items():
        files.write(relative, text)
