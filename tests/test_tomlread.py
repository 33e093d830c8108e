"""``tomlread.loads`` gives exactly tomli's answer (#16): on every file of the toml-test corpus
(``tests/data/toml-test``, TOML 1.0 and 1.1, valid and invalid), on those files mutated, and on
generated documents, the same data of the same types in the same order, or the same error
(message, line, column). The claims loader, reading through it, gives tomli's claims and
tomli's errors."""

from __future__ import annotations

import contextlib
import math
from datetime import date, datetime, time, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import tomli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ta1check import tomlread
from ta1check.claims import ClaimsError, loads_claims

CORPUS = Path(__file__).parent / "data" / "toml-test"
FILES = sorted(CORPUS.rglob("*.toml"))


def shape(value: Any) -> Any:
    """Everything a caller can tell of parsed TOML: types (the exact class, the tzinfo's
    class), values, key order, a float's sign and a NaN."""
    kind = type(value)
    if kind is dict:
        return kind, [(k, shape(v)) for k, v in value.items()]
    if kind is list:
        return kind, [shape(v) for v in value]
    if kind is float:
        return kind, repr(value), math.copysign(1.0, value)
    if kind is datetime:
        return kind, value.isoformat(), type(value.tzinfo), value.utcoffset(), value.tzinfo
    if kind is time:
        return kind, value.isoformat(), value.tzinfo
    return kind, value


def outcome(read: Any, text: str) -> Any:
    try:
        return "data", shape(read(text))
    except tomli.TOMLDecodeError as exc:
        return "error", str(exc), exc.msg, exc.lineno, exc.colno, exc.pos
    except RecursionError as exc:
        return "recursion", str(exc)


def assert_as_tomli(text: str) -> None:
    """The reader's answer is tomli's, read whole and with the ``claim`` tables in batches
    (of two, so that a small text makes several)."""
    expected = outcome(tomli.loads, text)
    assert outcome(tomlread.loads, text) == expected, repr(text)
    with mock.patch.object(tomlread, "BATCH", 2):
        assert outcome(partial(tomlread.loads, array="claim"), text) == expected, repr(text)


def corpus_text(path: Path) -> str:
    # a few invalid/encoding files are not UTF-8: read as the claims loader would get them
    return path.read_bytes().decode("utf-8", "surrogateescape")


def test_corpus_is_there() -> None:
    assert len(FILES) > 700
    assert (CORPUS / "LICENSE").is_file()


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_toml_test_corpus(path: Path) -> None:
    assert_as_tomli(corpus_text(path))


def test_most_of_the_valid_corpus_is_read_by_rtoml(monkeypatch: pytest.MonkeyPatch) -> None:
    """The corpus tests above test rtoml's answers, not tomli's against itself: most valid
    files never reach tomli."""
    fallbacks = []
    real = tomli.loads

    def counted(text: str, **kwargs: Any) -> dict[str, Any]:
        fallbacks.append(text)
        return real(text, **kwargs)

    monkeypatch.setattr(tomlread.tomli, "loads", counted)
    valid = [corpus_text(p) for p in FILES if p.relative_to(CORPUS).parts[0] == "valid"]
    for text in valid:
        with contextlib.suppress(tomli.TOMLDecodeError):  # a BOM: valid to toml-test
            tomlread.loads(text)
    assert len(fallbacks) < len(valid) / 4


# -- Mutated corpus files: where rtoml accepts what tomli refuses ---------------------------

PIECES = [
    *"\"'\\\n\r\t []{}=,.#:+-_019eExXoObBTtZz\x00\x7f\ufeff\u00e9\u2028\U0001f600 ",
    '"""',
    "'''",
    "\r\n",
    "inf",
    "nan",
    "true",
    "1979-05-27",
    "07:32:00",
    "T07:32Z",
    "+01:00",
    "\\u",
    "\\U",
    "\\x",
    "\\e",
    "[a.b]\n",
    "[a]\n",
    "[[a]]\n",
    "[[a.b]]\n",
    "a.b = 1\n",
    "= {x = 1}\n",
    " # c\n",
]
VALID_TEXTS = [corpus_text(p) for p in FILES if p.parts[-3:-1] != ("invalid", "encoding")]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(VALID_TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["insert", "delete", "copy", "line"]))
        if how == "insert":
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + 1 :]
        elif how == "copy":
            start = draw(st.integers(0, len(text)))
            text = text[:at] + text[start : start + draw(st.integers(1, 60))] + text[at:]
        else:
            lines = text.split("\n")
            line = lines[draw(st.integers(0, len(lines) - 1))]
            lines.insert(draw(st.integers(0, len(lines))), line)
            text = "\n".join(lines)
    return text


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_corpus(text: str) -> None:
    assert_as_tomli(text)


# -- Generated documents ----------------------------------------------------------------

BARE = st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True)
SMALL_KEYS = st.sampled_from(["a", "b", "c", "a-b", "1", "claim", "x_y"])
TEXTS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", "O'Byrne", 'a "q"', "\\", "\t", "é", "\u2028", "\x7f", "\r\n", "😀"]),
)


def basic_string(text: str) -> str:
    """A TOML basic string of ``text``, escaped as a writer might (each way TOML allows)."""
    out = []
    for ch in text:
        if ch in {'"', "\\"}:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch in "\t\b\f\r":
            out.append({"\t": "\\t", "\b": "\\b", "\f": "\\f", "\r": "\\r"}[ch])
        elif ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\u{ord(ch):04X}")
        elif 0xD800 <= ord(ch) < 0xE000:
            out.append("?")
        elif ord(ch) > 0xFFFF:
            out.append(f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


@st.composite
def string_value(draw: st.DrawFn) -> str:
    text = draw(TEXTS)
    how = draw(st.sampled_from(["basic", "literal", "multi", "multi-literal", "raw"]))
    if how == "literal":
        return "'" + text.replace("'", "").replace("\n", "").replace("\r", "") + "'"
    if how == "multi":
        return '"""' + basic_string(text)[1:-1].replace("\\n", draw(NEWLINE)) + '"""'
    if how == "multi-literal":
        return "'''" + text.replace("'", "") + "'''"
    if how == "raw":  # unescaped: control characters and all, for both to judge
        return '"' + text + '"'
    return basic_string(text)


def integer_text(n: int, how: str) -> str:
    if how == "hex" and n >= 0:
        return hex(n)
    if how == "oct" and n >= 0:
        return oct(n)
    if how == "bin" and n >= 0:
        return bin(n)
    if how == "underscores":
        return f"{n:_}"
    if how == "plus" and n >= 0:
        return f"+{n}"
    return str(n)


INTEGERS = st.builds(
    integer_text,
    st.one_of(st.integers(-(2**70), 2**70), st.integers(-(2**63) - 2, 2**64 + 2)),
    st.sampled_from(["dec", "hex", "oct", "bin", "underscores", "plus"]),
)


def float_text(x: float) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    text = repr(x)
    return text if "." in text or "e" in text else text + ".0"


FLOATS = st.one_of(
    st.floats().map(float_text),
    st.sampled_from(
        [
            "+nan",
            "-nan",
            "-0.0",
            "+0.0",
            "1e400",
            "-1e400",
            "1e-400",
            "1.7976931348623159e308",
            "4.9e-324",
            "6.02_214e+23",
            "1E5",
            "3.1415926535897932384626433832795028841971",
        ]
    ),
    st.builds(
        "{}.{}e{}".format,
        st.integers(0, 10**20),
        st.from_regex(r"[0-9]{1,25}", fullmatch=True),
        st.integers(-400, 400),
    ),
)
OFFSETS = st.one_of(
    st.none(),
    st.just(timezone.utc),
    st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m))),
)


@st.composite
def datetime_value(draw: st.DrawFn) -> str:
    moment = draw(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)))
    kind = draw(st.sampled_from(["datetime", "date", "time"]))
    day = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
    clock = f"{moment.hour:02d}:{moment.minute:02d}"
    if draw(st.booleans()) or moment.second or moment.microsecond:
        clock += f":{moment.second:02d}"
        if moment.microsecond or draw(st.booleans()):
            clock += "." + f"{moment.microsecond:06d}"[: draw(st.integers(1, 6))]
            clock += draw(st.sampled_from(["", "9", "999", "1234"]))
    if kind == "date":
        return day
    if kind == "time":
        return clock
    text = day + draw(st.sampled_from(["T", "t", " "])) + clock
    offset = draw(OFFSETS)
    if offset is None:
        return text
    minutes = int(offset.utcoffset(None).total_seconds()) // 60
    if minutes == 0 and draw(st.booleans()):
        return text + draw(st.sampled_from(["Z", "z", "-00:00"]))
    sign = "-" if minutes < 0 else "+"
    return text + f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


SCALARS = st.one_of(
    string_value(), INTEGERS, FLOATS, datetime_value(), st.sampled_from(["true", "false"])
)
NEWLINE = st.sampled_from(["\n", "\r\n"])


def key_text() -> st.SearchStrategy[str]:
    single = st.one_of(SMALL_KEYS, BARE, TEXTS.map(basic_string), SMALL_KEYS.map("'{}'".format))
    return st.lists(single, min_size=1, max_size=3).map(
        lambda parts: ".".join(parts) if len(parts) < 3 else " . ".join(parts)
    )


def values(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return SCALARS
    inner = values(depth - 1)
    sep = st.sampled_from([", ", ",", ",\n", " ,\n  ", ", # c\n"])
    array = st.tuples(st.lists(inner, max_size=4), sep, st.sampled_from(["", ",", ",\n"])).map(
        lambda t: "[" + t[1].join(t[0]) + (t[2] if t[0] else "") + "]"
    )
    pair = st.tuples(key_text(), st.sampled_from([" = ", "=", " =\n", "\n= "]), inner).map("".join)
    table = st.tuples(st.lists(pair, max_size=3), sep).map(lambda t: "{" + t[1].join(t[0]) + "}")
    return st.one_of(SCALARS, array, table)


STATEMENT = st.one_of(
    st.tuples(key_text(), values(2)).map(lambda t: f"{t[0]} = {t[1]}"),
    st.tuples(st.sampled_from(["[", "[["]), key_text()).map(
        lambda t: t[0] + t[1] + ("]]" if t[0] == "[[" else "]")
    ),
    st.just("# a comment"),
    st.just(""),
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = draw(st.lists(STATEMENT, max_size=12))
    text = draw(NEWLINE).join(lines)
    if draw(st.booleans()):
        text += "\n"
    return text


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents(text: str) -> None:
    assert_as_tomli(text)


@st.composite
def claims_documents(draw: st.DrawFn) -> str:
    """Claims files as people write them: [[claim]] blocks of pmid, citation, figure, with an
    [article], [defaults], accept tables, dotted keys and either line ending."""
    newline = draw(NEWLINE)
    parts = []
    if draw(st.booleans()):
        parts.append(f"[article]{newline}title = {draw(string_value())}{newline}")
    for _ in range(draw(st.integers(1, 5))):
        block = [
            "[[claim]]",
            f"pmid = {draw(st.one_of(INTEGERS, string_value()))}",
            f"citation = {draw(string_value())}",
        ]
        if draw(st.booleans()):
            block.append(f"figure = {draw(st.one_of(string_value(), FLOATS))}")
        if draw(st.booleans()):
            block.append(
                f"accept = [{{code = {draw(string_value())}, until = {draw(datetime_value())}}}]"
            )
        if draw(st.booleans()):
            block.append("[[claim.accept]]")
            block.append(f"code = {draw(string_value())}")
        parts.append(newline.join(block) + newline)
    if draw(st.booleans()):
        parts.insert(draw(st.integers(0, len(parts))), f"[defaults]{newline}a = 'error'{newline}")
    return newline.join(parts)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claims_documents())
def test_generated_claims_files(text: str) -> None:
    assert_as_tomli(text)


# -- The claims tables read in batches ----------------------------------------------------

BATCH_CASES = [
    "[[claim]]\npmid = 1\n[[claim]]\npmid = 2\n[[claim]]\npmid = 3\n",
    '[article]\ntitle = "T"\n\n[[claim]]\npmid = 1\n\n[[claim]]\npmid = 2\n[[claim]]\npmid = 3',
    # tables that are not each a header line and its own keys: read whole
    "[[claim]]\npmid = 1\n[[claim]]\n[[claim]]\npmid = 3\n",
    "[[claim]]\npmid = 1\n[claim.accept]\ncode = 1\n[[claim]]\npmid = 2\n",
    "[[claim]]\npmid = 1\n[other]\na = 1\n[[claim]]\npmid = 2\n[[claim]]\npmid = 3\n",
    "[[claim]]\npmid = 1\n  [other]\na = 1\n[[claim]]\npmid = 2\n[[claim]]\npmid = 3\n",
    "[[claim]]\npmid = 1\n[[claim]]\npmid = 2\n[[other]]\n[[claim]]\npmid = 3\n",
    "[[claim]]\na = [\n[1]]\n[[claim]]\npmid = 2\n[[claim]]\npmid = 3\n",
    '[[claim]]\nt = """\n[[claim]]\nx = 1\n"""\n[[claim]]\npmid = 2\n',
    "[[claim]]\nt = '''\n[[claim]]\nx = 1\n'''\n[[claim]]\npmid = 2\n",
    # the head already has the array, or a table of that name, or a key
    "claim = []\n[[claim]]\npmid = 1\n[[claim]]\npmid = 2\n",
    "[[claim]] # one\npmid = 0\n[[claim]]\npmid = 1\n[[claim]]\npmid = 2\n",
    "[claim]\npmid = 0\n[[claim]]\npmid = 1\n[[claim]]\npmid = 2\n",
    "claim.pmid = 0\n[[claim]]\npmid = 1\n",
    "[x]\nclaim = 1\n[[claim]]\npmid = 1\n[[claim]]\npmid = 2\n",
    # a table's error, a head's error: tomli's, at its line in the whole text
    "[[claim]]\npmid = 1\n[[claim]]\npmid = 2\npmid = 3\n[[claim]]\npmid = 4\n",
    "[[claim]]\npmid = 1\n[[claim]]\npmid = \n[[claim]]\npmid = 4\n",
    "a = [\n[[claim]]\npmid = 1\n[[claim]]\npmid = 2\n",
    "a = 1\na = 2\n[[claim]]\npmid = 1\n[[claim]]\npmid = 2\n",
    # line ends: CRLF headers are not split at; a CR before a header's LF stays in its table
    "[[claim]]\r\npmid = 1\r\n[[claim]]\r\npmid = 2\r\n",
    "[[claim]]\npmid = 1\r\n[[claim]]\npmid = 2\r",
    "[[claim]]\npmid = 1 # c\r\n[[claim]]\npmid = 2\n",
    # offset date-times in the tables of several batches
    "[[claim]]\nu = 2030-01-01T00:00:00Z\n[[claim]]\nu = 2030-01-01 00:00+01:00\n[[claim]]\n"
    "u = [2030-01-01T00:00:00-00:30]\n",
]


@pytest.mark.parametrize("text", BATCH_CASES)
def test_claims_tables_read_in_batches(text: str) -> None:
    assert_as_tomli(text)


def test_a_long_claims_file_is_read_in_batches_as_tomli_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Several batches of the default size, their tables in order: rtoml's own document
    never holds more than one batch."""
    text = '[article]\ntitle = "T"\n\n' + "".join(
        f'[[claim]]\npmid = {i}\ncitation = "Smith J. T. Lancet. 2005;{i}:41-50."\n'
        + (f"until = 2030-01-{i % 28 + 1:02d}T10:00:00+01:00\n" if i % 7 == 0 else "\n")
        for i in range(2 * tomlread.BATCH + 11)
    )
    sizes = []
    real = tomlread._rtoml()
    assert real is not None

    def counted(part: str) -> dict[str, Any]:
        sizes.append(part.count("[[claim]]"))
        return real(part)

    monkeypatch.setattr(tomlread, "_rtoml", lambda: counted)
    assert outcome(partial(tomlread.loads, array="claim"), text) == outcome(tomli.loads, text)
    assert sizes == [0, tomlread.BATCH, tomlread.BATCH, 11]


# -- The claims loader, through the reader ------------------------------------------------


def test_offset_datetimes_are_tomlis() -> None:
    data = tomlread.loads(
        "a = 1979-05-27T07:32:00Z\nb = [{c = 1979-05-27 07:32:00.5-08:00}]\n"
        "d = 1979-05-27t07:32+05:30\ne = 1979-05-27T07:32:00-00:00\nf = 1979-05-27T07:32:00\n"
    )
    assert data["a"].tzinfo is timezone.utc
    assert data["e"].tzinfo is timezone.utc
    assert type(data["b"][0]["c"].tzinfo) is timezone
    assert data["d"].tzinfo == timezone(timedelta(hours=5, minutes=30))
    assert data["f"].tzinfo is None
    assert data == tomli.loads(
        "a = 1979-05-27T07:32:00Z\nb = [{c = 1979-05-27 07:32:00.5-08:00}]\n"
        "d = 1979-05-27t07:32+05:30\ne = 1979-05-27T07:32:00-00:00\nf = 1979-05-27T07:32:00\n"
    )
    assert tomlread.loads("a = 1979-05-27\nb = 07:32:00") == {
        "a": date(1979, 5, 27),
        "b": time(7, 32),
    }


def claims_outcome(text: str) -> Any:
    try:
        return loads_claims(text)
    except ClaimsError as exc:
        return str(exc)


@pytest.mark.parametrize(
    "text",
    [
        # a CRLF inside a multi-line string is LF to tomli
        '[[claim]]\r\npmid = 1\r\ncitation = """Smith J.\r\nLancet. 2005;366:41-50."""\r\n',
        # newlines around an inline table's '=': tomli refuses them
        '[[claim]]\npmid = 1\naccept = [{code =\n "journal-mismatch", reason = "x"}]\n',
        '[[claim]]\npmid = 1\naccept = [{code # the code\n= "journal-mismatch", reason = "x"}]\n',
        # a byte-order mark left in the text
        "\ufeff[[claim]]\npmid = 1\n",
        # a table declared after a dotted header: tomli's key order (here: the error's key)
        "[aa.b]\n[zz]\n[aa]\n[[claim]]\npmid = 1\n",
        # a dotted key extending an array's last table: tomli refuses it
        '[[claim]]\npmid = 1\n[[x.accept]]\n[x]\naccept.code = "a"\n',
        # an offset date-time (an accept's until) and a float tomli reads as inf
        '[[claim]]\npmid = 1\nfigure = 1e400\naccept = [{code = "journal-mismatch", '
        'reason = "x", until = 2030-01-01T00:00:00Z}]\n',
    ],
)
def test_claims_loader_gives_tomlis_answer(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The claims loader's claims, or its one-line error, are those it gives reading through
    tomli alone."""
    through_reader = claims_outcome(text)
    monkeypatch.setattr(tomlread, "loads", lambda text, **_: tomli.loads(text))
    assert through_reader == claims_outcome(text)


def test_claims_files_are_read_by_rtoml(monkeypatch: pytest.MonkeyPatch) -> None:
    """A claims file as the bench writes them (bare, and with citations and figures, an
    [article] and [defaults] at the top) never reaches tomli: the screens are cheap and
    narrow."""

    def refuse(text: str) -> dict[str, Any]:
        raise AssertionError("read by tomli")

    monkeypatch.setattr(tomlread.tomli, "loads", refuse)
    bare = "".join(f"[[claim]]\npmid = {90000000 + i}\n\n" for i in range(1000))
    assert len(loads_claims(bare).claims) == 1000
    realistic = '[article]\ntitle = "T"\n\n[defaults]\njournal-mismatch = "warning"\n\n' + "".join(
        f'[[claim]]\npmid = {10000000 + i}\ncitation = "Smith J et al. A title: {{x}}. '
        f'Lancet. 2005 12:{i % 90 + 10}-{i % 90 + 20}."\nfigure = "12.5%"\n\n'
        for i in range(1000)
    )
    assert len(loads_claims(realistic).claims) == 1000
