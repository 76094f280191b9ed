"""What a non-developer stumbled on following docs/compliance.md (issue 16, walkthrough), as the law names it.

Invariants:
* verification: a log whose only obstacle is a key the officer did not supply is "CANNOT VERIFY (key
  not supplied)" with exit code 3 — never the red alarm (1); a changed log is the alarm (1) with or
  without keys; `audit verify` reads $STATUS_GUARD_AUDIT_PUBLIC_KEY_FILE like every other command;
* a missing log (a new terminal without the exports) names the option, the environment variable and
  the docs, in every command;
* the 060 report's 040(g) section reads in words, with the received / due / given times in the
  jurisdiction's zone (America/New_York) and how late;
* a 2.129.050 packet carries the incident time in Eastern time with the zone, every shown time in
  that zone, and the officer's allegation — which never reaches the audit log;
* the same event entered twice on the command line is refused, naming the earlier entry (unless
  --allow-duplicate);
* the dashboard's menu keeps the period the officer chose;
* listings for spreadsheets carry times with their offset, never bare UTC.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.audit import open_audit
from status_guard.audit.keys import write_secret_file, write_signing_keypair
from status_guard.cli import cli
from status_guard.compliance.dashboard.app import DashboardConfig, create_app
from status_guard.compliance.events import DuplicateEventError

NY = "America/New_York"
SLOW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _invoke(args: list[str], env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(cli, args, env=env or {}, catch_exceptions=False)


# -- 1. "cannot verify (key not supplied)" is its own state and exit code -----------------------------
@pytest.fixture(scope="module")
def keydir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("keys")
    write_secret_file(str(d / "hmac.key"))
    write_signing_keypair(str(d / "signing.pem"), str(d / "signing.pem.pub"))
    return d


def _write_log(path: Path, kind: str, keydir: Path, sessions: int) -> None:
    kw = {"plain": {}, "hmac": {"hmac_key": str(keydir / "hmac.key")},
          "signed": {"signing_key": str(keydir / "signing.pem")}}[kind]
    for s in range(sessions):  # like the walkthrough: one short-lived writer per command, no explicit checkpoint
        log = open_audit(f"jsonl:{path}", fsync="never", **kw)
        log.append({"kind": "event", "event": {"type": "notification_request", "event_id": f"evt{s:016x}",
                                               "occurred_at": "2026-02-01T12:00:00Z", "citation": "2.129.060(a)"}})
        log.close()


@SLOW
@given(kind=st.sampled_from(["plain", "hmac", "signed"]), sessions=st.integers(1, 3),
       give_key=st.booleans(), key_by_env=st.booleans(), edited=st.booleans())
def test_audit_verify_says_cannot_verify_when_the_key_is_not_supplied_never_the_alarm(
        tmp_path_factory, keydir, kind, sessions, give_key, key_by_env, edited):
    path = tmp_path_factory.mktemp("log") / "audit.jsonl"
    _write_log(path, kind, keydir, sessions)
    if edited:
        path.write_text(path.read_text().replace("notification_request", "ice_hold", 1))
    args, env = ["audit", "verify", "--audit", str(path)], {}
    if give_key and kind != "plain":
        flag, var, file = {"hmac": ("--hmac-key-file", "STATUS_GUARD_AUDIT_HMAC_KEY_FILE", "hmac.key"),
                           "signed": ("--public-key", "STATUS_GUARD_AUDIT_PUBLIC_KEY_FILE", "signing.pem.pub")}[kind]
        if key_by_env:
            env[var] = str(keydir / file)
        else:
            args += [flag, str(keydir / file)]
    res = _invoke(args, env)
    key_needed = kind != "plain" and not give_key
    if edited and not (kind == "hmac" and key_needed):  # without its key an HMAC chain cannot be checked at all
        assert res.exit_code == 1 and "INVALID" in res.output and "CANNOT VERIFY" not in res.output
    elif key_needed:
        assert res.exit_code == 3, res.output
        assert "CANNOT VERIFY (key not supplied)" in res.output and "not a sign of tampering" in res.output
        assert "INVALID" not in res.output and "UNVERIFIABLE" not in res.output
        assert ("--public-key" if kind == "signed" else "--hmac-key-file") in res.output
        assert json.loads(_invoke(args + ["--format", "json"], env).output)["result"] == "cannot_verify"
        # w16b F8: one screen, one story — a signed log read without its key never says "no signed tree head"
        assert "no signed tree head" not in res.output
    elif kind == "plain":
        assert res.exit_code == 0 and "Result: VALID (consistent only" in res.output
    else:
        # every record checked with its key, but no witness given: a cut tail would not show (w16c F01), so
        # the yellow "cannot fully verify" (exit 3), never VALID and never the alarm
        assert res.exit_code == 3, res.output
        assert "CANNOT FULLY VERIFY (no witness given)" in res.output and "not a sign of tampering" in res.output
        assert "INVALID" not in res.output and "Result: VALID" not in res.output
        assert json.loads(_invoke(args + ["--format", "json"], env).output)["result"] == "not_witnessed"


def test_a_signed_log_without_its_public_key_is_yellow_on_the_dashboard_and_exits_3_for_the_report(
        tmp_path, keydir):
    path = tmp_path / "audit.jsonl"
    _write_log(path, "signed", keydir, 2)  # signed tree heads in its markers only, as the CLI writes them

    async def go() -> str:
        app = create_app(DashboardConfig(audit_spec=f"jsonl:{path}"))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            return (await c.get("/")).text

    html = asyncio.run(go())
    assert 'data-state="key_missing"' in html and "Cannot verify: key not supplied" in html
    assert 'role="alert"' not in html and "TAMPERING" not in html and "no signed tree head" not in html
    res = _invoke(["report", "semiannual", "--audit", str(path), "--from", "2026-01-01", "--to", "2026-06-30"])
    assert res.exit_code == 3 and "--public-key" in res.output and "did not verify" not in res.output


# -- 2. a new terminal: the missing log names its variable and the docs -------------------------------
@pytest.mark.parametrize("args", [
    ["audit", "verify"], ["audit", "query"], ["obligations"], ["events", "list"],
    ["events", "add", "notification_request", "--person-ref", "a" * 64],
    ["report", "semiannual", "--from", "2026-01-01", "--to", "2026-06-30"],
    ["complaint", "draft", "--record", "1"], ["dashboard"],
])
def test_a_command_without_the_log_names_the_option_the_variable_and_the_docs(args):
    res = _invoke(args)
    assert res.exit_code == 2
    assert "--audit" in res.output and "STATUS_GUARD_AUDIT" in res.output and "docs/compliance.md" in res.output
    assert "new terminal window" in res.output
    assert "Missing option" not in res.output


# -- 3. the report's 040(g) section, in words and in Cambridge time ----------------------------------
@pytest.fixture
def notices_log(recorder, audit_log, log_path):
    a = recorder.record("detainer_request", person_id="BK-4411", in_custody=True,
                        occurred_at=f"2026-03-02 14:00 {NY}")["event"]["obligation_ref"]
    recorder.record("notice_delivered", obligation_ref=a, occurred_at=f"2026-03-03 09:30 {NY}")
    b = recorder.record("detainer_request", person_id="BK-5120", in_custody=True,
                        occurred_at=f"2026-04-20 10:00 {NY}")["event"]["obligation_ref"]
    recorder.record("notice_delivered", obligation_ref=b, occurred_at=f"2026-04-22 16:00 {NY}")
    c = recorder.record("detainer_request", person_id="BK-7000", in_custody=True,
                        occurred_at=f"2026-06-20 10:00 {NY}")["event"]["obligation_ref"]
    audit_log.close()
    return {"log": log_path, "refs": (a, b, c)}


def test_report_040g_section_shows_due_and_given_times_in_new_york_and_how_late(notices_log, policy):
    from status_guard.compliance import take_snapshot
    from status_guard.compliance.render import render
    from status_guard.compliance.report import Period, report_for

    now = datetime(2026, 7, 1, 16, 0, tzinfo=timezone.utc)  # 12:00 EDT
    rep = report_for(take_snapshot(f"jsonl:{notices_log['log']}"), Period.parse("2026-01-01", "2026-06-30"),
                     policy, now=now)
    md = render(rep, "md").decode()
    section = md.split("(040(g))", 1)[1].split("## Corrections", 1)[0]
    assert "Eastern Time (America/New_York)" in section
    assert "| 2026-03-02 14:00 EST | ICE detainer request | 2026-03-03 14:00 EST | 2026-03-03 09:30 EST | " \
           "given on time |" in section
    assert "| 2026-04-21 10:00 EDT | 2026-04-22 16:00 EDT | given late, by 1 day 6 h |" in section
    assert "| 2026-06-21 10:00 EDT | not given | NOT GIVEN: overdue by 10 days 2 h on 2026-07-01 12:00 EDT" in section
    for ref in notices_log["refs"]:  # internal codes stay out of what a person reads
        assert ref not in section
    html = render(rep, "html").decode()
    assert "Copy due by" in html and "given late, by 1 day 6 h" in html and "2026-06-21 10:00 EDT" in html
    data = json.loads(render(rep, "json"))
    late = [o for o in data["notices"]["obligations"] if o["status"] == "closed_late"]
    assert late and late[0]["late_by_seconds"] == 30 * 3600 and late[0]["due"] == "2026-04-21 10:00 EDT"


# -- 4. the complaint packet: incident time in Eastern, the allegation in the packet only -----------------
@pytest.fixture
def refused_hold(recorder, audit_log, log_path):
    from status_guard.errors import RefusedError

    with pytest.raises(RefusedError):
        recorder.record("detained_on_ice_hold", person_id="BK-5120", hold_basis=["ice_detainer"],
                        occurred_at=f"2026-04-21 08:00 {NY}")
    audit_log.close()
    seq = max(json.loads(line)["seq"] for line in log_path.read_text().splitlines()
              if json.loads(line).get("kind") == "decision")
    return log_path, seq


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(allegation=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300)
       .filter(lambda t: t.strip() and len(t.strip()) > 3))
def test_complaint_packet_shows_the_incident_in_eastern_and_keeps_the_allegation_out_of_the_log(
        refused_hold, allegation):
    log_path, seq = refused_hold
    before = log_path.read_bytes()
    md = _invoke(["complaint", "draft", "--audit", str(log_path), "--record", str(seq), "--allegation", allegation])
    assert md.exit_code == 0, md.output
    assert "**Incident time:** 2026-04-21 08:00 EDT (America/New_York)" in md.output
    shown = md.output.split("## Allegation", 1)[0]
    assert "Z." not in shown and "Z\n" not in shown and "EST (America/New_York)" in shown  # drafted in Eastern
    data = json.loads(_invoke(["complaint", "draft", "--audit", str(log_path), "--record", str(seq), "--format",
                               "json", "--allegation", allegation]).output.split("\n}\n", 1)[0] + "\n}")
    assert data["incident_at"] == "2026-04-21T08:00:00-04:00" and data["time_zone"] == NY
    cleaned = data["allegation"]
    assert cleaned and cleaned.split()[0] in md.output  # the allegation is in the packet
    html = _invoke(["complaint", "draft", "--audit", str(log_path), "--record", str(seq), "--format", "html",
                    "--allegation", allegation]).output
    if "<" in cleaned:  # the allegation is text in the document, never markup
        assert "&lt;" in html.split('class="allegation"', 1)[1]
    assert log_path.read_bytes() == before  # drafting writes nothing: the allegation never reaches the log


def test_complaint_packet_without_allegation_asks_for_one(refused_hold):
    log_path, seq = refused_hold
    res = _invoke(["complaint", "draft", "--audit", str(log_path), "--record", str(seq)])
    assert "--allegation" in res.output.split("## Allegation", 1)[1]


# -- duplicates ---------------------------------------------------------------------------------------
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spelling=st.sampled_from([f"2026-05-04 11:00 {NY}", "2026-05-04T11:00-04:00", "2026-05-04T15:00Z"]),
       case=st.sampled_from(["CPD-2026-001", "CPD-2026-002"]), amount=st.sampled_from(["1250.00", "1,250.00"]))
def test_the_same_reimbursement_entered_twice_is_refused_naming_the_earlier_entry(
        tmp_path_factory, policy, person_key, spelling, case, amount):
    from status_guard import Guard
    from status_guard.compliance import EventRecorder

    path = tmp_path_factory.mktemp("dup") / "audit.jsonl"
    log = open_audit(f"jsonl:{path}", fsync="never")
    rec = EventRecorder(Guard(policy, audit=log), person_key=person_key, refuse_duplicates=True)
    first = rec.record("federal_reimbursement", case_ref="CPD-2026-001", amount="1250.00",
                       occurred_at=f"2026-05-04 11:00 {NY}")
    kw = {"case_ref": case, "amount": amount, "occurred_at": spelling}
    if case == "CPD-2026-001":
        with pytest.raises(DuplicateEventError) as e:
            rec.record("federal_reimbursement", **kw)
        assert e.value.earlier_seq == first["seq"] and f"seq {first['seq']}" in str(e.value)
        assert rec.record("federal_reimbursement", allow_duplicate=True, **kw)["seq"] > first["seq"]
    else:
        rec.record("federal_reimbursement", **kw)  # another case: another fact
    log.close()


def test_a_duplicate_on_the_command_line_names_the_flag_and_writes_nothing(tmp_path):
    path = tmp_path / "audit.jsonl"
    args = ["events", "add", "federal_reimbursement", "--audit", str(path), "--case", "CPD-2026-001",
            "--amount", "1250.00", "--occurred-at", f"2026-05-04 11:00 {NY}"]
    assert _invoke(args).exit_code == 0
    size = path.stat().st_size
    res = _invoke(args)
    assert res.exit_code == 2 and "--allow-duplicate" in res.output and "same federal reimbursement as seq" in res.output
    assert path.stat().st_size == size
    assert _invoke(args + ["--allow-duplicate"]).exit_code == 0


# -- the dashboard's menu keeps the period ---------------------------------------------------------------
def test_the_dashboard_menu_keeps_the_chosen_period_from_page_to_page(notices_log):
    app = create_app(DashboardConfig(audit_spec=f"jsonl:{notices_log['log']}"))

    async def go() -> list[str]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
            first = (await c.get("/events", params={"from": "2026-01-01", "to": "2026-03-31"})).text
            record = (await c.get("/records/1")).text       # a page without a period of its own
            overview = (await c.get("/")).text              # reached from the menu's plain link
            return [first, record, overview]

    first, record, overview = asyncio.run(go())
    carried = 'href="/report?from=2026-01-01&amp;to=2026-03-31"'
    assert carried in first and carried in record
    assert 'href="/?from=2026-01-01&amp;to=2026-03-31"' in record
    assert 'name="from" type="date" value="2026-01-01"' in overview and 'value="2026-03-31"' in overview


# -- spreadsheet times carry their offset --------------------------------------------------------------
def test_obligations_csv_times_are_iso_with_the_new_york_offset(notices_log):
    res = _invoke(["obligations", "--all", "--audit", str(notices_log["log"]), "--format", "csv",
                   "--now", "2026-07-01T16:00:00Z"])
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert rows and all(r["due"].endswith(("-05:00", "-04:00")) for r in rows)
    assert not any(r[c].endswith("Z") for r in rows for c in ("opened", "due", "closed") if r[c])
    assert {r["due"] for r in rows} >= {"2026-03-03T14:00:00-05:00", "2026-04-21T10:00:00-04:00"}


# -- events list in words (issue 16 r16c: it showed `detainer_request`, the report "ICE detainer request received") --
def _every_type_log(path: Path) -> None:
    from status_guard.compliance.events import EventType

    log = open_audit(f"jsonl:{path}", fsync="never")
    for i, t in enumerate(EventType):
        if t is EventType.VOID:
            continue
        log.append({"kind": "event", "adapter": "event", "event": {
            "type": t.value, "event_id": f"evt{i:016x}", "citation": "2.129.060(a)",
            "occurred_at": f"2026-02-{i + 1:02d}T12:00:00Z"}})
    log.close()


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_events_list_names_every_event_type_in_the_reports_words(tmp_path, fmt):
    from status_guard.compliance.events import EventType
    from status_guard.compliance.wording import TYPE_WORDS

    path = tmp_path / "a.jsonl"
    _every_type_log(path)
    res = CliRunner().invoke(cli, ["events", "list", "--audit", str(path), "--from", "2026-01-01", "--format", fmt])
    assert res.exit_code == 0, res.output
    types = [t for t in EventType if t is not EventType.VOID]
    if fmt == "table":
        table = res.stdout
        for t in types:
            assert TYPE_WORDS[t.value][:40] in table   # in words, as the report says it
            assert t.value not in table                # never the internal code
    else:
        rows = json.loads(res.stdout) if fmt == "json" else list(csv.DictReader(io.StringIO(res.stdout)))
        assert {r["what"] for r in rows} == {TYPE_WORDS[t.value] for t in types}
        assert all(r["what"] == TYPE_WORDS[r["type"]] for r in rows)  # programs keep the code beside the words


# -- the dashboard's complaint page takes the allegation (the CLI's --allegation) ------------------------
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(allegation=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300)
       .filter(lambda t: len(t.strip()) > 3))
def test_the_dashboard_complaint_page_takes_an_allegation_escaped_and_never_logged(refused_hold, allegation):
    from status_guard.compliance.complaints import clean_allegation

    log_path, seq = refused_hold
    before = log_path.read_bytes()
    app = create_app(DashboardConfig(audit_spec=f"jsonl:{log_path}"))

    async def go() -> tuple[Any, Any, Any]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
            form = await c.get(f"/records/{seq}/complaint")
            page = await c.post(f"/records/{seq}/complaint", data={"allegation": allegation})
            md = await c.post(f"/records/{seq}/complaint.md", data={"allegation": allegation})
            return form, page, md

    form, page, md = asyncio.run(go())
    assert '<textarea id="allegation" name="allegation"' in form.text and 'for="allegation"' in form.text
    cleaned = clean_allegation(allegation)
    assert page.status_code == 200 and md.status_code == 200
    body = page.text.split('class="allegation-form"', 1)[1]
    if cleaned and "<" in cleaned:  # text in the page, never markup
        assert "&lt;" in body
    assert "<script" not in body.lower()  # the dashboard has no script: any "<script" would be the allegation's
    assert cleaned is None or cleaned in md.text  # the downloaded packet carries it
    assert log_path.read_bytes() == before  # drafting writes nothing: the allegation never reaches the log


def test_the_dashboard_refuses_an_allegation_too_long_for_a_packet_naming_the_limit(refused_hold):
    from status_guard.compliance.complaints import MAX_ALLEGATION

    log_path, seq = refused_hold
    app = create_app(DashboardConfig(audit_spec=f"jsonl:{log_path}"))

    async def go() -> Any:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
            return await c.post(f"/records/{seq}/complaint", data={"allegation": "x" * (MAX_ALLEGATION + 1)})

    r = asyncio.run(go())
    assert r.status_code == 400 and 'id="allegation-error"' in r.text and f"{MAX_ALLEGATION}" in r.text


def test_events_list_marks_a_correction_and_gives_programs_iso_times(tmp_path):
    """w16b S8/F7: `events list` did not say which record a correction corrects; its JSON had wall-clock text
    where `obligations` has ISO 8601 with the offset."""
    path = tmp_path / "a.jsonl"
    env = {"STATUS_GUARD_AUDIT": str(path)}
    first = _invoke(["events", "add", "federal_reimbursement", "--case", "CPD-9", "--amount", "10.00",
                     "--occurred-at", "2026-02-01 09:00 America/New_York"], env)
    assert first.exit_code == 0, first.output
    seq = int(first.output.split(" as seq ")[1].split()[0])
    fix = _invoke(["events", "correct", str(seq), "--reason", "wrong_details", "--amount", "12.00"], env)
    assert fix.exit_code == 0, fix.output
    table = _invoke(["events", "list", "--from", "2026-01-01"], env).output
    assert f"corrects record {seq}" in table
    rows = json.loads(CliRunner().invoke(cli, ["events", "list", "--from", "2026-01-01", "--format", "json"],
                                         env=env).stdout)
    assert rows[0]["occurred"] == "2026-02-01T09:00:00-05:00" and rows[0]["corrects"] == seq
    assert datetime.fromisoformat(rows[0]["entered"]).utcoffset() is not None


def test_audit_query_shows_when_a_refusal_occurred_on_the_cambridge_clock(refused_hold):
    """w16b F5: step 7's `audit query --effect block` showed the UTC write time with microseconds."""
    log_path, seq = refused_hold
    res = CliRunner().invoke(cli, ["audit", "query", "--audit", str(log_path), "--effect", "block"])
    assert res.exit_code == 0, res.output
    row = next(line for line in res.stdout.splitlines() if line.split()[:1] == [str(seq)])
    assert "2026-04-21 08:00 EDT" in row and "Z" not in row.split()[1]
    assert res.stdout.splitlines()[0].split()[1] == "occurred"
    data = json.loads(CliRunner().invoke(cli, ["audit", "query", "--audit", str(log_path), "--effect", "block",
                                               "--format", "json"]).stdout)
    assert any(r["seq"] == seq and r["time"].endswith("Z") for r in data)  # programs keep the stored record


@pytest.mark.parametrize("etype", ["transferred_to_ice_custody", "federal_reimbursement", "notification_request"])
def test_a_packet_about_a_counted_event_names_the_clause_in_words_not_a_placeholder(recorder, audit_log, log_path,
                                                                                   policy, etype):
    """w16b S19: "2.129.060(c) — 2.129.060(c). See the ordinance text." on the record page of an event."""
    from status_guard.compliance import take_snapshot
    from status_guard.compliance.complaints import draft_complaint
    from status_guard.compliance.events import TITLES, EventType

    kw = {"case_ref": "CPD-1", "amount": "5.00"} if etype == "federal_reimbursement" else {"person_id": "BK-1"}
    stored = recorder.record(etype, occurred_at="2026-02-01T12:00:00Z", **kw)
    audit_log.close()
    packet = draft_complaint(take_snapshot(f"jsonl:{log_path}"), stored["seq"], policy)
    (rule,) = packet.rules
    assert rule.title != rule.citation and "See the ordinance text" not in rule.reason
    assert TITLES[EventType(etype)] in rule.title


def test_a_record_opened_from_the_audit_log_keeps_the_period_without_cookies(notices_log):
    """w16b F9: the Audit log linked records as /records/N, so a client without the period cookie lost the period."""
    import re

    app = create_app(DashboardConfig(audit_spec=f"jsonl:{notices_log['log']}"))

    def get_once(url: str) -> str:  # a fresh client each time: no cookie carries the period
        async def go() -> str:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
                return (await c.get(url)).text
        return asyncio.run(go())

    listing = get_once("/records?from=2026-01-01&to=2026-06-30")
    link = re.search(r'href="(/records/\d+\?[^"]+)"', listing)
    assert link and "from=2026-01-01" in link.group(1) and "to=2026-06-30" in link.group(1)
    record = get_once(link.group(1).replace("&amp;", "&"))
    menu = re.findall(r'<li><a href="([^"]+)"', record)
    assert any(h.startswith("/?") and "from=2026-01-01" in h for h in menu), menu
