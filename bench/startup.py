"""Benchmark: how long ``ta1check`` takes to start, as a pre-commit hook or a CI step pays it.

Times, in fresh processes and in one run (rounds interleaved, so that a busy machine slows
every row alike): ``python -c pass`` (the interpreter alone), ``python -c "import requests"``
(one HTTP library), ``ta1check --version``, ``ta1check --help``, and warm checks against the
local E-utilities emulator serving the real records of ``../shared/pubmed`` only (no
synthetic PMIDs: the right-PMID suggestions would find typo neighbours among them and decode
a thousand records), the cache in its default place (``XDG_CACHE_HOME`` points into a
temporary folder) filled by a first run:

* the repository's ``claims.toml`` (13 claims; their PMIDs are not among the real records,
  so each is "not found" and gets its suggestion search, from the cache), with the default
  table and with ``-q``;
* 13 claims of real records that are found (citation, a sentence of the abstract stating a
  percentage, that figure): every check reads its record, as an article's citations do.

Each row gives the median over ``--repeats`` rounds (default 11) of the wall time and of the
child's CPU time (user + system: the steadier figure when other work loads the machine), each
with its ratio to the two baselines; then, for each ta1check command, which of the heavy
packages (requests, requests-cache, redis, Biopython, rich, …) it imported.

Run: ``uv run python bench/startup.py [--repeats N] [--before SRC]``; ``--before`` adds the
ta1check rows again for another copy of the source (``git archive <commit> src | tar -x``),
run from that ``src`` folder in the same rounds. The children write bytecode (as an installed
tool has it compiled; a first round compiles it), and get no ``NO_COLOR``/TTY: output goes to
a pipe.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench import EmulatorProcess  # noqa: E402

from records import all_records  # noqa: E402  (tests/, on the path bench.py set)

#: The issue's targets (#14), in seconds, on the machine where --version took 0.7-1.1 s.
TARGETS = {
    "--version": 0.15,
    "--help": 0.15,
    "warm check, 13 claims, -q": 0.35,
    "warm check, 13 claims, table": 0.35,
    "warm check, 13 found claims, table": 0.35,
}
#: Packages a start-up should not pay for unless the run needs them.
HEAVY = (
    "requests",
    "requests_cache",
    "urllib3",
    "redis",
    "Bio",
    "tenacity",
    "pyrate_limiter",
    "charset_normalizer",
    "rich",
    "click",
)


def ta1check_script() -> str:
    """The console script beside this interpreter (as a user runs it), else ``-m``."""
    script = Path(sys.executable).parent / "ta1check"
    return str(script) if script.exists() else ""


def command(args: list[str]) -> list[str]:
    script = ta1check_script()
    return [sys.executable, script, *args] if script else [sys.executable, "-m", "ta1check", *args]


Row = tuple[list[str], tuple[int, ...], dict[str, str]]

_PERCENT = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d)?%")


def found_claims(path: Path, n: int = 13) -> Path:
    """``n`` claims of real records the emulator serves, as an article cites them: "First et
    al., Journal (Year)", a sentence of the abstract that states a percentage, and that
    figure."""
    lines = []
    for record in sorted(all_records().values(), key=lambda r: r.pmid):
        found = _PERCENT.search(record.abstract or "")
        if not (record.authors and record.year and found) or record.is_book:
            continue
        start = record.abstract.rfind(". ", 0, found.start()) + 2  # 1: no sentence before
        start = 0 if start == 1 else start
        end = record.abstract.find(". ", found.end())
        sentence = record.abstract[start : end + 1 if end >= 0 else None].strip()
        first = record.authors[0].last_name or record.authors[0].display
        citation = f"{first} et al., {record.iso_abbreviation or record.journal} ({record.year})"
        lines.append(
            f"[[claim]]\npmid = {record.pmid}\ncitation = {json.dumps(citation)}\n"
            f"text = {json.dumps(sentence)}\nfigure = {json.dumps(found.group())}\n"
        )
        if len(lines) == n:
            break
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def timed(argv: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall seconds, and CPU seconds (user + system) of the child: on a machine others load,
    the CPU time is the steadier figure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, check=False, cwd=ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in ok:
        raise SystemExit(f"{argv} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def imported(argv: list[str], env: dict[str, str]) -> list[str]:
    """The heavy top-level packages a command imports (``python -X importtime``)."""
    done = subprocess.run(
        [argv[0], "-X", "importtime", *argv[1:]],
        env=env,
        capture_output=True,
        check=False,
        cwd=ROOT,
    )
    names = set()
    for line in done.stderr.decode().splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return [h for h in HEAVY if h in names]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=11)
    parser.add_argument("--before", type=Path, help="another src folder to time beside this one")
    opts = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "NO_COLOR")}
    for name in ("NCBI_API_KEY", "TA1CHECK_CACHE", "NCBI_EMAIL"):
        env.pop(name, None)
    emulator = EmulatorProcess(0.0, None)  # the real records only
    folder = Path(tempfile.mkdtemp(prefix="ta1check-startup-"))
    # the cache where a user's is (platformdirs: $XDG_CACHE_HOME/ta1check), in the temp folder
    env.update({"TA1CHECK_EUTILS_URL": emulator.url, "XDG_CACHE_HOME": str(folder / "cache")})
    claims = str(ROOT / "claims.toml")
    found = str(found_claims(folder / "found.toml"))
    ours: dict[str, Row] = {
        "--version": (command(["--version"]), (0,), env),
        "--help": (command(["--help"]), (0,), env),
        # the repository's PMIDs are not in the emulator: not found (exit 1), cached for a day
        "warm check, 13 claims, -q": (command(["check", claims, "-q"]), (0, 1), env),
        "warm check, 13 claims, table": (command(["check", claims]), (0, 1), env),
        "warm check, 13 found claims, table": (command(["check", found]), (0, 1), env),
    }
    rows: dict[str, Row] = {
        "python -c pass": ([sys.executable, "-c", "pass"], (0,), env),
        'python -c "import requests"': ([sys.executable, "-c", "import requests"], (0,), env),
        **ours,
    }
    if opts.before is not None:
        old = {**env, "PYTHONPATH": str(opts.before.resolve())}
        rows.update({f"{name} (before)": (a, ok, old) for name, (a, ok, _e) in ours.items()})
    try:
        for argv, ok, row_env in rows.values():  # compile bytecode; fill the cache
            timed(argv, row_env, ok)
        before = emulator.counts()[0]
        times: dict[str, list[float]] = {name: [] for name in rows}
        cpus: dict[str, list[float]] = {name: [] for name in rows}
        for _ in range(opts.repeats):
            for name, (argv, ok, row_env) in rows.items():
                wall, cpu = timed(argv, row_env, ok)
                times[name].append(wall)
                cpus[name].append(cpu)
        if emulator.counts()[0] != before:
            raise SystemExit("the warm check made requests: the cache did not answer")
        loads = {name: imported(argv, e) for name, (argv, _ok, e) in list(rows.items())[2:]}
    finally:
        emulator.stop()
        shutil.rmtree(folder, ignore_errors=True)

    median = {name: statistics.median(t) for name, t in times.items()}
    cpu = {name: statistics.median(t) for name, t in cpus.items()}
    bare, http = "python -c pass", 'python -c "import requests"'
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, {opts.repeats} rounds")
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print(
        "| command | wall s (median) | × `pass` | × `import requests` "
        "| CPU s (median) | × `pass` | × `import requests` | target s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in times:
        target = TARGETS.get(name.removesuffix(" (before)"))
        print(
            f"| {name} | {median[name]:.3f} | {median[name] / median[bare]:.1f} "
            f"| {median[name] / median[http]:.2f} | {cpu[name]:.3f} | {cpu[name] / cpu[bare]:.1f} "
            f"| {cpu[name] / cpu[http]:.2f} | {f'{target:.2f}' if target else '—'} |"
        )
    print()
    for name, packages in loads.items():
        print(f"- {name} imports: {', '.join(packages) or 'none of ' + ', '.join(HEAVY)}")


if __name__ == "__main__":
    main()
