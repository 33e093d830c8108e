"""Stated figures: every printed form of a number is found, no number is found inside another,
rounding is told apart, and each miss shows what the abstract has. Abstract text is real
(../shared/pubmed); where a typographic style does not occur there (Lancet's middle dot, the
decimal comma, thin-space thousands), a real sentence is re-set in that style."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import sys
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conftest import write
from records import all_records
from ta1check.figures import (
    FigureStatus,
    Match,
    Section,
    extract,
    find_in,
    judge,
    stated_quantities,
)
from ta1check.lazyre import LazyPattern, compiled

RECORDS = all_records()
OBYRNE = RECORDS[29768149].abstract  # NEJM 2018: "34.4% vs. 31.1%", "0.36 (95% CI, 0.27 to 0.49)"


def verdict(figure: str, text: str) -> list[str]:
    return [judge(q, [Section("abstract", text)]).status.value for q in stated_quantities(figure)]


@pytest.mark.parametrize(
    ("figure", "text", "expected"),
    [
        # Real abstract text, as printed
        ("34.4% vs 31.1%", OBYRNE, ["found", "found"]),
        ("rate ratio 0.36, 95% CI 0.27-0.49", OBYRNE, ["found", "found", "found"]),
        ("3,836 patients", OBYRNE, ["found"]),
        ("P = .046", OBYRNE, ["found"]),
        ("78.9% adherence", OBYRNE, ["found"]),
        ("79% adherence", OBYRNE, ["rounded"]),
        ("78% adherence", OBYRNE, ["not-found"]),
        ("from 32% to 52%", RECORDS[11748933].abstract, ["found", "found"]),
        ("56 schizophrenia outpatients", RECORDS[19368899].abstract, ["found"]),
        ("41 patients", RECORDS[25345997].abstract, ["found"]),
        ("p=0.03", RECORDS[22508830].abstract, ["found"]),
        # The same real sentences re-set in other typographic styles
        ("34.4%", OBYRNE.replace("34.4%", "34·4%"), ["found"]),
        ("34.4%", OBYRNE.replace("34.4%", "34,4 %"), ["found"]),
        ("34.4%", OBYRNE.replace("34.4%", "34.4 per cent"), ["found"]),
        ("34.4%", OBYRNE.replace("34.4%", "34.4 percent"), ["found"]),
        ("3,836", OBYRNE.replace("3836", "3\u2009836"), ["found"]),
        ("3836", OBYRNE.replace("3836", "3,836"), ["found"]),
        ("0.27-0.49", OBYRNE.replace("0.27 to 0.49", "0.27\u20130.49"), ["found", "found"]),
        ("0.27 to 0.49", OBYRNE.replace("0.27 to 0.49", "0.27-0.49"), ["found", "found"]),
        # No false hits inside other numbers
        ("4.4%", OBYRNE, ["not-found"]),  # the abstract has 34.4% and 44.4%
        ("1.1%", OBYRNE, ["not-found"]),  # 31.1%
        ("7%", OBYRNE, ["not-found"]),  # 17%
        ("836 patients", OBYRNE, ["not-found"]),  # 3836
    ],
)
def test_figures_in_real_abstracts(figure: str, text: str, expected: list[str]) -> None:
    assert verdict(figure, text) == expected


def test_the_issues_examples() -> None:
    text = (
        "Ninety-eight patients were randomly allocated. The complete virological response rate "
        "was higher in group A (40.6%) and group B (26.5%) than in group C (9.4%) (group A vs. "
        "group C: P = .004). Mortality fell (RR 0·68, 95% CI 0·59–0·78) among 1 480 patients."
    )
    assert verdict("98 patients; 40.6%; 26.5%; 9.4%", text) == ["found"] * 4
    assert verdict("p=0.004", text) == ["found"]
    assert verdict("RR 0.68, 95% CI 0.59-0.78", text) == ["found"] * 3
    assert verdict("1,480 patients", text) == ["found"]
    assert verdict("41%", text) == ["rounded"]
    assert verdict("19.4%", text) == ["not-found"]
    assert verdict("6%", text.replace("26.5%", "26%")) == ["not-found"]


def test_a_miss_shows_the_closest_numbers() -> None:
    (q,) = stated_quantities("35%")
    result = judge(q, [Section("abstract", OBYRNE)])
    assert result.status is FigureStatus.NOT_FOUND
    assert result.closest == ("34.4%", "31.1%", "44.4%")


def test_identifiers_and_confidence_levels_are_not_figures() -> None:
    assert stated_quantities("TLR-9 and TLR-2 on CD4 cells, COVID-19") == ()
    assert [str(q.value) for q in stated_quantities("RR 0.68, 95% CI 0.59-0.78")] == [
        "0.68",
        "0.59",
        "0.78",
    ]


# --- properties ---------------------------------------------------------------------------

NUMBERS = st.decimals(min_value=0, max_value=999_999, places=2, allow_nan=False).map(
    lambda d: d.normalize() if d == d.to_integral() else d
)
FILLER = st.sampled_from(["", "patients ", "the rate was ", "(", "n = ", "vs. "])


def render(value: Decimal, style: str, percent: str) -> str:
    integer, _, frac = f"{value:f}".partition(".")
    if style == "comma-thousands" and len(integer) > 3:
        integer = f"{int(integer):,}"
    if style == "thin-thousands" and len(integer) > 3:
        integer = f"{int(integer):,}".replace(",", "\u2009")
    point = {"middle-dot": "·", "decimal-comma": ","}.get(style, ".")
    if style == "decimal-comma" and (len(frac) == 3 or len(integer) > 3):
        point = "."  # "1,480" reads as thousands: no abstract prints 1.480 that way
    text = integer + (point + frac if frac else "")
    return text + percent


@given(
    NUMBERS,
    st.sampled_from(["plain", "comma-thousands", "thin-thousands", "middle-dot", "decimal-comma"]),
    st.sampled_from(["", "%", " %", " per cent", " percent"]),
    FILLER,
    st.sampled_from(["", ".", ",", ")", "; P = .04", " to 99.9"]),
)
def test_a_number_is_found_in_any_printed_form(
    value: Decimal, style: str, percent: str, before: str, after: str
) -> None:
    stated = f"{value:f}" + ("%" if percent else "")
    (q,) = stated_quantities(stated)
    text = f"In the trial {before}{render(value, style, percent)}{after} of all."
    outcome, _ = find_in(q, text)
    assert outcome is Match.FOUND, (stated, text)


@given(NUMBERS, st.integers(min_value=1, max_value=9), st.sampled_from(["", "%"]))
def test_a_number_is_never_found_inside_a_longer_number(
    value: Decimal, prefix: int, percent: str
) -> None:
    stated = f"{value:f}{percent}"
    longer = Decimal(f"{prefix}{value:f}")
    assume(longer != value)
    (q,) = stated_quantities(stated)
    outcome, _ = find_in(q, f"The rate was {prefix}{value:f}{percent} in all.")
    assert outcome is Match.NOT_FOUND


@given(st.text(max_size=300))
def test_extraction_never_raises(text: str) -> None:
    extract(text)


UNICODE_SPACES = [chr(c) for c in range(0x20, 0x3001) if unicodedata.category(chr(c)) == "Zs"]


def spell(n: int) -> str:
    """0 < n < 1,000,000 in words, the British way ("one hundred and twenty")."""
    units = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
    ]
    units += ["fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
    tens = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

    def below_thousand(k: int) -> str:
        hundreds, rest = divmod(k, 100)
        words = [f"{units[hundreds]} hundred"] if hundreds else []
        if rest:
            small = units[rest] if rest < 20 else tens[rest // 10 - 2]
            if rest >= 20 and rest % 10:
                small += "-" + units[rest % 10]
            words.append(("and " if hundreds else "") + small)
        return " ".join(words)

    thousands, rest = divmod(n, 1000)
    if not thousands:
        return below_thousand(rest)
    head = f"{below_thousand(thousands)} thousand"
    if not rest:
        return head
    return head + (" and " if rest < 100 else " ") + below_thousand(rest)


@given(
    st.integers(min_value=1000, max_value=999_999_999),
    st.sampled_from(UNICODE_SPACES),
    st.sampled_from(["", "%", " patients"]),
)
def test_any_unicode_space_is_a_thousands_separator(value: int, space: str, unit: str) -> None:
    printed = f"{value:,}".replace(",", space)
    (q,) = stated_quantities(f"{value:,}{unit}")
    assert find_in(q, f"Of all, {printed}{unit} were seen.")[0] is Match.FOUND, printed


@given(st.integers(min_value=2, max_value=999_999), st.sampled_from(["", " patients"]))
def test_a_number_in_words_is_found_as_its_digits(value: int, unit: str) -> None:
    (q,) = stated_quantities(f"{value}{unit}")
    text = f"In all, {spell(value)}{unit} were enrolled."
    assert find_in(q, text)[0] is Match.FOUND, text
    assert find_in(q, text.capitalize())[0] is Match.FOUND


@given(st.integers(min_value=2, max_value=19), st.integers(min_value=2, max_value=19))
def test_two_number_words_joined_by_and_are_two_numbers(a: int, b: int) -> None:
    text = f"Of these, {spell(a)} and {spell(b)} were evaluated."
    assert [q.value for q in extract(text)] == [a, b]
    assume(a + b not in (a, b))
    (total,) = stated_quantities(str(a + b))
    assert find_in(total, text)[0] is Match.NOT_FOUND


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=999, places=2),
    st.sampled_from(["million", "billion", "thousand"]),
)
def test_a_scaled_number_is_found_as_its_digits(value: Decimal, scale: str) -> None:
    factor = {"thousand": 10**3, "million": 10**6, "billion": 10**9}[scale]
    whole = int(value * factor)
    (q,) = stated_quantities(f"{whole:,} people")
    assert find_in(q, f"About {value:f} {scale} people were exposed.")[0] is Match.FOUND
    (back,) = stated_quantities(f"{value:f} {scale} people")
    assert find_in(back, f"About {whole:,} people were exposed.")[0] is Match.FOUND


@given(
    st.integers(min_value=1, max_value=999),
    st.sampled_from(["p < 0,{}", "rs = -0,{}", "0,{} (0,{}-0,{})", "r = 0,{}"]),
)
def test_a_decimal_comma_with_a_leading_zero_is_a_decimal(digits: int, pattern: str) -> None:
    frac = f"{digits:03d}"
    text = "In all, " + pattern.format(frac, frac, frac) + " were seen."
    values = {abs(q.value) for q in extract(text)}
    assert values == {Decimal(f"0.{frac}")}


@given(
    st.lists(NUMBERS, min_size=1, max_size=8),
    NUMBERS,
    st.sampled_from(["plain", "comma-thousands", "thin-thousands", "middle-dot", "decimal-comma"]),
    st.sampled_from(["", "%"]),
)
def test_a_value_absent_is_never_found(
    present: list[Decimal], absent: Decimal, style: str, percent: str
) -> None:
    decimals = -absent.as_tuple().exponent if absent != absent.to_integral() else 0
    rounded = {p.quantize(Decimal(1).scaleb(-int(decimals)), ROUND_HALF_UP) for p in present}
    assume(absent not in present and absent not in rounded)
    text = "Rates were " + ", ".join(render(p, style, percent) for p in present) + " in all."
    (q,) = stated_quantities(f"{absent:f}{percent}")
    assert find_in(q, text)[0] is Match.NOT_FOUND, (absent, text)


@given(NUMBERS, st.sampled_from(["patients", "mg", "years"]))
def test_a_percentage_is_not_found_as_a_count_nor_the_reverse(value: Decimal, unit: str) -> None:
    (count,) = stated_quantities(f"{value:f} {unit}")
    (share,) = stated_quantities(f"{value:f}%")
    assert find_in(count, f"Of them, {value:f}% had it.")[0] is Match.NOT_FOUND
    assert find_in(share, f"Of them, {value:f} {unit} had it.")[0] is Match.NOT_FOUND
    assert find_in(count, f"Of them, {value:f} {unit} had it.")[0] is Match.FOUND


# --- through the CLI ----------------------------------------------------------------------


def test_figure_verdicts_in_the_json_report(run, emulator, tmp_path: Path) -> None:
    claims = write(
        tmp_path / "c.toml",
        '[[claim]]\npmid = 29768149\nfigure = "34.4% vs 31.1%; 79%; 64.5%"\n',
    )
    out = run("check", str(claims), "--format", "json")
    assert out.code == 0  # figure findings are warnings
    (result,) = json.loads(out.stdout)["results"]
    assert [(f["stated"], f["verdict"]) for f in result["figures"]] == [
        ("34.4%", "found"),
        ("31.1%", "found"),
        ("79%", "rounded"),
        ("64.5%", "not-found"),
    ]
    codes = [f["code"] for f in result["findings"]]
    assert codes == ["figure-rounded", "figure-not-found"]
    rounded, missing = result["findings"]
    assert rounded["message"] == "79% is rounded: the abstract says 78.9%"
    assert "64.5% is not in the title or abstract" in missing["message"]
    assert "44.4%" in missing["message"]


def test_no_abstract_makes_figures_unverifiable_not_missing(run, emulator, tmp_path) -> None:
    # PMID 12091962 has no abstract and no PMC id
    claims = write(tmp_path / "c.toml", '[[claim]]\npmid = 12091962\nfigure = "63 refs"\n')
    out = run("check", str(claims), "--format", "json")
    (result,) = json.loads(out.stdout)["results"]
    assert [f["verdict"] for f in result["figures"]] == ["unverifiable"]
    assert [(f["code"], f["severity"]) for f in result["findings"]] == [
        ("abstract-missing", "warning"),
        ("figure-unverifiable", "info"),
    ]


# --- issue #11: each class on real abstracts (tests/corpus.py) ------------------------------


@pytest.fixture(scope="module")
def corpus() -> dict[int, object]:
    from corpus import corpus_records

    return corpus_records()  # type: ignore[return-value]


def real(corpus, pmid: int, figure: str, *, edit: tuple[str, str] | None = None) -> list[str]:
    record = corpus[pmid]
    text = record.abstract if edit is None else record.abstract.replace(*edit)
    assert edit is None or edit[0] in record.abstract
    sections = [Section("title", record.title), Section("abstract", text)]
    return [judge(q, sections).status.value for q in stated_quantities(figure)]


def test_number_words_joined_by_and_are_two_numbers(corpus) -> None:
    # "the best results are obtained between nine and thirteen years" (PMID 399958)
    assert real(corpus, 399958, "between 9 and 13 years") == ["found", "found"]
    assert real(corpus, 399958, "22 years") == ["not-found"]
    # ... the same sentence as "thirteen and six evaluated" would print it
    edit = ("between nine and thirteen years", "thirteen and six evaluated")
    assert real(corpus, 399958, "13 and 6", edit=edit) == ["found", "found"]
    assert real(corpus, 399958, "19", edit=edit) == ["not-found"]
    # while "and" after a hundred joins: "One-hundred and twenty patients" (26702259),
    # "Four hundred and eighty-five ... tumours" (420004)
    assert real(corpus, 26702259, "120 patients") == ["found"]
    assert real(corpus, 26702259, "100 patients; 20 patients") == ["not-found", "not-found"]
    assert real(corpus, 420004, "485 tumours") == ["found"]


def test_a_decimal_comma_with_three_decimals_where_the_text_shows_a_decimal(corpus) -> None:
    # A decimal-comma abstract (PMID 34090289: "4,3 ± 2,31 years ... (p = 0,9247)")
    assert real(corpus, 34090289, "4.3 ± 2.31 years; p = 0.9247") == ["found"] * 3
    # Re-set with three decimals: a leading zero, a P value, a correlation, a range of them
    text = ("(p = 0,9247)", "(p < 0,001; rs = -0,188; 0,120-0,250; 0,245)")
    assert (
        real(corpus, 34090289, "P < 0.001; -0.188; 0.120-0.250; 0.245", edit=text) == ["found"] * 5
    )
    # "1,245" in a text that prints decimal commas elsewhere is 1.245 ...
    assert real(corpus, 34090289, "1.245", edit=("4,3 ± 2,31", "1,245 ± 2,31")) == ["found"]
    # ... and in one that does not, "1,480" stays one thousand four hundred and eighty
    assert real(corpus, 26702259, "1480", edit=("One-hundred and twenty", "1,480")) == ["found"]
    assert real(corpus, 26702259, "1.48", edit=("One-hundred and twenty", "1,480")) == ["not-found"]


def test_chemical_locants_are_no_decimal_commas(corpus) -> None:
    # "L-3,4-dihydroxyphenylalanine" (PMID 404204) beside a thousands comma
    edit = ("a single injection", "1,480 injections and a single injection")
    assert real(corpus, 404204, "1,480 injections", edit=edit) == ["found"]


@pytest.mark.parametrize("space", ["\u2008", "\u2009", "\u202f", "\u00a0", "\u2007", " ", "\u205f"])
def test_any_unicode_space_separates_thousands(corpus, space: str) -> None:
    # The Lancet prints "21\u2008962 children" with a punctuation space (PMID 34087096)
    edit = ("21\u2008962", f"21{space}962")
    assert real(corpus, 34087096, "21,962 children; 881 (4.0%)", edit=edit) == ["found"] * 3
    assert real(corpus, 34087096, "962 children", edit=edit) == ["not-found"]


def test_million_and_billion(corpus) -> None:
    # "1.5 million in 2002 to 11.6 million in 2018 ... Of the 7.7 million people" (34095012)
    assert real(corpus, 34095012, "1,500,000; 11,600,000; 7,700,000") == ["found"] * 3
    assert real(corpus, 34095012, "11.6 million; 7.7 million") == ["found"] * 2
    assert real(corpus, 34095012, "12 million") == ["rounded"]
    assert real(corpus, 34095012, "1,170,000") == ["not-found"]
    # "1.3 billion records" (34095519); "0.63 million people" (26702307)
    assert real(corpus, 34095519, "1,300,000,000 records") == ["found"]
    assert real(corpus, 26702307, "630,000 people") == ["found"]
    # "1.17 million" is 1,170,000; "1.2 million" rounds it
    edit = ("7.7 million", "1.17 million")
    assert real(corpus, 34095012, "1,170,000; 1.2 million", edit=edit) == ["found", "rounded"]


def test_a_whole_number_rounds_only_a_value_in_its_unit(corpus) -> None:
    # "blood glucose by 7.7+/-1.5 mmol per liter" (PMID 404553): "8 years" rounds nothing there
    assert real(corpus, 404553, "8 years") == ["not-found"]
    assert real(corpus, 404553, "8 mmol per liter") == ["rounded"]
    # "mean age at diagnosis of 8.0±1.3 years" (33843788): 8 years is that, as printed
    assert real(corpus, 33843788, "8 years") == ["found"]
    # "the mean follow-up was 4.6 years (9-99 months)" (29523412): 5 years rounds it
    assert real(corpus, 29523412, "5 years") == ["rounded"]


def test_a_count_is_not_found_as_a_percentage(corpus) -> None:
    # "26 % (14-39) versus 7 % (1-18), p = 0.002" (PMID 26059205)
    assert real(corpus, 26059205, "7%; 26%; 14%") == ["found"] * 3
    assert real(corpus, 26059205, "7 patients") == ["not-found"]
    # "Eighteen patients randomly received ...", "for 24\xa0h": counts, not percentages
    assert real(corpus, 26059205, "18 patients; 24 h") == ["found", "found"]
    assert real(corpus, 26059205, "24%") == ["not-found"]
    # while the bounds of "7 % (1-18)" are percentages too
    assert real(corpus, 26059205, "1-18%") == ["found", "found"]
    # a P value is found as a P value, and a plain number is not found as one
    assert real(corpus, 26059205, "p = 0.002; P = .184") == ["found", "found"]
    assert real(corpus, 26059205, "P = 25") == ["not-found"]  # "25 cmH2O"


def test_fold_words_are_numbers(corpus) -> None:
    # "with a fourfold increase in frequency" (PMID 404780)
    assert real(corpus, 404780, "a 4-fold increase") == ["found"]
    assert real(corpus, 404780, "a 6-fold increase") == ["not-found"]


def test_a_list_after_a_p_value_is_of_p_values(corpus) -> None:
    # "more common after LCL (P=0.003 and 0.001, respectively)" (PMID 33734201)
    assert real(corpus, 33734201, "P = .003; P < .001") == ["found", "found"]
    # "(p\xa0=\xa00.03 and 0.04, respectively)" (PMID 38704912)
    assert real(corpus, 38704912, "p = 0.04") == ["found"]


def test_p_values_with_any_spacing(corpus) -> None:
    # "SMD, 0.65, 95 % confidence interval (CI) 0.23-1.08, P\u202f=\u202f 0.002" (34058368)
    assert real(corpus, 34058368, "SMD 0.65 (95% CI 0.23-1.08), P = .002") == ["found"] * 4
    assert real(corpus, 34058368, "P = 0.65") == ["not-found"]


# --- linear time on any input (issue #15) -------------------------------------------------
# Not timed (timings are bench/hostile.py's): every regular expression that extraction and
# `draft` apply is counted in the characters it is handed, and the total must stay within a
# fixed multiple of the input, on inputs shaped to make a rescanning implementation quadratic.
# Extraction used to search the whole prefix before every number: 40,000 numbers handed it
# some 2.4 billion characters, where 120,000 are read.

_LIMIT = 100  # characters handed to patterns, per character of input


class _Counted:
    """A compiled pattern that adds the length of every text it is handed to a tally."""

    def __init__(self, pattern: re.Pattern[str], tally: list[int]) -> None:
        self._pattern, self._tally = pattern, tally

    def _count(self, string: str, pos: int = 0, endpos: int | None = None) -> None:
        end = len(string) if endpos is None else min(endpos, len(string))
        self._tally[0] += max(0, end - pos)

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize):  # type: ignore[no-untyped-def]
        self._count(string, pos, endpos)
        return self._pattern.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize):  # type: ignore[no-untyped-def]
        self._count(string, pos, endpos)
        return self._pattern.match(string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize):  # type: ignore[no-untyped-def]
        self._count(string, pos, endpos)
        return self._pattern.fullmatch(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize):  # type: ignore[no-untyped-def]
        self._count(string, pos, endpos)
        return self._pattern.finditer(string, pos, endpos)

    def sub(self, repl, string: str, count: int = 0):  # type: ignore[no-untyped-def]
        self._count(string)
        return self._pattern.sub(repl, string, count)

    def split(self, string: str, maxsplit: int = 0):  # type: ignore[no-untyped-def]
        self._count(string)
        return self._pattern.split(string, maxsplit)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._pattern, name)


class _CountingRe:
    """The ``re`` module as a module under test sees it, with counted patterns."""

    def __init__(self, tally: list[int]) -> None:
        self._tally = tally

    def _compiled(self, pattern, flags: int = 0) -> _Counted:  # type: ignore[no-untyped-def]
        if isinstance(pattern, _Counted):  # a module-level pattern, handed to re.sub & co
            pattern = pattern._pattern
        return _Counted(re.compile(pattern, flags), self._tally)

    def search(self, pattern, string, flags=0):  # type: ignore[no-untyped-def]
        return self._compiled(pattern, flags).search(string)

    def match(self, pattern, string, flags=0):  # type: ignore[no-untyped-def]
        return self._compiled(pattern, flags).match(string)

    def fullmatch(self, pattern, string, flags=0):  # type: ignore[no-untyped-def]
        return self._compiled(pattern, flags).fullmatch(string)

    def finditer(self, pattern, string, flags=0):  # type: ignore[no-untyped-def]
        return self._compiled(pattern, flags).finditer(string)

    def sub(self, pattern, repl, string, count=0, flags=0):  # type: ignore[no-untyped-def]
        return self._compiled(pattern, flags).sub(repl, string, count)

    def split(self, pattern, string, maxsplit=0, flags=0):  # type: ignore[no-untyped-def]
        return self._compiled(pattern, flags).split(string, maxsplit)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(re, name)


@pytest.fixture
def tally(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the characters every pattern of figures, article and draft is handed."""
    import ta1check.article
    import ta1check.draft
    import ta1check.figures

    counted = [0]
    # the article side is a package: its patterns live in its step modules (each imported
    # at its first use: import them all here)
    steps = [
        importlib.import_module(f"ta1check.article.{m.name}")
        for m in pkgutil.iter_modules(ta1check.article.__path__)
    ]
    for module in (ta1check.figures, *steps, ta1check.draft):
        monkeypatch.setattr(module, "re", _CountingRe(counted), raising=False)
        for name, value in vars(module).items():
            if isinstance(value, (re.Pattern, LazyPattern)):  # compiled now or at first use
                monkeypatch.setattr(module, name, _Counted(compiled(value), counted))
    return counted


def _hostile(kind: str, n: int) -> str:
    numbers = [str(10 + (i * 7919) % 90) for i in range(n)]
    return {
        "numbers": " ".join(numbers),
        "percent-lists": ", ".join(f"{x}" for x in numbers) + "%",
        "p-values": " ".join(f"P = 0.{x}" for x in numbers),
        "spaces": "5" + " " * (3 * n) + "per cent",
        "words": " and ".join(["thirteen", "one hundred and twenty", "six"] * (n // 3)),
        "sentences": " ".join(
            f"Rate was {x}% (Smith {1990 + i % 30})." for i, x in enumerate(numbers)
        ),
        "commas": ",".join(numbers) + ",5",
        "thousands": " ".join(["123"] * n) + " 4567",
    }[kind]


@pytest.mark.parametrize(
    "kind",
    ["numbers", "percent-lists", "p-values", "spaces", "words", "sentences", "commas", "thousands"],
)
def test_extraction_reads_each_character_a_bounded_number_of_times(tally, kind: str) -> None:
    text = _hostile(kind, 20_000)
    found = extract(text)
    assert tally[0] <= _LIMIT * len(text), f"{tally[0] / len(text):.0f} per character"
    if kind == "numbers":
        assert len(found) == 20_000


def test_draft_of_40000_numbers_is_linear_and_complete(tally, run, tmp_path: Path) -> None:
    # issue #15: a 120 KB one-line article of 40,000 numbers took 17 s
    numbers = [str(10 + (i * 7919) % 90) for i in range(40_000)]
    article = write(tmp_path / "a.md", " ".join(numbers) + "\n")
    out = run("draft", str(article), "--offline")
    assert out.code == 0, out.stderr
    assert tally[0] <= _LIMIT * len(" ".join(numbers))
    listed = next(line for line in out.stdout.splitlines() if line.startswith("# line 1: "))
    assert listed.removeprefix("# line 1: ").split(" — ")[0].split("; ") == numbers


def test_draft_of_many_sentences_is_linear(tally, run, tmp_path: Path) -> None:
    sentences = [f"Rate was {10 + i % 90}% (Smith 2019)." for i in range(5_000)]
    text = " ".join(sentences) + "\n\n## References\n\nSmith J. A title. Lancet. 2019;1:1-2.\n"
    article = write(tmp_path / "a.md", text)
    out = run("draft", str(article), "--offline")
    assert out.code == 0, out.stderr
    assert tally[0] <= _LIMIT * len(text)
