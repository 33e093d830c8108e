"""#13 part 1: evidence passages, study design and population, on real PubMed records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write
from corpus import corpus_records
from records import all_records
from ta1check.claims import loads_claims
from ta1check.evidence import PassageKind, find_evidence, sentences_of
from ta1check.figures import Section, judge, stated_quantities
from ta1check.pubmed.cache import decode_entry
from ta1check.pubmed.record import Record
from ta1check.results import Result, evaluate

OBYRNE = 29768149  # a phase 3 randomised trial in people (../shared/pubmed/efetch-29768149.xml)


def test_record_keeps_mesh_headings_and_check_tags() -> None:
    record = all_records()[OBYRNE]
    assert {"Humans", "Double-Blind Method", "Asthma", "Female"} <= set(record.mesh)
    assert record == Record.from_json(record.to_json())
    assert decode_entry(OBYRNE, record.to_json()) == record


@pytest.mark.parametrize("mesh", ["Humans", [1, 2], None])
def test_cached_record_with_malformed_mesh_is_refused(mesh: object) -> None:
    body = all_records()[OBYRNE].to_json()
    body["mesh"] = mesh
    with pytest.raises(ValueError, match="mesh"):
        decode_entry(OBYRNE, body)


# --- Design and population, through the library API (evaluate) on real records ---------------


PHASE2_RCT = 22508830  # "Randomized phase II trial of erlotinib…", Humans
META_ANALYSIS = 28786991  # Meta-Analysis; Review; Systematic Review, Humans
REVIEW = 2930949  # "Low back pain.", Review, Humans
FISH = 11748933  # spermatozoa of Diplodus puntazzo: Animals, no Humans
ZEBRAFISH = 21615262  # Animals, no Humans
OBSERVATIONAL = 27797938  # Observational Study, Humans
UNINDEXED = 11700088  # Journal Article only, no MeSH


def check(pmid: int, text: str, figure: str | None = None) -> Result:
    extra = f"figure = {json.dumps(figure)}\n" if figure else ""
    claims = loads_claims(f"[[claim]]\npmid = {pmid}\ntext = {json.dumps(text)}\n{extra}")
    (result,) = evaluate([claims], all_records()).results
    return result


def codes(result: Result) -> set[str]:
    return {f.code.slug for f in result.findings}


MISMATCHES = {"design-mismatch", "population-mismatch"}


@pytest.mark.parametrize(
    ("pmid", "text"),
    [
        (
            OBYRNE,
            "In a 52-week, double-blind, randomised trial of 3,836 patients, as-needed use helped.",
        ),
        (
            OBYRNE,
            "The phase 3 SYGMA 1 trial found as-needed budesonide-formoterol superior in adults.",
        ),
        (
            PHASE2_RCT,
            "A randomized phase II trial of erlotinib with entinostat in patients with NSCLC.",
        ),
        (
            META_ANALYSIS,
            "A systematic review and meta-analysis of 12 studies found a yield of testing.",
        ),
        (
            META_ANALYSIS,
            "A meta-analysis of randomized controlled trials found a benefit in children.",
        ),
        (REVIEW, "A review of trials found that most low back pain resolves in adults."),
        (REVIEW, "Unlike earlier RCTs, this review reports that patients recover."),
        (FISH, "Cryopreservation damaged the spermatozoa of sea bream in fish studies."),
        (ZEBRAFISH, "In zebrafish, the drug improved cognition."),
        (
            OBSERVATIONAL,
            "A prospective cohort study of 2,000 adults linked telomere length to risk.",
        ),
        (OBYRNE, "No randomized trial in mice has tested this; a trial is needed in patients."),
    ],
)
def test_claims_that_describe_their_source_correctly_raise_nothing(pmid: int, text: str) -> None:
    assert not codes(check(pmid, text)) & MISMATCHES


@pytest.mark.parametrize(
    ("pmid", "text", "code", "says"),
    [
        (
            REVIEW,
            "In a double-blind, placebo-controlled trial, rest helped.",
            "design-mismatch",
            "a Review, not a trial",
        ),
        (
            META_ANALYSIS,
            "A phase 2 study showed the yield of targeted testing.",
            "design-mismatch",
            "a Meta-Analysis, not a trial",
        ),
        (
            OBYRNE,
            "A meta-analysis found as-needed budesonide-formoterol superior.",
            "design-mismatch",
            "not a meta-analysis",
        ),
        (
            OBYRNE,
            "A case report described asthma control with budesonide-formoterol.",
            "design-mismatch",
            "not a case report",
        ),
        (
            PHASE2_RCT,
            "A phase 3 trial of erlotinib with entinostat was negative.",
            "design-mismatch",
            "phase 2 trial, not phase 3",
        ),
        (
            OBSERVATIONAL,
            "In a randomized controlled trial, telomere length predicted risk.",
            "design-mismatch",
            "an Observational Study, not a trial",
        ),
        (
            FISH,
            "In elderly men, cryopreservation damaged spermatozoa.",
            "population-mismatch",
            "animals only",
        ),
        (
            ZEBRAFISH,
            "In patients with anxiety, the drug improved cognition.",
            "population-mismatch",
            "animals only",
        ),
        (
            OBYRNE,
            "In mice, as-needed budesonide-formoterol improved asthma control.",
            "population-mismatch",
            "humans only",
        ),
    ],
)
def test_claims_that_misdescribe_their_source_are_warned(
    pmid: int, text: str, code: str, says: str
) -> None:
    result = check(pmid, text)
    (finding,) = [f for f in result.findings if f.code.slug == code]
    assert str(finding.severity) == "warning"
    assert says in finding.message
    assert result.status.value in ("warning", "error")


def cite(pmid: int, citation: str, text: str) -> Result:
    claims = loads_claims(
        f"[[claim]]\npmid = {pmid}\ncitation = {json.dumps(citation)}\ntext = {json.dumps(text)}\n"
    )
    (result,) = evaluate([claims], all_records()).results
    return result


def test_in_a_sentence_citing_several_studies_only_this_studys_words_count() -> None:
    sentence = "An RCT (Smith et al., 2001) and a review (Reuler, 1985) found that pain resolves."
    assert not codes(cite(REVIEW, "Reuler, West J Med (1985)", sentence)) & MISMATCHES
    wrong = "A review (Smith et al., 2001) and a double-blind trial (Reuler, 1985) found it."
    assert "design-mismatch" in codes(cite(REVIEW, "Reuler, West J Med (1985)", wrong))
    # one citation naming several studies: whose design is which cannot be told
    both = "A double-blind trial and a review found that pain resolves (Smith 2001; Reuler 1985)."
    assert not codes(cite(REVIEW, "Reuler, West J Med (1985)", both)) & MISMATCHES


@pytest.mark.parametrize(
    ("pmid", "text", "mismatch"),
    [
        # indexed "Comment", but with methods and results of its own: a study published as one
        (34095290, "A prospective observational cohort study found rehabilitation safe.", False),
        (408117, "In a randomized controlled trial, glibenclamide was safe.", True),  # a Letter
        (32294727, "A double-blind trial of a new allocation system found it fair.", True),
    ],
)
def test_letters_comments_and_editorials_from_the_corpus(
    pmid: int, text: str, mismatch: bool
) -> None:
    claims = loads_claims(f"[[claim]]\npmid = {pmid}\ntext = {json.dumps(text)}\n")
    (result,) = evaluate([claims], corpus_records()).results
    assert ("design-mismatch" in codes(result)) is mismatch


def test_an_unindexed_record_is_never_a_mismatch_and_says_it_was_not_checked() -> None:
    result = check(
        UNINDEXED, "In a double-blind trial in mice, proton MRI showed the distribution."
    )
    assert not codes(result) & MISMATCHES
    (note,) = [f for f in result.findings if f.code.slug == "design-unchecked"]
    assert str(note.severity) == "info" and "not indexed" in note.message
    assert "design-unchecked" not in codes(check(UNINDEXED, "Proton MRI showed the distribution."))


#: PMID 17600281 as PubMed has it (public metadata): a review in Ann N Y Acad Sci, 2007; the
#: seed article cites it for the 1989 trial of Gravenstein et al. (J Am Geriatr Soc).
GRAVENSTEIN_REVIEW = Record(
    pmid=17600281,
    title="",
    authors=(),
    authors_complete=True,
    journal="Annals of the New York Academy of Sciences",
    iso_abbreviation="Ann N Y Acad Sci",
    medline_ta="Ann N Y Acad Sci",
    year=2007,
    years=(2007,),
    pub_date="2007",
    epub_year=None,
    doi=None,
    pmcid=None,
    abstract="",
    publication_types=("Journal Article", "Review"),
    notices=(),
)


def test_the_seed_claim_on_a_review_cited_for_a_double_blind_trial_gets_design_mismatch() -> None:
    claims = loads_claims((Path(__file__).parents[1] / "claims.toml").read_text())
    seed = next(c for c in claims.claims if c.id == "influenza-vaccine-elderly")
    run = evaluate([claims], {17600281: GRAVENSTEIN_REVIEW})
    result = next(r for r in run.results if r.claim is seed)
    (finding,) = [f for f in result.findings if f.code.slug == "design-mismatch"]
    assert '"double-blind, placebo-controlled trial"' in finding.message
    assert "as a Review, not a trial" in finding.message
    assert "population-mismatch" not in codes(result)  # no MeSH: the population is unknown


# --- Evidence passages -------------------------------------------------------------------


def test_every_figure_shows_its_sentence_with_the_number_marked() -> None:
    result = check(
        OBYRNE,
        "Budesonide-formoterol as needed was superior to terbutaline for asthma control",
        "3,836 patients; 34.4% vs 31.1%; 79%; 64%",
    )
    passages = {p.figure: p for p in result.evidence if p.figure}
    assert passages["3,836"].kind is PassageKind.FOUND
    assert passages["3,836"].where == "abstract: RESULTS"
    assert [passages["34.4%"].text[s:e] for s, e in passages["34.4%"].spans] == ["34.4%"]
    assert passages["79%"].kind is PassageKind.ROUNDED
    assert "78.9%" in [passages["79%"].text[s:e] for s, e in passages["79%"].spans]
    assert passages["64%"].kind is PassageKind.CLOSEST
    relevant = [p for p in result.evidence if p.kind is PassageKind.RELEVANT]
    assert 1 <= len(relevant) <= 3 and all(p.score and p.score > 0 for p in relevant)
    assert "superior" in relevant[0].text


def test_json_report_carries_the_evidence(run, emulator, tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.toml",
        '[[claim]]\npmid = 29768149\nfigure = "31.1%"\n'
        'text = "A double-blind trial found budesonide-formoterol superior to terbutaline"\n',
    )
    out = run("check", str(path), "--format", "json")
    (result,) = json.loads(out.stdout)["results"]
    found = result["evidence"][0]
    assert found["kind"] == "found" and found["figure"] == "31.1%"
    assert [found["text"][s:e] for s, e in found["spans"]] == ["31.1%"]
    assert {e["kind"] for e in result["evidence"][1:]} == {"relevant"}
    table = run("check", str(path), "--no-color")
    assert "31.1% found (abstract: RESULTS)" in table.stdout


_TEXT = st.lists(
    st.sampled_from(
        [*"abc XYZ.,;%0123456789-()\n", "RESULTS: ", "Fig. ", "et al. ", "\nMETHODS: "]
    ),
    max_size=120,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(abstract=_TEXT, figure=st.sampled_from(["12", "3.5%", "40", "0.5", "7%"]), claim=_TEXT)
def test_passages_are_substrings_of_the_source_and_spans_index_them(
    abstract: str, figure: str, claim: str
) -> None:
    sections = [Section("title", "A title 12"), Section("abstract", abstract)]
    joined = " ".join(" ".join(s.text.split()) for s in sections)
    for sentence in sentences_of(sections):
        assert sentence.text and sentence.text in joined
    stated = stated_quantities(figure)
    verdicts = [judge(q, sections) for q in stated]
    for p in find_evidence(claim, stated, verdicts, sections):
        assert p.text in joined
        for s, e in p.spans:
            assert 0 <= s < e <= len(p.text)
        if p.kind is PassageKind.FOUND:
            # the span is the number as the source writes it: ".5" for a stated "0.5"
            assert p.spans
            marked = p.text[p.spans[0][0] : p.spans[0][1]].rstrip("%")
            assert float(marked) == float(figure.rstrip("%")), (marked, figure)
