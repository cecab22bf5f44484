"""Doctrees pickle each repeated value once (kb.sphinx.slimming.share_repeats).

The same knowledge base is built twice, once with ``share_repeats`` made a no-op:
every page is byte for byte the same, every doctree reads back the same (its
pseudo-XML, and where every node is, as a warning names it), and the article
doctrees are smaller.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from docutils import nodes
from docutils.utils import get_source_line

import kb.sphinx.slimming
from kbtesting import article, build, write_project

FILES = {
    "index.md": "# ホーム\n\n```{toctree}\n:hidden:\nglossary/index\n```\n",
    "articles/2025/11/first.md": article(
        "NVIDIAとOpenAIの提携について。[次の記事](second.md)も読む。\n\n"
        "## 製造\n\nTSMCとNVIDIAの話。NVIDIAは**強い**。\n\n- 一つ目\n- 二つ目のNVIDIA\n",
        title="提携の記事",
        categories=["半導体"],
        tags=["データセンター", "AI"],
    ),
    "articles/2025/11/second.md": article(
        "クラウドの話。NVIDIAとTSMC。", title="クラウドの記事", tags=["AI"]
    ),
}


def built(root: Path) -> tuple[dict[str, bytes], dict[str, tuple[bytes, str]]]:
    result = build(write_project(root, FILES, index=None, with_glossary=True))
    assert "WARNING" not in result.warnings, result.warnings
    pages = {
        str(path.relative_to(result.outdir)): path.read_bytes()
        for path in result.outdir.rglob("*.html")
    }
    doctreedir = Path(result.app.doctreedir)
    # Each with the build's folder, which its doctrees name (the builds' only difference).
    doctrees = {
        str(path.relative_to(doctreedir)): (path.read_bytes(), str(root))
        for path in doctreedir.rglob("articles/**/*.doctree")
    }
    return pages, doctrees


def described(data: bytes, root: str) -> str:
    """A doctree's pseudo-XML with every node's class and place (source and line as
    docutils finds them for a warning), without the build's folder."""
    document = pickle.loads(data)
    places = [(type(node).__name__, *get_source_line(node)) for node in document.findall()]
    return (document.pformat() + repr(places)).replace(root, "")


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[tuple, tuple]:
    slim = built(tmp_path_factory.mktemp("slim"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kb.sphinx.slimming, "share_repeats", lambda doctree: None)
        plain = built(tmp_path_factory.mktemp("plain"))
    return slim, plain


def test_pages_are_byte_for_byte_the_same(both: tuple[tuple, tuple]) -> None:
    (slim_pages, _), (plain_pages, _) = both
    assert slim_pages.keys() == plain_pages.keys()
    assert len(slim_pages) > 10
    for name, page in slim_pages.items():
        assert page == plain_pages[name], name


def test_doctrees_read_back_the_same_and_are_smaller(both: tuple[tuple, tuple]) -> None:
    (_, slim_doctrees), (_, plain_doctrees) = both
    assert slim_doctrees.keys() == plain_doctrees.keys()
    assert len(slim_doctrees) == 2
    for name, (data, root) in slim_doctrees.items():
        plain, plain_root = plain_doctrees[name]
        assert described(data, root) == described(plain, plain_root), name
        slim = pickle.loads(data)
        texts = list(slim.findall(nodes.Text))
        assert texts and all(text.document is slim for text in texts), name
        assert len(data) < 0.98 * len(plain), name
