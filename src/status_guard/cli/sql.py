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
from .options import Choice, fail, format_option, suggest


def _guard(policy_path: Path | None) -> Any:
    from ..guard import Guard

    return Guard.from_policy(policy_path) if policy_path else Guard.default()


def _names(guard: Any, *, scope: str, requester: str, purpose: str | None) -> None:
    """Scope, requester and purpose must be the policy's: "did you mean" otherwise, naming the flag."""
    f = guard.policy.file
    for flag, value, known in (("--scope", scope, f.scopes), ("--requester", requester, f.requesters),
                               ("--purpose", purpose, f.purposes)):
        if value is not None and value not in known:
            fail(f"{flag} {value[:40]!r} is not one of {', '.join(known)}{suggest(value, known)}")


@click.group()
def sql() -> None:
    """Check SQL statements against the policy; print database-side privileges."""


@sql.command("check")
@click.argument("statement", metavar="SQL|-")
@click.option("--dialect", default="postgres", show_default=True,
              type=Choice(["postgres", "mysql", "sqlite", "tsql", "oracle"]))
@click.option("--scope", default="city", show_default=True, help="police, schools or city.")
@click.option("--requester", default="local", show_default=True, help="Requester class (local, federal, ...).")
@click.option("--purpose", default=None, help="Declared purpose (e.g. ell_services).")
@click.option("--schema", "schema_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="JSON {table: {column: type}} (or {tables, overrides, public_record}).")
@click.option("--policy", "policy_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
@format_option(("table", "json"))
@click.option("--json", "as_json", is_flag=True, hidden=True, help="Same as --format json.")
def check(statement: str, dialect: str, scope: str, requester: str, purpose: str | None, schema_path: Path | None,
          policy_path: Path | None, fmt: str, as_json: bool) -> None:
    """Decide SQL (or standard input with `-`)."""
    from ..sql import SQLAnalysisError, check_sql, fingerprint
    from ..sql.schema import SchemaMap

    as_json = as_json or fmt == "json"
    text = click.get_text_stream("stdin").read() if statement == "-" else statement
    try:
        guard = _guard(policy_path)
        _names(guard, scope=scope, requester=requester, purpose=purpose)
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
@click.option("--namespace", "namespaces", multiple=True,
              help="PostgreSQL schema(s) to reflect (default: every non-system schema). Repeatable.")
@click.option("--public-record", "public_record", multiple=True,
              help="A column the Public Records Law makes available (table.column, or a bare column). Repeatable.")
@click.option("--role", default="PUBLIC", show_default=True, help="Role the privileges apply to.")
@click.option("--scope", default="city", show_default=True)
@click.option("--requester", default="local", show_default=True,
              help="Requester class the role acts for (e.g. federal for a liaison role).")
@click.option("--apply", "apply_", is_flag=True,
              help="Run the statements on --dsn (one transaction), then verify with has_column_privilege that "
                   "ROLE cannot read or write a forbidden column by any route (PUBLIC, role membership).")
@click.option("--policy", "policy_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
def revoke(schema_path: Path | None, dsn: str | None, namespaces: tuple[str, ...], public_record: tuple[str, ...],
           role: str, scope: str, requester: str, apply_: bool, policy_path: Path | None) -> None:
    """Print (or apply) PostgreSQL REVOKE/GRANT statements that keep forbidden columns from ROLE.

    Exit status: 0 done; 1 applied but a forbidden column is still reachable by ROLE (each is
    named); 2 bad input."""
    from ..sql.revoke import column_verdicts, revoke_statements
    from ..sql.schema import SchemaMap, reflect_dbapi

    if bool(schema_path) == bool(dsn):
        raise click.UsageError("give exactly one of --schema FILE.json or --dsn")
    if apply_ and (not dsn or dsn.startswith("sqlite:")):
        raise click.UsageError("--apply needs a PostgreSQL --dsn")
    if apply_ and role.upper() == "PUBLIC":
        raise click.UsageError("--apply needs a named --role (revoking from PUBLIC changes every role's privileges)")
    try:
        guard = _guard(policy_path)
        _names(guard, scope=scope, requester=requester, purpose=None)
        if schema_path:
            schema = SchemaMap.from_file(guard, schema_path)
        elif dsn.startswith("sqlite:"):
            import sqlite3

            with sqlite3.connect(dsn[len("sqlite:"):]) as conn:
                schema = reflect_dbapi(guard, conn, "sqlite", public_record=public_record)
        else:
            import psycopg

            with psycopg.connect(dsn) as conn:
                schema = reflect_dbapi(guard, conn, "postgres", public_record=public_record,
                                       namespaces=list(namespaces) or None)
        lines = revoke_statements(guard, schema, role=role, scope=scope, requester=requester)
        verdicts = column_verdicts(guard, schema, scope=scope, requester=requester)
    except StatusGuardError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None
    if not lines:
        click.echo(f"-- no forbidden columns for role {role} in scope {scope}")
        return
    click.echo("\n".join(lines))
    if not apply_:
        return
    import psycopg

    from ..sql.revoke import reachable_forbidden

    with psycopg.connect(dsn) as conn:
        with conn.transaction():
            for line in lines:
                if line.strip() and not line.lstrip().startswith("--"):
                    conn.execute(line.encode())
        still = reachable_forbidden(conn, verdicts, role)
    if still:
        for table, column, priv in still:
            click.echo(f"-- STILL REACHABLE: {role} has {priv} on {table}.{column} (through PUBLIC, a member role "
                       "or a grant this tool does not manage): revoke it there", err=True)
        raise SystemExit(1)
    n = sum(1 for v in verdicts if v.no_read or v.no_write)
    click.echo(f"-- applied and verified: {role} cannot read or write any of the {n} forbidden column(s)")
