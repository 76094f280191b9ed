"""Review round 2 of issue 14 (r14b, 11 flaws): the audit log holds against an insider with write
access and no keys, and recovery never needs the evidence edited by hand.

Invariants tested here (one per flaw class):
* F2/F3/F6/F7 — a log the writers cannot extend (a line or row that is not a record, records out of
  storage order, an SQLite file truncated or deleted under its -wal) is recovered by `audit recover`:
  the damaged log is moved aside byte for byte (never deleted or overwritten), a new chained segment
  starts whose start marker and signed discontinuity name it, refusing writers resume, and `verify`
  of the new segment is VALID with the discontinuity declared.
* F5 — a running writer's check of its own last record compares the whole stored record, byte for
  byte, in every sink (not only the hash column).
* F6 — an SQLite file truncated or overwritten under a running writer is refused at the next append.
* F4 — a running writer never seals a fragment it did not write as a crashed write: it refuses.
* F10 — writers sharing a log refuse when it went back to exactly their last record after others
  appended (their records cut).
* F8 — a writer without the signing key refuses to write into a signed log (heartbeat exits 2).
* F9 — a missing witness directory is an error (verify/witness check exit 2), never an empty witness;
  a writer never creates the witness directory's missing parents.
* F1 — a replayed older head appended to an append-only witness never counts as the latest.
* F11 — reads of a witness or log that is a FIFO are refused, never block.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.audit import AuditUnavailableError, open_audit
from status_guard.audit.witness import WitnessError
from status_guard.audit.witness.directory import DirectoryWitness
from status_guard.cli import cli

REC = {"action": "collect", "effect": "block", "adapter": "asgi", "citations": ["2.129.040(b)"],
       "fields": ["guardian.citizenship"], "requester": {"class": "local"}}
SIGNING = Ed25519PrivateKey.generate()
FAST = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _writer(spec: str, **kw: Any) -> Any:
    log = open_audit(spec, fsync="never", signing_key=SIGNING, checkpoint_every=4, checkpoint_seconds=0, **kw)
    log.recheck_interval = 0.0
    return log


def _refuses(log: Any) -> bool:
    try:
        log.append(REC)
    except AuditUnavailableError:
        return True
    return False


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _jsonl_edit(path: Path, edit: str, junk: bytes) -> None:
    lines = path.read_bytes().splitlines()
    if edit == "junk":
        lines.append(junk)
    elif edit == "swap_last_two":
        lines[-1], lines[-2] = lines[-2], lines[-1]
    elif edit == "drop_middle_after_head":
        del lines[-2]
    path.write_bytes(b"".join(x + b"\n" for x in lines))


def _sqlite_edit(path: Path, edit: str, junk: bytes) -> None:
    k = sqlite3.connect(path, isolation_level=None)
    try:
        (s1, r1), (s2, r2) = k.execute("SELECT seq, record FROM audit_log ORDER BY seq DESC LIMIT 2").fetchall()
        if edit == "junk":
            k.execute("INSERT INTO audit_log SELECT seq+1,time,kind,adapter,effect,requester,hash,? FROM audit_log "
                      "WHERE seq=?", (junk.decode("latin-1"), s1))
        elif edit == "swap_last_two":
            k.execute("UPDATE audit_log SET record=? WHERE seq=?", (r2, s1))
            k.execute("UPDATE audit_log SET record=? WHERE seq=?", (r1, s2))
        elif edit == "drop_middle_after_head":
            k.execute("DELETE FROM audit_log WHERE seq=?", (s2,))
    finally:
        k.close()


@FAST
@given(sink=st.sampled_from(["jsonl", "sqlite"]), edit=st.sampled_from(["junk", "swap_last_two", "drop_middle_after_head"]),
       n=st.integers(min_value=1, max_value=9),
       junk=st.one_of(st.just(b""), st.just(b"hello world"), st.binary(min_size=1, max_size=40).filter(
           lambda b: b"\n" not in b and b"\r" not in b)))
def test_recover_moves_a_log_writers_cannot_extend_aside_and_writers_resume(
        tmp_path_factory: pytest.TempPathFactory, sink: str, edit: str, n: int, junk: bytes) -> None:
    d = tmp_path_factory.mktemp("r")
    path = d / ("a.jsonl" if sink == "jsonl" else "a.db")
    spec, wit = f"{sink}:{path}", f"dir:{d}/w"
    log = _writer(spec, witness=wit)
    for _ in range(n + 1):
        log.append(REC)
    (_jsonl_edit if sink == "jsonl" else _sqlite_edit)(path, edit, junk)
    if edit != "drop_middle_after_head":  # (a row removed before the writer's last is verify's to see: O(1) check)
        assert _refuses(log)
    before = _sha(path) if sink == "jsonl" else None
    old_id = orjson.loads(path.read_bytes().splitlines()[0])["log"] if sink == "jsonl" else None
    rec_log = open_audit(spec, signing_key=SIGNING, witness=wit, checkpoint_seconds=0)
    rec = rec_log.recover(ticket="T-1")
    assert rec_log.flush_witness()
    rec_log.close()
    d_ = rec["discontinuity"]
    moved = list(d.glob(path.name + ".damaged-*"))
    if d_["reason"] == "damaged":  # the whole damaged log is kept, under a name the record gives
        assert [p.name for p in moved if p.name.endswith(d_["quarantined"]["tag"])] == [path.name + ".damaged-"
                                                                                       + d_["quarantined"]["tag"]]
        if before is not None:
            assert _sha(moved[0]) == before == d_["quarantined"]["sha256"]
            assert d_["previous_log"] == old_id
    else:  # a blank line in a file log is not damage to the chain: an ordinary discontinuity
        assert not moved
    if edit == "drop_middle_after_head":
        _refuses(log)  # a writer that had not noticed refuses once on the moved log, then sees the recovery
    log.append(REC)  # the refusing writer resumes
    log.close()
    report = open_audit(spec).verify(SIGNING.public_key(), witness=wit)
    assert report.ok, report.problems
    assert report.discontinuities


@pytest.mark.parametrize("how", ["truncate", "unlink"])
def test_sqlite_file_truncated_or_deleted_under_a_running_writer_is_refused_then_recovered(
        tmp_path: Path, how: str) -> None:
    path = tmp_path / "a.db"
    spec, wit = f"sqlite:{path}", f"dir:{tmp_path}/w"
    log = _writer(spec, witness=wit)
    for _ in range(6):
        log.append(REC)
    if how == "truncate":
        os.truncate(path, 0)
    else:
        os.unlink(path)
    assert _refuses(log) and _refuses(log)  # never acknowledged into a file that holds nothing
    rec_log = open_audit(spec, signing_key=SIGNING, witness=wit, checkpoint_seconds=0)
    rec = rec_log.recover(ticket="T-2")
    rec_log.close()
    assert rec["discontinuity"]["reason"] == "damaged"
    assert rec["discontinuity"]["damage"] == ("sqlite_truncated" if how == "truncate" else "sqlite_deleted")
    assert list(tmp_path.glob("a.db*.damaged-*")) or list(tmp_path.glob("a.db.damaged-*"))  # evidence kept
    log.append(REC)
    log.close()
    assert open_audit(spec).verify(SIGNING.public_key(), witness=wit).ok


@FAST
@given(pos=st.integers(min_value=0), new=st.binary(min_size=1, max_size=3))
def test_writer_refuses_any_edit_of_its_own_last_row_in_a_table(tmp_path_factory: pytest.TempPathFactory,
                                                                 pos: int, new: bytes) -> None:
    path = tmp_path_factory.mktemp("t") / "a.db"
    log = _writer(f"sqlite:{path}")
    log.append(REC)
    k = sqlite3.connect(path, isolation_level=None)
    seq, record = k.execute("SELECT seq, record FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    i = pos % len(record)
    edited = record[:i] + new.decode("latin-1") + record[i + 1:]
    if edited == record:
        return
    k.execute("UPDATE audit_log SET record=? WHERE seq=?", (edited, seq))  # the hash column is left alone
    k.close()
    assert _refuses(log)
    log.close()


def test_writer_refuses_an_edit_of_its_own_last_row_in_postgresql(pg_spec: str) -> None:
    import psycopg

    dsn, table = pg_spec.split("?table=")
    log = _writer(pg_spec)
    log.append(REC)
    with psycopg.connect(dsn, autocommit=True) as k:
        k.execute(f"""UPDATE {table} SET record=replace(record,'"effect":"block"','"effect":"allow"')
                      WHERE seq=(SELECT max(seq) FROM {table})""")
    assert _refuses(log)
    log.close()


@FAST
@given(frag=st.binary(min_size=1, max_size=300).filter(lambda b: b"\n" not in b))
def test_running_writer_never_seals_a_fragment_it_did_not_write(tmp_path_factory: pytest.TempPathFactory,
                                                                 frag: bytes) -> None:
    path = tmp_path_factory.mktemp("f") / "a.jsonl"
    log = _writer(f"jsonl:{path}")
    log.append(REC)
    with open(path, "ab") as f:
        f.write(frag)  # no newline: shaped like a cut-off write
    assert _refuses(log)
    log.close()
    assert frag in path.read_bytes() and not path.read_bytes().endswith(b"\n")  # nothing sealed or acknowledged


def test_writers_sharing_a_log_refuse_when_another_writers_records_are_cut(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    a, b = _writer(f"jsonl:{path}"), _writer(f"jsonl:{path}")
    for _ in range(3):
        a.append(REC)
    size = path.stat().st_size
    for _ in range(4):
        b.append(REC)
    with open(path, "r+b") as f:
        f.truncate(size)  # exactly B's records cut: A's own last record is where A left it
    assert _refuses(a)
    assert _refuses(b)


def _pem(tmp_path: Path) -> str:
    p = tmp_path / "sign.pem"
    p.write_bytes(SIGNING.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()))
    return str(p)


def test_writer_without_the_signing_key_refuses_a_signed_log_and_heartbeat_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    log = _writer(f"jsonl:{path}")
    log.append(REC)
    before = path.read_bytes()
    r = CliRunner().invoke(cli, ["audit", "heartbeat", "--audit", f"jsonl:{path}"])
    assert r.exit_code == 2 and "signing key" in r.output
    assert path.read_bytes() == before  # nothing written
    log.append(REC)  # the running signing writer is unharmed
    r = CliRunner().invoke(cli, ["audit", "heartbeat", "--audit", f"jsonl:{path}", "--signing-key", _pem(tmp_path)])
    assert r.exit_code == 0, r.output
    log.append(REC)
    log.close()
    assert open_audit(f"jsonl:{path}").verify(SIGNING.public_key()).ok


def test_a_missing_witness_directory_is_an_error_never_an_empty_witness(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    log = _writer(f"jsonl:{path}")
    log.append(REC)
    log.close()
    missing = f"dir:{tmp_path}/mnt/witness/audit"
    runner = CliRunner()
    r = runner.invoke(cli, ["audit", "verify", "--audit", f"jsonl:{path}", "--witness", missing])
    assert r.exit_code == 2 and "does not exist" in r.output
    r = runner.invoke(cli, ["audit", "witness", "check", "--witness", missing])
    assert r.exit_code == 2 and "does not exist" in r.output
    with pytest.raises(WitnessError):
        DirectoryWitness(f"{tmp_path}/mnt/witness/audit").submit({"origin": "x"})
    assert not (tmp_path / "mnt").exists()  # never created on local disk


@FAST
@given(sizes=st.lists(st.integers(min_value=1, max_value=500), min_size=2, max_size=8, unique=True),
       replay=st.integers(min_value=0))
def test_a_replayed_older_head_never_counts_as_the_witness_latest(tmp_path_factory: pytest.TempPathFactory,
                                                                  sizes: list[int], replay: int) -> None:
    sizes.sort()
    w = DirectoryWitness(str(tmp_path_factory.mktemp("w") / "w"))
    entries = [{"origin": "jsonl:/x", "sth": {"log": "a" * 32, "epoch": 0, "size": s}} for s in sizes]
    for e in entries:
        w.submit(e)
    w.submit(entries[replay % (len(entries) - 1)])  # an insider appends a copy of an older genuine head
    assert w.latest("jsonl:/x")["sth"]["size"] == sizes[-1]


def test_fifo_witness_and_fifo_log_are_refused_never_block(tmp_path: Path) -> None:
    (tmp_path / "w").mkdir()
    os.mkfifo(tmp_path / "w" / "heads.jsonl")
    with pytest.raises(WitnessError, match="not a regular file"):
        DirectoryWitness(str(tmp_path / "w")).latest("jsonl:/x")
    os.mkfifo(tmp_path / "a.jsonl")
    r = CliRunner().invoke(cli, ["audit", "verify", "--audit", f"jsonl:{tmp_path}/a.jsonl"])
    assert r.exit_code == 2 and "not a regular file" in r.output


def test_a_writer_starting_on_a_cut_log_refuses_despite_a_replayed_witness_head(tmp_path: Path) -> None:
    path, wit = tmp_path / "a.jsonl", f"dir:{tmp_path}/w"
    log = _writer(f"jsonl:{path}", witness=wit)
    for _ in range(5):
        log.append(REC)
    log.close()
    session1 = path.read_bytes()
    log = _writer(f"jsonl:{path}", witness=wit)
    for _ in range(5):
        log.append(REC)
    log.close()
    path.write_bytes(session1)  # the insider cuts the log back to session 1's end (app stopped) ...
    heads = (tmp_path / "w" / "heads.jsonl").read_bytes().splitlines()
    n1 = len(session1.splitlines())
    old = [h for h in heads if orjson.loads(h)["sth"]["size"] == n1 - 1][-1]
    with open(tmp_path / "w" / "heads.jsonl", "ab") as f:
        f.write(old + b"\n")  # ... and appends (only appends) a copy of the genuine head for that end
    log = _writer(f"jsonl:{path}", witness=wit)
    assert _refuses(log)
    log.close()
    r = CliRunner().invoke(cli, ["audit", "witness", "check", "--witness", wit])
    assert "REPLAYED" in r.output
