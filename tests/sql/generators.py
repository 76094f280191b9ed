"""A hypothesis generator of PostgreSQL statements over the corpus schema that *knows* which base
columns each statement uses to compute its results, to choose its rows, or to write.

``statements()`` draws a :class:`Gen`: the SQL text, its psycopg parameters, and ``used`` — every
(table, column) that influences what comes back (outputs, WHERE/JOIN/GROUP/HAVING/ORDER BY,
DISTINCT ON, windows, LIMIT subqueries, function and cast arguments, subqueries at any depth,
CTEs, derived tables, UNION branches, alias column lists, writes and RETURNING). ``EXISTS
(SELECT * …)`` contributes only its predicate's columns: the existence of a row is all it uses.
The ground truth is the generator's own bookkeeping, independent of the inspector and of the
server."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

TABLES: dict[str, list[str]] = {
    "students": ["id", "name", "citizenship", "home_address", "country_of_birth", "grade"],
    "holds": ["id", "person_id", "hold_basis", "release_date"],
    "people": ["id", "full_name", "immigration_status", "race", "arrest_date"],
    "staging": ["id", "c", "x"],
}


@dataclass
class Gen:
    sql: str
    params: tuple[Any, ...] | None
    used: set[tuple[str, str]] = field(default_factory=set)
    kind: str = "select"


class _Builder:
    def __init__(self, draw: Any):
        self.draw = draw
        self.used: set[tuple[str, str]] = set()
        self.params: list[Any] = []
        self.n = 0

    def alias(self) -> str:
        self.n += 1
        return f"a{self.n}"

    def table(self) -> str:
        return self.draw(st.sampled_from(sorted(TABLES)))

    # a FROM item: a table (maybe with an alias column list), or a derived table / CTE over one
    def source(self) -> tuple[str, str, dict[str, tuple[str, str]]]:
        """(FROM text, alias, {visible column name: (table, column)})"""
        t = self.table()
        a = self.alias()
        cols = TABLES[t]
        shape = self.draw(st.sampled_from(["plain", "plain", "renamed", "derived"]))
        if shape == "renamed":
            k = self.draw(st.integers(1, len(cols)))
            names = [f"r{i}" for i in range(k)]
            visible = {names[i]: (t, cols[i]) for i in range(k)}
            visible.update({cols[i]: (t, cols[i]) for i in range(k, len(cols))})
            return f"{t} AS {a}({', '.join(names)})", a, visible
        if shape == "derived":
            picked = self.draw(st.lists(st.sampled_from(cols), min_size=1, max_size=3, unique=True))
            inner = self.alias()
            where = ""
            if self.draw(st.booleans()):
                c = self.draw(st.sampled_from(cols))
                self.used.add((t, c))
                where = f" WHERE {inner}.{c} IS NOT NULL"
            body = ", ".join(f"{inner}.{c} AS d_{c}" for c in picked)
            return f"(SELECT {body} FROM {t} {inner}{where}) {a}", a, {f"d_{c}": (t, c) for c in picked}
        return f"{t} {a}", a, {c: (t, c) for c in cols}

    def col(self, scope: list[tuple[str, dict[str, tuple[str, str]]]]) -> str:
        a, visible = self.draw(st.sampled_from(scope))
        name = self.draw(st.sampled_from(sorted(visible)))
        self.used.add(visible[name])
        return f"{a}.{name}"

    def expr(self, scope: list[tuple[str, dict[str, tuple[str, str]]]], depth: int = 0) -> str:
        kinds = ["col", "col", "lower", "length", "coalesce", "case", "cast", "concat"]
        if depth < 1:
            kinds += ["scalar_sub"]
        kind = self.draw(st.sampled_from(kinds))
        if kind == "lower":
            return f"lower({self.col(scope)}::text)"
        if kind == "length":
            return f"length({self.col(scope)}::text)"
        if kind == "coalesce":
            return f"coalesce({self.col(scope)}::text, {self.col(scope)}::text)"
        if kind == "case":
            return f"CASE WHEN {self.col(scope)} IS NULL THEN {self.col(scope)}::text ELSE 'x' END"
        if kind == "cast":
            return f"CAST({self.col(scope)} AS text)"
        if kind == "concat":
            return f"({self.col(scope)}::text || '-' || {self.col(scope)}::text)"
        if kind == "scalar_sub":
            src, a, vis = self.source()
            inner = [(a, vis), *scope]
            out = self.expr([(a, vis)], depth + 1)
            return f"(SELECT max({out}::text) FROM {src} WHERE {self.col(inner)}::text = {self.col(scope)}::text)"
        return self.col(scope)

    def predicate(self, scope: list[tuple[str, dict[str, tuple[str, str]]]]) -> str:
        kind = self.draw(st.sampled_from(["eq", "like", "in", "exists", "isnull", "between", "castfail", "any"]))
        if kind == "eq":
            self.params.append("x")
            return f"{self.expr(scope, 1)}::text = %s"
        if kind == "like":
            self.params.append("A%")
            return f"{self.col(scope)}::text LIKE %s"
        if kind == "in":
            src, a, vis = self.source()
            out = self.col([(a, vis)])
            return f"{self.col(scope)}::text IN (SELECT {out}::text FROM {src})"
        if kind == "any":
            src, a, vis = self.source()
            out = self.col([(a, vis)])
            return f"{self.col(scope)}::text = ANY (SELECT {out}::text FROM {src})"
        if kind == "exists":
            src, a, vis = self.source()
            return f"EXISTS (SELECT * FROM {src} WHERE {self.col([(a, vis)])}::text = {self.col(scope)}::text)"
        if kind == "isnull":
            return f"{self.col(scope)} IS NULL"
        if kind == "between":
            return f"length({self.col(scope)}::text) BETWEEN 1 AND 40"
        if kind == "castfail":  # the error text of a failing cast would quote the value
            return f"CAST({self.col(scope)}::text AS integer) > 0"
        return "true"

    def select(self) -> str:
        src, a, vis = self.source()
        scope = [(a, vis)]
        frm = src
        if self.draw(st.booleans()):
            src2, a2, vis2 = self.source()
            join = self.draw(st.sampled_from(["JOIN", "LEFT JOIN", "CROSS JOIN"]))
            frm += f" {join} {src2}"
            scope.append((a2, vis2))
            if join != "CROSS JOIN":
                frm += f" ON {self.col(scope)}::text = {self.col(scope)}::text"
        shape = self.draw(st.sampled_from(["plain", "plain", "group", "window", "distinct_on", "count"]))
        preds = [self.predicate(scope) for _ in range(self.draw(st.integers(0, 2)))]
        where = (" WHERE " + " AND ".join(preds)) if preds else ""
        if shape == "count":
            sql = f"SELECT count(*) AS o0 FROM {frm}{where}"
        elif shape == "group":
            g = self.col(scope)
            having = ""
            if self.draw(st.booleans()):
                having = f" HAVING max({self.col(scope)}::text) > 'a'"
            sql = f"SELECT {g} AS o0, count(*) AS o1 FROM {frm}{where} GROUP BY {g}{having}"
        elif shape == "window":
            sql = (f"SELECT {self.expr(scope)} AS o0, rank() OVER (PARTITION BY {self.col(scope)} ORDER BY "
                   f"{self.col(scope)}) AS o1 FROM {frm}{where}")
        elif shape == "distinct_on":
            d = self.col(scope)
            sql = f"SELECT DISTINCT ON ({d}) {self.expr(scope)} AS o0 FROM {frm}{where} ORDER BY {d}"
        else:
            outs = [self.expr(scope) for _ in range(self.draw(st.integers(1, 3)))]
            sql = f"SELECT {', '.join(f'{o} AS o{i}' for i, o in enumerate(outs))} FROM {frm}{where}"
            if self.draw(st.booleans()):
                sql += f" ORDER BY {self.col(scope)}"
            if self.draw(st.booleans()):
                self.params.append(5)
                sql += " LIMIT %s"
        return sql


@st.composite
def statements(draw: Any, writes: bool = True) -> Gen:
    b = _Builder(draw)
    kind = draw(st.sampled_from(["select", "select", "select", "cte", "union"] + (["insert", "update", "delete"]
                                                                                    if writes else [])))
    if kind == "cte":
        inner = b.select()
        sql = f"WITH q AS ({inner}) SELECT * FROM q"
    elif kind == "union":
        left = b.select()
        right_b = _Builder(draw)
        right_b.n = b.n + 100
        right = right_b.select()
        b.used |= right_b.used
        b.params += right_b.params
        # same number of outputs: wrap both as one text column
        sql = f"SELECT l::text FROM ({left}) l UNION SELECT r::text FROM ({right}) r"
    elif kind == "insert":
        src = b.select()
        sql = f"INSERT INTO staging (c) SELECT s::text FROM ({src}) s"
        b.used.add(("staging", "c"))
    elif kind == "update":
        t = b.table()
        a = b.alias()
        scope = [(a, {c: (t, c) for c in TABLES[t]})]
        target = draw(st.sampled_from(TABLES[t]))
        b.used.add((t, target))
        b.used |= {(t, c) for c in TABLES[t]}  # a constraint violation prints the whole row
        preds = [b.predicate(scope) for _ in range(draw(st.integers(1, 2)))]
        sql = f"UPDATE {t} {a} SET {target} = {target} WHERE {' AND '.join(preds)}"
    elif kind == "delete":
        t = b.table()
        a = b.alias()
        scope = [(a, {c: (t, c) for c in TABLES[t]})]
        b.used |= {(t, c) for c in TABLES[t]}
        preds = [b.predicate(scope) for _ in range(draw(st.integers(1, 2)))]
        ret = ""
        if draw(st.booleans()):
            ret = f" RETURNING {b.col(scope)}"
        sql = f"DELETE FROM {t} {a} WHERE {' AND '.join(preds)}{ret}"
    else:
        sql = b.select()
    return Gen(sql, tuple(b.params) if b.params else None, b.used, kind)


__all__ = ["Gen", "TABLES", "statements"]


@dataclass
class WriteGen:
    """A write with psycopg placeholders, and for each placeholder (in text order) whether the
    value bound to it is stored in ``holds.hold_basis``."""

    sql: str
    into_basis: list[bool]


class _Writer:
    def __init__(self, draw: Any):
        self.draw = draw
        self.parts: list[str] = []
        self.slots: list[bool] = []

    def p(self, into_basis: bool = False, cast: str = "") -> str:
        self.slots.append(into_basis)
        return f"%s{cast}"


@st.composite
def write_statements(draw: Any) -> WriteGen:
    w = _Writer(draw)
    shape = draw(st.sampled_from(["update", "insert", "insert_select", "merge", "update_from"]))
    with_cte = ""
    if draw(st.booleans()) and shape in ("update", "insert", "insert_select"):
        lim = f" ORDER BY name LIMIT {w.p()}" if draw(st.booleans()) else ""
        with_cte = f"WITH c AS (SELECT id FROM students WHERE grade = {w.p()}{lim}) "
    if shape == "update":
        cols = draw(st.permutations(["hold_basis", "release_date", "person_id"]))
        n = draw(st.integers(1, 3))
        sets = ", ".join(f"{c} = {w.p(c == 'hold_basis')}" for c in cols[:n])
        cond = f"id = {w.p()}"
        if with_cte and draw(st.booleans()):
            cond += " AND person_id IN (SELECT id FROM c)"
        ret = " RETURNING id" if draw(st.booleans()) else ""
        sql = f"{with_cte}UPDATE holds SET {sets} WHERE {cond}{ret}"
    elif shape == "insert":
        cols = draw(st.permutations(["id", "person_id", "hold_basis"]))
        rows = []
        for _ in range(draw(st.integers(1, 3))):
            rows.append("(" + ", ".join(w.p(c == "hold_basis") for c in cols) + ")")
        sql = f"{with_cte}INSERT INTO holds ({', '.join(cols)}) VALUES {', '.join(rows)}"
        oc = draw(st.sampled_from(["", "excluded", "param", "param_where"]))
        if oc == "excluded":
            sql += " ON CONFLICT (id) DO UPDATE SET hold_basis = excluded.hold_basis"
        elif oc == "param":
            sql += f" ON CONFLICT (id) DO UPDATE SET hold_basis = {w.p(True)}"
        elif oc == "param_where":
            sql += f" ON CONFLICT (id) DO UPDATE SET hold_basis = {w.p(True)} WHERE holds.person_id = {w.p()}"
    elif shape == "insert_select":
        head = f"{with_cte}INSERT INTO holds (id, hold_basis) SELECT "
        if draw(st.booleans()):
            sel = f"DISTINCT ON (s.grade) {w.p(cast='::int')}, {w.p(True, '::text')} FROM students s"
            tail = f" WHERE s.grade > {w.p()} ORDER BY s.grade LIMIT {w.p()}"
        else:
            sel = f"{w.p(cast='::int')}, {w.p(True, '::text')} FROM students s"
            tail = f" WHERE s.id = {w.p()}"
        sql = head + sel + tail
    elif shape == "merge":
        src = f"WITH src AS (SELECT {w.p(cast='::int')} AS id, {w.p(True, '::text')} AS basis) "
        sql = src + "MERGE INTO holds h USING src ON h.id = src.id"
        if draw(st.booleans()):
            cond = f" AND h.person_id = {w.p(cast='::bigint')}" if draw(st.booleans()) else ""
            val = "src.basis" if draw(st.booleans()) else w.p(True, "::text")
            sql += f" WHEN MATCHED{cond} THEN UPDATE SET hold_basis = {val}"
        val = "src.basis" if draw(st.booleans()) else w.p(True, "::text")
        sql += f" WHEN NOT MATCHED THEN INSERT (id, hold_basis) VALUES (src.id, {val})"
        if "= src.basis" not in sql and "src.basis)" not in sql:
            w.slots[1] = False  # the CTE's basis is never written
    else:
        rows = ", ".join(f"({w.p(cast='::int')}, {w.p(True, '::text')})" for _ in range(draw(st.integers(1, 2))))
        sql = f"UPDATE holds SET hold_basis = v.basis FROM (VALUES {rows}) AS v(id, basis) WHERE holds.id = v.id"
    return WriteGen(sql, w.slots)


__all__ += ["WriteGen", "write_statements"]
