"""Column lineage of one query: which physical columns each output column, and each predicate,
reads — through aliases, alias column lists, CTEs (renaming, recursive), derived tables, set
operations, ``*`` / ``t.*``, whole-row references, ``USING``/``NATURAL`` joins, table functions
and correlated subqueries.

sqlglot's ``qualify`` attaches every column to a source; :class:`Query` then walks the scopes.
The roles follow PostgreSQL's own query tree (the differential oracle in
``tests/sql/test_oracle_postgres.py`` compares them): an **output** is a SELECT-list entry (or
RETURNING) and depends on every column its expression reads, including those of scalar
subqueries and aggregates in it; a **filter** is a column read by WHERE, JOIN ON/USING, GROUP BY,
HAVING, ORDER BY, DISTINCT ON, LIMIT/OFFSET, a window's PARTITION BY/ORDER BY, the arguments of a
table function in FROM, or the SELECT list of a subquery used in a predicate (``IN (SELECT x)``) —
at any depth. An ``EXISTS`` subquery's SELECT list is neither (its rows' existence is all that is
used)."""

from __future__ import annotations

import re

from sqlglot import exp
from sqlglot.errors import OptimizeError, SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.qualify_columns import validate_qualify_columns
from sqlglot.optimizer.scope import Scope, build_scope

from ..errors import SQLAnalysisError, SQLLimitError
from .keys import json_key
from .model import KeyedUse, Pair
from .state import State

PSEUDO_COLUMNS = {
    "oracle": frozenset({"rownum", "rowid", "level", "sysdate", "systimestamp", "user", "uid"}),
    "postgres": frozenset({"ctid", "xmin", "xmax", "cmin", "cmax", "tableoid"}),
    "sqlite": frozenset({"rowid", "oid", "_rowid_"}),
    "mysql": frozenset(),
    "tsql": frozenset(),
}
# Built-in set-returning functions allowed in FROM. Their output columns are not physical columns:
# each output depends on the arguments passed in (``unnest(s.citizenship)`` reads citizenship).
TABLE_FUNCTIONS = frozenset(
    {
        "unnest", "generate_series", "generate_subscripts", "json_to_recordset", "jsonb_to_recordset",
        "json_to_record", "jsonb_to_record", "json_array_elements", "jsonb_array_elements",
        "json_array_elements_text", "jsonb_array_elements_text", "json_each", "jsonb_each", "json_each_text",
        "jsonb_each_text", "json_object_keys", "jsonb_object_keys", "regexp_matches", "regexp_split_to_table",
        "string_to_table", "json_tree", "jsonb_path_query",
    }
)


def _func_name(node: exp.Expression) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.this).lower()
    if isinstance(node, exp.Func):
        return str(node.sql_name()).lower()
    return ""


def _is_ancestor(a: exp.Expression, b: exp.Expression) -> bool:
    n: exp.Expression | None = b
    while n is not None:
        if n is a:
            return True
        n = n.parent
    return False


def union(sets) -> frozenset[Pair]:  # type: ignore[no-untyped-def]
    out: set[Pair] = set()
    for s in sets:
        out |= s
    return frozenset(out)


INPUT_ONLY = "sg_input_only"
GROUP_NAME = "sg_group_name"


def _own_nodes(select: exp.Select):  # type: ignore[no-untyped-def]
    """The nodes of one SELECT, not of the queries nested in it."""
    return select.walk(prune=lambda n: n is not select and isinstance(n, (exp.Query, exp.Subquery)))


def _unparen(it: exp.Expression) -> exp.Expression:
    while isinstance(it, exp.Paren):  # PostgreSQL's grammar drops the parentheses: ``(x)`` is ``x``
        it = it.this
    return it


def _group_items(items) -> list[exp.Expression]:  # type: ignore[no-untyped-def]
    """GROUP BY items with ROLLUP / CUBE / GROUPING SETS and row lists flattened (PostgreSQL
    resolves every name in them by the same rule, ``flatten_grouping_sets``)."""
    out: list[exp.Expression] = []
    for it in items:
        it = _unparen(it)
        if isinstance(it, (exp.Rollup, exp.Cube, exp.GroupingSets, exp.Tuple)):
            out += _group_items(it.expressions)
        else:
            out.append(it)
    return out


def mark_sort_group_names(tree: exp.Expression) -> None:
    """PostgreSQL's rules for a name in ORDER BY / DISTINCT ON / GROUP BY (parse_clause.c,
    ``findTargetlistEntrySQL92``): only a *bare* item that is a single name may be an output column
    (ORDER BY and DISTINCT ON prefer the output, GROUP BY the input — sqlglot's qualification
    agrees on both); every other column — in an expression there, in WHERE, HAVING, a window,
    the SELECT list — is an input column. Those are marked so that neither sqlglot's alias
    expansion nor the output lookup attributes them to an output alias that shadows them."""
    for select in list(tree.find_all(exp.Select)):
        bare: set[int] = set()
        order = select.args.get("order")
        distinct = select.args.get("distinct")
        items: list[exp.Expression] = [_unparen(o.this) for o in order.expressions] if isinstance(order, exp.Order) else []
        if isinstance(distinct, exp.Distinct) and isinstance(distinct.args.get("on"), exp.Expression):
            items += [_unparen(e) for e in distinct.args["on"].expressions]
        group = select.args.get("group")
        grouped = _group_items(group.expressions) if isinstance(group, exp.Group) else []
        items += grouped
        projections = select.expressions
        for i, it in enumerate(items):  # ORDER BY 2, ROLLUP (2), (2): the second output's expression
            if isinstance(it, exp.Literal) and it.is_int and 1 <= int(it.name) <= len(projections):
                proj = projections[int(it.name) - 1]
                body = proj.this if isinstance(proj, exp.Alias) else proj
                if not body.find(exp.Star) and not isinstance(body, exp.Literal):
                    it.replace(body.copy())
                    items[i] = exp.Null()  # an expression over input columns now, never an output name
        if grouped:
            for it in grouped:
                if isinstance(it, exp.Column) and not it.table and isinstance(it.this, exp.Identifier):
                    it.meta[GROUP_NAME] = True
        for it in items:
            if isinstance(it, exp.Column) and not it.table and isinstance(it.this, exp.Identifier):
                bare.add(id(it))
        for node in _own_nodes(select):
            if isinstance(node, exp.Column) and not node.table and id(node) not in bare:
                node.meta[INPUT_ONLY] = True


def resolve_group_output_names(tree: exp.Expression, schema_known: bool) -> None:
    """After qualification: a bare GROUP BY name that is no column of the query's *own* FROM items
    is the output column of that name (PostgreSQL's ``findTargetlistEntrySQL92`` looks the input
    up with ``colNameToVar(localonly)``, then the target list). sqlglot leaves such a name
    unqualified, or qualifies it with an outer query's table; it is replaced by the output's
    expression, as PostgreSQL groups by that target entry. Names no output carries are left for
    validation / correlation (an outer column, as PostgreSQL resolves it then). Without a schema
    an unqualified name may still be an input column: it is grouped by both (read either way)."""
    root = build_scope(tree)
    if root is None:
        return
    for scope in root.traverse():
        select = scope.expression
        group = select.args.get("group") if isinstance(select, exp.Select) else None
        if not isinstance(group, exp.Group):
            continue
        for it in [n for n in group.walk() if isinstance(n, exp.Column) and n.meta.get(GROUP_NAME)]:
            if not isinstance(it, exp.Column):
                continue
            if it.table and it.table in scope.selected_sources:
                continue  # an input column of this query: PostgreSQL prefers it in GROUP BY
            hits = [p for p in select.expressions if p.alias_or_name == it.name]
            if not hits:
                continue
            bodies = [p.this if isinstance(p, exp.Alias) else p for p in hits]
            if len({b.sql() for b in bodies}) > 1:
                raise SQLAnalysisError(f"GROUP BY `{it.name}` is ambiguous between the statement's output columns")
            body = bodies[0]
            if body.find(exp.AggFunc, exp.Window):
                raise SQLAnalysisError(f"GROUP BY `{it.name}` names an output computed by an aggregate or window function")
            if schema_known or it.table:
                it.replace(exp.paren(body.copy(), copy=False))
            elif not (isinstance(body, exp.Column) and body.name == it.name):
                unknown = it.copy()
                unknown.meta[INPUT_ONLY] = True
                it.replace(exp.Tuple(expressions=[body.copy(), unknown]))


class Query:
    """One qualified query tree: column resolution through scopes, lineage of outputs."""

    def __init__(self, tree: exp.Expression, st: State):
        self.st = st
        before = {id(n) for n in tree.find_all(exp.Coalesce)}
        pg = st.dialect == "postgres"  # SQLite / MySQL read output aliases in more places
        if pg:
            mark_sort_group_names(tree)
        try:
            self.tree = qualify(
                tree,
                schema=st.mapping_schema(),
                dialect=st.dialect,
                validate_qualify_columns=st.schema is not None and not pg,
                quote_identifiers=False,
                identify=False,
                expand_alias_refs=not pg,  # PostgreSQL's own rules: mark_sort_group_names / resolve_column
            )
            if pg:
                resolve_group_output_names(self.tree, st.schema is not None)
                if st.schema is not None:
                    validate_qualify_columns(self.tree)
        except OptimizeError as exc:
            m = re.match(r"Column '([^']+)' could not be resolved", str(exc))
            if m:
                raise SQLAnalysisError(f"column `{m.group(1)}` is not in the schema of any table the statement names") from None
            if "mbiguous" in str(exc):
                raise SQLAnalysisError("a column reference is ambiguous between the statement's tables") from None
            raise SQLAnalysisError(f"columns cannot be qualified ({exc.__class__.__name__})") from None
        except RecursionError:
            raise SQLLimitError("statement is nested too deeply to qualify") from None
        except SqlglotError as exc:
            raise SQLAnalysisError(f"columns cannot be qualified ({exc.__class__.__name__})") from None
        self._using_columns(before)
        root = build_scope(self.tree)
        if root is None:
            raise SQLAnalysisError("query has no analysable scope")
        self.root = root
        self.scopes = list(root.traverse())
        self.by_expr: dict[int, Scope] = {id(s.expression): s for s in self.scopes}
        self._outputs: dict[int, list[tuple[str, frozenset[Pair]]] | None] = {}
        self.visited: set[int] = set()
        self.filters: set[Pair] = set()

    # -- USING / NATURAL joins -----------------------------------------------------------------
    def _using_columns(self, before: set[int]) -> None:
        """sqlglot expands a ``USING (id)`` column to ``COALESCE(a.id, b.id)`` for every join kind;
        PostgreSQL's merged column is the left input's for INNER/LEFT joins and the right input's
        for RIGHT joins (only FULL joins coalesce). The join condition reads both either way."""
        for co in list(self.tree.find_all(exp.Coalesce)):
            if id(co) in before:
                continue
            args = [co.this, *co.expressions]
            if not all(isinstance(a, exp.Column) for a in args) or len({a.name for a in args}) != 1:
                continue
            select = co.find_ancestor(exp.Select)
            if select is None:
                continue
            sides = {str(j.args.get("side") or "").upper() for j in select.args.get("joins") or ()}
            if "FULL" in sides:
                continue
            if sides == {"RIGHT"}:
                co.replace(args[-1].copy())
            elif "RIGHT" not in sides:
                co.replace(args[0].copy())

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
        st = self.st
        if not isinstance(table.this, exp.Identifier):
            raise SQLAnalysisError("a column comes from a table function the inspector cannot resolve")
        rel = st.relation_of(table)
        if rel is None:
            if st.schema is not None:
                raise SQLAnalysisError(f"table `{table.name}` is not in the schema")
            if column in {table.name, table.alias or ""}:
                raise SQLAnalysisError(f"`{column}` may be a whole-row reference; give the schema")
            return frozenset({(table.name, column)})
        alias = table.args.get("alias")
        renamed = [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) and alias.columns else []
        col = None
        if column in renamed:
            pos = renamed.index(column)
            if pos < len(rel.columns):
                col = rel.columns[pos]
        else:
            col = rel.column(column, st.dialect)
            if col is not None and renamed and rel.columns.index(col) < len(renamed):
                col = None  # renamed away by the alias column list: the old name is gone
        if col is None:
            raise SQLAnalysisError(f"column `{column}` is not in the schema of table `{rel.key}`")
        if rel.catalog is not None:
            return frozenset()  # metadata; a value-holding catalog is decided as a whole (data_catalogs)
        return frozenset({(rel.key, col.name)})

    def resolve_column(self, col: exp.Column, scope: Scope) -> frozenset[Pair]:
        self.visited.add(id(col))
        tname = col.table
        found = self._source(tname, scope) if tname else None
        if found is None:
            if not tname and col.name in PSEUDO_COLUMNS.get(self.st.dialect, frozenset()):
                return frozenset()  # ROWNUM, ROWID, ctid ...: no personal data
            if not tname and col.meta.get(INPUT_ONLY):
                # an input column in an expression (PostgreSQL never reads an output alias there)
                return self._input_column(col, scope)
            if not tname:
                # a reference to an output name (a bare ORDER BY / DISTINCT ON / GROUP BY name, a
                # set operation's ORDER BY)
                expr = scope.expression
                if isinstance(expr, exp.Select):
                    hits = [p for p in expr.expressions if p.alias_or_name == col.name and not _is_ancestor(p, col)]
                    if len({(p.this if isinstance(p, exp.Alias) else p).sql() for p in hits}) > 1:
                        raise SQLAnalysisError(f"`{col.name}` is ambiguous between the statement's output columns")
                    if hits:
                        return self.expr_deps(scope, hits[0])
                elif isinstance(expr, exp.SetOperation):
                    for name, deps in self.outputs(scope):
                        if name == col.name:
                            return deps
                if self.st.schema is None:
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

    def _input_column(self, col: exp.Column, scope: Scope) -> frozenset[Pair]:
        """An unqualified name PostgreSQL resolves among the FROM items only (then outer queries)."""
        s: Scope | None = scope
        while s is not None:
            hits: list[frozenset[Pair]] = []
            for src in s.selected_sources.values():
                node = src[1] if isinstance(src, tuple) else src
                if isinstance(node, exp.Table) and isinstance(node.this, exp.Identifier):
                    try:
                        hits.append(self._physical(node, col.name))
                    except SQLAnalysisError:
                        continue
                elif isinstance(node, exp.Table):
                    raise SQLAnalysisError(f"column `{col.name}` may come from a table function; qualify it")
                elif isinstance(node, Scope):
                    for name, deps in self.outputs(node):
                        if name == col.name:
                            hits.append(deps)
                            break
            if len(hits) > 1:
                raise SQLAnalysisError(f"column `{col.name}` is ambiguous between the statement's tables")
            if hits:
                return hits[0]
            s = s.parent
        raise SQLAnalysisError(f"column `{col.name}` is not in the schema of any table the statement names")

    def whole_row(self, node: exp.Expression, scope: Scope) -> frozenset[Pair]:
        """``SELECT s FROM students s``, ``row_to_json(s)``: every column of the source."""
        self.visited.add(id(node))
        found = self._source(node.name, scope)
        if found is None:
            raise SQLAnalysisError(f"whole-row reference `{node.name}` cannot be attributed to a table")
        src, owner = found
        if isinstance(src, exp.Table) and not isinstance(src.this, exp.Identifier):
            return self._table_function(src, None, owner)
        if isinstance(src, exp.Table):
            rel = self.st.relation_of(src)
            if rel is None:
                raise SQLAnalysisError(f"whole-row reference `{node.name}` needs a schema to know its columns")
            if rel.catalog is not None:
                return frozenset()
            return frozenset((rel.key, c.name) for c in rel.columns)
        if isinstance(src, Scope):
            return union(d for _, d in self.outputs(src))
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
        declared = [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) else []
        if column is not None and declared and column not in declared:
            raise SQLAnalysisError(f"column `{column}` is not an output of table function `{name}()`")
        return self.expr_deps(scope, fn)

    def _unnest_outputs(self, scope: Scope, expr: exp.Unnest) -> list[tuple[str, frozenset[Pair]]]:
        """``unnest(a, b) AS u(x, y)``: PostgreSQL zips the arrays (``ROWS FROM (unnest(a),
        unnest(b))``): output k depends on array k; an ordinality column on all of them."""
        per = [self.expr_deps(scope, e) for e in expr.expressions]
        every = union(per)
        offset = expr.args.get("offset")
        if isinstance(offset, exp.Expression):
            every |= self.expr_deps(scope, offset)
        alias = expr.args.get("alias")
        names = [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) and alias.columns else []
        if not names:
            names = [alias.name] if isinstance(alias, exp.TableAlias) and alias.name else ["unnest"]
        if len(per) == 1:
            return [(n, every) for n in names]
        return [(n, per[i] if i < len(per) else every) for i, n in enumerate(names)]

    def _values_outputs(self, scope: Scope, expr: exp.Values) -> list[tuple[str, frozenset[Pair]]]:
        """``(VALUES (a, b), (c, d)) AS v(x, y)``: column k depends on the k-th entry of each row."""
        rows = [list(r.expressions) if isinstance(r, exp.Tuple) else [r] for r in expr.expressions]
        width = max((len(r) for r in rows), default=0)
        alias = expr.args.get("alias")
        names = [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) and alias.columns else []
        names += [f"column{i + 1}" for i in range(len(names), width)]
        return [(names[k], union(self.expr_deps(scope, r[k]) for r in rows if k < len(r))) for k in range(width)]

    def _is_child_scope(self, node: exp.Expression, scope: Scope) -> bool:
        return id(node) in self.by_expr and self.by_expr[id(node)] is not scope

    @staticmethod
    def _under_exists(scope_expr: exp.Expression) -> bool:
        p = scope_expr.parent
        while isinstance(p, exp.Subquery):
            p = p.parent
        return isinstance(p, exp.Exists)

    def _prune(self, n: exp.Expression, expr: exp.Expression, scope: Scope) -> bool:
        if n is expr:
            return False
        if self._is_child_scope(n, scope):
            return True
        # a window's PARTITION BY / ORDER BY decide which rows a value is computed over: filters
        return isinstance(n.parent, exp.Window) and n.arg_key in ("partition_by", "order")

    def expr_deps(self, scope: Scope, expr: exp.Expression) -> frozenset[Pair]:
        deps: set[Pair] = set()
        for node in expr.walk(prune=lambda n: self._prune(n, expr, scope)):
            if node is not expr and isinstance(node.parent, exp.Window) and node.arg_key in ("partition_by", "order"):
                continue
            if node is not expr and self._is_child_scope(node, scope):
                if not self._under_exists(node):
                    for _, d in self.outputs(self.by_expr[id(node)]):
                        deps |= d
            elif isinstance(node, exp.Column):
                if isinstance(node.this, exp.Star):
                    self._star(node)
                else:
                    deps |= self.resolve_column(node, scope)
            elif isinstance(node, exp.TableColumn):
                deps |= self.whole_row(node, scope)
            elif isinstance(node, exp.Star):
                self._star(node)
        return frozenset(deps)

    def _star(self, node: exp.Expression) -> None:
        star = node if isinstance(node, exp.Star) else node.this
        parent = node.parent
        self.visited.add(id(node))
        self.visited.add(id(star))
        if isinstance(parent, exp.Count) or (isinstance(parent, exp.Column) and isinstance(parent.parent, exp.Count)):
            return
        if isinstance(parent, exp.Select) and self._under_exists(parent):
            return  # EXISTS (SELECT * ...): the columns are never read
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
            out = [(proj.alias_or_name, self.expr_deps(scope, proj)) for proj in expr.expressions]
        elif isinstance(expr, exp.Unnest):
            out = self._unnest_outputs(scope, expr)
        elif isinstance(expr, exp.Values):
            out = self._values_outputs(scope, expr)
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

    # -- values ----------------------------------------------------------------------------------
    def values_of(self, scope: Scope, expr: exp.Expression, depth: int = 0) -> list[exp.Expression] | None:
        """The literal / placeholder / NULL nodes an expression passes through unchanged (casts
        aside), following columns into CTEs, derived tables, VALUES lists and UNION branches; None
        when any of them is computed (then the value cannot be known before the statement runs)."""
        e = expr.this if isinstance(expr, exp.Alias) else expr
        while isinstance(e, (exp.Cast, exp.TryCast, exp.Paren)):
            e = e.this
        if isinstance(e, (exp.Literal, exp.Null, exp.Boolean, exp.Placeholder)):
            return [e]
        if depth > 16 or not isinstance(e, exp.Column) or isinstance(e.this, exp.Star):
            return None
        found = self._source(e.table, scope) if e.table else None
        if found is None:
            return None
        src, _ = found
        if not isinstance(src, Scope):
            return None
        return self._scope_values(src, e.name, depth + 1)

    def _scope_values(self, scope: Scope, name: str, depth: int) -> list[exp.Expression] | None:
        scope = self.by_expr.get(id(scope.expression), scope)
        expr = scope.expression
        if isinstance(expr, exp.Select):
            if expr.args.get("group") or expr.args.get("having"):
                return None
            for proj in expr.expressions:
                if proj.alias_or_name == name:
                    return self.values_of(scope, proj, depth)
            return None
        if isinstance(expr, exp.Values):
            alias = expr.args.get("alias")
            names = [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) and alias.columns else []
            if name not in names:
                return None
            k = names.index(name)
            out: list[exp.Expression] = []
            for row in expr.expressions:
                vals = list(row.expressions) if isinstance(row, exp.Tuple) else [row]
                v = vals[k] if k < len(vals) else None
                while isinstance(v, (exp.Cast, exp.TryCast, exp.Paren)):
                    v = v.this
                if not isinstance(v, (exp.Literal, exp.Null, exp.Boolean, exp.Placeholder)):
                    return None
                out.append(v)
            return out
        if isinstance(expr, exp.SetOperation):
            left = self._branch_scope(expr.left)
            right = self._branch_scope(expr.right)
            names = [n for n, _ in self.outputs(scope)]
            if name not in names:
                return None
            k = names.index(name)
            res: list[exp.Expression] = []
            for branch in (left, right):
                bnames = [n for n, _ in self.outputs(branch)]
                got = self._scope_values(branch, bnames[k], depth + 1) if k < len(bnames) else None
                if got is None:
                    return None
                res.extend(got)
            return res
        return None

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
        """Resolve every column node in every scope; collect filters."""
        for scope in self.scopes:
            exists = self._under_exists(scope.expression)
            for node in scope.walk():
                if isinstance(node, exp.Column) and isinstance(node.this, exp.Star):
                    self._star(node)
                elif isinstance(node, exp.Column):
                    deps = self.resolve_column(node, scope)
                    role = self.clause(node, scope)
                    if role == "filter":
                        self.filters |= deps
                    key = json_key(node, self.st) if deps else None
                    if key is not None:
                        for t, c in sorted(deps):
                            self.st.keyed.append(KeyedUse(t, c, key, "filter" if role == "filter" else "read"))
                elif isinstance(node, exp.TableColumn):
                    deps = self.whole_row(node, scope)
                    if self.clause(node, scope) == "filter":
                        self.filters |= deps
                elif isinstance(node, exp.Star):
                    self._star(node)
            if scope.is_subquery and scope.parent is not None and not exists:
                if self.clause(scope.expression, scope.parent) == "filter":
                    for _, d in self.outputs(scope):
                        self.filters |= d
        self._account()

    def _account(self) -> None:
        for node in self.tree.walk():
            if isinstance(node, (exp.Column, exp.TableColumn, exp.Star)) and id(node) not in self.visited:
                where = node.parent.key if node.parent is not None else "statement"
                raise SQLAnalysisError(f"a column reference in `{where}` was not accounted for by the analysis")

    def root_outputs(self) -> list[tuple[str, frozenset[Pair]]]:
        return self.outputs(self.root)


def query(tree: exp.Expression, st: State) -> Query:
    q = Query(tree, st)
    q.run()
    return q


__all__ = ["PSEUDO_COLUMNS", "Query", "TABLE_FUNCTIONS", "query", "union"]
