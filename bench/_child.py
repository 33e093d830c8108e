"""Runs ``ta1check`` in a fresh process and reports its own peak RSS (for bench.py)."""

from __future__ import annotations

import json
import os
import resource
import sys

from ta1check.cli import main

if __name__ == "__main__":  # the parsing processes (spawned) import this module again
    code = main(sys.argv[1:])
    with open(os.environ["BENCH_RSS_FILE"], "w", encoding="utf-8") as out:
        json.dump({"maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}, out)
    sys.exit(code)
