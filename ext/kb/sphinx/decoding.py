"""Sources that are not valid text: read with bad bytes replaced, and reported.

Sphinx 9 reads sources strictly and stops the whole build at the first
undecodable byte; kb reads every source through a lenient codec instead, so
one file cannot stop the build, and names the file and line of the first bad
byte when its text arrives.
"""

from __future__ import annotations

import codecs
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from kb.core.frontmatter import undecodable

logger = logging.getLogger(__name__)


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
    try:
        problem = undecodable(app.env.doc2path(docname).read_bytes(), app.config.source_encoding)
    except (OSError, LookupError):
        return  # reading the document reports it
    if problem is not None:
        logger.warning(
            problem.message,
            type="kb",
            subtype=problem.subtype or "front_matter",
            location=(docname, problem.line) if problem.line else docname,
        )


def setup(app: Sphinx) -> None:
    try:
        codecs.lookup(LENIENT_CODEC_PREFIX + "utf-8")
    except LookupError:
        # Codecs are looked up process-wide; registered once, whatever the
        # number of Sphinx applications a process makes.
        codecs.register(_lenient_codec)
    app.connect("env-before-read-docs", use_lenient_decoding)
