"""Fixtures for the red-team tests: one Cambridge guard per session with an in-memory audit sink."""

from __future__ import annotations

from typing import Any

import pytest

from status_guard import Guard


class MemoryAudit:
    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def append(self, rec: dict[str, Any]) -> dict[str, Any]:
        self.records.append(rec)
        return rec


@pytest.fixture(scope="session")
def guard() -> Guard:
    return Guard.default(audit=MemoryAudit(), text_detection="off")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
