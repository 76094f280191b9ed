"""The SQL verdict caches never change a decision (issue 15).

Invariants:

* **Literal variants** — a statement that differs from one seen before only in its literals is
  decided from the shape's template with its literals bound (:mod:`status_guard.sql.variants`); its
  verdict (effect, rule hits and citations, field outcomes, the columns given, the fingerprint the
  audit record names) equals the full, uncached analysis — for written status words, addresses,
  5+ digit runs, key-value questions, JSON text, ``ORDER BY n`` — or the statement is analysed in
  full.
* **Invalidation** — the cached verdict follows every change of the schema map, of a connection's
  pending DDL and temporary tables (BEGIN / COMMIT / ROLLBACK / SAVEPOINT), of the requester class,
  purpose and scope: interleaving DDL, transaction control and checks, the cached inspector
  decides exactly as a fresh uncached one.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from status_guard.context import RequestContext, request_context
from status_guard.model import Requester
from status_guard.sql import Inspector, SQLAnalysisError, SQLRefusedError
from status_guard.sql.session import Session
from status_guard.sql.variants import BoundAnalysis, shape_of

from .conftest import SCHEMA

KV_SCHEMA = {
    "tables": {**SCHEMA, "answers": {"id": "int", "person_id": "int", "question": "text", "answer": "text"},
               "docs": {"id": "int", "data": "jsonb"}},
    "key_value": {"answers": ["question", "answer"]},
    "public_record": ["students.id"],
}

# values a value rule or a classifier may care about, and plain ones
WORDS = ["ICE detainer", "immigration detainer", "judicial warrant", "criminal warrant", "undocumented",
         "citizen", "green card holder", "asylum seeker", "12 Main St", "45 Elm Street, Cambridge MA 02139",
         "123456789", "02139", "A123456789", "Mexico", "born in Haiti", "citizenship", "immigration_status",
         "favorite_color", "race", "home_address", "bob", "x", "", " ", "It''s", "O''Brien", "7 Oak Ave #2",
         "2024-01-01", "released"]
words = st.sampled_from(WORDS)
nums = st.one_of(st.integers(0, 99), st.integers(10_000, 9_999_999), st.sampled_from([1, 2, 3]))


def s(w: str) -> str:
    return f"'{w}'"


SHAPES = [
    lambda w, n: f"SELECT id, name FROM students WHERE id = {n[0]}",
    lambda w, n: f"SELECT citizenship FROM students WHERE id = {n[0]} AND name = {s(w[0])}",
    lambda w, n: f"SELECT citizenship FROM students WHERE home_address = {s(w[0])}",
    lambda w, n: f"SELECT name FROM students WHERE grade BETWEEN {n[0]} AND {n[1]} LIMIT {n[2]}",
    lambda w, n: f"SELECT name FROM students WHERE name IN ({s(w[0])}, {s(w[1])}) OFFSET {n[0]}",
    lambda w, n: f"SELECT name, home_address FROM students ORDER BY {n[0] % 3 + 1}",
    lambda w, n: f"SELECT {s(w[0])} AS label, name FROM students",
    lambda w, n: f"INSERT INTO holds (id, person_id, hold_basis) VALUES ({n[0]}, {n[1]}, {s(w[0])})",
    lambda w, n: f"INSERT INTO students (id, name, citizenship, home_address) VALUES ({n[0]}, {s(w[0])}, "
                 f"{s(w[1])}, {s(w[2])})",
    lambda w, n: f"INSERT INTO people (id, full_name, immigration_status) VALUES ({n[0]}, {s(w[0])}, {s(w[1])}), "
                 f"({n[1]}, {s(w[2])}, {s(w[0])})",
    lambda w, n: f"UPDATE holds SET hold_basis = {s(w[0])} WHERE id = {n[0]}",
    lambda w, n: f"UPDATE people SET immigration_status = {s(w[0])} WHERE full_name = {s(w[1])}",
    lambda w, n: f"UPDATE answers SET answer = {s(w[0])} WHERE question = {s(w[1])}",
    lambda w, n: f"INSERT INTO answers (id, question, answer) VALUES ({n[0]}, {s(w[0])}, {s(w[1])})",
    lambda w, n: f"SELECT answer FROM answers WHERE question = {s(w[0])} AND person_id = {n[0]}",
    lambda w, n: f"UPDATE answers SET question = {s(w[0])} WHERE id = {n[0]}",
    lambda w, n: "UPDATE docs SET data = '{\"" + w[0].replace("'", "") + "\": \"" + w[1].replace("'", "") + "\"}' "
                 f"WHERE id = {n[0]}",
    lambda w, n: f"SELECT data->>{s(w[0])} FROM docs WHERE id = {n[0]}",
    lambda w, n: f"SELECT set_config({s(w[0])}, {s(w[1])}, false)",
    lambda w, n: f"DELETE FROM holds WHERE hold_basis = {s(w[0])} AND id > {n[0]}",
    lambda w, n: f"SELECT count(*) FROM holds WHERE release_date < {s(w[0])} GROUP BY {n[0] % 2 + 1}",
]

variant = st.tuples(st.lists(words, min_size=3, max_size=3), st.lists(nums, min_size=3, max_size=3))


def _outcome(insp: Inspector, sql: str, requester: str, purpose: str | None):
    try:
        v = insp.decide(sql, requester=requester, purpose=purpose, scope="police")
    except SQLAnalysisError as exc:
        return ("error", type(exc).__name__, exc.reason, exc.fingerprint)
    d = v.decision
    return ("verdict", d, dict(d.messages), d.citations, v.fingerprint, v.given, v.restricted)


@pytest.fixture(scope="module")
def inspectors(_shared_guard):
    cached = Inspector(_shared_guard, dialect="postgres", schema=KV_SCHEMA, scope="police")
    return cached


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=st.sampled_from(range(len(SHAPES))), variants=st.lists(variant, min_size=3, max_size=5),
       requester=st.sampled_from(["local", "federal", "federal_immigration"]), purpose=st.sampled_from([None, "ell_services"]))
def test_a_literal_variant_is_decided_exactly_as_its_full_analysis(sg, inspectors, shape, variants, requester,
                                                                   purpose):
    """A variant bound from its shape's template gets the same decision, citations, fields, given
    columns and fingerprint as the uncached analysis of its own text."""
    cached = inspectors
    for w, n in variants:
        sql = SHAPES[shape](w, n)
        uncached = Inspector(sg, dialect="postgres", schema=KV_SCHEMA, scope="police", cache_size=0)
        want = _outcome(uncached, sql, requester, purpose)
        got = _outcome(cached, sql, requester, purpose)
        assert got == want, sql
        again = _outcome(cached, sql, requester, purpose)  # the exact-text (hot) path
        assert again == want, sql


def test_literal_variants_are_bound_not_reanalysed(sg):
    insp = Inspector(sg, dialect="postgres", schema=KV_SCHEMA, scope="police")
    for i in range(3):
        insp.decide(f"UPDATE holds SET hold_basis = 'basis {i}' WHERE id = {i}", requester="local")
    assert isinstance(insp.analysis("UPDATE holds SET hold_basis = 'basis 2' WHERE id = 2"), BoundAnalysis)
    d = insp.decide("UPDATE holds SET hold_basis = 'ICE detainer' WHERE id = 9", requester="local").decision
    assert d.blocked and "2.129.040(d)" in d.citations  # the written status word is still checked


def test_statements_whose_meaning_depends_on_a_literal_are_never_bound(sg):
    insp = Inspector(sg, dialect="postgres", schema=KV_SCHEMA, scope="police")
    for sql in ("SELECT name, home_address FROM students ORDER BY {}", "SELECT set_config('a{}', 'b', false)",
                "SELECT data->>'k{}' FROM docs", "SELECT '{}' AS label FROM students"):
        for i in (1, 2, 3, 2):
            try:
                a = insp.analysis(sql.format(i))
            except SQLAnalysisError:
                continue
            assert not isinstance(a, BoundAnalysis), sql


def test_literals_that_change_placeholders_or_json_keys_are_never_bound():
    for lit in ("'50%'", "'a?b'", "'x:y'", "'{\"citizenship\": 1}'", "'[1]'", "E'x'", "'a\\b'"):
        assert shape_of(f"SELECT id FROM students WHERE name = {lit}", "postgres", 100_000) is None, lit
    assert shape_of("SELECT id FROM students WHERE id = 1 -- 'x'", "postgres", 100_000) is None
    assert shape_of("SELECT id FROM students WHERE id = $1", "postgres", 100_000) is None


# -- invalidation ---------------------------------------------------------------------------------

CHECKS = [
    "SELECT * FROM students WHERE id = 1",
    "SELECT * FROM extra WHERE id = 2",
    "SELECT citizenship FROM students WHERE id = 3",
    "INSERT INTO extra (id, note) VALUES (1, 'ICE detainer')",
    "INSERT INTO students (id, note) VALUES (1, 'judicial warrant')",
    "SELECT note FROM students",
    "SELECT * FROM tmp",
    "UPDATE students SET basis = 'ICE detainer' WHERE id = 4",
]
DDL = [
    "CREATE TABLE extra (id int, note text)",
    "CREATE TABLE extra (id int, home_address text, citizenship text)",
    "DROP TABLE extra",
    "ALTER TABLE students ADD COLUMN note text",
    "ALTER TABLE students ADD COLUMN basis text",
    "ALTER TABLE students DROP COLUMN home_address",
    "ALTER TABLE students RENAME COLUMN name TO home_address2",
    "CREATE TEMPORARY TABLE tmp (id int, race text)",
    "DROP TABLE tmp",
    "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT a", "ROLLBACK TO SAVEPOINT a", "RELEASE SAVEPOINT a",
]
op = st.one_of(
    st.tuples(st.just("ddl"), st.sampled_from(DDL)),
    st.tuples(st.just("check"), st.sampled_from(CHECKS), st.sampled_from(["local", "federal", "federal_immigration", "unknown"]),
              st.sampled_from([None, "ell_services"]), st.sampled_from(["police", "schools"])),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=4, max_size=25))
def test_any_schema_transaction_requester_or_scope_change_invalidates_the_cached_verdict(sg, ops):
    """Cached decisions equal a fresh uncached inspector's, over any interleaving of DDL, COMMIT,
    ROLLBACK, savepoints and checks by different requesters, purposes and scopes."""
    cached = Inspector(sg, dialect="postgres", schema={"students": dict(SCHEMA["students"])}, scope="police")
    session = Session()
    local = RequestContext(requester=Requester("local"), scope="police")
    for o in ops:
        if o[0] == "ddl":
            with request_context(local):
                try:
                    cached.enforce(o[1], session=session)
                except (SQLRefusedError, SQLAnalysisError):
                    pass
            continue
        _, sql, who, purpose, scope = o
        uncached = Inspector(sg, dialect="postgres", schema=cached.schema, scope=scope, cache_size=0)
        want = _session_outcome(uncached, sql, who, purpose, scope, session)
        assert _session_outcome(cached, sql, who, purpose, scope, session) == want, (sql, who, purpose, scope)
        assert _session_outcome(cached, sql, who, purpose, scope, session) == want, (sql, who, purpose, scope)


def _session_outcome(insp, sql, who, purpose, scope, session):
    try:
        v = insp.decide(sql, requester=who, purpose=purpose, scope=scope, session=session)
    except SQLAnalysisError as exc:
        return ("error", exc.reason, exc.fingerprint)
    return ("verdict", v.decision, v.decision.citations, v.fingerprint, v.given, v.restricted)


def test_check_sql_notices_a_schema_mapping_changed_in_place(sg):
    schema = {"tables": {"students": {"id": "int"}}, "public_record": ["students.id"]}
    assert not sg.check_sql("SELECT * FROM students", scope="police", requester="federal", schema=schema).blocked
    schema["tables"]["students"]["home_address"] = "text"
    d = sg.check_sql("SELECT * FROM students", scope="police", requester="federal", schema=schema)
    assert d.blocked and "2.129.040(e)" in d.citations


scalars = st.one_of(words.map(lambda w: w.replace("''", "'")), nums, st.booleans(), st.none(),
                    st.sampled_from([0.0, -0.0, 1.0, 123456.0]))
PARAM_SHAPES = [
    ("INSERT INTO holds (id, person_id, hold_basis) VALUES (%s, %s, %s)", 3),
    ("UPDATE people SET immigration_status = %s, full_name = %s WHERE id = %s", 3),
    ("UPDATE answers SET answer = %s WHERE question = %s AND id = %s", 3),
    ("SELECT answer FROM answers WHERE question = %s AND person_id = %s", 2),
    ("SELECT citizenship FROM students WHERE home_address = %s", 1),
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=st.sampled_from(PARAM_SHAPES), rows=st.lists(st.lists(scalars, min_size=3, max_size=3), min_size=2,
                                                           max_size=5),
       requester=st.sampled_from(["local", "federal"]))
def test_a_statement_decided_on_its_bound_values_is_cached_per_values_exactly(sg, inspectors, shape, rows, requester):
    """The hot cache keyed on bound scalar values (``1`` and ``True``, ``0.0`` and ``-0.0`` kept
    apart) decides exactly as the uncached inspector."""
    sql, n = shape
    for row in rows + rows[:1]:
        params = tuple(row[:n])
        uncached = Inspector(sg, dialect="postgres", schema=KV_SCHEMA, scope="police", cache_size=0)
        want = _params_outcome(uncached, sql, params, requester)
        assert _params_outcome(inspectors, sql, params, requester) == want, (sql, params)


def _params_outcome(insp, sql, params, requester):
    try:
        v = insp.decide(sql, params, requester=requester, scope="police", bound=True)
    except SQLAnalysisError as exc:
        return ("error", exc.reason, exc.fingerprint)
    return ("verdict", v.decision, v.decision.citations, v.fingerprint, v.given, v.restricted)


# -- F06 (r15b): the number of parameter rows is part of every cached verdict ----------------------
# Invariant: a decision's field paths name the call's own rows (``t.c`` for the first, ``t[i].c`` for
# the i-th); a statement checked with n parameter rows after it was checked with m rows carries the
# same decision — fields, paths, effect, citations — and the same audit record as a fresh inspector's
# (issue 15: the caches never change a decision or an audit record; every record cites 2.129.040).
MANY_SHAPES = [
    ("INSERT INTO staging (id, c) VALUES (%s, %s)", 2),
    ("INSERT INTO students (id, grade) VALUES (%s, %s)", 2),
    ("INSERT INTO students (id, name) VALUES (%s, %s)", 2),
    ("INSERT INTO holds (id, person_id, hold_basis) VALUES (%s, %s, %s)", 3),
    ("UPDATE people SET full_name = %s WHERE id = %s", 2),
    ("INSERT INTO students (id, citizenship) VALUES (%s, %s)", 2),
    ("SELECT name FROM students WHERE id = %s", 1),
]
many_rows = st.lists(st.sampled_from([(1, "hello", "x"), (2, "again", "y"), (3, "bob", "judicial warrant")]),
                     min_size=1, max_size=4)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=st.sampled_from(MANY_SHAPES), calls=st.lists(st.tuples(many_rows, st.booleans()), min_size=2, max_size=5),
       requester=st.sampled_from(["local", "federal"]))
@example(shape=MANY_SHAPES[0], calls=[([(1, "hello", "x")] * 3, True), ([(1, "hello", "x")], False)], requester="local")
@example(shape=MANY_SHAPES[1], calls=[([(1, "hello", "x")] * 2, True), ([(2, "again", "y")] * 3, True)],
         requester="federal")
def test_audit_record_after_executemany_names_only_the_calls_own_rows(sg, shape, calls, requester):
    """2.129.040 (issue 15, r15b F06): executemany with n rows, then with m rows (or a single
    execute): each decision equals a fresh uncached inspector's, and its paths index only rows
    the call has."""
    sql, n = shape
    cached = Inspector(sg, dialect="postgres", schema=KV_SCHEMA, scope="police")
    for rows, many in calls:
        params = [r[:n] for r in rows] if many else rows[0][:n]
        fresh = Inspector(sg, dialect="postgres", schema=KV_SCHEMA, scope="police", cache_size=0)
        got = _many_outcome(cached, sql, params, many, requester)
        assert got == _many_outcome(fresh, sql, params, many, requester), (sql, params)
        if got[0] == "verdict":
            k = len(rows) if many else 1
            for f in got[1].fields:
                idx = f.path.split("[", 1)[1].split("]", 1)[0] if "[" in f.path.split(".", 1)[0] else "0"
                assert int(idx) < k, (f.path, k)


def _many_outcome(insp, sql, params, many, requester):
    try:
        v = insp.decide(sql, params, many=many, requester=requester, scope="police", bound=True)
    except SQLAnalysisError as exc:
        return ("error", exc.reason, exc.fingerprint)
    return ("verdict", v.decision, sorted(f.path for f in v.decision.fields), v.decision.citations, v.fingerprint,
            v.given, v.restricted)


def test_a_one_row_call_after_a_three_row_executemany_names_one_row(sg):
    """Look-alike (r15b F06 as given): the harmless note insert stays allowed and names students.id,
    students.notes only."""
    schema = {"students": {"id": "int", "name": "text", "notes": "text"}}
    insp = Inspector(sg, dialect="postgres", schema=schema, scope="schools")
    sql = "INSERT INTO students (id, notes) VALUES (%s, %s)"
    insp.decide(sql, [(1, "hello"), (2, "hello"), (3, "hello")], many=True, requester="local", bound=True)
    d = insp.decide(sql, (1, "hello again"), requester="local", bound=True).decision
    assert sorted(f.path for f in d.fields) == ["students.id", "students.notes"]
    assert not d.blocked
