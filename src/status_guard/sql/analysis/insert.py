"""INSERT (and REPLACE, which the parser reads as INSERT): what each target column receives.

Rows of ``VALUES`` give one value per row; ``INSERT … SELECT`` gives each target column the
lineage of the matching output, and its *values* when the output is a literal, a parameter, a
column of a ``VALUES`` list in FROM (SQLAlchemy's "insertmanyvalues": ``SELECT p0::INT … FROM
(VALUES (…), (…)) AS imp_sen(p0, …)``) or an array parameter spread by ``UNNEST`` (Django's
``bulk_create`` on PostgreSQL: ``SELECT * FROM UNNEST(%s::int[], %s::text[])``). ``ON CONFLICT``
keys and its WHERE are filters; ``DO UPDATE SET x = excluded.x`` writes the inserted value."""

from __future__ import annotations

from sqlglot import exp

from ..errors import SQLAnalysisError, SQLLimitError
from .common import assignments, param_keys, reads_of, returning, synthetic, table_aliases, value_of, with_ctes
from .keys import json_column, json_writes
from .model import Pair, StatementAnalysis, Value, Write
from .resolve import query
from .state import State


def _strip(node: exp.Expression) -> exp.Expression:
    while isinstance(node, (exp.Cast, exp.TryCast, exp.Paren)):
        node = node.this
    return node


def _expand_unnest_star(sel: exp.Select) -> bool:
    """``SELECT * FROM UNNEST(a, b)`` (no alias): name the outputs so they can be qualified."""
    frm = sel.args.get("from_")
    if not (len(sel.expressions) == 1 and isinstance(sel.expressions[0], exp.Star) and frm is not None
            and isinstance(frm.this, exp.Unnest) and not frm.this.args.get("alias") and not sel.args.get("joins")):
        return False
    un = frm.this
    names = [f"__sgu{i}" for i in range(len(un.expressions))]
    un.set("alias", exp.TableAlias(this=exp.to_identifier("__sgu", quoted=True),
                                   columns=[exp.to_identifier(n, quoted=True) for n in names]))
    sel.set("expressions", [exp.column(n, "__sgu", quoted=True) for n in names])
    return True


def _source_values(sel: exp.Select, st: State, q: object) -> list[list[Value] | None]:
    """Per output of ``sel``: the values it takes, one per inserted row, when they can be named."""
    from .common import traced_values

    out: list[list[Value] | None] = []
    frm = sel.args.get("from_")
    src = frm.this if frm is not None else None
    values_cols: list[str] = []
    if isinstance(src, exp.Values) and isinstance(src.args.get("alias"), exp.TableAlias):
        values_cols = [c.name for c in src.args["alias"].columns]
    unnest_cols: list[str] = []
    if isinstance(src, exp.Unnest) and isinstance(src.args.get("alias"), exp.TableAlias):
        unnest_cols = [c.name for c in src.args["alias"].columns]
    for k, proj in enumerate(sel.expressions):
        p = _strip(proj.this if isinstance(proj, exp.Alias) else proj)
        if isinstance(p, exp.Column) and values_cols and p.name in values_cols and not sel.args.get("joins"):
            j = values_cols.index(p.name)
            rows = []
            for row in src.expressions:
                vals = list(row.expressions) if isinstance(row, exp.Tuple) else [row]
                rows.append(value_of(vals[j], st) if j < len(vals) else Value("expr"))
            out.append(rows)
        elif isinstance(p, exp.Column) and unnest_cols and p.name in unnest_cols and not sel.args.get("joins"):
            arg = _strip(src.expressions[unnest_cols.index(p.name)])
            v = value_of(arg, st)
            if v.kind == "param":
                out.append([Value("param", param=v.param, index=v.index, spread=True)])
            elif v.kind == "null":
                out.append([v])
            else:
                out.append([Value("expr")])
        else:
            v = value_of(p, st)
            if v.kind in ("literal", "null", "param"):
                out.append([v])
            else:
                out.append(traced_values(q, k, st))
    return out


def analyse_insert(stmt: exp.Insert, st: State) -> StatementAnalysis:
    target = stmt.this
    if isinstance(target, exp.Schema):
        table_node = target.this
        listed = list(target.expressions)
    else:
        table_node, listed = target, []
    key = st.relation_key(table_node)
    if listed:
        cols = []
        for ident in listed:
            cols.append(st.target_column(key, ident.name))
            st.accounted.add(id(ident))
    else:
        cols = st.all_columns(key, "INSERT")
    for c in cols:
        st.references.add((key, c))
    writes: list[Write] = []
    filters: set[Pair] = set()
    source = stmt.expression
    inserted: dict[str, list[Value]] = {}
    if isinstance(source, exp.Values):
        rows = source.expressions
        if len(rows) > st.limits.max_value_rows:
            raise SQLLimitError(f"{len(rows)} VALUES rows exceed the limit of {st.limits.max_value_rows}")
        projections: list[exp.Expression] = []
        entries_by_row: list[list[tuple[str, Value, int]]] = []
        for r, row in enumerate(rows):
            vals = list(row.expressions) if isinstance(row, exp.Tuple) else [row]
            if len(vals) != len(cols):
                raise SQLAnalysisError(f"INSERT row {r + 1} has {len(vals)} values for {len(cols)} columns")
            entries = []
            for c, v in zip(cols, vals):
                val = value_of(v, st)
                if val.kind == "expr":
                    projections.append(v)
                    entries.append((c, val, len(projections) - 1))
                else:
                    entries.append((c, val, -1))
                inserted.setdefault(c, []).append(val)
            entries_by_row.append(entries)
        st.mark(source)
        deps: list[frozenset[Pair]] = []
        if projections:  # expressions in VALUES (subqueries, functions over columns)
            q = query(synthetic(projections, [], [], None), st)
            deps = [d for _, d in q.root_outputs()]
            filters |= q.filters
        for r, (row, entries) in enumerate(zip(rows, entries_by_row)):
            vals = list(row.expressions) if isinstance(row, exp.Tuple) else [row]
            for (c, val, pi), v in zip(entries, vals):
                d = deps[pi] if pi >= 0 else frozenset()
                params = frozenset({val.param}) if val.kind == "param" and val.param is not None else param_keys(v, st)
                writes.append(Write(key, c, val, r, d, params=params))
                writes.extend(json_writes(key, c, v, st, r, d))
    elif isinstance(source, exp.Query):
        st.mark(source)
        work = source.copy()
        if isinstance(work, exp.Select):
            _expand_unnest_star(work)
            work = with_ctes(stmt, work)
        q = query(work, st)
        outs = q.root_outputs()
        if len(outs) != len(cols):
            raise SQLAnalysisError(f"INSERT ... SELECT gives {len(outs)} columns for {len(cols)} target columns")
        filters |= q.filters
        values = _source_values(work, st, q) if isinstance(work, exp.Select) else [None] * len(cols)
        projections = list(work.expressions) if isinstance(work, exp.Select) else []
        for i, (c, (_, d), vals) in enumerate(zip(cols, outs, values)):
            if vals is None:
                vals = [Value("expr")]
            direct = param_keys(projections[i], st) if i < len(projections) else frozenset()
            copied = len(d) == 1 and i < len(projections) and _plain_column(projections[i])
            for r, val in enumerate(vals):
                params = frozenset({val.param}) if val.kind == "param" and val.param is not None else direct
                writes.append(Write(key, c, val, r, d, params=params, copied=copied and val.kind == "expr"))
                inserted.setdefault(c, []).append(val)
            # keys a selected JSON document puts into the column (jsonb_set, ||, builders …)
            proj = projections[i] if i < len(projections) else None
            if proj is None and json_column(key, c, st):
                proj = exp.Anonymous(this="jsonb_object", expressions=[])  # a set operation: keys unknown
            writes.extend(json_writes(key, c, proj, st, 0, d))
    elif source is None:
        pass  # DEFAULT VALUES
    else:
        raise SQLAnalysisError(f"unsupported INSERT source `{type(source).__name__}`")
    if stmt.args.get("with_") is not None:
        st.mark(stmt.args["with_"])
        if not isinstance(source, exp.Query):  # CTEs beside VALUES: their predicates still count
            filters |= query(with_ctes(stmt, synthetic([], [], [], None)), st).filters
    targets: set[str] = set()
    conflict = stmt.args.get("conflict")
    if conflict is not None:
        w2, f2, updates = _on_conflict(conflict, st, key, table_node, inserted)
        writes.extend(w2)
        filters |= f2
        if updates:
            targets.add(key)
    if stmt.args.get("where") is not None:
        raise SQLAnalysisError("INSERT ... WHERE is not supported")
    outs2 = returning(stmt, st, [table_node], [])
    return StatementAnalysis("insert", writes=tuple(writes), reads=reads_of(outs2), filters=frozenset(filters),
                             outputs=outs2, targets=frozenset(targets))


def _on_conflict(conflict: exp.OnConflict, st: State, key: str, table_node: exp.Table,
                 inserted: dict[str, list[Value]]) -> tuple[list[Write], set[Pair], bool]:
    filters: set[Pair] = set()
    for k in conflict.args.get("conflict_keys") or ():
        for c in ([k] if isinstance(k, (exp.Column, exp.Identifier)) else list(k.find_all(exp.Column))):
            name = st.target_column(key, c.name)
            filters.add((key, name))
            st.references.add((key, name))
            st.accounted.add(id(c))
        for c in k.find_all(exp.Column):
            st.accounted.add(id(c))
    constraint = conflict.args.get("constraint")
    if constraint is not None:
        st.mark(constraint)
    eqs = list(conflict.expressions or ())
    where = conflict.args.get("where")
    if not eqs and where is None:
        return [], filters, False
    aliases = table_aliases(table_node, key)
    assigns, rhs = assignments(eqs, st, key, aliases)
    excluded = exp.Table(this=table_node.this.copy(), alias=exp.TableAlias(this=exp.to_identifier("excluded", quoted=True)))
    st.mark(where, *rhs)
    q = query(synthetic(rhs, [table_node, excluded], [], where.this if where is not None else None), st)
    deps = [d for _, d in q.root_outputs()]
    filters |= q.filters
    writes: list[Write] = []
    for t, c, v, i in assigns:
        val = Value("expr") if v is None else value_of(v, st)
        ref = v
        while isinstance(ref, (exp.Cast, exp.Paren)):
            ref = ref.this
        # SET x = excluded.x / VALUES(x): the value being inserted
        if isinstance(ref, exp.Column) and ref.table == "excluded" and ref.name in inserted:
            for r, iv in enumerate(inserted[ref.name]):
                writes.append(Write(t, c, iv, r, deps[i] if i >= 0 else frozenset(),
                                    params=frozenset({iv.param}) if iv.kind == "param" and iv.param is not None
                                    else frozenset()))
            continue
        if isinstance(ref, exp.Anonymous) and str(ref.this).upper() == "VALUES" and len(ref.expressions) == 1:
            n = ref.expressions[0].name
            if n in inserted:
                for r, iv in enumerate(inserted[n]):
                    writes.append(Write(t, c, iv, r, deps[i] if i >= 0 else frozenset()))
                continue
        writes.append(Write(t, c, val, 0, deps[i] if i >= 0 else frozenset(), params=param_keys(v, st)))
    return writes, filters, bool(eqs)


__all__ = ["analyse_insert"]


def _plain_column(node: exp.Expression) -> bool:
    """A projection that passes one column's stored value on unchanged (casts, parentheses and an
    alias aside): ``statute``, ``c.statute AS statute``, ``CAST(statute AS TEXT)``."""
    e = node.this if isinstance(node, exp.Alias) else node
    while isinstance(e, (exp.Cast, exp.TryCast, exp.Paren)):
        e = e.this
    return isinstance(e, exp.Column) and not isinstance(e.this, exp.Star)
