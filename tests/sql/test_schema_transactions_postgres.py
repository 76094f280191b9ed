"""The schema map follows transactions as PostgreSQL does (its DDL is transactional).

Invariant: after any sequence of DDL (column renames — including a swap that moves an address
under a harmless name —, ADD COLUMN, CREATE TABLE, RENAME TABLE, temporary tables) inside
transactions and savepoints that are committed, rolled back or rolled back to, the inspector's
map of the guarded namespace has exactly the tables and columns the server has, each column
classified by where its values came from; DDL another session has not committed is not seen by
this one. PostgreSQL itself is the oracle (its catalog after the sequence). The federal test is the
leak: after a rolled-back ``DROP COLUMN home_address`` the map must still know the address
(``SELECT *`` returns it).
"""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.context import RequestContext, request_context
from status_guard.model import Requester
from status_guard.sql import SQLAnalysisError, SQLRefusedError
from status_guard.sql.hooks.dbapi import guard_connection
from status_guard.sql.schema import reflect_dbapi

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def ns(postgres_dsn):
    import psycopg

    name = f"sg_tx_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(postgres_dsn, autocommit=True)
    admin.execute(f"CREATE SCHEMA {name}")
    yield {"name": name, "dsn": postgres_dsn, "admin": admin}
    admin.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
    admin.close()


def _fresh(sg, ns, autocommit):
    import psycopg

    admin, name = ns["admin"], ns["name"]
    admin.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
    admin.execute(f"CREATE SCHEMA {name}")
    admin.execute(f"CREATE TABLE {name}.people (id int, full_name text, home_address text)")
    raw = psycopg.connect(ns["dsn"], autocommit=autocommit)
    raw.execute(f"SET search_path TO {name}")
    if not autocommit:
        raw.commit()
    # id and name are public records: a federal officer may read it, never the address
    schema = reflect_dbapi(sg, raw, "postgres", namespaces=[name], public_record=[f"{name}.people.full_name", f"{name}.people.id"])
    if not autocommit:
        raw.commit()
    return guard_connection(raw, sg, scope="police", schema=schema)


def _server_columns(ns) -> dict[str, list[str]]:
    rows = ns["admin"].execute(
        "SELECT c.relname, a.attname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname, a.attnum", (ns["name"],)).fetchall()
    out: dict[str, list[str]] = {}
    for t, c in rows:
        out.setdefault(t, []).append(c)
    return out


def _map_columns(conn, ns) -> dict[str, list[str]]:
    schema = conn.inspector.schema
    prefix = ns["name"] + "."
    return {k[len(prefix):]: [c.name for c in rel.columns] for k, rel in schema.relations.items()
            if k.startswith(prefix)}


DDL = [
    "ALTER TABLE people RENAME COLUMN home_address TO tmp_{n}",
    "ALTER TABLE people RENAME COLUMN full_name TO home_address",
    "ALTER TABLE people RENAME COLUMN tmp_{n} TO full_name",
    "ALTER TABLE people ADD COLUMN note_{n} text",
    "CREATE TABLE extra_{n} (id int, home_address text)",
    "CREATE TEMP TABLE scratch_{n} (id int, note text)",
    "ALTER TABLE people DROP COLUMN home_address",
]


@st.composite
def transactions(draw):
    steps: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        steps.append("BEGIN")
        sps: list[str] = []
        for i in range(draw(st.integers(1, 6))):
            kind = draw(st.sampled_from(["ddl", "ddl", "ddl", "savepoint", "rollback_to", "release"]))
            n = len(steps)
            if kind == "ddl":
                steps.append(draw(st.sampled_from(DDL)).format(n=n))
            elif kind == "savepoint":
                sps.append(f"sp_{n}")
                steps.append(f"SAVEPOINT sp_{n}")
            elif kind == "rollback_to" and sps:
                steps.append(f"ROLLBACK TO SAVEPOINT {draw(st.sampled_from(sps))}")
            elif kind == "release" and sps:
                sp = sps.pop()
                steps.append(f"RELEASE SAVEPOINT {sp}")
        steps.append(draw(st.sampled_from(["COMMIT", "ROLLBACK"])))
    return steps


def _run(conn, steps, how):
    with request_context(RequestContext(requester=Requester("local"))):
        for s in steps:
            if how == "driver" and s == "COMMIT":
                conn.commit()
            elif how == "driver" and s == "ROLLBACK":
                conn.rollback()
            elif how == "driver" and s == "BEGIN":
                continue  # psycopg begins implicitly (autocommit off)
            else:
                try:
                    conn.execute(s)
                except Exception:  # the inspector (a column it knows is gone) or the server refused
                    # it: the transaction is given up
                    conn.execute("ROLLBACK") if how == "sql" else conn.rollback()
                    return


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(steps=transactions(), how=st.sampled_from(["sql", "driver"]))
def test_schema_map_follows_commit_and_rollback_as_postgresql_does(sg, ns, steps, how):
    conn = _fresh(sg, ns, autocommit=(how == "sql"))
    try:
        _run(conn, steps, how)
        assert _map_columns(conn, ns) == _server_columns(ns), steps
    finally:
        conn.raw.close()


@pytest.mark.parametrize("how", ["sql", "driver"])
@pytest.mark.parametrize("ddl", [["ALTER TABLE people DROP COLUMN home_address"], DDL[:3]])
def test_federal_officer_cannot_read_address_after_rolled_back_ddl(sg, ns, how, ddl):
    """A rolled-back DROP COLUMN must not leave the map without the column: ``SELECT *`` would then
    be decided on (id, full_name) while the server returns the address too."""
    conn = _fresh(sg, ns, autocommit=(how == "sql"))
    steps = ["BEGIN", *(d.format(n=0) for d in ddl), "ROLLBACK"]
    try:
        _run(conn, steps, how)
        with request_context(RequestContext(requester=Requester("federal"))):
            conn.execute("SELECT full_name FROM people")  # the public record: allowed
            for sql in ("SELECT home_address FROM people", "SELECT * FROM people", "SELECT p FROM people p"):
                with pytest.raises((SQLRefusedError, SQLAnalysisError)):
                    conn.execute(sql)
    finally:
        conn.raw.close()


def test_savepoint_rolled_back_temp_table_no_longer_shadows(sg, ns):
    conn = _fresh(sg, ns, autocommit=True)
    try:
        _run(conn, ["BEGIN", "SAVEPOINT a", "CREATE TEMP TABLE scratch (id int, note text)",
                    "ROLLBACK TO SAVEPOINT a", "COMMIT"], "sql")
        assert "scratch" not in conn.session.temp
    finally:
        conn.raw.close()


def test_uncommitted_ddl_is_not_seen_by_another_session(sg, ns):
    import psycopg

    conn = _fresh(sg, ns, autocommit=False)
    other_raw = psycopg.connect(ns["dsn"], autocommit=True)
    other_raw.execute(f"SET search_path TO {ns['name']}")
    other_raw.execute("SET lock_timeout = '2s'")  # the server would wait for the uncommitted DDL
    other = guard_connection(other_raw, sg, inspector=conn.inspector)
    try:
        with request_context(RequestContext(requester=Requester("local"))):
            conn.execute("ALTER TABLE people RENAME COLUMN full_name TO alias_name")
            with pytest.raises((SQLRefusedError, SQLAnalysisError)):
                other.execute("SELECT alias_name FROM people")  # not committed: no such column there
            conn.execute("SELECT alias_name FROM people")  # this session sees its own change
            conn.commit()
            other.execute("SELECT alias_name FROM people")
    finally:
        conn.raw.close()
        other_raw.close()


@pytest.mark.parametrize("autocommit", [True, False])
def test_psycopg_transaction_block_rolled_back_leaves_the_map_as_the_server(sg, ns, autocommit):
    import psycopg

    conn = _fresh(sg, ns, autocommit=autocommit)
    try:
        with request_context(RequestContext(requester=Requester("local"))):
            with conn.transaction():
                conn.execute("ALTER TABLE people ADD COLUMN kept text")
            with conn.transaction():
                conn.execute("ALTER TABLE people DROP COLUMN home_address")
                raise psycopg.Rollback()
            if not autocommit:
                conn.commit()
        assert _map_columns(conn, ns) == _server_columns(ns)
        with request_context(RequestContext(requester=Requester("federal"))):
            with pytest.raises((SQLRefusedError, SQLAnalysisError)):
                conn.execute("SELECT * FROM people")
    finally:
        conn.raw.close()
