"""``--format markdown``: a table fit for a pull-request comment (and a step summary)."""

from __future__ import annotations

from typing import TextIO

from ..findings import Status
from ..results import CheckRun
from .common import display_path, location, pmid_text
from .table import summary_line

_ICON = {Status.OK: "✅", Status.WARNING: "⚠️", Status.ERROR: "❌", Status.UNVERIFIED: "❔"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def render_markdown(run: CheckRun) -> str:
    lines = ["## ta1check: citations checked against PubMed", "", summary_line(run.summary), ""]
    if not run.results:
        return "\n".join(lines) + "\n"
    lines += ["| status | PMID | claim | where | findings |", "|---|---|---|---|---|"]
    pubmed = "https://pubmed.ncbi.nlm.nih.gov/"
    for r in run.results:
        path, line = location(r)
        pmid = pmid_text(r)
        link = f"[{pmid}]({pubmed}{pmid}/)" if r.claim.pmid is not None else pmid
        findings = (
            "<br>".join(f"**{f.code.slug}** ({f.severity}): {_cell(f.message)}" for f in r.findings)
            or "matches PubMed"
        )
        lines.append(
            f"| {_ICON[r.status]} {r.status.value} | {link} | {_cell(r.claim.label)} | "
            f"`{path}:{line}` | {findings} |"
        )
    if run.article_findings:
        lines += ["", "### The article", ""]
        for a in run.article_findings:
            lines.append(
                f"- `{display_path(a.path)}:{a.line}` **{a.finding.code.slug}** "
                f"({a.finding.severity}): {_cell(a.finding.message)}"
            )
    return "\n".join(lines) + "\n"


class MarkdownReporter:
    def render(self, run: CheckRun, out: TextIO) -> None:
        out.write(render_markdown(run))
