"""A run streams: records are checked as they arrive and results are kept on disk, read back
in claims-file order. These tests hold the streamed run to the pure evaluation of the same
claims and records, and the streamed reports to what ``json.dump`` writes."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write
from emulator import SHARED_PUBMED
from ta1check.api import Settings, check, load
from ta1check.findings import Code, ExitCode, FailOn, Status
from ta1check.pubmed.files import FilesSource
from ta1check.pubmed.fulltext import FullText
from ta1check.pubmed.source import Outcome, Progress, Unverified
from ta1check.report.jsonstream import Streamed, write_json
from ta1check.results import Summary, evaluate
from ta1check.runner import run_checks

REAL = [2930949, 36400559, 29768149, 11748933]


def two_files(tmp_path: Path) -> list[Path]:
    """Two claims files citing overlapping PMIDs out of order, with a bad PMID and one absent
    from PubMed."""
    a = write(
        tmp_path / "a.toml",
        "[[claim]]\npmid = 29768149\nyear = 2018\n\n[[claim]]\npmid = 2930949\nyear = 1989\n\n"
        '[[claim]]\npmid = "12x"\n\n[[claim]]\npmid = 99999991\n',
    )
    b = write(
        tmp_path / "b.toml",
        "[[claim]]\npmid = 2930949\n\n[[claim]]\npmid = 11748933\n"
        'first_author = "Smith"\n\n[[claim]]\npmid = 29768149\n',
    )
    return [a, b]


def test_a_streamed_run_matches_the_pure_evaluation_in_claims_order(emulator, tmp_path) -> None:
    paths = two_files(tmp_path)
    run = check(paths, Settings.from_env())
    files = load(paths)
    records = cached_records(files)
    expected = evaluate(files, records)
    got = list(run.results)
    assert [(r.source.path.name, r.claim.index) for r in got] == [
        (r.source.path.name, r.claim.index) for r in expected.results
    ]
    assert [(r.findings, r.record, r.status) for r in got] == [
        (r.findings, r.record, r.status) for r in expected.results
    ]
    # a sequence: read again, by index, from the end, by slice
    assert list(run.results) == got
    assert len(run.results) == 7
    assert run.results[-1] == got[-1]
    assert list(run.results[2:4]) == got[2:4]
    assert run.summary == Summary.of(got) == expected.summary
    assert run.exit_code(FailOn.ERROR) is ExitCode.FINDINGS
    assert [r.status for r in got].count(Status.ERROR) == 4  # year, bad pmid, not found, author


def cached_records(files: list[Any]) -> dict[int, Outcome]:
    """The records the files cite, fetched through the (warm) cache in one piece."""
    from ta1check.api import lookup

    pmids = {c.pmid for f in files for c in f.claims if c.pmid is not None}
    return lookup(pmids, Settings.from_env(offline=True))


class Silent:
    """A record source that never answers for ``silent`` PMIDs (a buggy source, or a run
    cut short): the runner must not pass them."""

    def __init__(self, inner: FilesSource, silent: set[int]) -> None:
        self.inner = inner
        self.silent = silent

    def stream(
        self, pmids: Collection[int], progress: Progress | None = None
    ) -> Iterator[Mapping[int, Outcome]]:
        for part in self.inner.stream(pmids, progress):
            yield {p: o for p, o in part.items() if p not in self.silent}

    def fetch(self, pmids: Collection[int], progress: Progress | None = None) -> dict[int, Outcome]:
        return {p: o for part in self.stream(pmids, progress) for p, o in part.items()}

    def fetch_fulltext(self, pmcids: Collection[str]) -> dict[str, FullText | Unverified]:
        return self.inner.fetch_fulltext(pmcids)


def test_a_pmid_the_source_never_answers_for_is_unverified(tmp_path) -> None:
    claims = write(tmp_path / "c.toml", "".join(f"[[claim]]\npmid = {p}\n\n" for p in REAL))
    source = FilesSource(sorted(SHARED_PUBMED.glob("*.xml")), complete=True)
    run = run_checks(load([claims]), Silent(source, {36400559}))
    by_pmid = {r.claim.pmid: r for r in run.results}
    assert by_pmid[36400559].status is Status.UNVERIFIED
    assert "gave no answer" in by_pmid[36400559].findings[0].message
    assert by_pmid[36400559].findings[0].code is Code.UNVERIFIED
    assert all(r.status is not Status.UNVERIFIED for p, r in by_pmid.items() if p != 36400559)
    assert run.exit_code(FailOn.NEVER) is ExitCode.UNVERIFIED


def test_claims_against_many_records_files_find_each_record_in_claims_order(run, tmp_path) -> None:
    # every shared efetch file, each scanned once into one throw-away index of the wanted
    claims = write(tmp_path / "c.toml", "".join(f"[[claim]]\npmid = {p}\n\n" for p in REAL))
    args = ["check", str(claims), "--format", "json", "--complete"]
    for f in sorted(SHARED_PUBMED.glob("*.xml")):
        args += ["--records", str(f)]
    out = run(*args)
    results = json.loads(out.stdout)["results"]
    assert [r["pmid"] for r in results] == REAL
    assert all(r["record"]["pmid"] == r["pmid"] for r in results)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(
    head=st.dictionaries(st.text(), json_values, max_size=3),
    items=st.lists(json_values, max_size=5),
    tail=st.dictionaries(st.text(), json_values, max_size=3),
    depth=st.integers(0, 3),
)
def test_streamed_json_is_what_json_dump_writes(head, items, tail, depth) -> None:
    def nest(value: Any, levels: int) -> Any:
        return value if levels == 0 else {"level": nest(value, levels - 1)}

    streamed = {**head, "\x00items": nest(Streamed(iter(items)), depth), **tail}
    plain = {**head, "\x00items": nest(items, depth), **tail}

    class Out:
        def __init__(self) -> None:
            self.parts: list[str] = []

        def write(self, text: str) -> int:
            self.parts.append(text)
            return len(text)

    out = Out()
    write_json(streamed, out)  # type: ignore[arg-type]
    assert "".join(out.parts) == json.dumps(plain, indent=2, ensure_ascii=False)
