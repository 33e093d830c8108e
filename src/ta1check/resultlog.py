"""The results of a run kept on disk, so that memory does not grow with the number of claims.

A run of 100,000 claims produces about 400 MB of results in memory (each claim's findings,
figure verdicts and record summary). ``ResultLog`` writes each one to an unnamed temporary
file as it is checked, in whatever order the records arrived, and reads them back as a
sequence in claims-file order. Only the claims (already loaded) and an offset per claim stay
in memory. The file is unlinked from the start, so nothing is left behind, even on a crash.
"""

from __future__ import annotations

import bisect
import pickle
import tempfile
from array import array
from collections.abc import Iterator, Sequence
from itertools import accumulate
from typing import IO, overload

from .claims import Claim, ClaimsFile
from .evidence import Passage
from .figures import FigureVerdict
from .findings import Finding
from .pubmed.record import RecordSummary
from .results import Result, Summary, Tally
from .suggest import Suggestion

_UNSET = -1
#: Bytes written (and read) at a time: about a thousand results.
_BUFFER = 1 << 20
_Row = tuple[
    tuple[Finding, ...],
    "RecordSummary | None",
    tuple[FigureVerdict, ...],
    tuple[Passage, ...],
    "Suggestion | None",
]


class ResultLog(Sequence[Result]):
    """One result per claim of ``files``, each written once (``put``) in any order; reading a
    claim's result before it was written is an error. Its ``summary`` is counted as results
    are written."""

    def __init__(self, files: Sequence[ClaimsFile]) -> None:
        self.files = tuple(files)
        self._starts = list(accumulate((len(f.claims) for f in self.files), initial=0))
        self._offsets = array("q", [_UNSET]) * self._starts[-1]
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

    def put(self, position: int, result: Result) -> None:
        if self._offsets[position] != _UNSET:
            raise ValueError(f"result {position} was already written")
        row: _Row = (
            result.findings,
            result.record,
            result.figures,
            result.evidence,
            result.suggestion,
        )
        data = pickle.dumps(row, protocol=pickle.HIGHEST_PROTOCOL)
        if self._reading:
            self._file.seek(self._end)
            self._reading = False
        self._file.write(data)
        self._offsets[position] = self._end
        self._end += len(data)
        self._unflushed = True
        self._tally.add(result)

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
        if self._unflushed:
            self._file.flush()
            self._unflushed = False
        self._file.seek(offset)
        self._reading = True
        findings, record, figures, evidence, suggestion = pickle.load(self._file)  # our own
        file_index = bisect.bisect_right(self._starts, position) - 1
        claims_file = self.files[file_index]
        claim = claims_file.claims[position - self._starts[file_index]]
        suggestion = suggestion or self._suggestions.get(position)
        return Result(claim, claims_file, findings, record, figures, evidence, suggestion)

    def close(self) -> None:
        self._file.close()
