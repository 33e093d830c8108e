"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One rule per finding code (its help is the README's text for the code), one result per
finding, located at the line of its claim in the claims file.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from .. import __version__
from ..findings import Code, Severity
from ..results import CheckRun
from .common import display_path, location

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _rule_name(code: Code) -> str:
    return "".join(part.capitalize() for part in code.slug.split("-"))


def rules() -> list[dict[str, Any]]:
    return [
        {
            "id": code.slug,
            "name": _rule_name(code),
            "shortDescription": {"text": code.help_text.split(". ")[0].rstrip(".") + "."},
            "fullDescription": {"text": code.help_text},
            "help": {"text": code.help_text},
            "defaultConfiguration": {"level": _LEVEL[code.default]},
        }
        for code in Code
    ]


def run_sarif(run: CheckRun) -> dict[str, Any]:
    index = {code: i for i, code in enumerate(Code)}
    results = []
    for r in run.results:
        path, line = location(r)
        for f in r.findings:
            results.append(
                {
                    "ruleId": f.code.slug,
                    "ruleIndex": index[f.code],
                    "level": _LEVEL[f.severity],
                    "message": {"text": f"{r.claim.label} (PMID {r.claim.pmid_raw}): {f.message}"},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"},
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
                    },
                }
            )
    for a in run.article_findings:
        results.append(
            {
                "ruleId": a.finding.code.slug,
                "ruleIndex": index[a.finding.code],
                "level": _LEVEL[a.finding.severity],
                "message": {"text": a.finding.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {
                                "uri": display_path(a.path),
                                "uriBaseId": "%SRCROOT%",
                            },
                            "region": {"startLine": a.line},
                        }
                    }
                ],
            }
        )
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ta1check",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules(),
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


class SarifReporter:
    def render(self, run: CheckRun, out: TextIO) -> None:
        json.dump(run_sarif(run), out, indent=2, ensure_ascii=False)
        out.write("\n")
