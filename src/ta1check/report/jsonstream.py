"""JSON documents whose big arrays are written as they are produced.

``write_json(document, out)`` writes what ``json.dump(document, out, indent=2,
ensure_ascii=False)`` would, byte for byte, except that any ``Streamed`` value in the
document is written item by item from its iterable, never held as a whole list.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TextIO

import orjson

_INDENT = 2


@dataclass(frozen=True)
class Streamed:
    """An array of the document, written one item at a time from ``items``."""

    items: Iterable[Any]


def _dumps(value: Any) -> str:
    return json.dumps(value, indent=_INDENT, ensure_ascii=False)


# NOTE: ``json.dumps`` with an indent runs the standard library's pure-Python encoder: 72 us
# a result of a bare claim, 7 s of a 100,000-claim report (#16). orjson writes the same text
# for the same plain values (str, int, bool, None, lists, dicts with str keys) in a twentieth
# of the time; it writes floats in another style (1e-5, 0.00001 where json writes 1e-07 and
# 1e-05), so each float it wrote is written again as ``float.__repr__`` writes it, as json
# does. Anything else (a NaN, an integer over 64 bits, a subclass, a lone surrogate) goes
# to json.
_PLAIN, _FLOATS, _OTHER = 0, 1, 2
#: A number at the end of a line of indented output: a value (a string would end in '"').
_NUMBER_AT_END = re.compile(r"(-?[0-9][0-9.eE+-]*)(,?)$", re.M)


def _kind(value: Any) -> int:
    """_PLAIN, _FLOATS (plain but for finite floats), or _OTHER: what orjson may write."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return _PLAIN
    if kind is int:
        return _PLAIN if -(2**63) <= value < 2**64 else _OTHER
    if kind is float:
        return _FLOATS if math.isfinite(value) else _OTHER
    if kind is dict:
        found = _PLAIN
        for key, item in value.items():
            if type(key) is not str:
                return _OTHER
            found = max(found, _kind(item))
            if found == _OTHER:
                return _OTHER
        return found
    if kind is list or kind is tuple:
        found = _PLAIN
        for item in value:
            found = max(found, _kind(item))
            if found == _OTHER:
                return _OTHER
        return found
    return _OTHER


def _as_json_writes(match: re.Match[str]) -> str:
    number = match.group(1)
    if "." in number or "e" in number or "E" in number:
        number = repr(float(number))
    return number + match.group(2)


def _item_text(value: Any) -> str:
    """``_dumps(value)``, byte for byte, through orjson where the value allows."""
    kind = _kind(value)
    if kind == _OTHER:
        return _dumps(value)
    try:
        text: str = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    except orjson.JSONEncodeError:  # a lone surrogate: json writes it as it is
        return _dumps(value)
    return _NUMBER_AT_END.sub(_as_json_writes, text) if kind == _FLOATS else text


def write_json(document: Any, out: TextIO) -> None:
    streams: list[Streamed] = []

    def hole(value: object) -> str:
        if not isinstance(value, Streamed):
            raise TypeError(f"{type(value).__name__} is not JSON serializable")
        streams.append(value)
        return f"\x00stream-{len(streams) - 1}\x00"

    text = json.dumps(document, indent=_INDENT, ensure_ascii=False, default=hole)
    for number, stream in enumerate(streams):
        marker = _dumps(f"\x00stream-{number}\x00")
        head, text = text.split(marker, 1)
        out.write(head)
        line_start = head.rfind("\n") + 1
        indent = len(head[line_start:]) - len(head[line_start:].lstrip(" "))
        _write_array(stream.items, indent, out)
    out.write(text)


def _write_array(items: Iterable[Any], indent: int, out: TextIO) -> None:
    inner = " " * (indent + _INDENT)
    first = True
    for item in items:
        out.write("[\n" if first else ",\n")
        first = False
        out.write(inner + _item_text(item).replace("\n", "\n" + inner))
    out.write("[]" if first else "\n" + " " * indent + "]")
