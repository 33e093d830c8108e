"""Benchmark: ``ta1check check`` on N PMIDs against the local E-utilities emulator, and
(``--baseline [N]``) index build plus check of a baseline-format file of N records.

The emulator answers with 0.2 s latency and enforces NCBI's rate limit (3 requests/s without
an API key). PMIDs from 90,000,000 up are served as copies of a real record (efetch-29768149,
21 KB with its abstract), so responses are as large as real ones.

For each N it reports, cold (empty cache) and warm (second run): requests made, HTTP 429s seen,
wall time, the floor ``ceil(N/200) / rate + latency`` and wall over floor, and the peak RSS of
the ta1check process. Run: ``uv run python bench/bench.py [N ...]`` or
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

    def __init__(self, latency: float, synthetic_from: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, latency, synthetic_from), daemon=True)
        self.proc.start()
        self.url: str = self.conn.recv()

    def counts(self) -> tuple[int, int]:
        """(efetch requests, HTTP 429 answers) so far."""
        self.conn.send("counts")
        efetches, limited = self.conn.recv()
        return efetches, limited

    def stop(self) -> None:
        self.conn.send("stop")
        self.proc.join(timeout=10)


def _serve(conn: Connection, latency: float, synthetic_from: int) -> None:
    emulator = Emulator(latency=latency, synthetic_from=synthetic_from).start()
    conn.send(emulator.url)
    while conn.recv() == "counts":
        conn.send((len(emulator.efetches), emulator.rate_limited))
    emulator.stop()


LATENCY = 0.2
RATE = 3
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
    if proc.returncode != 0:
        raise SystemExit(f"ta1check {args[0]} exited {proc.returncode}: {proc.stdout}{proc.stderr}")
    return wall, json.loads(rss_file.read_text())["maxrss_kib"] / 1024


def run_once(claims: Path, cache: Path, emulator: EmulatorProcess) -> dict[str, float]:
    before, limited_before = emulator.counts()
    rss_file = cache.parent / "rss.json"
    env = {
        **os.environ,
        "TA1CHECK_EUTILS_URL": emulator.url,
        "TA1CHECK_CACHE": str(cache),
        "BENCH_RSS_FILE": str(rss_file),
    }
    env.pop("NCBI_API_KEY", None)
    wall, rss = timed_child(["check", str(claims), "-q", "--timeout", "600"], env, rss_file)
    after, limited_after = emulator.counts()
    return {
        "requests": after - before,
        "429": limited_after - limited_before,
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


def main(sizes: list[int]) -> None:
    emulator = EmulatorProcess(LATENCY, FIRST)
    startup = startup_seconds()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            work = Path(tmp) / str(n)
            work.mkdir()
            claims = work / "claims.toml"
            claims.write_text(
                "".join(f"[[claim]]\npmid = {p}\n\n" for p in range(FIRST, FIRST + n))
            )
            cache = work / "cache"
            floor = math.ceil(n / 200) / RATE + LATENCY
            cold = run_once(claims, cache, emulator)
            warm = run_once(claims, cache, emulator)
            rows.append((n, floor, cold, warm))
    emulator.stop()
    print(
        f"process start-up (python + imports): {startup:.2f} s; latency {LATENCY} s; "
        f"rate {RATE}/s\n"
    )
    print("| N | run | requests | 429s | wall s | floor s | wall/floor | peak RSS MB |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for n, floor, cold, warm in rows:
        for name, r, fl in (("cold", cold, floor), ("warm", warm, 0.0)):
            ratio = f"{r['wall'] / fl:.2f}" if fl else "—"
            print(
                f"| {n:,} | {name} | {r['requests']:.0f} | {r['429']:.0f} | {r['wall']:.2f} | "
                f"{fl:.2f} | {ratio} | {r['rss_mb']:.0f} |"
            )


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--baseline"]:
        baseline_bench(int(args[1]) if len(args) > 1 else 30_000)
    else:
        main([int(a) for a in args] or [10, 1_000, 10_000, 100_000])
