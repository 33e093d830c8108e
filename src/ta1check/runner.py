"""A check run over a record source: records stream in, results stream out to disk.

Each record is checked as soon as it arrives and then dropped; results go to a ``ResultLog``.
Memory therefore holds the claims, one part of records at a time, and the records that wait
for their PMC full text (at most ``FULLTEXT_FLUSH`` of them), whatever the number of claims.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence

from .checks import check_conflicts, needs_fulltext
from .claims import Claim, ClaimsFile
from .gctune import tuned_for_run
from .pubmed.fulltext import FullText
from .pubmed.record import Record
from .pubmed.source import Outcome, Progress, RecordSource, Unverified
from .resultlog import ResultLog
from .results import CheckRun, claim_findings
from .suggest import Wanted, wants_suggestion

#: Records whose stated figures need the PMC full text wait until this many are waiting, so
#: that their full texts are fetched in few requests.
FULLTEXT_FLUSH = 100


def run_checks(
    files: Sequence[ClaimsFile],
    source: RecordSource,
    progress: Progress | None = None,
    *,
    fulltext: bool = True,
    today: dt.date | None = None,
    suggest: bool = True,
    keep_results: bool = True,
) -> CheckRun:
    """Fetch every PMID the files cite (each once, across files), the PMC full text of records
    whose abstract lacks a stated figure (unless ``fulltext`` is off), and check every claim.
    A PMID the source never answered for is unverified, never passed. Acceptances expire
    against ``today`` (default: the day the run starts). With ``suggest`` and a source that
    can search, a claim whose record is not the paper its citation describes gets the PMID
    it probably means (``Result.suggestion``). Without ``keep_results`` the run's results
    are counted in its summary and dropped (``ResultLog``'s ``keep``)."""
    today = today or dt.date.today()
    log = ResultLog(files, keep=keep_results)
    conflicts = [check_conflicts(f.claims) for f in files]
    # NOTE: each cited PMID's claims as their positions in the log: the first one, and any
    # others apart (most PMIDs are cited once: an int a claim, no list or tuple; #16).
    citing: dict[int, int] = {}
    others: dict[int, list[int]] = {}
    #: The PMIDs cited by a claim that states a figure or a text: only their records may
    #: need their full text (``needs_fulltext``); a bare claim's never does.
    stating: set[int] = set()
    for fi, claims_file in enumerate(files):
        for claim in claims_file.claims:
            position = log.position(fi, claim)
            pmid = claim.pmid
            if pmid is None:
                findings, checked = claim_findings(
                    claims_file, claim, None, {}, conflicts[fi], today
                )
                log.put_checked(position, findings, None, checked)
                continue
            if pmid in citing:
                others.setdefault(pmid, []).append(position)
            else:
                citing[pmid] = position
            if claim.figure or claim.text:
                stating.add(pmid)
    #: The claims of a run of one file, by position (a run of several asks the log).
    single = files[0].claims if len(files) == 1 else None

    def claims_of(pmid: int) -> Iterator[tuple[int, int, Claim]]:
        """The claims citing ``pmid``, each with its position in the log and its file's
        index, in the log's order."""
        first = citing[pmid]
        more = others.get(pmid) if others else None
        for position in (first,) if more is None else (first, *more):
            fi, claim = (0, single[position]) if single is not None else log.claim_at(position)
            yield position, fi, claim

    # whether the source can search is asked at the end, of the claims that want a
    # suggestion: a run where none does never imports the searches (``suggester``). A run
    # that keeps its summary alone looks for none: nothing would read them.
    searching = suggest and keep_results
    wanted: list[Wanted] = []
    not_found: set[str] = set()
    put = log.put_checked

    def settle(pmid: int, outcome: Outcome, texts: Mapping[str, FullText | Unverified]) -> None:
        record = outcome if isinstance(outcome, Record) else None
        for position, fi, claim in claims_of(pmid):
            findings, checked = claim_findings(
                files[fi], claim, outcome, texts, conflicts[fi], today
            )
            put(position, findings, record, checked)
            if searching and wants_suggestion(findings):
                wanted.append(Wanted(str(position), claim, claim.pmid))
                if record is None:
                    not_found.add(str(position))
        del citing[pmid]
        if others:
            others.pop(pmid, None)

    waiting: dict[int, Record] = {}

    def settle_waiting() -> None:
        texts = source.fetch_fulltext({r.pmcid for r in waiting.values() if r.pmcid})
        for pmid, record in waiting.items():
            settle(pmid, record, texts)
        waiting.clear()

    no_texts: Mapping[str, FullText | Unverified] = {}
    with tuned_for_run():
        for part in source.stream(list(citing), progress):
            for pmid, outcome in part.items():
                if pmid not in citing or pmid in waiting:
                    continue  # not asked for, or answered twice: the first answer stands
                if (
                    fulltext
                    and pmid in stating
                    and isinstance(outcome, Record)
                    and any(needs_fulltext(claim, outcome) for _, _, claim in claims_of(pmid))
                ):
                    waiting[pmid] = outcome
                else:
                    settle(pmid, outcome, no_texts)
            if len(waiting) >= FULLTEXT_FLUSH:
                settle_waiting()
        if waiting:
            settle_waiting()
    for pmid in list(citing):
        settle(pmid, Unverified(pmid, "the record source gave no answer"), {})
    if wanted:
        from .suggester import SearchSource, find_suggestions

        if isinstance(source, SearchSource):
            for key, suggestion in find_suggestions(wanted, source, not_found=not_found).items():
                log.suggest(int(key), suggestion)
    return CheckRun(tuple(files), log)
