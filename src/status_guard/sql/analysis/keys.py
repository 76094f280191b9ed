"""Keys inside columns: JSON object keys and key-value questions (item: values by shape).

A JSON column named ``data`` says nothing, but ``data->>'citizenship'`` reads citizenship and
``jsonb_set(data, '{citizenship}', …)`` stores it. This module names the key of

* a JSON *access* (``->``, ``->>``, ``#>``, ``#>>``, ``data['k']``, ``?``, ``@>``, ``json_extract``,
  ``jsonb_extract_path[_text]``) — recorded by the resolver as a :class:`KeyedUse`;
* a JSON *write* (``jsonb_set``/``jsonb_insert`` paths, ``||`` with an object literal,
  ``jsonb_build_object``/``json_object`` keys, an object literal) — extra :class:`Write` entries
  with a ``key``; a bound parameter holding an object is read by the inspector at decide time;

and, as a pass, the **pins** of a statement: ``column = value`` conjuncts of its WHERE, which
name the question of a key-value table (``answers(question, answer)``).
"""

from __future__ import annotations

import json

from sqlglot import exp

from .model import Pair, Pin, Value, Write
from .state import State

_ACCESS = (exp.JSONExtract, exp.JSONExtractScalar, exp.JSONBExtract, exp.JSONBExtractScalar)
_PATH_FUNCS = frozenset({"jsonb_extract_path", "jsonb_extract_path_text", "json_extract_path",
                         "json_extract_path_text"})


def _path_text(node: exp.Expression) -> str | None:
    if isinstance(node, exp.JSONPath):
        keys = [str(p.this) for p in node.expressions if isinstance(p, exp.JSONPathKey)]
        return ".".join(keys) if keys else None
    if isinstance(node, exp.Literal) and node.is_string:
        t = str(node.this).strip()
        if t.startswith("{") and t.endswith("}"):
            return ".".join(p.strip().strip('"') for p in t[1:-1].split(",") if p.strip())
        if t.startswith("$"):
            return ".".join(p.strip('"') for p in t.lstrip("$").strip(".").split(".") if p)
        return t
    if isinstance(node, exp.Array):
        parts = [str(e.this) for e in node.expressions if isinstance(e, exp.Literal)]
        return ".".join(parts) if len(parts) == len(node.expressions) else None
    return None


def _key_value(node: exp.Expression | None, st: State) -> Value | None:
    from .common import value_of

    if node is None:
        return None
    inner = node
    while isinstance(inner, (exp.Cast, exp.Paren)):
        inner = inner.this
    text = _path_text(inner)
    if text is not None:
        return Value("literal", text)
    v = value_of(inner, st)
    return v if v.kind == "param" else None


def json_key(col: exp.Column, st: State) -> Value | None:
    """The key a JSON access reads from column ``col`` (innermost first, joined by dots)."""
    parts: list[str] = []
    node: exp.Expression = col
    param: Value | None = None
    while True:
        parent = node.parent
        while isinstance(parent, (exp.Cast, exp.Paren)) and parent.this is node:
            node, parent = parent, parent.parent
        if isinstance(parent, _ACCESS) and parent.this is node:
            k = _key_value(parent.expression, st)
        elif isinstance(parent, exp.Bracket) and parent.this is node and len(parent.expressions) == 1:
            k = _key_value(parent.expressions[0], st)
        elif isinstance(parent, (exp.JSONBContainsTopKey, exp.JSONBContainsAnyTopKeys,
                                 exp.JSONBContainsAllTopKeys)) and parent.this is node:
            k = _key_value(parent.expression, st)
            if k is not None and k.kind == "literal":
                parts.append(k.text or "")
            return Value("literal", ".".join(parts)) if parts else k
        elif isinstance(parent, exp.ArrayContainsAll) and parent.this is node:
            keys = _object_keys(parent.expression)
            if keys:
                parts.append(",".join(keys))
            break
        elif isinstance(parent, exp.Anonymous) and str(parent.this).lower() in _PATH_FUNCS and \
                parent.expressions and parent.expressions[0] is node:
            rest = [_key_value(e, st) for e in parent.expressions[1:]]
            lits = [r.text for r in rest if r is not None and r.kind == "literal"]
            if len(lits) == len(rest):
                parts.extend(lits)  # type: ignore[arg-type]
            elif rest and rest[0] is not None and rest[0].kind == "param" and not parts:
                return rest[0]
            break
        else:
            break
        if k is None:
            break
        if k.kind == "param":
            if parts:
                break
            param = k
            break
        parts.append(k.text or "")
        node = parent
    if parts:
        return Value("literal", ".".join(p for p in parts if p))
    return param


def _object_keys(node: exp.Expression | None) -> list[str]:
    inner = node
    while isinstance(inner, (exp.Cast, exp.Paren)):
        inner = inner.this
    if isinstance(inner, exp.Literal) and inner.is_string:
        try:
            doc = json.loads(str(inner.this))
        except ValueError:
            return []
        return _flatten_keys(doc)
    return []


def _flatten_keys(doc: object, prefix: str = "") -> list[str]:
    out: list[str] = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            path = f"{prefix}.{k}" if prefix else str(k)
            out.append(path)
            out.extend(_flatten_keys(v, path))
    elif isinstance(doc, list):
        for v in doc:
            out.extend(_flatten_keys(v, prefix))
    return out


_SET_FUNCS = frozenset({"jsonb_set", "jsonb_insert", "jsonb_set_lax", "json_set", "json_insert", "json_replace"})
_BUILD_FUNCS = frozenset({"jsonb_build_object", "json_build_object", "json_object"})
_JSON_TYPES = ("json", "jsonb")


def _json_typed(table: str, column: str, st: State) -> bool | None:
    rel = st._by_key(table)
    if rel is None:
        return None
    col = rel.column(column, st.dialect)
    if col is None or not col.type:
        return None
    return "json" in col.type.lower()


def json_column(table: str, column: str, st: State) -> bool:
    return bool(_json_typed(table, column, st))


def _is_jsonish(node: exp.Expression) -> bool:
    """A node that makes a JSON document (whose keys it decides)."""
    if isinstance(node, exp.Cast):
        return str(node.to.this).lower() in _JSON_TYPES or node.to.sql().lower() in _JSON_TYPES
    name = _func_name(node)
    return name.startswith(("json", "to_json", "row_to_json", "array_to_json")) or "json" in type(node).__name__.lower()


def _func_name(node: exp.Expression) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.this).lower()
    if isinstance(node, exp.Func):
        return str(node.sql_name()).lower()
    return ""


def opaque_json(expr: exp.Expression) -> bool:
    """Whether a value written to a JSON column may hold object keys the analysis cannot name:
    a document made by anything but the shapes :func:`json_writes` reads (a literal, a parameter,
    the column itself, ``jsonb_set``-style paths with literal keys, ``*_build_object`` with literal
    keys, ``||`` of those, key deletion) — ``jsonb_object(ARRAY['citizenship', …])``,
    ``to_jsonb(row)``, ``replace(data::text, …)::jsonb``, ``jsonb_object_agg``…"""
    e = expr.this if isinstance(expr, exp.Alias) else expr
    while isinstance(e, exp.Paren):
        e = e.this
    if isinstance(e, exp.Cast):
        inner = e.this
        while isinstance(inner, (exp.Paren, exp.Cast)):
            if isinstance(inner, exp.Cast) and not _is_jsonish(inner):
                return _is_jsonish(e) and not isinstance(inner.this, (exp.Literal, exp.Placeholder, exp.Null))
            inner = inner.this
        if isinstance(inner, (exp.Literal, exp.Placeholder, exp.Null, exp.Column)):
            return False
        return opaque_json(inner) if _is_jsonish(inner) or isinstance(inner, (exp.DPipe, exp.Case, exp.Coalesce)) \
            else _is_jsonish(e)
    if isinstance(e, (exp.Literal, exp.Placeholder, exp.Null, exp.Column, exp.Boolean)):
        return False
    if isinstance(e, exp.Subquery):
        return True  # a document selected from elsewhere
    name = _func_name(e)
    if name in _SET_FUNCS or type(e).__name__ in ("JSONSet", "JSONInsert", "JSONReplace"):
        args = list(e.expressions) if type(e).__name__ in ("JSONSet", "JSONInsert", "JSONReplace") else list(e.expressions)
        doc = e.this if type(e).__name__ in ("JSONSet", "JSONInsert", "JSONReplace") else (args[0] if args else None)
        vals = args[1::2] if type(e).__name__ in ("JSONSet", "JSONInsert", "JSONReplace") else args[2:3]
        return (doc is not None and opaque_json(doc)) or any(_is_jsonish(v) and opaque_json(v) for v in vals)
    if name in _BUILD_FUNCS:
        return any(_is_jsonish(v) and opaque_json(v) for v in e.expressions[1::2])
    if isinstance(e, exp.Case):  # the results, not the conditions
        results = [i.args.get("true") for i in e.args.get("ifs") or ()] + [e.args.get("default")]
        return any(opaque_json(r) for r in results if isinstance(r, exp.Expression))
    if isinstance(e, exp.Nullif):
        return opaque_json(e.this)
    if name in ("jsonb_build_array", "json_build_array"):
        return any(_is_jsonish(v) and opaque_json(v) for v in e.expressions)
    if isinstance(e, (exp.DPipe, exp.Coalesce)) or name in ("jsonb_strip_nulls", "json_strip_nulls"):
        return any(opaque_json(c) for c in e.iter_expressions() if not isinstance(c, exp.DataType))
    if isinstance(e, (exp.Sub, exp.JSONBDeleteAtPath)) if hasattr(exp, "JSONBDeleteAtPath") else isinstance(e, exp.Sub):
        return opaque_json(e.this)  # removing keys adds none
    return True


def json_writes(table: str, column: str, expr: exp.Expression | None, st: State, row: int,
                sources: frozenset[Pair]) -> list[Write]:
    """Keys a written JSON expression puts into ``table.column`` (each with its value). A JSON
    column given a document whose keys cannot be named (:func:`opaque_json`) gets a write whose
    key is unknown: refused as undeterminable (fail closed)."""
    from .common import value_of

    out: list[Write] = []
    if expr is None:
        return out
    typed = _json_typed(table, column, st)
    if (typed or (typed is None and any(_is_jsonish(n) for n in expr.walk()))) and opaque_json(expr):
        out.append(Write(table, column, Value("expr"), row, sources, Value("expr")))
    for node in expr.walk():
        if isinstance(node, exp.Anonymous):
            name = str(node.this).lower()
            args = node.expressions
            if name in ("jsonb_set", "jsonb_insert", "jsonb_set_lax", "json_set", "json_insert", "json_replace") \
                    and len(args) >= 3:
                key = _key_value(args[1], st)
                out.append(Write(table, column, value_of(args[2], st), row, sources, key or Value("expr")))
                for k in _object_keys(args[2]):
                    out.append(Write(table, column, Value("expr"), row, sources, Value("literal", f"{(key.text if key and key.kind == 'literal' else '')}.{k}".strip("."))))
            elif name in ("jsonb_build_object", "json_build_object", "json_object") and len(args) % 2 == 0:
                for i in range(0, len(args), 2):
                    key = _key_value(args[i], st)
                    out.append(Write(table, column, value_of(args[i + 1], st), row, sources, key or Value("expr")))
        elif type(node).__name__ in ("JSONSet", "JSONInsert", "JSONReplace"):  # SQLite / MySQL json_set(doc, path, value, ...)
            args = list(node.expressions)
            for i in range(0, len(args) - 1, 2):
                key = _key_value(args[i], st)
                out.append(Write(table, column, value_of(args[i + 1], st), row, sources, key or Value("expr")))
        elif isinstance(node, exp.Literal) and node.is_string:
            for k in _object_keys(node):
                out.append(Write(table, column, Value("expr"), row, sources, Value("literal", k)))
    return out


def keyed_uses(stmt: exp.Expression, st: State) -> None:
    """Pass: the WHERE pins of a statement over one relation (UPDATE/DELETE/SELECT)."""
    if isinstance(stmt, (exp.Update, exp.Delete)):
        table = stmt.this
    elif isinstance(stmt, exp.Select) and stmt.args.get("from_") is not None and not stmt.args.get("joins"):
        table = stmt.args["from_"].this
    else:
        return
    rel = st.relation_of(table) if isinstance(table, exp.Table) else None
    where = stmt.args.get("where")
    if rel is None or where is None:
        return
    names = {table.alias_or_name, table.name}
    conj = list(where.this.flatten()) if isinstance(where.this, exp.And) else [where.this]
    from .common import value_of

    for c in conj:
        if not isinstance(c, exp.EQ):
            continue
        for col, val in ((c.this, c.expression), (c.expression, c.this)):
            if isinstance(col, exp.Column) and (not col.table or col.table in names):
                stored = rel.column(col.name, st.dialect)
                v = value_of(val, st)
                if stored is not None and v.kind in ("literal", "param"):
                    st.pins.append(Pin(rel.key, stored.name, v))


__all__ = ["json_column", "json_key", "json_writes", "keyed_uses", "opaque_json"]
