"""The real-record corpus: every PubMed record of ``tests/data/corpus/`` and of
``../shared/pubmed/``, parsed by the project's own reader (``ta1check.pubmed.files.iter_file``).

    from corpus import corpus_records       # tests/ is on sys.path under pytest
    records = corpus_records()              # dict[int, Record], cached

Parsing ~2,700 records takes some 10-20 s, so each file's records are cached as JSON in the
temp directory (``$TA1CHECK_CORPUS_CACHE`` or ``<tmp>/ta1check-corpus``), keyed by a hash of the
file's bytes and of the parser's source: a change to either is parsed again, never misread.
``tests/data/corpus/MANIFEST.md`` says where each file comes from.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import cache
from pathlib import Path

import orjson

import ta1check.pubmed.files as files_module
import ta1check.pubmed.parse as parse_module
import ta1check.pubmed.record as record_module
from ta1check.pubmed.files import iter_file
from ta1check.pubmed.record import Record

TESTS = Path(__file__).resolve().parent
CORPUS_DIR = TESTS / "data" / "corpus"
SHARED_PUBMED = TESTS.parents[1] / "shared" / "pubmed"


def corpus_files() -> tuple[Path, ...]:
    """The files of the corpus, in the order they are applied (a later record of one PMID
    replaces an earlier one): the shared efetch samples, then this directory's files."""
    shared = sorted(SHARED_PUBMED.glob("*.xml")) if SHARED_PUBMED.is_dir() else []
    own = sorted(CORPUS_DIR.glob("*.xml.gz"))
    return (*shared, *own)


def _cache_dir() -> Path:
    configured = os.environ.get("TA1CHECK_CORPUS_CACHE")
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "ta1check-corpus"


@cache
def _parser_hash() -> str:
    digest = hashlib.sha256()
    for module in (record_module, parse_module, files_module):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:16]


def _file_records(path: Path) -> list[Record]:
    data = path.read_bytes()
    key = hashlib.sha256(data).hexdigest()[:16] + "-" + _parser_hash()
    cached = _cache_dir() / f"{path.name}.{key}.json"
    if cached.is_file():
        try:
            return [Record.from_json(r) for r in orjson.loads(cached.read_bytes())]
        except (ValueError, KeyError, TypeError):
            pass  # damaged or of another format: parse again
    records = [r for r in iter_file(path) if isinstance(r, Record)]
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(orjson.dumps([r.to_json() for r in records]))
        temporary.replace(cached)
    except OSError:
        pass  # a read-only temp directory: parse every time
    return records


@cache
def corpus_by_file() -> dict[str, tuple[Record, ...]]:
    """Each corpus file's records (by file name), as the file holds them."""
    return {path.name: tuple(_file_records(path)) for path in corpus_files()}


@cache
def corpus_records() -> dict[int, Record]:
    """Every record of the corpus by PMID."""
    records: dict[int, Record] = {}
    for file_records in corpus_by_file().values():
        for record in file_records:
            records[record.pmid] = record
    return records


@cache
def corpus_origin() -> dict[int, str]:
    """The file each PMID's record comes from."""
    origin: dict[int, str] = {}
    for name, file_records in corpus_by_file().items():
        for record in file_records:
            origin[record.pmid] = name
    return origin


if __name__ == "__main__":
    import time

    start = time.perf_counter()
    by_file = corpus_by_file()
    for name, recs in by_file.items():
        print(f"{len(recs):6d}  {name}")
    print(f"{len(corpus_records()):6d}  distinct PMIDs, in {time.perf_counter() - start:.1f} s")
