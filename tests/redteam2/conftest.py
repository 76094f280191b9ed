"""Fixtures for the second red-team round: a controllable log clock, keys, a guard over a JSONL log."""

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
    def __init__(self, start: datetime) -> None:
        self.now = start

    def set(self, when: str) -> None:
        self.now = datetime.fromisoformat(when.replace("Z", "+00:00"))

    def __call__(self) -> str:
        self.now += timedelta(seconds=1)
        return self.now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("STATUS_GUARD_AUDIT", "STATUS_GUARD_AUDIT_HMAC_KEY_FILE", "STATUS_GUARD_AUDIT_SIGNING_KEY_FILE",
                 "STATUS_GUARD_AUDIT_CORRELATION_KEY_FILE", "STATUS_GUARD_PERSON_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock(datetime(2026, 2, 1, tzinfo=timezone.utc))
    monkeypatch.setattr("status_guard.audit.log.utc_now", c)
    return c


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

    return load_policy(None)


@pytest.fixture
def guard(audit_log: Any, policy: Any) -> Guard:
    return Guard(policy, audit=audit_log)


@pytest.fixture
def recorder(guard: Guard) -> EventRecorder:
    return EventRecorder(guard, person_key=secrets.token_bytes(32), department="Police Department")
