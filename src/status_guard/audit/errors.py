"""Errors of the audit log. All derive from :class:`status_guard.errors.StatusGuardError`.

Messages name the problem (a key, a position, a sink) and never echo a value offered to the log.
"""

from __future__ import annotations

from ..errors import AuditUnavailableError, StatusGuardError

__all__ = ["AuditUnavailableError", "AuditRecordError", "AuditConfigError", "StatusGuardError"]


class AuditRecordError(StatusGuardError, ValueError):
    """A record offered to the log holds a key or a value the allow-list refuses.

    ``path`` names where (e.g. ``event.person_ref``); the offending value is never repeated."""

    def __init__(self, path: str, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"audit record refused at {path}: {problem}")


class AuditConfigError(StatusGuardError, ValueError):
    """An audit spec, key file or option is invalid."""
