"""Values that must never reach the log, and report figures a copied or forged record must not move."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from status_guard.audit.errors import AuditRecordError
from status_guard.audit.records import build_record
from status_guard.cli import cli
from status_guard.compliance.events import EventError
from status_guard.compliance.render import to_csv, to_markdown
from status_guard.compliance.report import Period, compute_semiannual
from status_guard.compliance.source import Snapshot, take_snapshot

SSN = "123-45-6789"


@pytest.mark.parametrize("fields", [
    {"kind": "decision", "adapter": "asgi", "action": "collect", "effect": "allow",
     "exceptions": [{"id": "i9", "kind": "legal_basis", "legal_basis": f"Form I-9 for SSN {SSN}"}]},
    {"kind": "decision", "adapter": "asgi", "action": "collect", "effect": "allow",
     "requester": {"class": "federal", "agency": f"Agent {SSN}"}},
    {"kind": "event", "event": {"type": "ice_cooperation", "case_ref": SSN, "disclosable": True}},
    {"kind": "decision", "adapter": "asgi", "action": "collect", "effect": "allow", "request_id": f"req-{SSN}"},
])
def test_social_security_number_never_reaches_the_log(fields: dict[str, Any]) -> None:
    with pytest.raises(AuditRecordError) as e:
        build_record(fields)
    assert SSN not in str(e.value) and "Social Security" in str(e.value)


def test_case_references_and_citations_with_digits_are_still_accepted() -> None:
    rec = build_record({"kind": "event", "event": {"type": "ice_cooperation", "case_ref": "CPD-2026-000123",
                                                   "disclosable": True, "citation": "2.129.060(e)"}})
    assert rec["event"]["case_ref"] == "CPD-2026-000123"


def test_event_dated_in_the_future_is_refused_so_it_cannot_land_in_a_later_report(recorder: Any) -> None:
    future = (datetime.now(timezone.utc) + timedelta(days=200)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with pytest.raises(EventError, match="future"):
        recorder.record("notification_request", person_id="p1", occurred_at=future)
    stored = recorder.record("notification_request", person_id="p1",
                             occurred_at=datetime.now(timezone.utc) - timedelta(hours=2))
    assert stored["event"]["type"] == "notification_request"


def _period_now() -> Period:
    today = datetime.now(timezone.utc).date()
    return Period(today - timedelta(days=2), today + timedelta(days=1))


def test_a_copied_event_record_is_counted_once_in_060(recorder: Any, audit_log: Any, log_path: Path) -> None:
    recorder.record("detainer_request", person_id="p1", in_custody=False)
    recorder.record("federal_reimbursement", case_ref="CPD-1", amount="1000.00")
    audit_log.close()
    snap = take_snapshot(f"jsonl:{log_path}")
    events = [r for r in snap.records if r.get("kind") == "event"]
    # the same records read twice (a copied line, a spliced log): each event id once in the figures
    doubled = Snapshot(snap.description, snap.verification, snap.records + tuple(events))
    rep = compute_semiannual(doubled, _period_now())
    assert rep.lodged["detainer_request"] == 1
    assert rep.reimbursement_totals["USD"] == 1000
    assert any("counted once" in n for n in rep.notes)


def test_forged_department_cannot_inject_a_formula_or_markup_into_the_report(audit_log: Any, log_path: Path) -> None:
    audit_log.append({"adapter": "asgi", "action": "collect", "effect": "block", "citations": ["2.129.040(b)"],
                      "department": "Police Department"})
    audit_log.close()
    snap = take_snapshot(f"jsonl:{log_path}")
    forged = []
    for r in snap.records:
        if r.get("kind") == "decision":
            r = {**r, "department": '=HYPERLINK("http://x.example","a") | 9 | <script>alert(1)</script>'}
        forged.append(r)
    rep = compute_semiannual(Snapshot(snap.description, snap.verification, tuple(forged)), _period_now())
    csv_text = to_csv(rep)
    assert ",=HYPERLINK" not in csv_text and "'=HYPERLINK" in csv_text
    md = to_markdown(rep)
    assert "<script>" not in md
    row = next(line for line in md.splitlines() if "HYPERLINK" in line)
    assert row.count(" | ") == 2 + 0 and row.count("\\|") == 2  # still three cells: the pipes are escaped


def test_report_out_cannot_overwrite_the_audit_log(recorder: Any, audit_log: Any, log_path: Path) -> None:
    recorder.record("notification_request", person_id="p1")
    audit_log.close()
    before = log_path.read_bytes()
    res = CliRunner().invoke(cli, ["report", "semiannual", "--audit", f"jsonl:{log_path}", "--from", "2026-01-01",
                                   "--to", "2026-06-30", "--format", "md", "--out", str(log_path)])
    assert res.exit_code == 2 and "audit log itself" in res.output
    assert log_path.read_bytes() == before


def test_report_out_does_not_follow_a_planted_tmp_symlink(recorder: Any, audit_log: Any, log_path: Path,
                                                          tmp_path: Path) -> None:
    recorder.record("notification_request", person_id="p1")
    audit_log.close()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    out = tmp_path / "report.md"
    (tmp_path / "report.md.tmp").symlink_to(victim)
    res = CliRunner().invoke(cli, ["report", "semiannual", "--audit", f"jsonl:{log_path}", "--from", "2026-01-01",
                                   "--to", "2026-06-30", "--format", "md", "--out", str(out)])
    assert res.exit_code in (0, 1), res.output
    assert victim.read_text() == "keep me"
    assert out.read_text().startswith("# Semiannual report")
