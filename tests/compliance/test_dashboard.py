"""The dashboard served in-process (httpx + ASGI): pages, filters, login, tamper banner, downloads."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from status_guard.compliance.dashboard.app import DashboardConfig, create_app, is_loopback
from status_guard.errors import RefusedError


def get(app: Any, url: str, **kw: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
            return await c.get(url, **kw)

    return asyncio.run(go())


def session(app: Any, steps: list[tuple[str, str, dict[str, str] | None]]) -> list[httpx.Response]:
    async def go() -> list[httpx.Response]:
        out = []
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
            for method, url, data in steps:
                out.append(await c.request(method, url, data=data))
        return out

    return asyncio.run(go())


@pytest.fixture
def populated(recorder, guard, audit_log, log_path):
    recorder.record("detainer_request", person_id="p1", in_custody=True, occurred_at="2026-02-01T08:00:00Z")
    with pytest.raises(RefusedError):
        recorder.record("detained_on_ice_hold", person_id="p1", hold_basis=["ice_detainer"])
    d = guard.check_submission({"citizenship": "x"}, scope="schools", requester="local")
    guard.record(d, adapter="asgi", route="POST /enroll")
    audit_log.heartbeat()
    audit_log.close()
    return f"jsonl:{log_path}"


def test_overview_shows_verification_obligations_and_refusals_by_clause(populated):
    r = get(create_app(DashboardConfig(audit_spec=populated)), "/")
    assert r.status_code == 200
    assert 'data-state="consistent"' in r.text and "Log consistent" in r.text
    assert '<span class="num" id="refused-count">2</span>' in r.text  # records, not clause citations
    assert "2.129.040(d)" in r.text and "Police Department" in r.text
    assert "2.129.040(b)" in r.text and "Cambridge Public Schools" in r.text
    assert r.headers["content-security-policy"].startswith("default-src 'none'")
    assert "<script" not in r.text


def test_log_browser_filters_by_clause_and_effect(populated):
    app = create_app(DashboardConfig(audit_spec=populated))
    r = get(app, "/records", params={"citation": "2.129.040(d)", "effect": "block"})
    assert "1 matching record(s)" in r.text
    assert get(app, "/records", params={"kind": "heartbeat"}).text.count("Heartbeat (the log was alive)") == 1
    bad = get(app, "/records", params={"from": "the other day"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text


def test_record_page_never_shows_the_person_reference(populated, person_key):
    from status_guard.compliance import person_ref

    app = create_app(DashboardConfig(audit_spec=populated))
    r = get(app, "/records/1")
    assert "040(g) obligation" in r.text and person_ref(person_key, "p1") not in r.text
    assert "City Manager" in r.text


def test_report_downloads_in_each_format(populated):
    app = create_app(DashboardConfig(audit_spec=populated))
    page = get(app, "/report", params={"from": "2026-01-01", "to": "2026-06-30"})
    assert page.status_code == 200 and "Download PDF" in page.text
    pdf = get(app, "/report/download", params={"from": "2026-01-01", "to": "2026-06-30", "format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]
    csv = get(app, "/report/download", params={"from": "2026-01-01", "to": "2026-06-30", "format": "csv"})
    assert "ICE detainer request received,1" in csv.text
    assert get(app, "/report/download", params={"format": "exe"}).status_code == 400


def test_tampered_log_is_flagged_on_every_page(populated, log_path):
    lines = log_path.read_text().splitlines(keepends=True)
    del lines[2]
    log_path.write_text("".join(lines))
    app = create_app(DashboardConfig(audit_spec=populated))
    for url in ("/", "/records", "/obligations", "/report"):
        r = get(app, url)
        assert "does not verify" in r.text or "DID NOT VERIFY" in r.text, url


def test_login_is_required_when_a_password_is_set(populated):
    app = create_app(DashboardConfig(audit_spec=populated, password="correct horse battery"))
    r = get(app, "/records")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    wrong, after_wrong = session(app, [("POST", "/login", {"password": "guess", "next": "/records"}),
                                       ("GET", "/records", None)])
    assert wrong.status_code == 401 and after_wrong.status_code == 303
    ok, page, out, after = session(app, [("POST", "/login", {"password": "correct horse battery", "next": "/records"}),
                                         ("GET", "/records", None), ("POST", "/logout", None), ("GET", "/", None)])
    assert ok.status_code == 303 and "HttpOnly" in ok.headers["set-cookie"] and "SameSite=strict" in ok.headers["set-cookie"]
    assert page.status_code == 200 and "Audit log" in page.text
    assert after.status_code == 303


def test_forged_session_cookie_is_rejected(populated):
    app = create_app(DashboardConfig(audit_spec=populated, password="correct horse battery"))
    r = get(app, "/", headers={"cookie": "sg_session=9999999999.abcd.00"})
    assert r.status_code == 303


def test_login_redirect_never_leaves_the_site(populated):
    app = create_app(DashboardConfig(audit_spec=populated, password="correct horse battery"))
    (r,) = session(app, [("POST", "/login", {"password": "correct horse battery", "next": "//evil.example/"})])
    assert r.headers["location"] == "/"


@pytest.mark.parametrize("host,loop", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                       ("127.0.0.2", True), ("0.0.0.0", False), ("10.0.0.5", False),
                                       ("dashboard.example", False)])
def test_only_loopback_hosts_count_as_private(host, loop):
    assert is_loopback(host) is loop



def test_a_mistyped_address_gets_the_dashboard_page_not_a_bare_text(populated):
    r = get(create_app(DashboardConfig(audit_spec=populated)), "/log")
    assert r.status_code == 404
    assert "There is no page at this address." in r.text
    assert 'href="/records"' in r.text  # the navigation is there to find the way back


# -- item 8: what an officer sees ---------------------------------------------------------------------------
def _seeded(recorder, guard, audit_log, log_path, clock):
    """Events and refusals in two half-years, a correction, a marker-rich log."""
    clock.set("2026-02-01T12:00:00Z")
    opened = recorder.record("detainer_request", person_id="BK-1", in_custody=True,
                             occurred_at="2026-02-01T12:00:00Z")
    recorder.record("notice_delivered", obligation_ref=opened["event"]["obligation_ref"],
                    occurred_at="2026-02-03T12:00:00Z")
    bad = recorder.record("federal_reimbursement", case_ref="CPD-1", amount="99.00", occurred_at="2026-03-01T12:00:00Z")
    recorder.correct(bad["seq"], reason="wrong_details", amount="990.00")
    for day in range(3):
        clock.set(f"2026-03-0{day + 2}T12:00:00Z")
        d = guard.check_submission({"citizenship": "x"}, scope="schools", requester="local")
        guard.record(d, adapter="asgi", route="POST /enroll")
        audit_log.heartbeat()
    clock.set("2026-08-02T12:00:00Z")
    d = guard.check_submission({"immigration_status": "x"}, scope="city", requester="local")
    guard.record(d, adapter="asgi", route="POST /intake")
    audit_log.checkpoint() if audit_log._signing_key else audit_log.heartbeat()
    audit_log.close()
    return f"jsonl:{log_path}"


def test_the_overview_counts_the_chosen_period(recorder, guard, audit_log, log_path, clock):
    spec = _seeded(recorder, guard, audit_log, log_path, clock)
    app = create_app(DashboardConfig(audit_spec=spec))
    h1 = get(app, "/", params={"from": "2026-01-01", "to": "2026-06-30"}).text
    h2 = get(app, "/", params={"from": "2026-07-01", "to": "2026-12-31"}).text
    assert '<span class="num" id="refused-count">3</span>' in h1 and '<span class="num" id="lodged-count">1</span>' in h1
    assert '<span class="num" id="refused-count">1</span>' in h2 and '<span class="num" id="lodged-count">0</span>' in h2
    assert "$990.00" in h1 and "January 1 to June 30, 2026" in h1
    # charts load apart from the page (a page is never held up by drawing them): each address serves its picture
    import re

    srcs = re.findall(r'<figure class="chart"><img src="(/charts/[0-9a-f]{32}\.svg)"', h1)
    assert len(srcs) == 3
    for src in srcs:
        img = get(app, src)
        assert img.status_code == 200 and img.headers["content-type"] == "image/svg+xml" and b"<svg" in img.content
    assert get(app, "/charts/" + "0" * 32 + ".svg").status_code == 404
    assert "1 event(s) of this period were corrected or withdrawn" in h1


def test_log_markers_are_hidden_unless_asked_for(recorder, guard, audit_log, log_path, clock):
    spec = _seeded(recorder, guard, audit_log, log_path, clock)
    app = create_app(DashboardConfig(audit_spec=spec))
    default = get(app, "/records").text
    assert "Heartbeat" not in default and "Log started" not in default and "log marker(s) hidden" in default
    shown = get(app, "/records", params={"markers": "1"}).text
    assert "Heartbeat (the log was alive)" in shown and "Log started" in shown


def test_record_pages_are_in_words_not_python_reprs(recorder, guard, audit_log, log_path, clock):
    import re

    spec = _seeded(recorder, guard, audit_log, log_path, clock)
    app = create_app(DashboardConfig(audit_spec=spec))
    for seq in range(1, 14):
        r = get(app, f"/records/{seq}")
        if r.status_code == 404:
            continue
        table = r.text.split('id="record-fields"', 1)[1].split("</table>", 1)[0]
        assert not re.search(r"\{'|\['|': |\bTrue\b|\bFalse\b|\bNone\b", table), (seq, table)
    corrected = get(app, "/records/4").text
    assert "Federal reimbursement received (correction of record 3)" in corrected or "corrects record 3" in corrected
    assert "$990.00" in corrected and "wrong case, amount" in corrected


def test_a_complaint_packet_is_rendered_as_a_document(recorder, guard, audit_log, log_path, clock):
    spec = _seeded(recorder, guard, audit_log, log_path, clock)
    app = create_app(DashboardConfig(audit_spec=spec))
    seq = next(s for s in range(1, 20) if "Refused" in get(app, f"/records/{s}").text)
    page = get(app, f"/records/{seq}/complaint")
    assert page.status_code == 200 and "Complaint under 2.129.050" in page.text
    assert "Superintendent of Schools" in page.text and "What the log records" in page.text
    assert "```" not in page.text and "{&#34;" not in page.text  # a document, not a code dump
    for fmt, media in (("html", "text/html"), ("md", "text/markdown"), ("json", "application/json")):
        d = get(app, f"/records/{seq}/complaint.{fmt}")
        assert d.status_code == 200 and d.headers["content-type"].startswith(media)
        assert "attachment" in d.headers["content-disposition"]


def test_events_page_lists_facts_as_corrected_with_the_booking_only_with_the_key(recorder, guard, audit_log, log_path,
                                                                                 clock, person_key):
    spec = _seeded(recorder, guard, audit_log, log_path, clock)
    without = get(create_app(DashboardConfig(audit_spec=spec)), "/events", params={"from": "2026-01-01",
                                                                                    "to": "2026-06-30"}).text
    assert "BK-1" not in without and "$990.00" in without and "$99.00" not in without
    with_key = get(create_app(DashboardConfig(audit_spec=spec, person_key=person_key)), "/events",
                   params={"from": "2026-01-01", "to": "2026-06-30", "all": "1"}).text
    assert "BK-1" in with_key and "$99.00" in with_key and "replaced by record" in with_key


def test_odd_addresses_get_a_page_not_a_server_error(populated):
    app = create_app(DashboardConfig(audit_spec=populated))
    for url, status in (("/records/1/complaint.exe", 404), ("/records/999999", 404), ("/events?page=-3", 200),
                        ("/?from=2026-06-30&to=2026-01-01", 400), ("/?from=2020-01-01&to=2026-01-01", 400),
                        ("/records?from=yesterday", 400), ("/report/download?format=pdf&from=x", 400)):
        assert get(app, url).status_code == status, url


# -- the overview's counts and the records its links list agree (by when things occurred) -------------
import html as _html  # noqa: E402
import re as _re  # noqa: E402
import secrets as _secrets  # noqa: E402
from datetime import datetime as _dt, timedelta as _td, timezone as _tz  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ROW = _re.compile(r'<td class="num">(\d+)</td><td><a href="(/records\?[^"]*)"')


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(refusals=st.lists(st.tuples(st.integers(-40, 220), st.integers(0, 120)), min_size=1, max_size=6))
def test_every_overview_refusal_count_links_to_exactly_those_records(tmp_path_factory, policy, refusals):
    """Refusals typed days after they occurred (040(d) holds entered later), around the period's ends:
    each "Show records refused under …" link lists as many records as the count beside it."""
    from status_guard import Guard
    from status_guard.audit import open_audit
    from status_guard.compliance import EventRecorder

    path = tmp_path_factory.mktemp("ov") / "a.jsonl"
    log = open_audit(f"jsonl:{path}", fsync="never")
    rec = EventRecorder(Guard(policy, audit=log), person_key=_secrets.token_bytes(32), department="Police Department")
    start = _dt(2026, 1, 1, 5, 0, tzinfo=_tz.utc)
    for i, (day, late_days) in enumerate(refusals):
        occurred = start + _td(days=day, hours=i)
        if occurred > _dt.now(_tz.utc):
            continue
        with pytest.raises(RefusedError):
            rec.record("detained_on_ice_hold", person_id=f"p{i}", hold_basis=["ice_detainer"], occurred_at=occurred)
    log.close()
    app = create_app(DashboardConfig(audit_spec=f"jsonl:{path}"))
    ov = get(app, "/", params={"from": "2026-01-01", "to": "2026-06-30"}).text
    rows = _ROW.findall(ov)
    for n, link in rows:
        listed = get(app, _html.unescape(link)).text
        assert f"{n} matching record(s)" in listed, (n, link)
    m = _re.search(r'id="refused-count">(\d+)<', ov)
    assert m is not None and int(m.group(1)) == sum(int(n) for n, _ in rows)


def test_events_collected_as_records_are_appended_match_a_fresh_read(recorder, guard, audit_log, log_path):
    """The long-running dashboard extends its event list with appended records; every page it derives
    from them says what a dashboard started on the same bytes says."""
    recorder.record("detainer_request", person_id="p1", in_custody=True, occurred_at="2026-02-01T08:00:00Z")
    spec = f"jsonl:{log_path}"
    app = create_app(DashboardConfig(audit_spec=spec))
    q = {"from": "2026-01-01", "to": "2026-06-30"}
    get(app, "/events", params=q)
    for i in range(3):
        recorder.record("federal_reimbursement", case_ref=f"C-{i}", amount=f"{i + 1},000.00",
                        occurred_at=f"2026-03-0{i + 1}T12:00:00Z")
        audit_log.heartbeat()
        for url in ("/events", "/"):
            long_running = get(app, url, params=q).text
            fresh = get(create_app(DashboardConfig(audit_spec=spec)), url, params=q).text
            assert long_running == fresh, url


@pytest.mark.parametrize("url", ["/", "/events", "/report", "/records"])
@pytest.mark.parametrize("dates", [{"from": "2026-06-30", "to": "2026-01-01"}, {"from": "2026-13-01", "to": "2026-06-30"},
                                   {"from": "2020-01-01", "to": "2026-06-30"}])
def test_a_bad_period_keeps_the_page_and_its_form_and_names_the_forms_fields(populated, url, dates):
    """w16b F11: a bare 400 page naming --to/--from; the form was gone."""
    if url == "/records" and dates["from"] == "2020-01-01":
        return  # the log's filter has no length limit
    r = get(create_app(DashboardConfig(audit_spec=populated)), url, params=dates)
    assert r.status_code == 400 and 'id="period-error"' in r.text and 'role="alert"' in r.text
    assert "--to" not in r.text and "--from" not in r.text
    assert "<form" in r.text  # the page, with its form, to correct the dates


def test_the_audit_log_marks_withdrawn_and_replaced_events(recorder, audit_log, log_path):
    """w16b F12: a withdrawn event was listed exactly like a current one."""
    a = recorder.record("federal_reimbursement", case_ref="CPD-1", amount="10.00", occurred_at="2026-02-01T12:00:00Z")
    b = recorder.record("federal_reimbursement", case_ref="CPD-2", amount="20.00", occurred_at="2026-02-02T12:00:00Z")
    recorder.record("federal_reimbursement", case_ref="CPD-3", amount="30.00", occurred_at="2026-02-03T12:00:00Z")
    void = recorder.void(str(a["seq"]), reason="entered_in_error")
    fix = recorder.correct(str(b["seq"]), reason="wrong_details", amount="25.00")
    audit_log.close()
    html = get(create_app(DashboardConfig(audit_spec=f"jsonl:{log_path}")), "/records", params={"kind": "event"}).text
    rows = {int(m.group(1)): m.group(0) for m in __import__("re").finditer(
        r'<tr[^>]*>\s*<td class="num"><a href="/records/(\d+)">.*?</tr>', html, __import__("re").S)}
    assert f'Withdrawn by <a href="/records/{void["seq"]}">' in rows[a["seq"]] and "not counted" in rows[a["seq"]]
    assert f'Replaced by <a href="/records/{fix["seq"]}">' in rows[b["seq"]]
    assert all("not counted" not in row for seq, row in rows.items() if seq not in (a["seq"], b["seq"]))


def test_the_overview_says_how_the_report_counts_cooperation(recorder, audit_log, log_path):
    """w16b S16: the overview said 2 (entries) where the report said 1 (investigations that can be disclosed)."""
    from status_guard.compliance import take_snapshot
    from status_guard.compliance.report import Period, report_for
    from status_guard.policy import load_policy

    recorder.record("ice_cooperation", case_ref="INV-1", disclosable=True, occurred_at="2026-02-01T12:00:00Z")
    recorder.record("ice_cooperation", case_ref="INV-2", disclosable=False, occurred_at="2026-02-02T12:00:00Z")
    audit_log.close()
    spec = f"jsonl:{log_path}"
    html = get(create_app(DashboardConfig(audit_spec=spec)), "/", params={"from": "2026-01-01", "to": "2026-06-30"}).text
    rep = report_for(take_snapshot(spec), Period.parse("2026-01-01", "2026-06-30"), load_policy(None))
    note = html.split('id="coop-note">', 1)[1].split("</span>", 1)[0]
    assert f"{rep.cooperation_investigations} reported" in note and f"{rep.cooperation_withheld} not publicly" in note
