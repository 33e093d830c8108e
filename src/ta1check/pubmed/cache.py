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
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from requests_cache.backends.base import BaseCache
from requests_cache.backends.sqlite import SQLiteCache
from urllib3 import HTTPResponse

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
    """Per-PMID records in a requests-cache backend (SQLite by default)."""

    def __init__(self, backend: BaseCache, *, max_age: timedelta) -> None:
        self.backend = backend
        self.max_age = max_age

    @classmethod
    def sqlite(cls, directory: Path, *, max_age: timedelta) -> RecordCache:
        directory.mkdir(parents=True, exist_ok=True)
        backend = SQLiteCache(
            str(directory / "records.sqlite"),
            wal=True,
            busy_timeout=30_000,
        )
        return cls(backend, max_age=max_age)

    @staticmethod
    def key(pmid: int) -> str:
        return f"ta1check:pubmed:{pmid}:v{RECORD_FORMAT}"

    def get(self, pmid: int) -> CachedEntry | None:
        """The cached entry for ``pmid``, or None when absent, expired or unreadable."""
        try:
            response = self.backend.get_response(self.key(pmid))
        except Exception as exc:  # a damaged row is a miss, never a crash
            log.warning("cache entry for PMID %s is unreadable (%s); refetching", pmid, exc)
            return None
        if response is None or response.is_expired:
            return None
        try:
            data = json.loads(response.content)
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
        """Store entries in one transaction."""
        now = datetime.now(timezone.utc)
        with self._bulk():
            for entry in entries:
                if isinstance(entry, NotFound):
                    body = {"not_found": True, "pmid": entry.pmid}
                    expires = now + min(self.max_age, NOT_FOUND_MAX_AGE)
                else:
                    body = entry.to_json()
                    expires = now + self.max_age
                self.backend.save_response(
                    _synthetic_response(entry.pmid, body),
                    cache_key=self.key(entry.pmid),
                    expires=expires,
                )

    def _bulk(self) -> AbstractContextManager[object]:
        bulk = getattr(self.backend.responses, "bulk_commit", None)
        return bulk() if bulk is not None else nullcontext()

    def close(self) -> None:
        self.backend.close()  # type: ignore[no-untyped-call]

    def __iter__(self) -> Iterator[str]:
        return iter(self.backend.responses.keys())


def _synthetic_response(pmid: int, body: object) -> requests.Response:
    """A response as if efetch had been asked for this one PMID, holding the parsed record.

    Its request carries no credentials: that is what the cache stores.
    """
    request = requests.Request(
        "GET",
        "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi",
        params={"db": "pubmed", "id": str(pmid), "retmode": "xml"},
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
