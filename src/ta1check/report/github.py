"""``--format github``: GitHub Actions workflow commands, one annotation per finding on the
line of its claim, and a Markdown summary appended to ``$GITHUB_STEP_SUMMARY`` when set.
An accepted finding gets no annotation (GitHub shows only the first few of each level per
step, and a decision already taken should not crowd out what needs one); the step summary
lists it with its reason.

Escaping follows the runner's rules: ``%``, CR and LF in the message; also ``:`` and ``,``
in properties.
"""

from __future__ import annotations

import os
from typing import TextIO

from ..accept import note
from ..findings import Severity, Status
from ..results import CheckRun
from .common import display_path, location
from .markdown import markdown_lines
from .passages import marked

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter:
    """Annotations for every finding; the step summary shows the rows of ``show``."""

    def __init__(self, *, show: frozenset[Status] = frozenset(Status)) -> None:
        self.show = show

    def render(self, run: CheckRun, out: TextIO) -> None:
        for r in run.results:
            path, line = location(r)
            for f in r.findings:
                if f.accepted:
                    continue
                props = ",".join(
                    f"{k}={escape_property(v)}"
                    for k, v in (("file", path), ("line", str(line)), ("title", f.code.slug))
                )
                message = f"{r.claim.label} (PMID {r.claim.pmid_raw}): {f.message}"
                if f.acceptance_expired:
                    message += f" ({note(f)})"
                near = [p for p in r.evidence if f.field == "figure" and p.figure == f.stated]
                if near:
                    message += f" — {near[0].where}: {marked(near[0], 120)}"
                out.write(f"::{_COMMAND[f.severity]} {props}::{escape_data(message)}\n")
            if r.suggestion is not None:
                props = ",".join(
                    f"{k}={escape_property(v)}"
                    for k, v in (("file", path), ("line", str(line)), ("title", "suggestion"))
                )
                message = f"{r.claim.label} (PMID {r.claim.pmid_raw}): {r.suggestion.text}"
                out.write(f"::notice {props}::{escape_data(message)}\n")
        for a in (*run.article_findings, *run.config_findings):
            props = ",".join(
                f"{k}={escape_property(v)}"
                for k, v in (
                    ("file", display_path(a.path)),
                    ("line", str(a.line)),
                    ("title", a.finding.code.slug),
                )
            )
            command = _COMMAND[a.finding.severity]
            out.write(f"::{command} {props}::{escape_data(a.finding.message)}\n")
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            write_step_summary(run, summary, self.show)


#: GitHub refuses a step summary over 1 MiB ("upload aborted"), and then shows none of it.
STEP_SUMMARY_LIMIT = 1024 * 1024
_CUT = (
    "\n**The rest of this report is not shown**: GitHub keeps at most 1 MiB of summary per "
    "step. Every result is in `--report json=FILE`.\n"
)


def write_step_summary(
    run: CheckRun, path: str, show: frozenset[Status] = frozenset(Status)
) -> None:
    """Append the Markdown report to the step summary, cut short at a line so that the
    summary (with what earlier commands of the step wrote) stays within GitHub's limit."""
    try:
        used = os.path.getsize(path)
    except OSError:
        used = 0
    budget = STEP_SUMMARY_LIMIT - used - len(_CUT.encode())
    if budget < 0:
        return  # already full: a byte more and GitHub would drop what is there
    with open(path, "a", encoding="utf-8") as handle:
        for line in markdown_lines(run, show):
            budget -= len(line.encode())
            if budget < 0:
                handle.write(_CUT)
                return
            handle.write(line)
