"""An audit record in words, for people: the dashboard's record page and complaint packets.

``describe(record, ...)`` returns a one-sentence summary and labelled rows ("What happened",
"Fields", "Categories", "Requester"...), each a plain string; never a Python repr, never a person
reference. A sealed booking number is shown only when the caller holds the person key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .events import TITLES, EventType
from .jurisdiction import Jurisdiction
from .ledger import REASONS

EFFECT_WORDS = {"block": "Refused", "strip": "Removed the field(s) and let the rest through",
                "redact": "Hid the value(s) and let the rest through", "flag": "Allowed, and flagged for review",
                "allow": "Allowed"}
ACTION_WORDS = {"collect": "asking for {cats}", "store": "storing {cats}", "select_by": "selecting people by {cats}",
                "read": "reading {cats}", "disclose": "sending out {cats}", "access": "access to a person in custody",
                "detain": "recording a hold on a person ({cats})"}
ACTION_NOUNS = {"collect": "asking for information", "store": "storing information", "select_by": "selecting people",
                "read": "reading records", "disclose": "sending information out", "access": "access to a person in "
                "custody", "detain": "recording a hold on a person"}
KIND_WORDS = {"decision": "Decision by the guard", "event": "Event entered by the police system",
              "heartbeat": "Heartbeat (the log was alive)", "start": "Log started", "continuation":
              "Log continued by a writer", "end": "Log closed by its writer", "checkpoint": "Signed checkpoint"}
ADAPTER_WORDS = {"asgi": "web application (middleware)", "sql": "database query inspector", "scan": "scanner",
                 "cli": "command line", "event": "events entry", "text": "free-text detector",
                 "compliance": "compliance toolkit", "dashboard": "dashboard"}
STATE_WORDS = {"in_custody": "in custody", "not_in_custody": "not in custody"}
REQUESTER_WORDS = {"local": "a local (city) user", "state": "a state agency", "federal": "a federal officer",
                   "federal_immigration": "a federal immigration officer", "public": "a member of the public",
                   "unknown": "an unidentified requester"}


@dataclass(frozen=True)
class Described:
    summary: str
    rows: tuple[tuple[str, str], ...]
    citations: tuple[str, ...]
    detail: str = ""


def _words(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (list, tuple)):
        return ", ".join(_words(x) for x in v)
    if isinstance(v, Mapping):
        return "; ".join(f"{k.replace('_', ' ')}: {_words(x)}" for k, x in v.items() if x not in (None, "", []))
    return str(v)


def _cats(cats: Sequence[str]) -> str:
    return ", ".join(c.replace("_", " ") for c in cats)


def describe(rec: Mapping[str, Any], j: Jurisdiction | None = None, *, booking: str | None = None,
             hold_labels: Mapping[str, str] | None = None, rule_titles: Mapping[str, str] | None = None) -> Described:
    j = j or Jurisdiction()
    kind = str(rec.get("kind") or "")
    rows: list[tuple[str, str]] = [("Kind", KIND_WORDS.get(kind, kind)), ("Written to the log", j.show(rec.get("time"), seconds=True))]
    cites = tuple(c for c in (rec.get("citations") or ()) if isinstance(c, str))
    ev = rec.get("event") if kind == "event" and isinstance(rec.get("event"), Mapping) else None
    if ev is not None:
        etype = str(ev.get("type"))
        title = TITLES.get(EventType(etype), etype) if etype in EventType._value2member_map_ else etype
        summary = title
        rows.append(("Event", title))
        if ev.get("corrects"):
            how = "withdraws" if etype == EventType.VOID.value else "corrects"
            rows.append(("Correction", f"{how} record {ev.get('related_seq', '?')} — reason: "
                                       f"{REASONS.get(str(ev.get('reason_code')), _words(ev.get('reason_code')))}"))
            summary = ("Withdrawal of record " if etype == EventType.VOID.value else f"{title} (correction of record ") \
                + f"{ev.get('related_seq', '?')}" + ("" if etype == EventType.VOID.value else ")")
        rows.append(("Occurred", j.show(ev.get("occurred_at"))))
        if booking:
            rows.append(("Booking / local id", booking))
        elif ev.get("booking_sealed"):
            rows.append(("Booking / local id", "sealed (shown only with the person key)"))
        if ev.get("person_ref"):
            rows.append(("Person", "recorded as a pseudonymous reference (never shown)"))
        if ev.get("state"):
            rows.append(("Custody", STATE_WORDS.get(str(ev["state"]), _words(ev["state"]))))
        if ev.get("hold_basis"):
            labels = hold_labels or {}
            rows.append(("Hold basis", "; ".join(labels.get(b, b) for b in ev["hold_basis"])))
        if ev.get("case_ref"):
            rows.append(("Case", str(ev["case_ref"])))
        if ev.get("amount"):
            from .money import money

            rows.append(("Amount", money(ev["amount"], str(ev.get("currency") or "USD"))))
        if "disclosable" in ev:
            rows.append(("Can be publicly disclosed", _words(ev["disclosable"])))
        if ev.get("obligation_ref"):
            rows.append(("040(g) obligation", str(ev["obligation_ref"])))
        if ev.get("due_at"):
            rows.append(("Notice due", j.show(ev["due_at"])))
        if ev.get("department"):
            rows.append(("Department", str(ev["department"])))
        rows.append(("Event id", str(ev.get("event_id", ""))))
        if isinstance(ev.get("citation"), str):
            cites = cites or (ev["citation"],)
    elif kind == "decision":
        effect = str(rec.get("effect") or "")
        action = str(rec.get("action") or "")
        cats = [c for c in rec.get("categories") or () if isinstance(c, str)]
        fields = [f for f in rec.get("fields") or () if isinstance(f, str)]
        req = rec.get("requester") if isinstance(rec.get("requester"), Mapping) else {}
        who = REQUESTER_WORDS.get(str(req.get("class")), _words(req.get("class"))) if req else ""
        titles = [t for r in rec.get("rules") or () if (t := (rule_titles or {}).get(str(r)))]
        detail = (ACTION_WORDS.get(action, action + " {cats}").replace("{cats}", _cats(cats) or "protected information")
                  + (f"; requester: {who}" if who else "") + (" (monitor mode)" if rec.get("monitor") else ""))
        summary = (f"{EFFECT_WORDS.get(effect, effect)} — {titles[0]}" if titles else
                   f"{EFFECT_WORDS.get(effect, effect)}: {detail}")
        rows.append(("What the guard did", EFFECT_WORDS.get(effect, effect)
                     + (" — in monitor (report-only) mode: nothing was actually refused" if rec.get("monitor") else "")))
        rows.append(("What was being done", ACTION_NOUNS.get(action, action)))
        if cats:
            rows.append(("Protected information", _cats(cats)))
        if fields:
            rows.append(("Fields", ", ".join(fields)))
        if who:
            rows.append(("Requester", who + (f" ({req.get('agency')})" if req.get("agency") else "")))
        if rec.get("purpose"):
            rows.append(("Declared purpose", _words(rec["purpose"]).replace("_", " ")))
        for e in rec.get("exceptions") or ():
            if isinstance(e, Mapping):
                rows.append(("Exception used", _words({k: e.get(k) for k in ("id", "citation", "legal_basis",
                                                                          "reference", "purpose", "verified")})))
        if rec.get("occurred_at"):
            rows.append(("Occurred", j.show(rec["occurred_at"])))
        if rec.get("route"):
            rows.append(("Route", str(rec["route"])))
        if rec.get("fingerprint"):
            rows.append(("SQL statement (fingerprint)", str(rec["fingerprint"])))
        if rec.get("scope"):
            rows.append(("Scope", str(rec["scope"])))
        if rec.get("department"):
            rows.append(("Department", str(rec["department"])))
        if rec.get("http_status"):
            rows.append(("HTTP answer", str(rec["http_status"])))
    else:
        summary = KIND_WORDS.get(kind, kind)
        cp = rec.get("checkpoint") if isinstance(rec.get("checkpoint"), Mapping) else None
        if cp:
            rows.append(("Signs", f"the chain up to record {cp.get('seq')} (key {cp.get('key_id')})"))
    if rec.get("adapter"):
        rows.append(("Written by", ADAPTER_WORDS.get(str(rec["adapter"]), str(rec["adapter"]))))
    if rec.get("request_id"):
        rows.append(("Request id", str(rec["request_id"])))
    if cites:
        rows.append(("Clauses", ", ".join(cites)))
    if rec.get("rules"):
        titled = [f"{(rule_titles or {}).get(str(r), '')} ({r})".strip() for r in rec["rules"]]
        rows.append(("Policy rules", "; ".join(t.lstrip() for t in titled)))
    return Described(summary, tuple((k, v) for k, v in rows if v), cites,
                     detail if kind == "decision" else "")
