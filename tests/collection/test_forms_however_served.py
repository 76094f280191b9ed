"""r12c (issue 12, r12b F11) — a form asks nothing forbidden however it is served.

Invariant (2.129.040(b); 040(k) in schools): whatever carries a form to a resident — an HTML page in
any charset a browser reads (UTF-16 by byte-order mark or header, a ``<meta charset>``), markup a
browser shows with scripting off (``<noscript>``) or a script stamps (``<template>``), a document in
an attribute (``<iframe srcdoc>``) or a ``data:`` URL, a body with no Content-Type that a browser
sniffs as HTML, a form builder's definition served as JSON (SurveyJS, Form.io, Typeform, Google
Forms, JSON Schema), or markup inside a JSON string — a question asking status leaves it, and a
later submission of that control is refused though its name (``q7``) says nothing. The same
carriers with a harmless question are sent byte for byte and their answers accepted (no resident
turned away).
"""

from __future__ import annotations

import base64
import html
import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from status_guard import Guard
from status_guard.asgi import RouteConfig, StatusGuardMiddleware

pytestmark = pytest.mark.usefixtures("quiet_logs")

GUARD = Guard.default(audit="memory:")
ASKED = ["Are you a U.S. citizen?", "What is your immigration status?", "Do you have a green card?",
         "¿Cuál es su estatus migratorio?", "Você é cidadão americano?", "A-Number"]
HARMLESS = ["How many people are coming?", "Which branch is closest to you?", "Your phone number",
            "¿Cuántas personas vienen?", "Anything else you want us to know?"]
NAMES = ["q7", "field_12", "entry.123456", "answer3", "x1"]


def _form(q: str, n: str, action: str) -> str:
    return (f'<form method="post" action="{action}"><label for="c-{n}">{html.escape(q)}</label>'
            f'<input id="c-{n}" name="{n}"><button type="submit">Send</button></form>')


def _page(inner: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>Intake</title></head><body><h1>Intake</h1>{inner}</body></html>"


def _attr(s: str) -> str:
    return html.escape(s, quote=True)


# each carrier: (question, name, action) -> (content-type or None, body bytes)
def _html(q, n, a):
    return "text/html; charset=utf-8", _page(_form(q, n, a)).encode()


def _noscript(q, n, a):
    return "text/html; charset=utf-8", _page(f"<noscript>{_form(q, n, a)}</noscript><div id=app></div>").encode()


def _template(q, n, a):
    return "text/html; charset=utf-8", _page(f'<template id="t">{_form(q, n, a)}</template>').encode()


def _script_template(q, n, a):  # a template language's script: markup a script stamps
    return "text/html; charset=utf-8", _page(f'<script type="text/x-template" id="t">{_form(q, n, a)}</script>').encode()


def _js_string(q, n, a):  # markup in an inline script's string literal
    lit = json.dumps(_form(q, n, a))
    return "text/html; charset=utf-8", _page(f'<div id="app"></div><script>document.getElementById("app")'
                                             f'.innerHTML = {lit};</script>').encode()


def _js_template_literal(q, n, a):
    return "text/html; charset=utf-8", _page(f"<div id=app></div><script>const t = `{_form(q, n, a)}`;"
                                             "app.innerHTML = t;</script>").encode()


def _svg_foreign_object(q, n, a):  # HTML inside SVG is rendered as HTML
    return "text/html; charset=utf-8", _page(f'<svg width="400" height="200"><foreignObject width="400" height="200">'
                                             f'{_form(q, n, a)}</foreignObject></svg>').encode()


def _optgroup(q, n, a):  # a group label shown inside the list (r12c F07)
    return "text/html", _page(f'<form method="post" action="{a}"><select name="{n}"><optgroup label="{_attr(q)}">'
                              '<option>Yes</option><option>No</option></optgroup></select></form>').encode()


def _abbr_title(q, n, a):  # the question in a tooltip of the visible text
    return "text/html", _page(f'<form method="post" action="{a}"><abbr title="{_attr(q)}">Question 7</abbr> '
                              f'<input name="{n}"></form>').encode()


def _shadow_root(q, n, a):  # declarative shadow DOM: rendered before the host's children
    return "text/html", _page(f'<form method="post" action="{a}"><div><template shadowrootmode="open"><p>'
                              f'{html.escape(q)}</p><slot></slot></template><input name="{n}"></div></form>').encode()


def _css_content(q, n, a):  # the question drawn by the page's own style sheet
    css = q.replace("\\", "\\\\").replace('"', '\\"')
    return "text/html", _page(f'<form method="post" action="{a}"><label for="c-{n}"></label><input id="c-{n}" name="{n}">'
                              '</form>', head=f'<style>label[for="c-{n}"]::before {{ content: "{css}"; }}</style>').encode()


def _js_file_definition(q, n, a):  # /static/survey.js: the definition in a script file
    d = {"elements": [{"type": "radiogroup", "name": n, "title": q, "choices": ["Yes", "No"]}]}
    return "application/javascript", f"var json = {json.dumps(d)};\nnew Survey.Model(json);".encode()


def _js_file_markup(q, n, a):  # a script file that writes the form's markup
    return "text/javascript", f"document.body.innerHTML = {json.dumps(_form(q, n, a))};".encode()


def _text_plain_definition(q, n, a):  # a definition a script fetches as text and parses
    return "text/plain; charset=utf-8", json.dumps({"components": [{"type": "textfield", "key": n, "label": q}]}).encode()


def _srcdoc(q, n, a):
    return "text/html; charset=utf-8", _page(f'<iframe srcdoc="{_attr(_page(_form(q, n, a)))}"></iframe>').encode()


def _srcdoc_in_noscript(q, n, a):
    inner = f'<iframe srcdoc="{_attr(_form(q, n, a))}"></iframe>'
    return "text/html; charset=utf-8", _page(f"<noscript>{inner}</noscript>").encode()


def _data_b64(q, n, a):
    b = base64.b64encode(_page(_form(q, n, a)).encode()).decode()
    return "text/html; charset=utf-8", _page(f'<iframe src="data:text/html;base64,{b}"></iframe>').encode()


def _data_pct(q, n, a):
    return "text/html", _page(f'<iframe src="data:text/html;charset=utf-8,{quote(_form(q, n, a))}"></iframe>').encode()


def _untyped(q, n, a):
    return None, ("\n  " + _page(_form(q, n, a))).encode()


def _untyped_fragment(q, n, a):
    return None, f"<div>{_form(q, n, a)}</div>".encode()


def _utf16_bom(q, n, a):
    return "text/html", b"\xff\xfe" + _page(_form(q, n, a)).encode("utf-16-le")


def _utf16_header(q, n, a):
    return "text/html; charset=utf-16be", _page(_form(q, n, a)).encode("utf-16-be")


def _meta_charset(q, n, a):
    return "text/html", _page(_form(q, n, a), head='<meta charset="windows-1252">').encode("cp1252", "xmlcharrefreplace")


def _meta_http_equiv(q, n, a):
    head = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    return "text/html", _page(_form(q, n, a), head=head).encode("cp1252", "xmlcharrefreplace")


def _surveyjs(q, n, a):
    d = {"surveyPostId": "x", "pages": [{"name": "p1", "elements": [
        {"type": "text", "name": "visitors", "title": "Your name"},
        {"type": "radiogroup", "name": n, "title": q, "choices": ["Yes", "No"]}]}]}
    return "application/json", json.dumps(d).encode()


def _formio(q, n, a):
    d = {"display": "form", "components": [{"type": "textfield", "key": n, "label": q, "input": True},
                                           {"type": "button", "key": "submit", "label": "Submit"}]}
    return "application/json", json.dumps(d).encode()


def _typeform(q, n, a):
    d = {"id": "abc", "title": "Intake", "fields": [{"id": n, "ref": n, "title": q, "type": "short_text"}]}
    return "application/json", json.dumps(d).encode()


def _google(q, n, a):
    d = {"formId": "1x", "info": {"title": "Intake"}, "items": [
        {"itemId": "i1", "title": q, "questionItem": {"question": {"questionId": n, "textQuestion": {}}}}]}
    return "application/json", json.dumps(d).encode()


def _json_schema(q, n, a):
    d = {"schema": {"type": "object", "required": [n], "properties": {n: {"type": "string", "title": q},
                                                                       "nm": {"type": "string", "title": "Name"}}}}
    return "application/json; charset=utf-8", json.dumps(d).encode()


def _custom_list(q, n, a):  # an app's own list of questions
    return "application/json", json.dumps([{"id": n, "label": q, "type": "radio", "options": ["Yes", "No"]}]).encode()


def _rjsf_pair(q, n, a):  # react-jsonschema-form: the question in the uiSchema beside the schema
    d = {"schema": {"type": "object", "properties": {n: {"type": "string", "title": "Question"}}},
         "uiSchema": {n: {"ui:title": q}}}
    return "application/json", json.dumps(d).encode()


def _legacy_surveyjs(q, n, a):
    return "application/json", json.dumps({"questions": [{"type": "text", "name": n, "title": q}]}).encode()


def _html_in_json(q, n, a):
    return "application/json", json.dumps({"ok": True, "html": _form(q, n, a)}).encode()


def _html_in_json_escaped(q, n, a):  # what many serialisers write: < as \u003c
    return "application/json", json.dumps({"fragment": _form(q, n, a)}).replace("<", "\\u003c").encode()


def _untyped_json(q, n, a):
    return None, json.dumps({"components": [{"type": "textfield", "key": n, "label": q}]}).encode()


CARRIERS = {f.__name__.lstrip("_"): f for f in (
    _html, _noscript, _template, _script_template, _svg_foreign_object, _js_string, _js_template_literal,
    _srcdoc, _srcdoc_in_noscript, _data_b64, _data_pct, _untyped, _untyped_fragment, _utf16_bom, _utf16_header,
    _meta_charset, _meta_http_equiv, _surveyjs, _formio, _typeform, _google, _json_schema, _html_in_json,
    _html_in_json_escaped, _untyped_json, _custom_list, _rjsf_pair, _legacy_surveyjs, _optgroup, _abbr_title,
    _shadow_root, _css_content, _js_file_definition, _js_file_markup, _text_plain_definition)}


DEFINITIONS = {"surveyjs", "formio", "typeform", "google", "json_schema", "untyped_json", "custom_list", "rjsf_pair",
               "legacy_surveyjs", "js_file_definition", "text_plain_definition"}  # no action in them


def _client(served: dict[str, tuple[str | None, bytes]], received: list[bytes]) -> TestClient:
    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        if scope["method"] == "GET" and scope["path"] in served:
            ct, body = served[scope["path"]]
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", ct.encode())] if ct else []})
            await send({"type": "http.response.body", "body": body})
            return
        msg = await receive()
        received.append(msg.get("body", b""))
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b'{"ok":true}'})

    return TestClient(StatusGuardMiddleware(app, guard=GUARD, identify=lambda s: "public", scope="city",
                                            routes=[RouteConfig("/schools", "schools")]))


def _readable(ct: str | None, body: bytes) -> str:
    """The body as a person (or the page's script) reads it: every carrier unwrapped."""
    from status_guard.asgi.page_charset import decode_page, page_encoding

    cs = None
    if ct and "charset=" in ct:
        cs = ct.split("charset=")[1]
    text = decode_page(body, page_encoding(body, cs))
    out = [text, html.unescape(text)]
    for chunk in text.split("base64,")[1:]:
        try:
            out.append(base64.b64decode(chunk.split('"')[0]).decode("utf-8", "replace"))
        except ValueError:
            pass
    from urllib.parse import unquote

    out.append(unquote(text))
    try:
        out.append(json.dumps(json.loads(text), ensure_ascii=False))
    except ValueError:
        pass
    return html.unescape("\n".join(out))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(sorted(CARRIERS)), st.sampled_from(ASKED), st.sampled_from(NAMES),
       st.sampled_from(["/intake", "/schools/intake"]))
def test_a_status_question_leaves_the_form_however_it_is_served_and_its_answer_is_refused_040b(
        carrier, q, name, base) -> None:
    path = f"{base}/{carrier}/{abs(hash((q, name))) % 10**6}"
    ct, body = CARRIERS[carrier](q, name, path + "/send")
    received: list[bytes] = []
    c = _client({path: (ct, body)}, received)
    r = c.get(path)
    if r.status_code == 403 and base.startswith("/schools") and (ct is None or "javascript" in ct):
        return  # an untyped body or a script to a requester the route redacts for is refused whole (fail closed)
    assert r.status_code == 200
    assert q not in _readable(r.headers.get("content-type"), r.content), (carrier, r.content[:400])
    # a later answer under the generic name is refused: at the form's action, or (a definition
    # names no action) under the path the definition was served at — not anywhere on its route,
    # where another form's generic q7 would be refused (r12e F06, test_form_map_scope_r12e)
    for target in (path + "/send",):
        p = c.post(target, data={name: "no"})
        assert p.status_code == 422, (carrier, target, p.text)
    assert not received  # the app never saw the answer


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(sorted(CARRIERS)), st.sampled_from(HARMLESS), st.sampled_from(NAMES))
def test_a_harmless_form_is_sent_byte_for_byte_however_it_is_served_and_answered_040b(carrier, q, name) -> None:
    path = f"/ok/{carrier}/{abs(hash((q, name))) % 10**6}"
    ct, body = CARRIERS[carrier](q, name, path + "/send")
    received: list[bytes] = []
    c = _client({path: (ct, body)}, received)
    r = c.get(path)
    assert r.status_code == 200 and r.content == body, carrier
    assert c.post(path + "/send", data={name: "2"}).status_code == 200
    assert received


def test_a_large_json_export_without_a_form_still_streams_to_the_public() -> None:
    """Held only to read its forms, a JSON body past ``max_html_bytes`` that shows none is sent
    on, not refused for its size (a resident's large data download)."""
    rows = [{"id": i, "street": "Main St", "note": "x" * 40} for i in range(120_000)]
    body = json.dumps(rows).encode()
    assert len(body) > 5 * 1024 * 1024
    c = _client({"/export": ("application/json", body)}, [])
    r = c.get("/export")
    assert r.status_code == 200 and r.content == body


def test_a_data_api_schema_is_not_a_form_and_is_sent_byte_for_byte() -> None:
    """A JSON document that describes data (a dataset's columns, a Salesforce describe) is not a
    form put before a resident: nothing is removed from it for anyone (no API is broken)."""
    docs = [{"fields": [{"name": "country_of_birth", "type": "string", "label": "Country of birth"}]},
            {"columns": [{"fieldName": "citizenship", "name": "Citizenship", "dataTypeName": "text"}]},
            {"name": "Contact", "fields": [{"label": "Immigration Status", "name": "Immigration_Status__c",
                                            "type": "picklist"}]}]
    for doc in docs:
        body = json.dumps(doc).encode()
        c = _client({"/api/meta": ("application/json", body)}, [])
        r = c.get("/api/meta")
        assert r.status_code == 200 and r.content == body, doc


def test_head_range_and_error_json_pass_to_the_public_as_before() -> None:
    """Held only to read forms, a JSON body that serves none is not touched: a HEAD keeps its
    length, a range (206) is not refused, an error passes."""
    body = json.dumps({"rows": list(range(100))}).encode()

    async def app(scope, receive, send):
        status = {"/part": 206, "/err": 404}.get(scope["path"], 200)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})

    c = TestClient(StatusGuardMiddleware(app, guard=GUARD, identify=lambda s: "public", scope="city"))
    h = c.head("/data")
    assert h.status_code == 200 and h.headers.get("content-length") == str(len(body))
    assert c.get("/part").status_code == 206
    assert c.get("/err").status_code == 404
