"""In-text citations: author-year ("(Chien et al., 1998)", "(American Cancer Society, 2007)",
"(Hites 2004; Law et al. 2003)", "Smith (2004a)", "Chien et al.") and numbered ("[3]",
"[3,5]", "[3–5]", "[3-5, 8]", "(1, 2)", "(3–6)", superscripts: Unicode "¹²³", Markdown "^3^",
HTML "<sup>3</sup>", after punctuation too).

A citation's own numbers (reference numbers, years, "2004a") are never stated figures: each
found citation has its span, and :func:`without_citations` takes the spans out before figures
are read.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from ..figures import Quantity, stated_quantities

_NAME = (
    r"[A-Z][\w'\u2019\-]+(?:\s+(?:van|von|de|der|den|del|da|di|la|le|dos)\s+[A-Z][\w'\u2019\-]+)?"
)
#: An organisation as an author: "American Cancer Society", "World Health Organization".
#: "14CHRONO Centre of the Queen's University of Belfast": digits may open it.
_GROUP = rf"\d*{_NAME}(?:\s+(?:(?:of|for|on|the)\s+){{0,2}}{_NAME}){{1,5}}"
_YEAR = r"(?P<year>(?:1[6-9]|20)\d\d)(?P<sfx>[a-z]?)"
_PAREN_PART = re.compile(
    rf"^\s*(?:(?:see|see also|e\.g\.|cf\.|reviewed in|and)[,:]?\s+)?"
    rf"(?P<name>{_GROUP}|{_NAME}(?:\s+{_NAME})?)"
    rf"(?:\s+et\.?\s+al\b\.?|\s+(?:and|&)\s+{_NAME})?,?\s+{_YEAR}"
    r"(?P<more>(?:\s*,\s*(?:1[6-9]|20)\d\d[a-z]?)*)\s*$"
)
_YEAR_PAREN = r"\s*[\(\[](?P<{g}>(?:1[6-9]|20)\d\d)(?P<{s}>[a-z]?)[\)\]]"
#: A numbered citation between a narrative's names and its year: "Almeida et al^1^ (2009)",
#: "et al [1] (2009)", "et al (1) (2009)", "et al¹ (2009)".
_MARK = (
    r"\^[\d,\s\u2013-]{1,20}\^|\[[\d,\s\u2013-]{1,20}\]|\([\d,\s\u2013-]{1,20}\)(?=\s*[\(\[]\d)"
    r"|[\u2070\u00b9\u00b2\u00b3\u2074-\u2079][\u2070\u00b9\u00b2\u00b3\u2074-\u2079,\u207b\u2013]*"
)
# "Chien et al." / "Chien et al. (1998)" / "Smith and Jones (2007)" / "Smith (2004a)"; "TLR-9
# and TLR-2" is no citation, so a two-name form needs its year, and a one-name form needs a
# reference of that name (see :func:`find`).
_NARRATIVE = re.compile(
    # "Almeida et al^1^ (2009)": a numbered article's narrative citation, its number between
    rf"\b(?P<name>{_NAME})\s+(?:et\.?\s+al(?![A-Za-z])\.?(?:\s*(?:{_MARK}"
    rf"|\[[\d,\s\u2013-]{{1,20}}\]))?(?:{_YEAR_PAREN.format(g='year', s='sfx')})?"
    rf"|(?:and|&)\s+{_NAME}(?:\s+{_NAME})?(?:\s*(?:{_MARK}"
    rf"|\[[\d,\s\u2013-]{{1,20}}\]))?{_YEAR_PAREN.format(g='year2', s='sfx2')}"
    rf"|(?P<single>\((?P<year3>(?:1[6-9]|20)\d\d)(?P<sfx3>[a-z]?)\)))"
)

_NUM = r"\d{1,4}"
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_RANGE = rf"{_NUM}(?:\s*[{_DASHES}]\s*{_NUM})?"
_NUMLIST = rf"{_RANGE}(?:\s*[,;]\s*{_RANGE})*"
_SUPER = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
_SUPER_DASHES = "\u207b\u2013\u2010-"
_TO_DIGITS = str.maketrans(_SUPER + "\u207b", "0123456789-")


class Form(Enum):
    """How an article prints its numbered citations."""

    BRACKETS = "[3]"
    PARENTHESES = "(3)"
    SUPERSCRIPT = "^3^"


_NUMBERED = {
    # "[3]", "[3,5]", "[3-5, 8]", PLoS's "[1]–[5]"; not a statistic's "F[1,12]"
    Form.BRACKETS: re.compile(
        rf"\[\s*({_NUMLIST}"
        rf"(?:\s*\]\s*[,{_DASHES}]\s*\[\s*{_NUMLIST})*)\s*\]"
    ),
    Form.PARENTHESES: re.compile(rf"\(\s*({_NUMLIST})\s*\)"),
    # Markdown's ^3,5^ (HTML's <sup> is read as this), or Unicode superscript digits after a
    # word or a punctuation mark (after a digit they are an exponent: 10⁶)
    Form.SUPERSCRIPT: re.compile(
        rf"\^\s*({_NUMLIST})\s*\^"
        rf"|(?<=[^{_SUPER}\s])([{_SUPER}]+(?:\s*[,{_SUPER_DASHES}]\s*[{_SUPER}]+)*)"
    ),
}
#: Units whose superscripts are powers, not citations: m², cm³, µm².
_UNIT_BEFORE = re.compile(r"(?:\b(?:k|c|m|d|µ|μ|n)?m|\bft|\bin|\bs|/)$")


#: A superscript after these is a power: 10⁶, 2⁸, ×10³.
_POWER_BEFORE = re.compile(r"(?:(?<!\d)(?:10|\d)|[\u00d7x]\s*\d+)$")


@dataclass(frozen=True)
class Found:
    """A citation found in a sentence: its span, as printed, and what it cites."""

    start: int
    end: int
    text: str
    surname: str = ""
    year: int | None = None
    year_suffix: str = ""
    numbers: tuple[int, ...] = ()
    #: Names outside parentheses: "Chien et al.", "Smith (2004a)".
    narrative: bool = False


def _numbers(group: str, highest: int) -> tuple[int, ...] | None:
    """The reference numbers of "3-5, 8" (3, 4, 5, 8); None unless each is in the list."""
    out: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group.strip()):
        ends = [int(x) for x in re.split(rf"\s*[{_DASHES}]\s*", part) if x]
        if not ends or any(not 1 <= n <= highest for n in ends):
            return None
        if len(ends) == 2:
            if not ends[0] < ends[1] <= ends[0] + 100:
                return None
            out += range(ends[0], ends[1] + 1)
        else:
            out += ends
    return tuple(out)


def numbered_candidates(sentence: str, form: Form, highest: int) -> list[Found]:
    found: list[Found] = []
    for m in _NUMBERED[form].finditer(sentence):
        group = m.group(1) if m.group(1) is not None else m.group(2)
        if group is None:
            continue
        if form is Form.BRACKETS and re.search(r"(?:^|[^\w])\w{1,2}$", sentence[: m.start()]):
            continue  # a statistic's degrees of freedom, an index: "F[1,12]", "x[2]"
        before = sentence[: m.start()]
        if (
            form is Form.PARENTHESES
            and re.search(rf"[{_DASHES}]", group)
            and re.search(r"[\d%=\u00b1]\s*$", before)
        ):
            continue  # a value's interval or its n: "45 (42–49)", "12% (3)"
        if (
            form is Form.PARENTHESES
            and re.search(
                r"(?:^|[:;,]|\b(?:that|and|or|to|were|was|are|is|be|whether))\s*$", before
            )
            and re.match(r"\s+[a-z]", sentence[m.end() :])
        ):
            continue  # an enumeration: "we expected that (1) lysis … and (2) …"
        if form is Form.PARENTHESES and _value_in_parentheses(before, sentence[m.end() :]):
            continue
        if m.group(1) is None:  # Unicode superscripts
            if _UNIT_BEFORE.search(before) or _POWER_BEFORE.search(before):
                continue
            group = group.translate(_TO_DIGITS)
        group = re.sub(r"\s*\]\s*", "", re.sub(r"\s*\[\s*", "", group))
        numbers = _numbers(group, highest)
        if numbers:
            found.append(Found(m.start(), m.end(), m.group(0), numbers=numbers))
    return found


#: Words a parenthesized number names a thing after: "equation (4)", "step (2)", "Table (3)".
_NAMED_BY_NUMBER = re.compile(
    r"\b(?:equations?|eqs?\.?|formulae?|steps?|figures?|figs?\.?|tables?|panels?|appendix|"
    r"sections?|chapters?|hypothes[ie]s|criteri(?:on|a)|items?|questions?)\s*$",
    re.IGNORECASE,
)


def _value_in_parentheses(before: str, after: str) -> bool:
    """Whether "(2)" is a value, not a citation: a power or an index the text lost its
    superscript of ("km (2)", "adjusted R (2)= 0.36", "mc (2)7000"), a thing's number
    ("equation (4)"), or a code in a list of codes ("never (0), hardly ever (1), …")."""
    if re.match(r"[=\w\u00b2\u00b3]", after):  # "(2)= 0.363", "(2)7000"
        return True
    if re.search(r"(?:^|[\s(])(?:[A-Z]|[xyzrnp]|[kcmdµμn]?m|ft)\s*$", before):  # "R (2)", "km (2)"
        return True
    return bool(_NAMED_BY_NUMBER.search(before))


_COUNT_WORDS = r"(?:none|one|two|three|four|five|six|seven|eight|nine|ten)"


def value_series(
    sentence: str, found: list[Found], cited_before: int = 0, highest: int = 0
) -> set[int]:
    """Indices into ``found`` of parenthesized numbers that are a list of codes or counts
    ("never (0), hardly ever (1), occasionally (2)", "mild (1-3), moderate (4-6) and severe
    (7-10)", "P. geniculatus (01), T. lenti (94), T. sordida (one)"): three or more
    parenthesized numbers in the sentence, one of them no reference number (0, "01", "one",
    more than the list's ``highest``); or three or more, each after a word, running on by one
    over numbers the article has cited before (``cited_before``: the highest so far), which a
    first citation of them would not do."""
    groups = [
        (i, f)
        for i, f in enumerate(found)
        if f.numbers
        and f.text.lstrip().startswith("(")
        and re.search(r"[A-Za-z]\s*$", sentence[: f.start])
    ]
    if not groups:
        return set()
    # the sentence's parenthesized numbers, in runs a few words apart ("no pain (0), mild
    # (1-3), moderate (4-6)"); a year is no code
    runs: list[list[re.Match[str]]] = []
    for m in re.finditer(
        rf"\(\s*(\d+(?:\s*[-\u2013]\s*\d+)?|{_COUNT_WORDS})\s*\)", sentence, re.IGNORECASE
    ):
        if re.fullmatch(r"(?:1[6-9]|20)\d\d", m.group(1)):
            continue
        if runs and len(sentence[runs[-1][-1].end() : m.start()]) <= 40:
            runs[-1].append(m)
        else:
            runs.append([m])

    def no_reference(group: str) -> bool:
        numbers = re.findall(r"\d+", group)
        return not numbers or any(
            n == "0" or n.startswith("0") or (highest and int(n) > highest) for n in numbers
        )

    out: set[int] = set()
    # a sentence with one list of codes may hold a second, shorter one ("… and two in Rio
    # Grande do Sul, namely T. circummaculata (11) and T. rubrovaria (115)")
    shortest = 3
    if any(len(run) >= 3 and any(no_reference(m.group(1)) for m in run) for run in runs):
        shortest = 2
    for run in runs:
        inside = [(i, f) for i, f in groups if run[0].start() <= f.start < run[-1].end()]
        coded = len(run) >= shortest and any(no_reference(m.group(1)) for m in run)
        runs_on = (
            len(inside) >= 3
            and max(inside[-1][1].numbers) <= cited_before
            and all(
                b.numbers[0] == a.numbers[-1] + 1 for (_, a), (_, b) in itertools.pairwise(inside)
            )
        )
        if coded or runs_on:
            out |= {i for i, _ in inside}
    return out


def choose_forms(sentences: Iterable[str], highest: int) -> frozenset[Form]:
    """The form an article with a numbered list of ``highest`` entries cites by: the commonest,
    if it cites at least a third of the list. An article that cites "[3]" does not cite by
    "(3–6)", which is then a range of values, nor by "(1)" of an enumeration."""
    if highest <= 0:
        return frozenset()
    counts = dict.fromkeys(Form, 0)
    cited: dict[Form, set[int]] = {form: set() for form in Form}
    for sentence in sentences:
        for form in Form:
            found = numbered_candidates(sentence, form, highest)
            counts[form] += len(found)
            for hit in found:
                cited[form].update(hit.numbers)
    form, top = max(counts.items(), key=lambda kv: kv[1])  # ties: the order of Form
    # an article cites most of its list; "(1)" to "(5)" of an enumeration cite a few
    if top < 2 or len(cited[form]) * 3 < highest:
        return frozenset()
    return frozenset({form})


def find(
    sentence: str,
    *,
    highest: int = 0,
    forms: frozenset[Form] = frozenset(),
    surnames: frozenset[str] | None = None,
) -> list[Found]:
    """Every citation in ``sentence``, in order. Numbered ones only in the ``forms`` given and
    up to ``highest``; "Smith (2004)" only when ``surnames`` (name keys of the reference list's
    first authors) holds Smith."""
    from ..normalize import name_key

    found: list[Found] = []
    covered: list[tuple[int, int]] = []
    # "(Smith et al., 2005)", and in brackets inside a parenthesis as eLife prints them:
    # "(e.g., tooth enamel [Spalding et al., 2005])"
    for m in re.finditer(r"\(([^()\[\]]+)\)|\[([^\[\]()]+)\]", sentence):
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        parts = inner.split(";")
        hits = [_PAREN_PART.match(p) for p in parts]
        if any(hits):
            covered.append(m.span())
            offset = m.start() + 1
            for part, hit in zip(parts, hits, strict=True):
                if hit:  # "Schecter et al. 2003, 2005" cites two
                    years = [(hit.group("year"), hit.group("sfx") or "")]
                    years += re.findall(r"((?:1[6-9]|20)\d\d)([a-z]?)", hit.group("more") or "")
                    for year, suffix in years:
                        found.append(
                            Found(
                                offset,
                                offset + len(part),
                                part.strip(),
                                hit.group("name"),
                                int(year),
                                suffix,
                            )
                        )
                offset += len(part) + 1
    for form in Form:
        if form in forms:
            for numbered in numbered_candidates(sentence, form, highest):
                if not _inside(covered, numbered.start):
                    found.append(numbered)
    spans = sorted(covered + [(f.start, f.end) for f in found if f.numbers])
    for m in _NARRATIVE.finditer(sentence):
        if _inside(spans, m.start()):
            continue
        if m.group("single"):
            if surnames is None or name_key(m.group("name")) not in surnames:
                continue
            year_text, suffix = m.group("year3"), m.group("sfx3")
        else:
            year_text = m.group("year") or m.group("year2")
            suffix = m.group("sfx") or m.group("sfx2") or ""
        found.append(
            Found(
                m.start(),
                m.end(),
                m.group(0),
                m.group("name"),
                int(year_text) if year_text else None,
                suffix or "",
                narrative=True,
            )
        )
    return sorted(found, key=lambda f: f.start)


def _inside(spans: list[tuple[int, int]], at: int) -> bool:
    starts = [a for a, _ in spans]
    k = bisect.bisect_right(starts, at) - 1
    return k >= 0 and at < spans[k][1]


def without_citations(sentence: str, found: Iterable[Found]) -> str:
    """The sentence without its citations and its citation parentheticals, and without
    trial-phase labels ("Phase 2")."""
    spans = sorted((f.start, f.end) for f in found)
    out, pos = [], 0
    for start, end in spans:
        if start >= pos:
            out.append(sentence[pos:start])
            pos = end
    out.append(sentence[pos:])
    text = " ".join(out)
    # an emptied parenthetical "( ; )" is no figure either
    text = re.sub(r"\(\s*[;,\s]*\)", "", text)
    return re.sub(r"\bphase\s+(?:\d+|[IV]+)\b", "", text, flags=re.IGNORECASE)


# --- without an article's context (a claim's sentence alone) --------------------------------


def in_text_citations(sentence: str) -> list[tuple[str, int | None, str]]:
    """(surname, year, as printed) of each author-year citation in a sentence."""
    return [(f.surname, f.year, f.text) for f in find(sentence) if not f.numbers]


def citation_free(sentence: str) -> str:
    """The sentence without its citations: author-year ones, and numbered ones in brackets
    or superscripts (a bare "(3–6)" may be a range of values, so it stays)."""
    forms = frozenset({Form.BRACKETS, Form.SUPERSCRIPT})
    return without_citations(sentence, find(sentence, highest=9999, forms=forms))


def stated_figures(sentence: str) -> tuple[Quantity, ...]:
    return stated_quantities(citation_free(sentence))
