"""Nothing is lost on the way: for every record of the real corpus, the JSON report is the same
whether the records came over the network (in parallel batches, parsed in other processes),
from the cache (decoded and validated) or from the corpus files themselves (``--records``)."""

from __future__ import annotations

import gzip
import json

from conftest import write
from corpus import corpus_files, corpus_records
from emulator import split_articles


def _citation(record) -> str:  # type: ignore[no-untyped-def]
    first = record.authors[0].display if record.authors else ""
    return (
        f"{first} et al. {record.title} {record.iso_abbreviation or record.journal}. "
        f"{record.year or ''};{record.volume}:{record.pages}."
    )


def test_network_cache_and_records_files_give_one_report_on_the_whole_corpus(
    run, emulator, tmp_path
) -> None:
    records = corpus_records()
    for path in corpus_files():
        data = path.read_bytes()
        emulator.records.update(
            split_articles(gzip.decompress(data) if path.suffix == ".gz" else data)
        )
    claims = write(
        tmp_path / "c.toml",
        "".join(
            f"[[claim]]\npmid = {pmid}\ncitation = {json.dumps(_citation(r))}\n\n"
            for pmid, r in sorted(records.items())
        ),
    )
    cold = run("check", str(claims), "--format", "json", "--timeout", "600")
    assert cold.code in (0, 1), cold.stderr
    report = json.loads(cold.stdout)
    assert len(report["results"]) == len(records) > 2_000
    assert not [r for r in report["results"] if r["status"] == "unverified"]
    requests = len(emulator.efetches)
    warm = run("check", str(claims), "--format", "json")
    assert len(emulator.efetches) == requests  # every record from the cache
    assert warm.stdout == cold.stdout
    args = ["check", str(claims), "--format", "json", "--complete"]
    for path in corpus_files():
        args += ["--records", str(path)]
    local = run(*args)
    assert local.stdout == cold.stdout
