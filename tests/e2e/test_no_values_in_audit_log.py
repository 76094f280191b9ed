"""End to end: nothing a guarded request carries reaches the audit log (2.129 + NIST AU-3(3)).

Sentinel values go through the ASGI middleware (refused submission, stripped field, redacted
federal response, custody access with a warrant reference) and through the SQL inspector (refused
INSERT with literals, refused hold on a detainer, a bound parameter), with the audit log on a real
JSONL file and on SQLite. Then every byte of the log is searched for every sentinel.
"""

from __future__ import annotations

import sqlite3

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from status_guard import Guard, StatusGuardMiddleware
from status_guard.asgi import RouteConfig, WarrantRegistry
from status_guard.audit import open_audit
from status_guard.sql import SQLRefusedError
from status_guard.sql.hooks.dbapi import guard_connection

SENTINELS = {
    "status": "SNTLundocumentedQZX",
    "anumber": "A987654321",
    "address": "742 Evergreen Terrace Sntlville",
    "release": "2031-07-04",
    "name": "Zyxwvut Sentinelson",
    "sql_literal": "SNTLsqlliteralWQP",
    "note": "SNTL mother said they are undocumented",
}
# A judicial warrant's docket reference is the legal basis of a custody visit: it is recorded, on purpose.
WARRANT = "1:26-mj-77777"


def _app(guard: Guard) -> Starlette:
    async def intake(request: Request) -> JSONResponse:
        await request.body()
        return JSONResponse({"ok": True})

    async def person(request: Request) -> JSONResponse:
        return JSONResponse({"person": {"name": SENTINELS["name"], "home_address": SENTINELS["address"],
                                        "release_date": SENTINELS["release"], "citizenship_status": "US citizen"}})

    async def visit(request: Request) -> JSONResponse:
        return JSONResponse({"visit": "scheduled"})

    def identify(scope):
        return scope.get("state", {}).get("who") or "unknown"

    class Who:
        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            if scope["type"] == "http":
                who = dict(scope.get("headers") or []).get(b"x-test-login", b"unknown").decode()
                scope.setdefault("state", {})["who"] = who
            await self.app(scope, receive, send)

    return Starlette(
        routes=[Route("/intake", intake, methods=["POST"]), Route("/strip", intake, methods=["POST"]),
                Route("/person", person), Route("/custody/visit", visit, methods=["POST"])],
        middleware=[
            Middleware(Who),
            Middleware(StatusGuardMiddleware, guard=guard, identify=identify, scope="city",
                       routes=[RouteConfig("/strip", "city", strip=True), RouteConfig("/person", "police"),
                               RouteConfig("/custody", "police", custody_access=True)],
                       verifier=WarrantRegistry({WARRANT: "judicial warrant"})),
        ],
    )


async def _drive_middleware(guard: Guard) -> None:
    transport = httpx.ASGITransport(app=_app(guard))
    async with httpx.AsyncClient(transport=transport, base_url="http://city.test") as c:
        local = {"x-test-login": "local"}
        r = await c.post("/intake", json={"citizenship": SENTINELS["status"], "a_number": SENTINELS["anumber"],
                                          "name": SENTINELS["name"]}, headers=local)
        assert r.status_code in (403, 422)
        for v in SENTINELS.values():
            assert v not in r.text
        r = await c.post("/strip", data={"immigration_status": SENTINELS["status"], "notes": SENTINELS["note"],
                                         "home": SENTINELS["address"]}, headers=local)
        assert r.status_code in (200, 403, 422)
        r = await c.get("/person", headers={"x-test-login": "federal"})
        assert r.status_code == 200
        assert SENTINELS["address"] not in r.text and SENTINELS["release"] not in r.text
        r = await c.post("/custody/visit", headers={"x-test-login": "federal_immigration"})
        assert r.status_code == 403
        r = await c.post("/custody/visit", headers={"x-test-login": "federal_immigration",
                                                     "x-judicial-warrant": WARRANT})
        assert r.status_code == 200


def _drive_sql(guard: Guard, tmp_path) -> None:
    raw = sqlite3.connect(tmp_path / "city.db")
    raw.execute("CREATE TABLE residents (id INTEGER, full_name TEXT, immigration_status TEXT, home_address TEXT)")
    raw.execute("CREATE TABLE holds (id INTEGER, person_id INTEGER, hold_basis TEXT)")
    raw.commit()
    city = guard_connection(raw, guard, scope="city", default_requester="local")
    with pytest.raises(SQLRefusedError):
        city.execute(f"INSERT INTO residents (id, full_name, immigration_status) VALUES (1, '{SENTINELS['name']}', "
                     f"'{SENTINELS['sql_literal']}')")
    with pytest.raises(SQLRefusedError):
        city.execute("UPDATE residents SET immigration_status = ? WHERE full_name = ?",
                     (SENTINELS["status"], SENTINELS["name"]))
    police = guard_connection(raw, guard, scope="police", default_requester="local")
    with pytest.raises(SQLRefusedError):
        police.execute("INSERT INTO holds (id, person_id, hold_basis) VALUES (1, 2, 'ice_detainer')")
    with pytest.raises(SQLRefusedError):
        police.execute(f"SELECT id FROM residents WHERE immigration_status = '{SENTINELS['sql_literal']}'")
    assert raw.execute("SELECT count(*) FROM residents").fetchone() == (0,)
    assert raw.execute("SELECT count(*) FROM holds").fetchone() == (0,)


@pytest.mark.anyio
@pytest.mark.parametrize("sink", ["jsonl", "sqlite"])
async def test_no_guarded_value_ever_reaches_the_audit_log(tmp_path, sink: str) -> None:
    spec = f"{sink}:{tmp_path / ('audit.' + sink)}"
    guard = Guard.default(audit=spec)
    await _drive_middleware(guard)
    _drive_sql(guard, tmp_path)
    guard.audit.close()

    log = open_audit(spec)
    records = list(log.records())
    assert len([r for r in records if r.get("kind", "decision") == "decision"]) >= 6
    adapters = {r.get("adapter") for r in records}
    assert {"asgi", "sql"} <= adapters
    assert log.verify().ok
    used = [e for r in records for e in (r.get("exceptions") or [])]
    assert any(e.get("reference") == WARRANT and e.get("citation") == "2.129.040(h)" for e in used)

    blob = b"".join(line if isinstance(line, bytes) else str(line).encode() for line in log.raw_lines())
    if sink == "sqlite":
        blob += (tmp_path / "audit.sqlite").read_bytes()
    assert b"2.129.040(b)" in blob and b"immigration_status" in blob  # the log holds what it should
    for label, v in SENTINELS.items():
        for form in {v, v.lower(), v.upper(), v.replace(" ", "")}:
            assert form.encode() not in blob, f"{label} sentinel leaked into the audit log"
