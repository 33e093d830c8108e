"""``--format markdown``: a table fit for a pull-request comment (and a step summary).

Everything that comes from a claims file or a record (labels, stated values, PubMed's titles,
paths) is text, never markup: HTML is entity-escaped and every character that starts inline
Markdown (emphasis, links, code, strikethrough, GitHub's math, a table's cell separator) is
backslash-escaped, so a stated ``<management>`` shows as written instead of vanishing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TextIO

from ..accept import note
from ..findings import Finding, Status
from ..results import CheckRun, Result
from .common import display_path, location, pmid_text
from .passages import heading, pieces, shown
from .table import summary_line
from .view import SaidOnce, hidden_note, rows

_ICON = {Status.OK: "✅", Status.WARNING: "⚠️", Status.ERROR: "❌", Status.UNVERIFIED: "❔"}


#: ASCII punctuation that can open inline Markdown in a cell or list item (CommonMark lets any
#: ASCII punctuation be backslash-escaped); ``|`` splits a GFM table cell, ``$`` opens
#: GitHub's math, ``~`` strikethrough.
_INLINE = re.compile(r"([\\`*_\[\]~|$])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def text(value: str) -> str:
    """Plain text as Markdown that renders as exactly that text, on one line."""
    escaped = _INLINE.sub(r"\\\1", value)
    escaped = "".join(_HTML.get(ch, ch) for ch in escaped)
    return "<br>".join(escaped.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def code(value: str) -> str:
    """A code span holding ``value`` as written: fenced by more backticks than it contains,
    its pipes escaped (GFM splits table cells before reading code spans)."""
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    inner = value.replace("|", "\\|").replace("\n", " ")
    return f"{fence}{pad}{inner}{pad}{fence}"


_cell = text


def markdown_lines(run: CheckRun, show: frozenset[Status] = frozenset(Status)) -> Iterator[str]:
    """The report, a line at a time (each ending in a newline), as the results are read:
    the rows of the statuses in ``show``, problems first; a finding several claims of a PMID
    share is said once."""
    yield from ("## ta1check: citations checked against PubMed\n", "\n")
    yield summary_line(run.summary) + "\n"
    yield "\n"
    note = hidden_note(run.summary.by_status, show)
    if note:
        yield from (f"{note}\n", "\n")
    if not any(r.status in show for r in run.results):
        return
    yield "| status | PMID | claim | where | findings |\n"
    yield "|---|---|---|---|---|\n"
    pubmed = "https://pubmed.ncbi.nlm.nih.gov/"
    said = SaidOnce()
    for r in rows(run.results, show):
        path, line = location(r)
        pmid = pmid_text(r)
        link = f"[{pmid}]({pubmed}{pmid}/)" if r.claim.pmid is not None else text(pmid)
        findings = "<br>".join(_finding(r, f, said) for f in r.findings) or "matches PubMed"
        for p in shown(r.evidence):
            quoted = "".join(f"**{text(t)}**" if hot else text(t) for t, hot in pieces(p))
            findings += f"<br>_{text(heading(p))}_: {quoted}"
        if r.suggestion is not None:
            findings += f"<br>💡 {_cell(r.suggestion.text)}"
        yield (
            f"| {_ICON[r.status]} {r.status.value} | {link} | {_cell(r.claim.label)} | "
            f"{code(f'{path}:{line}')} | {findings} |\n"
        )
    if run.article_findings:
        yield from ("\n", "### The article\n", "\n")
        for a in run.article_findings:
            yield (
                f"- {code(f'{display_path(a.path)}:{a.line}')} **{a.finding.code.slug}** "
                f"({a.finding.severity}): {_cell(a.finding.message)}\n"
            )
    if run.config_findings:
        yield from ("\n", "### The config file\n", "\n")
        for a in run.config_findings:
            yield (
                f"- {code(f'{display_path(a.path)}:{a.line}')} **{a.finding.code.slug}** "
                f"({a.finding.severity}): {_cell(a.finding.message)}\n"
            )


def _finding(result: Result, finding: Finding, said: SaidOnce) -> str:
    earlier = said.earlier(result, finding)
    said_as = _cell(finding.message) if earlier is None else f"as for {_cell(earlier)} above"
    accepted = note(finding)
    said_as += f" — {_cell(accepted)}" if accepted else ""
    return f"**{finding.code.slug}** ({finding.severity}): {said_as}"


class MarkdownReporter:
    def __init__(self, *, show: frozenset[Status] = frozenset(Status)) -> None:
        self.show = show

    def render(self, run: CheckRun, out: TextIO) -> None:
        out.writelines(markdown_lines(run, self.show))
