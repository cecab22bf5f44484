"""Plain helpers for YAML values read from front matter: short reprs, scalars as text."""

from __future__ import annotations

import datetime as dt
import re
import reprlib
import sys
from typing import Any

_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 80
_SHORT.maxlist = _SHORT.maxdict = _SHORT.maxtuple = _SHORT.maxset = 5
_SHORT.maxlevel = 2

#: Longest excerpt copied into lists, feeds and cards, in characters. One
#: 600 KB excerpt repeated on every list, tag page and feed that holds its
#: article made a 2 MB site weigh 240 MB; the article page keeps its own.
EXCERPT_LENGTH = 300
ELLIPSIS = "…"

# C0 and C1 controls and DEL: NUL ends strings in C tools, ESC drives
# terminals, and XML 1.0 (Atom) forbids most of them outright. Tab and line
# breaks are spacing, so they become spaces instead of vanishing.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
_SPACING_CONTROLS = re.compile(r"[\t\n\r\x85]")
# Invisible characters that change nothing a reader sees but make two
# spellings of one word differ: bidi embeddings and isolates (which can also
# reorder what is shown around them), the byte order mark, and the
# noncharacters U+FFFE/U+FFFF. Zero-width joiners stay in text (emoji
# sequences need them) and are removed from names only.
_INVISIBLE_IN_TEXT = "\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff"
_INVISIBLE_IN_NAMES = _INVISIBLE_IN_TEXT + "\u00ad\u034f\u180e\u200b-\u200d\u2060-\u2064"
_TEXT_INVISIBLES = re.compile(f"[{_INVISIBLE_IN_TEXT}]")
_NAME_INVISIBLES = re.compile(f"[{_INVISIBLE_IN_NAMES}]")

#: Python refuses to turn integers of more digits than this into text
#: (``sys.get_int_max_str_digits``, 4,300 by default).
_INT_DIGITS = getattr(sys, "get_int_max_str_digits", lambda: 0)() or 4300


def shown(value: Any) -> str:
    """``repr(value)`` cut short for a message: YAML aliases can nest a billion
    items in a few lines, and a full repr would never finish."""
    try:
        return _SHORT.repr(value)
    except (ValueError, RecursionError):
        # An integer too long to print, or nesting deeper than repr goes.
        return f"<{type(value).__name__} too large to show>"


def too_long_int(value: Any) -> bool:
    """True for an integer with more digits than Python will print."""
    # bit_length is cheap where counting digits is the very conversion refused.
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and value.bit_length() > _INT_DIGITS * 3.32
    )


def clean_text(text: str) -> str:
    """``text`` without control characters and invisible direction marks.

    Tabs and line breaks become spaces; NUL, ESC and the rest are dropped, so
    they never reach a page, a feed or a file name.
    """
    text = _SPACING_CONTROLS.sub(" ", text)
    text = _CONTROLS.sub("", text)
    return _TEXT_INVISIBLES.sub("", text)


def strip_invisible(name: str) -> str:
    """``name`` without zero-width and direction characters: ``A\u200dI`` is ``AI``."""
    return _NAME_INVISIBLES.sub("", name)


def scalar_text(value: Any) -> str | None:
    """A scalar as clean text; ``None`` for lists, mappings, nulls and unprintable numbers."""
    if value is None or isinstance(value, (list, dict, set, tuple)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if too_long_int(value):
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return clean_text(str(value)).strip()


def name_text(value: Any) -> str | None:
    """A scalar as a name: :func:`scalar_text` without invisible characters either."""
    text = scalar_text(value)
    return None if text is None else " ".join(strip_invisible(text).split())


def clip_excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """``text`` cut to at most ``length`` characters (:data:`EXCERPT_LENGTH` for lists,
    feeds and cards; shorter in link previews).

    A cut text ends with "…" (counted in the length), at a space when one is
    near so a Latin word is not split; Japanese has no spaces and is cut
    anywhere.
    """
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    head = text[: length - len(ELLIPSIS)]
    space = head.rfind(" ")
    if space >= length * 3 // 4:
        head = head[:space]
    return head.rstrip() + ELLIPSIS
