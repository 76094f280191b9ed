"""Crashes and concurrency: a killed writer leaves a log that verifies up to its last complete
record and says where it ends; many writers lose nothing and never fork the chain."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from status_guard.audit import AuditUnavailableError, open_audit

CHILD = textwrap.dedent("""
    import os, signal, sys
    from status_guard.audit import open_audit
    path, mode, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rec = {"action": "collect", "effect": "block", "adapter": "asgi", "citations": ["2.129.040(b)"],
           "fields": ["guardian.citizenship"], "requester": {"class": "local"}}
    log = open_audit("jsonl:" + path, fsync="always" if mode == "torn" else "never")
    for i in range(n):
        log.append(rec)
    print("ready", flush=True)
    if mode == "torn":
        real_write = os.write
        def torn_write(fd, data):
            data = bytes(data)
            real_write(fd, data[: len(data) // 2])   # half the record reaches the file ...
            os.kill(os.getpid(), signal.SIGKILL)      # ... and the process dies mid-write
        os.write = torn_write
        log.append(rec)
    else:
        while True:
            log.append(rec)
""")


def _run_child(path: Path, mode: str, n: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(path), mode, str(n)], stdout=subprocess.PIPE, text=True)


def test_sigkill_mid_write_leaves_a_torn_tail_that_is_reported_not_accepted(tmp_path: Path, make_record: Any) -> None:
    path = tmp_path / "a.jsonl"
    proc = _run_child(path, "torn", 20)
    assert proc.wait(timeout=60) == -signal.SIGKILL
    assert not path.read_bytes().endswith(b"\n")  # the final line really is torn

    r = open_audit(f"jsonl:{path}").verify()
    assert not r.ok
    assert r.last_seq == 20 and r.count == 21  # start marker + 20 records, all intact
    assert [p.kind for p in r.problems] == ["truncated"]
    assert r.problems[0].line == 22
    assert "ends with an incomplete record" in r.problems[0].message
    assert "last complete record is seq 20" in r.problems[0].message
    assert not r.ended_cleanly

    # the next writer seals the torn line and says so in a continuation marker
    log = open_audit(f"jsonl:{path}")
    stored = log.append(make_record())
    log.close()
    assert stored["seq"] == 22  # continuation is seq 21
    r2 = log.verify()
    assert r2.ok, r2.problems
    assert r2.ended_cleanly
    assert any("incomplete write" in w and "line 22" in w for w in r2.warnings)
    assert any("wrote no end marker" in w for w in r2.warnings)  # the killed writer's session


def test_sigkill_at_an_arbitrary_moment_loses_only_the_tail(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    proc = _run_child(path, "loop", 50)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    r = open_audit(f"jsonl:{path}").verify()
    assert r.count > 50
    assert {p.kind for p in r.problems} == {"truncated"}  # nothing but the missing end is wrong
    assert len(r.problems) == 1
    p = r.problems[0]
    if p.seq is not None:  # killed between two writes: the log ends at its last record, no end marker
        assert p.seq == r.last_seq and f"ends at seq {r.last_seq}" in p.message
        assert open_audit(f"jsonl:{path}").verify(allow_open_tail=True).ok
    else:  # killed inside a write: the torn line is named, the complete records before it verify
        assert f"last complete record is seq {r.last_seq}" in p.message


def _writer(spec: str, k: int, n: int, fsync: str) -> None:
    log = open_audit(spec, fsync=fsync)
    rec = {"action": "store", "effect": "flag", "adapter": "sql", "citations": ["2.129.040(a)"],
           "fields": ["students.citizenship"], "requester": {"class": "local"}}
    for i in range(n):
        log.append({**rec, "request_id": f"w{k}-{i}"})
    log.close()


def _run_writers(spec: str, procs: int, n: int, fsync: str) -> None:
    ctx = multiprocessing.get_context("fork")
    ps = [ctx.Process(target=_writer, args=(spec, k, n, fsync)) for k in range(procs)]
    for p in ps:
        p.start()
    for p in ps:
        p.join(timeout=300)
        assert p.exitcode == 0


def _assert_all_present(log: Any, procs: int, n: int) -> None:
    r = log.verify()
    assert r.ok, r.problems[:5]
    ids = Counter(rec["request_id"] for rec in log.records(kind="decision"))
    assert len(ids) == procs * n and set(ids.values()) == {1}
    markers = Counter(rec["kind"] for rec in log.records() if rec["kind"] != "decision")
    assert markers["start"] == 1 and markers["start"] + markers["continuation"] == procs
    assert markers["end"] == procs


def test_eight_processes_thousand_records_each_jsonl(tmp_path: Path) -> None:
    spec = f"jsonl:{tmp_path / 'a.jsonl'}"
    _run_writers(spec, 8, 1000, "batch")
    _assert_all_present(open_audit(spec), 8, 1000)


def test_four_processes_with_fsync_always_jsonl(tmp_path: Path) -> None:
    spec = f"jsonl:{tmp_path / 'a.jsonl'}"
    _run_writers(spec, 4, 150, "always")
    _assert_all_present(open_audit(spec), 4, 150)


def test_four_processes_sqlite(tmp_path: Path) -> None:
    spec = f"sqlite:{tmp_path / 'a.db'}"
    _run_writers(spec, 4, 150, "batch")
    _assert_all_present(open_audit(spec), 4, 150)


@pytest.mark.parametrize("scheme", ["jsonl", "sqlite", "memory"])
def test_threads_with_group_commit_each_get_their_own_record(tmp_path: Path, scheme: str, make_record: Any) -> None:
    spec = "memory:" if scheme == "memory" else f"{scheme}:{tmp_path / 'a.log'}"
    log = open_audit(spec, fsync="batch")
    got: dict[str, int] = {}
    lock = threading.Lock()

    def work(t: int) -> None:
        for i in range(100):
            rid = f"t{t}-{i}"
            rec = log.append(make_record(request_id=rid))
            assert rec["request_id"] == rid
            with lock:
                got[rid] = rec["seq"]

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log.close()
    assert len(got) == 800 and len(set(got.values())) == 800
    stored = {r["request_id"]: r["seq"] for r in log.records(kind="decision")}
    assert stored == got
    assert log.verify().ok


def test_unwritable_log_fails_closed(tmp_path: Path, make_record: Any) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    log = open_audit(f"jsonl:{blocker / 'audit.jsonl'}")
    with pytest.raises(AuditUnavailableError) as err:
        log.append(make_record())
    assert "cannot be opened" in str(err.value)
    log2 = open_audit(f"sqlite:{blocker / 'audit.db'}")
    with pytest.raises(AuditUnavailableError):
        log2.append(make_record())


def test_group_commit_failure_reaches_every_waiting_caller(make_record: Any) -> None:
    log = open_audit("memory:", fsync="batch")

    def broken(make: Any) -> None:
        time.sleep(0.01)
        raise OSError("disk gone")

    log.sink.write_locked = broken  # type: ignore[method-assign]
    errors: list[BaseException] = []

    def work() -> None:
        try:
            log.append(make_record())
        except AuditUnavailableError as e:
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == 6


def test_writer_with_another_hmac_key_refuses_to_extend_the_log(tmp_path: Path, make_record: Any,
                                                                 hmac_key: bytes) -> None:
    spec = f"jsonl:{tmp_path / 'a.jsonl'}"
    with open_audit(spec, hmac_key=hmac_key) as log:
        log.append(make_record())
    with pytest.raises(AuditUnavailableError, match="chained with hmac-sha256"):
        open_audit(spec, hmac_key=os.urandom(32)).append(make_record())
    with pytest.raises(AuditUnavailableError, match="chained with hmac-sha256"):
        open_audit(spec).append(make_record())
    assert open_audit(spec, hmac_key=hmac_key).verify().ok


def test_group_commit_with_a_small_batch_limit_still_answers_every_caller(make_record: Any) -> None:
    log = open_audit("memory:", fsync="batch", batch_max=2)
    seqs: list[int] = []

    def work() -> None:
        for _ in range(40):
            seqs.append(log.append(make_record())["seq"])

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log.close()
    assert len(seqs) == 240 and len(set(seqs)) == 240
    assert log.verify().ok
