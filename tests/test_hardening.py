"""Guarantees under faults and hostile input (README, "Guarantees"): nothing passes
unverified, nothing is lost, the cache survives, secrets stay secret, no traceback escapes."""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import require_tool, write
from emulator import real_records
from ta1check.pubmed.cache import TABLE
from ta1check.pubmed.parse import BadResponse, parse_pubmed_xml

OBYRNE, GIBBS = 29768149, 36400559
CLAIMS = f"[[claim]]\npmid = {OBYRNE}\n\n[[claim]]\npmid = {GIBBS}\n"


def claims_for(path: Path, pmids: list[int]) -> Path:
    return write(path, "".join(f"[[claim]]\npmid = {p}\n\n" for p in pmids))


# --- guarantee 2: the fault matrix ---------------------------------------------------------


@pytest.fixture
def tls_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    """An HTTPS server with a self-signed certificate: the client must refuse it."""
    openssl = require_tool("openssl", "for the TLS fault")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_address[1]}/entrez/eutils/"
    server.shutdown()


MATRIX = [
    # (row, emulator fault or URL, expected cause)
    ("connection refused", "url:http://127.0.0.1:9/", "Connection refused"),
    ("DNS failure", "url:http://no-such-host.invalid/", "could not connect to no-such-host"),
    ("TLS error", "tls", "CERTIFICATE_VERIFY_FAILED"),
    ("timeout", "slow", "timed out"),
    ("429 storm", "429", "rate limited (HTTP 429)"),
    ("5xx", "503", "NCBI answered HTTP 503"),
    ("truncated XML", "truncate", "malformed XML"),
    ("malformed XML", "garbage", "malformed XML"),
    ("<ERROR> in a 200", "error200", "NCBI error: Unable to obtain query #1"),
    ("different PMIDs than asked", "wrong-pmids", "PMIDs that were not asked for"),
    ("HTML instead of XML", "html", "an HTML page instead of XML"),
    ("response over the size limit", "huge-declared", "the limit is 67,108,864"),
    ("streamed response over the limit", "huge-stream", "exceeds the limit of 67,108,864"),
]


@pytest.mark.parametrize(("row", "fault", "cause"), MATRIX, ids=[m[0] for m in MATRIX])
def test_fault_matrix_every_failure_is_unverified_exit_3(
    run, emulator, tmp_path, request, row, fault, cause
) -> None:
    emulator.retry_after = "1"
    emulator.slow_seconds = 30
    url = emulator.url
    if fault.startswith("url:"):
        url = fault[4:]
    elif fault == "tls":
        url = request.getfixturevalue("tls_server")
    else:
        emulator.always = fault
    path = write(tmp_path / "c.toml", CLAIMS)
    # A run loads its HTTP stack at the first request (start-up is kept short); load it here,
    # so the clock below measures what --timeout bounds, not importing on a loaded machine.
    import requests_cache  # noqa: F401

    import ta1check.pubmed.entrez
    import ta1check.pubmed.source  # noqa: F401

    started = time.monotonic()
    out = run("check", str(path), "--format", "json", "--timeout", "6", "--eutils-url", url)
    elapsed = time.monotonic() - started
    assert out.code == 3, out.stderr
    doc = json.loads(out.stdout)
    assert [r["status"] for r in doc["results"]] == ["unverified", "unverified"]
    message = doc["results"][0]["findings"][0]["message"]
    assert cause in message, message
    assert elapsed < 6 + 3  # bounded by --timeout (plus one last read)
    assert "Traceback" not in out.stderr


def test_hostile_xml_is_refused_not_parsed(run, emulator, tmp_path) -> None:
    laughs = (
        b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            b'<!ENTITY a%d "&a%s;&a%s;&a%s;&a%s;&a%s;">'
            % (i, *[b"" if i == 1 else str(i - 1).encode()] * 5)
            for i in range(1, 12)
        )
        + b"]>\n<PubmedArticleSet>&a11;</PubmedArticleSet>"
    )
    xxe = (
        b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [<!ENTITY e SYSTEM '
        b'"file:///etc/passwd">]>\n<PubmedArticleSet>&e;</PubmedArticleSet>'
    )
    foreign_dtd = (
        b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet SYSTEM '
        b'"https://dtd.nlm.nih.gov/ncbi/other/unknown_990101.dtd">\n'
        b"<PubmedArticleSet></PubmedArticleSet>"
    )
    for body, cause in [
        (laughs, "declares its own entities"),
        (xxe, "declares its own entities"),
        (foreign_dtd, "unknown DTD"),
    ]:
        emulator.custom_body = body
        emulator.always = "custom"
        emulator.retry_after = "0"
        out = run(
            "check",
            str(write(tmp_path / "c.toml", CLAIMS)),
            "--format",
            "json",
            "--timeout",
            "5",
            "--refresh",
        )
        assert out.code == 3
        assert cause in json.loads(out.stdout)["results"][0]["findings"][0]["message"]


REAL = real_records()[OBYRNE]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_real_records_never_raise_anything_but_bad_response(data: st.DataObject) -> None:
    doc = bytearray(
        b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD '
        b'PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/'
        b'out/pubmed_250101.dtd">\n<PubmedArticleSet>' + REAL + b"</PubmedArticleSet>"
    )
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(["cut", "flip", "insert", "delete"]))
        pos = data.draw(st.integers(0, len(doc) - 1))
        if op == "cut":
            del doc[pos:]
        elif op == "flip":
            doc[pos] = data.draw(st.integers(0, 255))
        elif op == "insert":
            doc[pos:pos] = data.draw(
                st.sampled_from(
                    [b"<", b">", b"&", b"</PMID>", b"<AuthorList>", b"\x00", b"\xff\xfe", b"]]>"]
                )
            )
        else:
            del doc[pos : pos + data.draw(st.integers(1, 200))]
        if not doc:
            break
    try:
        parsed = parse_pubmed_xml(bytes(doc))
    except BadResponse:
        return
    for record in parsed.records.values():
        assert record.pmid > 0


# --- guarantee 4: the cache is never corrupted ----------------------------------------------


def run_process(args: list[str], env_extra: dict[str, str], **kwargs: object):  # type: ignore[no-untyped-def]
    env = {**os.environ, **env_extra}
    return subprocess.Popen(
        [sys.executable, "-m", "ta1check", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,  # type: ignore[call-overload]
    )


def cached(cache: Path) -> int:
    """How many entries the SQLite cache holds (0 before it exists)."""
    try:
        with sqlite3.connect(f"file:{cache / 'records.sqlite'}?mode=ro", uri=True) as db:
            return int(db.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0])
    except sqlite3.Error:
        return 0


def integrity(cache: Path) -> str:
    with sqlite3.connect(cache / "records.sqlite") as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def test_garbage_cache_file_is_set_aside_with_a_warning(run, emulator, tmp_path, isolated):
    isolated.mkdir(parents=True)
    (isolated / "records.sqlite").write_bytes(b"this is not a database" * 100)
    out = run("check", str(write(tmp_path / "c.toml", CLAIMS)))
    assert out.code == 0
    assert "is damaged" in out.stderr
    assert list(isolated.glob("records.sqlite.damaged-*"))
    assert integrity(isolated) == "ok"


def _damage_a_page(cache: Path, keep_times: bool) -> None:
    """Overwrite the cache file's second half with garbage, in place (same size and inode),
    and with ``keep_times`` put its modification time back as it was."""
    path = cache / "records.sqlite"
    before = path.stat()
    with path.open("r+b") as handle:
        handle.seek(before.st_size // 2 // 4096 * 4096)
        handle.write(b"\xa5" * (before.st_size - handle.tell()))
    if keep_times:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_a_cache_damaged_inside_is_set_aside_once_it_changed(run, emulator, tmp_path, isolated):
    """A cache whose pages were overwritten after the last run is found damaged when opened
    (PRAGMA quick_check), set aside with a warning, and the run goes on without it."""
    emulator.synthetic_from = 90_000_000
    claims = claims_for(tmp_path / "c.toml", list(range(90_000_000, 90_000_400)))
    assert run("check", str(claims), "-q").code == 0
    _damage_a_page(isolated, keep_times=False)
    out = run("check", str(claims), "-q")
    assert out.code == 0, out.stderr
    assert "is damaged" in out.stderr
    assert list(isolated.glob("records.sqlite.damaged-*"))
    assert integrity(isolated) == "ok"


def test_an_unchanged_cache_is_not_read_whole_again_at_every_run(run, emulator, tmp_path, isolated):
    """The integrity check reads the whole file (0.25 s of a warm run of 100,000 records, and
    10 times that for a cache 10 times as big): it runs only when the file changed since it
    was last known sound. Damage that left the file's size, inode and modification time as
    the last run left them is therefore not looked for at the start; what a run reads of it
    is still checked entry by entry, and a page that cannot be read is a miss, refetched."""
    emulator.synthetic_from = 90_000_000
    claims = claims_for(tmp_path / "c.toml", list(range(90_000_000, 90_000_400)))
    assert run("check", str(claims), "-q").code == 0
    _damage_a_page(isolated, keep_times=True)
    out = run("check", str(claims), "-q")
    assert "is damaged" not in out.stderr
    assert not list(isolated.glob("records.sqlite.damaged-*"))
    assert out.code == 0, out.stderr
    assert out.stdout.strip() == "400 claims: 400 ok"


def test_concurrent_processes_share_one_cache(emulator, tmp_path) -> None:
    emulator.synthetic_from = 90_000_000
    cache = tmp_path / "cache"
    env = {"TA1CHECK_EUTILS_URL": emulator.url, "TA1CHECK_CACHE": str(cache)}
    procs = []
    for i in range(6):  # overlapping PMID sets; each process with its own key: 10/s each
        pmids = list(range(90_000_000 + 100 * i, 90_000_000 + 100 * i + 300))
        path = claims_for(tmp_path / f"c{i}.toml", pmids)
        procs.append(run_process(["check", str(path), "-q"], {**env, "NCBI_API_KEY": f"key-{i}"}))
    for p in procs:
        _out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert "Traceback" not in err
    assert integrity(cache) == "ok"
    with sqlite3.connect(cache / "records.sqlite") as db:
        assert db.execute("SELECT count(*) FROM ta1check").fetchone()[0] == 800


def test_sigkill_mid_fetch_leaves_a_working_cache(emulator, tmp_path) -> None:
    emulator.synthetic_from = 90_000_000
    emulator.latency = 0.3
    cache = tmp_path / "cache"
    path = claims_for(tmp_path / "c.toml", list(range(90_000_000, 90_001_200)))
    env = {"TA1CHECK_EUTILS_URL": emulator.url, "TA1CHECK_CACHE": str(cache)}
    proc = run_process(["check", str(path), "-q"], env)
    deadline = time.monotonic() + 30
    while len([r for r in emulator.log if r.status == 200]) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    proc.kill()
    proc.communicate(timeout=10)
    assert integrity(cache) == "ok"
    emulator.latency = 0
    rerun = run_process(["check", str(path), "-q"], env)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert out.strip() == "1200 claims: 1200 ok"


def test_full_disk_costs_the_cache_not_the_run(emulator, tmp_path) -> None:
    cache = tmp_path / "cache"
    path = write(tmp_path / "c.toml", CLAIMS)
    env = {"TA1CHECK_EUTILS_URL": emulator.url, "TA1CHECK_CACHE": str(cache)}
    run_process(
        ["check", str(path), "-q"],
        {**env, "TA1CHECK_EUTILS_URL": "http://127.0.0.1:9/"},
    ).communicate(timeout=60)  # creates an empty cache database

    def small_disk() -> None:  # writes past 64 KiB fail with EFBIG, as on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    proc = run_process(["check", str(path), "--format", "json"], env, preexec_fn=small_disk)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert [r["status"] for r in json.loads(out)["results"]] == ["ok", "ok"]
    assert "Traceback" not in err
    assert integrity(cache) == "ok"


# --- guarantee 6: secrets ------------------------------------------------------------------

SECRET = "9f8e7d6c5b4a39281706f5e4d3c2b1a0ff"


def test_the_api_key_appears_in_no_artefact(emulator, tmp_path, monkeypatch) -> None:
    emulator.inject("500", "truncate")
    emulator.retry_after = "0"
    cache = tmp_path / "cache"
    path = write(tmp_path / "c.toml", CLAIMS + "[[claim]]\npmid = 99999991\n")
    env = {
        "TA1CHECK_EUTILS_URL": emulator.url,
        "TA1CHECK_CACHE": str(cache),
        "NCBI_API_KEY": SECRET,
    }
    args = [
        "check",
        str(path),
        "-vv",
        "--report",
        "table",
        *("--report", f"json={tmp_path / 'r.json'}"),
        *("--report", f"junit={tmp_path / 'r.xml'}"),
        *("--report", f"sarif={tmp_path / 'r.sarif'}"),
        *("--report", f"github={tmp_path / 'r.gh'}"),
        *("--report", f"markdown={tmp_path / 'r.md'}"),
    ]
    proc = run_process(args, env)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert "api_key=<redacted>" in err  # -v shows the requests, key redacted
    assert all(r.params.get("api_key") == SECRET for r in emulator.efetches)
    # a crash with --traceback
    proc = run_process(["check", str(path), "--traceback", "--timeout", "0.5"], env)
    out2, err2 = proc.communicate(timeout=60)
    for text in (out, err, out2, err2):
        assert SECRET not in text
    for file in tmp_path.rglob("*"):
        if file.is_file():
            assert SECRET.encode() not in file.read_bytes(), file


# --- guarantee 7: Ctrl-C ---------------------------------------------------------------------


def test_ctrl_c_stops_promptly_keeps_what_was_fetched_exits_130(emulator, tmp_path) -> None:
    emulator.synthetic_from = 90_000_000
    emulator.slow_seconds = 60
    cache = tmp_path / "cache"
    path = claims_for(tmp_path / "c.toml", list(range(90_000_000, 90_000_400)))
    # the first batch answers; the second hangs
    emulator._next_fault = lambda: None if len(emulator.efetches) <= 1 else "slow"  # type: ignore[method-assign]
    env = {"TA1CHECK_EUTILS_URL": emulator.url, "TA1CHECK_CACHE": str(cache)}
    proc = run_process(["check", str(path), "-q"], env)
    # Interrupt once the first batch is in the cache and the second hangs: waiting on the cache
    # itself, not a fixed pause, so a slow parse (a loaded machine) cannot win the race.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (len(emulator.efetches) < 2 or cached(cache) < 200):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    started = time.monotonic()
    out, err = proc.communicate(timeout=20)
    assert time.monotonic() - started < 3
    assert proc.returncode == 130
    assert "interrupted" in err and "Traceback" not in err
    offline = run_process(["check", str(path), "-q", "--offline"], env)
    out, err = offline.communicate(timeout=60)
    assert out.strip() == "400 claims: 200 ok, 200 unverified"


# --- guarantee 5: hostile claims input ----------------------------------------------------------


def test_a_hundred_thousand_claims_load_and_report(run, tmp_path) -> None:
    path = claims_for(tmp_path / "big.toml", list(range(1, 100_001)))
    out = run("check", str(path), "--offline", "-q")
    assert out.code == 3
    assert out.stdout == "100000 claims: 100000 unverified\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[claim]]\npmid = "\uff12\uff19\uff17"\n', "pmid-invalid"),  # full-width digits
        ("[[claim]]\npmid = 0029768149\n", "invalid TOML"),  # TOML forbids leading zeros
        ('[[claim]]\npmid = "0029768149"\n', "pmid-invalid"),
    ],
)
def test_confusable_and_zero_padded_pmids(run, tmp_path, text, message) -> None:
    out = run("check", str(write(tmp_path / "c.toml", text)), "--format", "json", "--offline")
    assert message in out.stdout + out.stderr
    assert "Traceback" not in out.stderr


# --- soak -------------------------------------------------------------------------------------


def test_soak_many_processes_random_faults_end_verified_or_unverified(emulator, tmp_path):
    """20 processes check 1,000 claims each, drawn from 5,000 PMIDs, on one cache, while 15%
    of requests fail at random. Every claim ends ok or unverified (never a wrong verdict),
    the cache stays sound, and a rerun completes what the faults left."""
    import random

    emulator.synthetic_from = 90_000_000
    emulator.fault_rate = 0.15
    emulator.retry_after = "0"
    emulator.seed = 7
    pool = list(range(90_000_000, 90_005_000))
    rng = random.Random(7)
    cache = tmp_path / "cache"
    env = {"TA1CHECK_EUTILS_URL": emulator.url, "TA1CHECK_CACHE": str(cache)}
    procs = []
    for i in range(20):
        path = claims_for(tmp_path / f"c{i}.toml", sorted(rng.sample(pool, 1000)))
        procs.append(
            run_process(
                ["check", str(path), "--format", "json", "--timeout", "90"],
                {**env, "NCBI_API_KEY": f"soak-key-{i}"},
            )
        )
    statuses: dict[str, int] = {}
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode in (0, 3), err
        assert "Traceback" not in err
        for result in json.loads(out)["results"]:
            statuses[result["status"]] = statuses.get(result["status"], 0) + 1
    assert set(statuses) <= {"ok", "unverified"}
    assert statuses.get("ok", 0) > 0
    assert integrity(cache) == "ok"
    emulator.fault_rate = 0
    everything = claims_for(tmp_path / "all.toml", pool)
    final = run_process(["check", str(everything), "-q", "--timeout", "120"], env)
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err
    assert out.strip() == "5000 claims: 5000 ok"
