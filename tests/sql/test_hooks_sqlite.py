"""Hooks against a real SQLite database: refused statements never reach it, allowed ones run."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from status_guard.sql import SQLAnalysisError, SQLRefusedError
from status_guard.sql.hooks.dbapi import guard_connection

DDL = """
CREATE TABLE students (id INTEGER PRIMARY KEY, name TEXT, citizenship TEXT, home_address TEXT, grade INTEGER);
CREATE TABLE holds (id INTEGER PRIMARY KEY, person_id INTEGER, hold_basis TEXT);
"""


@pytest.fixture
def raw(tmp_path):
    conn = sqlite3.connect(tmp_path / "app.db")
    conn.executescript(DDL)
    conn.commit()
    yield conn
    conn.close()


def count(raw, sql):
    return raw.execute(sql).fetchone()[0]


def test_sqlite_wrapper_blocks_status_write_before_it_reaches_the_database(sg, raw):
    conn = guard_connection(raw, sg, scope="schools")
    with pytest.raises(SQLRefusedError):
        conn.execute("INSERT INTO students (id, name, citizenship) VALUES (?, ?, ?)", (1, "Ana", "MX"))
    assert count(raw, "SELECT count(*) FROM students") == 0
    conn.execute("INSERT INTO students (id, name, citizenship) VALUES (?, ?, ?)", (1, "Ana", None))
    conn.commit()
    assert count(raw, "SELECT count(*) FROM students") == 1


def test_sqlite_executemany_is_checked_row_by_row(sg, raw):
    conn = guard_connection(raw, sg, scope="city")
    cur = conn.cursor()
    with pytest.raises(SQLRefusedError):
        cur.executemany("INSERT INTO students (id, citizenship) VALUES (?, ?)", iter([(1, None), (2, "US")]))
    assert count(raw, "SELECT count(*) FROM students") == 0
    cur.executemany("INSERT INTO students (id, name) VALUES (?, ?)", [(1, "a"), (2, "b")])
    assert count(raw, "SELECT count(*) FROM students") == 2


def test_sqlite_executescript_with_any_refused_part_runs_nothing(sg, raw):
    conn = guard_connection(raw, sg, scope="city")
    with pytest.raises(SQLRefusedError):
        conn.executescript("INSERT INTO students (id, name) VALUES (5, 'x'); "
                           "UPDATE students SET citizenship = 'US' WHERE id = 5;")
    assert count(raw, "SELECT count(*) FROM students") == 0


def test_sqlite_hold_on_ice_detainer_never_written(sg, raw):
    conn = guard_connection(raw, sg, scope="police", default_requester="local")
    with pytest.raises(SQLRefusedError) as info:
        conn.execute("INSERT INTO holds (id, person_id, hold_basis) VALUES (?, ?, ?)", (1, 9, "ice_detainer"))
    assert "2.129.040(d)" in str(info.value) and "ice_detainer" not in str(info.value)
    assert count(raw, "SELECT count(*) FROM holds") == 0
    conn.execute("INSERT INTO holds (id, person_id, hold_basis) VALUES (?, ?, ?)", (1, 9, "judicial_warrant"))
    assert count(raw, "SELECT count(*) FROM holds") == 1


def test_sqlite_reads_run_and_return_rows(sg, raw):
    raw.execute("INSERT INTO students (id, name, home_address) VALUES (1, 'a', '1 Main St')")
    conn = guard_connection(raw, sg, scope="police")
    from status_guard.context import RequestContext, request_context
    from status_guard.model import Requester

    with request_context(RequestContext(requester=Requester("local"))):
        rows = conn.execute("SELECT name, home_address FROM students").fetchall()
    assert rows == [("a", "1 Main St")]
    with request_context(RequestContext(requester=Requester("federal"))):
        with pytest.raises(SQLRefusedError):
            conn.execute("SELECT name, home_address FROM students")


def test_sqlite_unparseable_statement_is_refused(sg, raw):
    conn = guard_connection(raw, sg, scope="city")
    with pytest.raises(SQLAnalysisError):
        conn.execute("INSERT INTO students (id, nosuch) VALUES (1, 2)")


# -- SQLAlchemy -------------------------------------------------------------------------------
def test_sqlalchemy_sqlite_blocks_before_the_driver(sg, tmp_path):
    sa = pytest.importorskip("sqlalchemy")
    from status_guard.sql.hooks.sqlalchemy import install

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'sa.db'}")
    with engine.begin() as c:
        for stmt in DDL.strip().split(";"):
            if stmt.strip():
                c.exec_driver_sql(stmt)
    install(engine, sg, scope="schools")
    meta = sa.MetaData()
    students = sa.Table("students", meta, autoload_with=engine) if False else sa.Table(
        "students", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text),
        sa.Column("citizenship", sa.Text), sa.Column("home_address", sa.Text), sa.Column("grade", sa.Integer))
    with pytest.raises(SQLRefusedError):
        with engine.begin() as c:
            c.execute(students.insert().values(id=1, name="a", citizenship="US"))
    with engine.begin() as c:
        c.execute(students.insert().values(id=2, name="b"))
        rows = c.execute(sa.select(students.c.name)).all()
    assert rows == [("b",)]
    with pytest.raises(SQLRefusedError):
        with engine.connect() as c:
            c.execute(sa.select(students.c.id).where(students.c.citizenship == "US"))
    engine.dispose()


def test_sqlalchemy_async_engine_is_hooked(sg, tmp_path):
    sa = pytest.importorskip("sqlalchemy")
    pytest.importorskip("aiosqlite")
    from sqlalchemy.ext.asyncio import create_async_engine

    from status_guard.sql.hooks.sqlalchemy import install, reflect_async

    async def main():
        engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}")
        async with engine.begin() as c:
            for stmt in DDL.strip().split(";"):
                if stmt.strip():
                    await c.exec_driver_sql(stmt)
        schema = await reflect_async(engine, sg)
        install(engine, sg, scope="city", schema=schema)
        with pytest.raises(SQLRefusedError):
            async with engine.begin() as c:
                await c.exec_driver_sql("INSERT INTO students (id, citizenship) VALUES (1, 'US')")
        async with engine.begin() as c:
            await c.exec_driver_sql("INSERT INTO students (id, name) VALUES (2, 'b')")
            n = (await c.exec_driver_sql("SELECT count(*) FROM students")).scalar()
        await engine.dispose()
        return n

    assert asyncio.run(main()) == 1


def test_batch_job_outside_a_request_is_unknown_unless_the_deployment_names_it(tmp_path):
    """Outside any request the requester is `unknown` (most restricted); a deployment can name a
    default for its own batch jobs, and a request context still wins over it."""
    import sqlite3

    from status_guard import Guard
    from status_guard.context import RequestContext, request_context
    from status_guard.model import Requester
    from status_guard.sql.errors import SQLRefusedError
    from status_guard.sql.hooks.dbapi import guard_connection

    guard = Guard.default(audit="memory:")
    raw = sqlite3.connect(tmp_path / "p.db")
    raw.execute("CREATE TABLE inmates (id INTEGER, home_address TEXT)")
    raw.execute("INSERT INTO inmates VALUES (1, 'x')")
    raw.commit()
    strict = guard_connection(raw, guard, scope="police")
    with pytest.raises(SQLRefusedError):
        strict.execute("SELECT home_address FROM inmates").fetchall()
    batch = guard_connection(raw, guard, scope="police", default_requester="local")
    assert batch.execute("SELECT home_address FROM inmates").fetchall() == [("x",)]
    with request_context(RequestContext(Requester("federal"))):
        with pytest.raises(SQLRefusedError):
            batch.execute("SELECT home_address FROM inmates").fetchall()
