"""Committed DDL is seen by every guarded connection to the same database (r15b F08).

Invariant (2.129.040(k), school staff never receive a student's citizenship status; 2.129.040 for
the fail-closed refusals): schema changes committed through ANY guarded connection of a Guard —
CREATE, ALTER ... RENAME (tables and columns), ADD COLUMN, DROP, CREATE VIEW — are in the map every
other guarded connection of that Guard decides its next statement against; a statement naming a
relation or column the map lacks (DDL the guard never saw) is decided against the catalog re-read,
or refused — never passed; on sqlite, DDL another process committed (PRAGMA schema_version moved)
is read from the catalog before the next statement. Interleavings of DDL and SELECTs over 2–3 connections (sqlite3, and
PostgreSQL at 127.0.0.1:5432 — required under CI=true): the restricted requester never receives the
protected value through any connection, and a freshly wrapped connection decides as the others do.
"""

from __future__ import annotations

import sqlite3
import uuid

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from status_guard.sql import SQLAnalysisError, SQLRefusedError
from status_guard.sql.hooks.dbapi import guard_connection

SECRET = "undocumented"
NAMES = ["students", "x", "y", "v"]
COLS = ["citizenship_status", "note", "grade"]


def _ops(nconn: int, foreign: bool = False):
    c = st.integers(0, nconn - 1)
    a, b = st.sampled_from(NAMES), st.sampled_from(NAMES)
    extra = [st.tuples(st.just("foreign_rename"), c, a, b),  # DDL by a process the guard never sees
             st.tuples(st.just("foreign_rename_col"), c, a, st.tuples(st.sampled_from(COLS), st.sampled_from(COLS)))
             ] if foreign else []
    return st.one_of(*extra,
        st.tuples(st.just("rename"), c, a, b),
        st.tuples(st.just("rename_col"), c, a, st.tuples(st.sampled_from(COLS), st.sampled_from(COLS))),
        st.tuples(st.just("add_col"), c, a, st.sampled_from(["note", "grade", "remark"])),
        st.tuples(st.just("drop"), c, a, st.none()),
        st.tuples(st.just("create"), c, a, st.none()),
        st.tuples(st.just("view"), c, a, b),
        st.tuples(st.just("select"), c, a, st.none()),
        st.tuples(st.just("select_col"), c, a, st.sampled_from(COLS)),
        st.tuples(st.just("fresh"), c, a, st.none()),  # a newly wrapped connection
    )


def _sql(op, a, b):
    return {
        "rename": lambda: f"ALTER TABLE {a} RENAME TO {b}",
        "rename_col": lambda: f"ALTER TABLE {a} RENAME COLUMN {b[0]} TO {b[1]}",
        "add_col": lambda: f"ALTER TABLE {a} ADD COLUMN {b} text",
        "drop": lambda: f"DROP TABLE {a}",
        "create": lambda: f"CREATE TABLE {a} (id int, name text, grade text)",
        "view": lambda: f"CREATE VIEW {a} AS SELECT * FROM {b}",
        "select": lambda: f"SELECT * FROM {a}",
        "select_col": lambda: f"SELECT {b} FROM {a}",
        "fresh": lambda: f"SELECT * FROM {a}",
        "foreign_rename": lambda: f"ALTER TABLE {a} RENAME TO {b}",
        "foreign_rename_col": lambda: f"ALTER TABLE {a} RENAME COLUMN {b[0]} TO {b[1]}",
    }[op]()


def _leaks(rows) -> bool:
    return any(SECRET in map(str, r) for r in rows)


def _play(ops, connect, guard, rollback_on_error, conns):

    def conn(i):
        if i not in conns:
            conns[i] = guard_connection(connect(), guard, scope="schools", default_requester="local")
        return conns[i]

    for op, i, a, b in ops:
        c = conn(i) if op != "fresh" else guard_connection(connect(), guard, scope="schools",
                                                           default_requester="local")
        q = _sql(op, a, b)
        if op.startswith("foreign_"):
            raw = connect()
            try:
                raw.execute(q)
                raw.commit()
            except Exception:  # noqa: BLE001 - the database refused it
                pass
            finally:
                raw.close()
            continue
        if op == "fresh":
            conns[f"fresh{len(conns)}"] = c
        try:
            cur = c.cursor()
            cur.execute(q)
            if op in ("select", "select_col", "fresh"):
                rows = cur.fetchall()
                assert not _leaks(rows), (q, rows, ops)
            c.commit()  # ends the transaction a SELECT opened (its locks would hold the others' DDL)
        except (SQLRefusedError, SQLAnalysisError):
            if rollback_on_error:
                c.rollback()
        except AssertionError:
            raise
        except Exception:  # the database refused it (no such table, name taken)
            if rollback_on_error:
                c.rollback()
    return conns


def _seed(cur):
    cur.execute("CREATE TABLE students (id int, name text, citizenship_status text)")
    cur.execute("CREATE TABLE x (id int, name text, grade text)")
    cur.execute(f"INSERT INTO students VALUES (1, 'Ana', '{SECRET}')")
    cur.execute("INSERT INTO x VALUES (1, 'Bo', '3')")


F08 = [("select", 0, "students", None), ("rename", 1, "x", "y"), ("rename", 1, "students", "x"),
       ("select", 0, "x", None)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(nconn=st.integers(2, 3), data=st.data())
@example(nconn=2, data=None)
def test_school_staff_never_see_citizenship_status_through_any_sqlite_connection(sg, tmp_path, nconn, data):
    """2.129.040(k): DDL committed on one sqlite3 connection is seen by the others (r15b F08)."""
    ops = F08 if data is None else data.draw(st.lists(_ops(nconn, foreign=True), min_size=1, max_size=10))
    db = str(tmp_path / f"{uuid.uuid4().hex}.db")
    raw = sqlite3.connect(db)
    _seed(raw.cursor())
    raw.commit()
    raw.close()
    conns: dict = {}
    try:
        _play(ops, lambda: sqlite3.connect(db), sg, False, conns)
    finally:
        for c in conns.values():
            c.raw.close()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(nconn=st.integers(2, 3), data=st.data())
@example(nconn=2, data=None)
def test_school_staff_never_see_citizenship_status_through_any_postgres_connection(sg, postgres_dsn, nconn, data):
    """2.129.040(k): DDL committed on one psycopg connection is seen by the others (r15b F08)."""
    import psycopg

    ops = F08 if data is None else data.draw(st.lists(_ops(nconn), min_size=1, max_size=8))
    ns = f"sg_f08_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_dsn, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {ns}")
        admin.execute(f"SET search_path TO {ns}")
        _seed(admin.cursor())

    def connect():
        raw = psycopg.connect(postgres_dsn)
        raw.execute(f"SET search_path TO {ns}")
        raw.execute("SET lock_timeout = '3s'")
        raw.commit()
        return raw

    conns: dict = {}
    try:
        _play(ops, connect, sg, True, conns)
    finally:
        for c in conns.values():
            c.raw.close()
        with psycopg.connect(postgres_dsn, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {ns} CASCADE")


def test_a_table_created_outside_the_guard_is_read_from_the_catalog_not_refused(sg, tmp_path):
    """Look-alike: a harmless table another process created after the map was shared is decided
    against the catalog (allowed), and one holding citizenship status is refused (040(k))."""
    db = str(tmp_path / "school.db")
    raw = sqlite3.connect(db)
    _seed(raw.cursor())
    raw.commit()
    a = guard_connection(sqlite3.connect(db), sg, scope="schools", default_requester="local")
    raw.execute("CREATE TABLE clubs (id int, name text, room text)")
    raw.execute("INSERT INTO clubs VALUES (1, 'chess', '101')")
    raw.execute("CREATE TABLE intake (id int, citizenship_status text)")
    raw.execute(f"INSERT INTO intake VALUES (1, '{SECRET}')")
    raw.commit()
    assert a.cursor().execute("SELECT * FROM clubs").fetchall() == [(1, "chess", "101")]
    with pytest.raises(SQLRefusedError):
        a.cursor().execute("SELECT * FROM intake")
    with pytest.raises((SQLRefusedError, SQLAnalysisError)):
        a.cursor().execute("SELECT * FROM nowhere")


def test_a_harmless_rename_on_another_connection_stays_readable(sg, tmp_path):
    """Look-alike: renaming a harmless table on connection L leaves it readable on connection A
    under its new name."""
    db = str(tmp_path / "school.db")
    raw = sqlite3.connect(db)
    _seed(raw.cursor())
    raw.commit()
    raw.close()
    a, b = (guard_connection(sqlite3.connect(db), sg, scope="schools", default_requester="local") for _ in range(2))
    b.cursor().execute("ALTER TABLE x RENAME TO classes")
    b.commit()
    assert a.cursor().execute("SELECT name, grade FROM classes").fetchall() == [("Bo", "3")]


def test_a_rename_by_another_process_onto_a_known_name_is_seen_on_sqlite(sg, tmp_path):
    """040(k): an unguarded process renames `students` (citizenship status) onto `x`, a name the
    shared map knows as harmless: the next statement on a guarded sqlite connection re-reads the
    catalog (PRAGMA schema_version moved) and is refused; `x_old` (harmless) stays readable."""
    db = str(tmp_path / "school.db")
    raw = sqlite3.connect(db)
    _seed(raw.cursor())
    raw.commit()
    a = guard_connection(sqlite3.connect(db), sg, scope="schools", default_requester="local")
    assert a.cursor().execute("SELECT * FROM x").fetchall() == [(1, "Bo", "3")]
    raw.execute("ALTER TABLE x RENAME TO x_old")
    raw.execute("ALTER TABLE students RENAME TO x")
    raw.commit()
    with pytest.raises(SQLRefusedError):
        a.cursor().execute("SELECT * FROM x")
    assert a.cursor().execute("SELECT * FROM x_old").fetchall() == [(1, "Bo", "3")]
