"""The compliance officer's toolkit: events (2.129.060 facts), 040(g) obligations, the semiannual
report, complaint packets (2.129.050) and a small dashboard, all computed from the audit log.

Heavy parts (matplotlib, reportlab, Starlette) are imported only by the modules that need them.
"""

from __future__ import annotations

from .events import EventError, EventRecorder, EventType, person_ref
from .obligations import Obligation, obligations_from, pending
from .source import Snapshot, take_snapshot

__all__ = [
    "EventError", "EventRecorder", "EventType", "Obligation", "Snapshot", "obligations_from", "pending",
    "person_ref", "take_snapshot",
]
