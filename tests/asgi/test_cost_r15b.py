"""Cost bounds that r15b found loose (issue 15 round f promise; 2.129.040: a guard that holds its
worker for seconds denies the services it guards). Each bound is fail closed and audited.

* F02: a request body's work is estimated on its *inflated* size: a small gzip/deflate body that
  inflates to 100 KB of notes is checked off the event loop like the same 100 KB sent plain;
* F04: form definitions served as JSON or in a script count their questions against
  ``max_page_controls`` before any is read, refused with the same 4xx naming the limit, audited;
* F05: controls inside ``<noscript>`` are counted once.
"""

from __future__ import annotations

import gzip
import json
import zlib
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from status_guard.asgi import Limits
from status_guard.asgi.cost import PAGE_CONTROLS, work_estimate

from .conftest import audit_records, make_app

pytestmark = pytest.mark.anyio


class Served:
    def __init__(self) -> None:
        self.body, self.type = b"", "application/json"

    async def serve(self, request: Request) -> Response:
        return Response(self.body, media_type=self.type)


async def ok(request: Request) -> JSONResponse:
    return JSONResponse({"reached": len(await request.body())})


def _app(guard: Any, served: Served, **mw: Any) -> Any:
    return make_app(guard, extra=[Route("/survey", served.serve), Route("/submit", ok, methods=["POST"])], **mw)


def _client(app: Any, token: str = "tok-local") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver",
                             headers={"authorization": f"Bearer {token}"}, timeout=120)


def survey(n: int, protected: bool = False) -> bytes:
    els = [{"type": "text", "name": f"q{i}", "title": f"Question {i} about your library visit?"} for i in range(n)]
    if protected:
        els.append({"type": "text", "name": "cz", "title": "What is your citizenship status?"})
    return json.dumps({"pages": [{"elements": els}]}).encode()


# -- F02 ------------------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(n=st.integers(5_000, 60_000), coding=st.sampled_from(["gzip", "deflate", "gzip, identity"]))
def test_an_encoded_body_is_estimated_on_its_inflated_size(n: int, coding: str) -> None:
    plain = json.dumps({"notes": ("12 Elm St " * (n // 10 + 1))[:n]}).encode()
    packed = gzip.compress(plain) if coding.startswith("gzip") else zlib.compress(plain)
    assert len(packed) < Limits().offload_bytes  # small on the wire …
    assert work_estimate(packed, coding) >= work_estimate(plain)  # … costed as what it inflates to
    assert work_estimate(packed, coding) > Limits().offload_bytes


def test_a_small_plain_or_encoded_form_stays_on_the_loop() -> None:
    """Look-alike: an ordinary 20-field body, gzip'ed or not, is not sent to a thread."""
    body = json.dumps({f"field_{i}": f"value {i}" for i in range(20)}).encode()
    assert work_estimate(gzip.compress(body), "gzip") <= Limits().offload_bytes
    assert work_estimate(b"\x1f\x8b corrupt", "gzip") > Limits().offload_bytes  # refused off the loop


async def test_a_gzip_body_of_100_kb_notes_is_checked_off_the_loop(guard: Any, monkeypatch: Any) -> None:
    from status_guard.asgi import middleware

    sizes: list[int] = []
    real = middleware.inspect_off_loop

    async def spy(limits: Any, size: int, fn: Any, *args: Any) -> Any:
        sizes.append(size)
        return await real(limits, size, fn, *args)

    monkeypatch.setattr(middleware, "inspect_off_loop", spy)
    body = gzip.compress(json.dumps({"notes": "We read a story about the sea. " * 3300}).encode())
    assert len(body) < 4096
    async with _client(_app(guard, Served())) as c:
        await c.post("/submit", content=body, headers={"content-type": "application/json", "content-encoding": "gzip"})
    assert sizes and sizes[0] > Limits().offload_bytes


# -- F04 ------------------------------------------------------------------------------------------
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(limit=st.integers(2, 12), extra=st.integers(-2, 3), script=st.booleans())
async def test_a_form_definition_over_the_control_bound_is_withheld_naming_it_2_129_040(
        guard: Any, audit_path: Any, limit: int, extra: int, script: bool) -> None:
    n = max(1, limit + extra)
    served = Served()
    if script:
        served.body = b"var survey = new Survey.Model(" + survey(n - 1, protected=True) + b");"
        served.type = "application/javascript"
    else:
        served.body, served.type = survey(n - 1, protected=True), "application/json"
    before = len(audit_records(audit_path))
    async with _client(_app(guard, served, limits=Limits(max_page_controls=limit))) as c:
        r = await c.get("/survey")
    if n <= limit:
        assert r.status_code == 200, r.text[:300]
        assert "citizenship status" not in r.text  # read: the protected question removed
    else:
        assert r.status_code == 400, r.text[:300]
        problem = r.json()["error"]
        assert problem["code"] == "response_over_limit"
        assert problem["limit"] == PAGE_CONTROLS and problem["max"] == limit
        assert "q0" not in r.text
        recs = audit_records(audit_path)[before:]
        assert recs and recs[-1]["effect"] == "block"


async def test_a_4000_question_definition_is_refused_before_it_is_read(guard: Any) -> None:
    import time

    served = Served()
    served.body = survey(4000)
    async with _client(_app(guard, served)) as c:
        t0 = time.process_time()
        r = await c.get("/survey")
        spent = time.process_time() - t0
    assert r.status_code == 400 and r.json()["error"]["limit"] == PAGE_CONTROLS
    assert spent < 3, spent


async def test_an_ordinary_definition_and_ordinary_json_are_served(guard: Any) -> None:
    """Look-alikes: a 50-question survey, and a JSON list of 3 000 records that is not a form."""
    served = Served()
    async with _client(_app(guard, served)) as c:
        served.body = survey(50)
        assert (await c.get("/survey")).status_code == 200
        served.body = json.dumps({"items": [{"id": i, "title": f"Book {i}"} for i in range(3000)]}).encode()
        r = await c.get("/survey")
    assert r.status_code == 200, r.text[:200]


# -- F05 ------------------------------------------------------------------------------------------
def _page(n: int, where: str) -> bytes:
    rows = "".join(f"<label>Question {i} household size<input name=q{i}></label>" for i in range(n))
    inner = {"noscript": f"<noscript>{rows}</noscript>", "template": f"<template>{rows}</template>",
             "plain": rows, "nested": f"<noscript><div>{rows}</div></noscript>"}[where]
    return f"<html><body><form action=/x>{inner}</form></body></html>".encode()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(limit=st.integers(3, 15), extra=st.integers(-3, 2), where=st.sampled_from(["noscript", "template", "plain",
                                                                                 "nested"]))
async def test_controls_in_noscript_count_once_against_the_page_bound(guard: Any, limit: int, extra: int,
                                                                      where: str) -> None:
    n = max(1, limit + extra)
    served = Served()
    served.body, served.type = _page(n, where), "text/html"
    async with _client(_app(guard, served, limits=Limits(max_page_controls=limit))) as c:
        r = await c.get("/survey")
    assert r.status_code == (200 if n <= limit else 400), (where, n, limit, r.text[:200])
