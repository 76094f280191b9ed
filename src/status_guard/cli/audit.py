"""`status-guard audit ...`: verify, query and tail the audit log; make keys.

Exit codes: 0 success (verify: the chain is intact), 1 verify found problems, 2 the log or a key
could not be opened (bad spec, unreadable file, database down).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable
from typing import Any

import click

from status_guard.audit import ENV_AUDIT, open_sink
from status_guard.audit.errors import AuditConfigError, AuditUnavailableError
from status_guard.audit.keys import (
    ENV_HMAC_KEY_FILE,
    load_public_key,
    load_secret_file,
    write_secret_file,
    write_signing_keypair,
)
from status_guard.audit.query import Filter, filter_items
from status_guard.audit.verify import verify_items

audit_option = click.option(
    "--audit", "audit_spec", envvar=ENV_AUDIT, required=True, metavar="SPEC",
    help=f"jsonl:PATH | sqlite:PATH | postgresql://...[?table=NAME] (default: ${ENV_AUDIT})")
table_option = click.option("--table", default=None, help="PostgreSQL table name (default status_guard_audit)")


def _fail(msg: str) -> None:
    click.echo(f"error: {msg}", err=True)
    sys.exit(2)


@click.group("audit")
def audit() -> None:
    """Verify, query and tail the tamper-evident audit log."""


@audit.command("verify")
@audit_option
@table_option
@click.option("--public-key", type=click.Path(dir_okay=False), default=None,
              help="Ed25519 public key (PEM) to check the signed checkpoints")
@click.option("--hmac-key-file", envvar=ENV_HMAC_KEY_FILE, type=click.Path(dir_okay=False), default=None,
              help=f"HMAC chain key, when the log is HMAC-chained (default: ${ENV_HMAC_KEY_FILE})")
@click.option("--allow-open", is_flag=True, help="accept a log whose writer is still running (no end marker)")
@click.option("--anchor", "anchors", multiple=True, type=click.Path(dir_okay=False),
              help="an exported checkpoint (JSON) the log must still contain; repeatable")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def verify_cmd(audit_spec: str, table: str | None, public_key: str | None, hmac_key_file: str | None,
               allow_open: bool, anchors: tuple[str, ...], fmt: str) -> None:
    """Prove the chain; name each edited, missing, inserted, reordered or truncated record."""
    try:
        sink = open_sink(audit_spec, table=table)
        pub = load_public_key(public_key) if public_key else None
        hkey = load_secret_file(hmac_key_file) if hmac_key_file else None
        anchor_list: list[dict[str, Any]] = []
        for path in anchors:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            anchor_list.extend(data if isinstance(data, list) else [data])
        report = verify_items(sink.raw_items(), hmac_key=hkey, public_key=pub, allow_open_tail=allow_open,
                              anchors=anchor_list, position_name=sink.position_name)
    except (AuditConfigError, AuditUnavailableError, OSError, ValueError) as e:
        _fail(str(e))
        return
    if report.count == 0 and not report.problems:
        _fail(f"no records found in {sink.description}: nothing to verify (wrong path or table?)")
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        click.echo(f"Audit log {sink.description}")
        span = (f"seq {report.first_seq}..{report.last_seq}, {report.count} record(s)"
                if report.last_seq is not None else "no records")
        click.echo(f"  log id {report.log_id or '?'}; chain {report.alg or 'not verifiable'}; {span}")
        click.echo(f"  checkpoints: {report.checkpoints_verified} verified of {report.checkpoints_total}")
        click.echo(f"  integrity: {report.integrity_basis}")
        if report.last_seq is not None:
            state = "ended cleanly (end marker)" if report.ended_cleanly else "no end marker"
            click.echo(f"  ends at seq {report.last_seq} ({sink.position_name} {report.end_position}, "
                       f"{report.last_time}): {state}")
        for w in report.warnings:
            click.echo(f"  warning: {w}")
        for p in report.problems:
            click.echo(f"  {p.kind.upper()}: {p.message}")
        if report.ok:
            click.echo("Result: VALID" if report.tamper_evident else
                       "Result: VALID (consistent only: not proof against an insider who can rewrite the log)")
        else:
            click.echo(f"Result: INVALID ({len(report.problems)} problem(s))")
        if not report.ok and {p.kind for p in report.problems} == {"truncated"} and not report.ended_cleanly:
            click.echo("  hint: if the application writing this log is still running, verify with --allow-open; "
                       "a cut tail is then caught only by signed checkpoints or exported anchors (--anchor).")
    sys.exit(0 if report.ok else 1)


COLUMNS = ("seq", "time", "kind", "adapter", "action", "effect", "requester", "citations", "fields")
CSV_COLUMNS = COLUMNS + ("categories", "scope", "purpose", "exceptions", "route", "fingerprint", "request_id",
                         "event_type", "monitor", "policy")


def _cell(rec: dict[str, Any], col: str) -> str:
    v: Any
    if col == "requester":
        r = rec.get("requester") or {}
        v = "/".join(x for x in (r.get("class"), r.get("agency")) if x)
    elif col == "exceptions":
        v = ";".join(f"{e.get('id')}[{e.get('legal_basis') or e.get('purpose') or ''}]"
                     for e in rec.get("exceptions") or ())
    elif col == "event_type":
        v = (rec.get("event") or {}).get("type", "")
    elif col == "policy":
        p = rec.get("policy") or {}
        v = f"{p.get('id', '')}@{p.get('version', '')}" if p else ""
    else:
        v = rec.get(col, "")
    if isinstance(v, list):
        return ",".join(str(x) for x in v)
    if v is None:
        return ""
    return str(v)


def _emit(records: Iterable[dict[str, Any]], fmt: str) -> None:
    if fmt == "json":
        for rec in records:
            click.echo(json.dumps(rec, ensure_ascii=False, sort_keys=True))
        return
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(CSV_COLUMNS)
        for rec in records:
            # `query` does not verify: a forged record must not become a spreadsheet formula
            w.writerow(["'" + v if v.startswith(("=", "+", "-", "@", "\t", "\r")) else v
                        for v in (_cell(rec, c) for c in CSV_COLUMNS)])
        click.echo(buf.getvalue(), nl=False)
        return
    rows = [[_cell(rec, c) for c in COLUMNS] for rec in records]
    limits = {"time": 27, "citations": 40, "fields": 50}
    rows = [[c if len(c) <= limits.get(col, 30) else c[: limits.get(col, 30) - 1] + "…"
             for col, c in zip(COLUMNS, row)] for row in rows]
    widths = [max([len(col)] + [len(r[i]) for r in rows]) for i, col in enumerate(COLUMNS)]
    click.echo("  ".join(col.ljust(widths[i]) for i, col in enumerate(COLUMNS)).rstrip())
    for r in rows:
        click.echo("  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip())
    click.echo(f"({len(rows)} record(s))")


@audit.command("query")
@audit_option
@table_option
@click.option("--since", default=None, help="ISO time/date or a span before now (90m, 24h, 7d)")
@click.option("--until", default=None, help="ISO time/date or a span before now (exclusive)")
@click.option("--citation", default=None, help="e.g. 2.129.040 (matches 2.129.040(b)) or 2.129.040(e)")
@click.option("--effect", default=None, help="allow|flag|redact|strip|block (comma-separated for several)")
@click.option("--requester", default=None, help="requester class (federal, local, ...) or agency")
@click.option("--adapter", default=None, help="asgi|sql|scan|cli|event|text")
@click.option("--kind", default="decision,event", show_default=True,
              help="record kinds (decision,event,heartbeat,start,continuation,end,checkpoint) or 'all'")
@click.option("--limit", type=click.IntRange(min=1), default=None)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
def query_cmd(audit_spec: str, table: str | None, since: str | None, until: str | None, citation: str | None,
              effect: str | None, requester: str | None, adapter: str | None, kind: str, limit: int | None,
              fmt: str) -> None:
    """List records matching filters, in chain order."""
    try:
        sink = open_sink(audit_spec, table=table)
        flt = Filter.make(since=since, until=until, citation=citation, effect=effect, requester=requester,
                          adapter=adapter, kind=None if kind == "all" else kind)
        _emit(filter_items(sink.raw_items(), flt, limit), fmt)
    except (AuditConfigError, AuditUnavailableError, OSError) as e:
        _fail(str(e))


@audit.command("tail")
@audit_option
@table_option
@click.option("-n", "count", type=click.IntRange(min=1, max=100_000), default=10, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
def tail_cmd(audit_spec: str, table: str | None, count: int, fmt: str) -> None:
    """Show the last N records (all kinds)."""
    try:
        sink = open_sink(audit_spec, table=table)
        items = sink.tail_items(count)
        _emit(filter_items(items, Filter()), fmt)
    except (AuditConfigError, AuditUnavailableError, OSError) as e:
        _fail(str(e))


@audit.command("keygen")
@click.option("--signing-key", type=click.Path(dir_okay=False), default=None,
              help="write a new Ed25519 private key here (PEM, mode 0600)")
@click.option("--public-key", type=click.Path(dir_okay=False), default=None,
              help="write its public key here (default: SIGNING_KEY.pub)")
@click.option("--hmac-key", type=click.Path(dir_okay=False), default=None,
              help="write a new HMAC chain key here (hex, mode 0600)")
@click.option("--correlation-key", type=click.Path(dir_okay=False), default=None,
              help="write a new key for pseudonymous references (hex, mode 0600)")
@click.option("--force", is_flag=True, help="overwrite existing files")
def keygen_cmd(signing_key: str | None, public_key: str | None, hmac_key: str | None,
               correlation_key: str | None, force: bool) -> None:
    """Make audit keys. Keep them outside the log's directory; the log never holds them."""
    if not (signing_key or hmac_key or correlation_key):
        _fail("nothing to do: give --signing-key, --hmac-key and/or --correlation-key")
    try:
        if signing_key:
            pub = public_key or signing_key + ".pub"
            kid = write_signing_keypair(signing_key, pub, force=force)
            click.echo(f"signing key {signing_key} (public key {pub}), key id {kid}")
        if hmac_key:
            click.echo(f"HMAC key {hmac_key}, key id {write_secret_file(hmac_key, force=force)}")
        if correlation_key:
            click.echo(f"correlation key {correlation_key}, key id {write_secret_file(correlation_key, force=force)}")
    except (AuditConfigError, OSError) as e:
        _fail(str(e))


@audit.command("heartbeat")
@audit_option
@table_option
def heartbeat_cmd(audit_spec: str, table: str | None) -> None:
    """Append a heartbeat record (run it from cron, e.g. hourly): the 2.129.060 report uses
    heartbeats to prove that a quiet period really was quiet, not a gap in the log."""
    from status_guard.audit import open_audit

    try:
        log = open_audit(audit_spec, table=table)
        rec = log.heartbeat()
        log.close()
    except (AuditConfigError, AuditUnavailableError, OSError) as e:
        _fail(str(e))
    click.echo(f"heartbeat recorded as seq {rec.get('seq')} at {rec.get('time')}")


@audit.command("checkpoint")
@audit_option
@table_option
@click.option("--signing-key", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Ed25519 private key (PEM); default: $STATUS_GUARD_AUDIT_SIGNING_KEY_FILE")
@click.option("--anchor-out", type=click.Path(dir_okay=False), default=None,
              help="also write the signed checkpoint to this file, to keep outside the log (verify --anchor)")
def checkpoint_cmd(audit_spec: str, table: str | None, signing_key: str | None, anchor_out: str | None) -> None:
    """Sign the chain head now. Kept elsewhere (another machine, the clerk's office), the exported
    anchor lets `audit verify --anchor FILE` detect a tail cut from a live log."""
    from status_guard.audit import open_audit

    try:
        log = open_audit(audit_spec, table=table, signing_key=signing_key)
        cp = log.checkpoint()
        log.close()
    except (AuditConfigError, AuditUnavailableError, OSError) as e:
        _fail(str(e))
    text = json.dumps(cp, sort_keys=True)
    if anchor_out:
        with open(anchor_out, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
        click.echo(f"checkpoint over seq {cp.get('seq')} signed; anchor written to {anchor_out}")
    else:
        click.echo(text)
