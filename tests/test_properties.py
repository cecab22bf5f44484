"""Property tests: front matter, slugs and the glossary linker hold for any input.

The search tokenizer's property (a query's tokens are among the tokens of any
text containing it) lives in tests/test_search_tokenizer.py and is not repeated
here; the linker properties add to tests/test_glossary.py what it leaves out:
glossary names drawn at random (markup, combining marks, full width, names
inside names), text in any script, and trees with links, code and raw markup.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from typing import Any

import pytest
import yaml
from docutils import nodes
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sphinx import addnodes

from kb.core.articlemeta import KNOWN_KEYS, MAX_NAMES, article_meta
from kb.core.dates import zone_named
from kb.core.frontmatter import read_front_matter
from kb.core.glossarytable import Declared, GlossaryTable, fold_chars
from kb.core.names import MAX_SLUG_BYTES, MAX_SLUG_LENGTH, is_safe_slug, name_key, slugify
from kb.core.records import Article
from kb.core.settings import KbConfig
from kb.core.taxonomy import Taxonomy
from kb.core.taxonomyfile import Overrides
from kb.sphinx.linking import link_mentions
from kbtesting import leftmost_longest

TOKYO = zone_named("Asia/Tokyo")
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any character a YAML file can hold (no lone surrogates), with the awkward
# ones made likely: controls, bidi and zero-width marks, width variants.
unicode_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
awkward_text = st.lists(
    st.one_of(
        st.sampled_from(list("\t\n\r\x00\x07\x1b\x7f\u200b\u202e\ufeff\u3000 :-#&*!|>'\"%@`{},?")),
        st.sampled_from(["ＡＩ", "ai", "AI", "データ", "ﾃﾞｰﾀ", "𠮷", "İ", "ß", "ǰ", "e\u0301", "ﬁ"]),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=12,
).map("".join)
texts = st.one_of(unicode_text, awkward_text)


# --- front matter ------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    texts,
    st.dates(),
    st.datetimes(),
    st.binary(max_size=8),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(texts, st.integers()), children, max_size=4),
    ),
    max_leaves=12,
)
keys = st.one_of(st.sampled_from(sorted(KNOWN_KEYS)), texts, st.integers(), st.booleans())
mappings = st.dictionaries(keys, values, max_size=8)


def _document(mapping: dict[Any, Any], body: str = "本文。\n") -> tuple[str, int]:
    """Front matter dumped as YAML and a body; the 1-based line of the closing fence."""
    dumped = yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False)
    closing = 2 + dumped.count("\n")
    return f"---\n{dumped}---\n\n{body}", closing


@pytest.mark.slow
@SETTINGS
@given(mappings)
@example({"title": [1], "date": {"a": 1}, "tags": 5, "author": {"x": 1}})
@example({"tags": [[[[]]]], "reading_time": float("nan"), "draft": "maybe"})
@example({"date": "2025-02-30", "updated": "0000-01-01", 1: 2, None: True})
@example({"author": {"\x85\x85": None}, "autolink": None})  # YAML breaks lines at U+0085
def test_any_mapping_normalises_without_raising(mapping: dict[Any, Any]) -> None:
    text, closing = _document(mapping)
    raw = read_front_matter(text)
    meta = article_meta(raw, TOKYO)
    assert raw.start_line == 1
    for problem in meta.problems:
        assert problem.line is not None and 1 <= problem.line <= closing, problem
        if problem.key is not None and problem.key in raw.lines:
            assert problem.line == raw.lines[problem.key], problem
        assert "\n" not in problem.message, problem
        assert len(problem.message) < 1000, problem
    assert isinstance(meta.title, str)
    assert meta.date is None or meta.date.tzinfo is not None
    for names in (meta.tags, meta.categories, meta.authors):
        assert all(isinstance(name, str) and name for name in names)
        assert len(names) == len(set(names)) <= MAX_NAMES
    assert meta.reading_time is None or meta.reading_time > 0


#: Characters a name never holds (issue 12), written out here rather than
#: imported: controls (tab and line breaks read as spaces), direction marks,
#: zero-width characters, the byte order mark.
_CONTROLS = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0x85),
                           *range(0x86, 0xA0)])
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x034F, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F),
     *range(0x2060, 0x2065), *range(0x2066, 0x206A), 0xFEFF, 0xFFFE, 0xFFFF]
)


def _as_read(name: str) -> str:
    """A name as kb reads it: no controls, no invisible characters, spaces collapsed."""
    text = name.translate({0x09: " ", 0x0A: " ", 0x0D: " ", 0x85: " "})
    return " ".join(text.translate(_CONTROLS).translate(_INVISIBLE).split())


def _folded(name: str) -> str:
    """The README's rule for one name, written out here rather than imported: NFKC,
    Latin letters case-folded, runs of white space as one space."""
    text = unicodedata.normalize("NFKC", _as_read(name))
    text = "".join(
        c.casefold() if c.isascii() or unicodedata.name(c, "").startswith("LATIN") else c
        for c in text
    )
    return " ".join(text.split())


@SETTINGS
@given(st.lists(texts, max_size=8), texts)
def test_tags_keep_every_name_written_once(tags: list[str], title: str) -> None:
    mapping = {"title": title, "date": "2025-11-07", "tags": tags}
    text, _ = _document(mapping)
    meta = article_meta(read_front_matter(text), TOKYO)
    # What the YAML holds: PyYAML's dumper writes some characters (U+0085)
    # that its loader reads back as line breaks.
    held = yaml.safe_load(yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False))
    tags, title = held["tags"], held["title"]
    expected: list[str] = []
    keys: set[str] = set()
    for tag in tags:
        key = _folded(tag)
        if key and key not in keys:
            keys.add(key)
            expected.append(_as_read(tag))
    assert meta.tags == expected
    # A title keeps zero-width joiners (emoji need them) but never a control.
    title_read = title.translate({0x09: " ", 0x0A: " ", 0x0D: " ", 0x85: " "}).translate(_CONTROLS)
    for mark in "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\ufffe\uffff":
        title_read = title_read.replace(mark, "")
    assert meta.title == title_read.strip()
    assert (meta.title == "") == any(p.key == "title" for p in meta.problems)


@SETTINGS
@given(mappings)
def test_bom_and_line_ends_change_nothing(mapping: dict[Any, Any]) -> None:
    text, _ = _document(mapping)
    plain = article_meta(read_front_matter(text), TOKYO)
    for variant in ("\ufeff" + text, text.replace("\n", "\r\n")):
        other = article_meta(read_front_matter(variant), TOKYO)
        assert [(p.message, p.line) for p in other.problems] == [
            (p.message, p.line) for p in plain.problems
        ]
        assert (other.title, other.tags, other.date) == (plain.title, plain.tags, plain.date)


@SETTINGS
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_any_text_reads_without_raising(text: str) -> None:
    """Not only YAML a dumper writes: whatever sits between the fences."""
    for document in (text, f"---\n{text}\n---\n本文\n"):
        raw = read_front_matter(document)
        meta = article_meta(raw, TOKYO)
        lines = document.count("\n") + 1
        assert all(p.line is None or 1 <= p.line <= lines for p in meta.problems)


# --- slugs ---------------------------------------------------------------------------

WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)


def _safe(slug: str) -> bool:
    return (
        bool(slug)
        and len(slug) <= MAX_SLUG_LENGTH
        and len(slug.encode("utf-8")) <= MAX_SLUG_BYTES
        and all(
            c in "-_"
            or unicodedata.category(c)[0] in "LN"
            or unicodedata.category(c) in ("Mn", "Mc")
            for c in slug
        )
        and slug.lower() not in WINDOWS_RESERVED
        and not slug.startswith(("-", "_"))
        and not slug.endswith(("-", "_"))
    )


names = st.one_of(
    texts,
    st.text(st.sampled_from("𠮷長aA-_.+#&@ /\\"), min_size=60, max_size=300),
    st.sampled_from(
        [
            "../../etc/passwd",
            "/abs",
            "C++",
            "C#",
            "CON",
            "nul",
            "COM¹",
            "？？？",
            "🎉",
            "\u200b",
            "%2e%2e%2f",
            "עברית",
            "العربية",
            "..",
            "index",
        ]
    ),
)


@settings(max_examples=500, deadline=None)
@given(names)
@example("ǰ" * 80)
@example("İ" * 50)
@example("a" * 71 + "\u0301" * 20)
def test_slugify_is_safe_and_idempotent(name: str) -> None:
    slug = slugify(name)
    assert _safe(slug), (name, slug)
    for bad in ("/", "\\", "..", "%", ":", "<", ">", '"', "|", "?", "*"):
        assert bad not in slug
    assert slugify(slug) == slug
    assert is_safe_slug(slug)
    if name_key(name):  # names that fold to nothing are no tag at all
        assert slugify(name_key(name)) == slug  # a name and its fold key share a page


def _taxonomy(tag_lists: list[list[str]]) -> Taxonomy:
    when = dt.datetime(2025, 11, 7, tzinfo=dt.timezone.utc)
    articles = [
        Article(
            docname=f"articles/a{i}",
            title=f"a{i}",
            date=when - dt.timedelta(hours=i),
            tags=tuple(tags),
            categories=tuple(tags),
            authors=tuple(tags),
        )
        for i, tags in enumerate(tag_lists)
    ]
    listed = sorted(articles, key=lambda a: a.sort_key)
    return Taxonomy.build(KbConfig(), listed, {}, Overrides())


@SETTINGS
@given(st.lists(st.lists(names, max_size=4), min_size=1, max_size=6))
@example([["C", "C++", "C#", "c", "Ｃ"], ["a b", "a.b", "a-b"], ["index", "Index", "CON"]])
@example([["x" * 200, "x" * 200 + "y"], ["?", "!", "🎉"]])
def test_every_name_gets_its_own_page_or_a_reported_collision(tag_lists: list[list[str]]) -> None:
    taxonomy = _taxonomy(tag_lists)
    for kind in ("tag", "category", "author"):
        terms = taxonomy.terms[kind]
        keys = {name_key(name) for tags in tag_lists for name in tags} - {""}
        assert set(terms) == keys
        slugs = [term.slug for term in terms.values()]
        assert len(set(slugs)) == len(slugs), slugs
        for term in terms.values():
            assert "/" not in term.slug and ".." not in term.slug
            assert len(term.slug.encode("utf-8")) <= MAX_SLUG_BYTES + 4
            assert term.slug not in ("index", "genindex", "search", "feed")
            assert term.pagename == f"{term.base_path}/{term.slug}"
        # Names whose natural slugs coincide are reported, with their distinct slugs.
        by_slug: dict[str, set[str]] = defaultdict(set)
        for key in keys:
            by_slug[slugify(key)].add(key)
        reported = {
            frozenset(name_key(name) for name in collision.names)
            for collision in taxonomy.collisions
            if collision.kind == kind
        }
        for slug, shared in by_slug.items():
            if len(shared) > 1:
                assert frozenset(shared) in reported, (slug, shared, reported)
        for collision in taxonomy.collisions:
            assert len(set(collision.slugs)) == len(collision.slugs) == len(collision.names)


# --- the glossary linker ----------------------------------------------------------------

# Names with what makes matching hard: markup characters, Latin next to
# Japanese, names inside names, case and width variants, combining marks.
NAME_PARTS = [
    "A",
    "a",
    "ＡＩ",
    "I",
    "<b>",
    "&amp;",
    "C++",
    "データ",
    "ー",
    "生成",
    "AI",
    "e\u0301",
    "É",
    "İ",
    "1",
    " ",
    "の",
    "'",
    '"',
]
glossary_names = (
    st.lists(st.sampled_from(NAME_PARTS), min_size=1, max_size=3)
    .map("".join)
    .filter(lambda name: bool(" ".join(name.split())))
)
tables = st.lists(
    st.tuples(glossary_names, st.lists(glossary_names, max_size=2)), min_size=1, max_size=5
).map(
    lambda entries: GlossaryTable(
        Declared(
            f"glossary/x/{i:02d}",
            "partner",
            " ".join(name.split()),
            tuple(" ".join(a.split()) for a in aliases),
            "",
        )
        for i, (name, aliases) in enumerate(entries)
    )
)
link_texts = st.one_of(
    st.lists(st.sampled_from([*NAME_PARTS, "x", "。", "\n", "B", "ｂ"]), max_size=14).map("".join),
    unicode_text,
)


@SETTINGS
@given(tables, link_texts)
def test_linker_finds_leftmost_longest_for_any_names(table: GlossaryTable, text: str) -> None:
    linker = table.linker
    assert len(fold_chars(text)) == len(text)
    found = [(m.start, m.end, m.docname) for m in linker.find(text)]
    assert found == leftmost_longest(linker, text)
    for mention in linker.find(text):
        # The target resolves to the entry that was found, through the domain's look-up.
        assert table.find(mention.target) == mention.docname


def _inline(kind: str, text: str) -> nodes.Node:
    if kind == "code":
        return nodes.literal(text, text)
    if kind == "strong":
        return nodes.strong(text, "", nodes.emphasis(text, text))
    if kind == "link":
        return nodes.reference(text, text, refuri="https://example.org/")
    if kind == "raw":
        return nodes.raw(text, text, format="html")
    if kind == "xref":
        xref = addnodes.pending_xref("", refdomain="std", reftype="ref", reftarget="x")
        xref += nodes.inline(text, text)
        return xref
    return nodes.Text(text)


KINDS = ["text", "code", "strong", "link", "raw", "xref"]
trees = st.lists(
    st.lists(st.tuples(st.sampled_from(KINDS), link_texts), max_size=4),
    min_size=1,
    max_size=3,
)
NO_LINKS_INSIDE = (
    nodes.reference,
    nodes.literal,
    nodes.literal_block,
    nodes.raw,
    addnodes.pending_xref,
    nodes.title,
)


def _document_tree(paragraphs: list[list[tuple[str, str]]], title: str) -> nodes.section:
    section = nodes.section()
    section += nodes.title(title, title)
    for parts in paragraphs:
        paragraph = nodes.paragraph()
        for kind, text in parts:
            paragraph += _inline(kind, text)
        section += paragraph
    section += nodes.literal_block(title, title)
    return section


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    found = []
    while node.parent is not None:
        node = node.parent
        found.append(node)
    return found


@SETTINGS
@given(tables, trees, link_texts, st.sampled_from(["first", "section", "all", "none"]))
def test_linking_any_tree_keeps_text_and_never_nests(
    table: GlossaryTable, paragraphs: list[list[tuple[str, str]]], title: str, mode: str
) -> None:
    section = _document_tree(paragraphs, title)
    before = section.astext()
    counts = link_mentions(section, table, mode)
    assert section.astext() == before
    mentions = [x for x in section.findall(addnodes.pending_xref) if x.get("reftype") == "mention"]
    for xref in mentions:
        assert not any(isinstance(a, NO_LINKS_INSIDE) for a in _ancestors(xref)), xref
        assert fold_chars(xref.astext()) in table.linker.words
        assert table.find(xref["reftarget"]) is not None
    if mode == "none":
        assert mentions == []
    # Every mention outside code, links and raw markup is counted, linked or not.
    countable = sum(
        len(table.linker.find(t))
        for parts in paragraphs
        for k, t in parts
        if k in ("text", "strong")
    )
    assert sum(counts.values()) == countable + len(table.linker.find(title))
    if mode == "all":
        # Nothing left to link: a second pass adds no link, nested or not.
        link_mentions(section, table, "all")
        again = [x for x in section.findall(addnodes.pending_xref) if x.get("reftype") == "mention"]
        assert len(again) == len(mentions)
        assert section.astext() == before


@SETTINGS
@given(tables)
def test_every_name_a_table_keeps_links_to_its_owner(table: GlossaryTable) -> None:
    for entry in table.declared:
        for text in table.owned[entry.docname]:
            found = table.linker.find(text)
            # The whole name is one mention, of the entry that owns it.
            assert [(m.start, m.end, m.docname) for m in found] == [(0, len(text), entry.docname)]
