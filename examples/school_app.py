"""School enrollment (schools scope): the enrollment form, its submission endpoint, an English
Learner services route that may collect place of birth (040(k)), and a student-record API.

    uvicorn examples.school_app:app
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

from status_guard import Guard, StatusGuardMiddleware  # noqa: E402
from status_guard.asgi import RouteConfig  # noqa: E402

ENROLL_FORM = """<!DOCTYPE html><html lang="es"><head><title>Inscripción escolar</title></head><body>
<form method="post" action="/enroll">
  <label for="student_name">Nombre del estudiante</label> <input id="student_name" name="student_name">
  <label for="grade">Grado</label> <input id="grade" name="grade">
  <label for="residency">Comprobante de residencia</label> <input id="residency" name="district_residency_proof">
  <label for="p1c">¿Es el padre o la madre ciudadano de EE. UU.?</label> <input id="p1c" name="parent1citizenship1">
  <label for="cob">País de nacimiento</label> <input id="cob" name="country_of_birth">
  <button>Enviar</button>
</form></body></html>"""

STUDENT = {"student": {"name": "Lucía", "grade": 4, "immigration_status": "undocumented",
                       "birthplace": "Tegucigalpa", "english_learner_status": "EL"}}


async def enroll_page(request: Request) -> HTMLResponse:
    return HTMLResponse(ENROLL_FORM)


async def enroll(request: Request) -> JSONResponse:
    form = await request.form()
    return JSONResponse({"enrolled_with_fields": sorted(form.keys())})


async def student_record(request: Request) -> JSONResponse:
    return JSONResponse(STUDENT)


def create_app(guard: Guard) -> Starlette:
    routes = [
        RouteConfig("/", "schools", language="es"),
        RouteConfig("/ell", "schools", purpose="ell_services", language="es"),
    ]
    return Starlette(
        routes=[Route("/enroll", enroll_page, methods=["GET"]), Route("/enroll", enroll, methods=["POST"]),
                Route("/ell/intake", enroll, methods=["POST"]), Route("/students/1", student_record)],
        middleware=[Middleware(SessionAuth),
                    Middleware(StatusGuardMiddleware, guard=guard, identify=identify, scope="schools", routes=routes)],
    )


app = create_app(Guard.default())
