"""2.129.040(e), inference: a restricted requester learns nothing from a column it may not read.

Invariant. For a restricted requester (``federal``, ``federal_immigration``, ``unknown``), a
protected column — one the policy does not let that requester read — may appear nowhere in a
statement: not in its outputs, and not where it decides which rows come back, in which order, in
how many groups, or whether the statement fails. WHERE, JOIN ON, ORDER BY, GROUP BY, HAVING,
window PARTITION/ORDER, DISTINCT ON, LIMIT subqueries, function and cast arguments (a failing cast
quotes the value in the error text), LIKE (a binary search extracts a whole address), IN/ANY/
EXISTS subqueries, CTEs, derived tables, UNION branches, alias column lists, written columns
(a unique violation says whether a value exists) and the rows an UPDATE/DELETE touches (a
constraint violation prints the failing row). Where the policy allows a column (citizenship or
immigration status under 8 U.S.C. §1373, public-record columns) it may be used.

The property test draws statements from ``generators.statements()`` — which records the columns
each one uses, independently of the inspector — and a random set of public-record columns, and
checks both directions: a statement that uses a protected column is refused (040(e)); one that
uses only readable columns is not refused on 040(e) grounds.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.sql import Inspector, SQLAnalysisError

from .generators import TABLES, statements

STATUS = {("students", "citizenship"), ("people", "immigration_status")}  # 8 U.S.C. §1373
ALL = sorted((t, c) for t, cols in TABLES.items() for c in cols)
SCHEMA = {t: {c: "text" for c in cols} for t, cols in TABLES.items()}


def decide(sg, sql, params=None, requester="federal", public=(), scope="police"):
    insp = Inspector(sg, dialect="postgres", scope=scope,
                     schema={"tables": SCHEMA, "public_record": [f"{t}.{c}" for t, c in public]})
    return insp.decide(sql, params, requester=requester, bound=params is not None).decision


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(gen=statements(), public=st.sets(st.sampled_from(ALL), max_size=8),
       requester=st.sampled_from(["federal", "federal_immigration", "unknown"]))
def test_restricted_requester_statement_uses_only_what_it_may_read(sg, gen, public, requester):
    # §1373 lets agencies exchange status; a requester who is not identified (`unknown`) is no agency
    # and receives no status (2.129.070 allows exchange, not publication)
    readable = set(public) | (STATUS if requester != "unknown" else set())
    try:
        d = decide(sg, gen.sql, gen.params, requester, public)
    except SQLAnalysisError as exc:
        # fail closed is a refusal too; the only one expected here is 040(d): a hold basis copied
        # by an expression whose value cannot be known before it runs
        assert "cannot be determined" in exc.reason, f"refused as unanalysable ({exc.reason}): {gen.sql}"
        return
    inferred = "2.129.040(e)" in d.citations and d.blocked
    if not gen.used <= readable:
        assert inferred, f"{requester} may infer {sorted(gen.used - readable)} from: {gen.sql}"
    else:
        assert not inferred, f"refused on 040(e) though every used column is readable: {gen.sql}"


# -- the review's shapes, by name ----------------------------------------------------------------
PUBLIC = [("students", "id"), ("students", "name"), ("holds", "id"), ("holds", "person_id")]


@pytest.mark.parametrize("sql", [
    # a binary search with LIKE extracts a full address, one character per query
    "SELECT id FROM students WHERE home_address LIKE 'A%'",
    "SELECT count(*) FROM students WHERE home_address LIKE %s",
    # a failing cast puts the value into the database's error text
    "SELECT id FROM students WHERE CAST(home_address AS integer) = 1",
    "SELECT id FROM students WHERE home_address::date IS NOT NULL",
    # order, groups, joins, windows and limits answer questions about the column
    "SELECT id FROM students ORDER BY home_address",
    "SELECT name FROM students GROUP BY name, home_address",
    "SELECT s.id FROM students s JOIN holds h ON h.release_date > now() AND h.person_id = s.id",
    "SELECT id, row_number() OVER (ORDER BY home_address) FROM students",
    "SELECT DISTINCT ON (home_address) id FROM students",
    "SELECT id FROM students WHERE id IN (SELECT person_id FROM holds WHERE release_date < '2027-01-01')",
    "SELECT id FROM students s WHERE EXISTS (SELECT * FROM holds h WHERE h.person_id = s.id AND h.hold_basis = 'x')",
    "SELECT id FROM students LIMIT (SELECT count(*) FROM holds WHERE release_date < now())",
    "SELECT id FROM students WHERE length(home_address) > 10",
    "WITH x AS (SELECT id, home_address FROM students) SELECT id FROM x WHERE home_address > 'M'",
    "SELECT r1 FROM students AS s(r1, r2, r3, r4) WHERE r4 LIKE 'A%'",
    # writes: RETURNING is a read; a written protected column answers through constraint errors
    "UPDATE students SET name = name WHERE id = 1 RETURNING home_address",
    "WITH d AS (DELETE FROM holds WHERE id = 1 RETURNING release_date) SELECT * FROM d",
    "INSERT INTO staging (c) SELECT home_address FROM students",
    "UPDATE students SET name = 'x' WHERE id = 1",
])
def test_federal_officer_cannot_infer_a_protected_column(sg, sql):
    params = ("A%",) if "%s" in sql else None
    d = decide(sg, sql, params, public=PUBLIC)
    assert d.blocked and "2.129.040(e)" in d.citations, sql


@pytest.mark.parametrize("sql", [
    "SELECT citizenship FROM students WHERE id = 7",  # 8 U.S.C. §1373 by a public record id
    "SELECT id, name FROM students WHERE name LIKE 'A%' ORDER BY id",
    "SELECT count(*) FROM students",
    "SELECT s.id FROM students s WHERE EXISTS (SELECT * FROM holds h WHERE h.person_id = s.id)",
])
def test_federal_officer_may_use_what_the_policy_lets_them_read(sg, sql):
    assert not decide(sg, sql, public=PUBLIC).blocked, sql


def test_local_officer_is_not_held_to_the_inference_rule(sg):
    sql = "SELECT id FROM students WHERE home_address LIKE 'A%' ORDER BY release_date" if False else \
        "SELECT id FROM students WHERE home_address LIKE 'A%' ORDER BY grade"
    assert not decide(sg, sql, requester="local").blocked
