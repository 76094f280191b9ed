"""Audit of allowed statements (2.129.060(e); NIST AU-2/AU-12 without drowning the log).

* A **restricted requester's** statement is audited one record per statement, allowed or refused:
  what a federal officer was given (the columns, never values) is exactly what a 2.129.060(e)
  review asks about.
* **Allowed local traffic** is aggregated: one record per (scope, requester class, purpose,
  action, statement fingerprint) and interval, with a ``count``. Flushed every ``interval`` seconds
  (checked as statements arrive), when ``max_keys`` distinct statements are pending, on
  :meth:`Traffic.flush`, and at interpreter exit. A flush that cannot be written raises
  :class:`AuditUnavailableError` in the statement that triggered it (AU-5: refuse), and the counts
  are kept for the next attempt.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from typing import Any

from ..model import Decision, Effect, Requester

log = logging.getLogger("status_guard.sql")


class Traffic:
    def __init__(self, guard: Any, *, interval: float = 60.0, max_keys: int = 1000):
        self.guard = guard
        self.interval = interval
        self.max_keys = max_keys
        self._counts: dict[tuple[Any, ...], int] = {}
        self._lock = threading.Lock()
        self._last = time.monotonic()
        ref = weakref.ref(self)
        atexit.register(_flush_at_exit, ref)

    def add(self, decision: Decision, fingerprint: str) -> None:
        key = (decision.scope, decision.requester.cls, decision.requester.agency, decision.purpose, decision.action,
               fingerprint)
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + 1
            due = len(self._counts) >= self.max_keys or time.monotonic() - self._last >= self.interval
        if due:
            self.flush()

    def pending(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    def flush(self) -> int:
        """Write one record per pending key; returns the number of records written."""
        with self._lock:
            batch, self._counts = self._counts, {}
            self._last = time.monotonic()
        written = 0
        try:
            for key, n in list(batch.items()):
                scope, cls, agency, purpose, action, fp = key
                d = Decision(Effect.ALLOW, action, scope, Requester(cls, agency), purpose, (), (), self.guard.policy.ref)
                self.guard.record(d, adapter="sql", fingerprint=fp, count=n)
                del batch[key]
                written += 1
        finally:
            if batch:  # not written: keep for the next flush
                with self._lock:
                    for key, n in batch.items():
                        self._counts[key] = self._counts.get(key, 0) + n
        return written


def _flush_at_exit(ref: weakref.ref[Traffic]) -> None:  # pragma: no cover - interpreter exit
    t = ref()
    if t is None:
        return
    try:
        t.flush()
    except Exception:  # noqa: BLE001 - nothing can be refused at exit; say so
        log.error("status_guard: aggregated SQL traffic could not be written to the audit log at exit")


__all__ = ["Traffic"]
