"""Tags and filters of Jekyll plugins, read for what a reader saw (pure).

Each plugin here had an output whose meaning is plain without running it:

- ``{% gist owner/id file %}`` (jekyll-gist), ``{% youtube id %}`` and
  ``{% hatebu url title %}`` (a Hatena Bookmark) showed a gist, a video or a
  page: a link to it;
- ``{% lightbox path, title, alt %}`` (``lightbox.rb``) an image under
  ``/assets/images/`` that opens large: the image;
- ``{% gumroad id title %}`` a button to a product: a link to it;
- ``{% m %}…{% em %}`` inline math: MyST's ``{math}`` role;
- ``{% csssig h2 id='x' %}`` … ``{% endcsssig %}`` its content, with the id as
  a target (other attributes dropped);
- the Amazon Product API filters of ``amazon_liquid_tags.rb``
  (``{{ asin | amazon_link }}``) a link to the product page; what the API said
  about the product (its cover, its authors) cannot be known and is kept out
  of the page (:class:`ServiceOnlyValue`).

A function returns ``None`` when the tag's arguments do not read as the
plugin's: the caller then treats the tag as one kb does not know.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

from kb.jekyll.liquidscope import UnknownValue, liquid_text

_GIST = re.compile(r"^\s*([\w.-]+/)?([0-9a-fA-F]+|[\w-]+)\s*(\S+)?\s*$")
_YOUTUBE = re.compile(r"^\s*([\w-]{6,})")
_HATEBU = re.compile(r"^\s*(https?://\S+)(.*)$", re.S)
_LIGHTBOX = re.compile(r"^\s*([^,\s][^,]*?)\s*(?:,\s*([^,]*?)\s*(?:,\s*(.*?)\s*)?)?$")
_GUMROAD = re.compile(r"^\s*([\w-]+)\s+(.+?)\s*$")
_INLINE_MATH = re.compile(r"\{%-?\s*m\s*-?%\}(?P<math>[^\n]*?)\{%-?\s*em\s*-?%\}")
_CSSSIG_ATTRIBUTE = re.compile(r"(\w+)\s*=\s*(?:[\"']([\w -]*)[\"']|(\w+))")
_HEADING_LEVEL = re.compile(r"^h([1-6])$")
_ASIN = re.compile(r"[0-9A-Z]{10}")
_KANA = re.compile(r"[\u3040-\u30ff]")
#: The Amazon Product API filters of ``amazon_liquid_tags.rb``: each asked
#: Amazon about an ASIN while Jekyll ran.
_AMAZON_LINK = "amazon_link"
_AMAZON_IMAGES = frozenset({"amazon_small_image", "amazon_medium_image", "amazon_large_image"})
_AMAZON_TEXT = frozenset(
    {"amazon_authors", "amazon_actors", "amazon_director", "amazon_release_date",
     "amazon_running_time"}
)
_AMAZON_LINKED = re.compile(
    r"\{\{-?\s*[\"']?([0-9A-Z]{1,10})[\"']?\s*\|+\s*amazon_link\b", re.IGNORECASE
)


class ServiceOnlyValue(Exception):
    """A value only Jekyll could know (a plugin asked a web service): kept out of the page."""


def _gist_link(args: str) -> str | None:
    gist = _GIST.match(args)
    if gist is None:
        return None
    owner, number, file_name = gist.group(1) or "", gist.group(2), gist.group(3)
    label = f"gist {owner}{number}" + (f" ({file_name})" if file_name else "")
    return f"[{label}](https://gist.github.com/{owner}{number})"


def _youtube_link(args: str) -> str | None:
    video = _YOUTUBE.match(args)
    if video is None:
        return None
    return f"[YouTube {video.group(1)}](https://www.youtube.com/watch?v={video.group(1)})"


def _bookmarked_link(args: str) -> str | None:
    # A Hatena Bookmark of a page: the link to the page is what it shows.
    bookmark = _HATEBU.match(args)
    if bookmark is None:
        return None
    label = bookmark.group(2).strip() or bookmark.group(1)
    return f"[{label}]({bookmark.group(1)})"


def _lightbox_image(args: str) -> str | None:
    box = _LIGHTBOX.match(args)
    if box is None:
        return None
    path, title, alt = box.group(1), box.group(2) or "", box.group(3)
    address = "/assets/images/" + path.lstrip("/")
    if re.search(r"[\s()<>]", address):
        address = f"<{address}>"
    caption = f' "{title}"' if title and '"' not in title else ""
    label = (alt if alt is not None else title).replace("[", "(").replace("]", ")")
    return f"![{label}]({address}{caption})"


def _gumroad_link(args: str) -> str | None:
    product = _GUMROAD.match(args)
    if product is None:
        return None
    return f"[{product.group(2)}](https://gum.co/{product.group(1)})"


#: Plugin tags that showed one link or image: name -> its Markdown for the
#: tag's arguments (``None`` when they do not read as the plugin's).
LINK_TAGS: dict[str, Callable[[str], str | None]] = {
    "gist": _gist_link,
    "youtube": _youtube_link,
    "hatebu": _bookmarked_link,
    "lightbox": _lightbox_image,
    "gumroad": _gumroad_link,
}
#: Of :data:`LINK_TAGS`, those converted only outside a code block kb writes;
#: inside one they stay as written.
PROSE_ONLY_TAGS = frozenset({"lightbox", "gumroad"})


def inline_math(text: str, start: int) -> tuple[str, int] | None:
    """``{% m %}…{% em %}`` at ``start`` of ``text`` as a ``{math}`` role, and where it ends."""
    math = _INLINE_MATH.match(text, start)
    if math is None:
        return None
    return f"{{math}}`{math.group('math').strip()}`", math.end()


def csssig_target(text: str, start: int, end: int, args: str) -> tuple[int, str, list[str]]:
    """Where the id of ``{% csssig tag id=… %}`` goes in ``text[start:end]``, what, and the rest.

    The plugin set the attributes on the first ``tag`` element of its
    content: for a heading, ``{#id}`` is added to the first heading of that
    level (kramdown's heading id, which becomes a MyST target); for another
    element, a MyST target before the content.
    """
    element, _, rest = args.partition(" ")
    attributes = {
        key: first if first is not None and first != "" else (second or "")
        for key, first, second in _CSSSIG_ATTRIBUTE.findall(rest)
    }
    ids = [attributes.pop("id")] if attributes.get("id") else []
    dropped = [f"{key}={value!r}" for key, value in attributes.items()]
    if not ids:
        return start, "", dropped
    level = _HEADING_LEVEL.match(element.strip().lower())
    if level:
        heading = re.compile(rf"^ {{0,3}}#{{{level.group(1)}}}(?!#).*?(?=\s*$)", re.M)
        found = heading.search(text, start, end)
        if found:
            return found.end(), f" {{#{ids[0]}}}", dropped
    first = re.compile(r"^[ \t]*\S", re.M).search(text, start, end)
    where = first.start() if first else start
    return where, f"({ids[0]})=\n", dropped


class AmazonFilters:
    """The Amazon Product API filters of one post, answered without the API."""

    def __init__(self, site: Mapping[str, Any], text: str) -> None:
        self.host = _amazon_host(site, text)
        #: ASINs the post links with ``amazon_link``: their images need no second link.
        self.linked_asins = {asin.upper() for asin in _AMAZON_LINKED.findall(text)}

    def filters(self) -> dict[str, Callable[[Any], Any]]:
        """Each filter's name -> the filter, for :class:`kb.jekyll.liquidscope.Scope`."""
        names = [_AMAZON_LINK, *sorted(_AMAZON_IMAGES), *sorted(_AMAZON_TEXT)]
        return {name: functools.partial(self.apply, name) for name in names}

    def apply(self, name: str, value: Any) -> str:
        """What the filter ``name`` of ``value`` (an ASIN) still says without the API."""
        asin = _asin(value)
        product = f"https://{self.host}/dp/{asin}"
        if name == _AMAZON_LINK or (name in _AMAZON_IMAGES and asin not in self.linked_asins):
            # The title (or cover) came from the API; the product page is still the link.
            return f"[Amazon {asin}]({product})"
        if name in _AMAZON_IMAGES:
            raise ServiceOnlyValue(
                f"showed the cover Amazon's Product API gave for {asin}, which kb cannot ask "
                "(the post links the product with amazon_link)"
            )
        raise ServiceOnlyValue(
            f"showed what Amazon's Product API said about {asin}, which kb cannot ask"
        )


def _amazon_host(site: Mapping[str, Any], text: str) -> str:
    """The Amazon store the site's readers were sent to: by the site's language, else its text."""
    language = next(
        (str(site[key]) for key in ("lang", "language", "locale") if site.get(key)), ""
    )
    if language:
        return "www.amazon.co.jp" if language.lower().startswith("ja") else "www.amazon.com"
    return "www.amazon.co.jp" if _KANA.search(text) else "www.amazon.com"


def _asin(value: Any) -> str:
    # An unquoted ISBN-10 loses its leading zeros as a number: it had ten digits.
    asin = f"{value:010d}" if isinstance(value, int) else liquid_text(value).strip()
    if not _ASIN.fullmatch(asin.upper()):
        raise UnknownValue(f"{asin!r} is not an ASIN")
    return asin.upper()
