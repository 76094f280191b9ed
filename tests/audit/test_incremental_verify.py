"""Verifying from a trusted state onward (the API the dashboard builds incremental verification on).

Invariant: verifying a log in pieces — a full verification, then `verify_sink(sink, state)` after
each batch of new records — gives the same verdict, record count, last seq and signed-head count
as one full verification at the end; a new record that is tampered with is found in the piece that
holds it; a prefix that no longer ends where the state says is refused, never silently re-based.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.audit import open_audit
from status_guard.audit.verify import VerifiedState, verify_sink

REC = {"action": "collect", "effect": "block", "adapter": "asgi", "citations": ["2.129.040(b)"],
       "fields": ["guardian.citizenship"], "requester": {"class": "local"}}
SK = Ed25519PrivateKey.generate()


def _spec(tmp: Path, scheme: str) -> str:
    return "memory:" if scheme == "memory" else f"{scheme}:{tmp / ('a.' + scheme)}"


@pytest.mark.parametrize("scheme", ["jsonl", "sqlite", "memory"])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.integers(1, 9), min_size=1, max_size=5), every=st.integers(2, 6))
def test_verifying_in_pieces_agrees_with_one_full_verification(tmp_path_factory: pytest.TempPathFactory, scheme: str,
                                                               batches: list[int], every: int) -> None:
    spec = _spec(tmp_path_factory.mktemp("inc"), scheme)
    log = open_audit(spec, signing_key=SK, fsync="never", checkpoint_every=every, checkpoint_seconds=0)
    log.append(REC)
    state = verify_sink(log.sink, public_key=SK.public_key(), allow_open_tail=True).state
    assert state is not None
    for n in batches:
        for _ in range(n):
            log.append(REC)
        part = verify_sink(log.sink, VerifiedState.from_dict(state.as_dict()), public_key=SK.public_key(),
                           allow_open_tail=True)
        full = verify_sink(log.sink, public_key=SK.public_key(), allow_open_tail=True)
        assert part.ok and full.ok, (part.problems, full.problems)
        assert (part.count, part.last_seq, part.heads_verified) == (full.count, full.last_seq, full.heads_verified)
        assert part.state is not None and part.state.frontier == full.state.frontier  # type: ignore[union-attr]
        state = part.state
    log.close()
    closing = verify_sink(log.sink, state, public_key=SK.public_key())
    assert closing.ok and closing.ended_cleanly


@pytest.mark.parametrize("scheme", ["jsonl", "sqlite"])
def test_a_tampered_new_record_is_found_and_a_cut_prefix_is_refused(tmp_path: Path, scheme: str) -> None:
    spec = _spec(tmp_path, scheme)
    log = open_audit(spec, signing_key=SK, fsync="never", checkpoint_every=3, checkpoint_seconds=0)
    for _ in range(4):
        log.append(REC)
    state = verify_sink(log.sink, public_key=SK.public_key(), allow_open_tail=True).state
    assert state is not None
    for _ in range(4):
        log.append(REC)
    log.close()
    path = tmp_path / f"a.{scheme}"
    if scheme == "jsonl":
        lines = path.read_bytes().splitlines(keepends=True)
        lines[-2] = lines[-2].replace(b'"effect":"block"', b'"effect":"allow"')
        path.write_bytes(b"".join(lines))
    else:
        import sqlite3

        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE audit_log SET record = replace(record, '\"effect\":\"block\"', '\"effect\":\"allow\"') "
                         "WHERE seq = (SELECT max(seq) - 1 FROM audit_log)")
    r = verify_sink(log.sink, state, public_key=SK.public_key())
    assert not r.ok and "edited" in r.problem_kinds
    if scheme == "jsonl":
        lines = path.read_bytes().splitlines(keepends=True)
        path.write_bytes(b"".join(lines[:3]))
    else:
        import sqlite3

        with sqlite3.connect(path) as conn:
            conn.execute("DELETE FROM audit_log WHERE seq > 2")
    cut = verify_sink(log.sink, state, public_key=SK.public_key())
    assert not cut.ok and ("verify in full" in cut.problems[0].message or "cut" in cut.problems[0].message)


def test_state_survives_a_round_trip_through_json(tmp_path: Path) -> None:
    import json

    log = open_audit(f"jsonl:{tmp_path / 'a.jsonl'}", signing_key=SK, checkpoint_seconds=0)
    log.append(REC)
    state: Any = verify_sink(log.sink, allow_open_tail=True).state
    again = VerifiedState.from_dict(json.loads(json.dumps(state.as_dict())))
    assert again == state
