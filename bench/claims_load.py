"""Benchmark: loading a claims file (``load_claims``), per claim, in CPU time and memory (#16).

Writes two shapes of claims file into a temporary folder, at each size asked:

* **bare**: ``[[claim]]`` and ``pmid = N`` only (the bench's and a PMID list's shape);
* **realistic**: the 2,680 corpus records as an article cites them (``tests/corpus.py``): the
  PMID, the citation as printed ("First AB et al. Title. Journal. Year;Volume:Pages.") and a
  percentage from the abstract where there is one, repeated with new PMIDs and each copy's
  volume renumbered, so that no two citations are alike (a repeated citation is read once).

For each, the best of ``--repeats`` CPU times of ``load_claims`` (after one load that compiles
the patterns and reads ISO 4's word list), and the bytes per claim the loaded ``ClaimsFile``
keeps (tracemalloc, after a collection; ``--memory``).

Run: ``uv run python bench/claims_load.py [SIZES…] [--repeats N] [--memory] [--src SRC]``;
``--src`` loads another copy of the source (``git archive <commit> src | tar -x``) instead.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def realistic_blocks() -> list[tuple[str, str | None]]:
    """(citation, figure) for each corpus record, as ``/tmp/same/claims.toml`` writes them."""
    sys.path.insert(0, str(ROOT / "tests"))
    from corpus import corpus_records

    out = []
    for _, r in sorted(corpus_records().items()):
        first = r.authors[0].display if r.authors else ""
        journal = r.iso_abbreviation or r.journal
        citation = f"{first} et al. {r.title} {journal}. {r.year or ''};{r.volume}:{r.pages}."
        m = re.search(r"\d+(?:\.\d+)?%", r.abstract)
        out.append((citation, m.group() if m else None))
    return out


def write_files(folder: Path, sizes: list[int]) -> list[Path]:
    blocks = realistic_blocks()
    paths = []
    for n in sizes:
        bare = folder / f"bare-{n}.toml"
        bare.write_text("".join(f"[[claim]]\npmid = {90000000 + i}\n\n" for i in range(n)))
        parts = []
        for i in range(n):
            copy, k = divmod(i, len(blocks))
            citation, figure = blocks[k]
            if copy:  # each copy's citation its own: the volume renumbered
                citation = re.sub(r";(\w*):", rf";\g<1>{copy}:", citation, count=1)
            parts.append(f"[[claim]]\npmid = {10000000 + i}\ncitation = {json.dumps(citation)}\n")
            parts.append(f"figure = {json.dumps(figure)}\n\n" if figure else "\n")
        real = folder / f"realistic-{n}.toml"
        real.write_text("".join(parts), encoding="utf-8")
        paths += [bare, real]
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[20000, 100000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    args = parser.parse_args()
    sys.path.insert(0, str(args.src.resolve()))
    from ta1check.claims import load_claims

    with tempfile.TemporaryDirectory() as tmp:
        paths = write_files(Path(tmp), args.sizes)
        load_claims(paths[1])  # compile the patterns, read ISO 4's word list
        print("| file | claims | CPU s | µs/claim | bytes kept/claim |")
        print("|---|---:|---:|---:|---:|")
        for path in paths:
            best, n = float("inf"), 0
            for _ in range(args.repeats):
                gc.collect()
                start = time.process_time()
                loaded = load_claims(path)
                best = min(best, time.process_time() - start)
                n = len(loaded.claims)
                del loaded
            kept = ""
            if args.memory:
                gc.collect()
                tracemalloc.start()
                loaded = load_claims(path)
                gc.collect()
                kept = f"{tracemalloc.get_traced_memory()[0] / n:.0f}"
                tracemalloc.stop()
                del loaded
            print(f"| {path.stem} | {n:,} | {best:.2f} | {best / n * 1e6:.1f} | {kept} |")


if __name__ == "__main__":
    main()
