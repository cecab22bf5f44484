"""Dates in front matter: every accepted form to an aware datetime, and back to Japanese."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from kb.values import shown

_OFFSET = re.compile(r"\s*(?:(Z|UTC|GMT)|([+-])(\d{2}):?(\d{2}))$", re.IGNORECASE)
_JAPANESE_DATE = re.compile(
    r"^(\d{4})年(\d{1,2})月(\d{1,2})日(?:\s*(\d{1,2})[:時](\d{2})分?(?:[:](\d{2}))?)?$"
)
_SLASH_DATE = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(.*)$")


def parse_date(value: Any, zone: dt.tzinfo) -> dt.datetime:
    """An aware datetime from any accepted date form; naive values are taken in ``zone``.

    Raises ``ValueError`` with a reader-facing reason.
    """
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, dt.date):
        result = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        result = _parse_date_text(value.strip())
    else:
        raise ValueError(f"expected a date such as 2025-11-07, got {type(value).__name__}")
    if result.tzinfo is None:
        result = result.replace(tzinfo=zone)
    return normalised(result, zone)


def normalised(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """``moment`` made safe to show, sort and write: ``ValueError`` when it cannot be.

    A date is shown in ``zone`` and written in UTC (feeds, sitemaps), so one
    that has no place on the calendar there (``9999-12-31 23:00 +0000`` is
    year 10000 in Tokyo) is refused here instead of crashing the page that
    shows it. An offset with seconds (``+09:18:59``, Tokyo's local mean time
    before 1888) is valid in Python but not in Atom or RFC 3339, so such a
    moment is kept in UTC instead, the same instant.
    """
    try:
        moment.astimezone(dt.timezone.utc)
        moment.astimezone(zone)
        offset = moment.utcoffset()
    except (OverflowError, ValueError):
        raise ValueError(
            f"{moment.isoformat()} is too close to the edge of the calendar to show; "
            "use a date between the years 1 and 9999 in every time zone"
        ) from None
    if offset is None or offset % dt.timedelta(minutes=1):
        moment = moment.astimezone(dt.timezone.utc)
    return moment


def _parse_date_text(text: str) -> dt.datetime:
    if not text:
        raise ValueError("the date is empty")
    match = _JAPANESE_DATE.match(text)
    if match:
        year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
        return _checked(year, month, day, hour, minute, second, text)
    slash = _SLASH_DATE.match(text)
    if slash:
        year_text, month_text, day_text, rest = slash.groups()
        text = f"{int(year_text):04d}-{int(month_text):02d}-{int(day_text):02d}{rest}"
    zone: dt.tzinfo | None = None
    offset = _OFFSET.search(text)
    if offset and re.search(r"\d", text[: offset.start()] or ""):
        if offset.group(1):
            zone = dt.timezone.utc
        else:
            sign = -1 if offset.group(2) == "-" else 1
            hours, minutes = int(offset.group(3)), int(offset.group(4))
            if hours > 23 or minutes > 59:
                raise ValueError(
                    f"cannot read {shown(text)} as a date: the offset "
                    f"{text[offset.start() :].strip()} is not a time zone (at most ±23:59)"
                )
            zone = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
        text = text[: offset.start()].strip()
    text = re.sub(r"^(\d{4}-\d{2}-\d{2})\s+", r"\1T", text)
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"cannot read {shown(text)} as a date; use 2025-11-07, 2025-11-07 02:11:09 +0000 "
            "or ISO 8601"
        ) from None
    if zone is not None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed


def _checked(
    year: int, month: int, day: int, hour: int, minute: int, second: int, text: str
) -> dt.datetime:
    try:
        return dt.datetime(year, month, day, hour, minute, second)
    except ValueError as error:
        raise ValueError(f"cannot read {shown(text)} as a date: {error}") from None


def format_japanese_date(moment: dt.datetime, zone: dt.tzinfo) -> str:
    """``2025年11月7日`` for ``moment`` seen in ``zone``."""
    local = moment.astimezone(zone)
    return f"{local.year}年{local.month}月{local.day}日"


def zone_named(name: str) -> dt.tzinfo:
    """The time zone called ``name`` (IANA), UTC for ``UTC``."""
    if name.upper() == "UTC":
        return dt.timezone.utc
    return ZoneInfo(name)
