"""Errors raised by status_guard.

Every error derives from :class:`StatusGuardError`. Messages name the problem (a field path, a
statement fingerprint, a policy key) and never carry a field value, a SQL literal or a free-text
excerpt: they end up in logs and HTTP responses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .model import Decision


class StatusGuardError(Exception):
    """Base class of every error status_guard raises on purpose."""


class PolicyError(StatusGuardError):
    """A policy pack, or a name used against it (scope, requester, purpose, claim), is invalid."""


class PolicyValidationError(PolicyError):
    """A policy file failed validation. ``problems`` lists (file, line, key, message)."""

    def __init__(self, path: str, problems: list[tuple[str, int | None, str, str]]):
        self.path = path
        self.problems = problems
        lines = [
            f"{file}:{line if line is not None else '?'}: {key}: {msg}" for file, line, key, msg in problems
        ]
        super().__init__(f"invalid policy {path} ({len(problems)} problem(s)):\n  " + "\n  ".join(lines))


class PolicyExampleError(PolicyError):
    """An example embedded in a rule does not produce its expected decision."""


class RefusedError(StatusGuardError):
    """A guarded action was refused by policy. Carries the Decision (which holds no values)."""

    def __init__(self, decision: Decision, message: str | None = None):
        self.decision = decision
        super().__init__(message or decision.explain())


class LimitExceededError(StatusGuardError):
    """Input is over a configured size, depth or count bound."""

    def __init__(self, what: str, limit: int | float, observed: int | float | None = None):
        self.what = what
        self.limit = limit
        self.observed = observed
        detail = f" (got {observed})" if observed is not None else ""
        super().__init__(f"{what} exceeds the limit of {limit}{detail}")


class UnparseableInputError(StatusGuardError):
    """Input could not be parsed, so it cannot be checked: refused (fail closed)."""


class ClassificationError(StatusGuardError):
    """A value or field could not be classified (e.g. a recognizer failed): refused."""


class AuditUnavailableError(StatusGuardError):
    """The audit log could not be written durably; the guarded action must not proceed (AU-5)."""


def safe_detail(obj: Any) -> str:
    """A type-only description of a value, for error messages that must not echo input."""
    return type(obj).__name__
