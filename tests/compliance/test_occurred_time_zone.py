"""2.129.060 counts what happened in the period — by when it happened, in Cambridge's own calendar.

Invariants:
* events and refused events count in the period in which they **occurred**, however late they were typed;
* report periods and months are calendar days in the jurisdiction's time zone (the pack says
  America/New_York): an event at 11 pm on June 30 in Cambridge is a June event even though it is July in UTC;
* a time typed without a zone is an error naming the flag, never silently UTC;
* every instant falls in exactly one of two adjacent half-year periods (hypothesis).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.cli import cli
from status_guard.compliance import EventError, take_snapshot
from status_guard.compliance.jurisdiction import jurisdiction_of, parse_instant
from status_guard.compliance.report import Period, report_for
from status_guard.errors import RefusedError

NY = ZoneInfo("America/New_York")
H1 = Period.parse("2026-01-01", "2026-06-30")
H2 = Period.parse("2026-07-01", "2026-12-31")


def test_the_pack_puts_the_report_in_cambridges_time_zone(policy):
    assert jurisdiction_of(policy).tz_name == "America/New_York"


def test_an_event_late_on_june_30_in_cambridge_is_a_june_event(recorder, audit_log, guard):
    recorder.record("notification_request", person_id="BK-1", occurred_at="2026-06-30 23:30 America/New_York")
    recorder.record("notification_request", person_id="BK-2", occurred_at="2026-01-01T02:00:00Z")  # Dec 31 in NY
    snap = take_snapshot(audit_log)
    h1 = report_for(snap, H1, guard.policy)
    assert h1.lodged["notification_request"] == 1 and h1.lodged_by_month["2026-06"]["notification_request"] == 1
    assert report_for(snap, Period.parse("2025-07-01", "2025-12-31"), guard.policy).lodged_total == 1


def test_an_event_typed_months_later_counts_when_it_occurred(clock, recorder, audit_log, guard):
    clock.set("2026-09-15T12:00:00Z")  # typed in September...
    recorder.record("transferred_to_ice_custody", person_id="BK-3", occurred_at="2026-03-03 10:00 America/New_York")
    snap = take_snapshot(audit_log)
    h1, h2 = report_for(snap, H1, guard.policy), report_for(snap, H2, guard.policy)
    assert (h1.transferred_individuals, h2.transferred_individuals) == (1, 0)
    assert h1.coverage.entered_after == 1  # and the report says it was entered after the period
    from status_guard.compliance.wording import coverage_sentence

    assert "entered after it ended" in coverage_sentence(h1)


def test_a_refused_hold_typed_later_counts_when_it_was_attempted(clock, recorder, audit_log, guard):
    clock.set("2026-08-02T12:00:00Z")
    with pytest.raises(RefusedError):
        recorder.record("detained_on_ice_hold", person_id="BK-4", hold_basis=["ice_detainer"],
                        occurred_at="2026-06-29 08:00 America/New_York")
    snap = take_snapshot(audit_log)
    assert report_for(snap, H1, guard.policy).refusals_total == 1
    assert report_for(snap, H2, guard.policy).refusals_total == 0


@pytest.mark.parametrize("naive", ["2026-03-01T14:00", "2026-03-01 14:00", "2026-03-01T14:00:00.5", "2026-03-01",
                                   datetime(2026, 3, 1, 14)])
def test_a_time_without_a_zone_is_an_error_not_utc(recorder, audit_log, naive):
    with pytest.raises(EventError) as e:
        recorder.record("notification_request", person_id="BK-1", occurred_at=naive)
    assert e.value.param == "occurred_at" and "zone" in str(e.value).lower()
    assert not any(r.get("kind") == "event" for r in audit_log.records())


def test_the_cli_names_the_flag_when_the_zone_is_missing(log_path, key_file):
    res = CliRunner().invoke(cli, ["events", "add", "notification_request", "--person-id", "BK-1", "--occurred-at",
                                   "2026-03-01 14:00", "--audit", str(log_path), "--person-key-file", str(key_file)])
    assert res.exit_code == 2 and "--occurred-at has no time zone" in res.output and "occurred_at" not in res.output


@pytest.mark.parametrize("text,utc", [
    ("2026-03-01 14:00 America/New_York", "2026-03-01T19:00:00+00:00"),
    ("2026-07-01 14:00 America/New_York", "2026-07-01T18:00:00+00:00"),   # daylight time
    ("2026-03-01T14:00-05:00", "2026-03-01T19:00:00+00:00"),
    ("2026-03-01T19:00Z", "2026-03-01T19:00:00+00:00"),
])
def test_times_with_a_zone_are_read_as_given(text, utc):
    assert parse_instant(text).isoformat() == utc


@pytest.mark.parametrize("text,why", [("2026-03-08 02:30 America/New_York", "did not exist"),
                                      ("2026-11-01 01:30 America/New_York", "happened twice")])
def test_a_wall_clock_time_the_clocks_skip_or_repeat_must_say_its_offset(text, why):
    with pytest.raises(EventError, match=why):
        parse_instant(text)
    assert parse_instant("2026-11-01T01:30-05:00").isoformat() == "2026-11-01T06:30:00+00:00"


def test_an_unknown_zone_name_is_an_error():
    with pytest.raises(EventError, match="unknown time zone"):
        parse_instant("2026-03-01 14:00 Mars/Olympus_Mons")


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31, 23, 59),
                    timezones=st.sampled_from([timezone.utc, NY, ZoneInfo("Asia/Tokyo"), ZoneInfo("Pacific/Kiritimati")])))
def test_every_instant_falls_in_exactly_the_half_year_of_its_cambridge_date(when):
    h1, h2 = Period.parse("2026-01-01", "2026-06-30", NY), Period.parse("2026-07-01", "2026-12-31", NY)
    prev, nxt = Period.parse("2025-07-01", "2025-12-31", NY), Period.parse("2027-01-01", "2027-06-30", NY)
    inside = [p for p in (prev, h1, h2, nxt) if p.contains(when.astimezone(timezone.utc))]
    assert len(inside) == 1
    local = when.astimezone(NY).date()
    assert inside[0].start <= local <= inside[0].end
    assert inside[0].month_of(when) == f"{local.year:04d}-{local.month:02d}"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 364), st.integers(0, 23))
def test_an_event_counts_in_the_month_of_its_cambridge_date(recorder, audit_log, guard, day, hour):
    at = datetime(2025, 12, 31, hour, 30, tzinfo=NY) + timedelta(days=day)
    if at > datetime.now(timezone.utc):
        return
    before = report_for(take_snapshot(audit_log), Period.parse("2025-12-01", "2026-12-31"), guard.policy)
    recorder.record("ice_hold", person_id="BK-1", occurred_at=at)
    after = report_for(take_snapshot(audit_log), Period.parse("2025-12-01", "2026-12-31"), guard.policy)
    month = f"{at.year:04d}-{at.month:02d}"
    assert after.lodged_by_month[month]["ice_hold"] == before.lodged_by_month[month]["ice_hold"] + 1


# -- w16b F2: the abbreviation every screen prints ("08:00 EDT") is read as Cambridge's wall clock --------------
@settings(max_examples=60, deadline=None)
@given(day=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)), hour=st.integers(0, 23),
       minute=st.integers(0, 59), abbr=st.sampled_from(["EST", "EDT"]), suffix=st.booleans())
def test_an_eastern_abbreviation_is_the_wall_clock_or_an_error_never_an_hour_off(day, hour, minute, abbr, suffix):
    from zoneinfo import ZoneInfo

    from status_guard.compliance.errors import EventError
    from status_guard.compliance.jurisdiction import Jurisdiction

    ny = ZoneInfo("America/New_York")
    j = Jurisdiction(tz_name="America/New_York")
    naive = datetime(day.year, day.month, day.day, hour, minute)
    text = f"{naive:%Y-%m-%d %H:%M} {abbr}" + (" (America/New_York)" if suffix else "")
    meant = [naive.replace(tzinfo=ny, fold=f) for f in (0, 1)]
    meant = [m for m in meant if m.tzname() == abbr and m.astimezone(timezone.utc).astimezone(ny).replace(tzinfo=None)
             == naive]
    if meant:
        got = j.parse_time(text)
        assert got == meant[0].astimezone(timezone.utc)
        assert j.show(got).startswith(f"{naive:%Y-%m-%d %H:%M} {abbr}")  # reads back as typed
    else:
        with pytest.raises(EventError) as e:
            j.parse_time(text)
        assert any(w in str(e.value) for w in (f"not {abbr}", "did not exist", "happened twice"))


def test_an_abbreviation_without_a_jurisdiction_zone_or_of_another_zone_is_refused():
    from status_guard.compliance.errors import EventError
    from status_guard.compliance.jurisdiction import Jurisdiction, parse_instant

    with pytest.raises(EventError, match="abbreviation"):
        parse_instant("2026-07-15 08:00 EST")
    with pytest.raises(EventError, match="not PST"):
        Jurisdiction(tz_name="America/New_York").parse_time("2026-07-15 08:00 PST")
    assert parse_instant("2026-07-15 08:00 UTC") == datetime(2026, 7, 15, 8, tzinfo=timezone.utc)
