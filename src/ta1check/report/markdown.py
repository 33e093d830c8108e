"""``--format markdown``: a table fit for a pull-request comment (and a step summary)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from ..findings import Status
from ..results import CheckRun
from .common import display_path, location, pmid_text
from .table import summary_line

_ICON = {Status.OK: "✅", Status.WARNING: "⚠️", Status.ERROR: "❌", Status.UNVERIFIED: "❔"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def markdown_lines(run: CheckRun) -> Iterator[str]:
    """The report, a line at a time (each ending in a newline), as the results are read."""
    yield from ("## ta1check: citations checked against PubMed\n", "\n")
    yield summary_line(run.summary) + "\n"
    yield "\n"
    if not run.results:
        return
    yield "| status | PMID | claim | where | findings |\n"
    yield "|---|---|---|---|---|\n"
    pubmed = "https://pubmed.ncbi.nlm.nih.gov/"
    for r in run.results:
        path, line = location(r)
        pmid = pmid_text(r)
        link = f"[{pmid}]({pubmed}{pmid}/)" if r.claim.pmid is not None else pmid
        findings = (
            "<br>".join(f"**{f.code.slug}** ({f.severity}): {_cell(f.message)}" for f in r.findings)
            or "matches PubMed"
        )
        yield (
            f"| {_ICON[r.status]} {r.status.value} | {link} | {_cell(r.claim.label)} | "
            f"`{path}:{line}` | {findings} |\n"
        )
    if run.article_findings:
        yield from ("\n", "### The article\n", "\n")
        for a in run.article_findings:
            yield (
                f"- `{display_path(a.path)}:{a.line}` **{a.finding.code.slug}** "
                f"({a.finding.severity}): {_cell(a.finding.message)}\n"
            )


class MarkdownReporter:
    def render(self, run: CheckRun, out: TextIO) -> None:
        out.writelines(markdown_lines(run))
