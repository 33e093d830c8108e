"""PubMed XML (efetch answers, baseline files) read with lxml straight into ``Record``s.

Bio.Entrez builds a generic tree of every element through a DTD-driven Python handler (2.1 ms
a record on the real mix); lxml builds its tree in C, and only the fields a ``Record`` holds are
read from it. The result is the ``Record`` that ``record_from_entrez`` builds from Bio.Entrez's
parse, field for field: ``tests/test_xmlread.py`` compares the two on every record of the
corpus and on mutated records. Bio.Entrez's text rules, reproduced here:

- an element of mixed content (a title, an abstract section, a collective name) is its
  character data as written, entities and character references decoded, whitespace kept;
  markup inside it is kept as text: ``<i>`` stays ``<i>``, with its attributes as
  ``name="value"`` (values unescaped); a namespaced (MathML) element loses its prefix and its
  attributes and gains ``xmlns="…"``; an empty element is written ``<x></x>``; comments and
  processing instructions are dropped, their surrounding text kept;
- an element that holds other elements keeps the LAST of each child it may hold once;
- an element no DTD names is skipped with everything in it; one the DTD names where its
  parent's declaration does not allow it is refused ("Unexpected item"): checked here in the
  elements this reader reads (``_ALLOWED``), not in those it never visits (History,
  ReferenceList, ChemicalList…), where Bio.Entrez refuses the document and this reader gives
  the record Bio.Entrez would give without that element.

What the fast path is not sure to read as Bio.Entrez does raises ``NotPlain``: the caller
(``parse.parse_pubmed_xml``) then gives the document to the parser of record, so a document of
another shape (no XML declaration, no or another DTD, namespaces other than MathML, named
entities, markup in text other than PubMed's inline HTML and MathML, a record missing a field
``record_from_entrez`` requires) is accepted or refused exactly as before, with the same
message. PubMed's own answers never take that path.

Safety: the parser never reads a DTD, fetches nothing, expands no entity, and keeps libxml2's
limits (``huge_tree`` off); the prolog is read token by token by ``parse.read_prolog`` before
lxml sees the document (an internal DTD subset is refused there).
"""

from __future__ import annotations

import io
import re
import threading
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from .parse import UnsafeXML, _local_dtd, read_prolog
from .record import NOTICE_KINDS, Author, Notice, Record, _title_text

_YEAR = re.compile(r"\b(1[6-9]\d\d|20\d\d)\b")
#: An entity reference other than XML's five and character references: Bio.Entrez expands
#: those its bundled DTDs declare and refuses the others; left to it.
_NAMED_ENTITY = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)[A-Za-z_:\x80-\xff]")
_XMLNS = re.compile(rb"xmlns(?::([A-Za-z_][\w.-]*))?\s*=\s*(\"[^\"]*\"|'[^']*')")
MATHML = "http://www.w3.org/1998/Math/MathML"
_MATHML_TAG = "{" + MATHML + "}"
#: Elements that may sit in text and that Bio.Entrez writes back with exactly the attributes
#: written (none has an attribute default in PubMed's DTD).
_INLINE = frozenset({"b", "i", "u", "sup", "sub", "DispFormula"})
#: MathML elements the MathML 3 DTD that PubMed's DTDs (2018-06 and later) include declares,
#: none with an attribute default: each declares the ``mml`` namespace again (a default
#: attribute), so Bio.Entrez writes ``xmlns="…"`` (and drops the attributes) on the outermost
#: only. An element the DTD does not declare would get ``xmlns`` too: left to Bio.Entrez.
_MATHML_NAMES = frozenset(
    [
        "math",
        "mi",
        "mn",
        "mo",
        "mtext",
        "mspace",
        "ms",
        "mrow",
        "mfrac",
        "msqrt",
        "mroot",
        "mstyle",
        "merror",
        "mpadded",
        "mphantom",
        "mfenced",
        "menclose",
        "msub",
        "msup",
        "msubsup",
        "munder",
        "mover",
        "munderover",
        "mmultiscripts",
        "mprescripts",
        "none",
        "mtable",
        "mtr",
        "mtd",
        "mlabeledtr",
        "semantics",
        "annotation",
        "annotation-xml",
        "maligngroup",
        "malignmark",
        "mglyph",
        "mlongdiv",
        "mstack",
        "msgroup",
        "msrow",
        "mscarries",
        "mscarry",
        "msline",
        "maction",
    ]
)
#: The bundled PubMed DTDs whose reading by Bio.Entrez this reader reproduces (the
#: differential tests run on them); a document naming another is left to Bio.Entrez.
FAST_DTDS = frozenset(
    {
        "pubmed_190101.dtd",
        "pubmed_230101.dtd",
        "pubmed_240101.dtd",
        "pubmed_250101.dtd",
    }
)
#: Every element PubMed's DTDs (2019-2025, as Biopython bundles them) name, MathML's apart:
#: Bio.Entrez skips an element none names, and refuses a named one where its parent's
#: declaration does not allow it (tests/test_xmlread.py compares these with the DTDs).
_KNOWN = frozenset(
    [
        "Abstract",
        "AbstractText",
        "AccessionNumber",
        "AccessionNumberList",
        "Acronym",
        "Affiliation",
        "AffiliationInfo",
        "Agency",
        "Article",
        "ArticleDate",
        "ArticleId",
        "ArticleIdList",
        "ArticleTitle",
        "Author",
        "AuthorList",
        "BeginningDate",
        "Book",
        "BookDocument",
        "BookDocumentSet",
        "BookTitle",
        "Chemical",
        "ChemicalList",
        "Citation",
        "CitationSubset",
        "CoiStatement",
        "CollectionTitle",
        "CollectiveName",
        "CommentsCorrections",
        "CommentsCorrectionsList",
        "ContractNumber",
        "ContributionDate",
        "CopyrightInformation",
        "Country",
        "DataBank",
        "DataBankList",
        "DataBankName",
        "DateCompleted",
        "DateRevised",
        "Day",
        "DeleteCitation",
        "DeleteDocument",
        "DescriptorName",
        "DispFormula",
        "ELocationID",
        "Edition",
        "EndPage",
        "EndingDate",
        "ForeName",
        "GeneSymbol",
        "GeneSymbolList",
        "GeneralNote",
        "Grant",
        "GrantID",
        "GrantList",
        "History",
        "Hour",
        "ISOAbbreviation",
        "ISSN",
        "ISSNLinking",
        "Identifier",
        "Initials",
        "Investigator",
        "InvestigatorList",
        "Isbn",
        "Issue",
        "Item",
        "ItemList",
        "Journal",
        "JournalIssue",
        "Keyword",
        "KeywordList",
        "Language",
        "LastName",
        "LocationLabel",
        "Medium",
        "MedlineCitation",
        "MedlineDate",
        "MedlineJournalInfo",
        "MedlinePgn",
        "MedlineTA",
        "MeshHeading",
        "MeshHeadingList",
        "Minute",
        "Month",
        "NameOfSubstance",
        "NlmUniqueID",
        "Note",
        "NumberOfReferences",
        "Object",
        "ObjectList",
        "OtherAbstract",
        "OtherID",
        "PMID",
        "Pagination",
        "Param",
        "PersonalNameSubject",
        "PersonalNameSubjectList",
        "PubDate",
        "PubMedPubDate",
        "PublicationStatus",
        "PublicationType",
        "PublicationTypeList",
        "Publisher",
        "PublisherLocation",
        "PublisherName",
        "PubmedArticle",
        "PubmedArticleSet",
        "PubmedBookArticle",
        "PubmedBookArticleSet",
        "PubmedBookData",
        "PubmedData",
        "QualifierName",
        "RefSource",
        "Reference",
        "ReferenceList",
        "RegistryNumber",
        "ReportNumber",
        "Season",
        "Second",
        "Section",
        "SectionTitle",
        "Sections",
        "SpaceFlightMission",
        "StartPage",
        "Suffix",
        "SupplMeshList",
        "SupplMeshName",
        "Title",
        "URL",
        "VernacularTitle",
        "Volume",
        "VolumeTitle",
        "Year",
        "b",
        "i",
        "sub",
        "sup",
        "u",
    ]
)
#: The children each element this reader visits may hold (its DTD declaration).
_ALLOWED: dict[str, frozenset[str]] = {
    "PubmedArticleSet": frozenset(["DeleteCitation", "PubmedArticle", "PubmedBookArticle"]),
    "PubmedArticle": frozenset(["MedlineCitation", "PubmedData"]),
    "PubmedBookArticle": frozenset(["BookDocument", "PubmedBookData"]),
    "MedlineCitation": frozenset(
        [
            "Article",
            "ChemicalList",
            "CitationSubset",
            "CoiStatement",
            "CommentsCorrectionsList",
            "DateCompleted",
            "DateRevised",
            "GeneSymbolList",
            "GeneralNote",
            "InvestigatorList",
            "KeywordList",
            "MedlineJournalInfo",
            "MeshHeadingList",
            "NumberOfReferences",
            "OtherAbstract",
            "OtherID",
            "PMID",
            "PersonalNameSubjectList",
            "SpaceFlightMission",
            "SupplMeshList",
        ]
    ),
    "Article": frozenset(
        [
            "Abstract",
            "ArticleDate",
            "ArticleTitle",
            "AuthorList",
            "DataBankList",
            "ELocationID",
            "GrantList",
            "Journal",
            "Language",
            "Pagination",
            "PublicationTypeList",
            "VernacularTitle",
        ]
    ),
    "Journal": frozenset(["ISOAbbreviation", "ISSN", "JournalIssue", "Title"]),
    "JournalIssue": frozenset(["Issue", "PubDate", "Volume"]),
    "PubDate": frozenset(["Day", "MedlineDate", "Month", "Season", "Year"]),
    "ArticleDate": frozenset(["Day", "Month", "Year"]),
    "AuthorList": frozenset(["Author"]),
    "Author": frozenset(
        [
            "AffiliationInfo",
            "CollectiveName",
            "ForeName",
            "Identifier",
            "Initials",
            "LastName",
            "Suffix",
        ]
    ),
    "Abstract": frozenset(["AbstractText", "CopyrightInformation"]),
    "PublicationTypeList": frozenset(["PublicationType"]),
    "CommentsCorrectionsList": frozenset(["CommentsCorrections"]),
    "CommentsCorrections": frozenset(["Note", "PMID", "RefSource"]),
    "MeshHeadingList": frozenset(["MeshHeading"]),
    "MeshHeading": frozenset(["DescriptorName", "QualifierName"]),
    "MedlineJournalInfo": frozenset(["Country", "ISSNLinking", "MedlineTA", "NlmUniqueID"]),
    "Pagination": frozenset(["EndPage", "MedlinePgn", "StartPage"]),
    "PubmedData": frozenset(
        ["ArticleIdList", "History", "ObjectList", "PublicationStatus", "ReferenceList"]
    ),
    "ArticleIdList": frozenset(["ArticleId"]),
    "BookDocument": frozenset(
        [
            "Abstract",
            "ArticleIdList",
            "ArticleTitle",
            "AuthorList",
            "Book",
            "ContributionDate",
            "DateRevised",
            "GrantList",
            "InvestigatorList",
            "ItemList",
            "KeywordList",
            "Language",
            "LocationLabel",
            "PMID",
            "Pagination",
            "PublicationType",
            "ReferenceList",
            "Sections",
            "VernacularTitle",
        ]
    ),
    "Book": frozenset(
        [
            "AuthorList",
            "BeginningDate",
            "BookTitle",
            "CollectionTitle",
            "ELocationID",
            "Edition",
            "EndingDate",
            "InvestigatorList",
            "Isbn",
            "Medium",
            "PubDate",
            "Publisher",
            "ReportNumber",
            "Volume",
            "VolumeTitle",
        ]
    ),
    "PubmedBookData": frozenset(["ArticleIdList", "History", "ObjectList", "PublicationStatus"]),
    "ContributionDate": frozenset(["Day", "Month", "Season", "Year"]),
    "DateRevised": frozenset(["Day", "Month", "Year"]),
    "BeginningDate": frozenset(["Day", "Month", "Season", "Year"]),
    "EndingDate": frozenset(["Day", "Month", "Season", "Year"]),
}

_UNNORMALISED = re.compile(r"^\s|\s$|\s\s|[\t\n\r]")


class NotPlain(Exception):
    """The document is not one the fast reader is sure to read as Bio.Entrez does."""


_local = threading.local()


def _parser() -> Any:
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_blank_text=False,
            strip_cdata=True,
        )
    return parser


def screen(content: bytes) -> None:
    """Raise ``NotPlain`` unless ``content`` is of the shape this reader handles (the prolog
    itself is checked by the caller)."""
    start = 3 if content.startswith(b"\xef\xbb\xbf") else 0
    if not content.startswith(b"<?xml", start):
        raise NotPlain("no XML declaration at the start")
    if _NAMED_ENTITY.search(content) is not None:
        raise NotPlain("a named entity")
    if b"xmlns" in content:
        for prefix, uri in _XMLNS.findall(content):
            if prefix != b"mml" or uri[1:-1] != MATHML.encode():
                raise NotPlain("a namespace other than MathML's")


def read_document(content: bytes) -> dict[int, Record]:
    """``read_records`` of a whole document: its prolog read (token by token, as
    ``parse.read_prolog`` does) and its DTD resolved first. Raises ``NotPlain``, also for a
    prolog that ``parse_pubmed_xml`` refuses."""
    try:
        prolog = read_prolog(io.BytesIO(content).read)
        dtd = _local_dtd(prolog.system_id) if prolog.system_id else ""
    except UnsafeXML as exc:
        raise NotPlain(exc.cause) from None
    return read_records(content, dtd)


def read_records(content: bytes, dtd: str) -> dict[int, Record]:
    """The records of an efetch answer or a baseline file's ``PubmedArticleSet``, by PMID, as
    ``parse.parse_pubmed_xml`` gives them; ``dtd`` is the bundled DTD the document's DOCTYPE
    resolves to (its prolog has been read and found safe). Raises ``NotPlain`` (see the
    module's docstring)."""
    if dtd not in FAST_DTDS:
        raise NotPlain(f"the DTD {dtd}")
    screen(content)
    try:
        root = etree.fromstring(content, _parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise NotPlain(f"lxml: {exc}") from None
    if root.tag != "PubmedArticleSet":
        raise NotPlain("not a PubmedArticleSet")
    records: dict[int, Record] = {}
    books = []
    try:
        for element in root:
            tag = element.tag
            if tag == "PubmedArticle":
                record = _article(element)
                records[record.pmid] = record
            elif tag == "PubmedBookArticle":
                books.append(element)
            elif tag != "DeleteCitation":
                _misplaced((tag,), "PubmedArticleSet")
        for element in books:
            record = _book(element)
            records[record.pmid] = record
    except (KeyError, ValueError, TypeError, AttributeError, IndexError) as exc:
        raise NotPlain(f"a record lacks required fields ({exc!r})") from None
    return records


# --- text -------------------------------------------------------------------------------------


def _text(element: Any) -> str:
    """The text of an element of mixed content, as Bio.Entrez gives it."""
    if element is None:
        return ""
    if not len(element):
        return element.text or ""
    parts = [element.text or ""]
    for child in element:
        _markup(child, parts)
    return "".join(parts)


def _markup(element: Any, parts: list[str]) -> None:
    tag = element.tag
    if not isinstance(tag, str):  # a comment or processing instruction: its text is not kept
        parts.append(element.tail or "")
        return
    if tag.startswith(_MATHML_TAG):
        name = tag[len(_MATHML_TAG) :]
        if name not in _MATHML_NAMES:
            raise NotPlain(f"MathML <{name}> in text")
        parent = element.getparent()
        if not parent.tag.startswith(_MATHML_TAG) and MATHML not in parent.nsmap.values():
            parts.append(f'<{name} xmlns="{MATHML}">')
        else:
            attributes = element.attrib
            if attributes:
                for key, value in attributes.items():
                    # declared attributes may be normalised by Bio.Entrez's expat
                    if key[0] == "{" or _UNNORMALISED.search(value):
                        raise NotPlain("an unusual MathML attribute")
                parts.append(
                    f"<{name}" + "".join(f' {k}="{v}"' for k, v in attributes.items()) + ">"
                )
            else:
                parts.append(f"<{name}>")
    elif tag in _INLINE:
        name = tag
        attributes = element.attrib
        if attributes:
            for key in attributes:
                if key[0] == "{":
                    raise NotPlain("a namespaced attribute in text")
            parts.append(f"<{tag}" + "".join(f' {k}="{v}"' for k, v in attributes.items()) + ">")
        else:
            parts.append(f"<{tag}>")
    else:
        raise NotPlain(f"<{tag}> in text")
    parts.append(element.text or "")
    for child in element:
        _markup(child, parts)
    parts.append(f"</{name}>")
    parts.append(element.tail or "")


def _children(element: Any, kind: str = "") -> dict[Any, Any]:
    """An element's children by tag, the last of each (as Bio.Entrez stores one it may hold
    once). ``kind``: the element's tag, given where it is to be checked as Bio.Entrez does:
    a child PubMed's DTD names but does not allow there, which Bio.Entrez refuses
    ("Unexpected item"), raises ``NotPlain``."""
    if element is None:
        return {}
    found = {child.tag: child for child in element}
    if kind:
        allowed = _ALLOWED[kind]
        if not found.keys() <= allowed:
            _misplaced(found.keys() - allowed, kind)
    return found


def _misplaced(tags: Any, parent: str) -> None:
    for tag in tags:
        # a comment's or PI's tag is not a string; an element no DTD names is skipped
        if isinstance(tag, str) and (tag in _KNOWN or tag.startswith("{")):
            raise NotPlain(f"<{tag}> in <{parent}>, where PubMed's DTD does not allow it")


def _all(element: Any, tag: str, kind: str = "") -> list[Any]:
    """The children of one tag; ``kind`` as for ``_children``: a list element's other
    children are checked."""
    if element is None:
        return []
    items = list(element.iterchildren(tag))
    if kind and len(items) != len(element):
        _misplaced({child.tag for child in element} - _ALLOWED[kind], kind)
    return items


# --- fields -----------------------------------------------------------------------------------


def _date_years(date: dict[Any, Any]) -> tuple[int, ...]:
    if "Year" in date:
        return (int(_text(date["Year"])),)
    return tuple(int(y) for y in _YEAR.findall(_text(date.get("MedlineDate"))))


def _date_text(date: dict[Any, Any]) -> str:
    if "MedlineDate" in date:
        return _text(date["MedlineDate"])
    parts = [_text(date.get(k)) for k in ("Year", "Season", "Month", "Day")]
    return " ".join(p for p in parts if p)


_AUTHOR_OTHERS = frozenset({"AffiliationInfo", "Identifier", "Suffix"})
#: An Author's name parts, by the ``Author`` field each fills.
_NAME_PARTS = {
    "LastName": "last_name",
    "ForeName": "fore_name",
    "Initials": "initials",
    "CollectiveName": "collective",
}


def _authors(author_list: Any) -> tuple[tuple[Author, ...], bool]:
    if author_list is None:
        return (), True
    authors = []
    listed = False
    for entry in _all(author_list, "Author", "AuthorList"):
        listed = True
        fields = {"last_name": "", "fore_name": "", "initials": "", "collective": ""}
        for child in entry:  # the last of each part, as Bio.Entrez keeps it
            tag = child.tag
            key = _NAME_PARTS.get(tag)
            if key is not None:
                fields[key] = (child.text or "") if not len(child) else _text(child)
            elif tag not in _AUTHOR_OTHERS:
                _misplaced((tag,), "Author")
        if entry.get("ValidYN") == "N":
            continue  # "not a valid name" in NLM's words: never the first author
        authors.append(Author(**fields))
    if not listed:
        return (), True
    return tuple(authors), author_list.get("CompleteYN") != "N"


def _abstract(abstract: Any) -> str:
    parts = []
    for section in _all(abstract, "AbstractText", "Abstract"):
        label = section.get("Label", "")
        text = _text(section)
        parts.append(f"{label}: {text}" if label else text)
    return "\n".join(p for p in parts if p.strip())


def _notices(corrections: Any) -> tuple[Notice, ...]:
    notices = []
    for item in _all(corrections, "CommentsCorrections", "CommentsCorrectionsList"):
        fields = _children(item, "CommentsCorrections")  # checked, as Bio.Entrez does
        kind = item.get("RefType", "")
        if kind not in NOTICE_KINDS:
            continue
        pmid_text = _text(fields.get("PMID"))
        notices.append(
            Notice(
                kind=kind,
                pmid=int(pmid_text) if pmid_text.isdigit() else None,
                reference=_text(fields.get("RefSource")),
            )
        )
    return tuple(notices)


_DESCRIPTORS = etree.XPath("MeshHeading/DescriptorName[last()]")


def _mesh(headings: Any) -> tuple[str, ...]:
    """Each MeshHeading's (last) DescriptorName: a heading without one gives none."""
    if headings is None:
        return ()
    _all(
        headings, "MeshHeading", "MeshHeadingList"
    )  # only to refuse what PubMed's DTD does not put there
    names = (_text(d) for d in _DESCRIPTORS(headings))
    return tuple(n for n in names if n)


def _ids(id_list: Any) -> dict[str, str]:
    ids: dict[str, str] = {}
    for item in _all(id_list, "ArticleId", "ArticleIdList"):
        ids.setdefault(item.get("IdType", "pubmed"), _text(item))
    return ids


def _article(element: Any) -> Record:
    top = _children(element, "PubmedArticle")
    citation = _children(top["MedlineCitation"], "MedlineCitation")
    art = _children(citation["Article"], "Article")
    journal = _children(art.get("Journal"), "Journal")
    issue = _children(journal.get("JournalIssue"), "JournalIssue")
    pub_date = _children(issue.get("PubDate"), "PubDate")
    years = _date_years(pub_date)
    epub_years = [
        int(_text(d["Year"]))
        for d in (
            _children(a, "ArticleDate")
            for a in _all(citation["Article"], "ArticleDate")
            if a.get("DateType", "Electronic") in ("Electronic", "")
        )
        if "Year" in d
    ]
    ids = _ids(_children(top.get("PubmedData"), "PubmedData").get("ArticleIdList"))
    doi = next(
        (
            _text(e)
            for e in _all(citation["Article"], "ELocationID")
            if e.get("EIdType") == "doi" and e.get("ValidYN") != "N"
        ),
        None,
    ) or ids.get("doi")
    authors, complete = _authors(art.get("AuthorList"))
    pagination = _children(art.get("Pagination"), "Pagination")
    return Record(
        pmid=int(_text(citation["PMID"])),
        title=_title_text(_text(art.get("ArticleTitle")))
        or _title_text(_text(art.get("VernacularTitle"))),
        authors=authors,
        authors_complete=complete,
        journal=_text(journal.get("Title")),
        iso_abbreviation=_text(journal.get("ISOAbbreviation")),
        medline_ta=_text(
            _children(citation.get("MedlineJournalInfo"), "MedlineJournalInfo").get("MedlineTA")
        ),
        year=years[0] if years else None,
        years=years,
        pub_date=_date_text(pub_date),
        epub_year=epub_years[0] if epub_years else None,
        doi=doi or None,
        pmcid=ids.get("pmc") or None,
        abstract=_abstract(art.get("Abstract")),
        publication_types=tuple(
            _text(t)
            for t in _all(art.get("PublicationTypeList"), "PublicationType", "PublicationTypeList")
        ),
        notices=_notices(citation.get("CommentsCorrectionsList")),
        volume=_text(issue.get("Volume")),
        issue=_text(issue.get("Issue")),
        pages=_text(pagination.get("MedlinePgn")),
        is_book=False,
        contribution_year=None,
        revised_year=None,
        mesh=_mesh(citation.get("MeshHeadingList")),
    )


def _single_year(date: Any) -> int | None:
    fields = _children(date, "" if date is None else date.tag)
    years = _date_years(fields) if fields else ()
    return years[0] if years else None


def _book(element: Any) -> Record:
    top = _children(element, "PubmedBookArticle")
    doc_element = top["BookDocument"]
    doc = _children(doc_element, "BookDocument")
    book_element = doc.get("Book")
    book = _children(book_element, "Book")
    pub_date = _children(book.get("PubDate"), "PubDate")
    book_years = _date_years(pub_date)
    contributed = _single_year(doc.get("ContributionDate"))
    revised = _single_year(doc.get("DateRevised"))
    spanned = [_single_year(book.get(k)) for k in ("BeginningDate", "EndingDate")]
    years = tuple(sorted({y for y in (*book_years, *spanned, contributed, revised) if y}))
    ids = _ids(_children(top.get("PubmedBookData"), "PubmedBookData").get("ArticleIdList"))
    lists = _all(doc_element, "AuthorList") or _all(book_element, "AuthorList")
    authors, complete = _authors(lists[0] if lists else None)
    return Record(
        pmid=int(_text(doc["PMID"])),
        title=_title_text(_text(doc.get("ArticleTitle")))
        or _title_text(_text(book.get("BookTitle"))),
        authors=authors,
        authors_complete=complete,
        journal=_title_text(_text(book.get("BookTitle"))),
        iso_abbreviation="",
        medline_ta="",
        year=book_years[0] if book_years else (years[0] if years else None),
        years=years,
        pub_date=_date_text(pub_date),
        epub_year=None,
        doi=ids.get("doi") or None,
        pmcid=ids.get("pmc") or None,
        abstract=_abstract(doc.get("Abstract")),
        publication_types=tuple(_text(t) for t in _all(doc_element, "PublicationType")),
        notices=(),
        is_book=True,
        contribution_year=contributed,
        revised_year=revised,
        mesh=(),
    )
