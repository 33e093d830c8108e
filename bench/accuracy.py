"""The generated accuracy suite (issue #11): citations and figures written the ways editors
write them, from every record of the real-record corpus, run through the library with the
records as outcomes (no network), and scored class by class.

    uv run python bench/accuracy.py [--seed 11] [--json PATH] [--every N] [--examples 20]

Classes (``group/form``):

- ``metadata-correct/…``: a correct citation in one printed form; any finding about title, year,
  author, journal or DOI is a false positive.
- ``metadata-planted/…``: a citation with one planted error (year, first author, journal, title,
  DOI); a claim without the matching finding is a miss (a silent pass).
- ``figures-present/…``: a number taken from the abstract, restated one way; any verdict other
  than ``found`` is a false alarm.
- ``figures-absent/…``: a number planted that the abstract does not hold under any reading (nor
  any rounding of one); any verdict other than ``not-found`` is a miss.

Deterministic: one seeded ``random.Random`` over the records in PMID order. bench/ACCURACY.md
says what each form is and where the generator may be imperfect.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from anyascii import anyascii

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from corpus import corpus_files, corpus_records  # noqa: E402
from ta1check.claims import ClaimsError, loads_claims  # noqa: E402
from ta1check.figures import FigureStatus  # noqa: E402
from ta1check.findings import Severity  # noqa: E402
from ta1check.pubmed.record import Record  # noqa: E402
from ta1check.results import Result, evaluate  # noqa: E402

#: Findings about the citation's metadata: any of these on a correct citation is a false alarm.
META_CODES = frozenset(
    {
        "title-mismatch",
        "year-mismatch",
        "author-mismatch",
        "journal-mismatch",
        "doi-mismatch",
        "authors-mismatch",
        "volume-mismatch",
        "issue-mismatch",
        "pages-mismatch",
    }
)
META_FIELDS = frozenset(
    {
        "title",
        "year",
        "first_author",
        "second_author",
        "authors",
        "journal",
        "doi",
        "volume",
        "issue",
        "pages",
    }
)

# --- Text helpers (the generator's own, independent of ta1check.normalize) -----------------

_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")
_SUPSUB = re.compile(r"<(sup|sub)>(.*?)</\1>", re.S)


def plain(text: str) -> str:
    """Text as an editor copies it from PubMed: markup dropped, entities decoded."""
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def key(text: str) -> str:
    """Letters and digits only, folded to ASCII lower case: for telling names apart."""
    return re.sub(r"[^0-9a-z]", "", anyascii(plain(text)).casefold())


def german(text: str) -> str:
    """German transliteration of umlauts (Müller -> Mueller), then ASCII."""
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue")):
        text = text.replace(a, b)
    return anyascii(text.replace("ß", "ss"))


GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "ι": "iota",
    "κ": "kappa",
    "λ": "lambda",
    "ν": "nu",
    "ξ": "xi",
    "π": "pi",
    "ρ": "rho",
    "σ": "sigma",
    "τ": "tau",
    "υ": "upsilon",
    "φ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
    "Γ": "Gamma",
    "Δ": "Delta",
    "Θ": "Theta",
    "Λ": "Lambda",
    "Σ": "Sigma",
    "Φ": "Phi",
    "Ψ": "Psi",
    "Ω": "Omega",
}

_STOP = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "in",
        "on",
        "for",
        "to",
        "with",
        "by",
        "at",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "its",
        "their",
        "this",
        "that",
        "these",
        "those",
        "than",
        "into",
        "between",
        "during",
        "after",
        "before",
        "among",
        "within",
        "without",
    }
)


def journal_keys(record: Record) -> frozenset[str]:
    """What makes two records' journals the same journal."""
    full = re.sub(r"\([^()]*\)", " ", record.journal)
    return frozenset(
        k for k in (key(record.iso_abbreviation), key(record.medline_ta), key(full)) if k
    )


def with_periods(iso: str, full: str) -> str:
    """'J Am Geriatr Soc' -> 'J. Am. Geriatr. Soc.': a period after each word the full title
    does not spell out whole."""
    if "." in iso:
        return iso
    words_of_full = set(plain(full).casefold().replace("-", " ").split())
    out = []
    for word in iso.split():
        whole = word.casefold() in words_of_full or not word.isalpha()
        out.append(word if whole else word + ".")
    return " ".join(out)


_SMALL_WORDS = frozenset({"of", "and", "the", "in", "for", "on", "de", "la", "et", "und", "a"})


def without_nlm_additions(full: str) -> str:
    """A full title as the journal prints it: NLM's qualifiers in parentheses (nested too:
    "Clinical oncology (Royal College of Radiologists (Great Britain))"), its subtitle after
    " : " and a parallel title after " = " dropped."""
    text = plain(full)
    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"\s*\([^()]*\)", "", text)
    text = re.split(r"\s+[:=]\s+", text, maxsplit=1)[0]
    return text.strip(" .")


def title_case(text: str) -> str:
    """ "Diabetes therapy" -> "Diabetes Therapy"; acronyms and small words kept."""
    words = text.split(" ")
    out = []
    for i, word in enumerate(words):
        upper = word.islower() and (i == 0 or word not in _SMALL_WORDS)
        out.append(word[:1].upper() + word[1:] if upper else word)
    return " ".join(out)


def journal_forms(record: Record) -> dict[str, str]:
    """The journal as editors print it: full title (as NLM gives it, and without NLM's
    additions, in title case), ISO abbreviation (as NLM gives it, with and without periods),
    MedlineTA."""
    forms: dict[str, str] = {}
    if record.journal:
        forms["full"] = plain(record.journal)
        bare = without_nlm_additions(record.journal)
        if bare and bare != forms["full"]:
            forms["full-without-nlm-additions"] = bare
        if bare and title_case(bare) != bare:
            forms["full-title-case"] = title_case(bare)
    iso = record.iso_abbreviation
    if iso:
        forms["iso"] = iso
        forms["iso-periods"] = with_periods(iso, record.journal)
        forms["iso-no-periods"] = " ".join(iso.replace(".", " ").split())
    if record.medline_ta:
        forms["medline-ta"] = record.medline_ta
    return forms


def main_journal(record: Record) -> str:
    forms = journal_forms(record)
    return forms.get("iso-no-periods") or forms.get("medline-ta") or forms.get("full", "")


# --- Cases -----------------------------------------------------------------------------------


@dataclass
class Case:
    group: str  # metadata-correct, metadata-planted, figures-present, figures-absent
    form: str
    pmid: int
    fields: dict[str, Any]
    expect: str = ""  # planted: the finding code expected
    note: str = ""

    @property
    def klass(self) -> str:
        return f"{self.group}/{self.form}"


def group_name(collective: str) -> str:
    """A collective author as printed: PubMed's "Electronic address: …" note dropped."""
    return re.sub(r"\.?\s*Electronic address:.*$", "", plain(collective)).strip()


def person(record: Record, i: int) -> str | None:
    if len(record.authors) <= i:
        return None
    a = record.authors[i]
    return None if a.collective else a.last_name or None


def citation_text(surname: str, record: Record, journal: str, year: int, style: str) -> str:
    """One printed citation, by author count: et al. (3+), "A and B" (2), "A" (1)."""
    n = len(record.authors)
    second = person(record, 1)
    if style == "initials":
        initials = record.authors[0].initials
        return f"{surname} {initials} et al. {journal} {year}"
    if style == "bare-year":
        return f"{surname} et al., {journal} {year}"
    if n >= 3:
        return f"{surname} et al., {journal} ({year})"
    if n == 2 and second:
        return f"{surname} and {second}, {journal} ({year})"
    return f"{surname}, {journal} ({year})"


def count_style(record: Record) -> str:
    n = len(record.authors)
    return "et-al" if n >= 3 else "two-authors" if n == 2 and person(record, 1) else "one-author"


def correct_metadata(record: Record, book_years: Mapping[int, tuple[int, ...]]) -> Iterator[Case]:
    pmid = record.pmid
    year = record.year
    first = record.authors[0] if record.authors else None
    surname = (first.last_name if first and not first.collective else None) or None
    collective = first.collective if first and first.collective else None
    forms = journal_forms(record)
    if record.is_book:
        yield from _book_cases(record, book_years.get(pmid, ()))
        return
    if year is not None and surname:
        style = count_style(record)
        for jname, journal in forms.items():
            yield Case(
                "metadata-correct",
                f"citation/{style}/{jname}",
                pmid,
                {"citation": citation_text(surname, record, journal, year, "")},
            )
        if len(record.authors) >= 3:
            if "iso-periods" in forms:
                yield Case(
                    "metadata-correct",
                    "citation/et-al-periods-bare-year",
                    pmid,
                    {
                        "citation": citation_text(
                            surname, record, forms["iso-periods"], year, "bare-year"
                        )
                    },
                )
            real_initials = bool(first and re.fullmatch(r"[^\W\d_a-z]{1,4}", first.initials))
            if real_initials and surname.upper() != surname:
                yield Case(
                    "metadata-correct",
                    "citation/surname-upper-case-initials-et-al",
                    pmid,
                    {
                        "citation": citation_text(
                            surname.upper(), record, main_journal(record), year, "initials"
                        )
                    },
                )
            if first and first.initials:  # as NLM gives them, even a forename ("Tomáš")
                yield Case(
                    "metadata-correct",
                    "citation/surname-initials-et-al",
                    pmid,
                    {
                        "citation": citation_text(
                            surname, record, main_journal(record), year, "initials"
                        )
                    },
                )
        for other in record.years:
            if other != year:
                yield Case(
                    "metadata-correct",
                    "citation/medlinedate-other-year",
                    pmid,
                    {"citation": citation_text(surname, record, main_journal(record), other, "")},
                )
        if not surname.isascii():
            yield Case(
                "metadata-correct",
                "citation/surname-ascii",
                pmid,
                {
                    "citation": citation_text(
                        anyascii(surname), record, main_journal(record), year, ""
                    )
                },
            )
            if re.search("[äöüÄÖÜß]", surname):
                yield Case(
                    "metadata-correct",
                    "citation/surname-german-transliteration",
                    pmid,
                    {
                        "citation": citation_text(
                            german(surname), record, main_journal(record), year, ""
                        )
                    },
                )
    if year is not None and collective and "," not in collective:
        yield Case(
            "metadata-correct",
            "citation/collective-author",
            pmid,
            {"citation": f"{group_name(collective)}, {main_journal(record)} ({year})"},
        )
        short = re.sub(r"\s*\([A-Z][A-Za-z&-]*\)$", "", group_name(collective))
        if short != group_name(collective) and len(short.split()) >= 2:
            yield Case(
                "metadata-correct",
                "citation/collective-author-without-its-acronym",
                pmid,
                {"citation": f"{short}, {main_journal(record)} ({year})"},
            )
    # explicit fields (the journal only where no citation could be printed: the same check)
    if year is None or not (surname or collective):
        for jname, journal in forms.items():
            yield Case("metadata-correct", f"journal/{jname}", pmid, {"journal": journal})
    if year is not None:
        yield Case("metadata-correct", "year/issue", pmid, {"year": year})
        for other in record.years:
            if other != year:
                yield Case("metadata-correct", "year/medlinedate-other-year", pmid, {"year": other})
    if surname:
        yield Case("metadata-correct", "first_author/surname", pmid, {"first_author": surname})
        if not surname.isascii():
            yield Case(
                "metadata-correct",
                "first_author/ascii",
                pmid,
                {"first_author": anyascii(surname)},
            )
            if re.search("[äöüÄÖÜß]", surname):
                yield Case(
                    "metadata-correct",
                    "first_author/german-transliteration",
                    pmid,
                    {"first_author": german(surname)},
                )
    if collective:
        yield Case(
            "metadata-correct",
            "first_author/collective",
            pmid,
            {"first_author": group_name(collective)},
        )
    names = [(a.collective and plain(a.collective)) or a.last_name for a in record.authors[:3]]
    if len(names) >= 2 and all(names):
        yield Case("metadata-correct", "authors/first-three", pmid, {"authors": names})
    yield from _title_cases(record)
    if record.doi:
        doi = record.doi
        yield Case("metadata-correct", "doi/as-is", pmid, {"doi": doi})
        if doi.upper() != doi:
            yield Case("metadata-correct", "doi/upper-case", pmid, {"doi": doi.upper()})
        yield Case("metadata-correct", "doi/url", pmid, {"doi": f"https://doi.org/{doi}"})
        yield Case("metadata-correct", "doi/doi-prefix", pmid, {"doi": f"doi:{doi}"})


def _title_cases(record: Record) -> Iterator[Case]:
    pmid = record.pmid
    title = plain(record.title)
    if len(title) < 4:
        return
    form = "title/markup-stripped" if "<" in record.title else "title/as-printed"
    yield Case("metadata-correct", form, pmid, {"title": title})
    if title.upper() != title:
        yield Case("metadata-correct", "title/upper-case", pmid, {"title": title.upper()})
    if title.lower() != title:
        yield Case("metadata-correct", "title/lower-case", pmid, {"title": title.lower()})
    heads = []
    if ": " in title:
        heads.append(("title/subtitle-dropped-colon", title.split(": ", 1)[0]))
    if "--" in title:
        heads.append(("title/subtitle-dropped-double-dash", title.split("--", 1)[0]))
    for name, head in heads:
        if len(head.split()) >= 2 and not head.startswith("["):
            yield Case("metadata-correct", name, pmid, {"title": head.strip()})
    if title.startswith("[") and title.rstrip(".").endswith("]"):
        inner = title.rstrip(".")[1:-1].strip()
        if "[" not in inner and len(inner.split()) >= 2:
            yield Case(
                "metadata-correct", "title/translation-brackets-dropped", pmid, {"title": inner}
            )
    if any(ch in GREEK for ch in title):
        spelled = "".join(GREEK.get(ch, ch) for ch in title)
        yield Case("metadata-correct", "title/greek-spelled-out", pmid, {"title": spelled})


_BOOK_DATE = re.compile(
    r"<(ContributionDate|DateRevised|BeginningDate|PubDate)>\s*<Year>(\d{4})</Year>"
)


def book_years() -> dict[int, tuple[int, ...]]:
    """For each book record of the corpus files, the years its BookDocument gives: the book's
    PubDate and BeginningDate, the chapter's ContributionDate and DateRevised."""
    import gzip

    years: dict[int, tuple[int, ...]] = {}
    for path in corpus_files():
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        text = data.decode("utf-8", "replace")
        for m in re.finditer(r"<PubmedBookArticle>.*?</PubmedBookArticle>", text, re.S):
            element = m.group(0)
            pm = re.search(r"<PMID[^>]*>(\d+)</PMID>", element)
            if pm:
                found = sorted({int(y) for _, y in _BOOK_DATE.findall(element)})
                years[int(pm.group(1))] = tuple(found)
    return years


def _book_cases(record: Record, years: tuple[int, ...]) -> Iterator[Case]:
    pmid = record.pmid
    yield Case("metadata-correct", "book/chapter-title", pmid, {"title": plain(record.title)})
    book = plain(record.journal)
    yield Case("metadata-correct", "book/book-title", pmid, {"journal": book})
    stripped = book.rstrip("®™ ").strip()
    if stripped != book:
        yield Case("metadata-correct", "book/book-title-without-mark", pmid, {"journal": stripped})
    for y in sorted(set(years) | set(record.years)):
        yield Case("metadata-correct", "book/any-date-of-the-chapter", pmid, {"year": y})
    first = person(record, 0)
    if first and years:
        yield Case(
            "metadata-correct",
            "book/citation",
            pmid,
            {"citation": citation_text(first, record, stripped, max(years), "")},
        )


# --- Planted metadata errors -------------------------------------------------------------------


@dataclass
class Pools:
    """What planted errors draw from: the corpus's surnames, journals and titles."""

    surnames: list[tuple[int, str]]
    journals: list[Record]  # one record per distinct journal
    titles: list[tuple[int, str]]
    title_words: list[str]
    journal_keys: dict[int, frozenset[str]] = field(default_factory=dict)
    #: journals by the first letters of their ISO abbreviation's words
    by_two_letters: dict[tuple[str, ...], list[Record]] = field(default_factory=dict)
    by_initials: dict[tuple[str, ...], list[Record]] = field(default_factory=dict)


def pools(records: Sequence[Record]) -> Pools:
    surnames = [
        (r.pmid, r.authors[0].last_name)
        for r in records
        if r.authors and not r.authors[0].collective and len(key(r.authors[0].last_name)) >= 3
    ]
    seen: set[frozenset[str]] = set()
    journals = []
    for r in records:
        keys = journal_keys(r)
        if r.iso_abbreviation and not r.is_book and keys not in seen:
            seen.add(keys)
            journals.append(r)
    titles = [(r.pmid, plain(r.title)) for r in records if len(plain(r.title).split()) >= 4]
    words = sorted(
        {
            w
            for _, t in titles
            for w in re.findall(r"[A-Za-z]{6,}", t)
            if w.islower() and w not in _STOP
        }
    )
    by_two: dict[tuple[str, ...], list[Record]] = defaultdict(list)
    by_initials: dict[tuple[str, ...], list[Record]] = defaultdict(list)
    for j in journals:
        by_two[two_letters(j.iso_abbreviation)].append(j)
        by_initials[tuple(w[:1] for w in _abbreviation_keys(j.iso_abbreviation))].append(j)
    return Pools(
        surnames,
        journals,
        titles,
        words,
        {r.pmid: journal_keys(r) for r in journals},
        dict(by_two),
        dict(by_initials),
    )


def _abbrev_words(iso: str) -> list[str]:
    return [w for w in iso.replace(".", " ").split() if w]


def two_letters(iso: str) -> tuple[str, ...]:
    """The first two letters of each word of an ISO abbreviation (the word, when shorter).
    Journals alike in these are confusable: "J Pers" ~ "J Pediatr", "Vet Rec" ~ "Vet Res"."""
    return tuple(w[:2].casefold() for w in _abbrev_words(iso))


def _in_order(abbreviation: str, word: str) -> bool:
    if not abbreviation or not word or abbreviation[0] != word[0]:
        return False
    pos = 0
    for ch in abbreviation:
        pos = word.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


@cache
def _abbreviation_keys(iso: str) -> tuple[str, ...]:
    return tuple(key(w) for w in _abbrev_words(iso))


@cache
def _title_words(journal: str) -> tuple[str, ...]:
    bare = anyascii(without_nlm_additions(journal)).lower()
    return tuple(w for w in re.split(r"[^0-9a-z]+", bare) if w and w not in _SMALL_WORDS)


def letters_in_order(other: Record, record: Record) -> bool:
    """Each word of ``other``'s ISO abbreviation has its letters, in order, in the matching
    word of ``record``'s full title: "J Pers" and *The Journal of pediatrics*. Not an
    abbreviation rule; a trap for one."""
    words = _abbreviation_keys(other.iso_abbreviation)
    title = _title_words(record.journal)
    return len(words) == len(title) and all(
        _in_order(a, w) for a, w in zip(words, title, strict=True)
    )


def planted_metadata(record: Record, rng: random.Random, pool: Pools) -> Iterator[Case]:
    if record.is_book:
        return
    pmid = record.pmid
    year = record.year
    surname = person(record, 0)
    journal = main_journal(record)
    keys = journal_keys(record)
    group = "metadata-planted"
    if year is not None and surname and journal:
        # year off by 1-3, in neither the issue's years nor the e-publication year
        offsets = [1, -1, 2, -2, 3, -3]
        rng.shuffle(offsets)
        for d in offsets:
            wrong = year + d
            if wrong not in record.years and wrong != record.epub_year:
                yield Case(
                    group,
                    "year-off-by-1-3",
                    pmid,
                    {"citation": citation_text(surname, record, journal, wrong, "")},
                    "year-mismatch",
                    f"issue year {year}",
                )
                break
        # first author: another record's surname
        own = {key(a.last_name or a.collective) for a in record.authors[:1]}
        own |= {key(german(a.last_name)) for a in record.authors[:1]}
        for _ in range(20):
            other_pmid, other = pool.surnames[rng.randrange(len(pool.surnames))]
            if other_pmid != pmid and key(other) not in own and key(german(other)) not in own:
                yield Case(
                    group,
                    "first-author-from-another-record",
                    pmid,
                    {"citation": citation_text(other, record, journal, year, "")},
                    "author-mismatch",
                    f"first author {surname}; planted from PMID {other_pmid}",
                )
                break
        groups = [a.collective for a in record.authors[1:] if a.collective]
        if groups and "," not in groups[0]:
            name = group_name(groups[0])
            yield Case(
                group,
                "first-author-a-group-of-the-list-where-pubmed-has-a-person",
                pmid,
                {"citation": f"{name}, {journal} ({year})"},
                "author-mismatch",
                f"first author {surname}",
            )
        second = person(record, 1)
        if second and key(second) not in own and len(record.authors) >= 3:
            yield Case(
                group,
                "first-author-is-the-second-author",
                pmid,
                {"citation": citation_text(second, record, journal, year, "")},
                "author-mismatch",
                f"first author {surname}",
            )
        # journal: other journals of the corpus, confusable ones first
        if record.iso_abbreviation:
            letters = [
                j
                for j in pool.by_two_letters.get(two_letters(record.iso_abbreviation), [])
                if not (pool.journal_keys[j.pmid] & keys)
            ]
            for other_journal in rng.sample(letters, min(2, len(letters))):
                yield Case(
                    group,
                    "journal-confusable-iso-abbreviation",
                    pmid,
                    {
                        "citation": citation_text(
                            surname, record, other_journal.iso_abbreviation, year, ""
                        )
                    },
                    "journal-mismatch",
                    f"journal {record.iso_abbreviation}; planted {other_journal.journal}",
                )
            initials = tuple(w[:1] for w in _title_words(record.journal))
            in_order = [
                j
                for j in pool.by_initials.get(initials, [])
                if letters_in_order(j, record) and not (pool.journal_keys[j.pmid] & keys)
            ]
            for other_journal in rng.sample(in_order, min(2, len(in_order))):
                yield Case(
                    group,
                    "journal-letters-in-order-iso-abbreviation",
                    pmid,
                    {
                        "citation": citation_text(
                            surname, record, other_journal.iso_abbreviation, year, ""
                        )
                    },
                    "journal-mismatch",
                    f"journal {record.iso_abbreviation}; planted {other_journal.journal}",
                )
        for form in ("iso-abbreviation", "full-title"):
            for _ in range(20):
                other_journal = pool.journals[rng.randrange(len(pool.journals))]
                if pool.journal_keys[other_journal.pmid] & keys:
                    continue
                name = (
                    other_journal.iso_abbreviation
                    if form == "iso-abbreviation"
                    else plain(other_journal.journal)
                )
                yield Case(
                    group,
                    f"journal-another-{form}",
                    pmid,
                    {"citation": citation_text(surname, record, name, year, "")},
                    "journal-mismatch",
                    f"journal {record.journal}",
                )
                break
    lead = record.authors[0] if record.authors else None
    if lead and lead.collective and year is not None and journal:
        second_person = person(record, 1)
        if second_person:
            yield Case(
                group,
                "first-author-a-person-where-pubmed-has-a-group",
                pmid,
                {"citation": f"{second_person} et al., {journal} ({year})"},
                "author-mismatch",
                f"first author {group_name(lead.collective)}",
            )
    types = set(record.publication_types)
    if surname and year is not None and journal:
        notice = (
            ("retraction-notice-cited-as-a-paper", "retracted")
            if "Retraction of Publication" in types
            else ("erratum-notice-cited-as-a-paper", "not-a-paper")
            if "Published Erratum" in types
            else ("comment-cited-as-a-paper", "not-a-paper")
            if "Comment" in types and not ({"Journal Article", "Review"} & types)
            else None
        )
        if notice is not None:
            yield Case(
                group,
                notice[0],
                pmid,
                {
                    "citation": citation_text(surname, record, journal, year, ""),
                    "text": plain(record.title),
                },
                notice[1],
                "the PMID is a notice; the claim states what it says",
            )
    title = plain(record.title)
    if len(title.split()) >= 3:
        for _ in range(20):
            other_pmid, other_title = pool.titles[rng.randrange(len(pool.titles))]
            if other_pmid != pmid and key(other_title) != key(title):
                yield Case(
                    group,
                    "title-of-another-record",
                    pmid,
                    {"title": other_title},
                    "title-mismatch",
                    f"from PMID {other_pmid}",
                )
                break
        words = [
            m for m in re.finditer(r"[A-Za-z]{5,}", title) if m.group(0).casefold() not in _STOP
        ]
        if words:
            m = words[rng.randrange(len(words))]
            for _ in range(20):
                replacement = pool.title_words[rng.randrange(len(pool.title_words))]
                if replacement.casefold() != m.group(0).casefold() and not re.search(
                    rf"\b{re.escape(replacement)}\b", title, re.I
                ):
                    if m.group(0)[0].isupper():
                        replacement = replacement.capitalize()
                    changed = title[: m.start()] + replacement + title[m.end() :]
                    yield Case(
                        group,
                        "title-with-a-content-word-changed",
                        pmid,
                        {"title": changed},
                        "title-mismatch",
                        f"{m.group(0)!r} -> {replacement!r}",
                    )
                    break
    if record.doi:
        doi = record.doi
        slash = doi.find("/")
        positions = [i for i in range(slash + 1, len(doi)) if doi[i].isalnum()] or [
            i for i in range(len(doi)) if doi[i].isdigit()
        ]
        if positions:
            i = positions[rng.randrange(len(positions))]
            ch = doi[i]
            if ch.isdigit():
                new = str((int(ch) + 1 + rng.randrange(8)) % 10)
            else:
                letters = [c for c in "abcdefghijklmnopqrstuvwxyz" if c != ch.lower()]
                new = letters[rng.randrange(len(letters))]
                new = new.upper() if ch.isupper() else new
            yield Case(
                group,
                "doi-one-character-changed",
                pmid,
                {"doi": doi[:i] + new + doi[i + 1 :]},
                "doi-mismatch",
                f"DOI {doi}",
            )


# --- Volume, issue, pages and the whole author list (issue #12) -------------------------------

_NLM_RANGE = re.compile(
    r"^(?P<pre>[A-Za-z]*)(?P<a>\d+)(?P<suf>[A-Za-z]?)-(?P=pre)?(?P<b>\d+)(?P=suf)?$"
)


def full_pages(pages: str) -> str | None:
    """NLM's "1383-7" written out as journals print it, "1383–1387" (the generator's own
    expansion); None for pages of another shape."""
    m = _NLM_RANGE.match(pages)
    if not m:
        return None
    a, b = m.group("a"), m.group("b")
    if len(b) < len(a):
        b = a[: len(a) - len(b)] + b
    if int(b) < int(a):
        return None
    pre, suf = m.group("pre"), m.group("suf")
    return f"{pre}{a}{suf}\u2013{pre}{b}{suf}"


def _simple_location(record: Record) -> bool:
    """Volume and pages of the plain kinds most citations print: "27", "1383-7", "e0123456"."""
    return bool(
        re.fullmatch(r"\d{1,5}", record.volume)
        and re.fullmatch(r"[A-Za-z]{0,2}\d+(?:-[A-Za-z]{0,2}\d+)?", record.pages)
        and (not record.issue or re.fullmatch(r"\d{1,3}", record.issue))
    )


def people(record: Record) -> list[tuple[str, str]] | None:
    """(surname, initials) of each author, or None when the list holds a group or a name that
    styles would print otherwise."""
    out = []
    for a in record.authors:
        if a.collective or not a.last_name or not re.fullmatch(r"[A-Z]{1,4}", a.initials):
            return None
        if re.search(r"[,.()]", a.last_name):
            return None
        out.append((a.last_name, a.initials))
    return out if out else None


def _title_for_reference(record: Record) -> str | None:
    """The title as a reference prints it, when it reads unambiguously: one sentence."""
    title = plain(record.title).rstrip(".")
    if len(title.split()) < 3 or re.search(r"[.?!]\s|[\[\]]", title) or title.endswith("?"):
        return None
    return title


def location_cases(record: Record, rng: random.Random, pool: Pools) -> Iterator[Case]:
    """Correct and planted volume, issue, pages and author lists, printed in the real styles."""
    if record.is_book or not record.authors or record.year is None:
        return
    pmid, year = record.pmid, record.year
    journal = main_journal(record)
    first = person(record, 0)
    simple = _simple_location(record)
    vol, iss, pages = record.volume, record.issue, record.pages
    loc_issue = f"({iss})" if iss else ""
    if first and journal and simple:
        lead = f"{first} et al." if len(record.authors) > 1 else first
        yield Case(
            "metadata-correct",
            "location/vancouver-nlm-pages",
            pmid,
            {"citation": f"{lead}, {journal}. {year};{vol}{loc_issue}:{pages}."},
        )
        yield Case(
            "metadata-correct",
            "location/bmc",
            pmid,
            {"citation": f"{lead}, {journal} {year}, {vol}:{pages}"},
        )
        written = full_pages(pages)
        if written:
            yield Case(
                "metadata-correct",
                "location/nature-pages-written-out",
                pmid,
                {"citation": f"{lead}, {journal} {vol}, {written} ({year})"},
            )
        yield Case(
            "metadata-correct",
            "location/nature-first-page-only",
            pmid,
            {"citation": f"{lead}, {journal} {vol}, {pages.split('-')[0]} ({year})"},
        )
    if vol:
        given = {k: v for k, v in (("volume", vol), ("issue", iss), ("pages", pages)) if v}
        yield Case("metadata-correct", "location/fields-as-pubmed-gives-them", pmid, given)
    if re.fullmatch(r"\d+ (?:Suppl|Pt) \d+", vol):
        yield Case("metadata-correct", "location/volume-without-its-part", pmid,
                   {"volume": vol.split()[0]})  # fmt: skip
    if re.fullmatch(r"Suppl \d+", iss):
        yield Case("metadata-correct", "location/supplement-as-s", pmid,
                   {"issue": "S" + iss.split()[1]})  # fmt: skip
    m = re.fullmatch(r"(\d+)-(\d+)", iss)
    if m:
        yield Case("metadata-correct", "location/one-number-of-a-double-issue", pmid,
                   {"issue": m.group(1)})  # fmt: skip
    # planted
    if simple and first and journal:
        lead = f"{first} et al." if len(record.authors) > 1 else first
        m2 = re.fullmatch(r"([A-Za-z]{0,2})(\d+)(.*)", pages)
        if m2:
            digits = m2.group(2)
            wrong = str(int(digits) + rng.choice([1, 2, 10, 100]))
            if len(digits) >= 2 and digits[0] != digits[1]:
                wrong = digits[1] + digits[0] + digits[2:]  # "1383" -> "3183"
            yield Case(
                "metadata-planted",
                "pages-first-page-changed",
                pmid,
                {"citation": f"{lead}, {journal}. {year};{vol}{loc_issue}:"
                             f"{m2.group(1)}{wrong}{m2.group(3)}."},
                "pages-mismatch",
                f"pages {pages}",
            )  # fmt: skip
        written = full_pages(pages)
        if written:
            head, _, last = written.partition("\u2013")
            digits = re.sub(r"\D", "", last)
            wrong_last = int(digits) + rng.choice([1, 2, 3, 11])
            yield Case(
                "metadata-planted",
                "pages-last-page-changed",
                pmid,
                {"pages": f"{head}-{wrong_last}"},
                "pages-mismatch",
                f"pages {pages}",
            )
        yield Case(
            "metadata-planted",
            "volume-off-by-one",
            pmid,
            {"citation": f"{lead}, {journal}. {year};{int(vol) + rng.choice([1, -1]) or 2}"
                         f"{loc_issue}:{pages}."},
            "volume-mismatch",
            f"volume {vol}",
        )  # fmt: skip
        if iss:
            yield Case(
                "metadata-planted",
                "issue-changed",
                pmid,
                {"volume": vol, "issue": str(int(iss) + rng.choice([1, 2])), "pages": pages},
                "issue-mismatch",
                f"issue {iss}",
            )
    yield from author_list_cases(record, rng, pool)


def _vancouver_names(names: Sequence[tuple[str, str]]) -> str:
    return ", ".join(f"{s} {i}" for s, i in names)


def _nature_names(names: Sequence[tuple[str, str]]) -> str:
    return ", ".join(" ".join(f"{c}." for c in i) + f" {s}" for s, i in names)


def _apa_names(names: Sequence[tuple[str, str]]) -> str:
    printed = [f"{s}, " + " ".join(f"{c}." for c in i) for s, i in names]
    if len(printed) == 1:
        return printed[0]
    return ", ".join(printed[:-1]) + ", & " + printed[-1]


def _changed_letter(surname: str, rng: random.Random) -> str | None:
    positions = [i for i, c in enumerate(surname) if c.isascii() and c.isalpha() and i > 0]
    if not positions:
        return None
    i = positions[rng.randrange(len(positions))]
    choices = [c for c in "bdfgkmprtz" if c not in surname.lower()]
    return surname[:i] + choices[rng.randrange(len(choices))] + surname[i + 1 :]


def author_list_cases(record: Record, rng: random.Random, pool: Pools) -> Iterator[Case]:
    names = people(record)
    title = _title_for_reference(record)
    journal = " ".join(record.iso_abbreviation.replace(".", " ").split())  # as NLM prints it
    pmid, year = record.pmid, record.year
    if not names or not title or not journal or not _simple_location(record):
        return
    vol, iss, pages = record.volume, record.issue, record.pages
    where = f"{vol}({iss})" if iss else vol
    n = len(names)
    group = "metadata-correct"
    if n <= 6:
        yield Case(group, "authors/vancouver-whole-list", pmid,
                   {"citation": f"{_vancouver_names(names)}. {title}. {journal}. "
                                f"{year};{where}:{pages}."})  # fmt: skip
    else:
        yield Case(group, "authors/vancouver-six-et-al", pmid,
                   {"citation": f"{_vancouver_names(names[:6])}, et al. {title}. {journal}. "
                                f"{year};{where}:{pages}."})  # fmt: skip
    if n > 3:
        yield Case(group, "authors/ama-three-et-al", pmid,
                   {"citation": f"{_vancouver_names(names[:3])}, et al. {title}. {journal}. "
                                f"{year};{where}:{pages}."})  # fmt: skip
    if n <= 10:
        written = full_pages(pages) or pages
        dotted = with_periods(journal, record.journal)
        yield Case(group, "authors/nature-whole-list", pmid,
                   {"citation": f"{_nature_names(names)}, {title}. {dotted} "
                                f"{vol}, {written} ({year})."})  # fmt: skip
        yield Case(group, "authors/apa-whole-list", pmid,
                   {"citation": f"{_apa_names(names)} ({year}). {title}. {journal}, {where}, "
                                f"{written}."})  # fmt: skip
    display = [f"{s} {i}" for s, i in names]
    yield Case(group, "authors/explicit-whole-list", pmid, {"authors": display, "et_al": False})
    if n > 3:
        yield Case(group, "authors/explicit-three-et-al", pmid,
                   {"authors": display[:3], "et_al": True})  # fmt: skip
    # planted: every one in an explicit whole list and in a Vancouver reference
    planted = "metadata-planted"
    keys = [key(s) for s, _ in names]
    if n >= 3 and keys[1] != keys[2]:
        dropped = display[:1] + display[2:]
        yield Case(planted, "authors-co-author-left-out", pmid,
                   {"authors": dropped, "et_al": False}, "authors-mismatch",
                   f"{display[1]} left out")  # fmt: skip
        swapped = [display[0], display[2], display[1], *display[3:]]
        yield Case(planted, "authors-order-swapped", pmid,
                   {"citation": f"{_vancouver_names([names[0], names[2], names[1], *names[3:6]])}"
                                f"{', et al' if n > 6 else ''}. {title}. {journal}. "
                                f"{year};{where}:{pages}."}, "authors-mismatch",
                   f"{display[1]} before {display[2]}")  # fmt: skip
        del swapped
    if n >= 2:
        for _ in range(20):
            other_pmid, other = pool.surnames[rng.randrange(len(pool.surnames))]
            if key(other) not in keys and key(german(other)) not in keys and len(key(other)) >= 3:
                added = [display[0], f"{other} J", *display[1:]]
                yield Case(planted, "authors-co-author-added", pmid,
                           {"authors": added, "et_al": False}, "authors-mismatch",
                           f"{other} from PMID {other_pmid}")  # fmt: skip
                break
        wrong = _changed_letter(names[1][0], rng)
        if wrong and key(wrong) not in keys:
            misspelt = [display[0], f"{wrong} {names[1][1]}", *display[2:]]
            yield Case(planted, "authors-co-author-misspelt", pmid,
                       {"authors": misspelt[:6], "et_al": n > 6}, "authors-mismatch",
                       f"{display[1]} spelt {wrong}")  # fmt: skip
    if 3 <= n <= 6:
        yield Case(planted, "authors-whole-list-stops-early", pmid,
                   {"citation": f"{_vancouver_names(names[:-1])}. {title}. {journal}. "
                                f"{year};{where}:{pages}."}, "authors-mismatch",
                   f"{display[-1]} left out, no et al.")  # fmt: skip


# --- Figures -----------------------------------------------------------------------------------

_UNICODE_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f"
_BEFORE_OK = set(" \t\n([{=:;≈~<>≤≥\"'")
_AFTER_OK = set(" \t\n)]},;:.%")
_NUM_WORDS = {
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
_UNIT_WORDS = {**_NUM_WORDS, "one": 1}
#: Words that a generous reader could take for a number.
_OTHER_READINGS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "once": 1,
    "twice": 2,
    "thrice": 3,
    "single": 1,
    "double": 2,
    "triple": 3,
    "quadruple": 4,
    "half": 0.5,
    "dozen": 12,
    "dozens": 12,
    "hundreds": 100,
    "thousands": 1000,
    "millions": 1000000,
    "both": 2,
    "pair": 2,
    "twin": 2,
    "twins": 2,
    "triplets": 3,
}
_JOINED_WORDS = re.compile(
    r"\b("
    + "|".join([*_NUM_WORDS, *_TENS])
    + r")\s+and\s+("
    + "|".join([*_NUM_WORDS, *_TENS])
    + r")\b",
    re.I,
)
_WORD_RE = re.compile(
    r"\b(?:(?P<tens>" + "|".join(_TENS) + r")(?:[-\s](?P<unit>" + "|".join(_UNIT_WORDS) + r"))?"
    r"|(?P<small>" + "|".join(_NUM_WORDS) + r"))\b",
    re.I,
)


def clean_text(abstract: str) -> str:
    """The abstract as an editor reads it: ``<sup>``/``<sub>`` content glued to ``^``/``_``
    (so that exponents and indices are never taken as figures), other markup dropped."""
    text = _SUPSUB.sub(lambda m: ("^" if m.group(1) == "sup" else "_") + m.group(2), abstract)
    return html.unescape(_TAG.sub("", text))


def _context_ok(text: str, start: int, end: int, *, after: set[str] | None = None) -> bool:
    before_ok = start == 0 or text[start - 1] in _BEFORE_OK
    if start >= 2 and text[start - 1].isspace() and text[start - 2].isdigit():
        return False  # "13 773": a group of a number written with spaces
    if start >= 2 and text[start - 1] == " " and text[start - 2] in "-−–±^_":
        before_ok = text[start - 2] == "±"
    if re.match(r"[ \u00a0]\d{3}(?!\d)", text[end : end + 5]):
        return False  # "359 559": the first group of a number written with spaces
    after_set = _AFTER_OK if after is None else after
    after_ok = end >= len(text) or text[end] in after_set
    if after_ok and end < len(text) and text[end] in ".," and end + 1 < len(text):
        after_ok = not text[end + 1].isdigit()
    return before_ok and after_ok


def to_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def decimal_comma_style(text: str) -> bool:
    """Whether the abstract writes decimals with a comma: a "0,x" or "12,5" and no "12.5"."""
    commas = re.search(r"(?<![\d,\[(])(?:0,\d+|\d+,\d{1,2})(?![\d,\])])", text)
    dots = re.search(r"\d\.\d", text)
    return bool(commas) and not dots


@dataclass(frozen=True)
class Figure:
    kind: str
    value: Decimal
    decimals: int
    percent: bool
    printed: str
    forms: tuple[tuple[str, str], ...]  # (form name, claim figure)


def _fmt(value: Decimal) -> str:
    return format(value, "f")


def _with_commas(value: Decimal) -> str:
    return f"{int(value):,}"


def abstract_figures(abstract: str) -> list[Figure]:
    """Numbers of the abstract that an editor would state, each with its restatements."""
    text = clean_text(abstract)
    comma_decimals = decimal_comma_style(text)
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def add(fig: Figure, s: int, e: int) -> None:
        found.append(fig)
        taken.append((s, e))

    # p-values, as printed
    for m in re.finditer(r"\b(?P<p>[pP])\s?(?P<op>[=<>≤≥])\s?(?P<v>0?[.·,]\d+)(?![\d.·,])", text):
        if not _context_ok(text, m.start(), m.end()) and not (
            m.start() == 0 or not text[m.start() - 1].isalnum()
        ):
            continue
        if m.end() < len(text) and text[m.end()] not in _AFTER_OK:
            continue
        comma = "," in m.group("v")
        if comma and not (comma_decimals or m.group("v").startswith("0,")):
            continue
        v = m.group("v").replace("·", ".").replace(",", ".")
        value = to_decimal(v if v.startswith("0") else "0" + v)
        if value is None:
            continue
        forms = [("p-value-as-printed", m.group(0))]
        if comma:
            forms = [("p-value-decimal-comma-as-point", f"{m.group('p')} {m.group('op')} {v}")]
        lead = v if v.startswith("0") else "0" + v
        forms.append(("p-value-leading-zero", f"{m.group('p')} {m.group('op')} {lead}"))
        add(
            Figure("p-value", value, len(v.split(".")[1]), False, m.group(0), tuple(forms)),
            *m.span(),
        )
    # a ratio with its confidence interval ("HR 0.68, 95% CI 0.59-0.78")
    for m in re.finditer(
        r"\b(?P<lab>a?HR|a?OR|a?RR|IRR)\s?(?:=|:|,)?\s?(?P<v>\d+[.·]\d+)\s?[,;(\[]\s?"
        r"95\s?%\s?(?:CI|confidence interval)\s?[:=,]?\s?"
        r"(?P<a>\d+[.·]\d+)\s?(?:[-–—]|to)\s?(?P<b>\d+[.·]\d+)(?![\d.·])",
        text,
    ):
        if not free(*m.span()):
            continue
        if m.start() > 0 and text[m.start() - 1].isalnum():
            continue
        v, a, b = (m.group(g).replace("·", ".") for g in ("v", "a", "b"))
        lab = m.group("lab")
        forms = [
            ("ratio-with-ci-as-printed", m.group(0)),
            ("ratio-with-ci-parenthesised", f"{lab} {v} (95% CI {a}-{b})"),
            ("ratio-with-ci-to", f"{lab} {v}, 95% CI {a} to {b}"),
        ]
        value = Decimal(v)
        add(Figure("ratio-ci", value, _decimals(value), False, m.group(0), tuple(forms)), *m.span())
    # "n = 45"
    for m in re.finditer(r"\b[nN]\s?=\s?(?P<n>\d+)(?![\d.,·]\d|\d)", text):
        if not free(*m.span()) or (m.start() > 0 and text[m.start() - 1].isalnum()):
            continue
        if m.end() < len(text) and text[m.end()] not in _AFTER_OK:
            continue
        if re.match(r"[ \u00a0]\d{3}(?!\d)", text[m.end() : m.end() + 5]):
            continue  # "n = 359 559"
        forms = [("n-equals-as-printed", m.group(0)), ("n-equals-glued", f"n={m.group('n')}")]
        add(
            Figure("n-equals", Decimal(m.group("n")), 0, False, m.group(0), tuple(forms)), *m.span()
        )
    # ranges
    for m in re.finditer(
        r"(?P<a>\d+(?:[.·]\d+)?)(?P<d>\s?[-–—]\s?|\s(?:to)\s)(?P<b>\d+(?:[.·]\d+)?)"
        r"(?P<pct>\s?(?:%|per ?cent\b|percent\b))?",
        text,
    ):
        if not free(*m.span()) or not _context_ok(text, m.start(), m.end()):
            continue
        a = to_decimal(m.group("a").replace("·", "."))
        b = to_decimal(m.group("b").replace("·", "."))
        if a is None or b is None or not a < b:
            continue
        if 1900 <= a <= 2100 and "." not in m.group("a"):
            continue  # years
        if comma_decimals:
            continue
        pct = "%" if m.group("pct") else ""
        sa, sb = m.group("a").replace("·", "."), m.group("b").replace("·", ".")
        forms = [
            ("range-as-printed", m.group(0)),
            ("range-hyphen", f"{sa}-{sb}{pct}"),
            ("range-to", f"{sa} to {sb}{pct}"),
        ]
        add(Figure("range", a, 0, bool(pct), m.group(0), tuple(forms)), *m.span())
    # ranges with decimal commas ("0,120-0,250") where the abstract writes decimals so
    if comma_decimals:
        for m in re.finditer(
            r"(?<![\d.,\[(])(?P<a>\d+,\d+)(?P<d>\s?[-–—]\s?|\s(?:to)\s)(?P<b>\d+,\d+)(?![\d\])])",
            text,
        ):
            if not free(*m.span()) or not _context_ok(text, m.start(), m.end()):
                continue
            sa, sb = m.group("a").replace(",", "."), m.group("b").replace(",", ".")
            a, b = to_decimal(sa), to_decimal(sb)
            if a is None or b is None or not a < b:
                continue
            forms = [("range-decimal-comma-as-point", f"{sa}-{sb}")]
            add(Figure("range", a, 0, False, m.group(0), tuple(forms)), *m.span())
    # million
    for m in re.finditer(r"(?P<n>\d+(?:[.·]\d+)?)\s(?P<unit>million)\b", text):
        if not free(*m.span()) or not _context_ok(text, m.start(), m.start() + len(m.group("n"))):
            continue
        value = to_decimal(m.group("n").replace("·", "."))
        if value is None:
            continue
        whole = value * 1_000_000
        forms = [("million-as-printed", m.group(0))]
        if whole == whole.to_integral_value():
            forms.append(("million-written-out", _with_commas(whole)))
        add(Figure("million", whole, 0, False, m.group(0), tuple(forms)), *m.span())
    # percentages
    for m in re.finditer(r"(?P<n>\d+(?:[.·,]\d+)?)(?P<sp>\s?)(?P<u>%|per ?cent\b|percent\b)", text):
        if not free(*m.span()) or not _context_ok(
            text, m.start(), m.end(), after=_AFTER_OK | {"%"}
        ):
            continue
        n = m.group("n")
        if "," in n and not (comma_decimals or re.fullmatch(r"\d+,\d{1,2}", n)):
            continue
        v = n.replace("·", ".").replace(",", ".")
        value = to_decimal(v)
        if value is None:
            continue
        forms = [
            ("percent-as-printed", m.group(0)),
            ("percent-glued", f"{v}%"),
            ("percent-spaced", f"{v} %"),
            ("percent-per-cent", f"{v} per cent"),
            ("percent-percent", f"{v} percent"),
        ]
        decimals = len(v.split(".")[1]) if "." in v else 0
        add(Figure("percent", value, decimals, True, m.group(0), tuple(forms)), *m.span())
    # thousands: "1,480" (not in a decimal-comma abstract), Unicode-space groups
    for m in re.finditer(
        r"(?<![\d.,])\d{1,3}(?:(?P<sep>[," + _UNICODE_SPACES + r"])\d{3})+(?![\d]|[.,·]\d)", text
    ):
        if not free(*m.span()) or not _context_ok(text, m.start(), m.end()):
            continue
        sep = m.group("sep")
        if sep == "," and comma_decimals:
            continue
        digits = re.sub(r"\D", "", m.group(0))
        value = Decimal(digits)
        forms = [("thousands-as-printed", m.group(0)), ("thousands-no-separator", digits)]
        forms.append(("thousands-comma", _with_commas(value)))
        kind = "thousands" if sep == "," else "thousands-unicode-space"
        add(Figure(kind, value, 0, False, m.group(0), tuple(dict.fromkeys(forms))), *m.span())
    # decimal commas with three decimals ("0,245") in a decimal-comma abstract
    if comma_decimals:
        for m in re.finditer(r"(?<![\d.,\[(])\d+,\d+(?![\d\])]|[.,]\d)", text):
            if not free(*m.span()) or not _context_ok(text, m.start(), m.end()):
                continue
            v = m.group(0).replace(",", ".")
            value = to_decimal(v)
            if value is None:
                continue
            forms = [("decimal-comma-as-point", v)]
            if len(v.split(".")[1]) != 3:
                forms.insert(0, ("decimal-comma-as-printed", m.group(0)))
            add(
                Figure(
                    "decimal-comma", value, len(v.split(".")[1]), False, m.group(0), tuple(forms)
                ),
                *m.span(),
            )
    # decimals ("0.68", Lancet's "0·68")
    for m in re.finditer(r"(?<![\d.,·])\d+[.·]\d+(?![\d]|[.,·]\d)", text):
        if not free(*m.span()) or not _context_ok(text, m.start(), m.end()):
            continue
        if re.match(r"\s?(?:%|per ?cent|percent)", text[m.end() :]):
            continue
        v = m.group(0).replace("·", ".")
        value = to_decimal(v)
        if value is None:
            continue
        forms = [("decimal-as-printed", m.group(0))]
        if "·" in m.group(0):
            forms.append(("decimal-middle-dot-as-point", v))
        add(
            Figure("decimal", value, len(v.split(".")[1]), False, m.group(0), tuple(forms)),
            *m.span(),
        )
    # counts: an integer and the word after it ("124 patients")
    for m in re.finditer(r"(?<![\d.,·])(?P<n>\d+)\s(?P<w>[a-z][a-z-]{2,})\b", text):
        if not free(*m.span()) or not _context_ok(text, m.start(), m.start() + len(m.group("n"))):
            continue
        if m.group("w") in _STOP:
            continue
        value = Decimal(m.group("n"))
        if 1900 <= value <= 2100:
            continue
        forms = [("count-as-printed", m.group(0))]
        if value >= 1000:
            forms.append(("count-thousands-comma-added", f"{_with_commas(value)} {m.group('w')}"))
        add(Figure("count", value, 0, False, m.group(0), tuple(forms)), *m.span())
    # number words ("Twelve patients", "ninety-eight", "thirty five")
    for m in _WORD_RE.finditer(text):
        if not free(*m.span()):
            continue
        after = text[m.end() : m.end() + 1]
        if after == "-" or (m.start() > 0 and text[m.start() - 1] == "-"):
            continue  # "two-thirds", "three-fold"
        if re.match(r"\s(?:and\s)?(?:hundred|thousand|million|billion)", text[m.end() :], re.I):
            continue  # "Four hundred", part of a larger number
        if re.search(r"(?:hundred|thousand|million|billion)\s(?:and\s)?$", text[: m.start()], re.I):
            continue  # "One hundred thirty-two"
        if m.group("tens"):
            value = Decimal(_TENS[m.group("tens").lower()])
            if m.group("unit"):
                value += _UNIT_WORDS[m.group("unit").lower()]
        else:
            value = Decimal(_NUM_WORDS[m.group("small").lower()])
        pct = re.match(r"\s?(?:%|per ?cent\b|percent\b)", text[m.end() :])
        if pct:
            printed = m.group(0) + pct.group(0)
            forms: tuple[tuple[str, str], ...] = (
                ("number-word-percent-as-printed", printed),
                ("number-word-percent-as-digits", f"{value}%"),
            )
            add(
                Figure("number-word", value, 0, True, printed, forms),
                m.start(),
                m.end() + pct.end(),
            )
            continue
        nxt = re.match(r"\s([a-z][a-z-]{2,})\b", text[m.end() :])
        noun = nxt.group(1) if nxt and nxt.group(1) not in _STOP else ""
        printed = m.group(0) + (f" {noun}" if noun else "")
        digits = f"{value}" + (f" {noun}" if noun else "")
        forms = (("number-word-as-printed", printed), ("number-word-as-digits", digits))
        add(Figure("number-word", value, 0, False, printed, forms), *m.span())
    return found


def readings(abstract: str) -> tuple[set[Decimal], set[Decimal], set[Decimal]]:
    """Every value the abstract could be read to hold, under any reading: (all, non-percent
    values, percent values). Generous on purpose: a planted number must be none of these."""
    text = clean_text(abstract)
    values: set[Decimal] = set()
    percents: set[Decimal] = set()
    plain_values: set[Decimal] = set()
    flat = text
    for ch in _UNICODE_SPACES:
        flat = flat.replace(ch, " ")
    for m in re.finditer(r"(?<!\d)[.·]\d+|\d+(?:[.,·]\d+)*", flat):
        token = m.group(0)
        if token[0] in ".·":
            token = "0" + token
        cands: set[Decimal] = set()
        for run in re.findall(r"\d+", token):
            cands.add(Decimal(run))
        joined = re.sub(r"[.,·]", "", token)
        cands.add(Decimal(joined))
        parts = re.split(r"[.,·]", token)
        for i in range(1, len(parts)):
            d = to_decimal("".join(parts[:i]) + "." + "".join(parts[i:]))
            if d is not None:
                cands.add(d)
            d = to_decimal(parts[i - 1] + "." + parts[i])
            if d is not None:
                cands.add(d)
        is_pct = bool(re.match(r"\s?(?:%|per ?cent\b|percent\b)", flat[m.end() :]))
        (percents if is_pct else plain_values).update(cands)
        values.update(cands)
    # space-grouped thousands ("21 962", "100 000")
    for m in re.finditer(r"\d{1,3}(?: \d{3})+", flat):
        values.add(Decimal(m.group(0).replace(" ", "")))
        plain_values.add(Decimal(m.group(0).replace(" ", "")))
    for m in re.finditer(r"(\d+(?:[.,·]\d+)?)\s?(million|billion|thousand)", flat):
        base = to_decimal(m.group(1).replace(",", ".").replace("·", "."))
        if base is not None:
            scale = {"million": 10**6, "billion": 10**9, "thousand": 10**3}[m.group(2)]
            values.add(base * scale)
            plain_values.add(base * scale)
    lowered = flat.lower()
    for word, n in {**_UNIT_WORDS, **_TENS, "hundred": 100, "thousand": 1000}.items():
        if re.search(rf"\b{word}\b", lowered):
            values.add(Decimal(n))
            plain_values.add(Decimal(n))
    for m in re.finditer(
        r"\b(" + "|".join(_TENS) + r")[\s-](" + "|".join(_UNIT_WORDS) + r")\b", lowered
    ):
        n = Decimal(_TENS[m.group(1)] + _UNIT_WORDS[m.group(2)])
        values.add(n)
        plain_values.add(n)
    # "fourfold", "three-fold", ordinals and the like: read generously
    for word, n in {**_UNIT_WORDS, **_TENS}.items():
        if re.search(rf"\b{word}-?fold\b", lowered):
            values.add(Decimal(n))
            plain_values.add(Decimal(n))
    for word, n in _OTHER_READINGS.items():
        if re.search(rf"\b{word}\b", lowered):
            values.add(Decimal(n))
            plain_values.add(Decimal(n))
    for m in re.finditer(r"\b(\w+)\s+hundred\b", lowered):
        if m.group(1) in _UNIT_WORDS:
            n = Decimal(_UNIT_WORDS[m.group(1)] * 100)
            values.add(n)
            plain_values.add(n)
    return values, plain_values, percents


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def absent(value: Decimal, pool: Iterable[Decimal]) -> bool:
    """``value`` is none of ``pool``, nor any of them rounded to ``value``'s decimals."""
    d = _decimals(value)
    quantum = Decimal(1).scaleb(-d)
    for a in pool:
        if a == value:
            return False
        if _decimals(a) > d and a.quantize(quantum, rounding=ROUND_HALF_UP) == value:
            return False
        if _decimals(a) > d and a.quantize(quantum) == value:
            return False
    return True


def _variants(printed: str, rng: random.Random) -> Iterator[str]:
    """Numbers near ``printed`` with its decimals: digits swapped, one digit changed."""
    digits = [i for i, c in enumerate(printed) if c.isdigit()]
    if len(digits) >= 2:
        i, j = digits[-2], digits[-1]
        yield printed[:i] + printed[j] + printed[i + 1 : j] + printed[i] + printed[j + 1 :]
    for _ in range(12):
        i = digits[rng.randrange(len(digits))]
        if i == digits[0] and len(digits) > 1 and printed[i] != "0":
            new = str(rng.randrange(1, 10))
        else:
            new = str(rng.randrange(10))
        yield printed[:i] + new + printed[i + 1 :]


def figure_cases(record: Record, rng: random.Random) -> Iterator[Case]:
    if not record.has_abstract:
        return
    pmid = record.pmid
    figures = abstract_figures(record.abstract)
    by_kind: dict[str, list[Figure]] = defaultdict(list)
    for f in figures:
        by_kind[f.kind].append(f)
    for _kind, items in sorted(by_kind.items()):
        for fig in rng.sample(items, min(2, len(items))):
            for form, text in dict.fromkeys(fig.forms):
                yield Case(
                    "figures-present", form, pmid, {"figure": text}, note=f"abstract: {fig.printed}"
                )
    values, plain_values, percents = readings(record.abstract)
    # planted, same kind as what the abstract states
    for kind, template in (
        ("count", "{v} {w}"),
        ("percent", "{v}%"),
        ("decimal", "{v}"),
        ("p-value", "{p} {op} {v}"),
    ):
        items = by_kind.get(kind, [])
        if not items:
            continue
        fig = items[rng.randrange(len(items))]
        if kind == "count":
            number, word = fig.printed.split(" ", 1)
        elif kind == "percent":
            number, word = (
                re.match(r"[\d.,·]+", fig.printed).group(0).replace("·", ".").replace(",", "."),
                "",
            )  # type: ignore[union-attr]
        elif kind == "p-value":
            pm = re.match(r"([pP])\s?([=<>≤≥])\s?(0?[.·]\d+)", fig.printed)
            if pm is None:
                continue
            number, word = pm.group(3).replace("·", "."), ""
        else:
            number, word = fig.printed.replace("·", "."), ""
        for candidate in _variants(number, rng):
            value = to_decimal(candidate if not candidate.startswith(".") else "0" + candidate)
            if value is None or value == 0 or candidate == number:
                continue
            if kind == "count" and (candidate.startswith("0") or 1900 <= value <= 2100):
                continue
            if absent(value, values):
                pm2 = re.match(r"([pP])\s?([=<>≤≥])", fig.printed) if kind == "p-value" else None
                text = template.format(
                    v=candidate,
                    w=word,
                    p=pm2.group(1) if pm2 else "P",
                    op=pm2.group(2) if pm2 else "=",
                )
                yield Case(
                    "figures-absent",
                    f"planted-{kind}",
                    pmid,
                    {"figure": text},
                    note=f"abstract: {fig.printed}",
                )
                break
    # two number words joined by "and" are two numbers: their sum is not in the abstract
    for m in _JOINED_WORDS.finditer(clean_text(record.abstract)):
        a = _NUM_WORDS.get(m.group(1).lower()) or _TENS[m.group(1).lower()]
        b = _NUM_WORDS.get(m.group(2).lower()) or _TENS[m.group(2).lower()]
        total = Decimal(a + b)
        if absent(total, values):
            yield Case(
                "figures-absent",
                "sum-of-two-number-words-joined-by-and",
                pmid,
                {"figure": f"{total}"},
                note=f"abstract: {m.group(0)}",
            )
            break
    # a count whose number the abstract has only as a percentage ("4 patients" vs "4%")
    counts = by_kind.get("count", [])
    word = counts[0].printed.split(" ", 1)[1] if counts else "patients"
    only_percent = sorted(
        p
        for p in percents
        if p == p.to_integral_value() and p > 0 and absent(p, plain_values) and _decimals(p) == 0
    )
    if only_percent:
        p = only_percent[rng.randrange(len(only_percent))]
        yield Case(
            "figures-absent",
            "count-that-the-abstract-has-only-as-a-percentage",
            pmid,
            {"figure": f"{p} {word}"},
            note=f"abstract has {p}% but no {p} otherwise",
        )


# --- Running -------------------------------------------------------------------------------------


def generate(records: Sequence[Record], seed: int) -> list[Case]:
    rng = random.Random(seed)
    pool = pools(records)
    books = book_years()
    cases: list[Case] = []
    for record in records:
        cases.extend(correct_metadata(record, books))
        cases.extend(planted_metadata(record, rng, pool))
        cases.extend(figure_cases(record, rng))
        cases.extend(location_cases(record, rng, pool))
    return cases


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return str(value)


def run(cases: Sequence[Case], records: Mapping[int, Record]) -> list[Result]:
    """Every case as one claim, in claims files where no PMID repeats (so that no two cases
    of one record meet in ``claims-conflict``), evaluated against the records."""
    rounds: list[list[int]] = []
    seen: dict[int, int] = defaultdict(int)
    for i, case in enumerate(cases):
        r = seen[case.pmid]
        seen[case.pmid] += 1
        while len(rounds) <= r:
            rounds.append([])
        rounds[r].append(i)
    results: list[Result | None] = [None] * len(cases)
    for members in rounds:
        lines = []
        for i in members:
            case = cases[i]
            lines.append("[[claim]]")
            lines.append(f"pmid = {case.pmid}")
            for k, v in case.fields.items():
                lines.append(f"{k} = {toml_value(v)}")
        claims_file = loads_claims("\n".join(lines) + "\n", Path("accuracy.toml"))
        run_results = evaluate([claims_file], records).results
        for i, result in zip(members, run_results, strict=True):
            results[i] = result
    return [r for r in results if r is not None]


def judge(case: Case, result: Result) -> tuple[bool, str]:
    """(ok, what went wrong)."""
    findings = result.findings
    if case.group == "metadata-correct":
        bad = [
            f
            for f in findings
            if f.code.slug in META_CODES or (f.field in META_FIELDS and f.severity > Severity.INFO)
        ]
        return not bad, "; ".join(f"{f.code.slug}: {f.message}" for f in bad)
    if case.group == "metadata-planted":
        hit = [f for f in findings if f.code.slug == case.expect and f.severity >= Severity.WARNING]
        if hit:
            return True, ""
        seen = "; ".join(f"{f.code.slug}: {f.message}" for f in findings) or "no finding"
        return False, seen
    verdicts = result.figures
    statuses = [str(v.status) for v in verdicts]
    if case.group == "figures-present":
        ok = bool(verdicts) and all(v.status is FigureStatus.FOUND for v in verdicts)
    else:
        ok = bool(verdicts) and all(v.status is FigureStatus.NOT_FOUND for v in verdicts)
    detail = ", ".join(
        f"{v.stated}: {v.status}" + (f" ({v.matched})" if v.matched else "") for v in verdicts
    )
    return ok, detail or f"no number read from the figure ({statuses})"


@dataclass
class Tally:
    n: int = 0
    failed: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)


GROUP_WORDS = {
    "metadata-correct": "false positives",
    "metadata-planted": "misses",
    "figures-present": "false alarms",
    "figures-absent": "misses",
}


def score(cases: Sequence[Case], results: Sequence[Result], max_examples: int) -> dict[str, Tally]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    for case, result in zip(cases, results, strict=True):
        tally = tallies[case.klass]
        tally.n += 1
        ok, detail = judge(case, result)
        if not ok:
            tally.failed += 1
            if len(tally.examples) < max_examples:
                tally.examples.append(
                    {"pmid": case.pmid, "claim": case.fields, "got": detail, "note": case.note}
                )
    return dict(sorted(tallies.items()))


def group_totals(tallies: Mapping[str, Tally]) -> dict[str, dict[str, int]]:
    totals: dict[str, dict[str, int]] = {}
    for klass, tally in tallies.items():
        group = klass.split("/", 1)[0]
        t = totals.setdefault(group, {"n": 0, "failed": 0})
        t["n"] += tally.n
        t["failed"] += tally.failed
    return totals


def rare(record: Record) -> bool:
    """Records of kinds the corpus has few of: always in a subset."""
    first = record.authors[0] if record.authors else None
    return (
        record.is_book
        or len(record.years) > 1
        or not record.authors
        or bool(first and first.collective)
        or bool(first and re.search("[äöüÄÖÜß]", first.last_name))
        or "--" in record.title
        or any(ch in GREEK for ch in record.title)
        or decimal_comma_style(clean_text(record.abstract))
        or bool(re.search(r"\d[" + _UNICODE_SPACES + r"]\d{3}|\bmillion\b", record.abstract))
        or bool(
            {"Published Erratum", "Retraction of Publication", "Comment"}
            & set(record.publication_types)
        )
        or bool(_JOINED_WORDS.search(record.abstract))
    )


def select(records: Mapping[int, Record], every: int) -> list[Record]:
    """Every ``every``-th record in PMID order, and every record of a rare kind."""
    ordered = [records[p] for p in sorted(records)]
    if every <= 1:
        return ordered
    return [r for i, r in enumerate(ordered) if i % every == 0 or rare(r)]


def measure(seed: int = 11, every: int = 1, max_examples: int = 20) -> dict[str, Any]:
    started = time.perf_counter()
    records = corpus_records()
    chosen = select(records, every)
    cases = generate(chosen, seed)
    generated = time.perf_counter()
    results = run(cases, records)
    evaluated = time.perf_counter()
    tallies = score(cases, results, max_examples)
    return {
        "seed": seed,
        "records": len(chosen),
        "claims": len(cases),
        "seconds": {
            "load_and_generate": round(generated - started, 1),
            "evaluate": round(evaluated - generated, 1),
        },
        "groups": group_totals(tallies),
        "classes": {
            k: {"n": t.n, "failed": t.failed, "examples": t.examples} for k, t in tallies.items()
        },
    }


def report(data: Mapping[str, Any], max_examples: int) -> str:
    out = [
        f"accuracy suite: {data['records']} records, {data['claims']} claims, seed {data['seed']} "
        f"(generate {data['seconds']['load_and_generate']} s, evaluate "
        f"{data['seconds']['evaluate']} s)",
        "",
    ]
    for group, t in data["groups"].items():
        out.append(f"{group:18s} {t['n']:7d} claims  {t['failed']:6d} {GROUP_WORDS[group]}")
    out.append("")
    out.append(f"{'class':70s} {'claims':>7s} {'failed':>7s}")
    for klass, t in data["classes"].items():
        mark = "" if t["failed"] == 0 else "  <-"
        out.append(f"{klass:70s} {t['n']:7d} {t['failed']:7d}{mark}")
    for klass, t in data["classes"].items():
        if not t["failed"]:
            continue
        out.append("")
        out.append(f"== {klass}: {t['failed']} of {t['n']} ({GROUP_WORDS[klass.split('/')[0]]})")
        for ex in t["examples"][:max_examples]:
            claim = ", ".join(f"{k} = {toml_value(v)}" for k, v in ex["claim"].items())
            note = f"  [{ex['note']}]" if ex["note"] else ""
            out.append(f"  PMID {ex['pmid']}: {claim}{note}")
            out.append(f"      -> {ex['got']}")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--every", type=int, default=1, help="use every Nth record (PMID order)")
    parser.add_argument("--examples", type=int, default=20)
    parser.add_argument("--json", type=Path, help="also write the figures and examples here")
    args = parser.parse_args(argv)
    try:
        data = measure(args.seed, args.every, args.examples)
    except ClaimsError as exc:  # a generator bug: say which
        print(f"accuracy: generated claims do not load: {exc}", file=sys.stderr)
        return 4
    print(report(data, args.examples))
    if args.json:
        args.json.write_text(json.dumps(data, indent=1, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
