"""The ``searchindex.js`` Sphinx writes when kb's search answers queries.

Sphinx's builder writes its own search index on every build through its
``indexer_format``; kb hands it :class:`StubIndexFormat`, which keeps that
file to a few bytes (kb's index lives under ``kb-search/``).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar


class StubIndexFormat:
    """``searchindex.js`` with no words: kb's index lives under ``kb-search/``.

    Takes the place of ``sphinx.search.js_index`` (the builder's
    ``indexer_format``): Sphinx still loads and writes the file on every build,
    so it is kept to a few bytes, and reads back as an empty index of the
    same Sphinx version (any other answer makes Sphinx warn that the index
    could not be loaded).
    """

    PREFIX = "Search.setIndex("
    SUFFIX = ")"
    _EMPTY: ClassVar[dict[str, Any]] = {
        "alltitles": {},
        "docnames": [],
        "envversion": None,
        "filenames": [],
        "indexentries": {},
        "objects": {},
        "objnames": {},
        "objtypes": {},
        "terms": {},
        "titles": [],
        "titleterms": {},
    }

    def __init__(self, keep: str = "index") -> None:
        # Sphinx cannot write an index of no page (IndexBuilder.freeze fails on
        # a build that writes nothing), so the stub keeps one: the root document.
        self.keep = keep

    def dumps(self, data: dict[str, Any]) -> str:
        stub = {**self._EMPTY, "envversion": data.get("envversion")}
        names = list(data.get("docnames", ()))
        if names:
            at = names.index(self.keep) if self.keep in names else 0
            stub["docnames"] = [names[at]]
            stub["filenames"] = [data["filenames"][at]]
            stub["titles"] = [data["titles"][at]]
        return self.PREFIX + json.dumps(stub, separators=(",", ":"), sort_keys=True) + self.SUFFIX

    def loads(self, text: str) -> Any:
        if not text.startswith(self.PREFIX) or not text.endswith(self.SUFFIX):
            msg = "invalid data"
            raise ValueError(msg)
        data = json.loads(text[len(self.PREFIX) : -len(self.SUFFIX)])
        if not isinstance(data, dict):
            msg = "invalid data"
            raise ValueError(msg)
        stub = {**self._EMPTY, "envversion": data.get("envversion")}
        for key in ("docnames", "filenames", "titles"):
            stub[key] = list(data.get(key, ()))[:1]
        return stub

    def dump(self, data: Any, stream: Any) -> None:
        stream.write(self.dumps(data))

    def load(self, stream: Any) -> Any:
        return self.loads(stream.read())
