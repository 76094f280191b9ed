"""What every sink provides: an append under a cross-writer lock, a view of what is stored, and a
raw read-back.

The log (``status_guard.audit.log``) owns the chain logic; a sink owns storage, locking and this
writer's *cursor* (where its last record ended: a byte offset and the bytes of that line for a
file, a ``(seq, hash)`` for a table). Under its lock (flock, ``BEGIN IMMEDIATE``, an advisory
lock — each wait bounded by ``timeout``) the sink builds a :class:`StoreView` and calls
``make(view)``:

* a writer with no cursor yet gets the real tail (``fresh``);
* a writer with a cursor gets the records stored *after* its own last record (``appended``), or a
  ``problem`` when the storage no longer holds that record where it left it: the file was
  deleted, replaced or shortened, the record changed, the table dropped or truncated. The log then
  refuses (and keeps refusing) instead of building on a log that went backwards.
"""

from __future__ import annotations

import hashlib
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

FSYNC_MODES = ("always", "batch", "never")
MAX_LINE = 1024 * 1024  # no stored record comes near this; a longer line is never held in memory whole
DEFAULT_LOCK_TIMEOUT = 5.0


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
    ``seq`` column (databases); ``complete`` is False for a final line with no newline.
    ``oversize`` > 0: the line was longer than :data:`MAX_LINE` and was not read (``data`` is empty,
    ``sha256`` names it when computed). ``resume``: where reading would continue after this item (a
    byte offset for files, the next seq for tables) — see ``raw_items(start=...)``."""

    position: int
    data: bytes
    complete: bool = True
    oversize: int = 0
    sha256: str | None = None
    resume: int = -1


Entry = tuple[dict[str, Any], bytes]  # (record, canonical bytes)


@dataclass
class StoreView:
    """What the sink found under its lock, for ``make``.

    ``fresh``: this writer has no cursor (its first write, or after a recovery): ``tail``/``torn``
    describe the real end of the log. Otherwise ``appended`` yields the complete records other
    writers stored after this writer's last record (``torn`` is set once it has yielded them all, if
    a cut-off write follows), or ``problem`` says why this writer's last record is no longer where it
    left it."""

    fresh: bool
    tail: Tail | None = None
    torn: TornTail | None = None
    appended: Iterable[RawItem] = ()  # read lazily (bounded memory however much others wrote)
    problem: str | None = None
    reader: LockedReader | None = None
    seal: bool = False  # (files) a newline must be written before appending: the last line is cut off


class LockedReader(ABC):
    """Reads the sink while the write lock is held (writer start-up: the Merkle frontier, the
    record a witness saw last)."""

    @abstractmethod
    def last_tree_record(self) -> RawItem | None:
        """The last stored record that carries a Merkle ``frontier`` (None: there is none)."""

    @abstractmethod
    def items_from(self, seq: int) -> Iterator[RawItem]:
        """Complete stored records with ``seq >= seq``, in order."""

    @abstractmethod
    def record_at(self, seq: int) -> RawItem | None:
        """The stored record with this ``seq`` (searching back from the end), or None."""

    @abstractmethod
    def first_record(self) -> dict[str, Any] | None:
        """The first stored record, parsed."""

    def items_in_place(self, item: RawItem) -> Iterator[RawItem]:
        """The stored item just before ``item`` (a record from :meth:`last_tree_record`), then ``item``
        and every stored item after it, in storage order (for tables: seq order). Recovery checks
        with it that storage order from there on is chain order."""
        try:
            seq = orjson.loads(item.data)["seq"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            return iter(())
        return self.items_from(max(0, int(seq) - 1))


MakeFn = Callable[[StoreView], list[Entry]]


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


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def poll_until(attempt: Callable[[], bool], timeout: float, held: str) -> None:
    """Call ``attempt`` (True: got the lock) every 0.5–3 ms until it succeeds or ``timeout`` seconds
    pass; then AuditUnavailableError saying what was ``held``. Short, even steps keep a writer from
    starving behind others (SQLite's own busy handler backs off to 100 ms)."""
    from ..errors import AuditUnavailableError

    deadline = time.monotonic() + max(0.0, timeout)
    delay = 0.0005
    while not attempt():
        now = time.monotonic()
        if now >= deadline:
            raise AuditUnavailableError(f"{held} for more than {timeout:g} s; the record was not written")
        time.sleep(min(delay, deadline - now))
        delay = min(delay * 1.5, 0.003)


class Sink(ABC):
    """Storage for one audit log. One instance belongs to one writer (it holds that writer's cursor)."""

    description: str = "sink"
    position_name: str = "line"
    #: a stable name for where the log lives (path, database and table): witnessed heads carry it,
    #: so a writer starting later can tell that the log at this place was deleted or replaced.
    origin: str = "sink"

    @abstractmethod
    def write_locked(self, make: MakeFn, *, timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        """Take the cross-writer lock (waiting at most ``timeout`` seconds), build the view, call
        ``make``, store what it returns durably (per the sink's fsync mode), move this writer's
        cursor to the end of what it stored, release the lock. Raises AuditUnavailableError on
        failure; on failure nothing is half-stored except, for files, a torn line the next writer
        seals."""

    def reset_cursor(self) -> None:  # noqa: B027 - sinks with a cursor override it
        """Forget this writer's position (after an operator's recovery): the next write is fresh."""

    @abstractmethod
    def first_record(self) -> dict[str, Any] | None:
        """The first stored record, parsed (None when empty or unreadable)."""

    @abstractmethod
    def raw_items(self, start: int = 0) -> Iterator[RawItem]:
        """Every stored record in storage order, from ``start`` (an item's ``resume`` value)."""

    def tail_items(self, n: int) -> list[RawItem]:
        """The last ``n`` stored records (default: scan everything)."""
        from collections import deque

        return list(deque(self.raw_items(), maxlen=n))

    def latest_of_kind(self, kind: str, *, not_before: str | None = None) -> RawItem | None:
        """The last stored record of ``kind`` (default: a scan). ``not_before``: a log time; a sink
        may stop searching at records older than it."""
        found = None
        needle = b'"kind":"' + kind.encode() + b'"'
        for item in self.raw_items():
            if needle in item.data:
                found = item
        return found

    def damage(self) -> tuple[str, str] | None:
        """Why the storage cannot be opened as an audit log at all (a database file truncated or
        deleted under its -wal/-shm files) — (message, short code) — or None. Only ``audit recover``
        asks."""
        return None

    def quarantine(self, tag: str) -> dict[str, Any] | None:
        """Move the stored log aside under a name ending in ``tag`` — never delete or overwrite it —
        so a new chained segment can start in its place. Returns what was moved (where to, size,
        SHA-256), or None when nothing was stored. Only ``audit recover`` calls it."""
        from ..errors import AuditUnavailableError

        raise AuditUnavailableError(f"audit log {self.description} cannot be moved aside (quarantined)")

    def close(self) -> None:  # noqa: B027 - optional
        """Release resources."""


def file_digest(path: str) -> tuple[int, str]:
    """(size, SHA-256) of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    n = 0
    with open(path, "rb") as fh:
        while True:
            block = fh.read(1 << 20)
            if not block:
                break
            n += len(block)
            h.update(block)
    return n, h.hexdigest()


def move_aside(path: str, dst: str) -> str:
    """Move ``path`` to ``dst`` (``path.damaged-TAG``) without ever replacing an existing file (a hard link, then
    unlinking the old name; a rename after an existence check where hard links are not supported), and
    make the move durable. Returns the new path."""
    import os

    try:
        os.link(path, dst)  # fails if dst exists: never overwrites
        os.unlink(path)
    except OSError as e:
        import errno

        if e.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        if os.path.lexists(dst):
            raise
        os.rename(path, dst)
    parent = os.path.dirname(os.path.abspath(path))
    fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return dst
