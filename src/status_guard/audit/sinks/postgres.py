"""A PostgreSQL table shared by many application instances: one database-serialised chain.

Each append is one transaction: ``pg_advisory_xact_lock(<key of this table>)`` serialises writers
(the lock is released by COMMIT/ROLLBACK, so a crashed writer never leaves it held), the head row
is read inside the lock, the new rows are inserted, and COMMIT makes them durable
(``synchronous_commit`` on, or off for fsync="never"). ``seq`` is the primary key: two writers can
never fork the chain even if the lock were bypassed — the second insert fails, and the guard fails
closed. See docs/audit.md for why one chain rather than one chain per writer.

Waits are bounded: ``lock_timeout`` and ``statement_timeout`` are set per transaction to the lock
timeout, and the connection timeout is short, so a held lock, a stopped server or a dropped
network makes the append fail with :class:`AuditUnavailableError` instead of freezing the caller.
This writer's cursor is its last ``(seq, hash)``: a dropped or truncated table, or a deleted or
changed cursor row, is a problem the log refuses to build on.

The canonical JSON is stored verbatim in a TEXT column (not JSONB, which reorders keys and would
lose the exact bytes the hash covers).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson

from ..errors import AuditConfigError, AuditUnavailableError
from .base import DEFAULT_LOCK_TIMEOUT, LockedReader, MakeFn, RawItem, Sink, StoreView
from .sqlite import TREE_KINDS, cursor_view, fresh_view, row_of

DEFAULT_TABLE = "status_guard_audit"
TABLE_RE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def split_table(conninfo: str, table: str | None) -> tuple[str, str]:
    """Remove a ``table=`` (or ``audit_table=``) query parameter from a postgresql:// URL."""
    parts = urlsplit(conninfo)
    query = parse_qsl(parts.query, keep_blank_values=True)
    rest = [(k, v) for k, v in query if k not in ("table", "audit_table")]
    for k, v in query:
        if k in ("table", "audit_table") and table is None:
            table = v
    table = table or DEFAULT_TABLE
    if not TABLE_RE.fullmatch(table):
        raise AuditConfigError("audit table name must be a lower-case SQL identifier (letters, digits, _)")
    return urlunsplit(parts._replace(query=urlencode(rest))), table


def redact_conninfo(conninfo: str) -> str:
    parts = urlsplit(conninfo)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class _Reader(LockedReader):
    def __init__(self, conn: Any, table: str) -> None:
        self.conn, self.table = conn, table

    def last_tree_record(self) -> RawItem | None:
        cur = self.conn.execute(f"SELECT seq, record FROM {self.table} WHERE kind = ANY(%s) ORDER BY seq DESC",
                                (list(TREE_KINDS),))
        for seq, record in cur:
            data = record.encode()
            if b'"frontier":' in data:
                return RawItem(int(seq), data)
        return None

    def items_from(self, seq: int) -> Iterator[RawItem]:
        with self.conn.cursor(name="sg_items_from") as cur:  # server-side: bounded memory on a long log
            cur.itersize = 1000
            cur.execute(f"SELECT seq, record FROM {self.table} WHERE seq >= %s ORDER BY seq", (seq,))
            for s, record in cur:
                yield RawItem(int(s), record.encode())

    def record_at(self, seq: int) -> RawItem | None:
        row = self.conn.execute(f"SELECT seq, record FROM {self.table} WHERE seq = %s", (seq,)).fetchone()
        return RawItem(int(row[0]), row[1].encode()) if row else None

    def first_record(self) -> dict[str, Any] | None:
        row = self.conn.execute(f"SELECT record FROM {self.table} ORDER BY seq LIMIT 1").fetchone()
        if not row:
            return None
        try:
            rec = orjson.loads(row[0])
        except orjson.JSONDecodeError:
            return None
        return rec if isinstance(rec, dict) else None


class PostgresSink(Sink):
    position_name = "row seq"

    def __init__(self, conninfo: str, *, table: str | None = None, fsync: str = "batch",
                 connect_timeout: int = 5) -> None:
        import psycopg  # noqa: F401 - fail early with a clear error when missing

        self.conninfo, self.table = split_table(conninfo, table)
        self.description = f"{redact_conninfo(self.conninfo)} table {self.table}"
        self.origin = f"{redact_conninfo(self.conninfo)}?table={self.table}"
        self.fsync = fsync
        self.connect_timeout = connect_timeout
        self.lock_key = int.from_bytes(hashlib.sha256(b"status_guard.audit:" + self.table.encode()).digest()[:8],
                                       "big", signed=True)
        self._conn: Any = None
        self._lock = threading.Lock()
        self._created = False
        self._cursor: tuple[int, str, bytes] | None = None
        self._conn_timeout = 0

    def reset_cursor(self) -> None:
        with self._lock:
            self._cursor = None

    def _connect(self, timeout: float = DEFAULT_LOCK_TIMEOUT) -> Any:
        import psycopg

        ms = max(1, int(timeout * 1000))
        if (self._conn is not None and not self._conn.closed and not self._conn.broken
                and self._conn_timeout == ms):
            return self._conn
        if self._conn is not None:
            try:
                self._conn.close()
            except psycopg.Error:
                pass
        # every wait of this session is bounded: a held lock or a stuck statement fails, never hangs
        self._conn = psycopg.connect(self.conninfo, autocommit=False, connect_timeout=self.connect_timeout,
                                     options=f"-c lock_timeout={ms} -c statement_timeout={max(ms, 5000)}")
        self._conn_timeout = ms
        if not self._created:
            with self._conn.transaction():
                self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (self.lock_key,))
                self._conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {self.table} (seq BIGINT PRIMARY KEY, time TEXT NOT NULL, "
                    "kind TEXT NOT NULL, adapter TEXT, effect TEXT, requester TEXT, hash TEXT NOT NULL, "
                    "record TEXT NOT NULL)")
                self._conn.execute(f"CREATE INDEX IF NOT EXISTS {self.table}_time ON {self.table}(time)")
            self._created = True
        return self._conn

    def write_locked(self, make: MakeFn, *, timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        import psycopg

        with self._lock:
            last_error: Exception | None = None
            for attempt in range(2):  # one reconnect when the connection was lost between writes
                try:
                    conn = self._connect(timeout)
                    with conn.transaction():
                        if self.fsync == "never":
                            conn.execute("SET LOCAL synchronous_commit = off")
                        conn.execute("SELECT pg_advisory_xact_lock(%s)", (self.lock_key,))
                        reader = _Reader(conn, self.table)
                        if self._cursor is None:
                            row = conn.execute(
                                f"SELECT record FROM {self.table} ORDER BY seq DESC LIMIT 1").fetchone()
                            view = fresh_view(row[0] if row else None, reader, self.description)
                        else:
                            # a server-side cursor: the rows others appended are read in batches
                            rows_cur = conn.cursor(name=f"sg_appended_{self.lock_key & 0xffffff:x}")
                            rows_cur.itersize = 1000
                            rows_cur.execute(f"SELECT seq, record FROM {self.table} WHERE seq >= %s ORDER BY seq",
                                             (self._cursor[0],))
                            view = cursor_view(
                                reader, ((s, r.encode()) for s, r in rows_cur), self._cursor, self.description,
                                lambda: conn.execute(f"SELECT max(seq) FROM {self.table}").fetchone()[0])
                        entries = make(view)
                        if view.problem is not None:
                            raise AuditUnavailableError(view.problem)
                        with conn.cursor() as cur:
                            cur.executemany(f"INSERT INTO {self.table} VALUES (%s,%s,%s,%s,%s,%s,%s,%s)",
                                            [row_of(rec, line) for rec, line in entries])
                    if entries:
                        last = entries[-1][0]
                        self._cursor = (last["seq"], last["hash"], entries[-1][1])
                    return
                except psycopg.errors.UndefinedTable:
                    if self._cursor is not None:
                        problem = (f"audit log {self.description}: the table was dropped after this writer's last "
                                   f"record (seq {self._cursor[0]})")
                        make(StoreView(False, problem=problem))
                        raise AuditUnavailableError(problem) from None
                    self._created = False
                    last_error = psycopg.errors.UndefinedTable()
                    if attempt == 0:
                        self._conn = None
                        continue
                    break
                except psycopg.errors.LockNotAvailable:
                    raise AuditUnavailableError(
                        f"audit log {self.description} is locked by another session for more than {timeout:g} s; "
                        "the record was not written") from None
                except psycopg.OperationalError as e:
                    last_error = e
                    if self._conn is not None and (self._conn.closed or self._conn.broken) and attempt == 0:
                        self._conn = None
                        continue
                    break
                except psycopg.Error as e:
                    last_error = e
                    break
            raise AuditUnavailableError(f"audit log {self.description} cannot be written "
                                        f"({type(last_error).__name__})") from None

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        try:
            with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=self.connect_timeout) as conn:
                return conn.execute(sql, params).fetchall()
        except psycopg.errors.UndefinedTable:
            return []
        except psycopg.Error as e:
            raise AuditUnavailableError(f"audit log {self.description} cannot be read ({type(e).__name__})") from None

    def first_record(self) -> dict[str, Any] | None:
        rows = self._read(f"SELECT record FROM {self.table} ORDER BY seq LIMIT 1")
        if not rows:
            return None
        try:
            rec = orjson.loads(rows[0][0])
        except orjson.JSONDecodeError:
            return None
        return rec if isinstance(rec, dict) else None

    def raw_items(self, start: int = 0) -> Iterator[RawItem]:
        """Rows in seq order; ``start``: the first seq to read."""
        import psycopg

        try:
            conn = psycopg.connect(self.conninfo, autocommit=False, connect_timeout=self.connect_timeout)
        except psycopg.Error as e:
            raise AuditUnavailableError(f"audit log {self.description} cannot be read ({type(e).__name__})") from None
        try:
            try:
                with conn.cursor(name="status_guard_audit_read") as cur:
                    cur.itersize = 2000
                    cur.execute(f"SELECT seq, record FROM {self.table} WHERE seq >= %s ORDER BY seq", (start,))
                    for seq, record in cur:
                        yield RawItem(int(seq), record.encode(), resume=int(seq) + 1)
            except psycopg.errors.UndefinedTable:
                return
        finally:
            conn.close()

    def tail_items(self, n: int) -> list[RawItem]:
        rows = self._read(f"SELECT seq, record FROM {self.table} ORDER BY seq DESC LIMIT %s", (n,))
        return [RawItem(int(s), r.encode()) for s, r in reversed(rows)]

    def latest_of_kind(self, kind: str, *, not_before: str | None = None) -> RawItem | None:
        rows = self._read(f"SELECT seq, record FROM {self.table} WHERE kind = %s ORDER BY seq DESC LIMIT 1", (kind,))
        return RawItem(int(rows[0][0]), rows[0][1].encode()) if rows else None

    def quarantine(self, tag: str) -> dict[str, Any] | None:
        """Rename the table (and its index) aside, under the writers' advisory lock; never drop it."""
        import psycopg

        self.close()
        suffix = "_damaged_" + re.sub(r"[^0-9a-z]", "", tag.lower())
        schema, _, name = self.table.rpartition(".")
        new = (name[: 63 - len(suffix)] + suffix)
        try:
            with psycopg.connect(self.conninfo, autocommit=False, connect_timeout=self.connect_timeout) as conn:
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (self.lock_key,))
                    exists = conn.execute("SELECT to_regclass(%s)", (self.table,)).fetchone()[0]
                    if exists is None:
                        return None
                    rows = conn.execute(f"SELECT count(*), max(seq) FROM {self.table}").fetchone()
                    conn.execute(f"ALTER TABLE {self.table} RENAME TO {new}")
                    if conn.execute("SELECT to_regclass(%s)", (f"{self.table}_time",)).fetchone()[0] is not None:
                        conn.execute(f"ALTER INDEX {self.table}_time RENAME TO {new[:58]}_time")
        except psycopg.Error as e:
            raise AuditUnavailableError(f"audit log {self.description} cannot be moved aside ({type(e).__name__})") from None
        self._created = False
        out: dict[str, Any] = {"tag": re.sub(r"[^0-9a-z]", "", tag.lower()), "rows": int(rows[0])}
        if rows[1] is not None and int(rows[1]) >= 0:
            out["max_seq"] = int(rows[1])
        return out

    def drop(self) -> None:
        """Drop the table (tests)."""
        self._read_exec(f"DROP TABLE IF EXISTS {self.table}")

    def _read_exec(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=self.connect_timeout) as conn:
            conn.execute(sql)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.close()
                finally:
                    self._conn = None
