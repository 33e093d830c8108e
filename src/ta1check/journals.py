"""Journal names: whether a name printed in a citation denotes the journal of a PubMed record.

A record names its journal three ways: the full title (``Title``, with NLM's additions), the ISO
abbreviation and the MedlineTA. A stated name passes when it is one of these up to case,
punctuation, articles, prepositions and conjunctions, and NLM's additions: qualifiers in
parentheses, nested or not ("Medicinal chemistry (Shariqah (United Arab Emirates))"), a
" : subtitle" and a " = parallel title". It also passes when it is an abbreviation of one of
them built word by word by ISO 4's List of Title Word Abbreviations (LTWA), as shipped by
``pyiso4``: "J Pediatr" for "The Journal of pediatrics", "N Engl J Med" for "The New England
journal of medicine". Nothing else passes: not letters in order ("J Pers" is not "J
Pediatr"), not a bare prefix ("J Neuro"), not a name with words missing ("Alternative
Therapies" for "Alternative therapies in health and medicine").

Pure functions; the LTWA is read once, on the first name that is not plainly one of the
record's.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from anyascii import anyascii

from .lazyre import lazy_compile
from .normalize import strip_markup

#: Articles, prepositions and conjunctions that ISO 4 (and NLM) drop from titles, in the
#: languages of the LTWA (pyiso4's list, less its one-letter words, see ``_LETTER_WORDS``).
# fmt: off
STOPWORDS = frozenset((
    "the", "an", "and", "but", "or", "for", "nor", "so", "yet", "though", "when", "whenever",
    "where", "whereas", "wherever", "while", "about", "afore", "after", "ago", "along", "amid",
    "among", "amongst", "apropos", "as", "at", "atop", "by", "ca", "circa", "from", "hence", "in",
    "into", "like", "of", "off", "on", "onto", "ontop", "out", "over", "per", "since", "than",
    "til", "till", "to", "unlike", "until", "unto", "up", "upon", "upside", "versus", "via", "vs",
    "with", "within", "fur", "und", "aus", "zu", "zur", "zum", "im", "de", "et", "del", "en", "di",
    "da", "delle", "della", "dell", "sue", "el", "do", "og", "voor", "van", "ed", "tot", "vir",
    "its", "sul", "des", "du", "der", "die", "das", "le", "les", "la", "los", "las", "dos", "dei",
    "degli", "och", "det", "al", "den", "het", "een", "ein", "eine", "une", "il", "gli", "lo",
))
# fmt: on
#: One-letter conjunctions and articles ("y", "e", "i", "o", "a"), dropped from a title only
#: between two words: after a section mark ("Physical review. E") the letter names a section.
_LETTER_WORDS = frozenset("aeiouy")
_WORD = lazy_compile(r"[a-z0-9]+")
#: French and Italian elided articles ("l'Association", "d'anesth\u00e9sie"), dropped as "the" is.
_ELISION = lazy_compile(r"\b(?:l|d|dell|all|nell|sull|dall|quell)'(?=[a-z])")
_SECTION_MARK = lazy_compile(r"[.,]")
#: "Part B", "Section A": ISO 4 and NLM drop the word and keep the letter or number.
_PART_WORDS = frozenset({"part", "section", "series", "sect", "ser", "pt"})
_INNER_PARENTHETICAL = lazy_compile(r"\([^()]*\)")
_INFLECTION = lazy_compile(r"[iaesn]{1,3}")
_ANNOTATION = lazy_compile(r"\([^()]*\)")
#: The abbreviation of a word that the LTWA says is not abbreviated ("n.a."): itself.
_WRITTEN_OUT = ""
_NOT_ABBREVIATED = frozenset({"n.a.", "n. a.", "n.a", "na"})
_LTWA_FILE = "LTWA_20210702.csv"


@dataclass(frozen=True)
class Word:
    """One word of a journal name, folded; ``optional`` when ISO 4 may drop it."""

    text: str
    optional: bool = False


def ascii_fold(text: str) -> str:
    """Lower-case ASCII letters and digits, other characters kept as separators."""
    text = unicodedata.normalize("NFKC", strip_markup(text))
    text = re.sub("[\u00ae\u2122\u00a9\u2120]", "", text)  # ® ™ © ℠: not letters
    text = anyascii(text).casefold().replace("&", " and ")
    return _ELISION.sub(" ", text).replace("'", "")


def _words(text: str) -> tuple[Word, ...]:
    """A name's words; stopwords optional, and one-letter conjunctions between two words."""
    folded = ascii_fold(text)
    matches = list(_WORD.finditer(folded))
    words: list[Word] = []
    for i, match in enumerate(matches):
        word = match.group()
        before = folded[matches[i - 1].end() : match.start()] if i else ""
        after = matches[i + 1].group() if i + 1 < len(matches) else ""
        optional = (
            word in STOPWORDS
            or (
                word in _LETTER_WORDS
                and 0 < i < len(matches) - 1
                and not _SECTION_MARK.search(before)
            )
            or (word in _PART_WORDS and (len(after) == 1 or after.isdigit()))
        )
        words.append(Word(word, optional))
    return tuple(words)


def drop_parentheticals(text: str) -> str:
    """Text without its (possibly nested) parenthetical qualifiers: "Clinical oncology (Royal
    College of Radiologists (Great Britain))" -> "Clinical oncology"."""
    while True:
        shorter = _INNER_PARENTHETICAL.sub(" ", text)
        if shorter == text:
            return text
        text = shorter


@lru_cache(maxsize=16384)
def name_forms(name: str, qualifiers: bool | None = None) -> frozenset[tuple[Word, ...]]:
    """The word sequences a correct citation of the journal ``name`` may print: the whole name,
    without its parenthetical qualifiers, without a " : subtitle", and each side of a
    " = parallel title". NLM spaces the colon of what it adds ("Diabetes therapy : research,
    treatment…"); an unspaced one is the title's own ("Acta radiologica: diagnosis" is not
    *Acta radiologica*). ``qualifiers``: True, only the forms that keep the name's qualifiers;
    False, only those without; None, all."""
    text = " ".join(strip_markup(name).split())
    kept: set[str] = set()
    dropped: set[str] = set()
    for base in {text, drop_parentheticals(text)}:
        texts = {base}
        for part in base.split(" = "):
            texts |= {part, part.split(" : ", 1)[0]}
        texts |= {t.split(" : ", 1)[0] for t in texts}
        (kept if "(" in base else dropped).update(texts)
    if "(" not in text:
        kept = dropped
    chosen = {True: kept, False: dropped, None: kept | dropped}[qualifiers]
    return frozenset(w for w in map(_words, chosen) if w)


@lru_cache(maxsize=16384)
def stated_key(stated: str) -> str:
    """A stated journal name as the letters it prints: qualifiers and a leading "The" dropped.
    Other stopwords stay: "An" and "Per" are abbreviations too ("An Pediatr", "Per Med")."""
    words = _WORD.findall(ascii_fold(drop_parentheticals(stated)))
    if words and words[0] == "the":
        words = words[1:]
    return "".join(words)


# The LTWA ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]
    prefix: bool  # the last word is a stem ("New England" is exact; "neuro-oncolog-" a stem)
    abbreviation: str


@dataclass(frozen=True, eq=False)  # hashed by identity: one table, look-ups cached
class Ltwa:
    """ISO 4's List of Title Word Abbreviations, folded to ASCII and indexed for look-up."""

    words: dict[str, frozenset[str]]  # "journal" -> {"j"}; inflections allowed
    stems: dict[str, frozenset[str]]  # "pediatri" (from "pediatri-") -> {"pediatr"}
    endings: dict[str, frozenset[str]]  # "blad" (from "-blad") -> {"bl"}
    inner: dict[str, frozenset[str]]  # "graph" (from "-graph-") -> {"gr"}
    phrases: dict[str, tuple[_Phrase, ...]]  # by first word

    def abbreviations(self, word: str) -> frozenset[str]:
        """Every abbreviation the LTWA gives for ``word`` (the word itself when an entry says
        it is not abbreviated)."""
        return _abbreviations(self, word)


def _fold_entry(text: str) -> str:
    if "(" in text:
        text = _ANNOTATION.sub("", text)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = anyascii("".join(c for c in text if not unicodedata.combining(c)))
    return text.lower().replace("'", "").strip()


def _abbreviation_text(abbreviation: str) -> str:
    """An LTWA abbreviation's letters; "" for "n.a." (the word is written out)."""
    if abbreviation.strip().casefold() in _NOT_ABBREVIATED:
        return _WRITTEN_OUT
    return "".join(_WORD.findall(_fold_entry(abbreviation))) or _WRITTEN_OUT


def parse_ltwa(lines: Iterable[str]) -> Ltwa:
    """Index LTWA lines (``WORD<TAB>ABBREVIATIONS<TAB>LANGUAGE CODES``, a header first)."""
    words: dict[str, set[str]] = defaultdict(set)
    stems: dict[str, set[str]] = defaultdict(set)
    endings: dict[str, set[str]] = defaultdict(set)
    inner: dict[str, set[str]] = defaultdict(set)
    phrases: dict[str, list[_Phrase]] = defaultdict(list)
    for line in lines:
        fields = line.rstrip("\n").split("\t")
        if len(fields) < 2 or fields[0] == "WORD":
            continue
        pattern = _fold_entry(fields[0])
        starts, ends = pattern.startswith("-"), pattern.endswith("-")
        core = pattern.strip("-").strip()
        parts = _WORD.findall(core)
        if not parts:
            continue
        abbreviation = _abbreviation_text(fields[1])
        if len(parts) > 1 and not starts:
            phrase = _Phrase(tuple(parts), ends, abbreviation)
            phrases[parts[0]].append(phrase)
        elif starts and ends:
            inner[parts[0]].add(abbreviation)
        elif starts:
            endings[parts[0]].add(abbreviation)
        elif ends:
            stems[parts[0]].add(abbreviation)
        else:
            words[parts[0]].add(abbreviation)

    def freeze(d: dict[str, set[str]]) -> dict[str, frozenset[str]]:
        return {k: frozenset(v) for k, v in d.items()}

    return Ltwa(
        words=freeze(words),
        stems=freeze(stems),
        endings=freeze(endings),
        inner=freeze(inner),
        phrases={k: tuple(v) for k, v in phrases.items()},
    )


@lru_cache(maxsize=1)
def ltwa() -> Ltwa:
    """The LTWA that pyiso4 ships (the ISSN International Centre's list of 2021-07-02)."""
    source = resources.files("pyiso4") / _LTWA_FILE
    with source.open(encoding="utf-8") as handle:
        return parse_ltwa(handle)


@lru_cache(maxsize=65536)
def _abbreviations(table: Ltwa, word: str) -> frozenset[str]:
    found: set[str] = set()
    for cut in range(0, 4):  # "journal" and "journals"; "report" and "reports"
        base, ending = word[: len(word) - cut], word[len(word) - cut :]
        if base and (not ending or _INFLECTION.fullmatch(ending)):
            found |= table.words.get(base, frozenset())
    for size in range(len(word), 0, -1):
        found |= table.stems.get(word[:size], frozenset())
    for size in range(1, len(word)):
        for abbreviation in table.endings.get(word[size:], ()):
            found.add(word[:size] + abbreviation if abbreviation else word)
    for start in range(1, len(word)):
        for size in range(2, len(word) - start + 1):
            for abbreviation in table.inner.get(word[start : start + size], ()):
                found.add(word[:start] + abbreviation if abbreviation else word)
    if _WRITTEN_OUT in found:
        found.discard(_WRITTEN_OUT)
        found.add(word)
    return frozenset(found)


# Matching ------------------------------------------------------------------------------------


def _phrase_spans(table: Ltwa, form: Sequence[Word], start: int) -> list[tuple[int, str]]:
    spans = []
    for phrase in table.phrases.get(form[start].text, ()):
        end = start + len(phrase.words)
        if end > len(form):
            continue
        texts = [w.text for w in form[start:end]]
        if texts[:-1] != list(phrase.words[:-1]):
            continue
        last, want = texts[-1], phrase.words[-1]
        ending = last[len(want) :] if last.startswith(want) else None
        if not phrase.abbreviation:
            continue  # written out: the words themselves
        if ending == "" or (ending and (phrase.prefix or _INFLECTION.fullmatch(ending))):
            spans.append((end, phrase.abbreviation))
    return spans


def _pattern(form: tuple[Word, ...], table: Ltwa | None) -> re.Pattern[str]:
    """A regular expression for the letters of ``form`` written word by word: each word written
    out or as the LTWA abbreviates it (``table``; None: written out only), optional words
    dropped, LTWA phrases ("United States of America" -> "USA") at once."""
    options = []
    spans: list[tuple[tuple[int, str], ...]] = []
    for i, word in enumerate(form):
        written = {word.text}
        if table is not None:
            written |= table.abbreviations(word.text)
        options.append("|".join(map(re.escape, sorted(written, key=len, reverse=True))))
        spans.append(tuple(_phrase_spans(table, form, i)) if table is not None else ())

    @cache
    def rest(i: int) -> str:
        if i == len(form):
            return ""
        word = f"(?:{options[i]}){'?' if form[i].optional else ''}{rest(i + 1)}"
        if not spans[i]:
            return word
        phrases = "|".join(re.escape(abbr) + rest(end) for end, abbr in spans[i])
        return f"(?:{word}|{phrases})"

    return re.compile(rest(0))


@lru_cache(maxsize=16384)
def _name_patterns(
    name: str, abbreviated: bool, qualifiers: bool | None = None
) -> tuple[re.Pattern[str], ...]:
    """The forms of a journal name as patterns: written out, or (``abbreviated``) as the LTWA
    abbreviates them (one-word forms left out: ISO 4 does not abbreviate them)."""
    forms = name_forms(name, qualifiers)
    if not abbreviated:
        return tuple(_pattern(f, None) for f in forms)
    table = ltwa()
    return tuple(_pattern(f, table) for f in forms if _abbreviable(f))


@lru_cache(maxsize=16384)
def _one_word_patterns(name: str, qualifiers: bool | None = None) -> tuple[re.Pattern[str], ...]:
    table = ltwa()
    forms = name_forms(name, qualifiers)
    return tuple(_pattern(f, table) for f in forms if not _abbreviable(f))


def spells(key: str, form: tuple[Word, ...], table: Ltwa | None) -> bool:
    """True when ``key`` (a stated name's letters) is ``form`` written word by word, each word
    in full or as the LTWA (``table``) abbreviates it, optional words dropped."""
    return _pattern(form, table).fullmatch(key) is not None


class JournalMatch(enum.Enum):
    """How a stated journal name relates to the record's names."""

    NAMED = "named"  # one of the record's names, or an ISO 4 abbreviation of one
    UNQUALIFIED = "unqualified"  # an abbreviation without the qualifier NLM gives it
    OTHER = "other"  # not a name of this journal


def journal_match(stated: str, names: Sequence[str]) -> JournalMatch:
    """How ``stated`` names the journal that the record calls by ``names``: the full title
    first, then its abbreviations (ISO abbreviation, MedlineTA), as ``Record.journal_names``
    gives them.

    An abbreviation that NLM qualifies ("J Pediatr (Rio J)" for *Jornal de pediatria*) is
    qualified because the bare one also names another journal (*The Journal of pediatrics*).
    When every abbreviation of the record is qualified, a stated abbreviation without the
    qualifier is ``UNQUALIFIED``: the ISO 4 abbreviation of the title, but ambiguous. The full
    title written out may drop the qualifier ("Jornal de Pediatria").
    """
    names = [n for n in names if n]
    marked = "." in drop_parentheticals(stated)  # "Sci." marks an abbreviation; "Genes" not
    key = stated_key(stated)
    if not key or not _qualifiers_agree(stated, names):
        return JournalMatch.OTHER
    if len(names) > 1 and all("(" in n for n in names[1:]):
        whole = _letters(stated)
        if "(" in stated and _spelled(whole, names, marked, qualifiers=True):
            return JournalMatch.NAMED
        if any(p.fullmatch(key) for p in _name_patterns(names[0], False, False)):
            return JournalMatch.NAMED
        if _spelled(key, names, marked, qualifiers=None):
            return JournalMatch.UNQUALIFIED
        return JournalMatch.OTHER
    if _spelled(key, names, marked, qualifiers=None):
        return JournalMatch.NAMED
    return JournalMatch.OTHER


def journal_names_match(stated: str, names: Sequence[str]) -> bool:
    """True when ``stated`` names the journal that the record calls by ``names`` (see
    ``journal_match``), if only ambiguously."""
    return journal_match(stated, names) is not JournalMatch.OTHER


def _qualifier_words(text: str) -> set[str]:
    inner = "".join(re.findall(r"\(([^()]*)", text))
    return {w for w in _WORD.findall(ascii_fold(inner)) if w not in STOPWORDS}


def _qualifiers_agree(stated: str, names: Sequence[str]) -> bool:
    """A stated qualifier must name the record's, when the record has one: "Bulletin (Ala Mus
    Nat Hist)" is not "Bulletin (Eugenics Society (London, England))"; "Hepatology
    (Baltimore)" is "Hepatology (Baltimore, Md.)", and "(Lond)" is "(London, England)"."""
    said = _qualifier_words(stated) if "(" in stated else set()
    known = set().union(*(_qualifier_words(n) for n in names if "(" in n))
    if not said or not known:
        return True
    table = ltwa()
    return any(
        w == k or w in table.abbreviations(k) or (len(w) >= 3 and k.startswith(w))
        for w in said
        for k in known
    )


def _letters(stated: str) -> str:
    """A stated name's letters, qualifiers kept, a leading "The" dropped."""
    words = _WORD.findall(ascii_fold(stated))
    return "".join(words[1:] if words and words[0] == "the" else words)


def _spelled(key: str, names: Sequence[str], marked: bool, *, qualifiers: bool | None) -> bool:
    for abbreviated in (False, True):
        for name in names:
            if any(p.fullmatch(key) for p in _name_patterns(name, abbreviated, qualifiers)):
                return True
    if marked:
        return any(p.fullmatch(key) for n in names for p in _one_word_patterns(n, qualifiers))
    return False


def _abbreviable(form: Sequence[Word]) -> bool:
    """ISO 4 does not abbreviate a title of one word ("Genesis" is never "Genes"). Some tools
    do ("Sci." for "Science"): a stated name whose period marks it as an abbreviation may be
    one."""
    return sum(not w.optional for w in form) > 1
