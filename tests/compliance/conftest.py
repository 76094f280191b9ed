"""Fixtures for the compliance toolkit: a controllable log clock, keys, a guard over a log."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from status_guard import Guard
from status_guard.audit import open_audit
from status_guard.compliance import EventRecorder


class Clock:
    """Stands in for the audit log's clock, so records can be written 'in' any period."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def set(self, when: str | datetime) -> None:
        self.now = when if isinstance(when, datetime) else datetime.fromisoformat(when.replace("Z", "+00:00"))

    def advance(self, **kw: Any) -> None:
        self.now += timedelta(**kw)

    def __call__(self) -> str:
        return self.now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("STATUS_GUARD_AUDIT", "STATUS_GUARD_AUDIT_HMAC_KEY_FILE", "STATUS_GUARD_AUDIT_SIGNING_KEY_FILE",
                 "STATUS_GUARD_AUDIT_CORRELATION_KEY_FILE", "STATUS_GUARD_PERSON_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock(datetime(2026, 1, 1, tzinfo=timezone.utc))
    monkeypatch.setattr("status_guard.audit.log.utc_now", c)
    return c


@pytest.fixture
def person_key() -> bytes:
    return secrets.token_bytes(32)


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "audit.jsonl"


@pytest.fixture
def audit_log(log_path: Path) -> Iterator[Any]:
    log = open_audit(f"jsonl:{log_path}", fsync="never")
    yield log
    log.close()


@pytest.fixture(scope="session")
def policy() -> Any:
    from status_guard.policy import load_policy

    return load_policy(None)  # the bundled pack; loading it once keeps the folder fast


@pytest.fixture
def guard(audit_log: Any, policy: Any) -> Guard:
    return Guard(policy, audit=audit_log)


@pytest.fixture
def recorder(guard: Guard, person_key: bytes) -> EventRecorder:
    return EventRecorder(guard, person_key=person_key, department="Police Department")


@pytest.fixture
def key_file(tmp_path: Path, person_key: bytes) -> Path:
    p = tmp_path / "person.key"
    p.write_text(person_key.hex())
    p.chmod(0o600)
    return p
