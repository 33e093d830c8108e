"""Stated figures on real abstracts (issue #11), generated from the corpus of real PubMed
records (tests/corpus.py: tests/data/corpus and ../shared/pubmed, some 2,700 records).

Every number an abstract prints is read here by a reading of this test's own, independent of
``figures.extract`` (a plain token: digits, a decimal point or middle dot, thousands by comma or
by any space; a sign after a space or bracket; a percentage by "%" or "per cent", or as the
first number of a percentage range; a P value after "P ="). Each is restated the ways editors
restate it ("34.4%", "34.4 per cent", "P = .046", "1,480", "1 480", "−0.32", "twelve") and must be
found. Numbers planted absent (the printed number moved in its last digit, where no number of
the abstract has that value or rounds to it) must not be found, nor reported rounded. A number
of one kind restated as another ("4%" as "4 patients", "12 patients" as "12%", a plain number
as a P value) must not be found either.

``uv run python tests/test_figures_real.py`` prints the figures.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from corpus import corpus_records
from ta1check.figures import Kind, Section, extract, judge, stated_quantities

_SPACE = "[ \u00a0\u2000-\u200a\u202f\u205f\u3000]"
_TOKEN = re.compile(
    rf"(?<![\w.,·])"
    rf"(?P<sign>(?:(?<=^)|(?<=[\s(\[=:;,<>]))[-−])?"
    rf"(?P<num>\d{{1,3}}(?:{_SPACE}\d{{3}})+(?:[.·]\d+)?(?!\d|[.,]\d)"
    rf"|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?(?![\d.,]\d)"
    rf"|\d+(?:[.·]\d+)?)"
    rf"(?![\w·(]|[.,]\d)"
    rf"(?P<pct>{_SPACE}?%|{_SPACE}per ?cent\b|{_SPACE}percent\b)?"
)
_P_BEFORE = re.compile(rf"(?<![A-Za-z])[Pp]{_SPACE}*(?:value)?{_SPACE}*[<=>≤≥]{_SPACE}*$")
_RANGE_TO_PERCENT = re.compile(
    rf"{_SPACE}?(?:--?|–|to){_SPACE}?[-−]?\d+(?:[.·]\d+)?{_SPACE}?(?:%|per ?cent|percent)"
)
# Markup (and what sub- and superscripts hold), powers of ten ("1.4 × 10(-3)"): not read here.
_SKIP = re.compile(
    r"\d+(?:[.·]\d+)?\s?[×xX]\s?10(?:\(-?\d+\)|<sup>.*?</sup>)"
    r"|<(sub|sup)>.*?</\1>|<[^>]+>"
)
_NAME_BEFORE = re.compile(r"(?:[A-Za-z)\x00]|[A-Za-z)\x00][-/‐‑]{1,2}|,-\s?|\$)$")
_WORDS = [
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
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def spelled(n: int) -> str:
    """1 <= n <= 99 in words, as an editor spells it ("Ninety-eight")."""
    if n < 20:
        return _WORDS[n]
    tens, unit = divmod(n, 10)
    return _TENS[tens - 2] + (f"-{_WORDS[unit]}" if unit else "")


@dataclass(frozen=True)
class Printed:
    """One number as the abstract prints it, read by this test."""

    pmid: int
    value: Decimal
    digits: str  # without sign, thousands separators; "." for the decimal point
    negative: bool
    kind: Kind
    context: str


# A decimal comma as European abstracts print it ("4,3 ± 2,31 years", "31,7%"): one or two
# digits after the comma, not a chemical locant ("3,4-dihydroxy", "1,25(OH)") nor an interval.
_DECIMAL_COMMA = re.compile(
    rf"(?<![\w,.^\[-])(?P<num>\d+,\d{{1,2}})(?![\w(',\]-]|\d|,\d)(?P<pct>{_SPACE}?%)?"
)


def printed_numbers(pmid: int, text: str) -> list[Printed]:
    blanked = _SKIP.sub(lambda m: "\x00" * len(m.group(0)), text)
    found = []
    for m in _DECIMAL_COMMA.finditer(blanked):
        digits = m.group("num").replace(",", ".")
        kind = Kind.PERCENT if m.group("pct") else Kind.NUMBER
        context = text[max(0, m.start() - 50) : m.end() + 30]
        found.append(Printed(pmid, Decimal(digits), digits, False, kind, context))
    for m in _TOKEN.finditer(blanked):
        start = m.start("num") if not m.group("sign") else m.start("sign")
        if _NAME_BEFORE.search(blanked, max(0, start - 3), start):
            continue
        if "\x00" in blanked[m.end() : m.end() + 1]:
            continue
        digits = re.sub(_SPACE, "", m.group("num")).replace(",", "").replace("·", ".")
        if len(digits) > 15:
            continue
        if m.group("pct") or _RANGE_TO_PERCENT.match(blanked, m.end()):
            kind = Kind.PERCENT
        elif _P_BEFORE.search(blanked, max(0, start - 12), start):
            kind = Kind.P_VALUE
        else:
            kind = Kind.NUMBER
        negative = bool(m.group("sign"))
        value = -Decimal(digits) if negative else Decimal(digits)
        context = text[max(0, m.start() - 50) : m.end() + 30]
        found.append(Printed(pmid, value, digits, negative, kind, context))
    return found


def restatements(p: Printed) -> list[str]:
    """How editors restate the number ``p``."""
    sign = "-" if p.negative else ""
    if p.kind is Kind.PERCENT:
        return [f"{sign}{p.digits}%", f"{sign}{p.digits} %", f"{sign}{p.digits} per cent"]
    if p.kind is Kind.P_VALUE:
        forms = [f"P = {p.digits}", f"p<{p.digits}"]
        if p.digits.startswith("0."):
            forms.append(f"P = {p.digits[1:]}")
        return forms
    forms = [f"{sign}{p.digits}"]
    if p.negative:
        forms.append(f"\u2212{p.digits}")
    whole, _, frac = p.digits.partition(".")
    if len(whole) > 3 and not whole.startswith("0"):
        grouped = f"{int(whole):,}" + (f".{frac}" if frac else "")
        forms += [f"{sign}{grouped}", f"{sign}{grouped.replace(',', chr(0x2009))}"]
    if not frac and not p.negative and 2 <= int(whole) <= 99 and whole == str(int(whole)):
        forms.append(f"{spelled(int(whole))} patients")
    return forms


def _absent_value(p: Printed, present: set[Decimal], rounds: set[Decimal]) -> str | None:
    """A number printed like ``p`` but moved in its last digit, that the abstract has nowhere
    (as a value, or rounded to that many decimals)."""
    step = Decimal(1).scaleb(-len(p.digits.partition(".")[2]))
    for k in (3, 7, -3, 11):
        candidate = abs(p.value) + k * step
        if candidate <= 0 or candidate in present or candidate in rounds:
            continue
        text = f"{candidate:f}"
        if text.partition(".")[2] != p.digits.partition(".")[2] and "." in p.digits:
            continue
        return text
    return None


@dataclass
class Figures:
    """What the measurement found."""

    records: int = 0
    printed: int = 0
    restated: int = 0
    restated_found: int = 0
    scaled: int = 0
    absent: int = 0
    absent_found: int = 0
    absent_rounded: int = 0
    other_kind: int = 0
    other_kind_found: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    misses: list[tuple[int, str, str, str]] = field(default_factory=list)


def _sections(record) -> list[Section]:  # type: ignore[no-untyped-def]
    return [Section("title", record.title), Section("abstract", record.abstract)]


@cache
def measure() -> Figures:
    figures = Figures()
    for pmid, record in sorted(corpus_records().items()):
        if not record.has_abstract:
            continue
        figures.records += 1
        sections = _sections(record)
        printed = [p for s in sections for p in printed_numbers(pmid, s.text)]
        extracted = [q for s in sections for q in extract(s.text)]
        values = {abs(p.value) for p in printed} | {abs(q.value) for q in extracted}
        values |= {abs(q.alternative) for q in extracted if q.alternative is not None}
        plain = {abs(p.value) for p in printed if p.kind is not Kind.PERCENT}
        plain |= {abs(q.value) for q in extracted if not q.percent or q.inferred}
        percents = {abs(p.value) for p in printed if p.kind is Kind.PERCENT}
        percents |= {abs(q.value) for q in extracted if q.percent}
        pvalues = {abs(q.value) for q in extracted if q.kind is Kind.P_VALUE}
        figures.printed += len(printed)
        for q in extracted:  # "1.3 billion", "2.5 × 10(9)": restated in digits
            if q.alternative is not None and q.value == q.value.to_integral() and q.value >= 1000:
                figures.scaled += 1
                form = f"{int(q.value):,}" + ("%" if q.percent else "")
                verdict = _judge(form, sections)
                figures.by_status[verdict] += 1
                if verdict != "found":
                    figures.misses.append((pmid, form, verdict, q.text))
        for p in printed:
            for form in restatements(p):
                figures.restated += 1
                verdict = _judge(form, sections)
                figures.by_status[verdict] += 1
                if verdict == "found":
                    figures.restated_found += 1
                else:
                    figures.misses.append((pmid, form, verdict, p.context))
            decimals = len(p.digits.partition(".")[2])
            rounds = {v.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP) for v in values}
            absent = _absent_value(p, values, rounds)
            if absent is not None:
                form = f"{absent}%" if p.kind is Kind.PERCENT else absent
                if p.kind is Kind.P_VALUE:
                    form = f"P = {absent}"
                figures.absent += 1
                verdict = _judge(form, sections)
                figures.absent_found += verdict == "found"
                figures.absent_rounded += verdict == "rounded"
                if verdict != "not-found":
                    figures.misses.append((pmid, form, f"planted absent, {verdict}", p.context))
            value = abs(p.value)
            other = None
            if p.kind is Kind.PERCENT and value not in plain:
                other = f"{p.digits} patients"
            elif p.kind is Kind.NUMBER and value not in percents and not p.negative:
                other = f"{p.digits}%"
            elif p.kind is Kind.NUMBER and value not in pvalues and value < 1:
                other = f"P = {p.digits}"
            if other is not None:
                figures.other_kind += 1
                verdict = _judge(other, sections)
                if verdict == "found":
                    figures.other_kind_found += 1
                    figures.misses.append((pmid, other, "other kind, found", p.context))
    return figures


def _judge(form: str, sections: list[Section]) -> str:
    quantities = stated_quantities(form)
    if len(quantities) != 1:
        return f"read as {len(quantities)} numbers"
    return judge(quantities[0], sections).status.value


# --- the tests ----------------------------------------------------------------------------


def test_the_corpus_is_big_enough_to_judge() -> None:
    figures = measure()
    assert figures.records >= 1500
    assert figures.printed >= 15000
    assert figures.absent >= 10000
    assert figures.other_kind >= 5000
    assert figures.scaled >= 20  # "1.3 billion", "2.5 × 10(9)"


def test_every_printed_number_restated_is_found() -> None:
    figures = measure()
    misses = [m for m in figures.misses if not m[2].startswith(("planted", "other"))]
    assert misses == []
    assert figures.restated_found == figures.restated


def test_no_planted_absent_number_is_found_or_called_rounded() -> None:
    figures = measure()
    assert [m for m in figures.misses if m[2].startswith("planted")] == []
    assert figures.absent_found == figures.absent_rounded == 0


def test_no_number_is_found_as_another_kind() -> None:
    figures = measure()
    assert [m for m in figures.misses if m[2].startswith("other")] == []


def test_the_reading_here_is_not_the_one_under_test() -> None:
    # The measurement is only worth something if this test's reading and figures.extract are
    # two readings: on real text they agree on the values, by different rules.
    text = "rates 32 to 52 per cent, P\u202f=\u202f 0.002, 13\u2008099·5 and (HIF)-1"
    assert [(p.value, p.kind) for p in printed_numbers(0, text)] == [
        (Decimal(32), Kind.PERCENT),
        (Decimal(52), Kind.PERCENT),
        (Decimal("0.002"), Kind.P_VALUE),
        (Decimal("13099.5"), Kind.NUMBER),
    ]
    assert [q.value for q in extract(text)] == [32, 52, Decimal("0.002"), Decimal("13099.5")]


if __name__ == "__main__":
    result = measure()
    print(f"records with an abstract: {result.records}")
    print(f"numbers printed: {result.printed}; restated {result.restated} ways in all")
    print(f"restated and found: {result.restated_found} ({dict(result.by_status)})")
    print(f"scaled numbers restated in digits: {result.scaled}")
    print(f"planted absent: {result.absent}; found {result.absent_found}, ", end="")
    print(f"rounded {result.absent_rounded}")
    print(f"restated as another kind: {result.other_kind}; found {result.other_kind_found}")
    for miss in result.misses[: int(sys.argv[1]) if len(sys.argv) > 1 else 30]:
        print(miss)
