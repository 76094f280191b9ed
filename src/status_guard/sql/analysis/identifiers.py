"""Pass: every identifier becomes the name the database resolves it to.

PostgreSQL folds unquoted identifiers to lower case and truncates every identifier to 63 bytes;
SQLite compares names case-insensitively; Oracle folds to upper case (:mod:`..names`). After this
pass each identifier holds its lookup key and is marked quoted, so nothing downstream (sqlglot's
qualifier included) folds it again."""

from __future__ import annotations

from sqlglot import exp

from .state import State


def normalize_identifiers(stmt: exp.Expression, st: State) -> None:
    nm = st.naming
    for node in stmt.walk():
        if not isinstance(node, exp.Identifier):
            continue
        if isinstance(node.parent, (exp.Placeholder, exp.Parameter)):
            continue
        node.set("this", nm.ident(str(node.this), bool(node.args.get("quoted"))))
        node.set("quoted", True)
    st.cte_names = {c.alias_or_name for c in stmt.find_all(exp.CTE)}


__all__ = ["normalize_identifiers"]
