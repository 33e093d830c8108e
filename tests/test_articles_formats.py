"""Word and JATS manuscripts (issue #12): the corpus of tests/data/articles read as an editor's
Word file (tests/jats.py renders it: superscript citation numbers, a Word numbered reference
list, PubMed links as hyperlinks) and as the JATS XML itself, with the truth read from the
JATS markup. Positions: a .docx's are paragraph numbers, a JATS file's its source lines."""

from __future__ import annotations

import io
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import write
from jats import ARTICLES, CORPUS, as_docx, jats_links, render
from ta1check.article import Article, link, read_article
from ta1check.crosscheck import orphans
from ta1check.figures import stated_quantities

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

NAMES = sorted(CORPUS)
FORMATS = ["docx", "jats"]


@dataclass(frozen=True)
class Case:
    """An article in one format: the file, and the truth in that format's positions."""

    path: Path
    links: frozenset[tuple[int, str]]  # (position, rid)
    rid_at: dict[int, str]  # position of each reference -> rid
    pmids: frozenset[int]
    #: rids of the references the article never cites where the reader reads
    never: frozenset[str]


def _case(tmp_path: Path, name: str, fmt: str) -> Case:
    if fmt == "jats":
        root = ET.parse(ARTICLES / name).getroot()
        rids = [e.get("id") or "" for e in root.iter("ref")]
        article = read_article(ARTICLES / name)
        links = jats_links(name)
        rid_at = {ref.line: rid for ref, rid in zip(article.references, rids, strict=True)}
        # references share a line in a file written on one line: identify them by position
        rendered = render(name)
        cited = {rid for _, rid in links}
        return Case(
            ARTICLES / name,
            links,
            rid_at,
            frozenset(t.pmid for t in rendered.references if t.pmid),
            frozenset(t.rid for t in rendered.references if t.rid not in cited),
        )
    rendered = render(name)
    data, where = as_docx(rendered)
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / f"{name}.docx"
    path.write_bytes(data)
    cited = {rid for _, rid in rendered.links}
    return Case(
        path,
        frozenset((where[line], rid) for line, rid in rendered.links),
        {where[t.line]: t.rid for t in rendered.references},
        frozenset(t.pmid for t in rendered.references if t.pmid),
        frozenset(t.rid for t in rendered.references if t.rid not in cited),
    )


def _rid(article: Article, case: Case, index: int) -> str:
    ref = article.references[index]
    if len({r.line for r in article.references}) == len(article.references):
        return case.rid_at.get(ref.line, "not a reference")
    root = ET.parse(case.path).getroot()
    return [e.get("id") or "" for e in root.iter("ref")][index]


def _links(article: Article, case: Case) -> set[tuple[int, str]]:
    index = {id(r): i for i, r in enumerate(article.references)}
    found = set()
    for citation in article.citations:
        ref = link(citation, article.references).reference
        if ref is not None:
            found.add((citation.line, _rid(article, case, index[id(ref)])))
    return found


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", NAMES)
def test_in_text_links_match_the_jats_xrefs(tmp_path: Path, name: str, fmt: str) -> None:
    case = _case(tmp_path, name, fmt)
    found = _links(read_article(case.path), case)
    right = len(found & case.links)
    assert right / max(1, len(found)) >= 0.98, sorted(found - case.links)[:5]
    assert right / len(case.links) >= 0.95, sorted(case.links - found)[:5]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", NAMES)
def test_every_reference_is_read_with_its_identifiers(tmp_path: Path, name: str, fmt) -> None:
    case = _case(tmp_path, name, fmt)
    article = read_article(case.path)
    rendered = render(name)
    assert len(article.references) == len(rendered.references)
    for ref, truth in zip(article.references, rendered.references, strict=True):
        assert (ref.pmid, (ref.doi or "").lower()) == (truth.pmid, (truth.doi or "").lower())
        if truth.kind == "journal" and truth.year and (fmt == "jats" or ref.year is not None):
            assert ref.year == truth.year, ref.printed  # a year left out is no guess
        if CORPUS[name][1]:
            assert ref.number == truth.number


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", NAMES)
def test_draft_resolves_and_pairs(run, tmp_path: Path, name: str, fmt: str) -> None:
    case = _case(tmp_path, name, fmt)
    out = run("draft", str(case.path), "--offline")
    assert out.code in (0, 3), out.stderr  # 3: --offline leaves DOI-only entries unresolved
    claims = tomllib.loads(out.stdout).get("claim", [])
    assert {c["pmid"] for c in claims if "figure" not in c} == case.pmids
    rendered = render(name)
    rid_of_pmid = {t.pmid: t.rid for t in rendered.references if t.pmid}
    paired = [(c["line"], rid_of_pmid[c["pmid"]]) for c in claims if "figure" in c]
    assert paired or not rid_of_pmid  # an article whose references carry no PMID pairs none
    right = sum(pair in case.links for pair in paired)
    assert not paired or right / len(paired) >= 0.95, [p for p in paired if p not in case.links][:5]
    assert "# inferred" not in out.stdout


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", NAMES)
def test_no_false_orphans(tmp_path: Path, name: str, fmt: str) -> None:
    case = _case(tmp_path, name, fmt)
    article = read_article(case.path)
    found = orphans(article)
    in_text = [f for f in found if f.finding.field == "citation"]
    assert not in_text, [f.finding.message for f in in_text][:3]
    never = {
        _rid(article, case, i) for i, r in enumerate(article.references) for f in found
        if f.line == r.line and f.finding.field != "citation"
    }  # fmt: skip
    if len({r.line for r in article.references}) == len(article.references):
        assert never == case.never


@pytest.mark.parametrize("name", [n for n in NAMES if CORPUS[n][1]])
def test_superscript_citation_numbers_are_never_figures(tmp_path: Path, name: str) -> None:
    """Each Word paragraph states the figures its Markdown line states without citations."""
    cited = read_article(_case(tmp_path, name, "docx").path)
    bare_rendered = render(name, "none")
    bare = read_article(write(tmp_path / "bare.md", bare_rendered.markdown))
    _, where = as_docx(render(name))

    def figures(article: Article, moved: dict[int, int] | None) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for s in article.sentences:
            at = moved.get(s.line, -s.line) if moved is not None else s.line
            out.setdefault(at, []).extend(q.text for q in stated_quantities(s.plain))
        return out

    got, want = figures(cited, None), figures(bare, where)
    differ = [p for p in want if sorted(want[p]) != sorted(got.get(p, []))]
    assert not differ, [(p, want[p], got.get(p)) for p in differ][:3]


# --- Word's own structures ----------------------------------------------------------------


def _docx(build) -> bytes:  # type: ignore[no-untyped-def]
    import docx

    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _field_citation(paragraph, code: str, shown: str) -> None:  # type: ignore[no-untyped-def]
    """A reference manager's citation: a field whose code is hidden and whose result shows."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run(child) -> None:  # type: ignore[no-untyped-def]
        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        va = OxmlElement("w:vertAlign")
        va.set(qn("w:val"), "superscript")
        rpr.append(va)
        r.append(rpr)
        r.append(child)
        paragraph._p.append(r)

    for kind in ("begin", None, "separate", "shown", "end"):
        if kind == "shown":
            t = OxmlElement("w:t")
            t.text = shown
            run(t)
        elif kind is None:
            instr = OxmlElement("w:instrText")
            instr.text = code
            run(instr)
        else:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run(fld)


def test_a_reference_managers_fields_cite_and_their_codes_are_no_text(tmp_path: Path) -> None:
    code = (
        " ADDIN EN.CITE <EndNote><Cite><Author>Wang</Author><Year>2006</Year><RecNum>17"
        "</RecNum></Cite></EndNote>"
    )

    def build(document) -> None:  # type: ignore[no-untyped-def]
        document.add_heading("Lysis", level=1)
        p = document.add_paragraph("Lysis timing varied in 37 of 40 phages.")
        _field_citation(p, code, "1")
        p = document.add_paragraph("Noise is common.")
        _field_citation(p, ' ADDIN ZOTERO_ITEM CSL_CITATION {"year": 2002}', "2")
        document.add_heading("References", level=1)
        for text in (
            "Wang IN. Lysis timing and bacteriophage fitness. Genetics. 2006;172(1):17-26. "
            "PMID: 16219778",
            "Elowitz MB, Levine AJ, Siggia ED, Swain PS. Stochastic gene expression in a single "
            "cell. Science. 2002;297(5584):1183-6. doi:10.1126/science.1070919",
        ):
            document.add_paragraph(text, style="List Number")

    path = tmp_path / "fields.docx"
    path.write_bytes(_docx(build))
    article = read_article(path)
    assert [r.number for r in article.references] == [1, 2]
    linked = [link(c, article.references).reference for c in article.citations]
    assert [(c.line, r and r.number) for c, r in zip(article.citations, linked, strict=True)] == [
        (2, 1),
        (3, 2),
    ]
    first = article.sentences[0]
    assert "EndNote" not in first.text and "ADDIN" not in first.text
    assert [q.text for q in stated_quantities(first.plain)] == ["37", "40"]


def test_a_word_list_that_starts_at_another_number_keeps_its_numbers(tmp_path: Path) -> None:
    """A reference list continued after a page break as a new list "starting at 3"."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def build(document) -> None:  # type: ignore[no-untyped-def]
        document.add_paragraph("Shown before [3] and after [4].")
        document.add_heading("References", level=1)
        numbering = document.part.numbering_part.element
        style_num = document.styles["List Number"].element.pPr.numPr.numId.val
        abstract = numbering.num_having_numId(style_num).abstractNumId.val
        num = numbering.add_num(abstract)
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        start = OxmlElement("w:startOverride")
        start.set(qn("w:val"), "3")
        override.append(start)
        num.append(override)
        for text in (
            "Wang IN. Lysis timing. Genetics. 2006;172:17-26. PMID: 16219778",
            "Elowitz MB. Noise. Science. 2002;297:1183-6. PMID: 12183631",
        ):
            p = document.add_paragraph(text, style="List Number")
            p._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = num.numId
            p._p.get_or_add_pPr().get_or_add_numPr().get_or_add_ilvl().val = 0

    path = tmp_path / "start.docx"
    path.write_bytes(_docx(build))
    article = read_article(path)
    assert [r.number for r in article.references] == [3, 4]
    assert [link(c, article.references).reference.pmid for c in article.citations] == [  # type: ignore[union-attr]
        16219778,
        12183631,
    ]


# --- files that cannot be read ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.docx", b"PK\x03\x04 this is no zip archive"),
        ("text.docx", b"Just text saved with the wrong extension.\n"),
        ("empty.docx", b""),
        ("broken.xml", b"<?xml version='1.0'?>\n<article><body><p>Unclosed</body></article>"),
        ("entities.nxml", b'<!DOCTYPE article [<!ENTITY e "x">]><article>&e;</article>'),
        ("other.xml", b"<?xml version='1.0'?>\n<catalog><item/></catalog>"),
    ],
)
def test_a_corrupt_word_or_xml_file_is_exit_2_naming_it(run, tmp_path, name, content) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    for args in (["draft", str(path), "--offline"],):
        out = run(*args)
        assert out.code == 2, (out.code, out.stderr)
        lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and str(path) in lines[0], out.stderr
        assert "Traceback" not in out.stderr


def test_a_corrupt_article_is_exit_2_for_check_too(run, tmp_path) -> None:
    article = tmp_path / "broken.docx"
    article.write_bytes(b"PK\x03\x04 broken")
    claims = write(tmp_path / "c.toml", '[[claim]]\nid = "a"\npmid = 16219778\n')
    out = run("check", str(claims), "--article", str(article), "--offline")
    assert out.code == 2 and str(article) in out.stderr and "Traceback" not in out.stderr
