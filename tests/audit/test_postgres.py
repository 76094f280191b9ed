"""The PostgreSQL sink against the real server: one database-serialised chain for many writers."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from typing import Any

import pytest

from status_guard.audit import open_audit

pytestmark = pytest.mark.postgres


def test_postgres_log_appends_verifies_and_queries(pg_spec: str, make_record: Any, signing_key: Any) -> None:
    log = open_audit(pg_spec, signing_key=signing_key, checkpoint_every=5)
    for i in range(12):
        log.append(make_record(request_id=f"req-{i}", effect="block" if i % 2 else "flag"))
    log.close()
    r = open_audit(pg_spec).verify(public_key=signing_key.public_key())
    assert r.ok, r.problems
    assert r.ended_cleanly and r.checkpoints_verified == 2 and r.heads_verified == 4  # start, 2 checkpoints, end
    assert len(list(open_audit(pg_spec).records(effect="block"))) == 6
    assert [x["kind"] for x in open_audit(pg_spec).tail(2)] == ["decision", "end"]


def _pg_writer(spec: str, k: int, n: int) -> None:
    log = open_audit(spec, fsync="batch")
    for i in range(n):
        log.append({"action": "read", "effect": "flag", "adapter": "sql", "request_id": f"w{k}-{i}",
                    "citations": ["2.129.040(c)"], "requester": {"class": "local"}})
    log.close()


def test_postgres_concurrent_writers_share_one_unbroken_chain(pg_spec: str) -> None:
    ctx = multiprocessing.get_context("fork")
    ps = [ctx.Process(target=_pg_writer, args=(pg_spec, k, 200)) for k in range(4)]
    for p in ps:
        p.start()
    for p in ps:
        p.join(timeout=120)
        assert p.exitcode == 0
    log = open_audit(pg_spec)
    r = log.verify()
    assert r.ok, r.problems[:5]
    ids = Counter(rec["request_id"] for rec in log.records(kind="decision"))
    assert len(ids) == 800 and set(ids.values()) == {1}


def test_postgres_row_tampering_is_named(pg_spec: str, make_record: Any) -> None:
    import psycopg

    from status_guard.audit.sinks.postgres import split_table

    log = open_audit(pg_spec)
    for i in range(8):
        log.append(make_record(request_id=f"req-{i}"))
    log.close()
    dsn, table = split_table(pg_spec, None)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"UPDATE {table} SET record = replace(record, '\"effect\":\"block\"', '\"effect\":\"allow\"') "
                     "WHERE seq = 2")
        conn.execute(f"DELETE FROM {table} WHERE seq = 5")
        conn.execute(f"DELETE FROM {table} WHERE seq = (SELECT max(seq) FROM {table})")
    r = open_audit(pg_spec).verify()
    kinds = [(p.seq, p.kind) for p in r.problems]
    assert (2, "edited") in kinds and (5, "missing") in kinds
    assert (8, "truncated") in kinds  # seq 0 start, 1-8 records, 9 end: the end marker was cut
