"""Running the checks over claims files, and what a run produced.

Data moves one way: claims and records in, results out. Nothing here does I/O beyond asking
the ``RecordSource`` it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .checks import apply_severities, check_claim, check_conflicts, needs_fulltext
from .claims import Claim, ClaimsFile
from .figures import FigureVerdict
from .findings import Code, ExitCode, FailOn, Finding, Severity, Status
from .pubmed.fulltext import FullText
from .pubmed.record import Record, RecordSummary
from .pubmed.source import Outcome, Progress, RecordSource, Unverified


@dataclass(frozen=True)
class Result:
    """The outcome for one claim: its findings and the status they add up to."""

    claim: Claim
    source: ClaimsFile
    findings: tuple[Finding, ...]
    record: RecordSummary | None = None
    figures: tuple[FigureVerdict, ...] = ()

    @property
    def status(self) -> Status:
        if any(f.code is Code.UNVERIFIED for f in self.findings):
            return Status.UNVERIFIED
        worst = max((f.severity for f in self.findings), default=None)
        if worst is Severity.ERROR:
            return Status.ERROR
        if worst is Severity.WARNING:
            return Status.WARNING
        return Status.OK


@dataclass(frozen=True)
class Summary:
    """Counts of results by status, and of findings by code."""

    total: int
    by_status: Mapping[Status, int]
    by_code: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, results: Iterable[Result]) -> Summary:
        results = list(results)
        by_status = dict.fromkeys(Status, 0)
        by_code: dict[str, int] = {}
        for r in results:
            by_status[r.status] += 1
            for f in r.findings:
                by_code[f.code.slug] = by_code.get(f.code.slug, 0) + 1
        return cls(total=len(results), by_status=by_status, by_code=dict(sorted(by_code.items())))


@dataclass(frozen=True)
class ArticleFinding:
    """A finding about the article itself (``--article``), at one of its lines."""

    path: Path
    line: int
    finding: Finding


@dataclass(frozen=True)
class CheckRun:
    """Everything one ``ta1check check`` produced."""

    files: tuple[ClaimsFile, ...]
    results: tuple[Result, ...]
    #: The article checked beside the claims (``--article``), and what was found in it.
    article: Path | None = None
    article_findings: tuple[ArticleFinding, ...] = ()

    @property
    def summary(self) -> Summary:
        summary = Summary.of(self.results)
        if not self.article_findings:
            return summary
        by_code = dict(summary.by_code)
        for a in self.article_findings:
            by_code[a.finding.code.slug] = by_code.get(a.finding.code.slug, 0) + 1
        return Summary(summary.total, summary.by_status, dict(sorted(by_code.items())))

    def exit_code(self, fail_on: FailOn) -> ExitCode:
        code = exit_code_for(self.results, fail_on)
        threshold = fail_on.threshold()
        if (
            code is not ExitCode.FINDINGS
            and threshold is not None
            and any(a.finding.severity >= threshold for a in self.article_findings)
        ):
            return ExitCode.FINDINGS
        return code


def exit_code_for(results: Iterable[Result], fail_on: FailOn) -> ExitCode:
    """Broken citation (1) beats could-not-verify (3) beats clean (0).

    An unverified claim is never a pass: even with ``--fail-on never`` it exits 3, because
    nothing was checked for it.
    """
    results = list(results)
    threshold = fail_on.threshold()
    if threshold is not None:
        for r in results:
            for f in r.findings:
                if f.code is not Code.UNVERIFIED and f.severity >= threshold:
                    return ExitCode.FINDINGS
    if any(r.status is Status.UNVERIFIED for r in results):
        return ExitCode.UNVERIFIED
    return ExitCode.OK


def _result(
    claims_file: ClaimsFile,
    claim: Claim,
    outcome: Outcome | None,
    fulltexts: Mapping[str, FullText | Unverified],
    conflicts: Mapping[int, tuple[Finding, ...]],
) -> Result:
    record = outcome if isinstance(outcome, Record) else None
    fulltext = fulltexts.get(record.pmcid) if record and record.pmcid else None
    checked = check_claim(claim, outcome, fulltext)
    findings = apply_severities(
        checked.findings + conflicts.get(claim.index, ()), claims_file.severities
    )
    summary = record.summary() if record is not None else None
    return Result(claim, claims_file, findings, summary, checked.figures)


def evaluate(
    files: Sequence[ClaimsFile],
    outcomes: Mapping[int, Outcome],
    fulltexts: Mapping[str, FullText | Unverified] | None = None,
) -> CheckRun:
    """Pure: the results of every claim of ``files`` given the fetched ``outcomes`` (and PMC
    full texts, by PMC id)."""
    results: list[Result] = []
    for claims_file in files:
        conflicts = check_conflicts(claims_file.claims)
        for claim in claims_file.claims:
            outcome = outcomes.get(claim.pmid) if claim.pmid is not None else None
            results.append(_result(claims_file, claim, outcome, fulltexts or {}, conflicts))
    return CheckRun(tuple(files), tuple(results))


#: PMIDs fetched and checked at a time: enough batches to keep the fetch pipeline full, few
#: enough records that memory does not grow with the number of citations.
CHUNK = 10_000


def run_checks(
    files: Sequence[ClaimsFile],
    source: RecordSource,
    progress: Progress | None = None,
    *,
    fulltext: bool = True,
    chunk: int = CHUNK,
) -> CheckRun:
    """Fetch every PMID the files cite (each once, across files), then the PMC full text of
    records whose abstract lacks a stated figure (unless ``fulltext`` is off), and check
    every claim, ``chunk`` PMIDs at a time. A checked claim keeps its record without the
    abstract text, so memory stays flat in the number of citations."""
    citing: dict[int, list[tuple[int, Claim]]] = {}
    conflicts = [check_conflicts(f.claims) for f in files]
    results: dict[tuple[int, int], Result] = {}
    for fi, claims_file in enumerate(files):
        for claim in claims_file.claims:
            if claim.pmid is None:
                results[fi, claim.index] = _result(claims_file, claim, None, {}, conflicts[fi])
            else:
                citing.setdefault(claim.pmid, []).append((fi, claim))
    pmids = sorted(citing)
    for start in range(0, len(pmids), chunk):
        part = pmids[start : start + chunk]
        outcomes = source.fetch(part, progress)
        texts: Mapping[str, FullText | Unverified] = {}
        if fulltext:
            wanted = {
                record.pmcid
                for pmid in part
                if isinstance(record := outcomes.get(pmid), Record) and record.pmcid
                for _, claim in citing[pmid]
                if needs_fulltext(claim, record)
            }
            if wanted:
                texts = source.fetch_fulltext(wanted)
        for pmid in part:
            for fi, claim in citing[pmid]:
                results[fi, claim.index] = _result(
                    files[fi], claim, outcomes.get(pmid), texts, conflicts[fi]
                )
    ordered = [results[fi, c.index] for fi, f in enumerate(files) for c in f.claims]
    return CheckRun(tuple(files), tuple(ordered))
