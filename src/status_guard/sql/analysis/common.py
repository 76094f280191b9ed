"""Helpers the per-statement passes share: values, synthetic SELECTs for DML, RETURNING."""

from __future__ import annotations

from sqlglot import exp

from ..errors import SQLAnalysisError
from .model import Output, Pair, Value
from .parameters import slot_value
from .resolve import query, union
from .state import State


def value_of(node: exp.Expression | None, st: State) -> Value:
    v = node
    while isinstance(v, (exp.Cast, exp.TryCast, exp.Paren)):
        v = v.this
    if v is None:
        return Value("expr")
    if isinstance(v, exp.Null):
        return Value("null")
    if isinstance(v, exp.Literal):
        return Value("literal", str(v.this))
    if isinstance(v, exp.Boolean):
        return Value("literal", "true" if v.this else "false")
    if isinstance(v, exp.Placeholder):
        return slot_value(v, st) or Value("expr")
    if isinstance(v, exp.Var) and v.name.upper() == "DEFAULT":
        return Value("default")
    if isinstance(v, exp.Column) and not v.table and v.name.upper() == "DEFAULT":
        return Value("default")
    return Value("expr")


def param_keys(node: exp.Expression | None, st: State) -> frozenset[int | str]:
    """The parameters an expression uses directly (not inside a subquery)."""
    if node is None:
        return frozenset()
    out: set[int | str] = set()
    for n in node.walk(prune=lambda x: isinstance(x, (exp.Subquery, exp.Select)) and x is not node):
        if isinstance(n, exp.Placeholder):
            v = slot_value(n, st)
            if v is not None and v.param is not None:
                out.add(v.param)
    return frozenset(out)


def write_value(node: exp.Expression | None, st: State, target: tuple[str, set[str]] | None = None
                ) -> tuple[Value, frozenset[int | str]]:
    """A written value and the parameters it is computed from. ``target``: (column, names of the
    target table) — ``SET c = c`` leaves the stored value as it was (``unchanged``)."""
    if target is not None and isinstance(node, exp.Column) and node.name == target[0] and (
            not node.table or node.table in target[1]):
        return Value("unchanged"), frozenset()
    v = value_of(node, st)
    if v.kind == "param" and v.param is not None:
        return v, frozenset({v.param})
    return v, param_keys(node, st)


def traced_values(q: object, index: int, st: State) -> list[Value] | None:
    """The values output ``index`` of query ``q``'s root passes through unchanged (a parameter or
    literal carried by a CTE, a derived table, a VALUES list, UNION branches), or None."""
    from .resolve import Query

    assert isinstance(q, Query)
    root = q.root.expression
    if not isinstance(root, exp.Select) or index >= len(root.expressions):
        return None
    nodes = q.values_of(q.root, root.expressions[index])
    if nodes is None:
        return None
    return [value_of(n, st) for n in nodes]


def synthetic(projections: list[exp.Expression], sources: list[exp.Expression], joins: list[exp.Expression],
              where: exp.Expression | None) -> exp.Select:
    """A SELECT with the same column roles as a DML statement's parts (sqlglot does not qualify DML)."""
    sel = exp.Select(expressions=[p.copy() for p in projections] or [exp.Literal.number(1)])
    if sources:
        sel.set("from_", exp.From(this=sources[0].copy()))
        extra = [exp.Join(this=s.copy()) for s in sources[1:]] + [j.copy() for j in joins]
        if extra:
            sel.set("joins", extra)
    if where is not None:
        sel.set("where", exp.Where(this=where.copy()))
    return sel


def with_ctes(stmt: exp.Expression, sel: exp.Select) -> exp.Select:
    w = stmt.args.get("with_")
    if w is not None:
        sel.set("with_", w.copy())
    return sel


def returning(stmt: exp.Expression, st: State, sources: list[exp.Expression],
              joins: list[exp.Expression]) -> tuple[Output, ...]:
    ret = stmt.args.get("returning")
    if ret is None:
        return ()
    st.mark(ret)
    q = query(with_ctes(stmt, synthetic(list(ret.expressions), sources, joins, None)), st)
    return tuple(Output(n, d) for n, d in q.root_outputs())


def reads_of(outputs: tuple[Output, ...]) -> frozenset[Pair]:
    return union(o.sources for o in outputs)


def strip_joins(t: exp.Expression) -> exp.Expression:
    if isinstance(t, exp.Table) and t.args.get("joins"):
        c = t.copy()
        c.set("joins", None)
        return c
    return t


def table_aliases(table: exp.Table, key: str) -> set[str]:
    names = {key, table.name}
    if table.alias:
        names.add(table.alias)
    return names


def assignments(eqs: list[exp.Expression], st: State, table: str, aliases: set[str],
                other_targets: dict[str, str] | None = None
                ) -> tuple[list[tuple[str, str, exp.Expression | None, int]], list[exp.Expression]]:
    """SET a = x, (b, c) = (y, z) -> [(table, column, value expr, index into rhs list)], rhs list."""
    out: list[tuple[str, str, exp.Expression | None, int]] = []
    rhs: list[exp.Expression] = []
    for eq in eqs:
        if not isinstance(eq, exp.EQ):
            raise SQLAnalysisError(f"unsupported assignment `{type(eq).__name__}`")
        lhs, val = eq.this, eq.expression
        cols = list(lhs.expressions) if isinstance(lhs, exp.Tuple) else [lhs]
        if isinstance(lhs, exp.Tuple):
            vals: list[exp.Expression | None] = list(val.expressions) if isinstance(val, exp.Tuple) else [None] * len(cols)
            if len(vals) != len(cols):
                raise SQLAnalysisError("a multi-column SET has a different number of values than columns")
        else:
            vals = [val]
        whole = None
        if isinstance(lhs, exp.Tuple) and not isinstance(val, exp.Tuple):
            rhs.append(val)  # (a, b) = (SELECT ...): every target gets the subquery's columns
            whole = len(rhs) - 1
        for c, v in zip(cols, vals):
            if not isinstance(c, (exp.Column, exp.Identifier)):
                raise SQLAnalysisError("an assignment target is not a column")
            t = table
            qual = c.table if isinstance(c, exp.Column) else ""
            if qual and qual not in aliases:
                if other_targets and qual in other_targets:
                    t = other_targets[qual]
                else:
                    raise SQLAnalysisError(f"assignment to `{qual}.{c.name}` does not name the target table")
            name = st.target_column(t, c.name)
            st.references.add((t, name))
            st.accounted.add(id(c))
            for ident in c.find_all(exp.Identifier):
                st.accounted.add(id(ident))
            if v is not None:
                rhs.append(v)
                out.append((t, name, v, len(rhs) - 1))
            else:
                out.append((t, name, None, whole if whole is not None else -1))
        if isinstance(lhs, exp.Tuple):
            st.accounted.add(id(lhs))
    return out, rhs


__all__ = ["assignments", "param_keys", "traced_values", "write_value", "reads_of", "returning", "strip_joins", "synthetic", "table_aliases", "value_of",
           "with_ctes"]
