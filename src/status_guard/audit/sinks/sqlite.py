"""An SQLite table: one row per record, the canonical JSON kept verbatim in ``record``.

Writers serialise with ``BEGIN IMMEDIATE`` (the database's write lock, waited for at most the lock
timeout), look at what is stored inside that transaction, insert, commit. WAL journal;
``synchronous=FULL`` unless fsync is "never" (then ``OFF``). The indexed columns (time, kind,
adapter, effect, requester) only serve queries; verification reads ``record`` alone.

This writer's cursor is its last ``(seq, hash)`` and the file it opened ``(device, inode)``. An
SQLite connection keeps writing into a database file that was deleted (the inode lives on while
it is open): before each append the path is checked, so a deleted or replaced file is refused,
never written to. Rows after the cursor are handed to the log to check; a missing or changed
cursor row (deleted, truncated, rewritten) is a problem the log refuses to build on.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from typing import Any

import orjson

from ..errors import AuditDamagedError, AuditUnavailableError
from .base import (DEFAULT_LOCK_TIMEOUT, LockedReader, MakeFn, RawItem, Sink, StoreView, file_digest, move_aside,
                   poll_until, tail_of)

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    kind TEXT NOT NULL,
    adapter TEXT,
    effect TEXT,
    requester TEXT,
    hash TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_time ON audit_log(time);
"""

SQLITE_HEADER = b"SQLite format 3\x00"
TREE_KINDS = ("checkpoint", "start", "continuation", "end", "discontinuity")


def row_of(rec: dict[str, Any], line: bytes) -> tuple[Any, ...]:
    req = rec.get("requester")
    return (rec["seq"], rec["time"], rec["kind"], rec.get("adapter"), rec.get("effect"),
            req.get("class") if isinstance(req, dict) else None, rec["hash"], line.decode())


def _data(record: Any) -> bytes:
    return record.encode() if isinstance(record, str) else bytes(record)


class _Reader(LockedReader):
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def last_tree_record(self) -> RawItem | None:
        marks = ",".join("?" * len(TREE_KINDS))
        for seq, record in self.conn.execute(
                f"SELECT seq, record FROM audit_log WHERE kind IN ({marks}) ORDER BY seq DESC", TREE_KINDS):
            data = _data(record)
            if b'"frontier":' in data:
                return RawItem(int(seq), data)
        return None

    def items_from(self, seq: int) -> Iterator[RawItem]:
        for s, record in self.conn.execute("SELECT seq, record FROM audit_log WHERE seq >= ? ORDER BY seq", (seq,)):
            yield RawItem(int(s), _data(record))

    def record_at(self, seq: int) -> RawItem | None:
        row = self.conn.execute("SELECT seq, record FROM audit_log WHERE seq = ?", (seq,)).fetchone()
        return RawItem(int(row[0]), _data(row[1])) if row else None

    def first_record(self) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT record FROM audit_log ORDER BY seq LIMIT 1").fetchone()
        return _parse(row[0]) if row else None


def _parse(record: Any) -> dict[str, Any] | None:
    try:
        rec = orjson.loads(record)
    except orjson.JSONDecodeError:
        return None
    return rec if isinstance(rec, dict) else None


def fresh_view(last_record: Any, reader: LockedReader, description: str) -> StoreView:
    """The view for a writer with no cursor: the table's last record is the tail."""
    try:
        tail = tail_of(last_record) if last_record is not None else None
    except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
        raise AuditDamagedError(f"audit log {description}: the last record cannot be read; refusing to extend a "
                                "damaged chain (run `status-guard audit verify`, then `status-guard audit recover`)",
                                "unreadable_record") from None
    return StoreView(True, tail=tail, reader=reader)


def cursor_view(reader: LockedReader, rows: Iterator[tuple[Any, Any]], cursor: tuple[int, str, bytes],
                description: str, max_seq: Any) -> StoreView:
    """The view for a writer whose last record is ``cursor`` (seq, hash, the stored bytes): ``rows``
    iterates the stored rows with ``seq >= cursor seq`` in order (lazily: bounded memory);
    ``max_seq()`` gives the highest stored seq (for the message). The writer's last row must still
    hold its record byte for byte (not just its ``hash`` column)."""
    seq, h, line = cursor
    first = next(rows, None)
    if first is None or int(first[0]) != seq:
        top = max_seq()
        if top is None:
            why = "the table is now empty (truncated, or every row deleted)"
        elif top < seq:
            why = f"the log now ends at seq {top}: records were cut from its end"
        else:
            why = "that row was deleted"
        return StoreView(False, problem=(f"audit log {description}: this writer's last record (seq {seq}) is "
                                         f"gone; {why}"))
    try:
        stored = tail_of(_data(first[1]))
    except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
        stored = None
    if stored is None or stored.hash != h or _data(first[1]) != line:
        return StoreView(False, problem=(f"audit log {description}: this writer's last record (seq {seq}) was "
                                         "changed after it was written"))
    return StoreView(False, appended=(RawItem(int(s), _data(r)) for s, r in rows), reader=reader)


class SqliteSink(Sink):
    position_name = "row seq"

    def __init__(self, path: str | os.PathLike[str], *, fsync: str = "batch", timeout: float = 30.0) -> None:
        self.path = os.fspath(path)
        self.description = f"sqlite:{self.path}"
        self.origin = f"sqlite:{os.path.abspath(self.path)}"
        self.fsync = fsync
        self.timeout = timeout  # for readers
        self._conn: sqlite3.Connection | None = None
        self._ident: tuple[int, int] | None = None  # (dev, ino) of the file the connection has open
        self._cursor: tuple[int, str, bytes] | None = None
        self._lock = threading.Lock()

    def _connect(self, timeout: float = DEFAULT_LOCK_TIMEOUT) -> sqlite3.Connection:
        if self._conn is None:
            parent = os.path.dirname(os.path.abspath(self.path))
            os.makedirs(parent, exist_ok=True)
            made: list[sqlite3.Connection] = []

            def attempt() -> bool:
                # Two writers creating the database at once: switching a fresh file to WAL, or the first
                # schema transaction, may be refused as busy/locked without SQLite's busy handler; that
                # is transient, so retry it (up to ``timeout``) instead of calling the file foreign.
                conn = sqlite3.connect(self.path, timeout=DEFAULT_LOCK_TIMEOUT, isolation_level=None,
                                       check_same_thread=False)
                try:
                    st = os.stat(self.path)
                    if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                        conn.execute("PRAGMA journal_mode=WAL")
                    conn.execute(f"PRAGMA synchronous={'OFF' if self.fsync == 'never' else 'FULL'}")
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        for stmt in SCHEMA.strip().split(";"):
                            if stmt.strip():
                                conn.execute(stmt)
                        conn.execute("COMMIT")
                    except BaseException:
                        conn.execute("ROLLBACK")
                        raise
                except sqlite3.OperationalError as e:
                    conn.close()
                    if "locked" in str(e) or "busy" in str(e):
                        return False
                    raise
                except BaseException:
                    conn.close()
                    raise
                made.append(conn)
                self._ident = (st.st_dev, st.st_ino)
                return True

            poll_until(attempt, timeout, f"audit log {self.description} is locked by another process")
            self._conn = made[0]
        return self._conn

    def reset_cursor(self) -> None:
        with self._lock:
            self._cursor = None
            if self._conn is not None:
                self._conn.close()
                self._conn, self._ident = None, None

    def _path_problem(self) -> str | None:
        if self._ident is None:
            return None
        seq = self._cursor[0] if self._cursor else None
        mine = f" after this writer's last record (seq {seq})" if seq is not None else ""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return (f"audit log {self.description}: the database file was deleted{mine}; refusing to keep "
                    "writing into the deleted file")
        if (st.st_dev, st.st_ino) != self._ident:
            return f"audit log {self.description}: the database file was replaced by another file{mine}"
        # the same file, but its content may be gone: truncated (``truncate -s0``) or overwritten. An open
        # WAL connection would go on committing into the -wal file of a database that no longer exists.
        try:
            with open(self.path, "rb") as fh:
                header = fh.read(len(SQLITE_HEADER))
        except OSError:
            header = b""
        if header != SQLITE_HEADER:
            return (f"audit log {self.description}: the database file was truncated or overwritten{mine} (it is "
                    f"{st.st_size} bytes and does not begin with the SQLite header); refusing to write into it")
        return None

    def _begin(self, conn: sqlite3.Connection, timeout: float) -> None:
        """``BEGIN IMMEDIATE``, retried every millisecond or two until ``timeout``."""
        conn.execute("PRAGMA busy_timeout=0")

        def attempt() -> bool:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return True
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) and "busy" not in str(e):
                    raise
                return False

        poll_until(attempt, timeout, f"audit log {self.description} is locked by another process")

    def write_locked(self, make: MakeFn, *, timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        with self._lock:
            problem = self._path_problem() if self._cursor is not None else None
            if problem is not None:
                make(StoreView(False, problem=problem))
                raise AuditUnavailableError(problem)
            try:
                conn = self._connect(timeout)
                self._begin(conn, timeout)
            except AuditUnavailableError:
                raise
            except sqlite3.Error as e:
                raise AuditUnavailableError(f"audit log {self.description} cannot be opened or locked "
                                            f"({type(e).__name__}: {e}; not an SQLite audit database?)") from None
            try:
                reader = _Reader(conn)
                if self._cursor is None:
                    row = conn.execute("SELECT record FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
                    view = fresh_view(row[0] if row else None, reader, self.description)
                else:
                    try:
                        rows: Iterator[tuple[Any, Any]] = iter(conn.execute(
                            "SELECT seq, record FROM audit_log WHERE seq >= ? ORDER BY seq", (self._cursor[0],)))
                    except sqlite3.OperationalError:
                        rows = iter(())
                    view = cursor_view(reader, rows, self._cursor, self.description,
                                       lambda: conn.execute("SELECT max(seq) FROM audit_log").fetchone()[0])
                entries = make(view)
                if view.problem is not None:
                    raise AuditUnavailableError(view.problem)
                conn.executemany("INSERT INTO audit_log VALUES (?,?,?,?,?,?,?,?)",
                                 [row_of(rec, line) for rec, line in entries])
                conn.execute("COMMIT")
                if entries:
                    last = entries[-1][0]
                    self._cursor = (last["seq"], last["hash"], entries[-1][1])
            except BaseException as e:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                if isinstance(e, sqlite3.Error):
                    raise AuditUnavailableError(f"audit log {self.description} cannot be written "
                                                f"({type(e).__name__})") from None
                raise

    def _read_conn(self) -> sqlite3.Connection:
        if not os.path.exists(self.path):
            raise FileNotFoundError(self.path)
        if os.path.isdir(self.path):
            raise AuditUnavailableError(f"audit log {self.description} is a directory, not an SQLite database")
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=self.timeout)

    def _read_error(self, e: sqlite3.Error) -> AuditUnavailableError:
        if isinstance(e, sqlite3.DatabaseError) and "not a database" in str(e):
            return AuditUnavailableError(f"audit log {self.description} is not an SQLite database")
        if isinstance(e, sqlite3.OperationalError) and "no such table" in str(e):
            return AuditUnavailableError(f"audit log {self.description} is an SQLite database without an "
                                         "audit_log table (not an audit log)")
        return AuditUnavailableError(f"audit log {self.description} cannot be read ({type(e).__name__})")

    def first_record(self) -> dict[str, Any] | None:
        try:
            conn = self._read_conn()
        except FileNotFoundError:
            return None
        try:
            row = conn.execute("SELECT record FROM audit_log ORDER BY seq LIMIT 1").fetchone()
        except sqlite3.Error:
            return None
        finally:
            conn.close()
        return _parse(row[0]) if row else None

    def raw_items(self, start: int = 0) -> Iterator[RawItem]:
        """Rows in seq order; ``start``: the first seq to read."""
        try:
            conn = self._read_conn()
        except FileNotFoundError:
            return
        try:
            try:
                cur = conn.execute("SELECT seq, record FROM audit_log WHERE seq >= ? ORDER BY seq", (start,))
            except sqlite3.Error as e:
                raise self._read_error(e) from None
            for seq, record in cur:
                yield RawItem(int(seq), _data(record), resume=int(seq) + 1)
        finally:
            conn.close()

    def tail_items(self, n: int) -> list[RawItem]:
        try:
            conn = self._read_conn()
        except FileNotFoundError:
            return []
        try:
            rows = conn.execute("SELECT seq, record FROM audit_log ORDER BY seq DESC LIMIT ?", (n,)).fetchall()
        except sqlite3.Error as e:
            raise self._read_error(e) from None
        finally:
            conn.close()
        return [RawItem(int(s), _data(r)) for s, r in reversed(rows)]

    def latest_of_kind(self, kind: str, *, not_before: str | None = None) -> RawItem | None:
        try:
            conn = self._read_conn()
        except FileNotFoundError:
            return None
        try:
            row = conn.execute("SELECT seq, record FROM audit_log WHERE kind = ? ORDER BY seq DESC LIMIT 1",
                               (kind,)).fetchone()
        except sqlite3.Error:
            return None
        finally:
            conn.close()
        return RawItem(int(row[0]), _data(row[1])) if row else None

    SIDE_FILES = ("-wal", "-shm", "-journal")

    def damage(self) -> tuple[str, str] | None:
        side = [s for s in self.SIDE_FILES if os.path.lexists(self.path + s)]
        if not os.path.lexists(self.path):
            if side:
                return (f"audit log {self.description}: the database file was deleted; its "
                        f"{', '.join(self.path + s for s in side)} file(s) remain", "sqlite_deleted")
            return None
        if os.path.isdir(self.path):
            return None
        try:
            size = os.path.getsize(self.path)
            with open(self.path, "rb") as fh:
                header = fh.read(len(SQLITE_HEADER))
        except OSError:
            return None
        if header != SQLITE_HEADER:
            return (f"audit log {self.description}: the database file is {size} bytes and does not begin with the "
                    "SQLite header (truncated or overwritten)", "sqlite_truncated")
        return None

    def quarantine(self, tag: str) -> dict[str, Any] | None:
        self.reset_cursor()
        moved: dict[str, Any] = {"tag": tag}
        base = f"{self.path}.damaged-{tag}"  # side files keep SQLite's naming: `sqlite3 BASE` opens them together
        if os.path.lexists(self.path):
            size, digest = file_digest(self.path)
            move_aside(self.path, base)
            moved.update(bytes=size, sha256=digest)
        for s in self.SIDE_FILES:  # the -wal holds committed records not yet in the main file: keep it too
            if os.path.lexists(self.path + s):
                dst = move_aside(self.path + s, base + s)
                if s == "-wal":
                    size, digest = file_digest(dst)
                    moved.update(wal_bytes=size, wal_sha256=digest)
        return moved if len(moved) > 1 or os.path.lexists(base + "-shm") else None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn, self._ident = None, None
