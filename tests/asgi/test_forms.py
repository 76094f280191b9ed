"""Outgoing HTML forms: questions the law forbids (2.129.040(b), 040(k)) are removed before the
page leaves — recognised by name, id, label, aria-label, placeholder, legend or option texts —
and legitimate questions are left exactly as they were."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from .conftest import CLEAN_FORM, audit_records, body_of, drive, make_app

pytestmark = pytest.mark.anyio


def _names(html: str) -> set[str]:
    return {n.attributes.get("name") or "" for n in LexborHTMLParser(html).css("input, select, textarea")}


async def test_intake_form_loses_every_status_question_and_keeps_the_rest(app, client_for, audit_path):
    async with client_for(app, "tok-public") as c:
        r = await c.get("/intake")
    names = _names(r.text)
    assert names == {"name", "zip", "comments"}
    assert "estatus migratorio" not in r.text  # the label went with its input
    assert "Citizenship" not in r.text  # the radio group's fieldset went too
    assert "Permanent resident" not in r.text
    assert int(r.headers["content-length"]) == len(r.content)
    rec = audit_records(audit_path)[-1]
    assert rec["action"] == "collect" and {"q7", "citz", "s1", "anum"} <= set(rec["fields"])


async def test_a_form_with_only_legitimate_questions_is_sent_byte_for_byte(app, client_for):
    async with client_for(app, "tok-public") as c:
        r = await c.get("/clean")
    assert r.text == CLEAN_FORM


async def test_disable_mode_keeps_the_control_but_disables_it_with_a_notice(guard, client_for):
    from status_guard.asgi import RouteConfig

    app = make_app(guard, routes=[RouteConfig("/", "city", form_mode="disable")])
    async with client_for(app, "tok-public") as c:
        r = await c.get("/intake")
    tree = LexborHTMLParser(r.text)
    q7 = tree.css_first('input[name="q7"]')
    assert q7 is not None and "disabled" in q7.attributes and "required" not in q7.attributes
    assert tree.css_first('input[name="name"]').attributes.get("disabled", "absent") == "absent"
    notices = tree.css("p.status-guard-notice")
    assert notices and "2.129.040(b)" in notices[0].text()
    assert "estatus" in notices[0].text()  # the page is in Spanish: the notice is too


async def test_gzip_html_form_is_decoded_and_checked(guard, client_for):
    import gzip

    from starlette.responses import Response
    from starlette.routing import Route

    from .conftest import INTAKE_FORM

    async def packed(request):
        return Response(gzip.compress(INTAKE_FORM.encode()), media_type="text/html", headers={"content-encoding": "gzip"})

    app = make_app(guard, extra=[Route("/packed", packed)])
    async with client_for(app, "tok-local") as c:
        r = await c.get("/packed")
    assert "q7" not in _names(r.text) and "name" in _names(r.text)


async def test_oversized_html_page_is_refused_not_passed(guard):
    from status_guard.asgi import Limits

    app = make_app(guard, limits=Limits(max_html_bytes=200))
    msgs = await drive(app, path="/intake")
    assert msgs[0]["status"] == 413
    assert b"estatus" not in body_of(msgs)


async def test_school_form_place_of_birth_is_removed_unless_for_ell(guard, client_for):
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    from status_guard.asgi import RouteConfig

    page = '<form><label for="b">Country of birth</label><input id="b" name="country_of_birth"><input name="grade"></form>'
    app = make_app(guard, routes=[RouteConfig("/schools", "schools"),
                                  RouteConfig("/schools/ell", "schools", purpose="ell_services")],
                   extra=[Route("/schools/form", lambda r: HTMLResponse(page)),
                          Route("/schools/ell/form", lambda r: HTMLResponse(page))])
    async with client_for(app, "tok-local") as c:
        general = (await c.get("/schools/form")).text
        ell = (await c.get("/schools/ell/form")).text
    assert _names(general) == {"grade"}
    assert _names(ell) == {"country_of_birth", "grade"}
