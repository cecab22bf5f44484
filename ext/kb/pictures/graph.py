"""The relationship map of the glossary, as plain data ready for a template (no Sphinx here).

Two entries are linked when articles mention both; the weight of the link is
the number of such articles. The map lays out every mentioned entry with
networkx's force-directed layout (a fixed seed, coordinates rounded to 0.1 px,
nodes and edges added in sorted order), so the same mentions give the same
picture byte for byte. What a reader cannot use is left out, and the limits
are stated here and in the picture's text alternative:

- each entry keeps its :data:`EDGES_PER_ENTRY` strongest links, and the map
  draws at most :data:`MAX_EDGES` links, strongest first;
- the map shows at most :data:`MAX_NODES` entries, the most mentioned;
- labels never overlap each other or a node: when one finds no free place
  around its node, the whole layout is spread further apart and placed again.

An entry's neighbourhood is the entry in the middle, its
:data:`NEIGHBOURS` strongest neighbours on a ring around it, and the links
among them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kb.core.names import name_key
from kb.pictures.placement import (
    Label,
    Spot,
    layout,
    place_labels,
    rounded,
    separate,
)

#: Links each entry keeps on the map (its strongest; ties go to the name first in order).
EDGES_PER_ENTRY = 3
#: Links drawn on the whole map at most, strongest first.
MAX_EDGES = 450
#: Entries on the map at most, most mentioned first; networkx's dense layout
#: (numpy only, no scipy) is used below 500 nodes.
MAX_NODES = 400
#: Neighbours around an entry on its own page.
NEIGHBOURS = 8
_MARGIN = 12.0
#: Pixels per node along each side of the map before spreading: readable at
#: the seed's 30 entries in Furo's content column, scrolled sideways at 300.
_SPACING = 92.0
_MIN_SIZE = 420.0
_RING_SIZE = 300.0
_SPREAD = 1.18
_SPREAD_STEPS = 8


@dataclass(frozen=True)
class GraphEntry:
    """A glossary entry as the map needs it."""

    docname: str
    kind: str
    name: str


@dataclass(frozen=True)
class ArticleMentions:
    """The entries one listed article mentions, and its month (``YYYY-MM``, or empty)."""

    docname: str
    month: str
    entries: frozenset[str]


@dataclass(frozen=True)
class Node:
    docname: str
    name: str
    kind: str
    #: Listed articles mentioning the entry.
    articles: int
    x: float
    y: float
    r: float
    label: Label | None
    center: bool = False

    @property
    def square(self) -> tuple[float, float, float]:
        """(x, y, side) of a square of about the circle's area, for the square shape."""
        half = self.r * 0.89
        return (rounded(self.x - half), rounded(self.y - half), rounded(2 * half))


@dataclass(frozen=True)
class EdgeGroup:
    """Every drawn link of one stroke width, as one SVG path (small and fast to draw)."""

    width: float
    path: str
    count: int


@dataclass(frozen=True)
class Neighbour:
    docname: str
    name: str
    weight: int


@dataclass(frozen=True)
class Row:
    """One line of the text alternative: an entry and the links drawn from it."""

    docname: str
    name: str
    kind: str
    articles: int
    neighbours: tuple[Neighbour, ...]


@dataclass(frozen=True)
class GraphPicture:
    """Everything a template needs to draw a map and its table; plain and comparable."""

    width: float
    height: float
    nodes: tuple[Node, ...]
    edges: tuple[EdgeGroup, ...]
    rows: tuple[Row, ...]
    #: Links drawn / links between the entries shown / entries left out (limits).
    drawn_edges: int
    all_edges: int
    hidden_entries: int
    #: Docname of the entry a neighbourhood is drawn around, else empty.
    center: str = ""


def _order(entries: Mapping[str, GraphEntry]) -> dict[str, tuple[str, str]]:
    """A stable order of entries by folded name, then docname."""
    return {docname: (name_key(entry.name), docname) for docname, entry in entries.items()}


def _strongest(
    weights: Mapping[tuple[str, str], int], order: Mapping[str, tuple[str, str]]
) -> list[tuple[str, str, int]]:
    return sorted(
        ((a, b, w) for (a, b), w in weights.items()),
        key=lambda e: (-e[2], order[e[0]], order[e[1]]),
    )


def _kept_edges(
    weights: Mapping[tuple[str, str], int], order: Mapping[str, tuple[str, str]]
) -> list[tuple[str, str, int]]:
    """Each entry's strongest links, then the strongest of those up to MAX_EDGES."""
    strongest = _strongest(weights, order)
    taken: Counter[str] = Counter()
    kept: list[tuple[str, str, int]] = []
    for a, b, w in strongest:
        if taken[a] < EDGES_PER_ENTRY or taken[b] < EDGES_PER_ENTRY:
            kept.append((a, b, w))
            taken[a] += 1
            taken[b] += 1
    return kept[:MAX_EDGES]


def _stroke(weight: int, strongest: int) -> float:
    """Stroke width in a few steps, so edges of one width share one path."""
    share = math.log1p(weight) / math.log1p(max(strongest, 1))
    return (0.8, 1.4, 2.2, 3.2)[min(3, int(share * 3.999))]


def _radius(articles: int, most: int) -> float:
    return rounded(4.0 + 8.0 * math.sqrt(articles / max(most, 1)))


@dataclass(frozen=True)
class PictureInputs:
    """Everything a map depends on, as plain comparable values.

    A page keeps the inputs of the picture it last drew and draws again only
    when they differ: an edit that changes no mention changes no inputs.
    """

    #: (docname, kind, name, articles mentioning it), in docname order.
    nodes: tuple[tuple[str, str, str, int], ...]
    #: (docname, docname, articles mentioning both): the links to draw.
    edges: tuple[tuple[str, str, int], ...]
    #: Links between the entries shown, drawn or not.
    all_edges: int
    #: Entries of the glossary left off the picture.
    hidden_entries: int
    center: str = ""


class MentionIndex:
    """Who is mentioned with whom, over the listed articles; computed once per build."""

    def __init__(self, articles: Iterable[ArticleMentions]) -> None:
        self.counts: Counter[str] = Counter()
        weights: Counter[tuple[str, str]] = Counter()
        #: Entry docname -> the month of each listed article mentioning it.
        self.months: dict[str, list[str]] = {}
        #: Article docname -> its month.
        self.article_months: dict[str, str] = {}
        for article in articles:
            self.article_months[article.docname] = article.month
            mentioned = sorted(article.entries)
            self.counts.update(mentioned)
            for index, first in enumerate(mentioned):
                if article.month:
                    self.months.setdefault(first, []).append(article.month)
                for second in mentioned[index + 1 :]:
                    weights[(first, second)] += 1
        #: (docname, docname) in sorted order -> number of articles mentioning both.
        self.weights: dict[tuple[str, str], int] = dict(weights)
        self.adjacent: dict[str, dict[str, int]] = {}
        for (first, second), weight in self.weights.items():
            self.adjacent.setdefault(first, {})[second] = weight
            self.adjacent.setdefault(second, {})[first] = weight

    def weight(self, first: str, second: str) -> int:
        return self.adjacent.get(first, {}).get(second, 0)


class MentionGraph:
    """The glossary's entries with the :class:`MentionIndex` of the listed articles.

    Made once per build (the domain caches it until a record changes): the
    order of entries and the index are shared by the map and by every
    entry's neighbourhood and timeline.
    """

    def __init__(self, entries: Iterable[GraphEntry], index: MentionIndex) -> None:
        self.entries: dict[str, GraphEntry] = {entry.docname: entry for entry in entries}
        self.order = _order(self.entries)
        self.index = index
        # Each page's inputs are asked for twice (to compare, then to draw).
        self._around: dict[str, PictureInputs | None] = {}

    def map_inputs(self) -> PictureInputs | None:
        """Inputs of the whole map: mentioned entries and their strongest links; None if none."""
        known, order, index = self.entries, self.order, self.index
        mentioned = sorted(
            (d for d in known if index.counts.get(d, 0) > 0),
            key=lambda d: (-index.counts[d], order[d]),
        )
        if not mentioned:
            return None
        shown = sorted(mentioned[:MAX_NODES])
        visible = set(shown)
        weights = {
            pair: w
            for pair, w in index.weights.items()
            if pair[0] in visible and pair[1] in visible
        }
        return PictureInputs(
            nodes=tuple(_node_input(known[d], index) for d in shown),
            edges=tuple(sorted(_kept_edges(weights, order))),
            all_edges=len(weights),
            hidden_entries=len(known) - len(shown),
        )

    def neighbourhood_inputs(self, center: str) -> PictureInputs | None:
        """Inputs of ``center``'s neighbourhood; None when it has no neighbour."""
        if center not in self._around:
            self._around[center] = self._neighbourhood_inputs(center)
        return self._around[center]

    def _neighbourhood_inputs(self, center: str) -> PictureInputs | None:
        known, order, index = self.entries, self.order, self.index
        if center not in known:
            return None
        around = sorted(
            (d for d in index.adjacent.get(center, {}) if d in known),
            key=lambda d: (-index.weight(center, d), order[d]),
        )[:NEIGHBOURS]
        if not around:
            return None
        shown = sorted([center, *around])
        edges = [
            (a, b, index.weight(a, b))
            for i, a in enumerate(shown)
            for b in shown[i + 1 :]
            if index.weight(a, b)
        ]
        return PictureInputs(
            # The ring follows this order: strongest neighbour first.
            nodes=tuple(_node_input(known[d], index) for d in [center, *around]),
            edges=tuple(edges),
            all_edges=len(edges),
            hidden_entries=0,
            center=center,
        )

    def months(self, docname: str) -> list[str]:
        """The month (``YYYY-MM``) of each listed article mentioning ``docname``."""
        return self.index.months.get(docname, [])


def _node_input(entry: GraphEntry, index: MentionIndex) -> tuple[str, str, str, int]:
    return (entry.docname, entry.kind, entry.name, index.counts.get(entry.docname, 0))


def draw(inputs: PictureInputs) -> GraphPicture:
    """Lay out and label ``inputs``: a map, or a neighbourhood when it has a centre."""
    entries = {d: GraphEntry(d, kind, name) for d, kind, name, _ in inputs.nodes}
    counts = {d: count for d, _, _, count in inputs.nodes}
    shown = [d for d, _, _, _ in inputs.nodes]
    edges = list(inputs.edges)
    center = inputs.center
    order = _order(entries)
    positions = layout(shown, edges, center)
    most = max(counts.values(), default=1)
    radii = {d: _radius(counts[d], most) for d in shown}
    priority = sorted(shown, key=lambda d: (d != center, -counts[d], order[d]))
    names = {d: entries[d].name for d in shown}
    spots, labels = _spread_until_labelled(shown, positions, radii, names, priority, center)
    # The picture is as large as what is drawn, plus a margin.
    boxes = [(s.x - s.r, s.y - s.r, s.x + s.r, s.y + s.r) for s in spots]
    boxes += [label.box for label in labels.values()]
    dx = _MARGIN - min(b[0] for b in boxes)
    dy = _MARGIN - min(b[1] for b in boxes)
    size = (
        rounded(max(b[2] for b in boxes) + dx + _MARGIN),
        rounded(max(b[3] for b in boxes) + dy + _MARGIN),
    )
    at = {s.docname: Spot(s.docname, rounded(s.x + dx), rounded(s.y + dy), s.r) for s in spots}
    labels = {d: _shifted(label, dx, dy) for d, label in labels.items()}
    strongest = max((w for _, _, w in edges), default=1)
    point = {d: f"{_fmt(spot.x)} {_fmt(spot.y)}" for d, spot in at.items()}
    paths: dict[float, list[str]] = {}
    for a, b, w in sorted(edges, key=lambda e: (order[e[0]], order[e[1]])):
        paths.setdefault(_stroke(w, strongest), []).append(f"M{point[a]}L{point[b]}")
    nodes = tuple(
        Node(
            d,
            names[d],
            entries[d].kind,
            counts[d],
            at[d].x,
            at[d].y,
            at[d].r,
            labels.get(d),
            d == center,
        )
        # The centre last, so that it is drawn on top.
        for d in sorted(shown, key=lambda d: (d == center, order[d]))
    )
    return GraphPicture(
        width=size[0],
        height=size[1],
        nodes=nodes,
        edges=tuple(
            EdgeGroup(width, "".join(parts), len(parts)) for width, parts in sorted(paths.items())
        ),
        rows=_rows(entries, shown, counts, edges, order, center),
        drawn_edges=len(edges),
        all_edges=inputs.all_edges,
        hidden_entries=inputs.hidden_entries,
        center=center,
    )


def _spread_until_labelled(
    shown: Sequence[str],
    positions: Mapping[str, tuple[float, float]],
    radii: Mapping[str, float],
    names: Mapping[str, str],
    priority: Sequence[str],
    center: str,
) -> tuple[list[Spot], dict[str, Label]]:
    """Nodes at ``positions`` scaled up step by step until every name finds a place."""
    side = _RING_SIZE if center else max(_MIN_SIZE, _SPACING * math.sqrt(len(shown)))
    labels: dict[str, Label] = {}
    spots: list[Spot] = []
    for _ in range(_SPREAD_STEPS):
        half = side / 2
        spots = [
            Spot(d, rounded(positions[d][0] * half), rounded(positions[d][1] * half), radii[d])
            for d in shown
        ]
        if not center:
            spots = separate(spots, names)
        middle = (spots[0].x, spots[0].y) if center else None
        labels = place_labels(spots, names, priority, middle)
        if len(labels) == len(shown):
            break
        side *= _SPREAD
    return spots, labels


def _shifted(label: Label, dx: float, dy: float) -> Label:
    x0, y0, x1, y1 = label.box
    return Label(
        label.text,
        rounded(label.x + dx),
        rounded(label.y + dy),
        label.anchor,
        (rounded(x0 + dx), rounded(y0 + dy), rounded(x1 + dx), rounded(y1 + dy)),
    )


def _fmt(value: float) -> str:
    """Shortest text for a rounded coordinate (``12`` rather than ``12.0``)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _rows(
    entries: Mapping[str, GraphEntry],
    shown: Sequence[str],
    counts: Mapping[str, int],
    edges: Sequence[tuple[str, str, int]],
    order: Mapping[str, tuple[str, str]],
    center: str,
) -> tuple[Row, ...]:
    linked: dict[str, list[Neighbour]] = {d: [] for d in shown}
    for a, b, w in edges:
        linked[a].append(Neighbour(b, entries[b].name, w))
        linked[b].append(Neighbour(a, entries[a].name, w))
    rows = []
    for docname in sorted(shown, key=lambda d: (d != center, -counts[d], order[d])):
        neighbours = sorted(linked[docname], key=lambda n: (-n.weight, order[n.docname]))
        entry = entries[docname]
        rows.append(Row(docname, entry.name, entry.kind, counts[docname], tuple(neighbours)))
    return tuple(rows)
