"""Pass: every column node outside an analysed region must have been attributed (fail closed).
sqlglot skips what it cannot scope without an error; this is where such a column is caught."""

from __future__ import annotations

from sqlglot import exp

from ..errors import SQLAnalysisError
from .state import State


def account_columns(stmt: exp.Expression, st: State) -> None:
    for node in stmt.walk(prune=lambda n: id(n) in st.regions):
        if id(node) in st.regions:
            continue
        if isinstance(node, (exp.Column, exp.TableColumn, exp.Star)) and id(node) not in st.accounted:
            where = node.parent.key if node.parent is not None else "statement"
            raise SQLAnalysisError(f"a column reference in `{where}` was not accounted for by the analysis")


__all__ = ["account_columns"]
