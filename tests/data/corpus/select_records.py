"""How the corpus files here were cut from the files their packages ship (kept for the record).

Run from the repository root, with the packages' files unpacked somewhere:

    uv run python tests/data/corpus/select_records.py SOURCE.xml[.gz] OUT.xml.gz [SEED]

Each record element is copied byte for byte (``<PubmedArticle>…</PubmedArticle>``) under the
source file's own XML declaration and DOCTYPE; only the choice of records is ours. The choice is
deterministic: every record of the kinds the accuracy suite needs (Lancet journals, collective
authors, errata, comments, retractions, markup in titles, MEDLINE "--" subtitles, MedlineDate
years, non-ASCII names), each kind capped, then a seeded sample of records with an abstract.
"""

from __future__ import annotations

import gzip
import random
import re
import sys
from pathlib import Path

from ta1check.pubmed.files import _elements, _open, iter_file
from ta1check.pubmed.record import Record

_PMID = re.compile(rb"<PMID[^>]*>\s*(\d+)\s*</PMID>")
_HEAD = re.compile(rb"^(.*?<PubmedArticleSet>|.*?<MedlineCitationSet>)", re.S)

#: kind -> (test, cap)
KINDS = {
    "lancet": (lambda r, x: "lancet" in r.journal.lower(), 200),
    "efsa": (lambda r, x: "efsa" in r.journal.lower(), 60),
    "collective": (lambda r, x: any(a.collective for a in r.authors), 400),
    "retraction": (
        lambda r, x: bool(
            {"Retraction of Publication", "Retracted Publication"} & set(r.publication_types)
        ),
        40,
    ),
    "erratum": (lambda r, x: "Published Erratum" in r.publication_types, 40),
    "comment": (lambda r, x: "Comment" in r.publication_types, 40),
    "editorial": (lambda r, x: "Editorial" in r.publication_types, 30),
    "mathml": (lambda r, x: b"<mml:" in _title_bytes(x), 60),
    "title-markup": (lambda r, x: b"<" in _title_bytes(x), 150),
    "dashdash": (lambda r, x: "--" in r.title, 200),
    "medlinedate": (lambda r, x: b"<MedlineDate>" in x, 150),
    "season": (lambda r, x: b"<Season>" in x, 30),
    "non-ascii-name": (
        lambda r, x: any(not (a.last_name + a.initials).isascii() for a in r.authors),
        150,
    ),
    "greek-title": (lambda r, x: any("\u0370" <= ch <= "\u03ff" for ch in r.title), 60),
    "epub-year-differs": (
        lambda r, x: r.epub_year is not None and r.year is not None and r.epub_year != r.year,
        60,
    ),
}


def _title_bytes(raw: bytes) -> bytes:
    m = re.search(rb"<ArticleTitle[^>]*>(.*?)</ArticleTitle>", raw, re.S)
    return m.group(1) if m else b""


def select(source: Path, target: int, seed: int) -> tuple[bytes, list[bytes], dict[str, int]]:
    with _open(source) as stream:
        head_match = _HEAD.match(stream.read(8192))
    if head_match is None:
        raise SystemExit(f"{source}: no PubmedArticleSet")
    head = head_match.group(1)
    records: dict[int, Record] = {
        r.pmid: r for r in iter_file(source) if isinstance(r, Record) and not r.is_book
    }
    raw: dict[int, bytes] = {}
    with _open(source) as stream:
        for tag, element in _elements(stream, source):
            if tag != b"PubmedArticle":
                continue
            m = _PMID.search(element)
            if m:
                raw[int(m.group(1))] = element
    rng = random.Random(seed)
    order = sorted(records)
    rng.shuffle(order)
    chosen: dict[int, None] = {}
    counts: dict[str, int] = {}
    for kind, (test, cap) in KINDS.items():
        hits = [p for p in order if p in raw and test(records[p], raw[p])]
        for p in hits[:cap]:
            chosen[p] = None
        counts[kind] = min(len(hits), cap)
    for p in order:
        if len(chosen) >= target:
            break
        if p in raw and records[p].has_abstract:
            chosen[p] = None
    counts["total"] = len(chosen)
    # file order, as the source has them
    pmids = [p for p in raw if p in chosen]
    return head, [raw[p] for p in pmids], counts


def main() -> None:
    source, out = Path(sys.argv[1]), Path(sys.argv[2])
    target = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 11
    head, elements, counts = select(source, target, seed)
    tail = b"\n</PubmedArticleSet>\n" if head.endswith(b"<PubmedArticleSet>") else b"\n"
    body = b"".join(b"\n  " + e for e in elements)
    with gzip.GzipFile(out, "wb", mtime=0) as handle:
        handle.write(head + body + tail)
    print(counts)


if __name__ == "__main__":
    main()
