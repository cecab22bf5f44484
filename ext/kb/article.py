"""Reading articles: front matter to typed records, title and byline on the page."""

from __future__ import annotations

import codecs
import html
import os
import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from kb.config import kb_config
from kb.dates import format_japanese_date
from kb.frontmatter import (
    Problem,
    RawFrontMatter,
    article_meta,
    read_front_matter,
    reading_minutes,
)
from kb.nodes import kb_dynamic
from kb.records import Article
from kb.render import BADGE_CLASSES
from kb.settings import KbConfig

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from kb.domain import KbDomain

logger = logging.getLogger(__name__)

FRONT_MATTER_KEY = "kb_front_matter"
HAS_H1_KEY = "kb_has_h1"


def is_article(docname: str, config: KbConfig) -> bool:
    return docname.startswith(config.articles_dir.strip("/") + "/")


def entry_kind(docname: str, config: KbConfig) -> str | None:
    """The glossary kind of ``docname`` when it is an entry page."""
    prefix = config.glossary_dir.strip("/") + "/"
    if not docname.startswith(prefix):
        return None
    parts = docname[len(prefix) :].split("/")
    if len(parts) != 2 or parts[1] == "index":
        return None
    for kind, spec in config.glossary_kinds.items():
        if spec.get("folder", kind) == parts[0]:
            return kind
    return None


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_H1 = re.compile(r"^ {0,3}#(?:[ \t]|$)")


def has_level_one_heading(body: str) -> bool:
    """True when the Markdown body has an ATX ``#`` heading outside code fences.

    The doctree cannot tell: MyST puts a body that starts at ``##`` at the top
    level too, so the heading level is read from the lines themselves.
    """
    fence = ""
    for line in body.splitlines():
        match = _FENCE.match(line)
        if match:
            marker = match.group(1)
            if not fence:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = ""
            continue
        if not fence and _H1.match(line):
            return True
    return False


# --- sources that are not valid text ------------------------------------------

#: Prefix of a codec that decodes like the one named after it, with U+FFFD for
#: bytes that do not decode. Sphinx 9 reads sources strictly and stops the
#: whole build at the first undecodable byte; it passes only an encoding name,
#: so leniency has to be a codec.
LENIENT_CODEC_PREFIX = "kb_lenient_"


def _lenient_codec(name: str) -> codecs.CodecInfo | None:
    if not name.startswith(LENIENT_CODEC_PREFIX):
        return None
    strict = codecs.lookup(name[len(LENIENT_CODEC_PREFIX) :])

    class Decoder(strict.incrementaldecoder):  # type: ignore[name-defined]
        def __init__(self, errors: str = "strict") -> None:
            super().__init__("replace")

    def decode(data: Any, errors: str = "strict", /) -> tuple[str, int]:
        return strict.decode(data, "replace")

    return codecs.CodecInfo(
        strict.encode,
        decode,
        incrementalencoder=strict.incrementalencoder,
        incrementaldecoder=Decoder,
        streamreader=strict.streamreader,
        streamwriter=strict.streamwriter,
        name=name,
    )


codecs.register(_lenient_codec)


def use_lenient_decoding(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Read every source with bad bytes replaced, so one file cannot stop the build.

    A file that holds no bad byte decodes exactly as before; for one that does,
    :func:`report_undecodable` names the file and line when its text arrives.
    """
    encoding = app.config.source_encoding
    try:
        codecs.lookup(encoding)
    except LookupError:
        return  # Sphinx itself reports an unknown source_encoding
    env.settings["input_encoding"] = LENIENT_CODEC_PREFIX + encoding


def report_undecodable(app: Sphinx, docname: str, text: str) -> None:
    """Warn with the line of the first bad byte when ``text`` holds replacements.

    Only a text with U+FFFD is checked against its bytes, so a well-formed
    project never reads a source twice.
    """
    if "\ufffd" not in text:
        return
    encoding = app.config.source_encoding
    try:
        data = app.env.doc2path(docname).read_bytes()
        data.decode(encoding)
    except (OSError, LookupError):
        return  # reading the document reports it
    except UnicodeDecodeError as error:
        label = "UTF-8" if codecs.lookup(encoding).name in ("utf-8", "utf-8-sig") else encoding
        logger.warning(
            "not %s text (byte 0x%02x): read with \ufffd in place of each bad byte; "
            "save the file as %s",
            label,
            data[error.start],
            label,
            type="kb",
            subtype="encoding",
            location=(docname, data.count(b"\n", 0, error.start) + 1),
        )


def on_source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    """Keep the parsed front matter of articles and entries for the transforms."""
    report_undecodable(app, docname, source[0])
    config = kb_config(app)
    if is_article(docname, config) or entry_kind(docname, config):
        raw = read_front_matter(source[0])
        app.env.temp_data[HAS_H1_KEY] = has_level_one_heading(raw.body)
        raw.body = ""  # the doctree carries the body; no second copy in memory
        app.env.temp_data[FRONT_MATTER_KEY] = raw


def report(problems: list[Problem], docname: str, what: str = "front_matter") -> None:
    for problem in problems:
        logger.warning(
            problem.message,
            type="kb",
            subtype=problem.subtype or what,
            location=(docname, problem.line) if problem.line else docname,
        )


def has_title(document: nodes.document) -> bool:
    return any(isinstance(child, nodes.section) for child in document.children)


def _leading_end(document: nodes.document) -> int:
    """Index of the first body element; docinfo, targets and comments stay in front."""
    for index, child in enumerate(document.children):
        if not isinstance(
            child,
            (
                nodes.docinfo,
                nodes.field_list,
                nodes.target,
                nodes.comment,
                nodes.substitution_definition,
                nodes.meta,
            ),
        ):
            return index
    return len(document.children)


def insert_title(document: nodes.document, title: str, ids: list[str]) -> nodes.section:
    """Wrap the body in a section titled ``title`` (plain text, never parsed as markup)."""
    start = _leading_end(document)
    section = nodes.section(ids=ids, names=[nodes.fully_normalize_name(title)])
    section += nodes.title(title, title)
    section.extend(document.children[start:])
    del document.children[start:]
    document += section
    document.note_implicit_target(section, section)
    return section


def first_section(document: nodes.document) -> nodes.section | None:
    for child in document.children:
        if isinstance(child, nodes.section):
            return child
    return None


def page_xref(target: str, text: str, classes: list[str]) -> addnodes.pending_xref:
    """A link to a generated page, resolved by the domain through the builder."""
    xref = addnodes.pending_xref(
        "", refdomain="kb", reftype="page", reftarget=target, refexplicit=True, refwarn=False
    )
    xref += nodes.inline(text, text, classes=classes)
    return xref


def byline(article: Article, config: KbConfig) -> nodes.container:
    """Date, authors, reading time and category/tag badges under the title."""
    box = nodes.container(classes=["kb-article-meta"])
    line = nodes.paragraph(classes=["kb-byline"])
    if article.date is not None:
        line += nodes.inline(
            "", format_japanese_date(article.date, config.zone), classes=["kb-date"]
        )
    for author in article.authors:
        line += nodes.Text(" · ")
        line += page_xref(f"author:{author}", author, ["kb-author"])
    line += nodes.Text(" · ")
    line += nodes.inline("", f"約{article.reading_time}分", classes=["kb-reading-time"])
    if article.updated:
        line += nodes.Text(" · ")
        line += nodes.inline(
            "", f"更新 {format_japanese_date(article.updated, config.zone)}", classes=["kb-updated"]
        )
    box += line
    if article.categories or article.tags:
        badges = nodes.paragraph(classes=["kb-badges"])
        for kind, names in (("category", article.categories), ("tag", article.tags)):
            for name in names:
                badges += page_xref(f"{kind}:{name}", name, list(BADGE_CLASSES[kind]))
                badges += nodes.Text(" ")
        box += badges
    return box


def _merged(first: list[str], second: list[str]) -> list[str]:
    from kb.names import fold

    seen = {fold(name) for name in first}
    return first + [name for name in second if fold(name) not in seen]


class ArticleTransform(SphinxTransform):
    """Turn an article's front matter into its record, page title and byline."""

    # Before SphinxDomains (850) and doctree-read (880), so the title collector
    # and the glossary linker see the finished page.
    default_priority = 500

    def apply(self, **kwargs: Any) -> None:
        config = kb_config(self.env)
        docname = self.env.docname
        if not is_article(docname, config):
            return
        raw: RawFrontMatter = self.env.temp_data.get(FRONT_MATTER_KEY) or RawFrontMatter()
        meta = article_meta(raw, config.zone)
        report(meta.problems, docname)
        domain: KbDomain = self.env.get_domain("kb")  # type: ignore[assignment]

        title = meta.title
        if self.env.temp_data.get(HAS_H1_KEY) and has_title(self.document):
            section = first_section(self.document)
        else:
            fallback = title or docname.rsplit("/", 1)[-1]
            section = insert_title(self.document, fallback, ["article-title"])
        assert section is not None
        date = meta.date
        if date is None:
            # Keep the article listed and buildable; its warning says why the date is odd.
            import datetime as dt

            date = dt.datetime(1970, 1, 1, tzinfo=config.zone)
        reading_time = meta.reading_time or reading_minutes(
            section.astext(), config.reading_chars_per_minute
        )
        section_title = section.next_node(nodes.title)
        article = Article(
            docname=docname,
            title=title or (section_title.astext() if section_title else docname),
            date=date,
            updated=meta.updated,
            authors=tuple(meta.authors),
            categories=tuple(meta.categories),
            tags=tuple(_merged(meta.tags, domain.directive_tags(docname))),
            excerpt=meta.excerpt,
            reading_time=reading_time,
            draft=meta.draft,
        )
        domain.add_article(article)
        self.env.temp_data["kb_autolink"] = meta.autolink

        title_node = section.next_node(nodes.title)
        position = section.index(title_node) + 1 if title_node is not None else 0
        section.insert(position, byline(article, config))
        footer = kb_dynamic(kind="article-footer")
        section += footer
        from kb.dynamic import note_dynamic

        note_dynamic(self.env, footer)
        # Articles are reached through the index pages, not the toctree: a
        # toctree of every article would put all of them on every page.
        self.env.metadata[docname]["orphan"] = True
        # Display names and slugs come from the taxonomy file; a missing
        # dependency would make Sphinx re-read the article on every build.
        if os.path.isfile(os.path.join(self.env.srcdir, config.taxonomy_file)):
            self.env.note_dependency(config.taxonomy_file)


def on_html_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Excerpt as the page description, and Open Graph tags, all escaped."""
    domain: KbDomain = app.env.get_domain("kb")  # type: ignore[assignment]
    article = domain.articles.get(pagename)
    if article is None or article.date is None:
        return
    tags = []
    if article.excerpt:
        tags.append(f'<meta name="description" content="{html.escape(article.excerpt)}">')
        tags.append(f'<meta property="og:description" content="{html.escape(article.excerpt)}">')
    tags.append(f'<meta property="og:title" content="{html.escape(article.title)}">')
    tags.append('<meta property="og:type" content="article">')
    if article.date is not None:
        tags.append(
            f'<meta property="article:published_time" content="{article.date.isoformat()}">'
        )
    for tag in article.tags:
        tags.append(f'<meta property="article:tag" content="{html.escape(tag)}">')
    base = app.config.html_baseurl
    if base:
        url = base.rstrip("/") + "/" + app.builder.get_target_uri(pagename)
        tags.append(f'<meta property="og:url" content="{html.escape(url)}">')
    context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(tags)
    if article.draft:
        context["metatags"] += '\n<meta name="robots" content="noindex">'


class _ArticleHeadingFilter:
    """Drop MyST's "Document headings start at H2" for articles.

    An article's title comes from its front matter and becomes the page's H1,
    so body headings rightly start at H2 (as in every Jekyll post).
    """

    def __init__(self, config: KbConfig) -> None:
        self.config = config

    def filter(self, record: Any) -> bool:
        if getattr(record, "type", None) != "myst" or getattr(record, "subtype", None) != "header":
            return True
        if not str(record.msg).startswith("Document headings start at H"):
            return True
        location = getattr(record, "location", None)
        docname = location[0] if isinstance(location, tuple) and location else None
        return not (isinstance(docname, str) and is_article(docname, self.config))


def install_heading_filter(app: Sphinx) -> None:
    import logging as std_logging

    heading_filter = _ArticleHeadingFilter(kb_config(app))
    for handler in std_logging.getLogger("sphinx").handlers:
        if handler.level >= std_logging.WARNING or type(handler).__name__ == "WarningStreamHandler":
            # First, so that -W never counts what this filter drops.
            handler.filters.insert(0, heading_filter)
