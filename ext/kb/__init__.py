"""kb: a Sphinx knowledge base for long-form Japanese analysis articles.

``extensions = ["kb"]`` in ``conf.py`` turns MyST articles with Jekyll front
matter into typed records, and builds tag, category, author and date
indexes, Atom feeds, glossary cross-references and Japanese search from them.

This module only registers; each build phase has its own ``setup``:
:mod:`kb.sphinx.reading`, :mod:`kb.sphinx.writing`, :mod:`kb.sphinx.feeds`, :mod:`kb.sphinx.searching`.
The layers below them (and the import-linter contract that keeps them) are
described in reference/design.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kb.core.version import __version__

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: The shape of what kb stores in the environment; bumped whenever it changes
#: (2: articles may be undated, entry boxes and bylines are placeholders;
#: 3: entry pages hold a pictures placeholder; 4: articles carry their series;
#: 5: files named by an article's raw HTML are registered as images and downloads;
#: 6: the search's records kept beside the doctrees are deflated).
ENV_VERSION = 6


def setup(app: Sphinx) -> dict[str, Any]:
    # Imported here, not at the top: ``kb import`` and the other commands live
    # in this package and must start without loading Sphinx. These imports go
    # down the layers only.
    from kb.sphinx import (
        book,
        config,
        feeds,
        i18n,
        machine,
        nodes,
        notfound,
        parallelread,
        previews,
        rawfiles,
        reading,
        redirecting,
        releasing,
        searching,
        sharing,
        slimming,
        sources,
        writing,
    )
    from kb.sphinx.domain import KbDomain

    app.setup_extension("sphinx_design")
    i18n.setup(app)
    config.register(app)
    app.add_domain(KbDomain)
    nodes.register(app)
    reading.setup(app)
    rawfiles.setup(app)
    writing.setup(app)
    feeds.setup(app)
    searching.setup(app)
    notfound.setup(app)
    sharing.setup(app)
    redirecting.setup(app)
    machine.setup(app)
    book.setup(app)
    sources.setup(app)
    previews.setup(app)
    slimming.setup(app)
    releasing.setup(app)
    parallelread.setup(app)
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
