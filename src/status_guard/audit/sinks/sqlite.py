"""An SQLite table: one row per record, the canonical JSON kept verbatim in ``record``.

Writers serialise with ``BEGIN IMMEDIATE`` (the database's write lock), read the head row inside
that transaction, insert, commit. WAL journal; ``synchronous=FULL`` unless fsync is "never"
(then ``OFF``). The indexed columns (time, kind, adapter, effect, requester) only serve queries;
verification reads ``record`` alone, so editing a column changes nothing it trusts.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from typing import Any

import orjson

from ..errors import AuditUnavailableError
from .base import MakeFn, RawItem, Sink, tail_of

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


def row_of(rec: dict[str, Any], line: bytes) -> tuple[Any, ...]:
    req = rec.get("requester")
    return (rec["seq"], rec["time"], rec["kind"], rec.get("adapter"), rec.get("effect"),
            req.get("class") if isinstance(req, dict) else None, rec["hash"], line.decode())


class SqliteSink(Sink):
    position_name = "row seq"

    def __init__(self, path: str | os.PathLike[str], *, fsync: str = "batch", timeout: float = 30.0) -> None:
        self.path = os.fspath(path)
        self.description = f"sqlite:{self.path}"
        self.fsync = fsync
        self.timeout = timeout
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            parent = os.path.dirname(os.path.abspath(self.path))
            os.makedirs(parent, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA synchronous={'OFF' if self.fsync == 'never' else 'FULL'}")
            conn.execute(f"PRAGMA busy_timeout={int(self.timeout * 1000)}")
            conn.execute("BEGIN IMMEDIATE")
            try:
                for stmt in SCHEMA.strip().split(";"):
                    if stmt.strip():
                        conn.execute(stmt)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            self._conn = conn
        return self._conn

    def write_locked(self, make: MakeFn) -> None:
        with self._lock:
            try:
                conn = self._connect()
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as e:
                raise AuditUnavailableError(f"audit log {self.description} cannot be opened or locked "
                                            f"({type(e).__name__})") from None
            try:
                row = conn.execute("SELECT record FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
                try:
                    tail = tail_of(row[0]) if row else None
                except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
                    raise AuditUnavailableError(
                        f"audit log {self.description}: the last record cannot be read; refusing to extend a "
                        "damaged chain (run `status-guard audit verify`)") from None
                entries = make(tail, None)
                conn.executemany("INSERT INTO audit_log VALUES (?,?,?,?,?,?,?,?)",
                                 [row_of(rec, line) for rec, line in entries])
                conn.execute("COMMIT")
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
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=self.timeout)

    def first_record(self) -> dict[str, Any] | None:
        try:
            conn = self._read_conn()
        except FileNotFoundError:
            return None
        try:
            row = conn.execute("SELECT record FROM audit_log ORDER BY seq LIMIT 1").fetchone()
        except sqlite3.OperationalError:
            return None
        finally:
            conn.close()
        if not row:
            return None
        try:
            rec = orjson.loads(row[0])
        except orjson.JSONDecodeError:
            return None
        return rec if isinstance(rec, dict) else None

    def raw_items(self) -> Iterator[RawItem]:
        try:
            conn = self._read_conn()
        except FileNotFoundError:
            return
        try:
            try:
                cur = conn.execute("SELECT seq, record FROM audit_log ORDER BY seq")
            except sqlite3.OperationalError:
                return
            for seq, record in cur:
                data = record.encode() if isinstance(record, str) else bytes(record)
                yield RawItem(int(seq), data)
        finally:
            conn.close()

    def tail_items(self, n: int) -> list[RawItem]:
        try:
            conn = self._read_conn()
        except FileNotFoundError:
            return []
        try:
            rows = conn.execute("SELECT seq, record FROM audit_log ORDER BY seq DESC LIMIT ?", (n,)).fetchall()
        except sqlite3.OperationalError:
            return []
        finally:
            conn.close()
        return [RawItem(int(s), r.encode()) for s, r in reversed(rows)]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
