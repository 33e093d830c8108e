"""The real PubMed records of ``../shared/pubmed/``, parsed once, for tests of the checks."""

from __future__ import annotations

from functools import cache

from emulator import SHARED_PUBMED
from ta1check.pubmed.parse import parse_pubmed_xml
from ta1check.pubmed.record import Record


@cache
def all_records() -> dict[int, Record]:
    records: dict[int, Record] = {}
    for path in sorted(SHARED_PUBMED.glob("*.xml")):
        records.update(parse_pubmed_xml(path.read_bytes()).records)
    return records
