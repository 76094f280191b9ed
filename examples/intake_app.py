"""Resident intake (city scope): a benefits intake form whose legacy template still asks for
citizenship, and the endpoint it posts to. City HR's Form I-9 route declares its legal basis.

    uvicorn examples.intake_app:app
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from _auth import SessionAuth, identify  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import HTMLResponse, JSONResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402

from status_guard import Claim, Guard, StatusGuardMiddleware  # noqa: E402
from status_guard.asgi import RouteConfig  # noqa: E402

INTAKE_FORM = """<!DOCTYPE html><html lang="en"><head><title>Resident intake</title></head><body>
<h1>Cambridge resident services — intake</h1>
<form method="post" action="/intake">
  <label for="full_name">Full name</label> <input id="full_name" name="full_name" required>
  <label for="phone">Phone</label> <input id="phone" name="phone">
  <label for="household_size">Household size</label> <input id="household_size" name="household_size">
  <label for="us_citizen">Are you a U.S. citizen?</label>
  <select id="us_citizen" name="us_citizen"><option>Yes</option><option>No</option></select>
  <label for="visa_card">Pay by Visa card?</label> <input id="visa_card" type="checkbox" name="pay_by_visa_card">
  <button type="submit">Submit</button>
</form></body></html>"""


async def intake_page(request: Request) -> HTMLResponse:
    return HTMLResponse(INTAKE_FORM)


async def submit_intake(request: Request) -> JSONResponse:
    form = await request.form()
    return JSONResponse({"received_fields": sorted(form.keys())})


async def submit_i9(request: Request) -> JSONResponse:
    form = await request.form()
    return JSONResponse({"received_fields": sorted(form.keys())})


def create_app(guard: Guard) -> Starlette:
    routes = [
        RouteConfig("/intake", "city"),
        RouteConfig("/intake/quick", "city", strip=True),  # a kiosk form: drop the question, keep the rest
        RouteConfig("/hr/i9", "city", exceptions=(
            Claim("required-by-law", legal_basis="8 U.S.C. §1324a (Form I-9)",
                  categories=frozenset({"citizenship_status", "immigration_status", "alien_registration_number",
                                        "visa_or_passport"})),)),
    ]
    return Starlette(
        routes=[Route("/intake", intake_page, methods=["GET"]), Route("/intake", submit_intake, methods=["POST"]),
                Route("/intake/quick", submit_intake, methods=["POST"]), Route("/hr/i9", submit_i9, methods=["POST"])],
        middleware=[Middleware(SessionAuth),
                    Middleware(StatusGuardMiddleware, guard=guard, identify=identify, scope="city", routes=routes)],
    )


app = create_app(Guard.default())
