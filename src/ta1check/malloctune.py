"""Keeping the C allocator from holding a heap per fetching thread.

glibc's malloc gives each thread that meets contention an arena of its own, up to eight per
core, and a freed block goes back to its arena, not to the system. Each fetching thread reads
answers of 2-4 MB, so a cold run with a key (up to 20 threads in flight) kept some 20 arenas
of a few megabytes each: 232 MB peak RSS for 20,000 PMIDs and 333 MB for 100,000, where the
Python objects alive at the end were 37 MB. With two arenas the same runs peaked at 173-226
MB (three runs, against 233-270 with the default arenas) and 215 MB (2026-11-26, tracemalloc
and /proc sampling; wall time unchanged).
"""

from __future__ import annotations

import functools
import os

#: glibc's ``mallopt`` parameter for the number of arenas (malloc.h).
_M_ARENA_MAX = -8
#: Arenas for the whole process: the main thread's and one for every other.
ARENAS = 2


@functools.cache
def limit_arenas() -> bool:
    """Limit glibc's arenas to ``ARENAS`` before the fetching threads start. Left
    alone where malloc is not glibc's, or where ``MALLOC_ARENA_MAX`` says otherwise (glibc
    has read it at start-up). True if the limit is set; the first call does it."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return False
    except (ValueError, OSError, AttributeError):  # not glibc, or no confstr (Windows)
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None)
        return bool(libc.mallopt(_M_ARENA_MAX, ARENAS))
    except (OSError, AttributeError):
        return False
