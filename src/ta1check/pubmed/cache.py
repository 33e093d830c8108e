"""The record cache: one entry per PMID in a requests-cache backend.

NOTE: requests-cache keys a POST by its body, so a cached efetch batch would be reused only for
the identical set of PMIDs; adding one citation to a file would refetch the whole batch. The
cache therefore holds one entry per PMID (the parsed record, as JSON, or "not found"), saved
through the backend's ``save_response`` with its expiry. Entries carry a synthetic request
built without ``api_key`` or ``email``: neither can reach the cache. Only records from a
response that parsed completely are ever written.
"""

from __future__ import annotations

import io
import json
import logging
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import requests
from requests_cache.backends.base import BaseCache
from requests_cache.backends.sqlite import SQLiteCache
from urllib3 import HTTPResponse

from .fulltext import FULLTEXT_FORMAT, FullText
from .record import RECORD_FORMAT, Record

log = logging.getLogger(__name__)

#: Unknown PMIDs are remembered for at most this long: PubMed adds records every day.
NOT_FOUND_MAX_AGE = timedelta(days=1)


@dataclass(frozen=True)
class NotFound:
    """A well-formed efetch answer did not contain this PMID."""

    pmid: int


CachedEntry = Record | NotFound


class RecordCache:
    """Per-PMID records (and per-PMC-id full texts) in a requests-cache backend."""

    def __init__(self, backend: BaseCache, *, max_age: timedelta) -> None:
        self.backend = backend
        self.max_age = max_age

    @classmethod
    def sqlite(cls, directory: Path, *, max_age: timedelta) -> RecordCache:
        """The SQLite cache in ``directory``. A file that is not a usable database is set
        aside (renamed, with a warning) and a new one started: a damaged cache costs
        requests, never a run."""
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "records.sqlite"
        try:
            return cls(_open_sqlite(path), max_age=max_age)
        except sqlite3.DatabaseError as exc:
            aside = path.with_name(f"records.sqlite.damaged-{int(time.time())}")
            log.warning("the cache %s is damaged (%s); moved it to %s", path, exc, aside.name)
            for suffix in ("", "-wal", "-shm"):
                damaged = Path(f"{path}{suffix}")
                if damaged.exists():
                    damaged.replace(Path(f"{aside}{suffix}"))
            return cls(_open_sqlite(path), max_age=max_age)

    @classmethod
    def redis(cls, url: str, *, max_age: timedelta) -> RecordCache:
        """The cache in Redis, shared by every runner that points at the same server."""
        from redis import Redis
        from requests_cache.backends.redis import RedisCache

        connection = Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)
        connection.ping()  # fail now, with a clear cause, not mid-run
        return cls(RedisCache(namespace="ta1check", connection=connection), max_age=max_age)

    @classmethod
    def open(cls, location: Path | str, *, max_age: timedelta) -> RecordCache:
        """A cache directory (SQLite) or a ``redis://`` URL."""
        if is_redis_url(location):
            return cls.redis(str(location), max_age=max_age)
        return cls.sqlite(Path(location), max_age=max_age)

    @staticmethod
    def key(pmid: int) -> str:
        return f"ta1check:pubmed:{pmid}:v{RECORD_FORMAT}"

    @staticmethod
    def fulltext_key(pmcid: str) -> str:
        return f"ta1check:pmc:{pmcid}:v{FULLTEXT_FORMAT}"

    def _get_json(self, key: str) -> dict[str, Any] | None:
        try:
            response = self.backend.get_response(key)
        except Exception as exc:  # a damaged row is a miss, never a crash
            log.warning("cache entry %s is unreadable (%s); refetching", key, exc)
            return None
        if response is None or response.is_expired:
            return None
        try:
            data = json.loads(response.content)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def _put_json(self, entries: Iterable[tuple[str, str, object, timedelta]]) -> None:
        """Store (key, url id, body, max age) entries in one transaction."""
        now = datetime.now(timezone.utc)
        with self._bulk():
            for key, ident, body, max_age in entries:
                self.backend.save_response(
                    _synthetic_response(ident, body), cache_key=key, expires=now + max_age
                )

    def get(self, pmid: int) -> CachedEntry | None:
        """The cached entry for ``pmid``, or None when absent, expired or unreadable."""
        data = self._get_json(self.key(pmid))
        if data is None:
            return None
        try:
            if data.get("not_found"):
                return NotFound(int(data["pmid"]))
            return Record.from_json(data)
        except (ValueError, TypeError, KeyError) as exc:
            log.debug("cache entry for PMID %s is stale or damaged (%s)", pmid, exc)
            return None

    def get_many(self, pmids: Iterable[int]) -> dict[int, CachedEntry]:
        found: dict[int, CachedEntry] = {}
        for pmid in pmids:
            entry = self.get(pmid)
            if entry is not None:
                found[pmid] = entry
        return found

    def put_many(self, entries: Iterable[CachedEntry]) -> None:
        """Store records and not-found answers in one transaction."""
        self._put_json(
            (
                self.key(e.pmid),
                str(e.pmid),
                {"not_found": True, "pmid": e.pmid} if isinstance(e, NotFound) else e.to_json(),
                min(self.max_age, NOT_FOUND_MAX_AGE) if isinstance(e, NotFound) else self.max_age,
            )
            for e in entries
        )

    def get_fulltexts(self, pmcids: Iterable[str]) -> dict[str, FullText]:
        found: dict[str, FullText] = {}
        for pmcid in pmcids:
            data = self._get_json(self.fulltext_key(pmcid))
            if data is None:
                continue
            try:
                found[pmcid] = FullText.from_json(data)
            except (ValueError, TypeError, KeyError):
                continue
        return found

    def put_fulltexts(self, texts: Iterable[FullText]) -> None:
        self._put_json(
            (self.fulltext_key(t.pmcid), t.pmcid, t.to_json(), self.max_age) for t in texts
        )

    @staticmethod
    def doi_key(doi: str) -> str:
        return f"ta1check:doi:{doi.casefold()}"

    def get_dois(self, dois: Iterable[str]) -> dict[str, tuple[int, ...]]:
        found: dict[str, tuple[int, ...]] = {}
        for doi in dois:
            data = self._get_json(self.doi_key(doi))
            if data is not None and isinstance(data.get("pmids"), list):
                found[doi] = tuple(int(p) for p in data["pmids"])
        return found

    def put_dois(self, resolved: Mapping[str, tuple[int, ...]]) -> None:
        self._put_json(
            (self.doi_key(doi), doi, {"doi": doi, "pmids": list(pmids)}, self.max_age)
            for doi, pmids in resolved.items()
        )

    def _bulk(self) -> AbstractContextManager[object]:
        bulk = getattr(self.backend.responses, "bulk_commit", None)
        return bulk() if bulk is not None else nullcontext()

    def close(self) -> None:
        self.backend.close()  # type: ignore[no-untyped-call]

    def __iter__(self) -> Iterator[str]:
        return iter(self.backend.responses.keys())


def is_redis_url(location: Path | str) -> bool:
    return isinstance(location, str) and location.startswith(("redis://", "rediss://", "unix://"))


def _open_sqlite(path: Path) -> SQLiteCache:
    backend = SQLiteCache(str(path), wal=True, busy_timeout=30_000)
    with backend.responses.connection() as con:  # fails now, not mid-run, on a damaged file
        con.execute(f"SELECT count(*) FROM {backend.responses.table_name} LIMIT 1").fetchone()
        (verdict,) = con.execute("PRAGMA quick_check(1)").fetchone()
    if verdict != "ok":
        backend.close()  # type: ignore[no-untyped-call]
        raise sqlite3.DatabaseError(f"integrity check: {verdict}")
    return backend


def _synthetic_response(ident: str, body: object) -> requests.Response:
    """A response as if efetch had been asked for this one id, holding the parsed record.

    Its request carries no credentials: that is what the cache stores.
    """
    request = requests.Request(
        "GET",
        "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi",
        params={"db": "pmc" if ident.startswith("PMC") else "pubmed", "id": ident},
    ).prepare()
    content = json.dumps(body, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "Content-Length": str(len(content))}
    response = requests.Response()
    response.status_code = 200
    response._content = content
    response.headers.update(headers)
    # requests-cache copies the urllib3 response too: give it one that holds the same body.
    response.raw = HTTPResponse(
        body=io.BytesIO(content),
        headers=headers,
        status=200,
        preload_content=False,
        request_url=request.url,
    )
    response.url = request.url or ""
    response.request = request
    response.encoding = "utf-8"
    return response
