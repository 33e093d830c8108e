"""JSON documents whose big arrays are written as they are produced.

``write_json(document, out)`` writes what ``json.dump(document, out, indent=2,
ensure_ascii=False)`` would, byte for byte, except that any ``Streamed`` value in the
document is written item by item from its iterable, never held as a whole list.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TextIO

_INDENT = 2


@dataclass(frozen=True)
class Streamed:
    """An array of the document, written one item at a time from ``items``."""

    items: Iterable[Any]


def _dumps(value: Any) -> str:
    return json.dumps(value, indent=_INDENT, ensure_ascii=False)


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
        out.write(inner + _dumps(item).replace("\n", "\n" + inner))
    out.write("[]" if first else "\n" + " " * indent + "]")
