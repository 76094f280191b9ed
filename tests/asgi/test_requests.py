"""What goes in: forms, JSON, multipart and query strings that ask forbidden questions
(2.129.040(b), 040(k)) are refused with a cited, plain-words error — or stripped where the route
says so, and the app receives the exact remaining body."""

from __future__ import annotations

import gzip
import json

import brotli
import pytest

from .conftest import audit_records

pytestmark = pytest.mark.anyio


async def test_urlencoded_citizenship_question_is_refused_with_field_category_and_citation(app, client_for, audit_path):
    async with client_for(app, "tok-local") as c:
        r = await c.post("/echo", data={"name": "Ana", "citizenship": "yes"})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "forbidden_question"
    (field,) = err["fields"]
    assert field["field"] == "citizenship"
    assert field["categories"] == ["citizenship_status"]
    assert "2.129.040(b)" in field["citations"]
    assert "citizenship" in field["reason"].lower()
    assert "yes" not in r.text.replace("yes_", "")  # the submitted value is never echoed
    rec = audit_records(audit_path)[-1]
    assert rec["effect"] == "block" and rec["fields"] == ["citizenship"] and rec["route"] == "POST /"


async def test_refusal_is_html_for_a_browser_and_names_the_field(app, client_for):
    async with client_for(app, "tok-local", accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.8") as c:
        r = await c.post("/echo", data={"immigration_status": "x"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("text/html")
    assert "immigration_status" in r.text and "2.129.040(b)" in r.text


async def test_refusal_speaks_the_forms_language(guard, client_for):
    from .conftest import make_app
    from status_guard.asgi import RouteConfig

    app = make_app(guard, routes=[RouteConfig("/", "city", language="es")])
    async with client_for(app, "tok-local") as c:
        r = await c.post("/echo", data={"ciudadania": "si"})
    err = r.json()["error"]
    assert r.status_code == 422 and err["language"] == "es"
    assert "ciudadanía" in err["fields"][0]["reason"]


async def test_nested_json_and_lists_are_inspected(app, client_for):
    async with client_for(app, "tok-local") as c:
        r = await c.post("/echo", json={"household": {"members": [{"name": "A"}, {"name": "B", "aNumber": "x"}]}})
    assert r.status_code == 422
    assert r.json()["error"]["fields"][0]["field"] == "household.members[1].aNumber"


async def test_multipart_upload_named_for_a_passport_is_refused(app, client_for):
    async with client_for(app, "tok-local") as c:
        r = await c.post("/echo", data={"name": "Ana"}, files={"passport_scan": ("scan.pdf", b"%PDF-1.4", "application/pdf")})
    assert r.status_code == 422
    assert r.json()["error"]["fields"][0]["categories"] == ["visa_or_passport"]


async def test_query_string_status_question_is_refused(app, client_for):
    async with client_for(app, "tok-local") as c:
        r = await c.get("/echo", params={"isUsCitizen": "true", "page": "2"})
    assert r.status_code == 422
    assert r.json()["error"]["fields"][0]["field"] == "isUsCitizen"


async def test_legitimate_submission_reaches_the_app_byte_for_byte(app, client_for):
    body = "name=Ana+P%C3%A9rez&visa_card_number=4111&citizens_advisory_committee=yes"
    async with client_for(app, "tok-local") as c:
        r = await c.post("/echo", content=body, headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200
    assert r.json()["body"] == body


async def test_strip_route_removes_only_the_forbidden_field_and_fixes_content_length(app, client_for, audit_path):
    body = "name=Ana+P%C3%A9rez&citizenship=yes&zip=02139"
    async with client_for(app, "tok-local") as c:
        r = await c.post("/strip/echo", content=body, headers={"content-type": "application/x-www-form-urlencoded"})
    got = r.json()
    assert r.status_code == 200
    assert got["body"] == "name=Ana+P%C3%A9rez&zip=02139"
    assert got["content_length"] == str(len(got["body"]))
    assert audit_records(audit_path)[-1]["effect"] == "strip"


async def test_strip_route_removes_a_multipart_part_exactly(app, client_for):
    async with client_for(app, "tok-local") as c:
        r = await c.post("/strip/echo", data={"name": "Ana", "immigration_status": "x", "zip": "02139"},
                         files={"lease": ("lease.txt", b"rent", "text/plain")})
    got = r.json()
    assert r.status_code == 200
    assert "immigration_status" not in got["body"]
    assert 'name="name"' in got["body"] and 'name="lease"' in got["body"] and "02139" in got["body"]
    assert int(got["content_length"]) == len(got["body"].encode())


async def test_strip_route_removes_nested_json_key(app, client_for):
    async with client_for(app, "tok-local") as c:
        r = await c.post("/strip/echo", json={"person": {"name": "Ana", "placeOfBirth": "x", "alienNumber": "x"}})
    assert r.status_code == 200
    assert json.loads(r.json()["body"]) == {"person": {"name": "Ana", "placeOfBirth": "x"}}  # pob is flagged, not stripped


async def test_strip_route_removes_query_parameter(app, client_for):
    async with client_for(app, "tok-local") as c:
        r = await c.get("/strip/echo?page=2&citizenship=us&sort=name")
    assert r.status_code == 200 and r.json()["query"] == "page=2&sort=name"


async def test_declared_legal_basis_lets_form_i9_through_and_is_audited(app, client_for, audit_path):
    async with client_for(app, "tok-local") as c:
        r = await c.post("/hr/echo", data={"citizenship_status": "citizen"})
    assert r.status_code == 200
    rec = audit_records(audit_path)[-1]
    assert rec["effect"] == "flag"
    assert rec["exceptions"][0]["legal_basis"] == "8 U.S.C. §1324a (Form I-9)"


async def test_school_enrollment_cannot_require_parent_citizenship(app, client_for):
    async with client_for(app, "tok-local") as c:
        r = await c.post("/schools/echo", data={"student_name": "x", "parent1citizenship1": "x"})
    assert r.status_code == 422
    assert "2.129.040(k)" in r.json()["error"]["citations"]


@pytest.mark.parametrize("coding", ["gzip", "br", "deflate"])
async def test_compressed_request_bodies_are_decoded_and_checked(app, client_for, coding):
    raw = json.dumps({"name": "Ana", "immigrationStatus": "x"}).encode()
    packed = {"gzip": gzip.compress, "br": brotli.compress, "deflate": __import__("zlib").compress}[coding](raw)
    async with client_for(app, "tok-local") as c:
        r = await c.post("/echo", content=packed, headers={"content-type": "application/json", "content-encoding": coding})
    assert r.status_code == 422


async def test_unknown_request_encoding_is_refused_not_passed(app, client_for):
    async with client_for(app, "tok-local") as c:
        r = await c.post("/echo", content=b"\x28\xb5\x2f\xfd", headers={"content-type": "application/json",
                                                                        "content-encoding": "zstd"})
    assert r.status_code == 400


@pytest.mark.parametrize("body,ctype", [
    (b'{"a": NaN}', "application/json"),
    (b'{"a": 1', "application/json"),
    (b"citizenship=yes", "text/plain"),
    (b"--x\r\nContent-Disposition: form-data\r\n\r\nv\r\n--x--\r\n", "multipart/form-data; boundary=x"),
])
async def test_bodies_the_guard_cannot_parse_are_refused(app, client_for, body, ctype):
    async with client_for(app, "tok-local") as c:
        r = await c.post("/echo", content=body, headers={"content-type": ctype})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "unparseable_request"


async def test_a_spoofed_requester_header_is_not_believed(app, client_for):
    """Only the app's authentication says who is asking; a header a client sets means nothing."""
    async with client_for(app, None, **{"x-status-guard-requester": "local", "x-requester": "local"}) as c:
        r = await c.get("/police/booking")
    assert "12 Example St" not in r.text


async def test_trusted_proxy_header_is_believed_only_from_the_proxy(guard):
    from .conftest import body_of, drive, make_app
    from status_guard.asgi import TrustedProxy

    app = make_app(guard, trusted_proxy=TrustedProxy({"10.0.0.5"}))
    hdr = [(b"x-status-guard-requester", b"local")]
    from_proxy = body_of(await drive(app, path="/police/booking", headers=hdr, client=("10.0.0.5", 1)))
    from_other = body_of(await drive(app, path="/police/booking", headers=hdr, client=("203.0.113.9", 1)))
    assert b"12 Example St" in from_proxy
    assert b"12 Example St" not in from_other


async def test_the_sql_inspector_sees_the_requester_and_purpose_of_the_request(guard, client_for):
    """The middleware puts who is asking, and why, in the ContextVar the SQL inspector reads."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from status_guard.asgi import RouteConfig, StatusGuardMiddleware
    from status_guard.context import current

    from .conftest import FakeAuth, identify_from_user

    async def whoami(request):
        ctx = current()
        return JSONResponse({"requester": ctx.requester.cls, "purpose": ctx.purpose, "scope": ctx.scope,
                             "route": ctx.route})

    app = Starlette(routes=[Route("/schools/ell/x", whoami)])
    app.add_middleware(StatusGuardMiddleware, guard=guard, identify=identify_from_user, scope="city",
                       routes=[RouteConfig("/schools/ell", "schools", purpose="ell_services")])
    app.add_middleware(FakeAuth)
    async with client_for(app, "tok-state") as c:
        got = (await c.get("/schools/ell/x")).json()
    assert got == {"requester": "state", "purpose": "ell_services", "scope": "schools", "route": "GET /schools/ell"}
    assert current() is None  # reset after the request


def test_misconfiguration_is_refused_at_start_up(guard):
    from status_guard.asgi import RouteConfig, StatusGuardMiddleware
    from status_guard.errors import PolicyError
    from status_guard.model import Claim

    with pytest.raises(PolicyError):
        StatusGuardMiddleware(None, guard=guard, scope="parks")
    with pytest.raises(PolicyError):  # a warrant is verified per request, never declared for a route
        StatusGuardMiddleware(None, guard=guard, routes=[RouteConfig("/c", "police", exceptions=(
            Claim("judicial-warrant", legal_basis="judicial warrant", reference="x", verified=True),))])
