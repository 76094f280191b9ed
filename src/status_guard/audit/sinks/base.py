"""What every sink provides: an append under a cross-writer lock, and a raw read-back.

The log (``status_guard.audit.log``) owns the chain logic; a sink owns storage and locking. The
sink calls ``make(tail, torn)`` *while holding its lock* (flock, BEGIN IMMEDIATE, advisory lock),
so the tail it hands over is the real current head of the chain, and nothing can be appended
between reading it and writing the new records.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

FSYNC_MODES = ("always", "batch", "never")


@dataclass(frozen=True)
class Tail:
    """The last complete record of the chain."""

    seq: int
    hash: str
    kind: str
    writer: str | None


@dataclass(frozen=True)
class TornTail:
    """Bytes after the last complete record: a write that was cut off (crash, full disk)."""

    nbytes: int
    sha256: str


@dataclass(frozen=True)
class RawItem:
    """One stored record as bytes. ``position`` is a 1-based line number (files) or the row's
    ``seq`` column (databases); ``complete`` is False for a final line with no newline."""

    position: int
    data: bytes
    complete: bool = True


Entry = tuple[dict[str, Any], bytes]  # (record, canonical bytes)
MakeFn = Callable[[Tail | None, TornTail | None], list[Entry]]


def tail_of(data: bytes | str) -> Tail:
    rec = orjson.loads(data)
    if not isinstance(rec, dict):
        raise ValueError("not an object")
    seq, h = rec["seq"], rec["hash"]
    if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(h, str) or len(h) != 64:
        raise ValueError("no seq/hash")
    return Tail(seq, h, str(rec.get("kind")), rec.get("writer"))


def tail_from_record(rec: dict[str, Any]) -> Tail:
    return Tail(rec["seq"], rec["hash"], rec["kind"], rec.get("writer"))


class Sink(ABC):
    """Storage for one audit log."""

    description: str = "sink"
    position_name: str = "line"

    @abstractmethod
    def write_locked(self, make: MakeFn) -> None:
        """Take the cross-writer lock, read the tail, call ``make``, store what it returns durably
        (per the sink's fsync mode), release the lock. Raises AuditUnavailableError on failure;
        on failure nothing is half-stored except, for files, a torn line the next writer seals."""

    @abstractmethod
    def first_record(self) -> dict[str, Any] | None:
        """The first stored record, parsed (None when empty or unreadable)."""

    @abstractmethod
    def raw_items(self) -> Iterator[RawItem]:
        """Every stored record in storage order."""

    def tail_items(self, n: int) -> list[RawItem]:
        """The last ``n`` stored records (default: scan everything)."""
        from collections import deque

        return list(deque(self.raw_items(), maxlen=n))

    def close(self) -> None:  # noqa: B027 - optional
        """Release resources."""
