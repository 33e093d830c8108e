"""``--format github``: GitHub Actions workflow commands, one annotation per finding on the
line of its claim, and a Markdown summary appended to ``$GITHUB_STEP_SUMMARY`` when set.

Escaping follows the runner's rules: ``%``, CR and LF in the message; also ``:`` and ``,``
in properties.
"""

from __future__ import annotations

import os
from typing import TextIO

from ..findings import Severity
from ..results import CheckRun
from .common import display_path, location
from .markdown import markdown_lines

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter:
    def render(self, run: CheckRun, out: TextIO) -> None:
        for r in run.results:
            path, line = location(r)
            for f in r.findings:
                props = ",".join(
                    f"{k}={escape_property(v)}"
                    for k, v in (("file", path), ("line", str(line)), ("title", f.code.slug))
                )
                message = f"{r.claim.label} (PMID {r.claim.pmid_raw}): {f.message}"
                out.write(f"::{_COMMAND[f.severity]} {props}::{escape_data(message)}\n")
        for a in run.article_findings:
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
            with open(summary, "a", encoding="utf-8") as handle:
                handle.writelines(markdown_lines(run))
