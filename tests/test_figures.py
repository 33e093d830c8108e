"""Stated figures: every printed form of a number is found, no number is found inside another,
rounding is told apart, and each miss shows what the abstract has. Abstract text is real
(../shared/pubmed); where a typographic style does not occur there (Lancet's middle dot, the
decimal comma, thin-space thousands), a real sentence is re-set in that style."""

from __future__ import annotations

import json
from decimal import Decimal
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
