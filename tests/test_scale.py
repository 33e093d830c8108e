"""Scale: a Redis cache and rate limit shared by many runners, and local PubMed dumps
(efetch output, baseline/update .xml.gz files, an index) instead of the network."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import write
from emulator import SHARED_PUBMED, real_records

DATA = Path(__file__).parent / "data"


# --- Redis ----------------------------------------------------------------------------------


def claims_for(path: Path, pmids: list[int]) -> Path:
    return write(path, "".join(f"[[claim]]\npmid = {p}\n\n" for p in pmids))


def process(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ta1check", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_redis_cache_is_shared_and_the_rate_limit_holds_across_processes(
    emulator, redis_db, tmp_path
) -> None:
    emulator.synthetic_from = 90_000_000
    env = {
        "TA1CHECK_EUTILS_URL": emulator.url,
        "TA1CHECK_CACHE": redis_db,
        "NCBI_API_KEY": "one-key-for-all-runners",
    }
    stored = list(range(90_000_000, 90_000_400))
    first = process(["check", str(claims_for(tmp_path / "a.toml", stored)), "-q"], env)
    assert first.wait(timeout=60) == 0, first.stderr.read() if first.stderr else ""
    emulator.log.clear()
    # Two runners at once, each with the stored PMIDs plus 30 batches of its own (unknown
    # PMIDs: cheap answers, so the shared limit and not parsing sets the pace).
    runners = []
    for i in range(2):
        own = list(range(70_000_000 + i * 1_000_000, 70_000_000 + i * 1_000_000 + 6000))
        path = claims_for(tmp_path / f"r{i}.toml", stored + own)
        runners.append(process(["check", str(path), "-q"], env))
    for runner in runners:
        out, err = runner.communicate(timeout=120)
        assert runner.returncode == 1, err  # the unknown PMIDs are pmid-not-found
        assert out.strip() == "6400 claims: 400 ok, 6000 error"
    asked = {i for r in emulator.efetches for i in r.ids}
    assert asked.isdisjoint(stored)  # nothing already stored is asked again
    assert len(emulator.efetches) == 60
    assert emulator.rate_limited == 0
    assert emulator.max_in_window() <= 10


def test_unreachable_redis_falls_back_to_no_cache_with_a_warning(run, emulator, tmp_path):
    path = claims_for(tmp_path / "c.toml", [29768149])
    out = run("check", str(path), "--cache", "redis://127.0.0.1:9/0")
    assert out.code == 0
    assert "going on without it" in out.stderr


# --- local dumps ------------------------------------------------------------------------------


def baseline_file(path: Path, records: list[bytes], deletions: list[int] = ()) -> Path:  # type: ignore[assignment]
    """A file in NLM's baseline/update format: PubmedArticleSet with a DeleteCitation."""
    body = b"".join(records)
    if deletions:
        body += (
            b"<DeleteCitation>"
            + b"".join(b'<PMID Version="1">%d</PMID>' % p for p in deletions)
            + b"</DeleteCitation>"
        )
    xml = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//'
        b'DTD PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/'
        b'pubmed_250101.dtd">\n<PubmedArticleSet>' + body + b"</PubmedArticleSet>\n"
    )
    with gzip.open(path, "wb") as handle:
        handle.write(xml)
    return path


def test_records_files_give_the_same_report_as_the_network(run, emulator, tmp_path) -> None:
    shutil.copy(DATA / "mixed.toml", tmp_path / "mixed.toml")
    os.chdir(tmp_path)
    network = json.loads(run("check", "mixed.toml", "--format", "json").stdout)
    files = [str(p) for p in sorted(SHARED_PUBMED.glob("*.xml"))]
    args = ["check", "mixed.toml", "--format", "json", "--complete"]
    for f in files:
        args += ["--records", f]
    local = run(*args)
    assert local.code == 1
    assert json.loads(local.stdout) == network
    requests_before = len(emulator.log)
    run(*args)
    assert len(emulator.log) == requests_before  # no network


def test_baseline_and_update_files_later_wins_and_deletions_are_honoured(run, tmp_path) -> None:
    real = real_records()
    reuler = real[2930949]
    gibbs = real[36400559]
    base = baseline_file(tmp_path / "pubmed26n0001.xml.gz", [reuler, gibbs, real[29768149]])
    assert b"<PubDate><Year>1985</Year>" in reuler
    changed = reuler.replace(b"<PubDate><Year>1985</Year>", b"<PubDate><Year>1986</Year>", 1)
    update = baseline_file(tmp_path / "pubmed26n1275.xml.gz", [changed], deletions=[36400559])
    claims = write(
        tmp_path / "c.toml",
        "[[claim]]\npmid = 2930949\nyear = 1986\n\n"
        "[[claim]]\npmid = 36400559\n\n[[claim]]\npmid = 29768149\n",
    )
    out = run(
        "check", str(claims), "--records", str(base), "--records", str(update), "--format", "json"
    )
    statuses = [(r["pmid"], r["status"]) for r in json.loads(out.stdout)["results"]]
    assert statuses == [(2930949, "ok"), (36400559, "unverified"), (29768149, "ok")]
    assert out.code == 3  # a partial dump: an absent PMID is unverified, not "not found"
    out = run(
        "check",
        str(claims),
        "--records",
        str(base),
        "--records",
        str(update),
        "--complete",
        "--format",
        "json",
    )
    assert out.code == 1
    codes = {
        r["pmid"]: [f["code"] for f in r["findings"]] for r in json.loads(out.stdout)["results"]
    }
    assert codes[36400559] == ["pmid-not-found"]
    # the index gives the same, without a rescan
    index = tmp_path / "pubmed.index"
    assert run("index", str(base), str(update), "--index", str(index)).code == 0
    indexed = run("check", str(claims), "--records", str(index), "--complete", "--format", "json")
    assert json.loads(indexed.stdout) == json.loads(out.stdout)


def test_hostile_or_broken_records_files_are_refused_cleanly(run, tmp_path) -> None:
    claims = write(tmp_path / "c.toml", "[[claim]]\npmid = 1\n")
    bomb = write(
        tmp_path / "bomb.xml",
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">'
        "]><PubmedArticleSet>&a;</PubmedArticleSet>",
    )
    out = run("check", str(claims), "--records", str(bomb))
    assert out.code == 2 and "declares its own entities" in out.stderr
    broken = tmp_path / "broken.xml.gz"
    broken.write_bytes(gzip.compress(b"<PubmedArticleSet><PubmedArticle>")[:-6])
    out = run("check", str(claims), "--records", str(broken))
    assert out.code == 2 and "broken.xml.gz" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_large_baseline_file_streams(run, tmp_path) -> None:
    template = real_records()[29768149]
    records = [
        re.sub(
            rb"<PMID Version=\"1\">\d+</PMID>",
            b'<PMID Version="1">%d</PMID>' % p,
            template,
            count=1,
        )
        for p in range(60_000_000, 60_002_000)
    ]
    base = baseline_file(tmp_path / "pubmed26n0002.xml.gz", records)
    claims = claims_for(tmp_path / "c.toml", [60_000_000, 60_001_999])
    out = run("check", str(claims), "--records", str(base), "-q")
    assert out.code == 0, out.stderr
    assert out.stdout == "2 claims: 2 ok\n"
