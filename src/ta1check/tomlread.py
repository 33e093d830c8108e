"""Reading TOML: tomli's answer, read by rtoml where rtoml gives the same answer (#16).

tomli is the parser of record. ``loads(text)`` returns what ``tomli.loads(text)`` returns (the
same data, of the same types, in the same key order) or raises what it raises
(``TOMLDecodeError`` with tomli's message, line and column; ``RecursionError`` for nesting
tomli does not follow). rtoml (a Rust TOML parser) reads first because it is 4.5x faster: 0.18 s
instead of 0.82 s on a claims file of 100,000 ``[[claim]]`` blocks. On any failure of rtoml,
tomli parses and has the final word: its data, or its error. rtoml never decides that a text is
invalid, so every error message is tomli's.

rtoml's answer is taken only where it is tomli's. These are the classes of input where the two
differ (found on the toml-test corpus, ``tests/data/toml-test``, and by mutating it; tested in
``tests/test_tomlread.py``), and what this module does with each:

1. A byte-order mark at the start of the text: rtoml skips it, tomli refuses it. -> tomli.
2. A carriage return in a text with a multi-line string: tomli reads a CRLF inside a
   multi-line string as LF, rtoml keeps the CR. -> tomli (the text holds ``\\r`` and ``\"\"\"``
   or ``'''``).
3. A newline (after a comment or not) before or after the ``=`` of a key/value pair inside an
   inline table (``{a =\\n 1}``): rtoml accepts it, tomli (and TOML's grammar) refuse it.
   -> tomli (the text holds ``{`` and an ``=`` ending a line, or a line starting with ``=``).
4. A ``[table]`` header after a dotted header (``[a.b]`` or ``[[a.b]]``): rtoml moves a table
   first made implicitly (``a`` by ``[a.b]``) and later declared (``[a]``) to where it is
   declared, so the keys come in another order than tomli's; and under a ``[x]`` that follows
   ``[[x.a]]`` rtoml lets a dotted key ``a.b.c = 1`` extend the array's last table, which
   tomli refuses. -> tomli (a single-bracket header line after a header line holding a dot).
5. An offset date-time (``1979-05-27T07:32:00-08:00``, ``…Z``): rtoml's ``datetime`` carries
   its own ``TzInfo`` class, tomli's a ``datetime.timezone``. -> rtoml's data, each such
   ``datetime`` given ``timezone(its offset)`` (``timezone.utc`` for zero, as tomli). The walk
   over the data runs only when the text holds a date, a time and an offset in a row
   (a digit, ``T``, ``t`` or a space, ``HH:MM``, then ``Z``, ``z``, ``+`` or ``-``): a claims
   file without one pays no walk.

Where rtoml refuses what tomli accepts (a float that overflows, ``1e400``, which tomli reads
as ``inf``; an integer beyond 64 bits; nesting past rtoml's recursion limit, which refused 50
levels of ``[{b = …}]``), rtoml's failure hands the text to tomli. Without rtoml installed (a
platform without its wheel), tomli reads everything. Both read TOML 1.1 (tomli >= 2.5, rtoml
>= 0.14, as pyproject.toml pins them): a pair reading different versions would differ on what
1.1 added (newlines in inline tables, ``\\e``, ``\\xHH``, times without seconds).

A claims file's ``[[claim]]`` tables are read a batch at a time (``loads(text,
array="claim")``), so that rtoml's own document, which it builds before the Python objects,
never holds them all (``_read_in_batches``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from functools import cache
from typing import Any

import tomli

from .lazyre import lazy_compile

TOMLDecodeError = tomli.TOMLDecodeError

#: Class 3: an ``=`` that ends a line (after spaces, a comment), or a line that starts with one.
_EQUALS_THEN_NEWLINE = lazy_compile(r"=[ \t\r]*(?:#[^\n]*)?\n")
_NEWLINE_THEN_EQUALS = lazy_compile(r"\n[ \t\r]*=")
#: Class 4: a table header line (TOML puts one only at a line's start, after spaces or tabs).
_TABLE_HEADER = lazy_compile(r"\n[ \t]*\[(?!\[)")
_DOTTED_HEADER = lazy_compile(r"\n[ \t]*\[[^\n]*\.")
_FIRST_DOTTED_HEADER = lazy_compile(r"[ \t]*\[[^\n]*\.")
#: Class 5: the end of an offset date-time's time of day, from its minutes' colon on; searched
#: for first because a pattern that starts with a literal is searched at C speed (one that
#: starts with a class of characters took 0.04 s on the bare file of 100,000 claims).
_TIME_THEN_OFFSET = lazy_compile(r":[0-9][0-9](?:[:.][0-9]+)*[Zz+-]")
_DIGITS = "0123456789"


def loads(text: str, *, array: str | None = None) -> dict[str, Any]:
    """``tomli.loads(text)``: the same data or the same error, read by rtoml where it can.

    ``array``: the name of a top-level array of tables that may hold most of the text
    (``"claim"``); rtoml reads its tables a batch at a time (``_read_in_batches``)."""
    read = _rtoml()
    if read is None or _needs_tomli(text):
        return tomli.loads(text)
    try:
        data = _read_in_batches(read, text, array) if array else None
        if data is None:
            data = read(text)
    except Exception:  # any failure of rtoml: tomli has the final word
        return tomli.loads(text)
    if _has_offset_datetime(text):
        _tomli_offsets(data)
    return data


#: Tables of the ``array`` read by one call of rtoml.
BATCH = 2000


def _read_in_batches(
    read: Callable[[str], dict[str, Any]], text: str, name: str
) -> dict[str, Any] | None:
    """The text read as rtoml reads it whole, but the tables of the array ``name`` a batch
    of ``BATCH`` at a time; None (read it whole) unless the text is a head, then
    ``[[name]]`` tables, each header a line of its own (LF), no other header among them.

    NOTE: rtoml builds its own document before the Python objects and keeps it until the
    end, about 900 bytes a bare claim: read whole, a 2.7 MB file of 100,000 bare claims
    peaked at 130 MB (tomli: 43 MB, the text alone 14); in batches of 2,000, 58 MB, in the
    same time.

    Each batch is the text from one ``[[name]]`` line to the next batch's, and is read as in
    the whole text when its read gives only ``name``, one table a header line: every batch
    starts at a real header (a multi-line string or array that a batch's end cut would fail
    that batch), and no batch's keys reach outside it (a ``[table]`` among its lines would
    add a key; ``[name.x]`` and ``[[name.x]]`` extend its own last table). The head's data
    then ``name``, the key tomli adds at the first ``[[name]]``, after the head's. Anything
    else, or a failure of any read, is read whole."""
    header = f"\n[[{name}]]\n"
    if text.startswith(header[1:]):
        start = 0
    else:
        start = text.find(header) + 1
        if start == 0:
            return None
    body = text[start + len(header) - 1 :]
    tables = body.split(header)
    if body.count("\n[") != len(tables) - 1:
        return None  # another line that starts with '[': most likely another header
    data = read(text[:start])
    if name in data:
        return None
    found: list[Any] = []
    for at in range(0, len(tables), BATCH):
        batch = tables[at : at + BATCH]
        part = read(header[1:] + header.join(batch))
        if list(part) != [name] or len(part[name]) != len(batch):
            return None
        found += part[name]
    data[name] = found
    return data


@cache
def _rtoml() -> Callable[[str], dict[str, Any]] | None:
    """rtoml's ``loads``, imported at the first read (not at start-up); None without rtoml."""
    try:
        import rtoml
    except ImportError:  # pragma: no cover - rtoml has wheels for every platform CI runs
        return None
    return rtoml.loads


def _needs_tomli(text: str) -> bool:
    """Whether the text may be one where rtoml's answer is not tomli's (classes 1-4 of the
    module's docstring): a cheap look at the text, never wrong the other way."""
    if text.startswith("\ufeff"):
        return True
    if "\r" in text and ('"""' in text or "'''" in text):
        return True
    if "{" in text and (_EQUALS_THEN_NEWLINE.search(text) or _NEWLINE_THEN_EQUALS.search(text)):
        return True
    return _table_after_dotted_header(text)


def _table_after_dotted_header(text: str) -> bool:
    """Whether a ``[table]`` header line comes after a header line holding a dot (class 4)."""
    if text.count("[") == 2 * text.count("[["):
        return False  # every '[' is in a '[[': no [table] (a claims file of [[claim]] only)
    last = -1
    for m in _TABLE_HEADER.finditer(text):
        last = m.start()
    if last < 0:
        return False
    if _FIRST_DOTTED_HEADER.match(text):
        return True
    return _DOTTED_HEADER.search(text, 0, last) is not None


def _has_offset_datetime(text: str) -> bool:
    """Whether the text may hold an offset date-time (class 5): a date's last digit, ``T``,
    ``t`` or a space, the hour, then ``:MM`` (seconds and their fraction or not) and ``Z``,
    ``z``, ``+`` or ``-``. rtoml reads no other form as one: a one-digit hour, ``+0530`` or a
    space before the offset are refused by both parsers. Citations' ``27:41-50`` (volume and
    pages) are looked at and passed over."""
    for m in _TIME_THEN_OFFSET.finditer(text):
        at = m.start()
        if (
            at >= 4
            and text[at - 1] in _DIGITS
            and text[at - 2] in _DIGITS
            and text[at - 3] in "Tt "
            and text[at - 4] in _DIGITS
        ):
            return True
    return False


def _tomli_offsets(node: dict[str, Any] | list[Any]) -> None:
    """Give each offset ``datetime`` in ``node`` tomli's ``timezone`` (class 5), in place."""
    if isinstance(node, dict):
        for key, value in node.items():  # a value replaced, no key added: safe in the loop
            if type(value) is dict or type(value) is list:
                _tomli_offsets(value)
            elif type(value) is datetime and value.tzinfo is not None:
                node[key] = _tomli_datetime(value)
    else:
        for index, value in enumerate(node):
            if type(value) is dict or type(value) is list:
                _tomli_offsets(value)
            elif type(value) is datetime and value.tzinfo is not None:
                node[index] = _tomli_datetime(value)


def _tomli_datetime(value: datetime) -> datetime:
    """``value`` with ``timezone(offset)`` as tomli gives it (``timezone.utc`` for zero)."""
    offset = value.utcoffset()
    assert offset is not None  # an offset date-time
    return value.replace(tzinfo=timezone(offset))
