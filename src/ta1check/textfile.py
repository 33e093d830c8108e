"""Reading a text file whose encoding the user did not choose: an article saved by a word
processor, a web page, an export from an editorial system.

UTF-8 (with or without a byte-order mark) and UTF-16/32 with a BOM are read as they are. Other
files are read in the encoding they declare (an HTML ``<meta charset>``, an XML declaration)
or, failing that, the one charset-normalizer detects with confidence (Latin-1 and Windows-1252
articles are common). A file whose encoding cannot be told is refused with one line that says
how to fix it, never read as mojibake and never a traceback.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

#: Largest article read (a book-length manuscript is a few MB).
MAX_TEXT_BYTES = 64 * 1024 * 1024
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*(?P<meta>[A-Za-z0-9_.:-]+)"""
    rb"""|<\?xml[^>]+encoding\s*=\s*["'](?P<xml>[A-Za-z0-9_.:-]+)["']""",
    re.IGNORECASE,
)
#: charset-normalizer's "chaos" (0 = clean text) above which a guess is not trusted.
_MAX_CHAOS = 0.2


class TextFileError(Exception):
    """A text file that cannot be read: ``path: cause``."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    #: How the encoding was known: "utf-8", "byte-order mark", "declared", "detected".
    how: str


def decode(raw: bytes, path: Path) -> DecodedText:
    """The text of ``raw`` (the bytes of ``path``); raises ``TextFileError``."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return DecodedText(raw.decode(encoding), encoding, "byte-order mark")
            except UnicodeDecodeError as exc:
                raise TextFileError(_bad_bytes(path, raw, exc, encoding)) from None
    try:
        return DecodedText(raw.decode("utf-8"), "utf-8", "utf-8")
    except UnicodeDecodeError as utf8_error:
        first_error = utf8_error
    declared = _DECLARED.search(raw[:8192])
    if declared is not None:
        name = (declared.group("meta") or declared.group("xml")).decode("ascii")
        try:
            codecs.lookup(name)
        except LookupError:
            raise TextFileError(
                f"{path}: declares the unknown encoding {name!r}; save it as UTF-8"
            ) from None
        try:
            return DecodedText(raw.decode(name), name, "declared")
        except UnicodeDecodeError as exc:
            raise TextFileError(_bad_bytes(path, raw, exc, name)) from None
    guess = _detect(raw)
    if guess is not None:
        return DecodedText(raw.decode(guess), guess, "detected")
    raise TextFileError(
        _bad_bytes(path, raw, first_error, "utf-8")
        + "; its encoding could not be determined: save it as UTF-8"
    )


def _detect(raw: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None or best.chaos > _MAX_CHAOS:
        return None
    try:
        raw.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return str(best.encoding)


def _bad_bytes(path: Path, raw: bytes, exc: UnicodeDecodeError, encoding: str) -> str:
    line = raw[: exc.start].count(b"\n") + 1
    return f"{path}:{line}: not valid {encoding} text (byte 0x{raw[exc.start]:02x})"


def read_bytes(path: Path, what: str = "file") -> bytes:
    """A file's bytes, up to the limit; raises ``TextFileError`` (one line) if it cannot be
    read or is too large."""
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise TextFileError(f"{path}: the {what} is {size:,} bytes; the limit is 64 MB")
        with path.open("rb") as handle:  # bounded even when stat() says 0 (/dev/zero, a pipe)
            raw = handle.read(MAX_TEXT_BYTES + 1)
        if len(raw) > MAX_TEXT_BYTES:
            raise TextFileError(f"{path}: the {what} is over the limit of 64 MB")
    except OSError as exc:
        raise TextFileError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None
    return raw


def read_text(path: Path, what: str = "file", raw: bytes | None = None) -> DecodedText:
    """Read a text file in whatever encoding it is in; raises ``TextFileError`` (one line:
    the file, the line of the first bad byte, what to do) for anything that is not text.
    ``raw``: the file's bytes, when already read."""
    decoded = decode(read_bytes(path, what) if raw is None else raw, path)
    if decoded.how == "detected":
        log.warning("%s is not UTF-8; read it as %s (%s)", path, decoded.encoding, decoded.how)
    return decoded
