"""One schema map per database for every guarded connection of one Guard (r15b F08).

Connections wrapped separately (a DB-API pool, a web worker's connection next to a migration's)
each have their own :class:`~.inspector.Inspector` (scope, requester, monitor mode may differ), but
the database they talk to has one schema. DDL committed through any of them moves this shared map,
and every inspector attached to it reads the new map before its next statement — a table renamed
by one connection is never decided against the table that used to carry its name on another."""

from __future__ import annotations

import itertools
import threading
import time
import weakref
from dataclasses import replace
from collections.abc import Callable
from typing import Any

from .schema import Relation, SchemaMap, _hash

_GEN = itertools.count(1)


class SharedSchema:
    """The current map of one database, and a lock for moving it (read-apply-write)."""

    def __init__(self, schema: SchemaMap | None) -> None:
        self.schema = schema
        self.lock = threading.RLock()
        self.generation = next(_GEN)
        self.catalog_version: tuple[Any, int] | None = None  # (sqlite schema_version, generation seen at)
        self.missed: dict[str, float] = {}  # unknown name -> when the catalog was last read for it

    def refresh(self, read: Callable[[], SchemaMap], missing: str = "", min_interval: float = 0.5) -> bool:
        """A statement named a relation or column the map lacks: DDL the guard did not see (another
        process, an unguarded connection). Re-read the database's catalog (``read``) and merge it
        (:func:`merged`); False when refreshed too recently (the statement stays refused, fail
        closed — a statement repeating a name the catalog lacks does not reflect on every call).
        ``missing``: what the statement named that the map lacks."""
        with self.lock:
            now = time.monotonic()
            if self.schema is None or now - self.missed.get(missing, -1e9) < min_interval:
                return False
            if len(self.missed) > 1024:
                self.missed.clear()
            self.missed[missing] = now
            fresh = read()
            self.schema = merged(self.schema, fresh)
            self.generation = next(_GEN)
            return True

    def move(self, fn: Callable[[SchemaMap], SchemaMap]) -> SchemaMap | None:
        """Apply ``fn`` to the current map under the lock; the result is the map every attached
        inspector sees from its next statement on."""
        with self.lock:
            if self.schema is not None:
                self.schema = fn(self.schema)
                self.generation = next(_GEN)
            return self.schema


def merged(old: SchemaMap, fresh: SchemaMap) -> SchemaMap:
    """The catalog's relations, as they are now; a relation the map knew under the same key with the
    same column names keeps the categories it carried (a table made by a guarded ``CREATE TABLE ...
    AS SELECT`` holds the values of its sources whatever its columns are called) — united with the
    names' own, never fewer."""
    rels: dict[str, Relation] = {}
    for key, rel in fresh.relations.items():
        was = old.relations.get(key)
        if was is not None and [c.name for c in was.columns] == [c.name for c in rel.columns]:
            rel = replace(rel, columns=tuple(
                replace(c, categories=c.categories | w.categories,
                        reasons=tuple(dict.fromkeys((*c.reasons, *w.reasons))))
                for c, w in zip(rel.columns, was.columns)))
        rels[key] = rel
    kv = {**{k: v for k, v in old.key_value.items() if k in rels}, **fresh.key_value}
    m = replace(fresh, relations=rels, key_value=kv, _index={}, _mapping_schemas={})
    return replace(m, version=_hash(["refresh", old.version, fresh.version]))


_registry: weakref.WeakKeyDictionary[Any, dict[Any, SharedSchema]] = weakref.WeakKeyDictionary()
_by_id: dict[int, dict[Any, SharedSchema]] = {}
_lock = threading.Lock()


def shared_schema(guard: Any, key: Any, make: Callable[[], SchemaMap | None]) -> SharedSchema:
    """The shared map of database ``key`` for ``guard`` (made with ``make()`` the first time)."""
    with _lock:
        try:
            per = _registry.get(guard)
            if per is None:
                per = _registry[guard] = {}
        except TypeError:  # a guard that cannot be weakly referenced: kept for the process
            per = _by_id.setdefault(id(guard), {})
        hit = per.get(key)
    if hit is not None:
        return hit
    made = SharedSchema(make())  # reflection runs outside the registry lock
    with _lock:
        return per.setdefault(key, made)


__all__ = ["SharedSchema", "merged", "shared_schema"]
