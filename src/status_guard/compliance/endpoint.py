"""An optional ASGI endpoint the police system posts events to: ``POST /events`` with a JSON object.

    app = events_endpoint(recorder, token=open("/etc/status_guard/events.token").read().strip())

Authentication is a bearer token (required; compared in constant time). The body is limited to
16 KiB, must be a JSON object, and may hold only the recorder's parameters. Answers: 201 with the
stored sequence number and event id (and obligation reference); 400 malformed (the message names the
parameter, never a value); 401 bad token; 409 refused by policy (040(d); the attempt is logged);
422 the idempotency key was already used for an entry with other details (nothing stored; the answer
names the earlier seq and the fields that differ); 503 the audit log could not be written (the event
is NOT recorded: retry). Send an
``Idempotency-Key`` header (or ``idempotency_key``), e.g. the police system's own event id, so that
a retried POST yields the same event id and obligation reference and is counted once.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from status_guard.errors import AuditUnavailableError, RefusedError, StatusGuardError

from .errors import EventError
from .events import EventRecorder, IdempotencyConflictError

MAX_BODY = 16 * 1024
PARAMS = frozenset({"type", "person_id", "person_ref", "booking_id", "case_ref", "amount", "currency", "disclosable", "in_custody",
                    "hold_basis", "obligation_ref", "occurred_at", "department", "request_id", "idempotency_key"})


def events_endpoint(recorder: EventRecorder, *, token: str) -> Starlette:
    if not isinstance(token, str) or len(token) < 24:
        raise ValueError("the events endpoint needs a bearer token of at least 24 characters")
    expected = f"Bearer {token}".encode()

    async def post_event(request: Request) -> JSONResponse:
        if not hmac.compare_digest(request.headers.get("authorization", "").encode(), expected):
            return JSONResponse({"error": "a valid bearer token is required"}, status_code=401)
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return JSONResponse({"error": f"body larger than {MAX_BODY} bytes"}, status_code=413)
        try:
            data: Any = json.loads(body)
        except ValueError:
            return JSONResponse({"error": "body is not JSON"}, status_code=400)
        if not isinstance(data, dict) or "type" not in data:
            return JSONResponse({"error": "body must be a JSON object with a 'type'"}, status_code=400)
        unknown = sorted(k for k in data if k not in PARAMS)
        if unknown:
            named = [k for k in unknown if isinstance(k, str) and k.isidentifier() and len(k) <= 40]
            return JSONResponse({"error": f"unknown parameter(s): {named}"}, status_code=400)
        kw = {k: v for k, v in data.items() if k != "type"}
        # a retried POST (timeout, 503) carries the same key: same event id, counted once (060)
        if "idempotency_key" not in kw and request.headers.get("idempotency-key"):
            kw["idempotency_key"] = request.headers["idempotency-key"]
        try:
            stored = recorder.record(data["type"], **kw)
        except RefusedError as e:
            return JSONResponse({"error": "refused", "citations": list(e.decision.citations),
                                 "explanation": e.decision.explain()}, status_code=409)
        except AuditUnavailableError:
            return JSONResponse({"error": "the audit log is unavailable; the event was not recorded"}, status_code=503)
        except IdempotencyConflictError as e:
            # the key was used for an entry with other details: nothing stored (IETF Idempotency-Key: 422)
            return JSONResponse({"error": str(e), "parameter": "idempotency_key", "seq": e.earlier_seq,
                                 "fields": list(e.fields)}, status_code=422)
        except (StatusGuardError, ValueError, TypeError) as e:
            return JSONResponse({"error": str(e) if isinstance(e, StatusGuardError) else "malformed event",
                                 **({"parameter": e.param} if isinstance(e, EventError) and e.param else {})},
                                status_code=400)
        ev = stored["event"]
        out = {"seq": stored["seq"], "event_id": ev["event_id"]}
        if "obligation_ref" in ev:
            out["obligation_ref"] = ev["obligation_ref"]
        return JSONResponse(out, status_code=201)

    return Starlette(routes=[Route("/events", post_event, methods=["POST"])])
