"""Fixtures for the SQL inspector tests."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest

from status_guard import Guard

IN_CI = os.environ.get("CI", "").lower() == "true"

SCHEMA: dict[str, dict[str, str]] = {
    "students": {"id": "int", "name": "text", "citizenship": "text", "home_address": "text",
                 "country_of_birth": "text", "grade": "int"},
    "holds": {"id": "int", "person_id": "int", "hold_basis": "text", "release_date": "date"},
    "people": {"id": "int", "full_name": "text", "immigration_status": "text", "race": "text",
               "arrest_date": "date"},
    "staging": {"id": "int", "c": "text", "x": "int"},
}


class MemoryAudit:
    """An audit sink that keeps records in a list (and can be told to fail)."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []
        self.fail = False

    def append(self, rec: dict[str, Any]) -> dict[str, Any]:
        if self.fail:
            raise OSError("disk full")
        self.records.append(rec)
        return rec


_AUDIT = MemoryAudit()


@pytest.fixture(scope="session")
def _shared_guard() -> Guard:
    return Guard.default(audit=_AUDIT)


@pytest.fixture
def audit() -> MemoryAudit:
    _AUDIT.records.clear()
    _AUDIT.fail = False
    yield _AUDIT
    _AUDIT.fail = False


@pytest.fixture
def sg(_shared_guard: Guard, audit: MemoryAudit) -> Guard:
    """The Cambridge pack, loaded once per session, with a fresh in-memory audit sink."""
    return _shared_guard


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:10]


def pg_dsn() -> str | None:
    try:
        import psycopg
    except ImportError:
        return None
    for user in ("postgres", "root"):
        dsn = f"host=127.0.0.1 port=5432 dbname=test user={user} connect_timeout=3"
        try:
            with psycopg.connect(dsn):
                return dsn
        except Exception:
            continue
    return None


@pytest.fixture(scope="session")
def postgres_dsn() -> str:
    dsn = pg_dsn()
    if dsn is None:
        reason = "PostgreSQL at 127.0.0.1:5432 (db test, user postgres or root) is not reachable"
        if IN_CI:
            pytest.fail(f"required under CI=true: {reason}")
        pytest.skip(reason)
    return dsn
