"""Memory given back while pages are written.

Under ``-j`` the main process reads every document's doctree again from its
pickle to resolve it before a worker writes it, and Sphinx keeps each pickle's
bytes (``env._pickled_doctree_cache``) until the build ends: about 24 KiB a page,
all of them held at once by the end of the writing (24 MiB at 1,000 articles,
some 470 MiB at 20,000). An HTML build resolves each page once; the bytes of a
resolved page are dropped, and a later ``get_doctree`` of it (a feed's body
written again, a book) reads its file again.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from kb.sphinx.domain import renders_extra_pages


def drop_read_doctree(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Forget the pickled bytes of a page once it is resolved (html, dirhtml, epub)."""
    if not renders_extra_pages(app.builder):
        return
    cache = getattr(app.env, "_pickled_doctree_cache", None)
    if isinstance(cache, dict):
        cache.pop(docname, None)


def setup(app: Sphinx) -> None:
    # Last: every other handler of the page has its doctree by now.
    app.connect("doctree-resolved", drop_read_doctree, priority=990)
