"""Reading a whole article: its blocks, its reference list, then its sentences with the
citations each holds (numbered ones in the forms the article uses)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..normalize import name_key
from ..textfile import read_text
from .intext import Found, choose_forms, find, without_citations
from .model import Article, Block, InText, Sentence
from .readers import HtmlBlocks, detect_format, markdown_blocks, text_blocks
from .references import reference_list
from .sentences import split_sentences


def read_article(path: Path, text: str | None = None) -> Article:
    """Read and analyse an article file (or the given ``text`` as if it were that file)."""
    if text is None:
        text = read_text(path, "article").text
    fmt = detect_format(path, text)
    title: str | None = None
    if fmt == "html":
        parser = HtmlBlocks()
        parser.feed(text)
        parser.close()
        parser.flush()
        blocks, title = parser.blocks, parser.title
        if title:
            title = html.unescape(title)
    elif fmt == "markdown":
        blocks, title = markdown_blocks(text)
    else:
        blocks = text_blocks(text)
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
    reference list is read line by line from ``lines``."""
    ref_start, references = reference_list(blocks, lines, line_based=line_based)
    body = blocks if ref_start is None else blocks[:ref_start]
    numbers = [r.number for r in references if r.number is not None]
    highest = max(numbers) if numbers and len(numbers) * 2 >= len(references) else 0
    surnames = frozenset(name_key(r.surname) for r in references if r.surname)

    pieces: list[tuple[int, Block, str, int, str | None]] = []
    section: str | None = None
    for p_index, block in enumerate(body):
        if block.heading:
            section = block.text
            continue
        pos = 0
        for text in split_sentences(block.text):
            found_at = block.text.find(text, pos)
            pos = found_at if found_at >= 0 else pos
            pieces.append((p_index, block, text, pos, section))
    forms = choose_forms((p[2] for p in pieces), highest) if highest else frozenset()

    sentences: list[Sentence] = []
    citations: list[InText] = []
    for p_index, block, text, pos, section in pieces:
        index = len(sentences)
        found = find(text, highest=highest, forms=forms, surnames=surnames)
        if forms:  # "John et al. [13]": where numbers cite, the number is the citation
            found = [f for f in found if not f.narrative]
        sentences.append(
            Sentence(block.line_at(pos), text, p_index, without_citations(text, found), section)
        )
        for hit in found:
            citations += _in_text(hit, block, pos, index)
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


def _in_text(hit: Found, block: Block, pos: int, index: int) -> list[InText]:
    line = block.line_at(pos + hit.start)
    text = re.sub(r"\s+", " ", hit.text).strip()
    if hit.numbers:
        return [InText(line, "", None, text, index, number=n) for n in dict.fromkeys(hit.numbers)]
    return [InText(line, hit.surname, hit.year, text, index, year_suffix=hit.year_suffix)]
