"""A witness directory: heads appended to ``heads.jsonl`` in a directory the log's insider cannot
write (another host's NFS export, a mount owned by another account, a file with ``chattr +a``).

Each head is one line written with ``O_APPEND`` and fsynced; the store never rewrites or deletes.
``file:PATH`` reads a JSON Lines file of entries (for example syslog/journald output exported with
``journalctl -t status_guard_witness -o cat``) for checking and verification; it cannot be written.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Mapping
from typing import Any

import orjson

from ..canonical import canonical
from ..sinks.lines import iter_backward, iter_forward
from .base import MAX_ENTRY_BYTES, Witness, WitnessError

FILE_NAME = "heads.jsonl"


def _parse(data: bytes) -> dict[str, Any] | None:
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    return obj if isinstance(obj, dict) else None


class FileWitness(Witness):
    readable = True

    def __init__(self, path: str) -> None:
        self.path = os.path.expanduser(path)
        self.description = f"witness file {self.path}"

    def submit(self, entry: Mapping[str, Any]) -> None:
        raise WitnessError(f"{self.description} is read-only (use dir:PATH to write heads)")

    def _missing(self) -> None:
        """Called when the heads file does not exist: a file witness that is not there is an error."""
        raise WitnessError(f"{self.description} does not exist (a typo, or a witness that is not mounted?)")

    def _open(self) -> int | None:
        # O_NONBLOCK: a FIFO (or other special file) put in the heads file's place never blocks the open;
        # it is refused below, so a read of the witness is always bounded
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
        except FileNotFoundError:
            self._missing()
            return None
        except OSError as e:
            raise WitnessError(f"{self.description} cannot be read: {errno.errorcode.get(e.errno or 0, 'error')}") from None
        try:
            mode = os.fstat(fd).st_mode
        except OSError:
            mode = 0
        if not stat.S_ISREG(mode):
            os.close(fd)
            raise WitnessError(f"{self.description}: {self.path} is not a regular file (a FIFO, device or "
                               "directory); refusing to read a witness that may never answer")
        return fd

    def entries(self) -> Iterator[dict[str, Any]]:
        fd = self._open()
        if fd is None:
            return
        try:
            for n, line in enumerate(iter_forward(fd, limit=MAX_ENTRY_BYTES), 1):
                if line.oversize:
                    yield {"type": "oversized", "line": n}
                    continue
                if not line.data.strip():
                    continue
                obj = _parse(line.data)
                yield obj if obj is not None else {"type": "unreadable", "line": n}
        finally:
            os.close(fd)

    def latest(self, origin: str) -> dict[str, Any] | None:
        """The latest head for ``origin``: of the log named by the last entry for it, the head with the
        greatest (epoch, size). An append-only store can be appended to by the insider too: a copy of
        an older genuine head appended after newer ones (a replay) never counts as the latest."""
        fd = self._open()
        if fd is None:
            return None
        needle = orjson.dumps(origin)
        best: dict[str, Any] | None = None
        best_key: tuple[int, int] | None = None
        log: Any = None
        try:
            for line in iter_backward(fd, limit=MAX_ENTRY_BYTES):
                if not line.complete or needle not in line.data:
                    continue
                obj = _parse(line.data)
                if obj is None or obj.get("origin") != origin:
                    continue
                sth = obj.get("sth")
                if not isinstance(sth, dict):
                    if best is None:
                        return obj
                    continue
                if best is None:
                    log = sth.get("log")
                elif sth.get("log") != log:
                    continue
                key = _order(sth)
                if best is None or (key is not None and (best_key is None or key > best_key)):
                    best, best_key = obj, key
        finally:
            os.close(fd)
        return best


def _order(sth: Mapping[str, Any]) -> tuple[int, int] | None:
    epoch, size = sth.get("epoch", 0), sth.get("size")
    if isinstance(epoch, bool) or isinstance(size, bool) or not isinstance(epoch, int) or not isinstance(size, int):
        return None
    return (epoch, size)


class DirectoryWitness(FileWitness):
    def __init__(self, path: str) -> None:
        self.dir = os.path.expanduser(path)
        super().__init__(os.path.join(self.dir, FILE_NAME))
        self.description = f"witness directory {self.dir}"

    def _missing(self) -> None:
        # the heads file appears with the first head; the directory itself must be there (or its parent,
        # for a writer to make it): a missing mount point is never read as "an empty witness"
        if not os.path.isdir(self.dir):
            raise WitnessError(f"{self.description} does not exist (not mounted, or a typo?); a missing witness "
                               "is an error, not an empty witness")

    def prepare(self) -> None:
        """Make the witness directory itself, never its parents: a missing parent is an unmounted or
        mistyped path, and heads written there would sit on local disk, in the insider's reach."""
        if os.path.isdir(self.dir):
            return
        parent = os.path.dirname(os.path.abspath(self.dir))
        if not os.path.isdir(parent):
            raise WitnessError(f"{self.description} cannot be written: its parent directory {parent} does not "
                               "exist (not mounted, or a typo?)")
        try:
            os.makedirs(self.dir, exist_ok=True)
        except OSError as e:
            raise WitnessError(f"{self.description} cannot be created: "
                               f"{errno.errorcode.get(e.errno or 0, 'error')}") from None

    def submit(self, entry: Mapping[str, Any]) -> None:
        line = canonical(entry) + b"\n"
        if len(line) > MAX_ENTRY_BYTES:
            raise WitnessError("witness entry too large")
        try:
            created = not os.path.exists(self.path)
            self.prepare()
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o640)
            try:
                n = os.write(fd, line)
                if n != len(line):
                    raise OSError(errno.ENOSPC, "short write")
                os.fsync(fd)
            finally:
                os.close(fd)
            if created:
                dfd = os.open(self.dir, os.O_RDONLY | os.O_DIRECTORY)
                try:
                    os.fsync(dfd)
                finally:
                    os.close(dfd)
        except OSError as e:
            raise WitnessError(f"{self.description} cannot be written: "
                               f"{errno.errorcode.get(e.errno or 0, 'error')}") from None
