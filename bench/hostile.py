"""Benchmark: ``ta1check draft`` on hostile articles, each at two sizes, to show the time grows
linearly with the input (issue #15: a 120 KB one-line article of 40,000 numbers took 17 s,
extraction rescanning the prefix before every number).

For each shape, reading the article and drafting its claims (``read_article`` + ``draft``,
what ``ta1check draft --offline`` does once started) is timed in CPU seconds, best of three,
at N and at 4N: the ratio is 4 for linear time, 16 for quadratic. The issue's own case is
also run through the CLI in a fresh process (bench/_child.py), wall time with start-up.

Run: ``uv run python bench/hostile.py [N]`` (default N = 10,000; the second size is 4N).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _numbers(n: int) -> list[str]:
    return [str(10 + (i * 7919) % 90) for i in range(n)]


SHAPES = {
    # the issue's case: one line, one sentence, n numbers
    "one line of numbers": lambda n: " ".join(_numbers(n)),
    # n/4 sentences, each with a percentage and a citation
    "cited sentences": lambda n: (
        " ".join(f"Rate was {x}% (Smith 2019)." for x in _numbers(n // 4))
        + "\n\n## References\n\nSmith J. A title. Lancet. 2019;1:1-2.\n"
    ),
    # one paragraph of n/4 lines, each a sentence without a citation of its own
    "one paragraph, many lines": lambda n: "\n".join(f"Rate was {x}%." for x in _numbers(n // 4)),
    # number words joined by "and"
    "number words": lambda n: " and ".join(["thirteen", "one hundred and twenty"] * (n // 2)),
    # a run of spaces as long as 3n characters before "per cent"
    "a long run of spaces": lambda n: "5" + " " * (3 * n) + " per cent",
}


def run_draft(text: str, workdir: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (MB) of ``ta1check draft`` in a fresh process."""
    article = workdir / "article.md"
    article.write_text(text + "\n", encoding="utf-8")
    rss_file = workdir / "rss.json"
    env = {**os.environ, "BENCH_RSS_FILE": str(rss_file), "TA1CHECK_CACHE": str(workdir / "c")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, str(HERE / "_child.py"), "draft", str(article), "--offline"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu, json.loads(rss_file.read_text())["maxrss_kib"] // 1024


def cpu_seconds(text: str, workdir: Path) -> float:
    from ta1check.article import read_article
    from ta1check.draft import draft

    path = workdir / "article.md"
    path.write_text(text + "\n", encoding="utf-8")
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        draft(read_article(path))
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        issue = " ".join(_numbers(40_000))
        run_draft("No numbers.", workdir)  # compile the bytecode once
        wall, cpu, rss = run_draft(issue, workdir)
        print(
            f"`ta1check draft` of the issue's article ({len(issue) / 1024:.0f} KB, one line, "
            f"40,000 numbers), start-up included: {wall:.2f} s wall, {cpu:.2f} s CPU, "
            f"peak RSS {rss} MB\n"
        )
        print(f"| article | size at N={n:,} | CPU s | size at 4N | CPU s | ratio |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, make in SHAPES.items():
            small, large = make(n), make(4 * n)
            t_small, t_large = cpu_seconds(small, workdir), cpu_seconds(large, workdir)
            print(
                f"| {name} | {len(small) / 1024:.0f} KB | {t_small:.3f} | "
                f"{len(large) / 1024:.0f} KB | {t_large:.3f} | {t_large / t_small:.1f} |"
            )


if __name__ == "__main__":
    main()
