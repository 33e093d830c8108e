"""The command line as CI and editors use it: exit codes, report formats, show, the article."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, write
from ta1check.claims import load_claims

GOOD = """
[[claim]]
id = "obyrne"
pmid = 29768149
citation = "O'Byrne et al., N. Engl. J. Med. 2018"
"""
EPUB_YEAR = """
[[claim]]
id = "gibbs"
pmid = 36400559
citation = "Gibbs et al., Neurol Clin (2022)"
"""
WRONG_YEAR = """
[[claim]]
id = "reuler"
pmid = 2930949
citation = "Reuler, West J Med (1989)"
"""


def test_clean_file_exits_0_with_a_table_and_summary(run, emulator, tmp_path: Path) -> None:
    out = run("check", str(write(tmp_path / "c.toml", GOOD)), "--no-color")
    assert out.code == 0
    assert "obyrne" in out.stdout and "29768149" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "1 claim: 1 ok"
    assert out.stderr == ""


def test_wrong_year_exits_1_and_says_what_pubmed_has(run, emulator, tmp_path: Path) -> None:
    out = run("check", str(write(tmp_path / "c.toml", WRONG_YEAR)), "--format", "json")
    assert out.code == 1
    (result,) = json.loads(out.stdout)["results"]
    (finding,) = result["findings"]
    assert finding == {
        "code": "year-mismatch",
        "severity": "error",
        "field": "year",
        "stated": "1989",
        "pubmed": "1985",
        "message": "PubMed says 1985 (1985 Aug), the article says 1989",
    }


@pytest.mark.parametrize(("fail_on", "code"), [("error", 0), ("warning", 1), ("never", 0)])
def test_fail_on_threshold(run, emulator, tmp_path: Path, fail_on: str, code: int) -> None:
    path = write(tmp_path / "c.toml", EPUB_YEAR)
    assert run("check", str(path), "--fail-on", fail_on).code == code


def test_json_document_is_stable(run, emulator, tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", GOOD + EPUB_YEAR + WRONG_YEAR)
    out = run("check", str(path), "--format", "json")
    doc = json.loads(out.stdout)
    assert doc["version"] == 1
    assert doc["summary"] == {
        "claims": 3,
        "ok": 1,
        "warning": 1,
        "error": 1,
        "unverified": 0,
        "findings": {"year-mismatch": 2},
        "accepted": {},
    }
    assert [r["id"] for r in doc["results"]] == ["obyrne", "gibbs", "reuler"]
    assert [r["line"] for r in doc["results"]] == [2, 7, 12]
    record = doc["results"][0]["record"]
    assert set(record) == {
        "pmid",
        "title",
        "authors",
        "journal",
        "iso_abbreviation",
        "year",
        "doi",
        "has_abstract",
        "pmcid",
        "publication_types",
        "notices",
    }
    assert record["iso_abbreviation"] == "N Engl J Med" and record["has_abstract"] is True
    assert out.stderr == ""


def test_unverified_never_passes_even_with_fail_on_never(run, tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", GOOD)
    out = run("check", str(path), "--fail-on", "never", "--timeout", "2")
    assert out.code == 3
    assert "unverified" in out.stdout


def test_defaults_table_changes_severity(run, emulator, tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", '[defaults]\nyear-mismatch = "warning"\n' + WRONG_YEAR)
    out = run("check", str(path), "--format", "json")
    assert out.code == 0
    assert json.loads(out.stdout)["results"][0]["status"] == "warning"


def test_internal_error_is_one_line_exit_4(run, emulator, tmp_path, monkeypatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr("ta1check.api.check_files", boom)
    out = run("check", str(write(tmp_path / "c.toml", GOOD)))
    assert out.code == 4
    assert "Traceback" not in out.stderr
    assert "internal error: ZeroDivisionError: simulated bug" in out.stderr
    assert "please report" in out.stderr
    out = run("check", str(write(tmp_path / "c.toml", GOOD)), "--traceback")
    assert out.code == 4 and "Traceback" in out.stderr


def test_usage_errors_exit_2(run, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # no claims.toml here: `check` alone has nothing to check
    assert run("check").code == 2
    assert run("check", "x.toml", "--format", "yaml").code == 2
    assert run("check", "x.toml", "--max-age", "soon").code == 2
    assert run("show", "12a").code == 2


def test_show_prints_record_and_a_claim_to_start_from(run, emulator) -> None:
    out = run("show", "29768149")
    assert out.code == 0
    assert "Inhaled Combined Budesonide-Formoterol as Needed in Mild Asthma." in out.stdout
    assert "10.1056/NEJMoa1715274" in out.stdout
    assert 'citation = "O\'Byrne et al., N Engl J Med (2018)"' in out.stdout
    out = run("show", "29768149", "99999991", "--format", "json")
    assert out.code == 1
    doc = json.loads(out.stdout)
    assert doc["not_found"] == [99999991]
    assert doc["records"][0]["abstract"].startswith("BACKGROUND:")


def test_show_snippet_checks_clean(run, emulator, tmp_path: Path) -> None:
    shown = run("show", "36400559", "2930949").stdout
    snippet = "\n".join(
        line
        for line in shown.splitlines()
        if line.startswith(("[[claim]]", "pmid", "citation", "title", "doi"))
    )
    out = run("check", str(write(tmp_path / "c.toml", snippet)))
    assert out.code == 0, out.stdout


def test_console_script_in_a_fresh_process_exits_3_when_ncbi_is_unreachable(tmp_path) -> None:
    env = {
        **os.environ,
        "TA1CHECK_EUTILS_URL": "http://127.0.0.1:9/",
        "TA1CHECK_CACHE": str(tmp_path / "cache"),
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ta1check",
            "check",
            str(ROOT / "claims.toml"),
            "--timeout",
            "2",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 3, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["summary"]["unverified"] == doc["summary"]["claims"] == 13
    assert "Traceback" not in proc.stderr


def test_articles_claims_cover_every_reference_and_stated_figure() -> None:
    claims = load_claims(ROOT / "claims.toml")
    references = {
        27450734: ("Tuthill", "Vitamins and Hormones", 2016),
        33362999: ("Dominari", "World Journal of Virology", 2020),
        9581695: ("Chien", "Hepatology", 1998),
        31555601: ("Costantini", "Frontiers in Oncology", 2019),
        17600281: ("Gravenstein", "J Am Geriatr Soc", 2007),
        25532482: ("Li", "Int J Infect Dis", 2015),
        39814420: ("Li", "BMJ", 2025),
        38308608: ("Dinetz", "Alternative Therapies", 2024),
    }
    assert claims.pmids == set(references)
    for c in claims.claims:
        assert (c.stated_first_author, c.stated_journal, c.stated_year) == references[c.pmid]
    figures = {c.pmid: c.figure for c in claims.claims if c.figure}
    assert figures == {
        9581695: "98 patients; 40.6%; 26.5%; 9.4%",
        17600281: "mean age 77; 19%; 6%",
        25532482: "12 controlled trials; 1,480 patients; RR 0.68, 95% CI 0.59-0.78",
        39814420: "1,106 patients; 28 days",
        38308608: "11,000+ subjects; 30+ trials",
    }
    article = (ROOT.parent / "shared" / "seed-article.txt").read_text().splitlines()
    for c in claims.claims:
        assert c.article_line is not None
        if c.text:
            assert c.text.rstrip(".")[:60] in article[c.article_line - 1], c.label
