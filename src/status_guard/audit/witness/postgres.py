"""A witness table in another PostgreSQL database (or one the log's writers may only INSERT into:
``GRANT INSERT, SELECT ON status_guard_witness TO app; REVOKE UPDATE, DELETE, TRUNCATE``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import orjson

from ..canonical import canonical
from ..sinks.postgres import redact_conninfo, split_table
from .base import Witness, WitnessError

DEFAULT_TABLE = "status_guard_witness"


class PostgresWitness(Witness):
    readable = True

    def __init__(self, conninfo: str, *, timeout: float = 5.0) -> None:
        import psycopg  # noqa: F401 - fail early with a clear error when missing

        self.conninfo, table = split_table(conninfo, None)
        self.table = DEFAULT_TABLE if table == "status_guard_audit" else table
        self.description = f"witness {redact_conninfo(self.conninfo)} table {self.table}"
        self.timeout = timeout
        self._created = False

    def _conn(self) -> Any:
        import psycopg

        ms = max(1, int(self.timeout * 1000))
        conn = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=max(1, int(self.timeout)),
                               options=f"-c lock_timeout={ms} -c statement_timeout={ms}")
        if not self._created:
            conn.execute(f"CREATE TABLE IF NOT EXISTS {self.table} (id BIGSERIAL PRIMARY KEY, "
                         "received TIMESTAMPTZ NOT NULL DEFAULT now(), origin TEXT NOT NULL, log TEXT NOT NULL, "
                         "epoch BIGINT NOT NULL, size BIGINT NOT NULL, root TEXT NOT NULL, entry TEXT NOT NULL)")
            conn.execute(f"CREATE INDEX IF NOT EXISTS {self.table}_origin ON {self.table}(origin, id)")
            self._created = True
        return conn

    def submit(self, entry: Mapping[str, Any]) -> None:
        import psycopg

        sth = entry["sth"]
        try:
            with self._conn() as conn:
                conn.execute(f"INSERT INTO {self.table} (origin, log, epoch, size, root, entry) "
                             "VALUES (%s, %s, %s, %s, %s, %s)",
                             (entry["origin"], sth["log"], sth["epoch"], sth["size"], sth["root"],
                              canonical(entry).decode()))
        except psycopg.Error as e:
            raise WitnessError(f"{self.description} cannot be written ({type(e).__name__})") from None

    def latest(self, origin: str) -> dict[str, Any] | None:
        import psycopg

        try:
            with self._conn() as conn:
                row = conn.execute(f"SELECT entry FROM {self.table} WHERE origin = %s ORDER BY id DESC LIMIT 1",
                                   (origin,)).fetchone()
        except psycopg.Error as e:
            raise WitnessError(f"{self.description} cannot be read ({type(e).__name__})") from None
        return orjson.loads(row[0]) if row else None

    def entries(self) -> Iterator[dict[str, Any]]:
        import psycopg

        try:
            with self._conn() as conn:
                rows = conn.execute(f"SELECT entry FROM {self.table} ORDER BY id").fetchall()
        except psycopg.Error as e:
            raise WitnessError(f"{self.description} cannot be read ({type(e).__name__})") from None
        for (text,) in rows:
            try:
                obj = orjson.loads(text)
            except orjson.JSONDecodeError:
                obj = {"type": "unreadable"}
            yield obj if isinstance(obj, dict) else {"type": "unreadable"}

    def drop(self) -> None:
        """Drop the table (tests)."""
        import psycopg

        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            conn.execute(f"DROP TABLE IF EXISTS {self.table}")
