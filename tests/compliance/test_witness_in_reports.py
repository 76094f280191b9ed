"""The report, the listings and the dashboard compare the log with the witness, as `audit verify` does
(issue 16, w16c F01): the 2.129.060 figures are counted from the log, so a log cut back by an insider
must raise the alarm wherever figures are shown, not only in `audit verify`.

Invariants:
* with ``$STATUS_GUARD_AUDIT_WITNESS`` set (the walkthrough's setting), a log shorter than the witness saw
  is "TAMPERING OR DAMAGE DETECTED" in the report (exit 1) and in the dashboard's reader, naming the
  missing records; the intact log is verified, and stays "compared with the witness" as it grows;
* without a witness the verification sentence says a cut would not show.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from status_guard.audit import open_audit
from status_guard.audit.keys import write_signing_keypair
from status_guard.cli import cli
from status_guard.compliance.source import LogReader, take_snapshot

EV = {"kind": "event", "event": {"type": "notification_request", "event_id": "evt0000000000000001",
                                 "occurred_at": "2026-02-01T12:00:00Z", "citation": "2.129.060(a)"}}


@pytest.fixture()
def signed(tmp_path: Path) -> tuple[Path, Path, str, Path]:
    sk, pub = tmp_path / "s.pem", tmp_path / "s.pem.pub"
    write_signing_keypair(str(sk), str(pub))
    witness = f"dir:{tmp_path / 'witness'}"
    path = tmp_path / "audit.jsonl"
    for i in range(3):
        with open_audit(f"jsonl:{path}", signing_key=str(sk), witness=witness, fsync="never") as log:
            log.append({**EV, "event": {**EV["event"], "event_id": f"evt{i:016x}"}})
    return path, pub, witness, sk


def _cut_to_first_end(path: Path) -> int:
    lines = path.read_bytes().splitlines(keepends=True)
    end1 = next(i for i, ln in enumerate(lines) if b'"kind":"end"' in ln)
    path.write_bytes(b"".join(lines[: end1 + 1]))
    return end1


def test_the_report_raises_the_alarm_for_a_log_cut_behind_the_witness_060(signed, monkeypatch) -> None:
    path, pub, witness, _ = signed
    monkeypatch.setenv("STATUS_GUARD_AUDIT_WITNESS", witness)
    args = ["report", "semiannual", "--audit", str(path), "--public-key", str(pub), "--from", "2026-01-01",
            "--to", "2026-06-30", "--format", "json"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    end1 = _cut_to_first_end(path)
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 1, res.output
    assert "TAMPERING OR DAMAGE DETECTED" in res.output
    snap = take_snapshot(f"jsonl:{path}")  # the environment's witness, as the CLI
    assert not snap.verification.ok
    assert any(p.message.startswith(f"records after seq {end1} are missing") for p in snap.verification.problems)
    monkeypatch.delenv("STATUS_GUARD_AUDIT_WITNESS")
    from status_guard.audit.keys import load_public_key

    alone = take_snapshot(f"jsonl:{path}", public_key=load_public_key(str(pub)))
    assert alone.verification.ok and "Not compared with a witness" in alone.verification.integrity_basis


def test_the_dashboards_reader_compares_with_the_witness_and_keeps_it_as_the_log_grows(signed) -> None:
    path, pub, witness, sk = signed
    from status_guard.audit.keys import load_public_key

    reader = LogReader(f"jsonl:{path}", public_key=load_public_key(str(pub)), witness=witness, witness_seconds=0)
    first = reader.snapshot()
    assert first.verification.ok and first.verification.witness_checked
    with open_audit(f"jsonl:{path}", signing_key=str(sk), witness=witness, fsync="never") as log:
        log.append(EV)
    grown = reader.snapshot()
    assert reader.stats["incremental"] == 1
    assert grown.verification.ok and grown.verification.witness_checked
    assert "Not compared with a witness" not in grown.verification.integrity_basis
    end1 = _cut_to_first_end(path)
    cut = reader.snapshot()
    assert not cut.verification.ok and "truncated" in cut.verification.problem_kinds
    assert any(p.message.startswith(f"records after seq {end1} are missing") for p in cut.verification.problems)
    assert cut.view().state == "failed"


def test_the_reports_first_page_says_whether_a_cut_would_show_060(signed, monkeypatch) -> None:
    """The Clerk's first page claims "none was removed" only as far as the check can tell: without the witness
    it says (in yellow) that records cut from the end would not show; with it, green."""
    from status_guard.audit.keys import load_public_key
    from status_guard.compliance.report import Period, report_for
    from status_guard.compliance.wording import integrity_words
    from status_guard.policy import load_policy

    path, pub, witness, _ = signed
    key = load_public_key(str(pub))
    period, policy = Period.parse("2026-01-01", "2026-06-30"), load_policy(None)
    monkeypatch.delenv("STATUS_GUARD_AUDIT_WITNESS", raising=False)
    css, words = integrity_words(report_for(take_snapshot(f"jsonl:{path}", public_key=key), period, policy))
    assert css == "warn" and "cut from the end of the log would not show" in words
    css, words = integrity_words(report_for(take_snapshot(f"jsonl:{path}", public_key=key, witness=witness), period,
                                            policy))
    assert css == "ok" and "no record was altered, removed or added" in words


def test_a_complaint_packet_without_a_witness_is_yellow_and_says_a_cut_would_not_show_050(signed,
                                                                                           monkeypatch) -> None:
    """2.129.050: the packet the City Manager receives says as much as the check can tell — never the green
    "verified" of a log compared with its witness when none was given (w16c follow-up)."""
    from status_guard.audit.keys import load_public_key
    from status_guard.compliance.complaints import draft_complaint, log_sentence, packet_html
    from status_guard.policy import load_policy

    path, pub, witness, _ = signed
    key, policy = load_public_key(str(pub)), load_policy(None)
    monkeypatch.delenv("STATUS_GUARD_AUDIT_WITNESS", raising=False)
    alone = draft_complaint(take_snapshot(f"jsonl:{path}", public_key=key), 1, policy)
    assert alone.banner_css == "warn" and not alone.log_witnessed
    assert "would not show" in log_sentence(alone) and 'class="banner warn"' in packet_html(alone)
    seen = draft_complaint(take_snapshot(f"jsonl:{path}", public_key=key, witness=witness), 1, policy)
    assert seen.banner_css == "ok" and seen.log_witnessed
    assert log_sentence(seen) == "The audit log verified when this packet was drafted."
    _cut_to_first_end(path)
    cut = draft_complaint(take_snapshot(f"jsonl:{path}", public_key=key, witness=witness), 1, policy)
    assert cut.banner_css == "bad" and "DID NOT VERIFY" in log_sentence(cut)


@pytest.mark.parametrize("read_after_growth", [True, False])
def test_a_running_dashboard_raises_the_alarm_when_the_log_is_put_back_as_it_was_060(signed, read_after_growth) -> None:
    """w16d F22: a dashboard running while an entry is recorded and the log then put back as it was (a cut back to
    an earlier end marker, the old bytes exactly) must turn red once its witness copy is fresh — a verdict cached
    for those bytes, or reached against an older copy of the witness, is not the answer."""
    import time

    from status_guard.audit.keys import load_public_key

    path, pub, witness, sk = signed
    reader = LogReader(f"jsonl:{path}", public_key=load_public_key(str(pub)), witness=witness,
                       witness_seconds=60 if read_after_growth else 0.2)
    assert reader.snapshot().verification.ok
    before = path.read_bytes()
    with open_audit(f"jsonl:{path}", signing_key=str(sk), witness=witness, fsync="never") as log:
        log.append({**EV, "event": {**EV["event"], "event_id": "evt00000000000000ff"}})
    if read_after_growth:
        assert reader.snapshot().verification.ok
    path.write_bytes(before)  # the insider puts the file back as it was before the entry
    if not read_after_growth:
        # the same bytes as the last read: the change shows when the witness copy is next read (the dashboard
        # keeps it 5 s by default); when the reader saw the log grow, the cut is a change and shows at once
        time.sleep(0.3)
    cut = reader.snapshot()
    assert not cut.verification.ok and cut.view().state == "failed"
    assert "truncated" in cut.verification.problem_kinds
    assert not reader.snapshot().verification.ok  # and it stays red
