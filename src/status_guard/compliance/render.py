"""Render a :class:`SemiannualReport` as HTML, an accessible tagged PDF, Markdown, CSV or JSON.

* HTML and PDF are one document: a plain-language first page (a memo to the City Clerk: period,
  who submits to whom, the figures, whether the log verified, a signature block), then a section
  per clause with a monthly table beside each chart, and the technical verification in an
  appendix. The PDF is made from the same HTML by WeasyPrint as PDF/UA-1 (tagged: headings,
  tables with header cells, figures with alternative text, the document language and title), with
  page numbers; ``tests/compliance/test_report_document.py`` checks its structure with pikepdf.
* Markdown and CSV carry the same figures for e-mail and spreadsheets; JSON for machines.
Every format states the verification result before any figure, and none names a server path.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from .events import LODGED_TYPES, TITLES
from .money import money
from .report import SemiannualReport
from .wording import (
    TYPE_WORDS,
    context,
    coverage_sentence,
    document_title,
    key_figures,
    report_title,
    verification_sentence,
)

FORMATS = ("html", "pdf", "csv", "md", "json")
TEMPLATES = Path(__file__).parent / "dashboard" / "templates"
STATIC = Path(__file__).parent / "dashboard" / "static"
MEDIA_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf", "csv": "text/csv; charset=utf-8",
               "md": "text/markdown; charset=utf-8", "json": "application/json"}

__all__ = ["FORMATS", "MEDIA_TYPES", "coverage_sentence", "render", "report_title", "to_csv", "to_html",
           "to_json", "to_markdown", "to_pdf", "verification_sentence"]

# -- text formats ------------------------------------------------------------------------------------
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def _md(v: object) -> str:
    """A value inside Markdown text or a table cell: it cannot close a cell, start HTML or a new line.

    Values from the log are allow-listed names and references, but a report is also written for a log
    that failed verification, whose records may have been forged."""
    s = " ".join(str(v).split())
    for a, b in (("\\", "\\\\"), ("|", "\\|"), ("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"),
                 ("[", "\\["), ("]", "\\]"), ("`", "\\`")):
        s = s.replace(a, b)
    return s


def _csv_cell(v: object) -> object:
    """A CSV cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    if isinstance(v, str) and v.startswith(_FORMULA_START):
        return "'" + v
    return v


def _iso_local(shown: str, zone: str) -> str:
    """'2026-04-20 10:00 EDT' (as shown) -> '2026-04-20T10:00:00-04:00' for a spreadsheet or program."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    try:
        naive = datetime.strptime(" ".join(shown.split()[:2]), "%Y-%m-%d %H:%M")
    except ValueError:
        return shown
    tz = ZoneInfo(zone) if zone != "UTC" else None
    if tz is None:
        return naive.isoformat() + "Z"
    abbr = shown.split()[2] if len(shown.split()) > 2 else ""
    for fold in (0, 1):  # the abbreviation tells which of a repeated autumn hour was meant
        dt = naive.replace(tzinfo=tz, fold=fold)
        if dt.tzname() == abbr:
            return dt.isoformat()
    return naive.replace(tzinfo=tz).isoformat()


def to_markdown(r: SemiannualReport) -> str:
    m = r.metadata
    lines = [f"# {report_title(r)}", ""]
    lines += [("**" + verification_sentence(r) + "**") if not r.verified else verification_sentence(r), ""]
    for p in r.verification_problems[:50]:
        lines.append(f"- {_md(p)}")
    if r.verification_problems:
        lines.append("")
    lines += [coverage_sentence(r), ""]
    for key, label in (("submitted_by", "Submitted by"), ("submitted_to", "Submitted to"),
                       ("copy_to", "Copy to"), ("agenda", "For the agenda of"), ("policy", "Policy")):
        if m.get(key):
            lines.append(f"- {label}: {_md(m[key])}")
    from .jurisdiction import Jurisdiction
    from .wording import zone_words

    from .wording import unfinished

    lines += [f"- Made: {Jurisdiction(tz_name=r.zone).show(r.generated_at)} ({r.zone})"]
    if unfinished(r):
        lines += ["", f"**{_md(unfinished(r) or '')}**"]
    lines += ["", "## Figures", "", "| Clause | Figure | Value | Detail |",
              "| --- | --- | ---: | --- |"]
    lines += [f"| {c} | {_md(w)} | {_md(n)} | {_md(d)} |" for c, w, n, d in key_figures(r)]
    lines += ["", "## (a) Requests lodged, by month", "",
              "| Month | " + " | ".join(TITLES[t] for t in LODGED_TYPES) + " | Total |",
              "| --- |" + " ---: |" * (len(LODGED_TYPES) + 1)]
    for month, counts in r.lodged_by_month.items():
        vals = [counts.get(t.value, 0) for t in LODGED_TYPES]
        lines.append(f"| {month} | " + " | ".join(map(str, vals)) + f" | {sum(vals)} |")
    lines += ["", "## (d) Federal reimbursements by case", ""]
    if r.reimbursements:
        lines += ["| Case | Currency | Payments | Total |", "| --- | --- | ---: | ---: |"]
        lines += [f"| {_md(c.case_ref)} | {_md(c.currency)} | {c.payments} | {_md(money(c.total, c.currency))} |"
                  for c in r.reimbursements]
    else:
        lines.append("None received in the period.")
    lines += ["", "## Attempts refused by the guard, by clause and department", ""]
    if r.refusals:
        lines += ["| Clause | Department | Refused |", "| --- | --- | ---: |"]
        lines += [f"| {_md(x.citation)} | {_md(x.department)} | {x.count} |" for x in r.refusals]
    else:
        lines.append("None in the period.")
    if r.refusals_monitor:
        lines += ["", f"In monitor (report-only) mode, {r.refusals_monitor} further attempt(s) would have been "
                  "refused."]
    if r.notices is not None and r.notices.rows:
        lines += ["", "## Copies of detainers and warrants given to people in custody (040(g))", "",
                  f"Times are {zone_words(r)}. The copy is due by the department's own deadline.", "",
                  "| Received | What | Copy due by | Copy given | Result |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| {_md(x.received)} | {_md(x.what)} | {_md(x.due)} | {_md(x.given or 'not given')} | "
                  f"{_md(x.result)} |" for x in r.notices.rows]
    lines += ["", "## Corrections", ""]
    if r.corrections:
        lines += ["| Entered | Record | Event | Action | Reason | Changed |", "| --- | ---: | --- | --- | --- | --- |"]
        lines += [f"| {_md(c.entered)} | {c.target_seq if c.target_seq is not None else ''} | {_md(TYPE_WORDS.get(c.event_type, c.event_type))} | "
                  f"{c.action} | {_md(c.reason)} | {_md(', '.join(c.changes or c.changed))} |" for c in r.corrections]
    else:
        lines.append("No event of this period was corrected or withdrawn.")
    for n in r.notes:
        lines += ["", _md(n)]
    lines += ["", "This report holds counts, case references and amounts only: no names, person references or "
              "other personal information.", ""]
    return "\n".join(lines)


def to_csv(r: SemiannualReport) -> str:
    buf = io.StringIO()
    raw = csv.writer(buf, lineterminator="\n")

    def row(*cells: Any) -> None:
        raw.writerow([_csv_cell(c) for c in cells])

    row("section", "clause", "label", "value")
    row("verification", "", "verified", "yes" if r.verified else "NO")
    row("verification", "", "state", r.verification.state if r.verification else "")
    row("verification", "", "statement", verification_sentence(r))
    for p in r.verification_problems:
        row("verification", "", "problem", p)
    row("period", "", "from", r.period.start.isoformat())
    row("period", "", "to", r.period.end.isoformat())
    row("period", "", "time zone", r.zone)
    row("period", "", "coverage", coverage_sentence(r))
    for c, label, v in r.figures():
        row("figure", c, label, v.replace("$", "").replace(",", "") if c == "060(d)" else v)
    for m, counts in r.lodged_by_month.items():
        for t in LODGED_TYPES:
            row("lodged_by_month", "060(a)", f"{m} {TITLES[t]}", counts.get(t.value, 0))
    for c in r.reimbursements:
        row("reimbursement", "060(d)", f"case {c.case_ref} ({c.currency}, {c.payments} payment(s))", f"{c.total:.2f}")
    for x in r.refusals:
        row("refusal", x.citation, x.department, x.count)
    for m, n in r.refusals_by_month.items():
        row("refusals_by_month", "guard", m, n)
    if r.notices is not None:
        for ref, late in r.notices.late_rows:
            row("notice_late", "040(g)", ref, late)
        for x in r.notices.rows:  # times as ISO 8601 with the offset of the jurisdiction's zone
            row("notice", "040(g)", f"{x.ref} {x.what}: received {_iso_local(x.received, r.zone)}, due "
                f"{_iso_local(x.due, r.zone)}, " + (f"given {_iso_local(x.given, r.zone)}" if x.given else "not given"), x.result)
    for c in r.corrections:
        row("correction", "", f"record {c.target_seq} {c.event_type} {c.action} ({c.reason})", ", ".join(c.changes or c.changed))
    return buf.getvalue()


def to_json(r: SemiannualReport) -> str:
    n = r.notices
    doc = {
        "title": report_title(r), "period": {"from": r.period.start.isoformat(), "to": r.period.end.isoformat(),
                                             "time_zone": r.zone},
        "generated_at": r.generated_at, "metadata": dict(r.metadata),
        "verification": {"verified": r.verified, "state": r.verification.state if r.verification else None,
                         "tamper_evident": r.tamper_evident, "records": r.verified_count,
                         "problems": list(r.verification_problems), "warnings": list(r.verification_warnings),
                         "log_kind": r.log_kind, "log_id": r.log_id},
        "lodged": dict(r.lodged), "lodged_by_month": {m: dict(v) for m, v in r.lodged_by_month.items()},
        "detained_individuals": r.detained_individuals, "transferred_individuals": r.transferred_individuals,
        "reimbursements": [{"case": c.case_ref, "currency": c.currency, "payments": c.payments,
                            "total": f"{c.total:.2f}"} for c in r.reimbursements],
        "reimbursement_totals": {k: f"{v:.2f}" for k, v in r.reimbursement_totals.items()},
        "cooperation_investigations": r.cooperation_investigations, "cooperation_withheld": r.cooperation_withheld,
        "notices": None if n is None else {"opened": n.opened, "on_time": n.on_time, "late": n.late,
                                           "open": n.open_now, "overdue": n.overdue_now,
                                           "late_by": [{"obligation": a, "late_by": b} for a, b in n.late_rows],
                                           "obligations": [{"obligation": x.ref, "what": x.what,
                                                            "received": x.received, "due": x.due,
                                                            "given": x.given or None, "status": x.status,
                                                            "late_by": x.late_by,
                                                            "late_by_seconds": x.late_by_seconds,
                                                            "result": x.result} for x in n.rows],
                                           "time_zone": r.zone},
        "refusals": {"total": r.refusals_total, "monitor": r.refusals_monitor, "by_month": dict(r.refusals_by_month),
                     "by_clause": dict(r.refusals_by_clause),
                     "by_clause_and_department": [{"citation": x.citation, "department": x.department,
                                                   "count": x.count} for x in r.refusals]},
        "corrections": [{"record": c.target_seq, "event": c.event_type, "action": c.action, "reason": c.reason,
                         "changed": list(c.changed), "changes": list(c.changes), "entered": c.entered} for c in r.corrections],
        "coverage": coverage_sentence(r), "notes": list(r.notes),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# -- HTML and PDF ------------------------------------------------------------------------------------
def jinja_env() -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from .charts import month_label

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(("html",)),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(titles=TITLES, lodged_types=LODGED_TYPES, verification_sentence=verification_sentence,
                       coverage_sentence=coverage_sentence, report_title=report_title, money=money)
    env.filters["money"] = lambda v, cur="USD": money(v, cur)
    env.filters["month"] = month_label
    # a document carries its charts inside it; the dashboard replaces this with an address (charts load apart)
    env.filters["chart_src"] = lambda c: c.uri
    return env


def report_context(r: SemiannualReport, jurisdiction: Any = None) -> dict[str, Any]:
    from .jurisdiction import Jurisdiction

    j = jurisdiction or Jurisdiction(tz_name=r.zone)
    ctx = context(r)
    from .wording import memo_rows

    ctx["generated_local"] = j.show(r.generated_at)
    ctx["generated_date"] = _long_date(j.show_date(r.generated_at))
    ctx["memo_rows"] = memo_rows(r, ctx["generated_date"])
    return ctx


def _long_date(iso: str) -> str:
    from datetime import date

    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.strftime('%B')} {d.day}, {d.year}"


def to_html(r: SemiannualReport, *, for_print: bool = False) -> str:
    css = (STATIC / "report.css").read_text(encoding="utf-8")
    return jinja_env().get_template("report_document.html").render(
        r=r, css=css, for_print=for_print, **report_context(r))


def to_pdf(r: SemiannualReport) -> bytes:
    """PDF/UA-1 (tagged, with the document language and title) made from the same HTML by WeasyPrint."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as e:  # OSError: the system's pango/cairo libraries are missing
        raise RuntimeError("PDF output needs WeasyPrint and the pango library (pip install 'status_guard[reports]'; "
                           f"on Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0): {e}") from None
    from .pdf_tags import pagination_artifacts

    html = to_html(r, for_print=True)
    from weasyprint.urls import URLFetcher

    # the report embeds everything it shows (data: URIs): nothing is fetched, no network, no file
    pdf = HTML(string=html, base_url=str(STATIC), url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf(
        pdf_variant="pdf/ua-1", pdf_identifier=None, uncompressed_pdf=False,
        custom_metadata=False, presentational_hints=False)
    return pagination_artifacts(pdf)


def render(r: SemiannualReport, fmt: str) -> bytes:
    """The report in ``fmt`` ('html', 'pdf', 'csv', 'md' or 'json') as bytes."""
    if fmt == "pdf":
        return to_pdf(r)
    if fmt == "html":
        return to_html(r).encode("utf-8")
    if fmt == "csv":
        return to_csv(r).encode("utf-8")
    if fmt == "md":
        return to_markdown(r).encode("utf-8")
    if fmt == "json":
        return to_json(r).encode("utf-8")
    raise ValueError(f"unknown report format; use one of {', '.join(FORMATS)}")


def document_name(r: SemiannualReport) -> str:
    return document_title(r)
