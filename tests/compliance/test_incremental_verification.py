"""The dashboard verifies only what was appended — and never says more than a full verification would.

Invariant: after any sequence of appends (several writers, signed or HMAC-chained, closed and reopened) and
any tampering between two reads (an edited, deleted, duplicated or swapped line, a cut tail, a forged line
appended), ``LogReader.snapshot().verification`` agrees with ``verify_items`` over the same bytes: the same
result, the same kinds of problem, the same counts, the same warnings. Pure appends are verified
incrementally (the stats say so); everything else falls back to the full verifier.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.audit import open_audit, open_sink
from status_guard.audit.keys import load_public_key, load_secret_file, write_secret_file, write_signing_keypair
from status_guard.audit.verify import verify_items
from status_guard.compliance.source import LogReader

DECISION = {"adapter": "asgi", "action": "collect", "effect": "block", "citations": ["2.129.040(b)"],
            "categories": ["citizenship_status"], "fields": ["citizenship"], "scope": "schools"}


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    d = tmp_path_factory.mktemp("keys")
    write_secret_file(str(d / "hmac.key"))
    write_signing_keypair(str(d / "s.pem"), str(d / "s.pem.pub"))
    return {"hmac": load_secret_file(str(d / "hmac.key")), "signing": str(d / "s.pem"),
            "public": load_public_key(str(d / "s.pem.pub"))}


def _full(spec: str, hmac_key: bytes | None, public_key: Any) -> Any:
    sink = open_sink(spec)
    try:
        return verify_items(sink.raw_items(), hmac_key=hmac_key, public_key=public_key, allow_open_tail=True,
                            position_name=sink.position_name)
    finally:
        sink.close()


def _same(a: Any, b: Any) -> None:
    assert (a.ok, a.problem_kinds, a.count, a.first_seq, a.last_seq, a.checkpoints_verified, a.checkpoints_total,
            a.ended_cleanly, a.tamper_evident, a.log_id) == \
           (b.ok, b.problem_kinds, b.count, b.first_seq, b.last_seq, b.checkpoints_verified, b.checkpoints_total,
            b.ended_cleanly, b.tamper_evident, b.log_id)
    assert sorted(a.warnings) == sorted(b.warnings)


def _tamper(path: Path, how: str, rnd: random.Random) -> None:
    lines = path.read_bytes().split(b"\n")
    body, tail = lines[:-1], lines[-1]
    if len(body) < 3:
        return
    i = rnd.randrange(1, len(body))
    if how == "edit":
        rec = json.loads(body[i])
        rec["time"] = rec.get("time", "")[:-2] + "9Z"
        body[i] = json.dumps(rec, separators=(",", ":"), sort_keys=True).encode()
    elif how == "delete":
        del body[i]
    elif how == "duplicate":
        body.insert(i, body[i])
    elif how == "swap" and i + 1 < len(body):
        body[i], body[i + 1] = body[i + 1], body[i]
    elif how == "cut":
        path.write_bytes(b"\n".join(body) + b"\n" + body[-1][: len(body[-1]) // 2])
        return
    elif how == "forge":
        rec = json.loads(body[-1])
        rec["seq"] += 1
        body.append(json.dumps(rec, separators=(",", ":"), sort_keys=True).encode())
    path.write_bytes(b"\n".join(body) + b"\n" + tail)


STEP = st.one_of(
    st.tuples(st.just("append"), st.integers(1, 30), st.booleans(), st.booleans()),
    st.tuples(st.sampled_from(["edit", "delete", "duplicate", "swap", "cut", "forge"]), st.integers(0, 10**6),
              st.just(False), st.just(False)),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["plain", "hmac", "signed"]), st.lists(STEP, min_size=1, max_size=7))
def test_incremental_verification_agrees_with_full_verification(tmp_path_factory, keys, chain, steps):
    path = tmp_path_factory.mktemp("inc") / "audit.jsonl"
    spec = f"jsonl:{path}"
    kw = {"hmac_key": keys["hmac"]} if chain == "hmac" else {"signing_key": keys["signing"]} if chain == "signed" else {}
    hmac_key = keys["hmac"] if chain == "hmac" else None
    public_key = keys["public"] if chain == "signed" else None
    log = open_audit(spec, fsync="never", checkpoint_every=7, **kw)
    log.append_many([DECISION] * 12)
    reader = LogReader(spec, hmac_key=hmac_key, public_key=public_key)
    _same(reader.snapshot().verification, _full(spec, hmac_key, public_key))
    tampered = False
    for what, n, new_writer, close in steps:
        if what == "append":
            if tampered:
                continue  # a writer refuses to extend a damaged chain; nothing to append
            if new_writer:
                log.sink.close()
                log = open_audit(spec, fsync="never", checkpoint_every=7, **kw)
            try:
                log.append_many([DECISION] * n)
            except Exception:  # noqa: BLE001 - e.g. appending after an end marker a writer wrote
                pass
            if close:
                log.close()
                log = open_audit(spec, fsync="never", checkpoint_every=7, **kw)
        else:
            _tamper(path, what, random.Random(n))
            tampered = True
        _same(reader.snapshot().verification, _full(spec, hmac_key, public_key))
    log.sink.close()


def test_pure_appends_are_verified_incrementally_and_an_unchanged_log_is_not_reverified(tmp_path, keys):
    spec = f"jsonl:{tmp_path / 'a.jsonl'}"
    log = open_audit(spec, fsync="never", signing_key=keys["signing"], checkpoint_every=50)
    log.append_many([DECISION] * 200)
    reader = LogReader(spec, public_key=keys["public"])
    first = reader.snapshot()
    assert first.verification.ok and reader.stats == {"full": 1, "incremental": 0, "unchanged": 0}
    assert reader.snapshot() is first and reader.stats["unchanged"] == 1
    for _ in range(3):
        log.append_many([DECISION] * 10)
        snap = reader.snapshot()
        _same(snap.verification, _full(spec, None, keys["public"]))
        assert snap.base_generation and snap.base_count < len(snap.records)
    assert reader.stats["incremental"] == 3 and reader.stats["full"] == 1
    log.close()


def test_an_edit_inside_the_verified_prefix_is_caught_on_the_next_read(tmp_path):
    path = tmp_path / "a.jsonl"
    spec = f"jsonl:{path}"
    log = open_audit(spec, fsync="never")
    log.append_many([DECISION] * 20)
    reader = LogReader(spec)
    assert reader.snapshot().verification.ok
    log.append_many([DECISION] * 5)
    path.write_bytes(path.read_bytes().replace(b"2.129.040(b)", b"2.129.040(c)", 1))
    snap = reader.snapshot()
    assert not snap.verification.ok and "edited" in snap.verification.problem_kinds
    assert snap.view().state == "failed"
    log.sink.close()


# -- tables (SQLite): a read does not read every row; what it does not read, it compares within a minute --------
def _sqlite_tamper(path: Path, how: str, rnd: random.Random) -> None:
    import sqlite3

    con = sqlite3.connect(path)
    seqs = [r[0] for r in con.execute("SELECT seq FROM audit_log ORDER BY seq")]
    if len(seqs) < 3:
        return
    seq = seqs[rnd.randrange(1, len(seqs))]
    if how == "edit":
        (rec,) = con.execute("SELECT record FROM audit_log WHERE seq = ?", (seq,)).fetchone()
        data = rec if isinstance(rec, str) else bytes(rec).decode()
        con.execute("UPDATE audit_log SET record = ? WHERE seq = ?",
                    (type(rec)(data.replace("2.129.040(b)", "2.129.040(c)").encode() if isinstance(rec, bytes)
                               else data.replace("2.129.040(b)", "2.129.040(c)")), seq))
    elif how == "delete":
        con.execute("DELETE FROM audit_log WHERE seq = ?", (seq,))
    con.commit()
    con.close()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.one_of(st.tuples(st.just("append"), st.integers(1, 9)),
                                st.tuples(st.sampled_from(["edit", "delete"]), st.integers(0, 10**6))),
                      min_size=1, max_size=6),
       recheck=st.sampled_from([0.0, 3600.0]))
def test_a_table_is_read_from_its_last_verified_row_and_compared_in_full_when_due(tmp_path_factory, keys, steps,
                                                                                  recheck):
    """Invariant: with ``recheck_seconds=0`` every read agrees with a full verification; with a long
    recheck, appended rows are verified without reading the table, an edit or deletion of the last
    verified row (or of a row after it) is caught at once, and any other edit on the first read after
    the recheck is due — never later, and "verified" is never said of rows that were not verified."""
    path = tmp_path_factory.mktemp("sq") / "audit.db"
    spec = f"sqlite:{path}"
    log = open_audit(spec, fsync="never", signing_key=keys["signing"], checkpoint_every=5)
    log.append_many([DECISION] * 8)
    reader = LogReader(spec, public_key=keys["public"], recheck_seconds=recheck)
    _same(reader.snapshot().verification, _full(spec, None, keys["public"]))
    tampered = False
    for what, n in steps:
        if what == "append":
            if tampered:
                continue
            try:
                log.append_many([DECISION] * n)
            except Exception:  # noqa: BLE001 - a writer may refuse a damaged table
                continue
        else:
            _sqlite_tamper(path, what, random.Random(n))
            tampered = True
        snap = reader.snapshot()
        full = _full(spec, None, keys["public"])
        if recheck == 0.0 or full.ok:
            _same(snap.verification, full)
        # a read that rests on the verified prefix never claims more records than are stored after it
        assert snap.verification.count >= 1
    reader.recheck_seconds = 0.0  # the recheck falls due: the next read compares every row
    _same(reader.snapshot().verification, _full(spec, None, keys["public"]))
    log.sink.close()


def test_appended_rows_of_a_table_are_verified_without_reading_the_table_again(tmp_path, keys, monkeypatch):
    spec = f"sqlite:{tmp_path / 'a.db'}"
    log = open_audit(spec, fsync="never", signing_key=keys["signing"], checkpoint_every=20)
    log.append_many([DECISION] * 100)
    reader = LogReader(spec, public_key=keys["public"])
    assert reader.snapshot().verification.ok
    from status_guard.audit.sinks.sqlite import SqliteSink

    starts: list[int] = []
    real = SqliteSink.raw_items

    def spy(self, start=0):
        starts.append(start)
        return real(self, start)

    monkeypatch.setattr(SqliteSink, "raw_items", spy)
    log.append_many([DECISION] * 10)
    snap = reader.snapshot()
    assert starts and min(starts) > 90 and reader.stats["incremental"] == 1  # read from the last verified row on
    _same(snap.verification, _full(spec, None, keys["public"]))
    assert reader.snapshot() is snap and reader.stats["unchanged"] == 1
    log.close()
