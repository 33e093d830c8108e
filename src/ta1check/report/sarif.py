"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One rule per finding code (its help is the README's text for the code, its ``helpUri`` the
README's table of findings), one result per finding, located at the line of its claim in the
claims file (a percent-encoded URI relative to ``%SRCROOT%``). An accepted finding carries an
external ``suppression`` (status ``accepted``, the reason as its justification), so viewers
list it as suppressed rather than open.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from .. import __version__
from ..accept import note
from ..findings import Code, Finding, Severity
from ..results import CheckRun, Result
from .common import display_path, location
from .jsonstream import Streamed, write_json
from .passages import passage_json

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: The project's home, and its README's table of finding codes (each rule's help).
INFORMATION_URI = "https://github.com/ta1check/ta1check"
FINDINGS_URI = f"{INFORMATION_URI}#findings"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _rule_name(code: Code) -> str:
    return "".join(part.capitalize() for part in code.slug.split("-"))


def artifact_location(path: Path) -> dict[str, str]:
    """A file as a SARIF ``artifactLocation``: a relative path percent-encoded segment by
    segment (RFC 3986: a space, a comma or a '#' in a folder name would otherwise make an
    invalid URI or cut it short) under ``%SRCROOT%``; a file outside the working directory
    as an absolute ``file:`` URI."""
    shown = display_path(path)
    if Path(shown).is_absolute():
        return {"uri": Path(shown).as_uri()}
    return {"uri": quote(shown, safe="/"), "uriBaseId": "%SRCROOT%"}


def rules() -> list[dict[str, Any]]:
    return [
        {
            "id": code.slug,
            "name": _rule_name(code),
            "helpUri": FINDINGS_URI,
            "shortDescription": {"text": code.help_text.split(". ")[0].rstrip(".") + "."},
            "fullDescription": {"text": code.help_text},
            "help": {"text": code.help_text},
            "defaultConfiguration": {"level": _LEVEL[code.default]},
        }
        for code in Code
    ]


def run_sarif(run: CheckRun) -> dict[str, Any]:
    """The SARIF log (its results ``Streamed``: write it with ``write_json``)."""
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ta1check",
                        "informationUri": INFORMATION_URI,
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules(),
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": Streamed(sarif_results(run)),
            }
        ],
    }


def sarif_results(run: CheckRun) -> Iterator[dict[str, Any]]:
    """One SARIF result per finding, the claims' first, then the article's."""
    index = {code: i for i, code in enumerate(Code)}
    for r in run.results:
        where = artifact_location(r.source.path)
        line = location(r)[1]
        for i, f in enumerate(r.findings):
            expired = f" ({note(f)})" if f.acceptance_expired else ""
            said = f.message + expired
            if r.suggestion is not None and i == 0:
                said += f"; {r.suggestion.text}"
            yield {
                "ruleId": f.code.slug,
                "ruleIndex": index[f.code],
                "level": _LEVEL[f.severity],
                "message": {"text": f"{r.claim.label} (PMID {r.claim.pmid_raw}): {said}"},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": where,
                            "region": {"startLine": line},
                        }
                    }
                ],
                "properties": {
                    "pmid": r.claim.pmid_raw,
                    "claim": r.claim.label,
                    "field": f.field,
                    "stated": f.stated,
                    "pubmed": f.pubmed,
                    **_evidence(r, f),
                    **(
                        {"suggested_pmid": r.suggestion.pmid}
                        if r.suggestion is not None and i == 0
                        else {}
                    ),
                },
                **_suppressions(f),
            }
    for a in (*run.article_findings, *run.config_findings):
        yield {
            "ruleId": a.finding.code.slug,
            "ruleIndex": index[a.finding.code],
            "level": _LEVEL[a.finding.severity],
            "message": {"text": a.finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": artifact_location(a.path),
                        "region": {"startLine": a.line},
                    }
                }
            ],
        }


def _suppressions(f: Finding) -> dict[str, Any]:
    if not f.accepted or f.acceptance is None:
        return {}
    return {
        "suppressions": [
            {"kind": "external", "status": "accepted", "justification": f.acceptance.reason}
        ]
    }


def _evidence(r: Result, f: Finding) -> dict[str, Any]:
    """The sentence a figure finding is about (``evidence`` in the result's properties)."""
    if f.field != "figure":
        return {}
    passages = [passage_json(p) for p in r.evidence if p.figure == f.stated]
    return {"evidence": passages} if passages else {}


class SarifReporter:
    def render(self, run: CheckRun, out: TextIO) -> None:
        write_json(run_sarif(run), out)
        out.write("\n")
