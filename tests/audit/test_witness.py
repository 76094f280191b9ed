"""Witnessed tree heads (issue 14, item 2).

Invariants:
* every N records and every T seconds, and at each session's start and end, a tree head goes to the
  witness, and the witness's heads for one log form a single chain of verified consistency proofs;
* a log that was cut back and grown again, or that showed two roots for one size, is reported by
  `audit witness check` from the heads alone (fork / equivocation), without reading the log;
* `audit verify --witness` catches a live log cut, a cut tail and a cut back to a session boundary,
  and reports a log swapped for another one;
* a writer whose witness stays unreachable past the lag bound refuses (503) instead of writing a
  log nobody outside has seen, and resumes when the witness answers again.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.audit import AuditDiscontinuityError, AuditUnavailableError, open_audit
from status_guard.audit.witness import WitnessBook, open_witness
from status_guard.audit.witness.memory import MemoryWitness
from status_guard.cli import cli

REC = {"action": "collect", "effect": "block", "adapter": "asgi", "citations": ["2.129.040(b)"],
       "fields": ["guardian.citizenship"], "requester": {"class": "local"}}


class WriteOnly(MemoryWitness):
    """A witness the writer cannot read back (like syslog): writers starting later do not compare."""

    readable = False


def _log(spec: str, sk: Any, witness: Any, **kw: Any) -> Any:
    kw.setdefault("checkpoint_every", 5)
    kw.setdefault("checkpoint_seconds", 0)
    log = open_audit(spec, signing_key=sk, witness=witness, fsync="never", **kw)
    log.recheck_interval = 0.0
    return log


def _book(w: Any, sk: Any) -> WitnessBook:
    return WitnessBook([sk.public_key()]).extend(w.entries())


def test_heads_go_to_the_witness_every_n_records_every_t_seconds_and_at_session_ends(tmp_path: Path) -> None:
    sk = Ed25519PrivateKey.generate()
    w = MemoryWitness()
    log = _log(f"jsonl:{tmp_path / 'a.jsonl'}", sk, w, checkpoint_seconds=0.3)
    for _ in range(12):
        log.append(REC)
    assert log.flush_witness(5)
    sizes = [e["sth"]["size"] for e in w.stored]
    assert sizes == [0, 6, 12]  # start, then after every 5 records (each head is itself a record)
    time.sleep(1.0)  # the timer writes a head for the 2 records after the last one
    assert log.flush_witness(5)
    assert [e["sth"]["kind"] for e in w.stored][-1] == "checkpoint" and w.stored[-1]["sth"]["size"] == 15
    log.close()
    assert w.stored[-1]["sth"]["kind"] == "end"
    assert [f for f in _book(w, sk).check() if f.kind != "discontinuity"] == []  # one linked, signed chain
    v = open_audit(f"jsonl:{tmp_path / 'a.jsonl'}").verify(sk.public_key(), witness=w.stored)
    assert v.ok and v.witness_heads_matched == len(w.stored)


def test_witness_check_reports_a_fork_and_an_equivocation_from_the_heads_alone(tmp_path: Path) -> None:
    """With a write-only witness, writers that start after a cut accept the cut log; the witness,
    which holds the earlier heads, shows that the history was rewritten."""
    sk = Ed25519PrivateKey.generate()
    w = WriteOnly()
    path = tmp_path / "a.jsonl"
    log = _log(f"jsonl:{path}", sk, w)
    for _ in range(12):
        log.append(REC)
    log.close()
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:8]))  # back to 8 records (past the head at size 6)
    log2 = _log(f"jsonl:{path}", sk, w)  # a writer restarted on the cut log
    for _ in range(10):
        log2.append(REC)
    log2.close()
    kinds = {f.kind for f in _book(w, sk).check()}
    assert "fork" in kinds  # the restarted writer proves its heads from size 6, the witness holds 12 too
    (tmp_path / "empty").mkdir()
    res = CliRunner().invoke(cli, ["audit", "witness", "check", "--witness", f"dir:{tmp_path}/empty"])
    assert res.exit_code == 0  # an empty witness is consistent (nothing to compare)
    res = CliRunner().invoke(cli, ["audit", "witness", "check", "--witness", f"dir:{tmp_path}/nowhere"])
    assert res.exit_code == 2 and "does not exist" in res.output  # a missing one is an error (r14b F9)


def test_equivocation_two_roots_for_one_size_is_named(tmp_path: Path) -> None:
    sk = Ed25519PrivateKey.generate()
    w = WriteOnly()
    path = tmp_path / "a.jsonl"
    log = _log(f"jsonl:{path}", sk, w, checkpoint_every=1000)
    for _ in range(4):
        log.append(REC)
    log.checkpoint()
    log.close()
    n = len(path.read_bytes().splitlines())
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:3]))  # cut to 3 records and grow back to the same size
    log2 = _log(f"jsonl:{path}", sk, w, checkpoint_every=1000)
    log2.append({**REC, "effect": "allow"})  # 3 continuation, 4
    log2.checkpoint()  # a head for size 5 again, over other records
    log2.close()
    assert n > 5
    found = [f for f in _book(w, sk).check() if f.kind == "equivocation"]
    assert found and found[0].size == 5


@pytest.mark.parametrize("how", ["cut_tail", "cut_to_session_end", "live_cut"])
def test_verify_with_the_witness_catches_cuts_the_chain_cannot(tmp_path: Path, how: str) -> None:
    sk = Ed25519PrivateKey.generate()
    w = MemoryWitness()
    path = tmp_path / "a.jsonl"
    for _session in range(2):
        log = _log(f"jsonl:{path}", sk, w)
        for _ in range(7):
            log.append(REC)
        if how == "live_cut" and _session == 1:
            break
        log.close()
    log.flush_witness(5)
    lines = path.read_bytes().splitlines(keepends=True)
    if how == "cut_to_session_end":
        end = max(i for i, x in enumerate(lines[:-1]) if b'"kind":"end"' in x)
        path.write_bytes(b"".join(lines[: end + 1]))  # a log that "ended cleanly" after the first session
    else:
        path.write_bytes(b"".join(lines[:-4]))
    plain = open_audit(f"jsonl:{path}").verify(sk.public_key(), allow_open_tail=how == "live_cut")
    if how == "cut_to_session_end":
        assert plain.ok  # the chain and every signature still hold: only the witness knows more
    r = open_audit(f"jsonl:{path}").verify(sk.public_key(), allow_open_tail=True, witness=w.stored)
    assert not r.ok and "truncated" in r.problem_kinds
    # the officer is told where the log now stops, against the witness's latest head
    assert any(p.message.startswith("records after seq ") and "were cut from the end" in p.message
               for p in r.problems)


def test_verify_with_the_witness_reports_a_swapped_log(tmp_path: Path) -> None:
    sk = Ed25519PrivateKey.generate()
    w = MemoryWitness()
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for p in (a, b):
        log = _log(f"jsonl:{p}", sk, w if p == a else MemoryWitness())
        log.append(REC)
        log.close()
    r = open_audit(f"jsonl:{b}").verify(sk.public_key(), witness=w.stored)
    assert "swapped" in r.problem_kinds
    first = open_audit(f"jsonl:{a}").verify(sk.public_key(), witness=w.stored)
    r2 = open_audit(f"jsonl:{b}").verify(sk.public_key(), expected_log_id=first.log_id)
    assert "swapped" in r2.problem_kinds and "not the expected log" in r2.problems[0].message


def test_a_starting_writer_compares_the_log_with_the_witness(tmp_path: Path) -> None:
    sk = Ed25519PrivateKey.generate()
    w = MemoryWitness()
    path = tmp_path / "a.jsonl"
    log = _log(f"jsonl:{path}", sk, w)
    for _ in range(7):
        log.append(REC)
    log.close()
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:4]))
    with pytest.raises(AuditDiscontinuityError, match="witness saw"):
        _log(f"jsonl:{path}", sk, w).append(REC)
    path.unlink()
    with pytest.raises(AuditDiscontinuityError, match="deleted or truncated"):
        _log(f"jsonl:{path}", sk, w).append(REC)
    # the operator records the loss; the new log names the one it replaces; writers start again
    r = _log(f"jsonl:{path}", sk, w)
    rec = r.recover(ticket="INC-7")
    r.close()
    assert rec["discontinuity"]["reason"] == "deleted" and "previous_log" in rec["discontinuity"]
    ok = _log(f"jsonl:{path}", sk, w)
    ok.append(REC)
    ok.close()


def test_an_unreachable_witness_past_the_lag_bound_refuses_then_resumes(tmp_path: Path) -> None:
    sk = Ed25519PrivateKey.generate()
    w = MemoryWitness()
    log = _log(f"jsonl:{tmp_path / 'a.jsonl'}", sk, w, checkpoint_every=3, witness_max_lag=6)
    log.append(REC)
    assert log.flush_witness(5)
    w.down = True
    with pytest.raises(AuditUnavailableError, match="witness"):
        for _ in range(20):
            log.append(REC)
    w.down = False
    assert log.flush_witness(10)
    log.append(REC)
    log.close()
    assert [f for f in _book(w, sk).check() if f.is_problem] == []


@pytest.fixture
def witness_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    from status_guard.audit.witness.server import make_server

    store = tmp_path / "witness-store"
    server = make_server(str(store), "127.0.0.1", 0)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/heads", store
    server.shutdown()
    server.server_close()


def test_http_witness_server_stores_heads_serves_the_latest_and_refuses_equivocation(
        tmp_path: Path, witness_server: tuple[str, Path]) -> None:
    url, store = witness_server
    sk = Ed25519PrivateKey.generate()
    path = tmp_path / "a.jsonl"
    log = _log(f"jsonl:{path}", sk, url)
    for _ in range(6):
        log.append(REC)
    log.close()
    w = open_witness(url)
    assert w is not None and w.readable
    latest = w.latest(f"jsonl:{path}")
    assert latest is not None and latest["sth"]["kind"] == "end"
    # the server keeps the same heads on disk: checkable offline
    res = CliRunner().invoke(cli, ["audit", "witness", "check", "--witness", f"dir:{store}"])
    assert res.exit_code == 0, res.output
    # a second head for a size already held, with another root: refused (409) and kept as evidence
    forged = json.loads(json.dumps(latest))
    forged["sth"]["root"] = "ab" * 32
    with pytest.raises(Exception, match="409"):
        w.submit(forged)
    assert CliRunner().invoke(cli, ["audit", "witness", "check", "--witness", f"dir:{store}"]).exit_code == 1
    # a writer starting later reads the witness over HTTP: a deleted log is refused
    path.unlink()
    with pytest.raises(AuditDiscontinuityError):
        _log(f"jsonl:{path}", sk, url).append(REC)


def test_syslog_tcp_witness_delivers_one_parsable_message_per_head(tmp_path: Path) -> None:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    got: list[bytes] = []

    def collect() -> None:
        conn, _ = srv.accept()
        buf = b""
        conn.settimeout(5)
        try:
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                buf += chunk
        except OSError:
            pass
        while buf:  # RFC 6587 octet counting: "LEN SP MSG"
            n, _, rest = buf.partition(b" ")
            got.append(rest[: int(n)])
            buf = rest[int(n):]

    t = threading.Thread(target=collect, daemon=True)
    t.start()
    sk = Ed25519PrivateKey.generate()
    log = _log(f"jsonl:{tmp_path / 'a.jsonl'}", sk, f"syslog+tcp://127.0.0.1:{srv.getsockname()[1]}")
    for _ in range(6):
        log.append(REC)
    log.close()
    t.join(timeout=10)
    srv.close()
    assert len(got) >= 3
    entries = [json.loads(m[m.index(b"{"):]) for m in got]
    assert all(m.startswith(b"<85>1 ") and b" status_guard_witness " in m for m in got)
    assert [f for f in WitnessBook([sk.public_key()]).extend(entries).check() if f.is_problem] == []


@pytest.mark.postgres
def test_postgres_witness_keeps_heads_for_verify(tmp_path: Path, pg_spec: str) -> None:
    from status_guard.audit.witness.postgres import PostgresWitness

    dsn = pg_spec.split("?")[0]
    spec = f"{dsn}?table=sg_witness_{uuid.uuid4().hex[:10]}"
    w = open_witness(spec)
    assert isinstance(w, PostgresWitness)
    try:
        sk = Ed25519PrivateKey.generate()
        log = _log(pg_spec, sk, spec)
        for _ in range(6):
            log.append(REC)
        log.close()
        from cryptography.hazmat.primitives import serialization

        pub = tmp_path / "s.pub"
        pub.write_bytes(sk.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
        # a signed log is checked with its public key; without it: "cannot verify" (w16d F02)
        res = CliRunner().invoke(cli, ["audit", "verify", "--audit", pg_spec, "--witness", spec,
                                       "--public-key", str(pub)])
        assert res.exit_code == 0, res.output
        assert "witness: " in res.output and "head(s) match" in res.output
    finally:
        w.drop()


def test_witness_pull_copies_only_newer_heads_from_the_log(tmp_path: Path) -> None:
    sk = Ed25519PrivateKey.generate()
    path = tmp_path / "a.jsonl"
    log = _log(f"jsonl:{path}", sk, None)
    for _ in range(11):
        log.append(REC)
    log.close()
    store = f"dir:{tmp_path / 'pulled'}"
    refused = CliRunner().invoke(cli, ["audit", "witness", "pull", "--audit", f"jsonl:{path}", "--witness", store])
    assert refused.exit_code == 3 and "do NOT pull" in refused.output  # never seeded silently (w16f F01)
    r = CliRunner().invoke(cli, ["audit", "witness", "pull", "--audit", f"jsonl:{path}", "--witness", store,
                                 "--first-copy"])
    assert r.exit_code == 0, r.output
    assert "pulled 4 tree head(s)" in r.output  # start, two checkpoints, end
    r2 = CliRunner().invoke(cli, ["audit", "witness", "pull", "--audit", f"jsonl:{path}", "--witness", store])
    assert "pulled 0 tree head(s)" in r2.output and "already holds" in r2.output  # a head already held is not stored twice
    assert len((tmp_path / "pulled" / "heads.jsonl").read_bytes().splitlines()) == 4
    # a signed log read without its public key cannot be verified, witness or not (issue 16 item 5, w16d F02)
    v = CliRunner().invoke(cli, ["audit", "verify", "--audit", f"jsonl:{path}", "--witness", store])
    assert v.exit_code == 3 and "CANNOT VERIFY (key not supplied)" in v.output, v.output
    from cryptography.hazmat.primitives import serialization

    pub = tmp_path / "s.pub"
    pub.write_bytes(sk.public_key().public_bytes(serialization.Encoding.PEM,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo))
    v = CliRunner().invoke(cli, ["audit", "verify", "--audit", f"jsonl:{path}", "--witness", store,
                                 "--public-key", str(pub)])
    assert v.exit_code == 0, v.output


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sessions=st.lists(st.integers(1, 9), min_size=1, max_size=4), every=st.integers(1, 4))
def test_the_witness_chain_of_an_untouched_log_is_always_linked_and_consistent(
        tmp_path_factory: pytest.TempPathFactory, sessions: list[int], every: int) -> None:
    sk = Ed25519PrivateKey.generate()
    w = MemoryWitness()
    path = tmp_path_factory.mktemp("w") / "a.jsonl"
    for n in sessions:
        log = _log(f"jsonl:{path}", sk, w, checkpoint_every=every)
        for _ in range(n):
            log.append(REC)
        log.close()
    assert [f for f in _book(w, sk).check() if f.kind != "discontinuity"] == []
    v = open_audit(f"jsonl:{path}").verify(sk.public_key(), witness=w.stored)
    assert v.ok and v.witness_heads_matched == len({e["sth"]["size"] for e in w.stored})


@pytest.mark.parametrize("junk", [{"type": "unreadable", "line": 3}, {"type": "oversized", "line": 4}, {"sth": 1}])
def test_an_unreadable_witness_entry_is_warned_never_silently_skipped(tmp_path: Path, junk: Any) -> None:
    """w16e F11: damage to the witness (the anchor against a cut tail) is visible in the verification; the
    readable heads are still compared (the log stays VALID). Look-alike: a clean witness has no such warning."""
    sk = Ed25519PrivateKey.generate()
    w = MemoryWitness()
    log = _log(f"jsonl:{tmp_path / 'a.jsonl'}", sk, w)
    for _ in range(6):
        log.append(REC)
    log.close()
    clean = open_audit(f"jsonl:{tmp_path / 'a.jsonl'}").verify(sk.public_key(), witness=w.stored)
    assert clean.ok and not any("readable tree head" in x for x in clean.warnings)
    v = open_audit(f"jsonl:{tmp_path / 'a.jsonl'}").verify(sk.public_key(), witness=[*w.stored, junk])
    assert v.ok and v.witness_heads_matched == len(w.stored)
    assert any("1 entry of the witness is not a readable tree head" in x for x in v.warnings)
