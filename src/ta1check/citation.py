"""Reading a printed citation ("Chien et al., Hepatology (1998)") into its parts."""

from __future__ import annotations

import re
from dataclasses import dataclass

_YEAR_AT_END = re.compile(
    r"""[\s,.;:]*            # separator before the year
        [(\[]?\s*
        (?P<year>1[6-9]\d\d|20\d\d)[a-z]?   # 1998, 1998a
        \s*[)\]]?
        [\s.;,]*$""",
    re.VERBOSE,
)
_ET_AL = re.compile(r"\s*,?\s*\bet\s*al\b\.?", re.IGNORECASE)
_AND = re.compile(r"\s+(?:and|&)\s+|\s*&\s*", re.IGNORECASE)
_INITIALS = re.compile(r"(?:\s+(?:[A-Z]\.?-?){1,3}\.?)+$")


@dataclass(frozen=True)
class ParsedCitation:
    """What a printed citation says. Any part may be missing; ``raw`` keeps the original."""

    raw: str
    first_author: str | None
    journal: str | None
    year: int | None
    et_al: bool = False
    second_author: str | None = None


def parse_citation(text: str) -> ParsedCitation:
    """Parse "Surname et al., Journal (Year)" and its common variants.

    Handles "et al." or "and"/"&" co-authors, the year in parentheses or bare at the end,
    initials after the surname ("Chien RN et al."), and periods in abbreviated journals
    ("N. Engl. J. Med. 2018").
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
        authors_part, _, rest = text.partition(",")
        journal = rest.strip(" ,;:") or None
    else:
        authors_part, journal = text, None

    first, second = _split_authors(authors_part)
    if journal is not None:
        journal = journal.rstrip(" ,;:") or None
    return ParsedCitation(
        raw=raw,
        first_author=first,
        journal=journal,
        year=year,
        et_al=et_al,
        second_author=second,
    )


def _split_authors(part: str) -> tuple[str | None, str | None]:
    names = [n.strip(" ,;") for n in _AND.split(part.strip()) if n.strip(" ,;")]
    if not names:
        return None, None
    cleaned = [_surname(n) for n in names]
    return cleaned[0], (cleaned[1] if len(cleaned) > 1 else None)


def _surname(name: str) -> str:
    """Drop trailing initials: "Chien RN" -> "Chien", "Smith J." -> "Smith"."""
    stripped = _INITIALS.sub("", name).strip()
    return stripped or name.strip()
