"""Inclusion proofs: an officer proves one record is in the log to someone holding only a tree head
and the public key (issue 14, item 2).

Invariant: for every record covered by a signed tree head, `prove` gives a bundle that
`check_bundle` accepts with the public key; a bundle whose record, path, head or signature was
changed is refused; a head that the log no longer matches cannot be proved against.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.audit import open_audit
from status_guard.audit.errors import AuditConfigError
from status_guard.audit.proofs import check_bundle, prove
from status_guard.audit.sinks.jsonl import JsonlSink
from status_guard.audit.witness.memory import MemoryWitness
from status_guard.cli import cli

REC = {"action": "collect", "effect": "block", "adapter": "asgi", "citations": ["2.129.040(b)"],
       "fields": ["guardian.citizenship"], "requester": {"class": "local"}}


def _log(path: Path, sk: Any, n: int, **kw: Any) -> None:
    log = open_audit(f"jsonl:{path}", signing_key=sk, fsync="never", checkpoint_seconds=0, **kw)
    for i in range(n):
        log.append({**REC, "request_id": f"req-{i}"})
    log.close()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(1, 40), every=st.integers(1, 9), data=st.data())
def test_every_covered_record_can_be_proved_and_a_changed_bundle_cannot(tmp_path_factory: pytest.TempPathFactory,
                                                                         n: int, every: int, data: st.DataObject) -> None:
    sk = Ed25519PrivateKey.generate()
    path = tmp_path_factory.mktemp("p") / "a.jsonl"
    _log(path, sk, n, checkpoint_every=every)
    total = len(path.read_bytes().splitlines())
    seq = data.draw(st.integers(0, total - 2))  # the end marker's head covers everything before it
    bundle = prove(JsonlSink(str(path)), seq)
    assert check_bundle(bundle, sk.public_key()) == []
    assert bundle["tree_size"] > seq
    changed = json.loads(json.dumps(bundle))
    rec = orjson.loads(changed["record"])
    rec["effect"] = "allow" if rec.get("effect") != "allow" else "block"
    changed["record"] = orjson.dumps(rec).decode()
    assert check_bundle(changed, sk.public_key())
    if bundle["proof"]:
        bad = json.loads(json.dumps(bundle))
        bad["proof"][0] = "00" * 32
        assert check_bundle(bad, sk.public_key())
    other = json.loads(json.dumps(bundle))
    other["sth"]["root"] = "11" * 32
    assert check_bundle(other, sk.public_key())  # the signature no longer covers this head
    assert check_bundle(bundle, Ed25519PrivateKey.generate().public_key())  # another key


def test_proof_against_a_witness_head_and_the_cli_round_trip(tmp_path: Path) -> None:
    sk = Ed25519PrivateKey.generate()
    w = MemoryWitness()
    path = tmp_path / "a.jsonl"
    _log(path, sk, 9, checkpoint_every=4, witness=w)
    pub = tmp_path / "k.pub"
    from cryptography.hazmat.primitives import serialization

    pub.write_bytes(sk.public_key().public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo))
    head = tmp_path / "head.json"
    head.write_text(json.dumps(w.stored[1]))  # a witness entry: the head after 4 records
    out = tmp_path / "proof.json"
    r = CliRunner().invoke(cli, ["audit", "prove", "--audit", f"jsonl:{path}", "--seq", "3", "--head", str(head),
                                 "--out", str(out)])
    assert r.exit_code == 0, r.output
    wdir = tmp_path / "w"
    from status_guard.audit.witness import open_witness

    store = open_witness(f"dir:{wdir}")
    assert store is not None
    for e in w.stored:
        store.submit(e)
    ok = CliRunner().invoke(cli, ["audit", "check-proof", str(out), "--public-key", str(pub), "--witness", f"dir:{wdir}"])
    assert ok.exit_code == 0 and "PROVEN" in ok.output and "held by the witness" in ok.output, ok.output
    beyond = CliRunner().invoke(cli, ["audit", "prove", "--audit", f"jsonl:{path}", "--seq", "9", "--head", str(head)])
    assert beyond.exit_code == 2 and "not in it" in beyond.output


def test_a_head_the_log_no_longer_matches_cannot_be_proved_against(tmp_path: Path) -> None:
    sk = Ed25519PrivateKey.generate()
    w = MemoryWitness()
    path = tmp_path / "a.jsonl"
    _log(path, sk, 9, checkpoint_every=4, witness=w)
    lines = path.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b'"effect":"block"', b'"effect":"allow"')
    path.write_bytes(b"".join(lines))
    with pytest.raises(AuditConfigError, match="do not match the tree head"):
        prove(JsonlSink(str(path)), 1, w.stored[1]["sth"])
