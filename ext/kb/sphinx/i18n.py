"""kb's interface text through Sphinx's i18n: the ``kb`` message catalog.

Every string kb shows a reader has an English msgid; the catalogs under
``kb/locale/`` (``ja`` and ``en``; compiled ``.mo`` beside each ``.po``)
give its text in the build's ``language``, which Sphinx loads with
:meth:`~sphinx.application.Sphinx.add_message_catalog`. A language without a
catalog reads the English msgids, as Sphinx's own catalogs do. Warnings are
not translated: they stay in English, as Sphinx's do.

Modules with Sphinx use :func:`_`; the modules below them get a
:class:`~kb.core.wording.Wording` (:func:`wording`) that asks the same catalog.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from sphinx.locale import get_translation, get_translator

from kb.core.wording import CATALOG, LOCALE_DIR, Wording

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_ = get_translation(CATALOG)


def ngettext(singular: str, plural: str, n: int) -> str:
    return get_translator(CATALOG).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return get_translator(CATALOG).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return get_translator(CATALOG).npgettext(context, singular, plural, n)


@functools.lru_cache(maxsize=8)
def wording(language: str | None) -> Wording:
    """The catalog Sphinx loaded for this build, and its ``language`` for dates.

    The look-ups ask Sphinx's translator on every call, so one Wording per
    language serves every build of a process.
    """
    return Wording(_, ngettext, pgettext, npgettext, language or "en")


def wording_of(app: Sphinx) -> Wording:
    return wording(app.config.language)


def setup(app: Sphinx) -> None:
    app.add_message_catalog(CATALOG, str(LOCALE_DIR))
