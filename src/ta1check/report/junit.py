"""``--format junit``: JUnit XML, as GitLab, Jenkins and GitHub test reporters read it.

One ``testsuite`` per claims file, one ``testcase`` per claim. Each error finding becomes a
``failure``; an unverified claim is ``skipped`` (with its cause); warnings, info and accepted
findings (with their reason) go to ``system-out``. An unused ``[[accept]]`` of the config
file is a test case of a suite named after that file. No timestamps or durations, so the
same run gives the same file.

Test cases are written one at a time as the results are read (the counts the suites' start
tags carry come from a first pass), so a run of any size is written in bounded memory.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TextIO

from ..accept import note
from ..findings import Code, Finding, Severity, Status
from ..results import ArticleFinding, CheckRun, Result
from .common import display_path, pmid_text
from .passages import heading, marked

_INDENT = "  "


def _start_tag(tag: str, attrs: dict[str, str]) -> str:
    """``<tag a="…">``, escaped exactly as ElementTree escapes attributes."""
    empty = ET.tostring(ET.Element(tag, attrs), encoding="unicode")
    return empty[: -len(" />")] + ">"


def _write(element: ET.Element, level: int, out: TextIO) -> None:
    ET.indent(element, space=_INDENT, level=level)
    out.write(_INDENT * level + ET.tostring(element, encoding="unicode") + "\n")


def _testcase(r: Result, suite: str) -> ET.Element:
    case = ET.Element("testcase", name=f"{r.claim.label} (PMID {pmid_text(r)})", classname=suite)
    unverified = [f for f in r.findings if f.code is Code.UNVERIFIED]
    if unverified:
        ET.SubElement(case, "skipped").text = unverified[0].message
    for f in r.findings:
        if _fails(f):
            failure = ET.SubElement(case, "failure", type=f.code.slug, message=f.message)
            failure.text = _detail(f.field, f.stated, f.pubmed, r.claim.line, suite)
            if f.acceptance_expired:
                failure.text += f"\n{note(f)}"
    notes = [
        f"{f.severity} {f.code.slug}: {f.message}" + (f" ({note(f)})" if f.acceptance else "")
        for f in r.findings
        if not _fails(f) and f.code is not Code.UNVERIFIED
    ]
    notes += [f"evidence, {heading(p)}: {marked(p)}" for p in r.evidence]
    if r.suggestion is not None:
        notes.append(r.suggestion.text)
    if notes:
        ET.SubElement(case, "system-out").text = "\n".join(notes)
    return case


def _fails(f: Finding) -> bool:
    return f.severity is Severity.ERROR and f.code is not Code.UNVERIFIED and not f.accepted


class JunitReporter:
    def render(self, run: CheckRun, out: TextIO) -> None:
        # tests, failures, skipped of each claims file
        counts = {id(f): [0, 0, 0] for f in run.files}
        for r in run.results:
            count = counts[id(r.source)]
            count[0] += 1
            count[1] += r.status is Status.ERROR
            count[2] += r.status is Status.UNVERIFIED
        article_errors = sum(
            1 for a in run.article_findings if a.finding.severity is Severity.ERROR
        )
        config_errors = sum(1 for a in run.config_findings if a.finding.severity is Severity.ERROR)
        tests = (
            sum(c[0] for c in counts.values())
            + len(run.article_findings)
            + len(run.config_findings)
        )
        failures = sum(c[1] for c in counts.values()) + article_errors + config_errors
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(
            _start_tag(
                "testsuites",
                {"name": "ta1check", "tests": str(tests), "failures": str(failures), "errors": "0"},
            )
            + "\n"
        )
        results = iter(run.results)
        for claims_file in run.files:
            name = display_path(claims_file.path)
            n, failed, skipped = counts[id(claims_file)]
            _open_suite(_suite_tag(name, n, failed, skipped), n, out)
            for _ in range(n):
                _write(_testcase(next(results), name), 2, out)
            _close_suite(n, out)
        if run.article is not None:
            _located_suite(display_path(run.article), run.article_findings, article_errors, out)
        if run.config_findings:
            name = display_path(run.config_findings[0].path)
            _located_suite(name, run.config_findings, config_errors, out)
        out.write("</testsuites>\n")


def _located_suite(name: str, located: Sequence[ArticleFinding], errors: int, out: TextIO) -> None:
    """A suite of findings at lines of one file (the article's, the config file's)."""
    found = len(located)
    _open_suite(_suite_tag(name, found, errors, 0), found, out)
    for a in located:
        case = ET.Element(
            "testcase", name=f"{a.finding.code.slug} at line {a.line}", classname=name
        )
        text = f"{name}:{a.line}: {a.finding.message}"
        if a.finding.severity is Severity.ERROR:
            ET.SubElement(
                case, "failure", type=a.finding.code.slug, message=a.finding.message
            ).text = text
        else:
            ET.SubElement(case, "system-out").text = f"{a.finding.severity} {text}"
        _write(case, 2, out)
    _close_suite(found, out)


def _open_suite(tag: str, cases: int, out: TextIO) -> None:
    # an empty suite is one empty element, as ElementTree writes it
    out.write(_INDENT + (tag if cases else tag[:-1] + " />") + "\n")


def _close_suite(cases: int, out: TextIO) -> None:
    if cases:
        out.write(_INDENT + "</testsuite>\n")


def _suite_tag(name: str, tests: int, failures: int, skipped: int) -> str:
    return _start_tag(
        "testsuite",
        {
            "name": name,
            "tests": str(tests),
            "failures": str(failures),
            "errors": "0",
            "skipped": str(skipped),
        },
    )


def _detail(field: str, stated: str | None, pubmed: str | None, line: int | None, path: str) -> str:
    return f"{path}:{line or 1}\nfield: {field}\narticle states: {stated}\nPubMed says: {pubmed}"
