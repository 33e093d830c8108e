"""Text normalisation shared by the checks: how editors' spellings are brought to PubMed's.

Every function here is pure and total: any string in, a string (or tuple) out.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

from .lazyre import lazy_compile

_TAG = lazy_compile(r"</?[A-Za-z][A-Za-z0-9:.-]*(?:\s[^<>]*)?/?>")
#: MathML's alternative renderings (TeX source, images): text that is not the title's.
_MATH_ANNOTATION = lazy_compile(
    r"<(?:[A-Za-z]+:)?annotation(?:-xml)?\b[^>]*>.*?</(?:[A-Za-z]+:)?annotation(?:-xml)?>", re.S
)
_NON_ALNUM = lazy_compile(r"[^0-9a-z]+")
_LEADING_ARTICLE = lazy_compile(r"^(?:the|a|an) ")
#: Where a title's subtitle starts: "Main title: subtitle", "Main title - subtitle", MEDLINE's
#: old "Main title--subtitle", "Main title—subtitle", "Main. Sub".
_SUBTITLE_BREAK = lazy_compile(r"\s*(?::|\s[-\u2013\u2014]\s|--|\u2014|\.\s|\?\s|!\s|;\s)\s*")
#: Signs that are not letters: "GeneReviews®" is "GeneReviews", not "GeneReviews r".
_SIGNS = lazy_compile("[\u00ae\u2122\u00a9\u2120\u2117]")
_GREEK_CHAR = "\u0370-\u03ff\u1f00-\u1fff"
#: A Greek letter standing alone (β-lactam, NF-κB, TNF-α), not inside a Greek word.
_LONE_GREEK = lazy_compile(rf"(?<![{_GREEK_CHAR}])[{_GREEK_CHAR}](?![{_GREEK_CHAR}])")
_GREEK_NAMES = {
    "\u03b1": "alpha", "\u03b2": "beta", "\u03b3": "gamma", "\u03b4": "delta",
    "\u03b5": "epsilon", "\u03f5": "epsilon", "\u03b6": "zeta", "\u03b7": "eta",
    "\u03b8": "theta", "\u03d1": "theta", "\u03b9": "iota", "\u03ba": "kappa",
    "\u03f0": "kappa", "\u03bb": "lambda", "\u03bc": "mu", "\u03bd": "nu", "\u03be": "xi",
    "\u03bf": "omicron", "\u03c0": "pi", "\u03d6": "pi", "\u03c1": "rho", "\u03f1": "rho",
    "\u03c3": "sigma", "\u03c2": "sigma", "\u03c4": "tau", "\u03c5": "upsilon",
    "\u03c6": "phi", "\u03d5": "phi", "\u03c7": "chi", "\u03c8": "psi", "\u03c9": "omega",
}  # fmt: skip


def strip_markup(text: str) -> str:
    """Remove inline markup (``<i>``, ``<sup>``, MathML\u2026) and decode HTML entities."""
    if "<" in text:
        text = _TAG.sub("", _MATH_ANNOTATION.sub("", text))
    return html.unescape(text)


#: A MathML formula as PubMed gives it (possibly indented over many lines).
_MATH = lazy_compile(r"<(?:[A-Za-z]+:)?math\b.*?</(?:[A-Za-z]+:)?math>", re.S)
_BETWEEN_TAGS = lazy_compile(r">\s+<")
_SUP = lazy_compile(r"<sup>\s*", re.IGNORECASE)


def display_text(text: str) -> str:
    """PubMed's text as a terminal shows it: MathML reduced to the text it renders (as for
    titles in ``record``), ``<sup>`` read as ``^`` (``10<sup>9</sup>`` is ``10^9``, as in
    ``figures``), other inline markup dropped, entities decoded; each line's runs of
    whitespace made one space, and blank lines dropped."""
    if "<" in text:
        text = _MATH.sub(
            lambda m: _BETWEEN_TAGS.sub("><", _MATH_ANNOTATION.sub("", m.group())), text
        )
        text = _TAG.sub("", _SUP.sub("^", text))
    lines = (" ".join(line.split()) for line in html.unescape(text).splitlines())
    return "\n".join(line for line in lines if line)


def _spell_greek(text: str) -> str:
    def name(match: re.Match[str]) -> str:
        letter = match.group()
        spelled = _GREEK_NAMES.get(letter.lower())
        return f" {spelled} " if spelled else letter

    return _LONE_GREEK.sub(name, text)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case-, accent-, markup- and punctuation-insensitive form of a text.

    ``"<i>M\u00fcller</i> & Co."`` and ``"muller and co"`` fold alike. A Greek letter standing
    alone is spelled out (``"\u03b2-lactam"`` folds as ``"beta lactam"``); \u00ae, \u2122 and \u00a9
    are dropped. Words stay separated by one space.
    """
    return _fold(text, spell_greek=True)


def _fold(text: str, *, spell_greek: bool) -> str:
    text = strip_markup(text)
    text = unicodedata.normalize("NFKC", text)
    if spell_greek:
        text = _spell_greek(_SIGNS.sub("", text))
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
    return _title_key(title, spell_greek=True)


def _title_key(title: str, *, spell_greek: bool, article: bool = False) -> str:
    """``title_key``; ``article``: keep a leading article."""
    text = strip_markup(title).strip()
    if text.startswith("[") and text.rstrip(".").endswith("]"):
        text = text.rstrip(".")[1:-1]
    folded = _fold(text, spell_greek=spell_greek)
    return folded if article else _LEADING_ARTICLE.sub("", folded)


def title_variants(title: str) -> frozenset[str]:
    """The keys a correct citation of ``title`` may have: the whole title, and the title cut at
    each subtitle break (editors drop subtitles)."""
    return _title_variants(title, spell_greek=True)


def _title_variants(title: str, *, spell_greek: bool, article: bool = False) -> frozenset[str]:
    text = strip_markup(title).strip()
    keys = {_title_key(text, spell_greek=spell_greek, article=article)}
    for match in _SUBTITLE_BREAK.finditer(text):
        head = text[: match.start()]
        if len(fold(head)) >= 3:
            keys.add(_title_key(head, spell_greek=spell_greek, article=article))
    keys.discard("")
    return frozenset(keys)


def titles_match(stated: str, pubmed: str) -> bool:
    """True when ``stated`` is ``pubmed``'s title up to case, punctuation, spacing, markup, a
    leading article and a dropped subtitle. A Greek letter may be spelled out ("beta-lactam"
    for "\u03b2-lactam") or transliterated ("b-lactam"), in either title; "\u00ae" and "\u2122"
    may be dropped or transliterated ("(R)")."""
    # NOTE: spelling a Greek letter out makes a word of it: "an\u03b1-aa" reads "an alpha aa",
    # whose leading "an" is then taken for an article, while "analpha-aa" keeps it. Keeping
    # the article on both sides is always a fair comparison, so it is tried as well.
    for spell_greek in (True, False):  # False: as transliterated ("\u00ae" as "(R)")
        for article in (False, True):
            stated_key = _title_key(stated, spell_greek=spell_greek, article=article)
            variants = _title_variants(pubmed, spell_greek=spell_greek, article=article)
            stated_key = stated_key.replace(" ", "")
            if stated_key and stated_key in {v.replace(" ", "") for v in variants}:
                return True
    return False


def journal_matches(stated: str, candidates: tuple[str, ...]) -> bool:
    """True when ``stated`` names the journal given by any of ``candidates`` (full title, ISO
    abbreviation, MedlineTA).

    The stated name must be one of them up to case, punctuation, stopwords and NLM's additions
    (qualifiers, a " : subtitle", a " = parallel title"), or an abbreviation of one built word
    by word by ISO 4's List of Title Word Abbreviations ("J Am Geriatr Soc" ~ "Journal of the
    American Geriatrics Society"). Letters in order ("J Pers" for "Journal of pediatrics") do
    not pass, nor does a name with words missing ("Alternative Therapies" for "Alternative
    therapies in health and medicine"). See ``ta1check.journals``.
    """
    from .journals import journal_names_match

    return journal_names_match(stated, candidates)


def doi_key(doi: str) -> str:
    """A DOI in canonical form: no resolver prefix or ``doi:`` label, lower case (DOIs are
    case-insensitive), no trailing punctuation."""
    text = doi.strip()
    text = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", text, flags=re.IGNORECASE)
    return text.rstrip(" .;,").casefold()
