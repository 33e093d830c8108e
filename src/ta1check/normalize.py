"""Text normalisation shared by the checks: how editors' spellings are brought to PubMed's.

Every function here is pure and total: any string in, a string (or tuple) out.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_PARENTHETICAL = re.compile(r"\([^()]*\)")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an) ")
#: Words that ISO 4 drops from journal titles, and that editors drop too.
_JOURNAL_STOPWORDS = frozenset({"the", "of", "and", "in", "for", "on", "de", "la", "et", "und"})
#: Where a title's subtitle starts: "Main title: subtitle", "Main title - subtitle", "Main. Sub".
_SUBTITLE_BREAK = re.compile(r"\s*(?::|\s[-\u2013\u2014]\s|\.\s|\?\s|;\s)\s*")


def strip_markup(text: str) -> str:
    """Remove inline markup (``<i>``, ``<sup>``…) and decode HTML entities."""
    return html.unescape(_TAG.sub("", text))


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case-, accent-, markup- and punctuation-insensitive form of a text.

    ``"<i>Müller</i> & Co."`` and ``"muller and co"`` fold alike. Words stay separated by
    one space.
    """
    text = strip_markup(text)
    text = unicodedata.normalize("NFKC", text)
    text = anyascii(text).casefold()
    text = text.replace("&", " and ")
    text = text.replace("'", "")
    return _NON_ALNUM.sub(" ", text).strip()


def name_key(name: str) -> str:
    """A surname reduced to its letters: ``"O'Byrne"``, ``"O Byrne"`` and ``"obyrne"`` agree."""
    return fold(name).replace(" ", "")


def title_key(title: str) -> str:
    """A title for comparison: folded, enclosing [translation brackets] and a leading article
    dropped."""
    text = strip_markup(title).strip()
    if text.startswith("[") and text.rstrip(".").endswith("]"):
        text = text.rstrip(".")[1:-1]
    return _LEADING_ARTICLE.sub("", fold(text))


def title_variants(title: str) -> frozenset[str]:
    """The keys a correct citation of ``title`` may have: the whole title, and the title cut at
    each subtitle break (editors drop subtitles)."""
    text = strip_markup(title).strip()
    keys = {title_key(text)}
    for match in _SUBTITLE_BREAK.finditer(text):
        head = text[: match.start()]
        if len(fold(head)) >= 3:
            keys.add(title_key(head))
    keys.discard("")
    return frozenset(keys)


def titles_match(stated: str, pubmed: str) -> bool:
    """True when ``stated`` is ``pubmed``'s title up to case, punctuation, markup, a leading
    article and a dropped subtitle."""
    stated_key = title_key(stated)
    return bool(stated_key) and stated_key in title_variants(pubmed)


def journal_tokens(journal: str) -> tuple[str, ...]:
    """A journal name as its significant words: parenthetical qualifiers such as
    "(Baltimore, Md.)" and ISO 4 stopwords dropped, periods ignored."""
    text = _PARENTHETICAL.sub(" ", strip_markup(journal))
    return tuple(w for w in fold(text).split() if w not in _JOURNAL_STOPWORDS)


def journal_matches(stated: str, candidates: tuple[str, ...]) -> bool:
    """True when ``stated`` names the journal given by any of ``candidates`` (full title, ISO
    abbreviation, MedlineTA).

    Equal word sequences match; so does an abbreviation whose every word begins the
    corresponding word of a candidate ("J Am Geriatr Soc" ~ "Journal of the American Geriatrics
    Society"). A name with words missing ("Alternative Therapies" for "Alternative therapies in
    health and medicine") does not.
    """
    words = journal_tokens(stated)
    if not words:
        return False
    for candidate in candidates:
        full = journal_tokens(candidate)
        if words == full:
            return True
        if len(words) == len(full) and all(
            f.startswith(w) or _squashed_match(w, f) for w, f in zip(words, full, strict=True)
        ):
            return True
        if "".join(words) == "".join(full):
            return True
    return False


def _squashed_match(word: str, full: str) -> bool:
    """ISO 4 abbreviations may drop inner letters ("Natl" for "National", "Sci" is a prefix but
    "Hlth" is not): the abbreviation's letters in order, first letter anchored."""
    if not word or not full or word[0] != full[0] or len(word) < 2:
        return False
    pos = 0
    for ch in word:
        pos = full.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def doi_key(doi: str) -> str:
    """A DOI in canonical form: no resolver prefix or ``doi:`` label, lower case (DOIs are
    case-insensitive), no trailing punctuation."""
    text = doi.strip()
    text = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", text, flags=re.IGNORECASE)
    return text.rstrip(" .;,").casefold()
