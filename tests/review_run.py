"""A 1,000-claim run of real records for the HTML report's tests and benchmark.

The claims are written from the corpus's real records (tests/data/corpus): each cites its
record as "First et al., Journal (Year)", with a deliberate fault in some (a wrong year, a
wrong first author, a PMID of a record not in the run); each states a percentage its
abstract has, with that sentence as its text. The evidence passages are those ``evaluate``
finds (#13), or, where it finds none at all, that sentence with the number as its span.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from corpus import corpus_records
from ta1check.claims import load_claims
from ta1check.evidence import Passage, PassageKind
from ta1check.pubmed.record import Record
from ta1check.results import CheckRun, evaluate

_PERCENT = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d)?%")


def _sentence_with(abstract: str, start: int) -> tuple[str, int]:
    """The sentence of ``abstract`` around offset ``start`` (within one line of it, not
    crossing ". "), and ``start`` within it."""
    begin = max(abstract.rfind(". ", 0, start) + 2, abstract.rfind("\n", 0, start) + 1, 0)
    ends = [e for e in (abstract.find(". ", start), abstract.find("\n", start)) if e >= 0]
    end = min(ends) + 1 if ends else len(abstract)
    return abstract[begin:end].rstrip(), start - begin


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def thousand_claims(folder: Path, n: int = 1000) -> CheckRun:
    """The run: ``n`` claims of real records, evaluated with evidence passages attached
    (past the corpus's records, they are cited again by further claims)."""
    usable = [
        r
        for _, r in sorted(corpus_records().items())
        if isinstance(r, Record) and r.authors and r.year and r.abstract and not r.is_book
    ]
    records = [usable[i % len(usable)] for i in range(n)]
    evidence: dict[int, tuple[Passage, ...]] = {}
    lines = [f'[article]\ntitle = "A review of {n:,} citations"\n']
    for i, r in enumerate(records):
        first = r.authors[0].last_name or r.authors[0].display
        year = r.year + 1 if i % 10 == 3 else r.year
        first = "Nobody" if i % 10 == 7 else first
        pmid = 99_000_000 + i if i % 50 == 11 else r.pmid
        citation = f"{first} et al., {r.iso_abbreviation or r.journal} ({year})"
        claim = [f'[[claim]]\nid = "c{i:04d}"\npmid = {pmid}\ncitation = {_toml(citation)}']
        match = _PERCENT.search(r.abstract)
        if match:
            sentence, at = _sentence_with(r.abstract, match.start())
            figure = match.group()
            claim.append(f"figure = {_toml(figure)}\ntext = {_toml(sentence)}")
            evidence[i] = (
                Passage(
                    sentence,
                    "abstract",
                    PassageKind.FOUND,
                    spans=((at, at + len(figure)),),
                    figure=figure,
                ),
            )
        lines.append("\n".join(claim) + "\n")
    path = folder / "thousand.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    run = evaluate([load_claims(path)], {r.pmid: r for r in records})
    if any(r.evidence for r in run.results):
        return run  # the evidence checks (#13) found the passages themselves
    results = tuple(
        dataclasses.replace(result, evidence=evidence.get(i, ()))
        for i, result in enumerate(run.results)
    )
    return dataclasses.replace(run, results=results)
