"""What the third walkthrough (w16c: a non-developer following docs/compliance.md) found, as the law names it.

Invariants (each with generated shapes):
* 2.129.040(g) lateness is shown to the minute however long it is: once days appear the hours and
  minutes stay (F04) — the same words in the CLI, the dashboard and the 060 report;
* the 060 report's coverage statement speaks the jurisdiction's clock (America/New_York, pack data)
  and lengths of time in days, never UTC ISO stamps or thousands of hours (F05);
* a time typed with a zone abbreviation that does not fit is refused, and any time the error suggests
  is the same instant converted, never the same clock digits in another zone (F06);
* a date that does not exist (2026-02-30) is named as such (F12).
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.cli import cli
from status_guard.compliance import EventError, take_snapshot
from status_guard.compliance.jurisdiction import Jurisdiction, duration_words
from status_guard.compliance.report import Period, ReportError, report_for

NY = "America/New_York"
T0 = datetime(2026, 3, 2, 13, 0, tzinfo=timezone.utc)
SLOW = settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_UNITS = {"day": 1440, "days": 1440, "h": 60, "min": 1}


def _minutes_of(words: str) -> int:
    """The number of minutes a duration in words says ('2 days 0 h 5 min' -> 2885)."""
    parts = words.split()
    assert len(parts) % 2 == 0, words
    return sum(int(n) * _UNITS[u] for n, u in zip(parts[::2], parts[1::2]))


# -- F04: lateness keeps its minutes once days appear (040(g)) ----------------------------------------
@given(st.integers(min_value=60, max_value=400 * 24 * 3600))
def test_040g_lateness_in_words_is_exact_to_the_minute(seconds: int) -> None:
    words = duration_words(timedelta(seconds=seconds))
    assert _minutes_of(words) == seconds // 60, words
    # units always in the same order, none skipped between the largest and the smallest shown
    units = [u.rstrip("s") for u in words.split()[1::2]]
    order = ["day", "h", "min"]
    assert units == order[order.index(units[0]):order.index(units[0]) + len(units)], words


def _recording(tmp: Path, policy: Any) -> tuple[Any, Any]:
    import secrets

    from status_guard import Guard
    from status_guard.audit import open_audit
    from status_guard.compliance import EventRecorder

    log = open_audit(f"jsonl:{tmp / 'audit.jsonl'}", fsync="never")
    return EventRecorder(Guard(policy, audit=log), person_key=secrets.token_bytes(32),
                         department="Police Department"), log


@SLOW
@given(late=st.timedeltas(min_value=timedelta(days=1, minutes=1), max_value=timedelta(days=9)))
def test_040g_a_late_notice_days_late_shows_its_minutes_in_cli_dashboard_and_report(policy: Any,
                                                                                    late: timedelta) -> None:
    import tempfile

    from status_guard.compliance.dashboard.app import DashboardConfig, create_app
    from status_guard.compliance.render import render

    late = timedelta(minutes=int(late.total_seconds() // 60))
    with tempfile.TemporaryDirectory() as d:
        log_path = Path(d) / "audit.jsonl"
        recorder, log = _recording(Path(d), policy)
        opened = recorder.record("detainer_request", person_id="BK-9", in_custody=True, occurred_at=T0)["event"]
        recorder.record("notice_delivered", obligation_ref=opened["obligation_ref"],
                        occurred_at=T0 + timedelta(hours=24) + late)
        log.close()
        words = duration_words(late)
        assert _minutes_of(words) == late.total_seconds() // 60
        res = CliRunner().invoke(cli, ["obligations", "--all", "--audit", str(log_path)])
        line = next(x for x in res.output.splitlines() if opened["obligation_ref"] in x)
        assert line.startswith("closed late") and words in line
        app = create_app(DashboardConfig(audit_spec=f"jsonl:{log_path}"))

        async def get() -> str:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
                return (await c.get("/obligations?all=1")).text

        assert words in asyncio.run(get())
        r = report_for(take_snapshot(f"jsonl:{log_path}"),
                       Period.parse("2026-01-01", "2026-06-30", ZoneInfo(NY)), policy)
        assert words in render(r, "md").decode() and words in render(r, "html").decode()


# -- F05: the coverage statement in the jurisdiction's clock, lengths in days (060) --------------------
def test_060_coverage_statement_reads_the_jurisdictions_clock_and_days(clock: Any, recorder: Any, audit_log: Any,
                                                                         log_path: Path, policy: Any) -> None:
    from status_guard.compliance.render import render
    from status_guard.compliance.wording import coverage_sentence

    for when in ("2026-03-01T19:05:00Z", "2026-03-09T02:30:00Z"):  # entered as it happened, weeks apart
        clock.set(when)
        recorder.record("detainer_request", person_id="BK-1", in_custody=False, occurred_at=when)
    audit_log.close()
    r = report_for(take_snapshot(f"jsonl:{log_path}"), Period.parse("2026-01-01", "2026-06-30", ZoneInfo(NY)),
                   policy, now=datetime(2026, 12, 1, tzinfo=timezone.utc))
    s = coverage_sentence(r)
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", s), s          # no ISO stamps
    assert "UTC" not in s and not re.search(r"\d+\.\d h|\d{3,} h", s), s  # no UTC, no hundreds of hours
    assert re.search(r"\d+ days( \d+ h)?( \d+ min)?", s), s               # lengths in days
    assert "EST" in s or "EDT" in s, s
    # the longest quiet time, in words, is the real length between the two local times it names
    m = re.search(r"longest time with no record was ([\w ]+?) \(from", s)
    assert m is not None, s
    c = r.coverage
    from status_guard.compliance.jurisdiction import parse_stored

    real = parse_stored(c.quiet_to) - parse_stored(c.quiet_from)
    assert _minutes_of(m.group(1)) == int(real.total_seconds() // 60)
    for fmt in ("md", "html"):
        assert s.split(".")[0] in render(r, fmt).decode()


# -- F06: a suggested time is the same instant, converted ---------------------------------------------
_ABBR = {"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}


@given(day=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
       hour=st.integers(0, 23), minute=st.integers(0, 59), abbr=st.sampled_from(sorted(_ABBR)))
def test_a_suggested_time_for_a_wrong_zone_abbreviation_is_the_same_instant(day: date, hour: int, minute: int,
                                                                              abbr: str) -> None:
    j = Jurisdiction(tz_name=NY)
    stamp = f"{day.isoformat()} {hour:02d}:{minute:02d}"
    meant = datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone(timedelta(hours=_ABBR[abbr])))
    try:
        got = j.parse_time(f"{stamp} {abbr}")
    except EventError as e:
        msg = str(e)
        # every "write 'YYYY-MM-DD HH:MM ZZZ'" it offers as the conversion is the instant that was meant
        m = re.search(r"is (\d{4}-\d\d-\d\d \d\d:\d\d) (E[SD]T) in America/New_York: write '([^']+)'", msg)
        if m is None:
            assert "did not exist" in msg or "happened twice" in msg, msg
            return
        assert j.parse_time(m.group(3)) == meant.astimezone(timezone.utc), msg
        return
    # accepted only when the abbreviation is New York's own at that moment, read as that wall clock
    assert abbr in ("EST", "EDT") and got == meant.astimezone(timezone.utc)


def test_pst_is_never_suggested_as_the_same_clock_time_in_eastern() -> None:
    with pytest.raises(EventError) as e:
        Jurisdiction(tz_name=NY).parse_time("2026-01-15 09:00 PST")
    assert "is 2026-01-15 12:00 EST" in str(e.value) and "write '2026-01-15 12:00 EST'" in str(e.value)
    with pytest.raises(EventError) as e:
        Jurisdiction(tz_name=NY).parse_time("2026-01-15 09:00 XYZT")
    assert "09:00 EST" not in str(e.value) and "offset" in str(e.value)


# -- F12: a date that does not exist is named as such -------------------------------------------------
@given(y=st.integers(1990, 2100), mo=st.integers(1, 12), d=st.integers(29, 31))
def test_a_report_date_that_does_not_exist_is_named_as_such(y: int, mo: int, d: int) -> None:
    text = f"{y:04d}-{mo:02d}-{d:02d}"
    try:
        date.fromisoformat(text)
    except ValueError:
        with pytest.raises(ReportError, match=r"--from " + text + r": that date does not exist \(\w+ \d{4} has "
                                              r"(28|29|30) days"):
            Period.parse(text, "2100-12-31", limit=False)
    else:
        assert Period.parse(text, "2100-12-31", limit=False).start == date(y, mo, d)


def test_report_from_february_30th_says_the_date_does_not_exist(log_path: Path) -> None:
    log_path.write_text("")
    res = CliRunner().invoke(cli, ["report", "semiannual", "--audit", str(log_path), "--from", "2026-02-30",
                                   "--to", "2026-06-30"])
    assert res.exit_code == 2 and "2026-02-30: that date does not exist" in res.output


# -- F07: one --out rule across commands ---------------------------------------------------------------
COMMANDS = {  # command -> the formats it writes
    "obligations": ("table", "json", "jsonl", "csv"), "events list": ("table", "json", "jsonl", "csv"),
    "report semiannual": ("html", "pdf", "md", "csv", "json"), "complaint draft": ("md", "html", "json"),
    "scan": ("table", "json", "jsonl", "csv", "sarif"),
}
EXT = {"table": "txt", "json": "json", "jsonl": "jsonl", "csv": "csv", "html": "html", "md": "md", "pdf": "pdf",
       "sarif": "sarif"}


@given(cmd=st.sampled_from(sorted(COMMANDS)), ext=st.sampled_from(sorted(set(EXT.values()) | {"docx", "xlsx", "doc",
                                                                                               "rtf", "odt"})),
       fmt=st.one_of(st.none(), st.sampled_from(sorted(EXT))))
def test_out_extension_follows_one_rule_in_every_command(cmd: str, ext: str, fmt: str | None) -> None:
    """The extension must be the written format's; a refusal names --out and --format."""
    from status_guard.cli.options import format_for_out

    choices = COMMANDS[cmd]
    if fmt is not None and fmt not in choices:
        return  # click refuses the --format choice itself
    ext_fmt = {v: k for k, v in EXT.items()}.get(ext)
    out = f"/tmp/x/r.{ext}"
    try:
        got = format_for_out(fmt, out, choices, choices[0])
    except SystemExit as e:
        assert e.code == 2
        assert ext_fmt not in choices or (fmt is not None and ext_fmt != fmt)
        return
    assert ext_fmt in choices and got == ext_fmt and (fmt is None or fmt == ext_fmt)


@pytest.mark.parametrize("args", [["obligations", "--out", "x.docx"], ["report", "semiannual", "--from", "2026-01-01",
                                  "--to", "2026-06-30", "--out", "r.docx"],
                                  ["report", "semiannual", "--from", "2026-01-01", "--to", "2026-06-30",
                                   "--format", "pdf", "--out", "r.docx"]])
def test_an_out_extension_no_format_has_is_refused_naming_both_flags(log_path: Path, args: list[str]) -> None:
    log_path.write_text("")
    res = CliRunner().invoke(cli, [*args, "--audit", str(log_path)])
    assert res.exit_code == 2 and "--out" in res.output and "--format" in res.output
    assert ".docx is not a format this command writes" in res.output


# -- F08 / S05: `audit query` says when each record's fact occurred, under plain headings ----------------
# (dates stay before the session that found this test running into "in the future": record() refuses those)
@SLOW
@given(whens=st.lists(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 11, 30),
                                   timezones=st.just(timezone.utc)).map(lambda w: w.replace(microsecond=0)),
                      min_size=1, max_size=3))
def test_060_audit_query_csv_says_when_each_event_occurred_in_the_jurisdictions_clock(policy: Any,
                                                                                     whens: list[datetime]) -> None:
    import csv
    import io
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        recorder, log = _recording(Path(d), policy)
        for w in whens:
            recorder.record("federal_reimbursement", case_ref="CPD-1", amount="10.00", occurred_at=w,
                            allow_duplicate=True)
        log.close()
        res = CliRunner().invoke(cli, ["audit", "query", "--audit", str(Path(d) / "audit.jsonl"), "--kind", "event",
                                       "--format", "csv"])
        assert res.exit_code == 0, res.output
        rows = list(csv.DictReader(io.StringIO(res.stdout)))
        got = [datetime.fromisoformat(r["occurred"]) for r in rows]
        assert sorted(g.astimezone(timezone.utc) for g in got) == sorted(whens)
        assert all(g.utcoffset() in (timedelta(hours=-5), timedelta(hours=-4)) for g in got)  # New York's clock
        table = CliRunner().invoke(cli, ["audit", "query", "--audit", str(Path(d) / "audit.jsonl")]).stdout
        head = table.splitlines()[0]
        for developer_word in ("seq", "adapter", "requester", "citations", "effect", "kind"):
            assert not re.search(rf"(?<!\w){developer_word}(?!\w)", head), head
        assert "occurred" in head and "decision" in head


# -- S07 / F13 / S04: recording a notice says on time or late; a wrong person key is said, never silent ---
@SLOW
@given(delay=st.integers(min_value=1, max_value=72 * 60), wrong_key=st.booleans())
def test_040g_recording_a_notice_says_on_time_or_late_and_a_wrong_person_key_is_said(policy: Any, delay: int,
                                                                                      wrong_key: bool) -> None:
    import csv
    import io
    import secrets
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        log_path, right, wrong = Path(d) / "audit.jsonl", Path(d) / "right.key", Path(d) / "wrong.key"
        for p in (right, wrong):
            p.write_text(secrets.token_bytes(32).hex())
            p.chmod(0o600)
        env = {"STATUS_GUARD_AUDIT": str(log_path), "STATUS_GUARD_PERSON_KEY_FILE": str(right)}
        opened = CliRunner().invoke(cli, ["events", "add", "detainer_request", "--person-id", "BK-31", "--in-custody",
                                          "--occurred-at", "2026-03-02T14:00:00Z"], env=env)
        ref = re.search(r"obligation (obl[0-9a-f]+)", opened.output).group(1)
        key_env = {**env, "STATUS_GUARD_PERSON_KEY_FILE": str(wrong if wrong_key else right)}
        given = datetime(2026, 3, 2, 14, tzinfo=timezone.utc) + timedelta(minutes=delay)
        res = CliRunner().invoke(cli, ["events", "add", "notice_delivered", "--obligation", ref, "--occurred-at",
                                       given.isoformat()], env=key_env)
        assert res.exit_code == 0, res.output
        late = given - datetime(2026, 3, 3, 14, tzinfo=timezone.utc)
        if late > timedelta(0):
            assert f"given LATE, by {duration_words(late)}" in res.stdout, res.stdout
        else:
            assert "given on time" in res.stdout and "LATE" not in res.stdout, res.stdout
        if wrong_key:
            assert "person key" in res.stderr and "does not match" in res.stderr and "BK-31" not in res.stdout
        else:
            assert "(booking BK-31)" in res.stdout and "warning" not in res.stderr
        # the listing: a booking column that says why it is empty, a warning, the same status words everywhere
        table = CliRunner().invoke(cli, ["obligations", "--all"], env=key_env)
        line = next(x for x in table.stdout.splitlines() if ref in x)
        if wrong_key:
            assert "cannot re-identify" in line and "does not match" in table.stderr
        else:
            assert "BK-31" in line and "does not match" not in table.stderr
        rows = list(csv.DictReader(io.StringIO(CliRunner().invoke(cli, ["obligations", "--all", "--format", "csv"],
                                                                   env=key_env).stdout)))
        words = "closed late" if late > timedelta(0) else "closed on time"
        assert line.startswith(words) and rows[0]["status"] == words.replace(" ", "_")
        if wrong_key:
            assert rows[0]["booking"] == "cannot re-identify: the person key does not match"


def test_040g_dashboard_says_when_the_person_key_cannot_reidentify(recorder: Any, audit_log: Any,
                                                                   log_path: Path) -> None:
    import secrets

    from status_guard.compliance.dashboard.app import DashboardConfig, create_app

    recorder.record("detainer_request", person_id="BK-8", in_custody=True, occurred_at=T0)
    audit_log.close()

    async def get(key: bytes) -> str:
        app = create_app(DashboardConfig(audit_spec=f"jsonl:{log_path}", person_key=key))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            return (await c.get("/obligations?all=1")).text

    wrong = asyncio.run(get(secrets.token_bytes(32)))
    assert "cannot re-identify: the person key does not match" in wrong and 'id="person-key-warning"' in wrong
    right = asyncio.run(get(recorder.person_key))
    assert "BK-8" in right and "person-key-warning" not in right


# -- S01: ./dev keeps pip's developer warnings away from the officer (and shows them when the install fails) --
@pytest.mark.parametrize("fails", [False, True])
def test_dev_install_keeps_pip_warnings_off_the_screen_unless_it_fails(tmp_path: Path, fails: bool) -> None:
    import shutil
    import subprocess

    root = Path(__file__).resolve().parents[2]
    shutil.copy(root / "dev", tmp_path / "dev")
    shutil.copy(root / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    fake = tmp_path / ".venv" / "bin" / "python"
    # a stand-in interpreter: `import status_guard` fails (so ./dev installs), pip warns like a real root install
    fake.write_text("#!/bin/sh\n"
                    'if [ "$1" = "-c" ]; then exit 1; fi\n'
                    'if [ "$2" = "pip" ]; then echo "WARNING: Running pip as the root user can result in broken '
                    'permissions" >&2; ' + ("exit 1; " if fails else "") + "exit 0; fi\n"
                    "exit 0\n")
    fake.chmod(0o755)
    res = subprocess.run(["bash", str(tmp_path / "dev"), "test"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=60)
    if fails:
        assert res.returncode == 1 and "the install failed" in res.stderr and "WARNING: Running pip" in res.stderr
    else:
        assert res.returncode == 0, res.stderr
        assert "WARNING" not in res.stderr + res.stdout and "installed" in res.stderr
        assert "WARNING: Running pip" in (tmp_path / ".venv" / "install.log").read_text()


# -- S02: one name for the key that protects people's references: the person key -----------------------
def test_the_officer_reads_one_name_for_the_person_key(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "compliance.md").read_text(encoding="utf-8")
    assert "correlation" not in doc.lower() and "person key" in doc
    res = CliRunner().invoke(cli, ["audit", "keygen", "--person-key", str(tmp_path / "person.key")])
    assert res.exit_code == 0 and res.output.startswith("person key ") and (tmp_path / "person.key").exists()
    old = CliRunner().invoke(cli, ["audit", "keygen", "--correlation-key", str(tmp_path / "old.key")])
    assert old.exit_code == 0 and (tmp_path / "old.key").exists()  # the former name still works
    for cmd in (["audit", "keygen"], ["obligations"], ["events", "add"], ["events", "list"], ["dashboard"]):
        text = CliRunner().invoke(cli, [*cmd, "--help"]).output.lower()
        assert "correlation key" not in text and "pseudonymous" not in text, cmd


# -- S08: the dashboard opens on the period that holds the latest data, and says which ------------------
@SLOW
@given(day=st.dates(min_value=date(2020, 1, 1), max_value=date.today() - timedelta(days=200)))
def test_060_dashboard_opens_on_the_half_year_of_the_latest_event_and_says_so(policy: Any, day: date) -> None:
    import tempfile

    from status_guard.compliance.dashboard.app import DashboardConfig, create_app

    with tempfile.TemporaryDirectory() as d:
        recorder, log = _recording(Path(d), policy)
        recorder.record("federal_reimbursement", case_ref="CPD-2", amount="5.00",
                        occurred_at=f"{day.isoformat()} 12:00 America/New_York")
        log.close()
        app = create_app(DashboardConfig(audit_spec=f"jsonl:{Path(d) / 'audit.jsonl'}"))
        half = (date(day.year, 1, 1), date(day.year, 6, 30)) if day.month <= 6 else \
            (date(day.year, 7, 1), date(day.year, 12, 31))

        async def get(path: str) -> str:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
                return (await c.get(path)).text

        for path in ("/", "/events", "/report"):
            html = asyncio.run(get(path))
            assert f'value="{half[0].isoformat()}"' in html and f'value="{half[1].isoformat()}"' in html, path
            assert 'id="period-shown"' in html and "latest entry" in html, path
        chosen = asyncio.run(get(f"/?from={half[0].isoformat()}&to={half[0].isoformat()}"))
        assert 'id="period-shown"' not in chosen  # a period the officer chose is not explained back
