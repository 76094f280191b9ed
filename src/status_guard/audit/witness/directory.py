"""A witness directory: heads appended to ``heads.jsonl`` in a directory the log's insider cannot
write (another host's NFS export, a mount owned by another account, a file with ``chattr +a``).

Each head is one line written with ``O_APPEND`` and fsynced; the store never rewrites or deletes.
``file:PATH`` reads a JSON Lines file of entries (for example syslog/journald output exported with
``journalctl -t status_guard_witness -o cat``) for checking and verification; it cannot be written.
"""

from __future__ import annotations

import errno
import os
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

    def _open(self) -> int | None:
        try:
            return os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        except OSError as e:
            raise WitnessError(f"{self.description} cannot be read: {errno.errorcode.get(e.errno or 0, 'error')}") from None

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
        fd = self._open()
        if fd is None:
            return None
        needle = orjson.dumps(origin)
        try:
            for line in iter_backward(fd, limit=MAX_ENTRY_BYTES):
                if not line.complete or needle not in line.data:
                    continue
                obj = _parse(line.data)
                if obj is not None and obj.get("origin") == origin:
                    return obj
        finally:
            os.close(fd)
        return None


class DirectoryWitness(FileWitness):
    def __init__(self, path: str) -> None:
        self.dir = os.path.expanduser(path)
        super().__init__(os.path.join(self.dir, FILE_NAME))
        self.description = f"witness directory {self.dir}"

    def submit(self, entry: Mapping[str, Any]) -> None:
        line = canonical(entry) + b"\n"
        if len(line) > MAX_ENTRY_BYTES:
            raise WitnessError("witness entry too large")
        try:
            created = not os.path.exists(self.path)
            os.makedirs(self.dir, exist_ok=True)
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
