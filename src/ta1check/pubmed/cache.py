"""The record cache: one entry per PMID (and per PMC id, per DOI), in requests-cache's storage.

NOTE: requests-cache keys a POST by its body, so a cached efetch batch would be reused only for
the identical set of PMIDs; adding one citation to a file would refetch the whole batch. The
cache therefore holds one entry per PMID: the parsed record as the JSON array of its values
(a row: ``Record`` is an array-like msgspec ``Struct``), or "not found", with its expiry. It
lives in requests-cache's key-value storage (``SQLiteDict``, or ``RedisDict`` for a cache
shared by many runners) without its response model: a warm run of 100,000 PMIDs spent most
of its time rebuilding ``CachedResponse`` objects it did not need. Reads and writes go in
bulk (one SQL query or Redis MGET per 500 keys). Only records from a response that parsed
completely are written; no request, and so no API key or email, is ever stored.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import quote

import msgspec
import orjson

from ..redaction import redact, safe_url
from .fulltext import FULLTEXT_FORMAT, FullText
from .record import (
    RECORD_FIELDS,
    RECORD_FORMAT,
    Record,
    read_record,
)
from .validate import problem

if TYPE_CHECKING:
    from requests_cache.backends.sqlite import SQLiteDict

log = logging.getLogger(__name__)
V = TypeVar("V")

#: Unknown PMIDs are remembered for at most this long: PubMed adds records every day.
NOT_FOUND_MAX_AGE = timedelta(days=1)
_BULK = 500
#: Larger entries are not a record (a full text of a long article is about 1 MB): refused
#: before decoding, so that a planted 100 MB title cannot cost minutes and memory.
MAX_ENTRY_BYTES = 8 * 1024 * 1024
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


class CacheDamaged(sqlite3.DatabaseError):
    """The cache file is not a sound SQLite database: it is set aside and a new one started."""


#: SQLite's primary result codes for a damaged file (``SQLITE_CORRUPT``, ``SQLITE_NOTADB``).
_CORRUPTION_CODES = frozenset({11, 26})


def is_corruption(exc: sqlite3.Error) -> bool:
    """Whether an SQLite error says the file is damaged, as opposed to a full disk, an I/O
    error, a read-only file or a lock, which say nothing about the file's contents."""
    if isinstance(exc, CacheDamaged):
        return True
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    if isinstance(code, int):
        return (code & 0xFF) in _CORRUPTION_CODES
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "encrypted" in text


def redis_errors() -> tuple[type[Exception], ...]:
    """Redis's error class, for an ``except`` clause, once redis has been imported; before
    that no Redis error can have been raised. Naming it this way spares every run that uses
    no Redis the import of redis (about a third of a second of start-up)."""
    module = sys.modules.get("redis.exceptions")
    return (module.RedisError,) if module is not None else ()


def _sqlite_dict(path: Path) -> SQLiteDict:
    """The writer: requests-cache's ``SQLiteDict`` (WAL, busy timeout, serialised writers),
    imported only when a run writes (requests-cache imports requests and every backend)."""
    from requests_cache.backends.sqlite import SQLiteDict

    class BoundedSQLiteDict(SQLiteDict):
        """requests-cache's ``SQLiteDict`` with a write lock that gives up.

        NOTE: requests-cache 1.2-1.3's ``_acquire_sqlite_lock`` retries ``BEGIN IMMEDIATE``
        forever on any ``OperationalError``: on a full disk, a read-only file or a file-size
        limit a run spun for over 10 minutes. It also drops a failed commit silently. Here
        waiting for another writer is SQLite's own ``busy_timeout``; any other failure raises
        at once, and a failed commit is rolled back and raised, so that the caller can warn.
        """

        @contextmanager
        def _acquire_sqlite_lock(self) -> Iterator[None]:
            with self._lock:
                with self.connection():
                    pass  # opens the connection if it is not open yet
                con = self._connection
                assert con is not None
                con.execute("BEGIN IMMEDIATE")  # waits at most busy_timeout for another writer
                self._active_transaction = True
                try:
                    yield
                    con.commit()
                except BaseException:
                    with suppress(sqlite3.Error):
                        con.rollback()
                    raise
                finally:
                    self._active_transaction = False

    return BoundedSQLiteDict(
        str(path), table_name=TABLE, serializer=None, wal=True, busy_timeout=_BUSY_MS
    )


_BUSY_MS = 30_000


def _open_reader(path: Path) -> sqlite3.Connection | None:
    """A connection for reading an existing cache file that holds the table, after making
    sure it can be written (a read-only file or a full disk fails here, as the writer's own
    set-up would); None when the file or its table is not there yet."""
    if not path.is_file():
        return None
    con = sqlite3.connect(
        str(path), timeout=_BUSY_MS / 1000, check_same_thread=False, isolation_level=None
    )
    try:
        con.execute(f"PRAGMA busy_timeout={_BUSY_MS}")
        found = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
        ).fetchone()
        if found is None:
            con.close()
            return None
        con.execute("BEGIN IMMEDIATE")  # waits at most busy_timeout for another writer
        con.execute("ROLLBACK")
    except BaseException:
        con.close()
        raise
    return con


def _open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to ``path``. On a full disk even reading a WAL database can fail
    (its shared-memory file cannot grow): then the file is read as immutable, which sees what
    the last checkpoint wrote to it (a clean close checkpoints everything)."""
    base = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        con = sqlite3.connect(base, uri=True, check_same_thread=False, timeout=30)
        con.execute(f"SELECT count(*) FROM {TABLE} LIMIT 1").fetchone()
        return con
    except sqlite3.OperationalError as exc:
        if is_corruption(exc):
            raise
        log.debug("read-only open of %s failed (%s); reading it as immutable", path, exc)
    return sqlite3.connect(base + "&immutable=1", uri=True, check_same_thread=False)


def _file_state(path: Path) -> str:
    """The file's and its WAL's size, modification time and inode: what any write changes."""
    parts = []
    for suffix in ("", "-wal"):
        try:
            st = os.stat(f"{path}{suffix}")
        except OSError:
            parts.append("-")
        else:
            parts.append(f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}")
    return " ".join(parts)


def _sound_marker(path: Path) -> Path:
    """Beside the cache file: the state (``_file_state``) in which it was last known sound."""
    return path.with_name(path.name + ".sound")


def _known_sound(path: Path, state: str) -> bool:
    try:
        return _sound_marker(path).read_text(encoding="ascii") == state
    except (OSError, ValueError):
        return False


def _mark_sound(path: Path, state: str) -> None:
    with suppress(OSError):  # a cache that cannot say so is only checked again
        _sound_marker(path).write_text(state, encoding="ascii")


class SQLiteStore:
    """requests-cache's ``SQLiteDict`` (WAL, busy timeout, serialised writers), read in bulk.

    Reads go through a plain ``sqlite3`` connection; the ``SQLiteDict`` is opened at the first
    write (at once for a new file): a warm run never imports requests-cache.

    ``read_only``: the file is opened for reading only (``mode=ro``), as when the disk it is on
    is full: the records it holds still serve, and writes fail (each with a warning).
    """

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self.dict: SQLiteDict | None = None
        self._ro: sqlite3.Connection | None = None
        self._ro_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._wrote = False
        state = _file_state(path)  # before a connection opens (and makes) its WAL
        try:
            if read_only:
                self._ro = _open_read_only(path)
            else:
                self._ro = _open_reader(path)
                if self._ro is None and not os.access(path.parent, os.W_OK):
                    raise sqlite3.OperationalError(f"cannot create {path}: not writable")
            # NOTE: a new file (no table yet) holds nothing to read: its writer, which creates
            # the table, is opened at the first write. Importing requests-cache (0.24 s) then
            # overlaps the first requests instead of delaying them.
            verdict = "ok"
            if self._ro is not None:  # fails now, not mid-run, on a damaged file
                self._ro.execute(f"SELECT count(*) FROM {TABLE} LIMIT 1").fetchone()
                # NOTE: quick_check reads the whole file: 0.25 s of every warm run of 100,000
                # records (264 MB), and 10x that for a cache 10x as big (#16). It runs when the
                # file changed since it was last known sound: since it last passed, or since a
                # run of this program last wrote it (its own transactions, closed cleanly).
                if not _known_sound(path, state):
                    (verdict,) = self._ro.execute("PRAGMA quick_check(1)").fetchone()
                    if verdict == "ok" and not read_only:
                        _mark_sound(path, state)
                else:
                    log.debug("%s is unchanged since it was last known sound", path)
        except sqlite3.Error:
            self.close()
            raise
        if verdict != "ok":
            self.close()
            raise CacheDamaged(f"integrity check: {verdict}")

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection | None]:
        """The connection to read with; None while a new file has not been written."""
        if self._ro is not None:
            with self._ro_lock:
                yield self._ro
            return
        if self.dict is None:
            yield None
            return
        with self.dict.connection() as con:
            yield con

    def _writer(self) -> SQLiteDict:
        with self._write_lock:
            if self.dict is None:
                self.dict = _sqlite_dict(self.path)
            return self.dict

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        with self._reading() as con:
            if con is None:
                return found
            for start in range(0, len(keys), _BULK):
                chunk = keys[start : start + _BULK]
                marks = ",".join("?" * len(chunk))
                rows = con.execute(f"SELECT key, value FROM {TABLE} WHERE key IN ({marks})", chunk)
                found.update((str(key), bytes(value)) for key, value in rows)
        return found

    def put_many(self, items: list[tuple[str, bytes, float]]) -> None:
        if self.read_only:
            raise sqlite3.OperationalError("the cache is open read-only (its disk is full)")
        writer = self._writer()
        with writer.bulk_commit():
            for key, value, _expires in items:
                writer[key] = value
        self._wrote = True

    def close(self) -> None:
        if self.dict is not None:
            self.dict.close()  # type: ignore[no-untyped-call]
            self.dict = None
        if self._ro is not None:
            self._ro.close()
            self._ro = None
        if self._wrote:  # the file as this run's own transactions left it
            self._wrote = False
            _mark_sound(self.path, _file_state(self.path))

    def keys(self) -> Iterator[str]:
        with self._reading() as con:
            rows = [] if con is None else con.execute(f"SELECT key FROM {TABLE}").fetchall()
        return iter(str(k) for (k,) in rows)


class RedisStore:
    """Entries in Redis (MGET, and pipelined SET with an expiry), shared by many runners."""

    def __init__(self, url: str) -> None:
        from redis import Redis

        # Short timeouts: a Redis that accepts connections but never answers (stopped, or
        # behind a dead proxy) costs one such wait before the run goes on without it.
        self.redis = Redis.from_url(url, socket_timeout=5, socket_connect_timeout=3)
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


def decode_entry(pmid: int, body: Any) -> CachedEntry:
    """A record (or not-found answer) for ``pmid`` in its object form (``encode_record``: an
    index row), checked field by field as it is built; raises ``ValueError`` for anything
    else. ``body`` is freshly decoded JSON: it becomes the record's state. The cache's own
    entries are rows (``decode_record_entry``)."""
    if not isinstance(body, dict):
        raise ValueError(f"the entry is {type(body).__name__}, not a record")
    if body.get("not_found") is True:
        if body.get("pmid") != pmid:
            raise ValueError(f"the not-found entry is for PMID {body.get('pmid')!r}")
        return NotFound(pmid)
    record = read_record(body)
    if record.pmid != pmid:
        raise ValueError(f"the entry holds the record of PMID {record.pmid}")
    return record


# --- a record's entry: ``[expires, row]`` or ``[expires, {"not_found": true, "pmid": N}]`` -------
#
# NOTE: the form of the entry is in its key (``RecordCache.key``: ``v<RECORD_FORMAT>r``), so an
# entry of the object form (``{"expires", "body"}``, format 6 and before) is never read as a
# row. Each entry is decoded by msgspec against its type in one pass, into the ``Record``
# itself: every value is checked against its field's declared type (JSON's ``true`` is not an
# integer, ``1.0`` not an integer either), a row may not have more values than the record has
# fields (the last ones, which have defaults, may be left out: this program always writes
# them), and a notice must have every field of its own. An author's object may leave a name out
# (it is then empty, as ``Author()``'s defaults say) and its unknown keys are ignored: the
# cache of a newer Author is under another key.


@functools.cache
def _record_entry() -> msgspec.json.Decoder[Any]:
    """The decoder of a record's entry, made at the first read (msgspec compiles the type)."""
    return msgspec.json.Decoder(tuple[float, Record | dict[str, Any]])


_AT = re.compile(r"^(?P<what>.*) - at `\$(?P<path>.*)`$", re.S)
_IN_ROW = re.compile(r"^\[1\]\[(?P<index>\d+)\](?P<rest>.*)$")
_NOT_FOUND_KEYS = ("not_found", "pmid")
_TOO_LONG = "Expected `array` of at most length"


def _entry_problem(exc: msgspec.ValidationError) -> str:
    """msgspec's refusal of an entry in the words of ``validate.Unsound``: the field first
    found wrong (``Record.authors[0].fore_name: expected `str`, got `int```)."""
    text = str(exc)
    found = _AT.match(text)
    if found is None:
        if text.startswith(_TOO_LONG):  # msgspec names no place: only a row has a most
            return f"not a record: {text[:1].lower()}{text[1:]}"
        return f"not a cache entry ({text})"
    what, path = found["what"], found["path"]
    what = what[:1].lower() + what[1:]
    in_row = _IN_ROW.match(path)
    if in_row is not None and int(in_row["index"]) < len(RECORD_FIELDS):
        return f"Record.{RECORD_FIELDS[int(in_row['index'])]}{in_row['rest']}: {what}"
    if path == "[1]":
        return f"not a record: {what}"
    return f"not a cache entry ({what} at {path or 'the top'})"


def _not_found(pmid: int, body: dict[str, Any]) -> NotFound:
    """The not-found answer an entry's object must be: exactly ``{"not_found": true, "pmid":
    <pmid>}``."""
    unknown = next((key for key in body if key not in _NOT_FOUND_KEYS), None)
    if unknown is not None:
        raise ValueError(f"not a record: object contains unknown field `{unknown}`")
    if body.get("not_found") is not True:
        raise ValueError("not a record: an object that is not a not-found answer")
    if body.get("pmid") != pmid or type(body.get("pmid")) is not int:
        raise ValueError(f"the not-found entry is for PMID {body.get('pmid')!r}")
    return NotFound(pmid)


def decode_record_entry(pmid: int, value: bytes) -> tuple[float, CachedEntry]:
    """A record entry as the cache stores it, checked in full: its expiry and the record (or
    not-found answer) of ``pmid``; raises ``ValueError`` naming what is wrong with anything
    else."""
    try:
        expires, body = _record_entry().decode(value)
    except msgspec.ValidationError as exc:
        raise ValueError(_entry_problem(exc)) from None
    except msgspec.DecodeError as exc:
        raise ValueError(f"not JSON ({exc})") from None
    if type(body) is Record:
        if body.pmid != pmid:
            raise ValueError(f"the entry holds the record of PMID {body.pmid}")
        return expires, body
    return expires, _not_found(pmid, body)


def encode_record_entry(entry: CachedEntry, expires: float) -> bytes:
    """An entry as ``decode_record_entry`` reads it."""
    if isinstance(entry, NotFound):
        return orjson.dumps([expires, {"not_found": True, "pmid": entry.pmid}])
    return msgspec.json.encode([expires, entry])  # the record as its row (array-like)


def decode_fulltext(pmcid: str, body: Any) -> FullText:
    if not isinstance(body, dict):
        raise ValueError(f"the entry is {type(body).__name__}, not a full text")
    text = FullText.from_json(body)
    wrong = problem(text)
    if wrong is not None:
        raise ValueError(wrong)
    if text.pmcid != pmcid:
        raise ValueError(f"the entry holds the full text of {text.pmcid}")
    return text


def decode_doi(doi: str, body: Any) -> tuple[int, ...]:
    if not isinstance(body, dict) or not isinstance(body.get("pmids"), list):
        raise ValueError("not a DOI entry")
    if str(body.get("doi", "")).casefold() != doi.casefold():
        raise ValueError(f"the entry is for DOI {body.get('doi')!r}")
    pmids = body["pmids"]
    if not all(isinstance(p, int) and not isinstance(p, bool) and p > 0 for p in pmids):
        raise ValueError("the entry's PMIDs are not positive integers")
    return tuple(pmids)


def decode_search(query: str, body: Any) -> tuple[int, ...]:
    """A cached search answer (ESearch term or ECitMatch line): the PMIDs it gave."""
    if not isinstance(body, dict) or not isinstance(body.get("pmids"), list):
        raise ValueError("not a search entry")
    if body.get("query") != query:
        raise ValueError(f"the entry is for the search {str(body.get('query'))[:60]!r}")
    pmids = body["pmids"]
    if not all(isinstance(p, int) and not isinstance(p, bool) and p > 0 for p in pmids):
        raise ValueError("the entry's PMIDs are not positive integers")
    return tuple(pmids)


def _one_line(exc: BaseException) -> str:
    text = (str(exc).splitlines() or [""])[0][:160]
    return f"{type(exc).__name__}: {text}" if not isinstance(exc, ValueError) else text


def _warn_damaged(damaged: Mapping[str, str]) -> None:
    if not damaged:
        return
    first, why = next(iter(damaged.items()))
    more = f" (and {len(damaged) - 1} more)" if len(damaged) > 1 else ""
    log.warning(
        "ignored %d cache entr%s that %s not what was asked for; refetching: %s: %s%s",
        len(damaged),
        "y" if len(damaged) == 1 else "ies",
        "is" if len(damaged) == 1 else "are",
        first,
        why,
        more,
    )


def is_redis_url(location: Path | str) -> bool:
    return isinstance(location, str) and location.startswith(("redis://", "rediss://", "unix://"))


class RecordCache:
    """Per-PMID records, per-PMC-id full texts and per-DOI PMIDs, with expiry."""

    def __init__(self, store: Store, *, max_age: timedelta) -> None:
        self.store = store
        self.max_age = max_age
        #: Set when a shared store (Redis) fails mid-run: from then on the run goes on
        #: without a cache, rather than waiting on a dead server for every slice and batch.
        self.lost: str | None = None

    def _lose(self, exc: BaseException) -> None:
        if self.lost is None:
            self.lost = redact(str(exc))
            log.warning("lost the shared cache (Redis: %s); going on without it", self.lost)

    @classmethod
    def sqlite(cls, directory: Path, *, max_age: timedelta) -> RecordCache:
        """The SQLite cache in ``directory``. A file that is not a sound database is set aside
        (renamed, with a warning) and a new one started: a damaged cache costs requests, never
        a run. A full disk, an I/O error or a read-only file is not damage: the cache is then
        opened read-only (its records still serve, even offline) or, failing that, the error
        is raised for the caller to run without a cache."""
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "records.sqlite"
        if path.exists() and not path.is_file():  # a FIFO would block the run forever
            raise OSError(f"{path} is not a regular file")
        try:
            return cls(SQLiteStore(path), max_age=max_age)
        except sqlite3.Error as exc:
            if not is_corruption(exc):
                if not path.exists():
                    raise
                log.warning(
                    "cannot write to the cache %s (%s); reading it without writing", path, exc
                )
                return cls(SQLiteStore(path, read_only=True), max_age=max_age)
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
        safe_url(url)  # its password, if any, is redacted from every message from now on
        return cls(RedisStore(url), max_age=max_age)

    @classmethod
    def open(cls, location: Path | str, *, max_age: timedelta) -> RecordCache:
        """A cache directory (SQLite) or a ``redis://`` URL."""
        if is_redis_url(location):
            return cls.redis(str(location), max_age=max_age)
        return cls.sqlite(Path(location), max_age=max_age)

    @staticmethod
    def key(pmid: int) -> str:
        """A record's key: its PMID, the record's format and the entry's form ("r", a row)."""
        return f"pubmed:{pmid}:v{RECORD_FORMAT}r"

    @staticmethod
    def fulltext_key(pmcid: str) -> str:
        return f"pmc:{pmcid}:v{FULLTEXT_FORMAT}"

    @staticmethod
    def doi_key(doi: str) -> str:
        return f"doi:{doi.casefold()}"

    def _get_raw(self, keys: list[str]) -> dict[str, bytes]:
        """The entries stored under ``keys``, as stored; none when the store cannot be read."""
        if self.lost is not None:
            return {}
        try:
            return self.store.get_many(keys)
        except redis_errors() as exc:
            self._lose(exc)
            return {}
        except Exception as exc:  # an unreadable cache is a miss, never a crash
            log.warning("could not read the cache (%s); fetching instead", redact(str(exc)))
            return {}

    def _get_json(self, keys: dict[str, Any]) -> dict[Any, Any]:
        """Fresh entries for ``keys`` (cache key -> caller's id), their bodies as stored; an
        entry that is not an ``{"expires", "body"}`` envelope is left out with a warning."""
        raw = self._get_raw(list(keys))
        now = time.time()
        found: dict[Any, Any] = {}
        damaged: dict[str, str] = {}
        for key, value in raw.items():
            if len(value) > MAX_ENTRY_BYTES:
                damaged[key] = f"the entry is {len(value):,} bytes, over {MAX_ENTRY_BYTES:,}"
                continue
            try:
                entry = orjson.loads(value)
                expires = entry["expires"]
                if not isinstance(expires, (int, float)) or isinstance(expires, bool):
                    raise TypeError("expiry is not a number")
                if expires > now:
                    found[keys[key]] = entry["body"]
            except (ValueError, KeyError, TypeError) as exc:
                damaged[key] = f"not a cache entry ({exc})"
        _warn_damaged(damaged)
        return found

    def _decoded(
        self, bodies: Mapping[Any, Any], decode: Callable[[Any, Any], V], kind: str
    ) -> dict[Any, V]:
        """Each body decoded and validated by ``decode(id, body)``; an entry that fails is a
        miss (refetched), with one warning for all of them."""
        found: dict[Any, V] = {}
        damaged: dict[str, str] = {}
        for ident, body in bodies.items():
            try:
                found[ident] = decode(ident, body)
            except Exception as exc:  # anything at all in a cache entry is a miss, not a crash
                damaged[f"{kind} {ident}"] = _one_line(exc)
        _warn_damaged(damaged)
        return found

    def _put_json(self, entries: Iterable[tuple[str, object, timedelta]]) -> None:
        now = time.time()
        items = []
        for key, body, max_age in entries:
            expires = now + max_age.total_seconds()
            value = orjson.dumps({"expires": expires, "body": body})  # a Record as it is
            items.append((key, value, expires))
        self._put_raw(items)

    def _put_raw(self, items: list[tuple[str, bytes, float]]) -> None:
        """Store ``(key, value, expiry)`` entries as they are, in one transaction; a lost
        Redis is given up for the rest of the run (``_lose``)."""
        if items and self.lost is None:
            try:
                self.store.put_many(items)
            except redis_errors() as exc:
                self._lose(exc)

    def get(self, pmid: int) -> CachedEntry | None:
        return self.get_many([pmid]).get(pmid)

    def get_many(self, pmids: Iterable[int]) -> dict[int, CachedEntry]:
        """The fresh cached entries for ``pmids``. Absent and expired ones are left out; so are
        entries that are damaged, of another record format, or hold another PMID's record
        (they are refetched, with a warning): a claim is only ever checked against the record
        of its own PMID."""
        keys = {self.key(p): p for p in pmids}
        raw = self._get_raw(list(keys))
        now = time.time()
        found: dict[int, CachedEntry] = {}
        damaged: dict[str, str] = {}
        for key, value in raw.items():
            pmid = keys[key]
            if len(value) > MAX_ENTRY_BYTES:
                damaged[f"PMID {pmid}"] = (
                    f"the entry is {len(value):,} bytes, over {MAX_ENTRY_BYTES:,}"
                )
                continue
            try:
                expires, entry = decode_record_entry(pmid, value)
            except Exception as exc:  # anything at all in a cache entry is a miss, not a crash
                damaged[f"PMID {pmid}"] = _one_line(exc)
                continue
            if expires > now:
                found[pmid] = entry
        _warn_damaged(damaged)
        return found

    def put_many(self, entries: Iterable[CachedEntry]) -> None:
        """Store records and not-found answers in one transaction."""
        if self.lost is not None:
            return
        now = time.time()
        items = []
        for entry in entries:
            max_age = self.max_age
            if isinstance(entry, NotFound):
                max_age = min(max_age, NOT_FOUND_MAX_AGE)
            expires = now + max_age.total_seconds()
            items.append((self.key(entry.pmid), encode_record_entry(entry, expires), expires))
        self._put_raw(items)

    def get_fulltexts(self, pmcids: Iterable[str]) -> dict[str, FullText]:
        bodies = self._get_json({self.fulltext_key(p): p for p in pmcids})
        return self._decoded(bodies, decode_fulltext, "PMC id")

    def put_fulltexts(self, texts: Iterable[FullText]) -> None:
        self._put_json((self.fulltext_key(t.pmcid), t.to_json(), self.max_age) for t in texts)

    def get_dois(self, dois: Iterable[str]) -> dict[str, tuple[int, ...]]:
        bodies = self._get_json({self.doi_key(d): d for d in dois})
        return self._decoded(bodies, decode_doi, "DOI")

    def put_dois(self, resolved: Mapping[str, tuple[int, ...]]) -> None:
        self._put_json(
            (self.doi_key(doi), {"doi": doi, "pmids": list(pmids)}, self.max_age)
            for doi, pmids in resolved.items()
        )

    @staticmethod
    def search_key(query: str) -> str:
        return f"search:{query}"

    def get_searches(self, queries: Iterable[str]) -> dict[str, tuple[int, ...]]:
        """Cached answers of searches (suggestions, #13), by their ESearch term or ECitMatch
        line."""
        bodies = self._get_json({self.search_key(q): q for q in queries})
        return self._decoded(bodies, decode_search, "search")

    def put_searches(self, found: Mapping[str, tuple[int, ...]]) -> None:
        self._put_json(
            (self.search_key(q), {"query": q, "pmids": list(pmids)}, self.max_age)
            for q, pmids in found.items()
        )

    def close(self) -> None:
        self.store.close()

    def __iter__(self) -> Iterator[str]:
        return self.store.keys()
