"""Syntax the inspector used to refuse rather than understand: ALTER TABLE ... RENAME TO
(migrations), MySQL/SQLite REPLACE, psycopg %b/%t placeholders. Each is now decided on what it does
to which columns — and a status column smuggled through the new construct is still caught."""

from __future__ import annotations

import sqlite3

import pytest

from status_guard import Effect
from status_guard.sql import Inspector, SQLAnalysisError, SQLRefusedError
from status_guard.sql.hooks.dbapi import guard_connection

from .conftest import SCHEMA


def check(sg, sql, dialect="postgres", **kw):
    kw.setdefault("schema", SCHEMA)
    kw.setdefault("requester", "local")
    kw.setdefault("scope", "schools")
    return sg.check_sql(sql, dialect=dialect, **kw)


# ALTER TABLE ... RENAME TO ---------------------------------------------------------------------
@pytest.mark.parametrize("dialect", ["postgres", "mysql", "sqlite", "tsql"])
def test_migration_renaming_a_table_writes_no_protected_data(sg, dialect):
    assert check(sg, "ALTER TABLE students RENAME TO pupils", dialect).effect is Effect.ALLOW
    assert check(sg, "ALTER TABLE IF EXISTS public.staging RENAME TO staging_old", "postgres").allowed


def test_renamed_table_keeps_its_status_columns_in_the_map(sg, audit):
    insp = Inspector(sg, dialect="postgres", schema=SCHEMA, scope="schools", default_requester="local")
    insp.enforce("ALTER TABLE students RENAME TO pupils")
    # 040(b): the citizenship column moved with the table; writing it is still collection
    with pytest.raises(SQLRefusedError):
        insp.enforce("INSERT INTO pupils (id, citizenship) VALUES (1, 'US')")
    assert insp.enforce("INSERT INTO pupils (id, name) VALUES (1, 'Ana')").effect is Effect.ALLOW
    # 040(e): a federal requester reading every column of the renamed table is still refused
    d = insp.decide("SELECT * FROM pupils", requester="federal", scope="police").decision
    assert d.effect is Effect.BLOCK and "pupils.home_address" in {p for h in d.hits for p in h.paths}
    # the old name no longer describes a table: refused, never resolved against stale columns
    with pytest.raises(SQLAnalysisError, match="not in the schema"):
        insp.enforce("SELECT name FROM students")


def test_renaming_onto_a_name_the_map_still_holds_is_refused(sg):
    # a dropped-then-reused name would make the map describe the wrong columns
    with pytest.raises(SQLAnalysisError, match="re-reflect"):
        check(sg, "ALTER TABLE students RENAME TO staging")


def test_renaming_an_unknown_table_is_refused(sg):
    with pytest.raises(SQLAnalysisError, match="not in the schema"):
        check(sg, "ALTER TABLE nowhere RENAME TO somewhere")


def test_sqlite_migration_rename_then_status_write_never_reaches_the_database(sg, tmp_path):
    raw = sqlite3.connect(tmp_path / "city.db")
    raw.execute("CREATE TABLE students (id integer primary key, name text, citizenship text)")
    conn = guard_connection(raw, sg, scope="schools", default_requester="local")
    conn.execute("ALTER TABLE students RENAME TO pupils")
    with pytest.raises(SQLRefusedError):
        conn.execute("INSERT INTO pupils (id, name, citizenship) VALUES (?, ?, ?)", (1, "Ana", "MX"))
    conn.execute("INSERT INTO pupils (id, name) VALUES (?, ?)", (2, "Bo"))
    assert raw.execute("SELECT id, citizenship FROM pupils").fetchall() == [(2, None)]


# REPLACE INTO (MySQL, SQLite) -------------------------------------------------------------------
@pytest.mark.parametrize("dialect", ["mysql", "sqlite"])
def test_replace_into_never_stores_citizenship(sg, dialect):
    d = check(sg, "REPLACE INTO students (id, citizenship) VALUES (1, 'US')", dialect)
    assert d.effect is Effect.BLOCK and "2.129.040(b)" in d.citations
    d = check(sg, "replace into students (id, name, citizenship) select id, name, citizenship from staging_src",
              dialect, schema={**SCHEMA, "staging_src": {"id": "int", "name": "text", "citizenship": "text"}})
    assert d.blocked
    assert check(sg, "REPLACE INTO students (id, name) VALUES (1, 'Ana')", dialect).allowed
    assert check(sg, "REPLACE INTO students (id, name, citizenship) VALUES (1, 'Ana', NULL)", dialect).allowed


def test_mysql_replace_set_form_is_decided_like_insert(sg):
    d = check(sg, "REPLACE INTO students SET id = 1, citizenship = 'US'", "mysql")
    assert d.blocked and "2.129.040(b)" in d.citations
    assert check(sg, "REPLACE students SET id = 1, name = 'Ana'", "mysql").allowed
    # a status value copied into an innocent column keeps its categories
    d = check(sg, "REPLACE INTO staging (id, c) SELECT id, citizenship FROM students", "mysql")
    assert d.blocked


@pytest.mark.parametrize("dialect", ["mysql", "sqlite"])
def test_replace_hold_whose_sole_basis_is_an_ice_detainer_is_refused(sg, dialect):
    d = check(sg, "REPLACE INTO holds (id, person_id, hold_basis) VALUES (1, 2, 'ice_detainer')", dialect, scope="police")
    assert d.blocked and "2.129.040(d)" in d.citations
    assert check(sg, "REPLACE INTO holds (id, person_id, hold_basis) VALUES (1, 2, 'judicial_warrant')", dialect,
                 scope="police").allowed
    d = check(sg, "REPLACE INTO holds (id, person_id, hold_basis) VALUES (?, ?, ?)", dialect, scope="police",
              params=(1, 2, "ice_detainer"))
    assert d.blocked and "2.129.040(d)" in d.citations


def test_replace_only_at_statement_start_is_rewritten(sg):
    # REPLACE() the string function, and REPLACE inside a literal, are not statements
    assert check(sg, "SELECT replace(name, 'a', 'b') FROM students", "mysql").allowed
    d = check(sg, "INSERT INTO staging (c) VALUES ('x'); REPLACE INTO students (id, citizenship) VALUES (1, 'US')", "mysql")
    assert d.blocked
    with pytest.raises(SQLAnalysisError):  # modifiers the parser does not model stay refused
        check(sg, "REPLACE LOW_PRIORITY INTO students (id, citizenship) VALUES (1, 'US')", "mysql")


def test_sqlite_replace_runs_through_the_wrapper(sg, tmp_path):
    raw = sqlite3.connect(tmp_path / "r.db")
    raw.execute("CREATE TABLE students (id integer primary key, name text, citizenship text)")
    conn = guard_connection(raw, sg, scope="schools", default_requester="local")
    conn.execute("REPLACE INTO students (id, name) VALUES (?, ?)", (1, "Ana"))
    conn.execute("REPLACE INTO students (id, name) VALUES (?, ?)", (1, "Ana B"))
    with pytest.raises(SQLRefusedError):
        conn.execute("REPLACE INTO students (id, name, citizenship) VALUES (?, ?, ?)", (1, "Ana", "MX"))
    assert raw.execute("SELECT id, name, citizenship FROM students").fetchall() == [(1, "Ana B", None)]


# psycopg %b / %t placeholders -----------------------------------------------------------------
@pytest.mark.parametrize("ph", ["%b", "%t", "%(v)b", "%(v)t"])
def test_psycopg_binary_and_text_placeholders_bind_the_written_value(sg, ph):
    named = "(" in ph
    sql = f"INSERT INTO students (id, citizenship) VALUES ({'%(i)s' if named else '%s'}, {ph})"
    params = {"i": 1, "v": "US"} if named else (1, "US")
    d = check(sg, sql, params=params)
    assert d.blocked and "2.129.040(b)" in d.citations
    none = {"i": 1, "v": None} if named else (1, None)
    assert check(sg, sql, params=none).allowed  # NULL erases, it collects nothing


def test_psycopg_t_placeholder_carries_the_hold_basis_value_rule(sg):
    sql = "UPDATE holds SET hold_basis = %t WHERE id = %b"
    d = check(sg, sql, scope="police", params=("ice_detainer", 3))
    assert d.blocked and "2.129.040(d)" in d.citations
    assert check(sg, sql, scope="police", params=("judicial_warrant", 3)).allowed
    with pytest.raises(SQLAnalysisError):  # unbound: the value cannot be known
        check(sg, sql, scope="police")


def test_percent_is_read_exactly_as_psycopg_reads_it(sg):
    # without parameters psycopg sends the text as is: `x %b` is `x % b`, a read of column b
    from status_guard.sql.analyze import analyse

    assert ("m", "b") in analyse("SELECT x %b FROM m", "postgres", bound=False).reads
    insp = Inspector(sg, dialect="postgres", schema={**SCHEMA, "m": {"x": "int", "b": "int"}}, scope="schools")
    with pytest.raises(SQLAnalysisError, match="column `b`"):
        insp.decide("SELECT x %b FROM staging", requester="local", bound=False)
    # with parameters every `%` is psycopg's: `%%` is the modulo operator, `%b` a placeholder
    assert ("m", "b") in analyse("SELECT x %%b FROM m", "postgres", bound=True).reads
    assert analyse("SELECT x FROM m WHERE x = %b", "postgres", bound=True).reads == {("m", "x")}


# table functions in FROM ------------------------------------------------------------------------
@pytest.mark.parametrize("sql", [
    "SELECT x FROM unnest(array[1, 2]) AS u(x)",
    "SELECT n FROM generate_series(1, 3) AS g(n)",
    "SELECT g FROM generate_series(1, 3) g",
    "SELECT r.a FROM jsonb_to_recordset('[{\"a\": \"x\"}]'::jsonb) AS r(a text)",
    "SELECT count(*) FROM students s, generate_series(1, 3) AS g(n) WHERE s.id = g.n",
])
def test_table_function_outputs_are_not_physical_columns(sg, sql):
    schema = {"tables": SCHEMA, "public_record": ["students.id"]}  # s.id is filtered on: declared public
    assert check(sg, sql, scope="police", requester="federal", schema=schema).allowed


@pytest.mark.parametrize("sql,dialect", [
    ("SELECT u.x FROM students s, unnest(array[s.home_address]) AS u(x)", "postgres"),
    ("SELECT x FROM unnest(array[(SELECT home_address FROM students LIMIT 1)]) AS u(x)", "postgres"),
    ("SELECT r.a FROM students s, jsonb_to_recordset(s.home_address::jsonb) AS r(a text)", "postgres"),
    ("SELECT j.value FROM students s, json_each(s.home_address) j", "sqlite"),
])
def test_address_smuggled_through_a_table_function_is_still_a_federal_read(sg, sql, dialect):
    d = check(sg, sql, dialect, scope="police", requester="federal")
    assert d.blocked and "2.129.040(e)" in d.citations


def test_status_column_passed_into_a_table_function_is_a_filter(sg):
    from status_guard.sql.analyze import analyse
    from status_guard.sql.schema import SchemaMap

    sm = SchemaMap.build(sg, SCHEMA)
    a = analyse("SELECT s.id FROM students s, unnest(array[s.citizenship]) AS u(x) WHERE u.x = 'US'", "postgres", sm)
    assert ("students", "citizenship") in a.filters and ("students", "citizenship") not in a.reads
    a = analyse("INSERT INTO staging (c) SELECT x FROM students s, unnest(array[s.citizenship]) AS u(x)", "postgres", sm)
    assert ("students", "citizenship") in a.writes[0].sources
    # 040(c): selecting people by status through the table function is refused
    d = check(sg, "SELECT s.id FROM students s, unnest(array[s.citizenship]) AS u(x) WHERE u.x = 'US'",
              scope="schools")
    assert d.blocked


@pytest.mark.parametrize("sql", [
    "SELECT x FROM my_func(1) AS r(x)",  # user-defined: may run SQL the inspector cannot see
    "SELECT x FROM public.generate_series(1, 3) AS g(x)",  # a schema-qualified shadow of a built-in
    "SELECT y FROM generate_series(1, 3) AS g(x)",  # not a declared output
])
def test_unknown_table_functions_stay_refused(sg, sql):
    with pytest.raises(SQLAnalysisError):
        check(sg, sql)
