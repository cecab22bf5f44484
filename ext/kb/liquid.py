"""Jekyll's Liquid left-overs in imported posts: convert what has a clear meaning.

Jekyll runs every post through Liquid before Markdown; kb never evaluates an
article as a template, so what Liquid would have done is done once, here, by
``kb import``:

- ``{% highlight lang %}`` … ``{% endhighlight %}`` becomes a fenced code block;
- ``{{ site.baseurl }}`` and ``{{ site.url }}`` are dropped, so the links they
  started become site-relative (``/2025/11/07/slug.html``);
- ``{% raw %}`` … ``{% endraw %}`` is unwrapped: its content was meant literally.

Everything else (``{% include %}``, ``{{ page.title }}``, filters, loops) has
no meaning outside the Jekyll site; it is kept as written, so the page shows
it as text, and reported with its line. Pure: no Sphinx, no file system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from kb.frontmatter import RawFrontMatter, read_yaml_mapping

#: Liquid tags (``{% … %}``) and outputs (``{{ … }}``), with Liquid's
#: whitespace-trimming dashes.
_LIQUID = re.compile(r"\{%-?\s*(?P<tag>\w*)(?P<args>.*?)-?%\}|\{\{-?(?P<output>.*?)-?\}\}", re.S)
_SITE_ROOTS = frozenset({"site.baseurl", "site.url"})
#: Language names as they may follow ``highlight``; anything else is not a fence info.
_LANGUAGE = re.compile(r"[\w+#.-]+")
_BACKTICKS = re.compile(r"`{3,}")


@dataclass(frozen=True)
class LiquidNote:
    """A Liquid construct kept as text: ``line`` is 1-based in the converted text's source."""

    line: int
    message: str


def convert_liquid(text: str, first_line: int = 1) -> tuple[str, list[LiquidNote]]:
    """``text`` with its Liquid converted, and a note for each construct kept as written.

    ``first_line`` is the file line of the first line of ``text``, for the
    notes. Line breaks are kept where they were, so lines after a converted
    tag keep their numbers.
    """
    out: list[str] = []
    notes: list[LiquidNote] = []
    position = 0
    raw_from: int | None = None  # the {% raw %} being unwrapped, by offset
    fence: str | None = None  # the fence of the {% highlight %} being converted

    def line_of(offset: int) -> int:
        return first_line + text.count("\n", 0, offset)

    def keep(match: re.Match[str], why: str) -> None:
        shown = " ".join(match.group(0).split())
        if len(shown) > 60:
            shown = shown[:59] + "…"
        notes.append(LiquidNote(line_of(match.start()), f"Liquid {shown} {why}; kept as text"))
        out.append(match.group(0))

    for match in _LIQUID.finditer(text):
        out.append(text[position : match.start()])
        position = match.end()
        tag = match.group("tag")
        if raw_from is not None:
            if tag == "endraw":
                raw_from = None
            else:
                out.append(match.group(0))
            continue
        if tag == "raw":
            raw_from = match.start()
        elif tag == "highlight" and fence is None:
            language = (match.group("args") or "").split()
            info = language[0] if language and _LANGUAGE.fullmatch(language[0]) else ""
            fence = _fence_for(text, match.end())
            out.append(_on_own_line(out, f"{fence}{info}") + _line_break_after(text, position))
        elif tag == "endhighlight" and fence is not None:
            out.append(_on_own_line(out, fence) + _line_break_after(text, position))
            fence = None
        elif tag in ("highlight", "endhighlight"):
            keep(match, "has no matching highlight tag")
        elif tag:
            keep(match, "has no meaning outside Jekyll")
        elif (match.group("output") or "").strip() in _SITE_ROOTS:
            continue  # dropped: the link that follows is relative to the site
        else:
            keep(match, "is a Jekyll value kb cannot fill in")
    out.append(text[position:])
    if raw_from is not None:
        notes.append(
            LiquidNote(
                line_of(raw_from),
                "Liquid {% raw %} has no {% endraw %}; the text after it is kept as written",
            )
        )
    if fence is not None:
        out.append(_on_own_line(out, fence))
        notes.append(
            LiquidNote(
                line_of(len(text)),
                "Liquid {% highlight %} has no {% endhighlight %}; the code block ends here",
            )
        )
    return "".join(out), notes


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


# --- front matter as MyST sees it -----------------------------------------------------

#: Front matter keys MyST merges into its configuration for one file. Under
#: ``myst:`` an article could switch ``substitution`` back on for itself and
#: have its text rendered by an unsandboxed Jinja: ``{{ 7*7 }}`` would be 49.
_SWITCH_KEYS = ("myst", "substitutions")
#: What a front matter needs to hold before it is worth a second look: a
#: switch key, an explicit tag, or a run of digits long enough to be a number
#: Python will not convert (4,300 digits; sexagesimal ones count colons).
_SUSPECT = re.compile(r"myst|substitutions|!|[\w:]{4000,}")


def disarm_front_matter(source: str) -> tuple[str, list[LiquidNote]]:
    """``source`` with the front matter keys MyST must not see commented out.

    MyST reads the front matter of every page itself, before kb's reader
    runs its checks, and two kinds of keys are dangerous there: ``myst:`` and
    ``substitutions:``, which could make the page a template, and values kb
    cannot read (a hexadecimal number of 5,000 digits), on which MyST stops
    the whole build. The block is found as MyST finds it (from a first line
    starting with ``---`` to the next line starting with ``---`` or ``...``);
    each line of a removed key becomes a YAML comment, so line numbers do not
    move. kb reads its own copy of the front matter before calling this; the
    text returned is for MyST only.
    """
    lines = source.splitlines(keepends=True)
    if not lines or not lines[0].startswith("---"):
        return source, []
    end = next(
        (i for i in range(1, len(lines)) if lines[i].startswith(("---", "..."))), len(lines)
    )
    block = "".join(line.rstrip() + "\n" for line in lines[1:end])
    if not _SUSPECT.search(block):
        return source, []  # the common case: no second parse of every page
    loader_class: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        loader = loader_class(block)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except Exception:  # MyST cannot read it either: it warns and merges nothing
        return source, []
    if not isinstance(root, yaml.MappingNode):
        return source, []
    unreadable = {
        problem.key
        for problem in read_yaml_mapping(block, 2, RawFrontMatter(), what="front matter").problems
        if problem.key is not None
    }
    doomed: set[int] = set()
    notes: list[LiquidNote] = []
    for key_node, value_node in root.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key = str(key_node.value)
        if key in _SWITCH_KEYS:
            why = "per-file MyST settings could make the article text a template"
        elif key in unreadable:
            why = "its value cannot be read"
        else:
            continue
        first = key_node.start_mark.line
        last = value_node.end_mark.line
        if value_node.end_mark.column == 0 and last > first:
            last -= 1
        if root.flow_style:
            first, last = 0, block.count("\n") - 1
        doomed.update(range(first + 1, last + 2))  # +1: the opening fence line
        if key in _SWITCH_KEYS:
            notes.append(
                LiquidNote(first + 2, f"front matter key {key!r} is ignored: {why}")
            )
    for index in sorted(doomed):
        if index < end:
            ending = lines[index][len(lines[index].rstrip("\r\n")) :]
            lines[index] = "#" + ending
    return "".join(lines), notes
