"""Sharing: social cards, and (in builds) meta tags, JSON-LD, sitemap, robots.txt and feeds."""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from kb import cards
from kb.cards import Card, FontSpec, card_key, missing_glyphs, render, wrap

REPO = Path(__file__).resolve().parent.parent
TITLE = "OpenAIの1.4兆ドル投資、その真意は？AIの未来をどう変えるの？「データセンター」の電力"

needs_font = pytest.mark.skipif(
    not os.path.isfile(cards.FONT_FILE) and os.environ.get("CI") != "true",
    reason=f"the pinned card font {cards.FONT_FILE} is not installed "
    f"(apt-get install {cards.FONT_PACKAGE})",
)


@needs_font
def test_card_is_1200_by_630_png_with_every_glyph_of_the_title() -> None:
    data = render(Card(TITLE, "ALLFORCES 分析ノート", "2025年11月7日"))
    image = Image.open(BytesIO(data))
    assert (image.format, image.size) == ("PNG", (1200, 630))
    # The pinned face really is the Japanese one, and it covers the title,
    # the site name and the date: no character would be a missing-glyph box.
    assert missing_glyphs(TITLE + "ALLFORCES 分析ノート" + "2025年11月7日") == []
    assert missing_glyphs("𠀋😀") == ["😀"]
    # Something was drawn where the title goes (not a blank card).
    assert image.convert("L").crop((80, 90, 1120, 200)).getextrema()[1] > 200


@needs_font
def test_card_bytes_are_deterministic_and_key_follows_content() -> None:
    card = Card(TITLE, "サイト", "2025年11月7日")
    assert render(card) == render(card)
    font = FontSpec()
    assert card_key(card, font) == card_key(Card(TITLE, "サイト", "2025年11月7日"), font)
    assert card_key(card, font) != card_key(Card(TITLE, "サイト", "2025年11月8日"), font)
    assert card_key(card, font) != card_key(Card(TITLE + "！", "サイト", "2025年11月7日"), font)
    assert card_key(card, font) != card_key(card, FontSpec(path="/nonexistent.ttc"))


@needs_font
def test_long_title_is_cut_with_an_ellipsis() -> None:
    data = render(Card("長い題名" * 80, "サイト", "2025年11月7日"))
    assert Image.open(BytesIO(data)).size == (1200, 630)


def test_missing_font_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(cards.FontMissingError, match="fonts-noto-cjk"):
        render(Card("題", "サイト", "日付"), FontSpec(path=str(tmp_path / "none.ttc")))


def test_wrap_follows_kinsoku_and_keeps_latin_words() -> None:
    def width(text: str) -> float:
        return float(len(text))

    assert wrap("あいうえお。かきくけこ", width, 5) == ["あいうえお。", "かきくけこ"]
    assert wrap("あいう「えお", width, 4) == ["あいう", "「えお"]
    assert wrap("データ OpenAI です", width, 6) == ["データ", "OpenAI", "です"]


def test_setup_installs_the_pinned_font() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    readthedocs = (REPO / ".readthedocs.yaml").read_text(encoding="utf-8")
    assert cards.FONT_PACKAGE in ci
    assert cards.FONT_PACKAGE in readthedocs
