"""Pass: writable CTEs, then the analysis of the statement's own kind."""

from __future__ import annotations

from sqlglot import exp

from .common import strip_joins, synthetic
from .copy import analyse_copy
from .ddl import analyse_alter, analyse_create, analyse_drop, analyse_truncate
from .insert import analyse_insert
from .merge import analyse_merge
from .model import StatementAnalysis
from .select import analyse_select
from .state import State
from .update import analyse_delete, analyse_update

DML = (exp.Insert, exp.Update, exp.Delete, exp.Merge)


def _kind(stmt: exp.Expression, st: State) -> StatementAnalysis:
    if isinstance(stmt, exp.Query):
        return analyse_select(stmt, st)
    if isinstance(stmt, exp.Insert):
        return analyse_insert(stmt, st)
    if isinstance(stmt, exp.Update):
        return analyse_update(stmt, st)
    if isinstance(stmt, exp.Delete):
        return analyse_delete(stmt, st)
    if isinstance(stmt, exp.Merge):
        return analyse_merge(stmt, st)
    if isinstance(stmt, exp.Copy):
        return analyse_copy(stmt, st)
    if isinstance(stmt, exp.Create):
        return analyse_create(stmt, st)
    if isinstance(stmt, exp.Alter):
        return analyse_alter(stmt, st)
    if isinstance(stmt, exp.Drop):
        return analyse_drop(stmt, st)
    if isinstance(stmt, exp.TruncateTable):
        return analyse_truncate(stmt, st)
    st.mark(stmt)  # transaction control, SET (checked), PRAGMA, DESCRIBE
    return StatementAnalysis(type(stmt).__name__.lower())


def _returning_select(dml: exp.Expression) -> exp.Select:
    """A SELECT with the lineage of a data-modifying CTE's RETURNING list (no RETURNING: no rows)."""
    ret = dml.args.get("returning")
    target = dml.this.this if isinstance(dml, exp.Insert) and isinstance(dml.this, exp.Schema) else dml.this
    sources: list[exp.Expression] = [strip_joins(target)]
    joins = list(target.args.get("joins") or ()) if isinstance(target, exp.Table) else []
    if isinstance(dml, exp.Update) and dml.args.get("from_") is not None:
        sources.append(strip_joins(dml.args["from_"].this))
        joins += list(dml.args["from_"].this.args.get("joins") or ())
    if isinstance(dml, exp.Delete):
        sources.extend(dml.args.get("using") or ())
    if isinstance(dml, exp.Merge) and dml.args.get("using") is not None:
        sources.append(dml.args["using"])
    if ret is None:
        sel = exp.Select(expressions=[exp.Null().as_("__sg_no_returning")])
        sel.set("where", exp.Where(this=exp.false()))
        return sel
    return synthetic(list(ret.expressions), sources, joins, None)


def writable_ctes(stmt: exp.Expression, st: State) -> None:
    """``WITH d AS (DELETE … RETURNING …) SELECT … FROM d``: the CTE's statement is analysed on
    its own (its writes and filters count), then stands in the tree as a SELECT with the lineage of
    its RETURNING list, so whatever the outer statement reads from ``d`` is traced to the columns
    RETURNING exposed."""
    for cte in list(stmt.find_all(exp.CTE)):
        body = cte.this
        if isinstance(body, DML):
            st.nested.append(_kind(body, st))
            cte.set("this", _returning_select(body))


def analyse_statement(stmt: exp.Expression, st: State) -> None:
    st.result = _kind(stmt, st)


__all__ = ["analyse_statement", "writable_ctes"]
