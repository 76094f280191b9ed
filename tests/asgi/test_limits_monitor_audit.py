"""Bounded work (a clear 413/400, never a 500, never a pass-through), monitor mode (report-only,
loud in the logs) and fail-closed auditing (no record, no action)."""

from __future__ import annotations

import json
import logging

import pytest

from status_guard.asgi import Limits
from status_guard.errors import AuditUnavailableError

from .conftest import audit_records, body_of, drive, make_app

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("limits,body,ctype,status,limit_name", [
    (Limits(max_body_bytes=100), b"a=" + b"x" * 200, "application/x-www-form-urlencoded", 413, "request body size"),
    (Limits(max_json_depth=4), json.dumps({"a": {"b": {"c": {"d": {"e": 1}}}}}).encode(), "application/json", 400, "JSON nesting depth"),
    (Limits(max_json_keys=10), json.dumps({f"k{i}": i for i in range(11)}).encode(), "application/json", 400, "JSON key"),
    (Limits(max_form_fields=5), b"&".join(b"f%d=1" % i for i in range(6)), "application/x-www-form-urlencoded", 400, "number of form fields"),
])
async def test_request_limits_give_a_clear_error(guard, limits, body, ctype, status, limit_name):
    app = make_app(guard, limits=limits)
    msgs = await drive(app, method="POST", path="/echo", body_chunks=[body],
                       headers=[(b"content-type", ctype.encode()), (b"content-length", str(len(body)).encode())])
    assert msgs[0]["status"] == status
    err = json.loads(body_of(msgs))["error"]
    assert limit_name in err["limit"] and err["max"]


async def test_body_limit_is_enforced_without_content_length(guard):
    """uvicorn sets no body limit; a chunked body is counted as it arrives."""
    app = make_app(guard, limits=Limits(max_body_bytes=100))
    msgs = await drive(app, method="POST", path="/echo", body_chunks=[b"a=" + b"x" * 60, b"x" * 60],
                       headers=[(b"content-type", b"application/x-www-form-urlencoded"), (b"transfer-encoding", b"chunked")])
    assert msgs[0]["status"] == 413


async def test_json_deeper_than_orjson_can_parse_is_a_400_not_a_500(guard):
    app = make_app(guard)
    body = b"[" * 2000 + b"]" * 2000
    msgs = await drive(app, method="POST", path="/echo", body_chunks=[body],
                       headers=[(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())])
    assert msgs[0]["status"] == 400


async def test_multipart_part_count_limit(guard, client_for):
    app = make_app(guard, limits=Limits(max_multipart_parts=3))
    async with client_for(app, "tok-local") as c:
        r = await c.post("/echo", data={f"f{i}": "x" for i in range(3)}, files={"doc": ("a.txt", b"x", "text/plain")})
    assert r.status_code == 400 and "multipart parts" in r.json()["error"]["limit"]


async def test_multipart_field_size_limit(guard, client_for):
    app = make_app(guard, limits=Limits(max_multipart_field_bytes=64))
    async with client_for(app, "tok-local") as c:
        r = await c.post("/echo", data={"note": "x" * 100}, files={"doc": ("a.txt", b"x" * 100, "text/plain")})
    assert r.status_code == 413


async def test_decompression_bomb_is_refused(guard):
    import gzip

    app = make_app(guard, limits=Limits(max_decoded_body_bytes=10_000))
    body = gzip.compress(b'{"a": "' + b"x" * 1_000_000 + b'"}')
    msgs = await drive(app, method="POST", path="/echo", body_chunks=[body],
                       headers=[(b"content-type", b"application/json"), (b"content-encoding", b"gzip"),
                                (b"content-length", str(len(body)).encode())])
    assert msgs[0]["status"] == 413


async def test_response_over_the_buffer_limit_is_refused_for_a_restricted_requester(guard):
    app = make_app(guard, limits=Limits(max_response_bytes=100))
    msgs = await drive(app, path="/police/booking", headers=[(b"authorization", b"Bearer tok-federal")])
    assert msgs[0]["status"] == 413
    assert b"12 Example St" not in body_of(msgs)


async def test_monitor_mode_changes_nothing_but_audits_and_says_so_loudly(app, client_for, audit_path, caplog):
    caplog.set_level(logging.WARNING, logger="status_guard.asgi")
    async with client_for(app, "tok-federal") as c:
        sub = await c.post("/monitor/echo", data={"citizenship": "yes"})
        out = await c.get("/monitor/booking")
    assert sub.status_code == 200 and sub.json()["body"] == "citizenship=yes"
    assert "12 Example St" in out.text
    recs = audit_records(audit_path)
    assert {r["action"] for r in recs} >= {"collect", "disclose"} and all(r["monitor"] for r in recs)
    assert sum("MONITOR MODE" in m for m in caplog.messages) >= 2


class _DownLog:
    def append(self, record):
        raise OSError("disk full")


async def test_audit_failure_refuses_the_submission(cambridge_policy, client_for):
    from status_guard import Guard

    app = make_app(Guard(cambridge_policy, audit=_DownLog()))
    async with client_for(app, "tok-local") as c:
        r = await c.post("/hr/echo", data={"citizenship_status": "citizen"})  # would be allowed (flag) under Form I-9
    assert r.status_code == 503 and r.json()["error"]["code"] == "audit_unavailable"


async def test_audit_failure_withholds_a_redacted_response(cambridge_policy, client_for):
    from status_guard import Guard

    app = make_app(Guard(cambridge_policy, audit=_DownLog()))
    async with client_for(app, "tok-federal") as c:
        r = await c.get("/police/booking")
    assert r.status_code == 503 and "Example" not in r.text


async def test_audit_failure_refuses_custody_access_even_with_a_warrant(cambridge_policy, client_for):
    from status_guard import Guard

    app = make_app(Guard(cambridge_policy, audit=_DownLog()))
    async with client_for(app, "tok-ice", **{"x-judicial-warrant": "1:26-mj-00042"}) as c:
        assert (await c.get("/police/custody/visit")).status_code == 503


def test_audit_unavailable_error_is_what_the_guard_raises(cambridge_policy):
    from status_guard import Guard

    g = Guard(cambridge_policy, audit=_DownLog())
    d = g.check_access("police", "federal_immigration")
    with pytest.raises(AuditUnavailableError):
        g.record(d, adapter="asgi")


async def test_field_names_with_odd_characters_are_still_audited(app, client_for, audit_path):
    async with client_for(app, "tok-local") as c:
        r = await c.post("/echo", data={"q:12345/citizenship 2026-01-01": "x"})
    assert r.status_code == 422  # refused and audited, not a 503 because the name broke the record
    assert audit_records(audit_path)[-1]["effect"] == "block"
