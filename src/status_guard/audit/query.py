"""Reading the log back: filters over stored records, in chain order.

Times are compared as the log writes them (fixed-width UTC ``YYYY-MM-DDTHH:MM:SS.ffffffZ``), so a
string comparison is a time comparison. ``since``/``until`` accept a datetime, an ISO date or
timestamp, or a relative span such as ``90m``, ``24h``, ``7d`` (before now).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

import orjson

from .errors import AuditConfigError
from .sinks.base import RawItem

_REL = re.compile(r"(\d{1,6})([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def to_log_time(value: Any, *, now: datetime | None = None) -> str | None:
    """A datetime / ISO string / relative span ('24h') as the log's UTC time string."""
    if value is None:
        return None
    if isinstance(value, str):
        m = _REL.fullmatch(value.strip())
        if m:
            dt = (now or datetime.now(timezone.utc)) - timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})
        else:
            text = value.strip().replace("Z", "+00:00")
            try:
                dt = datetime.fromisoformat(text)
            except ValueError:
                raise AuditConfigError("time must be ISO 8601 (2026-11-05, 2026-11-05T10:00:00Z) or a span "
                                       "like 24h / 7d") from None
    elif isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    else:
        raise AuditConfigError(f"time must be a datetime or a string, not {type(value).__name__}")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def citation_matches(wanted: str, cited: str) -> bool:
    """``2.129.040`` matches ``2.129.040(b)``; ``2.129.040(b)`` matches only itself and deeper."""
    return cited == wanted or cited.startswith(wanted + "(")


def record_citations(rec: dict[str, Any]) -> list[str]:
    out = [c for c in rec.get("citations") or () if isinstance(c, str)]
    for e in rec.get("exceptions") or ():
        if isinstance(e, dict) and isinstance(e.get("citation"), str):
            out.append(e["citation"])
    ev = rec.get("event")
    if isinstance(ev, dict) and isinstance(ev.get("citation"), str):
        out.append(ev["citation"])
    return out


@dataclass(frozen=True)
class Filter:
    since: str | None = None
    until: str | None = None
    citation: str | None = None
    effects: frozenset[str] | None = None
    requester: str | None = None
    adapter: str | None = None
    kinds: frozenset[str] | None = None

    @classmethod
    def make(cls, *, since: Any = None, until: Any = None, citation: str | None = None, effect: Any = None,
             requester: str | None = None, adapter: str | None = None, kind: Any = None) -> Filter:
        def split(v: Any) -> frozenset[str] | None:
            if v is None:
                return None
            items = v.split(",") if isinstance(v, str) else list(v)
            return frozenset(str(getattr(x, "value", x)).strip() for x in items if str(x).strip())

        return cls(to_log_time(since), to_log_time(until), citation, split(effect), requester, adapter, split(kind))

    def __call__(self, rec: dict[str, Any]) -> bool:
        t = rec.get("time")
        if self.since is not None and (not isinstance(t, str) or t < self.since):
            return False
        if self.until is not None and (not isinstance(t, str) or t >= self.until):
            return False
        if self.kinds is not None and rec.get("kind") not in self.kinds:
            return False
        if self.effects is not None and rec.get("effect") not in self.effects:
            return False
        if self.adapter is not None and rec.get("adapter") != self.adapter:
            return False
        if self.requester is not None:
            req = rec.get("requester") if isinstance(rec.get("requester"), dict) else {}
            want = self.requester.casefold()
            if want not in {str(req.get("class", "")).casefold(), str(req.get("agency", "")).casefold()}:
                return False
        if self.citation is not None:
            if not any(citation_matches(self.citation, c) for c in record_citations(rec)):
                return False
        return True


def filter_items(items: Iterable[RawItem], flt: Filter, limit: int | None = None) -> Iterator[dict[str, Any]]:
    n = 0
    for item in items:
        try:
            rec = orjson.loads(item.data)
        except orjson.JSONDecodeError:
            continue
        if isinstance(rec, dict) and flt(rec):
            yield rec
            n += 1
            if limit is not None and n >= limit:
                return
