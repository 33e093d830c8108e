"""Keeping Python's cyclic garbage collector from walking the same objects again and again.

A warm run of 100,000 claims spent 2.3 s of 9.3 in the collector: its full passes walked the
claims (over a million objects, alive for the whole run) each time, and each part of 1,000
records decoded from the cache (some 30,000 objects) lived through dozens of young passes and
was promoted, to be walked again by older ones.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: The young generation's threshold during a run (allocations between two young passes).
RUN_THRESHOLD = 50_000


@contextmanager
def tuned_for_run() -> Iterator[None]:
    """For the block: objects alive now (the loaded claims) are left out of every pass, and
    young passes are rarer, so that a part of records dies young instead of being promoted.
    Both are restored afterwards.

    NOTE: garbage in reference cycles now waits longer for a pass. Records and results hold
    no cycles; Bio.Entrez's parse tree does. The dump reader frees it after each batch;
    downloads of 4 batches or more are parsed in other processes, and fewer leave at most 3
    trees to a later pass."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(thresholds[0], RUN_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
