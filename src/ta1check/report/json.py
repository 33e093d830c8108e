"""``--format json``: a stable, versioned document for machines.

``version`` changes only when a field changes meaning or disappears; new fields may be added.
"""

from __future__ import annotations

from typing import Any, TextIO

from ..figures import FigureVerdict
from ..findings import Finding, Status
from ..pubmed.record import RecordSummary
from ..results import CheckRun, Result
from ..suggest import Suggestion
from .jsonstream import Streamed, write_json
from .passages import passage_json

SCHEMA_VERSION = 1


def finding_json(f: Finding) -> dict[str, Any]:
    """A finding; one accepted gets ``accepted`` (it does not count), one whose acceptance
    expired gets ``acceptance_expired`` (it counts again): each with reason, until, where."""
    found: dict[str, Any] = {
        "code": f.code.slug,
        "severity": str(f.severity),
        "field": f.field,
        "stated": f.stated,
        "pubmed": f.pubmed,
        "message": f.message,
    }
    if f.acceptance is not None:
        a = f.acceptance
        found["acceptance_expired" if f.acceptance_expired else "accepted"] = {
            "reason": a.reason,
            "until": a.until.isoformat() if a.until else None,
            "file": str(a.path) if a.path else None,
            "line": a.line,
        }
    return found


def figure_json(v: FigureVerdict) -> dict[str, Any]:
    return {
        "stated": v.stated,
        "verdict": v.status.value,
        "where": v.where,
        "matched": v.matched,
        "closest": list(v.closest),
    }


def record_json(r: RecordSummary) -> dict[str, Any]:
    return {
        "pmid": r.pmid,
        "title": r.title,
        "authors": list(r.authors),
        "journal": r.journal,
        "iso_abbreviation": r.iso_abbreviation,
        "year": r.year,
        "doi": r.doi,
        "has_abstract": r.has_abstract,
        "pmcid": r.pmcid,
        "publication_types": list(r.publication_types),
        "notices": [{"kind": n.kind, "pmid": n.pmid, "reference": n.reference} for n in r.notices],
    }


def result_json(r: Result) -> dict[str, Any]:
    claim = r.claim
    return {
        "id": claim.label,
        "pmid": claim.pmid if claim.pmid is not None else claim.pmid_raw,
        "status": r.status.value,
        "citation": claim.citation.raw if claim.citation else None,
        "file": str(r.source.path),
        "line": claim.line,
        "findings": [finding_json(f) for f in r.findings],
        "figures": [figure_json(v) for v in r.figures],
        "evidence": [passage_json(p) for p in r.evidence],
        "record": record_json(r.record) if r.record else None,
        **({"suggestion": suggestion_json(r.suggestion)} if r.suggestion else {}),
    }


def suggestion_json(s: Suggestion) -> dict[str, Any]:
    return {
        "pmid": s.pmid,
        "citation": s.citation,
        "title": s.title,
        "reasons": list(s.reasons),
        "doi": s.doi,
        "message": s.text,
    }


def run_json(run: CheckRun) -> dict[str, Any]:
    """The document (its results ``Streamed``: write it with ``write_json``)."""
    summary = run.summary
    return {
        "version": SCHEMA_VERSION,
        "summary": {
            "claims": summary.total,
            **{s.value: summary.by_status[s] for s in Status},
            "findings": dict(summary.by_code),
            "accepted": dict(summary.accepted),
        },
        "results": Streamed(result_json(r) for r in run.results),
        **(
            {
                "article": {
                    "file": str(run.article),
                    "findings": [
                        {**finding_json(a.finding), "line": a.line} for a in run.article_findings
                    ],
                }
            }
            if run.article is not None
            else {}
        ),
        **(
            {
                "config": {
                    "findings": [
                        {**finding_json(a.finding), "file": str(a.path), "line": a.line}
                        for a in run.config_findings
                    ],
                }
            }
            if run.config_findings
            else {}
        ),
    }


class JsonReporter:
    def render(self, run: CheckRun, out: TextIO) -> None:
        write_json(run_json(run), out)
        out.write("\n")
