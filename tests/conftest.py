"""Shared fixtures. Area-specific fixtures live in tests/<area>/conftest.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_configure(config):
    """Import numpy before collection when it is installed (it comes with the text extra).

    A middleware built at a test module's import time starts its warm-up thread, which imports
    Presidio and so numpy. Hypothesis peeks at ``sys.modules["numpy"]`` while collecting strategies;
    a numpy still half-imported by that thread made collection fail at random (CI, stop 22). Loaded
    here first, no thread ever finds it half-imported."""
    try:
        import numpy  # noqa: F401
    except ImportError:
        pass


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def guard():
    from status_guard import Guard

    return Guard.default(audit="memory:")


def require_or_skip(available: bool, reason: str) -> None:
    """Skip with a clear reason outside CI; under CI=true a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"required under CI=true: {reason}")
    pytest.skip(reason)


_CONFIGURED_LOGGERS = ("status_guard", "uvicorn", "uvicorn.error", "uvicorn.access", "aiohttp")


@pytest.fixture(autouse=True)
def _logging_as_it_was():
    """A gateway built in this process configures logging for a gateway process (its own handler,
    no propagation, uvicorn's access log off). Put it back after each test, so a later test that
    reads the log (caplog) sees what status_guard said whatever ran before it."""
    import logging

    saved = []
    for name in _CONFIGURED_LOGGERS:
        lg = logging.getLogger(name)
        saved.append((lg, list(lg.handlers), lg.propagate, lg.level, lg.disabled))
    yield
    for lg, handlers, propagate, level, disabled in saved:
        lg.handlers[:] = handlers
        lg.propagate, lg.disabled = propagate, disabled
        lg.setLevel(level)
