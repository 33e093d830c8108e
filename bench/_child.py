"""Runs ``ta1check`` in a fresh process and reports its own peak RSS (for bench.py)."""

from __future__ import annotations

import json
import os
import resource
import sys

from ta1check.cli import main


def peak_rss_kib() -> int:
    """This process's peak RSS. NOTE: getrusage's ru_maxrss survives exec on Linux, so a child
    of a big benchmark process would report the parent's peak; VmHWM belongs to this image."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":  # the parsing processes (spawned) import this module again
    code = main(sys.argv[1:])
    with open(os.environ["BENCH_RSS_FILE"], "w", encoding="utf-8") as out:
        json.dump({"maxrss_kib": peak_rss_kib()}, out)
    sys.exit(code)
