"""Volume, issue, pages and the whole author list: reading them as journals print them and
comparing them with PubMed's.

Pages come as NLM abbreviates them ("1383-7" is 1383-1387, "e1-8" is e1-e8, "R198-205" is
R198-R205), as journals print them ("1383–1387", "pp. 1383-1387", "S12–S15"), as article
numbers ("e0123456", "20160001"), in roman numerals ("iii-iv"), with an online-only tail
("884-890.e2") or a second piece ("1787; discussion 1791", "67-8, 73"). Volumes and issues carry
parts and supplements ("27 Pt 1", "105 Suppl 2", "Suppl 1", "S3", "3-4").

A field either side cannot be read with confidence is not compared: no finding rather than a
guess. Everything here is pure: strings in, values out.
"""

from __future__ import annotations

import difflib
import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import names
from .lazyre import lazy_compile
from .pubmed.record import Author

_DASHES = lazy_compile(r"\s*[-\u2010-\u2015\u2212~]\s*")
_ROMAN = lazy_compile(r"m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
#: One page or article number: a letter prefix ("e", "S", "H", "Suppl "), digits, a letter
#: suffix ("75A").
_PAGE = lazy_compile(r"(?P<pre>[a-z]*?)\.?(?P<num>\d+)(?P<suf>[a-z]{0,2})", re.IGNORECASE)
#: Ways a supplement's pages are marked: all one prefix.
_SUPPLEMENT = frozenset({"s", "suppl", "supp", "sup", "supplement"})
#: Elsevier's online-only pages after the printed ones: "884-890.e2", "41-46.e1".
_ONLINE_TAIL = lazy_compile(r"\.e\d+$", re.IGNORECASE)
_PAGE_WORDS = lazy_compile(r"^(?:pp?\.?|pages?|page)\s*(?=\S)", re.IGNORECASE)
_MAX_PAGE_TEXT = 80
_MOST_DIGITS = 20  # SAGE's article numbers have 17: "20416695211016483"


def roman_value(text: str) -> int | None:
    """The value of a roman numeral ("xiv" -> 14), or None when ``text`` is not one."""
    text = text.casefold()
    if not text or not _ROMAN.fullmatch(text):
        return None
    total = 0
    for i, ch in enumerate(text):
        value = _ROMAN_VALUES[ch]
        following = _ROMAN_VALUES[text[i + 1]] if i + 1 < len(text) else 0
        total += -value if value < following else value
    return total


@dataclass(frozen=True)
class PageSpan:
    """A page range with its abbreviations expanded; a single page has ``last == first``."""

    prefix: str  # "", "e", "s" (any supplement mark), "h"…
    first: int
    last: int
    suffix: str = ""
    roman: bool = False
    ranged: bool = False  # printed as a range ("1383-7"), not as one page
    shown_prefix: str = ""  # as printed: "S", "e", "H", "Suppl "
    width: int = 0  # digits printed, leading zeros included ("e0180707")

    def __str__(self) -> str:
        if self.roman:
            return _roman(self.first) + (f"-{_roman(self.last)}" if self.ranged else "")
        pre = self.shown_prefix
        one = f"{pre}{self.first:0{self.width}d}{self.suffix}"
        if not self.ranged:
            return one
        again = "" if pre.endswith(" ") else pre  # "Suppl 7-8", "S7-S8"
        return f"{one}-{again}{self.last}{self.suffix}"


def _roman(value: int) -> str:
    out = ""
    for number, letters in (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ):  # fmt: skip
        while value >= number:
            out += letters
            value -= number
    return out


def _prefix(text: str) -> str:
    return "s" if text in _SUPPLEMENT else text


def _span(text: str) -> PageSpan | None:
    """One range ("1383-7", "S12-5", "xi-xii", "e0123456"), or None when it is not one."""
    parts = _DASHES.split(text)
    if len(parts) > 2 or not all(parts):
        return None
    roman = [roman_value(p) for p in parts]
    if all(v is not None for v in roman):
        first = roman[0] or 0
        last = roman[-1] or 0
        if last < first:
            return None
        return PageSpan("", first, last, roman=True, ranged=len(parts) == 2)
    start = _PAGE.fullmatch(parts[0])
    if not start:
        return None
    shown, digits, suf = start.group("pre"), start.group("num"), start.group("suf").casefold()
    pre = shown.casefold()
    if pre in _SUPPLEMENT:
        shown = "S" if pre == "s" else shown + " "
    if len(digits) > _MOST_DIGITS:
        return None
    first = int(digits)
    if len(parts) == 1:
        return PageSpan(_prefix(pre), first, first, suf, shown_prefix=shown, width=len(digits))
    end = _PAGE.fullmatch(parts[1])
    if not end:
        return None
    end_pre, end_digits = end.group("pre").casefold(), end.group("num")
    end_suf = end.group("suf").casefold()
    if end_pre and _prefix(end_pre) != _prefix(pre):
        return None
    if end_suf and suf and end_suf != suf:
        return None
    if len(end_digits) > _MOST_DIGITS:
        return None
    if len(end_digits) < len(digits):  # NLM's "1383-7": the last page's leading digits dropped
        end_digits = digits[: len(digits) - len(end_digits)] + end_digits
    last = int(end_digits)
    if last < first:  # "1838-7": a misprint, or "98-2" for 98-102; the first page still reads
        return PageSpan(_prefix(pre), first, first, suf, shown_prefix=shown, width=len(digits))
    return PageSpan(
        _prefix(pre), first, last, suf or end_suf, ranged=True, shown_prefix=shown,
        width=len(digits),
    )  # fmt: skip


@dataclass(frozen=True)
class Pages:
    """Pages as printed, read: the main range, further ranges ("67-8, 73"), and the text."""

    spans: tuple[PageSpan, ...]
    printed: str

    @property
    def main(self) -> PageSpan:
        return self.spans[0]

    def __str__(self) -> str:
        return ", ".join(str(s) for s in self.spans)


def parse_pages(text: str) -> Pages | None:
    """Read printed pages; None when they cannot be read with confidence.

    "1383-7" -> 1383-1387; "e1-8" -> e1-e8; "S12-5" -> S12-S15; "884-890.e2" -> 884-890 (the
    online-only pages dropped); "1787; discussion 1791" -> 1787 (what follows a semicolon is
    another item's pages); "67-8, 73" -> 67-68 and 73.
    """
    if not text or len(text) > _MAX_PAGE_TEXT:
        return None
    cleaned = " ".join(text.split()).strip(" .,;:")
    cleaned = _PAGE_WORDS.sub("", cleaned)
    cleaned = cleaned.split(";")[0].strip(" .,")
    cleaned = re.sub(r"\b(suppl(?:ement)?|supp?)\.?\s*(?=\d)", r"\1", cleaned, flags=re.I)
    spans = []
    for printed in cleaned.split(","):
        piece = _ONLINE_TAIL.sub("", printed.strip())
        span = _span(piece.replace(" ", "")) if piece else None
        if span is None:
            return None
        spans.append(span)
    if not spans:
        return None
    return Pages(tuple(spans), text.strip())


def _same_span(stated: PageSpan, record: PageSpan) -> bool:
    if stated.prefix and record.prefix and stated.prefix != record.prefix:
        return False
    if stated.suffix and record.suffix and stated.suffix != record.suffix:
        return False
    if stated.first != record.first:
        return False
    # one side gives only the first page (a record of an article number; "Science 309, 2010"):
    # the first page decides
    return not (stated.ranged and record.ranged) or stated.last == record.last


def pages_agree(stated: Pages, record: Pages) -> bool:
    """Whether the stated pages are the record's: the main range, and every further range the
    article gives among the record's."""
    if not _same_span(stated.main, record.main):
        return False
    return all(any(_same_span(s, r) for r in record.spans) for s in stated.spans[1:])


# --- volume and issue ---------------------------------------------------------------------------

_SUPPL_WORD = lazy_compile(
    r"(?<![a-z])(?:suppl(?:ement)?|supp|sup)(?![a-z])\.?[\s_]*(?P<n>\d*[a-z]?)(?![\w])"
)
_SUPPL_S = lazy_compile(r"(?<![a-z0-9])s(?P<n>\d+)(?![\w])")
_PART_WORD = lazy_compile(r"(?<![a-z])(?:pt|part)(?![a-z])\.?\s*(?P<n>[0-9a-z]+)")


@dataclass(frozen=True)
class Part:
    """A volume or an issue read into its numbers, supplement and part."""

    numbers: tuple[int, ...]  # "3-4" -> (3, 4); "VI" -> (6,)
    supplement: str | None = None  # "" for a supplement with no number
    part: str | None = None
    letters: str = ""  # "128B" -> "b"


def parse_part(text: str) -> Part | None:
    """Read a printed volume or issue ("27", "27 Pt 1", "105 Suppl 2", "Suppl 1", "S3", "3-4",
    "3/4", "VI", "128B"); None when it cannot be read with confidence."""
    if not text:
        return None
    t = " ".join(text.split()).casefold().strip(" .,;:()")
    if not t or len(t) > 40:
        return None
    supplement = part = None
    m = _SUPPL_WORD.search(t) or _SUPPL_S.search(t)
    if m:
        supplement = m.group("n")
        t = t[: m.start()] + " " + t[m.end() :]
    m = _PART_WORD.search(t)
    if m:
        part = m.group("n")
        t = t[: m.start()] + " " + t[m.end() :]
    t = t.strip(" ,()")
    if not t:
        return Part((), supplement, part)
    roman = roman_value(t)
    if roman is not None:
        return Part((roman,), supplement, part)
    m = re.fullmatch(r"(\d+)([a-z]?)(?:\s*[-/&,\u2010-\u2015]\s*(\d+)([a-z]?))?", t)
    if not m:
        return None
    numbers = tuple(int(g) for g in (m.group(1), m.group(3)) if g)
    if len(numbers) == 2:
        low, high = numbers
        if high < low or high - low > 12:
            return None
        numbers = tuple(range(low, high + 1))
    return Part(numbers, supplement, part, m.group(2) or "")


def _normal_supplement(value: str | None) -> str | None:
    return None if value is None else value.lstrip("0")


def volume_agrees(stated: Part, record: Part) -> bool:
    """A volume agrees when its number is the record's; parts and supplements given on one side
    only are tolerated ("27" for "27 Pt 1"), different ones are not."""
    if stated.numbers and record.numbers and not set(stated.numbers) & set(record.numbers):
        return False
    if stated.letters and record.letters and stated.letters != record.letters:
        return False
    return _extras_agree(stated, record)


def _extras_agree(stated: Part, record: Part) -> bool:
    s, r = _normal_supplement(stated.supplement), _normal_supplement(record.supplement)
    if s and r and s != r:
        return False
    return not (stated.part and record.part and stated.part != record.part)


def issue_agrees(stated: Part, record: Part, record_volume: Part | None = None) -> bool:
    """An issue agrees when its numbers are among the record's ("3" of "3-4"), its supplement is
    the record's (the record may put the supplement in its volume: "82 Suppl 3"), and its
    part is the record's."""
    supplement = record.supplement
    if supplement is None and record_volume is not None:
        supplement = record_volume.supplement
    if stated.numbers and record.numbers and not set(stated.numbers) <= set(record.numbers):
        return False
    if stated.numbers and not record.numbers and supplement:
        # "Suppl 2" printed as issue "2"
        return stated.supplement is None and str(stated.numbers[0]) == supplement.lstrip("0")
    if stated.supplement is not None and supplement is None and record.numbers:
        return False  # a supplement where PubMed has a numbered issue
    s, r = _normal_supplement(stated.supplement), _normal_supplement(supplement)
    if s and r and s != r:
        return False
    return not (stated.part and record.part and stated.part != record.part)


def location(volume: str, issue: str, pages: str) -> str:
    """ "27(5):1383-1387", as a citation prints where a paper is."""
    out = volume
    if issue:
        out += f"({issue})"
    if pages:
        read = parse_pages(pages)
        shown = str(read) if read else pages
        out = f"{out}:{shown}" if out else shown
    return out


# --- the author list -------------------------------------------------------------------------


class ListDifference(enum.Enum):
    """How a printed author list differs from PubMed's."""

    MISSING = "missing"  # a co-author left out
    ADDED = "added"  # a name PubMed does not list
    SWAPPED = "swapped"  # two authors in the other order
    MISSPELT = "misspelt"  # a name spelt otherwise at its place
    REPLACED = "replaced"  # another name at its place
    INITIALS = "initials"  # the surname right, the initials not
    SHORT = "short"  # a full list (no "et al.") that stops early
    LONG = "long"  # more names than PubMed lists


@dataclass(frozen=True)
class ListVerdict:
    difference: ListDifference
    position: int  # 1-based, in the printed list
    detail: str


def _matches(printed: str, author: Author) -> bool:
    return names.compare(printed, author).surname


def _spelt_alike(printed: str, author: Author) -> bool:
    reading = names.read_name(printed)
    surname = reading.surname or printed
    other = author.last_name or author.collective
    ratio = difflib.SequenceMatcher(None, surname.casefold(), other.casefold()).ratio()
    return ratio >= 0.75


def compare_author_list(
    printed: Sequence[str], et_al: bool | None, authors: Sequence[Author], complete: bool
) -> ListVerdict | None:
    """The first way the printed list differs from PubMed's, or None when it agrees.

    The printed list is compared in order from its second name (the first is
    ``author-mismatch``'s). With ``et_al`` True the record must start with the printed names;
    with False (a full list) the record must hold those names and no more, save where NLM cut
    the record's list (``complete`` False); with None (not said) only the printed names are
    compared.
    """
    k, n = len(printed), len(authors)
    if k == 0 or n == 0 or not _matches(printed[0], authors[0]):
        return None
    for i in range(1, min(k, n)):
        if _matches(printed[i], authors[i]):
            continue
        shown = authors[i].display
        if (
            i + 1 < min(k, n)
            and _matches(printed[i], authors[i + 1])
            and _matches(printed[i + 1], authors[i])
        ):
            return ListVerdict(
                ListDifference.SWAPPED,
                i + 1,
                f"{printed[i]} and {printed[i + 1]} are in the other order",
            )
        later = next((j for j in range(i + 1, n) if _matches(printed[i], authors[j])), None)
        if later is not None:
            left_out = ", ".join(a.display for a in authors[i:later])
            return ListVerdict(
                ListDifference.MISSING,
                i + 1,
                f"{left_out} {'is' if later == i + 1 else 'are'} left out before {printed[i]}",
            )
        resumed = next((j for j in range(i + 1, k) if _matches(printed[j], authors[i])), None)
        if resumed is not None:
            added = ", ".join(printed[i:resumed])
            return ListVerdict(
                ListDifference.ADDED, i + 1, f"{added} {'is' if resumed == i + 1 else 'are'} "
                "not among PubMed's authors"
            )  # fmt: skip
        if _spelt_alike(printed[i], authors[i]):
            return ListVerdict(
                ListDifference.MISSPELT, i + 1, f"author {i + 1} is {shown}, not {printed[i]}"
            )
        return ListVerdict(
            ListDifference.REPLACED, i + 1, f"author {i + 1} is {shown}, not {printed[i]}"
        )
    if k > n and complete:
        extra = ", ".join(printed[n:])
        return ListVerdict(
            ListDifference.LONG,
            n + 1,
            f"PubMed lists {n} author{'s' if n > 1 else ''}; {extra} "
            f"{'is' if k == n + 1 else 'are'} not among them",
        )
    if et_al is False and k < n:
        missing = ", ".join(a.display for a in authors[k:][:6]) + (", …" if n - k > 6 else "")
        return ListVerdict(
            ListDifference.SHORT,
            k + 1,
            f'the list stops after {k} of PubMed\'s {n} authors without "et al." '
            f"(missing: {missing})",
        )
    for i in range(1, min(k, n)):
        verdict = names.compare(printed[i], authors[i])
        if not verdict.initials:
            return ListVerdict(
                ListDifference.INITIALS,
                i + 1,
                f"author {i + 1} is {authors[i].display}, not {printed[i]}",
            )
    return None


def shown_list(authors: Sequence[Author], count: int, complete: bool) -> str:
    """PubMed's list as a fix: the first ``count`` names (all when there are few)."""
    shown = [a.display for a in authors[: max(count, 1)]]
    rest = len(authors) - len(shown)
    text = ", ".join(shown)
    if rest > 0:
        text += f", … ({len(authors)} in all)"
    elif not complete:
        text += ", et al. (NLM's list stops there)"
    return text
