"""The report the City Clerk receives: readable by a person on its first page, checkable in its appendix, and
usable with a screen reader.

Invariants:
* page 1 is a memo in plain language: who submits it (the Police Commissioner) to whom (the City Clerk, copy
  to the City Manager, for the Public Safety Committee), the period, the figures with currency formatted, whether
  the log verified, and a signature block; page numbers on every page ("Page N of M");
* the technical verification is in an appendix; no server path or audit spec appears in any format;
* each chart sits beside a table holding the same numbers (by month, by clause, reimbursements by case), and has
  alternative text;
* the PDF is PDF/UA-1: tagged, with language, title, alt text, table headers, headings in order, all content
  tagged or marked as artifacts, fonts embedded — checked by ``pdfua.problems`` (pikepdf), which is itself shown
  to flag an untagged PDF.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from status_guard.compliance import take_snapshot
from status_guard.compliance.render import render, to_html
from status_guard.compliance.report import Period, report_for
from status_guard.errors import RefusedError

from . import pdfua

H1 = Period.parse("2026-01-01", "2026-06-30")


@pytest.fixture
def report(clock, recorder, guard, audit_log, log_path):
    clock.set("2026-01-01T12:00:00Z")
    for _ in range(181):
        audit_log.heartbeat()
        clock.advance(days=1)
    clock.set("2026-07-02T12:00:00Z")
    d = recorder.record("detainer_request", person_id="BK-1", in_custody=True, occurred_at="2026-02-03T15:00:00Z")
    recorder.record("notice_delivered", obligation_ref=d["event"]["obligation_ref"], occurred_at="2026-02-05T15:00:00Z")
    recorder.record("ice_hold", person_id="BK-2", occurred_at="2026-04-03T15:00:00Z")
    recorder.record("federal_reimbursement", case_ref="CPD-2026-001", amount="1250.00", occurred_at="2026-03-01T15:00:00Z")
    recorder.record("federal_reimbursement", case_ref="CPD-2026-014", amount="12345.5", occurred_at="2026-05-01T15:00:00Z")
    recorder.record("ice_cooperation", case_ref="INV-1", disclosable=True, occurred_at="2026-03-01T15:00:00Z")
    with pytest.raises(RefusedError):
        recorder.record("detained_on_ice_hold", person_id="BK-3", hold_basis=["ice_detainer"],
                        occurred_at="2026-05-05T15:00:00Z")
    clock.set("2026-03-10T12:00:00Z")
    for field in ("citizenship", "immigration_status", "country_of_birth"):
        dec = guard.check_submission({field: "x"}, scope="schools", requester="local")
        guard.record(dec, adapter="asgi", route="POST /enroll")
    audit_log.close()
    return report_for(take_snapshot(f"jsonl:{log_path}"), H1, guard.policy,
                      now=datetime(2026, 7, 2, 13, tzinfo=timezone.utc))


@pytest.fixture
def pdf(report) -> bytes:
    return render(report, "pdf")


def test_the_pdf_is_tagged_pdf_ua(pdf):
    assert pdf.startswith(b"%PDF")
    assert pdfua.problems(pdf) == []


def test_the_checker_flags_a_pdf_without_tags(report):
    from weasyprint import HTML

    untagged = HTML(string=to_html(report, for_print=True)).write_pdf()
    found = {code for code, _ in pdfua.problems(untagged)}
    assert {"01-002"} <= found or "06-002" in found


def test_the_first_page_is_a_memo_to_the_clerk_with_the_figures_and_a_signature_block(pdf):
    pages = pdfua.page_texts(pdf)
    first = " ".join(pages[0].split())
    for words in ("MEMORANDUM", "To City Clerk", "Copy City Manager", "From Cambridge Police Commissioner",
                  "Public Safety Committee", "January 1 to June 30, 2026", "$13,595.50", "Signature", "Date",
                  "Eastern Time"):
        assert words in first, words
    assert "Appendix B" in first and "Technical verification" not in first  # the details are at the back
    assert re.search(r"People detained on an ICE hold\s+0", first)


def test_every_page_has_a_page_number_and_the_appendix_holds_the_verification(pdf):
    pages = pdfua.page_texts(pdf)
    assert len(pages) >= 3
    for i, text in enumerate(pages, 1):
        assert f"Page {i} of {len(pages)}" in text
    last = " ".join(" ".join(pages[-2:]).split())
    assert "Appendix B. Technical verification of the audit log" in last and "What the check rests on" in last


def test_no_server_path_or_audit_spec_appears_in_any_format(report, pdf, log_path):
    texts = {fmt: render(report, fmt).decode() for fmt in ("html", "md", "csv", "json")}
    texts["pdf"] = " ".join(pdfua.page_texts(pdf))
    for fmt, text in texts.items():
        assert str(log_path) not in text and str(log_path.parent) not in text, fmt
        assert "jsonl:" not in text and "/tmp" not in text and "pytest-" not in text, fmt


def test_currency_is_formatted_for_people_and_exact_for_machines(report):
    html = render(report, "html").decode()
    assert "$1,250.00" in html and "$12,345.50" in html and "$13,595.50" in html
    data = json.loads(render(report, "json"))
    assert {r["case"]: r["total"] for r in data["reimbursements"]} == {"CPD-2026-001": "1250.00",
                                                                       "CPD-2026-014": "12345.50"}


def test_each_chart_sits_beside_the_table_of_its_numbers_with_alt_text(report):
    from lxml import html as lh

    doc = lh.fromstring(render(report, "html").decode())
    pairs = doc.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' pair ')]")
    ids = {t.get("id") for p in pairs for t in p.xpath("./table")}
    assert {"lodged-by-month", "reimbursements", "refusals-by-month", "refusals-by-clause"} <= ids
    for p in pairs:
        (img,) = p.xpath("./figure/img")
        assert len(img.get("alt")) > 40 and "table" in img.get("alt")
    month_rows = doc.xpath("//table[@id='lodged-by-month']/tbody/tr")
    assert [r[0].text_content() for r in month_rows] == ["Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026", "May 2026",
                                                          "Jun 2026"]


def test_the_report_explains_counting_for_events_entered_after_the_fact(report):
    html = render(report, "html").decode()
    assert "even when they were entered later" in html
    assert report.coverage.entered_after >= 6 and "entered after it ended" in html


def test_a_failed_verification_is_the_first_thing_on_page_one(report, tmp_path):
    from dataclasses import replace

    from status_guard.compliance.verification import VerificationView

    bad = replace(report, verified=False, verification_problems=("edited at 3: content does not match",),
                  verification=VerificationView("failed", "TAMPERING", "1 problem", "bad"))
    first = " ".join(pdfua.page_texts(render(bad, "pdf"))[0].split())
    assert "THE AUDIT LOG DID NOT VERIFY" in first
    assert first.index("DID NOT VERIFY") < first.index("The figures for")


def test_the_pdf_pages_can_be_looked_at(pdf, tmp_path):
    """Renders each page to PNG (kept in $STATUS_GUARD_SCREENSHOT_DIR when set) and checks they are not blank."""
    import os

    import pypdfium2 as pdfium

    out = Path(os.environ.get("STATUS_GUARD_SCREENSHOT_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    doc = pdfium.PdfDocument(pdf)
    for i in range(len(doc)):
        img = doc[i].render(scale=1.2).to_pil()
        img.save(out / f"report-page-{i + 1}.png")
        lo, hi = img.convert("L").getextrema()
        assert lo < 100 and hi > 200  # ink on paper
    doc.close()


def test_every_table_header_cell_says_what_it_heads_pdf_ua(pdf):
    """w16e F06 (PDF/UA-1, Matterhorn 15-003): every /TH has a /Scope — /Column in header rows, /Row beside
    data (the memo's To/Copy/From table included)."""
    import io

    import pikepdf

    doc = pikepdf.open(io.BytesIO(pdf))
    scopes: list[str] = []
    stack = [doc.Root["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if node.get("/S") == "/TH":
            a = node.get("/A")
            scopes.append(str(a.get("/Scope")) if isinstance(a, pikepdf.Dictionary) else "none")
        k = node.get("/K")
        stack.extend(list(k) if isinstance(k, pikepdf.Array) else ([k] if k is not None else []))
    assert scopes and "none" not in scopes
    assert {"/Column", "/Row"} <= set(scopes)
