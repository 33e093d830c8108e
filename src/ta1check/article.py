"""Reading an article: its paragraphs and sentences (with line numbers), its reference list,
its in-text citations, and which reference each citation means.

Plain text (including text copied from a web page whose reference table lost its column
separators), Markdown and HTML. Everything here is pure: text in, structures out.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .citation import parse_citation
from .figures import Quantity, stated_quantities
from .normalize import fold, name_key
from .textfile import read_text


@dataclass(frozen=True)
class Block:
    """A paragraph (or heading, list item, table row) and the article line it starts on."""

    line: int
    text: str
    heading: bool = False
    #: Offsets in ``text`` where the block's 2nd, 3rd… source lines begin.
    breaks: tuple[int, ...] = ()

    def line_at(self, offset: int) -> int:
        return self.line + bisect.bisect_right(self.breaks, offset)


def _joined(start: int, lines: list[str], heading: bool = False) -> Block:
    breaks, pos = [], 0
    for line in lines[:-1]:
        pos += len(line) + 1
        breaks.append(pos)
    return Block(start, " ".join(lines), heading, tuple(breaks))


@dataclass(frozen=True)
class Sentence:
    line: int
    text: str
    paragraph: int


@dataclass(frozen=True)
class Reference:
    """One entry of the reference list."""

    line: int
    printed: str  # the entry as printed (ids removed)
    citation: str | None  # "Surname et al., Journal (Year)" when it reads as one
    surname: str | None
    year: int | None
    pmid: int | None = None
    doi: str | None = None

    @property
    def key(self) -> str:
        return f"{name_key(self.surname or '?')}-{self.year or 'n.d.'}"


@dataclass(frozen=True)
class InText:
    """An in-text citation: "(Chien et al., 1998)", "Dominari et al."."""

    line: int
    surname: str
    year: int | None
    text: str
    sentence: int  # index into Article.sentences


@dataclass(frozen=True)
class Article:
    path: Path
    title: str | None
    blocks: tuple[Block, ...]
    sentences: tuple[Sentence, ...]
    references: tuple[Reference, ...]
    citations: tuple[InText, ...]
    reference_heading_line: int | None = None
    lines: tuple[str, ...] = field(default=(), repr=False)


# --- reading formats ---------------------------------------------------------------------

_BLOCK_TAGS = {
    "p",
    "div",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "table",
    "section",
    "article",
    "blockquote",
    "dd",
    "dt",
    "caption",
    "title",
    "ul",
    "ol",
}
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class _HtmlBlocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.start = 1
        self.heading = False
        self.skip = 0
        self.title: str | None = None
        self.in_title = False

    def flush(self) -> None:
        text = " ".join("".join(self.parts).split())
        if text:
            self.blocks.append(Block(self.start, text, self.heading))
        self.parts = []
        self.heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        if tag in _BLOCK_TAGS:
            self.flush()
            self.start = self.getpos()[0]
            self.heading = tag in _HEADING_TAGS
        if tag == "title":
            self.in_title = True
        if tag in ("td", "th"):
            self.parts.append(" | ")
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if "pubmed" in href or "doi.org" in href:
                self.parts.append(f" {href} ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        if tag == "title":
            self.in_title = False
        if tag in _BLOCK_TAGS:
            self.flush()
            self.start = self.getpos()[0]

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.in_title:
            self.title = (self.title or "") + data.strip()
            return
        if not "".join(self.parts).strip() and data.strip():
            leading = data[: len(data) - len(data.lstrip())]
            self.start = self.getpos()[0] + leading.count("\n")
        self.parts.append(data)


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


def _markdown_blocks(text: str) -> tuple[list[Block], str | None]:
    blocks: list[Block] = []
    title = None
    para: list[str] = []
    start = 1
    for number, raw in enumerate(text.splitlines(), 1):
        line = _MD_LINK.sub(lambda m: f"{m.group(1)} {m.group(2)}", raw)
        line = _MD_EMPHASIS.sub(r"\2", line)
        heading = _MD_HEADING.match(line)
        is_item = re.match(r"^\s*(?:[-*+]|\d+[.)])\s+", line) or line.lstrip().startswith("|")
        if (not line.strip() or heading or is_item) and para:
            blocks.append(_joined(start, para))
            para = []
        if heading:
            blocks.append(Block(number, heading.group(1), heading=True))
            if title is None and raw.lstrip().startswith("# "):
                title = heading.group(1)
            continue
        if is_item:
            if not re.match(r"^\s*\|?\s*:?-{3,}", line):  # not a table rule
                blocks.append(Block(number, line.strip().strip("|").strip()))
            continue
        if line.strip():
            if not para:
                start = number
            para.append(line.strip())
    if para:
        blocks.append(_joined(start, para))
    return blocks, title


def _text_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    para: list[str] = []
    start = 1
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.strip():
            if not para:
                start = number
            para.append(raw.strip())
        elif para:
            blocks.append(_joined(start, para, _looks_like_heading(para)))
            para = []
    if para:
        blocks.append(_joined(start, para, _looks_like_heading(para)))
    return blocks


def _looks_like_heading(para: list[str]) -> bool:
    text = " ".join(para)
    return len(para) == 1 and len(text) < 60 and not re.search(r"[.!?:;,]$", text)


def detect_format(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown"):
        return "markdown"
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html")):
        return "html"
    return "text"


# --- sentences -----------------------------------------------------------------------------

# Words after which a period does not end a sentence.
_NO_BREAK = re.compile(
    r"(?:\bet al|\bvs|\be\.g|\bi\.e|\bFig|\bNo|\bDr|\bcf|\bapprox|\bca|\bSt|\b[A-Z])\.$"
)


def split_sentences(text: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?]['\")\]]*\s+(?=[A-Z\"'(\[])", text):
        candidate = text[start : m.end()].strip()
        # The longest word _NO_BREAK knows ("approx.") and the character before it fit in the
        # last 12 characters: searching only those keeps the split linear in the text.
        if _NO_BREAK.search(text[max(0, m.start() - 11) : m.start() + 1]):
            continue
        sentences.append(candidate)
        start = m.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


# --- references ------------------------------------------------------------------------------

_REFERENCE_HEADING = re.compile(
    r"^\s*(?:\d+\.?\s*)?(references|bibliography|sources|works cited|literature cited|citations)"
    r"\s*:?\s*$",
    re.IGNORECASE,
)
_PMID_LABELLED = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.IGNORECASE)
_PUBMED_LINK = re.compile(
    r"(?:https?://)?(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|"
    r"ncbi\.nlm\.nih\.gov/pubmed)/(\d{1,9})/?"
)
_DOI = re.compile(
    r"\b(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(10\.\d{4,9}/[^\s\"<>|]+)", re.IGNORECASE
)
_TRAILING_PMID = re.compile(r"(?:^|\s|\|)(\d{6,9})\s*\|?\s*$")
_CITATION_PREFIX = re.compile(r"^(.+?[\(\[]\s*(?:1[6-9]|20)\d\d[a-z]?\s*[\)\]])")


def _reference(block: Block) -> Reference | None:
    text = block.text.strip().strip("|").strip()
    text = re.sub(r"^\s*(?:\[\d+\]|\d+[.)])\s+", "", text)
    pmid = None
    doi = None
    for pattern in (_PMID_LABELLED, _PUBMED_LINK):
        m = pattern.search(text)
        if m:
            pmid = int(m.group(1))
            text = (text[: m.start()] + text[m.end() :]).strip()
            break
    d = _DOI.search(text)
    if d:
        doi = d.group(1).rstrip(".,;)")
        text = (text[: d.start()] + text[d.end() :]).strip()
    if pmid is None:
        m = _TRAILING_PMID.search(text)
        if m:  # a reference table whose PMID column lost its separator
            pmid = int(m.group(1))
            text = text[: m.start()].strip()
    if pmid is None and doi is None:
        return None
    text = " ".join(text.replace("|", " ").split()).rstrip(" .;,")
    printed = text
    prefix = _CITATION_PREFIX.match(text)
    candidate = prefix.group(1) if prefix else text
    parsed = parse_citation(candidate)
    citation = None
    if parsed.first_author and parsed.year and parsed.journal:
        citation = candidate.strip()
    return Reference(
        line=block.line,
        printed=printed,
        citation=citation,
        surname=parsed.first_author if citation else None,
        year=parsed.year if citation else None,
        pmid=pmid,
        doi=doi,
    )


# --- in-text citations -------------------------------------------------------------------------

_NAME = r"[A-Z][\w'’\-]+(?:\s+(?:van|von|de|der|den|del|da|di|la|le)\s+[A-Z][\w'’\-]+)?"
_PAREN_PART = re.compile(
    rf"^\s*(?:see\s+|e\.g\.,?\s+)?(?P<name>{_NAME}(?:\s+{_NAME})?)"
    rf"(?:\s+et al\.?|\s+(?:and|&)\s+{_NAME})?,?\s+(?P<year>(?:1[6-9]|20)\d\d)[a-z]?\s*$"
)
_YEAR_PAREN = r"\s*[\(\[](?P<{g}>(?:1[6-9]|20)\d\d)[a-z]?[\)\]]"
# "Chien et al." / "Chien et al. (1998)" / "Smith and Jones (2007)"; "TLR-9 and TLR-2" is no
# citation, so a two-name form needs its year.
_NARRATIVE = re.compile(
    rf"\b(?P<name>{_NAME})\s+(?:et al\.?(?:{_YEAR_PAREN.format(g='year')})?"
    rf"|(?:and|&)\s+{_NAME}{_YEAR_PAREN.format(g='year2')})"
)


def in_text_citations(sentence: str) -> list[tuple[str, int | None, str]]:
    """(surname, year, as printed) of each citation in a sentence."""
    found: list[tuple[str, int | None, str]] = []
    covered: list[tuple[int, int]] = []
    for m in re.finditer(r"\(([^()]+)\)", sentence):
        parts = m.group(1).split(";")
        hits = [_PAREN_PART.match(p) for p in parts]
        if any(hits):
            covered.append(m.span())
            for part, hit in zip(parts, hits, strict=True):
                if hit:
                    found.append((hit.group("name"), int(hit.group("year")), part.strip()))
    starts = [a for a, _ in covered]  # in order, not overlapping: a binary search finds one
    for m in _NARRATIVE.finditer(sentence):
        k = bisect.bisect_right(starts, m.start()) - 1
        if k >= 0 and m.start() < covered[k][1]:
            continue
        year_text = m.group("year") or m.group("year2")
        found.append((m.group("name"), int(year_text) if year_text else None, m.group(0)))
    return found


def citation_free(sentence: str) -> str:
    """The sentence without its citation parentheticals (whose years are not figures) and
    without trial-phase labels ("Phase 2")."""

    def drop(m: re.Match[str]) -> str:
        parts = m.group(1).split(";")
        return "" if any(_PAREN_PART.match(p) for p in parts) else m.group(0)

    text = re.sub(r"\(([^()]+)\)", drop, sentence)
    text = _NARRATIVE.sub("", text)
    return re.sub(r"\bphase\s+(?:\d+|[IV]+)\b", "", text, flags=re.IGNORECASE)


def stated_figures(sentence: str) -> tuple[Quantity, ...]:
    return stated_quantities(citation_free(sentence))


# --- the whole article ---------------------------------------------------------------------------


def read_article(path: Path, text: str | None = None) -> Article:
    """Read and analyse an article file (or the given ``text`` as if it were that file)."""
    if text is None:
        text = read_text(path, "article").text
    fmt = detect_format(path, text)
    title: str | None = None
    if fmt == "html":
        parser = _HtmlBlocks()
        parser.feed(text)
        parser.close()
        parser.flush()
        blocks, title = parser.blocks, parser.title
        if title:
            title = html.unescape(title)
    elif fmt == "markdown":
        blocks, title = _markdown_blocks(text)
    else:
        blocks = _text_blocks(text)
    return analyse(path, blocks, title, tuple(text.splitlines()), line_based=fmt != "html")


def analyse(
    path: Path,
    blocks: list[Block],
    title: str | None,
    lines: tuple[str, ...] = (),
    *,
    line_based: bool = False,
) -> Article:
    """Sentences, references and citations of an article's blocks. With ``line_based``, the
    reference list is read line by line from ``lines`` (a list copied from a web page keeps one
    entry per line, with no blank line between them)."""
    ref_start = next((i for i, b in enumerate(blocks) if _REFERENCE_HEADING.match(b.text)), None)
    body = blocks if ref_start is None else blocks[:ref_start]
    references: list[Reference] = []
    if ref_start is not None:
        candidates = blocks[ref_start + 1 :]
        if line_based and lines:
            first = blocks[ref_start].line + 1
            candidates = [
                Block(n, lines[n - 1].strip(), heading=bool(_MD_HEADING.match(lines[n - 1])))
                for n in range(first, len(lines) + 1)
                if lines[n - 1].strip()
            ]
        for block in candidates:
            if block.heading and references and not _reference(block):
                break
            ref = _reference(block)
            if ref is not None:
                references.append(ref)
    sentences: list[Sentence] = []
    citations: list[InText] = []
    for p_index, block in enumerate(body):
        if block.heading:
            continue
        pos = 0
        for text in split_sentences(block.text):
            index = len(sentences)
            found = block.text.find(text, pos)
            pos = found if found >= 0 else pos
            line = block.line_at(pos)
            sentences.append(Sentence(line, text, p_index))
            for name, year, printed in in_text_citations(text):
                offset = block.text.find(printed, pos)
                citations.append(
                    InText(
                        block.line_at(offset if offset >= 0 else pos), name, year, printed, index
                    )
                )
    return Article(
        path=path,
        title=title,
        blocks=tuple(blocks),
        sentences=tuple(sentences),
        references=tuple(references),
        citations=tuple(citations),
        reference_heading_line=blocks[ref_start].line if ref_start is not None else None,
        lines=lines,
    )


@dataclass(frozen=True)
class Link:
    """What an in-text citation resolves to: one reference, or why not."""

    citation: InText
    reference: Reference | None
    problem: str | None = None


def link(citation: InText, references: Iterable[Reference]) -> Link:
    refs = [
        r for r in references if r.surname and name_key(r.surname) == name_key(citation.surname)
    ]
    if citation.year is not None:
        same_year = [r for r in refs if r.year == citation.year]
        if len(same_year) == 1:
            return Link(citation, same_year[0])
        if not same_year:
            return Link(citation, None, "no reference entry matches it")
        return Link(citation, None, "several reference entries match it")
    if len(refs) == 1:
        return Link(citation, refs[0])
    if not refs:
        return Link(citation, None, "no reference entry matches it")
    years = ", ".join(str(r.year) for r in refs)
    return Link(citation, None, f"it gives no year and the reference list has {years}")


def text_in_article(text: str, article: Article) -> bool:
    """Whether ``text`` (a claim's sentence) still appears in the article, up to case,
    punctuation and line breaks."""
    needle = fold(text)
    if not needle:
        return True
    haystack = fold(" ".join(b.text for b in article.blocks))
    return needle in haystack
