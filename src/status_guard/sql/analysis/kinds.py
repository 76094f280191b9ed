"""Pass: only statement kinds the analysis understands, and only settings that cannot change how
SQL text is read or which relation a name means."""

from __future__ import annotations

from sqlglot import exp

from ..errors import SQLAnalysisError
from .state import State

# Settings that cannot change how later SQL text is read or which table a name means.
SAFE_SETTINGS = frozenset(
    {
        "timezone", "time zone", "datestyle", "intervalstyle", "statement_timeout", "lock_timeout",
        "idle_in_transaction_session_timeout", "application_name", "extra_float_digits",
        "default_transaction_isolation", "transaction_isolation", "synchronous_commit", "work_mem",
        "time_zone", "autocommit", "foreign_key_checks", "unique_checks", "innodb_lock_wait_timeout",
        "max_execution_time", "nocount", "xact_abort", "datefirst", "dateformat", "ansi_warnings", "arithabort",
        "deadlock_priority", "implicit_transactions", "language", "client_min_messages",
    }
)

ALLOWED = (
    exp.Query, exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Copy, exp.Create, exp.Alter, exp.Drop,
    exp.TruncateTable, exp.Transaction, exp.Commit, exp.Rollback, exp.Pragma, exp.Describe,
)


def _setting_name(item: exp.Expression) -> str | None:
    this = item.this if isinstance(item, exp.SetItem) else item
    kind = (item.args.get("kind") or "") if isinstance(item, exp.SetItem) else ""
    if isinstance(kind, str) and kind.upper() in {"TRANSACTION", "CHARACTERISTICS", "SESSION CHARACTERISTICS"}:
        return "transaction_isolation"
    if isinstance(kind, str) and kind.upper() == "NAMES":
        return None
    if isinstance(this, exp.EQ):
        target = this.this
        if isinstance(target, exp.Parameter):  # MySQL user variable @x: no effect on parsing
            return "@user_variable"
        if isinstance(target, (exp.Column, exp.Var, exp.Identifier)):
            return target.name.lower() if not isinstance(target, exp.Column) else target.sql().lower().replace('"', "")
    if isinstance(this, (exp.Column, exp.Var, exp.Identifier)):
        return this.name.lower()
    return None


def reject_unsafe_statement(stmt: exp.Expression, st: State) -> None:
    if isinstance(stmt, exp.Command):
        words = str(stmt.this or "").split()
        kw = words[0].upper() if words else "?"
        raise SQLAnalysisError(f"unsupported statement `{kw}` (the parser could not model it)")
    if isinstance(stmt, exp.Set):
        for item in stmt.expressions:
            kind = item.args.get("kind") if isinstance(item, exp.SetItem) else None
            if isinstance(kind, str) and kind.upper() == "NAMES":
                v = item.this.name.lower() if item.this is not None else ""
                if v.strip("'\"") not in {"utf8", "utf8mb4"}:
                    raise SQLAnalysisError("SET NAMES to a character set other than utf8/utf8mb4 changes how SQL is read")
                continue
            name = _setting_name(item)
            if name == "@user_variable":
                continue
            if name is None or name not in SAFE_SETTINGS:
                raise SQLAnalysisError(
                    f"SET of `{name or '?'}` is refused: only settings that cannot change how SQL is read or "
                    "which table a name means are allowed"
                )
        return
    if isinstance(stmt, exp.Use):
        raise SQLAnalysisError("USE changes which tables names refer to")
    if not isinstance(stmt, ALLOWED):
        raise SQLAnalysisError(f"unsupported statement kind `{type(stmt).__name__}`")


__all__ = ["SAFE_SETTINGS", "reject_unsafe_statement"]
