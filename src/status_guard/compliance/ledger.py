"""The facts as they stand: every event in the log, with corrections applied (never edits).

A mistaken event is never changed in place: ``events void`` appends a ``void`` event naming it,
``events correct`` appends a new event of the same type that ``corrects`` it. This pass reads the
log once and returns the current facts (each event id once: a copied record is not a second
event), and the corrections, so the 060 report counts what is true now and lists what was changed.

Invariants (``tests/compliance/test_corrections.py``):
* a voided event counts nowhere; a corrected one counts once, as corrected;
* a correction that names an unknown or already corrected event changes nothing and is listed as a
  conflict (the recorder refuses to write one; a forged or raced record is still harmless);
* voiding a correction withdraws the correction only: the record it replaced counts again, as it was
  recorded (``Correction.restored``), and the report says so (w16e F09). To withdraw the fact itself, void
  that record too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .jurisdiction import parse_stored

VOID = "void"
# reasons for a correction: a fixed list, because the log never holds free text
REASONS: dict[str, str] = {
    "entered_in_error": "entered in error (it did not happen)",
    "duplicate_entry": "a duplicate of another entry",
    "wrong_person": "recorded for the wrong person",
    "wrong_time": "wrong date or time",
    "wrong_hold_basis": "wrong hold basis",
    "wrong_custody_status": "wrong custody status",
    "wrong_details": "wrong case, amount, department or other detail",
}
# fields compared to say what a correction changed (names only, never values)
COMPARED = ("person_ref", "booking_sealed", "case_ref", "amount", "currency", "disclosable", "state", "hold_basis",
            "occurred_at", "department", "obligation_ref")
FIELD_WORDS = {"person_ref": "person", "booking_sealed": "booking", "case_ref": "case", "amount": "amount",
               "currency": "currency", "disclosable": "disclosable", "state": "custody status",
               "hold_basis": "hold basis", "occurred_at": "date/time", "department": "department",
               "obligation_ref": "obligation"}


@dataclass(frozen=True)
class EventRow:
    """One event record: its place in the log and its ``event`` object."""

    seq: int
    logged_at: str
    event: Mapping[str, Any]
    record: Mapping[str, Any]

    @property
    def type(self) -> str:
        return str(self.event.get("type"))

    @property
    def event_id(self) -> str | None:
        eid = self.event.get("event_id")
        return eid if isinstance(eid, str) else None

    @property
    def occurred(self) -> datetime | None:
        # kept in the instance's __dict__ after the first use (a plain dict lookup: pages read it thousands
        # of times; functools.cached_property takes a lock on every read in Python 3.11)
        try:
            return self.__dict__["_occurred"]  # type: ignore[no-any-return]
        except KeyError:
            pass
        raw = self.event.get("occurred_at")
        if not isinstance(raw, str):
            raw = self.logged_at
        value = parse_stored(raw) if isinstance(raw, str) else None
        self.__dict__["_occurred"] = value
        return value


@dataclass(frozen=True)
class Correction:
    seq: int
    logged_at: str
    action: str                      # "void" | "correct"
    reason_code: str
    target_id: str
    target: EventRow | None
    replacement: EventRow | None     # the corrected event (None for a void)
    changed: tuple[str, ...]         # plain names of what changed (never values)
    # a void of a correction: the record the correction had replaced, which counts again (w16e F09)
    restored: EventRow | None = None

    @property
    def reason(self) -> str:
        return REASONS.get(self.reason_code, self.reason_code.replace("_", " "))


@dataclass(frozen=True)
class Ledger:
    current: tuple[EventRow, ...]
    corrections: tuple[Correction, ...]
    conflicts: tuple[int, ...]
    duplicates: int
    all_events: Mapping[str, EventRow]
    superseded_by: Mapping[str, int]   # event id -> seq of the void/correction that replaced it

    def find(self, ref: str | int) -> EventRow | None:
        """An event by event id, or by the sequence number of its record."""
        s = str(ref).strip()
        if s.isdigit():
            n = int(s)
            return next((r for r in self.all_events.values() if r.seq == n), None)
        return self.all_events.get(s)


def event_rows(records: Iterable[Mapping[str, Any]]) -> Iterable[EventRow]:
    for rec in records:
        if rec.get("kind") != "event":
            continue
        ev = rec.get("event")
        if not isinstance(ev, Mapping):
            continue
        seq = rec.get("seq") if isinstance(rec.get("seq"), int) else -1
        yield EventRow(seq, str(rec.get("time") or ""), ev, rec)


def changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(FIELD_WORDS[k] for k in COMPARED if old.get(k) != new.get(k))


def ledger_of(records: Iterable[Mapping[str, Any]]) -> Ledger:
    return LedgerBuilder().add(records).ledger()


class LedgerBuilder:
    """:func:`ledger_of`, one record at a time: ``add`` the records in log order (in as many calls as
    they arrive), ``ledger()`` the facts as they stand after them. A long-running reader (the
    dashboard) adds only the records appended since it last asked."""

    def __init__(self) -> None:
        self.by_id: dict[str, EventRow] = {}
        self.order: list[str] = []
        self.anonymous: list[EventRow] = []  # events without an id (written by hand): counted, never correctable
        self.superseded: dict[str, int] = {}
        self.corrections: list[Correction] = []
        self.conflicts: list[int] = []
        self.duplicates = 0
        self._ledger: Ledger | None = None

    def add(self, records: Iterable[Mapping[str, Any]]) -> LedgerBuilder:
        by_id, superseded = self.by_id, self.superseded
        for row in event_rows(records):
            self._ledger = None
            eid = row.event_id
            if eid is None:
                self.anonymous.append(row)
                continue
            if eid in by_id:
                self.duplicates += 1  # a copied record: one event id is one event
                continue
            by_id[eid] = row
            target_id = row.event.get("corrects")
            if not isinstance(target_id, str):
                self.order.append(eid)
                continue
            target = by_id.get(target_id)
            reason = str(row.event.get("reason_code") or "unspecified")
            if target is None or target_id in superseded or target.type == VOID:
                self.conflicts.append(row.seq)
                continue
            superseded[target_id] = row.seq
            if row.type == VOID:
                restored = None
                before = target.event.get("corrects")
                if isinstance(before, str) and superseded.get(before) == target.seq and before in by_id:
                    # the correction was the mistake: withdrawing it puts back the record it replaced
                    del superseded[before]
                    restored = by_id[before]
                self.corrections.append(Correction(row.seq, row.logged_at, "void", reason, target_id, target, None,
                                                   changed_fields(target.event, restored.event) if restored else (),
                                                   restored))
            else:
                self.order.append(eid)
                self.corrections.append(Correction(row.seq, row.logged_at, "correct", reason, target_id, target, row,
                                                   changed_fields(target.event, row.event)))
        return self

    def ledger(self) -> Ledger:
        if self._ledger is None:
            by_id, superseded = self.by_id, self.superseded
            current = [by_id[e] for e in self.order if e not in superseded and by_id[e].type != VOID]
            current.extend(self.anonymous)
            current.sort(key=lambda r: r.seq)
            self._ledger = Ledger(tuple(current), tuple(self.corrections), tuple(self.conflicts), self.duplicates,
                                  dict(by_id), dict(superseded))
        return self._ledger
