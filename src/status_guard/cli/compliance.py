"""`status-guard events | obligations | report | complaint | dashboard`: the compliance officer's tools.

Exit codes: 0 success; 1 refused by policy (events add: 040(d)), an overdue obligation with
--fail-on-overdue, or the log did not verify — the tamper alarm (report, complaint: the output is
still written and says so first); 2 bad input, the log could not be opened, or the key given is not
the log's key (yellow, never the tamper alarm); 3 (report,
complaint) the log could not be verified because its key was not supplied — not a tamper alarm.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import click

from status_guard.errors import AuditUnavailableError, RefusedError, StatusGuardError

from .options import (
    EXIT_CANNOT_VERIFY,
    Choice,
    audit_option,
    check_out_not_log,
    fail,
    format_for_out,
    format_option,
    hmac_key_option,
    load_key,
    load_public,
    out_option,
    person_key_option,
    policy_option,
    public_key_option,
    progress,
    render_rows,
    spec_path,
    style,
    suggest,
    write_out,
)

# Python parameter -> the flag a user typed (errors name flags, never parameters)
FLAGS = {"person_id": "--person-id", "person_ref": "--person-ref", "booking_id": "--booking", "case_ref": "--case",
         "amount": "--amount", "currency": "--currency", "disclosable": "--disclosable/--not-disclosable",
         "in_custody": "--in-custody/--not-in-custody", "hold_basis": "--hold-basis", "obligation_ref": "--obligation",
         "occurred_at": "--occurred-at", "department": "--department", "idempotency_key": "--idempotency-key",
         "person_key": "--person-key-file or STATUS_GUARD_PERSON_KEY_FILE", "event_type": "EVENT_TYPE", "target": "RECORD", "reason": "--reason",
         "changes": "the options to correct", "allow_duplicate": "--allow-duplicate",
         "allow_new_person_key": "--new-person-key"}


def _event_error(e: Exception) -> str:
    from status_guard.compliance.errors import EventError

    return e.render(FLAGS) if isinstance(e, EventError) else str(e)


def _policy(path: str | None) -> Any:
    from status_guard.policy import load_policy

    try:
        return load_policy(path)
    except StatusGuardError as e:
        fail(str(e))


def _snapshot(audit_spec: str, hmac_key_file: str | None, public_key: str | None) -> Any:
    from status_guard.compliance.source import take_snapshot

    hkey = load_key(hmac_key_file, "HMAC key", "--hmac-key-file")
    pub = load_public(public_key)
    path = spec_path(audit_spec)
    if path is not None and not path.exists():
        fail(f"--audit: no audit log at {path} (check the path, or set STATUS_GUARD_AUDIT)")
    try:
        with progress("Reading and verifying the audit log"):
            snap = take_snapshot(audit_spec, hmac_key=hkey, public_key=pub)
    except (StatusGuardError, ValueError, OSError) as e:
        fail(f"--audit: {e}")
    if snap.not_a_log is not None:  # a CSV export, a report, the witness's heads.jsonl: exit 2, never the alarm
        fail(f"--audit: {snap.not_a_log}")
    if snap.verification.count == 0 and not snap.verification.problems:
        fail("--audit: the audit log holds no records (wrong path or table?)")
    if not snap.records:  # nothing in it reads as an audit record: not a log (wrong file), not a damaged one
        fail(f"--audit: {spec_path(audit_spec) or audit_spec} is not a status-guard audit log: no record in it could be read (wrong file? "
             "check the path, or set STATUS_GUARD_AUDIT)")
    return snap


def _state_line(snap: Any) -> None:
    v = snap.view()
    colour = {"ok": "green", "warn": "yellow", "bad": "red"}[v.css]
    click.echo(style(f"{v.headline}.", err=True, fg=colour, bold=True) + f" {v.detail}", err=True)


def _end_with_verification(snap: Any) -> None:
    """Every command that shows figures from the log ends with what the check of the log found: the
    state line, and exit 1 (the tamper alarm) when the log did not verify. A log read without its key
    is yellow and exits 0 for a listing (report and complaint exit 3); with a key that is not the log's,
    yellow and exit 2 (w16e F04)."""
    _state_line(snap)
    if snap.view().state == "wrong_key":  # the key given is not this log's: a usage error (exit 2), not the alarm
        sys.exit(2)
    if snap.view().state == "failed":
        click.echo(style("error:", err=True, fg="red", bold=True) + " the audit log did not verify: the figures "
                   "above may have been altered; do not rely on them (run status-guard audit verify)", err=True)
        sys.exit(1)


def _sealed_bookings(records: Any) -> Any:
    for rec in records:
        ev = rec.get("event") if isinstance(rec, dict) else None
        if isinstance(ev, dict) and ev.get("booking_sealed"):
            yield ev["booking_sealed"]


def _warn_if_key_matches_none(key: bytes | None, records: Any) -> bool:
    """A person key that opens no booking in the log is said, never a silently empty booking column."""
    from status_guard.compliance.sealing import KEY_MISMATCH_WARNING, key_matches_none

    if key_matches_none(key, _sealed_bookings(records)):
        click.echo(style("warning:", err=True, fg="yellow", bold=True) + " " + KEY_MISMATCH_WARNING, err=True)
        return True
    return False


def _jurisdiction(policy: Any, guard: Any = None) -> Any:
    from status_guard.compliance.jurisdiction import jurisdiction_of

    try:
        return jurisdiction_of(policy, guard)
    except StatusGuardError as e:
        fail(str(e))


# -- events ------------------------------------------------------------------------------------------
@click.group("events")
def events() -> None:
    """Record, list and correct 2.129.060 events (detainers, holds, transfers, reimbursements, cooperation,
    040(g) notices). An event is never edited: `void` and `correct` append."""


def _type_choices() -> list[str]:
    from status_guard.compliance.events import RECORDABLE

    return [t.value for t in RECORDABLE]


def _reason_choices() -> list[str]:
    from status_guard.compliance.ledger import REASONS

    return list(REASONS)


def _default_hold_bases() -> list[str]:
    try:
        from status_guard.policy import load_policy

        f = load_policy(None).file
        return list(f.compliance.hold_bases) if f.compliance else []
    except Exception:  # noqa: BLE001 - help text only
        return []


def _hold_bases(values: tuple[str, ...], j: Any) -> list[str] | None:
    """Validate --hold-basis against the policy's vocabulary, with "did you mean"."""
    if not values:
        return None
    out = []
    for v in values:
        code = v.strip().lower().replace("-", "_").replace(" ", "_")
        if code not in j.hold_bases:
            # a form number (I-247, I-200) or a word of the meaning finds the code whose meaning names it
            token = v.strip().upper().replace(" ", "").replace("_", "-")
            by_meaning = [c for c, hb in j.hold_bases.items()
                          if token and re.search(rf"(?<![A-Z0-9-]){re.escape(token)}(?![0-9])", hb.label.upper())]
            hint = (" (did you mean " + " or ".join(f'"{c}"' for c in by_meaning[:2]) + "?)") if by_meaning \
                else suggest(code, j.hold_bases)
            fail(f"--hold-basis {v[:40]!r} is not one of the policy's hold bases{hint}; "
                 f"choose from: {', '.join(j.hold_bases)} (see `status-guard events vocabulary`)")
        out.append(code)
    return out


def _person_key(person_key_file: str | None) -> bytes | None:
    return load_key(person_key_file, "person-reference key", "--person-key-file")


def _recorder(audit_spec: str, policy_path: str | None, person_key_file: str | None, department: str | None,
              notice_due_hours: int = 24) -> tuple[Any, Any]:
    from status_guard import Guard
    from status_guard.audit import open_audit
    from status_guard.compliance.events import EventRecorder

    key = _person_key(person_key_file)
    try:
        log = open_audit(audit_spec)
    except (StatusGuardError, ValueError, OSError) as e:
        fail(f"--audit: {e}")
    guard = Guard(_policy(policy_path), audit=log)
    _jurisdiction(guard.policy, guard)  # a pack whose vocabulary disagrees with its 040(d) rule: refuse now
    return EventRecorder(guard, person_key=key, department=department,
                         notice_due=timedelta(hours=notice_due_hours), refuse_duplicates=True), log


def _run_recording(log: Any, fn: Any) -> dict[str, Any]:
    try:
        return fn()
    except RefusedError as e:
        click.echo(style("refused:", err=True, fg="red", bold=True) + f" {e}", err=True)
        click.echo("the refused attempt was recorded in the audit log, dated when it occurred", err=True)
        log.close()
        sys.exit(1)
    except AuditUnavailableError as e:
        log.close()
        fail(f"the audit log could not be written; nothing was recorded ({e})")
    except (StatusGuardError, ValueError) as e:
        log.close()
        fail(_event_error(e))


def _said(stored: dict[str, Any], j: Any, closed_by: int | None = None) -> None:
    ev = stored["event"]
    if stored.get("already_recorded"):
        later = stored.get("corrected_by")
        click.echo(f"already recorded: this {ev['type']} is seq {stored['seq']} ({ev['event_id']}), occurred "
                   f"{j.show(ev.get('occurred_at'))} — a retry with the same idempotency key; nothing new was "
                   "written or counted" + (f" (it was corrected by seq {later}; the report counts the corrected "
                                           "facts)" if later is not None else ""))
        return
    what = "withdrew" if ev["type"] == "void" else ("recorded correction of" if ev.get("corrects") else "recorded")
    click.echo(f"{what} {ev['type'] if ev['type'] != 'void' else 'record ' + str(ev.get('related_seq'))} as seq "
               f"{stored['seq']} ({ev['event_id']}), occurred {j.show(ev.get('occurred_at'))}")
    if ev.get("corrects") and ev["type"] != "void":
        click.echo(f"it replaces record {ev.get('related_seq')}; the report counts the corrected facts and lists "
                   "the correction")
    if "obligation_ref" in ev and ev["type"] not in ("notice_delivered", "void") and closed_by is not None:
        click.echo(f"2.129.040(g) obligation {ev['obligation_ref']} (due {j.show(ev['due_at'])}) stays closed by the "
                   f"notice recorded as seq {closed_by}")
    elif "obligation_ref" in ev and ev["type"] not in ("notice_delivered", "void"):
        click.echo(f"opened 2.129.040(g) obligation {ev['obligation_ref']} (due {j.show(ev['due_at'])}): give the "
                   "person a copy of the detainer or warrant, then record:\n"
                   f"    status-guard events add notice_delivered --obligation {ev['obligation_ref']} "
                   "--occurred-at \"WHEN IT WAS GIVEN\"")


def _closed_obligation(log: Any, stored: dict[str, Any]) -> Any:
    """The 040(g) obligation a just-recorded notice closed, read back from the log (None if it is not there)."""
    from status_guard.compliance.obligations import obligations_from

    ref = stored["event"].get("obligation_ref")
    try:
        obs, _ = obligations_from(log.records())
    except (StatusGuardError, ValueError, OSError):
        return None
    return next((o for o in obs if o.ref == ref and o.closed_seq == stored["seq"]), None)


def _said_notice(ob: Any, key: bytes | None, j: Any) -> None:
    """S07/F13: recording a notice says whether it was on time or late (and by how much), and which booking it
    closed — or, loudly, that the person key cannot re-identify it."""
    from status_guard.compliance.jurisdiction import duration_words, parse_stored
    from status_guard.compliance.sealing import NO_MATCH, booking_words

    closed = parse_stored(ob.closed_at or "")
    late = ob.lateness(closed) if closed is not None else None
    booking = booking_words(key, ob.booking_sealed)
    whose = f" (booking {booking})" if booking and booking != NO_MATCH else ""
    if late is not None:
        click.echo(style(f"closed obligation {ob.ref}{whose}: the copy was given LATE, by {duration_words(late)}",
                         fg="yellow", bold=True) + f" (due {j.show(ob.due_at)}, given {j.show(ob.closed_at)})")
    else:
        click.echo(f"closed obligation {ob.ref}{whose}: the copy was given on time (due {j.show(ob.due_at)}, "
                   f"given {j.show(ob.closed_at)})")
    if booking == NO_MATCH:
        click.echo(style("warning:", err=True, fg="yellow", bold=True) + " the notice was recorded for the person "
                   "the obligation names, but the person key given does not match the key the obligation was "
                   "recorded with, so its booking cannot be re-identified: check --person-key-file or "
                   "STATUS_GUARD_PERSON_KEY_FILE (docs/compliance.md step 2)", err=True)


@events.command("add")
@click.argument("event_type", metavar="EVENT_TYPE", type=Choice(_type_choices()))
@audit_option()
@policy_option
@click.option("--person-id", default=None, help="the police system's local id for the person (e.g. the booking "
              "number); stored only as a keyed HMAC and sealed under the person key. Never a name.")
@click.option("--person-ref", default=None, help="a ready person reference (64 hex, HMAC-SHA256)")
@click.option("--booking", "booking_id", default=None,
              help="the booking number, when it differs from --person-id (stored sealed under the person key)")
@person_key_option
@click.option("--case", "case_ref", default=None, help="case reference (letters, digits, ._/#-)")
@click.option("--amount", default=None, help="reimbursement amount, e.g. 1250.00")
@click.option("--currency", default="USD", show_default=True)
@click.option("--disclosable/--not-disclosable", default=None,
              help="ice_cooperation: can the investigation be publicly disclosed? (required)")
@click.option("--in-custody/--not-in-custody", default=None,
              help="detainer / administrative warrant: is the person in custody? (required; opens 040(g))")
@click.option("--hold-basis", multiple=True, metavar="CODE",
              help="detained_on_ice_hold: each basis of the hold (repeatable), one of: "
                   + ", ".join(_default_hold_bases()))
@click.option("--obligation", "obligation_ref", default=None,
              help="notice_delivered: the obligation it closes (the person is taken from the obligation)")
@click.option("--occurred-at", default=None, metavar="TIME",
              help="when it happened, with a time zone (required): '2026-03-01 14:00 America/New_York' or "
                   "2026-03-01T14:00-05:00; 'now' if it is happening this minute")
@click.option("--department", default=None, help="department recording the event")
@click.option("--idempotency-key", default=None,
              help="the police system's own id for this event: recording it twice yields the same event id, "
                   "counted once in the 060 report")
@click.option("--notice-due-hours", type=click.IntRange(1, 24 * 30), default=24, show_default=True,
              help="hours allowed for 040(g) notice before an obligation is overdue")
@click.option("--allow-duplicate", is_flag=True,
              help="record it even though an entry with the same type, time and details is already in the log "
                   "(it really happened twice)")
@click.option("--new-person-key", "allow_new_person_key", is_flag=True,
              help="record it although the person key opens none of the log's recent bookings (the city "
                   "deliberately started a new key; people recorded under both keys count twice in 060(b))")
def events_add(event_type: str, audit_spec: str, policy_path: str | None, person_id: str | None,
               person_ref: str | None, booking_id: str | None, person_key_file: str | None, case_ref: str | None,
               amount: str | None, currency: str, disclosable: bool | None, in_custody: bool | None,
               hold_basis: tuple[str, ...], obligation_ref: str | None, occurred_at: str | None,
               department: str | None, idempotency_key: str | None, notice_due_hours: int,
               allow_duplicate: bool, allow_new_person_key: bool) -> None:
    """Record one event. A hold whose only basis is a detainer or administrative warrant is refused
    (2.129.040(d)) and the refused attempt is recorded."""
    if occurred_at is None or not occurred_at.strip():
        # the time it occurred is never the time it was typed unless the officer says so (w16e F03): an entry
        # made after the fact must not be counted (or judged late) by when it was typed
        fail(f"--occurred-at is required: when did this {event_type} happen? Give the time with a time zone, e.g. "
             "--occurred-at \"2026-03-01 14:00 America/New_York\" (or --occurred-at now if it is happening this "
             "minute)")
    now_said = occurred_at.strip().casefold() == "now"
    if now_said:
        occurred_at = None
    rec, log = _recorder(audit_spec, policy_path, person_key_file, department, notice_due_hours)
    j = rec.jurisdiction
    bases = _hold_bases(hold_basis, j)
    stored = _run_recording(log, lambda: rec.record(
        event_type, person_id=person_id, person_ref=person_ref, booking_id=booking_id, case_ref=case_ref,
        amount=amount, currency=currency, disclosable=disclosable, in_custody=in_custody, hold_basis=bases,
        obligation_ref=obligation_ref, occurred_at=occurred_at, idempotency_key=idempotency_key,
        allow_duplicate=allow_duplicate, allow_new_person_key=allow_new_person_key))
    closed = _closed_obligation(log, stored) if stored["event"]["type"] == "notice_delivered" else None
    log.close()
    _said(stored, j)
    if now_said and not stored.get("already_recorded"):
        # --occurred-at now: say on screen which time that was, and how to fix it if it was not meant
        ev = stored["event"]
        click.echo(f"--occurred-at now: dated {j.show(ev.get('occurred_at'))} (this minute); if it happened at "
                   f"another time: status-guard events correct {stored['seq']} --reason wrong_time --occurred-at "
                   "\"WHEN IT HAPPENED\"")
    if closed is not None:
        _said_notice(closed, rec.person_key, j)
    elif stored["event"]["type"] == "notice_delivered":  # the log could not be read back: say what is certain
        click.echo(f"closed obligation {stored['event'].get('obligation_ref')} (run `status-guard obligations --all` "
                   "to see whether it was on time)")


@events.command("void")
@click.argument("target", metavar="RECORD")
@click.option("--reason", required=True, type=Choice(_reason_choices()), help="why the entry is withdrawn")
@audit_option()
@policy_option
@person_key_option
@click.option("--department", default=None, help="department recording the withdrawal")
def events_void(target: str, reason: str, audit_spec: str, policy_path: str | None, person_key_file: str | None,
                department: str | None) -> None:
    """Withdraw an event entered in error (RECORD: its seq or event id). Nothing is deleted: a `void`
    record is appended, and reports stop counting the event and list the withdrawal. Withdrawing a
    correction puts back the record it replaced (it counts again, as first recorded)."""
    from status_guard.compliance.ledger import ledger_of

    rec, log = _recorder(audit_spec, policy_path, person_key_file, department)
    stored = _run_recording(log, lambda: rec.void(target, reason=reason))
    try:
        restored = next((c.restored for c in ledger_of(log.records()).corrections
                         if c.seq == stored["seq"] and c.restored is not None), None)
    except (StatusGuardError, ValueError, OSError):
        restored = None
    log.close()
    _said(stored, rec.jurisdiction)
    if restored is not None:  # w16e F09: say what happened to the fact the correction had replaced
        click.echo(f"record {stored['event'].get('related_seq')} was a correction of record {restored.seq}: record "
                   f"{restored.seq} counts again, as it was first recorded. If the event did not happen at all, "
                   f"withdraw it too: status-guard events void {restored.seq} --reason {reason}")


@events.command("correct")
@click.argument("target", metavar="RECORD")
@click.option("--reason", required=True, type=Choice(_reason_choices()), help="what was wrong")
@audit_option()
@policy_option
@person_key_option
@click.option("--person-id", default=None, help="the right person (local id)")
@click.option("--booking", "booking_id", default=None, help="the right booking number")
@click.option("--case", "case_ref", default=None, help="the right case reference")
@click.option("--amount", default=None, help="the right amount")
@click.option("--currency", default=None)
@click.option("--disclosable/--not-disclosable", default=None)
@click.option("--in-custody/--not-in-custody", default=None)
@click.option("--hold-basis", multiple=True, metavar="CODE", help="the right hold basis (repeatable)")
@click.option("--occurred-at", default=None, metavar="TIME", help="the right time, with a time zone")
@click.option("--department", default=None, help="the right department")
@click.option("--new-person-key", "allow_new_person_key", is_flag=True,
              help="record it although the person key opens none of the log's recent bookings")
def events_correct(target: str, reason: str, audit_spec: str, policy_path: str | None, person_key_file: str | None,
                   person_id: str | None, booking_id: str | None, case_ref: str | None, amount: str | None,
                   currency: str | None, disclosable: bool | None, in_custody: bool | None,
                   hold_basis: tuple[str, ...], occurred_at: str | None, department: str | None,
                   allow_new_person_key: bool) -> None:
    """Correct an event (RECORD: its seq or event id): a new event of the same type replaces it; the
    original stays in the log. A corrected hold passes the 040(d) check again."""
    rec, log = _recorder(audit_spec, policy_path, person_key_file, None)
    bases = _hold_bases(hold_basis, rec.jurisdiction)
    before = _run_recording(log, lambda: rec.obligation_of(target))
    stored = _run_recording(log, lambda: rec.correct(
        target, reason=reason, person_id=person_id, booking_id=booking_id, case_ref=case_ref, amount=amount,
        currency=currency, disclosable=disclosable, in_custody=in_custody, hold_basis=bases,
        occurred_at=occurred_at, department=department, allow_new_person_key=allow_new_person_key))
    after = _run_recording(log, lambda: rec.obligation_of(stored["seq"])) if before is not None else None
    log.close()
    _said(stored, rec.jurisdiction, closed_by=after.closed_seq if after is not None else None)
    if before is not None:
        from status_guard.compliance.obligations import correction_effect

        for line in correction_effect(before, after, rec.jurisdiction.show):
            click.echo(style("note:", fg="yellow", bold=True) + f" {line}")


@events.command("vocabulary")
@policy_option
@format_option(default=None)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="write to this file instead of standard output (its extension must match --format, or chooses it)")
def events_vocabulary(policy_path: str | None, fmt: str | None, out: str | None) -> None:
    """The fixed lists events use: hold bases (040(d)) and correction reasons."""
    from status_guard.compliance.ledger import REASONS

    j = _jurisdiction(_policy(policy_path))
    rows = [{"list": "hold basis", "code": c, "meaning": hb.label,
             "alone": "refused (040(d))" if hb.immigration_only else "allowed"} for c, hb in j.hold_bases.items()]
    rows += [{"list": "reason", "code": c, "meaning": w, "alone": ""} for c, w in REASONS.items()]
    from .options import format_for_out

    fmt = format_for_out(fmt, out, ("table", "json", "jsonl", "csv"), "table")
    text = render_rows(rows, fmt, ["list", "code", "meaning", "alone"], {"alone": "as sole basis"})
    if out is not None:
        write_out(out, text.encode("utf-8"))
        click.echo(f"wrote {out} ({fmt}, {len(rows)} row(s))", err=True)
        return
    click.echo(text, nl=False)


def _to_second(logged_at: Any) -> Any:
    """The log's write time to the second (microseconds mean nothing to an officer or a spreadsheet: S4)."""
    from status_guard.compliance.jurisdiction import parse_stored

    dt = parse_stored(logged_at) if isinstance(logged_at, str) else None
    return dt.replace(microsecond=0) if dt is not None else logged_at


EVENT_COLUMNS = ["seq", "occurred", "what", "type", "status", "booking", "case", "amount", "disclosable", "hold_basis",
                 "obligation", "department", "corrects", "entered"]


@events.command("list")
@audit_option()
@policy_option
@person_key_option
@hmac_key_option
@public_key_option
@click.option("--from", "start", default=None, help="first day (YYYY-MM-DD, the jurisdiction's time zone)")
@click.option("--to", "end", default=None, help="last day, inclusive")
@click.option("--type", "etype", default=None, type=Choice(_type_choices()))
@click.option("--all", "show_all", is_flag=True, help="also list withdrawn and replaced entries")
@format_option(default=None, help="table (default): for people; json; jsonl; csv: for spreadsheets (default: from "
               "the --out extension)")
@out_option("write the listing to this file (e.g. events.csv) instead of the screen")
def events_list(audit_spec: str, policy_path: str | None, person_key_file: str | None, hmac_key_file: str | None,
                public_key: str | None, start: str | None, end: str | None, etype: str | None, show_all: bool,
                fmt: str | None, out: str | None) -> None:
    """List events by when they occurred, as corrected (no person references; the booking number is
    shown only with the person key). The log is verified first; exits 1 if it did not verify."""
    from status_guard.compliance.ledger import ledger_of
    from status_guard.compliance.money import money
    from status_guard.compliance.report import Period, ReportError
    from status_guard.compliance.sealing import booking_words
    from status_guard.compliance.wording import TYPE_WORDS

    if out:
        check_out_not_log(out, audit_spec)
    fmt = format_for_out(fmt, out, ("table", "json", "jsonl", "csv"), "table")
    j = _jurisdiction(_policy(policy_path))
    key = _person_key(person_key_file)
    try:
        period = Period.parse(start or "1970-01-01", end or j.today().isoformat(), j.tz, limit=False)
    except ReportError as e:
        fail(str(e))
    snap = _snapshot(audit_spec, hmac_key_file, public_key)
    ledger = ledger_of(snap.records)
    _warn_if_key_matches_none(key, snap.records)
    current = {r.seq for r in ledger.current}
    rows = []
    for row in sorted(ledger.all_events.values(), key=lambda r: (r.occurred or datetime.min.replace(tzinfo=timezone.utc), r.seq)):
        ev = row.event
        if etype and row.type != etype:
            continue
        if row.occurred is None or not period.contains(row.occurred):
            continue
        status = "current" if row.seq in current else (
            "withdrawal" if row.type == "void" else f"replaced by seq {ledger.superseded_by.get(row.event_id or '')}")
        if status != "current" and not show_all:
            continue
        # what happened in words, as the report and the dashboard say it (the code stays in `type` for programs)
        # people read the wall clock with its zone; a spreadsheet or program gets ISO 8601 with the offset (as obligations)
        shown = j.show if fmt == "table" else j.iso
        rows.append({"seq": row.seq, "occurred": shown(row.occurred), "what": TYPE_WORDS.get(row.type, row.type),
                     "type": row.type, "status": status,
                     "booking": booking_words(key, ev.get("booking_sealed")),
                     "case": ev.get("case_ref"),
                     "amount": money(ev["amount"], ev.get("currency") or "USD") if ev.get("amount") else None,
                     "disclosable": ev.get("disclosable"), "hold_basis": ev.get("hold_basis"),
                     "obligation": ev.get("obligation_ref"), "department": ev.get("department"),
                     "corrects": ev.get("related_seq") if ev.get("corrects") else None,
                     "entered": shown(_to_second(row.logged_at))})
        if fmt == "csv" and isinstance(rows[-1]["disclosable"], bool):  # a spreadsheet reads words, not Python (S4)
            rows[-1]["disclosable"] = "yes" if rows[-1]["disclosable"] else "no"
    cols = [c for c in EVENT_COLUMNS if c != "booking" or key]
    if fmt == "table":  # for a terminal: what happened, to which booking, and the details in one column
        for row in rows:
            row["details"] = "; ".join(str(x) for x in (
                row["case"], row["amount"], {True: "disclosable", False: "not disclosable"}.get(row["disclosable"]),
                "basis: " + "; ".join(j.hold_bases[b].label if b in j.hold_bases else str(b) for b in row["hold_basis"])
                if row["hold_basis"] else None,
                f"040(g) {row['obligation']}" if row["obligation"] else None,
                f"corrects record {row['corrects']}" if row["corrects"] is not None else None,
                None if row["status"] == "current" else row["status"]) if x)
        cols = ["seq", "occurred", "what"] + (["booking"] if key else []) + ["details"]
    rows = [{c: row.get(c) for c in cols} for row in rows]
    text = render_rows(rows, fmt, cols, {"what": "what happened"}, empty="no events")
    if out:
        write_out(out, text.encode("utf-8"))
        click.echo(f"wrote {out} ({fmt}, {len(rows)} event(s))", err=True)
    else:
        click.echo(text, nl=False)
    if fmt == "table":
        click.echo(f"{len(rows)} event(s), {period.label()} ({j.tz_name})", err=True)
    _end_with_verification(snap)


# -- obligations -------------------------------------------------------------------------------------
OBLIGATION_COLUMNS = ["status", "late_by", "ref", "booking", "opened_by", "opened", "due", "closed", "department",
                      "seq"]


@click.command("obligations")
@audit_option()
@policy_option
@person_key_option
@hmac_key_option
@public_key_option
@click.option("--all", "show_all", is_flag=True, help="include closed obligations (on time and late)")
@click.option("--now", "now_s", default=None, metavar="TIME", help="evaluate overdue at this time (default: now)")
@format_option(default=None, help="table (default): for people; json; jsonl; csv: for spreadsheets (default: from "
               "the --out extension)")
@out_option("write the listing to this file (e.g. notices.csv) instead of the screen")
@click.option("--fail-on-overdue", is_flag=True, help="exit 1 when any obligation is overdue (for monitoring)")
def obligations(audit_spec: str, policy_path: str | None, person_key_file: str | None, hmac_key_file: str | None,
                public_key: str | None, show_all: bool, now_s: str | None, fmt: str | None, out: str | None,
                fail_on_overdue: bool) -> None:
    """2.129.040(g) notice obligations: open and overdue first; closed late ones say by how much. With the
    person key, the booking each obligation belongs to."""
    from status_guard.compliance.events import parse_when
    from status_guard.compliance.jurisdiction import duration_words
    from status_guard.compliance.obligations import STATUS_WORDS, pending
    from status_guard.compliance.sealing import booking_words

    if out:
        check_out_not_log(out, audit_spec)
    fmt = format_for_out(fmt, out, ("table", "json", "jsonl", "csv"), "table")
    j = _jurisdiction(_policy(policy_path))
    key = _person_key(person_key_file)
    try:
        now = parse_when(now_s) if now_s else datetime.now(timezone.utc)
    except StatusGuardError as e:
        fail(_event_error(e).replace("occurred_at", "--now").replace("--occurred-at", "--now"))
    snap = _snapshot(audit_spec, hmac_key_file, public_key)
    rows = pending(snap.records, now, include_closed=show_all)
    _warn_if_key_matches_none(key, snap.records)
    listing = []
    for o, status in rows:
        late = o.lateness(now)
        d = o.as_dict(now)
        listing.append({"status": STATUS_WORDS[status] if fmt == "table" else status,
                    "late_by": duration_words(late) if late is not None else None,
                    "late_by_seconds": d["late_by_seconds"], "ref": o.ref,
                    "booking": booking_words(key, o.booking_sealed),
                    "opened_by": o.opened_by.replace("_", " ") if fmt == "table" else o.opened_by,
                    # people read the wall clock with its zone; a spreadsheet or program gets ISO 8601 with the
                    # zone's offset (the same instant as the log's UTC)
                    "opened": j.show(o.opened_at) if fmt == "table" else j.iso(o.opened_at),
                    "due": j.show(o.due_at) if fmt == "table" else j.iso(o.due_at),
                    "closed": j.show(o.closed_at) if fmt == "table" else j.iso(o.closed_at),
                    "department": o.department, "seq": o.opened_seq, "closed_seq": o.closed_seq})
    cols = [c for c in OBLIGATION_COLUMNS if c != "booking" or key]
    if fmt == "table":
        cols = [c for c in cols if c not in ("opened", "department", "seq")]
    if fmt != "table":
        cols += ["late_by_seconds", "closed_seq"]
        listing = [{c: row.get(c) for c in cols} for row in listing]
    text = render_rows(listing, fmt, cols, {"late_by": "late by", "opened_by": "opened by", "ref": "obligation"},
                       empty="no open 2.129.040(g) obligations" if not show_all else "no 2.129.040(g) obligations")
    if fmt == "table" and not out:
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("overdue") or line.startswith("closed late"):
                lines[i] = style(line, fg="red" if line.startswith("overdue") else "yellow")
        text = "\n".join(lines) + "\n"
    if out:
        write_out(out, text.encode("utf-8"))
        click.echo(f"wrote {out} ({fmt}, {len(listing)} obligation(s))", err=True)
    else:
        click.echo(text, nl=False)
    _end_with_verification(snap)
    if fail_on_overdue and any(s == "overdue" for _, s in rows):
        sys.exit(1)


# -- report ------------------------------------------------------------------------------------------
REPORT_FORMATS = ("html", "pdf", "md", "csv", "json")


@click.group("report")
def report() -> None:
    """Reports computed from the verified audit log."""


@report.command("semiannual")
@audit_option()
@policy_option
@hmac_key_option
@click.option("--public-key", envvar="STATUS_GUARD_AUDIT_PUBLIC_KEY_FILE", type=click.Path(dir_okay=False),
              default=None, help="Ed25519 public key (PEM) for the log's signed checkpoints "
                                 "(default: $STATUS_GUARD_AUDIT_PUBLIC_KEY_FILE)")
@click.option("--from", "start", required=True, help="first day of the period (YYYY-MM-DD, the jurisdiction's "
              "time zone)")
@click.option("--to", "end", required=True, help="last day of the period (YYYY-MM-DD, inclusive)")
@format_option(REPORT_FORMATS, default=None, help="pdf (accessible, tagged), html, md, csv or json "
               "(default: from the --out extension, else md)")
@out_option("output file (default: standard output; pdf needs --out)")
def semiannual(audit_spec: str, policy_path: str | None, hmac_key_file: str | None, public_key: str | None,
               start: str, end: str, fmt: str | None, out: str | None) -> None:
    """The 2.129.060 report: a memo to the City Clerk with the figures, a section per clause with charts
    and monthly tables, 040(g) notices, refusals, corrections, and the verification in an appendix.
    Exits 1 if the log does not verify (the report is still written, and says so on its first page), 3 if it
    could not be verified because the key was not supplied."""
    from status_guard.compliance.render import render
    from status_guard.compliance.report import Period, ReportError, report_for

    if out:
        check_out_not_log(out, audit_spec)
    fmt = format_for_out(fmt, out, REPORT_FORMATS, "md")
    if fmt == "pdf" and out is None:
        fail("--format pdf needs --out FILE.pdf")
    policy = _policy(policy_path)
    j = _jurisdiction(policy)
    try:
        period = Period.parse(start, end, j.tz)
    except ReportError as e:
        fail(str(e))
    snap = _snapshot(audit_spec, hmac_key_file, public_key)
    try:
        with progress(f"Computing and rendering the report ({fmt})"):
            rep = report_for(snap, period, policy)
            data = render(rep, fmt)
    except (StatusGuardError, ReportError, ValueError, RuntimeError) as e:
        fail(str(e))
    if out:
        write_out(out, data)
        click.echo(f"wrote {out} ({fmt}, {len(data)} bytes)", err=True)
    else:
        click.echo(data.decode("utf-8"), nl=False)
    from status_guard.compliance.wording import unfinished

    if unfinished(rep):  # a half-year still running: say so where the officer looks, as the report does (F20)
        click.echo(style("not final:", err=True, fg="yellow", bold=True) + " " + (unfinished(rep) or ""), err=True)
    _state_line(snap)
    v = rep.verification
    if v is not None and v.state == "wrong_key":  # a usage error (exit 2), never the tamper alarm (w16e F04)
        click.echo(style("cannot verify:", err=True, fg="yellow", bold=True) + " the report was written, but the "
                   f"key given is not this log's key; give the log's own key ({', '.join(v.supply)})", err=True)
        sys.exit(2)
    if not rep.verified or (v is not None and v.state == "key_missing"):
        if v is not None and v.state == "key_missing":
            click.echo(style("cannot verify:", err=True, fg="yellow", bold=True) + " the report was written, but the "
                       f"audit log could not be verified without its key; give {', '.join(v.supply)}", err=True)
            sys.exit(EXIT_CANNOT_VERIFY)
        else:
            click.echo(style("error:", err=True, fg="red", bold=True) + f" the audit log did not verify "
                       f"({len(rep.verification_problems)} problem(s)); the report says so on its first page", err=True)
        sys.exit(1)


# -- complaint ---------------------------------------------------------------------------------------
@click.group("complaint")
def complaint() -> None:
    """2.129.050 complaint packets."""


@complaint.command("draft")
@audit_option()
@policy_option
@hmac_key_option
@click.option("--public-key", envvar="STATUS_GUARD_AUDIT_PUBLIC_KEY_FILE", type=click.Path(dir_okay=False),
              default=None, help="Ed25519 public key (PEM) for the log's signed checkpoints")
@click.option("--record", "record_id", required=True, help="the audit record: sequence number or request id")
@click.option("--allegation", default=None, metavar="TEXT",
              help="what happened, in your own words; goes into the packet only, never into the audit log")
@click.option("--allegation-file", type=click.Path(dir_okay=False, exists=True), default=None,
              help="the allegation from a text file (UTF-8), instead of --allegation")
@format_option(("md", "html", "json"), default=None, help="md, html or json (default: from --out, else md)")
@out_option()
def complaint_draft(audit_spec: str, policy_path: str | None, hmac_key_file: str | None, public_key: str | None,
                    record_id: str, allegation: str | None, allegation_file: str | None, fmt: str | None,
                    out: str | None) -> None:
    """Draft a packet: recipients (City Manager's Office plus the police or schools office named by the
    policy), the cited rule, the incident time (in the jurisdiction's time zone), the records in words,
    and the allegation (--allegation) — with no protected values. Drafting writes nothing to the audit log.
    Exit codes: 0; 1 the log did not verify (the packet says so); 2 bad input; 3 the log could not be
    verified because its key was not supplied."""
    from status_guard.compliance.complaints import ComplaintError, draft_complaint, packet_html, packet_json, \
        packet_markdown

    if out:
        check_out_not_log(out, audit_spec)
    if allegation is not None and allegation_file is not None:
        fail("give the allegation with --allegation or --allegation-file, not both")
    if allegation_file is not None:
        try:
            allegation = Path(allegation_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            fail(f"--allegation-file: cannot read {allegation_file} as UTF-8 text ({e.__class__.__name__})")
    fmt = format_for_out(fmt, out, ("md", "html", "json"), "md")
    snap = _snapshot(audit_spec, hmac_key_file, public_key)
    policy = _policy(policy_path)
    j = _jurisdiction(policy)
    try:
        packet = draft_complaint(snap, record_id, policy, allegation=allegation)
    except ComplaintError as e:
        fail(f"{'--allegation' if 'allegation' in str(e) else '--record'}: {e}")
    except (StatusGuardError, ValueError) as e:
        fail(f"--record: {e}")
    text = {"json": packet_json, "md": lambda p: packet_markdown(p, j), "html": lambda p: packet_html(p, j)}[fmt](packet)
    if out:
        write_out(out, (text + "\n").encode("utf-8"))
        click.echo(f"wrote {out}; send it to: " + "; ".join(packet.recipients), err=True)
    else:
        click.echo(text)
    _state_line(snap)
    if packet.log_state == "key_missing":
        click.echo(style("cannot verify:", err=True, fg="yellow", bold=True) + " the audit log could not be "
                   f"verified without its key; give {', '.join(snap.view().supply)}", err=True)
        sys.exit(EXIT_CANNOT_VERIFY)
    if packet.log_state == "wrong_key":
        click.echo(style("cannot verify:", err=True, fg="yellow", bold=True) + " the key given is not this log's "
                   f"key; give the log's own key ({', '.join(snap.view().supply)})", err=True)
        sys.exit(2)
    if packet.log_state == "failed":
        click.echo(style("warning:", err=True, fg="red", bold=True) + " the audit log did not verify; the packet says "
                   "so", err=True)
        sys.exit(1)


# -- dashboard ---------------------------------------------------------------------------------------
@click.command("dashboard")
@audit_option()
@policy_option
@hmac_key_option
@click.option("--public-key", envvar="STATUS_GUARD_AUDIT_PUBLIC_KEY_FILE", type=click.Path(dir_okay=False),
              default=None, help="Ed25519 public key (PEM) for the log's signed checkpoints "
                                 "(default: $STATUS_GUARD_AUDIT_PUBLIC_KEY_FILE)")
@person_key_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8750, show_default=True)
@click.option("--password-file", type=click.Path(dir_okay=False, exists=True), default=None,
              help="file holding the login password (required when --host is not a loopback address)")
def dashboard(audit_spec: str, policy_path: str | None, hmac_key_file: str | None, public_key: str | None,
              person_key_file: str | None, host: str, port: int, password_file: str | None) -> None:
    """Serve the compliance dashboard (overview, events, log, 040(g) obligations, the 060 report)."""
    try:
        import uvicorn

        from status_guard.compliance.dashboard.app import DashboardConfig, create_app, is_loopback
    except ImportError as e:
        fail(f"the dashboard needs the 'dashboard' extra (pip install 'status_guard[dashboard]'): {e.name}")
    password = None
    if password_file:
        password = Path(password_file).read_text(encoding="utf-8").strip()
        if len(password) < 12:
            fail("--password-file: the password must be at least 12 characters")
    if not is_loopback(host) and password is None:
        fail(f"refusing to serve on {host}, which is reachable beyond this machine, without a login: "
             "give --password-file")
    path = spec_path(audit_spec)
    if path is not None and not path.exists():
        fail(f"--audit: no audit log at {path} (check the path, or set STATUS_GUARD_AUDIT)")
    if path is not None and path.is_file() and path.stat().st_size:
        from status_guard.audit.sniff import describe, holds_record_shaped_line

        if not holds_record_shaped_line(str(path)):  # the wrong file: exit 2 before serving, never the alarm (F03)
            fail(f"--audit: {describe(str(path), audit_spec)}")
    try:
        app = create_app(DashboardConfig(
            audit_spec=audit_spec, policy_path=policy_path,
            hmac_key=load_key(hmac_key_file, "HMAC key", "--hmac-key-file"), public_key=load_public(public_key),
            person_key=_person_key(person_key_file), password=password))
    except (StatusGuardError, ValueError, OSError) as e:
        fail(str(e))

    def checked(snap: Any, error: BaseException | None) -> None:
        if error is not None:
            click.echo(style("error:", err=True, fg="red", bold=True) + f" the audit log could not be read: {error}",
                       err=True)
        elif snap is not None:
            _state_line(snap)

    # listen at once; the log is verified in the background, and until then every page says it is being checked
    # (no figure is shown from a log not yet verified)
    app.state.warm_in_background(checked)
    click.echo(f"status_guard dashboard on http://{host}:{port}/" + (" (login required)" if password else "")
               + " — checking the audit log first (pages show their figures when it is done); stop it with Ctrl+C",
               err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
