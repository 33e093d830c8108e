"""``--format table``: a table for people, one row per claim, and a one-line summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from ..accept import note
from ..figures import FigureStatus, FigureVerdict
from ..findings import Severity, Status
from ..results import CheckRun, Summary
from .common import display_path
from .passages import heading, pieces, shown
from .view import SaidOnce, hidden_note, rows

if TYPE_CHECKING:
    # NOTE: imported where the table is drawn: ``-q`` prints the summary line alone and
    # never loads rich (a third of a warm check's imports).
    from rich.table import Table

_STATUS_STYLE = {
    Status.OK: "green",
    Status.WARNING: "yellow",
    Status.ERROR: "bold red",
    Status.UNVERIFIED: "magenta",
}
_SEVERITY_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "dim"}


def _verdict(v: FigureVerdict) -> str:
    if v.status in (FigureStatus.FOUND, FigureStatus.FOUND_IN_FULLTEXT):
        return f"{v.stated} ✓ {v.where}"
    if v.status is FigureStatus.ROUNDED:
        return f"{v.stated} ≈ {v.matched} ({v.where})"
    return f"{v.stated} ✗ {v.status.value}"


def summary_line(summary: Summary) -> str:
    parts = [f"{summary.by_status[s]} {s.value}" for s in Status if summary.by_status[s]]
    noun = "claim" if summary.total == 1 else "claims"
    line = f"{summary.total} {noun}: " + (", ".join(parts) if parts else "nothing checked")
    accepted = sum(summary.accepted.values())
    if accepted:
        line += f"; {accepted} {'finding' if accepted == 1 else 'findings'} accepted"
    return line


class TableReporter:
    """One row per claim shown (``show``: the statuses whose rows are shown), problems first;
    a finding several claims of a PMID share is said once (``view``)."""

    def __init__(
        self,
        *,
        color: bool = True,
        quiet: bool = False,
        show: frozenset[Status] = frozenset(Status),
    ) -> None:
        self.color = color
        self.quiet = quiet
        self.show = show

    def render(self, run: CheckRun, out: TextIO) -> None:
        if self.quiet:  # the summary line as rich prints it: plain text, no style
            out.write(summary_line(run.summary) + "\n")
            return
        from rich.console import Console
        from rich.text import Text

        # NOTE: no markup and no emoji codes: a label, path or message is printed as written
        # ("[1]" stays, ":100:" is no emoji), and rich's emoji table (0.1 s) is never loaded.
        console = Console(
            file=out,
            no_color=not self.color,
            highlight=False,
            markup=False,
            emoji=False,
            soft_wrap=False,
            width=None if out.isatty() else 160,
        )
        table = self._table(run)
        if table.row_count:
            console.print(table)
        for a in (*run.article_findings, *run.config_findings):
            line = Text(f"{display_path(a.path)}:{a.line}: ")
            line.append(a.finding.code.slug, style=_SEVERITY_STYLE[a.finding.severity])
            line.append(f" ({a.finding.severity}): {a.finding.message}")
            console.print(line)
        note = hidden_note(run.summary.by_status, self.show)
        if note:
            console.print(note, style="dim")
        console.print(summary_line(run.summary))

    def _table(self, run: CheckRun) -> Table:
        from rich.table import Table
        from rich.text import Text

        several = len(run.files) > 1
        table = Table(show_lines=True, expand=False)
        table.add_column("status", no_wrap=True)
        table.add_column("PMID", no_wrap=True)
        table.add_column("claim", overflow="fold", max_width=40)
        table.add_column("findings", overflow="fold")
        said = SaidOnce()
        for result in rows(run.results, self.show):
            claim = result.claim
            label = claim.label
            if several and claim.line:
                label = f"{label}\n{result.source.path}:{claim.line}"
            findings = Text()
            for i, f in enumerate(result.findings):
                if i:
                    findings.append("\n")
                style = "dim" if f.accepted else _SEVERITY_STYLE[f.severity]
                findings.append(f"{f.code.slug}", style=style)
                earlier = said.earlier(result, f)
                if earlier is None:
                    findings.append(f" ({f.severity}): {f.message}")
                else:
                    findings.append(f" ({f.severity}): as for {earlier} above", style="dim")
                accepted = note(f)
                if accepted:
                    findings.append(f" [{accepted}]", style="dim" if f.accepted else "yellow")
            if not result.findings:
                findings.append("matches PubMed", style="dim")
            if result.suggestion is not None:
                findings.append(f"\n{result.suggestion.text}", style="cyan")
            if result.figures:
                findings.append("\nfigures: ", style="dim")
                findings.append("; ".join(_verdict(v) for v in result.figures), style="dim")
            for p in shown(result.evidence):
                findings.append(f"\n{heading(p)}: ", style="dim")
                for piece, hot in pieces(p):
                    findings.append(piece, style="bold" if hot else "")
            table.add_row(
                Text(result.status.value, style=_STATUS_STYLE[result.status]),
                str(claim.pmid if claim.pmid is not None else claim.pmid_raw),
                label,
                findings,
            )
        return table
