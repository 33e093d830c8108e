"""Stated figures: extracting the numbers an article states, and finding them in an abstract.

Numbers are compared as values, never as substrings. So "9.4%" is not found in "19.4%", and
"40.6%" is found in "40·6 %", "40,6%" and "40.6 per cent". A figure stated with fewer decimals
than the source gives ("41%" for "40.6%") is reported as rounded, which is neither a pass nor a
miss.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# --- Typography ---------------------------------------------------------------------------

_SPACES = "\u00a0\u2009\u202f\u2007\u200a"  # no-break, thin, narrow no-break, figure, hair
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"  # hyphens, dashes, minus signs
_MIDDLE_DOT = "\u00b7\u2027\u22c5"  # Lancet's decimal point, and look-alikes
_PERCENT_WORDS = re.compile(r"\s*\bper\s?cent\b|\s*\bpercent\b", re.IGNORECASE)

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000}
_NUMBER_WORD = "|".join([*_UNITS, *_TENS, *_SCALES])
_WORD_NUMBER = re.compile(
    rf"\b(?:{_NUMBER_WORD})(?:(?:[\s-]+|\s+and\s+)(?:{_NUMBER_WORD}))*\b", re.IGNORECASE
)

# A number: optional sign, digits with optional thousands separators, optional decimals; or a
# bare decimal such as ".004". Glued to a letter before it ("TLR-9", "CD4") it is a name.
_NUMBER = re.compile(
    r"""
    (?<![\w.])                             # not inside a word or another number
    (?P<sign>-(?=[.\d]))?
    (?P<int>\d{1,3}(?:,\d{3})+(?!\d)|\d+)?
    (?P<frac>\.\d+)?
    (?P<plus>\+)?
    (?P<pct>\s?%)?
    """,
    re.VERBOSE,
)
_IDENTIFIER_BEFORE = re.compile(r"[A-Za-z][-/]?$")
_CONFIDENCE_LEVEL = re.compile(r"^\s*(?:CI|confidence)", re.IGNORECASE)


def _words_to_int(phrase: str) -> int | None:
    total, current = 0, 0
    for word in re.split(r"[\s-]+", phrase.lower()):
        if word == "and" or not word:
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word == "thousand":
            total += (current or 1) * 1000
            current = 0
        else:
            return None
    return total + current


_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_PERCENT_RANGE_END = re.compile(r"\s*(?:-|to)\s*-?\d[\d.,]*\s?%", re.IGNORECASE)


def normalize_numbers(text: str) -> str:
    """Rewrite the ways numbers are printed into one: ``40·6`` and ``40,6`` to ``40.6``,
    thin-space thousands to plain digits, "per cent" to "%", dashes to "-", number words
    ("Ninety-eight") to digits. Markup goes (``10<sup>9</sup>`` reads ``10^9``)."""
    text = text.replace("<sup>", "^")
    text = _TAG.sub("", text)
    for ch in _SPACES:
        text = text.replace(ch, " ")
    for ch in _DASHES:
        text = text.replace(ch, "-")
    text = re.sub(rf"(?<=\d)[{_MIDDLE_DOT}](?=\d)", ".", text)
    # Thousands groups separated by a space: "11 000" (SI style) becomes "11000" when the
    # groups are exactly three digits.
    text = re.sub(
        r"(?<![\d.,])(\d{1,3})((?: \d{3})+)(?!\d)",
        lambda m: m.group(1) + m.group(2).replace(" ", ""),
        text,
    )
    # Decimal comma: "40,6" (one or two digits, or four or more, after the comma) is 40.6;
    # "1,480" (exactly three) is a thousands separator.
    text = re.sub(r"(?<![\d,])(\d+),(\d{1,2}|\d{4,})(?!\d|,\d)", r"\1.\2", text)
    text = _PERCENT_WORDS.sub("%", text)
    text = _WORD_NUMBER.sub(_replace_words, text)
    return text


def _replace_words(match: re.Match[str]) -> str:
    phrase = match.group(0)
    if phrase.strip().lower() in {"and", "one"}:  # "one" is too often a pronoun
        return phrase
    value = _words_to_int(phrase)
    return phrase if value is None else str(value)


# --- Quantities ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    """A number as printed: its value, how many decimals it was printed with, and whether it
    is a percentage."""

    value: Decimal
    decimals: int
    percent: bool
    text: str

    def __str__(self) -> str:
        return self.text


def extract(text: str, *, skip_confidence_levels: bool = False) -> tuple[Quantity, ...]:
    """Every number in ``text``, after ``normalize_numbers``. With ``skip_confidence_levels``
    the "95" of "95% CI" is left out: a convention, not a finding."""
    normalized = normalize_numbers(text)
    found: list[Quantity] = []
    for m in _NUMBER.finditer(normalized):
        if not (m.group("int") or m.group("frac")):
            continue
        if _IDENTIFIER_BEFORE.search(normalized[: m.start()]):
            continue  # TLR-9, CD4, COVID-19: a name, not a quantity
        digits = (m.group("int") or "0").replace(",", "") + (m.group("frac") or "")
        value = Decimal(digits)
        if m.group("sign") and not _is_range_dash(normalized, m.start()):
            value = -value
        # "32 to 52%", "32-52%": the first number of a percentage range is a percentage too.
        percent = bool(m.group("pct")) or bool(_PERCENT_RANGE_END.match(normalized, m.end()))
        if skip_confidence_levels and percent and _CONFIDENCE_LEVEL.match(normalized[m.end() :]):
            continue
        decimals = len(m.group("frac")) - 1 if m.group("frac") else 0
        found.append(Quantity(value, decimals, percent, m.group(0).strip()))
    return tuple(found)


def _is_range_dash(text: str, start: int) -> bool:
    """A dash right after a number is a range ("0.59-0.78"), not a minus sign."""
    return start > 0 and (text[start - 1].isdigit() or text[start - 1] == "%")


def stated_quantities(figure: str) -> tuple[Quantity, ...]:
    """The quantities a claim's ``figure`` (or ``text``) states."""
    return extract(figure, skip_confidence_levels=True)


# --- Matching -----------------------------------------------------------------------------


class Match(enum.Enum):
    FOUND = "found"
    ROUNDED = "rounded"
    NOT_FOUND = "not-found"


def _rounded(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def match(stated: Quantity, candidates: Iterable[Quantity]) -> tuple[Match, Quantity | None]:
    """Look for ``stated`` among ``candidates``: the same value (a stated percentage only
    among percentages), else the same value at the stated number of decimals."""
    pool = [c for c in candidates if c.percent or not stated.percent]
    for c in pool:
        if c.value == stated.value:
            return Match.FOUND, c
    for c in pool:
        if c.decimals > stated.decimals and _rounded(c.value, stated.decimals) == stated.value:
            return Match.ROUNDED, c
    return Match.NOT_FOUND, None


def closest(stated: Quantity, candidates: Sequence[Quantity], n: int = 3) -> tuple[str, ...]:
    """The ``n`` numbers nearest in value (same kind first), as printed, for a miss message."""
    same_kind = [c for c in candidates if c.percent == stated.percent] or list(candidates)
    ranked = sorted(dict.fromkeys(same_kind), key=lambda c: abs(c.value - stated.value))
    return tuple(dict.fromkeys(c.text for c in ranked))[:n]


def find_in(stated: Quantity, text: str) -> tuple[Match, Quantity | None]:
    return match(stated, extract(text))


# --- Verdicts -----------------------------------------------------------------------------


class FigureStatus(enum.Enum):
    """The verdict on one stated number."""

    FOUND = "found"
    FOUND_IN_FULLTEXT = "found-in-fulltext"
    ROUNDED = "rounded"
    NOT_FOUND = "not-found"
    UNVERIFIABLE = "unverifiable"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class FigureVerdict:
    """What became of one stated number: where it was found, as what, or what is there."""

    stated: str
    status: FigureStatus
    where: str | None = None
    matched: str | None = None
    closest: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """A titled part of a full text (or of a record: "abstract")."""

    title: str
    text: str


def judge(
    stated: Quantity, abstract: Sequence[Section], fulltext: Sequence[Section] = ()
) -> FigureVerdict:
    """The verdict on ``stated`` given the record's title and abstract, then its full text."""
    rounded: tuple[Section, Quantity] | None = None
    for part, in_fulltext in [*((s, False) for s in abstract), *((s, True) for s in fulltext)]:
        outcome, found = find_in(stated, part.text)
        if outcome is Match.FOUND and found is not None:
            status = FigureStatus.FOUND_IN_FULLTEXT if in_fulltext else FigureStatus.FOUND
            where = f"full text: {part.title}" if in_fulltext else part.title
            return FigureVerdict(stated.text, status, where, found.text)
        if outcome is Match.ROUNDED and found is not None and rounded is None:
            rounded = (part, found)
    if rounded is not None:
        part, found = rounded
        return FigureVerdict(stated.text, FigureStatus.ROUNDED, part.title, found.text)
    pool = [q for s in [*abstract, *fulltext] for q in extract(s.text)]
    return FigureVerdict(stated.text, FigureStatus.NOT_FOUND, closest=closest(stated, pool))
