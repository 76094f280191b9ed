"""Pass: every function the statement calls and every type it casts to.

Functions that run SQL text, read what a string names, or change settings are refused for
everyone (:data:`..functions.BLOCKED`); the rest are recorded, so the inspector can hold a
restricted requester to the allow-list (:func:`..functions.safe_keys`)."""

from __future__ import annotations

from sqlglot import exp

from ..errors import SQLAnalysisError
from ..functions import BLOCKED, SAFE_SET_CONFIG, function_key, plain_name
from .state import State


def _type_name(dt: exp.Expression) -> str:
    if isinstance(dt, exp.DataType):
        if dt.this == exp.DataType.Type.USERDEFINED:
            return "?" + str(dt.args.get("kind") or "").lower()
        return str(dt.this.value).lower() if hasattr(dt.this, "value") else str(dt.this).lower()
    if isinstance(dt, exp.ObjectIdentifier):
        return str(dt.this).lower()
    return "?"


def inventory_calls(stmt: exp.Expression, st: State) -> None:
    for node in stmt.walk():
        if isinstance(node, (exp.Func, exp.Anonymous)):
            name = plain_name(node)
            if name == "set_config":
                first = node.expressions[0] if isinstance(node, exp.Anonymous) and node.expressions else None
                if isinstance(first, exp.Literal) and first.is_string and first.this.lower() in SAFE_SET_CONFIG:
                    st.functions.add("set_config")
                    continue
                raise SQLAnalysisError("set_config() of a setting that can change how SQL is read or resolved")
            if name in BLOCKED:
                raise SQLAnalysisError(f"function `{name}()` runs SQL or reads data the inspector cannot see")
            key = function_key(node)
            if key is not None:
                st.functions.add(key)
            if isinstance(node, (exp.Cast, exp.TryCast)):
                st.types.add(_type_name(node.args.get("to")))
        if isinstance(node, exp.Copy):
            for f in node.args.get("files") or ():
                if isinstance(f, exp.Identifier) and f.name.upper() == "PROGRAM":
                    raise SQLAnalysisError("COPY ... PROGRAM runs a program on the database server")


__all__ = ["inventory_calls"]
