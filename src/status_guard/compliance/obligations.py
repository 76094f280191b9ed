"""2.129.040(g) obligations: give a person in custody a copy of the detainer or administrative
warrant (and related documents). An obligation opens with the event that carries an
``obligation_ref`` and closes when a ``notice_delivered`` event names that reference.

Obligations are derived from the log, never stored apart from it: the log is the one record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .events import OBLIGATION_OPENERS, EventType, event_of, iso_z, parse_when

CITATION = "2.129.040(g)"


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

    @property
    def citation(self) -> str:
        return CITATION

    def status(self, now: datetime) -> str:
        """'closed', 'overdue' or 'open' at ``now``."""
        if self.closed_seq is not None:
            return "closed"
        if self.due_at is not None and parse_when(self.due_at) <= now:
            return "overdue"
        return "open"

    def as_dict(self, now: datetime) -> dict[str, Any]:
        return {"ref": self.ref, "citation": CITATION, "opened_by": self.opened_by, "opened_seq": self.opened_seq,
                "opened_at": self.opened_at, "due_at": self.due_at, "department": self.department,
                "status": self.status(now), "closed_seq": self.closed_seq, "closed_at": self.closed_at}


@dataclass(frozen=True)
class Orphan:
    """A notice_delivered event naming no known obligation (a data-entry error worth seeing)."""

    ref: str
    seq: int


def obligations_from(records: Iterable[Mapping[str, Any]]) -> tuple[list[Obligation], list[Orphan]]:
    """Every 040(g) obligation in the log, in opening order, with its closing event if any."""
    opened: dict[str, Obligation] = {}
    closes: list[tuple[str, int, str]] = []
    for rec in records:
        ev = event_of(rec)
        if ev is None or not isinstance(ev.get("obligation_ref"), str):
            continue
        ref = ev["obligation_ref"]
        seq = rec.get("seq") if isinstance(rec.get("seq"), int) else -1
        when = ev.get("occurred_at") if isinstance(ev.get("occurred_at"), str) else rec.get("time")
        etype = ev.get("type")
        if etype in {t.value for t in OBLIGATION_OPENERS}:
            if ref not in opened:
                opened[ref] = Obligation(ref=ref, opened_by=str(etype), opened_seq=seq, opened_at=str(when),
                                         due_at=ev.get("due_at"), department=ev.get("department"))
        elif etype == EventType.NOTICE_DELIVERED.value:
            closes.append((ref, seq, str(when)))
    orphans: list[Orphan] = []
    for ref, seq, when in closes:
        ob = opened.get(ref)
        if ob is None:
            orphans.append(Orphan(ref, seq))
        elif ob.closed_seq is None:
            opened[ref] = Obligation(**{**ob.__dict__, "closed_seq": seq, "closed_at": when})
    return list(opened.values()), orphans


def pending(records: Iterable[Mapping[str, Any]], now: datetime | None = None,
            include_closed: bool = False) -> list[tuple[Obligation, str]]:
    """(obligation, status) for open and overdue obligations (and closed ones when asked), overdue first."""
    now = now or datetime.now(timezone.utc)
    obs, _ = obligations_from(records)
    rows = [(o, o.status(now)) for o in obs]
    if not include_closed:
        rows = [r for r in rows if r[1] != "closed"]
    order = {"overdue": 0, "open": 1, "closed": 2}
    return sorted(rows, key=lambda r: (order[r[1]], r[0].due_at or "", r[0].opened_seq))


def now_iso() -> str:
    return iso_z(datetime.now(timezone.utc))
