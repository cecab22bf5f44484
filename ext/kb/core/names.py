"""Normalising tag, category and author names, and turning them into safe slugs.

Written by hand because no slug library fits: python-slugify and Django's
``slugify`` transliterate or drop Japanese, and ABlog's NFKD folding turns
データ into テータ. Here a slug keeps Japanese readable, never holds a path
separator or a dot run, and stays a valid file name on every platform.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

from kb.core.values import clean_text, strip_invisible

#: Longest slug written to disk, in characters; long names get a hash suffix.
MAX_SLUG_LENGTH = 80
#: Longest slug in UTF-8 bytes: most file systems allow 255 bytes per name, and
#: 80 characters outside the BMP (𠮷) are 320; room is left for ``.html``, a
#: ``-2`` after a collision and the suffixes of temporary files.
MAX_SLUG_BYTES = 200
#: Names Windows refuses for a file whatever its extension (``con.html`` too).
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}
)

_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"-{2,}")
# Symbols that carry meaning in technology names and would otherwise vanish,
# making C, C++ and C# one slug.
_SPOKEN_SYMBOLS = {"+": "plus", "#": "sharp", "&": "and", "@": "at"}


def is_latin(char: str) -> bool:
    """Latin letters (with or without marks), ASCII digits and symbols."""
    return char.isascii() or unicodedata.name(char, "").startswith("LATIN")


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The comparison key of a name (tag, category, author, series, glossary name):
    NFKC, Latin letters case-folded, spaces collapsed. Search text folds by
    another rule, one JavaScript can follow (:func:`kb.search.tokenizer.fold_width_and_case`).

    ``AI``, ``ai`` and ``ＡＩ`` share a key; Japanese is left as it is (NFKC
    already maps half-width katakana to full width without touching dakuten).
    Zero-width, direction and control characters go first: ``A\u200dI`` is
    ``AI``, and an invisible mark cannot make a second page for one name.
    """
    text = unicodedata.normalize("NFKC", strip_invisible(clean_text(name)))
    text = "".join(char.casefold() if is_latin(char) else char for char in text)
    return _SPACES.sub(" ", text).strip()


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def _slug_char(char: str) -> str:
    if char in _SPOKEN_SYMBOLS:
        return f"-{_SPOKEN_SYMBOLS[char]}-"
    if char in "-_":
        return char
    category = unicodedata.category(char)
    # Letters, digits and combining marks are safe in URLs (percent-encoded by
    # the browser) and in file names; everything else becomes a separator.
    if category[0] in "LN" or category in ("Mn", "Mc"):
        return char
    return "-"


def slugify(name: str) -> str:
    """A URL- and file-safe slug for ``name``; never empty, never ``/`` or ``..``."""
    key = name_key(name)
    slug = "".join(_slug_char(char) for char in key)
    slug = _DASHES.sub("-", slug).strip("-_")
    if not slug:
        return f"x-{_short_hash(key or name)}"
    if len(slug) > MAX_SLUG_LENGTH or len(slug.encode("utf-8")) > MAX_SLUG_BYTES:
        head = slug[: MAX_SLUG_LENGTH - 9]
        while len(head.encode("utf-8")) > MAX_SLUG_BYTES - 9:
            head = head[:-1]
        slug = f"{head.rstrip('-_')}-{_short_hash(key)}"
    if slug in _WINDOWS_RESERVED:
        slug = f"{slug}-{_short_hash(key)}"
    return slug


def is_safe_slug(slug: str) -> bool:
    """True when ``slug`` is what :func:`slugify` could return."""
    return bool(slug) and slugify(slug) == slug
