"""People's and groups' names on real records (issue #11): every way editors print a first
author passes, every wrong first author is an error, and a group cited for a person (or the
reverse) says so. Real records come from the corpus (tests/corpus.py); properties (hypothesis)
cover name reading and comparison beyond them."""

from __future__ import annotations

import random
import re
import string
from collections import Counter
from collections.abc import Iterator

import pytest
from anyascii import anyascii
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from corpus import corpus_records
from ta1check.checks import check_author
from ta1check.citation import parse_citation
from ta1check.claims import Claim, loads_claims
from ta1check.findings import Finding, Severity
from ta1check.names import GROUP_WORDS, PARTICLES, compare, read_name, split_authors
from ta1check.normalize import fold
from ta1check.pubmed.record import Author, Record

RECORDS = corpus_records()
WITH_AUTHORS = [
    r for r in RECORDS.values() if r.authors and (r.authors[0].last_name or r.authors[0].collective)
]
GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)
NORDIC = str.maketrans({"ø": "oe", "Ø": "Oe", "å": "aa", "Å": "Aa", "æ": "ae", "Æ": "Ae"})


def toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def findings(record: Record, **fields: str) -> tuple[Finding, ...]:
    """check_author on a claim read from a claims file, as a user writes it."""
    body = "\n".join(f"{k} = {toml_str(v)}" for k, v in fields.items())
    (claim,) = loads_claims(f"[[claim]]\npmid = {record.pmid}\n{body}\n").claims
    return check_author(claim, record)


def errors(found: tuple[Finding, ...]) -> list[Finding]:
    return [f for f in found if f.severity is Severity.ERROR]


def cite(record: Record, author: str, et_al: bool = True) -> str:
    journal = record.iso_abbreviation or record.journal
    return f"{author}{' et al.' if et_al else ''}, {journal} ({record.year or 2000})"


def test_the_corpus_is_real_and_large() -> None:
    assert len(WITH_AUTHORS) >= 2000


# --- each class on real record text ----------------------------------------------------------


@pytest.mark.parametrize(
    ("pmid", "printed"),
    [
        # a group whose name holds "and", in full, shortened, by acronym
        (
            34093779,
            "EFSA Panel on Additives and Products or Substances used in Animal Feed (FEEDAP)",
        ),
        (34093779, "EFSA Panel on Additives and Products or Substances used in Animal Feed"),
        (34093779, "EFSA FEEDAP Panel"),
        (34093779, "FEEDAP"),
        (34093784, "European Food Safety Authority"),
        (34093784, "EFSA"),
        (6789123, "Centers for Disease Control"),
        (6789123, "Centers for Disease Control and Prevention (CDC)"),
        (6789123, "CDC"),
        # non-ASCII and four-letter initials, upper-case and multi-word surnames
        (36987902, "Bruserud Ø"),
        (36987902, "BRUSERUD Ø"),
        (34087526, "Kneck Å"),
        (34095513, "O'Toole Á"),
        (34088943, "Yazicioglu MÖ"),
        (33582275, "de Klerk CCJM"),
        (33582275, "DE KLERK CCJM"),
        (26702442, "TER STEEGE"),
        (26432126, "VAN LOOVEREN J"),
        (26702244, "Suarez Acosta CE"),
        (26702244, "SUAREZ ACOSTA"),
        (26702244, "Suarez"),
        (25378398, "da Palma JR"),
        # particles, Mac/Mc/O', hyphens, periods, given name first, suffixes
        (29768149, "OByrne PM"),
        (29768149, "O'BYRNE"),
        (26702831, "MCDONALD NA"),
        (30108519, "Garcia Tabar I"),
        (30108519, "GARCIA-TABAR"),
        (25384983, "León-Paravic, C.G."),
        (25384983, "C.-G. León-Paravic"),
        (29768149, "Paul M. O'Byrne"),
        (29768149, "P. O'Byrne"),
        (29768149, "O'Byrne PM Jr"),
        (29768149, "O'Byrne III"),
        # transliteration both ways
        (26702352, "Voecking O"),
        (26432131, "Zetterstroem"),
        (33176546, "Joergensen CC"),
        (33754706, "Skjaervoe"),
    ],
)
def test_printed_forms_of_real_first_authors_pass(pmid: int, printed: str) -> None:
    record = RECORDS[pmid]
    assert findings(record, citation=cite(record, printed)) == ()
    assert findings(record, first_author=printed) == ()


def test_a_group_with_and_in_its_name_is_one_author() -> None:
    parsed = parse_citation(
        "EFSA Panel on Additives and Products or Substances used in Animal Feed (FEEDAP), "
        "EFSA J (2021)"
    )
    assert parsed.first_author_printed == (
        "EFSA Panel on Additives and Products or Substances used in Animal Feed (FEEDAP)"
    )
    assert parsed.second_author is None
    assert parsed.journal == "EFSA J"
    cdc = parse_citation("Centers for Disease Control and Prevention, MMWR (1981)")
    assert (cdc.first_author, cdc.second_author) == (
        "Centers for Disease Control and Prevention",
        None,
    )
    two = parse_citation("Smith and Jones, J Am Geriatr Soc (2007)")
    assert (two.first_author, two.second_author) == ("Smith", "Jones")


def test_a_group_name_with_commas_keeps_them_before_the_journal() -> None:
    parsed = parse_citation(
        "EFSA Panel on Dietetic Products, Nutrition and Allergies (NDA), EFSA J (2014)"
    )
    assert parsed.first_author == "EFSA Panel on Dietetic Products, Nutrition and Allergies (NDA)"
    assert parsed.journal == "EFSA J"
    surname_initials = parse_citation("Smith, J., Lancet (2001)")
    assert (surname_initials.first_author, surname_initials.journal) == ("Smith", "Lancet")


def test_a_person_and_a_group_are_two_authors() -> None:
    record = RECORDS[34087144]  # Kuruvilla J; KEYNOTE-204 investigators
    assert (
        findings(record, citation=cite(record, "Kuruvilla and KEYNOTE-204 investigators", False))
        == ()
    )
    (finding,) = findings(
        record, citation=cite(record, "Kuruvilla and KEYNOTE-205 investigators", False)
    )
    assert finding.field == "second_author"


@pytest.mark.parametrize(
    ("pmid", "printed"),
    [
        (34093779, "EFSA Panel on Food Additives and Nutrient Sources added to Food (ANS)"),
        (34093784, "EFSA Panel on Additives and Products or Substances used in Animal Feed"),
        (6789123, "World Health Organization"),
        (34093779, "European Food Safety Authority"),  # the Authority, not its FEEDAP Panel
        (34093779, "European Food Safety Authority (EFSA)"),
        (36987902, "Brusered Ø"),  # one letter
        (29768149, "O'Brien PM"),
        (26702244, "Acosta Suarez"),  # surnames swapped is another person
        (30108519, "Garcia-Tobar"),
        (26702352, "Vacking"),
    ],
)
def test_wrong_names_are_errors(pmid: int, printed: str) -> None:
    record = RECORDS[pmid]
    (finding,) = errors(findings(record, citation=cite(record, printed)))
    assert finding.code.slug == "author-mismatch"
    assert finding.pubmed == record.authors[0].display


def test_a_group_cited_where_pubmed_names_a_person_says_so() -> None:
    record = RECORDS[34090655]  # Robb AS; AACAP Psychopharmacology Committee
    (finding,) = findings(
        record, citation=cite(record, "AACAP Psychopharmacology Committee", False)
    )
    assert finding.severity is Severity.ERROR
    assert finding.message == (
        "PubMed's first author is a person, Robb AS; the article names a group, AACAP "
        "Psychopharmacology Committee, author 2 of 2"
    )
    (finding,) = findings(record, citation=cite(record, "World Health Organization", False))
    assert "is a person, Robb AS; the article names a group" in finding.message
    assert "not among the record's 2 authors" in finding.message


def test_a_person_cited_where_pubmed_lists_a_group_first_says_so() -> None:
    record = RECORDS[34093779]  # EFSA FEEDAP Panel; Bampidis V; …
    (finding,) = findings(record, citation=cite(record, "Bampidis V"))
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith(
        "PubMed lists the group EFSA Panel\xa0on Additives and Products or Substances used in "
        "Animal Feed (FEEDAP) first; the article names a person, Bampidis V, author 2 of "
    )


def test_a_co_author_with_the_first_authors_surname_is_not_the_first_author() -> None:
    record = RECORDS[400291]  # Halberg E; Halberg F
    assert findings(record, citation=cite(record, "Halberg E")) == ()
    (finding,) = findings(record, citation=cite(record, "Halberg F"))
    assert finding.severity is Severity.ERROR
    assert "author 2 of" in finding.message


def test_other_initials_with_the_right_surname_are_a_warning() -> None:
    record = RECORDS[29768149]  # O'Byrne PM
    (finding,) = findings(record, citation=cite(record, "O'Byrne J"))
    assert finding.severity is Severity.WARNING
    assert finding.message == (
        "PubMed's first author is O'Byrne PM; the article gives O'Byrne J: the same surname "
        "with other initials"
    )


# --- the accuracy suite: every record, every form, planted errors ----------------------------


def dotted(initials: str) -> str:
    return "".join(ch + "." for ch in initials)


def correct_forms(record: Record) -> Iterator[tuple[str, str]]:
    """(kind, printed first author) as editors print the record's first author."""
    first = record.authors[0]
    if first.collective:
        name = first.collective
        yield "group", name
        plain = re.sub(r"\s*\([^()]*\)", "", name).strip()
        if plain != name:
            yield "group without its acronym", plain
            for acronym in re.findall(r"\(([A-Z][A-Z0-9-]+)\)", name):
                yield "group's acronym", acronym
        return
    last, initials, fore = first.last_name, first.initials, first.fore_name
    yield "surname", last
    yield "ascii", anyascii(last)
    yield "upper case", last.upper()
    if initials:
        yield "surname initials", f"{last} {initials}"
        yield "upper case with initials", f"{last.upper()} {initials.upper()}"
        yield "surname, initials", f"{last}, {dotted(initials)}"
        yield "initials surname", f"{dotted(initials)} {last}"
        yield "suffix", f"{last} {initials} Jr"
    if fore and "." not in fore and len(fore.split()[0]) > 1:
        yield "given name first", f"{fore} {last}"
    if "-" in last:
        yield "hyphen as space", last.replace("-", " ")
    if last.translate(GERMAN) != last:
        yield "German transliteration", last.translate(GERMAN)
    if last.translate(NORDIC) != last:
        yield "Nordic transliteration", last.translate(NORDIC)
    words = [w for w in last.split() if len(w) > 1 and fold(w) not in PARTICLES]
    if len(last.split()) > 1 and words:
        yield "first word of a compound surname", words[0]


def planted_forms(record: Record, rng: random.Random) -> Iterator[tuple[str, str]]:
    """(kind, printed first author) that is not the record's first author."""
    first = record.authors[0]
    first_key = fold(first.last_name or first.collective).replace(" ", "")
    other = rng.choice(WITH_AUTHORS).authors[0]
    other_name = other.last_name or other.collective
    if fold(other_name).replace(" ", "") != first_key:
        yield "another record's first author", other_name
        if other.initials:
            yield "another record's first author, initials", f"{other.last_name} {other.initials}"
    if len(record.authors) > 1:
        second = record.authors[1]
        name = second.last_name or second.collective
        if name and not first_key.startswith(fold(name).replace(" ", "")):
            yield "second author as first", name
            if second.initials:
                yield "second author as first, initials", f"{name} {second.initials}"
        elif (
            name and second.initials and first.initials and second.initials[0] != first.initials[0]
        ):
            yield "co-author of the same surname", f"{name} {second.initials}"
    if len(record.authors) > 2:
        last = record.authors[-1]
        if last.last_name and last.initials and fold(last.last_name) != fold(first.last_name):
            yield "last author as first", f"{last.last_name} {last.initials}"
    words = [w for w in first.last_name.split() if len(w) >= 4]
    if words:
        word = max(words, key=len)
        vowels = [i for i, ch in enumerate(word) if i and ch.lower() in "aeiou"]
        if vowels:
            i = rng.choice(vowels)
            typo = word[:i] + ("y" if word[i].lower() != "y" else "a") + word[i + 1 :]
            yield "one letter changed", first.last_name.replace(word, typo)
    if first.collective:
        person = rng.choice([r for r in WITH_AUTHORS if r.authors[0].last_name]).authors[0]
        yield "a person for a group", person.last_name
    else:
        group = rng.choice([r for r in WITH_AUTHORS if r.authors[0].collective]).authors[0]
        yield "a group for a person", group.collective


def claim_for(record: Record, printed: str) -> Claim:
    return Claim(
        index=0,
        pmid_raw=str(record.pmid),
        pmid=record.pmid,
        citation=parse_citation(cite(record, printed)),
    )


def test_every_correct_form_of_every_real_first_author_passes() -> None:
    alarms: Counter[str] = Counter()
    examples = []
    total = 0
    for record in WITH_AUTHORS:
        for kind, printed in correct_forms(record):
            total += 1
            found = check_author(claim_for(record, printed), record)
            if found:
                alarms[kind] += 1
                examples.append((record.pmid, printed, found[0].message))
    assert total >= 20_000
    assert not alarms, (alarms, examples[:10])


def test_every_planted_first_author_is_an_error() -> None:
    rng = random.Random(11)
    misses: Counter[str] = Counter()
    examples = []
    total = 0
    for record in WITH_AUTHORS:
        for kind, printed in planted_forms(record, rng):
            total += 1
            found = errors(check_author(claim_for(record, printed), record))
            if not found:
                misses[kind] += 1
                examples.append((record.pmid, printed, record.authors[0].display))
            else:
                assert found[0].code.slug == "author-mismatch"
    assert total >= 15_000
    assert not misses, (misses, examples[:10])


# --- properties ------------------------------------------------------------------------------

LETTERS = "abcdefghijklmnoprstuvwyzäöüéèçñøåłığş"
UPPER_INITIALS = "ABCDEFGHIJKLMNOPRSTUVWZÇØÅÉŁÖÜ"
WORDS = (
    st.text(alphabet=LETTERS, min_size=3, max_size=12)
    .map(str.capitalize)
    .filter(lambda w: fold(w) not in {"and", "et", "al"} and fold(w) not in GROUP_WORDS)
)
SURNAMES = st.builds(
    lambda particle, words, hyphen: (
        (particle + " " if particle else "") + ("-" if hyphen else " ").join(words)
    ),
    st.sampled_from(["", "van", "de", "da", "von", "del", "van der"]),
    st.lists(WORDS, min_size=1, max_size=2),
    st.booleans(),
)
INITIALS = st.text(alphabet=UPPER_INITIALS, min_size=1, max_size=4)


@given(st.text(max_size=120))
def test_reading_and_comparing_never_raise(text: str) -> None:
    read_name(text)
    split_authors(text)
    compare(text, Author("Smith", "John", "J"))
    compare(text, Author(collective="World Health Organization"))


@settings(max_examples=300)
@given(SURNAMES, INITIALS)
def test_every_printed_form_of_a_person_names_them(surname: str, initials: str) -> None:
    author = Author(surname, " ".join(initials), initials)
    forms = [
        surname,
        f"{surname} {initials}",
        f"{surname.upper()} {initials}",
        f"{surname}, {dotted(initials)}",
        f"{dotted(initials)} {surname}",
        f"{surname} {initials} Jr",
        f"{surname} III",
        anyascii(surname),
        surname.translate(GERMAN),
        surname.translate(NORDIC),
        surname.replace("-", " "),
    ]
    for form in forms:
        assert compare(form, author).initials, form
        assert read_name(form).readings


@settings(max_examples=300)
@given(WORDS, WORDS, INITIALS)
def test_another_surname_never_names_a_person(surname: str, other: str, initials: str) -> None:
    assume(fold(surname) != fold(other) and fold(surname.translate(GERMAN)) != fold(other))
    assume(fold(other) not in PARTICLES and fold(surname) not in PARTICLES)
    author = Author(surname, initials, initials)
    for form in (
        other,
        f"{other} {initials}",
        f"{other.upper()} {initials}",
        f"{initials[0]}. {other}",
    ):
        assert not compare(form, author).surname, form


@settings(max_examples=200)
@given(SURNAMES, SURNAMES)
def test_two_people_joined_by_and_are_two_authors(first: str, second: str) -> None:
    assert split_authors(f"{first} and {second}") == [first, second]
    assert split_authors(f"{first} & {second}") == [first, second]


@given(
    st.sampled_from(["Panel on", "Committee for", "Ministry of", "Society of", "Centers for"]),
    st.lists(WORDS, min_size=1, max_size=3),
    st.lists(WORDS, min_size=1, max_size=3),
)
def test_a_group_joined_by_and_is_one_author(head: str, left: list[str], right: list[str]) -> None:
    name = f"{' '.join(left)} {head} {' '.join(left)} and {' '.join(right)}"
    assert split_authors(name) == [name]


@given(st.text(alphabet=string.ascii_letters + "äöüßÄÖÜ", min_size=2, max_size=15))
def test_german_transliteration_matches_both_ways(name: str) -> None:
    assume(fold(name))
    german = name.translate(GERMAN)
    assert compare(german, Author(name, "A", "A")).initials
    assert compare(name, Author(german, "A", "A")).initials
    assert compare(anyascii(name), Author(name, "A", "A")).initials


def test_every_group_of_the_corpus_names_itself_as_editors_print_it() -> None:
    """Every collective author of the corpus (any position), in full, with "The", in capitals,
    without its parenthesised acronym and as that acronym alone, read from a citation."""
    groups = sorted({a.collective for r in RECORDS.values() for a in r.authors if a.collective})
    assert len(groups) >= 300
    failures = []
    for name in groups:
        forms = [name, name.upper()]
        if name[:1].isupper():
            forms.append(f"The {name}")
        plain = re.sub(r"\s*\([^()]*\)", "", name).strip()
        if plain != name:
            forms.append(plain)
            forms += re.findall(r"\(([A-Z][A-Z0-9-]+)\)", name)
        for form in forms:
            printed = parse_citation(f"{form}, J Test (2020)").first_author_printed
            if printed is None or not compare(printed, Author(collective=name)).initials:
                failures.append((name, form, printed))
    assert not failures, failures[:10]


def test_an_acronym_that_could_be_a_surname_in_capitals_is_named_as_printed() -> None:
    record = RECORDS[34090655]  # Robb AS; AACAP Psychopharmacology Committee
    (finding,) = findings(record, citation=cite(record, "WHO", False))
    assert finding.message == (
        "PubMed's first author is a person, Robb AS; the article names WHO, not among the "
        "record's 2 authors"
    )
    group_first = RECORDS[6789123]  # Centers for Disease Control (CDC)
    (finding,) = findings(group_first, citation=cite(group_first, "NIH", False))
    assert finding.message == (
        "PubMed lists the group Centers for Disease Control (CDC) first; the article names NIH, "
        "not among the record's 1 author"
    )
