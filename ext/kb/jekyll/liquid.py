"""Jekyll's Liquid left-overs in imported posts: convert what has a clear meaning.

Jekyll runs every post through Liquid before Markdown; kb never evaluates an
article as a template, so what Liquid would have done is done once, here, by
``kb import``, where the meaning is clear at import time:

- ``{% highlight lang %}`` … ``{% endhighlight %}`` becomes a fenced code block;
- ``{% raw %}`` … ``{% endraw %}`` is unwrapped: its content was meant literally;
- ``{{ site.baseurl }}``, ``{{ site.url }}`` and Jekyll-Bootstrap's
  ``{{ BASE_PATH }}`` are dropped, so the links they started become
  site-relative (``/2025/11/07/slug.html``), which the importer then points at
  the imported articles; ``{% include JB/setup %}`` (it only sets variables)
  is dropped too;
- ``{{ site.* }}`` values of ``_config.yml``, ``{{ page.* }}`` values of the
  post's front matter, ``{% assign %}`` and lookups in the site's data files
  (``site.data.releases | where: "version", "3.2.1" | first``) are filled in,
  with the filters ``relative_url``, ``absolute_url``, ``prepend``,
  ``append``, ``where``, ``first``, ``last``, ``size``, ``default``,
  ``downcase``, ``upcase``, ``strip``, ``join`` and ``escape``;
- ``{% post_url %}`` and ``{% link %}`` become the URL Jekyll gave the post or
  page; ``{% gist %}`` and ``{% youtube %}`` a link to the gist or video,
  ``{% hatebu url title %}`` a link to the page; ``{% math %}`` a math block;
  the footnote tags ``{% fn_ref %}``, ``{% footnotes %}``, ``{% fn %}``
  Markdown footnotes; ``{% comment %}`` an HTML comment.

Some plugins common on Japanese blogs have a plain reading too: a
``{% lightbox path, title, alt %}`` image is the image, ``{% gumroad id
title %}`` a link, ``{% m %}…{% em %}`` inline math, ``{% csssig h2
id='x' %}`` … ``{% endcsssig %}`` its content with the id as a target, and the
Amazon Product API filters (``{{ asin | amazon_link }}``) a link to the
product page. A bare name nothing defines (``{{ BASE_URL }}``) printed
nothing under Jekyll, and prints nothing here.

Everything else (another ``{% include %}``, loops, conditions, unknown filters
and plugin tags) has no meaning outside the Jekyll site: its output cannot be
known. In prose it is kept in the source inside an HTML comment, out of the
page (a block tag with its content, from its line to its end tag's line);
in code, a link target or an HTML tag it is kept as written. Either way it is
reported with its line. Pure: no Sphinx, no file system (the context answers
for the site).
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kb.jekyll.kramdown import chunks, inline_code_spans

#: Liquid tags (``{% … %}``) and outputs (``{{ … }}``), with Liquid's
#: whitespace-trimming dashes.
_LIQUID = re.compile(r"\{%-?\s*(?P<tag>\w*)(?P<args>.*?)-?%\}|\{\{-?(?P<output>.*?)-?\}\}", re.S)
#: Where the site was mounted: links starting with these become site-relative.
_SITE_ROOTS = frozenset(
    {"site.baseurl", "site.url", "site.github.url", "BASE_PATH", "site.JB.BASE_PATH"}
)
#: Language names as they may follow ``highlight``; anything else is not a fence info.
_LANGUAGE = re.compile(r"[\w+#.-]+")
_BACKTICKS = re.compile(r"`{3,}")
#: One token of a Liquid expression: a quoted string, a number, a name path, punctuation.
_TOKEN = re.compile(
    r"""\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<num>-?\d+(?:\.\d+)?)(?![\w.])"""
    r"""|(?P<name>[A-Za-z_][\w-]*(?:\.[\w-]+|\[\d+\]|\[["'][^"']*["']\])*)|(?P<punct>[|:,=]))"""
)
_PATH_PART = re.compile(r"\.([\w-]+)|\[(\d+)\]|\[[\"']([^\"']*)[\"']\]")
_GIST = re.compile(r"^\s*([\w.-]+/)?([0-9a-fA-F]+|[\w-]+)\s*(\S+)?\s*$")
_YOUTUBE = re.compile(r"^\s*([\w-]{6,})")
_HATEBU = re.compile(r"^\s*(https?://\S+)(.*)$", re.S)


class _Unknown(Exception):
    """An expression kb cannot evaluate; the message says what."""


@dataclass
class LiquidContext:
    """What the site knows that a post's Liquid may ask for."""

    #: ``_config.yml`` as read.
    site: Mapping[str, Any] = field(default_factory=dict)
    #: The post's front matter.
    page: Mapping[str, Any] = field(default_factory=dict)
    #: The value of ``site.data.<name>`` (``_data/<name>.yml`` …), ``None`` when absent.
    data: Callable[[str], Any] = lambda name: None
    #: The URL of the post ``{% post_url name %}`` names, ``None`` when unknown.
    post_url: Callable[[str], str | None] = lambda name: None
    #: The URL of the file ``{% link path %}`` names, ``None`` when unknown.
    link: Callable[[str], str | None] = lambda path: None
    #: The text of the site's ``_includes/<name>``, ``None`` when it has none.
    include: Callable[[str], str | None] = lambda name: None


@dataclass(frozen=True)
class LiquidNote:
    """A Liquid construct kept as text: ``line`` is 1-based in the converted text's source."""

    line: int
    message: str


def _tokens(text: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    position = 0
    while position < len(text):
        if not text[position:].strip():
            break
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise _Unknown(f"cannot read {text.strip()!r}")
        position = match.end()
        if match.group("dq") is not None or match.group("sq") is not None:
            tokens.append(
                ("value", match.group("dq") if match.group("dq") is not None else match.group("sq"))
            )
        elif match.group("num") is not None:
            number = match.group("num")
            tokens.append(("value", float(number) if "." in number else int(number)))
        elif match.group("name") is not None:
            name = match.group("name")
            literal = {"true": True, "false": False, "nil": None, "null": None}
            tokens.append(("value", literal[name]) if name in literal else ("name", name))
        else:
            tokens.append(("punct", match.group("punct")))
    return tokens


class _Undefined(_Unknown):
    """A bare name that nothing the site or the post defines."""


#: Names Jekyll or a layout defines while a post renders: not known to be empty.
_JEKYLL_NAMES = frozenset({"content", "paginator", "layout", "jekyll", "include", "forloop"})


class _Scope:
    """Variables of one post: ``site``, ``page`` and what ``{% assign %}`` set."""

    def __init__(self, context: LiquidContext, text: str = "") -> None:
        self.context = context
        self.assigned: dict[str, Any] = {}
        self.amazon_host = _amazon_host(context.site, text)
        #: ASINs the post links with ``amazon_link``: their images need no second link.
        self.linked_asins = {asin.upper() for asin in _AMAZON_LINKED.findall(text)}

    def amazon(self, name: str, value: Any) -> str:
        """What an Amazon Product API filter of ``value`` (an ASIN) still says without the API."""
        asin = _asin(value)
        product = f"https://{self.amazon_host}/dp/{asin}"
        if name == _AMAZON_LINK or (name in _AMAZON_IMAGES and asin not in self.linked_asins):
            # The title (or cover) came from the API; the product page is still the link.
            return f"[Amazon {asin}]({product})"
        if name in _AMAZON_IMAGES:
            raise _OutOfPage(
                f"showed the cover Amazon's Product API gave for {asin}, which kb cannot ask "
                "(the post links the product with amazon_link)"
            )
        raise _OutOfPage(f"showed what Amazon's Product API said about {asin}, which kb cannot ask")

    def lookup(self, path: str) -> Any:
        head = re.match(r"[A-Za-z_][\w-]*", path)
        assert head is not None
        name, rest = head.group(0), path[head.end() :]
        parts: list[str | int] = []
        for found in _PATH_PART.finditer(rest):
            parts.append(
                int(found.group(2)) if found.group(2) else (found.group(1) or found.group(3))
            )
        value: Any
        if name in self.assigned:
            value = self.assigned[name]
        elif name == "site":
            if parts[:1] == ["data"] and len(parts) > 1:
                value = self.context.data(str(parts[1]))
                if value is None:
                    raise _Unknown(f"site.data.{parts[1]} is not a data file of the site")
                parts = parts[2:]
            else:
                value = self.context.site
        elif name == "page":
            value = self.context.page
        else:
            raise _Unknown(f"{name} is a Jekyll variable kb does not know")
        for part in parts:
            container: Any = value
            if (
                isinstance(part, int)
                and isinstance(value, list)
                and -len(value) <= part < len(value)
            ) or (isinstance(value, Mapping) and part in value):
                value = container[part]
            elif isinstance(value, list) and part in ("first", "last", "size"):
                value = _FILTERS[str(part)](value, [])
            else:
                raise _Unknown(f"{path} has no value in the site")
        return value

    def evaluate(self, expression: str) -> Any:
        tokens = _tokens(expression)
        if not tokens:
            raise _Unknown("empty expression")
        kind, first = tokens[0]
        if (
            len(tokens) == 1
            and kind == "name"
            and re.fullmatch(r"[A-Za-z_][\w-]*", str(first))
            and first not in self.assigned
            and first not in ("site", "page")
            and first not in _JEKYLL_NAMES
        ):
            raise _Undefined(f"{first} is defined nowhere in the site or the post")
        value = self.operand(tokens[0])
        index = 1
        while index < len(tokens):
            while tokens[index : index + 2] == [("punct", "|"), ("punct", "|")]:
                index += 1  # Liquid's lax parser skips an empty filter (``x || f``)
            if (
                tokens[index] != ("punct", "|")
                or index + 1 >= len(tokens)
                or tokens[index + 1][0] != "name"
            ):
                raise _Unknown(f"cannot read {expression.strip()!r}")
            name = str(tokens[index + 1][1])
            index += 2
            arguments: list[Any] = []
            if index < len(tokens) and tokens[index] == ("punct", ":"):
                index += 1
                while index < len(tokens) and tokens[index][0] != "punct":
                    arguments.append(self.operand(tokens[index]))
                    index += 1
                    if index < len(tokens) and tokens[index] == ("punct", ","):
                        index += 1
            if name == _AMAZON_LINK or name in _AMAZON_IMAGES or name in _AMAZON_TEXT:
                value = self.amazon(name, value)
                continue
            if name not in _FILTERS:
                raise _Unknown(f"the filter {name} has no meaning outside Jekyll")
            value = _FILTERS[name](value, arguments)
        return value

    def operand(self, token: tuple[str, Any]) -> Any:
        kind, value = token
        if kind == "value":
            return value
        if kind == "name":
            return self.lookup(str(value))
        raise _Unknown(f"unexpected {value!r}")


def _site_path(value: Any, arguments: list[Any]) -> Any:
    # relative_url and absolute_url: the site-relative path, which the
    # importer points at the imported article or file.
    text = _text(value)
    return text if text.startswith(("/", "#")) or "://" in text else "/" + text


def _where(value: Any, arguments: list[Any]) -> Any:
    if not isinstance(value, list) or len(arguments) != 2:
        raise _Unknown("where needs a list, a key and a value")
    key, wanted = arguments
    return [
        item
        for item in value
        if isinstance(item, Mapping) and _text(item.get(key)) == _text(wanted)
    ]


def _pick(index: int) -> Callable[[Any, list[Any]], Any]:
    def pick(value: Any, arguments: list[Any]) -> Any:
        if isinstance(value, list):
            return value[index] if value else None
        if isinstance(value, str):
            return value[index] if value else ""
        raise _Unknown("first and last need a list")

    return pick


_FILTERS: dict[str, Callable[[Any, list[Any]], Any]] = {
    "relative_url": _site_path,
    "absolute_url": _site_path,
    "prepend": lambda value, arguments: "".join(map(_text, arguments)) + _text(value),
    "append": lambda value, arguments: _text(value) + "".join(map(_text, arguments)),
    "where": _where,
    "first": _pick(0),
    "last": _pick(-1),
    "size": lambda value, arguments: len(value) if isinstance(value, (list, str, Mapping)) else 0,
    "default": lambda value, arguments: (
        value if value not in (None, "", False, []) else (arguments[:1] or [""])[0]
    ),
    "downcase": lambda value, arguments: _text(value).lower(),
    "upcase": lambda value, arguments: _text(value).upper(),
    "strip": lambda value, arguments: _text(value).strip(),
    "join": lambda value, arguments: (
        _text(arguments[0] if arguments else " ").join(map(_text, value))
        if isinstance(value, list)
        else _text(value)
    ),
    "escape": lambda value, arguments: html.escape(_text(value)),
    "xml_escape": lambda value, arguments: html.escape(_text(value)),
}


def _text(value: Any) -> str:
    """A value as Liquid prints it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "".join(_text(item) for item in value)
    if isinstance(value, Mapping):
        raise _Unknown("a mapping has no text")
    return str(value)


#: How deep ``{% include %}`` may nest: an include that includes itself stops here.
MAX_INCLUDE_DEPTH = 5
_INCLUDE = re.compile(r"^\s*([\w./-]+)\s*$")


def _included(args: str, context: LiquidContext, depth: int, line: int) -> str | None:
    """The text of the include ``args`` names, its own Liquid converted; ``None`` when absent."""
    if depth >= MAX_INCLUDE_DEPTH:
        return None
    text = context.include(args.strip())
    if text is None:
        return None
    converted, _ = convert_liquid(text, line, context, depth + 1)
    return converted.rstrip("\n")


_LIGHTBOX = re.compile(r"^\s*([^,\s][^,]*?)\s*(?:,\s*([^,]*?)\s*(?:,\s*(.*?)\s*)?)?$")
_GUMROAD = re.compile(r"^\s*([\w-]+)\s+(.+?)\s*$")
_CSSSIG_ATTRIBUTE = re.compile(r"(\w+)\s*=\s*(?:[\"']([\w -]*)[\"']|(\w+))")
_INLINE_MATH = re.compile(r"\{%-?\s*m\s*-?%\}(?P<math>[^\n]*?)\{%-?\s*em\s*-?%\}")
_ASIN = re.compile(r"[0-9A-Z]{10}")
_END_TAG = re.compile(r"\{%-?\s*end(\w+)")
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
_KANA = re.compile(r"[\u3040-\u30ff]")
_UNCLOSED_TAG = re.compile(r"<[A-Za-z][^<>]*$")
_UNCLOSED_TARGET = re.compile(r"\]\([^)\s]*$")
_HEADING_LEVEL = re.compile(r"^h([1-6])$")


class _OutOfPage(Exception):
    """A value only Jekyll could know (a plugin asked a web service): kept out of the page."""


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
    asin = f"{value:010d}" if isinstance(value, int) else _text(value).strip()
    if not _ASIN.fullmatch(asin.upper()):
        raise _Unknown(f"{asin!r} is not an ASIN")
    return asin.upper()


def _comment(text: str) -> str:
    """``text`` inside an HTML comment, which it cannot end early."""
    return "<!-- " + text.replace("-->", "- ->") + " -->"


def _block_ends(text: str) -> dict[int, re.Match[str]]:
    """Where each block tag of ``text`` opens -> its ``{% endname %}``, in one pass."""
    ended = set(_END_TAG.findall(text))
    if not ended:
        return {}
    opened: dict[str, list[int]] = {}
    found: dict[int, re.Match[str]] = {}
    for match in _LIQUID.finditer(text):
        tag = match.group("tag") or ""
        if tag in ended:
            opened.setdefault(tag, []).append(match.start())
        elif tag.startswith("end") and opened.get(tag[3:]):
            found[opened[tag[3:]].pop()] = match
    return found


def _line_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """(start of ``start``'s line, end of ``end``'s line) when nothing else shares those lines."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start:start].strip() or text[end:line_end].strip():
        return None
    return line_start, line_end


def _code_ranges(text: str) -> list[tuple[int, int]]:
    """Offsets of code in ``text`` (fenced and indented blocks, inline code spans)."""
    ranges: list[tuple[int, int]] = []
    offset = 0
    for chunk in chunks(text):
        end = offset + len(chunk.text)
        if chunk.code:
            ranges.append((offset, end))
        else:
            ranges.extend((offset + a, offset + b) for a, b in inline_code_spans(chunk.text))
        offset = end + 1
    return ranges


def _csssig_target(text: str, start: int, end: int, args: str) -> tuple[int, str, list[str]]:
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


def convert_liquid(
    text: str, first_line: int = 1, context: LiquidContext | None = None, depth: int = 0
) -> tuple[str, list[LiquidNote]]:
    """``text`` with its Liquid converted, and a note for each construct kept as written.

    ``first_line`` is the file line of the first line of ``text``, for the
    notes; ``context`` answers for the post's site (without it, only what
    needs no site is converted). Line breaks are kept where they were, so
    lines after a converted tag keep their numbers.
    """
    out: list[str] = []
    notes: list[LiquidNote] = []
    position = 0
    raw_from: int | None = None  # the {% raw %} being unwrapped, by offset
    fence: str | None = None  # the fence of the {% highlight %} being converted
    scope = _Scope(context, text) if context is not None else None
    footnote = 0
    skip_to = 0  # matches before this offset are inside a block kept in a comment
    inserts: dict[int, str] = {}  # offset -> text to add there (csssig ids)
    open_csssig = 0
    code = _code_ranges(text) if "`" in text or "    " in text or "\t" in text else []
    code_starts = [start for start, _ in code]
    block_ends = _block_ends(text)

    def in_code(offset: int) -> bool:
        index = bisect.bisect_right(code_starts, offset) - 1
        return index >= 0 and offset < code[index][1]

    newlines: list[int] | None = None

    def line_of(offset: int) -> int:
        nonlocal newlines
        if newlines is None:  # found once: counting from the start for each note is quadratic
            newlines = [found.start() for found in re.finditer("\n", text)]
        return first_line + bisect.bisect_left(newlines, offset)

    def copy(start: int, end: int) -> None:
        for offset in sorted(o for o in inserts if start <= o < end):
            out.append(text[start:offset] + inserts.pop(offset))
            start = offset
        out.append(text[start:end])

    def shown(construct: str) -> str:
        construct = " ".join(construct.split())
        return construct if len(construct) <= 60 else construct[:59] + "…"

    def in_page_text(match: re.Match[str]) -> bool:
        """Whether ``match`` is prose a reader sees (not code, a link target or an HTML tag)."""
        if fence is not None or in_code(match.start()):
            return False
        before = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
        return not (_UNCLOSED_TAG.search(before) or _UNCLOSED_TARGET.search(before))

    def keep(match: re.Match[str], why: str) -> None:
        if in_page_text(match):
            notes.append(
                LiquidNote(
                    line_of(match.start()),
                    f"Liquid {shown(match.group(0))} {why}; kept in an HTML comment, out of the page",
                )
            )
            out.append(_comment(match.group(0)))
            return
        notes.append(
            LiquidNote(line_of(match.start()), f"Liquid {shown(match.group(0))} {why}; kept as text")
        )
        out.append(match.group(0))

    def keep_block(match: re.Match[str], tag: str) -> bool:
        """A block tag on its own lines kept whole in a comment; ``False`` when it is not one."""
        if not in_page_text(match):
            return False
        end = block_ends.get(match.start())
        span = _line_span(text, match.start(), end.end()) if end is not None else None
        if end is None or span is None or in_code(span[0]) or code_starts[
            bisect.bisect_left(code_starts, span[0]) : bisect.bisect_left(code_starts, span[1])
        ]:
            return False
        nonlocal skip_to
        block = text[match.start() : end.end()]
        notes.append(
            LiquidNote(
                line_of(match.start()),
                f"Liquid {shown(match.group(0))} … {{% end{tag} %}} (lines "
                f"{line_of(match.start())}–{line_of(end.end())}) has no meaning outside "
                "Jekyll; kept in an HTML comment, out of the page",
            )
        )
        out.append(_comment(block))
        skip_to = end.end()
        return True

    for match in _LIQUID.finditer(text):
        if match.start() < skip_to:
            continue
        copy(max(position, skip_to), match.start())
        position = match.end()
        tag = match.group("tag")
        args = (match.group("args") or "").strip()
        if raw_from is not None:
            if tag == "endraw":
                raw_from = None
            else:
                out.append(match.group(0))
            continue
        if tag == "raw":
            raw_from = match.start()
        elif tag == "highlight" and fence is None:
            language = args.split()
            info = language[0] if language and _LANGUAGE.fullmatch(language[0]) else ""
            fence = _fence_for(text, match.end())
            out.append(_on_own_line(out, f"{fence}{info}") + _line_break_after(text, position))
        elif tag == "endhighlight" and fence is not None:
            out.append(_on_own_line(out, fence) + _line_break_after(text, position))
            fence = None
        elif tag in ("highlight", "endhighlight"):
            keep(match, "has no matching highlight tag")
        elif tag == "include" and args.split()[:1] == ["JB/setup"]:
            continue  # Jekyll-Bootstrap's setup only sets variables
        elif tag == "include" and context is not None and _INCLUDE.match(args):
            included = _included(args, context, depth, line_of(match.start()))
            if included is None:
                keep(match, "names a file that is not in the site's _includes")
            else:
                out.append(included)
        elif tag == "comment":
            out.append("<!-- ")
        elif tag == "endcomment":
            out.append(" -->")
        elif tag == "gist" and _GIST.match(args):
            gist = _GIST.match(args)
            assert gist is not None
            owner, number, file_name = gist.group(1) or "", gist.group(2), gist.group(3)
            label = f"gist {owner}{number}" + (f" ({file_name})" if file_name else "")
            out.append(f"[{label}](https://gist.github.com/{owner}{number})")
        elif tag == "youtube" and _YOUTUBE.match(args):
            video = _YOUTUBE.match(args)
            assert video is not None
            out.append(
                f"[YouTube {video.group(1)}](https://www.youtube.com/watch?v={video.group(1)})"
            )
        elif tag == "hatebu" and _HATEBU.match(args):
            # A Hatena Bookmark of a page: the link to the page is what it shows.
            bookmark = _HATEBU.match(args)
            assert bookmark is not None
            label = bookmark.group(2).strip() or bookmark.group(1)
            out.append(f"[{label}]({bookmark.group(1)})")
        elif tag == "lightbox" and _LIGHTBOX.match(args) and fence is None:
            # lightbox.rb: an image under /assets/images/ that opens large;
            # the image is what a reader sees.
            box = _LIGHTBOX.match(args)
            assert box is not None
            path, title, alt = box.group(1), box.group(2) or "", box.group(3)
            address = "/assets/images/" + path.lstrip("/")
            if re.search(r"[\s()<>]", address):
                address = f"<{address}>"
            caption = f' "{title}"' if title and '"' not in title else ""
            label = (alt if alt is not None else title).replace("[", "(").replace("]", ")")
            out.append(f"![{label}]({address}{caption})")
        elif tag == "gumroad" and _GUMROAD.match(args) and fence is None:
            product = _GUMROAD.match(args)
            assert product is not None
            out.append(f"[{product.group(2)}](https://gum.co/{product.group(1)})")
        elif tag == "m" and fence is None and _INLINE_MATH.match(text, match.start()):
            math = _INLINE_MATH.match(text, match.start())
            assert math is not None
            out.append(f"{{math}}`{math.group('math').strip()}`")
            skip_to = position = math.end()
        elif tag == "csssig" and fence is None and match.start() in block_ends:
            end = block_ends[match.start()]
            where, target, dropped = _csssig_target(text, match.end(), end.start(), args)
            if target:
                inserts[where] = target
            if dropped:
                notes.append(
                    LiquidNote(
                        line_of(match.start()),
                        f"Liquid {shown(match.group(0))}: {', '.join(dropped)} "
                        "have no place in kb's pages; dropped, the content is kept",
                    )
                )
            open_csssig += 1
        elif tag == "endcsssig" and open_csssig:
            open_csssig -= 1
        elif tag == "math" and fence is None:
            fence = "```"
            out.append(_on_own_line(out, "```{math}") + _line_break_after(text, position))
        elif tag == "endmath" and fence == "```":
            out.append(_on_own_line(out, fence) + _line_break_after(text, position))
            fence = None
        elif tag == "fn_ref" and args:
            out.append(f"[^{args.split()[0]}]")
        elif tag in ("footnotes", "endfootnotes"):
            continue
        elif tag == "fn":
            footnote += 1
            out.append(f"[^{footnote}]: {args}")
        elif tag in ("post_url", "link") and context is not None:
            target = args.strip().strip("\"'")
            url = (context.post_url if tag == "post_url" else context.link)(target)
            if url is None:
                keep(match, f"names {target!r}, which is not in the site")
            else:
                out.append(url)
        elif tag == "assign" and scope is not None and "=" in args:
            variable, expression = (part.strip() for part in args.split("=", 1))
            try:
                scope.assigned[variable] = scope.evaluate(expression)
            except _Unknown as error:
                keep(match, f"cannot be filled in ({error})")
        elif tag and match.start() in block_ends and keep_block(match, tag):
            continue
        elif tag:
            keep(match, "has no meaning outside Jekyll")
        else:
            expression = (match.group("output") or "").strip()
            if expression in _SITE_ROOTS:
                continue  # dropped: the link that follows is relative to the site
            if scope is None:
                keep(match, "is a Jekyll value kb cannot fill in")
                continue
            try:
                out.append(_text(scope.evaluate(expression)))
            except _Undefined as undefined:
                # Liquid prints nothing for a name nothing defines.
                notes.append(
                    LiquidNote(
                        line_of(match.start()),
                        f"Liquid {shown(match.group(0))}: {undefined}, so Jekyll showed "
                        "nothing here; dropped",
                    )
                )
            except _OutOfPage as why:
                keep(match, str(why))
            except _Unknown as error:
                keep(match, f"is a Jekyll value kb cannot fill in ({error})")
    copy(max(position, skip_to), len(text))
    if raw_from is not None:
        notes.append(
            LiquidNote(
                line_of(raw_from),
                "Liquid {% raw %} has no {% endraw %}; the text after it is kept as written",
            )
        )
    if fence is not None:
        out.append(_on_own_line(out, fence))
        notes.append(
            LiquidNote(
                line_of(len(text)),
                "Liquid {% highlight %} has no {% endhighlight %}; the code block ends here",
            )
        )
    return "".join(out), notes


def _fence_for(text: str, start: int) -> str:
    """A backtick fence longer than any run of backticks in the code after ``start``."""
    end = text.find("endhighlight", start)
    code = text[start : end if end >= 0 else len(text)]
    longest = max((len(run) for run in _BACKTICKS.findall(code)), default=2)
    return "`" * max(3, longest + 1)


def _line_break_after(text: str, position: int) -> str:
    """A line break when text follows a fence on its line (it would end the fence)."""
    rest = text[position : text.find("\n", position) if "\n" in text[position:] else None]
    return "\n" if rest.strip() else ""


def _on_own_line(out: list[str], fence: str) -> str:
    """``fence`` placed at the start of a line, whatever came before it on its line."""
    before = "".join(out[-1:])
    if before and not before.endswith("\n"):
        # The tag shared a line with text: the fence needs its own.
        stripped = before.rstrip(" \t")
        out[-1] = stripped
        if stripped and not stripped.endswith("\n"):
            return "\n" + fence
    return fence
