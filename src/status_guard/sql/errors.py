"""Errors raised by the SQL inspector. Messages name the statement fingerprint and the reason,
never a literal from the statement."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import RefusedError, UnparseableInputError

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Decision


class SQLAnalysisError(UnparseableInputError):
    """The statement could not be analysed with certainty, so it is refused (fail closed)."""

    def __init__(self, reason: str, fingerprint: str = "sql:unknown"):
        self.reason = reason
        self.fingerprint = fingerprint
        super().__init__(f"SQL statement {fingerprint} refused: {reason} (fail closed)")

    def with_fingerprint(self, fingerprint: str) -> SQLAnalysisError:
        return type(self)(self.reason, fingerprint)


class SQLLimitError(SQLAnalysisError):
    """The statement is over a size or complexity bound."""


class SQLRefusedError(RefusedError):
    """The policy refused the statement; it did not reach the database."""

    def __init__(self, decision: Decision, fingerprint: str, message: str | None = None):
        self.fingerprint = fingerprint
        super().__init__(decision, message or f"SQL statement {fingerprint} refused: {decision.explain()}")


__all__ = ["SQLAnalysisError", "SQLLimitError", "SQLRefusedError"]
