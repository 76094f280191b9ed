"""A bound on the work one check may do, so a crafted body or page cannot hold a worker for
seconds (issue 15, round f: a denial of service on the city app's event loop).

An adapter opens a budget around one check (``within``); the core passes that do work in
proportion to what a client sent charge it (``charge``). Past a bound the check stops with
:class:`LimitExceededError` naming the bound — the adapter refuses the request or withholds the
response (fail closed: never passed unchecked). With no budget open, nothing is counted.

Kinds (the names the error carries):

* ``free-text characters checked`` — characters given to free-text detection (after the
  detector's memo: a value met before costs nothing), the guard's costliest pass (~0.5–1.5 ms per
  KiB);
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from .errors import LimitExceededError

T = TypeVar("T")
TEXT_CHARS = "free-text characters checked"


class WorkBudget:
    """What one check may still spend, by kind (``None``: no bound on that kind)."""

    __slots__ = ("limits", "used")

    def __init__(self, **limits: int | None) -> None:
        self.limits = {k: v for k, v in limits.items() if v is not None}
        self.used: dict[str, int] = {}

    def charge(self, kind: str, amount: int) -> None:
        limit = self.limits.get(kind)
        if limit is None:
            return
        used = self.used.get(kind, 0) + amount
        self.used[kind] = used
        if used > limit:
            raise LimitExceededError(kind, limit, used)


_BUDGET: ContextVar[WorkBudget | None] = ContextVar("status_guard_work_budget", default=None)


def charge(kind: str, amount: int) -> None:
    """Spend ``amount`` of ``kind`` from the open budget (if any); raises past its bound."""
    budget = _BUDGET.get()
    if budget is not None:
        budget.charge(kind, amount)


def within(budget: WorkBudget, fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` with ``budget`` open (in this thread's context only)."""
    token = _BUDGET.set(budget)
    try:
        return fn(*args)
    finally:
        _BUDGET.reset(token)


__all__ = ["TEXT_CHARS", "WorkBudget", "charge", "within"]
