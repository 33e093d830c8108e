"""The claims loader reads the same claims however the TOML spells them: its quick paths (line
positions read line by line, a plain claim built in a few steps) give what the general ones
give, and an error still names its file, line and key (#16)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import write
from ta1check.claims import Claim, ClaimsError, ClaimsFile, load_claims, loads_claims

#: Text a claim's strings may hold, with what trips a line-by-line reader: quotes in threes,
#: a header or a key at what looks like a line's start, and Unicode line separators (TOML's
#: lines end at LF only).
TRAPS = [
    "Cp'''Co",
    'say """ no',
    "x\u2028y",
    "x\u2029y",
    "x\u0085y",
    "\n[[claim]]\npmid = 1",
    "claim = [{",
    "# no comment",
    "O'Byrne",
    'a "quoted" word',
    "back\\slash",
]
TEXT = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
    st.sampled_from(TRAPS),
    st.lists(st.sampled_from(TRAPS), min_size=2, max_size=3).map(" ".join),
).filter(str.strip)
CITATION = st.one_of(
    TEXT,
    st.sampled_from(
        [
            "Chien RN et al., Hepatology (1998)",
            "Wootton JC, Baron AJ. The amino acid sequence. Biochem J. 1975;149:739-48.",
            "Piesch M et al. [Cp'''Co]. Chem Sci. 2020;11:6745-6751.",
        ]
    ),
)
CLAIM = st.fixed_dictionaries(
    {"pmid": st.integers(min_value=-5, max_value=2**32)},
    optional={
        "citation": CITATION,
        "figure": TEXT,
        "text": TEXT,
        "title": TEXT,
        "journal": TEXT,
        "year": st.integers(min_value=1600, max_value=2200),
        "authors": st.lists(TEXT, max_size=2),
    },
)
SPELLING = st.fixed_dictionaries(
    {
        "layout": st.sampled_from(["tables", "inline"]),
        "quote_keys": st.sampled_from(["", '"', "'"]),
        "strings": st.sampled_from(["basic", "literal", "multi", "multi-literal"]),
        "pmid_as_string": st.booleans(),
        "comments": st.booleans(),
        "crlf": st.booleans(),
    }
)


def basic(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # JSON's escapes are TOML's


def string(text: str, style: str) -> str:
    """``text`` as a TOML string of ``style``, where it can be written so."""
    if style == "literal" and not any(c in text for c in "'\n"):
        return f"'{text}'"
    if style == "multi":
        return '"""\n' + basic(text)[1:-1] + '"""'
    quotes = "'" * 3
    writable = not any(c in text for c in "\n\r") and quotes not in text and text[-1:] != "'"
    if style == "multi-literal" and writable:
        return quotes + "\n" + text + quotes
    return basic(text)


def write_claims(
    claims: list[dict[str, object]], spelling: dict[str, object], wrong: int | None = None
) -> tuple[str, list[int], int | None]:
    """A claims file of ``claims`` spelled as ``spelling`` says; with ``wrong``, that claim
    also holds the unknown key ``yaer``. Returns the text, the line of each claim and of
    ``yaer``."""
    q = str(spelling["quote_keys"])
    inline = spelling["layout"] == "inline"
    style = str(spelling["strings"])
    note = "  # a note" if spelling["comments"] else ""

    def value(v: object) -> str:
        if isinstance(v, str):
            return string(v, "basic" if inline else style)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return str(v)

    lines: list[str] = []
    starts: list[int] = []
    wrong_line = None

    def at() -> int:
        return sum(line.count("\n") for line in lines) + len(lines) + 1

    if spelling["comments"]:
        lines.append("# claims: [[claim]] and claim = [ are in this comment")
    if inline:
        lines.append(f"{q}claim{q} = [{note}")
    for n, claim in enumerate(claims):
        items = []
        for key, v in claim.items():
            as_string = key == "pmid" and spelling["pmid_as_string"]
            items.append((f"{q}{key}{q}", value(str(v) if as_string else v)))
        if n == wrong:
            items.insert(len(items) // 2, ("yaer", "1998"))
        if inline:
            starts.append(at())
            if n == wrong:
                wrong_line = at()
            lines.append("  {" + ", ".join(f"{k} = {v}" for k, v in items) + "}," + note)
            continue
        starts.append(at())
        lines.append(f"[[{q}claim{q}]]{note}")
        for key, v in items:
            if key == "yaer":
                wrong_line = at()
            lines.append(f"{key} = {v}" + ("" if "\n" in v else note))
        lines.append("")
    if inline:
        lines.append("]")
    newline = "\r\n" if spelling["crlf"] else "\n"
    text = newline.join(line.replace("\n", newline) for line in lines) + newline
    return text, starts, wrong_line


def unplaced(claims: ClaimsFile) -> list[object]:
    return [dataclasses.replace(c, line=None) for c in claims.claims]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CLAIM, min_size=1, max_size=4), SPELLING)
def test_every_spelling_loads_the_same_claims_at_their_lines(
    claims: list[dict[str, object]], spelling: dict[str, object]
) -> None:
    plain = {
        "layout": "tables",
        "quote_keys": "",
        "strings": "basic",
        "pmid_as_string": False,
        "comments": False,
        "crlf": False,
    }
    text, _, _ = write_claims(claims, plain)
    spelled, starts, _ = write_claims(claims, spelling)
    expected, loaded = loads_claims(text), loads_claims(spelled)
    assert unplaced(loaded) == unplaced(expected)
    assert [c.line for c in loaded.claims] == starts
    assert [c.pmid_raw for c in loaded.claims] == [str(c["pmid"]) for c in claims]


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CLAIM, min_size=1, max_size=4), SPELLING, st.data())
def test_an_error_names_its_line_and_key_in_every_spelling(
    claims: list[dict[str, object]], spelling: dict[str, object], data: st.DataObject
) -> None:
    wrong = data.draw(st.integers(min_value=0, max_value=len(claims) - 1))
    text, _, line = write_claims(claims, spelling, wrong)
    with pytest.raises(ClaimsError) as raised:
        loads_claims(text, Path("c.toml"))
    message = f"c.toml:{line}: claim[{wrong + 1}].yaer: unknown key (did you mean 'year'?)"
    assert str(raised.value) == message


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_a_unicode_line_separator_in_a_string_does_not_shift_the_lines(
    run, tmp_path: Path, separator: str
) -> None:
    path = write(
        tmp_path / "claims.toml",
        "[[claim]]\n"
        f'citation = "Chien RN et al.,{separator}Hepatology (1998)"\n'
        "pmid = 9485118\n"
        "\n"
        "[[claim]]\n"
        "pmid = 1\n"
        "figure = 3\n",
    )
    out = run("check", str(path))
    assert out.code == 2
    assert out.stderr.strip().endswith(
        f"{path}:7: claim[2].figure: expected a string, got an integer"
    )


@pytest.mark.parametrize(
    ("value", "pmid"),
    [
        ("1", 1),
        ("0", None),
        ("-3", None),
        ("2147483647", 2147483647),
        ("2147483648", None),
        ('"0123"', None),
        ('" 42 "', 42),
        ("99999999999", None),
    ],
)
def test_the_pmid_reads_the_same_as_an_integer_or_a_string(value: str, pmid: int | None) -> None:
    loaded = loads_claims(f"[[claim]]\npmid = {value}\nfigure = ' 17% '\n").claims[0]
    assert (loaded.pmid, loaded.figure, loaded.line) == (pmid, "17%", 1)


def test_a_large_file_loads_each_claim_at_its_header(tmp_path: Path) -> None:
    body = "".join(
        f'[[claim]]\npmid = {n}\ncitation = "Chien RN et al., Hepatology (1998)"\n\n'
        for n in range(1, 2001)
    )
    loaded = load_claims(write(tmp_path / "c.toml", body))
    assert [c.line for c in loaded.claims] == list(range(1, 8000, 4))
    wrong = write(tmp_path / "c.toml", body + "[[claim]]\npmid = 'x'\nyear = 1\n")
    with pytest.raises(ClaimsError, match=r"c\.toml:8003: claim\[2001\]\.year: 1 is not a"):
        load_claims(wrong)


def test_a_plain_claim_is_a_frozen_claim_equal_to_the_one_checked(tmp_path: Path) -> None:
    """A plain claim is built without the dataclass's ``__init__`` (#16): it is a ``Claim``,
    frozen and hashable, equal field for field to the one the checked path builds."""
    plain = loads_claims(
        '[[claim]]\npmid = 42\ncitation = "Chien RN et al., Hepatology (1998)"\n'
        'figure = " 17% "\ntext = "t"\nid = "a"\ntitle = "T"\nfirst_author = "Chien RN"\n'
        'journal = "Hepatology"\ndoi = "10.1/x"\n'
    ).claims[0]
    checked = loads_claims(
        '[[claim]]\npmid = "42"\ncitation = "Chien RN et al., Hepatology (1998)"\n'
        'figure = " 17% "\ntext = "t"\nid = "a"\ntitle = "T"\nfirst_author = "Chien RN"\n'
        'journal = "Hepatology"\ndoi = "10.1/x"\n'
    ).claims[0]
    assert type(plain) is Claim
    assert plain == checked and hash(plain) == hash(checked)
    assert dataclasses.astuple(plain) == dataclasses.astuple(checked)
    with pytest.raises(dataclasses.FrozenInstanceError):
        plain.pmid = 1  # type: ignore[misc]
