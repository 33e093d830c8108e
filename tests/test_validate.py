"""Checking values read back from storage: the compiled check (``problem``'s fast path) agrees
with the field-by-field walk on real records and on every kind of wrongly typed field."""

from __future__ import annotations

import dataclasses

import msgspec
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import corpus_records
from ta1check.pubmed import validate
from ta1check.pubmed.cache import decode_record_entry, encode_record_entry
from ta1check.pubmed.record import RECORD_FIELDS, Author, Notice, Record
from ta1check.pubmed.validate import problem

RECORDS = sorted(corpus_records().values(), key=lambda r: r.pmid)
FIELDS = list(RECORD_FIELDS)
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
    record = msgspec.structs.replace(RECORDS[index], **{name: value})
    walked = validate._dataclass_problem(record, "Record")
    found = problem(record)
    assert (found is None) == (walked is None), (name, value, walked)
    assert found == walked


def test_a_cached_record_reads_back_equal_and_a_wrong_entry_still_fails() -> None:
    """Every real record survives the cache's JSON unchanged; an entry with a field too many,
    one too few (without a default) or a wrong type is refused, naming the field."""
    for record in RECORDS:
        body = record.to_json()
        back = Record.from_json(body)
        assert back == record and problem(back) is None
        assert hash(back) == hash(record)
        assert body == record.to_json()  # the caller's data is left as it was
    body = RECORDS[0].to_json()
    with pytest.raises(ValueError, match="planted"):
        Record.from_json({**body, "planted": 1})
    with pytest.raises(ValueError, match="title"):
        Record.from_json({k: v for k, v in body.items() if k != "title"})
    with pytest.raises(ValueError, match="extra"):
        Record.from_json({**body, "authors": [{**msgspec.structs.asdict(Author("A")), "extra": 1}]})
    with pytest.raises(ValueError, match="fore_name"):
        Record.from_json({**body, "authors": [{"last_name": "A"}]})
    with pytest.raises(ValueError, match=r"Record\.abstract"):
        Record.from_json({**body, "abstract": None})


JSON_WRONG = st.sampled_from(
    [None, 0, 1, True, False, 1.5, "", "x", [], ["x"], [1], [None], [True], {}, [{}], [[]]]
)


@settings(max_examples=600, deadline=None)
@given(
    index=st.integers(0, len(RECORDS) - 1),
    name=st.sampled_from(FIELDS),
    value=JSON_WRONG,
    nested=st.booleans(),
    author_field=st.sampled_from(["last_name", "fore_name", "initials", "collective"]),
)
def test_reading_json_refuses_exactly_what_the_walk_refuses(
    index: int, name: str, value: object, nested: bool, author_field: str
) -> None:
    """The one-pass reader of the cache's JSON and the field-by-field walk agree on every
    planted value, at the top and inside an author or a notice: a value the walk finds sound
    is read back equal; any other is refused with the field's name."""
    body = RECORDS[index].to_json()
    if nested and body["authors"]:
        body["authors"][0][author_field] = value
        where = f"Author.{author_field}"
    else:
        body[name] = value
        where = f"Record.{name}"
    as_python = _as_python(body)
    try:
        built = Record(**as_python)
    except TypeError:
        built = None
    walked = None if built is None else validate._dataclass_problem(built, "Record")
    try:
        read = Record.from_json(body)
    except ValueError as exc:
        assert where in str(exc), (str(exc), where)
        assert built is None or walked is not None, (where, value)
        return
    assert walked is None, (where, value, walked)
    assert read == built


def _as_python(body: dict[str, object], *, defaults: bool = False) -> dict[str, object]:
    """The JSON form as Python values of the declared shapes (arrays as tuples, objects as
    authors and notices), for the walk to judge; ``defaults``: an author object missing
    names is an author with those names empty."""
    out = dict(body)
    for key, value in body.items():
        if key == "authors" and isinstance(value, list):
            out[key] = tuple(
                Author(**a)
                if isinstance(a, dict)
                and (set(a) == AUTHOR_FIELDS or (defaults and set(a) <= AUTHOR_FIELDS))
                else a
                for a in value
            )
        elif key == "notices" and isinstance(value, list):
            out[key] = tuple(
                Notice(**n) if isinstance(n, dict) and set(n) == NOTICE_FIELDS else n for n in value
            )
        elif isinstance(value, list):
            out[key] = tuple(value)
    return out


AUTHOR_FIELDS = set(Author.__struct_fields__)
NOTICE_FIELDS = {f.name for f in dataclasses.fields(Notice)}


@settings(max_examples=600, deadline=None)
@given(
    index=st.integers(0, len(RECORDS) - 1),
    name=st.sampled_from(FIELDS),
    value=JSON_WRONG,
    nested=st.booleans(),
    author_field=st.sampled_from(["last_name", "fore_name", "initials", "collective"]),
)
def test_a_cached_row_is_refused_exactly_when_the_walk_refuses_it(
    index: int, name: str, value: object, nested: bool, author_field: str
) -> None:
    """The cache's row (``[expires, [values…]]``, decoded by msgspec) and the field-by-field
    walk agree on every planted value, at the top and inside an author: a value the walk
    finds sound is read back equal; any other is refused naming the field. An author's
    object may leave names out: they are then empty, ``Author()``'s defaults."""
    record = RECORDS[index]
    expires, row = orjson.loads(encode_record_entry(record, 4e9))
    body = dict(zip(RECORD_FIELDS, row, strict=True))
    if nested and body["authors"]:
        body["authors"][0][author_field] = value
        where = f"Record.authors[0].{author_field}"
    else:
        body[name] = value
        where = f"Record.{name}"
    as_python = _as_python(body, defaults=True)
    try:
        built = Record(**as_python)
    except TypeError:
        built = None
    walked = None if built is None else validate._dataclass_problem(built, "Record")
    pmid = body["pmid"] if type(body["pmid"]) is int else record.pmid
    try:
        read = decode_record_entry(pmid, orjson.dumps([expires, list(body.values())]))
    except ValueError as exc:
        assert where in str(exc), (str(exc), where)
        assert built is None or walked is not None, (where, value)
        return
    assert walked is None, (where, value, walked)
    assert read == (expires, built)
