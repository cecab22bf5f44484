"""What the search results can be narrowed by: the facets' files.

Each facet is one script, ``kb-search/f/<n>.js`` (n the facet's place in
:data:`FACETS`), calling ``KbSearch.facet(n, data)``:

* category, tag, author, entry (a glossary entry the article mentions):
  value -> the ids of the pages holding it, packed as the postings are
  (:mod:`kb.search.index`); the value is the name a reader sees;
* month (``2025-03``, in ``kb_timezone``): value -> ranges of ids
  ``[first, after]``. Ids follow the date, so a month is one range; a year is
  the union of its months, so it needs no file of its own.

The browser counts a value's results under a query by intersecting the
query's pages with the value's: exact, with no page read. Sorting by date
needs nothing more than the ids either.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kb.search.files import index_script
from kb.search.index import encode_sorted

#: The facets, in the order of their files (``f/0.js`` … ``f/4.js``).
FACETS = ("category", "tag", "author", "entry", "month")
FOLDER = "f"


@dataclass(frozen=True)
class PageFacets:
    """The values of one page, as a reader sees them."""

    category: tuple[str, ...] = ()
    tag: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    entry: tuple[str, ...] = ()
    #: ``YYYY-MM`` in the site's time zone; "" for a page without a date.
    month: str = ""


def facet_values(
    order: Sequence[str], pages: Mapping[str, PageFacets]
) -> dict[str, dict[str, list[int]]]:
    """facet -> value -> increasing page ids (the ids of ``order``)."""
    found: dict[str, dict[str, list[int]]] = {facet: {} for facet in FACETS}
    for page_id, docname in enumerate(order):
        facets = pages.get(docname)
        if facets is None:
            continue
        for facet in FACETS[:-1]:
            for value in dict.fromkeys(getattr(facets, facet)):
                found[facet].setdefault(value, []).append(page_id)
        if facets.month:
            found["month"].setdefault(facets.month, []).append(page_id)
    return found


def _ranges(ids: list[int]) -> list[list[int]]:
    ranges: list[list[int]] = []
    for page_id in ids:
        if ranges and ranges[-1][1] == page_id:
            ranges[-1][1] = page_id + 1
        else:
            ranges.append([page_id, page_id + 1])
    return ranges


def facet_files(order: Sequence[str], pages: Mapping[str, PageFacets]) -> dict[str, str]:
    """Path under the index's folder -> text of each facet's file."""
    files = {}
    for number, (facet, values) in enumerate(facet_values(order, pages).items()):
        data: dict[str, object] = {
            value: _ranges(ids) if facet == "month" else encode_sorted(ids)
            for value, ids in sorted(values.items())
        }
        files[f"{FOLDER}/{number}.js"] = index_script("facet", number, data)
    return files
