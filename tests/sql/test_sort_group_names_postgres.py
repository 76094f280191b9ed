"""ORDER BY / GROUP BY / DISTINCT ON names resolve exactly as PostgreSQL resolves them.

Invariant (PostgreSQL's ``findTargetlistEntrySQL92/SQL99``): a *bare* name in ORDER BY or DISTINCT
ON is an output column first (two different outputs of that name: an error), else an input column;
a bare name in GROUP BY is an input column first, else an output column; an integer is an output
position; anything else (``home_address || ''``, ``grade + 1``, a qualified ``s.name``) is an
expression over *input* columns only — an output alias that shadows a protected column does not
hide it (``SELECT name AS home_address … ORDER BY home_address || ''`` sorts by the address).

The property test draws SELECTs (items bare, parenthesised, in ROLLUP / CUBE / GROUPING SETS; alone, in a CTE, a derived table or an EXISTS subquery under a
table with a column ``x``) whose aliases collide with input column names and compares the
inspector's outputs and filters with PostgreSQL's own query tree; statements the server rejects
must be refused (or at least not allowed with less than the server would read). The federal test
checks the leak itself against a public-record name column.
"""

from __future__ import annotations

import pytest
import os

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from status_guard.sql import Inspector, SQLAnalysisError

from .test_oracle_postgres import compare, mirror_schema, oracle  # noqa: F401 (fixtures)

pytestmark = pytest.mark.postgres

COLS = ["id", "name", "citizenship", "home_address", "grade"]
TEXT = {"name", "citizenship", "home_address"}


@st.composite
def sort_group_selects(draw) -> str:
    n = draw(st.integers(1, 3))
    projs: list[tuple[str, str | None]] = []
    group = draw(st.booleans())
    for _ in range(n):
        c = draw(st.sampled_from(COLS))
        kind = draw(st.sampled_from(["col", "expr", "agg"] if group else ["col", "expr"]))
        if kind == "col":
            e = c
        elif kind == "expr":
            e = f"{c} || ''" if c in TEXT else f"{c} + 1"
        else:
            e = f"max({c})"
        alias = draw(st.one_of(st.none(), st.sampled_from(COLS + ["x"])))
        projs.append((e, alias))
    select = ", ".join(e if a is None else f"{e} AS {a}" for e, a in projs)

    def item() -> str:
        form = draw(st.sampled_from(["bare", "ordinal", "expr", "qualified", "paren", "paren_ordinal"]))
        name = draw(st.sampled_from(COLS + [a for _, a in projs if a]))
        if form == "ordinal":
            return str(draw(st.integers(1, n)))
        if form == "paren_ordinal":  # PostgreSQL's grammar drops the parentheses: still a position
            return f"({draw(st.integers(1, n))})"
        if form == "paren":  # ... and still a bare name
            return f"({name})"
        if form == "qualified":
            return f"s.{draw(st.sampled_from(COLS))}"
        if form == "expr":
            return f"{name} || ''" if name in TEXT else f"({name})::text || ''"
        return name

    distinct = ""
    if not group and draw(st.booleans()):
        distinct = f"DISTINCT ON ({item()}) "
    sql = f"SELECT {distinct}{select} FROM students s"
    if group:
        keys = ", ".join(item() for _ in range(draw(st.integers(1, 2))))
        sets = draw(st.sampled_from(["plain", "rollup", "cube", "sets"]))
        if sets == "rollup":
            keys = f"ROLLUP ({keys})"
        elif sets == "cube":
            keys = f"CUBE ({keys})"
        elif sets == "sets":
            keys = f"GROUPING SETS (({keys}), ({item()}), ())"
        sql += " GROUP BY " + keys
    if distinct or draw(st.booleans()):
        sql += " ORDER BY " + ", ".join(item() for _ in range(draw(st.integers(1, 2))))
    # the same rules one level down; under EXISTS an outer ``staging.x`` may collide with alias x
    # (PostgreSQL looks only at the subquery's own FROM before its outputs in GROUP BY)
    wrap = draw(st.sampled_from(["plain", "cte", "derived", "exists"]))
    if wrap == "cte":
        return f"WITH c AS ({sql}) SELECT count(*) FROM c"
    if wrap == "derived":
        return f"SELECT count(*) FROM ({sql}) d"
    if wrap == "exists":
        return f"SELECT st.c FROM staging st WHERE EXISTS ({sql})"
    return sql


@settings(max_examples=int(os.environ.get("SG_SORT_GROUP_EXAMPLES", "250")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(sql=sort_group_selects())
# a GROUP BY name that is no input column is the output alias (x = s.id); one that is, is the input
@example(sql="SELECT id AS x FROM students s GROUP BY x")
@example(sql="SELECT id AS x, count(*) FROM students s GROUP BY x ORDER BY x")
@example(sql="SELECT grade AS name FROM students s GROUP BY name, grade")
@example(sql="SELECT id AS x FROM students s GROUP BY ROLLUP (x)")
@example(sql="SELECT home_address || '' AS x FROM students s GROUP BY GROUPING SETS ((2 - 1), ())")
@example(sql="SELECT name AS home_address FROM students s ORDER BY (1)")
@example(sql="SELECT st.c FROM staging st WHERE EXISTS (SELECT id AS x FROM students s GROUP BY x)")
@example(sql="WITH c AS (SELECT name || '' AS x FROM students s GROUP BY x ORDER BY x) SELECT count(*) FROM c")
def test_order_and_group_by_names_resolve_as_postgresql_resolves_them(oracle, mirror_schema, sql):
    try:
        oracle.view(sql)
    except oracle.psycopg.Error:
        # the server refuses it (ambiguous, ungrouped column …): the inspector must not claim to
        # know what it reads unless it also refuses or reads at least the same
        assume(False)
    compare(oracle, mirror_schema, sql, None)


LEAKS = [
    "SELECT name AS home_address FROM students ORDER BY home_address || ''",
    "SELECT name AS home_address FROM students ORDER BY (home_address)::text",
    "SELECT grade AS home_address FROM students ORDER BY lower(home_address)",
    "SELECT DISTINCT ON (home_address || '') name AS home_address FROM students ORDER BY home_address || ''",
    "SELECT name AS home_address, count(*) FROM students GROUP BY name, home_address ORDER BY 1",
    "SELECT max(name) AS home_address FROM students GROUP BY home_address",
    "SELECT name AS home_address FROM students WHERE home_address LIKE 'A%'",
]


@pytest.mark.parametrize("sql", LEAKS)
def test_federal_officer_cannot_sort_by_address_behind_an_output_alias(sg, sql):
    schema = {"tables": {"students": {c: "text" for c in COLS}}, "public_record": ["students.name",
                                                                                   "students.grade"]}
    insp = Inspector(sg, dialect="postgres", scope="police", schema=schema)
    try:
        d = insp.decide(sql, None, requester="federal").decision
    except SQLAnalysisError:
        return  # refused as unanalysable: closed
    assert d.blocked and "2.129.040(e)" in d.citations, sql


def test_output_alias_preferred_by_order_by_is_not_a_read_of_the_input(sg):
    """The other direction: ``ORDER BY home_address`` where home_address is the alias of a public
    column sorts by that column (PostgreSQL prefers the output) — no refusal."""
    schema = {"tables": {"students": {c: "text" for c in COLS}}, "public_record": ["students.name"]}
    insp = Inspector(sg, dialect="postgres", scope="police", schema=schema)
    d = insp.decide("SELECT name AS home_address FROM students ORDER BY home_address", None,
                    requester="federal").decision
    assert not d.blocked


NAMED = [
    # a GROUP BY name that is no input column of the query's own FROM is the output (not refused)
    "SELECT id AS x FROM students s GROUP BY x",
    "SELECT id AS x FROM students s GROUP BY ROLLUP (x)",
    "SELECT name AS x, count(*) FROM students s GROUP BY CUBE ((x), grade)",
    # ... not an outer query's column of that name (staging has a column x)
    "SELECT st.c FROM staging st WHERE EXISTS (SELECT id AS x FROM students s GROUP BY x)",
    # a parenthesised integer is still a position (the grouping by address was not seen)
    "SELECT home_address || '' AS x, count(*) FROM students s GROUP BY GROUPING SETS ((1), ())",
    "SELECT name AS home_address FROM students s ORDER BY (1)",
    # a parenthesised name is still a bare name: the output first in ORDER BY
    "SELECT name AS home_address FROM students s ORDER BY (home_address)",
]


@pytest.mark.parametrize("sql", NAMED)
def test_grouping_and_sorting_items_in_every_spelling_resolve_as_postgresql_resolves_them(oracle, mirror_schema, sql):
    compare(oracle, mirror_schema, sql, None)
