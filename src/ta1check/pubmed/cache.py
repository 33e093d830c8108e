"""The record cache: one entry per PMID (and per PMC id, per DOI), in requests-cache's storage.

NOTE: requests-cache keys a POST by its body, so a cached efetch batch would be reused only for
the identical set of PMIDs; adding one citation to a file would refetch the whole batch. The
cache therefore holds one entry per PMID: the parsed record as JSON, or "not found", with its
expiry. It lives in requests-cache's key-value storage (``SQLiteDict``, or ``RedisDict`` for a
cache shared by many runners) without its response model: a warm run of 100,000 PMIDs spent
most of its time rebuilding ``CachedResponse`` objects it did not need. Reads and writes go in
bulk (one SQL query or Redis MGET per 500 keys). Only records from a response that parsed
completely are written; no request, and so no API key or email, is ever stored.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

import orjson
from requests_cache.backends.sqlite import SQLiteDict

from .fulltext import FULLTEXT_FORMAT, FullText
from .record import RECORD_FORMAT, Record

log = logging.getLogger(__name__)

#: Unknown PMIDs are remembered for at most this long: PubMed adds records every day.
NOT_FOUND_MAX_AGE = timedelta(days=1)
_BULK = 500
TABLE = "ta1check"


@dataclass(frozen=True)
class NotFound:
    """A well-formed efetch answer did not contain this PMID."""

    pmid: int


CachedEntry = Record | NotFound


class Store(Protocol):
    """Bulk key-value operations: raw JSON bytes in, raw JSON bytes out."""

    def get_many(self, keys: list[str]) -> dict[str, bytes]: ...

    def put_many(self, items: list[tuple[str, bytes, float]]) -> None: ...

    def close(self) -> None: ...

    def keys(self) -> Iterator[str]: ...


class SQLiteStore:
    """requests-cache's ``SQLiteDict`` (WAL, busy timeout, serialised writers), read in bulk."""

    def __init__(self, path: Path) -> None:
        self.dict = SQLiteDict(
            str(path), table_name=TABLE, serializer=None, wal=True, busy_timeout=30_000
        )
        with self.dict.connection() as con:  # fails now, not mid-run, on a damaged file
            con.execute(f"SELECT count(*) FROM {TABLE} LIMIT 1").fetchone()
            (verdict,) = con.execute("PRAGMA quick_check(1)").fetchone()
        if verdict != "ok":
            self.dict.close()  # type: ignore[no-untyped-call]
            raise sqlite3.DatabaseError(f"integrity check: {verdict}")

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        with self.dict.connection() as con:
            for start in range(0, len(keys), _BULK):
                chunk = keys[start : start + _BULK]
                marks = ",".join("?" * len(chunk))
                rows = con.execute(f"SELECT key, value FROM {TABLE} WHERE key IN ({marks})", chunk)
                found.update((key, bytes(value)) for key, value in rows)
        return found

    def put_many(self, items: list[tuple[str, bytes, float]]) -> None:
        with self.dict.bulk_commit():
            for key, value, _expires in items:
                self.dict[key] = value

    def close(self) -> None:
        self.dict.close()  # type: ignore[no-untyped-call]

    def keys(self) -> Iterator[str]:
        return iter(self.dict)


class RedisStore:
    """Entries in Redis (MGET, and pipelined SET with an expiry), shared by many runners."""

    def __init__(self, url: str) -> None:
        from redis import Redis

        self.redis = Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)
        self.redis.ping()  # fail now, with a clear cause, not mid-run
        self.prefix = f"{TABLE}:"

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for start in range(0, len(keys), _BULK):
            chunk = keys[start : start + _BULK]
            values = self.redis.mget([self.prefix + k for k in chunk])
            found.update(
                (k, bytes(v)) for k, v in zip(chunk, values, strict=True) if isinstance(v, bytes)
            )
        return found

    def put_many(self, items: list[tuple[str, bytes, float]]) -> None:
        with self.redis.pipeline(transaction=False) as pipe:
            for key, value, expires in items:
                pipe.set(self.prefix + key, value, ex=max(1, int(expires - time.time())))
            pipe.execute()

    def close(self) -> None:
        self.redis.close()

    def keys(self) -> Iterator[str]:
        for key in self.redis.scan_iter(match=self.prefix + "*"):
            yield key.decode()[len(self.prefix) :]


def is_redis_url(location: Path | str) -> bool:
    return isinstance(location, str) and location.startswith(("redis://", "rediss://", "unix://"))


class RecordCache:
    """Per-PMID records, per-PMC-id full texts and per-DOI PMIDs, with expiry."""

    def __init__(self, store: Store, *, max_age: timedelta) -> None:
        self.store = store
        self.max_age = max_age

    @classmethod
    def sqlite(cls, directory: Path, *, max_age: timedelta) -> RecordCache:
        """The SQLite cache in ``directory``. A file that is not a usable database is set
        aside (renamed, with a warning) and a new one started: a damaged cache costs
        requests, never a run."""
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "records.sqlite"
        try:
            return cls(SQLiteStore(path), max_age=max_age)
        except sqlite3.DatabaseError as exc:
            aside = path.with_name(f"records.sqlite.damaged-{int(time.time())}")
            log.warning("the cache %s is damaged (%s); moved it to %s", path, exc, aside.name)
            for suffix in ("", "-wal", "-shm"):
                damaged = Path(f"{path}{suffix}")
                if damaged.exists():
                    damaged.replace(Path(f"{aside}{suffix}"))
            return cls(SQLiteStore(path), max_age=max_age)

    @classmethod
    def redis(cls, url: str, *, max_age: timedelta) -> RecordCache:
        """The cache in Redis, shared by every runner that points at the same server."""
        return cls(RedisStore(url), max_age=max_age)

    @classmethod
    def open(cls, location: Path | str, *, max_age: timedelta) -> RecordCache:
        """A cache directory (SQLite) or a ``redis://`` URL."""
        if is_redis_url(location):
            return cls.redis(str(location), max_age=max_age)
        return cls.sqlite(Path(location), max_age=max_age)

    @staticmethod
    def key(pmid: int) -> str:
        return f"pubmed:{pmid}:v{RECORD_FORMAT}"

    @staticmethod
    def fulltext_key(pmcid: str) -> str:
        return f"pmc:{pmcid}:v{FULLTEXT_FORMAT}"

    @staticmethod
    def doi_key(doi: str) -> str:
        return f"doi:{doi.casefold()}"

    def _get_json(self, keys: dict[str, Any]) -> dict[Any, dict[str, Any]]:
        """Fresh, readable entries for ``keys`` (cache key -> caller's id)."""
        try:
            raw = self.store.get_many(list(keys))
        except Exception as exc:  # an unreadable cache is a miss, never a crash
            log.warning("could not read the cache (%s); fetching instead", exc)
            return {}
        now = time.time()
        found: dict[Any, dict[str, Any]] = {}
        for key, value in raw.items():
            try:
                entry = orjson.loads(value)
                if entry["expires"] > now:
                    found[keys[key]] = entry["body"]
            except (ValueError, KeyError, TypeError):
                log.debug("cache entry %s is damaged; refetching", key)
        return found

    def _put_json(self, entries: Iterable[tuple[str, object, timedelta]]) -> None:
        now = time.time()
        items = []
        for key, body, max_age in entries:
            expires = now + max_age.total_seconds()
            value = orjson.dumps({"expires": expires, "body": body})
            items.append((key, value, expires))
        if items:
            self.store.put_many(items)

    def get(self, pmid: int) -> CachedEntry | None:
        return self.get_many([pmid]).get(pmid)

    def get_many(self, pmids: Iterable[int]) -> dict[int, CachedEntry]:
        """The fresh cached entries for ``pmids``; absent, expired and damaged ones left out."""
        found: dict[int, CachedEntry] = {}
        for pmid, body in self._get_json({self.key(p): p for p in pmids}).items():
            try:
                found[pmid] = NotFound(pmid) if body.get("not_found") else Record.from_json(body)
            except (ValueError, TypeError, KeyError) as exc:
                log.debug("cache entry for PMID %s is stale or damaged (%s)", pmid, exc)
        return found

    def put_many(self, entries: Iterable[CachedEntry]) -> None:
        """Store records and not-found answers in one transaction."""
        self._put_json(
            (
                self.key(e.pmid),
                {"not_found": True, "pmid": e.pmid} if isinstance(e, NotFound) else e.to_json(),
                min(self.max_age, NOT_FOUND_MAX_AGE) if isinstance(e, NotFound) else self.max_age,
            )
            for e in entries
        )

    def get_fulltexts(self, pmcids: Iterable[str]) -> dict[str, FullText]:
        found: dict[str, FullText] = {}
        for pmcid, body in self._get_json({self.fulltext_key(p): p for p in pmcids}).items():
            try:
                found[pmcid] = FullText.from_json(body)
            except (ValueError, TypeError, KeyError):
                continue
        return found

    def put_fulltexts(self, texts: Iterable[FullText]) -> None:
        self._put_json((self.fulltext_key(t.pmcid), t.to_json(), self.max_age) for t in texts)

    def get_dois(self, dois: Iterable[str]) -> dict[str, tuple[int, ...]]:
        found: dict[str, tuple[int, ...]] = {}
        for doi, body in self._get_json({self.doi_key(d): d for d in dois}).items():
            if isinstance(body.get("pmids"), list):
                found[doi] = tuple(int(p) for p in body["pmids"])
        return found

    def put_dois(self, resolved: Mapping[str, tuple[int, ...]]) -> None:
        self._put_json(
            (self.doi_key(doi), {"doi": doi, "pmids": list(pmids)}, self.max_age)
            for doi, pmids in resolved.items()
        )

    def close(self) -> None:
        self.store.close()

    def __iter__(self) -> Iterator[str]:
        return self.store.keys()
