"""The pictures of a page as template contexts: the relationship map, an entry's
neighbourhood and the articles-per-month chart, drawn only when a page is
rendered (:mod:`kb.pictures.graph`, :mod:`kb.pictures.timeline`)."""

from __future__ import annotations

import functools
from typing import Any

from kb.core.settings import KbConfig
from kb.core.targets import glossary_title
from kb.core.taxonomy import month_pagename
from kb.core.wording import Wording
from kb.pictures import graph, timeline

#: Shape of each entry kind on the relationship map (circle when missing).
SHAPES = {"partner": "circle", "technology": "square"}


def timeline_view(
    counts: tuple[timeline.MonthCount, ...],
    config: KbConfig,
    caption: str,
    words: Wording,
    element_id: str = "kb-timeline",
) -> dict[str, Any] | None:
    """Context of kb/timeline.html for ``counts``; None when there is nothing to show."""
    picture = timeline.draw_timeline(counts, words)
    if picture is None:
        return None
    # Every month with a listed article has its archive page.
    targets = {m.key: month_pagename(config.archive_path, m.year, m.month) for m in picture.months}
    return {"picture": picture, "month_targets": targets, "caption": caption, "id": element_id}


@functools.lru_cache(maxsize=4)
def drawn(inputs: graph.PictureInputs) -> graph.GraphPicture:
    """The picture of ``inputs``: one map shown on several overviews is laid out once."""
    return graph.draw(inputs)


def graph_view(
    inputs: graph.PictureInputs | None,
    config: KbConfig,
    caption: str,
    element_id: str,
    words: Wording,
) -> dict[str, Any] | None:
    """Context of kb/relationship-map.html for ``inputs``; None when there is nothing."""
    if inputs is None:
        return None
    return {
        "picture": drawn(inputs) if not inputs.center else graph.draw(inputs),
        "caption": caption,
        "kind_titles": {
            kind: glossary_title(words, kind, spec) for kind, spec in config.glossary_kinds.items()
        },
        "shapes": SHAPES,
        "id": element_id,
    }


def map_caption(words: Wording) -> str:
    return words.gettext(
        "Relationship map: partners and technologies mentioned in the same articles"
    )
