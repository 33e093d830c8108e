"""Accepted findings (#14): a claim, or the config file's ``[[accept]]`` list, accepts a
finding by code with a reason and an optional expiry. Through the CLI, against real records
served by the emulator: PMID 11748933 is Taddei AR et al., Cryobiology (2001), so the claim
"Smith et al., Lancet (2001)" gets an author-mismatch and a journal-mismatch (both errors);
PMID 36400559 cited with its e-publication year gets a year-mismatch warning.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import write
from schemas import schema_path
from ta1check.accept import NOT_ACCEPTABLE
from ta1check.claims import ClaimsError, loads_claims
from ta1check.findings import Code

REASON = "Smith & co. <brand> the paper as **theirs**"

WRONG = """\
[[claim]]
id = "smith-lancet"
pmid = 11748933
citation = "Smith et al., Lancet (2001)"
{accept}
[[claim]]
id = "gibbs-epub"
pmid = 36400559
citation = "Gibbs et al., Neurol Clin (2022)"
"""


def claims(tmp: Path, accept: str = "", name: str = "claims.toml") -> Path:
    return write(tmp / name, WRONG.format(accept=accept))


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return tmp_path


BOTH = (
    "accept = [\n"
    f'  {{code = "journal-mismatch", reason = "{REASON}", until = 2027-06-30}},\n'
    '  {code = "author-mismatch", reason = "first author of the erratum"},\n'
    "]\n"
)


def flat(table: str) -> str:
    """The table's text with its cell borders gone and wrapped lines joined."""
    return " ".join(table.replace("│", " ").split())


# --- semantics ---------------------------------------------------------------------------------


def test_accepting_the_errors_flips_the_exit_code_and_keeps_them_in_the_table(
    run, emulator, workdir
) -> None:
    path = claims(workdir)
    before = run("check", str(path), "--no-color", "--today", "2026-11-25")
    assert before.code == 1
    claims(workdir, BOTH)
    after = run("check", str(path), "--no-color", "--today", "2026-11-25")
    assert after.code == 0, after.stdout + after.stderr
    table = flat(after.stdout)
    assert "journal-mismatch (error)" in table and "author-mismatch (error)" in table
    assert "accepted (until 2027-06-30): Smith & co. <brand>" in table
    assert "accepted: first author of the erratum" in table
    assert "2 claims: 1 ok, 1 warning; 2 findings accepted" in table
    # --fail-on warning still fails on the warning nobody accepted
    assert run("check", str(path), "--fail-on", "warning", "--today", "2026-11-25").code == 1


def test_an_expired_acceptance_counts_again_with_a_note(run, emulator, workdir) -> None:
    path = claims(workdir, BOTH)
    assert run("check", str(path), "--today", "2027-06-30").code == 0  # its last day
    late = run("check", str(path), "--no-color", "--today", "2027-07-01")
    assert late.code == 1
    table = flat(late.stdout)
    assert "acceptance expired on 2027-06-30; it said: Smith & co." in table
    assert "1 finding accepted" in table  # the author-mismatch one has no expiry
    doc = json.loads(run("check", str(path), "--report", "json", "--today", "2027-07-01").stdout)
    (smith,) = [r for r in doc["results"] if r["id"] == "smith-lancet"]
    assert smith["status"] == "error"
    journal = next(f for f in smith["findings"] if f["code"] == "journal-mismatch")
    assert "accepted" not in journal
    assert journal["acceptance_expired"]["until"] == "2027-06-30"
    assert doc["summary"]["accepted"] == {"author-mismatch": 1}
    assert doc["summary"]["findings"]["journal-mismatch"] == 1


def test_an_acceptance_that_matches_nothing_is_a_warning(run, emulator, workdir) -> None:
    path = write(
        workdir / "claims.toml",
        WRONG.format(accept="")
        + 'accept = [{code = "doi-mismatch", reason = "the DOI was wrong once"}]\n',
    )
    outcome = run("check", str(path), "--report", "json")
    assert outcome.code == 1  # the unaccepted errors of the first claim
    doc = json.loads(outcome.stdout)
    (gibbs,) = [r for r in doc["results"] if r["id"] == "gibbs-epub"]
    unused = [f for f in gibbs["findings"] if f["code"] == "acceptance-unused"]
    assert len(unused) == 1 and unused[0]["severity"] == "warning"
    assert "doi-mismatch is accepted" in unused[0]["message"]
    assert "remove the acceptance" in unused[0]["message"]


def test_an_unverified_claim_is_never_accepted_nor_its_acceptance_unused(run, workdir) -> None:
    path = claims(workdir, BOTH)
    outcome = run("check", str(path), "--offline", "--report", "json")
    assert outcome.code == 3
    doc = json.loads(outcome.stdout)
    assert {r["status"] for r in doc["results"]} == {"unverified"}
    codes = {f["code"] for r in doc["results"] for f in r["findings"]}
    assert codes == {"unverified"}


# --- every report shows it ---------------------------------------------------------------------


def test_every_report_marks_the_accepted_finding_with_its_reason(
    run, emulator, workdir, monkeypatch
) -> None:
    path = claims(workdir, BOTH)
    summary = workdir / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code = run(
        "check",
        str(path),
        "--today",
        "2026-11-25",
        "--report",
        "github",
        "--report",
        "json=r.json",
        "--report",
        "junit=r.xml",
        "--report",
        "sarif=r.sarif",
        "--report",
        "markdown=r.md",
    )
    assert code.code == 0

    # GitHub: no annotation for an accepted finding; the step summary lists it.
    assert "journal-mismatch" not in code.stdout and "author-mismatch" not in code.stdout
    assert "::warning" in code.stdout  # gibbs' year-mismatch is not accepted
    step = summary.read_text(encoding="utf-8")
    assert "accepted: first author of the erratum" in step

    doc = json.loads((workdir / "r.json").read_text(encoding="utf-8"))
    (smith,) = [r for r in doc["results"] if r["id"] == "smith-lancet"]
    assert smith["status"] == "ok"
    journal = next(f for f in smith["findings"] if f["code"] == "journal-mismatch")
    assert journal["accepted"]["reason"] == REASON
    assert journal["accepted"]["until"] == "2027-06-30"
    assert journal["severity"] == "error"
    assert doc["summary"]["accepted"] == {"author-mismatch": 1, "journal-mismatch": 1}
    assert "journal-mismatch" not in doc["summary"]["findings"]

    junit = (workdir / "r.xml").read_text(encoding="utf-8")
    xmlschema.XMLSchema(str(schema_path("junit"))).validate(junit)
    root = ET.fromstring(junit)
    assert root.get("failures") == "0"
    (case,) = [c for c in root.iter("testcase") if c.get("name", "").startswith("smith")]
    assert case.find("failure") is None
    out = case.findtext("system-out") or ""
    assert f"accepted (until 2027-06-30): {REASON}" in out

    sarif = json.loads((workdir / "r.sarif").read_text(encoding="utf-8"))
    jsonschema.validate(sarif, json.loads(schema_path("sarif").read_text(encoding="utf-8")))
    results = sarif["runs"][0]["results"]
    accepted = [r for r in results if r["ruleId"] in ("journal-mismatch", "author-mismatch")]
    assert len(accepted) == 2
    for r in accepted:
        (suppression,) = r["suppressions"]
        assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert {r["suppressions"][0]["justification"] for r in accepted} == {
        REASON,
        "first author of the erratum",
    }
    assert all("suppressions" not in r for r in results if r["ruleId"] == "year-mismatch")

    markdown = (workdir / "r.md").read_text(encoding="utf-8")
    assert "accepted (until 2027-06-30): Smith &amp; co. &lt;brand&gt;" in markdown
    assert "\\*\\*theirs\\*\\*" in markdown  # the reason is text, never markup
    assert "2 findings accepted" in markdown


def test_an_expired_acceptance_is_a_failure_again_in_junit_sarif_and_github(
    run, emulator, workdir
) -> None:
    path = claims(workdir, BOTH)
    late = ("--today", "2028-01-01")
    junit = run("check", str(path), *late, "--report", "junit").stdout
    root = ET.fromstring(junit)
    failures = [f.get("type") for f in root.iter("failure")]
    assert failures == ["journal-mismatch"]
    assert "acceptance expired on 2027-06-30" in (root.find(".//failure").text or "")
    sarif = json.loads(run("check", str(path), *late, "--report", "sarif").stdout)
    (journal,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "journal-mismatch"]
    assert "suppressions" not in journal
    assert "acceptance expired on 2027-06-30" in journal["message"]["text"]
    github = run("check", str(path), *late, "--report", "github").stdout
    assert "::error" in github and "acceptance expired on 2027-06-30" in github
    assert "author-mismatch" not in github


# --- the config file ---------------------------------------------------------------------------


CONFIG = """\
[[accept]]
code = "journal-mismatch"
pmid = 11748933
reason = "the journal's own name for itself"

[[accept]]
code = "author-mismatch"
claim = "smith-lancet"
reason = "first author of the erratum"
until = "2027-06-30"

[[accept]]
code = "year-mismatch"
file = "chapters/*.toml"
reason = "we cite the e-publication year"

[[accept]]
code = "doi-mismatch"
pmid = 36400559
reason = "the DOI was once wrong"

[[accept]]
code = "title-mismatch"
pmid = 12345
reason = "a claim of another chapter, not checked in this run"
"""


def test_the_config_file_accepts_for_many_claims(run, emulator, workdir) -> None:
    write(workdir / "ta1check.toml", CONFIG)
    (workdir / "chapters").mkdir()
    path = claims(workdir / "chapters")
    outcome = run("check", str(path), "--report", "json", "--today", "2026-11-25")
    doc = json.loads(outcome.stdout)
    assert doc["summary"]["accepted"] == {
        "author-mismatch": 1,
        "journal-mismatch": 1,
        "year-mismatch": 1,
    }
    assert {r["status"] for r in doc["results"]} == {"ok"}
    # the doi-mismatch one applies to a claim that has none: unused, at its line
    (unused,) = doc["config"]["findings"]
    assert unused["code"] == "acceptance-unused" and unused["line"] == 17
    assert unused["severity"] == "warning"
    assert outcome.code == 0
    assert run("check", str(path), "--fail-on", "warning").code == 1
    table = flat(run("check", str(path), "--no-color", "--today", "2026-11-25").stdout)
    assert "ta1check.toml:17: acceptance-unused (warning): doi-mismatch is accepted" in table
    # the file glob scopes: a claims file elsewhere keeps its year-mismatch
    other = claims(workdir, name="other.toml")
    doc = json.loads(run("check", str(other), "--report", "json").stdout)
    assert "year-mismatch" not in doc["summary"]["accepted"]


def test_pyproject_accepts_too(run, emulator, workdir) -> None:
    write(
        workdir / "pyproject.toml",
        "[project]\nname = 'x'\n\n[tool.ta1check]\nfail-on = 'error'\n\n"
        "[[tool.ta1check.accept]]\ncode = 'journal-mismatch'\nclaim = 'smith-lancet'\n"
        "reason = 'the brand'\n\n"
        "[[tool.ta1check.accept]]\ncode = 'author-mismatch'\npmid = '11748933'\n"
        "reason = 'the erratum'\n",
    )
    path = claims(workdir)
    outcome = run("check", str(path), "--report", "json")
    assert outcome.code == 0, outcome.stdout
    doc = json.loads(outcome.stdout)
    assert doc["summary"]["accepted"] == {"author-mismatch": 1, "journal-mismatch": 1}
    assert "config" not in doc


# --- invalid acceptances -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "key", "says"),
    [
        ('accept = [{code = "jurnal-mismatch", reason = "r"}]', "accept.code", "did you mean"),
        ('accept = [{code = "unverified", reason = "r"}]', "accept.code", "cannot be accepted"),
        ('accept = [{code = "journal-mismatch"}]', "accept.reason", "missing"),
        ('accept = [{code = "journal-mismatch", reason = "  "}]', "accept.reason", "empty"),
        ('accept = [{code = "journal-mismatch", reason = 3}]', "accept.reason", "a string"),
        (
            'accept = [{code = "journal-mismatch", reason = "r", until = "30/06/2027"}]',
            "accept.until",
            "not a date",
        ),
        (
            'accept = [{code = "journal-mismatch", reason = "r", until = 2027-06-30T10:00:00}]',
            "accept.until",
            "without a time",
        ),
        (
            'accept = [{code = "journal-mismatch", reason = "r", pmid = 1}]',
            "accept.pmid",
            "unknown key",
        ),
        ('accept = "journal-mismatch"', "accept", "expected an array"),
        (
            'accept = [{code = "year-mismatch", reason = "a"},'
            ' {code = "year-mismatch", reason = "b"}]',
            "accept[2].code",
            "accepted twice",
        ),
    ],
)
def test_an_invalid_acceptance_in_a_claim_is_a_usage_error(
    run, workdir, accept: str, key: str, says: str
) -> None:
    path = claims(workdir, accept + "\n")
    outcome = run("check", str(path), "--offline")
    assert outcome.code == 2
    (line,) = outcome.stderr.strip().splitlines()
    assert line.startswith(f"ta1check: error: {path}:5: claim[1].{key}: "), line
    assert says in line


@pytest.mark.parametrize(
    ("entry", "line", "key", "says"),
    [
        ('code = "unverified"\npmid = 1\nreason = "r"', 7, "accept[2].code", "cannot be accepted"),
        ('code = "journal-mismatch"\npmid = 1', 6, "accept[2].reason", "missing"),
        ('code = "journal-mismatch"\nreason = "r"', 6, "accept[2]", "say which claims"),
        ('code = "journal-mismatch"\npmid = 0\nreason = "r"', 8, "accept[2].pmid", "not a PMID"),
        (
            'code = "journal-mismatch"\npmid = 1\nreason = "r"\nuntil = "soon"',
            10,
            "accept[2].until",
            "not a date",
        ),
        (
            'code = "journal-mismatch"\npmid = 1\nreason = "r"\nwhy = 1',
            10,
            "accept[2].why",
            "unknown key",
        ),
    ],
)
def test_an_invalid_config_acceptance_is_a_usage_error(
    run, workdir, entry: str, line: int, key: str, says: str
) -> None:
    good = '[[accept]]\ncode = "title-mismatch"\npmid = 1\nreason = "fine"\n\n'
    config = write(workdir / "ta1check.toml", good + "[[accept]]\n" + entry + "\n").resolve()
    outcome = run("check", str(claims(workdir)), "--offline")
    assert outcome.code == 2
    (message,) = outcome.stderr.strip().splitlines()
    assert message.startswith(f"ta1check: error: {config}:{line}: {key}: "), message
    assert says in message


# --- loading: property -------------------------------------------------------------------------

ACCEPTABLE = [c.slug for c in Code if c not in NOT_ACCEPTABLE]


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # printable text: also a TOML basic string


@given(
    code=st.sampled_from(ACCEPTABLE),
    reason=st.text(
        st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
    ).filter(str.strip),
    until=st.none() | st.dates(dt.date(1900, 1, 1), dt.date(2999, 12, 31)),
    as_string=st.booleans(),
)
@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
def test_any_valid_accept_entry_loads_as_written(
    code: str, reason: str, until: dt.date | None, as_string: bool
) -> None:
    parts = [f"code = {_toml_string(code)}", f"reason = {_toml_string(reason)}"]
    if until is not None:
        parts.append(f'until = "{until.isoformat()}"' if as_string else f"until = {until}")
    text = f"[[claim]]\npmid = 1\naccept = [{{{', '.join(parts)}}}]\n"
    (claim,) = loads_claims(text).claims
    (acceptance,) = claim.accept
    assert acceptance.code.slug == code
    assert acceptance.reason == " ".join(reason.split())
    assert acceptance.until == until


@given(
    value=st.recursive(
        st.booleans()
        | st.integers()
        | st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
        | st.dates()
        | st.datetimes(),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.sampled_from(["code", "reason", "until", "x"]), inner, max_size=4)
        ),
        max_leaves=8,
    )
)
@settings(max_examples=150)
def test_any_accept_value_loads_or_is_a_claims_error(value: object) -> None:
    text = f"[[claim]]\npmid = 1\naccept = {_toml(value)}\n"
    try:
        loads_claims(text)
    except ClaimsError as exc:
        assert str(exc).startswith("<claims>:3: claim[1].accept"), exc


def _toml(value: object) -> str:
    """A TOML value (inline), for the few types the strategy makes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"


# --- narrowing to one stated value; the config command -----------------------------------------

FIGURES = """\
[[claim]]
id = "obyrne-figures"
pmid = 29768149
citation = "O'Byrne et al., N Engl J Med (2018)"
figure = "79% adherence; 64% of patients"
{accept}
"""


def test_stated_narrows_an_acceptance_to_one_figure(run, emulator, workdir) -> None:
    """Accepting figure-not-found for 64% does not accept the next figure that goes missing."""
    one = 'accept = [{code = "figure-not-found", stated = " 64 % ", reason = "in table 2"}]'
    path = write(workdir / "claims.toml", FIGURES.format(accept=one.replace(" 64 % ", "64%")))
    doc = json.loads(run("check", str(path), "--report", "json").stdout)
    (result,) = doc["results"]
    missing = [f for f in result["findings"] if f["code"] == "figure-not-found"]
    assert [(f["stated"], "accepted" in f) for f in missing] == [("64%", True)]
    rounded = next(f for f in result["findings"] if f["code"] == "figure-rounded")
    assert "accepted" not in rounded  # another code: still a warning
    assert result["status"] == "warning"
    # a figure added later, also missing, is not covered
    path.write_text(
        FIGURES.format(accept=one.replace(" 64 % ", "64%")).replace(
            "64% of patients", "64% of patients; 12.5% dropped out"
        ),
        encoding="utf-8",
    )
    doc = json.loads(run("check", str(path), "--report", "json").stdout)
    missing = [f for f in doc["results"][0]["findings"] if f["code"] == "figure-not-found"]
    assert [(f["stated"], "accepted" in f) for f in missing] == [("64%", True), ("12.5%", False)]
    # naming a figure the claim does not miss is unused
    path.write_text(FIGURES.format(accept=one.replace(" 64 % ", "79%")), encoding="utf-8")
    doc = json.loads(run("check", str(path), "--report", "json").stdout)
    unused = [f for f in doc["results"][0]["findings"] if f["code"] == "acceptance-unused"]
    assert len(unused) == 1 and "figure-not-found of '79%'" in unused[0]["message"]


def test_config_lists_the_acceptances_and_their_lines(run, workdir) -> None:
    write(workdir / "ta1check.toml", CONFIG)
    outcome = run("config")
    assert outcome.code == 0
    assert (
        "accept author-mismatch for claim smith-lancet until 2027-06-30: first author of "
        "the erratum (ta1check.toml:6)"
    ) in " ".join(outcome.stdout.split())


def test_the_html_page_marks_the_accepted_finding(run, emulator, workdir) -> None:
    from html.parser import HTMLParser

    path = claims(workdir, BOTH)
    page = run("check", str(path), "--report", "html", "--today", "2026-11-25").stdout

    class Accepted(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.classes: list[str] = []
            self.notes: list[str] = []
            self._in_note = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            cls = dict(attrs).get("class") or ""
            if tag == "li" and "finding" in cls.split():
                self.classes.append(cls)
            self._in_note = tag == "span" and cls == "note"

        def handle_data(self, data: str) -> None:
            if self._in_note:
                self.notes.append(data)
                self._in_note = False

    parser = Accepted()
    parser.feed(page)
    assert sum("accepted" in c.split() for c in parser.classes) == 2
    assert f"accepted (until 2027-06-30): {REASON}" in parser.notes
    assert "accepted: first author of the erratum" in parser.notes
