"""The claims file: valid files load, invalid ones fail with exit 2 and one line naming the
file, the line and the key, without a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, write
from ta1check.claims import ClaimsError, load_claims, loads_claims, parse_pmid

VALID = """
[article]
title = "An article"

[defaults]
abstract-missing = "info"

[[claim]]
id = "first"
pmid = 29768149
citation = "O'Byrne et al., N Engl J Med (2018)"
figure = "17%"

[[claim]]
pmid = "36400559"
first_author = "Gibbs"
authors = ["Gibbs", "Bennett"]
year = 2023
doi = "10.1016/j.ncl.2022.07.002"
"""


def test_valid_file_loads_with_lines_ids_and_parsed_citation(tmp_path: Path) -> None:
    claims = load_claims(write(tmp_path / "c.toml", VALID))
    first, second = claims.claims
    assert first.label == "first" and first.line == 8
    assert first.stated_first_author == "O'Byrne" and first.stated_year == 2018
    assert second.pmid == 36400559 and second.label == "claim 2" and second.line == 14
    assert claims.article_title == "An article"


@pytest.mark.parametrize(
    ("text", "line", "key", "message"),
    [
        ("[[claim]]\npmid = 1\ncitaton = 'x'\n", 3, "claim[1].citaton", "did you mean 'citation'"),
        ("[[claim]]\npmid = 1.5\n", 2, "claim[1].pmid", "got a float"),
        ("[[claim]]\ncitation = 'x'\n", 1, "claim[1].pmid", "missing required key"),
        ("[[claim]]\npmid = 1\nyear = 'soon'\n", 3, "claim[1].year", "expected a year"),
        ("[[claim]]\npmid = 1\nauthors = 'A'\n", 3, "claim[1].authors", "array"),
        (
            "[[claim]]\npmid = 1\n\n[[claim]]\npmid = 2\nfigure = 3\n",
            6,
            "claim[2].figure",
            "expected a string",
        ),
        (
            "[defaults]\nabstract-mising = 'info'\n[[claim]]\npmid=1\n",
            2,
            "defaults.abstract-mising",
            "did you mean 'abstract-missing'",
        ),
        (
            "[defaults]\nabstract-missing = 'fatal'\n[[claim]]\npmid=1\n",
            2,
            "defaults.abstract-missing",
            "unknown severity",
        ),
        ("claims = []\n", 1, "claims", "did you mean 'claim'"),
        ("[[claim]]\nid='a'\npmid=1\n[[claim]]\nid='a'\npmid=2\n", 5, "claim[2].id", "duplicate"),
    ],
)
def test_invalid_files_fail_with_exit_2_naming_file_line_key(
    run, tmp_path: Path, text: str, line: int, key: str, message: str
) -> None:
    path = write(tmp_path / "claims.toml", text)
    out = run("check", str(path))
    assert out.code == 2
    assert out.stdout == ""
    (error_line,) = out.stderr.strip().splitlines()
    assert f"{path}:{line}: {key}:" in error_line
    assert message in error_line
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("[[claim]]\npmid = \n", 2, "invalid TOML"),
        ("", None, "no claims"),
        ("[article]\ntitle = 'x'\n", None, "no claims"),
    ],
)
def test_syntax_errors_and_empty_files(run, tmp_path, text, line, message) -> None:
    path = write(tmp_path / "claims.toml", text)
    out = run("check", str(path))
    assert out.code == 2
    assert message in out.stderr
    if line:
        assert f"{path}:{line}:" in out.stderr


def test_not_utf8_and_missing_file(run, tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes("[[claim]]\npmid = 1\ncitation = 'M\xfcller'\n".encode("latin-1"))
    out = run("check", str(path))
    assert out.code == 2 and f"{path}:3:" in out.stderr and "UTF-8" in out.stderr
    out = run("check", str(tmp_path / "nope.toml"))
    assert out.code == 2 and "nope.toml" in out.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1),
        ("29768149", 29768149),
        (" 42 ", 42),
        (0, None),
        (-5, None),
        ("012", None),
        ("12a", None),
        ("２９７", None),
        (2**40, None),
        (True, None),
    ],
)
def test_pmid_validity(value: object, expected: int | None) -> None:
    assert parse_pmid(value) == expected  # type: ignore[arg-type]


def test_invalid_pmid_is_a_finding_not_a_load_error(run, tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", "[[claim]]\npmid = '12a'\n")
    out = run("check", str(path), "--format", "json")
    assert out.code == 1
    assert '"pmid-invalid"' in out.stdout


SAFE_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.fixed_dictionaries(
            {"pmid": st.integers(min_value=1, max_value=99_999_999)},
            optional={
                "citation": SAFE_TEXT.filter(str.strip),
                "figure": SAFE_TEXT.filter(str.strip),
                "year": st.integers(min_value=1600, max_value=2200),
                "authors": st.lists(SAFE_TEXT.filter(str.strip), max_size=3),
            },
        ),
        min_size=1,
        max_size=5,
    )
)
def test_any_well_typed_claims_load_with_each_header_line(claims: list[dict[str, object]]) -> None:
    blocks = []
    for c in claims:
        lines = ["# a comment", "[[claim]]"]
        for k, v in c.items():
            lines.append(f"{k} = {toml_value(v)}")
        blocks.append("\n".join(lines))
    text = "\n\n".join(blocks) + "\n"
    loaded = loads_claims(text)
    # TOML's lines end at LF only; a citation may hold U+2028, which splitlines() splits at
    headers = [n for n, line in enumerate(text.split("\n"), 1) if line == "[[claim]]"]
    assert [c.line for c in loaded.claims] == headers
    assert [c.pmid for c in loaded.claims] == [c["pmid"] for c in claims]


def toml_value(v: object) -> str:
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return str(v)


@settings(max_examples=300)
@given(st.text(max_size=300))
def test_arbitrary_text_loads_or_fails_cleanly(text: str) -> None:
    try:
        loads_claims(text)
    except ClaimsError as exc:
        assert "\n" not in str(exc)


def test_deeply_nested_toml_is_refused_cleanly(run, tmp_path: Path) -> None:
    path = write(tmp_path / "deep.toml", "x = " + "[" * 5000 + "]" * 5000 + "\n")
    out = run("check", str(path))
    assert out.code == 2
    assert "Traceback" not in out.stderr


def test_the_articles_claims_file_loads() -> None:
    claims = load_claims(ROOT / "claims.toml")
    assert claims.article_title == "Thymosin Alpha-1 Benefits: 7 Immune Effects"
    assert all(re.fullmatch(r"[a-z0-9-]+", c.label) for c in claims.claims)


@settings(max_examples=150)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["table", "inline"]),
            st.integers(min_value=1, max_value=99_999_999),
            st.sampled_from(["", "  # a comment [[claim]]", ""]),
            st.sampled_from(["", 'text = """multi\n[[claim]]\n{ pmid = 1 }"""']),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_claim_lines_are_found_in_tables_inline_tables_and_around_comments(
    claims: list[tuple[str, int, str, str]],
) -> None:
    inline = [c for c in claims if c[0] == "inline"]
    tables = [c for c in claims if c[0] == "table"]
    lines: list[str] = ["# claims [[claim]] in a comment"]
    expected: list[int] = []
    if inline:
        lines.append("claim = [  # inline claims")
        for _, pmid, comment, _ in inline:
            lines.append(f'  {{ pmid = {pmid}, citation = "A, B (2000)" }},{comment}')
            expected.append(len(lines))
        lines.append("]")
        tables = []  # TOML forbids mixing `claim = [...]` with [[claim]] tables
    for _, pmid, comment, extra in tables:
        lines.append(f"[[claim]]{comment}")
        expected.append(len(lines))
        lines.append(f"pmid = {pmid}")
        lines.extend(extra.splitlines())
    loaded = loads_claims("\n".join(lines) + "\n")
    assert [c.line for c in loaded.claims] == expected
