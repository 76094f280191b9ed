"""The 2.129.060 semiannual report: figures computed from one verified read of the audit log.

(a) ICE detainer requests, ICE holds, administrative warrants and notification requests lodged;
(b) individuals detained on an ICE hold; (c) individuals transferred to ICE custody;
(d) federal reimbursements by case; (e) investigations with cooperation or information given to
ICE, excluding those that cannot be publicly disclosed (their number is stated);
plus the 040(g) notices owed and given, what the guard refused, and every correction.

Counting rules (each a test in ``tests/compliance``):
* facts are counted as they stand after corrections (:mod:`.ledger`): a voided event counts
  nowhere, a corrected one once, as corrected;
* events and refused events count in the period in which they **occurred**, not when they were
  typed; other refusals when they were logged;
* periods are whole calendar days in the jurisdiction's time zone (the pack's
  ``compliance.time_zone``), ``--to`` inclusive; months likewise;
* individuals are counted by pseudonymous reference, so a person detained twice is one individual.
The report holds counts, case references and amounts only: no person reference, local id, field
value or free text ever reaches it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from .events import LODGED_TYPES, TITLES, EventType
from .identifiers import same_id
from .index import LogIndex, build_index, epoch_to_iso
from .jurisdiction import Jurisdiction, jurisdiction_of, parse_stored
from .ledger import Correction, EventRow, Ledger, ledger_of
from .obligations import Obligation, obligations_from
from .source import Snapshot
from .verification import VerificationView, view_of

DEFAULT_MAX_QUIET = timedelta(hours=25)  # a daily heartbeat plus slack
UTC = timezone.utc


class ReportError(ValueError):
    """The report cannot be computed (bad period)."""


def _date_problem(flag: str, text: str) -> str:
    """Why ``text`` is not a date: a day that does not exist (2026-02-30) is named as such, not as bad syntax."""
    import calendar
    import re

    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        y, mo, d = (int(x) for x in m.groups())
        if not 1 <= mo <= 12:
            return f"{flag} {text}: there is no month {mo}; the month is 01 to 12 (YYYY-MM-DD)"
        if y >= 1:
            last = calendar.monthrange(y, mo)[1]
            month = date(y, mo, 1).strftime("%B %Y")
            return (f"{flag} {text}: that date does not exist ({month} has {last} days; the last day is "
                    f"{y:04d}-{mo:02d}-{last:02d})")
    return f"{flag} {text[:40]!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-01-01"


@dataclass(frozen=True)
class Period:
    """Whole calendar days, ``start`` and ``end`` inclusive, in the time zone ``tz`` (UTC by default)."""

    start: date
    end: date
    tz: tzinfo = UTC
    limit: bool = field(default=True, compare=False, repr=False)  # a report period is at most 800 days

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ReportError("the period ends before it starts (--to is earlier than --from)")
        if self.limit and (self.end - self.start).days > 800:
            raise ReportError("the period is longer than 800 days; a semiannual report covers six months")

    @classmethod
    def parse(cls, start: str | date, end: str | date, tz: tzinfo = UTC, *, limit: bool = True) -> Period:
        def one(v: str | date, what: str) -> date:
            if isinstance(v, datetime):
                return v.date()
            if isinstance(v, date):
                return v
            text = str(v).strip()
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise ReportError(_date_problem(what, text)) from None

        return cls(one(start, "--from"), one(end, "--to"), tz, limit)

    @cached_property
    def start_dt(self) -> datetime:
        return datetime.combine(self.start, time(0), tzinfo=self.tz).astimezone(UTC)

    @cached_property
    def end_dt(self) -> datetime:
        """Exclusive end: midnight (local) after the last day, in UTC."""
        return datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=self.tz).astimezone(UTC)

    def contains(self, dt: datetime) -> bool:
        return self.start_dt <= dt < self.end_dt

    def month_of(self, dt: datetime) -> str:
        loc = dt.astimezone(self.tz)
        return f"{loc.year:04d}-{loc.month:02d}"

    def months(self) -> list[str]:
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    @property
    def zone_name(self) -> str:
        return getattr(self.tz, "key", None) or ("UTC" if self.tz is UTC else str(self.tz))

    def label(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    def words(self) -> str:
        """'January 1 to June 30, 2026'."""
        def d(x: date, year: bool) -> str:
            return f"{x.strftime('%B')} {x.day}" + (f", {x.year}" if year else "")

        return f"{d(self.start, self.start.year != self.end.year)} to {d(self.end, True)}"


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
    """What the log proves about the period: its records, heartbeats and the longest silence.

    Coverage is about the log's own records (written as things happen: heartbeats, decisions, the
    moment an event was entered), not about when events occurred: an event entered after the fact
    is counted in the period it occurred in, and ``entered_after`` says how many were."""

    records: int
    heartbeats: int
    first_time: str | None
    last_time: str | None
    longest_quiet_hours: float
    quiet_from: str
    quiet_to: str
    max_quiet_hours: float
    entered_after: int = 0          # events of the period entered after the period ended
    latest_entry: str | None = None

    @property
    def complete(self) -> bool:
        """True when no silence in the period is longer than the heartbeat allowance."""
        return self.records > 0 and self.longest_quiet_hours <= self.max_quiet_hours


@dataclass(frozen=True)
class NoticeSummary:
    """2.129.040(g): obligations opened in the period and what became of them (at report time)."""

    opened: int
    on_time: int
    late: int
    open_now: int
    overdue_now: int
    late_rows: tuple[tuple[str, str], ...]       # (obligation ref, how late in words)
    worst_late: str | None
    rows: tuple[NoticeRow, ...] = ()             # every obligation opened in the period, in words


@dataclass(frozen=True)
class NoticeRow:
    """One 040(g) obligation as a person reads it: what was received and when, when the copy was due
    (the department's deadline) and given, in the jurisdiction's time zone, and the result in words."""

    ref: str            # the obligation reference (CSV/JSON only; people read the times and the words)
    what: str           # "ICE detainer request" / "ICE administrative warrant"
    received: str       # '2026-04-20 10:00 EDT'
    due: str
    given: str          # '' when not given
    status: str         # closed | closed_late | overdue | open
    late_by: str | None  # '1 day 6 h'
    late_by_seconds: int | None
    result: str         # 'given late, by 1 day 6 h'
    # the notice is dated before the detainer or warrant it answers (a correction moved the detainer past it):
    # counted as given, and marked, never silently "given on time" (w16e F13)
    dated_before_receipt: bool = False


NOTICE_WHAT = {"detainer_request": "ICE detainer request", "administrative_warrant": "ICE administrative warrant"}


@dataclass(frozen=True)
class CorrectionRow:
    seq: int
    entered: str
    action: str
    event_type: str
    target_seq: int | None
    reason: str
    changed: tuple[str, ...]
    # what changed from what to what, for the facts that are not about a person (amount 31.75 → 317.50): the
    # Clerk sees the size of a correction (w16d S9); person and booking stay names only
    changes: tuple[str, ...] = ()


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
    verification: VerificationView | None = None
    notices: NoticeSummary | None = None
    corrections: tuple[CorrectionRow, ...] = ()
    refusals_by_clause: Mapping[str, int] = field(default_factory=dict)
    log_kind: str = ""
    log_id: str | None = None
    policy_hash: str = ""

    @property
    def lodged_total(self) -> int:
        return sum(self.lodged.values())

    @property
    def zone(self) -> str:
        return self.period.zone_name

    def figures(self) -> list[tuple[str, str, str]]:
        """(clause, label, value) rows: the report's core table, shared by every format."""
        from .money import money

        rows: list[tuple[str, str, str]] = []
        for t in LODGED_TYPES:
            rows.append(("060(a)", TITLES[t], str(self.lodged.get(t.value, 0))))
        rows.append(("060(a)", "Total lodged", str(self.lodged_total)))
        rows.append(("060(b)", "Individuals detained on an ICE hold", str(self.detained_individuals)))
        rows.append(("060(c)", "Individuals transferred to ICE custody", str(self.transferred_individuals)))
        if self.reimbursement_totals:
            for cur, total in sorted(self.reimbursement_totals.items()):
                rows.append(("060(d)", f"Federal reimbursements received ({cur})", money(total, cur)))
        else:
            rows.append(("060(d)", "Federal reimbursements received", money(Decimal("0"), "USD")))
        rows.append(("060(e)", "Investigations with cooperation or information given to ICE (disclosable)",
                     str(self.cooperation_investigations)))
        rows.append(("060(e)", "Such investigations not counted because they cannot be publicly disclosed",
                     str(self.cooperation_withheld)))
        if self.notices is not None:
            rows.append(("040(g)", "Notices owed to people in custody (obligations opened)", str(self.notices.opened)))
            rows.append(("040(g)", "Notices given late", str(self.notices.late)))
        rows.append(("guard", "Attempts refused by the guard", str(self.refusals_total)))
        return rows


def _coverage(idx: LogIndex, period: Period, now: datetime, max_quiet: timedelta,
              entered_after: int, latest_entry: datetime | None) -> Coverage:
    end = min(period.end_dt, max(now, period.start_dt))
    lo, hi = idx.times_between(period.start_dt, period.end_dt)
    times = idx.times
    prev = period.start_dt.timestamp()
    best, best_a, best_b = 0.0, prev, prev
    for i in range(lo, hi):
        t = times[i]
        if t - prev > best:
            best, best_a, best_b = t - prev, prev, t
        prev = t
    last = end.timestamp()
    if last - prev > best:
        best, best_a, best_b = last - prev, prev, last
    return Coverage(
        records=hi - lo, heartbeats=idx.heartbeats_between(period.start_dt, period.end_dt),
        first_time=epoch_to_iso(times[lo]) if hi > lo else None,
        last_time=epoch_to_iso(times[hi - 1]) if hi > lo else None,
        longest_quiet_hours=round(best / 3600, 1), quiet_from=epoch_to_iso(best_a), quiet_to=epoch_to_iso(best_b),
        max_quiet_hours=round(max_quiet.total_seconds() / 3600, 1),
        entered_after=entered_after, latest_entry=latest_entry.strftime("%Y-%m-%dT%H:%M:%SZ") if latest_entry else None,
    )


def _notice_row(ob: Obligation, status: str, now: datetime, j: Jurisdiction) -> NoticeRow:
    from .jurisdiction import duration_words

    lat = ob.lateness(now)
    words = duration_words(lat) if lat is not None else None
    result = {
        "closed_on_time": "given on time",
        "closed_late": f"given late, by {words}",
        "overdue": f"NOT GIVEN: overdue by {words} on {j.show(now)}, when this report was made",
        "open": f"not yet given; not yet due on {j.show(now)}",
    }[status]
    given, received = parse_stored(ob.closed_at or ""), parse_stored(ob.opened_at)
    early = ob.closed_seq is not None and given is not None and received is not None and given < received
    if early:
        what = NOTICE_WHAT.get(ob.opened_by, ob.opened_by.replace("_", " "))
        result += (f" — CHECK: the notice is dated before the {what} was received (record {ob.closed_seq}); "
                   "one of the two times is wrong")
    return NoticeRow(ob.ref, NOTICE_WHAT.get(ob.opened_by, ob.opened_by.replace("_", " ")), j.show(ob.opened_at),
                     j.show(ob.due_at) if ob.due_at else "no deadline set", j.show(ob.closed_at) if ob.closed_at
                     else "", status, words, int(lat.total_seconds()) if lat is not None else None, result, early)


def _notices(obligations: list[Obligation], period: Period, now: datetime, j: Jurisdiction | None = None
             ) -> NoticeSummary:
    from .jurisdiction import duration_words

    j = j or Jurisdiction()
    opened = on_time = late = open_now = overdue_now = 0
    late_rows: list[tuple[str, str]] = []
    rows: list[NoticeRow] = []
    worst: timedelta | None = None
    for ob in sorted(obligations, key=lambda o: (o.opened_at, o.opened_seq)):
        at = parse_stored(ob.opened_at)
        if at is None or not period.contains(at):
            continue
        opened += 1
        status = ob.status(now)
        rows.append(_notice_row(ob, status, now, j))
        if status == "closed_on_time":
            on_time += 1
        elif status == "closed_late":
            late += 1
            lat = ob.lateness(now)
            if lat is not None:
                late_rows.append((ob.ref, duration_words(lat)))
                worst = lat if worst is None or lat > worst else worst
        elif status == "overdue":
            overdue_now += 1
        else:
            open_now += 1
    return NoticeSummary(opened, on_time, late, open_now, overdue_now, tuple(late_rows),
                         duration_words(worst) if worst is not None else None, tuple(rows))


def _correction_rows(corrections: Iterable[Correction], period: Period, j: Jurisdiction) -> tuple[CorrectionRow, ...]:
    rows = []
    for c in corrections:
        touched = [r.occurred for r in (c.target, c.replacement, c.restored) if r is not None]
        if not any(t is not None and period.contains(t) for t in touched):
            continue
        if c.restored is not None:
            # a correction withdrawn: the record it replaced counts again, and the Clerk sees what that changed
            # back (amount 200.00 → 100.00) -- never a fact silently gone (w16e F09)
            back = _change_words(Correction(c.seq, c.logged_at, "correct", c.reason_code, c.target_id, c.target,
                                            c.restored, c.changed), j)
            rows.append(CorrectionRow(c.seq, j.show(c.logged_at),
                                      f"correction withdrawn: record {c.restored.seq} counts again as first recorded",
                                      c.target.type if c.target else "?", c.target.seq if c.target else None,
                                      c.reason, c.changed, back))
            continue
        rows.append(CorrectionRow(c.seq, j.show(c.logged_at), "withdrawn" if c.action == "void" else "corrected",
                                  c.target.type if c.target else "?", c.target.seq if c.target else None,
                                  c.reason, c.changed, _change_words(c, j)))
    return tuple(rows)


_SHOWN_VALUES = {"amount": "amount", "currency": "currency", "case_ref": "case", "occurred_at": "date/time",
                 "department": "department", "hold_basis": "hold basis", "state": "custody status",
                 "disclosable": "disclosable"}


def _change_words(c: Correction, j: Jurisdiction) -> tuple[str, ...]:
    if c.target is None or c.replacement is None:
        return ()
    old, new = c.target.event, c.replacement.event
    out = []
    for word in c.changed:
        key = next((k for k, w in _SHOWN_VALUES.items() if w == word), None)
        if key is None:
            out.append(word)  # the person or the booking: never a value
            continue

        def show(v: Any, k: str = key) -> str:
            if v is None or v == "":
                return "none"
            if k == "occurred_at":
                return str(j.show(v))
            if isinstance(v, list):
                return "; ".join(map(str, v))
            if isinstance(v, bool):
                return "yes" if v else "no"
            return str(v).replace("_", " ")

        out.append(f"{word} {show(old.get(key))} → {show(new.get(key))}")
    return tuple(out)


@dataclass(frozen=True)
class EventFigures:
    """What the report counts from the events alone (the ledger) for one period at one time: computed
    again only when events were appended (the dashboard keeps it between reads that add decisions)."""

    lodged: Counter[str]
    lodged_by_month: dict[str, Counter[str]]
    detained: frozenset[str]
    detained_events: int
    transferred: frozenset[str]
    transfer_events: int
    reimb: dict[tuple[str, str], list[Decimal]]
    coop: dict[str, bool]
    uncountable: int
    entered_after: int
    latest_entry: datetime | None
    notices: NoticeSummary
    corrections: tuple[CorrectionRow, ...]
    orphans: int
    duplicates: int
    conflicts: tuple[int, ...]
    person_keys: int = 0   # person keys the period's people were recorded under (>1: 060(b) may count twice)


def event_figures(ledger: Ledger, period: Period, now: datetime, j: Jurisdiction,
                  obligations: tuple[list[Obligation], list[Any]] | None = None) -> EventFigures:
    """Count the current events (corrections applied) of ``period``, and its 040(g) notices at ``now``
    (``obligations``: ``obligations_from(ledger)`` when the caller already has it)."""
    months = period.months()
    lodged: Counter[str] = Counter()
    lodged_by_month: dict[str, Counter[str]] = {m: Counter() for m in months}
    detained: set[str] = set()
    detained_events = 0
    transferred: set[str] = set()
    transfer_events = 0
    reimb: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    coop: dict[str, bool] = {}  # case (as same_id) -> all parts disclosable
    key_ids: set[str] = set()  # person keys (fingerprints) of the period's 060(b) entries (w16e F02)
    people_types = {EventType.DETAINED_ON_ICE_HOLD.value, EventType.TRANSFERRED_TO_ICE.value}
    spelling: dict[str, str] = {}  # same_id(case) -> the spelling first recorded (shown in 060(d))
    uncountable = 0
    entered_after = 0
    latest_entry: datetime | None = None
    lodged_values = {t.value for t in LODGED_TYPES}

    row: EventRow
    for row in ledger.current:
        when = row.occurred
        if when is None:
            uncountable += 1
            continue
        if not period.contains(when):
            continue
        logged = parse_stored(row.logged_at)
        if logged is not None and logged >= period.end_dt:
            entered_after += 1
            latest_entry = logged if latest_entry is None or logged > latest_entry else latest_entry
        ev, etype, person = row.event, row.type, row.event.get("person_ref")
        if isinstance(ev.get("person_key_id"), str) and etype in people_types:
            key_ids.add(ev["person_key_id"])
        if etype in lodged_values:
            lodged[etype] += 1
            lodged_by_month[period.month_of(when)][etype] += 1
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
            key = same_id(case)  # one normalisation of identifiers for every 060 figure (w16e F14)
            reimb[(spelling.setdefault(key, case.strip()), str(ev.get("currency") or "USD"))].append(amount)
        elif etype == EventType.ICE_COOPERATION.value:
            case, disc = ev.get("case_ref"), ev.get("disclosable")
            if not isinstance(case, str):
                uncountable += 1
                continue
            # fail closed: anything not explicitly disclosable keeps the whole case out
            key = same_id(case)
            coop[key] = coop.get(key, True) and disc is True

    obs, orphans = obligations if obligations is not None else obligations_from(ledger)
    return EventFigures(lodged, lodged_by_month, frozenset(detained), detained_events, frozenset(transferred),
                        transfer_events, dict(reimb), coop, uncountable, entered_after, latest_entry,
                        _notices(obs, period, now, j), _correction_rows(ledger.corrections, period, j),
                        len(orphans), ledger.duplicates, tuple(ledger.conflicts), len(key_ids))


def compute_semiannual(snapshot: Snapshot, period: Period, *, metadata: Mapping[str, Any] | None = None,
                       scope_titles: Mapping[str, str] | None = None, now: datetime | None = None,
                       max_quiet: timedelta = DEFAULT_MAX_QUIET, jurisdiction: Jurisdiction | None = None,
                       ledger: Ledger | None = None, index: LogIndex | None = None,
                       events: EventFigures | None = None) -> SemiannualReport:
    """Compute every 2.129.060 figure for ``period`` from ``snapshot`` (one verified read)."""
    now = now or datetime.now(UTC)
    j = jurisdiction or Jurisdiction(tz_name=period.zone_name if period.zone_name != "UTC" else "UTC")
    scope_titles = scope_titles or {}
    months = period.months()
    if events is None:
        events = event_figures(ledger or ledger_of(snapshot.records), period, now, j)
    e = events
    refusals: Counter[tuple[str, str]] = Counter()
    by_clause: Counter[str] = Counter()
    refusals_total = refusals_monitor = 0
    refusals_by_month: Counter[str] = Counter({m: 0 for m in months})
    idx = index if index is not None else build_index(snapshot.records, period.tz, scope_titles)
    for day, r in idx.refusal_days(period.start, period.end):
        refusals_monitor += r.monitor
        refusals_total += r.records
        refusals_by_month[f"{day.year:04d}-{day.month:02d}"] += r.records
        for (c, dept), n in r.by_clause_dept.items():
            refusals[(c, dept)] += n
            by_clause[c] += n

    cases = tuple(sorted(
        (CaseReimbursement(case, cur, sum(vals, Decimal("0")).quantize(Decimal("0.01")), len(vals))
         for (case, cur), vals in e.reimb.items()), key=lambda c: (c.currency, c.case_ref)))
    totals: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for c in cases:
        totals[c.currency] += c.total
    v = snapshot.verification
    view = view_of(v)
    notes: list[str] = []
    if e.duplicates:
        notes.append(f"{e.duplicates} event record(s) repeat the event id of an earlier record (a copied "
                     "record) and are counted once.")
    if e.uncountable:
        notes.append(f"{e.uncountable} event record(s) in the log lack a field needed to count them and are "
                     "not in the figures.")
    if e.conflicts:
        notes.append(f"{len(e.conflicts)} correction record(s) name an event that does not exist or was "
                     "already corrected; they change nothing (records " + ", ".join(map(str, e.conflicts[:10]))
                     + ").")
    if e.person_keys > 1:
        notes.append(f"WARNING: the people in this period were recorded under {e.person_keys} different person keys. "
                     "A person whose booking was recorded under two keys is counted as two individuals in "
                     "2.129.060(b): the individual figures may be too high. See docs/compliance.md (the person "
                     "key stays the same).")
    if e.orphans:
        notes.append(f"{e.orphans} notice record(s) could not be matched to an open 040(g) obligation "
                     "(see the dashboard's obligations page).")
    early = [x for x in (e.notices.rows if e.notices is not None else ()) if x.dated_before_receipt]
    if early:
        notes.append(f"{len(early)} 040(g) notice(s) are dated before the detainer or warrant they answer (a "
                     "correction moved its time): they are counted as given and marked CHECK in the 040(g) table; "
                     "correct whichever time is wrong (status-guard events correct … --reason wrong_time).")
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
        lodged={t.value: e.lodged.get(t.value, 0) for t in LODGED_TYPES},
        lodged_by_month={m: {t.value: e.lodged_by_month[m].get(t.value, 0) for t in LODGED_TYPES} for m in months},
        detained_individuals=len(e.detained), detained_events=e.detained_events,
        transferred_individuals=len(e.transferred), transfer_events=e.transfer_events,
        reimbursements=cases, reimbursement_totals=dict(totals),
        cooperation_investigations=sum(1 for ok in e.coop.values() if ok),
        cooperation_withheld=sum(1 for ok in e.coop.values() if not ok),
        refusals=tuple(RefusalCount(c, d, n) for (c, d), n in sorted(refusals.items(), key=lambda x: (-x[1], x[0]))),
        refusals_total=refusals_total, refusals_monitor=refusals_monitor,
        refusals_by_month=dict(refusals_by_month),
        coverage=_coverage(idx, period, now, max_quiet, e.entered_after, e.latest_entry),
        problems_in_events=e.uncountable,
        notes=tuple(notes),
        integrity_basis=v.integrity_basis,
        tamper_evident=v.tamper_evident,
        verification=view,
        notices=e.notices,
        corrections=e.corrections,
        refusals_by_clause=dict(sorted(by_clause.items(), key=lambda x: (-x[1], x[0]))),
        log_kind=snapshot.kind,
        log_id=v.log_id,
    )


def report_for(snapshot: Snapshot, period: Period, policy: Any = None, **kw: Any) -> SemiannualReport:
    """``compute_semiannual`` with the report metadata, scope titles and the jurisdiction's time zone
    taken from a policy. A period given in UTC is re-read in the jurisdiction's zone."""
    meta: Mapping[str, Any] = {}
    titles: dict[str, str] = {}
    j = Jurisdiction()
    if policy is not None:
        f = getattr(policy, "file", policy)
        j = jurisdiction_of(policy)
        meta = (getattr(f, "departments", {}) or {}).get("report", {}) or {}
        for sid, s in (getattr(f, "scopes", {}) or {}).items():
            titles[sid] = getattr(s, "title", None) or sid
        meta = {**meta, "policy": f"{getattr(f, 'id', '')} {getattr(f, 'version', '')}".strip(),
                "jurisdiction": getattr(f, "jurisdiction", "") or ""}
    if period.tz is UTC and j.tz_name != "UTC":
        period = Period(period.start, period.end, j.tz, period.limit)
    rep = compute_semiannual(snapshot, period, metadata=meta, scope_titles=titles, jurisdiction=j, **kw)
    if policy is not None:
        from dataclasses import replace

        rep = replace(rep, policy_hash=str(getattr(getattr(policy, "ref", None), "hash", "") or ""))
    return rep
