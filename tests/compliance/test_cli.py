"""`status-guard events | obligations | report | complaint | dashboard` from the command line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from status_guard.cli import cli


@pytest.fixture
def run(log_path, key_file):
    runner = CliRunner()

    def go(*args: str, code: int = 0) -> str:
        res = runner.invoke(cli, list(args), env={"STATUS_GUARD_AUDIT": f"jsonl:{log_path}",
                                                  "STATUS_GUARD_PERSON_KEY_FILE": str(key_file)})
        assert res.exit_code == code, (res.output, res.stderr if hasattr(res, "stderr") else "")
        # a machine format is stdout alone (the verification line goes to stderr)
        return res.stdout if any(a in ("json", "jsonl", "csv") for a in args) else res.output

    return go


def test_events_add_records_a_detainer_and_opens_an_obligation(run, log_path):
    out = run("events", "add", "detainer_request", "--person-id", "booking-12", "--in-custody",
              "--occurred-at", "2026-02-01T08:00:00Z")
    assert "opened 2.129.040(g) obligation obl" in out
    assert b"booking-12" not in log_path.read_bytes()
    ref = out.split("obligation ")[1].split()[0]
    listing = run("obligations", "--now", "2026-02-03T00:00:00Z")
    assert "overdue" in listing and ref in listing
    run("obligations", "--now", "2026-02-03T00:00:00Z", "--fail-on-overdue", code=1)
    # the tool's own hint closes it: the person is taken from the obligation
    import shlex

    hint = shlex.split(out.split("then record:")[1].strip().splitlines()[0])
    assert hint[:4] == ["status-guard", "events", "add", "notice_delivered"]
    assert hint[-2:] == ["--occurred-at", "WHEN IT WAS GIVEN"]  # the printed command asks for the time (w16e F03)
    run(*hint[1:-1], "2026-02-01T20:00:00Z")
    assert "no open 2.129.040(g) obligations" in run("obligations")
    rows = json.loads(run("obligations", "--all", "--format", "json"))
    assert rows[0]["status"] == "closed_on_time" and rows[0]["late_by"] is None


def test_events_add_refuses_a_hold_on_a_detainer_alone_with_exit_1(run, log_path):
    out = run("events", "add", "detained_on_ice_hold", "--person-id", "b1", "--hold-basis", "ice_detainer",
              "--occurred-at", "2026-03-01T12:00:00Z", code=1)
    assert "2.129.040(d)" in out
    recs = [json.loads(line) for line in log_path.read_text().splitlines()]
    assert any(r.get("kind") == "decision" and r.get("effect") == "block" for r in recs)


def test_events_add_names_the_missing_parameter(run):
    out = run("events", "add", "federal_reimbursement", "--amount", "10.00", "--occurred-at", "2026-03-01T12:00:00Z", code=2)
    assert "case reference" in out


def test_report_semiannual_in_every_format(run, tmp_path):
    run("events", "add", "federal_reimbursement", "--case", "CPD-1", "--amount", "12.50",
        "--occurred-at", "2026-03-01 09:00 America/New_York")
    run("events", "add", "ice_cooperation", "--case", "INV-1", "--not-disclosable",
        "--occurred-at", "2026-03-01T14:00-05:00")
    md = run("report", "semiannual", "--from", "2026-01-01", "--to", "2026-06-30", "--format", "md")
    assert "VERIFIED" in md and "| CPD-1 | USD | 1 | $12.50 |" in md
    for fmt in ("html", "pdf", "csv", "json"):
        out = tmp_path / f"r.{fmt}"
        run("report", "semiannual", "--from", "2026-01-01", "--to", "2026-06-30", "--out", str(out))
        assert out.stat().st_size > 200
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert "cannot be publicly disclosed,1" in (tmp_path / "r.csv").read_text()


def test_report_on_a_tampered_log_exits_1_and_says_so_first(run, log_path, tmp_path):
    run("events", "add", "federal_reimbursement", "--case", "CPD-1", "--amount", "12.50", "--occurred-at", "2026-03-01T12:00:00Z")
    log_path.write_text(log_path.read_text().replace('"12.50"', '"1.50"'))
    out = tmp_path / "r.md"
    run("report", "semiannual", "--from", "2026-01-01", "--to", "2026-12-31", "--out", str(out), code=1)
    assert "DID NOT VERIFY" in out.read_text().splitlines()[2]


def test_report_refuses_a_backwards_period(run):
    run("events", "add", "federal_reimbursement", "--case", "CPD-1", "--amount", "1", "--occurred-at", "2026-03-01T12:00:00Z")
    assert "ends before" in run("report", "semiannual", "--from", "2026-06-30", "--to", "2026-01-01", code=2)


def test_complaint_draft_routes_a_police_refusal(run):
    run("events", "add", "detained_on_ice_hold", "--person-id", "b1", "--hold-basis", "administrative_warrant",
        "--occurred-at", "2026-03-01T12:00:00Z", code=1)
    assert json.loads(run("events", "list", "--format", "json")) == []  # the refused hold is not an event
    out = run("complaint", "draft", "--record", "1")
    assert "Professional Standards Unit" in out and "2.129.040(d)" in out


def test_dashboard_refuses_a_public_address_without_a_password(run):
    out = run("dashboard", "--host", "0.0.0.0", code=2)
    assert "--password-file" in out
