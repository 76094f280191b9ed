"""DDL: CREATE TABLE/VIEW (AS), CREATE INDEX, ALTER TABLE, DROP, TRUNCATE.

A column a statement adds is a *store* of its categories (``CREATE TABLE intake (immigration_status
text)`` collects status); a column renamed or re-typed ``USING`` keeps what it holds; a ``DEFAULT``
is written into every new row. Each statement also says how the schema map changes once it is
allowed (:class:`..schema.SchemaChange`), so later statements resolve against the tables a
migration created. A temporary table that would shadow a guarded table for the session is refused:
the inspector could not tell, statement by statement, which of the two a name means."""

from __future__ import annotations

from sqlglot import exp

from ..errors import SQLAnalysisError
from ..names import DEFAULT_NAMESPACE
from ..schema import SchemaChange
from .common import value_of
from .model import Pair, StatementAnalysis, Value, Write
from .resolve import query
from .state import State


def new_relation_key(st: State, table: exp.Expression, temporary: bool) -> str:
    if not isinstance(table, exp.Table) or not isinstance(table.this, exp.Identifier):
        raise SQLAnalysisError("a created relation needs a plain name")
    name, db = table.name, table.db
    if st.schema is None:
        return name
    default = st.naming.stored(st.schema.default_namespace or DEFAULT_NAMESPACE.get(st.dialect) or "")
    if temporary or db in ("pg_temp", "temp", "temporary"):
        if st.schema.resolve([name], st.dialect) is not None and st.schema.resolve([name], st.dialect).catalog is None:
            raise SQLAnalysisError(f"a temporary table `{name}` would shadow the guarded table of that name for the "
                                   "session; use another name")
        return name
    if st.temp and name in st.temp and not db:
        raise SQLAnalysisError(f"`{name}` is a temporary table of this session; a permanent table of that name "
                               "would be hidden behind it")
    if not db:
        for ns in st.schema.namespaces_for_unqualified(st.dialect):
            if ns is not None and ns in st.schema.namespaces:
                db = ns
                break
    if not db or db == default:
        return name
    return f"{db}.{name}"


def _categories(st: State, sources: frozenset[Pair]) -> tuple[frozenset[str], tuple[str, ...]]:
    cats: set[str] = set()
    reasons: list[str] = []
    if st.schema is None:
        return frozenset(), ()
    for t, c in sorted(sources):
        col = st.schema.column(t, c)
        if col is not None and col.categories:
            cats |= col.categories
            reasons.append(f"copied from {t}.{c}")
    return frozenset(cats), tuple(reasons)


def create_change(st: State, key: str, names: list[str], sources: list[frozenset[Pair]], temporary: bool,
                  types: list[str] | None = None) -> SchemaChange:
    prov = []
    for n, s in zip(names, sources):
        cats, reasons = _categories(st, s)
        if cats:
            prov.append((n, (cats, reasons)))
    cols = tuple((n, (types[i] if types else "text")) for i, n in enumerate(names))
    return SchemaChange("create", key, columns=cols, temporary=temporary, provenance=tuple(prov))


def _is_temporary(stmt: exp.Create) -> bool:
    props = stmt.args.get("properties")
    for p in (props.expressions if props is not None else ()):
        if isinstance(p, exp.TemporaryProperty):
            return True
    return False


def analyse_create(stmt: exp.Create, st: State) -> StatementAnalysis:
    kind = str(stmt.args.get("kind") or "").upper()
    target = stmt.this
    if kind == "INDEX":
        idx = target
        table = idx.args.get("table") if isinstance(idx, exp.Index) else None
        if table is None:
            raise SQLAnalysisError("CREATE INDEX without a table")
        key = st.relation_key(table)
        filters = set()
        params = idx.args.get("params")
        for c in (params.find_all(exp.Column) if params is not None else ()):
            pair = (key, st.target_column(key, c.name))
            filters.add(pair)
            st.references.add(pair)
            st.accounted.add(id(c))
        where = params.args.get("where") if params is not None else None
        del where
        return StatementAnalysis("create_index", filters=frozenset(filters))
    if kind in ("TABLE", "VIEW", "MATERIALIZED VIEW") or kind.endswith("TABLE") or kind.endswith("VIEW"):
        schema_node = target if isinstance(target, exp.Schema) else None
        table_node = schema_node.this if schema_node is not None else target
        temporary = _is_temporary(stmt)
        if stmt.args.get("exists") and st.schema is not None and isinstance(table_node, exp.Table):
            existing = st.schema.resolve([p for p in (table_node.db, table_node.name) if p], st.dialect, st.temp)
            if existing is not None and existing.catalog is None:
                st.mark(stmt)  # CREATE ... IF NOT EXISTS on an existing table: nothing changes
                return StatementAnalysis("create_" + kind.lower().replace(" ", "_"))
        key = new_relation_key(st, table_node, temporary)
        adds: list[Pair] = []
        listed: list[str] = []
        types: list[str] = []
        if schema_node is not None:
            for e in schema_node.expressions:
                if isinstance(e, exp.ColumnDef):
                    adds.append((key, e.name))
                    listed.append(e.name)
                    kind_node = e.args.get("kind")
                    types.append(kind_node.sql(st.dialect) if kind_node is not None else "text")
                    st.mark(e)
                elif isinstance(e, exp.Identifier):
                    listed.append(e.name)
                    types.append("text")
                else:
                    st.mark(e)  # constraints
            for e in schema_node.expressions:
                if not isinstance(e, exp.ColumnDef):
                    for c in e.find_all(exp.Column):
                        st.accounted.add(id(c))
        source = stmt.expression
        writes: list[Write] = []
        reads: frozenset[Pair] = frozenset()
        filters: frozenset[Pair] = frozenset()
        sources: list[frozenset[Pair]] = [frozenset()] * len(listed)
        if source is not None:
            st.mark(source)
            q = query(source.copy(), st)
            outs = q.root_outputs()
            names = listed if listed and len(listed) == len(outs) else [n for n, _ in outs]
            sources = [d for _, d in outs]
            listed = names
            types = ["text"] * len(names)
            for n, (_, d) in zip(names, outs):
                if (key, n) not in adds:
                    adds.append((key, n))
                writes.append(Write(key, n, Value("expr"), 0, d))
            filters = frozenset(q.filters)
            if kind.endswith("VIEW"):
                reads = frozenset().union(*(d for _, d in outs)) if outs else frozenset()
        for e in (stmt.args.get("properties").expressions if stmt.args.get("properties") is not None else ()):
            st.mark(e)
        change = create_change(st, key, listed, sources, temporary, types)
        return StatementAnalysis("create_" + kind.lower().replace(" ", "_"), writes=tuple(writes), reads=reads,
                                 filters=filters, adds=tuple(adds), changes=(change,))
    if kind in ("SCHEMA", "DATABASE", "SEQUENCE", "TYPE", "EXTENSION"):
        st.mark(stmt)
        change = ()
        if kind == "SCHEMA" and isinstance(target, exp.Table):
            change = (SchemaChange("create_namespace", target.name),)
        return StatementAnalysis("create_" + kind.lower(), changes=change)
    raise SQLAnalysisError(f"unsupported CREATE {kind or '?'}")


def analyse_drop(stmt: exp.Drop, st: State) -> StatementAnalysis:
    kind = str(stmt.args.get("kind") or "").upper()
    st.mark(stmt)
    changes: list[SchemaChange] = []
    if kind in ("TABLE", "VIEW", "MATERIALIZED VIEW") and st.schema is not None:
        tables = [stmt.this] + list(stmt.expressions or ()) if isinstance(stmt.this, exp.Table) else list(
            stmt.find_all(exp.Table))
        for t in tables:
            if not isinstance(t, exp.Table):
                continue
            rel = st.schema.resolve([p for p in (t.db, t.name) if p], st.dialect, st.temp)
            if rel is not None and rel.catalog is None:
                changes.append(SchemaChange("drop", rel.key, temporary=rel.temporary))
    return StatementAnalysis("drop", changes=tuple(dict.fromkeys(changes)))


def analyse_alter(stmt: exp.Alter, st: State) -> StatementAnalysis:
    if str(stmt.args.get("kind") or "").upper() != "TABLE":
        raise SQLAnalysisError(f"unsupported ALTER {stmt.args.get('kind') or '?'}")
    table = stmt.this
    tname = st.relation_key(table)
    rel = st.relation_of(table)
    temporary = bool(rel is not None and rel.temporary)
    adds: list[Pair] = []
    drops: list[Pair] = []
    writes: list[Write] = []
    renames: list[Pair] = []
    changes: list[SchemaChange] = []
    actions = stmt.args.get("actions") or ()
    for a in actions:
        if isinstance(a, exp.ColumnDef):
            adds.append((tname, a.name))
            kind_node = a.args.get("kind")
            changes.append(SchemaChange("add_column", tname, columns=((a.name, kind_node.sql(st.dialect)
                                                                        if kind_node is not None else "text"),),
                                        temporary=temporary))
            default = next((c for c in a.find_all(exp.DefaultColumnConstraint)), None)
            if default is not None and default.this is not None:  # ADD COLUMN ... DEFAULT: every row gets it
                writes.append(Write(tname, a.name, value_of(default.this, st)))
            st.mark(a)
        elif isinstance(a, exp.Drop):
            gone = []
            for c in a.find_all(exp.Column, exp.Identifier):
                if isinstance(c, exp.Identifier) and isinstance(c.parent, exp.Column):
                    continue
                col = st.target_column(tname, c.name) if st.schema is not None else c.name
                drops.append((tname, col))
                gone.append((col, ""))
                st.accounted.add(id(c))
            changes.append(SchemaChange("drop_column", tname, columns=tuple(gone), temporary=temporary))
            st.mark(a)
        elif isinstance(a, exp.RenameColumn):
            to = a.args.get("to")
            src = a.this.name if isinstance(a.this, (exp.Column, exp.Identifier)) else None
            if not src or to is None:
                raise SQLAnalysisError("RENAME COLUMN without names (fail closed)")
            src_col = st.target_column(tname, src)
            adds.append((tname, to.name))
            # the stored values keep what they are under the new name: renaming a status column to
            # an innocent one is storing status, not removing it
            writes.append(Write(tname, to.name, Value("expr"), sources=frozenset({(tname, src_col)})))
            changes.append(SchemaChange("rename_column", tname, columns=((src_col, ""), (to.name, "")),
                                        temporary=temporary))
            st.mark(a)
        elif isinstance(a, exp.AlterColumn):
            col = st.target_column(tname, a.this.name) if isinstance(a.this, (exp.Column, exp.Identifier)) else None
            if col is None:
                raise SQLAnalysisError("ALTER COLUMN without a column name (fail closed)")
            default = a.args.get("default")
            if default is not None:  # SET DEFAULT: every later row stores this value in the column
                writes.append(Write(tname, col, value_of(default, st)))
            using = a.args.get("using")
            if isinstance(using, exp.Expression):  # TYPE ... USING: every stored value is rewritten
                st.mark(using)
                q = query(exp.Select(expressions=[using.copy()]).from_(table.copy()), st)
                writes.append(Write(tname, col, value_of(using, st), sources=q.root_outputs()[0][1]))
            st.mark(a)
        elif isinstance(a, exp.AlterRename):
            old, new = _rename_target(st, table, a, len(actions))
            renames.append((old, new))
            changes.append(SchemaChange("rename", old, new=new, temporary=temporary))
            st.mark(a)
        elif isinstance(a, (exp.AddConstraint, exp.DropPartition)):
            for c in a.find_all(exp.Column):  # validating a constraint reads every row's value
                pair = (tname, st.target_column(tname, c.name)) if st.schema is not None else (tname, c.name)
                st.references.add(pair)
                st.constraint_columns.add(pair)
            st.mark(a)
        else:
            raise SQLAnalysisError(f"unsupported ALTER TABLE action `{type(a).__name__}`")
    return StatementAnalysis("alter_table", writes=tuple(writes), adds=tuple(adds), drops=tuple(drops),
                             renames=tuple(renames), changes=tuple(changes), filters=frozenset(st.constraint_columns))


def _rename_target(st: State, table: exp.Expression, action: exp.AlterRename, n_actions: int) -> Pair:
    """``ALTER TABLE t RENAME TO u``: the data and its column names are unchanged, so it writes
    nothing; the schema map follows the new name. Renaming onto a name the map still holds — a
    table dropped since the schema was reflected — would make the map describe the wrong columns:
    refused."""
    if n_actions != 1:
        raise SQLAnalysisError("ALTER TABLE ... RENAME TO combined with other actions is not supported")
    to = action.this
    if not isinstance(to, exp.Table) or not isinstance(to.this, exp.Identifier):
        raise SQLAnalysisError("ALTER TABLE ... RENAME TO needs plain table names")
    old = st.relation_key(table)
    if st.schema is None:
        return old, to.name
    rel = st.relation_of(table)
    # the new name stays in the old table's namespace (PostgreSQL refuses a qualified new name)
    ns = rel.namespace if rel is not None else None
    new = to.name if ns is None else f"{ns}.{to.name}"
    if st.schema.relation(new) is not None or (rel is not None and rel.temporary and to.name in st.temp):
        raise SQLAnalysisError(
            f"ALTER TABLE ... RENAME TO `{new}`: the schema already maps a table of that name; re-reflect the "
            "schema after migrations that drop tables"
        )
    return old, new


def analyse_truncate(stmt: exp.Expression, st: State) -> StatementAnalysis:
    st.mark(stmt)
    return StatementAnalysis("truncatetable")


__all__ = ["analyse_alter", "analyse_create", "analyse_drop", "analyse_truncate", "create_change", "new_relation_key"]
