"""2.129.050 complaint packets: the cited rule, the audit records, the recipients.

A packet is drafted from one audit record (by sequence number or request id) and the records
that share its request id. Recipients come from the policy (``departments.complaints``): the
default list, plus the scope's list for police or school records. Packets carry the value-free
audit records only, minus pseudonymous person references; they never hold a field value.

Every time a packet shows is in the jurisdiction's time zone (the pack's ``compliance.time_zone``,
America/New_York for Cambridge) with the zone named — the incident time (when the recorded thing
occurred), when it was written to the log, when the packet was drafted. The JSON form gives ISO
times with their offset. The officer's **allegation** (``allegation=``) is text about a person and
goes into the packet only: drafting a packet writes nothing to the audit log, so the allegation can
never reach it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .events import EventType, event_of
from .obligations import obligations_from
from .source import Snapshot, sink_kind

PACKET_KEYS = ("seq", "time", "kind", "adapter", "action", "effect", "citations", "rules", "categories", "fields",
               "scope", "requester", "purpose", "exceptions", "route", "fingerprint", "department", "request_id",
               "monitor", "http_status", "hash")
EVENT_KEYS = ("type", "event_id", "citation", "case_ref", "obligation_ref", "department", "occurred_at", "due_at",
              "state", "disclosable", "amount", "currency")
EVENT_SCOPE = "police"  # compliance events are recorded by the police system
MAX_RELATED = 50
MAX_ALLEGATION = 20_000  # characters: a few pages


def clean_allegation(text: str | None) -> str | None:
    """The officer's allegation as it goes into the packet: control characters (other than line
    breaks and tabs) removed, line breaks normalised; over MAX_ALLEGATION characters is an error."""
    if text is None:
        return None
    t = text.replace("\r\n", "\n").replace("\r", "\n")
    t = "".join(ch for ch in t if ch in "\n\t" or (ord(ch) >= 32 and ord(ch) != 127 and not 0x80 <= ord(ch) < 0xA0))
    t = t.strip()
    if len(t) > MAX_ALLEGATION:
        raise ComplaintError(f"the allegation is {len(t)} characters; at most {MAX_ALLEGATION} fit in a packet "
                             "(attach longer statements separately)")
    return t or None


class ComplaintError(ValueError):
    """The packet cannot be drafted (unknown record, no routing in the policy)."""


@dataclass(frozen=True)
class CitedRule:
    citation: str
    title: str
    reason: str


@dataclass(frozen=True)
class ComplaintPacket:
    record_seq: int
    scope: str | None
    department: str | None
    recipients: tuple[str, ...]
    rules: tuple[CitedRule, ...]
    records: tuple[Mapping[str, Any], ...]
    log_description: str
    log_verified: bool
    log_problems: int
    generated_at: str
    policy: str
    complaint_citation: str = "2.129.050"
    rule_titles: Mapping[str, str] = field(default_factory=dict)
    incident_at: str | None = None        # when the recorded thing occurred (UTC, ISO)
    allegation: str | None = None
    time_zone: str = "UTC"
    log_state: str = "verified"           # verified | consistent | key_missing | failed (compliance.verification)
    log_headline: str = ""
    log_css: str = ""                     # the banner colour the verification chose (yellow when not witnessed)
    log_witnessed: bool = True

    @property
    def jurisdiction(self) -> Any:
        from .jurisdiction import Jurisdiction

        return Jurisdiction(tz_name=self.time_zone)

    def shown(self, value: str | None) -> str:
        """A stored time as a person reads it: '2026-04-21 08:00 EDT (America/New_York)'."""
        text = self.jurisdiction.show(value)
        return f"{text} ({self.time_zone})" if text else "not recorded"

    def iso_local(self, value: str | None) -> str | None:
        from .jurisdiction import parse_stored

        dt = parse_stored(value) if isinstance(value, str) else None
        return dt.astimezone(self.jurisdiction.tz).isoformat() if dt is not None else None

    @property
    def banner_css(self) -> str:
        return self.log_css or {"verified": "ok", "failed": "bad"}.get(self.log_state, "warn")

    def as_dict(self) -> dict[str, Any]:
        return {
            "complaint_under": self.complaint_citation, "record_seq": self.record_seq, "scope": self.scope,
            "department": self.department, "recipients": list(self.recipients),
            "incident_at": self.iso_local(self.incident_at), "time_zone": self.time_zone,
            "allegation": self.allegation,
            "rules": [r.__dict__ for r in self.rules], "records": [dict(r) for r in self.records],
            # the kind of log, never its location: the packet goes to the City Manager
            "log": {"kind": sink_kind(self.log_description), "verified": self.log_verified,
                    "state": self.log_state, "witnessed": self.log_witnessed, "problems": self.log_problems},
            "generated_at": self.iso_local(self.generated_at), "policy": self.policy,
        }


def _clean(rec: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: rec[k] for k in PACKET_KEYS if k in rec}
    ev = event_of(rec)
    if ev is not None:
        out["event"] = {k: ev[k] for k in EVENT_KEYS if k in ev}  # no person_ref
    return out


# what a complaint can be about: a decision of the guard, or an event an officer recorded
COMPLAINABLE_KINDS = frozenset({"decision", "event"})
MARKER_WORDS = {"start": "the start marker of a writer session", "end": "the end marker of a writer session",
                "continuation": "a continuation marker", "heartbeat": "a heartbeat (a sign the log was running)",
                "checkpoint": "a signed checkpoint"}


def _find(snapshot: Snapshot, record_id: str | int) -> Mapping[str, Any]:
    rid = str(record_id).strip()
    found: Mapping[str, Any] | None = None
    if re.fullmatch(r"[0-9]{1,12}", rid):
        found = snapshot.by_seq(int(rid))
    else:
        found = next((r for r in snapshot.records if r.get("request_id") == rid
                      and r.get("kind") in COMPLAINABLE_KINDS), None)
    if found is None:
        raise ComplaintError("no audit record has that sequence number or request id")
    kind = found.get("kind")
    if kind not in COMPLAINABLE_KINDS:
        what = MARKER_WORDS.get(str(kind), f"a {kind} record")
        raise ComplaintError(f"record {found.get('seq', rid)} is {what}: nothing was decided, refused or recorded "
                             "there. A complaint is about a decision of the guard or a recorded event; find its "
                             "sequence number with status-guard audit query or on the dashboard's Audit log page")
    return found


def _rule_texts(policy: Any) -> tuple[dict[str, CitedRule], dict[str, CitedRule]]:
    """(by rule id, by citation) from the policy's rules, value rules and notes."""
    f = getattr(policy, "file", policy)
    by_id: dict[str, CitedRule] = {}
    by_cite: dict[str, CitedRule] = {}
    for r in list(getattr(f, "rules", []) or []) + list(getattr(f, "value_rules", []) or []):
        cr = CitedRule(r.citation, r.title, r.reason)
        by_id[r.id] = cr
        by_cite.setdefault(r.citation, cr)
    for n in getattr(f, "notes", []) or []:
        by_cite.setdefault(n.citation, CitedRule(n.citation, n.title, n.note))
    return by_id, by_cite


def recipients_for(policy: Any, scope: str | None) -> tuple[str, ...]:
    f = getattr(policy, "file", policy)
    routing = (getattr(f, "departments", {}) or {}).get("complaints") or {}
    default = list(routing.get("default") or [])
    extra = list(routing.get(scope) or []) if scope else []
    out: list[str] = []
    for name in default + extra:
        if isinstance(name, str) and name not in out:
            out.append(name)
    if not out:
        raise ComplaintError("the policy has no complaint routing (departments.complaints.default)")
    return tuple(out)


def draft_complaint(snapshot: Snapshot, record_id: str | int, policy: Any,
                    now: datetime | None = None, allegation: str | None = None,
                    obligations: Sequence[Any] | None = None) -> ComplaintPacket:
    """The packet for the record ``record_id`` (a sequence number or a request id), with the officer's
    ``allegation`` (in the packet only; nothing is written to the audit log). ``obligations``: the
    log's 040(g) obligations when the caller already has them (``obligations_from``)."""
    from .jurisdiction import jurisdiction_of

    now = now or datetime.now(timezone.utc)
    allegation = clean_allegation(allegation)
    rec = _find(snapshot, record_id)
    ev = event_of(rec)
    scope = rec.get("scope") if isinstance(rec.get("scope"), str) else (EVENT_SCOPE if ev is not None else None)
    related = [rec]
    rid = rec.get("request_id")
    if isinstance(rid, str):
        related += [r for r in snapshot.records if r.get("request_id") == rid and r is not rec][:MAX_RELATED]
    by_id, by_cite = _rule_texts(policy)
    rules: list[CitedRule] = []
    for r in related:
        for rule_id in r.get("rules") or ():
            if rule_id in by_id and by_id[rule_id] not in rules:
                rules.append(by_id[rule_id])
        for c in r.get("citations") or ():
            cr = by_cite.get(c, CitedRule(c, c, "See the ordinance text."))
            if not any(x.citation == c for x in rules):
                rules.append(cr)
    if ev is not None and isinstance(ev.get("obligation_ref"), str):
        obs = obligations if obligations is not None else obligations_from(snapshot.records)[0]
        for ob in obs:
            if ob.ref == ev["obligation_ref"]:
                related += [r for r in snapshot.records if (e := event_of(r)) is not None
                            and e.get("obligation_ref") == ob.ref and r is not rec
                            and e.get("type") == EventType.NOTICE_DELIVERED.value]
                if ob.status(now) != "closed_on_time" and not any(x.citation == ob.citation for x in rules):
                    rules.append(by_cite.get(ob.citation, CitedRule(ob.citation, "Notice to individuals", "")))
    if not rules and ev is not None and isinstance(ev.get("citation"), str):
        c = ev["citation"]
        from .events import TITLES as EVENT_TITLES

        etype = ev.get("type")
        title = (EVENT_TITLES[EventType(etype)] if etype in EventType._value2member_map_
                 else "an event the ordinance counts")
        # an event the 060 report counts is not itself a violation: say what the clause is, not a placeholder
        rules.append(by_cite.get(c, CitedRule(
            c, f"Reported to the City Clerk (2.129.060): {title}",
            "The City reports these events twice a year (2.129.060). Recording one is not a violation; describe "
            "in the allegation what was wrong.")))
    f = getattr(policy, "file", policy)
    v = snapshot.verification
    view = snapshot.view()
    incident = (ev.get("occurred_at") if ev is not None else None) or rec.get("occurred_at") or rec.get("time")
    return ComplaintPacket(
        record_seq=int(rec.get("seq", -1)), scope=scope,
        department=rec.get("department") or (ev.get("department") if ev is not None else None),
        recipients=recipients_for(policy, scope), rules=tuple(rules),
        records=tuple(_clean(r) for r in related), log_description=snapshot.description, log_verified=v.ok,
        log_problems=len(v.problems), generated_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        policy=f"{getattr(f, 'id', '')} {getattr(f, 'version', '')}".strip(),
        rule_titles={rid: cr.title for rid, cr in by_id.items()},
        incident_at=incident if isinstance(incident, str) else None, allegation=allegation,
        time_zone=jurisdiction_of(policy).tz_name, log_state=view.state, log_headline=view.headline,
        log_css=view.css, log_witnessed=view.witnessed,
    )


def log_sentence(p: ComplaintPacket) -> str:
    if p.log_state == "verified" and not p.log_witnessed:
        return ("The audit log verified when this packet was drafted, but it was not compared with a witness, so "
                "records cut from its end would not show (not a sign of tampering).")
    if p.log_state == "verified":
        return "The audit log verified when this packet was drafted."
    if p.log_state == "failed":
        return f"THE AUDIT LOG DID NOT VERIFY ({p.log_problems} problem(s)) when this packet was drafted."
    if p.log_state == "wrong_key":
        return ("The audit log could not be checked when this packet was drafted: the key given is not the log's own "
                "key (not by itself a sign of tampering; draft again with the log's key).")
    return f"{p.log_headline} when this packet was drafted (not a sign of tampering)."


ALLEGATION_PROMPT = ("(Describe what happened, in your own words, or draft again with --allegation. Do not paste "
                     "personal information about the person concerned into this packet.)")


def packet_markdown(p: ComplaintPacket, j: Any = None) -> str:
    from .describe import describe

    j = j or p.jurisdiction
    lines = [f"# Complaint under {p.complaint_citation} (Welcoming Community Ordinance)", "",
             "**To:** " + "; ".join(p.recipients), "",
             f"**Concerning:** audit record {p.record_seq}" + (f", {p.scope} scope" if p.scope else "")
             + (f", {p.department}" if p.department else ""), "",
             f"**Incident time:** {p.shown(p.incident_at)}", "",
             f"**Audit log:** {log_sentence(p)}", "",
             f"**Policy:** {p.policy}. **Drafted:** {p.shown(p.generated_at)}.", "", "## Rules cited", ""]
    for r in p.rules:
        lines.append(f"- **{r.citation} — {r.title}.** {r.reason}")
    lines += ["", "## What the log records", "",
              "In words, from the value-free audit log: field names, categories and clauses only; no field value, "
              "name or person reference.", ""]
    for rec in p.records:
        d = describe(rec, j, rule_titles=p.rule_titles)
        lines += [f"### Record {rec.get('seq')}: {d.summary}", ""]
        lines += [f"- {k}: {v}" for k, v in d.rows]
        lines.append("")
    lines += ["## Allegation", "", p.allegation if p.allegation else ALLEGATION_PROMPT, "",
              "## The records as stored", "", "(Times here are in UTC, as the log stores them.)", "", "```json"]
    lines += [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in p.records]
    lines += ["```", ""]
    return "\n".join(lines)


def packet_json(p: ComplaintPacket) -> str:
    return json.dumps(p.as_dict(), ensure_ascii=False, indent=2, sort_keys=True)


DASHBOARD_ALLEGATION_PROMPT = ("(Describe what happened, in your own words, in the box above, or after downloading. "
                               "Do not paste personal information about the person concerned into this packet.)")


def packet_html(p: ComplaintPacket, j: Any = None, *, standalone: bool = True,
                allegation_prompt: str = ALLEGATION_PROMPT) -> str:
    """The packet as a document (the dashboard shows it; `complaint draft --format html` writes it)."""
    from .describe import describe
    from .render import STATIC, jinja_env

    j = j or p.jurisdiction
    described = [(rec, describe(rec, j, rule_titles=p.rule_titles)) for rec in p.records]
    css = (STATIC / "report.css").read_text(encoding="utf-8") if standalone else ""
    return jinja_env().get_template("complaint_document.html").render(
        p=p, described=described, standalone=standalone, css=css, log_sentence=log_sentence(p),
        allegation_prompt=allegation_prompt,
        records_json=[json.dumps(r, ensure_ascii=False, sort_keys=True) for r in p.records])
