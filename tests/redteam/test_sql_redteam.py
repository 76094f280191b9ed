"""Red-team: DDL that stores status without an INSERT (040(b), 040(k))."""

from __future__ import annotations

import pytest

from status_guard import Effect, Guard
from status_guard.sql.errors import SQLAnalysisError

SCHEMA = {
    "students": {"id": "int", "name": "text", "citizenship": "text", "grade": "int"},
    "staging": {"id": "int", "c": "text"},
    "holds": {"id": "int", "hold_basis": "text"},
}


def _effect(guard: Guard, sql: str, scope: str = "schools") -> Effect | str:
    try:
        return guard.check_sql(sql, dialect="postgres", scope=scope, requester="local", schema=SCHEMA).effect
    except SQLAnalysisError:
        return "refused"


def test_renaming_a_status_column_to_an_innocent_name_is_storing_status(guard: Guard) -> None:
    # afterwards `SELECT c FROM students` would read citizenship under a name no classifier flags
    assert _effect(guard, "ALTER TABLE students RENAME COLUMN citizenship TO c") in (Effect.BLOCK, "refused")


def test_a_default_on_a_status_column_stores_status_in_every_new_row(guard: Guard) -> None:
    assert _effect(guard, "ALTER TABLE students ALTER COLUMN citizenship SET DEFAULT 'US'") is Effect.BLOCK


def test_rewriting_a_status_column_with_using_is_a_write(guard: Guard) -> None:
    assert _effect(guard, "ALTER TABLE students ALTER COLUMN citizenship TYPE text USING 'US'") is Effect.BLOCK


def test_a_default_on_a_hold_basis_column_is_checked_like_an_insert(guard: Guard) -> None:
    assert _effect(guard, "ALTER TABLE holds ALTER COLUMN hold_basis SET DEFAULT 'ice_detainer'", "police") is Effect.BLOCK


@pytest.mark.parametrize("sql", [
    "ALTER TABLE students ALTER COLUMN citizenship DROP DEFAULT",
    "ALTER TABLE students ALTER COLUMN citizenship SET DEFAULT NULL",
    "ALTER TABLE students DROP COLUMN citizenship",
    "ALTER TABLE staging ALTER COLUMN c SET DEFAULT 'x'",
    "ALTER TABLE staging RENAME COLUMN c TO note",
    "ALTER TABLE students ALTER COLUMN name TYPE varchar(200)",
])
def test_remediation_and_innocent_ddl_still_pass(guard: Guard, sql: str) -> None:
    assert _effect(guard, sql) is Effect.ALLOW


@pytest.mark.parametrize("basis", ["ICE detainer (I-247A)", "ICE Detainer Form I-247A", "DHS detainer",
                                   "ice_detainer; ice_hold", "ice\u200bdetainer", "I-200 / I-205"])
def test_hold_solely_on_an_ice_detainer_written_as_free_text_is_refused(guard: Guard, basis: str) -> None:
    d = guard.check_sql("INSERT INTO holds (id, hold_basis) VALUES (1, %s)", dialect="postgres", scope="police",
                        requester="local", schema=SCHEMA, params=(basis,))
    assert d.effect is Effect.BLOCK
