"""Accepted findings: a team's decision that a finding is fine, with a reason and an expiry.

A claim accepts a finding by code (``accept = [{code = "journal-mismatch", reason = "…",
until = 2027-06-30}]``); the config file's ``[[accept]]`` list does the same for the claims
it names (by ``pmid``, ``claim`` id and/or a ``file`` glob; all that are given must match).
An accepted finding stays in every report, marked with its reason, but no longer counts
toward a claim's status, the summary's worst severity or the exit code. On the day after
``until`` it counts again, with a note. An acceptance that matches no finding of the claims
it applies to is itself a finding, ``acceptance-unused``: the finding it was written for is
gone, and a stale acceptance would silently swallow the next one.

Parsing (one entry at a time, for the claims and config loaders) and matching are pure; the
day of the run is a parameter.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .findings import Acceptance, Code, Finding, Severity

if TYPE_CHECKING:
    from .claims import Claim, ClaimsFile
    from .results import ArticleFinding, Result

#: The keys of an entry in a claim's ``accept`` list, and of the config file's ``[[accept]]``.
CLAIM_ACCEPT_KEYS = ("code", "reason", "until", "stated")
CONFIG_ACCEPT_KEYS = ("code", "reason", "until", "stated", "pmid", "claim", "file")

#: Codes no acceptance may name, and why.
NOT_ACCEPTABLE: Mapping[Code, str] = {
    Code.UNVERIFIED: "an unverified claim was not checked: there is no verdict to accept",
    Code.ACCEPTANCE_UNUSED: "remove the unused acceptance instead",
    Code.CITATION_ORPHAN: "it is found in the article (--article), not in a claim",
    Code.CLAIM_STALE: "the claim's text is gone from the article: update the claim instead",
}


class AcceptanceError(ValueError):
    """An invalid acceptance entry: the key at fault (None: the entry itself) and why."""

    def __init__(self, key: str | None, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


def parse_date(value: object) -> dt.date:
    """A TOML date (``until = 2027-06-30``) or an ISO date string (``"2027-06-30"``)."""
    if isinstance(value, (dt.datetime, dt.time)):
        raise ValueError("expected a date such as 2027-06-30, without a time of day")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
        raise ValueError(f"{value!r} is not a date such as 2027-06-30")
    raise ValueError(f"expected a date such as 2027-06-30, got {_type_name(value)}")


def parse_acceptance(
    raw: object, *, scoped: bool, path: Path | None = None, line: int | None = None
) -> Acceptance:
    """One acceptance entry: a claim's (``scoped`` False) or the config file's (True, which
    must name at least one of ``pmid``, ``claim`` and ``file``). Raises ``AcceptanceError``."""
    from .claims import parse_pmid, suggest

    allowed = CONFIG_ACCEPT_KEYS if scoped else CLAIM_ACCEPT_KEYS
    if not isinstance(raw, dict):
        raise AcceptanceError(
            None,
            'expected a table such as {code = "journal-mismatch", reason = "…"}, got '
            + _type_name(raw),
        )
    for key in raw:
        if key not in allowed:
            raise AcceptanceError(key, f"unknown key{suggest(key, allowed)}")
    code = _code(raw)
    reason = raw.get("reason")
    if reason is None:
        raise AcceptanceError("reason", "missing: say why the finding is fine")
    if not isinstance(reason, str):
        raise AcceptanceError("reason", f"expected a string, got {_type_name(reason)}")
    if not reason.strip():
        raise AcceptanceError("reason", "is empty: say why the finding is fine")
    until = None
    if "until" in raw:
        try:
            until = parse_date(raw["until"])
        except ValueError as exc:
            raise AcceptanceError("until", str(exc)) from None
    stated = _text(raw, "stated")
    pmid = claim = file = None
    if scoped:
        if "pmid" in raw:
            value = raw["pmid"]
            pmid = (
                parse_pmid(value)
                if isinstance(value, (int, str)) and not isinstance(value, bool)
                else None
            )
            if pmid is None:
                raise AcceptanceError("pmid", f"{value!r} is not a PMID")
        claim = _text(raw, "claim")
        file = _text(raw, "file")
        if pmid is None and claim is None and file is None:
            raise AcceptanceError(
                None,
                "say which claims it is for: pmid, claim (a claim's id) and/or file (a glob "
                "of claims files); an acceptance for every claim would be a severity change",
            )
    return Acceptance(code, " ".join(reason.split()), until, path, line, pmid, claim, file, stated)


def _code(raw: Mapping[str, Any]) -> Code:
    from .claims import suggest

    value = raw.get("code")
    if value is None:
        raise AcceptanceError("code", "missing: the code of the finding accepted")
    if not isinstance(value, str):
        raise AcceptanceError("code", f"expected a finding code, got {_type_name(value)}")
    slugs = [c.slug for c in Code if c not in NOT_ACCEPTABLE]
    try:
        code = Code.from_slug(value.strip())
    except ValueError:
        raise AcceptanceError("code", f"unknown finding code{suggest(value, slugs)}") from None
    if code in NOT_ACCEPTABLE:
        raise AcceptanceError("code", f"{code.slug} cannot be accepted: {NOT_ACCEPTABLE[code]}")
    return code


def _text(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise AcceptanceError(key, f"expected a non-empty string, got {_type_name(value)}")
    return value.strip()


def _type_name(value: object) -> str:
    from .claims import type_name

    return type_name(value)


# --- matching ---------------------------------------------------------------------------------


def expired(acceptance: Acceptance, today: dt.date) -> bool:
    """Past its ``until`` (the last day it holds)."""
    return acceptance.until is not None and acceptance.until < today


def matches(acceptance: Acceptance, finding: Finding) -> bool:
    """Same code, and the same stated value when the acceptance names one (``stated =
    "64%"`` accepts that missing figure, not the next one added to the claim)."""
    if acceptance.code is not finding.code:
        return False
    if acceptance.stated is None:
        return True
    return _words(acceptance.stated) == _words(finding.stated or "")


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def applies(acceptance: Acceptance, claim: Claim) -> bool:
    """Whether a config acceptance's ``pmid`` and ``claim`` scope takes in ``claim`` (its
    ``file`` scope is settled once per claims file, by ``for_file``)."""
    return (acceptance.pmid is None or acceptance.pmid == claim.pmid) and (
        acceptance.claim is None or acceptance.claim == claim.id
    )


def for_file(
    acceptances: Iterable[Acceptance], claims_path: Path, base: Path
) -> tuple[Acceptance, ...]:
    """The config acceptances whose ``file`` glob (if any) takes in the claims file at
    ``claims_path``: matched against its path relative to ``base`` (the config file's folder)
    with forward slashes, ``*`` crossing folders; a file outside ``base`` by its absolute
    path."""
    resolved = claims_path.resolve()
    try:
        shown = resolved.relative_to(base.resolve()).as_posix()
    except ValueError:
        shown = resolved.as_posix()
    return tuple(
        a
        for a in acceptances
        if a.file is None or fnmatch.fnmatchcase(shown, a.file) or shown == a.file
    )


def accept(
    findings: Sequence[Finding],
    claim: Claim,
    file_acceptances: Sequence[Acceptance],
    today: dt.date,
) -> tuple[Finding, ...]:
    """``findings`` of ``claim`` with each accepted one marked (its acceptance, and whether
    that had expired by ``today``), and an ``acceptance-unused`` finding for each of the
    claim's own acceptances that matched none. A live acceptance wins over an expired one.
    One acceptance without ``stated`` accepts every finding of its code on the claim.
    Nothing is said unused for an unverified claim: its findings are not known."""
    candidates = (*claim.accept, *(a for a in file_acceptances if applies(a, claim)))
    if not candidates:
        return tuple(findings)
    used: set[Acceptance] = set()
    marked: list[Finding] = []
    for f in findings:
        matching = [a for a in candidates if matches(a, f)]
        if not matching or f.code in NOT_ACCEPTABLE:
            marked.append(f)
            continue
        used.update(matching)
        live = [a for a in matching if not expired(a, today)]
        chosen = live[0] if live else matching[0]
        marked.append(dataclasses.replace(f, acceptance=chosen, acceptance_expired=not live))
    if any(f.code is Code.UNVERIFIED for f in findings):
        return tuple(marked)
    marked += [
        unused_finding(a, "the claim has no such finding") for a in claim.accept if a not in used
    ]
    return tuple(marked)


def unused_finding(acceptance: Acceptance, why: str) -> Finding:
    until = f" (until {acceptance.until.isoformat()})" if acceptance.until else ""
    of = f" of {acceptance.stated!r}" if acceptance.stated else ""
    return Finding(
        Code.ACCEPTANCE_UNUSED,
        Code.ACCEPTANCE_UNUSED.default,
        "accept",
        acceptance.code.slug,
        None,
        f"{acceptance.code.slug}{of} is accepted{until}, but {why}: remove the acceptance "
        f"(it said: {acceptance.reason})",
    )


def describe(acceptance: Acceptance) -> str:
    """One line for ``ta1check config``: what is accepted, for which claims, until when."""
    scope = [
        f"{name} {value}"
        for name, value in (
            ("pmid", acceptance.pmid),
            ("claim", acceptance.claim),
            ("file", acceptance.file),
            ("stated", acceptance.stated),
        )
        if value is not None
    ]
    until = f" until {acceptance.until.isoformat()}" if acceptance.until else ""
    return f"{acceptance.code.slug} for {', '.join(scope)}{until}: {acceptance.reason}"


def unused_config_acceptances(
    acceptances: Sequence[Acceptance],
    results: Iterable[Result],
    severities: Mapping[Code, Severity] | None = None,
) -> tuple[ArticleFinding, ...]:
    """An ``acceptance-unused`` finding, at its line of the config file, for each config
    acceptance that applies to some checked claim of the run but matched no finding of
    them. One that applies to no claim of this run is silent: a config file serves every
    claims file of a repository, and a run may check only some."""
    from .checks import apply_severities
    from .results import ArticleFinding

    in_scope: set[Acceptance] = set()
    used: set[Acceptance] = set()
    wanted = set(acceptances)
    for r in results:
        if any(f.code is Code.UNVERIFIED for f in r.findings):
            continue
        in_scope.update(a for a in r.source.acceptances if a in wanted and applies(a, r.claim))
        used.update(f.acceptance for f in r.findings if f.acceptance in wanted)
    return tuple(
        ArticleFinding(a.path or Path("ta1check.toml"), a.line or 1, finding)
        for a in acceptances
        if a in in_scope and a not in used
        for finding in apply_severities(
            (unused_finding(a, "no claim it applies to has such a finding"),), severities or {}
        )
    )


def with_file_acceptances(
    claims_file: ClaimsFile, acceptances: Sequence[Acceptance], base: Path
) -> ClaimsFile:
    """``claims_file`` with the config acceptances that take it in (``for_file``)."""
    mine = for_file(acceptances, claims_file.path, base)
    return dataclasses.replace(claims_file, acceptances=mine) if mine else claims_file


def note(finding: Finding) -> str | None:
    """What reports print after an accepted finding: ``accepted: <reason>``, or that the
    acceptance expired (the finding counts again); None when no acceptance matched."""
    a = finding.acceptance
    if a is None:
        return None
    if finding.acceptance_expired:
        assert a.until is not None
        return f"acceptance expired on {a.until.isoformat()}; it said: {a.reason}"
    until = f" (until {a.until.isoformat()})" if a.until else ""
    return f"accepted{until}: {a.reason}"
