"""COPY: ``COPY t TO`` reads every listed column, ``COPY (query) TO`` reads the query's outputs,
``COPY t FROM`` writes values the inspector cannot see (a stream)."""

from __future__ import annotations

from sqlglot import exp

from ..errors import SQLAnalysisError
from .model import Output, StatementAnalysis, Value, Write
from .resolve import query, union
from .state import State


def analyse_copy(stmt: exp.Copy, st: State) -> StatementAnalysis:
    target = stmt.this
    is_from = bool(stmt.args.get("kind"))
    st.mark(*(stmt.args.get("params") or ()), *(stmt.args.get("files") or ()))
    if isinstance(target, (exp.Subquery, exp.Query)):
        if is_from:
            raise SQLAnalysisError("COPY (query) FROM is not valid")
        st.mark(target)
        q = query((target.this if isinstance(target, exp.Subquery) else target).copy(), st)
        outs = tuple(Output(n, d) for n, d in q.root_outputs())
        return StatementAnalysis("copy_to", reads=union(o.sources for o in outs), filters=frozenset(q.filters),
                                 outputs=outs)
    if isinstance(target, exp.Schema):
        key = st.relation_key(target.this)
        cols = [st.target_column(key, i.name) for i in target.expressions]
        for i in target.expressions:
            st.accounted.add(id(i))
    else:
        key = st.relation_key(target)
        cols = st.all_columns(key, "COPY")
    for c in cols:
        st.references.add((key, c))
    if is_from:
        return StatementAnalysis("copy_from", writes=tuple(Write(key, c, Value("stream")) for c in cols))
    outs = tuple(Output(c, frozenset({(key, c)})) for c in cols)
    return StatementAnalysis("copy_to", reads=frozenset((key, c) for c in cols), outputs=outs)


__all__ = ["analyse_copy"]
