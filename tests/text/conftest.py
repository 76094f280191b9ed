"""Fixtures for the free-text tests: every test runs with the network blocked.

Any attempt to resolve a name or open a connection raises :class:`NetworkBlocked` at once *and*
fails the test at teardown — even when the library under test catches the error and carries on
(tldextract, for one, swallows fetch errors and falls back silently).
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus" / "notes.yaml"


class NetworkBlocked(OSError):
    """Raised by the socket guard: free-text detection must never touch the network."""


@contextlib.contextmanager
def blocked_network() -> Iterator[list[str]]:
    attempts: list[str] = []

    def refuse(what: str):
        def _refuse(*args: object, **kwargs: object) -> None:
            attempts.append(what)
            raise NetworkBlocked(f"network access attempted in a text test: {what}")

        return _refuse

    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(socket.socket, "connect", refuse("socket.connect"))
        mp.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
        mp.setattr(socket, "getaddrinfo", refuse("socket.getaddrinfo"))
        mp.setattr(socket, "create_connection", refuse("socket.create_connection"))
        yield attempts
    finally:
        mp.undo()


@pytest.fixture(autouse=True)
def network_attempts() -> Iterator[list[str]]:
    """Autouse: sockets blocked for every text test; the test fails if anything tried."""
    with blocked_network() as attempts:
        yield attempts
    if attempts:
        pytest.fail(f"text test attempted network access: {sorted(set(attempts))}")


@pytest.fixture(scope="session")
def detector():
    """The default detector, built once for the session — also with the network blocked."""
    with blocked_network() as attempts:
        from status_guard.text import get_detector

        det = get_detector()
    assert not attempts, f"building the detector attempted network access: {attempts}"
    return det


@pytest.fixture(scope="session")
def corpus():
    from status_guard.text.evaluate import load_corpus

    return load_corpus(CORPUS)
