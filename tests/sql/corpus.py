"""Statements the SQL tests share: a PostgreSQL schema with protected columns, and a corpus of
statements (with psycopg parameters) covering the shapes ORMs and people write. The oracle test
runs every one of them through PostgreSQL; the decision tests pick from them."""

from __future__ import annotations

LONG = ("a_very_long_column_name_" + "x" * 63)[:63]  # exactly NAMEDATALEN - 1 bytes
assert len(LONG.encode()) == 63

# Each column gets its own type where it can, so a parameter bound to the wrong column shows up
# in the server's inferred parameter types too.
PG_TABLES: dict[str, dict[str, str]] = {
    "students": {"id": "integer", "name": "text", "citizenship": "varchar(40)", "home_address": "varchar(200)",
                 "country_of_birth": "char(2)", "grade": "smallint"},
    "holds": {"id": "integer primary key", "person_id": "bigint", "hold_basis": "text", "release_date": "date"},
    "people": {"id": "integer primary key", "full_name": "text", "immigration_status": "varchar(30)",
               "race": "varchar(20)", "arrest_date": "timestamp", "data": "jsonb"},
    "staging": {"id": "integer", "c": "text", "x": "numeric"},
    "Case Table": {"Name": "text", "name": "varchar(10)", "ID": "integer"},
    "long_names": {"id": "integer", LONG: "text"},
}

# (statement, params); params None: sent without parameters
CORPUS: list[tuple[str, object]] = [
    # outputs through aliases, CTEs, derived tables, set operations, whole rows
    ("SELECT * FROM students", None),
    ("SELECT s.name, s.home_address FROM students s WHERE s.grade = %s", (3,)),
    ("SELECT t.* FROM students t JOIN holds h ON h.person_id = t.id", None),
    ("SELECT a FROM (SELECT home_address AS a FROM students) d", None),
    ("WITH x AS (SELECT home_address AS h FROM students) SELECT h FROM x", None),
    ("WITH x(a, b) AS (SELECT id, home_address FROM students) SELECT b FROM x WHERE a = %s", (1,)),
    ("SELECT name FROM students UNION SELECT home_address FROM students", None),
    ("SELECT name FROM students UNION ALL SELECT full_name FROM people ORDER BY 1", None),
    ("SELECT (SELECT max(s.home_address) FROM students s WHERE s.id = h.person_id) FROM holds h", None),
    ("SELECT x.* FROM (SELECT * FROM students) x", None),
    ("SELECT upper(home_address) || '!' AS shout FROM students", None),
    ("SELECT CASE WHEN grade > 3 THEN home_address END FROM students", None),
    ("SELECT row_to_json(s) FROM students s", None),
    ("SELECT s FROM students s", None),
    ("WITH RECURSIVE r(n, a) AS (SELECT id, home_address FROM students UNION ALL SELECT n + 1, a FROM r WHERE n < 3) "
     "SELECT a FROM r", None),
    # alias column lists rename by position
    ("SELECT b.c2, upper(c4) FROM students AS b(c1, c2, c3, c4) WHERE c3 = %s ORDER BY c1", ("x",)),
    ("SELECT * FROM students AS b(c1, c2)", None),
    # USING / NATURAL joins: the merged column is the left one (right for RIGHT JOIN)
    ("SELECT id FROM students JOIN holds USING (id)", None),
    ("SELECT id FROM students LEFT JOIN holds USING (id)", None),
    ("SELECT id FROM students RIGHT JOIN holds USING (id)", None),
    ("SELECT id FROM students FULL JOIN holds USING (id)", None),
    ("SELECT * FROM students NATURAL JOIN staging", None),
    # filters: where, join, group, having, order, distinct on, window, limit, subqueries
    ("SELECT name FROM students WHERE citizenship = %s", ("US",)),
    ("SELECT s.name FROM students s JOIN people p ON p.immigration_status = s.citizenship", None),
    ("SELECT citizenship, count(*) FROM students GROUP BY citizenship", None),
    ("SELECT citizenship, count(*) FROM students GROUP BY 1", None),
    ("SELECT name FROM students ORDER BY citizenship", None),
    ("SELECT citizenship AS c FROM students ORDER BY c", None),
    ("SELECT grade FROM students GROUP BY grade HAVING max(citizenship) = %s", ("X",)),
    ("SELECT id FROM holds h WHERE h.person_id IN (SELECT id FROM students WHERE citizenship = %s)", ("X",)),
    ("SELECT id FROM holds h WHERE EXISTS (SELECT * FROM students s WHERE s.id = h.person_id AND s.citizenship <> 'US')",
     None),
    ("SELECT id FROM holds WHERE person_id IN (SELECT id FROM students ORDER BY citizenship LIMIT 5)", None),
    ("SELECT name, rank() OVER (PARTITION BY citizenship ORDER BY id) FROM students", None),
    ("SELECT DISTINCT ON (citizenship) id, name FROM students ORDER BY citizenship, grade", None),
    ("SELECT DISTINCT ON (citizenship) id FROM students WHERE grade > %s ORDER BY citizenship LIMIT %s", (1, 10)),
    ("SELECT DISTINCT name FROM students", None),
    ("SELECT name FROM students WHERE home_address LIKE %s", ("A%",)),
    ("SELECT id FROM students WHERE CAST(home_address AS integer) = 1", None),
    ("SELECT count(*) FILTER (WHERE citizenship = 'x') FROM students", None),
    ("SELECT string_agg(name, ',' ORDER BY citizenship) FROM students", None),
    ("SELECT id FROM students LIMIT (SELECT count(*) FROM holds WHERE hold_basis = 'x')", None),
    ("SELECT EXISTS (SELECT * FROM students WHERE id = %s)", (1,)),
    ("SELECT 1 FROM students s WHERE s.id = ANY (SELECT person_id FROM holds)", None),
    ("SELECT u.x FROM students s, unnest(array[s.home_address]) AS u(x)", None),
    ("SELECT s.id FROM students s, unnest(array[s.citizenship]) AS u(x) WHERE u.x = 'US'", None),
    ("SELECT g.n FROM generate_series(1, 3) AS g(n)", None),
    ("SELECT a, b FROM (VALUES (1, 'x'), (2, 'y')) AS v(a, b)", None),
    ("SELECT count(*) FROM students s, generate_series(1, 3) AS g(n) WHERE s.id = g.n", None),
    # JSON keys
    ("SELECT data->>'citizenship' FROM people", None),
    ("SELECT id FROM people WHERE data->>'home_address' = %s", ("x",)),
    ("SELECT id FROM people WHERE data @> %s", ('{"a": 1}',)),
    # quoted names keep case; long names are truncated to 63 bytes like the server does
    ('SELECT "Name", name FROM "Case Table" WHERE "ID" = %s', (1,)),
    (f"SELECT {LONG}_and_more FROM long_names", None),
    # writes
    ("INSERT INTO students (id, citizenship) VALUES (%s, %s)", (1, "US")),
    ("INSERT INTO students VALUES (%s, %s, %s, %s, %s, %s)", (1, "n", "US", "a", "MX", 3)),
    ("INSERT INTO students (id, citizenship) VALUES (%s, %s), (%s, %s)", (1, "US", 2, "MX")),
    ("INSERT INTO students (id, citizenship) SELECT id, c FROM staging", None),
    ("INSERT INTO holds (id, person_id, hold_basis) VALUES (%s, %s, %s) ON CONFLICT (id) DO UPDATE "
     "SET hold_basis = excluded.hold_basis RETURNING release_date", (1, 2, "x")),
    ("INSERT INTO holds (id, hold_basis) VALUES (%s, %s) ON CONFLICT (id) DO NOTHING", (1, "x")),
    ("INSERT INTO holds (id, person_id, hold_basis) SELECT p0::INTEGER, p1::BIGINT, p2::TEXT FROM "
     "(VALUES (%(id__0)s, %(person_id__0)s, %(hold_basis__0)s, 0), (%(id__1)s, %(person_id__1)s, "
     "%(hold_basis__1)s, 1)) AS imp_sen(p0, p1, p2, sen_counter) ORDER BY sen_counter RETURNING holds.id, holds.id AS id__1",
     {"id__0": 1, "person_id__0": 2, "hold_basis__0": "x", "id__1": 3, "person_id__1": 4, "hold_basis__1": "y"}),
    ('INSERT INTO "holds" ("id", "person_id", "hold_basis") SELECT * FROM UNNEST((%s)::integer[], (%s)::bigint[], '
     '(%s)::text[]) RETURNING "holds"."id"', ([1, 2], [3, 4], ["a", "b"])),
    ("UPDATE students SET citizenship = %s WHERE id = %s", ("US", 1)),
    ("UPDATE students s SET (grade, citizenship) = (%s, %s) WHERE s.id = %s", (1, "US", 2)),
    ("UPDATE students SET citizenship = st.c FROM staging st WHERE st.id = students.id", None),
    ("UPDATE people SET race = race, full_name = (SELECT citizenship FROM students WHERE students.id = people.id)",
     None),
    ("UPDATE holds SET hold_basis = %s, release_date = %s WHERE person_id IN (SELECT id FROM students WHERE grade = %s)",
     ("x", "2026-01-01", 3)),
    ("WITH x AS (SELECT id FROM students WHERE grade = %s) UPDATE holds SET hold_basis = %s, release_date = %s "
     "WHERE person_id IN (SELECT id FROM x)", (3, "x", "2026-01-01")),
    ("UPDATE students SET grade = 1 WHERE id = 2 RETURNING home_address", None),
    ("DELETE FROM students WHERE id = 2 RETURNING *", None),
    ("DELETE FROM holds USING students WHERE students.id = holds.person_id AND students.citizenship = %s", ("X",)),
    ("MERGE INTO students t USING staging s ON t.id = s.id WHEN MATCHED THEN UPDATE SET citizenship = s.c", None),
    ("MERGE INTO students t USING staging s ON t.id = s.id WHEN NOT MATCHED THEN INSERT (id, citizenship) "
     "VALUES (s.id, s.c)", None),
    ("WITH src AS (SELECT %s::integer AS id, %s::text AS basis) MERGE INTO holds h USING src ON h.id = src.id "
     "WHEN MATCHED THEN UPDATE SET hold_basis = src.basis WHEN NOT MATCHED THEN INSERT (id, hold_basis) "
     "VALUES (src.id, src.basis)", (1, "x")),
    # data-modifying CTEs and RETURNING are reads
    ("WITH d AS (DELETE FROM students WHERE id = %s RETURNING home_address) SELECT * FROM d", (1,)),
    ("WITH u AS (UPDATE holds SET hold_basis = %s WHERE id = %s RETURNING id, release_date) SELECT release_date FROM u",
     ("x", 1)),
    ("WITH i AS (INSERT INTO staging (id, c) SELECT id, home_address FROM students RETURNING c) SELECT c FROM i", None),
    ("UPDATE people SET data = jsonb_set(data, '{citizenship}', %s) WHERE id = %s", ('"US"', 1)),
    ("UPDATE people SET data = data || %s::jsonb WHERE id = %s", ('{"k": 1}', 1)),
]


__all__ = ["CORPUS", "LONG", "PG_TABLES"]
