"""The second line, tested: ``status-guard sql revoke --apply`` on the real PostgreSQL.

Invariant: after the command, a role acting for a federal requester cannot read (or write) any
column the policy forbids it — over a raw connection that bypasses every hook, in any clause
(PostgreSQL checks column privileges for WHERE and ORDER BY too, which is the inference rule) —
and still reads the public-record columns and status (8 U.S.C. §1373). A privilege the role keeps
through PUBLIC is found and named (exit 1). Unique schema and roles; dropped afterwards.
"""

from __future__ import annotations

import uuid

import pytest
from click.testing import CliRunner

from status_guard.cli.sql import sql

pytestmark = pytest.mark.postgres


@pytest.fixture
def police_db(postgres_dsn):
    import psycopg

    u = uuid.uuid4().hex[:8]
    ns, role = f"sg_rv_{u}", f"sg_fed_{u}"
    admin = psycopg.connect(postgres_dsn, autocommit=True)
    admin.execute(f"CREATE SCHEMA {ns}")
    admin.execute(f"CREATE TABLE {ns}.bookings (id int primary key, booking_number text, charge text, "
                  "home_address text, release_date date, immigration_status text)")
    admin.execute(f"CREATE TABLE {ns}.holds (id int primary key, booking_id int, basis text)")
    admin.execute(f"INSERT INTO {ns}.bookings VALUES (1, 'B-1', 'larceny', '48 Sentinel Ave', '2031-03-17', 'x')")
    admin.execute(f"CREATE ROLE {role} LOGIN")
    admin.execute(f"GRANT USAGE ON SCHEMA {ns} TO {role}")
    admin.execute(f"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA {ns} TO {role}")  # the usual broad grant
    dsn_role = " ".join(p if not p.startswith("user=") else f"user={role}" for p in postgres_dsn.split())
    yield {"ns": ns, "role": role, "admin": admin, "dsn": postgres_dsn, "dsn_role": dsn_role}
    admin.execute(f"DROP SCHEMA IF EXISTS {ns} CASCADE")
    admin.execute(f"DROP OWNED BY {role}")
    admin.execute(f"DROP ROLE IF EXISTS {role}")
    admin.close()


def revoke(db, *extra):
    ns = db["ns"]
    args = ["revoke", "--dsn", db["dsn"], "--namespace", ns, "--role", db["role"], "--scope", "police",
            "--requester", "federal", "--public-record", f"{ns}.bookings.id", "--public-record",
            f"{ns}.bookings.booking_number", "--public-record", f"{ns}.bookings.charge", *extra]
    return CliRunner().invoke(sql, args)


def test_federal_role_cannot_read_protected_columns_over_a_raw_connection(police_db):
    import psycopg

    r = revoke(police_db, "--apply")
    assert r.exit_code == 0, r.output
    assert "applied and verified" in r.output
    ns = police_db["ns"]
    with psycopg.connect(police_db["dsn_role"], autocommit=True) as raw:
        assert raw.execute(f"SELECT booking_number, charge, immigration_status FROM {ns}.bookings").fetchall() == [
            ("B-1", "larceny", "x")]
        for sql in (f"SELECT home_address FROM {ns}.bookings",
                    f"SELECT * FROM {ns}.bookings",
                    f"SELECT id FROM {ns}.bookings WHERE release_date > now()",  # inference: WHERE needs SELECT too
                    f"SELECT id FROM {ns}.bookings ORDER BY home_address",
                    f"SELECT basis FROM {ns}.holds",
                    f"UPDATE {ns}.bookings SET home_address = 'x' WHERE id = 1"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                raw.execute(sql)


def test_a_privilege_kept_through_public_is_named(police_db):
    ns = police_db["ns"]
    police_db["admin"].execute(f"GRANT SELECT ON {ns}.holds TO PUBLIC")
    r = revoke(police_db, "--apply")
    assert r.exit_code == 1
    assert f"STILL REACHABLE: {police_db['role']} has SELECT on {ns}.holds.basis" in r.output
