"""What a SQL statement does to which physical columns: writes, reads, filters, schema changes.

Like sqlglot's optimizer, analysis is a tuple of small passes (``RULES``), each with one job,
run in order over one parsed statement and a shared :class:`_State`:

1. ``reject_unsafe_statement``  — only statement kinds we can analyse; ``Command`` fallbacks and
                                  settings that change how SQL is read are refused;
2. ``reject_unsafe_functions``  — dynamic SQL (``query_to_xml``), ``set_config()`` ...;
3. ``number_parameters``        — positional placeholders in text order;
4. ``analyse_statement``        — per statement kind: resolve every column to (table, column)
                                  through aliases, CTEs, derived tables, set operations, whole-row
                                  references and correlated subqueries;
5. ``account_columns``          — every column node of the statement must have been attributed;
                                  anything else -> SQLAnalysisError (fail closed).

``analyse(sql, dialect, schema)`` returns an :class:`Analysis` (no decisions here).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlglot import exp
from sqlglot.errors import OptimizeError, SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, build_scope

from .errors import SQLAnalysisError, SQLLimitError
from .parse import DEFAULT_LIMITS, Limits, canonical_dialect, is_passthrough, parse
from .schema import CATALOG_NAMESPACES, CATALOG_TABLES, DEFAULT_NAMESPACES, SchemaMap

Pair = tuple[str, str]  # (table, column)

# -- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """What is written to a column. ``text`` (a literal) is used for value rules, never logged."""

    kind: str  # "literal" | "null" | "param" | "expr" | "default" | "stream"
    text: str | None = field(default=None, repr=False)
    param: int | str | None = None


@dataclass(frozen=True)
class Write:
    table: str
    column: str
    value: Value
    row: int = 0
    sources: frozenset[Pair] = frozenset()  # physical columns the written value comes from


@dataclass(frozen=True)
class StatementAnalysis:
    kind: str
    writes: tuple[Write, ...] = ()
    reads: frozenset[Pair] = frozenset()
    filters: frozenset[Pair] = frozenset()
    adds: tuple[Pair, ...] = ()  # DDL introducing a column (CREATE TABLE, ADD COLUMN, RENAME TO)
    drops: tuple[Pair, ...] = ()  # DDL removing a column: remediation, never a violation
    renames: tuple[Pair, ...] = ()  # ALTER TABLE old RENAME TO new: (old schema key, new schema key)
    catalog_only: bool = False


@dataclass(frozen=True)
class Analysis:
    dialect: str
    statements: tuple[StatementAnalysis, ...]
    positional_params: int = 0

    @property
    def writes(self) -> tuple[Write, ...]:
        return tuple(w for s in self.statements for w in s.writes)

    @property
    def reads(self) -> frozenset[Pair]:
        return frozenset().union(*(s.reads for s in self.statements))

    @property
    def filters(self) -> frozenset[Pair]:
        return frozenset().union(*(s.filters for s in self.statements))

    @property
    def adds(self) -> tuple[Pair, ...]:
        return tuple(a for s in self.statements for a in s.adds)

    @property
    def renames(self) -> tuple[Pair, ...]:
        return tuple(r for s in self.statements for r in s.renames)


# -- policy on statement kinds -----------------------------------------------------------------

# Settings that cannot change how later SQL text is read or which table a name means.
SAFE_SETTINGS = frozenset(
    {
        "timezone", "time zone", "datestyle", "intervalstyle", "statement_timeout", "lock_timeout",
        "idle_in_transaction_session_timeout", "application_name", "extra_float_digits",
        "default_transaction_isolation", "transaction_isolation", "synchronous_commit", "work_mem",
        "time_zone", "autocommit", "foreign_key_checks", "unique_checks", "innodb_lock_wait_timeout",
        "max_execution_time", "nocount", "xact_abort", "lock_timeout", "datefirst", "dateformat",
        "ansi_warnings", "arithabort", "deadlock_priority", "implicit_transactions", "language",
    }
)
# Functions that run SQL held in a string, read files, or change settings: never analysable.
UNSAFE_FUNCTIONS = frozenset(
    {
        "set_config", "query_to_xml", "query_to_xml_and_xmlschema", "query_to_xmlschema", "cursor_to_xml",
        "cursor_to_xmlschema", "table_to_xml", "table_to_xml_and_xmlschema", "table_to_xmlschema",
        "schema_to_xml", "schema_to_xml_and_xmlschema", "schema_to_xmlschema", "database_to_xml",
        "database_to_xml_and_xmlschema", "database_to_xmlschema", "dblink", "dblink_exec", "dblink_open",
        "dblink_fetch", "dblink_send_query", "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "lo_import",
        "lo_export", "lo_get", "lo_put", "load_extension", "load_file", "openrowset", "opendatasource",
        "openquery", "sp_executesql", "exec", "execute", "eval", "xp_cmdshell", "sys_exec",
        "dbms_sql", "execute_immediate", "json_populate_recordset_sql", "current_setting_set",
    }
)
PSEUDO_COLUMNS = {
    "oracle": frozenset({"rownum", "rowid", "level", "sysdate", "systimestamp", "user", "uid"}),
    "postgres": frozenset({"ctid", "xmin", "xmax", "cmin", "cmax", "tableoid"}),
    "sqlite": frozenset({"rowid", "oid", "_rowid_"}),
    "mysql": frozenset(),
    "tsql": frozenset(),
}
# Built-in set-returning functions allowed in FROM. Their output columns are not physical columns:
# each output depends on the arguments passed in (``unnest(s.citizenship)`` reads citizenship).
# Any other function in FROM — a user-defined one may run SQL the inspector cannot see — is refused.
TABLE_FUNCTIONS = frozenset(
    {
        "unnest", "generate_series", "generate_subscripts", "json_to_recordset", "jsonb_to_recordset",
        "json_to_record", "jsonb_to_record", "json_array_elements", "jsonb_array_elements",
        "json_array_elements_text", "jsonb_array_elements_text", "json_each", "jsonb_each", "json_each_text",
        "jsonb_each_text", "json_object_keys", "jsonb_object_keys", "regexp_matches", "regexp_split_to_table",
        "string_to_table", "json_tree", "jsonb_path_query",
    }
)
_SAFE_SET_CONFIG = frozenset({"timezone", "application_name", "statement_timeout", "lock_timeout", "datestyle"})


class _State:
    """Shared per-statement state the passes fill in."""

    def __init__(self, sql_dialect: str, schema: SchemaMap | None, limits: Limits):
        self.dialect = sql_dialect
        self.schema = schema
        self.limits = limits
        self.param_index: dict[int, int] = {}
        self.positional = 0
        self.accounted: set[int] = set()  # ids of original column nodes attributed directly
        self.regions: set[int] = set()  # ids of original subtrees analysed through a copy
        self.result: StatementAnalysis | None = None


# -- pass 1: statement kinds -------------------------------------------------------------------


def _setting_name(item: exp.Expression) -> str | None:
    this = item.this if isinstance(item, exp.SetItem) else item
    kind = (item.args.get("kind") or "") if isinstance(item, exp.SetItem) else ""
    if isinstance(kind, str) and kind.upper() in {"TRANSACTION", "CHARACTERISTICS", "SESSION CHARACTERISTICS"}:
        return "transaction_isolation"
    if isinstance(kind, str) and kind.upper() == "NAMES":
        return None
    if isinstance(this, exp.EQ):
        target = this.this
        if isinstance(target, exp.Parameter):  # MySQL user variable @x: no effect on parsing
            return "@user_variable"
        if isinstance(target, (exp.Column, exp.Var, exp.Identifier)):
            return target.name.lower() if not isinstance(target, exp.Column) else target.sql().lower().replace('"', "")
    if isinstance(this, (exp.Column, exp.Var, exp.Identifier)):
        return this.name.lower()
    return None


def reject_unsafe_statement(stmt: exp.Expression, st: _State) -> None:
    if isinstance(stmt, exp.Command):
        kw = str(stmt.this or "").split()[0].upper() if str(stmt.this or "").split() else "?"
        raise SQLAnalysisError(f"unsupported statement `{kw}` (the parser could not model it)")
    if isinstance(stmt, exp.Set):
        for item in stmt.expressions:
            kind = item.args.get("kind") if isinstance(item, exp.SetItem) else None
            if isinstance(kind, str) and kind.upper() == "NAMES":
                v = item.this.name.lower() if item.this is not None else ""
                if v.strip("'\"") not in {"utf8", "utf8mb4"}:
                    raise SQLAnalysisError("SET NAMES to a character set other than utf8/utf8mb4 changes how SQL is read")
                continue
            name = _setting_name(item)
            if name == "@user_variable":
                continue
            if name is None or name not in SAFE_SETTINGS:
                raise SQLAnalysisError(
                    f"SET of `{name or '?'}` is refused: only settings that cannot change how SQL is read or "
                    "which table a name means are allowed"
                )
        return
    if isinstance(stmt, exp.Use):
        raise SQLAnalysisError("USE changes which tables names refer to")
    allowed = (
        exp.Query, exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Copy, exp.Create, exp.Alter, exp.Drop,
        exp.TruncateTable, exp.Transaction, exp.Commit, exp.Rollback, exp.Pragma, exp.Describe,
    )
    if not isinstance(stmt, allowed):
        raise SQLAnalysisError(f"unsupported statement kind `{type(stmt).__name__}`")


def _func_name(node: exp.Expression) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.this).lower()
    if isinstance(node, exp.Func):
        return node.sql_name().lower()
    return ""


def reject_unsafe_functions(stmt: exp.Expression, st: _State) -> None:
    for node in stmt.walk():
        if isinstance(node, (exp.Func, exp.Anonymous)):
            name = _func_name(node).rsplit(".", 1)[-1]
            if name == "set_config":
                first = node.expressions[0] if isinstance(node, exp.Anonymous) and node.expressions else None
                if isinstance(first, exp.Literal) and first.is_string and first.this.lower() in _SAFE_SET_CONFIG:
                    continue
                raise SQLAnalysisError("set_config() of a setting that can change how SQL is read or resolved")
            if name in UNSAFE_FUNCTIONS:
                raise SQLAnalysisError(f"function `{name}()` runs SQL or reads data the inspector cannot see")
        if isinstance(node, exp.Copy):
            for f in node.args.get("files") or ():
                if isinstance(f, exp.Identifier) and f.name.upper() == "PROGRAM":
                    raise SQLAnalysisError("COPY ... PROGRAM runs a program on the database server")


# -- pass 2: parameters --------------------------------------------------------------------------


def _text_order_key(node: exp.Expression) -> tuple[tuple[int, int], ...]:
    """A sort key following the grammar's clause order (``arg_types``), which is text order."""
    path: list[tuple[int, int]] = []
    n = node
    while n.parent is not None:
        parent = n.parent
        keys = list(type(parent).arg_types)
        k = keys.index(n.arg_key) if n.arg_key in keys else len(keys)
        path.append((k, n.index or 0))
        n = parent
    return tuple(reversed(path))


def number_parameters(stmt: exp.Expression, st: _State) -> None:
    """Positional placeholders (``?``, ``%s``) numbered in text order across the statement text."""
    found = [n for n in stmt.walk() if isinstance(n, exp.Placeholder) and not n.this]
    found.sort(key=_text_order_key)
    for n in found:
        st.param_index[id(n)] = st.positional
        st.positional += 1


def value_of(node: exp.Expression | None, st: _State) -> Value:
    v = node
    while isinstance(v, (exp.Cast, exp.TryCast, exp.Paren)):
        v = v.this
    if v is None:
        return Value("expr")
    if isinstance(v, exp.Null):
        return Value("null")
    if isinstance(v, exp.Literal):
        return Value("literal", str(v.this))
    if isinstance(v, exp.Boolean):
        return Value("literal", "true" if v.this else "false")
    if isinstance(v, exp.Placeholder):
        if v.this:
            return Value("param", param=str(v.this))
        idx = st.param_index.get(id(v))
        return Value("param", param=idx) if idx is not None else Value("expr")
    if isinstance(v, exp.Parameter):
        inner = v.this
        if isinstance(inner, exp.Literal) and not inner.is_string and str(inner.this).isdigit():
            return Value("param", param=int(inner.this) - 1)  # $1 -> index 0
        return Value("param", param=inner.name if inner is not None else None)
    if isinstance(v, exp.Var) and v.name.upper() == "DEFAULT":
        return Value("default")
    if isinstance(v, exp.Column) and not v.table and v.name.upper() == "DEFAULT":
        return Value("default")
    return Value("expr")


# -- the query resolver ------------------------------------------------------------------------


class _Query:
    """One qualified query tree: column resolution through scopes, lineage of outputs."""

    def __init__(self, tree: exp.Expression, st: _State):
        self.st = st
        self.catalog = False
        self.cte_names = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
        self._canonicalize_tables(tree)
        try:
            ms = st.schema.mapping_schema(st.dialect) if st.schema is not None else None
            self.tree = qualify(
                tree,
                schema=ms,
                dialect=st.dialect,
                validate_qualify_columns=st.schema is not None,
                quote_identifiers=False,
                identify=False,
            )
        except OptimizeError as exc:
            m = re.match(r"Column '([\w$]+)' could not be resolved", str(exc))
            if m:
                raise SQLAnalysisError(f"column `{m.group(1)}` is not in the schema of any table the statement names") from None
            if "Ambiguous" in str(exc) or "ambiguous" in str(exc):
                raise SQLAnalysisError("a column reference is ambiguous between the statement's tables") from None
            raise SQLAnalysisError(f"columns cannot be qualified ({exc.__class__.__name__})") from None
        except RecursionError:
            raise SQLLimitError("statement is nested too deeply to qualify") from None
        except SqlglotError as exc:
            raise SQLAnalysisError(f"columns cannot be qualified ({exc.__class__.__name__})") from None
        root = build_scope(self.tree)
        if root is None:
            raise SQLAnalysisError("query has no analysable scope")
        self.root = root
        self.scopes = list(root.traverse())
        self.by_expr: dict[int, Scope] = {id(s.expression): s for s in self.scopes}
        self._outputs: dict[int, list[tuple[str, frozenset[Pair]]] | None] = {}
        self.visited: set[int] = set()
        self.filters: set[Pair] = set()

    # -- tables --------------------------------------------------------------------------------
    def _canonicalize_tables(self, tree: exp.Expression) -> None:
        schema = self.st.schema
        for t in list(tree.find_all(exp.Table)):
            if not isinstance(t.this, exp.Identifier):
                continue  # table functions: their columns must still resolve, or analysis fails
            name, db = t.name, t.db
            if not db and name.lower() in self.cte_names:
                continue
            if (db and db.lower() in CATALOG_NAMESPACES) or name.lower() in CATALOG_TABLES or (
                not db and name.lower().startswith("pg_")
            ):
                self.catalog = True
                continue
            if schema is None:
                continue
            key = schema.table_key(name, db or None)
            if key is None:
                shown = f"{db}.{name}" if db else name
                raise SQLAnalysisError(f"table `{shown}` is not in the schema")
            if not t.alias:
                t.set("alias", exp.TableAlias(this=exp.to_identifier(name)))
            t.set("this", exp.to_identifier(key, quoted=False))
            t.set("db", None)
            t.set("catalog", None)

    # -- resolution ----------------------------------------------------------------------------
    def _source(self, name: str, scope: Scope) -> tuple[object, Scope] | None:
        s: Scope | None = scope
        while s is not None:
            src = s.sources.get(name)
            if src is not None:
                return src, s
            s = s.parent
        return None

    def _physical(self, table: exp.Table, column: str) -> frozenset[Pair]:
        key = table.name
        if not isinstance(table.this, exp.Identifier):
            raise SQLAnalysisError("a column comes from a table function the inspector cannot resolve")
        if self.st.schema is None:
            if column.lower() in {table.name.lower(), (table.alias or "").lower()}:
                raise SQLAnalysisError(f"`{column}` may be a whole-row reference; give the schema")
            return frozenset({(key.lower(), column.lower())})
        if (table.db and table.db.lower() in CATALOG_NAMESPACES) or key.lower() in CATALOG_TABLES:
            return frozenset()
        col = self.st.schema.column(key, column)
        if col is None:
            raise SQLAnalysisError(f"column `{column}` is not in the schema of table `{key}`")
        return frozenset({(col.table, col.name)})

    def resolve_column(self, col: exp.Column, scope: Scope) -> frozenset[Pair]:
        self.visited.add(id(col))
        tname = col.table
        found = self._source(tname, scope) if tname else None
        if found is None:
            if not tname and col.name.lower() in PSEUDO_COLUMNS.get(self.st.dialect, frozenset()):
                return frozenset()  # ROWNUM, ROWID, ctid ...: no personal data
            if not tname:
                # a reference to an output alias (ORDER BY c, GROUP BY c, a set operation's ORDER BY)
                expr = scope.expression
                if isinstance(expr, exp.Select):
                    for proj in expr.expressions:
                        if proj.alias_or_name == col.name and not _is_ancestor(proj, col):
                            return self.expr_deps(scope, proj)
                elif isinstance(expr, exp.SetOperation):
                    for name, deps in self.outputs(scope):
                        if name == col.name:
                            return deps
                if self.st.schema is None:
                    # no schema: a bare column of a single-table scope belongs to that table
                    tables = [s for s in scope.selected_sources.values() if isinstance(s[1], exp.Table)]
                    if len(scope.selected_sources) == 1 and len(tables) == 1:
                        return self._physical(tables[0][1], col.name)
                    raise SQLAnalysisError(f"column `{col.name}` is ambiguous without a schema")
            raise SQLAnalysisError(f"column `{col.name}` cannot be attributed to a table")
        src, owner = found
        if isinstance(src, exp.Table) and not isinstance(src.this, exp.Identifier):
            return self._table_function(src, col.name, owner)
        if isinstance(src, exp.Table):
            return self._physical(src, col.name)
        if isinstance(src, Scope):
            for name, deps in self.outputs(src):
                if name == col.name:
                    return deps
            raise SQLAnalysisError(f"column `{col.name}` is not an output of `{tname}`")
        raise SQLAnalysisError(f"column `{col.name}` comes from a source the inspector cannot resolve")

    def whole_row(self, node: exp.TableColumn, scope: Scope) -> frozenset[Pair]:
        """``SELECT s FROM students s``, ``row_to_json(s)``: every column of the source."""
        self.visited.add(id(node))
        found = self._source(node.name, scope)
        if found is None:
            raise SQLAnalysisError(f"whole-row reference `{node.name}` cannot be attributed to a table")
        src, owner = found
        if isinstance(src, exp.Table) and not isinstance(src.this, exp.Identifier):
            return self._table_function(src, None, owner)
        if isinstance(src, exp.Table):
            if self.st.schema is None:
                raise SQLAnalysisError(f"whole-row reference `{node.name}` needs a schema to know its columns")
            out: set[Pair] = set()
            for c in self.st.schema.columns(src.name):
                out |= self._physical(src, c.name)
            return frozenset(out)
        if isinstance(src, Scope):
            out2: set[Pair] = set()
            for _, deps in self.outputs(src):
                out2 |= deps
            return frozenset(out2)
        raise SQLAnalysisError(f"whole-row reference `{node.name}` cannot be resolved")

    def _table_function(self, src: exp.Table, column: str | None, scope: Scope) -> frozenset[Pair]:
        """An output column of ``generate_series(...) AS g(n)`` / ``jsonb_to_recordset(...) AS r(a
        text)``: it depends on every column passed into the function (``column`` None: the whole row)."""
        fn = src.this
        name = "generate_series" if isinstance(fn, (exp.GenerateSeries, exp.ExplodingGenerateSeries)) else _func_name(fn)
        qualifier = (src.db or "").lower()  # public.generate_series() may be a user-defined shadow
        if name.rsplit(".", 1)[-1] not in TABLE_FUNCTIONS or "." in name.replace("pg_catalog.", "") or (
            qualifier and qualifier != "pg_catalog"
        ):
            raise SQLAnalysisError(f"table function `{name}()` in FROM is not one the inspector can analyse")
        alias = src.args.get("alias")
        declared = [c.name.lower() for c in alias.columns] if isinstance(alias, exp.TableAlias) else []
        if column is not None and declared and column.lower() not in declared:
            raise SQLAnalysisError(f"column `{column}` is not an output of table function `{name}()`")
        return self.expr_deps(scope, fn)

    def _unnest_outputs(self, scope: Scope, expr: exp.Unnest) -> list[tuple[str, frozenset[Pair]]]:
        """``unnest(a, b) AS u(x, y)``: every output depends on every array passed in."""
        deps = frozenset().union(*(self.expr_deps(scope, e) for e in expr.expressions)) if expr.expressions else frozenset()
        offset = expr.args.get("offset")
        if isinstance(offset, exp.Expression):
            deps |= self.expr_deps(scope, offset)
        alias = expr.args.get("alias")
        names = [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) and alias.columns else []
        if not names:
            names = [alias.name] if isinstance(alias, exp.TableAlias) and alias.name else ["unnest"]
        return [(n, deps) for n in names]

    def _is_child_scope(self, node: exp.Expression, scope: Scope) -> bool:
        return id(node) in self.by_expr and self.by_expr[id(node)] is not scope

    def expr_deps(self, scope: Scope, expr: exp.Expression) -> frozenset[Pair]:
        deps: set[Pair] = set()
        for node in expr.walk(prune=lambda n: n is not expr and self._is_child_scope(n, scope)):
            if node is not expr and self._is_child_scope(node, scope):
                for _, d in self.outputs(self.by_expr[id(node)]):
                    deps |= d
            elif isinstance(node, exp.Column):
                deps |= self.resolve_column(node, scope)
            elif isinstance(node, exp.TableColumn):
                deps |= self.whole_row(node, scope)
            elif isinstance(node, exp.Star):
                self._star(node)
        return frozenset(deps)

    def _star(self, node: exp.Star) -> None:
        parent = node.parent
        if isinstance(parent, exp.Count) or (isinstance(parent, exp.Column) and isinstance(parent.parent, exp.Count)):
            self.visited.add(id(node))
            return
        raise SQLAnalysisError("`*` over a source whose columns are not known (give the schema)")

    def outputs(self, scope: Scope) -> list[tuple[str, frozenset[Pair]]]:
        scope = self.by_expr.get(id(scope.expression), scope)  # the traversed scope owns the sources
        key = id(scope)
        if key in self._outputs:
            cached = self._outputs[key]
            if cached is None:  # recursive CTE: use the anchor (left-most) branch
                return self._anchor_outputs(scope.expression, scope)
            return cached
        self._outputs[key] = None
        expr = scope.expression
        if isinstance(expr, exp.SetOperation):
            out = self._setop_outputs(expr)
        elif isinstance(expr, exp.Select):
            out = []
            for proj in expr.expressions:
                out.append((proj.alias_or_name, self.expr_deps(scope, proj)))
        elif isinstance(expr, exp.Unnest):
            out = self._unnest_outputs(scope, expr)
        else:
            raise SQLAnalysisError(f"a `{type(expr).__name__}` source cannot be resolved")
        self._outputs[key] = out
        return out

    def _branch_scope(self, node: exp.Expression) -> Scope:
        n = node
        while isinstance(n, exp.Subquery):
            n = n.this
        s = self.by_expr.get(id(n))
        if s is None:
            raise SQLAnalysisError("a set-operation branch could not be scoped")
        return s

    def _setop_outputs(self, expr: exp.SetOperation) -> list[tuple[str, frozenset[Pair]]]:
        left = self.outputs(self._branch_scope(expr.left))
        right = self.outputs(self._branch_scope(expr.right))
        if len(left) != len(right):
            raise SQLAnalysisError("set-operation branches have different numbers of columns")
        return [(n, d | rd) for (n, d), (_, rd) in zip(left, right)]

    def _anchor_outputs(self, expr: exp.Expression, scope: Scope) -> list[tuple[str, frozenset[Pair]]]:
        n = expr
        while isinstance(n, exp.SetOperation):
            n = n.left
        while isinstance(n, exp.Subquery):
            n = n.this
        s = self.by_expr.get(id(n))
        if s is None or s is scope:
            raise SQLAnalysisError("a recursive query could not be resolved")
        return self.outputs(s)

    # -- clause roles --------------------------------------------------------------------------
    @staticmethod
    def clause(node: exp.Expression, scope: Scope) -> str:
        """"projection" when the node feeds an output column, else "filter"."""
        n = node
        top = scope.expression
        while n.parent is not None and n.parent is not top:
            if isinstance(n.parent, exp.Window) and n.arg_key in ("partition_by", "order"):
                return "filter"
            n = n.parent
        if n.parent is None:
            return "projection"
        return "projection" if n.arg_key == "expressions" and isinstance(top, exp.Select) else "filter"

    def run(self) -> None:
        """Resolve every column node in every scope; collect filters (WHERE, JOIN, GROUP/ORDER BY,
        HAVING, window partitions, IN/EXISTS subqueries)."""
        for scope in self.scopes:
            for node in scope.walk():
                if isinstance(node, exp.Column):
                    deps = self.resolve_column(node, scope)
                    if self.clause(node, scope) == "filter":
                        self.filters |= deps
                elif isinstance(node, exp.TableColumn):
                    deps = self.whole_row(node, scope)
                    if self.clause(node, scope) == "filter":
                        self.filters |= deps
                elif isinstance(node, exp.Star):
                    self._star(node)
            if scope.is_subquery and scope.parent is not None:
                if self._subquery_clause(scope) == "filter":
                    for _, d in self.outputs(scope):
                        self.filters |= d
        self._account()

    def _subquery_clause(self, scope: Scope) -> str:
        parent = scope.parent
        assert parent is not None
        return self.clause(scope.expression, parent)

    def _account(self) -> None:
        for node in self.tree.walk():
            if isinstance(node, (exp.Column, exp.TableColumn, exp.Star)) and id(node) not in self.visited:
                where = node.parent.key if node.parent is not None else "statement"
                raise SQLAnalysisError(f"a column reference in `{where}` was not accounted for by the analysis")

    def root_outputs(self) -> list[tuple[str, frozenset[Pair]]]:
        return self.outputs(self.root)


def _is_ancestor(a: exp.Expression, b: exp.Expression) -> bool:
    n: exp.Expression | None = b
    while n is not None:
        if n is a:
            return True
        n = n.parent
    return False


def _query(tree: exp.Expression, st: _State) -> _Query:
    q = _Query(tree, st)
    q.run()
    return q


def _union(sets: Iterable[frozenset[Pair]]) -> frozenset[Pair]:
    out: set[Pair] = set()
    for s in sets:
        out |= s
    return frozenset(out)


# -- pass 3: per statement kind -----------------------------------------------------------------


def _target(st: _State, table: exp.Expression) -> tuple[str, str | None]:
    """(schema key, alias) of a DML target table."""
    if not isinstance(table, exp.Table) or not isinstance(table.this, exp.Identifier):
        raise SQLAnalysisError(f"unsupported DML target `{type(table).__name__}`")
    if st.schema is None:
        return table.name.lower(), table.alias or None
    key = st.schema.table_key(table.name, table.db or None)
    if key is None:
        shown = f"{table.db}.{table.name}" if table.db else table.name
        raise SQLAnalysisError(f"table `{shown}` is not in the schema")
    return key, table.alias or None


def _target_column(st: _State, table: str, name: str) -> str:
    if st.schema is None:
        return name.lower()
    col = st.schema.column(table, name)
    if col is None:
        raise SQLAnalysisError(f"column `{name}` is not in the schema of table `{table}`")
    return col.name


def _all_columns(st: _State, table: str, what: str) -> list[str]:
    if st.schema is None:
        raise SQLAnalysisError(f"{what} without a column list needs a schema to know the columns")
    return [c.name for c in st.schema.columns(table)]


def _synthetic(projections: list[exp.Expression], sources: list[exp.Expression], joins: list[exp.Expression],
               where: exp.Expression | None) -> exp.Select:
    sel = exp.Select(expressions=[p.copy() for p in projections] or [exp.Literal.number(1)])
    if sources:
        sel.set("from_", exp.From(this=sources[0].copy()))
        extra = [exp.Join(this=s.copy()) for s in sources[1:]] + [j.copy() for j in joins]
        if extra:
            sel.set("joins", extra)
    if where is not None:
        sel.set("where", exp.Where(this=where.copy()))
    return sel


def _mark_region(st: _State, *nodes: exp.Expression | None) -> None:
    for n in nodes:
        if n is not None:
            st.regions.add(id(n))


def _with_ctes(stmt: exp.Expression, sel: exp.Select) -> exp.Select:
    w = stmt.args.get("with_")
    if w is not None:
        sel.set("with_", w.copy())
    return sel


def _returning(stmt: exp.Expression, st: _State, sources: list[exp.Expression], joins: list[exp.Expression]) -> frozenset[Pair]:
    ret = stmt.args.get("returning")
    if ret is None:
        return frozenset()
    _mark_region(st, ret)
    q = _query(_with_ctes(stmt, _synthetic(list(ret.expressions), sources, joins, None)), st)
    return _union(d for _, d in q.root_outputs())


def _assignments(eqs: list[exp.Expression], st: _State, table: str, aliases: set[str],
                 other_targets: dict[str, str] | None = None) -> tuple[list[tuple[str, str, exp.Expression | None, int]], list[exp.Expression]]:
    """SET a = x, (b, c) = (y, z) -> [(table, column, value expr, index into rhs list)], rhs list."""
    out: list[tuple[str, str, exp.Expression | None, int]] = []
    rhs: list[exp.Expression] = []
    for eq in eqs:
        if not isinstance(eq, exp.EQ):
            raise SQLAnalysisError(f"unsupported assignment `{type(eq).__name__}`")
        lhs, val = eq.this, eq.expression
        cols = list(lhs.expressions) if isinstance(lhs, exp.Tuple) else [lhs]
        if isinstance(lhs, exp.Tuple):
            vals: list[exp.Expression | None] = list(val.expressions) if isinstance(val, exp.Tuple) else [None] * len(cols)
            if len(vals) != len(cols):
                raise SQLAnalysisError("a multi-column SET has a different number of values than columns")
        else:
            vals = [val]
        whole_rhs_index = None
        if isinstance(lhs, exp.Tuple) and not isinstance(val, exp.Tuple):
            rhs.append(val)  # (a, b) = (SELECT ...): every target gets the subquery's columns
            whole_rhs_index = len(rhs) - 1
        for c, v in zip(cols, vals):
            if not isinstance(c, (exp.Column, exp.Identifier)):
                raise SQLAnalysisError("an assignment target is not a column")
            t = table
            qual = c.table if isinstance(c, exp.Column) else ""
            if qual and qual.lower() not in aliases:
                if other_targets and qual.lower() in other_targets:
                    t = other_targets[qual.lower()]
                else:
                    raise SQLAnalysisError(f"assignment to `{qual}.{c.name}` does not name the target table")
            name = _target_column(st, t, c.name)
            st.accounted.add(id(c))
            if v is not None:
                rhs.append(v)
                out.append((t, name, v, len(rhs) - 1))
            else:
                out.append((t, name, None, whole_rhs_index if whole_rhs_index is not None else -1))
        if isinstance(lhs, exp.Tuple):
            st.accounted.add(id(lhs))
    return out, rhs


def _table_aliases(table: exp.Table, key: str) -> set[str]:
    names = {key.lower(), table.name.lower()}
    if table.alias:
        names.add(table.alias.lower())
    return names


def analyse_select(stmt: exp.Expression, st: _State) -> StatementAnalysis:
    _mark_region(st, stmt)
    q = _query(stmt.copy(), st)
    if q.catalog and not q.root_outputs() and not q.filters:
        return StatementAnalysis("select", catalog_only=True)
    reads = _union(d for _, d in q.root_outputs())
    adds: tuple[Pair, ...] = ()
    into = stmt.args.get("into") if isinstance(stmt, exp.Select) else None
    writes: tuple[Write, ...] = ()
    if into is not None:  # SELECT ... INTO new_table (PostgreSQL, T-SQL): creates a table
        tname = into.this.name.lower() if isinstance(into.this, exp.Table) else "into"
        adds = tuple((tname, n.lower()) for n, _ in q.root_outputs())
        writes = tuple(Write(tname, n.lower(), Value("expr"), 0, d) for n, d in q.root_outputs())
    return StatementAnalysis("select", writes=writes, reads=reads, filters=frozenset(q.filters), adds=adds,
                             catalog_only=q.catalog and not reads and not q.filters)


def analyse_insert(stmt: exp.Insert, st: _State) -> StatementAnalysis:
    target = stmt.this
    if isinstance(target, exp.Schema):
        table_node = target.this
        listed = list(target.expressions)
    else:
        table_node, listed = target, []
    key, alias = _target(st, table_node)
    if listed:
        cols = []
        for ident in listed:
            cols.append(_target_column(st, key, ident.name))
            st.accounted.add(id(ident))
    else:
        cols = _all_columns(st, key, "INSERT")
    writes: list[Write] = []
    filters: set[Pair] = set()
    source = stmt.expression
    inserted: dict[str, list[Value]] = {}
    if isinstance(source, exp.Values):
        rows = source.expressions
        if len(rows) > st.limits.max_value_rows:
            raise SQLLimitError(f"{len(rows)} VALUES rows exceed the limit of {st.limits.max_value_rows}")
        projections: list[exp.Expression] = []
        where_rows: list[list[tuple[str, Value, int]]] = []
        for r, row in enumerate(rows):
            vals = list(row.expressions) if isinstance(row, exp.Tuple) else [row]
            if len(vals) != len(cols):
                raise SQLAnalysisError(f"INSERT row {r + 1} has {len(vals)} values for {len(cols)} columns")
            entries = []
            for c, v in zip(cols, vals):
                val = value_of(v, st)
                if val.kind == "expr":
                    projections.append(v)
                    entries.append((c, val, len(projections) - 1))
                else:
                    entries.append((c, val, -1))
                inserted.setdefault(c, []).append(val)
            where_rows.append(entries)
        deps: list[frozenset[Pair]] = []
        if projections:  # expressions in VALUES (subqueries, functions over columns)
            _mark_region(st, source)
            q = _query(_synthetic(projections, [], [], None), st)
            deps = [d for _, d in q.root_outputs()]
            filters |= q.filters
        else:
            _mark_region(st, source)
        for r, entries in enumerate(where_rows):
            for c, val, pi in entries:
                writes.append(Write(key, c, val, r, deps[pi] if pi >= 0 else frozenset()))
    elif isinstance(source, exp.Query):
        _mark_region(st, source)
        q = _query(_with_ctes(stmt, source.copy()) if isinstance(source, exp.Select) else source.copy(), st)
        outs = q.root_outputs()
        if len(outs) != len(cols):
            raise SQLAnalysisError(f"INSERT ... SELECT gives {len(outs)} columns for {len(cols)} target columns")
        filters |= q.filters
        # a literal projection is a known value (INSERT ... SELECT 'ice_detainer')
        sel = source if isinstance(source, exp.Select) else None
        for i, (c, (_, d)) in enumerate(zip(cols, outs)):
            val = Value("expr")
            if sel is not None and i < len(sel.expressions):
                p = sel.expressions[i]
                val = value_of(p.this if isinstance(p, exp.Alias) else p, st)
                if val.kind not in ("literal", "null", "param"):
                    val = Value("expr")
            writes.append(Write(key, c, val, 0, d))
            inserted.setdefault(c, []).append(val)
    elif source is None and stmt.args.get("default"):
        pass
    elif source is None:
        pass
    else:
        raise SQLAnalysisError(f"unsupported INSERT source `{type(source).__name__}`")
    if stmt.args.get("with_") is not None:
        _mark_region(st, stmt.args["with_"])
    conflict = stmt.args.get("conflict")
    if conflict is not None:
        w2, f2 = _on_conflict(conflict, st, key, table_node, inserted)
        writes.extend(w2)
        filters |= f2
    src_tables = [table_node]
    reads = _returning(stmt, st, src_tables, [])
    if stmt.args.get("where") is not None:
        raise SQLAnalysisError("INSERT ... WHERE is not supported")
    return StatementAnalysis("insert", writes=tuple(writes), reads=reads, filters=frozenset(filters))


def _on_conflict(conflict: exp.OnConflict, st: _State, key: str, table_node: exp.Table,
                 inserted: dict[str, list[Value]]) -> tuple[list[Write], set[Pair]]:
    for k in conflict.args.get("conflict_keys") or ():
        for c in k.find_all(exp.Column):
            _target_column(st, key, c.name)
            st.accounted.add(id(c))
    constraint = conflict.args.get("constraint")
    if constraint is not None:
        _mark_region(st, constraint)
    eqs = list(conflict.expressions or ())
    if not eqs and conflict.args.get("where") is None:
        return [], set()
    aliases = _table_aliases(table_node, key)
    assigns, rhs = _assignments(eqs, st, key, aliases)
    excluded = exp.Table(this=exp.to_identifier(table_node.name), db=table_node.args.get("db"),
                         alias=exp.TableAlias(this=exp.to_identifier("excluded")))
    where = conflict.args.get("where")
    _mark_region(st, where, *rhs)
    q = _query(_synthetic(rhs, [table_node, excluded], [], where.this if where is not None else None), st)
    deps = [d for _, d in q.root_outputs()]
    writes: list[Write] = []
    for t, c, v, i in assigns:
        val = Value("expr") if v is None else value_of(v, st)
        ref = v
        # SET x = excluded.x / VALUES(x): the value being inserted
        if isinstance(ref, exp.Column) and ref.table.lower() == "excluded" and ref.name.lower() in inserted:
            for r, iv in enumerate(inserted[ref.name.lower()]):
                writes.append(Write(t, c, iv, r, deps[i] if i >= 0 else frozenset()))
            continue
        if isinstance(ref, exp.Anonymous) and str(ref.this).upper() == "VALUES" and len(ref.expressions) == 1:
            n = ref.expressions[0].name.lower()
            if n in inserted:
                for r, iv in enumerate(inserted[n]):
                    writes.append(Write(t, c, iv, r, deps[i] if i >= 0 else frozenset()))
                continue
        if isinstance(ref, exp.Values) or (ref is not None and type(ref).__name__ == "Values"):
            val = Value("expr")
        writes.append(Write(t, c, val, 0, deps[i] if i >= 0 else frozenset()))
    return writes, set(q.filters)


def analyse_update(stmt: exp.Update, st: _State) -> StatementAnalysis:
    table_node = stmt.this
    joins = list(table_node.args.get("joins") or ()) if isinstance(table_node, exp.Table) else []
    sources: list[exp.Expression] = []
    frm = stmt.args.get("from_")
    other: dict[str, str] = {}
    from_tables: list[exp.Expression] = []
    if frm is not None:
        from_tables = [_strip_joins(frm.this)]
        joins = joins + list(frm.this.args.get("joins") or ()) + list(stmt.args.get("joins") or ())
    target_key = ""
    aliases: set[str] = set()
    # T-SQL: UPDATE alias SET ... FROM students alias JOIN ...: the target names a FROM alias
    if frm is not None and isinstance(table_node, exp.Table) and not table_node.alias and not table_node.db:
        for t in [frm.this] + [j.this for j in joins]:
            if isinstance(t, exp.Table) and t.alias and t.alias.lower() == table_node.name.lower():
                target_key, _ = _target(st, _strip_joins(t))
                aliases = {t.alias.lower(), target_key}
                table_node = None  # the FROM clause already holds the target
                break
    if table_node is not None:
        target_key, _ = _target(st, _strip_joins(table_node))
        aliases = _table_aliases(table_node, target_key)
    # MySQL multi-table UPDATE: SET may name any joined table
    for j in joins:
        jt = j.this
        if isinstance(jt, exp.Table) and isinstance(jt.this, exp.Identifier):
            k, _ = _target(st, jt)
            other[(jt.alias or jt.name).lower()] = k
    if table_node is not None:
        sources.append(_strip_joins(table_node))
    if frm is not None:
        sources.extend(from_tables)
    assigns, rhs = _assignments(list(stmt.expressions), st, target_key, aliases, other)
    where = stmt.args.get("where")
    _mark_region(st, where, frm, *rhs, *joins, stmt.args.get("order"), stmt.args.get("limit"), stmt.args.get("with_"))
    sel = _synthetic(rhs, sources, joins, where.this if where is not None else None)
    if stmt.args.get("order") is not None:
        sel.set("order", stmt.args["order"].copy())
    q = _query(_with_ctes(stmt, sel), st)
    deps = [d for _, d in q.root_outputs()]
    writes = []
    for t, c, v, i in assigns:
        writes.append(Write(t, c, Value("expr") if v is None else value_of(v, st), 0, deps[i] if i >= 0 and rhs else frozenset()))
    reads = _returning(stmt, st, sources, joins)
    return StatementAnalysis("update", writes=tuple(writes), reads=reads, filters=frozenset(q.filters))


def _strip_joins(t: exp.Expression) -> exp.Expression:
    if isinstance(t, exp.Table) and t.args.get("joins"):
        c = t.copy()
        c.set("joins", None)
        return c
    return t


def analyse_delete(stmt: exp.Delete, st: _State) -> StatementAnalysis:
    table_node = stmt.this
    key, _ = _target(st, _strip_joins(table_node)) if isinstance(table_node, exp.Table) else (None, None)
    sources: list[exp.Expression] = [_strip_joins(table_node)] if key else []
    using = stmt.args.get("using")
    for u in using or ():
        sources.append(u)
    joins = list(table_node.args.get("joins") or ()) if isinstance(table_node, exp.Table) else []
    where = stmt.args.get("where")
    _mark_region(st, where, *(using or ()), *joins, stmt.args.get("with_"), stmt.args.get("order"), stmt.args.get("limit"))
    for t in stmt.args.get("tables") or ():
        _mark_region(st, t)
    q = _query(_with_ctes(stmt, _synthetic([], sources, joins, where.this if where is not None else None)), st)
    reads = _returning(stmt, st, sources, joins)
    return StatementAnalysis("delete", reads=reads, filters=frozenset(q.filters))


def analyse_merge(stmt: exp.Merge, st: _State) -> StatementAnalysis:
    table_node = stmt.this
    key, _ = _target(st, table_node)
    aliases = _table_aliases(table_node, key)
    using = stmt.args.get("using")
    on = stmt.args.get("on")
    whens = stmt.args.get("whens")
    conds: list[exp.Expression] = []
    assigns: list[tuple[str, str, exp.Expression | None, int]] = []
    rhs: list[exp.Expression] = []
    for when in (whens.expressions if whens is not None else ()):
        cond = when.args.get("condition")
        if cond is not None:
            conds.append(cond)
        then = when.args.get("then")
        if isinstance(then, exp.Update):
            a, r = _assignments(list(then.expressions), st, key, aliases)
            base = len(rhs)
            rhs.extend(r)
            assigns.extend((t, c, v, i + base if i >= 0 else -1) for t, c, v, i in a)
            st.accounted.add(id(then))
        elif isinstance(then, exp.Insert):
            cols_node = then.this
            vals_node = then.expression
            names = list(cols_node.expressions) if isinstance(cols_node, exp.Tuple) else (
                [cols_node] if cols_node is not None else [])
            cols = [_target_column(st, key, n.name) for n in names] if names else _all_columns(st, key, "MERGE INSERT")
            for n in names:
                st.accounted.add(id(n))
            vals = list(vals_node.expressions) if isinstance(vals_node, exp.Tuple) else [vals_node]
            if len(vals) != len(cols):
                raise SQLAnalysisError("MERGE INSERT has a different number of values than columns")
            for c, v in zip(cols, vals):
                rhs.append(v)
                assigns.append((key, c, v, len(rhs) - 1))
        elif then is None or isinstance(then, (exp.Var, exp.Delete)) or type(then).__name__ in ("Delete",):
            pass  # DELETE / DO NOTHING
        else:
            raise SQLAnalysisError(f"unsupported MERGE action `{type(then).__name__}`")
    where = None
    for c in conds:
        where = c.copy() if where is None else exp.and_(where, c.copy())
    join = exp.Join(this=using.copy(), on=on.copy() if on is not None else None)
    _mark_region(st, using, on, *conds, *rhs, stmt.args.get("with_"), stmt.args.get("returning"))
    q = _query(_with_ctes(stmt, _synthetic(rhs, [table_node], [join], where)), st)
    deps = [d for _, d in q.root_outputs()]
    writes = [Write(t, c, Value("expr") if v is None else value_of(v, st), 0, deps[i] if i >= 0 else frozenset())
              for t, c, v, i in assigns]
    reads = _returning(stmt, st, [table_node, using], [])
    return StatementAnalysis("merge", writes=tuple(writes), reads=reads, filters=frozenset(q.filters))


def analyse_copy(stmt: exp.Copy, st: _State) -> StatementAnalysis:
    target = stmt.this
    is_from = bool(stmt.args.get("kind"))
    _mark_region(st, *(stmt.args.get("params") or ()), *(stmt.args.get("files") or ()))
    if isinstance(target, exp.Subquery) or isinstance(target, exp.Query):
        if is_from:
            raise SQLAnalysisError("COPY (query) FROM is not valid")
        _mark_region(st, target)
        q = _query((target.this if isinstance(target, exp.Subquery) else target).copy(), st)
        return StatementAnalysis("copy_to", reads=_union(d for _, d in q.root_outputs()), filters=frozenset(q.filters))
    if isinstance(target, exp.Schema):
        key, _ = _target(st, target.this)
        cols = [_target_column(st, key, i.name) for i in target.expressions]
        for i in target.expressions:
            st.accounted.add(id(i))
    else:
        key, _ = _target(st, target)
        cols = _all_columns(st, key, "COPY")
    if is_from:
        return StatementAnalysis("copy_from", writes=tuple(Write(key, c, Value("stream")) for c in cols))
    return StatementAnalysis("copy_to", reads=frozenset((key, c) for c in cols))


def analyse_create(stmt: exp.Create, st: _State) -> StatementAnalysis:
    kind = str(stmt.args.get("kind") or "").upper()
    target = stmt.this
    if kind == "INDEX":
        idx = target
        table = idx.args.get("table") if isinstance(idx, exp.Index) else None
        if table is None:
            raise SQLAnalysisError("CREATE INDEX without a table")
        key, _ = _target(st, table)
        filters = set()
        params = idx.args.get("params")
        for c in (params.find_all(exp.Column) if params is not None else ()):
            filters.add((key, _target_column(st, key, c.name)))
            st.accounted.add(id(c))
        if params is not None:
            for c in params.find_all(exp.Column):
                if id(c) not in st.accounted:
                    raise SQLAnalysisError("an index expression could not be analysed")
        return StatementAnalysis("create_index", filters=frozenset(filters))
    if kind in ("TABLE", "VIEW", "MATERIALIZED VIEW") or kind.endswith("TABLE") or kind.endswith("VIEW"):
        schema_node = target if isinstance(target, exp.Schema) else None
        table_node = schema_node.this if schema_node is not None else target
        tname = table_node.name.lower() if isinstance(table_node, exp.Table) else "table"
        adds: list[Pair] = []
        listed: list[str] = []
        if schema_node is not None:
            for e in schema_node.expressions:
                if isinstance(e, exp.ColumnDef):
                    adds.append((tname, e.name.lower()))
                    listed.append(e.name.lower())
                    _mark_region(st, e)
                elif isinstance(e, exp.Identifier):
                    listed.append(e.name.lower())
                else:
                    _mark_region(st, e)  # constraints: checked by accounting below
            for e in schema_node.expressions:
                if not isinstance(e, exp.ColumnDef):
                    for c in e.find_all(exp.Column):
                        st.accounted.add(id(c))
        source = stmt.expression
        writes: list[Write] = []
        reads: frozenset[Pair] = frozenset()
        filters: frozenset[Pair] = frozenset()
        if source is not None:
            _mark_region(st, source)
            q = _query(source.copy(), st)
            outs = q.root_outputs()
            names = listed if listed and len(listed) == len(outs) else [n.lower() for n, _ in outs]
            for n, (_, d) in zip(names, outs):
                if (tname, n) not in adds:
                    adds.append((tname, n))
                writes.append(Write(tname, n, Value("expr"), 0, d))
            filters = frozenset(q.filters)
            if kind.endswith("VIEW"):
                reads = _union(d for _, d in outs)
        for e in (stmt.args.get("properties").expressions if stmt.args.get("properties") is not None else ()):
            _mark_region(st, e)
        return StatementAnalysis("create_" + kind.lower().replace(" ", "_"), writes=tuple(writes), reads=reads,
                                 filters=filters, adds=tuple(adds))
    if kind in ("SCHEMA", "DATABASE", "SEQUENCE", "TYPE", "EXTENSION"):
        return StatementAnalysis("create_" + kind.lower())
    raise SQLAnalysisError(f"unsupported CREATE {kind or '?'}")


def analyse_alter(stmt: exp.Alter, st: _State) -> StatementAnalysis:
    if str(stmt.args.get("kind") or "").upper() != "TABLE":
        raise SQLAnalysisError(f"unsupported ALTER {stmt.args.get('kind') or '?'}")
    table = stmt.this
    tname = table.name.lower() if isinstance(table, exp.Table) else "table"
    if st.schema is not None and isinstance(table, exp.Table):
        tname = st.schema.table_key(table.name, table.db or None) or tname
    adds: list[Pair] = []
    drops: list[Pair] = []
    writes: list[Write] = []
    renames: list[Pair] = []
    for a in stmt.args.get("actions") or ():
        if isinstance(a, exp.ColumnDef):
            adds.append((tname, a.name.lower()))
            _mark_region(st, a)
        elif isinstance(a, exp.Drop):
            for c in a.find_all(exp.Column, exp.Identifier):
                if isinstance(c, exp.Identifier) and isinstance(c.parent, exp.Column):
                    continue
                drops.append((tname, c.name.lower()))
                st.accounted.add(id(c))
            _mark_region(st, a)
        elif isinstance(a, exp.RenameColumn):
            to = a.args.get("to")
            adds.append((tname, to.name.lower()))
            # the stored values keep what they are under the new name: renaming a status column to
            # an innocent one is storing status, not removing it
            src = a.this.name if isinstance(a.this, (exp.Column, exp.Identifier)) else None
            if src:
                src_col = _target_column(st, tname, src)
                writes.append(Write(tname, to.name.lower(), Value("expr"), sources=frozenset({(tname, src_col)})))
            _mark_region(st, a)
        elif isinstance(a, exp.AlterColumn):
            col = _target_column(st, tname, a.this.name) if isinstance(a.this, (exp.Column, exp.Identifier)) else None
            if col is None:
                raise SQLAnalysisError("ALTER COLUMN without a column name (fail closed)")
            default = a.args.get("default")
            if default is not None:  # SET DEFAULT: every later row stores this value in the column
                writes.append(Write(tname, col, value_of(default, st)))
            using = a.args.get("using")
            if isinstance(using, exp.Expression):  # TYPE ... USING: every stored value is rewritten
                sources = frozenset((tname, c.name.lower()) for c in using.find_all(exp.Column))
                writes.append(Write(tname, col, value_of(using, st), sources=sources))
            _mark_region(st, a)
        elif isinstance(a, exp.AlterRename):
            renames.append(_rename_target(st, table, a, len(stmt.args.get("actions") or ())))
            _mark_region(st, a)
        elif isinstance(a, (exp.AddConstraint, exp.DropPartition)):
            _mark_region(st, a)
        else:
            raise SQLAnalysisError(f"unsupported ALTER TABLE action `{type(a).__name__}`")
    return StatementAnalysis("alter_table", writes=tuple(writes), adds=tuple(adds), drops=tuple(drops),
                             renames=tuple(renames))


def _rename_target(st: _State, table: exp.Expression, action: exp.AlterRename, n_actions: int) -> Pair:
    """``ALTER TABLE t RENAME TO u``: the data and its column names are unchanged, so it writes
    nothing; but the schema map must follow the new name (the inspector moves ``t`` to ``u`` once
    the statement is allowed). Renaming onto a name the map still holds — a table dropped since the
    schema was reflected — would make the map describe the wrong columns: refused."""
    if n_actions != 1:
        raise SQLAnalysisError("ALTER TABLE ... RENAME TO combined with other actions is not supported")
    to = action.this
    if not isinstance(table, exp.Table) or not isinstance(table.this, exp.Identifier) or not isinstance(to, exp.Table) \
            or not isinstance(to.this, exp.Identifier):
        raise SQLAnalysisError("ALTER TABLE ... RENAME TO needs plain table names")
    new_db = (to.db or table.db or "").lower()
    new = to.name.lower() if not new_db or new_db in DEFAULT_NAMESPACES else f"{new_db}.{to.name.lower()}"
    if st.schema is None:
        return table.name.lower(), new
    old = st.schema.table_key(table.name, table.db or None)
    if old is None:
        shown = f"{table.db}.{table.name}" if table.db else table.name
        raise SQLAnalysisError(f"table `{shown}` is not in the schema")
    if st.schema.table_key(to.name, to.db or table.db or None) is not None:
        raise SQLAnalysisError(
            f"ALTER TABLE ... RENAME TO `{new}`: the schema already maps a table of that name; re-reflect the "
            "schema after migrations that drop tables"
        )
    return old, new


def analyse_statement(stmt: exp.Expression, st: _State) -> None:
    if isinstance(stmt, exp.Query):
        st.result = analyse_select(stmt, st)
    elif isinstance(stmt, exp.Insert):
        st.result = analyse_insert(stmt, st)
    elif isinstance(stmt, exp.Update):
        st.result = analyse_update(stmt, st)
    elif isinstance(stmt, exp.Delete):
        st.result = analyse_delete(stmt, st)
    elif isinstance(stmt, exp.Merge):
        st.result = analyse_merge(stmt, st)
    elif isinstance(stmt, exp.Copy):
        st.result = analyse_copy(stmt, st)
    elif isinstance(stmt, exp.Create):
        st.result = analyse_create(stmt, st)
    elif isinstance(stmt, exp.Alter):
        st.result = analyse_alter(stmt, st)
    else:  # transaction control, SET (checked), PRAGMA, DROP, TRUNCATE, DESCRIBE
        _mark_region(st, stmt)
        st.result = StatementAnalysis(type(stmt).__name__.lower())


# -- pass 4: accounting -------------------------------------------------------------------------


def account_columns(stmt: exp.Expression, st: _State) -> None:
    """Every column node outside an analysed region must have been attributed."""

    def pruned(n: exp.Expression) -> bool:
        return id(n) in st.regions

    for node in stmt.walk(prune=pruned):
        if id(node) in st.regions:
            continue
        if isinstance(node, (exp.Column, exp.TableColumn, exp.Star)) and id(node) not in st.accounted:
            where = node.parent.key if node.parent is not None else "statement"
            raise SQLAnalysisError(f"a column reference in `{where}` was not accounted for by the analysis")


RULES: tuple[Callable[[exp.Expression, _State], None], ...] = (
    reject_unsafe_statement,
    reject_unsafe_functions,
    number_parameters,
    analyse_statement,
    account_columns,
)


def analyse(sql: str, dialect: str = "postgres", schema: SchemaMap | None = None,
            limits: Limits = DEFAULT_LIMITS) -> Analysis:
    """Analyse a statement (or a ``;``-separated script). Raises SQLAnalysisError (no fingerprint)."""
    d = canonical_dialect(dialect)
    if is_passthrough(sql):
        return Analysis(d, (StatementAnalysis("control"),))
    statements = parse(sql, d, limits)
    results = []
    positional = 0
    for stmt in statements:
        st = _State(d, schema, limits)
        st.positional = positional
        for rule in RULES:
            try:
                rule(stmt, st)
            except RecursionError:
                raise SQLLimitError("statement is nested too deeply to analyse") from None
            except SQLAnalysisError:
                raise
            except SqlglotError as exc:
                raise SQLAnalysisError(f"statement cannot be analysed ({exc.__class__.__name__})") from None
            except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
                raise SQLAnalysisError(f"statement uses a construct the analysis does not handle ({exc.__class__.__name__})") from None
        positional = st.positional
        assert st.result is not None
        results.append(st.result)
    return Analysis(d, tuple(results), positional)


__all__ = ["Analysis", "RULES", "StatementAnalysis", "Value", "Write", "analyse"]
