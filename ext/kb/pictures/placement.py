"""Where the relationship map puts its nodes and their names (no Sphinx here).

A layout (networkx's force-directed one for the map, a ring for a
neighbourhood), nodes pushed apart until every name fits beside its node,
and labels placed greedily where they overlap nothing; :mod:`kb.pictures.graph`
decides what is drawn and calls these.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class Label:
    """A node's name: baseline at (x, y), ``anchor`` as SVG's text-anchor; box for tests."""

    text: str
    x: float
    y: float
    anchor: str
    box: tuple[float, float, float, float]




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


def rounded(value: float) -> float:
    return round(value, 1)




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
class Spot:
    docname: str
    x: float
    y: float
    r: float


_SEPARATE_ROUNDS = 200
#: Distance (px) under which two footprints count as near (see :func:`separate`).
_NEAR = 40.0


def separate(spots: Sequence[Spot], names: Mapping[str, str]) -> list[Spot]:
    """Push apart nodes whose footprints overlap, each pair along its shallower axis.

    The force layout places nodes by their links and knows nothing of names;
    this moves each node the least needed for every name to fit beside it.
    Each round finds every overlapping pair at once (numpy, all pairs) and
    moves both nodes of each pair by half the overlap, in opposite directions.
    About 60 lines on purpose: one numpy loop over arrays every step shares;
    cut into functions they would travel as a dozen arguments.
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
        Spot(s.docname, rounded(float(xs[i])), rounded(float(ys[i])), s.r)
        for i, s in enumerate(spots)
    ]


def place_labels(
    spots: Sequence[Spot],
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
                    rounded(bx),
                    rounded(by),
                    anchor,
                    (rounded(box[0]), rounded(box[1]), rounded(box[2]), rounded(box[3])),
                )
                break
    return labels


@functools.lru_cache(maxsize=32)
def _ring(count: int) -> tuple[tuple[float, float], ...]:
    """Places of ``count`` nodes on a ring of radius 0.5, the first on the right:
    a neighbourhood's geometry, computed once per size (a ring is no layout
    problem: nothing to gain from a layout library there)."""
    return tuple(
        (
            round(0.5 * math.cos(2 * math.pi * i / count), 4),
            round(0.5 * math.sin(2 * math.pi * i / count), 4),
        )
        for i in range(count)
    )



#: Iterations of the force-directed layout: the ranks of :func:`_even_out`
#: decide most of the final places, so the layout only needs to settle who is
#: near whom.
_LAYOUT_ITERATIONS = 50


def layout(
    nodes: Sequence[str],
    edges: Sequence[tuple[str, str, int]],
    center: str,
) -> dict[str, tuple[float, float]]:
    """Positions in [-1, 1]: a ring around ``center``, else networkx's spring layout."""
    if center:
        ring = [d for d in nodes if d != center]
        places = _ring(len(ring))
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
