"""`status-guard events | obligations | report | complaint | dashboard`: the compliance officer's tools.

Exit codes: 0 success; 1 refused by policy (events add: 040(d)) or the log did not verify (report,
complaint: the output is still written and says so first); 2 bad input or the log could not be opened.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NoReturn

import click

from status_guard.audit import ENV_AUDIT
from status_guard.audit.keys import ENV_CORRELATION_KEY_FILE, ENV_HMAC_KEY_FILE, load_public_key, load_secret_file
from status_guard.errors import RefusedError, StatusGuardError

ENV_PERSON_KEY_FILE = "STATUS_GUARD_PERSON_KEY_FILE"

audit_option = click.option(
    "--audit", "audit_spec", envvar=ENV_AUDIT, required=True, metavar="SPEC",
    help=f"jsonl:PATH | sqlite:PATH | postgresql://... (default: ${ENV_AUDIT})")
policy_option = click.option("--policy", "policy_path", type=click.Path(dir_okay=False, exists=True), default=None,
                             help="policy pack YAML (default: the bundled Cambridge 2.129 pack)")
hmac_option = click.option("--hmac-key-file", envvar=ENV_HMAC_KEY_FILE, type=click.Path(dir_okay=False),
                           default=None, help=f"HMAC chain key of the log, if HMAC-chained (default: ${ENV_HMAC_KEY_FILE})")
pubkey_option = click.option("--public-key", type=click.Path(dir_okay=False), default=None,
                             help="Ed25519 public key (PEM) to check signed checkpoints")


def _check_out(out: str, audit_spec: str) -> None:
    """Refuse an --out that is the audit log (or its SQLite journal): writing there would destroy it."""
    scheme, _, rest = audit_spec.strip().partition(":")
    if scheme.lower() not in ("jsonl", "sqlite") or not rest:
        return
    log = Path(os.path.expanduser(rest)).resolve()
    target = Path(out).resolve()
    if target in {log, Path(str(log) + "-wal"), Path(str(log) + "-shm"), Path(str(log) + "-journal")}:
        _fail("--out names the audit log itself; refusing to overwrite it (choose another file)")


def _write_out(out: str, data: bytes) -> None:
    """Write through a fresh temporary file in the same directory, then rename: never follows a
    planted ``OUT.tmp`` symlink, and a reader never sees half a report."""
    import tempfile

    target = Path(out)
    fd, tmp = tempfile.mkstemp(prefix="." + target.name + ".", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _fail(msg: str, code: int = 2) -> NoReturn:
    click.echo(f"error: {msg}", err=True)
    sys.exit(code)


def _policy(path: str | None) -> Any:
    from status_guard.policy import load_policy

    return load_policy(path)


def _snapshot(audit_spec: str, hmac_key_file: str | None, public_key: str | None) -> Any:
    from status_guard.compliance.source import take_snapshot

    hkey = load_secret_file(hmac_key_file) if hmac_key_file else None
    pub = load_public_key(public_key) if public_key else None
    snap = take_snapshot(audit_spec, hmac_key=hkey, public_key=pub)
    if snap.verification.count == 0 and not snap.verification.problems:
        _fail("the audit log holds no records (wrong path or table?)")
    return snap


# -- events ------------------------------------------------------------------------------------------
@click.group("events")
def events() -> None:
    """Record and list 2.129.060 events (detainers, holds, transfers, reimbursements, cooperation)."""


def _type_choices() -> list[str]:
    from status_guard.compliance.events import EventType

    return [t.value for t in EventType]


@events.command("add")
@click.argument("event_type", type=click.Choice(_type_choices()))
@audit_option
@policy_option
@click.option("--person-id", default=None, help="the police system's local id of the person; stored only as a "
              "keyed HMAC (needs --person-key-file). Never a name.")
@click.option("--person-ref", default=None, help="a ready person reference (64 hex, HMAC-SHA256)")
@click.option("--person-key-file", envvar=[ENV_PERSON_KEY_FILE, ENV_CORRELATION_KEY_FILE],
              type=click.Path(dir_okay=False), default=None,
              help=f"key for person references (default: ${ENV_PERSON_KEY_FILE}, else ${ENV_CORRELATION_KEY_FILE})")
@click.option("--case", "case_ref", default=None, help="case reference (letters, digits, ._/#-)")
@click.option("--amount", default=None, help="reimbursement amount, e.g. 1250.00")
@click.option("--currency", default="USD", show_default=True)
@click.option("--disclosable/--not-disclosable", default=None,
              help="ice_cooperation: can the investigation be publicly disclosed? (required)")
@click.option("--in-custody/--not-in-custody", default=None,
              help="detainer / administrative warrant: is the person in custody? (required; opens 040(g))")
@click.option("--hold-basis", multiple=True, help="detained_on_ice_hold: each basis of the hold (repeatable)")
@click.option("--obligation", "obligation_ref", default=None, help="notice_delivered: the obligation it closes")
@click.option("--occurred-at", default=None, help="when it happened (ISO 8601; default now)")
@click.option("--department", default=None, help="department recording the event")
@click.option("--idempotency-key", default=None,
              help="the police system's own id for this event: recording it twice yields the same event id, "
                   "counted once in the 060 report")
@click.option("--notice-due-hours", type=click.IntRange(1, 24 * 30), default=24, show_default=True,
              help="hours allowed for 040(g) notice before an obligation is overdue")
def events_add(event_type: str, audit_spec: str, policy_path: str | None, person_id: str | None,
               person_ref: str | None, person_key_file: str | None, case_ref: str | None, amount: str | None,
               currency: str, disclosable: bool | None, in_custody: bool | None, hold_basis: tuple[str, ...],
               obligation_ref: str | None, occurred_at: str | None, department: str | None,
               idempotency_key: str | None, notice_due_hours: int) -> None:
    """Record one event. A hold whose only basis is a detainer or administrative warrant is refused
    (2.129.040(d)) and the refused attempt is recorded."""
    from datetime import timedelta

    from status_guard import Guard
    from status_guard.audit import open_audit
    from status_guard.compliance.events import EventRecorder

    try:
        key = load_secret_file(person_key_file, "person-reference key") if person_key_file else None
        log = open_audit(audit_spec)
    except (StatusGuardError, ValueError, OSError) as e:
        _fail(str(e))
    try:
        guard = Guard(_policy(policy_path), audit=log)
        rec = EventRecorder(guard, person_key=key, department=department,
                            notice_due=timedelta(hours=notice_due_hours))
        stored = rec.record(event_type, person_id=person_id, person_ref=person_ref, case_ref=case_ref,
                            amount=amount, currency=currency, disclosable=disclosable, in_custody=in_custody,
                            hold_basis=list(hold_basis) or None, obligation_ref=obligation_ref,
                            occurred_at=occurred_at, idempotency_key=idempotency_key)
    except RefusedError as e:
        click.echo(f"refused: {e}", err=True)
        click.echo("the refused attempt was recorded in the audit log", err=True)
        log.close()
        sys.exit(1)
    except (StatusGuardError, ValueError) as e:
        log.close()
        _fail(str(e))
    log.close()
    ev = stored["event"]
    click.echo(f"recorded {ev['type']} as seq {stored['seq']} ({ev['event_id']})")
    if "obligation_ref" in ev and ev["type"] != "notice_delivered":
        click.echo(f"opened 2.129.040(g) obligation {ev['obligation_ref']} (due {ev['due_at']}): give the person "
                   "a copy of the detainer or warrant, then record notice_delivered --obligation "
                   f"{ev['obligation_ref']}")
    elif ev["type"] == "notice_delivered":
        click.echo(f"closed obligation {ev['obligation_ref']}")


@events.command("list")
@audit_option
@click.option("--since", default=None, help="ISO date/time or span like 7d (log time)")
@click.option("--until", default=None)
@click.option("--type", "etype", default=None, type=click.Choice(_type_choices()))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def events_list(audit_spec: str, since: str | None, until: str | None, etype: str | None, fmt: str) -> None:
    """List event records (without person references)."""
    from status_guard.audit import open_sink
    from status_guard.audit.query import Filter, filter_items
    from status_guard.compliance.complaints import EVENT_KEYS

    try:
        sink = open_sink(audit_spec)
        rows = []
        for rec in filter_items(sink.raw_items(), Filter.make(since=since, until=until, kind="event")):
            ev = rec.get("event") or {}
            if etype and ev.get("type") != etype:
                continue
            rows.append({"seq": rec.get("seq"), "time": rec.get("time"), **{k: ev[k] for k in EVENT_KEYS if k in ev}})
    except (StatusGuardError, ValueError, OSError) as e:
        _fail(str(e))
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        extra = " ".join(f"{k}={r[k]}" for k in ("case_ref", "amount", "disclosable", "obligation_ref", "department")
                         if k in r)
        click.echo(f"{r['seq']:>6}  {r.get('occurred_at', r['time'])}  {r['type']:<28} {extra}")
    click.echo(f"{len(rows)} event(s)", err=True)


# -- obligations -------------------------------------------------------------------------------------
@click.command("obligations")
@audit_option
@click.option("--all", "show_all", is_flag=True, help="include closed obligations")
@click.option("--now", "now_s", default=None, help="evaluate overdue at this time (ISO 8601; default now)")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--fail-on-overdue", is_flag=True, help="exit 1 when any obligation is overdue (for monitoring)")
def obligations(audit_spec: str, show_all: bool, now_s: str | None, fmt: str, fail_on_overdue: bool) -> None:
    """List open and overdue 2.129.040(g) notice obligations."""
    from status_guard.audit import open_sink
    from status_guard.audit.query import Filter, filter_items
    from status_guard.compliance.events import parse_when
    from status_guard.compliance.obligations import pending

    try:
        now = parse_when(now_s) if now_s else datetime.now(timezone.utc)
        sink = open_sink(audit_spec)
        rows = pending(filter_items(sink.raw_items(), Filter.make(kind="event")), now, include_closed=show_all)
    except (StatusGuardError, ValueError, OSError) as e:
        _fail(str(e))
    if fmt == "json":
        click.echo(json.dumps([o.as_dict(now) for o, _ in rows], indent=2))
    else:
        if not rows:
            click.echo("no open 2.129.040(g) obligations")
        for o, status in rows:
            click.echo(f"{status.upper():<8} {o.ref}  {o.opened_by:<24} opened {o.opened_at}  due {o.due_at or '-'}"
                       f"  seq {o.opened_seq}" + (f"  {o.department}" if o.department else ""))
    if fail_on_overdue and any(s == "overdue" for _, s in rows):
        sys.exit(1)


# -- report ------------------------------------------------------------------------------------------
@click.group("report")
def report() -> None:
    """Reports computed from the verified audit log."""


@report.command("semiannual")
@audit_option
@policy_option
@hmac_option
@pubkey_option
@click.option("--from", "start", required=True, help="first day of the period (YYYY-MM-DD, UTC)")
@click.option("--to", "end", required=True, help="last day of the period (YYYY-MM-DD, inclusive)")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "csv", "md"]), default=None,
              help="default: from the --out extension, else md")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="output file (default: standard output; pdf needs --out)")
def semiannual(audit_spec: str, policy_path: str | None, hmac_key_file: str | None, public_key: str | None,
               start: str, end: str, fmt: str | None, out: str | None) -> None:
    """The 2.129.060 report: (a)-(e) plus refusals by clause and department. Exits 1 if the log does
    not verify (the report is still written, and says so on its first page)."""
    from status_guard.compliance.render import render
    from status_guard.compliance.report import Period, ReportError, report_for

    if fmt is None:
        ext = Path(out).suffix.lower().lstrip(".") if out else ""
        fmt = {"htm": "html", "markdown": "md"}.get(ext, ext) if ext in {"html", "htm", "pdf", "csv", "md",
                                                                         "markdown"} else "md"
    if fmt == "pdf" and out is None:
        _fail("--format pdf needs --out FILE")
    if out:
        _check_out(out, audit_spec)
    try:
        period = Period.parse(start, end)
        snap = _snapshot(audit_spec, hmac_key_file, public_key)
        rep = report_for(snap, period, _policy(policy_path))
        data = render(rep, fmt)
    except (StatusGuardError, ReportError, ValueError, OSError) as e:
        _fail(str(e))
    if out:
        try:
            _write_out(out, data)
        except OSError as e:
            _fail(f"cannot write {out} ({e.__class__.__name__})")
        click.echo(f"wrote {out} ({fmt}, {len(data)} bytes)", err=True)
    else:
        click.echo(data.decode("utf-8"), nl=False)
    if not rep.verified:
        click.echo(f"error: the audit log did not verify ({len(rep.verification_problems)} problem(s)); "
                   "the report says so on its first page", err=True)
        sys.exit(1)


# -- complaint ---------------------------------------------------------------------------------------
@click.group("complaint")
def complaint() -> None:
    """2.129.050 complaint packets."""


@complaint.command("draft")
@audit_option
@policy_option
@hmac_option
@click.option("--record", "record_id", required=True, help="the audit record: sequence number or request id")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None)
def complaint_draft(audit_spec: str, policy_path: str | None, hmac_key_file: str | None, record_id: str,
                    fmt: str, out: str | None) -> None:
    """Draft a packet: recipients (City Manager's Office plus the police or schools office named by the
    policy), the cited rule and the records, with no protected values."""
    from status_guard.compliance.complaints import ComplaintError, draft_complaint, packet_json, packet_markdown

    if out:
        _check_out(out, audit_spec)
    try:
        snap = _snapshot(audit_spec, hmac_key_file, None)
        packet = draft_complaint(snap, record_id, _policy(policy_path))
    except (StatusGuardError, ComplaintError, ValueError, OSError) as e:
        _fail(str(e))
    text = packet_json(packet) if fmt == "json" else packet_markdown(packet)
    if out:
        Path(out).write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {out}; send it to: " + "; ".join(packet.recipients), err=True)
    else:
        click.echo(text)
    if not packet.log_verified:
        click.echo("warning: the audit log did not verify; the packet says so", err=True)
        sys.exit(1)


# -- dashboard ---------------------------------------------------------------------------------------
@click.command("dashboard")
@audit_option
@policy_option
@hmac_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8750, show_default=True)
@click.option("--password-file", type=click.Path(dir_okay=False, exists=True), default=None,
              help="file holding the login password (required when --host is not a loopback address)")
def dashboard(audit_spec: str, policy_path: str | None, hmac_key_file: str | None, host: str, port: int,
              password_file: str | None) -> None:
    """Serve the compliance dashboard (log browser, verification, obligations, reports)."""
    try:
        import uvicorn

        from status_guard.compliance.dashboard.app import DashboardConfig, create_app, is_loopback
    except ImportError as e:
        _fail(f"the dashboard needs the 'dashboard' extra (pip install 'status_guard[dashboard]'): {e.name}")
    password = None
    if password_file:
        password = Path(password_file).read_text(encoding="utf-8").strip()
        if len(password) < 12:
            _fail("the password in --password-file must be at least 12 characters")
    if not is_loopback(host) and password is None:
        _fail(f"refusing to serve on {host}, which is reachable beyond this machine, without a login: "
              "give --password-file")
    try:
        app = create_app(DashboardConfig(audit_spec=audit_spec, policy_path=policy_path,
                                         hmac_key=load_secret_file(hmac_key_file) if hmac_key_file else None,
                                         password=password))
    except (StatusGuardError, ValueError, OSError) as e:
        _fail(str(e))
    click.echo(f"status_guard dashboard on http://{host}:{port}/" + (" (login required)" if password else ""),
               err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
