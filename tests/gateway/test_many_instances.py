"""Many instances, one log: two gateway processes (two workers each) in front of one nginx, writing
one PostgreSQL audit table, under concurrent load.

Invariant: the table holds one unbroken chain — every decision of every instance recorded exactly
once, no fork, no gap — and after both shut down gracefully ``status-guard audit verify`` passes
without ``--allow-open`` (every writer wrote its end marker).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest
from stack import bearer

import stack

PG = "postgresql://postgres@127.0.0.1:5432/test"


def _pg_up() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001
        return False


@pytest.mark.postgres
@pytest.mark.slow
def test_two_gateways_under_load_share_one_unbroken_audit_chain(tmp_path, nginx, keys):
    stack.require_or_skip(_pg_up(), "PostgreSQL at 127.0.0.1:5432 (database test) is not reachable")
    import psycopg

    table = f"sg_gw_{uuid.uuid4().hex[:12]}"
    spec = f"{PG}?table={table}"
    gws = []
    try:
        for i in range(2):
            port = stack.free_port()
            gws.append(stack.start_gateway(stack.gateway_config(nginx.url, keys, spec, port), tmp_path, port,
                                           workers=2, name=f"gw{i}"))
        plan = ([("federal", "/police/records/1.json", 200)] * 120 + [("local", "/police/records/1.json", 200)] * 60
                + [("federal_immigration", "/custody/visits/1.json", 403)] * 40)

        async def hammer(url: str) -> list[int]:
            sem = asyncio.Semaphore(16)
            async with httpx.AsyncClient(base_url=url, timeout=30) as c:
                async def one(cls: str, path: str) -> int:
                    async with sem:
                        r = await c.get(path, headers=bearer(keys, cls))
                        return r.status_code
                return await asyncio.gather(*(one(cls, p) for cls, p, _ in plan))

        async def both() -> list[list[int]]:
            return await asyncio.gather(*(hammer(g.url) for g in gws))

        results = asyncio.run(both())
        for statuses in results:
            assert statuses == [s for _, _, s in plan]
    finally:
        for g in gws:
            g.stop()
    exe = Path(sys.executable).with_name("status-guard")
    v = subprocess.run([str(exe), "audit", "verify", "--audit", spec, "--format", "json"], capture_output=True,
                       text=True, timeout=120)
    try:
        assert v.returncode == 0, v.stdout[-3000:] + v.stderr[-2000:]
        report = json.loads(v.stdout)
        assert not report.get("problems"), report
        with psycopg.connect(PG) as conn:
            rows = conn.execute(f"SELECT seq, record FROM {table} ORDER BY seq").fetchall()
        seqs = [r[0] for r in rows]
        assert seqs == list(range(len(seqs)))  # one chain: contiguous, no fork
        recs = [json.loads(r[1]) for r in rows]
        decisions = [r for r in recs if r.get("kind") in (None, "decision") and r.get("effect")]
        redactions = [r for r in decisions if r.get("route") == "GET /police" and r["requester"]["class"] == "federal"]
        refusals = [r for r in decisions if r.get("route") == "GET /custody" and r.get("action") == "access"]
        assert len(redactions) == 2 * 120 and len(refusals) == 2 * 40
        writers = {r["writer"] for r in recs}
        assert 2 <= len(writers) <= 4  # each worker that wrote is its own writer session (a worker the
        # kernel gave no connection never opens one)
        ends = [r for r in recs if r.get("kind") == "end"]
        assert {r["writer"] for r in ends} == writers and recs[-1]["kind"] == "end"
    finally:
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f"DROP TABLE IF EXISTS {table}")
