"""An in-memory sink: for tests and for a process started without an audit spec (a warning is
logged then). Nothing survives the process."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import orjson

from .base import MakeFn, RawItem, Sink, Tail, tail_from_record, tail_of


class MemorySink(Sink):
    description = "memory:"

    def __init__(self) -> None:
        self._lines: list[bytes] = []
        self._lock = threading.Lock()
        self._tail: tuple[int, Tail] | None = None  # (len(lines) when read, tail)

    def write_locked(self, make: MakeFn) -> None:
        with self._lock:
            if self._tail is not None and self._tail[0] == len(self._lines):
                tail: Tail | None = self._tail[1]
            else:
                tail = tail_of(self._lines[-1]) if self._lines else None
            entries = make(tail, None)
            self._lines.extend(line for _, line in entries)
            if entries:
                self._tail = (len(self._lines), tail_from_record(entries[-1][0]))

    def first_record(self) -> dict[str, Any] | None:
        with self._lock:
            return orjson.loads(self._lines[0]) if self._lines else None

    def raw_items(self) -> Iterator[RawItem]:
        with self._lock:
            lines = list(self._lines)
        for i, line in enumerate(lines, 1):
            yield RawItem(i, line)

    def tail_items(self, n: int) -> list[RawItem]:
        with self._lock:
            start = max(0, len(self._lines) - n)
            return [RawItem(i + 1, self._lines[i]) for i in range(start, len(self._lines))]

    # test hooks: tampering in memory, like editing a file
    @property
    def lines(self) -> list[bytes]:
        return self._lines
