"""Where records come from: the cache first, then E-utilities, in parallel batches.

Every PMID asked for ends as exactly one of ``Record``, ``NotFound`` (a well-formed answer
lacked it) or ``Unverified`` (no well-formed answer: the cause says why). The two last are
never confused.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Protocol

from .cache import NotFound, RecordCache
from .entrez import EntrezClient, FetchFailed
from .parse import ParsedSet
from .record import Record

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Unverified:
    """No complete, well-formed record could be had for this PMID."""

    pmid: int
    cause: str


Outcome = Record | NotFound | Unverified
Progress = Callable[[int], None]


class RecordSource(Protocol):
    """Anything that turns PMIDs into outcomes."""

    def fetch(
        self, pmids: Collection[int], progress: Progress | None = None
    ) -> dict[int, Outcome]: ...


def batches(pmids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(pmids), size):
        yield list(pmids[start : start + size])


class EntrezSource:
    """Records from the cache, and what the cache lacks from E-utilities.

    ``offline``: never touch the network (a cache miss is unverified). ``refresh``: ignore
    what the cache holds (and overwrite it).
    """

    def __init__(
        self,
        client: EntrezClient | None,
        cache: RecordCache | None,
        *,
        offline: bool = False,
        refresh: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if client is None and not offline:
            raise ValueError("an online source needs a client")
        self.client = client
        self.cache = cache
        self.offline = offline
        self.refresh = refresh
        self.clock = clock

    def fetch(self, pmids: Collection[int], progress: Progress | None = None) -> dict[int, Outcome]:
        wanted = sorted(set(pmids))
        outcomes: dict[int, Outcome] = {}
        if self.cache is not None and not self.refresh:
            outcomes.update(self.cache.get_many(wanted))
            if progress and outcomes:
                progress(len(outcomes))
        missing = [p for p in wanted if p not in outcomes]
        if not missing:
            return outcomes
        if self.offline or self.client is None:
            cause = "offline, and not in the cache"
            outcomes.update({p: Unverified(p, cause) for p in missing})
            return outcomes
        outcomes.update(self._download(self.client, missing, progress))
        return outcomes

    def _download(
        self, client: EntrezClient, missing: list[int], progress: Progress | None
    ) -> dict[int, Outcome]:
        outcomes: dict[int, Outcome] = {}
        deadline = self.clock() + client.config.timeout
        todo = list(batches(missing, client.config.batch_size))
        workers = max(1, min(client.config.workers, len(todo)))
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="efetch")
        pending: dict[Future[ParsedSet], list[int]] = {}
        try:
            for batch in todo:
                pending[pool.submit(client.fetch, batch, deadline)] = batch
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    batch = pending.pop(future)
                    outcomes.update(self._settle(future, batch))
                    if progress:
                        progress(len(batch))
        finally:
            # On Ctrl-C: drop what has not started; what finished is already kept.
            pool.shutdown(wait=False, cancel_futures=True)
        return outcomes

    def _settle(self, future: Future[ParsedSet], batch: list[int]) -> dict[int, Outcome]:
        try:
            parsed = future.result()
        except FetchFailed as exc:
            log.warning("could not fetch %d PMID(s): %s", len(batch), exc.cause)
            return {p: Unverified(p, exc.cause) for p in batch}
        entries: list[Record | NotFound] = [parsed.records.get(p) or NotFound(p) for p in batch]
        if self.cache is not None:
            try:
                self.cache.put_many(entries)
            except Exception as exc:  # a full disk or locked cache costs speed, not results
                log.warning("could not write to the cache: %s", exc)
        return {e.pmid: e for e in entries}
