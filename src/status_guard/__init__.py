"""status_guard — enforce Cambridge's Welcoming Community Ordinance (ch. 2.129) in city software.

    from status_guard import Guard
    guard = Guard.default()
    guard.check_submission({"citizenship": "..."}, scope="schools", requester="local").effect  # "block"
"""

from __future__ import annotations

from typing import Any

from .classify import Classification
from .errors import (
    AuditUnavailableError,
    LimitExceededError,
    PolicyError,
    PolicyValidationError,
    RefusedError,
    StatusGuardError,
    UnparseableInputError,
)
from .guard import Guard
from .model import Action, Claim, Decision, Effect, Item, Requester
from .redact import Redaction

__version__ = "0.1.0"

__all__ = [
    "Action",
    "AuditUnavailableError",
    "Claim",
    "Classification",
    "Decision",
    "Effect",
    "Guard",
    "Item",
    "LimitExceededError",
    "PolicyError",
    "PolicyValidationError",
    "Redaction",
    "RefusedError",
    "Requester",
    "StatusGuardError",
    "StatusGuardMiddleware",
    "UnparseableInputError",
]


def __getattr__(name: str) -> Any:  # adapters load on first use, so `import status_guard` stays light
    if name == "StatusGuardMiddleware":
        from .asgi import StatusGuardMiddleware

        return StatusGuardMiddleware
    raise AttributeError(f"module 'status_guard' has no attribute {name!r}")
