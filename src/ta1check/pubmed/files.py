"""Records from local PubMed XML: efetch output, and NLM's annual baseline and daily update
files (``pubmed26n0001.xml.gz``…, gzip), read streaming.

Files are applied in the order given: a later file's record replaces an earlier one, and a
``DeleteCitation`` removes it. ``RecordIndex`` keeps the outcome in SQLite (PMID → record), so
that a check against the whole baseline needs no rescan.
"""

from __future__ import annotations

import gc
import gzip
import logging
import re
import sqlite3
import tempfile
import urllib.parse
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import orjson

from .cache import NotFound, decode_entry
from .fulltext import FullText
from .parse import BadResponse, UnsafeXML, parse_pubmed_xml, split_prolog
from .record import RECORD_FORMAT, Record, encode_record
from .source import Outcome, Progress, Unverified, merged

log = logging.getLogger(__name__)

#: Records read from an index (and decoded) at a time.
SLICE = 1_000

#: Records parsed per call (``parse_pubmed_xml``: lxml, or Bio.Entrez for a document of
#: another shape, which loads the DTD once per batch): bounded memory.
PARSE_BATCH = 500
#: ... or fewer: a batch ends once it holds this many bytes of XML, or this much markup
#: (``<``; Bio.Entrez's memory follows the elements: some 700 bytes each). 500 real records
#: of 21 KB hold 220,000.
PARSE_BYTES = 8 << 20
PARSE_MARKUP = 500_000
#: The largest record element read, and the most markup in one record. PubMed's largest
#: records (consortium papers with some 5,000 authors and their affiliations) are a few MB
#: with under 100,000 ``<``; the largest of the test corpus (3,000 real records) has 25,290.
#: Anything larger is not a record: buffering it unbounded is how a 120 KB gzip bomb took
#: 294 MB, and parsing 16 MiB of ``<Author/>`` would take gigabytes.
MAX_ELEMENT = 16 << 20
MAX_MARKUP = 500_000
_WRAP_HEAD = (
    b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
    b'1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    b"<PubmedArticleSet>"
)


class RecordsError(Exception):
    """A records file that cannot be read: ``path: cause``."""


def _open(path: Path) -> IO[bytes]:
    raw = path.open("rb")
    if raw.read(2) == b"\x1f\x8b":
        raw.seek(0)
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    raw.seek(0)
    return raw


@dataclass(frozen=True)
class Deleted:
    pmid: int


_START = re.compile(rb"<(PubmedArticle|PubmedBookArticle|DeleteCitation)(?=[\s>])")
# NOTE: bounded ``[^>]{0,200}``: with ``[^>]*``, a hostile element of "<PMID<PMID…" and no ">"
# costs quadratic time.
_PMID = re.compile(rb"<PMID[^>]{0,200}>\s*(\d+)\s*</PMID>")
_CHUNK = 1 << 20


def _elements(stream: IO[bytes], path: Path, head: bytes = b"") -> Iterator[tuple[bytes, bytes]]:
    """(tag, raw bytes) of each top-level record element, scanning ``head`` then the stream in
    chunks, in linear time and memory bounded by ``MAX_ELEMENT``.

    NOTE: the raw bytes are kept as written (namespaces, MathML, character references);
    re-serialising with ElementTree would rename namespace prefixes, which Bio.Entrez refuses.
    These elements never nest, so a start tag's matching end tag closes the element. The end
    tag is looked for only in what was not searched yet: searching again from the start tag
    for every chunk made an unclosed element cost quadratic time (98 s for a 500 MB bomb).
    """
    buffer = head
    pos = 0  # where the unread part of ``buffer`` starts: no copy per element
    begin = -1  # where the open element starts, if one is open
    tag = end_tag = b""
    search_from = 0  # where the open element's end tag may start
    eof = False
    while True:
        if begin < 0:
            match = _START.search(buffer, pos)
            if match is not None:
                begin, tag = match.start(), match.group(1)
                end_tag = b"</" + tag + b">"
                search_from = match.end()
        if begin >= 0:
            end = buffer.find(end_tag, search_from)
            if end >= 0:
                pos = end + len(end_tag)
                yield tag, buffer[begin:pos]
                begin = -1
                continue
            search_from = max(search_from, len(buffer) - len(end_tag) + 1)
            if len(buffer) - begin > MAX_ELEMENT:
                raise RecordsError(
                    f"{path}: a {tag.decode()} element larger than {MAX_ELEMENT >> 20} MiB "
                    "(PubMed's largest records are a few MB): not a PubMed records file, refused"
                )
        if eof:
            if begin >= 0:
                raise RecordsError(f"{path}: truncated: a {tag.decode()} is not closed")
            return
        chunk = stream.read(_CHUNK)
        if not chunk:
            eof = True
        # keep only what may still hold (the start of) an element
        keep = begin if begin >= 0 else max(pos, len(buffer) - 64)
        buffer = buffer[keep:] + chunk
        if begin >= 0:
            search_from -= keep
            begin = 0
        pos = 0


_UTF8 = re.compile(r"utf-?8|(us-)?ascii", re.IGNORECASE)


def _read_prolog(stream: IO[bytes], path: Path) -> bytes:
    """Refuse a file whose prolog declares entities or an encoding other than UTF-8, wherever
    the declaration sits: the records are parsed inside a prolog of ours (UTF-8, PubMed's DTD),
    so what the file's own prolog declares would otherwise be silently dropped. Returns what
    was read past the prolog."""
    try:
        prolog, rest = split_prolog(stream.read)
    except UnsafeXML as exc:
        raise RecordsError(f"{path}: {exc.cause}") from None
    if prolog.encoding is not None and not _UTF8.fullmatch(prolog.encoding):
        raise RecordsError(f"{path}: the XML is in {prolog.encoding}; PubMed files are UTF-8")
    return rest


def iter_file(path: Path, wanted: Collection[int] | None = None) -> Iterator[Record | Deleted]:
    """Every record and deletion of one file (only those of ``wanted`` PMIDs, if given), in
    file order, parsed in batches (``PARSE_BATCH``, ``PARSE_BYTES``, ``PARSE_MARKUP``); memory
    stays bounded whatever the file's size. A record not wanted is skipped before it is parsed,
    and so is one that a later record of the same PMID replaces before the batch is parsed."""
    try:
        with _open(path) as stream:
            rest = _read_prolog(stream, path)
            # PMID (or, lacking one, a key of its own) -> (raw record, its markup)
            pending: dict[object, tuple[bytes, int]] = {}
            size = markup = 0
            for tag, raw in _elements(stream, path, rest):
                if tag == b"DeleteCitation":
                    yield from _parse([r for r, _ in pending.values()], path)
                    pending, size, markup = {}, 0, 0
                    for pmid in _PMID.findall(raw):
                        if wanted is None or int(pmid) in wanted:
                            yield Deleted(int(pmid))
                    continue
                # The first PMID of a record is its own (MedlineCitation or BookDocument).
                first = _PMID.search(raw)
                if wanted is not None and first is not None and int(first.group(1)) not in wanted:
                    continue
                tags = raw.count(b"<")
                if tags > MAX_MARKUP:
                    which = f"PMID {int(first.group(1))}" if first else f"a {tag.decode()}"
                    raise RecordsError(
                        f"{path}: {which} holds {tags:,} tags, over the {MAX_MARKUP:,} of any "
                        "PubMed record: not a PubMed records file, refused"
                    )
                key: object = int(first.group(1)) if first else object()
                replaced = pending.pop(key, None)
                if replaced is not None:
                    size -= len(replaced[0])
                    markup -= replaced[1]
                pending[key] = (raw, tags)
                size += len(raw)
                markup += tags
                if len(pending) >= PARSE_BATCH or size >= PARSE_BYTES or markup >= PARSE_MARKUP:
                    yield from _parse([r for r, _ in pending.values()], path)
                    pending, size, markup = {}, 0, 0
            yield from _parse([r for r, _ in pending.values()], path)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise RecordsError(f"{path}: {exc}") from None


def _parse(chunks: list[bytes], path: Path) -> Iterator[Record]:
    if not chunks:
        return
    try:
        parsed = parse_pubmed_xml(_WRAP_HEAD + b"".join(chunks) + b"</PubmedArticleSet>")
    except BadResponse as exc:
        raise RecordsError(f"{path}: {exc.cause}") from None
    # Bio.Entrez (which reads a document of another shape than PubMed's: ``xmlread``) leaves
    # its parse tree in reference cycles (some 2,000 objects a record), which only a full pass
    # of the collector frees, and during a check the collector's passes are rarer (gctune).
    # Freed now, memory stays bounded by one batch: left to the collector, a check against a
    # 30,000-record file peaked at 585 MB instead of 146. lxml's tree is freed as it goes.
    if parsed.by_entrez:
        gc.collect()
    yield from parsed.records.values()


#: ``PRAGMA application_id`` of an index ("TA1C"): how an index is told from another
#: application's SQLite file before anything opens it.
APPLICATION_ID = 0x54413143
#: ``PRAGMA user_version`` of an index: its layout. Indexes built before the marker (none) are
#: refused, and must be rebuilt with ``ta1check index``.
INDEX_FORMAT = 1
_SQLITE_MAGIC = b"SQLite format 3\x00"
_REBUILD = "rebuild it with `ta1check index`"


def _check_marker(path: Path) -> bool:
    """Whether ``path`` is a ta1check index (False: it is empty or absent, a new index).
    Raises ``RecordsError`` for anything else. Reads the SQLite header only: a file that is
    not ours is never opened by SQLite, which would create -wal/-shm files beside it."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise RecordsError(f"{path}: {exc.strerror or exc}") from None
    if not header:
        return False
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        raise RecordsError(f"{path}: not a ta1check index (not an SQLite database); refused")
    application_id = int.from_bytes(header[68:72], "big")
    version = int.from_bytes(header[60:64], "big")
    if application_id != APPLICATION_ID:
        raise RecordsError(
            f"{path}: not a ta1check index (another application's SQLite database, or an index "
            f"built before ta1check marked its indexes: {_REBUILD}); refused, left untouched"
        )
    if version != INDEX_FORMAT:
        raise RecordsError(
            f"{path}: a ta1check index of format {version}; this ta1check reads format "
            f"{INDEX_FORMAT}: {_REBUILD}"
        )
    return True


def _sqlite_error(path: Path, exc: sqlite3.Error) -> RecordsError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        cause = "the index is locked by another process (an index being built?)"
    elif "readonly" in text:
        cause = (
            "the index has an unfinished write (an interrupted `ta1check index`?): run "
            "`ta1check index` on it again, which rolls it back"
        )
    elif isinstance(exc, sqlite3.DatabaseError) and (
        "malformed" in text or "not a database" in text or "no such" in text
    ):
        cause = f"the index is damaged ({text}): {_REBUILD}"
    else:
        cause = f"cannot use the index: {text}"
    return RecordsError(f"{path}: {cause}")


def _uri(path: Path, *, read_only: bool = False) -> str:
    """``path`` as an SQLite URI (any file name; ``mode=ro``: SQLite writes nothing)."""
    return "file:" + urllib.parse.quote(str(path.resolve())) + ("?mode=ro" if read_only else "")


class RecordIndex:
    """PMID → record, built once from files (``ta1check index``), in one SQLite file marked as
    ours (``APPLICATION_ID``, ``INDEX_FORMAT``). ``RecordIndex(path)`` builds or extends one
    (never writing into a file that is not an index of ours); ``RecordIndex.read_only(path)``
    reads one without changing a byte. Every SQLite error is a ``RecordsError`` naming the
    file."""

    def __init__(self, path: Path, *, _read_only: bool = False) -> None:
        self.path = path
        ours = _check_marker(path)
        try:
            if _read_only:
                if not ours:
                    raise RecordsError(f"{path}: not a ta1check index (empty); refused")
                self.db = sqlite3.connect(_uri(path, read_only=True), uri=True, timeout=5)
                self.db.execute("SELECT pmid, format, data FROM records LIMIT 0").fetchall()
                return
            # autocommit; explicit transactions: the marker is written with the tables
            self.db = sqlite3.connect(_uri(path), uri=True, timeout=5, isolation_level=None)
            if not ours:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.execute(
                    "CREATE TABLE IF NOT EXISTS records (pmid INTEGER PRIMARY KEY, "
                    "format INTEGER, data TEXT)"
                )
                self.db.execute(
                    "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, "
                    "records INTEGER, deleted INTEGER)"
                )
                self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                self.db.execute(f"PRAGMA user_version = {INDEX_FORMAT}")
                self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise _sqlite_error(path, exc) from None

    @classmethod
    def read_only(cls, path: Path) -> RecordIndex:
        return cls(path, _read_only=True)

    def add(
        self,
        path: Path,
        progress: Callable[[int], None] | None = None,
        wanted: Collection[int] | None = None,
    ) -> tuple[int, int]:
        """Apply one file (only the records of ``wanted`` PMIDs, if given), in one
        transaction; returns (records, deletions)."""
        records = deleted = 0
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for item in iter_file(path, wanted):
                    if isinstance(item, Deleted):
                        self.db.execute("DELETE FROM records WHERE pmid = ?", (item.pmid,))
                        deleted += 1
                    else:
                        self.db.execute(
                            "INSERT OR REPLACE INTO records VALUES (?, ?, ?)",
                            (item.pmid, RECORD_FORMAT, encode_record(item)),
                        )
                        records += 1
                        if progress and records % 1000 == 0:
                            progress(1000)
                self.db.execute(
                    "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                    (str(path.resolve()), path.stat().st_size, records, deleted),
                )
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise _sqlite_error(self.path, exc) from None
        return records, deleted

    def copy_from(self, other: Path, wanted: Sequence[int]) -> None:
        """Apply another index (read-only), as far as ``wanted`` goes: its records replace
        these."""
        if not _check_marker(other):
            raise RecordsError(f"{other}: not a ta1check index (empty); refused")
        try:
            self.db.execute("ATTACH DATABASE ? AS other", (_uri(other, read_only=True),))
        except sqlite3.Error as exc:
            raise _sqlite_error(other, exc) from None
        try:
            self.db.execute("BEGIN IMMEDIATE")
            for start in range(0, len(wanted), 900):
                chunk = wanted[start : start + 900]
                marks = ",".join("?" * len(chunk))
                self.db.execute(
                    "INSERT OR REPLACE INTO records SELECT pmid, format, data FROM "
                    f"other.records WHERE pmid IN ({marks})",
                    chunk,
                )
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise _sqlite_error(other, exc) from None
        finally:
            self.db.execute("DETACH DATABASE other")

    def get_many(self, pmids: Iterable[int]) -> dict[int, Record]:
        found: dict[int, Record] = {}
        wanted = list(pmids)
        try:
            for start in range(0, len(wanted), 900):
                chunk = wanted[start : start + 900]
                marks = ",".join("?" * len(chunk))
                rows = self.db.execute(
                    f"SELECT pmid, format, data FROM records WHERE pmid IN ({marks})", chunk
                ).fetchall()
                for pmid, fmt, data in rows:
                    if fmt != RECORD_FORMAT:
                        raise RecordsError(
                            f"{self.path}: its records are of format {fmt!r}; this ta1check "
                            f"reads format {RECORD_FORMAT}: {_REBUILD}"
                        )
                    found[pmid] = self._decoded(pmid, data)
        except sqlite3.Error as exc:
            raise _sqlite_error(self.path, exc) from None
        return found

    def _decoded(self, pmid: object, data: object) -> Record:
        """A row read back, checked as a cache entry is (``cache.decode_entry``: shape, field
        types, and the record of exactly this PMID); a row that fails is a damaged index."""
        try:
            if not isinstance(pmid, int) or isinstance(data, (int, float)) or data is None:
                raise ValueError("not a record row")
            entry = decode_entry(pmid, orjson.loads(data))  # type: ignore[arg-type]
            if not isinstance(entry, Record):
                raise ValueError("not a record")
            return entry
        except Exception as exc:  # anything in a row is the index's damage, never a crash
            raise RecordsError(
                f"{self.path}: the row for PMID {pmid} is not a valid record "
                f"({type(exc).__name__}: {str(exc)[:120]}); rebuild the index with ta1check index"
            ) from None

    def count(self) -> int:
        try:
            return int(self.db.execute("SELECT count(*) FROM records").fetchone()[0])
        except sqlite3.Error as exc:
            raise _sqlite_error(self.path, exc) from None

    def close(self) -> None:
        self.db.close()


def is_index(path: Path) -> bool:
    """Whether ``path`` is an SQLite file (then it must be a ta1check index, or is refused)."""
    try:
        with path.open("rb") as handle:
            return handle.read(16) == _SQLITE_MAGIC
    except OSError:
        return False


class FilesSource:
    """Records from local files or an index instead of the network.

    ``complete``: the files are the whole of PubMed (the full baseline and its updates), so a
    PMID absent from them is ``pmid-not-found``; otherwise it is ``unverified``.
    """

    def __init__(self, paths: Collection[Path], *, complete: bool = False) -> None:
        self.paths = list(paths)
        self.complete = complete

    def _missing(self, pmid: int) -> Outcome:
        if self.complete:
            return NotFound(pmid)
        return Unverified(pmid, "not in the given PubMed records (not the whole of PubMed)")

    def fetch(self, pmids: Collection[int], progress: Progress | None = None) -> dict[int, Outcome]:
        return merged(self.stream(pmids, progress))

    def stream(
        self, pmids: Collection[int], progress: Progress | None = None
    ) -> Iterator[Mapping[int, Outcome]]:
        """Every PMID's outcome, ``SLICE`` at a time, read from one index."""
        wanted = sorted(set(pmids))
        with self._index_of(wanted) as index:
            for start in range(0, len(wanted), SLICE):
                part = wanted[start : start + SLICE]
                found = index.get_many(part)
                if progress:
                    progress(len(part))
                yield {p: found.get(p) or self._missing(p) for p in part}

    @contextmanager
    def _index_of(self, wanted: list[int]) -> Iterator[RecordIndex]:
        """The index given, if it is all that was given; else a throw-away index of the
        ``wanted`` records of every path, applied in order (one pass over each file)."""
        if len(self.paths) == 1 and is_index(self.paths[0]):
            index = RecordIndex.read_only(self.paths[0])
            try:
                yield index
            finally:
                index.close()
            return
        with tempfile.TemporaryDirectory(prefix="ta1check-records-") as tmp:
            index = RecordIndex(Path(tmp) / "wanted.sqlite")
            try:
                keep = frozenset(wanted)
                for path in self.paths:
                    if is_index(path):
                        index.copy_from(path, wanted)
                    else:
                        index.add(path, wanted=keep)
                yield index
            finally:
                index.close()

    def fetch_fulltext(self, pmcids: Collection[str]) -> dict[str, FullText | Unverified]:
        return {
            p: Unverified(p, "checking against local records: no PMC full text") for p in pmcids
        }
