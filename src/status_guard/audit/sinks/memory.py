"""An in-memory sink: for tests and for a process started without an audit spec (a warning is
logged then). Nothing survives the process. Its ``lines`` list can be edited by tests the way an
insider edits a file; the writer's cursor (index and bytes of its last line) catches it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import orjson

from ..errors import AuditUnavailableError
from .base import DEFAULT_LOCK_TIMEOUT, LockedReader, MakeFn, RawItem, Sink, StoreView, tail_of


class _Reader(LockedReader):
    def __init__(self, lines: list[bytes]) -> None:
        self.lines = lines

    def last_tree_record(self) -> RawItem | None:
        for i in range(len(self.lines) - 1, -1, -1):
            if b'"frontier":' in self.lines[i]:
                return RawItem(i + 1, self.lines[i])
        return None

    def items_from(self, seq: int) -> Iterator[RawItem]:
        start = 0
        for i in range(len(self.lines) - 1, -1, -1):
            try:
                if orjson.loads(self.lines[i]).get("seq", -1) <= seq:
                    start = i
                    break
            except (orjson.JSONDecodeError, AttributeError):
                continue
        for i in range(start, len(self.lines)):
            try:
                s = orjson.loads(self.lines[i]).get("seq", -1)
            except (orjson.JSONDecodeError, AttributeError):
                s = seq
            if s >= seq:
                yield RawItem(i + 1, self.lines[i])

    def record_at(self, seq: int) -> RawItem | None:
        for i in range(len(self.lines) - 1, -1, -1):
            try:
                s = orjson.loads(self.lines[i]).get("seq")
            except (orjson.JSONDecodeError, AttributeError):
                continue
            if s == seq:
                return RawItem(i + 1, self.lines[i])
        return None

    def first_record(self) -> dict[str, Any] | None:
        return orjson.loads(self.lines[0]) if self.lines else None


class MemorySink(Sink):
    description = "memory:"
    origin = "memory:"

    def __init__(self) -> None:
        self._lines: list[bytes] = []
        self._lock = threading.Lock()
        self._cursor: tuple[int, bytes] | None = None  # (number of lines up to ours, our last line)

    def reset_cursor(self) -> None:
        self._cursor = None

    def write_locked(self, make: MakeFn, *, timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        if not self._lock.acquire(timeout=max(0.0, timeout)):
            raise AuditUnavailableError("audit log memory: is busy for more than the lock timeout")
        try:
            lines = self._lines
            reader = _Reader(lines)
            if self._cursor is None:
                tail = tail_of(lines[-1]) if lines else None
                view = StoreView(True, tail=tail, reader=reader)
            else:
                n, last = self._cursor
                if len(lines) < n:
                    view = StoreView(False, problem=f"audit log memory: went backwards: it holds {len(lines)} "
                                     f"records, this writer's last record was number {n}")
                elif lines[n - 1] != last:
                    view = StoreView(False, problem="audit log memory: this writer's last record was changed")
                else:
                    view = StoreView(False, appended=[RawItem(i + 1, lines[i]) for i in range(n, len(lines))],
                                     reader=reader)
            entries = make(view)
            if view.problem is not None:
                raise AuditUnavailableError(view.problem)
            lines.extend(line for _, line in entries)
            if entries:
                self._cursor = (len(lines), lines[-1])
        finally:
            self._lock.release()

    def first_record(self) -> dict[str, Any] | None:
        with self._lock:
            return orjson.loads(self._lines[0]) if self._lines else None

    def raw_items(self, start: int = 0) -> Iterator[RawItem]:
        with self._lock:
            lines = list(self._lines)
        for i in range(start, len(lines)):
            yield RawItem(i + 1, lines[i], resume=i + 1)

    def tail_items(self, n: int) -> list[RawItem]:
        with self._lock:
            start = max(0, len(self._lines) - n)
            return [RawItem(i + 1, self._lines[i]) for i in range(start, len(self._lines))]

    # test hooks: tampering in memory, like editing a file
    @property
    def lines(self) -> list[bytes]:
        return self._lines
