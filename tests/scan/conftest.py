"""Fixtures for the static scanner tests."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
CITY_MAP = {
    "templates/schools/**": "schools",
    "models/student.py": "schools",
    "migrations/**": "police",
    "api/**": "police",
}


@pytest.fixture(scope="session")
def scan_guard():
    from status_guard import Guard

    return Guard.default(audit="memory:")


@pytest.fixture(scope="session")
def city_report(scan_guard):
    from status_guard.scan import scan_paths

    return scan_paths(scan_guard, [FIXTURES / "city_app"], scope="city", scope_map=CITY_MAP)


def by_name(report, name: str, kind: str | None = None):
    return [f for f in report.findings if f.name == name and (kind is None or f.kind.value == kind)]
