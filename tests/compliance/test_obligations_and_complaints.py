"""040(g) notice obligations and 2.129.050 complaint packets."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from status_guard.compliance import pending, take_snapshot
from status_guard.compliance.complaints import ComplaintError, draft_complaint, packet_json, packet_markdown
from status_guard.compliance.events import EventError
from status_guard.errors import RefusedError

T0 = datetime(2026, 2, 1, 8, tzinfo=timezone.utc)


def test_040g_obligation_is_open_then_overdue_then_closed_by_delivery(recorder, audit_log):
    ev = recorder.record("detainer_request", person_id="p1", in_custody=True, occurred_at=T0)["event"]
    recs = list(audit_log.records())
    assert [s for _, s in pending(recs, datetime(2026, 2, 1, 20, tzinfo=timezone.utc))] == ["open"]
    assert [s for _, s in pending(recs, datetime(2026, 2, 2, 9, tzinfo=timezone.utc))] == ["overdue"]
    recorder.record("notice_delivered", person_id="p1", obligation_ref=ev["obligation_ref"],
                    occurred_at="2026-02-01T20:00:00Z")
    recs = list(audit_log.records())
    assert pending(recs, datetime(2026, 2, 3, tzinfo=timezone.utc)) == []
    closed = pending(recs, datetime(2026, 2, 3, tzinfo=timezone.utc), include_closed=True)
    assert [(o.ref, s) for o, s in closed] == [(ev["obligation_ref"], "closed_on_time")]


def test_overdue_obligations_are_listed_before_open_ones(recorder, audit_log):
    recorder.record("administrative_warrant", person_id="p1", in_custody=True, occurred_at=T0)
    recorder.record("detainer_request", person_id="p2", in_custody=True, occurred_at="2026-02-03T08:00:00Z")
    rows = pending(audit_log.records(), datetime(2026, 2, 3, 9, tzinfo=timezone.utc))
    assert [(o.opened_by, s) for o, s in rows] == [("administrative_warrant", "overdue"), ("detainer_request", "open")]


def test_delivery_must_name_a_well_formed_obligation(recorder):
    with pytest.raises(EventError, match="obligation"):
        recorder.record("notice_delivered", person_id="p1", obligation_ref="12 Elm Street")


def _police_refusal(recorder, audit_log):
    with pytest.raises(RefusedError):
        recorder.record("detained_on_ice_hold", person_id="p1", hold_basis=["ice_detainer"], request_id="req-hold-1")
    return [r for r in audit_log.records() if r.get("kind") == "decision"][-1]


def test_police_complaint_goes_to_city_manager_and_professional_standards(recorder, audit_log, guard):
    rec = _police_refusal(recorder, audit_log)
    p = draft_complaint(take_snapshot(audit_log), rec["seq"], guard.policy)
    assert p.recipients == ("City Manager's Office", "Cambridge Police Department, Professional Standards Unit")
    assert [r.citation for r in p.rules] == ["2.129.040(d)"]
    assert p.records[0]["seq"] == rec["seq"] and p.log_verified
    assert draft_complaint(take_snapshot(audit_log), "req-hold-1", guard.policy).record_seq == rec["seq"]


def test_school_complaint_goes_to_city_manager_and_superintendent(guard, audit_log):
    d = guard.check_submission({"parent_citizenship": "x"}, scope="schools", requester="local")
    rec = guard.record(d, adapter="asgi", route="POST /enroll")
    p = draft_complaint(take_snapshot(audit_log), rec["seq"], guard.policy)
    assert p.recipients == ("City Manager's Office", "Superintendent of Schools, Cambridge Public Schools")
    assert "2.129.040(k)" in [r.citation for r in p.rules]


def test_city_complaint_goes_to_city_manager_only(guard, audit_log):
    d = guard.check_submission({"citizenship": "x"}, scope="city", requester="local")
    rec = guard.record(d, adapter="asgi", route="POST /intake")
    p = draft_complaint(take_snapshot(audit_log), rec["seq"], guard.policy)
    assert p.recipients == ("City Manager's Office",)


def test_routing_comes_from_the_policy_not_the_code(recorder, audit_log):
    rec = _police_refusal(recorder, audit_log)
    other = SimpleNamespace(id="elsewhere", version="1", rules=[], value_rules=[], notes=[],
                            departments={"complaints": {"default": ["Town Clerk"], "police": ["Police Oversight Board"]}})
    p = draft_complaint(take_snapshot(audit_log), rec["seq"], other)
    assert p.recipients == ("Town Clerk", "Police Oversight Board")
    with pytest.raises(ComplaintError, match="routing"):
        draft_complaint(take_snapshot(audit_log), rec["seq"], SimpleNamespace(departments={}))


def test_complaint_packet_holds_no_person_reference(recorder, audit_log, guard, person_key):
    from status_guard.compliance import person_ref

    ev = recorder.record("detainer_request", person_id="p1", in_custody=True, occurred_at=T0)
    p = draft_complaint(take_snapshot(audit_log), ev["seq"], guard.policy,
                        now=datetime(2026, 3, 1, tzinfo=timezone.utc))
    text = packet_markdown(p) + packet_json(p)
    assert person_ref(person_key, "p1") not in text
    assert "2.129.040(g)" in [r.citation for r in p.rules]  # the notice is overdue
    assert json.loads(packet_json(p))["recipients"][0] == "City Manager's Office"


def test_unknown_record_is_a_clear_error(audit_log, guard):
    audit_log.heartbeat()
    with pytest.raises(ComplaintError, match="no audit record"):
        draft_complaint(take_snapshot(audit_log), 999, guard.policy)


def test_a_complaint_is_drafted_only_about_a_decision_or_an_event_and_names_no_server_path(
        recorder, audit_log, guard, log_path):
    recorder.record("detainer_request", person_id="p1", in_custody=True, occurred_at="2026-02-01T08:00:00Z")
    with pytest.raises(RefusedError):
        recorder.record("detained_on_ice_hold", person_id="p1", hold_basis=["ice_detainer"])
    audit_log.heartbeat()
    snap = take_snapshot(audit_log)
    kinds = {r.get("kind") for r in snap.records}
    assert {"start", "heartbeat", "decision", "event"} <= kinds
    for r in snap.records:
        if r.get("kind") in ("decision", "event"):
            packet = draft_complaint(snap, r["seq"], guard.policy)
            doc = packet_json(packet)
            assert str(log_path) not in doc and str(log_path.parent) not in doc and "jsonl:" not in doc
            assert json.loads(doc)["log"]["kind"] == "JSON Lines file"
        else:
            with pytest.raises(ComplaintError, match="nothing was decided"):
                draft_complaint(snap, r["seq"], guard.policy)
