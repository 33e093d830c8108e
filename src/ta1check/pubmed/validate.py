"""Checking that a value read back from storage (the cache, an index) is what its type says.

A cache entry is data from disk or from a shared Redis: another process, another version, a
damaged file or a hostile writer may have put anything there. ``problem`` walks a frozen
dataclass against its own type hints (str, int, bool, None, unions, ``tuple[X, ...]`` and nested
dataclasses), so that a record whose abstract is null, or whose authors are a list of numbers,
is refused before any check reads it. It follows the dataclasses as they are declared: a field
added to ``Record`` is checked without a change here.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def problem(value: object) -> str | None:
    """What is wrong with a dataclass instance's field values (None when each matches its
    declared type, recursively)."""
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return f"not a dataclass instance: {type(value).__name__}"
    return _dataclass_problem(value, type(value).__name__)


def _dataclass_problem(value: object, where: str) -> str | None:
    hints = _hints(type(value))
    for f in dataclasses.fields(value):  # type: ignore[arg-type]
        found = _problem(getattr(value, f.name), hints[f.name], f"{where}.{f.name}")
        if found is not None:
            return found
    return None


def _problem(value: object, hint: Any, where: str) -> str | None:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if any(_problem(value, option, where) is None for option in options):
            return None
        return f"{where}: {type(value).__name__} is not {hint}"
    if hint is type(None):
        return None if value is None else f"{where}: expected None"
    if origin is tuple:
        args = typing.get_args(hint)
        if not isinstance(value, tuple):
            return f"{where}: expected a tuple, got {type(value).__name__}"
        if len(args) == 2 and args[1] is Ellipsis:
            for i, item in enumerate(value):
                found = _problem(item, args[0], f"{where}[{i}]")
                if found is not None:
                    return found
            return None
        if len(args) != len(value):
            return f"{where}: expected {len(args)} items"
        for i, (item, arg) in enumerate(zip(value, args, strict=True)):
            found = _problem(item, arg, f"{where}[{i}]")
            if found is not None:
                return found
        return None
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if type(value) is not hint:
            return f"{where}: expected {hint.__name__}, got {type(value).__name__}"
        return _dataclass_problem(value, where)
    if hint is bool:
        return None if isinstance(value, bool) else f"{where}: expected a boolean"
    if hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else f"{where}: expected an integer, got {type(value).__name__}"
    if hint is str:
        return None if isinstance(value, str) else f"{where}: expected a string"
    if hint is Any or hint is object:
        return None
    if isinstance(hint, type):
        return None if isinstance(value, hint) else f"{where}: expected {hint.__name__}"
    return f"{where}: cannot check a value of type {hint!r}"
