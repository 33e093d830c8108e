"""Study design and population: what a claim's words say the cited study is, against how
PubMed indexes it (#13).

Pure. The claim side reads ``claim.text``: the design a sentence attributes to the cited
study ("in a double-blind trial", "a meta-analysis of 12 trials") and whom it says the study
is about ("elderly men", "mice"). The record side reads only PubMed's indexing: the
PublicationType list and the MeSH headings, whose check tags ("Humans", "Animals", "Mice")
say what was studied. Nothing is guessed from the abstract's wording.

The claim side is read conservatively, since a false alarm costs an editor's trust:

* a design counts only when named in the singular ("a trial", "an RCT"): "trials" or "RCTs"
  are what a review or a meta-analysis pools, not the cited paper's own design;
* a design word that is the object of an aggregate ("a meta-analysis of RCTs", "a review of
  trials") is left to the aggregate;
* a mention in a clause that contrasts, negates or looks elsewhere ("unlike earlier trials",
  "no randomized trial has", "a trial is needed") is not about the cited study;
* a claim that names both people and animals ("in mice, with implications for patients")
  states no single population.

A record that PubMed has not indexed yet (no MeSH, and no publication type beyond "Journal
Article" and grant notes) is never a mismatch: the result says that design and population
could not be checked (``design-unchecked``, info), and only when the claim names either.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from .findings import Code, Finding
from .lazyre import lazy_compile
from .normalize import fold
from .pubmed.record import Record


class Design(enum.Enum):
    """A kind of study a claim may name."""

    TRIAL = "trial"  # any clinical trial: randomised, controlled, blinded, phased
    META_ANALYSIS = "meta-analysis"
    SYSTEMATIC_REVIEW = "systematic review"
    COHORT = "cohort study"
    CASE_CONTROL = "case-control study"
    CROSS_SECTIONAL = "cross-sectional study"
    CASE_REPORT = "case report"

    def __str__(self) -> str:
        return self.value


class Population(enum.Enum):
    """Whom a claim says the cited study is about."""

    HUMANS = "people"
    ANIMALS = "animals"
    IN_VITRO = "cells in vitro"  # never a conflict on its own; with people it is no one kind

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Mention:
    """Where a claim names a design or a population: the words, and what they mean."""

    text: str
    start: int
    end: int
    design: Design | None = None
    population: Population | None = None
    phases: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Reading:
    """What a claim's text says about the study it cites."""

    designs: tuple[Mention, ...] = ()
    population: Population | None = None
    population_words: tuple[Mention, ...] = ()

    @property
    def names_anything(self) -> bool:
        return bool(self.designs) or self.population is not None


# --- The claim's words ----------------------------------------------------------------------

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_PHASE = r"phase[\s-]*(?P<phase>(?:iv|i{1,3}|[1-4])(?:[ab])?(?:\s*/\s*(?:iv|i{1,3}|[1-4])[ab]?)?)"
_TRIAL_NOUN = r"(?:trial|study|RCT|experiment)"
#: What "trial" modifies when it is not the cited study ("clinical trial pipelines").
_NOT_HEAD = (
    r"(?![\s-]+(?:pipelines?|designs?|registr(?:y|ies)|protocols?|networks?|sites?|centers?|"
    r"centres?|investigators?|methodology|literature|databases?|evidence|endpoints?|"
    r"participants?|populations?|groups?|arms?|units?|settings?|level|phases?|programs?|"
    r"programmes?|guidelines?|reporting|registrations?)\b)"
)
#: A word between a design adjective and its noun: not itself a design noun or a preposition.
_BETWEEN = r"(?!(?:trial|study|RCT|experiment)s?\b|of\b|in\b|with\b|for\b|to\b|on\b)[\w-]+"

#: Singular design phrases. Order matters only for overlapping matches: the first wins.
_DESIGN_PATTERNS: tuple[tuple[Design, re.Pattern[str]], ...] = tuple(
    (design, lazy_compile(pattern, re.IGNORECASE))
    for design, pattern in (
        (
            Design.SYSTEMATIC_REVIEW,
            r"\b(?:systematic\s+(?:literature\s+)?|cochrane\s+(?:systematic\s+)?)review(?!s|ed|ing)\b",
        ),
        (Design.META_ANALYSIS, r"\bmeta[\s-]?analysis\b|\bpooled\s+analysis\b"),
        (
            Design.TRIAL,
            _PHASE + r"(?:\s+" + _BETWEEN + r"){0,3}?\s+" + _TRIAL_NOUN + r"\b(?!s)" + _NOT_HEAD,
        ),
        (Design.TRIAL, r"(?<!trials \()(?<!trials\()\bRCT\b(?!s)" + _NOT_HEAD),
        (
            Design.TRIAL,
            r"\b(?:randomi[sz]ed|double[\s-]blind(?:ed)?|single[\s-]blind(?:ed)?|"
            r"placebo[\s-]controlled|triple[\s-]blind(?:ed)?)"
            r"(?:[\s,]+(?:and\s+)?"
            + _BETWEEN
            + r"){0,5}?[\s,]+"
            + _TRIAL_NOUN
            + r"\b(?!s)"
            + _NOT_HEAD,
        ),
        (
            Design.TRIAL,
            r"\b(?:clinical|controlled|crossover|cross-over|pilot)\s+trial\b(?!s)" + _NOT_HEAD,
        ),
        (
            Design.TRIAL,
            r"\b(?:a|an|the|this|that|one)\s+(?:"
            + _BETWEEN
            + r"\s+){0,3}?trial\b(?!s)"
            + _NOT_HEAD,
        ),
        (Design.CASE_CONTROL, r"\bcase[\s-]control(?:led)?\s+(?:study|analysis)\b(?!s)"),
        (Design.CROSS_SECTIONAL, r"\bcross[\s-]sectional\s+(?:study|survey|analysis)\b(?!s)"),
        (
            Design.COHORT,
            r"\b(?:(?:prospective|retrospective|longitudinal|population-based|birth)\s+)?"
            r"cohort\s+study\b(?!s)",
        ),
        (
            Design.CASE_REPORT,
            r"\bcase\s+report\b(?!s)|\b(?:we|they|authors)\s+report(?:ed)?\s+a\s+case\b",
        ),
    )
)

#: An aggregate whose "of …" object names the designs it pools, not the cited paper's own.
_AGGREGATE_OF = lazy_compile(
    r"\b(?:meta[\s-]?analys[ie]s|(?:systematic\s+)?reviews?|overview|pooled\s+analys[ie]s|"
    r"umbrella\s+review|analysis|synthesis|series|collection|summary)\s+"
    r"(?:of|across|including|pooling)\b[^.;:]*$",
    re.IGNORECASE,
)

#: Words before a mention, in its clause, that put it elsewhere than the cited study.
_ELSEWHERE = lazy_compile(
    r"\b(?:unlike|contrary\s+to|in\s+contrast\s+(?:to|with)|compared\s+(?:to|with)\s+(?:an?\s+)?"
    r"(?:earlier|previous|prior)|other|another|future|"
    r"former|no|none|except|besides|apart\s+from|could|might|would|potential(?:ly)?|"
    r"implications?\s+for|relevance\s+(?:to|for)|translat\w*\s+(?:to|into)|target\s+in|"
    r"not|nor|without|lack(?:s|ing)?\s+(?:of\s+)?|absence\s+of|never|"
    r"need(?:s|ed)?\s+(?:for|an?)|awaits?|planned|ongoing|proposed|design(?:ing)?\s+(?:of\s+)?an?|"
    r"protocol\s+(?:of|for)|rationale\s+for|whether)\b[^.;:,()]*$",
    re.IGNORECASE,
)
#: Words after a mention, in its clause, that make it hypothetical or wanted.
_WANTED_AFTER = lazy_compile(
    r"^[^.;:()]*?\b(?:is|are|would\s+be|will\s+be)\s+(?:needed|warranted|required|"
    r"underway|planned|ongoing)|^[^.;:()]*?\b(?:should|could|would|might|may)\s+(?:be|"
    r"confirm|test|establish|clarify)",
    re.IGNORECASE,
)
_CLAUSE_START = lazy_compile(r"[.;:!?]\s|\b(?:but|whereas|while|although|however)\b", re.IGNORECASE)

_HUMAN_WORDS = lazy_compile(
    r"\b(?:patients|(?:a|an|the|one)\s+(?:[\w-]+\s+){0,2}?patient\b(?!-)|adults|(?:elderly|older|young(?:er)?|healthy|adult|pregnant|"
    r"postmenopausal|adult)\s+(?:men|women|people|persons|individuals|adults|subjects|volunteers|"
    r"participants)|men|women|children|infants|neonates|newborns|adolescents|boys|girls|"
    r"toddlers|human\s+(?:subjects|volunteers|participants)|(?:healthy\s+)?volunteers|"
    r"participants|subjects|people|persons|outpatients|inpatients|residents|"
    r"veterans|smokers|elderly|centenarians|humans)\b",
    re.IGNORECASE,
)
_ANIMAL_WORDS = lazy_compile(
    r"\b(?:mice|rats|rodents|(?:mouse|rat|murine|rodent|animal|porcine|canine|primate)\s+"
    r"models?|(?:mouse|rat|animal)\s+(?:study|studies|experiments?)|animals|hamsters|"
    r"guinea\s+pigs|rabbits|dogs|cats|pigs|piglets|in\s+sheep|monkeys|macaques|"
    r"primates|baboons|cattle|cows|horses|chickens|ferrets|zebrafish|drosophila|"
    r"c\.\s*elegans)\b",
    re.IGNORECASE,
)


_IN_VITRO_WORDS = lazy_compile(
    r"\b(?:in\s+vitro|cell\s+lines?|cultured\s+(?:\w+\s+)?cells|cell\s+cultures?)\b",
    re.IGNORECASE,
)


def _clause_before(text: str, start: int) -> str:
    window = text[max(0, start - 160) : start]
    ends = [m.end() for m in _CLAUSE_START.finditer(window)]
    return window[ends[-1] :] if ends else window


def _clause_after(text: str, end: int) -> str:
    return text[end : end + 120]


def _about_elsewhere(text: str, start: int, end: int) -> bool:
    before = _clause_before(text, start)
    return bool(_ELSEWHERE.search(before) or _WANTED_AFTER.search(_clause_after(text, end)))


def _phases(match: re.Match[str]) -> frozenset[int]:
    raw = match.groupdict().get("phase")
    if not raw:
        return frozenset()
    return frozenset(_ROMAN[p.strip().lower().rstrip("ab")] for p in raw.split("/") if p.strip())


def read_claim(text: str | None) -> Reading:
    """The designs and the population ``text`` attributes to the study it cites."""
    if not text:
        return Reading()
    taken: list[tuple[int, int]] = []
    designs: list[Mention] = []
    for design, pattern in _DESIGN_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            if _about_elsewhere(text, m.start(), m.end()):
                continue
            if design is Design.TRIAL and _AGGREGATE_OF.search(_clause_before(text, m.start())):
                continue  # "a meta-analysis of 12 trials", "a review of one trial"
            designs.append(Mention(m.group(), m.start(), m.end(), design, None, _phases(m)))
    designs.sort(key=lambda m: m.start)
    words: list[Mention] = []
    for population, pattern in (
        (Population.HUMANS, _HUMAN_WORDS),
        (Population.ANIMALS, _ANIMAL_WORDS),
        (Population.IN_VITRO, _IN_VITRO_WORDS),
    ):
        for m in pattern.finditer(text):
            if not _about_elsewhere(text, m.start(), m.end()):
                words.append(Mention(m.group(), m.start(), m.end(), population=population))
    kinds = {w.population for w in words}
    stated = kinds.pop() if len(kinds) == 1 else None
    return Reading(tuple(designs), stated, tuple(sorted(words, key=lambda w: w.start)))


#: An in-text citation: "(Smith et al., 2001; Jones 2005)", "[3]", "[2, 5-7]", "^3^".
_MARKER = lazy_compile(
    r"\((?=[^()]{0,200}\b(?:1[6-9]|20)\d\d[a-z]?\b)[^()]{1,200}\)"
    r"|\[\s*\d{1,4}(?:\s*[,\u2010-\u2014-]\s*\d{1,4})*\s*\]"
    r"|\^\d{1,4}(?:[,\u2010-\u2014-]\d{1,4})*\^"
)
_SEVERAL = lazy_compile(r";|\d\s*[,\u2010-\u2014-]\s*\d|\band\b.*\band\b")


def cited_part(text: str, surname: str | None = None, year: int | None = None) -> str | None:
    """The words of ``text`` that describe the study a claim cites (by first author and
    year): all of them when the sentence cites one study; the stretch from the previous
    citation to this study's own when it cites several; ``None`` when the words cannot be
    told apart (several studies in one citation, or this study's citation not found)."""
    markers = list(_MARKER.finditer(text))
    if not markers:
        return text
    if len(markers) == 1:
        return None if _SEVERAL.search(markers[0].group()) else text
    key = fold(surname) if surname else ""
    own = [
        m
        for m in markers
        if key and key in fold(m.group()) and (year is None or str(year) in m.group())
    ]
    if len(own) != 1 or _SEVERAL.search(own[0].group()):
        return None
    i = markers.index(own[0])
    return text[markers[i - 1].end() if i else 0 : own[0].end()]


# --- PubMed's indexing ----------------------------------------------------------------------

_TRIAL_TYPES = frozenset(
    {
        "Randomized Controlled Trial",
        "Controlled Clinical Trial",
        "Clinical Trial",
        "Clinical Trial, Phase I",
        "Clinical Trial, Phase II",
        "Clinical Trial, Phase III",
        "Clinical Trial, Phase IV",
        "Clinical Trial, Veterinary",
        "Pragmatic Clinical Trial",
        "Equivalence Trial",
        "Adaptive Clinical Trial",
        "Clinical Study",
    }
)
_TRIAL_MESH = frozenset(
    {
        "Double-Blind Method",
        "Single-Blind Method",
        "Random Allocation",
        "Placebos",
        "Cross-Over Studies",
    }
)
_PHASE_TYPES = {
    "Clinical Trial, Phase I": 1,
    "Clinical Trial, Phase II": 2,
    "Clinical Trial, Phase III": 3,
    "Clinical Trial, Phase IV": 4,
}
#: Publication types that say what a paper is not: a study reporting its own data.
_SECONDARY = ("Review", "Systematic Review", "Meta-Analysis", "Scoping Review")
_NOT_RESEARCH = (
    "Editorial",
    "Comment",
    "Letter",
    "News",
    "Newspaper Article",
    "Practice Guideline",
    "Guideline",
    "Consensus Development Conference",
    "Consensus Development Conference, NIH",
    "Lecture",
    "Interview",
    "Biography",
    "Historical Article",
    "Published Erratum",
    "Clinical Trial Protocol",
)
#: A letter or a comment may be a study in its own right (a research letter, a study published
#: as a comment on another): not "not research" when its abstract has methods or results.
_MAY_REPORT_DATA = frozenset({"Letter", "Comment"})
_REPORTS_DATA = lazy_compile(
    r"(?:^|\n)[A-Za-z ,&/]{0,40}\b(?:methods?|results?|findings|design)\b[A-Za-z ,&/]{0,40}:\s",
    re.IGNORECASE,
)
_OBSERVATIONAL_MESH = (
    "Cohort Studies",
    "Case-Control Studies",
    "Cross-Sectional Studies",
    "Prospective Studies",
    "Retrospective Studies",
    "Longitudinal Studies",
)
#: Publication types that say nothing about the design.
_UNINFORMATIVE = lazy_compile(
    r"^(?:Journal Article|English Abstract|Research Support\b.*|Preprint|Comparative Study|"
    r"Evaluation Study|Validation Study|Video-Audio Media|Dataset)$"
)
#: MeSH headings that say the study was in vitro (with no Humans/Animals check tag).
_IN_VITRO_MESH = ("In Vitro Techniques", "Cells, Cultured", "Cell Line", "Cell Line, Tumor")


def indexed(record: Record) -> bool:
    """Whether PubMed's indexing says anything about the design or the subjects."""
    return bool(record.mesh) or any(not _UNINFORMATIVE.match(t) for t in record.publication_types)


@dataclass(frozen=True)
class Indexing:
    """What PubMed's indexing says a record is."""

    trial: bool
    phases: frozenset[int]
    meta_analysis: bool
    systematic_review: bool
    review: bool
    not_research: tuple[str, ...]
    case_report: bool
    observational: bool
    observational_type: bool
    humans: bool
    animals: bool
    in_vitro: bool
    mesh: bool

    @classmethod
    def of(cls, record: Record) -> Indexing:
        types = set(record.publication_types)
        mesh = set(record.mesh)
        return cls(
            trial=bool(types & _TRIAL_TYPES) or bool(mesh & _TRIAL_MESH),
            phases=frozenset(p for t, p in _PHASE_TYPES.items() if t in types),
            meta_analysis="Meta-Analysis" in types,
            systematic_review="Systematic Review" in types,
            review=bool(types & set(_SECONDARY)),
            not_research=tuple(
                t
                for t in _NOT_RESEARCH
                if t in types
                and not (t in _MAY_REPORT_DATA and _REPORTS_DATA.search(record.abstract))
            ),
            case_report="Case Reports" in types,
            observational="Observational Study" in types or bool(mesh & set(_OBSERVATIONAL_MESH)),
            observational_type="Observational Study" in types,
            humans="Humans" in mesh,
            animals="Animals" in mesh,
            in_vitro=bool(mesh & set(_IN_VITRO_MESH)),
            mesh=bool(mesh),
        )

    def kind(self) -> str:
        """The record's kind in PubMed's words with its article ("a Review", "an Editorial")."""
        name = self._kind()
        return f"{'an' if name[0].lower() in 'aeiou' else 'a'} {name}"

    def _kind(self) -> str:
        if self.not_research:
            return self.not_research[0]
        if self.meta_analysis:
            return "Meta-Analysis"
        if self.systematic_review:
            return "Systematic Review"
        if self.review:
            return "Review"
        if self.case_report:
            return "Case Reports"
        if self.trial:
            return "clinical trial"
        if self.observational:
            return "observational study"
        return "study"


def design_conflict(mention: Mention, ix: Indexing) -> str | None:
    """Why PubMed's indexing contradicts the design ``mention`` names (None if it does not)."""
    design = mention.design
    aggregate = ix.review or ix.meta_analysis or ix.systematic_review
    if design is Design.TRIAL:
        if ix.trial:
            if mention.phases and ix.phases and not (mention.phases & ix.phases):
                stated = "/".join(str(p) for p in sorted(mention.phases))
                indexed_as = "/".join(str(p) for p in sorted(ix.phases))
                return f"a phase {indexed_as} trial, not phase {stated}"
            return None
        if aggregate or ix.not_research or ix.case_report:
            return f"{ix.kind()}, not a trial"
        if ix.observational_type:
            return "an Observational Study, not a trial"
        return None
    if design in (Design.META_ANALYSIS, Design.SYSTEMATIC_REVIEW):
        if aggregate:
            return None
        if ix.trial or ix.case_report or ix.not_research:
            return f"{ix.kind()}, not a {design}"
        return None
    if design in (Design.COHORT, Design.CASE_CONTROL, Design.CROSS_SECTIONAL):
        if aggregate or ix.not_research or ix.case_report:
            return f"{ix.kind()}, not a {design}"
        return None
    if design is Design.CASE_REPORT:
        if ix.case_report:
            return None
        if aggregate or ix.trial or ix.not_research:
            return f"{ix.kind()}, not a case report"
    return None


def population_conflict(population: Population, ix: Indexing) -> str | None:
    """Why PubMed's check tags contradict whom the claim says was studied."""
    if not ix.mesh:
        return None
    if population is Population.HUMANS and not ix.humans:
        if ix.animals:
            return "animals only (the Animals check tag, no Humans)"
        if ix.in_vitro:
            return "in vitro only (cells, no Humans check tag)"
    if population is Population.ANIMALS and ix.humans and not ix.animals:
        return "humans only (the Humans check tag, no Animals)"
    return None


def _quoted(mentions: tuple[Mention, ...]) -> str:
    return ", ".join(f'"{m.text}"' for m in dict.fromkeys(mentions))


def check_design(
    text: str | None, record: Record, surname: str | None = None, year: int | None = None
) -> tuple[Finding, ...]:
    """``design-mismatch`` and ``population-mismatch`` for a claim's ``text`` against the
    record's indexing, or ``design-unchecked`` when the claim names either and the record is
    not indexed yet. ``surname`` and ``year`` (the claim's first author and year) tell this
    study's words from another's in a sentence that cites several (``cited_part``)."""
    reading = read_claim(cited_part(text, surname, year) if text else None)
    if not reading.names_anything:
        return ()
    if not indexed(record):
        named = reading.designs + reading.population_words
        return (
            Finding(
                Code.DESIGN_UNCHECKED,
                Code.DESIGN_UNCHECKED.default,
                "design",
                ", ".join(dict.fromkeys(m.text for m in named)),
                "; ".join(record.publication_types) or None,
                f"the claim says {_quoted(named)}, but PubMed has not indexed PMID "
                f"{record.pmid} yet (no MeSH, no publication type but "
                f"{', '.join(record.publication_types) or 'none'}): design and population "
                "were not checked",
            ),
        )
    ix = Indexing.of(record)
    findings: list[Finding] = []
    conflicts = [(m, why) for m in reading.designs if (why := design_conflict(m, ix))]
    if conflicts:
        mentions = tuple(m for m, _ in conflicts)
        findings.append(
            Finding(
                Code.DESIGN_MISMATCH,
                Code.DESIGN_MISMATCH.default,
                "design",
                ", ".join(dict.fromkeys(m.text for m in mentions)),
                "; ".join(record.publication_types),
                f"the claim says {_quoted(mentions)}, but PubMed indexes PMID {record.pmid} "
                f"as {conflicts[0][1]} ({'; '.join(record.publication_types)})",
            )
        )
    if reading.population is not None:
        why = population_conflict(reading.population, ix)
        if why is not None:
            words = tuple(w for w in reading.population_words if w.population is reading.population)
            tags = [t for t in record.mesh if t in _CHECK_TAGS]
            findings.append(
                Finding(
                    Code.POPULATION_MISMATCH,
                    Code.POPULATION_MISMATCH.default,
                    "population",
                    ", ".join(dict.fromkeys(w.text for w in words)),
                    "; ".join(tags) or None,
                    f"the claim is about {reading.population} ({_quoted(words)}), but PubMed's "
                    f"indexing of PMID {record.pmid} says {why}",
                )
            )
    return tuple(findings)


#: The MeSH check tags and common species a population message quotes.
_CHECK_TAGS = frozenset(
    {
        "Humans",
        "Animals",
        "Mice",
        "Rats",
        "Dogs",
        "Swine",
        "Rabbits",
        "Cattle",
        "Sheep",
        "Guinea Pigs",
        "Cricetinae",
        "Macaca mulatta",
        "Zebrafish",
        "Mice, Inbred C57BL",
        "Mice, Inbred BALB C",
        "Mice, Knockout",
        "Mice, Transgenic",
        "Rats, Sprague-Dawley",
        "Rats, Wistar",
        "Cells, Cultured",
        "Cell Line",
        "Cell Line, Tumor",
        "In Vitro Techniques",
    }
)
