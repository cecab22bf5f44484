"""Parallel reading that sends back only what each process read.

Under ``-j``, Sphinx forks a process for each chunk of documents to read; the
process pickles its whole environment and sends it back, and the main process
unpickles it to merge the chunk's documents (``merge_info_from``). A process
forked late carries every document merged before it was forked, so the main
process unpickles most of the site once per chunk: the chunks number about
``sqrt(5 * N)``, and the work grows as N to the power 1.5. At 2,000 articles the
main process spent about 20 s of CPU unpickling while its two readers spent 47 s
reading; at 20,000 it was the one serial step of the reading.

A reading process forgets, before it reads its first document, what it holds of
the documents merged before it was forked: only in the tables that no reading
consults for another document and that the merge reads for the chunk's
documents alone (Sphinx's titles, tables of contents, metadata, dependencies and
index entries; kb's records). What it pickles back is then its chunk. The main
process keeps everything, and a build without ``-j`` never gets here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from kb.sphinx.domain import domain_of

#: The environment's per-document tables that the merge copies for its documents
#: only (Sphinx's title, toctree, metadata and dependency collectors) and that
#: no document's reading looks up for another document.
_PER_DOCUMENT_TABLES = ("tocs", "toc_num_entries", "titles", "longtitles", "metadata", "dependencies")


def note_main_process(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Remember which process merges: a reader is any other process."""
    domain_of(env).merging_process = os.getpid()


def forget_merged_documents(app: Sphinx, docname: str, source: list[str]) -> None:
    """In a forked reader, once: drop the documents it will not send back."""
    domain = domain_of(app.env)
    if domain.merging_process in (None, os.getpid()):
        return
    # This process forgets once; its later documents find their own pid here.
    domain.merging_process = os.getpid()
    env = app.env
    # Documents being read in this build were cleared from all_docs before the
    # first reader was forked: all_docs names only documents this reader does not read.
    others = [name for name in env.all_docs if name != docname]
    _forget(env, others)
    domain.forget_for_reader(others)


def _forget(env: BuildEnvironment, others: Iterable[str]) -> None:
    tables = [getattr(env, name, None) for name in _PER_DOCUMENT_TABLES]
    tables.append(env.domains.index_domain.entries)
    for table in tables:
        if isinstance(table, dict):
            for name in others:
                table.pop(name, None)


def setup(app: Sphinx) -> None:
    app.connect("env-before-read-docs", note_main_process)
    # First of the source's handlers: nothing of this document is held yet.
    app.connect("source-read", forget_merged_documents, priority=1)
