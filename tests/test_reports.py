"""Report formats for people and pipelines: golden files for every format, schema validation
for JUnit and SARIF, annotations on the right lines, several outputs at once."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from conftest import ROOT
from schemas import schema_path
from ta1check.report import REPORTER_BY_NAME

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden"
FORMATS = sorted(REPORTER_BY_NAME)
UPDATE = bool(os.environ.get("GOLDEN_UPDATE"))


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding copies of the claims files under stable names."""
    shutil.copy(DATA / "mixed.toml", tmp_path / "mixed.toml")
    shutil.copy(DATA / "inline.toml", tmp_path / "inline.toml")
    shutil.copy(ROOT / "claims.toml", tmp_path / "claims.toml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return tmp_path


def golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.write_text(actual, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"golden file {name} was missing and has been written; check it in")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs (GOLDEN_UPDATE=1)"


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_mixed_outcomes(run, emulator, workdir, fmt) -> None:
    out = run("check", "mixed.toml", "--format", fmt, "--no-color")
    assert out.code == 1
    assert out.stderr == ""
    suffix = {
        "json": "json",
        "sarif": "sarif",
        "junit": "xml",
        "markdown": "md",
        "html": "html",
    }.get(fmt, "txt")
    golden(f"mixed.{fmt}.{suffix}", out.stdout)


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_the_articles_claims_with_ncbi_unreachable(run, workdir, fmt) -> None:
    out = run("check", "claims.toml", "--format", fmt, "--no-color", "--timeout", "1")
    assert out.code == 3
    suffix = {
        "json": "json",
        "sarif": "sarif",
        "junit": "xml",
        "markdown": "md",
        "html": "html",
    }.get(fmt, "txt")
    golden(f"article-unreachable.{fmt}.{suffix}", out.stdout)


def test_junit_validates_against_jenkins_schema(run, emulator, workdir) -> None:
    schema = xmlschema.XMLSchema(str(schema_path("junit")))
    out = run("check", "mixed.toml", "inline.toml", "--format", "junit")
    schema.validate(out.stdout)
    suites = re.findall(r'<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)"', out.stdout)
    assert suites == [("mixed.toml", "7", "4"), ("inline.toml", "3", "1")]
    assert '<failure type="year-mismatch"' in out.stdout


def test_junit_unverified_claims_are_skipped(run, workdir) -> None:
    out = run("check", "claims.toml", "--format", "junit", "--timeout", "1")
    xmlschema.XMLSchema(str(schema_path("junit"))).validate(out.stdout)
    assert out.stdout.count("<skipped>") == 13


def test_sarif_validates_against_the_sarif_schema(run, emulator, workdir) -> None:
    schema = json.loads(schema_path("sarif").read_text(encoding="utf-8"))
    out = run("check", "mixed.toml", "inline.toml", "--format", "sarif")
    doc = json.loads(out.stdout)
    jsonschema.validate(doc, schema)
    (sarif_run,) = doc["runs"]
    rules = [r["id"] for r in sarif_run["tool"]["driver"]["rules"]]
    assert len(rules) == len(set(rules)) >= 17
    located = {
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["ruleId"],
        )
        for r in sarif_run["results"]
    }
    assert ("mixed.toml", 14, "year-mismatch") in located
    assert ("inline.toml", 6, "year-mismatch") in located


def test_github_annotations_point_at_each_claims_line(run, emulator, workdir) -> None:
    out = run("check", "mixed.toml", "inline.toml", "--format", "github")
    lines = out.stdout.splitlines()
    assert (
        "::error file=mixed.toml,line=14,title=year-mismatch::low-back-pain-wrong-year "
        "(PMID 2930949): PubMed says 1985 (1985 Aug), the article says 1989" in lines
    )
    assert any(
        line.startswith("::warning file=mixed.toml,line=9,title=year-mismatch::") for line in lines
    )
    assert any(
        line.startswith("::error file=inline.toml,line=6,title=year-mismatch::") for line in lines
    )
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)


def test_github_step_summary_is_appended(run, emulator, workdir, monkeypatch) -> None:
    summary = workdir / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    run("check", "mixed.toml", "--format", "github")
    text = summary.read_text()
    assert text.startswith("earlier step\n## ta1check")
    assert "| ❌ error | [2930949](https://pubmed.ncbi.nlm.nih.gov/2930949/)" in text


def test_github_step_summary_stays_within_githubs_limit(run, emulator, workdir, monkeypatch):
    # GitHub drops a step summary over 1 MiB whole; earlier commands of the step used most
    summary = workdir / "summary.md"
    earlier = "x" * 99 + "\n"
    summary.write_text(earlier * (1024 * 1024 // 100 - 8))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = run("check", "mixed.toml", "--format", "github")
    assert out.code == 1
    text = summary.read_text()
    assert len(text.encode()) <= 1024 * 1024
    added = text[len(earlier) * (1024 * 1024 // 100 - 8) :]
    assert added.startswith("## ta1check")
    assert "**The rest of this report is not shown**" in added
    shown = added.split("\n**The rest")[0]
    assert shown.endswith("\n") and shown.count("\n| ") < 8  # cut at a line, rows left out
    # with room to spare, the whole report goes in, uncut
    summary.write_text("")
    run("check", "mixed.toml", "--format", "github")
    assert "not shown" not in summary.read_text()
    assert summary.read_text().count("\n| ") == 8  # header and the 7 claims


def test_several_formats_and_outputs_in_one_run(run, emulator, workdir) -> None:
    out = run(
        "check",
        "mixed.toml",
        "--format",
        "junit",
        "--output",
        "junit.xml",
        "--format",
        "sarif",
        "--output",
        "out.sarif",
        "--format",
        "json",
        "--no-suggest",  # one efetch for the records; suggestions search more (test_suggest)
    )
    assert out.code == 1
    assert json.loads(out.stdout)["summary"]["claims"] == 7  # stdout: only the chosen format
    assert (workdir / "junit.xml").read_text().startswith("<?xml")
    assert json.loads((workdir / "out.sarif").read_text())["version"] == "2.1.0"
    assert len(emulator.efetches) == 1
    assert run("check", "mixed.toml", "--format", "json", "--format", "sarif").code == 2
    assert run("check", "mixed.toml", "--output", "a.txt", "--output", "b.txt").code == 2


def test_several_claims_files_fetch_each_record_once(run, emulator, workdir) -> None:
    out = run("check", "mixed.toml", "inline.toml", "--format", "json", "--no-suggest")
    doc = json.loads(out.stdout)
    assert {r["file"] for r in doc["results"]} == {"mixed.toml", "inline.toml"}
    (request,) = emulator.efetches
    assert sorted(request.ids) == sorted({29768149, 36400559, 2930949, 11748933, 99999991})


def test_glob_patterns_are_expanded(run, emulator, workdir) -> None:
    nested = workdir / "docs" / "a" / "b"
    nested.mkdir(parents=True)
    shutil.copy(workdir / "inline.toml", nested / "claims.toml")
    shutil.copy(workdir / "inline.toml", workdir / "docs" / "claims.toml")
    out = run("check", "docs/**/claims.toml", "--format", "json")
    files = {r["file"] for r in json.loads(out.stdout)["results"]}
    assert files == {"docs/claims.toml", "docs/a/b/claims.toml"}
    assert run("check", "nowhere/**/claims.toml").code == 2


def test_quiet_and_no_color(run, emulator, workdir, monkeypatch) -> None:
    out = run("check", "mixed.toml", "--quiet")
    assert out.stdout == "7 claims: 1 ok, 2 warning, 4 error\n"
    monkeypatch.setenv("NO_COLOR", "1")
    out = run("check", "mixed.toml")
    assert "\x1b[" not in out.stdout


def test_config_file_sets_defaults_and_the_command_line_wins(run, emulator, workdir) -> None:
    (workdir / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.ta1check]\nfail-on = "warning"\nemail = "ed@example.org"'
        '\n\n[tool.ta1check.severity]\nyear-mismatch = "info"\n'
    )
    sub = workdir / "sub"
    sub.mkdir()
    shutil.copy(workdir / "inline.toml", sub / "claims.toml")
    os.chdir(sub)  # found upwards from the working directory
    out = run("check", "claims.toml", "--format", "json")
    doc = json.loads(out.stdout)
    severities = {f["code"]: f["severity"] for r in doc["results"] for f in r["findings"]}
    assert severities == {"year-mismatch": "info"}
    assert out.code == 0
    assert emulator.efetches[-1].params["email"] == "ed@example.org"
    out = run("config")
    assert "fail-on     warning  (pyproject.toml [tool.ta1check])" in out.stdout
    assert "severity    year-mismatch = info  (pyproject.toml [tool.ta1check])" in out.stdout
    assert run("check", "claims.toml", "--email", "cli@example.org").code == 0
    assert emulator.efetches[-1].params["email"] == "ed@example.org"  # cached: no request
    run("check", "claims.toml", "--email", "cli@example.org", "--refresh")
    assert emulator.efetches[-1].params["email"] == "cli@example.org"


def test_ta1check_toml_and_its_errors(run, workdir, monkeypatch) -> None:
    monkeypatch.setenv("NCBI_API_KEY", "k3y-value-never-printed")
    (workdir / "ta1check.toml").write_text('timeout = 30\nmax-age = "12h"\n')
    out = run("config")
    assert "timeout     30.0  (ta1check.toml)" in out.stdout
    assert "max-age     43200s  (ta1check.toml)" in out.stdout
    assert "api-key     set ($NCBI_API_KEY)" in out.stdout
    assert "k3y-value" not in out.stdout
    (workdir / "ta1check.toml").write_text("timeout = 30\ntimout = 5\n")
    out = run("check", "claims.toml")
    assert out.code == 2
    assert "ta1check.toml:2: timout: unknown key (did you mean 'timeout'?)" in out.stderr
    (workdir / "ta1check.toml").write_text('api-key = "x"\n')
    assert "keep the API key in NCBI_API_KEY" in run("config").stderr


def test_a_config_file_nested_too_deeply_is_bad_input_not_a_crash(run, workdir) -> None:
    """TOML nested deeper than the parser follows: the config file it is named in a one-line
    error (exit 2), as a claims file is; a ``pyproject.toml`` found upwards is passed over,
    as one that is not TOML is."""
    deep = "a = " + "[" * 100_000 + "]" * 100_000 + "\n"
    (workdir / "ta1check.toml").write_text(deep)
    out = run("config")
    assert out.code == 2, out.stderr
    assert out.stderr.strip().endswith("ta1check.toml: invalid TOML: nested too deeply")
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    (workdir / "ta1check.toml").unlink()
    (workdir / "pyproject.toml").write_text("[tool.ta1check]\n" + deep)
    out = run("config")
    assert out.code == 0, out.stderr
    assert "config file: none found" in out.stdout


def test_inline_tables_and_comments_get_the_right_lines(run, emulator, workdir) -> None:
    out = run("check", "inline.toml", "--format", "json")
    doc = json.loads(out.stdout)
    assert [(r["id"], r["line"]) for r in doc["results"]] == [
        ("first", 3),
        ("second", 5),
        ("third", 6),
    ]
