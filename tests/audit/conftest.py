"""Shared fixtures for the audit log tests."""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

PG_DSNS = ("postgresql://postgres@127.0.0.1:5432/test", "postgresql://root@127.0.0.1:5432/test")


def decision_record(**over: Any) -> dict[str, Any]:
    """The shape Decision.to_record() produces, plus the facade's keys."""
    rec: dict[str, Any] = {
        "action": "collect", "effect": "block", "citations": ["2.129.040(b)"],
        "categories": ["citizenship_status"], "fields": ["guardian.citizenship"], "scope": "schools",
        "requester": {"class": "local", "agency": "CPS"}, "purpose": None,
        "exceptions": [{"id": "form-i9", "citation": "2.129.040(b)", "kind": "legal_basis",
                        "legal_basis": "8 U.S.C. §1324a (Form I-9)", "reference": None, "purpose": None}],
        "rules": ["no-status-inquiry"],
        "policy": {"id": "cambridge-2.129", "version": "2026.1", "hash": "ab" * 32},
        "monitor": False, "adapter": "asgi", "request_id": "req-0001", "route": "POST /enroll/{id}",
    }
    rec.update(over)
    return rec


@pytest.fixture
def record() -> dict[str, Any]:
    return decision_record()


@pytest.fixture
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def hmac_key() -> bytes:
    return secrets.token_bytes(32)


@pytest.fixture(autouse=True)
def _no_audit_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("STATUS_GUARD_AUDIT", "STATUS_GUARD_AUDIT_HMAC_KEY_FILE", "STATUS_GUARD_AUDIT_SIGNING_KEY_FILE",
                 "STATUS_GUARD_AUDIT_CORRELATION_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)


def _pg_dsn() -> str | None:
    try:
        import psycopg
    except ImportError:
        return None
    for dsn in PG_DSNS:
        try:
            with psycopg.connect(dsn, connect_timeout=3) as conn:
                conn.execute("SELECT 1")
            return dsn
        except psycopg.Error:
            continue
    return None


@pytest.fixture
def pg_spec() -> Iterator[str]:
    """A postgresql:// audit spec with a table unique to this test; the table is dropped after."""
    dsn = _pg_dsn()
    if dsn is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL at 127.0.0.1:5432 (db test) is required under CI=true")
        pytest.skip("PostgreSQL at 127.0.0.1:5432 (db test) is not reachable")
    table = f"sg_audit_test_{uuid.uuid4().hex[:12]}"
    yield f"{dsn}?table={table}"
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {table}")


@pytest.fixture
def make_record() -> Any:
    return decision_record


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
