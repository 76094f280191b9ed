"""2.129.060 figures computed from a known set of events, including empty periods."""

from __future__ import annotations

from decimal import Decimal

import pytest

from status_guard.compliance import take_snapshot
from status_guard.compliance.render import render, to_markdown
from status_guard.compliance.report import Period, ReportError, report_for
from status_guard.errors import RefusedError

H1 = Period.parse("2026-01-01", "2026-06-30")
H2 = Period.parse("2026-07-01", "2026-12-31")


@pytest.fixture
def known_log(clock, recorder, guard, audit_log):
    """A first half-year with a known set of events, refusals and daily heartbeats, plus one event in H2."""
    clock.set("2026-01-01T12:00:00Z")
    for _ in range(181):  # one heartbeat a day (noon UTC): the quiet days are proved
        audit_log.heartbeat()
        clock.advance(days=1)
    clock.set("2026-02-03T10:00:00Z")
    at = "2026-02-03T10:00:00Z"
    recorder.record("detainer_request", person_id="p1", in_custody=True, occurred_at=at)
    recorder.record("detainer_request", person_id="p2", in_custody=False, occurred_at="2026-03-04T10:00:00Z")
    recorder.record("detainer_request", person_id="p3", in_custody=True, occurred_at="2026-03-05T10:00:00Z")
    recorder.record("ice_hold", person_id="p1", occurred_at=at)
    recorder.record("administrative_warrant", person_id="p4", in_custody=True, occurred_at="2026-04-01T00:00:00Z")
    recorder.record("notification_request", person_id="p5", occurred_at="2026-05-01T00:00:00Z")
    recorder.record("notification_request", person_id="p5", occurred_at="2026-06-30T23:59:59Z")  # last second
    # (b) p1 detained twice = one individual; p3 once
    recorder.record("detained_on_ice_hold", person_id="p1", hold_basis=["criminal_warrant", "ice_detainer"],
                    occurred_at=at)
    recorder.record("detained_on_ice_hold", person_id="p1", hold_basis=["probation_violation", "ice_detainer"],
                    occurred_at="2026-02-20T00:00:00Z")
    recorder.record("detained_on_ice_hold", person_id="p3", hold_basis=["criminal_warrant", "administrative_warrant"],
                    occurred_at="2026-03-06T00:00:00Z")
    # (c)
    recorder.record("transferred_to_ice_custody", person_id="p3", occurred_at="2026-03-10T00:00:00Z")
    # (d)
    recorder.record("federal_reimbursement", case_ref="CPD-2026-001", amount="1000.00", occurred_at=at)
    recorder.record("federal_reimbursement", case_ref="CPD-2026-001", amount="250.25", occurred_at=at)
    recorder.record("federal_reimbursement", case_ref="CPD-2026-007", amount="99.99", occurred_at=at)
    # (e) INV-1 disclosable (two events), INV-2 not, INV-3 mixed -> withheld
    recorder.record("ice_cooperation", case_ref="INV-1", disclosable=True, occurred_at=at)
    recorder.record("ice_cooperation", case_ref="INV-1", disclosable=True, occurred_at=at)
    recorder.record("ice_cooperation", case_ref="INV-2", disclosable=False, occurred_at=at)
    recorder.record("ice_cooperation", case_ref="INV-3", disclosable=True, occurred_at=at)
    recorder.record("ice_cooperation", case_ref="INV-3", disclosable=False, occurred_at=at)
    # refusals in the period: two 040(d) by the police, one 040(b)+(k) by schools
    for _ in range(2):
        with pytest.raises(RefusedError):
            recorder.record("detained_on_ice_hold", person_id="p9", hold_basis=["ice_detainer"])
    d = guard.check_submission({"citizenship": "x"}, scope="schools", requester="local")
    guard.record(d, adapter="asgi", route="POST /enroll")
    # monitor-mode refusal counts apart
    guard.record(d, adapter="asgi", route="POST /enroll", monitor=True)
    # after the period
    clock.set("2026-08-01T00:00:00Z")
    recorder.record("transferred_to_ice_custody", person_id="p7", occurred_at="2026-08-01T00:00:00Z")
    with pytest.raises(RefusedError):
        recorder.record("detained_on_ice_hold", person_id="p7", hold_basis=["administrative_warrant"])
    return audit_log


@pytest.fixture
def h1_report(known_log, guard):
    return report_for(take_snapshot(known_log), H1, guard.policy)


def test_060a_counts_each_kind_of_request_lodged(h1_report):
    assert dict(h1_report.lodged) == {"detainer_request": 3, "ice_hold": 1, "administrative_warrant": 1,
                                      "notification_request": 2}
    assert h1_report.lodged_total == 7
    assert h1_report.lodged_by_month["2026-03"]["detainer_request"] == 2
    assert h1_report.lodged_by_month["2026-06"]["notification_request"] == 1


def test_060b_counts_individuals_detained_on_an_ice_hold_not_detentions(h1_report):
    assert h1_report.detained_individuals == 2
    assert h1_report.detained_events == 3


def test_060c_counts_individuals_transferred_in_the_period_only(h1_report):
    assert h1_report.transferred_individuals == 1


def test_060d_reimbursements_are_summed_by_case(h1_report):
    cases = {c.case_ref: (c.total, c.payments) for c in h1_report.reimbursements}
    assert cases == {"CPD-2026-001": (Decimal("1250.25"), 2), "CPD-2026-007": (Decimal("99.99"), 1)}
    assert h1_report.reimbursement_totals == {"USD": Decimal("1350.24")}


def test_060e_excludes_investigations_that_cannot_be_disclosed_and_states_how_many(h1_report):
    assert h1_report.cooperation_investigations == 1
    assert h1_report.cooperation_withheld == 2  # INV-2, and INV-3 because part of it cannot be disclosed


def test_refusals_are_counted_by_clause_and_department(h1_report):
    by = {(x.citation, x.department): x.count for x in h1_report.refusals}
    assert by[("2.129.040(d)", "Police Department")] == 2
    assert by[("2.129.040(b)", "Cambridge Public Schools")] == 1
    assert h1_report.refusals_total == 3
    assert h1_report.refusals_monitor == 1


def test_daily_heartbeats_prove_the_quiet_periods(h1_report):
    assert h1_report.verified
    assert h1_report.coverage.heartbeats == 181
    assert h1_report.coverage.complete
    assert h1_report.coverage.longest_quiet_hours <= 24
    assert h1_report.period.zone_name == "America/New_York"


def test_second_half_counts_only_its_own_events(known_log, guard):
    r = report_for(take_snapshot(known_log), H2, guard.policy)
    assert r.lodged_total == 0 and r.detained_individuals == 0
    assert r.transferred_individuals == 1
    assert [(x.citation, x.count) for x in r.refusals] == [("2.129.040(d)", 1)]


def test_empty_period_reports_zeros_and_says_the_log_cannot_prove_silence(known_log, guard):
    r = report_for(take_snapshot(known_log), Period.parse("2025-01-01", "2025-06-30"), guard.policy)
    assert r.lodged_total == 0 and r.detained_individuals == 0 and r.transferred_individuals == 0
    assert r.reimbursements == () and r.cooperation_investigations == 0 and r.cooperation_withheld == 0
    assert r.refusals_total == 0
    assert r.coverage.records == 0 and not r.coverage.complete
    assert "cannot show that nothing happened" in to_markdown(r)


def test_gap_without_heartbeats_is_reported(clock, audit_log, guard):
    clock.set("2026-01-01T12:00:00Z")
    audit_log.heartbeat()
    clock.set("2026-01-20T12:00:00Z")
    audit_log.heartbeat()
    r = report_for(take_snapshot(audit_log), Period.parse("2026-01-01", "2026-01-20"), guard.policy,
                   now=clock.now)
    assert not r.coverage.complete
    assert r.coverage.quiet_from.startswith("2026-01-01") and r.coverage.quiet_to.startswith("2026-01-20")
    assert "does not prove that nothing happened" in to_markdown(r)


def test_report_holds_no_person_reference_or_local_id(known_log, guard, person_key):
    from status_guard.compliance import person_ref

    r = report_for(take_snapshot(known_log), H1, guard.policy)
    refs = [person_ref(person_key, p) for p in ("p1", "p2", "p3", "p4", "p5")]
    for fmt in ("md", "csv", "html"):
        text = render(r, fmt).decode()
        assert not any(ref in text for ref in refs)
        assert not any(ref[:16] in text for ref in refs)
    assert render(r, "pdf").startswith(b"%PDF")


def test_tampered_log_is_stated_first_in_every_format(known_log, guard, log_path):
    known_log.close()
    lines = log_path.read_bytes().splitlines(keepends=True)
    i = next(n for n, line in enumerate(lines) if b'"INV-2"' in line)
    lines[i] = lines[i].replace(b'"disclosable":false', b'"disclosable":true')
    assert b'"disclosable":true' in lines[i]
    log_path.write_bytes(b"".join(lines))
    r = report_for(take_snapshot(f"jsonl:{log_path}"), H1, guard.policy)
    assert not r.verified and r.verification_problems
    md = to_markdown(r)
    assert md.splitlines()[2].startswith("**WARNING: THE AUDIT LOG DID NOT VERIFY")
    assert "NO" in render(r, "csv").decode().splitlines()[1]
    assert render(r, "html").decode().index("DID NOT VERIFY") < render(r, "html").decode().index("The figures")


def test_period_must_be_a_real_range():
    with pytest.raises(ReportError, match="ends before"):
        Period.parse("2026-06-30", "2026-01-01")
    with pytest.raises(ReportError, match="YYYY-MM-DD"):
        Period.parse("last week", "2026-01-01")
