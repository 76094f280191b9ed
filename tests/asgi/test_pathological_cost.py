"""A form page or a body that makes the guard spend seconds is a denial of service on the city
app's event loop — and an app that cannot answer cannot serve residents (2.129.040: services are
provided regardless of status; the guard must not become the way they are denied). Issue 15,
round f:

* the guard's work grows linearly with the controls of a page and the keys of a JSON body
  (time(2n)/time(n) < 3, measured in CPU time);
* past a bound (controls per page, their nesting depth, free-text characters per check) the page
  is withheld or the submission refused with a clear error naming the bound, and audited — never
  passed unchecked (fail closed);
* a costly check runs off the event loop: small requests keep being answered meanwhile (p90).
"""

from __future__ import annotations

import json
import random
import time
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from status_guard.asgi import Limits
from status_guard.asgi.cost import HTML_DEPTH, PAGE_CONTROLS, work_estimate

from .conftest import audit_records, make_app

pytestmark = pytest.mark.anyio

WORDS = ("your", "the", "home", "address", "favourite", "library", "branch", "we", "will", "contact", "you", "about",
         "please", "tell", "us", "how", "many", "people", "live", "in", "household", "preferred", "language", "for",
         "city", "services", "program", "date", "of", "visit", "school", "name", "phone", "class", "office")


def form_page(n: int, seed: int) -> str:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        label = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(4, 10))) + f" {seed}-{i}?"
        rows.append(f'<p><label for="f{i}">{label}</label><input id="f{i}" name="field_{i}"></p>')
    return '<!DOCTYPE html><html><body><form method="post" action="/submit">' + "".join(rows) + \
        "<button>Send</button></form></body></html>"


def json_doc(n: int, seed: int) -> bytes:
    rnd = random.Random(seed)
    # every value new (no remembered detection helps) and long enough to be read as free text
    return json.dumps({f"{rnd.choice(WORDS)}_{rnd.choice(WORDS)}_{seed}_{i}":
                       " ".join(rnd.choice(WORDS) for _ in range(3)) + f" {seed}-{i}" for i in range(n)}).encode()


class Pages:
    """An app route serving whatever page the test sets."""

    def __init__(self) -> None:
        self.html = ""

    async def serve(self, request: Request) -> HTMLResponse:
        return HTMLResponse(self.html)


async def ok(request: Request) -> JSONResponse:
    await request.body()
    return JSONResponse({"reached": True})


def _app(guard: Any, pages: Pages, **mw: Any) -> Any:
    return make_app(guard, extra=[Route("/page", pages.serve), Route("/submit", ok, methods=["POST"])], **mw)


def _client(app: Any, token: str = "tok-public") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver",
                             headers={"authorization": f"Bearer {token}"}, timeout=120)


async def _cpu(c: httpx.AsyncClient, method: str, path: str, **kw: Any) -> tuple[float, httpx.Response]:
    t0 = time.process_time()  # CPU of the whole process (the check runs in a worker thread)
    r = await c.request(method, path, **kw)
    return time.process_time() - t0, r


# -- linear growth ---------------------------------------------------------------------------------
async def test_a_page_twice_as_long_costs_at_most_about_twice_as_much(guard: Any) -> None:
    guard._free_text_detector()  # built before measuring (lifespan start-up waits for it too)
    pages = Pages()
    app = _app(guard, pages)
    async with _client(app) as c:
        pages.html = form_page(20, 1)
        await c.get("/page")  # warm: the pack
        times = {}
        for n in (250, 500, 1000):  # up to the default bound on controls per page
            runs = []
            for seed in (1, 2):  # the better of two fresh pages: another process may take the CPU
                pages.html = form_page(n, n * 10 + seed)
                t, r = await _cpu(c, "GET", "/page")
                assert r.status_code == 200
                runs.append(t)
            times[n] = min(runs)
    assert times[500] / times[250] < 3, times
    assert times[1000] / times[500] < 3, times


async def test_a_json_body_with_twice_the_keys_costs_at_most_about_twice_as_much(guard: Any) -> None:
    guard._free_text_detector()
    app = _app(guard, Pages())
    async with _client(app) as c:
        await c.post("/submit", content=json_doc(20, 1), headers={"content-type": "application/json"})
        times = {}
        for n in (1000, 2000, 4000):
            runs = []
            for seed in range(1, 7):
                t, r = await _cpu(c, "POST", "/submit", content=json_doc(n, n * 10 + seed),
                                  headers={"content-type": "application/json"})
                if r.status_code == 400 and r.json()["error"]["code"] == "unparseable_request":
                    continue  # a detection past its deadline on a starved machine: refused (fail closed), not timed
                assert r.status_code in (200, 422), r.text[:300]
                runs.append(t)
                if len(runs) == 3:
                    break
            assert runs, f"every {n}-key body met a detection deadline"
            times[n] = min(runs)
    assert times[2000] / times[1000] < 3, times
    assert times[4000] / times[2000] < 3, times


# -- bounds, fail closed ---------------------------------------------------------------------------
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(limit=st.integers(1, 12), extra=st.integers(-3, 3))
async def test_a_page_over_the_bound_on_controls_is_withheld_naming_it_never_sent_unchecked(
        guard: Any, audit_path: Any, limit: int, extra: int) -> None:
    n = max(1, limit + extra)
    pages = Pages()
    pages.html = form_page(n, limit * 100 + n).replace("</form>", '<label for="cz">Citizenship status</label>'
                                                      '<input id="cz" name="cz"></form>')
    app = _app(guard, pages, limits=Limits(max_page_controls=limit))
    before = len(audit_records(audit_path))
    async with _client(app) as c:
        r = await c.get("/page")
    if n + 1 <= limit:
        assert r.status_code == 200 and 'name="cz"' not in r.text  # checked: the status question removed
    else:
        assert r.status_code == 400
        problem = r.json()["error"]
        assert problem["limit"] == PAGE_CONTROLS and problem["max"] == limit
        assert 'name="cz"' not in r.text and "field_0" not in r.text  # nothing of the page left
        recs = audit_records(audit_path)[before:]
        assert recs and recs[-1]["effect"] == "block"


async def test_a_control_buried_deeper_than_the_bound_withholds_the_page(guard: Any, audit_path: Any) -> None:
    pages = Pages()
    app = _app(guard, pages, limits=Limits(max_html_depth=64))
    async with _client(app) as c:
        pages.html = "<html><body><form>" + "<div>" * 40 + '<input name="q1">' + "</div>" * 40 + "</form></body></html>"
        assert (await c.get("/page")).status_code == 200
        pages.html = "<html><body><form>" + "<div>" * 80 + '<input name="q1">' + "</div>" * 80 + "</form></body></html>"
        r = await c.get("/page")
    assert r.status_code == 400 and r.json()["error"]["limit"] == HTML_DEPTH
    assert "q1" not in r.text
    assert audit_records(audit_path)[-1]["effect"] == "block"


async def test_a_page_of_a_hundred_thousand_inputs_is_refused_before_it_is_read(guard: Any) -> None:
    pages = Pages()
    pages.html = "<html><body><form>" + "<input name=a>" * 100_000 + "</form></body></html>"
    app = _app(guard, pages)
    async with _client(app) as c:
        t0 = time.process_time()
        r = await c.get("/page")
        spent = time.process_time() - t0
    assert r.status_code == 400 and r.json()["error"]["limit"] == PAGE_CONTROLS
    assert spent < 5, spent  # counted by the parser, not read control by control


async def test_a_submission_over_the_free_text_bound_is_refused_and_never_reaches_the_app(guard: Any,
                                                                                          audit_path: Any) -> None:
    from status_guard.work_budget import TEXT_CHARS

    app = _app(guard, Pages(), limits=Limits(max_text_chars=2_000))
    notes = {f"note_{i}": f"We met on visit {i} and talked about the library program and the class schedule."
             for i in range(60)}
    async with _client(app, "tok-local") as c:
        small = await c.post("/submit", json={"note": notes["note_0"]})
        r = await c.post("/submit", json=notes)
    assert small.status_code == 200 and small.json() == {"reached": True}
    assert r.status_code == 400 and r.json()["error"]["limit"] == TEXT_CHARS
    assert "reached" not in r.text
    rec = audit_records(audit_path)[-1]
    assert rec["action"] == "collect" and rec["effect"] == "block"


def test_many_small_fields_count_as_costly_work_and_go_off_the_loop() -> None:
    """700 one-letter keys in 4 KiB cost like ~40 KiB of prose; an ordinary 20-field form stays inline."""
    many = json.dumps({f"k{i}": 1 for i in range(700)}).encode()
    ordinary = json.dumps({f"field_{i}": f"value {i}" for i in range(20)}).encode()
    assert work_estimate(many) > Limits().offload_bytes
    assert work_estimate(ordinary) <= Limits().offload_bytes


# -- the loop keeps serving ------------------------------------------------------------------------
async def test_small_requests_are_answered_while_a_costly_page_is_checked(guard: Any) -> None:
    import anyio

    guard._free_text_detector()  # what lifespan start-up waits for (asgi/warm.py): no import races the test
    pages = Pages()
    app = _app(guard, pages)
    async with _client(app) as c:
        pages.html = form_page(20, 7)
        await c.get("/page")
        await c.get("/clean")
        pages.html = form_page(1000, 8)
        latencies: list[float] = []
        big_done = anyio.Event()
        big_time = 0.0

        async def big() -> None:
            nonlocal big_time
            t0 = time.perf_counter()
            r = await c.get("/page")
            big_time = time.perf_counter() - t0
            assert r.status_code == 200
            big_done.set()

        async def small() -> None:
            await anyio.sleep(0.05)
            while not big_done.is_set():
                t0 = time.perf_counter()
                r = await c.get("/clean")
                latencies.append(time.perf_counter() - t0)
                assert r.status_code == 200
                await anyio.sleep(0.01)

        async with anyio.create_task_group() as tg:
            tg.start_soon(big)
            tg.start_soon(small)
    # a frozen loop answers nothing until the page is done: one small request, waiting ~big_time.
    # Here many are answered meanwhile; p90, not p99: on this shared 2-core machine one request in
    # ~40 is descheduled for a second with the whole process (seen with the loop idle too)
    assert len(latencies) >= 5, (latencies, big_time)
    latencies.sort()
    p90 = latencies[int(len(latencies) * 0.9)]
    assert p90 < max(0.5, big_time / 3), (p90, big_time, len(latencies), latencies[-5:])
