"""What the reports for people (table, Markdown) show of a run, and in which order.

A long run is mostly passing rows. ``--show errors,warnings`` keeps only the rows people must
act on; problems always come first (errors, then unverified, then warnings, then ok); and a
finding that several claims of one PMID share word for word (a retraction, a missing
abstract, the same wrong year) is said in full once, then pointed back to. The machine
formats (JSON, JUnit, SARIF, GitHub annotations) always carry every result and finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from ..findings import Finding, Status
from ..results import Result

#: Problems first: what fails the build, what could not be checked, what to look at, the rest.
ORDER = (Status.ERROR, Status.UNVERIFIED, Status.WARNING, Status.OK)

_NAMES = {
    "error": {Status.ERROR},
    "errors": {Status.ERROR},
    "warning": {Status.WARNING},
    "warnings": {Status.WARNING},
    "unverified": {Status.UNVERIFIED},
    "ok": {Status.OK},
    "problems": {Status.ERROR, Status.WARNING, Status.UNVERIFIED},
    "all": set(Status),
}
SHOW_CHOICES = tuple(_NAMES)


class ShowError(ValueError):
    """A ``--show`` value that names no status: a usage error."""


def parse_show(spec: str) -> frozenset[Status]:
    """``errors,warnings`` -> the statuses whose rows are shown (``all`` when empty)."""
    shown: set[Status] = set()
    for part in (p.strip().lower() for p in spec.split(",")):
        if not part:
            continue
        if part not in _NAMES:
            raise ShowError(
                f"--show {spec!r}: unknown {part!r} (a comma-separated list of "
                f"{', '.join(SHOW_CHOICES)})"
            )
        shown |= _NAMES[part]
    return frozenset(shown or Status)


def rows(results: Iterable[Result], show: frozenset[Status]) -> Iterator[Result]:
    """The results to show, problems first, each group in claims-file order. One pass over
    ``results`` per status shown, so results kept on disk are never all in memory."""
    for status in ORDER:
        if status in show:
            yield from (r for r in results if r.status is status)


def hidden_note(counts: Mapping[Status, int], show: frozenset[Status]) -> str | None:
    """``270 ok claims not shown (--show)``, or None when every row is shown."""
    parts = [f"{counts[s]} {s.value}" for s in ORDER if s not in show and counts[s]]
    if not parts:
        return None
    total = sum(counts[s] for s in ORDER if s not in show)
    noun = "claim" if total == 1 else "claims"
    return f"{', '.join(parts)} {noun} not shown (--show)"


@dataclass
class SaidOnce:
    """Remembers each finding said of a PMID, so that a later claim citing the same PMID with
    the very same finding points back to the first claim instead of repeating it."""

    _first: dict[tuple[str, str, str, str], str] = field(default_factory=dict)

    def earlier(self, result: Result, finding: Finding) -> str | None:
        """The label of the claim that already said this finding, or None (then it is
        remembered as said by ``result``). Ask once per finding, in the order shown."""
        key = (str(result.claim.pmid_raw), finding.code.slug, finding.field, finding.message)
        first = self._first.get(key)
        if first is None:
            self._first[key] = result.claim.label
        return first
