"""Test side: real JATS articles (tests/data/articles) rendered to Markdown as a reader would
paste them, with the truth read from the JATS markup.

The truth of an in-text link is an ``<xref ref-type="bibr" rid=…>`` (a printed range such as
"[30-32]", marked up as two xrefs joined by a dash, links the numbers between too); the truth
of a reference is its ``<ref>``: ``<pub-id pub-id-type="pmid|doi">`` and the structured fields.
References are printed in a named style from those fields, as the journals print them.
"""

from __future__ import annotations

import html
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ARTICLES = Path(__file__).parent / "data" / "articles"

#: file -> (reference style, numbered in-text citations)
CORPUS = {
    "1471-2180-11-174.nxml": ("bmc", True),
    "1472-6831-8-11.nxml": ("vancouver", True),
    "mds526.nxml": ("oxford", True),
    "pntd.0002065.nxml": ("plos", True),
    "pone.0000217.nxml": ("plos", True),
    "pone.0046493.nxml": ("ama", True),
    "6605965a.nxml": ("apa", False),
    "ehp-116-1694.nxml": ("ehp", False),
    # SciELO's own JATS (pretty-printed; superscript citation numbers, <sup> in the <xref>)
    "0034-8910-rsp-48-2-0296.xml": ("vancouver", True),
    "0034-7094-rba-69-03-0227.xml": ("ama", True),
    # eLife's own JATS: author-year, element-citation with DOIs; eLife prints EHP's way
    "elife06003.xml": ("ehp", False),
}

_SKIP = {"fig", "table-wrap", "disp-formula", "supplementary-material", "fn-group", "media"}
_DASH = re.compile(r"^\s*\]?\s*[-\u2013\u2014]\s*\[?\s*$")


@dataclass(frozen=True)
class RefTruth:
    rid: str
    number: int
    kind: str  # journal, book, other…
    authors: tuple[str, ...]  # surnames (or a group's name), as many as the style prints
    et_al: bool
    title: str | None
    source: str | None
    year: int | None
    volume: str | None
    issue: str | None
    fpage: str | None
    lpage: str | None
    pmid: int | None
    doi: str | None
    printed: str
    line: int = 0


@dataclass(frozen=True)
class Rendered:
    name: str
    style: str
    numbered: bool
    markdown: str
    references: tuple[RefTruth, ...]
    #: (line of the paragraph, rid) for every reference the paragraph cites
    links: frozenset[tuple[int, str]]


def _text(el: ET.Element | None) -> str | None:
    if el is None:
        return None
    return " ".join("".join(el.itertext()).split()) or None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@dataclass
class _Ref:
    rid: str
    number: int
    kind: str
    names: list[tuple[str, str]]  # (surname, initials) or (group, "")
    etal: bool
    title: str | None
    source: str | None
    year: int | None
    volume: str | None
    issue: str | None
    fpage: str | None
    lpage: str | None
    pmid: int | None
    doi: str | None
    publisher: str | None


def _read_ref(ref: ET.Element, index: int) -> _Ref:
    cits = [c for c in ref if _local(c.tag) in ("mixed-citation", "element-citation", "citation")]
    # a <ref> with two (SciELO: plain text and fields): the one with the fields
    cit = next(
        (c for c in cits if any(_local(e.tag) in ("name", "collab") for e in c.iter())),
        cits[0] if cits else ref,
    )
    label = _text(ref.find("label"))
    number = int(label) if label and label.isdigit() else index + 1
    names: list[tuple[str, str]] = []
    for el in cit.iter():
        tag = _local(el.tag)
        if tag == "name":
            surname = _text(el.find("surname")) or ""
            given = _text(el.find("given-names")) or ""
            names.append((surname, given.replace(".", "").replace(" ", "")))
        elif tag == "collab":
            names.append((_text(el) or "", ""))
    year_text = _text(cit.find("year")) or ""
    year = re.match(r"(1[6-9]|20)\d\d", year_text)
    pmid = doi = None
    for pid in cit.iter():
        if _local(pid.tag) == "pub-id":
            if pid.get("pub-id-type") == "pmid" and (_text(pid) or "").isdigit():
                pmid = int(_text(pid) or "0")
            if pid.get("pub-id-type") == "doi":
                doi = _text(pid)
    for pid in ref.iter():  # SciELO types an <issue-id> as the DOI
        if doi is None and pid.get("pub-id-type") == "doi" and (_text(pid) or "").startswith("10."):
            doi = _text(pid)
    if doi is None:  # Annals of Oncology prints its DOIs in a comment, SciELO in the text
        comments = [_text(c) or "" for c in ref.iter() if _local(c.tag) == "comment"]
        for piece in [*comments, *ref.itertext()]:  # piece by piece: a <pub-id> may follow
            m = re.search(r"doi:\s*(10\.\d{4,9}/\S+)", piece, re.IGNORECASE)
            if m:
                doi = m.group(1).rstrip(".,;")
                break
    return _Ref(
        rid=ref.get("id") or "",
        number=number,
        kind=cit.get("publication-type") or cit.get("citation-type") or "other",
        names=names,
        etal=any(_local(e.tag) == "etal" for e in cit.iter()),
        title=(_text(cit.find("article-title")) or "").rstrip(".") or None,
        source=_text(cit.find("source")),
        year=int(year.group(0)) if year else None,
        volume=_text(cit.find("volume")),
        issue=_text(cit.find("issue")),
        fpage=_text(cit.find("fpage")),
        lpage=_text(cit.find("lpage")),
        pmid=pmid,
        doi=doi,
        publisher=_text(cit.find("publisher-name")),
    )


# --- reference styles --------------------------------------------------------------------------


def _short_pages(first: str, last: str) -> str:
    """NLM's "577-87"."""
    if first.isdigit() and last.isdigit() and len(first) == len(last):
        i = 0
        while i < len(first) - 1 and first[i] == last[i]:
            i += 1
        return f"{first}-{last[i:]}"
    return f"{first}-{last}"


def _pages(r: _Ref, dash: str = "\u2013", short: bool = False) -> str:
    if r.fpage and r.lpage and r.lpage != r.fpage:
        return _short_pages(r.fpage, r.lpage) if short else f"{r.fpage}{dash}{r.lpage}"
    return r.fpage or ""


def _cut(r: _Ref, limit: int, keep: int) -> tuple[list[tuple[str, str]], bool]:
    if len(r.names) > limit:
        return r.names[:keep], True
    return r.names, r.etal


def _vancouver_names(names: list[tuple[str, str]], et_al: bool, sep: str = ", ") -> str:
    out = sep.join(f"{s} {g}".strip() for s, g in names)
    return f"{out}, et al." if et_al and out else out


def _apa_names(names: list[tuple[str, str]], et_al: bool) -> str:
    def one(s: str, g: str) -> str:
        return f"{s}, {' '.join(c + '.' for c in re.findall('[A-Z]', g))}" if g else s

    parts = [one(s, g) for s, g in names]
    if et_al or len(parts) < 2:
        return ", ".join(parts) + (", et al." if et_al else "")
    return ", ".join(parts[:-1]) + ", & " + parts[-1]


def _style(style: str, r: _Ref) -> tuple[str, list[tuple[str, str]], bool]:
    """The reference as ``style`` prints it, and the authors and et-al flag it prints."""
    title = r.title or ""
    src = r.source or ""
    vol, iss, year = r.volume or "", r.issue or "", r.year or ""
    if style == "ama":
        names, etal = _cut(r, 6, 3)
        head = _vancouver_names(names, etal)
        if r.kind != "journal":
            return f"{head}. {src}. {r.publisher or ''}; {year}.", names, etal
        loc = f"{vol}({iss})" if iss else vol
        doi = f" doi:{r.doi}" if r.doi else ""
        where = f";{loc}:{_pages(r, '-')}" if loc and r.fpage else ""
        return f"{head}. {title}. {src}. {year}{where}.{doi}", names, etal
    if style == "vancouver":
        names, etal = _cut(r, 6, 6)
        head = _vancouver_names(names, etal)
        if r.kind != "journal":
            return f"{head}. {src}. {r.publisher or ''}; {year}.", names, etal
        loc = f"{vol}({iss})" if iss else vol
        return f"{head}. {title}. {src}. {year};{loc}:{_pages(r, short=True)}.", names, etal
    if style == "oxford":
        names, etal = _cut(r, 3, 3)
        head = _vancouver_names(names, etal)
        if r.kind != "journal":
            return f"{head}. {src}. {r.publisher or ''} {year}.", names, etal
        loc = (
            f"{vol} {iss}" if iss and iss.startswith("Suppl") else (f"{vol}({iss})" if iss else vol)
        )
        return f"{head}. {title}. {src} {year}; {loc}: {_pages(r)}.", names, etal
    if style == "bmc":
        names, etal = r.names, r.etal
        head = _vancouver_names(names, etal)
        if r.kind != "journal":
            return f"{head}: {src}. {r.publisher or ''}; {year}.", names, etal
        return f"{head}: {title}. {src} {year}, {vol}:{_pages(r, '-')}.", names, etal
    if style == "plos":
        names, etal = r.names, r.etal
        head = _vancouver_names(names, etal)
        if r.kind != "journal":
            return f"{head} ({year}) {src}. {r.publisher or ''}.", names, etal
        return f"{head} ({year}) {title}. {src} {vol}: {_pages(r)}.", names, etal
    if style == "ehp":
        names, etal = r.names, r.etal
        head = _vancouver_names(names, etal)
        if r.kind != "journal":
            return f"{head}. {year}. {src}. {r.publisher or ''}.", names, etal
        return f"{head}. {year}. {title}. {src} {vol}:{_pages(r)}.", names, etal
    if style == "harvard":  # British Journal of Cancer's
        names, etal = _cut(r, 6, 3)
        parts = [f"{s} {g}".strip() for s, g in names]
        head = (
            ", ".join(parts) + " et al"
            if etal
            else (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts))
        )
        if r.kind != "journal":
            return f"{head} ({year}) {src}. {r.publisher or ''}", names, etal
        return f"{head} ({year}) {title}. {src} {vol}: {_pages(r)}", names, etal
    if style == "apa":
        names, etal = _cut(r, 20, 19)
        head = _apa_names(names, etal)
        if r.kind != "journal":
            return f"{head} ({year}). {src}. {r.publisher or ''}.", names, etal
        doi = f" https://doi.org/{r.doi}" if r.doi else ""
        loc = f"{vol}({iss})" if iss else vol
        return f"{head} ({year}). {title}. {src}, {loc}, {_pages(r)}.{doi}", names, etal
    raise ValueError(style)


def _with_ids(style: str, printed: str, r: _Ref) -> str:
    """Identifiers as a copied web page keeps them."""
    printed = " ".join(printed.replace(" .", ".").replace("et al..", "et al.").split())
    if r.doi and "doi:" not in printed and "doi.org" not in printed:
        printed += f" doi:{r.doi}"
    if r.pmid:
        printed += (
            f" PMID: {r.pmid}"
            if style in ("vancouver", "ama", "oxford")
            else f" [PubMed](https://pubmed.ncbi.nlm.nih.gov/{r.pmid}/)"
        )
    return printed


# --- body --------------------------------------------------------------------------------------


class _Inline:
    """A paragraph's text with its in-text citations (rids, ranges expanded)."""

    def __init__(
        self, numbers: dict[str, int], by_number: dict[int, str], numbered: bool = False
    ) -> None:
        self.numbered = numbered
        self.parts: list[str] = []
        self.rids: set[str] = set()
        self.numbers, self.by_number = numbers, by_number
        self.last_xref: tuple[str, int] | None = None  # rid, position in parts

    def walk(self, el: ET.Element) -> None:
        self._data(el.text)
        for child in el:
            tag = _local(child.tag)
            if tag in _SKIP or tag == "math":
                pass
            elif tag == "xref" and child.get("ref-type") == "bibr":
                # superscript in the markup, or a bare number its journal's stylesheet
                # prints as a superscript (no bracket around it)
                so_far = "".join(self.parts)
                bracketed = so_far.rfind("[") > so_far.rfind("]") or so_far.rfind(
                    "("
                ) > so_far.rfind(")")
                bare = re.fullmatch(r"\d+(?:\s*[-\u2013]\s*\d+)?", "".join(child.itertext()))
                after_sup = bool(self.parts) and self.parts[-1] == "</sup>"
                sup = any(_local(e.tag) == "sup" for e in child.iter()) or bool(
                    self.numbered and bare and (after_sup or not bracketed)
                )
                if sup:
                    self.parts.append("<sup>")
                self._xref(child)
                if sup:
                    self.parts.append("</sup>")
            elif tag == "sup" and any(
                _local(e.tag) == "xref" and e.get("ref-type") == "bibr" for e in child.iter()
            ):  # a superscript citation: a web page keeps it as <sup>
                self.parts.append("<sup>")
                self.walk(child)
                self.parts.append("</sup>")
            elif tag == "sup" and re.fullmatch(r"\s*[,\u2013-]\s*", "".join(child.itertext())):
                self.parts.append("<sup>")  # the comma between two superscript citations
                self.walk(child)
                self.parts.append("</sup>")
            else:
                self.walk(child)
            self._data(child.tail)

    def _data(self, text: str | None) -> None:
        if text:
            self.parts.append(text)

    def _xref(self, el: ET.Element) -> None:
        rid = (el.get("rid") or "").split()[0] if el.get("rid") else ""
        text = "".join(el.itertext())
        if rid:
            self.rids.add(rid)
        if self.last_xref and rid in self.numbers:
            prev_rid, at = self.last_xref
            between = re.sub(r"</?sup>", "", "".join(self.parts[at + 1 :]))
            if _DASH.match(between) and prev_rid in self.numbers:
                for n in range(self.numbers[prev_rid] + 1, self.numbers[rid]):
                    if n in self.by_number:
                        self.rids.add(self.by_number[n])
        m = re.search(r"(\d+)\s*[-\u2013]\s*(\d+)", text)
        if m and rid in self.numbers and int(m.group(1)) == self.numbers[rid]:
            for n in range(int(m.group(1)), int(m.group(2)) + 1):
                if n in self.by_number:
                    self.rids.add(self.by_number[n])
        self.parts.append(text)
        self.last_xref = (rid, len(self.parts) - 1)

    def text(self) -> str:
        text = " ".join("".join(self.parts).split())
        # superscripts side by side read as one ("4", ",", "6" -> "4,6"), attached to the word
        text = re.sub(r"\s*<sup>\s*", "<sup>", text)
        text = re.sub(r"\s*</sup>\s*<sup>", "", text)
        return re.sub(r"\s*</sup>", "</sup>", text)


def render(name: str, citations: str = "as-printed") -> Rendered:
    """The article ``name`` as Markdown; numbered citations "as-printed" or restyled as
    "superscript" (``<sup>3,5</sup>``), "caret" (``^3,5^``), "unicode" (``³,⁵``), "parens"
    (``(3, 5)``), or left out ("none")."""
    style, numbered = CORPUS[name]
    root = ET.parse(ARTICLES / name).getroot()
    raw_refs = [_read_ref(r, i) for i, r in enumerate(root.iter("ref"))]
    numbers = {r.rid: r.number for r in raw_refs}
    by_number = {r.number: r.rid for r in raw_refs}
    lines: list[str] = []
    links: set[tuple[int, str]] = set()

    def emit(text: str) -> int:
        if lines:
            lines.append("")
        lines.append(text)
        return len(lines)

    title = _text(root.find(".//article-meta/title-group/article-title"))
    emit(f"# {title}")

    def paragraph(p: ET.Element, prefix: str = "") -> None:
        inline = _Inline(numbers, by_number, numbered)
        inline.walk(p)
        text = inline.text()
        if not text:
            return
        if numbered and citations != "as-printed":
            text = _restyle(text, citations)
        line = emit(prefix + text)
        links.update((line, rid) for rid in inline.rids)

    def section(el: ET.Element, depth: int) -> None:
        for child in el:
            tag = _local(child.tag)
            if tag == "title" and _text(child):
                emit("#" * min(depth, 4) + " " + (_text(child) or ""))
            elif tag == "p":
                paragraph(child)
            elif tag == "list":
                for item in child.iter():
                    if _local(item.tag) == "list-item":
                        for p in item.findall("p"):
                            paragraph(p, "- ")
            elif tag == "sec":
                section(child, depth + 1)

    abstract = root.find(".//article-meta/abstract")
    if abstract is not None:
        emit("## Abstract")
        section(abstract, 3)
    body = root.find("body")
    if body is not None:
        section(body, 2)

    emit("## References")
    refs: list[RefTruth] = []
    for r in raw_refs:
        printed, names, etal = _style(style, r)
        printed = _with_ids(style, printed, r)
        entry = f"{r.number}. {printed}" if numbered else f"- {printed}"
        line = emit(entry)
        refs.append(
            RefTruth(
                rid=r.rid,
                number=r.number,
                kind=r.kind,
                authors=tuple(s for s, _ in names),
                et_al=etal,
                title=r.title,
                source=r.source,
                year=r.year,
                volume=r.volume,
                issue=r.issue,
                fpage=r.fpage,
                lpage=r.lpage,
                pmid=r.pmid,
                doi=r.doi,
                printed=printed,
                line=line,
            )
        )
    return Rendered(name, style, numbered, "\n".join(lines) + "\n", tuple(refs), frozenset(links))


_NUMS = r"\d+(?:\s*[,\u2013-]\s*\d+)*"
#: A printed group of citation numbers: "[3]", "[3,5]", "[3–5]", PLoS's "[4], [5]" and "[1]–[5]";
#: not a statistic's "F[1,12]".
_GROUP = re.compile(rf"(?<![\w\]])\[{_NUMS}\](?:\s*[,\u2013-]\s*\[{_NUMS}\])*")
_SUPERSCRIPT = str.maketrans(
    "0123456789-\u2013", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207b\u207b"
)


def _restyle(text: str, how: str) -> str:
    def one(m: re.Match[str]) -> str:
        numbers = re.sub(r"\]\s*([,\u2013-])\s*\[", r"\1", m.group(0))
        numbers = re.sub(r"\s+", "", numbers.strip("[]"))
        if how == "none":
            return ""
        if how == "superscript":
            return f"<sup>{numbers}</sup>"
        if how == "caret":
            return f"^{numbers}^"
        if how == "unicode":
            return numbers.translate(_SUPERSCRIPT)
        return f"({numbers.replace(',', ', ')})"

    # a journal that prints superscripts: its groups are restyled as the bracketed ones
    # before the punctuation, as a bracketed journal prints it ("Report,<sup>8</sup>" is
    # "Report [8],")
    text = re.sub(r"([,;:.]?)<sup>(" + _NUMS + r")</sup>", r" [\2]\1", text)
    if how in ("parens", "none"):
        return _GROUP.sub(one, text)
    # superscripts sit after the punctuation: "… disease.[3]" prints "… disease.³"
    out = _GROUP.sub(one, text)
    return re.sub(r"\s+(<sup>|\^\d|[\u2070\u00b9\u00b2\u00b3\u2074-\u2079])", r"\1", out)


def as_html(markdown: str) -> str:
    """The rendered Markdown as a web page would have it, line for line (so the truth's line
    numbers hold): headings, paragraphs, an ordered list whose numbers are not in the text,
    links, and ``<sup>`` kept as markup."""
    lines = markdown.splitlines()
    out: list[str] = []

    def inline(text: str) -> str:
        text = html.escape(text, quote=False)
        text = re.sub(r"&lt;(/?)sup&gt;", r"<\1sup>", text)
        return re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", r'<a href="\2">\1</a>', text)

    kinds = [
        "ol" if re.match(r"\d+\. ", ln) else "ul" if ln.startswith("- ") else "" for ln in lines
    ]
    items = [i for i, k in enumerate(kinds) if k]
    for i, line in enumerate(lines):
        heading = re.match(r"(#+) (.*)", line)
        if heading:
            level = len(heading.group(1))
            out.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
        elif kinds[i]:
            text = re.sub(r"^(?:\d+\. |- )", "", line)
            before = [j for j in items if j < i]
            after = [j for j in items if j > i]
            opens = not before or kinds[before[-1]] != kinds[i] or before[-1] < i - 2
            closes = not after or kinds[after[0]] != kinds[i] or after[0] > i + 2
            item = f"<li>{inline(text)}</li>"
            out.append(
                (f"<{kinds[i]}>" if opens else "") + item + (f"</{kinds[i]}>" if closes else "")
            )
        elif line:
            out.append(f"<p>{inline(line)}</p>")
        else:
            out.append("")
    out[0] = "<!DOCTYPE html><html><body>" + out[0]
    out[-1] += "</body></html>"
    return "\n".join(out) + "\n"


def pubmed_records(rendered: Rendered) -> str:
    """A PubMed XML record for each reference with a PMID, built from its own JATS fields (the
    journal as its abbreviation, the authors with their initials): checked against these, a
    claim drafted from the printed reference has nothing to find wrong."""
    root = ET.parse(ARTICLES / rendered.name).getroot()
    raw = {r.rid: r for r in (_read_ref(e, i) for i, e in enumerate(root.iter("ref")))}
    out = ["<?xml version='1.0'?>", "<PubmedArticleSet>"]
    for truth in rendered.references:
        r = raw[truth.rid]
        if not r.pmid or r.kind != "journal":
            continue
        authors = "".join(
            f"<Author><CollectiveName>{html.escape(s)}</CollectiveName></Author>"
            if not g
            else f"<Author><LastName>{html.escape(s)}</LastName><ForeName>{g}</ForeName>"
            f"<Initials>{g}</Initials></Author>"
            for s, g in r.names
        )
        pages = f"{r.fpage}-{r.lpage}" if r.fpage and r.lpage else (r.fpage or "")
        doi = f'<ELocationID EIdType="doi">{html.escape(r.doi)}</ELocationID>' if r.doi else ""
        out.append(
            f"<PubmedArticle><MedlineCitation><PMID>{r.pmid}</PMID><Article><Journal>"
            f"<JournalIssue><Volume>{r.volume or ''}</Volume><Issue>{r.issue or ''}</Issue>"
            f"<PubDate><Year>{r.year}</Year></PubDate></JournalIssue>"
            f"<Title>{html.escape(r.source or '')}</Title>"
            f"<ISOAbbreviation>{html.escape(r.source or '')}</ISOAbbreviation></Journal>"
            f"<ArticleTitle>{html.escape(r.title or '')}.</ArticleTitle>"
            f"<Pagination><MedlinePgn>{pages}</MedlinePgn></Pagination>{doi}"
            f"<Abstract><AbstractText>{html.escape(r.title or '')}.</AbstractText></Abstract>"
            f'<AuthorList CompleteYN="{"N" if r.etal else "Y"}">{authors}</AuthorList>'
            "<PublicationTypeList><PublicationType>Journal Article</PublicationType>"
            "</PublicationTypeList></Article></MedlineCitation><PubmedData><ArticleIdList>"
            f'<ArticleId IdType="pubmed">{r.pmid}</ArticleId></ArticleIdList></PubmedData>'
            "</PubmedArticle>"
        )
    out.append("</PubmedArticleSet>")
    return "\n".join(out) + "\n"


# --- Word -----------------------------------------------------------------------------------

_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def _hyperlink(paragraph: Any, text: str, url: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rid = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _runs(paragraph: Any, text: str, superscripts: bool) -> None:
    """``text`` into ``paragraph``: numbered citation groups as superscript runs placed after
    the punctuation ("disease.³" as a manuscript has it), Markdown links as hyperlinks."""
    pieces: list[tuple[str, str]] = []  # (kind, text)
    pos = 0
    marks = list(_GROUP.finditer(text)) if superscripts else []
    marks += list(re.finditer(r"<sup>(.*?)</sup>", text))
    for m in sorted(marks, key=lambda m: m.start()):
        pieces.append(("text", text[pos : m.start()]))
        if m.group(0).startswith("<sup>"):  # printed as a superscript: stays where it is
            pieces.append(("printed", m.group(1)))
        else:
            numbers = re.sub(r"\]\s*([,\u2013-])\s*\[", r"\1", m.group(0))
            pieces.append(("sup", re.sub(r"\s+", "", numbers.strip("[]"))))
        pos = m.end()
    pieces.append(("text", text[pos:]))
    # "disease [3]." -> "disease.³": the punctuation moves before the superscript
    for i in range(1, len(pieces) - 1):
        if pieces[i][0] == "sup":
            before = pieces[i - 1][1].rstrip()
            after = pieces[i + 1][1]
            stop = re.match(r"[.,;:]", after)
            if stop:
                pieces[i - 1] = ("text", before + stop.group(0))
                pieces[i + 1] = ("text", after[1:])
            else:
                pieces[i - 1] = ("text", before)
    for kind, piece in pieces:
        if kind in ("sup", "printed"):
            paragraph.add_run(piece).font.superscript = True
            continue
        at = 0
        for link in _LINK.finditer(piece):
            paragraph.add_run(piece[at : link.start()])
            _hyperlink(paragraph, link.group(1), link.group(2))
            at = link.end()
        paragraph.add_run(piece[at:])


def as_docx(rendered: Rendered) -> tuple[bytes, dict[int, int]]:
    """The rendered article as an editor's Word manuscript: Title and Heading styles, numbered
    citations as superscript runs, a numbered reference list as a Word numbered list (the
    numbers are Word's, not in the text); and, for the truth, the paragraph number of each
    Markdown line."""
    import docx

    document = docx.Document()
    paragraphs = 0
    where: dict[int, int] = {}
    in_refs = False
    for number, line in enumerate(rendered.markdown.splitlines(), 1):
        if not line:
            continue
        heading = re.match(r"(#+) (.*)", line)
        if heading:
            level = len(heading.group(1))
            text = heading.group(2)
            if level == 1:
                document.add_paragraph(text, style="Title")
            else:
                document.add_heading(text, level=level - 1)
            in_refs = text == "References"
        elif in_refs and rendered.numbered and re.match(r"\d+\. ", line):
            _runs(document.add_paragraph(style="List Number"), line.split(". ", 1)[1], False)
        elif in_refs and line.startswith("- "):
            _runs(document.add_paragraph(), line[2:], False)
        elif line.startswith("- "):
            _runs(document.add_paragraph(style="List Bullet"), line[2:], rendered.numbered)
        else:
            _runs(document.add_paragraph(), line, rendered.numbered)
        paragraphs += 1
        where[number] = paragraphs
    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), where


# --- JATS as it is ---------------------------------------------------------------------------


def jats_links(name: str) -> frozenset[tuple[int, str]]:
    """(source line of the citation, rid) of every ``<xref ref-type="bibr">`` of the JATS file,
    read with lxml (not the reader under test); a range printed as two xrefs joined by a dash
    ("[3]–[5]") links the numbers between, at the line of its first xref."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.parse(str(ARTICLES / name), parser).getroot()
    plain = ET.parse(ARTICLES / name).getroot()
    numbers = {r.rid: r.number for r in (_read_ref(e, i) for i, e in enumerate(plain.iter("ref")))}
    by_number = {n: rid for rid, n in numbers.items()}
    out: set[tuple[int, str]] = set()
    for sub in list(root.iter("sub-article", "response")):  # a translation, a reply: not read
        sub.getparent().remove(sub)
    for p in root.iter():
        xrefs = [x for x in p if x.tag == "xref" and x.get("ref-type") == "bibr"]
        for i, x in enumerate(xrefs):
            rid = (x.get("rid") or "").split()[0]
            out.add((x.sourceline, rid))
            text = "".join(x.itertext())
            m = re.search(r"(\d+)\s*[-\u2013]\s*(\d+)", text)
            if m and numbers.get(rid) == int(m.group(1)):
                for n in range(int(m.group(1)) + 1, int(m.group(2)) + 1):
                    if n in by_number:
                        out.add((x.sourceline, by_number[n]))
            if i and _DASH.match(xrefs[i - 1].tail or "") and xrefs[i - 1].getnext() is x:
                first = (xrefs[i - 1].get("rid") or "").split()[0]
                for n in range(numbers.get(first, 0) + 1, numbers.get(rid, 0)):
                    if n in by_number:
                        out.add((xrefs[i - 1].sourceline, by_number[n]))
    return frozenset(out)
