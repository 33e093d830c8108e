"""Evidence: the passages of a source that bear on a claim (#13).

This module holds the types every report reads; the pure code that finds the passages lives
beside them. A passage is plain text as the source has it (abstract sentence or full-text
sentence), with the character spans of what matched, so that every format can show or
highlight the stated numbers without parsing anything again.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .figures import (
    FigureStatus,
    FigureVerdict,
    Match,
    Quantity,
    Section,
    pool_of,
)
from .lazyre import lazy_compile


class PassageKind(enum.Enum):
    """Why a passage is shown."""

    FOUND = "found"  # the stated number is in this sentence, as stated
    ROUNDED = "rounded"  # the sentence has the number the stated one rounds
    CLOSEST = "closest"  # the number is not there: the nearest sentence (by words/numbers)
    RELEVANT = "relevant"  # ranked as relevant to the claim's text (BM25), no number asked

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Passage:
    """One sentence of a source, with what in it matched."""

    text: str
    #: Where it is: "title", "abstract", "abstract: RESULTS", "full text: Results"…
    where: str
    kind: PassageKind
    #: Character offsets ``(start, end)`` into ``text`` of each matched number or word.
    spans: tuple[tuple[int, int], ...] = ()
    #: The stated figure this passage is evidence for (``None`` for a RELEVANT passage).
    figure: str | None = None
    #: The ranking score of a RELEVANT passage.
    score: float | None = None


# --- Finding the passages -------------------------------------------------------------------
#
# Pure. The record's title and abstract (and, when consulted, the PMC full-text sections) are
# split into sentences once per claim; each stated number's verdict is shown with the sentence
# where ``figures.judge`` found it, each missing number with the sentence nearest to it, and a
# claim's ``text`` with the abstract sentences BM25 ranks highest. Every span is found in the
# sentence itself, so ``text[start:end]`` is always what matched.


#: At most this many RELEVANT passages per claim.
MAX_RELEVANT = 3
#: A passage longer than this is cut around its spans by the human formats (not here).
#: Where a record's abstract starts a new labelled section (``Record.abstract`` joins them
#: with a line break; other breaks inside a section are the XML's and mean nothing).
_PART_BREAK = lazy_compile(r"\n(?=[A-Z][A-Za-z0-9 ,&/()'-]{0,60}?:\s)")
_NUMERIC_CORE = lazy_compile(r"\d(?:[\d.,]*\d)?")
_LABEL = lazy_compile(r"^([A-Z][A-Za-z0-9 ,&/()'-]{0,60}?):\s+")
_WORD = lazy_compile(r"[A-Za-z0-9]+(?:[.,]\d+)*")
_STOPWORDS = frozenset(
    """a an the and or of in on at to for with by from as is are was were be been being that
    this these those it its than then there their which who whom whose what when where while
    also not no but into over under after before between during among per vs versus via
    showed show shows found find finds study studies reported report reports compared
    significantly significant patients""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Sentence:
    """One sentence of a source, and where it is."""

    where: str
    text: str


def sentences_of(
    sections: Sequence[Section], fulltext: Sequence[Section] = ()
) -> tuple[Sentence, ...]:
    """The sentences of a record's sections ("title", "abstract", with each labelled abstract
    section "RESULTS: …" as ``abstract: RESULTS``) and of full-text sections."""
    # NOTE: imported here: the article package (readers, in-text citations, references) costs
    # every run's start-up, and only a claim with figures or text needs sentences.
    from .article.sentences import split_sentences

    out: list[Sentence] = []
    for section in sections:
        for line in _PART_BREAK.split(section.text):
            line = " ".join(line.split())  # noqa: PLW2901  (markup's line breaks, indents)
            where = section.title
            label = _LABEL.match(line) if section.title == "abstract" else None
            body = line
            if label is not None:
                where = f"abstract: {label.group(1)}"
                body = line[label.end() :]
            out.extend(Sentence(where, s) for s in split_sentences(body) if s)
    for section in fulltext:
        where = f"full text: {section.title}"
        for line in section.text.splitlines():
            out.extend(Sentence(where, s) for s in split_sentences(" ".join(line.split())) if s)
    return tuple(out)


def _in_section(sentence: Sentence, where: str | None) -> bool:
    if where is None:
        return False
    return sentence.where == where or sentence.where.startswith(where + ": ")


def _number_spans(text: str, shown: Sequence[str]) -> tuple[tuple[int, int], ...]:
    """Where each of the numbers ``shown`` (as printed) is in ``text``."""
    spans: list[tuple[int, int]] = []
    for number in dict.fromkeys(shown):
        if not number:
            continue
        pattern = re.compile(r"(?<![\w.])" + re.escape(number) + r"(?![\d])")
        m = pattern.search(text)
        if m is None:  # printed otherwise ("19 %", "1 480"): its leading digits
            digits = re.match(r"-?[\d.,]*\d", number)
            if digits:
                m = re.search(r"(?<![\w.,])" + re.escape(digits.group()) + r"(?![\d])", text)
        if m is not None:
            spans.append((m.start(), m.end()))
    return tuple(sorted(set(spans)))


def _figure_passage(
    stated: Quantity,
    verdict: FigureVerdict,
    sentences: Sequence[Sentence],
    terms: Sequence[list[str]],
    words: frozenset[str],
) -> Passage | None:
    if verdict.status in (FigureStatus.FOUND, FigureStatus.FOUND_IN_FULLTEXT, FigureStatus.ROUNDED):
        wanted = {Match.FOUND} if verdict.status is not FigureStatus.ROUNDED else {Match.ROUNDED}
        kind = PassageKind.ROUNDED if verdict.status is FigureStatus.ROUNDED else PassageKind.FOUND
        candidates = [s for s in sentences if _in_section(s, verdict.where)]
        # Extracting every sentence's numbers is the cost: those that print the matched
        # number's digits first, the others only if none of those has it.
        digits = _NUMERIC_CORE.search(verdict.matched or "")
        if digits is not None:
            likely = [s for s in candidates if digits.group() in s.text]
            candidates = likely + [s for s in candidates if digits.group() not in s.text]
        for s in candidates:
            outcome, found = pool_of(s.text).match(stated)
            if outcome in wanted and found is not None:
                return Passage(
                    s.text, s.where, kind, _number_spans(s.text, [found.text]), stated.text
                )
        for s in candidates:  # the number straddles a sentence break: where its text is
            spans = _number_spans(s.text, [verdict.matched or ""])
            if spans:
                return Passage(s.text, s.where, kind, spans, stated.text)
        return None
    if verdict.status is FigureStatus.NOT_FOUND:
        return _closest(stated, verdict, sentences, terms, words)
    return None


def _closest(
    stated: Quantity,
    verdict: FigureVerdict,
    sentences: Sequence[Sentence],
    terms: Sequence[list[str]],
    words: frozenset[str],
) -> Passage | None:
    """The sentence sharing most of the nearest numbers and of the claim's words."""
    best: tuple[float, int, Sentence, tuple[tuple[int, int], ...]] | None = None
    for i, s in enumerate(sentences):
        if s.where.startswith("full text"):
            continue
        near = [n for n in verdict.closest if n in s.text]
        spans = _number_spans(s.text, near) if near else ()
        shared = len(words & set(terms[i]))
        score = 2.0 * len(spans) + shared
        if score > 0 and (best is None or score > best[0]):
            best = (score, i, s, spans)
    if best is None:
        return None
    _, _, s, spans = best
    return Passage(s.text, s.where, PassageKind.CLOSEST, spans, stated.text)


def _term(word: str) -> str | None:
    """A lower-case word as a BM25 term: None for a stopword, a plural's final "s" dropped."""
    if word in _STOPWORDS or (len(word) < 2 and not word.isdigit()):
        return None
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Lower-case content words, a plural's final "s" dropped: BM25's terms."""
    return [t for t in map(_term, _WORD.findall(text.lower())) if t is not None]


def _word_spans(text: str, terms: frozenset[str]) -> tuple[tuple[int, int], ...]:
    return tuple(
        (m.start(), m.end()) for m in _WORD.finditer(text) if _term(m.group().lower()) in terms
    )


def relevant(
    text: str,
    sentences: Sequence[Sentence],
    n: int = MAX_RELEVANT,
    terms: Sequence[list[str]] | None = None,
) -> tuple[Passage, ...]:
    """The ``n`` title and abstract sentences BM25 ranks highest for ``text`` (score > 0);
    ``terms``: each sentence's ``tokens``, when already known."""
    known = terms if terms is not None else [tokens(s.text) for s in sentences]
    kept = [i for i, s in enumerate(sentences) if not s.where.startswith("full text")]
    pool = [sentences[i] for i in kept]
    corpus = [known[i] for i in kept]
    query = tokens(text)
    wanted = frozenset(query)
    if not pool or not wanted & {t for doc in corpus for t in doc}:
        return ()
    import bm25s  # numpy behind it: imported only when a claim has text

    ranker = bm25s.BM25()
    ranker.index([doc or [""] for doc in corpus], show_progress=False)
    scores = ranker.get_scores(query)
    ranked = sorted(range(len(pool)), key=lambda i: (-float(scores[i]), i))
    out = []
    for i in ranked[:n]:
        if float(scores[i]) <= 0:
            break
        s = pool[i]
        out.append(
            Passage(
                s.text,
                s.where,
                PassageKind.RELEVANT,
                _word_spans(s.text, wanted),
                None,
                round(float(scores[i]), 3),
            )
        )
    return tuple(out)


def find_evidence(
    text: str | None,
    stated: Sequence[Quantity],
    verdicts: Sequence[FigureVerdict],
    sections: Sequence[Section],
    fulltext: Sequence[Section] = (),
) -> tuple[Passage, ...]:
    """Every passage for one claim: one per stated number (in the claim's order) that has a
    sentence to show, then up to ``MAX_RELEVANT`` sentences relevant to ``text`` that are not
    shown already."""
    if not stated and not text:
        return ()
    sentences = sentences_of(sections, fulltext)
    terms = [tokens(s.text) if not s.where.startswith("full text") else [] for s in sentences]
    words = frozenset(tokens(text or ""))
    passages: list[Passage] = []
    for quantity, verdict in zip(stated, verdicts, strict=False):
        passage = _figure_passage(quantity, verdict, sentences, terms, words)
        if passage is not None:
            passages.append(passage)
    if text:
        shown = {p.text for p in passages}
        passages.extend(
            p
            for p in relevant(text, sentences, MAX_RELEVANT + len(shown), terms)
            if p.text not in shown
        )
    figures = [p for p in passages if p.kind is not PassageKind.RELEVANT]
    ranked = [p for p in passages if p.kind is PassageKind.RELEVANT][:MAX_RELEVANT]
    return (*figures, *ranked)
