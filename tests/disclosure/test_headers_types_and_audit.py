"""Headers, caches, types and the audit of what was refused or disclosed (review round 1, flaws
R10, R11, R12, R20, R21).

Invariants:

* **Every part of a header that can carry a value is checked** for a default-deny requester
  (2.129.040(e)): ``Link`` URLs *and* parameters (``title``, ``title*`` in RFC 8187 form,
  ``anchor``, extensions), ``Set-Cookie`` name, value, ``Path``, ``Domain`` and any other attribute,
  URL userinfo, path segments written as slugs (``77-Elm-St``) or street first
  (``Elm%20St%2077``). No protected value reaches them in any of these places.
* **Shared caches cannot serve one requester's copy to another.** On a route whose content depends
  on the requester, headers that direct shared caches only (``CDN-Cache-Control``,
  ``Surrogate-Control``, ``Cloudflare-CDN-Cache-Control``, ``Edge-Control``, ``X-Accel-Expires``)
  never leave with the response: ``Cache-Control: private`` is what every cache obeys. A response
  that asks the front server to send other bytes (``X-Accel-Redirect``, ``X-Sendfile``) is refused
  to a requester whose disclosures are limited.
* **Only binary passes unchecked.** A text format under an audio / video label (M3U, PLS, ASX
  playlists) cannot be declared a pass-through type, and to a restricted requester a body under
  any binary label passes only when its first bytes are binary: text is refused.
* **What is refused is audited** (``403 response_not_checkable``, ``413``), value-free; and a
  disclosure to a class the pack audits (``audited: true``: a state agency receiving police
  records in full) is audited though nothing is withheld.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard
from status_guard.asgi import RouteConfig
from status_guard.asgi.headers import SHARED_CACHE_HEADERS
from status_guard.errors import PolicyError

from .asgi_helpers import PUBLIC, fetch, serving

SETTINGS = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@st.composite
def protected_written(draw) -> tuple[str, list[str]]:
    """A protected value as it is written into a header, and the spellings that must not leave."""
    n = draw(st.integers(2, 999))
    d = draw(st.integers(10, 28))
    form = draw(st.sampled_from(["slug", "encoded", "street_first", "underscore", "date", "release"]))
    raw = {"slug": f"{n}-Elm-St", "encoded": quote(f"{n} Elm St"), "street_first": quote(f"Elm St {n}"),
           "underscore": f"{n}_Prospect_Street", "date": f"2026-11-{d}", "release": quote(f"released 2026-11-{d}")}[form]
    return raw, [raw, raw.replace("%20", " ")]


@st.composite
def header_with_value(draw) -> tuple[dict[str, str], list[str]]:
    raw, forbidden = draw(protected_written())
    where = draw(st.sampled_from(["link_title", "link_title_star", "link_anchor", "link_ext", "link_url",
                                  "cookie_path", "cookie_comment", "cookie_ext", "cookie_value", "location_user",
                                  "location_path", "location_query", "content_location"]))
    h = {
        "link_title": {"link": f'</people/x>; rel="related"; title="{raw}"'},
        "link_title_star": {"link": f"</people/x>; rel=related; title*=UTF-8''{raw}"},
        "link_anchor": {"link": f'</a>; rel=related; anchor="/people/{raw}"'},
        "link_ext": {"link": f"</a>; rel=next, </b>; rel=prev; x-note={raw}"},
        "link_url": {"link": f"</people/{raw}>; rel=prev"},
        "cookie_path": {"set-cookie": f"sid=abc123; Path=/people/{raw}"},
        "cookie_comment": {"set-cookie": f"sid=abc123; Comment={raw}"},
        "cookie_ext": {"set-cookie": f"sid=abc123; X-Where={raw}; HttpOnly"},
        "cookie_value": {"set-cookie": f"last={raw}; Path=/"},
        "location_user": {"location": f"http://{raw}@x.example/"},
        "location_path": {"location": f"/people/{raw}/detail"},
        "location_query": {"location": f"/people?q={raw}"},
        "content_location": {"content-location": f"/people/{raw}"},
    }[where]
    return h, forbidden


@SETTINGS
@given(case=header_with_value(), requester=st.sampled_from(["federal", "federal_immigration", "public", "unknown"]))
def test_no_part_of_a_header_carries_a_protected_value_to_a_default_deny_requester(case, requester) -> None:
    hdrs, forbidden = case
    r = fetch(serving('{"charge":"PUB"}', "application/json", headers=hdrs), requester=requester)
    out = "\n".join(f"{k}: {v}" for k, v in r.headers.multi_items())
    assert not [f for f in forbidden if f in out], out


def test_link_parameters_cookie_attributes_userinfo_and_slugs_are_checked() -> None:
    """R10."""
    cases = [({"link": '</people/x>; rel="related"; title="release 2026-11-29"'}, "2026-11-29"),
             ({"link": "</people/x>; rel=related; title*=UTF-8''77%20Elm%20St"}, "77%20Elm"),
             ({"link": '</a>; rel=related; anchor="/people/77%20Elm%20St"'}, "77%20Elm"),
             ({"set-cookie": "sid=abc123; Path=/people/77%20Elm%20St"}, "77%20Elm"),
             ({"set-cookie": "sid=abc123; Comment=released 2026-11-29"}, "2026-11-29"),
             ({"location": "http://77%20Elm%20St@x.example/"}, "77%20Elm"),
             ({"location": "/people/77-Elm-St"}, "77-Elm-St"),
             ({"location": "/people/Elm%20St%2077"}, "Elm%20St%2077")]
    for hdrs, secret in cases:
        r = fetch(serving('{"charge":"PUB"}', "application/json", headers=hdrs))
        assert secret not in "\n".join(f"{k}: {v}" for k, v in r.headers.multi_items()), hdrs


def test_harmless_links_and_session_cookies_still_reach_a_federal_officer() -> None:
    r = fetch(serving('{"charge":"PUB"}', "application/json",
                      headers={"link": "</page/2>; rel=next", "set-cookie": "sid=abc123; Path=/; SameSite=Lax; HttpOnly"}))
    assert r.headers["link"] == "</page/2>; rel=next"
    assert r.headers["set-cookie"] == "sid=abc123; Path=/; SameSite=Lax; HttpOnly"


# --- caches ---------------------------------------------------------------------------------------
@SETTINGS
@given(name=st.sampled_from(sorted(h.decode() for h in SHARED_CACHE_HEADERS)),
       value=st.sampled_from(["max-age=3600", "public, max-age=60", "3600", "s-maxage=600"]),
       requester=st.sampled_from(["local", "state", "federal", "public"]))
def test_no_shared_cache_may_store_a_police_record_whoever_asked(name, value, requester) -> None:
    r = fetch(serving('{"booking_id":"B1","home_address":"77 Elm St"}', "application/json",
                      headers={name: value, "cache-control": "public, max-age=60"}), requester=requester)
    assert name not in r.headers
    assert r.headers["cache-control"].startswith("private") and "public" not in r.headers["cache-control"]


def test_cdn_cache_headers_are_removed_from_a_local_officers_record() -> None:
    """R20 (in-process; tests/asgi/test_shared_cache_nginx.py shows it through a real nginx)."""
    for h in ["cdn-cache-control", "surrogate-control", "cloudflare-cdn-cache-control", "x-accel-expires"]:
        r = fetch(serving('{"booking_id":"B1","home_address":"77 Elm St"}', "application/json",
                          headers={h: "max-age=3600" if h != "x-accel-expires" else "3600"}), requester="local")
        assert h not in r.headers and "77 Elm St" in r.text


@pytest.mark.parametrize("header", ["x-accel-redirect", "x-sendfile"])
def test_the_front_server_cannot_send_a_federal_officer_a_file_the_guard_never_saw(header: str) -> None:
    app = serving('{"charge":"PUB"}', "application/json", headers={header: "/protected/bookings.json"})
    refused = fetch(app)
    assert refused.status_code == 403 and header not in refused.headers
    assert fetch(app, requester="local").headers[header] == "/protected/bookings.json"


# --- types ----------------------------------------------------------------------------------------
TEXT_BODIES = ["#EXTM3U\n#EXTINF:-1,{s}\nhttp://x/a.ts\n", "[playlist]\nFile1=http://x/1\nTitle1={s}\n",
               '<asx version="3.0"><title>{s}</title></asx>', '{{"home_address": "{s}"}}', "{s}",
               "\ufeffname,address\nAna,{s}\n"]
BINARY_LABELS = ["image/png", "image/jpeg", "audio/mpeg", "audio/ogg", "video/mp4", "video/x-ms-asf", "font/woff2",
                 "application/wasm", "audio/x-mpegurl", "video/vnd.mpegurl", "audio/x-scpls"]


@SETTINGS
@given(label=st.sampled_from(BINARY_LABELS), template=st.sampled_from(TEXT_BODIES), n=st.integers(2, 999),
       requester=st.sampled_from(["federal", "federal_immigration", "unknown", "public"]))
def test_text_under_a_binary_label_never_reaches_a_restricted_requester(label, template, n, requester) -> None:
    secret = f"{n} Elm St"
    r = fetch(serving(template.format(s=secret), label), requester=requester)
    assert secret not in r.text and r.status_code == 403


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
def test_text_compressed_under_a_binary_label_is_still_text(coding: str) -> None:
    import gzip
    import zlib

    import brotli

    raw = ("#EXTM3U\n#EXTINF:-1,77 Elm St, release 2026-11-29\n" * 40).encode()
    body = {"gzip": gzip.compress(raw), "deflate": zlib.compress(raw), "br": brotli.compress(raw)}[coding]
    r = fetch(serving(body, "audio/mpeg", headers={"content-encoding": coding}))
    assert r.status_code == 403


SIGNATURES = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0\x00\x10JFIF", b"ID3\x04\x00", b"OggS\x00\x02",
              b"\x00\x00\x00\x18ftypmp42", b"wOF2\x00\x01", b"\x00asm\x01\x00\x00\x00"]


@SETTINGS
@given(sig=st.sampled_from(SIGNATURES), rest=st.binary(min_size=0, max_size=2000))
def test_binary_content_streams_to_a_restricted_requester_only_where_the_route_declares_it_public(sig, rest) -> None:
    """A booking photo or a scanned detainer can carry a release date (040(e)): binary content
    reaches a restricted requester only on a route declaring its binary content public, and then
    byte for byte (issue 17 review F3)."""
    body = sig + rest
    public = [RouteConfig("/", "police", public_record_fields=PUBLIC, public_binary=True)]
    r = fetch(serving(body, "image/png", routes=public))
    assert r.status_code == 200 and r.content == body
    assert fetch(serving(body, "image/png")).status_code == 403


def test_playlists_are_text_not_binary() -> None:
    """R11."""
    for ct, body in [("audio/x-mpegurl", "#EXTM3U\n#EXTINF:-1,Ana Pereira, 77 Elm St, release 2026-11-29\n"),
                     ("video/vnd.mpegurl", "#EXTM3U\n#EXTINF:-1,77 Elm St\n"),
                     ("audio/x-scpls", "[playlist]\nTitle1=77 Elm St, release 2026-11-29\n"),
                     ("video/x-ms-asf", '<asx version="3.0"><title>77 Elm St</title></asx>')]:
        assert "77 Elm St" not in fetch(serving(body, ct)).text, ct
    for t in ("audio/x-mpegurl", "application/vnd.apple.mpegurl", "audio/x-scpls", "video/x-ms-asx"):
        with pytest.raises(PolicyError, match="can carry"):
            RouteConfig("/", "police", passthrough_response_types=(t,))


# --- audit ----------------------------------------------------------------------------------------
def _records(log: Path) -> list[dict]:
    return [json.loads(x) for x in log.read_text().splitlines() if x.strip()] if log.exists() else []


REFUSALS = [("77 Elm St", "text/plain", {}), ('a,b\r\n"x 77 Elm St\r\n', "text/csv", {}),
            ("<!DOCTYPE x><x>77 Elm St</x>", "application/xml", {}), ('{"a":"77 Elm St",}', "application/json", {}),
            ("#EXTM3U\n77 Elm St\n", "image/png", {}), ('{"a":"77 Elm St"}', "application/json",
                                                       {"x-accel-redirect": "/internal/77"})]


@pytest.mark.parametrize("body,ct,hdrs", REFUSALS)
def test_every_response_withheld_as_not_checkable_is_audited_without_its_values(tmp_path: Path, body, ct, hdrs) -> None:
    """R12: a refusal is a withholding, recorded like any other (2.129.060 counts them)."""
    log = tmp_path / "audit.jsonl"
    g = Guard.default(audit=f"jsonl:{log}")
    r = fetch(serving(body, ct, headers=hdrs, guard=g))
    assert r.status_code == 403 and r.json()["error"]["code"] == "response_not_checkable"
    recs = _records(log)
    assert recs and recs[-1].get("effect") == "block" and recs[-1]["requester"]["class"] == "federal"
    assert "Elm" not in log.read_text() and "77" not in json.dumps(recs[-1]["fields"])


def test_a_response_over_its_size_limit_is_refused_and_audited(tmp_path: Path) -> None:
    from status_guard.asgi import Limits

    log = tmp_path / "audit.jsonl"
    g = Guard.default(audit=f"jsonl:{log}")
    big = json.dumps({"notes": "x " * 40_000})
    r = fetch(serving(big, "application/json", guard=g, limits=Limits(max_response_bytes=10_000)))
    assert r.status_code == 413 and _records(log)[-1].get("effect") == "block"


def test_a_state_agency_receiving_a_police_record_in_full_is_audited(tmp_path: Path) -> None:
    """R21: the pack says a state agency receives police records in full, audited like every
    disclosure (``requesters.state.audited: true``)."""
    log = tmp_path / "audit.jsonl"
    g = Guard.default(audit=f"jsonl:{log}")
    body = '{"booking_id":"B1","home_address":"77 Elm St","release_date":"2026-11-29"}'
    r = fetch(serving(body, "application/json", guard=g), requester="state")
    assert "77 Elm St" in r.text
    recs = _records(log)
    assert [x for x in recs if x.get("requester", {}).get("class") == "state" and x.get("effect") == "allow"]
    assert "Elm" not in log.read_text()
    n = len(recs)
    fetch(serving(body, "application/json", guard=g), requester="local")  # the city's own staff: not this rule
    assert len(_records(log)) == n
    assert os.path.getsize(log) > 0
