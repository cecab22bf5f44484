"""Series: articles that share ``series:``, in their order (no Sphinx here).

A part's place is its ``series_order``, else its date: parts with an order
come first, by order; parts without one follow, oldest first. Parts may sit
in any month folder. Names compare as tags do (:func:`kb.core.names.name_key`: ``AI投資``
and ``ＡＩ投資`` are one series), and the series is shown by the spelling most
parts use. A gap or a repeat in the orders, or a part without an order among
parts that have one, is a problem reported at the part's ``series_order`` (or
``series``) line; the parts are still numbered 1, 2, 3 … in the order above.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kb.core.names import name_key, slugify
from kb.core.records import Article

#: Slugs a series page may not take: the folder's own index.
_RESERVED = frozenset({"index"})


@dataclass
class Series:
    """One series and its parts, in reading order."""

    key: str
    name: str
    slug: str
    base_path: str
    parts: list[Article] = field(default_factory=list)

    @property
    def pagename(self) -> str:
        return f"{self.base_path}/{self.slug}"

    def number(self, docname: str) -> int:
        """The 1-based place of the part ``docname``."""
        for number, part in enumerate(self.parts, start=1):
            if part.docname == docname:
                return number
        raise KeyError(docname)


@dataclass(frozen=True)
class SeriesProblem:
    """A problem with a part's place, reported at the line of its ``key``."""

    docname: str
    key: str
    message: str


_NEVER = dt.datetime.max.replace(tzinfo=dt.timezone.utc)


def _place(article: Article) -> tuple[bool, int, dt.datetime, str]:
    return (
        article.series_order is None,
        article.series_order or 0,
        article.date or _NEVER,
        article.docname,
    )


def _ranges(numbers: Iterable[int]) -> str:
    """``1, 3-5`` for 1, 3, 4, 5."""
    spans: list[list[int]] = []
    for number in sorted(set(numbers)):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def _problems(series: Series) -> list[SeriesProblem]:
    problems: list[SeriesProblem] = []
    ordered = [part for part in series.parts if part.series_order is not None]
    if not ordered:
        return problems
    given = [part.series_order for part in ordered if part.series_order is not None]
    seen: dict[int, Article] = {}
    for part in ordered:
        order = part.series_order
        assert order is not None
        if order in seen:
            problems.append(
                SeriesProblem(
                    part.docname,
                    "series_order",
                    f"series {series.name!r}: series_order {order} is also that of "
                    f"{seen[order].docname}; this part is placed after it, as part "
                    f"{series.number(part.docname)}",
                )
            )
        seen.setdefault(order, part)
    missing = sorted(set(range(1, max(given) + 1)) - set(given))
    if missing:
        after = next(part for part in ordered if (part.series_order or 0) > missing[0])
        problems.append(
            SeriesProblem(
                after.docname,
                "series_order",
                f"series {series.name!r}: no part has series_order {_ranges(missing)} "
                f"(the parts have {_ranges(given)}); the parts are numbered 1 to "
                f"{len(series.parts)} in this order",
            )
        )
    for part in series.parts[len(ordered) :]:
        problems.append(
            SeriesProblem(
                part.docname,
                "series",
                f"series {series.name!r}: this part has no series_order while others have "
                f"one; it is placed after them by its date, as part "
                f"{series.number(part.docname)}",
            )
        )
    return problems


@dataclass
class SeriesIndex:
    """Every series of the listed articles, and each part's series."""

    series: dict[str, Series] = field(default_factory=dict)
    #: docname of a part -> its series.
    of: dict[str, Series] = field(default_factory=dict)
    problems: list[SeriesProblem] = field(default_factory=list)

    @classmethod
    def build(cls, listed: Iterable[Article], base_path: str) -> SeriesIndex:
        members: dict[str, list[Article]] = defaultdict(list)
        spellings: dict[str, Counter[str]] = defaultdict(Counter)
        for article in listed:
            key = name_key(article.series)
            if key:
                members[key].append(article)
                spellings[key][article.series] += 1
        index = cls()
        taken = set(_RESERVED)
        for key in sorted(members):
            slug = base = slugify(key)
            number = 2
            while slug in taken:
                slug, number = f"{base}-{number}", number + 1
            taken.add(slug)
            parts = sorted(members[key], key=_place)
            # The spelling most parts use; between equals, the first part's.
            first: dict[str, int] = {}
            for place, part in enumerate(parts):
                first.setdefault(part.series, place)
            counts = spellings[key]
            name = min(counts, key=lambda spelling: (-counts[spelling], first[spelling]))
            series = Series(key, name, slug, base_path, parts)
            index.series[key] = series
            index.of.update((part.docname, series) for part in parts)
            index.problems += _problems(series)
        return index

    def find(self, name: str) -> Series | None:
        return self.series.get(name_key(name))

    @property
    def pages(self) -> set[str]:
        return {series.pagename for series in self.series.values()}
