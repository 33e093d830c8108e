"""Hostile XML and hostile ``--records`` (issue #15): a DOCTYPE wherever it sits, gzip bombs,
and SQLite files that are not ours.

Every body here is CRAFTED from a real record of ../shared/pubmed (the record's text is NLM's;
the prolog, entities and filler are ours), and each runs through the CLI: in a separate process
where the network must not be reached (a local "proxy" that accepts and never answers), in
process otherwise.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import write
from emulator import Emulator, real_records
from ta1check.pubmed.files import RecordsError, iter_file
from ta1check.pubmed.fulltext import parse_pmc_xml
from ta1check.pubmed.parse import BadResponse, parse_pubmed_xml

OBYRNE = 29768149
BASE = 2930949  # Reuler, West J Med 1985; PMC1306303 (see test_integrity_fulltext)
COMMENT = b"<!--" + b" padding " * 1_200 + b"-->\n"  # 10.8 KB: past any fixed-size sniffing
PUBMED_2025 = (
    b'PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd"'
)
PUBMED_2026 = (
    b'PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2026//EN" '
    b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_260101.dtd"'
)


def injected_record(pmid: int = OBYRNE) -> bytes:
    """The real record, its title starting with a reference to the entity ``inj``."""
    return real_records()[pmid].replace(b"<ArticleTitle>", b"<ArticleTitle>&inj; ", 1)


def efetch_body(prolog: bytes, record: bytes, root_attrs: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0" ?>\n'
        + prolog
        + b"\n<PubmedArticleSet"
        + root_attrs
        + b">\n"
        + record
        + b"\n</PubmedArticleSet>\n"
    )


# --- a DOCTYPE wherever it sits ----------------------------------------------------------------


@pytest.fixture
def silent_proxy() -> Iterator[tuple[str, socket.socket]]:
    """A "proxy" that takes connections (the kernel's backlog) and never answers."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield f"http://127.0.0.1:{server.getsockname()[1]}", server
    server.close()


def proxy_was_used(server: socket.socket) -> bool:
    server.setblocking(False)
    try:
        conn, _ = server.accept()
    except BlockingIOError:
        return False
    conn.close()
    return True


def cli_process(
    args: list[str], env_extra: dict[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **env_extra}
    return subprocess.run(
        [sys.executable, "-m", "ta1check", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


HOSTILE_EFETCH = [
    (
        "internal subset after a long comment",
        efetch_body(
            COMMENT
            + b"<!DOCTYPE PubmedArticleSet "
            + PUBMED_2025
            + b' [<!ENTITY inj "INJECTED">]>',
            injected_record(),
        ),
        "declares its own entities",
    ),
    (
        "internal subset after processing instructions and whitespace",
        efetch_body(
            b'<?xml-stylesheet href="a.xsl"?>' + b"\n" * 9_000 + b"<?pi x?>"
            b"<!DOCTYPE PubmedArticleSet " + PUBMED_2025 + b' [<!ENTITY inj "INJECTED">]>',
            injected_record(),
        ),
        "declares its own entities",
    ),
    (
        "parameter entity pulling a remote DTD",
        efetch_body(
            COMMENT + b"<!DOCTYPE PubmedArticleSet " + PUBMED_2025 + b" [<!ENTITY % ext SYSTEM "
            b'"https://dtd.nlm.nih.gov/ncbi/evil.dtd"> %ext;]>',
            real_records()[OBYRNE],
        ),
        "declares its own entities",
    ),
    (
        "unknown DTD after a long comment",
        efetch_body(
            COMMENT + b'<!DOCTYPE PubmedArticleSet SYSTEM "https://dtd.nlm.nih.gov/ncbi/pubmed/'
            b'out/unknown_990101.dtd">',
            real_records()[OBYRNE],
        ),
        "unknown DTD",
    ),
    (
        "a remote XML schema instead of a DTD",
        efetch_body(
            COMMENT,
            real_records()[OBYRNE],
            b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            b'xsi:noNamespaceSchemaLocation="https://www.ncbi.nlm.nih.gov/evil/pubmed.xsd"',
        ),
        "unknown XML schema",
    ),
]


@pytest.mark.parametrize(
    ("row", "body", "cause"), HOSTILE_EFETCH, ids=[h[0] for h in HOSTILE_EFETCH]
)
def test_hostile_efetch_is_unverified_promptly_and_never_reaches_the_network(
    emulator: Emulator, silent_proxy, tmp_path: Path, row: str, body: bytes, cause: str
) -> None:
    proxy, server = silent_proxy
    emulator.custom_body = body
    emulator.always = "custom"
    emulator.retry_after = "0"
    claims = write(tmp_path / "c.toml", f"[[claim]]\npmid = {OBYRNE}\n")
    env = {
        "TA1CHECK_EUTILS_URL": emulator.url,
        "TA1CHECK_CACHE": str(tmp_path / "cache"),
        **dict.fromkeys(("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"), proxy),
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
    # Before the fix, the DTD download through the silent proxy hung past any --timeout.
    # NOTE: 15 s, not 5: on a loaded machine, the deadline could cut the last retry and
    # replace the refusal's cause with a timeout.
    out = cli_process(["check", str(claims), "--format", "json", "--timeout", "15"], env, 60)
    assert out.returncode == 3, out.stderr
    assert "INJECTED" not in out.stdout + out.stderr
    (result,) = json.loads(out.stdout)["results"]
    assert result["status"] == "unverified"
    assert cause in result["findings"][0]["message"], result["findings"][0]["message"]
    assert not proxy_was_used(server)
    assert "Traceback" not in out.stderr


def test_a_newer_pubmed_dtd_after_a_comment_is_parsed_offline(
    emulator: Emulator, silent_proxy, tmp_path: Path
) -> None:
    """NCBI's own yearly DTD, newer than Biopython's, wherever it is declared: no download."""
    proxy, server = silent_proxy
    emulator.custom_body = efetch_body(
        COMMENT + b"<!DOCTYPE PubmedArticleSet " + PUBMED_2026 + b">", real_records()[OBYRNE]
    )
    emulator.always = "custom"
    claims = write(tmp_path / "c.toml", f"[[claim]]\npmid = {OBYRNE}\n")
    env = {
        "TA1CHECK_EUTILS_URL": emulator.url,
        "TA1CHECK_CACHE": str(tmp_path / "cache"),
        "HTTPS_PROXY": proxy,
        "https_proxy": proxy,
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
    out = cli_process(["check", str(claims), "-q", "--timeout", "15"], env, 60)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "1 claim: 1 ok\n"
    assert not proxy_was_used(server)


def test_pmc_full_text_with_entities_after_a_comment_is_not_evidence(
    run, emulator: Emulator, tmp_path: Path
) -> None:
    """An entity declared past the first kilobytes must not put a figure into the full text."""
    article = (
        b'<article><front><article-meta><article-id pub-id-type="pmc">1306303</article-id>'
        b"</article-meta></front><body><sec><title>Results</title><p>Of &inj; patients, most "
        b"recovered.</p></sec></body></article>"
    )
    emulator.custom_body = (
        b'<?xml version="1.0" ?>\n'
        + COMMENT
        + b'<!DOCTYPE pmc-articleset [<!ENTITY inj "1,227">]>\n<pmc-articleset>'
        + article
        + b"</pmc-articleset>\n"
    )
    emulator.retry_after = "0"

    def hostile_pmc() -> str | None:
        return "custom" if emulator.efetches[-1].params.get("db") == "pmc" else None

    emulator._next_fault = hostile_pmc  # type: ignore[method-assign]
    claims = write(tmp_path / "c.toml", f'[[claim]]\npmid = {BASE}\nfigure = "1,227 patients"\n')
    out = run("check", str(claims), "--format", "json")
    (result,) = json.loads(out.stdout)["results"]
    assert [f["verdict"] for f in result["figures"]] != ["found-in-fulltext"]
    assert "declares its own entities" in out.stdout
    assert out.code != 0


def records_file(path: Path, prolog: bytes, record: bytes, *, gz: bool = False) -> Path:
    body = efetch_body(prolog, record)
    path.write_bytes(gzip.compress(body) if gz else body)
    return path


@pytest.mark.parametrize("gz", [False, True], ids=["xml", "xml.gz"])
def test_records_file_with_entities_after_a_comment_is_refused(run, tmp_path, gz) -> None:
    doctype = b"<!DOCTYPE PubmedArticleSet " + PUBMED_2025 + b' [<!ENTITY inj "INJECTED">]>'
    path = records_file(tmp_path / "hostile.xml", COMMENT + doctype, injected_record(), gz=gz)
    claims = write(tmp_path / "c.toml", f"[[claim]]\npmid = {OBYRNE}\n")
    for args in (["check", str(claims), "--records", str(path)], ["index", str(path)]):
        if args[0] == "index":
            args += ["--index", str(tmp_path / "i.sqlite")]
        out = run(*args)
        assert out.code == 2, out.stdout + out.stderr
        assert "declares its own entities" in out.stderr and "hostile.xml" in out.stderr
        assert "INJECTED" not in out.stdout + out.stderr
        assert len(out.stderr.strip().splitlines()) == 1


def test_records_file_referring_to_an_undeclared_entity_is_refused(run, tmp_path) -> None:
    """An entity a record uses but nothing declares is not silently dropped from its title."""
    path = records_file(
        tmp_path / "r.xml", b"<!DOCTYPE PubmedArticleSet " + PUBMED_2025 + b">", injected_record()
    )
    claims = write(tmp_path / "c.toml", f"[[claim]]\npmid = {OBYRNE}\n")
    out = run("check", str(claims), "--records", str(path))
    assert out.code == 2, out.stdout + out.stderr
    assert "r.xml" in out.stderr and "inj" in out.stderr


# --- gzip bombs ----------------------------------------------------------------------------------


def peak_rss_run(args: list[str], env_extra: dict[str, str]) -> tuple[int, str, int]:
    """Exit code, stderr and peak RSS (bytes, VmHWM) of the CLI in a process of its own."""
    code = (
        "import sys\n"
        "from ta1check.cli import main\n"
        "rc = main(sys.argv[1:])\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
        "print('PEAK', int(hwm.split()[1]) * 1024, file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        env={**os.environ, **env_extra},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = out.stderr.splitlines()
    peak = int(lines[-1].split()[1])
    return out.returncode, "\n".join(lines[:-1]), peak


def gzip_bomb(path: Path, megabytes: int) -> Path:
    """An unclosed PubmedArticle followed by ``megabytes`` MB of filler, gzipped."""
    with gzip.open(path, "wb", compresslevel=9) as handle:
        handle.write(b'<?xml version="1.0" ?>\n<PubmedArticleSet><PubmedArticle>')
        filler = b"<Author>" + b"a" * (1 << 20) + b"</Author>"
        for _ in range(megabytes):
            handle.write(filler)
    return path


def test_a_gzip_bomb_fails_fast_in_bounded_memory(tmp_path: Path) -> None:
    bomb = gzip_bomb(tmp_path / "bomb.xml.gz", 120)
    assert bomb.stat().st_size < 1_000_000
    claims = write(tmp_path / "c.toml", f"[[claim]]\npmid = {OBYRNE}\n")
    code, err, peak = peak_rss_run(
        ["check", str(claims), "--records", str(bomb)], {"TA1CHECK_CACHE": str(tmp_path / "c")}
    )
    assert code == 2, err
    assert "bomb.xml.gz" in err and "larger than" in err
    assert len(err.strip().splitlines()) == 1
    assert peak < 200 * 1024 * 1024, peak


# --- SQLite files that are not ours ------------------------------------------------------------


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def foreign_db(path: Path, *, wal: bool, schema: str) -> Path:
    db = sqlite3.connect(path)
    if wal:
        db.execute("PRAGMA journal_mode=WAL")
    db.execute(schema)
    db.commit()
    if wal:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    for extra in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        extra.unlink(missing_ok=True)
    return path


FOREIGN = [
    ("another app's notes", False, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"),
    ("another app in WAL mode", True, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"),
    ("a table named records", False, "CREATE TABLE records (id TEXT, x BLOB)"),
]


@pytest.mark.parametrize(("row", "wal", "schema"), FOREIGN, ids=[f[0] for f in FOREIGN])
def test_a_foreign_sqlite_file_is_refused_and_left_untouched(
    run, tmp_path, row, wal, schema
) -> None:
    foreign = foreign_db(tmp_path / "app.sqlite", wal=wal, schema=schema)
    before = digest(foreign)
    claims = write(tmp_path / "c.toml", f"[[claim]]\npmid = {OBYRNE}\n")
    xml = records_file(tmp_path / "r.xml", b"", real_records()[OBYRNE])
    for args in (
        ["check", str(claims), "--records", str(foreign)],
        ["check", str(claims), "--records", str(xml), "--records", str(foreign)],
        ["index", str(xml), "--index", str(foreign)],
    ):
        out = run(*args)
        assert out.code == 2, (args, out.stderr)
        assert "app.sqlite" in out.stderr and "not a ta1check index" in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1
        assert digest(foreign) == before
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("app")) == [
            "app.sqlite"
        ]


def built_index(run, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    xml = records_file(tmp_path / "r.xml", b"", real_records()[OBYRNE])
    index = tmp_path / "pubmed.index"
    out = run("index", str(xml), "--index", str(index))
    assert out.code == 0, out.stderr
    return index


def test_our_index_is_read_without_being_modified(run, tmp_path) -> None:
    index = built_index(run, tmp_path)
    before = digest(index)
    claims = write(tmp_path / "c.toml", f"[[claim]]\npmid = {OBYRNE}\n")
    out = run("check", str(claims), "--records", str(index), "-q")
    assert out.code == 0, out.stderr
    assert out.stdout == "1 claim: 1 ok\n"
    assert digest(index) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("pubmed")) == [
        "pubmed.index"
    ]
    # and it can be extended
    more = records_file(tmp_path / "more.xml", b"", real_records()[BASE])
    assert run("index", str(more), "--index", str(index)).code == 0
    claims = write(tmp_path / "c.toml", f"[[claim]]\npmid = {OBYRNE}\n\n[[claim]]\npmid = {BASE}\n")
    assert run("check", str(claims), "--records", str(index), "-q").stdout == "2 claims: 2 ok\n"


def test_an_index_from_before_the_marker_must_be_rebuilt(run, tmp_path) -> None:
    old = tmp_path / "old.index"
    db = sqlite3.connect(old)
    db.execute("CREATE TABLE records (pmid INTEGER PRIMARY KEY, format INTEGER, data TEXT)")
    db.execute(
        "CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER, records INTEGER, deleted INTEGER)"
    )
    db.commit()
    db.close()
    before = digest(old)
    claims = write(tmp_path / "c.toml", f"[[claim]]\npmid = {OBYRNE}\n")
    out = run("check", str(claims), "--records", str(old))
    assert out.code == 2
    assert "rebuild it with `ta1check index`" in out.stderr
    assert digest(old) == before


@pytest.mark.parametrize("damage", ["truncated", "overwritten"])
def test_a_damaged_index_is_a_one_line_error_not_a_crash(run, tmp_path, damage) -> None:
    index = built_index(run, tmp_path)
    data = index.read_bytes()
    if damage == "truncated":
        index.write_bytes(data[: len(data) // 2])
    else:  # keep the header (and so the marker), garble every page after the first
        index.write_bytes(data[:4096] + bytes(b ^ 0x5A for b in data[4096:]))
    claims = write(tmp_path / "c.toml", f"[[claim]]\npmid = {OBYRNE}\n")
    out = run("check", str(claims), "--records", str(index))
    assert out.code == 2, out.stdout + out.stderr
    assert "pubmed.index" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_a_locked_index_is_a_one_line_error(run, tmp_path) -> None:
    index = built_index(run, tmp_path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "db.execute('BEGIN EXCLUSIVE')\n"
            "print('locked', flush=True)\n"
            "time.sleep(60)\n",
            str(index),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        claims = write(tmp_path / "c.toml", f"[[claim]]\npmid = {OBYRNE}\n")
        out = run("check", str(claims), "--records", str(index))
        assert out.code == 2, out.stdout + out.stderr
        assert "pubmed.index" in out.stderr and "locked" in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1
    finally:
        holder.kill()
        holder.wait()


def test_within_one_file_the_later_record_of_a_pmid_wins(run, tmp_path) -> None:
    """Copies of one PMID are parsed once (the last): a bomb of copies costs a scan."""
    real = real_records()[OBYRNE]
    stale = real.replace(b"<ArticleTitle>", b"<ArticleTitle>Withdrawn draft: ", 1)
    claims = write(
        tmp_path / "c.toml",
        f'[[claim]]\npmid = {OBYRNE}\ntitle = "Inhaled Combined Budesonide-Formoterol as Needed '
        'in Mild Asthma"\n',
    )
    for order, code in (([stale] * 3 + [real], 0), ([real] * 3 + [stale], 1)):
        path = records_file(tmp_path / "r.xml.gz", b"", b"\n".join(order), gz=True)
        for records in (path, tmp_path / "i.index"):
            if records.suffix == ".index":
                records.unlink(missing_ok=True)
                assert run("index", str(path), "--index", str(records)).code == 0
            out = run("check", str(claims), "--records", str(records), "-q")
            assert out.code == code, out.stdout + out.stderr


def test_an_index_killed_mid_write_is_refused_then_recovered_by_index(run, tmp_path) -> None:
    index = built_index(run, tmp_path)
    writer = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sqlite3, sys\n"
            "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "db.execute('PRAGMA cache_size=1')\n"  # spill to the file: a hot journal
            "db.execute('BEGIN IMMEDIATE')\n"
            "for i in range(20000):\n"
            "    db.execute('INSERT INTO records VALUES (?, 1, ?)', (10**8 + i, 'x' * 500))\n"
            "os.kill(os.getpid(), 9)\n",
            str(index),
        ],
        check=False,
    )
    assert writer.returncode == -9
    assert Path(f"{index}-journal").exists()
    claims = write(tmp_path / "c.toml", f"[[claim]]\npmid = {OBYRNE}\n")
    out = run("check", str(claims), "--records", str(index), "-q")
    assert out.code == 2 and "run `ta1check index` on it again" in out.stderr
    assert run("index", str(tmp_path / "r.xml"), "--index", str(index)).code == 0
    assert run("check", str(claims), "--records", str(index), "-q").stdout == "1 claim: 1 ok\n"


# --- any prolog ----------------------------------------------------------------------------------

MISC = st.one_of(
    st.integers(0, 20_000).map(lambda n: b" \n\t\r"[n % 4 : n % 4 + 1] * n),
    st.text(st.characters(codec="ascii", exclude_characters="-"), max_size=5_000).map(
        lambda t: b"<!--" + t.encode() + b"-->"
    ),
    st.text(st.characters(codec="ascii", exclude_characters="?"), max_size=3_000).map(
        lambda t: b"<?pi " + t.encode() + b"?>"
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(misc=st.lists(MISC, max_size=6), external=st.booleans(), gz=st.booleans())
def test_an_internal_subset_is_refused_after_any_prolog(
    tmp_path_factory, misc: list[bytes], external: bool, gz: bool
) -> None:
    """Whatever comments, processing instructions and whitespace come first, a DOCTYPE with
    an internal subset is refused by every reader, and its entity never reaches a record."""
    doctype = (
        b"<!DOCTYPE PubmedArticleSet "
        + (PUBMED_2025 if external else b"")
        + b' [<!ENTITY inj "INJECTED">]>'
    )
    body = efetch_body(b"".join(misc) + doctype, injected_record())
    with pytest.raises(BadResponse, match="declares its own entities"):
        parse_pubmed_xml(body)
    with pytest.raises(BadResponse, match="declares its own entities"):
        parse_pmc_xml(body.replace(b"PubmedArticleSet", b"pmc-articleset"))
    path = tmp_path_factory.mktemp("p") / "r.xml"
    path.write_bytes(gzip.compress(body) if gz else body)
    with pytest.raises(RecordsError, match="declares its own entities"):
        list(iter_file(path))
