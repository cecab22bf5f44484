"""A kb project's text goes to translators: ``sphinx-build -b gettext`` (``make gettext``).

The gettext builder collects the messages of the project's pages and of every
template under ``templates_path``. kb's own templates call ``_()`` with
arguments, which Sphinx's collector cannot write (it failed the whole build);
they are kb's texts, translated by kb's catalogs, so the builder goes without
them. The pages' messages come from each element's raw source, which kb keeps
for this builder (kb.sphinx.slimming empties it only for others).
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from kbtesting import article, build, write_project

BODY = "半導体の需要が伸びている。\n\n## 供給の見通し\n\n**TSMC** の増産が続く。"


def _messages(path: Path) -> set[str]:
    with path.open("rb") as file:
        return {str(message.id) for message in read_po(file) if message.id}


def test_gettext_collects_the_articles_text_and_none_of_kbs_templates(tmp_path: Path) -> None:
    src = write_project(
        tmp_path,
        {
            "articles/2025/01/demand.md": article(
                BODY, title="需要の分析", date="2025-01-05", tags=["AI"]
            )
        },
    )
    result = build(src, "gettext", builddir=tmp_path / "gettext")
    assert "Traceback" not in result.warnings
    messages = _messages(result.outdir / "articles.pot")
    assert {"半導体の需要が伸びている。", "供給の見通し", "**TSMC** の増産が続く。"} <= messages
    template_catalog = result.outdir / "sphinx.pot"
    if template_catalog.exists():
        assert not any("min read" in text for text in _messages(template_catalog))

    # The HTML build of the same project (its own doctrees, as make-mode gives gettext)
    # still finds kb's templates: the article shows its reading time.
    html = build(src, "html", builddir=tmp_path / "html")
    byline = html.html("articles/2025/01/demand").select_one(".kb-reading-time")
    assert byline is not None and byline.get_text(strip=True)
