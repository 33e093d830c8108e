"""The right PMID: a candidate paper for a citation its PMID does not describe (#13).

This module holds the type every report reads; finding candidates (ECitMatch, ESearch) and
scoring them is done beside it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Suggestion:
    """ "Did you mean PMID 2642497: Gravenstein S et al., J Am Geriatr Soc 1989"."""

    pmid: int
    #: The candidate as a citation: "Gravenstein S et al., J Am Geriatr Soc 1989".
    citation: str
    title: str
    #: What fits, in words an editor reads: ("author", "journal", "year", "topic").
    reasons: tuple[str, ...]
    doi: str | None = None
