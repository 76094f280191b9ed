"""Events the police system records for 2.129.060 and 2.129.040(g), as audit records.

An event is an audit record of kind ``event`` whose ``event`` object holds only allow-listed
scalars: the event type, a pseudonymous person reference (HMAC-SHA256 of the local id under a key
held outside the log), the local id itself *sealed* under that key (readable only with it), a
short case reference, an amount as a decimal string, the department, a disclosable flag, the hold
bases as codes from the policy's vocabulary, and an obligation reference. Names, dates of birth,
addresses or free text are never accepted: there is no parameter for them.

    recorder = EventRecorder(guard, person_key=key)
    recorder.record("detainer_request", person_id="BK-4411", in_custody=True,
                    occurred_at="2026-03-01 14:00 America/New_York")
    recorder.record("notice_delivered", obligation_ref="obl...")   # the person comes from the obligation
    recorder.record("detained_on_ice_hold", person_id="BK-4411", hold_basis=["ice_detainer"])
    # -> RefusedError citing 2.129.040(d); the refused attempt is in the log, dated when it occurred
    recorder.void("evt...", reason="entered_in_error")               # appends; never edits
    recorder.correct(42, reason="wrong_time", occurred_at="2026-03-01 15:00 America/New_York")
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from typing import Any

from status_guard.errors import RefusedError

from .errors import EventError
from .identifiers import same_id
from .jurisdiction import Jurisdiction, iso_z, jurisdiction_of, parse_instant, parse_stored

__all__ = ["EventError", "EventRecorder", "EventType", "event_of", "iso_z", "parse_when", "person_ref"]


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
    VOID = "void"                                            # withdraws an event entered in error


LODGED_TYPES: tuple[EventType, ...] = (
    EventType.DETAINER_REQUEST, EventType.ICE_HOLD, EventType.ADMINISTRATIVE_WARRANT,
    EventType.NOTIFICATION_REQUEST,
)
OBLIGATION_OPENERS = frozenset({EventType.DETAINER_REQUEST, EventType.ADMINISTRATIVE_WARRANT})
PERSON_TYPES = frozenset({
    EventType.DETAINER_REQUEST, EventType.ICE_HOLD, EventType.ADMINISTRATIVE_WARRANT,
    EventType.NOTIFICATION_REQUEST, EventType.DETAINED_ON_ICE_HOLD, EventType.TRANSFERRED_TO_ICE,
})
RECORDABLE = tuple(t for t in EventType if t is not EventType.VOID)  # `events add` choices

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
    EventType.VOID: "2.129.060",
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
    EventType.VOID: "Earlier entry withdrawn (entered in error)",
}

DEFAULT_NOTICE_DUE = timedelta(hours=24)
MAX_CLOCK_SKEW = timedelta(minutes=10)  # an event cannot have occurred later than it is recorded
CASE_REF_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/#-]{0,39}")
OBLIGATION_REF_RE = re.compile(r"obl[0-9a-f]{16}")
PERSON_REF_RE = re.compile(r"[0-9a-f]{64}")
IDEMPOTENCY_KEY_RE = re.compile(r"[A-Za-z0-9._:-]{8,128}")
MAX_LOCAL_ID = 47
MAX_HOLD_BASES = 16
CORRECTABLE = ("person_id", "booking_id", "case_ref", "amount", "currency", "disclosable", "in_custody",
               "hold_basis", "occurred_at", "department")


def parse_type(value: str | EventType, *, allow_void: bool = False) -> EventType:
    try:
        t = value if isinstance(value, EventType) else EventType(str(value).strip().lower().replace("-", "_"))
    except ValueError:
        t = None
    if t is None or (t is EventType.VOID and not allow_void):
        raise EventError("unknown event type; use one of " + ", ".join(x.value for x in RECORDABLE),
                         param="event_type")
    return t


def person_ref(key: bytes, local_id: str) -> str:
    """The pseudonymous person reference: HMAC-SHA256 of the local id under ``key``.

    The same local id always gives the same reference under one key (so a person detained twice is
    one individual in 060(b)); without the key it cannot be reversed by trying every id."""
    from status_guard.audit import keyed_ref

    if not isinstance(local_id, str) or not local_id.strip():
        raise EventError("{param} must be a non-empty string", param="person_id")
    if len(local_id) > MAX_LOCAL_ID:
        raise EventError(f"{{param}} is longer than {MAX_LOCAL_ID} characters", param="person_id")
    if not isinstance(key, (bytes, bytearray)) or len(key) < 32:
        raise EventError("the person-reference key must be at least 32 bytes", param="person_key")
    return keyed_ref(bytes(key), local_id, purpose="person")


_AMOUNT_RE = re.compile(r"\$?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?", re.ASCII)


def _department(dept: Any) -> str:
    """A department name the log accepts (the audit record rule), checked before anything is written so
    the error names the option, not the record field."""
    from status_guard.audit import records
    from status_guard.errors import StatusGuardError

    try:
        return records.name("event.department", dept)
    except StatusGuardError:
        raise EventError("{param} must be a department name: starts with a letter or digit, then letters, digits, "
                         "spaces and . & ' / _ ( ) - only, at most 80 characters, no street address",
                         param="department") from None


def parse_amount(value: Any) -> str:
    """A non-negative decimal amount with at most two places, as a string ('1250.00')."""
    if isinstance(value, float):
        raise EventError("{param} must be a decimal string or Decimal, not a float (binary rounding)",
                         param="amount")
    if isinstance(value, bool):
        raise EventError("{param} must be a decimal string", param="amount")
    if isinstance(value, Decimal):
        d = value
    else:
        text = str(value).strip()
        # as written on a check: ASCII digits, optional $ and thousands commas in groups of three, at most
        # two decimals. No exponent, no doubled commas, no other scripts' digits: a typo is not a figure.
        if not _AMOUNT_RE.fullmatch(text):
            if text.startswith("-") and _AMOUNT_RE.fullmatch(text[1:]):
                raise EventError("{param} must be non-negative, written like 1250.00 or $1,250.00", param="amount")
            if re.fullmatch(r"\$?[0-9,]+\.[0-9]{3,}", text, re.ASCII):
                raise EventError("{param} has more than two decimal places (write it like 1250.00 or $1,250.00)",
                                 param="amount")
            raise EventError("{param} must be written like 1250.00 or $1,250.00: digits 0-9, commas only between "
                             "groups of three digits, at most two decimals", param="amount")
        d = Decimal(text.lstrip("$").replace(",", ""))
    if not d.is_finite() or d < 0:
        raise EventError("{param} must be a finite, non-negative number", param="amount")
    if d != d.quantize(Decimal("0.01")):
        raise EventError("{param} has more than two decimal places", param="amount")
    if d >= Decimal("1e12"):
        raise EventError("{param} is too large", param="amount")
    return str(d.quantize(Decimal("0.01")))


def parse_when(value: Any) -> datetime:
    """A datetime or ISO 8601 string **with a zone**, as an aware UTC datetime (no zone: EventError)."""
    return parse_instant(value, param="occurred_at")


def _derived(prefix: str, idempotency_key: str) -> str:
    """A stable id for a retried event: the police system's own event id (its idempotency key)
    always maps to the same event id and obligation reference, so a replayed POST is counted once
    by the 060 report and opens no second 040(g) obligation. The key itself is never stored."""
    if not isinstance(idempotency_key, str) or not IDEMPOTENCY_KEY_RE.fullmatch(idempotency_key):
        raise EventError("{param} is 8-128 characters of letters, digits and ._:-", param="idempotency_key")
    digest = hashlib.sha256(f"status_guard:{prefix}:{idempotency_key}".encode()).hexdigest()
    return prefix + digest[:16]


def new_obligation_ref() -> str:
    # "obl" + hex: a letter always precedes the hex, so it can never look like an A-number.
    return "obl" + secrets.token_hex(8)


@dataclass(frozen=True)
class EventRecorder:
    """Records compliance events through a :class:`status_guard.Guard` (its policy and audit log).

    ``person_key``: the key for person references (>= 32 bytes), held outside the log. Without it,
    callers must pass a ready ``person_ref`` (64 hex characters) they computed with the same key, and
    no local id can be sealed for re-identification.
    ``department``: written on every event (the policy's police department by default).
    ``notice_due``: how long 040(g) notice may take before an obligation is overdue.
    ``refuse_duplicates``: refuse an event with the same type, time and details as a current one (the
    officer's command line sets it: the same thing typed twice must not count twice). Systems that
    post events give an ``idempotency_key`` instead, which makes a retry the same event."""

    guard: Any
    person_key: bytes | None = None
    department: str | None = None
    notice_due: timedelta = DEFAULT_NOTICE_DUE
    adapter: str = "event"
    refuse_duplicates: bool = False

    @property
    def jurisdiction(self) -> Jurisdiction:
        return jurisdiction_of(self.guard.policy, self.guard)

    def record(
        self,
        event_type: str | EventType,
        *,
        person_id: str | None = None,
        person_ref: str | None = None,
        booking_id: str | None = None,
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
        allow_duplicate: bool = False,
        allow_new_person_key: bool = False,
    ) -> dict[str, Any]:
        """Validate, apply 040(d), and append one event. Returns the stored record.

        With ``refuse_duplicates``, an event with the same type, time and details as a current one already
        in the log is refused as a duplicate (:class:`DuplicateEventError`, naming the earlier entry) unless
        ``allow_duplicate``: the same thing typed twice must not count twice. A retry with the same ``idempotency_key`` is
        not a duplicate (it is the same event, counted once).

        Raises EventError (incomplete, malformed, or contradicting the log: a notice for a closed
        obligation or another person), RefusedError (040(d); the attempt is recorded) or
        AuditUnavailableError (nothing stored: the caller must treat the event as not recorded).

        A retry with the same ``idempotency_key`` whose details differ from the entry already stored under it
        is refused (:class:`IdempotencyConflictError`): the caller is never told a fact that was not stored.
        An entry whose person is given by local id with a person key that opens none of the bookings already
        in the log is refused (:class:`PersonKeyMismatchError`) unless ``allow_new_person_key``: one booking
        recorded under two keys is two individuals in the 060(b) figures."""
        etype = parse_type(event_type)
        ev = self._build(etype, person_id=person_id, person_ref_=person_ref, booking_id=booking_id,
                         case_ref=case_ref, amount=amount, currency=currency, disclosable=disclosable,
                         in_custody=in_custody, hold_basis=hold_basis, obligation_ref=obligation_ref,
                         occurred_at=occurred_at, department=department, request_id=request_id,
                         idempotency_key=idempotency_key)
        if idempotency_key is not None:
            self._check_retry(ev, time_given=occurred_at is not None)
            prior = self._retried(ev)
            if prior is not None:
                return prior  # the same event, retried: nothing new is written or counted
        if (person_id is not None or booking_id is not None) and not allow_new_person_key:
            self._check_person_key()
        elif (person_id is not None or booking_id is not None) and allow_new_person_key:
            self._check_new_key_period(ev)
        if etype is EventType.NOTICE_DELIVERED:
            self._close_obligation(ev, person_given=person_id is not None or person_ref is not None,
                                   booking_given=booking_id is not None)
        elif self.refuse_duplicates and not allow_duplicate:
            self._refuse_duplicate(ev)
        return self._append(ev, request_id)

    def _refuse_duplicate(self, ev: Mapping[str, Any]) -> None:
        ledger = self._ledger()
        if ev["event_id"] in ledger.all_events:
            return  # a retry with the same idempotency key: the same event, counted once
        want = fact_of(ev)
        for row in ledger.current:
            if row.type == ev["type"] and fact_of(row.event) == want:
                when = self.jurisdiction.show(row.logged_at) if row.logged_at else "earlier"
                raise DuplicateEventError(
                    f"not recorded: this is the same {str(ev['type']).replace('_', ' ')} as seq {row.seq} "
                    f"({row.event_id}, entered {when}) — same time and details. The same thing typed twice would "
                    "count twice in the report. If it really happened twice, record it again with {allow}; if "
                    "the first entry was wrong, correct or void it (status-guard events correct/void "
                    f"{row.seq}).", seq=row.seq)

    # -- corrections ----------------------------------------------------------------------------
    def void(self, target: str | int, *, reason: str, request_id: str | None = None,
             idempotency_key: str | None = None) -> dict[str, Any]:
        """Withdraw an event entered in error: append a ``void`` event naming it (the original stays)."""
        row = self._target(target)
        code = _reason(reason)
        ev: dict[str, Any] = {
            "type": EventType.VOID.value,
            "event_id": _derived("evt", idempotency_key) if idempotency_key is not None else "evt" + secrets.token_hex(8),
            "citation": str(row.event.get("citation") or CITATIONS[EventType.VOID]),
            "corrects": row.event_id, "related_seq": row.seq, "reason_code": code,
            "occurred_at": iso_z(datetime.now(timezone.utc)),
        }
        dept = self.department or row.event.get("department")
        if dept:
            ev["department"] = dept
        if idempotency_key is not None:
            self._check_retry(ev, time_given=False)
        return self._append(ev, request_id)

    def correct(self, target: str | int, *, reason: str, request_id: str | None = None,
                idempotency_key: str | None = None, allow_new_person_key: bool = False,
                **changes: Any) -> dict[str, Any]:
        """Replace an event's facts: append a new event of the same type that ``corrects`` it.

        ``changes``: any of person_id, booking_id, case_ref, amount, currency, disclosable, in_custody,
        hold_basis, occurred_at, department. The corrected event passes every check a new one does
        (a hold corrected to rest on a detainer alone is refused under 040(d))."""
        unknown = sorted(k for k in changes if k not in CORRECTABLE)
        if unknown:
            raise EventError("cannot be corrected; to change the event type or obligation, void the event and "
                             "record the right one", param=unknown[0])
        given = {k: v for k, v in changes.items() if v is not None}
        if not given:
            raise EventError("nothing to correct: give the field(s) that were wrong", param="changes")
        row = self._target(target)
        code = _reason(reason)
        etype = parse_type(row.type)
        old = row.event
        kw: dict[str, Any] = {
            "person_ref_": None if "person_id" in given else old.get("person_ref"),
            "person_id": given.get("person_id"),
            "booking_id": given.get("booking_id"),
            "case_ref": given.get("case_ref", old.get("case_ref")),
            "amount": given.get("amount", old.get("amount")),
            "currency": given.get("currency", old.get("currency") or "USD"),
            "disclosable": given.get("disclosable", old.get("disclosable")),
            "in_custody": given.get("in_custody", {"in_custody": True, "not_in_custody": False}.get(
                str(old.get("state")))),
            "hold_basis": given.get("hold_basis", old.get("hold_basis")),
            "obligation_ref": old.get("obligation_ref") if etype is EventType.NOTICE_DELIVERED else None,
            "occurred_at": given.get("occurred_at", parse_stored(str(old.get("occurred_at") or row.logged_at))),
            "department": given.get("department", old.get("department")),
            "request_id": request_id, "idempotency_key": idempotency_key,
        }
        ev = self._build(etype, **kw)
        no_custody = (EventType.FEDERAL_REIMBURSEMENT, EventType.ICE_COOPERATION, EventType.NOTICE_DELIVERED)
        for k, stored in (("in_custody", "state"), ("disclosable", "disclosable"), ("amount", "amount"),
                          ("currency", "currency"), ("case_ref", "case_ref")):
            if k in given and (stored not in ev or (k == "in_custody" and etype in no_custody)):
                # a field the event type does not have is never "corrected" into the report (w16e F15)
                raise EventError(f"a {etype.value.replace('_', ' ')} has no {FIELD_NAMES.get(k, k)} ({{param}}); "
                                 "nothing was recorded", param=k)
        if "person_id" not in given and "booking_id" not in given and old.get("booking_sealed"):
            ev["booking_sealed"] = old["booking_sealed"]
            if old.get("person_key_id"):
                ev["person_key_id"] = old["person_key_id"]
            else:
                ev.pop("person_key_id", None)
        if etype in OBLIGATION_OPENERS and "obligation_ref" in ev and isinstance(old.get("obligation_ref"), str):
            # the same obligation, due the same time after the (corrected) occurrence
            ev["obligation_ref"] = old["obligation_ref"]
            o_at, o_due = parse_stored(str(old.get("occurred_at"))), parse_stored(str(old.get("due_at")))
            if o_at is not None and o_due is not None:
                ev["due_at"] = iso_z(parse_stored(ev["occurred_at"]) + (o_due - o_at))  # type: ignore[operator]
        if etype is EventType.NOTICE_DELIVERED:
            self._check_notice_person(ev, old)
        ev["corrects"] = row.event_id
        ev["related_seq"] = row.seq
        ev["reason_code"] = code
        from .ledger import changed_fields

        if not changed_fields(old, ev):
            raise EventError("nothing changed: the corrected values are the same as the recorded ones",
                             param="changes")
        if idempotency_key is not None:
            self._check_retry(ev, time_given="occurred_at" in given)
        if ("person_id" in given or "booking_id" in given) and not allow_new_person_key:
            self._check_person_key()
        return self._append(ev, request_id)

    def obligation_of(self, target: str | int) -> Any:
        """The 040(g) obligation the event ``target`` (seq or event id) opened, as it stands now (None if none)."""
        from .obligations import obligations_from

        ledger = self._ledger()
        row = ledger.find(target)
        ref = row.event.get("obligation_ref") if row is not None else None
        if not isinstance(ref, str) or row is None or row.type not in {t.value for t in OBLIGATION_OPENERS}:
            return None
        obs, _ = obligations_from(ledger)
        return next((o for o in obs if o.ref == ref), None)

    # -- retries and keys -------------------------------------------------------------------------
    def _check_retry(self, ev: Mapping[str, Any], *, time_given: bool) -> None:
        """A retry (same idempotency key, so the same event id) must repeat the entry stored under that key:
        one whose details differ is refused, naming what differs (both times when the time differs), so the
        caller is never told a fact that was not stored (the first entry is what counts)."""
        prior = self._ledger().all_events.get(str(ev.get("event_id")))
        if prior is None:
            return
        old = prior.event
        diffs = retry_differences(old, ev, time_given=time_given)
        if not diffs:
            return
        j = self.jurisdiction
        parts = []
        for k in diffs:
            if k == "occurred_at":
                parts.append(f"it occurred {j.show(old.get('occurred_at'))} in the stored entry, "
                             f"{j.show(ev.get('occurred_at'))} in this one")
            else:
                parts.append(f"its {RETRY_WORDS.get(k, k.replace('_', ' '))} differs")
        raise IdempotencyConflictError(
            f"not recorded: this idempotency key ({{param}}) was already used for seq {prior.seq} "
            f"({str(old.get('type')).replace('_', ' ')}, {prior.event_id}), and this entry is not the same: "
            + "; ".join(parts) + ". The stored entry is the one that counts. If it was wrong, correct it "
            f"(status-guard events correct {prior.seq}); if this is another event, give it its own key.",
            seq=prior.seq, fields=tuple(diffs))

    def _retried(self, ev: Mapping[str, Any]) -> dict[str, Any] | None:
        """A retry of an entry already stored under this idempotency key (its details checked by
        :meth:`_check_retry`): the stored record, marked ``already_recorded`` (nothing is appended, so the caller
        is told the seq that counts). A key whose entry was withdrawn (voided) is refused: the event id is
        the withdrawn one, so a new entry under it could never count (w16e F01)."""
        ledger = self._ledger()
        prior = ledger.all_events.get(str(ev.get("event_id")))
        if prior is None:
            return None
        later_seq = ledger.superseded_by.get(prior.event_id or "")
        later = ledger.find(later_seq) if later_seq is not None else None
        if later is not None and later.type == EventType.VOID.value:
            raise VoidedKeyError(
                f"not recorded: this idempotency key ({{param}}) belongs to seq {prior.seq} "
                f"({str(prior.type).replace('_', ' ')}, {prior.event_id}), which was withdrawn by seq {later.seq} "
                "(void). An entry under a withdrawn key would never be counted. To record the event again, "
                "give it a new idempotency key (for example the same id with '-r2' added) or none.", seq=prior.seq)
        out = dict(prior.record)
        out["already_recorded"] = True
        if later is not None:
            out["corrected_by"] = later.seq
        return out

    def _check_new_key_period(self, ev: Mapping[str, Any]) -> None:
        """A new person key may start only where it cannot split a booking in a 060(b) figure: not in a
        half-year that already holds a booking this key cannot open (that booking, recorded again under the
        new key, would count as two individuals; w16e F02)."""
        if self.person_key is None:
            return
        from .sealing import unseal

        when = parse_stored(str(ev.get("occurred_at") or ""))
        if when is None:
            return
        j = self.jurisdiction
        local = when.astimezone(j.tz) if hasattr(j, "tz") else when
        half = (local.year, local.month > 6)
        for row in self._ledger().current:
            sealed = row.event.get("booking_sealed")
            at = row.occurred
            if not isinstance(sealed, str) or at is None:
                continue
            at = at.astimezone(j.tz) if hasattr(j, "tz") else at
            if (at.year, at.month > 6) == half and unseal(self.person_key, sealed) is None:
                first = f"{half[0]}-07-01" if not half[1] else f"{half[0] + 1}-01-01"
                raise PersonKeyMismatchError(
                    f"not recorded: seq {row.seq} in the same 2.129.060 half-year names a booking under another "
                    "person key; with {allow} a booking recorded under both keys would be counted as two "
                    "individuals in 060(b). A new person key can start only in a new log or with a half-year "
                    f"that has no entries under the old key (from {first}). Check the person key file "
                    "(docs/compliance.md step 2): it is probably the old key that should be used.")

    def _check_person_key(self) -> None:
        """The person key must be the one the log's recent bookings were sealed under: a booking recorded under
        another key is a second individual in 060(b) (its person reference differs), and cannot be told apart."""
        if self.person_key is None:
            return
        from .sealing import unseal

        seen = 0
        try:
            items = self.guard.audit.sink.tail_items(PERSON_KEY_WINDOW)
        except Exception:  # noqa: BLE001 - a sink that cannot be read here fails at the append, naming why
            return
        import orjson

        for item in reversed(items):
            if b'"booking_sealed"' not in item.data:
                continue
            try:
                rec = orjson.loads(item.data)
            except orjson.JSONDecodeError:
                continue
            ev = rec.get("event") if isinstance(rec, dict) else None
            sealed = ev.get("booking_sealed") if isinstance(ev, dict) else None
            if not isinstance(sealed, str) or not sealed:
                continue
            seen += 1
            if unseal(self.person_key, sealed) is not None:
                return
        if seen:
            raise PersonKeyMismatchError(
                "not recorded: the person key given ({param}) does not match the key "
                + ("the most recent entry naming a booking in this log was" if seen == 1 else
                   f"the {seen} most recent entries naming a booking in this log were") + " recorded with. "
                "With it, a person already in the log would get a second person reference and be counted as "
                "another individual in the 2.129.060(b) figures. Check that it is the key file made in "
                "docs/compliance.md step 2. If the city deliberately started a new person key, record the "
                "entry again with {allow}.")

    # -- building ---------------------------------------------------------------------------------
    def _build(self, etype: EventType, *, person_id: str | None, person_ref_: str | None, booking_id: str | None,
               case_ref: str | None, amount: Any, currency: str, disclosable: bool | None,
               in_custody: bool | None, hold_basis: Sequence[str] | str | None, obligation_ref: str | None,
               occurred_at: Any, department: str | None, request_id: str | None,
               idempotency_key: str | None) -> dict[str, Any]:
        dept = department or self.department
        now = datetime.now(timezone.utc)
        when = self.jurisdiction.parse_time(occurred_at) if occurred_at is not None else now
        refusal_when = when if occurred_at is not None else None  # else the log's own time says when
        if when > now + MAX_CLOCK_SKEW:
            # a future date would be counted in a later report period than the one it belongs to
            raise EventError("{param} is in the future; an event is recorded after it happens", param="occurred_at")
        ev: dict[str, Any] = {
            "type": etype.value,
            "event_id": _derived("evt", idempotency_key) if idempotency_key is not None else "evt" + secrets.token_hex(8),
            "citation": CITATIONS[etype],
            "occurred_at": iso_z(when),
        }
        if dept is not None:
            ev["department"] = _department(dept)

        ref = self._person(etype, person_id, person_ref_)
        if ref is not None:
            ev["person_ref"] = ref
        local = booking_id if booking_id is not None else person_id
        if local is not None and self.person_key is not None:
            from .sealing import key_id, seal

            try:
                ev["booking_sealed"] = seal(self.person_key, local)
                ev["person_key_id"] = key_id(self.person_key)
            except EventError as e:
                raise EventError(e.template, param="booking_id" if booking_id is not None else "person_id") from None
        elif booking_id is not None:
            raise EventError("{param} needs the person-reference key (it is stored sealed under it)",
                             param="booking_id")

        if etype in (EventType.FEDERAL_REIMBURSEMENT, EventType.ICE_COOPERATION) or case_ref is not None:
            ev["case_ref"] = self._case(etype, case_ref)

        if etype is EventType.FEDERAL_REIMBURSEMENT:
            if amount is None:
                raise EventError("a federal reimbursement needs an amount ({param})", param="amount")
            ev["amount"] = parse_amount(amount)
            if not re.fullmatch(r"[A-Z]{3}", currency or ""):
                raise EventError("{param} must be an ISO 4217 code such as USD", param="currency")
            ev["currency"] = currency
        elif amount is not None:
            raise EventError("only a federal reimbursement carries an amount ({param})", param="amount")

        if etype is EventType.ICE_COOPERATION:
            if not isinstance(disclosable, bool):
                raise EventError("an ICE cooperation event must state whether it can be publicly disclosed "
                                 "(give {param})", param="disclosable")
            ev["disclosable"] = disclosable
        elif disclosable is not None:
            raise EventError("only an ICE cooperation event carries a disclosable flag ({param})",
                             param="disclosable")

        if in_custody is not None:
            if not isinstance(in_custody, bool):
                raise EventError("{param}: say whether the person is in custody (yes or no)", param="in_custody")
            ev["state"] = "in_custody" if in_custody else "not_in_custody"

        if etype in OBLIGATION_OPENERS and in_custody is None:
            raise EventError("a detainer or administrative warrant must say whether the person is in custody "
                             "({param}): 040(g) notice depends on it", param="in_custody")
        if etype in OBLIGATION_OPENERS and in_custody:
            ev["obligation_ref"] = (_derived("obl", idempotency_key) if idempotency_key is not None
                                    else new_obligation_ref())
            ev["due_at"] = iso_z(when + self.notice_due)

        if etype is EventType.NOTICE_DELIVERED:
            if not obligation_ref or not OBLIGATION_REF_RE.fullmatch(str(obligation_ref)):
                raise EventError("{param} must be the reference printed when the detainer or warrant was recorded: "
                                 "obl followed by 16 letters and digits, e.g. obl3f0c9a2b7d4e1f60 (the obligations "
                                 "listing shows them)", param="obligation_ref")
            ev["obligation_ref"] = obligation_ref
        elif obligation_ref is not None and etype not in OBLIGATION_OPENERS:
            raise EventError("only notice_delivered refers to an existing obligation ({param})",
                             param="obligation_ref")

        if etype is EventType.DETAINED_ON_ICE_HOLD:
            ev["hold_basis"] = self._check_hold_basis(hold_basis, dept, request_id, refusal_when)
        elif hold_basis is not None:
            raise EventError("only detained_on_ice_hold carries a hold basis ({param})", param="hold_basis")
        return ev

    def _append(self, ev: dict[str, Any], request_id: str | None) -> dict[str, Any]:
        rec: dict[str, Any] = {"kind": "event", "adapter": self.adapter, "event": ev}
        if request_id is not None:
            rec["request_id"] = request_id
        return self.guard.audit.append(rec)

    def _person(self, etype: EventType, person_id: str | None, ref: str | None) -> str | None:
        if person_id is not None and ref is not None:
            raise EventError("give {param} or person_ref, not both", param="person_id")
        if person_id is not None:
            if self.person_key is None:
                raise EventError("{param} needs the person-reference key ({person_key}): names and local ids "
                                 "are never written to the log", param="person_id")
            return person_ref(self.person_key, person_id)
        if ref is not None:
            if not isinstance(ref, str) or not PERSON_REF_RE.fullmatch(ref):
                raise EventError("{param} must be 64 lower-case hex characters (HMAC-SHA256)", param="person_ref")
            return ref
        if etype in PERSON_TYPES:
            raise EventError(f"a {etype.value} event needs the person ({{param}})", param="person_id")
        return None

    @staticmethod
    def _case(etype: EventType, case_ref: str | None) -> str:
        if case_ref is None:
            raise EventError(f"a {etype.value} event needs a case reference ({{param}})", param="case_ref")
        if not isinstance(case_ref, str) or not CASE_REF_RE.fullmatch(case_ref):
            raise EventError("{param} must be a short case reference (letters, digits, ._/#-; at most 40)",
                             param="case_ref")
        return case_ref

    def _check_hold_basis(self, hold_basis: Sequence[str] | str | None, dept: str | None,
                          request_id: str | None, when: datetime | None) -> list[str]:
        """040(d): no detention whose only basis is an ICE detainer or administrative warrant. Only codes
        of the policy's vocabulary are accepted, and they are stored, so an auditor sees the basis."""
        if hold_basis is None or (not isinstance(hold_basis, str) and len(hold_basis) == 0):
            raise EventError("detained_on_ice_hold needs the hold basis ({param}): 040(d) forbids a hold whose "
                             "only basis is a detainer or administrative warrant", param="hold_basis")
        bases = [hold_basis] if isinstance(hold_basis, str) else list(hold_basis)
        if len(bases) > MAX_HOLD_BASES or not all(isinstance(b, str) and 0 < len(b) <= 64 for b in bases):
            raise EventError(f"{{param}} must be 1-{MAX_HOLD_BASES} codes", param="hold_basis")
        j = self.jurisdiction
        if not j.hold_bases:
            raise EventError("the policy has no hold-basis vocabulary (compliance.hold_bases): a hold cannot be "
                             "checked against 040(d), so it is not recorded", param="hold_basis")
        codes = list(dict.fromkeys(j.hold_basis(b).code for b in bases))
        decision = self.guard.check_submission({"hold_basis": codes}, scope="police", requester="local",
                                               action="detain")
        if getattr(decision.effect, "value", decision.effect) == "block":
            self._record_refusal(decision, dept, request_id, when)
            raise RefusedError(decision)
        return codes

    def _record_refusal(self, decision: Any, dept: str | None, request_id: str | None,
                        when: datetime | None) -> None:
        """The refused attempt, dated when the refused act occurred when that was given (the report counts
        it then); else the log's own time is when it occurred."""
        from status_guard.safe_paths import audit_safe, new_request_id

        rec = audit_safe(decision).to_record()
        rec.update(adapter=self.adapter, request_id=request_id or new_request_id(), monitor=False)
        if when is not None:
            rec["occurred_at"] = iso_z(when)
        if dept is not None:
            rec["department"] = dept
        self.guard.audit.append(rec)

    # -- reading the log ------------------------------------------------------------------------
    def _ledger(self) -> Any:
        import orjson

        from .ledger import ledger_of

        def records() -> Any:
            for item in self.guard.audit.sink.raw_items():
                if b'"kind":"event"' not in item.data:
                    continue
                try:
                    rec = orjson.loads(item.data)
                except orjson.JSONDecodeError:
                    continue
                if isinstance(rec, dict):
                    yield rec

        return ledger_of(records())

    def _target(self, target: str | int) -> Any:
        ledger = self._ledger()
        row = ledger.find(target)
        if row is None or row.event_id is None:
            raise EventError("no event in the log has that sequence number or event id", param="target")
        if row.type == EventType.VOID.value:
            raise EventError("that record is itself a void; record the event again instead", param="target")
        later = ledger.superseded_by.get(row.event_id)
        if later is not None:
            raise EventError(f"that event was already voided or corrected by seq {later}; correct that one instead",
                             param="target")
        return row

    def _close_obligation(self, ev: dict[str, Any], *, person_given: bool,
                          booking_given: bool = False) -> dict[str, Any] | None:
        from .obligations import obligations_from

        ledger = self._ledger()
        obs, _ = obligations_from(ledger)
        ob = next((o for o in obs if o.ref == ev["obligation_ref"]), None)
        if ob is None:
            raise EventError("no open 040(g) obligation has this reference ({param}); it was never opened, or its "
                             "detainer/warrant was voided", param="obligation_ref")
        if ob.closed_seq is not None:
            closer = ledger.find(ob.closed_seq)
            if closer is not None and closer.event_id == ev["event_id"]:
                return None  # the same notice, retried: record() checks it repeats the stored one
            raise EventError(f"obligation {ob.ref} was already closed by seq {ob.closed_seq}; a second notice is "
                             "not recorded (void or correct the first one if it was wrong)", param="obligation_ref")
        self._check_notice_after_opening(ev, ob)
        if person_given:
            if ob.person_ref is not None and ev.get("person_ref") != ob.person_ref and ob.booking_sealed \
                    and self.person_key is not None:
                from .sealing import unseal

                if unseal(self.person_key, ob.booking_sealed) is None:
                    # the key, not the person, is what differs (w16d F10): say so
                    raise EventError(f"the person key given ({{param}}) is not the key obligation {ob.ref} was "
                                     "recorded with, so the person given cannot be matched to it: check the key "
                                     "file (docs/compliance.md step 2), or leave the person out to take it from "
                                     "the obligation", param="person_key")
            if ob.person_ref is not None and ev.get("person_ref") != ob.person_ref:
                raise EventError("the notice names a different person from the one obligation "
                                 f"{ob.ref} is owed to; leave the person out to take it from the obligation",
                                 param="person_id")
        elif ob.person_ref is not None:
            ev["person_ref"] = ob.person_ref
        if booking_given and ob.booking_sealed and ev.get("booking_sealed") != ob.booking_sealed:
            # the booking is part of whom the notice is owed to: another booking is another person's notice
            from .sealing import unseal

            given, owed = unseal(self.person_key, ev.get("booking_sealed")), unseal(self.person_key, ob.booking_sealed)
            if given is None or owed is None or given.strip().casefold() != owed.strip().casefold():
                raise EventError("the notice names a different booking from the one obligation "
                                 f"{ob.ref} is owed to; leave {{param}} out to take it from the obligation",
                                 param="booking_id")
        if ob.booking_sealed:
            ev["booking_sealed"] = ob.booking_sealed  # the obligation's booking, whatever spelling was typed
            ev.pop("person_key_id", None)
        return None

    def _check_notice_person(self, ev: dict[str, Any], old: Mapping[str, Any]) -> None:
        if "person_ref" not in ev and old.get("person_ref"):
            ev["person_ref"] = old["person_ref"]
        from .obligations import obligations_from

        obs, _ = obligations_from(self._ledger())
        ob = next((o for o in obs if o.ref == ev.get("obligation_ref")), None)
        if ob is not None and ob.person_ref is not None and ev.get("person_ref") != ob.person_ref:
            raise EventError("the corrected notice names a different person from the obligation's",
                             param="person_id")
        if ob is not None:
            self._check_notice_after_opening(ev, ob)

    def _check_notice_after_opening(self, ev: Mapping[str, Any], ob: Any) -> None:
        """040(g): the notice is a copy of a detainer or warrant already received; a notice given before
        it was received is an impossible fact and never closes the obligation."""
        given = parse_stored(str(ev.get("occurred_at") or ""))
        received = parse_stored(ob.opened_at or "")
        if given is not None and received is not None and given < received:
            j = self.jurisdiction
            raise EventError(f"the notice is dated {j.show(given)}, before the {ob.opened_by.replace('_', ' ')} "
                             f"it copies was received ({j.show(received)}); a 040(g) notice can only be given "
                             "after the detainer or warrant arrived. Check the date and time ({param})",
                             param="occurred_at")


# what is not part of the fact itself: ids, references, the derived deadline, sealing
_NOT_FACT = frozenset({"event_id", "obligation_ref", "due_at", "idempotency_key", "request_id", "booking_sealed",
                       "person_key_id",
                       "state", "corrects", "related_seq", "reason_code"})


def fact_of(ev: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """An event's facts (type, time, person, case, amount, bases...) for spotting a second entry of the
    same thing; times compared as instants."""
    out = []
    for k, v in ev.items():
        if k in _NOT_FACT:
            continue
        if k == "occurred_at" and isinstance(v, str):
            dt = parse_stored(v)
            v = dt.isoformat() if dt is not None else v
        elif k == "case_ref" and isinstance(v, str):
            v = same_id(v)  # inv-1 typed again as INV-1 is the same entry (w16e F14)
        out.append((k, repr(sorted(v) if isinstance(v, list) else v)))
    return tuple(sorted(out))


PERSON_KEY_WINDOW = 1000  # the most recent records read to check the person key matches the log's bookings
# what a retry must repeat: everything but ids, the derived deadline and sealing (sealing is randomised per write)
_RETRY_IGNORED = frozenset({"event_id", "obligation_ref", "due_at", "idempotency_key", "request_id", "person_key_id",
                            "booking_sealed", "related_seq", "citation"})
RETRY_WORDS = {"person_ref": "person", "case_ref": "case", "amount": "amount", "currency": "currency",
               "disclosable": "disclosable flag", "state": "custody status", "hold_basis": "hold basis",
               "department": "department", "type": "event type", "corrects": "corrected entry",
               "reason_code": "reason"}


def retry_differences(old: Mapping[str, Any], new: Mapping[str, Any], *, time_given: bool = True
                      ) -> list[str]:
    """The fields in which ``new`` (a retry under the same idempotency key) differs from ``old`` (the entry
    stored): times as instants, lists as sets. The time is compared only when the retry gave one (a retry
    without a time is dated when it is sent); the person only when the retry names one."""
    out = []
    for k in sorted(set(old) | set(new)):
        if k in _RETRY_IGNORED or (k == "occurred_at" and not time_given) or (k == "person_ref" and k not in new):
            continue
        a, b = old.get(k), new.get(k)
        if k == "occurred_at":
            a = parse_stored(a) if isinstance(a, str) else a
            b = parse_stored(b) if isinstance(b, str) else b
        elif isinstance(a, list) and isinstance(b, list):
            a, b = sorted(map(str, a)), sorted(map(str, b))
        if a != b:
            out.append(k)
    return out


FIELD_NAMES = {"in_custody": "custody status", "disclosable": "disclosable status", "amount": "amount",
               "currency": "currency", "case_ref": "case reference"}


class VoidedKeyError(EventError):
    """A retry under an idempotency key whose entry was voided (nothing stored)."""

    def __init__(self, template: str, seq: int) -> None:
        super().__init__(template, param="idempotency_key")
        self.earlier_seq = seq


class IdempotencyConflictError(EventError):
    """A retry under an idempotency key already used for an entry with other details (nothing stored)."""

    def __init__(self, template: str, seq: int, fields: tuple[str, ...]) -> None:
        self.earlier_seq = seq
        self.fields = fields
        super().__init__(template, param="idempotency_key")


class PersonKeyMismatchError(EventError):
    """The person key opens none of the log's recent bookings: the entry would split a person in two."""

    def __init__(self, template: str) -> None:
        super().__init__(template, param="person_key")

    def render(self, names: Mapping[str, str] | None = None) -> str:
        names = dict(names or {})
        # the option to name is the new-person-key one (w16e F07: it read "again with allow.")
        names["allow"] = names.get("allow_new_person_key", "allow_new_person_key=True")
        return super().render(names)


class DuplicateEventError(EventError):
    """A second entry of an event already in the log (same type, time and details)."""

    def __init__(self, template: str, seq: int) -> None:
        self.earlier_seq = seq
        super().__init__(template, param="allow_duplicate")

    def render(self, names: Mapping[str, str] | None = None) -> str:
        names = dict(names or {})
        return self.template.replace("{allow}", names.get("allow_duplicate", "allow_duplicate=True"))


def _reason(reason: str) -> str:
    from .ledger import REASONS

    code = str(reason or "").strip().lower().replace("-", "_").replace(" ", "_")
    if code not in REASONS:
        raise EventError("{param} must be one of " + ", ".join(REASONS) + " (the log holds no free text)",
                         param="reason")
    return code


def event_of(record: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The ``event`` object of an event record, else None."""
    if record.get("kind") != "event":
        return None
    ev = record.get("event")
    return ev if isinstance(ev, Mapping) else None
