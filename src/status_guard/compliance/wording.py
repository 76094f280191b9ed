"""The report in plain words: the sentences every format shares (HTML, PDF, Markdown, CSV).

A City Clerk reads the first page; a technical reader the appendix. Nothing here names a server
path, a person reference or a value from the log: only counts, case references, amounts, dates.
"""

from __future__ import annotations

from typing import Any

from .charts import month_label
from .events import TITLES, EventType
from .money import money
from .report import SemiannualReport

SHORT = {
    "detainer_request": "ICE detainer requests",
    "ice_hold": "ICE holds",
    "administrative_warrant": "ICE administrative warrants",
    "notification_request": "notification requests",
}
TYPE_WORDS = {t.value: TITLES[t] for t in EventType}


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def report_title(r: SemiannualReport) -> str:
    where = r.metadata.get("jurisdiction")
    return f"Semiannual report under 2.129.060{', ' + where if where else ''}: {r.period.label()}"


def document_title(r: SemiannualReport) -> str:
    return f"Welcoming Community Ordinance report, {r.period.words()}"


def zone_words(r: SemiannualReport) -> str:
    z = r.zone
    return "Eastern Time (America/New_York)" if z == "America/New_York" else z


def period_sentence(r: SemiannualReport) -> str:
    return (f"This report covers {r.period.words()}: whole days in {zone_words(r)}, from midnight at the start "
            f"of {r.period.start.strftime('%B')} {r.period.start.day} to midnight at the end of "
            f"{r.period.end.strftime('%B')} {r.period.end.day}.")


def reimbursement_total_words(r: SemiannualReport) -> str:
    if not r.reimbursement_totals:
        return money(0)
    return " and ".join(money(t, c) for c, t in sorted(r.reimbursement_totals.items()))


def key_figures(r: SemiannualReport) -> list[tuple[str, str, str, str]]:
    """(clause, what, number, detail): the first page's table."""
    lodged_detail = ", ".join(plural(r.lodged.get(k, 0), v[:-1], v) for k, v in SHORT.items())
    rows = [
        ("060(a)", "ICE detainer requests, ICE holds, administrative warrants and notification requests lodged "
                   "with the Police Department", str(r.lodged_total), lodged_detail),
        ("060(b)", "People detained on an ICE hold", str(r.detained_individuals),
         "" if r.detained_events == r.detained_individuals else f"{plural(r.detained_events, 'detention')} in all"),
        ("060(c)", "People transferred to ICE custody", str(r.transferred_individuals), ""),
        ("060(d)", "Federal reimbursements received", reimbursement_total_words(r),
         f"across {plural(len({c.case_ref for c in r.reimbursements}), 'case')}" if r.reimbursements else "no case"),
        ("060(e)", "Investigations in which the Police Department cooperated with or gave information to ICE",
         str(r.cooperation_investigations),
         (f"{plural(r.cooperation_withheld, 'more investigation')} cannot be publicly disclosed and "
          f"{'is' if r.cooperation_withheld == 1 else 'are'} not counted") if r.cooperation_withheld else ""),
    ]
    n = r.notices
    if n is not None:
        parts = [f"{n.on_time} given on time"]
        if n.late:
            parts.append(f"{n.late} given late (the latest by {n.worst_late})")
        if n.overdue_now:
            parts.append(f"{n.overdue_now} overdue and not yet given")
        if n.open_now:
            parts.append(f"{n.open_now} not yet due")
        rows.append(("040(g)", "Copies of a detainer or warrant owed to people in custody", str(n.opened),
                     "; ".join(parts) if n.opened else ""))
    rows.append(("guard", "Attempts the city's software refused because the ordinance forbids them",
                 str(r.refusals_total),
                 f"{r.refusals_monitor} more would have been refused in report-only mode" if r.refusals_monitor else ""))
    return rows


def integrity_words(r: SemiannualReport) -> tuple[str, str]:
    """(css class, sentence) for the first page."""
    v = r.verification
    state = v.state if v is not None else ("verified" if r.verified and r.tamper_evident else
                                           "consistent" if r.verified else "failed")
    if state == "verified" and v is not None and not getattr(v, "witnessed", True):
        return "warn", ("The figures come from the city's tamper-evident audit log, which was checked in full before "
                        "this report was made: no record in it was altered, and none was removed or added between "
                        "others. It was not compared with the witness (the copy of the log's length kept outside "
                        "it), so records cut from the end of the log would not show: make the report again with the "
                        "witness set. Appendix B gives the details.")
    if state == "verified":
        return "ok", ("The figures come from the city's tamper-evident audit log, which was checked in full before "
                      "this report was made: no record was altered, removed or added. Appendix B gives the details.")
    if state == "consistent":
        return "warn", ("The figures come from the city's audit log, which was checked before this report was made "
                        "and is internally consistent. The log is not signed, so the check cannot rule out a rewrite "
                        "by someone with access to it. Appendix B gives the details.")
    if state == "key_missing":
        return "warn", ("The audit log could not be fully checked because the key to check it was not supplied when "
                        "this report was made. This is not a sign of tampering; the report should be made again "
                        "with the key. Appendix B gives the details.")
    if state == "wrong_key":
        return "warn", ("The audit log could not be checked because the key given when this report was made is not "
                        "the log's own key. This is not by itself a sign of tampering; the report should be made "
                        "again with the log's key. Appendix B gives the details.")
    cause = getattr(v, "cause", "") if v is not None else ""
    if cause:
        return "bad", ("WARNING: THE AUDIT LOG DID NOT VERIFY AS STORED. Its file was changed: " + cause[0].lower()
                       + cause[1:] + " The figures below must not be relied on until this is explained. "
                       f"Appendix B lists the {plural(len(r.verification_problems), 'problem')}.")
    return "bad", ("WARNING: THE AUDIT LOG DID NOT VERIFY. Records were altered, removed, added or damaged. The figures "
                   "below are computed from what remains and must not be relied on until this is explained. "
                   f"Appendix B lists the {plural(len(r.verification_problems), 'problem')}.")


def verification_sentence(r: SemiannualReport) -> str:
    """The technical statement (appendix, Markdown, CSV). Names the kind of log, never its path."""
    where = r.log_kind or "audit log"
    ident = f" {r.log_id[:16]}" if r.log_id else ""
    if r.verified:
        v = r.verification
        head = "VERIFIED" if r.tamper_evident else ("VERIFIED (consistency only)" if v is None or v.state != "key_missing"
                                                    else "NOT FULLY VERIFIED (key not supplied)")
        s = (f"The audit log ({where}{ident}) {head}: {r.verified_count} record(s), every hash and link intact. "
             f"{r.integrity_basis}")
        if v is not None and v.state == "key_missing":
            s += " " + v.detail
        if r.verification_warnings:
            s += " Note: " + " ".join(r.verification_warnings)
        return s
    v = r.verification
    if v is not None and v.state in ("key_missing", "wrong_key"):
        return f"The audit log ({where}{ident}) COULD NOT BE VERIFIED: {v.detail}"
    if v is not None and getattr(v, "cause", ""):
        return (f"WARNING: THE AUDIT LOG DID NOT VERIFY AS STORED ({len(r.verification_problems)} problem(s)): "
                f"{v.cause} The figures must not be relied on until the problems are explained.")
    return (f"WARNING: THE AUDIT LOG DID NOT VERIFY ({len(r.verification_problems)} problem(s)). "
            "The log has been altered, cut or damaged; the figures are computed from the records that remain and "
            "must not be relied on until the problems are explained.")


def verification_result(r: SemiannualReport) -> str:
    """The verification statement without the integrity basis (shown beside it in the appendix)."""
    return verification_sentence(r).replace(" " + r.integrity_basis, "", 1) if r.integrity_basis else \
        verification_sentence(r)


def _moment(r: SemiannualReport, stamp: str | None) -> str:
    """A log time (UTC, ISO) as a person in the jurisdiction reads it: '1 January 2026 at 00:00 EST'."""
    from .jurisdiction import parse_stored

    dt = parse_stored(stamp) if stamp else None
    if dt is None:
        return "?"
    loc = dt.astimezone(r.period.tz)
    return f"{loc.day} {loc.strftime('%B %Y')} at {loc.strftime('%H:%M %Z')}"


def _day(r: SemiannualReport, stamp: str | None) -> str:
    from .jurisdiction import parse_stored

    dt = parse_stored(stamp) if stamp else None
    if dt is None:
        return "?"
    loc = dt.astimezone(r.period.tz)
    return f"{loc.day} {loc.strftime('%B %Y')}"


def _span(hours: float | None = None, a: str | None = None, b: str | None = None) -> str:
    """A length of time in days, hours and minutes ('153 days 18 h 18 min'), never a count of hours."""
    from datetime import timedelta

    from .jurisdiction import duration_words, parse_stored

    da, db = (parse_stored(a) if a else None), (parse_stored(b) if b else None)
    delta = db - da if da is not None and db is not None else timedelta(hours=hours or 0)
    return duration_words(delta)


def coverage_sentence(r: SemiannualReport) -> str:
    """What the log proves about the period, in the jurisdiction's local time and in days (never UTC ISO
    stamps or thousands of hours)."""
    c = r.coverage
    zone = zone_words(r)
    lead = (f"Events are counted in the period in which they occurred ({zone}), even when they were entered "
            "later")
    if c.entered_after:
        lead += (f"; {plural(c.entered_after, 'event')} of this period {'was' if c.entered_after == 1 else 'were'} "
                 f"entered after it ended (the latest on {_day(r, c.latest_entry)})")
    lead += "."
    if c.records == 0:
        return (lead + " The log holds no record of its own in this period, not even a heartbeat: it cannot show "
                "that nothing happened.")
    s = (f"{lead} The log's own records (refusals, heartbeats and entries, written as they happen) in the period: "
         f"{c.records}, {c.heartbeats} of them heartbeats, from {_moment(r, c.first_time)} to "
         f"{_moment(r, c.last_time)}. The longest time with no record was {_span(a=c.quiet_from, b=c.quiet_to)} "
         f"(from {_moment(r, c.quiet_from)} to {_moment(r, c.quiet_to)}).")
    if c.complete:
        s += (f" No such time was longer than {_span(c.max_quiet_hours)}: the heartbeats show that the quiet times "
              "were quiet.")
    else:
        s += (f" That is longer than the {_span(c.max_quiet_hours)} the heartbeats allow: the log does not prove that "
              "nothing happened then.")
    return s


def memo_rows(r: SemiannualReport, generated_local: str) -> list[tuple[str, str]]:
    m = r.metadata
    rows = [("To", m.get("submitted_to", "")), ("Copy", m.get("copy_to", "")), ("From", m.get("submitted_by", "")),
            ("Date", generated_local),
            ("Subject", f"Report under Cambridge Municipal Code 2.129.060 (Welcoming Community Ordinance), "
                        f"{r.period.words()}")]
    if m.get("agenda"):
        rows.append(("For", f"the agenda of the next meeting of the {m['agenda']}"))
    return [(k, v) for k, v in rows if v]


def unfinished(r: SemiannualReport) -> str | None:
    """A sentence when the period had not ended when the report was made (w16d F20): its figures are so far,
    not the half-year's, and must not read as final. None for a period that has ended."""
    from datetime import datetime, timezone

    from .jurisdiction import Jurisdiction

    try:
        made = datetime.strptime(r.generated_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None
    if made >= r.period.end_dt:
        return None
    shown = Jurisdiction(tz_name=r.zone).show(r.generated_at) if getattr(r, "zone", None) else r.generated_at
    return (f"NOT FINAL: this period has not ended (it runs to {r.period.end.strftime('%B')} {r.period.end.day}, "
            f"{r.period.end.year}). The figures are so far, as of {shown}, and will change; make the report again "
            "after the period ends for the figures to publish.")


def intro(r: SemiannualReport) -> str:
    who = r.metadata.get("submitted_by") or "The Police Commissioner"
    to = r.metadata.get("submitted_to") or "the City Clerk"
    note = unfinished(r)
    return ((note + " " if note else "") +
            f"Every six months, section 2.129.060 of the Welcoming Community Ordinance asks the {who} to report to "
            f"the {to} how often federal immigration authorities asked the Police Department to hold or hand over "
            "people, what the city was paid for it, and when it cooperated with them. " + period_sentence(r))


def month_rows(r: SemiannualReport) -> list[tuple[str, list[int], int]]:
    out = []
    for m, counts in r.lodged_by_month.items():
        vals = [counts.get(k, 0) for k in SHORT]
        out.append((month_label(m), vals, sum(vals)))
    return out


def context(r: SemiannualReport) -> dict[str, Any]:
    """Everything the HTML templates need beyond the report itself."""
    from . import charts as ch

    cases: dict[str, float] = {}
    for c in r.reimbursements:
        if c.currency == "USD":
            cases[c.case_ref] = cases.get(c.case_ref, 0.0) + float(c.total)
    chart_list = [x for x in (
        ch.lodged_by_month(r.lodged_by_month, SHORT),
        ch.reimbursements_by_case(sorted(cases.items(), key=lambda kv: -kv[1])[:15]),
        ch.refusals_by_month(r.refusals_by_month),
        ch.refusals_by_clause(r.refusals_by_clause),
    ) if x is not None]
    integrity_css, integrity = integrity_words(r)
    return {
        "charts": {c.key: c for c in chart_list},
        "key_figures": key_figures(r), "integrity_css": integrity_css, "integrity": integrity,
        "intro": intro(r), "month_rows": month_rows(r), "short_names": list(SHORT.values()),
        "column_names": ["Detainer requests", "ICE holds", "Admin. warrants", "Notification requests"],
        "verification_result": verification_result(r),
        "type_words": TYPE_WORDS, "verification_sentence": verification_sentence(r),
        "coverage_sentence": coverage_sentence(r), "document_title": document_title(r),
        "heading": f"Welcoming Community Ordinance report, {r.period.words()}",
        "report_title": report_title(r), "zone_words": zone_words(r),
    }
