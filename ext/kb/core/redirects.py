"""Where kb writes redirect pages, and which output paths are safe (no Sphinx here).

``redirect_from:`` is kb's own front-matter key (``kb import`` fills it with
the URL a post had on the Jekyll site); every writer of the output folder
asks :func:`output_path_problem` before it claims a path.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote

from kb.core.values import scalar_text, shown


def redirect_files(url: str) -> list[str]:
    """Output files (POSIX, relative to the site root) that answer a request for ``url``.

    ``/a/b/`` is ``a/b/index.html``; ``/a/b.html`` is itself; an extensionless
    ``/a/b`` is ``a/b.html`` (as Jekyll wrote it, and as GitHub Pages serves it)
    and ``a/b/index.html`` (as a plain static server such as Read the Docs finds
    it). Percent escapes are decoded: the server decodes the request first.
    """
    path = unquote(url.split("#", 1)[0].split("?", 1)[0]).lstrip("/")
    if not path or path.endswith("/"):
        return [f"{path}index.html"]
    last = path.rsplit("/", 1)[-1]
    if "." in last.lstrip("."):
        return [path]
    return [f"{path}.html", f"{path}/index.html"]


# Control characters (C0, DEL, C1) and the line and paragraph separators: in a
# file name they break listings, logs and shells (a newline splits one name
# in two, ESC drives the terminal that lists it), and no server maps a URL
# to them on purpose.
_CONTROL_IN_PATH = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def output_path_problem(relative: str) -> str | None:
    """Why ``relative`` may not be written in the output folder; ``None`` when it may.

    A plain relative path only: no absolute path, no ``..``, ``.`` or empty
    part, no backslash, no control character.
    """
    if not relative:
        return "the path is empty"
    control = _CONTROL_IN_PATH.search(relative)
    if control:
        return f"its path holds the control character U+{ord(control.group()):04X}"
    if relative.startswith("/") or "\\" in relative:
        return "it would leave the output folder"
    if any(part in ("", ".", "..") for part in relative.split("/")):
        return "it would leave the output folder"
    return None


def is_safe_output_path(relative: str) -> bool:
    """True when ``relative`` stays inside the output folder and names a plain file."""
    return output_path_problem(relative) is None


def normalise_redirects(values: Iterable[Any]) -> list[str]:
    """``redirect_from`` values as site-root URLs with a leading slash, without repeats."""
    urls: dict[str, None] = {}
    for value in values:
        text = scalar_text(value)
        if not text or not text.strip():
            continue
        urls.setdefault("/" + text.strip().lstrip("/"))
    return list(urls)


def _shape(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple, set)):
        return "a list"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "nothing"
    return f"a {type(value).__name__}"


def read_redirects(value: Any) -> tuple[list[str], list[str]]:
    """The URLs of a ``redirect_from`` value, and a message for each part left out.

    The value is a path or a list of paths (YAML strings; a date reads as
    its text). A mapping, a number, true or false, or a list inside the list
    is not a path: it is left out with a message, never turned into a file
    name.
    """
    if value is None:
        return [], []
    items = value if isinstance(value, list) else [value]
    paths: list[str] = []
    problems: list[str] = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, (str, dt.date)):
            paths.append(item.isoformat() if isinstance(item, dt.date) else item)
            continue
        where = f"item {number}" if item is not value else "the value"
        problems.append(
            f"redirect_from: {where} is {_shape(item)}, not a path: {shown(item)}; "
            "no redirect is written for it"
        )
    return normalise_redirects(paths), problems
