"""w16e F13 — 2.129.040(g): a notice dated before the detainer or warrant it answers is never silently
"given on time" in the report.

Invariant: when a correction moves the detainer (or warrant) after its recorded notice, the report's 040(g) row
for it is marked (CHECK: dated before it was received, naming the notice's record), and the report's notes say
how many; a notice dated after its (corrected) detainer is not marked.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard
from status_guard.audit import open_audit
from status_guard.compliance import EventRecorder, take_snapshot
from status_guard.compliance.report import Period, report_for

H1 = Period.parse("2026-01-01", "2026-06-30")
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
T0 = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


@SETTINGS
@given(given_after=st.integers(1, 20 * 60), moved=st.integers(-2 * 60, 3 * 24 * 60),
       opener=st.sampled_from(["detainer_request", "administrative_warrant"]))
def test_a_notice_dated_before_its_corrected_detainer_is_marked_040g(tmp_path_factory, given_after, moved, opener):
    from status_guard.policy import load_policy

    policy = load_policy(None)
    spec = f"jsonl:{tmp_path_factory.mktemp('f13') / 'a.jsonl'}"
    log = open_audit(spec, fsync="never")
    rec = EventRecorder(Guard(policy, audit=log), person_key=secrets.token_bytes(32), department="Police Department")
    d = rec.record(opener, person_id="BK-1", in_custody=True, occurred_at=_iso(T0))
    notice_at = T0 + timedelta(minutes=given_after)
    n = rec.record("notice_delivered", obligation_ref=d["event"]["obligation_ref"], occurred_at=_iso(notice_at))
    detainer_at = T0 + timedelta(minutes=moved)
    if moved:
        rec.correct(d["seq"], reason="wrong_time", occurred_at=_iso(detainer_at))
    log.close()
    rep = report_for(take_snapshot(spec), H1, policy)
    assert rep.notices is not None and len(rep.notices.rows) == 1
    row = rep.notices.rows[0]
    early = notice_at < detainer_at
    assert row.dated_before_receipt == early
    assert ("CHECK" in row.result and f"record {n['seq']}" in row.result) == early, row.result
    assert any("dated before the detainer or warrant" in x for x in rep.notes) == early

