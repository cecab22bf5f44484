"""Articles per month, and the bar chart that shows them (no Sphinx here).

Months are keys ``YYYY-MM`` (the month archive's own keys). The chart covers
every month from the first to the last, months without articles included
(they show as gaps, which is the point of a timeline), at least
:data:`MIN_MONTHS` and at most the latest :data:`MAX_MONTHS`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kb.core.wording import Wording

#: Shortest span shown, so one busy month still reads as a bar among months.
MIN_MONTHS = 6
#: Longest span shown: the latest ten years.
MAX_MONTHS = 120

_KEY = re.compile(r"^(\d{4})-(\d{2})$")
_CHART_HEIGHT = 64.0
_TOP = 22.0
_BOTTOM = 22.0
_LEFT = 8.0
_RIGHT = 8.0
_WIDTH = 480.0
_MIN_SLOT = 6.0
_MAX_SLOT = 28.0
#: Room for a year under the axis (four digits at 11 px and a gap).
_YEAR_ROOM = 36.0


@dataclass(frozen=True)
class MonthCount:
    key: str
    count: int

    @property
    def year(self) -> int:
        return int(self.key[:4])

    @property
    def month(self) -> int:
        return int(self.key[5:])


@dataclass(frozen=True, slots=True)
class Bar:
    """One month's bar; ``height`` 0 for a month without articles.

    ``path`` is the bar as SVG path data and ``title`` its tooltip, computed
    here once: a chart has up to 120 bars and a site hundreds of charts, and
    a template formatting each number of each bar was most of their cost.
    """

    month: MonthCount
    x: float
    y: float
    width: float
    height: float
    path: str
    title: str


@dataclass(frozen=True)
class Tick:
    """A year written under the axis."""

    x: float
    text: str


@dataclass(frozen=True)
class TimelinePicture:
    width: float
    height: float
    bars: tuple[Bar, ...]
    #: The bars of months with articles: the ones drawn.
    drawn: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    #: Months that have articles, oldest first: the text alternative.
    months: tuple[MonthCount, ...]
    total: int
    peak: int
    #: y of the axis line and of the peak's guide line.
    axis_y: float
    peak_y: float
    #: Months before the shown span that were left out (only past MAX_MONTHS).
    hidden_months: int
    #: Month key -> the month written out (``2025年11月``), for every month shown.
    labels: Mapping[str, str]


def _next(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _previous(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def month_counts(months: Iterable[str]) -> tuple[MonthCount, ...]:
    """Articles per month from one month key per article; malformed keys are skipped.

    The result is the chart's input: continuous, oldest first, zero-filled.
    """
    counts = Counter(key for key in months if _KEY.match(key) and 1 <= int(key[5:]) <= 12)
    if not counts:
        return ()
    first = min(counts)
    last = max(counts)
    year, month = int(first[:4]), int(first[5:])
    end = (int(last[:4]), int(last[5:]))
    keys: list[str] = []
    while (year, month) <= end:
        keys.append(f"{year:04d}-{month:02d}")
        year, month = _next(year, month)
    year, month = int(first[:4]), int(first[5:])
    while len(keys) < MIN_MONTHS:
        year, month = _previous(year, month)
        keys.insert(0, f"{year:04d}-{month:02d}")
    return tuple(MonthCount(key, counts.get(key, 0)) for key in keys)


def _number(value: float) -> float:
    return round(value, 1)


def _fmt(value: float) -> str:
    """Shortest text for a rounded coordinate (``12`` rather than ``12.0``)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def draw_timeline(counts: tuple[MonthCount, ...], words: Wording) -> TimelinePicture | None:
    """The bar chart of ``counts`` (from :func:`month_counts`); None when there is nothing.

    Month names and each bar's tooltip are written in ``words``.
    """
    if not any(m.count for m in counts):
        return None
    shown = counts[-MAX_MONTHS:]
    hidden = sum(1 for m in counts[: len(counts) - len(shown)] if m.count)
    slot = min(_MAX_SLOT, max(_MIN_SLOT, _WIDTH / len(shown)))
    peak = max(m.count for m in shown)
    axis_y = _TOP + _CHART_HEIGHT
    width = _LEFT + slot * len(shown) + _RIGHT
    bars = []
    ticks = []
    last_tick = -_YEAR_ROOM
    wide = _number(slot * 0.75)
    across = _fmt(wide)
    labels = {m.key: words.month(m.year, m.month) for m in shown}
    for index, month in enumerate(shown):
        x = _LEFT + index * slot
        left = _number(x + slot * 0.125)
        if month.count:
            tall = _number(max(2.0, _CHART_HEIGHT * month.count / peak))
            top = _number(axis_y - tall)
            path = f"M{_fmt(left)} {_fmt(top)}h{across}v{_fmt(tall)}h-{across}z"
            title = words.gettext("%(month)s: %(count)s") % {
                "month": labels[month.key],
                "count": words.count(month.count),
            }
            bars.append(Bar(month, left, top, wide, tall, path, title))
        else:
            bars.append(Bar(month, left, axis_y, wide, 0.0, "", ""))
        # A year is written at January and at the first month, where there is room.
        room = x - last_tick >= _YEAR_ROOM and x + _YEAR_ROOM - 6.0 <= width
        if (index == 0 or month.key.endswith("-01")) and room:
            ticks.append(Tick(_number(x), month.key[:4]))
            last_tick = x
    return TimelinePicture(
        width=_number(width),
        height=_number(axis_y + _BOTTOM),
        bars=tuple(bars),
        drawn=tuple(bar for bar in bars if bar.path),
        ticks=tuple(ticks),
        months=tuple(m for m in shown if m.count),
        total=sum(m.count for m in shown),
        peak=peak,
        axis_y=_number(axis_y),
        peak_y=_TOP,
        hidden_months=hidden,
        labels=labels,
    )
