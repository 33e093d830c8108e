"""Faults the first hardening did not cover (issue #15): each case through the CLI, with real
files, processes and servers. Wrong verdicts, lost files, leaked secrets, unbounded waits."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import orjson
import pytest

from conftest import start_redis, write
from records import all_records
from ta1check.pubmed.cache import RecordCache
from ta1check.pubmed.record import RECORD_FIELDS

OBYRNE, GIBBS = 29768149, 36400559
CLAIMS = f"[[claim]]\npmid = {OBYRNE}\n\n[[claim]]\npmid = {GIBBS}\n"


def process(args: list[str], env: dict[str, str], **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "ta1check", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def citation_of(pmid: int) -> str:
    """The record's own citation, as an editor would print it."""
    record = all_records()[pmid]
    first = record.authors[0].last_name or record.authors[0].collective
    return f"{first} et al., {record.iso_abbreviation} ({record.year})"


# --- a cache entry is trusted only when it is the record asked for -------------------------


def _sqlite_entries(cache: Path) -> sqlite3.Connection:
    return sqlite3.connect(cache / "records.sqlite")


def _set_entry(store: str, cache: str, key: str, value: bytes) -> None:
    if store == "sqlite":
        with _sqlite_entries(Path(cache)) as db:
            db.execute("UPDATE ta1check SET value = ? WHERE key = ?", (value, key))
            assert db.total_changes == 1
    else:
        from redis import Redis

        Redis.from_url(cache).set(f"ta1check:{key}", value)


def _get_entry(store: str, cache: str, key: str) -> bytes:
    if store == "sqlite":
        with _sqlite_entries(Path(cache)) as db:
            return bytes(
                db.execute("SELECT value FROM ta1check WHERE key = ?", (key,)).fetchone()[0]
            )
    from redis import Redis

    value = Redis.from_url(cache).get(f"ta1check:{key}")
    assert isinstance(value, bytes)
    return value


@pytest.fixture(params=["sqlite", "redis"])
def store(request, isolated, monkeypatch) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The cache under test: the SQLite directory, or a Redis URL."""
    if request.param == "sqlite":
        return "sqlite", str(isolated)
    url = request.getfixturevalue("redis_db")
    monkeypatch.setenv("TA1CHECK_CACHE", url)
    return "redis", url


def _envelope(body: object) -> bytes:
    """A record's cache entry: ``[expires, row]`` (``cache.encode_record_entry``)."""
    return orjson.dumps([time.time() + 3600, body])


def _row(value: bytes) -> list[object]:
    """The row of a stored record entry: the record's values in its fields' order."""
    expires, row = orjson.loads(value)
    assert isinstance(expires, float) and isinstance(row, list)
    return row


def _field(name: str) -> int:
    return RECORD_FIELDS.index(name)


def test_a_cached_record_of_another_pmid_is_refetched_not_trusted(
    run, emulator, tmp_path, store
) -> None:
    kind, cache = store
    both = write(tmp_path / "both.toml", CLAIMS)
    assert run("check", str(both)).code == 0  # both records now cached
    # OBYRNE's entry now holds GIBBS's record; the claim cites OBYRNE with GIBBS's metadata.
    _set_entry(
        kind, cache, RecordCache.key(OBYRNE), _get_entry(kind, cache, RecordCache.key(GIBBS))
    )
    wrong = write(
        tmp_path / "wrong.toml",
        f'[[claim]]\npmid = {OBYRNE}\ncitation = "{citation_of(GIBBS)}"\n',
    )
    before = len(emulator.efetches)
    out = run("check", str(wrong), "--format", "json", "--no-suggest")  # counts record fetches
    assert out.code == 1, out.stderr
    (result,) = json.loads(out.stdout)["results"]
    assert result["status"] == "error"
    assert result["record"]["pmid"] == OBYRNE
    assert {f["code"] for f in result["findings"]} >= {"author-mismatch", "journal-mismatch"}
    assert f"holds the record of PMID {GIBBS}" in out.stderr
    assert len(emulator.efetches) == before + 1  # refetched


@pytest.mark.parametrize(
    ("name", "body", "why"),
    [
        ("a list", ["not", "a", "record"], "Record.pmid: expected `int`, got `str`"),
        ("a string", "record", "not a record: expected `object | array`, got `str`"),
        ("a null abstract", "null-abstract", "Record.abstract: expected `str`, got `null`"),
        ("a year that is a boolean", "bool-year", "Record.year: expected `int | null`, got `bool`"),
        ("authors that are numbers", "numeric-authors", "Record.authors[0]: expected `object`"),
        ("an author's name a number", "numeric-name", "Record.authors[1].initials: expected `str`"),
        ("a notice without its kind", "notice-kind", "Record.notices[0]: object missing"),
        ("a missing field", "missing-title", "Record.title: expected `str`, got `array`"),
        ("a field too many", "extra-field", "not a record: expected `array` of at most length 23"),
        ("another PMID's not-found answer", "not-found", "the not-found entry is for PMID 1"),
        ("a found answer", "found", "not a record: an object that is not a not-found answer"),
        (
            "the object form of format 6",
            "old-format",
            "not a record: object contains unknown field `expires`",
        ),
    ],
)
def test_a_damaged_cache_entry_is_a_miss_refetched_with_a_warning(
    run, emulator, tmp_path, store, name, body, why
) -> None:
    """Whatever a record's entry holds that is not the record of its PMID, of the declared
    type in every field, is a miss, refetched, with one warning naming the PMID and the first
    wrong field."""
    kind, cache = store
    path = write(
        tmp_path / "c.toml", f'[[claim]]\npmid = {OBYRNE}\ncitation = "{citation_of(OBYRNE)}"\n'
    )
    assert run("check", str(path)).code == 0
    real = _row(_get_entry(kind, cache, RecordCache.key(OBYRNE)))
    row = orjson.loads(orjson.dumps(real))  # a copy to plant in
    if body == "null-abstract":
        row[_field("abstract")] = None
    elif body == "bool-year":
        row[_field("year")] = True
    elif body == "numeric-authors":
        row[_field("authors")] = [1, 2, 3]
    elif body == "numeric-name":
        authors = row[_field("authors")]
        assert isinstance(authors, list) and len(authors) > 1
        authors[1] = {**authors[1], "initials": 7}
    elif body == "notice-kind":
        row[_field("notices")] = [{"pmid": 1, "reference": "x"}]
    elif body == "missing-title":
        del row[_field("title")]
    elif body == "extra-field":
        row.append("")
    elif body == "not-found":
        row = {"not_found": True, "pmid": 1}  # type: ignore[assignment]
    elif body == "found":
        row = {"not_found": False, "pmid": OBYRNE}  # type: ignore[assignment]
    elif body == "old-format":
        row = {"expires": time.time() + 3600, "body": dict(zip(RECORD_FIELDS, real, strict=True))}  # type: ignore[assignment]
    else:
        row = body
    _set_entry(kind, cache, RecordCache.key(OBYRNE), _envelope(row))
    before = len(emulator.efetches)
    out = run("check", str(path), "--format", "json")
    assert out.code == 0, out.stderr
    assert json.loads(out.stdout)["results"][0]["status"] == "ok"
    assert len(emulator.efetches) == before + 1, name
    assert "ignored 1 cache entry" in out.stderr
    assert f"PMID {OBYRNE}: {why}" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr
    # and the refetched record replaced the damaged entry
    assert _row(_get_entry(kind, cache, RecordCache.key(OBYRNE))) == real


def test_a_damaged_envelope_is_a_miss(run, emulator, tmp_path, store) -> None:
    kind, cache = store
    path = write(tmp_path / "c.toml", f"[[claim]]\npmid = {OBYRNE}\n")
    assert run("check", str(path)).code == 0
    for value in (
        b"[1, 2]",
        b'{"expires": "soon", "body": {}}',
        b'["soon", {"not_found": true, "pmid": 1}]',
        b"[true, []]",
        b"[1e400, []]",
        b"\xff\x00",
        b"null",
        b"[" * 100_000,
    ):
        _set_entry(kind, cache, RecordCache.key(OBYRNE), value)
        out = run("check", str(path), "--format", "json")
        assert out.code == 0, (value, out.stderr)
        assert json.loads(out.stdout)["results"][0]["status"] == "ok"


# --- a figure that could not be looked for is never "not found" ----------------------------

REULER = 2930949  # West J Med 1985, PMC1306303: its abstract states no numbers


def _fail_pmc(emulator) -> None:  # type: ignore[no-untyped-def]
    """Every efetch db=pmc answers 500; db=pubmed is served normally."""
    emulator.retry_after = "0"

    def fault() -> str | None:
        return "500" if emulator.efetches[-1].params.get("db") == "pmc" else None

    emulator._next_fault = fault


def test_an_unreachable_pmc_full_text_leaves_the_figure_unverified_exit_3(
    run, emulator, tmp_path
) -> None:
    _fail_pmc(emulator)
    path = write(
        tmp_path / "c.toml",
        f'[[claim]]\npmid = {REULER}\ncitation = "Reuler, West J Med (1985)"\n'
        'figure = "1,227 patients"\n',
    )
    out = run("check", str(path), "--format", "json", "--timeout", "10")
    assert out.code == 3, out.stderr
    (result,) = json.loads(out.stdout)["results"]
    assert result["status"] == "unverified"
    assert result["figures"][0]["verdict"] == "unverifiable"
    assert "could not be fetched" in result["figures"][0]["where"]
    (finding,) = result["findings"]
    assert finding["code"] == "unverified"
    assert "NCBI answered HTTP 500" in finding["message"]
    assert "figure-not-found" not in out.stdout
    # a broken citation still fails the build (1 beats 3), and is still reported
    wrong = write(
        tmp_path / "w.toml",
        f'[[claim]]\npmid = {REULER}\ncitation = "Reuler, West J Med (1989)"\n'
        'figure = "1,227 patients"\n',
    )
    out = run("check", str(wrong), "--format", "json", "--timeout", "10")
    assert out.code == 1
    codes = {f["code"] for f in json.loads(out.stdout)["results"][0]["findings"]}
    assert codes == {"year-mismatch", "unverified"}


def test_one_timeout_bounds_records_and_full_texts_together(run, emulator, tmp_path) -> None:
    # Each answer takes 3.5 s: the records arrive within --timeout 5, the full text cannot.
    # A full-text fetch that started a deadline of its own would end at about 7 s, verified.
    emulator.latency = 3.5
    path = write(tmp_path / "c.toml", f'[[claim]]\npmid = {REULER}\nfigure = "1,227 patients"\n')
    started = time.monotonic()
    out = run("check", str(path), "--format", "json", "--timeout", "5")
    elapsed = time.monotonic() - started
    assert out.code == 3, out.stderr
    assert json.loads(out.stdout)["results"][0]["figures"][0]["verdict"] == "unverifiable"
    assert elapsed < 6.5, elapsed


class _Trickle(BaseHTTPRequestHandler):
    """Announces a 1 MB body and sends it 16 bytes every half second."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(1 << 20))
        self.end_headers()
        try:
            for _ in range(200):
                self.wfile.write(b"<PubmedArticleSe"[:16])
                self.wfile.flush()
                time.sleep(0.5)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def trickle_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/entrez/eutils/"
    server.shutdown()


def test_a_trickled_body_is_cut_at_the_timeout(run, tmp_path, trickle_url) -> None:
    path = write(tmp_path / "c.toml", CLAIMS)
    started = time.monotonic()
    out = run("check", str(path), "--format", "json", "--timeout", "3", "--eutils-url", trickle_url)
    elapsed = time.monotonic() - started
    assert out.code == 3, out.stderr
    results = json.loads(out.stdout)["results"]
    assert [r["status"] for r in results] == ["unverified", "unverified"]
    assert (
        "--timeout elapsed while the answer was still arriving"
        in (results[0]["findings"][0]["message"])
    )
    assert elapsed < 3 + 2, elapsed


# --- files that are not ours ------------------------------------------------------------------


def test_draft_output_onto_its_own_article_is_refused(run, tmp_path) -> None:
    article = write(tmp_path / "article.md", "# A\n\nSome text (Chien et al., 1998).\n")
    before = article.read_bytes()
    out = run("draft", str(article), "--output", str(article))
    assert out.code == 2
    assert "this is the article; refusing to overwrite it" in out.stderr
    assert article.read_bytes() == before


@pytest.mark.parametrize(
    ("make_args", "message"),
    [
        (lambda c, a, r: ["--format", "json", "--output", str(c)], "this is a claims file"),
        (
            lambda c, a, r: ["--article", str(a), "--format", "json", "--output", str(a)],
            "this is the article",
        ),
        (
            lambda c, a, r: [
                "--format",
                "json",
                "--output",
                str(r),
                "--format",
                "junit",
                "--output",
                str(r.parent / "." / r.name),
            ],
            "given as the output of two reports",
        ),
        (lambda c, a, r: ["--format", "json", "--output", str(r.parent)], "is a directory"),
        (
            lambda c, a, r: ["--format", "json", "--output", str(r.parent / "no" / "r.json")],
            "does not exist",
        ),
    ],
    ids=["claims file", "article", "two outputs", "a folder", "no folder"],
)
def test_an_output_that_would_overwrite_an_input_is_refused_before_fetching(
    run, emulator, tmp_path, make_args, message
) -> None:
    claims = write(tmp_path / "claims.toml", CLAIMS)
    article = write(tmp_path / "article.md", "# A\n\nText.\n")
    report = tmp_path / "r.json"
    originals = {p: p.read_bytes() for p in (claims, article)}
    out = run("check", str(claims), *make_args(claims, article, report))
    assert out.code == 2, out.stderr
    assert message in out.stderr
    assert not emulator.efetches  # refused before anything was fetched
    assert {p: p.read_bytes() for p in originals} == originals
    assert not report.exists()


def test_a_hard_link_to_the_claims_file_is_the_claims_file(run, tmp_path) -> None:
    claims = write(tmp_path / "claims.toml", CLAIMS)
    link = tmp_path / "link.json"
    os.link(claims, link)
    out = run("check", str(claims), "--format", "json", "--output", str(link))
    assert out.code == 2
    assert claims.read_text(encoding="utf-8") == CLAIMS


def test_the_config_file_is_not_an_output(run, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = write(tmp_path / "pyproject.toml", '[tool.ta1check]\nfail-on = "warning"\n')
    claims = write(tmp_path / "claims.toml", CLAIMS)
    out = run("check", str(claims), "--format", "json", "--output", "pyproject.toml")
    assert out.code == 2
    assert "this is the config file" in out.stderr
    assert config.read_text(encoding="utf-8") == '[tool.ta1check]\nfail-on = "warning"\n'


def test_reports_appear_whole_or_not_at_all(run, emulator, tmp_path) -> None:
    claims = write(tmp_path / "claims.toml", CLAIMS)
    report = write(tmp_path / "r.json", "previous report\n")
    out = run("check", str(claims), "--format", "json", "--output", str(report))
    assert out.code == 0
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["ok"] == 2
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []
    assert oct(report.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_ctrl_c_while_a_report_is_written_leaves_the_previous_report(emulator, tmp_path) -> None:
    claims = write(
        tmp_path / "claims.toml",
        "".join(f'[[claim]]\npmid = {OBYRNE}\nid = "c{i}"\n\n' for i in range(60_000)),
    )
    report = write(tmp_path / "r.json", "previous report\n")
    env = {"TA1CHECK_EUTILS_URL": emulator.url, "TA1CHECK_CACHE": str(tmp_path / "cache")}
    proc = process(["check", str(claims), "--format", "json", "--output", str(report)], env)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        partial = [p for p in tmp_path.glob("*r.json*") if p.stat().st_size > 200_000]
        if partial:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the report was written before it could be interrupted"
    proc.send_signal(2)  # SIGINT, as Ctrl-C
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert report.read_text(encoding="utf-8") == "previous report\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


# --- secrets ------------------------------------------------------------------------------------

SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0aa"


def test_an_api_key_quoted_back_by_the_server_is_in_no_report(emulator, tmp_path) -> None:
    emulator.custom_body = (
        b'{"error":"API key invalid","api-key":"' + SECRET.encode() + b'","type":"invalid"}'
    )
    emulator.always = "custom"
    emulator.retry_after = "0"
    claims = write(tmp_path / "claims.toml", CLAIMS)
    formats = ["json", "junit", "sarif", "github", "markdown", "html"]
    args = ["check", str(claims), "-vv", "--timeout", "4", "--report", "table"]
    for name in formats:
        args += ["--report", f"{name}={tmp_path / f'r.{name}'}"]
    summary = tmp_path / "summary.md"
    env = {
        "TA1CHECK_EUTILS_URL": emulator.url,
        "TA1CHECK_CACHE": str(tmp_path / "cache"),
        "NCBI_API_KEY": SECRET,
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    proc = process(args, env)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 3, err
    assert "JSON instead of XML" in (tmp_path / "r.json").read_text(encoding="utf-8")
    assert "<redacted>" in (tmp_path / "r.json").read_text(encoding="utf-8")
    assert SECRET not in out and SECRET not in err
    for file in tmp_path.rglob("*"):
        if file.is_file():
            assert SECRET.encode() not in file.read_bytes(), file


def test_a_redis_password_is_never_printed(run, tmp_path, monkeypatch) -> None:
    url = "redis://:s3cretRedisPassw0rd@127.0.0.1:9/0"
    monkeypatch.setenv("TA1CHECK_CACHE", url)
    out = run("config")
    assert out.code == 0
    assert "s3cretRedisPassw0rd" not in out.stdout + out.stderr
    assert "redis://:<redacted>@127.0.0.1:9/0" in out.stdout
    claims = write(tmp_path / "claims.toml", CLAIMS)
    out = run("check", str(claims), "--format", "json", "--timeout", "2")
    assert out.code == 3
    assert "going on without it" in out.stderr
    assert "s3cretRedisPassw0rd" not in out.stdout + out.stderr


# --- input in other encodings -----------------------------------------------------------------

LATIN1_ARTICLE = (
    "# Thymosin\n\nLa réponse était durable chez 40,6 % des patients (Chien et al., 1998).\n\n"
    "## References\n\n1. Chien RN et al. Hepatology 1998. PMID: 9581695\n"
)


def test_a_latin1_article_is_read(run, tmp_path) -> None:
    article = tmp_path / "article.md"
    article.write_bytes(LATIN1_ARTICLE.encode("latin-1"))
    out = run("draft", str(article), "--offline")
    assert out.code == 0, out.stderr
    assert "réponse" in out.stdout
    assert "pmid = 9581695" in out.stdout


def test_an_article_of_unknown_encoding_is_refused_before_fetching(run, emulator, tmp_path) -> None:
    article = tmp_path / "article.md"
    article.write_bytes(b"# A\n\ntext\n" + bytes(range(128, 256)) * 40 + b"\x00\x01\x02" * 100)
    claims = write(tmp_path / "claims.toml", CLAIMS)
    out = run("check", str(claims), "--article", str(article))
    assert out.code == 2, out.stderr
    assert f"{article}:4: not valid utf-8 text (byte 0x80)" in out.stderr
    assert "save it as UTF-8" in out.stderr
    assert "Traceback" not in out.stderr
    assert not emulator.efetches


def test_a_claims_file_with_a_byte_order_mark_loads(run, emulator, tmp_path) -> None:
    claims = tmp_path / "claims.toml"
    claims.write_bytes(b"\xef\xbb\xbf" + CLAIMS.encode())
    out = run("check", str(claims), "--format", "json")
    assert out.code == 0, out.stderr
    assert json.loads(out.stdout)["results"][0]["line"] == 1


# --- a full disk is not a damaged cache ---------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    """A real 1 MB file system (tmpfs), to be filled: needs root, as in CI."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"cannot mount a tmpfs for the full-disk test: {done.stderr!r}")
        pytest.skip("mounting a tmpfs needs root")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> None:
    try:
        with (folder / "filler").open("wb") as f:
            while True:
                f.write(b"x" * 4096)
                f.flush()
    except OSError:
        pass


def test_a_full_disk_keeps_the_cache_and_its_records_serve_offline(
    run, emulator, tmp_path, small_disk, monkeypatch
) -> None:
    cache = small_disk / "cache"
    monkeypatch.setenv("TA1CHECK_CACHE", str(cache))
    claims = write(tmp_path / "claims.toml", CLAIMS)
    assert run("check", str(claims)).code == 0  # both records cached on the small disk
    _fill(small_disk)
    out = run("check", str(claims), "--offline", "--format", "json")
    assert out.code == 0, out.stderr
    assert [r["status"] for r in json.loads(out.stdout)["results"]] == ["ok", "ok"]
    assert "damaged" not in out.stderr
    assert not list(cache.glob("*damaged*"))
    assert "reading it without writing" in out.stderr
    # online, a new record cannot be cached: the run still checks it
    more = write(tmp_path / "more.toml", CLAIMS + f"[[claim]]\npmid = {REULER}\n")
    out = run("check", str(more), "--format", "json")
    assert out.code == 0, out.stderr
    assert "Traceback" not in out.stderr
    (small_disk / "filler").unlink()
    with sqlite3.connect(cache / "records.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_write_the_disk_refuses_does_not_spin(emulator, tmp_path) -> None:
    """requests-cache's write lock retried any OperationalError forever: a file-size limit
    made a run spin for over 10 minutes."""
    import resource
    import signal

    cache = tmp_path / "cache"
    claims = write(tmp_path / "claims.toml", CLAIMS)
    env = {"TA1CHECK_EUTILS_URL": emulator.url, "TA1CHECK_CACHE": str(cache)}
    # an empty cache database first, then every write past 8 KiB fails (EFBIG)
    process(["check", str(claims), "--offline"], env).communicate(timeout=60)

    def tiny_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (8 * 1024, 8 * 1024))

    started = time.monotonic()
    proc = process(["check", str(claims), "--format", "json"], env, preexec_fn=tiny_files)
    out, err = proc.communicate(timeout=100)
    assert time.monotonic() - started < 60
    assert proc.returncode == 0, err
    assert [r["status"] for r in json.loads(out)["results"]] == ["ok", "ok"]
    assert "Traceback" not in err


# --- Redis lost mid-run ---------------------------------------------------------------------


def test_redis_dying_mid_run_goes_on_without_it(emulator, tmp_path) -> None:
    redis, url = start_redis()  # its own server: the session's must survive this test
    try:
        emulator.synthetic_from = 90_000_000
        emulator.latency = 0.3
        claims = write(
            tmp_path / "c.toml",
            "".join(f"[[claim]]\npmid = {90_000_000 + i}\n\n" for i in range(2_000)),
        )
        env = {"TA1CHECK_EUTILS_URL": emulator.url, "TA1CHECK_CACHE": url}
        proc = process(["check", str(claims), "-q"], env)
        deadline = time.monotonic() + 30
        while len(emulator.efetches) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        redis.kill()
        redis.wait(timeout=10)
        out, err = proc.communicate(timeout=120)
    finally:
        if redis.poll() is None:
            redis.kill()
    assert proc.returncode == 0, err
    assert out.strip() == "2000 claims: 2000 ok"
    assert "lost the shared" in err
    assert "Traceback" not in err
    assert emulator.rate_limited == 0
    assert emulator.max_in_window() <= 3


# --- the key goes only where it was sent ------------------------------------------------------


def test_a_redirect_is_not_followed_and_the_key_never_leaves_for_another_host(
    emulator, tmp_path
) -> None:
    seen: list[bytes] = []

    class Catcher(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            self.send_response(200)
            self.end_headers()

        do_GET = do_POST

        def log_message(self, *args: object) -> None:
            pass

    catcher = ThreadingHTTPServer(("127.0.0.1", 0), Catcher)
    threading.Thread(target=catcher.serve_forever, daemon=True).start()

    class Redirector(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(307)
            self.send_header("Location", f"http://127.0.0.1:{catcher.server_address[1]}/x")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    redirector = ThreadingHTTPServer(("127.0.0.1", 0), Redirector)
    threading.Thread(target=redirector.serve_forever, daemon=True).start()
    try:
        claims = write(tmp_path / "claims.toml", CLAIMS)
        url = f"http://127.0.0.1:{redirector.server_address[1]}/entrez/eutils/"
        env = {"TA1CHECK_EUTILS_URL": url, "NCBI_API_KEY": SECRET, "TA1CHECK_CACHE": ""}
        proc = process(["check", str(claims), "--format", "json", "--no-cache"], env)
        out, err = proc.communicate(timeout=60)
    finally:
        redirector.shutdown()
        catcher.shutdown()
    assert proc.returncode == 3, err
    assert seen == []
    message = json.loads(out)["results"][0]["findings"][0]["message"]
    assert "HTTP 307, a redirect to 127.0.0.1" in message
    assert SECRET not in out + err


@pytest.mark.parametrize("which", ["claims", "article"])
def test_an_endless_input_file_is_refused_not_read_forever(run, tmp_path, which) -> None:
    claims = write(tmp_path / "claims.toml", CLAIMS)
    args = ["check", "/dev/zero"] if which == "claims" else ["draft", "/dev/zero"]
    if which == "article":
        args += ["--offline"]
    del claims
    out = run(*args)
    assert out.code == 2, out.stderr
    assert "over the limit" in out.stderr


# --- second round: cases an adversarial pass found ------------------------------------------


def test_an_index_row_holding_another_record_is_refused_not_trusted(run, tmp_path) -> None:
    from emulator import SHARED_PUBMED

    index = tmp_path / "pubmed.index"
    built = run(
        "index",
        str(SHARED_PUBMED / "efetch-29768149.xml"),
        str(SHARED_PUBMED / "efetch-36400559.xml"),
        "--index",
        str(index),
    )
    assert built.code == 0, built.stderr
    with sqlite3.connect(index) as db:
        gibbs = db.execute("SELECT data FROM records WHERE pmid = ?", (GIBBS,)).fetchone()[0]
        db.execute("UPDATE records SET data = ? WHERE pmid = ?", (gibbs, OBYRNE))
    claims = write(
        tmp_path / "c.toml", f'[[claim]]\npmid = {OBYRNE}\ncitation = "{citation_of(GIBBS)}"\n'
    )
    out = run("check", str(claims), "--records", str(index), "--format", "json")
    assert out.code == 2, out.stdout
    assert f"the row for PMID {OBYRNE} is not a valid record" in out.stderr
    assert f"holds the record of PMID {GIBBS}" in out.stderr
    for data in (None, "[]", "not json"):
        with sqlite3.connect(index) as db:
            db.execute("UPDATE records SET data = ? WHERE pmid = ?", (data, OBYRNE))
        out = run("check", str(claims), "--records", str(index))
        assert out.code == 2, (data, out.stderr)
        assert "Traceback" not in out.stderr


def test_an_index_of_an_older_record_format_must_be_rebuilt(run, tmp_path) -> None:
    """An index built by a ta1check whose records had another layout is not read as missing
    records (claims unverified, for no reason the user can see): it is refused, saying to
    rebuild it."""
    from emulator import SHARED_PUBMED

    index = tmp_path / "pubmed.index"
    built = run("index", str(SHARED_PUBMED / "efetch-29768149.xml"), "--index", str(index))
    assert built.code == 0, built.stderr
    with sqlite3.connect(index) as db:
        db.execute("UPDATE records SET format = format - 1")
    claims = write(tmp_path / "c.toml", f"[[claim]]\npmid = {OBYRNE}\n")
    out = run("check", str(claims), "--records", str(index))
    assert out.code == 2, out.stdout
    assert "rebuild it with `ta1check index`" in out.stderr
    assert "Traceback" not in out.stderr
    rebuilt = run("index", str(SHARED_PUBMED / "efetch-29768149.xml"), "--index", str(index))
    assert rebuilt.code == 0, rebuilt.stderr
    assert run("check", str(claims), "--records", str(index)).code == 0


def test_an_output_that_is_a_device_or_a_symlink_is_written_through(
    run, emulator, tmp_path
) -> None:
    claims = write(tmp_path / "claims.toml", CLAIMS)
    # A private null device, never the system's /dev/null: a regression would replace it.
    null = tmp_path / "null"
    try:
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        if os.environ.get("CI"):
            raise
        pytest.skip("making a device node needs root")
    out = run("check", str(claims), "--report", f"json={null}")
    assert out.code == 0, out.stderr
    assert null.is_char_device()
    (tmp_path / "reports").mkdir()
    target = write(tmp_path / "reports" / "r.json", "old\n")
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    out = run("check", str(claims), "--report", f"json={link}")
    assert out.code == 0, out.stderr
    assert link.is_symlink()
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["ok"] == 2


class _SlowHeaders(BaseHTTPRequestHandler):
    """Sends its status line and headers one byte every half second, for ever."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            for byte in b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"x" * 10_000:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.5)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


def test_trickled_headers_are_cut_at_the_timeout(run, tmp_path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowHeaders)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/entrez/eutils/"
        started = time.monotonic()
        out = run(
            "check",
            str(write(tmp_path / "c.toml", CLAIMS)),
            "--timeout",
            "3",
            "--eutils-url",
            url,
            "--report",
            "json",
        )
        elapsed = time.monotonic() - started
    finally:
        server.shutdown()
    assert out.code == 3, out.stderr
    assert "--timeout elapsed" in json.loads(out.stdout)["results"][0]["findings"][0]["message"]
    assert elapsed < 3 + 2, elapsed


@pytest.mark.parametrize("value", ["nan", "inf", "1e308", "0.5"])
def test_a_timeout_that_never_ends_is_refused(run, tmp_path, value) -> None:
    out = run("check", str(write(tmp_path / "c.toml", CLAIMS)), "--timeout", value)
    assert out.code == 2
    assert "from 1 to 86400" in out.stderr


def test_a_max_age_too_long_is_a_usage_error(run, tmp_path) -> None:
    out = run("check", str(write(tmp_path / "c.toml", CLAIMS)), "--max-age", "99999999999d")
    assert out.code == 2, out.stderr
    assert "Traceback" not in out.stderr


def test_a_key_echoed_upper_cased_or_in_a_redirect_host_is_redacted(emulator, tmp_path) -> None:
    key = "abcdef0123456789abcdef0123456789ab"
    emulator.custom_body = b'{"error":"API key invalid","api-key":"' + key.upper().encode() + b'"}'
    emulator.always = "custom"
    emulator.retry_after = "0"
    claims = write(tmp_path / "claims.toml", CLAIMS)
    env = {
        "TA1CHECK_EUTILS_URL": emulator.url,
        "TA1CHECK_CACHE": str(tmp_path / "cache"),
        "NCBI_API_KEY": key,
    }
    out, err = process(
        ["check", str(claims), "--timeout", "3", "--report", "json"], env
    ).communicate(timeout=60)
    assert key.casefold() not in (out + err).casefold()
    assert "<redacted>" in out


def test_a_redis_password_in_the_query_is_never_printed(run, monkeypatch) -> None:
    monkeypatch.setenv("TA1CHECK_CACHE", "redis://127.0.0.1:9/0?password=qUeryS3cretPw")
    out = run("config")
    assert out.code == 0
    assert "qUeryS3cretPw" not in out.stdout + out.stderr
    monkeypatch.setenv("TA1CHECK_CACHE", "redis://:br0kenS3cretPw@[::1/0")
    out = run("config")
    assert out.code == 2
    assert "not a valid Redis URL" in out.stderr
    assert "br0kenS3cretPw" not in out.stdout + out.stderr


@pytest.mark.parametrize(
    "body",
    [
        b'{"esearchresult": []}',
        b'"x"',
        b'{"esearchresult": {"idlist": "29768149"}}',
        b'{"esearchresult": {"idlist": [true, "-5", "0"]}}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["list", "string", "idlist a string", "idlist not PMIDs", "deep"],
)
def test_a_hostile_esearch_answer_resolves_nothing_and_never_crashes(
    run, emulator, tmp_path, body
) -> None:
    emulator.custom_body = body
    emulator.always = "custom"
    emulator.retry_after = "0"
    article = write(
        tmp_path / "a.md",
        "# A\n\nText (Smith et al., 2001).\n\n## References\n\n"
        "1. Smith J et al. A title. J Test. 2001. doi:10.1000/xyz\n",
    )
    out = run("draft", str(article), "--timeout", "2")
    assert out.code == 3, out.stderr
    assert "pmid = " not in out.stdout
    assert "could not be looked up" in out.stdout


def test_a_huge_cache_entry_is_a_miss_not_minutes_of_decoding(run, emulator, tmp_path, store):
    kind, cache = store
    path = write(tmp_path / "c.toml", f"[[claim]]\npmid = {OBYRNE}\n")
    assert run("check", str(path)).code == 0
    row = _row(_get_entry(kind, cache, RecordCache.key(OBYRNE)))
    row[_field("title")] = "x" * (9 << 20)
    _set_entry(kind, cache, RecordCache.key(OBYRNE), _envelope(row))
    out = run("check", str(path), "--report", "json")
    assert out.code == 0, out.stderr
    assert "over 8,388,608" in out.stderr


def test_a_cache_file_that_is_a_fifo_is_not_waited_on(run, emulator, tmp_path, isolated) -> None:
    isolated.mkdir(parents=True, exist_ok=True)
    os.mkfifo(isolated / "records.sqlite")
    out = run("check", str(write(tmp_path / "c.toml", CLAIMS)), "--timeout", "10")
    assert out.code == 0, out.stderr
    assert "going on without it" in out.stderr
