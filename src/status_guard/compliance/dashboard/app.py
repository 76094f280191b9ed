"""The compliance dashboard: a small server-rendered Starlette + Jinja2 app.

Pages: overview (the period's counts and charts), events (as corrected, in words), the audit log
(filters, markers hidden by default), one record in words with its complaint routing and packet,
040(g) obligations (late ones say by how much), and the 060 report for any period with downloads.
No JavaScript; every control is a labelled form field or a link.

Every page reads the log again and shows its verification state — green (verified), yellow
(consistent only, or cannot verify: key not supplied), red (tampering or damage) — but verifies
only the records appended since the last read (:class:`..source.LogReader`); pages computed from a
read are cached by that read's digest, so an unchanged log is not recounted either.

Login: when a password is configured, every page but /login and /static needs a session cookie
(HMAC-signed with a per-process secret, HttpOnly, SameSite=Strict). The CLI refuses to bind a
non-loopback address without one.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from status_guard.audit.query import Filter
from status_guard.errors import StatusGuardError

from .. import charts as ch
from ..complaints import (
    DASHBOARD_ALLEGATION_PROMPT,
    MAX_ALLEGATION,
    ComplaintError,
    draft_complaint,
    packet_html,
    packet_json,
    packet_markdown,
)
from ..describe import describe
from ..events import TITLES, EventType
from ..jurisdiction import Jurisdiction, jurisdiction_of
from ..ledger import Ledger, LedgerBuilder
from ..money import money
from ..obligations import STATUS_WORDS, by_status, obligations_from
from ..render import FORMATS, MEDIA_TYPES, jinja_env, render, report_context
from ..index import LogIndex, build_index, occurred_time
from ..report import Period, ReportError, event_figures, report_for
from ..sealing import KEY_MISMATCH_WARNING, booking_words, key_matches_none
from ..source import LogReader, Snapshot, settle
from ..wording import SHORT

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
PERIOD_COOKIE = "sg_period"  # the period chosen last, so the menu keeps it from page to page (not a secret)
_DAY = __import__("re").compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def chosen_period(request: Request) -> tuple[dict[str, str], bool]:
    """The period the officer chose ({"from", "to"}, or {}) and whether it came from this request's
    address (rather than from the remembered choice). Only well-formed days are taken."""
    q = {k: (request.query_params.get(k) or "").strip() for k in ("from", "to")}
    if all(_DAY.fullmatch(v) for v in q.values()):
        return q, True
    a, _, b = (request.cookies.get(PERIOD_COOKIE) or "").partition("_")
    if _DAY.fullmatch(a) and _DAY.fullmatch(b):
        return {"from": a, "to": b}, False
    return {}, False


FILTER_KEYS = ("kind", "effect", "citation", "adapter", "requester", "from", "to", "markers")
KINDS = ("decision", "event", "heartbeat", "start", "continuation", "end", "checkpoint")
MARKER_KINDS = frozenset({"heartbeat", "start", "continuation", "end", "checkpoint"})
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
    person_key: bytes | None = field(default=None, repr=False)
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


class _Memo:
    """Results computed from one read of the log, keyed by that read's digest (bounded)."""

    def __init__(self, size: int = 64) -> None:
        self._d: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()
        self.size = size

    def get(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._d:
                self._d.move_to_end(key)
                return self._d[key]
        value = make()
        with self._lock:
            self._d[key] = value
            while len(self._d) > self.size:
                self._d.popitem(last=False)
        return value


def half_year(d: date) -> tuple[date, date]:
    return (date(d.year, 1, 1), date(d.year, 6, 30)) if d.month <= 6 else (date(d.year, 7, 1), date(d.year, 12, 31))


def create_app(config: DashboardConfig) -> Starlette:
    from status_guard.policy import load_policy

    policy = load_policy(config.policy_path)
    j: Jurisdiction = jurisdiction_of(policy)
    env = jinja_env()
    env.filters["show"] = j.show
    env.filters["words"] = lambda v: str(v).replace("_", " ")
    started, ready = threading.Event(), threading.Event()  # the start-up check: begun, done
    started_at = [0.0]
    chart_lock = threading.Lock()
    chart_box: OrderedDict[str, ch.Chart] = OrderedDict()

    def chart_src(c: ch.Chart) -> str:
        """A page names its charts by address; the browser fetches each picture apart (/charts/ID.svg), so a
        page is never held up by drawing them. The address is a digest of what the chart shows."""
        with chart_lock:
            chart_box[c.ident] = c
            chart_box.move_to_end(c.ident)
            while len(chart_box) > 256:
                chart_box.popitem(last=False)
        return f"/charts/{c.ident}.svg"

    env.filters["chart_src"] = chart_src
    sessions = _Sessions(config.secret)
    reader = LogReader(config.audit_spec, hmac_key=config.hmac_key, public_key=config.public_key)
    memo = _Memo()
    titles = {k: v.title for k, v in policy.file.scopes.items()}
    hold_labels = {c: hb.label for c, hb in j.hold_bases.items()}
    rule_titles = {r.id: r.title for r in policy.all_rules()}

    # -- derived data (cached per read) --------------------------------------------------------------
    def extends(snap: Snapshot, lineage_seen: int, count: int) -> bool:
        """Whether ``snap`` holds the ``count`` records something was computed from, followed only by appended
        ones (same lineage of reads: the reader verified that the log only grew), however many reads ago."""
        return bool(snap.lineage) and snap.lineage == lineage_seen and count <= len(snap.records)

    index_lock = threading.Lock()
    index_box: list[tuple[int, LogIndex]] = []  # (lineage, index)

    def index(snap: Snapshot) -> LogIndex:
        """The per-day index of this read: extended with the appended records when this read extends
        the one the index was built from, else built again."""
        with index_lock:
            got = index_box[0] if index_box else None
            if got is not None and got[1].generation == snap.generation:
                return got[1]
            if got is not None and extends(snap, got[0], got[1].count):
                idx = got[1]
                idx.add(snap.records[idx.count:])
                idx.generation = snap.generation
                return idx
            idx = build_index(snap.records, j.tz, titles, snap.generation)
            index_box[:] = [(snap.lineage, idx)]
            return idx

    events_lock = threading.Lock()
    # (generation, records seen, event records, lineage): the lineage changes only when the list is collected
    # again from scratch, so (lineage, number of events) names one list of events across reads
    events_box: list[tuple[str, int, list[dict[str, Any]], int, int]] = []  # ..., read lineage
    lineage = [0]

    def event_records(snap: Snapshot) -> list[dict[str, Any]]:
        """The event records of this read — extended with the appended records when this read extends
        the one they were collected from (the ledger then reads thousands of events, not every record)."""
        return _events(snap)[0]

    def _events(snap: Snapshot) -> tuple[list[dict[str, Any]], tuple[int, int]]:
        with events_lock:
            box = events_box[0] if events_box else None
            if box is not None and box[0] == snap.generation:
                return box[2], (box[3], len(box[2]))
            if box is not None and extends(snap, box[4], box[1]):
                new = [r for r in snap.records[box[1]:] if r.get("kind") == "event"]
                evs = box[2] + new if new else box[2]
                line = box[3]
            else:
                evs = [r for r in snap.records if r.get("kind") == "event"]
                lineage[0] += 1
                line = lineage[0]
            events_box[:] = [(snap.generation, len(snap.records), evs, line, snap.lineage)]
            return evs, (line, len(evs))

    def events_key(snap: Snapshot) -> tuple[int, int]:
        """Names the events of this read: unchanged when only decisions and markers were appended, so
        what is computed from events alone (ledger, obligations, event pages) is not computed again."""
        return _events(snap)[1]

    ledger_lock = threading.Lock()
    ledger_box: list[tuple[tuple[int, int], LedgerBuilder]] = []  # (events key, builder)

    def ledger(snap: Snapshot) -> Ledger:
        """The ledger of this read's events: the builder is given only the events appended since (same list of
        events, grown), else built again."""
        evs, (line, n) = _events(snap)
        with ledger_lock:
            got = ledger_box[0] if ledger_box else None
            if got is not None and got[0][0] == line and got[0][1] <= n:
                builder = got[1]
                if got[0][1] < n:
                    builder.add(evs[got[0][1]:n])
            else:
                builder = LedgerBuilder().add(evs[:n])
            ledger_box[:] = [((line, n), builder)]
            return builder.ledger()

    def obligations(snap: Snapshot) -> tuple[list[Any], list[Any]]:
        return memo.get(("obligations", *events_key(snap)), lambda: obligations_from(ledger(snap)))

    matching_lock = threading.Lock()
    matching_box: OrderedDict[tuple[Any, ...], tuple[str, int, list[dict[str, Any]], int]] = OrderedDict()

    def matching(snap: Snapshot, key: tuple[Any, ...], keep: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
        """The records of this read that ``keep`` accepts, in log order. Kept per filter (``key``) and
        extended with the appended records when this read extends the one they were chosen from: a
        filter is applied once to each record, not to all 100 000 on every read."""
        with matching_lock:
            got = matching_box.get(key)
            if got is not None:
                matching_box.move_to_end(key)
        if got is not None and got[0] == snap.generation:
            return got[2]
        if got is not None and extends(snap, got[3], got[1]):
            new = [r for r in snap.records[got[1]:] if keep(r)]
            rows = got[2] + new if new else got[2]
        else:
            rows = [r for r in snap.records if keep(r)]
        with matching_lock:
            matching_box[key] = (snap.generation, len(snap.records), rows, snap.lineage)
            matching_box.move_to_end(key)
            while len(matching_box) > 32:
                matching_box.popitem(last=False)
        return rows

    def booking(ev: Any) -> str | None:
        return booking_words(config.person_key, ev.get("booking_sealed"))

    def default_period(snap: Snapshot | None = None) -> Period:
        a, b, _ = opening_period(snap)
        return Period.parse(a.isoformat(), b.isoformat(), j.tz)

    def opening_period(snap: Snapshot | None) -> tuple[date, date, str]:
        """S08: the period a page opens on when none was chosen — the half-year holding the latest event (so a
        log of January–June entries does not open on an empty July–December), and why, in words."""
        today = j.today()
        a, b = half_year(today)
        days: list[date] = []
        if snap is not None:  # the latest event and the latest refusal, by the local day they occurred
            try:
                latest = max((r.occurred for r in ledger(snap).current if r.occurred is not None), default=None)
                if latest is not None:
                    days.append(latest.astimezone(j.tz).date())
                refused = [d for d, r in index(snap).refusals.items() if r.records or r.monitor]
                if refused:
                    days.append(max(refused))
            except (StatusGuardError, ValueError):
                days = []
        if days:
            day = min(max(days), today)
            la, lb = half_year(day)
            if la != a:
                return la, lb, (f"the half-year of the latest entry in the log ({day.day} {day.strftime('%B %Y')}); "
                                "choose another period below")
        return a, min(b, today), "this half-year, up to today; choose another period below"

    def period_of(request: Request, strict: bool = False, snap: Snapshot | None = None
                  ) -> tuple[Period, dict[str, str]]:
        remembered, _ = chosen_period(request)
        chosen = request.query_params.get("from") or remembered.get("from")
        a, b, why = opening_period(snap if not chosen else None)
        start = request.query_params.get("from") or remembered.get("from") or a.isoformat()
        end = request.query_params.get("to") or remembered.get("to") or b.isoformat()
        if not chosen and not request.query_params.get("to") and not remembered.get("to"):
            request.state.period_note = why
        try:
            p = Period.parse(start, end, j.tz)
        except ReportError as e:
            if strict:  # a download is of the period asked for, or nothing
                raise ReportError(form_words(str(e), fallback=False)) from None
            # the page stays (400), with the form, on the default period, and says what was wrong in the form's words
            request.state.period_error = form_words(str(e))
            p = default_period(snap)
        return p, {"from": p.start.isoformat(), "to": p.end.isoformat()}

    def quick_periods() -> list[tuple[str, dict[str, str]]]:
        today = j.today()
        a, b = half_year(today)
        pa, pb = half_year(a - timedelta(days=1))
        return [("This half-year", {"from": a.isoformat(), "to": min(b, today).isoformat()}),
                ("Last half-year", {"from": pa.isoformat(), "to": pb.isoformat()}),
                ("Last 30 days", {"from": (today - timedelta(days=29)).isoformat(), "to": today.isoformat()}),
                ("This year", {"from": date(today.year, 1, 1).isoformat(), "to": today.isoformat()})]

    def overview_stats(snap: Snapshot, period: Period) -> dict[str, Any]:
        """The overview's figures: refusals from the per-day index (this read), events and obligations
        from the ledger (computed again only when events were appended, or a minute later: "overdue"
        depends on the clock)."""
        def refusals() -> dict[str, Any]:
            refusals_by_clause: Counter[str] = Counter()
            refusals_by_dept: Counter[tuple[str, str]] = Counter()
            by_month: Counter[str] = Counter({m: 0 for m in period.months()})
            refused = monitor = 0
            for day, r in index(snap).refusal_days(period.start, period.end):
                refused += r.records
                monitor += r.monitor
                by_month[f"{day.year:04d}-{day.month:02d}"] += r.records
                for (c, dept), n in r.by_clause_dept.items():
                    refusals_by_clause[c] += n
                    refusals_by_dept[(c, dept)] += n
            return {"refused": refused, "monitor": monitor, "by_month": dict(by_month),
                    "by_clause": refusals_by_clause.most_common(),
                    "by_dept": sorted(refusals_by_dept.items(), key=lambda x: (-x[1], x[0])),
                    "charts": [c for c in (ch.refusals_by_month(dict(by_month)),
                                           ch.refusals_by_clause(dict(refusals_by_clause.most_common(12))))
                               if c is not None]}

        def events(now: datetime) -> dict[str, Any]:
            led = ledger(snap)
            counts: Counter[str] = Counter()
            lodged_by_month: dict[str, Counter[str]] = {m: Counter() for m in period.months()}
            reimb: Counter[str] = Counter()
            coop: dict[str, bool] = {}
            for row in led.current:
                if row.occurred is not None and period.contains(row.occurred):
                    counts[row.type] += 1
                    if row.type in SHORT:
                        lodged_by_month[period.month_of(row.occurred)][row.type] += 1
                    if row.type == EventType.FEDERAL_REIMBURSEMENT.value and row.event.get("amount"):
                        reimb[str(row.event.get("currency") or "USD")] += float(row.event["amount"])
                    if row.type == EventType.ICE_COOPERATION.value and isinstance(row.event.get("case_ref"), str):
                        # the report counts investigations (cases), and only those that can be disclosed
                        case = row.event["case_ref"]
                        coop[case] = coop.get(case, True) and row.event.get("disclosable") is True
            obs, orphans = obligations(snap)
            statuses = Counter(o.status(now) for o in obs)
            late_in_period = sum(1 for o in obs if o.status(now) == "closed_late"
                                 and (t := _t(o.opened_at)) is not None and period.contains(t))
            lodged = ch.lodged_by_month({m: dict(v) for m, v in lodged_by_month.items()}, SHORT)
            return {"events": counts, "overdue": statuses.get("overdue", 0), "open": statuses.get("open", 0),
                    "coop_reported": sum(1 for ok in coop.values() if ok),
                    "coop_withheld": sum(1 for ok in coop.values() if not ok),
                    "late_in_period": late_in_period, "orphans": len(orphans),
                    "reimbursed": ", ".join(money(v, c) for c, v in sorted(reimb.items())) or money(0),
                    "lodged_chart": lodged,
                    "corrections": sum(1 for c in led.corrections
                                       if any(r is not None and r.occurred is not None and period.contains(r.occurred)
                                              for r in (c.target, c.replacement)))}

        now = minute_now()
        a = memo.get((snap.generation, "overview-refusals", period.start, period.end), refusals)
        b = memo.get(("overview-events", *events_key(snap), period.start, period.end, now), lambda: events(now))
        charts = ([b["lodged_chart"]] if b["lodged_chart"] is not None else []) + a["charts"]
        return {**a, **b, "charts": charts}

    def report_of(snap: Snapshot, period: Period) -> tuple[Any, dict[str, Any]]:
        """The 060 report of ``period`` for this read, and its page context. What it counts from events is
        kept until events are appended (or a minute passes: notices fall due); refusals come from the
        per-day index and the verification from this read."""
        now = minute_now()

        def figures() -> Any:
            return event_figures(ledger(snap), period_in_zone(period), now, j, obligations(snap))

        def make() -> tuple[Any, dict[str, Any]]:
            ev = memo.get(("report-events", *events_key(snap), period.start, period.end, now), figures)
            rep = report_for(snap, period, policy, ledger=ledger(snap), index=index(snap), events=ev, now=now)
            return rep, report_context(rep, j)

        return memo.get((snap.generation, "report", period.start, period.end, now), make)

    def period_in_zone(period: Period) -> Period:
        return period if period.tz is not timezone.utc or j.tz_name == "UTC" else Period(
            period.start, period.end, j.tz, period.limit)

    def minute_now() -> datetime:
        """Now, to the minute: what is computed from the clock ("overdue by") is computed once a minute."""
        return datetime.now(timezone.utc).replace(second=0, microsecond=0)

    def page(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        snap = ctx.get("snap")
        period_q, from_address = chosen_period(request)
        if "qs" in ctx and isinstance(ctx["qs"], dict) and ctx["qs"].get("from") and ctx["qs"].get("to"):
            period_q = {"from": ctx["qs"]["from"], "to": ctx["qs"]["to"]}  # the period the page shows
        html = env.get_template(template).render(
            period_error=getattr(request.state, "period_error", None),
            period_note=getattr(request.state, "period_note", None),
            request=request, login=config.password is not None, view=snap.view() if snap is not None else None,
            log_description=snap.description if snap is not None else config.audit_spec, zone=j.tz_name,
            person_key=config.person_key is not None, period_q=period_q, **ctx)
        if status == 200 and getattr(request.state, "period_error", None):
            status = 400  # the request was wrong, though the page (with its form) is shown
        resp = HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
        if from_address and status < 400 and not getattr(request.state, "period_error", None):
            # remember the choice for the menu and the pages without a period
            resp.set_cookie(PERIOD_COOKIE, f"{period_q['from']}_{period_q['to']}", httponly=True, samesite="strict",
                            path="/", max_age=8 * 3600)
        return resp

    def guarded(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def wrapper(request: Request) -> Response:
            if config.password is not None and not sessions.valid(request.cookies.get(COOKIE)):
                return RedirectResponse("/login?" + urlencode({"next": request.url.path}), status_code=303)
            if started.is_set() and not ready.is_set():  # no figure before the log is verified
                resp = page(request, "checking.html", status=503, nav="",
                            elapsed=int(time.monotonic() - started_at[0]))
                resp.headers["Retry-After"] = "3"
                return resp
            try:
                return await handler(request)
            except (StatusGuardError, ReportError, ComplaintError, ValueError) as e:
                return page(request, "error.html", status=400, nav="", message=str(e))

        return wrapper

    async def snapshot() -> Snapshot:
        return await run_in_threadpool(reader.snapshot)

    # -- pages -----------------------------------------------------------------------------------
    async def overview(request: Request) -> Response:
        snap = await snapshot()
        period, qs = period_of(request, snap=snap)
        stats = await run_in_threadpool(overview_stats, snap, period)
        return page(request, "index.html", nav="overview", snap=snap, s=stats, period=period, qs=qs,
                    charts={c.key: c for c in stats["charts"]},
                    quick=quick_periods(), event_titles={t.value: TITLES[t] for t in EventType if t.value != "void"},
                    action="/")

    async def events_page(request: Request) -> Response:
        snap = await snapshot()
        period, qs = period_of(request, snap=snap)
        show_all = request.query_params.get("all") == "1"

        def make() -> dict[str, Any]:
            """The period's events, newest first: which ones, not yet their wording (only a page of them is
            put into words, so a period of thousands of events costs one sort)."""
            led = ledger(snap)
            current = {r.seq for r in led.current}
            rows = [(r, r.seq in current) for r in led.all_events.values()
                    if r.occurred is not None and period.contains(r.occurred) and (show_all or r.seq in current)]
            rows.sort(key=lambda x: (x[0].occurred, x[0].seq), reverse=True)
            corr = [c for c in led.corrections if any(x is not None and x.occurred is not None
                                                      and period.contains(x.occurred) for x in (c.target, c.replacement))]
            return {"rows": rows, "corrections": corr, "superseded_by": led.superseded_by}

        def words(r: Any, is_current: bool, superseded_by: Any) -> dict[str, Any]:
            ev = r.event
            return {"seq": r.seq, "occurred": j.show(r.occurred), "type": r.type,
                    "title": TITLES.get(EventType(r.type), r.type) if r.type in EventType._value2member_map_
                    else r.type, "booking": booking(ev),
                    "detail": _event_detail(ev, hold_labels), "entered": j.show(r.logged_at),
                    "status": "current" if is_current else (
                        "withdrawal" if r.type == "void" else
                        f"replaced by record {superseded_by.get(r.event_id or '', '?')}"),
                    "late_entry": (t := _t(r.logged_at)) is not None and t >= period.end_dt}

        data = await run_in_threadpool(memo.get, ("events", *events_key(snap), period.start, period.end, show_all),
                                      make)
        try:
            pageno = max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            pageno = 1
        size = config.page_size
        rows = data["rows"]
        shown = [words(r, cur, data["superseded_by"]) for r, cur in rows[(pageno - 1) * size: pageno * size]]
        base_q = {**qs, **({"all": "1"} if show_all else {})}
        return page(request, "events.html", nav="events", snap=snap, period=period, qs=qs, quick=quick_periods(),
                    show_all=show_all, type_titles={t.value: TITLES[t] for t in EventType}, action="/events",
                    rows=shown, total=len(rows), page_no=pageno,
                    corrections=data["corrections"],
                    prev_link="/events?" + urlencode({**base_q, "page": pageno - 1}) if pageno > 1 else None,
                    next_link="/events?" + urlencode({**base_q, "page": pageno + 1}) if pageno * size < len(rows)
                    else None)

    async def records(request: Request) -> Response:
        snap = await snapshot()
        q = {k: request.query_params.get(k, "").strip() for k in FILTER_KEYS}
        show_markers = q["markers"] == "1" or q["kind"] in MARKER_KINDS
        since = until = None
        try:
            if q["from"]:
                since = Period.parse(q["from"], q["from"], j.tz).start_dt
            if q["to"]:
                until = Period.parse(q["to"], q["to"], j.tz).end_dt
            if since is not None and until is not None and until <= since:
                raise ReportError("the period ends before it starts (--to is earlier than --from)")
        except ReportError as e:
            request.state.period_error = form_words(str(e))
            since = until = None
            q["from"] = q["to"] = ""
        # the period is when things occurred (as every count on the overview), not when they were written
        flt = Filter.make(kind=q["kind"] or None, effect=q["effect"] or None, citation=q["citation"] or None,
                          adapter=q["adapter"] or None, requester=q["requester"] or None)

        def in_period(r: dict[str, Any]) -> bool:
            if since is None and until is None:
                return True
            t = occurred_time(r)
            return t is not None and (since is None or t >= since) and (until is None or t < until)

        def keep(r: dict[str, Any]) -> bool:
            return flt(r) and in_period(r) and (show_markers or r.get("kind") not in MARKER_KINDS)

        rows = await run_in_threadpool(matching, snap, ("records", flt, since, until, show_markers), keep)
        try:
            pageno = max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            pageno = 1
        size = config.page_size
        # newest first: the page is taken from the end of the matching records (kept in log order)
        hi = max(0, len(rows) - (pageno - 1) * size)
        shown = rows[max(0, hi - size):hi][::-1]
        bad_positions = {p.seq for p in snap.verification.problems if p.seq is not None}
        described = [(r, describe(r, j, booking=booking(r.get("event") or {}) if r.get("kind") == "event" else None,
                                  rule_titles=rule_titles)) for r in shown]
        markers_hidden = 0 if show_markers else len(await run_in_threadpool(
            matching, snap, ("markers",), lambda r: r.get("kind") in MARKER_KINDS))

        def link(n: int) -> str:
            return "/records?" + urlencode({**{k: v for k, v in q.items() if v}, "page": n})

        led = await run_in_threadpool(ledger, snap)
        # a withdrawn or replaced event is listed as such (it is not counted anywhere): event id -> (seq, withdrawn?)
        superseded = {eid: (seq, (x := led.find(seq)) is not None and x.type == "void")
                      for r, _ in described if r.get("kind") == "event" and isinstance(r.get("event"), dict)
                      and (eid := r["event"].get("event_id")) in led.superseded_by
                      for seq in (led.superseded_by[eid],)}
        return page(request, "records.html", nav="records", snap=snap, rows=described, total=len(rows), q=q,
                    superseded=superseded,
                    kinds=KINDS, effects=EFFECTS, page=pageno, show_markers=show_markers,
                    markers_hidden=markers_hidden, prev_link=link(pageno - 1) if pageno > 1 else None,
                    next_link=link(pageno + 1) if pageno * size < len(rows) else None, bad=bad_positions)

    async def record(request: Request) -> Response:
        snap = await snapshot()
        seq = int(request.path_params["seq"])
        rec = snap.by_seq(seq)
        if rec is None:
            return page(request, "error.html", status=404, nav="records", snap=snap,
                        message="No record has that sequence number.")
        try:
            packet = await run_in_threadpool(draft, snap, seq)
        except ComplaintError:
            packet = None
        ev = rec.get("event") if rec.get("kind") == "event" else None
        d = describe(rec, j, booking=booking(ev) if isinstance(ev, dict) else None, hold_labels=hold_labels,
                     rule_titles=rule_titles)
        stored = {k: v for k, v in rec.items() if k != "event"}
        if isinstance(ev, dict):
            stored["event"] = {k: v for k, v in ev.items() if k not in ("person_ref", "booking_sealed")}
        led = ledger(snap)
        eid = ev.get("event_id") if isinstance(ev, dict) else None
        replaced_by = led.superseded_by.get(eid) if eid else None
        replacing = led.find(replaced_by) if replaced_by is not None else None
        return page(request, "record.html", nav="records", snap=snap, rec=rec, d=d, seq=seq, packet=packet,
                    replaced_void=replacing is not None and replacing.type == "void",
                    stored=json.dumps(stored, indent=2, ensure_ascii=False, sort_keys=True), replaced_by=replaced_by,
                    problem=seq in {p.seq for p in snap.verification.problems})

    def draft(snap: Snapshot, seq: int, allegation: str | None = None) -> Any:
        return draft_complaint(snap, seq, policy, allegation=allegation, obligations=obligations(snap)[0])

    async def allegation_of(request: Request) -> str | None:
        """The allegation typed on the complaint page (POST only: it is text about a person, so it never goes
        into an address, the browser's history or the audit log)."""
        if request.method != "POST":
            return None
        form = await request.form(max_files=0, max_fields=4, max_part_size=4 * MAX_ALLEGATION)
        text = form.get("allegation")
        return str(text) if isinstance(text, str) and text.strip() else None

    async def complaint_page(request: Request) -> Response:
        snap = await snapshot()
        seq = int(request.path_params["seq"])
        allegation = await allegation_of(request)
        error = None
        try:
            packet = await run_in_threadpool(draft, snap, seq, allegation)
        except ComplaintError as e:
            if allegation is None:
                raise
            error, packet = str(e), await run_in_threadpool(draft, snap, seq, None)
        body = packet_html(packet, j, standalone=False, allegation_prompt=DASHBOARD_ALLEGATION_PROMPT)
        return page(request, "complaint.html", status=400 if error else 200, nav="records", snap=snap, packet=packet,
                    body=body, seq=seq, allegation=allegation or "", allegation_error=error,
                    max_allegation=MAX_ALLEGATION)

    async def chart_image(request: Request) -> Response:
        with chart_lock:
            c = chart_box.get(request.path_params["ident"])
        if c is None:  # drawn for a page of another run of the dashboard: reload the page
            return Response("This chart is no longer available: reload the page.", status_code=404,
                            media_type="text/plain; charset=utf-8", headers=SECURITY_HEADERS)
        svg = await run_in_threadpool(lambda: c.svg)
        # the address names what the chart shows, so the picture at it never changes
        return Response(svg, media_type="image/svg+xml",
                        headers={**SECURITY_HEADERS, "Cache-Control": "private, max-age=86400, immutable"})

    async def complaint_download(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in ("md", "html", "json"):
            return page(request, "error.html", status=404, nav="", message="There is no page at this address.")
        snap = await snapshot()
        packet = await run_in_threadpool(draft, snap, int(request.path_params["seq"]), await allegation_of(request))
        text, media = {"md": (lambda: packet_markdown(packet, j), "text/markdown; charset=utf-8"),
                       "html": (lambda: packet_html(packet, j), "text/html; charset=utf-8"),
                       "json": (lambda: packet_json(packet), "application/json")}[fmt]
        return Response(text(), media_type=media,
                        headers={**SECURITY_HEADERS, "Content-Disposition":
                                 f'attachment; filename="complaint-record-{packet.record_seq}.{fmt}"'})

    async def obligations_page(request: Request) -> Response:
        snap = await snapshot()
        show_all = request.query_params.get("all") == "1"
        now = datetime.now(timezone.utc)
        obs, _ = await run_in_threadpool(obligations, snap)
        rows = by_status(obs, now, include_closed=show_all)
        try:
            pageno = max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            pageno = 1
        size = config.page_size
        out = [{"o": o, "status": s, "words": STATUS_WORDS[s], "late": o.late_words(now),
                "booking": booking_words(config.person_key, o.booking_sealed)}
               for o, s in rows[(pageno - 1) * size: pageno * size]]
        key_warning = KEY_MISMATCH_WARNING if key_matches_none(config.person_key, (o.booking_sealed for o in obs)) \
            else None
        base_q = {**chosen_period(request)[0], **({"all": "1"} if show_all else {})}  # paging keeps the period
        return page(request, "obligations.html", nav="obligations", snap=snap, rows=out, show_all=show_all,
                    key_warning=key_warning,
                    total=len(rows), page_no=pageno,
                    prev_link="/obligations?" + urlencode({**base_q, "page": pageno - 1}) if pageno > 1 else None,
                    next_link="/obligations?" + urlencode({**base_q, "page": pageno + 1}) if pageno * size < len(rows)
                    else None)

    async def report_page(request: Request) -> Response:
        snap = await snapshot()
        period, qs = period_of(request, snap=snap)

        rep, ctx = await run_in_threadpool(report_of, snap, period)
        downloads = [(fmt.upper(), "/report/download?" + urlencode({**qs, "format": fmt})) for fmt in FORMATS]
        return page(request, "report.html", nav="report", snap=snap, r=rep, downloads=downloads, qs=qs,
                    quick=quick_periods(), period=period, action="/report", **ctx)

    async def report_download(request: Request) -> Response:
        fmt = request.query_params.get("format", "pdf")
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}")
        period, _ = period_of(request, strict=True)
        snap = await snapshot()
        rep = await run_in_threadpool(report_of, snap, period)
        data = await run_in_threadpool(render, rep[0], fmt)
        name = f"semiannual-{period.start.isoformat()}-{period.end.isoformat()}.{fmt}"
        return Response(data, media_type=MEDIA_TYPES[fmt],
                        headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"',
                                 "X-Log-Verified": "yes" if rep[0].verified else "no"})

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
        Route("/events", guarded(events_page)),
        Route("/records", guarded(records)),
        Route("/records/{seq:int}", guarded(record)),
        Route("/records/{seq:int}/complaint", guarded(complaint_page), methods=["GET", "POST"]),
        Route("/records/{seq:int}/complaint.{fmt:str}", guarded(complaint_download), methods=["GET", "POST"]),
        Route("/obligations", guarded(obligations_page)),
        Route("/charts/{ident:str}.svg", guarded(chart_image)),
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

    def warm() -> Snapshot:
        """Verify the whole log once and build what pages count from, before the first request."""
        snap = reader.snapshot()
        index(snap)
        obligations(snap)
        ch.warm()
        for name in env.list_templates(extensions=["html"]):  # compiled now, not during a first page
            env.get_template(name)
        # the default period's pages, so the first request of each is served from memory
        for fill in (lambda: overview_stats(snap, default_period(snap)), lambda: report_of(snap, default_period(snap))):
            try:
                fill()
            except (StatusGuardError, ReportError, ValueError):
                pass
        settle()  # the read itself collected everything
        return snap

    def warm_in_background(done: Callable[[Snapshot | None, BaseException | None], None] | None = None
                           ) -> threading.Thread:
        """Start listening at once and verify in the background: until the check is done, every page says
        the log is being checked (503, reloading itself) and shows no figure."""
        started_at[0] = time.monotonic()
        started.set()

        def run() -> None:
            snap: Snapshot | None = None
            error: BaseException | None = None
            try:
                snap = warm()
            except BaseException as e:  # noqa: BLE001 - pages then show the error themselves
                error = e
            finally:
                ready.set()
            if done is not None:
                done(snap, error)

        t = threading.Thread(target=run, name="status-guard-dashboard-warm", daemon=True)
        t.start()
        return t

    app = Starlette(routes=routes, exception_handlers={404: not_found})
    app.state.reader = reader
    app.state.warm = warm
    app.state.warm_in_background = warm_in_background
    app.state.ready = ready
    return app


def form_words(message: str, fallback: bool = True) -> str:
    """A period error in the words of the dashboard's form (its fields), not the command line's flags."""
    text = (message.replace("(--to is earlier than --from)", "(“To” is earlier than “From”)")
            .replace("--from", "“From (first day)”").replace("--to", "“To (last day)”").rstrip("."))
    return text + (". The page shows the default period instead; correct the dates above." if fallback else ".")


def _t(value: Any) -> datetime | None:
    from ..jurisdiction import parse_stored

    return parse_stored(value) if isinstance(value, str) else None


def _event_detail(ev: Any, hold_labels: dict[str, str]) -> str:
    parts = []
    if ev.get("case_ref"):
        parts.append(f"case {ev['case_ref']}")
    if ev.get("amount"):
        parts.append(money(ev["amount"], str(ev.get("currency") or "USD")))
    if "disclosable" in ev:
        parts.append("can be disclosed" if ev["disclosable"] else "cannot be publicly disclosed")
    if ev.get("state"):
        parts.append("in custody" if ev["state"] == "in_custody" else "not in custody")
    if ev.get("hold_basis"):
        parts.append("basis: " + "; ".join(hold_labels.get(b, b) for b in ev["hold_basis"]))
    if ev.get("obligation_ref"):
        parts.append(f"040(g) {ev['obligation_ref']}")
    if ev.get("corrects"):
        parts.append(f"corrects record {ev.get('related_seq', '?')}")
    if ev.get("department"):
        parts.append(str(ev["department"]))
    return "; ".join(parts)

