"""The checks against every real record in ../shared/pubmed: a citation written correctly, in
any of the ways editors write them, never gets an error; every wrong year, first author,
journal, title and DOI does, with a message that says what PubMed has."""

from __future__ import annotations

import re

import pytest
from anyascii import anyascii

from records import all_records
from ta1check.claims import loads_claims
from ta1check.findings import Severity
from ta1check.pubmed.record import Record
from ta1check.results import Result, evaluate

RECORDS = all_records()
WITH_AUTHORS = [r for r in RECORDS.values() if r.authors and r.year]


def toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def surname(record: Record) -> str:
    first = record.authors[0]
    return first.collective or first.last_name


def with_periods(abbreviation: str) -> str:
    """'N Engl J Med' -> 'N. Engl. J. Med.' (each abbreviated word gets its period)."""
    return " ".join(w if w.startswith("(") else w + "." for w in abbreviation.split())


def journal_variants(record: Record) -> list[str]:
    variants = [record.journal, record.journal.upper(), record.journal.title()]
    plain = re.sub(r"\s*\([^()]*\)", "", record.journal).strip()
    variants.append(plain)
    if plain.lower().startswith("the "):
        variants.append(plain[4:])
    for abbr in (record.iso_abbreviation, record.medline_ta):
        if abbr:
            variants += [abbr, with_periods(abbr.replace(".", "")), abbr.replace(".", "")]
    return [v for v in dict.fromkeys(variants) if v]


def title_variants(record: Record) -> list[str]:
    plain = re.sub(r"</?[a-z]+>", "", record.title)
    variants = [plain, plain.rstrip("."), plain.upper(), anyascii(plain)]
    if ": " in plain:
        variants.append(plain.split(": ")[0])
    if plain.startswith("[") and plain.rstrip(".").endswith("]"):
        variants.append(plain.rstrip(".")[1:-1])
    return variants


def check(claims: list[str], record_map: dict[int, Record] | None = None) -> list[Result]:
    files = [loads_claims("\n".join(claims))]
    return list(evaluate(files, record_map or RECORDS).results)


def errors(result: Result) -> list[str]:
    return [f.code.slug for f in result.findings if f.severity is Severity.ERROR]


def claim(**fields: object) -> str:
    lines = ["[[claim]]"]
    for key, value in fields.items():
        lines.append(f"{key} = {toml_str(value) if isinstance(value, str) else value}")
    return "\n".join(lines) + "\n"


def test_the_sample_is_real_and_large() -> None:
    assert len(RECORDS) >= 300
    assert len(WITH_AUTHORS) >= 280


@pytest.mark.parametrize("record", WITH_AUTHORS, ids=lambda r: str(r.pmid))
def test_correct_citations_in_every_editor_style_pass(record: Record) -> None:
    name = surname(record)
    claims = []
    for journal in journal_variants(record):
        for year in record.years:
            claims.append(claim(pmid=record.pmid, citation=f"{name} et al., {journal} ({year})"))
            claims.append(
                claim(pmid=record.pmid, citation=f"{anyascii(name)} et al., {journal} {year}")
            )
    for title in title_variants(record):
        claims.append(claim(pmid=record.pmid, title=title))
    if record.doi:
        claims.append(claim(pmid=record.pmid, doi=record.doi.upper()))
        claims.append(claim(pmid=record.pmid, doi=f"https://doi.org/{record.doi}"))
    if record.epub_year and record.epub_year not in record.years:
        claims.append(claim(pmid=record.pmid, year=record.epub_year))
    for result in check(claims):
        assert errors(result) == [], (result.claim, result.findings)


@pytest.mark.parametrize("record", WITH_AUTHORS, ids=lambda r: str(r.pmid))
def test_every_wrong_field_is_an_error_naming_pubmeds_value(record: Record) -> None:
    others = [r for r in WITH_AUTHORS if r.pmid != record.pmid]
    bad_year = max(record.years) + 3
    if record.epub_year == bad_year:
        bad_year += 1
    other_journal = next(
        r
        for r in others
        if set(r.journal_names).isdisjoint(record.journal_names)
        and r.journal.lower() not in record.journal.lower()
        and record.journal.lower() not in r.journal.lower()
    )
    other_title = next(r for r in others if r.title.lower()[:20] != record.title.lower()[:20])
    wrong_author = next(
        (a.last_name for a in record.authors if a.last_name and a.last_name != surname(record)),
        "Zzyzxian",
    )
    cases = {
        "year-mismatch": claim(pmid=record.pmid, year=bad_year),
        "author-mismatch": claim(pmid=record.pmid, first_author=wrong_author),
        "journal-mismatch": claim(pmid=record.pmid, journal=other_journal.journal),
        "title-mismatch": claim(pmid=record.pmid, title=other_title.title),
    }
    if record.doi:
        cases["doi-mismatch"] = claim(pmid=record.pmid, doi=record.doi + "9")
    results = check(list(cases.values()))
    for (code, _), result in zip(cases.items(), results, strict=True):
        assert errors(result) == [code], (code, result.findings)
        (finding,) = [f for f in result.findings if f.code.slug == code]
        assert finding.pubmed, finding
        assert finding.stated
    (year_finding,) = [f for f in results[0].findings if f.code.slug == "year-mismatch"]
    assert str(record.year) in year_finding.message and str(bad_year) in year_finding.message


def test_epub_year_is_a_warning_not_an_error() -> None:
    record = RECORDS[36400559]  # issue 2023 Feb, e-published 2022
    (result,) = check([claim(pmid=36400559, citation="Gibbs et al., Neurol Clin (2022)")])
    (finding,) = result.findings
    assert finding.code.slug == "year-mismatch"
    assert finding.severity is Severity.WARNING
    assert "e-publication" in finding.message and str(record.year) in finding.message


def test_author_in_the_list_but_not_first_says_which_position() -> None:
    (result,) = check([claim(pmid=29768149, citation="Reddel et al., N Engl J Med (2018)")])
    (finding,) = result.findings
    assert finding.code.slug == "author-mismatch"
    assert "O'Byrne" in finding.message
    assert re.search(r"author \d+ of \d+", finding.message)


def test_truncated_journal_name_is_flagged() -> None:
    # "Alternative Therapies" for "Alternative therapies in health and medicine"
    record = next(
        r for r in RECORDS.values() if "(" not in r.journal and len(r.journal.split()) >= 4
    )
    short = " ".join(record.journal.split()[:2])
    (result,) = check([claim(pmid=record.pmid, journal=short)])
    assert errors(result) == ["journal-mismatch"]


def test_medline_date_years_pass() -> None:
    record = RECORDS[11446611]  # "2001 May-Jun"
    assert record.pub_date == "2001 May-Jun"
    (result,) = check([claim(pmid=11446611, citation="Jayson, Clin Med (Lond) (2001)")])
    assert errors(result) == []


def test_two_claims_stating_different_metadata_conflict() -> None:
    results = check(
        [
            claim(pmid=29768149, citation="O'Byrne et al., N Engl J Med (2018)"),
            claim(pmid=29768149, citation="O'Byrne et al., N Engl J Med (2019)"),
        ]
    )
    # the conflict is raised on the claim the record contradicts, not on both
    right, wrong = ([f.code.slug for f in r.findings] for r in results)
    assert "claims-conflict" not in right
    assert "claims-conflict" in wrong
    assert "year-mismatch" in wrong


def test_two_claims_printing_one_journal_and_author_differently_do_not_conflict() -> None:
    results = check(
        [
            claim(pmid=29768149, citation="O'Byrne et al., N Engl J Med (2018)"),
            claim(
                pmid=29768149,
                citation="O'Byrne PM et al., The New England journal of medicine (2018)",
            ),
        ]
    )
    for result in results:
        assert [f.code.slug for f in result.findings] == []
