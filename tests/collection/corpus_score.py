"""Score the guard on the blind collection corpus (``tests/corpus/collection/cases.yaml``, written and
labelled by someone who had not seen the detection; see its README).

Each case runs through a real Starlette app under ``StatusGuardMiddleware`` (scope and declared
exceptions as the case says), whose endpoint records exactly what the app received. Outcomes:

* ``refuse``     — the guard answered 4xx and the app never ran (for a page then its submission:
                   also the page left without the status control);
* ``strip_page`` — the page came back 200 without the status control, the rest of the form intact;
* ``flag``       — the app received the request unchanged and the audit log has a record naming a
                   field with a non-allow effect;
* ``redact``     — the app ran, none of the ``redact_spans`` reached it, and the response told the
                   person (``Status-Guard-Notice``);
* ``accept``     — the app received the request (or the page) unchanged; a flag is a *soft* miss.

Rates: refusal rate = correct outcomes on must-not-pass cases (refuse, strip_page) / their count;
false-refusal rate = refused, stripped or redacted where not expected / must-not-be-refused cases
(flag, redact, accept). Run as a script for the table:

    .venv/bin/python tests/collection/corpus_score.py [-v]
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx
import yaml
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from status_guard import Claim, Guard
from status_guard.asgi import RouteConfig, StatusGuardMiddleware

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "collection" / "cases.yaml"
MUST_NOT_PASS = ("refuse", "strip_page")
MUST_NOT_REFUSE = ("flag", "redact", "accept")


def load_cases(path: Path = CORPUS) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def split_of(case_id: str) -> str:
    """A fixed dev/test split (by a hash of the case id): only dev misses were looked at while
    fixing the guard; the test half is reported as held out."""
    import hashlib

    return "dev" if hashlib.sha256(case_id.encode()).digest()[0] % 2 == 0 else "test"


@dataclass
class Outcome:
    case: str
    cls: str
    expect: str
    ok: bool
    got: str
    soft_flag: bool = False
    detail: str = ""


@dataclass
class _Seen:
    requests: list[dict[str, Any]] = field(default_factory=list)


def _body_bytes(req: dict[str, Any], crlf: bool) -> bytes | None:
    if req.get("body_base64"):
        return base64.b64decode(req["body_base64"])
    body = req.get("body")
    if body is None:
        return None
    if crlf:
        body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return body.encode("utf-8")


def _app(case: dict[str, Any], guard: Guard, seen: _Seen) -> Starlette:
    page_path = case["request"]["path"].split("?")[0] if case.get("page") else None

    async def endpoint(request: Request) -> Response:
        if request.method == "GET" and page_path is not None and request.url.path == page_path:
            return HTMLResponse(case["page"])
        body = await request.body()
        seen.requests.append({"body": body, "query": request.url.query, "path": request.url.path})
        return JSONResponse({"ok": True})

    cfg = case.get("config") or {}
    routes: list[RouteConfig] = []
    purpose = cfg.get("purpose")
    lb = cfg.get("legal_basis")
    if lb:
        routes.append(RouteConfig(lb["route"], case["scope"], exceptions=(
            Claim("required-by-law", legal_basis=lb["citation"], categories=frozenset(lb.get("categories") or ()) or None),)))
    mw = Middleware(StatusGuardMiddleware, guard=guard, identify=lambda scope: "public", scope=case["scope"],
                    routes=routes, purpose=purpose)
    return Starlette(routes=[Route("/{path:path}", endpoint, methods=["GET", "POST", "PUT", "PATCH"])], middleware=[mw])


async def _send(c: httpx.AsyncClient, req: dict[str, Any], crlf: bool) -> httpx.Response:
    headers = dict(req.get("headers") or {})
    if req.get("content_type"):
        headers["content-type"] = req["content_type"]
    body = _body_bytes(req, crlf)
    return await c.request(req["method"], req["path"], content=body, headers=headers)


def _controls_present(html: str, names: list[str]) -> list[str]:
    out = []
    for n in names:
        n = n.split("|")[0].split(".")[0]
        if re.search(r'name=["\']?' + re.escape(n) + r'["\'\s>]', html):
            out.append(n)
    return out


def _audited(guard: Guard, before: int) -> list[dict[str, Any]]:
    recs = [r for r in guard.audit.records() if r.get("kind") == "decision"] if hasattr(guard.audit, "records") else []
    return recs[before:]


def _audit_count(guard: Guard) -> int:
    return len([r for r in guard.audit.records() if r.get("kind") == "decision"]) if hasattr(guard.audit, "records") else 0


async def run_case(case: dict[str, Any], guard: Guard) -> Outcome:
    seen = _Seen()
    app = _app(case, guard, seen)
    crlf = bool(case.get("crlf"))
    expect = case["expect"]
    before = _audit_count(guard)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        r1 = await _send(c, case["request"], crlf)
        r2 = await _send(c, case["then"], crlf) if case.get("then") else None
    recs = _audited(guard, before)
    flagged = any(r.get("effect") in ("flag", "redact", "strip", "block") and r.get("fields") for r in recs)
    page_html = r1.text if case.get("page") else None
    final = r2 if r2 is not None else r1
    sent = _body_bytes(case["then"] if r2 is not None else case["request"], crlf)
    app_got = seen.requests[-1] if seen.requests and (not case.get("page") or r2 is not None) else None
    refused = final.status_code >= 400 and app_got is None
    changed = app_got is not None and sent is not None and app_got["body"] != sent
    page_stripped = None
    if page_html is not None:
        present = _controls_present(page_html, case["asks_status"]) if case["asks_status"] else []
        page_stripped = r1.status_code == 200 and page_html != case["page"] and not present
    got = "refused" if refused else ("changed" if changed else "passed")
    if case["kind"] == "page":
        got = "page-refused" if r1.status_code != 200 else ("page-stripped" if page_html != case["page"] else "page-unchanged")
    detail = f"status={final.status_code}"
    if expect == "refuse":
        ok = refused or (changed and app_got is not None and expect == "refuse" and False)
        if case["kind"] == "page_then_submission" and case["asks_status"]:
            ok = ok and bool(page_stripped)
            detail += f" page_stripped={page_stripped}"
    elif expect == "strip_page":
        ok = bool(page_stripped) and r1.status_code == 200 and "<form" in (page_html or "").lower()
    elif expect == "flag":
        ok = not refused and not changed and app_got is not None and flagged
    elif expect == "redact":
        received = app_got["body"].decode("utf-8", "replace") if app_got else ""
        spans_gone = all(s not in received for s in case.get("redact_spans") or [])
        told = "status-guard-notice" in {k.lower() for k in final.headers.keys()}
        ok = not refused and app_got is not None and spans_gone and told
        detail += f" spans_gone={spans_gone} told={told}"
    else:  # accept
        if case["kind"] == "page":
            ok = r1.status_code == 200 and page_html == case["page"]
        else:
            ok = not refused and not changed and app_got is not None
            if case.get("page") and page_html != case["page"]:
                ok = False
                detail += " page-changed"
    if not ok and refused:
        try:
            err = final.json().get("error", {})
            detail += f" code={err.get('code')} fields={[f.get('field') for f in err.get('fields', [])][:4]} msg={str(err.get('message'))[:90]}"
        except Exception:
            pass
    soft = expect == "accept" and ok and flagged
    return Outcome(case["id"], case["class"], expect, ok, got, soft, detail)


def score(cases: list[dict[str, Any]] | None = None) -> tuple[list[Outcome], dict[str, Any]]:
    cases = cases if cases is not None else load_cases()
    guard = Guard.default(audit="memory:")
    outcomes: list[Outcome] = []

    async def go() -> None:
        for case in cases:
            outcomes.append(await run_case(case, guard))

    anyio.run(go)
    return outcomes, summarise(outcomes)


def summarise(outcomes: list[Outcome]) -> dict[str, Any]:
    must = [o for o in outcomes if o.expect in MUST_NOT_PASS]
    may = [o for o in outcomes if o.expect in MUST_NOT_REFUSE]
    false_refusals = [o for o in may if not o.ok and o.got in ("refused", "changed", "page-refused", "page-stripped")]
    by_class: dict[str, dict[str, Any]] = defaultdict(lambda: {"must": 0, "stopped": 0, "may": 0, "false": 0})
    for o in must:
        by_class[o.cls]["must"] += 1
        by_class[o.cls]["stopped"] += o.ok
    for o in may:
        by_class[o.cls]["may"] += 1
        by_class[o.cls]["false"] += o in false_refusals
    return {
        "cases": len(outcomes),
        "must_not_pass": len(must),
        "stopped": sum(o.ok for o in must),
        "refusal_rate": sum(o.ok for o in must) / len(must) if must else 1.0,
        "must_not_refuse": len(may),
        "false_refusals": len(false_refusals),
        "false_refusal_rate": len(false_refusals) / len(may) if may else 0.0,
        "flag_recall": _rate([o for o in outcomes if o.expect == "flag"]),
        "redact_correct": _rate([o for o in outcomes if o.expect == "redact"]),
        "soft_flags": sum(o.soft_flag for o in outcomes),
        "by_class": dict(by_class),
        "misses": [(o.case, o.expect, o.got, o.detail) for o in outcomes if not o.ok],
    }


def _rate(os_: list[Outcome]) -> float:
    return sum(o.ok for o in os_) / len(os_) if os_ else 1.0


def table(summary: dict[str, Any]) -> str:
    lines = ["| class | must not pass | stopped | refusal rate | must not be refused | false refusals |",
             "| --- | --- | --- | --- | --- | --- |"]
    for cls, v in sorted(summary["by_class"].items()):
        rr = f"{v['stopped'] / v['must']:.0%}" if v["must"] else "–"
        lines.append(f"| {cls} | {v['must']} | {v['stopped']} | {rr} | {v['may']} | {v['false']} |")
    lines.append(f"| **all** | **{summary['must_not_pass']}** | **{summary['stopped']}** | "
                 f"**{summary['refusal_rate']:.1%}** | **{summary['must_not_refuse']}** | "
                 f"**{summary['false_refusals']} ({summary['false_refusal_rate']:.1%})** |")
    return "\n".join(lines)


if __name__ == "__main__":
    outs, summ = score()
    print(table(summ))
    print(f"flag recall {summ['flag_recall']:.0%}, redaction correct {summ['redact_correct']:.0%}, "
          f"soft flags on accept cases {summ['soft_flags']}")
    for part in ("dev", "test"):
        sub = summarise([o for o in outs if split_of(o.case) == part])
        print(f"{part}: refusal {sub['stopped']}/{sub['must_not_pass']} ({sub['refusal_rate']:.1%}), "
              f"false refusals {sub['false_refusals']}/{sub['must_not_refuse']} ({sub['false_refusal_rate']:.1%}), "
              f"flag recall {sub['flag_recall']:.0%}, redaction {sub['redact_correct']:.0%}")
    if "-v" in sys.argv:  # misses of the dev half only (the test half stays unread)
        for m in summ["misses"]:
            if split_of(m[0]) == "dev" or "--all" in sys.argv:
                print("MISS", *m)
