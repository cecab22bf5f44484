"""Liquid expressions of one post: its variables, their values and Liquid's filters (pure).

``{{ site.title | upcase }}`` asks for a value: ``site.*`` from
``_config.yml``, ``page.*`` from the post's front matter, ``site.data.*`` from
the site's data files, a name ``{% assign %}`` set. :class:`Scope` evaluates
such an expression with the filters whose result is known without Jekyll
(``relative_url``, ``where``, ``first``, ``default``, ``escape`` …), plus the
plugin filters it is given; anything else raises :class:`UnknownValue`, so the
caller keeps the expression as written.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: One token of a Liquid expression: a quoted string, a number, a name path, punctuation.
_TOKEN = re.compile(
    r"""\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<num>-?\d+(?:\.\d+)?)(?![\w.])"""
    r"""|(?P<name>[A-Za-z_][\w-]*(?:\.[\w-]+|\[\d+\]|\[["'][^"']*["']\])*)|(?P<punct>[|:,=]))"""
)
_PATH_PART = re.compile(r"\.([\w-]+)|\[(\d+)\]|\[[\"']([^\"']*)[\"']\]")
#: Names Jekyll or a layout defines while a post renders: not known to be empty.
_JEKYLL_NAMES = frozenset({"content", "paginator", "layout", "jekyll", "include", "forloop"})


class UnknownValue(Exception):
    """An expression kb cannot evaluate; the message says what."""


class UndefinedName(UnknownValue):
    """A bare name that nothing the site or the post defines."""


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


def liquid_text(value: Any) -> str:
    """A value as Liquid prints it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "".join(liquid_text(item) for item in value)
    if isinstance(value, Mapping):
        raise UnknownValue("a mapping has no text")
    return str(value)


def _tokens(text: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    position = 0
    while position < len(text):
        if not text[position:].strip():
            break
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise UnknownValue(f"cannot read {text.strip()!r}")
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


def _site_path(value: Any, arguments: list[Any]) -> Any:
    # relative_url and absolute_url: the site-relative path, which the
    # importer points at the imported article or file.
    text = liquid_text(value)
    return text if text.startswith(("/", "#")) or "://" in text else "/" + text


def _where(value: Any, arguments: list[Any]) -> Any:
    if not isinstance(value, list) or len(arguments) != 2:
        raise UnknownValue("where needs a list, a key and a value")
    key, wanted = arguments
    return [
        item
        for item in value
        if isinstance(item, Mapping) and liquid_text(item.get(key)) == liquid_text(wanted)
    ]


def _pick(index: int) -> Callable[[Any, list[Any]], Any]:
    def pick(value: Any, arguments: list[Any]) -> Any:
        if isinstance(value, list):
            return value[index] if value else None
        if isinstance(value, str):
            return value[index] if value else ""
        raise UnknownValue("first and last need a list")

    return pick


_FILTERS: dict[str, Callable[[Any, list[Any]], Any]] = {
    "relative_url": _site_path,
    "absolute_url": _site_path,
    "prepend": lambda value, arguments: "".join(map(liquid_text, arguments)) + liquid_text(value),
    "append": lambda value, arguments: liquid_text(value) + "".join(map(liquid_text, arguments)),
    "where": _where,
    "first": _pick(0),
    "last": _pick(-1),
    "size": lambda value, arguments: len(value) if isinstance(value, (list, str, Mapping)) else 0,
    "default": lambda value, arguments: (
        value if value not in (None, "", False, []) else (arguments[:1] or [""])[0]
    ),
    "downcase": lambda value, arguments: liquid_text(value).lower(),
    "upcase": lambda value, arguments: liquid_text(value).upper(),
    "strip": lambda value, arguments: liquid_text(value).strip(),
    "join": lambda value, arguments: (
        liquid_text(arguments[0] if arguments else " ").join(map(liquid_text, value))
        if isinstance(value, list)
        else liquid_text(value)
    ),
    "escape": lambda value, arguments: html.escape(liquid_text(value)),
    "xml_escape": lambda value, arguments: html.escape(liquid_text(value)),
}


class Scope:
    """Variables of one post: ``site``, ``page`` and what ``{% assign %}`` set.

    ``plugin_filters`` are the filters of the site's plugins kb knows, by
    name: each takes the value and gives the filtered one (or raises).
    """

    def __init__(
        self,
        context: LiquidContext,
        plugin_filters: Mapping[str, Callable[[Any], Any]] | None = None,
    ) -> None:
        self.context = context
        self.assigned: dict[str, Any] = {}
        self.plugin_filters = plugin_filters or {}

    def lookup(self, path: str) -> Any:
        """The value of a name path (``site.data.releases[0].version``)."""
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
                    raise UnknownValue(f"site.data.{parts[1]} is not a data file of the site")
                parts = parts[2:]
            else:
                value = self.context.site
        elif name == "page":
            value = self.context.page
        else:
            raise UnknownValue(f"{name} is a Jekyll variable kb does not know")
        for part in parts:
            value = _member(value, part, path)
        return value

    def evaluate(self, expression: str) -> Any:
        """The value of ``expression``: an operand, then its filters in order."""
        tokens = _tokens(expression)
        if not tokens:
            raise UnknownValue("empty expression")
        kind, first = tokens[0]
        if (
            len(tokens) == 1
            and kind == "name"
            and re.fullmatch(r"[A-Za-z_][\w-]*", str(first))
            and first not in self.assigned
            and first not in ("site", "page")
            and first not in _JEKYLL_NAMES
        ):
            raise UndefinedName(f"{first} is defined nowhere in the site or the post")
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
                raise UnknownValue(f"cannot read {expression.strip()!r}")
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
            value = self.filtered(name, value, arguments)
        return value

    def filtered(self, name: str, value: Any, arguments: list[Any]) -> Any:
        """``value`` through the filter ``name``."""
        if name in self.plugin_filters:
            return self.plugin_filters[name](value)
        if name not in _FILTERS:
            raise UnknownValue(f"the filter {name} has no meaning outside Jekyll")
        return _FILTERS[name](value, arguments)

    def operand(self, token: tuple[str, Any]) -> Any:
        kind, value = token
        if kind == "value":
            return value
        if kind == "name":
            return self.lookup(str(value))
        raise UnknownValue(f"unexpected {value!r}")


def _member(value: Any, part: str | int, path: str) -> Any:
    """``value[part]`` (or a list's ``first``, ``last``, ``size``), as a step of ``path``."""
    container: Any = value  # a list or a mapping, as the tests below say
    if (
        isinstance(part, int) and isinstance(value, list) and -len(value) <= part < len(value)
    ) or (isinstance(value, Mapping) and part in value):
        return container[part]
    if isinstance(value, list) and part in ("first", "last", "size"):
        return _FILTERS[str(part)](value, [])
    raise UnknownValue(f"{path} has no value in the site")
