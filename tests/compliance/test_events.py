"""Events (2.129.060 facts) are chained audit records with pseudonymous person references."""

from __future__ import annotations

import secrets
from decimal import Decimal

import pytest

from status_guard.compliance import EventError, EventRecorder, person_ref
from status_guard.compliance.events import EventType
from status_guard.errors import RefusedError


def test_event_is_a_chained_audit_record_that_verifies(recorder, audit_log):
    stored = recorder.record("notification_request", person_id="booking-77", in_custody=False)
    assert stored["kind"] == "event" and stored["event"]["type"] == "notification_request"
    assert stored["event"]["citation"] == "2.129.060(a)"
    before = [r for r in audit_log.records() if r["seq"] == stored["seq"] - 1][0]
    assert stored["prev_hash"] == before["hash"]
    assert audit_log.verify(allow_open_tail=True).ok


def test_person_reference_is_a_keyed_hmac_never_the_local_id(recorder, audit_log, person_key):
    stored = recorder.record("transferred_to_ice_custody", person_id="BOOKING-4411-XQ")
    ref = stored["event"]["person_ref"]
    assert ref == person_ref(person_key, "BOOKING-4411-XQ")
    assert ref != person_ref(secrets.token_bytes(32), "BOOKING-4411-XQ")
    raw = b"".join(audit_log.raw_lines())
    assert b"BOOKING-4411-XQ" not in raw and b"4411" not in raw


def test_person_id_without_a_key_is_refused_not_logged_in_clear(guard):
    rec = EventRecorder(guard)  # no person key
    with pytest.raises(EventError, match="key"):
        rec.record("transferred_to_ice_custody", person_id="booking-1")
    assert not any(r.get("kind") == "event" for r in guard.audit.records())


def test_detainer_for_person_in_custody_opens_040g_obligation(recorder):
    ev = recorder.record("detainer_request", person_id="p1", in_custody=True,
                         occurred_at="2026-02-01T08:00:00Z")["event"]
    assert ev["obligation_ref"].startswith("obl")
    assert ev["due_at"] == "2026-02-02T08:00:00Z"


def test_detainer_for_person_not_in_custody_opens_no_obligation(recorder):
    ev = recorder.record("administrative_warrant", person_id="p1", in_custody=False)["event"]
    assert "obligation_ref" not in ev


def test_detainer_must_say_whether_the_person_is_in_custody(recorder):
    with pytest.raises(EventError, match="custody"):
        recorder.record("detainer_request", person_id="p1")


@pytest.mark.parametrize("basis", [["ice_detainer"], ["administrative_warrant"], ["i_203", "notice_to_appear"]])
def test_hold_solely_on_detainer_or_admin_warrant_is_refused_and_the_attempt_recorded(recorder, audit_log, basis):
    with pytest.raises(RefusedError) as exc:
        recorder.record("detained_on_ice_hold", person_id="p1", hold_basis=basis)
    assert "2.129.040(d)" in exc.value.decision.citations
    recs = list(audit_log.records())
    assert not any(r.get("kind") == "event" for r in recs)
    refused = [r for r in recs if r.get("kind") == "decision"]
    assert len(refused) == 1
    assert refused[0]["effect"] == "block" and refused[0]["citations"] == ["2.129.040(d)"]
    assert refused[0]["department"] == "Police Department" and refused[0]["action"] == "detain"
    assert "occurred_at" not in refused[0]  # none given: the log's own time is when it occurred


def test_hold_with_a_criminal_warrant_as_well_is_recorded(recorder):
    stored = recorder.record("detained_on_ice_hold", person_id="p1", hold_basis=["criminal_warrant", "ice_detainer"])
    assert stored["event"]["type"] == "detained_on_ice_hold"


def test_hold_without_a_stated_basis_is_refused(recorder):
    with pytest.raises(EventError, match="hold basis"):
        recorder.record("detained_on_ice_hold", person_id="p1")


def test_reimbursement_needs_case_and_exact_decimal_amount(recorder):
    ev = recorder.record("federal_reimbursement", case_ref="CPD-26-0012", amount="1250.5")["event"]
    assert ev["amount"] == "1250.50" and ev["case_ref"] == "CPD-26-0012" and ev["currency"] == "USD"
    assert Decimal(ev["amount"]) == Decimal("1250.50")
    with pytest.raises(EventError, match="case"):
        recorder.record("federal_reimbursement", amount="10.00")
    with pytest.raises(EventError, match="amount"):
        recorder.record("federal_reimbursement", case_ref="C1")
    with pytest.raises(EventError, match="float"):
        recorder.record("federal_reimbursement", case_ref="C1", amount=10.1)
    with pytest.raises(EventError, match="two decimal"):
        recorder.record("federal_reimbursement", case_ref="C1", amount="10.001")
    with pytest.raises(EventError, match="non-negative"):
        recorder.record("federal_reimbursement", case_ref="C1", amount="-5")


def test_cooperation_must_state_whether_it_can_be_disclosed(recorder):
    with pytest.raises(EventError, match="disclosed"):
        recorder.record("ice_cooperation", case_ref="INV-1")
    assert recorder.record("ice_cooperation", case_ref="INV-1", disclosable=False)["event"]["disclosable"] is False


def test_case_reference_that_is_not_a_short_reference_is_refused(recorder):
    with pytest.raises(EventError, match="case_ref"):
        recorder.record("ice_cooperation", case_ref="Maria Lopez, 12 Elm St", disclosable=True)


def test_unknown_event_type_is_refused(recorder):
    with pytest.raises(EventError, match="unknown event type"):
        recorder.record("deportation_party")


def test_every_event_type_has_a_citation_and_title():
    from status_guard.compliance.events import CITATIONS, TITLES

    assert set(CITATIONS) == set(EventType) == set(TITLES)


# -- 060(d) figures: an amount is accepted only as written on a check ----------------------------------
from hypothesis import HealthCheck as _HC, given as _given, settings as _settings  # noqa: E402
from hypothesis import strategies as _st  # noqa: E402

from status_guard.compliance.events import parse_amount  # noqa: E402


@_settings(max_examples=200, deadline=None)
@_given(cents=_st.integers(0, 10**11), dollar=_st.booleans(), commas=_st.booleans(), places=_st.sampled_from([0, 1, 2]))
def test_an_amount_written_as_on_a_check_is_read_exactly(cents, dollar, commas, places):
    whole, frac = divmod(cents, 100)
    if places == 1:
        frac -= frac % 10
    text = (f"{whole:,}" if commas else str(whole)) + ("" if places == 0 else "." + f"{frac:02d}"[:places])
    if places == 0:
        frac = 0
    assert parse_amount(("$" if dollar else "") + text) == f"{whole}.{frac:02d}"


@_settings(max_examples=200, deadline=None)
@_given(_st.sampled_from(["1e3", "1E3", "1,,000", "١٢٣", "１２３", "12,34", "1,2345", ",100", "1.", ".5", "1.234",
                          "$$5", "5$", "1 000", "NaN", "Infinity", "+5", "-5", "0x10", "1_000", "", "  "]),
        _st.sampled_from(["", " "]))
def test_a_typo_never_becomes_a_reimbursement_figure(bad, pad):
    with pytest.raises(EventError) as e:
        parse_amount(pad + bad + pad)
    assert e.value.param == "amount" and "1,250.00" in str(e.value)
