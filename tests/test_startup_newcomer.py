"""Issue #14, as a newcomer and a pre-commit hook meet ta1check: start-up that loads only what
the run needs, a progress bar that says why it waits, and the first steps (install, config,
``show``, notices) reading right. Figures for start-up are in bench/startup.py, not here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write

OBYRNE, GIBBS = 29768149, 36400559
CLAIMS = f"[[claim]]\npmid = {OBYRNE}\n\n[[claim]]\npmid = {GIBBS}\n"
#: What a run that the cache answers (or that only prints) has no use for.
HEAVY = ("requests", "requests_cache", "urllib3", "redis", "Bio", "tenacity", "pyrate_limiter")

_PROBE = """
import json, sys
from ta1check.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def loaded(args: list[str], env: dict[str, str] | None = None) -> tuple[int, set[str]]:
    """Run the CLI in a fresh interpreter: its exit code and the top-level packages it
    imported."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["code"], set(report["modules"])


# --- Start-up ----------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["check", "--help"]])
def test_version_and_help_load_no_http_stack_redis_or_biopython(args: list[str]) -> None:
    code, modules = loaded(args)
    assert code == 0
    assert not modules & {*HEAVY, "rich"}, sorted(modules & {*HEAVY, "rich"})


def test_a_run_the_cache_answers_loads_no_http_stack_redis_or_biopython(
    run, emulator, tmp_path: Path
) -> None:
    claims = write(tmp_path / "claims.toml", CLAIMS)
    assert run("check", str(claims)).code == 0  # fills the cache
    requests_before = len(emulator.efetches)
    code, modules = loaded(["check", str(claims), "-q"])
    assert code == 0
    assert len(emulator.efetches) == requests_before
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_a_run_that_must_fetch_still_fetches(emulator, tmp_path: Path) -> None:
    """The lazy client is made when the cache lacks a record (and only then)."""
    claims = write(tmp_path / "claims.toml", CLAIMS)
    code, modules = loaded(["check", str(claims), "-q"])
    assert code == 0
    assert {"requests", "Bio"} <= modules
    assert len(emulator.efetches) == 1


# --- Progress ----------------------------------------------------------------------------------


def on_a_terminal(args: list[str], env: dict[str, str], columns: int = 80) -> tuple[int, str]:
    """Run the CLI with stderr on a pseudo-terminal of ``columns``: its exit code and all that
    the terminal was sent (progress bar frames included)."""
    import fcntl
    import pty
    import select
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    clean = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR", "CI")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ta1check", *args],
        stdout=subprocess.DEVNULL,
        stderr=slave,
        env={**clean, **env},
    )
    os.close(slave)
    sent = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            sent += chunk
        elif proc.poll() is not None:
            break
    os.close(master)
    return proc.wait(timeout=60), sent.decode("utf-8", "replace")


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        ("503", "NCBI answered HTTP 503; retrying in "),
        ("429", "NCBI answered rate limited (HTTP 429); retrying in "),
    ],
)
def test_the_progress_bar_says_why_it_waits(
    emulator, tmp_path: Path, isolated: Path, fault: str, says: str
) -> None:
    emulator.retry_after = "1"
    emulator.inject(fault, fault)
    claims = write(tmp_path / "claims.toml", CLAIMS)
    env = {"TA1CHECK_EUTILS_URL": emulator.url, "TA1CHECK_CACHE": str(isolated)}
    code, terminal = on_a_terminal(["check", str(claims), "-q"], env)
    assert code == 0, terminal
    assert says in terminal
    assert ", attempt 2 of 5" in terminal and ", attempt 3 of 5" in terminal


def test_a_connection_refused_is_said_on_the_bar(tmp_path: Path, isolated: Path) -> None:
    claims = write(tmp_path / "claims.toml", CLAIMS)
    env = {"TA1CHECK_CACHE": str(isolated), "TA1CHECK_EUTILS_URL": "http://127.0.0.1:9/e/"}
    code, terminal = on_a_terminal(["check", str(claims), "-q", "--timeout", "3"], env, 120)
    assert code == 3
    assert "could not connect to 127.0.0.1:9" in terminal
    assert "; retrying in " in terminal and ", attempt 2 of 5" in terminal


def test_retries_are_logged_with_v_and_silent_without_off_a_terminal(
    run, emulator, tmp_path: Path
) -> None:
    claims = write(tmp_path / "claims.toml", CLAIMS)
    emulator.inject("503")
    quiet = run("check", str(claims), "-q", "--no-cache")
    assert quiet.code == 0
    assert quiet.stderr == ""
    emulator.inject("503")
    logged = run("check", str(claims), "-q", "--no-cache", "-v")
    assert logged.code == 0
    assert "NCBI answered HTTP 503; retrying in " in logged.stderr
    assert ", attempt 2 of 5" in logged.stderr
