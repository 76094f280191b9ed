"""Django hook: an ``execute_wrapper`` on every database connection (covers ``execute`` and
``executemany``, ORM and raw cursors).

    from status_guard.sql.hooks.django import install
    install(guard, scope="schools")                   # e.g. in AppConfig.ready()

The schema comes from the installed models (``db_table`` / ``column``), so classification runs
on the real column names; overrides come from ``schema_overrides``. A connection obtained from
the driver directly (``connection.connection``) bypasses the wrapper.

``manage.py migrate`` runs outside any request: between Django's ``pre_migrate`` and
``post_migrate`` signals its statements are decided for ``migration_requester`` (``local``: the
city's own staff run migrations; pass None to keep them ``unknown``). DDL moves the schema map, so
the tables a migration creates (SQLite's ``new__<table>`` rebuilds included) are known to the
statements that follow it."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from ...context import RequestContext, current, reset_context, set_context
from ...errors import PolicyError
from ...model import Requester
from ..inspector import Inspector
from ..parse import DEFAULT_LIMITS, Limits
from ..schema import SchemaMap
from ..session import Sessions

_VENDORS = {"postgresql": "postgres", "sqlite": "sqlite", "mysql": "mysql", "oracle": "oracle"}
_STYLES = {"postgresql": "psycopg", "sqlite": "qmark", "mysql": "format", "oracle": "native"}
_FORMAT_QMARK = re.compile(r"(?<!%)%s")


def model_schema(connection: Any) -> dict[str, dict[str, str]]:
    """``{db_table: {column: db_type}}`` for every installed model (incl. auto-created m2m tables)."""
    from django.apps import apps
    from django.db.migrations.recorder import MigrationRecorder

    tables: dict[str, dict[str, str]] = {}
    models = list(apps.get_models(include_auto_created=True)) + [MigrationRecorder.Migration]
    for m in models:
        meta = m._meta
        if not meta.managed and not meta.auto_created and m is not MigrationRecorder.Migration:
            pass  # unmanaged models still describe real tables
        cols = {}
        for f in meta.concrete_fields:
            cols[f.column] = f.db_type(connection) or "text"
        tables[meta.db_table] = cols
    return tables


def sqlite_text(sql: str, params: Any) -> str:
    """The text Django's SQLite backend sends to the driver (``%s`` -> ``?``, ``%%`` -> ``%``)."""
    if params is None:
        return sql
    if isinstance(params, Mapping):
        return sql % {k: f":{k}" for k in params}
    return _FORMAT_QMARK.sub("?", sql).replace("%%", "%")


class DjangoHook:
    def __init__(self, guard: Any, *, scope: str | None, schema: Any, schema_overrides: Mapping[str, Iterable[str]] | None,
                 public_record: Iterable[str], monitor: bool, limits: Limits, aliases: Iterable[str] | None,
                 default_requester: Any = None, migration_requester: Any = "local"):
        self.guard = guard
        self.default_requester = default_requester
        self.scope = scope
        self.schema = schema
        self.overrides = schema_overrides
        self.public_record = tuple(public_record)
        self.monitor = monitor
        self.limits = limits
        self.aliases = frozenset(aliases) if aliases is not None else None
        self._inspectors: dict[str, Inspector] = {}
        self._lock = threading.Lock()
        self.sessions = Sessions()
        self.migration_requester = Requester.coerce(migration_requester) if migration_requester is not None else None
        if self.migration_requester is not None:
            guard.policy.check_requester(self.migration_requester.cls)
        self._migrating: list[Any] = []

    def inspector(self, connection: Any) -> Inspector:
        alias = connection.alias
        insp = self._inspectors.get(alias)
        if insp is None:
            with self._lock:
                insp = self._inspectors.get(alias)
                if insp is None:
                    vendor = connection.vendor
                    if vendor not in _VENDORS:
                        raise PolicyError(f"the SQL inspector does not support the Django backend `{vendor}`")
                    schema = self.schema
                    if schema is None or (isinstance(schema, str) and schema == "models"):
                        schema = SchemaMap.build(self.guard, model_schema(connection), overrides=self.overrides,
                                                 public_record=self.public_record)
                    insp = Inspector(self.guard, dialect=_VENDORS[vendor], schema=schema, scope=self.scope,
                                     monitor=self.monitor, limits=self.limits,
                                     default_requester=self.default_requester, paramstyle=_STYLES[vendor])
                    if vendor == "postgresql" and insp.schema is not None:
                        insp.set_schema(insp.schema.with_options(**_pg_session(connection)))
                    self._inspectors[alias] = insp
        return insp

    def attach(self, connection: Any) -> None:
        if self.aliases is not None and connection.alias not in self.aliases:
            return
        wrapper = _Wrapper(self, connection)
        if not any(isinstance(w, _Wrapper) and w.hook is self for w in connection.execute_wrappers):
            connection.execute_wrappers.append(wrapper)
        self._follow_transactions(connection)

    def _follow_transactions(self, connection: Any) -> None:
        """Django commits and rolls back on the driver connection, not through execute(): follow
        both so that DDL of a rolled-back migration never reaches the map."""
        if getattr(connection, "_status_guard_tx", None) is self:
            return
        hook = self
        commit, rollback = connection._commit, connection._rollback

        def session() -> Any:
            raw = getattr(connection, "connection", None)
            return hook.sessions.for_connection(raw) if raw is not None else None

        def _commit(*a: Any, **kw: Any) -> Any:
            out = commit(*a, **kw)
            hook.inspector(connection).commit(session())
            return out

        def _rollback(*a: Any, **kw: Any) -> Any:
            try:
                return rollback(*a, **kw)
            finally:
                hook.inspector(connection).rollback(session())

        connection._commit, connection._rollback = _commit, _rollback
        connection._status_guard_tx = self

    def on_connection_created(self, sender: Any, connection: Any, **kw: Any) -> None:
        self.attach(connection)

    # -- manage.py migrate ---------------------------------------------------------------------
    def on_pre_migrate(self, sender: Any, **kw: Any) -> None:
        if self.migration_requester is None or self._migrating:
            return
        ctx = current()
        if ctx is not None:  # migrate called inside a request: keep who is asking
            self._migrating.append(None)
            return
        self._migrating.append(set_context(RequestContext(requester=self.migration_requester)))

    def on_post_migrate(self, sender: Any, **kw: Any) -> None:
        if not self._migrating:
            return
        from django.apps import apps

        # post_migrate is sent once per app: leave the migration context after the last one
        self._post_count = getattr(self, "_post_count", 0) + 1
        if self._post_count >= len(list(apps.get_app_configs())):
            token = self._migrating.pop()
            self._post_count = 0
            if token is not None:
                reset_context(token)
            for insp in self._inspectors.values():
                insp.flush()


def _pg_session(connection: Any) -> dict[str, Any]:
    """The search path and database of a PostgreSQL connection, as the server resolves names."""
    from ..schema import parse_search_path

    with connection.cursor() as cur:
        cur.cursor.execute("SELECT current_setting('search_path'), current_user, current_database(), current_schema()")
        path, user, db, current = cur.cursor.fetchone()
    # the models' tables are unqualified: they live in the first schema of the path that exists
    return {"search_path": parse_search_path(path, user), "database": db, "default_namespace": current or "public"}


class _Wrapper:
    def __init__(self, hook: DjangoHook, connection: Any):
        self.hook = hook
        self.connection = connection

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        insp = self.hook.inspector(self.connection)
        if many:
            params = list(params)  # a generator reaches the database whole: materialised once, here
        if self.connection.vendor == "sqlite":
            text = sqlite_text(sql, params[0] if many and params else (None if many else params))
        else:
            text = sql
        raw = getattr(self.connection, "connection", None)
        session = self.hook.sessions.for_connection(raw) if raw is not None else None
        if session is not None and not self.connection.get_autocommit():
            session.begin()  # inside atomic(): schema changes wait for the commit
        insp.enforce(text, params, many=many, session=session, bound=many or params is not None)
        return execute(sql, params, many, context)


_installed: list[DjangoHook] = []


def install(
    guard: Any,
    *,
    scope: str | None = None,
    schema: Any = "models",
    schema_overrides: Mapping[str, Iterable[str]] | None = None,
    public_record: Iterable[str] = (),
    monitor: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    default_requester: Any = None,
    using: Iterable[str] | None = None,
    migration_requester: Any = "local",
) -> DjangoHook:
    """Check every statement on every Django connection (or only the aliases in ``using``)."""
    from django.db import connections
    from django.db.backends.signals import connection_created
    from django.db.models.signals import post_migrate, pre_migrate

    hook = DjangoHook(guard, scope=scope, schema=schema, schema_overrides=schema_overrides,
                      public_record=public_record, monitor=monitor, limits=limits, aliases=using,
                      default_requester=default_requester, migration_requester=migration_requester)
    connection_created.connect(hook.on_connection_created, weak=False)
    pre_migrate.connect(hook.on_pre_migrate, weak=False)
    post_migrate.connect(hook.on_post_migrate, weak=False)
    for alias in connections:
        hook.attach(connections[alias])
    _installed.append(hook)
    return hook


def uninstall(hook: DjangoHook) -> None:
    from django.db import connections
    from django.db.backends.signals import connection_created

    from django.db.models.signals import post_migrate, pre_migrate

    connection_created.disconnect(hook.on_connection_created)
    pre_migrate.disconnect(hook.on_pre_migrate)
    post_migrate.disconnect(hook.on_post_migrate)
    for insp in hook._inspectors.values():
        insp.flush()
    for alias in connections:
        conn = connections[alias]
        conn.execute_wrappers[:] = [w for w in conn.execute_wrappers if not (isinstance(w, _Wrapper) and w.hook is hook)]
    if hook in _installed:
        _installed.remove(hook)


__all__ = ["DjangoHook", "install", "model_schema", "sqlite_text", "uninstall"]
