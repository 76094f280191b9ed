"""A mistaken entry is corrected by appending, never by editing — and the 2.129.060 report counts the facts as
corrected, and lists every correction.

Invariants:
* ``void`` and ``correct`` append; every earlier record keeps its bytes and the log still verifies;
* the report of a log with corrections equals the report of a log where only the final, corrected facts were
  ever entered (hypothesis generates the entries and the corrections);
* each correction appears in the report's list, with what changed (names only) and why (a fixed reason);
* an event cannot be corrected twice in parallel branches: the second correction of the same entry is refused
  (correct the correction instead); a forged one changes nothing and is reported as a conflict.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.compliance import EventError, take_snapshot
from status_guard.compliance.report import Period, report_for

T0 = datetime(2026, 2, 2, 15, tzinfo=timezone.utc)
H1 = Period.parse("2026-01-01", "2026-06-30")


def _figures(r: Any) -> tuple[Any, ...]:
    return (dict(r.lodged), r.detained_individuals, r.transferred_individuals,
            tuple((c.case_ref, c.total, c.payments) for c in r.reimbursements), r.cooperation_investigations,
            r.cooperation_withheld, r.notices.opened if r.notices else None)


def test_void_appends_and_the_report_stops_counting_the_event(recorder, audit_log, guard):
    stored = recorder.record("notification_request", person_id="BK-1", occurred_at=T0)
    bytes_before = list(audit_log.raw_lines())
    recorder.void(stored["event"]["event_id"], reason="entered_in_error")
    after = list(audit_log.raw_lines())
    assert after[:len(bytes_before)] == bytes_before
    assert audit_log.verify(allow_open_tail=True).ok
    r = report_for(take_snapshot(audit_log), H1, guard.policy)
    assert r.lodged["notification_request"] == 0
    assert [(c.action, c.target_seq, c.reason) for c in r.corrections] == \
        [("withdrawn", stored["seq"], "entered in error (it did not happen)")]


def test_correct_replaces_the_facts_and_lists_what_changed(recorder, audit_log, guard):
    stored = recorder.record("federal_reimbursement", case_ref="CPD-1", amount="100.00", occurred_at=T0)
    recorder.correct(stored["seq"], reason="wrong_details", amount="1000.00")
    r = report_for(take_snapshot(audit_log), H1, guard.policy)
    assert r.reimbursement_totals == {"USD": 1000}
    (c,) = r.corrections
    assert c.action == "corrected" and c.changed == ("amount",) and c.reason.startswith("wrong case, amount")
    md = __import__("status_guard.compliance.render", fromlist=["to_markdown"]).to_markdown(r)
    assert "| corrected |" in md and "amount" in md


def test_a_correction_moving_an_event_out_of_the_period_moves_its_count(recorder, audit_log, guard):
    stored = recorder.record("detainer_request", person_id="BK-1", in_custody=False, occurred_at=T0)
    recorder.correct(stored["seq"], reason="wrong_time", occurred_at="2025-12-30T15:00:00Z")
    snap = take_snapshot(audit_log)
    assert report_for(snap, H1, guard.policy).lodged_total == 0
    assert report_for(snap, Period.parse("2025-07-01", "2025-12-31"), guard.policy).lodged_total == 1
    assert len(report_for(snap, H1, guard.policy).corrections) == 1  # listed where it used to count


def test_a_corrected_hold_passes_the_040d_check_again(recorder, audit_log):
    from status_guard.errors import RefusedError

    stored = recorder.record("detained_on_ice_hold", person_id="BK-1", hold_basis=["criminal_warrant", "ice_detainer"],
                             occurred_at=T0)
    with pytest.raises(RefusedError):
        recorder.correct(stored["seq"], reason="wrong_hold_basis", hold_basis=["ice_detainer"])
    assert not any(r.get("event", {}).get("corrects") for r in audit_log.records() if r.get("kind") == "event")


def test_the_same_entry_cannot_be_corrected_twice(recorder):
    stored = recorder.record("notification_request", person_id="BK-1", occurred_at=T0)
    fixed = recorder.correct(stored["seq"], reason="wrong_time", occurred_at=T0 + timedelta(hours=1))
    with pytest.raises(EventError, match="already voided or corrected"):
        recorder.void(stored["seq"], reason="entered_in_error")
    recorder.void(fixed["seq"], reason="entered_in_error")  # the correction itself can be withdrawn


def test_a_correction_needs_a_fixed_reason_and_a_change(recorder):
    stored = recorder.record("notification_request", person_id="BK-1", occurred_at=T0)
    with pytest.raises(EventError) as e:
        recorder.correct(stored["seq"], reason="the officer said so", occurred_at=T0 + timedelta(hours=1))
    assert e.value.param == "reason"
    with pytest.raises(EventError, match="nothing"):
        recorder.correct(stored["seq"], reason="wrong_time")
    with pytest.raises(EventError, match="nothing changed"):
        recorder.correct(stored["seq"], reason="wrong_time", occurred_at=T0)


def test_a_forged_correction_changes_nothing_and_is_reported(recorder, audit_log, guard):
    recorder.record("notification_request", person_id="BK-1", occurred_at=T0)
    audit_log.append({"kind": "event", "event": {"type": "void", "event_id": "evt" + "1" * 16,
                                                 "corrects": "evt" + "2" * 16, "reason_code": "entered_in_error"}})
    r = report_for(take_snapshot(audit_log), H1, guard.policy)
    assert r.lodged["notification_request"] == 1
    assert any("correction record(s) name an event that does not exist" in n for n in r.notes)


# -- the invariant on generated histories ---------------------------------------------------------------------
KINDS = ["notification_request", "detainer_request", "federal_reimbursement", "ice_cooperation",
         "transferred_to_ice_custody"]
ENTRY = st.tuples(st.sampled_from(KINDS), st.integers(0, 3), st.integers(0, 170), st.integers(1, 9999),
                  st.booleans())
FIX = st.tuples(st.sampled_from(["void", "time", "amount_or_case"]), st.integers(0, 40), st.integers(0, 170))


def _kwargs(kind: str, who: int, day: int, amount: int, flag: bool) -> dict[str, Any]:
    kw: dict[str, Any] = {"occurred_at": T0 + timedelta(days=day)}
    if kind == "federal_reimbursement":
        kw.update(case_ref=f"CPD-{who}", amount=f"{amount}.25")
    elif kind == "ice_cooperation":
        kw.update(case_ref=f"INV-{who}", disclosable=flag)
    else:
        kw.update(person_id=f"BK-{who}")
        if kind == "detainer_request":
            kw["in_custody"] = False
    return kw


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ENTRY, min_size=1, max_size=8), st.lists(FIX, max_size=6))
def test_the_report_counts_the_corrected_facts(tmp_path_factory, policy, person_key, entries, fixes):
    from status_guard import Guard
    from status_guard.audit import open_audit
    from status_guard.compliance import EventRecorder

    def recorder(name: str) -> tuple[Any, Any]:
        log = open_audit(f"jsonl:{tmp_path_factory.mktemp(name) / 'a.jsonl'}", fsync="never")
        return EventRecorder(Guard(policy, audit=log), person_key=person_key), log

    rec, log = recorder("corrected")
    facts: list[list[Any] | None] = []   # the final facts, kept in step
    seqs: list[int] = []
    for kind, who, day, amount, flag in entries:
        seqs.append(rec.record(kind, **_kwargs(kind, who, day, amount, flag))["seq"])
        facts.append([kind, who, day, amount, flag])
    # each entry's earlier versions: voiding a correction puts back the version it replaced (w16e F09)
    history: list[list[tuple[int, list[Any]]]] = [[] for _ in facts]
    for action, i, day in fixes:
        live = [k for k, f in enumerate(facts) if f is not None]
        if not live:
            break
        k = live[i % len(live)]
        kind, who, _, amount, flag = facts[k]
        before = (seqs[k], list(facts[k]))
        if action == "void":
            rec.void(seqs[k], reason="entered_in_error")
            if history[k]:
                seqs[k], facts[k] = history[k].pop()
            else:
                facts[k] = None
            continue
        if action == "time":
            if day == facts[k][2]:
                continue  # not a change: refused as "nothing changed" (tested above)
            seqs[k] = rec.correct(seqs[k], reason="wrong_time", occurred_at=T0 + timedelta(days=day))["seq"]
            facts[k] = [kind, who, day, amount, flag]
        elif kind == "federal_reimbursement":
            seqs[k] = rec.correct(seqs[k], reason="wrong_details", amount=f"{amount + 1}.25")["seq"]
            facts[k] = [kind, who, facts[k][2], amount + 1, flag]
        elif kind == "ice_cooperation":
            seqs[k] = rec.correct(seqs[k], reason="wrong_details", disclosable=not flag)["seq"]
            facts[k] = [kind, who, facts[k][2], amount, not flag]
        else:
            continue
        history[k].append(before)
    log.close()

    clean, clean_log = recorder("clean")
    for f in facts:
        if f is not None:
            clean.record(f[0], **_kwargs(*f))
    clean_log.close()
    corrected = report_for(take_snapshot(log), H1, policy)
    direct = report_for(take_snapshot(clean_log), H1, policy)
    assert _figures(corrected) == _figures(direct)
    assert take_snapshot(log).verification.ok
