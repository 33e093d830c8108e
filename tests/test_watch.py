"""Retraction watch (``check --notices``): a paper retracted after its record was cached is
found by a cheap search, without downloading every record again.

The records are REAL: PubMed records from the corpus that carry a retraction (PMID 27602157,
"Retracted Publication") and an erratum (PMID 29892701), served first as they were before the
notice (the CommentsCorrections link and the publication type taken out, which is how the
record read before NLM added them) and then as PubMed has them now.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, write
from corpus import CORPUS_DIR
from emulator import Emulator, split_articles

RETRACTED = 27602157  # Retracted Publication; RetractionIn
ERRATUM = 29892701  # ErratumIn
CLEAN = 2930949  # ../shared/pubmed: no notice
README = (ROOT / "README.md").read_text(encoding="utf-8")


def corpus_xml(pmid: int) -> bytes:
    with gzip.open(CORPUS_DIR / "pubmed21n1298-selection.xml.gz") as f:
        return split_articles(f.read())[pmid]


def before_notice(xml: bytes) -> bytes:
    """The record as it read before its notice: no link to a notice, not marked retracted."""
    xml = re.sub(
        rb'<CommentsCorrections RefType="(?:RetractionIn|ErratumIn)">.*?</CommentsCorrections>',
        b"",
        xml,
        flags=re.S,
    )
    xml = re.sub(rb"<CommentsCorrectionsList>\s*</CommentsCorrectionsList>", b"", xml)
    return re.sub(rb'<PublicationType UI="[^"]*">Retracted Publication</PublicationType>', b"", xml)


@pytest.fixture
def claims(tmp_path: Path) -> Path:
    return write(
        tmp_path / "claims.toml",
        "".join(
            f'[[claim]]\nid = "c{pmid}"\npmid = {pmid}\nline = {n}\n\n'
            for n, pmid in enumerate((RETRACTED, ERRATUM, CLEAN), 1)
        ),
    )


def serve(emulator: Emulator, *, now: bool) -> None:
    for pmid in (RETRACTED, ERRATUM):
        xml = corpus_xml(pmid)
        emulator.records[pmid] = xml if now else before_notice(xml)


def codes(doc: dict[str, Any]) -> dict[str, list[str]]:
    return {r["id"]: [f["code"] for f in r["findings"]] for r in doc["results"]}


def test_the_before_records_really_have_no_notice() -> None:
    for pmid in (RETRACTED, ERRATUM):
        old, new = before_notice(corpus_xml(pmid)), corpus_xml(pmid)
        assert b"RetractionIn" not in old and b"ErratumIn" not in old
        assert old != new


def test_a_retraction_after_caching_is_found_by_the_watch_and_only_flagged_records_refetched(
    run: Any, emulator: Emulator, claims: Path, tmp_path: Path
) -> None:
    serve(emulator, now=False)
    first = run("check", str(claims), "--report", "json")
    assert "retracted" not in first.stdout
    serve(emulator, now=True)  # NLM adds the notices; the cache still holds the old copies

    stale = json.loads(run("check", str(claims), "--report", "json").stdout)
    assert not any("retracted" in c for c in codes(stale).values()), "the cache hides it"

    emulator.log.clear()
    out = run("check", "--notices", str(claims), "--report", "json")
    doc = json.loads(out.stdout)
    assert out.code == 1, out.stderr
    found = codes(doc)
    assert found[f"c{RETRACTED}"] == ["retracted"]
    assert found[f"c{ERRATUM}"] == ["erratum"]
    assert found[f"c{CLEAN}"] == []
    messages = {r["id"]: r["findings"] for r in doc["results"]}
    assert "(new since the cached copy)" in messages[f"c{RETRACTED}"][0]["message"]
    # One search for the three PMIDs, then one download of the two it flagged: not three.
    searches = [r for r in emulator.log if r.path.endswith("esearch.fcgi")]
    assert len(searches) == 1
    term = searches[0].params["term"]
    assert sorted(int(p) for p in re.findall(r"(\d+)\[uid\]", term)) == sorted(
        [CLEAN, ERRATUM, RETRACTED]
    )
    assert [sorted(r.ids) for r in emulator.efetches] == [sorted([RETRACTED, ERRATUM])]

    # The watch refreshed the cache: a plain check now sees the retraction, with no request.
    emulator.log.clear()
    after = json.loads(run("check", str(claims), "--report", "json").stdout)
    assert "retracted" in codes(after)[f"c{RETRACTED}"]
    assert emulator.log == []


def test_a_notice_already_in_the_cached_copy_is_not_called_new(
    run: Any, emulator: Emulator, claims: Path
) -> None:
    serve(emulator, now=True)
    run("check", str(claims), "--report", "json")
    doc = json.loads(run("check", "--notices", str(claims), "--report", "json").stdout)
    for result in doc["results"]:
        for finding in result["findings"]:
            assert "new since" not in finding["message"]
            assert "no earlier copy" not in finding["message"]


def test_without_a_cached_copy_the_watch_says_so(
    run: Any, emulator: Emulator, claims: Path
) -> None:
    serve(emulator, now=True)
    doc = json.loads(run("check", "--notices", str(claims), "--report", "json").stdout)
    message = next(r for r in doc["results"] if r["id"] == f"c{RETRACTED}")["findings"][0]
    assert message["message"].endswith("(no earlier copy was cached)")


def test_a_failed_search_is_unverified_never_a_pass(
    run: Any, emulator: Emulator, claims: Path
) -> None:
    serve(emulator, now=True)
    emulator.esearch_faults.extend(["503"] * 20)
    out = run("check", "--notices", str(claims), "--report", "json", "--timeout", "3")
    doc = json.loads(out.stdout)
    assert out.code == 3
    assert {r["status"] for r in doc["results"]} == {"unverified"}
    assert emulator.efetches == []


def test_a_flagged_record_that_cannot_be_downloaded_is_unverified(
    run: Any, emulator: Emulator, claims: Path
) -> None:
    serve(emulator, now=True)
    emulator.always = "503"  # efetch only: the search answers
    out = run("check", "--notices", str(claims), "--report", "json", "--timeout", "3")
    doc = json.loads(out.stdout)
    statuses = {r["id"]: r["status"] for r in doc["results"]}
    assert out.code == 3
    assert statuses == {
        f"c{RETRACTED}": "unverified",
        f"c{ERRATUM}": "unverified",
        f"c{CLEAN}": "ok",
    }


def test_many_pmids_cost_one_small_search_per_200(
    run: Any, emulator: Emulator, tmp_path: Path
) -> None:
    emulator.synthetic_from = 90_000_000  # copies of a real record, without notices
    pmids = list(range(90_000_000, 90_000_450))
    claims = write(tmp_path / "many.toml", "".join(f"[[claim]]\npmid = {p}\n\n" for p in pmids))
    out = run("check", "--notices", str(claims), "--report", "json")
    doc = json.loads(out.stdout)
    assert out.code == 0, out.stderr
    assert doc["summary"]["ok"] == 450
    searches = [r for r in emulator.log if r.path.endswith("esearch.fcgi")]
    assert len(searches) == 3
    assert emulator.efetches == []


@pytest.mark.parametrize("extra", [["--offline"], ["--records", "REC"], ["--article", "ART"]])
def test_the_watch_refuses_what_cannot_look_again(
    run: Any, emulator: Emulator, claims: Path, tmp_path: Path, extra: list[str]
) -> None:
    files = {"REC": write(tmp_path / "r.xml", "<x/>"), "ART": write(tmp_path / "a.md", "x\n")}
    args = [str(files.get(a, a)) for a in extra]
    out = run("check", "--notices", str(claims), *args)
    assert out.code == 2
    assert "--notices" in out.stderr
    assert "Traceback" not in out.stderr


# --- the README's scheduled workflow, run as written -----------------------------------------


def workflow() -> dict[str, Any]:
    section = README.split("\n### Retraction watch\n", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None
    return yaml.safe_load(block.group(1))  # type: ignore[no-any-return]


def step(name: str) -> dict[str, Any]:
    (job,) = workflow()["jobs"].values()
    return next(s for s in job["steps"] if s.get("name") == name)


def test_the_readme_workflow_is_scheduled_and_may_write_issues() -> None:
    doc = workflow()
    triggers = doc.get("on") or doc.get(True)  # YAML 1.1 reads a bare `on` as true
    assert triggers["schedule"][0]["cron"]
    assert doc["permissions"]["issues"] == "write"


def test_the_readme_workflow_finds_the_notices_and_writes_the_issue_body(
    emulator: Emulator, claims: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(emulator, now=True)
    monkeypatch.chdir(claims.parent)
    script = step("Look for notices")["run"]
    ta1check = str(Path(sys.executable).parent / "ta1check")
    script = script.replace("uvx ta1check", shlex.quote(ta1check))
    outputs = tmp_path / "github_output"
    outputs.touch()
    env = {**os.environ, "GITHUB_OUTPUT": str(outputs)}
    done = subprocess.run(
        ["bash", "-e", "-c", script], check=False, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "notices=yes" in outputs.read_text()
    body = (claims.parent / "notices.md").read_text()
    assert f"PMID {RETRACTED}" in body and "retracted" in body.lower()
    assert f"PMID {ERRATUM}" in body
    assert f"PMID {CLEAN}" not in body

    # No notice: the step says so, and the issue step is skipped.
    serve(emulator, now=False)
    outputs.write_text("")
    done = subprocess.run(
        ["bash", "-e", "-c", script],
        check=False,
        env={**env, "TA1CHECK_CACHE": str(tmp_path / "fresh-cache")},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "notices=no" in outputs.read_text()
    assert step("Open or update the issue")["if"].strip() == "steps.watch.outputs.notices == 'yes'"


def test_accepted_notices_stay_accepted_and_other_acceptances_are_left_alone(
    run: Any, emulator: Emulator, tmp_path: Path
) -> None:
    """An erratum the team accepted stays accepted in the watch; an acceptance of a code the
    watch does not check (journal-mismatch) is neither applied nor called unused."""
    serve(emulator, now=True)
    claims = write(
        tmp_path / "claims.toml",
        f"[[claim]]\nid = 'e'\npmid = {ERRATUM}\n"
        "accept = [{code = 'erratum', reason = 'the erratum fixes a typo in an affiliation'},"
        " {code = 'journal-mismatch', reason = 'the journal brands itself so'}]\n",
    )
    out = run("check", "--notices", str(claims), "--report", "json")
    doc = json.loads(out.stdout)
    assert out.code == 0, out.stdout
    (finding,) = doc["results"][0]["findings"]
    assert finding["code"] == "erratum"
    assert finding["accepted"]["reason"] == "the erratum fixes a typo in an affiliation"
    assert "acceptance-unused" not in out.stdout
