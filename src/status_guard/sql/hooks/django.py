"""Django hook: an ``execute_wrapper`` on every database connection (covers ``execute`` and
``executemany``, ORM and raw cursors).

    from status_guard.sql.hooks.django import install
    install(guard, scope="schools")                   # e.g. in AppConfig.ready()

The schema comes from the installed models (``db_table`` / ``column``), so classification runs
on the real column names; overrides come from ``schema_overrides``. A connection obtained from
the driver directly (``connection.connection``) bypasses the wrapper."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from ...errors import PolicyError
from ..inspector import Inspector
from ..parse import DEFAULT_LIMITS, Limits
from ..schema import SchemaMap

_VENDORS = {"postgresql": "postgres", "sqlite": "sqlite", "mysql": "mysql", "oracle": "oracle"}
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
                 default_requester: Any = None):
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
                                     default_requester=self.default_requester)
                    self._inspectors[alias] = insp
        return insp

    def attach(self, connection: Any) -> None:
        if self.aliases is not None and connection.alias not in self.aliases:
            return
        wrapper = _Wrapper(self, connection)
        if not any(isinstance(w, _Wrapper) and w.hook is self for w in connection.execute_wrappers):
            connection.execute_wrappers.append(wrapper)

    def on_connection_created(self, sender: Any, connection: Any, **kw: Any) -> None:
        self.attach(connection)


class _Wrapper:
    def __init__(self, hook: DjangoHook, connection: Any):
        self.hook = hook
        self.connection = connection

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        insp = self.hook.inspector(self.connection)
        text = sqlite_text(sql, params if not many else (list(params)[0] if params else None)) \
            if self.connection.vendor == "sqlite" else sql
        if many:
            params = list(params)
        insp.enforce(text, params, many=many)
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
) -> DjangoHook:
    """Check every statement on every Django connection (or only the aliases in ``using``)."""
    from django.db import connections
    from django.db.backends.signals import connection_created

    hook = DjangoHook(guard, scope=scope, schema=schema, schema_overrides=schema_overrides,
                      public_record=public_record, monitor=monitor, limits=limits, aliases=using,
                      default_requester=default_requester)
    connection_created.connect(hook.on_connection_created, weak=False)
    for alias in connections:
        hook.attach(connections[alias])
    _installed.append(hook)
    return hook


def uninstall(hook: DjangoHook) -> None:
    from django.db import connections
    from django.db.backends.signals import connection_created

    connection_created.disconnect(hook.on_connection_created)
    for alias in connections:
        conn = connections[alias]
        conn.execute_wrappers[:] = [w for w in conn.execute_wrappers if not (isinstance(w, _Wrapper) and w.hook is hook)]
    if hook in _installed:
        _installed.remove(hook)


__all__ = ["DjangoHook", "install", "model_schema", "sqlite_text", "uninstall"]
