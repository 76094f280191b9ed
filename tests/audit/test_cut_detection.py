"""A log cut back — to an earlier end marker, to a checkpoint, anywhere — never verifies VALID against
the witness that saw the records cut (issue 16, w16c F01).

The 2.129.060 semiannual report counts what the audit log holds: an insider who deletes the log's tail
makes detainer requests, holds and refusals disappear from the figures the City Clerk publishes. Every
record that remains is genuine and signed, and a cut back to an earlier session's end marker leaves a
log that "ended cleanly", so nothing inside the log can show the cut. Only a tree head kept outside it
(the witness, or an anchor the officer keeps) says how long the log was.

Invariants:
* for any log (sessions of any length, checkpoints every few records) and any truncation point, verifying
  against the witness's heads reports ``truncated`` — never ok — whenever a record the witness saw (up to
  and including the marker that carried its latest head) is gone, and names where the log now stops;
* a cut that also grows the log again (the tail replaced) is reported (the prefix no longer matches);
* without a witness, `audit verify` of a signed log says CANNOT FULLY VERIFY (yellow, exit 3), never
  VALID; with the witness, a cut log is INVALID (exit 1) naming "records after seq N are missing".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.audit import open_audit
from status_guard.audit.keys import write_signing_keypair
from status_guard.audit.sinks.jsonl import JsonlSink
from status_guard.audit.verify import verify_items
from status_guard.audit.witness.memory import MemoryWitness
from status_guard.cli import cli

REC = {"kind": "event", "event": {"type": "detainer_request", "person_ref": "ab" * 32,
                                  "citation": "2.129.060(a)", "disclosable": True}}
SK = Ed25519PrivateKey.generate()


def _write(path: Path, sessions: list[int], every: int, witness: Any, sk: Any = SK, close_last: bool = True) -> None:
    for i, n in enumerate(sessions):
        log = open_audit(f"jsonl:{path}", signing_key=sk, witness=witness, fsync="never", checkpoint_every=every,
                         checkpoint_seconds=0)
        for _ in range(n):
            log.append(REC)
        if i == len(sessions) - 1 and not close_last:
            log.flush_witness(5)
            return
        log.close()


def _verify(path: Path, witness: MemoryWitness, allow_open: bool) -> Any:
    return verify_items(JsonlSink(str(path)).raw_items(), public_key=SK.public_key(), allow_open_tail=allow_open,
                        witness_heads=list(witness.stored))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sessions=st.lists(st.integers(1, 9), min_size=1, max_size=4), every=st.integers(2, 6),
       close_last=st.booleans(), data=st.data(), allow_open=st.booleans())
def test_a_cut_log_never_verifies_against_the_witness_that_saw_the_cut_records_060(
        tmp_path_factory: Any, sessions: list[int], every: int, close_last: bool, data: Any, allow_open: bool) -> None:
    path = tmp_path_factory.mktemp("cut") / "audit.jsonl"
    w = MemoryWitness()
    _write(path, sessions, every, w, close_last=close_last)
    lines = path.read_bytes().splitlines(keepends=True)
    seen = max(int(e["sth"]["size"]) for e in w.stored)  # the marker at seq `seen` carried the latest head
    assert seen < len(lines)
    # truncation points: anywhere, and (more often) just after an end marker or a checkpoint
    boundaries = [i + 1 for i, ln in enumerate(lines) if b'"kind":"end"' in ln or b'"kind":"checkpoint"' in ln]
    keep = data.draw(st.one_of(st.integers(1, len(lines) - 1) if len(lines) > 1 else st.just(1),
                               st.sampled_from(boundaries or [1])), label="keep")
    keep = min(keep, len(lines))
    path.write_bytes(b"".join(lines[:keep]))
    r = _verify(path, w, allow_open)
    if keep <= seen:  # the witness saw a record that is gone
        assert not r.ok, (keep, seen, r.problems)
        assert "truncated" in r.problem_kinds
        assert any(p.message.startswith(f"records after seq {keep - 1} are missing") for p in r.problems), r.problems
    # and the intact log itself verifies (the property is not vacuous)
    path.write_bytes(b"".join(lines))
    full = _verify(path, w, allow_open or not close_last)
    assert full.ok, full.problems


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.integers(1, 8), second=st.integers(1, 8), regrow=st.integers(1, 12))
def test_a_tail_cut_and_grown_again_does_not_match_the_witnessed_prefix_060(
        tmp_path_factory: Any, first: int, second: int, regrow: int) -> None:
    d = tmp_path_factory.mktemp("regrow")
    path = d / "audit.jsonl"
    w = MemoryWitness()
    _write(path, [first, second], 4, w)
    lines = path.read_bytes().splitlines(keepends=True)
    end1 = next(i for i, ln in enumerate(lines) if b'"kind":"end"' in ln)
    path.write_bytes(b"".join(lines[: end1 + 1]))
    # the insider (with the signing key, but not the witness) writes a different second session
    _write(path, [regrow], 4, None)
    r = _verify(path, w, False)
    assert not r.ok and r.problem_kinds & {"truncated", "witness_mismatch"}, r.problems


def test_the_officer_sees_the_cut_and_without_a_witness_never_valid_060(tmp_path: Path) -> None:
    sk_path, pub = tmp_path / "s.pem", tmp_path / "s.pem.pub"
    write_signing_keypair(str(sk_path), str(pub))
    witness = f"dir:{tmp_path / 'witness'}"
    path = tmp_path / "audit.jsonl"
    for _ in range(3):  # like the walkthrough: one short-lived writer per command
        with open_audit(f"jsonl:{path}", signing_key=str(sk_path), witness=witness) as log:
            log.append(REC)
    run = CliRunner()
    base = ["audit", "verify", "--audit", str(path), "--public-key", str(pub)]
    ok = run.invoke(cli, [*base, "--witness", witness])
    assert ok.exit_code == 0 and "Result: VALID" in ok.output, ok.output
    no_witness = run.invoke(cli, base)
    assert no_witness.exit_code == 3 and "CANNOT FULLY VERIFY (no witness given)" in no_witness.output
    assert "Result: VALID" not in no_witness.output
    lines = path.read_bytes().splitlines(keepends=True)
    end1 = next(i for i, ln in enumerate(lines) if b'"kind":"end"' in ln)
    path.write_bytes(b"".join(lines[: end1 + 1]))  # cut back to the first session's clean end
    cut = run.invoke(cli, [*base, "--witness", witness])
    assert cut.exit_code == 1, cut.output
    assert f"records after seq {end1} are missing" in cut.output and "Result: INVALID" in cut.output
    # the cut log alone still looks whole: exactly why the witness is needed
    alone = run.invoke(cli, base)
    assert alone.exit_code == 3 and "ended cleanly" in alone.output


def test_a_witness_that_holds_nothing_of_this_log_is_never_valid_060(tmp_path: Path) -> None:
    """A new, empty witness compared nothing: yellow (exit 3) with the command that fills it, not VALID."""
    sk_path, pub = tmp_path / "s.pem", tmp_path / "s.pem.pub"
    write_signing_keypair(str(sk_path), str(pub))
    path = tmp_path / "audit.jsonl"
    with open_audit(f"jsonl:{path}", signing_key=str(sk_path)) as log:  # written before the witness was set up
        log.append(REC)
    (tmp_path / "w").mkdir()
    base = ["audit", "verify", "--audit", str(path), "--public-key", str(pub), "--witness", f"dir:{tmp_path / 'w'}"]
    empty = CliRunner().invoke(cli, base)
    assert empty.exit_code == 3 and "the witness holds no tree head of this log" in empty.output
    assert "--first-copy" in empty.output and "not a sign of tampering" not in empty.output
    assert "Result: VALID" not in empty.output
    pulled = CliRunner().invoke(cli, ["audit", "witness", "pull", "--audit", str(path), "--witness",
                                      f"dir:{tmp_path / 'w'}", "--first-copy"])
    assert pulled.exit_code == 0, pulled.output
    ok = CliRunner().invoke(cli, base)
    assert ok.exit_code == 0 and "Result: VALID" in ok.output, ok.output
