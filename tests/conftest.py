"""Fixtures: the E-utilities emulator, an isolated environment, and a CLI runner.

No test can reach the network: every test gets an unreachable E-utilities URL and a cache
under its own tmp_path unless it asks for the emulator.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from emulator import Emulator
from ta1check.cli import main

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for var in ("NCBI_API_KEY", "NCBI_EMAIL", "NO_COLOR", "TA1CHECK_CACHE"):
        monkeypatch.delenv(var, raising=False)
    cache = tmp_path / "cache"
    monkeypatch.setenv("TA1CHECK_CACHE", str(cache))
    # Port 9 (discard) on loopback: connection refused, never the real NCBI.
    monkeypatch.setenv("TA1CHECK_EUTILS_URL", "http://127.0.0.1:9/entrez/eutils/")
    return cache


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    emu = Emulator().start()
    monkeypatch.setenv("TA1CHECK_EUTILS_URL", emu.url)
    yield emu
    emu.stop()


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run the CLI in-process through ``main`` (the console script's path)."""

    def _run(*args: str) -> Outcome:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return Outcome(code, out, err)

    return _run


def require_tool(name: str, why: str) -> str:
    """The path of a command-line tool a test needs. Missing: the test is skipped on a
    developer's machine, and fails in CI (CI set), where .ci/run must have installed it."""
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is needed {why}")
        pytest.skip(f"{name} is not installed ({why})")
    return found


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def start_redis() -> tuple[subprocess.Popen[bytes], str]:
    """A redis-server of the test's own on a free loopback port, answering: (process, URL)."""
    binary = require_tool("redis-server", "for the shared cache (apt-get install redis-server)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    return proc, f"redis://127.0.0.1:{port}/0"


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """TA1CHECK_TEST_REDIS (started by .ci/run), else a redis-server started here."""
    if os.environ.get("TA1CHECK_TEST_REDIS"):
        yield os.environ["TA1CHECK_TEST_REDIS"]
        return
    proc, url = start_redis()
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def redis_db(redis_url: str) -> str:
    from redis import Redis

    Redis.from_url(redis_url).flushdb()
    return redis_url


def marked_runs(text: str, spans: tuple[tuple[int, int], ...] | list[tuple[int, int]]) -> list[str]:
    """The characters of ``text`` that ``spans`` cover, in runs (touching or overlapping
    spans are one): what the HTML report should show marked."""
    covered = sorted({i for a, b in spans for i in range(max(a, 0), min(b, len(text)))})
    runs: list[str] = []
    for i in covered:
        if runs and i - 1 in covered:
            runs[-1] += text[i]
        else:
            runs.append(text[i])
    return runs
