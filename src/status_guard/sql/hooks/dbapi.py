"""A DB-API connection/cursor wrapper for sqlite3 and psycopg 3.

    from status_guard.sql.hooks.dbapi import guard_connection
    conn = guard_connection(sqlite3.connect("app.db"), guard, scope="schools")

Covers ``execute``, ``executemany``, ``executescript`` (sqlite3), ``copy`` and ``stream``
(psycopg), the connection-level ``execute`` shortcuts, and psycopg ``sql.Composed`` queries.
Anything that reaches the raw connection (``conn.raw``) bypasses the check."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...errors import PolicyError
from ..errors import SQLAnalysisError
from ..inspector import Inspector
from ..parse import DEFAULT_LIMITS, Limits
from ..schema import coerce_schema, reflect_dbapi
from ..session import Session
from ..shared import SharedSchema, merged, shared_schema

_DRIVERS = {"sqlite3": "sqlite", "psycopg": "postgres"}
_STYLES = {"sqlite3": "qmark", "psycopg": "psycopg"}


def _driver(conn: Any) -> str:
    mod = type(conn).__module__.split(".")[0]
    if mod not in _DRIVERS:
        raise PolicyError(f"guard_connection supports sqlite3 and psycopg 3 connections, not `{mod}`")
    return mod


def guard_connection(
    conn: Any,
    guard: Any,
    *,
    scope: str | None = None,
    schema: Any = "reflect",
    monitor: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    default_requester: Any = None,
    inspector: Inspector | None = None,
) -> GuardedConnection:
    """Wrap a sqlite3 or psycopg 3 connection. ``schema="reflect"`` reads the tables once, now."""
    driver = _driver(conn)
    dialect = _DRIVERS[driver]
    if inspector is None:
        reflect = isinstance(schema, str) and schema == "reflect"
        given = schema
        ident = database_identity(conn, driver)
        # the map given (or the catalog, reflected) is the database as it is now: DDL run outside
        # the guard since the map was shared is merged in for every connection of this database
        # (a relation whose columns kept their names keeps the categories the map knew)
        fresh = coerce_schema(guard, reflect_dbapi(guard, conn, dialect) if reflect else given)
        shared = SharedSchema(fresh) if ident is None else \
            shared_schema(guard, (driver, ident), lambda: fresh)
        if shared.schema is not fresh and fresh is not None:
            shared.move(lambda m: merged(m, fresh))
        inspector = Inspector(guard, dialect=dialect, schema=shared.schema, scope=scope, monitor=monitor, limits=limits,
                              default_requester=default_requester, paramstyle=_STYLES[driver])
        inspector.attach(shared)
        if reflect:  # unknown names are looked up in the catalog before they are refused
            inspector.catalog = lambda: coerce_schema(guard, reflect_dbapi(guard, conn, dialect))
    return GuardedConnection(conn, inspector, driver)


def database_identity(conn: Any, driver: str) -> tuple[Any, ...] | None:
    """Which database a connection talks to: connections to the same one share one schema map
    (r15b F08). None: a private database (sqlite ``:memory:``, a temporary file), its connection's own."""
    if driver == "sqlite3":
        cur = conn.cursor()
        try:
            rows = cur.execute("PRAGMA database_list").fetchall()
        finally:
            cur.close()
        main = next((r[2] for r in rows if r[1] == "main"), "")
        return ("file", main) if main else None
    info = getattr(conn, "info", None)
    if info is None:
        return None
    # the user too: search_path ($user) and privileges, hence the reflected map, depend on it
    return ("pg", info.host, info.port, info.dbname, info.user)


def _text(query: Any, raw_conn: Any) -> str:
    if isinstance(query, str):
        return query
    if isinstance(query, (bytes, bytearray)):
        try:
            return bytes(query).decode("utf-8")
        except UnicodeDecodeError:
            raise SQLAnalysisError("statement bytes are not valid UTF-8") from None
    as_string = getattr(query, "as_string", None)  # psycopg.sql.Composable
    if callable(as_string):
        return as_string(raw_conn)
    raise SQLAnalysisError(f"statement of type {type(query).__name__} cannot be inspected")


class GuardedCursor:
    def __init__(self, cursor: Any, conn: GuardedConnection):
        self._cur = cursor
        self._conn = conn

    @property
    def raw(self) -> Any:
        return self._cur

    def _check(self, query: Any, params: Any = None, many: bool = False) -> None:
        c = self._conn
        try:
            text = _text(query, c.raw)
        except SQLAnalysisError as exc:  # refused before it is even text: still audited
            c.inspector.refuse(exc.with_fingerprint(c.inspector.fingerprint(query)))
            raise  # monitor mode: a statement that is not text cannot be sent as it is either
        c.transaction_state()
        c.foreign_ddl()
        c.inspector.enforce(text, params, many=many, session=c.session, bound=params is not None or many,
                            paramstyle=_STYLES[c.driver])

    def execute(self, query: Any, params: Any = None, *args: Any, **kw: Any) -> GuardedCursor:
        self._check(query, params)
        if params is None and not args and not kw:
            self._cur.execute(query)
        else:
            self._cur.execute(query, params if params is not None else (), *args, **kw)
        return self

    def executemany(self, query: Any, params_seq: Any, *args: Any, **kw: Any) -> GuardedCursor:
        rows = list(params_seq)  # a generator would be consumed by the check
        self._check(query, rows, many=True)
        self._cur.executemany(query, rows, *args, **kw)
        return self

    def executescript(self, script: str) -> GuardedCursor:  # sqlite3
        self._check(script)
        self._cur.executescript(script)
        return self

    def copy(self, statement: Any, params: Any = None, **kw: Any) -> Any:  # psycopg 3
        self._check(statement, params)
        return self._cur.copy(statement, params, **kw)

    def stream(self, query: Any, params: Any = None, **kw: Any) -> Iterator[Any]:  # psycopg 3
        self._check(query, params)
        return self._cur.stream(query, params, **kw)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cur)

    def __enter__(self) -> GuardedCursor:
        self._cur.__enter__()
        return self

    def __exit__(self, *exc: Any) -> Any:
        return self._cur.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cur, name)


class GuardedConnection:
    def __init__(self, conn: Any, inspector: Inspector, driver: str):
        self._conn = conn
        self.inspector = inspector
        self.driver = driver
        self.session = Session()  # this connection's temporary tables

    @property
    def raw(self) -> Any:
        """The unguarded connection: statements run on it are NOT checked."""
        return self._conn

    def cursor(self, *args: Any, **kw: Any) -> GuardedCursor:
        return GuardedCursor(self._conn.cursor(*args, **kw), self)

    def execute(self, query: Any, params: Any = None, **kw: Any) -> GuardedCursor:
        return self.cursor().execute(query, params, **kw)

    def executemany(self, query: Any, params_seq: Any) -> GuardedCursor:
        return self.cursor().executemany(query, params_seq)

    def executescript(self, script: str) -> GuardedCursor:
        return self.cursor().executescript(script)

    def foreign_ddl(self) -> None:
        """sqlite3: DDL another process committed moves ``PRAGMA schema_version`` without moving the
        map; the catalog is then re-read (and merged) before the statement is decided (r15b F08).
        A change the guard made itself (the shared map moved since) only records the new version."""
        insp = self.inspector
        sh, read = insp.shared, insp.catalog
        if self.driver != "sqlite3" or sh is None or read is None or self.session.pending:
            return
        cur = self._conn.cursor()
        try:
            version = cur.execute("PRAGMA schema_version").fetchone()[0]
        finally:
            cur.close()
        with sh.lock:
            seen = sh.catalog_version
            if seen is not None and seen[0] != version and seen[1] == sh.generation:
                fresh = read()
                sh.move(lambda m: merged(m, fresh))
            sh.catalog_version = (version, sh.generation)
        insp.sync()

    def transaction_state(self) -> None:
        """A statement is about to run: inside a transaction when the driver is not in autocommit
        (psycopg begins one implicitly) or one is open already (sqlite3 ``in_transaction``); its
        schema changes then wait for ``commit()``."""
        raw = self._conn
        open_now = getattr(raw, "in_transaction", None)
        if self.driver.startswith("psycopg"):
            open_now = not bool(getattr(raw, "autocommit", True))
        if open_now:
            self.session.begin()
        elif self.session.open and open_now is False and self.driver == "sqlite3":
            self.inspector.commit(self.session)  # sqlite3 committed on its own (legacy DDL rules)

    def transaction(self, *args: Any, **kw: Any) -> Any:  # psycopg 3 ``with conn.transaction():``
        return _GuardedTransaction(self._conn.transaction(*args, **kw), self)

    def commit(self) -> Any:
        out = self._conn.commit()
        self.inspector.commit(self.session)
        return out

    def rollback(self) -> Any:
        try:
            return self._conn.rollback()
        finally:
            self.inspector.rollback(self.session)

    def __enter__(self) -> GuardedConnection:
        self._conn.__enter__()
        return self

    def __exit__(self, *exc: Any) -> Any:
        try:
            return self._conn.__exit__(*exc)
        finally:  # the driver commits on a clean exit and rolls back on an exception
            if exc and exc[0] is not None:
                self.inspector.rollback(self.session)
            else:
                self.inspector.commit(self.session)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


class _GuardedTransaction:
    """psycopg's transaction block (BEGIN/SAVEPOINT sent by the driver itself, not through a
    cursor): the schema changes inside it are undone when the block rolls back, and join the
    shared map when the outermost block commits in autocommit mode."""

    def __init__(self, tx: Any, conn: GuardedConnection):
        self._tx = tx
        self._conn = conn
        self._name = f"_sg_block_{id(self)}"
        self._was_open = False

    def __enter__(self) -> Any:
        out = self._tx.__enter__()
        s = self._conn.session
        self._was_open = s.open
        s.begin()
        s.savepoint(self._name)
        return out

    def __exit__(self, *exc: Any) -> Any:
        try:
            return self._tx.__exit__(*exc)
        finally:
            s, insp = self._conn.session, self._conn.inspector
            if exc and exc[0] is not None:  # an exception or psycopg.Rollback: the block rolled back
                if self._was_open:
                    s.rollback_to(self._name)
                    s.release(self._name)
                else:
                    insp.rollback(s)
            else:
                s.release(self._name)
                if not self._was_open and getattr(self._conn.raw, "autocommit", False):
                    insp.commit(s)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tx, name)


__all__ = ["GuardedConnection", "GuardedCursor", "guard_connection"]
