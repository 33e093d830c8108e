"""The warm run's shortcuts (#16) give what the long way gives, on every real record of the
corpus: a claim's checks, a record's summary, and results read back from the result log."""

from __future__ import annotations

import dataclasses
import json
import random
import re
from functools import cache
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write
from corpus import corpus_files, corpus_records
from ta1check import runner
from ta1check.api import Settings, check_files, load
from ta1check.checks import (
    RECORD_CHECKS,
    ClaimCheck,
    _record_sections,
    check_claim,
    check_figures,
    stated_figures,
)
from ta1check.claims import ClaimsFile, loads_claims
from ta1check.design import check_design
from ta1check.evidence import find_evidence
from ta1check.findings import FailOn
from ta1check.pubmed.record import Author, Record, RecordSummary
from ta1check.report import jsonstream
from ta1check.resultlog import ResultLog
from ta1check.results import evaluate


@cache
def corpus_claims(step: int = 1) -> ClaimsFile:
    return loads_claims(corpus_claims_text(step))


def corpus_claims_text(step: int) -> str:
    """Four claims for every ``step``-th record: bare (a PMID only), a citation as printed, a
    figure from the abstract (or a number not in it), and a sentence with the figure and
    words of the title."""
    out = []
    for pmid, r in sorted(corpus_records().items())[::step]:
        first = r.authors[0].display if r.authors else ""
        journal = r.iso_abbreviation or r.journal
        cited = f"{first} et al. {r.title} {journal}. {r.year or ''};{r.volume}:{r.pages}."
        m = re.search(r"\d+(?:\.\d+)?%", r.abstract)
        figure = m.group() if m else "12.5%"
        sentence = f"A randomized trial of adults found {figure} ({r.title[:60]})."
        out += [
            f"[[claim]]\npmid = {pmid}\n",
            f"[[claim]]\npmid = {pmid}\ncitation = {json.dumps(cited)}\n",
            f"[[claim]]\npmid = {pmid}\nfigure = {json.dumps(figure)}\n",
            f"[[claim]]\npmid = {pmid}\ntext = {json.dumps(sentence)}\n",
        ]
    return "\n".join(out)


def every_check(claim, record: Record) -> ClaimCheck:
    """``check_claim`` the long way: every check called, whatever the claim states."""
    findings = tuple(f for check in RECORD_CHECKS for f in check(claim, record))
    findings += check_design(claim.text, record, claim.stated_first_author, claim.stated_year)
    figures, figure_findings = check_figures(claim, record)
    passages = find_evidence(
        claim.text, stated_figures(claim), figures, _record_sections(record), ()
    )
    return ClaimCheck(findings + figure_findings, figures, passages)


def test_a_claims_checks_are_every_check_applied_on_the_real_corpus() -> None:
    records = corpus_records()
    claims = corpus_claims(3).claims
    assert len(claims) > 3_000
    for claim in claims:
        record = records[claim.pmid]
        assert check_claim(claim, record) == every_check(claim, record), claim.label


#: One field of a claim's printed metadata each, as the claims file gives it, wrong for any
#: record (so that its check, if called, finds something where the record has the field).
ONE_FIELD = (
    'title = "A study of nothing in particular"',
    'first_author = "Nobody XQ"',
    'authors = ["Nobody XQ", "Somebody ZZ"]',
    'journal = "Journal of Nothing"',
    "year = 1601",
    'doi = "10.9999/nothing.1"',
    'volume = "9999"',
    'issue = "9999"',
    'pages = "9999-10000"',
    'citation = "Nobody XQ. Nothing. J Nothing. 1601;9999:1-2."',
)


def test_a_claim_that_prints_one_field_gets_that_fields_check() -> None:
    """A claim is checked as bare (the checks of the record alone) only when it prints none
    of the fields the metadata checks compare: each one alone gets every check."""
    records = corpus_records()
    pmids = sorted(records)[::60]
    text = "\n".join(f"[[claim]]\npmid = {p}\n{field}\n" for p in pmids for field in ONE_FIELD)
    found: set[str] = set()
    for claim in loads_claims(text).claims:
        record = records[claim.pmid]
        checked = check_claim(claim, record)
        assert checked == every_check(claim, record), claim
        if checked.findings:
            found.add(ONE_FIELD[claim.index % len(ONE_FIELD)])
    assert found == set(ONE_FIELD)  # each field, wrong, is found wrong on some record


def test_a_records_summary_is_its_fields_on_the_real_corpus() -> None:
    names = [f.name for f in dataclasses.fields(RecordSummary)]
    real = list(corpus_records().values())
    odd = [  # a blank abstract; an author without initials, one without a surname
        msgspec.structs.replace(
            r,
            abstract=" \n",
            authors=(Author(last_name="Smith"), Author(initials="JK"), *r.authors),
        )
        for r in real[:50]
    ]
    for record in real + odd:
        summary = record.summary()
        assert list(vars(summary)) == names
        assert summary == RecordSummary(
            pmid=record.pmid,
            title=record.title,
            authors=tuple(a.display for a in record.authors),
            journal=record.journal,
            iso_abbreviation=record.iso_abbreviation,
            year=record.year,
            doi=record.doi,
            has_abstract=record.has_abstract,
            pmcid=record.pmcid,
            publication_types=record.publication_types,
            notices=record.notices,
        )


def test_the_result_log_gives_back_every_result_written_in_any_order() -> None:
    claims_file = corpus_claims(5)
    run = evaluate([claims_file], corpus_records())
    expected = list(run.results)
    log = ResultLog([claims_file])
    order = list(range(len(expected)))
    random.Random(16).shuffle(order)
    for position in order:
        log.put(position, expected[position])
    try:
        assert list(log) == expected  # in claims-file order, as reports read it
        for position in order[:500]:  # and one at a time, in the order they were written
            assert log[position] == expected[position]
        assert log.summary == run.summary
    finally:
        log.close()


def test_a_run_may_keep_its_summary_only_and_counts_the_same(tmp_path: Path) -> None:
    claims = write(tmp_path / "claims.toml", corpus_claims_text(7))
    settings = Settings(cache_dir=None, records=corpus_files(), records_complete=True)
    files = load([claims])
    kept = check_files(files, settings)
    counted = check_files(files, settings, keep_results=False)
    assert counted.summary == kept.summary
    assert counted.exit_code(FailOn.ERROR) == kept.exit_code(FailOn.ERROR)
    assert len(counted.results) == len(kept.results) == len(files[0].claims)
    with pytest.raises(LookupError, match="summary only"):
        counted.results[0]


def test_check_q_alone_keeps_the_summary_only_and_prints_the_same_line(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    claims = write(tmp_path / "claims.toml", corpus_claims_text(7))
    records = [arg for path in corpus_files() for arg in ("--records", str(path))]
    logs: list[ResultLog] = []

    class Spied(ResultLog):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            logs.append(self)

    monkeypatch.setattr(runner, "ResultLog", Spied)
    quiet = run("check", str(claims), "-q", "--complete", *records)
    both = run(
        "check", str(claims), "-q", "--report", "table", "--report",
        f"json={tmp_path / 'r.json'}", "--complete", *records,
    )  # fmt: skip
    assert [log.keep for log in logs] == [False, True]
    assert quiet.stdout == both.stdout
    assert quiet.code == both.code
    assert quiet.stdout.startswith(f"{len(load([claims])[0].claims)} claims: ")


any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=8)
report_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(-(2**64), 2**65)
    | st.floats()
    | st.floats(min_value=-1e-3, max_value=1e-3)
    | any_text,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(any_text, inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=1000, deadline=None)
@given(report_values)
def test_a_streamed_item_is_written_as_json_writes_it(value: object) -> None:
    """Each result of a streamed report is written by orjson where it can be (#16): the text
    is json's, byte for byte: floats small and large, NaN, huge integers, lone surrogates,
    control characters, tuples."""
    assert jsonstream._item_text(value) == json.dumps(value, indent=2, ensure_ascii=False)
