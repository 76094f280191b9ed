"""Pass: every table name in the statement resolves to one relation, exactly as the database
resolves it (:meth:`..schema.SchemaMap.resolve`: the session's temporary tables first, then
``pg_catalog``, then the ``search_path``; ``main``/``temp``; ``dbo``), and is rewritten to a
synthetic name so later passes cannot confuse two relations that share a name."""

from __future__ import annotations

from sqlglot import exp

from ..errors import SQLAnalysisError
from .state import State


def _parts(t: exp.Table) -> list[str]:
    return [p for p in (t.catalog, t.db, t.name) if p]


def _skipped(stmt: exp.Expression) -> set[int]:
    """Table nodes that name a relation the statement creates or may drop (not resolved)."""
    skip: set[int] = set()
    if isinstance(stmt, exp.Create):
        target = stmt.this
        kind = str(stmt.args.get("kind") or "").upper()
        if kind != "INDEX":
            t = target.this if isinstance(target, exp.Schema) else target
            if isinstance(t, exp.Table):
                skip.add(id(t))
        elif isinstance(target, exp.Index):
            pass
    if isinstance(stmt, (exp.Drop, exp.TruncateTable)):
        for t in stmt.find_all(exp.Table):
            skip.add(id(t))
    if isinstance(stmt, exp.Alter):
        for a in stmt.args.get("actions") or ():
            if isinstance(a, exp.AlterRename):
                for t in a.find_all(exp.Table):
                    skip.add(id(t))
    if isinstance(stmt, exp.Update) and stmt.args.get("from_") is not None and isinstance(stmt.this, exp.Table) \
            and not stmt.this.db and not stmt.this.alias:
        # T-SQL: UPDATE alias SET ... FROM students alias: the target names a FROM alias
        frm = stmt.args["from_"].this
        names = {t.alias for t in [frm, *(j.this for j in frm.args.get("joins") or ()),
                                   *(j.this for j in stmt.args.get("joins") or ())] if isinstance(t, exp.Table)}
        if stmt.this.name in names:
            skip.add(id(stmt.this))
    for node in stmt.find_all(exp.Opclass, exp.Reference):
        # an operator class (``name varchar_pattern_ops``) and a foreign key's target name no column
        # the statement reads; the target of REFERENCES may not even exist yet in a migration
        for t in node.find_all(exp.Table):
            skip.add(id(t))
    if isinstance(stmt, exp.Select) and stmt.args.get("into") is not None:
        for t in stmt.args["into"].find_all(exp.Table):
            skip.add(id(t))
    return skip


def resolve_relations(stmt: exp.Expression, st: State) -> None:
    if st.schema is None:
        return
    skip = _skipped(stmt)
    for t in list(stmt.find_all(exp.Table)):
        if id(t) in skip or not isinstance(t.this, exp.Identifier):
            continue  # created here, or a table function (its columns still have to resolve)
        parts = _parts(t)
        if len(parts) == 1 and parts[0] in st.cte_names:
            continue
        rel = st.schema.resolve(parts, st.dialect, st.temp)
        if rel is None:
            raise SQLAnalysisError(f"table `{'.'.join(parts)}` is not in the schema")
        name = st.synthetic(rel)
        if not t.alias:
            t.set("alias", exp.TableAlias(this=exp.to_identifier(parts[-1], quoted=True)))
        t.set("this", exp.to_identifier(name, quoted=True))
        t.set("db", None)
        t.set("catalog", None)


__all__ = ["resolve_relations"]
