"""PostgreSQL as the oracle: what the server itself says a statement reads, filters on and writes.

For a statement, the server's *rewritten query tree* (``debug_print_rewritten``, sent to the client
as a LOG message when ``client_min_messages = log``) is parsed here, and the lineage is computed
from PostgreSQL's own name resolution: every ``Var`` points at a range-table entry the server
resolved (search_path, folding, truncation, alias column lists, joins, CTEs, subqueries), every
``Param`` has the number the server gave it. From the tree:

* **outputs** — per non-junk target-list entry (or RETURNING entry) of the top query, the set of
  base columns its expression depends on (through subqueries, CTEs, joins' merged columns, VALUES,
  function RTEs; scalar/ANY sublinks count, EXISTS sublinks do not);
* **filters** — base columns in WHERE/JOIN quals, HAVING, GROUP BY, ORDER BY, DISTINCT ON, window
  PARTITION/ORDER, LIMIT/OFFSET, function-RTE arguments and ON CONFLICT arbiters/WHERE, at every
  query level reached (subqueries, CTEs, sublinks), plus the outputs of sublinks used in quals;
* **writes** — per target column: the parameters (``$n``), and the base columns, its value comes
  from (INSERT VALUES rows, INSERT … SELECT, UPDATE SET, ON CONFLICT DO UPDATE, MERGE actions).

Parameter types come from ``pg_prepared_statements``. The tests compare all of this with the
inspector (``test_oracle_postgres.py``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

# -- the node-dump format (PostgreSQL's outfuncs.c / read.c) ----------------------------------


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "(){}":
            out.append(ch)
            i += 1
            continue
        buf = []
        while i < n and not text[i].isspace() and text[i] not in "(){}":
            if text[i] == "\\" and i + 1 < n:
                buf.append(text[i + 1])
                i += 2
                continue
            buf.append(text[i])
            i += 1
        out.append("".join(buf))
    return out


class _Parser:
    def __init__(self, toks: list[str]):
        self.t = toks
        self.i = 0

    def peek(self) -> str | None:
        return self.t[self.i] if self.i < len(self.t) else None

    def take(self) -> str:
        tok = self.t[self.i]
        self.i += 1
        return tok

    def value(self) -> Any:
        tok = self.take()
        if tok == "{":
            return self.node()
        if tok == "(":
            return self.list_()
        if tok == "<>":
            return None
        if tok == "[":
            while self.take() != "]":
                pass
            return "<datum>"
        return tok

    def list_(self) -> Any:
        first = self.peek()
        if first in ("i", "o", "b", "x"):
            self.take()
            vals = []
            while self.peek() != ")":
                vals.append(int(self.take()))
            self.take()
            return {"_list": first, "items": vals}
        vals = []
        while self.peek() != ")":
            v = self.value()
            if isinstance(v, str) and len(v) >= 2 and v[0] == '"' and v[-1] == '"':
                v = v[1:-1]
            vals.append(v)
        self.take()
        return vals

    def node(self) -> dict[str, Any]:
        name = self.take()
        out: dict[str, Any] = {"_node": name}
        while self.peek() != "}":
            key = self.take()
            if not key.startswith(":"):
                raise ValueError(f"expected a field name, got {key!r}")
            vals = []
            while self.peek() not in ("}",) and not (self.peek() or "").startswith(":"):
                vals.append(self.value())
            out[key[1:]] = vals[0] if len(vals) == 1 else (vals if vals else None)
        self.take()
        return out


def parse_tree(text: str) -> list[dict[str, Any]]:
    p = _Parser(_tokens(text))
    v = p.value()
    return v if isinstance(v, list) else [v]


# -- lineage ----------------------------------------------------------------------------------

FIRST_LOW_INVALID = -7  # FirstLowInvalidHeapAttributeNumber: bitmapset members are attno - this


def _i(v: Any) -> int:
    return int(v) if v is not None else 0


def _lst(v: Any) -> list[Any]:
    if v is None:
        return []
    if isinstance(v, dict) and "_list" in v:
        return v["items"]
    return v if isinstance(v, list) else [v]


@dataclass
class Lineage:
    outputs: list[frozenset[tuple[str, str]]] = field(default_factory=list)
    output_names: list[str] = field(default_factory=list)
    filters: set[tuple[str, str]] = field(default_factory=set)
    # target (table, column) -> {"params": {n, ...}, "sources": {...}, "rows": [params per row]}
    writes: dict[tuple[str, str], dict[str, set[Any]]] = field(default_factory=dict)
    command: int = 1


class _Walker:
    def __init__(self, columns: dict[int, tuple[str, list[str]]]):
        self.columns = columns  # relid -> (table name, [column by attno-1])
        self.memo: dict[tuple[int, int], frozenset[tuple[str, str]]] = {}
        self.filters: set[tuple[str, str]] = set()
        self.visited: set[int] = set()

    # queries are dicts; a stack gives the enclosing levels for varlevelsup / ctelevelsup
    def rel_cols(self, relid: int, attno: int) -> frozenset[tuple[str, str]]:
        name, cols = self.columns[relid]
        if attno > 0:
            return frozenset({(name, cols[attno - 1])})
        if attno == 0:
            return frozenset((name, c) for c in cols if c is not None)
        return frozenset()

    def var(self, var: dict[str, Any], stack: list[dict[str, Any]]) -> frozenset[tuple[str, str]]:
        up = _i(var.get("varlevelsup"))
        q = stack[-1 - up]
        qstack = stack[: len(stack) - up]
        rte = _lst(q.get("rtable"))[_i(var["varno"]) - 1]
        return self.rte_col(rte, _i(var["varattno"]), qstack)

    def rte_col(self, rte: dict[str, Any], attno: int, stack: list[dict[str, Any]]) -> frozenset[tuple[str, str]]:
        kind = _i(rte.get("rtekind"))
        if kind == 0:
            return self.rel_cols(_i(rte["relid"]), attno)
        if kind == 1:
            return self.tle(rte["subquery"], attno, stack)
        if kind == 2:
            aliases = _lst(rte.get("joinaliasvars"))
            if attno == 0:
                out: set[tuple[str, str]] = set()
                for e in aliases:
                    out |= self.expr(e, stack)
                return frozenset(out)
            return self.expr(aliases[attno - 1], stack)
        if kind == 3:
            out = set()
            for f in _function_for(rte, attno):
                out |= self.expr(f.get("funcexpr"), stack)
            return frozenset(out)
        if kind == 5:
            out = set()
            for row in _lst(rte.get("values_lists")):
                items = _lst(row)
                if attno == 0:
                    for e in items:
                        out |= self.expr(e, stack)
                elif attno - 1 < len(items):
                    out |= self.expr(items[attno - 1], stack)
            return frozenset(out)
        if kind == 6:
            levels = _i(rte.get("ctelevelsup"))
            owner = stack[-1 - levels]
            for cte in _lst(owner.get("cteList")):
                if cte.get("ctename") == rte.get("ctename"):
                    return self.tle(cte["ctequery"], attno, stack[: len(stack) - levels])
            raise KeyError(f"CTE {rte.get('ctename')} not found")
        return frozenset()

    def tle(self, q: dict[str, Any], attno: int, stack: list[dict[str, Any]]) -> frozenset[tuple[str, str]]:
        key = (id(q), attno)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = frozenset()  # recursive CTE: the self-reference adds nothing new
        inner = [*stack, q]
        self.query_filters(q, stack)
        if q.get("setOperations") is not None:
            out: set[tuple[str, str]] = set()
            for leaf in self.setop_leaves(q["setOperations"]):
                out |= self.rte_col(_lst(q["rtable"])[leaf - 1], attno, inner)
            res = frozenset(out)
        else:
            entries = [t for t in _lst(q.get("returningList") or q.get("targetList")) if t.get("resjunk") != "true"]
            if _i(q.get("commandType")) != 1 and q.get("returningList"):
                entries = _lst(q.get("returningList"))
            if attno == 0:
                res = frozenset().union(*(self.expr(t["expr"], inner) for t in entries)) if entries else frozenset()
            else:
                res = frozenset()
                for t in entries:
                    if _i(t["resno"]) == attno:
                        res = self.expr(t["expr"], inner)
                        break
        self.memo[key] = res
        return res

    def setop_leaves(self, node: dict[str, Any]) -> list[int]:
        if node.get("_node") == "RANGETBLREF":
            return [_i(node["rtindex"])]
        return self.setop_leaves(node["larg"]) + self.setop_leaves(node["rarg"])

    def expr(self, e: Any, stack: list[dict[str, Any]]) -> frozenset[tuple[str, str]]:
        out: set[tuple[str, str]] = set()
        self._walk(e, stack, out)
        return frozenset(out)

    def _walk(self, e: Any, stack: list[dict[str, Any]], out: set[tuple[str, str]]) -> None:
        if isinstance(e, list):
            for x in e:
                self._walk(x, stack, out)
            return
        if not isinstance(e, dict) or "_node" not in e:
            return
        kind = e["_node"]
        if kind == "VAR":
            out |= self.var(e, stack)
            return
        if kind == "SUBLINK":
            sub = e["subselect"]
            self.query_filters(sub, stack)
            if _i(e.get("subLinkType")) != 0:  # not EXISTS: its outputs are values the expression uses
                out |= self.tle(sub, 0, stack)
            self._walk(e.get("testexpr"), stack, out)
            return
        if kind == "QUERY":
            return
        for k, v in e.items():
            if k != "_node":
                self._walk(v, stack, out)

    def _sortgroup(self, q: dict[str, Any], clauses: Any, inner: list[dict[str, Any]]) -> None:
        refs = {_i(c.get("tleSortGroupRef")) for c in _lst(clauses)}
        for t in _lst(q.get("targetList")):
            if _i(t.get("ressortgroupref")) in refs and _i(t.get("ressortgroupref")):
                if q.get("setOperations") is not None:  # ORDER BY of a UNION sorts every branch's values
                    self.filters |= self.tle(q, _i(t["resno"]), inner[:-1])
                else:
                    self.filters |= self.expr(t["expr"], inner)

    def _jointree(self, node: Any, inner: list[dict[str, Any]], q: dict[str, Any]) -> None:
        if not isinstance(node, dict):
            return
        kind = node.get("_node")
        if kind == "FROMEXPR":
            for item in _lst(node.get("fromlist")):
                self._jointree(item, inner, q)
            self.filters |= self.expr(node.get("quals"), inner)
        elif kind == "JOINEXPR":
            self._jointree(node.get("larg"), inner, q)
            self._jointree(node.get("rarg"), inner, q)
            self.filters |= self.expr(node.get("quals"), inner)

    def query_filters(self, q: dict[str, Any], stack: list[dict[str, Any]]) -> None:
        if id(q) in self.visited:
            return
        self.visited.add(id(q))
        inner = [*stack, q]
        for cte in _lst(q.get("cteList")):
            self.query_filters(cte["ctequery"], inner)
        for rte in _lst(q.get("rtable")):
            kind = _i(rte.get("rtekind"))
            if kind == 1:
                self.query_filters(rte["subquery"], inner)
            elif kind == 3:
                for f in _lst(rte.get("functions")):
                    self.filters |= self.expr(f.get("funcexpr"), inner)
        self._jointree(q.get("jointree"), inner, q)
        self.filters |= self.expr(q.get("havingQual"), inner)
        self.filters |= self.expr(q.get("limitCount"), inner)
        self.filters |= self.expr(q.get("limitOffset"), inner)
        self._sortgroup(q, q.get("groupClause"), inner)
        self._sortgroup(q, q.get("sortClause"), inner)
        if q.get("hasDistinctOn") == "true":
            self._sortgroup(q, q.get("distinctClause"), inner)
        for w in _lst(q.get("windowClause")):
            self._sortgroup(q, w.get("partitionClause"), inner)
            self._sortgroup(q, w.get("orderClause"), inner)
        oc = q.get("onConflict")
        if isinstance(oc, dict):
            self.filters |= self.expr(oc.get("arbiterElems"), inner)
            self.filters |= self.expr(oc.get("arbiterWhere"), inner)
            self.filters |= self.expr(oc.get("onConflictWhere"), inner)
        for a in _lst(q.get("mergeActionList")):
            self.filters |= self.expr(a.get("qual"), inner)
        # sublinks in the target list: their own quals (walked for their filters)
        for t in _lst(q.get("targetList")) + _lst(q.get("returningList")):
            self._sublink_filters(t, inner)

    def _sublink_filters(self, e: Any, stack: list[dict[str, Any]]) -> None:
        if isinstance(e, list):
            for x in e:
                self._sublink_filters(x, stack)
        elif isinstance(e, dict):
            if e.get("_node") == "SUBLINK":
                self.query_filters(e["subselect"], stack)
                return
            if e.get("_node") == "QUERY":
                return
            for k, v in e.items():
                if k != "_node":
                    self._sublink_filters(v, stack)

    # -- writes ------------------------------------------------------------------------------
    def atoms(self, e: Any, stack: list[dict[str, Any]], q: dict[str, Any]) -> tuple[set[int], frozenset[tuple[str, str]]]:
        """(params, sources) of a written expression; a Var of a VALUES RTE is its rows' params."""
        params: set[int] = set()
        self._params(e, stack, params, q)
        return params, self.expr(e, stack)

    def _params(self, e: Any, stack: list[dict[str, Any]], out: set[int], q: dict[str, Any]) -> None:
        if isinstance(e, list):
            for x in e:
                self._params(x, stack, out, q)
            return
        if not isinstance(e, dict):
            return
        kind = e.get("_node")
        if kind == "PARAM" and _i(e.get("paramkind")) == 0:
            out.add(_i(e["paramid"]))
            return
        if kind == "VAR" and _i(e.get("varlevelsup")) == 0:
            owner = stack[-1]
            rte = _lst(owner.get("rtable"))[_i(e["varno"]) - 1]
            if _i(rte.get("rtekind")) == 5:
                for row in _lst(rte.get("values_lists")):
                    items = _lst(row)
                    self._params(items[_i(e["varattno"]) - 1], stack, out, q)
            elif _i(rte.get("rtekind")) == 1:
                sub = rte["subquery"]
                for t in _lst(sub.get("targetList")):
                    if _i(t["resno"]) == _i(e["varattno"]):
                        self._params(t["expr"], [*stack, sub], out, q)
            elif _i(rte.get("rtekind")) == 3:
                for f in _function_for(rte, _i(e["varattno"])):
                    self._params(f.get("funcexpr"), stack, out, q)
            elif _i(rte.get("rtekind")) == 6:  # a CTE: the parameters its output column passes on
                levels = _i(rte.get("ctelevelsup"))
                owner = stack[-1 - levels]
                for cte in _lst(owner.get("cteList")):
                    if cte.get("ctename") == rte.get("ctename"):
                        cq = cte["ctequery"]
                        for t in _lst(cq.get("targetList")):
                            if _i(t["resno"]) == _i(e["varattno"]) and t.get("resjunk") != "true":
                                self._params(t["expr"], [*stack[: len(stack) - levels], cq], out, q)
            return
        if kind in ("QUERY",):
            return
        for k, v in e.items():
            if k != "_node":
                self._params(v, stack, out, q)


def lineage(tree: dict[str, Any], columns: dict[int, tuple[str, list[str]]]) -> Lineage:
    w = _Walker(columns)
    q = tree
    lin = Lineage(command=_i(q.get("commandType")))
    stack: list[dict[str, Any]] = []
    w.query_filters(q, stack)
    inner = [q]
    cmd = lin.command
    entries = _lst(q.get("returningList")) if cmd != 1 else [
        t for t in _lst(q.get("targetList")) if t.get("resjunk") != "true"]
    if cmd == 1 and q.get("setOperations") is not None:
        n = len([t for t in _lst(q.get("targetList")) if t.get("resjunk") != "true"])
        for k in range(1, n + 1):
            lin.outputs.append(w.tle(q, k, stack))
    else:
        for t in entries:
            lin.outputs.append(w.expr(t["expr"], inner))
            lin.output_names.append(str(t.get("resname")))
    _dml_writes(w, q, [], lin, columns)
    for cte in _lst(q.get("cteList")):
        cq = cte.get("ctequery")
        if isinstance(cq, dict) and _i(cq.get("commandType")) in (2, 3, 4, 5):
            _dml_writes(w, cq, [q], lin, columns)
    lin.filters = w.filters
    return lin


def _dml_writes(w: _Walker, q: dict[str, Any], stack: list[dict[str, Any]], lin: Lineage,
                columns: dict[int, tuple[str, list[str]]]) -> None:
    cmd = _i(q.get("commandType"))
    if cmd not in (2, 3, 5):
        return
    inner = [*stack, q]
    w.query_filters(q, stack)
    target_rte = _lst(q["rtable"])[_i(q["resultRelation"]) - 1]
    tname, tcols = columns[_i(target_rte["relid"])]
    inserted: dict[int, tuple[set[int], frozenset[tuple[str, str]]]] = {}
    tlists: list[Any] = []
    if cmd in (2, 3):
        tlists.append(_lst(q.get("targetList")))
    for a in _lst(q.get("mergeActionList")):
        tlists.append(_lst(a.get("targetList")))
    for tl in tlists:
        for t in tl:
            if t.get("resjunk") == "true":
                continue
            attno = _i(t["resno"])
            params, sources = w.atoms(t["expr"], inner, q)
            rec = lin.writes.setdefault((tname, tcols[attno - 1]), {"params": set(), "sources": set()})
            rec["params"] |= params
            rec["sources"] |= sources
            if cmd == 3:
                inserted[attno] = (params, sources)
    oc = q.get("onConflict")
    if isinstance(oc, dict):
        excl = _i(oc.get("exclRelIndex"))
        for t in _lst(oc.get("onConflictSet")):
            if t.get("resjunk") == "true":
                continue
            attno = _i(t["resno"])
            rec = lin.writes.setdefault((tname, tcols[attno - 1]), {"params": set(), "sources": set()})
            params: set[int] = set()
            _excluded_params(t["expr"], excl, inserted, params)
            p2, sources = w.atoms(t["expr"], inner, q)
            rec["params"] |= params | p2
            rec["sources"] |= sources


def _function_for(rte: dict[str, Any], attno: int) -> list[dict[str, Any]]:
    """The function of a function RTE (``ROWS FROM (f(), g())``, multi-argument UNNEST) whose
    output column ``attno`` is; all of them for a whole-row reference."""
    funcs = _lst(rte.get("functions"))
    if attno <= 0:
        return funcs
    n = 0
    for f in funcs:
        n += _i(f.get("funccolcount")) or 1
        if attno <= n:
            return [f]
    return funcs  # WITH ORDINALITY: the ordinal column depends on all of them


def _excluded_params(e: Any, excl: int, inserted: dict[int, tuple[set[int], Any]], out: set[int]) -> None:
    if isinstance(e, list):
        for x in e:
            _excluded_params(x, excl, inserted, out)
    elif isinstance(e, dict):
        if e.get("_node") == "VAR" and _i(e.get("varno")) == excl and _i(e.get("varlevelsup")) == 0:
            out |= inserted.get(_i(e["varattno"]), (set(), None))[0]
            return
        for k, v in e.items():
            if k != "_node":
                _excluded_params(v, excl, inserted, out)


# -- talking to the server ----------------------------------------------------------------------


@dataclass
class ServerView:
    lineage: Lineage
    param_types: list[str]
    server_text: str
    slots: list[Any]  # $n -> driver key (index or name)


class Oracle:
    """A mirror namespace in the shared PostgreSQL (unique name, dropped on close). ``conn``: use
    an existing connection (its own search path) instead of the mirror namespace."""

    def __init__(self, dsn: str, tables: dict[str, dict[str, str]], extra_sql: str = "", conn: Any = None):
        import psycopg

        self.psycopg = psycopg
        self._columns: dict[int, tuple[str, list[str]]] = {}
        if conn is not None:
            self.conn = conn
            self.ns = ""
            self.owned = False
            return
        self.owned = True
        self.ns = f"sg_oracle_{uuid.uuid4().hex[:10]}"
        self.conn = psycopg.connect(dsn, autocommit=True)
        self.conn.execute(f'CREATE SCHEMA "{self.ns}"')
        for t, cols in tables.items():
            body = ", ".join(f'"{c}" {ty}' for c, ty in cols.items())
            self.conn.execute(f'CREATE TABLE "{self.ns}"."{t}" ({body})')
        if extra_sql:
            self.conn.execute(f'SET search_path TO "{self.ns}"')
            self.conn.execute(extra_sql)
        self.conn.execute(f'SET search_path TO "{self.ns}"')

    def close(self) -> None:
        if not self.owned:
            return
        try:
            self.conn.execute(f'DROP SCHEMA IF EXISTS "{self.ns}" CASCADE')
        finally:
            self.conn.close()

    def columns(self, relid: int) -> tuple[str, list[str]]:
        hit = self._columns.get(relid)
        if hit is None:
            rows = self.conn.execute(
                "SELECT c.relname, n.nspname, a.attnum, CASE WHEN a.attisdropped THEN NULL ELSE a.attname END "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a "
                "ON a.attrelid = c.oid AND a.attnum > 0 WHERE c.oid = %s ORDER BY a.attnum", (relid,)).fetchall()
            name = rows[0][0] if rows[0][1] in (self.ns, "public") else f"{rows[0][1]}.{rows[0][0]}"
            hit = self._columns[relid] = (name, [r[3] for r in rows])
        return hit

    def server_text(self, sql: str, params: Any) -> tuple[str, list[Any]]:
        """What psycopg sends (``$n``) and which parameter each ``$n`` takes, from psycopg itself."""
        from psycopg._queries import _query2pg_nocache  # the driver's own %s -> $n conversion

        query, _formats, order, parts = _query2pg_nocache(sql.encode(), "utf-8")
        text = query.decode()
        if order:
            return text, list(order)
        return text, list(range(len(parts) - 1))

    def view(self, sql: str, params: Any = None) -> ServerView:
        text, slots = self.server_text(sql, params) if params is not None else (sql, [])
        notices: list[str] = []

        def on_notice(d: Any) -> None:
            if d.message_primary and "rewritten parse tree" in d.message_primary:
                notices.append(d.message_detail or "")

        self.conn.add_notice_handler(on_notice)
        name = f"sgo_{uuid.uuid4().hex[:8]}"
        try:
            with self.conn.transaction(force_rollback=True):
                self.conn.execute("SET LOCAL debug_print_rewritten = on")
                self.conn.execute("SET LOCAL debug_pretty_print = off")
                self.conn.execute("SET LOCAL client_min_messages = log")
                self.conn.execute(f"PREPARE {name} AS {text}".encode())
                self.conn.execute("SET LOCAL client_min_messages = notice")
                types = self.conn.execute("SELECT parameter_types::text[] FROM pg_prepared_statements WHERE name = %s",
                                          (name,)).fetchone()[0]
                self.conn.execute(f"DEALLOCATE {name}")
        finally:
            self.conn.remove_notice_handler(on_notice)
        trees = [t for n in notices for t in parse_tree(n) if _i(t.get("commandType")) != 6]  # 6: utility
        if not trees:
            raise AssertionError("the server logged no query tree for the statement")
        tree = trees[-1]
        relids = set()
        _collect_relids(tree, relids)
        cols = {r: self.columns(r) for r in relids}
        return ServerView(lineage(tree, cols), list(types or []), text, slots)


def _collect_relids(e: Any, out: set[int]) -> None:
    if isinstance(e, list):
        for x in e:
            _collect_relids(x, out)
    elif isinstance(e, dict):
        if e.get("_node") == "RANGETBLENTRY" and _i(e.get("rtekind")) == 0:
            out.add(_i(e["relid"]))
        for k, v in e.items():
            if k != "_node":
                _collect_relids(v, out)


__all__ = ["Lineage", "Oracle", "ServerView", "lineage", "parse_tree"]
