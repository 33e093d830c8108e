"""Where records come from: the cache first, then E-utilities, in parallel batches.

Every PMID asked for ends as exactly one of ``Record``, ``NotFound`` (a well-formed answer
lacked it) or ``Unverified`` (no well-formed answer: the cause says why). The two last are
never confused. Full texts from PubMed Central come the same way, by PMC id.
"""

from __future__ import annotations

import copy
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from ..malloctune import limit_arenas
from .cache import NotFound, RecordCache
from .fulltext import FullText
from .record import Record

if TYPE_CHECKING:
    # NOTE: imported where a request is made: a run the cache answers never loads requests,
    # urllib3, tenacity or the rate limiter.
    from .entrez import EntrezClient
    from .parse import ParsedSet

log = logging.getLogger(__name__)

K = TypeVar("K", int, str)
V = TypeVar("V")
E = TypeVar("E")
#: Full texts are large (hundreds of KB each): fewer per request.
FULLTEXT_BATCH = 20
#: Citations per ECitMatch request.
CITMATCH_BATCH = 50


@dataclass(frozen=True)
class Unverified:
    """No complete, well-formed answer could be had for this id."""

    pmid: int | str
    cause: str


Outcome = Record | NotFound | Unverified
Progress = Callable[[int], None]


class RecordSource(Protocol):
    """Anything that turns PMIDs into outcomes (and PMC ids into full texts)."""

    def stream(
        self, pmids: Collection[int], progress: Progress | None = None
    ) -> Iterator[Mapping[int, Outcome]]:
        """The outcome of every PMID, exactly once, in parts as they become known, so that a
        caller can check and drop each part: memory stays flat in the number of PMIDs."""
        ...

    def fetch(
        self, pmids: Collection[int], progress: Progress | None = None
    ) -> dict[int, Outcome]: ...

    def fetch_fulltext(self, pmcids: Collection[str]) -> dict[str, FullText | Unverified]: ...


def merged(parts: Iterable[Mapping[int, Outcome]]) -> dict[int, Outcome]:
    """A source's ``fetch``: every part of its ``stream``, in one mapping."""
    outcomes: dict[int, Outcome] = {}
    for part in parts:
        outcomes.update(part)
    return outcomes


def batches(ids: Sequence[K], size: int) -> Iterator[list[K]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


class EntrezSource:
    """Records from the cache, and what the cache lacks from E-utilities.

    ``offline``: never touch the network (a cache miss is unverified). ``refresh``: ignore
    what the cache holds (and overwrite it). ``connect``: makes the client at the first
    request, instead of ``client`` (a run the cache answers makes none).
    """

    def __init__(
        self,
        client: EntrezClient | None,
        cache: RecordCache | None,
        *,
        offline: bool = False,
        refresh: bool = False,
        clock: Callable[[], float] = time.monotonic,
        connect: Callable[[], EntrezClient] | None = None,
    ) -> None:
        if client is None and connect is None and not offline:
            raise ValueError("an online source needs a client")
        self._client = client
        self._connect = connect
        self.cache = cache
        self.offline = offline
        self.refresh = refresh
        self.clock = clock
        #: ``--timeout`` bounds the whole run's fetching: records, full texts and DOIs share
        #: one deadline, set when the first request is about to be made.
        self._deadline: float | None = None

    @property
    def client(self) -> EntrezClient | None:
        """The E-utilities client, made on first use when the source was given ``connect``."""
        if self._client is None and self._connect is not None and not self.offline:
            self._client = self._connect()
        return self._client

    def fetch(self, pmids: Collection[int], progress: Progress | None = None) -> dict[int, Outcome]:
        return merged(self.stream(pmids, progress))

    def stream(
        self, pmids: Collection[int], progress: Progress | None = None
    ) -> Iterator[Mapping[int, Outcome]]:
        """Cached records first, a slice at a time, then each downloaded batch as it is
        parsed: one pool of fetching threads (and of parsing processes) for the whole run."""
        wanted = sorted(set(pmids))
        cache = self.cache
        missing: list[int] = []
        for part in self._from_cache(wanted, cache.get_many if cache is not None else None):
            missing.extend(part.misses)
            if part.hits:
                if progress:
                    progress(len(part.hits))
                yield part.hits
        if not missing:
            return
        client = None if self.offline else self.client
        batch_size = client.config.batch_size if client else 1
        # offline, nothing is downloaded: no parsing processes (2 spawned for nothing)
        batches = -(-len(missing) // batch_size) if client else 0
        if client:
            limit_arenas()  # before the fetching threads start (malloctune)
        with parse_pool(batches) as parse:

            def download(
                client: EntrezClient, batch: list[int], deadline: float
            ) -> dict[int, Record | NotFound]:
                parsed = client.fetch(batch, deadline, parse)
                entries: list[Record | NotFound] = [
                    parsed.records.get(p) or NotFound(p) for p in batch
                ]
                if cache is not None:
                    _store(cache.put_many, entries)
                return {e.pmid: e for e in entries}

            yield from self._download(missing, download, batch_size, progress)

    def cached(self, pmids: Collection[int]) -> dict[int, Record]:
        """The records the cache holds for ``pmids`` (fresh ones), without any request."""
        if self.cache is None:
            return {}
        found: dict[int, Record] = {}
        wanted = sorted(set(pmids))
        for start in range(0, len(wanted), CACHE_SLICE):
            hits = self.cache.get_many(wanted[start : start + CACHE_SLICE])
            found.update((p, e) for p, e in hits.items() if isinstance(e, Record))
        return found

    def refetch(
        self, pmids: Collection[int], progress: Progress | None = None
    ) -> dict[int, Outcome]:
        """``pmids`` downloaded whatever the cache holds, and the cache updated; within the
        run's one deadline."""
        twin = copy.copy(self)
        twin.refresh = True
        try:
            return twin.fetch(pmids, progress)
        finally:
            self._deadline = twin._deadline

    def search_each(
        self,
        ids: Sequence[int],
        term_for: Callable[[Sequence[int]], str],
        batch_size: int,
        progress: Progress | None = None,
    ) -> dict[int, bool | Unverified]:
        """For each id, whether an esearch of ``term_for(batch)`` over its batch of ids
        returned it; never cached (the point is a fresh answer). A batch whose search failed
        leaves its ids unverified."""

        def download(client: EntrezClient, batch: list[int], deadline: float) -> dict[int, bool]:
            hits = set(client.search(term_for(batch), deadline, retmax=len(batch)))
            return {i: i in hits for i in batch}

        return self._fetch(sorted(set(ids)), None, download, batch_size, progress)

    def fetch_fulltext(self, pmcids: Collection[str]) -> dict[str, FullText | Unverified]:
        cache = self.cache

        def download(
            client: EntrezClient, batch: list[str], deadline: float
        ) -> dict[str, FullText | Unverified]:
            texts = client.fetch_fulltext(batch, deadline)
            # PMC leaves out ids it does not hold: no full text, not a failure.
            found = [texts.get(p) or FullText(p, ()) for p in batch]
            if cache is not None:
                _store(cache.put_fulltexts, found)
            return {t.pmcid: t for t in found}

        return self._fetch(
            sorted(set(pmcids)),
            cache.get_fulltexts if cache is not None else None,
            download,
            FULLTEXT_BATCH,
            None,
        )

    def resolve_dois(self, dois: Collection[str]) -> dict[str, tuple[int, ...] | Unverified]:
        """The PMIDs PubMed lists for each DOI (esearch ``DOI[aid]``), cached like records."""
        cache = self.cache
        return self._esearch_each(
            dois,
            lambda doi: f"{doi}[aid]",
            cache.get_dois if cache is not None else None,
            cache.put_dois if cache is not None else None,
        )

    def search(
        self, terms: Collection[str], retmax: int = 20
    ) -> dict[str, tuple[int, ...] | Unverified]:
        """The PMIDs of each ESearch term (the suggestions' searches, #13), cached like
        records, under the run's one deadline."""
        cache = self.cache
        return self._esearch_each(
            terms,
            lambda term: term,
            cache.get_searches if cache is not None else None,
            cache.put_searches if cache is not None else None,
            retmax=retmax,
            sort="relevance",
        )

    def _esearch_each(
        self,
        keys: Collection[str],
        term_of: Callable[[str], str],
        get: Callable[[list[str]], Mapping[str, tuple[int, ...]]] | None,
        put: Callable[[Mapping[str, tuple[int, ...]]], None] | None,
        *,
        retmax: int = 20,
        sort: str | None = None,
    ) -> dict[str, tuple[int, ...] | Unverified]:
        """One esearch per key (its term ``term_of(key)``), answered from the cache when it
        holds the key and stored there otherwise."""

        def download(
            client: EntrezClient, batch: list[str], deadline: float
        ) -> dict[str, tuple[int, ...]]:
            (key,) = batch
            pmids = client.search(term_of(key), deadline, retmax=retmax, sort=sort)
            if put is not None:
                _store(put, {key: pmids})
            return {key: pmids}

        return self._fetch(sorted(set(keys)), get, download, 1, None)

    def citmatch(self, lines: Collection[str]) -> dict[str, int | Unverified | None]:
        """ECitMatch's PMID for each ``journal|year|volume|page|author|key|`` line (None: no
        single match), in batches, cached like records."""
        cache = self.cache

        def from_cache(keys: list[str]) -> dict[str, int | None]:
            assert cache is not None
            found = cache.get_searches(f"ecitmatch:{k}" for k in keys)
            return {q.removeprefix("ecitmatch:"): (p[0] if p else None) for q, p in found.items()}

        def download(
            client: EntrezClient, batch: list[str], deadline: float
        ) -> dict[str, int | Unverified | None]:
            by_key = client.citmatch(batch, deadline)
            answers = {line: by_key[line.split("|")[5]] for line in batch}
            if cache is not None:
                _store(
                    cache.put_searches,
                    {f"ecitmatch:{k}": (() if p is None else (p,)) for k, p in answers.items()},
                )
            return dict(answers)

        return self._fetch(
            sorted(set(lines)),
            from_cache if cache is not None else None,
            download,
            CITMATCH_BATCH,
            None,
        )

    def _fetch(
        self,
        ids: list[K],
        from_cache: Callable[[list[K]], Mapping[K, V]] | None,
        download: Callable[[EntrezClient, list[K], float], Mapping[K, V]],
        batch_size: int,
        progress: Progress | None,
    ) -> dict[K, V | Unverified]:
        """The cache's answers, then the rest downloaded in parallel batches."""
        outcomes: dict[K, V | Unverified] = {}
        missing: list[K] = []
        for part in self._from_cache(ids, from_cache):
            outcomes.update(part.hits)
            missing.extend(part.misses)
        if progress and outcomes:
            progress(len(outcomes))
        for done in self._download(missing, download, batch_size, progress):
            outcomes.update(done)
        return outcomes

    def _from_cache(
        self, ids: list[K], from_cache: Callable[[list[K]], Mapping[K, V]] | None
    ) -> Iterator[_CacheSlice[K, V]]:
        """What the cache holds of ``ids``, ``CACHE_SLICE`` at a time (none with ``refresh``)."""
        if from_cache is None or self.refresh:
            yield _CacheSlice({}, ids)
            return
        for start in range(0, len(ids), CACHE_SLICE):
            part = ids[start : start + CACHE_SLICE]
            hits = from_cache(part)
            yield _CacheSlice(hits, [i for i in part if i not in hits])

    def _download(
        self,
        missing: list[K],
        download: Callable[[EntrezClient, list[K], float], Mapping[K, V]],
        batch_size: int,
        progress: Progress | None,
    ) -> Iterator[Mapping[K, V | Unverified]]:
        """``missing`` downloaded in parallel batches, each yielded when done; a batch that
        fails leaves its ids unverified and the others' results stand."""
        if not missing:
            return
        client = None if self.offline else self.client
        if client is None:
            yield {i: Unverified(i, "offline, and not in the cache") for i in missing}
            return
        if self._deadline is None:
            self._deadline = self.clock() + client.config.timeout
        deadline = self._deadline
        from .entrez import PARSE_BACKLOG, FetchFailed

        todo = list(batches(missing, batch_size))
        # Threads enough for the most requests the flow may allow in flight, and the answers
        # it lets wait for the parser: how many are in flight at once is the flow's to decide
        # (``entrez.Flow``), from the rate and the latency observed.
        workers = max(1, min(client.config.max_in_flight + PARSE_BACKLOG, len(todo)))
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="efetch")
        pending: dict[Future[Mapping[K, V]], list[K]] = {}
        try:
            for batch in todo:
                pending[pool.submit(download, client, batch, deadline)] = batch
            while pending:
                try:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                except KeyboardInterrupt:
                    client.cancel()  # waits end and no new attempt starts
                    raise
                for future in done:
                    batch = pending.pop(future)
                    try:
                        outcome: Mapping[K, V | Unverified] = future.result()
                    except FetchFailed as exc:
                        log.warning("could not fetch %d id(s): %s", len(batch), exc.cause)
                        outcome = {i: Unverified(i, exc.cause) for i in batch}
                    if progress:
                        progress(len(batch))
                    yield outcome
        finally:
            # On Ctrl-C, or a caller that stopped early: drop what has not started.
            pool.shutdown(wait=False, cancel_futures=True)


#: Cache entries read (and records decoded) at a time.
CACHE_SLICE = 1_000


@dataclass(frozen=True)
class _CacheSlice(Generic[K, V]):
    hits: Mapping[K, V]
    misses: list[K]


#: From this many batches on, responses are parsed in other processes.
PARSE_POOL_FROM = 4


@contextmanager
def parse_pool(batches: int) -> Iterator[Callable[[bytes], ParsedSet]]:
    """A parser for efetch answers: in-process for a few batches; for more, in a pool of
    processes (one per core, at most 2).

    NOTE: parsing 200 records holds the GIL for about 0.3 s. With three fetching threads
    parsing in-process, a thread that had its turn from the rate limiter could send its
    request over 150 ms late, landing four requests in one of NCBI's seconds (37 HTTP 429s in
    a 100,000-PMID benchmark). Parsing elsewhere keeps the fetching threads on time, and
    uses the second core.
    """
    from .entrez import FetchFailed
    from .parse import parse_pubmed_xml

    if batches < PARSE_POOL_FROM:
        yield parse_pubmed_xml
        return
    # NOTE: imported here: multiprocessing costs every run's start-up, and only a run with
    # PARSE_POOL_FROM batches to download uses it.
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing import get_context

    workers = max(1, min(2, os.cpu_count() or 1))
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("spawn"),
        initializer=_parse_worker_init,
        initargs=(os.getpid(),),
    )

    # NOTE: the processes start (and import the parser) at the first task, about a second
    # on this machine: the first answers, which used to wait for them while the flow held back
    # new requests, are parsed here meanwhile.
    starting = [pool.submit(_ready) for _ in range(workers)]

    def parse(content: bytes) -> ParsedSet:
        if not all(f.done() for f in starting):
            return parse_pubmed_xml(content)
        try:
            return pool.submit(parse_pubmed_xml, content).result()
        except BrokenProcessPool:
            raise FetchFailed("the parsing process stopped") from None

    try:
        yield parse
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _ready() -> None:
    """A first task for a parsing process: it starts, and its initializer runs, at once."""


def _parse_worker_init(parent: int) -> None:
    """In each parsing process: Ctrl-C is the parent's to handle, and a parent that is gone
    (killed) takes the process with it at once, instead of leaving it holding the parent's
    stdout and stderr open."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()
    from . import parse  # noqa: F401 - loaded now, while the first requests are in flight


def _store(put: Callable[[E], None], entries: E) -> None:
    try:
        put(entries)
    except Exception as exc:  # a full disk or locked cache costs speed, not results
        log.warning("could not write to the cache: %s", exc)
