"""The E-utilities client: one rate-limited HTTP session, efetch in batches, bounded retries.

NOTE: Bio.Entrez's own fetch functions use urllib with no timeout, a lock-free global throttle
and immediate retries that ignore Retry-After (shared/EUTILS.md); we fetch with requests and
only parse with Bio.Entrez.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import logging
import math
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import orjson
import requests
import urllib3
from pyrate_limiter import InMemoryBucket, Limiter, Rate
from requests_ratelimiter import LimiterAdapter
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    wait_exponential,
    wait_random,
)

from .. import __version__
from ..redaction import redact, redact_bytes, register
from . import DEFAULT_BASE_URL
from .cache import redis_errors
from .fulltext import FullText, parse_pmc_xml
from .parse import BadResponse, ParsedSet, parse_pubmed_xml

log = logging.getLogger(__name__)
T = TypeVar("T")

#: NCBI: above ~200 ids use POST; batches stay at or under this.
MAX_BATCH = 200
#: NCBI's limits, per second: without and with an API key.
RATE_WITHOUT_KEY = 3
RATE_WITH_KEY = 10
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_MAX_RETRY_AFTER = 60.0
_PMID_TEXT = re.compile(r"[1-9][0-9]{0,9}")


@dataclass(frozen=True)
class EntrezConfig:
    """How to talk to E-utilities. ``api_key`` is kept out of ``repr`` (and so of tracebacks
    and logs)."""

    base_url: str = DEFAULT_BASE_URL
    email: str | None = None
    api_key: str | None = field(default=None, repr=False)
    tool: str = "ta1check"
    batch_size: int = MAX_BATCH
    max_attempts: int = 5
    #: Bound on the whole fetch, retries and waits included (``--timeout``).
    timeout: float = 120.0
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    #: Bound on requests in flight at once; within it, the number follows the rate and the
    #: latency observed (``Flow``).
    max_in_flight: int = 32
    #: A batch of 200 records is about 5 MB; anything near this is not an efetch answer.
    max_response_bytes: int = 64 * 1024 * 1024

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size <= MAX_BATCH:
            raise ValueError(f"batch size must be 1..{MAX_BATCH}")

    @property
    def rate(self) -> int:
        return RATE_WITH_KEY if self.api_key else RATE_WITHOUT_KEY

    @property
    def efetch_url(self) -> str:
        return self.base_url.rstrip("/") + "/efetch.fcgi"

    @property
    def esearch_url(self) -> str:
        return self.base_url.rstrip("/") + "/esearch.fcgi"

    @property
    def ecitmatch_url(self) -> str:
        return self.base_url.rstrip("/") + "/ecitmatch.cgi"


#: NCBI's own window. The process's limiter (pyrate-limiter) counts ``rate`` requests in it: a
#: backstop, and what a 429 fills so that every thread waits a window; ``SendGate`` paces.
WINDOW_MS = 1000
#: Safety margin on NCBI's one-second window, by the time each request has been written.
#: The limiter counts a request when it plans to let it go, and a thread delayed after that
#: (the GIL, held while another thread parses a batch; a connection being opened) sends
#: later than planned, so that ``rate + 1`` sends could fall within one server-side second.
#: ``SendGate`` holds each send until ``rate`` sends ago is at least this long past, by the
#: clock of the sends themselves; what is left of the margin covers the way from the socket to
#: NCBI's counter.
GATE_WINDOW_MS = 1040
#: ``SendGate`` plans one send every ``GATE_PACE_MS / rate``: a little slower than its window
#: allows, so that a send that leaves up to ``GATE_PACE_MS - GATE_WINDOW_MS`` late (a thread
#: woken late: the GIL's switch interval alone is 5 ms) leaves the sends after it on plan.
#: Paced at the window itself, every late send pushed back the one ``rate`` sends later, and
#: the lateness added up over a run. The pace is also the usual margin: at 1050 ms, on a
#: loaded machine, the emulator (its own process, busy writing answers) once stamped 11
#: arrivals within 0.991 s, and answered one 429.
GATE_PACE_MS = 1060
#: The same margin for a limit shared through Redis by several processes and runners: a request
#: is counted in Redis a round trip before it leaves, by a process the others cannot see
#: delayed. Two runners sharing a key drew a 429 in about 1 run of 6 at 1100 ms (2026-11-25).
SHARED_WINDOW_MS = 1250
#: Added by the limiter to every wait. Requests shared through Redis are spaced (see
#: ``build_limiter``), so most of them wait: pyrate-limiter's default of 50 ms would slow a
#: run by 14% (at 3 a second).
#: NOTE: pyrate-limiter adds it to the time it records for the request too, so each request
#: is spaced this much more from the one before: 5 ms cost 4.5% at 10 a second. Not 0: a wait
#: that ends exactly at the window's edge could find the slot still taken, and wait 0 again.
BUFFER_MS = 1


def build_limiter(
    rate: int, redis_url: str | None = None, api_key: str | None = None
) -> Limiter | FailoverLimiter:
    """At most ``rate`` requests in any ``WINDOW_MS`` window, counted for every thread of the
    process (paced by ``SendGate``), or, with ``redis_url``, one per ``SHARED_WINDOW_MS``/``rate``
    for every process and runner using that Redis server and the same API key (NCBI's limit
    is per key). A shared limiter falls back on this process's own if Redis fails mid-run."""
    # Within one process ``SendGate`` spaces the requests (one per 1/rate of its window, planned
    # from its own schedule) and bounds them by the time they are written; this limiter only
    # counts NCBI's limit behind it. NOTE: spacing here as well (one per 106 ms) was what set
    # the pace, about 109 ms a request with a key, since each wait counts from the last wake.
    local = Limiter(InMemoryBucket([Rate(rate, WINDOW_MS)]), buffer_ms=BUFFER_MS)
    if redis_url is None:
        return local
    from pyrate_limiter import RedisBucket
    from redis import Redis

    class QuietRedisBucket(RedisBucket):
        """pyrate-limiter leaks old entries from a background thread every 10 s; with Redis
        gone that thread died with a traceback on stderr. A failed leak is skipped (the
        limiter itself has switched to the local bucket by then)."""

        def leak(self, current_timestamp: int | None = None) -> Any:
            try:
                return super().leak(current_timestamp)
            except redis_errors():
                return 0

    who = hashlib.sha256((api_key or "no-api-key").encode()).hexdigest()[:16]
    client = Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=3)
    # Spaced as well as counted across processes: one request per 1/rate of the window, so
    # that a window's requests do not all leave at its start. In a burst, ten answers arrive at
    # once and the parsing they set off delayed the wake-up of the next window's requests: the
    # limiter records a request at the time it planned to wake, so a late one looked older
    # than it was, and two runners sharing one key drew a 429 in about 1 run of 6 (spaced: 8
    # of 8 passed).
    shared = [Rate(1, SHARED_WINDOW_MS // rate), Rate(rate, SHARED_WINDOW_MS)]
    bucket = QuietRedisBucket.init(shared, client, f"ta1check:rate:{who}")
    return FailoverLimiter(Limiter(bucket, buffer_ms=BUFFER_MS), local)


#: The name of the request the local limiter counts when it takes over (``FailoverLimiter``).
_FAILOVER_MARK = "failover"


class FailoverLimiter:
    """The rate shared through Redis, and this process's own to fall back on.

    NOTE: losing Redis mid-run raised ``redis.ConnectionError`` inside the transport adapter,
    which ended the run with exit 4. Now the first Redis error switches this process to its
    own limiter for the rest of the run, with a warning: the run goes on at NCBI's rate for
    one process, as when Redis cannot be reached at the start.
    """

    def __init__(self, shared: Limiter, local: Limiter) -> None:
        self.shared = shared
        self.local = local
        self.failed = False
        self._lock = threading.Lock()

    @property
    def active(self) -> Limiter:
        return self.local if self.failed else self.shared

    def fail(self, exc: BaseException) -> None:
        with self._lock:
            if self.failed:
                return
            # NOTE: the local limiter has not seen the requests the shared one let through a
            # moment ago: free, it let the next one leave at once, right after the last shared
            # one (a 429 in about one run in three). It starts with one request marked now, so
            # that the first it lets through is spaced from the last shared one.
            with contextlib.suppress(Exception):
                self.local.try_acquire(_FAILOVER_MARK)
            self.failed = True
        log.warning(
            "lost the shared rate limit (Redis: %s); going on with this process's own limit",
            redact(str(exc)),
        )

    def try_acquire(self, *args: Any, **kwargs: Any) -> bool:
        if not self.failed:
            try:
                return bool(self.shared.try_acquire(*args, **kwargs))
            except redis_errors() as exc:
                self.fail(exc)
        return bool(self.local.try_acquire(*args, **kwargs))

    @property
    def bucket_factory(self) -> Any:
        return self.active.bucket_factory

    def buckets(self) -> Any:
        return self.active.buckets()

    def close(self) -> None:
        for limiter in (self.shared, self.local):
            with contextlib.suppress(Exception):
                limiter.close()


class SendGate:
    """The last word before a request's bytes go out, and what paces them: at most ``rate``
    sends in any ``window`` seconds, timed by the sends themselves, and one planned every
    ``pace / rate`` seconds (``pace`` defaults to ``window``).

    NOTE: the limiter (pyrate-limiter) records a request at the time it planned to wake it,
    not when it woke, and the request is written later still: a late one is recorded as older
    than it is, and the ones after it are let go early by as much. With the limiter alone at a
    1.05 s window, the tightest 11 consecutive arrivals at the emulator were 1.019 s apart
    on a quiet machine. The gate lets a request be written only once the one ``rate`` sends
    before it has been written for ``window`` seconds, so what is left to chance is the way
    from the socket to NCBI's counter. It sees this process only; a limit shared through
    Redis keeps its own wider window (``SHARED_WINDOW_MS``).

    NOTE: spaced by pyrate-limiter (one per 106 ms, each wait counted from the last wake plus
    a 1 ms buffer, then the wake's own lateness), requests left 108-113 ms apart with a key:
    20,000 PMIDs at 0.2 s took 1.21-1.29x their floor. The gate plans each send from its own
    schedule instead: the next slot is the last one *planned* plus ``pace / rate``, so that
    a thread that wakes late (by less than ``pace - window``) delays that send alone, never
    the plan. A request that comes after its slot has passed goes at once and the plan
    restarts from it: a lull is never made up for with a burst.
    """

    def __init__(
        self,
        rate: int,
        window: float,
        pace: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self.window = window
        self.interval = (window if pace is None else max(pace, window)) / rate
        self._clock = clock
        self._sleep = sleep
        self._written: collections.deque[float] = collections.deque(maxlen=rate)
        self._next: float | None = None  # the planned time of the next send
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def send(self) -> Iterator[None]:
        """Wait for the slot, then hold it while the request is written; the window counts
        from the end of the writing, the plan from the slot."""
        with self._lock:
            now = self._clock()
            slot = now if self._next is None else max(now, self._next)
            if len(self._written) == self.rate:
                slot = max(slot, self._written[0] + self.window)
            if slot > now:
                self._sleep(slot - now)
            self._next = slot + self.interval
            try:
                yield
            finally:
                self._written.append(self._clock())


class _Watchdog:
    """Ends a request at its deadline, whatever stage it is in.

    NOTE: the socket's timeouts bound each wait for a packet, not a stage: a status line, a
    header or a chunk-size line trickled a byte every half second never times out, and
    ``session.post`` blocks until the headers are complete. The connection used for the
    request registers its socket here (``_WatchedConnection.getresponse``); at the deadline a
    timer shuts the socket down, which wakes the blocked read at once.
    """

    def __init__(self, on_sent: Callable[[], None] | None = None) -> None:
        self.sock: socket.socket | None = None
        self.fired = False
        #: When the request had been sent (``time.monotonic``), for the latency observed.
        self.sent: float | None = None
        self._on_sent = on_sent
        self._lock = threading.Lock()

    def watch(self, sock: socket.socket | None) -> None:
        with self._lock:
            self.sock = sock
            self.sent = time.monotonic()
            if self.fired:
                self._shut()
        if self._on_sent is not None:
            self._on_sent()

    def fire(self) -> None:
        with self._lock:
            self.fired = True
            self._shut()

    def _shut(self) -> None:
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)


_current = threading.local()


class _WatchMixin:
    sock: socket.socket | None

    def request(self, *args: Any, **kwargs: Any) -> Any:
        gate = getattr(_current, "gate", None)
        if isinstance(gate, SendGate):
            if self.sock is None:
                # connect first (an HTTPS connection already is): the gate times the send,
                # not a handshake that may come before it
                self.connect()  # type: ignore[attr-defined]
            with gate.send():
                return super().request(*args, **kwargs)  # type: ignore[misc]
        return super().request(*args, **kwargs)  # type: ignore[misc]

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        dog = getattr(_current, "watchdog", None)
        if isinstance(dog, _Watchdog):
            dog.watch(self.sock)
        return super().getresponse(*args, **kwargs)  # type: ignore[misc]


class _WatchedHTTPConnection(_WatchMixin, urllib3.connection.HTTPConnection):
    pass


class _WatchedHTTPSConnection(_WatchMixin, urllib3.connection.HTTPSConnection):
    pass


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class _Adapter(LimiterAdapter):
    """requests-ratelimiter's adapter; a Redis failure while it marks a 429 in the shared
    bucket switches to the local limiter instead of losing the answer. Its connections
    register with the request's watchdog, and every send passes the adapter's ``SendGate``."""

    def __init__(self, *args: Any, gate: SendGate | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gate = gate

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        _current.gate = self.gate
        try:
            return super().send(request, *args, **kwargs)
        finally:
            _current.gate = None

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_WATCHED_POOLS)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = dict(_WATCHED_POOLS)
        return manager

    def _fill_bucket(self, request: requests.PreparedRequest) -> None:
        try:
            super()._fill_bucket(request)
        except redis_errors() as exc:
            if isinstance(self.limiter, FailoverLimiter):
                self.limiter.fail(exc)
                super()._fill_bucket(request)


def build_session(
    config: EntrezConfig, limiter: Limiter | FailoverLimiter | None = None
) -> requests.Session:
    """The only place an HTTP session is made. The rate limiter sits in the transport adapter,
    so every attempt, retries included, waits its turn."""
    session = requests.Session()
    adapter = _Adapter(
        # a FailoverLimiter is used by the adapter as a Limiter (try_acquire, bucket_factory)
        limiter=limiter or build_limiter(config.rate),
        per_host=False,
        bucket_name="ncbi-eutils",
        pool_maxsize=max(config.max_in_flight, 1) + 2,
        gate=SendGate(config.rate, GATE_WINDOW_MS / 1000, GATE_PACE_MS / 1000),
    )
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    contact = f" ({config.email})" if config.email else ""
    session.headers["User-Agent"] = f"ta1check/{__version__}{contact}"
    return session


class FetchFailed(Exception):
    """A batch could not be fetched after bounded retries; ``cause`` says why, for a person
    (secrets redacted: a cause goes into every report)."""

    def __init__(self, cause: str) -> None:
        cause = redact(cause)
        super().__init__(cause)
        self.cause = cause


class _Retryable(Exception):
    def __init__(self, cause: str, retry_after: float | None = None) -> None:
        cause = redact(cause)
        super().__init__(cause)
        self.cause = cause
        self.retry_after = retry_after


_exponential = wait_exponential(multiplier=0.5, max=8.0) + wait_random(0, 0.5)


def _wait(state: RetryCallState) -> float:
    outcome = state.outcome
    exc = outcome.exception() if outcome is not None else None
    delay = float(_exponential(state))
    if isinstance(exc, _Retryable) and exc.retry_after is not None:
        delay = max(delay, exc.retry_after)
    return delay


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date; None when absent or nonsense."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return min(float(value), _MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, min((when - datetime.now(timezone.utc)).total_seconds(), _MAX_RETRY_AFTER))


#: Assumed before the first answer: NCBI's efetch of 200 records takes about a second.
INITIAL_LATENCY = 1.0
#: Answers waiting to be parsed, or being parsed, at most: past it no new request starts (the
#: parser, not the rate, is then the bottleneck, and memory stays bounded).
PARSE_BACKLOG = 4


class Flow:
    """How many requests may be in flight: the rate times the latency observed, plus one,
    within ``bound``; and no new one while ``PARSE_BACKLOG`` answers wait to be parsed.

    NOTE: three fixed fetching threads, each also waiting for its batch to be parsed, capped a
    run at 2-3 requests a second whatever the limit: with NCBI's latency of about a second and
    an API key, a run sat at 3-4x its floor. By Little's law, keeping ``rate`` requests a
    second going takes ``rate x latency`` of them in flight; one more waits its turn in the
    rate limiter, so that the limiter is never idle. A thread leaves the flow as soon as its
    answer has arrived: parsing holds no place in it. The rate limiter still decides when each
    request leaves; this only decides how many may wait for it.
    """

    def __init__(self, rate: int, bound: int, *, clock: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.bound = max(1, bound)
        self.clock = clock
        #: Seconds from a request sent to its answer read (moving average), None before any.
        self.latency: float | None = None
        self.in_flight = 0
        self.parsing = 0
        self.peak_in_flight = 0
        self._cond = threading.Condition()
        #: When each request in flight was sent, by its thread; and the threads whose request
        #: is in flight but still waits for the rate limiter.
        self._sent: dict[int, float] = {}
        self._waiting: set[int] = set()

    @property
    def target(self) -> int:
        """``ceil(rate x latency) + 1``, the latency being the one observed, or longer while
        the oldest request in flight has been waiting longer than that.

        NOTE: before the first answer the latency is a guess; at 2 s, eleven requests in
        flight (the guess of 1 s) left the limiter idle for a second until the first answer
        came. A request still unanswered after ``t`` seconds says the latency is at least
        ``t``: the flow widens as it waits, and narrows again with the answers."""
        latency = INITIAL_LATENCY if self.latency is None else self.latency
        if self._sent:
            latency = max(latency, self.clock() - min(self._sent.values()))
        return max(1, min(self.bound, math.ceil(self.rate * latency) + 1))

    def mark_sent(self) -> None:
        """The calling thread's request has left (the rate limiter let it through): its age
        counts from now. A request still waiting for the limiter says nothing of the
        latency; counting it made the flow grow whenever the limiter set the pace."""
        with self._cond:
            if threading.get_ident() in self._waiting:
                self._waiting.discard(threading.get_ident())
                self._sent[threading.get_ident()] = self.clock()

    def observe(self, seconds: float) -> None:
        """One answer's latency (of a complete answer: a quick 429 says nothing of it)."""
        with self._cond:
            old = self.latency
            self.latency = seconds if old is None else 0.7 * old + 0.3 * seconds
            self._cond.notify_all()

    @contextlib.contextmanager
    def request(self, deadline: float, cancelled: threading.Event) -> Iterator[None]:
        """A place in flight, waited for until ``deadline`` (a ``clock()`` value)."""
        with self._cond:
            while self.in_flight >= self.target or self.parsing >= PARSE_BACKLOG:
                if cancelled.is_set():
                    raise FetchFailed("interrupted")
                remaining = deadline - self.clock()
                if remaining <= 0:
                    raise _Retryable("the --timeout elapsed before the request could be made")
                self._cond.wait(min(remaining, 0.1))  # the target grows as requests wait
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            me = threading.get_ident()
            self._waiting.add(me)
        try:
            yield
        finally:
            with self._cond:
                self.in_flight -= 1
                self._waiting.discard(me)
                self._sent.pop(me, None)
                self._cond.notify_all()

    @contextlib.contextmanager
    def parse(self) -> Iterator[None]:
        with self._cond:
            self.parsing += 1
        try:
            yield
        finally:
            with self._cond:
                self.parsing -= 1
                self._cond.notify_all()

    def wake(self) -> None:
        with self._cond:
            self._cond.notify_all()


@dataclass(frozen=True)
class RetryNotice:
    """A request about to be made again: why, after how long, and which attempt it will be
    (for a progress bar: NCBI answered HTTP 503; retrying in 4 s, attempt 2 of 5)."""

    db: str
    cause: str
    wait: float
    attempt: int
    attempts: int

    def __str__(self) -> str:
        return (
            f"{self.cause}; retrying in {round(self.wait, 1):g} s, "
            f"attempt {self.attempt} of {self.attempts}"
        )


class EntrezClient:
    """Fetches PubMed records by PMID. Knows nothing of claims or of the cache.

    ``on_retry`` hears of every retry before its wait begins (from the fetching threads)."""

    def __init__(
        self,
        session: requests.Session,
        config: EntrezConfig,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_retry: Callable[[RetryNotice], None] | None = None,
    ) -> None:
        self.session = session
        self.config = config
        self.clock = clock
        self.on_retry = on_retry
        register(config.api_key)  # never in a cause, a warning or a report
        #: Set on Ctrl-C: no new attempt starts and retry waits end at once.
        self.cancelled = threading.Event()
        #: How many requests may be in flight (shared by every thread using this client).
        self.flow = Flow(config.rate, config.max_in_flight, clock=clock)

    def cancel(self) -> None:
        """Ctrl-C: waits end and no new attempt starts."""
        self.cancelled.set()
        self.flow.wake()

    def _params(self, db: str, **fields: str) -> dict[str, str]:
        """Form fields for an E-utilities request: ``tool``, ``email`` and ``api_key`` on every
        one, as NCBI asks."""
        params = {"db": db, "retmode": "xml", "tool": self.config.tool, **fields}
        if self.config.email:
            params["email"] = self.config.email
        if self.config.api_key:
            params["api_key"] = self.config.api_key
        return params

    def fetch(
        self,
        pmids: Sequence[int],
        deadline: float,
        parse: Callable[[bytes], ParsedSet] = parse_pubmed_xml,
    ) -> ParsedSet:
        """Fetch one batch of PubMed records (≤ 200 PMIDs), retrying what a retry can fix,
        until ``deadline`` (a ``clock()`` value). Raises ``FetchFailed`` with the last cause.
        ``parse`` may hand the parsing to another process (see ``source.parse_pool``)."""
        if not pmids or len(pmids) > self.config.batch_size:
            raise ValueError(f"a batch holds 1..{self.config.batch_size} PMIDs")
        asked = frozenset(pmids)

        def read(content: bytes) -> ParsedSet:
            parsed = parse(content)
            strays = set(parsed.records) - asked
            if strays:
                raise BadResponse(
                    f"the response holds PMIDs that were not asked for ({_sample(strays)})"
                )
            return parsed

        ids = ",".join(str(p) for p in pmids)
        return self._request(self._params("pubmed", id=ids), read, deadline)

    def fetch_fulltext(self, pmcids: Sequence[str], deadline: float) -> dict[str, FullText]:
        """Fetch full texts from PubMed Central (efetch db=pmc), same rules as ``fetch``."""
        if not pmcids or len(pmcids) > self.config.batch_size:
            raise ValueError(f"a batch holds 1..{self.config.batch_size} PMC ids")
        asked = frozenset(pmcids)

        def read(content: bytes) -> dict[str, FullText]:
            texts = parse_pmc_xml(content)
            strays = set(texts) - asked
            if strays:
                raise BadResponse(f"the response holds PMC ids that were not asked for {strays}")
            return texts

        ids = [p.removeprefix("PMC") for p in pmcids]
        return self._request(self._params("pmc", id=",".join(ids)), read, deadline)

    def search(
        self, term: str, deadline: float, *, retmax: int = 20, sort: str | None = None
    ) -> tuple[int, ...]:
        """The PMIDs an esearch of PubMed for ``term`` returns (at most ``retmax``; ESearch's
        own default is 20), posted like every request, so a long term is no problem.
        ``sort``: ESearch's order ("relevance": best matches first)."""

        def read(content: bytes) -> tuple[int, ...]:
            try:
                document = orjson.loads(content)  # bounded nesting, unlike json
            except orjson.JSONDecodeError:
                raise BadResponse("not an esearch JSON answer") from None
            result = document.get("esearchresult") if isinstance(document, dict) else None
            if not isinstance(result, dict):
                raise BadResponse("not an esearch JSON answer")
            if "ERROR" in result:
                raise BadResponse(f"NCBI error: {str(result['ERROR'])[:120]}")
            ids = result.get("idlist", [])
            if not isinstance(ids, list) or not all(
                isinstance(i, str) and _PMID_TEXT.fullmatch(i) for i in ids
            ):
                raise BadResponse("esearch returned ids that are not PMIDs")
            return tuple(int(i) for i in ids)

        params = self._params("pubmed", retmode="json", term=term)
        if retmax != 20:
            params["retmax"] = str(retmax)
        if sort is not None:
            params["sort"] = sort
        return self._request(params, read, deadline)

    def citmatch(self, lines: Sequence[str], deadline: float) -> dict[str, int | None]:
        """ECitMatch: for each ``journal|year|volume|first page|author|key|`` line, the PMID
        of the one paper it matches (None: none, or several), by its key."""
        keys = [line.split("|")[5] for line in lines]

        def read(content: bytes) -> dict[str, int | None]:
            found: dict[str, int | None] = {}
            for row in content.decode("utf-8", "replace").splitlines():
                fields = row.strip().split("|")
                if len(fields) < 7 or fields[5] not in keys:
                    continue
                answer = fields[6].strip()
                found[fields[5]] = int(answer) if _PMID_TEXT.fullmatch(answer) else None
            if set(found) != set(keys):
                raise BadResponse("not an ECitMatch answer for every citation asked")
            return found

        params = self._params("pubmed", bdata="\r".join(lines))
        return self._request(params, read, deadline)

    def _request(self, params: dict[str, str], read: Callable[[bytes], T], deadline: float) -> T:
        """POST to efetch until ``read`` accepts an answer, within attempts and deadline."""

        def stop(state: RetryCallState) -> bool:
            if state.attempt_number >= self.config.max_attempts:
                return True
            return self.clock() + state.upcoming_sleep >= deadline

        def sleep(seconds: float) -> None:
            if self.cancelled.wait(seconds):
                raise FetchFailed("interrupted")

        def before_sleep(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            notice = RetryNotice(
                db=params["db"],
                cause=exc.cause if isinstance(exc, _Retryable) else str(exc),
                wait=state.upcoming_sleep,
                attempt=state.attempt_number + 1,
                attempts=self.config.max_attempts,
            )
            log.info("efetch (%s): %s", notice.db, notice)
            if self.on_retry is not None:
                self.on_retry(notice)

        retrying = Retrying(
            retry=retry_if_exception_type(_Retryable),
            wait=_wait,
            stop=stop,
            sleep=sleep,
            reraise=True,
            before_sleep=before_sleep,
        )
        try:
            result: T = retrying(self._attempt, params, read, deadline)
        except _Retryable as exc:
            raise FetchFailed(exc.cause) from None
        return result

    def _attempt(self, params: dict[str, str], read: Callable[[bytes], T], deadline: float) -> T:
        remaining = deadline - self.clock()
        if remaining <= 0:
            raise _Retryable("the --timeout elapsed before the request could be made")
        if self.cancelled.is_set():
            raise FetchFailed("interrupted")
        url = self.config.esearch_url if "term" in params else self.config.efetch_url
        if "bdata" in params:
            url = self.config.ecitmatch_url
        log.info(
            "POST %s db=%s %s%s",
            url,
            params["db"],
            f"term={params['term']}"
            if "term" in params
            else f"citations={params['bdata'].count(chr(13)) + 1}"
            if "bdata" in params
            else f"ids={params['id'].count(',') + 1} ({params['id'][:24]}…)",
            " api_key=<redacted>" if "api_key" in params else "",
        )
        with self.flow.request(deadline, self.cancelled):
            response, content = self._exchange(url, params, deadline)
        # NOTE: NCBI quotes a mistyped key back in its JSON error, whose first bytes become the
        # cause shown in every report: the key leaves the body before anything reads it.
        content = redact_bytes(content)
        status = response.status_code
        if status in _RETRY_STATUSES:
            what = "rate limited (HTTP 429)" if status == 429 else f"HTTP {status}"
            raise _Retryable(
                f"NCBI answered {what}", parse_retry_after(response.headers.get("Retry-After"))
            )
        if 300 <= status < 400:
            try:
                where = urlsplit(response.headers.get("Location", "")).hostname or "elsewhere"
            except ValueError:
                where = "elsewhere"
            raise FetchFailed(
                f"NCBI answered HTTP {status}, a redirect to {where}: not followed (the request "
                "carries the API key); set --eutils-url to the new address if it is right"
            )
        if status not in (200, 400):
            # NOTE: NCBI puts <ERROR> bodies in 200 or 400 answers; 403, 404, 414… are final.
            raise FetchFailed(f"NCBI answered HTTP {status}")
        try:
            with self.flow.parse():
                result = read(content)
        except BadResponse as exc:
            raise _Retryable(exc.cause) from None
        except (FetchFailed, _Retryable):
            raise
        except Exception as exc:  # hostile bytes are an unusable answer, never a crash (exit 4)
            raise _Retryable(f"an unreadable answer ({type(exc).__name__})") from None
        if status == 400:
            raise _Retryable("NCBI answered HTTP 400")
        return result

    def _exchange(
        self, url: str, params: dict[str, str], deadline: float
    ) -> tuple[requests.Response, bytes]:
        """One request and its whole answer, within ``deadline``; its latency is observed."""
        remaining = deadline - self.clock()
        if remaining <= 0:
            raise _Retryable("the --timeout elapsed before the request could be made")
        timeout = (
            min(self.config.connect_timeout, remaining),
            min(self.config.read_timeout, remaining),
        )
        dog = _Watchdog(on_sent=self.flow.mark_sent)
        timer = threading.Timer(remaining, dog.fire)
        timer.daemon = True
        _current.watchdog = dog
        timer.start()
        try:
            try:
                # NOTE: no redirects: a 307/308 would resend the form, API key included, to
                # whatever host the answer names. A mirror that moved is a configuration matter.
                response = self.session.post(
                    url, data=params, timeout=timeout, stream=True, allow_redirects=False
                )
                content = _read_capped(
                    response, self.config.max_response_bytes, deadline, self.clock
                )
            except (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError):
                # (the body is read from urllib3 directly: its errors are not requests' here)
                raise _Retryable(f"timed out after {timeout[1]:.0f} s") from None
            except requests.ConnectionError as exc:
                raise _Retryable(f"could not connect to {self._host()}: {_reason(exc)}") from None
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
                raise _Retryable(f"request failed: {_reason(exc)}") from None
        except (_Retryable, FetchFailed):
            if dog.fired:
                raise FetchFailed(
                    "timed out: the --timeout elapsed while the answer was still arriving"
                ) from None
            raise
        finally:
            timer.cancel()
            _current.watchdog = None
        if response.status_code == 200 and dog.sent is not None:
            self.flow.observe(time.monotonic() - dog.sent)
        return response, content

    def _host(self) -> str:
        return urlsplit(self.config.base_url).netloc or self.config.base_url


def _read_capped(
    response: requests.Response,
    limit: int,
    deadline: float,
    clock: Callable[[], float] = time.monotonic,
) -> bytes:
    """The body, read as it arrives, refused past ``limit`` bytes (a runaway or hostile
    answer must not exhaust memory) or past ``deadline`` (a ``clock()`` value).

    NOTE: the socket's read timeout bounds each wait for a packet, not the whole body: a body
    trickled 16 bytes every half second never times out, and a 64 KB read waits for all 64 KB.
    So the body is read with ``read1`` (whatever has arrived, one read from the socket at most)
    and the deadline is checked between reads; a read still waiting at the deadline is ended
    by the request's ``_Watchdog``.
    """
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        response.close()
        raise FetchFailed(f"the response is {int(declared):,} bytes; the limit is {limit:,}")
    raw = response.raw
    read1 = getattr(raw, "read1", None)
    chunks: list[bytes] = []
    size = 0
    pieces = (
        iter(lambda: read1(1 << 16, decode_content=True), b"")
        if read1 is not None
        else response.iter_content(chunk_size=1 << 13)
    )
    while True:
        if clock() >= deadline:
            response.close()
            raise FetchFailed(
                "timed out: the --timeout elapsed while the answer was still arriving "
                f"({size:,} bytes read)"
            )
        chunk = next(pieces, b"")
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            response.close()
            raise FetchFailed(f"the response exceeds the limit of {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _reason(exc: BaseException) -> str:
    """The innermost cause of a requests error, without URLs (which carry the API key)."""
    inner: BaseException = exc
    while inner.__cause__ is not None or inner.__context__ is not None:
        inner = inner.__cause__ or inner.__context__  # type: ignore[assignment]
    text = str(getattr(inner, "reason", None) or inner)
    text = re.sub(r"https?://\S+", "<url>", text)
    text = re.sub(r"api_key=[^&\s]+", "api_key=<redacted>", text)
    text = redact(text)
    return text.split(": ", 1)[-1][:200] if ": " in text else text[:200]


def _sample(pmids: set[int]) -> str:
    shown = ", ".join(str(p) for p in sorted(pmids)[:3])
    return shown + ("…" if len(pmids) > 3 else "")
