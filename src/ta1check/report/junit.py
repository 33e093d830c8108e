"""``--format junit``: JUnit XML, as GitLab, Jenkins and GitHub test reporters read it.

One ``testsuite`` per claims file, one ``testcase`` per claim. Each error finding becomes a
``failure``; an unverified claim is ``skipped`` (with its cause); warnings and info go to
``system-out``. No timestamps or durations, so the same run gives the same file.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TextIO

from ..findings import Code, Severity, Status
from ..results import CheckRun
from .common import display_path, pmid_text


class JunitReporter:
    def render(self, run: CheckRun, out: TextIO) -> None:
        root = ET.Element("testsuites", name="ta1check")
        totals = {"tests": 0, "failures": 0, "skipped": 0}
        for claims_file in run.files:
            results = [r for r in run.results if r.source is claims_file]
            failures = sum(1 for r in results if r.status is Status.ERROR)
            skipped = sum(1 for r in results if r.status is Status.UNVERIFIED)
            name = display_path(claims_file.path)
            suite = ET.SubElement(
                root,
                "testsuite",
                name=name,
                tests=str(len(results)),
                failures=str(failures),
                errors="0",
                skipped=str(skipped),
            )
            for r in results:
                case = ET.SubElement(
                    suite,
                    "testcase",
                    name=f"{r.claim.label} (PMID {pmid_text(r)})",
                    classname=name,
                )
                unverified = [f for f in r.findings if f.code is Code.UNVERIFIED]
                if unverified:
                    ET.SubElement(case, "skipped").text = unverified[0].message
                for f in r.findings:
                    if f.severity is Severity.ERROR and f.code is not Code.UNVERIFIED:
                        failure = ET.SubElement(
                            case, "failure", type=f.code.slug, message=f.message
                        )
                        failure.text = _detail(f.field, f.stated, f.pubmed, r.claim.line, name)
                notes = [
                    f"{f.severity} {f.code.slug}: {f.message}"
                    for f in r.findings
                    if f.severity is not Severity.ERROR
                ]
                if notes:
                    ET.SubElement(case, "system-out").text = "\n".join(notes)
            totals["tests"] += len(results)
            totals["failures"] += failures
            totals["skipped"] += skipped
        if run.article is not None:
            name = display_path(run.article)
            errors = [a for a in run.article_findings if a.finding.severity is Severity.ERROR]
            suite = ET.SubElement(
                root,
                "testsuite",
                name=name,
                tests=str(len(run.article_findings)),
                failures=str(len(errors)),
                errors="0",
                skipped="0",
            )
            for a in run.article_findings:
                case = ET.SubElement(
                    suite,
                    "testcase",
                    name=f"{a.finding.code.slug} at line {a.line}",
                    classname=name,
                )
                text = f"{name}:{a.line}: {a.finding.message}"
                if a.finding.severity is Severity.ERROR:
                    ET.SubElement(
                        case, "failure", type=a.finding.code.slug, message=a.finding.message
                    ).text = text
                else:
                    ET.SubElement(case, "system-out").text = f"{a.finding.severity} {text}"
            totals["tests"] += len(run.article_findings)
            totals["failures"] += len(errors)
        root.set("tests", str(totals["tests"]))
        root.set("failures", str(totals["failures"]))
        root.set("errors", "0")
        ET.indent(root)
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(ET.tostring(root, encoding="unicode"))
        out.write("\n")


def _detail(field: str, stated: str | None, pubmed: str | None, line: int | None, path: str) -> str:
    return f"{path}:{line or 1}\nfield: {field}\narticle states: {stated}\nPubMed says: {pubmed}"
