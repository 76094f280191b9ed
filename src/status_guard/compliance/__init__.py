"""The compliance officer's toolkit: events (2.129.060 facts), 040(g) obligations, the semiannual
report, complaint packets (2.129.050) and a small dashboard, all computed from the audit log.

Heavy parts (matplotlib, WeasyPrint, Starlette) are imported only by the modules that need them.
"""

from __future__ import annotations

from .errors import EventError
from .events import EventRecorder, EventType, person_ref
from .jurisdiction import Jurisdiction, jurisdiction_of
from .ledger import Ledger, ledger_of
from .obligations import Obligation, obligations_from, pending
from .source import LogReader, Snapshot, take_snapshot
from .verification import VerificationView, view_of

__all__ = [
    "EventError", "EventRecorder", "EventType", "Jurisdiction", "Ledger", "LogReader", "Obligation", "Snapshot",
    "VerificationView", "jurisdiction_of", "ledger_of", "obligations_from", "pending", "person_ref",
    "take_snapshot", "view_of",
]
