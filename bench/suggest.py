"""How often the right PMID is suggested, and how often a wrong one (issue #13).

    uv run python bench/suggest.py [--records 300] [--seed 13] [--per-run 20] [--json PATH]

Real records of the corpus (tests/data/corpus and ../shared/pubmed, 2,680 records) are served
by the E-utilities emulator (tests/emulator.py: efetch, esearch terms, ecitmatch, all over the
same records). From a seeded sample of records with a first author, a journal and a year,
each gives claims written "Surname et al., ISO abbreviation (Year)" (half of them with the
record's title as ``title``):

- ``other``: the PMID of another corpus record (a reference pasted on the wrong line);
- ``transposed``: the record's PMID with two adjacent digits swapped (absent from the
  corpus, so PubMed has no record: pmid-not-found);
- ``correct``: the record's own PMID (a correct citation: nothing may be suggested).

Claims are checked through the library (``ta1check.api.check_files``, the CLI's path) in runs
of ``--per-run`` claims (an article's worth), each run with a fresh cache. A suggestion is
right when it names the record the citation was made from, wrong otherwise. Precision =
right / (right + wrong). Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from corpus import corpus_files, corpus_records  # noqa: E402
from emulator import Emulator, split_articles  # noqa: E402
from ta1check.api import Settings, check_files  # noqa: E402
from ta1check.claims import loads_claims  # noqa: E402
from ta1check.pubmed.record import Record  # noqa: E402


def served() -> dict[int, bytes]:
    """Every corpus record's XML, by PMID (later files win, as in the corpus)."""
    xml: dict[int, bytes] = {}
    for path in corpus_files():
        data = path.read_bytes()
        xml.update(split_articles(gzip.decompress(data) if path.suffix == ".gz" else data))
    return xml


def citable(record: Record) -> bool:
    first = record.authors[0] if record.authors else None
    return bool(
        first
        and first.last_name
        and not first.collective
        and (record.iso_abbreviation or record.medline_ta)
        and record.year
        and record.title
        and not record.is_book
    )


def transposed(pmid: int, rng: random.Random, taken: set[int]) -> int | None:
    digits = str(pmid)
    spots = [i for i in range(len(digits) - 1) if digits[i] != digits[i + 1]]
    rng.shuffle(spots)
    for i in spots:
        text = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
        if not text.startswith("0") and int(text) not in taken:
            return int(text)
    return None


def toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def claim_toml(key: str, pmid: int, record: Record, with_title: bool) -> str:
    journal = record.iso_abbreviation or record.medline_ta
    citation = f"{record.authors[0].last_name} et al., {journal} ({record.year})"
    lines = [
        "[[claim]]",
        f"id = {toml_string(key)}",
        f"pmid = {pmid}",
        f"citation = {toml_string(citation)}",
    ]
    if with_title:
        lines.append(f"title = {toml_string(record.title)}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=300)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--per-run", type=int, default=20)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--examples", type=int, default=10)
    args = parser.parse_args()

    records = corpus_records()
    xml = served()
    rng = random.Random(args.seed)
    pool = sorted(p for p, r in records.items() if citable(r) and p in xml)
    sample = rng.sample(pool, min(args.records, len(pool)))
    every = set(records)
    claims: list[tuple[str, str, int]] = []  # (case, toml, expected pmid)
    for n, pmid in enumerate(sample):
        record = records[pmid]
        with_title = n % 2 == 1
        other = rng.choice([p for p in pool if p != pmid])
        claims.append(("other", claim_toml(f"other-{pmid}", other, record, with_title), pmid))
        typo = transposed(pmid, rng, every)
        if typo is not None:
            claims.append(
                ("transposed", claim_toml(f"transposed-{pmid}", typo, record, with_title), pmid)
            )
        claims.append(("correct", claim_toml(f"correct-{pmid}", pmid, record, with_title), pmid))
    rng.shuffle(claims)

    emulator = Emulator(records=xml, enforce_rate=False).start()
    tally: Counter[tuple[str, str]] = Counter()
    examples: dict[str, list[str]] = {"wrong": [], "missed": []}
    started = time.perf_counter()
    requests = 0
    try:
        for start in range(0, len(claims), args.per_run):
            part = claims[start : start + args.per_run]
            text = "\n".join(toml for _, toml, _ in part)
            expected = {i: (case, pmid) for i, (case, _, pmid) in enumerate(part)}
            with tempfile.TemporaryDirectory() as cache:
                settings = Settings(
                    eutils_url=emulator.url,
                    api_key="bench-key",  # NCBI's 10 requests/s, as with a key
                    cache_dir=Path(cache),
                    timeout=600,
                    fulltext=False,
                )
                before = len(emulator.log)
                run = check_files([loads_claims(text)], settings)
                requests += len(emulator.log) - before
                for i, result in enumerate(run.results):
                    case, pmid = expected[i]
                    s = result.suggestion
                    wanted = "wanted" if case != "correct" else "control"
                    if s is None:
                        verdict = "none"
                        if case != "correct" and len(examples["missed"]) < args.examples:
                            examples["missed"].append(f"{case}: {result.claim.citation.raw}")
                    elif s.pmid == pmid:
                        verdict = "right"
                    else:
                        verdict = "wrong"
                        if len(examples["wrong"]) < args.examples:
                            examples["wrong"].append(
                                f"{case}: {result.claim.citation.raw} (PMID {pmid}) -> {s.text}"
                            )
                    tally[(case, verdict)] += 1
                    del wanted
    finally:
        emulator.stop()
    elapsed = time.perf_counter() - started
    cases = ("other", "transposed", "correct")
    print(f"{len(sample)} records, {len(claims)} claims, {requests} requests, {elapsed:.0f} s")
    print(f"{'case':<11} {'claims':>6} {'right':>6} {'wrong':>6} {'none':>6}")
    for case in cases:
        n = sum(tally[(case, v)] for v in ("right", "wrong", "none"))
        print(
            f"{case:<11} {n:>6} {tally[(case, 'right')]:>6} {tally[(case, 'wrong')]:>6} "
            f"{tally[(case, 'none')]:>6}"
        )
    right = sum(tally[(c, "right")] for c in cases)
    wrong = sum(tally[(c, "wrong")] for c in cases)
    print(f"precision {right / max(1, right + wrong):.4f} ({right} right, {wrong} wrong)")
    for kind, shown in examples.items():
        for line in shown:
            print(f"  {kind}: {line}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "records": len(sample),
                    "claims": len(claims),
                    "tally": {f"{c}/{v}": n for (c, v), n in sorted(tally.items())},
                    "examples": examples,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
