"""Benchmark: the HTML review report of a big run (issue #13): its size, the time to write it,
and the time headless Chromium takes to load it and run its filters.

The runs are tests/review_run.py's: claims written from the real records of the corpus
(tests/data/corpus), some with a wrong year or first author or an unknown PMID, each stated
percentage with its abstract sentence as evidence; past 2,600 claims the records are cited
again. Writing is timed in CPU-independent wall seconds, best of three, to a file on disk.
The browser part needs Debian's chromium (skipped without it).

Run: ``uv run python bench/html_report.py [N ...]`` (default 1,000 and 10,000).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from review_run import thousand_claims  # noqa: E402
from ta1check.report import get_reporter  # noqa: E402


def _write(run: object, path: Path) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        with path.open("w", encoding="utf-8") as out:
            get_reporter("html").render(run, out)  # type: ignore[arg-type]
        best = min(best, time.perf_counter() - started)
    return best


def _browser(path: Path) -> tuple[float, float] | None:
    """Seconds to load the page (its script run), and to apply a text filter."""
    chromium = shutil.which("chromium")
    if chromium is None:
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=["--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        page = browser.new_page()
        page.set_default_timeout(300_000)
        started = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_selector("#f-shown:has-text('claims shown')")
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        page.locator("#f-text").fill("abstract")
        page.wait_for_function(
            "() => !document.getElementById('f-shown').textContent"
            ".startsWith(document.querySelectorAll('article.claim').length)"
        )
        filtered = time.perf_counter() - started
        browser.close()
    return loaded, filtered


def main(sizes: list[int]) -> None:
    print("| claims | file MB | write s | Chromium load s | text filter s |")
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            folder = Path(tmp) / str(n)
            folder.mkdir()
            run = thousand_claims(folder, n)
            path = folder / "review.html"
            seconds = _write(run, path)
            size = path.stat().st_size / 1e6
            timed = _browser(path)
            load, filt = (f"{t:.2f}" for t in timed) if timed else ("—", "—")
            print(f"| {n:,} | {size:.2f} | {seconds:.2f} | {load} | {filt} |", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10_000])
