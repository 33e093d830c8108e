"""Readers: an article file's text as blocks (paragraphs, headings, list items) with the
line each starts on. Plain text (including text copied from a web page whose reference table
lost its column separators), Markdown and HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from ..lazyre import lazy_compile
from .model import Block, joined

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


class HtmlBlocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.start = 1
        self.heading = False
        self.skip = 0
        self.title: str | None = None
        self.in_title = False
        #: The next item number of each open list (None for a <ul>).
        self.lists: list[int | None] = []
        self.prefix = ""

    def flush(self) -> None:
        text = " ".join("".join(self.parts).split())
        if text:
            self.blocks.append(Block(self.start, self.prefix + text, self.heading))
        self.parts = []
        self.heading = False
        self.prefix = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        if tag in _BLOCK_TAGS:
            self.flush()
            self.start = self.getpos()[0]
            self.heading = tag in _HEADING_TAGS
        if tag == "title":
            self.in_title = True
        if tag in ("ol", "ul"):
            first = dict(attrs).get("start") or "1"
            self.lists.append(int(first) if tag == "ol" and first.isdigit() else None)
        if tag == "li" and self.lists and self.lists[-1] is not None:
            # an ordered list's numbers are not in its text: a numbered reference list's are
            self.prefix = f"{self.lists[-1]}. "
            self.lists[-1] += 1
        if tag == "sup":  # superscript citation numbers keep their markup: "^3,5^"
            self.parts.append("^")
        if tag in ("td", "th"):
            self.parts.append(" | ")
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if "pubmed" in href or "doi.org" in href:
                self.parts.append(f" {href} ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "sup":
            self.parts.append("^")
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        if tag == "title":
            self.in_title = False
        if tag in ("ol", "ul") and self.lists:
            self.lists.pop()
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


_MD_LINK = lazy_compile(r"!?\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
MD_HEADING = lazy_compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_MD_SUP = lazy_compile(r"<sup>\s*([^<>]{0,60}?)\s*</sup>", re.IGNORECASE)
_MD_EMPHASIS = lazy_compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


def markdown_blocks(text: str) -> tuple[list[Block], str | None]:
    blocks: list[Block] = []
    title = None
    para: list[str] = []
    start = 1
    for number, raw in enumerate(text.splitlines(), 1):
        line = _MD_LINK.sub(lambda m: f"{m.group(1)} {m.group(2)}", raw)
        line = _MD_SUP.sub(r"^\1^", line)  # inline HTML superscripts, as HTML reads them
        line = _MD_EMPHASIS.sub(r"\2", line)
        heading = MD_HEADING.match(line)
        is_item = re.match(r"^\s*(?:[-*+]|\d+[.)])\s+", line) or line.lstrip().startswith("|")
        if (not line.strip() or heading or is_item) and para:
            blocks.append(joined(start, para))
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
        blocks.append(joined(start, para))
    return blocks, title


def text_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    para: list[str] = []
    start = 1
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.strip():
            if not para:
                start = number
            para.append(raw.strip())
        elif para:
            blocks.append(joined(start, para, _looks_like_heading(para)))
            para = []
    if para:
        blocks.append(joined(start, para, _looks_like_heading(para)))
    return blocks


def _looks_like_heading(para: list[str]) -> bool:
    text = " ".join(para)
    return len(para) == 1 and len(text) < 60 and not re.search(r"[.!?:;,]$", text)


def detect_format(path: Path, text: str) -> str:
    """ "markdown", "html", "jats" or "text" (a .docx is told by its bytes, before any text)."""
    from .jats import looks_like_jats

    suffix = path.suffix.lower()
    if suffix in (".nxml", ".jats") or (suffix == ".xml" and looks_like_jats(text)):
        return "jats"
    if suffix in (".md", ".markdown"):
        return "markdown"
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html")):
        return "html"
    if suffix == ".xml" or looks_like_jats(text):
        return "jats"
    return "text"
