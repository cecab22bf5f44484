"""HTML from Jinja templates that a project can override.

Every page and fragment kb generates is a template under
``kb/templates/kb/``, rendered with autoescape, so a value from front matter
is escaped whatever template shows it. A project overrides one by putting a
file of the same name under its own ``templates_path`` (for example
``docs/_templates/kb/term.html``); the project's folders are searched first.

Templates get ``url(target)`` (:func:`linker_for`), which turns a page name,
``docname#anchor`` or a file target made by :mod:`kb.core.targets` into a URL
relative to the page being written, from the builder: no template or view
ever builds an ``.html`` path itself.

Their text goes through the ``kb`` message catalog of the build's language
(:mod:`kb.sphinx.i18n`): ``_()``, ``ngettext()``, ``pgettext()`` and ``npgettext()``
as Jinja's i18n extension defines them (new style: ``_("%(name)s", name=x)``
escapes ``x``), and dates through ``long_date``, ``month_name`` and
``year_name``, written as the language writes them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache

from kb.core.atomicfile import write_atomically
from kb.core.dates import format_japanese_date
from kb.core.targets import FILE_TARGET, readable_uri
from kb.core.wording import Wording
from kb.sphinx.i18n import wording_of

#: Turns a target (page name, ``docname#anchor`` or a file target) into a URL
#: relative to the page being written.
Linker = Callable[[str], str]

#: sphinx-design badge classes of each kind of name, for every template that shows
#: a badge (the global ``badge_classes``).
BADGE_CLASSES = {
    "category": "sd-badge sd-bg-primary sd-bg-text-primary kb-category",
    "tag": "sd-badge sd-outline-secondary sd-text-secondary kb-tag",
    "author": "sd-badge sd-outline-secondary sd-text-secondary kb-author",
}

#: The extension's own templates; the ``kb/`` folder inside holds kb's templates.
KB_TEMPLATES = str(Path(__file__).parent.parent / "templates")


def _japanese_date(moment: dt.datetime | None, zone: dt.tzinfo) -> str:
    return format_japanese_date(moment, zone) if moment is not None else ""


def _iso(moment: dt.datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled by an earlier build, kept in ``folder`` (beside the doctrees).

    Compiling kb's templates again was a tenth of a second of every rebuild that
    writes a page; Jinja checks each template's source against the checksum it
    keeps with the code, so an edited template is compiled again.
    """

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def _path(self, bucket: jinja2.bccache.Bucket) -> Path:
        return self.folder / f"{bucket.key}.cache"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            data = self._path(bucket).read_bytes()
        except OSError:
            return
        bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):  # compiled again next time
            write_atomically(self._path(bucket), bucket.bytecode_to_string())


class Templates:
    """kb's templates, looked up in the project's template folders first, in one language;
    ``compiled``: a folder where compiled templates are kept between builds."""

    def __init__(self, search_path: tuple[str, ...], words: Wording, compiled: str = "") -> None:
        self.search_path = search_path
        self.words = words
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(list(search_path)),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            bytecode_cache=CompiledTemplates(compiled) if compiled else None,
        )
        self.environment.install_gettext_callables(  # type: ignore[attr-defined]
            words.gettext,
            words.ngettext,
            newstyle=True,
            pgettext=words.pgettext,
            npgettext=words.npgettext,
        )

        def long_date(moment: dt.datetime | None, zone: dt.tzinfo) -> str:
            return words.day(moment, zone) if moment is not None else ""

        self.environment.filters["long_date"] = long_date
        # Kept for project templates written before the catalogs: always Japanese.
        self.environment.filters["japanese_date"] = _japanese_date
        self.environment.filters["iso"] = _iso
        self.environment.globals["badge_classes"] = BADGE_CLASSES
        self.environment.globals["month_name"] = words.month
        self.environment.globals["year_name"] = words.year

    def render(self, name: str, **context: Any) -> str:
        return self.environment.get_template(name).render(context).strip()

    def newest_mtime(self) -> float:
        """When the newest template a page may use last changed."""
        newest = 0.0
        for folder in self.search_path:
            for root, _, files in os.walk(os.path.join(folder, "kb")):
                for name in files:
                    newest = max(newest, os.path.getmtime(os.path.join(root, name)))
        return newest


@functools.lru_cache(maxsize=8)
def _templates(search_path: tuple[str, ...], words: Wording, compiled: str) -> Templates:
    return Templates(search_path, words, compiled)


def templates_for(
    confdir: str | os.PathLike[str],
    templates_path: list[str],
    words: Wording,
    compiled: str | os.PathLike[str] = "",
) -> Templates:
    """The templates of a project: its ``templates_path`` folders, then kb's own.

    Cached per search path and wording, so compiled templates are shared by
    every page of a build; a cache of a pure function of its arguments, not
    build state. ``compiled``: where compiled templates are kept between builds.
    """
    folders: list[str] = []
    for folder in [*templates_path, KB_TEMPLATES]:
        absolute = os.path.normpath(os.path.join(confdir, folder))
        if absolute not in folders:
            folders.append(absolute)
    return _templates(tuple(folders), words, str(compiled))


#: The folder beside the doctrees where compiled templates are kept.
COMPILED = "kb-templates"


def templates_of(app: Any) -> Templates:
    """The templates of the project a Sphinx application builds, in its language."""
    return templates_for(
        app.confdir,
        list(app.config.templates_path),
        wording_of(app),
        os.path.join(app.doctreedir, COMPILED),
    )


def linker_for(builder: Any, pagename: str, writes_generated_pages: bool = True) -> Linker:
    """URLs relative to ``pagename``, from the builder; a list repeats the same
    tag badges many times, so each target is resolved once per page.

    With ``writes_generated_pages`` False (singlehtml), a target that is not a
    document of the project (a tag page, a feed) gives ``""``: templates then
    show its name without a link, as no such file is written."""
    cache: dict[str, str] = {}
    documents = builder.env.all_docs

    def url(target: str) -> str:
        found = cache.get(target)
        if found is None:
            if not writes_generated_pages and (
                target.startswith(FILE_TARGET) or target.partition("#")[0] not in documents
            ):
                found = ""
            elif target.startswith(FILE_TARGET):
                # A file kb writes (a feed): relative to the folder of the page's URL.
                depth = builder.get_target_uri(pagename).count("/")
                found = "../" * depth + target[len(FILE_TARGET) :]
            else:
                docname, _, anchor = target.partition("#")
                # Japanese page names in UTF-8, not escaped: a third of the bytes.
                found = readable_uri(builder.get_relative_uri(pagename, docname))
                if anchor:
                    # In one page (singlehtml) a document is itself an anchor
                    # (#document-x): the entry's own anchor replaces it.
                    found = found.partition("#")[0] + f"#{anchor}"
            cache[target] = found
        return found

    return url
