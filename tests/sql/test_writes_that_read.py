"""Writes that return data are reads (2.129.040(e), (b), (k)).

Invariant: a statement's results are what it reads, whatever its kind. RETURNING, a
data-modifying CTE whose RETURNING rows the outer query selects, and a write that copies a
protected column into a visible one are decided as reads of those columns (and, for the copy, as
storing their categories). A write also *uses* the rows it touches: for a restricted requester the
columns of an UPDATE/DELETE/upsert target are reads (a constraint violation prints the row).
"""

from __future__ import annotations

import pytest

from .conftest import SCHEMA

PUBLIC = {"tables": {**SCHEMA, "visible": {"id": "int", "note": "text"}},
          "public_record": ["students.id", "students.name", "visible.id", "visible.note", "holds.id"]}


def check(sg, sql, requester, scope="police", params=None, schema=PUBLIC):
    return sg.check_sql(sql, scope=scope, requester=requester, schema=schema, params=params)


@pytest.mark.parametrize("sql", [
    "UPDATE students SET name = %s WHERE id = %s RETURNING home_address",
    "DELETE FROM holds WHERE id = %s RETURNING release_date",
    "INSERT INTO visible (id, note) VALUES (%s, %s) ON CONFLICT (id) DO UPDATE SET note = excluded.note "
    "RETURNING (SELECT home_address FROM students WHERE students.id = visible.id)",
    "WITH d AS (DELETE FROM holds WHERE id = %s RETURNING release_date) SELECT release_date FROM d",
    "WITH u AS (UPDATE students SET name = name WHERE id = %s RETURNING home_address AS h) SELECT h FROM u",
    "INSERT INTO visible (id, note) SELECT id, home_address FROM students WHERE id = %s",
    "UPDATE visible SET note = (SELECT home_address FROM students WHERE students.id = visible.id) WHERE id = %s",
])
def test_federal_officer_gets_no_protected_column_back_from_a_write(sg, sql):
    params = tuple(range(sql.count("%s")))
    d = check(sg, sql, "federal", params=params)
    assert d.blocked and "2.129.040(e)" in d.citations, sql
    assert not check(sg, sql, "local", params=params).blocked, sql


def test_school_write_returning_status_is_a_read_of_status(sg):
    d = check(sg, "UPDATE students SET grade = 2 WHERE id = 1 RETURNING citizenship", "local", scope="schools")
    assert d.blocked and "2.129.040(k)" in d.citations
    d = check(sg, "WITH d AS (DELETE FROM students WHERE id = 1 RETURNING citizenship) SELECT * FROM d", "local",
              scope="schools")
    assert d.blocked and "2.129.040(k)" in d.citations
    assert check(sg, "WITH d AS (DELETE FROM students WHERE id = 1 RETURNING id) SELECT * FROM d", "local",
                 scope="schools").allowed


def test_copying_status_into_a_visible_column_stores_status(sg):
    for sql in ("INSERT INTO visible (id, note) SELECT id, citizenship FROM students",
                "UPDATE visible SET note = (SELECT citizenship FROM students WHERE students.id = visible.id)",
                "WITH s AS (SELECT id, citizenship AS c FROM students) INSERT INTO visible (id, note) SELECT id, c FROM s",
                "CREATE TABLE copy_of AS SELECT id, citizenship AS note FROM students"):
        d = check(sg, sql, "local", scope="city")
        assert d.blocked and "2.129.040(b)" in d.citations, sql


def test_federal_update_touches_every_column_of_its_rows(sg):
    # a CHECK or NOT NULL violation prints "Failing row contains (...)" with every column
    d = check(sg, "UPDATE visible SET note = %s WHERE id = %s", "federal", params=("x", 1))
    assert not d.blocked  # every column of visible is public record
    d = check(sg, "UPDATE students SET name = %s WHERE id = %s", "federal", params=("x", 1))
    assert d.blocked and "students.home_address" in d.paths_with("block")
