"""Red-team: documents shaped so that redaction addresses the wrong place (2.129.040(e), 040(k))."""

from __future__ import annotations

import orjson

from status_guard import Guard


def _police_federal(guard: Guard, doc: object) -> object:
    return guard.redact(doc, scope="police", requester="federal").document


def _leaks(out: object, secret: str) -> bool:
    return secret in orjson.dumps(out).decode()


def test_federal_officer_never_sees_a_bare_string_response(guard: Guard) -> None:
    # default deny (040(e)): a JSON body that is just a string is a field like any other
    assert not _leaks(_police_federal(guard, "12 Elm St, Cambridge"), "Elm St")


def test_federal_officer_never_sees_a_bare_number_response(guard: Guard) -> None:
    assert not _leaks(_police_federal(guard, 20260115), "20260115")


def test_dotted_key_does_not_redirect_redaction_to_a_nested_field(guard: Guard) -> None:
    doc = {"person": {"charge": "x"}, "person.home_address": "12 Elm St"}
    out = _police_federal(guard, doc)
    assert not _leaks(out, "Elm St")
    assert set(out) == {"person", "person.home_address"}  # no key invented by the redaction


def test_bracketed_key_does_not_redirect_redaction_to_a_list_element(guard: Guard) -> None:
    out = _police_federal(guard, {"addresses[0]": "12 Elm St", "addresses": ["x"]})
    assert not _leaks(out, "Elm St")


def test_empty_key_is_redacted_like_any_other(guard: Guard) -> None:
    assert not _leaks(_police_federal(guard, {"": "12 Elm St"}), "Elm St")


def test_dotted_status_key_in_schools_is_redacted_not_an_error(guard: Guard) -> None:
    out = guard.redact({"student.citizenship": "Mexico"}, scope="schools", requester="local").document
    assert not _leaks(out, "Mexico")


def test_a_number_used_as_a_mapping_key_is_not_disclosed(guard: Guard) -> None:
    # the leaves under the key are harmless (a grade); the key is the protected value itself
    doc = {"students": {"A123456789": {"grade": 5}}}
    r = guard.redact(doc, scope="schools", requester="local")
    assert not _leaks(r.document, "123456789")
    assert r.document["students"][next(iter(r.document["students"]))] == {"grade": 5}
    assert any(f.effect.value in ("block", "redact") for f in r.decision.fields)


def test_status_value_used_as_a_mapping_key_is_not_disclosed_in_schools(guard: Guard) -> None:
    out = guard.redact({"by_status": {"undocumented": ["Ana"]}}, scope="schools", requester="local").document
    assert not _leaks(out, "undocumented")


def test_local_requester_in_city_scope_still_sees_ordinary_documents(guard: Guard) -> None:
    doc = {"person": {"name": "Ana"}, "count": 3, "tags": ["a"]}
    r = guard.redact(doc, scope="city", requester="local")
    assert r.document == doc and not r.changed
    assert guard.redact("plain words here", scope="city", requester="local").document == "plain words here"
