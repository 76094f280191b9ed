"""Pass: each placeholder node learns which bound parameter the driver gives it.

The driver's numbering was worked out on the text (:mod:`..paramstyles`: psycopg counts every
``%s`` in text order, sqlite3 numbers ``?``/``?NNN``/``:name``), so every placeholder node of the
parsed statement is a canonical ``$n`` / ``:__sgpN`` whose slot says which parameter it binds.
This pass rewrites them into ``Placeholder(__sgk<slot>)`` nodes that survive the copies later
passes make. A placeholder the driver would not substitute (``%s`` sent without parameters) means
the server reads something the parser did not: refused."""

from __future__ import annotations

from sqlglot import exp

from ..errors import SQLAnalysisError
from ..paramstyles import CANONICAL_PREFIX
from .model import Value
from .state import State

SLOT = "__sgk"


def _slot(node: exp.Expression, st: State) -> int | None:
    if isinstance(node, exp.Parameter) and st.dialect == "postgres":
        inner = node.this
        if isinstance(inner, exp.Literal) and not inner.is_string and str(inner.this).isdigit():
            return int(inner.this) - 1
        return None
    if isinstance(node, exp.Placeholder):
        name = node.name if node.this is not None else ""
        if name.startswith(CANONICAL_PREFIX) and name[len(CANONICAL_PREFIX):].isdigit():
            return int(name[len(CANONICAL_PREFIX):])
    return None


def bind_placeholders(stmt: exp.Expression, st: State) -> None:
    for node in list(stmt.find_all(exp.Placeholder, exp.Parameter)):
        if isinstance(node, exp.Parameter) and st.dialect != "postgres":
            continue  # T-SQL @variables, MySQL @user vars: not parameters of the driver
        slot = _slot(node, st)
        if slot is None:
            if isinstance(node, exp.Parameter):
                continue
            raise SQLAnalysisError("a placeholder the driver does not substitute would reach the database as text")
        st.params.key(slot)  # raises when no parameter corresponds
        node.replace(exp.Placeholder(this=f"{SLOT}{slot}"))


def slot_value(node: exp.Placeholder, st: State) -> Value | None:
    name = str(node.this or "")
    if not name.startswith(SLOT):
        return None
    key = st.params.key(int(name[len(SLOT):]))
    return Value("param", param=key.display, index=key.index)


__all__ = ["SLOT", "bind_placeholders", "slot_value"]
