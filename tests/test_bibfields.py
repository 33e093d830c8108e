"""Every field a claim states is compared (issue #12): the whole author list in order, volume,
issue and pages, through the CLI (against the local E-utilities emulator's real records) and
the library (against real records of the corpus), with hypothesis on page-range expansion."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import write
from jats import CORPUS, pubmed_records, render
from records import all_records
from ta1check.bibfields import pages_agree, parse_pages
from ta1check.claims import loads_claims
from ta1check.findings import Finding, Severity
from ta1check.pubmed.record import Record
from ta1check.results import evaluate

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

RECORDS = all_records()
#: Gibbs D, McGahan BG, Ropper AE, Xu DS. Neurol Clin. 2023;41(1):61-76.
GIBBS = 36400559


def findings(claim: str, records: dict[int, Record] | None = None) -> list[Finding]:
    (result,) = evaluate([loads_claims(claim)], records or RECORDS).results
    return [f for f in result.findings if f.code.slug != "abstract-missing"]


def codes(claim: str) -> list[str]:
    return [f.code.slug for f in findings(claim)]


def gibbs(body: str) -> str:
    return f"[[claim]]\npmid = {GIBBS}\n{body}\n"


# --- the record the tests lean on is what they say it is ---------------------------------------


def test_the_record_is_real() -> None:
    record = RECORDS[GIBBS]
    assert (record.volume, record.issue, record.pages) == ("41", "1", "61-76")
    assert [a.display for a in record.authors] == ["Gibbs D", "McGahan BG", "Ropper AE", "Xu DS"]


# --- correct citations in real styles pass ----------------------------------------------------


@pytest.mark.parametrize(
    "citation",
    [
        "Gibbs D, McGahan BG, Ropper AE, Xu DS. Spinal cord injury. Neurol Clin. "
        "2023;41(1):61-76.",  # Vancouver, every author
        "Gibbs D, McGahan BG, Ropper AE, et al. Spinal cord injury. Neurol Clin. "
        "2023;41(1):61-76.",  # AMA, three then et al.
        "Gibbs D, McGahan BG, Ropper AE, Xu DS: Spinal cord injury. Neurol Clin 2023, "
        "41:61-76.",  # BMC
        "Gibbs, D., McGahan, B. G., Ropper, A. E., & Xu, D. S. (2023). Spinal cord injury. "
        "Neurologic Clinics, 41(1), 61\u201376.",  # APA 7
        "D. Gibbs, B. G. McGahan, A. E. Ropper, D. S. Xu, Spinal cord injury. Neurol. Clin. "
        "41, 61\u201376 (2023).",  # Science / Nature
        "Gibbs et al., Neurol Clin 2023;41(1):61-76",  # short, with where the paper is
        "Gibbs et al., Neurol Clin 41, 61 (2023)",  # first page only
    ],
)
def test_a_correct_reference_in_any_style_passes(citation: str) -> None:
    assert findings(gibbs(f"citation = {json.dumps(citation)}")) == []


@pytest.mark.parametrize(
    "fields",
    [
        'volume = "41"\nissue = "1"\npages = "61-76"',
        'volume = 41\nissue = 1\npages = "61\u201376"',
        'pages = "pp. 61-76"',
        'pages = "61"',
        'authors = ["Gibbs D", "McGahan BG", "Ropper AE", "Xu DS"]\net_al = false',
        'authors = ["Gibbs", "McGahan", "Ropper", "Xu"]\nauthors_complete = true',
        'authors = ["Gibbs D", "McGahan BG"]\net_al = true',
        'authors = ["Gibbs D", "McGahan BG"]',  # not said whether cut: compared as far as given
    ],
)
def test_correct_explicit_fields_pass(fields: str) -> None:
    assert findings(gibbs(fields)) == []


# --- each wrong field is caught, with the fix in the message ---------------------------------


def test_wrong_pages_say_what_pubmed_has() -> None:
    (finding,) = findings(gibbs('citation = "Gibbs et al., Neurol Clin 2023;41(1):16-76"'))
    assert finding.code.slug == "pages-mismatch" and finding.severity is Severity.ERROR
    assert finding.message.startswith("PubMed says 41(1):61-76, the article says 41(1):16-76")


def test_wrong_volume_and_issue_are_caught() -> None:
    got = findings(gibbs('citation = "Gibbs et al., Neurol Clin. 2023;42(2):61-76."'))
    assert {f.code.slug: f.severity for f in got} == {
        "volume-mismatch": Severity.ERROR,
        "issue-mismatch": Severity.WARNING,
    }
    assert "PubMed says 41(1):61-76, the article says 42(2):61-76" in got[0].message


@pytest.mark.parametrize(
    ("authors", "et_al", "says"),
    [
        (["Gibbs D", "Ropper AE", "Xu DS"], "false", "McGahan BG is left out before Ropper AE"),
        (["Gibbs D", "Ropper AE", "McGahan BG", "Xu DS"], "false", "in the other order"),
        (["Gibbs D", "McGahan BG", "Ropper AE"], "false", "stops after 3 of PubMed's 4"),
        (["Gibbs D", "McGahan BG", "Smith J", "Ropper AE"], "true", "Smith J is not among"),
        (["Gibbs D", "McGahon BG"], "true", "author 2 is McGahan BG, not McGahon BG"),
        (["Gibbs D", "McGahan BG", "Ropper AE", "Xu DS", "Lee K"], "false", "PubMed lists 4"),
    ],
)
def test_every_author_list_error_is_caught(authors: list[str], et_al: str, says: str) -> None:
    (finding,) = findings(gibbs(f"authors = {json.dumps(authors)}\net_al = {et_al}"))
    assert finding.code.slug == "authors-mismatch" and finding.severity is Severity.ERROR
    assert says in finding.message
    assert "PubMed lists Gibbs D, McGahan BG" in finding.message


def test_a_whole_reference_that_drops_a_co_author_is_caught() -> None:
    citation = "Gibbs D, Ropper AE, Xu DS. Spinal cord injury. Neurol Clin. 2023;41(1):61-76."
    assert codes(gibbs(f"citation = {json.dumps(citation)}")) == ["authors-mismatch"]


def test_other_initials_of_a_co_author_are_a_warning() -> None:
    (finding,) = findings(gibbs('authors = ["Gibbs D", "McGahan BG", "Ropper JE"]'))
    assert finding.code.slug == "authors-mismatch" and finding.severity is Severity.WARNING


def test_nlm_truncated_list_allows_more_names() -> None:
    import msgspec

    record = msgspec.structs.replace(RECORDS[GIBBS], authors_complete=False)
    claim = gibbs('authors = ["Gibbs D", "McGahan BG", "Ropper AE", "Xu DS", "Lee K"]')
    assert findings(claim, {GIBBS: record}) == []


# --- NLM's page forms, against real records of the corpus -------------------------------------


@pytest.mark.parametrize(
    ("stated", "record", "agree"),
    [
        ("1383-1387", "1383-7", True),
        ("1838-7", "1383-7", False),
        ("1383-1388", "1383-7", False),
        ("e1-e8", "e1-8", True),
        ("S12-S15", "S12-5", True),
        ("S13-S15", "S12-5", False),
        ("R198-R205", "R198-205", True),
        ("884-890", "884-890.e2", True),
        ("884-90.e2", "884-890.e2", True),
        ("iii-iv", "iii-iv", True),
        ("iii-v", "iii-iv", False),
        ("1787", "1787; discussion 1791", True),
        ("67-68, 73", "67-8, 73", True),
        ("67-68, 74", "67-8, 73", False),
        ("e0180707", "e0180707", True),
        ("e0180708", "e0180707", False),
        ("20416695211016483", "20416695211016483", True),
        ("337-349", "H337-H349", True),
        ("C337-C349", "H337-H349", False),
    ],
)
def test_page_forms(stated: str, record: str, agree: bool) -> None:
    mine, theirs = parse_pages(stated), parse_pages(record)
    assert mine is not None and theirs is not None
    assert pages_agree(mine, theirs) is agree


def test_supplements_parts_and_double_issues() -> None:
    base = RECORDS[GIBBS]
    import msgspec

    def with_(volume: str, issue: str) -> dict[int, Record]:
        return {GIBBS: msgspec.structs.replace(base, volume=volume, issue=issue)}

    ok = [
        ("27 Pt 1", "", 'volume = "27"'),
        ("105", "Suppl 2", 'volume = "105"\nissue = "S2"'),
        ("82 Suppl 3", "", 'volume = "82"\nissue = "Suppl 3"'),
        ("12", "3-4", 'issue = "3"'),
        ("VI", "", 'volume = "6"'),
    ]
    for volume, issue, stated in ok:
        assert findings(gibbs(stated), with_(volume, issue)) == [], (volume, issue, stated)
    wrong = [
        ("105", "Suppl 2", 'issue = "Suppl 1"', "issue-mismatch"),
        ("12", "3-4", 'issue = "5"', "issue-mismatch"),
        ("12", "3", 'issue = "Suppl 3"', "issue-mismatch"),
        ("VI", "", 'volume = "7"', "volume-mismatch"),
    ]
    for volume, issue, stated, code in wrong:
        got = [f.code.slug for f in findings(gibbs(stated), with_(volume, issue))]
        assert got == [code], (volume, issue, stated)


def test_a_record_without_pages_is_never_contradicted() -> None:
    import msgspec

    record = msgspec.structs.replace(RECORDS[GIBBS], pages="", issue="")
    assert findings(gibbs('pages = "61-76"\nissue = "1"'), {GIBBS: record}) == []


# --- page-range expansion, open-ended -----------------------------------------------------------


@given(
    first=st.integers(min_value=1, max_value=10**7),
    length=st.integers(min_value=0, max_value=5000),
    prefix=st.sampled_from(["", "e", "S", "R", "H"]),
)
def test_nlm_abbreviation_expands_to_the_full_range(first: int, length: int, prefix: str) -> None:
    last = first + length
    a, b = str(first), str(last)
    # NLM drops the leading digits the last page shares with the first
    shared = 0
    while len(a) == len(b) and shared < len(a) - 1 and a[shared] == b[shared]:
        shared += 1
    short = parse_pages(f"{prefix}{a}-{b[shared:]}")
    full = parse_pages(f"{prefix}{a}\u2013{prefix}{b}")
    assert short is not None and full is not None
    assert (short.main.first, short.main.last) == (first, last)
    assert pages_agree(short, full) and pages_agree(full, short)
    if length:
        other = parse_pages(f"{prefix}{a}-{last + 1}")
        assert other is not None and not pages_agree(other, full)
    moved = parse_pages(f"{prefix}{first + 1}-{last + 1}")
    assert moved is not None and not pages_agree(moved, full)


@given(st.text(max_size=40))
def test_any_printed_pages_read_or_are_left_alone(text: str) -> None:
    read = parse_pages(text)
    if read is not None:
        assert read.spans and all(s.first <= s.last for s in read.spans)


# --- the claims file and the CLI ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "key", "message"),
    [
        ('pages = "tbd"', "claim[1].pages", "cannot read 'tbd' as pages"),
        ("volume = true", "claim[1].volume", "expected a string"),
        ('issue = ""', "claim[1].issue", "is empty"),
        ("et_al = 1", "claim[1].et_al", "expected true or false"),
        ("et_al = true", "claim[1].et_al", "the claim gives none"),
        (
            'authors = ["A"]\net_al = true\nauthors_complete = true',
            "claim[1].authors_complete",
            "contradicts et_al",
        ),
    ],
)
def test_bad_fields_exit_2_naming_file_line_and_key(
    run, isolated, tmp_path: Path, body: str, key: str, message: str
) -> None:
    path = write(tmp_path / "c.toml", f"[[claim]]\npmid = {GIBBS}\n{body}\n")
    out = run("check", str(path), "--offline")
    assert out.code == 2
    leaf = key.rsplit(".", 1)[-1]
    line = 2 + next(i for i, text in enumerate(body.splitlines(), 1) if text.startswith(leaf))
    assert f"{path}:{line}: {key}: " in out.stderr and message in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_cli_reports_the_fields_in_json(run, emulator, tmp_path: Path) -> None:
    claim = gibbs(
        'citation = "Gibbs D, McGahan BG, Xu DS. Spinal cord injury. Neurol Clin. '
        '2023;41(1):61-67."'
    )
    out = run("check", str(write(tmp_path / "c.toml", claim)), "--format", "json")
    assert out.code == 1
    (result,) = json.loads(out.stdout)["results"]
    got = {f["code"]: f for f in result["findings"]}
    assert got["authors-mismatch"]["field"] == "authors"
    assert "Ropper AE is left out before Xu DS" in got["authors-mismatch"]["message"]
    assert got["pages-mismatch"]["pubmed"] == "61-76"
    assert got["pages-mismatch"]["stated"] == "61-67"


# --- drafted claims carry the fields, and check clean on real articles -------------------------


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_drafted_fields_check_clean_against_their_own_records(
    run, tmp_path: Path, name: str
) -> None:
    """Each real article (PMC JATS, rendered to Markdown) drafts its references with their
    author lists, volume, issue and pages; checked against records built from the JATS fields,
    none is contradicted, and a page planted wrong in each is caught."""
    rendered = render(name)
    article = write(tmp_path / f"{name}.md", rendered.markdown)
    drafted = tomllib.loads(run("draft", str(article), "--offline").stdout)
    journal = {t.pmid for t in rendered.references if t.pmid and t.kind == "journal"}
    if not journal:
        pytest.skip("its references carry no PMID (DOIs only, or no identifier)")
    claims = [c for c in drafted["claim"] if "figure" not in c and c["pmid"] in journal]
    keys = ("id", "pmid", "citation", "authors", "et_al", "volume", "issue", "pages")
    text = "".join(
        "[[claim]]\n" + "".join(f"{k} = {json.dumps(c[k])}\n" for k in keys if k in c)
        for c in claims
    )
    with_pages = [c for c in claims if "pages" in c]
    with_lists = [c for c in claims if "authors" in c]
    assert with_pages and with_lists, "the draft wrote no pages or author lists"
    records = write(tmp_path / "records.xml", pubmed_records(rendered))
    out = run("check", str(write(tmp_path / "c.toml", text)), "--records", str(records),
              "--format", "json")  # fmt: skip
    doc = json.loads(out.stdout)
    found = [(r["id"], f["code"], f["message"]) for r in doc["results"] for f in r["findings"]]
    assert not found, found[:5]
    # the same claims with each first page moved by 1000: every one is caught
    planted = re.sub(
        r'(?m)^pages = "([A-Za-z]*)(\d+)',
        lambda m: f'pages = "{m.group(1)}{int(m.group(2)) + 1000}',
        text,
    )
    out = run("check", str(write(tmp_path / "p.toml", planted)), "--records", str(records),
              "--format", "json")  # fmt: skip
    caught = {
        r["id"]
        for r in json.loads(out.stdout)["results"]
        for f in r["findings"]
        if f["code"] == "pages-mismatch"
    }
    assert caught == {c["id"] for c in with_pages}
