"""2.129.040(g) obligations: give a person in custody a copy of the detainer or administrative warrant
(and related documents). An obligation opens with the event that carries an ``obligation_ref`` and
closes when a ``notice_delivered`` event names that reference.

Obligations are derived from the log (through :mod:`.ledger`, so corrections apply), never stored
apart from it. A notice given after the due time is **late**, and says by how much; a second
notice for the same obligation, or one naming another person, is listed as a conflict (the
recorder refuses both; a forged or raced record is shown, never silently counted).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from .events import OBLIGATION_OPENERS, EventType
from .jurisdiction import duration_words, iso_z, parse_stored
from .ledger import Ledger, ledger_of

CITATION = "2.129.040(g)"
STATUS_ORDER = {"overdue": 0, "open": 1, "closed_late": 2, "closed_on_time": 3}
STATUS_WORDS = {"overdue": "overdue", "open": "open", "closed_late": "closed late", "closed_on_time": "closed on time"}


@dataclass(frozen=True)
class Obligation:
    ref: str
    opened_by: str           # event type that opened it
    opened_seq: int
    opened_at: str           # occurred_at of the opening event (UTC, ISO)
    due_at: str | None
    department: str | None
    closed_seq: int | None = None
    closed_at: str | None = None
    person_ref: str | None = None       # never shown; used to refuse a notice for another person
    booking_sealed: str | None = None   # the police system's local id, readable with the person key

    @property
    def citation(self) -> str:
        return CITATION

    def _due(self) -> datetime | None:
        return parse_stored(self.due_at) if self.due_at else None

    def status(self, now: datetime) -> str:
        """'closed_on_time', 'closed_late', 'overdue' or 'open' at ``now`` (one word for each in every format:
        a spreadsheet never says "closed" where the screen says "closed on time")."""
        due = self._due()
        if self.closed_seq is not None:
            closed = parse_stored(self.closed_at or "")
            return "closed_late" if due is not None and closed is not None and closed > due else "closed_on_time"
        if due is not None and due <= now:
            return "overdue"
        return "open"

    def lateness(self, now: datetime) -> timedelta | None:
        """How late the notice was (closed late) or is (overdue); None when on time or not yet due."""
        due = self._due()
        if due is None:
            return None
        if self.closed_seq is not None:
            closed = parse_stored(self.closed_at or "")
            return closed - due if closed is not None and closed > due else None
        return now - due if now >= due else None

    def late_words(self, now: datetime) -> str:
        late = self.lateness(now)
        return duration_words(late) if late is not None else ""

    def as_dict(self, now: datetime, booking: str | None = None) -> dict[str, Any]:
        late = self.lateness(now)
        d = {"ref": self.ref, "citation": CITATION, "opened_by": self.opened_by, "opened_seq": self.opened_seq,
             "opened_at": self.opened_at, "due_at": self.due_at, "department": self.department,
             "status": self.status(now), "late_by": duration_words(late) if late is not None else None,
             "late_by_seconds": int(late.total_seconds()) if late is not None else None,
             "closed_seq": self.closed_seq, "closed_at": self.closed_at}
        if booking is not None:
            d["booking"] = booking
        return d


@dataclass(frozen=True)
class Orphan:
    """A notice that names no known obligation, closes one twice, or names another person."""

    ref: str
    seq: int
    problem: str = "names no known obligation"


def obligations_from(records: Iterable[Mapping[str, Any]] | Ledger) -> tuple[list[Obligation], list[Orphan]]:
    """Every 040(g) obligation in the log, in opening order, with its closing notice if any."""
    ledger = records if isinstance(records, Ledger) else ledger_of(records)
    openers = {t.value for t in OBLIGATION_OPENERS}
    opened: dict[str, Obligation] = {}
    closes = []
    for row in ledger.current:
        ev = row.event
        ref = ev.get("obligation_ref")
        if not isinstance(ref, str):
            continue
        when = ev.get("occurred_at") if isinstance(ev.get("occurred_at"), str) else row.logged_at
        if row.type in openers:
            if ref not in opened:
                opened[ref] = Obligation(ref=ref, opened_by=row.type, opened_seq=row.seq, opened_at=str(when),
                                         due_at=ev.get("due_at"), department=ev.get("department"),
                                         person_ref=ev.get("person_ref"), booking_sealed=ev.get("booking_sealed"))
        elif row.type == EventType.NOTICE_DELIVERED.value:
            closes.append((ref, row.seq, str(when), ev.get("person_ref")))
    orphans: list[Orphan] = []
    for ref, seq, when, person in closes:
        ob = opened.get(ref)
        if ob is None:
            orphans.append(Orphan(ref, seq))
        elif ob.closed_seq is not None:
            orphans.append(Orphan(ref, seq, f"closes an obligation already closed by seq {ob.closed_seq}"))
        elif person is not None and ob.person_ref is not None and person != ob.person_ref:
            orphans.append(Orphan(ref, seq, "names a different person from the obligation"))
        elif _before(when, ob.opened_at) and seq > ob.opened_seq:
            # written by other software after the opening it predates: an impossible fact closes nothing. A notice
            # recorded before a correction moved the detainer's time past it was valid when written: it stays
            # counted (corrections append, never silently un-count; w16d F18) and `events correct` says so
            orphans.append(Orphan(ref, seq, "is dated before the detainer or warrant was received"))
        else:
            opened[ref] = Obligation(**{**asdict(ob), "closed_seq": seq, "closed_at": when})
    return list(opened.values()), orphans


def _before(a: str, b: str) -> bool:
    da, db = parse_stored(a), parse_stored(b)
    return da is not None and db is not None and da < db


def pending(records: Iterable[Mapping[str, Any]] | Ledger, now: datetime | None = None,
            include_closed: bool = False) -> list[tuple[Obligation, str]]:
    """(obligation, status) for open and overdue obligations (and closed ones when asked), overdue first."""
    obs, _ = obligations_from(records)
    return by_status(obs, now, include_closed)


def by_status(obs: Iterable[Obligation], now: datetime | None = None,
              include_closed: bool = False) -> list[tuple[Obligation, str]]:
    """``pending`` for obligations already derived (``obligations_from``)."""
    now = now or datetime.now(timezone.utc)
    rows = [(o, o.status(now)) for o in obs]
    if not include_closed:
        rows = [r for r in rows if r[1] in ("open", "overdue")]
    return sorted(rows, key=lambda r: (STATUS_ORDER[r[1]], r[0].due_at or "", r[0].opened_seq))


def now_iso() -> str:
    return iso_z(datetime.now(timezone.utc))


def correction_effect(before: Obligation, after: Obligation | None, show: Any,
                      now: datetime | None = None) -> list[str]:
    """What correcting the event that opened ``before`` did to its 040(g) notice, in sentences: whether the
    notice still counts, and how its lateness changed (w16d F18). Empty when no notice had been recorded."""
    if before.closed_seq is None:
        return []
    now = now or datetime.now(timezone.utc)
    notice = f"the 040(g) notice recorded as seq {before.closed_seq} (given {show(before.closed_at)})"
    if after is None or after.closed_seq != before.closed_seq:
        return [f"{notice} no longer closes obligation {before.ref}: "
                + ("the corrected entry opens no obligation (the person was not in custody), so the notice is "
                   "listed as matching none" if after is None else "check the obligations listing")
                + ". If the notice itself was wrong, void or correct it too."]

    def how(o: Obligation) -> str:
        late = o.lateness(now)
        return f"LATE by {duration_words(late)} (due {show(o.due_at)})" if late is not None \
            else f"on time (due {show(o.due_at)})"

    out = [f"{notice} still closes obligation {before.ref}: it was {how(before)}"
           + (f" and is now {how(after)}" if how(before) != how(after) else ", and still is")]
    if _before(after.closed_at or "", after.opened_at):
        out.append(f"the notice is now dated before the corrected time of the {after.opened_by.replace('_', ' ')} "
                   f"({show(after.opened_at)}); it stays counted as given. If the notice's time is wrong too, "
                   f"correct seq {before.closed_seq} (--reason wrong_time)")
    return out
