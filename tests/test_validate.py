"""Checking values read back from storage: the compiled check (``problem``'s fast path) agrees
with the field-by-field walk on real records and on every kind of wrongly typed field."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import corpus_records
from ta1check.pubmed import validate
from ta1check.pubmed.record import Author, Notice, Record
from ta1check.pubmed.validate import problem

RECORDS = sorted(corpus_records().values(), key=lambda r: r.pmid)
FIELDS = [f.name for f in dataclasses.fields(Record)]
WRONG = st.sampled_from(
    [
        None,
        0,
        1,
        True,
        1.5,
        "",
        "x",
        (),
        ("x",),
        (1,),
        (None,),
        [],
        ["x"],
        {},
        Author(),
        (Author(),),
        (Author(last_name=1),),  # type: ignore[arg-type]
        (Notice("ErratumIn", None, ""),),
        (Notice("ErratumIn", "1", ""),),  # type: ignore[arg-type]
        (Notice("ErratumIn", True, ""),),  # type: ignore[arg-type]
        (1999, "2000"),
        (1999, True),
        ("D001", "Humans"),
    ]
)


def test_every_real_record_is_sound() -> None:
    assert len(RECORDS) > 2_000
    for record in RECORDS:
        assert problem(record) is None, record.pmid


@settings(max_examples=400, deadline=None)
@given(index=st.integers(0, len(RECORDS) - 1), name=st.sampled_from(FIELDS), value=WRONG)
def test_a_field_of_any_value_is_judged_as_the_walk_judges_it(
    index: int, name: str, value: object
) -> None:
    record = dataclasses.replace(RECORDS[index], **{name: value})
    walked = validate._dataclass_problem(record, "Record")
    found = problem(record)
    assert (found is None) == (walked is None), (name, value, walked)
    assert found == walked


def test_a_cached_record_reads_back_equal_and_a_wrong_entry_still_fails() -> None:
    """Every real record survives the cache's JSON unchanged; an entry with a field too many,
    one too few (without a default) or a wrong type is refused as before."""
    for record in RECORDS:
        body = record.to_json()
        back = Record.from_json(body)
        assert back == record and problem(back) is None
        assert hash(back) == hash(record)
    body = RECORDS[0].to_json()
    with pytest.raises(TypeError):
        Record.from_json({**body, "planted": 1})
    with pytest.raises(TypeError):
        Record.from_json({k: v for k, v in body.items() if k != "title"})
    with pytest.raises(TypeError):
        Record.from_json({**body, "authors": [{"last_name": "A", "extra": 1}]})
    assert problem(Record.from_json({**body, "abstract": None})) is not None
