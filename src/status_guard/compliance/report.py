"""The 2.129.060 semiannual report: figures computed from one verified read of the audit log.

(a) ICE detainer requests, ICE holds, administrative warrants and notification requests lodged;
(b) individuals detained on an ICE hold; (c) individuals transferred to ICE custody;
(d) federal reimbursements by case; (e) investigations with cooperation or information given to
ICE, excluding those that cannot be publicly disclosed (their number is stated);
plus what the guard refused in the period, by clause and department.

Events count in the period in which they occurred (``occurred_at``; the log time when absent);
refusals in the period in which they were logged. Individuals are counted by pseudonymous
reference, so a person detained twice is one individual. The report holds counts, case references
and amounts only: no person reference, field value or free text ever reaches it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from .events import LODGED_TYPES, TITLES, EventType, event_of, parse_when
from .source import Snapshot

DEFAULT_MAX_QUIET = timedelta(hours=25)  # a daily heartbeat plus slack


class ReportError(ValueError):
    """The report cannot be computed (bad period)."""


@dataclass(frozen=True)
class Period:
    """Whole days, ``start`` and ``end`` inclusive, in UTC."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ReportError("the period ends before it starts (--to is earlier than --from)")
        if (self.end - self.start).days > 800:
            raise ReportError("the period is longer than 800 days; a semiannual report covers six months")

    @classmethod
    def parse(cls, start: str | date, end: str | date) -> Period:
        def one(v: str | date, what: str) -> date:
            if isinstance(v, datetime):
                return v.date()
            if isinstance(v, date):
                return v
            try:
                return date.fromisoformat(str(v).strip())
            except ValueError:
                raise ReportError(f"{what} must be a date YYYY-MM-DD") from None

        return cls(one(start, "--from"), one(end, "--to"))

    @property
    def start_dt(self) -> datetime:
        return datetime(self.start.year, self.start.month, self.start.day, tzinfo=timezone.utc)

    @property
    def end_dt(self) -> datetime:
        """Exclusive end: midnight after the last day."""
        return datetime(self.end.year, self.end.month, self.end.day, tzinfo=timezone.utc) + timedelta(days=1)

    def contains(self, dt: datetime) -> bool:
        return self.start_dt <= dt < self.end_dt

    def months(self) -> list[str]:
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def label(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


@dataclass(frozen=True)
class CaseReimbursement:
    case_ref: str
    currency: str
    total: Decimal
    payments: int


@dataclass(frozen=True)
class RefusalCount:
    citation: str
    department: str
    count: int


@dataclass(frozen=True)
class Coverage:
    """What the log proves about the period: its records, heartbeats and the longest silence."""

    records: int
    heartbeats: int
    first_time: str | None
    last_time: str | None
    longest_quiet_hours: float
    quiet_from: str
    quiet_to: str
    max_quiet_hours: float

    @property
    def complete(self) -> bool:
        """True when no silence in the period is longer than the heartbeat allowance."""
        return self.longest_quiet_hours <= self.max_quiet_hours


@dataclass(frozen=True)
class SemiannualReport:
    period: Period
    generated_at: str
    log_description: str
    verified: bool
    verification_problems: tuple[str, ...]
    verification_warnings: tuple[str, ...]
    verified_count: int
    metadata: Mapping[str, str]
    lodged: Mapping[str, int]                      # (a) event type -> count
    lodged_by_month: Mapping[str, Mapping[str, int]]
    detained_individuals: int                      # (b)
    detained_events: int
    transferred_individuals: int                   # (c)
    transfer_events: int
    reimbursements: tuple[CaseReimbursement, ...]  # (d)
    reimbursement_totals: Mapping[str, Decimal]
    cooperation_investigations: int                # (e) disclosable
    cooperation_withheld: int                      # (e) not publicly disclosable (count only)
    refusals: tuple[RefusalCount, ...]
    refusals_total: int
    refusals_monitor: int                          # monitor mode: would have been refused
    refusals_by_month: Mapping[str, int]
    coverage: Coverage
    problems_in_events: int = 0                    # event records that could not be counted
    integrity_basis: str = ""                      # what the verification rests on (key, signatures, or neither)
    tamper_evident: bool = False                   # True only with an HMAC key or verified signed checkpoints
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def lodged_total(self) -> int:
        return sum(self.lodged.values())

    def figures(self) -> list[tuple[str, str, str]]:
        """(clause, label, value) rows: the report's core table, shared by every format."""
        rows: list[tuple[str, str, str]] = []
        for t in LODGED_TYPES:
            rows.append(("060(a)", TITLES[t], str(self.lodged.get(t.value, 0))))
        rows.append(("060(a)", "Total lodged", str(self.lodged_total)))
        rows.append(("060(b)", "Individuals detained on an ICE hold", str(self.detained_individuals)))
        rows.append(("060(c)", "Individuals transferred to ICE custody", str(self.transferred_individuals)))
        if self.reimbursement_totals:
            for cur, total in sorted(self.reimbursement_totals.items()):
                rows.append(("060(d)", f"Federal reimbursements received ({cur})", f"{total:.2f}"))
        else:
            rows.append(("060(d)", "Federal reimbursements received", "0.00"))
        rows.append(("060(e)", "Investigations with cooperation or information given to ICE (disclosable)",
                     str(self.cooperation_investigations)))
        rows.append(("060(e)", "Such investigations not counted because they cannot be publicly disclosed",
                     str(self.cooperation_withheld)))
        rows.append(("guard", "Attempts refused by the guard", str(self.refusals_total)))
        return rows


def _when(rec: Mapping[str, Any], ev: Mapping[str, Any] | None) -> datetime | None:
    raw = ev.get("occurred_at") if ev is not None else None
    if not isinstance(raw, str):
        raw = rec.get("time")
    if not isinstance(raw, str):
        return None
    try:
        return parse_when(raw)
    except ValueError:
        return None


def _log_time(rec: Mapping[str, Any]) -> datetime | None:
    t = rec.get("time")
    try:
        return parse_when(t) if isinstance(t, str) else None
    except ValueError:
        return None


def _department(rec: Mapping[str, Any], scope_titles: Mapping[str, str]) -> str:
    dept = rec.get("department")
    if isinstance(dept, str) and dept:
        return dept
    scope = rec.get("scope")
    if isinstance(scope, str):
        return scope_titles.get(scope, scope)
    return "unspecified"


def _coverage(records: Iterable[Mapping[str, Any]], period: Period, now: datetime,
              max_quiet: timedelta) -> Coverage:
    end = min(period.end_dt, max(now, period.start_dt))
    times = sorted(t for t in (_log_time(r) for r in records) if t is not None and period.contains(t))
    heartbeats = sum(1 for r in records if r.get("kind") == "heartbeat" and (t := _log_time(r)) is not None
                     and period.contains(t))
    points = [period.start_dt, *times, end]
    best = (timedelta(0), period.start_dt, period.start_dt)
    for a, b in zip(points, points[1:]):
        if b - a > best[0]:
            best = (b - a, a, b)
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    return Coverage(
        records=len(times), heartbeats=heartbeats,
        first_time=times[0].strftime(fmt) if times else None,
        last_time=times[-1].strftime(fmt) if times else None,
        longest_quiet_hours=round(best[0].total_seconds() / 3600, 1),
        quiet_from=best[1].strftime(fmt), quiet_to=best[2].strftime(fmt),
        max_quiet_hours=round(max_quiet.total_seconds() / 3600, 1),
    )


def compute_semiannual(snapshot: Snapshot, period: Period, *, metadata: Mapping[str, Any] | None = None,
                       scope_titles: Mapping[str, str] | None = None, now: datetime | None = None,
                       max_quiet: timedelta = DEFAULT_MAX_QUIET) -> SemiannualReport:
    """Compute every 2.129.060 figure for ``period`` from ``snapshot`` (one verified read)."""
    now = now or datetime.now(timezone.utc)
    scope_titles = scope_titles or {}
    months = period.months()
    lodged: Counter[str] = Counter()
    lodged_by_month: dict[str, Counter[str]] = {m: Counter() for m in months}
    detained: set[str] = set()
    detained_events = 0
    transferred: set[str] = set()
    transfer_events = 0
    reimb: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    coop: dict[str, bool] = {}  # case -> all parts disclosable
    refusals: Counter[tuple[str, str]] = Counter()
    refusals_total = 0
    refusals_monitor = 0
    refusals_by_month: Counter[str] = Counter({m: 0 for m in months})
    uncountable = 0
    lodged_values = {t.value for t in LODGED_TYPES}

    seen_events: set[str] = set()
    duplicates = 0
    for rec in snapshot.records:
        kind = rec.get("kind")
        if kind == "event":
            ev = event_of(rec)
            when = _when(rec, ev)
            if ev is None or when is None:
                uncountable += 1
                continue
            eid = ev.get("event_id")
            if isinstance(eid, str):
                # each event id is drawn at random once: a second record with it is a copy, never a
                # second event, and must not inflate a figure
                if eid in seen_events:
                    duplicates += 1
                    continue
                seen_events.add(eid)
            if not period.contains(when):
                continue
            etype = ev.get("type")
            person = ev.get("person_ref")
            if etype in lodged_values:
                lodged[etype] += 1
                lodged_by_month[when.strftime("%Y-%m")][etype] += 1
            elif etype == EventType.DETAINED_ON_ICE_HOLD.value:
                detained_events += 1
                if isinstance(person, str):
                    detained.add(person)
                else:
                    uncountable += 1
            elif etype == EventType.TRANSFERRED_TO_ICE.value:
                transfer_events += 1
                if isinstance(person, str):
                    transferred.add(person)
                else:
                    uncountable += 1
            elif etype == EventType.FEDERAL_REIMBURSEMENT.value:
                case, raw = ev.get("case_ref"), ev.get("amount")
                try:
                    amount = Decimal(str(raw))
                except (InvalidOperation, ValueError):
                    uncountable += 1
                    continue
                if not isinstance(case, str) or not amount.is_finite():
                    uncountable += 1
                    continue
                reimb[(case, str(ev.get("currency") or "USD"))].append(amount)
            elif etype == EventType.ICE_COOPERATION.value:
                case, disc = ev.get("case_ref"), ev.get("disclosable")
                if not isinstance(case, str):
                    uncountable += 1
                    continue
                # fail closed: anything not explicitly disclosable keeps the whole case out
                coop[case] = coop.get(case, True) and disc is True
        elif kind == "decision" and rec.get("effect") == "block":
            t = _log_time(rec)
            if t is None or not period.contains(t):
                continue
            if rec.get("monitor") is True:
                refusals_monitor += 1
                continue
            refusals_total += 1
            refusals_by_month[t.strftime("%Y-%m")] += 1
            dept = _department(rec, scope_titles)
            cites = [c for c in rec.get("citations") or () if isinstance(c, str)] or ["uncited"]
            for c in cites:
                refusals[(c, dept)] += 1

    cases = tuple(sorted(
        (CaseReimbursement(case, cur, sum(vals, Decimal("0")).quantize(Decimal("0.01")), len(vals))
         for (case, cur), vals in reimb.items()), key=lambda c: (c.currency, c.case_ref)))
    totals: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for c in cases:
        totals[c.currency] += c.total
    v = snapshot.verification
    notes: list[str] = []
    if duplicates:
        notes.append(f"{duplicates} event record(s) repeat the event id of an earlier record (a copied record) "
                     "and are counted once.")
    if uncountable:
        notes.append(f"{uncountable} event record(s) in the log lack a field needed to count them and are "
                     "not in the figures.")
    return SemiannualReport(
        period=period,
        generated_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        log_description=snapshot.description,
        verified=v.ok,
        verification_problems=tuple(f"{p.kind} at {p.seq if p.seq is not None else p.line}: {p.message}"
                                    for p in v.problems),
        verification_warnings=tuple(v.warnings),
        verified_count=v.count,
        metadata={k: str(val) for k, val in (metadata or {}).items() if isinstance(val, (str, int))},
        lodged={t.value: lodged.get(t.value, 0) for t in LODGED_TYPES},
        lodged_by_month={m: {t.value: lodged_by_month[m].get(t.value, 0) for t in LODGED_TYPES} for m in months},
        detained_individuals=len(detained), detained_events=detained_events,
        transferred_individuals=len(transferred), transfer_events=transfer_events,
        reimbursements=cases, reimbursement_totals=dict(totals),
        cooperation_investigations=sum(1 for ok in coop.values() if ok),
        cooperation_withheld=sum(1 for ok in coop.values() if not ok),
        refusals=tuple(RefusalCount(c, d, n) for (c, d), n in sorted(refusals.items(), key=lambda x: (-x[1], x[0]))),
        refusals_total=refusals_total, refusals_monitor=refusals_monitor,
        refusals_by_month=dict(refusals_by_month),
        coverage=_coverage(snapshot.records, period, now, max_quiet),
        problems_in_events=uncountable,
        notes=tuple(notes),
        integrity_basis=v.integrity_basis,
        tamper_evident=v.tamper_evident,
    )


def report_for(snapshot: Snapshot, period: Period, policy: Any = None, **kw: Any) -> SemiannualReport:
    """``compute_semiannual`` with the report metadata and scope titles taken from a policy."""
    meta: Mapping[str, Any] = {}
    titles: dict[str, str] = {}
    if policy is not None:
        f = getattr(policy, "file", policy)
        meta = (getattr(f, "departments", {}) or {}).get("report", {}) or {}
        for sid, s in (getattr(f, "scopes", {}) or {}).items():
            titles[sid] = getattr(s, "title", None) or sid
        meta = {**meta, "policy": f"{getattr(f, 'id', '')} {getattr(f, 'version', '')}".strip(),
                "jurisdiction": getattr(f, "jurisdiction", "") or ""}
    return compute_semiannual(snapshot, period, metadata=meta, scope_titles=titles, **kw)
