"""The dashboard as an attacker on the network sees it, and files built to crash or blind the scanner."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx

from status_guard import Guard
from status_guard.compliance.dashboard.app import COOKIE, DashboardConfig, create_app
from status_guard.scan import Limits, scan_paths

PASSWORD = "correct horse battery staple"


def _run(app: Any, steps: list[tuple[str, str, dict[str, Any]]]) -> list[httpx.Response]:
    async def go() -> list[httpx.Response]:
        out = []
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
            for method, url, kw in steps:
                out.append(await c.request(method, url, **kw))
        return out

    return asyncio.run(go())


def _app(audit_log: Any, log_path: Path) -> Any:
    audit_log.heartbeat()
    audit_log.close()
    return create_app(DashboardConfig(audit_spec=f"jsonl:{log_path}", password=PASSWORD))


def test_login_next_cannot_redirect_to_another_site(audit_log: Any, log_path: Path) -> None:
    app = _app(audit_log, log_path)
    for evil in ("/\\evil.example", "/\\/evil.example", "/\t/evil.example", "//evil.example", "https://evil.example"):
        (r,) = _run(app, [("POST", "/login", {"data": {"password": PASSWORD, "next": evil}})])
        assert r.status_code == 303
        assert r.headers["location"] == "/", evil
    (r,) = _run(app, [("POST", "/login", {"data": {"password": PASSWORD, "next": "/records?kind=event"}})])
    assert r.headers["location"] == "/records?kind=event"


def test_session_cookie_copied_before_logout_no_longer_opens_the_dashboard(audit_log: Any, log_path: Path) -> None:
    app = _app(audit_log, log_path)

    async def go() -> tuple[int, int]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
            await c.post("/login", data={"password": PASSWORD, "next": "/"})
            stolen = c.cookies.get(COOKIE)
            before = (await c.get("/")).status_code
            await c.post("/logout")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1",
                                     cookies={COOKIE: stolen}) as thief:
            after = (await thief.get("/")).status_code
        return before, after

    before, after = asyncio.run(go())
    assert before == 200
    assert after == 303  # back to the login form


def test_forged_non_ascii_session_cookie_is_a_login_redirect_not_a_server_error(audit_log: Any,
                                                                                log_path: Path) -> None:
    app = _app(audit_log, log_path)
    (r,) = _run(app, [("GET", "/", {"headers": {"cookie": f"{COOKIE}=9999999999.ab.\u00e9\u00e9".encode("latin-1")}})])
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_deeply_nested_json_spec_is_an_unparseable_finding_not_a_crash(tmp_path: Path, guard: Guard) -> None:
    depth = 100_000
    (tmp_path / "api.json").write_text('{"openapi": "3.0.0", "paths": ' + '{"a": ' * depth + "1" + "}" * depth + "}")
    report = scan_paths(guard, [str(tmp_path)], scope="city", limits=Limits())
    assert [f.kind.value for f in report.findings] == ["unparseable"]
    assert "nested too deeply" in report.errors[0].problem


def test_openapi_keys_spelled_with_escapes_do_not_hide_a_citizenship_field(tmp_path: Path, guard: Guard) -> None:
    spec = {"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {"/enroll": {"post": {
        "requestBody": {"content": {"application/json": {"schema": {
            "type": "object", "properties": {"citizenship_status": {"type": "string"}}}}}},
        "responses": {"200": {"description": "ok"}}}}}}
    text = json.dumps(spec).replace('"openapi"', '"\\u006fpenapi"').replace('"properties"', '"\\u0070roperties"')
    assert "openapi" not in text and "properties" not in text  # nothing for a plain text search to find
    (tmp_path / "api.json").write_text(text)
    report = scan_paths(guard, [str(tmp_path)], scope="city", limits=Limits())
    assert any(f.name == "citizenship_status" and f.effect.value == "block" for f in report.findings)


def test_ordinary_json_files_with_escapes_are_still_skipped(tmp_path: Path, guard: Guard) -> None:
    (tmp_path / "config.json").write_text('{"path": "C:\\\\app", "note": "\\u00e9"}')
    (tmp_path / "broken.json").write_text('{"path": "C:\\\\app", // a comment\n}')
    report = scan_paths(guard, [str(tmp_path)], scope="city", limits=Limits())
    assert report.findings == () and report.files_scanned == 0
