"""Inventory of a live database: reflect table/column names (stdlib sqlite3, or psycopg 3 for a
PostgreSQL DSN) and classify them like DDL columns. Only names are read, never rows."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from ..errors import StatusGuardError
from .findings import Candidate, Kind
from .inventory import Inventory
from .scanner import evaluate

MAX_COLUMNS = 200_000


def _redact_dsn(dsn: str) -> str:
    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", dsn)


def reflect(dsn: str) -> list[tuple[str, str]]:
    """(table, column) pairs."""
    if dsn.startswith(("postgresql://", "postgres://")) or "dbname=" in dsn:
        try:
            import psycopg
        except ImportError:
            raise StatusGuardError("a PostgreSQL DSN needs psycopg 3 (pip install psycopg)") from None
        try:
            with psycopg.connect(dsn, connect_timeout=10) as conn:
                rows = conn.execute(
                    "SELECT table_schema || '.' || table_name, column_name FROM information_schema.columns "
                    "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') "
                    "ORDER BY table_schema, table_name, ordinal_position LIMIT %s", (MAX_COLUMNS + 1,)).fetchall()
        except psycopg.Error as exc:
            raise StatusGuardError(f"cannot reflect {_redact_dsn(dsn)} ({exc.__class__.__name__})") from None
    else:
        path = Path(dsn.removeprefix("sqlite:///").removeprefix("sqlite:"))
        if not path.is_file():
            raise StatusGuardError(f"no SQLite database at {path}")
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
                rows = []
                for t in tables:
                    for r in conn.execute(f'PRAGMA table_info("{t.replace(chr(34), chr(34) * 2)}")'):
                        rows.append((t, r[1]))
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise StatusGuardError(f"cannot reflect SQLite database {path} ({exc.__class__.__name__})") from None
    if len(rows) > MAX_COLUMNS:
        raise StatusGuardError(f"database has more than {MAX_COLUMNS} columns")
    return [(str(t), str(c)) for t, c in rows]


def inventory_from_dsn(guard: Any, dsn: str, *, scope: str, purpose: str | None = None) -> Inventory:
    source = _redact_dsn(dsn)
    observations = []
    for table, column in reflect(dsn):
        cand = Candidate(Kind.DB_COLUMN, column, "store", 0, 0, context=f"table {table}")
        obs, _ = evaluate(guard, cand, source, scope, purpose)
        if obs is not None:
            observations.append(obs)
    return Inventory.from_observations(observations)
