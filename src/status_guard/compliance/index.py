"""What the report and the dashboard count, kept per day so a period is summed, not re-read.

One pass over the records builds, in the jurisdiction's time zone:
* refusals per local day, by (clause, department), plus monitor-mode ones apart;
* every record's log time (sorted), and the heartbeats', for coverage: how many records a period
  holds and its longest silence.
The index extends itself with the records a :class:`..source.LogReader` appended (a prefix it has
already counted is never counted again), so a dashboard page on a 100 000-record log sums a few
hundred days instead of reading 100 000 records.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any

from .jurisdiction import parse_stored

UTC = timezone.utc


def is_refusal(rec: Mapping[str, Any]) -> bool:
    return rec.get("kind") == "decision" and rec.get("effect") == "block"


def refusal_time(rec: Mapping[str, Any]) -> datetime | None:
    """When a refused act occurred: its ``occurred_at`` (an event refused under 040(d) and typed
    later), else when the guard logged it (the guard refuses as the act happens)."""
    occ = rec.get("occurred_at")
    if isinstance(occ, str):
        dt = parse_stored(occ)
        if dt is not None:
            return dt
    t = rec.get("time")
    return parse_stored(t) if isinstance(t, str) else None


def occurred_time(rec: Mapping[str, Any]) -> datetime | None:
    """When what a record is about occurred: an event's ``occurred_at``, a refusal's (see
    :func:`refusal_time`), else when it was written. Every period filter uses this, so a page's
    counts and the records its links list agree."""
    ev = rec.get("event")
    if rec.get("kind") == "event" and isinstance(ev, Mapping) and isinstance(ev.get("occurred_at"), str):
        dt = parse_stored(ev["occurred_at"])
        if dt is not None:
            return dt
    return refusal_time(rec)


def department_of(rec: Mapping[str, Any], scope_titles: Mapping[str, str]) -> str:
    dept = rec.get("department")
    if isinstance(dept, str) and dept:
        return dept
    scope = rec.get("scope")
    if isinstance(scope, str):
        return scope_titles.get(scope, scope)
    return "unspecified"


@dataclass
class DayRefusals:
    records: int = 0                       # refused records (not monitor)
    monitor: int = 0
    by_clause_dept: Counter[tuple[str, str]] = field(default_factory=Counter)


@dataclass
class LogIndex:
    tz: tzinfo
    scope_titles: Mapping[str, str]
    count: int = 0                                   # records consumed
    generation: str = ""
    refusals: dict[date, DayRefusals] = field(default_factory=lambda: defaultdict(DayRefusals))
    times: list[float] = field(default_factory=list)        # every record's log time, sorted (epoch s)
    heartbeats: list[float] = field(default_factory=list)   # heartbeats' log times, sorted

    def add(self, records: Sequence[Mapping[str, Any]]) -> None:
        tz = self.tz
        times, beats = self.times, self.heartbeats
        for rec in records:
            t = rec.get("time")
            lt = parse_stored(t) if isinstance(t, str) else None
            if lt is not None:
                e = lt.timestamp()
                if times and e < times[-1]:
                    bisect.insort(times, e)
                else:
                    times.append(e)
                if rec.get("kind") == "heartbeat":
                    bisect.insort(beats, e)
            if is_refusal(rec):
                when = refusal_time(rec)
                if when is None:
                    continue
                day = self.refusals[when.astimezone(tz).date()]
                if rec.get("monitor") is True:
                    day.monitor += 1
                    continue
                day.records += 1
                dept = department_of(rec, self.scope_titles)
                cites = [c for c in rec.get("citations") or () if isinstance(c, str)] or ["uncited"]
                for c in cites:
                    day.by_clause_dept[(c, dept)] += 1
        self.count += len(records)

    # -- queries over a period of local days -------------------------------------------------------
    def refusal_days(self, start: date, end: date) -> list[tuple[date, DayRefusals]]:
        if (end - start).days > len(self.refusals):
            return sorted((d, r) for d, r in self.refusals.items() if start <= d <= end)
        out = []
        d = start
        while d <= end:
            r = self.refusals.get(d)
            if r is not None:
                out.append((d, r))
            d += timedelta(days=1)
        return out

    def times_between(self, a: datetime, b: datetime) -> tuple[int, int]:
        """Index range [lo, hi) of record times in [a, b)."""
        return bisect.bisect_left(self.times, a.timestamp()), bisect.bisect_left(self.times, b.timestamp())

    def heartbeats_between(self, a: datetime, b: datetime) -> int:
        return bisect.bisect_left(self.heartbeats, b.timestamp()) - bisect.bisect_left(self.heartbeats, a.timestamp())


def build_index(records: Sequence[Mapping[str, Any]], tz: tzinfo, scope_titles: Mapping[str, str],
                generation: str = "") -> LogIndex:
    idx = LogIndex(tz, scope_titles)
    idx.add(records)
    idx.generation = generation
    return idx


def epoch_to_iso(e: float) -> str:
    return datetime.fromtimestamp(e, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
