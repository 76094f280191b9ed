"""MERGE: the join condition and WHEN conditions are filters; each WHEN action writes."""

from __future__ import annotations

from sqlglot import exp

from ..errors import SQLAnalysisError
from .common import assignments, reads_of, returning, synthetic, table_aliases, with_ctes, write_value, traced_values
from .keys import json_writes
from .model import StatementAnalysis, Value, Write
from .resolve import query
from .state import State


def analyse_merge(stmt: exp.Merge, st: State) -> StatementAnalysis:
    table_node = stmt.this
    key = st.relation_key(table_node)
    aliases = table_aliases(table_node, key)
    using = stmt.args.get("using")
    on = stmt.args.get("on")
    whens = stmt.args.get("whens")
    conds: list[exp.Expression] = []
    assigns: list[tuple[str, str, exp.Expression | None, int]] = []
    rhs: list[exp.Expression] = []
    for when in (whens.expressions if whens is not None else ()):
        cond = when.args.get("condition")
        if cond is not None:
            conds.append(cond)
        then = when.args.get("then")
        if isinstance(then, exp.Update):
            a, r = assignments(list(then.expressions), st, key, aliases)
            base = len(rhs)
            rhs.extend(r)
            assigns.extend((t, c, v, i + base if i >= 0 else -1) for t, c, v, i in a)
            st.accounted.add(id(then))
        elif isinstance(then, exp.Insert):
            cols_node = then.this
            vals_node = then.expression
            names = list(cols_node.expressions) if isinstance(cols_node, exp.Tuple) else (
                [cols_node] if cols_node is not None else [])
            cols = [st.target_column(key, n.name) for n in names] if names else st.all_columns(key, "MERGE INSERT")
            for n in names:
                st.accounted.add(id(n))
                for ident in n.find_all(exp.Identifier):
                    st.accounted.add(id(ident))
            for c in cols:
                st.references.add((key, c))
            vals = list(vals_node.expressions) if isinstance(vals_node, exp.Tuple) else [vals_node]
            if len(vals) != len(cols):
                raise SQLAnalysisError("MERGE INSERT has a different number of values than columns")
            for c, v in zip(cols, vals):
                rhs.append(v)
                assigns.append((key, c, v, len(rhs) - 1))
        elif then is None or isinstance(then, (exp.Var, exp.Delete)):
            pass  # DELETE / DO NOTHING
        else:
            raise SQLAnalysisError(f"unsupported MERGE action `{type(then).__name__}`")
    where = None
    for c in conds:
        where = c.copy() if where is None else exp.and_(where, c.copy())
    join = exp.Join(this=using.copy(), on=on.copy() if on is not None else None)
    st.mark(using, on, *conds, *rhs, stmt.args.get("with_"), stmt.args.get("returning"))
    q = query(with_ctes(stmt, synthetic(rhs, [table_node], [join], where)), st)
    deps = [d for _, d in q.root_outputs()]
    writes = []
    for t, c, v, i in assigns:
        val, params = (Value("expr"), frozenset()) if v is None else write_value(v, st)
        d = deps[i] if i >= 0 else frozenset()
        traced = traced_values(q, i, st) if val.kind == "expr" and i >= 0 else None
        if traced:  # WITH src AS (SELECT %s AS basis) MERGE ... SET hold_basis = src.basis
            for r, tv in enumerate(traced):
                writes.append(Write(t, c, tv, r, d, params=frozenset({tv.param}) if tv.param is not None else params))
            continue
        writes.append(Write(t, c, val, 0, d, params=params))
    for t, c, v, i in assigns:
        writes.extend(json_writes(t, c, v, st, 0, deps[i] if i >= 0 else frozenset()))
    outs = returning(stmt, st, [table_node, using], [])
    return StatementAnalysis("merge", writes=tuple(writes), reads=reads_of(outs), filters=frozenset(q.filters),
                             outputs=outs, targets=frozenset({key}))


__all__ = ["analyse_merge"]
