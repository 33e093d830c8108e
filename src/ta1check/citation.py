"""Reading a printed citation ("Chien et al., Hepatology (1998)") into its parts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .names import comma_list_length, is_group, read_name, split_authors, top_level_commas

_YEAR_AT_END = re.compile(
    r"""[\s,.;:]*            # separator before the year
        [(\[]?\s*
        (?P<year>1[6-9]\d\d|20\d\d)[a-z]?   # 1998, 1998a
        \s*[)\]]?
        [\s.;,]*$""",
    re.VERBOSE,
)
_ET_AL = re.compile(r"\s*,?\s*\bet\.?\s*al\b\.?", re.IGNORECASE)
#: A group's name that ends with its acronym: "…, Nutrition and Allergies (NDA)".
_ENDS_WITH_ACRONYM = re.compile(r"\([^()\s]{2,15}\)\s*$")


@dataclass(frozen=True)
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
    year: int | None = None
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
        journal=journal,
        year=year,
        et_al=et_al,
        second_author=_surname(second),
        first_author_printed=first,
        second_author_printed=second,
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
