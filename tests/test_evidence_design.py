"""#13 part 1: evidence passages, study design and population, on real PubMed records."""

from __future__ import annotations

import pytest

from records import all_records
from ta1check.pubmed.cache import decode_entry
from ta1check.pubmed.record import Record

OBYRNE = 29768149  # a phase 3 randomised trial in people (../shared/pubmed/efetch-29768149.xml)


def test_record_keeps_mesh_headings_and_check_tags() -> None:
    record = all_records()[OBYRNE]
    assert {"Humans", "Double-Blind Method", "Asthma", "Female"} <= set(record.mesh)
    assert record == Record.from_json(record.to_json())
    assert decode_entry(OBYRNE, record.to_json()) == record


@pytest.mark.parametrize("mesh", ["Humans", [1, 2], None])
def test_cached_record_with_malformed_mesh_is_refused(mesh: object) -> None:
    body = all_records()[OBYRNE].to_json()
    body["mesh"] = mesh
    with pytest.raises(ValueError, match="mesh"):
        decode_entry(OBYRNE, body)
