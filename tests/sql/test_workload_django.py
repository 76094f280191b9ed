"""A real Django 5.2 app (school enrollment, ``tests/sql/workloads/django_school``) under the hook,
installed as docs/sql.md says (two lines in ``AppConfig.ready``), on SQLite and on PostgreSQL.

Invariants: every statement a school clerk's ordinary use of the app sends — ``migrate`` from an
empty database (introspection, SQLite table rebuilds, ``SET CONSTRAINTS``), the admin, views with
pagination and eager loading, ``bulk_create`` (``UNNEST`` on PostgreSQL), ``bulk_update``,
upserts, JSON lookups, subqueries, savepoints, server-side iteration, a raw ``executemany`` of a
generator — runs: **0 false blocks**, and the generator's rows all reach the database. A federal
requester's requests never carry a place-of-birth value (040(k)) in any row, response or error.
Each run is a subprocess (Django settings are per process); PostgreSQL runs in a schema of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

APP = Path(__file__).parent / "workloads" / "django_school"


def run_workload(db: str, tmp_path: Path, scope: str = "schools") -> dict:
    # the code under test (this checkout's src/, whatever PYTHONPATH says) wins over an installed copy
    src = str(Path(__file__).resolve().parents[2] / "src")
    path = os.pathsep.join(p for p in (str(APP), src, os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "SG_DB": db, "SG_SCOPE": scope, "SG_AUDIT": f"jsonl:{tmp_path / 'audit.jsonl'}", "PYTHONPATH": path}
    proc = subprocess.run([sys.executable, str(APP / "run.py")], capture_output=True, text=True, env=env, cwd=APP,
                          timeout=600)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("SG-RESULT ")]
    assert lines, f"workload printed no result: {proc.stderr[-2000:]}"
    out = json.loads(lines[-1][len("SG-RESULT "):])
    assert "crash" not in out, out.get("crash")
    return out


def check(out: dict, tmp_path: Path) -> None:
    local_errors = [e for e in out["errors"] if e["requester"] in ("local", None)]
    assert not local_errors, local_errors
    assert out["local"]["refused"] == 0 and out["local"]["fail_closed"] == 0, out["local"]
    assert out["local"]["checked"] > 200
    assert out["generator_rows"] == 7  # executemany of a generator: every row reached the database
    assert all(c in (200, 302) for c in out["admin_codes"]) and all(c == 200 for c in out["view_codes"])
    assert not out["federal_leaks"], out["federal_leaks"]
    assert out["federal"]["refused"] >= 4
    assert all(e["error"] in ("SQLRefusedError", "SQLAnalysisError") for e in out["errors"])
    text = (tmp_path / "audit.jsonl").read_text()
    assert "ZQ" not in text and "Sentinel-Language" not in text  # no value in the audit log either


def test_django_school_app_on_sqlite_has_no_false_blocks_and_leaks_nothing(tmp_path):
    out = run_workload(f"sqlite:{tmp_path / 'school.db'}", tmp_path)
    check(out, tmp_path)
    assert out["shapes"].get("new__", 0) > 0  # migrate rebuilt a table


@pytest.mark.postgres
def test_django_school_app_on_postgresql_has_no_false_blocks_and_leaks_nothing(postgres_dsn, tmp_path):
    import psycopg

    schema = f"sg_dj_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_dsn, autocommit=True) as c:
        c.execute(f"CREATE SCHEMA {schema}")
    try:
        out = run_workload(f"postgres:{postgres_dsn};{schema}", tmp_path)
        from status_guard import Guard
        from status_guard.sql.schema import reflect_dbapi

        from .oracle_check import oracle_over

        with psycopg.connect(postgres_dsn, autocommit=True) as conn:  # the server's reading of every statement
            conn.execute(f"SET search_path TO {schema}")
            mirror = reflect_dbapi(Guard.default(audit="memory:"), conn, "postgres", namespaces=[schema])
            counts = oracle_over(out["statements"], conn, mirror)
        assert counts["compared"] >= 50, counts
    finally:
        with psycopg.connect(postgres_dsn, autocommit=True) as c:
            c.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    check(out, tmp_path)
    assert out["shapes"].get("UNNEST", 0) > 0  # bulk_create as Django 5.2 sends it on PostgreSQL


def test_django_app_in_police_scope_migrates_without_false_blocks(tmp_path):
    """Review round 1, flaw 7: ``migrate`` run outside a request (requester `unknown`) in police
    scope reads django_content_type / auth_permission — bookkeeping, not data about a person."""
    out = run_workload(f"sqlite:{tmp_path / 'police.db'}", tmp_path, scope="police")
    check(out, tmp_path)
    assert out["steps"]["migrate_again"]["ok"], out["steps"]["migrate_again"]
