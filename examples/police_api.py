"""Police records API (police scope): booking records as JSON, CSV, XML (NIEM-style) and an HTML
table, and custody visits (040(h)) gated by a judicial-warrant verifier. The city has declared
these fields public record (G.L. c. 66 §10), as path patterns: ``charge``, ``booking_id``,
``booking_date`` (top level), ``bookings[*].charge`` (each booking of a list), ``**.case_number``
(anywhere) and ``**.ChargeText`` (the XML charge element).

    uvicorn examples.police_api:app                     # then, as a federal officer:
    curl -H 'Authorization: Bearer fbi-session' localhost:8000/bookings/B-2026-0419

Sessions (``examples/_auth.py``): ``detective-session`` (local), ``state-session`` (state),
``fbi-session`` (federal), ``ice-session`` (federal_immigration), ``attorney-session`` (public);
none = unknown. ``STATUS_GUARD_PROXY_SECRET=<32+ chars>`` turns on a trusted proxy that proves
itself with ``X-Status-Guard-Proxy-Secret`` and names the requester in
``X-Status-Guard-Requester``.
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
from status_guard.asgi import RouteConfig, TrustedProxy, WarrantRegistry  # noqa: E402

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


LIST = {"bookings": [
    {"booking_id": "B-2026-0419", "charge": "operating without a license", "case_number": "26-CR-0419",
     "person": {"name": "Jean Baptiste", "home_address": "48 Example Ave", "citizenship": "not a U.S. citizen",
                "immigration_status": {"notes": "release 2026-11-29 to 48 Example Ave"}}},
    {"booking_id": "B-2026-0420", "charge": "trespass", "case_number": "26-CR-0420",
     "person": {"name": "Ana Pereira", "home_address": "12 Elm St", "citizenship": "2026-12-01",
                "employer": {"name": "Acme Ltd", "charge": "n/a"}}},
]}

NIEM = """<?xml version="1.0" encoding="UTF-8"?>
<j:Booking xmlns:j="http://release.niem.gov/niem/domains/jxdm/7.0/" xmlns:nc="http://release.niem.gov/niem/niem-core/5.0/"
           xmlns:im="http://release.niem.gov/niem/domains/immigration/5.0/">
  <nc:Person>
    <nc:PersonFullName>Jean Baptiste</nc:PersonFullName>
    <nc:LocationStreet>48 Example Ave</nc:LocationStreet>
    <im:citizenship>not a U.S. citizen</im:citizenship>
    <j:ReleaseDate>2026-11-29</j:ReleaseDate>
  </nc:Person>
  <j:Charge><j:ChargeText>operating without a license</j:ChargeText></j:Charge>
  <!-- transport to 48 Example Ave on release -->
</j:Booking>"""


async def bookings(request: Request) -> JSONResponse:
    return JSONResponse(LIST)


async def booking_xml(request: Request) -> Response:
    return Response(NIEM, media_type="application/xml")


async def booking_table(request: Request) -> Response:
    p = BOOKING["person"]
    return Response(
        "<html><body><h1>Booking B-2026-0419</h1><table><caption>Released to 48 Example Ave</caption><thead><tr>"
        "<th>charge</th><th>name</th><th>home address</th><th>citizenship</th></tr></thead><tbody>"
        f"<tr><td title=\"{p['release_date']}\">{BOOKING['charge']}</td><th>{p['name']}</th>"
        f"<td>{p['home_address']}<input type=hidden name=release_date value=\"{p['release_date']}\"></td>"
        f"<td>{p['citizenship_status']}</td></tr></tbody></table></body></html>", media_type="text/html")


async def moved(request: Request) -> Response:
    return Response(status_code=303, headers={"location": "/people/48%20Example%20Ave?release=2026-11-29&page=2",
                                              "x-release-date": "2026-11-29"})


PUBLIC_RECORD = ("charge", "booking_date", "booking_id", "bookings[*].charge", "**.case_number", "**.ChargeText")


def create_app(guard: Guard) -> Starlette:
    routes = [
        RouteConfig("/", "police", public_record_fields=PUBLIC_RECORD, restricted_html="tables"),
        RouteConfig("/custody", "police", custody_access=True),
    ]
    secret = os.environ.get("STATUS_GUARD_PROXY_SECRET")
    return Starlette(
        routes=[Route("/bookings/B-2026-0419", booking), Route("/bookings.csv", booking_csv),
                Route("/bookings", bookings), Route("/bookings.xml", booking_xml),
                Route("/bookings.html", booking_table), Route("/moved", moved),
                Route("/custody/visits", custody_visit, methods=["POST"])],
        middleware=[Middleware(SessionAuth),
                    Middleware(StatusGuardMiddleware, guard=guard, identify=identify, scope="police", routes=routes,
                               verifier=COURT_INSTRUMENTS,
                               trusted_proxy=TrustedProxy(secret=secret) if secret else None)],
    )


app = create_app(Guard.default())
