"""The report interface and the one registry that feeds ``--format`` and the dispatch."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TextIO

from ..findings import Status

if TYPE_CHECKING:  # the CLI reads the registry's names at start-up, before any check runs
    from ..results import CheckRun


class OutputFormat(enum.Enum):
    TABLE = "table"
    JSON = "json"
    JUNIT = "junit"
    GITHUB = "github"
    SARIF = "sarif"
    MARKDOWN = "markdown"
    HTML = "html"


class Reporter(Protocol):
    """Writes a whole run to a text stream. Reporters know nothing of claims files or HTTP."""

    def render(self, run: CheckRun, out: TextIO) -> None: ...


@dataclass(frozen=True)
class ReportOptions:
    """How a report for people is drawn: colour, the summary line only, which rows."""

    color: bool = True
    quiet: bool = False
    show: frozenset[Status] = field(default_factory=lambda: frozenset(Status))


def _build(fmt: OutputFormat, options: ReportOptions) -> Reporter:
    # Imported here so that `ta1check show` does not load every format.
    if fmt is OutputFormat.TABLE:
        from .table import TableReporter

        return TableReporter(color=options.color, quiet=options.quiet, show=options.show)
    if fmt is OutputFormat.JSON:
        from .json import JsonReporter

        return JsonReporter()
    if fmt is OutputFormat.JUNIT:
        from .junit import JunitReporter

        return JunitReporter()
    if fmt is OutputFormat.GITHUB:
        from .github import GithubReporter

        return GithubReporter(show=options.show)
    if fmt is OutputFormat.SARIF:
        from .sarif import SarifReporter

        return SarifReporter()
    if fmt is OutputFormat.MARKDOWN:
        from .markdown import MarkdownReporter

        return MarkdownReporter(show=options.show)
    if fmt is OutputFormat.HTML:
        from .html import HtmlReporter

        return HtmlReporter(show=options.show)
    raise AssertionError(fmt)  # pragma: no cover - assert_never on 3.10


REPORTER_BY_NAME: dict[str, Callable[[ReportOptions], Reporter]] = {
    fmt.value: (lambda options, fmt=fmt: _build(fmt, options))  # type: ignore[misc]
    for fmt in OutputFormat
}


def get_reporter(
    name: str,
    *,
    color: bool = True,
    quiet: bool = False,
    show: frozenset[Status] = frozenset(Status),
) -> Reporter:
    return REPORTER_BY_NAME[name](ReportOptions(color, quiet, show))
