"""Names resolve exactly as PostgreSQL resolves them.

Invariant: the inspector decides on the table and column the server reads — never a
look-alike. Unquoted identifiers fold to lower case, quoted ones keep it; identifiers are cut to
63 bytes; an unqualified table is the first one found along ``search_path`` (``"$user"`` first);
a schema-qualified one is exactly that; a temporary table that would shadow a guarded one is
refused; one that does not is known to its own session only, with the categories of what it was
made from. Each statement is compared with the server's own resolution (its rewritten query
tree). A unique role and two unique schemas are created in the shared server and dropped after.
"""

from __future__ import annotations

import uuid

import pytest

from status_guard.context import RequestContext, request_context
from status_guard.model import Requester
from status_guard.sql import SQLAnalysisError, SQLRefusedError, analyse
from status_guard.sql.hooks.dbapi import guard_connection
from status_guard.sql.schema import reflect_dbapi

from .pg_oracle import Oracle

pytestmark = pytest.mark.postgres

LONG = ("home_address_" + "q" * 63)[:63]


@pytest.fixture(scope="module")
def world(postgres_dsn):
    import psycopg

    u = uuid.uuid4().hex[:8]
    role, other = f"sg_user_{u}", f"sg_other_{u}"
    admin = psycopg.connect(postgres_dsn, autocommit=True)
    admin.execute(f"CREATE ROLE {role} LOGIN")
    admin.execute(f"CREATE SCHEMA {role} AUTHORIZATION {role}")
    admin.execute(f"CREATE SCHEMA {other}")
    admin.execute(f"GRANT USAGE, CREATE ON SCHEMA {other} TO {role}")
    admin.execute(f"CREATE TABLE {role}.people_{u} (id int, full_name text, note text)")
    admin.execute(f"CREATE TABLE {other}.people_{u} (id int, full_name text, home_address text)")
    admin.execute(f"CREATE TABLE {other}.only_{u} (id int, home_address text)")
    admin.execute(f'CREATE TABLE {other}."Cases_{u}" ("Name" text, name text, id int)')
    admin.execute(f'CREATE TABLE {other}.long_{u} (id int, "{LONG}" text)')
    admin.execute(f"ALTER TABLE {role}.people_{u} OWNER TO {role}")
    admin.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {other} TO {role}")
    dsn = " ".join(p if not p.startswith("user=") else f"user={role}" for p in postgres_dsn.split())
    conn = psycopg.connect(dsn, autocommit=True)
    conn.execute(f'SET search_path TO "$user", {other}')
    yield {"u": u, "role": role, "other": other, "conn": conn, "dsn": dsn}
    conn.close()
    admin.execute(f"DROP SCHEMA IF EXISTS {role} CASCADE")
    admin.execute(f"DROP SCHEMA IF EXISTS {other} CASCADE")
    admin.execute(f"DROP OWNED BY {role}")
    admin.execute(f"DROP ROLE IF EXISTS {role}")
    admin.close()


def schema_of(sg, w):
    return reflect_dbapi(sg, w["conn"], "postgres", namespaces=[w["role"], w["other"]],
                         overrides={f'{w["other"]}.Cases_{w["u"]}.Name': ["citizenship_status"]})


def agree(sg, w, sql, schema=None):
    """The inspector resolves every column of ``sql`` to the column PostgreSQL resolves."""
    schema = schema or schema_of(sg, w)
    server = Oracle("", {}, conn=w["conn"]).view(sql)
    a = analyse(sql, "postgres", schema, bound=False)
    assert [set(o.sources) for o in a.outputs] == [set(o) for o in server.lineage.outputs], sql
    assert set(a.filters) == set(server.lineage.filters), sql
    return a


def test_search_path_user_schema_comes_first(sg, world):
    u, role = world["u"], world["role"]
    a = agree(sg, world, f"SELECT note FROM people_{u}")
    assert a.outputs[0].sources == {(f"{role}.people_{u}", "note")}
    # the look-alike table further down the path has home_address; the one PostgreSQL reads has not
    with pytest.raises(SQLAnalysisError, match="home_address"):
        analyse(f"SELECT home_address FROM people_{u}", "postgres", schema_of(sg, world))


def test_schema_qualified_and_folded_names(sg, world):
    u, other = world["u"], world["other"]
    a = agree(sg, world, f"SELECT home_address FROM {other}.people_{u}")
    assert a.outputs[0].sources == {(f"{other}.people_{u}", "home_address")}
    agree(sg, world, f"SELECT NOTE FROM PEOPLE_{u.upper()}")
    agree(sg, world, f'SELECT "note" FROM "{world["role"]}"."people_{u}"')


def test_quoted_names_keep_their_case(sg, world):
    u, other = world["u"], world["other"]
    schema = schema_of(sg, world)
    a = agree(sg, world, f'SELECT Name FROM "Cases_{u}"', schema)  # folds to name: not the status column
    assert a.outputs[0].sources == {(f"{other}.Cases_{u}", "name")}
    a = agree(sg, world, f'SELECT "Name" FROM "Cases_{u}"', schema)
    assert a.outputs[0].sources == {(f"{other}.Cases_{u}", "Name")}
    with pytest.raises(SQLAnalysisError):  # unquoted Cases_u folds to cases_u: no such table
        analyse(f"SELECT * FROM Cases_{u}", "postgres", schema)
    d = sg.check_sql(f'SELECT "Name" FROM "Cases_{u}"', scope="schools", requester="local", schema=schema)
    assert d.blocked and "2.129.040(k)" in d.citations
    assert sg.check_sql(f'SELECT Name FROM "Cases_{u}"', scope="schools", requester="local", schema=schema).allowed


def test_identifiers_are_truncated_to_63_bytes_like_the_server(sg, world):
    u = world["u"]
    a = agree(sg, world, f"SELECT {LONG}_and_more_words FROM long_{u}")
    assert a.outputs[0].sources == {(f"{world['other']}.long_{u}", LONG)}
    d = sg.check_sql(f"SELECT {LONG}_and_more_words FROM long_{u}", scope="police", requester="federal",
                     schema=schema_of(sg, world))
    assert d.blocked and "2.129.040(e)" in d.citations


def test_alias_column_lists_rename_by_position(sg, world):
    u = world["u"]
    a = agree(sg, world, f"SELECT x3 FROM only_{u} AS o(x1, x3)")  # x3 is the 2nd column: home_address
    assert a.outputs[0].sources == {(f"{world['other']}.only_{u}", "home_address")}


def test_temporary_table_shadowing_a_guarded_table_is_refused(sg, world):
    conn = guard_connection(world["conn"], sg, scope="police", schema=schema_of(sg, world), default_requester="local")
    with pytest.raises(SQLAnalysisError, match="shadow"):
        conn.execute(f"CREATE TEMP TABLE only_{world['u']} (id int, home_address text)")
    assert world["conn"].execute("SELECT count(*) FROM pg_tables WHERE schemaname LIKE 'pg_temp%%' AND "
                                 f"tablename = 'only_{world['u']}'").fetchone() == (0,)


def test_temporary_table_keeps_the_categories_of_what_it_copied_for_its_session(sg, world):
    import psycopg

    u = world["u"]
    raw = psycopg.connect(world["dsn"], autocommit=True)
    raw.execute(f'SET search_path TO "$user", {world["other"]}')
    try:
        conn = guard_connection(raw, sg, scope="police", schema=schema_of(sg, world))
        with request_context(RequestContext(requester=Requester("local"))):
            conn.execute(f"CREATE TEMP TABLE tmp_{u} AS SELECT id, home_address AS h FROM only_{u}")
            assert conn.execute(f"SELECT h FROM tmp_{u}").fetchall() == []
        with request_context(RequestContext(requester=Requester("federal"))):
            with pytest.raises(SQLRefusedError) as info:
                conn.execute(f"SELECT h FROM tmp_{u}")
        assert "home_address" in " ".join(info.value.decision.categories)
        # another connection of the same inspector has no such table
        other = guard_connection(psycopg.connect(world["dsn"], autocommit=True), sg, scope="police",
                                 inspector=conn.inspector)
        with pytest.raises(SQLAnalysisError, match="not in the schema"):
            other.execute(f"SELECT h FROM tmp_{u}")
        other.raw.close()
    finally:
        raw.close()


def test_dropping_the_first_table_on_the_path_uncovers_the_next_one(sg, world):
    import psycopg

    u, role, other = world["u"], world["role"], world["other"]
    raw = psycopg.connect(world["dsn"], autocommit=True)
    raw.execute(f'SET search_path TO "$user", {other}')
    admin_created = f"CREATE TABLE {role}.people_{u} (id int, full_name text, note text)"
    try:
        conn = guard_connection(raw, sg, scope="police", schema=schema_of(sg, world), default_requester="local")
        conn.execute(f"DROP TABLE {role}.people_{u}")
        # now PostgreSQL reads other.people_u, with home_address: so does the inspector
        d = conn.inspector.decide(f"SELECT home_address FROM people_{u}", requester="federal").decision
        assert d.blocked and f"{other}.people_{u}.home_address" in d.paths_with("block")
    finally:
        raw.execute(admin_created)
        raw.close()


# -- other dialects' schema names (no server needed) ------------------------------------------------
def test_dialect_default_schema_names(sg):
    from .conftest import SCHEMA

    for dialect, sql in (("sqlite", "SELECT home_address FROM main.students"),
                         ("tsql", "SELECT home_address FROM dbo.students"),
                         ("postgres", "SELECT home_address FROM public.students")):
        d = sg.check_sql(sql, dialect=dialect, scope="police", requester="federal", schema=SCHEMA)
        assert d.blocked and "students.home_address" in d.paths_with("block"), (dialect, sql)
    # in PostgreSQL `main` and `dbo` are ordinary schema names, not the default one
    for sql in ("SELECT name FROM main.students", "SELECT name FROM dbo.students"):
        with pytest.raises(SQLAnalysisError, match="not in the schema"):
            sg.check_sql(sql, dialect="postgres", scope="police", requester="local", schema=SCHEMA)
    # SQLite compares names without regard to case, quoted or not
    d = sg.check_sql('SELECT "HOME_ADDRESS" FROM "Students"', dialect="sqlite", scope="police", requester="federal",
                     schema=SCHEMA)
    assert d.blocked
