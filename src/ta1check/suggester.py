"""Finding the right PMID (#13): the searches and fetches behind a suggestion.

For the claims whose record is not the paper their citation describes (``suggest.wants``),
one batch of ECitMatch requests (citations that print volume and first page), one ESearch
per distinct term, and the PMIDs one typo away of each stated PMID; then every candidate's
record in the same efetch batches as records (same cache, rate limit and ``--timeout``
deadline), scored by ``suggest.best``. A search that fails or times out costs the
suggestion, never a verdict: it is at most a log line.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from typing import Protocol, runtime_checkable

from .pubmed.record import Record
from .pubmed.source import Outcome, Progress, Unverified
from .suggest import (
    SEARCH_RETMAX,
    Suggestion,
    Wanted,
    best,
    citmatch_line,
    neighbours,
    search_term,
)

log = logging.getLogger(__name__)

#: PMIDs one typo away fetched in one run, at most (ten efetch batches): the claims whose
#: PMID was not found come first, then the others in claims-file order.
MAX_TYPO_CANDIDATES = 2_000


@runtime_checkable
class SearchSource(Protocol):
    """A record source that can also search PubMed (``EntrezSource``)."""

    def search(
        self, terms: Collection[str], retmax: int = ...
    ) -> dict[str, tuple[int, ...] | Unverified]: ...

    def citmatch(self, lines: Collection[str]) -> dict[str, int | Unverified | None]: ...

    def fetch(
        self, pmids: Collection[int], progress: Progress | None = None
    ) -> dict[int, Outcome]: ...


def find_suggestions(
    wanted: Sequence[Wanted], source: SearchSource, *, not_found: Collection[str] = ()
) -> dict[str, Suggestion]:
    """The suggestion for each ``Wanted`` (by key) that has one. ``not_found``: the keys of
    claims whose PMID PubMed does not have (their typo neighbours are tried first)."""
    wanted = [w for w in wanted if w.could_fit]
    if not wanted:
        return {}
    terms = {w.key: search_term(w) for w in wanted}
    lines = {w.key: citmatch_line(w) for w in wanted}
    searched = source.search({t for t in terms.values() if t}, SEARCH_RETMAX)
    matched = source.citmatch({line for line in lines.values() if line})
    failed = {a.cause for a in (*searched.values(), *matched.values()) if isinstance(a, Unverified)}
    candidates: dict[str, list[int]] = {}
    for w in wanted:
        found: list[int] = []
        term, line = terms[w.key], lines[w.key]
        answer = matched.get(line) if line else None
        if isinstance(answer, int):
            found.append(answer)
        pmids = searched.get(term) if term else None
        if isinstance(pmids, tuple):
            found.extend(pmids)
        candidates[w.key] = found
    budget = MAX_TYPO_CANDIDATES
    for w in sorted(wanted, key=lambda w: w.key not in not_found):
        if w.pmid is None or budget <= 0:
            continue
        near = neighbours(w.pmid)[:budget]
        budget -= len(near)
        candidates[w.key].extend(near)
    every = {p for found in candidates.values() for p in found}
    # each stated PMID's own record (cached: fetched for the check) is the bar to beat
    every |= {w.pmid for w in wanted if w.pmid is not None and w.key not in not_found}
    records = source.fetch(every) if every else {}
    unfetched = {o.cause for o in records.values() if isinstance(o, Unverified)}
    if failed or unfetched:
        log.warning(
            "could not search PubMed for every suggestion (%s); the verdicts stand",
            sorted(failed | unfetched)[0],
        )
    suggestions: dict[str, Suggestion] = {}
    for w in wanted:
        found_records = [
            r
            for r in (records.get(p) for p in dict.fromkeys(candidates[w.key]))
            if isinstance(r, Record)
        ]
        stated = records.get(w.pmid) if w.pmid is not None else None
        suggestion = best(w, found_records, stated if isinstance(stated, Record) else None)
        if suggestion is not None:
            suggestions[w.key] = suggestion
    return suggestions
