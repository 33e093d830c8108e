"""What a check run produced, and the pure evaluation of claims against given records.

Data moves one way: claims and records in, results out. Nothing here does I/O; ``runner``
fetches the records and streams them through ``result_of``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .accept import accept
from .checks import ClaimCheck, apply_severities, check_claim, check_conflicts
from .claims import Claim, ClaimsFile
from .evidence import Passage
from .figures import FigureVerdict
from .findings import Code, ExitCode, FailOn, Finding, Severity, Status
from .pubmed.fulltext import FullText
from .pubmed.record import Record, RecordSummary
from .pubmed.source import Outcome, Unverified
from .suggest import Suggestion


@dataclass(frozen=True)
class Result:
    """The outcome for one claim: its findings and the status they add up to."""

    claim: Claim
    source: ClaimsFile
    findings: tuple[Finding, ...]
    record: RecordSummary | None = None
    figures: tuple[FigureVerdict, ...] = ()
    #: The source's passages that bear on the claim (#13): each figure's sentence, the
    #: closest one when a figure is missing, and the most relevant ones to ``claim.text``.
    evidence: tuple[Passage, ...] = ()
    #: A better PMID for the citation, when its record does not describe it (#13).
    suggestion: Suggestion | None = None

    @property
    def status(self) -> Status:
        return status_of(self.findings)


def status_of(findings: Sequence[Finding]) -> Status:
    """What a claim's findings add up to: unverified beats the worst severity not accepted."""
    if not findings:  # most claims
        return Status.OK
    if any(f.code is Code.UNVERIFIED for f in findings):
        return Status.UNVERIFIED
    worst = max((f.severity for f in findings if not f.accepted), default=None)
    if worst is Severity.ERROR:
        return Status.ERROR
    if worst is Severity.WARNING:
        return Status.WARNING
    return Status.OK


@dataclass(frozen=True)
class Summary:
    """Counts of results by status, and of findings by code; and the worst severity of any
    finding other than ``unverified`` (what ``--fail-on`` compares with). Accepted findings
    are counted apart (``accepted``, by code), never in ``by_code`` or ``worst``."""

    total: int
    by_status: Mapping[Status, int]
    by_code: Mapping[str, int] = field(default_factory=dict)
    worst: Severity | None = None
    accepted: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, results: Iterable[Result]) -> Summary:
        tally = Tally()
        for r in results:
            tally.add(r)
        return tally.summary()


class Tally:
    """A ``Summary`` counted one result at a time, as results stream out of a run."""

    def __init__(self) -> None:
        self.total = 0
        #: Results with no finding (most of a run): counted apart, as an ``Enum`` key costs a
        #: Python-level ``__hash__`` at every count (#16); ``by_status`` adds them.
        self._clean = 0
        self._by_status = dict.fromkeys(Status, 0)
        self.by_code: dict[str, int] = {}
        self.worst: Severity | None = None
        self.accepted: dict[str, int] = {}

    @property
    def by_status(self) -> dict[Status, int]:
        counts = dict(self._by_status)
        counts[Status.OK] += self._clean
        return counts

    def add(self, result: Result) -> None:
        self.count(result.findings)

    def count(self, findings: tuple[Finding, ...]) -> None:
        """Count one result by its findings (all a ``Summary`` reads of it)."""
        self.total += 1
        if not findings:  # most results: ok, nothing to count by code
            self._clean += 1
            return
        self._by_status[status_of(findings)] += 1
        for f in findings:
            if f.accepted:
                self.accepted[f.code.slug] = self.accepted.get(f.code.slug, 0) + 1
                continue
            self.by_code[f.code.slug] = self.by_code.get(f.code.slug, 0) + 1
            if f.code is not Code.UNVERIFIED and (self.worst is None or f.severity > self.worst):
                self.worst = f.severity

    def summary(self) -> Summary:
        return Summary(
            self.total,
            self.by_status,
            dict(sorted(self.by_code.items())),
            self.worst,
            dict(sorted(self.accepted.items())),
        )


@dataclass(frozen=True)
class ArticleFinding:
    """A finding about the article itself (``--article``), at one of its lines; also one
    about the config file (an unused ``[[accept]]``, in ``CheckRun.config_findings``)."""

    path: Path
    line: int
    finding: Finding


@dataclass(frozen=True)
class CheckRun:
    """Everything one ``ta1check check`` produced.

    ``results`` is in claims-file order; a big run keeps them on disk (``ResultLog``), so
    iterate it rather than copying it into a list.
    """

    files: tuple[ClaimsFile, ...]
    results: Sequence[Result]
    #: The article checked beside the claims (``--article``), and what was found in it.
    article: Path | None = None
    article_findings: tuple[ArticleFinding, ...] = ()
    #: Findings at lines of the config file: its ``[[accept]]`` entries that matched nothing.
    config_findings: tuple[ArticleFinding, ...] = ()

    @cached_property
    def summary(self) -> Summary:
        tallied = getattr(self.results, "summary", None)
        summary = tallied if isinstance(tallied, Summary) else Summary.of(self.results)
        located = self.article_findings + self.config_findings
        if not located:
            return summary
        by_code = dict(summary.by_code)
        worst = summary.worst
        for a in located:
            by_code[a.finding.code.slug] = by_code.get(a.finding.code.slug, 0) + 1
            worst = a.finding.severity if worst is None else max(worst, a.finding.severity)
        return Summary(
            summary.total,
            summary.by_status,
            dict(sorted(by_code.items())),
            worst,
            summary.accepted,
        )

    def exit_code(self, fail_on: FailOn) -> ExitCode:
        return exit_code_for(self.summary, fail_on)


def exit_code_for(summary: Summary, fail_on: FailOn) -> ExitCode:
    """Broken citation (1) beats could-not-verify (3) beats clean (0).

    An unverified claim is never a pass: even with ``--fail-on never`` it exits 3, because
    nothing was checked for it.
    """
    threshold = fail_on.threshold()
    if threshold is not None and summary.worst is not None and summary.worst >= threshold:
        return ExitCode.FINDINGS
    if summary.by_status[Status.UNVERIFIED]:
        return ExitCode.UNVERIFIED
    return ExitCode.OK


def result_of(
    claims_file: ClaimsFile,
    claim: Claim,
    outcome: Outcome | None,
    fulltexts: Mapping[str, FullText | Unverified],
    conflicts: Mapping[int, tuple[Finding, ...]],
    today: dt.date | None = None,
) -> Result:
    """The result of one claim; its acceptances expire against ``today`` (default: the
    day it is checked)."""
    findings, checked = claim_findings(claims_file, claim, outcome, fulltexts, conflicts, today)
    summary = outcome.summary() if isinstance(outcome, Record) else None
    return Result(claim, claims_file, findings, summary, checked.figures, checked.evidence)


def claim_findings(
    claims_file: ClaimsFile,
    claim: Claim,
    outcome: Outcome | None,
    fulltexts: Mapping[str, FullText | Unverified],
    conflicts: Mapping[int, tuple[Finding, ...]],
    today: dt.date | None = None,
) -> tuple[tuple[Finding, ...], ClaimCheck]:
    """What ``result_of`` finds for one claim, before it is made a ``Result``: its findings
    (conflicts, severities and acceptances applied) and its checks' verdicts and passages.
    A run that keeps only its summary counts the findings and needs no more (#16)."""
    record = outcome if isinstance(outcome, Record) else None
    fulltext = fulltexts.get(record.pmcid) if record and record.pmcid else None
    checked = check_claim(claim, outcome, fulltext)
    if not (conflicts or claims_file.severities or claim.accept or claims_file.acceptances):
        return checked.findings, checked  # most claims: their checks' findings as they are
    conflicting = _deviating(conflicts.get(claim.index, ()), checked.findings, record)
    findings = apply_severities(checked.findings + conflicting, claims_file.severities)
    if claim.accept or claims_file.acceptances:
        marked = accept(findings, claim, claims_file.acceptances, today or dt.date.today())
        findings = apply_severities(marked, claims_file.severities)
    return findings, checked


_MISMATCHES = frozenset(
    {
        Code.TITLE_MISMATCH,
        Code.YEAR_MISMATCH,
        Code.AUTHOR_MISMATCH,
        Code.JOURNAL_MISMATCH,
        Code.DOI_MISMATCH,
    }
)


def _deviating(
    conflicts: tuple[Finding, ...], findings: tuple[Finding, ...], record: Record | None
) -> tuple[Finding, ...]:
    """The ``claims-conflict`` findings of a claim that deviates from the record. Two claims
    may print one journal or author differently and both be right ("J Am Geriatr Soc" and the
    full title; "Chien" and "Chien RN"): with the record at hand, a conflict stays only on
    the claim whose own value for that field the record contradicts. Without a record
    (unverified, not found) nothing tells which claim is right, and every conflict stays."""
    if record is None or not conflicts:
        return conflicts
    contradicted = {f.field for f in findings if f.code in _MISMATCHES}
    if "second_author" in contradicted:
        contradicted.add("first_author")
    return tuple(c for c in conflicts if c.field in contradicted)


def evaluate(
    files: Sequence[ClaimsFile],
    outcomes: Mapping[int, Outcome],
    fulltexts: Mapping[str, FullText | Unverified] | None = None,
    today: dt.date | None = None,
) -> CheckRun:
    """Pure: the results of every claim of ``files`` given the fetched ``outcomes`` (and PMC
    full texts, by PMC id); acceptances expire against ``today`` (default: today)."""
    results: list[Result] = []
    for claims_file in files:
        conflicts = check_conflicts(claims_file.claims)
        for claim in claims_file.claims:
            outcome = outcomes.get(claim.pmid) if claim.pmid is not None else None
            results.append(
                result_of(claims_file, claim, outcome, fulltexts or {}, conflicts, today)
            )
    return CheckRun(tuple(files), tuple(results))
