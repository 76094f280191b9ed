"""Hooks against a real PostgreSQL (psycopg 3 and SQLAlchemy): refused statements never reach
the server; allowed ones run. Tables are unique per run and dropped afterwards."""

from __future__ import annotations

import pytest

from status_guard.context import RequestContext, request_context
from status_guard.model import Requester
from status_guard.sql import SQLAnalysisError, SQLRefusedError
from status_guard.sql.hooks.dbapi import guard_connection

pytestmark = pytest.mark.postgres


@pytest.fixture
def tables(postgres_dsn, unique):
    import psycopg

    s, h = f"sg_students_{unique}", f"sg_holds_{unique}"
    with psycopg.connect(postgres_dsn, autocommit=True) as c:
        c.execute(f"CREATE TABLE {s} (id int PRIMARY KEY, name text, citizenship text, home_address text)")
        c.execute(f"CREATE TABLE {h} (id int PRIMARY KEY, person_id int, hold_basis text)")
    yield s, h
    with psycopg.connect(postgres_dsn, autocommit=True) as c:
        c.execute(f"DROP TABLE IF EXISTS {s}, {h}")


def rows(dsn, sql):
    import psycopg

    with psycopg.connect(dsn) as c:
        return c.execute(sql).fetchall()


def test_psycopg_blocks_status_write_and_it_never_reaches_postgres(sg, postgres_dsn, tables):
    import psycopg

    s, _ = tables
    with psycopg.connect(postgres_dsn, autocommit=True) as raw:
        conn = guard_connection(raw, sg, scope="city")
        with pytest.raises(SQLRefusedError):
            conn.execute(f"INSERT INTO {s} (id, name, citizenship) VALUES (%s, %s, %s)", (1, "a", "US"))
        with pytest.raises(SQLRefusedError):
            conn.execute(f"INSERT INTO {s} (id, citizenship) VALUES (%(id)s, %(c)s)", {"id": 2, "c": "MX"})
        conn.execute(f"INSERT INTO {s} (id, name, citizenship) VALUES (%s, %s, %s)", (3, "c", None))
    assert rows(postgres_dsn, f"SELECT id FROM {s} ORDER BY id") == [(3,)]


def test_psycopg_executemany_and_copy_are_checked(sg, postgres_dsn, tables):
    import psycopg

    s, h = tables
    with psycopg.connect(postgres_dsn, autocommit=True) as raw:
        conn = guard_connection(raw, sg, scope="police", default_requester="local")
        cur = conn.cursor()
        with pytest.raises(SQLRefusedError):
            cur.executemany(f"INSERT INTO {h} (id, person_id, hold_basis) VALUES (%s, %s, %s)",
                            [(1, 1, "judicial_warrant"), (2, 2, "ice_detainer")])
        with pytest.raises(SQLRefusedError):
            with cur.copy(f"COPY {s} (id, citizenship) FROM STDIN") as cp:
                cp.write_row((9, "US"))
        with cur.copy(f"COPY {s} (id, name) FROM STDIN") as cp:
            cp.write_row((10, "z"))
        with request_context(RequestContext(requester=Requester("federal"))):
            with pytest.raises(SQLRefusedError):
                with cur.copy(f"COPY {s} TO STDOUT") as cp:
                    list(cp.rows())
    assert rows(postgres_dsn, f"SELECT count(*) FROM {h}") == [(0,)]
    assert rows(postgres_dsn, f"SELECT id FROM {s}") == [(10,)]


def test_psycopg_composed_queries_and_fail_closed(sg, postgres_dsn, tables):
    import psycopg
    from psycopg import sql

    s, _ = tables
    with psycopg.connect(postgres_dsn, autocommit=True) as raw:
        conn = guard_connection(raw, sg, scope="city")
        q = sql.SQL("INSERT INTO {} (id, citizenship) VALUES (%s, %s)").format(sql.Identifier(s))
        with pytest.raises(SQLRefusedError):
            conn.execute(q, (1, "US"))
        with pytest.raises(SQLAnalysisError):
            conn.execute("SET standard_conforming_strings = off")
        with pytest.raises(SQLAnalysisError):
            conn.execute(f"PREPARE p AS SELECT citizenship FROM {s}")
        assert conn.execute("SHOW standard_conforming_strings").fetchone() == ("on",)
    assert rows(postgres_dsn, f"SELECT count(*) FROM {s}") == [(0,)]


def test_federal_read_blocked_local_read_runs_on_postgres(sg, postgres_dsn, tables):
    import psycopg

    s, _ = tables
    with psycopg.connect(postgres_dsn, autocommit=True) as c:
        c.execute(f"INSERT INTO {s} (id, name, home_address) VALUES (1, 'a', '1 Main St')")
    with psycopg.connect(postgres_dsn, autocommit=True) as raw:
        conn = guard_connection(raw, sg, scope="police")
        with request_context(RequestContext(requester=Requester("federal"))):
            with pytest.raises(SQLRefusedError):
                conn.execute(f"SELECT * FROM {s}")
        with request_context(RequestContext(requester=Requester("local"))):
            assert conn.execute(f"SELECT home_address FROM {s}").fetchall() == [("1 Main St",)]


def test_sqlalchemy_postgres_blocks_before_the_server(sg, postgres_dsn, tables):
    sa = pytest.importorskip("sqlalchemy")
    from status_guard.sql.hooks.sqlalchemy import install, uninstall

    s, h = tables
    user = postgres_dsn.split("user=")[1].split()[0]
    engine = sa.create_engine(f"postgresql+psycopg://{user}@127.0.0.1:5432/test")
    insp = install(engine, sg, scope="police")
    try:
        t = sa.Table(h, sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), sa.Column("person_id", sa.Integer),
                     sa.Column("hold_basis", sa.Text))
        with request_context(RequestContext(requester=Requester("local"))):
            with pytest.raises(SQLRefusedError):
                with engine.begin() as c:
                    c.execute(t.insert().values(id=1, person_id=1, hold_basis="ice_detainer"))
            with engine.begin() as c:
                c.execute(t.insert(), [{"id": 2, "person_id": 2, "hold_basis": "judicial_warrant"},
                                       {"id": 3, "person_id": 3, "hold_basis": "court_order"}])
            with pytest.raises(SQLRefusedError):
                with engine.begin() as c:
                    c.execute(t.insert(), [{"id": 4, "person_id": 4, "hold_basis": "judicial_warrant"},
                                           {"id": 5, "person_id": 5, "hold_basis": "ice_detainer"}])
    finally:
        uninstall(engine, insp)
        engine.dispose()
    assert rows(postgres_dsn, f"SELECT id FROM {h} ORDER BY id") == [(2,), (3,)]


def test_psycopg_stream_is_inspected_before_postgres_sees_it(sg, postgres_dsn, tables):
    import psycopg

    s, h = tables
    with psycopg.connect(postgres_dsn, autocommit=True) as c:
        c.execute(f"INSERT INTO {s} (id, name, home_address) VALUES (1, 'a', '1 Main St'), (2, 'b', '2 Elm St')")
    with psycopg.connect(postgres_dsn, autocommit=True) as raw:
        conn = guard_connection(raw, sg, scope="police")
        cur = conn.cursor()
        # 040(e): a federal requester streaming home addresses is refused before any row moves
        with request_context(RequestContext(requester=Requester("federal"))):
            with pytest.raises(SQLRefusedError):
                list(cur.stream(f"SELECT id, home_address FROM {s} ORDER BY id"))
            with pytest.raises(SQLRefusedError):  # smuggled through a table function in FROM
                list(cur.stream(f"SELECT a FROM {s} t, unnest(array[t.home_address]) AS u(a)"))
        with request_context(RequestContext(requester=Requester("local"))):
            assert list(cur.stream(f"SELECT id, home_address FROM {s} WHERE id > %b ORDER BY id", (0,))) == [
                (1, "1 Main St"), (2, "2 Elm St")]
            # a stream that writes: RETURNING over a hold whose sole basis is an ICE detainer
            with pytest.raises(SQLRefusedError):
                list(cur.stream(f"INSERT INTO {h} (id, person_id, hold_basis) VALUES (%s, %s, %t) RETURNING id",
                                (1, 1, "ice_detainer")))
    assert rows(postgres_dsn, f"SELECT count(*) FROM {h}") == [(0,)]
