"""The right PMID (#13): a citation whose PMID is another paper's (or no paper's) gets the
PMID it means, found by ECitMatch, ESearch and the PMIDs one typo away, through the same
cache, rate limit and deadline as records; a failed search never changes a verdict."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, write
from seed_records import ERSHLER_2007, GRAVENSTEIN_1989, pubmed_article
from ta1check.suggest import MAX_NEIGHBOURS, neighbours

SEED_MESSAGE = (
    "did you mean PMID 2642497: Gravenstein S et al., J Am Geriatr Soc 1989 — author, journal "
    "and topic match"
)
SEED = """
[[claim]]
id = "ref-gravenstein-2007"
pmid = 17600281
citation = "Gravenstein et al., J Am Geriatr Soc (2007)"
"""
#: O'Byrne et al., N Engl J Med 2018 is PMID 29768149: two digits swapped.
TRANSPOSED = """
[[claim]]
id = "obyrne"
pmid = 29768194
citation = "O'Byrne et al., N Engl J Med (2018)"
"""


def seeded(emulator):  # type: ignore[no-untyped-def]
    emulator.add_record(ERSHLER_2007)
    emulator.add_record(GRAVENSTEIN_1989)
    return emulator


def searches(emulator) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.path for r in emulator.log if r.path.endswith(("esearch.fcgi", "ecitmatch.cgi"))]


def by_id(out) -> dict[str, dict]:  # type: ignore[no-untyped-def, type-arg]
    return {r["id"]: r for r in json.loads(out.stdout)["results"]}


def test_the_seed_claim_on_a_review_gets_the_trial_it_describes(run, emulator) -> None:
    seeded(emulator)
    out = run("check", str(ROOT / "claims.toml"), "--format", "json")
    results = by_id(out)
    for label in ("ref-gravenstein-2007", "influenza-vaccine-elderly"):
        suggestion = results[label]["suggestion"]
        assert suggestion["pmid"] == 2642497
        assert suggestion["citation"] == "Gravenstein S et al., J Am Geriatr Soc 1989"
        assert suggestion["title"].startswith("Augmentation of influenza antibody response")
    # the claim with the trial's description fits on topic as well
    assert results["influenza-vaccine-elderly"]["suggestion"]["message"] == SEED_MESSAGE
    assert results["ref-gravenstein-2007"]["suggestion"]["reasons"] == ["author", "journal"]
    # nothing else is suggested: the other PMIDs are not in this emulator, and no record it
    # serves fits their citations
    assert {k for k, r in results.items() if "suggestion" in r} == {
        "ref-gravenstein-2007",
        "influenza-vaccine-elderly",
    }
    table = run("check", str(ROOT / "claims.toml"), "--no-color").stdout
    assert "did you mean PMID 2642497" in table.replace("\n", " ")


def test_no_suggest_makes_no_search_and_the_verdicts_are_the_same(run, emulator, tmp_path):
    seeded(emulator)
    path = write(tmp_path / "c.toml", SEED + TRANSPOSED)
    off = run("check", str(path), "--format", "json", "--no-suggest")
    assert searches(emulator) == []
    assert all("suggestion" not in r for r in json.loads(off.stdout)["results"])
    on = run("check", str(path), "--format", "json", "--no-cache")
    assert searches(emulator)
    assert on.code == off.code == 1
    verdicts = {k: (r["status"], r["findings"]) for k, r in by_id(on).items()}
    assert verdicts == {k: (r["status"], r["findings"]) for k, r in by_id(off).items()}
    assert by_id(on)["ref-gravenstein-2007"]["suggestion"]["pmid"] == 2642497


def test_a_run_that_prints_its_summary_alone_searches_nothing(run, emulator, tmp_path):
    """``check -q`` shows no result, so no suggestion: none is searched for (#16), and its
    summary line and exit code are those of the run that searched."""
    seeded(emulator)
    path = write(tmp_path / "c.toml", SEED + TRANSPOSED)
    quiet = run("check", str(path), "-q")
    assert searches(emulator) == []
    both = run("check", str(path), "-q", "--report", "table", "--no-cache",
               "--report", f"json={tmp_path / 'r.json'}")  # fmt: skip
    assert searches(emulator)
    assert quiet.stdout == both.stdout and quiet.code == both.code == 1


def test_no_suggest_from_the_config_file(run, emulator, tmp_path, monkeypatch) -> None:
    seeded(emulator)
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "ta1check.toml", "suggest = false\n")
    out = run("check", str(write(tmp_path / "c.toml", SEED)), "--format", "json")
    assert searches(emulator) == [] and "suggestion" not in json.loads(out.stdout)["results"][0]


def test_a_transposed_pmid_gets_the_right_one(run, emulator, tmp_path) -> None:
    out = run("check", str(write(tmp_path / "c.toml", TRANSPOSED)), "--format", "json")
    (result,) = json.loads(out.stdout)["results"]
    assert [f["code"] for f in result["findings"]] == ["pmid-not-found"]
    assert result["suggestion"]["pmid"] == 29768149
    assert result["suggestion"]["reasons"] == ["author", "journal", "year"]
    assert result["suggestion"]["doi"] == "10.1056/NEJMoa1715274"


def test_a_citation_with_volume_and_page_is_matched_by_ecitmatch(run, emulator, tmp_path):
    seeded(emulator)
    claims = """
[[claim]]
pmid = 17600281
citation = "Gravenstein S, Duthie EH, Miller BA, et al. J Am Geriatr Soc. 1989;37(1):1-8."
"""
    out = run("check", str(write(tmp_path / "c.toml", claims)), "--format", "json")
    (result,) = json.loads(out.stdout)["results"]
    assert result["suggestion"]["pmid"] == 2642497
    assert emulator.citmatches == ["J Am Geriatr Soc|1989|37|1|Gravenstein|0|2642497"]


def test_the_second_run_asks_nothing(run, emulator, tmp_path) -> None:
    seeded(emulator)
    path = write(tmp_path / "c.toml", SEED + TRANSPOSED)
    first = run("check", str(path), "--format", "json")
    asked = len(emulator.log)
    assert searches(emulator)
    second = run("check", str(path), "--format", "json")
    assert len(emulator.log) == asked  # no esearch, no ecitmatch, no efetch
    assert second.stdout == first.stdout


def test_a_failed_search_changes_no_verdict(run, emulator, tmp_path) -> None:
    seeded(emulator)
    path = write(tmp_path / "c.toml", SEED + TRANSPOSED)
    off = run("check", str(path), "--format", "json", "--no-suggest")
    emulator.search_always = "500"
    out = run("check", str(path), "--format", "json", "--no-cache")
    assert out.code == off.code == 1

    for r, o in zip(
        json.loads(out.stdout)["results"], json.loads(off.stdout)["results"], strict=True
    ):
        assert (r["status"], r["findings"]) == (o["status"], o["findings"])
    # the typo neighbours still came: the transposed PMID is suggested, the seed is not
    assert "suggestion" not in by_id(out)["ref-gravenstein-2007"]
    assert json.loads(out.stdout)["summary"]["unverified"] == 0
    assert "Traceback" not in out.stderr
    assert "could not search PubMed" in out.stderr and "verdicts stand" in out.stderr


def test_a_search_past_the_timeout_changes_no_verdict(run, emulator, tmp_path) -> None:
    seeded(emulator)
    emulator.slow_seconds = 6
    emulator.search_always = "slow"
    path = write(tmp_path / "c.toml", SEED)
    out = run("check", str(path), "--format", "json", "--timeout", "3")
    assert out.code == 1
    (result,) = json.loads(out.stdout)["results"]
    assert result["status"] == "error" and "suggestion" not in result
    assert "unverified" not in {f["code"] for f in result["findings"]}


def test_every_report_says_the_suggestion(run, emulator, tmp_path) -> None:
    seeded(emulator)
    path = write(tmp_path / "c.toml", SEED)
    said = "did you mean PMID 2642497: Gravenstein S et al., J Am Geriatr Soc 1989"
    for fmt in ("table", "markdown", "junit", "github", "sarif"):
        out = run("check", str(path), "--format", fmt, "--no-color")
        text = " ".join(out.stdout.split())
        assert said in text, fmt


@settings(deadline=None)
@given(st.integers(min_value=1, max_value=99_999_999))
def test_neighbours_are_one_typo_away(pmid: int) -> None:
    near = neighbours(pmid)
    assert pmid not in near and len(near) == len(set(near)) <= MAX_NEIGHBOURS
    digits = str(pmid)
    for other in near:
        text = str(other)
        assert len(text) == len(digits) and not text.startswith("0")
        diff = [i for i, (a, b) in enumerate(zip(digits, text, strict=True)) if a != b]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and sorted(digits) == sorted(text)
        assert len(diff) == 1 or swapped
    if len(digits) > 1 and digits[0] != digits[1] and digits[1] != "0":
        assert int(digits[1] + digits[0] + digits[2:]) in near


def test_two_candidates_that_fit_alike_are_no_suggestion(run, emulator, tmp_path) -> None:
    seeded(emulator)
    # CRAFTED: a second paper by the same first author in the same journal, another year.
    emulator.add_record(
        pubmed_article(
            90000001,
            "Influenza vaccination of nursing home staff.",
            [("Gravenstein", "S", "S"), ("Drinka", "P", "P")],
            ("Journal of the American Geriatrics Society", "J Am Geriatr Soc"),
            ("1994", "Mar"),
            "42",
            "3",
            "300-5",
            ["Journal Article"],
        )
    )
    out = run("check", str(write(tmp_path / "c.toml", SEED)), "--format", "json")
    (result,) = json.loads(out.stdout)["results"]
    assert "suggestion" not in result  # author and journal fit both: a guess, not said
    # the claim's text tells them apart: it is about the 1989 trial
    with_text = SEED + 'text = "thymosin alpha 1 augmented the antibody response to influenza '
    with_text += 'vaccine in elderly men"\n'
    out = run("check", str(write(tmp_path / "t.toml", with_text)), "--format", "json")
    (result,) = json.loads(out.stdout)["results"]
    assert result["suggestion"]["pmid"] == 2642497
    assert result["suggestion"]["reasons"] == ["author", "journal", "topic"]


def test_a_sloppy_citation_of_the_right_paper_is_not_redirected(run, emulator, tmp_path):
    seeded(emulator)
    # CRAFTED: the same first author's paper of 1994 in the same journal, on another topic.
    emulator.add_record(
        pubmed_article(
            90000002,
            "Influenza vaccination of nursing home staff.",
            [("Gravenstein", "S", "S"), ("Drinka", "P", "P")],
            ("Journal of the American Geriatrics Society", "J Am Geriatr Soc"),
            ("1994", "Mar"),
            "42",
            "3",
            "300-5",
            ["Journal Article"],
        )
    )
    # PMID 2642497 is right; the year and the title as printed are not (a paraphrase)
    claims = """
[[claim]]
pmid = 2642497
citation = "Gravenstein et al., J Am Geriatr Soc (1994)"
title = "Thymosin alpha one and the antibody response of elderly men to influenza vaccine"
"""
    out = run("check", str(write(tmp_path / "c.toml", claims)), "--format", "json")
    (result,) = json.loads(out.stdout)["results"]
    assert {f["code"] for f in result["findings"]} >= {"year-mismatch", "title-mismatch"}
    assert "suggestion" not in result  # author, journal and year fit 90000002; the topic does not
