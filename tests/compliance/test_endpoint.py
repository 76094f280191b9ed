"""The police system posts events to the ASGI endpoint."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from status_guard.compliance.endpoint import events_endpoint

TOKEN = "t" * 32


def post(app: Any, body: Any, token: str = TOKEN, raw: bytes | None = None) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
            headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
            if raw is not None:
                return await c.post("/events", content=raw, headers=headers)
            return await c.post("/events", json=body, headers=headers)

    return asyncio.run(go())


def test_police_system_posts_a_detainer_and_gets_the_obligation(recorder):
    r = post(events_endpoint(recorder, token=TOKEN), {"type": "detainer_request", "person_id": "BK-1",
                                                      "in_custody": True})
    assert r.status_code == 201 and r.json()["obligation_ref"].startswith("obl")


def test_hold_on_a_detainer_alone_is_refused_with_409(recorder, audit_log):
    r = post(events_endpoint(recorder, token=TOKEN), {"type": "detained_on_ice_hold", "person_id": "BK-1",
                                                      "hold_basis": ["ice_detainer"]})
    assert r.status_code == 409 and r.json()["citations"] == ["2.129.040(d)"]
    assert any(x.get("effect") == "block" for x in audit_log.records())


def test_wrong_token_unknown_field_and_oversize_body_are_refused(recorder, audit_log):
    app = events_endpoint(recorder, token=TOKEN)
    assert post(app, {"type": "ice_hold"}, token="x" * 32).status_code == 401
    r = post(app, {"type": "ice_hold", "person_id": "BK-1", "name": "Maria"})
    assert r.status_code == 400 and "Maria" not in r.text and "name" in r.text
    assert post(app, None, raw=b"{" + b" " * 20000 + b"}").status_code == 413
    assert post(app, None, raw=b"[1]").status_code == 400
    assert not any(x.get("kind") == "event" for x in audit_log.records())


def test_endpoint_needs_a_strong_token(recorder):
    with pytest.raises(ValueError, match="token"):
        events_endpoint(recorder, token="short")


def test_a_retried_post_is_counted_once_and_opens_one_obligation(recorder, audit_log):
    from status_guard.compliance.obligations import obligations_from
    from status_guard.compliance.report import Period, report_for
    from status_guard.compliance.source import take_snapshot

    app = events_endpoint(recorder, token=TOKEN)
    body = {"type": "detainer_request", "person_id": "BK-9", "in_custody": True, "idempotency_key": "cad-evt-000123"}
    first, retry = post(app, body), post(app, body)
    assert first.status_code == retry.status_code == 201
    assert first.json()["event_id"] == retry.json()["event_id"]
    assert first.json()["obligation_ref"] == retry.json()["obligation_ref"]
    records = list(audit_log.records())
    obligations, _ = obligations_from(records)
    assert len([o for o in obligations if o.ref == first.json()["obligation_ref"]]) == 1
    assert "cad-evt-000123" not in repr(records)  # the key itself is never stored
    from datetime import datetime, timezone

    today = datetime.now(timezone.utc).date()
    report = report_for(take_snapshot(audit_log), Period(today, today))
    assert report.lodged.get("detainer_request", 0) == 1
