"""Events the police system records for 2.129.060 and 2.129.040(g), as audit records.

An event is an audit record of kind ``event`` whose ``event`` object holds only allow-listed
scalars: the event type, a pseudonymous person reference (HMAC-SHA256 of the local id under a key
held outside the log), a short case reference, an amount as a decimal string, the department, a
disclosable flag and an obligation reference. Names, dates of birth, addresses or free text are
never accepted: there is no parameter for them.

    recorder = EventRecorder(guard, person_key=key)
    recorder.record("detainer_request", person_id="booking-4411", in_custody=True)
    recorder.record("detained_on_ice_hold", person_id="booking-4411", hold_basis=["ice_detainer"])
    # -> RefusedError citing 2.129.040(d); the refused attempt is in the log

Recording a detention whose only basis is an ICE detainer or administrative warrant is refused by
the policy's 040(d) value rule; the refused attempt is recorded as a ``decision`` record.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from status_guard.errors import RefusedError, StatusGuardError


class EventError(StatusGuardError, ValueError):
    """An event is incomplete or malformed. The message names the parameter, never its value."""


class EventType(str, Enum):
    """What the police system can record. The value is what the log stores."""

    DETAINER_REQUEST = "detainer_request"                    # 060(a); opens 040(g) when in custody
    ICE_HOLD = "ice_hold"                                    # 060(a) an ICE hold lodged
    ADMINISTRATIVE_WARRANT = "administrative_warrant"        # 060(a); opens 040(g) when in custody
    NOTIFICATION_REQUEST = "notification_request"            # 060(a)
    DETAINED_ON_ICE_HOLD = "detained_on_ice_hold"            # 060(b); 040(d) checks the basis
    TRANSFERRED_TO_ICE = "transferred_to_ice_custody"        # 060(c)
    FEDERAL_REIMBURSEMENT = "federal_reimbursement"          # 060(d) amount + case
    ICE_COOPERATION = "ice_cooperation"                      # 060(e) case + disclosable
    NOTICE_DELIVERED = "notice_delivered"                    # closes a 040(g) obligation


LODGED_TYPES: tuple[EventType, ...] = (
    EventType.DETAINER_REQUEST, EventType.ICE_HOLD, EventType.ADMINISTRATIVE_WARRANT,
    EventType.NOTIFICATION_REQUEST,
)
OBLIGATION_OPENERS = frozenset({EventType.DETAINER_REQUEST, EventType.ADMINISTRATIVE_WARRANT})
PERSON_TYPES = frozenset({
    EventType.DETAINER_REQUEST, EventType.ICE_HOLD, EventType.ADMINISTRATIVE_WARRANT,
    EventType.NOTIFICATION_REQUEST, EventType.DETAINED_ON_ICE_HOLD, EventType.TRANSFERRED_TO_ICE,
})

CITATIONS: dict[EventType, str] = {
    EventType.DETAINER_REQUEST: "2.129.060(a)",
    EventType.ICE_HOLD: "2.129.060(a)",
    EventType.ADMINISTRATIVE_WARRANT: "2.129.060(a)",
    EventType.NOTIFICATION_REQUEST: "2.129.060(a)",
    EventType.DETAINED_ON_ICE_HOLD: "2.129.060(b)",
    EventType.TRANSFERRED_TO_ICE: "2.129.060(c)",
    EventType.FEDERAL_REIMBURSEMENT: "2.129.060(d)",
    EventType.ICE_COOPERATION: "2.129.060(e)",
    EventType.NOTICE_DELIVERED: "2.129.040(g)",
}

TITLES: dict[EventType, str] = {
    EventType.DETAINER_REQUEST: "ICE detainer request received",
    EventType.ICE_HOLD: "ICE hold lodged",
    EventType.ADMINISTRATIVE_WARRANT: "ICE administrative warrant received",
    EventType.NOTIFICATION_REQUEST: "Notification request received",
    EventType.DETAINED_ON_ICE_HOLD: "Person detained on an ICE hold",
    EventType.TRANSFERRED_TO_ICE: "Person transferred to ICE custody",
    EventType.FEDERAL_REIMBURSEMENT: "Federal reimbursement received",
    EventType.ICE_COOPERATION: "Investigation with cooperation or information given to ICE",
    EventType.NOTICE_DELIVERED: "Copy of the detainer / warrant given to the person (040(g))",
}

DEFAULT_NOTICE_DUE = timedelta(hours=24)
MAX_CLOCK_SKEW = timedelta(minutes=10)  # an event cannot have occurred later than it is recorded
CASE_REF_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/#-]{0,39}")
OBLIGATION_REF_RE = re.compile(r"obl[0-9a-f]{16}")
PERSON_REF_RE = re.compile(r"[0-9a-f]{64}")
MAX_LOCAL_ID = 128
MAX_HOLD_BASES = 16


def parse_type(value: str | EventType) -> EventType:
    try:
        return value if isinstance(value, EventType) else EventType(str(value).strip().lower().replace("-", "_"))
    except ValueError:
        raise EventError(f"unknown event type; use one of {[t.value for t in EventType]}") from None


def person_ref(key: bytes, local_id: str) -> str:
    """The pseudonymous person reference: HMAC-SHA256 of the local id under ``key``.

    The same local id always gives the same reference under one key (so a person detained twice is
    one individual in 060(b)); without the key it cannot be reversed by trying every id."""
    from status_guard.audit import keyed_ref

    if not isinstance(local_id, str) or not local_id.strip():
        raise EventError("person_id must be a non-empty string")
    if len(local_id) > MAX_LOCAL_ID:
        raise EventError(f"person_id is longer than {MAX_LOCAL_ID} characters")
    if not isinstance(key, (bytes, bytearray)) or len(key) < 32:
        raise EventError("the person-reference key must be at least 32 bytes")
    return keyed_ref(bytes(key), local_id, purpose="person")


def parse_amount(value: Any) -> str:
    """A non-negative decimal amount with at most two places, as a string ('1250.00')."""
    if isinstance(value, float):
        raise EventError("amount must be a decimal string or Decimal, not a float (binary rounding)")
    if isinstance(value, bool):
        raise EventError("amount must be a decimal string")
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise EventError("amount is not a decimal number such as 1250.00") from None
    if not d.is_finite() or d < 0:
        raise EventError("amount must be a finite, non-negative number")
    if d != d.quantize(Decimal("0.01")):
        raise EventError("amount has more than two decimal places")
    if d >= Decimal("1e12"):
        raise EventError("amount is too large")
    return str(d.quantize(Decimal("0.01")))


def parse_when(value: Any) -> datetime:
    """A datetime or ISO 8601 string, as an aware UTC datetime."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str):
        try:
            dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise EventError("occurred_at must be ISO 8601, e.g. 2026-03-01T14:00:00Z") from None
    else:
        raise EventError("occurred_at must be a datetime or an ISO 8601 string")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def iso_z(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


IDEMPOTENCY_KEY_RE = re.compile(r"[A-Za-z0-9._:-]{8,128}")


def _derived(prefix: str, idempotency_key: str) -> str:
    """A stable id for a retried event: the police system's own event id (its idempotency key)
    always maps to the same event id and obligation reference, so a replayed POST is counted once
    by the 060 report and opens no second 040(g) obligation. The key itself is never stored."""
    if not isinstance(idempotency_key, str) or not IDEMPOTENCY_KEY_RE.fullmatch(idempotency_key):
        raise EventError("an idempotency key is 8-128 characters of letters, digits and ._:-")
    digest = hashlib.sha256(f"status_guard:{prefix}:{idempotency_key}".encode()).hexdigest()
    return prefix + digest[:16]


def new_obligation_ref() -> str:
    # "obl" + hex: a letter always precedes the hex, so it can never look like an A-number.
    return "obl" + secrets.token_hex(8)


@dataclass(frozen=True)
class EventRecorder:
    """Records compliance events through a :class:`status_guard.Guard` (its policy and audit log).

    ``person_key``: the key for person references (>= 32 bytes), held outside the log. Without it,
    callers must pass a ready ``person_ref`` (64 hex characters) they computed with the same key.
    ``department``: written on every event (the policy's police department by default).
    ``notice_due``: how long 040(g) notice may take before an obligation is overdue."""

    guard: Any
    person_key: bytes | None = None
    department: str | None = None
    notice_due: timedelta = DEFAULT_NOTICE_DUE
    adapter: str = "event"

    def record(
        self,
        event_type: str | EventType,
        *,
        person_id: str | None = None,
        person_ref: str | None = None,
        case_ref: str | None = None,
        amount: Any = None,
        currency: str = "USD",
        disclosable: bool | None = None,
        in_custody: bool | None = None,
        hold_basis: Sequence[str] | str | None = None,
        obligation_ref: str | None = None,
        occurred_at: Any = None,
        department: str | None = None,
        request_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """Validate, apply 040(d), and append one event. Returns the stored record.

        Raises EventError (incomplete/malformed), RefusedError (040(d); the attempt is recorded)
        or AuditUnavailableError (nothing stored: the caller must treat the event as not recorded)."""
        etype = parse_type(event_type)
        dept = department or self.department
        now = datetime.now(timezone.utc)
        when = parse_when(occurred_at) if occurred_at is not None else now
        if when > now + MAX_CLOCK_SKEW:
            # a future date would be counted in a later report period than the one it belongs to
            raise EventError("occurred_at is in the future; an event is recorded after it happens")
        ev: dict[str, Any] = {
            "type": etype.value,
            "event_id": _derived("evt", idempotency_key) if idempotency_key is not None else "evt" + secrets.token_hex(8),
            "citation": CITATIONS[etype],
            "occurred_at": iso_z(when),
        }
        if dept is not None:
            ev["department"] = dept

        ref = self._person(etype, person_id, person_ref)
        if ref is not None:
            ev["person_ref"] = ref

        if etype in (EventType.FEDERAL_REIMBURSEMENT, EventType.ICE_COOPERATION) or case_ref is not None:
            ev["case_ref"] = self._case(etype, case_ref)

        if etype is EventType.FEDERAL_REIMBURSEMENT:
            if amount is None:
                raise EventError("a federal reimbursement needs an amount")
            ev["amount"] = parse_amount(amount)
            if not re.fullmatch(r"[A-Z]{3}", currency or ""):
                raise EventError("currency must be an ISO 4217 code such as USD")
            ev["currency"] = currency
        elif amount is not None:
            raise EventError("only a federal reimbursement carries an amount")

        if etype is EventType.ICE_COOPERATION:
            if not isinstance(disclosable, bool):
                raise EventError("an ICE cooperation event must state whether it can be publicly disclosed "
                                 "(disclosable=True or False)")
            ev["disclosable"] = disclosable
        elif disclosable is not None:
            raise EventError("only an ICE cooperation event carries a disclosable flag")

        if in_custody is not None:
            if not isinstance(in_custody, bool):
                raise EventError("in_custody must be True or False")
            ev["state"] = "in_custody" if in_custody else "not_in_custody"

        if etype in OBLIGATION_OPENERS and in_custody is None:
            raise EventError("a detainer or administrative warrant must say whether the person is in custody "
                             "(in_custody=True/False): 040(g) notice depends on it")
        if etype in OBLIGATION_OPENERS and in_custody:
            ev["obligation_ref"] = (_derived("obl", idempotency_key) if idempotency_key is not None
                                    else new_obligation_ref())
            ev["due_at"] = iso_z(when + self.notice_due)

        if etype is EventType.NOTICE_DELIVERED:
            if not obligation_ref or not OBLIGATION_REF_RE.fullmatch(str(obligation_ref)):
                raise EventError("notice_delivered needs the obligation reference it closes (obl + 16 hex)")
            ev["obligation_ref"] = obligation_ref
        elif obligation_ref is not None and etype not in OBLIGATION_OPENERS:
            raise EventError("only notice_delivered refers to an existing obligation")

        if etype is EventType.DETAINED_ON_ICE_HOLD:
            self._check_hold_basis(hold_basis, dept, request_id)
        elif hold_basis is not None:
            raise EventError("only detained_on_ice_hold carries a hold basis")

        rec: dict[str, Any] = {"kind": "event", "adapter": self.adapter, "event": ev}
        if request_id is not None:
            rec["request_id"] = request_id
        return self.guard.audit.append(rec)

    # -- parts -----------------------------------------------------------------------------------
    def _person(self, etype: EventType, person_id: str | None, ref: str | None) -> str | None:
        if person_id is not None and ref is not None:
            raise EventError("give person_id or person_ref, not both")
        if person_id is not None:
            if self.person_key is None:
                raise EventError("person_id needs a person-reference key (person_key / --person-key-file); "
                                 "names and local ids are never written to the log")
            return person_ref(self.person_key, person_id)
        if ref is not None:
            if not isinstance(ref, str) or not PERSON_REF_RE.fullmatch(ref):
                raise EventError("person_ref must be 64 lower-case hex characters (HMAC-SHA256)")
            return ref
        if etype in PERSON_TYPES or etype is EventType.NOTICE_DELIVERED:
            raise EventError(f"a {etype.value} event needs the person (person_id or person_ref)")
        return None

    @staticmethod
    def _case(etype: EventType, case_ref: str | None) -> str:
        if case_ref is None:
            raise EventError(f"a {etype.value} event needs a case reference")
        if not isinstance(case_ref, str) or not CASE_REF_RE.fullmatch(case_ref):
            raise EventError("case_ref must be a short reference (letters, digits, ._/#-; at most 40)")
        return case_ref

    def _check_hold_basis(self, hold_basis: Sequence[str] | str | None, dept: str | None,
                          request_id: str | None) -> None:
        """040(d): no detention whose only basis is an ICE detainer or administrative warrant."""
        if hold_basis is None or (not isinstance(hold_basis, str) and len(hold_basis) == 0):
            raise EventError("detained_on_ice_hold needs the hold basis (hold_basis=[...]): "
                             "040(d) forbids a hold whose only basis is a detainer or administrative warrant")
        bases = [hold_basis] if isinstance(hold_basis, str) else list(hold_basis)
        if len(bases) > MAX_HOLD_BASES or not all(isinstance(b, str) and 0 < len(b) <= 64 for b in bases):
            raise EventError(f"hold_basis must be 1-{MAX_HOLD_BASES} short strings")
        decision = self.guard.check_submission({"hold_basis": bases}, scope="police", requester="local",
                                               action="detain")
        if getattr(decision.effect, "value", decision.effect) == "block":
            self.guard.record(decision, adapter=self.adapter, request_id=request_id, department=dept)
            raise RefusedError(decision)


def event_of(record: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The ``event`` object of an event record, else None."""
    if record.get("kind") != "event":
        return None
    ev = record.get("event")
    return ev if isinstance(ev, Mapping) else None
