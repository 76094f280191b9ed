"""Errors of the audit log. All derive from :class:`status_guard.errors.StatusGuardError`.

Messages name the problem (a key, a position, a sink) and never echo a value offered to the log.
"""

from __future__ import annotations

from ..errors import AuditUnavailableError, StatusGuardError

__all__ = ["AuditUnavailableError", "AuditRecordError", "AuditConfigError", "AuditDiscontinuityError",
           "AuditDamagedError", "StatusGuardError"]


class AuditRecordError(StatusGuardError, ValueError):
    """A record offered to the log holds a key or a value the allow-list refuses.

    ``path`` names where (e.g. ``event.person_ref``); the offending value is never repeated."""

    def __init__(self, path: str, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"audit record refused at {path}: {problem}")


class AuditConfigError(StatusGuardError, ValueError):
    """An audit spec, key file or option is invalid."""


class AuditDiscontinuityError(AuditUnavailableError):
    """The writer found the log not where it left it (cut, replaced, deleted, rewritten, or a record
    it cannot authenticate appended). It refuses every append — the guarded actions get 503 — until
    an operator records the discontinuity with ``status-guard audit recover``. ``reason`` says what
    was found (positions and sizes, never a value)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"{reason}. This writer refuses to append until an operator runs "
                         "`status-guard audit recover` (see docs/audit.md)")


class AuditDamagedError(AuditUnavailableError):
    """The stored log cannot be read as a chain to build on: a line or row that is not a record, records
    out of order, a database file that is not a database any more. A writer refuses (503) as for any
    unavailable log; ``status-guard audit recover`` moves the damaged log aside (never deletes it) and
    starts a new chained segment whose first records name it. ``why`` says what was found."""

    def __init__(self, why: str, code: str = "unreadable"):
        self.why = why
        self.code = code  # a short name for the discontinuity record (no free text is ever logged)
        super().__init__(why)
