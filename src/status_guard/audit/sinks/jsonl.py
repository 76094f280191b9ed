"""A JSON Lines file: one canonical JSON record per line.

Many threads and processes may append at once. Each append takes an exclusive ``fcntl.flock`` on
the file (waiting at most the lock timeout: a lock held by another process makes the append fail
with :class:`AuditUnavailableError`, it never freezes the caller), looks at what is stored, writes
the new records with one ``write`` on an ``O_APPEND`` descriptor and unlocks; then (fsync "always"
or "batch") it fsyncs before returning, so the caller proceeds only once its records are durable.

This writer's cursor is ``(device, inode, end offset, bytes of its last line)``. Before each append
it checks, cheaply, that the path still names the same file (not deleted, not replaced), that the
file is not shorter than where its last record ended, and that its last record's bytes are still
there; records other writers appended after it are handed to the log to check and chain onto.

A final line with no newline is a write that was cut off (SIGKILL, full disk, power loss). The
next writer does not silently build on it: it ends the torn line with a newline (so the bytes stay
in place as evidence) and writes a ``continuation`` record that names the torn line's length and
SHA-256. ``verify`` reports an unacknowledged torn line as a truncated tail.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import stat
from collections.abc import Iterator
from typing import Any

import orjson

from ..errors import AuditDamagedError, AuditDiscontinuityError, AuditUnavailableError
from .base import (
    DEFAULT_LOCK_TIMEOUT,
    MAX_LINE,
    LockedReader,
    MakeFn,
    RawItem,
    Sink,
    StoreView,
    Tail,
    TornTail,
    file_digest,
    move_aside,
    poll_until,
    sha256_hex,
    tail_from_record,
    tail_of,
)
from .lines import Line, iter_backward, iter_forward

logger = logging.getLogger("status_guard.audit")


def _err(e: OSError) -> str:
    return errno.errorcode.get(e.errno or 0, "error")


def lock_file(fd: int, timeout: float, what: str) -> None:
    """``flock(LOCK_EX)``, waiting at most ``timeout`` seconds."""
    def attempt() -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    poll_until(attempt, timeout, f"audit log {what} is locked by another process (is a backup or another tool "
                                 "holding the file?)")


class _Reader(LockedReader):
    def __init__(self, fd: int, size: int) -> None:
        self.fd, self.size = fd, size

    def _records_back(self) -> Iterator[Line]:
        for line in iter_backward(self.fd, self.size):
            if line.complete and line.data:
                yield line

    def last_tree_record(self) -> RawItem | None:
        for line in self._records_back():
            if b'"frontier":' in line.data:
                return RawItem(line.offset, line.data)
        return None

    def items_from(self, seq: int) -> Iterator[RawItem]:
        start = 0
        if seq > 0:  # find the line holding seq by walking back (it is near the end in practice)
            for line in self._records_back():
                s = _seq_of(line.data)
                if s is not None and s <= seq:
                    start = line.offset
                    break
        for line in iter_forward(self.fd, start, self.size):
            if not line.complete:
                break
            s = _seq_of(line.data)
            if s is None or s >= seq:
                yield RawItem(line.offset, line.data, True, line.oversize, line.sha256)

    def items_in_place(self, item: RawItem) -> Iterator[RawItem]:
        start = item.position
        for n, line in enumerate(iter_backward(self.fd, item.position)):
            if n > 1:
                break  # at most one line (a cut-off write the tree head acknowledges) between them
            if line.complete and _seq_of(line.data) is not None:
                start = line.offset
                break
        for line in iter_forward(self.fd, start, self.size):
            if not line.complete:
                break
            yield RawItem(line.offset, line.data, True, line.oversize, line.sha256)

    def record_at(self, seq: int) -> RawItem | None:
        for line in self._records_back():
            s = _seq_of(line.data)
            if s == seq:
                return RawItem(line.offset, line.data)
            if s is not None and s < seq:
                return None
        return None

    def first_record(self) -> dict[str, Any] | None:
        for line in iter_forward(self.fd, 0, self.size):
            return _parse(line.data)
        return None


def _parse(data: bytes) -> dict[str, Any] | None:
    try:
        rec = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    return rec if isinstance(rec, dict) else None


def _seq_of(data: bytes) -> int | None:
    rec = _parse(data)
    seq = rec.get("seq") if rec else None
    return seq if isinstance(seq, int) and not isinstance(seq, bool) else None


class JsonlSink(Sink):
    position_name = "line"

    def __init__(self, path: str | os.PathLike[str], *, fsync: str = "batch") -> None:
        self.path = os.fspath(path)
        self.description = f"jsonl:{self.path}"
        self.origin = f"jsonl:{os.path.abspath(self.path)}"
        self.fsync = fsync
        self._fd: int | None = None
        self._cursor: tuple[int, int, int, bytes] | None = None  # (dev, ino, end offset, last line)
        # the file's change time when this writer's last write ended: a file back at exactly that end
        # with a later change time was written after it and cut back (other writers' records removed)
        self._ctime: int | None = None

    # -- writing ---------------------------------------------------------------------------------
    def reset_cursor(self) -> None:
        self._cursor = None
        self._ctime = None
        if self._fd is not None:
            try:
                os.close(self._fd)
            finally:
                self._fd = None

    def _open_fresh(self) -> int:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        parent = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(parent, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o640)
        return self._fd

    def write_locked(self, make: MakeFn, *, timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        fresh = self._cursor is None or self._fd is None
        problem = None
        try:
            if fresh:
                fd = self._open_fresh()
            else:
                assert self._fd is not None and self._cursor is not None
                fd = self._fd
                problem = self._path_problem()
        except OSError as e:
            raise AuditUnavailableError(f"audit log {self.description} cannot be opened: {_err(e)}") from None
        if problem is not None:  # do not lock or touch anything: the file we wrote to is gone
            make(StoreView(fresh=False, problem=problem))
            raise AuditUnavailableError(problem)  # make() raises; this is a safety net
        try:
            lock_file(fd, timeout, self.description)
        except OSError as e:
            raise AuditUnavailableError(f"audit log {self.description} cannot be locked: {_err(e)}") from None
        try:
            st = os.fstat(fd)
            if fresh:
                # the path may have been replaced while we waited for the lock
                if os.stat(self.path).st_ino != st.st_ino:
                    raise AuditUnavailableError(f"audit log {self.description} was replaced while opening; retry")
                view = self._fresh_view(fd, st.st_size)
            else:
                view = self._cursor_view(fd, st.st_size, st.st_ctime_ns)
            entries = make(view)
            if view.problem is not None:
                raise AuditUnavailableError(view.problem)  # make() raises first; a safety net
            seal = view.seal
            data = (b"\n" if seal else b"") + b"".join(line + b"\n" for _, line in entries)
            view_bytes = memoryview(data)
            while view_bytes:
                n = os.write(fd, view_bytes)
                view_bytes = view_bytes[n:]
            after = os.fstat(fd)
            end = after.st_size
            if end != st.st_size + len(data):
                # someone who ignores the lock changed the file between our look and our write
                self._cursor = None
                raise AuditDiscontinuityError(
                    f"audit log {self.description} changed while this writer appended to it (it is {end} bytes, "
                    f"expected {st.st_size + len(data)}): someone wrote to it without the lock")
            if entries:
                self._cursor = (st.st_dev, st.st_ino, end, entries[-1][1])
                self._ctime = after.st_ctime_ns
            elif seal and self._cursor is not None:
                self._cursor = (*self._cursor[:2], self._cursor[2] + 1, self._cursor[3])
                self._ctime = after.st_ctime_ns
        except AuditUnavailableError:
            raise
        except OSError as e:
            raise AuditUnavailableError(f"audit log {self.description} cannot be written: {_err(e)}") from None
        finally:
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            except OSError:
                pass
        # fsync after unlocking: the records are already in order in the file; other writers can
        # append while this one waits for the disk. The caller still returns only once its records
        # are durable.
        if self.fsync != "never":
            try:
                os.fsync(fd)
            except OSError as e:
                raise AuditUnavailableError(f"audit log {self.description} cannot be made durable (fsync: "
                                            f"{_err(e)})") from None

    def _path_problem(self) -> str | None:
        assert self._fd is not None and self._cursor is not None
        dev, ino, end, _ = self._cursor
        seq = _seq_of(self._cursor[3])
        mine = f"this writer's last record (seq {seq})" if seq is not None else "this writer's last record"
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return (f"audit log {self.description} was deleted (unlinked) after {mine} was written; refusing "
                    "to start a new log in its place")
        if (st.st_dev, st.st_ino) != (dev, ino):
            return (f"audit log {self.description} was replaced by another file after {mine} was written; "
                    "refusing to write to the replacement")
        return None

    def _cursor_view(self, fd: int, size: int, ctime: int | None = None) -> StoreView:
        assert self._cursor is not None
        _, _, end, last = self._cursor
        seq = _seq_of(last)
        if size < end:
            return StoreView(False, problem=(
                f"audit log {self.description} went backwards: it is {size} bytes, but this writer's last "
                f"record (seq {seq}) ended at byte {end}: records were cut from its end"))
        if size == end and ctime is not None and self._ctime is not None and ctime != self._ctime:
            return StoreView(False, problem=(
                f"audit log {self.description} went backwards: it was changed after this writer's last record "
                f"(seq {seq}) and now ends exactly there again: records other writers appended after it were cut"))
        if last and os.pread(fd, len(last) + 1, end - len(last) - 1) != last + b"\n":
            return StoreView(False, problem=(
                f"audit log {self.description}: this writer's last record (seq {seq}) is no longer where it "
                "was written: the file was rewritten"))
        view = StoreView(False, reader=_Reader(fd, size))
        if size > end:
            view.appended = self._appended(fd, end, size, view)
        return view

    def _appended(self, fd: int, end: int, size: int, view: StoreView) -> Iterator[RawItem]:
        """What other writers stored after this writer's last record, one line at a time."""
        for line in iter_forward(fd, end, size):
            if line.oversize:
                yield RawItem(line.offset, b"", True, line.oversize)  # the log refuses it
                return
            if not line.complete:
                view.seal = True
                if _is_record(line.data):  # a whole record whose newline was not written
                    yield RawItem(line.offset, line.data)
                else:
                    view.torn = TornTail(len(line.data), sha256_hex(line.data))
                return
            yield RawItem(line.offset, line.data)

    def _fresh_view(self, fd: int, size: int) -> StoreView:
        reader = _Reader(fd, size)
        if size == 0:
            return StoreView(True, reader=reader)
        lines = iter_backward(fd, size)
        last = next(lines)
        if last.oversize:
            raise AuditDamagedError(
                f"audit log {self.description}: its last line is over {MAX_LINE} bytes: not a record; refusing "
                "to extend a damaged log (run `status-guard audit verify`, then `status-guard audit recover`)", "oversize_line")
        if last.complete:
            return StoreView(True, tail=self._parse_tail(last.data), reader=reader)
        try:  # a whole record whose newline was not written: it is the tail
            return StoreView(True, tail=tail_of(last.data), reader=reader, seal=True)
        except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
            pass
        torn = TornTail(len(last.data), sha256_hex(last.data))
        prev = next(lines, None)
        if prev is None:
            return StoreView(True, torn=torn, reader=reader, seal=True)
        if prev.oversize:
            raise AuditDamagedError(
                f"audit log {self.description}: a line over {MAX_LINE} bytes precedes its end; refusing to "
                "extend a damaged log (run `status-guard audit verify`, then `status-guard audit recover`)", "oversize_line")
        return StoreView(True, tail=self._parse_tail(prev.data), torn=torn, reader=reader, seal=True)

    def _parse_tail(self, line: bytes) -> Tail:
        try:
            return tail_of(line)
        except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
            raise AuditDamagedError(
                f"audit log {self.description}: the last complete record cannot be read; refusing to "
                "extend a damaged chain (run `status-guard audit verify`, then `status-guard audit recover`)",
                "unreadable_record") from None

    # -- reading ---------------------------------------------------------------------------------
    def _open_read(self) -> int | None:
        try:  # O_NONBLOCK: a FIFO in the log's place must not block the open (it is refused below)
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
        except FileNotFoundError:
            return None
        except IsADirectoryError:
            raise AuditUnavailableError(f"audit log {self.description} is a directory, not a log file") from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise AuditUnavailableError(f"audit log {self.description} is not a regular file (a FIFO or device?): "
                                        "refusing to read what may never answer")
        return fd

    def first_record(self) -> dict[str, Any] | None:
        fd = self._open_read()
        if fd is None:
            return None
        try:
            return _Reader(fd, os.fstat(fd).st_size).first_record()
        finally:
            os.close(fd)

    def raw_items(self, start: int = 0, first_line: int = 1) -> Iterator[RawItem]:
        """Every line, as records; ``start``: a byte offset of a line start (``first_line`` its number)."""
        fd = self._open_read()
        if fd is None:
            return
        try:
            for i, line in enumerate(iter_forward(fd, start), first_line):
                yield RawItem(i, line.data, line.complete, line.oversize, line.sha256, line.end)
        finally:
            os.close(fd)

    def tail_items(self, n: int) -> list[RawItem]:
        fd = self._open_read()
        if fd is None:
            return []
        out: list[RawItem] = []
        try:
            for line in iter_backward(fd):
                if len(out) >= n:
                    break
                out.append(RawItem(line.offset, line.data, line.complete, line.oversize))
        finally:
            os.close(fd)
        out.reverse()
        return out

    def latest_of_kind(self, kind: str, *, not_before: str | None = None) -> RawItem | None:
        fd = self._open_read()
        if fd is None:
            return None
        needle = b'"kind":"' + kind.encode() + b'"'
        try:
            for line in iter_backward(fd):
                if not line.complete or not line.data:
                    continue
                if needle in line.data:
                    return RawItem(line.offset, line.data)
                if not_before is not None:
                    rec = _parse(line.data)
                    t = rec.get("time") if rec else None
                    if isinstance(t, str) and t < not_before:
                        return None
        finally:
            os.close(fd)
        return None

    def quarantine(self, tag: str) -> dict[str, Any] | None:
        self.reset_cursor()
        if not os.path.lexists(self.path):
            return None
        size, digest = file_digest(self.path)
        dst = move_aside(self.path, f"{self.path}.damaged-{tag}")
        logger.warning("status_guard audit: moved the damaged log %s to %s", self.path, dst)
        return {"tag": tag, "bytes": size, "sha256": digest}

    def close(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            finally:
                self._fd = None


def _is_record(data: bytes) -> bool:
    try:
        tail_of(data)
        return True
    except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
        return False


__all__ = ["JsonlSink", "lock_file", "tail_from_record"]
