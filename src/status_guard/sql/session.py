"""A database session as the inspector sees it: the temporary tables it created.

PostgreSQL and SQLite search a session's temporary tables before anything else, so a name can
mean a different table in one connection than in another. The hooks keep one :class:`Session` per
driver connection (a pooled connection keeps its temporary tables between checkouts, and so does
its Session). A temporary table that would shadow a guarded table is refused outright (the
analysis never has to guess which of the two a name means); others are resolved in their
session only."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from typing import Any

from .schema import Relation, SchemaChange, SchemaMap


class Session:
    def __init__(self) -> None:
        self.temp: dict[str, Relation] = {}
        self.version = ""
        self._lock = threading.Lock()

    def apply(self, changes: Iterable[SchemaChange], schema: SchemaMap | None) -> None:
        if schema is None:
            return
        with self._lock:
            changed = False
            for c in changes:
                if not c.temporary:
                    continue
                if c.op == "create":
                    rel = schema.temp_relation(c)
                    self.temp[rel.name] = rel
                elif c.op == "drop":
                    self.temp.pop(c.relation, None)
                elif c.op == "rename":
                    rel = self.temp.pop(c.relation, None)
                    if rel is not None:
                        self.temp[c.new] = schema.temp_relation(SchemaChange(
                            "create", c.new, columns=tuple((col.name, col.type) for col in rel.columns),
                            provenance=tuple((col.name, (col.categories, col.reasons)) for col in rel.columns)))
                elif c.relation in self.temp:
                    rel = self.temp[c.relation]
                    tmp = SchemaMap({rel.key: rel}, "", _classify=schema._classify, _overrides=schema._overrides,
                                    _public=schema._public, _value_categories=schema._value_categories)
                    self.temp[c.relation] = tmp.apply([SchemaChange(c.op, c.relation, c.new, c.columns)]).relations[
                        c.relation]
                else:
                    continue
                changed = True
            if changed:
                self.version = f"{len(self.temp)}:{id(self)}:{sorted(self.temp)}:{hash(tuple(self.temp.values()))}"

    def discard(self) -> None:
        """``DISCARD TEMP`` / ``DISCARD ALL``, or the connection was closed."""
        with self._lock:
            self.temp.clear()
            self.version = ""


class Sessions:
    """One Session per driver connection object (weakly held)."""

    def __init__(self) -> None:
        self._by_conn: weakref.WeakKeyDictionary[Any, Session] = weakref.WeakKeyDictionary()
        self._by_id: dict[int, Session] = {}
        self._lock = threading.Lock()

    def for_connection(self, conn: Any) -> Session:
        with self._lock:
            try:
                s = self._by_conn.get(conn)
                if s is None:
                    s = self._by_conn[conn] = Session()
                return s
            except TypeError:  # not weak-referenceable: keyed by id (kept for the process)
                s = self._by_id.get(id(conn))
                if s is None:
                    s = self._by_id[id(conn)] = Session()
                return s


__all__ = ["Session", "Sessions"]
