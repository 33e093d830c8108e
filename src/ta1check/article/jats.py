"""JATS XML (PMC's open-access files and publishers' own): the article's paragraphs with the
source line each starts on, the citations its ``<xref ref-type="bibr">`` mark, and its
``<ref-list>`` read from the structured fields (``<name>``, ``<source>``, ``<year>``,
``<pub-id pub-id-type="pmid|doi|pmcid">``…), not from printed text.

Parsed by expat under the rules of :mod:`ta1check.pubmed.parse`: no DTD is read, no entity the
document declares is expanded, nothing is fetched. Pure: bytes in, structures out.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.parsers import expat

from ..pubmed.parse import UnsafeXML, _guard, read_prolog
from .intext import Found
from .model import Block, Reference
from .references import Fields, _short_citation


class JatsError(ValueError):
    """A file that is not a readable JATS article: ``cause`` in one line (with its line)."""


@dataclass(frozen=True)
class JatsArticle:
    title: str | None
    blocks: tuple[Block, ...]
    #: The citations each block's markup holds: block index -> spans in the block's text.
    cites: dict[int, tuple[Found, ...]]
    references: tuple[Reference, ...]
    reference_heading_line: int | None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@dataclass
class _Tree:
    root: ET.Element
    start: dict[ET.Element, int]
    text: dict[ET.Element, int]
    tail: dict[ET.Element, int]


def _parse(raw: bytes) -> _Tree:
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    # unbuffered: each piece of text comes with the line it starts on (a buffered one is
    # reported at the line of the event that ends it)
    parser.buffer_text = False
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    _guard(parser)
    start: dict[ET.Element, int] = {}
    text: dict[ET.Element, int] = {}
    tail: dict[ET.Element, int] = {}
    last: list[tuple[ET.Element, dict[ET.Element, int]] | None] = [None]

    def qname(name: str) -> str:
        return "{" + name if "}" in name else name

    def on_start(tag: str, attrs: dict[str, str]) -> None:
        el = builder.start(qname(tag), {qname(k): v for k, v in attrs.items()})
        start[el] = parser.CurrentLineNumber
        last[0] = (el, text)

    def on_end(tag: str) -> None:
        el = builder.end(qname(tag))
        last[0] = (el, tail)

    def on_data(data: str) -> None:
        if last[0] is not None:
            el, where = last[0]
            where.setdefault(el, parser.CurrentLineNumber)
            last[0] = None
        builder.data(data)

    parser.StartElementHandler = on_start
    parser.EndElementHandler = on_end
    parser.CharacterDataHandler = on_data
    try:
        read_prolog(io.BytesIO(raw).read)
        parser.Parse(raw, True)
        root = builder.close()
    except UnsafeXML as exc:
        raise JatsError(exc.cause) from None
    except expat.ExpatError as exc:
        message = expat.errors.messages[exc.code]
        raise JatsError(f"line {exc.lineno}: malformed XML ({message})") from None
    except (ValueError, LookupError, AssertionError) as exc:
        cause = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
        raise JatsError(f"unreadable XML: {cause}") from None
    return _Tree(root, start, text, tail)


def looks_like_jats(head: str) -> bool:
    """Whether the start of a file is a JATS (or NLM) article."""
    head = head.lstrip("\ufeff \t\r\n")[:4000]
    return (
        head.startswith("<")
        and bool(re.search(r"<!DOCTYPE\s+article\b|<article[\s>]", head))
        and not re.search(r"<html[\s>]", head[:500], re.IGNORECASE)
    )


# --- text with the line each part stands on -------------------------------------------------


@dataclass
class _Text:
    """A paragraph's text, whitespace collapsed, with where its source lines begin."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    line: int = 0  # the source line of the text last added
    first: int = 0  # the line of the first character
    breaks: list[int] = field(default_factory=list)
    space: bool = False

    def add(self, text: str | None, line: int | None) -> None:
        if not text:
            return
        if line is not None and self.length and line > self.line:
            self.breaks += [self.length] * (line - self.line)
            self.line = line
        elif line is not None and not self.length:
            self.line = line
        for chunk in re.split(r"(\s+)", text):
            if not chunk:
                continue
            if chunk.isspace():
                if self.length:
                    self.space = True
                    newlines = chunk.count("\n")
                    self.breaks += [self.length] * newlines
                    self.line += newlines
                else:
                    self.line += chunk.count("\n")
                continue
            if not self.length:
                self.first = self.line
            if self.space:
                self.parts.append(" ")
                self.length += 1
                self.space = False
            self.parts.append(chunk)
            self.length += len(chunk)

    def block(self, heading: bool = False) -> Block | None:
        if not self.length:
            return None
        return Block(self.first, "".join(self.parts), heading, tuple(self.breaks))


# --- the article ----------------------------------------------------------------------------

_BLOCK_INSIDE_P = {
    "fig",
    "table-wrap",
    "list",
    "disp-quote",
    "boxed-text",
    "fig-group",
    "table-wrap-group",
    "def-list",
    "statement",
    "speech",
    "verse-group",
    "supplementary-material",
}
_NEVER = {"math", "tex-math", "disp-formula", "graphic", "media", "alternatives", "object-id"}
_CONTAINERS = {"sec", "app", "ack", "app-group", "boxed-text", "disp-quote", "glossary", "notes"}


class _Reader:
    def __init__(self, tree: _Tree, numbers: dict[str, int]) -> None:
        self.tree = tree
        self.numbers = numbers
        self.blocks: list[Block] = []
        self.cites: dict[int, tuple[Found, ...]] = {}

    def heading(self, el: ET.Element) -> None:
        acc = _Text()
        self._inline(el, acc, [], [])
        block = acc.block(heading=True)
        if block is not None:
            self.blocks.append(block)

    def plain_heading(self, text: str, line: int) -> None:
        self.blocks.append(Block(line, text, heading=True))

    def paragraph(self, el: ET.Element) -> None:
        acc = _Text()
        found: list[tuple[int, int, str, tuple[int, ...]]] = []
        later: list[ET.Element] = []
        self._inline(el, acc, found, later)
        block = acc.block()
        if block is not None:
            cites = self._ranges(block.text, found)
            if cites:
                self.cites[len(self.blocks)] = cites
            self.blocks.append(block)
        for child in later:
            self.walk(child)

    def walk(self, el: ET.Element) -> None:
        """Block-level content: sections, paragraphs, lists, figure and table captions."""
        tag = _local(el.tag)
        if tag == "p":
            self.paragraph(el)
            return
        if tag in _NEVER or tag in ("ref-list", "fn-group", "label"):
            return
        if tag == "tr":
            self.paragraph(el)
            return
        for child in el:
            ctag = _local(child.tag)
            if ctag == "title" and tag in _CONTAINERS:
                self.heading(child)
            elif ctag == "title":  # a caption's title is text of the caption
                self.paragraph(child)
            else:
                self.walk(child)

    def _inline(
        self,
        el: ET.Element,
        acc: _Text,
        found: list[tuple[int, int, str, tuple[int, ...]]],
        later: list[ET.Element],
    ) -> None:
        tree = self.tree
        acc.add(el.text, tree.text.get(el, tree.start.get(el)))
        for child in el:
            tag = _local(child.tag)
            if tag in _BLOCK_INSIDE_P:
                later.append(child)
            elif tag in _NEVER:
                pass
            elif tag == "xref" and child.get("ref-type") == "bibr":
                self._xref(child, acc, found)
            elif tag == "sup":  # superscript citation numbers keep their markup: "^3,5^"
                acc.add("^", tree.start.get(child))
                acc.space = False
                self._inline(child, acc, found, later)
                acc.space = False
                acc.add("^", None)
            elif tag in ("td", "th"):
                if acc.length:
                    acc.add(" | ", None)
                self._inline(child, acc, found, later)
            elif tag == "break":
                acc.add(" ", None)
            else:
                self._inline(child, acc, found, later)
            acc.add(child.tail, tree.tail.get(child))

    def _xref(
        self, el: ET.Element, acc: _Text, found: list[tuple[int, int, str, tuple[int, ...]]]
    ) -> None:
        rids = (el.get("rid") or "").split()
        numbers = tuple(self.numbers[r] for r in rids if r in self.numbers)
        printed = " ".join("".join(el.itertext()).split())
        if not printed and numbers:  # a self-closing xref the stylesheet would number
            printed = ",".join(map(str, numbers))
        line = self.tree.text.get(el, self.tree.start.get(el))  # where its number is printed
        if acc.space and acc.length:
            acc.parts.append(" ")
            acc.length += 1
            acc.space = False
        if line is not None and acc.length and line > acc.line:
            acc.breaks += [acc.length] * (line - acc.line)
            acc.line = line
        elif line is not None and not acc.length:
            acc.line = line
        begin = acc.length
        acc.add(printed, None)
        if numbers and acc.length > begin:
            # "1-3" printed in one xref to reference 1 cites 1 to 3
            m = re.fullmatch(r"\[?(\d+)\s*[-\u2010-\u2014]\s*(\d+)\]?", printed)
            if len(numbers) == 1 and m and int(m.group(1)) == numbers[0]:
                last = int(m.group(2))
                if numbers[0] < last <= numbers[0] + 100:
                    numbers = tuple(range(numbers[0], last + 1))
            found.append((begin, acc.length, printed, numbers))

    def _ranges(
        self, text: str, found: list[tuple[int, int, str, tuple[int, ...]]]
    ) -> tuple[Found, ...]:
        """Spans as :class:`Found`; "[3]–[5]" (two xrefs joined by a dash) cites 3 to 5."""
        out: list[Found] = []
        for start, end, printed, numbers in found:
            prev = out[-1] if out else None
            if (
                prev is not None
                and prev.numbers
                and numbers
                and re.fullmatch(r"\s*\]?\s*[-\u2010-\u2014]\s*\[?\s*", text[prev.end : start])
                and prev.numbers[-1] < numbers[0] <= prev.numbers[-1] + 100
            ):
                between = tuple(range(prev.numbers[-1] + 1, numbers[0]))
                cited = prev.numbers + between + numbers
                out[-1] = Found(prev.start, end, text[prev.start : end], numbers=cited)
                continue
            out.append(Found(start, end, printed, numbers=numbers))
        return tuple(out)


def _text(el: ET.Element | None) -> str | None:
    if el is None:
        return None
    return " ".join("".join(el.itertext()).split()) or None


def _child(el: ET.Element, *names: str) -> ET.Element | None:
    return next((c for c in el if _local(c.tag) in names), None)


def _descendant(el: ET.Element, *names: str) -> ET.Element | None:
    return next((c for c in el.iter() if _local(c.tag) in names), None)


def read_jats(raw: bytes) -> JatsArticle:
    """The article in JATS XML ``raw``; raises :class:`JatsError`."""
    tree = _parse(raw)
    root = tree.root
    if _local(root.tag) != "article":
        raise JatsError(f"not a JATS article: its root element is <{_local(root.tag)}>")
    refs = [r for r in root.iter() if _local(r.tag) == "ref"]
    numbers: dict[str, int] = {}
    references: list[Reference] = []
    for index, ref in enumerate(refs):
        reference = _reference(ref, index, tree)
        references.append(reference)
        if ref.get("id"):
            numbers[ref.get("id") or ""] = reference.number or index + 1
    reader = _Reader(tree, numbers)
    front = _child(root, "front")
    meta = _descendant(front, "article-meta") if front is not None else None
    title_el = None
    if meta is not None:
        group = _child(meta, "title-group")
        title_el = _child(group, "article-title") if group is not None else None
    title = _text(title_el)
    if title_el is not None:
        reader.heading(title_el)
    if meta is not None:
        for abstract in (c for c in meta if _local(c.tag) == "abstract"):
            if abstract.get("abstract-type") not in (None, "", "short", "structured"):
                continue
            reader.plain_heading("Abstract", tree.start.get(abstract, 1))
            reader.walk(abstract)
    for part in ("body", "back"):
        el = _child(root, part)
        if el is not None:
            reader.walk(el)
    ref_list = _descendant(root, "ref-list")
    heading_line = tree.start.get(ref_list) if ref_list is not None else None
    return JatsArticle(
        title=title,
        blocks=tuple(reader.blocks),
        cites=reader.cites,
        references=tuple(references),
        reference_heading_line=heading_line,
    )


# --- references ---------------------------------------------------------------------------


def _initials(given: str) -> str:
    """ "J.A." / "John A" / "Jean-Paul" -> "JA" / "JA" / "JP"."""
    given = given.replace(".", " ").replace("-", " ")
    if re.fullmatch(r"[A-Z]{1,4}", given.strip()):
        return given.strip()
    return "".join(w[0] for w in given.split() if w[:1].isalpha()).upper()


_CITATIONS = ("mixed-citation", "element-citation", "citation", "nlm-citation")
_STRUCTURE = ("name", "string-name", "collab", "person-group", "source", "article-title")


def _citation_element(ref: ET.Element) -> ET.Element:
    """The citation to read fields from: of a ``<ref>`` that holds two (SciELO: a plain
    mixed-citation and a structured element-citation), the structured one."""
    cits = [c for c in ref.iter() if _local(c.tag) in _CITATIONS]
    structured = (c for c in cits if any(_local(e.tag) in _STRUCTURE for e in c.iter()))
    return next(structured, cits[0] if cits else ref)


def _reference(ref: ET.Element, index: int, tree: _Tree) -> Reference:
    cit = _citation_element(ref)
    label = _text(_child(ref, "label")) or ""
    digits = re.fullmatch(r"\[?\(?(\d{1,4})[.)\]]?", label)
    number = int(digits.group(1)) if digits else index + 1
    authors: list[str] = []
    groups = [g for g in cit.iter() if _local(g.tag) == "person-group"]
    author_groups = [g for g in groups if g.get("person-group-type") in (None, "author")]
    scopes = author_groups or ([] if groups else [cit])
    for scope in scopes:
        for el in scope.iter():
            tag = _local(el.tag)
            if tag in ("name", "string-name"):
                surname = _text(_child(el, "surname"))
                given = _text(_child(el, "given-names")) or ""
                if surname:
                    authors.append(f"{surname} {_initials(given)}".strip())
                elif _text(el):
                    authors.append(_text(el) or "")
            elif tag == "collab":
                authors.append(_text(el) or "")
    authors = [a for a in authors if a]
    et_al = any(_local(e.tag) == "etal" for e in cit.iter()) or bool(
        re.search(r"\bet\.?\s+al\b", _mixed_text(cit))
    )
    kind = cit.get("publication-type") or cit.get("citation-type") or ""
    printed_title = _text(_child(cit, "article-title")) or _text(_child(cit, "chapter-title"))
    title = (printed_title or "").rstrip(". ") or None
    source = _text(_child(cit, "source"))
    year_text = _text(_child(cit, "year")) or ""
    year_m = re.match(r"((?:1[6-9]|20)\d\d)([a-z]?)", year_text)
    year = int(year_m.group(1)) if year_m else None
    volume = _text(_child(cit, "volume"))
    issue = _text(_child(cit, "issue"))
    fpage, lpage = _text(_child(cit, "fpage")), _text(_child(cit, "lpage"))
    pages = (
        f"{fpage}-{lpage}"
        if fpage and lpage and lpage != fpage
        else fpage or _text(_child(cit, "elocation-id"))
    )
    pmid = doi = pmcid = None
    for pid in ref.iter():  # <pub-id>, and any other element typed as one (SciELO's <issue-id>)
        if pid.get("pub-id-type") is None:
            continue
        kind_id, value = pid.get("pub-id-type"), _text(pid) or ""
        if kind_id == "pmid" and value.isdigit() and pmid is None:
            pmid = int(value)
        elif kind_id == "doi" and doi is None and value.startswith("10."):
            doi = value
        elif kind_id in ("pmcid", "pmc") and pmcid is None:
            pmcid = value if value.upper().startswith("PMC") else f"PMC{value}"
    mixed = next((c for c in ref.iter() if _local(c.tag) == "mixed-citation"), None)
    printed = _mixed_text(mixed if mixed is not None else cit)
    if doi is None:  # a DOI printed as text or in a comment ("doi: 10.1093/…")
        for piece in ref.itertext():
            m = re.search(r"\b(10\.\d{4,9}/[^\s\"<>]+)", piece)
            if m:
                doi = m.group(1).rstrip(".,;)")
                break
    if pmid is None:
        m = re.search(r"\bPMID:?\s*(\d{1,9})\b", printed)
        pmid = int(m.group(1)) if m else None
    journal_like = kind in ("journal", "") and bool(volume or fpage or pmid or doi)
    fields = Fields(
        authors=tuple(authors),
        et_al=et_al,
        title=title,
        journal=source if journal_like else None,
        year=year,
        year_suffix=year_m.group(2) if year_m else "",
        volume=volume,
        issue=issue,
        pages=pages,
    )
    return Reference(
        line=tree.start.get(ref, 1),
        printed=printed.lstrip(". ") if mixed is not None else _printed(cit, fields),
        citation=_short_citation(fields),
        surname=_surname(authors[0]) if authors else None,
        year=year,
        pmid=pmid,
        doi=doi,
        number=number,
        authors=tuple(authors),
        et_al=et_al,
        title=title,
        journal=fields.journal,
        volume=volume,
        issue=issue,
        pages=pages,
        pmcid=pmcid.upper() if pmcid else None,
        year_suffix=fields.year_suffix,
    )


def _surname(author: str) -> str:
    """ "Smith JA" -> "Smith"; an organisation stays whole."""
    m = re.fullmatch(r"(.+?)\s+[A-Z]{1,4}", author)
    return m.group(1) if m else author


def _mixed_text(cit: ET.Element) -> str:
    """The citation's printed text ("Roca O" of ``<name>``, never "RocaO")."""
    out: list[str] = []

    def walk(el: ET.Element) -> None:
        if el.text:
            out.append(el.text)
        for child in el:
            tag = _local(child.tag)
            if tag in ("name", "string-name") and _child(child, "surname") is not None:
                given = _text(_child(child, "given-names")) or ""
                out.append(f"{_text(_child(child, 'surname'))} {given}".strip())
            elif tag not in _NEVER:
                walk(child)
            if child.tail:
                out.append(child.tail)

    walk(cit)
    return " ".join("".join(out).split())


def _printed(cit: ET.Element, fields: Fields) -> str:
    """The reference as printed: a mixed citation's own text; an element citation (fields
    without punctuation) in the NLM style."""
    if _local(cit.tag) != "element-citation":
        return _mixed_text(cit)
    who = ", ".join(fields.authors) + (", et al" if fields.et_al else "")
    where = fields.volume or ""
    if fields.issue:
        where += f"({fields.issue})"
    if fields.pages:
        where += f":{fields.pages}"
    source = _text(_child(cit, "source"))
    parts = [who, fields.title, source, f"{fields.year or ''}{';' + where if where else ''}"]
    return ". ".join(p for p in parts if p) + "."
