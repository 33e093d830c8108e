"""What reading an article yields: blocks, sentences, references, in-text citations."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

from ..normalize import name_key


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


def joined(start: int, lines: list[str], heading: bool = False) -> Block:
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
    #: The sentence without its citations (whose numbers are never stated figures).
    plain: str = ""
    #: The heading the sentence stands under ("Methods", "Results"…), if any.
    section: str | None = None


@dataclass(frozen=True)
class Reference:
    """One entry of the reference list, and what could be read from it with confidence.
    A field that could not be read is ``None`` (or empty), never a guess."""

    line: int
    printed: str  # the entry as printed (list number, bullet and identifiers removed)
    citation: str | None  # "Surname et al., Journal (Year)" when it reads as one
    surname: str | None
    year: int | None
    pmid: int | None = None
    doi: str | None = None
    #: The entry's number in a numbered list ("12." / "[12]"), else None.
    number: int | None = None
    authors: tuple[str, ...] = ()  # as printed: "Smith JA", "Smith, J. A.", "WHO"
    et_al: bool = False  # the author list was cut with "et al."
    title: str | None = None
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    pmcid: str | None = None
    year_suffix: str = ""  # the "a" of "2004a"

    @property
    def key(self) -> str:
        return f"{name_key(self.surname or '?')}-{self.year or 'n.d.'}"


@dataclass(frozen=True)
class InText:
    """An in-text citation: "(Chien et al., 1998)", "Dominari et al.", or one number of
    "[3–5]" (``number``; ``surname`` is then empty)."""

    line: int
    surname: str
    year: int | None
    text: str
    sentence: int  # index into Article.sentences
    number: int | None = None
    year_suffix: str = ""


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


@dataclass(frozen=True)
class Link:
    """What an in-text citation resolves to: one reference, or why not."""

    citation: InText
    reference: Reference | None
    problem: str | None = None
