"""Benchmark: hostile ``--records`` files, each checked by ``ta1check check`` in a fresh
process: exit code, wall time, peak RSS (VmHWM, from bench/_child.py).

Files (gzip; sizes are uncompressed):
- ``unclosed N MB``: a ``PubmedArticle`` that is never closed, then N MB of filler: refused at
  ``MAX_ELEMENT`` (16 MiB) with exit 2;
- ``prolog comment N MB``: a comment of N MB before the DOCTYPE, then one real record (ok);
- ``copies N MB``: N MB of copies of one real 21 KB record (efetch-29768149), all with the
  claim's PMID, so every copy is parsed: legitimately big input, linear time;
- ``others N MB``: the same copies with other PMIDs and the claim's record last: skipped
  unparsed;
- ``one record of N tags``: a real record with authors added to N tags (``<``), just under
  and over ``MAX_MARKUP`` (500,000): the densest a record may be, and refused (exit 2);
- ``one record with a 15 MB abstract``: under ``MAX_ELEMENT``.

Run: ``uv run python bench/hostile_records.py [--sizes 120 500]``.

Measured 2026-11-25, 2 cores shared with other work (start-up alone took about 2.5 s wall):

| file | gzip KB | exit | wall s | peak RSS MB |
|---|---:|---:|---:|---:|
| unclosed 120 MB | 121 | 2 | 3.89 | 88 |
| prolog comment 120 MB | 123 | 0 | 7.12 | 55 |
| copies 120 MB | 1,012 | 0 | 5.19 | 57 |
| others 120 MB | 1,025 | 0 | 5.64 | 58 |
| unclosed 500 MB | 504 | 2 | 4.36 | 88 |
| prolog comment 500 MB | 501 | 0 | 9.83 | 55 |
| copies 500 MB | 4,205 | 0 | 8.84 | 58 |
| others 500 MB | 4,260 | 0 | 7.74 | 57 |
| one record of 499,000 tags | 22 | 0 | 18.99 | 263 |
| one record of 600,000 tags | 25 | 2 | 2.72 | 71 |
| one record with a 15 MB abstract | 41 | 0 | 4.01 | 221 |

Before (issue #15): unclosed 120 MB peaked at 294 MB; 500 MB at 1.06 GB and 98 s. Copies
120 MB took 38 s (155 MB) before a record replaced by a later one of its PMID went unparsed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
PMID = 29768149
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD '
    b'PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/'
    b'pubmed_250101.dtd">\n<PubmedArticleSet>\n'
)
TAIL = b"</PubmedArticleSet>\n"


def real_record() -> bytes:
    xml = (HERE.parents[1] / "shared" / "pubmed" / "efetch-29768149.xml").read_bytes()
    found = re.search(rb"<PubmedArticle>.*?</PubmedArticle>", xml, re.S)
    assert found is not None
    return found.group(0)


def with_pmid(record: bytes, pmid: int) -> bytes:
    return re.sub(
        rb"<PMID Version=\"1\">\d+</PMID>", b'<PMID Version="1">%d</PMID>' % pmid, record, count=1
    )


def write_gz(path: Path, parts: Callable[[], object]) -> Path:
    with gzip.open(path, "wb", compresslevel=6) as out:
        for part in parts():  # type: ignore[attr-defined]
            out.write(part)
    return path


def unclosed(mb: int) -> Callable[[], object]:
    def parts():  # type: ignore[no-untyped-def]
        yield HEAD + b"<PubmedArticle>"
        block = b"<Author>" + b"a" * ((1 << 20) - 17) + b"</Author>"
        for _ in range(mb):
            yield block

    return parts


def prolog_comment(mb: int) -> Callable[[], object]:
    def parts():  # type: ignore[no-untyped-def]
        yield b'<?xml version="1.0" encoding="UTF-8"?>\n<!--'
        block = b" " * (1 << 20)
        for _ in range(mb):
            yield block
        yield b"-->\n" + HEAD[HEAD.index(b"<!DOCTYPE") :] + real_record() + TAIL

    return parts


def copies(mb: int, *, wanted: bool) -> Callable[[], object]:
    record = real_record()

    def parts():  # type: ignore[no-untyped-def]
        yield HEAD
        n = (mb << 20) // len(record)
        for i in range(n):
            yield record if wanted else with_pmid(record, 60_000_000 + i)
        if not wanted:
            yield record
        yield TAIL

    return parts


def dense_record(tags: int) -> Callable[[], object]:
    """The real record with authors of 4 tags each added, to ``tags`` tags in all."""
    record = real_record()
    author = b'<Author ValidYN="Y"><LastName>A</LastName></Author>'
    authors = author * ((tags - record.count(b"<")) // 4)
    start = b'<AuthorList CompleteYN="Y">'
    inflated = record.replace(start, start + authors, 1)
    assert inflated != record

    def parts():  # type: ignore[no-untyped-def]
        yield HEAD + inflated + TAIL

    return parts


def long_abstract(mb: int) -> Callable[[], object]:
    """The real record with ``mb`` MB of words added to its abstract (under the size cap)."""
    record = real_record()
    words = b"figures and words " * ((mb << 20) // 18)
    inflated = record.replace(b"</AbstractText>", words + b"</AbstractText>", 1)
    assert inflated != record

    def parts():  # type: ignore[no-untyped-def]
        yield HEAD + inflated + TAIL

    return parts


def run(records: Path, claims: Path, tmp: Path) -> tuple[int, float, float, str]:
    rss_file = tmp / "rss.json"
    env = {**os.environ, "BENCH_RSS_FILE": str(rss_file), "TA1CHECK_CACHE": str(tmp / "cache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            str(HERE / "_child.py"),
            "check",
            str(claims),
            "--records",
            str(records),
            "-q",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    rss = json.loads(rss_file.read_text())["maxrss_kib"] / 1024
    said = (proc.stdout + proc.stderr).strip().splitlines()
    return proc.returncode, wall, rss, said[-1] if said else ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[120, 500])
    args = parser.parse_args()
    cases: list[tuple[str, Callable[[], object]]] = []
    for mb in args.sizes:
        cases += [
            (f"unclosed {mb} MB", unclosed(mb)),
            (f"prolog comment {mb} MB", prolog_comment(mb)),
            (f"copies {mb} MB", copies(mb, wanted=True)),
            (f"others {mb} MB", copies(mb, wanted=False)),
        ]
    cases += [
        ("one record of 499,000 tags", dense_record(499_000)),
        ("one record of 600,000 tags", dense_record(600_000)),
        ("one record with a 15 MB abstract", long_abstract(15)),
    ]
    print("| file | gzip KB | exit | wall s | peak RSS MB | says |")
    print("|---|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory(prefix="ta1check-hostile-") as name:
        tmp = Path(name)
        claims = tmp / "c.toml"
        claims.write_text(f"[[claim]]\npmid = {PMID}\n", encoding="utf-8")
        for label, parts in cases:
            path = write_gz(tmp / "records.xml.gz", parts)
            code, wall, rss, said = run(path, claims, tmp)
            said = said.replace(str(path), "FILE")[:90]
            size = path.stat().st_size // 1024
            print(f"| {label} | {size:,} | {code} | {wall:.2f} | {rss:.0f} | {said} |", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
