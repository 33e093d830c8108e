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
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import orjson

from .cache import NotFound
from .fulltext import FullText
from .parse import BadResponse, parse_pubmed_xml
from .record import RECORD_FORMAT, Record
from .source import Outcome, Progress, Unverified, merged

log = logging.getLogger(__name__)

#: Records read from an index (and decoded) at a time.
SLICE = 1_000

#: Records parsed per Bio.Entrez call: bounded memory, and the DTD is loaded once per batch.
PARSE_BATCH = 500
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
_PMID = re.compile(rb"<PMID[^>]*>\s*(\d+)\s*</PMID>")
_CHUNK = 1 << 20


def _elements(stream: IO[bytes], path: Path) -> Iterator[tuple[bytes, bytes]]:
    """(tag, raw bytes) of each top-level record element, scanning the stream in chunks.

    NOTE: the raw bytes are kept as written (namespaces, MathML, character references);
    re-serialising with ElementTree would rename namespace prefixes, which Bio.Entrez refuses.
    These elements never nest, so a start tag's matching end tag closes the element.
    """
    buffer = b""
    pos = 0  # where the unread part of ``buffer`` starts: no copy per element
    eof = False
    while True:
        match = _START.search(buffer, pos)
        if match is not None:
            tag = match.group(1)
            end = buffer.find(b"</" + tag + b">", match.end())
            if end >= 0:
                stop = end + len(tag) + 3
                yield tag, buffer[match.start() : stop]
                pos = stop
                continue
        if eof:
            if match is not None:
                raise RecordsError(f"{path}: truncated: a {tag.decode()} is not closed")
            return
        chunk = stream.read(_CHUNK)
        if not chunk:
            eof = True
        # keep only what may still hold (the start of) an element
        buffer = (
            buffer[match.start() :] if match is not None else buffer[max(pos, len(buffer) - 64) :]
        )
        pos = 0
        buffer += chunk


def iter_file(path: Path, wanted: Collection[int] | None = None) -> Iterator[Record | Deleted]:
    """Every record and deletion of one file (only those of ``wanted`` PMIDs, if given), in
    file order, parsed in batches of ``PARSE_BATCH``; memory stays bounded whatever the file's
    size. A record not wanted is skipped before it is parsed."""
    try:
        with _open(path) as stream:
            head = stream.read(4096)
            if b"<!ENTITY" in head:
                raise RecordsError(f"{path}: the XML declares its own entities: refused")
            if not head.lstrip().startswith(b"<"):
                raise RecordsError(f"{path}: not XML")
        with _open(path) as stream:
            pending: list[bytes] = []
            for tag, raw in _elements(stream, path):
                if tag == b"DeleteCitation":
                    yield from _parse(pending, path)
                    pending = []
                    for pmid in _PMID.findall(raw):
                        if wanted is None or int(pmid) in wanted:
                            yield Deleted(int(pmid))
                    continue
                if wanted is not None:
                    # The first PMID of a record is its own (MedlineCitation or BookDocument).
                    first = _PMID.search(raw)
                    if first is not None and int(first.group(1)) not in wanted:
                        continue
                pending.append(raw)
                if len(pending) >= PARSE_BATCH:
                    yield from _parse(pending, path)
                    pending = []
            yield from _parse(pending, path)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise RecordsError(f"{path}: {exc}") from None


def _parse(chunks: list[bytes], path: Path) -> Iterator[Record]:
    if not chunks:
        return
    try:
        parsed = parse_pubmed_xml(_WRAP_HEAD + b"".join(chunks) + b"</PubmedArticleSet>")
    except BadResponse as exc:
        raise RecordsError(f"{path}: {exc.cause}") from None
    # Bio.Entrez leaves its parse tree in reference cycles (some 2,000 objects a record),
    # which only a full pass of the collector frees, and during a check the collector's
    # passes are rarer (gctune). Freed now, memory stays bounded by one batch: left to the
    # collector, a check against a 30,000-record file peaked at 585 MB instead of 146.
    gc.collect()
    yield from parsed.records.values()


class RecordIndex:
    """PMID → record, built once from files (``ta1check index``), in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS records (pmid INTEGER PRIMARY KEY, format INTEGER, "
            "data TEXT)"
        )
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, "
            "records INTEGER, deleted INTEGER)"
        )

    def add(
        self,
        path: Path,
        progress: Callable[[int], None] | None = None,
        wanted: Collection[int] | None = None,
    ) -> tuple[int, int]:
        """Apply one file (only the records of ``wanted`` PMIDs, if given); returns (records,
        deletions)."""
        records = deleted = 0
        with self.db:
            for item in iter_file(path, wanted):
                if isinstance(item, Deleted):
                    self.db.execute("DELETE FROM records WHERE pmid = ?", (item.pmid,))
                    deleted += 1
                else:
                    self.db.execute(
                        "INSERT OR REPLACE INTO records VALUES (?, ?, ?)",
                        (item.pmid, RECORD_FORMAT, orjson.dumps(item.to_json())),
                    )
                    records += 1
                    if progress and records % 1000 == 0:
                        progress(1000)
            self.db.execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                (str(path.resolve()), path.stat().st_size, records, deleted),
            )
        return records, deleted

    def copy_from(self, other: Path, wanted: Sequence[int]) -> None:
        """Apply another index, as far as ``wanted`` goes: its records replace these."""
        self.db.execute("ATTACH DATABASE ? AS other", (str(other),))
        try:
            with self.db:
                for start in range(0, len(wanted), 900):
                    chunk = wanted[start : start + 900]
                    marks = ",".join("?" * len(chunk))
                    self.db.execute(
                        "INSERT OR REPLACE INTO records SELECT pmid, format, data FROM "
                        f"other.records WHERE pmid IN ({marks})",
                        chunk,
                    )
        finally:
            self.db.execute("DETACH DATABASE other")

    def get_many(self, pmids: Iterable[int]) -> dict[int, Record]:
        found: dict[int, Record] = {}
        wanted = list(pmids)
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT pmid, format, data FROM records WHERE pmid IN ({marks})", chunk
            )
            for pmid, fmt, data in rows:
                if fmt == RECORD_FORMAT:
                    found[pmid] = Record.from_json(orjson.loads(data))
        return found

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM records").fetchone()[0])

    def close(self) -> None:
        self.db.close()


def is_index(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
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
            index = RecordIndex(self.paths[0])
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
