"""Benchmark: ``ta1check check`` on N PMIDs against the local E-utilities emulator, and
(``--baseline [N]``) index build plus check of a baseline-format file of N records.

The emulator answers with ``--latency`` seconds of latency (0.2 by default; NCBI's efetch of 200
records takes about a second) and enforces NCBI's rate limit: 3 requests/s without an API key,
10 with one (``--key``). PMIDs from 90,000,000 up are served as copies of a real record with the
PMID replaced: by default all of the 21 KB PMID 29768149 (a recent record with a long reference
list); with ``--mix``, of the 2,680 real records of ../shared/pubmed and tests/data/corpus in
turn (old and recent, books, MathML titles; 11 KB on average).

For each N it reports, cold (empty cache), warm (second run) and warm writing the whole JSON
report to a file as well (``-q`` alone keeps no results): requests made, HTTP 429s seen,
the most requests the emulator answered at once, wall time, the floor
``ceil(N/200) / rate + latency`` and wall over floor, the peak RSS of the ta1check process,
and the machine's load average (one minute) when the run ended.
Run: ``uv run python bench/bench.py [N ...] [--latency S] [--key] [--mix]`` or
``uv run python bench/bench.py --baseline 30000``.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from emulator import Emulator  # noqa: E402


class EmulatorProcess:
    """The emulator in a process of its own, so that serving three 4.4 MB answers at a time
    never delays the stamping of a request's arrival (which decides the 429s)."""

    def __init__(self, latency: float, synthetic_from: int | None, mix: bool = False) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=_serve, args=(child, latency, synthetic_from, mix), daemon=True
        )
        self.proc.start()
        self.url: str = self.conn.recv()

    def counts(self) -> tuple[int, int, int]:
        """(efetch requests, HTTP 429 answers, most requests answered at once) so far."""
        self.conn.send("counts")
        efetches, limited, peak = self.conn.recv()
        return efetches, limited, peak

    def stop(self) -> None:
        self.conn.send("stop")
        self.proc.join(timeout=10)


def _serve(conn: Connection, latency: float, synthetic_from: int | None, mix: bool) -> None:
    emulator = Emulator(
        latency=latency,
        synthetic_from=synthetic_from,
        synthetic_mix=record_mix() if mix else (),
    ).start()
    conn.send(emulator.url)
    while conn.recv() == "counts":
        conn.send((len(emulator.efetches), emulator.rate_limited, emulator.peak_concurrency))
        emulator._peak_busy = 0
    emulator.stop()


def record_mix() -> tuple[bytes, ...]:
    """Every real record of ../shared/pubmed and tests/data/corpus (2,680: recent and old,
    books, MathML titles, 1 KB to 57 KB, 11 KB on average), in a fixed shuffled order."""
    import gzip
    import random

    from emulator import real_records, split_articles

    records = dict(real_records())
    for path in sorted((HERE.parent / "tests" / "data" / "corpus").glob("*.xml.gz")):
        records.update(split_articles(gzip.decompress(path.read_bytes())))
    mix = [records[p] for p in sorted(records)]
    random.Random(16).shuffle(mix)
    return tuple(mix)


LATENCY = 0.2
FIRST = 90_000_000


def timed_child(args: list[str], env: dict[str, str], rss_file: Path) -> tuple[float, float]:
    """Run ``ta1check ARGS`` in a fresh process: (wall seconds, peak RSS in MB).

    Bytecode is written and reused, as for an installed tool (pip compiles it at install):
    without it, compiling the imports from source took 0.5-1 s of every run here."""
    env = {**env, "BENCH_RSS_FILE": str(rss_file)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(HERE / "_child.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 1):  # 1: findings (retracted records in the mix…)
        raise SystemExit(f"ta1check {args[0]} exited {proc.returncode}: {proc.stdout}{proc.stderr}")
    return wall, json.loads(rss_file.read_text())["maxrss_kib"] / 1024


def run_once(
    claims: Path,
    cache: Path,
    emulator: EmulatorProcess,
    key: bool = False,
    extra: tuple[str, ...] = (),
) -> dict[str, float]:
    before, limited_before, _ = emulator.counts()
    rss_file = cache.parent / "rss.json"
    env = {
        **os.environ,
        "TA1CHECK_EUTILS_URL": emulator.url,
        "TA1CHECK_CACHE": str(cache),
        "BENCH_RSS_FILE": str(rss_file),
    }
    env.pop("NCBI_API_KEY", None)
    if key:
        env["NCBI_API_KEY"] = "bench0123456789abcdef0123456789abcd"
    args = ["check", str(claims), "-q", "--timeout", "900", *extra]
    wall, rss = timed_child(args, env, rss_file)
    after, limited_after, peak = emulator.counts()
    return {
        "requests": after - before,
        "429": limited_after - limited_before,
        "in_flight": peak,
        "wall": wall,
        "rss_mb": rss,
    }


def startup_seconds() -> float:
    """Wall time of a process that only imports ta1check and exits (interpreter + imports)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-c", "import ta1check.cli"], check=True, env=env)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import ta1check.cli"], check=True, env=env)
    return time.perf_counter() - started


def baseline_bench(n: int) -> None:
    """Index build and check of one baseline-format file of ``n`` records (gzip), made of the
    real records of ../shared/pubmed with new PMIDs."""
    import gzip
    import re

    from emulator import real_records

    templates = list(real_records().values())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        body = b"".join(
            re.sub(
                rb"<PMID Version=\"1\">\d+</PMID>",
                b'<PMID Version="1">%d</PMID>' % (FIRST + i),
                templates[i % len(templates)],
                count=1,
            )
            for i in range(n)
        )
        dump = work / "pubmed26n0001.xml.gz"
        with gzip.open(dump, "wb") as handle:
            handle.write(
                b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD '
                b'PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed'
                b'/out/pubmed_250101.dtd">\n<PubmedArticleSet>' + body + b"</PubmedArticleSet>\n"
            )
        claims = work / "claims.toml"
        claims.write_text("".join(f"[[claim]]\npmid = {FIRST + i}\n\n" for i in range(n)))
        rows = []
        for name, args in (
            ("index build", ["index", str(dump), "--index", str(work / "pubmed.index")]),
            (
                "check against the index",
                ["check", str(claims), "-q", "--records", str(work / "pubmed.index")],
            ),
            ("check against the .xml.gz", ["check", str(claims), "-q", "--records", str(dump)]),
        ):
            rss_file = work / "rss.json"
            env = {**os.environ, "BENCH_RSS_FILE": str(rss_file), "TA1CHECK_CACHE": str(work / "c")}
            wall, rss = timed_child(args, env, rss_file)
            rows.append((name, wall, rss))
        size = dump.stat().st_size / 1e6
    print(f"\nbaseline-format file: {n:,} records, {size:.1f} MB gzip\n")
    print("| step | wall s | peak RSS MB |")
    print("|---|---:|---:|")
    for name, wall, rss in rows:
        print(f"| {name} | {wall:.2f} | {rss:.0f} |")


def main(sizes: list[int], latency: float, key: bool, mix: bool) -> None:
    rate = 10 if key else 3
    emulator = EmulatorProcess(latency, FIRST, mix)
    startup = startup_seconds()
    records = "the record mix (2,680 real records)" if mix else "copies of the 21 KB record"
    print(
        f"process start-up (python + imports): {startup:.2f} s; latency {latency} s; "
        f"rate {rate}/s ({'API key' if key else 'no key'}); {records}\n"
    )
    print(
        "| N | run | requests | 429s | most in flight | wall s | floor s | wall/floor "
        "| peak RSS MB | load |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            work = Path(tmp) / str(n)
            work.mkdir()
            claims = work / "claims.toml"
            claims.write_text(
                "".join(f"[[claim]]\npmid = {p}\n\n" for p in range(FIRST, FIRST + n))
            )
            cache = work / "cache"
            floor = math.ceil(n / 200) / rate + latency
            # "warm + JSON": the same warm run writing the whole JSON report to a file as
            # well (with -q alone a run keeps no results, since nothing reads them)
            report = ("--report", f"json={work / 'report.json'}")
            for name, fl, extra in (
                ("cold", floor, ()),
                ("warm", 0.0, ()),
                ("warm + JSON", 0.0, report),
            ):
                r = run_once(claims, cache, emulator, key, extra)
                ratio = f"{r['wall'] / fl:.2f}" if fl else "—"
                load = os.getloadavg()[0]
                print(
                    f"| {n:,} | {name} | {r['requests']:.0f} | {r['429']:.0f} | "
                    f"{r['in_flight']:.0f} | {r['wall']:.2f} | {fl:.2f} | {ratio} | "
                    f"{r['rss_mb']:.0f} | {load:.1f} |",
                    flush=True,
                )
    emulator.stop()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10, 1_000, 10_000, 100_000])
    parser.add_argument("--baseline", type=int, nargs="?", const=30_000, default=None)
    parser.add_argument("--latency", type=float, default=LATENCY, help="emulator latency, s")
    parser.add_argument("--key", action="store_true", help="with an API key: 10 requests/s")
    parser.add_argument(
        "--mix", action="store_true", help="serve the real record mix, not the 21 KB record"
    )
    options = parser.parse_args()
    if options.baseline is not None:
        baseline_bench(options.baseline)
    else:
        main(options.sizes, options.latency, options.key, options.mix)
