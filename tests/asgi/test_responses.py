"""What goes out: a federal officer never receives a home address, work address, release date,
hearing information, incarceration status or detention length — in JSON, NDJSON, CSV or an HTML
table, compressed or not (2.129.040(e)); citizenship status still passes (8 U.S.C. §1373,
2.129.070); a local officer gets the full record; what cannot be checked is refused."""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib

import brotli
import pytest
from starlette.responses import FileResponse, Response, StreamingResponse
from starlette.routing import Route

from .conftest import PROTECTED_VALUES, audit_records, body_of, drive, make_app

pytestmark = pytest.mark.anyio

FORMATS = ["/police/booking", "/police/booking.ndjson", "/police/booking.csv", "/police/tables/booking.html"]


@pytest.mark.parametrize("path", FORMATS)
@pytest.mark.parametrize("token", ["tok-federal", "tok-ice", None])
async def test_federal_officer_never_sees_protected_items_in_any_format(app, client_for, path, token):
    async with client_for(app, token) as c:
        r = await c.get(path)
    assert r.status_code == 200
    for value in PROTECTED_VALUES:
        assert value not in r.text, f"{value!r} leaked in {path}"
    assert "[REDACTED]" in r.text


@pytest.mark.parametrize("path", FORMATS)
async def test_citizenship_status_passes_to_federal_officers_1373(app, client_for, path):
    async with client_for(app, "tok-federal") as c:
        r = await c.get(path)
    assert "lawful permanent resident" in r.text


@pytest.mark.parametrize("path", FORMATS)
async def test_local_officer_gets_the_full_record(app, client_for, path):
    async with client_for(app, "tok-local") as c:
        r = await c.get(path)
    assert r.status_code == 200
    for value in ("12 Example St", "2026-12-01", "lawful permanent resident"):
        assert value in r.text


async def test_public_record_field_reaches_a_federal_officer(app, client_for):
    async with client_for(app, "tok-federal") as c:
        doc = (await c.get("/police/booking")).json()
    assert doc["charge"] == "shoplifting" and doc["bookings"][0]["charge"] == "shoplifting"
    assert doc["person"]["name"] == "[REDACTED]"  # default-deny: not declared public record


async def test_redacted_response_has_a_correct_length_and_no_cache(app, client_for, audit_path):
    async with client_for(app, "tok-federal") as c:
        r = await c.get("/police/booking")
    assert int(r.headers["content-length"]) == len(r.content)
    assert "no-store" in r.headers["cache-control"]
    rec = audit_records(audit_path)[-1]
    assert rec["action"] == "disclose" and rec["effect"] == "redact" and rec["requester"]["class"] == "federal"
    assert "person.home_address" in rec["fields"] and "2.129.040(e)" in rec["citations"]


async def test_csv_keeps_its_shape_for_federal_requesters(app, client_for):
    async with client_for(app, "tok-federal") as c:
        rows = list(csv.reader(io.StringIO((await c.get("/police/booking.csv")).text)))
    header, row = rows
    assert row[header.index("charge")] == "shoplifting"
    assert row[header.index("home_address")] == "[REDACTED]"


def _encoded_app(guard, coding: str):
    def compress(b: bytes) -> bytes:
        return {"gzip": gzip.compress, "br": brotli.compress, "deflate": zlib.compress}[coding](b)

    async def packed(request):
        from .conftest import BOOKING

        return Response(compress(json.dumps(BOOKING).encode()), media_type="application/json",
                        headers={"content-encoding": coding})

    return make_app(guard, extra=[Route("/police/packed", packed)])


@pytest.mark.parametrize("coding", ["gzip", "br", "deflate"])
async def test_compressed_responses_are_decoded_and_redacted_never_passed_through(guard, client_for, coding):
    async with client_for(_encoded_app(guard, coding), "tok-federal") as c:
        r = await c.get("/police/packed")
    assert r.status_code == 200
    assert "content-encoding" not in r.headers
    assert "12 Example St" not in r.text and r.json()["person"]["home_address"] == "[REDACTED]"


async def test_compressed_response_to_a_local_officer_is_untouched(guard, client_for):
    async with client_for(_encoded_app(guard, "gzip"), "tok-local") as c:
        r = await c.get("/police/packed")
    assert r.headers["content-encoding"] == "gzip" and "12 Example St" in r.text


async def test_undecodable_encoding_is_refused_for_a_restricted_requester(guard, client_for):
    async def zstd(request):
        return Response(b"\x28\xb5\x2f\xfd...", media_type="application/json", headers={"content-encoding": "zstd"})

    app = make_app(guard, extra=[Route("/police/z", zstd)])
    async with client_for(app, "tok-federal") as c:
        r = await c.get("/police/z")
    assert r.status_code == 403 and r.json()["error"]["code"] == "response_not_checkable"


async def test_corrupt_gzip_is_refused_for_a_restricted_requester(guard, client_for):
    async def bad(request):
        return Response(b"\x1f\x8b\x08\x00garbage", media_type="application/json", headers={"content-encoding": "gzip"})

    app = make_app(guard, extra=[Route("/police/bad", bad)])
    async with client_for(app, "tok-federal") as c:
        r = await c.get("/police/bad")
    assert r.status_code == 403 and b"garbage" not in r.content


async def test_content_type_that_cannot_be_redacted_is_refused_for_federal_requester(guard, client_for):
    async def text(request):
        return Response("Ana lives at 12 Example St", media_type="text/plain")

    app = make_app(guard, extra=[Route("/police/note", text)])
    async with client_for(app, "tok-federal") as c:
        r = await c.get("/police/note")
    assert r.status_code == 403 and "12 Example St" not in r.text
    async with client_for(app, "tok-local") as c:
        assert (await c.get("/police/note")).text == "Ana lives at 12 Example St"


async def test_invalid_json_response_is_refused_for_a_restricted_requester(guard, client_for):
    async def bad(request):
        return Response(b'{"home_address": "12 Example St", NaN}', media_type="application/json")

    app = make_app(guard, extra=[Route("/police/bad", bad)])
    async with client_for(app, "tok-federal") as c:
        r = await c.get("/police/bad")
    assert r.status_code == 403 and "12 Example St" not in r.text


async def test_police_html_page_outside_tables_is_refused_for_federal_requester(guard, client_for):
    async def page(request):
        return Response("<html><body><p>Home address: 12 Example St</p></body></html>", media_type="text/html")

    app = make_app(guard, extra=[Route("/police/page", page)])
    async with client_for(app, "tok-federal") as c:
        r = await c.get("/police/page")
    assert r.status_code == 403 and "12 Example St" not in r.text


async def test_streaming_response_to_unrestricted_requester_keeps_streaming(guard):
    """ASGITransport buffers; the harness sees each chunk leave as the app sends it."""

    async def stream(request):
        async def gen():
            for i in range(3):
                yield json.dumps({"n": i}).encode() + b"\n"

        return StreamingResponse(gen(), media_type="application/x-ndjson")

    app = make_app(guard, extra=[Route("/police/stream", stream)])
    msgs = await drive(app, path="/police/stream", headers=[(b"authorization", b"Bearer tok-local")])
    kinds = [m["type"] for m in msgs]
    assert kinds[0] == "http.response.start"
    bodies = [m for m in msgs if m["type"] == "http.response.body" and m.get("body")]
    assert len(bodies) == 3  # not merged into one buffered message
    assert all(m.get("more_body") for m in bodies)


async def test_streaming_ndjson_to_federal_requester_is_buffered_and_redacted(guard):
    async def stream(request):
        async def gen():
            for _ in range(3):
                yield json.dumps({"home_address": "12 Example St", "citizenship_status": "citizen"}).encode() + b"\n"

        return StreamingResponse(gen(), media_type="application/x-ndjson")

    app = make_app(guard, extra=[Route("/police/stream", stream)])
    msgs = await drive(app, path="/police/stream", headers=[(b"authorization", b"Bearer tok-federal")])
    start = msgs[0]
    body = body_of(msgs)
    assert b"12 Example St" not in body and body.count(b'"citizen"') == 3
    assert dict(start["headers"])[b"content-length"] == str(len(body)).encode()


async def test_missing_content_length_is_handled_like_django(guard):
    """Django's JSON responses may carry no Content-Length and arrive in several chunks."""

    async def raw_app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        data = json.dumps({"home_address": "12 Example St", "charge": "x"}).encode()
        await send({"type": "http.response.body", "body": data[:10], "more_body": True})
        await send({"type": "http.response.body", "body": data[10:], "more_body": False})

    from status_guard.asgi import RouteConfig, StatusGuardMiddleware

    mw = StatusGuardMiddleware(raw_app, guard=guard, identify=lambda s: "federal", scope="police",
                               routes=[RouteConfig("/", "police", public_record_fields=("charge",))])
    msgs = await drive(mw, path="/x")
    assert [m["type"] for m in msgs] == ["http.response.start", "http.response.body"]
    assert json.loads(body_of(msgs)) == {"home_address": "[REDACTED]", "charge": "x"}
    assert dict(msgs[0]["headers"])[b"content-length"] == str(len(body_of(msgs))).encode()


async def test_head_has_no_stale_content_length_for_a_redacted_resource(app):
    msgs = await drive(app, method="HEAD", path="/police/booking", headers=[(b"authorization", b"Bearer tok-federal")])
    headers = dict(msgs[0]["headers"])
    assert msgs[0]["status"] == 200 and b"content-length" not in headers
    assert body_of(msgs) == b""


@pytest.mark.parametrize("status", [204, 304])
async def test_bodyless_statuses_pass_unchanged(guard, status):
    async def empty(request):
        return Response(status_code=status, headers={"etag": '"abc"'})

    app = make_app(guard, extra=[Route("/police/empty", empty)])
    msgs = await drive(app, path="/police/empty", headers=[(b"authorization", b"Bearer tok-federal")])
    assert msgs[0]["status"] == status and body_of(msgs) == b""


async def test_pathsend_file_is_read_and_redacted_for_a_restricted_requester(guard, tmp_path):
    f = tmp_path / "booking.json"
    f.write_text(json.dumps({"home_address": "12 Example St", "citizenship_status": "citizen"}))

    async def raw_app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(f.stat().st_size).encode())]})
        await send({"type": "http.response.pathsend", "path": str(f)})

    from status_guard.asgi import StatusGuardMiddleware

    mw = StatusGuardMiddleware(raw_app, guard=guard, identify=lambda s: "federal_immigration", scope="police")
    msgs = await drive(mw, path="/file")
    assert json.loads(body_of(msgs)) == {"home_address": "[REDACTED]", "citizenship_status": "citizen"}
    assert all(m["type"] != "http.response.pathsend" for m in msgs)

    mw_local = StatusGuardMiddleware(raw_app, guard=guard, identify=lambda s: "local", scope="police")
    msgs = await drive(mw_local, path="/file")
    assert msgs[-1]["type"] == "http.response.pathsend"  # untouched for an unrestricted requester


async def test_file_response_to_federal_requester_is_redacted(guard, client_for, tmp_path):
    f = tmp_path / "export.csv"
    f.write_text("name,home_address,citizenship_status\r\nAna,12 Example St,citizen\r\n")
    app = make_app(guard, extra=[Route("/police/export.csv", lambda r: FileResponse(f, media_type="text/csv"))])
    async with client_for(app, "tok-federal") as c:
        r = await c.get("/police/export.csv")
    assert "12 Example St" not in r.text and "citizen" in r.text


async def test_schools_never_distribute_immigration_status_even_to_staff(guard, client_for):
    async def student(request):
        return Response(json.dumps({"student": {"name": "A", "immigration_status": "x", "grade": 3}}),
                        media_type="application/json")

    app = make_app(guard, extra=[Route("/schools/student", student)])
    async with client_for(app, "tok-local") as c:
        doc = (await c.get("/schools/student")).json()
    assert doc["student"]["immigration_status"] == "[REDACTED]" and doc["student"]["grade"] == 3
