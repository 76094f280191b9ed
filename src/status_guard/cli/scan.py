"""`status-guard scan` and `status-guard inventory`: the static scanner for CI, and the data map.

Exit status of `scan`: 0 no finding at or above --fail-on; 1 at least one; 2 a usage error, or a
file that could not be read or parsed (the scan is incomplete: reported as an `unparseable`
finding and exit 2 whatever --fail-on says, since an unchecked file is never a pass).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import StatusGuardError
from ..model import Effect

_FAIL_ON = {"block": Effect.BLOCK, "strip": Effect.STRIP, "redact": Effect.REDACT, "flag": Effect.FLAG, "never": None}


def _parse_map(values: tuple[str, ...]) -> list[tuple[str, str]]:
    out = []
    for v in values:
        glob, sep, scope = v.rpartition("=")
        if not sep or not glob.strip() or not scope.strip():
            raise click.UsageError(f"--map expects GLOB=SCOPE (got an entry without '=': {v[:80]!r})")
        out.append((glob.strip(), scope.strip()))
    return out


def _guard(policy_path: Path | None, text: bool):
    from .. import Guard

    kw = {"text_detection": "auto" if text else "off"}
    return Guard.from_policy(policy_path, audit="memory:", **kw) if policy_path else Guard.default(audit="memory:", **kw)


def _run(paths, scope, maps, purpose, policy_path, exclude, max_file_bytes, max_files, text, dialect):
    from ..scan import Limits, scan_paths

    guard = _guard(policy_path, text)
    report = scan_paths(guard, list(paths), scope=scope, scope_map=_parse_map(maps), purpose=purpose,
                        limits=Limits(max_file_bytes=max_file_bytes, max_files=max_files), exclude=list(exclude),
                        text=None if text else False, sql_dialect=dialect)
    return guard, report


def _common(f):
    f = click.option("--no-text", "text", flag_value=False, default=True,
                     help="Do not check prose inside forms with the free-text detector.")(f)
    f = click.option("--sql-dialect", default="postgres", show_default=True, help="Dialect of .sql migrations.")(f)
    f = click.option("--max-files", type=click.IntRange(1), default=20_000, show_default=True)(f)
    f = click.option("--max-file-bytes", type=click.IntRange(1), default=2_000_000, show_default=True,
                     help="Larger files are reported unparseable (not checked).")(f)
    f = click.option("--exclude", multiple=True, metavar="GLOB", help="Skip paths matching GLOB (repeatable).")(f)
    f = click.option("--policy", "policy_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
                     default=None, help="Policy pack (default: Cambridge 2.129).")(f)
    f = click.option("--purpose", default=None, help="Declared purpose (e.g. ell_services); audited use only.")(f)
    f = click.option("--map", "maps", multiple=True, metavar="GLOB=SCOPE",
                     help="Scope for matching paths, e.g. 'templates/police/**=police' (first match wins).")(f)
    f = click.option("--scope", default="city", show_default=True, help="Scope of files no --map matches.")(f)
    f = click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))(f)
    return f


@click.command()
@_common
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              help="Write the report here instead of standard output.")
@click.option("--fail-on", type=click.Choice(list(_FAIL_ON)), default="block", show_default=True,
              help="Exit 1 when a finding is at or above this effect.")
def scan(paths, scope, maps, purpose, policy_path, exclude, max_file_bytes, max_files, sql_dialect, text, fmt, out,
         fail_on) -> None:
    """Find fields the ordinance forbids in templates, migrations, API specs and models."""
    from ..scan.report import render_json, render_sarif, render_text

    try:
        guard, report = _run(paths, scope, maps, purpose, policy_path, exclude, max_file_bytes, max_files, text,
                             sql_dialect)
    except StatusGuardError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None
    body = {"text": lambda: render_text(report), "json": lambda: render_json(report),
            "sarif": lambda: render_sarif(report, guard.policy)}[fmt]()
    if out is not None:
        out.write_text(body, encoding="utf-8")
        click.echo(report_summary(report), err=True)
    else:
        click.echo(body, nl=False)
    if report.errors:
        raise SystemExit(2)
    raise SystemExit(1 if report.failing(_FAIL_ON[fail_on]) else 0)


def report_summary(report) -> str:
    from ..scan.report import summary_line

    return summary_line(report)


@click.command()
@_common
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@click.option("--dsn", "dsns", multiple=True,
              help="Also reflect a live database: a SQLite file path or a postgresql:// DSN (repeatable).")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None)
def inventory(paths, scope, maps, purpose, policy_path, exclude, max_file_bytes, max_files, sql_dialect, text, fmt,
              dsns, out) -> None:
    """Map every classified field: where each category is collected, stored and disclosed."""
    from ..scan import Inventory

    try:
        guard, report = _run(paths, scope, maps, purpose, policy_path, exclude, max_file_bytes, max_files, text,
                             sql_dialect)
        inv = Inventory.from_report(report)
        for dsn in dsns:
            from ..scan.database import inventory_from_dsn

            inv = inv.merged(inventory_from_dsn(guard, dsn, scope=scope, purpose=purpose))
    except StatusGuardError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None
    body = {"text": inv.render_text, "json": inv.render_json, "csv": inv.render_csv}[fmt]()
    if out is not None:
        out.write_text(body, encoding="utf-8")
    else:
        click.echo(body, nl=False)
    for e in report.errors:
        click.echo(f"unparseable: {e.file}: {e.problem}", err=True)
    raise SystemExit(2 if report.errors else 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(scan())
