"""Identity for the gateway, in-process (no sockets).

Invariant: a requester is anything other than ``unknown`` only when (a) a bearer token is signed by
a key in the city's JWKS with an allowed asymmetric algorithm, its ``iss``/``aud``/``exp`` hold and
a configured rule maps its claims — and then the class is the *first* matching rule's; or (b) the
configured front proxy's header arrived on a connection from the proxy's own address. Every other
shape — generated below — is ``unknown``.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.gateway.config import ClaimRule
from status_guard.gateway.identity import FrontProxyIdentity, GatewayIdentity, JwksSource, JwtIdentity
from status_guard.gateway.identity.jwt import JwksError, keys_from_jwks

import stack

RULES = [ClaimRule(claim="groups", contains="cpd-officers", requester="local", agency="Cambridge Police Department"),
         ClaimRule(claim="groups", contains="ice-ero", requester="federal_immigration"),
         ClaimRule(claim="realm_access.roles", contains="state-trooper", requester="state"),
         ClaimRule(claim="org", equals="FBI", requester="federal", agency_claim="org_name")]
KNOWN = ("local", "state", "federal", "federal_immigration", "public", "unknown")


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> stack.Keys:
    return stack.make_keys(tmp_path_factory.mktemp("idkeys"))


@pytest.fixture(scope="module")
def ident(keys) -> JwtIdentity:
    src = JwksSource(file=str(keys.jwks_file), algorithms=["RS256"])
    return JwtIdentity(src, issuer=stack.ISSUER, audience=[stack.AUDIENCE], algorithms=["RS256"], rules=RULES)


def _who(ident: JwtIdentity, headers: list[tuple[bytes, bytes]]) -> tuple[str, str]:
    req, outcome = asyncio.run(ident.identify({"headers": headers}))
    return req.cls, outcome


def _expected(claims: dict) -> str:
    for r in RULES:
        node = claims
        for part in r.claim.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            continue
        if r.equals is not None and isinstance(node, (str, int)) and not isinstance(node, bool) and str(node) == r.equals:
            return r.requester
        if r.contains is not None:
            if isinstance(node, str) and r.contains in node.split():
                return r.requester
            if isinstance(node, list) and any(isinstance(x, str) and x == r.contains for x in node):
                return r.requester
    return "unknown"


claim_values = st.recursive(st.one_of(st.text(max_size=12), st.integers(-5, 5), st.booleans(), st.none(),
                                      st.sampled_from(["cpd-officers", "ice-ero", "state-trooper", "FBI"])),
                            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                                st.sampled_from(["roles", "x"]), inner, max_size=2), max_leaves=6)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(claims=st.dictionaries(st.sampled_from(["groups", "realm_access", "org", "org_name", "scope", "role"]),
                              claim_values, max_size=4),
       iss_ok=st.booleans(), aud_ok=st.booleans(), exp_shift=st.sampled_from([-7200, -31, 5, 600]))
def test_only_a_valid_city_token_maps_to_a_class_and_the_first_rule_wins(keys, ident, claims, iss_ok, aud_ok, exp_shift):
    token = keys.token(claims, iss=stack.ISSUER if iss_ok else "https://other.test",
                       aud=stack.AUDIENCE if aud_ok else "other-app", ttl=exp_shift)
    cls, outcome = _who(ident, [(b"authorization", b"Bearer " + token.encode())])
    valid = iss_ok and aud_ok and exp_shift > -30
    if not valid:
        assert (cls, outcome) == ("unknown", "invalid")
    else:
        assert cls == _expected(claims)
        assert outcome == ("verified" if cls != "unknown" else "unmapped")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.binary(max_size=300))
def test_any_authorization_header_that_is_not_a_city_token_is_unknown(ident, value):
    assert _who(ident, [(b"authorization", value)])[0] == "unknown"
    assert _who(ident, [(b"authorization", b"Bearer " + value)])[0] == "unknown"


def test_algorithm_confusion_and_foreign_keys_are_unknown(keys, ident):
    import base64
    import hmac

    def b64(b: bytes) -> str:
        return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

    claims = {"iss": stack.ISSUER, "aud": stack.AUDIENCE, "sub": "x", "iat": int(time.time()),
              "exp": int(time.time()) + 600, "groups": ["cpd-officers"]}
    body = b64(json.dumps(claims).encode())
    pub = json.dumps(keys.public_jwk).encode()
    for alg in ("HS256", "none", "RS256 "):
        head = b64(json.dumps({"alg": alg, "kid": keys.kid}).encode())
        sig = b64(hmac.new(pub, f"{head}.{body}".encode(), "sha256").digest()) if alg == "HS256" else ""
        assert _who(ident, [(b"authorization", f"Bearer {head}.{body}.{sig}".encode())])[0] == "unknown"
    other = keys.token({"groups": ["cpd-officers"]}, key=keys.other_pem)
    assert _who(ident, [(b"authorization", f"Bearer {other}".encode())])[0] == "unknown"
    good = keys.token({"groups": ["cpd-officers"]})
    assert _who(ident, [(b"authorization", f"Bearer {good}".encode())]) == ("local", "verified")
    assert _who(ident, [(b"authorization", f"Bearer {good}".encode())] * 2)[0] == "unknown"
    assert _who(ident, [(b"authorization", f"bearer   {good}".encode())])[0] == "local"


def test_jwks_with_private_or_symmetric_keys_is_refused(tmp_path):
    with pytest.raises(JwksError):
        keys_from_jwks({"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "h"}]}, ["RS256"])
    with pytest.raises(JwksError):
        keys_from_jwks({"keys": [{"kty": "RSA", "n": "x", "e": "AQAB", "d": "y", "kid": "p"}]}, ["RS256"])
    with pytest.raises(JwksError):
        keys_from_jwks({"keys": []}, ["RS256"])
    with pytest.raises(JwksError):
        keys_from_jwks([], ["RS256"])


def test_rotated_jwks_file_is_picked_up_and_old_tokens_stop_working(tmp_path):
    k1 = stack.make_keys(tmp_path / "a", kid="k1")
    k2 = stack.make_keys(tmp_path / "b", kid="k2")
    jwks = tmp_path / "jwks.json"
    jwks.write_text(k1.jwks_file.read_text())
    src = JwksSource(file=str(jwks), algorithms=["RS256"], refresh_seconds=10)
    ident = JwtIdentity(src, issuer=stack.ISSUER, audience=[stack.AUDIENCE], algorithms=["RS256"], rules=RULES)
    t1, t2 = k1.token({"groups": ["cpd-officers"]}), k2.token({"groups": ["cpd-officers"]})
    assert _who(ident, [(b"authorization", f"Bearer {t1}".encode())])[0] == "local"
    jwks.write_text(k2.jwks_file.read_text())
    import os

    os.utime(jwks, (time.time() + 5, time.time() + 5))
    src._checked = 0.0  # the next request re-checks the file
    assert _who(ident, [(b"authorization", f"Bearer {t2}".encode())])[0] == "local"
    src._checked = 0.0
    assert _who(ident, [(b"authorization", f"Bearer {t1}".encode())])[0] == "unknown"


# -- front proxy ------------------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(peer=st.one_of(st.ip_addresses().map(str), st.sampled_from(["10.0.0.5", "::ffff:10.0.0.5", "", "unix"])),
       value=st.sampled_from(["local", "LOCAL ", "federal", "admin", "", "local, local", "lo\u0441al"]),
       copies=st.integers(0, 2))
def test_front_proxy_header_is_believed_only_from_the_proxy_address(peer, value, copies):
    fp = FrontProxyIdentity(["10.0.0.5/32"], known_classes=KNOWN)
    headers = [(b"x-status-guard-requester", value.encode("utf-8"))] * copies
    req = fp.identify({"client": (peer, 1234), "headers": headers, "scheme": "http"})
    from_proxy = peer in ("10.0.0.5", "::ffff:10.0.0.5")
    if not from_proxy or copies == 0 or (copies == 1 and not value.strip()):
        assert req is None
    elif copies == 2 or value.strip().lower() not in KNOWN:
        assert req is not None and req.cls == "unknown"
    else:
        assert req is not None and req.cls == value.strip().lower()


def test_front_proxy_with_mtls_requires_the_tls_listener():
    fp = FrontProxyIdentity(["127.0.0.1"], mtls=True, known_classes=KNOWN)
    hdr = [(b"x-status-guard-requester", b"local")]
    assert fp.identify({"client": ("127.0.0.1", 1), "headers": hdr, "scheme": "http"}) is None
    assert fp.identify({"client": ("127.0.0.1", 1), "headers": hdr, "scheme": "https"}).cls == "local"


def test_gateway_identity_resolves_once_per_request_and_falls_back_to_unknown(keys, ident):
    calls: list[tuple[str, str]] = []
    gi = GatewayIdentity(FrontProxyIdentity(["127.0.0.2"], known_classes=KNOWN), ident,
                         lambda s, o: calls.append((s, o)))
    scope = {"client": ("127.0.0.1", 5), "headers": [(b"x-status-guard-requester", b"local")]}
    assert asyncio.run(gi(scope)).cls == "unknown" and calls == [("jwt", "missing")]
    assert asyncio.run(gi(scope)).cls == "unknown" and len(calls) == 1  # cached in the scope
    scope2 = {"client": ("127.0.0.2", 5), "headers": [(b"x-status-guard-requester", b"state"),
                                                         (b"x-status-guard-agency", b"MSP <script>")]}
    r = asyncio.run(gi(scope2))
    assert r.cls == "state" and r.agency is None  # an agency the audit log could not hold is dropped


def test_jwks_from_the_citys_url_is_fetched_and_refreshed_on_an_unknown_kid(tmp_path, monkeypatch):
    """The city's own JWKS endpoint (here a loopback server): fetched at start, refetched when a
    token names a key not yet seen (at most once per interval); unreachable at start is an error."""
    import http.server
    import threading

    from status_guard.gateway.identity import jwt as jwtmod

    k1 = stack.make_keys(tmp_path / "a", kid="k1")
    k2 = stack.make_keys(tmp_path / "b", kid="k2")
    served = {"body": k1.jwks_file.read_bytes(), "hits": 0}

    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            served["hits"] += 1
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(served["body"])

        def log_message(self, *a) -> None:  # type: ignore[no-untyped-def]
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{srv.server_address[1]}/.well-known/jwks.json"
    try:
        src = JwksSource(url=url, algorithms=["RS256"], refresh_seconds=3600)
        ident = JwtIdentity(src, issuer=stack.ISSUER, audience=[stack.AUDIENCE], algorithms=["RS256"], rules=RULES)
        t1, t2 = k1.token({"groups": ["cpd-officers"]}), k2.token({"groups": ["cpd-officers"]})
        assert _who(ident, [(b"authorization", f"Bearer {t1}".encode())])[0] == "local"
        served["body"] = json.dumps({"keys": [k1.public_jwk, k2.public_jwk]}).encode()
        monkeypatch.setattr(jwtmod, "KID_MISS_INTERVAL", 0.0)
        assert _who(ident, [(b"authorization", f"Bearer {t2}".encode())])[0] == "local"
        hits = served["hits"]
        monkeypatch.setattr(jwtmod, "KID_MISS_INTERVAL", 3600.0)
        for _ in range(5):  # a flood of unknown kids does not flood the identity provider
            _who(ident, [(b"authorization", f"Bearer {k1.token({}, kid='nope')}".encode())])
        assert served["hits"] <= hits + 1
    finally:
        srv.shutdown()
    with pytest.raises(JwksError):
        JwksSource(url=url, algorithms=["RS256"], timeout=1)
