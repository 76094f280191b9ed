"""The gateway in front of a real non-Python app (Debian's nginx serving JSON, CSV, XML, HTML forms
and text, and logging every body it receives), over real sockets on 127.0.0.1.

Invariants (each class has tests below; the property-based ones generate shapes nobody listed):

* **040(e)** — a federal, ICE or unidentified requester never receives a protected value from the
  police app: JSON and CSV are redacted, what cannot be redacted (XML, text) is withheld (403).
* **040(b)/(k)** — a status question never reaches a resident's browser, and a submitted status
  answer never reaches the app (nginx's own log is the oracle).
* **040(h)** — no custody visit reaches the app for ICE without a judicial warrant the clerk's list
  holds; an administrative warrant is not one.
* **Identity** — only a token signed by the city's key, or the header of the configured front proxy
  on its own connection, makes anyone more than `unknown`; client-set identity headers never reach
  the app.
* **Audit** — every refusal and redaction is a record naming route prefix, clause and requester
  class, with no protected value in any byte of the log.
"""

from __future__ import annotations

import json
import socket
import time
import uuid

import httpx
import pytest
from stack import bearer
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

PROTECTED = ("12 Example St", "1 Work Plaza", "2031-03-14", "2031-03-17", "34 Sample Ave", "in custody")


def _mark() -> str:
    return uuid.uuid4().hex[:12]


def _upstream(nginx, mark: str) -> list[dict[str, str]]:
    for _ in range(20):  # nginx writes its log line after the response
        hits = [r for r in nginx.log() if mark in r["uri"]]
        if hits:
            return hits
        time.sleep(0.05)
    return []


@pytest.fixture
def client(gateway):
    with httpx.Client(base_url=gateway.url, timeout=15) as c:
        yield c


# -- 040(e): redaction for federal requesters ---------------------------------------------------------
@pytest.mark.parametrize("cls", ["federal", "federal_immigration"])
def test_federal_officer_never_sees_release_date_or_home_address_in_json(client, keys, cls):
    r = client.get("/police/records/1.json", headers=bearer(keys, cls))
    assert r.status_code == 200
    doc = r.json()
    assert doc["person"]["release_date"] == "[REDACTED]" and doc["person"]["home_address"] == "[REDACTED]"
    assert doc["person"]["citizenship_status"] == "lawful permanent resident"  # 8 U.S.C. §1373 / 2.129.070
    assert doc["charge"] == "shoplifting"  # declared public record
    assert not any(v in r.text for v in PROTECTED)
    assert "12 Example St" not in doc["notes"]  # free text in a public field: span-redacted or withheld
    assert r.headers["cache-control"] == "private, no-store"
    assert int(r.headers["content-length"]) == len(r.content)


def test_unidentified_requester_is_treated_like_the_most_restricted(client):
    r = client.get("/police/records/1.json")
    assert r.status_code == 200 and not any(v in r.text for v in PROTECTED)


def test_local_officer_receives_the_record_as_the_app_sent_it(client, keys, nginx):
    r = client.get("/police/records/1.json", headers=bearer(keys, "local"))
    direct = httpx.get(nginx.url + "/police/records/1.json")
    assert r.status_code == 200 and r.content == direct.content
    assert r.headers.get("etag") == direct.headers.get("etag")


def test_federal_officer_never_sees_home_address_in_csv(client, keys):
    r = client.get("/police/records.csv", headers=bearer(keys, "federal"))
    assert r.status_code == 200
    assert not any(v in r.text for v in PROTECTED)
    assert "shoplifting" in r.text and "B-2026-0042" in r.text


def test_federal_officer_gets_xml_redacted_element_by_element(client, keys):
    r = client.get("/police/records.xml", headers=bearer(keys, "federal_immigration"))
    assert r.status_code == 200 and r.headers["content-type"].startswith(("application/xml", "text/xml"))
    assert not any(v in r.text for v in PROTECTED) and "Ana Pereira" not in r.text
    assert "shoplifting" in r.text  # declared public record (charge) passes
    local = client.get("/police/records.xml", headers=bearer(keys, "local"))
    assert local.status_code == 200 and "12 Example St" in local.text


@pytest.mark.parametrize("path", ["/police/notes.txt"])
def test_records_the_guard_cannot_redact_are_withheld_from_federal_officers(client, keys, path):
    r = client.get(path, headers=bearer(keys, "federal_immigration"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "response_not_checkable"
    assert not any(v in r.text for v in PROTECTED)
    local = client.get(path, headers=bearer(keys, "local"))
    assert local.status_code == 200 and "12 Example St" in local.text


def test_police_html_page_with_records_is_refused_to_a_federal_officer(client, keys):
    r = client.get("/police/roster.html", headers=bearer(keys, "federal"))
    assert r.status_code == 403 and "12 Example St" not in r.text


# -- 040(b)/(k): forms and submissions ------------------------------------------------------------------
def test_school_form_never_asks_a_parent_their_immigration_status(client, keys):
    for headers in ({}, bearer(keys, "public"), bearer(keys, "local")):
        r = client.get("/schools/enroll.html", headers=headers)
        assert r.status_code == 200
        assert "parent_immigration_status" not in r.text and "student_citizenship" not in r.text
        assert "residency_proof" in r.text
        assert int(r.headers["content-length"]) == len(r.content)


def test_submitted_status_answer_is_refused_and_never_reaches_the_app(client, keys, nginx):
    mark = _mark()
    r = client.post(f"/schools/enroll/submit?m={mark}", headers=bearer(keys, "public"),
                    data={"student_name": "A", "parent_immigration_status": "undocumented"})
    assert r.status_code == 422
    err = r.json()["error"]
    assert "2.129.040(k)" in err["citations"] and "undocumented" not in r.text
    assert _upstream(nginx, mark) == []


def test_clean_submission_reaches_the_app_byte_for_byte(client, keys, nginx):
    mark = _mark()
    r = client.post(f"/schools/enroll/submit?m={mark}", headers=bearer(keys, "public"),
                    content=b"student_name=Ana&residency_proof=lease",
                    )
    # no content type: the guard cannot inspect it, so it refuses (fail closed)
    assert r.status_code == 400 and _upstream(nginx, mark) == []
    r = client.post(f"/schools/enroll/submit?m={mark}", headers={**bearer(keys, "public"),
                    "content-type": "application/x-www-form-urlencoded"},
                    content=b"student_name=Ana&residency_proof=lease")
    assert r.status_code == 201 and r.json() == {"accepted": True}
    [seen] = _upstream(nginx, mark)
    assert seen["body"] == "student_name=Ana&residency_proof=lease" and seen["content_length"] == "38"


def test_chunked_json_submission_is_checked_and_forwarded(client, keys, nginx):
    mark = _mark()

    def chunks():
        yield b'{"name": "Ana", '
        yield b'"immigrationStatus": "x"}'

    r = client.post(f"/city/intake/submit?m={mark}", content=chunks(),
                    headers={**bearer(keys, "local"), "content-type": "application/json"})
    assert r.status_code == 422 and _upstream(nginx, mark) == []


# -- 040(h): custody access ---------------------------------------------------------------------------
def test_ice_custody_visit_without_judicial_warrant_never_reaches_the_app(client, keys, nginx):
    mark = _mark()
    r = client.get(f"/custody/visits/1.json?m={mark}", headers=bearer(keys, "federal_immigration"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "custody_access_refused"
    assert _upstream(nginx, mark) == []


def test_ice_administrative_warrant_is_not_a_judicial_warrant(client, keys, nginx):
    mark = _mark()
    for ref in ("I-200", "I-205-2026-77", "1:26-MJ-00042", "1:26-mj-000420", "1:26-mj-00042,1:26-mj-00042"):
        r = client.get(f"/custody/visits/1.json?m={mark}",
                       headers={**bearer(keys, "federal_immigration"), "x-judicial-warrant": ref})
        assert r.status_code == 403, ref
    assert _upstream(nginx, mark) == []


def test_custody_visit_with_a_verified_judicial_warrant_is_allowed_and_audited(client, keys, nginx, gateway):
    mark = _mark()
    r = client.get(f"/custody/visits/1.json?m={mark}",
                   headers={**bearer(keys, "federal_immigration"), "x-judicial-warrant": "1:26-mj-00042"})
    assert r.status_code == 200 and len(_upstream(nginx, mark)) == 1  # the visit reached the app
    assert r.json()["visit"] == "[REDACTED]"  # what the app answers is still 040(e) default-deny
    recs = _audit(gateway)
    assert any(r.get("action") == "access" and any(e.get("reference") == "1:26-mj-00042" for e in r.get("exceptions", []))
               for r in recs)


def test_custody_route_under_another_spelling_is_refused_not_bypassed(client, keys, nginx):
    mark = _mark()
    for path in ("/police/../custody/visits/1.json", "//custody/visits/1.json", "/custody/./visits/1.json",
                 "/%63ustody/visits/1.json", "/custody%2fvisits/1.json", "/custody;x=1/visits/1.json",
                 "/police/%2e%2e/custody/visits/1.json", "/police\\..\\custody/visits/1.json"):
        with socket.create_connection(("127.0.0.1", int(client.base_url.port))) as s:
            s.sendall(f"GET {path}?m={mark} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                      f"Authorization: {bearer(keys, 'federal_immigration')['authorization']}\r\n\r\n".encode())
            head = _recv_all(s).split(b"\r\n", 1)[0]
        assert head.split(b" ")[1] in (b"400", b"403"), (path, head)
    assert all("custody" not in r["path"] for r in _upstream(nginx, mark)), _upstream(nginx, mark)


# -- identity spoofing --------------------------------------------------------------------------------
def test_client_set_identity_header_is_ignored_and_never_reaches_the_app(client, keys, nginx):
    mark = _mark()
    r = client.get(f"/police/records/1.json?m={mark}",
                   headers={"x-status-guard-requester": "local", "x-status-guard-agency": "Cambridge Police Department",
                            "x-forwarded-for": "127.0.0.2"})
    assert r.status_code == 200 and "12 Example St" not in r.text
    [seen] = _upstream(nginx, mark)
    assert seen["requester"] == "" and seen["agency"] == ""
    assert seen["forwarded_for"] == "127.0.0.1"  # replaced, not appended: the client cannot name a peer


def _forgeries(keys) -> dict[str, str]:
    import base64

    good = keys.token({"groups": ["cpd-officers"]})
    h, p, s = good.split(".")

    def b64(d: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()

    import jwt as pyjwt

    pub_pem = pyjwt.PyJWK(keys.public_jwk).key.public_bytes(
        __import__("cryptography.hazmat.primitives.serialization", fromlist=["Encoding"]).Encoding.PEM,
        __import__("cryptography.hazmat.primitives.serialization", fromlist=["PublicFormat"]).PublicFormat.SubjectPublicKeyInfo)
    claims = json.loads(base64.urlsafe_b64decode(p + "=="))
    return {
        "other key": keys.token({"groups": ["cpd-officers"]}, key=keys.other_pem),
        "alg none": b64({"alg": "none", "kid": keys.kid}) + "." + p + ".",
        "hs256 with public key": b64({"alg": "HS256", "kid": keys.kid, "typ": "JWT"}) + "." + p + "."
        + base64.urlsafe_b64encode(__import__("hmac").new(pub_pem, f"{b64({'alg': 'HS256', 'kid': keys.kid, 'typ': 'JWT'})}.{p}".encode(),
                                                          "sha256").digest()).rstrip(b"=").decode(),
        "expired": keys.token({"groups": ["cpd-officers"]}, ttl=-3600),
        "wrong audience": keys.token({"groups": ["cpd-officers"]}, aud="another-app"),
        "wrong issuer": keys.token({"groups": ["cpd-officers"]}, iss="https://evil.test"),
        "unknown kid": keys.token({"groups": ["cpd-officers"]}, kid="not-published"),
        "payload swapped": h + "." + b64({**claims, "groups": ["cpd-officers", "x"]}) + "." + s,
        "no exp": keys.token({"groups": ["cpd-officers"]}, exp=None),
    }


def test_forged_or_invalid_tokens_are_unknown_requesters(client, keys):
    for name, token in _forgeries(keys).items():
        r = client.get("/police/records/1.json", headers={"authorization": f"Bearer {token}"})
        assert r.status_code == 200, name
        assert "12 Example St" not in r.text and r.json()["person"]["release_date"] == "[REDACTED]", name
    two = [("authorization", f"Bearer {keys.token({'groups': ['cpd-officers']})}"),
           ("authorization", f"Bearer {keys.token({'groups': ['cpd-officers']})}")]
    r = client.get("/police/records/1.json", headers=two)
    assert "12 Example St" not in r.text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(groups=st.lists(st.sampled_from(["cpd-officers", "msp", "fbi-liaison", "ice-ero", "residents", "x", ""]),
                       max_size=3),
       flip=st.integers(min_value=0, max_value=10_000))
def test_any_tampered_token_is_unknown_however_its_claims_read(client, keys, groups, flip):
    """Property: a token whose bytes changed after signing never identifies anyone."""
    token = keys.token({"groups": groups})
    i = flip % len(token)
    alt = "A" if token[i] != "A" else "B"
    if token[i] == ".":
        return
    forged = token[:i] + alt + token[i + 1:]
    import base64

    def segs(t: str) -> list[bytes]:
        return [base64.urlsafe_b64decode(x + "=" * (-len(x) % 4)) for x in t.split(".")]

    assume(segs(forged) != segs(token))  # a flip in base64's unused low bits changes nothing
    r = client.get("/police/records/1.json", headers={"authorization": f"Bearer {forged}"})
    assert "12 Example St" not in r.text


# -- headers and framing ------------------------------------------------------------------------------
def test_hop_by_hop_headers_and_those_connection_names_never_reach_the_app(client, keys, nginx):
    mark = _mark()
    r = client.get(f"/city/hours.json?m={mark}", headers={**bearer(keys, "local"), "connection": "keep-alive, X-Hop",
                                                          "x-hop": "secret", "keep-alive": "timeout=5",
                                                          "proxy-authorization": "Basic eA=="})
    assert r.status_code == 200
    [seen] = _upstream(nginx, mark)
    assert seen["hop"] == "" and seen["keep_alive"] == ""


def _recv_all(s: socket.socket, timeout: float = 5) -> bytes:
    s.settimeout(timeout)
    out = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except TimeoutError:
        pass
    return out


@pytest.mark.parametrize("framing", [
    "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n",
    "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n",
    "Content-Length: 4\r\nContent-Length: 60\r\n",
    "Transfer-Encoding: xchunked\r\n",
    "Transfer-Encoding: chunked, identity\r\n",
])
def test_conflicting_framing_cannot_smuggle_a_second_request_to_the_app(gateway, keys, nginx, framing):
    """Request smuggling: whatever the client's framing, the app sees no request the guard did not
    check as one (the gateway re-frames every request it forwards)."""
    mark = _mark()
    smuggled = f"GET /custody/visits/1.json?m={mark}s HTTP/1.1\r\nHost: x\r\n\r\n"
    body = "0\r\n\r\n" + smuggled
    raw = (f"POST /city/intake/submit?m={mark} HTTP/1.1\r\nHost: x\r\n"
           f"Authorization: {bearer(keys, 'federal_immigration')['authorization']}\r\n"
           f"Content-Type: application/x-www-form-urlencoded\r\n{framing}Connection: close\r\n\r\n{body}")
    with socket.create_connection(("127.0.0.1", gateway.port)) as s:
        s.sendall(raw.encode())
        _recv_all(s, 3)
    time.sleep(0.2)
    assert not [r for r in nginx.log() if f"{mark}s" in r["uri"]]


def test_one_users_cookie_never_rides_along_with_another_users_request(gateway, keys, nginx):
    with httpx.Client(base_url=gateway.url, timeout=10) as a:
        r = a.get("/city/login", headers=bearer(keys, "local"))
        assert r.cookies.get("session") == "secret-of-user-a"
    mark = _mark()
    with httpx.Client(base_url=gateway.url, timeout=10) as b:
        b.get(f"/city/hours.json?m={mark}", headers=bearer(keys, "public"))
    [seen] = _upstream(nginx, mark)
    assert seen["cookie"] == ""


def test_trace_and_connect_are_not_forwarded(gateway, nginx):
    mark = _mark()
    for raw in (f"TRACE /city/hours.json?m={mark} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                f"CONNECT 127.0.0.1:{nginx.port} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", gateway.port)) as s:
            s.sendall(raw.encode())
            head = _recv_all(s).split(b"\r\n", 1)[0]
        assert head.split(b" ")[1] in (b"400", b"405"), head
    assert _upstream(nginx, mark) == []


def test_redirect_to_the_apps_own_origin_is_rewritten_to_the_gateway(client, keys, nginx):
    r = client.get("/redirect", headers=bearer(keys, "local"))
    assert r.status_code == 302
    assert r.headers["location"].startswith(str(client.base_url).rstrip("/"))
    assert f":{nginx.port}" not in r.headers["location"]


# -- audit ------------------------------------------------------------------------------------------
def _audit(gateway) -> list[dict]:
    return [json.loads(x) for x in gateway.audit_path.read_text().splitlines() if x.strip()]


def test_audit_records_name_route_clause_and_requester_and_hold_no_values(client, keys, gateway):
    client.get("/police/records/1.json", headers=bearer(keys, "federal"))
    client.get("/custody/visits/1.json", headers=bearer(keys, "federal_immigration"))
    client.post("/schools/enroll/submit", data={"parent_immigration_status": "Ana 12 Example St 2031-03-14"},
                headers=bearer(keys, "public"))
    recs = _audit(gateway)
    red = [r for r in recs if r.get("route") == "GET /police" and r.get("requester", {}).get("class") == "federal"]
    assert red and "2.129.040(e)" in red[-1]["citations"] and red[-1]["effect"] == "redact"
    assert any(r.get("route") == "GET /custody" and r.get("action") == "access" and r.get("effect") == "block"
               for r in recs)
    assert any(r.get("route") == "POST /schools" and r.get("effect") == "block" for r in recs)
    raw = gateway.audit_path.read_bytes()
    assert not any(v.encode() in raw for v in PROTECTED + ("Ana",))


def test_gateway_logs_hold_no_values_paths_or_tokens(client, keys, gateway):
    sentinel = "Zq9SentinelAddress 77 Nowhere St"
    client.get("/police/records/1.json", params={"home_address": sentinel}, headers=bearer(keys, "federal"))
    client.post("/schools/enroll/submit", data={"notes": sentinel}, headers=bearer(keys, "public"))
    time.sleep(0.2)
    logs = gateway.logs()
    assert "Zq9Sentinel" not in logs and "records/1.json" not in logs
    assert keys.token({})[:40] not in logs and "eyJ" not in logs
    for line in logs.splitlines():
        if line.startswith("{"):
            json.loads(line)  # every line the workers print is a JSON object


def test_metrics_count_decisions_by_clause_effect_and_route(client, keys):
    client.get("/police/records/1.json", headers=bearer(keys, "federal"))
    client.get("/custody/visits/1.json", headers=bearer(keys, "federal_immigration"))
    text = client.get("/metrics").text
    assert 'status_guard_decisions_total{citation="2.129.040(e)",effect="redact",requester="federal",route="/police"}' in text
    assert 'status_guard_refusals_total{reason="custody_access_refused",route="/custody",status="403"}' in text
    assert "status_guard_audit_write_seconds_bucket" in text
    assert 'status_guard_gateway_identity_total{outcome="verified",source="jwt"}' in text


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["audit"] == "writable"


# -- review round 1 (issue 17), over real sockets in front of nginx (in-process properties in
#    test_review_round1.py) ------------------------------------------------------------------------
@pytest.mark.parametrize("cls", ["federal", "federal_immigration"])
def test_review_f13_federal_officer_never_sees_release_date_on_a_route_with_inspect_false(client, keys, cls):
    r = client.get("/bulk/records/1.json", headers=bearer(keys, cls))
    assert r.status_code == 200 and not any(v in r.text for v in PROTECTED)
    assert r.json()["person"]["release_date"] == "[REDACTED]"
    assert client.get("/bulk/notes.txt", headers=bearer(keys, cls)).status_code == 403


def test_review_f13_inspect_false_still_passes_the_record_to_a_local_officer(client, keys, nginx):
    r = client.get("/bulk/records/1.json", headers=bearer(keys, "local"))
    assert r.status_code == 200 and r.content == httpx.get(nginx.url + "/bulk/records/1.json").content


@pytest.mark.parametrize("cls", ["federal", "federal_immigration", None])
def test_review_f3_scanned_detainer_image_never_reaches_a_restricted_requester(client, keys, cls):
    headers = {**(bearer(keys, cls) if cls else {}), "x-judicial-warrant": "1:26-mj-00042"}
    r = client.get("/custody/detainer.png", headers=headers)
    assert r.status_code == 403 and b"2031-03-14" not in r.content and not r.content.startswith(b"\x89PNG")


def test_review_f3_image_reaches_a_local_officer(client, keys):
    r = client.get("/custody/detainer.png", headers=bearer(keys, "local"))
    assert r.status_code == 200 and r.content.startswith(b"\x89PNG")


def test_review_f1_proxy_header_and_a_disagreeing_token_are_unknown(gateway, keys):
    transport = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(base_url=gateway.url, transport=transport, timeout=15) as c:
        alone = c.get("/police/records/1.json", headers={"x-status-guard-requester": "local"})
        both = c.get("/police/records/1.json", headers={"x-status-guard-requester": "local", **bearer(keys, "federal")})
        agree = c.get("/police/records/1.json", headers={"x-status-guard-requester": "local", **bearer(keys, "local")})
    assert "2031-03-14" in alone.text and "2031-03-14" in agree.text  # the proxy alone, or both agreeing
    assert both.status_code == 200 and not any(v in both.text for v in PROTECTED)


def test_review_f9_metrics_through_a_proxy_are_not_served(gateway):
    assert httpx.get(gateway.url + "/metrics").status_code == 200  # a local scraper
    r = httpx.get(gateway.url + "/metrics", headers={"x-forwarded-for": "203.0.113.9"})
    assert b"status_guard_" not in r.content
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2")) as c:  # the front proxy's address
        assert b"status_guard_" not in c.get(gateway.url + "/metrics").content


def test_review_f11_redirect_location_is_redacted_and_never_names_the_upstream(client, keys, nginx):
    r = client.get("/police/moved", headers=bearer(keys, "federal"))
    assert r.status_code == 302 and "2031-03-14" not in r.headers["location"] and "Example" not in r.headers["location"]
    assert r.headers["location"].startswith(client.base_url.scheme + "://127.0.0.1:" + str(client.base_url.port))
    r = client.get("/city/moved-spelled", headers=bearer(keys, "local"))  # the upstream in another spelling
    assert r.status_code == 302 and f":{nginx.port}" not in r.headers["location"]
    assert r.headers["location"].endswith("/city/hours.json")


def test_review_f7_error_page_of_the_app_is_replaced_for_a_federal_officer(client, keys):
    r = client.get("/city/broken", headers=bearer(keys, "federal"))
    assert r.status_code == 500 and r.json()["error"]["code"] == "application_error" and "2031" not in r.text
    local = client.get("/city/broken", headers=bearer(keys, "local"))
    assert local.status_code == 500 and "Traceback" in local.text


@pytest.mark.parametrize("body", [b"", b" \n", b"\xef\xbb\xbf"])
def test_review_f12_empty_json_submission_reaches_the_app(client, keys, body):
    r = client.post("/schools/submit", content=body, headers={**bearer(keys, "local"), "content-type": "application/json"})
    assert r.status_code == 201
