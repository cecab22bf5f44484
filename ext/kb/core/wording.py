"""Reader-facing words in one language, for the modules that know no Sphinx.

kb's interface text lives in message catalogs with English msgids
(``kb/locale/<language>/LC_MESSAGES/kb.po``). :mod:`kb.sphinx.i18n` loads the
build's catalog through Sphinx and hands the modules below it a
:class:`Wording`: the catalog's look-ups, and the language for what CLDR
formats better than a catalog could (dates: ``2025年11月7日``,
``November 7, 2025``; months: ``2025年11月``, ``November 2025``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton

#: The catalogs: ``<language>/LC_MESSAGES/kb.po`` and the ``kb.mo`` compiled from it.
LOCALE_DIR = Path(__file__).parent.parent / "locale"
#: The message domain (file name of the catalogs).
CATALOG = "kb"


class Translations(Protocol):
    """What :mod:`gettext` translations offer (and what Sphinx loads)."""

    def gettext(self, message: str) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int) -> str: ...
    def pgettext(self, context: str, message: str) -> str: ...
    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str: ...


@dataclass(frozen=True)
class Wording:
    """The look-ups of one catalog and the language its dates are written in.

    Frozen and hashable: caches of rendered text are keyed by it.
    """

    gettext: Callable[[str], str]
    ngettext: Callable[[str, str, int], str]
    pgettext: Callable[[str, str], str]
    npgettext: Callable[[str, str, str, int], str]
    #: Sphinx's ``language`` (``ja``, ``en``, ``pt_BR``); dates follow it.
    language: str = "en"

    @classmethod
    def of(cls, translations: Translations, language: str) -> Wording:
        """The wording of ``translations`` (a :mod:`gettext` catalog) in ``language``."""
        return cls(
            translations.gettext,
            translations.ngettext,
            translations.pgettext,
            translations.npgettext,
            language,
        )

    def day(self, moment: dt.datetime, zone: dt.tzinfo) -> str:
        """The day of ``moment`` seen in ``zone``, written out (``2025年11月7日``)."""
        return _long_date(self.language, moment.astimezone(zone).date())

    def month(self, year: int, month: int) -> str:
        """A month of a year (``2025年11月``, ``November 2025``)."""
        return _month(self.language, year, month)

    def year(self, year: int) -> str:
        """A year as a heading (``2025年``, ``2025``)."""
        return _year(self.language, year)

    def count(self, number: int) -> str:
        """A number of articles standing on its own (``12件``, ``12 articles``)."""
        return self.npgettext("count", "%(num)d article", "%(num)d articles", number) % {
            "num": number
        }


@functools.lru_cache(maxsize=16)
def plural_samples(language: str) -> tuple[tuple[str, int], ...]:
    """A number of each CLDR plural category of ``language``: ``(("one", 1), ("other", 0))``.

    A script given a text per category picks one with ``Intl.PluralRules``,
    which follows the same CLDR rules.
    """
    rule = locale_of(language).plural_form
    found: dict[str, int] = {}
    for number in range(1000):
        found.setdefault(rule(number), number)
    return tuple(sorted(found.items()))


def language_tag(language: str) -> str:
    """``language`` as a BCP 47 tag, for a browser's ``Intl`` (``pt_BR`` -> ``pt-BR``)."""
    return str(locale_of(language)).replace("_", "-")


@functools.lru_cache(maxsize=16)
def locale_of(language: str) -> Locale:
    """babel's locale for Sphinx's ``language``; English when CLDR has none."""
    try:
        return Locale.parse(language or "en")
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en")


# Cached: a list shows the same dates many times, a chart the same months.
@functools.lru_cache(maxsize=8192)
def _long_date(language: str, day: dt.date) -> str:
    return format_date(day, "long", locale=locale_of(language))


@functools.lru_cache(maxsize=4096)
def _month(language: str, year: int, month: int) -> str:
    return format_skeleton("yMMMM", dt.date(year, month, 1), locale=locale_of(language))


@functools.lru_cache(maxsize=1024)
def _year(language: str, year: int) -> str:
    return format_skeleton("y", dt.date(year, 1, 1), locale=locale_of(language))
