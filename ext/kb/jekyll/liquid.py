"""Jekyll's Liquid left-overs in imported posts: convert what has a clear meaning.

Jekyll runs every post through Liquid before Markdown; kb never evaluates an
article as a template, so what Liquid would have done is done once, here, by
``kb import``, where the meaning is clear at import time:

- ``{% highlight lang %}`` … ``{% endhighlight %}`` becomes a fenced code block;
- ``{% raw %}`` … ``{% endraw %}`` is unwrapped: its content was meant literally;
- ``{{ site.baseurl }}``, ``{{ site.url }}`` and Jekyll-Bootstrap's
  ``{{ BASE_PATH }}`` are dropped, so the links they started become
  site-relative (``/2025/11/07/slug.html``), which the importer then points at
  the imported articles; ``{% include JB/setup %}`` (it only sets variables)
  is dropped too;
- ``{{ site.* }}`` values of ``_config.yml``, ``{{ page.* }}`` values of the
  post's front matter, ``{% assign %}`` and lookups in the site's data files
  (``site.data.releases | where: "version", "3.2.1" | first``) are filled in,
  with the filters ``relative_url``, ``absolute_url``, ``prepend``,
  ``append``, ``where``, ``first``, ``last``, ``size``, ``default``,
  ``downcase``, ``upcase``, ``strip``, ``join`` and ``escape``;
- ``{% post_url %}`` and ``{% link %}`` become the URL Jekyll gave the post or
  page; the footnote tags ``{% fn_ref %}``, ``{% footnotes %}``, ``{% fn %}``
  Markdown footnotes; ``{% math %}`` a math block; ``{% comment %}`` an HTML
  comment;
- tags and filters of plugins whose output has a plain reading (gist, YouTube,
  Hatena Bookmark, lightbox, gumroad, inline math, csssig, the Amazon Product
  API filters) become what :mod:`kb.jekyll.liquidplugins` says;
- a bare name nothing defines (``{{ BASE_URL }}``) printed nothing under
  Jekyll, and prints nothing here.

Everything else (another ``{% include %}``, loops, conditions, unknown filters
and plugin tags) has no meaning outside the Jekyll site: its output cannot be
known. In prose it is kept in the source inside an HTML comment, out of the
page (a block tag with its content, from its line to its end tag's line);
in code, a link target or an HTML tag it is kept as written. Either way it is
reported with its line. Pure: no Sphinx, no file system (the context answers
for the site).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from kb.jekyll.kramdown import chunks, inline_code_spans
from kb.jekyll.liquidplugins import (
    LINK_TAGS,
    PROSE_ONLY_TAGS,
    AmazonFilters,
    ServiceOnlyValue,
    csssig_target,
    inline_math,
)
from kb.jekyll.liquidscope import LiquidContext, Scope, UndefinedName, UnknownValue, liquid_text

#: Liquid tags (``{% … %}``) and outputs (``{{ … }}``), with Liquid's
#: whitespace-trimming dashes.
_LIQUID = re.compile(r"\{%-?\s*(?P<tag>\w*)(?P<args>.*?)-?%\}|\{\{-?(?P<output>.*?)-?\}\}", re.S)
#: Where the site was mounted: links starting with these become site-relative.
_SITE_ROOTS = frozenset(
    {"site.baseurl", "site.url", "site.github.url", "BASE_PATH", "site.JB.BASE_PATH"}
)
#: Language names as they may follow ``highlight``; anything else is not a fence info.
_LANGUAGE = re.compile(r"[\w+#.-]+")
_BACKTICKS = re.compile(r"`{3,}")
_END_TAG = re.compile(r"\{%-?\s*end(\w+)")
_UNCLOSED_TAG = re.compile(r"<[A-Za-z][^<>]*$")
_UNCLOSED_TARGET = re.compile(r"\]\([^)\s]*$")
#: How deep ``{% include %}`` may nest: an include that includes itself stops here.
MAX_INCLUDE_DEPTH = 5
_INCLUDE = re.compile(r"^\s*([\w./-]+)\s*$")


@dataclass(frozen=True)
class LiquidNote:
    """A Liquid construct kept as text: ``line`` is 1-based in the converted text's source."""

    line: int
    message: str


def convert_liquid(
    text: str, first_line: int = 1, context: LiquidContext | None = None, depth: int = 0
) -> tuple[str, list[LiquidNote]]:
    """``text`` with its Liquid converted, and a note for each construct kept as written.

    ``first_line`` is the file line of the first line of ``text``, for the
    notes; ``context`` answers for the post's site (without it, only what
    needs no site is converted). Line breaks are kept where they were, so
    lines after a converted tag keep their numbers.
    """
    return _Conversion(text, first_line, context, depth).run()


class _Conversion:
    """One walk over a text's Liquid: what is written so far, and the blocks open.

    :meth:`tag` hands each tag to the method for its kind; a method returns
    ``False`` when the tag is not one it converts (arguments it cannot read, a
    tag out of place), and the tag is then kept as one kb does not know.
    """

    def __init__(
        self, text: str, first_line: int, context: LiquidContext | None, depth: int
    ) -> None:
        self.text = text
        self.first_line = first_line
        self.context = context
        self.depth = depth
        self.out: list[str] = []
        self.notes: list[LiquidNote] = []
        self.position = 0
        self.raw_from: int | None = None  # the {% raw %} being unwrapped, by offset
        self.fence: str | None = None  # the fence of the {% highlight %} being converted
        self.scope = (
            Scope(context, AmazonFilters(context.site, text).filters())
            if context is not None
            else None
        )
        self.footnote = 0
        self.skip_to = 0  # matches before this offset are inside a block kept in a comment
        self.inserts: dict[int, str] = {}  # offset -> text to add there (csssig ids)
        self.open_csssig = 0
        self.code = _code_ranges(text) if "`" in text or "    " in text or "\t" in text else []
        self.code_starts = [start for start, _ in self.code]
        self.block_ends = _block_ends(text)
        self.newlines: list[int] | None = None

    # --- the walk ------------------------------------------------------------------

    def run(self) -> tuple[str, list[LiquidNote]]:
        for match in _LIQUID.finditer(self.text):
            if match.start() < self.skip_to:
                continue
            self.copy(max(self.position, self.skip_to), match.start())
            self.position = match.end()
            if self.raw_from is not None:
                if match.group("tag") == "endraw":
                    self.raw_from = None
                else:
                    self.out.append(match.group(0))
            elif match.group("tag"):
                self.tag(match)
            else:
                self.output(match)
        self.copy(max(self.position, self.skip_to), len(self.text))
        self.finish()
        return "".join(self.out), self.notes

    def tag(self, match: re.Match[str]) -> None:
        """``{% tag args %}``, converted by its kind's method or kept."""
        tag = match.group("tag")
        args = (match.group("args") or "").strip()
        if tag in LINK_TAGS:
            converted = self.link_tag(tag, args)
        else:
            convert = _TAG_KINDS.get(tag)
            converted = convert is not None and convert(self, match, args)
        if converted:
            return
        if tag in ("highlight", "endhighlight"):
            self.keep(match, "has no matching highlight tag")
        elif match.start() in self.block_ends and self.keep_block(match, tag):
            return
        else:
            self.keep(match, "has no meaning outside Jekyll")

    def finish(self) -> None:
        """Notes for a ``{% raw %}`` or ``{% highlight %}`` the text never closed."""
        if self.raw_from is not None:
            self.note(
                self.raw_from,
                "Liquid {% raw %} has no {% endraw %}; the text after it is kept as written",
            )
        if self.fence is not None:
            self.out.append(_on_own_line(self.out, self.fence))
            self.note(
                len(self.text),
                "Liquid {% highlight %} has no {% endhighlight %}; the code block ends here",
            )

    def copy(self, start: int, end: int) -> None:
        """``text[start:end]`` to the output, with the csssig ids that go inside it."""
        for offset in sorted(o for o in self.inserts if start <= o < end):
            self.out.append(self.text[start:offset] + self.inserts.pop(offset))
            start = offset
        self.out.append(self.text[start:end])

    # --- where a construct is, and keeping it ----------------------------------------

    def line_of(self, offset: int) -> int:
        if self.newlines is None:  # found once: counting from the start for each note is quadratic
            self.newlines = [found.start() for found in re.finditer("\n", self.text)]
        return self.first_line + bisect.bisect_left(self.newlines, offset)

    def in_code(self, offset: int) -> bool:
        index = bisect.bisect_right(self.code_starts, offset) - 1
        return index >= 0 and offset < self.code[index][1]

    def in_page_text(self, match: re.Match[str]) -> bool:
        """Whether ``match`` is prose a reader sees (not code, a link target or an HTML tag)."""
        if self.fence is not None or self.in_code(match.start()):
            return False
        before = self.text[self.text.rfind("\n", 0, match.start()) + 1 : match.start()]
        return not (_UNCLOSED_TAG.search(before) or _UNCLOSED_TARGET.search(before))

    def note(self, offset: int, message: str) -> None:
        self.notes.append(LiquidNote(self.line_of(offset), message))

    def keep(self, match: re.Match[str], why: str) -> None:
        """``match`` kept: in a comment in prose, as written elsewhere; noted either way."""
        construct = f"Liquid {_shown(match.group(0))} {why}"
        if self.in_page_text(match):
            self.note(match.start(), f"{construct}; kept in an HTML comment, out of the page")
            self.out.append(_comment(match.group(0)))
            return
        self.note(match.start(), f"{construct}; kept as text")
        self.out.append(match.group(0))

    def keep_block(self, match: re.Match[str], tag: str) -> bool:
        """A block tag on its own lines kept whole in a comment; ``False`` when it is not one."""
        if not self.in_page_text(match):
            return False
        end = self.block_ends.get(match.start())
        span = _line_span(self.text, match.start(), end.end()) if end is not None else None
        if end is None or span is None or self.in_code(span[0]) or self.code_starts[
            bisect.bisect_left(self.code_starts, span[0]) : bisect.bisect_left(
                self.code_starts, span[1]
            )
        ]:
            return False
        self.note(
            match.start(),
            f"Liquid {_shown(match.group(0))} … {{% end{tag} %}} (lines "
            f"{self.line_of(match.start())}–{self.line_of(end.end())}) has no meaning outside "
            "Jekyll; kept in an HTML comment, out of the page",
        )
        self.out.append(_comment(self.text[match.start() : end.end()]))
        self.skip_to = end.end()
        return True

    # --- one method per kind of tag ----------------------------------------------

    def raw(self, match: re.Match[str], args: str) -> bool:
        self.raw_from = match.start()
        return True

    def highlight(self, match: re.Match[str], args: str) -> bool:
        if self.fence is not None:
            return False
        language = args.split()
        info = language[0] if language and _LANGUAGE.fullmatch(language[0]) else ""
        self.fence = _fence_for(self.text, match.end())
        self.open_fence(f"{self.fence}{info}")
        return True

    def math(self, match: re.Match[str], args: str) -> bool:
        if self.fence is not None:
            return False
        self.fence = "```"
        self.open_fence("```{math}")
        return True

    def open_fence(self, fence: str) -> None:
        self.out.append(
            _on_own_line(self.out, fence) + _line_break_after(self.text, self.position)
        )

    def end_fence(self, match: re.Match[str], args: str) -> bool:
        """``{% endhighlight %}`` (or ``{% endmath %}``): the open fence closed."""
        if self.fence is None or (match.group("tag") == "endmath" and self.fence != "```"):
            return False
        self.out.append(
            _on_own_line(self.out, self.fence) + _line_break_after(self.text, self.position)
        )
        self.fence = None
        return True

    def include(self, match: re.Match[str], args: str) -> bool:
        if args.split()[:1] == ["JB/setup"]:
            return True  # Jekyll-Bootstrap's setup only sets variables
        if self.context is None or not _INCLUDE.match(args):
            return False
        included = _included(args, self.context, self.depth, self.line_of(match.start()))
        if included is None:
            self.keep(match, "names a file that is not in the site's _includes")
        else:
            self.out.append(included)
        return True

    def comment(self, match: re.Match[str], args: str) -> bool:
        self.out.append("<!-- " if match.group("tag") == "comment" else " -->")
        return True

    def link_tag(self, tag: str, args: str) -> bool:
        """A plugin tag that showed one link or image (:data:`LINK_TAGS`)."""
        if tag in PROSE_ONLY_TAGS and self.fence is not None:
            return False
        markdown = LINK_TAGS[tag](args)
        if markdown is None:
            return False
        self.out.append(markdown)
        return True

    def inline_math(self, match: re.Match[str], args: str) -> bool:
        found = inline_math(self.text, match.start()) if self.fence is None else None
        if found is None:
            return False
        role, end = found
        self.out.append(role)
        self.skip_to = self.position = end
        return True

    def csssig(self, match: re.Match[str], args: str) -> bool:
        if self.fence is not None or match.start() not in self.block_ends:
            return False
        end = self.block_ends[match.start()]
        where, target, dropped = csssig_target(self.text, match.end(), end.start(), args)
        if target:
            self.inserts[where] = target
        if dropped:
            self.note(
                match.start(),
                f"Liquid {_shown(match.group(0))}: {', '.join(dropped)} "
                "have no place in kb's pages; dropped, the content is kept",
            )
        self.open_csssig += 1
        return True

    def end_csssig(self, match: re.Match[str], args: str) -> bool:
        if not self.open_csssig:
            return False
        self.open_csssig -= 1
        return True

    def footnote_reference(self, match: re.Match[str], args: str) -> bool:
        if not args:
            return False
        self.out.append(f"[^{args.split()[0]}]")
        return True

    def footnote_text(self, match: re.Match[str], args: str) -> bool:
        self.footnote += 1
        self.out.append(f"[^{self.footnote}]: {args}")
        return True

    def dropped(self, match: re.Match[str], args: str) -> bool:
        return True

    def site_url(self, match: re.Match[str], args: str) -> bool:
        """``{% post_url name %}`` or ``{% link path %}``: the URL Jekyll gave it."""
        if self.context is None:
            return False
        target = args.strip().strip("\"'")
        ask = self.context.post_url if match.group("tag") == "post_url" else self.context.link
        url = ask(target)
        if url is None:
            self.keep(match, f"names {target!r}, which is not in the site")
        else:
            self.out.append(url)
        return True

    def assign(self, match: re.Match[str], args: str) -> bool:
        if self.scope is None or "=" not in args:
            return False
        variable, expression = (part.strip() for part in args.split("=", 1))
        try:
            self.scope.assigned[variable] = self.scope.evaluate(expression)
        except (UnknownValue, ServiceOnlyValue) as error:
            self.keep(match, f"cannot be filled in ({error})")
        return True

    # --- {{ outputs }} ---------------------------------------------------------------

    def output(self, match: re.Match[str]) -> None:
        """``{{ expression }}``: its value, or nothing for a site root; kept when unknown."""
        expression = (match.group("output") or "").strip()
        if expression in _SITE_ROOTS:
            return  # dropped: the link that follows is relative to the site
        if self.scope is None:
            self.keep(match, "is a Jekyll value kb cannot fill in")
            return
        try:
            self.out.append(liquid_text(self.scope.evaluate(expression)))
        except UndefinedName as undefined:
            # Liquid prints nothing for a name nothing defines.
            self.note(
                match.start(),
                f"Liquid {_shown(match.group(0))}: {undefined}, so Jekyll showed "
                "nothing here; dropped",
            )
        except ServiceOnlyValue as why:
            self.keep(match, str(why))
        except UnknownValue as error:
            self.keep(match, f"is a Jekyll value kb cannot fill in ({error})")


#: The tags kb converts, by name (besides :data:`LINK_TAGS`) -> the method for their kind.
_TAG_KINDS = {
    "raw": _Conversion.raw,
    "highlight": _Conversion.highlight,
    "endhighlight": _Conversion.end_fence,
    "math": _Conversion.math,
    "endmath": _Conversion.end_fence,
    "include": _Conversion.include,
    "comment": _Conversion.comment,
    "endcomment": _Conversion.comment,
    "m": _Conversion.inline_math,
    "csssig": _Conversion.csssig,
    "endcsssig": _Conversion.end_csssig,
    "fn_ref": _Conversion.footnote_reference,
    "fn": _Conversion.footnote_text,
    "footnotes": _Conversion.dropped,
    "endfootnotes": _Conversion.dropped,
    "post_url": _Conversion.site_url,
    "link": _Conversion.site_url,
    "assign": _Conversion.assign,
}


def _included(args: str, context: LiquidContext, depth: int, line: int) -> str | None:
    """The text of the include ``args`` names, its own Liquid converted; ``None`` when absent."""
    if depth >= MAX_INCLUDE_DEPTH:
        return None
    text = context.include(args.strip())
    if text is None:
        return None
    converted, _ = convert_liquid(text, line, context, depth + 1)
    return converted.rstrip("\n")


def _shown(construct: str) -> str:
    """``construct`` on one line, cut to 60 characters, for a note."""
    construct = " ".join(construct.split())
    return construct if len(construct) <= 60 else construct[:59] + "…"


def _comment(text: str) -> str:
    """``text`` inside an HTML comment, which it cannot end early."""
    return "<!-- " + text.replace("-->", "- ->") + " -->"


def _block_ends(text: str) -> dict[int, re.Match[str]]:
    """Where each block tag of ``text`` opens -> its ``{% endname %}``, in one pass."""
    ended = set(_END_TAG.findall(text))
    if not ended:
        return {}
    opened: dict[str, list[int]] = {}
    found: dict[int, re.Match[str]] = {}
    for match in _LIQUID.finditer(text):
        tag = match.group("tag") or ""
        if tag in ended:
            opened.setdefault(tag, []).append(match.start())
        elif tag.startswith("end") and opened.get(tag[3:]):
            found[opened[tag[3:]].pop()] = match
    return found


def _line_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """(start of ``start``'s line, end of ``end``'s line) when nothing else shares those lines."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start:start].strip() or text[end:line_end].strip():
        return None
    return line_start, line_end


def _code_ranges(text: str) -> list[tuple[int, int]]:
    """Offsets of code in ``text`` (fenced and indented blocks, inline code spans)."""
    ranges: list[tuple[int, int]] = []
    offset = 0
    for chunk in chunks(text):
        end = offset + len(chunk.text)
        if chunk.code:
            ranges.append((offset, end))
        else:
            ranges.extend((offset + a, offset + b) for a, b in inline_code_spans(chunk.text))
        offset = end + 1
    return ranges


def _fence_for(text: str, start: int) -> str:
    """A backtick fence longer than any run of backticks in the code after ``start``."""
    end = text.find("endhighlight", start)
    code = text[start : end if end >= 0 else len(text)]
    longest = max((len(run) for run in _BACKTICKS.findall(code)), default=2)
    return "`" * max(3, longest + 1)


def _line_break_after(text: str, position: int) -> str:
    """A line break when text follows a fence on its line (it would end the fence)."""
    rest = text[position : text.find("\n", position) if "\n" in text[position:] else None]
    return "\n" if rest.strip() else ""


def _on_own_line(out: list[str], fence: str) -> str:
    """``fence`` placed at the start of a line, whatever came before it on its line."""
    before = "".join(out[-1:])
    if before and not before.endswith("\n"):
        # The tag shared a line with text: the fence needs its own.
        stripped = before.rstrip(" \t")
        out[-1] = stripped
        if stripped and not stripped.endswith("\n"):
            return "\n" + fence
    return fence
