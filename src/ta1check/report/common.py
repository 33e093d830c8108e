"""What several report formats share: where a result sits, and per-format escaping."""

from __future__ import annotations

import os
from pathlib import Path

from ..results import Result


def display_path(path: Path) -> str:
    """The claims file as the user named it, relative to the working directory when inside it,
    with forward slashes (what GitHub, GitLab and SARIF viewers expect)."""
    try:
        rel = path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path.as_posix()
    return rel.as_posix() if str(rel) != "." else path.name


def location(result: Result) -> tuple[str, int]:
    """The claims file and line of a result's claim (line 1 when unknown)."""
    return display_path(result.source.path), result.claim.line or 1


def pmid_text(result: Result) -> str:
    claim = result.claim
    return str(claim.pmid if claim.pmid is not None else claim.pmid_raw)


def cwd_uri() -> str:
    return Path(os.getcwd()).resolve().as_uri() + "/"
