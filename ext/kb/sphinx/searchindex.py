"""kb's search index in the output: records noted as pages are written, chunks updated
once at the end of the build (:mod:`kb.search.files` holds the format)."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import zlib
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util import logging

from kb.core.atomicfile import remove_file, write_atomically
from kb.core.claims import Refused
from kb.search.facets import PageFacets, facet_files
from kb.search.files import FOLDER, FORMAT, IndexState, order_pages
from kb.search.pagekeys import POSITIONS_LAYOUT, PageKeys, PageRecord, page_keys
from kb.search.store import update, write_full
from kb.sphinx.affected import current_scope
from kb.sphinx.config import kb_config
from kb.sphinx.domain import domain_of
from kb.sphinx.outputs import GroupFolder
from kb.sphinx.searchlanguage import search_enabled
from kb.sphinx.searchpages import date_key, page_facets, page_record, searchable

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

logger = logging.getLogger(__name__)

#: The output group of the index's files (:data:`kb.core.claims.PRIORITY`).
SEARCH_GROUP = "search"
_PENDING = "kb_search_pages"
_BACKLOG = "kb_search_backlog"


def note_page(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Note that the page is resolved to be written: the index is updated once, at the
    end of the build.

    The page's record and keys are made by whoever writes the page (:func:`keep_keys`):
    under ``-j`` a worker, while the main process resolves the next pages one after
    the other; cutting a page's text into keys was the larger part of the index's cost.
    When the workers fall behind, the main process makes them itself (see
    :class:`_Backlog`).
    """
    if not search_enabled(app) or not searchable(app, docname):
        return
    scratch = domain_of(app.env).scratch
    pending = scratch.setdefault(_PENDING, set())
    assert isinstance(pending, set)
    pending.add(docname)
    backlog = scratch.get(_BACKLOG)
    if isinstance(backlog, _Backlog) and backlog.behind(len(pending)):
        _keep(app, docname, doctree)
        backlog.made_here.add(docname)


class _Backlog:
    """How far the workers are behind the main process, under ``-j``.

    Sphinx queues each chunk of resolved pages for a worker it forks when one is free,
    and nothing slows the main process down: when the workers have more to do per page
    than the main process, resolved doctrees pile up in it (some 600 MiB at 20,000
    articles). Past :data:`BACKLOG_PAGES` pages noted but not yet written, the main
    process makes the page's search record and keys itself, which the workers would
    otherwise do: it keeps pace instead of running ahead.
    """

    #: Pages resolved and not yet written beyond which the main process takes work
    #: over: two chunks in flight at 20,000 articles are about 630 pages.
    BACKLOG_PAGES = 800

    def __init__(self) -> None:
        # Shared memory made before the workers are forked: they count what they write.
        self.written = multiprocessing.get_context("fork").Value("i", 0)
        self.made_here: set[str] = set()

    def behind(self, noted: int) -> bool:
        return noted - int(self.written.value) > self.BACKLOG_PAGES

    def note_written(self) -> None:
        with self.written.get_lock():
            self.written.value += 1


def watch_backlog(app: Sphinx, builder: Builder) -> None:
    """write-started: a counter the workers share, when pages are written in parallel."""
    if search_enabled(app) and app.parallel > 1 and builder.parallel_ok:
        domain_of(app.env).scratch[_BACKLOG] = _Backlog()


def keep_keys(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """The record and keys of a page noted by :func:`note_page`, beside the doctrees
    (files: a worker has no other way to hand them to the main process)."""
    if doctree is None:
        return
    scratch = domain_of(app.env).scratch
    pending = scratch.get(_PENDING)
    if not pending or pagename not in pending:
        return
    backlog = scratch.get(_BACKLOG)
    if isinstance(backlog, _Backlog):
        backlog.note_written()
        if pagename in backlog.made_here:
            return
    _keep(app, pagename, doctree)


def _keep(app: Sphinx, docname: str, doctree: nodes.document) -> None:
    record = page_record(app, docname, doctree)
    _Cache(app).save_fresh(docname, pack(record), page_keys(record))


def pack(record: PageRecord) -> bytes:
    """A record as the cache keeps it: deflated JSON."""
    text = json.dumps(asdict(record), ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), 6)


def unpack(data: bytes) -> PageRecord:
    return PageRecord.from_json(json.loads(zlib.decompress(data).decode("utf-8")))


class _Cache:
    """Records indexed by the last build, beside the doctrees (never in the output).

    Each record is kept deflated: it holds the page's whole text, and as plain
    JSON the records took a quarter of the doctrees folder (10.9 of 42 MiB at
    1,000 articles); deflated, 2.6 MiB. (``pages-<builder>``, uncompressed, was the
    layout before ENV_VERSION 6.)
    """

    def __init__(self, app: Sphinx) -> None:
        name = app.builder.name
        self.root = Path(app.doctreedir) / "kb-search"
        self.pages = self.root / f"records-{name}"
        self.fresh = self.root / f"fresh-{name}"
        self.old_pages = self.root / f"pages-{name}"
        self.state_path = self.root / f"state-{name}.json"
        self.facets_path = self.root / f"facets-{name}.json"

    @staticmethod
    def _stem(docname: str) -> str:
        """A page's file name in the cache's folders (docnames may hold any character)."""
        return hashlib.sha1(docname.encode("utf-8")).hexdigest()[:20]

    def _page_path(self, docname: str) -> Path:
        return self.pages / f"{self._stem(docname)}.json.z"

    def load(self, docname: str) -> PageRecord | None:
        try:
            return unpack(self._page_path(docname).read_bytes())
        except (OSError, zlib.error, ValueError, TypeError):
            return None

    def save(self, docname: str, packed: bytes) -> None:
        write_atomically(self._page_path(docname), packed)

    def _fresh_paths(self, docname: str) -> tuple[Path, Path]:
        stem = self._stem(docname)
        return self.fresh / f"{stem}.json.z", self.fresh / f"{stem}.keys.z"

    def save_fresh(self, docname: str, packed: bytes, keys: PageKeys) -> None:
        """A page's record and keys as this build's writer of the page made them."""
        record_path, keys_path = self._fresh_paths(docname)
        data = json.dumps(keys.to_data(), ensure_ascii=False, separators=(",", ":"))
        write_atomically(keys_path, zlib.compress(data.encode("utf-8"), 1))
        write_atomically(record_path, packed)

    def take_fresh(self, docname: str) -> tuple[bytes, PageKeys | None] | None:
        """A page's packed record and keys made by this build's writer, removed from
        the fresh folder; None when the writer left none."""
        record_path, keys_path = self._fresh_paths(docname)
        try:
            packed = record_path.read_bytes()
        except OSError:
            return None
        keys: PageKeys | None
        try:
            keys = PageKeys.from_data(json.loads(zlib.decompress(keys_path.read_bytes())))
        except (OSError, zlib.error, ValueError, TypeError, KeyError):
            keys = None
        remove_file(record_path)
        remove_file(keys_path)
        return packed, keys

    def drop_fresh(self) -> None:
        """What writers of an interrupted build left."""
        if self.fresh.is_dir():
            for path in self.fresh.iterdir():
                remove_file(path)

    def drop_old_layout(self) -> None:
        if self.old_pages.is_dir():
            for path in self.old_pages.glob("*.json"):
                remove_file(path)

    def facets(self) -> dict[str, PageFacets] | None:
        """Each article's facets as the last build wrote them; None when not kept."""
        try:
            kept = json.loads(self.facets_path.read_text(encoding="utf-8"))
            return {
                docname: PageFacets(
                    tuple(category), tuple(tag), tuple(author), tuple(entry), str(month)
                )
                for docname, (category, tag, author, entry, month) in kept.items()
            }
        except (OSError, ValueError, TypeError, AttributeError):
            return None

    def save_facets(self, facets: dict[str, PageFacets]) -> None:
        rows = {
            docname: [found.category, found.tag, found.author, found.entry, found.month]
            for docname, found in facets.items()
        }
        text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        write_atomically(self.facets_path, text.encode("utf-8"))

    def drop_facets(self) -> None:
        remove_file(self.facets_path)

    def state(self) -> IndexState | None:
        try:
            return IndexState.from_json(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError):
            return None

    def save_state(self, state: IndexState) -> None:
        write_atomically(self.state_path, state.to_json().encode("utf-8"))


def refresh_records(
    app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Every page read again when the index kept records in an older format.

    A record is made when its page is written; a new format (another way of
    reading code, raw HTML or spaces) must reach the pages no edit touched.
    """
    if not search_enabled(app):
        return []
    state = _Cache(app).state()
    if state is None or state.format == FORMAT:
        return []
    return sorted(set(env.found_docs) - added - changed)


def _stamp(app: Sphinx) -> str:
    """What shapes the index besides its pages: the format, the builder (addresses)
    and the zone the month facet is counted in."""
    return f"{FORMAT}|{POSITIONS_LAYOUT}|{app.builder.name}|{kb_config(app).timezone}"


def write_index(app: Sphinx, exception: Exception | None) -> None:
    """Bring ``kb-search/`` up to date with the pages this build wrote or removed.

    Every file goes through the build's :class:`~kb.sphinx.outputs.Outputs`
    (group ``search``): files of the last index that this build does not
    write again or keep are deleted with the rest of kb's stale files.
    """
    domain = domain_of(app.env)
    pending: set[str] = domain.scratch.pop(_PENDING, None) or set()
    domain.scratch.pop(_BACKLOG, None)
    if exception is not None or not search_enabled(app):
        return
    outputs = domain.outputs(app.outdir)
    same_stamp = outputs.stamp(SEARCH_GROUP, _stamp(app))
    if (
        not pending
        and not domain.records_changed
        and same_stamp
        and outputs.previous_files(SEARCH_GROUP)
        and outputs.keep_group(SEARCH_GROUP)
    ):
        # No page written, read or removed: the ids, records and facets are
        # the last build's (a no-op rebuild looks at no page of the index).
        return
    cache = _Cache(app)
    outputs.adopt(FOLDER, SEARCH_GROUP)
    files = GroupFolder(outputs, FOLDER, SEARCH_GROUP)
    docs = [doc for doc in sorted(app.env.found_docs) if searchable(app, doc)]
    order = order_pages({doc: date_key(app, doc) for doc in docs})
    state = cache.state()
    try:
        if (
            state is not None
            and state.current
            and state.order == order
            and state.postings_buckets
            # Records of an older layout cannot be read back: index from scratch.
            and cache.pages.is_dir()
            and (Path(app.outdir) / FOLDER / "index.js").is_file()
            and outputs.keep_group(SEARCH_GROUP)
        ):
            _update_index(cache, files, state, pending)
            # The facets hold the records' names, mentions and months only.
            facets_current = same_stamp and not domain.lists_changed
            facets_kept = same_stamp
        else:
            # Ids follow the date: a page added before others, removed, or
            # redated renumbers the pages, and every chunk is written again.
            _write_whole_index(app, cache, files, order)
            facets_current = facets_kept = False
        if not facets_current:
            _write_facets(app, cache, files, order, kept=facets_kept)
    except Refused as refusal:
        logger.warning(
            "search index not written: %s", refusal, type="kb", subtype="search"
        )
    cache.drop_fresh()


def _not_kept(docname: str) -> None:
    logger.warning(
        "search: no text kept for %s; it is indexed by its name only "
        "(a clean build indexes it fully)",
        docname,
        type="kb",
        subtype="search",
        location=docname,
    )


def _write_facets(
    app: Sphinx, cache: _Cache, files: GroupFolder, order: list[str], kept: bool
) -> None:
    """The facets' files, from the facets each article had in the last build where
    ``kept`` (same ids and stamp) and the edit's scope is known: only the articles
    whose record changed are looked at again (the others' names, mentions and
    months did not move), rather than every article of the site."""
    domain = domain_of(app.env)
    scope = current_scope(domain)
    articles = [doc for doc in order if doc in domain.articles]
    facets = cache.facets() if kept and scope is not None else None
    if scope is not None and facets is not None and set(facets) == set(articles):
        facets.update(page_facets(app, [doc for doc in articles if doc in scope.changed]))
    else:
        facets = page_facets(app, order)
    # Dropped first: files written half from an older build's facets would not match it.
    cache.drop_facets()
    for relative, text in facet_files(order, facets).items():
        files.write(relative, text)
    cache.save_facets(facets)


def _write_whole_index(app: Sphinx, cache: _Cache, files: GroupFolder, order: list[str]) -> None:
    # The keys of the record load() handed out last: write_full asks for them next.
    handed: dict[str, PageKeys] = {}

    def load(docname: str) -> PageRecord:
        handed.clear()
        record = None
        # Whatever wrote the page left its record: a page only resolved (a feed's
        # body) has none, and keeps the last build's.
        taken = cache.take_fresh(docname)
        if taken is not None:
            packed, keys = taken
            cache.save(docname, packed)
            record = unpack(packed)
            if keys is not None:
                handed[docname] = keys
        else:
            record = cache.load(docname)
        if record is None:
            _not_kept(docname)
            record = PageRecord(docname, app.builder.get_target_uri(docname), docname)
        return record

    def keys_of(record: PageRecord) -> PageKeys:
        keys = handed.pop(record.docname, None)
        return keys if keys is not None else page_keys(record)

    cache.save_state(write_full(files, order, load, keys_of))
    cache.drop_old_layout()


def _update_index(
    cache: _Cache, files: GroupFolder, state: IndexState, pending: set[str]
) -> None:
    changes: dict[str, tuple[PageRecord | None, PageRecord]] = {}
    packed_records: dict[str, bytes] = {}
    for docname in sorted(pending):
        taken = cache.take_fresh(docname)
        if taken is None:
            # Resolved but not written (a feed's body): its text is the last build's.
            continue
        packed, _keys = taken
        record = unpack(packed)
        if state.digests.get(docname) != record.digest():
            changes[docname] = (cache.load(docname), record)
            packed_records[docname] = packed
    if not changes:
        return  # pages were written again, but what they hold for the search did not change
    update(files, state, changes)
    for docname in changes:
        cache.save(docname, packed_records[docname])
    cache.save_state(state)
