"""A JSON Lines file: one canonical JSON record per line.

Many threads and processes may append at once. Each append takes an exclusive ``fcntl.flock`` on
the file, re-reads the tail (the last complete line) under the lock, chains the new records to it,
writes them with one ``write`` on an ``O_APPEND`` descriptor and unlocks; then (fsync "always" or
"batch") it fsyncs before returning, so the caller proceeds only once its records are durable.

A final line with no newline is a write that was cut off (SIGKILL, full disk, power loss). The
next writer does not silently build on it: it ends the torn line with a newline (so the bytes stay
in place as evidence) and writes a ``continuation`` record that names the torn line's length and
SHA-256. ``verify`` reports an unacknowledged torn line as a truncated tail.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
from collections.abc import Iterator
from typing import Any

import orjson

from ..errors import AuditUnavailableError
from .base import MakeFn, RawItem, Sink, Tail, TornTail, tail_from_record, tail_of

_CHUNK = 64 * 1024


class JsonlSink(Sink):
    position_name = "line"

    def __init__(self, path: str | os.PathLike[str], *, fsync: str = "batch") -> None:
        self.path = os.fspath(path)
        self.description = f"jsonl:{self.path}"
        self.fsync = fsync
        self._fd: int | None = None
        self._cache: tuple[int, int, Tail | None] | None = None  # (inode, size, tail)

    # -- writing ---------------------------------------------------------------------------------
    def _open(self) -> int:
        if self._fd is not None:
            try:
                if os.stat(self.path).st_ino == os.fstat(self._fd).st_ino:
                    return self._fd
            except FileNotFoundError:
                pass
            os.close(self._fd)  # the file was moved or removed: follow the path
            self._fd, self._cache = None, None
        parent = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(parent, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o640)
        return self._fd

    def write_locked(self, make: MakeFn) -> None:
        try:
            fd = self._open()
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as e:
            raise AuditUnavailableError(f"audit log {self.description} cannot be opened or locked: "
                                        f"{errno.errorcode.get(e.errno or 0, 'error')}") from None
        try:
            # the path may have been replaced while we waited for the lock
            if os.stat(self.path).st_ino != os.fstat(fd).st_ino:
                raise AuditUnavailableError(f"audit log {self.description} was replaced while writing; retry")
            size = os.fstat(fd).st_size
            ino = os.fstat(fd).st_ino
            if self._cache is not None and self._cache[:2] == (ino, size):
                tail, torn, seal = self._cache[2], None, False
            else:
                tail, torn, seal = self._read_tail(fd, size)
            entries = make(tail, torn)
            data = (b"\n" if seal else b"") + b"".join(line + b"\n" for _, line in entries)
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            new_tail = tail_from_record(entries[-1][0]) if entries else tail
            self._cache = (ino, size + len(data), new_tail)
        except AuditUnavailableError:
            self._cache = None
            raise
        except OSError as e:
            self._cache = None
            raise AuditUnavailableError(f"audit log {self.description} cannot be written: "
                                        f"{errno.errorcode.get(e.errno or 0, 'error')}") from None
        finally:
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            except OSError:
                pass
        # fsync after unlocking: the records are already in order in the file; other writers can
        # append while this one waits for the disk, and the kernel merges their journal commits.
        # The caller still returns only once its records are durable.
        if self.fsync != "never":
            try:
                os.fsync(fd)
            except OSError as e:
                raise AuditUnavailableError(f"audit log {self.description} cannot be made durable (fsync: "
                                            f"{errno.errorcode.get(e.errno or 0, 'error')})") from None

    def _read_tail(self, fd: int, size: int) -> tuple[Tail | None, TornTail | None, bool]:
        """(tail record, torn bytes, whether a newline must be written before appending)."""
        if size == 0:
            return None, None, False
        end, buf = size, b""
        # read backwards until we hold the last line and the whole line before it
        while True:
            start = max(0, end - _CHUNK)
            buf = os.pread(fd, end - start, start) + buf
            end = start
            body = buf[:-1] if buf.endswith(b"\n") else buf
            if start == 0 or body.count(b"\n") >= 2:
                break
        if buf.endswith(b"\n"):
            last = buf[:-1].rsplit(b"\n", 1)[-1]
            return self._parse_tail(last), None, False
        last_nl = buf.rfind(b"\n")
        torn_bytes = buf[last_nl + 1:]
        try:  # a whole record whose newline was not written: it is the tail
            return tail_of(torn_bytes), None, True
        except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
            pass
        torn = TornTail(len(torn_bytes), hashlib.sha256(torn_bytes).hexdigest())
        if last_nl == -1:
            return None, torn, True
        prev = buf[:last_nl].rsplit(b"\n", 1)[-1]
        return self._parse_tail(prev), torn, True

    def _parse_tail(self, line: bytes) -> Tail:
        try:
            return tail_of(line)
        except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
            raise AuditUnavailableError(
                f"audit log {self.description}: the last complete record cannot be read; refusing to "
                "extend a damaged chain (run `status-guard audit verify`)") from None

    # -- reading ---------------------------------------------------------------------------------
    def first_record(self) -> dict[str, Any] | None:
        try:
            with open(self.path, "rb") as f:
                line = f.readline()
        except FileNotFoundError:
            return None
        try:
            rec = orjson.loads(line)
        except orjson.JSONDecodeError:
            return None
        return rec if isinstance(rec, dict) else None

    def raw_items(self) -> Iterator[RawItem]:
        try:
            f = open(self.path, "rb")
        except FileNotFoundError:
            return
        with f:
            for i, line in enumerate(f, 1):
                if line.endswith(b"\n"):
                    yield RawItem(i, line[:-1], True)
                else:
                    yield RawItem(i, line, False)

    def close(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            finally:
                self._fd, self._cache = None, None
