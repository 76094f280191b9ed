"""The database query inspector (issue 4): which physical columns a SQL statement writes, reads,
filters on or adds, decided through the Guard, enforced in driver/ORM hooks.

    decision = guard.check_sql("SELECT * FROM students", dialect="postgres", scope="police",
                               requester="federal", schema={"students": {"id": "int", "home_address": "text"}})
    decision.effect   # Effect.BLOCK (2.129.040(e))

Hooks (each an optional extra, two lines to enable): ``status_guard.sql.hooks.sqlalchemy``,
``status_guard.sql.hooks.dbapi`` (sqlite3, psycopg 3), ``status_guard.sql.hooks.django``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model import Claim, Decision
from .analysis import Analysis, Output, StatementAnalysis, Value, Write, analyse
from .errors import SQLAnalysisError, SQLLimitError, SQLRefusedError
from .fingerprint import fingerprint
from .inspector import Inspector, inspector_for
from .merge import merge_decisions
from .parse import Limits
from .schema import SchemaMap


def check_sql(
    guard: Any,
    sql: str,
    *,
    dialect: str = "postgres",
    scope: str = "city",
    requester: Any = None,
    purpose: str | None = None,
    schema: Any = None,
    params: Any = None,
    many: bool = False,
    claims: Sequence[Claim] | None = None,
    public_record_fields: Sequence[str] | None = None,
) -> Decision:
    """Decide a statement. ``schema``: ``{table: {column: type}}``, the extended form with
    ``overrides``/``public_record``, a :class:`SchemaMap` (e.g. reflected) or a JSON file path.
    ``public_record_fields``: public-record path patterns (``bookings.charge``, ``**.charge``; the
    syntax of ``status_guard.disclose.paths``, as for ``Guard.redact`` and the middleware).
    Requester/purpose default to the request context the middleware set. Raises
    :class:`SQLAnalysisError` when the statement cannot be analysed (fail closed)."""
    insp = inspector_for(guard, dialect, schema, public_record_fields)
    return insp.decide(sql, params, many=many, requester=requester, purpose=purpose, claims=claims, scope=scope).decision


__all__ = [
    "Analysis",
    "Inspector",
    "Limits",
    "SQLAnalysisError",
    "SQLLimitError",
    "SQLRefusedError",
    "SchemaMap",
    "StatementAnalysis",
    "Value",
    "Write",
    "analyse",
    "check_sql",
    "fingerprint",
    "merge_decisions",
]
