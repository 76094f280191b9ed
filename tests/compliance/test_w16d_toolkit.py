"""w16d: the compliance officer's toolkit (issue 16), the classes review w16d found open.

* 2.129.060(b): one booking is one individual — a person key that opens none of the log's bookings is
  refused at write time (F01, F10), never silently a second person;
* retries (Idempotency-Key): a retry whose details differ from the stored entry is refused, naming both
  times (F12) — the caller is never told a fact that was not stored;
* 2.129.040(g): correcting a detainer's time keeps its notice counted, and says how lateness changed (F18);
* verification: a signed log read without its public key is "cannot verify (key not supplied)" even when
  a witness matches (F02); a file that is not an audit log is a plain "not an audit log" (F03, F19);
* a report for a period that has not ended says NOT FINAL (F20).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard
from status_guard.audit import open_audit
from status_guard.compliance import EventError, EventRecorder, take_snapshot
from status_guard.compliance.events import IdempotencyConflictError, PersonKeyMismatchError, retry_differences
from status_guard.compliance.obligations import correction_effect, obligations_from
from status_guard.compliance.report import Period, report_for

T0 = "2026-03-02 14:00 America/New_York"
H1 = Period.parse("2026-01-01", "2026-06-30")
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))


def _recorder(path: Any, policy: Any, key: bytes) -> tuple[EventRecorder, Any]:
    log = open_audit(f"jsonl:{path}", fsync="never")
    return EventRecorder(Guard(policy, audit=log), person_key=key, department="Police Department"), log


# -- F01 / F10: one booking, one person (2.129.060(b)) ------------------------------------------------
def test_a_person_key_that_opens_no_booking_in_the_log_is_refused_060b(tmp_path, policy):
    """2.129.060(b): a second key would make one booking two individuals; the write is refused, loudly."""
    rec_a, log = _recorder(tmp_path / "a.jsonl", policy, secrets.token_bytes(32))
    rec_a.record("detained_on_ice_hold", person_id="BK-300", hold_basis=["criminal_warrant"], occurred_at=T0)
    rec_b = EventRecorder(rec_a.guard, person_key=secrets.token_bytes(32), department="Police Department")
    with pytest.raises(PersonKeyMismatchError) as e:
        rec_b.record("detained_on_ice_hold", person_id="BK-300", hold_basis=["court_order"],
                     occurred_at="2026-03-03 14:00 America/New_York")
    assert "counted as another individual" in e.value.render({"person_key": "--person-key-file"})
    r = report_for(take_snapshot(log), H1, policy)
    assert r.detained_individuals == 1
    # the deliberate new key is possible, and said
    # (w16e F02: a new key starts with a new half-year, where it cannot split a booking in one 060(b) figure)
    rec_b.record("detained_on_ice_hold", person_id="BK-301", hold_basis=["court_order"],
                 occurred_at="2026-07-03 14:00 America/New_York", allow_new_person_key=True)
    log.close()


@SETTINGS
@given(n=st.integers(1, 6), booking=st.text("ABCDEFGHJK0123456789-", min_size=1, max_size=12))
def test_the_same_key_is_never_refused_as_another_key_060b(tmp_path_factory, policy, n, booking):
    """Look-alike: the right key, any booking (new or old), never trips the key check."""
    key = secrets.token_bytes(32)
    rec, log = _recorder(tmp_path_factory.mktemp("k") / "a.jsonl", policy, key)
    for i in range(n):
        rec.record("notification_request", person_id=f"BK-{i}", occurred_at=T0)
    rec.record("notification_request", person_id=booking, occurred_at="2026-03-03 14:00 America/New_York")
    log.close()


def test_a_notice_with_the_wrong_key_blames_the_key_not_the_person_040g(tmp_path, policy):
    """2.129.040(g) (w16d F10): the right booking with the wrong key is a key problem, never "another person"."""
    rec, log = _recorder(tmp_path / "a.jsonl", policy, secrets.token_bytes(32))
    ob = rec.record("detainer_request", person_id="BK-300", in_custody=True, occurred_at=T0)["event"]["obligation_ref"]
    other = EventRecorder(rec.guard, person_key=secrets.token_bytes(32))
    with pytest.raises(EventError) as e:
        other.record("notice_delivered", obligation_ref=ob, person_id="BK-300",
                     occurred_at="2026-03-03 09:00 America/New_York")
    assert e.value.param == "person_key" and "different person" not in str(e.value)
    log.close()


# -- F12: a retry must repeat the stored entry -----------------------------------------------------------
@SETTINGS
@given(minutes=st.integers(1, 60 * 24 * 20), kind=st.sampled_from(["detainer_request", "notification_request"]))
def test_a_retry_with_another_time_is_refused_naming_both_times_060(tmp_path_factory, policy, minutes, kind):
    """2.129.060: the figures count the stored entry; a retry under its key with another time is refused."""
    rec, log = _recorder(tmp_path_factory.mktemp("r") / "a.jsonl", policy, secrets.token_bytes(32))
    kw: dict[str, Any] = {"person_id": "BK-1", "idempotency_key": "POL-2026-000077"}
    if kind == "detainer_request":
        kw["in_custody"] = True
    first = datetime(2026, 3, 2, 19, 0, tzinfo=timezone.utc)
    rec.record(kind, occurred_at=first.isoformat(), **kw)
    with pytest.raises(IdempotencyConflictError) as e:
        rec.record(kind, occurred_at=(first + timedelta(minutes=minutes)).isoformat(), **kw)
    msg = str(e.value)
    assert "2026-03-02 14:00 EST" in msg and "in the stored entry" in msg
    # the same retry, repeated exactly, is still fine (counted once)
    rec.record(kind, occurred_at=first.isoformat(), **kw)
    assert report_for(take_snapshot(log), H1, policy).lodged[kind] == 1
    log.close()


def test_a_retry_without_a_time_or_person_is_the_same_entry():
    """Look-alike: a retry that leaves the time out (dated when sent) or the person out is not a conflict."""
    old = {"type": "notice_delivered", "occurred_at": "2026-03-02T19:00:00Z", "person_ref": "a" * 64,
           "obligation_ref": "obl0123456789abcdef", "event_id": "evt1"}
    new = {"type": "notice_delivered", "occurred_at": "2026-03-09T19:00:00Z", "obligation_ref": "obl0123456789abcdef",
           "event_id": "evt1"}
    assert retry_differences(old, new, time_given=False) == []
    assert retry_differences(old, new, time_given=True) == ["occurred_at"]
    assert retry_differences(old, {**new, "occurred_at": "2026-03-02T14:00:00-05:00"}) == []


# -- F18: a correction appends, never silently un-counts ------------------------------------------------
@SETTINGS
@given(shift_h=st.integers(-72, 24 * 10))
def test_correcting_a_detainer_time_keeps_its_notice_counted_040g(tmp_path_factory, policy, shift_h):
    """2.129.040(g): the notice given stays counted whatever time the detainer is corrected to, and the
    correction says how its lateness changed."""
    rec, log = _recorder(tmp_path_factory.mktemp("c") / "a.jsonl", policy, secrets.token_bytes(32))
    d = rec.record("detainer_request", person_id="BK-1", in_custody=True, occurred_at=T0)
    rec.record("notice_delivered", obligation_ref=d["event"]["obligation_ref"],
               occurred_at="2026-03-03 09:00 America/New_York")
    before = rec.obligation_of(d["seq"])
    new_time = datetime(2026, 3, 2, 19, tzinfo=timezone.utc) + timedelta(hours=shift_h)
    if shift_h == 0:
        return
    c = rec.correct(d["seq"], reason="wrong_time", occurred_at=new_time.isoformat())
    after = rec.obligation_of(c["seq"])
    assert after is not None and after.closed_seq == before.closed_seq
    obs, orphans = obligations_from(take_snapshot(log).records)
    assert not orphans
    r = report_for(take_snapshot(log), H1, policy)
    assert r.notices is not None and all(x.given for x in r.notices.rows)
    said = " ".join(correction_effect(before, after, str))
    assert f"seq {before.closed_seq}" in said and "still closes" in said
    log.close()


def test_a_notice_written_after_its_detainer_but_dated_before_it_stays_an_orphan_040g():
    """Look-alike kept: a notice *written* (by other software) after its detainer and dated before it closes
    nothing — only a correction that moved the detainer keeps an earlier-written notice counted."""
    rows = [{"kind": "event", "seq": 1, "time": "2026-03-05T00:00:00Z",
             "event": {"type": "detainer_request", "event_id": "e1", "obligation_ref": "obl0000000000000001",
                       "occurred_at": "2026-03-04T19:00:00Z", "due_at": "2026-03-05T19:00:00Z"}},
            {"kind": "event", "seq": 2, "time": "2026-03-05T00:01:00Z",
             "event": {"type": "notice_delivered", "event_id": "e2", "obligation_ref": "obl0000000000000001",
                       "occurred_at": "2026-03-03T19:00:00Z"}}]
    obs, orphans = obligations_from(rows)
    assert obs[0].closed_seq is None and len(orphans) == 1


# -- F02: a signed log without its public key is never green -------------------------------------------
def test_a_signed_log_without_its_public_key_cannot_be_verified_even_with_a_witness(tmp_path):
    """Issue 16 item 5 (w16d F02): "cannot verify (key not supplied)", yellow, whatever the witness holds."""
    from status_guard.audit.keys import write_signing_keypair
    from status_guard.audit.verify import witness_entries
    from status_guard.compliance.verification import view_of

    sk, pub = tmp_path / "s.pem", tmp_path / "s.pem.pub"
    write_signing_keypair(str(sk), str(pub))
    witness = f"dir:{tmp_path / 'witness'}"
    path = tmp_path / "a.jsonl"
    ev = {"kind": "event", "event": {"type": "notification_request", "event_id": "evt0000000000000001",
                                     "occurred_at": "2026-02-01T12:00:00Z", "citation": "2.129.060(a)"}}
    with open_audit(f"jsonl:{path}", signing_key=str(sk), witness=witness, fsync="never") as log:
        log.append(ev)
    with open_audit(f"jsonl:{path}", signing_key=str(sk), fsync="never") as log:  # not witnessed
        log.append({**ev, "event": {**ev["event"], "event_id": "evt0000000000000002"}})
    snap = take_snapshot(f"jsonl:{path}", witness=witness_entries(witness))
    assert snap.verification.witness_heads_matched > 0 and snap.verification.ok
    v = view_of(snap.verification)
    assert v.state == "key_missing" and v.css == "warn" and not v.alarm
    # with the key: green
    from status_guard.audit.keys import load_public_key

    snap = take_snapshot(f"jsonl:{path}", witness=witness_entries(witness), public_key=load_public_key(str(pub)))
    assert view_of(snap.verification).state == "verified"


# -- F03 / F19: the wrong file is not the alarm ------------------------------------------------------------
@pytest.mark.parametrize("content", [
    "seq,occurred,time\n13,2026-04-21T08:00:00-04:00,2026-12-02T07:43:12Z\n",
    '{"type":"status_guard.tree_head","sth":{"size":3}}\n{"type":"status_guard.tree_head","sth":{"size":4}}\n',
    "# Welcoming Community Ordinance report\n\nFigures\n",
])
def test_a_file_that_is_not_an_audit_log_is_not_the_tamper_alarm(tmp_path, content):
    path = tmp_path / "x.jsonl"
    path.write_text(content)
    snap = take_snapshot(f"jsonl:{path}", witness=None)
    assert snap.not_a_log is not None and "is not a status-guard audit log" in snap.not_a_log
    v = snap.view()
    assert v.state == "not_a_log" and not v.alarm and v.css == "warn"


def test_a_damaged_genuine_log_stays_the_alarm(tmp_path, audit_log, log_path):
    """Look-alike kept: one record-shaped line makes it a log, and its damage is the red alarm."""
    audit_log.append({"kind": "event", "adapter": "event", "event": {"type": "notification_request",
                                                                     "event_id": "e1"}})
    audit_log.close()
    lines = log_path.read_text().splitlines(keepends=True)
    log_path.write_text(lines[0].replace('"seq":0', '"seq":7') + "".join(lines[1:]))
    snap = take_snapshot(f"jsonl:{log_path}", witness=None)
    assert snap.not_a_log is None and snap.view().state == "failed"


# -- F20: an unfinished period is not final ----------------------------------------------------------------
def test_a_report_for_a_period_still_running_says_not_final_060(tmp_path, audit_log, guard, recorder):
    """2.129.060: the semiannual report covers a whole half-year; one made before its end says so."""
    from status_guard.compliance.render import to_markdown
    from status_guard.compliance.wording import intro, unfinished

    recorder.record("notification_request", person_id="BK-1", occurred_at=T0)
    today = datetime.now(timezone.utc).date()
    running = Period.parse(today.replace(day=1).isoformat(), (today + timedelta(days=40)).isoformat())
    r = report_for(take_snapshot(audit_log), running, guard.policy)
    assert unfinished(r) and "NOT FINAL" in intro(r) and "NOT FINAL" in to_markdown(r)
    ended = report_for(take_snapshot(audit_log), H1, guard.policy)
    assert unfinished(ended) is None and "NOT FINAL" not in to_markdown(ended)
