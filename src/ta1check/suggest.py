"""The right PMID: a candidate paper for a citation its PMID does not describe (#13).

This module holds the type every report reads, and the pure code around it: which results
want a suggestion, what to ask PubMed (ESearch terms, ECitMatch lines, the PMIDs one typo
away), and how candidates are scored. The searching and fetching is ``suggester``'s.

Precision first: a wrong suggestion is worse than none. A candidate is suggested only when
it fits the citation well (its first author and journal, or its title) and no other
candidate fits as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from anyascii import anyascii

from .checks import check_author, check_journal, check_title, check_year
from .claims import Claim
from .findings import Code, Finding, Severity
from .lazyre import lazy_compile
from .pubmed.record import Record


@dataclass(frozen=True)
class Suggestion:
    """ "Did you mean PMID 2642497: Gravenstein S et al., J Am Geriatr Soc 1989"."""

    pmid: int
    #: The candidate as a citation: "Gravenstein S et al., J Am Geriatr Soc 1989".
    citation: str
    title: str
    #: What fits, in words an editor reads: ("author", "journal", "year", "topic").
    reasons: tuple[str, ...]
    doi: str | None = None

    @property
    def text(self) -> str:
        """The line every human report shows: "did you mean PMID 2642497: Gravenstein S et
        al., J Am Geriatr Soc 1989 — author, journal and topic match"."""
        return f"did you mean PMID {self.pmid}: {self.citation} — {_and(self.reasons)} match"


def _and(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


# --- Which results want one ----------------------------------------------------------------

#: The fields whose mismatch says the record may be another paper than the one cited.
_IDENTITY = {
    Code.AUTHOR_MISMATCH: "first_author",
    Code.JOURNAL_MISMATCH: "journal",
    Code.YEAR_MISMATCH: "year",
    Code.TITLE_MISMATCH: "title",
}


def wants_suggestion(findings: Iterable[Finding]) -> bool:
    """The PMID is not found, or its record disagrees with the citation on at least two of
    first author, journal, year and title: the citation may describe another paper."""
    differ: set[str] = set()
    for f in findings:
        if f.code is Code.PMID_NOT_FOUND:
            return True
        if _IDENTITY.get(f.code) == f.field:
            differ.add(f.field)
    return len(differ) >= 2


# --- What to ask ---------------------------------------------------------------------------

_STOPWORDS = (
    "a about after against all also an and any are as at be been before being between both "
    "but by can could did do does during each either for from had has have having how if in "
    "into is it its may more most no not of on or other our over per should such than that "
    "the their them then there these they this those through to under up upon was we were "
    "what when where which while who whom why will with within without would vs versus via "
    "study studies patients patient effect effects results result analysis based using use "
    "used new case cases report review clinical trial randomized randomised among"
)
_STOP = frozenset(_STOPWORDS.split(" "))
_WORD = lazy_compile(r"[a-z0-9]+")
#: Title words an ESearch asks for (the rarest first): enough to find the paper, few enough
#: that a misprinted word does not lose it.
TITLE_TERMS = 6
#: Candidates asked of each ESearch.
SEARCH_RETMAX = 20
#: PMIDs one typo away of one stated PMID: at most this many (an 8-digit PMID has 7
#: adjacent transpositions and 72 one-digit substitutions).
MAX_NEIGHBOURS = 80


def words(text: str) -> tuple[str, ...]:
    """The content words of a text, folded to ASCII lower case, a plural's "s" dropped:
    "Double-blind, placebo-controlled" -> ("double", "blind", "placebo", "controlled")."""
    found = []
    for w in _WORD.findall(anyascii(text).casefold()):
        if len(w) < 3 or w in _STOP or w.isdigit():
            continue
        plural = len(w) > 4 and w.endswith("s") and not w.endswith("ss")
        found.append(w[:-1] if plural else w)
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class Wanted:
    """What a claim's citation describes, for the search of the paper it means."""

    key: str
    claim: Claim
    #: The PMID the claim states (its record, if any, is not a candidate).
    pmid: int | None

    @cached_property
    def cited(self) -> Claim:
        """The claim, with the journal and year of a citation printed with volume and pages
        ("… J Am Geriatr Soc. 1989;37(1):1-8"), which the citation parser leaves in the
        journal."""
        claim = self.claim
        m = volume_and_page(claim)
        journal = claim.stated_journal
        if m is None or not journal or m["year"] not in journal:
            return claim
        before = journal[: journal.index(m["year"])].strip(" .,;:([")
        year = claim.year if claim.year is not None else int(m["year"])
        return replace(claim, journal=claim.journal or before or None, year=year)

    @property
    def author(self) -> str | None:
        return self.cited.stated_first_author

    @property
    def journal(self) -> str | None:
        return self.cited.stated_journal

    @property
    def year(self) -> int | None:
        return self.cited.stated_year

    @property
    def topic(self) -> tuple[str, ...]:
        """The words the paper should be about: the stated title's, else the claim's text."""
        return words(" ".join(t for t in (self.claim.title, self.claim.text) if t))

    @property
    def could_fit(self) -> bool:
        """Whether the claim says enough for a candidate to fit: first author and journal,
        or a title."""
        return bool((self.author and self.journal) or self.claim.title)


_TERM_UNSAFE = lazy_compile(r'["\[\]*#]')
_VOLUME_PAGE = lazy_compile(
    r"(?:^|[\s.;,(])(?P<year>1[6-9]\d\d|20\d\d)[^;:]{0,20}[;:)]\s*(?P<volume>[0-9]{1,5})\s*"
    r"(?:\([^)]{0,20}\))?\s*:\s*(?P<page>[A-Za-z]{0,2}[0-9]{1,6})"
)


def volume_and_page(claim: Claim) -> re.Match[str] | None:
    """Year, volume and first page as a citation prints them: "1989;37(1):1-8"."""
    return _VOLUME_PAGE.search(claim.citation.raw) if claim.citation else None


def _phrase(text: str) -> str:
    """Text safe inside a quoted ESearch phrase: no quotes, square brackets (field tags),
    wildcards or periods; a qualifier's parentheses stay ("Acta Ophthalmol (Copenh)")."""
    return " ".join(_TERM_UNSAFE.sub(" ", text.replace(".", " ")).split())


def search_term(wanted: Wanted) -> str | None:
    """The ESearch term for the candidates that could fit: the first author's papers in the
    journal, and the papers whose title holds the stated title's rarest words. None when
    the claim says too little to fit any candidate."""
    clauses = []
    author = _phrase(wanted.author or "")
    journal = _phrase(wanted.journal or "")
    if author and journal:
        clauses.append(f'"{author}"[au] AND "{journal}"[ta]')
    if not wanted.could_fit:
        return None
    if wanted.claim.title:
        title = sorted(words(wanted.claim.title), key=lambda w: (-len(w), w))[:TITLE_TERMS]
        if len(title) >= 3:
            clauses.append(" AND ".join(f"{w}[ti]" for w in sorted(title)))
    if not clauses:
        return None
    if len(clauses) == 1:
        return clauses[0]
    return " OR ".join(f"({c})" for c in clauses)


def citmatch_line(wanted: Wanted) -> str | None:
    """The ECitMatch ``bdata`` line ``journal|year|volume|first page|author|key|``, when the
    claim gives all of journal, year, volume and first page (its ``volume`` and ``pages``, or
    the citation's: "…, J Am Geriatr Soc. 1989;37(1):1-8")."""
    claim = wanted.cited
    m = volume_and_page(claim)
    volume = claim.stated_volume or (m["volume"] if m else None)
    pages = claim.stated_pages or (m["page"] if m else None)
    first_page = re.split(r"[-\u2010-\u2015,;\s]", pages.strip())[0] if pages else ""
    journal = _phrase(wanted.journal or "").replace("|", " ")
    year = wanted.year
    if not (journal and year and volume and first_page):
        return None
    author = _phrase(wanted.author or "")
    fields = (journal, str(year), volume, first_page, author, wanted.key)
    return "".join(f.replace("|", " ") + "|" for f in fields)


def neighbours(pmid: int) -> tuple[int, ...]:
    """The PMIDs one typo away: two adjacent digits swapped, then one digit changed (at most
    ``MAX_NEIGHBOURS``; never a leading zero, never ``pmid`` itself)."""
    digits = str(pmid)
    found: dict[int, None] = {}
    for i in range(len(digits) - 1):
        swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
        found[int(swapped)] = None
    for i in range(len(digits) - 1, -1, -1):  # the last digits are mistyped most
        for d in "0123456789":
            found[int(digits[:i] + d + digits[i + 1 :])] = None
    typos = (p for p in found if p != pmid and p > 0 and len(str(p)) == len(digits))
    return tuple(typos)[:MAX_NEIGHBOURS]


# --- Scoring -------------------------------------------------------------------------------

#: A candidate is "about" the claim's topic when its title shares this many of the claim's
#: words, and they are at least this share of the title's words.
TOPIC_WORDS = 3
TOPIC_SHARE = 0.3


@dataclass(frozen=True)
class Fit:
    """How one candidate fits a citation."""

    record: Record
    reasons: tuple[str, ...]
    overlap: float

    @property
    def acceptable(self) -> bool:
        r = set(self.reasons)
        return "title" in r or {"author", "journal"} <= r

    @property
    def rank(self) -> tuple[int, int]:
        weights = {"title": 4, "author": 2, "journal": 2, "year": 1, "topic": 1}
        return (sum(weights[r] for r in self.reasons), int(self.overlap * 10))


def fit(wanted: Wanted, record: Record) -> Fit:
    """What of the citation ``record`` matches: the same comparisons the checks make."""
    claim = wanted.cited
    reasons = []
    if claim.title and not check_title(claim, record):
        reasons.append("title")
    author = check_author(claim, record) if wanted.author and record.authors else None
    if author is not None and not any(f.field == "first_author" for f in author):
        reasons.append("author")
    if wanted.journal and record.journal_names and not check_journal(claim, record):
        reasons.append("journal")
    if wanted.year is not None and record.years:
        year = check_year(claim, record)
        if all(f.severity is not Severity.ERROR for f in year):
            reasons.append("year")
    topic = set(wanted.topic)
    title = words(record.title)
    shared = len(topic & set(title))
    overlap = shared / len(title) if title else 0.0
    if shared >= TOPIC_WORDS and overlap >= TOPIC_SHARE and "title" not in reasons:
        reasons.append("topic")
    return Fit(record, tuple(reasons), overlap)


def best(
    wanted: Wanted, candidates: Iterable[Record], stated: Record | None = None
) -> Suggestion | None:
    """The candidate that fits the citation well and better than any other, and better than
    the ``stated`` PMID's own record; None when none does, or when two fit equally (a guess is
    worse than no suggestion)."""
    fits = sorted(
        (fit(wanted, r) for r in candidates if r.pmid != wanted.pmid),
        key=lambda f: f.rank,
        reverse=True,
    )
    fits = [f for f in fits if f.acceptable]
    if not fits or (len(fits) > 1 and fits[1].rank == fits[0].rank):
        return None
    chosen = fits[0]
    if stated is not None:
        own = fit(wanted, stated)
        if own.rank >= chosen.rank:
            return None  # the citation is sloppy, but its own record fits it as well
        if wanted.topic and own.overlap > chosen.overlap:
            return None  # its own record is closer to what the claim is about
    return Suggestion(
        pmid=chosen.record.pmid,
        citation=citation_of(chosen.record),
        title=chosen.record.title,
        reasons=chosen.reasons,
        doi=chosen.record.doi,
    )


def citation_of(record: Record) -> str:
    """ "Gravenstein S et al., J Am Geriatr Soc 1989"."""
    names = [a.display for a in record.authors]
    if len(names) > 2:
        who = f"{names[0]} et al."
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = names[0] if names else "Anonymous"
    journal = record.iso_abbreviation or record.medline_ta or record.journal
    year = f" {record.year}" if record.year else ""
    return f"{who}, {journal}{year}"
