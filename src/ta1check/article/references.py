"""References: the list under an article's "References" heading, each entry read as journals
print it.

Styles read: Vancouver/NLM (ICMJE) and AMA ("Smith JA, Jones K. Title. J Med. 2006;4(3):577-87."),
BMC ("Smith JA, Jones K: Title. J Med 2006, 4:577-587."), Oxford and Lancet ("… J Med 2006;
105 Suppl 2: S77–S81."), PLoS ("Smith JA, Jones K (2006) Title. J Med 4: 577–587."), APA 7,
Harvard and Chicago author-date ("Smith, J. A., & Jones, K. (2006). Title. J Med, 4(3),
577–587."), EHP ("Smith JA, Jones K. 2006. Title. J Med 4:577–587.") and Nature, Science, PNAS
and Cell ("T. Lenormand, D. Roze, Title. Philos. Trans. R. Soc. B 371, 20160001 (2016).").
A list number or bullet is not part of the entry; identifiers (PMID, PMCID, DOI, PubMed and
DOI links) are taken out of it. A field that cannot be read with confidence is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..journals import ltwa
from ..lazyre import lazy_compile
from ..names import read_name, split_authors
from .model import Block, Reference
from .readers import MD_HEADING

REFERENCE_HEADING = lazy_compile(
    r"^\s*#{0,6}\s*(?:\d+\.?\s*)?(references|bibliography|sources|works cited|literature cited|"
    r"citations|references and notes|reference list)\s*:?\s*$",
    re.IGNORECASE,
)
_PMID_LABELLED = lazy_compile(r"\b(?:PubMed\s+)?PMID:?\s*(\d{1,9})\b", re.IGNORECASE)
_PUBMED_LINK = lazy_compile(
    r"(?:https?://)?(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|"
    r"ncbi\.nlm\.nih\.gov/pubmed)/(\d{1,9})/?"
)
_PMCID = lazy_compile(
    r"(?:https?://\S*?/pmc/articles/)?\b(?:PMCID:?\s*)?(PMC\d{3,9})\b/?", re.IGNORECASE
)
_DOI = lazy_compile(
    r"\b(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(10\.\d{4,9}/[^\s\"<>|]+)", re.IGNORECASE
)
_TRAILING_PMID = lazy_compile(r"(?:^|\s|\|)(\d{6,9})\s*\|?\s*$")
_CITATION_PREFIX = lazy_compile(r"^(.+?[\(\[]\s*(?:1[6-9]|20)\d\d[a-z]?\s*[\)\]])")
#: A numbered list's number ("12.", "12)", "[12]") or a bullet; group 1 or 2 is the number.
_LIST_MARK = lazy_compile(
    r"^\s*(?:\[(\d{1,4})\]\s*|(\d{1,4})[.)]\s*(?=\S)|[-*+\u2022\u00b7]\s+"
    # a bare number, as a PDF's list copies: "12 Smith JA, Jones K. …"
    r"|(\d{1,3})\s+(?=[A-Z\u00c0-\u024f][\w'\u2019-]*[\s,]))"
)
#: Link words a copied web page leaves after its links are taken out.
_LINK_WORDS = lazy_compile(
    r"(?:\s*[\[(]?\b(?:PubMed(?: Abstract)?|Google Scholar|Cross[Rr]ef|PMC free article|"
    r"Publisher Full Text|Full Text|Free Full Text|Europe PMC|Web of Science|Scopus)\b[\])]?"
    r"[\s.,;|]*)+$"
)
_IN_PRESS = lazy_compile(
    r"[\s.,;:]*\(?\b(?:in press|forthcoming|epub ahead of print)\b\)?[\s.,;:]*$", re.I
)
_YEAR = r"(?P<year>(?:1[6-9]|20)\d\d)(?P<sfx>[a-z]?)"
_PAGES = r"(?P<pages>[A-Za-z]{0,2}\d+[A-Za-z]?(?:\s*[-\u2010-\u2014]\s*[A-Za-z]{0,2}\d+[A-Za-z]?)?)"
_VOLUME = r"(?P<volume>\d+[A-Za-z]?(?:\s*\(?Suppl(?:\.|ement)?\s*\d*\)?)?)"
_ISSUE = r"(?:\s*\((?P<issue>[^()]{1,20})\))?"
#: Vancouver, AMA, BMC, Oxford: "… Journal. 2006;4(3):577-87" / "Journal 2006, 4:577-587".
_VANCOUVER_TAIL = lazy_compile(
    rf"^(?P<head>.*?)[.,]?\s+{_YEAR}(?:\s+[A-Z][a-z]{{2}}(?:\s+\d{{1,2}})?)?\s*"
    rf"(?:[;,]\s*{_VOLUME}?{_ISSUE}\s*(?::\s*{_PAGES})?)?\s*\.?$"
)
#: Author-year and PLoS: "… Journal 4: 577–587" / "Journal, 4(3), 577–587".
_VOLUME_TAIL = lazy_compile(rf"^(?P<head>.*?)[.,]?\s+{_VOLUME}{_ISSUE}\s*[,:]\s*{_PAGES}\s*\.?$")
#: Nature, Science, PNAS, Cell: "… Journal 371, 20160001 (2016)".
_YEAR_LAST_TAIL = lazy_compile(
    rf"^(?P<head>.*?)[.,]?\s+{_VOLUME}{_ISSUE}\s*[,:]\s*{_PAGES}\s*\(\s*{_YEAR}\s*\)\s*\.?$"
)
_ET_AL = lazy_compile(r"[\s,]*\bet\.?\s*al\b\.?", re.IGNORECASE)
_NAME_PARTICLE = r"(?:van|von|de|der|den|da|di|du|la|le|del|dos|das|ter|ten)\b"
#: In a name, a title's colon or question, or a sentence after a period: "Tee EE. Promoting
#: Production", "Walsh M. Commentary on" (a period after an initial may precede a particle
#: or a surname: "R. C. de Peyer", "D. L. Van Horn").
_NOT_A_NAME = lazy_compile(
    rf"[:?!;]|(?<!\b[A-Z])\.\s+(?:[a-z]|[A-Z][a-z]+\s+\S)"
    rf"|\.\s+[A-Z][a-z]+\s+(?!{_NAME_PARTICLE})[a-z]"
    # "Araújo E. Viken Sassouni": Vancouver initials after a surname close the name
    r"|[\w'\u2019-]{2,}\s+[A-Z]{1,4}\.\s+[A-Z]"
)
_VANCOUVER_NAME = lazy_compile(
    r"^(?:(?:and|&)\s+)?(?:[a-z]{1,3}\s+)*[A-Z\u00c0-\u024f][\w'\u2019-]+"
    r"(?:\s+(?:[a-z]{1,3}\s+)?[A-Z\u00c0-\u024f][\w'\u2019-]+)?\s+[A-Z][A-Za-z]{0,3}\.?$"
)
_INITIALS_FIRST = lazy_compile(
    r"^(?:[A-Z][a-z]?\.[\s-]*)+(?:(?:van|von|de|der|den|da|di|du|la|le|del|dos|das|ter|ten)\s+)*"
    r"(?:[A-Z\u00c0-\u024f]|[a-z]{1,4}[A-Z])[\w'\u2019-]+"  # "deMayo"
)


_LONGEST = 3000


@dataclass(frozen=True)
class Fields:
    """What a printed reference says; ``None`` where it could not be read with confidence."""

    authors: tuple[str, ...] = ()
    et_al: bool = False
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    year_suffix: str = ""
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None


def _authors(chunk: str) -> tuple[tuple[str, ...], bool] | None:
    """The names of an author list, and whether it was cut with "et al."; None unless every
    piece reads as a person or a group."""
    cuts = list(_ET_AL.finditer(chunk))
    if cuts and chunk[cuts[-1].end() :].strip(" ,;."):
        return None  # "Zhao F, Li D, et al. Correction to": the list ends at "et al."
    et_al = bool(cuts)
    chunk = _ET_AL.sub("", chunk).strip(" ,;")
    if not chunk or len(chunk) > 2000:
        return None
    segments = [s.strip() for s in chunk.split(",")]
    if len(segments) > 1 and all(_INITIALS_FIRST.match(s.replace(" and ", " ")) for s in segments):
        names = [re.sub(r"^(?:and|&)\s+", "", s) for s in segments]  # "T. Lenormand, D. Roze"
    else:
        names = split_authors(chunk)
        if (
            len(names) == 1
            and len(segments) > 1
            and all(_VANCOUVER_NAME.match(x) for x in segments)
        ):
            names = segments  # "Larsson P, List Th, Lundström I": initials in any case
    names = [re.sub(r"^(?:and|&)\s+", "", n).strip(" ,;") for n in names]
    # "Hites RA." closes the list: its period is no part of the name ("Smith, J." keeps it)
    names = [n.rstrip(".") if "," not in n and _VANCOUVER_NAME.match(n) else n for n in names]
    if not names:
        return None
    for name in names:
        if _NOT_A_NAME.search(name):
            return None  # a title's colon or sentence ("Tee EE. Promoting Production"), not a name
        words = name.replace(",", " ").split()
        if not words or len(words) > 8 or re.search(r"\d", name) or len(name) > 90:
            return None
        if not re.match(
            r"[A-Z\u00c0-\u024f]|(?:van|von|de|da|di|du|le|la|del|der|dos|ten|ter)\b"
            r"|[a-z]{1,4}'?[A-Z][a-z]",  # "deMayo", "d'Altilia"
            name,
        ):
            return None
        group = read_name(name).is_group
        if not group and (name.count(",") > 1 or len(words) > 5):
            return None  # a list that did not split is no one's name
        # every word starts upper-case, save a person's particles and a group's small words
        allowed = _PARTICLES | _GROUP_WORDS if group else _PARTICLES
        if any(
            w[0].islower() and w not in allowed and not re.match(r"[a-z]{1,4}'?[A-Z]", w)
            for w in words
            if w[0].isalpha()
        ):
            return None
    return tuple(names), et_al


_PARTICLES = {
    "van", "von", "de", "da", "di", "du", "le", "la", "del", "der", "den", "dos", "das",
    "ten", "ter", "al", "el", "bin", "ben", "y", "e",
}  # fmt: skip
_GROUP_WORDS = {"of", "for", "and", "the", "on", "in", "at", "to", "against", "with"}


_FRAGMENT = lazy_compile(
    r"(?:[A-Z][A-Za-z]{0,9}\.?\s+){0,3}(?P<last>[A-Z][a-z]{0,14}|[A-Z]{2,5})\."  # "MCN."
)


@cache
def _ltwa_abbreviations() -> frozenset[str]:
    """Every abbreviation ISO 4's word list gives ("physiol", "pharmacol", "anaesthesiol")."""
    table = ltwa()
    return frozenset(a for v in (*table.words.values(), *table.stems.values()) for a in v if a)


def _abbreviated(piece: str) -> bool:
    """Whether a piece of "Title. J. Physiol. Pharmacol" is part of an abbreviated journal: a
    few capitalised words ending in a short abbreviation ("J.", "Med.") or one that ISO 4
    gives ("Physiol.", "Anaesthesiol."), not a word of a title ("Perspective.")."""
    m = _FRAGMENT.fullmatch(piece)
    if not m:
        return False
    last = m.group("last")
    return len(last) <= 6 or last.casefold() in _ltwa_abbreviations()  # "MCN" is 3


def _split_title_journal(text: str) -> tuple[str | None, str | None]:
    """ "Title. Journal" -> (title, journal); a journal abbreviated with periods ("Philos.
    Trans. R. Soc. B") stays whole. (None, None) when the two cannot be told apart."""
    text = text.strip(" ,.;")
    pieces = re.split(r"(?<=[.?!])\s+", text)
    if len(pieces) < 2:
        return None, None
    k = len(pieces) - 1
    # merge the abbreviation fragments that precede the journal's last word
    while k > 1 and _abbreviated(pieces[k - 1]):
        k -= 1
    title = " ".join(pieces[:k]).strip(" .")
    journal = " ".join(pieces[k:]).strip(" .,")
    if not title or not journal or len(journal) > 120 or re.search(r"\d{3,}", journal):
        return (title or None), None
    return title, journal


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split()).strip(" ,.;:")
    return value or None


def _volume_issue(volume: str | None, issue: str | None) -> tuple[str | None, str | None]:
    """ "105 Suppl 2" is volume 105, issue "Suppl 2"."""
    volume = _clean(volume)
    m = re.match(r"^(\d+[A-Za-z]?)\s*\(?(Suppl(?:\.|ement)?\s*\d*)\)?$", volume or "")
    if m and not issue:
        return m.group(1), m.group(2).replace("Suppl.", "Suppl").strip()
    return volume, _clean(issue)


def _pages(value: str | None) -> str | None:
    value = _clean(value)
    return re.sub(r"\s*[-\u2010-\u2014]\s*", "-", value) if value else None


def read_fields(text: str) -> Fields:
    """The fields of one printed reference (list number and identifiers already removed)."""
    text = " ".join(text.split()).strip()
    for fields in (_author_year(text), _author_first(text), _year_last(text)):
        if fields is not None:
            return fields
    return Fields()


def _head_split(text: str, separators: str) -> tuple[tuple[tuple[str, ...], bool], str] | None:
    """The author list that opens ``text``, and the rest. The list ends at the last separator
    before which everything still reads as names ("Locker D. Measuring oral health" ends
    after "D"; "Lenormand, T., Roze, D. & Rousset, F. Title" after "F")."""
    best: tuple[tuple[tuple[str, ...], bool], str] | None = None
    for m in re.finditer(separators, text):
        before = text[: m.start()]
        if m.start() > 2000 or _PROSE.search(_ET_AL.sub("", before)):
            break  # into the title
        authors = _authors(before)
        if authors is not None:
            best = authors, text[m.end() :]
    return best


#: A word no author list holds: lower-case and longer than a particle.
_PROSE = lazy_compile(r"(?<![\w'\u2019-])(?!(?:von|van|der|den|del|dos|das|ter|ten)\b)[a-z]{4,}\b")


#: "Authors (2006). Rest" (APA, Harvard, Chicago, PLoS) or "Authors. 2006. Rest" (EHP).
_AUTHOR_YEAR = lazy_compile(
    rf"^(?P<authors>.+?)\s*(?:\(\s*{_YEAR}(?:,[^)]*)?\s*\)"
    rf"|(?<=[.,])\s+{_YEAR.replace('year', 'y2').replace('sfx', 's2')}(?=[.,:]))"
    r"[.,:]?\s+(?P<rest>.+)$"
)


def _author_year(text: str) -> Fields | None:
    """APA, Harvard, Chicago author-date, PLoS, EHP: the year right after the authors."""
    m = _AUTHOR_YEAR.match(text)
    if not m:
        return None
    authors = _authors(m.group("authors"))
    if authors is None:
        return None
    year = int(m.group("year") or m.group("y2"))
    suffix = m.group("sfx") or m.group("s2") or ""
    rest = m.group("rest").strip()
    tail = _VOLUME_TAIL.match(rest)
    title = journal = volume = issue = pages = None
    if tail:
        title, journal = _split_title_journal(tail.group("head"))
        volume, issue, pages = tail.group("volume"), tail.group("issue"), tail.group("pages")
    else:
        title, journal = _split_title_journal(rest)
        if journal is None:
            title = _clean(rest.split(". ")[0]) if ". " in rest else None
    return Fields(
        authors[0], authors[1], _clean(title), _clean(journal), year, suffix,
        *_volume_issue(volume, issue), _pages(pages),
    )  # fmt: skip


def _from_tail(split: tuple[tuple[tuple[str, ...], bool], str], tail: re.Match[str]) -> Fields:
    """The fields of a reference whose authors were split from the rest (title and journal),
    and whose year, volume, issue and pages ``tail`` matched."""
    (names, et_al), rest = split
    title, journal = _split_title_journal(rest)
    return Fields(
        names, et_al, _clean(title), _clean(journal), int(tail.group("year")),
        tail.group("sfx") or "", *_volume_issue(tail.group("volume"), tail.group("issue")),
        _pages(tail.group("pages")),
    )  # fmt: skip


def _author_first(text: str) -> Fields | None:
    """Vancouver/NLM, AMA, BMC, Oxford, Lancet: authors, title, journal, then the year."""
    tail = _VANCOUVER_TAIL.match(text)
    if not tail or re.fullmatch(r"(?:1[6-9]|20)\d\d", tail.group("issue") or ""):
        return None  # "Brain Res. 1766, 147520 (2021)": a volume, not a year, then the year
    split = _head_split(tail.group("head"), r"\.\s+|:\s+")
    if split is None:
        return None
    return _from_tail(split, tail)


def _year_last(text: str) -> Fields | None:
    """Nature, Science, PNAS, Cell: the year in parentheses at the end."""
    tail = _YEAR_LAST_TAIL.match(text)
    if not tail:
        return None
    head = tail.group("head")
    # the title opens with a word that is no initial, and a lower-case word soon after:
    # "Stochasticity in", "Phagosome/lysosome fusion", "HIV Infection in"
    split = _head_split(
        head,
        r"\.\s+|,\s+(?=[\"\u201c(]?(?:[A-Z](?=\s)|[A-Z0-9][^\s,.]+|[a-z]{1,5}[A-Z][^\s,.]*)"
        r"(?:(?:\s+(?:[^\s,a-z][^\s,]*|[^\w\s]+)){0,30}(?:\s+[(\[\"]?[a-z]|[.:?])|,\s+[a-z]))",
    )
    if split is None:
        return None
    return _from_tail(split, tail)


# --- one entry ------------------------------------------------------------------------------


def _take(pattern: re.Pattern[str], text: str) -> tuple[str | None, str]:
    m = pattern.search(text)
    if not m:
        return None, text
    return m.group(1), (text[: m.start()] + " " + text[m.end() :]).strip()


def _looks_like_reference(text: str) -> bool:
    """An entry without identifiers: a name first and a year in it."""
    return bool(
        len(text) >= 20
        # a name, or an organisation's that starts with digits ("14CHRONO Centre", "3M")
        and re.match(r"[A-Z\u00c0-\u024f]|\d+[A-Z]", text)
        and re.search(r"\b(?:1[6-9]|20)\d\d[a-z]?\b", text)
    )


def read_reference(block: Block) -> Reference | None:
    """One entry of the list, or None when ``block`` is no reference."""
    text = block.text.strip().strip("|").strip()
    text = re.sub(r"!?\[([^\]]*)\]\(([^)\s]+)[^)]*\)", r"\1 \2", text)  # Markdown links
    mark = _LIST_MARK.match(text)
    number = None
    if mark:
        digits = mark.group(1) or mark.group(2) or mark.group(3)
        number = int(digits) if digits else None
        text = text[mark.end() :]
    pmid_text, text = _take(_PMID_LABELLED, text)
    if pmid_text is None:
        pmid_text, text = _take(_PUBMED_LINK, text)
    pmcid, text = _take(_PMCID, text)
    doi, text = _take(_DOI, text)
    if doi:
        doi = doi.rstrip(".,;)")
    if pmid_text is None and doi is None:
        m = _TRAILING_PMID.search(text)
        if m:  # a reference table whose PMID column lost its separator
            pmid_text = m.group(1)
            text = text[: m.start()].strip()
    text = " ".join(text.replace("|", " ").split())
    text = _LINK_WORDS.sub("", text).rstrip(" .;,")
    text = _IN_PRESS.sub("", text).rstrip(" .;,:")
    has_id = pmid_text is not None or doi is not None or pmcid is not None
    if not has_id and not (number is not None or _looks_like_reference(text)):
        return None
    # a reference is a few hundred characters: a longer one is read for nothing but its ids
    fields = read_fields(text) if len(text) <= _LONGEST else Fields()
    surname = read_name(fields.authors[0]).surname if fields.authors else None
    citation = _short_citation(fields)
    if citation is None:  # the seed's "Author et al., Journal (Year) topic" table
        from ..citation import parse_citation

        prefix = _CITATION_PREFIX.match(text)
        candidate = prefix.group(1) if prefix else text
        parsed = parse_citation(candidate)
        # the seed's form says nothing of where the paper is: with a volume or pages, this is
        # a whole reference the reader above could not read, and no short citation
        located = parsed.volume or parsed.issue or parsed.pages
        if parsed.first_author and parsed.year and parsed.journal and not located:
            citation = candidate.strip()
            surname = parsed.first_author
            fields = Fields(
                authors=fields.authors or (parsed.first_author_printed or parsed.first_author,),
                et_al=fields.et_al or parsed.et_al,
                title=fields.title,
                journal=fields.journal or parsed.journal,
                year=parsed.year,
            )
    return Reference(
        line=block.line,
        printed=text,
        citation=citation,
        surname=surname,
        year=fields.year,
        pmid=int(pmid_text) if pmid_text else None,
        doi=doi,
        number=number,
        authors=fields.authors,
        et_al=fields.et_al,
        title=fields.title,
        journal=fields.journal,
        volume=fields.volume,
        issue=fields.issue,
        pages=fields.pages,
        pmcid=pmcid.upper() if pmcid else None,
        year_suffix=fields.year_suffix,
    )


def _short_citation(fields: Fields) -> str | None:
    """ "Surname et al., Journal (Year)", the printed-citation form claims files use."""
    if not (fields.authors and fields.journal and fields.year):
        return None
    first = fields.authors[0]
    if "," in first:  # APA "Smith, J. A." -> "Smith JA"
        surname, _, initials = first.partition(",")
        first = f"{surname.strip()} {re.sub(r'[^A-Z]', '', initials)}".strip()
    elif _INITIALS_FIRST.match(first):  # "T. Lenormand" -> "Lenormand T"
        surname = read_name(first).surname
        initials = re.sub(r"[^A-Z]", "", first[: first.rfind(surname)])
        first = f"{surname} {initials}".strip()
    if len(fields.authors) > 2 or fields.et_al:
        who = f"{first} et al."
    elif len(fields.authors) == 2:
        who = f"{first} and {read_name(fields.authors[1]).surname}"
    else:
        who = first
    return f"{who}, {fields.journal} ({fields.year})"


# --- the list ----------------------------------------------------------------------------------


def reference_list(
    blocks: list[Block], lines: tuple[str, ...], *, line_based: bool
) -> tuple[int | None, list[Reference]]:
    """The index of the reference heading among ``blocks`` and the entries under it. With
    ``line_based``, entries are read line by line from ``lines`` (a list copied from a web page
    keeps one entry per line, with no blank line between them)."""
    start = next((i for i, b in enumerate(blocks) if REFERENCE_HEADING.match(b.text)), None)
    references: list[Reference] = []
    if start is None:
        return None, references
    candidates = blocks[start + 1 :]
    if line_based and lines:
        first = blocks[start].line + 1
        candidates = [
            Block(n, lines[n - 1].strip(), heading=bool(MD_HEADING.match(lines[n - 1])))
            for n in range(first, len(lines) + 1)
            if lines[n - 1].strip()
        ]
    for block in _entries(candidates) if line_based else candidates:
        ref = read_reference(block)
        if block.heading and references and ref is None:
            break
        if ref is not None:
            references.append(ref)
    return start, references


def _entries(lines: list[Block]) -> list[Block]:
    """Lines joined into entries: where the list marks its entries (numbers or bullets), a
    line without a mark right under an entry continues it (a wrapped reference)."""
    if not any(_LIST_MARK.match(b.text) for b in lines):
        return lines
    out: list[list[Block]] = []
    for block in lines:
        last = out[-1][-1] if out else None
        if (
            last is None
            or block.heading
            or last.heading
            or block.line != last.line + 1
            or _LIST_MARK.match(block.text)
        ):
            out.append([block])
        else:
            out[-1].append(block)
    return [
        group[0] if len(group) == 1 else Block(group[0].line, " ".join(b.text for b in group))
        for group in out
    ]
