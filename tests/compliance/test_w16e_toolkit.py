"""w16e: the compliance officer's toolkit (issue 16), the classes review w16e found open.

* F01/F08 — whatever the tool says was recorded is counted exactly once in every listing and report, or it
  refuses and says why: a retry under the idempotency key of a withdrawn (voided) entry is refused naming the
  void; a retry of a stored entry writes nothing and names the seq that counts (2.129.060(d)).
* F02 — a new person key never splits one booking into two individuals (2.129.060(b)).
* F14 — one normalisation of identifiers (case references and booking numbers) for every 060 figure.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard
from status_guard.audit import open_audit
from status_guard.compliance import EventError, EventRecorder, take_snapshot
from status_guard.compliance.events import VoidedKeyError, _derived
from status_guard.compliance.report import Period, report_for

H1 = Period.parse("2026-01-01", "2026-06-30")
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))


def _recorder(path: Any, policy: Any, key: bytes | None = None) -> tuple[EventRecorder, Any]:
    log = open_audit(f"jsonl:{path}", fsync="never")
    return EventRecorder(Guard(policy, audit=log), person_key=key or secrets.token_bytes(32),
                         department="Police Department", refuse_duplicates=True), log


# -- F01 / F08: said recorded == counted once ------------------------------------------------------
OPS = st.lists(st.tuples(st.sampled_from(["add", "retry", "void", "correct"]), st.integers(0, 3)),
               min_size=1, max_size=10)


@SETTINGS
@given(ops=OPS)
def test_what_the_tool_says_it_recorded_is_counted_exactly_once_060d(tmp_path_factory, policy, ops):
    """2.129.060(d): over any sequence of add / retry (same idempotency key) / void / correct, every entry the
    recorder returns as stored is in the log, counted once; a retry names the seq that counts; a retry of a
    voided entry is refused (VoidedKeyError), never 'recorded' and dropped."""
    rec, log = _recorder(tmp_path_factory.mktemp("f01") / "a.jsonl", policy)
    expected: dict[str, str] = {}   # event id -> amount the report must count
    keys: list[str] = []
    for i, (op, k) in enumerate(ops):
        if op in ("add", "retry") and (op == "add" or not keys):
            key = f"POL-2026-{len(keys):06d}"
            keys.append(key)
        elif op in ("retry", "void", "correct"):
            key = keys[k % len(keys)] if keys else None
            if key is None:
                continue
        kw = dict(case_ref=f"C-{keys.index(key)}", amount=f"{10 + keys.index(key)}.00",
                  occurred_at=f"2026-02-{1 + keys.index(key) % 27:02d} 10:00 EST", idempotency_key=key)
        led = rec._ledger()
        eid = _derived("evt", key) if _derived("evt", key) in led.all_events else None
        if op in ("add", "retry"):
            voided = eid is not None and led.find(led.superseded_by.get(eid, -1)) is not None and \
                led.find(led.superseded_by[eid]).type == "void"
            try:
                stored = rec.record("federal_reimbursement", **kw)
            except VoidedKeyError:
                assert voided
                continue
            assert not voided
            row = rec._ledger().find(stored["seq"])
            assert row is not None and row.event_id == stored["event"]["event_id"]
            if not stored.get("already_recorded"):
                expected[stored["event"]["event_id"]] = stored["event"]["amount"]
        else:
            cur = [r for r in led.current if r.event.get("case_ref") == kw["case_ref"]]
            if not cur:
                continue
            try:
                if op == "void":
                    rec.void(cur[0].seq, reason="entered_in_error")
                    expected.pop(cur[0].event_id, None)
                    before = led.all_events.get(str(cur[0].event.get("corrects")))
                    if before is not None:  # voiding a correction puts back what it replaced (w16e F09)
                        expected[before.event_id or ""] = before.event["amount"]
                else:
                    new = rec.correct(cur[0].seq, reason="wrong_details", amount=f"{100 + i}.00")
                    expected.pop(cur[0].event_id, None)
                    expected[new["event"]["event_id"]] = new["event"]["amount"]
            except EventError:
                continue
    current = {r.event_id: r.event.get("amount") for r in rec._ledger().current}
    assert current == expected
    r = report_for(take_snapshot(log), H1, policy)
    total = sum(int(a.replace(".", "")) for a in expected.values())
    got = r.reimbursement_totals.get("USD")
    assert (got is None and total == 0) or int(str(got).replace(".", "")) == total
    log.close()


def test_a_retry_under_a_voided_key_is_refused_naming_the_void_060d(tmp_path, policy):
    rec, log = _recorder(tmp_path / "a.jsonl", policy)
    kw = dict(case_ref="C-2", amount="50.00", occurred_at="2026-02-02 10:00 EST", idempotency_key="POL-2026-000003")
    first = rec.record("federal_reimbursement", **kw)
    v = rec.void(first["seq"], reason="entered_in_error")
    with pytest.raises(VoidedKeyError) as e:
        rec.record("federal_reimbursement", **kw)
    assert f"withdrawn by seq {v['seq']}" in str(e.value) and "new idempotency key" in str(e.value)
    again = rec.record("federal_reimbursement", **{**kw, "idempotency_key": "POL-2026-000003-r2"})
    assert not again.get("already_recorded")
    assert report_for(take_snapshot(log), H1, policy).reimbursement_totals == {"USD": Decimal("50.00")}
    log.close()


# -- F14: one normalisation of identifiers --------------------------------------------------------
def _spellings(draw: Any, base: str) -> str:
    return draw(st.sampled_from([base, base.lower(), base.upper(), f" {base}", f"{base} ", base.swapcase()]))


@SETTINGS
@given(data=st.data(), base=st.from_regex(r"[A-Za-z]{2,4}-[0-9]{1,4}", fullmatch=True),
       parts=st.lists(st.booleans(), min_size=1, max_size=4))
def test_an_investigation_with_any_undisclosable_part_is_never_counted_whatever_its_case_spelling_060e(
        tmp_path_factory, policy, data, base, parts):
    """2.129.060(e): an investigation any part of which cannot be disclosed is not counted; its case reference
    typed in another letter case or with spaces is the same investigation (one figure, one withheld)."""
    rec, log = _recorder(tmp_path_factory.mktemp("f14") / "a.jsonl", policy)
    for i, disc in enumerate(parts):
        rec.record("ice_cooperation", case_ref=_spellings(data.draw, base).strip(), disclosable=disc,
                   occurred_at=f"2026-03-{1 + i:02d} 10:00 EST", allow_duplicate=True)
    r = report_for(take_snapshot(log), H1, policy)
    assert (r.cooperation_investigations, r.cooperation_withheld) == ((1, 0) if all(parts) else (0, 1))
    log.close()


@SETTINGS
@given(data=st.data(), base=st.from_regex(r"[A-Za-z]{3}-2026-[0-9]{3}", fullmatch=True),
       cents=st.lists(st.integers(1, 99999), min_size=1, max_size=4))
def test_one_case_is_one_row_in_the_reimbursements_by_case_whatever_its_spelling_060d(
        tmp_path_factory, policy, data, base, cents):
    """2.129.060(d): reimbursements by case: one case, typed in any letter case, is one row with every payment."""
    rec, log = _recorder(tmp_path_factory.mktemp("f14d") / "a.jsonl", policy)
    for i, c in enumerate(cents):
        rec.record("federal_reimbursement", case_ref=_spellings(data.draw, base).strip(), amount=f"{c / 100:.2f}",
                   occurred_at=f"2026-03-{1 + i:02d} 10:00 EST", allow_duplicate=True)
    r = report_for(take_snapshot(log), H1, policy)
    assert len(r.reimbursements) == 1 and r.reimbursements[0].payments == len(cents)
    assert r.reimbursements[0].total == sum(Decimal(c) / 100 for c in cents)
    log.close()


def test_distinct_cases_stay_distinct_lookalike_060d(tmp_path, policy):
    """Look-alike: CPD-2026-001 and CPD-2026-010 are two cases (folding never merges different ids)."""
    rec, log = _recorder(tmp_path / "a.jsonl", policy)
    for case in ("CPD-2026-001", "CPD-2026-010", "CPD-2026-0010"):
        rec.record("federal_reimbursement", case_ref=case, amount="1.00", occurred_at="2026-03-01 10:00 EST")
    assert len(report_for(take_snapshot(log), H1, policy).reimbursements) == 3
    log.close()


# -- F02 / F07: a new person key never silently splits one booking ---------------------------------
def test_a_new_person_key_is_refused_in_a_half_year_with_bookings_under_the_old_key_060b(tmp_path, policy):
    """2.129.060(b): one booking is one individual. --new-person-key in a half-year that holds a booking under
    the old key is refused (the booking recorded again would be two people); the message names the option."""
    rec_a, log = _recorder(tmp_path / "a.jsonl", policy)
    rec_a.record("detained_on_ice_hold", person_id="BK-1", hold_basis=["court_order"],
                 occurred_at="2026-03-11 10:00 EDT")
    rec_b = EventRecorder(rec_a.guard, person_key=secrets.token_bytes(32), department="Police Department")
    from status_guard.compliance.events import PersonKeyMismatchError

    with pytest.raises(PersonKeyMismatchError) as e:
        rec_b.record("detained_on_ice_hold", person_id="BK-1", hold_basis=["court_order"],
                     occurred_at="2026-03-12 10:00 EDT", allow_new_person_key=True)
    assert "--new-person-key" in e.value.render({"allow_new_person_key": "--new-person-key"})
    assert "with allow." not in e.value.render({"allow_new_person_key": "--new-person-key"})
    assert report_for(take_snapshot(log), H1, policy).detained_individuals == 1
    # look-alike: the new key starting with a new half-year is accepted, and H1 is untouched
    rec_b.record("detained_on_ice_hold", person_id="BK-1", hold_basis=["court_order"],
                 occurred_at="2026-07-02 10:00 EDT", allow_new_person_key=True)
    r = report_for(take_snapshot(log), H1, policy)
    assert r.detained_individuals == 1 and not any("person keys" in n for n in r.notes)
    log.close()


@SETTINGS
@given(spellings=st.lists(st.sampled_from(["BK-7", "bk-7", " BK-7", "BK-8"]), min_size=1, max_size=4))
def test_a_period_with_people_under_two_person_keys_is_warned_in_the_report_060b(tmp_path_factory, policy,
                                                                                 spellings):
    """2.129.060(b): whenever a period's people were recorded under two person keys (here: the new key started
    in H2, then an entry back-dated into H1), the report warns that individuals may be counted twice;
    under one key, never."""
    rec_a, log = _recorder(tmp_path_factory.mktemp("f02") / "a.jsonl", policy)
    for i, b in enumerate(spellings):
        rec_a.record("detained_on_ice_hold", person_id=b, hold_basis=["court_order"],
                     occurred_at=f"2026-03-{1 + i:02d} 10:00 EST", allow_duplicate=True)
    r = report_for(take_snapshot(log), H1, policy)
    assert not any("person keys" in n for n in r.notes)
    assert r.detained_individuals == len({s.strip().casefold() for s in spellings})
    rec_b = EventRecorder(rec_a.guard, person_key=secrets.token_bytes(32), department="Police Department")
    rec_b.record("detained_on_ice_hold", person_id="BK-9", hold_basis=["court_order"],
                 occurred_at="2026-07-02 10:00 EDT", allow_new_person_key=True)
    rec_b.record("detained_on_ice_hold", person_id=spellings[0], hold_basis=["court_order"],
                 occurred_at="2026-04-02 10:00 EDT")
    r = report_for(take_snapshot(log), H1, policy)
    assert any("2 different person keys" in n for n in r.notes)
    log.close()


def test_a_correction_never_sets_a_field_the_event_type_does_not_have(tmp_path, policy):
    """w16e F15: custody status on a reimbursement is refused, not listed as a correction to the Clerk."""
    rec, log = _recorder(tmp_path / "a.jsonl", policy)
    first = rec.record("federal_reimbursement", case_ref="C-1", amount="5.00", occurred_at="2026-03-02 10:00 EST")
    with pytest.raises(EventError, match="has no custody status"):
        rec.correct(first["seq"], reason="wrong_custody_status", in_custody=False)
    # look-alike: a detainer's custody status is corrected
    d = rec.record("detainer_request", person_id="BK-4", in_custody=True, occurred_at="2026-03-02 10:00 EST")
    rec.correct(d["seq"], reason="wrong_custody_status", in_custody=False)
    log.close()
