"""The compliance dashboard: a small server-rendered Starlette + Jinja2 app.

Pages: overview (chain verification, open obligations, refusals by clause and department), a log
browser with filters, one record with its complaint routing, 040(g) obligations, and the 060
report for any period with download buttons. No JavaScript; every control is a labelled form
field or a link. Every page re-reads and re-verifies the log, so tampering shows at once.

Login: when a password is configured, every page but /login and /static needs a session cookie
(HMAC-signed with a per-process secret, HttpOnly, SameSite=Strict). The CLI refuses to bind a
non-loopback address without one.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from status_guard.audit.query import Filter
from status_guard.errors import StatusGuardError

from ..complaints import ComplaintError, draft_complaint, packet_markdown
from ..events import TITLES, EventType, event_of
from ..obligations import pending
from ..render import FORMATS, MEDIA_TYPES, chart_uris, jinja_env, render
from ..report import Period, ReportError, report_for
from ..source import Snapshot, take_snapshot

HERE = Path(__file__).parent
COOKIE = "sg_session"
SESSION_SECONDS = 8 * 3600
MAX_LOGIN_FAILURES = 10
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}
FILTER_KEYS = ("kind", "effect", "citation", "adapter", "requester", "since", "until")
KINDS = ("decision", "event", "heartbeat", "start", "continuation", "end", "checkpoint")
EFFECTS = ("block", "strip", "redact", "flag", "allow")


def is_loopback(host: str) -> bool:
    """True only for addresses that cannot be reached from another machine."""
    h = host.strip().strip("[]").lower()
    if h == "localhost":
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class DashboardConfig:
    audit_spec: str
    policy_path: str | None = None
    hmac_key: bytes | None = None
    public_key: Any = None
    password: str | None = None
    page_size: int = 50
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)


class _Sessions:
    def __init__(self, secret: bytes) -> None:
        self.secret = secret
        self.failures: list[float] = []
        self.revoked: dict[str, float] = {}  # signature of a signed-out token -> its expiry

    def revoke(self, token: str | None) -> None:
        """Sign a token out: a copy of the cookie kept after logout must not open the dashboard again."""
        if not self.valid(token):
            return
        assert token is not None
        now = time.time()
        self.revoked = {sig: exp for sig, exp in self.revoked.items() if exp > now}
        self.revoked[token.rpartition(".")[2]] = float(token.split(".")[0])

    def issue(self) -> str:
        expiry = str(int(time.time()) + SESSION_SECONDS)
        nonce = secrets.token_hex(8)
        body = f"{expiry}.{nonce}"
        return body + "." + hmac.new(self.secret, body.encode(), hashlib.sha256).hexdigest()

    def valid(self, token: str | None) -> bool:
        if not token or token.count(".") != 2:
            return False
        body, _, sig = token.rpartition(".")
        good = hmac.new(self.secret, body.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(sig.encode("ascii", "replace"), good.encode()) or sig in self.revoked:
            return False
        try:
            return int(body.split(".")[0]) > time.time()
        except ValueError:
            return False

    def throttled(self) -> bool:
        now = time.monotonic()
        self.failures = [t for t in self.failures if now - t < 60]
        return len(self.failures) >= MAX_LOGIN_FAILURES


def create_app(config: DashboardConfig) -> Starlette:
    from status_guard.policy import load_policy

    policy = load_policy(config.policy_path)
    env = jinja_env()
    sessions = _Sessions(config.secret)

    def snapshot() -> Snapshot:
        return take_snapshot(config.audit_spec, hmac_key=config.hmac_key, public_key=config.public_key)

    def page(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        html = env.get_template(template).render(request=request, login=config.password is not None,
                                                 log_description=ctx.pop("log_description", config.audit_spec),
                                                 **ctx)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    def guarded(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def wrapper(request: Request) -> Response:
            if config.password is not None and not sessions.valid(request.cookies.get(COOKIE)):
                return RedirectResponse("/login?" + urlencode({"next": request.url.path}), status_code=303)
            try:
                return await handler(request)
            except (StatusGuardError, ReportError, ComplaintError, ValueError) as e:
                return page(request, "error.html", status=400, nav="", message=str(e))

        return wrapper

    # -- pages -----------------------------------------------------------------------------------
    async def overview(request: Request) -> Response:
        snap = snapshot()
        obs = pending(snap.records)
        refusals: Counter[tuple[str, str]] = Counter()
        refused_records = 0
        titles = {k: v.title for k, v in policy.file.scopes.items()}
        for rec in snap.records:
            if rec.get("kind") == "decision" and rec.get("effect") == "block" and rec.get("monitor") is not True:
                refused_records += 1
                dept = rec.get("department") or titles.get(str(rec.get("scope")), str(rec.get("scope") or "unspecified"))
                for c in rec.get("citations") or ["uncited"]:
                    refusals[(str(c), str(dept))] += 1
        events = Counter(str(e.get("type")) for r in snap.records if (e := event_of(r)) is not None)
        return page(request, "index.html", nav="overview", snap=snap, v=snap.verification, obligations=obs,
                    overdue=sum(1 for _, s in obs if s == "overdue"), refused_records=refused_records,
                    refusals=sorted(refusals.items(), key=lambda x: (-x[1], x[0])), events=events,
                    event_titles={t.value: TITLES[t] for t in EventType}, log_description=snap.description)

    async def records(request: Request) -> Response:
        snap = snapshot()
        q = {k: request.query_params.get(k, "").strip() for k in FILTER_KEYS}
        flt = Filter.make(**{k: (v or None) for k, v in q.items()})
        rows = [r for r in reversed(snap.records) if flt(r)]
        try:
            pageno = max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            pageno = 1
        size = config.page_size
        shown = rows[(pageno - 1) * size: pageno * size]
        bad_positions = {p.seq for p in snap.verification.problems if p.seq is not None}

        def link(n: int) -> str:
            return "/records?" + urlencode({**{k: v for k, v in q.items() if v}, "page": n})

        return page(request, "records.html", nav="records", v=snap.verification, rows=shown, total=len(rows),
                    q=q, kinds=KINDS, effects=EFFECTS, page=pageno,
                    prev_link=link(pageno - 1) if pageno > 1 else None,
                    next_link=link(pageno + 1) if pageno * size < len(rows) else None,
                    bad=bad_positions, log_description=snap.description)

    async def record(request: Request) -> Response:
        snap = snapshot()
        seq = int(request.path_params["seq"])
        rec = snap.by_seq(seq)
        if rec is None:
            return page(request, "error.html", status=404, nav="records", message="no record has that sequence number")
        try:
            packet = draft_complaint(snap, seq, policy)
        except ComplaintError:
            packet = None
        shown = {k: v for k, v in rec.items() if k != "event"}
        ev = dict(event_of(rec) or {})
        ev.pop("person_ref", None)
        return page(request, "record.html", nav="records", rec=shown, ev=ev, seq=seq, packet=packet,
                    v=snap.verification, log_description=snap.description)

    async def complaint_download(request: Request) -> Response:
        snap = snapshot()
        packet = draft_complaint(snap, int(request.path_params["seq"]), policy)
        return Response(packet_markdown(packet), media_type="text/markdown; charset=utf-8",
                        headers={**SECURITY_HEADERS, "Content-Disposition":
                                 f'attachment; filename="complaint-record-{packet.record_seq}.md"'})

    async def obligations_page(request: Request) -> Response:
        snap = snapshot()
        show_all = request.query_params.get("all") == "1"
        rows = pending(snap.records, include_closed=show_all)
        return page(request, "obligations.html", nav="obligations", rows=rows, show_all=show_all,
                    v=snap.verification, log_description=snap.description)

    def _period(request: Request) -> Period:
        today = datetime.now(timezone.utc).date()
        default_start = (today.replace(day=1) - timedelta(days=150)).replace(day=1)
        start = request.query_params.get("from") or default_start.isoformat()
        end = request.query_params.get("to") or today.isoformat()
        return Period.parse(start, end)

    async def report_page(request: Request) -> Response:
        period = _period(request)
        snap = snapshot()
        rep = report_for(snap, period, policy)
        qs = {"from": period.start.isoformat(), "to": period.end.isoformat()}
        downloads = [(fmt.upper(), "/report/download?" + urlencode({**qs, "format": fmt})) for fmt in FORMATS]
        return page(request, "report.html", nav="report", r=rep, charts=chart_uris(rep), downloads=downloads,
                    start=qs["from"], end=qs["to"], v=snap.verification, log_description=snap.description)

    async def report_download(request: Request) -> Response:
        fmt = request.query_params.get("format", "pdf")
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}")
        period = _period(request)
        rep = report_for(snapshot(), period, policy)
        name = f"semiannual-{period.start.isoformat()}-{period.end.isoformat()}.{fmt}"
        return Response(render(rep, fmt), media_type=MEDIA_TYPES[fmt],
                        headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"',
                                 "X-Log-Verified": "yes" if rep.verified else "no"})

    # -- login -----------------------------------------------------------------------------------
    def _next(request: Request, value: str | None) -> str:
        nxt = value or "/"
        # a local path only: browsers read "/\\host" as "//host", and strip tabs/newlines first
        if (not nxt.startswith("/") or nxt.startswith("//") or "\\" in nxt
                or any(ord(c) < 0x21 or ord(c) == 0x7F for c in nxt)):
            return "/"
        return nxt

    async def login(request: Request) -> Response:
        if config.password is None:
            return RedirectResponse("/", status_code=303)
        if request.method == "GET":
            return page(request, "login.html", nav="", next=_next(request, request.query_params.get("next")),
                        error=None)
        if sessions.throttled():
            return page(request, "login.html", status=429, nav="", next="/",
                        error="Too many failed attempts. Wait a minute and try again.")
        form = await request.form(max_files=0, max_fields=4, max_part_size=4096)
        given = str(form.get("password", ""))
        nxt = _next(request, str(form.get("next", "/")))
        # compare digests: equal lengths, so the time taken does not reveal the password's length
        if hmac.compare_digest(hashlib.sha256(given.encode()).digest(),
                               hashlib.sha256(config.password.encode()).digest()):
            resp = RedirectResponse(nxt, status_code=303)
            resp.set_cookie(COOKIE, sessions.issue(), max_age=SESSION_SECONDS, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https", path="/")
            return resp
        sessions.failures.append(time.monotonic())
        return page(request, "login.html", status=401, nav="", next=nxt, error="That password is not correct.")

    async def logout(request: Request) -> Response:
        sessions.revoke(request.cookies.get(COOKIE))
        resp = RedirectResponse("/login" if config.password else "/", status_code=303)
        resp.delete_cookie(COOKIE, path="/")
        return resp

    routes = [
        Route("/", guarded(overview)),
        Route("/records", guarded(records)),
        Route("/records/{seq:int}", guarded(record)),
        Route("/records/{seq:int}/complaint.md", guarded(complaint_download)),
        Route("/obligations", guarded(obligations_page)),
        Route("/report", guarded(report_page)),
        Route("/report/download", guarded(report_download)),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    async def not_found(request: Request, exc: Exception) -> Response:
        # the same page shell (navigation, contrast, no JavaScript) for a mistyped address
        if config.password is not None and not sessions.valid(request.cookies.get(COOKIE)):
            return RedirectResponse("/login", status_code=303)
        return page(request, "error.html", status=404, nav="", message="There is no page at this address.")

    return Starlette(routes=routes, exception_handlers={404: not_found})

