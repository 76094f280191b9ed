"""``AuditLog.append_each``: a batch of records in ONE durable commit stores exactly what the same
records appended one at a time store (issue 15, group commit on the request path).

Invariant (AU-5 / AU-9, the log's tamper evidence): for any sequence of records — some of which the
log refuses (a value where only names may go, a reserved key) — ``append_each(records)`` leaves a
log that is byte for byte the log N calls of ``append`` leave (same chain, same markers, same
checkpoints), it verifies, each record's answer is its stored record or the error that kept it
out, and the batch costs one fsync. A storage failure is every record's answer: none is reported
stored.
"""

from __future__ import annotations

import itertools
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.audit import AuditRecordError, AuditUnavailableError, open_audit
from status_guard.audit import log as log_mod
from status_guard.audit.sinks import jsonl as jsonl_mod

from .conftest import decision_record

SIGNING = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))

GOOD = st.builds(
    lambda effect, cat, rid, route: decision_record(effect=effect, categories=[cat], request_id=f"req-{rid}",
                                                    route=route),
    st.sampled_from(["block", "redact", "strip", "flag"]),
    st.sampled_from(["citizenship_status", "immigration_status", "birthplace"]),
    st.integers(0, 9999),
    st.sampled_from(["GET /police/{id}", "POST /enroll/{id}", "GET /records"]),
)
# records the log refuses: a value where only a field path may go, a key the log sets itself
BAD = st.sampled_from([
    decision_record(fields=["guardian.123-45-6789"]),
    decision_record(fields=["someone@example.org"]),
    decision_record(seq=7),
    decision_record(hash="00" * 32),
    decision_record(effect="obliterate"),
])
# the same record in other Python shapes (a tuple for a list): whatever the log makes of them one at
# a time, it makes of them in a batch beside the plain record (a batch checks a repeated record once)
ODD = st.builds(lambda r, which: {**r, which: tuple(r[which])}, GOOD, st.sampled_from(["fields", "citations"]))
SAME_SHAPE = st.builds(lambda r, rid: {**r, "request_id": rid}, GOOD, st.sampled_from(["req-1", "req-2", "a@b.org",
                                                                                        "", "x" * 200]))
BATCH = st.lists(st.one_of(GOOD, GOOD, BAD, ODD, SAME_SHAPE), min_size=1, max_size=12)


@contextmanager
def deterministic() -> Any:
    """The writer id, log id and clock fixed, so two logs written the two ways can be compared byte
    for byte (they are the only inputs that differ between two runs)."""
    counter = itertools.count()
    fake = mock.Mock(wraps=log_mod.secrets)
    fake.token_hex = lambda n=32: f"{next(counter):0{2 * n}x}"
    with mock.patch.object(log_mod, "secrets", fake), \
            mock.patch.object(log_mod, "utc_now", lambda: "2026-12-02T06:00:00.000000Z"):
        yield


def _open(spec: str, signed: bool) -> Any:
    kw: dict[str, Any] = {"fsync": "never"}
    if signed:  # tree heads every 3 records: checkpoints fall inside the batch
        kw.update(signing_key=SIGNING, checkpoint_every=3)
    return open_audit(spec, **kw)


def _stored(spec: str) -> list[bytes]:
    kind, path = spec.split(":", 1)
    if not Path(path).exists():  # every record refused: nothing was written either way
        return []
    if kind == "jsonl":
        return Path(path).read_bytes().splitlines()
    with sqlite3.connect(path) as conn:
        return [(str(s) + "|" + r).encode() for s, r in conn.execute("SELECT seq, record FROM audit_log ORDER BY seq")]


def _write_one_by_one(spec: str, records: list[dict[str, Any]], signed: bool) -> list[Any]:
    with deterministic():
        log = _open(spec, signed)
        out: list[Any] = []
        for r in records:
            try:
                out.append(log.append(r))
            except AuditRecordError as e:
                out.append(e)
        log.close()
    return out


def _write_batch(spec: str, records: list[dict[str, Any]], signed: bool) -> list[Any]:
    with deterministic():
        log = _open(spec, signed)
        out = log.append_each(records)
        log.close()
    return out


@pytest.mark.parametrize("scheme", ["jsonl", "sqlite"])
@pytest.mark.parametrize("signed", [False, True], ids=["sha256", "signed-tree-heads"])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=BATCH)
def test_a_batch_stores_exactly_what_one_append_per_record_stores(tmp_path: Path, scheme: str, signed: bool,
                                                                   records: list[dict[str, Any]]) -> None:
    d = tmp_path / f"{scheme}-{signed}-{len(list(tmp_path.iterdir()))}"
    d.mkdir()
    one, many = f"{scheme}:{d / 'one'}", f"{scheme}:{d / 'many'}"
    singles = _write_one_by_one(one, records, signed)
    batch = _write_batch(many, records, signed)
    assert _stored(many) == _stored(one)
    assert len(batch) == len(records)
    for s, b in zip(singles, batch):
        if isinstance(s, Exception):  # refused one at a time: refused in the batch, the others kept
            assert type(b) is type(s) and str(b) == str(s)
        else:
            assert isinstance(b, dict) and b == s
    v = open_audit(many).verify(SIGNING.public_key() if signed else None)
    assert v.ok, v.problems


def test_a_refused_record_in_the_middle_does_not_lose_the_others(tmp_path: Path) -> None:
    log = open_audit(f"jsonl:{tmp_path / 'a.jsonl'}")
    good = [decision_record(request_id=f"req-{i}") for i in range(5)]
    res = log.append_each([*good[:2], decision_record(fields=["guardian.123-45-6789"]), *good[2:]])
    assert isinstance(res[2], AuditRecordError) and "Social Security" in str(res[2])
    stored = [r for r in res if isinstance(r, dict)]
    assert [r["request_id"] for r in stored] == [f"req-{i}" for i in range(5)]
    assert [r["seq"] for r in stored] == list(range(stored[0]["seq"], stored[0]["seq"] + 5))
    log.close()
    assert [r["request_id"] for r in open_audit(f"jsonl:{tmp_path / 'a.jsonl'}").records(kind="decision")] == \
        [f"req-{i}" for i in range(5)]


@pytest.mark.parametrize("scheme", ["jsonl", "sqlite"])
def test_a_batch_is_one_durable_commit(tmp_path: Path, scheme: str) -> None:
    """N records, one fsync (JSONL) / one COMMIT (SQLite): what group commit saves."""
    log = open_audit(f"{scheme}:{tmp_path / 'a.log'}", fsync="batch")
    log.append(decision_record())  # the start marker's commit out of the way
    if scheme == "jsonl":
        with mock.patch.object(jsonl_mod.os, "fsync", wraps=jsonl_mod.os.fsync) as fsync:
            res = log.append_each([decision_record(request_id=f"req-{i}") for i in range(50)])
        assert fsync.call_count == 1
    else:
        commits: list[str] = []
        conn = log.sink._conn
        conn.set_trace_callback(lambda sql: commits.append(sql) if sql.strip().upper() == "COMMIT" else None)
        res = log.append_each([decision_record(request_id=f"req-{i}") for i in range(50)])
        assert len(commits) == 1
    assert all(isinstance(r, dict) for r in res)
    log.close()


def test_a_storage_failure_is_every_records_answer(tmp_path: Path) -> None:
    """fsync fails: no record of the batch is reported stored (the guarded actions must not go on)."""
    log = open_audit(f"jsonl:{tmp_path / 'a.jsonl'}", fsync="batch")
    log.append(decision_record())

    def broken(fd: int) -> None:
        raise OSError(5, "I/O error")

    with mock.patch.object(jsonl_mod.os, "fsync", broken):
        res = log.append_each([decision_record(request_id=f"req-{i}") for i in range(4)]
                              + [decision_record(seq=1)])
    assert all(isinstance(r, AuditUnavailableError) and "fsync" in str(r) for r in res[:4])
    assert isinstance(res[4], AuditRecordError)
    log.close()


def test_guard_record_each_answers_per_decision(tmp_path: Path) -> None:
    from status_guard import Guard

    guard = Guard.default(audit=f"jsonl:{tmp_path / 'a.jsonl'}")
    d = guard.check_access("police", "federal_immigration")
    kw = {"adapter": "asgi", "route": "GET /x"}
    res = guard.record_each([(d, {**kw, "request_id": "req-a"}), (d, {**kw, "adapter": "nonsense"}),
                             (d, {**kw, "request_id": "req-b"})])
    assert [r["request_id"] for r in (res[0], res[2])] == ["req-a", "req-b"]
    assert isinstance(res[1], AuditUnavailableError)
    assert [r["request_id"] for r in guard.audit.records(kind="decision")] == ["req-a", "req-b"]


@pytest.mark.parametrize("scheme", ["jsonl", "sqlite"])
def test_records_differing_only_in_request_id_are_each_checked_for_what_differs(tmp_path: Path, scheme: str) -> None:
    """Concurrent requests meeting one decision: the batch checks their common part once — a bad
    request id, a tuple where a list goes, a value smuggled into a repeated record still get exactly
    the answer one append gives them."""
    base = decision_record()
    records = [dict(base, request_id="req-1"), dict(base, request_id="a@b.org"),
               dict(base, request_id="req-2", fields=tuple(base["fields"])), dict(base, request_id=""),
               dict(base, request_id="req-3", fields=["guardian.123-45-6789"]), dict(base, request_id="req-4"),
               dict(base, request_id=12345)]
    one, many = f"{scheme}:{tmp_path / 'one'}", f"{scheme}:{tmp_path / 'many'}"
    singles = _write_one_by_one(one, records, False)
    batch = _write_batch(many, records, False)
    assert _stored(many) == _stored(one)
    for s, b in zip(singles, batch):
        assert type(b) is type(s) and (str(b) == str(s) if isinstance(s, Exception) else b == s)
    assert sum(isinstance(b, Exception) for b in batch) >= 3
