"""The jurisdiction's calendar and vocabulary, read from the policy pack's ``compliance`` block.

* **Time.** Report periods, months and every time a person reads are in the jurisdiction's time
  zone (Cambridge: ``America/New_York``); the log stores UTC. A time typed without a zone is an
  error, never silently UTC: ``2026-03-01T14:00-05:00``, ``2026-03-01T19:00Z`` and
  ``2026-03-01 14:00 America/New_York`` are accepted.
* **Hold bases.** ``detained_on_ice_hold`` takes only codes from the pack's vocabulary, so a typo
  can neither pass the 040(d) check nor hide from an auditor. At start-up the vocabulary is checked
  against the pack's 040(d) value rule: every immigration-only code alone is refused, no other is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from status_guard.errors import PolicyError

from .errors import EventError

UTC = timezone.utc
_ZONE_SUFFIX = re.compile(r"^(?P<stamp>\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?)\s+"
                          r"(?P<zone>[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*)$")
TIME_EXAMPLES = "2026-03-01T14:00-05:00, 2026-03-01T19:00Z or '2026-03-01 14:00 America/New_York'"


@dataclass(frozen=True)
class HoldBasisCode:
    code: str
    label: str
    immigration_only: bool


@dataclass(frozen=True)
class Jurisdiction:
    """Where the toolkit's days begin and end, and the codes it accepts."""

    name: str = ""
    tz_name: str = "UTC"
    hold_bases: Mapping[str, HoldBasisCode] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo | timezone:
        return UTC if self.tz_name == "UTC" else ZoneInfo(self.tz_name)

    # -- times -------------------------------------------------------------------------------------
    def parse_time(self, value: Any, param: str = "occurred_at") -> datetime:
        """An aware datetime (UTC) from a datetime or text. A time without a zone is an error. The
        jurisdiction's own abbreviations are read as its wall clock ("08:00 EDT", as every screen prints
        it), and an abbreviation that does not fit the date ("EST" in July) is an error, never an hour off."""
        return parse_instant(value, param=param, zone_name=self.tz_name)

    def local(self, dt: datetime) -> datetime:
        return dt.astimezone(self.tz)

    def show(self, value: datetime | str | None, *, seconds: bool = False) -> str:
        """'2026-02-01 03:00 EST': what a person reads (the log keeps UTC)."""
        if value is None or value == "":
            return ""
        return _show(self.tz_name, value, seconds)

    def iso(self, value: datetime | str | None) -> str | None:
        """ISO 8601 with the offset of the jurisdiction's zone ('2026-04-20T10:00:00-04:00'): for a
        spreadsheet or a program, the same instant as the log's UTC, read as the wall clock."""
        if value is None or value == "":
            return None
        dt = parse_stored(value) if isinstance(value, str) else value
        return dt.astimezone(self.tz).isoformat() if dt is not None else str(value)

    def show_date(self, value: datetime | str | None) -> str:
        if value is None or value == "":
            return ""
        dt = parse_stored(value) if isinstance(value, str) else value
        return dt.astimezone(self.tz).strftime("%Y-%m-%d") if dt is not None else str(value)

    def today(self, now: datetime | None = None) -> date:
        return (now or datetime.now(UTC)).astimezone(self.tz).date()

    def zone_label(self) -> str:
        return self.tz_name

    # -- vocabulary --------------------------------------------------------------------------------
    def hold_basis(self, code: str) -> HoldBasisCode:
        norm = str(code).strip().lower().replace("-", "_").replace(" ", "_")
        hb = self.hold_bases.get(norm)
        if hb is None:
            raise EventError("{param} `" + _safe_code(code) + "` is not one of the policy's hold bases; use "
                             + ", ".join(self.hold_bases), param="hold_basis")
        return hb


def _safe_code(code: object) -> str:
    """A mistyped code echoed back only when it looks like a code (never free text someone typed)."""
    s = str(code)
    return s if re.fullmatch(r"[A-Za-z0-9_ -]{1,40}", s) and not re.search(r"\d{4,}", s) else "(given value)"


_ABBREVIATED = re.compile(r"^(?P<stamp>\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)\s+"
                         r"(?P<abbr>[A-Z]{3,5})(?:\s+\((?P<zone>[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*)\))?$")
_NOT_ABBREVIATIONS = frozenset({"UTC", "GMT", "UCT", "ZULU"})


def _abbreviated(m: re.Match[str], zone_name: str | None, param: str) -> datetime:
    """'2026-04-21 08:00 EDT' (optionally followed by '(America/New_York)', as the tool prints times): the wall
    clock of the jurisdiction's zone, only when the abbreviation is the one that zone uses at that moment.
    EST/EDT are never read as fixed offsets: "08:00 EST" in July would be an hour off the clock meant."""
    name = m.group("zone") or zone_name
    abbr = m.group("abbr")
    if not name or name == "UTC":
        raise EventError(f"{{param}}: {abbr} is an abbreviation, which can mean several zones; give the zone, e.g. "
                         "2026-03-01 14:00 America/New_York, or the offset, e.g. 2026-03-01T14:00-05:00", param=param)
    try:
        zone = ZoneInfo(name)
        naive = datetime.fromisoformat(m.group("stamp").replace(" ", "T"))
    except (ZoneInfoNotFoundError, ValueError):
        raise EventError("{param} is not a valid date and time, e.g. " + TIME_EXAMPLES, param=param) from None
    fits = [naive.replace(tzinfo=zone, fold=f) for f in (0, 1)]
    fits = [dt for dt in fits if dt.tzname() == abbr
            and dt.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive]
    if fits:
        return fits[0].astimezone(UTC)
    _local(naive, zone, param)  # a time the clocks skipped (or repeated) is named as such
    used = naive.replace(tzinfo=zone)
    here = f"on {naive.date().isoformat()} the time in {name} is {used.tzname()} (UTC{_offset(used)})"
    hours = _ABBREVIATION_OFFSETS.get(abbr)
    if hours is None:  # an abbreviation we cannot convert: no guessed clock time is suggested
        raise EventError(f"{{param}}: {abbr} is not a time zone this tool can convert ({here}); give the time "
                         "with the UTC offset of the clock you mean (YYYY-MM-DDTHH:MM+HH:MM or -HH:MM), or with the "
                         "zone's name (e.g. America/Chicago)", param=param)
    meant = naive.replace(tzinfo=timezone(timedelta(hours=hours)))
    there = meant.astimezone(zone)
    raise EventError(f"{{param}}: {here}, not {abbr}. {m.group('stamp')} {abbr} (UTC{_offset(meant)}) is "
                     f"{there.strftime('%Y-%m-%d %H:%M')} {there.tzname()} in {name}: write "
                     f"'{there.strftime('%Y-%m-%d %H:%M')} {there.tzname()}' or "
                     f"{meant.strftime('%Y-%m-%dT%H:%M')}{_offset(meant)}; if you meant {naive.strftime('%H:%M')} "
                     f"on the clock in {name}, write '{m.group('stamp')} {used.tzname()}'", param=param)


def _offset(dt: datetime) -> str:
    """'-05:00': the UTC offset of an aware time."""
    o = dt.strftime("%z")
    return f"{o[:3]}:{o[3:]}"


# North American zone abbreviations with one meaning each (hours from UTC): a time written with one of them is
# converted, never read as the same clock time in another zone. Any other abbreviation is not guessed.
_ABBREVIATION_OFFSETS = {"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
                         "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5, "NDT": -2.5}


def parse_instant(value: Any, *, param: str = "occurred_at", zone_name: str | None = None) -> datetime:
    """An aware UTC datetime from an aware datetime or an ISO 8601 string with a zone (``zone_name``: the
    jurisdiction's zone, whose abbreviations — EST/EDT — are accepted as its wall clock)."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise EventError("{param} has no time zone; give one, e.g. " + TIME_EXAMPLES, param=param)
        return value.astimezone(UTC)
    if isinstance(value, date):
        raise EventError("{param} needs a time and a zone, not only a date, e.g. " + TIME_EXAMPLES, param=param)
    if not isinstance(value, str) or not value.strip():
        raise EventError("{param} must be a time with a zone, e.g. " + TIME_EXAMPLES, param=param)
    text = value.strip()
    a = _ABBREVIATED.match(text)
    if a and a.group("abbr") not in _NOT_ABBREVIATIONS:
        return _abbreviated(a, zone_name, param)
    m = _ZONE_SUFFIX.match(text)
    if m:
        try:
            zone = ZoneInfo(m.group("zone"))
        except (ZoneInfoNotFoundError, ValueError):
            raise EventError("{param} names an unknown time zone; use an IANA name such as America/New_York",
                             param=param) from None
        try:
            naive = datetime.fromisoformat(m.group("stamp").replace(" ", "T"))
        except ValueError:
            raise EventError("{param} is not a valid date and time, e.g. " + TIME_EXAMPLES, param=param) from None
        if len(m.group("stamp")) == 10:
            raise EventError("{param} needs a time of day as well as the date, e.g. " + TIME_EXAMPLES, param=param)
        return _local(naive, zone, param)
    try:
        dt = datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise EventError("{param} is not a valid date and time, e.g. " + TIME_EXAMPLES, param=param) from None
    if len(text) == 10:
        raise EventError("{param} needs a time of day and a zone, not only a date, e.g. " + TIME_EXAMPLES,
                         param=param)
    if dt.tzinfo is None:
        raise EventError("{param} has no time zone (it would be guessed); add one, e.g. " + TIME_EXAMPLES,
                         param=param)
    return dt.astimezone(UTC)


def _local(naive: datetime, zone: ZoneInfo, param: str) -> datetime:
    """A wall-clock time in ``zone``, refused when the clocks make it ambiguous or impossible."""
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        back = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if back != naive:
            raise EventError("{param} names a time that did not exist on that day (the clocks went forward); "
                             "check it, or give the offset, e.g. 2026-03-08T03:30-04:00", param=param)
        raise EventError("{param} names a time that happened twice on that day (the clocks went back); give the "
                         "offset to say which, e.g. 2026-11-01T01:30-04:00 or 2026-11-01T01:30-05:00", param=param)
    return first.astimezone(UTC)


@lru_cache(maxsize=1 << 15)
def _show(tz_name: str, value: datetime | str, seconds: bool) -> str:
    dt = parse_stored(value) if isinstance(value, str) else value
    if dt is None:
        return str(value)
    loc = dt.astimezone(UTC if tz_name == "UTC" else ZoneInfo(tz_name))
    return loc.strftime("%Y-%m-%d %H:%M:%S %Z" if seconds else "%Y-%m-%d %H:%M %Z")


def parse_stored(value: str) -> datetime | None:
    """A time as the log stores it (UTC 'Z', or a bare date meaning that UTC day); None if unreadable."""
    if not isinstance(value, str):
        return None
    return _parse_stored(value)


@lru_cache(maxsize=1 << 16)
def _parse_stored(value: str) -> datetime | None:
    # cached: every page reads the same few thousand event times again (a datetime is immutable)
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def iso_z(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def duration_words(delta: timedelta) -> str:
    """'3 h 20 min', '2 days 3 h 15 min', '2 days 0 h 5 min', '1 day 6 h', '45 min': every unit from the largest
    present down to the smallest that is not zero, so no minutes are dropped once days appear — a duration
    shown without minutes has none (rounded down to the minute; never negative)."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rem = divmod(minutes, 24 * 60)
    hours, mins = divmod(rem, 60)
    if not minutes:
        return "less than a minute"
    parts = [f"{days} day" + ("s" if days != 1 else ""), f"{hours} h", f"{mins} min"]
    values = [days, hours, mins]
    first = next(i for i, v in enumerate(values) if v)
    last = max(i for i, v in enumerate(values) if v)
    return " ".join(parts[first:last + 1])


_CACHE: dict[int, Jurisdiction] = {}


def jurisdiction_of(policy: Any, guard: Any = None) -> Jurisdiction:
    """The jurisdiction of a policy (a :class:`status_guard.policy.Policy` or its file). With a guard,
    the hold-basis vocabulary is checked against the pack's 040(d) value rule (once per policy)."""
    f = getattr(policy, "file", policy)
    key = id(f)
    if key in _CACHE:
        return _CACHE[key]
    data = getattr(f, "compliance", None)
    if data is None:
        j = Jurisdiction(name=getattr(f, "jurisdiction", "") or "")
    else:
        j = Jurisdiction(name=getattr(f, "jurisdiction", "") or "", tz_name=data.time_zone,
                         hold_bases={c: HoldBasisCode(c, hb.label, hb.immigration_only)
                                     for c, hb in data.hold_bases.items()})
    if guard is not None and j.hold_bases:
        check_vocabulary(j, guard)
    _CACHE[key] = j
    return j


def check_vocabulary(j: Jurisdiction, guard: Any) -> None:
    """Each immigration-only code alone is refused by the policy (040(d)); no other code is. A pack
    that says otherwise cannot mean what it says: refuse to start."""
    wrong = []
    for code, hb in j.hold_bases.items():
        d = guard.check_submission({"hold_basis": [code]}, scope="police", requester="local", action="detain")
        blocked = getattr(d.effect, "value", d.effect) == "block"
        if blocked != hb.immigration_only:
            wrong.append(f"{code} ({'refused' if blocked else 'allowed'} alone, but immigration_only is "
                         f"{str(hb.immigration_only).lower()})")
    if wrong:
        raise PolicyError("compliance.hold_bases disagrees with the policy's 040(d) value rule: " + "; ".join(wrong))
