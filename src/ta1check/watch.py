"""Retraction watch: look again, cheaply, for integrity notices on every cited paper.

A citation that checked clean last month can be retracted today, and cached records are kept
for days, so a scheduled ``check`` reads the old copy. ``check --notices`` asks PubMed instead
which of the cited PMIDs carry a notice now, with one small search per ``SEARCH_BATCH``
PMIDs (``(1[uid] OR 2[uid] …) AND (hasretractionin OR …)``); only the records it names are
downloaded again (and the cache updated), and only their notices are reported. A PMID whose
search failed is unverified, never passed.

The pure part is here: the query, and a claim's result from what the search and the refetch
gave. ``run_watch`` drives a source.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from .accept import accept
from .checks import apply_severities, check_integrity, check_not_found, check_pmid, check_unverified
from .claims import Claim, ClaimsFile
from .findings import Code, Finding
from .pubmed.cache import NotFound
from .pubmed.record import Record
from .pubmed.source import EntrezSource, Outcome, Progress, Unverified
from .resultlog import ResultLog
from .results import CheckRun, Result

#: PMIDs per search: about 2.6 KB of query, posted; the answer lists only the flagged ones.
SEARCH_BATCH = 200

#: PubMed's searchable links from a paper to a notice about it (CommentsCorrections), and
#: the publication type NLM gives a retracted paper.
NOTICE_FILTERS = (
    "hasretractionin",
    "hasretractedandrepublishedin",
    "hasexpressionofconcernin",
    "haserratumin",
    "hasupdatein",
    '"retracted publication"[pt]',
)

#: Which notice kinds (and publication types) each finding code reports.
_KINDS = {
    Code.RETRACTED: frozenset(
        {
            "RetractionIn",
            "RetractedandRepublishedIn",
            "PartialRetractionIn",
            "Retracted Publication",
        }
    ),
    Code.EXPRESSION_OF_CONCERN: frozenset({"ExpressionOfConcernIn"}),
    Code.ERRATUM: frozenset({"ErratumIn"}),
    Code.UPDATE: frozenset({"UpdateIn"}),
}


#: The findings a notices-only run can give: acceptances of other codes are left alone
#: (neither applied nor reported unused, since those checks did not run).
WATCHED = frozenset(_KINDS)


def notice_query(pmids: Sequence[int]) -> str:
    """The esearch term that returns those of ``pmids`` that have a notice."""
    ids = " OR ".join(f"{p}[uid]" for p in pmids)
    return f"({ids}) AND ({' OR '.join(NOTICE_FILTERS)})"


def _marks(record: Record) -> frozenset[tuple[str, int | None]]:
    """What a record says of its integrity: each notice's kind and PMID, and a retracted
    publication type."""
    marks = {(n.kind, n.pmid) for n in record.notices}
    if "Retracted Publication" in record.publication_types:
        marks.add(("Retracted Publication", None))
    return frozenset(marks)


def new_marks(before: Record | None, after: Record) -> frozenset[str]:
    """The notice kinds ``after`` has that the cached copy ``before`` did not (all of them when
    there was no cached copy to compare with: nothing says they were known)."""
    known = _marks(before) if before is not None else frozenset()
    return frozenset(kind for kind, pmid in _marks(after) - known)


def _noted(finding: Finding, new: frozenset[str], had_copy: bool) -> Finding:
    kinds = _KINDS.get(finding.code, frozenset())
    if not kinds & new:
        return finding
    note = "new since the cached copy" if had_copy else "no earlier copy was cached"
    return Finding(
        finding.code,
        finding.severity,
        finding.field,
        finding.stated,
        finding.pubmed,
        f"{finding.message} ({note})",
    )


def watch_result(
    claims_file: ClaimsFile,
    claim: Claim,
    flagged: bool | Unverified | None,
    outcome: Outcome | None,
    before: Record | None,
    today: dt.date | None = None,
) -> Result:
    """A claim's result in a notices-only run: nothing but its paper's integrity notices.

    ``flagged``: what the search said of its PMID (``None``: no answer at all); ``outcome``:
    the record downloaded again when flagged; ``before``: the cached copy it replaced."""
    findings: tuple[Finding, ...] = check_pmid(claim)
    record: Record | None = None
    if not findings and claim.pmid is not None:
        if flagged is None:
            flagged = Unverified(claim.pmid, "the notice search gave no answer")
        if isinstance(flagged, Unverified):
            findings = check_unverified(claim, flagged)
        elif flagged:
            if outcome is None:
                outcome = Unverified(claim.pmid, "the flagged record was not downloaded")
            if isinstance(outcome, Unverified):
                findings = check_unverified(claim, outcome)
            elif isinstance(outcome, NotFound):
                findings = check_not_found(claim, outcome)
            else:
                record = outcome
                new = new_marks(before, record)
                findings = tuple(
                    _noted(f, new, before is not None) for f in check_integrity(claim, record)
                )
    findings = apply_severities(findings, claims_file.severities)
    own = tuple(a for a in claim.accept if a.code in WATCHED)
    filed = tuple(a for a in claims_file.acceptances if a.code in WATCHED)
    if own or filed:
        marked = accept(
            findings, dataclasses.replace(claim, accept=own), filed, today or dt.date.today()
        )
        findings = apply_severities(marked, claims_file.severities)
    return Result(claim, claims_file, findings, record.summary() if record else None)


def run_watch(
    files: Sequence[ClaimsFile],
    source: EntrezSource,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> CheckRun:
    """Search for notices on every cited PMID, refetch the flagged ones, report their notices."""
    pmids = sorted(frozenset().union(*(f.pmids for f in files)))
    flags: Mapping[int, bool | Unverified] = source.search_each(
        pmids, notice_query, SEARCH_BATCH, progress
    )
    flagged = [p for p, hit in flags.items() if hit is True]
    before = source.cached(flagged)
    outcomes = source.refetch(flagged) if flagged else {}
    log = ResultLog(files)
    for fi, claims_file in enumerate(files):
        for claim in claims_file.claims:
            pmid = claim.pmid
            result = watch_result(
                claims_file,
                claim,
                flags.get(pmid) if pmid is not None else None,
                outcomes.get(pmid) if pmid is not None else None,
                before.get(pmid) if pmid is not None else None,
                today,
            )
            log.put(log.position(fi, claim), result)
    return CheckRun(tuple(files), log)
