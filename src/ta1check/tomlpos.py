"""Line numbers for a claims file. tomllib gives none, so this scanner finds them.

It reads the TOML text once, tracking strings (basic, literal, multi-line), comments, arrays
and inline tables. It reports the line where each claim starts and where each of its keys is.
A claim starts at a ``[[claim]]`` header or at the ``{`` of an inline table in
``claim = [{…}, {…}]``. It also records the keys of other tables (``[defaults]``). It never
raises: on text it cannot follow, lines are missing, never wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from operator import add

from .lazyre import lazy_compile

_BARE_KEY = lazy_compile(r"[A-Za-z0-9_-]+")
_WS = lazy_compile(r"[ \t\r]*(?:#[^\n]*)?")
_WS_NL = lazy_compile(r"[ \t\r\n]*(?:#[^\n]*)?")
_BASIC_BODY = lazy_compile(r'(?:[^"\\\n]|\\.)*')
_LITERAL_BODY = lazy_compile(r"[^'\n]*")
_SCALAR = lazy_compile(r"[^,\]}\n#]*")


@dataclass
class ClaimPosition:
    line: int
    keys: dict[str, int] = field(default_factory=dict)


@dataclass
class Positions:
    claims: list[ClaimPosition] = field(default_factory=list)
    #: (table, key) -> line, for top-level tables and keys ("" is the root table)
    keys: dict[tuple[str, str], int] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)

    def claim_line(self, index: int) -> int | None:
        return self.claims[index].line if index < len(self.claims) else None

    def claim_key_line(self, index: int, key: str) -> int | None:
        if index >= len(self.claims):
            return None
        claim = self.claims[index]
        return claim.keys.get(key, claim.line)

    def key_line(self, table: str, key: str) -> int | None:
        return self.keys.get((table, key), self.tables.get(table))


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.line = 1
        self.out = Positions()

    def peek(self, n: int = 1) -> str:
        return self.text[self.i : self.i + n]

    def advance(self, n: int = 1) -> None:
        chunk = self.text[self.i : self.i + n]
        self.line += chunk.count("\n")
        self.i += n

    def skip_ws(self, newlines: bool = False) -> None:
        pattern = _WS_NL if newlines else _WS
        while True:
            m = pattern.match(self.text, self.i)
            if m and m.end() > self.i:
                self.advance(m.end() - self.i)
                continue
            return

    def string(self) -> str:
        """Consume a string token at the cursor; return its (raw) content."""
        for quote in ('"""', "'''"):
            if self.peek(3) == quote:
                self.advance(3)
                start = self.i
                while self.i < len(self.text):
                    if quote == '"""' and self.peek() == "\\":
                        self.advance(2)
                        continue
                    if self.peek(3) == quote:
                        content = self.text[start : self.i]
                        self.advance(3)
                        while self.peek() == quote[0]:  # up to two extra quotes belong inside
                            self.advance()
                        return content
                    self.advance()
                return self.text[start:]
        quote = self.peek()
        self.advance()
        start = self.i
        m = (_BASIC_BODY if quote == '"' else _LITERAL_BODY).match(self.text, self.i)
        self.i = m.end() if m else self.i  # a one-line string holds no newline
        content = self.text[start : self.i]
        if self.peek() == quote:
            self.advance()
        return content

    def key(self) -> list[str]:
        """A (dotted) key at the cursor."""
        parts: list[str] = []
        while self.i < len(self.text):
            self.skip_ws()
            ch = self.peek()
            if ch in ('"', "'"):
                parts.append(self.string())
            else:
                m = _BARE_KEY.match(self.text, self.i)
                if not m:
                    break
                parts.append(m.group(0))
                self.advance(len(m.group(0)))
            self.skip_ws()
            if self.peek() == ".":
                self.advance()
                continue
            break
        return parts

    def value(self, claim: ClaimPosition | None = None, in_claim_array: bool = False) -> None:
        """Skip a value; inside ``claim = [...]`` each inline table starts a claim."""
        self.skip_ws()
        ch = self.peek()
        if ch in ('"', "'"):
            self.string()
        elif ch == "[":
            self.advance()
            while self.i < len(self.text):
                self.skip_ws(newlines=True)
                if self.peek() == "]":
                    self.advance()
                    return
                if self.peek() == ",":
                    self.advance()
                    continue
                if not self.peek():
                    return
                if in_claim_array and self.peek() == "{":
                    position = ClaimPosition(self.line)
                    self.out.claims.append(position)
                    self.inline_table(position)
                else:
                    before = self.i
                    self.value()
                    if self.i == before:
                        self.advance()
        elif ch == "{":
            self.inline_table(None)
        else:
            m = _SCALAR.match(self.text, self.i)
            if m:
                self.i = m.end()  # a scalar holds no newline

    def inline_table(self, claim: ClaimPosition | None) -> None:
        self.advance()  # {
        while self.i < len(self.text):
            self.skip_ws(newlines=True)
            if self.peek() == "}":
                self.advance()
                return
            if self.peek() == ",":
                self.advance()
                continue
            line = self.line
            parts = self.key()
            if not parts:
                self.advance()
                continue
            if claim is not None and len(parts) == 1:
                claim.keys.setdefault(parts[0], line)
            self.skip_ws()
            if self.peek() == "=":
                self.advance()
                self.value()

    def run(self) -> Positions:
        table = ""
        claim: ClaimPosition | None = None
        while self.i < len(self.text):
            self.skip_ws(newlines=True)
            if self.i >= len(self.text):
                break
            line = self.line
            if self.peek(2) == "[[":
                self.advance(2)
                name = ".".join(self.key())
                if self.peek(2) == "]]":
                    self.advance(2)
                table = name
                claim = None
                if name == "claim":
                    claim = ClaimPosition(line)
                    self.out.claims.append(claim)
                self.out.tables.setdefault(name, line)
            elif self.peek() == "[":
                self.advance()
                name = ".".join(self.key())
                if self.peek() == "]":
                    self.advance()
                table, claim = name, None
                self.out.tables.setdefault(name, line)
            else:
                parts = self.key()
                if not parts:
                    self.advance()
                    continue
                self.out.keys.setdefault((table, ".".join(parts)), line)
                if claim is not None and len(parts) == 1:
                    claim.keys.setdefault(parts[0], line)
                self.skip_ws()
                if self.peek() == "=":
                    self.advance()
                    self.value(in_claim_array=(table == "" and parts == ["claim"]))
        return self.out


_INLINE_CLAIMS = lazy_compile(r"^[ \t]*(?:claim|\"claim\"|'claim')[ \t]*=", re.MULTILINE)
#: Where ``_INLINE_CLAIMS`` may match: a pattern that starts with a literal is searched for
#: at C speed (``^[ \t]*``, or an alternation, tries every character).
_CLAIM_KEY = lazy_compile(r"claim[\"']?[ \t]*=")
#: A line up to a multi-line string's opening quotes, past one-line strings and not in a
#: comment (each alternative starts with its own character: no backtracking blow-up).
_OPENER = lazy_compile(
    r"(?:[^\"'#\n]|\"(?!\"\")(?:[^\"\\\n]|\\.)*\"|'(?!'')[^'\n]*')*(?:\"\"\"|''')"
)
_HEADER_LINE = lazy_compile(r"[ \t]*(\[\[?)[ \t]*([^\]#]*?)[ \t]*\]\]?[ \t]*(?:#.*)?$")
_KEY_LINE = lazy_compile(r"[ \t]*([A-Za-z0-9_-]+|\"[^\"\n]*\"|'[^'\n]*')[ \t]*(?:\.|=)")
_DOUBLE_BRACKET = lazy_compile(r"\[\[")


def _lines(text: str) -> Iterator[str]:
    """The lines of a TOML text as TOML counts them: split at LF only (``str.splitlines``
    also splits at U+2028, U+0085 and other characters a string or comment may hold),
    without the CR of a CRLF."""
    for line in text.split("\n"):
        yield line[:-1] if line.endswith("\r") else line


def _header(line: str) -> tuple[str, str] | None:
    """``("[[", "claim")`` for a line that is a table header, else None."""
    header = _HEADER_LINE.match(line)
    if not header:
        return None
    return header.group(1), header.group(2).strip().strip("\"'")


def _line_positions(text: str) -> Positions:
    """The fast path, for files where every string is on one line and claims are tables:
    then a line that starts with ``[`` is a header and one that starts with a key is a key."""
    out = Positions()
    table = ""
    claim: ClaimPosition | None = None
    for number, line in enumerate(_lines(text), 1):
        header = _header(line)
        if header:
            brackets, table = header
            out.tables.setdefault(table, number)
            claim = None
            if brackets == "[[" and table == "claim":
                claim = ClaimPosition(number)
                out.claims.append(claim)
            continue
        key = _KEY_LINE.match(line)
        if key:
            name = key.group(1).strip("\"'")
            out.keys.setdefault((table, name), number)
            if claim is not None:
                claim.keys.setdefault(name, number)
    return out


def _line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def _line_by_line(text: str) -> bool:
    """Whether the fast path reads the text as the scanner does: no multi-line string (a
    ``'''`` or ``\"\"\"`` inside a one-line string or a comment starts none) and no
    ``claim = [{…}]`` array. The text is valid TOML (tomli read it first), so every line
    before the first multi-line string starts outside any string."""
    for m in _CLAIM_KEY.finditer(text):
        if _INLINE_CLAIMS.match(text, _line_start(text, m.start())):
            return False
    starts: set[int] = set()
    for quotes in ('"""', "'''"):
        at = text.find(quotes)
        while at >= 0:
            starts.add(_line_start(text, at))
            at = text.find(quotes, at + 3)
    for start in starts:
        end = text.find("\n", start)
        if _OPENER.match(text, start, len(text) if end < 0 else end):
            return False
    return True


_PLAIN_HEADER = "\n[[claim]]\n"


def _plain_header_lines(text: str) -> list[int] | None:
    """``_header_lines`` of a text whose every ``[[`` opens a line ``[[claim]]`` (LF line
    ends), the shape of a long claims file, found without a Python step a header: the text
    split at each header, the newlines of each piece counted and summed in C (0.09 s -> 0.05
    s for 100,000 headers). None for any other text."""
    pieces = text.split(_PLAIN_HEADER)
    first = text.startswith(_PLAIN_HEADER[1:])
    if text.count("[[") != len(pieces) - 1 + first:
        return None  # a '[[' elsewhere: another header, a CRLF, an array, a string
    # header k (from 0) follows pieces 0..k and k earlier headers of two newlines each, and
    # its line is the one after its own leading newline: 2 + 2k + newlines of pieces 0..k
    del pieces[-1]
    before = accumulate(map(str.count, pieces, repeat("\n")))
    lines = list(map(add, before, range(2, 2 * len(pieces) + 2, 2)))
    return [1, *lines] if first else lines


def _header_lines(text: str) -> list[int]:
    """The line of each ``[[claim]]`` header as ``_line_positions`` finds it, reading only
    the lines that start with ``[[``."""
    plain = _plain_header_lines(text)
    if plain is not None:
        return plain
    lines: list[int] = []
    number, counted = 1, 0
    for m in _DOUBLE_BRACKET.finditer(text):
        at = m.start()
        if at and text[at - 1] == "\n":
            start = at  # the common case, kept short: 100,000 claims are 100,000 headers
        else:
            start = _line_start(text, at)
            if start < counted or text[start:at].strip(" \t"):
                continue
        number += text.count("\n", counted, start)
        counted = start
        if text.startswith("[[claim]]\n", at) and start == at:
            lines.append(number)
            continue
        end = text.find("\n", at)
        line = text[start:] if end < 0 else text[start:end]
        if _header(line[:-1] if line.endswith("\r") else line) == ("[[", "claim"):
            lines.append(number)
    return lines


class Located:
    """What the claims loader needs of a text's positions: each claim's header line at once
    (one pass over the ``[[`` of the text), every key's line only when an error asks."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._positions: Positions | None = None
        try:
            self._fast = _line_by_line(text)
            if self._fast:
                self.claim_lines = _header_lines(text)
        except (IndexError, RecursionError):  # pragma: no cover - defensive
            self._fast = False
        if not self._fast:
            self._positions = positions(text, fast=False)
            self.claim_lines = [c.line for c in self._positions.claims]

    @property
    def positions(self) -> Positions:
        """Every claim's and key's line (read at the first call)."""
        if self._positions is None:
            self._positions = positions(self._text, fast=self._fast)
        return self._positions

    def claim_line(self, index: int) -> int | None:
        return self.claim_lines[index] if index < len(self.claim_lines) else None


def positions(text: str, fast: bool | None = None) -> Positions:
    """Where each claim and key of a TOML text is; best effort, never raises. ``fast``:
    whether the text reads line by line, when the caller knows."""
    try:
        if fast is None:
            fast = _line_by_line(text)
        return _line_positions(text) if fast else _Scanner(text).run()
    except (IndexError, RecursionError):  # pragma: no cover - defensive
        return Positions()
