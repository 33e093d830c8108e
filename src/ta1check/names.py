"""People's and groups' names: how a printed author is read, and when it names a PubMed author.

Editors print a person as "Smith", "Smith J", "Smith, J.", "SMITH JA", "J.-P. Sartre", "Douglas
Haig", "da Silva RLCG", "MacGlashan DW Jr", "Yucel Ç"; a group as "Centers for Disease Control
and Prevention (CDC)", "CDC", "EFSA FEEDAP Panel", "WHO". A printed name is read into every
plausible (surname, initials) reading: an upper-case "GEMIO DEL REY" may be a three-word surname
or "Gemio del" with initials REY, so both are kept and a reading names an author when its
surname is the author's and its initials, when it has any, agree with the author's.

Everything here is pure: strings in, values out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from .lazyre import lazy_compile
from .normalize import fold
from .pubmed.record import Author

#: Lower-case words that are part of a surname ("van der Berg", "da Silva", "in 't Veld").
PARTICLES = frozenset(
    {
        "van", "von", "vom", "zu", "zum", "zur", "de", "del", "della", "dello", "dei", "degli",
        "der", "den", "des", "di", "da", "das", "do", "dos", "du", "la", "le", "les", "lo", "ter",
        "ten", "te", "het", "t", "'t", "in", "op", "af", "av", "al", "el", "bin", "ibn", "ben",
        "bint", "abu", "y", "e",
    }
)  # fmt: skip
#: Name suffixes that are not part of the surname ("MacGlashan Jr", "Smith III").
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "2nd", "3rd", "4th", "junior", "senior"})
#: Words that make a name a group's: an organisation, a committee, a study's investigators.
GROUP_WORDS = frozenset(
    {
        "group", "groups", "panel", "committee", "committees", "subcommittee", "consortium",
        "consortia", "collaboration", "collaborative", "collaborators", "collaborator",
        "investigators", "investigator", "society", "societies", "association", "associations",
        "organization", "organisation", "organizations", "organisations", "network", "networks",
        "center", "centers", "centre", "centres", "institute", "institutes", "institution",
        "council", "agency", "authority", "board", "foundation", "commission", "ministry",
        "department", "program", "programme", "taskforce", "force", "team", "teams", "trial",
        "trials", "trialists", "study", "studies", "working", "workgroup", "party", "alliance",
        "federation", "college", "academy", "office", "service", "services", "union",
        "coalition", "initiative", "project", "registry", "survey", "unit", "conference",
        "forum", "writing", "members", "steering", "club", "league", "school", "hospital",
        "hospitals", "university", "laboratory", "laboratories", "company", "inc", "ltd",
        "corporation", "bureau", "division", "section", "experts", "expert", "partnership",
        "administration", "executive", "secretariat", "collective", "investigation",
        "surveillance", "collaborating", "national", "international", "world", "european",
        "american", "british", "global", "federal", "public", "health", "disease", "diseases",
        "research", "guideline", "guidelines", "statement", "consensus", "task", "staff",
        "physicians", "surgeons", "nurses", "pharmacists", "editors", "authors", "participants",
    }
)  # fmt: skip
#: Words of a group's name that say nothing about which group it is.
_GENERIC_GROUP_WORDS = frozenset(
    {
        "group", "groups", "panel", "committee", "study", "studies", "investigators",
        "collaborators", "collaboration", "consortium", "network", "team", "working", "writing",
        "members", "trial", "trialists", "society", "association", "organization", "center",
        "centre", "institute", "council", "national", "international", "research", "on", "task",
        "force", "party", "steering", "expert", "experts", "unit", "board",
    }
)  # fmt: skip
#: Lower-case words of a name that are never part of a person's name ("Ministry of Health").
_FUNCTION_WORDS = frozenset(
    {"of", "for", "on", "the", "and", "to", "with", "at", "by", "an", "a", "from", "or", "und"}
)
#: Words dropped when two group names are compared.
_GROUP_STOPWORDS = frozenset(
    {"the", "of", "for", "on", "and", "in", "to", "at", "by", "a", "an", "or", "with", "from"}
)
_PAREN = lazy_compile(r"\(([^()]*)\)")
#: What PubMed appends to some groups' names: "Epi25 Collaborative. Electronic address: …".
_EMAIL_NOTE = lazy_compile(
    r"[.,;]?\s*(?:Electronic address:|E-?mail:|\S+@\S+\.[A-Za-z]{2,}\b).*$", re.IGNORECASE
)
_AND = lazy_compile(r"\s+(?:and|&)\s+|\s*&\s*", re.IGNORECASE)
#: German and Scandinavian transliteration: "Müller" is also printed "Mueller".
_TRANSLITERATION = str.maketrans(
    {
        "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss",
        "ø": "oe", "Ø": "Oe", "å": "aa", "Å": "Aa", "æ": "ae", "Æ": "Ae",
    }
)  # fmt: skip


#: Words of a printed name that are read: no person's name, and few groups', is longer.
_LONGEST_NAME = 64
#: Initials are at most this many words ("de Sá P H C G").
_MOST_INITIALS = 6


@dataclass(frozen=True)
class Reading:
    """One way to read a printed person's name: a surname and the initials given with it.

    ``initials`` is folded to lower-case ASCII letters ("J.-P." -> "jp", "Ç" -> "c"); empty when
    the printed name gives none. ``given_first`` marks a reading of "Douglas Haig" as given name
    then surname: its surname must be the author's whole surname, particles and all.
    """

    surname: str
    initials: str = ""
    given_first: bool = False


@dataclass(frozen=True)
class PrintedName:
    """A printed author name, read."""

    text: str
    readings: tuple[Reading, ...]
    is_group: bool

    @property
    def surname(self) -> str:
        """The most likely surname (the whole name for a group), as printed."""
        if self.is_group or not self.readings:
            return self.text
        return self.readings[0].surname


# --- tokens -------------------------------------------------------------------------------


def _letters(token: str) -> str:
    return token.replace(".", "").replace("-", "").replace("\u2010", "").replace("'", "")


def is_initials(token: str) -> bool:
    """Whether a word is initials: one to four upper-case letters, with periods or hyphens
    between them ("J", "JA", "J.", "J.-P.", "RLCG", "Ç", "Ø")."""
    letters = _letters(token)
    return 1 <= len(letters) <= 4 and all(ch.isalpha() and ch.isupper() for ch in letters)


def _initials_key(tokens: list[str]) -> str:
    return "".join(fold(ch)[:1] for t in tokens for ch in _letters(t) if fold(ch))


def _is_suffix(token: str) -> bool:
    return token.rstrip(".").casefold() in _SUFFIXES


def _has_vowel(token: str) -> bool:
    return any(ch in "aeiouy" for ch in fold(token))


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,]+", text) if w]


def is_group(text: str) -> bool:
    """Whether a printed author is plainly a group's name: it has a group's word ("Panel",
    "Consortium", "Centers"), a lower-case word no person's name has ("of", "for", "on") or a
    number. An all-capital word standing alone ("WHO", "CDC", but also "KIM") could be either,
    and is not called a group here."""
    words = (_words(_PAREN.sub(" ", text)) or _words(text))[:_LONGEST_NAME]
    content = [w for w in words if not is_initials(w) and not _is_suffix(w)]
    if not content:
        return False
    for w in words:
        if any(ch.isdigit() for ch in w) and not _is_suffix(w):
            return True
        if w.islower() and fold(w) in _FUNCTION_WORDS:
            return True
    named = [w for w in content if fold(w) in GROUP_WORDS and w[:1].isupper()]
    # "Board J" is a person called Board; "Study Group" and "Panel" are groups.
    return bool(named) and not (len(content) == 1 and len(words) > 1)


# --- persons ------------------------------------------------------------------------------


def _only_particles(tokens: list[str]) -> bool:
    """Particles without a surname: "van der", "de" ("Das", "Le" and "Du" alone are surnames)."""
    return all(fold(t) in PARTICLES for t in tokens) and (
        len(tokens) > 1 or any(t.islower() for t in tokens)
    )


@lru_cache(maxsize=65536)
def read_name(text: str) -> PrintedName:
    """Every plausible reading of a printed author name, the most likely first."""
    text = " ".join(text.split()).strip(" ,;:")
    if not text:
        return PrintedName(text, (), False)
    if len(text.split(maxsplit=_LONGEST_NAME)) > _LONGEST_NAME:
        return PrintedName(text, (Reading(text),), True)  # no person's name is this long
    group = is_group(text)
    readings: list[Reading] = []

    def add(surname_tokens: list[str], initial_tokens: list[str], given: bool = False) -> None:
        if surname_tokens:
            reading = Reading(" ".join(surname_tokens), _initials_key(initial_tokens), given)
            if reading not in readings:
                readings.append(reading)

    head, comma, tail = text.partition(",")
    if comma:
        # "Smith, J.", "Smith, John A", "Smith, Jr., J."
        rest = [t for t in _words(tail) if not _is_suffix(t)]
        head_tokens = [t for t in head.split() if not _is_suffix(t)]
        if rest and len(rest) <= 3 and all(is_initials(t) or t[:1].isupper() for t in rest):
            add(head_tokens, [t[0] if not is_initials(t) else t for t in rest], True)
    tokens = [t for t in text.replace(",", " ").split() if t]
    core = [t for t in tokens if not _is_suffix(t)] or tokens
    upper = all(not any(ch.islower() for ch in t) for t in core)
    # "Surname INITIALS": trailing initials. In an all-capital name ("VAN WYK", "GEMIO DEL
    # REY") a trailing word with a vowel is more likely part of the surname, so that reading
    # comes first; every reading is kept.
    trailing = 0
    while trailing < min(len(core) - 1, _MOST_INITIALS) and is_initials(core[-1 - trailing]):
        trailing += 1
    cuts = list(range(trailing, -1, -1))
    if upper:
        likely = 0
        while likely < trailing and not (
            _has_vowel(core[-1 - likely]) and len(_letters(core[-1 - likely])) >= 3
        ):
            likely += 1
        cuts = [likely] + [c for c in cuts if c != likely]
    # "J.-P. Sartre", "D. Haig": leading initials.
    leading = 0
    while (
        leading < min(len(core) - 1, _MOST_INITIALS)
        and is_initials(core[leading])
        and not (upper or group)
    ):
        leading += 1
    if leading and not trailing:
        add(core[leading:], core[:leading], True)
    for cut in cuts:
        add(core[: len(core) - cut], core[len(core) - cut :])
    if leading and trailing:
        add(core[leading:], core[:leading], True)
    if not group and 2 <= len(core) <= 8:
        # "Douglas Haig", "Ludwig van Beethoven", "Gabriel García Márquez": given names first.
        for start in range(1, len(core)):
            given = core[:start]
            if _only_particles(given) or all(map(is_initials, core[start:])):
                continue
            if fold(core[start - 1]) in PARTICLES and core[start - 1].islower():
                continue  # the particle belongs to the surname
            if not _only_particles(core[start:]):
                add(core[start:], [t[0] for t in given if fold(t) not in PARTICLES], True)
        # "Smith John": surname then a given name.
        surname_first = not is_initials(core[-1]) and core[-1][:1].isupper()
        if (
            surname_first
            and (upper or not all(map(is_initials, core[:-1])))
            and not _only_particles(core[:-1])
        ):
            add(core[:-1], [core[-1][0]], True)
    return PrintedName(text, tuple(readings), group)


def _variants(name: str) -> set[str]:
    """A name's letters, folded, and folded after German/Scandinavian transliteration."""
    keys = {fold(name).replace(" ", ""), fold(name.translate(_TRANSLITERATION)).replace(" ", "")}
    keys.discard("")
    return keys


@lru_cache(maxsize=65536)
def surname_keys(surname: str, *, particles: bool = True) -> frozenset[str]:
    """The keys a surname may be compared by: its letters (accents, case, spaces, hyphens and
    apostrophes ignored), its transliteration ("Büyükdoğan" ~ "Bueyuekdogan"), without a
    suffix ("MacGlashan Jr"), and unless ``particles`` is false, without leading particles
    ("van der Berg" ~ "Berg")."""
    words = [w for w in surname.split() if not _is_suffix(w)] or surname.split()
    keys: set[str] = set()
    keys |= _variants(" ".join(words))
    i = 0
    while particles and i < len(words) - 1 and fold(words[i]) in PARTICLES:
        i += 1
        keys |= _variants(" ".join(words[i:]))
    return frozenset(keys)


def _author_surname_keys(last_name: str, fore_name: str, particles: bool) -> frozenset[str]:
    keys = set(surname_keys(last_name, particles=particles))
    # PubMed sometimes puts the particle in the fore name: LastName "Berg", ForeName "Anna van
    # der".
    fore = fore_name.split()
    tail: list[str] = []
    while fore and fore[-1].islower() and fold(fore[-1]) in PARTICLES:
        tail.insert(0, fore.pop())
        keys |= surname_keys(" ".join([*tail, last_name]), particles=particles)
    return frozenset(keys)


def _partial_keys(last_name: str) -> frozenset[str]:
    """Each word of a multi-word surname ("Suarez" or "Acosta" for "Suarez Acosta"), which
    editors print alone."""
    words = [w for w in last_name.split() if fold(w) not in PARTICLES and not _is_suffix(w)]
    if len(words) < 2:
        return frozenset()
    return frozenset(k for w in words for k in _variants(w) if len(k) >= 3)


def _first_initials(initials: str, fore_name: str) -> str:
    """The letters a person's given names may start with: of the initials and the fore name."""
    return fold(initials)[:1] + fold(fore_name)[:1]


@dataclass(frozen=True)
class Verdict:
    """How a printed name relates to one PubMed author."""

    surname: bool  # the surname (or the group) is the author's
    initials: bool  # and the initials, when both sides have them, agree


NO = Verdict(False, False)


def compare_person(printed: PrintedName, last_name: str, fore_name: str, initials: str) -> Verdict:
    """Whether ``printed`` names the person ``last_name``, ``fore_name`` (``initials``)."""
    if not last_name:
        return NO
    loose = _author_surname_keys(last_name, fore_name, True)
    strict = _author_surname_keys(last_name, fore_name, False)
    partial = _partial_keys(last_name)
    theirs = _first_initials(initials, fore_name)
    best = NO
    for reading in printed.readings:
        if reading.given_first:
            # "Ludwig van Beethoven": the surname as printed, particles and all
            named = bool(surname_keys(reading.surname, particles=False) & strict)
        else:
            mine = surname_keys(reading.surname)
            named = bool(mine & loose or mine & partial)
        if not named:
            continue
        if not reading.initials or not theirs or reading.initials[0] in theirs:
            return Verdict(True, True)
        best = Verdict(True, False)
    return best


# --- groups -------------------------------------------------------------------------------


def _generic_stems() -> frozenset[str]:
    return frozenset(_group_token(w) for w in _GENERIC_GROUP_WORDS)


def _group_token(word: str) -> str:
    word = word.replace("isation", "ization").replace("centre", "center")
    word = word.replace("programme", "program")
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


_GENERIC_STEMS = _generic_stems()


@dataclass(frozen=True)
class _Group:
    tokens: tuple[str, ...]  # significant words of the name outside parentheses
    aliases: frozenset[str]  # parenthesised names and acronyms, as keys
    acronyms: frozenset[str]  # acronyms written in the name ("EFSA", "FEEDAP")
    initials: str  # first letters of every word outside parentheses
    words: tuple[str, ...] = ()  # every word outside parentheses, folded
    single: bool = False  # printed as one word ("E-MIPS", "WHO")

    @property
    def key(self) -> str:
        return "".join(self.tokens)


@lru_cache(maxsize=16384)
def _group(text: str) -> _Group:
    text = _EMAIL_NOTE.sub("", text)
    main = _PAREN.sub(" ", text)
    words = fold(main).split()
    tokens = tuple(_group_token(w) for w in words if w not in _GROUP_STOPWORDS)
    aliases = frozenset(k for k in (fold(a).replace(" ", "") for a in _PAREN.findall(text)) if k)
    acronyms = {
        fold(w).replace(" ", "")
        for w in re.split(r"[\s,;/()]+", text)
        if len(_letters(w)) >= 2 and _letters(w).isupper()
    }
    acronyms |= {
        fold(a).replace(" ", "")
        for a in _PAREN.findall(text)
        if 2 <= len(_letters(a)) <= 12 and _letters(a).replace(" ", "").isupper()
    }
    return _Group(
        tokens,
        aliases,
        frozenset(acronyms),
        "".join(w[0] for w in words),
        tuple(words),
        len(main.split()) <= 1,
    )


def _is_abbreviation(acronym: str, group: _Group) -> bool:
    """An acronym of the whole name: "CDC" for Centers for Disease Control and Prevention, "WHO",
    "NICE", "MoH". Its letters are the initials of the name's words in order, from the first;
    little words ("of", "and") may be left out or not, and one other word at most."""
    words = group.words
    if len(acronym) < 3 or not words or acronym[0] != words[0][0] or len(words) > 40:
        return False  # (no acronym stands for forty words)

    @cache
    def fits(i: int, j: int, skips: int) -> bool:
        if i == len(acronym):
            rest = [w for w in words[j:] if w not in _GROUP_STOPWORDS]
            return skips + len(rest) <= 1
        if j == len(words):
            return False
        if words[j][0] == acronym[i] and fits(i + 1, j + 1, skips):
            return True
        if words[j] in _GROUP_STOPWORDS:
            return fits(i, j + 1, skips)
        return skips < 1 and fits(i, j + 1, skips + 1)

    return fits(0, 0, 0)


def _abbreviates_a_run(acronym: str, words: tuple[str, ...]) -> bool:
    """An acronym of part of the name: "WHI" in "Writing Group for the Women's Health Initiative
    Investigators", the initials of consecutive words (little words such as "of" may be
    skipped)."""
    for start in range(len(words)):
        i, j = 0, start
        while i < len(acronym) and j < len(words):
            if words[j][0] == acronym[i]:
                i, j = i + 1, j + 1
            elif i and words[j] in _GROUP_STOPWORDS:
                j += 1
            else:
                break
        if i == len(acronym):
            return True
    return False


def _acronym_names(short: _Group, full: _Group, full_names: set[str], within: bool) -> bool:
    """Whether ``short`` is, or gives in parentheses, an acronym of ``full``: one ``full`` gives
    in parentheses ("FEEDAP"), or the initials of its words ("CDC"); with ``within``, a
    ``short`` that is only an acronym may also be one that ``full`` writes among its words
    ("EFSA" for "EFSA Panel on …")."""
    aliases = {a for a in short.aliases if a in short.acronyms}
    alone = short.acronyms if short.single or len(short.tokens) <= 1 else set()
    for candidate in aliases | alone:
        a = candidate.replace(" ", "")
        if not a.isalnum():
            continue
        if a in full_names or _is_abbreviation(a, full):
            return True
        if within and candidate in alone and a in full.acronyms:
            return True
    return False


def compare_group(printed: str, collective: str) -> bool:
    """Whether ``printed`` names the group ``collective``.

    Equal names (ignoring "the", "of" and the like, and a parenthesised acronym on either
    side); an acronym for the name ("CDC", "WHO") or the acronym it gives in parentheses; a
    shortened name whose every word is in the group's name and says which group it is ("EFSA
    FEEDAP Panel" for "EFSA Panel on Additives and Products or Substances used in Animal Feed
    (FEEDAP)").
    """
    mine, theirs = _group(printed), _group(collective)
    if not mine.key and not mine.aliases:
        return False
    my_names = {mine.key, *mine.aliases} - {""}
    their_names = {theirs.key, *theirs.aliases} - {""}
    if my_names & their_names:
        return True
    if _acronym_names(mine, theirs, their_names, True) or _acronym_names(
        theirs, mine, my_names, False
    ):
        return True
    # "European Food Safety Authority" for a name that writes "EFSA"
    spelled = "".join(t[0] for t in mine.tokens)
    if len(spelled) >= 3 and (
        spelled in theirs.aliases or (theirs.single and spelled in theirs.acronyms)
    ):
        return True
    their_words = set(theirs.tokens) | theirs.acronyms | theirs.aliases

    def present(token: str) -> bool:
        return token in their_words or (
            token in mine.acronyms and len(token) >= 3 and _abbreviates_a_run(token, theirs.words)
        )

    specific = [t for t in mine.tokens if t not in _GENERIC_STEMS]
    if len(mine.tokens) >= 2 and specific and all(present(t) for t in mine.tokens):
        return True
    my_words = set(mine.tokens) | mine.acronyms | mine.aliases
    their_specific = [t for t in theirs.tokens if t not in _GENERIC_STEMS]
    return (
        len(theirs.tokens) >= 2
        and len(their_specific) >= 2
        and all(t in my_words for t in theirs.tokens)
    )


def compare(printed: str, author: Author) -> Verdict:
    """Whether the printed name ``printed`` names ``author``, a person or a group."""
    if author.collective:
        return Verdict(True, True) if compare_group(printed, author.collective) else NO
    return compare_person(read_name(printed), author.last_name, author.fore_name, author.initials)


def kind(printed: str) -> str | None:
    """Whether a printed name is a "group", a "person", or either (None: "WHO", "KIM")."""
    if is_group(printed):
        return "group"
    words = _words(printed)
    if len(words) == 1 and not any(ch.islower() for ch in words[0]):
        return None
    return "person"


# --- lists of authors ---------------------------------------------------------------------


def top_level_commas(text: str) -> list[str]:
    """``text`` cut at the commas outside parentheses and brackets."""
    if "(" not in text and "[" not in text:
        return text.split(",")
    depth, start, pieces = 0, 0, []
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    return pieces


def _without_and(segment: str) -> str:
    return re.sub(r"^\s*(?:and\b|&)\s*", "", segment.strip(), flags=re.IGNORECASE)


def person_with_initials(segment: str) -> bool:
    """A surname then initials: "Smith J", "da Silva RLCG", "MacGlashan DW Jr" (or two such,
    "Jones K and Brown L")."""
    pieces = _AND.split(_without_and(segment))
    return all(_one_person_with_initials(p) for p in pieces)


def _one_person_with_initials(text: str) -> bool:
    words = [w for w in text.split() if not _is_suffix(w)]
    return (
        len(words) >= 2
        and is_initials(words[-1])
        and not is_initials(words[0])
        and not is_group(" ".join(words))
    )


def initials_only(segment: str) -> bool:
    """Initials with periods: "J.", "J.-P.", "J. A." (a bare "BMJ" may be a journal)."""
    words = segment.split()
    return bool(words) and "." in segment and all(is_initials(w) for w in words)


#: How many names of a printed list are read: a citation names its first authors, not hundreds.
_MAX_LISTED = 64


def comma_list_length(segments: list[str]) -> int:
    """How many of ``segments`` (a text cut at its commas) a list of people takes: Vancouver
    ("Smith J, Jones K, …") or APA ("Smith, J., Jones, K., …"); 0 when it is no such list."""
    n = min(len(segments), _MAX_LISTED)
    if n >= 2 and initials_only(segments[1]) and not is_group(segments[0]):
        end = 2
        while (
            end + 1 < n
            and initials_only(segments[end + 1])
            and _person_like(_without_and(segments[end]))
        ):
            end += 2
        return end
    if not person_with_initials(segments[0]):
        return 0
    end = 1
    while end < n and person_with_initials(segments[end]):
        end += 1
    return end


def split_authors(part: str) -> list[str]:
    """The names in a printed list: "Smith and Jones" is two people, so are "Smith J, Jones K"
    and "Smith, J., & Jones, K."; "Centers for Disease Control and Prevention" is one group."""
    part = part.strip(" ,;")
    if not part:
        return []
    segments = top_level_commas(part)
    if len(segments) > 1 and comma_list_length(segments) == len(segments):
        if initials_only(segments[1]):
            pairs = zip(segments[::2], segments[1::2], strict=False)
            return [f"{_without_and(a)}, {b.strip()}" for a, b in pairs]
        names: list[str] = []
        for segment in segments:
            names += split_authors(segment) if _AND.search(segment.strip()) else [segment]
        return [_without_and(n).strip() for n in names if _without_and(n).strip()]
    pieces = [p.strip(" ,;") for p in _split_outside_parentheses(part)]
    pieces = [p for p in pieces if p]
    if len(pieces) < 2:
        return pieces
    if all(_person_like(p) for p in pieces):
        return pieces
    if _person_like(pieces[0]) and _names_a_group_after_a_person(pieces[0], pieces[1]):
        # "Smith J and the ESC Study Group", "Kuruvilla and KEYNOTE-204 investigators"
        return [pieces[0], " and ".join(pieces[1:])]
    # "Centers for Disease Control and Prevention", "Food and Drug Administration"
    return [part]


def _split_outside_parentheses(text: str) -> list[str]:
    """``text`` cut at each "and" or "&" that is not inside parentheses."""
    if "(" not in text:
        return _AND.split(text)
    depth, masked = 0, []
    for ch in text:
        depth += ch == "("
        masked.append(ch if depth == 0 else "\0")
        depth -= ch == ")" and depth > 0
    pieces, start = [], 0
    for match in _AND.finditer("".join(masked)):
        pieces.append(text[start : match.start()])
        start = match.end()
    pieces.append(text[start:])
    return pieces


def _names_a_group_after_a_person(person: str, group: str) -> bool:
    """Whether "PERSON and GROUP" is a person and a group rather than one group's name: the
    person has initials, or the group starts with "the" or has an acronym ("KEYNOTE-204")."""
    if any(is_initials(w) for w in person.split()[1:]):
        return True
    words = group.split()
    if words[0].casefold() == "the":
        return True
    if not any(ch.islower() for ch in group):
        return False  # in capitals throughout, no word stands out as an acronym
    return any(
        not w.startswith("(") and len(_letters(w)) >= 2 and _letters(w).isupper() for w in words
    )


def _person_like(text: str) -> bool:
    """A short name of capitalised words, particles and initials, no group's words (a single
    capitalised word is a surname: "Smith and Board")."""
    words = text.replace(",", " ").split()
    if not words or len(words) > 5 or (len(words) > 1 and is_group(text)):
        return False
    for w in words:
        f = fold(w)
        if not f:
            return False
        if w.islower() and f not in PARTICLES:
            return False
    return True
