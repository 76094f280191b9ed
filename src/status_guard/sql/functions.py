"""Which functions a statement may call.

A function is opaque to the inspector: ``query_to_xml('select …')`` runs SQL held in a string,
``table_to_xml('students', …)`` reads a table named in a string, ``pg_stat_get_activity(NULL)``
returns other sessions' SQL text (with their literals), a user-defined function may read any
relation. So:

* **everyone**: :data:`BLOCKED` — functions that run SQL text, read relations or files named in a
  string, return other sessions' SQL, or change how SQL is read — is refused (fail closed);
* **restricted requesters** (federal, ICE, unknown): only :data:`SAFE` functions — built-ins
  known to compute from their arguments alone — may be called, and casts only to built-in types.
  Anything else (a user-defined function, a function qualified with a schema other than
  ``pg_catalog``) is refused for them.

A call is named by :func:`function_key`: sqlglot's class name for functions it models (``Lower``,
``Count``, ``JSONBExtract``), the lower-case name for others (``btrim``), ``schema.name`` when
qualified (``pg_catalog.`` is dropped: it *is* the built-in).
"""

from __future__ import annotations

from functools import lru_cache

import sqlglot
from sqlglot import exp

# Run SQL held in a string, read relations/files/large objects named in a string, return other
# sessions' SQL text, or change settings: never analysable.
BLOCKED = frozenset(
    {
        "query_to_xml", "query_to_xml_and_xmlschema", "query_to_xmlschema", "cursor_to_xml", "cursor_to_xmlschema",
        "table_to_xml", "table_to_xml_and_xmlschema", "table_to_xmlschema", "schema_to_xml",
        "schema_to_xml_and_xmlschema", "schema_to_xmlschema", "database_to_xml", "database_to_xml_and_xmlschema",
        "database_to_xmlschema", "ts_stat", "ts_rewrite", "dblink", "dblink_exec", "dblink_open", "dblink_fetch",
        "dblink_send_query", "dblink_get_result", "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_ls_logdir",
        "pg_ls_waldir", "pg_ls_tmpdir", "pg_ls_archive_statusdir", "pg_stat_file", "pg_file_write", "lo_import",
        "lo_export", "lo_get", "lo_put", "lo_open", "loread", "lo_from_bytea", "pg_stat_get_activity",
        "pg_stat_get_backend_activity", "pg_stat_statements", "pg_prepared_statement", "pg_cursor",
        "pg_reload_conf", "pg_terminate_backend", "pg_cancel_backend", "load_extension", "load_file", "openrowset",
        "opendatasource", "openquery", "sp_executesql", "exec", "execute", "eval", "xp_cmdshell", "sys_exec",
        "dbms_sql", "execute_immediate", "json_populate_recordset_sql", "current_setting_set", "readfile",
        "writefile", "edit", "fts3_tokenizer", "pg_logical_emit_message", "pg_notify",
    }
)
SAFE_SET_CONFIG = frozenset({"timezone", "application_name", "statement_timeout", "lock_timeout", "datestyle"})

# Built-ins that compute from their arguments alone (PostgreSQL, SQLite, MySQL spellings). Each is
# mapped to the key sqlglot's parser gives it, so the allow-list reads in SQL names.
SAFE_NAMES = (
    # aggregates and window functions
    "count", "sum", "avg", "min", "max", "bool_and", "bool_or", "every", "array_agg", "string_agg", "json_agg",
    "jsonb_agg", "json_object_agg", "jsonb_object_agg", "stddev", "stddev_pop", "stddev_samp", "variance",
    "var_pop", "var_samp", "bit_and", "bit_or", "group_concat", "total", "row_number", "rank", "dense_rank",
    "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value", "last_value", "nth_value",
    # numbers
    "abs", "ceil", "ceiling", "floor", "round", "trunc", "mod", "power", "pow", "sqrt", "cbrt", "exp", "ln", "log",
    "log10", "sign", "pi", "degrees", "radians", "div", "width_bucket", "gcd", "lcm", "random",
    # text
    "lower", "upper", "initcap", "length", "char_length", "character_length", "octet_length", "bit_length",
    "substr", "substring", "strpos", "instr", "btrim", "ltrim", "rtrim", "lpad", "rpad", "replace", "translate",
    "concat", "concat_ws", "left", "right", "repeat", "reverse", "split_part", "starts_with", "md5", "sha256",
    "encode", "decode", "to_hex", "ascii", "chr", "regexp_replace", "regexp_match", "regexp_matches",
    "regexp_split_to_array", "regexp_split_to_table", "string_to_array", "array_to_string", "to_char",
    "to_number", "to_date", "to_timestamp", "quote_ident", "quote_literal", "quote_nullable", "format", "printf",
    "hex", "unicode", "char", "trim",
    # date and time
    "now", "date_trunc", "date_part", "age", "make_date", "make_interval", "make_timestamp", "make_timestamptz",
    "clock_timestamp", "statement_timestamp", "transaction_timestamp", "timezone", "justify_days",
    "justify_hours", "justify_interval", "date_bin", "isfinite", "strftime", "datetime", "date", "time",
    "julianday", "unixepoch", "date_format", "date_add", "date_sub", "datediff",
    # conditionals and types
    "coalesce", "nullif", "greatest", "least", "ifnull", "iif", "if", "nvl", "typeof", "pg_typeof",
    "num_nulls", "num_nonnulls", "gen_random_uuid", "likely", "unlikely", "row", "all", "any",
    # arrays
    "array_length", "array_append", "array_prepend", "array_cat", "array_position", "array_positions",
    "array_remove", "array_replace", "cardinality", "array_lower", "array_upper", "array_dims", "array_fill",
    "unnest", "generate_series", "generate_subscripts",
    # JSON
    "json_build_object", "jsonb_build_object", "json_build_array", "jsonb_build_array", "to_json", "to_jsonb",
    "row_to_json", "array_to_json", "json_extract_path", "jsonb_extract_path", "json_extract_path_text",
    "jsonb_extract_path_text", "jsonb_set", "jsonb_set_lax", "jsonb_insert", "jsonb_strip_nulls",
    "json_strip_nulls", "jsonb_pretty", "json_typeof", "jsonb_typeof", "json_array_length",
    "jsonb_array_length", "json_object_keys", "jsonb_object_keys", "json_each", "jsonb_each", "json_each_text",
    "jsonb_each_text", "json_array_elements", "jsonb_array_elements", "json_array_elements_text",
    "jsonb_array_elements_text", "jsonb_path_query", "jsonb_path_exists", "jsonb_path_match",
    "json_to_record", "jsonb_to_record", "json_to_recordset", "jsonb_to_recordset", "json_extract",
    "json_object", "json_array", "json_quote", "json_valid", "json_type", "json_unquote", "json_tree",
    "json_group_array", "json_group_object",
    # catalog metadata (what ORMs and migrate introspect): names, types, definitions — no data
    "obj_description", "col_description", "shobj_description", "format_type", "pg_get_constraintdef",
    "pg_get_indexdef", "pg_get_expr", "pg_get_serial_sequence", "pg_get_userbyid", "pg_get_viewdef",
    "pg_get_triggerdef", "pg_get_functiondef", "pg_table_is_visible", "pg_type_is_visible", "current_schema",
    "current_schemas", "current_database", "current_user", "session_user", "to_regclass", "to_regtype",
    "has_table_privilege", "has_column_privilege", "has_schema_privilege", "pg_relation_size",
    "pg_total_relation_size", "version", "pg_backend_pid", "txid_current", "pg_try_advisory_lock",
    "pg_advisory_unlock", "pg_advisory_lock", "pg_advisory_xact_lock", "nextval", "currval", "setval",
    # the rest of the advisory-lock family (ORMs, migration tools, job queues): locks on numbers,
    # they read no relation
    "pg_advisory_lock_shared", "pg_advisory_unlock_shared", "pg_advisory_unlock_all",
    "pg_advisory_xact_lock_shared", "pg_try_advisory_lock_shared", "pg_try_advisory_xact_lock",
    "pg_try_advisory_xact_lock_shared", "lastval",
    "string_agg", "sqlite_version", "last_insert_rowid", "changes",
)
# Sample calls for functions that need particular syntax to parse.
_SAMPLES = {
    "trim": ["trim(x)", "trim(both 'a' from x)"],
    "substring": ["substring(x from 1 for 2)", "substring(x, 1, 2)"],
    "position": ["position('a' in x)"],
    "extract": ["extract(year from x)"],
    "count": ["count(*)", "count(x)", "count(distinct x)"],
    "now": ["now()", "current_timestamp", "current_date", "current_time", "localtimestamp", "localtime"],
    "if": ["if(x, 1, 2)"],
}
# Expressions sqlglot models as function nodes but that are syntax, not calls.
_SYNTAX = (
    "Cast", "TryCast", "Case", "If", "Exists", "Paren", "Extract", "Interval", "CurrentDate", "CurrentTime",
    "CurrentTimestamp", "CurrentUser", "Array", "ArrayAgg", "Struct", "JSONExtract", "JSONExtractScalar",
    "JSONBExtract", "JSONBExtractScalar", "JSONBContains", "JSONBContainsAnyTopKeys", "JSONBContainsAllTopKeys",
    "JSONBContainsTopKey", "JSONBDeleteAtPath", "JSONBExists", "JSONPathKey", "ArrayContains", "ArrayContainsAll",
    "ArrayOverlaps", "StarMap", "VarMap", "Unnest", "GenerateSeries", "ExplodingGenerateSeries", "Collate",
    "And", "Or", "Xor", "RegexpLike", "RegexpILike", "Pow",
    "Bracket", "Coalesce", "Nullif", "Greatest", "Least", "Window", "Filter", "Distinct",
)


def function_key(node: exp.Expression) -> str | None:
    """The allow-list key of a call node, or None when the node is not a call."""
    if isinstance(node, exp.Anonymous):
        name = str(node.this).lower()
        parent = node.parent
        if isinstance(parent, exp.Dot) and parent.expression is node:
            qual = parent.this.sql().lower().replace('"', "") if parent.this is not None else ""
            return name if qual == "pg_catalog" else f"{qual}.{name}"
        return name
    if isinstance(node, exp.Func):
        key = type(node).__name__
        parent = node.parent
        if isinstance(parent, exp.Dot) and parent.expression is node:
            qual = parent.this.sql().lower().replace('"', "") if parent.this is not None else ""
            if qual != "pg_catalog":
                return f"{qual}.{str(node.sql_name()).lower()}"
        return key
    return None


def plain_name(node: exp.Expression) -> str:
    """The lower-case SQL name of a call, for the block-list and messages."""
    if isinstance(node, exp.Anonymous):
        return str(node.this).lower()
    if isinstance(node, exp.Func):
        return str(node.sql_name()).lower()
    return ""


@lru_cache(maxsize=1)
def safe_keys() -> frozenset[str]:
    """:data:`SAFE_NAMES` as the keys sqlglot gives them (built once, on first use)."""
    keys: set[str] = set(_SYNTAX) | set(SAFE_NAMES)  # plain names: calls sqlglot does not model, pg_catalog.f()
    for name in SAFE_NAMES:
        samples = _SAMPLES.get(name, [f"{name}(x)", f"{name}(x, y)", f"{name}(x, y, z)", f"{name}()"])
        for dialect in ("postgres", "sqlite", "mysql"):
            for sample in samples:
                try:
                    tree = sqlglot.parse_one(f"SELECT {sample} FROM t", read=dialect)
                except Exception:  # noqa: BLE001 - a sample that does not parse in a dialect
                    continue
                for node in tree.find_all(exp.Func):
                    k = function_key(node)
                    if k is not None and (not isinstance(node, exp.Anonymous) or k == name):
                        keys.add(k)
    for extra in _SAMPLES.get("now", []):
        tree = sqlglot.parse_one(f"SELECT {extra}", read="postgres")
        for node in tree.find_all(exp.Func):
            k = function_key(node)
            if k:
                keys.add(k)
    return frozenset(keys)


__all__ = ["BLOCKED", "SAFE_NAMES", "SAFE_SET_CONFIG", "function_key", "plain_name", "safe_keys"]
