"""The real E-utilities client against the local emulator: batching, caching, rate limit,
retries, and NCBI's failure modes. Asserted through the CLI and the library API."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import write
from emulator import FAULTS, Emulator
from ta1check.api import Settings, lookup
from ta1check.pubmed.cache import NotFound
from ta1check.pubmed.entrez import EntrezConfig, SendGate, build_session
from ta1check.pubmed.record import Record
from ta1check.pubmed.source import Unverified

OBYRNE = 29768149
GIBBS = 36400559
REULER = 2930949
UNKNOWN = 99999991  # not in the emulator: PubMed has no such record


def claims_for(path: Path, pmids: list[int]) -> Path:
    blocks = [f"[[claim]]\npmid = {p}\n" for p in pmids]
    return write(path, "\n".join(blocks))


def settings(emulator: Emulator, cache: Path, **kw: object) -> Settings:
    base = {"eutils_url": emulator.url, "cache_dir": cache, "timeout": 30.0}
    base.update(kw)
    return Settings(**base)  # type: ignore[arg-type]


def test_cold_run_posts_unique_sorted_pmids_with_tool_and_email(run, emulator, tmp_path):
    path = claims_for(tmp_path / "c.toml", [GIBBS, OBYRNE, GIBBS, REULER])
    out = run("check", str(path), "--email", "editor@example.org", "--format", "json")
    assert out.code == 0, out.stderr
    (request,) = emulator.efetches
    assert request.method == "POST"
    assert request.ids == sorted({GIBBS, OBYRNE, REULER})
    assert request.params["db"] == "pubmed"
    assert request.params["retmode"] == "xml"
    assert request.params["tool"] == "ta1check"
    assert request.params["email"] == "editor@example.org"
    assert "api_key" not in request.params


def test_warm_run_makes_no_request_and_one_new_pmid_costs_one_request(run, emulator, tmp_path):
    path = claims_for(tmp_path / "c.toml", [OBYRNE, GIBBS])
    assert run("check", str(path)).code == 0
    assert len(emulator.efetches) == 1
    assert run("check", str(path)).code == 0
    assert len(emulator.efetches) == 1  # warm: nothing asked
    claims_for(path, [OBYRNE, GIBBS, REULER])
    assert run("check", str(path)).code == 0
    assert len(emulator.efetches) == 2
    assert emulator.efetches[-1].ids == [REULER]


def test_not_found_is_cached_and_never_confused_with_unverified(run, emulator, tmp_path):
    path = claims_for(tmp_path / "c.toml", [OBYRNE, UNKNOWN])
    out = run("check", str(path), "--format", "json")
    assert out.code == 1
    doc = json.loads(out.stdout)
    by_pmid = {r["pmid"]: r for r in doc["results"]}
    assert by_pmid[UNKNOWN]["status"] == "error"
    assert [f["code"] for f in by_pmid[UNKNOWN]["findings"]] == ["pmid-not-found"]
    assert by_pmid[OBYRNE]["status"] == "ok"
    # warm, offline: the not-found answer is remembered, not turned into "unverified"
    out = run("check", str(path), "--offline", "--format", "json")
    assert out.code == 1
    codes = {
        r["pmid"]: [f["code"] for f in r["findings"]] for r in json.loads(out.stdout)["results"]
    }
    assert codes[UNKNOWN] == ["pmid-not-found"]


def test_offline_cache_miss_is_unverified_exit_3(run, emulator, tmp_path):
    path = claims_for(tmp_path / "c.toml", [OBYRNE])
    out = run("check", str(path), "--offline", "--format", "json")
    assert out.code == 3
    (result,) = json.loads(out.stdout)["results"]
    assert result["status"] == "unverified"
    assert "offline" in result["findings"][0]["message"]
    assert emulator.log == []


def test_refresh_refetches_everything(run, emulator, tmp_path):
    path = claims_for(tmp_path / "c.toml", [OBYRNE, GIBBS])
    run("check", str(path))
    run("check", str(path), "--refresh")
    assert [r.ids for r in emulator.efetches] == [sorted([OBYRNE, GIBBS])] * 2


def test_max_age_expires_cached_records(run, emulator, tmp_path):
    path = claims_for(tmp_path / "c.toml", [OBYRNE])
    run("check", str(path), "--max-age", "1s")
    time.sleep(1.2)
    run("check", str(path), "--max-age", "1s")
    assert len(emulator.efetches) == 2
    run("check", str(path), "--max-age", "7d")
    assert len(emulator.efetches) == 2


def test_cache_dir_option_moves_the_cache(run, emulator, tmp_path):
    path = claims_for(tmp_path / "c.toml", [OBYRNE])
    cache = tmp_path / "elsewhere"
    assert run("check", str(path), "--cache-dir", str(cache)).code == 0
    assert (cache / "records.sqlite").exists()


def test_thousand_pmids_cold_in_five_posts_without_429_warm_in_none(run, emulator, tmp_path):
    emulator.synthetic_from = 90_000_000  # synthetic copies of a real record, for scale only
    pmids = list(range(90_000_000, 90_001_000))
    path = claims_for(tmp_path / "c.toml", pmids)
    out = run("check", str(path), "-q")
    assert out.code == 0, out.stdout + out.stderr
    assert len(emulator.efetches) == 5
    assert all(len(r.ids) <= 200 and r.method == "POST" for r in emulator.efetches)
    assert emulator.rate_limited == 0
    assert emulator.max_in_window() <= 3
    out = run("check", str(path), "-q")
    assert out.code == 0
    assert len(emulator.efetches) == 5


def test_rate_limit_holds_across_threads_without_and_with_key(emulator, tmp_path, monkeypatch):
    emulator.synthetic_from = 90_000_000
    pmids = list(range(90_000_000, 90_000_000 + 200 * 12))
    lookup(pmids, settings(emulator, tmp_path / "a", timeout=60.0))
    assert emulator.rate_limited == 0
    assert emulator.max_in_window() <= 3
    emulator.log.clear()
    secret = "0123456789abcdef0123456789abcdef0123"
    monkeypatch.setenv("NCBI_API_KEY", secret)
    # Unknown PMIDs: empty answers, so the limiter and not parsing sets the pace.
    pmids = list(range(81_000_000, 81_000_000 + 200 * 25))
    outcomes = lookup(pmids, Settings.from_env(eutils_url=emulator.url, cache_dir=tmp_path / "b"))
    assert len(emulator.efetches) == 25
    assert all(isinstance(o, NotFound) for o in outcomes.values())
    assert emulator.rate_limited == 0
    assert 3 < emulator.max_in_window() <= 10
    assert all(r.params.get("api_key") == secret for r in emulator.log)


def test_api_key_never_reaches_cache_or_output(run, emulator, tmp_path, monkeypatch, isolated):
    secret = "s3cr3t-key-4f1d2b9e8c7a6b5d4e3f2a1b0c9d"
    monkeypatch.setenv("NCBI_API_KEY", secret)
    emulator.inject("500")
    path = claims_for(tmp_path / "c.toml", [OBYRNE, GIBBS])
    out = run("check", str(path), "-vv", "--format", "json")
    assert out.code == 0
    assert emulator.efetches[0].params["api_key"] == secret
    assert secret not in out.stdout and secret not in out.stderr
    for file in isolated.rglob("*"):
        if file.is_file():
            assert secret.encode() not in file.read_bytes(), file
    with sqlite3.connect(isolated / "records.sqlite") as db:
        blobs = b"".join(row[0] for row in db.execute("select value from ta1check"))
    assert blobs and secret.encode() not in blobs


# Every fault the emulator has, but those that never clear up or take long by design.
TRANSIENT = [f for f in FAULTS if f not in ("slow", "huge-declared", "huge-stream", "custom")]


@pytest.mark.parametrize("fault", TRANSIENT)
def test_a_transient_fault_is_retried_then_verified(run, emulator, tmp_path, fault):
    emulator.retry_after = "0"
    emulator.inject(fault)
    path = claims_for(tmp_path / "c.toml", [OBYRNE])
    out = run("check", str(path), "--format", "json")
    assert out.code == 0, out.stdout
    assert len(emulator.efetches) == 2
    assert json.loads(out.stdout)["results"][0]["status"] == "ok"


def test_retry_after_is_honoured(run, emulator, tmp_path):
    emulator.retry_after = "2"
    emulator.inject("429")
    path = claims_for(tmp_path / "c.toml", [OBYRNE])
    assert run("check", str(path)).code == 0
    first, second = emulator.efetches
    assert second.at - first.at >= 1.9


@pytest.mark.parametrize(
    ("fault", "cause"),
    [
        ("500", "HTTP 500"),
        ("truncate", "malformed XML"),
        ("wrong-pmids", "not asked for"),
    ],
)
def test_persistent_failure_is_unverified_exit_3_never_cached(
    run, emulator, tmp_path, fault, cause
):
    emulator.retry_after = "0"
    emulator.always = fault
    path = claims_for(tmp_path / "c.toml", [OBYRNE, GIBBS])
    out = run("check", str(path), "--format", "json", "--timeout", "20")
    assert out.code == 3
    doc = json.loads(out.stdout)
    assert doc["summary"]["unverified"] == 2
    for result in doc["results"]:
        assert result["status"] == "unverified"
        assert cause in result["findings"][0]["message"]
    assert len(emulator.efetches) == 5  # bounded: max attempts
    emulator.always = None
    out = run("check", str(path), "--offline")
    assert out.code == 3  # nothing from the failed answers was cached


def test_partial_outage_keeps_good_batches_and_rerun_fetches_only_the_rest(emulator, tmp_path):
    emulator.synthetic_from = 90_000_000
    emulator.retry_after = "0"
    pmids = list(range(90_000_000, 90_000_400))  # two batches
    cache = tmp_path / "cache"
    # The first batch answers; every request after it fails.
    original = emulator._next_fault

    def fail_after_first() -> str | None:
        return None if len(emulator.efetches) <= 1 else "500"

    emulator._next_fault = fail_after_first  # type: ignore[method-assign]
    outcomes = lookup(pmids, settings(emulator, cache, timeout=10.0))
    good = [p for p, o in outcomes.items() if isinstance(o, Record)]
    bad = [p for p, o in outcomes.items() if isinstance(o, Unverified)]
    assert len(good) == 200 and len(bad) == 200
    emulator._next_fault = original  # type: ignore[method-assign]
    emulator.log.clear()
    outcomes = lookup(pmids, settings(emulator, cache))
    assert all(isinstance(o, Record) for o in outcomes.values())
    assert sorted(i for r in emulator.efetches for i in r.ids) == sorted(bad)


def test_lookup_returns_record_not_found_and_parses_2026_dtd_offline(emulator, tmp_path):
    outcomes = lookup([OBYRNE, UNKNOWN], settings(emulator, tmp_path / "c"))
    record = outcomes[OBYRNE]
    assert isinstance(record, Record)
    assert record.doi == "10.1056/NEJMoa1715274"
    assert record.authors[0].last_name == "O'Byrne"
    assert outcomes[UNKNOWN] == NotFound(UNKNOWN)


def test_requests_in_flight_follow_the_rate_and_latency_with_a_key(emulator, tmp_path, monkeypatch):
    """At NCBI's latency (here 1 s) ten requests a second need about ten in flight: three
    fetching threads capped a run with a key near 3 requests a second. The limit holds."""
    emulator.latency = 1.0
    monkeypatch.setenv("NCBI_API_KEY", "0123456789abcdef0123456789abcdef0123")
    # Unknown PMIDs: empty answers, so the limiter and not parsing sets the pace.
    pmids = list(range(81_000_000, 81_000_000 + 200 * 30))
    outcomes = lookup(pmids, Settings.from_env(eutils_url=emulator.url, cache_dir=tmp_path / "b"))
    assert len(emulator.efetches) == 30
    assert all(isinstance(o, NotFound) for o in outcomes.values())
    assert emulator.rate_limited == 0
    assert emulator.max_in_window() <= 10
    assert emulator.peak_concurrency >= 5


def test_before_the_first_answer_the_flow_widens_as_requests_wait(emulator, tmp_path, monkeypatch):
    """At 2 s of latency with a key, the first answer comes after about 18 requests have been
    let through the limiter: a flow sized by its initial guess of 1 s sent 11 and left the
    limiter idle until the first answer. A request still waiting says the latency is at least
    that long. The limit holds."""
    emulator.latency = 2.0
    monkeypatch.setenv("NCBI_API_KEY", "0123456789abcdef0123456789abcdef0123")
    pmids = list(range(81_000_000, 81_000_000 + 200 * 24))
    lookup(pmids, Settings.from_env(eutils_url=emulator.url, cache_dir=tmp_path / "b"))
    arrivals = sorted(r.at for r in emulator.efetches)
    assert len(arrivals) == 24
    before_first_answer = [a for a in arrivals if a < arrivals[0] + emulator.latency]
    assert len(before_first_answer) >= 14, len(before_first_answer)
    assert emulator.rate_limited == 0
    assert emulator.max_in_window() <= 10


def test_without_a_key_few_requests_are_in_flight(emulator, tmp_path):
    """Without a key, 3 a second at 0.6 s need two or three in flight: not thirty."""
    emulator.latency = 0.6
    pmids = list(range(81_000_000, 81_000_000 + 200 * 9))
    lookup(pmids, settings(emulator, tmp_path / "a", timeout=60.0))
    assert emulator.rate_limited == 0
    assert emulator.max_in_window() <= 3
    assert emulator.peak_concurrency <= 4


class _FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@given(
    rate=st.sampled_from([3, 10]),
    sends=st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=0.5),  # how late the thread comes to the gate
            st.floats(min_value=0, max_value=0.05),  # how long the request takes to write
        ),
        max_size=60,
    ),
)
def test_send_gate_starts_a_write_only_a_window_after_the_one_rate_writes_before(rate, sends):
    """However late or early each request comes to the gate, a write starts no sooner than
    the window after the end of the write ``rate`` before it, nor than one interval
    (pace / rate) after the previous one's planned slot, and no later than the latest of
    those and its own arrival: the gate never waits for nothing."""
    clock = _FakeClock()
    gate = SendGate(rate, 1.04, 1.05, clock=clock, sleep=clock.sleep)
    starts: list[float] = []
    ends: list[float] = []
    for late, writing in sends:
        clock.now += late
        arrived = clock.now
        with gate.send():
            starts.append(clock.now)
            clock.now += writing
        ends.append(clock.now)
        i = len(starts) - 1
        due = arrived if i == 0 else max(arrived, starts[i - 1] + 1.05 / rate)
        if i >= rate:
            due = max(due, ends[i - rate] + 1.04)
        assert starts[i] == pytest.approx(due, abs=1e-9)


class _LateClock(_FakeClock):
    """A clock whose sleeps overrun, as a thread's wake-up does on a busy machine."""

    def __init__(self, lateness: list[float]) -> None:
        super().__init__()
        self.lateness = lateness

    def sleep(self, seconds: float) -> None:
        self.now += seconds + (self.lateness.pop(0) if self.lateness else 0.0)


@given(
    rate=st.sampled_from([3, 10]),
    lateness=st.lists(st.floats(min_value=0, max_value=0.01), min_size=40, max_size=40),
)
def test_send_gate_plans_from_its_schedule_so_late_wakes_do_not_add_up(rate, lateness):
    """Requests queued at the gate, each woken up to 10 ms late (the margin between the pace and
    the window), still go one per interval on average: a late wake delays its own send, never
    the plan (spaced from each wake, 40 sends would take 40 intervals plus every lateness), and
    no ``rate + 1`` writes ever fall within one window."""
    clock = _LateClock(list(lateness))
    gate = SendGate(rate, 1.04, 1.05, clock=clock, sleep=clock.sleep)
    starts: list[float] = []
    for _ in range(41):
        with gate.send():
            starts.append(clock.now)
    interval = 1.05 / rate
    assert starts[-1] - starts[0] <= 40 * interval + 0.01 + 1e-9
    assert all(starts[i + rate] - starts[i] >= 1.04 - 1e-9 for i in range(len(starts) - rate))


def test_every_send_passes_the_gate_even_past_a_limiter_that_lets_all_through(emulator):
    """The gate times each write itself: with the limiter opened wide (as a limiter that
    recorded late requests as early ones was, for a moment), 30 requests from 6 threads still
    arrive at most 10 in any second with a key, and none is refused."""
    from pyrate_limiter import InMemoryBucket, Limiter, Rate

    config = EntrezConfig(base_url=emulator.url, api_key="0123456789abcdef0123456789abcdef0123")
    wide_open = Limiter(InMemoryBucket([Rate(1000, 1000)]))
    session = build_session(config, wide_open)

    def post(i: int) -> int:
        data = {"db": "pubmed", "id": str(81_000_000 + i), "api_key": config.api_key}
        return session.post(config.efetch_url, data=data, timeout=30).status_code

    with ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(post, range(30)))
    assert statuses == [200] * 30
    assert emulator.rate_limited == 0
    assert emulator.max_in_window() <= 10


def test_an_offline_run_of_many_uncached_pmids_starts_no_parsing_processes(tmp_path):
    """Offline, nothing is downloaded: 1,000 PMIDs missing from the cache are unverified
    (exit 3) without the pool of parsing processes a download of 5 batches starts (two
    interpreters spawned for nothing, 1-2 s of CPU)."""
    claims = claims_for(tmp_path / "c.toml", list(range(81_000_000, 81_001_000)))
    probe = (
        "import sys; from ta1check.cli import main; "
        f"code = main(['check', {str(claims)!r}, '-q', '--offline', "
        f"'--cache-dir', {str(tmp_path / 'cache')!r}]); "
        "print(code, 'concurrent.futures.process' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.stdout.split()[-2:] == ["3", "False"], done.stdout + done.stderr
    assert "1000 claims: 1000 unverified" in done.stdout
