"""The checks: pure functions from what a claim states and what PubMed says to findings.

One function per finding code. None does I/O; each returns a tuple of ``Finding`` (empty when
the claim passes, or states nothing the check could compare).
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from . import bibfields, names
from .claims import Claim
from .evidence import Passage, find_evidence
from .figures import FigureStatus, FigureVerdict, Quantity, Section, judge, stated_quantities
from .findings import Code, Finding, Severity
from .normalize import doi_key, fold, name_key, title_key, titles_match
from .pubmed.cache import NotFound
from .pubmed.fulltext import FullText
from .pubmed.record import Author, Notice, Record
from .pubmed.source import Outcome, Unverified

# NOTE: ``design`` and ``journals`` (their word lists and tables) are imported by the checks
# that read a record, when one first does: a run whose PMIDs are all not found, unverified or
# invalid never loads them (#14, start-up).

Check = Callable[[Claim, Record], tuple[Finding, ...]]


def _finding(
    code: Code,
    field: str,
    stated: object,
    pubmed: object,
    message: str,
    severity: Severity | None = None,
) -> Finding:
    return Finding(
        code=code,
        severity=severity or code.default,
        field=field,
        stated=None if stated is None else str(stated),
        pubmed=None if pubmed is None else str(pubmed),
        message=message,
    )


def check_pmid(claim: Claim) -> tuple[Finding, ...]:
    if claim.pmid is not None:
        return ()
    return (
        _finding(
            Code.PMID_INVALID,
            "pmid",
            claim.pmid_raw,
            None,
            f"{claim.pmid_raw!r} is not a PMID (a positive whole number without leading zeros)",
        ),
    )


def check_not_found(claim: Claim, outcome: NotFound) -> tuple[Finding, ...]:
    return (
        _finding(
            Code.PMID_NOT_FOUND,
            "pmid",
            claim.pmid,
            None,
            f"PubMed has no record with PMID {outcome.pmid}",
        ),
    )


def check_unverified(claim: Claim, outcome: Unverified) -> tuple[Finding, ...]:
    return (
        _finding(
            Code.UNVERIFIED,
            "pmid",
            claim.pmid,
            None,
            f"could not verify PMID {outcome.pmid}: {outcome.cause}",
        ),
    )


def check_title(claim: Claim, record: Record) -> tuple[Finding, ...]:
    if not claim.title or titles_match(claim.title, record.title):
        return ()
    return (
        _finding(
            Code.TITLE_MISMATCH,
            "title",
            claim.title,
            record.title,
            f"PubMed's title is {record.title!r}; the article says {claim.title!r}",
        ),
    )


def check_year(claim: Claim, record: Record) -> tuple[Finding, ...]:
    stated = claim.stated_year
    if stated is None or not record.years or stated in record.years:
        return ()
    if record.epub_year is not None and stated == record.epub_year:
        return (
            _finding(
                Code.YEAR_MISMATCH,
                "year",
                stated,
                record.year,
                f"{stated} is the e-publication year; the issue is dated {record.pub_date} "
                f"(cite {record.year})",
                severity=Severity.WARNING,
            ),
        )
    if record.is_book:
        dates = [f"the book {record.pub_date or record.year}"]
        if record.contribution_year:
            dates.append(f"first posted {record.contribution_year}")
        if record.revised_year:
            dates.append(f"revised {record.revised_year}")
        return (
            _finding(
                Code.YEAR_MISMATCH,
                "year",
                stated,
                record.revised_year or record.contribution_year or record.year,
                f"PubMed dates this chapter {', '.join(dates)}; the article says {stated}",
            ),
        )
    return (
        _finding(
            Code.YEAR_MISMATCH,
            "year",
            stated,
            record.year,
            f"PubMed says {record.year} ({record.pub_date}), the article says {stated}",
        ),
    )


def _author_matches(stated: str, author: Author) -> bool:
    """Whether the printed name ``stated`` is ``author``: surname (or group) and, when both
    give them, initials."""
    return names.compare(stated, author).initials


def _printed_authors(claim: Claim) -> tuple[str | None, str | None]:
    """The first and second authors as the claim prints them, initials and all."""
    if claim.first_author or claim.authors:
        return claim.stated_first_author, claim.stated_second_author
    if claim.citation is None:
        return None, None
    return claim.citation.first_author_printed, claim.citation.second_author_printed


def check_author(claim: Claim, record: Record) -> tuple[Finding, ...]:
    stated, second = _printed_authors(claim)
    if not stated or not record.authors:
        return ()
    first = record.authors[0]
    count = len(record.authors)
    findings: list[Finding] = []
    verdict = names.compare(stated, first)
    if not verdict.initials:
        position = next(
            (i for i, a in enumerate(record.authors, 1) if _author_matches(stated, a)), None
        )
        if verdict.surname and position is None:
            findings.append(
                _finding(
                    Code.AUTHOR_MISMATCH,
                    "first_author",
                    stated,
                    first.display,
                    f"PubMed's first author is {first.display}; the article gives {stated}: "
                    "the same surname with other initials",
                    severity=Severity.WARNING,
                )
            )
        else:
            kind = names.kind(stated)
            if position is not None:
                kind = "group" if record.authors[position - 1].collective else "person"
            where = (
                f"author {position} of {count}"
                if position is not None
                else f"not among the record's {count} author{'s' if count > 1 else ''}"
            )
            named = f"a {kind}, {stated}" if kind else stated  # "WHO" may be either
            if first.collective:
                message = (
                    f"PubMed lists the group {first.display} first; the article names "
                    f"{named}, {where}"
                )
            elif kind != "person":
                message = (
                    f"PubMed's first author is a person, {first.display}; the article names "
                    f"{named}, {where}"
                )
            else:
                message = f"PubMed's first author is {first.display}; {stated} is {where}"
            findings.append(
                _finding(Code.AUTHOR_MISMATCH, "first_author", stated, first.display, message)
            )
    if (second and not findings and len(claim.stated_author_list[0]) < 2) and (
        len(record.authors) < 2 or not names.compare(second, record.authors[1]).surname
    ):
        actual = record.authors[1].display if len(record.authors) > 1 else None
        findings.append(
            _finding(
                Code.AUTHOR_MISMATCH,
                "second_author",
                second,
                actual,
                f"PubMed's second author is {actual}; the article names {second}"
                if actual
                else f"PubMed lists one author; the article names {second} as second",
            )
        )
    return tuple(findings)


def check_authors(claim: Claim, record: Record) -> tuple[Finding, ...]:
    """The whole printed author list, from its second name (the first is ``check_author``'s)."""
    printed, et_al = claim.stated_author_list
    if len(printed) < 2 and et_al is not False:
        return ()
    verdict = bibfields.compare_author_list(printed, et_al, record.authors, record.authors_complete)
    if verdict is None:
        return ()
    shown = bibfields.shown_list(
        record.authors, max(len(printed), verdict.position) + 1, record.authors_complete
    )
    severity = Severity.WARNING if verdict.difference is bibfields.ListDifference.INITIALS else None
    cut = " et al." if et_al else ""
    return (
        _finding(
            Code.AUTHORS_MISMATCH,
            "authors",
            ", ".join(printed) + cut,
            shown,
            f"{verdict.detail}: PubMed lists {shown}",
            severity=severity,
        ),
    )


def _stated_location(claim: Claim) -> str:
    volume, issue, pages = claim.stated_volume, claim.stated_issue, claim.stated_pages
    out = volume or ""
    if issue:
        out += f"({issue})"
    if pages:
        out = f"{out}:{pages}" if out else pages
    return out


def _record_location(record: Record) -> str:
    return bibfields.location(record.volume, record.issue, record.pages)


def _location_finding(code: Code, field: str, stated: str, pubmed: str, claim: Claim,
                      record: Record) -> Finding:  # fmt: skip
    return _finding(
        code,
        field,
        stated,
        pubmed,
        f"PubMed says {_record_location(record)}, the article says {_stated_location(claim)}"
        f" (the {field} {'are' if field == 'pages' else 'is'} {pubmed}, not {stated})",
    )


def check_volume(claim: Claim, record: Record) -> tuple[Finding, ...]:
    stated = claim.stated_volume
    if not stated or not record.volume:
        return ()
    mine, theirs = bibfields.parse_part(stated), bibfields.parse_part(record.volume)
    if mine is None or theirs is None or bibfields.volume_agrees(mine, theirs):
        return ()
    return (
        _location_finding(Code.VOLUME_MISMATCH, "volume", stated, record.volume, claim, record),
    )


def check_issue(claim: Claim, record: Record) -> tuple[Finding, ...]:
    stated = claim.stated_issue
    if not stated or not (record.issue or record.volume):
        return ()
    mine = bibfields.parse_part(stated)
    theirs = bibfields.parse_part(record.issue) if record.issue else bibfields.Part(())
    volume = bibfields.parse_part(record.volume) if record.volume else None
    if mine is None or theirs is None:
        return ()
    if not record.issue and (volume is None or volume.supplement is None):
        return ()  # PubMed gives no issue: nothing to compare with
    if bibfields.issue_agrees(mine, theirs, volume):
        return ()
    shown = record.issue or record.volume
    return (_location_finding(Code.ISSUE_MISMATCH, "issue", stated, shown, claim, record),)


def check_pages(claim: Claim, record: Record) -> tuple[Finding, ...]:
    stated = claim.stated_pages
    if not stated or not record.pages:
        return ()
    mine, theirs = bibfields.parse_pages(stated), bibfields.parse_pages(record.pages)
    if mine is None or theirs is None or bibfields.pages_agree(mine, theirs):
        return ()
    return (_location_finding(Code.PAGES_MISMATCH, "pages", stated, str(theirs), claim, record),)


def check_journal(claim: Claim, record: Record) -> tuple[Finding, ...]:
    stated = claim.stated_journal
    if not stated:
        return ()
    names = record.journal_names
    if not names:
        return ()
    from .journals import JournalMatch, journal_match

    match = journal_match(stated, names)
    if match is JournalMatch.NAMED:
        return ()
    shown = record.iso_abbreviation or record.medline_ta or record.journal
    also = f" ({record.journal})" if record.journal and record.journal != shown else ""
    if match is JournalMatch.UNQUALIFIED:
        return (
            _finding(
                Code.JOURNAL_MISMATCH,
                "journal",
                stated,
                shown,
                f"PubMed's journal is {shown}{also}; {stated}, without NLM's qualifier, may "
                "name another journal",
                severity=Severity.WARNING,
            ),
        )
    return (
        _finding(
            Code.JOURNAL_MISMATCH,
            "journal",
            stated,
            shown,
            f"PubMed's journal is {shown}{also}; the article says {stated}",
        ),
    )


def check_doi(claim: Claim, record: Record) -> tuple[Finding, ...]:
    if not claim.doi:
        return ()
    if not record.doi:
        return (
            _finding(
                Code.DOI_MISMATCH,
                "doi",
                claim.doi,
                None,
                f"PubMed lists no DOI for this record; the article says {claim.doi}",
                severity=Severity.WARNING,
            ),
        )
    if doi_key(claim.doi) == doi_key(record.doi):
        return ()
    return (
        _finding(
            Code.DOI_MISMATCH,
            "doi",
            claim.doi,
            record.doi,
            f"PubMed's DOI is {record.doi}; the article says {claim.doi}",
        ),
    )


def check_abstract(claim: Claim, record: Record) -> tuple[Finding, ...]:
    """No abstract: a warning when the claim states something to find in it, else info."""
    if record.has_abstract:
        return ()
    needs = bool(claim.figure or claim.text)
    return (
        _finding(
            Code.ABSTRACT_MISSING,
            "abstract",
            None,
            None,
            "PubMed has no abstract for this record; the stated figures cannot be checked"
            if needs
            else "PubMed has no abstract for this record",
            severity=Severity.WARNING if needs else Severity.INFO,
        ),
    )


_RETRACTION_NOTICES = ("RetractionIn", "RetractedandRepublishedIn", "PartialRetractionIn")
#: The publication types ``check_integrity`` reports without a linked notice.
_RETRACTION_TYPES = frozenset({"Retraction of Publication", "Retracted Publication"})


def _notice_source(notice: Notice) -> str:
    """Where a linked notice (or paper) is, as a noun phrase: "BMJ. 2025;388:r1 (PMID 39876543)",
    "BMJ. 2025 (no PMID given)", "PMID 39876543", or "" when PubMed gives neither."""
    reference = " ".join(notice.reference.split())
    if reference and notice.pmid:
        return f"{reference} (PMID {notice.pmid})"
    if reference:
        return f"{reference} (no PMID given)"
    return f"PMID {notice.pmid}" if notice.pmid else ""


def _published(what: str, notice: Notice) -> str:
    """A sentence on a notice: "an erratum was published in BMJ. 2025 (PMID 1)", "... was
    published as PMID 1", or "... was published" when PubMed says neither where nor which."""
    source = _notice_source(notice)
    if notice.reference.strip():
        return f"{what} was published in {source}"
    return f"{what} was published as {source}" if source else f"{what} was published"


#: What each notice the checks report is, in a sentence (see ``_published``).
_NOTICE_NOUNS = {
    "RetractionIn": "the retraction notice",
    "PartialRetractionIn": "the partial retraction notice",
    "RetractedandRepublishedIn": "the republished version",
    "ExpressionOfConcernIn": "an expression of concern",
    "ErratumIn": "an erratum",
    "UpdateIn": "an updated version",
}


def check_integrity(claim: Claim, record: Record) -> tuple[Finding, ...]:
    """Retractions, expressions of concern, errata and updates linked to the record."""
    if not record.notices and _RETRACTION_TYPES.isdisjoint(record.publication_types):
        return ()  # most records: nothing linked, nothing retracted
    findings: list[Finding] = []
    types = set(record.publication_types)
    retractions = [n for n in record.notices if n.kind in _RETRACTION_NOTICES]
    if "Retraction of Publication" in types:
        retracted = [n for n in record.notices if n.kind in ("RetractionOf", "PartialRetractionOf")]
        source = _notice_source(retracted[0]) if retracted else ""
        of = f" of {source}" if source else ""
        findings.append(
            _finding(
                Code.RETRACTED,
                "pmid",
                claim.pmid,
                "Retraction of Publication",
                f"PMID {record.pmid} is a retraction notice{of}, not a paper to cite",
            )
        )
    elif "Retracted Publication" in types or retractions:
        if retractions:
            notice = retractions[0]
            kind = {
                "RetractedandRepublishedIn": "retracted and republished",
                "PartialRetractionIn": "partially retracted",
            }.get(notice.kind, "retracted")
            detail = f"{kind}: {_published(_NOTICE_NOUNS[notice.kind], notice)}"
        else:
            detail = "retracted (publication type Retracted Publication)"
        findings.append(
            _finding(
                Code.RETRACTED,
                "pmid",
                claim.pmid,
                "Retracted Publication",
                f"PubMed marks this paper as {detail}",
            )
        )
    codes = {
        "ExpressionOfConcernIn": Code.EXPRESSION_OF_CONCERN,
        "ErratumIn": Code.ERRATUM,
        "UpdateIn": Code.UPDATE,
    }
    for notice in record.notices:
        code = codes.get(notice.kind)
        if code is not None:
            findings.append(
                _finding(
                    code,
                    "pmid",
                    claim.pmid,
                    _notice_source(notice) or notice.kind,
                    _published(_NOTICE_NOUNS[notice.kind], notice),
                )
            )
    return tuple(findings)


#: Publication types of records that are not papers: what they are, the CommentsCorrections
#: link to the paper they are about, and the severity when a claim takes figures or text from
#: one and when it only cites it. "Retraction of Publication" is ``retracted``'s.
_NOT_PAPERS: tuple[tuple[str, str, str, Severity, Severity], ...] = (
    ("Published Erratum", "a published erratum", "ErratumFor", Severity.ERROR, Severity.WARNING),
    (
        "Expression of Concern",
        "an expression of concern",
        "ExpressionOfConcernFor",
        Severity.ERROR,
        Severity.WARNING,
    ),
    ("Comment", "a comment", "CommentOn", Severity.WARNING, Severity.INFO),
    ("Editorial", "an editorial", "CommentOn", Severity.INFO, Severity.INFO),
)
_NOT_PAPER_TYPES = frozenset(kind for kind, *_ in _NOT_PAPERS)


def check_not_a_paper(claim: Claim, record: Record) -> tuple[Finding, ...]:
    """The PMID is a notice (erratum, expression of concern), a comment or an editorial.

    A notice is never the source of a finding: a claim that states figures or text from one is
    an error, and the message names the paper the notice is about; a reference that only cites
    the notice is a warning (reference lists do cite errata). A comment is a warning when the
    claim states figures or text (they are most likely the commented paper's), info otherwise;
    an editorial is info (both are cited in their own right at times).
    """
    if _NOT_PAPER_TYPES.isdisjoint(record.publication_types):
        return ()  # a paper, as most records are
    types = set(record.publication_types)
    if "Retraction of Publication" in types:
        return ()
    states = bool(claim.figure or claim.text)
    for kind, what, link, as_source, as_reference in _NOT_PAPERS:
        if kind not in types:
            continue
        about = [n for n in record.notices if n.kind == link]
        source = _notice_source(about[0]) if about else ""
        target = f" about {source}" if source else ""
        pmid = about[0].pmid if about else None
        advice = f"; cite PMID {pmid} if that paper is meant" if pmid else ""
        return (
            _finding(
                Code.NOT_A_PAPER,
                "pmid",
                claim.pmid,
                kind,
                f"PMID {record.pmid} is {what}{target}, not a paper{advice}",
                severity=as_source if states else as_reference,
            ),
        )
    return ()


def _record_sections(record: Record) -> list[Section]:
    sections = [Section("title", record.title)]
    if record.has_abstract:
        sections.append(Section("abstract", record.abstract))
    return sections


def stated_figures(claim: Claim) -> tuple[Quantity, ...]:
    """The numbers a claim states: from ``figure``, else from ``text``."""
    source = claim.figure or claim.text
    return stated_quantities(source) if source else ()


def needs_fulltext(claim: Claim, record: Record) -> bool:
    """Whether any stated number is missing from title and abstract, and PMC may have it."""
    if not record.pmcid or not (claim.figure or claim.text):
        return False
    sections = _record_sections(record)
    return any(judge(q, sections).status is not FigureStatus.FOUND for q in stated_figures(claim))


def check_figures(
    claim: Claim, record: Record, fulltext: FullText | Unverified | None = None
) -> tuple[tuple[FigureVerdict, ...], tuple[Finding, ...]]:
    """A verdict for every stated number, and a finding for each that is not plainly there."""
    return _check_figures(stated_figures(claim), _record_sections(record), record, fulltext)


def _check_figures(
    stated: tuple[Quantity, ...],
    sections: list[Section],
    record: Record,
    fulltext: FullText | Unverified | None,
) -> tuple[tuple[FigureVerdict, ...], tuple[Finding, ...]]:
    body = fulltext.sections if isinstance(fulltext, FullText) else ()
    verdicts: list[FigureVerdict] = []
    findings: list[Finding] = []
    for quantity in stated:
        verdict = judge(quantity, sections, body)
        if isinstance(fulltext, Unverified) and verdict.status in (
            FigureStatus.NOT_FOUND,
            FigureStatus.ROUNDED,
        ):
            # Not in the abstract (or only rounded), and the full text, which may hold it, could
            # not be had: the number was not looked for where it may be. Never "not found".
            verdict = FigureVerdict(
                quantity.text,
                FigureStatus.UNVERIFIABLE,
                where=f"the PMC full text could not be fetched: {fulltext.cause}",
                matched=verdict.matched,
            )
        elif verdict.status is FigureStatus.NOT_FOUND and not record.has_abstract and not body:
            verdict = FigureVerdict(quantity.text, FigureStatus.UNVERIFIABLE)
        verdicts.append(verdict)
        finding = _figure_finding(verdict, record, fulltext)
        if finding is not None:
            findings.append(finding)
    return tuple(verdicts), tuple(findings)


def _figure_finding(
    verdict: FigureVerdict, record: Record, fulltext: FullText | Unverified | None
) -> Finding | None:
    stated = verdict.stated
    if verdict.status is FigureStatus.ROUNDED:
        return _finding(
            Code.FIGURE_ROUNDED,
            "figure",
            stated,
            verdict.matched,
            f"{stated} is rounded: the {verdict.where} says {verdict.matched}",
        )
    if verdict.status is FigureStatus.UNVERIFIABLE and isinstance(fulltext, Unverified):
        abstract_says = (
            f"the abstract has only {verdict.matched}" if verdict.matched else "not in the abstract"
        )
        return _finding(
            Code.UNVERIFIED,
            "figure",
            stated,
            verdict.matched,
            f"{stated} could not be checked: {abstract_says}, and the PMC full text "
            f"({record.pmcid}) could not be fetched ({fulltext.cause})",
        )
    if verdict.status is FigureStatus.UNVERIFIABLE:
        why = (
            f"; the PMC full text could not be fetched ({fulltext.cause})"
            if isinstance(fulltext, Unverified)
            else ""
        )
        return _finding(
            Code.FIGURE_UNVERIFIABLE,
            "figure",
            stated,
            None,
            f"{stated} cannot be checked: PubMed has no abstract for this record{why}",
        )
    if verdict.status is FigureStatus.NOT_FOUND:
        where = "title or abstract"
        if isinstance(fulltext, FullText) and fulltext.sections:
            where += f", nor in the full text ({record.pmcid})"
        elif fulltext is None and record.pmcid:
            where += f" (the PMC full text, {record.pmcid}, was not consulted)"
        has = (
            f"; the nearest numbers there are {', '.join(verdict.closest)}"
            if verdict.closest
            else "; it states no numbers"
        )
        return _finding(
            Code.FIGURE_NOT_FOUND,
            "figure",
            stated,
            ", ".join(verdict.closest) or None,
            f"{stated} is not in the {where}{has}",
        )
    return None


RECORD_CHECKS: tuple[Check, ...] = (
    check_title,
    check_year,
    check_author,
    check_authors,
    check_journal,
    check_doi,
    check_volume,
    check_issue,
    check_pages,
    check_abstract,
    check_integrity,
    check_not_a_paper,
)


def _prints_nothing(claim: Claim) -> bool:
    """Whether a claim gives none of the fields the metadata checks compare (no citation,
    title, author, journal, year, DOI, volume, issue or pages): of ``RECORD_CHECKS`` only the
    last three, which read the record alone, can find anything for it."""
    return (
        claim.citation is None
        and claim.title is None
        and claim.first_author is None
        and not claim.authors
        and claim.journal is None
        and claim.year is None
        and claim.doi is None
        and claim.volume is None
        and claim.issue is None
        and claim.pages is None
    )


_COMPARED: tuple[tuple[str, Callable[[Claim], object], Callable[[str], str]], ...] = (
    ("first_author", lambda c: c.stated_first_author, name_key),
    ("journal", lambda c: c.stated_journal, lambda j: fold(j).replace(" ", "")),
    ("year", lambda c: c.stated_year, str),
    ("title", lambda c: c.title, title_key),
    ("doi", lambda c: c.doi, doi_key),
)


def check_conflicts(claims: Sequence[Claim]) -> dict[int, tuple[Finding, ...]]:
    """Claims that cite one PMID but state different metadata for it, by claim index."""
    # NOTE: most PMIDs are cited once: they are counted (at C speed) and left out before any
    # claim is grouped (#16: grouping 100,000 claims took 0.13 s, counting them 0.01 s).
    counts = Counter([claim.pmid for claim in claims])
    repeated = {pmid for pmid, n in counts.items() if n > 1 and pmid is not None}
    if not repeated:
        return {}
    by_pmid: dict[int, list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.pmid in repeated:
            by_pmid[claim.pmid].append(claim)
    found: dict[int, list[Finding]] = defaultdict(list)
    for group in by_pmid.values():
        if len(group) < 2:
            continue
        for field, get, key in _COMPARED:
            stated = [(c, get(c)) for c in group if get(c) is not None]
            if len({key(str(v)) for _, v in stated}) < 2:
                continue
            for claim, value in stated:
                others = "; ".join(
                    f"{o.label} says {v}"
                    for o, v in stated
                    if o is not claim and key(str(v)) != key(str(value))
                )
                found[claim.index].append(
                    _finding(
                        Code.CLAIMS_CONFLICT,
                        field,
                        value,
                        None,
                        f"this claim gives {field.replace('_', ' ')} {value} for PMID "
                        f"{claim.pmid}, but {others}",
                    )
                )
    return {i: tuple(f) for i, f in found.items()}


@dataclass(frozen=True)
class ClaimCheck:
    """Everything the checks found for one claim."""

    findings: tuple[Finding, ...]
    figures: tuple[FigureVerdict, ...] = ()
    #: The source's sentences that bear on the claim (``evidence.find_evidence``).
    evidence: tuple[Passage, ...] = ()


#: What the checks found for a claim that passes and states no figure (frozen: shared).
_NOTHING_FOUND = ClaimCheck(())


def check_claim(
    claim: Claim, outcome: Outcome | None, fulltext: FullText | Unverified | None = None
) -> ClaimCheck:
    """Every finding for one claim given what the source returned for its PMID (and, when
    fetched, the PMC full text of the record)."""
    invalid = check_pmid(claim)
    if invalid:
        return ClaimCheck(invalid)
    if isinstance(outcome, Unverified):
        return ClaimCheck(check_unverified(claim, outcome))
    if isinstance(outcome, NotFound):
        return ClaimCheck(check_not_found(claim, outcome))
    if outcome is None:
        return ClaimCheck(
            check_unverified(claim, Unverified(claim.pmid or 0, "no answer for this PMID"))
        )
    if _prints_nothing(claim):
        # NOTE: a bare reference (a PMID alone, most of a big run): every check that compares
        # what the claim prints returns nothing for it, and is not called (#16).
        read = (
            check_abstract(claim, outcome)
            + check_integrity(claim, outcome)
            + check_not_a_paper(claim, outcome)
        )
    else:
        read = ()
        for check in RECORD_CHECKS:
            read += check(claim, outcome)
    # NOTE: a claim that states no figure and no text (a bare reference, most of a big run)
    # has nothing for the design, figure and evidence checks to read: they are not called, as
    # each would return nothing (#16: they were a third of a bare claim's 43 us).
    if not (claim.figure or claim.text):
        return ClaimCheck(read) if read else _NOTHING_FOUND
    found = list(read)
    if claim.text:
        from .design import check_design

        found += check_design(claim.text, outcome, claim.stated_first_author, claim.stated_year)
    stated = stated_figures(claim)
    sections = _record_sections(outcome)
    figures, figure_findings = _check_figures(stated, sections, outcome, fulltext)
    passages = find_evidence(
        claim.text,
        stated,
        figures,
        sections,
        fulltext.sections if isinstance(fulltext, FullText) else (),
    )
    return ClaimCheck((*found, *figure_findings), figures, passages)


def apply_severities(
    findings: Iterable[Finding], overrides: Mapping[Code, Severity]
) -> tuple[Finding, ...]:
    """Apply per-file ``[defaults]`` severities to findings at their code's default severity.
    ``unverified`` is never softened: an unchecked claim is never a pass."""
    if not overrides:
        return tuple(findings)
    result = []
    for f in findings:
        new = overrides.get(f.code)
        if new is not None and f.code is not Code.UNVERIFIED and f.severity is f.code.default:
            result.append(dataclasses.replace(f, severity=new))
        else:
            result.append(f)
    return tuple(result)
