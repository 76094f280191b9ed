"""A real SQLAlchemy 2.x app (police records, ``workloads/police_records.py``) under the hook, on
SQLite and on PostgreSQL (psycopg 3).

Invariants: a Cambridge officer's ordinary use — ``create_all`` and an Alembic migration
(a batch table rebuild on SQLite), ``add_all`` + flush (SQLAlchemy's insertmanyvalues with
RETURNING), Core ``executemany``, eager loading, pagination, ``exists()``, upserts, JSON/JSONB,
ORM bulk UPDATE/DELETE, ``with_for_update``, ``merge``, cascades — is never refused (**0 false
blocks**), while a hold whose sole basis is an ICE detainer is (040(d)). A federal liaison gets
public-record columns only: no protected value (home or work address, release date, hold basis,
a JSON key holding an address) in any row, error text or RETURNING (040(e)). On PostgreSQL, every
statement the app sent is also checked against the server's own reading (the oracle).
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "workloads"))
import police_records  # noqa: E402

from .oracle_check import oracle_over  # noqa: E402


def check(out: dict) -> None:
    local_errors = [e for e in out["errors"] if e["requester"] == "local" and e["step"] != "hold_on_ice_detainer"]
    assert not local_errors, local_errors
    assert out["local"]["refused"] == 0 and out["local"]["fail_closed"] == 0, out["local"]
    assert out["detainer_refused"] is True
    assert not out["leaks"], out["leaks"]
    fed = [e for e in out["errors"] if e["requester"] == "federal"]
    assert fed and all(e["error"] in ("SQLRefusedError", "SQLAnalysisError") for e in fed)
    assert out["federal"]["allowed"] >= 1  # the public-record lookup works
    for rec in out["audit"]:
        text = repr(rec)
        assert not any(s in text for s in police_records.SENTINELS.values())


def test_police_app_on_sqlite_has_no_false_blocks_and_leaks_nothing(tmp_path):
    out = police_records.run(f"sqlite:///{tmp_path / 'police.db'}")
    check(out)
    assert out["local"]["checked"] > 100


@pytest.mark.postgres
def test_police_app_on_postgresql_has_no_false_blocks_leaks_nothing_and_agrees_with_the_server(postgres_dsn, _shared_guard):
    import psycopg

    from status_guard.sql.schema import reflect_dbapi

    schema = f"sg_sa_{uuid.uuid4().hex[:10]}"
    user = postgres_dsn.split("user=")[1].split()[0]
    with psycopg.connect(postgres_dsn, autocommit=True) as c:
        c.execute(f"CREATE SCHEMA {schema}")
    try:
        out = police_records.run(f"postgresql+psycopg://{user}@127.0.0.1:5432/test", schema)
        check(out)
        assert any("RETURNING" in s and "VALUES" in s for s in out["statements"])  # insertmanyvalues
        with psycopg.connect(postgres_dsn, autocommit=True) as conn:
            conn.execute(f"SET search_path TO {schema}")
            mirror = reflect_dbapi(_shared_guard, conn, "postgres", namespaces=[schema])
            counts = oracle_over(out["statements"], conn, mirror)
        assert counts["compared"] >= 20, counts
    finally:
        with psycopg.connect(postgres_dsn, autocommit=True) as c:
            c.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
