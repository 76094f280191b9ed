"""Review round 2 (r10b): carve-out keys, who may receive status, declarations, no-body statuses and
trailers (flaws F01, F02, F03, F04, F11, F12, F13, F14).

Invariants:

* **The carve-out covers status, not custody (F14).** 8 U.S.C. §1373 / 2.129.070 cover
  citizenship or immigration *status*. A flag whose key is about detention, custody, release,
  transfer, removal or deportation (``immigration_detainee``, ``IMM_DET``, ``immigration_released``,
  ``deportation_scheduled``, ``immigration_status_home``) never reaches a federal officer, ICE or
  an unidentified requester, whatever its value looks like (``yes``, ``true``, ``1``, ``pending``) —
  that is incarceration status / pending release (2.129.040(e)). ``paroled`` alone (criminal
  parole reads the same) is not a status value; "humanitarian parolee" is.
* **Status is exchanged with agencies, not published (F13).** An unidentified requester is the most
  restricted class: it never receives citizenship or immigration status; identified federal
  agencies still do (control).
* **Declarations are lists of strings (F03, F04, F12).** A declaration given as one string, ``None``,
  a nested list, a mapping or non-strings, or a pattern ending in a list position, is a
  ``PolicyError`` naming the argument when the Guard / middleware / route is built — never read
  letter by letter, never a bare ``TypeError``.
* **A declared name releases only that name (F11).** Names compare after case and word-separator
  folding only; a key with another spelling (leading/trailing ``_``, brackets, dots, accents,
  fullwidth or Cyrillic letters, invisible characters) is another field and stays withheld.
* **No body on 1xx / 204 / 205 / 304 reaches a restricted requester (F01).** Whatever body the app
  sends with them is dropped (HTTP says they have none), never passed unchecked.
* **Trailers (F02).** Trailers never reach a requester something is withheld from, and no
  response announces trailers (``trailers: True``) that are then not sent.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard, StatusGuardMiddleware
from status_guard.asgi import RouteConfig
from status_guard.errors import PolicyError

from .asgi_helpers import shared_guard
from .generators import STATUS_KEYS, STATUS_VALUES

SETTINGS = settings(max_examples=300, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

RESTRICTED = ["federal", "federal_immigration", "unknown"]
STATUS_PREFIXES = ["immigration", "imm", "citizenship", "alien", "undocumented", "is_immigration", "IMM",
                   "citizenship_status", "immigration_status", "deportacion"]
CUSTODY_WORDS = ["detainee", "detention", "detained", "det", "released", "release", "transfer", "transferred",
                 "removal", "deportation", "scheduled", "pending_release", "hold", "custody", "home", "work",
                 "DETAINEE_FLG", "programada", "ordered", "jail", "hearing"]
FLAG_VALUES: list[Any] = ["yes", "no", "true", "1", "pending", "Y", True, False, 1, 0, "lawful permanent resident"]


def _styles(words: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from([
        "_".join(words), "-".join(words), " ".join(words), "".join(w[:1].upper() + w[1:] for w in words),
        "_".join(w.upper() for w in words)])


@st.composite
def custody_flag_key(draw: st.DrawFn) -> str:
    pre = draw(st.sampled_from(STATUS_PREFIXES))
    word = draw(st.sampled_from(CUSTODY_WORDS))
    order = draw(st.booleans())
    return draw(_styles([pre, word] if order else [word, pre]))


@SETTINGS
@given(key=custody_flag_key(), value=st.sampled_from(FLAG_VALUES), who=st.sampled_from(RESTRICTED),
       shape=st.sampled_from(["flat", "nested", "list"]))
def test_federal_officer_never_receives_custody_release_or_removal_flags_as_status(key: str, value: Any, who: str,
                                                                                    shape: str) -> None:
    sentinel = {"flat": {key: value}, "nested": {"person": {key: value}}, "list": {"people": [{key: value}]}}[shape]
    out = shared_guard().redact(sentinel, scope="police", requester=who).document

    def leaf(d: Any) -> Any:  # by position: a key written like words may itself be renamed
        inner = {"flat": lambda: d, "nested": lambda: d["person"], "list": lambda: d["people"][0]}[shape]()
        return next(iter(inner.values()))

    assert leaf(out) != value or isinstance(value, str) and value.startswith("[REDACTED"), (key, value, out)
    assert leaf(out) == "[REDACTED]" or str(leaf(out)).startswith("[REDACTED"), (key, value, out)


def test_paroled_alone_is_not_a_status_but_humanitarian_parole_is() -> None:
    g = shared_guard()
    out = g.redact({"immigration_status": "paroled", "citizenship_status": "humanitarian parolee"},
                   scope="police", requester="federal").document
    assert out["immigration_status"] == "[REDACTED]"
    assert out["citizenship_status"] == "humanitarian parolee"


@SETTINGS
@given(key=st.sampled_from(STATUS_KEYS), value=st.sampled_from(STATUS_VALUES))
def test_unidentified_requester_never_receives_citizenship_or_immigration_status(key: str, value: str) -> None:
    g = shared_guard()
    doc = {"booking_id": "B-1", "person": {key: value}}

    def status(who: str) -> Any:  # by position: a key written like words may itself be renamed
        return next(iter(g.redact(doc, scope="police", requester=who).document["person"].values()))

    assert status("unknown") != value
    assert status("public") != value
    # control: an identified federal agency still receives the status (2.129.070)
    assert status("federal") == value


BAD_DECLARATIONS: list[Any] = ["charge", "bookings.charge", None, [["charge"]], [("charge",)], {"charge": 1},
                               [1], b"charge", 7, ["charge", None], ["bookings[*]"], ["bookings[]"],
                               ["people.*.aliases[*]"]]


@pytest.mark.parametrize("bad", BAD_DECLARATIONS, ids=repr)
def test_a_malformed_public_record_declaration_is_a_start_up_error_naming_the_argument(bad: Any) -> None:
    g = shared_guard()
    with pytest.raises(PolicyError, match="public_record_fields"):
        StatusGuardMiddleware(lambda *a: None, guard=g, scope="police", public_record_fields=bad)
    with pytest.raises(PolicyError, match="public_record_fields"):
        RouteConfig("/x", "police", public_record_fields=bad)
    with pytest.raises(PolicyError, match="public_record_fields"):
        Guard(g.policy, public_record_fields=bad)
    if bad is not None:  # Guard.redact(..., public_record_fields=None) means "none declared"
        with pytest.raises(PolicyError, match="public_record_fields"):
            g.redact({"charge": "x"}, scope="police", requester="federal", public_record_fields=bad)


NAME_VARIANTS = [
    lambda n: "_" + n, lambda n: n + "_", lambda n: n + "[]", lambda n: n + "\u200b", lambda n: n[:1] + "\u200b" + n[1:],
    lambda n: n.replace("e", "é", 1), lambda n: n.replace("a", "\u0430", 1),  # Cyrillic a
    lambda n: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in n),  # fullwidth
    lambda n: n.replace("_", ".", 1), lambda n: n.replace("_", "__", 1), lambda n: n + ".x", lambda n: n + "s",
]


@SETTINGS
@given(name=st.sampled_from(["charge", "booking_date", "case_number", "arrest_charge"]),
       variant=st.sampled_from(NAME_VARIANTS))
def test_a_declared_name_releases_no_other_key(name: str, variant: Any) -> None:
    key = variant(name)
    if key == name:
        return
    doc = {key: "held at Middlesex until 2026-11-29"}
    out = shared_guard().redact(doc, scope="police", requester="federal", public_record_fields=[name]).document
    assert "Middlesex" not in json.dumps(out, ensure_ascii=False), (name, key, out)


@pytest.mark.parametrize("key", ["charge", "Charge", "CHARGE", "charge ", "arrestCharge", "arrest-charge", "Arrest Charge"])
def test_a_declared_name_still_matches_across_case_and_word_separators(key: str) -> None:
    name = "charge" if key.strip().lower() == "charge" else "arrest_charge"
    out = shared_guard().redact({key: "trespass"}, scope="police", requester="federal",
                                public_record_fields=[name]).document
    assert out[key] == "trespass"


# -- raw ASGI: no-body statuses and trailers -------------------------------------------------------

RECORD = json.dumps({"booking_id": "B-1", "home_address": "48 Example Ave", "release_date": "2026-11-29"}).encode()


def _app(status: int, body: bytes, ctype: str, trailers: list[tuple[bytes, bytes]] | None) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": status, "trailers": trailers is not None,
                    "headers": [(b"content-type", ctype.encode()), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body, "more_body": False})
        if trailers is not None:
            await send({"type": "http.response.trailers", "headers": trailers, "more_trailers": False})

    def ident(scope: Any) -> str | None:
        v = dict(scope.get("headers") or []).get(b"x-test-requester")
        return v.decode() if v else None

    return StatusGuardMiddleware(app, guard=shared_guard(), identify=ident, scope="police",
                                 routes=[RouteConfig("/", "police", public_record_fields=("charge",),
                                                     passthrough_response_types=("image/png",))])


def _call(app: Any, who: str | None) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    headers = [(b"x-test-requester", who.encode())] if who else []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(m: dict[str, Any]) -> None:
        sent.append(m)

    scope = {"type": "http", "method": "GET", "path": "/bookings/1", "raw_path": b"/bookings/1", "root_path": "",
             "query_string": b"", "headers": headers, "http_version": "1.1", "scheme": "http",
             "client": ("10.0.0.1", 1), "server": ("t", 80), "asgi": {"version": "3.0"}}
    asyncio.run(app(scope, receive, send))
    return sent


@SETTINGS
@given(status=st.sampled_from([100, 103, 199, 204, 205, 304]), who=st.sampled_from(RESTRICTED),
       ctype=st.sampled_from(["application/json", "text/plain", "text/html", "image/png", "application/octet-stream"]))
def test_federal_officer_never_receives_a_body_sent_with_a_no_body_status(status: int, who: str, ctype: str) -> None:
    sent = _call(_app(status, RECORD, ctype, None), who)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert b"48 Example Ave" not in body and b"2026-11-29" not in body, (status, ctype, sent)


TRAILERS = [(b"x-release-date", b"2026-11-29"), (b"x-home", b"48 Example Ave")]


@SETTINGS
@given(who=st.sampled_from([*RESTRICTED, "local"]), ctype=st.sampled_from(["image/png", "application/json"]),
       status=st.sampled_from([200, 204]))
def test_trailers_never_reach_a_restricted_requester_and_are_never_promised_in_vain(who: str, ctype: str,
                                                                                    status: int) -> None:
    body = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4 if ctype == "image/png" else RECORD
    sent = _call(_app(status, body, ctype, TRAILERS), who)
    starts = [m for m in sent if m["type"] == "http.response.start"]
    trailers = [m for m in sent if m["type"] == "http.response.trailers"]
    assert len(starts) == 1
    if who in RESTRICTED:
        assert not trailers, sent
    assert bool(starts[0].get("trailers")) == bool(trailers), sent


# -- body shapes: value keys, HTML attributes, declared free text, XML mixed content, CSV sections,
#    header parts (F05, F06, F07, F08, F09, F10) -----------------------------------------------------
#
# Invariants (040(e), default-deny requesters):
# * a key that states a value (custody place, country, hearing date, detention length, an address in
#   identifier form, text with punctuation) never reaches them, in JSON, CSV headers or XML names;
# * no attribute of any table element and no comment anywhere carries a value to them;
# * in a declared public-record text, where or whether a person is held is redacted span by span;
#   a mixed-content piece of a declared XML element is never "its whole value";
# * CSV rows after a blank line are never read under the first section's declared columns;
# * no header part (URL segment, query, host label, cookie, tracing id) carries a name, place or
#   address to them.

from .asgi_helpers import fetch, serving  # noqa: E402

VALUE_KEYS = ["Middlesex_HOC", "MiddlesexHOC", "PCCF", "Haiti", "Haitian", "Mexican", "Port-au-Prince", "Dec2Hearing",
              "detained_2_days", "ExampleAve48", "Elm_St_77", "lives_on_Example_Ave", "citizenship (held at Middlesex)",
              'employer "Acme Ltd"', ' "name": "Jean Baptiste"', "Nashua_Street_Jail", "Jean-Baptiste"]


@SETTINGS
@given(key=st.sampled_from(VALUE_KEYS), who=st.sampled_from(RESTRICTED), where=st.sampled_from(["top", "nested"]))
def test_federal_officer_never_receives_a_value_used_as_a_key_in_identifier_or_text_form(key: str, who: str,
                                                                                        where: str) -> None:
    doc = {"booking_id": "B-1", "people": {key: "x"}} if where == "nested" else {key: ["x"], "booking_id": "B-1"}
    out = shared_guard().redact(doc, scope="police", requester=who).document
    assert key not in json.dumps(out, ensure_ascii=False) and key not in str(out), (key, out)


TABLE = '<table>{col}<thead><tr><th{th}>charge</th></tr></thead><tbody{tb}><tr{tr}><td>trespass</td></tr></tbody></table>'
ATTR_VALUES = ["48 Example Ave", "Middlesex HOC", "2026-11-29", "Jean Baptiste"]


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.sampled_from(ATTR_VALUES), attr=st.sampled_from(["title", "abbr", "data-x", "aria-label"]),
       where=st.sampled_from(["th", "tb", "tr", "col", "comment-before", "comment-after"]))
def test_no_table_attribute_or_comment_carries_a_value_to_a_federal_officer(value: str, attr: str, where: str) -> None:
    a = f' {attr}="{value}"'
    parts = {"th": "", "tb": "", "tr": "", "col": ""}
    if where in parts:
        parts[where] = a
    page = TABLE.format(col=f"<colgroup><col{a}></colgroup>" if where == "col" else "", th=parts["th"],
                        tb=parts["tb"], tr=parts["tr"])
    if where == "comment-before":
        page = f"<!-- {value} --><html><body>{page}</body></html>"
    elif where == "comment-after":
        page = f"<html><body>{page}</body></html><!-- {value} -->"
    r = fetch(serving(page, "text/html", routes=[RouteConfig("/", "police", public_record_fields=("charge",),
                                                             restricted_html="tables")]))
    assert value not in r.text, (where, attr, r.text)


CUSTODY_NOTES = ["held at Middlesex House of Correction", "in custody at Nashua Street Jail", "Transferred to ICE Burlington",
                 "held at Plymouth County Correctional Facility", "detained pending hearing",
                 "moved to Bristol County Detention Center", "booked into Suffolk County Jail"]


@SETTINGS
@given(charge=st.sampled_from(["trespass", "larceny under $1200", "assault"]), note=st.sampled_from(CUSTODY_NOTES),
       sep=st.sampled_from(["; ", ", ", ". ", " - "]))
def test_federal_officer_never_learns_where_a_person_is_held_from_a_declared_text(charge: str, note: str,
                                                                                    sep: str) -> None:
    out = shared_guard().redact({"charge": charge + sep + note}, scope="police", requester="federal",
                                public_record_fields=["charge"]).document
    for w in ("Middlesex", "Nashua", "Burlington", "Plymouth", "Bristol", "Suffolk", "detained"):
        assert w not in out["charge"] or w not in note, (note, out)
    assert out["charge"].startswith(charge)


@SETTINGS
@given(value=st.sampled_from(["48 Example Ave", "12 Elm St", "Middlesex House of Correction"]),
       child=st.sampled_from(["<br/>", "<i>x</i>", "<b/>", "<sep></sep>"]))
def test_mixed_content_of_a_declared_xml_element_is_never_its_whole_value(value: str, child: str) -> None:
    body = f"<r><ChargeText>trespass{child}{value}</ChargeText></r>"
    r = fetch(serving(body, "application/xml"))
    assert value not in r.text, r.text


@SETTINGS
@given(second=st.sampled_from([("name,home_address", "Jean Baptiste,48 Example Ave"),
                               ("release_date,facility", "2026-11-29,Middlesex"),
                               ("a,b,c", "Jean Baptiste,48 Example Ave,2026-11-29")]),
       blank=st.sampled_from(["\n", "\n\n", "\n,\n", "\r\n"]))
def test_a_second_csv_section_is_never_read_under_the_first_sections_declared_columns(second: tuple[str, str],
                                                                                       blank: str) -> None:
    body = "booking_id,charge\nB-1,trespass" + blank + second[0] + "\n" + second[1] + "\n"
    r = fetch(serving(body, "text/csv"))
    for v in second[1].split(","):
        assert v not in r.text, r.text


HEADER_VALUES = [("location", "/people/jean-baptiste"), ("location", "/p/Middlesex-HOC"), ("location", "/p?facility=Middlesex"),
                 ("location", "/people/48ExampleAve"), ("location", "/people/48%2520Example%2520Ave"),
                 ("location", "http://48-example-ave.example.com/"), ("content-location", "/p/Jean_Baptiste"),
                 ("link", "</q/Middlesex-HOC>; rel=next"), ("set-cookie", "facility=Middlesex"),
                 ("x-request-id", "Jean-Baptiste-48-Example-Ave"), ("x-correlation-id", "Middlesex-HOC-4B"),
                 ("tracestate", "addr=48ExampleAve"), ("location", "/p#Middlesex")]


@SETTINGS
@given(hv=st.sampled_from(HEADER_VALUES), who=st.sampled_from(RESTRICTED))
def test_no_header_part_carries_a_name_place_or_address_to_a_default_deny_requester(hv: tuple[str, str], who: str) -> None:
    r = fetch(serving(json.dumps({"booking_id": "B-1"}), "application/json", headers={hv[0]: hv[1]}), requester=who)
    got = " ".join(r.headers.get_list(hv[0])).lower()
    for w in ("baptiste", "middlesex", "example"):
        assert w not in got, (hv, got)


def test_opaque_tracing_ids_and_route_words_still_reach_a_federal_officer() -> None:
    uuid = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"
    r = fetch(serving(json.dumps({"booking_id": "B-1"}), "application/json",
                      headers={"x-request-id": uuid, "location": "/bookings/B-1?page=2"}))
    assert r.headers.get("x-request-id") == uuid
    assert r.headers.get("location") == "/bookings/B-1?page=2"
