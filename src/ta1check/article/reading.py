"""Reading a whole article: its blocks, its reference list, then its sentences with the
citations each holds (numbered ones in the forms the article uses)."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..normalize import name_key
from ..textfile import TextFileError, read_bytes, read_text
from .intext import Found, choose_forms, find, value_series, without_citations
from .jats import JatsError, read_jats
from .model import Article, Block, InText, Reference, Sentence
from .readers import HtmlBlocks, detect_format, markdown_blocks, text_blocks
from .references import reference_list
from .sentences import split_sentences
from .word import WordError, read_word


def read_article(path: Path, text: str | None = None) -> Article:
    """Read and analyse an article file (or the given ``text`` as if it were that file):
    Markdown, HTML, plain text, Word .docx or JATS XML, by its extension, else by its
    content. Raises ``TextFileError`` (one line naming the file) for one it cannot read."""
    raw: bytes | None = None
    if text is None:
        raw = read_bytes(path, "article")
        if path.suffix.lower() in (".docx", ".docm") or raw.startswith(b"PK\x03\x04"):
            try:
                word = read_word(raw)
            except WordError as exc:
                raise TextFileError(f"{path}: {exc}") from None
            return analyse(path, list(word.blocks), word.title)
        text = read_text(path, "article", raw).text
    fmt = detect_format(path, text)
    title: str | None = None
    if fmt == "jats":
        try:
            jats = read_jats(raw if raw is not None else text.encode("utf-8"))
        except JatsError as exc:
            raise TextFileError(f"{path}: {exc}") from None
        return analyse(
            path,
            list(jats.blocks),
            jats.title,
            tuple(text.splitlines()),
            references=jats.references,
            reference_heading_line=jats.reference_heading_line,
            marked=jats.cites,
        )
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
    references: Sequence[Reference] | None = None,
    reference_heading_line: int | None = None,
    marked: Mapping[int, Sequence[Found]] | None = None,
) -> Article:
    """Sentences, references and citations of an article's blocks. With ``line_based``, the
    reference list is read line by line from ``lines``. A format that marks its references
    and citations (JATS) gives them: ``references``, and ``marked``, the citations of each
    block (by index) as spans of its text; no other citation is then looked for."""
    if references is None:
        ref_start, found_refs = reference_list(blocks, lines, line_based=line_based)
        references = found_refs
        body = blocks if ref_start is None else blocks[:ref_start]
        if ref_start is not None:
            reference_heading_line = blocks[ref_start].line
    else:
        body = blocks
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
    forms = (
        choose_forms((p[2] for p in pieces), highest) if highest and marked is None else frozenset()
    )

    sentences: list[Sentence] = []
    citations: list[InText] = []
    cited_before = 0
    for p_index, block, text, pos, section in pieces:
        index = len(sentences)
        if marked is not None:
            found = _marked_in(marked.get(p_index, ()), pos, len(text))
        else:
            found = find(text, highest=highest, forms=forms, surnames=surnames)
            codes = value_series(text, found, cited_before, highest)
            found = [f for i, f in enumerate(found) if i not in codes]
        cited_before = max([cited_before, *(n for f in found for n in f.numbers)])
        spans = found
        if forms:  # "John et al. [13]": where numbers cite, the number is the citation (and
            # the narrative's own year, "Almeida et al^1^ (2009)", is still no figure)
            found = [f for f in found if not f.narrative]
        sentences.append(
            Sentence(block.line_at(pos), text, p_index, without_citations(text, spans), section)
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
        reference_heading_line=reference_heading_line,
        lines=lines,
    )


def _marked_in(spans: Sequence[Found], start: int, length: int) -> list[Found]:
    """The spans that begin in the sentence at ``start``, in the sentence's offsets."""
    return [
        Found(
            f.start - start,
            min(f.end, start + length) - start,
            f.text,
            f.surname,
            f.year,
            f.year_suffix,
            f.numbers,
        )
        for f in spans
        if start <= f.start < start + length
    ]


def _in_text(hit: Found, block: Block, pos: int, index: int) -> list[InText]:
    line = block.line_at(pos + hit.start)
    text = re.sub(r"\s+", " ", hit.text).strip()
    if hit.numbers:
        return [InText(line, "", None, text, index, number=n) for n in dict.fromkeys(hit.numbers)]
    return [InText(line, hit.surname, hit.year, text, index, year_suffix=hit.year_suffix)]
