"""Journal names and titles on real records, and records that are not papers (issue #11).

Every record here is real (tests/corpus.py: NLM baseline and update files, efetch fixtures);
where a test needs a name no record has, it says so. Journal names: every name a record gives
its journal passes, in the ways editors print it, and so does an ISO 4 (LTWA) abbreviation of
the full title; the names of the corpus's other journals do not, least of all the confusable
ones. Titles: MEDLINE's "--" subtitles, Greek letters spelled out, MathML and ® markup.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from corpus import corpus_records
from ta1check.checks import check_journal, check_not_a_paper, check_title, check_year
from ta1check.claims import loads_claims
from ta1check.findings import Code, Severity
from ta1check.journals import STOPWORDS, drop_parentheticals, ltwa, stated_key
from ta1check.normalize import fold, journal_matches, strip_markup, titles_match
from ta1check.pubmed.record import Record

RECORDS = corpus_records()
JOURNALS = [r for r in RECORDS.values() if r.journal and not r.is_book]


def claim_for(record: Record, **fields: object) -> object:
    lines = ["[[claim]]", f"pmid = {record.pmid}"]
    for key, value in fields.items():
        text = str(value).replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'{key} = "{text}"' if isinstance(value, str) else f"{key} = {value}")
    return loads_claims("\n".join(lines) + "\n").claims[0]


def with_periods(abbreviation: str) -> str:
    return " ".join(w if w.startswith("(") else w + "." for w in abbreviation.split())


def editor_forms(record: Record) -> Iterator[str]:
    """The record's names for its journal as editors print them."""
    title = record.journal
    yield from (title, title.upper(), title.title(), drop_parentheticals(title))
    main = drop_parentheticals(title).split(" : ")[0].split(" = ")[0].strip()
    yield main
    if main.lower().startswith("the "):
        yield main[4:]
    for abbreviation in (record.iso_abbreviation, record.medline_ta):
        if abbreviation:
            plain = abbreviation.replace(".", "")
            yield from (abbreviation, plain, with_periods(plain), plain.upper())


def test_the_corpus_is_large_and_real() -> None:
    assert len(JOURNALS) >= 2000
    assert len({r.journal for r in JOURNALS}) >= 800


def test_every_name_of_every_journal_passes_as_editors_print_it() -> None:
    failures = [
        (form, record.journal_names)
        for record in JOURNALS
        for form in editor_forms(record)
        if not journal_matches(form, record.journal_names)
    ]
    assert failures == []
    for record in JOURNALS[::100]:  # and through the check, as a claim states it
        for form in editor_forms(record):
            assert not check_journal(claim_for(record, journal=form), record)


def _key_prefix(name: str) -> str:
    return stated_key(name)[:4]


def test_other_journals_names_fail_especially_the_confusable_ones() -> None:
    """Each journal against the names of every corpus journal whose name starts alike ("J
    Neurol" / "Journal of neurobiology", "Cancer Res" / "Cancer reports")."""
    by_start: dict[str, dict[str, tuple[str, ...]]] = {}
    for record in JOURNALS:
        for name in record.journal_names:
            by_start.setdefault(_key_prefix(name), {})[record.journal] = record.journal_names
    silent = []
    pairs = 0
    for record in {r.journal: r for r in JOURNALS}.values():
        own = {stated_key(n) for n in record.journal_names}
        others = {
            other: names
            for name in record.journal_names
            for other, names in by_start.get(_key_prefix(name), {}).items()
            if other != record.journal
        }
        for names in others.values():
            for name in set(names):
                if stated_key(name) in own:
                    continue  # two journals NLM names alike ("Clinical medicine")
                pairs += 1
                if journal_matches(name, record.journal_names):
                    silent.append((name, record.journal))
    assert pairs > 5000
    assert silent == []


@pytest.mark.parametrize(
    ("stated", "pmid"),
    [
        ("J Pers", 32691234),  # Journal of personality's name for Journal of neurology
        ("J Neurol", 33047323),  # and the reverse
        ("Cancer Rep", 9012456),  # Cancer reports' ISO abbreviation for Cancer research
        ("J Neurobiol", 32691234),  # Journal of neurobiology for Journal of neurology
        ("J Neuro", 32691234),  # a bare prefix
        ("J Neur", 32691234),
        ("Alternative Therapies", None),  # crafted record: a name with words missing
        ("J. Pediatr.", 34052225),  # The Journal of pediatrics for Jornal de pediatria
        ("Dermatol Ther", 34089479),  # Dermatologic therapy for Dermatol Ther (Heidelb)
    ],
)
def test_confusable_names_are_flagged(stated: str, pmid: int | None) -> None:
    if pmid is None:
        names = ("Alternative therapies in health and medicine", "Altern Ther Health Med")
        assert not journal_matches(stated, names)
        return
    record = RECORDS[pmid]
    (finding,) = check_journal(claim_for(record, journal=stated), record)
    assert finding.code is Code.JOURNAL_MISMATCH
    assert record.iso_abbreviation in finding.message


@pytest.mark.parametrize(
    ("stated", "names"),
    [
        # Names as NLM gives them for journals of the corpus, and their LTWA abbreviations
        ("J Am Geriatr Soc", ("Journal of the American Geriatrics Society",)),
        ("J. Pediatr.", ("The Journal of pediatrics",)),
        ("N Engl J Med", ("The New England journal of medicine",)),
        ("Proc Natl Acad Sci USA", ("Proceedings of the National Academy of Sciences of the "
                                    "United States of America",)),
        ("Diabetes Therapy", ("Diabetes therapy : research, treatment and education of "
                              "diabetes and related disorders", "Diabetes Ther")),
        ("Medicinal Chemistry", ("Medicinal chemistry (Shariqah (United Arab Emirates))",)),
        ("Clinical Oncology", ("Clinical oncology (Royal College of Radiologists (Great "
                               "Britain))", "Clin Oncol (R Coll Radiol)")),
        ("Polish Journal of Cardio-Thoracic Surgery", ("Kardiochirurgia i torakochirurgia "
                                                       "polska = Polish journal of "
                                                       "cardio-thoracic surgery",)),
        ("Enferm Infecc Microbiol Clin", ("Enfermedades infecciosas y microbiologia clinica",)),
        ("Can J Anaesth", ("Canadian journal of anaesthesia = Journal canadien d'anesthésie",)),
        ("Am J Med Genet B Neuropsychiatr Genet", ("American journal of medical genetics. Part "
                                                   "B, Neuropsychiatric genetics : the "
                                                   "official publication of the International "
                                                   "Society of Psychiatric Genetics",)),
        ("GeneReviews", ("GeneReviews<sup>®</sup>",)),
    ],
)  # fmt: skip
def test_legitimate_forms_pass(stated: str, names: tuple[str, ...]) -> None:
    assert journal_matches(stated, names)


def test_a_qualified_abbreviation_keeps_its_qualifier_the_full_title_need_not() -> None:
    record = RECORDS[34052225]  # Jornal de pediatria, "J Pediatr (Rio J)"
    assert record.iso_abbreviation == "J Pediatr (Rio J)"
    for stated in ("J Pediatr (Rio J)", "J. Pediatr. (Rio J.)", "Jornal de Pediatria"):
        assert not check_journal(claim_for(record, journal=stated), record), stated
    (finding,) = check_journal(claim_for(record, journal="J. Pediatr."), record)
    assert finding.severity is Severity.WARNING  # the ISO 4 abbreviation, but ambiguous
    assert "J Pediatr (Rio J)" in finding.message and "qualifier" in finding.message
    (finding,) = check_journal(claim_for(record, journal="J Pers"), record)
    assert finding.severity is Severity.ERROR


@pytest.mark.parametrize(
    ("stated", "names"),
    [
        ("Genes", ("Genesis (New York, N.Y. : 2000)", "Genesis")),  # one word: not abbreviated
        ("Per Med", ("Medicine", "Medicine (Baltimore)")),  # "Per" is a word, not a stopword
        ("An Pediatr", ("Pediatrics", "Pediatrics")),
        ("Phys Rev A", ("Physical review. E, Statistical, nonlinear, and soft matter physics",)),
        ("Vet Rec", ("Veterinary research", "Vet Res")),
        ("Clin Ter", ("Clinical therapeutics", "Clin Ther")),
        # NLM catalogue names: a title's own unspaced colon, another journal's qualifier
        ("Acta Radiol", ("Acta radiologica: diagnosis", "Acta Radiol Diagn (Stockh)")),
        ("Child", ("Child: care, health and development", "Child Care Health Dev")),
        ("Bulletin (Ala Mus Nat Hist)", ("Bulletin (Eugenics Society (London, England))",
                                         "Bull Eugen Soc")),
    ],
)  # fmt: skip
def test_near_misses_fail(stated: str, names: tuple[str, ...]) -> None:
    assert not journal_matches(stated, names)


# Property tests: names made of words the LTWA does not know -------------------------------

WORDS = st.text(alphabet=string.ascii_lowercase, min_size=4, max_size=10).filter(
    lambda w: not ltwa().abbreviations(w) - {w} and fold(w) == w and w not in STOPWORDS
)
NAMES = st.lists(WORDS, min_size=2, max_size=5, unique=True)


@settings(max_examples=150, deadline=None)
@given(NAMES, st.sampled_from([" : ", " = "]), NAMES, st.booleans())
def test_nlm_additions_may_be_left_out(
    words: list[str], joint: str, extra: list[str], nested: bool
) -> None:
    qualifier = f" ({extra[0]} ({extra[1]}))" if nested else f" ({extra[0]}, {extra[1]})"
    title = " ".join(words) + qualifier + joint + " ".join(extra)
    stated = " ".join(w.capitalize() for w in words)
    assert journal_matches(stated, (title,))
    assert journal_matches(stated.upper() + ".", (title,))


@settings(max_examples=150, deadline=None)
@given(NAMES, st.data())
def test_a_name_with_a_word_missing_or_changed_fails(words: list[str], data: st.DataObject) -> None:
    title = " ".join(words)
    index = data.draw(st.integers(0, len(words) - 1))
    missing = " ".join(words[:index] + words[index + 1 :])
    assert not journal_matches(missing, (title,))
    other = data.draw(WORDS)
    assume(other != words[index])
    changed = " ".join([*words[:index], other, *words[index + 1 :]])
    assert not journal_matches(changed, (title,))
    squashed = words[index][0] + words[index][-1]  # letters in order
    assert not journal_matches(" ".join([*words[:index], squashed, *words[index + 1 :]]), (title,))


# Titles -----------------------------------------------------------------------------------

DASHED = [r for r in RECORDS.values() if re.search(r"\w--\w", r.title)]
GREEK = [r for r in RECORDS.values() if re.search("[\u03b1-\u03c9]", r.title)]
MARKED = [r for r in RECORDS.values() if re.search(r"<(sup|sub|i|b)>", r.title)]
GREEK_NAMES = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "κ": "kappa"}


def test_the_corpus_has_the_title_kinds() -> None:
    assert len(DASHED) >= 100 and len(GREEK) >= 50 and len(MARKED) >= 50


def test_a_subtitle_after_medlines_double_dash_may_be_dropped() -> None:
    failures = []
    for record in DASHED:
        head = strip_markup(record.title).split("--")[0]
        if len(fold(head)) >= 3 and check_title(claim_for(record, title=head), record):
            failures.append((head, record.title))
    assert failures == []
    record = RECORDS[6789123]  # "Community water supply contaminated with caustic soda--Georgia."
    assert titles_match("Community water supply contaminated with caustic soda", record.title)
    assert not titles_match("Community water supply contaminated with caustic", record.title)


def test_greek_letters_may_be_spelled_out_or_not_either_way() -> None:
    failures = []
    for record in GREEK:
        plain = strip_markup(record.title)
        spelled = re.sub("[αβγδκ]", lambda m: GREEK_NAMES[m.group()], plain)
        if plain == spelled:
            continue
        if check_title(claim_for(record, title=spelled), record):
            failures.append((spelled, record.title))
        if not titles_match(plain, spelled):  # a record that spells it, a citation that does not
            failures.append((plain, spelled))
    assert failures == []
    assert not titles_match("alpha-synuclein in disease", "β-synuclein in disease")


def test_markup_and_mathml_are_read_as_text() -> None:
    for record in MARKED:
        assert "xmlns" not in record.title
        assert not check_title(claim_for(record, title=strip_markup(record.title)), record)
    mathml = [r for r in RECORDS.values() if "math" in r.title.lower() and "<" in r.title]
    assert all("xmlns" not in r.title and "<math" not in r.title for r in mathml)


def test_registered_and_trademark_signs_are_not_letters() -> None:
    book = RECORDS[20301546]  # GeneReviews chapter: BookTitle "GeneReviews<sup>®</sup>"
    assert book.is_book and "®" in book.journal
    assert fold(book.journal) == "genereviews"
    assert not check_journal(claim_for(book, journal="GeneReviews"), book)
    assert titles_match("Hemoclips in surgery", "Hemoclips<sup>®</sup> in surgery")


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=string.ascii_letters + " ", min_size=3, max_size=40),
    st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=40),
    st.sampled_from(["--", ": ", " - ", "\u2014", ". "]),
)
def test_any_subtitle_may_be_dropped(head: str, tail: str, joint: str) -> None:
    assume(len(fold(head)) >= 3 and fold(tail))
    assert titles_match(head, f"{head.strip()}{joint}{tail}")


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=string.ascii_lowercase + " ", min_size=2, max_size=20),
    st.sampled_from(sorted(GREEK_NAMES.items())),
    st.text(alphabet=string.ascii_lowercase + " ", min_size=2, max_size=20),
)
@example("an", ("\u03b1", "alpha"), "aa")  # "an" before a spelled-out letter is no article
def test_a_greek_letter_matches_its_name(before: str, letter: tuple[str, str], after: str) -> None:
    assume(fold(before + after))
    symbol, name = letter
    assert titles_match(f"{before}{name}-{after}", f"{before}{symbol}-{after}")
    assert titles_match(f"{before}{symbol}-{after}", f"{before}{name}-{after}")


# Records that are not papers ----------------------------------------------------------------

ERRATA = [
    r
    for r in RECORDS.values()
    if "Published Erratum" in r.publication_types
    and "Retraction of Publication" not in r.publication_types  # that is `retracted`
]
COMMENTS = [
    r
    for r in RECORDS.values()
    if "Comment" in r.publication_types and "Published Erratum" not in r.publication_types
]
EDITORIALS = [
    r
    for r in RECORDS.values()
    if "Editorial" in r.publication_types
    and not {"Comment", "Published Erratum"} & set(r.publication_types)
]


def test_an_erratum_cited_for_a_figure_is_an_error_naming_the_paper() -> None:
    assert len(ERRATA) >= 50
    for record in ERRATA:
        (finding,) = check_not_a_paper(claim_for(record, figure="40%"), record)
        assert finding.code is Code.NOT_A_PAPER and finding.severity is Severity.ERROR
        assert "erratum" in finding.message
        targets = [n.pmid for n in record.notices if n.kind == "ErratumFor" and n.pmid]
        if targets:
            assert f"cite PMID {targets[0]}" in finding.message
        (cited,) = check_not_a_paper(claim_for(record), record)
        assert cited.severity is Severity.WARNING


def test_comments_and_editorials_are_flagged_softly() -> None:
    assert len(COMMENTS) >= 30 and len(EDITORIALS) >= 50
    for record in COMMENTS:
        (finding,) = check_not_a_paper(claim_for(record, figure="40%"), record)
        assert finding.severity is Severity.WARNING
        assert "comment" in finding.message
        (cited,) = check_not_a_paper(claim_for(record), record)
        assert cited.severity is Severity.INFO
    for record in EDITORIALS:
        (finding,) = check_not_a_paper(claim_for(record, figure="40%"), record)
        assert finding.severity is Severity.INFO


def test_papers_are_not_flagged() -> None:
    papers = [
        r
        for r in RECORDS.values()
        if "Journal Article" in r.publication_types
        and not {"Comment", "Editorial", "Published Erratum", "Expression of Concern"}
        & set(r.publication_types)
    ]
    assert len(papers) >= 1500
    assert [r.pmid for r in papers if check_not_a_paper(claim_for(r, figure="1"), r)] == []


def test_a_book_chapters_own_dates_are_years_to_cite() -> None:
    book = RECORDS[20301546]  # GeneReviews: book 1993-, chapter posted 2006, revised 2020
    assert book.contribution_year == 2006 and book.revised_year == 2020
    for year in (1993, 2006, 2020):
        assert not check_year(claim_for(book, year=year), book)
    (finding,) = check_year(claim_for(book, year=2011), book)
    assert "first posted 2006" in finding.message and "revised 2020" in finding.message
