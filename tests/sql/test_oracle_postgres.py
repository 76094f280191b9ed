"""Differential testing against the real engine (PostgreSQL is the oracle).

Invariant: for every statement the inspector analyses, what it says the statement does is what
PostgreSQL says it does —

* the base columns each **output** column is computed from, position by position;
* the base columns the **predicates** read (WHERE, JOIN, GROUP/ORDER BY, HAVING, DISTINCT ON,
  windows, LIMIT, subqueries, function arguments, ON CONFLICT);
* for every **written** column, which parameters (``$n`` as the driver numbered them) and which
  base columns its value comes from;
* and each parameter written to a column has the type PostgreSQL inferred for it.

PostgreSQL's side comes from its own rewritten query tree (``debug_print_rewritten``) and
``pg_prepared_statements`` (see ``pg_oracle.py``); the driver's ``%s`` -> ``$n`` conversion is
psycopg's own. Statements come from the shared corpus (``corpus.py``) and from a hypothesis
generator; a disagreement fails the test. Runs against the shared server in a namespace of its
own (unique name, dropped afterwards); under CI=true it runs, never skips.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from status_guard.sql import analyse
from status_guard.sql.schema import reflect_dbapi

from .corpus import CORPUS, PG_TABLES
from .generators import statements, write_statements
from .pg_oracle import Oracle, ServerView

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def oracle(postgres_dsn):
    o = Oracle(postgres_dsn, PG_TABLES)
    yield o
    o.close()


@pytest.fixture(scope="module")
def mirror_schema(oracle, _shared_guard):
    return reflect_dbapi(_shared_guard, oracle.conn, "postgres", namespaces=[oracle.ns])


def _strip(ns: str, pair: tuple[str, str]) -> tuple[str, str]:
    t, c = pair
    return (t[len(ns) + 1:] if t.startswith(ns + ".") else t, c)


def inspector_view(sql: str, params: Any, schema, ns: str) -> dict[str, Any]:
    a = analyse(sql, "postgres", schema, paramstyle="psycopg", bound=params is not None)
    outputs = [frozenset(_strip(ns, p) for p in o.sources) for o in a.outputs]
    filters = {_strip(ns, p) for p in a.filters}
    writes: dict[tuple[str, str], dict[str, set[Any]]] = {}
    for w in a.writes:
        if w.key is not None:
            continue
        rec = writes.setdefault(_strip(ns, (w.table, w.column)), {"params": set(), "sources": set()})
        rec["params"] |= set(w.params)
        rec["sources"] |= {_strip(ns, p) for p in w.sources}
    return {"outputs": outputs, "filters": filters, "writes": writes}


def _user(pairs) -> set[tuple[str, str]]:
    """System catalog columns are metadata: the inspector decides a value-holding catalog as a
    whole relation (``data_catalogs``), not column by column."""
    return {p for p in pairs if not p[0].startswith(("pg_catalog.", "information_schema."))}


def server_view(server: ServerView) -> dict[str, Any]:
    lin = server.lineage
    writes = {}
    for k, rec in lin.writes.items():
        writes[k] = {"params": {server.slots[n - 1] if server.slots else n - 1 for n in rec["params"]},
                     "sources": _user(rec["sources"])}
    return {"outputs": [frozenset(_user(o)) for o in lin.outputs], "filters": _user(lin.filters), "writes": writes}


def drop_defaults(mine: dict[str, Any], theirs: dict[str, Any]) -> None:
    """The server's rewriter adds the DEFAULT of every column an INSERT does not list (a sequence's
    ``nextval``): no parameter and no column feeds it, and the statement does not write it."""
    for k in [k for k, rec in theirs["writes"].items() if k not in mine["writes"] and not rec["params"]
              and not rec["sources"]]:
        del theirs["writes"][k]


def _column_types(oracle: Oracle) -> dict[tuple[str, str], str]:
    rows = oracle.conn.execute(
        "SELECT c.relname, a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a JOIN pg_class c "
        "ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND a.attnum > 0",
        (oracle.ns,)).fetchall()
    return {(t, c): ty for t, c, ty in rows}


def compare(oracle: Oracle, schema, sql: str, params: Any) -> None:
    server = oracle.view(sql, params)
    mine = inspector_view(sql, params, schema, oracle.ns)
    theirs = server_view(server)
    drop_defaults(mine, theirs)
    assert mine["outputs"] == theirs["outputs"], f"outputs differ for {sql!r}"
    assert mine["filters"] == theirs["filters"], f"filters differ for {sql!r}"
    assert mine["writes"] == theirs["writes"], f"writes differ for {sql!r}"
    # every parameter the inspector binds to a column has the type the server inferred from it
    types = _column_types(oracle)
    slot = {key: n for n, key in enumerate(server.slots)}
    for (t, c), rec in mine["writes"].items():
        for p in rec["params"]:
            inferred = server.param_types[slot[p]] if p in slot else None
            if inferred in (None, "text", "unknown") or inferred.endswith("[]"):
                continue  # cast inside the statement (insertmanyvalues, UNNEST arrays): no inference
            assert inferred == types[(t, c)], f"parameter {p} of {sql!r}: server {inferred}, column {types[(t, c)]}"


@pytest.mark.parametrize(("sql", "params"), CORPUS, ids=[f"corpus{i}" for i in range(len(CORPUS))])
def test_inspector_lineage_and_parameters_agree_with_postgresql(oracle, mirror_schema, sql, params):
    compare(oracle, mirror_schema, sql, params)


# -- generated statements ---------------------------------------------------------------------
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(gen=statements())
def test_generated_statements_agree_with_postgresql(oracle, mirror_schema, gen):
    """Outputs, filters and writes of statements drawn at random (joins, derived tables with alias
    column lists, scalar/IN/ANY/EXISTS subqueries, CTEs, UNION, GROUP BY/HAVING, windows, DISTINCT
    ON, LIMIT parameters, failing casts, INSERT … SELECT, UPDATE, DELETE … RETURNING)."""
    compare(oracle, mirror_schema, gen.sql, gen.params)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(gen=write_statements())
def test_generated_writes_bind_parameters_as_postgresql_numbers_them(oracle, mirror_schema, gen):
    """Placeholders in WITH before MERGE, DISTINCT ON, ON CONFLICT, LIMIT, UPDATE … FROM VALUES:
    the parameter each written column receives is the one PostgreSQL binds there."""
    params = tuple(range(len(gen.into_basis)))
    compare(oracle, mirror_schema, gen.sql, params)
