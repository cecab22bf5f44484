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
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kb.core.names import name_key

#: Links each entry keeps on the map (its strongest; ties go to the name first in order).
EDGES_PER_ENTRY = 3
#: Links drawn on the whole map at most, strongest first.
MAX_EDGES = 450
#: Entries on the map at most, most mentioned first; networkx's dense layout
#: (numpy only, no scipy) is used below 500 nodes.
MAX_NODES = 400
#: Neighbours around an entry on its own page.
NEIGHBOURS = 8
#: Seed of the force-directed layout: part of the output, never change it lightly.
LAYOUT_SEED = 20251107

#: Label font size in px; the CSS sets the same size on ``.kb-graph-label``.
FONT_SIZE = 12.0
# Room a label takes around its baseline, generous on purpose: the box a
# browser gives an SVG <text> spans the font's whole ascent and descent,
# and CJK fonts have tall ones (Noto Sans CJK: 1.16 em up, 0.29 em down).
_ASCENT = 1.2 * FONT_SIZE
_DESCENT = 0.36 * FONT_SIZE
_GAP = 3.0
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
class Label:
    """A node's name: baseline at (x, y), ``anchor`` as SVG's text-anchor; box for tests."""

    text: str
    x: float
    y: float
    anchor: str
    box: tuple[float, float, float, float]


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
        return (_number(self.x - half), _number(self.y - half), _number(2 * half))


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


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """A generous estimate of the width of ``text`` in a sans-serif font at ``size`` px."""
    width = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in "WF":
            width += 1.0
        elif char in "MWmw@%":
            width += 0.95
        elif char.isupper():
            width += 0.75
        elif char.isdigit() or char.islower():
            width += 0.62
        elif char.isspace():
            width += 0.32
        else:
            width += 0.6
    return width * size + 2.0


def _number(value: float) -> float:
    return round(value, 1)


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
    return _number(4.0 + 8.0 * math.sqrt(articles / max(most, 1)))


class _Boxes:
    """Axis-aligned boxes in a coarse grid, for fast overlap checks."""

    CELL = 64.0

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}

    def _cells(self, box: tuple[float, float, float, float]) -> Iterable[tuple[int, int]]:
        x0, y0, x1, y1 = box
        for cx in range(int(x0 // self.CELL), int(x1 // self.CELL) + 1):
            for cy in range(int(y0 // self.CELL), int(y1 // self.CELL) + 1):
                yield cx, cy

    def add(self, box: tuple[float, float, float, float]) -> None:
        for cell in self._cells(box):
            self.cells.setdefault(cell, []).append(box)

    def hits(self, box: tuple[float, float, float, float]) -> bool:
        x0, y0, x1, y1 = box
        for cell in self._cells(box):
            for a0, b0, a1, b1 in self.cells.get(cell, ()):
                if x0 < a1 and a0 < x1 and y0 < b1 and b0 < y1:
                    return True
        return False


def _candidates(
    x: float, y: float, r: float, width: float, outward: tuple[float, float] | None
) -> Iterator[tuple[float, float, str, tuple[float, float, float, float]]]:
    """Label places around a node: (baseline x, baseline y, anchor, box), best first.

    A generator: most labels fit at the first place, whose box is all that is computed.
    """
    middle = y + (_ASCENT - _DESCENT) / 2  # baseline that centres the text on the node
    right = (x + r + _GAP, middle, "start")
    left = (x - r - _GAP, middle, "end")
    above = (x, y - r - _GAP - _DESCENT, "middle")
    below = (x, y + r + _GAP + _ASCENT, "middle")
    diagonal = r * 0.75 + _GAP
    places = [
        right,
        left,
        above,
        below,
        (x + diagonal, y - diagonal - _DESCENT, "start"),
        (x - diagonal, y - diagonal - _DESCENT, "end"),
        (x + diagonal, y + diagonal + _ASCENT, "start"),
        (x - diagonal, y + diagonal + _ASCENT, "end"),
    ]
    line = _ASCENT + _DESCENT
    for step in (1, 2):
        # Further off, for crowded spots: the name still starts next to its node.
        places += [
            (x + r + _GAP, middle - step * line, "start"),
            (x + r + _GAP, middle + step * line, "start"),
            (x - r - _GAP, middle - step * line, "end"),
            (x - r - _GAP, middle + step * line, "end"),
        ]
    if outward is not None:
        # On a ring the label reads best on the side facing away from the centre.
        dx, dy = outward
        sideways = right if dx >= 0 else left
        first = sideways if abs(dx) >= abs(dy) else (below if dy > 0 else above)
        places.remove(first)
        places.insert(0, first)
    for bx, by, anchor in places:
        if anchor == "start":
            x0 = bx
        elif anchor == "end":
            x0 = bx - width
        else:
            x0 = bx - width / 2
        yield bx, by, anchor, (x0, by - _ASCENT, x0 + width, by + _DESCENT)


@dataclass
class _Spot:
    docname: str
    x: float
    y: float
    r: float


_SEPARATE_ROUNDS = 200
#: Distance (px) under which two footprints count as near (see :func:`_separate`).
_NEAR = 40.0


def _separate(spots: Sequence[_Spot], names: Mapping[str, str]) -> list[_Spot]:
    """Push apart nodes whose footprints overlap, each pair along its shallower axis.

    The force layout places nodes by their links and knows nothing of names;
    this moves each node the least needed for every name to fit beside it.
    Each round finds every overlapping pair at once (numpy, all pairs) and
    moves both nodes of each pair by half the overlap, in opposite directions.
    """
    import numpy as np

    count = len(spots)
    if count < 2:
        return list(spots)
    widths = np.array([text_width(names[s.docname]) for s in spots])
    radii = np.array([s.r for s in spots])
    xs = np.array([s.x for s in spots], dtype=np.float64)
    ys = np.array([s.y for s in spots], dtype=np.float64)
    # Each node's footprint with its name on its right (where label placement
    # tries first), as offsets from the node's centre.
    left = radii + 1.0
    right = radii + _GAP + widths
    half = np.maximum(radii, (_ASCENT + _DESCENT) / 2) + 1.0
    upper = np.triu(np.ones((count, count), dtype=bool), k=1)

    def near() -> tuple[Any, ...]:
        """Pairs closer than _NEAR on both axes: the only ones that can overlap soon."""
        x0, x1, y0, y1 = xs - left, xs + right, ys - half, ys + half
        gap_x = np.minimum(x1[:, None], x1[None, :]) - np.maximum(x0[:, None], x0[None, :])
        gap_y = np.minimum(y1[:, None], y1[None, :]) - np.maximum(y0[:, None], y0[None, :])
        return np.nonzero((gap_x > -_NEAR) & (gap_y > -_NEAR) & upper)

    # A list of near pairs, made again once some node has moved half of _NEAR:
    # until then no other pair can overlap (each round then costs the near
    # pairs only, not all pairs).
    pairs = near()
    since_x, since_y = xs.copy(), ys.copy()
    for _ in range(_SEPARATE_ROUNDS):
        moved = max(np.abs(xs - since_x).max(), np.abs(ys - since_y).max())
        if moved >= _NEAR / 2:
            pairs = near()
            since_x, since_y = xs.copy(), ys.copy()
        a, b = pairs
        overlap_x = np.minimum(xs[a] + right[a], xs[b] + right[b]) - np.maximum(
            xs[a] - left[a], xs[b] - left[b]
        )
        overlap_y = np.minimum(ys[a] + half[a], ys[b] + half[b]) - np.maximum(
            ys[a] - half[a], ys[b] - half[b]
        )
        hit = (overlap_x > 0) & (overlap_y > 0)
        if not hit.any():
            break
        first, second = a[hit], b[hit]
        ox, oy = overlap_x[hit], overlap_y[hit]
        vertical = oy <= ox
        push = np.where(vertical, oy, ox) / 2 + 0.5
        # The node above (or to the left) goes further up (left); ties by position in the list.
        up = np.where(ys[first] <= ys[second], -1.0, 1.0)
        back = np.where(xs[first] <= xs[second], -1.0, 1.0)
        move_y = np.where(vertical, up * push, 0.0)
        move_x = np.where(vertical, 0.0, back * push)
        ys += np.bincount(first, move_y, count) - np.bincount(second, move_y, count)
        xs += np.bincount(first, move_x, count) - np.bincount(second, move_x, count)
    return [
        _Spot(s.docname, _number(float(xs[i])), _number(float(ys[i])), s.r)
        for i, s in enumerate(spots)
    ]


def _place_labels(
    spots: Sequence[_Spot],
    names: Mapping[str, str],
    priority: Sequence[str],
    center: tuple[float, float] | None,
) -> dict[str, Label]:
    """Greedy placement, most important entry first; a label that finds no room is missing."""
    occupied = _Boxes()
    for spot in spots:
        occupied.add((spot.x - spot.r, spot.y - spot.r, spot.x + spot.r, spot.y + spot.r))
    by_docname = {spot.docname: spot for spot in spots}
    labels: dict[str, Label] = {}
    for docname in priority:
        spot = by_docname[docname]
        text = names[docname]
        outward = None
        if center is not None and (spot.x, spot.y) != center:
            outward = (spot.x - center[0], spot.y - center[1])
        for bx, by, anchor, box in _candidates(spot.x, spot.y, spot.r, text_width(text), outward):
            if not occupied.hits(box):
                occupied.add(box)
                labels[docname] = Label(
                    text,
                    _number(bx),
                    _number(by),
                    anchor,
                    (_number(box[0]), _number(box[1]), _number(box[2]), _number(box[3])),
                )
                break
    return labels


def _ring(count: int) -> tuple[tuple[float, float], ...]:
    """Places of ``count`` nodes on a ring of radius 0.5, the first on the right."""
    return tuple(
        (
            round(0.5 * math.cos(2 * math.pi * i / count), 4),
            round(0.5 * math.sin(2 * math.pi * i / count), 4),
        )
        for i in range(count)
    )


#: A neighbourhood's geometry, computed once: the centre at (0, 0) and the
#: neighbours evenly on a ring, strongest first (a ring is no layout problem:
#: nothing to gain from a layout library there).
_RINGS = {count: _ring(count) for count in range(1, NEIGHBOURS + 1)}

#: Iterations of the force-directed layout: the ranks of :func:`_even_out`
#: decide most of the final places, so the layout only needs to settle who is
#: near whom.
_LAYOUT_ITERATIONS = 50


def _layout(
    nodes: Sequence[str],
    edges: Sequence[tuple[str, str, int]],
    center: str,
) -> dict[str, tuple[float, float]]:
    """Positions in [-1, 1]: a ring around ``center``, else networkx's spring layout."""
    if center:
        ring = [d for d in nodes if d != center]
        places = _RINGS.get(len(ring)) or _ring(len(ring))
        return {center: (0.0, 0.0), **dict(zip(ring, places, strict=True))}
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    # Imported here: numpy and networkx take half a second to import, and only
    # the whole map needs them.
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    for a, b, w in edges:
        # Logarithmic pull: one very strong pair must not crush the rest together.
        graph.add_edge(a, b, weight=1.0 + math.log(w))
    pos = nx.spring_layout(
        graph,
        seed=LAYOUT_SEED,
        iterations=_LAYOUT_ITERATIONS,
        weight="weight",
        method="force",
        # Twice the default ideal distance: room for names between nodes.
        k=2.0 / math.sqrt(len(nodes)),
    )
    # Rounded before any further use so that floating-point noise in the last
    # bits never reaches the output.
    rounded = {node: (round(float(p[0]), 4), round(float(p[1]), 4)) for node, p in pos.items()}
    return _even_out(rounded)


#: How far each coordinate moves towards its rank among all nodes (0: not at all).
_EVEN_OUT = 0.8


def _even_out(pos: Mapping[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Blend each coordinate with its rank: dense hubs open up, neighbours stay near.

    A force layout of a few much-mentioned entries packs them in the middle,
    where their names cannot fit; ranks keep the order of nodes along each
    axis but spread them evenly.
    """
    nodes = sorted(pos)
    last = max(len(nodes) - 1, 1)
    axes: list[dict[str, float]] = []
    for axis in (0, 1):
        values = [pos[d][axis] for d in nodes]
        low, span = min(values), (max(values) - min(values)) or 1.0
        ordered = sorted(nodes, key=lambda d: (pos[d][axis], d))
        rank = {d: 2.0 * i / last - 1.0 for i, d in enumerate(ordered)}
        axes.append(
            {
                d: (1 - _EVEN_OUT) * (2.0 * (pos[d][axis] - low) / span - 1.0) + _EVEN_OUT * rank[d]
                for d in nodes
            }
        )
    return {d: (round(axes[0][d], 4), round(axes[1][d], 4)) for d in nodes}


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


def map_inputs(entries: Iterable[GraphEntry], index: MentionIndex) -> PictureInputs | None:
    """Inputs of the whole map (see :meth:`MentionGraph.map_inputs`)."""
    return MentionGraph(entries, index).map_inputs()


def neighbourhood_inputs(
    entries: Iterable[GraphEntry], index: MentionIndex, center: str
) -> PictureInputs | None:
    """Inputs of ``center``'s neighbourhood (see :meth:`MentionGraph.neighbourhood_inputs`)."""
    return MentionGraph(entries, index).neighbourhood_inputs(center)


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
    positions = _layout(shown, edges, center)
    most = max(counts.values(), default=1)
    radii = {d: _radius(counts[d], most) for d in shown}
    priority = sorted(shown, key=lambda d: (d != center, -counts[d], order[d]))
    names = {d: entries[d].name for d in shown}
    side = _RING_SIZE if center else max(_MIN_SIZE, _SPACING * math.sqrt(len(shown)))
    labels: dict[str, Label] = {}
    spots: list[_Spot] = []
    for _ in range(_SPREAD_STEPS):
        half = side / 2
        spots = [
            _Spot(d, _number(positions[d][0] * half), _number(positions[d][1] * half), radii[d])
            for d in shown
        ]
        if not center:
            spots = _separate(spots, names)
        middle = (spots[0].x, spots[0].y) if center else None
        labels = _place_labels(spots, names, priority, middle)
        if len(labels) == len(shown):
            break
        side *= _SPREAD
    # The picture is as large as what is drawn, plus a margin.
    boxes = [(s.x - s.r, s.y - s.r, s.x + s.r, s.y + s.r) for s in spots]
    boxes += [label.box for label in labels.values()]
    dx = _MARGIN - min(b[0] for b in boxes)
    dy = _MARGIN - min(b[1] for b in boxes)
    size = (
        _number(max(b[2] for b in boxes) + dx + _MARGIN),
        _number(max(b[3] for b in boxes) + dy + _MARGIN),
    )
    at = {s.docname: _Spot(s.docname, _number(s.x + dx), _number(s.y + dy), s.r) for s in spots}
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


def _shifted(label: Label, dx: float, dy: float) -> Label:
    x0, y0, x1, y1 = label.box
    return Label(
        label.text,
        _number(label.x + dx),
        _number(label.y + dy),
        label.anchor,
        (_number(x0 + dx), _number(y0 + dy), _number(x1 + dx), _number(y1 + dy)),
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


def relationship_map(
    entries: Iterable[GraphEntry], articles: Iterable[ArticleMentions]
) -> GraphPicture | None:
    """The whole map, straight from plain data (tests, one-off use)."""
    inputs = map_inputs(entries, MentionIndex(articles))
    return draw(inputs) if inputs is not None else None


def neighbourhood(
    entries: Iterable[GraphEntry], articles: Iterable[ArticleMentions], center: str
) -> GraphPicture | None:
    """``center``'s neighbourhood, straight from plain data (tests, one-off use)."""
    inputs = neighbourhood_inputs(entries, MentionIndex(articles), center)
    return draw(inputs) if inputs is not None else None
