"""Plain helpers for YAML values read from front matter: short reprs, scalars as text."""

from __future__ import annotations

import datetime as dt
import reprlib
from typing import Any

_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 80
_SHORT.maxlist = _SHORT.maxdict = _SHORT.maxtuple = _SHORT.maxset = 5
_SHORT.maxlevel = 2


def shown(value: Any) -> str:
    """``repr(value)`` cut short for a message: YAML aliases can nest a billion
    items in a few lines, and a full repr would never finish."""
    return _SHORT.repr(value)


def scalar_text(value: Any) -> str | None:
    """A scalar as text; ``None`` for lists, mappings and nulls."""
    if value is None or isinstance(value, (list, dict)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip()
