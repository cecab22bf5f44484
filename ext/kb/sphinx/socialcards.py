"""Social cards: a PNG per article (title, site name, date) for ``og:image``.

Drawn at ``build-finished`` by :mod:`kb.sphinx.sharing` through the build's
:class:`kb.sphinx.outputs.Outputs`, only for articles whose card would look
different; :mod:`kb.pictures.cards` draws them, without Sphinx.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from kb.core.frontmatter import read_front_matter
from kb.core.records import Article
from kb.core.values import shown
from kb.pictures import cardfont, cards
from kb.sphinx.affected import current_scope
from kb.sphinx.config import base_url, kb_config, site_name
from kb.sphinx.domain import domain_of
from kb.sphinx.i18n import wording_of
from kb.sphinx.outputs import Outputs, Owner, Refused

logger = logging.getLogger(__name__)

CARDS = "cards"
#: Where the cards go in the output folder.
CARDS_PATH = "_kb/cards"


def _warn(message: str, *args: Any, subtype: str, location: Any = None) -> None:
    logger.warning(message, *args, type="kb", subtype=subtype, location=location)


def card_path(docname: str) -> str:
    return f"{CARDS_PATH}/{docname}.png"


def _line_of(env: BuildEnvironment, docname: str, key: str) -> int | None:
    try:
        text = Path(env.doc2path(docname)).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return read_front_matter(text).lines.get(key)


#: Characters a missing-glyph warning names before it counts the rest.
_MISSING_SHOWN = 20


def _card_refused(app: Sphinx, docname: str, refusal: Refused) -> None:
    _warn(
        "social card not written at %s: %s",
        shown(refusal.relative),
        refusal.reason,
        subtype="output",
        location=(docname, _line_of(app.env, docname, "title")),
    )


def write_cards(app: Sphinx, outputs: Outputs) -> tuple[int, float]:
    """Cards for every article that has none or whose title, date or site name changed.

    Returns how many were drawn and the seconds it took (for ``make bench``).
    """
    if not kb_config(app).cards or not base_url(app):
        return 0, 0.0
    font = cardfont.FontSpec(path=kb_config(app).card_font)
    domain = domain_of(app.env)
    words = wording_of(app)
    name = site_name(app)
    # What every card depends on besides its article; with it unchanged and no
    # document read or removed, every card on disk is current: a no-op build
    # looks at no card (checking 2,000 of them one by one took 0.3 s).
    stamp = (
        f"{cards.LAYOUT_VERSION}|{font.identity()}|{name}|{kb_config(app).timezone}|"
        f"{words.language}"
    )
    same_stamp = outputs.stamp(CARDS, stamp)
    shown_articles = sorted(
        (docname, article)
        for docname, article in domain.articles.items()
        if article.is_article and not article.draft
    )
    # A card refused last time (another output has its path) is not on disk:
    # it is looked at again, and reported again, as on a clean build.
    every_card = {card_path(docname) for docname, _ in shown_articles}
    if (
        same_stamp
        and not domain.lists_changed
        and set(outputs.previous_files(CARDS)) == every_card
        and outputs.keep_group(CARDS)
    ):
        # Every card was drawn with this font as it is (its identity is in the stamp).
        return 0, 0.0
    scope = current_scope(domain)
    if (
        same_stamp
        and scope is not None
        and set(outputs.previous_files(CARDS)) == every_card
        and outputs.keep_group(CARDS)
    ):
        # An edit whose scope is known added, removed, hid or redated no article:
        # only the cards of the articles whose record changed (a title) can
        # differ, and the others are kept as they are, not made again one by one.
        shown_articles = [item for item in shown_articles if item[0] in scope.changed]
    try:
        cardfont.check_font(font)
    except cardfont.FontMissingError as error:
        _warn("%s; no social cards", error, subtype="cards")
        return 0, 0.0
    started = time.perf_counter()
    to_draw = _cards_to_draw(app, outputs, font, name, shown_articles)
    _draw_and_write(app, outputs, font, to_draw)
    drawn = len(to_draw)
    return drawn, time.perf_counter() - started

def _cards_to_draw(
    app: Sphinx,
    outputs: Outputs,
    font: cardfont.FontSpec,
    name: str,
    shown_articles: list[tuple[str, Article]],
) -> list[tuple[str, str, str, cards.Card]]:
    """(docname, path, key, card) of each card not on disk as it would be drawn now;
    the others are recorded as kept."""
    zone = kb_config(app).zone
    words = wording_of(app)
    to_draw: list[tuple[str, str, str, cards.Card]] = []
    for docname, article in shown_articles:
        card = cards.Card(
            article.title, name, words.day(article.date, zone) if article.date else ""
        )
        relative = card_path(docname)
        key = cards.card_key(card, font)[:20]
        try:
            if outputs.unchanged(relative, key):
                outputs.note(relative, key, CARDS)
                continue
            outputs.claim(relative, Owner(CARDS))
        except Refused as refusal:
            _card_refused(app, docname, refusal)
            continue
        missing = cardfont.missing_glyphs(article.title, font)
        if missing:
            shown_missing = " ".join(missing[:_MISSING_SHOWN])
            if len(missing) > _MISSING_SHOWN:
                shown_missing += f" and {len(missing) - _MISSING_SHOWN} more"
            _warn(
                "the card font has no glyph for %s; the card shows boxes there",
                shown(shown_missing),
                subtype="cards",
                location=(docname, _line_of(app.env, docname, "title")),
            )
        to_draw.append((docname, relative, key, card))
    return to_draw


def _draw_and_write(
    app: Sphinx,
    outputs: Outputs,
    font: cardfont.FontSpec,
    to_draw: list[tuple[str, str, str, cards.Card]],
) -> None:
    if to_draw:
        # Compressing a PNG and pasting glyphs release the GIL, so threads
        # draw cards side by side; files are written here, in order.
        workers = min(len(to_draw), os.cpu_count() or 1, 4)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            drawn_cards = pool.map(lambda item: cards.render(item[3], font), to_draw)
            for (docname, relative, key, _), data in zip(to_draw, drawn_cards, strict=True):
                try:
                    outputs.write(relative, data, CARDS, digest=key)
                except Refused as refusal:
                    _card_refused(app, docname, refusal)
