"""The results of a run kept on disk, so that memory does not grow with the number of claims.

A run of 100,000 claims produces about 400 MB of results in memory (each claim's findings,
figure verdicts and record summary). ``ResultLog`` writes each one to an unnamed temporary
file as it is checked, in whatever order the records arrived, and reads them back as a
sequence in claims-file order. Only the claims (already loaded) and an offset per claim stay
in memory. The file is unlinked from the start, so nothing is left behind, even on a crash.
"""

from __future__ import annotations

import bisect
import dataclasses
import operator
import pickle
import tempfile
from array import array
from collections.abc import Iterator, Sequence
from itertools import accumulate
from typing import IO, overload

from .checks import ClaimCheck
from .claims import Claim, ClaimsFile
from .evidence import Passage
from .figures import FigureVerdict
from .findings import Finding
from .pubmed.record import Record, RecordSummary
from .results import Result, Summary, Tally
from .suggest import Suggestion

_UNSET = -1
_new = object.__new__
_setattr = object.__setattr__
#: Bytes written (and read) at a time: about a thousand results.
_BUFFER = 1 << 20
#: A ``RecordSummary`` as the log holds it: its fields' values, in order (see ``put``).
_SUMMARY_FIELDS = tuple(f.name for f in dataclasses.fields(RecordSummary))
_summary_values = operator.attrgetter(*_SUMMARY_FIELDS)
_Row = tuple[
    tuple[Finding, ...],
    "tuple[object, ...] | None",
    tuple[FigureVerdict, ...],
    tuple[Passage, ...],
    "Suggestion | None",
]


class ResultLog(Sequence[Result]):
    """One result per claim of ``files``, each written once (``put``) in any order; reading a
    claim's result before it was written is an error. Its ``summary`` is counted as results
    are written.

    Without ``keep`` only the summary is kept: the results are counted and dropped, and
    reading one is an error. A run whose reports show the summary alone (``check -q``) needs
    no more, and writing 100,000 results it never reads took 2 s of its warm run (#16)."""

    def __init__(self, files: Sequence[ClaimsFile], *, keep: bool = True) -> None:
        self.files = tuple(files)
        self.keep = keep
        self._starts = list(accumulate((len(f.claims) for f in self.files), initial=0))
        self._offsets = array("q", [_UNSET]) * self._starts[-1]
        #: Each result's length in bytes: read back in one ``read`` of exactly its bytes.
        self._lengths = array("q", [0]) * self._starts[-1]
        # NOTE: with the default 8 KB buffer, every few results were a write(2) that let the
        # fetching threads take the GIL: 20,000 results waited 3.2 s for it to come back.
        self._file: IO[bytes] = tempfile.TemporaryFile(  # noqa: SIM115 - closed in close()
            prefix="ta1check-results-", buffering=_BUFFER
        )
        self._end = 0
        self._unflushed = False
        self._reading = False  # the file position is not at the end
        self._tally = Tally()
        #: Suggestions (#13), added after the results: few, so kept in memory.
        self._suggestions: dict[int, Suggestion] = {}

    def position(self, file_index: int, claim: Claim) -> int:
        """Where a claim of ``files[file_index]`` sits in the log."""
        return self._starts[file_index] + claim.index

    def claim_at(self, position: int) -> tuple[int, Claim]:
        """The claim at ``position``, with the index of its file in ``files``."""
        file_index = bisect.bisect_right(self._starts, position) - 1
        return file_index, self.files[file_index].claims[position - self._starts[file_index]]

    def put(self, position: int, result: Result) -> None:
        self._put(
            position,
            result.findings,
            result.record,
            result.figures,
            result.evidence,
            result.suggestion,
        )

    def put_checked(
        self,
        position: int,
        findings: tuple[Finding, ...],
        record: Record | None,
        checked: ClaimCheck,
    ) -> None:
        """Write the result of the claim at ``position`` from its parts (``claim_findings``):
        the record's summary is made only when the log keeps its results. A run that keeps
        its summary alone builds no ``Result`` and no ``RecordSummary`` (#16)."""
        summary = record.summary() if self.keep and record is not None else None
        self._put(position, findings, summary, checked.figures, checked.evidence, None)

    def _put(
        self,
        position: int,
        findings: tuple[Finding, ...],
        summary: RecordSummary | None,
        figures: tuple[FigureVerdict, ...],
        evidence: tuple[Passage, ...],
        suggestion: Suggestion | None,
    ) -> None:
        if self._offsets[position] != _UNSET:
            raise ValueError(f"result {position} was already written")
        if not self.keep:
            self._offsets[position] = 0
            self._tally.count(findings)
            return
        # NOTE: the record summary goes in as a plain tuple of its values: pickling the
        # dataclass itself (class reference, state dict) cost 5 us more a result (#16).
        row: _Row = (
            findings,
            None if summary is None else _summary_values(summary),
            figures,
            evidence,
            suggestion,
        )
        data = pickle.dumps(row, protocol=pickle.HIGHEST_PROTOCOL)
        if self._reading:
            self._file.seek(self._end)
            self._reading = False
        self._file.write(data)
        self._offsets[position] = self._end
        self._lengths[position] = len(data)
        self._end += len(data)
        self._unflushed = True
        self._tally.count(findings)

    def suggest(self, position: int, suggestion: Suggestion) -> None:
        """A better PMID for the claim at ``position`` (its result is already written)."""
        self._suggestions[position] = suggestion

    @property
    def summary(self) -> Summary:
        return self._tally.summary()

    def __len__(self) -> int:
        return len(self._offsets)

    @overload
    def __getitem__(self, index: int) -> Result: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Result]: ...

    def __getitem__(self, index: int | slice) -> Result | Sequence[Result]:
        if isinstance(index, slice):
            return [self._read(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._read(index)

    def __iter__(self) -> Iterator[Result]:
        for position in range(len(self)):
            yield self._read(position)

    def _read(self, position: int) -> Result:
        offset = self._offsets[position]
        if offset == _UNSET:
            raise LookupError(f"no result was written for claim {position}")
        if not self.keep:
            raise LookupError("this run kept its summary only, not its results")
        if self._unflushed:
            self._file.flush()
            self._unflushed = False
        self._file.seek(offset)
        self._reading = True
        # NOTE: ``pickle.load`` on the buffered file read ahead (peek) and refilled the 1 MB
        # buffer at every seek: 265 us a result, 26 s to read back 100,000 (#16). One read
        # of the result's own bytes costs a few microseconds.
        data = self._file.read(self._lengths[position])
        findings, values, figures, evidence, suggestion = pickle.loads(data)  # our own
        record = None
        if values is not None:
            record = _new(RecordSummary)
            _setattr(record, "__dict__", dict(zip(_SUMMARY_FIELDS, values, strict=True)))
        file_index, claim = self.claim_at(position)
        claims_file = self.files[file_index]
        suggestion = suggestion or self._suggestions.get(position)
        return Result(claim, claims_file, findings, record, figures, evidence, suggestion)

    def close(self) -> None:
        self._file.close()
