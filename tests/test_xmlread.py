"""The lxml reader (``ta1check.pubmed.xmlread``) against the parser of record (Bio.Entrez and
``record_from_entrez``, ``parse.parse_with_entrez``): the same ``Record``s, field for field, on
every record of the corpus and on real records mutated the ways PubMed's text varies; and never
a record where the parser of record refuses the document."""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus import corpus_files
from emulator import real_records
from ta1check.pubmed import xmlread
from ta1check.pubmed.files import _WRAP_HEAD, _elements, _read_prolog
from ta1check.pubmed.parse import BadResponse, _offline_handler, parse_pubmed_xml, parse_with_entrez
from ta1check.pubmed.record import RECORD_FIELDS, Record, encode_record
from ta1check.pubmed.xmlread import NotPlain, read_document

HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD '
    b'PubMedArticle, 1st January 2026//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/'
    b'pubmed_260101.dtd">\n<PubmedArticleSet>\n'
)
TAIL = b"\n</PubmedArticleSet>\n"


def entrez(content: bytes) -> list[tuple[int, Record]] | str:
    """The parser of record's records in order, or its refusal."""
    try:
        return list(parse_with_entrez(content).records.items())
    except BadResponse as exc:
        return f"refused: {exc.cause}"


def used(content: bytes) -> list[tuple[int, Record]] | str:
    """What ``parse_pubmed_xml`` (the reader the network and file paths use) gives."""
    try:
        return list(parse_pubmed_xml(content).records.items())
    except BadResponse as exc:
        return f"refused: {exc.cause}"


def fast(content: bytes) -> list[tuple[int, Record]] | None:
    """The lxml reader's records in order, or None where it leaves the document to Bio.Entrez."""
    try:
        return list(read_document(content).items())
    except NotPlain:
        return None


def differences(expected: list[tuple[int, Record]], got: list[tuple[int, Record]]) -> list[str]:
    found = []
    if [p for p, _ in expected] != [p for p, _ in got]:
        found.append(f"PMIDs {[p for p, _ in expected][:5]} != {[p for p, _ in got][:5]}")
    mine = dict(got)
    for pmid, record in expected:
        other = mine.get(pmid)
        for name in RECORD_FIELDS:
            a, b = getattr(record, name), getattr(other, name, None)
            if a != b:
                found.append(f"PMID {pmid} {name}: {a!r:.200} != {b!r:.200}")
        if other is not None and encode_record(record) != encode_record(other):
            found.append(f"PMID {pmid}: its JSON (as the cache and the index store it) differs")
    return found


def whole(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def wrapped(path: Path) -> bytes:
    """The file's records as ``files.iter_file`` hands them to the parser: in its prolog."""
    stream = io.BytesIO(whole(path))
    rest = _read_prolog(stream, path)
    chunks = [raw for tag, raw in _elements(stream, path, rest) if tag != b"DeleteCitation"]
    return _WRAP_HEAD + b"".join(chunks) + b"</PubmedArticleSet>"


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_every_corpus_record_is_the_record_of_the_parser_of_record(path: Path) -> None:
    checked = 0
    for document in (whole(path), wrapped(path)):
        expected = entrez(document)
        assert not isinstance(expected, str), expected
        got = fast(document)
        if got is None:  # only a DTD before 2019's is left to Bio.Entrez
            assert b"pubmed_18" in document[:400]
            continue
        assert differences(expected, got) == []
        checked += len(got)
        # the switch-over: the network and --records paths read these records with lxml
        assert parse_pubmed_xml(document).by_entrez is False
        assert used(document) == got
    assert checked > 0


def article(body: bytes) -> bytes:
    return HEAD + body + TAIL


MINIMAL = (
    b"<PubmedArticle><MedlineCitation><PMID>1</PMID><Article>%s</Article></MedlineCitation>"
    b"</PubmedArticle>"
)
MATH = b'<mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML">'


#: Documents the parser of record refuses, or reads in ways this reader leaves to it.
HOSTILE = {
    "billion laughs": b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [<!ENTITY a "aaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;">]>\n<PubmedArticleSet>&b;</PubmedArticleSet>',
    "external entity": b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [<!ENTITY x SYSTEM '
    b'"file:///etc/passwd">]>\n<PubmedArticleSet>&x;</PubmedArticleSet>',
    "subset after comments": b'<?xml version="1.0"?>\n<!--' + b"x" * 70_000 + b"-->\n"
    b"<!DOCTYPE PubmedArticleSet [<!ENTITY a 'b'>]><PubmedArticleSet/>",
    "undeclared entity": article(MINIMAL % b"<ArticleTitle>&nothing;</ArticleTitle>"),
    "entity the DTD declares": article(MINIMAL % b"<ArticleTitle>&alpha;</ArticleTitle>"),
    "no DOCTYPE": b'<?xml version="1.0"?>\n<PubmedArticleSet>'
    + MINIMAL % b""
    + b"</PubmedArticleSet>",
    "no XML declaration": HEAD[HEAD.index(b"<!DOCTYPE") :] + MINIMAL % b"" + TAIL,
    "an unknown DTD": HEAD.replace(b"pubmed_260101.dtd", b"evil.dtd") + MINIMAL % b"" + TAIL,
    "an old DTD": HEAD.replace(b"pubmed_260101.dtd", b"pubmed_180101.dtd") + MINIMAL % b"" + TAIL,
    "truncated": article(MINIMAL % b"<ArticleTitle>T</ArticleTitle>")[:-40],
    "malformed": article(MINIMAL % b"<ArticleTitle>T</ArticleTitel>"),
    "no PMID": article(
        b"<PubmedArticle><MedlineCitation><Article/></MedlineCitation></PubmedArticle>"
    ),
    "a PMID not a number": article(
        b"<PubmedArticle><MedlineCitation><PMID>x1</PMID><Article/></MedlineCitation>"
        b"</PubmedArticle>"
    ),
    "no Article": article(
        b"<PubmedArticle><MedlineCitation><PMID>1</PMID></MedlineCitation></PubmedArticle>"
    ),
    "a book without PMID": article(
        b"<PubmedBookArticle><BookDocument><Book/></BookDocument></PubmedBookArticle>"
    ),
    "not a PubmedArticleSet": HEAD.replace(b"<PubmedArticleSet>", b"<eSearchResult>")
    + b"</eSearchResult>",
    "ERROR body": b'<?xml version="1.0"?>\n<eFetchResult><ERROR>Bad ID</ERROR></eFetchResult>',
    "empty": b"",
    "html": b"<html><body>Proxy error</body></html>",
    "json": b'{"error": "API rate limit exceeded"}',
    "a default namespace": article(
        MINIMAL % b'<ArticleTitle><i xmlns="http://example.org/">x</i></ArticleTitle>'
    ),
    "another prefix": article(
        MINIMAL % b'<ArticleTitle><x:i xmlns:x="http://example.org/">x</x:i></ArticleTitle>'
    ),
    "MathML with another prefix": article(
        MINIMAL % b'<ArticleTitle><m:math xmlns:m="http://www.w3.org/1998/Math/MathML">'
        b"<m:mi>x</m:mi></m:math></ArticleTitle>"
    ),
    "an element with DTD defaults in text": article(
        MINIMAL % b"<ArticleTitle>a <Author>b</Author></ArticleTitle>"
    ),
    "an unknown MathML element": article(
        MINIMAL % (b"<ArticleTitle>" + MATH + b"<mml:foo>x</mml:foo></mml:math></ArticleTitle>")
    ),
    "MathML declared on an ancestor": article(
        MINIMAL
        % (
            b'<ArticleTitle><i xmlns:mml="http://www.w3.org/1998/Math/MathML">'
            b"<mml:math><mml:mi>x</mml:mi></mml:math></i></ArticleTitle>"
        )
    ),
    "an element where its DTD does not allow it": article(
        MINIMAL % b"<Author><LastName>X</LastName></Author>"
    ),
    "a list item where its DTD does not allow it": article(
        MINIMAL % b"<AuthorList><LastName>X</LastName><Author><LastName>Y</LastName></Author>"
        b"</AuthorList>"
    ),
    "a date part where its DTD does not allow it": article(
        MINIMAL % b"<Journal><Year>1999</Year></Journal>"
    ),
    "a record inside a record": article(MINIMAL % b"<PubmedArticle/>"),
    "an unknown element, skipped by both": article(MINIMAL % b"<Foo><PMID>5</PMID></Foo>"),
    "MathML where text is not": article(MINIMAL % (MATH + b"<mml:mi>x</mml:mi></mml:math>")),
    "a latin-1 document": HEAD.replace(b"UTF-8", b"ISO-8859-1")
    + MINIMAL % b"<ArticleTitle>caf\xe9</ArticleTitle>"
    + TAIL,
    "a UTF-16 document": '<?xml version="1.0" encoding="UTF-16"?><PubmedArticleSet/>'.encode(
        "utf-16"
    ),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_and_odd_documents_are_refused_or_read_as_the_parser_of_record_does(
    name: str,
) -> None:
    document = HOSTILE[name]
    expected = entrez(document)
    got = fast(document)
    if isinstance(expected, str):
        assert got is None, f"{name}: the parser of record {expected}, the lxml reader read {got}"
    elif got is not None:
        assert differences(expected, got) == []
    assert used(document) == expected  # the same records, or the same refusal and message


# --- mutated real records -----------------------------------------------------------------

REAL = sorted(real_records().items())

#: What PubMed's text holds: inline HTML, MathML, references, CDATA, comments, whitespace.
PLAIN_INSERTS = [
    b"<i>x</i>",
    b"<b>bold</b> ",
    b"<sup>2</sup>",
    b"<sub>i</sub>",
    b"<u>u</u>",
    b'<i class="a&amp;b" id="x">y</i>',
    b"<i></i>",
    b"<sup><i>nested</i></sup>",
    b"&amp;",
    b"&lt;tag&gt;",
    b"&#x3b1;&#946;",
    b"&quot;&apos;",
    b"<![CDATA[<i>not markup</i> & more]]>",
    b"<!-- a comment -->",
    b"<?pi data?>",
    b"  \n\t  ",
    b"\r\n",
    "caf\u00e9 \u03b1 \u2014 \U0001d49c".encode(),
    MATH + b"<mml:msub><mml:mi>T</mml:mi><mml:mn>2</mml:mn></mml:msub></mml:math>",
    MATH + b'<mml:mi mathvariant="normal">x</mml:mi><mml:mo>=</mml:mo></mml:math>',
    b"<DispFormula>" + MATH + b"<mml:mrow><mml:mi>y</mml:mi></mml:mrow></mml:math></DispFormula>",
]
#: Anything else: the parser of record may refuse, or read it in ways left to it.
ODD_INSERTS = [
    b"<",
    b"&",
    b"&alpha;",
    b"<Author><LastName>X</LastName></Author>",
    b"<Foo>x</Foo>",
    b"</ArticleTitle>",
    b"<PMID>7</PMID>",
    b"\x00",
    b"]]>",
    b"<AbstractText>z</AbstractText>",
    b'<i xmlns:mml="http://www.w3.org/1998/Math/MathML">'
    + MATH
    + b"<mml:mi>q</mml:mi></mml:math></i>",
]
#: Where text sits: after these start tags (attributes allowed).
TEXT_TAGS = [
    b"<ArticleTitle",
    b"<AbstractText",
    b"<VernacularTitle",
    b"<LastName",
    b"<ForeName",
    b"<CollectiveName",
    b"<Title>",
    b"<ISOAbbreviation>",
    b"<MedlinePgn>",
    b"<Volume>",
    b"<MedlineDate>",
    b"<RefSource>",
    b"<DescriptorName",
    b"<PublicationType ",
    b'<ArticleId IdType="doi">',
    b'<ELocationID EIdType="doi"',
]


#: Elements, put between elements: Bio.Entrez skips those no DTD names and refuses those it
#: names where their parent may not hold them. NOTE: xmlread checks this in the elements it
#: reads (BETWEEN_TAGS's parents), not in those it never visits (History, ReferenceList,
#: ChemicalList, KeywordList, GrantList, AffiliationInfo…): there a misplaced element is
#: refused by Bio.Entrez and ignored by xmlread, with the same record.
ELEMENT_INSERTS = [
    b"<Author><LastName>X</LastName></Author>",
    b"<Year>1999</Year>",
    b"<PMID>3</PMID>",
    b"<Foo>x<PMID>4</PMID></Foo>",
    b"<!-- c -->",
    b'<ArticleId IdType="doi">10.1/x</ArticleId>',
    b"<MeshHeading><DescriptorName>D</DescriptorName></MeshHeading>",
    b'<ELocationID EIdType="doi">10.2/y</ELocationID>',
    b"<AbstractText>z</AbstractText>",
    b"<i>x</i>",
]
BETWEEN_TAGS = [
    b"<PMID",  # before MedlineCitation's (or a notice's) PMID
    b"</ArticleTitle>",
    b"</Author>",
    b"</LastName>",
    b"</Journal>",
    b"</PubDate>",
    b"</Abstract>",
    b"</PublicationType>",
    b"</MeshHeading>",
    b"</MedlineTA>",
    b"</MedlinePgn>",
]


def insertion_points(record: bytes, tags: list[bytes]) -> list[int]:
    points = []
    for tag in tags:
        start = record.find(tag)
        while start >= 0:
            end = record.find(b">", start)
            text_end = record.find(b"<", end)
            points.extend({end + 1, (end + 1 + text_end) // 2, text_end})
            start = record.find(tag, end)
    return sorted(points)


def element_points(record: bytes) -> list[int]:
    points = []
    for tag in BETWEEN_TAGS:
        start = record.find(tag)
        while start >= 0:
            points.append(start + len(tag) if tag.startswith(b"</") else start)
            start = record.find(tag, start + 1)
    return points


def mutated(data: st.DataObject, inserts: list[bytes], *, between: bool = False) -> bytes:
    _, record = data.draw(st.sampled_from(REAL))
    for marked in (b'<Author ValidYN="Y">', b'ValidYN="Y">10.'):  # an author, a DOI not valid
        if data.draw(st.booleans()):
            record = record.replace(marked, marked.replace(b'"Y"', b'"N"'), 1)
    if between and data.draw(st.booleans()):
        points = element_points(record)
        inserts = ELEMENT_INSERTS
    else:
        points = insertion_points(record, TEXT_TAGS)
    chosen = sorted(
        data.draw(st.lists(st.sampled_from(points), min_size=1, max_size=4)), reverse=True
    )
    for point in chosen:
        record = record[:point] + data.draw(st.sampled_from(inserts)) + record[point:]
    return article(record)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_real_records_with_pubmeds_text_variants_read_as_the_parser_of_record(
    data: st.DataObject,
) -> None:
    document = mutated(data, PLAIN_INSERTS)
    expected = entrez(document)
    got = fast(document)
    if isinstance(expected, str):  # e.g. a PMID that is no longer a number
        assert got is None, expected
        return
    assert got is not None, "a PubMed-shaped record left to the parser of record"
    assert differences(expected, got) == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_real_records_with_odd_text_are_refused_or_read_alike(data: st.DataObject) -> None:
    document = mutated(data, PLAIN_INSERTS + ODD_INSERTS, between=True)
    expected = entrez(document)
    got = fast(document)
    if isinstance(expected, str):
        assert got is None, expected
    elif got is not None:
        assert differences(expected, got) == []
    assert used(document) == expected


@pytest.mark.parametrize("dtd", sorted(xmlread.FAST_DTDS))
def test_the_structure_checked_is_the_one_bio_entrez_reads_from_each_dtd(dtd: str) -> None:
    handler = _offline_handler()()
    handler.read(
        io.BytesIO(
            b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD x//EN" '
            b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/' + dtd.encode() + b'">\n'
            b"<PubmedArticleSet></PubmedArticleSet>"
        )
    )
    named = {*handler.strings, *handler.constructors, *handler.errors}
    assert {n for n in named if not n.startswith("mml:")} == xmlread._KNOWN
    assert {f"mml:{n}" for n in xmlread._MATHML_NAMES} <= named
    for parent, allowed in xmlread._ALLOWED.items():
        assert set(handler.constructors[parent][1][0]) == allowed, parent


def _book_record() -> bytes:
    data = gzip.decompress(
        (corpus_files()[-1].parent / "metapub-0.7.5-fixtures.xml.gz").read_bytes()
    )
    start = data.index(b"<PubmedBookArticle>")
    return data[start : data.index(b"</PubmedBookArticle>", start) + len(b"</PubmedBookArticle>")]


def _drop(element: bytes) -> Callable[[bytes], bytes]:
    """Remove the first ``element`` (its start tag's name) with its content."""
    pattern = re.compile(rb"<" + element + rb"\b.*?</" + element + rb">", re.S)
    return lambda record: pattern.sub(b"", record, count=1)


#: Edits of the real GeneReviews chapter (the corpus's only book) in the shapes PubMed's book
#: records take: editors only, no dates, a MedlineDate, an empty or incomplete author list, an
#: author not valid, markup in the titles.
BOOK_EDITS: dict[str, Callable[[bytes], bytes]] = {
    "no chapter authors": lambda r: re.sub(
        rb"(</Book>.*?)<AuthorList\b.*?</AuthorList>", rb"\1", r, count=1, flags=re.S
    ),
    "no editors": lambda r: re.sub(
        rb"<AuthorList Type=\"editors\".*?</AuthorList>", b"", r, count=1, flags=re.S
    ),
    "no contribution date": _drop(b"ContributionDate"),
    "no revision date": _drop(b"DateRevised"),
    "no beginning date": _drop(b"BeginningDate"),
    "no publication date": _drop(b"PubDate"),
    "a MedlineDate": lambda r: r.replace(
        b"<PubDate>\n          <Year>1993</Year>",
        b"<PubDate><MedlineDate>1993 Dec-1994 Jan</MedlineDate>",
        1,
    ),
    "an incomplete empty author list": lambda r: re.sub(
        rb"(</Book>.*?)<AuthorList\b.*?</AuthorList>",
        rb'\1<AuthorList CompleteYN="N"></AuthorList>',
        r,
        count=1,
        flags=re.S,
    ),
    "an author not valid": lambda r: r.replace(b'<Author ValidYN="Y">', b'<Author ValidYN="N">', 1),
    "markup in the chapter title": lambda r: r.replace(
        b"<ArticleTitle", b"<ArticleTitle", 1
    ).replace(b"</ArticleTitle>", b" <i>in vivo</i> H<sub>2</sub>O</ArticleTitle>", 1),
    "a DOI": lambda r: r.replace(
        b"</ArticleIdList>", b'<ArticleId IdType="doi">10.1/nbk</ArticleId></ArticleIdList>', 1
    ),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.sampled_from(sorted(BOOK_EDITS))))
def test_book_records_read_as_the_parser_of_record(edits: set[str]) -> None:
    record = _book_record()
    for name in sorted(edits):
        record = BOOK_EDITS[name](record)
    document = article(record)
    expected = entrez(document)
    assert not isinstance(expected, str), expected
    got = fast(document)
    assert got is not None
    assert differences(expected, got) == []
    assert got[0][1].is_book
