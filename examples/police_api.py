"""Police records API (police scope): booking records as JSON and CSV, and custody visits
(040(h)) gated by a judicial-warrant verifier. The city has declared ``charge`` and
``booking_date`` public record (G.L. c. 66 §10).

    uvicorn examples.police_api:app
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from _auth import SessionAuth, identify  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import JSONResponse, Response  # noqa: E402
from starlette.routing import Route  # noqa: E402

from status_guard import Guard, StatusGuardMiddleware  # noqa: E402
from status_guard.asgi import RouteConfig, WarrantRegistry  # noqa: E402

BOOKING = {
    "booking_id": "B-2026-0419",
    "booking_date": "2026-11-20",
    "charge": "operating without a license",
    "person": {
        "name": "Jean Baptiste",
        "home_address": "48 Example Ave, Cambridge MA",
        "work_address": "200 Example Pkwy",
        "citizenship_status": "not a U.S. citizen",
        "incarceration_status": "in custody",
        "detention_length_days": 2,
        "release_date": "2026-11-29",
        "hearing": {"court": "Cambridge District Court", "date": "2026-12-02"},
    },
}

# The clerk of the district court's list of judicial warrants and court orders (never ICE forms
# I-200/I-203/I-205, which are administrative).
COURT_INSTRUMENTS = WarrantRegistry({"1:26-mj-00042": "judicial warrant"})


async def booking(request: Request) -> JSONResponse:
    return JSONResponse(BOOKING)


async def booking_csv(request: Request) -> Response:
    p = BOOKING["person"]
    text = ("booking_id,charge,name,home_address,citizenship_status,release_date\r\n"
            f'{BOOKING["booking_id"]},{BOOKING["charge"]},{p["name"]},"{p["home_address"]}",'
            f'{p["citizenship_status"]},{p["release_date"]}\r\n')
    return Response(text, media_type="text/csv")


async def custody_visit(request: Request) -> JSONResponse:
    return JSONResponse({"status": "visit scheduled"})


def create_app(guard: Guard) -> Starlette:
    routes = [
        RouteConfig("/", "police", public_record_fields=("charge", "booking_date", "booking_id")),
        RouteConfig("/custody", "police", custody_access=True, public_record_fields=("status",)),
    ]
    return Starlette(
        routes=[Route("/bookings/B-2026-0419", booking), Route("/bookings.csv", booking_csv),
                Route("/custody/visits", custody_visit, methods=["POST"])],
        middleware=[Middleware(SessionAuth),
                    Middleware(StatusGuardMiddleware, guard=guard, identify=identify, scope="police", routes=routes,
                               verifier=COURT_INSTRUMENTS)],
    )


app = create_app(Guard.default())
