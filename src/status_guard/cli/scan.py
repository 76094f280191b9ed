"""`status-guard scan` and `status-guard inventory`: the static scanner for CI, and the data map.

Exit status of `scan`: 0 no finding at or above --fail-on (findings a --baseline adopted do not count);
1 at least one; 2 a usage error, or a file that could not be read or parsed (the scan is incomplete:
reported as an `unparseable` finding and exit 2 whatever --fail-on says, since an unchecked file is
never a pass).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import StatusGuardError
from ..model import Effect
from .options import Choice, fail, format_for_out, progress, render_rows, style, suggest, write_out

_FAIL_ON = {"block": Effect.BLOCK, "strip": Effect.STRIP, "redact": Effect.REDACT, "flag": Effect.FLAG, "never": None}
SCAN_FORMATS = ("table", "json", "jsonl", "csv", "sarif")
INVENTORY_FORMATS = ("table", "json", "jsonl", "csv")


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

    try:
        guard = _guard(policy_path, text)
        for flag, value, known in (("--scope", scope, guard.policy.file.scopes),
                                   ("--purpose", purpose, guard.policy.file.purposes)):
            if value is not None and value not in known:
                fail(f"{flag} {value[:40]!r} is not one of {', '.join(known)}{suggest(value, known)}")
        with progress("Scanning"):
            report = scan_paths(guard, list(paths), scope=scope, scope_map=_parse_map(maps), purpose=purpose,
                                limits=Limits(max_file_bytes=max_file_bytes, max_files=max_files),
                                exclude=list(exclude), text=None if text else False, sql_dialect=dialect)
    except StatusGuardError as exc:
        fail(str(exc))
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
@click.option("--format", "fmt", type=Choice(list(SCAN_FORMATS)), default=None,
              help="table (default), json (one document), jsonl (one finding per line), csv, or sarif (code "
                   "scanning); with --out and no --format, from the file's extension")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              help="Write the report here instead of standard output.")
@click.option("--fail-on", type=Choice(list(_FAIL_ON)), default="block", show_default=True,
              help="Exit 1 when a finding is at or above this effect.")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Adopted findings (from --write-baseline): they are reported but do not fail the scan.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write every current finding to this baseline file (adopt them), then exit 0 unless a file "
                   "could not be parsed.")
def scan(paths, scope, maps, purpose, policy_path, exclude, max_file_bytes, max_files, sql_dialect, text, fmt, out,
         fail_on, baseline, write_baseline) -> None:
    """Find fields the ordinance forbids in templates, migrations, API specs and models.

    A question a federal or state law requires (a Form I-9) is declared where it is asked:
    `<!-- status-guard: allow no-status-inquiry -- 8 U.S.C. §1324a (Form I-9) -->`."""
    from dataclasses import replace

    from ..scan import baseline as bl
    from ..scan.report import ROW_COLUMNS, render_json, render_rows as rows_of, render_sarif, render_text

    fmt = format_for_out(fmt, str(out) if out else None, SCAN_FORMATS, "table")
    guard, report = _run(paths, scope, maps, purpose, policy_path, exclude, max_file_bytes, max_files, text,
                         sql_dialect)
    if baseline is not None:
        try:
            entries = bl.load(baseline)
        except StatusGuardError as e:
            import shlex

            fail(f"--baseline: {e}".replace("<the same paths>", " ".join(shlex.quote(str(p)) for p in paths)))
        findings, fixed = bl.apply(report.findings, entries)
        report = replace(report, findings=tuple(findings), baseline_fixed=tuple(fixed), baseline_used=True)
    if write_baseline is not None:
        write_out(str(write_baseline), bl.to_json(report.findings, report.policy).encode("utf-8"))
        adopted = sum(1 for f in report.findings if bl.adoptable(f))
        click.echo(f"wrote {write_baseline}: {adopted} finding(s) adopted", err=True)
        left = [f for f in report.findings if not bl.adoptable(f)]
        if left:  # never silently: these fail the next --baseline run until they are fixed
            click.echo(style(f"{len(left)} finding(s) cannot be adopted", err=True, fg="yellow", bold=True)
                       + " (an invalid suppression, or a file that could not be read): fix them, or the next "
                       "scan with --baseline fails on them:", err=True)
            for f in left[:20]:
                click.echo(f"  {f.file}:{f.line}: {f.name} ({f.kind.value})", err=True)
    body = {"table": lambda: render_text(report), "json": lambda: render_json(report),
            "sarif": lambda: render_sarif(report, guard.policy),
            "jsonl": lambda: render_rows(rows_of(report), "jsonl", ROW_COLUMNS),
            "csv": lambda: render_rows(rows_of(report), "csv", ROW_COLUMNS)}[fmt]()
    if out is not None:
        write_out(str(out), body.encode("utf-8"))
        click.echo(report_summary(report), err=True)
    else:
        click.echo(body, nl=False)
    if report.errors:
        raise SystemExit(2)
    if write_baseline is not None:
        raise SystemExit(0)
    raise SystemExit(1 if report.failing(_FAIL_ON[fail_on]) else 0)


def report_summary(report) -> str:
    from ..scan.report import summary_line

    return summary_line(report)


@click.command()
@_common
@click.option("--format", "fmt", type=Choice(list(INVENTORY_FORMATS)), default=None,
              help="table (default), json, jsonl or csv; with --out and no --format, from the file's extension")
@click.option("--dsn", "dsns", multiple=True,
              help="Also reflect a live database: a SQLite file path or a postgresql:// DSN (repeatable).")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None)
def inventory(paths, scope, maps, purpose, policy_path, exclude, max_file_bytes, max_files, sql_dialect, text, fmt,
              dsns, out) -> None:
    """Map every classified field: where each category is collected, stored and disclosed."""
    from ..scan import Inventory

    fmt = format_for_out(fmt, str(out) if out else None, INVENTORY_FORMATS, "table")
    guard, report = _run(paths, scope, maps, purpose, policy_path, exclude, max_file_bytes, max_files, text,
                         sql_dialect)
    try:
        inv = Inventory.from_report(report)
        for dsn in dsns:
            from ..scan.database import inventory_from_dsn

            inv = inv.merged(inventory_from_dsn(guard, dsn, scope=scope, purpose=purpose))
    except StatusGuardError as exc:
        fail(f"--dsn: {exc}")
    if fmt == "jsonl":
        import json

        body = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in inv.rows())
    else:
        body = {"table": inv.render_text, "json": inv.render_json, "csv": inv.render_csv}[fmt]()
    if out is not None:
        write_out(str(out), body.encode("utf-8"))
    else:
        click.echo(body, nl=False)
    for e in report.errors:
        click.echo(f"unparseable: {e.file}: {e.problem}", err=True)
    raise SystemExit(2 if report.errors else 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(scan())
