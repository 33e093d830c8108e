"""Which report goes where: ``--report FORMAT=PATH``, and the older ``--format``/``--output``.

A report and its file are written as one word (``--report junit=ta1check-junit.xml``), so a
report cannot land in another report's file. The older spelling paired the n-th ``--output``
with the n-th ``--format``, which put the table into the JUnit file of
``--format table --format junit --output ta1check-junit.xml``. It is still read where that
reading and the one a reader sees (each ``--output`` right after its ``--format``) agree;
anything else is refused with the ``--report`` spelling to use instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .interface import OutputFormat

STDOUT = "-"


class ReportSpecError(ValueError):
    """A report option that cannot be read unambiguously: a usage error (exit 2)."""


@dataclass(frozen=True)
class ReportTarget:
    """One report: its format, and its file (``None``: standard output)."""

    format: OutputFormat
    path: Path | None


def _format(name: str, given: str) -> OutputFormat:
    try:
        return OutputFormat(name.strip().lower())
    except ValueError:
        choices = ", ".join(f.value for f in OutputFormat)
        raise ReportSpecError(
            f"--report {given!r}: unknown format {name!r} (choose from {choices})"
        ) from None


def parse_report(spec: str) -> ReportTarget:
    """``FORMAT``, ``FORMAT=-`` (standard output) or ``FORMAT=PATH`` (the path may itself
    contain ``=``: only the first one separates)."""
    name, sep, path = spec.partition("=")
    fmt = _format(name, spec)
    if not sep or path == STDOUT:
        return ReportTarget(fmt, None)
    if not path.strip():
        raise ReportSpecError(
            f"--report {spec!r}: no file after '='; write {name}=FILE, or {name} for stdout"
        )
    return ReportTarget(fmt, Path(path))


def legacy_targets(occurrences: Sequence[tuple[str, str]]) -> list[ReportTarget]:
    """The reports of ``--format``/``--output`` options, given in command-line order as
    ``("format", name)`` and ``("output", path)`` pairs.

    Accepted: one ``--format`` with one ``--output`` in either order, and
    ``--format A --output FILE`` pairs one after another, with at most one ``--format`` (to
    stdout) after the last pair. Everything else is refused: it reads one way by position
    and another by adjacency."""
    formats = [value for kind, value in occurrences if kind == "format"]
    outputs = [value for kind, value in occurrences if kind == "output"]
    if not outputs:
        return [ReportTarget(_format(f, f), None) for f in formats]
    if not formats:
        raise ReportSpecError("--output FILE without a format: write --report FORMAT=FILE")
    if len(formats) == 1 and len(outputs) == 1:
        return [_paired(formats[0], outputs[0])]
    targets: list[ReportTarget] = []
    i = 0
    while i < len(occurrences):
        kind, value = occurrences[i]
        following = occurrences[i + 1] if i + 1 < len(occurrences) else None
        if kind == "format" and following is not None and following[0] == "output":
            targets.append(_paired(value, following[1]))
            i += 2
        elif kind == "format" and following is None:
            targets.append(ReportTarget(_format(value, value), None))
            i += 1
        else:
            raise ReportSpecError(_ambiguous(formats, outputs))
    return targets


def _paired(fmt: str, path: str) -> ReportTarget:
    return ReportTarget(_format(fmt, fmt), None if path == STDOUT else Path(path))


def _ambiguous(formats: Sequence[str], outputs: Sequence[str]) -> str:
    return (
        f"{len(formats)} --format and {len(outputs)} --output options: which file belongs to "
        "which format is ambiguous (older versions paired them by position). Name each report "
        "with its file instead: --report FORMAT=FILE, and --report FORMAT for the one on "
        "stdout (e.g. --report table --report junit=ta1check-junit.xml)"
    )


def resolve(reports: Sequence[str], occurrences: Sequence[tuple[str, str]]) -> list[ReportTarget]:
    """Every report of the run: ``--report`` options, then the older spelling; ``table`` to
    stdout when none is given. At most one report goes to standard output."""
    targets = [parse_report(spec) for spec in reports]
    if targets and any(kind == "output" for kind, _ in occurrences):
        raise ReportSpecError(
            "--output goes with the older --format spelling; with --report, write the file "
            "into it: --report FORMAT=FILE"
        )
    targets += legacy_targets(occurrences)
    if not targets:
        return [ReportTarget(OutputFormat.TABLE, None)]
    to_stdout = [t.format.value for t in targets if t.path is None]
    if len(to_stdout) > 1:
        raise ReportSpecError(
            f"only one report can go to stdout, not {len(to_stdout)} ({', '.join(to_stdout)}): "
            "give the others a file, as in --report json=ta1check.json"
        )
    return targets
