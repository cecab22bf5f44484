"""``llms.txt`` and each article as Markdown, for the programs that read a site (no Sphinx).

``llms.txt`` follows the proposal at https://llmstxt.org/: the site's name as
the one ``#`` heading, its description as a block quote, then ``##``
sections of links, each ``- [title](url): note``. Each article is linked
through its Markdown copy, which the proposal puts at the page's URL with
``.md`` added (``x.html.md``); that copy is the article's own Markdown with
its metadata as YAML front matter, so a reader gets the text without the
site around it. Titles and notes are single lines with Markdown's link
punctuation escaped, so no title can end a link or start a heading.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from kb.core.yamltext import flow_list, quoted

# What would end a link text or change how a line is read.
_MARKUP = re.compile(r"([\\\[\]`*_<>])")


def inline(text: str) -> str:
    """``text`` as one line of plain Markdown text."""
    return _MARKUP.sub(r"\\\1", " ".join(text.split()))


def link_target(url: str) -> str:
    """``url`` as a Markdown link destination: spaces and parentheses encoded."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    note: str = ""

    def line(self) -> str:
        note = f": {inline(self.note)}" if self.note else ""
        return f"- [{inline(self.title)}]({link_target(self.url)}){note}"


def llms_txt(name: str, description: str, sections: Sequence[tuple[str, Sequence[Link]]]) -> str:
    """The ``llms.txt`` of a site: its name, description and sections of links."""
    lines = [f"# {inline(name)}", ""]
    if description.strip():
        lines += [f"> {inline(description)}", ""]
    for heading, links in sections:
        if not links:
            continue
        lines += [f"## {inline(heading)}", ""]
        lines += [link.line() for link in links]
        lines.append("")
    return "\n".join(lines)


@dataclass(frozen=True)
class ArticleFacts:
    """What the Markdown copy says of an article besides its text."""

    title: str
    url: str
    date: dt.datetime | None
    updated: dt.datetime | None
    authors: Sequence[str]
    categories: Sequence[str]
    tags: Sequence[str]
    excerpt: str
    series: str = ""
    series_part: int = 0


_H1 = re.compile(r"^ {0,3}#(?:[ \t]|$)")


def article_markdown(facts: ArticleFacts, body: str) -> str:
    """An article as Markdown: its facts as YAML front matter, its title as the
    heading (unless the body has its own), then the body as written."""
    lines = ["---", f"title: {quoted(facts.title)}", f"url: {quoted(facts.url)}"]
    if facts.date is not None:
        lines.append(f"date: {facts.date.isoformat()}")
    if facts.updated is not None:
        lines.append(f"updated: {facts.updated.isoformat()}")
    for key, names in (
        ("authors", facts.authors),
        ("categories", facts.categories),
        ("tags", facts.tags),
    ):
        if names:
            lines.append(f"{key}: {flow_list(names)}")
    if facts.series:
        lines += [f"series: {quoted(facts.series)}", f"series_part: {facts.series_part}"]
    if facts.excerpt:
        lines.append(f"excerpt: {quoted(facts.excerpt)}")
    lines.append("---")
    text = body.strip("\n")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not _H1.match(first):
        lines += ["", f"# {inline(facts.title)}"]
    return "\n".join(lines) + "\n\n" + text + "\n"
