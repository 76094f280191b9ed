"""w16e F09 — voiding a correction never makes the original fact disappear (2.129.060(d)).

Invariant: withdrawing (voiding) a correction withdraws that correction only: the record it replaced counts
again, as it was recorded, and the report's corrections table says so ("record N counts again") with what
changed back; voiding a record that corrects nothing withdraws the fact. After any sequence of corrections
and voids, the 060(d) figure is the model's: the last version not withdrawn, or nothing.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard
from status_guard.audit import open_audit
from status_guard.compliance import EventRecorder, take_snapshot
from status_guard.compliance.report import Period, report_for

H1 = Period.parse("2026-01-01", "2026-06-30")
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))

OPS = st.lists(st.one_of(st.tuples(st.just("correct"), st.integers(1, 999)), st.tuples(st.just("void"), st.just(0))),
               max_size=6)


def _recorder(path: Any, policy: Any) -> tuple[EventRecorder, Any]:
    log = open_audit(f"jsonl:{path}", fsync="never")
    return EventRecorder(Guard(policy, audit=log), person_key=secrets.token_bytes(32),
                         department="Police Department"), log


@SETTINGS
@given(ops=OPS)
def test_a_withdrawn_correction_puts_back_the_fact_it_replaced_060d(tmp_path_factory, ops):
    from status_guard.policy import load_policy

    policy = load_policy(None)
    path = tmp_path_factory.mktemp("f09") / "a.jsonl"
    rec, log = _recorder(path, policy)
    first = rec.record("federal_reimbursement", case_ref="C-1", amount="100.00", occurred_at="2026-02-01 10:00 EST")
    versions = [(first["seq"], Decimal("100.00"))]  # the model: the chain of versions still standing
    restored_seqs = []
    for op, n in ops:
        if not versions:
            break
        seq, _ = versions[-1]
        if op == "correct":
            if Decimal(f"{n}.00") == versions[-1][1]:
                continue  # nothing to correct (the recorder refuses a correction that changes nothing)
            stored = rec.correct(seq, reason="wrong_details", amount=f"{n}.00")
            versions.append((stored["seq"], Decimal(f"{n}.00")))
        else:
            rec.void(seq, reason="entered_in_error")
            versions.pop()
            if versions:
                restored_seqs.append(versions[-1][0])
    log.close()
    rep = report_for(take_snapshot(f"jsonl:{path}"), H1, policy)
    got = {(c.case_ref, c.total) for c in rep.reimbursements}
    assert got == ({("C-1", versions[-1][1])} if versions else set()), (ops, got)
    said = [c for c in rep.corrections if "counts again" in c.action]
    assert [int(c.action.split("record ")[1].split()[0]) for c in said] == restored_seqs


def test_the_officer_is_told_the_original_counts_again_and_how_to_withdraw_it(tmp_path):
    from click.testing import CliRunner

    from status_guard.cli import cli

    log = f"jsonl:{tmp_path / 'a.jsonl'}"

    def run(*a: str) -> str:
        r = CliRunner().invoke(cli, [*a, "--audit", log], env={"NO_COLOR": "1"})
        assert r.exit_code == 0, r.output
        return r.output

    run("events", "add", "federal_reimbursement", "--case", "C-1", "--amount", "100.00", "--occurred-at",
        "2026-02-01 10:00 EST")
    out = run("events", "correct", "1", "--reason", "wrong_details", "--amount", "200.00")
    seq = out.split(" as seq ")[1].split()[0]
    out = run("events", "void", seq, "--reason", "entered_in_error")
    assert "record 1 counts again" in out and "status-guard events void 1" in out
    md = run("report", "semiannual", "--from", "2026-01-01", "--to", "2026-06-30", "--format", "md")
    assert "| C-1 | USD | 1 | $100.00 |" in md and "counts again" in md and "$200.00 → $100.00" in md.replace(
        "200.00 → 100.00", "$200.00 → $100.00"), md
