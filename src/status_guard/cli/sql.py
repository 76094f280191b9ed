"""`status-guard sql check|revoke` — decide a SQL statement; print PostgreSQL privileges.

Exit status of `check`: 0 allowed (or flagged), 1 refused by policy, 2 refused because the
statement cannot be analysed (fail closed) or bad input. Output never contains a SQL literal:
statements are named by their fingerprint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..errors import StatusGuardError


def _guard(policy_path: Path | None) -> Any:
    from ..guard import Guard

    return Guard.from_policy(policy_path) if policy_path else Guard.default()


@click.group()
def sql() -> None:
    """Check SQL statements against the policy; print database-side privileges."""


@sql.command("check")
@click.argument("statement", metavar="SQL|-")
@click.option("--dialect", default="postgres", show_default=True,
              type=click.Choice(["postgres", "mysql", "sqlite", "tsql", "oracle"]))
@click.option("--scope", default="city", show_default=True, help="police, schools or city.")
@click.option("--requester", default="local", show_default=True, help="Requester class (local, federal, ...).")
@click.option("--purpose", default=None, help="Declared purpose (e.g. ell_services).")
@click.option("--schema", "schema_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="JSON {table: {column: type}} (or {tables, overrides, public_record}).")
@click.option("--policy", "policy_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def check(statement: str, dialect: str, scope: str, requester: str, purpose: str | None, schema_path: Path | None,
          policy_path: Path | None, as_json: bool) -> None:
    """Decide SQL (or standard input with `-`)."""
    from ..sql import SQLAnalysisError, check_sql, fingerprint
    from ..sql.schema import SchemaMap

    text = click.get_text_stream("stdin").read() if statement == "-" else statement
    try:
        guard = _guard(policy_path)
        schema = SchemaMap.from_file(guard, schema_path) if schema_path else None
        fp = fingerprint(text, dialect)
        decision = check_sql(guard, text, dialect=dialect, scope=scope, requester=requester, purpose=purpose,
                             schema=schema)
    except SQLAnalysisError as exc:
        if as_json:
            click.echo(json.dumps({"fingerprint": exc.fingerprint, "effect": "block", "error": "analysis",
                                   "reason": exc.reason}))
        else:
            click.echo(str(exc), err=not as_json)
        raise SystemExit(2) from None
    except StatusGuardError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None
    if as_json:
        rec = decision.to_record()
        rec["fingerprint"] = fp
        rec["explain"] = decision.explain()
        click.echo(json.dumps(rec, ensure_ascii=False))
    else:
        click.echo(f"{decision.effect.value.upper()} {fp}")
        click.echo(decision.explain())
    raise SystemExit(1 if decision.blocked else 0)


@sql.command("revoke")
@click.option("--schema", "schema_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
@click.option("--dsn", default=None, help="postgresql://... (psycopg) or sqlite:PATH to reflect the schema from.")
@click.option("--role", default="PUBLIC", show_default=True, help="Role the privileges apply to.")
@click.option("--scope", default="city", show_default=True)
@click.option("--requester", default="local", show_default=True,
              help="Requester class the role acts for (e.g. federal for a liaison role).")
@click.option("--policy", "policy_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
def revoke(schema_path: Path | None, dsn: str | None, role: str, scope: str, requester: str,
           policy_path: Path | None) -> None:
    """Print PostgreSQL REVOKE/GRANT statements that keep forbidden columns from ROLE."""
    from ..sql.revoke import revoke_statements
    from ..sql.schema import SchemaMap, reflect_dbapi

    if bool(schema_path) == bool(dsn):
        raise click.UsageError("give exactly one of --schema FILE.json or --dsn")
    try:
        guard = _guard(policy_path)
        guard.policy.check_scope(scope)
        guard.policy.check_requester(requester)
        if schema_path:
            schema = SchemaMap.from_file(guard, schema_path)
        elif dsn.startswith("sqlite:"):
            import sqlite3

            with sqlite3.connect(dsn[len("sqlite:"):]) as conn:
                schema = reflect_dbapi(guard, conn, "sqlite")
        else:
            import psycopg

            with psycopg.connect(dsn) as conn:
                schema = reflect_dbapi(guard, conn, "postgres")
        lines = revoke_statements(guard, schema, role=role, scope=scope, requester=requester)
    except StatusGuardError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None
    if not lines:
        click.echo(f"-- no forbidden columns for role {role} in scope {scope}")
        return
    click.echo("\n".join(lines))
