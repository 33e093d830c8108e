"""Sentences: a paragraph split where a sentence ends (not after "et al.", "Fig." or an
initial), in time linear in the paragraph."""

from __future__ import annotations

from ..lazyre import lazy_compile

# Words after which a period does not end a sentence.
_NO_BREAK = lazy_compile(
    r"(?:\bet al|\bvs|\be\.g|\bi\.e|\bFig|\bNo|\bDr|\bcf|\bapprox|\bca|\bSt|\b[A-Z])\.$"
)


_SUPER = "\u2070\u00b9\u00b2\u00b3\u2074-\u2079"
#: A sentence's end: its full stop, closing quotes or brackets, and a citation printed after
#: the full stop ("… disease.[3]", "… disease.^3^", "… disease.³˒⁴"), which belongs to it.
_END = lazy_compile(
    r"[.!?]['\")\]]*"
    r"(?:\[[\d,\s\u2010-\u2014-]{1,40}\]|\^[\d,\s\u2010-\u2014-]{1,40}\^"
    rf"|[{_SUPER}]+(?:[,\u207b\u2013][{_SUPER}]+)*)?"
    r"\s+(?=[A-Z\"'(\[])"
)


def split_sentences(text: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for m in _END.finditer(text):
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
