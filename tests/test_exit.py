"""The console script ends without tearing its heap down object by object (``cli.entry``):
what it wrote must be all there, to a pipe and to a file, with the exit code of the run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import write
from corpus import corpus_files, corpus_records


def corpus_claims(path: Path, count: int) -> Path:
    """Claims of ``count`` real corpus records, each with its citation as printed and, where
    its abstract has one, a percentage from it (so that results carry findings and evidence)."""
    lines = []
    for pmid, record in sorted(corpus_records().items())[:count]:
        first = record.authors[0].display if record.authors else ""
        citation = f"{first} et al. {record.title} {record.journal}. {record.year or ''}"
        lines.append(f"[[claim]]\npmid = {pmid}\ncitation = {json.dumps(citation)}\n\n")
    return write(path, "".join(lines))


def test_a_report_far_larger_than_a_pipe_arrives_whole_with_the_runs_exit_code(run, tmp_path):
    claims = corpus_claims(tmp_path / "c.toml", 600)
    args = ["check", str(claims), "--format", "json", "--complete"]
    args += [a for f in corpus_files() for a in ("--records", str(f))]
    in_process = run(*args)
    assert len(in_process.stdout) > 256 * 1024  # many times a pipe's buffer
    report = tmp_path / "report.json"
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "ta1check", *args, "--report", f"json={report}"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
    assert done.returncode == in_process.code == 1, done.stderr  # the corpus has findings
    assert done.stdout == in_process.stdout
    assert report.read_text(encoding="utf-8") == in_process.stdout
    assert done.stderr == ""
