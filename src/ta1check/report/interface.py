"""The report interface and the one registry that feeds ``--format`` and the dispatch."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Protocol, TextIO

from ..results import CheckRun


class OutputFormat(enum.Enum):
    TABLE = "table"
    JSON = "json"


class Reporter(Protocol):
    """Writes a whole run to a text stream. Reporters know nothing of claims files or HTTP."""

    def render(self, run: CheckRun, out: TextIO) -> None: ...


def _table(color: bool, quiet: bool) -> Reporter:
    from .table import TableReporter

    return TableReporter(color=color, quiet=quiet)


def _json(color: bool, quiet: bool) -> Reporter:
    from .json import JsonReporter

    return JsonReporter()


REPORTER_BY_NAME: dict[str, Callable[[bool, bool], Reporter]] = {
    OutputFormat.TABLE.value: _table,
    OutputFormat.JSON.value: _json,
}


def get_reporter(name: str, *, color: bool = True, quiet: bool = False) -> Reporter:
    return REPORTER_BY_NAME[name](color, quiet)
