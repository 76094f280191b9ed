"""A database session as the inspector sees it: the temporary tables it created.

PostgreSQL and SQLite search a session's temporary tables before anything else, so a name can
mean a different table in one connection than in another. The hooks keep one :class:`Session` per
driver connection (a pooled connection keeps its temporary tables between checkouts, and so does
its Session). A temporary table that would shadow a guarded table is refused outright (the
analysis never has to guess which of the two a name means); others are resolved in their
session only."""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Iterable
from typing import Any

from .schema import Relation, SchemaChange, SchemaMap


_GENERATION = itertools.count(1)


class Session:
    """Also the session's open transaction: schema changes made in it (``pending``) are seen by
    this session only until COMMIT, and undone by ROLLBACK / ROLLBACK TO SAVEPOINT — as the
    database does (PostgreSQL's DDL is transactional)."""

    def __init__(self) -> None:
        self.temp: dict[str, Relation] = {}
        self.version = ""
        self._lock = threading.Lock()
        self.open = False
        self.pending: list[SchemaChange] = []
        self._tx_temp: dict[str, Relation] = {}
        self._marks: list[tuple[str, int, dict[str, Relation]]] = []
        self._overlay: tuple[str, int, SchemaMap] | None = None

    # -- transactions ----------------------------------------------------------------------------
    def begin(self) -> None:
        with self._lock:
            if not self.open:
                self.open = True
                self.pending = []
                self._tx_temp = dict(self.temp)
                self._marks = []

    def _bump(self) -> None:
        # a generation, never reused: every change of temporary tables or pending DDL gets a new one
        # (an id() of a freed list can come back with different contents)
        self.version = f"s{next(_GENERATION)}"

    def commit(self) -> list[SchemaChange]:
        """The transaction committed: its changes, for the shared map."""
        with self._lock:
            done, self.pending, self.open, self._marks = self.pending, [], False, []
            self._overlay = None
            self._bump()
            return done

    def rollback(self) -> None:
        with self._lock:
            if self.open:
                self.temp = self._tx_temp
            self.pending, self.open, self._marks, self._tx_temp = [], False, [], {}
            self._overlay = None
            self._bump()

    def savepoint(self, name: str) -> None:
        self.begin()
        with self._lock:
            self._marks.append((name, len(self.pending), dict(self.temp)))

    def rollback_to(self, name: str) -> None:
        with self._lock:
            for i in range(len(self._marks) - 1, -1, -1):
                if self._marks[i][0] == name:
                    _, n, temp = self._marks[i]
                    del self._marks[i + 1:]  # later savepoints are gone; this one stays
                    self.pending = self.pending[:n]
                    self.temp = dict(temp)
                    self._overlay = None
                    self._bump()
                    return

    def release(self, name: str) -> None:
        with self._lock:
            for i in range(len(self._marks) - 1, -1, -1):
                if self._marks[i][0] == name:
                    del self._marks[i:]
                    return

    def add_pending(self, changes: Iterable[SchemaChange]) -> None:
        with self._lock:
            self.pending = [*self.pending, *changes]
            self._overlay = None
            self._bump()

    def schema(self, shared: SchemaMap) -> SchemaMap:
        """The map as this session sees it: the shared one plus its uncommitted changes."""
        if not self.pending:
            return shared
        hit = self._overlay
        if hit is not None and hit[0] == shared.version and hit[1] == len(self.pending):
            return hit[2]
        view = shared.apply(self.pending)
        self._overlay = (shared.version, len(self.pending), view)
        return view

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
                self._bump()

    def discard(self) -> None:
        """``DISCARD TEMP`` / ``DISCARD ALL``, or the connection was closed."""
        with self._lock:
            self.temp.clear()
            self._tx_temp.clear()
            self._marks = [(n, k, {}) for n, k, _ in self._marks]
            self._bump()


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
