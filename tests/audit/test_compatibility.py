"""Logs written before tree heads (record version 1, from the status_guard that first shipped).

Invariant: a version-1 log still verifies with its public key and its v1 anchors, and is still
caught when edited; a new writer (with the same key) continues it, and the mixed log verifies.
The fixture in data/ was written by the previous release's code (a test key, not a secret).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from status_guard.audit import open_audit
from status_guard.audit.keys import load_private_key, load_public_key

DATA = Path(__file__).parent / "data"
REC = {"action": "collect", "effect": "block", "adapter": "asgi", "citations": ["2.129.040(b)"],
       "fields": ["guardian.citizenship"], "requester": {"class": "local"}}


def _copy(tmp_path: Path) -> Path:
    path = tmp_path / "v1.jsonl"
    shutil.copy(DATA / "v1-signed.jsonl", path)
    return path


def test_a_version_1_log_still_verifies_with_its_key_and_anchor(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    pub = load_public_key(DATA / "v1-signing.pub")
    anchor = json.loads((DATA / "v1-anchor.json").read_text())
    r = open_audit(f"jsonl:{path}").verify(pub, anchors=[anchor])
    assert r.ok, r.problems
    assert r.checkpoints_verified >= 2 and r.tamper_evident
    lines = path.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b'"effect":"block"', b'"effect":"allow"')
    path.write_bytes(b"".join(lines))
    assert "edited" in open_audit(f"jsonl:{path}").verify(pub).problem_kinds


def test_a_new_writer_continues_a_version_1_log(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    sk = load_private_key(DATA / "v1-signing.pem")
    log = open_audit(f"jsonl:{path}", signing_key=sk, checkpoint_seconds=0)
    log.append(REC)
    log.close()
    r = open_audit(f"jsonl:{path}").verify(sk.public_key())
    assert r.ok, r.problems
    versions = {json.loads(x)["v"] for x in path.read_bytes().splitlines()}
    assert versions == {1, 2}
    again = open_audit(f"jsonl:{path}", signing_key=sk, checkpoint_seconds=0)  # and the next one from its tree head
    again.append(REC)
    again.close()
    assert open_audit(f"jsonl:{path}").verify(sk.public_key()).ok
