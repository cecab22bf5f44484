"""Tags, categories, authors and months, derived from plain article records.

Nothing here is stored or knows Sphinx: the domain rebuilds it from its
records when they change, so incremental and parallel builds cannot leave it
stale.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kb.core.names import name_key, slugify
from kb.core.records import Article
from kb.core.series import SeriesIndex
from kb.core.settings import KbConfig
from kb.core.taxonomyfile import SECTIONS as SECTIONS
from kb.core.taxonomyfile import Overrides

KINDS = ("tag", "category", "author")


def base_path(config: KbConfig, kind: str) -> str:
    """Output folder of the pages of ``kind`` (``kb_tags_path`` and friends)."""
    return {
        "tag": config.tags_path,
        "category": config.categories_path,
        "author": config.authors_path,
    }[kind]


_RESERVED_SLUGS = frozenset({"index", "genindex", "search", "feed"})


@dataclass
class Term:
    """One tag, category or author and the articles filed under it, newest first."""

    kind: str
    key: str
    name: str
    slug: str
    base_path: str
    description: str = ""
    articles: list[Article] = field(default_factory=list)

    @property
    def pagename(self) -> str:
        return f"{self.base_path}/{self.slug}"

    def page(self, number: int) -> str:
        return self.pagename if number == 1 else f"{self.pagename}/{number}"


@dataclass
class Collision:
    kind: str
    names: tuple[str, ...]
    slugs: tuple[str, ...]
    docname: str

    @property
    def message(self) -> str:
        """The ``kb.slug_collision`` warning, reported at :attr:`docname`."""
        pairs = ", ".join(
            f"{name!r} → {slug!r}" for name, slug in zip(self.names, self.slugs, strict=True)
        )
        names = " / ".join(repr(name) for name in self.names)
        return f"{self.kind} names {names} share one slug; each gets its own page: {pairs}"


def _names_of(article: Article, kind: str, extra_tags: Sequence[str]) -> tuple[str, ...]:
    if kind == "tag":
        return article.tags + tuple(tag for tag in extra_tags if tag not in article.tags)
    if kind == "category":
        return article.categories
    return article.authors


@dataclass
class Taxonomy:
    terms: dict[str, dict[str, Term]]
    months: dict[tuple[int, int], list[Article]]
    collisions: list[Collision]
    overrides: Overrides
    pages: set[str]
    series: SeriesIndex = field(default_factory=SeriesIndex)

    def badges_of(self, articles: Iterable[Article]) -> tuple[tuple[str, str, str], ...]:
        """Name and slug of every term the articles' badges show: the part of
        the taxonomy a list of these articles depends on."""
        found: set[tuple[str, str, str]] = set()
        for article in articles:
            for kind, names in (("category", article.categories), ("tag", article.tags)):
                for name in names:
                    term = self.term(kind, name)
                    if term is not None:
                        found.add((kind, term.name, term.slug))
        return tuple(sorted(found))

    @classmethod
    def build(
        cls,
        config: KbConfig,
        listed: list[Article],
        directive_tags: Mapping[str, Sequence[str]],
        overrides: Overrides,
    ) -> Taxonomy:
        """Terms and months of the ``listed`` articles (newest first)."""
        terms: dict[str, dict[str, Term]] = {}
        collisions: list[Collision] = []
        for kind in KINDS:
            gathered = _gather(listed, kind, directive_tags)
            terms[kind] = _kind_terms(
                config, kind, gathered, overrides.by_kind.get(kind, {}), collisions
            )
        months: dict[tuple[int, int], list[Article]] = defaultdict(list)
        for article in listed:
            if article.date is not None:
                local = article.date.astimezone(config.zone)
                months[(local.year, local.month)].append(article)
        series = SeriesIndex.build(listed, config.series_path)
        pages = _pages(config, terms, months) | series.pages
        return cls(terms, dict(months), collisions, overrides, pages, series)

    def term(self, kind: str, name: str) -> Term | None:
        return self.terms.get(kind, {}).get(name_key(name))

    def sorted_terms(self, kind: str, by: str = "name") -> list[Term]:
        items = list(self.terms.get(kind, {}).values())
        if by == "count":
            return sorted(items, key=lambda t: (-len(t.articles), t.key))
        return sorted(items, key=lambda t: t.key)


@dataclass
class _Gathered:
    """The names of one kind over the listed articles, by name key."""

    spellings: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    members: dict[str, list[Article]] = field(default_factory=lambda: defaultdict(list))
    first_doc: dict[str, str] = field(default_factory=dict)


def _gather(
    listed: list[Article], kind: str, directive_tags: Mapping[str, Sequence[str]]
) -> _Gathered:
    gathered = _Gathered()
    for article in listed:
        seen: set[str] = set()
        for name in _names_of(article, kind, directive_tags.get(article.docname, ())):
            key = name_key(name)
            if not key or key in seen:
                continue
            seen.add(key)
            gathered.spellings[key][name] += 1
            gathered.members[key].append(article)
            gathered.first_doc.setdefault(key, article.docname)
    return gathered


def _kind_terms(
    config: KbConfig,
    kind: str,
    gathered: _Gathered,
    kind_overrides: Mapping[str, Mapping[str, str]],
    collisions: list[Collision],
) -> dict[str, Term]:
    """The terms of ``kind``, each with its slug: names whose slugs collide are
    numbered (``ai``, ``ai-2``) and the collision is noted."""
    by_slug: dict[str, list[str]] = defaultdict(list)
    for key in sorted(gathered.members):
        wanted = kind_overrides.get(key, {}).get("slug") or slugify(key)
        by_slug[wanted].append(key)
    kind_terms: dict[str, Term] = {}
    taken = set(by_slug) | _RESERVED_SLUGS
    for slug, keys in sorted(by_slug.items()):
        if slug in _RESERVED_SLUGS:
            keys = ["", *keys]
        assigned: list[str] = []
        for position, key in enumerate(keys):
            if not key:
                continue
            final = slug
            if position:
                number = position + 1
                while f"{slug}-{number}" in taken:
                    number += 1
                final = f"{slug}-{number}"
                taken.add(final)
            assigned.append(final)
            kind_terms[key] = _term(config, kind, key, final, gathered, kind_overrides)
        real_keys = [k for k in keys if k]
        if len(real_keys) > 1:
            names = tuple(kind_terms[k].name for k in real_keys)
            first = gathered.first_doc[real_keys[1]]
            collisions.append(Collision(kind, names, tuple(assigned), first))
    return kind_terms


def _term(
    config: KbConfig,
    kind: str,
    key: str,
    slug: str,
    gathered: _Gathered,
    kind_overrides: Mapping[str, Mapping[str, str]],
) -> Term:
    """The term of ``key``, named by the taxonomy file or its most used spelling."""
    spec = kind_overrides.get(key, {})
    spellings = gathered.spellings[key]
    name = spec.get("name") or min(spellings.items(), key=lambda item: (-item[1], item[0]))[0]
    return Term(
        kind=kind,
        key=key,
        name=name,
        slug=slug,
        base_path=base_path(config, kind),
        description=spec.get("description", ""),
        articles=gathered.members[key],
    )


def _pages(
    config: KbConfig,
    terms: Mapping[str, Mapping[str, Term]],
    months: Mapping[tuple[int, int], list[Article]],
) -> set[str]:
    """The generated pages of the terms and months; they exist only where they
    have content (no empty overview)."""
    pages: set[str] = set()
    for kind, kind_terms in terms.items():
        if kind_terms:
            pages.add(f"{base_path(config, kind)}/index")
        for term in kind_terms.values():
            for number in range(1, page_count(len(term.articles), config.page_size) + 1):
                pages.add(term.page(number))
    if months:
        pages.add(f"{config.archive_path}/index")
    for year, month in months:
        pages.add(month_pagename(config.archive_path, year, month))
    return pages


def month_pagename(archive_path: str, year: int, month: int) -> str:
    return f"{archive_path}/{year:04d}/{month:02d}"


def page_count(items: int, page_size: int) -> int:
    return max(1, -(-items // max(1, page_size)))


def term_links(taxonomy: Taxonomy, article: Article, kind: str) -> list[tuple[str, str | None]]:
    """(merged display name, page name) of each of an article's tags, categories or
    authors. Names of a draft or undated article, which no term lists, keep their
    spelling and have no page."""
    links: list[tuple[str, str | None]] = []
    for name in article.names(kind):
        term = taxonomy.term(kind, name)
        links.append((term.name, term.pagename) if term is not None else (name, None))
    return links


def display_names(taxonomy: Taxonomy, article: Article, kind: str) -> tuple[str, ...]:
    """The merged display names of an article's tags, categories or authors."""
    return tuple(name for name, _ in term_links(taxonomy, article, kind))
