"""Citation parsing and normalisation: examples editors write, and properties (hypothesis)."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ta1check.citation import parse_citation
from ta1check.normalize import doi_key, fold, journal_matches, name_key, titles_match


@pytest.mark.parametrize(
    ("text", "author", "journal", "year"),
    [
        ("Chien et al., Hepatology (1998)", "Chien", "Hepatology", 1998),
        ("Smith and Jones, J Am Geriatr Soc (2007)", "Smith", "J Am Geriatr Soc", 2007),
        ("Li et al., BMJ (2025)", "Li", "BMJ", 2025),
        ("O'Byrne et al., N. Engl. J. Med. 2018", "O'Byrne", "N. Engl. J. Med", 2018),
        ("Chien RN et al. Hepatology 1998", "Chien", "Hepatology", 1998),
        ("Smith & Jones, Lancet, 2001.", "Smith", "Lancet", 2001),
        ("van der Berg et al., Br. J. Haematol. (2008)", "van der Berg", "Br. J. Haematol", 2008),
        ("Müller et al., Nature [2019]", "Müller", "Nature", 2019),
        ("Dinetz et al., Alternative Therapies (2024)", "Dinetz", "Alternative Therapies", 2024),
    ],
)
def test_printed_citations_parse(text: str, author: str, journal: str, year: int) -> None:
    parsed = parse_citation(text)
    assert (parsed.first_author, parsed.journal, parsed.year) == (author, journal, year)


def test_two_authors_give_the_second() -> None:
    assert parse_citation("Smith and Jones, J Am Geriatr Soc (2007)").second_author == "Jones"
    assert parse_citation("Chien et al., Hepatology (1998)").second_author is None


SURNAMES = st.text(alphabet=string.ascii_letters + "'-éüøñ", min_size=2, max_size=20).filter(
    lambda s: (
        s[0].isalpha() and s[-1].isalpha() and "et al" not in s.lower() and s.lower() not in {"and"}
    )
)
JOURNAL_WORDS = st.text(alphabet=string.ascii_letters, min_size=1, max_size=12)
JOURNALS = (
    st.lists(JOURNAL_WORDS, min_size=1, max_size=6)
    .map(" ".join)
    .filter(lambda j: not any(w.lower() in {"and", "et", "al"} for w in j.split()))
)
YEARS = st.integers(min_value=1700, max_value=2099)


@given(
    SURNAMES,
    JOURNALS,
    YEARS,
    st.sampled_from(["({y})", "{y}", "({y}).", "[{y}]", ", {y}"]),
    st.booleans(),
)
def test_parse_recovers_author_journal_year(
    surname: str, journal: str, year: int, year_style: str, periods: bool
) -> None:
    shown = " ".join(w + "." for w in journal.split()) if periods else journal
    text = f"{surname} et al., {shown} {year_style.format(y=year)}"
    parsed = parse_citation(text)
    assert parsed.first_author == surname
    assert parsed.year == year
    assert parsed.journal is not None
    assert journal_matches(parsed.journal, (journal,))


@given(st.text(max_size=200))
def test_parse_never_raises(text: str) -> None:
    parse_citation(text)


@given(st.text(max_size=200))
def test_fold_is_idempotent_and_ascii(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert folded.isascii()
    assert folded == folded.strip()


@given(st.text(alphabet=string.ascii_letters + " ", min_size=3, max_size=80))
def test_title_matches_itself_in_any_case_and_markup(title: str) -> None:
    if not fold(title):
        return
    assert titles_match(title.upper(), title + ".")
    assert titles_match(f"<i>{title}</i>", title)


@settings(max_examples=200)
@given(SURNAMES)
def test_names_match_without_accents_and_punctuation(name: str) -> None:
    from anyascii import anyascii

    assert name_key(anyascii(name)) == name_key(name)
    assert name_key(name.upper()) == name_key(name)


@pytest.mark.parametrize(
    ("stated", "names"),
    [
        ("J Am Geriatr Soc", ("Journal of the American Geriatrics Society",)),
        ("N. Engl. J. Med.", ("The New England journal of medicine", "N Engl J Med")),
        ("new england journal of medicine", ("The New England journal of medicine",)),
        ("Hepatology", ("Hepatology (Baltimore, Md.)", "Hepatology")),
        ("Vitamins & Hormones", ("Vitamins and hormones", "Vitam Horm")),
        (
            "Proc Natl Acad Sci U S A",
            ("Proceedings of the National Academy of Sciences of the United States of America",),
        ),
    ],
)
def test_journal_spellings_that_match(stated: str, names: tuple[str, ...]) -> None:
    assert journal_matches(stated, names)


@pytest.mark.parametrize(
    ("stated", "names"),
    [
        (
            "Alternative Therapies",
            ("Alternative therapies in health and medicine", "Altern Ther Health Med"),
        ),
        ("Lancet", ("Lancet Oncol", "The Lancet. Oncology")),
        ("Nature", ("Nature medicine", "Nat Med")),
        ("Hepatology", ("Journal of hepatology", "J Hepatol")),
    ],
)
def test_journal_spellings_that_do_not(stated: str, names: tuple[str, ...]) -> None:
    assert not journal_matches(stated, names)


def test_doi_forms() -> None:
    assert doi_key("https://doi.org/10.1056/NEJMoa1715274") == doi_key("doi:10.1056/nejmoa1715274")
    assert doi_key("10.1056/NEJMoa1715274.") == "10.1056/nejmoa1715274"


@pytest.mark.parametrize(
    ("text", "first", "second", "journal"),
    [
        ("Smith J, Jones K, Brown L, et al., Lancet (2001)", "Smith J", "Jones K", "Lancet"),
        ("Smith J, Jones K and Brown L, Lancet 2001", "Smith J", "Jones K", "Lancet"),
        ("Smith J, Lancet HIV (2020)", "Smith J", None, "Lancet HIV"),
        ("Smith, J., Jones, K., & Brown, L., Nature (2001)", "Smith, J.", "Jones, K.", "Nature"),
        ("Smith, J., Lancet (2001)", "Smith, J.", None, "Lancet"),
        ("Smith, BMJ (2001)", "Smith", None, "BMJ"),
        ("Smith et. al., BMJ 2001", "Smith", None, "BMJ"),
        ("GEMIO DEL REY et al., Rev Esp Enferm Dig (2019)", "GEMIO DEL REY", None, None),
        ("da Silva RLCG et al., Sci Rep (2020)", "da Silva RLCG", None, "Sci Rep"),
        ("MacGlashan DW Jr et al., J Immunol (1994)", "MacGlashan DW Jr", None, "J Immunol"),
        (
            "Centers for Disease Control and Prevention (CDC), MMWR (2011)",
            "Centers for Disease Control and Prevention (CDC)",
            None,
            "MMWR",
        ),
        (
            "Kuruvilla and KEYNOTE-204 investigators, Lancet Oncol (2021)",
            "Kuruvilla",
            "KEYNOTE-204 investigators",
            "Lancet Oncol",
        ),
        (
            "Food and Drug Administration, Fed Regist (2016)",
            "Food and Drug Administration",
            None,
            "Fed Regist",
        ),
    ],
)
def test_author_lists_and_groups_as_printed(
    text: str, first: str, second: str | None, journal: str | None
) -> None:
    parsed = parse_citation(text)
    assert (parsed.first_author_printed, parsed.second_author_printed) == (first, second)
    if journal is not None:
        assert parsed.journal == journal


@pytest.mark.parametrize(
    ("printed", "surname"),
    [
        ("Chien RN", "Chien"),
        ("SMITH JA", "SMITH"),
        ("VAN WYK", "VAN WYK"),
        ("GEMIO DEL REY", "GEMIO DEL REY"),
        ("da Silva RLCG", "da Silva"),
        ("Yucel Ç", "Yucel"),
        ("Bruserud Ø", "Bruserud"),
        ("MacGlashan Jr", "MacGlashan"),
        ("Smith III", "Smith"),
        ("J.-P. Sartre", "Sartre"),
        ("Smith, J.", "Smith"),
    ],
)
def test_the_surname_of_a_printed_name(printed: str, surname: str) -> None:
    assert parse_citation(f"{printed} et al., Lancet (2001)").first_author == surname
