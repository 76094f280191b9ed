"""UPDATE (PostgreSQL FROM, MySQL multi-table JOIN, T-SQL ``UPDATE alias … FROM``) and DELETE
(USING, MySQL multi-table): analysed through an equivalent SELECT whose projections are the
assigned values and whose WHERE/JOINs are the statement's."""

from __future__ import annotations

from sqlglot import exp

from .common import assignments, reads_of, returning, strip_joins, synthetic, table_aliases, with_ctes, write_value, traced_values
from .keys import json_writes
from .model import StatementAnalysis, Value, Write
from .resolve import query
from .state import State


def analyse_update(stmt: exp.Update, st: State) -> StatementAnalysis:
    table_node = stmt.this
    joins = list(table_node.args.get("joins") or ()) if isinstance(table_node, exp.Table) else []
    sources: list[exp.Expression] = []
    frm = stmt.args.get("from_")
    other: dict[str, str] = {}
    from_tables: list[exp.Expression] = []
    if frm is not None:
        from_tables = [strip_joins(frm.this)]
        joins = joins + list(frm.this.args.get("joins") or ()) + list(stmt.args.get("joins") or ())
    target_key = ""
    aliases: set[str] = set()
    # T-SQL: UPDATE alias SET ... FROM students alias JOIN ...: the target names a FROM alias
    if frm is not None and isinstance(table_node, exp.Table) and st.relation_of(table_node) is None \
            and not table_node.alias and not table_node.db:
        for t in [frm.this] + [j.this for j in joins]:
            if isinstance(t, exp.Table) and t.alias and t.alias == table_node.name:
                target_key = st.relation_key(strip_joins(t))
                aliases = {t.alias, target_key}
                table_node = None  # the FROM clause already holds the target
                break
    if table_node is not None:
        target_key = st.relation_key(strip_joins(table_node))
        aliases = table_aliases(table_node, target_key)
    for j in joins:  # MySQL multi-table UPDATE: SET may name any joined table
        jt = j.this
        if isinstance(jt, exp.Table) and isinstance(jt.this, exp.Identifier):
            other[jt.alias or jt.name] = st.relation_key(jt)
    if table_node is not None:
        sources.append(strip_joins(table_node))
    sources.extend(from_tables)
    assigns, rhs = assignments(list(stmt.expressions), st, target_key, aliases, other)
    where = stmt.args.get("where")
    st.mark(where, frm, *rhs, *joins, stmt.args.get("order"), stmt.args.get("limit"), stmt.args.get("with_"))
    sel = synthetic(rhs, sources, joins, where.this if where is not None else None)
    if stmt.args.get("order") is not None:
        sel.set("order", stmt.args["order"].copy())
    if stmt.args.get("limit") is not None:
        sel.set("limit", stmt.args["limit"].copy())
    q = query(with_ctes(stmt, sel), st)
    deps = [d for _, d in q.root_outputs()]
    writes = []
    for t, c, v, i in assigns:
        val, params = (Value("expr"), frozenset()) if v is None else write_value(
            v, st, (c, aliases) if t == target_key else None)
        d = deps[i] if i >= 0 and rhs else frozenset()
        traced = traced_values(q, i, st) if val.kind == "expr" and i >= 0 and rhs else None
        if traced:  # SET x = cte.basis where the CTE selects a parameter: that parameter is written
            for r, tv in enumerate(traced):
                writes.append(Write(t, c, tv, r, d, params=frozenset({tv.param}) if tv.param is not None else params))
            continue
        writes.append(Write(t, c, val, 0, d, params=params))
    for t, c, v, i in assigns:
        writes.extend(json_writes(t, c, v, st, 0, deps[i] if i >= 0 and rhs else frozenset()))
    outs = returning(stmt, st, sources, joins)
    targets = {t for t, _, _, _ in assigns} | {target_key}
    return StatementAnalysis("update", writes=tuple(writes), reads=reads_of(outs), filters=frozenset(q.filters),
                             outputs=outs, targets=frozenset(targets))


def analyse_delete(stmt: exp.Delete, st: State) -> StatementAnalysis:
    table_node = stmt.this
    key = st.relation_key(strip_joins(table_node)) if isinstance(table_node, exp.Table) else None
    sources: list[exp.Expression] = [strip_joins(table_node)] if key else []
    using = stmt.args.get("using")
    for u in using or ():
        sources.append(u)
    joins = list(table_node.args.get("joins") or ()) if isinstance(table_node, exp.Table) else []
    where = stmt.args.get("where")
    st.mark(where, *(using or ()), *joins, stmt.args.get("with_"), stmt.args.get("order"), stmt.args.get("limit"))
    targets: set[str] = {key} if key else set()
    for t in stmt.args.get("tables") or ():
        st.mark(t)
        if isinstance(t, exp.Table) and st.relation_of(t) is not None:
            targets.add(st.relation_key(t))
    sel = synthetic([], sources, joins, where.this if where is not None else None)
    for arg in ("order", "limit"):
        if stmt.args.get(arg) is not None:
            sel.set(arg, stmt.args[arg].copy())
    q = query(with_ctes(stmt, sel), st)
    outs = returning(stmt, st, sources, joins)
    return StatementAnalysis("delete", reads=reads_of(outs), filters=frozenset(q.filters), outputs=outs,
                             targets=frozenset(targets))


__all__ = ["analyse_delete", "analyse_update"]
