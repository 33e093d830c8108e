"""Writing reports and drafts into files without ever harming a file that is not ours.

Two rules, both checked before anything is fetched or written:

- an output file is never one of the run's inputs (a claims file, the article, a records file,
  the config file, the cache) nor another output of the same run (``refuse_collisions``);
- an output appears complete or not at all: it is written to a temporary file in the same
  folder and renamed into place only when the report is whole (``AtomicOutputs``). An
  interrupted run (Ctrl-C, a crash, a full disk) leaves the previous file as it was, never a
  truncated report whose summary claims success.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TextIO


class OutputError(Exception):
    """An output that must not be written: ``path: cause``. Nothing was written."""


@dataclass(frozen=True)
class Input:
    """A file the run reads, and what it is to the user ("the claims file", "the article")."""

    path: Path
    role: str


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)  # hard links, case-insensitive file systems
    except OSError:
        pass
    return a.resolve() == b.resolve()


def refuse_collisions(outputs: Sequence[Path], inputs: Iterable[Input]) -> None:
    """Raise ``OutputError`` when an output is an input of the run or another output; also
    when an output is a folder or its folder does not exist."""
    inputs = list(inputs)
    for i, out in enumerate(outputs):
        for entry in inputs:
            if _same_file(out, entry.path):
                raise OutputError(
                    f"{out}: this is {entry.role}; refusing to overwrite it with a report"
                )
        for other in outputs[:i]:
            if _same_file(out, other):
                raise OutputError(f"{out}: given as the output of two reports; one would be lost")
        if out.is_dir():
            raise OutputError(f"{out}: is a folder, not a file")
        if not out.parent.is_dir():
            raise OutputError(f"{out}: its folder {out.parent} does not exist")


def _mode_for(path: Path) -> int:
    """The permissions the file has, or those a new file would get (0666 less the umask)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class AtomicOutputs:
    """Temporary files beside their targets, renamed into place together on success.

    ``open(path)`` creates the temporary file at once, so that an unwritable folder fails the
    run before anything is fetched. Leaving the ``with`` block normally renames every file into
    place; leaving it by an exception (Ctrl-C included) removes them all.
    """

    def __init__(self) -> None:
        self._files: list[tuple[Path, Path, TextIO]] = []
        self._direct: list[TextIO] = []

    def open(self, path: Path) -> TextIO:
        """A stream for the report at ``path``. A symlink is followed (the link stays, its
        target is replaced); a device, FIFO or socket (``/dev/null``, ``/dev/stdout``) is
        written directly, never renamed over."""
        target = Path(os.path.realpath(path))
        try:
            mode: int | None = target.stat().st_mode
        except OSError:
            mode = None
        if mode is not None and not stat.S_ISREG(mode):
            try:
                direct = open(target, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
            except OSError as exc:
                raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
            self._direct.append(direct)
            return direct
        try:
            fd, temp = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
            )
        except OSError as exc:
            raise OutputError(f"{path}: cannot write here ({exc.strerror or exc})") from None
        stream = open(fd, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed in __exit__
        self._files.append((target, Path(temp), stream))
        return stream

    def __enter__(self) -> AtomicOutputs:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for direct in self._direct:
            with contextlib.suppress(OSError):
                direct.close()
        self._direct.clear()
        if kind is None:
            self._commit()
        else:
            self._discard()

    def _commit(self) -> None:
        try:
            for path, temp, stream in self._files:
                stream.flush()
                os.fsync(stream.fileno())
                stream.close()
                os.chmod(temp, _mode_for(path))
            for path, temp, _ in self._files:
                os.replace(temp, path)
        except BaseException:
            self._discard()
            raise
        self._files.clear()

    def _discard(self) -> None:
        for _, temp, stream in self._files:
            with contextlib.suppress(OSError):
                stream.close()
            with contextlib.suppress(OSError):
                temp.unlink()
        self._files.clear()


@contextlib.contextmanager
def atomic_text(path: Path) -> Iterator[TextIO]:
    """One file written atomically (see ``AtomicOutputs``)."""
    with AtomicOutputs() as outputs:
        yield outputs.open(path)
