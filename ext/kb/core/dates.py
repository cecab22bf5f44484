"""Dates in front matter: every accepted form to an aware datetime, and back to Japanese."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from kb.core.values import shown

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


# --- dates as Jekyll reads them ------------------------------------------------------------
#
# Jekyll hands a post's date to Ruby's ``Time.parse`` and shows it in the site's
# ``timezone``. ``Time.parse`` is lenient: one-digit hours, ``PM``, month names,
# a word between the time and the zone. What follows reads the forms it reads,
# with the same results (checked against Ruby 3.1 when written), and refuses
# what it refuses; a refused date is Jekyll's build error, for kb a warning.

_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
#: Ruby's ``Time::ZoneOffset``: the only zone names ``Time.parse`` applies.
_RUBY_ZONES = {
    "utc": 0, "z": 0, "ut": 0, "gmt": 0,
    "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
}  # fmt: skip
_RUBY_NUMERIC_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})|(\d{4})(\d{2})(\d{2})(?!\d)")
_RUBY_NAMED_DATE = re.compile(
    r"(?:(\d{1,2})\s+([a-z]{3,9})\.?,?\s+(\d{4}))|(?:([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4}))",
    re.IGNORECASE,
)
_RUBY_TIME = re.compile(
    r"(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,]\d+)?)?(?:\s*([ap])\.?m\b\.?)?", re.IGNORECASE
)
_RUBY_ZONE = re.compile(
    r"\s*(?:([+-])(\d{1,2})(?::?(\d{2}))?\b|([a-z]+)\b(?:\s+[+-]\d)?)", re.IGNORECASE
)


def _ruby_date(text: str) -> tuple[int, int, int, str]:
    """Year, month and day as Ruby's ``Date._parse`` finds them first in ``text``, and
    the text after them; ``ValueError`` when there is none."""
    value = text.strip()
    year = month = day = None
    rest = value
    numeric = _RUBY_NUMERIC_DATE.search(value)
    named = _RUBY_NAMED_DATE.search(value)
    if numeric and (not named or numeric.start() <= named.start()):
        groups = numeric.groups()
        year, month, day = (int(g) for g in (groups[:3] if groups[0] else groups[3:]))
        rest = value[numeric.end() :]
    elif named:
        if named.group(1):
            day, month_name, year = int(named.group(1)), named.group(2), int(named.group(3))
        else:
            month_name, day, year = named.group(4), int(named.group(5)), int(named.group(6))
        month = _MONTH_NAMES.get(month_name.lower())
        rest = value[named.end() :]
    if year is None or month is None or day is None:
        raise ValueError(f"no date in {shown(text)}")
    return year, month, day, rest


def _ruby_clock(text: str, rest: str) -> tuple[int, int, int, dt.timedelta | None]:
    """Hour, minute, second and zone offset (None: local) in ``rest``, as Ruby reads them."""
    hour = minute = second = 0
    offset: dt.timedelta | None = None
    time = _RUBY_TIME.search(rest)
    if time:
        hour, minute = int(time.group(1)), int(time.group(2))
        second = int(time.group(3) or 0)
        meridian = (time.group(4) or "").lower()
        if meridian and not 1 <= hour <= 12:
            raise ValueError(f"hour {hour} with {meridian}m in {shown(text)}")
        if meridian == "p" and hour != 12:
            hour += 12
        elif meridian == "a" and hour == 12:
            hour = 0
        zone_match = _RUBY_ZONE.match(rest, time.end())
        if zone_match and zone_match.group(1):
            sign = -1 if zone_match.group(1) == "-" else 1
            hours, minutes = int(zone_match.group(2)), int(zone_match.group(3) or 0)
            offset = sign * dt.timedelta(hours=hours, minutes=minutes)
        elif zone_match and zone_match.group(4):
            name = zone_match.group(4).lower()
            if name in _RUBY_ZONES:
                offset = dt.timedelta(hours=_RUBY_ZONES[name])
            # Any other word (JST, CEST, a typo) leaves the time local, and
            # so does a word before a numeric offset: Ruby reads both as one zone.
    return hour, minute, second, offset


def parse_ruby_time(text: str, zone: dt.tzinfo) -> dt.datetime:
    """``Time.parse(text).localtime`` with the process zone ``zone``: an aware datetime.

    Raises ``ValueError`` where Ruby raises ``ArgumentError``.
    """
    year, month, day, rest = _ruby_date(text)
    hour, minute, second, offset = _ruby_clock(text, rest)
    if not 1 <= month <= 12 or not 1 <= day <= 31 or hour > 24 or minute > 59 or second > 60:
        raise ValueError(f"{shown(text)} is not a date on the calendar")
    # Ruby rolls a day past the month's end over (2013-02-30 is 2013-03-02),
    # and hour 24 into the next day.
    try:
        base = dt.datetime(year, month, 1)
    except ValueError:
        raise ValueError(f"{shown(text)} is not a date on the calendar") from None
    naive = base + dt.timedelta(days=day - 1, hours=hour, minutes=minute, seconds=min(second, 59))
    if offset is None:
        # A wall time that exists twice (the clocks went back) is the later
        # one for Ruby; one that does not exist (the clocks went forward) is
        # read with the offset before the change.
        later = naive.replace(tzinfo=zone, fold=1)
        round_trip = later.astimezone(dt.timezone.utc).astimezone(zone)
        local = later if round_trip.replace(tzinfo=None) == naive else naive.replace(tzinfo=zone)
        return normalised(local.astimezone(dt.timezone.utc).astimezone(zone), zone)
    return normalised(naive.replace(tzinfo=dt.timezone(offset)).astimezone(zone), zone)


#: Psych's timestamp and date resolvers: a plain (unquoted) YAML value of
#: this form is a Time (naive ones in UTC) or a Date, not text.
_YAML_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt]|[ \t]+)(\d{1,2}):(\d\d):(\d\d)(?:\.\d*)?"
    r"(?:[ \t]*(Z|[-+]\d{1,2}(?::?\d\d)?))?$"
)
_YAML_DATE = re.compile(r"^\d{4}-(?:1[012]|0\d|\d)-(?:[12]\d|3[01]|0\d|\d)$")


def jekyll_date(value: Any, zone: dt.tzinfo, *, quoted: bool = False) -> dt.datetime:
    """The moment Jekyll reads from a ``date:`` value, shown in the site's ``zone``.

    ``value`` is the text of the YAML scalar (kb reads dates as text) and
    ``quoted`` whether it was written in quotes: an unquoted timestamp is a
    YAML time, and YAML takes a naive one as UTC, where quoted text is
    parsed by Ruby in the site's zone. Raises ``ValueError`` for a date
    Jekyll refuses.
    """
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        return normalised(moment.astimezone(zone), zone)
    if isinstance(value, dt.date):
        return parse_ruby_time(value.isoformat(), zone)
    if value is None or isinstance(value, (list, dict, bool)):
        raise ValueError(f"expected a date, got {shown(value)}")
    text = str(value).strip()
    if not quoted and _YAML_TIMESTAMP.match(text):
        naive_match = _YAML_TIMESTAMP.match(text)
        assert naive_match is not None
        if naive_match.group(7) is None:
            return parse_ruby_time(text + " UTC", zone)
        return parse_ruby_time(text, zone)
    return parse_ruby_time(text, zone)


def file_name_date(date_text: str, zone: dt.tzinfo) -> dt.datetime:
    """Midnight of ``YYYY-MM-DD`` (one-digit month and day allowed) in ``zone``."""
    return parse_ruby_time(date_text, zone)
