"""The database schema the inspector resolves columns against, and each column's categories.

Categories come from classifying each column name with the policy pack, plus explicit overrides
from configuration (``{"students.cob": ["place_of_birth"], "students.notes": []}`` — an override
replaces the classification; ``[]`` declares a column unclassified). The schema version is a hash
of tables, overrides and the policy, and is part of every cache key."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlglot.schema import MappingSchema

from ..disclose.paths import compile_patterns, parse_pattern
from ..errors import PolicyError

if TYPE_CHECKING:  # pragma: no cover
    from ..guard import Guard

# Schemas a bare table name resolves to when a statement qualifies it (``public.students``).
DEFAULT_NAMESPACES = frozenset({"public", "main", "dbo"})
# System catalogs: metadata, never personal data. Statements touching only these are not analysed.
CATALOG_NAMESPACES = frozenset({"pg_catalog", "information_schema", "sys"})
CATALOG_TABLES = frozenset({"sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_sequence"})


def _norm(name: str) -> str:
    return name.strip().lower()


@dataclass(frozen=True)
class Column:
    table: str
    name: str
    type: str
    categories: frozenset[str]
    public_record: bool = False
    reasons: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        return f"{self.table}.{self.name}"


@dataclass(frozen=True, eq=False)
class SchemaMap:
    """Tables -> ordered columns with their categories. Build with :meth:`build`."""

    tables: Mapping[str, tuple[Column, ...]]
    version: str
    _by_name: dict[str, dict[str, Column]] = field(default_factory=dict, repr=False)
    _mapping_schemas: dict[str, MappingSchema] = field(default_factory=dict, repr=False)

    # -- construction --------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        guard: Guard,
        tables: Mapping[str, Mapping[str, str]],
        *,
        overrides: Mapping[str, Iterable[str]] | None = None,
        public_record: Iterable[str] = (),
    ) -> SchemaMap:
        if not isinstance(tables, Mapping):
            raise PolicyError("an SQL schema must be a mapping {table: {column: type}}")
        ov = {_norm(k): frozenset(v) for k, v in (overrides or {}).items()}
        known = frozenset(guard.policy.file.categories)
        for k, cats in ov.items():
            unknown = cats - known
            if unknown:
                raise PolicyError(f"schema override for `{k}` names unknown categories: {', '.join(sorted(unknown))}")
        # public-record columns are path patterns (status_guard.disclose.paths): `bookings.charge`,
        # or `**.charge` for that column in any table — the same declarations as the middleware's
        public = compile_patterns(tuple(public_record), where="SQL schema public_record")
        for p in public.patterns:
            if len(parse_pattern(p)) == 1:
                raise PolicyError(f"SQL schema public_record: {p!r} names no table; write 'table.{p}' or '**.{p}'")
        out: dict[str, tuple[Column, ...]] = {}
        for tname, cols in tables.items():
            if not isinstance(cols, Mapping):
                raise PolicyError(f"schema table `{tname}` must map column names to types")
            t = _norm(str(tname))
            entries = []
            for cname, ctype in cols.items():
                c = _norm(str(cname))
                path = f"{t}.{c}"
                if path in ov:
                    cats, reasons = ov[path], ("configured override",)
                else:
                    cl = guard.classify(c)
                    cats, reasons = cl.categories, cl.all_reasons()
                entries.append(Column(t, c, str(ctype), cats, public.matches((t, c)), reasons))
            out[t] = tuple(entries)
        payload = json.dumps(
            {
                "tables": {t: [(c.name, c.type, sorted(c.categories), c.public_record) for c in cs] for t, cs in out.items()},
                "policy": guard.policy.hash,
            },
            sort_keys=True,
        )
        version = hashlib.sha256(payload.encode()).hexdigest()[:16]
        return cls(out, version)

    @classmethod
    def from_config(cls, guard: Guard, config: Mapping[str, Any]) -> SchemaMap:
        """``{table: {column: type}}`` or ``{"tables": {...}, "overrides": {...}, "public_record": [...]}``."""
        tables = config.get("tables")
        if isinstance(tables, Mapping) and all(isinstance(v, Mapping) for v in tables.values()):
            extra = set(config) - {"tables", "overrides", "public_record"}
            if extra:
                raise PolicyError(f"unknown keys in SQL schema configuration: {', '.join(sorted(extra))}")
            return cls.build(guard, tables, overrides=config.get("overrides"), public_record=config.get("public_record", ()))
        return cls.build(guard, config)

    @classmethod
    def from_file(cls, guard: Guard, path: str | Path) -> SchemaMap:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise PolicyError(f"cannot read SQL schema file {path}: {exc.__class__.__name__}") from None
        if not isinstance(data, Mapping):
            raise PolicyError(f"SQL schema file {path} must hold a JSON object")
        return cls.from_config(guard, data)

    def renamed(self, old: str, new: str) -> SchemaMap:
        """The map after ``ALTER TABLE old RENAME TO new``: same columns and categories, new key."""
        o, n = _norm(old), _norm(new)
        if o not in self.tables:
            raise PolicyError(f"cannot rename `{old}`: the table is not in the schema")
        if n in self.tables and n != o:
            raise PolicyError(f"cannot rename `{old}` to `{new}`: the schema already maps that name")
        tables = {
            (n if t == o else t): (tuple(replace(c, table=n) for c in cols) if t == o else cols)
            for t, cols in self.tables.items()
        }
        version = hashlib.sha256(f"{self.version}\0rename\0{o}\0{n}".encode()).hexdigest()[:16]
        return SchemaMap(tables, version)

    # -- lookups -------------------------------------------------------------------------------
    def _index(self) -> dict[str, dict[str, Column]]:
        if not self._by_name:
            for t, cols in self.tables.items():
                self._by_name[t] = {c.name: c for c in cols}
        return self._by_name

    def table_key(self, name: str, namespace: str | None = None) -> str | None:
        """The schema key of a table reference, or None when it is unknown."""
        idx = self._index()
        n = _norm(name)
        if namespace:
            ns = _norm(namespace)
            if f"{ns}.{n}" in idx:
                return f"{ns}.{n}"
            if ns in DEFAULT_NAMESPACES and n in idx:
                return n
            return None
        return n if n in idx else None

    def column(self, table: str, name: str) -> Column | None:
        return self._index().get(_norm(table), {}).get(_norm(name))

    def columns(self, table: str) -> tuple[Column, ...]:
        return self.tables.get(_norm(table), ())

    @cached_property
    def value_free_summary(self) -> dict[str, list[str]]:
        return {t: [c.name for c in cs] for t, cs in self.tables.items()}

    def mapping_schema(self, dialect: str) -> MappingSchema:
        ms = self._mapping_schemas.get(dialect)
        if ms is None:
            # flat: statements are rewritten to the canonical table key before qualification
            flat = {t: {c.name: "text" for c in cols} for t, cols in self.tables.items()}
            ms = MappingSchema(flat, dialect=dialect, normalize=True)
            self._mapping_schemas[dialect] = ms
        return ms


def coerce_schema(guard: Guard, schema: Any) -> SchemaMap | None:
    if schema is None or isinstance(schema, SchemaMap):
        return schema
    if isinstance(schema, (str, Path)):
        return SchemaMap.from_file(guard, schema)
    if isinstance(schema, Mapping):
        return SchemaMap.from_config(guard, schema)
    raise PolicyError(f"schema must be a mapping, a SchemaMap or a JSON file path, not {type(schema).__name__}")


def reflect_sqlalchemy(guard: Guard, bind: Any, *, overrides: Mapping[str, Iterable[str]] | None = None,
                       public_record: Iterable[str] = (), schemas: Iterable[str | None] = (None,)) -> SchemaMap:
    """Reflect tables through SQLAlchemy's inspector (call before installing the hook)."""
    from sqlalchemy import inspect

    insp = inspect(bind)
    tables: dict[str, dict[str, str]] = {}
    for ns in schemas:
        for t in insp.get_table_names(schema=ns):
            key = t if ns is None else f"{ns}.{t}"
            tables[key] = {c["name"]: str(c["type"]) for c in insp.get_columns(t, schema=ns)}
    return SchemaMap.build(guard, tables, overrides=overrides, public_record=public_record)


def reflect_dbapi(guard: Guard, conn: Any, dialect: str, *, overrides: Mapping[str, Iterable[str]] | None = None,
                  public_record: Iterable[str] = ()) -> SchemaMap:
    """Reflect tables from a raw sqlite3 or psycopg connection (before wrapping it)."""
    tables: dict[str, dict[str, str]] = {}
    cur = conn.cursor()
    try:
        if dialect == "sqlite":
            names = [r[0] for r in cur.execute("SELECT name FROM sqlite_master WHERE type IN ('table','view')").fetchall()]
            for n in names:
                if n.startswith("sqlite_"):
                    continue
                rows = cur.execute(f'PRAGMA table_info("{n.replace(chr(34), chr(34) * 2)}")').fetchall()
                tables[n] = {r[1]: r[2] or "text" for r in rows}
        elif dialect == "postgres":
            cur.execute(
                "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY table_schema, table_name, ordinal_position"
            )
            for ns, t, c, ty in cur.fetchall():
                key = t if ns == "public" else f"{ns}.{t}"
                tables.setdefault(key, {})[c] = ty
        else:
            raise PolicyError(f"schema reflection is not implemented for dialect `{dialect}`; pass schema=...")
    finally:
        cur.close()
    return SchemaMap.build(guard, tables, overrides=overrides, public_record=public_record)


__all__ = ["CATALOG_NAMESPACES", "CATALOG_TABLES", "Column", "SchemaMap", "coerce_schema", "reflect_dbapi", "reflect_sqlalchemy"]
