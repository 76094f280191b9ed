"""What the analysis attributes to which physical column, construct by construct, in several
dialects — and what it refuses (fail closed). Decisions are tested in test_decisions.py."""

from __future__ import annotations

import pytest

from status_guard import Guard
from status_guard.sql import SQLAnalysisError, SQLLimitError, analyse
from status_guard.sql.schema import SchemaMap

from .conftest import SCHEMA, MemoryAudit

STATUS = ("students", "citizenship")
ADDR = ("students", "home_address")
BASIS = ("holds", "hold_basis")


@pytest.fixture(scope="module")
def schema() -> SchemaMap:
    return SchemaMap.build(Guard.default(audit=MemoryAudit()), SCHEMA)


def an(sql: str, schema: SchemaMap, dialect: str = "postgres"):
    return analyse(sql, dialect, schema)


# -- reads -------------------------------------------------------------------------------------
READS = [
    ("postgres", "SELECT * FROM students", ADDR),
    ("mysql", "SELECT * FROM students", ADDR),
    ("sqlite", "SELECT * FROM students", ADDR),
    ("tsql", "SELECT TOP 5 * FROM students", ADDR),
    ("oracle", "SELECT * FROM students WHERE ROWNUM < 5", ADDR),
    ("postgres", "SELECT t.* FROM students t JOIN holds h ON h.person_id = t.id", ADDR),
    ("postgres", "SELECT s FROM students s", ADDR),  # whole-row reference
    ("postgres", "SELECT row_to_json(s) FROM students s", ADDR),
    ("postgres", "SELECT json_agg(s) FROM students s", ADDR),
    ("postgres", "SELECT a FROM (SELECT home_address AS a FROM students) d", ADDR),  # derived table
    ("mysql", "SELECT a FROM (SELECT home_address AS a FROM students) AS d", ADDR),
    ("postgres", "WITH x AS (SELECT home_address AS h FROM students) SELECT h FROM x", ADDR),  # CTE
    ("postgres", "WITH x(a, b) AS (SELECT id, home_address FROM students) SELECT b FROM x", ADDR),  # renaming CTE
    ("sqlite", "WITH x(a, b) AS (SELECT id, home_address FROM students) SELECT b FROM x", ADDR),
    ("postgres", "SELECT name FROM students UNION SELECT home_address FROM students", ADDR),  # UNION branch
    ("tsql", "SELECT name FROM students UNION ALL SELECT home_address FROM students", ADDR),
    ("postgres", "SELECT (SELECT max(s.home_address) FROM students s WHERE s.id = h.person_id) FROM holds h", ADDR),
    ("postgres", "SELECT x.* FROM (SELECT * FROM students) x", ADDR),
    ("postgres", "SELECT upper(home_address) || '!' AS shout FROM students", ADDR),
    ("postgres", "SELECT CASE WHEN grade > 3 THEN home_address END FROM students", ADDR),
    ("postgres", "COPY students TO STDOUT", ADDR),
    ("postgres", "COPY (SELECT home_address FROM students) TO STDOUT WITH (FORMAT csv)", ADDR),
    ("postgres", "UPDATE students SET grade = 1 WHERE id = 2 RETURNING home_address", ADDR),
    ("postgres", "DELETE FROM students WHERE id = 2 RETURNING *", ADDR),
    ("postgres", "SELECT public.students.home_address FROM public.students", ADDR),
    ("postgres", "WITH RECURSIVE r(n, a) AS (SELECT id, home_address FROM students UNION ALL "
                 "SELECT n + 1, a FROM r WHERE n < 3) SELECT a FROM r", ADDR),
]


@pytest.mark.parametrize(("dialect", "sql", "pair"), READS)
def test_reads_are_attributed_to_the_physical_column(schema, dialect, sql, pair):
    assert pair in an(sql, schema, dialect).reads


def test_a_column_used_only_to_filter_inside_a_cte_is_not_a_read(schema):
    a = an("WITH x AS (SELECT id, home_address FROM students) SELECT id FROM x WHERE home_address LIKE 'A%'", schema)
    assert ADDR not in a.reads
    assert ADDR in a.filters


# -- filters -----------------------------------------------------------------------------------
FILTERS = [
    ("postgres", "SELECT name FROM students WHERE citizenship = 'US'"),
    ("mysql", "SELECT name FROM students WHERE citizenship = 'US'"),
    ("tsql", "SELECT name FROM students WHERE citizenship = N'US'"),
    ("oracle", "SELECT name FROM students WHERE citizenship = 'US'"),
    ("sqlite", "SELECT name FROM students WHERE citizenship = ?"),
    ("postgres", "SELECT s.name FROM students s JOIN people p ON p.immigration_status = s.citizenship"),
    ("postgres", "SELECT citizenship, count(*) FROM students GROUP BY citizenship"),
    ("postgres", "SELECT citizenship, count(*) FROM students GROUP BY 1"),
    ("postgres", "SELECT name FROM students ORDER BY citizenship"),
    ("postgres", "SELECT citizenship AS c FROM students ORDER BY c"),
    ("postgres", "SELECT grade FROM students GROUP BY grade HAVING max(citizenship) = 'X'"),
    ("postgres", "SELECT id FROM holds h WHERE h.person_id IN (SELECT id FROM students WHERE citizenship = 'X')"),
    ("postgres", "SELECT id FROM holds h WHERE EXISTS (SELECT 1 FROM students s WHERE s.id = h.person_id "
                 "AND s.citizenship <> 'US')".replace("name", "id")),
    ("postgres", "SELECT id FROM holds WHERE person_id IN (SELECT id FROM students ORDER BY citizenship LIMIT 5)"),
    ("postgres", "SELECT name, rank() OVER (PARTITION BY citizenship ORDER BY id) FROM students"),
    ("postgres", "WITH x(a, b) AS (SELECT id, citizenship FROM students) SELECT a FROM x WHERE b = 'US'"),
    ("postgres", "SELECT a FROM (SELECT id AS a, citizenship AS c FROM students) d WHERE d.c = 'US'"),
    ("postgres", "UPDATE holds SET release_date = NULL WHERE person_id IN (SELECT id FROM students WHERE citizenship = 'X')"),
    ("postgres", "DELETE FROM students WHERE citizenship = 'X'"),
    ("postgres", "DELETE FROM holds USING students WHERE students.id = holds.person_id AND students.citizenship = 'X'"),
    ("mysql", "UPDATE holds h JOIN students s ON s.id = h.person_id SET h.release_date = NULL WHERE s.citizenship = 'X'"),
    ("tsql", "UPDATE h SET release_date = NULL FROM holds h JOIN students s ON s.id = h.person_id WHERE s.citizenship = 'X'"),
    ("postgres", "MERGE INTO students t USING staging s ON t.citizenship = s.c WHEN MATCHED THEN UPDATE SET grade = 1"),
    ("postgres", "CREATE INDEX students_cit ON students (citizenship)"),
]


@pytest.mark.parametrize(("dialect", "sql"), FILTERS)
def test_filters_joins_groupings_and_orderings_are_attributed(schema, dialect, sql):
    assert STATUS in an(sql, schema, dialect).filters


# -- writes ------------------------------------------------------------------------------------
def writes_to(a, pair):
    return [w for w in a.writes if (w.table, w.column) == pair or pair in w.sources]


WRITES = [
    ("postgres", "INSERT INTO students (id, citizenship) VALUES (1, 'US')"),
    ("postgres", "INSERT INTO students VALUES (1, 'n', 'US', 'a', 'b', 3)"),  # no column list
    ("mysql", "INSERT INTO students (id, citizenship) VALUES (1, 'US'), (2, 'MX')"),
    ("sqlite", "INSERT INTO students (id, citizenship) VALUES (?, ?)"),
    ("postgres", "INSERT INTO students (id, citizenship) SELECT id, c FROM staging"),
    ("postgres", "INSERT INTO students (id, citizenship) VALUES (1, 'x') ON CONFLICT (id) DO UPDATE SET citizenship = excluded.citizenship"),
    ("sqlite", "INSERT INTO students (id, name) VALUES (1, 'x') ON CONFLICT (id) DO UPDATE SET citizenship = 'y'"),
    ("mysql", "INSERT INTO students (id, citizenship) VALUES (1, 'x') ON DUPLICATE KEY UPDATE citizenship = VALUES(citizenship)"),
    ("postgres", "UPDATE students SET citizenship = 'US' WHERE id = 1"),
    ("postgres", "UPDATE students s SET (grade, citizenship) = (1, 'US') WHERE s.id = 1"),
    ("postgres", "UPDATE students SET citizenship = st.c FROM staging st WHERE st.id = students.id"),
    ("mysql", "UPDATE students s JOIN staging st ON st.id = s.id SET s.citizenship = st.c"),
    ("tsql", "UPDATE s SET citizenship = st.c FROM students s JOIN staging st ON st.id = s.id"),
    ("oracle", "UPDATE students SET citizenship = 'US' WHERE id = 1"),
    ("postgres", "MERGE INTO students t USING staging s ON t.id = s.id WHEN MATCHED THEN UPDATE SET citizenship = s.c"),
    ("postgres", "MERGE INTO students t USING staging s ON t.id = s.id WHEN NOT MATCHED THEN INSERT (id, citizenship) VALUES (s.id, s.c)"),
    ("tsql", "MERGE INTO students AS t USING staging AS s ON t.id = s.id WHEN MATCHED THEN UPDATE SET citizenship = s.c;"),
    ("postgres", "COPY students (id, citizenship) FROM STDIN"),
    ("postgres", "COPY students FROM STDIN"),
    ("postgres", "UPDATE people SET race = race, full_name = (SELECT citizenship FROM students WHERE students.id = people.id)"),
]


@pytest.mark.parametrize(("dialect", "sql"), WRITES)
def test_writes_are_attributed_with_their_source(schema, dialect, sql):
    assert writes_to(an(sql, schema, dialect), STATUS)


def test_laundering_a_status_into_an_innocent_column_keeps_its_source(schema):
    a = an("INSERT INTO people (id, full_name) SELECT id, citizenship FROM students", schema)
    w = [w for w in a.writes if w.column == "full_name"][0]
    assert STATUS in w.sources


def test_literal_values_and_nulls_are_kept_for_value_rules(schema):
    a = an("INSERT INTO holds (id, hold_basis) VALUES (1, 'ice_detainer'), (2, NULL)", schema)
    vals = [(w.row, w.value.kind, w.value.text) for w in a.writes if (w.table, w.column) == BASIS]
    assert vals == [(0, "literal", "ice_detainer"), (1, "null", None)]


def test_placeholders_are_numbered_in_text_order(schema):
    a = an("WITH x AS (SELECT id FROM students WHERE grade = %s) "
           "UPDATE holds SET hold_basis = %s, release_date = %s WHERE person_id IN (SELECT id FROM x)", schema)
    params = {w.column: w.value.param for w in a.writes}
    assert params == {"hold_basis": 1, "release_date": 2}


def test_named_and_numbered_placeholders(schema):
    a = an("INSERT INTO holds (id, hold_basis) VALUES (%(id)s, %(basis)s)", schema)
    assert {w.column: w.value.param for w in a.writes} == {"id": "id", "hold_basis": "basis"}
    b = an("INSERT INTO holds (id, hold_basis) VALUES ($1, $2)", schema)
    assert {w.column: w.value.param for w in b.writes} == {"id": 0, "hold_basis": 1}


# -- schema changes ------------------------------------------------------------------------------
def test_ddl_adding_a_classified_column_is_a_store(schema):
    assert ("t2", "citizenship") in an("CREATE TABLE t2 (id int, citizenship text)", schema).adds
    assert ("students", "immigration_status") in an("ALTER TABLE students ADD COLUMN immigration_status text", schema).adds
    assert ("students", "country_of_birth2") in an("ALTER TABLE students RENAME COLUMN name TO country_of_birth2", schema).adds
    a = an("CREATE TABLE t3 AS SELECT id, citizenship FROM students", schema)
    assert STATUS in writes_to(a, STATUS)[0].sources


def test_dropping_a_forbidden_column_is_remediation(schema):
    a = an("ALTER TABLE students DROP COLUMN citizenship", schema)
    assert a.adds == () and a.writes == ()
    assert a.statements[0].drops == (STATUS,)


# -- fail closed -------------------------------------------------------------------------------
REFUSED = [
    ("postgres", "THIS IS NOT VALID SQL"),
    ("postgres", "SELECT FROM WHERE ((("),
    ("postgres", "-- only a comment"),
    ("postgres", "   "),
    ("postgres", "EXECUTE fetch_status('x')"),
    ("postgres", "PREPARE q AS SELECT citizenship FROM students"),
    ("postgres", "DO $$ BEGIN PERFORM 1; END $$"),
    ("postgres", "CALL refresh_status()"),
    ("mysql", "REPLACE INTO students (id, citizenship) VALUES (1, 'x')") if False else ("mysql", "HANDLER students OPEN"),
    ("mysql", "SELECT name /*!50000 , citizenship */ FROM students"),
    ("mysql", "SET sql_mode = 'ANSI_QUOTES'"),
    ("postgres", "SET standard_conforming_strings = off"),
    ("postgres", "SET search_path TO shadow, public"),
    ("postgres", "SELECT set_config('standard_conforming_strings', 'off', false)"),
    ("postgres", "SELECT query_to_xml('select citizenship from students', true, true, '')"),
    ("postgres", "SELECT 1; EXECUTE leak"),
    ("postgres", "SELECT nosuch FROM students"),
    ("postgres", "SELECT * FROM not_in_schema"),
    ("postgres", "INSERT INTO students (id, nosuch) VALUES (1, 2)"),
    ("postgres", "UPDATE students SET nosuch = 1"),
    ("postgres", "SELECT s.nosuch FROM students s"),
    ("postgres", "COPY students FROM PROGRAM 'cat /etc/passwd'"),
    ("tsql", "EXEC sp_executesql N'SELECT citizenship FROM students'"),
    ("postgres", "USE other"),
    ("postgres", "SELECT name FROM students, people"),  # ambiguous? name only in students: fine -> use ambiguous id
]
REFUSED[-1] = ("postgres", "SELECT id FROM students, people")


@pytest.mark.parametrize(("dialect", "sql"), REFUSED)
def test_what_cannot_be_analysed_is_refused(schema, dialect, sql):
    with pytest.raises(SQLAnalysisError):
        an(sql, schema, dialect)


def test_size_and_complexity_bounds_refuse(schema):
    with pytest.raises(SQLLimitError):
        an("SELECT id FROM students WHERE " + " OR ".join(f"grade = {i}" for i in range(2000)), schema)
    with pytest.raises(SQLLimitError):
        an("SELECT " + "(" * 400 + "1" + ")" * 400, schema)
    with pytest.raises(SQLLimitError):
        an("SELECT id FROM students WHERE name = '" + "x" * 200_000 + "'", schema)


def test_error_messages_never_carry_a_literal(schema):
    for sql in ("SELECT nosuch FROM students WHERE citizenship = 'SECRET-VALUE'",
                "EXECUTE fetch('SECRET-VALUE')", "SELECT 'SECRET-VALUE' FROM ((",
                "SET search_path = 'SECRET-VALUE'"):
        with pytest.raises(SQLAnalysisError) as info:
            an(sql, schema)
        assert "SECRET" not in str(info.value)


def test_without_a_schema_star_and_ambiguity_are_refused_but_names_still_count():
    a = analyse("SELECT name FROM students WHERE citizenship = 'x'", "postgres", None)
    assert STATUS in a.filters
    with pytest.raises(SQLAnalysisError):
        analyse("SELECT * FROM students", "postgres", None)
    with pytest.raises(SQLAnalysisError):
        analyse("SELECT s FROM students s", "postgres", None)


def test_transaction_control_and_savepoints_pass(schema):
    for sql in ("BEGIN", "COMMIT", "ROLLBACK", 'SAVEPOINT "s1_x"', 'RELEASE SAVEPOINT "s1_x"',
                'ROLLBACK TO SAVEPOINT "s1_x"', "SET LOCAL statement_timeout = 5", "SHOW standard_conforming_strings"):
        a = an(sql, schema)
        assert not a.writes and not a.reads
