"""Reading a printed citation ("Chien et al., Hepatology (1998)") into its parts."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from .bibfields import parse_pages
from .lazyre import lazy_compile
from .names import comma_list_length, is_group, read_name, split_authors, top_level_commas

_YEAR_AT_END = lazy_compile(
    r"""[\s,.;:]*            # separator before the year
        [(\[]?\s*
        (?P<year>1[6-9]\d\d|20\d\d)[a-z]?   # 1998, 1998a
        \s*[)\]]?
        [\s.;,]*$""",
    re.VERBOSE,
)
_ET_AL = lazy_compile(r"\s*,?\s*\bet\.?\s*al\b\.?", re.IGNORECASE)
#: A group's name that ends with its acronym: "…, Nutrition and Allergies (NDA)".
_ENDS_WITH_ACRONYM = lazy_compile(r"\([^()\s]{2,15}\)\s*$")

#: A title that opens with a person's name and a comma: the author list was cut short.
_NAME_OPENS = lazy_compile(
    r"(?:[A-Z][a-z]?\.[\s-]*)+[A-Z\u00c0-\u024f][\w'\u2019-]*,"
    r"|[A-Z][\w'\u2019-]+ (?!(?:I|II|III|IV|V|VI|VII|VIII|IX|X)\b)[A-Z]{1,4},"  # "Tanshinone I,"
)

# Where the paper is, at the end of a short citation: volume, issue, pages.
_Y = r"(?P<year>1[6-9]\d\d|20\d\d)[a-z]?"
_VOL = r"(?P<volume>\d{1,5}[A-Za-z]?(?:\s*(?:Pt|Part|Suppl|Supplement)\.?\s*\d{0,3})?)"
_ISS = r"(?:\s*\((?P<issue>[^()]{1,20})\))?"
_PG_ONE = r"[A-Za-z]{0,5}\.?\s?\d{1,20}[A-Za-z]{0,2}"  # SAGE's 17-digit article numbers
_PG = rf"(?P<pages>{_PG_ONE}(?:\s*[-\u2010-\u2015]\s*{_PG_ONE})?(?:\.e\d+)?)"
_LOCATION_TAILS = (
    # Vancouver, AMA: "Hepatology. 1998;27(5):1383-7." / "1998 May;27:1383-7"
    lazy_compile(
        rf"[\s.,]+{_Y}(?:\s+[A-Z][a-z]{{2}}(?:\s+\d{{1,2}})?)?\s*;\s*{_VOL}?{_ISS}\s*:\s*{_PG}"
        r"\s*\.?$"
    ),
    # BMC: "Hepatology 1998, 27:1383-1387."
    lazy_compile(rf"[\s.,]+{_Y}\s*,\s*{_VOL}{_ISS}\s*:\s*{_PG}\s*\.?$"),
    # Nature, Science, PNAS, Cell: "Science 309, 2010-2013 (2005)."
    lazy_compile(rf"[\s.,]+{_VOL}{_ISS}\s*,\s*{_PG}\s*\(\s*{_Y}\s*\)\s*\.?$"),
)


@dataclass(frozen=True, slots=True)  # slots: no __dict__ for each of 100,000 claims
class ParsedCitation:
    """What a printed citation says. Any part may be missing; ``raw`` keeps the original."""

    raw: str
    first_author: str | None
    journal: str | None
    year: int | None
    et_al: bool = False
    second_author: str | None = None
    #: The first and second authors as printed, initials and all ("Chien RN", "SMITH JA",
    #: "Centers for Disease Control and Prevention (CDC)"); ``first_author`` is the surname.
    first_author_printed: str | None = None
    second_author_printed: str | None = None
    #: Every author as printed, when the citation is a whole reference that lists them
    #: ("Chien RN, Liaw YF, Atkins M. Title. Hepatology. 1998;…"); empty for a short citation,
    #: whose list is cut by convention. ``et_al`` says whether the printed list was cut.
    authors: tuple[str, ...] = ()
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None


def parse_citation(text: str) -> ParsedCitation:
    """Parse "Surname et al., Journal (Year)" and its common variants.

    Handles "et al." or "and"/"&" co-authors, the year in parentheses or bare at the end,
    initials after the surname ("Chien RN et al.", "da Silva RLCG", "Yucel Ç") or before it
    ("J.-P. Sartre"), "Surname, Initials" ("Smith, J., Lancet 2001"), upper-case surnames
    ("GEMIO DEL REY et al."), suffixes ("MacGlashan DW Jr"), groups whose names hold "and" or
    commas ("Centers for Disease Control and Prevention (CDC)"), and periods in abbreviated
    journals ("N. Engl. J. Med. 2018").
    """
    raw = text
    text = " ".join(text.split())
    whole = _whole_reference(raw, text)
    if whole is not None:
        return whole
    year: int | None = None
    volume = issue = pages = None
    for tail in _LOCATION_TAILS:
        m = tail.search(text)
        if m:
            year = int(m.group("year"))
            volume, issue, pages = _location(m.group("volume"), m.group("issue"), m.group("pages"))
            text = text[: m.start()]
            break
    else:
        m = _YEAR_AT_END.search(text)
        if m:
            year = int(m.group("year"))
            text = text[: m.start()]
    text = text.strip(" ,.;:")

    et_al = False
    authors_part: str
    journal: str | None
    al = _ET_AL.search(text)
    if al:
        et_al = True
        authors_part = text[: al.start()]
        journal = text[al.end() :].strip(" ,;:") or None
    elif "," in text:
        authors_part, journal = _split_at_journal(text)
    else:
        authors_part, journal = text, None

    names = split_authors(authors_part)
    first = names[0] if names else None
    second = names[1] if len(names) > 1 else None
    if journal is not None:
        journal = journal.rstrip(" ,;:") or None
    return ParsedCitation(
        raw=raw,
        first_author=_surname(first),
        journal=sys.intern(journal) if journal else journal,  # one copy per journal
        year=year,
        et_al=et_al,
        second_author=_surname(second),
        first_author_printed=first,
        second_author_printed=second,
        volume=volume,
        issue=issue,
        pages=pages,
    )


def _location(
    volume: str | None, issue: str | None, pages: str | None
) -> tuple[str | None, str | None, str | None]:
    """Volume, issue and pages as read from a citation's tail; pages that do not read as pages
    are left out, never guessed."""
    volume = " ".join(volume.split()) if volume else None
    issue = " ".join(issue.split()).strip() if issue else None
    pages = " ".join(pages.split()) if pages else None
    if pages is not None and parse_pages(pages) is None:
        pages = None
    return volume or None, issue or None, pages


def _whole_reference(raw: str, text: str) -> ParsedCitation | None:
    """A citation that is a whole printed reference (Vancouver, AMA, APA, Harvard, BMC, PLoS,
    Nature…), read by the reference parser: authors, journal and year all read, and a title
    between them and the volume or pages after (so that a short citation whose journal is
    abbreviated with periods is never taken for one)."""
    if ". " not in text:
        return None
    from .article.references import read_fields  # the article side imports this module

    fields = read_fields(text)
    if not (fields.authors and fields.journal and fields.year and fields.title):
        return None
    if not (fields.volume or fields.pages) or len(fields.title.split()) < 2:
        return None  # a whole reference says where the paper is; a journal's periods do not
    if _NAME_OPENS.match(fields.title):
        return None  # "X. Guo, iTRAQ-based…": the list did not end where the title begins
    first = fields.authors[0]
    second = fields.authors[1] if len(fields.authors) > 1 else None
    volume, issue, pages = _location(fields.volume, fields.issue, fields.pages)
    return ParsedCitation(
        raw=raw,
        first_author=_surname(first),
        journal=sys.intern(fields.journal),  # one copy per journal, of 100,000 claims
        year=fields.year,
        et_al=fields.et_al,
        second_author=_surname(second),
        first_author_printed=first,
        second_author_printed=second,
        authors=fields.authors,
        volume=volume,
        issue=issue,
        pages=pages,
    )


def _split_at_journal(text: str) -> tuple[str, str | None]:
    """Where the authors end in "Authors, Journal": at the first comma, unless the authors are
    a list ("Smith J, Jones K, Lancet"; "Smith, J., Lancet") or a group's name that holds
    commas and ends with its acronym ("EFSA Panel on Dietetic Products, Nutrition and
    Allergies (NDA), EFSA J")."""
    segments = top_level_commas(text)
    if len(segments) < 2:
        return text, None
    end = min(max(1, comma_list_length(segments)), len(segments) - 1)
    if end == 1 and is_group(segments[0]):
        for i in range(len(segments) - 2, 0, -1):
            if _ENDS_WITH_ACRONYM.search(segments[i]):
                end = i + 1
                break
    authors = ",".join(segments[:end])
    journal = ",".join(segments[end:]).strip(" ,;:")
    return authors, journal or None


def _surname(name: str | None) -> str | None:
    """A printed name's surname: "Chien RN" -> "Chien", "Smith, J." -> "Smith"; a group's
    whole name."""
    if name is None:
        return None
    return read_name(name).surname or name.strip()
