"""SELECT (and set operations, VALUES): outputs, filters; ``SELECT … INTO new_table`` also creates a
table whose columns carry the categories of what they were copied from."""

from __future__ import annotations

from sqlglot import exp

from .ddl import create_change, new_relation_key
from .model import Output, StatementAnalysis, Value, Write
from .resolve import query, union
from .state import State


def analyse_select(stmt: exp.Expression, st: State) -> StatementAnalysis:
    st.mark(stmt)
    work = stmt.copy()
    into = work.args.get("into") if isinstance(work, exp.Select) else None
    if into is not None:
        work.set("into", None)
    q = query(work, st)
    outs = tuple(Output(n, d) for n, d in q.root_outputs())
    reads = union(o.sources for o in outs)
    if into is not None and isinstance(into.this, exp.Table):
        temporary = bool(into.args.get("temporary")) or bool(into.args.get("unlogged") and False)
        key = new_relation_key(st, into.this, temporary)
        names = [o.name for o in outs]
        change = create_change(st, key, names, [o.sources for o in outs], temporary)
        writes = tuple(Write(key, n, Value("expr"), 0, o.sources) for n, o in zip(names, outs))
        return StatementAnalysis("select_into", writes=writes, reads=reads, filters=frozenset(q.filters), outputs=(),
                                 adds=tuple((key, n) for n in names), changes=(change,))
    catalog_only = bool(st.catalogs) and not st.references
    return StatementAnalysis("select", reads=reads, filters=frozenset(q.filters), outputs=outs,
                             catalog_only=catalog_only)


__all__ = ["analyse_select"]
