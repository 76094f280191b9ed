"""One consistent read of the audit log: the same bytes are verified and then counted.

Reports, obligations, complaints and the dashboard all work from a :class:`Snapshot`, so a figure
is never computed from records the verifier did not see.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from status_guard.audit import AuditLog, open_sink
from status_guard.audit.sinks.base import RawItem, Sink
from status_guard.audit.verify import VerifyReport, verify_items


@dataclass(frozen=True)
class Snapshot:
    """The parsed records of one read of the log, with that read's verification result."""

    description: str
    verification: VerifyReport
    records: tuple[dict[str, Any], ...]

    @property
    def ok(self) -> bool:
        return self.verification.ok

    def by_seq(self, seq: int) -> dict[str, Any] | None:
        for rec in self.records:
            if rec.get("seq") == seq:
                return rec
        return None

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.records)


def _parse(items: Iterable[RawItem]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        try:
            rec = orjson.loads(item.data)
        except orjson.JSONDecodeError:
            continue  # the verifier names it
        if isinstance(rec, dict):
            out.append(rec)
    return out


def take_snapshot(source: AuditLog | Sink | str, *, hmac_key: bytes | None = None, public_key: Any = None,
                  allow_open_tail: bool = True, anchors: Iterable[Mapping[str, Any]] = ()) -> Snapshot:
    """Read ``source`` (an AuditLog, a sink, or an audit spec string) once, verify and parse it.

    ``allow_open_tail`` defaults to True: a live log has no end marker yet; the verifier's warning
    about it is kept in ``verification.warnings`` and shown in reports."""
    if isinstance(source, str):
        sink: Sink = open_sink(source)
        close = True
    elif isinstance(source, AuditLog):
        sink, close = source.sink, False
        if hmac_key is None:
            hmac_key = getattr(source, "_hmac_key", None)
    else:
        sink, close = source, False
    try:
        items = list(sink.raw_items())
        report = verify_items(iter(items), hmac_key=hmac_key, public_key=public_key,
                              allow_open_tail=allow_open_tail, anchors=list(anchors),
                              position_name=sink.position_name)
        return Snapshot(sink.description, report, tuple(_parse(items)))
    finally:
        if close:
            sink.close()
