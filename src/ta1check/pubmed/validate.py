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
from collections.abc import Callable
from typing import Any

import msgspec

_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def _is_frozen_type(hint: object) -> bool:
    """Whether ``hint`` is a class whose values this module checks field by field: a
    dataclass or a msgspec ``Struct`` (``Record``)."""
    return isinstance(hint, type) and (
        dataclasses.is_dataclass(hint) or issubclass(hint, msgspec.Struct)
    )


def _field_names(cls: type) -> tuple[str, ...]:
    """The fields of a dataclass or a ``Struct``, in the order the class declares them."""
    if issubclass(cls, msgspec.Struct):
        return cls.__struct_fields__
    return tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]


def problem(value: object) -> str | None:
    """What is wrong with a dataclass (or ``Struct``) instance's field values (None when each
    matches its declared type, recursively)."""
    if isinstance(value, type) or not _is_frozen_type(type(value)):
        return f"not a dataclass instance: {type(value).__name__}"
    if _sound(type(value))(value):
        return None
    return _dataclass_problem(value, type(value).__name__)


# --- the same rules, compiled once per type ----------------------------------------------------
#
# NOTE: walking the hints for every value (``typing.get_origin`` per field, a path string built
# per item) took 2.6 ms a record, most of a warm run of real records. ``_sound(cls)`` is a
# predicate built once per dataclass from the same hints, true exactly when ``_problem`` finds
# nothing; only a value that fails it is walked again, for the message.

Sound = Callable[[object], bool]
_SOUND: dict[type, Sound] = {}


def _sound(cls: type) -> Sound:
    found = _SOUND.get(cls)
    if found is None:
        found = _SOUND[cls] = _generate(cls)
    return found


def _generate(cls: type) -> Sound:
    """One function for ``cls``: its fields' checks inlined as ``isinstance`` tests where the
    hint allows (str, int, bool, None, their unions, ``tuple[X, ...]``), a compiled predicate
    (``_compile``) where it does not."""
    namespace: dict[str, Any] = {"cls": cls, "bool": bool}
    hints = _hints(cls)
    for hint in hints.values():  # nested dataclasses first, so that their checks are inlined
        for arg in (hint, *typing.get_args(hint)):
            if _is_frozen_type(arg) and arg is not cls:
                _sound(arg)
    tests = ["type(v) is cls"]
    for i, field in enumerate(_field_names(cls)):
        name = f"f{i}"
        tests.append(_inline(hints[field], f"v.{field}", name, namespace))
    source = "def sound(v):\n    return (\n        " + "\n        and ".join(tests) + "\n    )\n"
    exec(source, namespace)  # built from the type hints alone, never from data
    sound: Sound = namespace["sound"]
    return sound


_SCALAR = {str: "str", type(None): "type(None)"}


def _inline(hint: Any, expr: str, name: str, namespace: dict[str, Any]) -> str:
    """A Python expression true exactly when ``_problem(<expr>, hint, …)`` is None."""
    origin = typing.get_origin(hint)
    options = typing.get_args(hint) if origin in (typing.Union, types.UnionType) else (hint,)
    if all(o in _SCALAR for o in options):
        kinds = ", ".join(_SCALAR[o] for o in options)
        return f"isinstance({expr}, ({kinds},))"
    if hint is int:
        return f"(isinstance({expr}, int) and not isinstance({expr}, bool))"
    if hint is bool:
        return f"isinstance({expr}, bool)"
    if set(options) == {int, type(None)}:
        return f"({expr} is None or (isinstance({expr}, int) and not isinstance({expr}, bool)))"
    if _is_frozen_type(hint) and hint in _SOUND:
        namespace[name] = _SOUND[hint]
        return f"{name}({expr})"
    args = typing.get_args(hint)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _inline(args[0], "x", name + "_item", namespace)
        return f"(isinstance({expr}, tuple) and all({item} for x in {expr}))"
    namespace[name] = _compile(hint)
    return f"{name}({expr})"


def _compile(hint: Any) -> Sound:
    """A predicate true exactly when ``_problem(value, hint, …)`` is None."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        plain = tuple(o for o in options if o in (str, type(None)))
        if len(plain) == len(options):  # str | None, the common case
            kinds = tuple(str if o is str else type(None) for o in options)
            return lambda value: isinstance(value, kinds)
        compiled = [_compile(o) for o in options]
        return lambda value: any(c(value) for c in compiled)
    if hint is type(None):
        return lambda value: value is None
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            if args[0] is str:
                return lambda value: (
                    isinstance(value, tuple) and all(isinstance(item, str) for item in value)
                )
            item_check = _compile(args[0])
            return lambda value: isinstance(value, tuple) and all(item_check(i) for i in value)
        parts = [_compile(a) for a in args]
        return lambda value: (
            isinstance(value, tuple)
            and len(value) == len(parts)
            and all(c(i) for c, i in zip(parts, value, strict=True))
        )
    if _is_frozen_type(hint):

        def nested(value: object) -> bool:  # looked up when used: a type may refer to itself
            return _sound(hint)(value)

        return nested
    if hint is bool:
        return lambda value: isinstance(value, bool)
    if hint is int:
        return lambda value: isinstance(value, int) and not isinstance(value, bool)
    if hint is str:
        return lambda value: isinstance(value, str)
    if hint is Any or hint is object:
        return lambda value: True
    if isinstance(hint, type):
        return lambda value: isinstance(value, hint)
    return lambda value: False


def _dataclass_problem(value: object, where: str) -> str | None:
    hints = _hints(type(value))
    for field in _field_names(type(value)):
        found = _problem(getattr(value, field), hints[field], f"{where}.{field}")
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
    if _is_frozen_type(hint):
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


# --- reading a dataclass back from its JSON form, checked as it is built -----------------------
#
# NOTE: a warm run of 100,000 cached records of the real mix spent 1.9 s building the records
# from decoded JSON (``_built``: a frozen dataclass per author) and 1.6 s more checking them
# (``_sound``): two passes over the same values. ``reader(cls)`` is one pass, generated from
# the type hints: each JSON value is checked where it is read (``type(x) is int``: JSON has no
# subclasses of int, and a boolean is not one), arrays become the tuples the hints declare, and
# the decoded object itself becomes the instance's ``__dict__``.


class Unsound(ValueError):
    """A stored value is not what its type says: ``str()`` names the field and the rule."""


Reader = Callable[[object], Any]
_READERS: dict[type, Reader] = {}
_JSON_SCALAR = {str: "str", int: "int", bool: "bool", type(None): "type(None)"}
_JSON_NAME = {str: "a string", int: "an integer", bool: "a boolean", type(None): "null"}


def reader(cls: type) -> Reader:
    """The function building a ``cls`` from its JSON form (an object with exactly ``cls``'s
    fields, each of its declared type; arrays for ``tuple[X, ...]``; objects for nested
    dataclasses). It raises ``Unsound`` naming the first wrong field. Supported hints: str,
    int, bool, None, unions of those, ``tuple[X, ...]`` of those or of a dataclass, and a
    dataclass; any other raises ``TypeError`` when the reader is made, never at run time."""
    found = _READERS.get(cls)
    if found is None:
        found = _READERS[cls] = _generate_reader(cls)
    return found


def _generate_reader(cls: type) -> Reader:
    hints = _hints(cls)
    names = list(_field_names(cls))
    namespace: dict[str, Any] = {
        "cls": cls,
        "NAMES": frozenset(names),
        "Unsound": Unsound,
        "new": object.__new__,
        "setattr": object.__setattr__,
        "dict": dict,
        "list": list,
        "tuple": tuple,
        "type": type,
        "str": str,
        "int": int,
        "bool": bool,
    }
    where = cls.__name__
    lines = [
        "def read(d):",
        "    if type(d) is not dict:",
        f"        raise Unsound({where + ': expected an object'!r})",
        "    if d.keys() != NAMES:",
        f"        raise Unsound({where!r} + ': ' + _keys(d))",
    ]
    namespace["_keys"] = lambda d: _key_problem(d, names)
    for name in names:
        lines += _field_lines(hints[name], name, f"{where}.{name}", namespace)
    if issubclass(cls, msgspec.Struct):  # built in C from the checked values
        lines.append("    x = cls(**d)")
    elif not hasattr(cls, "__slots__"):
        lines += ["    x = new(cls)", "    setattr(x, '__dict__', d)"]
    else:  # a class with slots has no __dict__ to set
        lines.append("    x = new(cls)")
        lines += [f"    setattr(x, {name!r}, d[{name!r}])" for name in names]
    lines.append("    return x")
    exec("\n".join(lines) + "\n", namespace)  # built from the type hints alone, never from data
    read: Reader = namespace["read"]
    return read


def _nested(expr: str, key: str, where: str) -> list[str]:
    """``d[key] = expr``, a nested dataclass's refusal prefixed with this field's name."""
    return [
        "    try:",
        f"        d[{key}] = {expr}",
        "    except Unsound as e:",
        f"        raise Unsound({where + ': '!r} + str(e)) from None",
    ]


def _key_problem(d: dict[str, Any], names: list[str]) -> str:
    missing = [n for n in names if n not in d]
    if missing:
        return f"no {missing[0]!r}"
    return f"unknown key {next(k for k in d if k not in names)!r}"


def _scalar_test(options: tuple[Any, ...], expr: str) -> str:
    return " or ".join(
        f"{expr} is None" if o is type(None) else f"type({expr}) is {_JSON_SCALAR[o]}"
        for o in options
    )


def _field_lines(hint: Any, name: str, where: str, namespace: dict[str, Any]) -> list[str]:
    origin = typing.get_origin(hint)
    options = typing.get_args(hint) if origin in (typing.Union, types.UnionType) else (hint,)
    key = repr(name)
    if all(o in _JSON_SCALAR for o in options):
        expected = " or ".join(_JSON_NAME[o] for o in options)
        return [
            f"    x = d[{key}]",
            f"    if not ({_scalar_test(options, 'x')}):",
            f"        raise Unsound({where + ': expected ' + expected!r})",
        ]
    args = typing.get_args(hint)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = args[0]
        head = [
            f"    x = d[{key}]",
            "    if type(x) is not list:",
            f"        raise Unsound({where + ': expected an array'!r})",
        ]
        if item in _JSON_SCALAR:
            expected = f"{where}: expected an array of {_JSON_NAME[item]}s"
            return [
                *head,
                "    for i in x:",
                f"        if not ({_scalar_test((item,), 'i')}):",
                f"            raise Unsound({expected!r})",
                f"    d[{key}] = tuple(x)",
            ]
        if _is_frozen_type(item):
            namespace[f"read_{name}"] = reader(item)
            return [*head, *_nested(f"tuple([read_{name}(i) for i in x])", key, where)]
    if _is_frozen_type(hint):
        namespace[f"read_{name}"] = reader(hint)
        return _nested(f"read_{name}(d[{key}])", key, where)
    raise TypeError(f"{where}: no reader for a field of type {hint!r}")
