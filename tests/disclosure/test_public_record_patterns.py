"""Public-record declarations are path patterns (issue 10, class 2).

Invariant: a declared pattern releases exactly the leaves whose names it spells out — never the
same last name elsewhere (``name`` does not release ``employer.name``), never a subtree (declaring
``home_address`` does not release ``home_address.street``), anywhere only when ``**`` is written —
and the same declaration means the same thing in ``Guard.redact``, the middleware (per route and
per middleware), CSV / HTML-table columns, XML and ``check_sql``. A malformed pattern is a
configuration error naming it, raised when the Guard, the route or the middleware is built.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from status_guard import Guard
from status_guard.asgi import RouteConfig, StatusGuardMiddleware
from status_guard.disclose.paths import compile_patterns, parse_pattern
from status_guard.errors import PolicyError

NAMES = st.sampled_from(["charge", "name", "bookings", "person", "employer", "home_address", "case_number", "a", "b"])


@settings(max_examples=400, deadline=None)
@given(st.lists(NAMES, min_size=1, max_size=5), st.lists(NAMES, min_size=1, max_size=5))
def test_a_pattern_matches_where_it_is_written_and_nowhere_else(written, other) -> None:
    pats = compile_patterns([".".join(written)])
    assert pats.matches(written)
    if [n for n in other] != written:
        assert not pats.matches(other)


@settings(max_examples=300, deadline=None)
@given(st.lists(NAMES, min_size=0, max_size=4), NAMES)
def test_double_star_matches_the_name_at_any_depth_only_when_written(prefix, last) -> None:
    assert compile_patterns([f"**.{last}"]).matches(prefix + [last])
    if prefix:
        assert not compile_patterns([last]).matches(prefix + [last])


def test_list_positions_are_transparent_and_may_be_written() -> None:
    for p in ("bookings[*].charge", "bookings[].charge", "bookings.charge"):
        pats = compile_patterns([p])
        assert pats.matches(("bookings", 3, "charge")) and pats.matches_path("bookings[12].charge")
        assert not pats.matches_path("employer.charge")


def test_names_compare_after_normalisation() -> None:
    pats = compile_patterns(['"Booking date"', "arrest.chargeText"])
    assert pats.matches(("booking_date",)) and pats.matches(("BookingDate",))
    assert pats.matches(("Arrest", "charge_text"))


@pytest.mark.parametrize("bad, why", [
    ("", "empty"), ("  ", "empty"), ("bookings[0].charge", "fixed list positions"), ("bookings.**", "last step"),
    ("**", "last step"), ("*", "last step"), ("a..b", "missing"), (".a", "missing"), ("a.", "ends with"),
    ('"unclosed', "quote"), ("a[x].b", "only [*]"), ("ch*rge", "stands alone"), ("**.**.x", "twice"),
    ("___", "no letters"), ("a[", "not closed"),
])
def test_a_malformed_pattern_is_a_configuration_error_that_names_it(bad, why) -> None:
    with pytest.raises(PolicyError) as e:
        compile_patterns([bad], where="route /police: public_record_fields")
    assert why in str(e.value) and "route /police" in str(e.value)
    if bad.strip():
        assert repr(bad) in str(e.value)


def test_patterns_are_validated_when_the_guard_route_and_middleware_are_built(guard: Guard) -> None:
    with pytest.raises(PolicyError, match="bookings\\[0\\]"):
        Guard(guard.policy, audit="memory:", public_record_fields=["bookings[0].charge"]).redact({}, "police", "federal")
    with pytest.raises(PolicyError, match="route /police"):
        RouteConfig("/police", "police", public_record_fields=("bookings.**",))
    with pytest.raises(PolicyError, match="StatusGuardMiddleware"):
        StatusGuardMiddleware(lambda s, r, w: None, guard=guard, public_record_fields=["a..b"])
    with pytest.raises(PolicyError, match="single string"):
        Guard(guard.policy, audit="memory:", public_record_fields="charge")


def test_declaring_name_does_not_release_an_employer_or_an_emergency_contact(guard: Guard) -> None:
    doc = {"name": "Ana", "employer": {"name": "Acme Ltd"}, "emergency_contact": {"name": "Rui"},
           "home_address": {"name": "Main Street Lofts", "street": "12 Elm St"}}
    out = guard.redact(doc, "police", "federal", public_record_fields=["name"]).document
    assert out["name"] == "Ana"
    assert out["employer"]["name"] == out["emergency_contact"]["name"] == "[REDACTED]"
    assert out["home_address"] == {"name": "[REDACTED]", "street": "[REDACTED]"}


def test_declaring_a_container_releases_nothing_inside_it(guard: Guard) -> None:
    doc = {"home_address": {"street": "12 Elm St", "city": "Cambridge"}, "arrest": {"charge": "x"}}
    out = guard.redact(doc, "police", "federal", public_record_fields=["home_address", "arrest"]).document
    assert out == {"home_address": {"street": "[REDACTED]", "city": "[REDACTED]"}, "arrest": {"charge": "[REDACTED]"}}


def test_natural_list_declarations_are_honoured(guard: Guard) -> None:
    doc = {"bookings": [{"charge": "Trespass", "release_date": "2026-12-01"}, {"charge": "OUI"}]}
    out = guard.redact(doc, "police", "federal", public_record_fields=["bookings[*].charge"]).document
    assert [b["charge"] for b in out["bookings"]] == ["Trespass", "OUI"]
    assert out["bookings"][0]["release_date"] == "[REDACTED]"


def test_check_sql_takes_the_same_declarations(guard: Guard) -> None:
    schema = {"bookings": {"id": "int", "charge": "text", "home_address": "text"}, "employers": {"charge": "text"}}
    sql = "SELECT charge FROM bookings"
    assert guard.check_sql(sql, scope="police", requester="federal", schema=schema).blocked
    assert not guard.check_sql(sql, scope="police", requester="federal", schema=schema,
                               public_record_fields=["bookings[*].charge"]).blocked
    assert guard.check_sql("SELECT charge FROM employers", scope="police", requester="federal", schema=schema,
                           public_record_fields=["bookings.charge"]).blocked
    assert not guard.check_sql("SELECT charge FROM employers", scope="police", requester="federal", schema=schema,
                               public_record_fields=["**.charge"]).blocked
    with pytest.raises(PolicyError, match="names no table"):
        guard.check_sql(sql, scope="police", requester="federal", schema=schema, public_record_fields=["charge"])


def test_xml_and_csv_use_the_same_declarations(guard: Guard) -> None:
    from status_guard.asgi.config import Limits
    from status_guard.asgi.disclosure import Disclosure
    from status_guard.asgi.responses import redact_body

    d = Disclosure(guard, guard.audience("police", "federal", None, ["bookings.charge", "charge"]), Limits())
    xml = b"<bookings><charge>Trespass</charge><home_address>12 Elm St</home_address></bookings>"
    out = redact_body("xml", xml, "utf-8", "application/xml", d).body
    assert b"Trespass" in out and b"Elm" not in out
    csv = b"charge,home_address\r\nTrespass,12 Elm St\r\n"
    out = redact_body("csv", csv, "utf-8", "text/csv", d).body
    assert b"Trespass" in out and b"Elm" not in out


def test_parse_pattern_steps() -> None:
    assert parse_pattern('bookings[*]."Charge Text"') == ("bookings", "charge text")
    assert parse_pattern("**.a.*.b") == ("**", "a", "*", "b")
