"""The vocabulary of a check: finding codes, severities, statuses and exit codes.

Everything a check produces is a frozen value from this module; reports read nothing else.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from pathlib import Path


class Severity(enum.IntEnum):
    """How bad a finding is; ordered so that ``max()`` picks the worst."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (error, warning, info)") from None


class Code(enum.Enum):
    """A finding's stable kebab-case code and its default severity (DESIGN.md, Findings)."""

    PMID_INVALID = ("pmid-invalid", Severity.ERROR, "The PMID is not a positive integer.")
    PMID_NOT_FOUND = ("pmid-not-found", Severity.ERROR, "PubMed has no record for the PMID.")
    TITLE_MISMATCH = (
        "title-mismatch",
        Severity.ERROR,
        "The stated title is not the record's title (case, punctuation, markup and a dropped "
        "subtitle are tolerated).",
    )
    YEAR_MISMATCH = (
        "year-mismatch",
        Severity.ERROR,
        "The stated year is not the year of the issue; a warning when it is the e-publication "
        "year.",
    )
    AUTHOR_MISMATCH = (
        "author-mismatch",
        Severity.ERROR,
        "The stated first author is not the record's first author.",
    )
    JOURNAL_MISMATCH = (
        "journal-mismatch",
        Severity.ERROR,
        "The stated journal matches none of the record's full title, ISO abbreviation or "
        "MedlineTA.",
    )
    DOI_MISMATCH = ("doi-mismatch", Severity.ERROR, "The stated DOI differs from the record's.")
    AUTHORS_MISMATCH = (
        "authors-mismatch",
        Severity.ERROR,
        "The stated author list is not the record's: a co-author left out, added, misspelt or "
        'out of order, or a list without "et al." that stops early; a warning when only '
        "initials differ.",
    )
    VOLUME_MISMATCH = (
        "volume-mismatch",
        Severity.ERROR,
        "The stated volume is not the record's (a part or supplement given on one side only, "
        '"27" for "27 Pt 1", is tolerated).',
    )
    ISSUE_MISMATCH = (
        "issue-mismatch",
        Severity.WARNING,
        'The stated issue is not the record\'s ("3" of a double issue "3-4" and "S1" for '
        '"Suppl 1" are tolerated).',
    )
    PAGES_MISMATCH = (
        "pages-mismatch",
        Severity.ERROR,
        'The stated pages are not the record\'s ("1383-7" is 1383-1387; the first page alone, '
        "an online-only tail such as .e2, and a missing section letter are tolerated).",
    )
    ABSTRACT_MISSING = (
        "abstract-missing",
        Severity.WARNING,
        "The record has no abstract, so stated figures cannot be checked against it.",
    )
    FIGURE_NOT_FOUND = (
        "figure-not-found",
        Severity.WARNING,
        "A stated number appears nowhere in the title and abstract (nor in the PMC full text, "
        "when there is one).",
    )
    FIGURE_ROUNDED = (
        "figure-rounded",
        Severity.WARNING,
        "A stated number is the source's number rounded to fewer decimals (41% for 40.6%).",
    )
    FIGURE_UNVERIFIABLE = (
        "figure-unverifiable",
        Severity.INFO,
        "The record has no abstract and no PMC full text: the stated number cannot be checked.",
    )
    RETRACTED = (
        "retracted",
        Severity.ERROR,
        "The cited paper was retracted, or the PMID is itself a retraction notice.",
    )
    EXPRESSION_OF_CONCERN = (
        "expression-of-concern",
        Severity.WARNING,
        "The journal published an expression of concern about the cited paper.",
    )
    ERRATUM = ("erratum", Severity.INFO, "An erratum was published for the cited paper.")
    UPDATE = ("update", Severity.INFO, "An updated version of the cited paper was published.")
    NOT_A_PAPER = (
        "not-a-paper",
        Severity.ERROR,
        "The PMID is a notice about another paper (a published erratum, an expression of "
        "concern), a comment or an editorial, not a paper reporting findings.",
    )
    DESIGN_MISMATCH = (
        "design-mismatch",
        Severity.WARNING,
        "The claim names a study design (a trial, a meta-analysis, a cohort study…) that "
        "PubMed's publication types contradict (a Review cited for a trial).",
    )
    POPULATION_MISMATCH = (
        "population-mismatch",
        Severity.WARNING,
        "The claim is about people and PubMed's check tags say animals only (or in vitro), or "
        "the claim is about animals and the tags say humans only.",
    )
    DESIGN_UNCHECKED = (
        "design-unchecked",
        Severity.INFO,
        "The claim names a study design or population, but PubMed has not indexed the record "
        "yet (no MeSH, no publication type but Journal Article): neither could be checked.",
    )
    CITATION_ORPHAN = (
        "citation-orphan",
        Severity.WARNING,
        "An in-text citation has no entry in the reference list, or a reference is never cited "
        "in the text (with --article).",
    )
    CLAIM_STALE = (
        "claim-stale",
        Severity.WARNING,
        "The claim's text no longer appears in the article: the article changed after the "
        "claims were written (with --article).",
    )
    CLAIMS_CONFLICT = (
        "claims-conflict",
        Severity.WARNING,
        "Two claims state different metadata for the same PMID.",
    )
    ACCEPTANCE_UNUSED = (
        "acceptance-unused",
        Severity.WARNING,
        "An acceptance (a claim's accept, or an [[accept]] of the config file) matches no "
        "finding of the claims it applies to. The finding it was written for is gone: remove "
        "the acceptance.",
    )
    UNVERIFIED = (
        "unverified",
        Severity.ERROR,
        "The record could not be fetched (network, NCBI failure, offline cache miss): never a "
        "pass.",
    )

    def __init__(self, slug: str, default: Severity, help_text: str) -> None:
        self.slug = slug
        self.default = default
        self.help_text = help_text

    def __str__(self) -> str:
        return self.slug

    @classmethod
    def from_slug(cls, slug: str) -> Code:
        for code in cls:
            if code.slug == slug:
                return code
        raise ValueError(f"unknown finding code {slug!r}")


class Status(enum.Enum):
    """The verdict on one claim."""

    OK = "ok"
    WARNING = "warning"
    ERROR = "error"
    UNVERIFIED = "unverified"

    def __str__(self) -> str:
        return self.value


class ExitCode(enum.IntEnum):
    """Process exit codes, documented in the README. A broken citation is never a crash."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    UNVERIFIED = 3
    INTERNAL = 4


@dataclass(frozen=True)
class Acceptance:
    """A team's decision that a finding is fine: a claim's ``accept`` entry, or an
    ``[[accept]]`` of the config file (scoped to a PMID, a claim id or claims files)."""

    code: Code
    reason: str
    #: Last day the acceptance holds; after it the finding counts again.
    until: date | None = None
    #: Where it is written (for reports and ``acceptance-unused``).
    path: Path | None = None
    line: int | None = None
    #: The config file's scope (all that are set must match); None in a claim's own list.
    pmid: int | None = None
    claim: str | None = None
    file: str | None = None
    #: Only the finding whose stated value this is (one figure of several, say).
    stated: str | None = None


@dataclass(frozen=True)
class Finding:
    """One thing wrong (or worth knowing) about a claim."""

    code: Code
    severity: Severity
    field: str
    stated: str | None
    pubmed: str | None
    message: str
    #: The acceptance that matched this finding, if any (``accept.py``).
    acceptance: Acceptance | None = None
    #: The acceptance had expired on the day of the run: the finding counts again.
    acceptance_expired: bool = False

    @property
    def accepted(self) -> bool:
        """Accepted, and so left out of statuses, summaries' worst and exit codes."""
        return self.acceptance is not None and not self.acceptance_expired


class FailOn(enum.Enum):
    """The severity at or above which a finding fails the run (``--fail-on``)."""

    ERROR = "error"
    WARNING = "warning"
    NEVER = "never"

    def threshold(self) -> Severity | None:
        if self is FailOn.ERROR:
            return Severity.ERROR
        if self is FailOn.WARNING:
            return Severity.WARNING
        return None
