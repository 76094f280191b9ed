"""Render a :class:`SemiannualReport` as Markdown, CSV, HTML or PDF, with matplotlib charts.

Every format opens with the log's verification result: a report whose log did not verify says so
first, in words, before any figure. Charts use matplotlib's Agg backend (no display needed) and
are drawn only where a trend over months reads better than a table.
"""

from __future__ import annotations

import base64
import csv
import io
from pathlib import Path
from typing import Any

from .events import LODGED_TYPES, TITLES
from .report import SemiannualReport

FORMATS = ("html", "pdf", "csv", "md")
TEMPLATES = Path(__file__).parent / "dashboard" / "templates"
SHORT = {
    "detainer_request": "Detainer requests",
    "ice_hold": "ICE holds",
    "administrative_warrant": "Administrative warrants",
    "notification_request": "Notification requests",
}
# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]


def report_title(r: SemiannualReport) -> str:
    where = r.metadata.get("jurisdiction")
    return f"Semiannual report under 2.129.060{', ' + where if where else ''}: {r.period.label()}"


def verification_sentence(r: SemiannualReport) -> str:
    if r.verified:
        s = (f"The audit log ({r.log_description}) VERIFIED: {r.verified_count} record(s), every hash and "
             f"link intact. {r.integrity_basis}")
        if r.verification_warnings:
            s += " Note: " + " ".join(r.verification_warnings)
        return s
    return (f"WARNING: THE AUDIT LOG DID NOT VERIFY ({len(r.verification_problems)} problem(s)). "
            "The log has been altered, cut or damaged; the figures below are computed from the records that "
            "remain and must not be relied on until the problems are explained.")


def coverage_sentence(r: SemiannualReport) -> str:
    c = r.coverage
    if c.records == 0:
        return (f"Period covered: {r.period.label()} (UTC). The log holds no record at all in this period, not "
                "even a heartbeat: it cannot show that nothing happened.")
    s = (f"Period covered: {r.period.label()} (UTC). The log holds {c.records} record(s) in the period "
         f"({c.heartbeats} heartbeat(s)), from {c.first_time} to {c.last_time}. "
         f"The longest interval with no record was {c.longest_quiet_hours:g} h ({c.quiet_from} to {c.quiet_to}).")
    if c.complete:
        s += f" No interval exceeded {c.max_quiet_hours:g} h: heartbeats prove the quiet periods."
    else:
        s += (f" That exceeds the {c.max_quiet_hours:g} h heartbeat allowance: the log does not prove that "
              "nothing happened then.")
    return s


# -- charts ------------------------------------------------------------------------------------------
def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def chart_lodged(r: SemiannualReport) -> bytes | None:
    """Stacked monthly bars of 060(a) requests lodged; None when there is nothing to draw."""
    if r.lodged_total == 0:
        return None
    plt = _plt()
    months = list(r.lodged_by_month)
    fig, ax = plt.subplots(figsize=(7.5, 3.2), dpi=110)
    bottom = [0] * len(months)
    for i, t in enumerate(LODGED_TYPES):
        vals = [r.lodged_by_month[m].get(t.value, 0) for m in months]
        ax.bar(months, vals, bottom=bottom, label=SHORT[t.value], color=PALETTE[i], edgecolor="white")
        bottom = [a + b for a, b in zip(bottom, vals)]
    ax.set_title("2.129.060(a): requests lodged, by month")
    ax.set_ylabel("count")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return _png(fig, plt)


def chart_refusals(r: SemiannualReport) -> bytes | None:
    """Monthly refusals by the guard; None when there were none."""
    if r.refusals_total == 0:
        return None
    plt = _plt()
    months = list(r.refusals_by_month)
    fig, ax = plt.subplots(figsize=(7.5, 2.8), dpi=110)
    ax.bar(months, [r.refusals_by_month[m] for m in months], color=PALETTE[5])
    ax.set_title("Attempts refused by the guard, by month")
    ax.set_ylabel("count")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return _png(fig, plt)


def _png(fig: Any, plt: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def charts(r: SemiannualReport) -> list[tuple[str, bytes]]:
    out = []
    for alt, fn in (("Requests lodged by month (2.129.060(a))", chart_lodged),
                    ("Attempts refused by the guard, by month", chart_refusals)):
        png = fn(r)
        if png is not None:
            out.append((alt, png))
    return out


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
    lines += [f"- Generated: {r.generated_at}", "", "## Figures", "", "| Clause | Figure | Value |",
              "| --- | --- | ---: |"]
    lines += [f"| {c} | {label} | {v} |" for c, label, v in r.figures()]
    lines += ["", "## (d) Federal reimbursements by case", ""]
    if r.reimbursements:
        lines += ["| Case | Currency | Payments | Total |", "| --- | --- | ---: | ---: |"]
        lines += [f"| {_md(c.case_ref)} | {_md(c.currency)} | {c.payments} | {c.total:.2f} |" for c in r.reimbursements]
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
    for n in r.notes:
        lines += ["", n]
    lines += ["", "This report holds counts, case references and amounts only: no names, person references or "
              "other personal information.", ""]
    return "\n".join(lines)


def to_csv(r: SemiannualReport) -> str:
    buf = io.StringIO()
    raw = csv.writer(buf, lineterminator="\n")

    class _Safe:
        @staticmethod
        def writerow(row: list[Any]) -> None:
            raw.writerow([_csv_cell(c) for c in row])

    w = _Safe()
    w.writerow(["section", "clause", "label", "value"])
    w.writerow(["verification", "", "verified", "yes" if r.verified else "NO"])
    w.writerow(["verification", "", "statement", verification_sentence(r)])
    for p in r.verification_problems:
        w.writerow(["verification", "", "problem", p])
    w.writerow(["period", "", "from", r.period.start.isoformat()])
    w.writerow(["period", "", "to", r.period.end.isoformat()])
    w.writerow(["period", "", "coverage", coverage_sentence(r)])
    for c, label, v in r.figures():
        w.writerow(["figure", c, label, v])
    for m, counts in r.lodged_by_month.items():
        for t in LODGED_TYPES:
            w.writerow(["lodged_by_month", "060(a)", f"{m} {TITLES[t]}", counts.get(t.value, 0)])
    for c in r.reimbursements:
        w.writerow(["reimbursement", "060(d)", f"case {c.case_ref} ({c.currency}, {c.payments} payment(s))",
                    f"{c.total:.2f}"])
    for x in r.refusals:
        w.writerow(["refusal", x.citation, x.department, x.count])
    return buf.getvalue()


# -- HTML and PDF ------------------------------------------------------------------------------------
def jinja_env() -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(("html",)),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(titles=TITLES, lodged_types=LODGED_TYPES, verification_sentence=verification_sentence,
                       coverage_sentence=coverage_sentence, report_title=report_title)
    return env


def chart_uris(r: SemiannualReport) -> list[tuple[str, str]]:
    return [(alt, "data:image/png;base64," + base64.b64encode(png).decode()) for alt, png in charts(r)]


def to_html(r: SemiannualReport) -> str:
    css = (TEMPLATES.parent / "static" / "style.css").read_text(encoding="utf-8")
    return jinja_env().get_template("report_document.html").render(r=r, charts=chart_uris(r), css=css)


def to_pdf(r: SemiannualReport) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    styles = getSampleStyleSheet()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=LETTER, title=report_title(r),
                            leftMargin=0.8 * inch, rightMargin=0.8 * inch, topMargin=0.7 * inch,
                            bottomMargin=0.7 * inch)
    story: list[Any] = [Paragraph(escape(report_title(r)), styles["Title"])]
    banner = Table([[Paragraph(escape(verification_sentence(r)), styles["BodyText"])]], colWidths=[6.9 * inch])
    banner.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#e8f5e9" if r.verified else "#fdecea")),
        ("BOX", (0, 0), (-1, -1), 1.5, colors.HexColor("#1b5e20" if r.verified else "#b71c1c")),
        ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    story += [banner, Spacer(1, 6)]
    for p in r.verification_problems[:30]:
        story.append(Paragraph("• " + escape(p), styles["BodyText"]))
    story += [Paragraph(escape(coverage_sentence(r)), styles["BodyText"]), Spacer(1, 6)]
    meta = [(k, r.metadata.get(v)) for k, v in (("Submitted by", "submitted_by"), ("Submitted to", "submitted_to"),
                                                 ("Copy to", "copy_to"), ("For the agenda of", "agenda"),
                                                 ("Policy", "policy"))] + [("Generated", r.generated_at)]
    story.append(Paragraph("<br/>".join(f"<b>{escape(k)}:</b> {escape(str(v))}" for k, v in meta if v),
                           styles["BodyText"]))
    story += [Spacer(1, 8), Paragraph("Figures", styles["Heading2"])]

    def table(rows: list[list[Any]], widths: list[float]) -> Table:
        body = [[Paragraph(escape(str(c)), styles["BodyText"]) for c in row] for row in rows]
        t = Table(body, colWidths=[w * inch for w in widths], repeatRows=1)
        t.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3e8ef")),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        return t

    story.append(table([["Clause", "Figure", "Value"]] + [list(x) for x in r.figures()], [0.8, 4.9, 1.2]))
    story += [Spacer(1, 8), Paragraph("(d) Federal reimbursements by case", styles["Heading2"])]
    if r.reimbursements:
        story.append(table([["Case", "Currency", "Payments", "Total"]] +
                           [[c.case_ref, c.currency, c.payments, f"{c.total:.2f}"] for c in r.reimbursements],
                           [2.9, 1.0, 1.0, 2.0]))
    else:
        story.append(Paragraph("None received in the period.", styles["BodyText"]))
    story += [Spacer(1, 8), Paragraph("Attempts refused by the guard, by clause and department", styles["Heading2"])]
    if r.refusals:
        story.append(table([["Clause", "Department", "Refused"]] +
                           [[x.citation, x.department, x.count] for x in r.refusals], [1.4, 4.3, 1.2]))
    else:
        story.append(Paragraph("None in the period.", styles["BodyText"]))
    if r.refusals_monitor:
        story.append(Paragraph(f"In monitor (report-only) mode, {r.refusals_monitor} further attempt(s) would "
                               "have been refused.", styles["BodyText"]))
    for alt, png in charts(r):
        img = Image(io.BytesIO(png), width=6.9 * inch, height=6.9 * inch * _aspect(png))
        img.hAlign = "LEFT"
        story += [Spacer(1, 10), img, Paragraph(escape(alt), styles["Italic"])]
    for n in r.notes:
        story.append(Paragraph(escape(n), styles["BodyText"]))
    story += [Spacer(1, 10), Paragraph("This report holds counts, case references and amounts only: no names, "
                                       "person references or other personal information.", styles["Italic"])]
    doc.build(story)
    return buf.getvalue()


def _aspect(png: bytes) -> float:
    w = int.from_bytes(png[16:20], "big")
    h = int.from_bytes(png[20:24], "big")
    return h / w if w else 0.45


def render(r: SemiannualReport, fmt: str) -> bytes:
    """The report in ``fmt`` ('html', 'pdf', 'csv' or 'md') as bytes."""
    if fmt == "pdf":
        return to_pdf(r)
    if fmt == "html":
        return to_html(r).encode("utf-8")
    if fmt == "csv":
        return to_csv(r).encode("utf-8")
    if fmt == "md":
        return to_markdown(r).encode("utf-8")
    raise ValueError(f"unknown report format; use one of {FORMATS}")


MEDIA_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf", "csv": "text/csv; charset=utf-8",
               "md": "text/markdown; charset=utf-8"}
