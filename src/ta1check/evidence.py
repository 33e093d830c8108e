"""Evidence: the passages of a source that bear on a claim (#13).

This module holds the types every report reads; the pure code that finds the passages lives
beside them. A passage is plain text as the source has it (abstract sentence or full-text
sentence), with the character spans of what matched, so that every format can show or
highlight the stated numbers without parsing anything again.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


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
