"""False alarms and misses of ``design-mismatch`` and ``population-mismatch`` (issue #13) on
claims generated from every record of the real-record corpus.

    uv run python bench/design.py [--seed 13] [--json PATH] [--examples 10]

For each record PubMed has indexed, claims are written the ways an article describes a study,
in several templates, from the record's own indexing:

- ``design-correct/…``: the design its PublicationType (or MeSH design heading) gives ("a
  randomised controlled trial", "a double-blind trial" when MeSH has Double-Blind Method, "a
  phase 3 trial", "a meta-analysis of randomized trials", "a review of trials", "a case
  report", "a cohort study"…); any ``design-mismatch`` is a false alarm.
- ``design-wrong/…``: a design the record is not (a Review or an editorial described as "a
  double-blind, placebo-controlled trial", a trial as "a meta-analysis", a case report as "a
  randomized trial"…); no ``design-mismatch`` is a miss.
- ``population-correct/…``: people for a record tagged Humans, mice/rats/animals for one tagged
  Animals without Humans; any ``population-mismatch`` is a false alarm.
- ``population-wrong/…``: the other one; no ``population-mismatch`` is a miss.
- ``unindexed/…``: a design or population named for a record PubMed has not indexed (no MeSH,
  only "Journal Article"): any mismatch is a false alarm, and ``design-unchecked`` is expected.
- ``title/own``: the record's own title as the claim (a title describes its paper), for records
  that are not notices about another paper (comments, letters, errata quote other titles).

Every claim goes through ``ta1check.results.evaluate`` with the record as its outcome.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from corpus import corpus_records  # noqa: E402
from ta1check.claims import loads_claims  # noqa: E402
from ta1check.design import Indexing, indexed  # noqa: E402
from ta1check.pubmed.record import Record  # noqa: E402
from ta1check.results import evaluate  # noqa: E402

NOTICES = {"Comment", "Letter", "Published Erratum", "Editorial", "Retraction of Publication"}

# (class, form, text, expected code or None)
Case = tuple[str, str, str, str | None]


#: What the generated claims say was given: neutral words, so that a template's design and
#: population words are the only ones (the ``title`` class has the records' own words).
TOPICS = (
    "the drug",
    "the intervention",
    "supplementation",
    "the vaccine adjuvant",
    "early treatment",
    "the peptide",
    "exercise training",
    "the screening programme",
)


def _correct_designs(r: Record, ix: Indexing) -> Iterator[tuple[str, str]]:
    types, mesh = set(r.publication_types), set(r.mesh)
    if "Randomized Controlled Trial" in types:
        yield "rct", "In a randomized controlled trial, {t} improved outcomes."
        yield "rct-abbr", "An RCT of {t} found a benefit."
        yield "randomised", "A randomised, controlled study of {t} showed an effect."
    if "Double-Blind Method" in mesh:
        yield "double-blind", "In a double-blind, placebo-controlled trial, {t} was tested."
    for phase in sorted(ix.phases):
        yield "phase", f"A phase {phase} trial of {{t}} reported its results."
        roman = "I" * phase if phase < 4 else "IV"
        yield "phase-roman", f"The phase {roman} study of {{t}} found this."
    if types & {"Clinical Trial", "Controlled Clinical Trial"}:
        yield "clinical-trial", "A clinical trial of {t} found a difference."
    if ix.meta_analysis:
        yield "meta-analysis", "A meta-analysis of randomized trials of {t} found a benefit."
        yield "meta-analysis-2", "This meta-analysis ({t}) pooled 12 RCTs."
    if ix.systematic_review:
        yield "systematic-review", "A systematic review of {t} included 30 trials."
    if "Review" in types:
        yield "review-of-trials", "A review of trials of {t} concluded that it helps."
        yield "review", "As reviewed in {t}, randomized trials found a benefit."
    if ix.case_report:
        yield "case-report", "A case report described {t}."
        yield "case-of", "The authors reported a case of {t}."
    if "Cohort Studies" in mesh:
        yield "cohort", "A prospective cohort study of {t} followed 2,000 people."
    if "Case-Control Studies" in mesh:
        yield "case-control", "A case-control study of {t} found an association."
    if "Cross-Sectional Studies" in mesh:
        yield "cross-sectional", "A cross-sectional study of {t} found this."


def _wrong_designs(r: Record, ix: Indexing) -> Iterator[tuple[str, str]]:
    if ix.trial:
        if not (ix.review or ix.meta_analysis or ix.systematic_review):
            yield "trial-as-meta-analysis", "A meta-analysis of {t} found a benefit."
        if not ix.case_report:
            yield "trial-as-case-report", "A case report described {t}."
        if ix.phases and 3 not in ix.phases:
            yield "wrong-phase", "A phase 3 trial of {t} reported its results."
        return
    # not research: an editorial, a guideline, news; a letter or comment without methods or
    # results of its own (``Indexing.not_research``)
    if ix.review or ix.meta_analysis or ix.systematic_review or ix.not_research:
        yield (
            "review-as-trial",
            ("In a double-blind, placebo-controlled trial, {t} improved responses."),
        )
        yield "review-as-phase-2", "A Phase 2 study showed that {t} lowered incidence."
        yield "review-as-rct", "An RCT of {t} found a benefit."
        yield "review-as-cohort", "A retrospective cohort study of {t} found this."
    if ix.case_report:
        yield "case-as-trial", "In a randomized controlled trial, {t} improved outcomes."
        yield "case-as-meta-analysis", "A meta-analysis of {t} found a benefit."


def _population_cases(r: Record, ix: Indexing) -> Iterator[Case]:
    if not ix.mesh:
        return
    mesh = set(r.mesh)
    if ix.humans and not ix.animals:
        people = ["patients", "adults", "elderly men", "healthy volunteers", "women", "children"]
        for word in people:
            yield "population-correct", f"humans/{word}", f"In {word}, {{t}} helped.", None
        for word in ("mice", "rats", "a mouse model", "animal studies"):
            yield (
                "population-wrong",
                f"humans/{word}",
                f"In {word}, {{t}} helped.",
                "population-mismatch",
            )
    if ix.animals and not ix.humans:
        animals = [w for w, tag in (("mice", "Mice"), ("rats", "Rats")) if tag in mesh]
        for word in animals or ["animals"]:
            yield "population-correct", f"animals/{word}", f"In {word}, {{t}} helped.", None
        for word in ("patients", "elderly men", "adults", "healthy volunteers"):
            yield (
                "population-wrong",
                f"animals/{word}",
                f"In {word}, {{t}} helped.",
                "population-mismatch",
            )


def cases(record: Record) -> Iterator[Case]:
    if not indexed(record):
        yield "unindexed", "trial", "In a double-blind trial, {t} helped patients.", None
        yield "unindexed", "mice", "In mice, {t} helped.", None
        return
    ix = Indexing.of(record)
    for form, text in _correct_designs(record, ix):
        yield "design-correct", form, text, None
    for form, text in _wrong_designs(record, ix):
        yield "design-wrong", form, text, "design-mismatch"
    yield from _population_cases(record, ix)
    if not (set(record.publication_types) & NOTICES) and record.title:
        yield "title", "own", record.title, None


def _toml(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--examples", type=int, default=10)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    records = corpus_records()
    started = time.perf_counter()
    built: list[tuple[str, str, str | None, int]] = []
    parts: list[str] = []
    for pmid in sorted(records):
        record = records[pmid]
        for group, form, template, expected in cases(record):
            text = template.replace("{t}", rng.choice(TOPICS))
            parts.append(f"[[claim]]\npmid = {pmid}\ntext = {_toml(text)}\n")
            built.append((group, form, expected, pmid))
    claims = loads_claims("".join(parts), Path("design.toml"))
    run = evaluate([claims], dict(records))
    tally: dict[str, dict[str, int]] = defaultdict(lambda: {"claims": 0, "wrong": 0})
    examples: dict[str, list[str]] = defaultdict(list)
    mismatch = {"design-mismatch", "population-mismatch"}
    for (group, form, expected, pmid), result in zip(built, run.results, strict=True):
        codes = {f.code.slug for f in result.findings}
        key = f"{group}/{form}"
        tally[key]["claims"] += 1
        wrong = expected not in codes if expected else bool(codes & mismatch)
        if group == "unindexed" and "design-unchecked" not in codes:
            wrong = True
        if wrong:
            tally[key]["wrong"] += 1
            if len(examples[key]) < args.examples:
                examples[key].append(f"PMID {pmid}: {result.claim.text!r} -> {sorted(codes)}")
    elapsed = time.perf_counter() - started
    groups: dict[str, dict[str, int]] = defaultdict(lambda: {"claims": 0, "wrong": 0})
    for key, t in tally.items():
        g = groups[key.split("/")[0]]
        g["claims"] += t["claims"]
        g["wrong"] += t["wrong"]
    print(f"{len(records)} records, {len(built)} claims, {elapsed:.1f} s")
    for key in sorted(tally):
        t = tally[key]
        print(f"  {key:42} {t['claims']:6} claims {t['wrong']:5} wrong")
    print("by group (wrong = false alarm for correct/title/unindexed, miss for wrong):")
    for name in sorted(groups):
        g = groups[name]
        print(f"  {name:22} {g['claims']:6} claims {g['wrong']:5} wrong")
    for key, lines in sorted(examples.items()):
        print(f"\n{key}:")
        for line in lines:
            print(f"  {line}")
    if args.json:
        args.json.write_text(json.dumps({"classes": tally, "groups": groups}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
