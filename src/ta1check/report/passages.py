"""Evidence passages as the human formats show them: a sentence cut to a readable length
around what matched, with the matched spans kept (shifted) so each format can emphasise them
its own way."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..evidence import Passage, PassageKind

#: A passage longer than this is cut around its spans, with "…" where it was cut.
WIDTH = 220


def excerpt(p: Passage, width: int = WIDTH) -> tuple[str, tuple[tuple[int, int], ...]]:
    """``p.text`` cut to about ``width`` characters around its spans, and the spans within it."""
    text, spans = p.text, p.spans
    if len(text) <= width:
        return text, spans
    first = spans[0][0] if spans else 0
    last = spans[-1][1] if spans else 0
    start = max(0, min(first - width // 4, len(text) - width))
    if last - start > width:  # spans far apart: keep the first ones
        last = start + width
    end = min(len(text), start + width)
    if start > 0:  # start and end at a word's edge, when one is near
        space = text.find(" ", start, min(first, start + 20))
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", max(last, end - 20), end)
        end = space if space >= 0 else end
    cut = text[start:end]
    shift = 0
    if start > 0:
        cut, shift = "…" + cut, 1 - start
    else:
        shift = 0
    if end < len(text):
        cut += "…"
    kept = tuple((s + shift, e + shift) for s, e in spans if s >= start and e <= end)
    return cut, kept


def pieces(p: Passage, width: int = WIDTH) -> list[tuple[str, bool]]:
    """The excerpt as (text, emphasised) pieces, in order."""
    text, spans = excerpt(p, width)
    out: list[tuple[str, bool]] = []
    at = 0
    for s, e in spans:
        if s < at:
            continue  # overlapping spans: the first one wins
        if s > at:
            out.append((text[at:s], False))
        out.append((text[s:e], True))
        at = e
    if at < len(text):
        out.append((text[at:], False))
    return out


def marked(p: Passage, width: int = WIDTH, open_: str = "«", close: str = "»") -> str:
    """The excerpt as plain text, each span between ``open_`` and ``close``."""
    return "".join(f"{open_}{t}{close}" if hot else t for t, hot in pieces(p, width))


def heading(p: Passage) -> str:
    """What the passage is evidence of: "19% found (abstract: RESULTS)"."""
    if p.kind is PassageKind.RELEVANT:
        return f"relevant ({p.where})"
    verb = {
        PassageKind.FOUND: "found",
        PassageKind.ROUNDED: "rounded",
        PassageKind.CLOSEST: "nearest sentence",
    }[p.kind]
    return f"{p.figure} {verb} ({p.where})"


def shown(passages: Iterable[Passage], relevant: int = 1) -> list[Passage]:
    """The passages a compact format shows: every figure's, and ``relevant`` ranked ones."""
    figures = [p for p in passages if p.kind is not PassageKind.RELEVANT]
    ranked = [p for p in passages if p.kind is PassageKind.RELEVANT][:relevant]
    return figures + ranked


def passage_json(p: Passage) -> dict[str, Any]:
    return {
        "kind": p.kind.value,
        "where": p.where,
        "text": p.text,
        "spans": [[s, e] for s, e in p.spans],
        "figure": p.figure,
        "score": p.score,
    }
