"""``--format html``: one self-contained page for an editor reviewing a manuscript's citations.

The page is drawn by a Jinja2 template (``templates/review.html.j2``) with autoescaping on:
everything that comes from a claims file, a record or an evidence passage is text, never
markup. Highlighted numbers are ``<mark>`` around slices of a passage cut here, in Python, from
``Passage.spans``; the template escapes each slice. The page makes no request of any kind: CSS
and script are inline, and a Content-Security-Policy that admits only those two (by hash)
keeps it so even if something slipped through.

Rows come in ``view``'s order (errors, unverified, warnings, ok) and are written as they are
read, one pass over the results per status: a run kept on disk is never all in memory.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from ..accept import note
from ..evidence import Passage
from ..figures import FigureStatus, FigureVerdict
from ..findings import Finding, Status
from ..results import ArticleFinding, CheckRun, Result
from ..suggest import Suggestion
from .common import display_path, pmid_text
from .view import ORDER, hidden_note

PUBMED = "https://pubmed.ncbi.nlm.nih.gov/"
PMC = "https://pmc.ncbi.nlm.nih.gov/articles/"
DOI = "https://doi.org/"
_PMCID = re.compile(r"PMC\d{1,12}")
#: The inline markup PubMed keeps in titles; shown as its text (anything else stays text).
_TITLE_MARKUP = re.compile(r"</?(?:i|b|u|em|strong|sup|sub)>")

_HEADINGS = {
    Status.ERROR: "Errors",
    Status.UNVERIFIED: "Could not be verified",
    Status.WARNING: "Warnings",
    Status.OK: "Matches PubMed",
}
_KIND_LABEL = {
    "found": "found",
    "rounded": "rounded",
    "closest": "closest sentence",
    "relevant": "relevant",
}


@dataclass(frozen=True)
class Segment:
    """A slice of a passage's text; ``marked`` slices are the matched numbers or words."""

    text: str
    marked: bool


def segments(text: str, spans: Sequence[tuple[int, int]]) -> tuple[Segment, ...]:
    """``text`` cut at ``spans``: each span clipped to the text, empty ones dropped, overlapping
    or touching ones merged, so that the slices put back together are ``text`` exactly."""
    size = len(text)
    clipped = sorted(
        (max(0, min(a, size)), max(0, min(b, size))) for a, b in spans if min(a, b) < size
    )
    merged: list[list[int]] = []
    for start, end in clipped:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[Segment] = []
    at = 0
    for start, end in merged:
        if start > at:
            out.append(Segment(text[at:start], False))
        out.append(Segment(text[start:end], True))
        at = end
    if at < size or not out:
        out.append(Segment(text[at:], False))
    return tuple(out)


def doi_url(doi: str) -> str:
    """The resolver's URL of a DOI, every character outside RFC 3986's unreserved set and
    ``/`` percent-encoded (a DOI may hold ``#``, ``?``, ``<``, ``%``, spaces)."""
    return DOI + quote(doi.strip(), safe="/")


def pmc_url(pmcid: str) -> str | None:
    return PMC + pmcid + "/" if _PMCID.fullmatch(pmcid) else None


@dataclass(frozen=True)
class Link:
    label: str
    href: str


@dataclass(frozen=True)
class PassageView:
    kind: str
    label: str
    where: str
    figure: str | None
    parts: tuple[Segment, ...]


@dataclass(frozen=True)
class FindingView:
    code: str
    severity: str
    field: str
    message: str
    stated: str | None
    pubmed: str | None
    #: Accepted by the team (it does not count); ``note`` says why, or that it expired.
    accepted: bool = False
    note: str | None = None


@dataclass(frozen=True)
class SuggestionView:
    pmid: int
    citation: str
    title: str
    reasons: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class ClaimView:
    """What the page shows of one result, every value plain text (the template escapes)."""

    anchor: str
    status: str
    label: str
    pmid: str
    codes: str
    claims_at: str
    article_at: str | None
    text: str | None
    citation: str | None
    record: str | None
    record_title: str | None
    publication_types: str | None
    findings: tuple[FindingView, ...]
    figures: tuple[str, ...]
    evidence: tuple[PassageView, ...]
    suggestion: SuggestionView | None
    links: tuple[Link, ...]


def _figure(v: FigureVerdict) -> str:
    if v.status in (FigureStatus.FOUND, FigureStatus.FOUND_IN_FULLTEXT):
        return f"{v.stated}: found ({v.where})" if v.where else f"{v.stated}: found"
    if v.status is FigureStatus.ROUNDED:
        return f"{v.stated}: rounded from {v.matched} ({v.where})"
    if v.status is FigureStatus.NOT_FOUND:
        closest = f"; nearest: {', '.join(v.closest)}" if v.closest else ""
        return f"{v.stated}: not found{closest}"
    return f"{v.stated}: {v.status.value}"


def _passage(p: Passage) -> PassageView:
    kind = str(p.kind)
    label = _KIND_LABEL.get(kind, kind)
    return PassageView(kind, label, p.where, p.figure, segments(p.text, p.spans))


def _finding(f: Finding) -> FindingView:
    return FindingView(
        f.code.slug, str(f.severity), f.field, f.message, f.stated, f.pubmed, f.accepted, note(f)
    )


def _suggestion(s: Suggestion) -> SuggestionView:
    links = [Link("PubMed", f"{PUBMED}{s.pmid}/")]
    if s.doi:
        links.append(Link("DOI", doi_url(s.doi)))
    return SuggestionView(s.pmid, s.citation, s.title, ", ".join(s.reasons), tuple(links))


def claim_view(result: Result, index: int, path: str | None = None) -> ClaimView:
    """The view of ``result``, the ``index``-th claim shown; ``path``: its claims file as
    shown (``display_path``), when the caller already has it."""
    claim, record = result.claim, result.record
    path = display_path(result.source.path) if path is None else path
    line = claim.line or 1
    links: list[Link] = []
    if claim.pmid is not None:
        links.append(Link("PubMed", f"{PUBMED}{claim.pmid}/"))
    if record is not None and record.pmcid and (url := pmc_url(record.pmcid)):
        links.append(Link("PMC", url))
    if record is not None and record.doi:
        links.append(Link("DOI", doi_url(record.doi)))
    article_at = None
    if claim.article_line is not None:
        source = result.source.article_source or "article"
        article_at = f"{source}:{claim.article_line}"
    described = None
    if record is not None:
        authors = record.authors[0] + (" et al." if len(record.authors) > 1 else "")
        journal = record.iso_abbreviation or record.journal
        described = ", ".join(x for x in (authors, journal, str(record.year or "")) if x)
    return ClaimView(
        anchor=f"claim-{index}",
        status=result.status.value,
        label=claim.label,
        pmid=pmid_text(result),
        codes=" ".join(sorted({f.code.slug for f in result.findings})),
        claims_at=f"{path}:{line}",
        article_at=article_at,
        text=claim.text,
        citation=claim.citation.raw if claim.citation else None,
        record=described,
        record_title=_TITLE_MARKUP.sub("", record.title) if record is not None else None,
        publication_types=", ".join(record.publication_types) if record else None,
        findings=tuple(_finding(f) for f in result.findings),
        figures=tuple(_figure(v) for v in result.figures),
        evidence=tuple(_passage(p) for p in result.evidence),
        suggestion=_suggestion(result.suggestion) if result.suggestion else None,
        links=tuple(links),
    )


@dataclass(frozen=True)
class Group:
    status: str
    heading: str
    count: int
    claims: Iterator[ClaimView]


def _groups(run: CheckRun, show: frozenset[Status]) -> Iterator[Group]:
    """One group per status shown, problems first; each read lazily, in one pass."""
    counts = run.summary.by_status
    index = 0
    paths: dict[Path, str] = {}  # display_path resolves the path: once per claims file

    def views(status: Status) -> Iterator[ClaimView]:
        nonlocal index
        for r in run.results:
            if r.status is status:
                index += 1
                path = paths.get(r.source.path)
                if path is None:
                    path = paths[r.source.path] = display_path(r.source.path)
                yield claim_view(r, index, path)

    for status in ORDER:
        if status in show and counts[status]:
            yield Group(status.value, _HEADINGS[status], counts[status], views(status))


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("ta1check.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@cache
def _page() -> tuple[Template, str, str, str]:
    """The template, its inline CSS and script, and the CSP admitting exactly those two."""
    env = _environment()
    assert env.loader is not None
    css = env.loader.get_source(env, "review.css")[0]
    script = env.loader.get_source(env, "review.js")[0]
    csp = (
        "default-src 'none'; "
        f"style-src {_csp_hash(css)}; script-src {_csp_hash(script)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    return env.get_template("review.html.j2"), css, script, csp


def _version() -> str:
    try:
        return version("ta1check")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _counted(counting: int, accepted: int) -> str:
    """``3``, ``3, 1 accepted`` or ``1 accepted``: a finding code's count in the filter."""
    parts = [str(counting)] if counting else []
    return ", ".join([*parts, f"{accepted} accepted"] if accepted else parts)


def _located(found: Sequence[ArticleFinding]) -> list[tuple[str, FindingView]]:
    return [(f"{display_path(a.path)}:{a.line}", _finding(a.finding)) for a in found]


class HtmlReporter:
    """The review page: summary counts, filters, then every claim shown (``show``), problems
    first, each with its sentence, citation, findings, evidence, suggestion and links."""

    def __init__(self, *, show: frozenset[Status] = frozenset(Status)) -> None:
        self.show = show

    def render(self, run: CheckRun, out: TextIO) -> None:
        template, css, script, csp = _page()
        summary = run.summary
        titles = sorted({f.article_title for f in run.files if f.article_title})
        stream = template.generate(
            title=titles[0] if len(titles) == 1 else None,
            files=[display_path(f.path) for f in run.files],
            total=summary.total,
            counts=[(s.value, _HEADINGS[s], summary.by_status[s]) for s in ORDER],
            by_code=list(summary.by_code.items()),
            hidden=hidden_note(summary.by_status, self.show),
            groups=_groups(run, self.show),
            article=display_path(run.article) if run.article is not None else None,
            article_findings=_located(run.article_findings),
            config_findings=_located(run.config_findings),
            accepted=list(summary.accepted.items()),
            codes=[
                (code, _counted(summary.by_code.get(code, 0), summary.accepted.get(code, 0)))
                for code in sorted({*summary.by_code, *summary.accepted})
            ],
            css=css,
            script=script,
            csp=csp,
            version=_version(),
        )
        out.writelines(stream)
