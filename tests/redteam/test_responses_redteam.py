"""Red-team: HTML tables whose header row the guard did not recognise (040(k): schools never
distribute status)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from status_guard import Guard
from status_guard.asgi import RouteConfig, StatusGuardMiddleware

pytestmark = pytest.mark.anyio

TD_HEADER = ("<table><tr><td><b>Student</b></td><td><b>Citizenship</b></td></tr>"
             "<tr><td>Ana</td><td>Mexico</td></tr></table>")
GROUPED_HEADER = ("<table><thead><tr><th colspan=2>Student record</th></tr>"
                  "<tr><th>Name</th><th>Citizenship</th></tr></thead>"
                  "<tbody><tr><td>Ana</td><td>Mexico</td></tr></tbody></table>")
PLAIN = "<table><tr><td>Ana</td><td>Grade 5</td></tr></table>"


class _Sink:
    def append(self, rec: dict[str, Any]) -> dict[str, Any]:
        return rec


async def _page(html: str) -> str:
    async def page(request: Request) -> Response:
        return HTMLResponse(f"<html><body>{html}</body></html>")

    app = StatusGuardMiddleware(Starlette(routes=[Route("/roster", page)]),
                                guard=Guard.default(audit=_Sink(), text_detection="off"),
                                identify=lambda s: "local", scope="schools",
                                routes=[RouteConfig("/roster", "schools", restricted_html="tables")])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://school.test") as c:
        r = await c.get("/roster")
    assert r.status_code == 200
    return r.text


async def test_school_staff_never_see_citizenship_under_a_td_header_row() -> None:
    assert "Mexico" not in await _page(TD_HEADER)


async def test_school_staff_never_see_citizenship_under_a_two_row_header() -> None:
    assert "Mexico" not in await _page(GROUPED_HEADER)


async def test_a_table_without_any_header_is_left_alone() -> None:
    out = await _page(PLAIN)
    assert "Ana" in out and "Grade 5" in out
