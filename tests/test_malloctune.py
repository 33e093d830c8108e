"""The C allocator's arenas are limited once, before a cold run's fetching threads start,
unless the user's own ``MALLOC_ARENA_MAX`` says otherwise."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

GLIBC = bool(getattr(os, "confstr", None) and os.confstr("CS_GNU_LIBC_VERSION"))
PROBE = "from ta1check.malloctune import limit_arenas; print(limit_arenas(), limit_arenas())"


def probe(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.skipif(not GLIBC, reason="glibc's mallopt only")
def test_arenas_are_limited_once_on_glibc():
    assert probe() == "True True"


def test_the_users_malloc_arena_max_is_left_alone():
    assert probe(MALLOC_ARENA_MAX="8") == "False False"
