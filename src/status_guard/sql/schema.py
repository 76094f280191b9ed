"""The database schema the inspector resolves names against, and each column's categories.

Relations are kept with the names the database stores (exact case), in their namespace
(``public``, ``police``, ``main``…; ``None`` for "the default namespace" when configuration does
not say), with their columns in ordinal order (``FROM t AS b(c1, c2)`` renames by position).
Name resolution follows the dialect (:mod:`.names`): folding, quoting, 63-byte truncation,
PostgreSQL's ``search_path`` (with ``$user``), temporary relations searched first, ``pg_catalog``
before the path, SQLite's ``main``/``temp``, T-SQL's ``dbo``.

Categories come from classifying each column name with the policy pack, plus explicit overrides
(``{"students.cob": ["place_of_birth"], "students.notes": []}`` — an override replaces the
classification; ``[]`` declares a column unclassified). Generic column names in tables that
record detentions (``holds.basis``) are read in the table's context (``detention_basis``).
The schema version hashes relations, overrides and the policy, and is part of every cache key.

A map follows the DDL the inspector allowed (:meth:`SchemaMap.apply`): CREATE/DROP/RENAME of tables,
ADD/DROP/RENAME COLUMN, so a migration (Django's SQLite table rebuild through ``new__t``) is
decided against the tables it creates."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlglot.schema import MappingSchema

from ..disclose.paths import declared_patterns
from ..errors import PolicyError
from .catalogs import VALUE_HOLDING_ANYWHERE, CatalogRelation, catalog_relation
from .names import DEFAULT_NAMESPACE, naming

if TYPE_CHECKING:  # pragma: no cover
    from ..guard import Guard

log = logging.getLogger("status_guard.sql")

# kept for callers of the previous API
DEFAULT_NAMESPACES = frozenset({"public", "main", "dbo"})
CATALOG_NAMESPACES = frozenset({"pg_catalog", "information_schema", "sys"})
CATALOG_TABLES = frozenset({"sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_sequence"})

# Tables that record detentions, and generic column names that hold why (040(d)).
_DETENTION_TABLE = re.compile(r"(?:^|_)(?:holds?|detain\w*|detention\w*|custod\w*|bookings?|incarcerat\w*|jail\w*|"
                              r"lockups?|immigration_holds?|warrants?)(?:_|$)")
# ... and of those, the ones that record the hold itself (where a missing basis column is warned about)
_HOLD_TABLE = re.compile(r"(?:^|_)(?:holds?|detain\w*|detention\w*|custod\w*|immigration_holds?)(?:_|$)")
_GENERIC_BASIS = re.compile(r"^(?:basis|reason|reasons|grounds?|cause|authority|legal_basis|type|kind|source|"
                            r"hold_type|hold_reason|detention_reason|detention_type)$")

Classify = Callable[[str], tuple[frozenset[str], tuple[str, ...]]]


@dataclass(frozen=True)
class Column:
    table: str  # the relation's key
    name: str  # as stored
    type: str
    categories: frozenset[str]
    public_record: bool = False
    reasons: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        return f"{self.table}.{self.name}"


@dataclass(frozen=True)
class Relation:
    key: str  # "students" (default namespace) or "police.bookings"
    namespace: str | None  # as stored; None: the dialect's default namespace
    name: str  # as stored
    columns: tuple[Column, ...]
    temporary: bool = False
    catalog: CatalogRelation | None = None  # a system catalog relation (not in the map)

    def column(self, key: str, dialect: str) -> Column | None:
        nm = naming(dialect)
        for c in self.columns:
            if nm.stored(c.name) == key:
                return c
        return None


def _split_key(key: str) -> tuple[str | None, str]:
    if "." in key:
        ns, name = key.split(".", 1)
        return ns, name
    return None, key


def _hash(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


@dataclass(frozen=True, eq=False)
class SchemaMap:
    """Relations with ordered, classified columns, and how unqualified names resolve."""

    relations: Mapping[str, Relation]
    version: str
    search_path: tuple[str, ...] | None = None  # PostgreSQL, "$user" already substituted
    database: str | None = None
    key_value: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # relation key -> (key col, value col)
    namespaces: frozenset[str] = frozenset({"public", "main", "dbo"})  # namespaces that exist
    default_namespace: str | None = None  # what an unqualified key means (None: public / main / dbo)
    warnings: tuple[str, ...] = ()
    _classify: Classify | None = field(default=None, repr=False)
    _overrides: Mapping[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _public: SQLPublicRecord = field(default_factory=lambda: SQLPublicRecord((), ()))
    _value_categories: frozenset[str] = frozenset()
    _index: dict[Any, Any] = field(default_factory=dict, repr=False)
    _mapping_schemas: dict[Any, MappingSchema] = field(default_factory=dict, repr=False)

    # -- construction --------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        guard: Guard,
        tables: Mapping[str, Mapping[str, str]],
        *,
        overrides: Mapping[str, Iterable[str]] | None = None,
        public_record: Iterable[str] = (),
        search_path: Iterable[str] | None = None,
        database: str | None = None,
        key_value: Mapping[str, Iterable[str]] | None = None,
        temporary: Iterable[str] = (),
        namespaces: Iterable[str] = (),
    ) -> SchemaMap:
        if not isinstance(tables, Mapping):
            raise PolicyError("an SQL schema must be a mapping {table: {column: type}}")
        known = frozenset(guard.policy.file.categories)
        ov: dict[str, frozenset[str]] = {}
        for k, cats in (overrides or {}).items():
            fs = frozenset(cats)
            unknown = fs - known
            if unknown:
                raise PolicyError(f"schema override for `{k}` names unknown categories: {', '.join(sorted(unknown))}")
            ov[str(k)] = fs
        value_cats = frozenset(v.category for v in guard.policy.file.value_rules)

        def classify(name: str) -> tuple[frozenset[str], tuple[str, ...]]:
            c = guard.classify(name)
            return c.categories, tuple(c.all_reasons())

        temp = frozenset(temporary)
        base = cls({}, "", search_path=tuple(search_path) if search_path is not None else None, database=database,
                   _classify=classify, _overrides=ov, _public=sql_public_record(public_record, "SQL schema public_record"),
                   _value_categories=value_cats)
        rels: dict[str, Relation] = {}
        for tname, cols in tables.items():
            if not isinstance(cols, Mapping):
                raise PolicyError(f"schema table `{tname}` must map column names to types")
            ns, name = _split_key(str(tname))
            rel = base._make_relation(ns, name, [(str(c), str(t)) for c, t in cols.items()], temporary=str(tname) in temp)
            rels[rel.key] = rel
        every = frozenset().union(*(c.categories for r in rels.values() for c in r.columns)) or known
        for k, r in list(rels.items()):
            if r.name in VALUE_HOLDING_ANYWHERE:  # other sessions' SQL text, with its literals: data
                rels[k] = replace(r, columns=tuple(replace(c, categories=every, reasons=(
                    "holds other sessions' SQL text (with their literal values)",)) for c in r.columns))
        kv: dict[str, tuple[str, str]] = {}
        for t, pair in (key_value or {}).items():
            p = tuple(pair)
            if len(p) != 2 or t not in rels or any(rels[t].column(naming("postgres").stored(c), "postgres") is None
                                                   for c in p):
                raise PolicyError(f"key-value table `{t}` must name two of its columns: (key column, value column)")
            kv[t] = (str(p[0]), str(p[1]))
        unused = set(ov) - {f"{r.key}.{c.name}" for r in rels.values() for c in r.columns}
        if unused:  # they apply once a migration creates the column
            log.warning("status_guard SQL schema: overrides for columns not (yet) in the schema: %s",
                        ", ".join(sorted(unused)))
        spaces = frozenset({"public", "main", "dbo", *namespaces, *(r.namespace for r in rels.values() if r.namespace)})
        m = replace(base, relations=rels, key_value=kv, version="", namespaces=spaces)
        return replace(m, version=m._compute_version(guard.policy.hash), warnings=tuple(m._detention_warnings()),
                       _index={}, _mapping_schemas={})

    def _make_relation(self, ns: str | None, name: str, cols: list[tuple[str, str]], *, temporary: bool = False,
                       provenance: Mapping[str, tuple[frozenset[str], tuple[str, ...]]] | None = None) -> Relation:
        key = name if ns is None else f"{ns}.{name}"
        out: list[Column] = []
        detention = bool(_DETENTION_TABLE.search(name.lower()))
        for cname, ctype in cols:
            path = f"{key}.{cname}"
            if path in self._overrides:
                cats, reasons = self._overrides[path], ("configured override",)
            else:
                cats, reasons = self._classify(cname) if self._classify is not None else (frozenset(), ())
                if not cats and detention and _GENERIC_BASIS.match(cname.lower()) and self._value_categories:
                    basis = sorted(self._value_categories)
                    cats = frozenset(c for c in basis if c == "detention_basis") or frozenset(basis[:1])
                    reasons = (f"generic column `{cname}` of a table that records detentions",)
            if provenance and cname in provenance:
                pc, pr = provenance[cname]
                if pc - cats:
                    cats = cats | pc
                    reasons = reasons + pr
            # public-record columns: SQL identifiers (`bookings.charge`, `police.bookings."CHARGE"`,
            # `**.charge`), folded and quoted as the database does (SQLPublicRecord)
            public = self._public.matches((name, cname)) or (ns is not None and self._public.matches((ns, name, cname)))
            out.append(Column(key, cname, ctype, cats, public, reasons))
        return Relation(key, ns, name, tuple(out), temporary)

    def _all_categories(self) -> set[str]:
        out: set[str] = set()
        for r in self.relations.values():
            for c in r.columns:
                out |= c.categories
        return out

    def _compute_version(self, policy_hash: str = "") -> str:
        return _hash({
            "relations": {k: [(c.name, c.type, sorted(c.categories), c.public_record) for c in r.columns] + [r.temporary]
                          for k, r in self.relations.items()},
            "search_path": self.search_path, "database": self.database, "kv": dict(self.key_value), "policy": policy_hash,
        })

    def _detention_warnings(self) -> list[str]:
        out = []
        for r in self.relations.values():
            if r.catalog is None and _HOLD_TABLE.search(r.name.lower()) and not any(
                    c.categories & self._value_categories for c in r.columns) and self._value_categories:
                msg = (f"table `{r.key}` looks like it records detentions but no column of it is classified as "
                       f"{'/'.join(sorted(self._value_categories))}: name its basis column in schema overrides "
                       "(e.g. {\"" + r.key + ".basis\": [\"detention_basis\"]}) so 2.129.040(d) can be enforced")
                out.append(msg)
        if self._public:
            for r in self.relations.values():
                for c in r.columns:
                    names = [(r.name, c.name)] + ([(r.namespace, r.name, c.name)] if r.namespace else [])
                    if not c.public_record and any(self._public.matches_loosely(x) for x in names):
                        out.append(f"public_record names `{r.key}.{c.name}` only if case is ignored: unquoted names "
                                   f"fold to lower case as in SQL — write {r.name}.\"{c.name}\" to declare it")
        for w in out:
            log.warning("status_guard SQL schema: %s", w)
        return out

    @classmethod
    def from_config(cls, guard: Guard, config: Mapping[str, Any]) -> SchemaMap:
        """``{table: {column: type}}`` or ``{"tables": {...}, "overrides": {...}, "public_record": [...],
        "search_path": [...], "key_value": {...}}``."""
        tables = config.get("tables")
        if isinstance(tables, Mapping) and all(isinstance(v, Mapping) for v in tables.values()):
            extra = set(config) - {"tables", "overrides", "public_record", "search_path", "key_value", "database"}
            if extra:
                raise PolicyError(f"unknown keys in SQL schema configuration: {', '.join(sorted(extra))}")
            return cls.build(guard, tables, overrides=config.get("overrides"), public_record=config.get("public_record", ()),
                             search_path=config.get("search_path"), key_value=config.get("key_value"),
                             database=config.get("database"))
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

    def with_options(self, **kw: Any) -> SchemaMap:
        """A copy with other ``search_path`` / ``database`` / ``default_namespace`` (e.g. learned from
        a live connection: the schema Django's unqualified tables live in)."""
        if kw.get("default_namespace"):
            kw["namespaces"] = self.namespaces | {kw["default_namespace"]}
        m = replace(self, **kw, _index={}, _mapping_schemas={})
        return replace(m, version=_hash([self.version, kw]))

    # -- DDL following -------------------------------------------------------------------------
    def apply(self, changes: Iterable[SchemaChange]) -> SchemaMap:
        """The map after DDL the inspector allowed."""
        rels = dict(self.relations)
        kv = dict(self.key_value)
        spaces = set(self.namespaces)
        tag: list[Any] = [self.version]
        for ch in changes:
            tag.append((ch.op, ch.relation, ch.new, ch.columns))
            if ch.op == "create_namespace":
                spaces.add(ch.relation)
                continue
            if ch.op == "create":
                ns, name = _split_key(ch.relation)
                rel = self._make_relation(ns, name, list(ch.columns), temporary=ch.temporary,
                                          provenance=dict(ch.provenance))
                rels[rel.key] = rel
            elif ch.op == "drop":
                rels.pop(ch.relation, None)
                kv.pop(ch.relation, None)
            elif ch.op == "rename":
                old = rels.pop(ch.relation, None)
                if old is not None:
                    ns, name = _split_key(ch.new)
                    rels[ch.new] = Relation(ch.new, ns, name, tuple(replace(c, table=ch.new) for c in old.columns),
                                            old.temporary)
                    if ch.relation in kv:
                        kv[ch.new] = kv.pop(ch.relation)
            elif ch.op in ("add_column", "drop_column", "rename_column", "alter_column"):
                rel = rels.get(ch.relation)
                if rel is None:
                    continue
                cols = [(c.name, c.type) for c in rel.columns]
                prov = {c.name: (c.categories, c.reasons) for c in rel.columns if c.categories}
                if ch.op == "add_column":
                    cols.extend(ch.columns)
                elif ch.op == "drop_column":
                    gone = {n for n, _ in ch.columns}
                    cols = [(n, t) for n, t in cols if n not in gone]
                elif ch.op == "rename_column":
                    (old_name, _), (new_name, _) = ch.columns[0], ch.columns[1]
                    cols = [(new_name if n == old_name else n, t) for n, t in cols]
                    if old_name in prov:  # the stored values keep what they are under the new name
                        prov[new_name] = prov.pop(old_name)
                ns, name = _split_key(rel.key)
                new_rel = self._make_relation(ns, name, cols, temporary=rel.temporary, provenance=prov)
                rels[rel.key] = new_rel
        m = replace(self, relations=rels, key_value=kv, namespaces=frozenset(spaces), _index={}, _mapping_schemas={})
        return replace(m, version=_hash(tag))

    def temp_relation(self, change: SchemaChange) -> Relation:
        """The relation a CREATE TEMPORARY TABLE makes (kept by the session, not the map)."""
        ns, name = _split_key(change.relation)
        return self._make_relation(None, name, list(change.columns), temporary=True, provenance=dict(change.provenance))

    def renamed(self, old: str, new: str) -> SchemaMap:
        if old not in self.relations:
            raise PolicyError(f"cannot rename `{old}`: the table is not in the schema")
        if new in self.relations and new != old:
            raise PolicyError(f"cannot rename `{old}` to `{new}`: the schema already maps that name")
        return self.apply([SchemaChange("rename", old, new=new)])

    # -- lookups -------------------------------------------------------------------------------
    def _by_name(self, dialect: str) -> dict[tuple[str | None, str], Relation]:
        idx = self._index.get(dialect)
        if idx is None:
            nm = naming(dialect)
            default = self.default_namespace if self.default_namespace is not None else DEFAULT_NAMESPACE.get(dialect)
            idx = {}
            for r in self.relations.values():
                ns = r.namespace if r.namespace is not None else default
                idx[(nm.stored(ns) if ns is not None else None, nm.stored(r.name))] = r
            self._index[dialect] = idx
        return idx

    def namespaces_for_unqualified(self, dialect: str) -> list[str | None]:
        nm = naming(dialect)
        if dialect == "postgres":
            path = self.search_path if self.search_path is not None else ("public",)
            return [nm.stored(p) for p in path]
        if dialect == "sqlite":
            return ["main"]
        return [DEFAULT_NAMESPACE.get(dialect)]

    def resolve(self, parts: list[str], dialect: str, temp: Mapping[str, Relation] | None = None) -> Relation | None:
        """The relation a name (already folded with the dialect's :class:`Naming`) denotes, or None.
        ``temp``: the session's temporary relations, by folded name."""
        idx = self._by_name(dialect)
        nm = naming(dialect)
        if len(parts) == 1:
            name = parts[0]
            if temp and name in temp:
                return temp[name]
            for r in self.relations.values():  # temporary relations the map itself holds
                if r.temporary and nm.stored(r.name) == name:
                    return r
            path = self.namespaces_for_unqualified(dialect)
            if dialect == "postgres" and "pg_catalog" not in path:
                path = ["pg_catalog", *path]  # searched first unless the path places it
            elif dialect == "sqlite":
                path = ["pg_catalog", *path]  # sqlite_* catalog tables, in every schema
            for ns in path:
                if ns == "pg_catalog":
                    cat = catalog_relation(dialect, None, name)
                    if cat is not None:
                        return _catalog(cat)
                    continue
                r = idx.get((ns, name))
                if r is not None:
                    return r
            return None
        if len(parts) == 2:
            ns, name = parts
            if dialect == "postgres" and ns == "pg_temp" or dialect == "sqlite" and ns in ("temp", "temporary"):
                if temp and name in temp:
                    return temp[name]
                for r in self.relations.values():
                    if r.temporary and nm.stored(r.name) == name:
                        return r
                return None
            cat = catalog_relation(dialect, ns, name)
            if cat is not None:
                return _catalog(cat)
            r = idx.get((ns, name))
            if r is not None and not r.temporary:
                return r
            if dialect == "mysql" and self.database is None:
                return idx.get((None, name))
            if dialect == "mysql" and nm.stored(self.database or "") == ns:
                return idx.get((None, name))
            return None
        if len(parts) == 3 and self.database is not None and parts[0] == nm.stored(self.database):
            return self.resolve(parts[1:], dialect, temp)
        return None

    def table_key(self, name: str, namespace: str | None = None, dialect: str = "postgres") -> str | None:
        """The key of a relation named like an unquoted identifier (previous API)."""
        nm = naming(dialect)
        parts = [nm.ident(namespace), nm.ident(name)] if namespace else [nm.ident(name)]
        r = self.resolve(parts, dialect)
        return r.key if r is not None and r.catalog is None else None

    def relation(self, key: str) -> Relation | None:
        return self.relations.get(key)

    def column(self, table: str, name: str) -> Column | None:
        idx = self._index.get("columns")
        if idx is None:
            idx = self._index["columns"] = {(k, c.name): c for k, r in self.relations.items() for c in r.columns}
        hit = idx.get((table, name))
        if hit is not None:
            return hit
        rel = self.relations.get(table)
        if rel is None:
            return None
        low = name.lower()
        hits = [c for c in rel.columns if c.name.lower() == low]
        return hits[0] if len(hits) == 1 else None

    def columns(self, table: str) -> tuple[Column, ...]:
        rel = self.relations.get(table)
        return rel.columns if rel is not None else ()

    @property
    def tables(self) -> dict[str, tuple[Column, ...]]:
        return {k: r.columns for k, r in self.relations.items()}

    @property
    def value_free_summary(self) -> dict[str, list[str]]:
        return {t: [c.name for c in r.columns] for t, r in self.relations.items()}

    def all_categories(self) -> frozenset[str]:
        return frozenset(self._all_categories())


def _catalog(cat: CatalogRelation) -> Relation:
    cols = tuple(Column(cat.key, c, "catalog", frozenset()) for c in cat.columns)
    return Relation(cat.key, cat.namespace, cat.name, cols, catalog=cat)


@dataclass(frozen=True)
class SchemaChange:
    """One DDL effect on the map. ``columns``: (name, type) pairs (rename_column: old, new)."""

    op: str  # create | drop | rename | add_column | drop_column | rename_column | alter_column
    relation: str  # relation key
    new: str = ""
    columns: tuple[tuple[str, str], ...] = ()
    temporary: bool = False
    provenance: tuple[tuple[str, tuple[frozenset[str], tuple[str, ...]]], ...] = ()


def coerce_schema(guard: Guard, schema: Any) -> SchemaMap | None:
    if schema is None or isinstance(schema, SchemaMap):
        return schema
    if isinstance(schema, (str, Path)):
        return SchemaMap.from_file(guard, schema)
    if isinstance(schema, Mapping):
        return SchemaMap.from_config(guard, schema)
    raise PolicyError(f"schema must be a mapping, a SchemaMap or a JSON file path, not {type(schema).__name__}")


def _pg_search_path(cur: Any) -> tuple[tuple[str, ...], str]:
    cur.execute("SELECT current_setting('search_path'), current_user, current_database()")
    path, user, db = cur.fetchone()
    return parse_search_path(path, user), db


def parse_search_path(path: str, user: str) -> tuple[str, ...]:
    """PostgreSQL's ``search_path`` setting as schema names, read as the server reads it
    (``SplitIdentifierString``: comma-separated; a double-quoted name keeps its case, ``""`` is a
    quote; an unquoted one is folded and truncated), ``$user`` replaced by the session user."""
    from .names import naming

    nm = naming("postgres")
    out: list[str] = []
    i, n = 0, len(path)
    while i < n:
        while i < n and path[i].isspace():
            i += 1
        if i >= n:
            break
        if path[i] == '"':
            j, buf = i + 1, []
            while j < n:
                if path[j] == '"':
                    if j + 1 < n and path[j + 1] == '"':
                        buf.append('"')
                        j += 2
                        continue
                    break
                buf.append(path[j])
                j += 1
            name = nm.ident("".join(buf), quoted=True)
            i = j + 1
        else:
            j = i
            while j < n and path[j] != "," and not path[j].isspace():
                j += 1
            name = nm.ident(path[i:j], quoted=False)
            i = j
        out.append(user if name == "$user" else name)
        while i < n and path[i].isspace():
            i += 1
        if i < n and path[i] == ",":
            i += 1
    return tuple(out)


def reflect_sqlalchemy(guard: Guard, bind: Any, *, overrides: Mapping[str, Iterable[str]] | None = None,
                       public_record: Iterable[str] = (), schemas: Iterable[str | None] = (None,),
                       key_value: Mapping[str, Iterable[str]] | None = None) -> SchemaMap:
    """Reflect tables through SQLAlchemy's inspector (call before installing the hook)."""
    from sqlalchemy import inspect, text

    insp = inspect(bind)
    tables: dict[str, dict[str, str]] = {}
    search_path = None
    database = None
    if bind.dialect.name == "postgresql":
        with (bind.connect() if hasattr(bind, "connect") and not hasattr(bind, "execute") else _nullctx(bind)) as c:
            path, user, database = c.execute(text("SELECT current_setting('search_path'), current_user, "
                                                  "current_database()")).one()
            search_path = parse_search_path(path, user)
        default_ns = insp.default_schema_name
        ns_list = [ns for ns in schemas]
        if ns_list == [None]:
            ns_list = [None] + [ns for ns in search_path if ns != default_ns and ns in insp.get_schema_names()]
        for ns in ns_list:
            real = ns or default_ns
            for t in insp.get_table_names(schema=ns) + insp.get_view_names(schema=ns):
                key = t if real == "public" else f"{real}.{t}"
                tables[key] = {c["name"]: str(c["type"]) for c in insp.get_columns(t, schema=ns)}
    else:
        for ns in schemas:
            for t in insp.get_table_names(schema=ns) + insp.get_view_names(schema=ns):
                key = t if ns is None else f"{ns}.{t}"
                tables[key] = {c["name"]: str(c["type"]) for c in insp.get_columns(t, schema=ns)}
    return SchemaMap.build(guard, tables, overrides=overrides, public_record=public_record, search_path=search_path,
                           database=database, key_value=key_value)


class _nullctx:
    def __init__(self, v: Any):
        self.v = v

    def __enter__(self) -> Any:
        return self.v

    def __exit__(self, *a: Any) -> None:
        return None


def reflect_dbapi(guard: Guard, conn: Any, dialect: str, *, overrides: Mapping[str, Iterable[str]] | None = None,
                  public_record: Iterable[str] = (), namespaces: Iterable[str] | None = None,
                  key_value: Mapping[str, Iterable[str]] | None = None) -> SchemaMap:
    """Reflect tables from a raw sqlite3 or psycopg connection (before wrapping it). PostgreSQL:
    every non-system schema (or only ``namespaces``), the session's ``search_path`` and database."""
    tables: dict[str, dict[str, str]] = {}
    search_path = None
    database = None
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
            search_path, database = _pg_search_path(cur)
            wanted = list(namespaces) if namespaces is not None else None
            cur.execute(
                "SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid "
                "AND a.attnum > 0 AND NOT a.attisdropped WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p') "
                "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%' "
                "AND n.nspname NOT LIKE 'pg_temp%%' AND (%s::text[] IS NULL OR n.nspname = ANY(%s::text[])) "
                "ORDER BY n.nspname, c.relname, a.attnum",
                (wanted, wanted),
            )
            for ns, t, c, ty in cur.fetchall():
                key = t if ns == "public" else f"{ns}.{t}"
                tables.setdefault(key, {})[c] = ty
        else:
            raise PolicyError(f"schema reflection is not implemented for dialect `{dialect}`; pass schema=...")
    finally:
        cur.close()
    return SchemaMap.build(guard, tables, overrides=overrides, public_record=public_record, search_path=search_path,
                           database=database, key_value=key_value)


__all__ = ["CATALOG_NAMESPACES", "CATALOG_TABLES", "Column", "Relation", "SchemaChange", "SchemaMap", "coerce_schema",
           "parse_search_path", "reflect_dbapi", "reflect_sqlalchemy"]


class SQLPublicRecord:
    """Public-record declarations for SQL columns, matched as the database names them: each step
    is an SQL identifier — unquoted it folds to lower case (``bookings.CHARGE`` is ``charge``),
    double-quoted it is exact (``bookings."CHARGE"``); ``*`` is one step, ``**`` any number. Unlike
    the middleware's path patterns (which normalise case and word separators), ``charge`` never
    declares a different column ``"CHARGE"`` public."""

    def __init__(self, patterns: tuple[str, ...], steps: tuple[tuple[str, ...], ...]):
        self.patterns = patterns
        self._steps = steps

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SQLPublicRecord) and other.patterns == self.patterns

    def __hash__(self) -> int:
        return hash(self.patterns)

    def __repr__(self) -> str:
        return f"SQLPublicRecord({self.patterns!r})"

    def matches(self, names: Sequence[object]) -> bool:
        got = tuple(str(n) for n in names if not isinstance(n, int))
        return any(_steps_match(st, got) for st in self._steps)

    def matches_loosely(self, names: Sequence[object]) -> bool:
        """Whether a pattern would match if case were ignored (for the folding warning)."""
        got = tuple(str(n).lower() for n in names if not isinstance(n, int))
        return any(_steps_match(tuple(x.lower() for x in st), got) for st in self._steps)


def _steps_match(steps: tuple[str, ...], names: tuple[str, ...]) -> bool:
    if not steps:
        return not names
    head, rest = steps[0], steps[1:]
    if head == "\x00**":
        return any(_steps_match(rest, names[i:]) for i in range(len(names) + 1))
    if not names:
        return False
    if head == "\x00*" or head == names[0]:
        return _steps_match(rest, names[1:])
    return False


_ROW_STEPS = re.compile(r"(?:\[(?:\*|\d+)\])+$")


def _sql_steps(pattern: str, where: str) -> tuple[str, ...]:
    steps: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        if pattern[i] == '"':
            j, buf = i + 1, []
            while True:
                if j >= n:
                    raise PolicyError(f"{where}: unterminated quoted name in {pattern!r}")
                if pattern[j] == '"':
                    if j + 1 < n and pattern[j + 1] == '"':
                        buf.append('"')
                        j += 2
                        continue
                    break
                buf.append(pattern[j])
                j += 1
            steps.append("".join(buf))
            i = j + 1
        else:
            j = pattern.find(".", i)
            j = n if j < 0 else j
            word = pattern[i:j].strip()
            # the middleware's list steps (`bookings[*].charge`, `rows[0]`) name rows of a table in
            # SQL: one declaration means the same column in a JSON export and in the table
            word = _ROW_STEPS.sub("", word) if _ROW_STEPS.sub("", word) else word
            if not word:
                raise PolicyError(f"{where}: empty name in {pattern!r}")
            steps.append("\x00" + word if word in ("*", "**") else word.lower())
            i = j
        if i < n:
            if pattern[i] != ".":
                raise PolicyError(f"{where}: expected `.` after a quoted name in {pattern!r}")
            i += 1
            if i >= n:
                raise PolicyError(f"{where}: {pattern!r} ends with `.`")
    return tuple(steps)


def sql_public_record(patterns: Iterable[str] | None, where: str) -> SQLPublicRecord:
    """Public-record declarations for SQL: ``table.column`` (``bookings.charge``,
    ``police.bookings."CHARGE"``) or a column in any table (``**.charge``). A one-name pattern
    can never name a ``table.column``: a configuration error naming it."""
    # the same shape check as every other entry point (a string, a nested list: an error naming it)
    pats = tuple(dict.fromkeys(declared_patterns(patterns, where=where) if patterns is not None else ()))
    steps = []
    for p in pats:
        st = _sql_steps(p, where)
        if len(st) == 1:
            raise PolicyError(f"{where}: {p!r} names no table; write 'table.{p}' or '**.{p}'")
        if st[-1] in ("\x00*", "\x00**"):
            raise PolicyError(f"{where}: {p!r} must end with a column name")
        steps.append(st)
    return SQLPublicRecord(pats, tuple(steps))