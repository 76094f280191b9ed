"""The database-side second line: PostgreSQL privileges that keep forbidden columns out of reach
of a role even when a statement bypasses the hooks (a raw driver connection, psql, a report tool).

PostgreSQL column privileges only *add* to table privileges: revoking ``SELECT (col)`` does nothing
while the role holds ``SELECT`` on the whole table. So for every table with a forbidden column the
helper revokes the table-level privilege and grants it back on the allowed columns only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Effect, Item, MISSING
from .schema import SchemaMap


@dataclass(frozen=True)
class ColumnVerdict:
    table: str
    column: str
    no_write: bool  # storing it is refused in this scope (040(b), 040(k))
    no_read: bool  # reading it is refused for this requester class (040(e), 040(k))
    citations: tuple[str, ...]


def column_verdicts(guard: Any, schema: SchemaMap, *, scope: str, requester: str = "local",
                    purpose: str | None = None) -> list[ColumnVerdict]:
    out = []
    restricted = requester in guard.policy.restricted_requesters
    for table, cols in schema.tables.items():
        for c in cols:
            item = Item(c.path, c.categories, c.reasons, MISSING, c.public_record)
            w = guard.decide("store", [item], scope=scope, requester="local", purpose=purpose) if c.categories else None
            r = guard.decide("read", [item], scope=scope, requester=requester, purpose=purpose)
            no_write = w is not None and w.effect is Effect.BLOCK
            no_read = r.effect is Effect.BLOCK
            if restricted and no_read:  # a restricted role writes no column it may not read: a write's
                no_write = True  # constraint errors and RETURNING would show it (the inspector's rule too)
            cites = tuple(dict.fromkeys((w.citations if no_write and w else ()) + (r.citations if no_read else ())))
            out.append(ColumnVerdict(table, c.name, no_write, no_read, cites))
    return out


def _q(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def _table(name: str) -> str:
    return ".".join(_q(p) for p in name.split(".", 1)) if "." in name else _q(name)


def revoke_statements(guard: Any, schema: SchemaMap, *, role: str = "PUBLIC", scope: str = "city",
                      requester: str = "local", purpose: str | None = None) -> list[str]:
    """PostgreSQL statements (as text) for ``role``; empty when no column is forbidden."""
    verdicts = column_verdicts(guard, schema, scope=scope, requester=requester, purpose=purpose)
    grantee = "PUBLIC" if role.upper() == "PUBLIC" else _q(role)
    lines = [
        f"-- status_guard {guard.policy.id} {guard.policy.version}: column privileges for role {role}, "
        f"scope {scope}, requester class {requester}",
        "-- Column-level REVOKE alone does not override a table-level GRANT, so each table's privilege is",
        "-- revoked and granted back on the allowed columns only. Review before running.",
    ]
    by_table: dict[str, list[ColumnVerdict]] = {}
    for v in verdicts:
        by_table.setdefault(v.table, []).append(v)
    emitted = False
    for table, vs in by_table.items():
        if not any(v.no_write or v.no_read for v in vs):
            continue
        emitted = True
        t = _table(table)
        forbidden = ", ".join(f"{v.column} ({'/'.join(v.citations)})" for v in vs if v.no_write or v.no_read)
        lines.append(f"-- {table}: forbidden {forbidden}")
        lines.append(f"REVOKE SELECT, INSERT, UPDATE ON TABLE {t} FROM {grantee};")
        readable = [_q(v.column) for v in vs if not v.no_read]
        writable = [_q(v.column) for v in vs if not v.no_write]
        if readable:
            lines.append(f"GRANT SELECT ({', '.join(readable)}) ON TABLE {t} TO {grantee};")
        if writable:
            lines.append(f"GRANT INSERT ({', '.join(writable)}), UPDATE ({', '.join(writable)}) ON TABLE {t} TO {grantee};")
    return lines if emitted else []


def reachable_forbidden(conn: Any, verdicts: list[ColumnVerdict], role: str) -> list[tuple[str, str, str]]:
    """Forbidden (table, column, privilege) that ``role`` still holds by any route, as PostgreSQL
    itself answers (``has_column_privilege`` follows PUBLIC and role membership)."""
    out = []
    for v in verdicts:
        for flag, priv in ((v.no_read, "SELECT"), (v.no_write, "INSERT"), (v.no_write, "UPDATE")):
            if not flag:
                continue
            row = conn.execute("SELECT has_column_privilege(%s, %s::regclass, %s, %s)",
                               (role, _table(v.table), v.column, priv)).fetchone()
            if row and row[0]:
                out.append((v.table, v.column, priv))
    return out


__all__ = ["ColumnVerdict", "column_verdicts", "reachable_forbidden", "revoke_statements"]
