"""Stated figures: extracting the numbers an article states, and finding them in an abstract.

Numbers are compared as values, never as substrings. So "9.4%" is not found in "19.4%", and
"40.6%" is found in "40·6 %", "40,6%" and "40.6 per cent". A figure stated with fewer decimals
than the source gives ("41%" for "40.6%") is reported as rounded, which is neither a pass nor a
miss. Each number has a kind (a plain number, a percentage, a P value): "4 patients" is not
found in "4%".

Every step is linear in the length of the text: each number is judged by a bounded window
around it, never by rescanning what came before it, and no pattern backtracks over a run that
another attempt has already scanned.
"""

from __future__ import annotations

import bisect
import enum
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from functools import lru_cache

from .lazyre import lazy_compile

# --- Typography ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _space_table() -> dict[int, str | None]:
    """The table ``normalize_numbers`` translates text with, made at its first use (a scan of
    12,000 code points: 10 ms of start-up otherwise). Every Unicode space separator (category
    Zs: no-break, thin, punctuation, figure, hair, ideographic…) reads as a plain space;
    invisible format characters (zero-width space, word joiner, soft hyphen, byte-order mark)
    go."""
    table: dict[int, str | None] = {}
    for code in range(0x80, 0x3001):
        if unicodedata.category(chr(code)) == "Zs":
            table[code] = " "
    for code in (0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF):
        table[code] = None
    for ch in "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d":  # hyphens, dashes, minus
        table[ord(ch)] = "-"
    return table


_MIDDLE_DOT = "\u00b7\u2027\u22c5"  # Lancet's decimal point, and look-alikes
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_POWER_OF_TEN = lazy_compile(r"(?<=10)([⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})")
_PERCENT_WORDS = lazy_compile(
    r"\bper\s?cent\b|\bpercent\b",
    re.IGNORECASE,
)
_TAG = lazy_compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")

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
}
_TEENS = {
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
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
_SMALL = {*_UNITS, *_TEENS, *_TENS}  # what may follow "and" in "one hundred and twenty"
_NUMBER_WORD = "|".join(sorted([*_UNITS, *_TEENS, *_TENS, "hundred", *_SCALES], key=len)[::-1])
_WORD_NUMBER = lazy_compile(
    rf"\b(?:{_NUMBER_WORD})(?:(?:[ \t-]+|[ \t]+and[ \t]+)(?:{_NUMBER_WORD}))*\b", re.IGNORECASE
)


def _word_numbers(phrase: str) -> str:
    """Number words to digits. A phrase may hold several numbers: "thirteen and six" is 13 and
    6, "between nine and thirteen" 9 and 13, while "one hundred and twenty" is 120: "and"
    joins only what follows a hundred or a thousand. "one" alone stays a word (a pronoun as
    often as a number), and so does a scale alone ("million" in "1.17 million"). A phrase
    with a letter that the case-blind pattern matched but is none of a number word's ("ſix",
    "Nİne": long s, dotted or dotless I) stays as printed: it read as no number (KeyError)."""
    if not phrase.isascii():
        return phrase
    words = re.split(r"[ \t-]+", phrase)
    pieces: list[str] = []  # numbers as digits, and the words between them
    number: list[str] = []  # the words of the number being read

    def close() -> None:
        if number:
            pieces.append(_spell(number))
            number.clear()

    for i, word in enumerate(words):
        low = word.lower()
        if low == "and":
            follows = words[i + 1].lower() if i + 1 < len(words) else ""
            joins = number and number[-1].lower() in {"hundred", *_SCALES}
            if joins and follows in _SMALL and _continues(number, follows):
                continue  # "one hundred and twenty"
            close()
            pieces.append("and")
            continue
        if number and not _continues(number, low):
            close()
        number.append(word)
    close()
    return " ".join(pieces)


def _continues(number: list[str], word: str) -> bool:
    """Whether ``word`` goes on the number spelled by ``number`` ("twenty" + "two", "two" +
    "hundred", "hundred" + "five", "thousand" + "two"), rather than starting another."""
    if word not in _SMALL and word != "hundred" and word not in _SCALES:
        return False
    last = number[-1].lower()
    # the part after the last scale word: at most "N hundred", then tens and units
    group = []
    for w in reversed(number):
        if w.lower() in _SCALES:
            break
        group.append(w.lower())
    group.reverse()
    scales = [_SCALES[w.lower()] for w in number if w.lower() in _SCALES]
    if word in _SCALES:
        if last in _SCALES and not group:
            return False
        return not scales or _SCALES[word] < min(scales)
    if word == "hundred":
        return len(group) == 1 and (group[0] in _UNITS or group[0] in _TEENS) and last != "zero"
    if not group or last == "hundred":
        return True  # "thousand two", "hundred five", "hundred and twenty"
    if last in _TENS and word in _UNITS and word != "zero":
        return "hundred" in group or len(group) == 1
    return False


def _spell(number: list[str]) -> str:
    words = [w.lower() for w in number]
    if words == ["one"] or words[0] in _SCALES:
        return " ".join(number)
    total, group = 0, 0
    for w in words:
        if w in _UNITS:
            group += _UNITS[w]
        elif w in _TEENS:
            group += _TEENS[w]
        elif w in _TENS:
            group += _TENS[w]
        elif w == "hundred":
            group = (group or 1) * 100
        else:
            total += (group or 1) * _SCALES[w]
            group = 0
    return str(total + group)


# Decimal comma. "40,6" (one or two digits after the comma, or four or more) is 40.6; with
# exactly three ("1,480") the comma is a thousands separator unless the text shows a decimal:
# a leading zero ("0,245", "p < 0,001", "rs = -0,188"), or a text that prints decimal commas
# elsewhere and no comma thousands. Chemical locants ("3,4-dihydroxy", "1,25(OH)", "6,6'-"),
# superscript citations ("^1,2") and intervals ("[0,1]") are neither, and are no evidence.
_COMMA_NUMBER = lazy_compile(r"(?<![\w,.^])(\d+),(\d+)(?!\d|,\d)")
_DOT_THOUSANDS = lazy_compile(r"(?<![\w.,])[1-9]\d{0,2}(?:\.\d{3})+(?!\d|[.,]\d)")
_COMMA_THOUSANDS = lazy_compile(r"\d,\d{3},\d{3}(?!\d)|(?<![\d,])\d{1,3},\d{3}\.\d")


def _comma_role(text: str, m: re.Match[str]) -> str:
    """What the comma of ``m`` is: "name" (a locant, an interval, a citation), "decimal",
    "thousands" or "either" (three digits after it, no leading zero)."""
    start, end = m.start(), m.end()
    after = text[end : end + 2]
    if after[:1] in {"(", "'", "’", "′"} or after[:1].isalpha():
        return "name"
    if after[:1] == "-" and after[1:2].isalpha():
        return "name"
    if start > 1 and text[start - 1] == "-" and text[start - 2].isalpha():
        return "name"
    if start > 0 and text[start - 1] == "[" and after[:1] == "]":
        return "name"
    whole, frac = m.group(1), m.group(2)
    if len(frac) != 3 or whole.lstrip("0") == "" or len(whole) > 3:
        return "decimal"
    return "either"


def _decimal_commas(text: str) -> str:
    roles = [(m, _comma_role(text, m)) for m in _COMMA_NUMBER.finditer(text)]
    if not roles:
        return text
    evidence = any(
        role == "decimal"
        and not (m.start() and text[m.start() - 1] == "(" and text[m.end() : m.end() + 1] == ")")
        for m, role in roles
    )
    decimal_text = evidence and _COMMA_THOUSANDS.search(text) is None
    if decimal_text:  # its thousands are dots, if any: "1.480 pacientes, 4,3 años"
        text = _DOT_THOUSANDS.sub(lambda m: m.group(0).replace(".", ""), text)
        roles = [(m, _comma_role(text, m)) for m in _COMMA_NUMBER.finditer(text)]
    out: list[str] = []
    pos = 0
    for m, role in roles:
        if role == "decimal" or (role == "either" and decimal_text):
            out += [text[pos : m.start()], m.group(1), ".", m.group(2)]
            pos = m.end()
    out.append(text[pos:])
    return "".join(out)


# "twofold", "tenfold": 2-fold, 10-fold
_FOLD = lazy_compile(
    r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen)[ -]?fold\b",
    re.IGNORECASE,
)
_DECIMAL_DOT = lazy_compile(rf"(?<=\d)[{_MIDDLE_DOT}](?=\d)")
# Thousands groups separated by a space: "11 000" (SI style) becomes "11000" when the groups
# are exactly three digits.
_SPACED_THOUSANDS = lazy_compile(r"(?<![\d.,])(\d{1,3})((?: \d{3})+)(?!\d)")


def _fold(m: re.Match[str]) -> str:
    """ "twofold" as "2-fold"; a word the case-blind pattern matched that is no number word
    ("ſixfold", with a long s) stays as printed (it raised KeyError before #16)."""
    word = m.group(1).lower()
    value = _UNITS.get(word) or _TEENS.get(word)
    return f"{value}-fold" if value else m.group(0)


def normalize_numbers(text: str) -> str:
    """Rewrite the ways numbers are printed into one: ``40·6`` and ``40,6`` to ``40.6``,
    space-separated thousands (any Unicode space) to plain digits, "per cent" to "%", dashes
    to "-", number words ("Ninety-eight") to digits. Markup goes (``10<sup>9</sup>`` reads
    ``10^9``, as does ``10⁹``)."""
    # NOTE: each rewrite runs only on a text that holds what it rewrites (a character, two
    # digits around a space or a comma, a word), looked for at C speed: most abstracts hold
    # none of most, and each pattern tried at every position cost 50-300 us an abstract,
    # a millisecond a figure claim in all (#16). The result is the same text.
    text = text.replace("<sup>", "^")
    if "<" in text:
        text = _TAG.sub("", text)
    if not text.isascii():
        table = _space_table()
        if any(ch in text for ch in _table_chars()):
            text = text.translate(table)
        if any(ch in text for ch in _SUPERSCRIPT_CHARS):
            text = _POWER_OF_TEN.sub(lambda m: "^" + m.group(1).translate(_SUPERSCRIPTS), text)
        if any(ch in text for ch in _MIDDLE_DOT):
            text = _DECIMAL_DOT.sub(".", text)
    if _SPACED_DIGITS.search(text):
        text = _SPACED_THOUSANDS.sub(lambda m: m.group(1) + m.group(2).replace(" ", ""), text)
    if _COMMA_DIGITS.search(text):
        text = _decimal_commas(text)
    lowered = _lowered(text)
    if lowered is None or ("per" in lowered and "cent" in lowered):
        text = _PERCENT_WORDS.sub("%", text)
    if lowered is None or "fold" in lowered:  # "%" in place of "per cent" makes no "fold"
        text = _FOLD.sub(_fold, text)
    lowered = _lowered(text)
    if lowered is None:
        return _WORD_NUMBER.sub(lambda m: _word_numbers(m.group(0)), text)
    # the same matches as the case-blind pattern's, found by the case-bound one (5 times
    # faster) in the text lowered letter for letter
    out: list[str] = []
    pos = 0
    for m in _WORD_NUMBER_LOWER.finditer(lowered):
        out += [text[pos : m.start()], _word_numbers(text[m.start() : m.end()])]
        pos = m.end()
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


#: Characters a case-blind pattern matches with an ASCII letter that ``str.lower`` does not
#: make one (dotted and dotless I, long s, Kelvin sign): a text that holds one is matched
#: by the case-blind patterns themselves.
_CASE_ODD = "\u0130\u0131\u017f\u212a"
_WORD_NUMBER_LOWER = lazy_compile(
    rf"\b(?:{_NUMBER_WORD})(?:(?:[ \t-]+|[ \t]+and[ \t]+)(?:{_NUMBER_WORD}))*\b"
)
_SPACED_DIGITS = lazy_compile(r"\d \d{3}")  # where _SPACED_THOUSANDS may match
_COMMA_DIGITS = lazy_compile(r"\d,\d")  # where _COMMA_NUMBER may match
_SUPERSCRIPT_CHARS = "⁰¹²³⁴⁵⁶⁷⁸⁹"  # one of which _POWER_OF_TEN needs


@lru_cache(maxsize=1)
def _table_chars() -> tuple[str, ...]:
    return tuple(chr(code) for code in _space_table())


def _lowered(text: str) -> str | None:
    """``text`` lowered, where a case-blind match in ``text`` is a plain match at the same
    place in it: letter for letter, and no character a case-blind pattern treats apart.
    None where that may not hold."""
    if any(ch in text for ch in _CASE_ODD):
        return None
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else None


# --- Quantities ---------------------------------------------------------------------------


class Kind(enum.Enum):
    """What a number is. A percentage is only found as a percentage, a P value only as a P
    value; a plain number (a count, a mean, a ratio, an interval's bound) is found as a plain
    number or a P value (a figure field may list a P value's digits alone), never as a
    percentage."""

    NUMBER = "number"
    PERCENT = "percent"
    P_VALUE = "p-value"


@dataclass(frozen=True)
class Quantity:
    """A number as printed: its value, how many decimals it was printed with (negative for
    "1.2 million": to the hundred thousand), its kind and the word after it (its unit)."""

    value: Decimal
    decimals: int
    kind: Kind
    text: str
    #: The kind was read from a neighbour ("32, 41 and 52%"), so a plain number may match it.
    inferred: bool = False
    unit: str | None = None
    #: Another reading of the printed number: "1.5 × 10(9)" read without its power of ten is
    #: 1.5; "12.6/100.000" is probably a hundred thousand, printed with a dot for thousands.
    alternative: Decimal | None = field(default=None, compare=False)

    @property
    def percent(self) -> bool:
        return self.kind is Kind.PERCENT

    def __str__(self) -> str:
        return self.text


_NUMBER = lazy_compile(
    r"""
    (?<![\w.])                             # not inside a word or another number
    (?=-?\.?\d)                            # a digit comes
    (?P<sign>-(?=[.\d]))?
    (?P<int>\d{1,3}(?:,\d{3})+(?!\d)|\d+)?
    (?P<frac>\.\d+)?
    (?:                                    # a power of ten
        \ ?[×xX*]\ ?10(?:\^\ ?(?P<e1>[-+]?\d{1,3})|\((?P<e2>[-+]?\d{1,3})\))(?![\d.])
      | [eE](?P<e3>[-+]?\d{1,3})(?![\w.])
    )?
    (?P<scale>\ ?(?i:thousand|million|billion)s?\b)?
    (?P<plus>\+(?!/?-))?                   # "11,000+", not the "+" of "7.7+/-1.5"
    (?P<pct>\ ?%)?
    """,
    re.VERBOSE,
)
_SCALE_EXPONENT = {"thousand": 3, "million": 6, "billion": 9}
_CONFIDENCE_LEVEL = lazy_compile(
    r"[ \t]{0,3}(?:\(|\[)?(?:CI|CrI|UI|PI)\b|[ \t]{0,3}(?:confidence|credible|uncertainty)",
    re.IGNORECASE,
)
# Just before a P value: "P = ", "p<", "P-value of ", "P for trend = ", "Pinteraction < ".
_P_VALUE_BEFORE = lazy_compile(
    r"""(?<![A-Za-z])[Pp]
        (?:[ -]?(?:values?|for[ ]trend|trend|for[ ]interaction|interaction|for[ ]heterogeneity
                  |heterogeneity|het|for[ ]difference|difference|diff|adj|adjusted|corr))?
        [ ]{0,3}(?:\([^()]{0,20}\))?[ ]{0,3}
        (?:[<>=≤≥⩽⩾]=?|<[ ]?or[ ]?=|less[ ]than|of|was|is|were|are|,)[ ]{0,3}$""",
    re.VERBOSE | re.IGNORECASE,
)
_P_WINDOW = 60
# Between two numbers of one list or range: "32-52%", "32 to 52%", "32, 41 and 52%".
_RANGE_GAP = lazy_compile(r"[ \t]?(?:-|to)[ \t]?-?", re.IGNORECASE)
_LIST_GAP = lazy_compile(r"[ \t]?(?:,|and|or|,[ \t]?and|,[ \t]?or)[ \t]?", re.IGNORECASE)
_GAP_WINDOW = 12
_INTERVAL_OPENING = lazy_compile(
    r"[ \t]?[(\[][ \t]?(?:(?:IQR|interquartile[ ]range|range|95%[ ]?CI|CI)[ \t]?[,:=]?[ \t]?)?",
    re.IGNORECASE,
)
# The word after a number, past a spread ("7.7 ± 1.5 mmol", "7.7+/-1.5 mmol") and a bracket
# ("4.6 (3.1-6.0) years"): its unit.
_UNIT_AFTER = lazy_compile(
    r"(?:[ \t]?(?:±|\+/-|\+-)[ \t]?-?\d[\d.]{0,12})?"
    r"(?:[ \t]?[(\[][^()\[\]]{0,30}[)\]])?"
    r"[ \t]?-?([A-Za-z]{1,24})"
)
_MAX_DIGITS = 30  # longer digit strings are identifiers, not figures
_UNIT_WINDOW = 80  # what _UNIT_AFTER can read


def _unit(text: str, end: int) -> str | None:
    m = _UNIT_AFTER.match(text, end, end + _UNIT_WINDOW)
    if m is None:
        return None
    word = m.group(1).lower()
    if word in {"and", "or", "to", "vs", "versus", "of", "in", "the", "with", "for", "at"}:
        return None
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def extract(text: str, *, skip_confidence_levels: bool = False) -> tuple[Quantity, ...]:
    """Every number in ``text``, after ``normalize_numbers``. With ``skip_confidence_levels``
    the "95" of "95% CI" is left out: a convention, not a finding. Linear in ``text``."""
    normalized = normalize_numbers(text)
    found: list[tuple[Quantity, int, int]] = []
    for m in _NUMBER.finditer(normalized):
        if not (m.group("int") or m.group("frac")):
            continue
        start = m.start()
        minus = bool(m.group("sign")) and not _is_range_dash(normalized, start)
        first = start if minus or not m.group("sign") else start + 1  # a joining dash: skip it
        if first and _identifier_before(normalized, first):
            continue  # TLR-9, CD4, COVID-19, (IL)-6: a name, not a quantity
        digits = (m.group("int") or "0").replace(",", "") + (m.group("frac") or "")
        if len(digits) > _MAX_DIGITS + 1:
            continue
        value = -Decimal(digits) if minus else Decimal(digits)
        decimals = len(m.group("frac")) - 1 if m.group("frac") else 0
        exponent = m.group("e1") or m.group("e2") or m.group("e3")
        power = int(exponent) if exponent else 0
        if m.group("scale"):
            power += _SCALE_EXPONENT[m.group("scale").strip().lower().rstrip("s")]
        alternative = value if power else None
        frac = m.group("frac")
        if not power and frac == ".000" and m.group("int") and m.group("int") != "0":
            alternative = value * 1000  # "12.6/100.000": thousands, in a European style
        if power:
            value, decimals = value.scaleb(power), decimals - power
        kind = Kind.NUMBER
        if m.group("pct"):
            kind = Kind.PERCENT
        elif _P_VALUE_BEFORE.search(normalized, max(0, start - _P_WINDOW), start):
            kind = Kind.P_VALUE
        if (
            skip_confidence_levels
            and kind is Kind.PERCENT
            and _CONFIDENCE_LEVEL.match(normalized, m.end(), m.end() + 20)
        ):
            continue
        unit = None if m.group("pct") else _unit(normalized, m.end())
        quantity = Quantity(value, decimals, kind, m.group(0).strip(), False, unit, alternative)
        found.append((quantity, start, m.end()))
    return tuple(_spread_percentages(normalized, found))


def _spread_percentages(text: str, found: list[tuple[Quantity, int, int]]) -> list[Quantity]:
    """The numbers before a percentage in one range are percentages ("32 to 52%", "32-52%");
    in one list ("32, 41 and 52%") they are probably percentages. Right to left, one pass."""
    out: list[Quantity] = [q for q, _, _ in found]
    for i in range(len(found) - 2, -1, -1):
        q, _, end = found[i]
        start_next = found[i + 1][1]
        nxt = out[i + 1]
        if q.kind is not Kind.NUMBER or nxt.kind is not Kind.PERCENT:
            continue
        if start_next - end > _GAP_WINDOW:
            continue
        gap = text[end:start_next]
        if _RANGE_GAP.fullmatch(gap):
            out[i] = _with_kind(q, Kind.PERCENT, nxt.inferred)
        elif _LIST_GAP.fullmatch(gap):
            out[i] = _with_kind(q, Kind.PERCENT, True)
    # "34% (17-57)", "34% (IQR 17 to 57)": an interval right after a percentage probably is
    # one too. Left to right, one pass.
    for i in range(1, len(found)):
        q, start, _ = found[i]
        end_before = found[i - 1][2]
        if out[i].kind is not Kind.NUMBER or out[i - 1].kind is not Kind.PERCENT:
            continue
        if start - end_before > _GAP_WINDOW + 10:
            continue
        gap = text[end_before:start]
        if _INTERVAL_OPENING.fullmatch(gap) or _RANGE_GAP.fullmatch(gap):
            out[i] = _with_kind(q, Kind.PERCENT, True)
    # "P = 0.02 and 0.03", "P = .01, .04, and .002": a list after a P value is of P values.
    for i in range(1, len(found)):
        q, start, _ = found[i]
        if out[i].kind is not Kind.NUMBER or out[i - 1].kind is not Kind.P_VALUE:
            continue
        end_before = found[i - 1][2]
        if start - end_before <= _GAP_WINDOW and _LIST_GAP.fullmatch(text[end_before:start]):
            out[i] = _with_kind(q, Kind.P_VALUE, True)
    return out


def _with_kind(q: Quantity, kind: Kind, inferred: bool) -> Quantity:
    return Quantity(q.value, q.decimals, kind, q.text, inferred, None, q.alternative)


def _identifier_before(text: str, start: int) -> bool:
    """A letter right before the number, or a letter and a hyphen or slash ("TLR-9", "CD4"),
    or a parenthesised name and a hyphen ("(IL)-6", "Tyr(P)-638", "(+)-1")."""
    before = text[start - 1]
    if before.isascii() and before.isalpha():
        return True
    if before not in "-/" or start < 2:
        return False
    prior = text[start - 2]
    if prior.isascii() and prior.isalpha():
        return True
    return prior == ")" and before == "-" and start > 2 and text[start - 3] in _NAME_END


_NAME_END = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+")
# A minus sign follows a space, an opening bracket or a relation; any other dash ("26-52",
# "1975--1977", "marsh--1967", "(HIF)-1") joins or names, it does not negate.
_SIGN_AFTER = frozenset(" \t\n([{=:;,<>≤≥~±≈")


def _is_range_dash(text: str, start: int) -> bool:
    """A dash right after a number, a dash or a word is a range ("0.59-0.78") or a joint, not
    a minus sign."""
    return start > 0 and text[start - 1] not in _SIGN_AFTER


def stated_quantities(figure: str) -> tuple[Quantity, ...]:
    """The quantities a claim's ``figure`` (or ``text``) states."""
    return extract(figure, skip_confidence_levels=True)


# --- Matching -----------------------------------------------------------------------------


class Match(enum.Enum):
    FOUND = "found"
    ROUNDED = "rounded"
    NOT_FOUND = "not-found"


def _rounded(value: Decimal, decimals: int) -> Decimal | None:
    with localcontext() as ctx:
        ctx.prec = 80
        try:
            return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            return None


def compatible(stated: Quantity, candidate: Quantity) -> bool:
    """Whether ``candidate`` can be the number ``stated`` restates, by their kinds: a
    percentage only as a percentage, a P value only as a P value, a plain number as anything
    but a percentage. A kind read from a neighbour ("32 and 52%") is not held against a
    match."""
    if stated.kind is Kind.PERCENT:
        return candidate.kind is Kind.PERCENT or (stated.inferred and candidate.kind is Kind.NUMBER)
    if stated.kind is Kind.P_VALUE:
        return candidate.kind is Kind.P_VALUE
    return candidate.kind is not Kind.PERCENT or candidate.inferred


def _rounding_of(stated: Quantity, candidate: Quantity) -> bool:
    """Whether ``stated`` is ``candidate`` printed with fewer decimals ("41%" for "40.6%",
    "1.2 million" for "1,170,000"). A whole number stated with its unit rounds only a value
    printed with the same unit: "8 years" rounds "7.7 years" and "7.7 ± 2.1 years", not the
    "7.7" of "7.7 mmol per liter" or of "7.7 at month 12"."""
    if candidate.decimals <= stated.decimals:
        return False
    if stated.decimals <= 0 and stated.unit and stated.unit != candidate.unit:
        return False
    return _rounded(candidate.value, stated.decimals) == stated.value


def match(stated: Quantity, candidates: Iterable[Quantity]) -> tuple[Match, Quantity | None]:
    """Look for ``stated`` among ``candidates``: the same value, of a compatible kind, else
    the same value at the stated number of decimals."""
    pool = [c for c in candidates if compatible(stated, c)]
    for c in pool:
        if c.value == stated.value:
            return Match.FOUND, c
    for c in pool:
        if (
            c.alternative is not None
            and c.alternative == stated.value
            and stated.alternative is None
        ):
            return Match.FOUND, c
    for c in pool:
        if _rounding_of(stated, c):
            return Match.ROUNDED, c
    return Match.NOT_FOUND, None


@dataclass(frozen=True, eq=False)
class Pool:
    """The numbers of one text, indexed by value, so that looking up many stated numbers
    costs a dictionary look-up and a binary search each, not a scan of the text."""

    quantities: tuple[Quantity, ...]
    by_value: dict[Decimal, tuple[Quantity, ...]]
    ordered: tuple[Quantity, ...]  # by value
    values: tuple[Decimal, ...]  # the values of ``ordered``

    @classmethod
    def of(cls, quantities: Sequence[Quantity]) -> Pool:
        by_value: dict[Decimal, list[Quantity]] = {}
        for q in quantities:
            by_value.setdefault(q.value, []).append(q)
            if q.alternative is not None:
                by_value.setdefault(q.alternative, []).append(q)
        ordered = tuple(sorted(quantities, key=lambda q: q.value))
        return cls(
            tuple(quantities),
            {v: tuple(qs) for v, qs in by_value.items()},
            ordered,
            tuple(q.value for q in ordered),
        )

    def match(self, stated: Quantity) -> tuple[Match, Quantity | None]:
        same = [c for c in self.by_value.get(stated.value, ()) if compatible(stated, c)]
        exact = [c for c in same if c.value == stated.value]
        if exact:
            return Match.FOUND, exact[0]
        if same and stated.alternative is None:
            return Match.FOUND, same[0]
        half = Decimal(5).scaleb(-stated.decimals - 1)
        lo = bisect.bisect_left(self.values, stated.value - half)
        hi = bisect.bisect_right(self.values, stated.value + half)
        for c in self.ordered[lo:hi]:
            if compatible(stated, c) and _rounding_of(stated, c):
                return Match.ROUNDED, c
        return Match.NOT_FOUND, None

    def nearest(self, stated: Quantity, n: int) -> list[Quantity]:
        """Up to ``n`` numbers of each kind-compatibility nearest in value, nearest first."""
        i = bisect.bisect_left(self.values, stated.value)
        near = list(self.ordered[max(0, i - 4 * n) : i + 4 * n])
        if len(near) < len(self.ordered) and not any(compatible(stated, c) for c in near):
            near = list(self.ordered)  # rare: scan for a number of the same kind
        return near


@lru_cache(maxsize=64)
def pool_of(text: str) -> Pool:
    """The numbers of ``text``, extracted once however many stated numbers are looked up."""
    return Pool.of(extract(text))


def closest(stated: Quantity, candidates: Sequence[Quantity], n: int = 3) -> tuple[str, ...]:
    """The ``n`` numbers nearest in value (same kind first), as printed, for a miss message."""
    same_kind = [c for c in candidates if compatible(stated, c)] or list(candidates)
    ranked = sorted(dict.fromkeys(same_kind), key=lambda c: abs(c.value - stated.value))
    return tuple(dict.fromkeys(c.text for c in ranked))[:n]


def find_in(stated: Quantity, text: str) -> tuple[Match, Quantity | None]:
    return pool_of(text).match(stated)


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
    near = [q for s in [*abstract, *fulltext] for q in pool_of(s.text).nearest(stated, 3)]
    return FigureVerdict(stated.text, FigureStatus.NOT_FOUND, closest=closest(stated, near))
