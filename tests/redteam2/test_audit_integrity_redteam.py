"""An insider with write access to the log file re-hashes it: what does verification claim?"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from status_guard.audit import open_audit
from status_guard.audit.canonical import canonical, record_hash
from status_guard.audit.sinks.jsonl import JsonlSink
from status_guard.audit.verify import verify_items
from status_guard.cli import cli
from status_guard.compliance.render import verification_sentence
from status_guard.compliance.report import Period, compute_semiannual
from status_guard.compliance.source import take_snapshot


def _decision(effect: str = "block") -> dict[str, Any]:
    return {"adapter": "asgi", "action": "collect", "effect": effect, "citations": ["2.129.040(b)"],
            "fields": ["citizenship"], "route": "POST /enroll"}


def _rehash(records: list[dict[str, Any]], key: bytes | None = None) -> list[dict[str, Any]]:
    """What an insider does after editing: renumber and recompute every hash from the start."""
    prev = "0" * 64
    out = []
    for i, r in enumerate(records):
        r = {k: v for k, v in r.items() if k != "hash"}
        r["seq"], r["prev_hash"] = i, prev
        r["hash"] = record_hash(r, key)
        prev = r["hash"]
        out.append(r)
    return out


def _read(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def _write(path: Path, records: list[dict[str, Any]]) -> None:
    path.write_bytes(b"".join(canonical(r) + b"\n" for r in records))


def test_rehashed_sha256_chain_is_not_reported_as_proof_against_an_insider(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    log = open_audit(f"jsonl:{path}", fsync="never")
    for _ in range(3):
        log.append(_decision())
    log.close()
    recs = _read(path)
    del recs[2]  # the insider removes a refusal and re-hashes the chain
    _write(path, _rehash(recs))

    report = verify_items(JsonlSink(str(path)).raw_items())
    assert report.ok  # a plain SHA-256 chain cannot tell: that is why the claim must be qualified
    assert report.tamper_evident is False
    assert "NOT that it was not rewritten" in report.integrity_basis

    out = CliRunner().invoke(cli, ["audit", "verify", "--audit", f"jsonl:{path}"])
    assert out.exit_code == 0
    assert "consistent only" in out.output and "Plain SHA-256 chain" in out.output

    snap = take_snapshot(f"jsonl:{path}")
    today = datetime.now(timezone.utc).date()
    rep = compute_semiannual(snap, Period(today - timedelta(days=1), today + timedelta(days=1)))
    sentence = verification_sentence(rep)
    assert "VERIFIED" in sentence and "NOT that it was not rewritten" in sentence
    assert not rep.tamper_evident


def test_hmac_chain_verified_with_its_key_is_reported_as_insider_proof(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    path = tmp_path / "audit.jsonl"
    log = open_audit(f"jsonl:{path}", hmac_key=key, fsync="never")
    log.append(_decision())
    log.close()
    report = verify_items(JsonlSink(str(path)).raw_items(), hmac_key=key)
    assert report.ok and report.tamper_evident
    assert report.integrity_basis.startswith("HMAC-SHA256 chain checked with its key")


def test_closed_signed_log_whose_tail_checkpoints_were_dropped_and_rehashed_fails(tmp_path: Path) -> None:
    sk = Ed25519PrivateKey.generate()
    path = tmp_path / "audit.jsonl"
    log = open_audit(f"jsonl:{path}", signing_key=sk, checkpoint_every=3, fsync="never")
    for _ in range(8):
        log.append(_decision())
    log.close()
    recs = _read(path)
    first_cp = next(i for i, r in enumerate(recs) if r["kind"] == "checkpoint")
    # keep everything up to the first signed checkpoint; after it, drop a refusal and every later
    # checkpoint, then re-hash the tail (the checkpoint's own signature still covers its head)
    head, tail = recs[: first_cp + 1], recs[first_cp + 1:]
    tail = [r for r in tail if r["kind"] != "checkpoint"]
    del tail[0]
    forged = _rehash(head + tail)
    assert forged[first_cp]["hash"] == recs[first_cp]["hash"]  # the signed head is untouched
    _write(path, forged)

    report = verify_items(JsonlSink(str(path)).raw_items(), public_key=sk.public_key())
    assert not report.ok
    assert "unsigned" in report.problem_kinds
    assert report.checkpoints_verified == 1


def test_signed_log_closed_normally_still_verifies_with_the_public_key(tmp_path: Path) -> None:
    sk = Ed25519PrivateKey.generate()
    path = tmp_path / "audit.jsonl"
    log = open_audit(f"jsonl:{path}", signing_key=sk, checkpoint_every=3, fsync="never")
    for _ in range(8):
        log.append(_decision())
    log.close()
    # a second writer session, also signing, continues and closes the log
    log2 = open_audit(f"jsonl:{path}", signing_key=sk, checkpoint_every=3, fsync="never")
    log2.append(_decision())
    log2.close()
    report = verify_items(JsonlSink(str(path)).raw_items(), public_key=sk.public_key())
    assert report.ok, report.problems
    assert report.tamper_evident and report.heads_verified >= 3
