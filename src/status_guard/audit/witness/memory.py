"""A witness in memory (tests; a process that wants to see what it would export)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from typing import Any

from .base import Witness, WitnessError


class MemoryWitness(Witness):
    description = "memory witness"
    readable = True

    def __init__(self) -> None:
        self.stored: list[dict[str, Any]] = []
        self.down = False  # tests: simulate an unreachable witness
        self._lock = threading.Lock()

    def submit(self, entry: Mapping[str, Any]) -> None:
        if self.down:
            raise WitnessError("memory witness is down")
        with self._lock:
            self.stored.append(dict(entry))

    def latest(self, origin: str) -> dict[str, Any] | None:
        if self.down:
            raise WitnessError("memory witness is down")
        with self._lock:
            for e in reversed(self.stored):
                if e.get("origin") == origin:
                    return e
        return None

    def entries(self) -> Iterator[dict[str, Any]]:
        with self._lock:
            return iter(list(self.stored))
