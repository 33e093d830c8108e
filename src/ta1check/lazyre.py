"""Regular expressions compiled when first used, not when their module is imported (#14).

A module's patterns cost their compilation at import: some 40 ms of a warm check's start-up,
for patterns most runs never apply (a claim whose PMID is not found reads no abstract). A
module writes ``_NAME = lazy_compile(r"...", re.IGNORECASE)`` where it wrote ``re.compile``;
the object stands for the compiled pattern (typed as one), compiles it at the first use of
anything but ``pattern`` and ``flags``, and from then on hands out the compiled pattern's own
bound methods, so a hot loop pays what it paid before.

It is not a ``re.Pattern``: hand its methods the text (``_NAME.sub(repl, text)``), never the
object to the ``re`` module's functions (``re.sub(_NAME, ...)`` refuses it).
"""

from __future__ import annotations

import re
from typing import Any, cast

#: The compiled pattern's attributes, bound into the object at its first use.
_BOUND = (
    "search",
    "match",
    "fullmatch",
    "finditer",
    "findall",
    "sub",
    "subn",
    "split",
    "scanner",
    "groups",
    "groupindex",
)


class LazyPattern:
    """``re.compile(pattern, flags)``, done at first use."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now if it was not yet)."""
        done: re.Pattern[str] | None = self.__dict__.get("_compiled")
        if done is None:
            done = re.compile(self.pattern, self.flags)
            self.__dict__["_compiled"] = done
            self.flags = done.flags  # as re.Pattern has it (re.UNICODE added)
            for name in _BOUND:
                self.__dict__[name] = getattr(done, name)
        return done

    def __getattr__(self, name: str) -> Any:
        # only for names not yet in the instance: the first use of the pattern
        if name.startswith("__") or name == "_compiled":
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __reduce__(self) -> tuple[Any, ...]:
        return (LazyPattern, (self.pattern, self.flags))

    def __repr__(self) -> str:
        return f"lazy_compile({self.pattern!r}, {self.flags})"


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """What ``re.compile(pattern, flags)`` returns, compiled at its first use."""
    return cast("re.Pattern[str]", LazyPattern(pattern, flags))


def compiled(pattern: re.Pattern[str] | LazyPattern) -> re.Pattern[str]:
    """The real compiled pattern behind ``pattern`` (itself when it is one)."""
    return pattern.compiled() if isinstance(pattern, LazyPattern) else pattern
