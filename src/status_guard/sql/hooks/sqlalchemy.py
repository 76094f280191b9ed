"""SQLAlchemy hook: every statement is checked in ``before_cursor_execute`` (sync and async
engines; a refusal raises before the driver sees the statement).

    from status_guard.sql.hooks.sqlalchemy import install
    install(engine, guard, scope="police")            # reflects the schema once, now

For an AsyncEngine, reflect first: ``schema = await reflect_async(engine, guard)``.
Statements are read as the engine's driver reads them (psycopg's ``%(name)s``, sqlite3's ``?``);
each pooled driver connection keeps its own temporary tables. DDL run through the engine
(``metadata.create_all``, Alembic) moves the schema map with it.
A raw DBAPI connection (``engine.raw_connection()``) bypasses the hook."""

from __future__ import annotations

from typing import Any

from ...errors import PolicyError
from ..inspector import Inspector
from ..parse import DEFAULT_LIMITS, Limits
from ..schema import SchemaMap, reflect_sqlalchemy
from ..session import Sessions

_DIALECTS = {"postgresql": "postgres", "sqlite": "sqlite", "mysql": "mysql", "mariadb": "mysql",
             "mssql": "tsql", "oracle": "oracle"}
_STYLES = {"pyformat": "psycopg", "format": "format", "qmark": "qmark", "numeric": "native", "named": "native",
           "numeric_dollar": "native"}


def _sync(engine: Any) -> Any:
    return getattr(engine, "sync_engine", engine)


def dialect_of(engine: Any) -> str:
    name = _sync(engine).dialect.name
    if name not in _DIALECTS:
        raise PolicyError(f"the SQL inspector does not support the SQLAlchemy dialect `{name}`")
    return _DIALECTS[name]


def paramstyle_of(engine: Any) -> str:
    d = _sync(engine).dialect
    style = _STYLES.get(d.paramstyle, "auto")
    if style == "psycopg" and d.name != "postgresql":
        style = "format"
    return style


def _is_insertmanyvalues(context: Any) -> bool:
    style = getattr(context, "execute_style", None)
    return style is not None and getattr(style, "name", "") == "INSERTMANYVALUES"


def _rows(parameters: Any) -> bool:
    """A list of parameter sets (an executemany), not one parameter set."""
    return isinstance(parameters, (list, tuple)) and bool(parameters) and all(
        isinstance(p, (list, tuple, dict)) for p in parameters)


def _pg_session(engine: Any) -> dict[str, Any]:
    """Where unqualified names resolve for this engine's sessions (search_path, current schema)."""
    from sqlalchemy import text

    from ..schema import parse_search_path

    with engine.connect() as c:
        path, user, db, current = c.execute(text(
            "SELECT current_setting('search_path'), current_user, current_database(), current_schema()")).one()
    return {"search_path": parse_search_path(path, user), "database": db, "default_namespace": current or "public"}


async def reflect_async(engine: Any, guard: Any, **kw: Any) -> SchemaMap:
    async with engine.connect() as conn:
        return await conn.run_sync(lambda sync_conn: reflect_sqlalchemy(guard, sync_conn, **kw))


def install(
    engine: Any,
    guard: Any,
    *,
    scope: str | None = None,
    schema: Any = "reflect",
    monitor: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    default_requester: Any = None,
) -> Inspector:
    """Attach the inspector to an Engine or AsyncEngine. Returns it (``uninstall`` removes it)."""
    from sqlalchemy import event

    sync_engine = _sync(engine)
    if isinstance(schema, str) and schema == "reflect":
        if sync_engine is not engine:
            raise PolicyError("reflect an AsyncEngine first: schema = await reflect_async(engine, guard)")
        schema = reflect_sqlalchemy(guard, sync_engine)
    insp = Inspector(guard, dialect=dialect_of(engine), schema=schema, scope=scope, monitor=monitor, limits=limits,
                     default_requester=default_requester, paramstyle=paramstyle_of(engine))
    if sync_engine is engine and sync_engine.dialect.name == "postgresql" and insp.schema is not None \
            and insp.schema.search_path is None:
        insp.set_schema(insp.schema.with_options(**_pg_session(sync_engine)))
    sessions = Sessions()

    def before_cursor_execute(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                              executemany: bool) -> None:
        no_params = bool(getattr(context, "no_parameters", False)) if context is not None else False
        if executemany and _is_insertmanyvalues(context) and not _rows(parameters):
            executemany = False  # one "insertmanyvalues" batch: a single execute of one parameter set
        bound = executemany or (parameters is not None and not no_params)
        dbapi_conn = getattr(getattr(conn, "connection", None), "dbapi_connection", None)
        session = sessions.for_connection(dbapi_conn) if dbapi_conn is not None else None
        insp.enforce(statement, parameters if bound else None, many=executemany, session=session, bound=bound)

    event.listen(sync_engine, "before_cursor_execute", before_cursor_execute)
    insp._sqlalchemy_listener = before_cursor_execute  # type: ignore[attr-defined]

    # schema changes wait for the transaction's COMMIT and are undone by its ROLLBACK (SAVEPOINT
    # statements pass through before_cursor_execute)
    def _session(conn: Any) -> Any:
        dbapi_conn = getattr(getattr(conn, "connection", None), "dbapi_connection", None)
        return sessions.for_connection(dbapi_conn) if dbapi_conn is not None else None

    def _with(fn: Any) -> Any:
        def listener(conn: Any, *args: Any) -> None:
            s = _session(conn)
            if s is not None:
                fn(s, *args)
        return listener

    tx_listeners = {
        "begin": _with(lambda s: s.begin()),
        "commit": _with(lambda s: insp.commit(s)),
        "rollback": _with(lambda s: insp.rollback(s)),
    }
    for ev, fn in tx_listeners.items():
        event.listen(sync_engine, ev, fn)
    insp._sqlalchemy_tx_listeners = tx_listeners  # type: ignore[attr-defined]
    return insp


def uninstall(engine: Any, inspector: Inspector) -> None:
    from sqlalchemy import event

    fn = getattr(inspector, "_sqlalchemy_listener", None)
    if fn is not None:
        event.remove(_sync(engine), "before_cursor_execute", fn)
    for ev, tx in (getattr(inspector, "_sqlalchemy_tx_listeners", None) or {}).items():
        event.remove(_sync(engine), ev, tx)
    inspector.flush()


__all__ = ["dialect_of", "install", "paramstyle_of", "reflect_async", "uninstall"]
