"""status_guard — enforce Cambridge's Welcoming Community Ordinance (ch. 2.129) in city software.

    from status_guard import Guard
    guard = Guard.default()
    guard.check_submission({"citizenship": "..."}, scope="schools", requester="local").effect  # "block"
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers and IDEs; at run time each name loads on first use
    from .asgi import StatusGuardMiddleware
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


#: where each public name lives; ``import status_guard`` loads none of them (issue 15: the policy
#: models, pydantic and the lexicon cost ~1 s to import), the first use of a name loads its module
_LAZY = {
    "Action": ".model", "Claim": ".model", "Decision": ".model", "Effect": ".model", "Item": ".model",
    "Requester": ".model", "Classification": ".classify", "Guard": ".guard", "Redaction": ".redact",
    "StatusGuardMiddleware": ".asgi",
    **{n: ".errors" for n in ("AuditUnavailableError", "LimitExceededError", "PolicyError", "PolicyValidationError",
                              "RefusedError", "StatusGuardError", "UnparseableInputError")},
}


def __getattr__(name: str) -> Any:  # every public name loads on first use, so `import status_guard` stays light
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module 'status_guard' has no attribute {name!r}")
    value = getattr(import_module(where, __name__), name)
    globals()[name] = value  # later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
