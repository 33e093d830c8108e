"""``Record``: the fields of a PubMed record that ta1check compares, and how to build one.

A record is built from Bio.Entrez's parse of a ``PubmedArticle`` or ``PubmedBookArticle`` and
serialises to plain JSON (``encode_record``), which is what the index stores (parsing XML
again on every warm run would dominate its time); ``read_record`` reads it back, checking each
field's type as it goes. The cache stores a record more compactly, as a row: the array of its
values (``Record`` is an array-like msgspec ``Struct``), which msgspec reads back into a
``Record`` itself (``cache.py``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
import orjson

from ..lazyre import lazy_compile
from .validate import reader

#: Bump when the fields or their meaning change: cached records of another version are
#: ignored (and refetched), never misread.
RECORD_FORMAT = 6  # 4: MathML reduced to its text; CommentOn notices; chapter dates; 5: MeSH;
# 6: the format is in the cache key and the index's column only, no longer in the JSON body

_new = object.__new__
_setattr = object.__setattr__
_YEAR = lazy_compile(r"\b(1[6-9]\d\d|20\d\d)\b")


class Author(msgspec.Struct, frozen=True, gc=False):
    """One author as PubMed lists it; a collective author has only ``collective``.

    NOTE: a frozen msgspec ``Struct`` (JSON: the object of its fields, as a dataclass's),
    which msgspec builds in C; as a slotted dataclass it set each field through its
    descriptor: 100,000 cached records of the real mix (630,000 authors) took 1.15 CPU s to
    decode, 0.91 s now (#16). ``gc=False``: four strings hold no reference cycle, so the
    collector never tracks an author."""

    last_name: str = ""
    fore_name: str = ""
    initials: str = ""
    collective: str = ""

    @property
    def display(self) -> str:
        if self.collective:
            return self.collective
        return f"{self.last_name} {self.initials}".strip()


@dataclass(frozen=True)
class Notice:
    """A linked notice from CommentsCorrections: a retraction, an erratum, an update…"""

    kind: str  # RefType: RetractionIn, ErratumIn, ExpressionOfConcernIn, UpdateIn, …
    pmid: int | None
    reference: str


class Record(msgspec.Struct, frozen=True, array_like=True, forbid_unknown_fields=True, gc=False):
    """What PubMed says about one PMID.

    NOTE: a frozen msgspec ``Struct``, not a dataclass: msgspec builds it from a cached row
    (``array_like``: the row is the array of its fields' values, in order) in C, checking
    every value against its field's declared type as it goes. As a dataclass it was a tuple
    decoded by msgspec, then made the instance's ``__dict__``: 100,000 cached records took
    1.61 CPU s to read that way, 1.19 s this way (#16). ``Notice`` stays a frozen dataclass
    (reports write it); vary a record with ``msgspec.structs.replace``. ``gc=False``: its
    values are strings, numbers and tuples of frozen values, which hold no reference cycle."""

    pmid: int
    title: str
    authors: tuple[Author, ...]
    authors_complete: bool
    journal: str
    iso_abbreviation: str
    medline_ta: str
    year: int | None
    years: tuple[int, ...]  # every year the issue date spans ("1998 Dec-1999 Jan")
    pub_date: str
    epub_year: int | None
    doi: str | None
    pmcid: str | None
    abstract: str
    publication_types: tuple[str, ...]
    notices: tuple[Notice, ...]
    volume: str = ""
    issue: str = ""
    pages: str = ""
    is_book: bool = False
    #: A book chapter's own dates (GeneReviews): first posted (ContributionDate) and revised
    #: (DateRevised). Their years are in ``years`` too: both are legitimate years to cite.
    contribution_year: int | None = None
    revised_year: int | None = None
    #: MeSH descriptor names as PubMed indexes the article (qualifiers left out), check tags
    #: included ("Humans", "Animals", "Mice", "Female"…); empty while not yet indexed.
    mesh: tuple[str, ...] = ()

    @property
    def has_abstract(self) -> bool:
        return bool(self.abstract.strip())

    def summary(self) -> RecordSummary:
        """What a report shows of this record, in a fraction of its memory."""
        # NOTE: built as ``read_record`` builds a record, its dict set at once: the frozen
        # dataclass's ``__init__`` (a ``object.__setattr__`` per field) and a ``display``
        # property call per author took 14 us a record, 1.4 s of a warm run of 100,000 (#16).
        summary: RecordSummary = _new(RecordSummary)
        _setattr(
            summary,
            "__dict__",
            {
                "pmid": self.pmid,
                "title": self.title,
                "authors": tuple(
                    [a.collective or f"{a.last_name} {a.initials}".strip() for a in self.authors]
                ),
                "journal": self.journal,
                "iso_abbreviation": self.iso_abbreviation,
                "year": self.year,
                "doi": self.doi,
                "has_abstract": bool(self.abstract.strip()),
                "pmcid": self.pmcid,
                "publication_types": self.publication_types,
                "notices": self.notices,
            },
        )
        return summary

    @property
    def journal_names(self) -> tuple[str, ...]:
        """Every name the journal goes by in the record."""
        return tuple(n for n in (self.journal, self.iso_abbreviation, self.medline_ta) if n)

    def to_json(self) -> dict[str, Any]:
        """The record's JSON form, as the index stores it (``encode_record``)."""
        data: dict[str, Any] = orjson.loads(encode_record(self))
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Record:
        """A record from its JSON form, every field checked against its type; raises
        ``ValueError`` (``validate.Unsound``) naming the first wrong one. ``data`` is left
        as it was."""
        return read_record(orjson.loads(orjson.dumps(data)))


def encode_record(record: Record) -> bytes:
    """``record`` as JSON: an object of its fields, in order, tuples as arrays, authors and
    notices as objects of their fields."""
    return msgspec.json.encode(msgspec.structs.asdict(record))


def read_record(data: object) -> Record:
    """The record whose JSON form ``data`` is, freshly decoded: it becomes the record's own
    state (arrays turned into tuples in place), so the caller must not keep using it. Raises
    ``validate.Unsound`` naming the first field that is not of its declared type, a key too
    many or one missing."""
    record: Record = reader(Record)(data)
    return record


# --- the row: the form the cache stores (#16) ----------------------------------------------------
#
# NOTE: a warm run of 100,000 cached records spent 4.4 s reading them: SQLite 0.6, orjson's
# decoding of each object 1.35 s, and ``read_record`` (a type check per field, a frozen
# ``Author`` per author in Python) 2.1 s. A row names no keys (1,620 bytes a record of the
# real mix instead of 2,200), and msgspec decodes it into the ``Record`` itself, checking every
# value against the field's declared type, building the ``Author`` structs, the ``Notice``
# dataclasses and the tuples the hints declare, in C.

#: The fields of a record in the order the class declares them: a row's order.
RECORD_FIELDS: tuple[str, ...] = Record.__struct_fields__


@dataclass(frozen=True)
class RecordSummary:
    """The fields of a record that reports show: no abstract, authors as display names.

    Results keep this, not the ``Record``, so memory stays flat in the number of citations.
    """

    pmid: int
    title: str
    authors: tuple[str, ...]
    journal: str
    iso_abbreviation: str
    year: int | None
    doi: str | None
    has_abstract: bool
    pmcid: str | None
    publication_types: tuple[str, ...]
    notices: tuple[Notice, ...]


def _text(value: Any) -> str:
    """Bio.Entrez gives strings (StringElement) or nested lists of them; join the text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, Sequence):
        return " ".join(_text(v) for v in value)
    return ""


#: MathML as Bio.Entrez hands it over: ``<math xmlns="…"><mi xmlns="…">T</mi>…</math>``.
_MATH = lazy_compile(r"<(?:[A-Za-z]+:)?math\b.*?</(?:[A-Za-z]+:)?math>", re.S)
_MATH_ANNOTATION = lazy_compile(
    r"<(?:[A-Za-z]+:)?annotation(?:-xml)?\b.*?</[^>]*annotation(?:-xml)?>", re.S
)
_ANY_TAG = lazy_compile(r"<[^<>]+>")


def _title_text(value: Any) -> str:
    """A title's text, keeping inline HTML (``<i>``, ``<sup>``…) but reducing MathML to the
    text it renders (``<math><msub><mi>T</mi><mn>2</mn></msub></math>`` -> ``T2``): the
    namespaced markup would otherwise fill messages and reports."""
    text = _text(value)
    if "math" not in text:
        return text
    return _MATH.sub(lambda m: _ANY_TAG.sub("", _MATH_ANNOTATION.sub("", m.group())), text)


def _attr(value: Any, name: str) -> str:
    attributes = getattr(value, "attributes", None) or {}
    return str(attributes.get(name, ""))


def _date_years(date: Mapping[str, Any]) -> tuple[int, ...]:
    if "Year" in date:
        return (int(_text(date["Year"])),)
    return tuple(int(y) for y in _YEAR.findall(_text(date.get("MedlineDate", ""))))


def _date_text(date: Mapping[str, Any]) -> str:
    if "MedlineDate" in date:
        return _text(date["MedlineDate"])
    parts = [_text(date.get(k)) for k in ("Year", "Season", "Month", "Day")]
    return " ".join(p for p in parts if p)


def _authors(author_list: Any) -> tuple[tuple[Author, ...], bool]:
    if not author_list:
        return (), True
    authors = []
    for a in author_list:
        if _attr(a, "ValidYN") == "N":
            continue  # "not a valid name" in NLM's words: never the first author
        authors.append(
            Author(
                last_name=_text(a.get("LastName")),
                fore_name=_text(a.get("ForeName")),
                initials=_text(a.get("Initials")),
                collective=_text(a.get("CollectiveName")),
            )
        )
    return tuple(authors), _attr(author_list, "CompleteYN") != "N"


def _abstract(abstract: Any) -> str:
    if not abstract:
        return ""
    parts = []
    for section in abstract.get("AbstractText", []):
        label = _attr(section, "Label")
        text = _text(section)
        parts.append(f"{label}: {text}" if label else text)
    return "\n".join(p for p in parts if p.strip())


#: CommentsCorrections kinds that bear on a paper's integrity; "Cites", "CommentIn" and the
#: like are left out (a record can cite hundreds of papers).
NOTICE_KINDS = frozenset(
    {
        "RetractionIn",
        "RetractionOf",
        "PartialRetractionIn",
        "PartialRetractionOf",
        "RetractedandRepublishedIn",
        "RetractedandRepublishedFrom",
        "ExpressionOfConcernIn",
        "ExpressionOfConcernFor",
        "ErratumIn",
        "ErratumFor",
        "CommentOn",  # the record is a comment: on what (one or a few papers, unlike CommentIn)
        "UpdateIn",
        "UpdateOf",
        "RepublishedIn",
        "RepublishedFrom",
        "ReprintIn",
        "ReprintOf",
    }
)


def _notices(corrections: Any) -> tuple[Notice, ...]:
    notices = []
    for item in corrections or []:
        if _attr(item, "RefType") not in NOTICE_KINDS:
            continue
        pmid_text = _text(item.get("PMID"))
        notices.append(
            Notice(
                kind=_attr(item, "RefType"),
                pmid=int(pmid_text) if pmid_text.isdigit() else None,
                reference=_text(item.get("RefSource")),
            )
        )
    return tuple(notices)


def _mesh(headings: Any) -> tuple[str, ...]:
    """The descriptor of each MeSH heading (check tags such as "Humans" are headings too)."""
    names = (_text(h.get("DescriptorName")) for h in headings or [] if hasattr(h, "get"))
    return tuple(n for n in names if n)


def _ids(id_list: Any) -> dict[str, str]:
    ids: dict[str, str] = {}
    for item in id_list or []:
        ids.setdefault(_attr(item, "IdType"), _text(item))
    return ids


def record_from_entrez(article: Mapping[str, Any]) -> Record:
    """Build a ``Record`` from one element of Bio.Entrez's ``PubmedArticle`` (or
    ``PubmedBookArticle``) list. Raises ``KeyError``/``ValueError`` on a record without the
    essentials (PMID), which callers treat as a malformed response."""
    if "BookDocument" in article:
        return _book_from_entrez(article)
    citation = article["MedlineCitation"]
    art = citation["Article"]
    journal = art.get("Journal", {})
    issue = journal.get("JournalIssue", {})
    pub_date = issue.get("PubDate", {})
    years = _date_years(pub_date)
    epub_years = [
        int(_text(d["Year"]))
        for d in art.get("ArticleDate", [])
        if "Year" in d and _attr(d, "DateType") in ("Electronic", "")
    ]
    ids = _ids(article.get("PubmedData", {}).get("ArticleIdList"))
    doi = next(
        (
            _text(e)
            for e in art.get("ELocationID", [])
            if _attr(e, "EIdType") == "doi" and _attr(e, "ValidYN") != "N"
        ),
        None,
    ) or ids.get("doi")
    authors, complete = _authors(art.get("AuthorList"))
    pagination = art.get("Pagination", {})
    return Record(
        pmid=int(_text(citation["PMID"])),
        title=_title_text(art.get("ArticleTitle")) or _title_text(art.get("VernacularTitle")),
        authors=authors,
        authors_complete=complete,
        journal=_text(journal.get("Title")),
        iso_abbreviation=_text(journal.get("ISOAbbreviation")),
        medline_ta=_text(citation.get("MedlineJournalInfo", {}).get("MedlineTA")),
        year=years[0] if years else None,
        years=years,
        pub_date=_date_text(pub_date),
        epub_year=epub_years[0] if epub_years else None,
        doi=doi or None,
        pmcid=ids.get("pmc") or None,
        abstract=_abstract(art.get("Abstract")),
        publication_types=tuple(_text(t) for t in art.get("PublicationTypeList", [])),
        notices=_notices(citation.get("CommentsCorrectionsList")),
        volume=_text(issue.get("Volume")),
        issue=_text(issue.get("Issue")),
        pages=_text(pagination.get("MedlinePgn")) if hasattr(pagination, "get") else "",
        mesh=_mesh(citation.get("MeshHeadingList")),
    )


def _single_year(date: Any) -> int | None:
    years = _date_years(date) if isinstance(date, Mapping) and date else ()
    return years[0] if years else None


def _book_from_entrez(article: Mapping[str, Any]) -> Record:
    doc = article["BookDocument"]
    book = doc.get("Book", {})
    pub_date = book.get("PubDate", {})
    book_years = _date_years(pub_date)
    contributed = _single_year(doc.get("ContributionDate"))
    revised = _single_year(doc.get("DateRevised"))
    spanned = [_single_year(book.get(k)) for k in ("BeginningDate", "EndingDate")]
    years = tuple(sorted({y for y in (*book_years, *spanned, contributed, revised) if y}))
    ids = _ids(article.get("PubmedBookData", {}).get("ArticleIdList"))
    author_list = doc.get("AuthorList") or book.get("AuthorList") or []
    if author_list and isinstance(author_list[0], list):
        author_list = author_list[0]  # a BookDocument may carry several typed AuthorLists
    authors, complete = _authors(author_list)
    return Record(
        pmid=int(_text(doc["PMID"])),
        title=_title_text(doc.get("ArticleTitle")) or _title_text(book.get("BookTitle")),
        authors=authors,
        authors_complete=complete,
        journal=_title_text(book.get("BookTitle")),
        iso_abbreviation="",
        medline_ta="",
        year=book_years[0] if book_years else (years[0] if years else None),
        years=years,
        pub_date=_date_text(pub_date),
        epub_year=None,
        doi=ids.get("doi") or None,
        pmcid=ids.get("pmc") or None,
        abstract=_abstract(doc.get("Abstract")),
        publication_types=tuple(_text(t) for t in doc.get("PublicationType", [])),
        notices=(),
        is_book=True,
        contribution_year=contributed,
        revised_year=revised,
    )
