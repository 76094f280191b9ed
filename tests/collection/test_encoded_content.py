"""Item 3 — encoded content (2.129.040(b)).

Invariant: a status question the app will read is found however it is encoded — JSON serialised
inside a string (compact, no spaces), base64 of JSON, gzip inside base64, an urlencoded string inside
a field, a form body that is really JSON, a GraphQL operation (arguments, input-object fields,
variables, default values, aliases, fragments, batched requests, ``application/graphql``, the
multipart upload spec's ``operations``) — and a body the app could decode that the guard cannot
read is refused, never passed.
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Effect

from .conftest import make_app, refused

pytestmark = pytest.mark.anyio


async def _post(guard: Any, client_for: Any, path: str, **kw: Any) -> Any:
    async with client_for(make_app(guard)) as c:
        return await c.post(path, **kw)


async def test_compact_json_inside_a_string_field_is_read_040b(guard, client_for) -> None:
    r = await _post(guard, client_for, "/intake", json={"formId": "x", "payload": '{"citizenship":"no"}'})
    assert r.status_code == 422 and "payload.citizenship" in r.text


async def test_question_and_answer_inside_a_string_field_is_read_040b(guard, client_for) -> None:
    r = await _post(guard, client_for, "/intake", json={"payload": '{"q":"Are you a US citizen?","a":"no"}'})
    assert r.status_code == 422


async def test_base64_and_gzip_wrapped_json_is_read_040b(guard, client_for) -> None:
    inner = json.dumps({"immigration_status": "LPR"}).encode()
    for blob in (base64.b64encode(inner).decode(), base64.b64encode(gzip.compress(inner, mtime=0)).decode(),
                 base64.urlsafe_b64encode(inner).decode().rstrip("=")):
        r = await _post(guard, client_for, "/sync", json={"device": "t7", "payload": blob})
        assert r.status_code == 422, blob


async def test_urlencoded_string_inside_a_json_field_is_read_040b(guard, client_for) -> None:
    r = await _post(guard, client_for, "/intake", json={"form": "name=Ana&citizenship=no&zip=02139"})
    assert r.status_code == 422


async def test_form_body_that_is_really_json_is_read_as_json_040b(guard, client_for) -> None:
    r = await _post(guard, client_for, "/intake", content=b'{"citizenship":"no"}',
                    headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 422


async def test_benign_base64_passes_untouched(guard, client_for) -> None:
    sig = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(64))).decode()
    r = await _post(guard, client_for, "/sign", json={"name": "Ana", "signature": sig})
    assert r.status_code == 200 and json.loads(r.json()["body"])["signature"] == sig


@pytest.mark.parametrize("query,variables", [
    ('mutation { createResident(input: {name: "Ana", citizenship: "no"}) { id } }', None),
    ('mutation ($in: ResidentInput!) { createResident(input: $in) { id } }',
     {"in": {"name": "Ana", "immigrationStatus": "LPR"}}),
    ('mutation { a: createRecord(input: {f1: "x", status: PERMANENT_RESIDENT}) { id } }', None),
    ('mutation M($c: String = "no") { setCitizenship(value: $c) { ok } }', None),
    ('query { residents(filter: {citizenship: "non-citizen"}) { id } }', None),
    ('mutation { ...F } fragment F on Mutation { update(aNumber: "A123456789") { id } }', None),
    ('{ intake(answers: [{question: "Are you a US citizen?", answer: "No"}]) { id } }', None),
])
async def test_graphql_arguments_input_fields_and_variables_are_fields_040b(guard, client_for, query, variables) -> None:
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    r = await _post(guard, client_for, "/graphql", json=body)
    assert r.status_code == 422, r.text


async def test_graphql_batched_get_and_application_graphql_040b(guard, client_for) -> None:
    q = 'mutation { createResident(input: {citizenship: "no"}) { id } }'
    app = make_app(guard)
    async with client_for(app) as c:
        assert (await c.post("/graphql", json=[{"query": "{ ok }"}, {"query": q}])).status_code == 422
        assert (await c.post("/graphql", content=q.encode(), headers={"content-type": "application/graphql"})).status_code == 422
        assert refused(await c.get("/graphql", params={"query": q}))


async def test_graphql_multipart_upload_operations_are_read_040b(guard, client_for) -> None:
    ops = json.dumps({"query": "mutation ($f: Upload!, $s: String) { upload(file: $f, immigrationStatus: $s) { id } }",
                      "variables": {"f": None, "s": "asylee"}})
    r = await _post(guard, client_for, "/graphql", files={"operations": (None, ops), "map": (None, '{"0":["variables.f"]}'),
                                                          "0": ("lease.pdf", b"%PDF", "application/pdf")})
    assert r.status_code == 422


async def test_graphql_that_asks_nothing_passes_and_unparseable_graphql_is_refused(guard, client_for) -> None:
    app = make_app(guard)
    async with client_for(app) as c:
        ok = await c.post("/graphql", json={"query": 'mutation { signUp(input: {name: "Ana", program: "citizenship class"}) { id } }'})
        assert ok.status_code == 200
        bad = await c.post("/graphql", content=b"mutation { x(", headers={"content-type": "application/graphql"})
        assert bad.status_code == 400 and "GraphQL" in bad.text
        search = await c.post("/search", json={"query": "library hours on Saturday"})  # not GraphQL: a search box
        assert search.status_code == 200


async def test_a_graphql_argument_cannot_be_stripped_so_a_strip_route_refuses_040b(guard, client_for) -> None:
    r = await _post(guard, client_for, "/strip/graphql",
                    json={"query": 'mutation { createResident(input: {name: "Ana", citizenship: "no"}) { id } }'})
    assert r.status_code == 422


@pytest.mark.parametrize("ctype", ["text/plain", "application/xml", "application/x-protobuf", "application/cbor",
                                   "application/octet-stream", "", "application/msgpack"])
async def test_a_body_the_guard_cannot_read_is_refused_not_passed_040b(guard, client_for, ctype) -> None:
    headers = {"content-type": ctype} if ctype else {}
    r = await _post(guard, client_for, "/intake", content=b'{"citizenship":"no"}', headers=headers)
    assert refused(r)


async def test_strip_route_rewrites_inside_the_embedded_json_and_keeps_the_rest_040b(guard, client_for) -> None:
    raw = json.dumps({"q3_name": "Ana", "q4_citizenship": "no"}, separators=(",", ":"))
    r = await _post(guard, client_for, "/strip/hooks/jotform", data={"formID": "1", "rawRequest": raw})
    assert r.status_code == 200
    from urllib.parse import parse_qs

    got = parse_qs(r.json()["body"])
    assert json.loads(got["rawRequest"][0]) == {"q3_name": "Ana"} and got["formID"] == ["1"]


# -- property: any stack of encodings around a status field is read ----------------------------
ENCODERS = {
    "json-string": lambda d: json.dumps(d, separators=(",", ":")),
    "json-string-spaced": lambda d: json.dumps(d),
    "base64": lambda d: base64.b64encode(json.dumps(d).encode()).decode(),
    "base64-url": lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("="),
    "gzip-base64": lambda d: base64.b64encode(gzip.compress(json.dumps(d).encode(), mtime=0)).decode(),
}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layers=st.lists(st.sampled_from(sorted(ENCODERS)), min_size=1, max_size=3),
       key=st.sampled_from(["citizenship", "immigration_status", "aNumber", "passport_number", "isUsCitizen"]),
       wrap=st.sampled_from(["payload", "data", "rawRequest", "surveyResult", "body"]))
def test_any_stack_of_encodings_around_a_status_field_is_read_040b(guard, layers, key, wrap) -> None:
    doc: Any = {"name": "Ana", key: "no"}
    for layer in layers:
        doc = {wrap: ENCODERS[layer](doc), "v": 1}
    d = guard.check_submission(doc, scope="city", requester="public")
    assert d.effect is Effect.BLOCK, (layers, doc)
