"""Pairing: which reference an in-text citation means (by number, or by first author and
year), and whether a claim's sentence is still in the article."""

from __future__ import annotations

from collections.abc import Iterable

from ..normalize import fold, name_key
from .model import Article, InText, Link, Reference


def link(citation: InText, references: Iterable[Reference]) -> Link:
    if citation.number is not None:
        numbered = [r for r in references if r.number == citation.number]
        if len(numbered) == 1:
            return Link(citation, numbered[0])
        if not numbered:
            return Link(citation, None, f"the reference list has no entry {citation.number}")
        return Link(citation, None, f"the reference list has {citation.number} more than once")
    key = name_key(citation.surname)
    references = list(references)
    refs = [r for r in references if r.surname and name_key(r.surname) == key]
    if not refs and len(citation.surname.split()) >= 3:
        # an organisation cited by its full name ("14CHRONO Centre of the Queen's University of
        # Belfast, 2014"): the entry that opens with that name, when its fields did not read
        name = fold(citation.surname)
        refs = [r for r in references if r.surname is None and fold(r.printed).startswith(name)]
        if citation.year is not None:
            refs = [r for r in refs if str(citation.year) in r.printed]
        if len(refs) == 1:
            return Link(citation, refs[0])
    if citation.year is not None:
        same_year = [r for r in refs if r.year == citation.year]
        if len(same_year) > 1 and citation.year_suffix:
            same_year = [r for r in same_year if r.year_suffix == citation.year_suffix]
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
